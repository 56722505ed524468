//! The `clusterlab` binary: its commands, JSON output, and clear messages for bad input.

use std::process::Command;

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clusterlab")).args(args).output().expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn bad_arguments_give_a_message_and_exit_2() {
    for (args, expect) in [
        (vec!["frobnicate"], "unknown command"),
        (vec![], "no command"),
        (vec!["sweep", "--protocol", "flood", "--seeds", "ten"], "whole number"),
        (vec!["sweep", "--protocol", "nope"], "unknown protocol"),
        (vec!["sweep", "--protocol", "flood", "--shard", "3/2"], "--shard takes i/n"),
        (vec!["sweep", "--protocol", "flood", "--bug", "nope"], "no teaching bug"),
        (vec!["sweep", "--protocol", "flood", "--faults", "lots"], "chaos or none"),
        (vec!["run", "no-such-preset-or-file"], "not a link, a preset or a readable file"),
        (vec!["run", "#s=1.AAAA"], "does not inflate"),
        (vec!["presets", "--wat"], "unknown option"),
        (vec!["run", "flood-basic", "--until-us"], "needs a value"),
    ] {
        let (code, _, err) = cli(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(err.contains("usage:"), "{args:?} prints usage");
    }
}

#[test]
fn run_prints_json_with_the_trace_hash_and_a_replayable_link() {
    let (code, out, _) = cli(&["run", "flood-basic", "--until-us", "2000000", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["protocol"], "flood");
    assert_eq!(v["sim_time_us"], 2_000_000);
    let link = v["link"].as_str().unwrap().to_string();
    let (code2, out2, _) = cli(&["run", &format!("#s={link}"), "--json"]);
    assert_eq!(code2, 0);
    let v2: serde_json::Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(v2["trace_hash"], v["trace_hash"], "the link replays to the same hash");
}

#[test]
fn sweep_reports_seeds_events_and_catches_a_planted_bug() {
    let (code, out, _) = cli(&["sweep", "--protocol", "flood", "--seeds", "10", "--shard", "1/2", "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["seeds"], 5, "shard 1/2 of 10 seeds");
    assert!(v["events"].as_u64().unwrap() > 0 && v["events_per_second"].as_u64().unwrap() > 0);
    let (code, out, _) = cli(&["sweep", "--protocol", "flood", "--seeds", "50", "--bug", "forget_on_restart"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("bug forget_on_restart caught at seed"), "{out}");
    assert!(out.contains("reproduce: clusterlab run '#s=7."), "sweeps run under the current link version: {out}");
}

#[test]
fn presets_and_bench_list_their_figures() {
    let (code, out, _) = cli(&["presets", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().iter().any(|p| p["name"] == "flood-basic" && p["caption_zh"].as_str().is_some()));
}
