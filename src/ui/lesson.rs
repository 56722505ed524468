//! The lesson open on the page: which step, its progress on the live run, and the moves a
//! student makes (next, back, restart, close). A lesson opens from `#lesson=NAME&step=K`
//! (a built-in one), `#l=1.…&step=K` (a teacher's, carried whole in the link) or a lesson
//! file; step K opens on the state the lesson reaches by playing steps 1 to K-1.

use super::model::Model;
use crate::scenario::lessons::{self, Lesson, Progress};
use crate::scenario::LiveRun;
use std::rc::Rc;

pub struct LessonState {
    pub lesson: Rc<Lesson>,
    /// The step shown (0-based).
    pub step: usize,
    pub progress: Progress,
    /// The step's condition has held (it stays done).
    pub done: bool,
    /// A teacher's lesson's link body (built-in lessons are named instead).
    pub link: Option<String>,
}

/// A lesson fragment: the lesson and the step asked for (1-based in the address).
pub fn parse(fragment: &str) -> Option<Result<(Lesson, Option<String>, usize), String>> {
    let f = fragment.trim().trim_start_matches('#');
    let (head, step) = match f.split_once("&step=") {
        Some((h, k)) => (h, Some(k)),
        None => (f, None),
    };
    let lesson = if let Some(name) = head.strip_prefix("lesson=") {
        lessons::find(name).map(|l| (l, None))
    } else if let Some(link) = head.strip_prefix("l=") {
        lessons::decode_lesson_link(link).map(|l| (l, Some(link.to_string())))
    } else {
        return None;
    };
    let step = match step.map(str::parse::<usize>) {
        None => Ok(1),
        Some(Ok(k)) if k >= 1 => Ok(k),
        Some(_) => Err("step= takes a step number, 1 or more".to_string()),
    };
    Some(lesson.and_then(|(l, link)| Ok((l, link, step? - 1))))
}

/// Open a lesson at `step` (0-based).
pub fn open(lesson: Lesson, link: Option<String>, step: usize) -> Result<(LiveRun, LessonState), String> {
    let opened = lessons::open_at(&lesson, step).map_err(|e| format!("lesson {}: {e}", lesson.name))?;
    let state = LessonState { lesson: Rc::new(lesson), step, progress: opened.progress, done: false, link };
    Ok((opened.live, state))
}

/// The address of the lesson at its current step.
pub fn fragment(l: &LessonState) -> String {
    match &l.link {
        Some(link) => format!("#l={link}&step={}", l.step + 1),
        None => format!("#lesson={}&step={}", l.lesson.name, l.step + 1),
    }
}

/// Whether a step plays when it opens: one the student watches does; one that asks for an
/// action, or waits for the adversary's choices, waits.
pub fn plays(l: &LessonState, run: &dyn crate::sim::AnyRun) -> bool {
    l.lesson.steps[l.step].action.is_none() && !run.adversary()
}

/// Show the lesson's step in place of what the page showed.
pub fn show(m: &mut Model, live: LiveRun, state: LessonState) {
    super::state::show(m, live, None);
    m.playing = plays(&state, m.live.run.as_ref());
    m.lesson = Some(state);
    write_address(m);
}

/// After every change: has the step's condition held? The first time it does, playback
/// pauses so the student can read on.
pub fn update(m: &mut Model) {
    let Some(l) = m.lesson.as_mut() else { return };
    if l.done {
        return;
    }
    if l.progress.holds(&l.lesson.steps[l.step].until, m.live.run.as_ref()) {
        l.done = true;
        m.playing = false;
    }
}

/// Run toward `target_us` while a lesson's step is open and not yet done: one event at a
/// time (at most `max_events`), looking at the step's condition after each and stopping at
/// the first event after which it holds, so that a long frame on a busy machine, or a long
/// `runFor`, never plays past the step's end into the next step's. False when no step is
/// open (the caller runs as usual).
pub fn run_step(m: &mut Model, target_us: u64, max_events: u64) -> bool {
    let Model { lesson, live, playing, .. } = m;
    let Some(l) = lesson.as_mut().filter(|l| !l.done) else { return false };
    let LessonState { lesson, step, progress, done, .. } = l;
    let until = &lesson.steps[*step].until;
    let run = &mut live.run;
    let start = run.event_count();
    loop {
        if progress.holds(until, run.as_ref()) {
            *done = true;
            *playing = false;
            return true;
        }
        let awaits_user = run.adversary() && run.event_count() >= run.frontier();
        if run.event_count() - start >= max_events || awaits_user {
            return true;
        }
        match run.next_event_time() {
            Some(t) if t <= target_us => {
                run.step();
            }
            // Full speed has no time to reach: a frame ends with its events.
            _ if target_us == u64::MAX => return true,
            _ => {
                run.run_until(target_us);
                if progress.holds(until, run.as_ref()) {
                    *done = true;
                    *playing = false;
                }
                return true;
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Move {
    Next,
    Back,
    Restart,
    Close,
    /// Do the step's action in the student's place (the embed view has no fault panel).
    Act,
}

/// A student's move; Err says why it could not be made (the page shows it).
pub fn make(m: &mut Model, mv: Move) -> Result<(), String> {
    let Some(l) = m.lesson.as_ref() else { return Ok(()) };
    let (lesson, step, link) = (l.lesson.clone(), l.step, l.link.clone());
    match mv {
        Move::Close => {
            m.lesson = None;
            Ok(())
        }
        Move::Next if step + 1 < lesson.steps.len() => {
            let progress = lessons::enter_step(&lesson, &mut m.live, step + 1)?;
            let state = LessonState { lesson, step: step + 1, progress, done: false, link };
            m.playing = plays(&state, m.live.run.as_ref());
            m.last_tick_ms = None;
            m.lesson = Some(state);
            Ok(())
        }
        Move::Next => Ok(()),
        Move::Act => match &lesson.steps[step].action {
            Some(a) => lessons::perform(&mut m.live, a),
            None => Ok(()),
        },
        Move::Back | Move::Restart => {
            let to = if mv == Move::Back { step.saturating_sub(1) } else { 0 };
            let (live, state) = open((*lesson).clone(), link, to)?;
            show(m, live, state);
            Ok(())
        }
    }
}

/// Keep the address on the lesson's step, so a reload or a copied address opens it there.
pub fn write_address(m: &Model) {
    let Some(l) = m.lesson.as_ref() else { return };
    let frag = fragment(l);
    super::model::note_own_hash(&frag);
    let Some(w) = web_sys::window() else { return };
    let url = format!("{}{}{}", super::model::page_base(), w.location().search().unwrap_or_default(), frag);
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The open lesson as the panel draws it, with the asked-for node found on `view`.
pub fn view(m: &Model, view: &crate::sim::ClusterView) -> Option<super::components::lesson_panel::LessonView> {
    let l = m.lesson.as_ref()?;
    let step = &l.lesson.steps[l.step];
    let lang = m.options.lang;
    let node = step.action.as_ref().and_then(|a| a.node()).and_then(|name| {
        if let Some(id) = name.strip_prefix('n').and_then(|d| d.parse::<u32>().ok()) {
            return Some(id);
        }
        let crashed = |n: &&crate::sim::NodeView| n.status == Some(crate::sim::NodeStatus::Crashed);
        match name {
            "any" => None,
            "crashed" => view.nodes.iter().find(crashed).map(|n| n.id),
            role => view.nodes.iter().find(|n| n.role == role).map(|n| n.id),
        }
    });
    Some(super::components::lesson_panel::LessonView {
        name: l.lesson.name.clone(),
        title: l.lesson.title.get(lang).to_string(),
        step: l.step,
        steps: l.lesson.steps.len(),
        text: step.text.get(lang).to_string(),
        done: l.done,
        control: step.action.as_ref().map(|a| a.control()),
        node,
    })
}
