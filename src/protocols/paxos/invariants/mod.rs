//! Paxos safety checkers, one file per property, run after every event, and the liveness
//! condition the sweeps check after faults heal.

pub mod agreement;
pub mod learned_chosen;
pub mod one_value_per_ballot;
pub mod promise_monotonic;
pub mod validity;

use super::msg::{client_command, Ballot, PaxosMsg, Value};
use super::{Mode, Paxos, PaxosConfig, Phase};
use crate::sim::{CheckCtx, Checker, NodeId, Violation};
use crate::sim::sorted::{SortedMap, SortedSet};

/// Everything the checkers remember about the whole history (cloned at checkpoints).
#[derive(Clone, Debug, Default)]
pub struct PaxosChecker {
    /// A real majority, whatever quorum a planted bug makes the nodes use.
    majority: u32,
    /// (slot, ballot) → (value, acceptors that sent Accepted for it).
    accepted: SortedMap<(u64, Ballot), (Value, u64)>,
    /// Slot → the value chosen there (a majority accepted it in one ballot).
    chosen: SortedMap<u64, Value>,
    /// Values clients proposed.
    proposed: SortedSet<Value>,
    /// (ballot, slot) → the value carried by Accept messages of that ballot.
    accept_values: SortedMap<(Ballot, u64), Value>,
    max_promised: Vec<Ballot>,
    learned_seen: Vec<usize>,
    /// May a no-op be chosen without a client proposing it? In Multi-Paxos a new leader
    /// fills gaps with no-ops (Paxos Made Simple §3); single-decree Paxos has no gaps, and
    /// from version 2 on a no-op chosen there breaks Validity (version 1 exempted it).
    noop_allowed: bool,
    /// Version 2 (a client request becomes a command naming it) and the mode, to know the
    /// command each request proposes.
    commands: Option<bool>,
}

pub(crate) fn violation(ctx: &CheckCtx<Paxos>, property: &str, source: &str, explanation: String) -> Violation {
    Violation {
        property: property.into(),
        source: source.into(),
        event_index: ctx.event_index,
        time_us: ctx.now_us,
        explanation,
    }
}

impl Checker<Paxos> for PaxosChecker {
    const OBSERVES_MESSAGES: bool = true;

    fn new(config: &PaxosConfig, n: u32) -> Self {
        PaxosChecker {
            majority: n / 2 + 1,
            max_promised: vec![Ballot::ZERO; n as usize],
            learned_seen: vec![0; n as usize],
            noop_allowed: config.mode == Mode::Multi || !config.v2(),
            commands: config.v2().then_some(config.mode == Mode::Multi),
            ..Default::default()
        }
    }

    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (agreement::NAME, agreement::SOURCE),
            (validity::NAME, validity::SOURCE),
            (learned_chosen::NAME, learned_chosen::SOURCE),
            (promise_monotonic::NAME, promise_monotonic::SOURCE),
            (one_value_per_ballot::NAME, one_value_per_ballot::SOURCE),
        ]
    }

    fn check(&mut self, ctx: &CheckCtx<Paxos>, out: &mut Vec<Violation>) {
        for (node, request_id, value) in ctx.requests {
            if let Some(cmd) = self.commands.and_then(|multi| client_command(multi, *node, *request_id, value)) {
                self.proposed.insert(Value::Op(cmd));
            }
            self.proposed.insert(value.clone());
        }
        for (from, _, msg) in ctx.sent {
            match msg {
                PaxosMsg::Accept { ballot, slot, value } => one_value_per_ballot::check(self, ctx, *ballot, *slot, value, out),
                PaxosMsg::Accepted { ballot, slot, value } => self.tally(ctx, *from, *ballot, *slot, value, out),
                _ => {}
            }
        }
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes[id as usize].as_ref() else { return };
        promise_monotonic::check(self, ctx, id, node, out);
        learned_chosen::check(self, ctx, id, node, out);
    }
}

impl PaxosChecker {
    fn tally(&mut self, ctx: &CheckCtx<Paxos>, acceptor: NodeId, ballot: Ballot, slot: u64, value: &Value, out: &mut Vec<Violation>) {
        let entry = self.accepted.entry((slot, ballot)).or_insert((value.clone(), 0));
        let before = entry.1.count_ones();
        entry.1 |= 1 << acceptor;
        if before < self.majority && entry.1.count_ones() >= self.majority {
            let value = entry.0.clone();
            agreement::check(self, ctx, slot, ballot, &value, out);
            validity::check(self, ctx, slot, &value, out);
        }
    }
}

/// After faults heal: Multi-Paxos has one leader and every live node has learned and
/// applied the same prefix; single-decree has every live node learned the same value.
pub fn liveness(nodes: &[Option<Paxos>]) -> Result<(), String> {
    let live: Vec<&Paxos> = nodes.iter().flatten().collect();
    let Some(first) = live.first() else { return Err("no node is up".into()) };
    if first.config.mode == Mode::Single {
        let values: SortedSet<Option<&Value>> = live.iter().map(|p| p.learned.get(&0)).collect();
        return match values.iter().next() {
            Some(Some(_)) if values.len() == 1 => Ok(()),
            _ => Err(format!("live nodes learned {values:?}, not one value")),
        };
    }
    let leaders: Vec<&&Paxos> = live.iter().filter(|p| p.phase == Phase::Leading).collect();
    let [leader] = leaders.as_slice() else {
        return Err(format!("{} live nodes think they lead", leaders.len()));
    };
    if leader.next_slot > leader.learned_upto {
        return Err(format!("leader n{} has slots {}..{} still open", leader.id(), leader.learned_upto, leader.next_slot));
    }
    for p in &live {
        if p.learned_upto != leader.learned_upto || p.applied_upto != p.learned_upto {
            return Err(format!(
                "n{} learned {} and applied {} slots; leader n{} learned {}",
                p.id(),
                p.learned_upto,
                p.applied_upto,
                leader.id(),
                leader.learned_upto
            ));
        }
    }
    Ok(())
}
