//! The cluster as SVG (up to 50 nodes): nodes coloured by their role's tone, timers as arcs, messages in
//! flight at the point their flight has reached in simulated time, cut links dashed, drops
//! marked where they happen, and the protocol's overlay (watches, lease bars, the holder).
//! Messages are painted on a canvas laid over the SVG (`message_layer.rs`); one listener on
//! the SVG serves every node and message (event delegation and a hit test).

// Trigonometry and powers from the browser (JavaScript's Math): Rust's own are about
// 4 KB gzipped of each module, and only drawing uses them.
use js_sys::Math;
use crate::i18n::{t, t_dyn};
use super::message_layer::{self, MessageLayer};
use crate::sim::{ClusterView, NodeStatus, NodeView, Overlay};
use crate::ui::layout::{self, SIZE};
use crate::ui::state::{dispatch, Action};
use std::f64::consts::PI;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use crate::ui::fixed::fixed;

#[derive(Properties, PartialEq)]
pub struct ClusterSvgProps {
    pub view: Rc<ClusterView>,
    pub overlay: Rc<Overlay>,
    pub selected: Option<u32>,
    pub hovered: Option<u64>,
    /// Recently dropped messages: drawn as a fading cross where they were lost.
    pub drops: Rc<Vec<super::spacetime::Arrow>>,
    /// The node a lesson step asks the student to act on (ringed like a highlight).
    #[prop_or_default]
    pub target: Option<u32>,
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
        <text class="drop-mark" x={fixed(x, 1).to_string()} y={fixed(y + 5.0, 1).to_string()} opacity={fixed(opacity, 2).to_string()}>
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

/// An arc around the node for its first timer: full when just set, empty when due.
/// The timer a node's arc draws: the one that is not a heartbeat, if any.
fn arc_timer(n: &NodeView) -> Option<&crate::sim::TimerView> {
    n.timers.iter().find(|t| t.name != "heartbeat").or(n.timers.first())
}

/// The arc's tooltip, also the end of the node's accessible name.
fn timer_text(t: &crate::sim::TimerView) -> String {
    format!("{} {}", t_dyn(&t.name), crate::i18n::t("timer"))
}

fn timer_arc(n: &NodeView, now: u64, x: f64, y: f64, r: f64) -> Html {
    let Some(t) = arc_timer(n) else { return html! {} };
    let total = t.fires_at_us.saturating_sub(t.set_at_us).max(1) as f64;
    let left = (t.fires_at_us.saturating_sub(now) as f64 / total).clamp(0.0, 0.999);
    let r = r + 5.0;
    let a = 2.0 * PI * left;
    let (x0, y0) = (x, y - r);
    let (x1, y1) = (x + r * Math::sin(a), y - r * Math::cos(a));
    let large = if left > 0.5 { 1 } else { 0 };
    html! {
        <path class="timer-arc" d={format!("M {x0_1} {y0_1} A {r_1} {r_1} 0 {large} 1 {x1_1} {y1_1}", r_1 = fixed(r, 1), x0_1 = fixed(x0, 1), y0_1 = fixed(y0, 1), x1_1 = fixed(x1, 1), y1_1 = fixed(y1, 1))}>
            <title>{ timer_text(t) }</title>
        </path>
    }
}

/// A node's accessible name: its text in drawing order ("n2 term 3 follower election
/// timer"), so that speech input and screen readers name it as it reads; a small node,
/// whose headline is not drawn, has it last.
fn node_label(n: &NodeView, term: &str, big: bool) -> String {
    let role = t_dyn(&n.role);
    let timer = arc_timer(n).map(timer_text).unwrap_or_default();
    let id = format!("n{}", n.id);
    let parts = if big { [id.as_str(), term, &role, &timer] } else { [id.as_str(), &role, &timer, term] };
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

fn node_g(n: &NodeView, term_name: &str, (x, y): (f64, f64), r: f64, now: u64, selected: bool, highlight: bool) -> Html {
    let id = n.id;
    let class = classes!("node", format!("tone-{}", n.tone.as_str()), status_class(n), selected.then_some("selected"), highlight.then_some("highlight"));
    let term = n.term.map(|tm| format!("{} {tm}", t_dyn(term_name))).unwrap_or_default();
    let big = r >= 18.0;
    html! {
        <g class={class} data-node-id={id.to_string()} data-role={n.role.clone()} data-tone={n.tone.as_str()} data-status={status_class(n)}
            tabindex="0" role="button" aria-label={node_label(n, &term, big)} aria-pressed={selected.to_string()}>
            if highlight { <circle class="halo" cx={fixed(x, 1).to_string()} cy={fixed(y, 1).to_string()} r={fixed(r + 9.0, 1).to_string()} /> }
            <circle cx={fixed(x, 1).to_string()} cy={fixed(y, 1).to_string()} r={fixed(r, 1).to_string()} />
            <text x={fixed(x, 1).to_string()} y={fixed(y + if big { -4.0 } else { 4.0 }, 1).to_string()} class="node-id">{ format!("n{id}") }</text>
            // Spaces between the texts (SVG draws none of them) so that the node's text
            // reads as words, as its accessible name does.
            { " " }
            if big {
                // A long headline ("incarnation 12", Chinese words) is squeezed to fit inside the circle.
                <text x={fixed(x, 1).to_string()} y={fixed(y + 10.0, 1).to_string()} class="node-term"
                    textLength={(term.chars().count() > 8).then(|| fixed(r * 1.6, 1).to_string())}
                    lengthAdjust={(term.chars().count() > 8).then_some("spacingAndGlyphs")}>{ term }</text>
                { " " }
            }
            <text x={fixed(x, 1).to_string()} y={fixed(y + r + 15.0, 1).to_string()} class="node-role">{ t_dyn(&n.role) }</text>
            { " " }
            // Last, so that the node's text reads first (its accessible name follows it).
            { timer_arc(n, now, x, y, r) }
        </g>
    }
}

fn line(class: Classes, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> Html {
    html! { <line class={class} x1={fixed(x0, 1).to_string()} y1={fixed(y0, 1).to_string()} x2={fixed(x1, 1).to_string()} y2={fixed(y1, 1).to_string()} /> }
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
                    <title>{ t_dyn(&a.label) }</title>
                </g>
            })
        })
        .collect()
}

/// Lease bars under nodes: the share of the session lease left.
/// The radius of the hash circle drawn around the nodes.
const ARC_RING: f64 = layout::RING + 50.0;

/// A hash circle's arcs around the nodes, each in its owner's colour (one of eight), from
/// the top clockwise; its owner named for a pointer and a screen reader.
fn overlay_arcs(o: &Overlay) -> Html {
    let point = |f: u32| {
        let a = f64::from(f) / 4_294_967_296.0 * 2.0 * PI - PI / 2.0;
        (200.0 + ARC_RING * Math::cos(a), 200.0 + ARC_RING * Math::sin(a))
    };
    html! {
        <g class="token-arcs" data-testid="token-arcs">
            { for o.arcs.iter().map(|arc| {
                let (x0, y0) = point(arc.start);
                let (x1, y1) = point(arc.end);
                let large = u32::from(arc.end.wrapping_sub(arc.start) > u32::MAX / 2);
                let d = format!("M {} {} A {r} {r} 0 {large} 1 {} {}", fixed(x0, 1), fixed(y0, 1), fixed(x1, 1), fixed(y1, 1), r = fixed(ARC_RING, 0));
                html! { <path class={format!("token-arc owner-{}", arc.node % 8)} d={d}><title>{ format!("n{}", arc.node) }</title></path> }
            }) }
        </g>
    }
}

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
                    <rect class="track" x={fixed(x - w / 2.0, 1).to_string()} y={fixed(y + r + 20.0, 1).to_string()} width={fixed(w, 1).to_string()} height="5" rx="2" />
                    <rect class="fill" x={fixed(x - w / 2.0, 1).to_string()} y={fixed(y + r + 20.0, 1).to_string()} width={fixed(fill, 1).to_string()} height="5" rx="2" />
                    <title>{ t_dyn(&b.label) }</title>
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

/// A pointer event's position in the SVG's 400 × 400 box.
fn svg_point(e: &MouseEvent) -> Option<(f64, f64)> {
    let el = e.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let r = el.get_bounding_client_rect();
    let side = r.width().min(r.height()).max(1.0);
    let (ox, oy) = (r.left() + (r.width() - side) / 2.0, r.top() + (r.height() - side) / 2.0);
    Some(((f64::from(e.client_x()) - ox) * SIZE / side, (f64::from(e.client_y()) - oy) * SIZE / side))
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
    let messages = Rc::new(v.messages.clone());
    let positions = Rc::new(pos.clone());
    let hit = {
        let (messages, positions, now) = (messages.clone(), positions.clone(), v.now_us);
        move |e: &MouseEvent| svg_point(e).and_then(|pt| message_layer::hit(&messages, &positions, now, pt))
    };
    let on_move = {
        let hit = hit.clone();
        Callback::from(move |e: MouseEvent| {
            let id = hit(&e);
            if id != hovered {
                dispatch(Action::Hover(id));
            }
        })
    };
    let on_click = Callback::from(move |e: MouseEvent| {
        if let Some(id) = hit(&e) {
            dispatch(Action::SelectMessage(id));
        } else if let Some(id) = data_id(&e, "node-id") {
            dispatch(Action::Select(Some(id as u32)));
        }
    });
    html! {
        <div class="cluster-wrap">
        <svg class="cluster" viewBox={format!("0 0 {size} {size}", size = fixed(SIZE, 0))} role="group" aria-label={format!("{}: {n} {}", v.protocol, t("nodes"))} data-testid="cluster"
            onclick={on_click} onkeydown={Callback::from(on_key)} onmousemove={on_move}>
            if grouped {
                { for layout::group_labels(&p.overlay.groups, &p.overlay.group_titles).into_iter().map(|(label, x, y)| html! {
                    <text class="group-label" x={fixed(x, 0).to_string()} y={fixed(y, 0).to_string()}>{ t_dyn(&label) }</text>
                }) }
            } else {
                <circle class="ring" cx="200" cy="200" r={fixed(layout::RING, 0).to_string()} />
            }
            { cut_lines(v, &pos) }
            if !p.overlay.arcs.is_empty() { { overlay_arcs(&p.overlay) } }
            { overlay_arrows(&p.overlay, &pos, r) }
            { for p.drops.iter().filter(|a| a.dropped).map(|a| drop_mark(a, &pos, v.now_us)) }
            { for v.nodes.iter().map(|node| node_g(node, v.term_name, pos.get(node.id as usize).copied().unwrap_or((200.0, 200.0)), r, v.now_us, p.selected == Some(node.id), p.overlay.highlight.contains(&node.id) || p.target == Some(node.id))) }
            { overlay_bars(&p.overlay, &pos, r) }
        </svg>
        <MessageLayer {messages} {positions} now_us={v.now_us} {hovered} />
        </div>
    }
}
