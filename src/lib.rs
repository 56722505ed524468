//! ClusterLab: distributed-systems algorithms run as a deterministic simulated cluster,
//! natively (tests, CLI) and as WebAssembly in the page.

pub mod histories;
pub mod i18n;
pub mod protocols;
pub mod scenario;
pub mod sim;
#[cfg(not(target_arch = "wasm32"))]
pub mod sweep;

#[cfg(target_arch = "wasm32")]
pub mod ui;
