//! The app shell: takes one snapshot of the model per render and hands plain views to the
//! components; drives the animation frame.

use super::components::*;
use super::model::{self, Speed};
use super::state::{dispatch, Action};
use crate::scenario::presets;
use crate::sim::{ClusterView, NetConfig, TraceRecord};
use gloo_timers::callback::Interval;
use std::rc::Rc;
use yew::prelude::*;

/// Everything the components draw, taken from the model at once.
#[derive(Clone, PartialEq)]
pub struct Snapshot {
    pub view: Rc<ClusterView>,
    pub playing: bool,
    pub speed: Speed,
    pub selected: Option<u32>,
    pub notice: Option<String>,
    pub preset: Option<&'static str>,
    pub frontier: u64,
    pub properties: Rc<Vec<(&'static str, &'static str)>>,
    pub recent: Rc<Vec<TraceRecord>>,
    pub net: NetConfig,
    pub chaos_on: bool,
    pub is_client_kv: bool,
    /// The clicked message, while it is still in flight: (id, summary).
    pub message: Option<(u64, String)>,
    pub hovered: Option<u64>,
    pub arrows: Rc<Vec<spacetime::Arrow>>,
    pub window_start_us: u64,
}

const LOG_WINDOW: usize = 60;
/// The space-time diagram shows this much simulated time before the playhead.
const SPACETIME_WINDOW_US: u64 = 400_000;
const MAX_ARROWS: usize = 300;

fn snapshot() -> Option<Snapshot> {
    model::with(|m| {
        let run = &m.live.run;
        let trace = run.trace();
        let count = run.event_count();
        let end = trace.partition_point(|r| r.event <= count);
        let recent = trace[end.saturating_sub(LOG_WINDOW)..end].to_vec();
        let window_start_us = run.now_us().saturating_sub(SPACETIME_WINDOW_US);
        let begin = trace[..end].partition_point(|r| r.time_us < window_start_us);
        let arrows = Rc::new(spacetime::arrows(&trace[begin..end], MAX_ARROWS));
        Snapshot {
            view: Rc::new(run.view()),
            playing: m.playing,
            speed: m.speed,
            selected: m.selected,
            notice: m.notice.clone(),
            preset: m.preset,
            frontier: run.frontier(),
            properties: Rc::new(run.properties()),
            recent: Rc::new(recent),
            net: run.net(),
            chaos_on: run.chaos_on(),
            is_client_kv: run.protocol() != "flood",
            message: m.selected_msg.and_then(|id| run.message_summary(id).map(|s| (id, s))),
            hovered: m.hovered_msg,
            arrows,
            window_start_us,
        }
    })
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

#[function_component(App)]
pub fn app() -> Html {
    let force = use_force_update();
    use_effect_with((), move |_| {
        let f = force.clone();
        model::set_notifier(Rc::new(move || f.force_update()));
        let interval = Interval::new(16, || {
            if model::with(|m| m.playing) == Some(true) {
                dispatch(Action::Tick(now_ms()));
            }
        });
        move || drop(interval)
    });
    let Some(s) = snapshot() else {
        return html! { <div class="notice">{ "ClusterLab is busy; reload the page if this stays." }</div> };
    };
    let presets: Rc<Vec<(&'static str, &'static str)>> = Rc::new(presets::all().iter().map(|p| (p.name, p.title_en)).collect());
    let caption = s.preset.and_then(presets::find).map(|p| p.caption_en);
    html! {
        <div class="shell">
            <Header preset={s.preset} presets={presets} now_us={s.view.now_us} protocol={s.view.protocol} />
            if let Some(n) = s.notice.clone() {
                <div class="notice" role="alert">
                    <span>{ n }</span>
                    <button aria-label="Dismiss" onclick={Callback::from(|_| dispatch(Action::DismissNotice))}>{ "×" }</button>
                </div>
            }
            if let Some(c) = caption {
                <p class="caption">{ c }</p>
            }
            <Controls playing={s.playing} speed={s.speed} now_us={s.view.now_us} event_count={s.view.event_count} />
            <main class="grid">
                <section class="panel cluster-panel" aria-label="Cluster">
                    <ClusterSvg view={s.view.clone()} selected={s.selected} hovered={s.hovered} drops={s.arrows.clone()} />
                    <Timeline event_count={s.view.event_count} frontier={s.frontier} violations={Rc::new(s.view.violations.clone())} />
                </section>
                <section class="panel side">
                    <Inspector view={s.view.clone()} selected={s.selected} message={s.message.clone()} />
                    <FaultPanel view={s.view.clone()} selected={s.selected} net={s.net.clone()} chaos_on={s.chaos_on} kv={s.is_client_kv} />
                </section>
                <section class="panel wide">
                    <Spacetime arrows={s.arrows.clone()} n={s.view.nodes.len() as u32} start_us={s.window_start_us} now_us={s.view.now_us} hovered={s.hovered} />
                </section>
                <section class="panel">
                    <InvariantPanel properties={s.properties.clone()} violations={Rc::new(s.view.violations.clone())} />
                </section>
                <section class="panel">
                    <EventLog records={s.recent.clone()} />
                </section>
            </main>
        </div>
    }
}
