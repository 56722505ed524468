//! A SWIM member (Das, Gupta, Motivala, DSN 2002, §3-§4): its view of the group, the probe
//! of each protocol period (§3.1, round-robin targets §4.3), suspicion (§4.2) and the
//! piggyback queue of the infection-style dissemination (§4.1).
//!
//! Override rule: of two updates about a member, the one with the higher incarnation wins;
//! at equal incarnations Confirm beats Suspect beats Alive (§4.2). The paper makes Confirm
//! final for every incarnation; we make it final for its own and lower incarnations only,
//! so that a member can rejoin with a higher one (a restarted member boots with its durable
//! incarnation + 1, and a member confirmed dead while alive — a partition — refutes when it
//! hears of it). Two practices beyond the paper: a message to a member carries our Suspect or
//! Confirm about it (so it can refute at once), and every `reconnect_interval_us` a member
//! pings one member it holds as dead, so that the two sides of a healed partition re-merge.
//!
//! State is sparse: a member absent from `members` is Alive at incarnation 0, so a node's
//! state grows with membership events, not with n.

use super::config::SwimConfig;
use super::msg::{Status, SwimMsg, Update};
use super::round_robin::RoundRobin;
use crate::sim::{NodeEnv, NodeId, Out, TimeUs};
use crate::sim::sorted::SortedMap;

#[derive(Clone, Debug, PartialEq)]
pub enum SwimTimer {
    ProtocolPeriod,
    PingTimeout,
}

/// The member's view entry (absent: Alive at incarnation 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub incarnation: u32,
    pub status: Status,
}

pub const ALIVE_0: Member = Member { incarnation: 0, status: Status::Alive };

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub target: NodeId,
    pub seq: u64,
    pub acked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relay {
    pub requester: NodeId,
    pub seq: u64,
    pub at_us: TimeUs,
}

/// Counters for the overlay's plots (volatile).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SwimStats {
    /// Probes finished with an Ack (direct or relayed), and with a direct one.
    pub probes_acked: u64,
    pub direct_acks: u64,
    /// Suspicions this node raised after its own probe failed.
    pub suspicions: u64,
    /// Of those, how many the member later refuted (false positives).
    pub false_positives: u64,
    /// Times this node refuted a Suspect or Confirm about itself.
    pub refutations: u64,
    /// (member, when) of the last direct Acks received (a small ring).
    pub recent_acks: Vec<(NodeId, TimeUs)>,
    /// (member, when) of the suspicions this node raised (the last few).
    pub detections: Vec<(NodeId, TimeUs)>,
    /// (member, its last Ack here) noted when the member became Suspect (the last few).
    pub evidence: Vec<(NodeId, TimeUs)>,
}

const RING: usize = 8;
const DETECTIONS_KEPT: usize = 16;

fn push_ring(v: &mut Vec<(NodeId, TimeUs)>, x: (NodeId, TimeUs), cap: usize) {
    if v.len() == cap {
        v.remove(0);
    }
    v.push(x);
}

#[derive(Clone, Debug)]
pub struct Swim {
    pub env: NodeEnv,
    pub config: SwimConfig,
    /// This member's own incarnation (durable).
    pub incarnation: u32,
    /// What this member last heard about itself at its current incarnation and did not
    /// refute (only with the `no_refutation` bug).
    pub self_status: Status,
    pub members: SortedMap<NodeId, Member>,
    /// Local time each Suspect entry began (for the suspicion timeout).
    pub suspect_since: SortedMap<NodeId, TimeUs>,
    /// Piggyback queue: the latest update per member with transmissions left.
    pub buffer: SortedMap<NodeId, (Update, u32)>,
    rr: RoundRobin,
    seq: u64,
    pub probe: Option<Probe>,
    pub relays: SortedMap<u64, Relay>,
    last_reconnect_us: TimeUs,
    /// Suspicions this node raised and not yet resolved: member → incarnation.
    own_suspicions: SortedMap<NodeId, u32>,
    pub stats: SwimStats,
}

impl Swim {
    pub fn create(env: NodeEnv, config: &SwimConfig) -> Self {
        Swim {
            rr: RoundRobin::new(env.n),
            env,
            config: config.clone(),
            incarnation: 0,
            self_status: Status::Alive,
            members: SortedMap::new(),
            suspect_since: SortedMap::new(),
            buffer: SortedMap::new(),
            seq: 0,
            probe: None,
            relays: SortedMap::new(),
            last_reconnect_us: 0,
            own_suspicions: SortedMap::new(),
            stats: SwimStats::default(),
        }
    }
    pub fn id(&self) -> NodeId {
        self.env.id
    }
    pub fn member(&self, m: NodeId) -> Member {
        self.members.get(&m).copied().unwrap_or(ALIVE_0)
    }
    fn is_dead(&self, m: NodeId) -> bool {
        self.member(m).status == Status::Confirm
    }
    /// (alive, suspect, dead) counts of the other members in this view.
    pub fn counts(&self) -> (u32, u32, u32) {
        let (mut s, mut d) = (0, 0);
        for m in self.members.values() {
            match m.status {
                Status::Suspect => s += 1,
                Status::Confirm => d += 1,
                Status::Alive => {}
            }
        }
        (self.env.n - 1 - s - d, s, d)
    }

    fn enqueue(&mut self, u: Update) {
        let limit = self.config.retransmit_limit(self.env.n);
        self.buffer.insert(u.member, (u, limit));
    }

    /// Updates to piggyback on a message to `to`: the ones sent fewest times first, up to
    /// `max_piggyback`, plus our Suspect/Confirm about `to` itself.
    pub fn piggyback(&mut self, to: NodeId) -> Vec<Update> {
        let mut order: Vec<(u32, NodeId)> = self.buffer.iter().map(|(m, (_, left))| (*left, *m)).collect();
        order.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let mut out = Vec::new();
        for (_, m) in order.into_iter().take(self.config.max_piggyback as usize) {
            if let Some((u, left)) = self.buffer.get_mut(&m) {
                out.push(*u);
                *left -= 1;
                if *left == 0 {
                    self.buffer.remove(&m);
                }
            }
        }
        let about = self.member(to);
        if about.status != Status::Alive && !out.iter().any(|u| u.member == to) {
            out.push(Update { member: to, incarnation: about.incarnation, status: about.status });
        }
        out
    }

    /// Does `u` override the entry `cur` (§4.2, with rejoin at a higher incarnation)?
    fn overrides(&self, u: &Update, cur: Member) -> bool {
        let held = Update { member: u.member, incarnation: cur.incarnation, status: cur.status };
        if u.rank() > held.rank() {
            return true;
        }
        let c = &self.config;
        // Teaching bug: a status change is applied whatever its incarnation.
        if c.bug("accept_stale_incarnation") && cur.status != Status::Confirm && u.status != Status::Confirm && u.status != cur.status {
            return true;
        }
        // Teaching bug: Alive at the same incarnation undoes a Confirm.
        c.bug("alive_overrides_confirm") && cur.status == Status::Confirm && u.status == Status::Alive && u.incarnation == cur.incarnation
    }

    /// Apply one update; returns true if the view changed.
    pub fn apply(&mut self, u: Update, out: &mut Out<Self>) -> bool {
        if u.member == self.env.id {
            self.about_self(u, out);
            return false;
        }
        if u.member >= self.env.n {
            return false;
        }
        let cur = self.member(u.member);
        if !self.overrides(&u, cur) {
            return false;
        }
        self.set(u, out.now());
        self.enqueue(u);
        true
    }

    fn set(&mut self, u: Update, now: TimeUs) {
        let m = u.member;
        self.members.insert(m, Member { incarnation: u.incarnation, status: u.status });
        match u.status {
            Status::Suspect => {
                self.suspect_since.insert(m, now);
                let last_ack = self.stats.recent_acks.iter().rev().find(|a| a.0 == m).copied();
                if let Some(a) = last_ack {
                    push_ring(&mut self.stats.evidence, a, DETECTIONS_KEPT);
                }
            }
            Status::Alive => {
                self.suspect_since.remove(&m);
                if self.own_suspicions.get(&m).is_some_and(|i| u.incarnation > *i) {
                    self.own_suspicions.remove(&m);
                    self.stats.false_positives += 1;
                }
            }
            Status::Confirm => {
                self.suspect_since.remove(&m);
                self.own_suspicions.remove(&m);
            }
        }
    }

    /// Someone says we are Suspect or dead: refute by raising our incarnation (§4.2);
    /// in any case re-announce our current incarnation.
    fn about_self(&mut self, u: Update, out: &mut Out<Self>) {
        if u.status == Status::Alive {
            return;
        }
        if u.incarnation >= self.incarnation {
            if self.config.bug("no_refutation") {
                self.self_status = self.self_status.max(u.status);
                return;
            }
            self.incarnation = u.incarnation + 1;
            self.self_status = Status::Alive;
            self.stats.refutations += 1;
            out.write(self.incarnation);
            out.sync();
            out.note(format!("refute {:?} with incarnation {}", u.status, self.incarnation));
        }
        self.announce();
    }

    fn announce(&mut self) {
        let me = Update { member: self.env.id, incarnation: self.incarnation, status: Status::Alive };
        self.enqueue(me);
    }

    fn apply_all(&mut self, updates: Vec<Update>, out: &mut Out<Self>) {
        for u in updates {
            self.apply(u, out);
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// `count` distinct random members other than us and `not`, not held dead; O(count)
    /// draws with a bounded number of retries.
    fn random_members(&self, count: u32, not: NodeId, out: &mut Out<Self>) -> Vec<NodeId> {
        let mut chosen = Vec::new();
        let mut tries = 8 * count + 16;
        while chosen.len() < count as usize && tries > 0 {
            tries -= 1;
            let m = out.random_below(u64::from(self.env.n)) as NodeId;
            if m != self.env.id && m != not && !self.is_dead(m) && !chosen.contains(&m) {
                chosen.push(m);
            }
        }
        chosen
    }

    // ---- the protocol period --------------------------------------------------------

    pub fn handle_period(&mut self, out: &mut Out<Self>) {
        self.finish_probe(out);
        self.expire_suspicions(out);
        let now = out.now();
        let period = self.config.protocol_period_us;
        self.relays.retain(|_, r| now.saturating_sub(r.at_us) < period);
        self.start_probe(out);
        self.maybe_reconnect(out);
        out.set_timer(SwimTimer::ProtocolPeriod, period, period);
    }

    /// End of the period: no Ack, direct or relayed, so the target becomes Suspect (§4.2).
    fn finish_probe(&mut self, out: &mut Out<Self>) {
        let Some(p) = self.probe.take() else { return };
        if p.acked {
            return;
        }
        let cur = self.member(p.target);
        if cur.status != Status::Alive {
            return;
        }
        let u = Update { member: p.target, incarnation: cur.incarnation, status: Status::Suspect };
        self.apply(u, out);
        self.stats.suspicions += 1;
        self.own_suspicions.insert(p.target, cur.incarnation);
        push_ring(&mut self.stats.detections, (p.target, out.now()), DETECTIONS_KEPT);
        out.note(format!("suspect n{} (incarnation {})", p.target, cur.incarnation));
    }

    /// Suspects whose timeout ran out are confirmed dead (§4.2).
    fn expire_suspicions(&mut self, out: &mut Out<Self>) {
        let now = out.now();
        let timeout = self.config.suspicion_timeout_us;
        let expired: Vec<NodeId> =
            self.suspect_since.iter().filter(|(_, t)| now.saturating_sub(**t) >= timeout).map(|(m, _)| *m).collect();
        for m in expired {
            let inc = self.member(m).incarnation;
            self.apply(Update { member: m, incarnation: inc, status: Status::Confirm }, out);
            out.note(format!("confirm n{m} dead (incarnation {inc})"));
        }
    }

    fn start_probe(&mut self, out: &mut Out<Self>) {
        let (n, me) = (self.env.n, self.env.id);
        let members = &self.members;
        let eligible = |m: NodeId| m != me && members.get(&m).is_none_or(|e| e.status != Status::Confirm);
        let Some(target) = self.rr.next(n, eligible, |b| out.random_below(b)) else { return };
        let seq = self.next_seq();
        self.probe = Some(Probe { target, seq, acked: false });
        let updates = self.piggyback(target);
        out.send(target, SwimMsg::Ping { seq, updates });
        out.set_timer(SwimTimer::PingTimeout, self.config.ping_timeout_us, self.config.ping_timeout_us);
    }

    /// No direct Ack in time: ask k random members to probe the target (§3.1).
    pub fn handle_ping_timeout(&mut self, out: &mut Out<Self>) {
        let Some(p) = self.probe.clone() else { return };
        if p.acked {
            return;
        }
        for helper in self.random_members(self.config.indirect_probes, p.target, out) {
            let updates = self.piggyback(helper);
            out.send(helper, SwimMsg::PingReq { seq: p.seq, target: p.target, updates });
        }
    }

    /// Ping one member held dead, so that a healed partition re-merges (not in the paper).
    fn maybe_reconnect(&mut self, out: &mut Out<Self>) {
        let every = self.config.reconnect_interval_us;
        let now = out.now();
        if every == 0 || now.saturating_sub(self.last_reconnect_us) < every {
            return;
        }
        self.last_reconnect_us = now;
        let dead: Vec<NodeId> = self.members.iter().filter(|(_, m)| m.status == Status::Confirm).map(|(id, _)| *id).collect();
        if dead.is_empty() {
            return;
        }
        let to = dead[out.random_below(dead.len() as u64) as usize];
        let seq = self.next_seq();
        let updates = self.piggyback(to);
        out.send(to, SwimMsg::Ping { seq, updates });
    }

    // ---- messages ---------------------------------------------------------------------

    pub fn handle_message(&mut self, from: NodeId, msg: SwimMsg, out: &mut Out<Self>) {
        match msg {
            SwimMsg::Ping { seq, updates } => {
                self.apply_all(updates, out);
                let updates = self.piggyback(from);
                out.send(from, SwimMsg::Ack { seq, updates });
            }
            SwimMsg::PingReq { seq, target, updates } => {
                self.apply_all(updates, out);
                let mine = self.next_seq();
                self.relays.insert(mine, Relay { requester: from, seq, at_us: out.now() });
                let updates = self.piggyback(target);
                out.send(target, SwimMsg::Ping { seq: mine, updates });
            }
            SwimMsg::Ack { seq, updates } => self.handle_ack(from, seq, updates, out),
        }
    }

    fn handle_ack(&mut self, from: NodeId, seq: u64, updates: Vec<Update>, out: &mut Out<Self>) {
        self.apply_all(updates, out);
        if let Some(p) = self.probe.as_mut().filter(|p| p.seq == seq) {
            if !p.acked {
                self.stats.probes_acked += 1;
                if from == p.target {
                    self.stats.direct_acks += 1;
                }
            }
            p.acked = true;
        }
        if let Some(r) = self.relays.remove(&seq) {
            let updates = self.piggyback(r.requester);
            out.send(r.requester, SwimMsg::Ack { seq: r.seq, updates });
        }
        // Evidence that `from` was alive just now (for the detection-time plot).
        push_ring(&mut self.stats.recent_acks, (from, out.now()), RING);
    }

    pub(crate) fn boot(&mut self, out: &mut Out<Self>) {
        // Sequence numbers are unique across restarts (the incarnation is their top half).
        self.seq = u64::from(self.incarnation) << 32;
        self.announce();
        out.set_timer(SwimTimer::ProtocolPeriod, 1, self.config.protocol_period_us);
    }

    pub fn role_name(&self) -> &'static str {
        match self.self_status {
            Status::Alive => "alive",
            Status::Suspect => "suspect",
            Status::Confirm => "dead-in-view",
        }
    }
}
