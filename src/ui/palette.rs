//! The page's colours for canvas drawing: CSS variables read once per theme (reading computed
//! style forces a style pass, so never per frame), the colour of each message type and of
//! each node tone.

use crate::sim::Tone;
use std::cell::RefCell;

thread_local! {
    static PALETTE: RefCell<(String, Vec<(&'static str, String)>)> = RefCell::default();
}

/// The value of CSS variable `name` (e.g. "--m1") under the current theme.
pub fn css_var(name: &'static str) -> String {
    let w = web_sys::window();
    let root = w.as_ref().and_then(|w| w.document()).and_then(|d| d.document_element());
    let theme = root.as_ref().and_then(|r| r.get_attribute("data-theme")).unwrap_or_default();
    PALETTE.with(|p| {
        let mut p = p.borrow_mut();
        if p.0 != theme {
            *p = (theme, Vec::new());
        }
        if let Some((_, v)) = p.1.iter().find(|(k, _)| *k == name) {
            return v.clone();
        }
        let v = w
            .zip(root)
            .and_then(|(w, r)| w.get_computed_style(&r).ok().flatten())
            .and_then(|s| s.get_property_value(name).ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "#888".into());
        p.1.push((name, v.clone()));
        v
    })
}

/// The CSS variable holding a message type's colour (requests and their replies share one).
pub fn kind_var(kind: &str) -> &'static str {
    match kind {
        "AppendEntries" | "AppendEntriesResponse" | "Accept" | "Accepted" | "Flood" | "Ack" | "Push" | "PushPull" | "Reply" | "Forward" | "ForwardAck" => "--m2",
        "RequestVote" | "RequestVoteResponse" | "Prepare" | "Promise" | "Ping" => "--m3",
        "PreVote" | "PreVoteResponse" | "Heartbeat" | "HeartbeatAck" | "Sync" | "PingReq" | "KeepAlive" | "KeepAliveAck" => "--m4",
        "Decide" | "Write" | "WriteAck" | "Pull" | "Append" | "AppendAck" => "--m5",
        "Notify" | "Confirm" | "Fence" | "FenceAck" => "--m6",
        "Nack" => "--bad",
        _ => "--m1",
    }
}

/// The CSS variable holding a node tone's colour: the same as the stylesheet's `tone-…`
/// rules for the SVG cluster.
pub fn tone_var(tone: Tone) -> &'static str {
    match tone {
        Tone::Neutral => "--follower",
        Tone::Leading => "--leader",
        Tone::Contending => "--candidate",
        Tone::Settled => "--ok",
        Tone::Warning => "--warn",
        Tone::Failed => "--bad",
        Tone::Storage => "--m5",
        Tone::Transient => "--m4",
    }
}
