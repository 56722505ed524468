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
    pub dropped: bool,
}

/// Arrows for the messages sent in `records` (a time window of the trace), at most `cap`.
pub fn arrows(records: &[TraceRecord], cap: usize) -> Vec<Arrow> {
    let mut by_id: BTreeMap<u64, Arrow> = BTreeMap::new();
    for r in records {
        match &r.kind {
            TraceKind::Send { msg_id, to, kind, .. } if by_id.len() < cap => {
                let from = r.node.unwrap_or(0);
                by_id.insert(*msg_id, Arrow { msg_id: *msg_id, from, to: *to, kind, sent_us: r.time_us, end_us: None, dropped: false });
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

#[function_component(Spacetime)]
pub fn spacetime(p: &SpacetimeProps) -> Html {
    let span = p.now_us.saturating_sub(p.start_us).max(1) as f64;
    let x = |t: u64| LEFT + (t.saturating_sub(p.start_us) as f64 / span) * (W - LEFT - 8.0);
    let y = |n: u32| 14.0 + n as f64 * LANE;
    let height = y(p.n) - LANE + 14.0;
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
    html! {
        <div class="spacetime">
            <h2>{ t("Space-time diagram") }</h2>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {height:.0}")} role="img" aria-label={t("Space-time diagram of recent messages")} data-testid="spacetime"
                onmouseover={on_over} onclick={on_click}>
                { for (0..p.n).map(|n| html! {
                    <g class="lane">
                        <text x="4" y={format!("{:.1}", y(n) + 4.0)}>{ format!("n{n}") }</text>
                        <line x1={LEFT.to_string()} x2={(W - 8.0).to_string()} y1={format!("{:.1}", y(n))} y2={format!("{:.1}", y(n))} />
                    </g>
                }) }
                { for p.arrows.iter().map(|a| {
                    let end = a.end_us.unwrap_or(p.now_us);
                    let (x0, y0) = (x(a.sent_us), y(a.from));
                    // In flight or dropped: the arrow stops halfway (it has not arrived).
                    let frac = if a.end_us.is_none() || a.dropped { 0.5 } else { 1.0 };
                    let x1 = if a.dropped { x(end).max(x0 + 6.0) } else { x(end) };
                    let y1 = y(a.from) + (y(a.to) - y(a.from)) * frac;
                    let id = a.msg_id;
                    let class = classes!("arrow", format!("m-{}", a.kind), a.dropped.then_some("dropped"),
                        a.end_us.is_none().then_some("flying"), (p.hovered == Some(id)).then_some("hovered"));
                    html! {
                        <g key={id} class={class} data-msg-id={id.to_string()}>
                            <title>{ format!("{} n{} → n{}{}", a.kind, a.from, a.to, if a.dropped { t(" (dropped)") } else { "" }) }</title>
                            <line x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} />
                            <line class="hit" x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} />
                            if a.dropped {
                                <text class="cross" x={format!("{x1:.1}")} y={format!("{:.1}", y1 + 4.0)}>{ "×" }</text>
                            }
                        </g>
                    }
                }) }
                <line class="playhead" x1={format!("{:.1}", W - 8.0)} x2={format!("{:.1}", W - 8.0)} y1="0" y2={format!("{height:.0}")} />
            </svg>
        </div>
    }
}
