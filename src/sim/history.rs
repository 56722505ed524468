//! Time travel over a run: checkpoints (the simulator is `Clone`) every K events plus
//! replay, so `seek(event_index)` lands on the exact state; faults recorded from the page
//! are kept with the event index they followed, and acting in the past forks the run.

use super::engine::Sim;
use super::fault::{Fault, TimedFault};
use super::protocol::{Protocol, TimeUs};
use super::trace::TraceLog;

#[derive(Clone, Debug)]
pub struct History<P: Protocol> {
    sim: Sim<P>,
    /// (event count, state) pairs, ascending; the first is the initial state.
    checkpoints: Vec<Sim<P>>,
    pub checkpoint_every: u64,
    /// Every record up to `frontier` events.
    trace: TraceLog,
    frontier: u64,
    /// Faults recorded from the page (each with `after_event`), ascending.
    recorded: Vec<TimedFault>,
    keep_trace: bool,
}

impl<P: Protocol> History<P> {
    /// `keep_trace: false` keeps no records or checkpoints (fast sweeps).
    pub fn new(mut sim: Sim<P>, recorded: Vec<TimedFault>, keep_trace: bool) -> Self {
        sim.record = keep_trace;
        let checkpoints = if keep_trace { vec![sim.clone()] } else { Vec::new() };
        History { sim, checkpoints, checkpoint_every: 16384, trace: TraceLog::default(), frontier: 0, recorded, keep_trace }
    }

    pub fn sim(&self) -> &Sim<P> {
        &self.sim
    }
    pub fn sim_mut(&mut self) -> &mut Sim<P> {
        &mut self.sim
    }
    pub fn trace(&self) -> &TraceLog {
        &self.trace
    }
    /// The furthest event the run has reached (the end of the timeline).
    pub fn frontier(&self) -> u64 {
        self.frontier.max(self.sim.event_count())
    }
    pub fn recorded(&self) -> &[TimedFault] {
        &self.recorded
    }

    fn next_recorded(&self) -> Option<&TimedFault> {
        let count = self.sim.event_count();
        self.recorded.iter().find(|f| f.after_event == Some(count))
    }

    /// Run one event (a recorded fault due now counts as one). False if nothing is left.
    pub fn step(&mut self) -> bool {
        self.step_due(TimeUs::MAX)
    }

    /// Run one event if it is due at or before `t`: a recorded fault due now always is.
    fn step_due(&mut self, t: TimeUs) -> bool {
        let ran = if let Some(f) = self.next_recorded().cloned() {
            self.sim.apply_now(f.at_us, f.fault);
            true
        } else {
            self.sim.step_due(t)
        };
        if ran {
            self.after_step();
        }
        ran
    }

    fn after_step(&mut self) {
        let count = self.sim.event_count();
        if !self.keep_trace {
            return;
        }
        let fresh = count > self.frontier;
        self.sim.move_records(fresh.then_some(&mut self.trace));
        if fresh {
            self.frontier = count;
            if count.is_multiple_of(self.checkpoint_every) {
                self.checkpoints.push(self.sim.clone());
            }
        }
    }

    /// Run until simulated time `t` (every event at or before `t`), then set the clock to t.
    pub fn run_until(&mut self, t: TimeUs) {
        while self.step_due(t) {}
        self.sim.advance_to(t);
    }

    /// Run at most `max` events. Returns how many ran.
    pub fn run_events(&mut self, max: u64) -> u64 {
        let mut ran = 0;
        while ran < max && self.step() {
            ran += 1;
        }
        ran
    }

    /// Land on the exact state after `event` events (clamped to the frontier).
    pub fn seek(&mut self, event: u64) {
        let target = event.min(self.frontier());
        let current = self.sim.event_count();
        let cp = self.checkpoints.iter().rev().find(|c| c.event_count() <= target);
        if let Some(cp) = cp {
            if target < current || cp.event_count() > current {
                self.sim = cp.clone();
            }
        }
        while self.sim.event_count() < target && self.step() {}
    }

    /// Apply a fault at the current point. If the playhead is in the past, the future is
    /// dropped first (the run forks). The fault is recorded so a link replays it exactly.
    pub fn inject(&mut self, fault: Fault) {
        let count = self.sim.event_count();
        if count < self.frontier() {
            self.fork_here();
        }
        let at_us = self.sim.now_us();
        self.recorded.push(TimedFault { at_us, after_event: Some(count), fault: fault.clone() });
        self.step();
    }

    /// Adversary mode: carry out one choice. Every other event due before the choice's time
    /// runs first (the run forks first if the playhead is in the past); the choice is then
    /// recorded like any fault.
    pub fn choose(&mut self, fault: Fault) -> Result<(), String> {
        let at_us = self.sim.choice_time(&fault)?;
        if self.sim.event_count() < self.frontier() {
            self.fork_here();
        }
        self.run_until(at_us);
        // An event before it may have taken the choice away (a crash clears timers).
        self.sim.choice_time(&fault)?;
        self.inject(fault);
        Ok(())
    }

    fn fork_here(&mut self) {
        let count = self.sim.event_count();
        let kept = self.trace.partition_point(|r| r.event <= count);
        self.trace.truncate(kept);
        self.checkpoints.retain(|c| c.event_count() <= count);
        self.recorded.retain(|f| f.after_event.is_none_or(|e| e < count));
        self.frontier = count;
    }
}
