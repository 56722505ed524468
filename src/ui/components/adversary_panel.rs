//! Adversary mode's panel (the student is the network, as in DSLabs' visual debugger): the
//! switch, and while it is on every message waiting to be delivered, dropped or duplicated
//! and every timer waiting to fire, earliest first. Each choice is a recorded action.

use super::fmt_time;
use crate::i18n::t;
use crate::sim::{Choice, Fault};
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use yew::prelude::*;

/// At most this many choices are listed (the earliest).
const SHOWN: usize = 40;

#[derive(Properties, PartialEq)]
pub struct AdversaryPanelProps {
    pub on: bool,
    pub choices: Rc<Vec<Choice>>,
    pub now_us: u64,
    /// A lesson asks for a timer of this node to be fired (its row is marked).
    #[prop_or_default]
    pub target: Option<u32>,
}

fn act(f: Fault) -> Callback<MouseEvent> {
    Callback::from(move |_| dispatch(Action::Inject(f.clone())))
}

fn what(c: &Choice) -> String {
    match c.from {
        Some(from) => format!("m{} {} n{from} → n{}", c.id, c.what, c.node),
        None => format!("n{} {}", c.node, c.what),
    }
}

fn due(c: &Choice, now_us: u64) -> String {
    if c.at_us <= now_us {
        t("due now").to_string()
    } else {
        format!("{} {}", t("at"), fmt_time(c.at_us))
    }
}

fn choice_row(c: &Choice, now_us: u64, target: Option<u32>) -> Html {
    let id = c.id;
    let buttons = if c.kind == "fire" {
        html! { <button data-testid="choice-fire" onclick={act(Fault::Fire { id })}>{ t("Fire") }</button> }
    } else {
        html! { <>
            <button data-testid="choice-deliver" onclick={act(Fault::Deliver { id })}>{ t("Deliver") }</button>
            <button data-testid="choice-drop" onclick={act(Fault::Drop { id })}>{ t("Drop") }</button>
            <button data-testid="choice-duplicate" onclick={act(Fault::Duplicate { id })}>{ t("Duplicate") }</button>
        </> }
    };
    html! {
        <li class={classes!("choice", (target == Some(c.node)).then_some("lesson-target"))} data-choice-kind={c.kind} data-choice-id={id.to_string()} data-node-id={c.node.to_string()}>
            <span class="choice-what">{ what(c) }</span>
            <span class="choice-due">{ due(c, now_us) }</span>
            <span class="row">{ buttons }</span>
        </li>
    }
}

#[function_component(AdversaryPanel)]
pub fn adversary_panel(p: &AdversaryPanelProps) -> Html {
    let toggle = act(Fault::Adversary { on: !p.on });
    let label = if p.on { t("Stop being the network") } else { t("Be the network (adversary mode)") };
    html! {
        <div class="adversary" data-testid="adversary" data-on={p.on.to_string()}>
            <button data-testid="adversary-toggle" aria-pressed={p.on.to_string()} onclick={toggle}>{ label }</button>
            if p.on {
                <p class="hint">{ t("You are the network: nothing is delivered and no timer fires until you choose. Time moves to what you pick.") }</p>
                if p.choices.is_empty() {
                    <p class="hint">{ t("Nothing is waiting: no message is in flight and no timer is armed.") }</p>
                } else {
                    <ol class="choices" aria-label={t("What can happen next")} tabindex="0">
                        { for p.choices.iter().take(SHOWN).map(|c| choice_row(c, p.now_us, p.target)) }
                    </ol>
                }
            }
        </div>
    }
}
