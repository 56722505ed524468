//! The event log: the trace records just before the playhead, filterable by node and kind.

use super::fmt_time;
use crate::i18n::{t, t_dyn};
use crate::sim::{TraceKind, TraceRecord};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub records: Rc<Vec<TraceRecord>>,
    /// While playing only the rows the list shows without scrolling are drawn (the log
    /// turns over faster than anyone can scroll it); paused, the older ones are there too.
    #[prop_or_default]
    pub playing: bool,
}

/// Rows drawn while playing (the list's height) and paused.
const ROWS_PLAYING: usize = 14;
const ROWS_PAUSED: usize = 40;

fn describe(r: &TraceRecord) -> String {
    match &r.kind {
        TraceKind::Start => t("started").into(),
        TraceKind::Recover => t("restarted from stable storage").into(),
        TraceKind::Send { kind, to, .. } => format!("{} {kind} → n{to}", t("sends")),
        TraceKind::Deliver { kind, from, .. } => format!("{} {kind} ← n{from}", t("receives")),
        TraceKind::Drop { kind, from, to, reason, .. } => format!("{kind} n{from}→n{to} {}: {}", t("dropped"), t_dyn(reason.label())),
        TraceKind::Timer { name } => format!("{} {}", t_dyn(name), t("timer fires")),
        TraceKind::Request { op, .. } => format!("{} {op}", t("client request")),
        TraceKind::Reply { reply, .. } => format!("{} {reply}", t("replies")),
        TraceKind::Fault { label, chaos } => format!("{}: {label}", if *chaos { t("chaos") } else { t("fault") }),
        TraceKind::Note { text } => text.clone(),
        TraceKind::Violation { property } => format!("{}: {property}", t("VIOLATION")),
    }
}

#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    let filter = use_state(String::new);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(i.value().to_ascii_lowercase());
            }
        })
    };
    let rows: Vec<(&TraceRecord, String)> = p
        .records
        .iter()
        .rev()
        .map(|r| (r, format!("{}{}", r.node.map(|n| format!("n{n} ")).unwrap_or_default(), describe(r))))
        .filter(|(_, text)| filter.is_empty() || text.to_ascii_lowercase().contains(filter.as_str()))
        .take(if p.playing { ROWS_PLAYING } else { ROWS_PAUSED })
        .collect();
    html! {
        <div class="event-log" data-testid="event-log">
            <h2>{ t("Events") }</h2>
            <input type="search" placeholder={t("filter: n2, RequestVote, dropped…")} aria-label={t("Filter events")} oninput={on_filter} />
            // Focusable, so that the keyboard can scroll it.
            <ol tabindex="0" aria-label={t("Events")}>
                { for rows.into_iter().map(|(r, text)| html! {
                    <li class={classes!(matches!(r.kind, TraceKind::Violation { .. }).then_some("bad"), matches!(r.kind, TraceKind::Drop { .. }).then_some("drop"))}>
                        <span class="t">{ fmt_time(r.time_us) }</span>
                        <span class="e">{ format!("#{}", r.event) }</span>
                        <span>{ text }</span>
                    </li>
                }) }
            </ol>
        </div>
    }
}
