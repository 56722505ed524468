//! The scenario model: everything needed to replay a run exactly.

use crate::sim::{ChaosConfig, NetConfig, TimedFault, TimeUs};
use serde::{Deserialize, Serialize};

pub const MAX_NODES: u32 = 64;
pub const MAX_FAULTS: usize = 5_000;
/// A playhead past ten simulated minutes is refused (an absurd replay).
pub const MAX_PLAYHEAD_US: TimeUs = 600_000_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The semantics this scenario replays under: its link version ("Links live forever" in
    /// DESIGN.md). Absent in files and links made before version 2, which replay as 1.
    #[serde(default = "version_1", skip_serializing_if = "is_version_1")]
    pub version: u32,
    pub protocol: String,
    pub nodes: u32,
    pub seed: u64,
    /// Protocol configuration (its own typed struct; unknown fields are refused).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub config: serde_json::Value,
    #[serde(default)]
    pub net: NetConfig,
    /// Chaos rates; chaos itself is switched by `chaos_on` and by faults.
    #[serde(default)]
    pub chaos: ChaosConfig,
    #[serde(default)]
    pub chaos_on: bool,
    #[serde(default)]
    pub faults: Vec<TimedFault>,
    /// Where the run stands: opening the scenario runs to here.
    #[serde(default)]
    pub playhead_us: TimeUs,
    /// The exact event the playhead stands after, when several events share its time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playhead_event: Option<u64>,
}

fn version_1() -> u32 {
    1
}
fn is_version_1(v: &u32) -> bool {
    *v == 1
}

impl Scenario {
    /// A scenario under version 1's frozen semantics (every preset made before version 2).
    pub fn new(protocol: &str, nodes: u32, seed: u64) -> Self {
        Scenario {
            version: 1,
            protocol: protocol.into(),
            nodes,
            seed,
            config: serde_json::Value::Null,
            net: NetConfig::default(),
            chaos: ChaosConfig::default(),
            chaos_on: false,
            faults: Vec::new(),
            playhead_us: 0,
            playhead_event: None,
        }
    }

    /// A scenario under the current semantics ([`super::link::LINK_VERSION`]).
    pub fn current(protocol: &str, nodes: u32, seed: u64) -> Self {
        Scenario { version: super::link::LINK_VERSION, ..Scenario::new(protocol, nodes, seed) }
    }

    /// Semantic checks; each failure is a message for a person.
    pub fn validate(&self) -> Result<(), String> {
        if self.version == 0 || self.version > super::link::LINK_VERSION {
            return Err(format!("version {} is not one this page knows (1 to {})", self.version, super::link::LINK_VERSION));
        }
        let range = super::registry::row_or_err(&self.protocol)?.nodes;
        if self.nodes < range.min || self.nodes > range.max {
            return Err(format!("a {} cluster needs {} to {} nodes (got {})", self.protocol, range.min, range.max, self.nodes));
        }
        if self.faults.len() > MAX_FAULTS {
            return Err(format!("too many faults ({}; at most {MAX_FAULTS})", self.faults.len()));
        }
        if self.playhead_us > MAX_PLAYHEAD_US {
            return Err("the playhead is more than 10 minutes of simulated time".into());
        }
        crate::sim::validate::validate_net(&self.net)?;
        crate::sim::validate::validate_chaos(&self.chaos)?;
        for (i, f) in self.faults.iter().enumerate() {
            if f.at_us > MAX_PLAYHEAD_US {
                return Err(format!("fault {} is scheduled more than 10 minutes in", i + 1));
            }
            crate::sim::any::validate_fault(&f.fault, self.nodes).map_err(|e| format!("fault {}: {e}", i + 1))?;
        }
        Ok(())
    }
}
