//! The history viewer: a page module of its own (built with the feature `viewer`, no
//! protocol family), which the page's loader fetches only when someone opens a client
//! history, so no scenario's first download carries the parsers, the drawing or the dialog.
//! The loader calls [`show_history`] with the history's text (a run's, handed over by its
//! module as a ClusterLab history file, or none to open a file) and the page's language;
//! the dialog closes itself ([`close_history`]).

pub mod canvas;
pub mod dialog;
pub mod doc;
pub mod paint;

use doc::HistoryDoc;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the dialog shows: a checked history, and the last text that could not be read.
#[derive(Debug, Default, PartialEq)]
pub struct Panel {
    pub doc: Option<Rc<HistoryDoc>>,
    pub error: Option<String>,
}

thread_local! {
    static PANEL: RefCell<Rc<Panel>> = RefCell::default();
    static APP: RefCell<Option<(yew::AppHandle<Viewer>, web_sys::Element)>> = const { RefCell::new(None) };
    static REDRAW: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

fn panel() -> Rc<Panel> {
    PANEL.with(|p| p.borrow().clone())
}

fn set_panel(panel: Panel) {
    PANEL.with(|p| *p.borrow_mut() = Rc::new(panel));
    if let Some(redraw) = REDRAW.with(|r| r.borrow().clone()) {
        redraw();
    }
}

/// Check and show `text` (named `name`); if it cannot be read, keep what was shown and say why.
pub fn open_text(name: &str, text: &str) -> Result<Rc<HistoryDoc>, String> {
    match doc::from_text(name, text) {
        Ok(doc) => {
            let doc = Rc::new(doc);
            set_panel(Panel { doc: Some(doc.clone()), error: None });
            Ok(doc)
        }
        Err(e) => {
            show_error(e.clone());
            Err(e)
        }
    }
}

pub fn show_error(error: String) {
    set_panel(Panel { doc: panel().doc.clone(), error: Some(error) });
}

/// The page's run history, as its module hands it over (`window.clusterlab.history()`).
fn run_history() -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let api = js_sys::Reflect::get(&window, &"clusterlab".into()).ok()?;
    let f = js_sys::Reflect::get(&api, &"history".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    f.call0(&api).ok()?.as_string()
}

/// Open the running scenario's client history (the dialog's "This run").
pub fn open_run() {
    match run_history() {
        Some(text) => {
            let _ = open_text(crate::i18n::t("this run"), &text);
        }
        None => show_error(crate::i18n::t("This run has no client history yet").into()),
    }
}

/// Open the dialog in `root` (the loader's element) in language `lang`: on `text` when given
/// (named `name`), else on what it showed last. Answers the verdict, or the error.
#[wasm_bindgen]
pub fn show_history(root: web_sys::Element, text: Option<String>, name: String, lang: String) -> JsValue {
    crate::i18n::set_lang(crate::i18n::Lang::from_tag(&lang));
    let answer = match text {
        Some(text) => match open_text(&name, &text) {
            Ok(doc) => verdict_name(&doc.verdict).into(),
            Err(e) => JsValue::from_str(&format!("error: {e}")),
        },
        None => JsValue::NULL,
    };
    if APP.with(|a| a.borrow().is_none()) {
        let handle = yew::Renderer::<Viewer>::with_root(root.clone()).render();
        APP.with(|a| *a.borrow_mut() = Some((handle, root)));
    }
    answer
}

/// Close the dialog (the viewer stays loaded for the next history).
#[wasm_bindgen]
pub fn close_history() {
    REDRAW.with(|r| r.borrow_mut().take());
    if let Some((app, root)) = APP.with(|a| a.borrow_mut().take()) {
        app.destroy();
        root.remove();
    }
}

/// Download what the dialog shows as a ClusterLab history file (what `clusterlab check` reads).
pub fn download() {
    let Some(doc) = panel().doc.clone() else { return };
    let text = crate::histories::to_json(doc.model, &doc.ops);
    if let Err(e) = crate::ui::export::download("clusterlab-history.json", "application/json", &text) {
        show_error(format!("{}: {e}", crate::i18n::t("Download failed")));
    }
}

pub fn verdict_name(v: &crate::sim::lin::Verdict) -> &'static str {
    use crate::sim::lin::Verdict;
    match v {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable { .. } => "not_linearizable",
        Verdict::Inconclusive { .. } => "inconclusive",
    }
}

#[function_component(Viewer)]
fn viewer() -> Html {
    let force = use_force_update();
    use_effect_with((), move |_| {
        let f = force.clone();
        REDRAW.with(|r| *r.borrow_mut() = Some(Rc::new(move || f.force_update())));
    });
    html! { <dialog::HistoryView panel={panel()} run_has_history={run_history_offered()} /> }
}

/// The page's run records a client history (a key-value store): `window.clusterlab.hasHistory()`.
fn run_history_offered() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let api = js_sys::Reflect::get(&window, &"clusterlab".into()).unwrap_or(JsValue::UNDEFINED);
    let Ok(f) = js_sys::Reflect::get(&api, &"hasHistory".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) else { return false };
    f.call0(&api).is_ok_and(|v| v.is_truthy())
}
