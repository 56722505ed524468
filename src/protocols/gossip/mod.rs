//! Epidemic protocols: gossip — rumor mongering and anti-entropy from Demers et al.,
//! "Epidemic Algorithms for Replicated Database Maintenance" (PODC 1987) — and SWIM, the
//! failure detector and membership protocol of Das, Gupta and Motivala (DSN 2002). Both are
//! built to run at 1,000+ nodes: per-node state is sparse and per-event work is O(fanout)
//! or O(piggyback).

pub mod config;
pub mod epidemic;
pub mod invariants;
pub mod overlay;
pub mod round_robin;
pub mod swim;
pub mod view;

pub use config::{GossipConfig, Mode, SwimConfig};
pub use epidemic::{Gossip, GossipDurable, GossipMsg, GossipTimer, Rumor, Stamp};
pub use swim::{Member, Status, Swim, SwimMsg, SwimTimer, Update};
