//! The app shell: takes one snapshot of the model per render and hands plain views to the
//! components. The full page shows every panel; `?embed=1` shows the cluster and a minimal
//! control strip that fits an iframe.

use super::components::*;
use super::model::{self, PageOptions, Speed};
use super::state::{dispatch, Action};
use crate::i18n::{t, Lang};
use crate::scenario::presets;
use crate::sim::{Choice, ClusterView, LogMark, MessageView, NetConfig, NodeStatus, NodeView, Overlay, TableView, TraceRecord};
use std::rc::Rc;
use yew::prelude::*;

/// Everything the components draw, taken from the model at once.
#[derive(Clone, PartialEq)]
pub struct Snapshot {
    pub view: Rc<ClusterView>,
    /// The selected node's full view.
    pub selected_view: Option<NodeView>,
    pub overlay: Rc<Overlay>,
    /// For a commit protocol, the three commit protocols side by side on this scenario.
    pub comparison: Rc<Option<TableView>>,
    /// The cluster state table and the marks on its log grid.
    pub cluster_table: Rc<TableView>,
    pub log_marks: Rc<Vec<LogMark>>,
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
    /// Client requests the protocol takes (see `AnyRun::client_requests`).
    pub requests: Option<bool>,
    /// The clicked message, while it is still in flight, with its summary.
    pub message: Option<(MessageView, String)>,
    pub hovered: Option<u64>,
    pub arrows: Rc<Vec<spacetime::Arrow>>,
    pub window_start_us: u64,
    pub faults: Rc<Vec<(u64, String)>>,
    pub options: PageOptions,
    /// The run records its clients' history (a key-value store).
    pub run_has_history: bool,
    /// Adversary mode, and what the user may choose next.
    pub adversary: bool,
    pub choices: Rc<Vec<Choice>>,
    /// The open lesson's step, as its panel draws it.
    pub lesson: Option<lesson_panel::LessonView>,
    /// For a MapReduce scenario, its typed input text (None inside: generated text); None
    /// for every other protocol (no input panel).
    pub typed_text: Option<Rc<Option<String>>>,
}

const LOG_WINDOW: usize = 60;
/// The space-time diagram shows this much simulated time before the playhead.
pub const SPACETIME_WINDOW_US: u64 = 400_000;
pub const MAX_ARROWS: usize = 300;
/// Above this many nodes the cluster is drawn on a canvas and the space-time diagram,
/// one lane per node, is left out. Only the modules of families whose clusters grow past
/// 64 nodes (`registry::CANVAS_FAMILIES`) carry the canvas; the others draw every cluster
/// they allow, at most 64 nodes, as SVG with its space-time diagram.
#[cfg(any(feature = "gossip", feature = "dht", feature = "hashring"))]
pub const CANVAS_ABOVE: usize = 50;
#[cfg(not(any(feature = "gossip", feature = "dht", feature = "hashring")))]
pub const CANVAS_ABOVE: usize = usize::MAX;
/// How often a large cluster's overlay (plots and tables over every node) and the event
/// log are refreshed while playing; paused, every change shows at once.
const OVERLAY_EVERY_MS: f64 = 250.0;
const LOG_EVERY_MS: f64 = 200.0;

/// `make()` again if the run moved and either `every_ms` has passed or the page is not
/// playing; otherwise what was made last.
fn throttled<T>(cache: &mut Option<(u64, f64, Rc<T>)>, events: u64, now_ms: f64, every_ms: Option<f64>, make: impl FnOnce() -> T) -> Rc<T> {
    let fresh = match (&*cache, every_ms) {
        (Some((e, _, _)), _) if *e == events => true,
        (Some((_, t, _)), Some(every)) => now_ms - *t < every,
        _ => false,
    };
    match cache {
        Some((_, _, v)) if fresh => v.clone(),
        _ => {
            let v = Rc::new(make());
            *cache = Some((events, now_ms, v.clone()));
            v
        }
    }
}

/// For a commit protocol's scenario, the commit protocols side by side: computed again
/// only when a fault is added from the page or taken back, otherwise the last one.
#[cfg(feature = "txn")]
fn comparison(m: &mut model::Model) -> Rc<Option<TableView>> {
    let faults = m.live.run.recorded_count();
    match &m.compare_cache {
        Some((k, t)) if *k == faults => t.clone(),
        _ => {
            let mut s = m.live.base().clone();
            s.faults.extend(m.live.run.recorded());
            let t = Rc::new(crate::scenario::compare::side_by_side(&s));
            m.compare_cache = Some((faults, t.clone()));
            t
        }
    }
}

#[cfg(not(feature = "txn"))]
fn comparison(_m: &mut model::Model) -> Rc<Option<TableView>> {
    Rc::new(None)
}

/// A MapReduce or Spark scenario's typed input (the input panel's text), read from its
/// configuration as JSON: the panel needs none of the protocol's types.
fn typed_text(m: &model::Model) -> Option<Rc<Option<String>>> {
    let s = m.live.base();
    matches!(s.protocol.as_str(), "mapreduce" | "spark").then(|| Rc::new(s.config.get("text").and_then(|t| t.as_str()).map(str::to_string)))
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn snapshot() -> Option<Snapshot> {
    model::with(|m| {
        let run = &m.live.run;
        let trace = run.trace();
        m.marks.refresh(trace);
        let count = run.event_count();
        let end = trace.partition_point(|r| r.event <= count);
        let now = now_ms();
        let playing = m.playing;
        let recent = throttled(&mut m.log_cache, count, now, playing.then_some(LOG_EVERY_MS), || trace.to_vec(end.saturating_sub(LOG_WINDOW), end));
        let window_start_us = run.now_us().saturating_sub(SPACETIME_WINDOW_US);
        let begin = trace.partition_point(|r| r.event <= count && r.time_us < window_start_us).min(end);
        let arrows = Rc::new(spacetime::arrows(trace.range(begin, end), MAX_ARROWS));
        let big = run.n() as usize > CANVAS_ABOVE;
        let view = if big { run.view_light() } else { run.view() };
        let selected_view = m.selected.and_then(|id| if big { run.node_view(id) } else { view.nodes.iter().find(|n| n.id == id).cloned() });
        let message = m.selected_msg.and_then(|id| {
            let mv = view.messages.iter().find(|v| v.id == id)?.clone();
            Some((mv, run.message_summary(id)?))
        });
        let lesson = super::lesson::view(m, &view);
        let overlay = throttled(&mut m.overlay_cache, count, now, (big && playing).then_some(OVERLAY_EVERY_MS), || run.overlay());
        let comparison = comparison(m);
        let typed_text = typed_text(m);
        let run = &m.live.run;
        Snapshot {
            lesson,
            view: Rc::new(view),
            selected_view,
            overlay,
            comparison,
            // The embed view has no state table: nothing to build.
            cluster_table: Rc::new(if m.options.embed { TableView::default() } else { run.cluster_table() }),
            log_marks: Rc::new(if m.options.embed { Vec::new() } else { run.log_marks() }),
            playing: m.playing,
            speed: m.speed,
            selected: m.selected,
            notice: m.notice.clone(),
            preset: m.preset,
            frontier: run.frontier(),
            properties: Rc::new(run.properties()),
            recent,
            net: run.net(),
            chaos_on: run.chaos_on(),
            requests: run.client_requests(),
            message,
            hovered: m.hovered_msg,
            arrows,
            window_start_us,
            faults: Rc::new(m.marks.marks.clone()),
            options: m.options.clone(),
            run_has_history: run.checks_linearizability() || !run.client_history().is_empty(),
            adversary: run.adversary(),
            choices: Rc::new(if run.adversary() { run.choices() } else { Vec::new() }),
            typed_text,
        }
    })
}

fn notice(s: &Snapshot) -> Html {
    match s.notice.clone() {
        Some(n) => html! {
            <div class="notice" role="alert" data-testid="notice">
                <span>{ n }</span>
                <button aria-label={t("Dismiss")} onclick={Callback::from(|_| dispatch(Action::DismissNotice))}>{ "×" }</button>
            </div>
        },
        None => html! {},
    }
}

fn cluster(s: &Snapshot) -> Html {
    #[cfg(any(feature = "gossip", feature = "dht", feature = "hashring"))]
    if s.view.nodes.len() > CANVAS_ABOVE {
        let circle = crate::scenario::registry::row(&s.view.protocol).is_some_and(|r| matches!(r.layout, crate::scenario::registry::Layout::Circle));
        return html! { <ClusterCanvas view={s.view.clone()} selected={s.selected} {circle} /> };
    }
    html! { <ClusterSvg view={s.view.clone()} overlay={s.overlay.clone()} selected={s.selected} hovered={s.hovered} drops={s.arrows.clone()} target={lesson_node(s)} /> }
}

/// The node the open lesson's step asks the student to act on (none once it is done).
fn lesson_node(s: &Snapshot) -> Option<u32> {
    s.lesson.as_ref().filter(|l| !l.done).and_then(|l| l.node)
}

/// The control the open lesson's step asks for, for the style sheet to ring.
fn lesson_control(s: &Snapshot) -> Option<&'static str> {
    s.lesson.as_ref().filter(|l| !l.done).and_then(|l| l.control)
}

fn timeline(s: &Snapshot) -> Html {
    html! { <Timeline event_count={s.view.event_count} frontier={s.frontier} violations={Rc::new(s.view.violations.clone())} faults={s.faults.clone()} /> }
}

fn embed_view(s: &Snapshot) -> Html {
    let full = crate::ui::export::url_for(&PageOptions { embed: false, autoplay: false, ..s.options.clone() }).ok();
    html! {
        <div class="shell embed" data-testid="embed" data-lesson-control={lesson_control(s)}>
            { notice(s) }
            if let Some(l) = s.lesson.clone() {
                <LessonPanel lesson={l} />
            }
            <section aria-label={t("Playback")}>
                <h1 class="sr-only">{ format!("ClusterLab: {}", s.view.protocol) }</h1>
                <Controls playing={s.playing} speed={s.speed} now_us={s.view.now_us} event_count={s.view.event_count} full_view={full} />
            </section>
            <main class="embed-main">
                { cluster(s) }
                <div class="embed-side">
                    <span class="protocol-badge">{ s.view.protocol }</span>
                    <span class="embed-status" data-testid="invariants" data-violation-count={s.view.violations.len().to_string()}>
                        { if s.view.violations.is_empty() { t("all safety properties hold").to_string() } else { format!("{} ×{}", t("violated"), s.view.violations.len()) } }
                    </span>
                </div>
            </main>
            <section aria-label={t("Timeline")}>{ timeline(s) }</section>
            if s.adversary {
                <section class="embed-adversary" aria-label={t("Adversary")}>
                    <AdversaryPanel on={true} choices={s.choices.clone()} now_us={s.view.now_us} target={lesson_node(s)} />
                </section>
            }
        </div>
    }
}

/// The word count's input panel, for a MapReduce or Spark scenario. Only the module with MapReduce opens
/// one, so the others leave the panel's code out (the condition is false where they build).
fn input_panel(s: &Snapshot) -> Html {
    match s.typed_text.clone() {
        Some(text) if cfg!(feature = "mapreduce") => html! {
            <section class="panel wide" aria-label={t("Input text")}>
                <MapReduceInput {text} />
            </section>
        },
        _ => html! {},
    }
}

fn full_view(s: &Snapshot) -> Html {
    let lang = s.options.lang;
    let presets = super::swap::menu();
    let caption = s.preset.and_then(presets::find).map(|p| if lang == Lang::Zh { p.caption_zh } else { p.caption_en });
    let big = s.view.nodes.len() > CANVAS_ABOVE;
    let has_overlay = !s.overlay.tables.is_empty() || !s.overlay.plots.is_empty() || s.comparison.is_some();
    let selected = s.selected_view.clone();
    html! {
        <div class="shell" key={lang.tag()} data-lesson-control={lesson_control(s)}>
            <Header preset={s.preset} presets={presets} protocol={s.view.protocol} lang={lang} theme={s.options.theme}
                lessons={super::swap::lesson_menu()} lesson={s.lesson.as_ref().map(|l| l.name.clone())} />
            { notice(s) }
            if let Some(l) = s.lesson.clone() {
                <LessonPanel lesson={l} />
            }
            <section aria-label={t("Playback")}>
                if let Some(c) = caption.filter(|_| s.lesson.is_none()) {
                    <p class="caption" data-testid="caption">{ c }</p>
                }
                <Controls playing={s.playing} speed={s.speed} now_us={s.view.now_us} event_count={s.view.event_count} />
            </section>
            <main class="grid">
                <section class="panel cluster-panel" aria-label={t("Cluster")}>
                    { cluster(s) }
                    { timeline(s) }
                </section>
                <section class="panel side">
                    <Inspector node={selected.clone()} term_name={s.view.term_name} now_us={if selected.is_some() { s.view.now_us } else { 0 }} message={s.message.clone()} />
                    <FaultPanel n={s.view.nodes.len() as u32} selected={selected.map(|v| (v.id, v.status.unwrap_or(NodeStatus::Up)))}
                        held={Rc::new(s.view.held_links.clone())} net={s.net.clone()} chaos_on={s.chaos_on} requests={s.requests}
                        disk_corruption={crate::scenario::registry::row(s.view.protocol).is_some_and(|r| r.assumptions.faults.contains(&crate::sim::FaultClass::DiskCorruption))} />
                    <AdversaryPanel on={s.adversary} choices={s.choices.clone()} now_us={s.view.now_us} target={lesson_node(s)} />
                </section>
                <section class="panel wide" aria-label={t("Cluster state")}>
                    <StateTable table={s.cluster_table.clone()} view={s.view.clone()} marks={s.log_marks.clone()} selected={s.selected} />
                </section>
                { input_panel(s) }
                if has_overlay {
                    <section class="panel wide" aria-label={t("Protocol")}>
                        <OverlayPanel overlay={s.overlay.clone()} comparison={s.comparison.clone()} />
                    </section>
                }
                if !big {
                    <section class="panel">
                        <Spacetime arrows={s.arrows.clone()} n={s.view.nodes.len() as u32} start_us={s.window_start_us} now_us={s.view.now_us} hovered={s.hovered} />
                    </section>
                }
                <section class="panel">
                    <EventLog records={s.recent.clone()} playing={s.playing} />
                </section>
                <section class={classes!("panel", big.then_some("wide"))}>
                    <InvariantPanel properties={s.properties.clone()} violations={Rc::new(s.view.violations.clone())} exceeded={Rc::new(s.view.exceeded.clone())} history={s.run_has_history} />
                </section>
            </main>
        </div>
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let force = use_force_update();
    use_effect_with((), move |_| {
        let f = force.clone();
        model::set_notifier(Rc::new(move || f.force_update()));
        super::frame::start();
    });
    let Some(s) = snapshot() else {
        return html! { <div class="notice">{ t("ClusterLab is busy; reload the page if this stays.") }</div> };
    };
    if s.options.embed {
        embed_view(&s)
    } else {
        full_view(&s)
    }
}
