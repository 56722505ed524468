//! Reading history files (`clusterlab::histories`): Jepsen EDN, Jepsen text logs and
//! ClusterLab JSON, hand-written in tests/histories/; bad input named by line.

use clusterlab::histories::{self, parse, parse_with_caps, Caps, Model, Parsed};
use clusterlab::sim::lin::{OpKind, OpResult, Operation};

fn file(name: &str) -> String {
    let path = format!("{}/tests/histories/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parsed(name: &str) -> Parsed {
    parse(&file(name), None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ok(v: &str) -> OpResult {
    OpResult::Ok { value: Some(v.to_string()) }
}

fn write(v: &str) -> OpKind {
    OpKind::Write { value: v.to_string() }
}

/// The error for a history, which must be one.
fn error(text: &str) -> String {
    match parse(text, None) {
        Ok(p) => panic!("expected an error, parsed {} operations from:\n{text}", p.operations.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn edn_register_history_pairs_events_and_times_them_by_line() {
    let p = parsed("register_concurrent.edn");
    assert_eq!((p.format, p.model), (histories::JEPSEN_EDN, Model::Register));
    assert_eq!(p.operations.len(), 5);
    // Three comment lines first: the first event is on line 4.
    assert_eq!(
        p.operations[0],
        Operation { client: 0, key: "register".into(), kind: write("1"), invoke_us: 4, complete_us: Some(6), result: OpResult::Ok { value: None } }
    );
    assert_eq!(p.operations[1], Operation { client: 1, key: "register".into(), kind: OpKind::Read, invoke_us: 5, complete_us: Some(7), result: ok("1") });
    let last = &p.operations[4];
    assert_eq!((last.client, last.invoke_us, last.complete_us, &last.result), (1, 12, Some(13), &ok("2")));
}

#[test]
fn edn_kv_history_keeps_keys_and_detects_kv() {
    let p = parsed("never_written.edn");
    assert_eq!(p.model, Model::Kv);
    let keys: Vec<&str> = p.operations.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["x", "y", "y", "x"]);
    assert_eq!(p.operations[3].result, ok("plum"));
    assert_eq!(p.operations[0].kind, write("apple"));
}

#[test]
fn a_model_given_overrides_the_detected_one() {
    let p = parse(&file("never_written.edn"), Some(Model::Register)).unwrap();
    assert_eq!(p.model, Model::Register);
    assert!(p.operations.iter().all(|o| o.key == "register"), "the register model ignores keys");
    let p = parse(&file("cas_ok.edn"), Some(Model::Kv)).unwrap();
    assert_eq!(p.model, Model::Kv);
    assert!(p.operations.iter().all(|o| o.key == "register"), "keyless operations are on the key `register`");
}

#[test]
fn cas_fail_and_info_outcomes() {
    let p = parsed("cas_ok.edn");
    assert_eq!(p.operations[1].kind, OpKind::Cas { expected: Some("1".into()), new: "4".into() });
    assert_eq!(p.operations[1].result, OpResult::Ok { value: None });
    assert_eq!((&p.operations[2].result, p.operations[2].complete_us), (&OpResult::Fail, Some(8)), "two comment lines: the :fail is on line 8");
    let p = parsed("info_must_apply.edn");
    assert_eq!((&p.operations[1].result, p.operations[1].complete_us), (&OpResult::Unknown, None), ":info leaves the outcome and the time open");
    let p = parsed("info_need_not_apply.edn");
    let clients: Vec<u64> = p.operations.iter().map(|o| o.client).collect();
    assert_eq!(clients, [0, 1, 2, 1], "a process number reused after :info is accepted");
}

#[test]
fn jepsen_time_is_nanoseconds_and_widens_to_whole_microseconds() {
    let p = parsed("stale_read.edn");
    assert_eq!((p.operations[0].invoke_us, p.operations[0].complete_us), (1000, Some(1500)));
    let text = "{:process 0, :type :invoke, :f :write, :value 1, :time 1999}\n{:process 0, :type :ok, :f :write, :value 1, :time 2001}\n";
    let op = &parse(text, None).unwrap().operations[0];
    assert_eq!((op.invoke_us, op.complete_us), (1, Some(3)), "invocation rounded down, completion up");
    // One event without :time: every event is timed by its line instead.
    let text = "{:process 0, :type :invoke, :f :write, :value 1, :time 1999}\n{:process 0, :type :ok, :f :write, :value 1}\n";
    let op = &parse(text, None).unwrap().operations[0];
    assert_eq!((op.invoke_us, op.complete_us), (1, Some(2)));
}

#[test]
fn independent_key_tuples_become_keys() {
    let p = parsed("independent.edn");
    assert_eq!(p.model, Model::Kv);
    assert_eq!(p.operations.len(), 5, "the nemesis line is skipped");
    let keys: Vec<&str> = p.operations.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["1", "2", "1", "2", "2"]);
    assert_eq!(p.operations[2].result, ok("5"));
    assert_eq!(p.operations[3].kind, OpKind::Cas { expected: Some("7".into()), new: "8".into() });
    assert_eq!(p.operations[4].result, ok("7"));
    assert_eq!(p.operations[1].kind, write("7"));
}

#[test]
fn tagged_maps_strings_and_pending_invocations() {
    let text = concat!(
        "#jepsen.history.Op{:index 0, :time 5000, :type :invoke, :process 7, :f :put, :key \"a b\", :value \"say \\\"hi\\\"\"}\n",
        "#jepsen.history.Op{:index 1, :time 9000, :type :invoke, :process 8, :f :append, :key :k, :value 3}\n",
        "#jepsen.history.Op{:index 2, :time 9500, :type :ok, :process 8, :f :append, :key :k, :value 3}\n",
    );
    let p = parse(text, None).unwrap();
    assert_eq!(p.operations[0].key, "a b");
    assert_eq!(p.operations[0].kind, write("say \"hi\""));
    assert_eq!((&p.operations[0].result, p.operations[0].complete_us), (&OpResult::Unknown, None), "never completed: unknown");
    assert_eq!(p.operations[1].key, ":k");
    assert_eq!(p.operations[1].kind, OpKind::Append { value: "3".into() });
}

#[test]
fn text_log_skips_noise_and_the_nemesis() {
    let p = parsed("register.log");
    assert_eq!((p.format, p.model), (histories::JEPSEN_LOG, Model::Register));
    let kinds: Vec<&OpKind> = p.operations.iter().map(|o| &o.kind).collect();
    assert_eq!(kinds.len(), 5);
    assert_eq!(*kinds[1], OpKind::Cas { expected: Some("1".into()), new: "4".into() });
    assert_eq!(p.operations[2].result, ok("4"));
    assert_eq!((&p.operations[3].result, p.operations[3].invoke_us, p.operations[3].complete_us), (&OpResult::Fail, 9, Some(11)));
}

#[test]
fn clusterlab_json_round_trips() {
    let p = parsed("kv_ok.json");
    assert_eq!((p.format, p.model, p.operations.len()), (histories::CLUSTERLAB_JSON, Model::Kv, 6));
    assert_eq!(p.operations[3].result, OpResult::Unknown);
    assert_eq!(p.operations[5].kind, OpKind::Cas { expected: Some("y".into()), new: "z".into() });
    let again = parse(&histories::to_json(p.model, &p.operations), None).unwrap();
    assert_eq!(again, p);
    // A Jepsen history exported and read back is the same operations.
    let e = parsed("independent.edn");
    let json = histories::to_json(e.model, &e.operations);
    assert!(json.starts_with("{\"format\":\"clusterlab-history\",\"version\":1,\"model\":\"kv\",\"operations\":["), "{json}");
    assert_eq!(json.lines().count(), 2 + e.operations.len(), "one operation a line");
    assert_eq!(parse(&json, None).unwrap().operations, e.operations);
    assert_eq!(parse(&histories::to_json(Model::Register, &[]), None).unwrap().operations, []);
}

#[test]
fn edn_errors_name_the_line() {
    let inv = |p: u32, f: &str, v: &str| format!("{{:process {p}, :type :invoke, :f {f}, :value {v}}}\n");
    let done = |p: u32, t: &str, f: &str, v: &str| format!("{{:process {p}, :type {t}, :f {f}, :value {v}}}\n");
    let cases: Vec<(String, &str, &str)> = vec![
        (format!("{}{{:process 1, :type :invoke, :f :read\n", inv(0, ":read", "nil")), "line 2:", "expected `}`"),
        (format!("{}{}{}", inv(0, ":write", "1"), done(0, ":ok", ":write", "1"), done(0, ":ok", ":write", "1")), "line 3:", ":ok for process 0, which has no open :invoke"),
        (format!("{}{}", inv(0, ":read", "nil"), done(5, ":info", ":read", "nil")), "line 2:", ":info for process 5, which has no open :invoke"),
        (format!("{}\n{}", inv(0, ":read", "nil"), inv(0, ":read", "nil")), "line 3:", "a second :invoke for process 0 while its :invoke on line 1 is open"),
        (inv(0, ":txn", "[[:r 1 nil]]"), "line 1:", "unknown :f :txn"),
        (format!("{}{}", inv(0, ":read", "nil"), done(0, ":ok", ":write", "1")), "line 2:", "is :f :write, but its :invoke on line 1 is :f :read"),
        (format!("{}{}", inv(0, ":read", "nil"), "{:process 0, :f :read}\n"), "line 2:", "expected a :type"),
        ("{:process 0, :type :begin, :f :read}".into(), "line 1:", ":type must be :invoke, :ok, :fail or :info"),
        ("{:process -1, :type :invoke, :f :read}".into(), "line 1:", ":process must be a whole number or :nemesis"),
        (inv(0, ":write", "nil"), "line 1:", "a :write's value is nil"),
        (inv(0, ":cas", "3"), "line 1:", "a :cas's value must be [expected new]"),
        (format!("{}{}", inv(0, ":read", "[1 nil]"), done(0, ":ok", ":read", "[2 5]")), "line 2:", "the read returned key 2, but its :invoke on line 1 read key 1"),
        (format!("{}{}", inv(0, ":read", "[1 nil]"), done(0, ":ok", ":read", "5")), "line 2:", "expected the value read as [key value]"),
        ("{:process 0, :type :invoke, :f :read} {:a 1}".into(), "line 1:", "expected the end of the line"),
        ("{:process 0, :type :invoke, :f :read, :value \"abc}".into(), "line 1:", "string not closed"),
        ("{:process 0, :type :invoke, :f :read, :time 5}\n{:process 0, :type :ok, :f :read, :time 4}".into(), "line 2:", "is before the :time of its :invoke on line 1"),
        ("{:process 0, :process 1, :type :invoke, :f :read}".into(), "line 1:", "the map has :process twice"),
        (format!("{}[1 2 3]\n", inv(0, ":read", "nil")), "line 2:", "expected an operation map"),
        ("[{:process 0}]".into(), "line 1:", "expected an operation map"),
    ];
    for (text, line, what) in cases {
        let e = error(&text);
        assert!(e.starts_with(line), "{text:?}: {e}");
        assert!(e.contains(what), "{text:?}: expected {what:?} in {e}");
    }
}

#[test]
fn text_log_errors_name_the_line() {
    for (text, line, what) in [
        ("noise\nINFO  jepsen.util - x\t:invoke\t:read\tnil\n", "line 2:", "expected the process"),
        ("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t[1 \n", "line 2:", "the value field"),
        ("INFO  jepsen.util - 0\t:invoke\tread\tnil\n", "line 1:", "expected :f"),
        ("INFO  jepsen.util - 0\t:ok\t:read\t1\n", "line 1:", "no open :invoke"),
    ] {
        let e = error(text);
        assert!(e.starts_with(line) && e.contains(what), "{text:?}: {e}");
    }
}

#[test]
fn json_errors_are_clear() {
    let good = file("kv_ok.json");
    let e = error(&good.replacen("\"version\": 1,", "\"version\": 1, \"extra\": true,", 1));
    assert!(e.starts_with("line 1:") && e.contains("unknown field `extra`"), "{e}");
    let e = error(&good.replacen("\"version\": 1", "\"version\": 9", 1));
    assert!(e.contains("not version 9"), "{e}");
    let e = error(&good.replacen("\"invoke_us\": 40", "\"invoke_us\": 50", 1));
    assert!(e.contains("operations[4] (client 1): complete_us is before invoke_us"), "{e}");
    let e = error(&good.replacen("\"f\": \"read\"}, \"invoke_us\": 15", "\"f\": \"peek\"}, \"invoke_us\": 15", 1));
    assert!(e.starts_with("line 3:") && e.contains("unknown variant `peek`"), "{e}");
}

#[test]
fn unknown_formats_and_caps() {
    assert!(error("").contains("empty"));
    let e = error("hello\nworld\n");
    assert!(e.starts_with("line 1:") && e.contains("not a history format"), "{e}");
    let text = file("register_concurrent.edn");
    let small = Caps { max_bytes: 100, ..Caps::default() };
    let e = parse_with_caps(&text, None, small).unwrap_err().to_string();
    assert!(e.contains(&format!("the history is {} bytes, more than the 100 bytes allowed", text.len())), "{e}");
    let few = Caps { max_operations: 2, ..Caps::default() };
    let e = parse_with_caps(&text, None, few).unwrap_err().to_string();
    assert!(e.starts_with("line 8:") && e.contains("more than 2 operations"), "{e}");
    let e = parse_with_caps(&file("kv_ok.json"), None, few).unwrap_err().to_string();
    assert!(e.contains("6 operations; the limit is 2"), "{e}");
    assert_eq!(Caps::default(), Caps { max_bytes: 64 << 20, max_operations: 1_000_000 });
}

#[test]
fn known_answers_from_the_checker() {
    use clusterlab::sim::lin::{check, Limits, Verdict};
    for (name, linearizable, failing_key) in [
        ("register_concurrent.edn", true, ""),
        ("never_written.edn", false, "x"),
        ("cas_ok.edn", true, ""),
        ("cas_bad.edn", false, "register"),
        ("info_must_apply.edn", true, ""),
        ("info_need_not_apply.edn", true, ""),
        ("fail_then_read.edn", false, "register"),
        ("stale_read.edn", false, "register"),
        ("independent.edn", false, "2"),
        ("register.log", true, ""),
        ("stale.log", false, "register"),
        ("kv_ok.json", true, ""),
        ("kv_bad.json", false, "a"),
    ] {
        let p = parsed(name);
        match check(&p.operations, Limits::default()) {
            Verdict::Linearizable => assert!(linearizable, "{name} should not be linearizable"),
            Verdict::NotLinearizable { failures } => {
                assert!(!linearizable, "{name} should be linearizable: {failures:?}");
                let keys: Vec<&str> = failures.iter().map(|f| f.key.as_str()).collect();
                assert_eq!(keys, [failing_key], "{name}");
            }
            v => panic!("{name}: {v:?}"),
        }
    }
    // The stale read of stale_read.edn is the one that cannot be placed.
    let p = parsed("stale_read.edn");
    let Verdict::NotLinearizable { failures } = check(&p.operations, Limits::default()) else { panic!() };
    assert_eq!(failures[0].stuck, [3]);
    assert_eq!(failures[0].states, [Some("2".to_string())]);
}
