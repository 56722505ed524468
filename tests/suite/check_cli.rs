//! `clusterlab check`: verdicts, exit codes (0 linearizable, 1 not, 2 bad input, 3
//! inconclusive), the readable and JSON reports, on the hand-written histories in
//! tests/histories/ and on generated ones.

use std::io::Write;
use std::process::{Command, Stdio};

fn history(name: &str) -> String {
    format!("{}/tests/histories/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary, with `stdin` piped in if given: (exit code, stdout, stderr).
fn cli(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clusterlab"));
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn check(name: &str, extra: &[&str]) -> (i32, String, String) {
    let path = history(name);
    let mut args = vec!["check", path.as_str()];
    args.extend_from_slice(extra);
    cli(&args, None)
}

fn check_json(name: &str) -> (i32, serde_json::Value) {
    let (code, out, err) = check(name, &["--json"]);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}: {out} {err}"));
    (code, v)
}

#[test]
fn known_answers_and_exit_codes() {
    for (name, code, verdict) in [
        ("register_concurrent.edn", 0, "linearizable"),
        ("never_written.edn", 1, "not_linearizable"),
        ("cas_ok.edn", 0, "linearizable"),
        ("cas_bad.edn", 1, "not_linearizable"),
        ("info_must_apply.edn", 0, "linearizable"),
        ("info_need_not_apply.edn", 0, "linearizable"),
        ("fail_then_read.edn", 1, "not_linearizable"),
        ("stale_read.edn", 1, "not_linearizable"),
        ("independent.edn", 1, "not_linearizable"),
        ("register.log", 0, "linearizable"),
        ("stale.log", 1, "not_linearizable"),
        ("kv_ok.json", 0, "linearizable"),
        ("kv_bad.json", 1, "not_linearizable"),
    ] {
        let (c, v) = check_json(name);
        assert_eq!((c, v["verdict"].as_str().unwrap()), (code, verdict), "{name}: {v}");
        assert_eq!(v["failures"].as_array().unwrap().is_empty(), code == 0, "{name}: {v}");
        let (c, out, _) = check(name, &[]);
        assert_eq!(c, code, "{name}: {out}");
        let first = if code == 0 { "linearizable:" } else { "not linearizable:" };
        assert!(out.starts_with(first), "{name}: {out}");
    }
}

#[test]
fn json_report_names_the_failing_key_and_its_operations() {
    let (code, v) = check_json("independent.edn");
    assert_eq!(code, 1);
    assert_eq!((v["model"].as_str(), v["format"].as_str()), (Some("kv"), Some("jepsen-edn")));
    assert_eq!((v["operations"].as_u64(), v["keys"].as_u64()), (Some(5), Some(2)));
    assert!(v["elapsed_ms"].is_u64());
    let failures = v["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "only key 2 fails: {v}");
    let f = &failures[0];
    assert_eq!(f["key"], "2");
    // The stuck operation is the read of 7 (index 4 in the file's operations); the cas
    // from 7 to 8 is in the prefix.
    let stuck: Vec<u64> = f["stuck"].as_array().unwrap().iter().map(|o| o["index"].as_u64().unwrap()).collect();
    assert!(stuck.contains(&4), "{f}");
    let prefix: Vec<u64> = f["prefix"].as_array().unwrap().iter().map(|o| o["index"].as_u64().unwrap()).collect();
    assert!(prefix.iter().all(|i| [1, 3, 4].contains(i)), "indices are the file's operations on key 2: {f}");
    assert!(!f["explanation"].as_str().unwrap().is_empty());
}

#[test]
fn text_report_prints_operations_as_lines() {
    let (code, out, _) = check("never_written.edn", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("1 of 2 keys cannot be explained: x"), "{out}");
    assert!(out.contains("key x:"), "{out}");
    assert!(out.contains("process 2  get x -> plum  [t=8..9]"), "{out}");
    assert!(!out.contains("key y:"), "{out}");
    let (code, out, _) = check("stale.log", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("process 3  read -> 1  [t=5..6]"), "{out}");
    assert!(out.contains("(jepsen-log, model register)"), "{out}");
    assert!(out.contains("the register:") && !out.contains("key register"), "{out}");
}

#[test]
fn a_long_prefix_shows_its_last_ten_operations() {
    let mut text = String::new();
    for v in 1..=20 {
        text += &format!("{{:process 0, :type :invoke, :f :write, :value {v}}}\n{{:process 0, :type :ok, :f :write, :value {v}}}\n");
    }
    text += "{:process 1, :type :invoke, :f :read}\n{:process 1, :type :ok, :f :read, :value 3}\n";
    let (code, out, _) = cli(&["check", "-"], Some(&text));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("20 operations linearize; the last 10, in order (10 earlier not shown):"), "{out}");
    assert!(out.contains("process 0  write 11  [t=21..22]") && !out.contains("write 10 "), "{out}");
    assert!(out.contains("process 1  read -> 3  [t=41..42]"), "{out}");
    let (_, out, _) = cli(&["check", "-", "--json"], Some(&text));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["failures"][0]["prefix"].as_array().unwrap().len(), 20, "JSON lists the whole prefix");
}

#[test]
fn model_flag_overrides_detection() {
    // Both keys checked as one register: the read of "plum" is still unexplained.
    let (code, out, _) = check("never_written.edn", &["--model", "register", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["model"].as_str(), v["keys"].as_u64()), (Some("register"), Some(1)));
    let (_, v) = check_json("register.log");
    assert_eq!(v["model"], "register");
    let (code, out, _) = check("register.log", &["--model", "kv", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["model"], "kv");
}

#[test]
fn stdin_is_read_for_a_dash() {
    let text = std::fs::read_to_string(history("stale_read.edn")).unwrap();
    let (code, out, _) = cli(&["check", "-", "--json"], Some(&text));
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = cli(&["check", "-"], Some(&std::fs::read_to_string(history("cas_ok.edn")).unwrap()));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn bad_input_exits_2_naming_the_line() {
    let ok_line = "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n";
    for (text, expect) in [
        (format!("{ok_line}{{:process 1, :type :invoke, :f :read\n"), "standard input: line 3: column"),
        (format!("{ok_line}{{:process 0, :type :ok, :f :write, :value 1}}\n"), "line 3: :ok for process 0, which has no open :invoke"),
        (format!("{ok_line}{{:process 9, :type :fail, :f :read}}\n"), "line 3: :fail for process 9, which has no open :invoke"),
        (format!("{{:process 1, :type :invoke, :f :read}}\n{ok_line}{{:process 1, :type :invoke, :f :read}}\n"), "line 4: a second :invoke for process 1"),
        (format!("{ok_line}{{:process 1, :type :invoke, :f :txn, :value []}}\n"), "line 3: unknown :f :txn"),
        ("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - zero\t:ok\t:read\t1\n".into(), "line 2: expected the process"),
        ("{\"format\": \"clusterlab-history\", \"version\": 1, \"model\": \"kv\",\n \"operations\": [], \"x\": 1}".into(), "line 2: unknown field `x`"),
        ("just some words\n".into(), "line 1: not a history format"),
        (String::new(), "the history is empty"),
    ] {
        let (code, out, err) = cli(&["check", "-"], Some(&text));
        assert_eq!(code, 2, "{text:?}: {out}");
        assert!(err.contains(expect), "{text:?}: expected {expect:?} in {err}");
        assert!(out.is_empty(), "no verdict on bad input: {out}");
    }
    let mut bytes = b"{:process 0, :type :invoke, :f :read}\n".to_vec();
    bytes.push(0xff);
    let path = std::env::temp_dir().join(format!("clusterlab-check-bad-utf8-{}.edn", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let (code, _, err) = cli(&["check", path.to_str().unwrap()], None);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 2);
    assert!(err.contains("is not UTF-8 text (bad byte at offset 38)"), "{err}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let file = history("cas_ok.edn");
    for (args, expect) in [
        (vec!["check"], "check needs a history file"),
        (vec!["check", &file, &file], "check takes one file"),
        (vec!["check", &file, "--model", "graph"], "--model takes register or kv"),
        (vec!["check", &file, "--timeout-ms", "soon"], "--timeout-ms takes a whole number"),
        (vec!["check", &file, "--timeout-ms", "0"], "--timeout-ms takes a whole number"),
        (vec!["check", &file, "--seeds", "3"], "unknown option --seeds"),
        (vec!["check", &file, "--model"], "--model needs a value"),
    ] {
        let (code, _, err) = cli(&args, None);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expect) && err.contains("usage:"), "{args:?}: {err}");
    }
    let (code, _, err) = cli(&["check", "/no/such/history.edn"], None);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/history.edn"), "{err}");
    let (code, _, err) = cli(&["check", env!("CARGO_MANIFEST_DIR")], None);
    assert_eq!(code, 2, "a directory is not a readable history");
    assert!(err.contains("cannot read"), "{err}");
}

/// A small deterministic generator (64-bit LCG), so generated histories are the same on
/// every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A linearizable Jepsen EDN history from a simulated store: `clients` processes issue
/// `ops` reads, writes and cas operations on `keys` keys; each operation takes effect at a
/// random moment between its invocation and completion, and reports what the store did
/// then. About 2% of operations end `:info` (some having taken effect, some not). Times are
/// line order.
fn generated(clients: u64, keys: u64, ops: usize, seed: u64, info_per_1000: u64) -> String {
    #[derive(Clone)]
    enum Phase {
        Idle,
        /// Invoked; not yet taken effect.
        Called { f: &'static str, key: u64, arg: (u64, u64) },
        /// Took effect: the completion line to print.
        Done(String),
    }
    let mut rng = Lcg(seed);
    let mut store: Vec<Option<u64>> = vec![None; keys as usize];
    let mut phase = vec![Phase::Idle; clients as usize];
    let mut process: Vec<u64> = (0..clients).collect();
    let mut out = String::new();
    let (mut invoked, mut next_value) = (0, 1);
    loop {
        let c = rng.below(clients) as usize;
        let p = process[c];
        match phase[c].clone() {
            Phase::Idle if invoked < ops => {
                invoked += 1;
                let key = rng.below(keys);
                let (f, arg) = match rng.below(10) {
                    0..=4 => ("read", (0, 0)),
                    5..=7 => {
                        next_value += 1;
                        ("write", (next_value, 0))
                    }
                    _ => {
                        next_value += 1;
                        ("cas", (store[key as usize].unwrap_or(0) + rng.below(2), next_value))
                    }
                };
                let value = match f {
                    "read" => "nil".to_string(),
                    "write" => arg.0.to_string(),
                    _ => format!("[{} {}]", arg.0, arg.1),
                };
                out += &format!("{{:process {p}, :type :invoke, :f :{f}, :key {key}, :value {value}}}\n");
                phase[c] = Phase::Called { f, key, arg };
            }
            Phase::Idle => {
                if phase.iter().all(|s| matches!(s, Phase::Idle)) {
                    break;
                }
            }
            Phase::Called { f, key, arg } => {
                let slot = &mut store[key as usize];
                let (ty, value) = match f {
                    "read" => ("ok", slot.map_or("nil".into(), |v| v.to_string())),
                    "write" => {
                        *slot = Some(arg.0);
                        ("ok", arg.0.to_string())
                    }
                    _ if *slot == Some(arg.0) => {
                        *slot = Some(arg.1);
                        ("ok", format!("[{} {}]", arg.0, arg.1))
                    }
                    _ => ("fail", format!("[{} {}]", arg.0, arg.1)),
                };
                let ty = if rng.below(1000) < info_per_1000 { "info" } else { ty };
                phase[c] = Phase::Done(format!("{{:process {p}, :type :{ty}, :f :{f}, :key {key}, :value {value}}}\n"));
            }
            Phase::Done(line) => {
                if line.contains(":type :info") {
                    // Jepsen's numbering: a crashed process comes back as a new one.
                    process[c] += clients;
                }
                out += &line;
                phase[c] = Phase::Idle;
            }
        }
        // An :info that never took effect: some calls are cut short before their effect.
        if let Phase::Called { f, key, .. } = phase[c].clone() {
            if rng.below(4000) < info_per_1000 {
                out += &format!("{{:process {p}, :type :info, :f :{f}, :key {key}, :value nil}}\n");
                process[c] += clients;
                phase[c] = Phase::Idle;
            }
        }
    }
    out
}

fn timed_check(text: &str, extra: &[&str]) -> (i32, serde_json::Value, f64) {
    let path = std::env::temp_dir().join(format!("clusterlab-check-gen-{}-{}.edn", std::process::id(), text.len()));
    std::fs::write(&path, text).unwrap();
    let mut args = vec!["check", path.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let started = std::time::Instant::now();
    let (code, out, err) = cli(&args, None);
    let wall = started.elapsed().as_secs_f64() * 1000.0;
    std::fs::remove_file(&path).ok();
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v, wall)
}

#[test]
fn generated_10000_op_kv_history_is_linearizable_and_a_stale_read_is_caught() {
    let text = generated(10, 10, 10_000, 7, 20);
    let (code, v, wall) = timed_check(&text, &[]);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("linearizable")), "{v}");
    assert_eq!((v["operations"].as_u64(), v["keys"].as_u64()), (Some(10_000), Some(10)));
    println!("10,000 ops, 10 clients, 10 keys: {} ms in the command, {wall:.0} ms wall for the process", v["elapsed_ms"]);
    // Make one late read of key 3 return the first value ever written to key 3.
    let lines: Vec<&str> = text.lines().collect();
    let first_write = lines.iter().find(|l| l.contains(":type :ok, :f :write, :key 3,")).unwrap();
    let old = first_write.rsplit(":value ").next().unwrap().trim_end_matches('}').to_string();
    let late = (lines.len() * 9 / 10..lines.len()).find(|&i| lines[i].contains(":type :ok, :f :read, :key 3,") && !lines[i].ends_with(&format!(":value {old}}}"))).unwrap();
    let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    changed[late] = format!("{}:value {old}}}", &lines[late][..lines[late].rfind(":value ").unwrap()]);
    let (code, v, wall) = timed_check(&(changed.join("\n") + "\n"), &[]);
    assert_eq!((code, v["verdict"].as_str()), (1, Some("not_linearizable")), "{v}");
    let failures = v["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["key"], "3");
    println!("the same with one stale read: {} ms in the command, {wall:.0} ms wall", v["elapsed_ms"]);
}

#[test]
fn generated_register_history_with_10_clients() {
    // A :info in 200 completions (with more, this one-key search runs out of its default
    // steps: see the report of `steps_per_ms`).
    let text = generated(10, 1, 10_000, 11, 5);
    let (code, v, wall) = timed_check(&text, &[]);
    assert_eq!((code, v["verdict"].as_str(), v["model"].as_str()), (0, Some("linearizable"), Some("kv")), "{v}");
    println!("10,000 ops, 10 clients, 1 key: {} ms in the command, {wall:.0} ms wall", v["elapsed_ms"]);
    let (code, v, _) = timed_check(&text, &["--model", "register"]);
    assert_eq!((code, v["model"].as_str(), v["keys"].as_u64()), (0, Some("register"), Some(1)), "{v}");
}

/// `n` concurrent writes of 1..=n, then three reads one after another that see 1, 2 and 1
/// again: no order explains 1 coming back, and the search has to try the writes' orders
/// to find that out (about n·2^(n-1) steps).
fn hard(n: u64) -> String {
    let mut s = String::new();
    for p in 0..n {
        s += &format!("{{:process {p}, :type :invoke, :f :write, :value {}}}\n", p + 1);
    }
    for p in 0..n {
        s += &format!("{{:process {p}, :type :ok, :f :write, :value {}}}\n", p + 1);
    }
    for v in [1, 2, 1] {
        s += &format!("{{:process {n}, :type :invoke, :f :read, :value nil}}\n{{:process {n}, :type :ok, :f :read, :value {v}}}\n");
    }
    s
}

#[test]
fn timeout_makes_a_long_search_inconclusive() {
    let text = hard(14);
    let (code, v, _) = timed_check(&text, &[]);
    assert_eq!((code, v["verdict"].as_str()), (1, Some("not_linearizable")), "{v}");
    let (code, v, _) = timed_check(&text, &["--timeout-ms", "1"]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("inconclusive")), "{v}");
    let cap = &v["inconclusive"];
    assert!(cap["cap"] == "time" || (cap["cap"] == "steps" && cap["limit"].as_u64().unwrap() <= 5_000), "{v}");
    let (code, out, _) = cli(&["check", "-", "--timeout-ms", "1"], Some(&text));
    assert_eq!(code, 3);
    assert!(out.starts_with("inconclusive:") && (out.contains("stopped after") || out.contains("ran out")), "{out}");
}

/// Measures the search's steps per millisecond (for `STEPS_PER_MS` in src/cli_check.rs):
/// `cargo test --release --test check_cli -- --ignored --nocapture`.
#[test]
#[ignore]
fn steps_per_ms() {
    use clusterlab::sim::lin::{check, Limits, Verdict};
    for (name, text) in [("hard(20)", hard(20)), ("1 key, 10 clients, 2% :info", generated(10, 1, 10_000, 11, 20))] {
        let ops = clusterlab::histories::parse(&text, None).unwrap().operations;
        for cap in [1_000_000, 4_000_000] {
            let started = std::time::Instant::now();
            let verdict = check(&ops, Limits { max_steps_per_key: cap });
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let Verdict::Inconclusive { steps, .. } = verdict else { panic!("{name}: expected to run out of steps: {verdict:?}") };
            println!("{name}: {steps} steps in {ms:.0} ms = {:.0} steps/ms", steps as f64 / ms);
        }
    }
}

// A run's own client history, exported by `run --history`, checks as the run's checker
// said: the stale-read preset's history is not linearizable, the ReadIndex preset's is.
#[test]
fn a_runs_exported_history_checks_like_the_run() {
    for (preset, code) in [("raft-stale-read", 1), ("raft-read-index", 0)] {
        // `run` exits 1 when the run has a violation, as `check` does for its history.
        let (run_code, history, err) = cli(&["run", preset, "--history"], None);
        assert_eq!(run_code, code, "{err}");
        assert!(history.starts_with("{\"format\":\"clusterlab-history\""), "{history}");
        let (check_code, out, err) = cli(&["check", "-"], Some(&history));
        assert_eq!(check_code, code, "{preset}: {out}{err}");
    }
}
