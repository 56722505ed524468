//! ClusterLab: distributed-systems algorithms run as a deterministic simulated cluster,
//! natively (tests, CLI) and as WebAssembly in the page.

// The history viewer's module carries no protocol family: the scenario floor's builders
// have nothing to build there.
#![cfg_attr(all(feature = "viewer", not(any(feature = "raft", feature = "paxos", feature = "lock", feature = "gossip", feature = "flood", feature = "txn"))), allow(dead_code, unused_imports))]

pub mod histories;
pub mod i18n;
pub mod protocols;
pub mod scenario;
pub mod sim;
#[cfg(not(target_arch = "wasm32"))]
pub mod sweep;
#[cfg(not(target_arch = "wasm32"))]
pub mod bench;

#[cfg(target_arch = "wasm32")]
pub mod ui;

/// The page's allocator (see Cargo.toml); native builds keep the system's, the CLI mimalloc.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
