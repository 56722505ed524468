//! The cluster state table: every node's key state side by side at the playhead, without
//! clicking (`Present::cluster_table`), and, for protocols with a log, every node's log as
//! one grid, index by node, coloured by term, with commit and apply points and the leader's
//! nextIndex and matchIndex (RaftScope's log table; the Raft paper's Figure 7). The grid
//! shows a window of `WINDOW` indices that follows the newest entries unless moved.

use crate::i18n::{t, t_dyn};
use crate::sim::{ClusterView, LogEntryView, LogMark, LogView, TableView};
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use yew::prelude::*;

/// Log indices the grid shows at once.
pub const WINDOW: u64 = 24;

#[derive(Properties, PartialEq)]
pub struct StateTableProps {
    pub table: Rc<TableView>,
    /// The nodes (their logs) and what the grid's colour counts (`term_name`: term, ballot).
    pub view: Rc<ClusterView>,
    pub marks: Rc<Vec<LogMark>>,
    pub selected: Option<u32>,
}

/// The grid's columns: `first..=last`, at most `WINDOW` indices, ending one past the newest
/// entry (where a leader's nextIndex may point), or starting at `pinned` once the student
/// moves the window.
pub fn window(newest: u64, pinned: Option<u64>) -> (u64, u64) {
    let end = newest + 1;
    let tail_first = end.saturating_sub(WINDOW - 1).max(1);
    let first = pinned.map_or(tail_first, |p| p.clamp(1, tail_first));
    (first, (first + WINDOW - 1).min(end))
}

/// The entry at `index` of a log whose entries are in index order (a compacted log may not
/// start at 1).
fn entry_at(log: &LogView, index: u64) -> Option<&LogEntryView> {
    log.entries.binary_search_by_key(&index, |e| e.index).ok().map(|i| &log.entries[i])
}

fn select(id: u32) -> Callback<MouseEvent> {
    Callback::from(move |_| dispatch(Action::Select(Some(id))))
}

/// The protocol's table, one row per node (`data-node-id`) when its first column is the
/// node, else a summary (large clusters: how many nodes hold each role).
fn columns(table: &TableView, selected: Option<u32>) -> Html {
    let per_node = table.headers.first().is_some_and(|h| h == "node");
    html! {
        <table class="kv state-columns">
            <thead><tr>{ for table.headers.iter().map(|h| html! { <th scope="col">{ t_dyn(h) }</th> }) }</tr></thead>
            <tbody>{ for table.rows.iter().enumerate().map(|(i, row)| {
                let id = i as u32;
                let class = classes!(per_node.then_some("node-row"), (per_node && selected == Some(id)).then_some("selected"));
                html! {
                    <tr class={class} data-node-id={per_node.then(|| id.to_string())}>
                        { for row.iter().enumerate().map(|(c, cell)| if c == 0 && per_node {
                            html! { <th scope="row"><button class="link" onclick={select(id)} aria-label={format!("{} {cell}", t("Inspect"))}>{ cell.clone() }</button></th> }
                        } else {
                            html! { <td>{ t_dyn(cell) }</td> }
                        }) }
                    </tr>
                }
            }) }</tbody>
        </table>
    }
}

/// One grid cell: the entry's term (or ballot) on its term's colour, committed entries
/// solid, applied ones underlined, the leader's marks as letters after the number.
fn cell(log: Option<&LogView>, index: u64, marks: &[&LogMark], term_name: &str) -> Html {
    let mark_text: String = marks.iter().map(|m| if m.label == "nextIndex" { "▸" } else { "✓" }).collect();
    let mark_title: Vec<&str> = marks.iter().map(|m| m.label).collect();
    let Some((log, e)) = log.and_then(|l| Some((l, entry_at(l, index)?))) else {
        return html! { <td class={classes!("empty", (!marks.is_empty()).then_some("marked"))} title={mark_title.join(", ")}>{ mark_text }</td> };
    };
    let class = classes!(
        format!("t{}", e.term % 8),
        (e.index <= log.commit_index).then_some("committed"),
        (e.index <= log.last_applied).then_some("applied"),
        (!marks.is_empty()).then_some("marked")
    );
    let mut title = format!("{} {} · {} {} · {}", t("index"), e.index, t_dyn(term_name), e.term, e.label);
    if !mark_title.is_empty() {
        title += &format!(" · {}", mark_title.join(", "));
    }
    html! { <td class={class} title={title}>{ e.term }{ mark_text }</td> }
}

fn grid(p: &StateTableProps, first: u64, last: u64, newest: u64, on_move: &Callback<Option<u64>>) -> Html {
    let step = |to: Option<u64>| {
        let on_move = on_move.clone();
        Callback::from(move |_: MouseEvent| on_move.emit(to))
    };
    let tail_first = window(newest, None).0;
    let back = first.saturating_sub(WINDOW).max(1);
    let forward = first + WINDOW;
    html! {
        <div class="log-table">
            <div class="log-window">
                <button onclick={step(Some(back))} disabled={first <= 1} aria-label={t("Older entries")}>{ "◀" }</button>
                <span>{ format!("{} {first}–{} {} {newest}", t("entries"), last.min(newest), t("of")) }</span>
                <button onclick={step(if forward >= tail_first { None } else { Some(forward) })} disabled={first >= tail_first} aria-label={t("Newer entries")}>{ "▶" }</button>
                <button onclick={step(None)} disabled={first >= tail_first}>{ t("newest") }</button>
                <span class="legend">{ t("solid: committed · underlined: applied · ▸ nextIndex · ✓ matchIndex") }</span>
            </div>
            <div class="grid-scroll" tabindex="0" role="region" aria-label={t("Logs side by side")}>
                <table class="log-grid">
                    <thead><tr><th scope="col">{ t("node") }</th>{ for (first..=last).map(|i| html! { <th scope="col">{ i }</th> }) }</tr></thead>
                    <tbody>{ for p.view.nodes.iter().map(|n| {
                        let marks: Vec<&LogMark> = p.marks.iter().filter(|m| m.node == n.id).collect();
                        html! {
                            <tr data-node-id={n.id.to_string()} class={classes!((p.selected == Some(n.id)).then_some("selected"))}>
                                <th scope="row"><button class="link" onclick={select(n.id)}>{ format!("n{}", n.id) }</button></th>
                                { for (first..=last).map(|i| {
                                    let here: Vec<&LogMark> = marks.iter().copied().filter(|m| m.index == i).collect();
                                    cell(n.log.as_ref(), i, &here, p.view.term_name)
                                }) }
                            </tr>
                        }
                    }) }</tbody>
                </table>
            </div>
        </div>
    }
}

#[function_component(StateTable)]
pub fn state_table(p: &StateTableProps) -> Html {
    let pinned = use_state(|| None::<u64>);
    let on_move = {
        let pinned = pinned.clone();
        Callback::from(move |to: Option<u64>| pinned.set(to))
    };
    let has_log = p.view.nodes.iter().any(|n| n.log.is_some());
    let newest = p.view.nodes.iter().filter_map(|n| n.log.as_ref()?.entries.last().map(|e| e.index)).max().unwrap_or(0);
    let (first, last) = window(newest.max(1), *pinned);
    html! {
        <div class="state-table" data-testid="state-table">
            <h2>{ t("Cluster state") }</h2>
            { columns(&p.table, p.selected) }
            if has_log && newest > 0 {
                { grid(p, first, last, newest, &on_move) }
            }
        </div>
    }
}
