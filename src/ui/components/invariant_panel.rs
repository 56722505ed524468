//! Live status of every safety property; a violation turns it red, says what happened, and
//! one click jumps to the event.

use super::fmt_time;
use crate::i18n::{t, t_dyn};
use crate::sim::Violation;
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantPanelProps {
    pub properties: Rc<Vec<(&'static str, &'static str)>>,
    pub violations: Rc<Vec<Violation>>,
}

#[function_component(InvariantPanel)]
pub fn invariant_panel(p: &InvariantPanelProps) -> Html {
    html! {
        <div class="invariants" data-testid="invariants" data-violation-count={p.violations.len().to_string()}>
            <h2>{ t("Safety properties") }</h2>
            <ul>
                { for p.properties.iter().map(|(name, source)| {
                    let bad = p.violations.iter().filter(|v| v.property == *name).count();
                    html! {
                        <li class={classes!(if bad > 0 { "bad" } else { "ok" })} title={*source}>
                            <span class="dot" aria-hidden="true"></span>
                            <span>{ t_dyn(name) }</span>
                            <small>{ if bad > 0 { format!("{} ×{bad}", t("violated")) } else { t("holds").into() } }</small>
                        </li>
                    }
                }) }
            </ul>
            { for p.violations.iter().take(20).map(|v| {
                let ev = v.event_index;
                html! {
                    <div class="violation" role="alert">
                        <strong>{ t_dyn(&v.property) }</strong>
                        <span>{ format!(" {} {} ({} {}): ", t("at"), fmt_time(v.time_us), t("event"), v.event_index) }</span>
                        <span>{ v.explanation.clone() }</span>
                        <button onclick={Callback::from(move |_| dispatch(Action::Seek(ev)))}>{ t("Jump to event") }</button>
                    </div>
                }
            }) }
        </div>
    }
}
