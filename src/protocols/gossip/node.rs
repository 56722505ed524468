//! A gossip site, as in Demers et al., "Epidemic Algorithms for Replicated
//! Database Maintenance" (PODC 1987): a database of key → (value, timestamp) where the
//! newest timestamp wins (§1.1); rumor mongering (§1.4) in push, pull or push-pull mode with
//! a configurable fanout and the "feedback, counter" loss of interest (a site stops
//! spreading a rumor after `k` contacts whose partner already knew it); and anti-entropy
//! (§1.3), a periodic push-pull exchange of whole databases with one random site, as the
//! backstop that makes every site converge. Whatever a site learns that is new becomes a hot
//! rumor (Demers' "redistribution"). The database is durable; hot flags are not.

use super::config::{GossipConfig, Mode};
use super::msg::{Digest, GossipMsg, Rumor, Stamp, Update};
use crate::sim::{NodeEnv, NodeId, Out, TimeUs};
use crate::sim::sorted::SortedMap;

#[derive(Clone, Debug, PartialEq)]
pub enum GossipTimer {
    Round,
    AntiEntropy,
}

/// One database entry at a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub value: String,
    pub stamp: Stamp,
    /// When this site learned it (its own clock), for the fraction-informed plot.
    pub learned_us: TimeUs,
    /// Infective: still spreading it as a rumor.
    pub hot: bool,
    /// Contacts whose partner already knew it (feedback counter).
    pub unnecessary: u32,
}

/// Rounds whose message counts are kept for the messages-per-round plot.
pub const ROUNDS_KEPT: usize = 100;

#[derive(Clone, Debug)]
pub struct Gossip {
    pub env: NodeEnv,
    pub config: GossipConfig,
    pub db: SortedMap<String, Entry>,
    /// Gossip rounds this site has run since boot.
    pub rounds: u64,
    /// Messages sent during each of the first `ROUNDS_KEPT` rounds since boot.
    pub sent_per_round: Vec<u32>,
}

/// What survives a crash: the database with learn times (hot flags are volatile); each
/// write sets one key.
pub type GossipDurable = SortedMap<String, (String, Stamp, TimeUs)>;

impl Gossip {
    pub fn id(&self) -> NodeId {
        self.env.id
    }
    pub fn hot_count(&self) -> usize {
        self.db.values().filter(|e| e.hot).count()
    }

    pub(crate) fn arm_round(&self, first: bool, out: &mut Out<Self>) {
        let t = self.config.gossip_interval_us;
        // The first round starts at a random phase; then exactly every interval.
        if first {
            out.set_timer(GossipTimer::Round, 1, t);
        } else {
            out.set_timer(GossipTimer::Round, t, t);
        }
    }

    pub(crate) fn arm_anti_entropy(&self, out: &mut Out<Self>) {
        let t = self.config.anti_entropy_interval_us;
        if t > 0 {
            out.set_timer(GossipTimer::AntiEntropy, t / 2, t + t / 2);
        }
    }

    fn send(&mut self, to: NodeId, msg: GossipMsg, out: &mut Out<Self>) {
        let r = self.rounds as usize;
        if (1..=ROUNDS_KEPT).contains(&r) {
            if self.sent_per_round.len() < r {
                self.sent_per_round.resize(r, 0);
            }
            self.sent_per_round[r - 1] += 1;
        }
        out.send(to, msg);
    }

    /// Up to `count` distinct random peers (all of them if there are fewer), O(count).
    pub fn random_peers(&self, count: u32, out: &mut Out<Self>) -> Vec<NodeId> {
        let others = self.env.n.saturating_sub(1);
        if count >= others {
            return self.env.peers().collect();
        }
        let mut chosen: Vec<NodeId> = Vec::with_capacity(count as usize);
        while chosen.len() < count as usize {
            // Draw among the n-1 others: skip over our own id.
            let mut p = out.random_below(u64::from(others)) as NodeId;
            if p >= self.env.id {
                p += 1;
            }
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        chosen
    }

    fn rumor(key: &str, e: &Entry) -> Rumor {
        Rumor { key: key.to_string(), value: e.value.clone(), stamp: e.stamp }
    }
    fn hot_rumors(&self) -> Vec<Rumor> {
        self.db.iter().filter(|(_, e)| e.hot).map(|(k, e)| Self::rumor(k, e)).collect()
    }
    pub fn digest(&self) -> Digest {
        self.db.iter().map(|(k, e)| (k.clone(), e.stamp)).collect()
    }
    fn stamp_of(&self, key: &str) -> Option<Stamp> {
        self.db.get(key).map(|e| e.stamp)
    }

    /// Apply one rumor (newest timestamp wins, §1.1). Returns true if it was new here.
    pub fn learn(&mut self, r: Rumor, out: &mut Out<Self>) -> bool {
        let old = self.db.get(&r.key);
        if old.is_some_and(|e| e.stamp >= r.stamp) {
            return false;
        }
        let value = match old {
            // Teaching bug: "merge" a conflicting update by concatenating the values.
            Some(e) if self.config.bug("concat_on_conflict") && e.value != r.value => concat_bounded(&e.value, &r.value),
            _ => r.value,
        };
        let entry = Entry { value, stamp: r.stamp, learned_us: out.now(), hot: true, unnecessary: 0 };
        out.write((r.key.clone(), (entry.value.clone(), entry.stamp, entry.learned_us)));
        out.sync();
        self.db.insert(r.key, entry);
        true
    }

    /// Feedback: the partner already knew `(key, stamp)`; after `k` such contacts the
    /// rumor is no longer hot (Demers §1.4, feedback + counter).
    fn unnecessary_contact(&mut self, key: &str, stamp: Stamp) {
        let k = self.config.k;
        if let Some(e) = self.db.get_mut(key) {
            if e.hot && e.stamp <= stamp && k > 0 {
                e.unnecessary += 1;
                if e.unnecessary >= k {
                    e.hot = false;
                }
            }
        }
    }

    /// One gossip round: contact `fanout` random sites.
    pub fn handle_round(&mut self, out: &mut Out<Self>) {
        self.rounds += 1;
        let hot = self.hot_rumors();
        let mode = self.config.mode;
        if mode == Mode::Push && hot.is_empty() {
            return self.arm_round(false, out);
        }
        for to in self.random_peers(self.config.fanout, out) {
            let msg = match mode {
                Mode::Push => GossipMsg::Push { rumors: hot.clone() },
                Mode::Pull => GossipMsg::Pull { have: self.digest() },
                Mode::PushPull => GossipMsg::PushPull { rumors: hot.clone(), have: self.digest() },
            };
            self.send(to, msg, out);
        }
        self.arm_round(false, out);
    }

    /// Anti-entropy (§1.3): send the whole database to one random site.
    pub fn handle_anti_entropy(&mut self, out: &mut Out<Self>) {
        if let Some(to) = self.random_peers(1, out).first().copied() {
            let db = self.sync_set(|_| true);
            self.send(to, GossipMsg::SyncRequest { db }, out);
        }
        self.arm_anti_entropy(out);
    }

    /// Entries an anti-entropy message carries: all of them that pass `want` (the teaching
    /// bug sends only hot rumors, mistaking anti-entropy for rumor mongering).
    fn sync_set(&self, want: impl Fn(&Rumor) -> bool) -> Vec<Rumor> {
        let hot_only = self.config.bug("anti_entropy_hot_only");
        self.db.iter().filter(|(_, e)| e.hot || !hot_only).map(|(k, e)| Self::rumor(k, e)).filter(|r| want(r)).collect()
    }

    /// The hot rumors a caller with digest `have` lacks; the others count as unnecessary
    /// contacts (the caller already knew them).
    fn answer_pull(&mut self, have: &Digest) -> Vec<Rumor> {
        let theirs: SortedMap<&str, Stamp> = have.iter().map(|(k, s)| (k.as_str(), *s)).collect();
        let mut send = Vec::new();
        for r in self.hot_rumors() {
            match theirs.get(r.key.as_str()) {
                Some(s) if *s >= r.stamp => self.unnecessary_contact(&r.key, *s),
                _ => send.push(r),
            }
        }
        send
    }

    /// Learn pushed rumors; return feedback: those already known here.
    fn take_pushed(&mut self, rumors: Vec<Rumor>, out: &mut Out<Self>) -> Digest {
        let mut known = Vec::new();
        for r in rumors {
            let (key, stamp) = (r.key.clone(), r.stamp);
            if !self.learn(r, out) {
                known.push((key, stamp));
            }
        }
        known
    }

    pub fn handle_message(&mut self, from: NodeId, msg: GossipMsg, out: &mut Out<Self>) {
        match msg {
            GossipMsg::Push { rumors } => {
                let known = self.take_pushed(rumors, out);
                if !known.is_empty() {
                    self.send(from, GossipMsg::Reply { rumors: Vec::new(), known }, out);
                }
            }
            GossipMsg::Pull { have } => {
                let rumors = self.answer_pull(&have);
                if !rumors.is_empty() {
                    self.send(from, GossipMsg::Reply { rumors, known: Vec::new() }, out);
                }
            }
            GossipMsg::PushPull { rumors: pushed, have } => {
                // Answer the pull part first, so rumors just learned from the caller are
                // not counted as contacts it did not need.
                let rumors = self.answer_pull(&have);
                let known = self.take_pushed(pushed, out);
                if !rumors.is_empty() || !known.is_empty() {
                    self.send(from, GossipMsg::Reply { rumors, known }, out);
                }
            }
            GossipMsg::Reply { rumors, known } => {
                for r in rumors {
                    self.learn(r, out);
                }
                for (key, stamp) in known {
                    self.unnecessary_contact(&key, stamp);
                }
            }
            GossipMsg::SyncRequest { db } => {
                let theirs: SortedMap<String, Stamp> = db.iter().map(|r| (r.key.clone(), r.stamp)).collect();
                for r in db {
                    self.learn(r, out);
                }
                let back = self.sync_set(|r| theirs.get(&r.key).is_none_or(|s| *s < r.stamp));
                if !back.is_empty() {
                    self.send(from, GossipMsg::SyncReply { db: back }, out);
                }
            }
            GossipMsg::SyncReply { db } => {
                for r in db {
                    self.learn(r, out);
                }
            }
        }
    }

    /// A client update: stamped with this site's clock, but always newer than what the
    /// site holds for the key, so a local write is never lost to its own clock skew.
    pub fn handle_request(&mut self, request_id: u64, u: Update, out: &mut Out<Self>) {
        let floor = self.stamp_of(&u.key).map_or(0, |s| s.time_us + 1);
        let stamp = Stamp { time_us: out.now().max(floor), origin: self.env.id };
        let key = u.key.clone();
        self.learn(Rumor { key: u.key, value: u.value, stamp }, out);
        out.note(format!("new rumor {key} @ {}", stamp.time_us));
        out.reply(request_id, format!("stored {key}"));
    }

    /// Demers' susceptible / infective / removed, shown as "susceptible" / "informed" /
    /// "removed".
    pub fn role_name(&self) -> &'static str {
        if self.db.is_empty() {
            "susceptible"
        } else if self.db.values().any(|e| e.hot) {
            "informed"
        } else {
            "removed"
        }
    }
}

/// The bug `concat_on_conflict`'s "merge": the two values joined, cut at
/// [`MAX_CONCAT_BYTES`] so that merges of merges (which double the length each time) cannot
/// exhaust memory (a swarm seed reached 24 GB); the cut lies beyond every value the runs
/// of earlier links build (the version 2 corpus replays exactly).
fn concat_bounded(a: &str, b: &str) -> String {
    let mut joined = format!("{a}|{b}");
    if joined.len() > MAX_CONCAT_BYTES {
        let mut end = MAX_CONCAT_BYTES;
        while !joined.is_char_boundary(end) {
            end -= 1;
        }
        joined.truncate(end);
    }
    joined
}

/// The longest value the bug `concat_on_conflict` builds.
pub const MAX_CONCAT_BYTES: usize = 65_536;
