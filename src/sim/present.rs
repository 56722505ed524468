//! How a protocol is drawn: the companion trait [`Present`] to [`Protocol`] (node views,
//! roles and their tones, the headline number's name, message summaries, overlays), kept
//! apart so that the protocol contract holds only what the simulation itself needs.

use super::protocol::{Protocol, TimeUs};
use super::view::{NodeView, Overlay};
use serde::Serialize;

/// What a role means for the eye, so that the page colours nodes without knowing any
/// protocol's role names. Each tone has one colour (`tone-…` classes in the stylesheet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Following, accepting, waiting or idle: the common state.
    #[default]
    Neutral,
    /// Leads the cluster (a Raft or Multi-Paxos leader).
    Leading,
    /// Trying to lead or to get a value chosen (a candidate, a proposer in its phases).
    Contending,
    /// Holds the outcome (learned, informed, holds the lock, alive).
    Settled,
    /// In doubt or winding down (suspected; a gossip site that lost interest).
    Warning,
    /// Lost its standing (its lease expired, confirmed dead).
    Failed,
    /// A resource the protocol guards rather than a participant (the fenced storage).
    Storage,
    /// Passing through a short step (releasing a lock).
    Transient,
}

impl Tone {
    /// Every tone, in declaration order.
    pub const ALL: [Tone; 8] =
        [Tone::Neutral, Tone::Leading, Tone::Contending, Tone::Settled, Tone::Warning, Tone::Failed, Tone::Storage, Tone::Transient];

    /// The snake_case name, as serialized and as used in `tone-…` classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Leading => "leading",
            Tone::Contending => "contending",
            Tone::Settled => "settled",
            Tone::Warning => "warning",
            Tone::Failed => "failed",
            Tone::Storage => "storage",
            Tone::Transient => "transient",
        }
    }
}

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
