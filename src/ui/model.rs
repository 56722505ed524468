//! The one simulation the page shows, shared by the Yew components and the JS API, and the
//! hook that re-renders the app when either changes it.

use crate::scenario::{self, presets, Fragment, LiveRun, Scenario};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// How fast simulated time runs against wall time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    Times(f64),
    /// As fast as the frame budget allows.
    Max,
}

pub struct Model {
    pub live: LiveRun,
    pub playing: bool,
    pub speed: Speed,
    pub selected: Option<u32>,
    /// A message in flight the user clicked.
    pub selected_msg: Option<u64>,
    pub hovered_msg: Option<u64>,
    /// A message for the user (a bad link, a refused action): text only, never HTML.
    pub notice: Option<String>,
    pub preset: Option<&'static str>,
    pub last_tick_ms: Option<f64>,
    /// Monotonic counter bumped on every change (cheap equality for props).
    pub generation: u64,
    pub options: PageOptions,
    /// Timeline marks for faults, kept up to date incrementally (see `fault_marks`).
    pub marks: FaultMarks,
    /// The protocol overlay as last computed: (event count, wall ms, overlay). For large
    /// clusters it is recomputed at most a few times a second while playing.
    pub overlay_cache: Option<(u64, f64, std::rc::Rc<crate::sim::Overlay>)>,
    /// The event log's rows as last taken: (event count, wall ms, rows); refreshed a few
    /// times a second while playing (text that changes every frame costs layout).
    pub log_cache: Option<(u64, f64, std::rc::Rc<Vec<crate::sim::TraceRecord>>)>,
    /// The guided lesson open on the page, if any.
    pub lesson: Option<super::lesson::LessonState>,
    /// For a commit protocol, the three protocols side by side on this scenario, as last
    /// computed: (faults recorded from the page then, the table).
    pub compare_cache: Option<(usize, std::rc::Rc<Option<crate::sim::TableView>>)>,
}

/// Page options from the query string (`embed=1`, `lang=en|zh`, `autoplay=1`, `speed=N`,
/// `theme=light|dark`); unknown or malformed values fall back to the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct PageOptions {
    pub embed: bool,
    pub autoplay: bool,
    pub speed: Option<Speed>,
    /// "light", "dark", or None for the system's choice.
    pub theme: Option<&'static str>,
    pub lang: crate::i18n::Lang,
}

impl PageOptions {
    pub fn parse(query: &str, browser_lang: &str) -> PageOptions {
        let mut o = PageOptions { embed: false, autoplay: false, speed: None, theme: None, lang: crate::i18n::Lang::from_tag(browser_lang) };
        for kv in query.trim_start_matches('?').split('&') {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            match (k, v) {
                ("embed", "1") => o.embed = true,
                ("autoplay", "1") => o.autoplay = true,
                ("speed", "max") => o.speed = Some(Speed::Max),
                ("speed", x) => o.speed = crate::ui::fixed::decimal(x).filter(|x| (0.01..=1000.0).contains(x)).map(Speed::Times),
                ("theme", "light") => o.theme = Some("light"),
                ("theme", "dark") => o.theme = Some("dark"),
                ("lang", l) => o.lang = crate::i18n::Lang::from_tag(l),
                _ => {}
            }
        }
        o
    }

    /// The query string that asks for these options (for embed snippets and links).
    pub fn query(&self) -> String {
        let mut q = Vec::new();
        if self.embed {
            q.push("embed=1".to_string());
        }
        if self.autoplay {
            q.push("autoplay=1".into());
        }
        match self.speed {
            Some(Speed::Max) => q.push("speed=max".into()),
            Some(Speed::Times(x)) => q.push(format!("speed={}", super::fixed::short(x))),
            None => {}
        }
        if let Some(t) = self.theme {
            q.push(format!("theme={t}"));
        }
        q.push(format!("lang={}", self.lang.tag()));
        format!("?{}", q.join("&"))
    }
}

/// Fault events on the timeline: (event index, label). Each frame scans only the trace
/// records not seen yet; if the trace was cut (acting in the past forks the run) the marks
/// are rebuilt once.
#[derive(Clone, Debug, Default)]
pub struct FaultMarks {
    pub marks: Vec<(u64, String)>,
    scanned: usize,
    /// (event, time) of the last record scanned, to notice a fork.
    last: Option<(u64, u64)>,
}

impl FaultMarks {
    pub fn refresh(&mut self, trace: &crate::sim::TraceLog) {
        let still = |i: usize| trace.get(i).map(|r| (r.event, r.time_us));
        if self.scanned > 0 && still(self.scanned - 1) != self.last {
            *self = FaultMarks::default();
        }
        for r in trace.iter_from(self.scanned) {
            if let crate::sim::TraceKind::Fault { label, .. } = &r.kind {
                self.marks.push((r.event, label.clone()));
            }
        }
        self.scanned = trace.len();
        self.last = trace.last().map(|r| (r.event, r.time_us));
    }
}

/// Presets the page opens with when nothing else is asked for, first found wins.
const DEFAULT_PRESETS: &[&str] = &["raft-election", "paxos-multi-leader-change", "flood-basic"];

/// Wall-clock cap on one frame's simulation work, in events.
pub const MAX_EVENTS_PER_FRAME: u64 = 20_000;

thread_local! {
    /// The fragment the page last wrote itself ("Copy link"), so its hashchange is not
    /// taken for a new link pasted by the user.
    static OWN_HASH: RefCell<String> = const { RefCell::new(String::new()) };
    static MODEL: RefCell<Option<Model>> = const { RefCell::new(None) };
    static NOTIFY: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

pub fn default_scenario() -> (Scenario, &'static str) {
    for name in DEFAULT_PRESETS {
        if let Some(p) = presets::find(name) {
            return ((p.build)(), p.name);
        }
    }
    (Scenario::new("flood", 5, 1), "flood")
}

fn new_model(live: LiveRun, preset: Option<&'static str>, playing: bool, notice: Option<String>, options: PageOptions) -> Model {
    let speed = options.speed.unwrap_or(Speed::Times(1.0));
    Model {
        live, playing, speed, selected: None, selected_msg: None, hovered_msg: None, notice, preset, last_tick_ms: None,
        generation: 0, options, marks: FaultMarks::default(), overlay_cache: None, log_cache: None, lesson: None, compare_cache: None,
    }
}

/// What an address opens: a run, the preset it came from, or a lesson at a step.
pub struct Opened {
    pub live: LiveRun,
    pub preset: Option<&'static str>,
    pub lesson: Option<super::lesson::LessonState>,
}

/// The default scenario, or if even that will not open (it always should), none: the page
/// then says it could not start instead of panicking.
fn open_default(notice: Option<String>, options: PageOptions) -> Option<Model> {
    let (s, name) = default_scenario();
    let live = LiveRun::open(&s).or_else(|_| LiveRun::open(&Scenario::new("flood", 3, 1))).ok()?;
    Some(new_model(live, Some(name), true, notice, options))
}

/// Open what a link, preset name, lesson or fragment asks for (`#file`: a scenario or lesson
/// file another module handed over). Errors say what was wrong.
pub fn open(target: &str) -> Result<Opened, String> {
    let t = target.trim().trim_start_matches('#');
    if t == super::scenario_file::FRAGMENT {
        return open_stashed().map(|(live, preset)| Opened { live, preset, lesson: None });
    }
    if let Some(asked) = super::lesson::parse(t) {
        let (lesson, link, step) = asked?;
        let (live, state) = super::lesson::open(lesson, link, step)?;
        return Ok(Opened { live, preset: None, lesson: Some(state) });
    }
    open_scenario(t).map(|(live, preset)| Opened { live, preset, lesson: None })
}

fn open_scenario(t: &str) -> Result<(LiveRun, Option<&'static str>), String> {
    let frag = match scenario::parse_fragment(t) {
        Fragment::None if scenario::link::has_link_version(t) => Fragment::Link(t.to_string()),
        Fragment::None => Fragment::Preset(t.to_string()),
        f => f,
    };
    match frag {
        Fragment::Link(l) => {
            let s = scenario::decode_link(&l).map_err(|e| e.to_string())?;
            Ok((LiveRun::open(&s)?, None))
        }
        Fragment::Preset(p) => {
            let preset = presets::find(&p).ok_or_else(|| format!("there is no preset named {:?}", p.chars().take(60).collect::<String>()))?;
            Ok((LiveRun::open(&(preset.build)())?, Some(preset.name)))
        }
        Fragment::None => Err("nothing to open".into()),
    }
}

/// The scenario file another module handed to this one (`#file`; see `scenario_file`).
fn open_stashed() -> Result<(LiveRun, Option<&'static str>), String> {
    let text = super::swap::take_file().ok_or("the scenario file handed to this module is no longer there")?;
    let s = scenario::decode_file(&text).map_err(|e| e.to_string())?;
    super::scenario_file::forget_fragment();
    Ok((LiveRun::open(&s)?, None))
}

/// The page's options from its query string and the browser's language.
pub fn page_options() -> PageOptions {
    let w = web_sys::window();
    let search = w.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let browser = w.and_then(|w| w.navigator().language()).unwrap_or_default();
    PageOptions::parse(&search, &browser)
}

pub fn init_from_location() {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    note_own_hash(&hash);
    let options = page_options();
    apply_lang(options.lang);
    apply_theme(options.theme);
    let model = if hash.len() > 1 {
        match open(&hash) {
            // A shared link shows the exact moment it captured: paused, unless asked; a
            // lesson's step plays if the student only watches it.
            Ok(Opened { live, preset, lesson }) => {
                let playing = match &lesson {
                    Some(l) => super::lesson::plays(l, live.run.as_ref()),
                    None => preset.is_some() || options.autoplay,
                };
                let mut m = new_model(live, preset, playing, None, options);
                m.lesson = lesson;
                Some(m)
            }
            Err(e) => open_default(Some(format!("{}: {e}. {}", crate::i18n::t("This link could not be opened"), crate::i18n::t("Showing the default scenario instead."))), options),
        }
    } else {
        open_default(None, options)
    };
    if model.is_none() {
        web_sys::console::error_1(&"ClusterLab: the default scenario could not be opened".into());
    }
    MODEL.with(|m| *m.borrow_mut() = model);
}

/// Switch the page's language, and say it on `<html lang>` (screen readers and font choice).
pub fn apply_lang(lang: crate::i18n::Lang) {
    crate::i18n::set_lang(lang);
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", if lang == crate::i18n::Lang::Zh { "zh-CN" } else { "en" });
    }
}

pub fn note_own_hash(hash: &str) {
    OWN_HASH.with(|h| *h.borrow_mut() = hash.to_string());
}

/// A link pasted into the address bar of the open page changes only the fragment: open it
/// (a bad one leaves the current run as it is and says what was wrong).
pub fn on_hash_change() {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    if hash.len() <= 1 || OWN_HASH.with(|h| *h.borrow() == hash) {
        return;
    }
    note_own_hash(&hash);
    super::state::dispatch(super::state::Action::Open(hash));
}

/// Set `data-theme` on the document (None: follow the system's colour scheme).
pub fn apply_theme(theme: Option<&str>) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = match theme {
        Some(t) => root.set_attribute("data-theme", t),
        None => root.remove_attribute("data-theme"),
    };
}

/// The page's own address without query or fragment.
pub fn page_base() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let href = loc.href().unwrap_or_default();
    let end = href.find(['?', '#']).unwrap_or(href.len());
    href[..end].to_string()
}

/// Run `f` on the model if it is free (never panics on re-entry).
pub fn with<R>(f: impl FnOnce(&mut Model) -> R) -> Option<R> {
    MODEL.with(|m| m.try_borrow_mut().ok().and_then(|mut g| g.as_mut().map(f)))
}

/// Run `f` on the model, then re-render.
pub fn update<R>(f: impl FnOnce(&mut Model) -> R) -> Option<R> {
    let r = with(|m| {
        let r = f(m);
        super::lesson::update(m);
        m.generation += 1;
        r
    });
    notify();
    super::frame::wake();
    r
}

/// Drop the model and the re-render hook (the module is being stopped).
pub fn clear() {
    MODEL.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            *m = None;
        }
    });
    NOTIFY.with(|n| {
        if let Ok(mut n) = n.try_borrow_mut() {
            *n = None;
        }
    });
}

/// Write the language and theme chosen on the page into the address's query (keeping its
/// other options), so a module started next opens with them.
pub fn keep_options_in_address() {
    let Some((lang, theme)) = with(|m| (m.options.lang.tag(), m.options.theme)) else { return };
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let search = loc.search().unwrap_or_default();
    let mut pairs: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang=") && !kv.starts_with("theme="))
        .map(str::to_string)
        .collect();
    pairs.push(format!("lang={lang}"));
    if let Some(t) = theme {
        pairs.push(format!("theme={t}"));
    }
    let url = format!("{}?{}{}", page_base(), pairs.join("&"), loc.hash().unwrap_or_default());
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

pub fn set_notifier(f: Rc<dyn Fn()>) {
    NOTIFY.with(|n| *n.borrow_mut() = Some(f));
}

fn notify() {
    let f = NOTIFY.with(|n| n.borrow().clone());
    if let Some(f) = f {
        f();
    }
}
