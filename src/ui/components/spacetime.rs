//! The space-time (Lamport) diagram: a lane per node, an arrow per message over the last
//! stretch of simulated time up to the playhead, dropped messages ending in a cross. Hovering
//! an arrow lights the message up in the cluster view too. Drawn on a canvas (hundreds of
//! arrows sliding every frame cost far less there than as SVG elements); `svg_text` writes
//! the same drawing as an SVG file for export.

use crate::i18n::t;
use crate::ui::palette::{css_var, kind_var};
use crate::sim::{TraceKind, TraceRecord};
use crate::ui::state::{dispatch, Action};
use crate::sim::sorted::SortedMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;
use crate::ui::fixed::fixed;

/// One message as drawn: from a lane at its send time to a lane at its end time.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub msg_id: u64,
    pub from: u32,
    pub to: u32,
    pub kind: &'static str,
    pub sent_us: u64,
    /// Delivery or drop time; `None` while still in flight.
    pub end_us: Option<u64>,
    /// When the network planned to deliver it (drawn while it is in flight).
    pub planned_us: u64,
    pub dropped: bool,
}

/// Arrows for the messages sent in `records` (a time window of the trace): the newest `cap`.
pub fn arrows<'a>(records: impl Iterator<Item = &'a TraceRecord> + Clone, cap: usize) -> Vec<Arrow> {
    let sends = records.clone().filter(|r| matches!(r.kind, TraceKind::Send { .. })).count();
    let mut skip = sends.saturating_sub(cap);
    let mut by_id: SortedMap<u64, Arrow> = SortedMap::new();
    for r in records {
        match &r.kind {
            TraceKind::Send { .. } if skip > 0 => skip -= 1,
            TraceKind::Send { msg_id, to, kind, arrives_at_us, .. } => {
                let from = r.node.unwrap_or(0);
                by_id.insert(*msg_id, Arrow { msg_id: *msg_id, from, to: *to, kind, sent_us: r.time_us, end_us: None, planned_us: *arrives_at_us, dropped: false });
            }
            TraceKind::Deliver { msg_id, .. } => {
                if let Some(a) = by_id.get_mut(msg_id) {
                    a.end_us = Some(r.time_us);
                }
            }
            TraceKind::Drop { msg_id, .. } => {
                if let Some(a) = by_id.get_mut(msg_id) {
                    a.end_us = Some(r.time_us);
                    a.dropped = true;
                }
            }
            _ => {}
        }
    }
    by_id.into_values().collect()
}

#[derive(Properties, PartialEq)]
pub struct SpacetimeProps {
    pub arrows: Rc<Vec<Arrow>>,
    pub n: u32,
    pub start_us: u64,
    pub now_us: u64,
    pub hovered: Option<u64>,
}

pub const W: f64 = 640.0;
pub const LANE: f64 = 26.0;
pub const LEFT: f64 = 34.0;
pub const RIGHT: f64 = 8.0;

pub fn lane_y(n: u32) -> f64 {
    14.0 + n as f64 * LANE
}

/// The drawing's geometry for one frame: the time window mapped onto the lanes.
#[derive(Clone, Copy)]
pub struct Frame {
    pub start_us: u64,
    pub now_us: u64,
}

impl Frame {
    /// Where time `t` falls across the drawing; left of `LEFT` for times before the window,
    /// so that an arrow sent earlier keeps its slope and is cut where the window begins.
    fn x(&self, t: u64) -> f64 {
        let span = self.now_us.saturating_sub(self.start_us).max(1) as f64;
        LEFT + ((t as f64 - self.start_us as f64) / span) * (W - LEFT - RIGHT)
    }
    /// The segment drawn for an arrow: delivered ones end at the receiver, dropped ones halfway
    /// at the drop, in-flight ones head for their planned arrival and stop at the playhead.
    pub fn segment(&self, a: &Arrow) -> Seg {
        let (x0, y0) = (self.x(a.sent_us), lane_y(a.from));
        let end = match (a.end_us, a.dropped) {
            (Some(e), true) => (self.x(e).max(x0 + 4.0), (y0 + lane_y(a.to)) / 2.0),
            (Some(e), false) => (self.x(e), lane_y(a.to)),
            (None, _) => {
                // Toward the planned arrival, cut at the playhead (no drawing past the edge).
                let (x1, y1) = (self.x(a.planned_us.max(a.sent_us + 1)), lane_y(a.to));
                let edge = self.x(self.now_us);
                if x1 > edge && x1 > x0 {
                    (edge, y0 + (y1 - y0) * (edge - x0) / (x1 - x0))
                } else {
                    (x1, y1)
                }
            }
        };
        ((x0, y0), end)
    }
}

/// A segment cut to the drawing's time window (x from `LEFT` to `W - RIGHT`), or `None` when
/// none of it falls inside. Cutting here rather than with a canvas clip matters: a clip whose
/// edges fall between device pixels makes a software rasterizer mask every line, four times
/// the cost of drawing them.
fn clip_x(((x0, y0), (x1, y1)): Seg) -> Option<Seg> {
    let (lo, hi) = (LEFT, W - RIGHT);
    if x0.max(x1) < lo || x0.min(x1) > hi {
        return None;
    }
    let at = |x: f64| if (x1 - x0).abs() < 1e-9 { y0 } else { y0 + (y1 - y0) * (x - x0) / (x1 - x0) };
    let cut = |p: (f64, f64)| if p.0 < lo { (lo, at(lo)) } else if p.0 > hi { (hi, at(hi)) } else { p };
    Some((cut((x0, y0)), cut((x1, y1))))
}

/// A segment from one point to another, in layout units.
type Seg = ((f64, f64), (f64, f64));

impl Frame {
    /// What is drawn of an arrow: its segment cut to the window, and whether its end (where a
    /// dropped one gets its cross) is inside the window.
    pub fn visible(&self, a: &Arrow) -> Option<(Seg, bool)> {
        let seg = self.segment(a);
        let end_inside = (LEFT..=W - RIGHT).contains(&seg.1 .0);
        clip_x(seg).map(|s| (s, end_inside))
    }
}

pub fn height(n: u32) -> f64 {
    lane_y(n) - LANE + 14.0
}

/// Distance from `p` to the segment `a`–`b`.
fn dist((px, py): (f64, f64), (ax, ay): (f64, f64), (bx, by): (f64, f64)) -> f64 {
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = (dx * dx + dy * dy).max(1e-9);
    let k = (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0);
    ((px - ax - k * dx).powi(2) + (py - ay - k * dy).powi(2)).sqrt()
}

/// The arrow under a point (layout units), if one passes within a few units.
pub fn hit(arrows: &[Arrow], f: Frame, p: (f64, f64)) -> Option<u64> {
    arrows
        .iter()
        .filter_map(|a| f.visible(a).map(|((s, e), _)| (a.msg_id, dist(p, s, e))))
        .filter(|(_, d)| *d < 5.0)
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(id, _)| id)
}

/// Add an arrow (and a cross where a dropped one ends) to the current path.
fn trace_arrow(ctx: &CanvasRenderingContext2d, ((x0, y0), (x1, y1)): Seg, cross: bool) {
    ctx.move_to(x0, y0);
    ctx.line_to(x1, y1);
    if cross {
        ctx.move_to(x1 - 4.0, y1 - 4.0);
        ctx.line_to(x1 + 4.0, y1 + 4.0);
        ctx.move_to(x1 - 4.0, y1 + 4.0);
        ctx.line_to(x1 + 4.0, y1 - 4.0);
    }
}

/// A line width of about one CSS pixel that is a whole number of device pixels (`k` device
/// pixels per layout unit): at one device pixel a software rasterizer draws hairlines, five
/// times faster than wider anti-aliased strokes.
fn thin_line(k: f64) -> f64 {
    k.round().max(1.0) / k
}

fn paint(ctx: &CanvasRenderingContext2d, p: &SpacetimeProps, k: f64) {
    let f = Frame { start_us: p.start_us, now_us: p.now_us };
    let h = height(p.n);
    ctx.set_line_width(thin_line(k));
    ctx.set_stroke_style_str(&css_var("--line"));
    ctx.set_fill_style_str(&css_var("--muted"));
    ctx.set_font("11px system-ui, sans-serif");
    for n in 0..p.n {
        let y = lane_y(n);
        ctx.begin_path();
        ctx.move_to(LEFT, y);
        ctx.line_to(W - RIGHT, y);
        ctx.stroke();
        let _ = ctx.fill_text(&format!("n{n}"), 4.0, y + 4.0);
    }
    // One path per (colour, in flight) group: a handful of strokes instead of hundreds.
    let style = |a: &Arrow| (if a.dropped { "--bad" } else { kind_var(a.kind) }, a.end_us.is_none());
    let mut groups: Vec<(&'static str, bool)> = p.arrows.iter().map(style).collect();
    groups.sort_unstable();
    groups.dedup();
    // In-flight arrows are fainter rather than dashed: a dash pattern over hundreds of long
    // lines costs a software rasterizer more than the whole rest of the frame.
    ctx.set_line_width(thin_line(k));
    for (colour, flying) in groups {
        ctx.set_stroke_style_str(&css_var(colour));
        ctx.set_global_alpha(if flying { 0.45 } else { 0.85 });
        ctx.begin_path();
        for a in p.arrows.iter().filter(|a| style(a) == (colour, flying)) {
            if let Some((seg, end_inside)) = f.visible(a) {
                trace_arrow(ctx, seg, a.dropped && end_inside);
            }
        }
        ctx.stroke();
    }
    let hovered = p.hovered.and_then(|id| p.arrows.iter().find(|a| a.msg_id == id));
    if let Some((a, (seg, end_inside))) = hovered.and_then(|a| f.visible(a).map(|v| (a, v))) {
        ctx.set_global_alpha(1.0);
        ctx.set_line_width(3.5);
        ctx.set_stroke_style_str(&css_var(style(a).0));
        ctx.begin_path();
        trace_arrow(ctx, seg, a.dropped && end_inside);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    ctx.set_stroke_style_str(&css_var("--accent"));
    ctx.set_line_width(1.5);
    ctx.begin_path();
    ctx.move_to(W - RIGHT, 0.0);
    ctx.line_to(W - RIGHT, h);
    ctx.stroke();
}

/// The diagram as a standalone SVG document (the "Diagram SVG" download).
pub fn svg_text(arrows: &[Arrow], n: u32, start_us: u64, now_us: u64) -> String {
    let f = Frame { start_us, now_us };
    let h = height(n);
    let mut s = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w_0} {h_0}\" font-family=\"sans-serif\" font-size=\"11\">\n", w_0 = fixed(W, 0), h_0 = fixed(h, 0));
    s += &format!("<title>ClusterLab space-time diagram, {} s to {} s</title>\n", fixed(start_us as f64 / 1e6, 3), fixed(now_us as f64 / 1e6, 3));
    for i in 0..n {
        let y = lane_y(i);
        s += &format!("<text x=\"4\" y=\"{}\" fill=\"#5d6678\">n{i}</text><line x1=\"{left_0}\" x2=\"{}\" y1=\"{y_1}\" y2=\"{y_1}\" stroke=\"#dde1e8\"/>\n", fixed(y + 4.0, 1), fixed(W - RIGHT, 0), left_0 = fixed(LEFT, 0), y_1 = fixed(y, 1));
    }
    s += &format!("<clipPath id=\"w\"><rect x=\"{left_0}\" y=\"0\" width=\"{}\" height=\"{h_0}\"/></clipPath>\n<g clip-path=\"url(#w)\">\n", fixed(W - LEFT - RIGHT, 0), left_0 = fixed(LEFT, 0), h_0 = fixed(h, 0));
    for a in arrows {
        let ((x0, y0), (x1, y1)) = f.segment(a);
        let colour = if a.dropped { "#d93a3a" } else { "#3b6fe0" };
        let dash = if a.end_us.is_none() { " stroke-dasharray=\"3 3\"" } else { "" };
        s += &format!("<line data-msg-id=\"{}\" x1=\"{x0_1}\" y1=\"{y0_1}\" x2=\"{x1_1}\" y2=\"{y1_1}\" stroke=\"{colour}\" stroke-width=\"1.2\"{dash}><title>{} n{} → n{}</title></line>\n", a.msg_id, a.kind, a.from, a.to, x0_1 = fixed(x0, 1), y0_1 = fixed(y0, 1), x1_1 = fixed(x1, 1), y1_1 = fixed(y1, 1));
        if a.dropped {
            s += &format!("<path d=\"M{} {} L{} {} M{} {} L{} {}\" stroke=\"#d93a3a\"/>\n", fixed(x1 - 4.0, 1), fixed(y1 - 4.0, 1), fixed(x1 + 4.0, 1), fixed(y1 + 4.0, 1), fixed(x1 - 4.0, 1), fixed(y1 + 4.0, 1), fixed(x1 + 4.0, 1), fixed(y1 - 4.0, 1));
        }
    }
    s += &format!("</g>\n<line x1=\"{0}\" x2=\"{0}\" y1=\"0\" y2=\"{h_0}\" stroke=\"#3b6fe0\" stroke-width=\"1.5\"/>\n</svg>\n", fixed(W - RIGHT, 0), h_0 = fixed(h, 0));
    s
}

/// A pointer event's position in layout units of the canvas it happened on.
fn layout_point(e: &MouseEvent) -> Option<(f64, f64)> {
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let r = el.get_bounding_client_rect();
    let k = W / r.width().max(1.0);
    Some(((f64::from(e.client_x()) - r.left()) * k, (f64::from(e.client_y()) - r.top()) * k))
}

#[function_component(Spacetime)]
pub fn spacetime(p: &SpacetimeProps) -> Html {
    let canvas = use_node_ref();
    crate::ui::css::use_css(&canvas, vec![("aspect-ratio", format!("{} / {}", fixed(W, 0), fixed(height(p.n), 0)))]);
    let css_size = crate::ui::canvas::use_css_size(&canvas);
    {
        let canvas = canvas.clone();
        let props = SpacetimeProps { arrows: p.arrows.clone(), n: p.n, start_us: p.start_us, now_us: p.now_us, hovered: p.hovered };
        use_effect(move || {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else { return };
            if let Some(ctx) = crate::ui::canvas::fit(&c, css_size, W) {
                paint(&ctx, &props, crate::ui::canvas::device_scale(&c, W));
            }
        });
    }
    let f = Frame { start_us: p.start_us, now_us: p.now_us };
    let (arrows, hovered) = (p.arrows.clone(), p.hovered);
    let on_move = Callback::from(move |e: MouseEvent| {
        let id = layout_point(&e).and_then(|pt| hit(&arrows, f, pt));
        if id != hovered {
            dispatch(Action::Hover(id));
        }
    });
    let arrows = p.arrows.clone();
    let on_click = Callback::from(move |e: MouseEvent| {
        if let Some(id) = layout_point(&e).and_then(|pt| hit(&arrows, f, pt)) {
            dispatch(Action::SelectMessage(id));
        }
    });
    let dropped = p.arrows.iter().filter(|a| a.dropped).count();
    html! {
        <div class="spacetime">
            <h2>{ t("Space-time diagram") }</h2>
            <canvas ref={canvas} data-testid="spacetime"
                data-arrow-count={p.arrows.len().to_string()} data-last-msg={p.arrows.iter().map(|a| a.msg_id).max().unwrap_or(0).to_string()}
                data-hovered-msg={p.hovered.map(|h| h.to_string()).unwrap_or_default()}
                role="img" aria-label={format!("{}: {} {}, {} {}", t("Space-time diagram of recent messages"), p.arrows.len(), t("messages"), dropped, t("dropped"))}
                onmousemove={on_move} onmouseleave={Callback::from(|_| dispatch(Action::Hover(None)))} onclick={on_click}></canvas>
        </div>
    }
}
