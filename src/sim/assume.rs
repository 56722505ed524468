//! A protocol's declared fault assumptions (DESIGN.md, "The protocol platform"): which fault
//! kinds its safety argument covers, the clock drift bound ρ, the most adjacent failures and
//! a delay bound where the protocol needs one. The simulator checks every fault it applies
//! against them, so a run that goes beyond (from the panel, a file, a link) is labelled
//! "assumption exceeded" beside its violations instead of blaming the protocol.

use super::fault::{Fault, NetConfig};
use super::protocol::TimeUs;
use serde::Serialize;

/// The kinds of fault a protocol may declare it tolerates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultClass {
    /// Crash and restart from durable state (writes made before the crash kept).
    Crash,
    /// A crash that also loses writes made after the node's last sync.
    LoseUnsynced,
    /// A process pause (GC, VM migration): timers and messages wait.
    Pause,
    /// A clock rate error within the drift bound, and (for a protocol that assumes no
    /// bound) a clock offset; a clock that steps is beyond any bound.
    Clock,
    /// Links cut one way or both, partitions.
    Partition,
    /// Messages held on a link until released (unbounded delay).
    Hold,
    Loss,
    Duplicate,
    Reorder,
    /// Corrupted messages (caught by checksums and dropped).
    Corrupt,
    /// A slow node: its timers take several times as long (an overloaded machine). Not in
    /// [`ALL_FAULTS`], so the rows that existed before it draw exactly what they drew; a
    /// row that declares it gets slow nodes in its swarm sweeps. Whether a slowdown is
    /// within a row's assumptions is decided by its delay and drift bounds, not by this
    /// declaration (an asynchronous protocol tolerates any slowness).
    Slow,
    /// Disk corruption: bytes flipped in one durable record (caught by checksums stored with
    /// the data, where the protocol keeps them). Like [`FaultClass::Slow`], outside
    /// [`EVERY_FAULT`] (the list frozen with swarm version 3) and declared by naming it.
    DiskCorruption,
}

/// Every fault kind the simulator had when swarm version 3 was frozen (the default
/// assumptions, and what the registry's rows declare); [`FaultClass::Slow`] came later and
/// is declared by naming it.
pub const ALL_FAULTS: &[FaultClass] = EVERY_FAULT.split_at(EVERY_FAULT.len() - 1).0;

/// Every fault kind swarm version 3 knew, slow nodes (the last) included: what a row
/// declares when its protocol is safe under all of them (MapReduce). Disk corruption came
/// after and is declared by naming it (or [`EVERY_FAULT_KIND`]), so the rows that declare
/// this list draw as before.
pub const EVERY_FAULT: &[FaultClass] = EVERY_FAULT_KIND.split_at(EVERY_FAULT_KIND.len() - 1).0;

/// Every fault kind the simulator has, disk corruption (the newest) included: what a row
/// declares when its protocol keeps its data through all of them (the block store).
pub const EVERY_FAULT_KIND: &[FaultClass] = &[
    FaultClass::Crash,
    FaultClass::LoseUnsynced,
    FaultClass::Pause,
    FaultClass::Clock,
    FaultClass::Partition,
    FaultClass::Hold,
    FaultClass::Loss,
    FaultClass::Duplicate,
    FaultClass::Reorder,
    FaultClass::Corrupt,
    FaultClass::Slow,
    FaultClass::DiskCorruption,
];

/// What a protocol's correctness argument assumes about the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assumptions {
    pub faults: &'static [FaultClass],
    /// The largest clock rate error |ρ| the protocol stays safe under, in ppm.
    pub drift_bound_ppm: u32,
    /// The most adjacent members that may fail at once (Chord's successor lists); `None`
    /// when the protocol does not depend on adjacency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_adjacent_failures: Option<u32>,
    /// The longest a message may take when the protocol assumes bounded delay (3PC,
    /// timeouts that decide safety); `None` for asynchronous protocols.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounded_delay_us: Option<TimeUs>,
}

/// Parts per million as a percentage with the decimals it needs (`10`, `2.5`), by integer
/// arithmetic (float formatting weighs on the page's download).
fn percent(ppm: u32) -> String {
    let (whole, rest) = (ppm / 10_000, ppm % 10_000);
    if rest == 0 {
        return whole.to_string();
    }
    let digits = format!("{rest:04}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// The drift chaos draws from today (±10%), the default bound ρ.
pub const CHAOS_DRIFT_PPM: u32 = 100_000;
/// The largest drift the simulator accepts: a protocol whose safety does not depend on
/// clock rates declares this.
pub const ANY_DRIFT_PPM: u32 = 500_000;

impl Default for Assumptions {
    /// An asynchronous protocol that tolerates every fault kind and any clock.
    fn default() -> Self {
        Assumptions { faults: ALL_FAULTS, drift_bound_ppm: ANY_DRIFT_PPM, max_adjacent_failures: None, bounded_delay_us: None }
    }
}

impl Assumptions {
    fn allows(&self, class: FaultClass) -> bool {
        self.faults.contains(&class)
    }

    fn outside(&self, class: FaultClass, what: &str) -> Option<String> {
        (!self.allows(class)).then(|| format!("{what}: the protocol does not assume {}", class_name(class)))
    }

    /// Why applying `fault` goes beyond these assumptions, if it does.
    pub fn check_fault(&self, fault: &Fault) -> Option<String> {
        use Fault::*;
        let label = match fault {
            SetNetwork { net } => return self.check_net(net),
            Crash { .. } | CrashLoseUnsynced { .. } | Pause { .. } | ClockSkew { .. } | ClockDrift { .. } | Cut { .. } | CutOneWay { .. } | Partition { .. } | Hold { .. } | Slow { .. } | CorruptDisk { .. } => fault.label(),
            _ => return None,
        };
        match fault {
            Crash { .. } => self.outside(FaultClass::Crash, &label),
            CrashLoseUnsynced { .. } => self.outside(FaultClass::LoseUnsynced, &label),
            Pause { .. } => self.outside(FaultClass::Pause, &label),
            ClockSkew { skew_us, .. } if *skew_us != 0 => self.outside(FaultClass::Clock, &label).or_else(|| self.check_step(&label)),
            ClockDrift { drift_ppm, .. } => self.check_drift(*drift_ppm, &label),
            Cut { .. } | CutOneWay { .. } | Partition { .. } => self.outside(FaultClass::Partition, &label),
            Hold { .. } => self.outside(FaultClass::Hold, &label),
            Slow { factor, .. } => self.check_slow(*factor, &label),
            CorruptDisk { .. } => self.outside(FaultClass::DiskCorruption, &label),
            _ => None,
        }
    }

    /// A slow node's timers are a clock that runs slow: factor f is a rate error of
    /// 1 − 1/f (in ppm, 1,000,000 − 1,000,000 / f). Beyond a protocol that assumes bounded
    /// delay (its timeouts decide safety) and beyond a drift bound ρ it declares (a lease
    /// cannot tolerate a timer that runs slower than its bound); within for a protocol
    /// that assumes any clock (an asynchronous protocol tolerates any slowness).
    fn check_slow(&self, factor: u32, label: &str) -> Option<String> {
        if factor <= 1 {
            return None;
        }
        if let Some(bound) = self.bounded_delay_us {
            return Some(format!("{label}: a slow node's timeouts break the assumed delay bound of {bound} µs"));
        }
        let rate_error_ppm = 1_000_000 - 1_000_000 / factor;
        (self.drift_bound_ppm < ANY_DRIFT_PPM && rate_error_ppm > self.drift_bound_ppm).then(|| {
            format!(
                "{label}: its timers run {}% slow, beyond the drift bound ρ = {}%",
                percent(rate_error_ppm),
                percent(self.drift_bound_ppm)
            )
        })
    }

    fn check_drift(&self, drift_ppm: i64, label: &str) -> Option<String> {
        if drift_ppm == 0 {
            return None;
        }
        if let Some(e) = self.outside(FaultClass::Clock, label) {
            return Some(e);
        }
        (drift_ppm.unsigned_abs() > u64::from(self.drift_bound_ppm)).then(|| {
            format!("{label}: drift beyond the bound ρ = {}%", percent(self.drift_bound_ppm))
        })
    }

    /// A clock step (skew set) is a rate error without bound for an instant: beyond any
    /// drift bound a protocol declares (one that assumes any clock is not affected).
    fn check_step(&self, label: &str) -> Option<String> {
        (self.drift_bound_ppm < ANY_DRIFT_PPM).then(|| {
            format!("{label}: a clock that steps is beyond the drift bound ρ = {}%", percent(self.drift_bound_ppm))
        })
    }

    /// Why a network setting goes beyond these assumptions, if it does.
    pub fn check_net(&self, net: &NetConfig) -> Option<String> {
        let rates = [
            (net.loss_ppm, FaultClass::Loss),
            (net.duplicate_ppm, FaultClass::Duplicate),
            (net.reorder_ppm, FaultClass::Reorder),
            (net.corrupt_ppm, FaultClass::Corrupt),
        ];
        if let Some((_, class)) = rates.iter().find(|(ppm, class)| *ppm > 0 && !self.allows(*class)) {
            return Some(format!("network: the protocol does not assume {}", class_name(*class)));
        }
        let slowest = net.latency_max_us + if net.reorder_ppm > 0 { net.reorder_extra_us } else { 0 };
        match self.bounded_delay_us {
            Some(bound) if slowest > bound => {
                Some(format!("network: delays up to {slowest} µs exceed the assumed bound of {bound} µs"))
            }
            _ => None,
        }
    }
}

fn class_name(class: FaultClass) -> &'static str {
    match class {
        FaultClass::Crash => "crashes",
        FaultClass::LoseUnsynced => "crashes that lose unsynced writes",
        FaultClass::Pause => "process pauses",
        FaultClass::Clock => "clock faults",
        FaultClass::Partition => "partitions",
        FaultClass::Hold => "held messages (unbounded delay)",
        FaultClass::Loss => "message loss",
        FaultClass::Duplicate => "duplicated messages",
        FaultClass::Reorder => "reordered messages",
        FaultClass::Corrupt => "corrupted messages",
        FaultClass::Slow => "slow nodes",
        FaultClass::DiskCorruption => "disk corruption",
    }
}

/// One moment a run went beyond its protocol's assumptions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Exceeded {
    pub event_index: u64,
    pub time_us: TimeUs,
    pub what: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASES: Assumptions = Assumptions {
        faults: &[FaultClass::Crash, FaultClass::Clock, FaultClass::Loss],
        drift_bound_ppm: CHAOS_DRIFT_PPM,
        max_adjacent_failures: None,
        bounded_delay_us: Some(100_000),
    };

    #[test]
    fn drift_beyond_the_bound_is_flagged_and_within_is_not() {
        assert_eq!(LEASES.check_fault(&Fault::ClockDrift { node: 1, drift_ppm: 100_000 }), None);
        assert_eq!(LEASES.check_fault(&Fault::ClockDrift { node: 1, drift_ppm: -90_000 }), None);
        let e = LEASES.check_fault(&Fault::ClockDrift { node: 1, drift_ppm: 500_000 }).unwrap();
        assert!(e.contains("ρ = 10%"), "{e}");
        assert!(LEASES.check_fault(&Fault::ClockDrift { node: 1, drift_ppm: -100_001 }).is_some());
        let step = LEASES.check_fault(&Fault::ClockSkew { node: 1, skew_us: 300_000 }).unwrap();
        assert!(step.contains("steps"), "{step}");
        assert_eq!(LEASES.check_fault(&Fault::ClockSkew { node: 1, skew_us: 0 }), None);
        assert_eq!(Assumptions::default().check_fault(&Fault::ClockSkew { node: 1, skew_us: 300_000 }), None);
    }

    #[test]
    fn undeclared_kinds_and_slow_networks_are_flagged() {
        assert!(LEASES.check_fault(&Fault::Partition { groups: vec![vec![0]] }).is_some());
        assert!(LEASES.check_fault(&Fault::Pause { node: 0 }).is_some());
        assert_eq!(LEASES.check_fault(&Fault::Crash { node: 0 }), None);
        let slow = NetConfig { latency_max_us: 200_000, ..NetConfig::default() };
        assert!(LEASES.check_net(&slow).unwrap().contains("exceed"));
        let dup = NetConfig { duplicate_ppm: 1, ..NetConfig::default() };
        assert!(LEASES.check_net(&dup).unwrap().contains("duplicated"));
        assert_eq!(LEASES.check_net(&NetConfig { loss_ppm: 10, ..NetConfig::default() }), None);
        assert_eq!(Assumptions::default().check_fault(&Fault::Hold { from: 0, to: 1 }), None);
    }
}
