//! Flood's messages (no paper): a value flooded to every peer, its acknowledgement, and the
//! anti-entropy `Sync` carrying every value a node knows (as Demers et al.'s anti-entropy,
//! PODC 1987).

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum FloodMsg {
    Flood { value: String },
    Ack { value: String },
    Sync { values: Vec<String> },
}

impl FloodMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            FloodMsg::Flood { .. } => "Flood",
            FloodMsg::Ack { .. } => "Ack",
            FloodMsg::Sync { .. } => "Sync",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, FloodMsg::Ack { .. })
    }
}
