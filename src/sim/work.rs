//! Work counters: deterministic stand-ins for speed that a test can assert (timings vary;
//! these do not). While counting is on for the current thread, the simulator adds the bytes
//! its stable hashes read (message checksums, the checkers' log hashes), the steps of the
//! linearizability search, and the bytes of every durable write (as its `Debug` text).
//! Off, each costs one thread-local read; in the page's modules counting is never on, and
//! the counting code is compiled out.

use std::cell::Cell;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    pub hashed_bytes: u64,
    pub search_steps: u64,
    pub durable_writes: u64,
    pub durable_bytes: u64,
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static COUNTS: Cell<Work> = const { Cell::new(Work { hashed_bytes: 0, search_steps: 0, durable_writes: 0, durable_bytes: 0 }) };
}

/// Start counting on this thread, from zero.
pub fn start() {
    COUNTS.set(Work::default());
    ON.set(true);
}

/// Stop counting; what was counted.
pub fn stop() -> Work {
    ON.set(false);
    COUNTS.get()
}

/// What has been counted so far, from zero again.
pub fn take() -> Work {
    COUNTS.replace(Work::default())
}

pub fn on() -> bool {
    !cfg!(target_arch = "wasm32") && ON.get()
}

fn add(f: impl FnOnce(&mut Work)) {
    if on() {
        let mut w = COUNTS.get();
        f(&mut w);
        COUNTS.set(w);
    }
}

pub fn hashed(bytes: u64) {
    add(|w| w.hashed_bytes += bytes);
}

pub fn searched(steps: u64) {
    add(|w| w.search_steps += steps);
}

/// A durable write; `text` makes its `Debug` text, only while counting.
pub fn wrote(text: impl FnOnce() -> String) {
    if on() {
        let n = text().len() as u64;
        add(|w| {
            w.durable_writes += 1;
            w.durable_bytes += n;
        });
    }
}
