//! What the page shows of the lock service: per node views (a server's log role, term
//! and tree; a client's place in the recipe and its lease; the storage's write log), and
//! the overlay (node groups, watches as dashed arrows, lease bars, the lock tree and the
//! recent writes, the holder highlighted).

use super::client::Phase;
use super::msg::{KeepAliveStatus, LockMsg};
use super::storage::Storage;
use super::tree::{op_label, tree_rows, LockOutput, LockTree};
use super::{LockClient, LockLog, LockNode, LockServer};
use crate::sim::view::{Overlay, OverlayArrow, OverlayBar};
use crate::sim::{NodeView, RoleView, TableView, Tone, TimeUs};

pub fn summary<R: LockLog>(msg: &LockMsg<R::Msg>) -> String {
    match msg {
        LockMsg::Log(m) => R::msg_summary(m),
        LockMsg::Request { req, op } => format!("request #{} {}", req & 0xffff_ffff, op_label(op)),
        LockMsg::Response { req, output } => format!("answer #{}: {}", req & 0xffff_ffff, output_label(output)),
        LockMsg::NotLeader { hint, .. } => format!("not the leader (try {})", hint.map_or("another".into(), |h| format!("n{h}"))),
        LockMsg::KeepAlive { session, .. } => format!("KeepAlive s{session}"),
        LockMsg::KeepAliveAck { session, status, .. } => match status {
            KeepAliveStatus::Alive { watches } => format!("s{session} alive, watching [{}]", watches.join(", ")),
            KeepAliveStatus::Expired => format!("s{session} expired"),
            KeepAliveStatus::NotLeader { hint } => format!("not the leader (try {})", hint.map_or("another".into(), |h| format!("n{h}"))),
        },
        LockMsg::Notify { path, event, .. } => format!("watch fired: {path} {event:?}"),
        LockMsg::Write { token, seq, op } => format!("write {} token {token} (#{seq})", op.name()),
        LockMsg::WriteAck { token, accepted, .. } => format!("token {token} {}", if *accepted { "accepted" } else { "rejected" }),
    }
}

fn output_label(o: &LockOutput) -> String {
    match o {
        LockOutput::Session { session } => format!("session s{session}"),
        LockOutput::Created { path, zxid } => format!("created {path} (token {zxid})"),
        LockOutput::Children { paths } => format!("children [{}]", paths.join(", ")),
        LockOutput::Exists { exists } => format!("exists: {exists}"),
        LockOutput::Deleted => "deleted".into(),
        LockOutput::Closed => "closed".into(),
        LockOutput::Expired => "expired".into(),
        LockOutput::Error(e) => format!("error {e:?}"),
    }
}

pub fn node_view<R: LockLog>(node: &LockNode<R>) -> NodeView {
    match node {
        LockNode::Server(s) => server_view(s),
        LockNode::Client(c) => client_view(c),
        LockNode::Storage(s) => storage_view(s),
    }
}

pub fn tree_table(t: &LockTree) -> TableView {
    TableView {
        title: "lock tree".into(),
        headers: vec!["path".into(), "owner".into(), "token (zxid)".into(), "watched by".into()],
        rows: tree_rows(t),
    }
}

fn server_view<R: LockLog>(s: &LockServer<R>) -> NodeView {
    let tree = s.log.state();
    let mut v = s.log.view();
    v.tables.retain(|t| t.title != "state machine");
    v.tables.push(tree_table(tree));
    v.fields.push(("zxid".into(), tree.zxid.to_string()));
    v.fields.push(("sessions".into(), tree.sessions.len().to_string()));
    v.fields.push(("watch notifications".into(), tree.notifications_total.to_string()));
    if s.is_leader() {
        let d: Vec<String> = s.deadlines.iter().map(|(sess, t)| format!("s{sess}@{}ms", t / 1000)).collect();
        v.fields.push(("session deadlines".into(), d.join(" ")));
    }
    v
}

pub fn client_role(c: &LockClient) -> RoleView {
    if c.jeopardy_until_us.is_some() {
        // Chubby §2.8: its lease ran out; it waits out the grace period for a KeepAlive.
        return RoleView::new("jeopardy", Tone::Warning);
    }
    match c.phase {
        Phase::NoSession => RoleView::new("no session", Tone::Neutral),
        Phase::LeaseExpired => RoleView::new("lease expired", Tone::Failed),
        Phase::Holding => RoleView::new("holder", Tone::Settled),
        Phase::Creating | Phase::Checking | Phase::Waiting { .. } => RoleView::new("waiting", Tone::Neutral),
        Phase::Releasing => RoleView::new("releasing", Tone::Transient),
        Phase::Resting | Phase::Done => RoleView::new("idle", Tone::Neutral),
    }
}

fn client_view(c: &LockClient) -> NodeView {
    let mut fields = vec![
        ("session".into(), c.session.map_or("none".into(), |s| format!("s{s}"))),
        ("lock node".into(), c.my_node.as_ref().map_or("none".into(), |(p, _)| p.clone())),
        ("token".into(), c.token().map_or("none".into(), |t| t.to_string())),
        ("lease left".into(), format!("{} ms (own clock)", c.lease_left_us() / 1000)),
        ("asks".into(), format!("n{}", c.leader_guess)),
        ("critical sections".into(), c.rounds_done.to_string()),
        ("writes sent / rejected".into(), format!("{} / {}", c.writes_sent, c.writes_rejected)),
        ("notifications".into(), c.notifications.to_string()),
    ];
    if let Phase::Waiting { pred } = &c.phase {
        fields.insert(2, ("watching".into(), pred.clone()));
    }
    if let Some(end) = c.jeopardy_until_us {
        fields.insert(4, ("grace left".into(), format!("{} ms (own clock)", end.saturating_sub(c.now_us) / 1000)));
    }
    NodeView { fields, ..Default::default() }
}

pub fn writes_table(s: &Storage) -> TableView {
    TableView {
        title: "recent writes".into(),
        headers: vec!["#".into(), "client".into(), "token".into(), "write".into(), "result".into()],
        rows: s
            .log
            .iter()
            .rev()
            .map(|w| {
                let result = if w.accepted { "accepted" } else { "rejected" };
                vec![w.no.to_string(), format!("n{}", w.client), w.token.to_string(), w.op.name().into(), result.into()]
            })
            .collect(),
    }
}

fn storage_view(s: &Storage) -> NodeView {
    let fields = vec![
        ("fencing".into(), if s.fencing { "on" } else { "off" }.into()),
        ("highest token".into(), s.max_token.to_string()),
        ("writes / rejected".into(), format!("{} / {}", s.writes, s.rejected)),
    ];
    NodeView { fields, tables: vec![writes_table(s)], ..Default::default() }
}

/// The server whose tree the overlay draws: the leader of the highest term, else the one
/// that applied the most.
pub fn reference_server<R: LockLog>(nodes: &[Option<LockNode<R>>]) -> Option<&LockServer<R>> {
    let servers = nodes.iter().flatten().filter_map(LockNode::as_server);
    servers.max_by_key(|s| (s.log.is_leader(), s.log.term(), s.log.applied(), std::cmp::Reverse(s.id)))
}

pub fn overlay<R: LockLog>(nodes: &[Option<LockNode<R>>], _now_us: TimeUs) -> Overlay {
    let Some((servers, clients)) = nodes.iter().flatten().next().map(LockNode::layout) else { return Overlay::default() };
    let mut o = Overlay::default();
    o.groups = (0..nodes.len() as u32)
        .map(|i| if i < servers { "server" } else if i < servers + clients { "client" } else { "storage" }.to_string())
        .collect();
    o.group_titles = vec![("server".into(), format!("lock servers ({})", R::TITLE))];
    let clients_live = || nodes.iter().flatten().filter_map(LockNode::as_client);
    for c in clients_live() {
        if c.session.is_some() {
            let permille = (c.lease_left_us().min(c.session_timeout_us()) * 1000 / c.session_timeout_us().max(1)) as u32;
            o.bars.push(OverlayBar { node: c.id, label: "lease".into(), permille });
        }
        if c.phase == Phase::Holding {
            o.highlight.push(c.id);
        }
    }
    if let Some(s) = reference_server(nodes) {
        o.arrows = watch_arrows(s.log.state());
        o.tables.push(tree_table(s.log.state()));
    }
    if let Some(st) = nodes.iter().flatten().find_map(LockNode::as_storage) {
        o.tables.push(writes_table(st));
    }
    o
}

/// A watch drawn from the watching client to the client owning the watched node; a child
/// watch on `/lock` (the herd) to the owner of the lowest node.
fn watch_arrows(t: &LockTree) -> Vec<OverlayArrow> {
    let owner = |path: &str| {
        let node = t.nodes.get(path)?;
        t.sessions.get(&node.ephemeral_owner?).map(|s| s.client)
    };
    let mut arrows = Vec::new();
    for (path, watchers) in &t.data_watches {
        for (_, client) in watchers {
            if let Some(to) = owner(path).filter(|o| o != client) {
                arrows.push(OverlayArrow { from: *client, to, label: format!("watch {path}"), kind: "watch".into() });
            }
        }
    }
    let holder = t.lock_holder().and_then(|(p, _)| owner(p));
    for (path, watchers) in &t.child_watches {
        for (_, client) in watchers {
            if let Some(to) = holder.filter(|o| o != client) {
                arrows.push(OverlayArrow { from: *client, to, label: format!("watch {path}/*"), kind: "watch".into() });
            }
        }
    }
    arrows
}
