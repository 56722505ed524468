//! Painting a [`Chart`] on a canvas, windowed: only the bars inside the viewport are drawn
//! (found by the chart's binary search), labels only where they fit, so a 10,000-operation
//! history pans and zooms at frame rate. Layout units are CSS pixels.

use crate::sim::lin::{Bar, Chart, Mark, Outcome};
use crate::ui::palette::css_var;
use web_sys::CanvasRenderingContext2d;

pub const LABEL_W: f64 = 56.0;
pub const LANE_H: f64 = 26.0;
pub const AXIS_H: f64 = 22.0;
const BAR_H: f64 = 14.0;

/// What part of the history is on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// History time at the left edge of the plot.
    pub from_us: f64,
    pub us_per_px: f64,
    /// The first lane shown (fractional while scrolling).
    pub top_lane: f64,
}

impl Viewport {
    /// The whole history across a plot `plot_w` wide.
    pub fn fit(chart: &Chart, plot_w: f64) -> Viewport {
        let span = (chart.end_us - chart.start_us) as f64;
        let pad = span * 0.02;
        Viewport { from_us: chart.start_us as f64 - pad, us_per_px: ((span + 2.0 * pad) / plot_w.max(1.0)).max(1e-3), top_lane: 0.0 }
    }

    /// From `from_us` to the end of bar `b` with some room either side, `b`'s lane in view.
    pub fn around(chart: &Chart, b: &Bar, from_us: u64, plot_w: f64, lanes_shown: f64) -> Viewport {
        let (start, end) = (from_us.min(b.start_us) as f64, b.end_us.max(b.point_us.unwrap_or(0)) as f64);
        let width = ((end - start) * 1.2).max(((chart.end_us - chart.start_us) as f64) / 200.0).max(10.0);
        let top = (f64::from(b.lane) - (lanes_shown / 2.0).floor()).clamp(0.0, (chart.lanes.len() as f64 - lanes_shown.floor()).max(0.0));
        Viewport { from_us: (start + end) / 2.0 - width / 2.0, us_per_px: width / plot_w.max(1.0), top_lane: top.floor() }
    }

    pub fn x(&self, t_us: f64) -> f64 {
        LABEL_W + (t_us - self.from_us) / self.us_per_px
    }

    pub fn time_at(&self, x: f64) -> f64 {
        self.from_us + (x - LABEL_W) * self.us_per_px
    }

    /// Zoom by `factor` (below 1: in) keeping the time under `x` in place, never further
    /// out than four times the whole history (`fit_us_per_px`) nor in past a nanosecond a pixel.
    pub fn zoom(&mut self, factor: f64, x: f64, fit_us_per_px: f64) {
        let t = self.time_at(x);
        self.us_per_px = (self.us_per_px * factor).clamp(1e-3, (4.0 * fit_us_per_px).max(1e-3));
        self.from_us = t - (x - LABEL_W) * self.us_per_px;
    }

    pub fn pan(&mut self, dx_px: f64, d_lanes: f64, lanes: usize, lanes_shown: f64) {
        self.from_us += dx_px * self.us_per_px;
        self.top_lane = (self.top_lane + d_lanes).clamp(0.0, (lanes as f64 - lanes_shown).max(0.0));
    }
}

/// The colours, read once per paint (from the theme's CSS variables).
struct Colours {
    ink: String,
    muted: String,
    line: String,
    ok: String,
    bad: String,
    warn: String,
    accent: String,
    stripe: String,
}

impl Colours {
    fn read() -> Colours {
        Colours {
            ink: css_var("--ink"),
            muted: css_var("--muted"),
            line: css_var("--line"),
            ok: css_var("--t2"),
            bad: css_var("--bad"),
            warn: css_var("--warn"),
            accent: css_var("--accent"),
            stripe: css_var("--bg"),
        }
    }
}

/// A round step for axis ticks about `px` pixels apart: 1, 2 or 5 times a power of ten.
fn tick_step(us_per_px: f64, px: f64) -> f64 {
    let raw = us_per_px * px;
    // JS's Math (not Rust's float library or float formatting: both weigh on the download).
    let p = js_sys::Math::pow(10.0, js_sys::Math::floor(js_sys::Math::log10(raw)));
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|s| *s >= raw).unwrap_or(10.0 * p)
}

fn tick_label(t_us: f64, step: f64, timed: bool) -> String {
    let t = t_us.round() as i64;
    if !timed {
        return t.to_string();
    }
    let decimals = if step >= 1000.0 { 0 } else if step >= 100.0 { 1 } else if step >= 10.0 { 2 } else { 3 };
    fmt_ms(t, decimals)
}

/// Microseconds as milliseconds with `decimals` (0 to 3) decimals, by integer arithmetic.
pub fn fmt_ms(us: i64, decimals: usize) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let (whole, frac) = (us.unsigned_abs() / 1000, us.unsigned_abs() % 1000);
    match decimals.min(3) {
        0 => format!("{sign}{whole}"),
        d => format!("{sign}{whole}.{}", &format!("{frac:03}")[..d]),
    }
}

/// Paint the chart at `vp` on a context `w`×`h` layout units; returns how many bars were drawn.
pub fn paint(ctx: &CanvasRenderingContext2d, chart: &Chart, vp: &Viewport, size: (f64, f64), timed: bool, hover: Option<u32>) -> usize {
    let (w, h) = size;
    let c = Colours::read();
    let lanes_shown = ((h - AXIS_H) / LANE_H).max(1.0);
    let first_lane = vp.top_lane.floor() as usize;
    let lane_y = |lane: u32| AXIS_H + (f64::from(lane) - vp.top_lane) * LANE_H;
    // Lane stripes and labels.
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    ctx.save();
    ctx.begin_path();
    ctx.rect(0.0, AXIS_H, w, h - AXIS_H);
    ctx.clip();
    for lane in first_lane..(first_lane + lanes_shown.ceil() as usize + 1).min(chart.lanes.len()) {
        let y = lane_y(lane as u32);
        if lane % 2 == 1 {
            ctx.set_fill_style_str(&c.stripe);
            ctx.fill_rect(0.0, y, w, LANE_H);
        }
        ctx.set_fill_style_str(&c.muted);
        let _ = ctx.fill_text(&format!("c{}", chart.lanes[lane]), 6.0, y + LANE_H / 2.0);
    }
    ctx.restore();
    axis(ctx, vp, w, timed, &c);
    ctx.save();
    ctx.begin_path();
    ctx.rect(LABEL_W, AXIS_H, w - LABEL_W, h - AXIS_H);
    ctx.clip();
    let (from, to) = (vp.time_at(LABEL_W).max(0.0) as u64, vp.time_at(w).max(0.0) as u64);
    let in_view = |b: &Bar| (first_lane as f64..vp.top_lane + lanes_shown + 1.0).contains(&f64::from(b.lane));
    let visible: Vec<u32> = chart.visible(from, to).into_iter().filter(|&b| in_view(&chart.bars[b as usize])).collect();
    bars(ctx, chart, &visible, vp, &lane_y, &c);
    if let Some(h) = hover {
        let bar = &chart.bars[h as usize];
        ring(ctx, bar, vp, lane_y(bar.lane), &c);
        order_line(ctx, chart, bar.key, vp, &lane_y, &c);
    }
    ctx.restore();
    visible.len()
}

fn axis(ctx: &CanvasRenderingContext2d, vp: &Viewport, w: f64, timed: bool, c: &Colours) {
    ctx.set_stroke_style_str(&c.line);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(LABEL_W, AXIS_H - 0.5);
    ctx.line_to(w, AXIS_H - 0.5);
    ctx.stroke();
    let step = tick_step(vp.us_per_px, 90.0);
    let mut t = (vp.time_at(LABEL_W) / step).ceil() * step;
    ctx.set_fill_style_str(&c.muted);
    ctx.set_text_baseline("top");
    while vp.x(t) < w {
        let x = vp.x(t);
        ctx.fill_rect(x, AXIS_H - 5.0, 1.0, 5.0);
        let _ = ctx.fill_text(&tick_label(t, step, timed), x + 3.0, 3.0);
        t += step;
    }
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(if timed { "ms" } else { crate::i18n::t("line") }, 6.0, AXIS_H / 2.0);
}

/// How a bar is drawn: its fill, whether faded, its edge, whether dashed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Look {
    Stuck,
    Ok,
    OkFaded,
    Open,
    OpenFaded,
    Unchecked,
}

fn look(b: &Bar) -> Look {
    let faded = matches!(b.mark, Mark::Unreached | Mark::Left) || b.outcome == Outcome::Fail;
    match (b.mark, b.outcome, faded) {
        (Mark::Stuck, _, _) => Look::Stuck,
        (Mark::Unchecked, _, _) => Look::Unchecked,
        (_, Outcome::Ok, false) => Look::Ok,
        (_, Outcome::Ok, true) => Look::OkFaded,
        (_, _, false) => Look::Open,
        (_, _, true) => Look::OpenFaded,
    }
}

/// A bar's rectangle on screen: (x0, top, width).
fn rect(b: &Bar, vp: &Viewport, y: f64) -> (f64, f64, f64) {
    let x0 = vp.x(b.start_us as f64);
    let x1 = vp.x(b.end_us as f64).max(x0 + 2.0);
    (x0, y + (LANE_H - BAR_H) / 2.0, x1 - x0)
}

/// The bars in a few batched passes (one path per look, then the edges where bars are wide
/// enough to show them, then all points, then the labels that fit): a zoomed-out view of
/// thousands of bars costs a handful of fills, not thousands of state changes.
fn bars(ctx: &CanvasRenderingContext2d, chart: &Chart, visible: &[u32], vp: &Viewport, lane_y: &dyn Fn(u32) -> f64, c: &Colours) {
    let mut by_look: Vec<(Look, u32)> = visible.iter().map(|&b| (look(&chart.bars[b as usize]), b)).collect();
    by_look.sort_unstable();
    for group in by_look.chunk_by(|a, b| a.0 == b.0) {
        let l = group[0].0;
        let (fill, alpha) = match l {
            Look::Stuck => (&c.bad, 1.0),
            Look::Ok => (&c.ok, 1.0),
            Look::OkFaded => (&c.ok, 0.45),
            Look::Open | Look::Unchecked => (&c.stripe, 1.0),
            Look::OpenFaded => (&c.stripe, 0.45),
        };
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(fill);
        ctx.begin_path();
        let mut edges = Vec::new();
        for &(_, b) in group {
            let bar = &chart.bars[b as usize];
            let (x, top, w) = rect(bar, vp, lane_y(bar.lane));
            ctx.rect(x, top, w, BAR_H);
            if w >= 4.0 || l == Look::Stuck {
                edges.push((x, top, w));
            }
        }
        ctx.fill();
        edge(ctx, l, &edges, c);
    }
    ctx.set_global_alpha(1.0);
    points(ctx, chart, visible, vp, lane_y, c);
    labels(ctx, chart, visible, vp, lane_y, c);
}

/// The outlines of one look's bars: dashed for an outcome not known, red and thick for an
/// operation that cannot be placed.
fn edge(ctx: &CanvasRenderingContext2d, l: Look, edges: &[(f64, f64, f64)], c: &Colours) {
    if edges.is_empty() {
        return;
    }
    ctx.set_stroke_style_str(match l {
        Look::Stuck => &c.bad,
        Look::Unchecked => &c.warn,
        _ => &c.muted,
    });
    ctx.set_line_width(if l == Look::Stuck { 2.0 } else { 1.0 });
    let dashed = matches!(l, Look::Open | Look::OpenFaded | Look::Unchecked);
    if dashed {
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&4.0.into(), &3.0.into()));
    }
    ctx.begin_path();
    for &(x, top, w) in edges {
        ctx.rect(x + 0.5, top + 0.5, (w - 1.0).max(1.0), BAR_H - 1.0);
    }
    ctx.stroke();
    if dashed {
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
}

/// The linearization points: a tick across each bar, all in one path (and a dotted tail
/// where an unknown operation takes effect after its client stopped waiting).
fn points(ctx: &CanvasRenderingContext2d, chart: &Chart, visible: &[u32], vp: &Viewport, lane_y: &dyn Fn(u32) -> f64, c: &Colours) {
    let mut tails = Vec::new();
    ctx.set_fill_style_str(&c.ink);
    ctx.begin_path();
    for &b in visible {
        let bar = &chart.bars[b as usize];
        let Some(p) = bar.point_us else { continue };
        let (x0, top, w) = rect(bar, vp, lane_y(bar.lane));
        let x = vp.x(p as f64);
        ctx.rect(x - 1.0, top - 2.0, 2.0, BAR_H + 4.0);
        if x > x0 + w {
            tails.push((x0 + w, x, top + BAR_H / 2.0));
        }
    }
    ctx.fill();
    if tails.is_empty() {
        return;
    }
    ctx.set_stroke_style_str(&c.muted);
    ctx.set_line_width(1.0);
    let _ = ctx.set_line_dash(&js_sys::Array::of2(&2.0.into(), &2.0.into()));
    ctx.begin_path();
    for (from, to, y) in tails {
        ctx.move_to(from, y);
        ctx.line_to(to, y);
    }
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
}

/// Each bar's operation written inside it, where it fits.
fn labels(ctx: &CanvasRenderingContext2d, chart: &Chart, visible: &[u32], vp: &Viewport, lane_y: &dyn Fn(u32) -> f64, c: &Colours) {
    for &b in visible {
        let bar = &chart.bars[b as usize];
        let (x, top, w) = rect(bar, vp, lane_y(bar.lane));
        if w - 6.0 > 30.0 {
            ctx.set_fill_style_str(if bar.mark == Mark::Stuck { "#fff" } else { &c.ink });
            let _ = ctx.fill_text(&fit_text(&bar.label, w - 6.0), x + 4.0, top + BAR_H / 2.0);
        }
    }
}

/// The hovered bar, ringed.
fn ring(ctx: &CanvasRenderingContext2d, bar: &Bar, vp: &Viewport, y: f64, c: &Colours) {
    let (x, top, w) = rect(bar, vp, y);
    ctx.set_stroke_style_str(&c.accent);
    ctx.set_line_width(2.0);
    ctx.stroke_rect(x - 1.0, top - 1.0, w + 2.0, BAR_H + 2.0);
}

/// The hovered operation's key: its order as a line through the points.
fn order_line(ctx: &CanvasRenderingContext2d, chart: &Chart, key: u32, vp: &Viewport, lane_y: &dyn Fn(u32) -> f64, c: &Colours) {
    ctx.set_stroke_style_str(&c.accent);
    ctx.set_line_width(1.5);
    ctx.begin_path();
    let mut first = true;
    for &b in &chart.orders[key as usize] {
        let bar = &chart.bars[b as usize];
        let Some(p) = bar.point_us else { continue };
        let (x, y) = (vp.x(p as f64), lane_y(bar.lane) + LANE_H / 2.0);
        if first {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
        first = false;
    }
    ctx.stroke();
}

/// `text` cut to about `room` pixels (11 px type: about 6 px a character).
fn fit_text(text: &str, room: f64) -> String {
    let max = (room / 6.2) as usize;
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The bar under layout point (`x`, `y`), if any.
pub fn hit(chart: &Chart, vp: &Viewport, x: f64, y: f64) -> Option<u32> {
    if x < LABEL_W || y < AXIS_H {
        return None;
    }
    let lane = ((y - AXIS_H) / LANE_H + vp.top_lane).floor();
    let slack = 3.0 * vp.us_per_px;
    let t = vp.time_at(x);
    let (from, to) = ((t - slack).max(0.0) as u64, (t + slack).max(0.0) as u64);
    chart.visible(from, to).into_iter().find(|&b| f64::from(chart.bars[b as usize].lane) == lane)
}
