//! Flood configuration: the anti-entropy period and the planted teaching bug (Flood follows
//! no paper; its anti-entropy is Demers et al.'s (PODC 1987), in round-robin order).

use crate::sim::ProtocolConfig;
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["forget_on_restart"];

/// Read by hand ([`crate::json_struct`]): every field optional, unknown ones refused.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FloodConfig {
    pub sync_interval_us: u64,
    /// Planted bug `forget_on_restart`: known values are never written to disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl ProtocolConfig for FloodConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
}

crate::json_struct!(FloodConfig, "a Flood configuration" { sync_interval_us, bug });
