//! A sweep's progress on stderr: a line redrawn about once a second on a terminal (seeds
//! done, events/s, failing seeds so far, time left), or with `--progress-json` one JSON
//! line every few seconds for batch systems; nothing otherwise (plain `--json` and pipes
//! get only the report on stdout).

use clusterlab::sweep::Progress;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Meter {
    mode: Mode,
    started: Instant,
    last: Instant,
    drawn: bool,
}

#[derive(PartialEq)]
enum Mode {
    Quiet,
    Terminal,
    Json,
}

impl Meter {
    pub fn new(json: bool, started: Instant) -> Meter {
        let mode = if json {
            Mode::Json
        } else if std::io::stderr().is_terminal() {
            Mode::Terminal
        } else {
            Mode::Quiet
        };
        Meter { mode, started, last: started, drawn: false }
    }

    fn every(&self) -> Duration {
        Duration::from_secs(if self.mode == Mode::Json { 3 } else { 1 })
    }

    pub fn tick(&mut self, p: Progress) {
        if self.mode == Mode::Quiet || self.last.elapsed() < self.every() {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64();
        let done = p.report.seeds;
        let eps = p.report.events as f64 / secs.max(1e-9);
        let left = secs / done.max(1) as f64 * p.total.saturating_sub(done) as f64;
        let failing = p.report.failures.len();
        let mut err = std::io::stderr().lock();
        let _ = match self.mode {
            Mode::Json => writeln!(err, "{}", serde_json::json!({"progress": {"seeds_done": done, "seeds": p.total, "events": p.report.events, "events_per_second": eps as u64, "failing": failing, "seconds": secs, "seconds_left": left.round()}})),
            _ => write!(err, "\r{done}/{} seeds · {:.0}k events/s · {failing} failing · {} left   ", p.total, eps / 1e3, clock(left)),
        };
        self.drawn = true;
    }

    /// Clear the terminal line before the report.
    pub fn done(&mut self) {
        if self.mode == Mode::Terminal && self.drawn {
            let _ = write!(std::io::stderr(), "\r{:60}\r", "");
        }
    }
}

fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    } else {
        format!("{}m{:02}s", s / 60, s % 60)
    }
}
