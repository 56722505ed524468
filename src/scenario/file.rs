//! Scenario files: a scenario as JSON, for what is too long for a link (DESIGN.md, "Scenario
//! links, files and the page contract"). The file is the very JSON object a link deflates
//! (the fields of [`Scenario`]), always with its `version` (the link version whose
//! semantics it replays under, so it replays forever), laid out one field a line and one
//! fault a line. Decoding applies exactly a link's checks (one shared function, so the two
//! cannot drift) after a size cap; the encoder refuses what the decoder would refuse.
//!
//! The cap is 1 MiB, not a link's 64 KB of inflated JSON: a link is refused at 8 KB, and
//! deflate packs this JSON about tenfold, so the 64 KB cap is what stops most long
//! scenarios (a 120-second run with 1,200 requests is about 120 KB of JSON). A file must
//! carry those; 1 MiB holds the most faults a scenario may have ([`super::model::MAX_FAULTS`])
//! several times over and is still nothing to parse.

use super::link::{kb, scenario_from_json, LinkError};
use super::model::Scenario;
use serde::Serialize;
use std::fmt;
use std::io;

/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    TooLarge(usize),
    BadJson(String),
    Invalid(String),
    /// A scenario of a protocol carried by another page module: the page hands the file to
    /// that module, as it does a link.
    OtherModule { protocol: String, family: &'static str },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::TooLarge(n) => write!(f, "the scenario file is too large ({}; at most {})", kb(*n), kb(MAX_FILE_BYTES)),
            FileError::BadJson(e) => write!(f, "the scenario file is malformed: {e}"),
            FileError::Invalid(e) => write!(f, "the scenario file's scenario is invalid: {e}"),
            FileError::OtherModule { protocol, family } => {
                write!(f, "the scenario file opens {protocol}, which is in the page module {family:?}, not in this one")
            }
        }
    }
}

impl From<LinkError> for FileError {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::BadJson(e) => FileError::BadJson(e),
            LinkError::OtherModule { protocol, family } => FileError::OtherModule { protocol, family },
            LinkError::Invalid(e) => FileError::Invalid(e),
            other => FileError::Invalid(other.to_string()),
        }
    }
}

/// Decode a scenario file's text: the size cap, then a link's checks.
pub fn decode_file(text: &str) -> Result<Scenario, FileError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(text.len()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(scenario_from_json(text.as_bytes(), None)?)
}

/// The scenario file for `s`, or why the decoder would refuse it.
pub fn encode_file(s: &Scenario) -> Result<String, String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Layout::default());
    // `version` is left out of a version 1 scenario's JSON (links made before version 2
    // have none); a file always says it, first.
    #[derive(Serialize)]
    struct WithVersion<'a> {
        version: u32,
        #[serde(flatten)]
        s: &'a Scenario,
    }
    let written = if s.version == 1 { WithVersion { version: 1, s }.serialize(&mut ser) } else { s.serialize(&mut ser) };
    written.map_err(|e| e.to_string())?;
    let mut text = String::from_utf8(out).map_err(|e| e.to_string())?;
    text.push('\n');
    match decode_file(&text) {
        Ok(_) => Ok(text),
        Err(FileError::TooLarge(n)) => Err(format!("this scenario's file would be {}, more than the {} a scenario file may hold", kb(n), kb(MAX_FILE_BYTES))),
        Err(e) => Err(format!("this scenario could not be opened again: {e}")),
    }
}

/// The file's layout: the top-level object one field a line, an array at the top level
/// (the faults) one element a line, everything deeper on one line.
#[derive(Default)]
struct Layout {
    depth: usize,
    /// Whether the array or object open at each depth has had an element.
    filled: Vec<bool>,
}

impl Layout {
    fn open<W: io::Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.filled.push(false);
        w.write_all(bracket)
    }
    fn close<W: io::Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8], broken_at: usize) -> io::Result<()> {
        self.depth -= 1;
        if self.filled.pop().unwrap_or(false) && self.depth < broken_at {
            w.write_all(b"\n")?;
            w.write_all(&b"    "[..2 * self.depth])?;
        }
        w.write_all(bracket)
    }
    /// Before an element at the current depth: a comma, and a new line where the
    /// depth breaks lines (`broken_at`: the deepest depth that does).
    fn element<W: io::Write + ?Sized>(&mut self, w: &mut W, first: bool, broken_at: usize) -> io::Result<()> {
        if let Some(f) = self.filled.last_mut() {
            *f = true;
        }
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= broken_at {
            w.write_all(b"\n")?;
            w.write_all(&b"    "[..2 * self.depth])?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Layout {
    fn begin_object<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}", 1)
    }
    fn begin_object_key<W: io::Write + ?Sized>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element(w, first, 1)
    }
    fn begin_object_value<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.depth == 1 { b": " } else { b":" })
    }
    fn begin_array<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]", 2)
    }
    fn begin_array_value<W: io::Write + ?Sized>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element(w, first, 2)
    }
}
