//! How primary/backup is drawn: the coordinators (the lock service on Raft), the replicas
//! with their role and epoch, a lease bar under each replica's session, the primary's
//! forwards to the backups in its view and its appends to the log as arrows, the storage's
//! log files (sealed or open) and the replicas side by side in the cluster state table.

use super::msg::PbMsg;
use super::replica::Role;
use super::{PbNode, Replica};
use crate::sim::view::{Overlay, OverlayArrow, OverlayBar};
use crate::sim::{NodeView, Present, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &PbNode) -> RoleView {
    match n {
        PbNode::Coord(c) => c.role(),
        PbNode::Replica(r) => match r.role {
            Role::Primary { .. } if r.replayed.is_some() => RoleView::new("primary", Tone::Leading),
            Role::Primary { .. } => RoleView::new("primary (not replayed)", Tone::Warning),
            Role::Recovering { .. } => RoleView::new("primary (replaying the log)", Tone::Contending),
            Role::Backup if r.epoch == 0 => RoleView::new("replica (no primary yet)", Tone::Neutral),
            Role::Backup => RoleView::new("backup", Tone::Neutral),
        },
        PbNode::Storage(_) => RoleView::new("log storage", Tone::Storage),
    }
}

pub fn summary(msg: &PbMsg) -> String {
    match msg {
        PbMsg::Lock(m) => format!("lock service: {}", m.kind::<crate::protocols::lock::ServerLog>()),
        PbMsg::Append { epoch, recs } => format!("append {} record(s) to epoch {epoch}'s log file", recs.len()),
        PbMsg::AppendAck { epoch, last, ok: true } => format!("epoch {epoch}'s log file holds up to #{last}"),
        PbMsg::AppendAck { epoch, .. } => format!("epoch {epoch}'s log file is sealed"),
        PbMsg::Fence { epoch } => format!("fence the log files older than epoch {epoch}"),
        PbMsg::FenceAck { epoch, ok: true, log } => format!("fenced for epoch {epoch}: {} record(s) to replay", log.len()),
        PbMsg::FenceAck { epoch, .. } => format!("epoch {epoch} is too old: a newer one fenced the log"),
        PbMsg::Forward { epoch, from, recs } => format!("epoch {epoch}: records #{from} to #{}", from + recs.len() as u64 - 1),
        PbMsg::ForwardAck { epoch, applied, ok: true, .. } => format!("epoch {epoch}: applied up to #{applied}"),
        PbMsg::ForwardAck { epoch, .. } => format!("refused: this backup follows epoch {epoch}"),
    }
}

fn lock_phase(r: &Replica) -> String {
    use crate::protocols::lock::Phase;
    match (&r.lock.phase, r.lock.token()) {
        (Phase::Holding, Some(t)) => format!("holds it (token {t})"),
        (Phase::Waiting { pred }, _) => format!("waits behind {pred}"),
        (Phase::NoSession | Phase::LeaseExpired, _) => "no session".into(),
        _ => "competing".into(),
    }
}

fn names(v: &[u32]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(", ")
}

pub fn node_view(n: &PbNode) -> NodeView {
    match n {
        PbNode::Coord(c) => {
            // The headline number is the replicas' epoch; a coordinator's is its Raft term.
            let mut v = c.view();
            if let Some(term) = v.term.take() {
                v.fields.insert(0, ("term".into(), term.to_string()));
            }
            v
        }
        PbNode::Replica(r) => replica_view(r),
        PbNode::Storage(s) => {
            let mut v = NodeView { term: Some(s.fence()), ..NodeView::default() };
            v.fields.push(("log files".into(), s.disk.files.len().to_string()));
            v.fields.push(("records".into(), s.disk.files.values().map(|f| f.recs.len()).sum::<usize>().to_string()));
            v.tables.push(files_table(s));
            v
        }
    }
}

fn replica_view(r: &Replica) -> NodeView {
    let mut v = NodeView { term: Some(r.epoch), ..NodeView::default() };
    v.fields.push(("primary's lock".into(), lock_phase(r)));
    v.fields.push(("applied".into(), r.store.applied().to_string()));
    if let Role::Primary { .. } | Role::Recovering { .. } = r.role {
        v.fields.push(("replayed".into(), r.replayed.map_or("not yet".into(), |c| c.to_string())));
        v.fields.push(("view".into(), names(&r.view())));
        let batch = r.batch.as_ref().map_or("none".into(), |b| format!("{} write(s), {}", b.recs.len(), if b.logged { "logged" } else { "not yet logged" }));
        v.fields.push(("batch".into(), batch));
        v.fields.push(("writes acknowledged".into(), r.acked_writes.to_string()));
    } else if let Some(p) = r.primary_hint {
        v.fields.push(("primary".into(), format!("n{p}")));
    }
    let rows = r.store.kv.iter().map(|(k, val)| vec![k.clone(), val.clone()]).collect();
    v.tables.push(TableView { title: "data".into(), headers: vec!["key".into(), "value".into()], rows });
    let rows = r.store.log.iter().rev().take(12).map(|x| vec![format!("#{}", x.seq), x.epoch.to_string(), format!("{} = {}", x.key, x.value)]).collect();
    v.tables.push(TableView { title: "newest records".into(), headers: vec!["#".into(), "epoch".into(), "write".into()], rows });
    v
}

fn files_table(s: &super::Storage) -> TableView {
    let rows = s
        .disk
        .files
        .iter()
        .map(|(e, f)| {
            let state = match f.sealed_at {
                Some(at) if at < f.recs.len() => format!("sealed at {at}, {} written after", f.recs.len() - at),
                Some(_) => "sealed".into(),
                None => "open".into(),
            };
            vec![format!("epoch {e}"), f.recs.len().to_string(), state]
        })
        .collect();
    TableView { title: "write-ahead log".into(), headers: vec!["file".into(), "records".into(), "state".into()], rows }
}

pub fn overlay(nodes: &[Option<PbNode>], _now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| match n {
            Some(PbNode::Coord(_)) => "server",
            Some(PbNode::Storage(_)) => "storage",
            Some(PbNode::Replica(_)) => "client",
            None if i == nodes.len() - 1 => "storage",
            None => match nodes.iter().flatten().find_map(PbNode::as_replica) {
                Some(r) if (i as u32) < r.t.first_replica => "server",
                _ => "client",
            },
        }
        .to_string())
        .collect();
    o.group_titles = vec![("server".into(), "coordinators (lock service on Raft)".into()), ("client".into(), "replicas".into())];
    let storage = nodes.len() as u32 - 1;
    for r in nodes.iter().flatten().filter_map(PbNode::as_replica) {
        if r.lock.session.is_some() {
            let timeout = r.lock.session_timeout_us().max(1);
            let permille = (r.lock.lease_left_us().min(timeout) * 1000 / timeout) as u32;
            o.bars.push(OverlayBar { node: r.id, label: "lease".into(), permille });
        }
        if let Role::Primary { .. } = r.role {
            o.highlight.push(r.id);
            for b in r.view() {
                o.arrows.push(OverlayArrow { from: r.id, to: b, label: "forward".into(), kind: "forward".into() });
            }
            o.arrows.push(OverlayArrow { from: r.id, to: storage, label: "log".into(), kind: "log".into() });
        }
    }
    if let Some(s) = nodes.iter().flatten().find_map(PbNode::as_storage) {
        o.tables.push(files_table(s));
    }
    o
}
