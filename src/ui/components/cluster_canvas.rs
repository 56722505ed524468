//! The cluster on a canvas, for hundreds to thousands of nodes (gossip, SWIM): nodes as
//! points coloured by their role's tone on a sunflower layout, messages in flight as fading lines. SVG
//! with a thousand nodes would cost far more than a frame; a canvas repaint costs ~1 ms.

use crate::i18n::t;
use crate::sim::{ClusterView, NodeStatus, NodeView};
use crate::ui::layout::{self, SIZE};
use crate::ui::palette::{css_var, tone_var};
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterCanvasProps {
    pub view: Rc<ClusterView>,
    pub selected: Option<u32>,
    /// Nodes on one circle in node order (the protocol's row says `Layout::Circle`)
    /// rather than a sunflower.
    #[prop_or_default]
    pub circle: bool,
}

fn node_colour(n: &NodeView) -> &'static str {
    match n.status {
        Some(NodeStatus::Crashed) => "--crashed",
        Some(NodeStatus::Paused) => "--paused",
        _ => tone_var(n.tone),
    }
}

fn paint(ctx: &CanvasRenderingContext2d, v: &ClusterView, pos: &[(f64, f64)], selected: Option<u32>) {
    ctx.set_line_width(0.5);
    ctx.set_stroke_style_str(&css_var("--m1"));
    for m in &v.messages {
        let (Some(&(x0, y0)), Some(&(x1, y1))) = (pos.get(m.from as usize), pos.get(m.to as usize)) else { continue };
        let span = m.arrives_at_us.saturating_sub(m.sent_at_us).max(1) as f64;
        let f = (v.now_us.saturating_sub(m.sent_at_us) as f64 / span).clamp(0.0, 1.0);
        ctx.set_global_alpha(0.15 + 0.5 * (1.0 - f));
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    let r = if v.nodes.len() > 400 { 1.6 } else { 2.6 };
    // One path of squares per colour: a thousand nodes cost a handful of fills. Nodes that
    // are not in the common state (crashed, suspect, dead) are drawn larger to stand out.
    let mut colours: Vec<&'static str> = Vec::new();
    for n in &v.nodes {
        let c = node_colour(n);
        if !colours.contains(&c) {
            colours.push(c);
        }
    }
    for c in colours {
        ctx.set_fill_style_str(&css_var(c));
        ctx.begin_path();
        let s = if matches!(c, "--ok" | "--follower") { r } else { 2.0 * r };
        for n in v.nodes.iter().filter(|n| node_colour(n) == c) {
            let Some(&(x, y)) = pos.get(n.id as usize) else { continue };
            ctx.rect(x - s, y - s, 2.0 * s, 2.0 * s);
        }
        ctx.fill();
    }
    if let Some(&(x, y)) = selected.and_then(|s| pos.get(s as usize)) {
        ctx.set_stroke_style_str(&css_var("--ink"));
        ctx.set_line_width(1.0);
        ctx.begin_path();
        let _ = ctx.arc(x, y, r + 2.5, 0.0, std::f64::consts::TAU);
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
    let css_size = crate::ui::canvas::use_css_size(&canvas);
    let n = p.view.nodes.len();
    let pos = use_memo((n, p.circle), |(n, circle)| if *circle { layout::circle(*n) } else { layout::sunflower(*n) });
    {
        let canvas = canvas.clone();
        let (view, pos, selected) = (p.view.clone(), pos.clone(), p.selected);
        use_effect(move || {
            let ctx = canvas.cast::<HtmlCanvasElement>().and_then(|c| crate::ui::canvas::fit(&c, css_size, SIZE));
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
        <div class="cluster-wrap">
            <canvas ref={canvas} class="cluster cluster-canvas" data-testid="cluster-canvas" data-node-count={n.to_string()}
                {onclick}
                role="img" aria-label={format!("{}: {n} {}, {} {}, {} {}", p.view.protocol, t("nodes"), counts.1, t("crashed"), p.view.messages.len(), t("messages in flight"))}></canvas>
        </div>
    }
}
