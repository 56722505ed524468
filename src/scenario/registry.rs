//! The protocol registry: build a run of any protocol from a scenario.

use super::model::Scenario;
use crate::protocols::flood::Flood;
use crate::protocols::gossip::{Gossip, Swim};
use crate::protocols::lock::LockNode;
use crate::protocols::paxos::Paxos;
use crate::protocols::raft::RaftKv;
use crate::sim::{AnyRun, History, Protocol, ProtocolConfig, Sim, TimedFault};

/// Protocols a scenario may name.
pub const PROTOCOLS: &[&str] = &["raft", "paxos", "flood", "lock", "gossip", "swim"];

/// The most nodes a scenario of `protocol` may have: gossip and SWIM are built for
/// 1,000+ nodes, the others are drawn one by one.
pub fn max_nodes(protocol: &str) -> u32 {
    match protocol {
        "gossip" | "swim" => 2_000,
        _ => super::model::MAX_NODES,
    }
}

fn config_of<P: Protocol>(s: &Scenario) -> Result<P::Config, String> {
    if s.config.is_null() {
        return Ok(P::Config::default());
    }
    let config: P::Config =
        serde_json::from_value(s.config.clone()).map_err(|e| format!("{} configuration: {e}", P::NAME))?;
    if let Some(bug) = config.bug() {
        if !P::Config::BUGS.contains(&bug) {
            return Err(format!("{} has no teaching bug {bug:?} (known: {})", P::NAME, P::Config::BUGS.join(", ")));
        }
    }
    Ok(config)
}

/// Check that the scenario's configuration parses for its protocol.
pub fn check_config(s: &Scenario) -> Result<(), String> {
    match s.protocol.as_str() {
        "flood" => config_of::<Flood>(s).map(|_| ()),
        "paxos" => config_of::<Paxos>(s).map(|_| ()),
        "raft" => config_of::<RaftKv>(s).and_then(|c| c.validate(s.nodes)),
        "lock" => config_of::<LockNode>(s).and_then(|c| c.validate(s.nodes)),
        "gossip" => config_of::<Gossip>(s).and_then(|c| c.validate()),
        "swim" => config_of::<Swim>(s).and_then(|c| c.validate()),
        other => Err(format!("unknown protocol {other:?}")),
    }
}

/// Build a typed run of protocol `P` (tests use it to look inside the nodes).
pub fn build_typed<P: Protocol>(s: &Scenario, keep_trace: bool) -> Result<History<P>, String> {
    s.validate()?;
    let config = config_of::<P>(s)?;
    let mut sim = Sim::<P>::new(s.nodes, s.seed, config, s.net.clone(), s.chaos.clone());
    if s.chaos_on {
        sim.schedule(0, crate::sim::Fault::SetChaos { on: true });
    }
    let (timed, recorded): (Vec<TimedFault>, Vec<TimedFault>) =
        s.faults.iter().cloned().partition(|f| f.after_event.is_none());
    for f in timed {
        sim.schedule(f.at_us, f.fault);
    }
    let mut run = History::new(sim, recorded, keep_trace);
    match s.playhead_event {
        Some(k) => {
            while run.sim().event_count() < k && run.step() {}
            run.sim_mut().advance_to(s.playhead_us);
        }
        None => run.run_until(s.playhead_us),
    }
    Ok(run)
}

/// Build a run of the scenario's protocol, already run to its playhead.
pub fn build(s: &Scenario, keep_trace: bool) -> Result<Box<dyn AnyRun>, String> {
    s.validate()?;
    match s.protocol.as_str() {
        "flood" => Ok(Box::new(build_typed::<Flood>(s, keep_trace)?)),
        "paxos" => Ok(Box::new(build_typed::<Paxos>(s, keep_trace)?)),
        "raft" => {
            config_of::<RaftKv>(s)?.validate(s.nodes)?;
            Ok(Box::new(build_typed::<RaftKv>(s, keep_trace)?))
        }
        "lock" => {
            config_of::<LockNode>(s)?.validate(s.nodes)?;
            Ok(Box::new(build_typed::<LockNode>(s, keep_trace)?))
        }
        "gossip" => {
            config_of::<Gossip>(s)?.validate()?;
            Ok(Box::new(build_typed::<Gossip>(s, keep_trace)?))
        }
        "swim" => {
            config_of::<Swim>(s)?.validate()?;
            Ok(Box::new(build_typed::<Swim>(s, keep_trace)?))
        }
        other => Err(format!("unknown protocol {other:?}")),
    }
}

/// The teaching bugs a protocol offers.
pub fn bug_names(protocol: &str) -> &'static [&'static str] {
    match protocol {
        "flood" => <Flood as Protocol>::Config::BUGS,
        "paxos" => <Paxos as Protocol>::Config::BUGS,
        "raft" => <RaftKv as Protocol>::Config::BUGS,
        "lock" => <LockNode as Protocol>::Config::BUGS,
        "gossip" => <Gossip as Protocol>::Config::BUGS,
        "swim" => <Swim as Protocol>::Config::BUGS,
        _ => &[],
    }
}
