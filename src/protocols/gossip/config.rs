//! Gossip configuration: the rumor-mongering mode, fanout and loss of interest (Demers et
//! al., PODC 1987, §1.4), the anti-entropy period (§1.3), and the planted teaching bugs.

use crate::sim::ProtocolConfig;
use serde::Serialize;

/// Who carries a rumor in a gossip contact (Demers §1.3, §1.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The caller sends its hot rumors.
    Push,
    /// The caller asks for the callee's hot rumors.
    Pull,
    /// Both at once.
    #[default]
    PushPull,
}

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["anti_entropy_hot_only", "concat_on_conflict"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GossipConfig {
    pub mode: Mode,
    /// Partners contacted per gossip round.
    pub fanout: u32,
    pub gossip_interval_us: u64,
    /// Loss of interest, Demers' "feedback, counter" variant: a site stops spreading a
    /// rumor after `k` contacts whose partner already knew it. 0 never loses interest.
    pub k: u32,
    /// Period of anti-entropy (a full database exchange with one random site); 0 is off.
    pub anti_entropy_interval_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for GossipConfig {
    fn default() -> Self {
        GossipConfig {
            mode: Mode::PushPull,
            fanout: 1,
            gossip_interval_us: 100_000,
            k: 2,
            anti_entropy_interval_us: 1_000_000,
            bug: None,
        }
    }
}

impl ProtocolConfig for GossipConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, _nodes: u32) -> Result<(), String> {
        GossipConfig::validate(self)
    }
}

impl GossipConfig {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    pub fn validate(&self) -> Result<(), String> {
        if self.gossip_interval_us == 0 {
            return Err("gossip_interval_us must be positive".into());
        }
        if self.fanout == 0 || self.fanout > 64 {
            return Err(format!("fanout must be 1 to 64 (got {})", self.fanout));
        }
        Ok(())
    }
}

crate::json_unit_enum!(Mode { Push = "push", Pull = "pull", PushPull = "push_pull" });
crate::json_struct!(GossipConfig, "the Gossip configuration" { mode, fanout, gossip_interval_us, k, anti_entropy_interval_us, bug });
