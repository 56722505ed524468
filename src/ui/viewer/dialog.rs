//! "Open history": a dialog with a client history checked for linearizability (Herlihy and
//! Wing; the checker of `sim::lin`) and drawn as a timeline — the current run's, or a file
//! the user opens (Jepsen EDN, a Jepsen text log, ClusterLab's history JSON). It says the
//! verdict, and for a key no order explains, why, and centres the operations that cannot be
//! placed; a bad file gets a message with its line, and the dialog keeps what it showed.

use super::canvas::{Command, HistoryCanvas};
use super::doc::{HistoryDoc, MAX_FILE_BYTES};
use super::Panel;
use crate::i18n::t;
use crate::sim::lin::{KeyFailure, Verdict};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HistoryViewProps {
    pub panel: Rc<Panel>,
    /// Whether the run records a client history (a key-value store, version 2 and later).
    pub run_has_history: bool,
}

/// Read the chosen file's text and open it (files over the cap are refused before reading).
fn open_file(e: Event) {
    let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    input.set_value("");
    let name = file.name();
    if file.size() > MAX_FILE_BYTES as f64 {
        let mb = MAX_FILE_BYTES >> 20;
        super::show_error(format!("{name}: {} ({mb} MiB)", t("the file is larger than the page reads")));
        return;
    }
    let ok_name = name.clone();
    let on_text = Closure::once(move |text: JsValue| match text.as_string() {
        Some(text) => {
            let _ = super::open_text(&ok_name, &text);
        }
        None => super::show_error(format!("{ok_name}: {}", t("the file is not text"))),
    });
    let on_error = Closure::once(move |_: JsValue| super::show_error(format!("{name}: {}", t("the file could not be read"))));
    let _ = file.text().then2(&on_text, &on_error);
    // One of the two runs, once; both live until then.
    on_text.forget();
    on_error.forget();
}

fn verdict_line(doc: &HistoryDoc) -> Html {
    let (class, text) = match &doc.verdict {
        Verdict::Linearizable => ("ok", t("Linearizable").to_string()),
        Verdict::NotLinearizable { failures } => ("bad", format!("{} ({}: {})", t("Not linearizable"), t("keys that fail"), failures.len())),
        Verdict::Inconclusive { key, steps } => ("warn", format!("{}: {} {key}, {steps} {}", t("Inconclusive"), t("the search hit its cap on key"), t("steps"))),
    };
    let verdict = super::verdict_name(&doc.verdict);
    html! { <p class={classes!("history-verdict", class)} data-testid="history-verdict" data-verdict={verdict}>{ text }</p> }
}

fn stats(doc: &HistoryDoc) -> String {
    let c = &doc.chart;
    format!(
        "{}: {} · {}: {} · {}: {} · {} · {}: {} · {} {} ms",
        t("operations"),
        doc.ops.len(),
        t("clients"),
        c.lanes.len(),
        t("keys"),
        c.keys.len(),
        doc.format,
        t("model"),
        doc.model.name(),
        t("checked in"),
        doc.check_ms.round() as u64
    )
}

fn failure(f: &KeyFailure) -> Html {
    html! {
        <li data-testid="history-failure">
            <strong>{ format!("{} {}", t("key"), f.key) }</strong>{ ": " }{ f.explanation.clone() }
        </li>
    }
}

fn tools(doc: &HistoryDoc, command: &UseStateHandle<(Command, u32)>) -> Html {
    let send = |c: Command| {
        let command = command.clone();
        Callback::from(move |_: MouseEvent| command.set((c, command.1 + 1)))
    };
    let failing = matches!(doc.verdict, Verdict::NotLinearizable { .. });
    html! {
        <div class="history-tools">
            <button onclick={send(Command::Fit)} data-testid="history-fit">{ t("Fit") }</button>
            <button onclick={send(Command::ZoomIn)} aria-label={t("Zoom in")}>{ "+" }</button>
            <button onclick={send(Command::ZoomOut)} aria-label={t("Zoom out")}>{ "−" }</button>
            if failing {
                <button class="primary" onclick={send(Command::Failure)} data-testid="history-goto-failure">{ t("Show the failure") }</button>
            }
            <button data-testid="history-download" onclick={Callback::from(|_| super::download())}>{ t("Download (JSON)") }</button>
        </div>
    }
}

fn legend() -> Html {
    html! {
        <p class="history-legend">
            <span class="swatch ok"></span>{ t("ok") }
            <span class="swatch unknown"></span>{ t("unknown outcome") }
            <span class="swatch fail"></span>{ t("failed") }
            <span class="swatch stuck"></span>{ t("cannot be placed") }
            <span class="swatch point"></span>{ t("takes effect (the order found)") }
        </p>
    }
}

#[function_component(HistoryView)]
pub fn history_view(p: &HistoryViewProps) -> Html {
    let command = use_state(|| (Command::None, 0u32));
    let close = Callback::from(|_: MouseEvent| super::close_history());
    let onkeydown = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Escape" {
            super::close_history();
        }
        // The page's own keys (space plays, arrows step) stay out of the dialog.
        e.stop_propagation();
    });
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(b) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let source = p.panel.doc.as_ref().map(|d| d.source.clone()).unwrap_or_default();
    html! {
        <div class="history-backdrop">
            <section class="history panel" role="dialog" aria-modal="true" aria-labelledby="history-title" data-testid="history" {onkeydown}>
                <header class="history-head">
                    <h2 id="history-title">{ t("Client history") }{ if source.is_empty() { String::new() } else { format!(": {source}") } }</h2>
                    <span class="spacer"></span>
                    if p.run_has_history {
                        <button data-testid="history-run" onclick={Callback::from(|_| super::open_run())}>{ t("This run") }</button>
                    }
                    <label class="file-button">
                        { t("Open a file…") }
                        <input type="file" data-testid="history-file" accept=".edn,.log,.txt,.json,application/json,text/plain" onchange={Callback::from(open_file)} />
                    </label>
                    <button ref={close_ref} data-testid="history-close" aria-label={t("Close")} onclick={close}>{ "×" }</button>
                </header>
                if let Some(e) = &p.panel.error {
                    <p class="history-error" role="alert" data-testid="history-error">{ e.clone() }</p>
                }
                if let Some(doc) = &p.panel.doc {
                    { verdict_line(doc) }
                    <p class="history-stats" data-testid="history-stats">{ stats(doc) }</p>
                    if let Verdict::NotLinearizable { failures } = &doc.verdict {
                        <ul class="history-failures">{ for failures.iter().take(8).map(failure) }</ul>
                    }
                    { tools(doc, &command) }
                    <HistoryCanvas doc={doc.clone()} command={*command} />
                    { legend() }
                } else {
                    <p class="history-empty">{ t("Open a history file: Jepsen EDN (one {:process …, :type …, :f …} map a line), a Jepsen text log, or a ClusterLab history (JSON). Key-value runs in this page record their own.") }</p>
                }
            </section>
        </div>
    }
}
