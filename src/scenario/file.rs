//! Scenario files: a scenario as JSON, for what is too long for a link (DESIGN.md, "Scenario
//! links, files and the page contract"). The file is the very JSON object a link deflates
//! (the fields of [`Scenario`]), always with its `version` (the link version whose
//! semantics it replays under, so it replays forever), laid out one field a line and one
//! fault a line. Decoding applies exactly a link's checks (one shared function, so the two
//! cannot drift) after a size cap, with a link's messages; the encoder refuses what the
//! decoder would refuse.
//!
//! The cap is 1 MiB, not a link's 64 KB of inflated JSON: a link is refused at 8 KB, and
//! deflate packs this JSON about tenfold, so the 64 KB cap is what stops most long
//! scenarios (a 120-second run with 1,200 requests is about 120 KB of JSON). A file must
//! carry those; 1 MiB holds the most faults a scenario may have ([`super::model::MAX_FAULTS`],
//! 5,000: a 240-second run with a request every 100 ms) twice over and is still nothing to parse.

use super::link::{scenario_from_json, LinkError};
use super::model::Scenario;

/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Decode a scenario file's text: the size cap, then a link's checks, refused with a
/// link's messages ([`LinkError`]; `OtherModule` for another page module's protocol).
pub fn decode_file(text: &str) -> Result<Scenario, LinkError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(LinkError::FileTooLarge(text.len()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    scenario_from_json(text.as_bytes(), None)
}

/// The scenario file for `s`, or why the decoder would refuse it.
pub fn encode_file(s: &Scenario) -> Result<String, String> {
    let json = serde_json::to_string(s).map_err(|e| e.to_string())?;
    // A version 1 scenario's JSON leaves `version` out (links made before version 2 have
    // none); a file always says it, first.
    let json = if s.version == 1 { format!("{{\"version\":1,{}", &json[1..]) } else { json };
    let text = layout(&json);
    decode_file(&text).map(|_| text).map_err(|e| format!("this scenario could not be opened again: {e}"))
}

/// Compact JSON laid out for reading: the top-level object one field a line, an array in
/// a top-level field (a scenario's faults, a trace's records) one element a line,
/// everything deeper as it was.
pub fn layout(json: &str) -> String {
    let mut out = Vec::with_capacity(json.len() + json.len() / 8);
    // How many brackets are open, whether the second one is an array (the lines break in
    // the top-level object and in such an array), whether this byte is in a string.
    let (mut depth, mut in_array, mut in_string, mut escaped) = (0, false, false, false);
    let bytes = json.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        if in_string {
            (in_string, escaped) = (escaped || c != b'"', !escaped && c == b'\\');
            out.push(c);
            continue;
        }
        let broken = depth == 1 || (depth == 2 && in_array);
        let indent: &[u8] = if depth == 1 { b"\n  " } else { b"\n    " };
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                in_array |= depth == 2 && c == b'[';
                out.push(c);
                if (depth == 1 || (depth == 2 && in_array)) && !matches!(bytes.get(i + 1), Some(b'}' | b']')) {
                    out.extend_from_slice(if depth == 1 { b"\n  " } else { b"\n    " });
                }
                continue;
            }
            b'}' | b']' => {
                if broken && !matches!(bytes.get(i.wrapping_sub(1)), Some(b'{' | b'[')) {
                    out.extend_from_slice(&indent[..indent.len() - 2]);
                }
                in_array &= depth != 2;
                depth -= 1;
            }
            b',' if broken => {
                out.push(c);
                out.extend_from_slice(indent);
                continue;
            }
            b':' if depth == 1 => {
                out.extend_from_slice(b": ");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}
