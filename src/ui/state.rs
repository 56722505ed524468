//! The page's actions and the reducer that applies them to the model (the shape of yew's
//! function_todomvc: an `Action` enum, one `reduce`).

use super::model::{self, Model, Speed, MAX_EVENTS_PER_FRAME};
use crate::sim::{Fault, NodeId};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    Play,
    Pause,
    Step,
    StepBack,
    SetSpeed(Speed),
    /// Animation frame at wall time `now_ms`.
    Tick(f64),
    Inject(Fault),
    Seek(u64),
    Open(String),
    Select(Option<NodeId>),
    SelectMessage(u64),
    /// Pointer over a message in either view (they light up together).
    Hover(Option<u64>),
    DismissNotice,
    /// Show a message to the user (text only).
    Notice(String),
    SetLang(crate::i18n::Lang),
    /// "light", "dark", or None for the system's colour scheme.
    SetTheme(Option<&'static str>),
    /// Open the history viewer on the run's client history (or empty, to open a file).
    OpenHistory,
    /// A move in the open lesson.
    Lesson(super::lesson::Move),
}

pub fn dispatch(action: Action) {
    model::update(|m| reduce(m, action));
}

pub fn reduce(m: &mut Model, action: Action) {
    match action {
        Action::TogglePlay => set_playing(m, !m.playing),
        Action::Play => set_playing(m, true),
        Action::Pause => set_playing(m, false),
        Action::Step => {
            set_playing(m, false);
            m.live.run.step();
        }
        Action::StepBack => {
            set_playing(m, false);
            let k = m.live.run.event_count().saturating_sub(1);
            m.live.run.seek(k);
        }
        Action::SetSpeed(s) => m.speed = s,
        Action::Tick(now_ms) => tick(m, now_ms),
        Action::Inject(f) => {
            if let Err(e) = m.live.inject(f) {
                m.notice = Some(e);
            }
        }
        Action::Seek(k) => {
            set_playing(m, false);
            m.live.run.seek(k);
        }
        Action::Open(target) => match super::swap::elsewhere(&target) {
            Some((family, fragment)) => hand_over(m, &family, &fragment),
            None => open_here(m, &target),
        },
        Action::Select(n) => {
            m.selected = n;
            m.selected_msg = None;
        }
        Action::SelectMessage(id) => m.selected_msg = Some(id),
        Action::Hover(id) => m.hovered_msg = id,
        Action::DismissNotice => m.notice = None,
        Action::Notice(text) => m.notice = Some(text),
        Action::SetLang(l) => {
            model::apply_lang(l);
            m.options.lang = l;
        }
        Action::SetTheme(theme) => {
            model::apply_theme(theme);
            m.options.theme = theme;
        }
        Action::Lesson(mv) => {
            if let Err(e) = super::lesson::make(m, mv) {
                m.notice = Some(e);
            }
            super::lesson::write_address(m);
        }
        Action::OpenHistory => {
            set_playing(m, false);
            let text = super::api::run_history(m);
            if let Err(e) = super::swap::open_history(text, crate::i18n::t("this run")) {
                m.notice = Some(e);
            }
        }
    }
}

/// A scenario this module carries.
fn open_here(m: &mut Model, target: &str) {
    match model::open(target) {
        Ok(model::Opened { live, lesson: Some(lesson), .. }) => super::lesson::show(m, live, lesson),
        Ok(model::Opened { live, preset, .. }) => show(m, live, preset),
        Err(e) => m.notice = Some(format!("{}: {e}", crate::i18n::t("Could not open that"))),
    }
}

/// Show a newly opened run in place of the current one.
pub fn show(m: &mut Model, live: crate::scenario::LiveRun, preset: Option<&'static str>) {
    m.live = live;
    m.preset = preset;
    m.lesson = None;
    m.selected = None;
    m.notice = None;
    // Presets play; a link (or a file) shows the exact moment it captured.
    set_playing(m, preset.is_some());
}

/// A scenario of another family: the loader fetches that module and starts it in this
/// one's place; until it does (or if it cannot), this run stays as it is.
fn hand_over(m: &mut Model, family: &str, fragment: &str) {
    loading(m, family, super::swap::request(family, fragment));
}

/// What the page says while another family's module is fetched, or why it cannot be.
pub fn loading(m: &mut Model, family: &str, requested: Result<(), String>) {
    m.notice = Some(match requested {
        Ok(()) => format!("{} ({family})…", crate::i18n::t("Loading the module for this scenario")),
        Err(e) => format!("{}: {e}", crate::i18n::t("Could not open that")),
    });
}

fn set_playing(m: &mut Model, playing: bool) {
    m.playing = playing;
    m.last_tick_ms = None;
}

/// In adversary mode at the end of the run, time moves only when the user chooses.
fn user_moves(run: &dyn crate::sim::AnyRun) -> bool {
    run.adversary() && run.event_count() >= run.frontier()
}

/// Events a frame plays one at a time while a lesson's step is open (each followed by a
/// look at the step's condition).
const LESSON_EVENTS_PER_FRAME: u64 = 2_000;

/// Advance simulated time by the wall time since the last frame times the speed, never
/// more than a frame's budget of events; with a lesson's step open, stop where it ends. In adversary mode, playing replays what was
/// recorded and stops where the user's next choice is awaited.
fn tick(m: &mut Model, now_ms: f64) {
    if !m.playing {
        return;
    }
    if user_moves(m.live.run.as_ref()) {
        set_playing(m, false);
        return;
    }
    let dt_ms = m.last_tick_ms.map_or(0.0, |t| (now_ms - t).clamp(0.0, 100.0));
    m.last_tick_ms = Some(now_ms);
    let target = match m.speed {
        Speed::Max => u64::MAX,
        Speed::Times(x) => m.live.run.now_us() + (dt_ms * 1000.0 * x) as u64,
    };
    if super::lesson::run_step(m, target, LESSON_EVENTS_PER_FRAME) {
        return;
    }
    let run = &mut m.live.run;
    // Playing from the past replays the recorded future first.
    match m.speed {
        Speed::Max => {
            run.run_events(MAX_EVENTS_PER_FRAME);
        }
        Speed::Times(_) => {
            let start = run.event_count();
            while run.next_event_time().is_some_and(|t| t <= target) && run.event_count() - start < MAX_EVENTS_PER_FRAME && !user_moves(run.as_ref()) {
                run.step();
            }
            if run.event_count() - start < MAX_EVENTS_PER_FRAME && !user_moves(run.as_ref()) {
                run.run_until(target);
            }
        }
    }
}
