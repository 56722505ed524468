//! `clusterlab sweep`, `merge` and `soak`: seed sweeps on every core, their shards and how
//! a failing seed is reproduced (see DESIGN.md, CLI).

use crate::cli::{no_link, save, Args};
use clusterlab::scenario;
use clusterlab::sweep::{self, SweepSpec};
use serde_json::json;
use std::time::Instant;

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

pub fn run_sweep(a: &Args) -> Result<i32, String> {
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
pub fn merge(a: &Args) -> Result<i32, String> {
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

/// `make soak`: each protocol's soak sweep from its row (or one protocol's), all seeds.
pub fn soak(a: &Args) -> Result<i32, String> {
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
