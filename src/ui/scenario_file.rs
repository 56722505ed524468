//! Scenario files in the page: "Export scenario" downloads what a link would carry (this
//! state: the opened scenario, the faults recorded here, the playhead) as a file, and "Open
//! scenario file" (and `openScenario(text)`) decodes one exactly as a link is decoded. A
//! scenario of another family is handed to that module as a link is (`swap::request_file`).

use super::model::{self, Model};
use crate::i18n::t;
use crate::scenario::{self, file::MAX_FILE_BYTES, LinkError, LiveRun};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::TargetCast;

/// The fragment a module is started with to open the file another module handed over.
pub const FRAGMENT: &str = "file";

/// Download this state as a scenario file named after its protocol and seed.
pub fn export() -> Result<(), String> {
    let (s, text) = model::with(|m| {
        let s = m.live.current_scenario();
        let text = scenario::encode_file(&s);
        (s, text)
    })
    .ok_or("busy")?;
    super::export::download(&format!("clusterlab-{}-seed-{}.json", s.protocol, s.seed), "application/json", &text?)
}

/// Open a scenario file's text: here (`Ok(None)`), or in another family's module
/// (`Ok(Some(family))`, while it loads this run stays). On an error nothing changes.
pub fn open(m: &mut Model, text: &str) -> Result<Option<String>, String> {
    if scenario::lessons::is_lesson_text(text) {
        return open_lesson(m, text);
    }
    match scenario::decode_file(text) {
        Ok(s) => {
            super::state::show(m, LiveRun::open(&s)?, None);
            forget_fragment();
            Ok(None)
        }
        Err(LinkError::OtherModule { family, .. }) => {
            super::state::loading(m, family, super::swap::request_file(family, text));
            Ok(Some(family.to_string()))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A teacher's lesson file: here, or in its family's module as a lesson link (`#l=…`).
fn open_lesson(m: &mut Model, text: &str) -> Result<Option<String>, String> {
    let protocol = scenario::lessons::protocol_of(text).unwrap_or_default();
    match scenario::registry::family_of(&protocol).filter(|f| scenario::registry::row(&protocol).is_none() && *f != super::swap::own_family()) {
        Some(family) => {
            let link = scenario::lessons::encode_lesson_link(text)?;
            super::state::loading(m, family, super::swap::request(family, &format!("l={link}")));
            Ok(Some(family.to_string()))
        }
        None => {
            let lesson = scenario::lessons::decode_lesson(text)?;
            let link = scenario::lessons::encode_lesson_link(text).ok();
            let (live, state) = super::lesson::open(lesson, link, 0)?;
            super::lesson::show(m, live, state);
            Ok(None)
        }
    }
}

/// The address no longer names what is shown (a file is not a link): drop its fragment.
pub fn forget_fragment() {
    model::note_own_hash("");
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash("");
    }
}

/// The chosen file's text, opened as [`open`] does; a refusal goes to the page's notice.
pub fn on_chosen(e: web_sys::Event) {
    let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    input.set_value("");
    close_menu(&input);
    let name = file.name();
    if file.size() > MAX_FILE_BYTES as f64 {
        return refuse(&name, &LinkError::FileTooLarge(file.size() as usize).to_string());
    }
    // `file.text().then(done, done)`: text when it was read, an error when it was not.
    let done = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |text: JsValue| {
        match text.as_string().map(|text| model::update(|m| open(m, &text))) {
            Some(Some(Ok(_))) => {}
            Some(Some(Err(e))) => refuse(&name, &e),
            Some(None) => refuse(&name, "busy"),
            None => refuse(&name, t("the file could not be read")),
        }
        JsValue::UNDEFINED
    })
    .into_js_value();
    let method = |target: &JsValue, name: &str| Reflect::get(target, &name.into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    let file: JsValue = file.into();
    if let Some(promise) = method(&file, "text").and_then(|text| text.call0(&file).ok()) {
        if let Some(then) = method(&promise, "then") {
            let _ = then.call2(&promise, &done, &done);
        }
    }
}

/// Close the "File…" menu around `el`, so that it hides nothing the page says next.
pub fn close_menu(el: &web_sys::Element) {
    if let Ok(Some(menu)) = el.closest("details") {
        let _ = menu.remove_attribute("open");
    }
}

/// What the page says when this state gets no link.
pub fn no_link(e: &scenario::LinkRefused) -> String {
    format!("{}: {e}. {}", t("No link for this state"), t("Use Export scenario to save it as a file."))
}

fn refuse(name: &str, why: &str) {
    let text = format!("{} {name}: {why}", t("Could not open the scenario file"));
    super::state::dispatch(super::state::Action::Notice(text));
}
