//! Raft under chaos, driven straight through `Sim` (independent of the sweep harness):
//! crash/restart, partitions, loss, duplication, reordering, corruption drops, pauses and
//! clock drift for 10 s with a Put or Get every 150 ms to a random node (clients in sessions
//! that retry; their history checked for linearizability), then every fault healed
//! and the cluster run to 20 s; zero safety violations (Raft paper, Figure 3) and the
//! liveness condition must hold. Each teaching bug must be caught within 1,000 seeds.
//!
//! Longer runs: `RAFT_CHAOS_SEEDS=2000 cargo test --release --test raft_chaos -- --nocapture`.

use clusterlab::protocols::raft::{RaftConfig, RaftKv};
use clusterlab::sim::prng::Prng;
use clusterlab::sim::{ChaosConfig, ClientOp, Fault, NetConfig, Protocol, Sim, Violation};

const HEAL_US: u64 = 10_000_000;
const END_US: u64 = 20_000_000;

struct Outcome {
    violations: Vec<Violation>,
    liveness: Result<(), String>,
}

fn run(seed: u64, config: RaftConfig, chaos: ChaosConfig, nodes: u32) -> Outcome {
    let mut sim = Sim::<RaftKv>::new(nodes, seed, config, NetConfig::default(), chaos);
    sim.record = false;
    sim.check_linearizability(true);
    sim.schedule(0, Fault::SetChaos { on: true });
    let mut rng = Prng::new(seed ^ 0xc1_1e47);
    let mut t = 150_000;
    let mut i = 0;
    while t < HEAL_US {
        let node = rng.below(nodes as u64) as u32;
        let key = format!("k{}", i % 4);
        let op = if rng.below(3) == 0 { ClientOp::Get { key } } else { ClientOp::Put { key, value: format!("v{i}") } };
        sim.schedule(t, Fault::Request { node, op });
        t += 150_000;
        i += 1;
    }
    sim.run_until(HEAL_US);
    if !sim.violations().is_empty() {
        return Outcome { violations: sim.violations().to_vec(), liveness: Ok(()) };
    }
    sim.heal_everything();
    sim.schedule(15_000_000, Fault::Request { node: 0, op: ClientOp::Put { key: "final".into(), value: "done".into() } });
    sim.run_until(END_US);
    Outcome { violations: sim.violations().to_vec(), liveness: RaftKv::check_liveness(sim.nodes()) }
}

fn seeds(default: u64) -> u64 {
    std::env::var("RAFT_CHAOS_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn config(json: serde_json::Value) -> RaftConfig {
    serde_json::from_value(json).unwrap()
}

fn assert_clean(config: RaftConfig, chaos: ChaosConfig, n: u64) {
    for seed in 0..n {
        let o = run(seed, config.clone(), chaos.clone(), 5);
        assert!(o.violations.is_empty(), "seed {seed} ({config:?}): {:?}", o.violations[0]);
        assert!(o.liveness.is_ok(), "seed {seed} ({config:?}): liveness: {}", o.liveness.unwrap_err());
    }
    println!("{config:?}: {n} seeds clean");
}

/// Crashes every few ticks, restarts within 6-60 ms: a restart inside one election.
fn fast_crashes() -> ChaosConfig {
    ChaosConfig { max_downtime_us: 60_000, tick_us: 20_000, crash_ppm: 150_000, ..Default::default() }
}

// Raft paper Figure 3 (all five properties) and §5-6; the sweep's liveness phase.
#[test]
fn chaos_then_heal_is_safe_and_live() {
    assert_clean(RaftConfig::default(), ChaosConfig::default(), seeds(150));
}

// Ongaro thesis §9.6: PreVote and CheckQuorum must not cost safety or liveness.
#[test]
fn chaos_with_pre_vote_and_check_quorum_is_safe_and_live() {
    assert_clean(config(serde_json::json!({"pre_vote": true, "check_quorum": true})), ChaosConfig::default(), seeds(100));
}

// One entry per AppendEntries and fast crash/restart cycles: the hardest mix for
// nextIndex back-off and for durable state.
#[test]
fn chaos_with_small_appends_and_fast_crashes_is_safe_and_live() {
    assert_clean(config(serde_json::json!({"max_entries_per_append": 1})), fast_crashes(), seeds(100));
}
