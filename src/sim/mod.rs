//! The deterministic cluster simulator: sans-IO protocol contract, event queue, seeded
//! PRNG, network and fault model, trace with a stable hash, time travel, views, and the
//! replicated-log interface through which one protocol runs on another.

pub mod any;
pub mod assume;
pub mod clock;
pub mod durable;
pub mod engine;
pub mod fault;
pub(crate) mod fault_json;
pub mod json_read;
pub mod hash;
pub mod history;
pub mod idmap;
pub mod lease;
pub mod lin;
pub mod network;
pub mod node;
pub mod present;
pub mod prng;
pub mod protocol;
pub mod queue;
pub mod rsm;
pub mod sorted;
pub mod trace;
pub mod validate;
pub mod view;
pub mod work;

pub use any::AnyRun;
pub use assume::{Assumptions, Exceeded, FaultClass};
pub use clock::Clock;
pub use durable::{Disk, DurableLog, DurableState, LogWrite, Register};
pub use engine::{Choice, Sim};
pub use fault::{ChaosConfig, Fault, NetConfig, TimedFault};
pub use history::History;
pub use present::{node_view, Present, RoleView, Tone};
pub use protocol::{CheckCtx, Checker, ClientOp, ClientResult, Session, CURRENT_VERSION, Effect, EffectOf, NodeEnv, NodeId, Out, Protocol, ProtocolConfig, TimeUs, Violation, WriteOf};
pub use rsm::{Cluster, FromClientOp, LogConfig, NotLeader, Outcome, Replicas, ReplicatedLog, StateMachine};
pub use trace::{hash_hex, DropReason, TraceKind, TraceLog, TraceRecord};
pub use view::{ClusterView, Dataset, Lineage, LogEntryView, LogMark, LogView, MessageView, NodeStatus, NodeView, Overlay, OverlayArc, OverlayArrow, OverlayBar, PartitionView, Plot, Series, TableView, TimerView};
