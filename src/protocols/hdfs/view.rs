//! How the block store is drawn (HdfsDesign.md): the NameNode and the writer apart, the
//! DataNodes in columns by rack; each replica a chip with its generation stamp, length and
//! checksum state; the writer's pipeline as arrows; the NameNode's blocks and its
//! under-replicated queue as tables; and the bytes re-replicated over time (a flapping node
//! with a short dead-node timeout makes a replication storm).

use super::config::{HdfsConfig, CLIENT, NAMENODE};
use super::node::client::Phase;
use super::node::namenode::BlockState;
use super::node::{Hdfs, Role};
use crate::sim::view::{Dataset, Lineage, Overlay, OverlayArrow, PartitionView, Plot, Series};
use crate::sim::{NodeId, NodeView, RoleView, TableView, TimeUs, Tone};

pub fn role(h: &Hdfs) -> RoleView {
    match &h.role {
        Role::NameNode(n) if n.safe_mode => RoleView::new("NameNode (safe mode)", Tone::Warning),
        Role::NameNode(_) => RoleView::new("NameNode", Tone::Leading),
        Role::Client(c) => match c.phase {
            Phase::Done => RoleView::new("writer (done)", Tone::Settled),
            Phase::NewStamp(_) | Phase::UpdatePipeline(..) => RoleView::new("writer (recovering pipeline)", Tone::Warning),
            _ => RoleView::new("writer", Tone::Contending),
        },
        Role::DataNode(_) => RoleView::new("DataNode", Tone::Storage),
    }
}

fn names(v: &[NodeId]) -> String {
    v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(" → ")
}

fn state_name(s: BlockState) -> &'static str {
    match s {
        BlockState::UnderConstruction => "under construction",
        BlockState::Committed => "committed",
        BlockState::Complete => "complete",
    }
}

pub fn node_view(h: &Hdfs) -> NodeView {
    let mut v = NodeView::default();
    let c = &h.config;
    match &h.role {
        Role::NameNode(n) => {
            v.term = Some(n.blocks.len() as u64);
            v.fields.push(("newest gs".into(), n.gs.to_string()));
            v.fields.push(("safe mode".into(), if n.safe_mode { "on" } else { "off" }.into()));
            v.fields.push(("live DataNodes".into(), n.datanodes.values().filter(|i| i.alive).count().to_string()));
            v.fields.push(("under-replicated".into(), n.under.len().to_string()));
            v.fields.push(("copies pending".into(), n.pending.len().to_string()));
            v.fields.push(("bytes re-replicated".into(), n.rereplicated_bytes.to_string()));
            v.fields.push(("marked dead".into(), n.marked_dead.to_string()));
            let rows = n
                .blocks
                .iter()
                .map(|(b, m)| {
                    let reps = m.replicas.keys().map(|d| if m.corrupt.contains(d) { format!("n{d} (corrupt)") } else { format!("n{d}") }).collect::<Vec<_>>().join(", ");
                    vec![format!("blk_{b}"), format!("f{}", m.file), m.gs.to_string(), m.len.to_string(), state_name(m.state).into(), reps]
                })
                .collect();
            v.tables.push(TableView { title: "blocks".into(), headers: ["block", "file", "gs", "bytes", "state", "replicas"].map(String::from).to_vec(), rows });
        }
        Role::Client(w) => {
            v.term = Some(u64::from(w.blocks_written));
            v.fields.push(("client".into(), format!("n{} boot {}", w.holder.node, w.holder.boot)));
            let doing = match &w.phase {
                Phase::Idle => "between files".to_string(),
                Phase::Create { file } => format!("creating f{file}"),
                Phase::Allocate { file, index } => format!("asking for block {index} of f{file}"),
                Phase::Stream(x) => format!("writing blk_{} of f{}", x.block, x.file),
                Phase::NewStamp(x) | Phase::UpdatePipeline(x, _) => format!("recovering the pipeline of blk_{}", x.block),
                Phase::Complete { file } => format!("completing f{file}"),
                Phase::GiveUp { file } => format!("giving up f{file}"),
                Phase::Locate { file } | Phase::Read { file, .. } => format!("reading f{file} back"),
                Phase::Done => "done".into(),
            };
            v.fields.push(("doing".into(), doing));
            if let Some(x) = w.writing() {
                v.fields.push(("pipeline".into(), names(&x.pipeline)));
                v.fields.push(("gs".into(), x.gs.to_string()));
                v.fields.push(("bytes acked".into(), format!("{} of {}", x.acked_len, c.block_bytes())));
            }
            for (name, x) in [("files closed", w.files_closed), ("files given up", w.files_given_up), ("pipeline recoveries", w.pipeline_recoveries), ("reads failed", w.read_failures)] {
                v.fields.push((name.into(), x.to_string()));
            }
        }
        Role::DataNode(d) => {
            v.term = Some(d.replicas.len() as u64);
            v.fields.push(("rack".into(), format!("rack {}", d.rack + 1)));
            v.fields.push(("bad replicas found".into(), d.bad_found.to_string()));
            let rows = d
                .replicas
                .iter()
                .map(|(b, r)| {
                    let sum = if r.verifies(c.chunk_bytes) { "ok".to_string() } else { "fails".to_string() };
                    vec![format!("blk_{b}"), r.gs.to_string(), r.len().to_string(), if r.finalized() { "finalized" } else { "being written" }.into(), sum]
                })
                .collect();
            v.tables.push(TableView { title: "replicas".into(), headers: ["block", "gs", "bytes", "state", "checksums"].map(String::from).to_vec(), rows });
        }
    }
    v
}

fn group(c: &HdfsConfig, i: NodeId) -> String {
    match i {
        NAMENODE => "NameNode".into(),
        CLIENT => "writer".into(),
        _ => format!("rack {}", c.rack_of(i) + 1),
    }
}

/// Each block a column of chips, one per replica: its node and stamp, coloured by state
/// (finalized, being written, stale, failing its checksum).
fn chips(nodes: &[Option<Hdfs>], c: &HdfsConfig) -> Option<Lineage> {
    let nn = nodes.first()?.as_ref()?.as_namenode()?;
    let datasets = nn
        .blocks
        .iter()
        .map(|(b, m)| {
            let partitions = (0..nodes.len() as u32)
                .filter_map(|d| nodes[d as usize].as_ref().and_then(Hdfs::as_datanode).and_then(|dn| dn.replicas.get(b)).map(|r| (d, r)))
                .map(|(d, r)| {
                    let state = if !r.verifies(c.chunk_bytes) {
                        "lost"
                    } else if r.gs < m.gs {
                        "missing"
                    } else if r.finalized() {
                        "stored"
                    } else {
                        "computing"
                    };
                    PartitionView { state: state.into(), label: format!("n{d} {}", r.gs) }
                })
                .collect();
            Dataset { name: format!("blk_{b}"), dependency: String::new(), partitions }
        })
        .collect();
    Some(Lineage { title: "replicas per block: node and generation stamp (red: fails its checksum; grey: stale stamp)".into(), datasets, stages: Vec::new() })
}

/// Cumulative bytes re-replicated against time.
fn storm_plot(nodes: &[Option<Hdfs>], now_us: TimeUs) -> Option<Plot> {
    let nn = nodes.first()?.as_ref()?.as_namenode()?;
    let secs = |t: TimeUs| t as f64 / 1e6;
    let mut points = vec![(0.0, 0.0)];
    for &(t, total) in &nn.copies {
        let before = points.last().map_or(0.0, |p| p.1);
        points.push((secs(t), before));
        points.push((secs(t), total as f64));
    }
    points.push((secs(now_us), nn.rereplicated_bytes as f64));
    Some(Plot {
        title: "bytes re-replicated".into(),
        x_label: "seconds".into(),
        y_label: "bytes".into(),
        series: vec![Series { name: "copied by re-replication".into(), class: "measured".into(), points }],
    })
}

fn queue_table(nodes: &[Option<Hdfs>]) -> Option<TableView> {
    let h = nodes.first()?.as_ref()?;
    let nn = h.as_namenode()?;
    let rows = nn
        .under
        .iter()
        .map(|b| {
            let pending = nn.pending.get(b).map_or("waiting".to_string(), |(t, _)| format!("copy to n{t} scheduled"));
            vec![format!("blk_{b}"), nn.live_good(*b, &h.config).len().to_string(), pending]
        })
        .collect();
    Some(TableView { title: "under-replicated queue".into(), headers: ["block", "good replicas", "copy"].map(String::from).to_vec(), rows })
}

pub fn overlay(nodes: &[Option<Hdfs>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    let Some(c) = nodes.iter().flatten().map(|n| &n.config).next() else { return o };
    o.groups = (0..nodes.len() as u32).map(|i| group(c, i)).collect();
    if let Some(w) = nodes.get(CLIENT as usize).and_then(Option::as_ref).and_then(Hdfs::as_client).and_then(|w| w.writing()) {
        let mut from = CLIENT;
        for &to in &w.pipeline {
            o.arrows.push(OverlayArrow { from, to, label: "pipeline".into(), kind: "pipeline".into() });
            from = to;
        }
    }
    o.tables.extend(queue_table(nodes));
    o.plots.extend(storm_plot(nodes, now_us));
    o.lineage = chips(nodes, c);
    o
}
