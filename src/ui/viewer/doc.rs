//! A client history opened in the viewer: a run's recorded client history (which the page
//! hands over as a ClusterLab history file) or a file the user brings (Jepsen EDN, a Jepsen
//! text log, ClusterLab's history JSON), checked for linearizability with the simulator's
//! checker and laid out as a [`Chart`] for drawing.

use crate::histories::{self, Caps, Model};
use crate::sim::lin::{self, Chart, Limits, Operation, Verdict};

/// The most the page reads from a file, and the most operations it draws.
pub const MAX_FILE_BYTES: usize = 16 << 20;
pub const MAX_OPERATIONS: usize = 100_000;

/// A history ready for the history view.
#[derive(Debug)]
pub struct HistoryDoc {
    /// The file's name, or "this run".
    pub source: String,
    /// The file's format (`jepsen-edn`, …) or `run`.
    pub format: &'static str,
    pub model: Model,
    /// Times are microseconds; otherwise line numbers.
    pub timed: bool,
    pub ops: Vec<Operation>,
    pub verdict: Verdict,
    pub chart: Chart,
    /// Wall time the check took.
    pub check_ms: f64,
}

impl PartialEq for HistoryDoc {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn checked(source: String, format: &'static str, model: Model, timed: bool, ops: Vec<Operation>) -> HistoryDoc {
    let start = now_ms();
    let (verdict, orders) = lin::check_with_orders(&ops, Limits::default());
    let chart = Chart::new(&ops, &verdict, &orders);
    HistoryDoc { source, format, model, timed, ops, verdict, chart, check_ms: now_ms() - start }
}

/// A history file's text (`name` is what the dialog calls it).
pub fn from_text(name: &str, text: &str) -> Result<HistoryDoc, String> {
    let caps = Caps { max_bytes: MAX_FILE_BYTES, max_operations: MAX_OPERATIONS };
    let parsed = histories::parse_with_caps(text, None, caps).map_err(|e| format!("{name}: {e}"))?;
    if parsed.operations.is_empty() {
        return Err(format!("{name}: {}", crate::i18n::t("the history has no operations")));
    }
    Ok(checked(name.chars().take(120).collect(), parsed.format, parsed.model, parsed.timed, parsed.operations))
}

