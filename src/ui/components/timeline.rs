//! The timeline: a scrubber over every event run so far; dragging back shows the exact past
//! state; faults and violations are marked where they happened (click a mark to go there).

use crate::i18n::t;
use crate::sim::Violation;
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use crate::ui::fixed::fixed;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub event_count: u64,
    pub frontier: u64,
    pub violations: Rc<Vec<Violation>>,
    /// (event index, label) of every fault so far.
    pub faults: Rc<Vec<(u64, String)>>,
}

/// Marks closer than this (in % of the width) are merged so that chaos runs stay legible.
const MIN_GAP_PCT: f64 = 0.4;

/// A mark at `event`; its place along the track (`data-pct`) is set through the CSSOM by the
/// timeline (the page's CSP refuses style attributes).
fn mark(class: &'static str, event: u64, max: u64, label: String) -> Html {
    html! {
        <button class={classes!("mark", class)} data-pct={fixed(event as f64 * 100.0 / max as f64, 2).to_string()}
            title={format!("#{event}: {label}")} aria-label={format!("{} {event}: {label}", t("Go to event"))} tabindex="-1"
            onclick={Callback::from(move |_| dispatch(Action::Seek(event)))}></button>
    }
}

/// Place every mark under `marks` at its `data-pct`.
fn place_marks(marks: &NodeRef) {
    let Some(el) = marks.cast::<web_sys::Element>() else { return };
    let children = el.children();
    for i in 0..children.length() {
        let Some(m) = children.item(i).and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) else { continue };
        if let Some(pct) = m.get_attribute("data-pct") {
            let _ = m.style().set_property("left", &format!("{pct}%"));
        }
    }
}

#[function_component(Timeline)]
pub fn timeline(p: &TimelineProps) -> Html {
    let on_input = Callback::from(|e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            if let Ok(k) = input.value().parse::<u64>() {
                dispatch(Action::Seek(k));
            }
        }
    });
    let marks = use_node_ref();
    {
        let marks = marks.clone();
        use_effect(move || place_marks(&marks));
    }
    let max = p.frontier.max(1);
    let mut last_pct = f64::NEG_INFINITY;
    let faults: Vec<Html> = p
        .faults
        .iter()
        .filter(|(e, _)| {
            let pct = *e as f64 * 100.0 / max as f64;
            let keep = pct - last_pct >= MIN_GAP_PCT;
            if keep {
                last_pct = pct;
            }
            keep
        })
        .map(|(e, label)| mark("fault", *e, max, label.clone()))
        .collect();
    html! {
        <div class="timeline" data-fault-count={p.faults.len().to_string()}>
            <input type="range" min="0" max={max.to_string()} value={p.event_count.to_string()} data-testid="timeline"
                aria-label={t("Timeline: events run so far")} aria-valuetext={format!("{} {} / {}", t("event"), p.event_count, p.frontier)} oninput={on_input} />
            <div class="marks" ref={marks}>
                { for faults }
                { for p.violations.iter().take(200).map(|v| mark("violation", v.event_index, max, v.property.clone())) }
            </div>
            <small>{ format!("{} {} / {}", t("event"), p.event_count, p.frontier) }</small>
        </div>
    }
}
