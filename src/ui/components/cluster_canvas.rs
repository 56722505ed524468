//! The cluster on a canvas, for hundreds to thousands of nodes (gossip, SWIM): nodes as
//! points coloured by role on a sunflower layout, messages in flight as fading lines. SVG
//! with a thousand nodes would cost far more than a frame; a canvas repaint costs ~1 ms.

use crate::i18n::t;
use crate::sim::{ClusterView, NodeStatus};
use crate::ui::layout::{self, SIZE};
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterCanvasProps {
    pub view: Rc<ClusterView>,
    pub selected: Option<u32>,
}

/// Canvas pixels per layout unit (the box is 400 units).
const SCALE: f64 = 2.0;

/// Reads the page's palette so the canvas follows the light and dark themes.
fn css_var(name: &str) -> String {
    let v = web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok()?
        })
        .and_then(|s| s.get_property_value(name).ok())
        .unwrap_or_default();
    if v.trim().is_empty() { "#888".into() } else { v.trim().to_string() }
}

fn role_colour(role: &str, status: Option<&NodeStatus>) -> &'static str {
    match status {
        Some(NodeStatus::Crashed) => "--crashed",
        Some(NodeStatus::Paused) => "--paused",
        _ => match role {
            "informed" | "alive" | "leader" => "--ok",
            "suspect" | "removed" => "--warn",
            "dead" | "dead-in-view" => "--bad",
            _ => "--follower",
        },
    }
}

fn paint(ctx: &CanvasRenderingContext2d, v: &ClusterView, pos: &[(f64, f64)], selected: Option<u32>) {
    let side = SIZE * SCALE;
    ctx.clear_rect(0.0, 0.0, side, side);
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str(&css_var("--m1"));
    for m in &v.messages {
        let (Some(&(x0, y0)), Some(&(x1, y1))) = (pos.get(m.from as usize), pos.get(m.to as usize)) else { continue };
        let span = m.arrives_at_us.saturating_sub(m.sent_at_us).max(1) as f64;
        let f = (v.now_us.saturating_sub(m.sent_at_us) as f64 / span).clamp(0.0, 1.0);
        ctx.set_global_alpha(0.15 + 0.5 * (1.0 - f));
        ctx.begin_path();
        ctx.move_to(x0 * SCALE, y0 * SCALE);
        ctx.line_to((x0 + (x1 - x0) * f) * SCALE, (y0 + (y1 - y0) * f) * SCALE);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    let r = if v.nodes.len() > 400 { 3.0 } else { 5.0 };
    // One path per colour: a thousand nodes cost a handful of fills.
    let mut colours: Vec<&'static str> = Vec::new();
    for n in &v.nodes {
        let c = role_colour(&n.role, n.status.as_ref());
        if !colours.contains(&c) {
            colours.push(c);
        }
    }
    for c in colours {
        ctx.set_fill_style_str(&css_var(c));
        ctx.begin_path();
        for n in v.nodes.iter().filter(|n| role_colour(&n.role, n.status.as_ref()) == c) {
            let Some(&(x, y)) = pos.get(n.id as usize) else { continue };
            ctx.move_to(x * SCALE + r, y * SCALE);
            let _ = ctx.arc(x * SCALE, y * SCALE, r, 0.0, std::f64::consts::TAU);
        }
        ctx.fill();
    }
    if let Some(&(x, y)) = selected.and_then(|s| pos.get(s as usize)) {
        ctx.set_stroke_style_str(&css_var("--ink"));
        ctx.set_line_width(2.0);
        ctx.begin_path();
        let _ = ctx.arc(x * SCALE, y * SCALE, r + 4.0, 0.0, std::f64::consts::TAU);
        ctx.stroke();
    }
}

/// The node nearest to a click, within a few units.
fn nearest(pos: &[(f64, f64)], x: f64, y: f64) -> Option<u32> {
    pos.iter()
        .enumerate()
        .map(|(i, (px, py))| (i, (px - x).powi(2) + (py - y).powi(2)))
        .filter(|(_, d)| *d < 64.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i as u32)
}

#[function_component(ClusterCanvas)]
pub fn cluster_canvas(p: &ClusterCanvasProps) -> Html {
    let canvas = use_node_ref();
    let n = p.view.nodes.len();
    let pos = use_memo(n, |n| layout::sunflower(*n));
    {
        let canvas = canvas.clone();
        let (view, pos, selected) = (p.view.clone(), pos.clone(), p.selected);
        use_effect(move || {
            let ctx = canvas
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.get_context("2d").ok().flatten())
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
            if let Some(ctx) = ctx {
                paint(&ctx, &view, &pos, selected);
            }
        });
    }
    let onclick = {
        let (canvas, pos) = (canvas.clone(), pos.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<web_sys::Element>() else { return };
            let rect = el.get_bounding_client_rect();
            let k = SIZE / rect.width().max(1.0);
            let (x, y) = ((f64::from(e.client_x()) - rect.left()) * k, (f64::from(e.client_y()) - rect.top()) * k);
            if let Some(id) = nearest(&pos, x, y) {
                dispatch(Action::Select(Some(id)));
            }
        })
    };
    let counts = p.view.nodes.iter().fold((0, 0, 0), |(up, down, paused), n| match n.status {
        Some(NodeStatus::Crashed) => (up, down + 1, paused),
        Some(NodeStatus::Paused) => (up, down, paused + 1),
        _ => (up + 1, down, paused),
    });
    html! {
        <div class="canvas-wrap">
            <canvas ref={canvas} class="cluster cluster-canvas" data-testid="cluster-canvas" data-node-count={n.to_string()}
                width={(SIZE * SCALE).to_string()} height={(SIZE * SCALE).to_string()} {onclick}
                role="img" aria-label={format!("{}: {n} {}, {} {}, {} {}", p.view.protocol, t("nodes"), counts.1, t("crashed"), p.view.messages.len(), t("messages in flight"))}></canvas>
        </div>
    }
}
