//! The lock client's session and lease: KeepAlives, the client's lease as a conservative
//! approximation of the master's (Burrows, "The Chubby lock service", OSDI 2006, §2.8),
//! jeopardy and the grace period (§2.8), and why the servers' leader lease (Ongaro's
//! thesis §6.4.1) and fail-over grace (Chubby §2.8-2.9) make the client's lease sound.
//!
//! # The argument (version 3)
//!
//! Clocks: every clock runs at a rate within [1 − ρ, 1 + ρ] of real time (ρ is
//! [`DRIFT_BOUND_PPM`](super::config::DRIFT_BOUND_PPM), 10%; drift beyond it is labelled
//! "assumption exceeded"). T is the session timeout.
//!
//! 1. The master's lease. A leader handles a KeepAlive that the client sent at real time
//!    `s` (its own clock then reading `c`) at real time `r ≥ s`, and sets the session's
//!    deadline to its own reading then plus T. Its clock gains at most (1 + ρ)·x in x
//!    real seconds, so the deadline passes no earlier than real time r + T/(1 + ρ) ≥
//!    s + T/(1 + ρ). Until then the session cannot expire, nor its lock node go.
//! 2. The client's lease. The client counts from the send (so the time its KeepAlive and
//!    the answer spent in flight is on its side, as Chubby's client does) and trusts its
//!    lease until its own clock reads c + L. Its clock gains at least (1 − ρ)·x in x real
//!    seconds, so it reads c + L by real time s + L/(1 − ρ) at the latest. Safe when
//!    s + L/(1 − ρ) ≤ s + T/(1 + ρ), that is
//!
//!    ```text
//!    L ≤ T · (1 − ρ) / (1 + ρ)        (ρ = 10%: L ≤ 0.818 T; 1 s gives 818 ms)
//!    ```
//!
//!    computed in integer µs and rounded down ([`client_lease_us`]). Chubby §2.8 states
//!    the requirement ("the client must make conservative assumptions both of the time
//!    its KeepAlive reply spent in flight, and the rate at which the master's clock is
//!    advancing"); this is the bound those assumptions give. The planted bug
//!    `no_drift_margin` trusts L = T.
//! 3. One leader answers at a time. A leader answers KeepAlives only while it holds a
//!    leader lease (thesis §6.4.1): from a heartbeat round it began at its reading `h`
//!    (real time τ) and a majority acknowledged, until its reading h + E·(1 − ρ)/(1 + ρ),
//!    E the minimum election timeout. Each of that majority heard it at real time ≥ τ and
//!    grants no vote until its own clock has run E since, real time ≥ τ + E/(1 + ρ); the
//!    leader's reading passes h + E·(1 − ρ)/(1 + ρ) by real time τ + E/(1 + ρ) at the
//!    latest. So no successor exists while a leader answers, and a deposed leader that
//!    wakes from a pause to a queue of KeepAlives answers none of them (the planted bug
//!    `no_leader_lease` answers them).
//! 4. Fail-over. A new leader does not know its predecessor's deadlines. The moment it
//!    can answer (its no-op committed) it gives every session a deadline of its reading
//!    plus T plus a grace period, and a KeepAlive never moves a deadline earlier (Chubby
//!    §2.8: the new master extends leases conservatively). Every KeepAlive a predecessor
//!    answered was handled (step 3) before this leader was elected, so by step 1 every
//!    lease it granted runs out before this leader's deadlines pass. (Its no-op also
//!    settles any expiry a predecessor proposed: committed with it, or never.)
//! 5. Jeopardy (Chubby §2.8). When its lease runs out the client is no longer sure of its
//!    session: it stops acting on the lock (no write leaves) and the session is in
//!    jeopardy for `grace_period_us`, while KeepAlives go on. One answered "alive" gives
//!    a new lease from its send (step 2): a leader with a lease found the session open,
//!    so its lock node is still there and the client goes on holding. Otherwise, at the
//!    end of the grace period, the client takes the session as expired.
//!
//! Together: whenever a client holds the lock by its lease (it acquired it, has not let
//! it go, and its lease ends later than its own clock reads), its session is open at
//! every leader, so no other client holds the lock — the property "Mutual Exclusion by
//! Lease" checks, with or without fencing. The lease says nothing about a write already
//! on its way when it ends (a pause between the check and the write): that is what
//! fencing tokens are for (Kleppmann 2016).
//!
//! Versions 1 and 2 are frozen: the lease is the whole timeout, a client whose lease runs
//! out drops its session at once, and servers answer without a leader lease.

use super::client::Phase;
use super::msg::{KeepAliveStatus, LockMsg};
use super::tree::SessionId;
use super::{LockClient, LockLog, LockNode, LockTimer};
use crate::sim::{NodeId, Out};

/// Pause after losing a lease before opening a new session (the role stays visible).
const LOST_BACKOFF_US: (u64, u64) = (50_000, 100_000);

/// The client's lease from a KeepAlive's send: T · (1 − ρ) / (1 + ρ), rounded down.
pub fn client_lease_us(session_timeout_us: u64, drift_bound_ppm: u64) -> u64 {
    crate::sim::lease::drift_safe_us(session_timeout_us, drift_bound_ppm)
}

impl LockClient {
    /// A lease until `until_us` on its own clock (never shortened). Version 3: a client in
    /// jeopardy whose new lease still runs leaves jeopardy.
    pub(super) fn set_lease<R: LockLog>(&mut self, until_us: u64, out: &mut Out<LockNode<R>>) {
        self.lease_until_us = self.lease_until_us.max(until_us);
        let left = self.lease_until_us.saturating_sub(out.now());
        if self.jeopardy_until_us.is_some() {
            if left > 0 {
                self.leave_jeopardy(out);
            }
            return;
        }
        out.set_timer(LockTimer::Lease, left, left);
    }

    pub(super) fn on_lease_timer<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        if self.session.is_none() || self.t.ignores_lease {
            return;
        }
        let now = out.now();
        if let Some(end) = self.jeopardy_until_us {
            return if now >= end { self.lease_lost(out) } else { out.set_timer(LockTimer::Lease, end - now, end - now) };
        }
        if now < self.lease_until_us {
            if self.t.v3 {
                let left = self.lease_until_us - now;
                out.set_timer(LockTimer::Lease, left, left);
            }
            return;
        }
        if self.t.v3 {
            self.enter_jeopardy(out);
        } else {
            self.lease_lost(out);
        }
    }

    /// Version 3: the lease ran out. Stop acting on the lock and wait out the grace period
    /// (counted from the lease's end) for a KeepAlive to be answered.
    pub(super) fn enter_jeopardy<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        if self.jeopardy_until_us.is_some() {
            return;
        }
        let end = self.lease_until_us + self.t.grace_period_us;
        let now = out.now();
        if now >= end {
            return self.lease_lost(out);
        }
        out.note("own lease ran out: the session is in jeopardy");
        out.cancel_timer(LockTimer::Write);
        out.cancel_timer(LockTimer::Work);
        self.jeopardy_until_us = Some(end);
        out.set_timer(LockTimer::Lease, end - now, end - now);
    }

    /// A KeepAlive answered in time: the session is safe; a holder goes on with the write
    /// it was at.
    fn leave_jeopardy<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        self.jeopardy_until_us = None;
        out.note("KeepAlive answered: out of jeopardy");
        let left = self.lease_until_us.saturating_sub(out.now());
        out.set_timer(LockTimer::Lease, left, left);
        if self.phase == Phase::Holding {
            self.check_lease_then_write(out);
        }
    }

    /// The lease ran out (version 3: and the grace period after it): the lock is lost;
    /// stop writing, later open a new session.
    pub(super) fn lease_lost<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        out.note("own lease ran out: the lock is lost");
        self.drop_session(out);
        self.phase = Phase::LeaseExpired;
        out.set_timer(LockTimer::Rest, LOST_BACKOFF_US.0, LOST_BACKOFF_US.1);
    }

    pub(super) fn session_gone<R: LockLog>(&mut self, why: &str, out: &mut Out<LockNode<R>>) {
        out.note(why.to_string());
        self.drop_session(out);
        self.open_session(out);
    }

    fn drop_session<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        for t in [LockTimer::Write, LockTimer::Work, LockTimer::Retry, LockTimer::Lease, LockTimer::Rest] {
            out.cancel_timer(t);
        }
        self.pending = None;
        self.session = None;
        self.my_node = None;
        self.lease_until_us = 0;
        self.jeopardy_until_us = None;
    }

    pub(super) fn on_keepalive_timer<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        out.set_timer(LockTimer::KeepAlive, self.t.keepalive_interval_us, self.t.keepalive_interval_us);
        let Some(session) = self.session else { return };
        if self.ka_unanswered {
            self.give_up_on(self.ka_sent_to);
        }
        self.send_keepalive(session, out);
    }

    fn send_keepalive<R: LockLog>(&mut self, session: SessionId, out: &mut Out<LockNode<R>>) {
        self.ka_unanswered = true;
        self.ka_sent_to = self.leader_guess;
        out.send(self.leader_guess, LockMsg::KeepAlive { session, sent_at_us: out.now() });
    }

    pub(super) fn on_keepalive_ack<R: LockLog>(&mut self, from: NodeId, session: SessionId, sent_at_us: u64, status: KeepAliveStatus, out: &mut Out<LockNode<R>>) {
        if Some(session) != self.session {
            return;
        }
        self.ka_unanswered = false;
        match status {
            KeepAliveStatus::Alive { watches } => {
                self.set_lease(sent_at_us + self.t.lease_us, out);
                let lost = matches!(&self.phase, Phase::Waiting { pred } if !watches.contains(pred));
                if lost && self.pending.is_none() {
                    out.note("watch no longer set: re-checking");
                    self.check(out);
                }
            }
            KeepAliveStatus::Expired => self.session_gone("keep-alive: the session expired", out),
            // Ask the server named at once: a lease is at stake.
            KeepAliveStatus::NotLeader { hint } => {
                self.follow_hint(hint);
                if self.leader_guess != from {
                    self.send_keepalive(session, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::client_lease_us;

    #[test]
    fn the_margin_is_t_times_1_minus_rho_over_1_plus_rho() {
        assert_eq!(client_lease_us(1_000_000, 100_000), 818_181);
        assert_eq!(client_lease_us(1_000_000, 0), 1_000_000);
        assert_eq!(client_lease_us(12_000_000, 100_000), 9_818_181);
        // The worst case of the derivation: the client's clock slowest, the master's
        // fastest. The client's lease ends (real time) no later than the master's deadline.
        for (t, rho) in [(1_000_000u64, 100_000u64), (3_000_000, 50_000), (1_000, 99_999)] {
            let l = client_lease_us(t, rho) as u128;
            let (t, rho) = (u128::from(t), u128::from(rho));
            // real end of the client's lease ≤ real end of the master's, scaled by 10^6·(1−ρ)(1+ρ)
            assert!(l * (1_000_000 + rho) <= t * (1_000_000 - rho));
        }
    }
}
