//! The gossip family's rows: epidemic dissemination (Demers et al. 1987) and SWIM (Das et al. 2002).

use super::*;
use crate::protocols::gossip::Gossip;
use crate::protocols::swim::Swim;

pub const GOSSIP: Row = Row {
    name: "gossip",
    family: "gossip",
    title: "Epidemic dissemination: rumor mongering and anti-entropy (Demers et al. 1987)",
    nodes: NodeRange { min: 1, max: 2_000, default: 5 },
    bugs: &[
        Bug { name: "anti_entropy_hot_only", source: "Demers et al. 1987 §1.4: anti-entropy exchanges whole databases, the backup for rumors that die out" },
        Bug { name: "concat_on_conflict", source: "Demers et al. 1987 §1.1: the value with the newer timestamp wins" },
    ],
    presets: crate::scenario::presets::gossip::gossip_presets,
    lessons: &["gossip-spread"],
    consistency: ConsistencyModel { model: Consistency::Eventual, checker: "Validity, Timestamps never decrease; convergence after faults stop (liveness)" },
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (2, 12),
        knobs: &[
            &["{}", r#"{"mode":"push"}"#, r#"{"mode":"pull"}"#],
            &["{}", r#"{"fanout":2}"#, r#"{"fanout":3}"#],
            &["{}", r#"{"k":1}"#, r#"{"k":4}"#],
            &["{}", r#"{"anti_entropy_interval_us":300000}"#, r#"{"gossip_interval_us":50000}"#],
        ],
        leave_down: LeaveDown::Minority,
        // Convergence is probabilistic (each round picks its partner at random, some of
        // them down): the bound allows ten rounds at the slowest knob.
        liveness_bound_us: 10_000_000,
    },
    layout: Layout::Ring,
    check: check::<Gossip>,
    build: build_any::<Gossip>,
};

pub const SWIM: Row = Row {
    name: "swim",
    family: "gossip",
    title: "SWIM membership and failure detection (Das, Gupta, Motivala 2002)",
    nodes: NodeRange { min: 1, max: 2_000, default: 5 },
    bugs: &[
        Bug { name: "no_refutation", source: "SWIM §4.2: a suspected member refutes by raising its incarnation" },
        Bug { name: "accept_stale_incarnation", source: "SWIM §4.2: updates with a lower incarnation are ignored" },
        Bug { name: "alive_overrides_confirm", source: "SWIM §4.2: Confirm overrides every Alive and Suspect" },
    ],
    presets: crate::scenario::presets::gossip::swim_presets,
    lessons: &["swim-suspicion"],
    consistency: ConsistencyModel { model: Consistency::Eventual, checker: "Incarnation monotonic, Confirm final, Confirm only after the suspicion timeout; after faults stop every live member seen alive and every crashed one dead" },
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (3, 12),
        knobs: &[
            &["{}", r#"{"protocol_period_us":100000,"ping_timeout_us":30000}"#, r#"{"protocol_period_us":400000,"ping_timeout_us":100000}"#],
            &["{}", r#"{"suspicion_timeout_us":500000}"#, r#"{"suspicion_timeout_us":2000000}"#],
            &["{}", r#"{"indirect_probes":1}"#],
        ],
        leave_down: LeaveDown::Minority,
        // Strong completeness (§2): each crashed member is probed within a round-robin
        // pass of up to 12 members, then suspected for up to 2 s, then confirmed.
        liveness_bound_us: 12_000_000,
    },
    layout: Layout::Ring,
    check: check::<Swim>,
    build: build_any::<Swim>,
};
