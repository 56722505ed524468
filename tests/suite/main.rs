//! Every native integration test in one test binary (one crate compiles and links once,
//! rather than sixty: on two cores that saved minutes of `make test`). Each module is one
//! area, as its file says; `cargo test --profile tests --test suite <module>::` runs one.

#[path = "../common/mod.rs"]
mod common;

mod adversary;
mod batch_recipe;
mod check_cli;
mod checker_mutations;
mod cli;
mod cli_pipe;
mod cluster_table;
mod disk_corruption;
mod durable;
mod gossip_handlers;
mod gossip_presets;
mod gossip_theory;
mod histories;
mod history_chart;
mod i18n;
mod lessons;
mod linearizability;
mod link_codec;
mod link_corpus;
mod link_versions;
mod lock_handlers;
mod lock_leases;
mod lock_presets;
mod lock_recipe;
mod mapreduce;
mod mapreduce_figures;
mod native_determinism;
mod paxos_clients;
mod paxos_commit;
mod paxos_handlers;
mod paxos_presets;
mod raft_chaos;
mod raft_clients;
mod raft_handlers;
mod raft_paper;
mod raft_presets;
mod registry;
mod scenario_file;
mod sim_determinism;
mod sim_faults;
mod slow_node;
mod spark;
mod chord;
mod chord_figures;
mod cache;
#[cfg(feature = "replication")]
mod hdfs;
mod hashring;
mod hashring_figures;
mod swarm;
mod sweeps;
mod swim_detection;
mod swim_handlers;
mod swim_paper;
mod swim_presets;
mod threepc;
mod tones;
mod twopc_handlers;
mod twopc_presets;
mod txn_costs;
mod work_per_event;
mod zab;
