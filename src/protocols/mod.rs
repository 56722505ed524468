//! The protocols ClusterLab runs, one folder each.

pub mod flood;
pub mod paxos;
pub mod raft;
