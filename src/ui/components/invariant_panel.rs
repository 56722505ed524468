//! Live status of every safety property; a violation turns it red, says what happened, and
//! one click jumps to the event. A run that went beyond its protocol's declared fault
//! assumptions says so first, and its later violations carry the label "assumption
//! exceeded": the protocol was never promised to survive that.

use super::fmt_time;
use crate::i18n::{t, t_dyn};
use crate::sim::{Exceeded, Violation};
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantPanelProps {
    pub properties: Rc<Vec<(&'static str, &'static str)>>,
    pub violations: Rc<Vec<Violation>>,
    #[prop_or_default]
    pub exceeded: Rc<Vec<Exceeded>>,
    /// The run records its clients' history: offer to draw it.
    #[prop_or_default]
    pub history: bool,
}

#[function_component(InvariantPanel)]
pub fn invariant_panel(p: &InvariantPanelProps) -> Html {
    html! {
        <div class="invariants" data-testid="invariants" data-violation-count={p.violations.len().to_string()}
            data-exceeded-count={p.exceeded.len().to_string()}>
            <h2>{ t("Safety properties") }</h2>
            { for p.exceeded.iter().take(5).map(|x| html! {
                <p class="exceeded" data-testid="assumption-exceeded">
                    <strong>{ t("Assumption exceeded") }</strong>
                    <span>{ format!(" {} {}: {}", t("at"), fmt_time(x.time_us), x.what) }</span>
                </p>
            }) }
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
            if p.history {
                <button data-testid="show-history" title={t("Draw the clients' operations on a timeline, with the order the checker found")}
                    onclick={Callback::from(|_| dispatch(Action::OpenHistory))}>{ t("Client history") }</button>
            }
            { for p.violations.iter().take(20).map(|v| {
                let ev = v.event_index;
                let beyond = p.exceeded.iter().any(|x| x.event_index <= ev);
                html! {
                    <div class={classes!("violation", beyond.then_some("beyond"))} role="alert">
                        if beyond {
                            <span class="tag" data-testid="exceeded-tag">{ t("assumption exceeded") }</span>
                        }
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
