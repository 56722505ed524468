//! Title bar: the scenario picker, the protocol, copy link.

use crate::ui::model;
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub preset: Option<&'static str>,
    pub presets: Rc<Vec<(&'static str, &'static str)>>,
    pub now_us: u64,
    pub protocol: &'static str,
}

fn copy_link() {
    let Some(link) = model::with(|m| m.live.link()) else { return };
    let Some(w) = web_sys::window() else { return };
    let _ = w.location().set_hash(&format!("s={link}"));
    let url = w.location().href().unwrap_or_default();
    let _ = w.navigator().clipboard().write_text(&url);
}

#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let on_pick = Callback::from(|e: Event| {
        if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
            dispatch(Action::Open(sel.value()));
        }
    });
    html! {
        <header class="header">
            <h1>{ "ClusterLab" }</h1>
            <span class="protocol-badge">{ p.protocol }</span>
            <label class="picker">
                <span class="sr-only">{ "Scenario" }</span>
                <select data-testid="preset" aria-label="Scenario" onchange={on_pick}>
                    if p.preset.is_none() {
                        <option selected=true value="">{ "(from a link)" }</option>
                    }
                    { for p.presets.iter().map(|(name, title)| html! {
                        <option value={*name} selected={p.preset == Some(*name)}>{ *title }</option>
                    }) }
                </select>
            </label>
            <button data-testid="copy-link" onclick={Callback::from(|_| copy_link())} title="Put a link to exactly this state in the address bar and the clipboard">{ "Copy link" }</button>
        </header>
    }
}
