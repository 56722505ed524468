//! The node inspector: the protocol's state in full, from the node's view.

use super::fmt_time;
use crate::sim::{ClusterView, LogView, NodeView, TableView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub view: Rc<ClusterView>,
    pub selected: Option<u32>,
    pub message: Option<(u64, String)>,
}

fn log_grid(log: &LogView) -> Html {
    html! {
        <div class="log" aria-label="log">
            { for log.entries.iter().map(|e| {
                let class = classes!("entry", format!("t{}", e.term % 8),
                    (e.index <= log.commit_index).then_some("committed"), (e.index <= log.last_applied).then_some("applied"));
                html! {
                    <div class={class} title={format!("index {} term {}: {}", e.index, e.term, e.label)}>
                        <span class="idx">{ e.index }</span>
                        <span class="term">{ format!("t{}", e.term) }</span>
                        <span class="label">{ e.label.clone() }</span>
                    </div>
                }
            }) }
            <p class="log-marks">{ format!("commit {} · applied {}", log.commit_index, log.last_applied) }</p>
        </div>
    }
}

fn table(t: &TableView) -> Html {
    html! {
        <table class="kv">
            <caption>{ t.title.clone() }</caption>
            <thead><tr>{ for t.headers.iter().map(|h| html! { <th>{ h.clone() }</th> }) }</tr></thead>
            <tbody>{ for t.rows.iter().map(|r| html! { <tr>{ for r.iter().map(|c| html! { <td>{ c.clone() }</td> }) }</tr> }) }</tbody>
        </table>
    }
}

fn node_detail(n: &NodeView, now: u64) -> Html {
    let status = format!("{:?}", n.status.clone().unwrap_or(crate::sim::NodeStatus::Up)).to_lowercase();
    html! {
        <>
            <h2>{ format!("Node {} · {}", n.id, n.role) }</h2>
            <dl class="fields">
                <dt>{ "status" }</dt><dd>{ status }</dd>
                if let Some(t) = n.term { <dt>{ "term" }</dt><dd>{ t }</dd> }
                { for n.fields.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
                if n.clock_skew_us != 0 { <dt>{ "clock skew" }</dt><dd>{ format!("{} ms", n.clock_skew_us / 1000) }</dd> }
                if n.clock_drift_ppm != 0 { <dt>{ "clock drift" }</dt><dd>{ format!("{:+.1}%", n.clock_drift_ppm as f64 / 10_000.0) }</dd> }
                { for n.timers.iter().map(|t| html! { <><dt>{ format!("{} timer", t.name) }</dt><dd>{ format!("fires in {}", fmt_time(t.fires_at_us.saturating_sub(now))) }</dd></> }) }
            </dl>
            if let Some(log) = &n.log { { log_grid(log) } }
            { for n.tables.iter().map(table) }
        </>
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let node = p.selected.and_then(|id| p.view.nodes.iter().find(|n| n.id == id));
    let msg = p.message.as_ref().and_then(|(id, summary)| p.view.messages.iter().find(|m| m.id == *id).map(|m| (m, summary)));
    html! {
        <div class="inspector" data-testid="inspector">
            if let Some((m, summary)) = msg {
                <div class="msg-detail">
                    <h2>{ format!("{} n{} → n{}", m.kind, m.from, m.to) }</h2>
                    <p>{ summary.clone() }</p>
                    <p class="hint">{ format!("sent {} · arrives {}{}", fmt_time(m.sent_at_us), fmt_time(m.arrives_at_us),
                        if m.corrupted { " · corrupted: the receiver's checksum will reject it" } else { "" }) }</p>
                </div>
            }
            { match node {
                Some(n) => node_detail(n, p.view.now_us),
                None => html! { <p class="hint">{ "Click a node to inspect it." }</p> },
            } }
        </div>
    }
}
