//! The share menu: copy a link to exactly this state, export it as a scenario file (or
//! open one: "File…"), copy embed code for a course page, download the trace (JSON) and
//! the space-time diagram (SVG).

use crate::i18n::{t, Lang};
use crate::ui::fixed::decimal;
use crate::ui::{export, scenario_file};
use crate::ui::model::{self, PageOptions, Speed};
use crate::ui::state::{dispatch, Action};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

fn copy_link() {
    let hash = match export::fragment() {
        Ok(f) => f,
        Err(e) => return dispatch(Action::Notice(e)),
    };
    let Some(w) = web_sys::window() else { return };
    model::note_own_hash(&hash);
    let _ = w.location().set_hash(&hash);
    copy(&w.location().href().unwrap_or_default());
}

fn save(result: Option<Result<(), String>>) {
    match result {
        Some(Err(e)) => dispatch(Action::Notice(format!("{}: {e}", t("Download failed")))),
        None => dispatch(Action::Notice(t("Nothing to download yet").into())),
        Some(Ok(())) => {}
    }
}

const SIZES: &[(u32, u32)] = &[(800, 500), (960, 600), (1280, 720)];

#[derive(Clone, PartialEq)]
struct EmbedChoice {
    size: usize,
    options: PageOptions,
}

fn embed_panel(choice: &UseStateHandle<EmbedChoice>) -> Html {
    let c = (**choice).clone();
    // A state with no link gets, in place of the code, why.
    let code = export::embed_code(&c.options, SIZES[c.size].0, SIZES[c.size].1).unwrap_or_else(|e| e);
    let set = |f: fn(&mut EmbedChoice, String)| {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            let v = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value())
                .or_else(|| e.target_dyn_into::<HtmlInputElement>().map(|i| i.checked().to_string()));
            if let Some(v) = v {
                let mut c = (*choice).clone();
                f(&mut c, v);
                choice.set(c);
            }
        })
    };
    let code_copy = code.clone();
    html! {
        <div class="embed-panel" data-testid="embed-panel">
            <div class="row">
                <label>{ t("Size") }{ " " }
                    <select aria-label={t("Size")} onchange={set(|c, v| c.size = v.parse().unwrap_or(0))}>
                        { for SIZES.iter().enumerate().map(|(i, (w, h))| html! { <option value={i.to_string()} selected={i == c.size}>{ format!("{w}×{h}") }</option> }) }
                    </select>
                </label>
                <label><input type="checkbox" checked={c.options.autoplay} onchange={set(|c, v| c.options.autoplay = v == "true")} />{ t("Autoplay") }</label>
                <label>{ t("Speed") }{ " " }
                    <select aria-label={t("Speed")} onchange={set(|c, v| c.options.speed = decimal(&v).map(Speed::Times))}>
                        { for ["0.25", "0.5", "1", "2", "5"].iter().map(|s| html! { <option value={*s} selected={c.options.speed == decimal(s).map(Speed::Times)}>{ format!("{s}×") }</option> }) }
                    </select>
                </label>
                <label>{ t("Language") }{ " " }
                    <select aria-label={t("Language")} onchange={set(|c, v| c.options.lang = Lang::from_tag(&v))}>
                        <option value="en" selected={c.options.lang == Lang::En}>{ "English" }</option>
                        <option value="zh" selected={c.options.lang == Lang::Zh}>{ "中文" }</option>
                    </select>
                </label>
                <label>{ t("Theme") }{ " " }
                    <select aria-label={t("Theme")} onchange={set(|c, v| c.options.theme = match v.as_str() { "light" => Some("light"), "dark" => Some("dark"), _ => None })}>
                        <option value="" selected={c.options.theme.is_none()}>{ t("system") }</option>
                        <option value="light" selected={c.options.theme == Some("light")}>{ t("light") }</option>
                        <option value="dark" selected={c.options.theme == Some("dark")}>{ t("dark") }</option>
                    </select>
                </label>
            </div>
            <textarea readonly=true data-testid="embed-code" aria-label={t("Embed code")} rows="4" value={code}></textarea>
            <button class="primary" data-testid="copy-embed" onclick={Callback::from(move |_| copy(&code_copy))}>{ t("Copy embed code") }</button>
        </div>
    }
}

#[function_component(ShareMenu)]
pub fn share_menu() -> Html {
    let embed_open = use_state(|| false);
    let choice = use_state(|| EmbedChoice {
        size: 0,
        options: PageOptions { embed: true, autoplay: true, speed: Some(Speed::Times(1.0)), theme: None, lang: crate::i18n::lang() },
    });
    let toggle = {
        let o = embed_open.clone();
        Callback::from(move |_| o.set(!*o))
    };
    html! {
        <div class="share">
            <button data-testid="copy-link" onclick={Callback::from(|_| copy_link())} title={t("Put a link to exactly this state in the address bar and the clipboard")}>{ t("Copy link") }</button>
            // Scenario files, for what is too long for a link: a <details> the browser opens
            // and closes (no state here).
            <details class="file-menu">
                <summary data-testid="file">{ t("File…") }</summary>
                <div class="embed-panel file-panel" data-testid="file-panel">
                    <button data-testid="export-scenario" onclick={Callback::from(|e: MouseEvent| {
                        if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                            scenario_file::close_menu(&el);
                        }
                        save(Some(scenario_file::export()));
                    })}>{ t("Export scenario") }</button>
                    <label class="file-button">
                        { t("Open scenario file") }
                        <input type="file" data-testid="scenario-file" accept=".json,application/json" onchange={Callback::from(scenario_file::on_chosen)} />
                    </label>
                </div>
            </details>
            <button data-testid="embed" aria-expanded={embed_open.to_string()} onclick={toggle}>{ t("Embed…") }</button>
            <button data-testid="export-trace" title={t("Download the trace up to the playhead as JSON")}
                onclick={Callback::from(|_| save(export::trace_json().map(|j| export::download("clusterlab-trace.json", "application/json", &j))))}>{ t("Trace JSON") }</button>
            <button data-testid="export-svg" title={t("Download the space-time diagram as SVG")}
                onclick={Callback::from(|_| save(export::spacetime_svg().map(|s| export::download("clusterlab-spacetime.svg", "image/svg+xml", &s))))}>{ t("Diagram SVG") }</button>
            if *embed_open { { embed_panel(&choice) } }
        </div>
    }
}
