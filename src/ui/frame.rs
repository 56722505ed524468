//! The animation loop: one `requestAnimationFrame` callback per display frame that advances
//! the simulation while it plays (a timer would drift against the display's refresh).

use super::model;
use super::state::{dispatch, Action};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type FrameFn = Closure<dyn FnMut(f64)>;

thread_local! {
    static STOPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
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

/// Start the loop; it runs until `stop`.
pub fn start() {
    let slot: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |now_ms: f64| {
        if model::with(|m| m.playing) == Some(true) {
            dispatch(Action::Tick(now_ms));
        }
        if STOPPED.with(|s| s.get()) {
            return;
        }
        if let Some(f) = again.borrow().as_ref() {
            request(f);
        }
    }));
    let first = slot.borrow();
    if let Some(f) = first.as_ref() {
        request(f);
    }
}
