//! How a protocol is drawn: the companion trait [`Present`] to [`Protocol`] (node views,
//! roles and their tones, the headline number's name, message summaries, overlays), kept
//! apart so that the protocol contract holds only what the simulation itself needs.

use super::protocol::{Protocol, TimeUs};
use super::view::{LogMark, NodeView, Overlay, TableView};

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
    /// The cluster state table: every node's key state side by side (one row per node),
    /// or above [`TABLE_ROWS_MAX`] nodes a summary (how many nodes hold each role). The
    /// default lines up each node's role, headline number and fields; a protocol overrides
    /// it where a better table exists (a log grid, acceptors' promises per slot).
    fn cluster_table(nodes: &[Option<Self>]) -> TableView {
        default_cluster_table(nodes)
    }
    /// Positions the log grid of the cluster state table marks in nodes' logs (Raft: the
    /// leader's nextIndex and matchIndex per follower); none by default.
    fn log_marks(_nodes: &[Option<Self>]) -> Vec<LogMark> {
        Vec::new()
    }
}

/// Above this many nodes the cluster state table is a summary, not one row per node.
pub const TABLE_ROWS_MAX: usize = 64;

/// The default cluster state table (see [`Present::cluster_table`]).
pub fn default_cluster_table<P: Present>(nodes: &[Option<P>]) -> TableView {
    if nodes.len() > TABLE_ROWS_MAX {
        return role_summary(nodes);
    }
    let views: Vec<Option<NodeView>> = nodes.iter().map(|n| n.as_ref().map(node_view)).collect();
    let mut labels: Vec<String> = Vec::new();
    for (label, _) in views.iter().flatten().flat_map(|v| &v.fields) {
        if !labels.contains(label) {
            labels.push(label.clone());
        }
    }
    let mut headers = vec!["node".to_string(), "role".to_string(), P::TERM_NAME.to_string()];
    headers.extend(labels.iter().cloned());
    let rows = views.iter().enumerate().map(|(id, v)| table_row(id, v.as_ref(), &labels)).collect();
    TableView { title: "cluster".into(), headers, rows }
}

fn table_row(id: usize, view: Option<&NodeView>, labels: &[String]) -> Vec<String> {
    let Some(v) = view else {
        let mut row = vec![format!("n{id}"), "crashed".to_string(), String::new()];
        row.extend(labels.iter().map(|_| String::new()));
        return row;
    };
    let mut row = vec![format!("n{id}"), v.role.clone(), v.term.map(|t| t.to_string()).unwrap_or_default()];
    for label in labels {
        row.push(v.fields.iter().find(|(k, _)| k == label).map(|(_, val)| val.clone()).unwrap_or_default());
    }
    row
}

/// How many nodes hold each role (crashed ones apart), in order of first appearance.
fn role_summary<P: Present>(nodes: &[Option<P>]) -> TableView {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for n in nodes {
        let role = n.as_ref().map_or("crashed", |p| p.role().label);
        match counts.iter_mut().find(|(r, _)| *r == role) {
            Some((_, c)) => *c += 1,
            None => counts.push((role, 1)),
        }
    }
    let rows = counts.into_iter().map(|(r, c)| vec![r.to_string(), c.to_string()]).collect();
    TableView { title: "cluster".into(), headers: vec!["role".into(), "nodes".into()], rows }
}

/// A node's full view: [`Present::view`] with the role and tone of [`Present::role`].
pub fn node_view<P: Present>(node: &P) -> NodeView {
    let role = node.role();
    NodeView { role: role.label.into(), tone: role.tone, ..node.view() }
}
