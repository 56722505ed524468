//! SWIM configuration (Das, Gupta, Motivala, DSN 2002): the protocol period and ping
//! timeout (§3.1), the number of indirect probes k (§3.1), the suspicion timeout (§4.2),
//! the piggyback retransmission multiplier λ (§4.1), and the planted teaching bugs.

use crate::sim::ProtocolConfig;
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["no_refutation", "accept_stale_incarnation", "alive_overrides_confirm"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SwimConfig {
    /// T′, the protocol period (§3.1): one probe per member per period.
    pub protocol_period_us: u64,
    /// How long to wait for a direct Ack before asking k members to probe (§3.1).
    pub ping_timeout_us: u64,
    /// k, the number of members asked with PingReq (§3.1).
    pub indirect_probes: u32,
    /// How long a member stays Suspect before it is confirmed dead (§4.2).
    pub suspicion_timeout_us: u64,
    /// λ: each membership update is piggybacked λ·⌈log2(n+1)⌉ times (§4.1).
    pub retransmit_mult: u32,
    /// Most updates piggybacked on one message.
    pub max_piggyback: u32,
    /// Period of a probe to one member confirmed dead, so that members re-merge after a
    /// partition heals (not in the paper; as Serf's reconnect). 0 is off.
    pub reconnect_interval_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for SwimConfig {
    fn default() -> Self {
        SwimConfig {
            protocol_period_us: 200_000,
            ping_timeout_us: 50_000,
            indirect_probes: 3,
            suspicion_timeout_us: 1_000_000,
            retransmit_mult: 3,
            max_piggyback: 8,
            reconnect_interval_us: 1_000_000,
            bug: None,
        }
    }
}

impl ProtocolConfig for SwimConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, _nodes: u32) -> Result<(), String> {
        SwimConfig::validate(self)
    }
}

impl SwimConfig {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    pub fn validate(&self) -> Result<(), String> {
        if self.protocol_period_us == 0 {
            return Err("protocol_period_us must be positive".into());
        }
        if self.ping_timeout_us == 0 || self.ping_timeout_us >= self.protocol_period_us {
            return Err("ping_timeout_us must be positive and shorter than protocol_period_us".into());
        }
        if self.max_piggyback == 0 || self.retransmit_mult == 0 {
            return Err("max_piggyback and retransmit_mult must be positive".into());
        }
        Ok(())
    }
    /// λ·⌈log2(n+1)⌉ transmissions per update (§4.1).
    pub fn retransmit_limit(&self, n: u32) -> u32 {
        self.retransmit_mult * (32 - n.leading_zeros()).max(1)
    }
}

crate::json_struct!(SwimConfig, "the SWIM configuration" { protocol_period_us, ping_timeout_us, indirect_probes, suspicion_timeout_us, retransmit_mult, max_piggyback, reconnect_interval_us, bug });
