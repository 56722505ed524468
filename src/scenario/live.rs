//! A scenario together with its run: what the page and the CLI hold. It can always say
//! which scenario reproduces the state on screen ("Copy link", "Export scenario").

use super::model::Scenario;
use crate::sim::{AnyRun, Fault};

pub struct LiveRun {
    /// The scenario as opened (its hand-scheduled faults, without the recorded ones).
    base: Scenario,
    pub run: Box<dyn AnyRun>,
}

impl LiveRun {
    pub fn open(s: &Scenario) -> Result<LiveRun, String> {
        let run = super::build(s, true)?;
        let mut base = s.clone();
        base.faults.retain(|f| f.after_event.is_none());
        base.playhead_us = 0;
        base.playhead_event = None;
        Ok(LiveRun { base, run })
    }

    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// The scenario that replays to exactly this state: the opened scenario, every fault
    /// recorded from the page with the event it followed, and the playhead.
    pub fn current_scenario(&self) -> Scenario {
        let mut s = self.base.clone();
        s.faults.extend(self.run.recorded());
        s.playhead_us = self.run.now_us();
        s.playhead_event = Some(self.run.event_count());
        s
    }

    /// The link to this state, or why it gets none (then a scenario file carries it).
    pub fn link(&self) -> Result<String, super::LinkRefused> {
        super::encode_link(&self.current_scenario())
    }

    pub fn inject(&mut self, fault: Fault) -> Result<(), String> {
        self.run.inject(fault)
    }
}
