//! Gossip's messages (Demers et al., "Epidemic Algorithms for Replicated Database
//! Maintenance", PODC 1987): timestamped rumors (§1.1), the digests a pull or feedback
//! carries, push / pull / push-pull contacts of rumor mongering (§1.4), the anti-entropy
//! exchange of whole databases (§1.3), and the client update.

use crate::sim::{NodeId, TimeUs};

/// Demers' timestamp: the origin's clock, then its id. Ordered; the larger one wins.
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub time_us: TimeUs,
    pub origin: NodeId,
}

/// One database entry on the wire.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Rumor {
    pub key: String,
    pub value: String,
    pub stamp: Stamp,
}

/// (key, timestamp held) pairs: what a site has, for a pull or as feedback.
pub type Digest = Vec<(String, Stamp)>;

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum GossipMsg {
    /// Push: the caller's hot rumors.
    Push { rumors: Vec<Rumor> },
    /// Pull: "send me your hot rumors I lack"; `have` is the caller's digest.
    Pull { have: Digest },
    PushPull { rumors: Vec<Rumor>, have: Digest },
    /// The callee's answer: rumors the caller lacked, and feedback (`known`: pushed
    /// rumors it already had), which drives the caller's loss of interest.
    Reply { rumors: Vec<Rumor>, known: Digest },
    /// Anti-entropy: the whole database, and the callee's answer with what the caller lacks.
    SyncRequest { db: Vec<Rumor> },
    SyncReply { db: Vec<Rumor> },
}


/// A client update: `Put { key, value }`, or `Propose { value }` stored under its own key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub key: String,
    pub value: String,
}
