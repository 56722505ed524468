//! The link codec: `V.<base64url(raw deflate(json))>` in the URL fragment. The version
//! comes first and every released version keeps decoding and replaying as it did: version
//! 1's semantics are frozen; version 2 adds client sessions, retries and the client
//! history (see `Scenario::version`); version 3 makes clocks continuous (drift applies from
//! the moment it is set) and the lock service's leases sound (the client's drift margin
//! and jeopardy, the servers' leader lease); version 4 gives Zab's sessions both
//! directions of ZooKeeper's TCP connection (a follower's messages numbered and taken in
//! order, a silent follower dropped, NEWLEADER's acknowledgement counting for the
//! proposals it carried); version 5 has the block store's NameNode remember the replicas
//! it told DataNodes to delete until they confirm it, complete a block under recovery only
//! through its recovery, and keep a committed block's replicas of any stamp for its
//! recovery; version 6 keeps chaos within Chord's assumption as Zave states it, on the
//! successor lists themselves (no crash leaves a member with no live successor in its
//! list); version 7 hashes the trace and message checksums a word at a time instead of
//! FNV-1a's byte at a time (the same events; other trace hashes). Input is untrusted: sizes are
//! capped before and during inflation, fields are typed, unknown fields refused. The
//! encoder and the decoder agree: a scenario the decoder would refuse (too long, too large
//! once inflated, invalid) gets no link, and the caller points to a scenario file.

use super::model::Scenario;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;

/// The current link version.
pub const LINK_VERSION: u32 = 7;
/// Links longer than this are refused before decoding.
pub const MAX_LINK_BYTES: usize = 8 * 1024;
/// Inflated JSON larger than this is refused (an inflation bomb).
pub const MAX_INFLATED_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    TooLong(usize),
    NoVersion,
    UnknownVersion(String),
    BadBase64,
    BadDeflate,
    TooLarge,
    BadJson(String),
    Invalid(String),
    /// A scenario file larger than [`super::file::MAX_FILE_BYTES`] (this many bytes).
    FileTooLarge(usize),
    /// A well-formed link or file of a protocol carried by another page module: the page
    /// loads that module and opens it there.
    OtherModule { protocol: String, family: &'static str },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong(n) => write!(f, "the link is too long ({n} bytes; at most {MAX_LINK_BYTES})"),
            LinkError::NoVersion => write!(f, "the link has no version (expected it to start with \"1.\", \"2.\" or \"3.\")"),
            LinkError::UnknownVersion(v) => write!(f, "the link's version {v:?} is not one this page knows"),
            LinkError::BadBase64 => write!(f, "the link is damaged: it is not valid base64url"),
            LinkError::BadDeflate => write!(f, "the link is damaged or truncated: its compressed data does not inflate"),
            LinkError::TooLarge => write!(f, "the link inflates to more than {MAX_INFLATED_BYTES} bytes"),
            LinkError::BadJson(e) => write!(f, "the scenario is malformed: {e}"),
            LinkError::Invalid(e) => write!(f, "the scenario is invalid: {e}"),
            LinkError::FileTooLarge(n) => write!(f, "the scenario file is too large ({n} bytes; at most {})", super::file::MAX_FILE_BYTES),
            LinkError::OtherModule { protocol, family } => {
                write!(f, "the scenario is of {protocol}, which is in the page module {family:?}, not in this one")
            }
        }
    }
}

/// Why a scenario gets no link: the encoder refuses whatever the decoder would refuse, so
/// a link it hands out always opens. What is too long for a link goes in a scenario file
/// ([`super::file`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkRefused {
    /// The link would be this many bytes, more than [`MAX_LINK_BYTES`].
    TooLong(usize),
    /// The scenario's JSON is this many bytes, more than [`MAX_INFLATED_BYTES`].
    TooLarge(usize),
    /// The decoder's checks refuse it (a playhead past ten minutes, too many faults).
    Invalid(String),
}

impl fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkRefused::TooLong(n) => write!(f, "this scenario's link would be {}, more than the {} a link carries", kb(*n), kb(MAX_LINK_BYTES)),
            LinkRefused::TooLarge(n) => write!(f, "this scenario is {} of JSON, more than the {} a link carries", kb(*n), kb(MAX_INFLATED_BYTES)),
            LinkRefused::Invalid(e) => write!(f, "this scenario could not be opened again: {e}"),
        }
    }
}

/// `n` bytes in KB (1,024 bytes), one decimal where it has one: "9.9 KB", "8 KB".
pub fn kb(n: usize) -> String {
    let tenths = (n * 10 + 512) / 1024;
    if tenths.is_multiple_of(10) { format!("{} KB", tenths / 10) } else { format!("{}.{} KB", tenths / 10, tenths % 10) }
}

/// The link body (`V.…`, without `#s=`) that opens `s`, or why there is none.
pub fn encode_link(s: &Scenario) -> Result<String, LinkRefused> {
    accept(s).map_err(|e| LinkRefused::Invalid(detail(e)))?;
    let json = serde_json::to_vec(s).map_err(|e| LinkRefused::Invalid(e.to_string()))?;
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    let link = format!("{}.{}", s.version, URL_SAFE_NO_PAD.encode(packed));
    if link.len() > MAX_LINK_BYTES {
        return Err(LinkRefused::TooLong(link.len()));
    }
    if json.len() > MAX_INFLATED_BYTES {
        return Err(LinkRefused::TooLarge(json.len()));
    }
    Ok(link)
}

/// What an [`accept`] refusal says, without the "the scenario is invalid" framing.
fn detail(e: LinkError) -> String {
    match e {
        LinkError::Invalid(m) | LinkError::BadJson(m) => m,
        other => other.to_string(),
    }
}

/// Does `text` start as a link body of a version this build decodes (`1.` to `4.`)?
pub fn has_link_version(text: &str) -> bool {
    (1..=LINK_VERSION).any(|v| text.strip_prefix(v.to_string().as_str()).is_some_and(|rest| rest.starts_with('.')))
}

/// Decode a link body (`1.xxxx`, without `#s=`).
pub fn decode_link(link: &str) -> Result<Scenario, LinkError> {
    if link.len() > MAX_LINK_BYTES {
        return Err(LinkError::TooLong(link.len()));
    }
    let (version, body) = link.split_once('.').ok_or(LinkError::NoVersion)?;
    match version {
        "1" => decode_body(body, 1),
        "2" => decode_body(body, 2),
        "3" => decode_body(body, 3),
        "4" => decode_body(body, 4),
        "5" => decode_body(body, 5),
        "6" => decode_body(body, 6),
        "7" => decode_body(body, 7),
        v => Err(LinkError::UnknownVersion(v.chars().take(16).collect())),
    }
}

/// Every version so far shares one body format; the scenario inside must be of the
/// link's version.
fn decode_body(body: &str, version: u32) -> Result<Scenario, LinkError> {
    let packed = URL_SAFE_NO_PAD.decode(body.trim_end_matches('=')).map_err(|_| LinkError::BadBase64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED_BYTES).map_err(|e| {
        if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
            LinkError::TooLarge
        } else {
            LinkError::BadDeflate
        }
    })?;
    scenario_from_json(&json, Some(version))
}

/// The checks a link's scenario and a scenario file share, so that the two cannot drift:
/// typed JSON with unknown fields refused, the version the link names (a file names its
/// own), then [`accept`].
pub(super) fn scenario_from_json(json: &[u8], version: Option<u32>) -> Result<Scenario, LinkError> {
    let v: serde_json::Value = serde_json::from_slice(json).map_err(|e| LinkError::BadJson(e.to_string()))?;
    let s = super::model::scenario_from_json(v).map_err(LinkError::BadJson)?;
    if let Some(version) = version.filter(|v| *v != s.version) {
        return Err(LinkError::Invalid(format!("a version {version} link holds a version {} scenario", s.version)));
    }
    accept(&s)?;
    Ok(s)
}

/// A scenario this module opens: its protocol here (another module's is `OtherModule`),
/// its own validation (a version this build knows, nodes, faults, playhead) and its
/// protocol's configuration. The encoders run it too, so what they write always opens.
fn accept(s: &Scenario) -> Result<(), LinkError> {
    if super::registry::row(&s.protocol).is_none() {
        if let Some(family) = super::registry::family_of(&s.protocol) {
            return Err(LinkError::OtherModule { protocol: s.protocol.clone(), family });
        }
    }
    s.validate().map_err(LinkError::Invalid)?;
    super::registry::check_config(s).map_err(LinkError::Invalid)
}

/// Pull the link out of a URL fragment: `#s=1.xxx` → link, `#preset=NAME` → preset.
pub enum Fragment {
    Link(String),
    Preset(String),
    None,
}

pub fn parse_fragment(fragment: &str) -> Fragment {
    let f = fragment.trim_start_matches('#');
    if let Some(l) = f.strip_prefix("s=") {
        Fragment::Link(l.to_string())
    } else if let Some(p) = f.strip_prefix("preset=") {
        Fragment::Preset(p.to_string())
    } else {
        Fragment::None
    }
}
