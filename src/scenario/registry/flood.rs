//! Flood's row: a small protocol for exercising the simulator.

use super::*;
use crate::protocols::flood::Flood;

pub const ROW: Row = Row {
    name: "flood",
    family: "flood",
    title: "Flooding with anti-entropy (a small protocol that exercises the simulator)",
    nodes: NodeRange { min: 1, max: 64, default: 5 },
    bugs: &[Bug { name: "forget_on_restart", source: "simulator contract: what a node knows must be durable to survive a crash" }],
    presets: crate::scenario::presets::flood_presets,
    lessons: &[],
    consistency: ConsistencyModel { model: Consistency::Eventual, checker: "Durable knowledge; every node knows every value after faults stop" },
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (2, 9),
        knobs: &[&["{}", r#"{"sync_interval_us":100000}"#, r#"{"sync_interval_us":1000000}"#]],
        leave_down: LeaveDown::Minority,
        // Convergence is probabilistic (each round picks its partner at random, some of
        // them down): the bound allows ten rounds at the slowest knob.
        liveness_bound_us: 10_000_000,
    },
    layout: Layout::Ring,
    check: check::<Flood>,
    build: build_any::<Flood>,
};
