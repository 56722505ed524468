//! The protocols ClusterLab runs, one folder each, compiled in per family (Cargo features;
//! the lock service carries the Raft it runs on, the gossip family carries SWIM, the
//! transactions family 2PC, 3PC and Paxos Commit over their shared `txn` parts; Zab uses
//! Raft's key-value store as its data tree, and the lock service can run on Zab too; MapReduce is its own family, with Spark's form of the same job; Chord is the DHT family's; the hash ring and the cache on it are the hashring family's; the HDFS-style block store is the replication family's, and primary/backup, whose failover the lock service decides, is the failover family's, carrying the lock service and its Raft).

#[cfg(feature = "hashring")]
pub mod cache;
#[cfg(feature = "dht")]
pub mod chord;
#[cfg(feature = "flood")]
pub mod flood;
#[cfg(feature = "gossip")]
pub mod gossip;
#[cfg(feature = "hashring")]
pub mod hashring;
#[cfg(feature = "replication")]
pub mod hdfs;
#[cfg(any(feature = "lock", feature = "failover"))]
pub mod lock;
#[cfg(feature = "mapreduce")]
pub mod mapreduce;
#[cfg(feature = "paxos")]
pub mod paxos;
#[cfg(feature = "txn")]
pub mod paxos_commit;
#[cfg(feature = "failover")]
pub mod primary_backup;
#[cfg(any(feature = "raft", feature = "lock", feature = "zab", feature = "failover"))]
pub mod raft;
#[cfg(feature = "mapreduce")]
pub mod spark;
#[cfg(feature = "gossip")]
pub mod swim;
#[cfg(feature = "txn")]
pub mod threepc;
#[cfg(feature = "txn")]
pub mod twopc;
#[cfg(feature = "txn")]
pub mod txn;
#[cfg(any(feature = "zab", feature = "lock", feature = "failover"))]
pub mod zab;
