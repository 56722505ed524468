//! The timeline: a scrubber over every event run so far; dragging back shows the exact past
//! state; violations are marked.

use crate::sim::Violation;
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub event_count: u64,
    pub frontier: u64,
    pub violations: Rc<Vec<Violation>>,
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
    let max = p.frontier.max(1);
    html! {
        <div class="timeline">
            <input type="range" min="0" max={max.to_string()} value={p.event_count.to_string()} data-testid="timeline"
                aria-label="Timeline: events run so far" oninput={on_input} />
            <div class="marks" aria-hidden="true">
                { for p.violations.iter().map(|v| html! {
                    <span class="mark violation" style={format!("left: {:.2}%", v.event_index as f64 * 100.0 / max as f64)}></span>
                }) }
            </div>
            <small>{ format!("event {} of {}", p.event_count, p.frontier) }</small>
        </div>
    }
}
