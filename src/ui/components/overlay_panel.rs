//! The protocol's own panel beside the cluster: its tables (the lock tree, the storage's
//! writes, membership counts), plots against theory, and a lineage graph (Spark's). Drawn only when it has something.

use crate::i18n::t_dyn;
use crate::sim::{Overlay, TableView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OverlayPanelProps {
    pub overlay: Rc<Overlay>,
    /// A table about the scenario rather than the run (the commit protocols side by side).
    #[prop_or_default]
    pub comparison: Rc<Option<TableView>>,
}

pub fn table(t: &TableView) -> Html {
    html! {
        <table class="kv">
            <caption>{ t_dyn(&t.title) }</caption>
            <thead><tr>{ for t.headers.iter().map(|h| html! { <th>{ t_dyn(h) }</th> }) }</tr></thead>
            <tbody>{ for t.rows.iter().map(|r| html! { <tr>{ for r.iter().map(|c| html! { <td>{ c.clone() }</td> }) }</tr> }) }</tbody>
        </table>
    }
}

/// Spark's lineage graph, or a block store's replicas per block (drawn the same way: columns
/// of chips); only the modules with those families draw one.
/// The protocols' plots against theory. Only the families whose protocols draw plots
/// (`registry::PLOT_FAMILIES`, the same list; tests/suite/registry.rs checks both) carry
/// the chart: the others' modules are about 3 KB gzipped smaller without it.
fn plots(o: &Overlay) -> Html {
    #[cfg(any(feature = "gossip", feature = "hashring", feature = "mapreduce", feature = "replication"))]
    if !o.plots.is_empty() {
        return html! { <div class="plots">{ for o.plots.iter().map(|plot| html! { <super::PlotChart plot={plot.clone()} /> }) }</div> };
    }
    let _ = o;
    html! {}
}

fn lineage(o: &Overlay) -> Html {
    #[cfg(any(feature = "mapreduce", feature = "replication"))]
    if let Some(l) = &o.lineage {
        return html! { <super::LineageChart lineage={l.clone()} /> };
    }
    let _ = o;
    html! {}
}

#[function_component(OverlayPanel)]
pub fn overlay_panel(p: &OverlayPanelProps) -> Html {
    let o = &p.overlay;
    html! {
        <div class="overlay-panel" data-testid="overlay-panel">
            { lineage(o) }
            if !o.tables.is_empty() || p.comparison.is_some() {
                // Each table scrolls in a box the keyboard can reach.
                <div class="tables">{ for o.tables.iter().chain(p.comparison.as_ref().as_ref()).map(|tb| html! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label={t_dyn(&tb.title)}>{ table(tb) }</div>
                }) }</div>
            }
            { plots(o) }
        </div>
    }
}
