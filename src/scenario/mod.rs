//! Scenarios: the model (protocol, configuration, seed, faults, playhead), the link codec,
//! scenario files, validation of untrusted input, the protocol registry and the presets.

pub mod chaos;
#[cfg(feature = "txn")]
pub mod compare;
pub mod file;
pub mod lessons;
pub mod link;
pub mod live;
pub mod model;
pub mod presets;
pub mod registry;
pub mod swarm;

pub use file::{decode_file, encode_file};
pub use link::{decode_link, encode_link, parse_fragment, Fragment, LinkError, LinkRefused};
pub use live::LiveRun;
pub use model::Scenario;
pub use registry::{bug_names, build, row, rows, Row};
