//! The `clusterlab` command line: `run`, `sweep`, `presets`, `bench`, `check` (see DESIGN.md, CLI).

use clusterlab::scenario::lessons::{self, Lesson};
use clusterlab::scenario::{self, presets, Fragment, Scenario};
use clusterlab::sim::hash_hex;
use serde_json::json;
use std::time::Instant;

const USAGE: &str = "usage:
  clusterlab run <link|preset|file.json> [--until-us T] [--save FILE] [--json | --history]
  clusterlab sweep --protocol P --seeds N [--start S] [--bug NAME] [--swarm V|off]
                   [--nodes N] [--faults chaos|none] [--config JSON] [--chaos JSON]
                   [--shard i/n] [--threads N] [--keep-going] [--save-failing DIR]
                   [--json] [--progress-json]
  clusterlab merge <shard report.json>... [--json]
  clusterlab presets [--json]
  clusterlab lessons [--json]
  clusterlab lesson <name|lesson.json> [--json]
  clusterlab protocols [--json | --names]
  clusterlab soak [--protocol P] [--seeds N] [--threads N]
  clusterlab bench [--runs N] [--json] | bench --workload-file FILE
  clusterlab check <history file|-> [--model register|kv] [--json] [--timeout-ms N]
  clusterlab compare <link|preset|file.json> [--json]   (commit protocols side by side)";

/// Parsed `--flag value` pairs and bare words.
pub struct Args {
    pub words: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

const BOOL_FLAGS: &[&str] = &["--json", "--history", "--help", "--keep-going", "--names", "--progress-json"];
const VALUE_FLAGS: &[&str] = &["--until-us", "--protocol", "--seeds", "--start", "--nodes", "--faults", "--bug", "--shard", "--config", "--chaos", "--model", "--timeout-ms", "--swarm", "--save", "--save-failing", "--runs", "--workload-file", "--threads"];

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args { words: Vec::new(), flags: Vec::new() };
    let mut it = args.iter();
    while let Some(x) = it.next() {
        if x.starts_with("--") {
            if BOOL_FLAGS.contains(&x.as_str()) {
                a.flags.push((x.clone(), None));
            } else if !VALUE_FLAGS.contains(&x.as_str()) {
                return Err(format!("unknown option {x}"));
            } else {
                let v = it.next().ok_or_else(|| format!("{x} needs a value"))?;
                a.flags.push((x.clone(), Some(v.clone())));
            }
        } else {
            a.words.push(x.clone());
        }
    }
    Ok(a)
}

impl Args {
    pub fn has(&self, f: &str) -> bool {
        self.flags.iter().any(|(k, _)| k == f)
    }
    pub fn get(&self, f: &str) -> Option<&str> {
        self.flags.iter().find(|(k, _)| k == f).and_then(|(_, v)| v.as_deref())
    }
    pub fn num(&self, f: &str, default: u64) -> Result<u64, String> {
        match self.get(f) {
            None => Ok(default),
            Some(v) => v.replace('_', "").parse().map_err(|_| format!("{f} takes a whole number (got {v:?})")),
        }
    }
    pub fn only(&self, allowed: &[&str]) -> Result<(), String> {
        match self.flags.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            Some((k, _)) => Err(format!("unknown option {k}")),
            None => Ok(()),
        }
    }
}

pub fn main(args: Vec<String>) -> i32 {
    let result = parse(&args).and_then(|a| dispatch(&a));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clusterlab: {e}\n{USAGE}");
            2
        }
    }
}

fn dispatch(a: &Args) -> Result<i32, String> {
    if a.has("--help") {
        println!("{USAGE}");
        return Ok(0);
    }
    match a.words.first().map(String::as_str) {
        Some("run") => run(a),
        Some("sweep") => crate::cli_sweep::run_sweep(a),
        Some("merge") => crate::cli_sweep::merge(a),
        Some("presets") => list_presets(a),
        Some("lessons") => list_lessons(a),
        Some("lesson") => play_lesson(a),
        Some("protocols") => list_protocols(a),
        Some("soak") => crate::cli_sweep::soak(a),
        Some("bench") => crate::cli_bench::bench(a),
        Some("compare") => compare(a),
        Some("check") => a.only(&["--model", "--timeout-ms", "--json"]).and_then(|_| crate::cli_check::run(&a.words[1..], a.get("--model"), a.get("--timeout-ms"), a.has("--json"))),
        Some(other) => Err(format!("unknown command {other:?}")),
        None => Err("no command given".into()),
    }
}

/// A scenario from a link (`#s=1.…`, `1.…`, or a URL holding one), a preset name
/// (`raft-election`, `#preset=…`), or a scenario file (checked exactly as a link is).
fn load_scenario(src: &str) -> Result<Scenario, String> {
    let frag = src.rsplit_once('#').map(|(_, f)| f).unwrap_or(src);
    match scenario::parse_fragment(frag) {
        Fragment::Link(l) => return scenario::decode_link(&l).map_err(|e| e.to_string()),
        Fragment::Preset(p) => return preset(&p),
        Fragment::None => {}
    }
    if scenario::link::has_link_version(src) {
        return scenario::decode_link(src).map_err(|e| e.to_string());
    }
    if let Some(p) = presets::find(src) {
        return Ok((p.build)());
    }
    let unreadable = |e: std::io::Error| format!("{src:?} is not a link, a preset or a readable file ({e})");
    let size = std::fs::metadata(src).map_err(unreadable)?.len();
    if size > scenario::file::MAX_FILE_BYTES as u64 {
        return Err(format!("{src}: {}", scenario::LinkError::FileTooLarge(size as usize)));
    }
    let text = std::fs::read_to_string(src).map_err(unreadable)?;
    scenario::decode_file(&text).map_err(|e| format!("{src}: {e}"))
}

/// Write `s` as a scenario file at `path`.
pub fn save(s: &Scenario, path: &std::path::Path) -> Result<(), String> {
    let text = scenario::encode_file(s)?;
    std::fs::write(path, text).map_err(|e| format!("could not write the scenario file {}: {e}", path.display()))
}

/// What a refused link says on the command line.
pub fn no_link(e: &str, hint: &str) -> String {
    format!("no link: {e}: save it as a scenario file ({hint})")
}

fn preset(name: &str) -> Result<Scenario, String> {
    presets::find(name).map(|p| (p.build)()).ok_or_else(|| format!("no preset named {name:?} (see `clusterlab presets`)"))
}

/// The commit protocols side by side on a scenario's workload and faults.
fn compare(a: &Args) -> Result<i32, String> {
    a.only(&["--json"])?;
    let src = a.words.get(1).ok_or("compare needs a link, a preset name or a file of a commit protocol (2pc, 3pc, paxos-commit)")?;
    let s = load_scenario(src)?;
    let table = scenario::compare::side_by_side(&s).ok_or_else(|| format!("compare is for commit protocols (2pc, 3pc, paxos-commit), not {}", s.protocol))?;
    if a.has("--json") {
        println!("{}", json!(table));
        return Ok(0);
    }
    let widths: Vec<usize> = (0..table.headers.len()).map(|i| table.rows.iter().map(|r| r[i].chars().count()).chain([table.headers[i].chars().count()]).max().unwrap_or(0)).collect();
    let line = |cells: &[String]| cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ");
    println!("{} · {}", s.protocol, table.title);
    println!("{}", line(&table.headers));
    for r in &table.rows {
        println!("{}", line(r));
    }
    Ok(0)
}

fn run(a: &Args) -> Result<i32, String> {
    a.only(&["--until-us", "--json", "--history", "--save"])?;
    let src = a.words.get(1).ok_or("run needs a link, a preset name or a file")?;
    let mut s = load_scenario(src)?;
    let default_until = if s.playhead_us > 0 { s.playhead_us } else { 5_000_000 };
    let until = a.num("--until-us", default_until)?;
    s.playhead_event = None;
    // What the link and the file carry: this scenario, run to `until`.
    let at_until = Scenario { playhead_us: until, ..s.clone() };
    if let Some(path) = a.get("--save") {
        save(&at_until, path.as_ref())?;
    }
    let link = scenario::encode_link(&at_until);
    s.playhead_us = 0;
    let mut run = scenario::build(&s, false)?;
    let started = Instant::now();
    run.run_until(until);
    let secs = started.elapsed().as_secs_f64();
    let view = run.view();
    let nodes: Vec<_> = view
        .nodes
        .iter()
        .map(|n| json!({"id": n.id, "role": n.role, "status": n.status, "term": n.term}))
        .collect();
    let mut out = json!({
        "protocol": s.protocol, "seed": s.seed, "sim_time_us": run.now_us(), "events": run.event_count(),
        "trace_hash": hash_hex(run.trace_hash()), "violations": run.violations(), "nodes": nodes,
        "assumptions_exceeded": run.exceeded(), "cluster_table": run.cluster_table(),
        "liveness": run.check_liveness().err(), "events_per_second": (run.event_count() as f64 / secs.max(1e-9)) as u64,
        "link": link.as_ref().ok(),
    });
    if let Err(e) = &link {
        out["link_refused"] = json!(e.to_string());
    }
    if a.has("--history") {
        print!("{}", clusterlab::histories::to_json(clusterlab::histories::Model::Kv, run.client_history()));
    } else if a.has("--json") {
        println!("{out}");
    } else {
        println!("{} · {} nodes · seed {} · {} us · {} events · hash {}", s.protocol, s.nodes, s.seed, run.now_us(), run.event_count(), out["trace_hash"].as_str().unwrap_or(""));
        for n in &view.nodes {
            let term = n.term.map(|t| format!(" term {t}")).unwrap_or_default();
            println!("  n{}: {}{term}", n.id, n.role);
        }
        for v in run.violations() {
            println!("  VIOLATION {} at event {}: {}", v.property, v.event_index, v.explanation);
        }
        for x in run.exceeded() {
            println!("  ASSUMPTION EXCEEDED at event {}: {}", x.event_index, x.what);
        }
        match &link {
            Ok(l) => println!("  link: #s={l}"),
            Err(e) => println!("  {}", no_link(&e.to_string(), "clusterlab run … --save FILE")),
        }
        if let Some(path) = a.get("--save") {
            println!("  scenario file: {path}");
        }
    }
    Ok(if run.violations().is_empty() { 0 } else { 1 })
}

fn list_presets(a: &Args) -> Result<i32, String> {
    a.only(&["--json"])?;
    let all = presets::all();
    if a.has("--json") {
        let v: Vec<_> = all
            .iter()
            .map(|p| json!({"name": p.name, "protocol": p.protocol, "title": p.title_en, "caption": p.caption_en, "title_zh": p.title_zh, "caption_zh": p.caption_zh}))
            .collect();
        println!("{}", json!(v));
    } else {
        for p in &all {
            println!("{:<28} {:<6} {}", p.name, p.protocol, p.title_en);
        }
    }
    Ok(0)
}

/// The guided lessons this build carries.
fn list_lessons(a: &Args) -> Result<i32, String> {
    a.only(&["--json"])?;
    let all: Vec<Lesson> = lessons::names().into_iter().map(lessons::find).collect::<Result<_, _>>()?;
    if a.has("--json") {
        let v: Vec<_> = all
            .iter()
            .map(|l| json!({"name": l.name, "protocol": l.protocol, "title": l.title.en, "title_zh": l.title.zh, "steps": l.steps.len()}))
            .collect();
        println!("{}", json!(v));
    } else {
        for l in &all {
            println!("{:<26} {:<6} {:>2} steps  {}", l.name, l.protocol, l.steps.len(), l.title.en);
        }
    }
    Ok(0)
}

/// Play a lesson (built in, or a teacher's file) in the student's place, step by step:
/// exit 1 if a step's condition holds when it opens or does not within its bound.
fn play_lesson(a: &Args) -> Result<i32, String> {
    a.only(&["--json"])?;
    let src = a.words.get(1).ok_or("lesson takes a lesson's name or a lesson file")?;
    let lesson = match lessons::find(src) {
        Ok(l) => l,
        Err(_) if src.ends_with(".json") || std::path::Path::new(src).exists() => {
            let text = std::fs::read_to_string(src).map_err(|e| format!("{src:?} is not a lesson's name or a readable file ({e})"))?;
            lessons::decode_lesson(&text)?
        }
        Err(e) => return Err(format!("{e} (lessons: {})", lessons::names().join(", "))),
    };
    let result = lessons::play_through(&lesson);
    if a.has("--json") {
        let v = match &result {
            Ok(steps) => json!({"lesson": lesson.name, "ok": true, "steps": steps}),
            Err(e) => json!({"lesson": lesson.name, "ok": false, "error": e}),
        };
        println!("{v}");
    } else {
        for p in result.as_deref().unwrap_or_default() {
            let took = p.done_us - p.opened_us;
            let bound = lesson.steps[p.step - 1].within_us;
            println!("step {}: done after {} ms of simulated time (bound {} ms), at event {}", p.step, took / 1_000, bound / 1_000, p.done_event);
        }
        match &result {
            Ok(_) => println!("{}: every step played through", lesson.name),
            Err(e) => println!("{}: {e}", lesson.name),
        }
    }
    Ok(i32::from(result.is_err()))
}

/// The registry: every protocol's row (`--names`: one name a line, for scripts).
fn list_protocols(a: &Args) -> Result<i32, String> {
    a.only(&["--json", "--names"])?;
    let rows = scenario::rows();
    if a.has("--names") {
        rows.iter().for_each(|r| println!("{}", r.name));
    } else if a.has("--json") {
        let v: Vec<_> = rows.iter().map(protocol_json).collect();
        println!("{}", json!(v));
    } else {
        for r in rows {
            let bugs: Vec<&str> = r.bugs.iter().map(|b| b.name).collect();
            println!("{:<7} {:<7} nodes {}-{} (default {})  {:?}  bugs: {}", r.name, r.family, r.nodes.min, r.nodes.max, r.nodes.default, r.consistency.model, bugs.join(", "));
        }
    }
    Ok(0)
}

fn protocol_json(r: &scenario::Row) -> serde_json::Value {
    let presets: Vec<&str> = (r.presets)().iter().map(|p| p.name).collect();
    json!({
        "name": r.name, "family": r.family, "title": r.title, "nodes": r.nodes, "bugs": r.bugs,
        "presets": presets, "lessons": r.lessons, "consistency": r.consistency, "assumptions": r.assumptions,
        "sweep": r.sweep, "layout": r.layout,
    })
}

