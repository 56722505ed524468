#![cfg(not(target_arch = "wasm32"))]
//! Scenario files: they round-trip, carry what is too long for a link (a 120-second run
//! with 1,200 requests), are refused over their cap and refused for bad content with the
//! messages a link gets; the link encoder refuses what the link decoder would refuse; and
//! the CLI writes (`run --save`, `sweep --save-failing`) and runs them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clusterlab::scenario::file::MAX_FILE_BYTES;
use clusterlab::scenario::{decode_file, decode_link, encode_file, encode_link, presets, LinkError, LinkRefused, Scenario};
use clusterlab::sim::{ClientOp, Fault, TimedFault};
use std::path::PathBuf;
use std::process::Command;

/// A Raft run of 120 simulated seconds with a client request every 100 ms: 1,200 requests.
fn long_scenario() -> Scenario {
    let mut s = Scenario::current("raft", 5, 7);
    for i in 0..1_200u64 {
        let op = ClientOp::Put { key: format!("k{}", i % 5), value: format!("v{i}") };
        s.faults.push(TimedFault { at_us: 100_000 * (i + 1), after_event: None, fault: Fault::Request { node: (i % 5) as u32, op } });
    }
    s.playhead_us = 120_000_000;
    s
}

#[test]
fn every_preset_round_trips_through_a_file_which_names_its_version() {
    for p in presets::all() {
        let s = (p.build)();
        let text = encode_file(&s).unwrap();
        assert_eq!(decode_file(&text).unwrap(), s, "{}", p.name);
        assert!(text.starts_with(&format!("{{\n  \"version\": {},\n", s.version)), "{}: {text}", p.name);
    }
}

#[test]
fn a_file_is_one_field_a_line_and_one_fault_a_line() {
    let s = long_scenario();
    let text = encode_file(&s).unwrap();
    let fault_lines = text.lines().filter(|l| l.starts_with("    {\"at_us\":")).count();
    assert_eq!(fault_lines, s.faults.len(), "{}", &text[..600]);
    assert!(text.contains("\n  \"protocol\": \"raft\",\n") && text.ends_with("\n  ],\n  \"playhead_us\": 120000000\n}\n"), "{}", &text[text.len() - 200..]);
    // A byte-order mark from an editor is no reason to refuse a file.
    assert_eq!(decode_file(&format!("\u{feff}{text}")).unwrap(), s);
    // Faults empty: `[]` on the field's line.
    assert!(encode_file(&Scenario::current("flood", 3, 1)).unwrap().contains("\"faults\": [],\n"));
}

#[test]
fn the_long_scenario_is_refused_as_a_link_but_opens_as_a_file() {
    let s = long_scenario();
    let err = encode_link(&s).expect_err("too long for a link");
    assert!(matches!(err, LinkRefused::TooLong(n) if n > 8 * 1024), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("this scenario's link would be ") && msg.ends_with("KB, more than the 8 KB a link carries"), "{msg}");
    let text = encode_file(&s).unwrap();
    assert!(text.len() < MAX_FILE_BYTES);
    assert_eq!(decode_file(&text).unwrap(), s);
}

#[test]
fn the_link_encoder_refuses_what_the_link_decoder_refuses() {
    // Deflate packs a thousand identical requests into a short link whose JSON is more
    // than the decoder inflates: no link.
    let mut s = Scenario::current("flood", 3, 1);
    let op = ClientOp::Propose { value: "x".into() };
    s.faults = (0..1_000).map(|_| TimedFault { at_us: 5, after_event: None, fault: Fault::Request { node: 0, op: op.clone() } }).collect();
    let json = serde_json::to_vec(&s).unwrap();
    let forced = format!("3.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 9)));
    assert!(forced.len() < 8 * 1024, "short enough: {}", forced.len());
    assert_eq!(decode_link(&forced), Err(LinkError::TooLarge));
    assert!(matches!(encode_link(&s), Err(LinkRefused::TooLarge(n)) if n == json.len()));
    assert_eq!(decode_file(&encode_file(&s).unwrap()).unwrap(), s, "a file carries it");

    // A playhead past ten minutes: neither a link nor a file.
    let mut s = Scenario::current("flood", 3, 1);
    s.playhead_us = 700_000_000;
    let link = encode_link(&s).expect_err("invalid");
    assert!(link.to_string().contains("more than 10 minutes"), "{link}");
    assert!(encode_file(&s).expect_err("invalid").contains("more than 10 minutes"));
}

#[test]
fn a_file_over_the_cap_is_refused_before_parsing() {
    let big = format!("{{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"pad\":\"{}\"}}", "a".repeat(MAX_FILE_BYTES));
    let err = decode_file(&big).unwrap_err();
    assert_eq!(err, LinkError::FileTooLarge(big.len()));
    assert_eq!(err.to_string(), format!("the scenario file is too large ({} bytes; at most 1048576)", big.len()));
    // Garbage past the cap gets the same answer (nothing is parsed).
    assert!(matches!(decode_file(&"\u{0}".repeat(MAX_FILE_BYTES + 1)), Err(LinkError::FileTooLarge(_))));
}

#[test]
fn bad_files_are_refused_with_the_messages_a_link_gets() {
    let pack = |json: &str| format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6)));
    for (json, expect) in [
        ("{\"protocol\":\"flood\"", "EOF while parsing"),
        ("not json", "expected"),
        ("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"evil\":1}", "unknown field `evil`"),
        ("{\"protocol\":\"nope\",\"nodes\":3,\"seed\":1}", "unknown protocol \"nope\""),
        ("{\"protocol\":\"flood\",\"nodes\":100000,\"seed\":1}", "1 to 64 nodes"),
        ("{\"version\":9,\"protocol\":\"flood\",\"nodes\":3,\"seed\":1}", "version 9 is not one this page knows"),
        ("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"config\":{\"bug\":\"nonsense\"}}", "no teaching bug"),
        ("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"faults\":[{\"at_us\":5,\"fault\":{\"kind\":\"crash\",\"node\":9}}]}", "node 9 does not exist"),
        ("{\"protocol\":\"raft\",\"nodes\":3,\"seed\":1,\"config\":{\"election_timeout\":1}}", "unknown field"),
    ] {
        let file = decode_file(json).expect_err(expect);
        assert!(file.to_string().contains(expect), "{file} should mention {expect:?}");
        if json.contains("\"version\":9") {
            continue; // a version 1 link refuses a version 9 scenario for its own reason
        }
        assert_eq!(decode_link(&pack(json)).expect_err(expect), file, "{json}: a link's answer");
    }
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clusterlab")).args(args).output().expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterlab-scenario-file-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn cli_run_saves_a_file_that_replays_the_same_run() {
    let dir = scratch("save");
    let file = dir.join("flood.json");
    let (code, out, err) = cli(&["run", "flood-basic", "--until-us", "2000000", "--save", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let first = json(&out);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"playhead_us\": 2000000"), "the file runs to where the run stood: {text}");
    let (code, out, err) = cli(&["run", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let again = json(&out);
    assert_eq!((&again["trace_hash"], &again["sim_time_us"]), (&first["trace_hash"], &first["sim_time_us"]));
    assert_eq!(again["link"], first["link"], "the file and the link hold one scenario");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cli_runs_a_file_too_long_for_a_link_and_says_so_instead_of_printing_one() {
    let dir = scratch("long");
    let file = dir.join("long.json");
    std::fs::write(&file, encode_file(&long_scenario()).unwrap()).unwrap();
    let (code, out, err) = cli(&["run", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["sim_time_us"], 120_000_000);
    assert!(v["link"].is_null(), "no undecodable link: {}", v["link"]);
    assert!(v["link_refused"].as_str().unwrap().contains("more than the 8 KB a link carries"), "{}", v["link_refused"]);
    let (code, out, _) = cli(&["run", file.to_str().unwrap(), "--until-us", "1000000"]);
    assert_eq!(code, 0);
    assert!(out.contains("no link: this scenario's link would be") && out.contains("--save FILE"), "{out}");
    assert!(!out.contains("#s="), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cli_refuses_bad_files_with_a_message_and_exit_2() {
    let dir = scratch("bad");
    let big = dir.join("big.json");
    std::fs::write(&big, vec![b' '; MAX_FILE_BYTES + 1]).unwrap();
    let unknown = dir.join("unknown.json");
    std::fs::write(&unknown, "{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"evil\":1}").unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, "{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"config\":{\"bug\":\"nonsense\"}}").unwrap();
    for (file, expect) in [(&big, "too large"), (&unknown, "unknown field `evil`"), (&config, "no teaching bug")] {
        let (code, _, err) = cli(&["run", file.to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(expect), "{expect}: {err}");
    }
    let (code, _, err) = cli(&["run", "flood-basic", "--save", dir.join("no/such/dir/x.json").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("could not write the scenario file"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cli_sweep_saves_failing_seeds_as_files_that_reproduce_them() {
    let dir = scratch("sweep");
    let (code, out, err) = cli(&["sweep", "--protocol", "flood", "--seeds", "50", "--bug", "forget_on_restart", "--save-failing", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let line = out.lines().find(|l| l.contains("reproduce: clusterlab run ") && l.ends_with(".json")).unwrap_or_else(|| panic!("{out}"));
    let path = line.rsplit(' ').next().unwrap();
    assert!(path.contains("flood-seed-"), "{path}");
    let (code, out, _) = cli(&["run", path]);
    assert_eq!(code, 1, "the file replays the violation: {out}");
    assert!(out.contains("VIOLATION"), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}
