//! A lineage graph drawn (RDDs, NSDI 2012, Figure 5): datasets as columns of partitions,
//! narrow dependencies partition to partition, a shuffle all to all, dashed frames around the
//! stages, each partition coloured by its state (stored, pipelined, materialized, being
//! computed, lost, committed) and labelled with the executor that holds it.

use crate::i18n::t_dyn;
use crate::sim::Lineage;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LineageChartProps {
    pub lineage: Lineage,
}

/// Partitions drawn per dataset; more are summarised under the column.
const ROWS: usize = 16;
const COL_W: i32 = 92;
const BOX_W: i32 = 52;
const BOX_H: i32 = 16;
const GAP: i32 = 4;
const TOP: i32 = 44;
const LEFT: i32 = 14;

fn x(col: usize) -> i32 {
    LEFT + col as i32 * (COL_W + 40)
}

fn y(row: usize) -> i32 {
    TOP + row as i32 * (BOX_H + GAP)
}

fn edges(l: &Lineage) -> Html {
    let mut lines = Vec::new();
    for (i, d) in l.datasets.iter().enumerate().skip(1) {
        let (from, to) = (l.datasets[i - 1].partitions.len().min(ROWS), d.partitions.len().min(ROWS));
        let (x1, x2) = (x(i - 1) + BOX_W, x(i));
        let pairs: Vec<(usize, usize)> = match d.dependency.as_str() {
            "shuffle" => (0..from).flat_map(|a| (0..to).map(move |b| (a, b))).collect(),
            // Independent columns (a block store's blocks): no edges.
            "" => Vec::new(),
            _ => (0..from.min(to)).map(|a| (a, a)).collect(),
        };
        let class = format!("lineage-edge {}", d.dependency);
        lines.extend(pairs.into_iter().map(|(a, b)| html! {
            <line class={class.clone()} x1={x1.to_string()} y1={(y(a) + BOX_H / 2).to_string()} x2={x2.to_string()} y2={(y(b) + BOX_H / 2).to_string()} />
        }));
    }
    lines.into_iter().collect()
}

fn stages(l: &Lineage, height: i32) -> Html {
    l.stages
        .iter()
        .map(|(label, first, last)| {
            let (x0, x1) = (x(*first) - 8, x(*last) + BOX_W + 8);
            html! {
                <g class="lineage-stage">
                    <rect x={x0.to_string()} y="4" width={(x1 - x0).to_string()} height={(height - 8).to_string()} rx="6" />
                    <text x={(x0 + 6).to_string()} y="16">{ t_dyn(label) }</text>
                </g>
            }
        })
        .collect()
}

fn columns(l: &Lineage) -> Html {
    // Independent columns (no stages, no dependencies: a block store's replicas per block)
    // are labelled by what they hold alone; a dataset's partitions keep their number.
    let numbered = !l.stages.is_empty() || l.datasets.iter().any(|d| !d.dependency.is_empty());
    l.datasets
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let more = d.partitions.len().saturating_sub(ROWS);
            html! {
                <g class="lineage-dataset" data-dataset={d.name.clone()}>
                    <text class="lineage-name" x={(x(i) + BOX_W / 2).to_string()} y={(TOP - 8).to_string()}>{ d.name.clone() }</text>
                    { for d.partitions.iter().take(ROWS).enumerate().map(|(p, part)| html! {
                        <g class={format!("lineage-part {}", part.state)} data-state={part.state.clone()}>
                            <title>{ format!("{} {p}: {}", d.name, t_dyn(&part.state)) }</title>
                            <rect x={x(i).to_string()} y={y(p).to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="3" />
                            <text x={(x(i) + BOX_W / 2).to_string()} y={(y(p) + BOX_H - 4).to_string()}>{ if part.label.is_empty() { p.to_string() } else if numbered { format!("{p} {}", part.label) } else { part.label.clone() } }</text>
                        </g>
                    }) }
                    if more > 0 {
                        <text class="lineage-more" x={(x(i) + BOX_W / 2).to_string()} y={(y(ROWS) + 10).to_string()}>{ format!("+{more}") }</text>
                    }
                </g>
            }
        })
        .collect()
}

const STATES: [&str; 7] = ["stored", "pipelined", "materialized", "computing", "lost", "missing", "committed"];

#[function_component(LineageChart)]
pub fn lineage_chart(p: &LineageChartProps) -> Html {
    let l = &p.lineage;
    let rows = l.datasets.iter().map(|d| d.partitions.len().min(ROWS)).max().unwrap_or(0);
    let height = y(rows) + if l.datasets.iter().any(|d| d.partitions.len() > ROWS) { 24 } else { 8 };
    // Room on the right for the last dataset's name, which is wider than its boxes.
    let width = x(l.datasets.len().saturating_sub(1)) + BOX_W + 48;
    let used: Vec<&str> = STATES.iter().copied().filter(|s| l.datasets.iter().any(|d| d.partitions.iter().any(|p| p.state == *s))).collect();
    html! {
        <figure class="lineage" data-testid="lineage">
            <figcaption>{ t_dyn(&l.title) }</figcaption>
            <svg viewBox={format!("0 0 {width} {height}")} width={width.min(560).to_string()} role="img" aria-label={t_dyn(&l.title)}>
                { stages(l, height) }
                { edges(l) }
                { columns(l) }
            </svg>
            <ul class="lineage-legend">{ for used.iter().map(|s| html! { <li class={format!("lineage-part {s}")}><span class="swatch"></span>{ t_dyn(s) }</li> }) }</ul>
        </figure>
    }
}
