//! The cluster as SVG (up to 50 nodes): nodes coloured by role, timers as arcs, messages in
//! flight at the point their flight has reached in simulated time, cut links dashed, drops
//! marked where they happen, and the protocol's overlay (watches, lease bars, the holder).
//! One listener on the SVG serves every node and message (event delegation), so a frame
//! with hundreds of messages builds no closures.

use crate::i18n::{t, t_dyn};
use crate::sim::{ClusterView, MessageView, NodeStatus, NodeView, Overlay};
use crate::ui::layout::{self, SIZE};
use crate::ui::state::{dispatch, Action};
use std::f64::consts::PI;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterSvgProps {
    pub view: Rc<ClusterView>,
    pub overlay: Rc<Overlay>,
    pub selected: Option<u32>,
    pub hovered: Option<u64>,
    /// Recently dropped messages: drawn as a fading cross where they were lost.
    pub drops: Rc<Vec<super::spacetime::Arrow>>,
}

/// How long a drop stays visible, in simulated time.
const DROP_FADE_US: u64 = 150_000;

type Pos = [(f64, f64)];

fn drop_mark(a: &super::spacetime::Arrow, pos: &Pos, now: u64) -> Html {
    let end = a.end_us.unwrap_or(now);
    let (Some(&(x0, y0)), Some(&(x1, y1))) = (pos.get(a.from as usize), pos.get(a.to as usize)) else { return html! {} };
    if now.saturating_sub(end) > DROP_FADE_US {
        return html! {};
    }
    let (x, y) = (x0 + (x1 - x0) * 0.8, y0 + (y1 - y0) * 0.8);
    let opacity = 1.0 - now.saturating_sub(end) as f64 / DROP_FADE_US as f64;
    html! {
        <text class="drop-mark" x={format!("{x:.1}")} y={format!("{:.1}", y + 5.0)} opacity={format!("{opacity:.2}")}>
            { "×" }<title>{ format!("{} n{} → n{} {}", a.kind, a.from, a.to, t("dropped")) }</title>
        </text>
    }
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
fn timer_arc(n: &NodeView, now: u64, x: f64, y: f64, r: f64) -> Html {
    let Some(t) = n.timers.iter().find(|t| t.name != "heartbeat").or(n.timers.first()) else { return html! {} };
    let total = t.fires_at_us.saturating_sub(t.set_at_us).max(1) as f64;
    let left = (t.fires_at_us.saturating_sub(now) as f64 / total).clamp(0.0, 0.999);
    let r = r + 5.0;
    let a = 2.0 * PI * left;
    let (x0, y0) = (x, y - r);
    let (x1, y1) = (x + r * a.sin(), y - r * a.cos());
    let large = if left > 0.5 { 1 } else { 0 };
    html! {
        <path class="timer-arc" d={format!("M {x0:.1} {y0:.1} A {r} {r} 0 {large} 1 {x1:.1} {y1:.1}")}>
            <title>{ format!("{} {}", t.name, crate::i18n::t("timer")) }</title>
        </path>
    }
}

fn node_g(n: &NodeView, (x, y): (f64, f64), r: f64, now: u64, selected: bool, highlight: bool) -> Html {
    let id = n.id;
    let class = classes!("node", format!("role-{}", role_class(&n.role)), status_class(n), selected.then_some("selected"), highlight.then_some("highlight"));
    let term = n.term.map(|tm| format!("{} {tm}", t("term"))).unwrap_or_default();
    let big = r >= 18.0;
    html! {
        <g class={class} data-node-id={id.to_string()} data-role={n.role.clone()} data-status={status_class(n)}
            tabindex="0" role="button" aria-label={format!("{} {id}: {} {term}", t("node"), t_dyn(&n.role))} aria-pressed={selected.to_string()}>
            { timer_arc(n, now, x, y, r) }
            if highlight { <circle class="halo" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{:.1}", r + 9.0)} /> }
            <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} />
            <text x={format!("{x:.1}")} y={format!("{:.1}", y + if big { -4.0 } else { 4.0 })} class="node-id">{ format!("n{id}") }</text>
            if big { <text x={format!("{x:.1}")} y={format!("{:.1}", y + 10.0)} class="node-term">{ term }</text> }
            <text x={format!("{x:.1}")} y={format!("{:.1}", y + r + 15.0)} class="node-role">{ t_dyn(&n.role) }</text>
        </g>
    }
}

fn message(m: &MessageView, pos: &Pos, now: u64, hovered: bool) -> Html {
    let (Some(&(x0, y0)), Some(&(x1, y1))) = (pos.get(m.from as usize), pos.get(m.to as usize)) else { return html! {} };
    let span = m.arrives_at_us.saturating_sub(m.sent_at_us).max(1) as f64;
    let f = if m.held { 0.5 } else { (now.saturating_sub(m.sent_at_us) as f64 / span).clamp(0.0, 1.0) };
    let (x, y) = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
    let class = classes!("msg", format!("m-{}", m.kind), m.is_reply.then_some("reply"), m.corrupted.then_some("corrupted"), m.held.then_some("held"), hovered.then_some("hovered"));
    html! {
        <circle key={m.id} class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="6" data-msg-id={m.id.to_string()}>
            <title>{ format!("{} n{} → n{}", m.kind, m.from, m.to) }</title>
        </circle>
    }
}

fn line(class: Classes, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> Html {
    html! { <line class={class} x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} /> }
}

fn cut_lines(v: &ClusterView, pos: &Pos) -> Html {
    v.cut_links
        .iter()
        .filter(|(a, b)| a < b || !v.cut_links.contains(&(*b, *a)))
        .filter_map(|(a, b)| {
            let both = v.cut_links.contains(&(*b, *a));
            Some(line(classes!("cut", (!both).then_some("one-way")), *pos.get(*a as usize)?, *pos.get(*b as usize)?))
        })
        .collect()
}

/// The overlay's watches as dashed arrows, stopping short of the target node.
fn overlay_arrows(o: &Overlay, pos: &Pos, r: f64) -> Html {
    o.arrows
        .iter()
        .filter_map(|a| {
            let (x0, y0) = *pos.get(a.from as usize)?;
            let (x1, y1) = *pos.get(a.to as usize)?;
            let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt().max(1.0);
            let k = (len - r - 6.0).max(0.0) / len;
            let end = (x0 + (x1 - x0) * k, y0 + (y1 - y0) * k);
            Some(html! {
                <g class={classes!("overlay-arrow", a.kind.clone())}>
                    { line(classes!(), (x0, y0), end) }
                    <title>{ a.label.clone() }</title>
                </g>
            })
        })
        .collect()
}

/// Lease bars under nodes: the share of the session lease left.
fn overlay_bars(o: &Overlay, pos: &Pos, r: f64) -> Html {
    o.bars
        .iter()
        .filter_map(|b| {
            let (x, y) = *pos.get(b.node as usize)?;
            let w = 2.0 * r + 8.0;
            let fill = w * f64::from(b.permille.min(1000)) / 1000.0;
            let low = b.permille < 250;
            Some(html! {
                <g class={classes!("lease-bar", low.then_some("low"))} data-bar-node={b.node.to_string()} data-permille={b.permille.to_string()}>
                    <rect class="track" x={format!("{:.1}", x - w / 2.0)} y={format!("{:.1}", y + r + 20.0)} width={format!("{w:.1}")} height="5" rx="2" />
                    <rect class="fill" x={format!("{:.1}", x - w / 2.0)} y={format!("{:.1}", y + r + 20.0)} width={format!("{fill:.1}")} height="5" rx="2" />
                    <title>{ b.label.clone() }</title>
                </g>
            })
        })
        .collect()
}

/// The id in `data-<attr>` on the event's target or its nearest ancestor that has one.
pub fn data_id(e: &Event, attr: &str) -> Option<u64> {
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let found = el.closest(&format!("[data-{attr}]")).ok()??;
    found.get_attribute(&format!("data-{attr}"))?.parse().ok()
}

fn on_click(e: MouseEvent) {
    if let Some(id) = data_id(&e, "msg-id") {
        dispatch(Action::SelectMessage(id));
    } else if let Some(id) = data_id(&e, "node-id") {
        dispatch(Action::Select(Some(id as u32)));
    }
}

fn on_key(e: KeyboardEvent) {
    if e.key() == "Enter" {
        if let Some(id) = data_id(&e, "node-id") {
            e.prevent_default();
            dispatch(Action::Select(Some(id as u32)));
        }
    }
}

#[function_component(ClusterSvg)]
pub fn cluster_svg(p: &ClusterSvgProps) -> Html {
    let v = &p.view;
    let n = v.nodes.len();
    let pos = layout::positions(n, &p.overlay.groups);
    let grouped = !p.overlay.groups.is_empty();
    let r = layout::node_radius(n, grouped);
    let hovered = p.hovered;
    let on_over = Callback::from(move |e: MouseEvent| {
        let id = data_id(&e, "msg-id");
        if id != hovered {
            dispatch(Action::Hover(id));
        }
    });
    html! {
        <svg class="cluster" viewBox={format!("0 0 {SIZE} {SIZE}")} role="group" aria-label={format!("{}: {n} {}", v.protocol, t("nodes"))} data-testid="cluster"
            onclick={Callback::from(on_click)} onkeydown={Callback::from(on_key)} onmouseover={on_over}>
            if grouped {
                <text class="group-label" x="135" y="24">{ t("lock servers (Raft)") }</text>
                <text class="group-label" x="340" y="24">{ t("clients") }</text>
            } else {
                <circle class="ring" cx="200" cy="200" r={layout::RING.to_string()} />
            }
            { cut_lines(v, &pos) }
            { overlay_arrows(&p.overlay, &pos, r) }
            { for v.messages.iter().map(|m| message(m, &pos, v.now_us, hovered == Some(m.id))) }
            { for p.drops.iter().filter(|a| a.dropped).map(|a| drop_mark(a, &pos, v.now_us)) }
            { for v.nodes.iter().map(|node| node_g(node, pos.get(node.id as usize).copied().unwrap_or((200.0, 200.0)), r, v.now_us, p.selected == Some(node.id), p.overlay.highlight.contains(&node.id))) }
            { overlay_bars(&p.overlay, &pos, r) }
        </svg>
    }
}
