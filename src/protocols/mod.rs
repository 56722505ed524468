//! The protocols ClusterLab runs, one folder each.

pub mod flood;
pub mod gossip;
pub mod lock;
pub mod paxos;
pub mod raft;
