//! The scenario model: everything needed to replay a run exactly.

use crate::sim::fault_json::timed_fault_from_json;
use crate::sim::json_read::Fields;
use crate::sim::{ChaosConfig, NetConfig, TimedFault, TimeUs};
use serde::Serialize;

pub const MAX_NODES: u32 = 64;
pub const MAX_FAULTS: usize = 5_000;
/// A playhead past ten simulated minutes is refused (an absurd replay).
pub const MAX_PLAYHEAD_US: TimeUs = 600_000_000;

/// Written by serde's derive; read by hand ([`scenario_from_json`]), unknown fields refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// The semantics this scenario replays under: its link version ("Links live forever" in
    /// DESIGN.md). Absent in files and links made before version 2, which replay as 1.
    #[serde(skip_serializing_if = "is_version_1")]
    pub version: u32,
    pub protocol: String,
    pub nodes: u32,
    pub seed: u64,
    /// Protocol configuration (its own typed struct; unknown fields are refused).
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub config: serde_json::Value,
    pub net: NetConfig,
    /// Chaos rates; chaos itself is switched by `chaos_on` and by faults.
    pub chaos: ChaosConfig,
    pub chaos_on: bool,
    pub faults: Vec<TimedFault>,
    /// Where the run stands: opening the scenario runs to here.
    pub playhead_us: TimeUs,
    /// The exact event the playhead stands after, when several events share its time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub playhead_event: Option<u64>,
}

crate::deserialize_via!(Scenario, scenario_from_json);

/// A scenario from its JSON: `protocol`, `nodes` and `seed` required, the rest optional
/// (as [`Scenario::new`] leaves them; `version` 1 when absent, as links made before version
/// 2 have none).
pub fn scenario_from_json(v: serde_json::Value) -> Result<Scenario, String> {
    let mut f = Fields::of(v, "a scenario (an object)")?;
    let s = Scenario {
        version: f.u32_or("version", 1)?,
        protocol: f.string("protocol")?,
        nodes: f.u32("nodes")?,
        seed: f.u64("seed")?,
        config: f.take("config").unwrap_or(serde_json::Value::Null),
        net: f.field_or("net", NetConfig::default())?,
        chaos: f.field_or("chaos", ChaosConfig::default())?,
        chaos_on: f.bool_or("chaos_on", false)?,
        faults: f.list_or_empty("faults", timed_fault_from_json)?,
        playhead_us: f.u64_or("playhead_us", 0)?,
        playhead_event: f.opt_u64("playhead_event")?,
    };
    f.finish("a scenario")?;
    Ok(s)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_reads_back_what_it_wrote_and_defaults_what_it_leaves_out() {
        let mut s = Scenario::current("raft", 5, 9);
        s.config = serde_json::json!({"pre_vote": true});
        s.chaos_on = true;
        s.faults = vec![TimedFault { at_us: 10, after_event: Some(3), fault: crate::sim::Fault::Crash { node: 1 } }];
        s.playhead_us = 500;
        s.playhead_event = Some(4);
        assert_eq!(serde_json::from_str::<Scenario>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
        let least: Scenario = serde_json::from_str(r#"{"protocol": "raft", "nodes": 5, "seed": 9}"#).unwrap();
        assert_eq!(least, Scenario::new("raft", 5, 9), "version 1, no config, default network and chaos, no faults");
        let err = |t: &str| serde_json::from_str::<Scenario>(t).expect_err(t).to_string();
        assert!(err(r#"{"protocol": "raft", "nodes": 5}"#).contains("missing field `seed`"));
        assert!(err(r#"{"protocol": "raft", "nodes": 5, "seed": 9, "evil": 1}"#).contains("unknown field `evil`"));
        assert!(err(r#"{"protocol": "raft", "nodes": 5, "seed": 9, "faults": [{"at_us": 1}]}"#).contains("`faults` 1: missing field `fault`"));
        assert!(err(r#"{"protocol": 5, "nodes": 5, "seed": 9}"#).contains("expected a string"));
    }
}
