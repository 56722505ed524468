//! The cluster as SVG: nodes on a ring coloured by role, timers as arcs, messages in flight
//! at the point their flight has reached in simulated time, cut links dashed.

use crate::sim::{ClusterView, MessageView, NodeStatus, NodeView};
use crate::ui::state::{dispatch, Action};
use std::f64::consts::PI;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterSvgProps {
    pub view: Rc<ClusterView>,
    pub selected: Option<u32>,
    pub hovered: Option<u64>,
    /// Recently dropped messages: drawn as a fading cross where they were lost.
    pub drops: Rc<Vec<super::spacetime::Arrow>>,
}

/// How long a drop stays visible, in simulated time.
const DROP_FADE_US: u64 = 150_000;

fn drop_mark(a: &super::spacetime::Arrow, n: u32, now: u64) -> Html {
    let end = a.end_us.unwrap_or(now);
    if now.saturating_sub(end) > DROP_FADE_US {
        return html! {};
    }
    let (x0, y0) = node_pos(a.from, n);
    let (x1, y1) = node_pos(a.to, n);
    let (x, y) = (x0 + (x1 - x0) * 0.8, y0 + (y1 - y0) * 0.8);
    let opacity = 1.0 - now.saturating_sub(end) as f64 / DROP_FADE_US as f64;
    html! {
        <text class="drop-mark" x={format!("{x:.1}")} y={format!("{:.1}", y + 5.0)} opacity={format!("{opacity:.2}")}>
            { "×" }<title>{ format!("{} n{} → n{} dropped", a.kind, a.from, a.to) }</title>
        </text>
    }
}

const C: f64 = 200.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 26.0;

pub fn node_pos(i: u32, n: u32) -> (f64, f64) {
    let a = -PI / 2.0 + 2.0 * PI * i as f64 / n.max(1) as f64;
    (C + RING * a.cos(), C + RING * a.sin())
}

fn status_class(n: &NodeView) -> &'static str {
    match n.status {
        Some(NodeStatus::Crashed) => "crashed",
        Some(NodeStatus::Paused) => "paused",
        _ => "up",
    }
}

fn role_class(role: &str) -> String {
    role.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("").to_string()
}

/// An arc around the node for its first timer: full when just set, empty when due.
fn timer_arc(n: &NodeView, now: u64, x: f64, y: f64) -> Html {
    let Some(t) = n.timers.iter().find(|t| t.name != "heartbeat").or(n.timers.first()) else { return html! {} };
    let total = t.fires_at_us.saturating_sub(t.set_at_us).max(1) as f64;
    let left = (t.fires_at_us.saturating_sub(now) as f64 / total).clamp(0.0, 0.999);
    let r = NODE_R + 5.0;
    let a = 2.0 * PI * left;
    let (x0, y0) = (x, y - r);
    let (x1, y1) = (x + r * a.sin(), y - r * a.cos());
    let large = if left > 0.5 { 1 } else { 0 };
    html! {
        <path class="timer-arc" d={format!("M {x0:.1} {y0:.1} A {r} {r} 0 {large} 1 {x1:.1} {y1:.1}")}>
            <title>{ format!("{} timer", t.name) }</title>
        </path>
    }
}

fn node_g(n: &NodeView, count: u32, now: u64, selected: bool) -> Html {
    let (x, y) = node_pos(n.id, count);
    let id = n.id;
    let onclick = Callback::from(move |_| dispatch(Action::Select(Some(id))));
    let class = classes!("node", format!("role-{}", role_class(&n.role)), status_class(n), selected.then_some("selected"));
    let term = n.term.map(|t| format!("term {t}")).unwrap_or_default();
    html! {
        <g class={class} data-node-id={id.to_string()} data-role={n.role.clone()} data-status={status_class(n)}
            tabindex="0" role="button" aria-label={format!("node {id}: {} {term}", n.role)} {onclick}>
            { timer_arc(n, now, x, y) }
            <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={NODE_R.to_string()} />
            <text x={format!("{x:.1}")} y={format!("{:.1}", y - 4.0)} class="node-id">{ format!("n{id}") }</text>
            <text x={format!("{x:.1}")} y={format!("{:.1}", y + 10.0)} class="node-term">{ term }</text>
            <text x={format!("{x:.1}")} y={format!("{:.1}", y + NODE_R + 16.0)} class="node-role">{ n.role.clone() }</text>
        </g>
    }
}

fn message(m: &MessageView, n: u32, now: u64, hovered: bool) -> Html {
    let (x0, y0) = node_pos(m.from, n);
    let (x1, y1) = node_pos(m.to, n);
    let span = m.arrives_at_us.saturating_sub(m.sent_at_us).max(1) as f64;
    let f = if m.held { 0.5 } else { (now.saturating_sub(m.sent_at_us) as f64 / span).clamp(0.0, 1.0) };
    let (x, y) = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
    let class = classes!("msg", format!("m-{}", m.kind), m.is_reply.then_some("reply"), m.corrupted.then_some("corrupted"), m.held.then_some("held"), hovered.then_some("hovered"));
    let id = m.id;
    let onclick = Callback::from(move |_| dispatch(Action::SelectMessage(id)));
    let onmouseenter = Callback::from(move |_| dispatch(Action::Hover(Some(id))));
    let onmouseleave = Callback::from(|_| dispatch(Action::Hover(None)));
    html! {
        <circle class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="6" data-msg-id={m.id.to_string()} {onclick} {onmouseenter} {onmouseleave}>
            <title>{ format!("{} n{} → n{}", m.kind, m.from, m.to) }</title>
        </circle>
    }
}

fn cut_lines(v: &ClusterView) -> Html {
    let n = v.nodes.len() as u32;
    v.cut_links
        .iter()
        .filter(|(a, b)| a < b || !v.cut_links.contains(&(*b, *a)))
        .map(|(a, b)| {
            let (x0, y0) = node_pos(*a, n);
            let (x1, y1) = node_pos(*b, n);
            let both = v.cut_links.contains(&(*b, *a));
            html! { <line class={classes!("cut", (!both).then_some("one-way"))} x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} /> }
        })
        .collect()
}

#[function_component(ClusterSvg)]
pub fn cluster_svg(p: &ClusterSvgProps) -> Html {
    let v = &p.view;
    let n = v.nodes.len() as u32;
    html! {
        <svg class="cluster" viewBox="0 0 400 400" role="img" aria-label={format!("{} cluster of {n} nodes", v.protocol)} data-testid="cluster">
            <circle class="ring" cx="200" cy="200" r={RING.to_string()} />
            { cut_lines(v) }
            { for v.messages.iter().map(|m| message(m, n, v.now_us, p.hovered == Some(m.id))) }
            { for p.drops.iter().filter(|a| a.dropped).map(|a| drop_mark(a, n, v.now_us)) }
            { for v.nodes.iter().map(|node| node_g(node, n, v.now_us, p.selected == Some(node.id))) }
        </svg>
    }
}
