//! One component per file; each takes plain data and `on*` callbacks.

pub mod adversary_panel;
// The canvas only in the modules of families whose clusters grow past 64 nodes
// (registry::CANVAS_FAMILIES; tests/suite/registry.rs checks the list).
#[cfg(any(feature = "gossip", feature = "dht", feature = "hashring"))]
pub mod cluster_canvas;
pub mod cluster_svg;
pub mod controls;
pub mod event_log;
pub mod fault_panel;
pub mod header;
pub mod inspector;
pub mod invariant_panel;
pub mod lesson_panel;
pub mod link_controls;
pub mod mapreduce_input;
pub mod message_layer;
pub mod overlay_panel;
#[cfg(any(feature = "mapreduce", feature = "replication"))]
pub mod lineage_chart;
#[cfg(any(feature = "gossip", feature = "hashring", feature = "mapreduce", feature = "replication"))]
pub mod plot_chart;
pub mod share_menu;
pub mod spacetime;
pub mod state_table;
pub mod timeline;

pub use adversary_panel::AdversaryPanel;
#[cfg(any(feature = "gossip", feature = "dht", feature = "hashring"))]
pub use cluster_canvas::ClusterCanvas;
pub use cluster_svg::ClusterSvg;
pub use controls::Controls;
pub use event_log::EventLog;
pub use fault_panel::FaultPanel;
pub use header::Header;
pub use inspector::Inspector;
pub use invariant_panel::InvariantPanel;
pub use lesson_panel::LessonPanel;
pub use link_controls::LinkControls;
pub use mapreduce_input::MapReduceInput;
pub use overlay_panel::OverlayPanel;
#[cfg(any(feature = "mapreduce", feature = "replication"))]
pub use lineage_chart::LineageChart;
#[cfg(any(feature = "gossip", feature = "hashring", feature = "mapreduce", feature = "replication"))]
pub use plot_chart::PlotChart;
pub use share_menu::ShareMenu;
pub use spacetime::Spacetime;
pub use state_table::StateTable;
pub use timeline::Timeline;

/// Simulated microseconds as seconds with milliseconds.
pub fn fmt_time(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}
