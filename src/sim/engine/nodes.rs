//! The simulator's nodes: booting (from stable storage after a crash), running a handler
//! and carrying out its effects (messages, timers, replies, durable writes and syncs),
//! timers drawn from the seed (stretched on a slow node), and crash, restart, pause and
//! resume.

use super::Sim;
use crate::sim::node::TimerSlot;
use crate::sim::protocol::{Effect, NodeEnv, NodeId, Out, Protocol, TimeUs};
use crate::sim::queue::Ev;
use crate::sim::trace::TraceKind;

impl<P: Protocol> Sim<P> {

    pub(super) fn boot(&mut self, node: NodeId) {
        let env = NodeEnv { id: node, n: self.n };
        let mut p = P::new(env, &self.config);
        let mut out = self.out_for(node);
        let durable = self.disks[node as usize].recovery_image();
        let kind = if let Some(d) = durable {
            p.on_recover(d, &mut out);
            TraceKind::Recover
        } else {
            p.on_start(&mut out);
            TraceKind::Start
        };
        self.states[node as usize] = Some(p);
        self.trace(Some(node), kind, 0);
        self.apply_effects(node, out);
    }

    /// A handler's output collector. Its entropy comes from the seed, the event index and
    /// the node, not from the main PRNG, so protocols that draw none leave every other
    /// draw (and every pinned trace hash) as it was.
    pub(super) fn out_for(&mut self, node: NodeId) -> Out<P> {
        let mut x = self.seed ^ self.event_count.wrapping_mul(0xA076_1D64_78BD_642F) ^ (u64::from(node) << 40);
        let entropy = crate::sim::prng::splitmix64(&mut x);
        let buffer = std::mem::take(&mut self.spare_effects);
        Out::with_buffer(self.clocks[node as usize].local_time(self.now_us), entropy, buffer)
    }

    /// Run a handler on a live node and carry out its effects.
    pub(super) fn with_node(&mut self, node: NodeId, f: impl FnOnce(&mut P, &mut Out<P>)) {
        let mut out = self.out_for(node);
        let Some(p) = self.states[node as usize].as_mut() else { return };
        f(p, &mut out);
        if self.apply_effects(node, out) {
            self.maybe_crash_after_write(node);
        }
    }

    /// Carry out a handler's effects; whether it wrote durable state.
    pub(super) fn apply_effects(&mut self, node: NodeId, mut out: Out<P>) -> bool {
        let mut wrote = false;
        let mut effects = out.take_effects();
        for effect in effects.drain(..) {
            wrote |= matches!(effect, Effect::Write(_) | Effect::Sync);
            match effect {
                Effect::Send { to, msg } => self.send(node, to, msg),
                Effect::SetTimer { timer, min_us, max_us } => self.set_timer(node, timer, min_us, max_us),
                Effect::CancelTimer { timer } => self.slots[node as usize].timers.retain(|t| t.timer != timer),
                Effect::Reply { request_id, reply } => self.client_reply(node, request_id, reply),
                Effect::Write(w) => {
                    crate::sim::work::wrote(|| format!("{w:?}"));
                    self.disks[node as usize].write(w)
                }
                Effect::Sync => self.disks[node as usize].sync(),
                Effect::Note(text) => self.trace(Some(node), TraceKind::Note { text }, 0),
            }
        }
        self.spare_effects = effects;
        wrote
    }

    pub(super) fn set_timer(&mut self, node: NodeId, timer: P::Timer, min_us: TimeUs, max_us: TimeUs) {
        // A slow node's timers take `factor` times as long (1 draws and fires as before).
        let local = self.rng.range(min_us, max_us).saturating_mul(u64::from(self.slow[node as usize]));
        let fires_at_us = self.now_us + self.clocks[node as usize].global_duration(local);
        let generation = self.next_timer_gen;
        self.next_timer_gen += 1;
        let q = self.queue.stamp(fires_at_us, Ev::Timer { node, generation });
        let slot = &mut self.slots[node as usize];
        let before = slot.timers.iter().position(|t| t.timer == timer).map(|i| slot.timers.remove(i));
        let queued = match before {
            // The entry already queued comes no later: it stands for this setting (see
            // `TimerSlot::queued`), and the queue takes no entry that would only go stale.
            Some(b) if !self.adversary && b.queued.1 <= fires_at_us => b.queued,
            _ => (generation, fires_at_us),
        };
        slot.timers.push(TimerSlot { timer, generation, set_at_us: self.now_us, fires_at_us, seq: q.seq, queued });
        if queued.0 == generation {
            self.push_stamped(q);
        }
    }

    /// Queue the timer an earlier setting's entry (`queued_generation`, reaching the
    /// queue's front) stood for, at its own time and place.
    pub(super) fn unmove_timer(&mut self, node: NodeId, queued_generation: u64) {
        let slot = &mut self.slots[node as usize];
        let Some(t) = slot.timers.iter_mut().find(|t| t.queued.0 == queued_generation && t.moved()) else { return };
        let q = t.own_entry(node);
        self.queue.push_stamped(q);
    }

    /// Queue every timer of `node` an earlier entry stands for at its own time and place
    /// (adversary mode starting: the pool offers the timers' own generations).
    pub(super) fn unmove_timers(&mut self, node: NodeId) {
        for t in self.slots[node as usize].timers.iter_mut().filter(|t| t.moved()) {
            self.queue.push_stamped(t.own_entry(node));
        }
    }

    pub(super) fn fire_timer(&mut self, node: NodeId, generation: u64) {
        let slot = &mut self.slots[node as usize];
        let Some(pos) = slot.timers.iter().position(|t| t.generation == generation) else { return };
        let timer = slot.timers.remove(pos).timer;
        self.trace(Some(node), TraceKind::Timer { name: P::timer_name(&timer) }, 0);
        self.with_node(node, |p, out| p.on_timer(timer, out));
    }

    /// The process dies; its disk keeps every write, or with `lose_unsynced` only the
    /// synced ones.
    pub(crate) fn crash(&mut self, node: NodeId, lose_unsynced: bool) -> bool {
        let i = node as usize;
        if self.states[i].is_none() {
            return false;
        }
        self.states[i] = None;
        self.disks[i].crash(lose_unsynced);
        let slot = &mut self.slots[i];
        slot.timers.clear();
        slot.inbox.clear();
        slot.paused = false;
        true
    }

    pub(super) fn restart(&mut self, node: NodeId) -> bool {
        if self.states[node as usize].is_some() {
            return false;
        }
        self.boot(node);
        true
    }

    pub(super) fn pause(&mut self, node: NodeId) -> bool {
        let i = node as usize;
        if self.states[i].is_none() || self.slots[i].paused {
            return false;
        }
        self.slots[i].paused = true;
        true
    }

    /// Unfreeze: what waited is delivered now, in the order it arrived; overdue timers
    /// fire now (late).
    pub(super) fn resume(&mut self, node: NodeId) -> bool {
        let i = node as usize;
        if !self.slots[i].paused {
            return false;
        }
        self.slots[i].paused = false;
        for ev in std::mem::take(&mut self.slots[i].inbox) {
            self.push_ev(self.now_us, ev);
        }
        true
    }
}
