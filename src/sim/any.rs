//! An object-safe face of a run, so the page and the CLI can hold any protocol's run
//! behind one type.

use super::assume::Exceeded;
use super::fault::{Fault, TimedFault};
use super::history::History;
use super::present::{node_view, Present};
use super::protocol::{Checker, NodeId, TimeUs, Violation};
use super::trace::{hash_hex, TraceLog};
use super::view::{ClusterView, LogMark, MessageView, NodeStatus, NodeView, Overlay, TableView, TimerView};

pub trait AnyRun {
    fn protocol(&self) -> &'static str;
    fn n(&self) -> u32;
    fn now_us(&self) -> TimeUs;
    fn event_count(&self) -> u64;
    fn frontier(&self) -> u64;
    fn trace_hash(&self) -> u64;
    fn step(&mut self) -> bool;
    fn run_until(&mut self, t: TimeUs);
    fn run_events(&mut self, max: u64) -> u64;
    fn seek(&mut self, event: u64);
    /// Apply a fault now (validated first), forking if the playhead is in the past.
    fn inject(&mut self, fault: Fault) -> Result<(), String>;
    fn heal_everything(&mut self);
    fn view(&self) -> ClusterView;
    /// The same view with only each node's id, status and role (large clusters: no fields,
    /// tables, logs or timers are built).
    fn view_light(&self) -> ClusterView;
    /// The protocol's extra drawing (see `Present::overlay`).
    fn overlay(&self) -> Overlay;
    /// Every node's key state side by side (see `Present::cluster_table`).
    fn cluster_table(&self) -> TableView;
    /// Marks in nodes' logs for the state table's log grid (see `Present::log_marks`).
    fn log_marks(&self) -> Vec<LogMark>;
    fn node_view(&self, id: NodeId) -> Option<NodeView>;
    /// The paper-style summary of a message in flight.
    fn message_summary(&self, msg_id: u64) -> Option<String>;
    fn trace(&self) -> &TraceLog;
    fn violations(&self) -> &[Violation];
    /// Each moment the run went beyond its protocol's fault assumptions.
    fn exceeded(&self) -> &[Exceeded];
    fn recorded(&self) -> Vec<TimedFault>;
    /// How many faults were recorded from the page (without copying them).
    fn recorded_count(&self) -> usize;
    fn properties(&self) -> Vec<(&'static str, &'static str)>;
    fn chaos_on(&self) -> bool;
    fn next_event_time(&mut self) -> Option<TimeUs>;
    fn net(&self) -> super::fault::NetConfig;
    /// The protocol's liveness condition on the current state.
    fn check_liveness(&self) -> Result<(), String>;
    /// What client requests the protocol takes: `Some(true)` key-value puts, `Some(false)`
    /// proposed values, `None` none (its clients are part of the simulation).
    fn client_requests(&self) -> Option<bool>;
    /// Every client operation so far (version 2 and later), as the linearizability checker
    /// reads it.
    fn client_history(&self) -> &[super::lin::Operation];
    /// A linearizability search that hit its cap (neither answer known), if one did.
    fn inconclusive(&self) -> Option<&str>;
    /// Whether the run records and checks its clients' history (the page offers it).
    fn checks_linearizability(&self) -> bool;
    /// Whether adversary mode is on (the user is the network).
    fn adversary(&self) -> bool;
    /// Adversary mode's open choices, earliest first.
    fn choices(&self) -> Vec<super::engine::Choice>;
}

/// Check a fault's node ids and values against a cluster of `n` nodes.
pub fn validate_fault(fault: &Fault, n: u32) -> Result<(), String> {
    if let Some(bad) = fault.nodes().into_iter().find(|id| *id >= n) {
        return Err(format!("node {bad} does not exist (the cluster has nodes 0 to {})", n.saturating_sub(1)));
    }
    match fault {
        Fault::ClockDrift { drift_ppm, .. } if drift_ppm.abs() > 500_000 => {
            Err(format!("clock drift {drift_ppm} ppm is outside ±500000"))
        }
        Fault::ClockSkew { skew_us, .. } if skew_us.abs() > 3_600_000_000 => {
            Err(format!("clock skew {skew_us} us is more than an hour"))
        }
        Fault::SetNetwork { net } => super::validate::validate_net(net),
        Fault::Slow { factor, .. } => super::validate::validate_slow_factor(*factor),
        _ => Ok(()),
    }
}

impl<P: Present> History<P> {
    fn build_node_view(&self, id: NodeId) -> NodeView {
        let sim = self.sim();
        let slot = &sim.slots[id as usize];
        let mut v = match sim.node(id) {
            Some(p) => node_view(p),
            None => NodeView { role: "crashed".into(), ..Default::default() },
        };
        v.id = id;
        v.status = Some(if sim.node(id).is_none() {
            NodeStatus::Crashed
        } else if slot.paused {
            NodeStatus::Paused
        } else {
            NodeStatus::Up
        });
        v.timers = slot
            .timers
            .iter()
            .map(|t| TimerView {
                name: P::timer_name(&t.timer).to_string(),
                set_at_us: t.set_at_us,
                fires_at_us: t.fires_at_us,
            })
            .collect();
        v.clock_skew_us = sim.clocks[id as usize].skew_us;
        v.clock_drift_ppm = sim.clocks[id as usize].drift_ppm;
        v.slow_factor = sim.slow_factor(id);
        v
    }

    /// Everything in a cluster view but the nodes: messages in flight, links, violations.
    fn frame_view(&self) -> ClusterView {
        let sim = self.sim();
        let messages = sim
            .flights
            .iter()
            .map(|(id, f)| MessageView {
                id: *id,
                from: f.from,
                to: f.to,
                kind: P::msg_kind(&f.msg),
                is_reply: P::msg_is_reply(&f.msg),
                // Formatted on demand (`message_summary`): a frame may hold hundreds.
                summary: String::new(),
                sent_at_us: f.sent_at_us,
                arrives_at_us: f.arrives_at_us,
                corrupted: f.corrupted,
                held: f.held || sim.is_paused(f.to),
            })
            .collect();
        ClusterView {
            protocol: P::NAME,
            term_name: P::TERM_NAME,
            now_us: sim.now_us(),
            event_count: sim.event_count(),
            nodes: Vec::new(),
            messages,
            trace_hash: hash_hex(sim.trace_hash()),
            violations: sim.violations().to_vec(),
            exceeded: sim.exceeded().to_vec(),
            cut_links: sim.links.cut_pairs(),
            held_links: sim.links.held_pairs(),
        }
    }
}

impl<P: Present> AnyRun for History<P> {
    fn protocol(&self) -> &'static str {
        P::NAME
    }
    fn n(&self) -> u32 {
        self.sim().n()
    }
    fn now_us(&self) -> TimeUs {
        self.sim().now_us()
    }
    fn event_count(&self) -> u64 {
        self.sim().event_count()
    }
    fn frontier(&self) -> u64 {
        History::frontier(self)
    }
    fn trace_hash(&self) -> u64 {
        self.sim().trace_hash()
    }
    fn step(&mut self) -> bool {
        History::step(self)
    }
    fn run_until(&mut self, t: TimeUs) {
        History::run_until(self, t)
    }
    fn run_events(&mut self, max: u64) -> u64 {
        History::run_events(self, max)
    }
    fn seek(&mut self, event: u64) {
        History::seek(self, event)
    }
    fn inject(&mut self, fault: Fault) -> Result<(), String> {
        validate_fault(&fault, self.sim().n())?;
        if fault.is_choice() {
            return History::choose(self, fault);
        }
        History::inject(self, fault);
        Ok(())
    }
    fn heal_everything(&mut self) {
        self.sim_mut().heal_everything();
    }
    fn view(&self) -> ClusterView {
        let sim = self.sim();
        ClusterView { nodes: (0..sim.n()).map(|i| self.build_node_view(i)).collect(), ..self.frame_view() }
    }
    fn view_light(&self) -> ClusterView {
        let sim = self.sim();
        let nodes = (0..sim.n())
            .map(|id| {
                let node = sim.node(id);
                let status = match (node, sim.slots[id as usize].paused) {
                    (None, _) => NodeStatus::Crashed,
                    (Some(_), true) => NodeStatus::Paused,
                    (Some(_), false) => NodeStatus::Up,
                };
                let (role, tone) = node.map_or(("crashed", Default::default()), |p| {
                    let r = p.role();
                    (r.label, r.tone)
                });
                NodeView { id, status: Some(status), role: role.into(), tone, ..Default::default() }
            })
            .collect();
        ClusterView { nodes, ..self.frame_view() }
    }
    fn overlay(&self) -> Overlay {
        P::overlay(self.sim().nodes(), self.sim().now_us())
    }
    fn cluster_table(&self) -> TableView {
        P::cluster_table(self.sim().nodes())
    }
    fn log_marks(&self) -> Vec<LogMark> {
        P::log_marks(self.sim().nodes())
    }
    fn message_summary(&self, msg_id: u64) -> Option<String> {
        self.sim().flights.get(&msg_id).map(|f| P::msg_summary(&f.msg))
    }
    fn node_view(&self, id: NodeId) -> Option<NodeView> {
        (id < self.sim().n()).then(|| self.build_node_view(id))
    }
    fn trace(&self) -> &TraceLog {
        History::trace(self)
    }
    fn violations(&self) -> &[Violation] {
        self.sim().violations()
    }
    fn exceeded(&self) -> &[Exceeded] {
        self.sim().exceeded()
    }
    fn recorded(&self) -> Vec<TimedFault> {
        History::recorded(self).to_vec()
    }
    fn recorded_count(&self) -> usize {
        History::recorded(self).len()
    }
    fn properties(&self) -> Vec<(&'static str, &'static str)> {
        let mut properties = P::Checker::properties();
        if self.sim().checks_linearizability() {
            properties.push(super::engine::LINEARIZABILITY);
        }
        properties
    }
    fn chaos_on(&self) -> bool {
        self.sim().chaos_on()
    }
    fn next_event_time(&mut self) -> Option<TimeUs> {
        self.sim_mut().next_event_time()
    }
    fn net(&self) -> super::fault::NetConfig {
        self.sim().net().clone()
    }
    fn check_liveness(&self) -> Result<(), String> {
        P::check_liveness(self.sim().nodes())
    }
    fn client_history(&self) -> &[super::lin::Operation] {
        self.sim().client_history()
    }
    fn inconclusive(&self) -> Option<&str> {
        self.sim().inconclusive()
    }
    fn checks_linearizability(&self) -> bool {
        self.sim().checks_linearizability()
    }
    fn adversary(&self) -> bool {
        self.sim().adversary()
    }
    fn choices(&self) -> Vec<super::engine::Choice> {
        self.sim().choices()
    }
    fn client_requests(&self) -> Option<bool> {
        let put = super::protocol::ClientOp::Put { key: "k".into(), value: "v".into() };
        let propose = super::protocol::ClientOp::Propose { value: "v".into() };
        if P::request_from_op(&put).is_some() {
            Some(true)
        } else {
            P::request_from_op(&propose).is_some().then_some(false)
        }
    }
}
