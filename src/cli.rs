//! The `clusterlab` command line: `run`, `sweep`, `presets`, `bench`, `check` (see DESIGN.md, CLI).

use clusterlab::scenario::lessons::{self, Lesson};
use clusterlab::scenario::{self, presets, Fragment, Scenario};
use clusterlab::sweep::{self, SweepSpec};
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
  clusterlab check <history file|-> [--model register|kv] [--json] [--timeout-ms N]";

/// Parsed `--flag value` pairs and bare words.
struct Args {
    words: Vec<String>,
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
    fn has(&self, f: &str) -> bool {
        self.flags.iter().any(|(k, _)| k == f)
    }
    fn get(&self, f: &str) -> Option<&str> {
        self.flags.iter().find(|(k, _)| k == f).and_then(|(_, v)| v.as_deref())
    }
    fn num(&self, f: &str, default: u64) -> Result<u64, String> {
        match self.get(f) {
            None => Ok(default),
            Some(v) => v.replace('_', "").parse().map_err(|_| format!("{f} takes a whole number (got {v:?})")),
        }
    }
    fn only(&self, allowed: &[&str]) -> Result<(), String> {
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
        Some("sweep") => run_sweep(a),
        Some("merge") => merge(a),
        Some("presets") => list_presets(a),
        Some("lessons") => list_lessons(a),
        Some("lesson") => play_lesson(a),
        Some("protocols") => list_protocols(a),
        Some("soak") => soak(a),
        Some("bench") => bench(a),
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
fn save(s: &Scenario, path: &std::path::Path) -> Result<(), String> {
    let text = scenario::encode_file(s)?;
    std::fs::write(path, text).map_err(|e| format!("could not write the scenario file {}: {e}", path.display()))
}

/// What a refused link says on the command line.
fn no_link(e: &str, hint: &str) -> String {
    format!("no link: {e}: save it as a scenario file ({hint})")
}

fn preset(name: &str) -> Result<Scenario, String> {
    presets::find(name).map(|p| (p.build)()).ok_or_else(|| format!("no preset named {name:?} (see `clusterlab presets`)"))
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

fn shard(a: &Args) -> Result<(u64, u64), String> {
    let Some(v) = a.get("--shard") else { return Ok((0, 1)) };
    let bad = || format!("--shard takes i/n with 0 <= i < n (got {v:?})");
    let (i, n) = v.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (i.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

fn run_sweep(a: &Args) -> Result<i32, String> {
    a.only(&["--protocol", "--seeds", "--start", "--nodes", "--faults", "--bug", "--shard", "--json", "--keep-going", "--config", "--chaos", "--swarm", "--save-failing", "--threads", "--progress-json"])?;
    let protocol = a.get("--protocol").ok_or("sweep needs --protocol")?;
    let row = scenario::registry::row_or_err(protocol)?;
    let seeds = a.num("--seeds", 100)?;
    let start = a.num("--start", 0)?;
    let (i, n) = shard(a)?;
    let mut spec = SweepSpec::new(protocol);
    spec.swarm = swarm_flag(a)?;
    let nodes = a.num("--nodes", u64::from(row.nodes.default))?;
    if nodes < u64::from(row.nodes.min) || nodes > u64::from(row.nodes.max) {
        return Err(format!("--nodes: a {protocol} cluster has {} to {} nodes (got {nodes})", row.nodes.min, row.nodes.max));
    }
    spec.nodes = nodes as u32;
    if a.get("--nodes").is_some() || a.get("--chaos").is_some() {
        if a.get("--swarm").is_some_and(|v| v != "off") {
            return Err("--nodes and --chaos fix the cluster and the fault rates for every seed: they do not go with --swarm".into());
        }
        spec.swarm = None;
    }
    spec.chaos = match a.get("--faults").unwrap_or("chaos") {
        "chaos" => true,
        "none" => false,
        f => return Err(format!("--faults takes chaos or none (got {f:?})")),
    };
    spec.bug = a.get("--bug").map(str::to_string);
    if let Some(c) = a.get("--config") {
        spec.config = serde_json::from_str(c).map_err(|e| format!("--config takes a JSON object of protocol settings: {e}"))?;
    }
    if let Some(c) = a.get("--chaos") {
        spec.chaos_config = serde_json::from_str(c).map_err(|e| format!("--chaos takes a JSON object of chaos rates: {e}"))?;
        clusterlab::sim::validate::validate_chaos(&spec.chaos_config)?;
    }
    if let Some(b) = &spec.bug {
        if !scenario::bug_names(protocol).contains(&b.as_str()) {
            return Err(format!("{protocol} has no teaching bug {b:?} (known: {})", scenario::bug_names(protocol).join(", ")));
        }
    }
    let stop = if spec.bug.is_some() && !a.has("--keep-going") { sweep::Stop::AtFailure } else { sweep::Stop::Never };
    let threads = threads(a)?;
    let started = Instant::now();
    let range: Vec<u64> = (start..start + seeds).filter(|s| s % n == i).collect();
    let mut meter = crate::cli_progress::Meter::new(a.has("--progress-json"), started);
    let report = sweep::sweep_on(&spec, &range, stop, threads, &mut |p| meter.tick(p))?;
    meter.done();
    let secs = started.elapsed().as_secs_f64();
    let eps = (report.events as f64 / secs.max(1e-9)) as u64;
    let saved = save_failing(a.get("--save-failing"), &spec, &report)?;
    if a.has("--json") {
        let mut v = serde_json::to_value(&report).map_err(|e| e.to_string())?;
        if a.has("--save-failing") {
            v["saved"] = json!(saved);
        }
        if a.get("--shard").is_some() {
            v["shard"] = json!(shard_info(&report, (i, n), (start, seeds), stop));
        }
        v["seconds"] = json!(secs);
        v["events_per_second"] = json!(eps);
        println!("{v}");
    } else {
        print_sweep(&report, &spec, &saved, secs);
    }
    Ok(sweep_exit(&report))
}

/// `--threads N` (1 to 1024), or every core.
fn threads(a: &Args) -> Result<usize, String> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    match a.num("--threads", cores as u64)? {
        t @ 1..=1024 => Ok(t as usize),
        t => Err(format!("--threads takes 1 to 1024 (got {t})")),
    }
}

/// What a shard reports about itself: its place, and each seed's events under a stop rule.
fn shard_info(report: &sweep::SweepReport, (i, n): (u64, u64), (start, seeds): (u64, u64), stop: sweep::Stop) -> sweep::ShardInfo {
    sweep::ShardInfo { index: i, count: n, start, seeds, stop, seed_events: report.seed_events.clone() }
}

/// `clusterlab merge`: the shards' reports as one run over all their seeds.
fn merge(a: &Args) -> Result<i32, String> {
    a.only(&["--json"])?;
    let files = &a.words[1..];
    if files.is_empty() {
        return Err("merge needs the shards' reports (files written by clusterlab sweep --shard i/n --json)".into());
    }
    let mut shards = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: could not read it ({e})"))?;
        let shard: sweep::ShardReport = serde_json::from_str(&text).map_err(|e| format!("{f}: not a shard's report from clusterlab sweep --shard i/n --json ({e})"))?;
        shards.push(shard);
    }
    let report = sweep::merge(&shards)?;
    let secs: f64 = shards.iter().map(|s| s.seconds).sum();
    if a.has("--json") {
        let mut v = serde_json::to_value(&report).map_err(|e| e.to_string())?;
        v["seconds"] = json!(secs);
        v["events_per_second"] = json!((report.events as f64 / secs.max(1e-9)) as u64);
        println!("{v}");
    } else {
        let spec = SweepSpec { bug: report.bug.clone(), ..SweepSpec::new(&report.protocol) };
        print_sweep(&report, &spec, &[], secs);
    }
    Ok(sweep_exit(&report))
}

/// A sweep fails when it finds a failing seed, or, hunting a bug, when it finds none.
fn sweep_exit(report: &sweep::SweepReport) -> i32 {
    let failed = match &report.bug {
        Some(_) => report.first_failure_seed.is_none(),
        None => !report.failures.is_empty(),
    };
    i32::from(failed)
}

fn print_sweep(report: &sweep::SweepReport, spec: &SweepSpec, saved: &[String], secs: f64) {
    let protocol = &report.protocol;
    let eps = (report.events as f64 / secs.max(1e-9)) as u64;
    {
        let kind = report.swarm.map_or("fixed".to_string(), |v| format!("swarm {v}"));
        println!("{protocol} sweep ({kind}): {} seeds, {} events in {secs:.1} s ({eps} events/s)", report.seeds, report.events);
        for (f, file) in report.failures.iter().zip(saved.iter().map(Some).chain(std::iter::repeat(None))).take(20) {
            for v in &f.violations {
                println!("  seed {}: VIOLATION {} at event {}: {}", f.seed, v.property, v.event_index, v.explanation);
            }
            if let Some(l) = &f.liveness_failure {
                println!("  seed {}: LIVENESS {l}", f.seed);
            }
            if let Some(i) = &f.inconclusive {
                println!("  seed {}: INCONCLUSIVE {i}", f.seed);
            }
            reproduce(f, file.map(String::as_str), "    ");
        }
        match (&spec.bug, report.first_failure_seed) {
            (Some(b), Some(s)) => println!("bug {b} caught at seed {s} ({} seeds run)", report.seeds),
            (Some(b), None) => println!("bug {b} NOT caught in {} seeds", report.seeds),
            (None, _) => println!("{} failing seeds", report.failures.len()),
        }
    }
}

/// `--swarm V` (a swarm version this build knows) or `--swarm off` (a fixed sweep); the
/// current swarm version when absent.
fn swarm_flag(a: &Args) -> Result<Option<u32>, String> {
    let current = clusterlab::scenario::swarm::SWARM_VERSION;
    match a.get("--swarm") {
        None => Ok(Some(current)),
        Some("off") => Ok(None),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=current).contains(&n) => Ok(Some(n)),
            _ => Err(format!("--swarm takes a swarm version from 1 to {current}, or off (got {v:?})")),
        },
    }
}

/// `--save-failing DIR`: every failing seed's scenario as a file in DIR (made if missing),
/// named PROTOCOL-seed-N.json; the paths, in the order of the report's failures.
fn save_failing(dir: Option<&str>, spec: &SweepSpec, report: &sweep::SweepReport) -> Result<Vec<String>, String> {
    let Some(dir) = dir else { return Ok(Vec::new()) };
    std::fs::create_dir_all(dir).map_err(|e| format!("--save-failing: could not make {dir}: {e}"))?;
    let path = |seed: u64| std::path::Path::new(dir).join(format!("{}-seed-{seed}.json", spec.protocol));
    report.failures.iter().map(|f| save(&sweep::sweep_scenario(spec, f.seed)?, &path(f.seed)).map(|_| path(f.seed).display().to_string())).collect()
}

/// How to replay a failing seed: its link, its scenario file, or why it has no link.
fn reproduce(f: &sweep::SeedOutcome, file: Option<&str>, indent: &str) {
    if let Some(l) = &f.link {
        println!("{indent}reproduce: clusterlab run '#s={l}'");
    }
    match (file, &f.link_refused) {
        (Some(path), _) => println!("{indent}reproduce: clusterlab run {path}"),
        (None, Some(e)) => println!("{indent}{}", no_link(e, "clusterlab sweep … --save-failing DIR")),
        (None, None) => {}
    }
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

/// `make soak`: each protocol's soak sweep from its row (or one protocol's), all seeds.
fn soak(a: &Args) -> Result<i32, String> {
    a.only(&["--protocol", "--seeds", "--threads"])?;
    let threads = threads(a)?;
    let rows: Vec<&scenario::Row> = match a.get("--protocol") {
        Some(p) => vec![scenario::registry::row_or_err(p)?],
        None => scenario::rows().iter().collect(),
    };
    let mut failed = 0;
    for r in rows {
        let seeds = a.num("--seeds", r.sweep.soak_seeds)?;
        let started = Instant::now();
        let mut meter = crate::cli_progress::Meter::new(false, started);
        let seeds: Vec<u64> = (0..seeds).collect();
        let report = sweep::sweep_on(&SweepSpec::new(r.name), &seeds, sweep::Stop::Never, threads, &mut |p| meter.tick(p))?;
        meter.done();
        let secs = started.elapsed().as_secs_f64();
        println!("{:<7} {} seeds, {} events in {secs:.1} s: {} failing", r.name, report.seeds, report.events, report.failures.len());
        for f in report.failures.iter().take(5) {
            print!("    seed {}:", f.seed);
            reproduce(f, None, " ");
        }
        failed += report.failures.len();
    }
    Ok(i32::from(failed > 0))
}

/// RaftScope's workload (see `clusterlab::bench`) for 240 simulated seconds: events/s over
/// the run and in its early and late windows, medians of `--runs` runs of at least 0.5 s;
/// then each protocol's chaos workload, and the bare event loop. `--workload-file F` writes
/// the workload as a scenario file (the page's bench opens it) and does nothing else.
fn bench(a: &Args) -> Result<i32, String> {
    a.only(&["--json", "--runs", "--workload-file"])?;
    let workload = clusterlab::bench::raftscope_workload(clusterlab::bench::WORKLOAD_US);
    if let Some(path) = a.get("--workload-file") {
        save(&workload, path.as_ref())?;
        return Ok(0);
    }
    let runs = a.num("--runs", 11)?;
    if runs == 0 || runs > 1_000 {
        return Err(format!("--runs takes 1 to 1000 (got {runs})"));
    }
    let summary = clusterlab::bench::measure(&workload, runs as usize, 0.5)?;
    if !a.has("--json") {
        print_workload(&summary);
    }
    let mut rows = protocol_rows(a.has("--json"))?;
    rows.push(bench_event_loop(a.has("--json")));
    if a.has("--json") {
        println!("{}", json!({"workload": summary, "bench": rows}));
    }
    Ok(0)
}

fn print_workload(s: &clusterlab::bench::Summary) {
    println!("RaftScope's workload, 240 simulated seconds ({} events a run), median of {} runs, every checker on, trace kept:", s.events_per_run, s.runs);
    println!("  whole run : {:>10.0} events/s ({:.0} simulated seconds per second)", s.events_per_second, s.simulated_seconds_per_second);
    println!("  30-60 s   : {:>10.0} events/s", s.early_events_per_second);
    println!("  210-240 s : {:>10.0} events/s (late/early {:.2})", s.late_events_per_second, s.flatness);
}

/// Each protocol, 5 nodes, chaos on, 60 simulated seconds, trace off (as in a sweep) and
/// on (as in the page); one run each.
fn protocol_rows(quiet: bool) -> Result<Vec<serde_json::Value>, String> {
    let mut rows = Vec::new();
    for protocol in scenario::rows().iter().map(|r| r.name) {
        for keep_trace in [false, true] {
            let mut spec = SweepSpec::fixed(protocol);
            spec.chaos_until_us = 60_000_000;
            spec.liveness_bound_us = 0;
            let s = sweep::sweep_scenario(&spec, 1)?;
            let mut s0 = s.clone();
            s0.playhead_us = 0;
            let mut run = scenario::build(&s0, keep_trace)?;
            let started = Instant::now();
            run.run_until(s.playhead_us);
            let secs = started.elapsed().as_secs_f64();
            let eps = (run.event_count() as f64 / secs.max(1e-9)) as u64;
            rows.push(json!({"protocol": protocol, "trace": keep_trace, "events": run.event_count(), "seconds": secs, "events_per_second": eps}));
            if !quiet {
                let mode = if keep_trace { "trace kept" } else { "hash only " };
                println!("{protocol:<6} {mode}: {:>9} events in {secs:.3} s = {eps:>10} events/s", run.event_count());
            }
        }
    }
    Ok(rows)
}

/// The simulator's own cost: flood with empty payloads (anti-entropy every 1 ms, no
/// values), 5 nodes, 60 simulated seconds, hash only.
fn bench_event_loop(quiet: bool) -> serde_json::Value {
    use clusterlab::protocols::flood::{Flood, FloodConfig};
    use clusterlab::sim::{ChaosConfig, NetConfig, Sim};
    let cfg = FloodConfig { sync_interval_us: 1_000, bug: None };
    let mut sim = Sim::<Flood>::new(5, 1, cfg, NetConfig::default(), ChaosConfig::default());
    sim.record = false;
    let started = Instant::now();
    sim.run_until(60_000_000);
    let secs = started.elapsed().as_secs_f64();
    let eps = (sim.event_count() as f64 / secs.max(1e-9)) as u64;
    if !quiet {
        println!("event loop (empty flood payloads): {:>9} events in {secs:.3} s = {eps:>10} events/s", sim.event_count());
    }
    json!({"protocol": "event-loop", "trace": false, "events": sim.event_count(), "seconds": secs, "events_per_second": eps})
}
