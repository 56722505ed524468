//! SWIM as in Das, Gupta and Motivala, "SWIM: Scalable Weakly-consistent Infection-style
//! Process Group Membership Protocol" (DSN 2002). Each protocol period T′ a member probes
//! one member chosen round-robin over a random permutation (§4.3) with `Ping`; without an
//! `Ack` within the ping timeout it asks k random members with `PingReq` to probe for it
//! and relay the Ack (§3.1); with no Ack by the end of the period the target becomes
//! `Suspect` (§4.2), and `Confirm`ed dead after the suspicion timeout unless it refutes by
//! raising its incarnation (`Alive` with a higher incarnation). Membership updates ride
//! piggybacked on Ping/PingReq/Ack, each sent λ·⌈log2(n+1)⌉ times (§4.1).
//!
//! Built to run at 1,000+ nodes: per-node state is sparse and per-event work is
//! O(piggyback).

pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod overlay;
pub mod round_robin;
pub mod view;

pub use config::SwimConfig;
pub use msg::{Status, SwimMsg, Update};
pub use node::{Member, Swim, SwimTimer};

use crate::sim::{ClientOp, NodeEnv, NodeId, Out, Present, Protocol, Register, RoleView, TimeUs};

impl Protocol for Swim {
    type Config = SwimConfig;
    type Msg = SwimMsg;
    type Timer = SwimTimer;
    type Request = ();
    type Reply = ();
    /// Its own incarnation, rewritten whole.
    type Durable = Register<u32>;
    type Checker = invariants::SwimChecker;
    const NAME: &'static str = "swim";

    fn new(env: NodeEnv, config: &SwimConfig) -> Self {
        Swim::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.boot(out);
    }
    /// Rejoin with a higher incarnation than any the cluster may hold for us.
    fn on_recover(&mut self, durable: Register<u32>, out: &mut Out<Self>) {
        self.incarnation = durable.0 + 1;
        out.write(self.incarnation);
        out.sync();
        out.note(format!("rejoin with incarnation {}", self.incarnation));
        self.boot(out);
    }
    fn on_message(&mut self, from: NodeId, msg: SwimMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: SwimTimer, out: &mut Out<Self>) {
        match timer {
            SwimTimer::ProtocolPeriod => self.handle_period(out),
            SwimTimer::PingTimeout => self.handle_ping_timeout(out),
        }
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.handle_period(out);
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &SwimMsg) -> &'static str {
        match msg {
            SwimMsg::Ping { .. } => "Ping",
            SwimMsg::PingReq { .. } => "PingReq",
            SwimMsg::Ack { .. } => "Ack",
        }
    }
    fn msg_is_reply(msg: &SwimMsg) -> bool {
        matches!(msg, SwimMsg::Ack { .. })
    }
    fn timer_name(timer: &SwimTimer) -> &'static str {
        match timer {
            SwimTimer::ProtocolPeriod => "protocol period",
            SwimTimer::PingTimeout => "ping timeout",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Swim {
    const TERM_NAME: &'static str = "incarnation";

    fn msg_summary(msg: &SwimMsg) -> String {
        view::summary(msg)
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> crate::sim::NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> crate::sim::Overlay {
        overlay::overlay(nodes, now_us)
    }
}
