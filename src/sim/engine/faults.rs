//! The simulator's fault handling: applying each fault of the one fault vocabulary (crash,
//! restart, pause, clocks, slow nodes, links, partitions, network, chaos, client requests),
//! noting when one goes beyond the protocol's declared assumptions, healing everything
//! before a liveness phase, and chaos mode's random faults drawn from the seed.

use super::Sim;
use crate::sim::fault::{Fault, MAX_SLOW_FACTOR};
use crate::sim::network::LinkState;
use crate::sim::protocol::{NodeId, Protocol, TimeUs};
use crate::sim::queue::Ev;
use crate::sim::trace::TraceKind;

impl<P: Protocol> Sim<P> {
    /// Apply a fault; returns the node it concerns and whether that node just restarted.
    pub(crate) fn handle_fault(&mut self, fault: Fault, chaos: bool) -> (Option<NodeId>, bool) {
        if fault.is_choice() {
            // Traced as what it does (a delivery, a drop, a send, a timer), not as a fault.
            return self.apply_choice(fault);
        }
        let label = fault.label();
        let beyond = match &fault {
            Fault::SetChaos { on: true } => self.assumptions.check_net(&self.chaos.net),
            Fault::Crash { node } | Fault::CrashLoseUnsynced { node } => self.assumptions.check_fault(&fault).or_else(|| self.crash_beyond_adjacency(*node)),
            f => self.assumptions.check_fault(f),
        };
        self.note_exceeded(beyond);
        let node = fault.nodes().first().copied();
        let restarting = matches!(fault, Fault::Restart { .. });
        self.trace(node, TraceKind::Fault { label, chaos }, 0);
        let changed = self.apply_fault(fault);
        if !changed {
            self.trace(node, TraceKind::Note { text: "no effect".into() }, 0);
        }
        (node, restarting && changed)
    }

    fn apply_fault(&mut self, fault: Fault) -> bool {
        use Fault::*;
        match fault {
            Crash { node } => self.crash(node, false),
            CrashLoseUnsynced { node } => self.crash(node, true),
            Restart { node } => self.restart(node),
            Pause { node } => self.pause(node),
            Resume { node } => self.resume(node),
            TimeoutNow { node } => {
                let up = self.states[node as usize].is_some() && !self.slots[node as usize].paused;
                if up {
                    self.with_node(node, |p, out| p.on_timeout_now(out));
                }
                up
            }
            ClockSkew { node, skew_us } => {
                self.clocks[node as usize].skew_us = skew_us;
                true
            }
            ClockDrift { node, drift_ppm } => {
                self.set_drift(node, drift_ppm.clamp(-500_000, 500_000));
                true
            }
            Cut { a, b } => {
                self.set_link(a, b, LinkState::Cut);
                self.set_link(b, a, LinkState::Cut);
                true
            }
            CutOneWay { from, to } => {
                self.set_link(from, to, LinkState::Cut);
                true
            }
            Heal { a, b } => {
                self.set_link(a, b, LinkState::Open);
                self.set_link(b, a, LinkState::Open);
                true
            }
            Hold { from, to } => {
                self.set_link(from, to, LinkState::Held);
                true
            }
            Release { from, to } => {
                self.set_link(from, to, LinkState::Open);
                true
            }
            Partition { groups } => {
                self.heal_all();
                self.links.partition(&groups);
                true
            }
            HealAll => {
                self.heal_all();
                true
            }
            SetNetwork { net } => {
                self.base_net = net;
                true
            }
            SetChaos { on } => self.set_chaos(on),
            Request { node, op } => {
                self.submit_request(node, &op);
                true
            }
            Adversary { on } => self.set_adversary(on),
            Deliver { .. } | Drop { .. } | Duplicate { .. } | Fire { .. } => false,
            Slow { node, factor } => self.set_slow(node, factor.clamp(1, MAX_SLOW_FACTOR)),
            CorruptDisk { node } => self.corrupt_disk(node),
        }
    }

    /// Flip bytes in one durable record of `node`'s disk, the record drawn from the seed;
    /// a running node that reads the record from disk is told. Traced as a note naming the
    /// damage. False if the disk holds nothing to damage.
    fn corrupt_disk(&mut self, node: NodeId) -> bool {
        let pick = self.rng.next_u64();
        let Some(damage) = self.disks[node as usize].corrupt(pick) else { return false };
        self.trace(Some(node), TraceKind::Note { text: format!("disk damaged: {damage:?}") }, 0);
        if let Some(p) = self.states[node as usize].as_mut() {
            p.on_disk_corrupted(&damage);
        }
        true
    }

    /// A new slowdown from now: timers armed later take `factor` times as long, and each
    /// timer already armed at the node keeps the part of its time that has run and takes
    /// the rest at the new speed (its remaining time scaled by new / old, rounded up, and
    /// re-armed under a new generation so the old queue entry goes stale). Timers already
    /// due, held by a pause, keep their place.
    fn set_slow(&mut self, node: NodeId, factor: u32) -> bool {
        let i = node as usize;
        let (old, now) = (self.slow[i], self.now_us);
        if old == factor {
            return false;
        }
        self.slow[i] = factor;
        // The time left on each armed timer, scaled by new / old (rounded up).
        self.rearm(node, |fires_at_us| {
            let scaled = (u128::from(fires_at_us - now) * u128::from(factor)).div_ceil(u128::from(old));
            now.saturating_add(u64::try_from(scaled).unwrap_or(u64::MAX))
        });
        true
    }

    /// A new clock rate from now. Version 3: the clock goes on from its reading, and each
    /// timer armed at the node still fires when the node's own clock reaches its deadline
    /// (re-armed under a new generation, so the old queue entry goes stale). Timers
    /// already due, held by a pause, keep their place.
    fn set_drift(&mut self, node: NodeId, drift_ppm: i64) {
        let i = node as usize;
        let (old, now) = (self.clocks[i], self.now_us);
        self.clocks[i].set_drift(now, drift_ppm);
        if self.version < 3 {
            return;
        }
        let clock = self.clocks[i];
        self.rearm(node, |fires_at_us| {
            let left_local = old.local_time(fires_at_us).saturating_sub(old.local_time(now));
            now + clock.global_duration(left_local)
        });
    }

    /// Move each timer armed at `node` and not yet due to the deadline `deadline` gives it
    /// (re-armed under a new generation, so the old queue entry goes stale). Timers already
    /// due, held by a pause, keep their place.
    fn rearm(&mut self, node: NodeId, deadline: impl Fn(TimeUs) -> TimeUs) {
        let now = self.now_us;
        let mut rearmed = Vec::new();
        for t in self.slots[node as usize].timers.iter_mut().filter(|t| t.fires_at_us > now) {
            let fires_at_us = deadline(t.fires_at_us);
            if fires_at_us != t.fires_at_us {
                t.generation = self.next_timer_gen;
                self.next_timer_gen += 1;
                t.fires_at_us = fires_at_us;
                t.queued = (t.generation, fires_at_us);
                rearmed.push((fires_at_us, t.generation));
            }
        }
        for (at_us, generation) in rearmed {
            self.push_ev(at_us, Ev::Timer { node, generation });
        }
    }

    fn set_chaos(&mut self, on: bool) -> bool {
        if self.chaos_on == on {
            return false;
        }
        self.chaos_on = on;
        if on {
            self.queue.push(self.now_us + self.chaos.tick_us.max(1), Ev::ChaosTick);
        }
        true
    }

    /// Turn chaos off and undo every fault: heal links, restart crashed nodes, resume
    /// paused ones, reset clocks, bring slow nodes back to full speed. The start of a
    /// sweep's liveness phase.
    pub fn heal_everything(&mut self) {
        let mut faults = vec![Fault::SetChaos { on: false }, Fault::HealAll];
        for node in 0..self.n {
            if self.slots[node as usize].paused {
                faults.push(Fault::Resume { node });
            }
            if self.states[node as usize].is_none() {
                faults.push(Fault::Restart { node });
            }
            if self.clocks[node as usize].skew_us != 0 {
                faults.push(Fault::ClockSkew { node, skew_us: 0 });
            }
            if self.clocks[node as usize].drift_ppm != 0 {
                faults.push(Fault::ClockDrift { node, drift_ppm: 0 });
            }
            if self.slow[node as usize] != 1 {
                faults.push(Fault::Slow { node, factor: 1 });
            }
        }
        for f in faults {
            if f == (Fault::SetChaos { on: false }) && !self.chaos_on {
                continue;
            }
            self.apply_now(self.now_us, f);
        }
    }

    /// Why crashing `node` now would go beyond the protocol's declared bound on adjacent
    /// failures (Chord's successor lists of length r tolerate r − 1), if it would: more
    /// than that many neighbouring nodes down at once (neighbours by number, around the
    /// ring: Chord numbers its nodes in identifier order), or fewer than r + 1 left up. A
    /// node that is up but not in service (still joining) counts as down. From version 6
    /// the bound is also read off the lists themselves: no crash may leave a node in
    /// service with nobody it relies on up ([`Protocol::relies_on`]), and r + 1 counts the
    /// longest such list.
    pub(crate) fn crash_beyond_adjacency(&self, node: NodeId) -> Option<String> {
        let k = self.assumptions.max_adjacent_failures?;
        let n = self.n;
        self.states[node as usize].as_ref()?;
        let down = |i: NodeId| i == node || self.states[i as usize].as_ref().is_none_or(|p| !p.in_service());
        let up = (0..n).filter(|&i| !down(i)).count() as u32;
        let need = if self.version >= 6 { (k + 2).max(self.longest_reliance() + 1) } else { k + 2 };
        if up < need {
            return Some(format!("crash n{node}: {up} members left up, fewer than the {need} the protocol assumes"));
        }
        let after = (1..n).take_while(|d| down((node + d) % n)).count() as u32;
        let before = (1..n).take_while(|d| down((node + n - d) % n)).count() as u32;
        let run = 1 + after + before;
        if run > k {
            return Some(format!("crash n{node}: {run} neighbouring members down at once, more than the {k} the protocol assumes"));
        }
        if self.version < 6 {
            return None;
        }
        let cut_off = |p: &P| !p.relies_on().is_empty() && p.relies_on().iter().all(|&j| down(j));
        let stranded = (0..n).find(|&i| !down(i) && self.states[i as usize].as_ref().is_some_and(cut_off))?;
        Some(format!("crash n{node}: n{stranded} would have no live successor left in its list"))
    }

    /// The longest list of nodes a node in service relies on (Chord's r, once its lists are
    /// full): the ring needs one member more than that.
    fn longest_reliance(&self) -> u32 {
        self.states.iter().flatten().filter(|p| p.in_service()).map(|p| p.relies_on().len() as u32).max().unwrap_or(0)
    }

    /// A crash point: while chaos is on, a handler that wrote durable state may be followed
    /// by a crash of its node, as the next event at this instant (its messages are already
    /// in flight), and a restart drawn like a chaos restart. No draw when the rate is 0.
    pub(super) fn maybe_crash_after_write(&mut self, node: NodeId) {
        let c = &self.chaos;
        if !self.chaos_on || c.crash_after_write_ppm == 0 || !self.rng.chance_ppm(c.crash_after_write_ppm) {
            return;
        }
        let (lose_ppm, restart, downtime) = (c.lose_unsynced_ppm, c.max_restart_delay_us, c.max_downtime_us);
        let lose = lose_ppm > 0 && self.rng.chance_ppm(lose_ppm);
        let bound = restart.unwrap_or(downtime);
        let restart_at = self.now_us + self.rng.range(bound / 10, bound.max(1));
        if self.crash_beyond_adjacency(node).is_some() {
            return;
        }
        let crash = if lose { Fault::CrashLoseUnsynced { node } } else { Fault::Crash { node } };
        self.queue.push(self.now_us, Ev::Fault { fault: Box::new(crash), chaos: true });
        self.queue.push(restart_at, Ev::Fault { fault: Box::new(Fault::Restart { node }), chaos: true });
    }

    /// Chaos mode: one tick may draw a crash, a partition, a pause, a clock fault or (when
    /// its rate is set) a slow node, each undone after a random time drawn from the same
    /// seed.
    pub(super) fn chaos_tick(&mut self) {
        let c = self.chaos.clone();
        let n = self.n as u64;
        let node = self.rng.below(n) as NodeId;
        let undo_at = self.now_us + self.rng.range(c.max_downtime_us / 10, c.max_downtime_us.max(1));
        let mut drawn = Vec::new();
        if self.rng.chance_ppm(c.crash_ppm) {
            // No draw at all when the rate is 0, so links made before the rate existed
            // replay exactly.
            let lose = c.lose_unsynced_ppm > 0 && self.rng.chance_ppm(c.lose_unsynced_ppm);
            let crash = if lose { Fault::CrashLoseUnsynced { node } } else { Fault::Crash { node } };
            // Chaos stays inside a declared adjacent-failure bound (the draws are made
            // either way, so rows without one draw exactly as before).
            if self.crash_beyond_adjacency(node).is_none() {
                drawn.push((crash, Fault::Restart { node }));
            }
        }
        // Drawn last, and only when set, so links made before it replay exactly.
        let restart_at = c.max_restart_delay_us.map(|d| self.now_us + self.rng.range(d / 10, d.max(1)));
        if self.rng.chance_ppm(c.partition_ppm) {
            // One random bit per node: one draw per 64 nodes (a cluster of up to 64 draws
            // exactly one, as links made before larger clusters expect).
            let words: Vec<u64> = (0..self.n.div_ceil(64).max(1)).map(|_| self.rng.next_u64()).collect();
            let group: Vec<NodeId> = (0..self.n).filter(|i| words[(i / 64) as usize] >> (i % 64) & 1 == 1).collect();
            drawn.push((Fault::Partition { groups: vec![group] }, Fault::HealAll));
        }
        if self.rng.chance_ppm(c.pause_ppm) {
            drawn.push((Fault::Pause { node }, Fault::Resume { node }));
        }
        if self.rng.chance_ppm(c.skew_ppm) {
            let drift_ppm = self.rng.range(0, 200_000) as i64 - 100_000;
            drawn.push((Fault::ClockDrift { node, drift_ppm }, Fault::ClockDrift { node, drift_ppm: 0 }));
        }
        // Drawn last, and only when set, so links made before it replay exactly.
        if c.slow_ppm > 0 && self.rng.chance_ppm(c.slow_ppm) {
            let max = if c.slow_factor_max == 0 { 10 } else { c.slow_factor_max.clamp(2, MAX_SLOW_FACTOR) };
            let factor = self.rng.range(2, u64::from(max)) as u32;
            drawn.push((Fault::Slow { node, factor }, Fault::Slow { node, factor: 1 }));
        }
        // Drawn last, and only when set, so links made before it replay exactly. Nothing to
        // undo: the damage stays until the protocol repairs it.
        if c.disk_corrupt_ppm > 0 && self.rng.chance_ppm(c.disk_corrupt_ppm) {
            self.handle_fault(Fault::CorruptDisk { node }, true);
        }
        for (fault, undo) in drawn {
            let at_us = match (&undo, restart_at) {
                (Fault::Restart { .. }, Some(t)) => t,
                _ => undo_at,
            };
            self.handle_fault(fault, true);
            self.queue.push(at_us, Ev::Fault { fault: Box::new(undo), chaos: true });
        }
        self.queue.push(self.now_us + c.tick_us.max(1), Ev::ChaosTick);
    }
}
