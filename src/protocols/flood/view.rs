//! How a flood node is drawn: idle until it knows a value, then informed; the values it
//! knows and the acks it received (no paper; the simulator's exercise).

use super::node::Flood;
use crate::sim::view::NodeView;
use crate::sim::{RoleView, Tone};

pub fn role(f: &Flood) -> RoleView {
    if f.known.is_empty() {
        RoleView::new("idle", Tone::Neutral)
    } else {
        RoleView::new("informed", Tone::Settled)
    }
}

pub fn node_view(f: &Flood) -> NodeView {
    NodeView {
        fields: vec![
            ("known".into(), f.known.iter().cloned().collect::<Vec<_>>().join(", ")),
            ("acks received".into(), f.acks.to_string()),
        ],
        ..Default::default()
    }
}
