//! A leader lease for a service built on Zab, asked for by the lock service: the lease of
//! Ongaro's thesis §6.4.1 (Chubby's master lease, Burrows 2006 §2.9) restated for Zab's
//! timeouts. The leader numbers its PINGs by round; a follower in broadcast answers each.
//! From a round it began at its clock reading `h` and a quorum (itself included) answered,
//! the leader holds the lease until its reading `h + syncLimit·(1 − ρ)/(1 + ρ)`.
//!
//! Why no other leader is established meanwhile: each answering follower took the PING
//! at real time ≥ τ (the round's start) and keeps following until its own clock has run
//! syncLimit since it last heard from the leader (a follower in broadcast leaves its
//! leader for no other reason), so until real time ≥ τ + syncLimit/(1 + ρ) it takes no
//! part in an election; a following server answers notifications with its leader's vote.
//! A new leader needs a quorum of servers that left, which meets the round's quorum, and
//! the leader's reading passes the lease's end by that real time at the latest. A server
//! that boots may have answered a round before it crashed, so it stays out of elections
//! for syncLimit after booting (as a Raft server refuses votes after boot, thesis §6.4.1).
//! The leader, for its part, stops leading (and so answering) once a quorum has gone
//! unheard for syncLimit: the lease ends earlier than that.

use super::leader::leading;
use super::msg::ZabMsg;
use super::node::{Phase, Role, Zab};
use crate::sim::lease::{drift_safe_us, quorum_round};
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeId, Out, StateMachine, TimeUs};

/// The leader's lease rounds (volatile: a new leadership starts afresh).
#[derive(Clone, Debug, Default)]
pub struct LeaseRounds {
    /// The newest round.
    pub round: u64,
    /// When each round not yet answered by a quorum began, on the leader's clock.
    pub started: Vec<(u64, TimeUs)>,
    /// The newest round each follower has answered.
    pub acked: SortedMap<NodeId, u64>,
    /// The lease lasts until this reading of the leader's clock.
    pub until_us: TimeUs,
}

impl<S: StateMachine> Zab<S> {
    /// Does this server keep leader leases?
    pub fn leases(&self) -> bool {
        self.config.lease_drift_bound_ppm.is_some()
    }

    /// The leader begins a round (its PINGs carry the number).
    pub(super) fn start_lease_round(&mut self, now_us: TimeUs) -> u64 {
        let quorum = self.quorum();
        let l = &mut leading(self).lease;
        l.round += 1;
        let round = l.round;
        l.started.push((round, now_us));
        if quorum <= 1 {
            self.renew_lease(round);
        }
        round
    }

    /// A follower answered round `round` of epoch `epoch`.
    pub(super) fn on_lease_ping_ack(&mut self, from: NodeId, epoch: u64, round: u64) {
        let quorum = self.quorum();
        let l = leading(self);
        if epoch != l.epoch || !l.learners.contains_key(&from) {
            return;
        }
        let acked = l.lease.acked.entry(from).or_insert(0);
        if round <= *acked {
            return;
        }
        *acked = round;
        let rounds = std::iter::once(l.lease.round).chain(l.lease.acked.values().copied()).collect();
        if let Some(confirmed) = quorum_round(rounds, quorum) {
            self.renew_lease(confirmed);
        }
    }

    /// Round `confirmed` (and every earlier one) has a quorum: extend the lease from its start.
    fn renew_lease(&mut self, confirmed: u64) {
        let lease = drift_safe_us(self.config.sync_limit_us(), self.config.lease_drift_bound_ppm.unwrap_or(0));
        let l = &mut leading(self).lease;
        let Some(&(_, start)) = l.started.iter().rev().find(|(r, _)| *r <= confirmed) else { return };
        l.started.retain(|(r, _)| *r > confirmed);
        l.until_us = l.until_us.max(start + lease);
    }

    /// Leads, established, and holds the lease at its clock reading `now_us`.
    pub fn holds_lease_at(&self, now_us: TimeUs) -> bool {
        matches!(&self.role, Role::Leading(l) if l.established && now_us < l.lease.until_us)
    }

    /// A follower answers a numbered PING only in broadcast (before UPTODATE, initLimit may
    /// end its session sooner than syncLimit).
    pub(super) fn on_lease_ping(&mut self, epoch: u64, round: u64, out: &mut Out<Self>) {
        if matches!(&self.role, Role::Following(f) if f.phase == Phase::Broadcast) {
            self.to_leader(ZabMsg::LeasePingAck { epoch, round }, out);
        }
    }

    /// With leases, a server that boots stays out of elections for syncLimit: true if it
    /// does (its tick starts the election once the time has passed).
    pub(super) fn guard_at_boot(&mut self, now_us: TimeUs) -> bool {
        if self.leases() {
            self.boot_guard_until_us = Some(now_us + self.config.sync_limit_us());
        }
        self.boot_guard_until_us.is_some()
    }

    /// The tick of a guarded server: start electing once the guard has passed.
    pub(super) fn boot_guard_tick(&mut self, out: &mut Out<Self>) -> bool {
        let Some(until) = self.boot_guard_until_us else { return false };
        if out.now() >= until {
            self.boot_guard_until_us = None;
            self.start_election(out);
        }
        true
    }
}
