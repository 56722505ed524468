//! Play/pause, step, step back, speed, and the simulated clock; in embed mode also the link
//! that opens the same scenario in the full page.

use super::fmt_time;
use crate::i18n::t;
use crate::ui::model::Speed;
use crate::ui::state::{dispatch, Action};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: Speed,
    pub now_us: u64,
    pub event_count: u64,
    /// Embed mode: the address of the full view of this scenario.
    #[prop_or_default]
    pub full_view: Option<String>,
}

const SPEEDS: &[(&str, Speed)] = &[
    ("0.1×", Speed::Times(0.1)),
    ("0.25×", Speed::Times(0.25)),
    ("0.5×", Speed::Times(0.5)),
    ("1×", Speed::Times(1.0)),
    ("2×", Speed::Times(2.0)),
    ("5×", Speed::Times(5.0)),
    ("10×", Speed::Times(10.0)),
    ("100×", Speed::Times(100.0)),
    ("max", Speed::Max),
];

/// A small inline SVG icon (no icon font: nothing external is loaded).
fn icon(path: &'static str) -> Html {
    html! { <svg class="icon" viewBox="0 0 20 20" aria-hidden="true"><path d={path} /></svg> }
}

fn speed_select(speed: Speed) -> Html {
    let on_speed = Callback::from(|e: Event| {
        if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
            if let Some((_, s)) = SPEEDS.iter().find(|(l, _)| *l == sel.value()) {
                dispatch(Action::SetSpeed(*s));
            }
        }
    });
    // A speed from `?speed=` that is not in the list still shows as chosen.
    let custom = (!SPEEDS.iter().any(|(_, s)| *s == speed)).then(|| match speed {
        Speed::Times(x) => format!("{}×", crate::ui::fixed::short(x)),
        Speed::Max => "max".into(),
    });
    html! {
        <label class="speed">
            <span>{ t("Speed") }</span>
            <select data-testid="speed" aria-label={t("Speed")} onchange={on_speed}>
                if let Some(c) = custom { <option selected=true value="">{ c }</option> }
                { for SPEEDS.iter().map(|(l, s)| html! { <option value={*l} selected={*s == speed}>{ if *l == "max" { t("as fast as possible") } else { *l } }</option> }) }
            </select>
        </label>
    }
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let label = if p.playing { t("Pause") } else { t("Play") };
    html! {
        <div class="controls" role="toolbar" aria-label={t("Playback")}>
            <button data-testid="step-back" aria-label={t("Step back one event (left arrow)")} title={t("Step back one event (left arrow)")} onclick={Callback::from(|_| dispatch(Action::StepBack))}>{ icon("M11 4 L4 10 L11 16 Z M16 4 L9 10 L16 16 Z") }</button>
            <button data-testid="play" class="primary" aria-label={format!("{label} ({})", t("space"))} aria-pressed={p.playing.to_string()}
                onclick={Callback::from(|_| dispatch(Action::TogglePlay))}>
                if p.playing { { icon("M5 4 H9 V16 H5 Z M11 4 H15 V16 H11 Z") } } else { { icon("M6 4 L16 10 L6 16 Z") } }
                { " " }{ label }
            </button>
            <button data-testid="step" aria-label={t("Step to the next event (right arrow)")} title={t("Step to the next event (right arrow)")} onclick={Callback::from(|_| dispatch(Action::Step))}>{ icon("M4 4 L11 10 L4 16 Z M9 4 L16 10 L9 16 Z") }</button>
            { speed_select(p.speed) }
            if let Some(url) = &p.full_view {
                <a class="full-view" data-testid="full-view" href={url.clone()} target="_blank" rel="noopener">{ t("Open full view ↗") }</a>
            }
            <span class="clock" data-testid="clock" data-sim-time-us={p.now_us.to_string()} aria-live="off">
                { fmt_time(p.now_us) }<small>{ format!(" · {} {}", t("event"), p.event_count) }</small>
            </span>
        </div>
    }
}
