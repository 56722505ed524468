//! The one simulation the page shows, shared by the Yew components and the JS API, and the
//! hook that re-renders the app when either changes it.

use crate::scenario::{self, presets, Fragment, LiveRun, Scenario};
use std::cell::RefCell;
use std::rc::Rc;

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
}

/// Presets the page opens with when nothing else is asked for, first found wins.
const DEFAULT_PRESETS: &[&str] = &["raft-election", "paxos-multi-leader-change", "flood-basic"];

/// Wall-clock cap on one frame's simulation work, in events.
pub const MAX_EVENTS_PER_FRAME: u64 = 20_000;

thread_local! {
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

fn open_default(notice: Option<String>) -> Model {
    let (s, name) = default_scenario();
    let live = LiveRun::open(&s).unwrap_or_else(|_| {
        LiveRun::open(&Scenario::new("flood", 3, 1)).expect("the built-in flood scenario always opens")
    });
    Model { live, playing: true, speed: Speed::Times(1.0), selected: None, selected_msg: None, hovered_msg: None, notice, preset: Some(name), last_tick_ms: None, generation: 0 }
}

/// Open what a link, preset name or fragment asks for. Errors say what was wrong.
pub fn open(target: &str) -> Result<(LiveRun, Option<&'static str>), String> {
    let t = target.trim().trim_start_matches('#');
    let frag = match scenario::parse_fragment(t) {
        Fragment::None if t.starts_with("1.") => Fragment::Link(t.to_string()),
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

/// `?autoplay=1` in the page's query.
pub fn autoplay() -> bool {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    search.trim_start_matches('?').split('&').any(|kv| kv == "autoplay=1")
}

pub fn init_from_location() {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let model = if hash.len() > 1 {
        match open(&hash) {
            // A shared link shows the exact moment it captured: paused, unless asked.
            Ok((live, preset)) => Model { live, preset, playing: preset.is_some() || autoplay(), ..open_default(None) },
            Err(e) => open_default(Some(format!("This link could not be opened: {e}. Showing the default scenario instead."))),
        }
    } else {
        open_default(None)
    };
    MODEL.with(|m| *m.borrow_mut() = Some(model));
}

/// Run `f` on the model if it is free (never panics on re-entry).
pub fn with<R>(f: impl FnOnce(&mut Model) -> R) -> Option<R> {
    MODEL.with(|m| m.try_borrow_mut().ok().and_then(|mut g| g.as_mut().map(f)))
}

/// Run `f` on the model, then re-render.
pub fn update<R>(f: impl FnOnce(&mut Model) -> R) -> Option<R> {
    let r = with(|m| {
        let r = f(m);
        m.generation += 1;
        r
    });
    notify();
    r
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
