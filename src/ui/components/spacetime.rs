//! The space-time (Lamport) diagram: a lane per node, an arrow per message over the last
//! stretch of simulated time up to the playhead, dropped messages ending in a cross. Hovering
//! an arrow lights the message up in the cluster view too.

use crate::i18n::t;
use crate::sim::{TraceKind, TraceRecord};
use crate::ui::state::{dispatch, Action};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

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

/// Arrows for the messages sent in `records` (a time window of the trace), at most `cap`.
pub fn arrows(records: &[TraceRecord], cap: usize) -> Vec<Arrow> {
    let mut by_id: BTreeMap<u64, Arrow> = BTreeMap::new();
    for r in records {
        match &r.kind {
            TraceKind::Send { msg_id, to, kind, arrives_at_us, .. } if by_id.len() < cap => {
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

const W: f64 = 640.0;
const LANE: f64 = 26.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;

fn lane_y(n: u32) -> f64 {
    14.0 + n as f64 * LANE
}

/// Milliseconds since the start of the run: arrows are drawn in time units inside a group
/// whose transform slides with the playhead, so a frame moves one transform instead of
/// every arrow.
fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

#[derive(Properties, PartialEq)]
struct ArrowMarkProps {
    arrow: Arrow,
    hovered: bool,
    /// Pixels per millisecond (for the size of the drop cross).
    px_per_ms: u32,
}

/// One message: delivered arrows solid, in-flight ones dashed toward their planned
/// arrival (clipped at the playhead), dropped ones ending halfway in a cross.
#[function_component(ArrowMark)]
fn arrow_mark(p: &ArrowMarkProps) -> Html {
    let a = &p.arrow;
    let (x0, y0) = (ms(a.sent_us), lane_y(a.from));
    let (x1, y1) = match (a.end_us, a.dropped) {
        (Some(end), true) => (ms(end).max(x0 + 1.0), (y0 + lane_y(a.to)) / 2.0),
        (Some(end), false) => (ms(end), lane_y(a.to)),
        (None, _) => (ms(a.planned_us.max(a.sent_us)), lane_y(a.to)),
    };
    let class = classes!("arrow", format!("m-{}", a.kind), a.dropped.then_some("dropped"), a.end_us.is_none().then_some("flying"), p.hovered.then_some("hovered"));
    let d = 4.0 / f64::from(p.px_per_ms.max(1)) * 100.0;
    let pts = (format!("{x0:.3}"), format!("{y0:.1}"), format!("{x1:.3}"), format!("{y1:.1}"));
    html! {
        <g {class} data-msg-id={a.msg_id.to_string()}>
            <title>{ format!("{} n{} → n{}{}", a.kind, a.from, a.to, if a.dropped { t(" (dropped)") } else { "" }) }</title>
            <line x1={pts.0.clone()} y1={pts.1.clone()} x2={pts.2.clone()} y2={pts.3.clone()} />
            <line class="hit" x1={pts.0} y1={pts.1} x2={pts.2} y2={pts.3} />
            if a.dropped {
                <path class="cross" d={format!("M{:.3} {:.1} L{:.3} {:.1} M{:.3} {:.1} L{:.3} {:.1}", x1 - d, y1 - 4.0, x1 + d, y1 + 4.0, x1 - d, y1 + 4.0, x1 + d, y1 - 4.0)} />
            }
        </g>
    }
}

#[function_component(Spacetime)]
pub fn spacetime(p: &SpacetimeProps) -> Html {
    let span_ms = ms(p.now_us.saturating_sub(p.start_us).max(1));
    let inner_w = W - LEFT - RIGHT;
    let k = inner_w / span_ms;
    let height = lane_y(p.n) - LANE + 14.0;
    let hovered = p.hovered;
    let on_over = Callback::from(move |e: MouseEvent| {
        let id = super::cluster_svg::data_id(&e, "msg-id");
        if id != hovered {
            dispatch(Action::Hover(id));
        }
    });
    let on_click = Callback::from(|e: MouseEvent| {
        if let Some(id) = super::cluster_svg::data_id(&e, "msg-id") {
            dispatch(Action::SelectMessage(id));
        }
    });
    // Pixels per ms, rounded so the crosses are rebuilt only when the scale really changes.
    let px_per_ms = (k * 100.0).round() as u32;
    html! {
        <div class="spacetime">
            <h2>{ t("Space-time diagram") }</h2>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {height:.0}")} role="img" aria-label={t("Space-time diagram of recent messages")} data-testid="spacetime"
                onmouseover={on_over} onclick={on_click}>
                { for (0..p.n).map(|n| html! {
                    <g class="lane">
                        <text x="4" y={format!("{:.1}", lane_y(n) + 4.0)}>{ format!("n{n}") }</text>
                        <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={format!("{:.1}", lane_y(n))} y2={format!("{:.1}", lane_y(n))} />
                    </g>
                }) }
                <svg x={LEFT.to_string()} y="0" width={inner_w.to_string()} height={format!("{height:.0}")} class="arrows">
                    <g transform={format!("translate({:.2} 0) scale({k:.5} 1)", -ms(p.start_us) * k)}>
                        { for p.arrows.iter().map(|a| html! { <ArrowMark key={a.msg_id} arrow={a.clone()} hovered={p.hovered == Some(a.msg_id)} {px_per_ms} /> }) }
                    </g>
                </svg>
                <line class="playhead" x1={format!("{:.1}", W - RIGHT)} x2={format!("{:.1}", W - RIGHT)} y1="0" y2={format!("{height:.0}")} />
            </svg>
        </div>
    }
}
