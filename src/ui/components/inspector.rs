//! The node inspector: the protocol's state in full, from the node's view.

use super::fmt_time;
use super::overlay_panel::table;
use crate::i18n::{t, t_dyn};
use crate::sim::{LogView, MessageView, NodeView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The selected node's view (None: nothing selected).
    pub node: Option<NodeView>,
    /// Simulated time, for the timers of the selected node (0 when none is selected).
    pub now_us: u64,
    /// What the node's term counts (term, ballot, incarnation).
    pub term_name: &'static str,
    /// The clicked message while in flight, with its summary.
    pub message: Option<(MessageView, String)>,
}

fn log_grid(log: &LogView) -> Html {
    html! {
        <div class="log" aria-label={t("log")}>
            { for log.entries.iter().map(|e| {
                let class = classes!("entry", format!("t{}", e.term % 8),
                    (e.index <= log.commit_index).then_some("committed"), (e.index <= log.last_applied).then_some("applied"));
                html! {
                    <div class={class} title={format!("{} {} {} {}: {}", t("index"), e.index, t("term"), e.term, e.label)}>
                        <span class="idx">{ e.index }</span>
                        <span class="term">{ format!("t{}", e.term) }</span>
                        <span class="label">{ e.label.clone() }</span>
                    </div>
                }
            }) }
            <p class="log-marks">{ format!("commitIndex {} · lastApplied {}", log.commit_index, log.last_applied) }</p>
        </div>
    }
}

fn node_detail(n: &NodeView, term_name: &str, now: u64) -> Html {
    let status = match n.status {
        Some(crate::sim::NodeStatus::Crashed) => t("crashed"),
        Some(crate::sim::NodeStatus::Paused) => t("paused"),
        _ => t("up"),
    };
    html! {
        <>
            <h2>{ format!("{} {} · {}", t("Node"), n.id, t_dyn(&n.role)) }</h2>
            <dl class="fields">
                <dt>{ t("status") }</dt><dd>{ status }</dd>
                if let Some(term) = n.term { <dt>{ t_dyn(term_name) }</dt><dd>{ term }</dd> }
                { for n.fields.iter().map(|(k, v)| html! { <><dt>{ t_dyn(k) }</dt><dd>{ v.clone() }</dd></> }) }
                if n.clock_skew_us != 0 { <dt>{ t("clock skew") }</dt><dd>{ format!("{} ms", n.clock_skew_us / 1000) }</dd> }
                if n.clock_drift_ppm != 0 { <dt>{ t("clock drift") }</dt><dd>{ format!("{}{}%", if n.clock_drift_ppm > 0 { "+" } else { "" }, crate::ui::fixed::fixed(n.clock_drift_ppm as f64 / 10_000.0, 1)) }</dd> }
                if n.slow_factor > 1 { <dt>{ t("slowdown") }</dt><dd>{ format!("×{}", n.slow_factor) }</dd> }
                { for n.timers.iter().map(|tm| html! { <><dt>{ format!("{} {}", t_dyn(&tm.name), t("timer")) }</dt><dd>{ format!("{} {}", t("fires in"), fmt_time(tm.fires_at_us.saturating_sub(now))) }</dd></> }) }
            </dl>
            if let Some(log) = &n.log { { log_grid(log) } }
            { for n.tables.iter().map(table) }
        </>
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let node = p.node.as_ref();
    let msg = p.message.as_ref();
    html! {
        <div class="inspector" data-testid="inspector">
            if let Some((m, summary)) = msg {
                <div class="msg-detail">
                    <h2>{ format!("{} n{} → n{}", m.kind, m.from, m.to) }</h2>
                    <p>{ summary.clone() }</p>
                    <p class="hint">{ format!("{} {} · {} {}{}", t("sent"), fmt_time(m.sent_at_us), t("arrives"), fmt_time(m.arrives_at_us),
                        if m.corrupted { t(" · corrupted: the receiver's checksum will reject it") } else { "" }) }</p>
                </div>
            }
            { match node {
                Some(n) => node_detail(n, p.term_name, p.now_us),
                None => html! { <p class="hint">{ t("Click a node or a message to inspect it.") }</p> },
            } }
        </div>
    }
}
