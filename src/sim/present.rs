//! How a protocol is drawn: the companion trait [`Present`] to [`Protocol`] (node views,
//! roles and their tones, the headline number's name, message summaries, overlays), kept
//! apart so that the protocol contract holds only what the simulation itself needs.

use super::protocol::{Protocol, TimeUs};
use super::view::{NodeView, Overlay};

pub use super::view::Tone;

/// A node's role: the label shown under it (in the paper's words) and its tone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleView {
    pub label: &'static str,
    pub tone: Tone,
}

impl RoleView {
    pub const fn new(label: &'static str, tone: Tone) -> Self {
        RoleView { label, tone }
    }
}

/// The presentation of a protocol: everything that is only drawn. The simulator never
/// calls it; the trace's vocabulary (message kinds, timer names, reply summaries) belongs
/// to [`Protocol`] because the trace hash folds it.
pub trait Present: Protocol {
    /// The paper's word for the node's headline number, `NodeView::term`: the number that
    /// matters for the node's role (Raft's term, the Paxos ballot a node leads with or has
    /// promised, a SWIM member's incarnation).
    const TERM_NAME: &'static str = "term";

    /// One-line human summary of a message, for the inspector.
    fn msg_summary(msg: &Self::Msg) -> String {
        format!("{msg:?}")
    }
    /// The node's role and tone. Cheap: it is drawn for thousands of nodes each frame.
    fn role(&self) -> RoleView;
    /// Plain data for the inspector: headline number, fields, log, tables. Its `role` and
    /// `tone` are left to [`node_view`], which fills them from [`Present::role`].
    fn view(&self) -> NodeView;
    /// What the page draws beside and over the nodes (groups, watches, leases, tables,
    /// plots); most protocols draw nothing more.
    fn overlay(_nodes: &[Option<Self>], _now_us: TimeUs) -> Overlay {
        Overlay::default()
    }
}

/// A node's full view: [`Present::view`] with the role and tone of [`Present::role`].
pub fn node_view<P: Present>(node: &P) -> NodeView {
    let role = node.role();
    NodeView { role: role.label.into(), tone: role.tone, ..node.view() }
}
