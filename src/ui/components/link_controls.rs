//! Per-link faults between the selected node and a peer: cut both ways, one way, heal.

use crate::i18n::t;
use crate::sim::Fault;
use crate::ui::state::{dispatch, Action};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkControlsProps {
    pub id: u32,
    pub n: u32,
    /// Directed links currently held: (from, to).
    pub held: Vec<(u32, u32)>,
}

fn inject_fault(f: Fault) -> Callback<MouseEvent> {
    Callback::from(move |_| dispatch(Action::Inject(f.clone())))
}

#[function_component(LinkControls)]
pub fn link_controls(p: &LinkControlsProps) -> Html {
    let (id, n) = (p.id, p.n);
    let peer = use_state(|| (id + 1) % n.max(1));
    let on_peer = {
        let peer = peer.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(v) = s.value().parse::<u32>() {
                    peer.set(v);
                }
            }
        })
    };
    let to = if *peer == id || *peer >= n { (id + 1) % n.max(1) } else { *peer };
    html! {
        <div class="row">
            <label>{ t("Link to") }{ " " }
                <select aria-label={t("Peer")} onchange={on_peer}>
                    { for (0..n).filter(|p| *p != id).map(|p| html! { <option value={p.to_string()} selected={p == to}>{ format!("n{p}") }</option> }) }
                </select>
            </label>
            <button data-testid="cut" onclick={inject_fault(Fault::Cut { a: id, b: to })}>{ t("Cut") }</button>
            <button data-testid="cut-one-way" onclick={inject_fault(Fault::CutOneWay { from: id, to })}>{ format!("{} n{id}→n{to}", t("Cut")) }</button>
            <button data-testid="heal" onclick={inject_fault(Fault::Heal { a: id, b: to })}>{ t("Heal") }</button>
            if p.held.contains(&(id, to)) {
                <button data-testid="release" onclick={inject_fault(Fault::Release { from: id, to })}>{ format!("{} n{id}→n{to}", t("Release")) }</button>
            } else {
                <button data-testid="hold" title={t("Hold messages on this link until released (they arrive late, all at once)")}
                    onclick={inject_fault(Fault::Hold { from: id, to })}>{ format!("{} n{id}→n{to}", t("Hold")) }</button>
            }
        </div>
    }
}

