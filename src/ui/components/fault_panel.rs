//! The failure-injection panel: node faults for the selected node (crash, pause, clocks,
//! speed), links, partitions, the network, chaos mode and client requests. Every action is
//! recorded into the scenario.

use crate::i18n::t;
use crate::sim::{ClientOp, Fault, NetConfig, NodeStatus};
use crate::ui::model;
use super::LinkControls;
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FaultPanelProps {
    /// Cluster size.
    pub n: u32,
    /// The selected node and its status.
    pub selected: Option<(u32, NodeStatus)>,
    /// Directed links whose messages are held.
    pub held: Rc<Vec<(u32, u32)>>,
    pub net: NetConfig,
    pub chaos_on: bool,
    /// Client requests: `Some(true)` key-value puts, `Some(false)` proposed values, `None`
    /// none (the button is not drawn).
    pub requests: Option<bool>,
    /// The protocol declares disk corruption: the panel offers to damage the node's disk.
    #[prop_or_default]
    pub disk_corruption: bool,
}

fn inject(f: Fault) -> Callback<MouseEvent> {
    Callback::from(move |_| dispatch(Action::Inject(f.clone())))
}

fn node_buttons(id: u32, status: &NodeStatus, disk_corruption: bool) -> Html {
    let up = *status != NodeStatus::Crashed;
    let paused = *status == NodeStatus::Paused;
    html! {
        <div class="row">
            if up {
                <button data-testid="crash" onclick={inject(Fault::Crash { node: id })}>{ t("Crash") }</button>
                <button data-testid="crash-lose-unsynced" title={t("Crash and lose the writes made since the node last synced to disk")} onclick={inject(Fault::CrashLoseUnsynced { node: id })}>{ t("Crash, lose unsynced") }</button>
            } else {
                <button data-testid="restart" onclick={inject(Fault::Restart { node: id })}>{ t("Restart") }</button>
            }
            if up && !paused {
                <button data-testid="pause" title={t("Freeze the process, like a long GC pause")} onclick={inject(Fault::Pause { node: id })}>{ t("Pause") }</button>
                <button data-testid="timeout-now" onclick={inject(Fault::TimeoutNow { node: id })}>{ t("Time out now") }</button>
            }
            if paused {
                <button data-testid="resume" onclick={inject(Fault::Resume { node: id })}>{ t("Resume") }</button>
            }
            <button data-testid="isolate" onclick={inject(Fault::Partition { groups: vec![vec![id]] })}>{ t("Isolate") }</button>
            if disk_corruption {
                <button data-testid="corrupt-disk" title={t("Flip bytes in one record on the node's disk, the record drawn from the seed")} onclick={inject(Fault::CorruptDisk { node: id })}>{ t("Corrupt disk") }</button>
            }
        </div>
    }
}

fn clock_controls(id: u32) -> Html {
    let on_skew = Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            if let Ok(ms) = s.value().parse::<i64>() {
                dispatch(Action::Inject(Fault::ClockSkew { node: id, skew_us: ms * 1000 }));
            }
        }
    });
    let on_drift = Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            if let Ok(pct) = s.value().parse::<i64>() {
                dispatch(Action::Inject(Fault::ClockDrift { node: id, drift_ppm: pct * 10_000 }));
            }
        }
    });
    let on_slow = Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            if let Ok(factor) = s.value().parse::<u32>() {
                dispatch(Action::Inject(Fault::Slow { node: id, factor }));
            }
        }
    });
    html! {
        <div class="row">
            <label>{ t("Clock offset") }{ " " }
                <select data-testid="skew" aria-label={t("Clock offset")} onchange={on_skew}>
                    { for [-1000i64, -200, 0, 200, 1000].iter().map(|v| html! { <option value={v.to_string()} selected={*v == 0}>{ format!("{v:+} ms") }</option> }) }
                </select>
            </label>
            <label>{ t("Clock rate") }{ " " }
                <select data-testid="drift" aria-label={t("Clock rate")} onchange={on_drift}>
                    { for [-50i64, -20, 0, 20, 50].iter().map(|v| html! { <option value={v.to_string()} selected={*v == 0}>{ format!("{v:+}%") }</option> }) }
                </select>
            </label>
            <label title={t("A slow machine: the node's timers take this many times as long")}>{ t("Speed") }{ " " }
                <select data-testid="slow" aria-label={t("Node speed")} onchange={on_slow}>
                    { for [1u32, 2, 4, 10].iter().map(|v| html! {
                        <option value={v.to_string()} selected={*v == 1}>{ if *v == 1 { t("full speed").to_string() } else { format!("×{v}") } }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

fn net_slider(label: &'static str, testid: &'static str, value_ppm: u32, net: &NetConfig, set: fn(&mut NetConfig, u32)) -> Html {
    let base = net.clone();
    let on_change = Callback::from(move |e: Event| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            if let Ok(pct) = i.value().parse::<u32>() {
                let mut n = base.clone();
                set(&mut n, pct.min(100) * 10_000);
                dispatch(Action::Inject(Fault::SetNetwork { net: n }));
            }
        }
    });
    let pct = value_ppm / 10_000;
    html! {
        <label class="slider">{ format!("{label} {pct}%") }
            <input type="range" min="0" max="50" value={pct.to_string()} data-testid={testid} aria-label={label} onchange={on_change} />
        </label>
    }
}

fn network(p: &FaultPanelProps) -> Html {
    let base = p.net.clone();
    let on_latency = Callback::from(move |e: Event| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            if let Ok(ms) = i.value().parse::<u64>() {
                let mut n = base.clone();
                n.latency_max_us = ms.max(1) * 1000;
                n.latency_min_us = n.latency_min_us.min(n.latency_max_us);
                dispatch(Action::Inject(Fault::SetNetwork { net: n }));
            }
        }
    });
    html! {
        <div class="net">
            <label class="slider">{ format!("{} {} ms", t("Latency up to"), p.net.latency_max_us / 1000) }
                <input type="range" min="1" max="200" value={(p.net.latency_max_us / 1000).to_string()} data-testid="latency" aria-label={t("Latency")} onchange={on_latency} />
            </label>
            { net_slider(t("Loss"), "loss", p.net.loss_ppm, &p.net, |n, v| n.loss_ppm = v) }
            { net_slider(t("Duplication"), "duplication", p.net.duplicate_ppm, &p.net, |n, v| n.duplicate_ppm = v) }
            { net_slider(t("Reordering"), "reordering", p.net.reorder_ppm, &p.net, |n, v| n.reorder_ppm = v) }
            { net_slider(t("Corruption"), "corruption", p.net.corrupt_ppm, &p.net, |n, v| n.corrupt_ppm = v) }
        </div>
    }
}

/// A request with a fresh value (numbered by the event count when clicked).
fn client_request(target: u32, kv: bool) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        let seq = model::with(|m| m.live.run.event_count()).unwrap_or(0);
        let op = if kv {
            ClientOp::Put { key: format!("k{}", seq % 5), value: format!("v{seq}") }
        } else {
            ClientOp::Propose { value: format!("v{seq}") }
        };
        dispatch(Action::Inject(Fault::Request { node: target, op }));
    })
}

#[function_component(FaultPanel)]
pub fn fault_panel(p: &FaultPanelProps) -> Html {
    let n = p.n;
    let target = p.selected.as_ref().map_or(0, |(id, _)| *id);
    let half: Vec<u32> = (0..n / 2).collect();
    html! {
        <div class="faults" data-testid="fault-panel">
            <h2>{ t("Inject") }</h2>
            <div class="row">
                if let Some(kv) = p.requests {
                    <button data-testid="client-request" class="primary" onclick={client_request(target, kv)}>
                        { format!("{} → n{target}", t("Client request")) }
                    </button>
                }
                <button data-testid="partition" title={t("Split the cluster into two groups")} onclick={inject(Fault::Partition { groups: vec![half] })}>{ t("Partition in two") }</button>
                <button data-testid="heal-all" onclick={inject(Fault::HealAll)}>{ t("Heal all") }</button>
                <button data-testid="chaos" aria-pressed={p.chaos_on.to_string()} onclick={inject(Fault::SetChaos { on: !p.chaos_on })}>
                    { if p.chaos_on { t("Chaos: on") } else { t("Chaos: off") } }
                </button>
            </div>
            { match &p.selected {
                Some((id, status)) => html! {
                    <fieldset>
                        <legend>{ format!("{} n{}", t("Node"), id) }</legend>
                        { node_buttons(*id, status, p.disk_corruption) }
                        { clock_controls(*id) }
                        <LinkControls id={*id} n={n} held={(*p.held).clone()} />
                    </fieldset>
                },
                None => html! { <p class="hint">{ t("Select a node for crash, pause, clock and link faults.") }</p> },
            } }
            <fieldset>
                <legend>{ t("Network") }</legend>
                { network(p) }
            </fieldset>
        </div>
    }
}
