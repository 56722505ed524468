//! A consistent-hashing key-value ring (Karger et al., "Consistent hashing and random
//! trees", STOC 1997, §4; DeCandia et al., "Dynamo", SOSP 2007, §4.2-4.9): servers with
//! virtual-node tokens, preference lists of N distinct servers, quorum writes and reads,
//! gossiped membership and key handoff; with mod-N, jump hash (Lamping & Veach 2014),
//! rendezvous hashing (Thaler & Ravishankar 1998) and bounded loads (Mirrokni, Thorup &
//! Zadimoghaddam 2018) as switchable placements to compare.

pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod placement;
pub mod view;

pub use config::{HashRingConfig, BUGS};
pub use invariants::HashRingChecker;
pub use msg::HashRingMsg;
pub use node::{Disk, HashRing, HashRingReply, HashRingRequest, HashRingTimer};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, ClientResult, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TimeUs};

impl Protocol for HashRing {
    type Config = HashRingConfig;
    type Msg = HashRingMsg;
    type Timer = HashRingTimer;
    type Request = HashRingRequest;
    type Reply = HashRingReply;
    /// Boots, the incarnation in the membership, and the keys held.
    type Durable = Disk;
    type Checker = HashRingChecker;
    const NAME: &'static str = "hash-ring";

    fn new(env: NodeEnv, config: &HashRingConfig) -> Self {
        HashRing::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.start(out);
    }
    fn on_recover(&mut self, durable: Disk, out: &mut Out<Self>) {
        self.recover(durable, out);
    }
    fn on_message(&mut self, from: NodeId, msg: HashRingMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: HashRingTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: HashRingRequest, out: &mut Out<Self>) {
        self.request(request_id, req, out);
    }
    /// "Time out now": gossip at once.
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.handle_timer(HashRingTimer::Gossip, out);
    }
    fn request_from_op(op: &ClientOp) -> Option<HashRingRequest> {
        match op {
            ClientOp::Put { key, value } => Some(HashRingRequest::Put { key: key.clone(), value: value.clone() }),
            ClientOp::Get { key } => Some(HashRingRequest::Get { key: key.clone() }),
            ClientOp::Propose { .. } => None,
        }
    }
    fn reply_result(reply: &HashRingReply) -> ClientResult {
        match reply {
            HashRingReply::Stored { .. } => ClientResult::Ok(None),
            HashRingReply::Value { value, .. } => ClientResult::Ok(value.clone()),
            HashRingReply::Failed { .. } => ClientResult::Fail,
        }
    }
    fn msg_kind(msg: &HashRingMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &HashRingMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &HashRingTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for HashRing {
    const TERM_NAME: &'static str = "keys held";
    fn msg_summary(msg: &HashRingMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
