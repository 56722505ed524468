//! Messages in flight over the cluster view, painted on a canvas laid exactly over the SVG
//! (same 400 × 400 box): each at the point its flight has reached, coloured by type,
//! replies hollow, corrupted ones red, held ones faded, the hovered one ringed. Hundreds of
//! moving dots, each a copied sprite, cost about a millisecond here; as SVG elements they
//! cost the whole frame.

use crate::sim::MessageView;
use crate::ui::layout::SIZE;
use crate::ui::palette::{css_var, kind_var};
use std::rc::Rc;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageLayerProps {
    pub messages: Rc<Vec<MessageView>>,
    pub positions: Rc<Vec<(f64, f64)>>,
    pub now_us: u64,
    pub hovered: Option<u64>,
}

/// A message's radius in layout units.
pub const MSG_R: f64 = 6.0;

/// Where a message is drawn now: along its line by the share of its flight done (held ones
/// wait halfway).
pub fn msg_pos(m: &MessageView, pos: &[(f64, f64)], now: u64) -> Option<(f64, f64)> {
    let (x0, y0) = *pos.get(m.from as usize)?;
    let (x1, y1) = *pos.get(m.to as usize)?;
    let span = m.arrives_at_us.saturating_sub(m.sent_at_us).max(1) as f64;
    let f = if m.held { 0.5 } else { (now.saturating_sub(m.sent_at_us) as f64 / span).clamp(0.0, 1.0) };
    Some((x0 + (x1 - x0) * f, y0 + (y1 - y0) * f))
}

/// The message under a point (layout units), if one is within reach.
pub fn hit(messages: &[MessageView], pos: &[(f64, f64)], now: u64, (px, py): (f64, f64)) -> Option<u64> {
    messages
        .iter()
        .filter_map(|m| msg_pos(m, pos, now).map(|(x, y)| (m.id, (x - px).powi(2) + (y - py).powi(2))))
        .filter(|(_, d2)| *d2 <= (MSG_R + 3.0).powi(2))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

/// How a message is painted: its colour, hollow (a reply) or filled, faded (held) or not.
fn style(m: &MessageView) -> (&'static str, bool, bool) {
    (if m.corrupted { "--bad" } else { kind_var(m.kind) }, m.is_reply && !m.corrupted, m.held)
}

/// Each message is a pre-rendered disc copied at whole device pixels (`k` device pixels per
/// layout unit): one sprite per style, however many messages fly.
fn paint(ctx: &CanvasRenderingContext2d, p: &MessageLayerProps, k: f64) {
    let mut styles: Vec<(&'static str, bool, bool)> = p.messages.iter().map(style).collect();
    styles.sort_unstable();
    styles.dedup();
    let panel = css_var("--panel");
    let (r_px, line_px) = (MSG_R * k, 2.5 * k);
    let half = f64::from(crate::ui::canvas::sprite_side(r_px, line_px) / 2);
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    for st @ (colour, hollow, held) in styles {
        let colour = css_var(colour);
        let sprite = if hollow {
            crate::ui::canvas::disc_sprite(&panel, Some(&colour), r_px, line_px)
        } else {
            crate::ui::canvas::disc_sprite(&colour, None, r_px, line_px)
        };
        let Some(sprite) = sprite else { continue };
        ctx.set_global_alpha(if held { 0.5 } else { 1.0 });
        for m in p.messages.iter().filter(|m| style(m) == st) {
            if let Some((x, y)) = msg_pos(m, &p.positions, p.now_us) {
                let _ = ctx.draw_image_with_html_canvas_element(&sprite, (x * k - half).round(), (y * k - half).round());
            }
        }
    }
    let _ = ctx.set_transform(k, 0.0, 0.0, k, 0.0, 0.0);
    ctx.set_global_alpha(1.0);
    if let Some(m) = p.hovered.and_then(|id| p.messages.iter().find(|m| m.id == id)) {
        if let Some((x, y)) = msg_pos(m, &p.positions, p.now_us) {
            ctx.begin_path();
            let _ = ctx.arc(x, y, MSG_R + 3.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(&css_var(style(m).0));
            ctx.fill();
            ctx.set_stroke_style_str(&css_var("--ink"));
            ctx.set_line_width(2.0);
            ctx.stroke();
        }
    }
}

#[function_component(MessageLayer)]
pub fn message_layer(p: &MessageLayerProps) -> Html {
    let canvas = use_node_ref();
    let css_size = crate::ui::canvas::use_css_size(&canvas);
    {
        let canvas = canvas.clone();
        let props = MessageLayerProps { messages: p.messages.clone(), positions: p.positions.clone(), now_us: p.now_us, hovered: p.hovered };
        use_effect(move || {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else { return };
            if let Some(ctx) = crate::ui::canvas::fit(&c, css_size, SIZE) {
                paint(&ctx, &props, crate::ui::canvas::device_scale(&c, SIZE));
            }
        });
    }
    html! {
        <canvas ref={canvas} class="msg-layer" data-testid="messages" aria-hidden="true"
            data-count={p.messages.len().to_string()} data-hovered-msg={p.hovered.map(|h| h.to_string()).unwrap_or_default()}></canvas>
    }
}
