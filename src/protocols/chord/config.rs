//! Chord's configuration: the identifier space (m bits), the successor list's length r, the
//! maintenance periods (Stoica et al., SIGCOMM 2001, §4.3 and §5: stabilize, fix_fingers,
//! check_predecessor), the keys stored and whether each is replicated on the successors
//! (§5.2), who is a member from the start (Zave's initialization: a valid ring of at least
//! r + 1 members), and the planted teaching bugs.

use crate::sim::{ProtocolConfig, TimeUs};
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["original_maintenance", "no_key_handover", "notify_unchecked", "successor_list_not_refreshed"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChordConfig {
    /// Identifiers have this many bits (the circle has 2^m points; at most 32).
    pub m_bits: u32,
    /// Seed of the node identifiers.
    pub id_seed: u64,
    /// The successor list's length r.
    pub successors: u32,
    /// How many nodes are members at time 0 (spread around the ring); the others join.
    /// Absent: every node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_members: Option<u32>,
    pub stabilize_us: TimeUs,
    pub fix_fingers_us: TimeUs,
    /// The original protocol's check_predecessor period (the corrected one checks the
    /// predecessor when notified instead).
    pub check_predecessor_us: TimeUs,
    /// How long a node waits for an answer before it takes the other node for dead.
    pub rpc_timeout_us: TimeUs,
    /// Keys `k0`, `k1`, ... stored from the start, each at its successor.
    pub keys: u32,
    /// Store each key on the r nodes after its successor too (§5.2), so that a failure
    /// does not lose it.
    pub replicate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for ChordConfig {
    fn default() -> Self {
        ChordConfig {
            m_bits: 16,
            id_seed: 1,
            successors: 3,
            start_members: None,
            stabilize_us: 200_000,
            fix_fingers_us: 100_000,
            check_predecessor_us: 200_000,
            rpc_timeout_us: 150_000,
            keys: 24,
            replicate: true,
            bug: None,
        }
    }
}

impl ChordConfig {
    pub fn has_bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// The original (uncorrected) ring maintenance of the 2001 paper.
    pub fn original(&self) -> bool {
        self.has_bug("original_maintenance")
    }
    pub fn r(&self) -> usize {
        self.successors as usize
    }
    /// The members at time 0: `start_members` of the n nodes, spread evenly.
    pub fn start_members_of(&self, n: u32) -> Vec<u32> {
        let s = self.start_members.unwrap_or(n).clamp(1, n.max(1));
        let mut v: Vec<u32> = (0..s).map(|k| (u64::from(k) * u64::from(n) / u64::from(s)) as u32).collect();
        v.dedup();
        v
    }
}

impl ProtocolConfig for ChordConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(4..=32).contains(&self.m_bits) {
            return Err(format!("chord: m_bits must be 4 to 32, not {}", self.m_bits));
        }
        if u64::from(nodes) * 2 > 1u64 << self.m_bits {
            return Err(format!("chord: {nodes} nodes need more than {} identifier bits (at most half the circle's points are nodes)", self.m_bits));
        }
        if !(1..=8).contains(&self.successors) {
            return Err(format!("chord: successors (r) must be 1 to 8, not {}", self.successors));
        }
        let members = self.start_members.unwrap_or(nodes);
        if members < self.successors + 1 || members > nodes {
            return Err(format!("chord: start_members must be at least r + 1 = {} (Zave's smallest correct ring) and at most {nodes}, not {members}", self.successors + 1));
        }
        for (name, v) in [("stabilize_us", self.stabilize_us), ("fix_fingers_us", self.fix_fingers_us), ("check_predecessor_us", self.check_predecessor_us), ("rpc_timeout_us", self.rpc_timeout_us)] {
            if !(1_000..=60_000_000).contains(&v) {
                return Err(format!("chord: {name} must be 1 ms to 60 s, not {v} µs"));
            }
        }
        if self.keys > 10_000 {
            return Err(format!("chord: at most 10,000 keys, not {}", self.keys));
        }
        Ok(())
    }
}

crate::json_struct!(ChordConfig, "the Chord configuration" { m_bits, id_seed, successors, start_members, stabilize_us, fix_fingers_us, check_predecessor_us, rpc_timeout_us, keys, replicate, bug });
