//! The DHT family's rows: Chord (Stoica et al., SIGCOMM 2001) with the ring maintenance
//! Zave proved correct (IEEE TSE 2017).

use super::*;
use crate::protocols::chord::Chord;
use crate::sim::assume::FaultClass;

/// Chord's correctness argument (Zave, IEEE TSE 2017, §V) assumes fail-stop members whose
/// failures are detected: a member that stops answering is dead. So members may crash (a
/// restarted node joins again), never more than r − 1 neighbours at once (r = 3 in the
/// sweeps), never leaving fewer than r + 1 members and (from version 6, read off the
/// lists themselves) never leaving a member with no live successor in its list; messages may be duplicated, delayed
/// and reordered, clocks drift, nodes slow down. Lost messages are outside it, and so are
/// partitions and pauses: a live successor that seems dead is dropped from the lists, and
/// enough such drops leave a ring that goes round the circle twice (Zave's "loopy"
/// state), which stabilize never repairs; nothing in Chord merges two rings either.
const CHORD_ASSUMES: Assumptions = Assumptions {
    faults: &[FaultClass::Crash, FaultClass::LoseUnsynced, FaultClass::Clock, FaultClass::Duplicate, FaultClass::Reorder, FaultClass::Slow],
    drift_bound_ppm: crate::sim::assume::ANY_DRIFT_PPM,
    max_adjacent_failures: Some(2),
    bounded_delay_us: None,
};

pub const CHORD: Row = Row {
    name: "chord",
    family: "dht",
    title: "Chord: a ring of identifiers that repairs itself, with Zave's correct ring maintenance (Stoica et al. 2001; Zave 2017)",
    nodes: NodeRange { min: 4, max: 2048, default: 8 },
    bugs: &[
        Bug { name: "original_maintenance", source: "Zave, Using lightweight modeling to understand Chord (SIGCOMM CCR 2012): the 2001 join with one successor, stabilize adopting a predecessor without asking it, and check_predecessor" },
        Bug { name: "no_key_handover", source: "Chord (SIGCOMM 2001) §4.4: when n joins, keys in its arc move to it from its successor" },
        Bug { name: "notify_unchecked", source: "Chord (SIGCOMM 2001) Figure 6: notify takes n' as predecessor only if n' ∈ (predecessor, n)" },
        Bug { name: "successor_list_not_refreshed", source: "Chord (SIGCOMM 2001) §5.2: a node copies its successor's list, drops the last entry and prepends the successor" },
    ],
    presets: crate::scenario::presets::chord::presets,
    lessons: &["chord-ring-repair"],
    consistency: ConsistencyModel {
        model: Consistency::Eventual,
        checker: "One ordered ring (Zave) and Keys at their successor, after faults stop; lookups during churn measured, not asserted",
    },
    assumptions: CHORD_ASSUMES,
    sweep: SweepDefaults {
        config: r#"{"m_bits":12,"keys":16,"stabilize_us":150000,"fix_fingers_us":100000,"check_predecessor_us":150000,"rpc_timeout_us":600000}"#,
        soak_seeds: 100_000,
        nodes: (5, 10),
        knobs: &[
            &["{}", r#"{"replicate":false}"#],
            &["{}", r#"{"successors":4}"#],
            &["{}", r#"{"start_members":5}"#],
            &["{}", r#"{"stabilize_us":400000}"#, r#"{"fix_fingers_us":400000}"#],
        ],
        leave_down: LeaveDown::Never,
        liveness_bound_us: 15_000_000,
    },
    layout: Layout::Circle,
    check: check::<Chord>,
    build: build_any::<Chord>,
};
