//! The animation loop: one `requestAnimationFrame` callback per display frame that advances
//! the simulation while it plays (a timer would drift against the display's refresh). While
//! nothing plays the loop is parked, so a paused page (or a paused embed) asks the browser
//! for no frames at all; any change that starts play wakes it (`model::update` calls `wake`).

use super::model;
use super::state::{dispatch, Action};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type FrameFn = Closure<dyn FnMut(f64)>;

thread_local! {
    static STOPPED: Cell<bool> = const { Cell::new(false) };
    /// No frame is requested: the last one found nothing playing.
    static PARKED: Cell<bool> = const { Cell::new(false) };
    /// The loop's callback, kept so `wake` can request it again.
    static LOOP: RefCell<Option<Rc<RefCell<Option<FrameFn>>>>> = const { RefCell::new(None) };
}

/// End the loop (another module takes the page over).
pub fn stop() {
    STOPPED.with(|s| s.set(true));
}

fn request(f: &FrameFn) {
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
    }
}

/// Request the next frame if the loop is parked and something plays.
pub fn wake() {
    if !PARKED.with(Cell::get) || STOPPED.with(Cell::get) || model::with(|m| m.playing) != Some(true) {
        return;
    }
    PARKED.with(|p| p.set(false));
    let Some(slot) = LOOP.with(|l| l.borrow().clone()) else { return };
    if let Ok(f) = slot.try_borrow() {
        if let Some(f) = f.as_ref() {
            request(f);
        }
    };
}

/// One frame: advance the run if it plays; then ask for the next frame, or park when it does
/// not play (the time of the last frame is dropped, so play resumes without a jump).
fn frame(now_ms: f64) -> bool {
    if model::with(|m| m.playing) == Some(true) {
        dispatch(Action::Tick(now_ms));
    }
    if STOPPED.with(Cell::get) {
        return false;
    }
    let parks = model::with(|m| {
        if !m.playing {
            m.last_tick_ms = None;
        }
        !m.playing
    });
    if parks == Some(true) {
        PARKED.with(|p| p.set(true));
        return false;
    }
    true
}

/// Start the loop; it runs until `stop`, parked whenever nothing plays.
pub fn start() {
    let slot: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |now_ms: f64| {
        if frame(now_ms) {
            if let Some(f) = again.borrow().as_ref() {
                request(f);
            }
        }
    }));
    LOOP.with(|l| *l.borrow_mut() = Some(slot.clone()));
    PARKED.with(|p| p.set(false));
    if let Some(f) = slot.borrow().as_ref() {
        request(f);
    };
}
