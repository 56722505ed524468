//! Handing the page to another family's module: each page module carries one protocol
//! family (DESIGN.md, "Download budget"), so a link or preset of another family is opened
//! by the page's loader (`window.clusterlabLoader`), which fetches that module, stops this
//! one (`stop`) and starts the other in its place, keeping language, theme and embed mode.
//! A scenario file goes the same way.

use crate::scenario::{self, presets, registry, Fragment, LinkError};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The family this module carries.
pub fn own_family() -> &'static str {
    registry::rows().first().map_or("", |r| r.family)
}

/// If `target` (a link, `#s=…`, `#preset=NAME` or a preset name) belongs to another module,
/// that module's family and the fragment to open there.
pub fn elsewhere(target: &str) -> Option<(String, String)> {
    let t = target.trim().trim_start_matches('#');
    if let Some(family) = lesson_family(t) {
        return (family != own_family()).then(|| (family, t.to_string()));
    }
    match scenario::parse_fragment(t) {
        Fragment::Link(l) => link_family(&l).map(|f| (f, format!("s={l}"))),
        Fragment::Preset(p) => preset_family(&p).map(|f| (f, format!("preset={p}"))),
        Fragment::None if scenario::link::has_link_version(t) => link_family(t).map(|f| (f, format!("s={t}"))),
        Fragment::None => preset_family(t).map(|f| (f, format!("preset={t}"))),
    }
}

/// The family of a lesson fragment (`lesson=NAME…` or `l=1.…`) that is not this module's.
fn lesson_family(t: &str) -> Option<String> {
    let head = t.split('&').next().unwrap_or(t);
    if let Some(name) = head.strip_prefix("lesson=") {
        if scenario::lessons::find(name).is_ok() {
            return None;
        }
        let (loader, f) = loader_fn("familyOfLesson")?;
        return f.call1(&loader, &JsValue::from_str(name)).ok()?.as_string();
    }
    let text = scenario::lessons::lesson_link_text(head.strip_prefix("l=")?).ok()?;
    registry::family_of(&scenario::lessons::protocol_of(&text)?).map(str::to_string)
}

fn link_family(link: &str) -> Option<String> {
    match scenario::decode_link(link) {
        Err(LinkError::OtherModule { family, .. }) => Some(family.to_string()),
        _ => None,
    }
}

/// A preset this module does not carry, looked up in the loader's manifest.
fn preset_family(name: &str) -> Option<String> {
    if presets::find(name).is_some() {
        return None;
    }
    let f = loader_fn("familyOfPreset")?;
    let family = f.1.call1(&f.0, &JsValue::from_str(name)).ok()?.as_string()?;
    (family != own_family()).then_some(family)
}

fn loader_fn(name: &str) -> Option<(JsValue, Function)> {
    let window: JsValue = web_sys::window()?.into();
    let loader = Reflect::get(&window, &"clusterlabLoader".into()).ok()?;
    let f = Reflect::get(&loader, &name.into()).ok()?.dyn_into::<Function>().ok()?;
    Some((loader, f))
}

/// Ask the loader to open `fragment` in `family`'s module. Err when there is no loader
/// (a page that embeds one module by hand) to say so.
pub fn request(family: &str, fragment: &str) -> Result<(), String> {
    call_loader("swap", family, fragment)
}

/// Ask the loader to open a scenario file's `text` in `family`'s module: it keeps the text
/// in the tab's session storage (a file can be too long for an address) and opens `#file`
/// there, where [`take_file`] gets it.
pub fn request_file(family: &str, text: &str) -> Result<(), String> {
    call_loader("swapFile", family, text)
}

/// The scenario file another module handed to this one (taken once).
pub fn take_file() -> Option<String> {
    let (loader, take) = loader_fn("takeFile")?;
    take.call0(&loader).ok()?.as_string()
}

fn call_loader(name: &str, family: &str, arg: &str) -> Result<(), String> {
    let (loader, f) = loader_fn(name).ok_or_else(|| format!("this page cannot load the {family} module"))?;
    f.call2(&loader, &family.into(), &arg.into()).map_err(|e| js_error(&e))?;
    Ok(())
}

/// (name, English title, Chinese title).
pub type MenuEntry = (&'static str, &'static str, &'static str);

thread_local! {
    static MENU: std::cell::RefCell<Option<std::rc::Rc<Vec<MenuEntry>>>> = const { std::cell::RefCell::new(None) };
    static LESSON_MENU: std::cell::RefCell<Option<std::rc::Rc<Vec<MenuEntry>>>> = const { std::cell::RefCell::new(None) };
    /// Every family's menus were asked of the loader (and have not failed to come).
    static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Ask the loader for every family's menus, the first time someone opens a menu: the page
/// starts with its own family's (so a family's presets do not weigh on every page's first
/// download); when they arrive the menus are built again and the page redraws.
pub fn want_all_menus() {
    if ASKED.with(|a| a.replace(true)) {
        return;
    }
    let promise = loader_fn("loadMenus").and_then(|(loader, f)| f.call0(&loader).ok()).and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let Some(promise) = promise else { return };
    let arrived = Closure::once(|_: JsValue| {
        MENU.with(|m| *m.borrow_mut() = None);
        LESSON_MENU.with(|m| *m.borrow_mut() = None);
        crate::ui::model::update(|_| ());
    });
    let failed = Closure::once(|_: JsValue| ASKED.with(|a| a.set(false)));
    let _ = promise.then2(&arrived, &failed);
    arrived.forget();
    failed.forget();
}

/// The preset menu: every family's presets from the loader's manifest (picking one of
/// another family swaps modules), or this module's own where there is no loader.
pub fn menu() -> std::rc::Rc<Vec<MenuEntry>> {
    MENU.with(|m| m.borrow_mut().get_or_insert_with(|| std::rc::Rc::new(build_menu("menu", || presets::all().iter().map(|p| (p.name, p.title_en, p.title_zh)).collect()))).clone())
}

/// The lesson menu, likewise: every family's lessons, or this module's own.
pub fn lesson_menu() -> std::rc::Rc<Vec<MenuEntry>> {
    LESSON_MENU.with(|m| m.borrow_mut().get_or_insert_with(|| std::rc::Rc::new(build_menu("lessons", own_lessons))).clone())
}

fn own_lessons() -> Vec<MenuEntry> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    scenario::lessons::names().into_iter().filter_map(|n| scenario::lessons::find(n).ok()).map(|l| (leak(l.name), leak(l.title.en), leak(l.title.zh))).collect()
}

fn build_menu(key: &str, own: impl Fn() -> Vec<MenuEntry>) -> Vec<MenuEntry> {
    let Some(menu) = manifest_menu(key) else { return own() };
    // Read once per module; the leaked strings live as long as the page.
    let leak = |v: &serde_json::Value| -> &'static str { Box::leak(v.as_str().unwrap_or("").to_string().into_boxed_str()) };
    let entries: Vec<MenuEntry> = menu.iter().filter_map(|e| Some((leak(e.get(0)?), leak(e.get(1)?), leak(e.get(2)?)))).collect();
    if entries.is_empty() { own() } else { entries }
}

fn manifest_menu(key: &str) -> Option<Vec<serde_json::Value>> {
    let window: JsValue = web_sys::window()?.into();
    let loader = Reflect::get(&window, &"clusterlabLoader".into()).ok()?;
    let manifest = Reflect::get(&loader, &"manifest".into()).ok()?;
    let menu = Reflect::get(&manifest, &key.into()).ok()?;
    let text = js_sys::JSON::stringify(&menu).ok()?.as_string()?;
    serde_json::from_str::<Vec<serde_json::Value>>(&text).ok().filter(|m| m.len() <= 1_000)
}

/// Ask the loader to open the history viewer (a module of its own) on `text`, a ClusterLab
/// history file named `name`, or on nothing (the user opens a file there).
pub fn open_history(text: Option<String>, name: &str) -> Result<(), String> {
    let (loader, open) = loader_fn("openHistory").ok_or("this page cannot load the history viewer")?;
    let text = text.map_or(JsValue::NULL, |t| JsValue::from_str(&t));
    let args = js_sys::Array::of3(&text, &name.into(), &crate::i18n::lang().tag().into());
    open.apply(&loader, &args).map_err(|e| js_error(&e))?;
    Ok(())
}

/// What a JS exception says (its message, or its text), without `JsValue`'s `Debug`, which
/// formats numbers with Rust's float formatting (and so weighs on the download).
fn js_error(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| "an error in the page's loader".into())
}
