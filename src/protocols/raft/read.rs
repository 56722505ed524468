//! Reads without a log entry (Ongaro's thesis §6.4): ReadIndex — the leader notes its
//! commit index, confirms it still leads with a round of heartbeats acknowledged by a
//! majority, and answers once it has applied that index — and lease reads (§6.4.1), which
//! skip the round while a lease from the last confirmed round lasts. The planted bug
//! `stale_read` answers from local state at once, without confirming anything.

use super::config::ReadMode;
use super::msg::ReadSeq;
use super::node::{Raft, RaftReply, Role};
use crate::sim::{NodeId, Out, StateMachine, TimeUs};

type ROut<S> = Out<Raft<S>>;

/// A read waiting for its round to be confirmed and its index applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRead<C> {
    pub request_id: u64,
    pub cmd: C,
    /// The commit index when the read arrived (None until the leader has committed an
    /// entry of its term, §6.4 step 1).
    pub read_index: Option<u64>,
    pub seq: u64,
    pub confirmed: bool,
}

/// The leader's read state (volatile: a new leader starts afresh).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reads<C> {
    /// The newest round; AppendEntries carry it.
    pub seq: ReadSeq,
    /// The newest round each server has acknowledged in this term.
    pub acked: Vec<u64>,
    /// When each unconfirmed round started, on the leader's clock: (round, start).
    pub started: Vec<(u64, TimeUs)>,
    pub pending: Vec<PendingRead<C>>,
    /// Lease reads: local answers are safe until this time on the leader's clock.
    pub lease_until_us: TimeUs,
}

impl<C> Reads<C> {
    pub fn new(n: u32) -> Self {
        Reads { seq: ReadSeq(0), acked: vec![0; n as usize], started: Vec::new(), pending: Vec::new(), lease_until_us: 0 }
    }
}

impl<S: StateMachine> Raft<S> {
    /// §6.4.1 with restarts: a server that just booted may have acknowledged a leader's
    /// lease before it crashed, so with lease reads on it grants no (pre-)vote within its
    /// minimum election timeout of booting, as if it had just heard from that leader.
    pub(crate) fn guard_leases_at_boot(&mut self, out: &ROut<S>) {
        if self.config.read == ReadMode::Lease {
            self.leader_contact_us = Some(out.now());
        }
    }

    /// A client read at a server that reads without the log.
    pub(crate) fn handle_read(&mut self, request_id: u64, cmd: S::Command, out: &mut ROut<S>) {
        if self.role != Role::Leader {
            out.reply(request_id, RaftReply::NotLeader { hint: self.leader_id.filter(|l| *l != self.env.id) });
            return;
        }
        let lease = self.config.read == ReadMode::Lease && out.now() < self.reads.lease_until_us && self.caught_up_here();
        if self.config.bug("stale_read") || lease {
            self.answer_read(request_id, &cmd, out);
            return;
        }
        let read_index = self.caught_up_here().then_some(self.commit_index);
        let seq = self.start_round(out);
        self.reads.pending.push(PendingRead { request_id, cmd, read_index, seq, confirmed: false });
        self.bcast_append(out);
    }

    /// Has this leader committed an entry of its own term (the no-op of §8)?
    fn caught_up_here(&self) -> bool {
        self.term_at(self.commit_index) == Some(self.current_term)
    }

    /// Begin a heartbeat round the next AppendEntries carry.
    pub(crate) fn start_round(&mut self, out: &ROut<S>) -> u64 {
        self.reads.seq.0 += 1;
        let seq = self.reads.seq.0;
        self.reads.started.push((seq, out.now()));
        self.reads.acked[self.env.id as usize] = seq;
        // Version 3: a leader that is a majority by itself (one server) confirms its own
        // round at once (there is no answer to wait for).
        if self.config.version >= 3 && self.quorum() <= 1 {
            self.renew_lease(seq);
        }
        seq
    }

    /// A follower acknowledged round `seq` in the current term.
    pub(crate) fn confirm_reads(&mut self, from: NodeId, seq: ReadSeq, out: &mut ROut<S>) {
        let acked = &mut self.reads.acked[from as usize];
        if seq.0 <= *acked {
            return;
        }
        *acked = seq.0;
        let confirmed = self.confirmed_round();
        self.renew_lease(confirmed);
        for r in self.reads.pending.iter_mut().filter(|r| r.seq <= confirmed) {
            r.confirmed = true;
        }
        self.serve_reads(out);
    }

    /// The newest round a majority (this leader included) has acknowledged.
    fn confirmed_round(&self) -> u64 {
        crate::sim::lease::quorum_round(self.reads.acked.clone(), self.quorum()).unwrap_or(0)
    }

    /// §6.4.1: a majority heard from this leader after the round began, and none of them
    /// will help elect another before its minimum election timeout; on this leader's clock,
    /// with every clock within the drift bound ρ, that is at least timeout·(1−ρ)/(1+ρ).
    fn renew_lease(&mut self, confirmed: u64) {
        let Some(&(_, start)) = self.reads.started.iter().rev().find(|(s, _)| *s <= confirmed) else { return };
        self.reads.started.retain(|(s, _)| *s > confirmed);
        if self.config.read != ReadMode::Lease {
            return;
        }
        let lease = crate::sim::lease::drift_safe_us(self.config.election_timeout_us_min, self.config.lease_drift_bound_ppm);
        self.reads.lease_until_us = self.reads.lease_until_us.max(start + lease);
    }

    /// Answer every confirmed read whose index has applied (a read that arrived before the
    /// leader's first commit takes the commit index once there is one).
    pub(crate) fn serve_reads(&mut self, out: &mut ROut<S>) {
        if self.role != Role::Leader || self.reads.pending.is_empty() {
            return;
        }
        let caught_up = self.caught_up_here();
        let commit = self.commit_index;
        for r in self.reads.pending.iter_mut().filter(|r| r.read_index.is_none() && caught_up) {
            r.read_index = Some(commit);
        }
        let applied = self.last_applied;
        let (ready, waiting): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.reads.pending).into_iter().partition(|r| r.confirmed && r.read_index.is_some_and(|i| i <= applied));
        self.reads.pending = waiting;
        for r in ready {
            self.answer_read(r.request_id, &r.cmd, out);
        }
    }

    fn answer_read(&mut self, request_id: u64, cmd: &S::Command, out: &mut ROut<S>) {
        if let Some(output) = S::query(&self.sm, cmd) {
            out.reply(request_id, RaftReply::Applied { index: self.last_applied, output });
        }
    }

    /// Stepping down: reads not yet answered were never served; the client tries again.
    pub(crate) fn fail_reads(&mut self, leader: Option<NodeId>, out: &mut ROut<S>) {
        for r in std::mem::take(&mut self.reads.pending) {
            out.reply(r.request_id, RaftReply::NotLeader { hint: leader });
        }
        self.reads = super::read::Reads::new(self.env.n);
    }
}
