#![cfg(not(target_arch = "wasm32"))]
//! The link codec against good, bad and random input: every bad link gives a clear message,
//! nothing panics. `LINK_FUZZ_CASES` raises the random-input count (`make soak`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clusterlab::scenario::{decode_link, encode_link, presets, LinkError, Scenario};
use clusterlab::sim::{ClientOp, Fault, TimedFault};
use proptest::prelude::*;

fn pack(json: &str) -> String {
    format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6)))
}

#[test]
fn every_preset_round_trips() {
    for p in presets::all() {
        let s = (p.build)();
        assert_eq!(decode_link(&encode_link(&s).unwrap()).unwrap(), s, "{}", p.name);
    }
}

#[test]
fn each_bad_link_class_gets_a_clear_message() {
    let good = encode_link(&Scenario::new("flood", 3, 1)).unwrap();
    let cases: Vec<(String, &str)> = vec![
        ("x".repeat(9_000), "too long"),
        ("abc".into(), "no version"),
        (good.replacen("1.", "99.", 1), "version \"99\""),
        ("1.%%%".into(), "not valid base64url"),
        (good[..good.len() / 2].to_string(), "does not inflate"),
        (pack(&format!("{{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"pad\":\"{}\"}}", "a".repeat(100_000))), "more than 65536 bytes"),
        (pack("{\"protocol\":\"flood\""), "malformed"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"evil\":1}"), "unknown field"),
        (pack("{\"protocol\":\"nope\",\"nodes\":3,\"seed\":1}"), "unknown protocol"),
        (pack("{\"protocol\":\"flood\",\"nodes\":100000,\"seed\":1}"), "1 to 64 nodes"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":-1}"), "malformed"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"net\":{\"loss_ppm\":2000000}}"), "between 0 and 1"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"faults\":[{\"at_us\":5,\"fault\":{\"kind\":\"crash\",\"node\":9}}]}"), "node 9 does not exist"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"faults\":[{\"at_us\":-5,\"fault\":{\"kind\":\"crash\",\"node\":1}}]}"), "malformed"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"playhead_us\":99999999999999}"), "more than 10 minutes"),
        (pack("{\"protocol\":\"flood\",\"nodes\":3,\"seed\":1,\"config\":{\"bug\":\"nonsense\"}}"), "no teaching bug"),
    ];
    for (link, expect) in cases {
        let err = decode_link(&link).expect_err(expect);
        let msg = err.to_string();
        assert!(msg.contains(expect), "{msg:?} should mention {expect:?}");
    }
}

#[test]
fn inflation_bomb_is_refused_without_inflating_it_all() {
    let bomb = vec![b' '; 5_000_000];
    let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 9);
    let link = format!("1.{}", URL_SAFE_NO_PAD.encode(packed));
    assert!(link.len() < 8 * 1024, "a 5 MB bomb fits in a link: {}", link.len());
    assert_eq!(decode_link(&link), Err(LinkError::TooLarge));
}

#[test]
fn recorded_faults_survive_the_round_trip() {
    let mut s = Scenario::new("flood", 4, 3);
    s.faults.push(TimedFault { at_us: 10, after_event: Some(12), fault: Fault::Request { node: 1, op: ClientOp::Propose { value: "<script>".into() } } });
    s.playhead_us = 123;
    s.playhead_event = Some(40);
    assert_eq!(decode_link(&encode_link(&s).unwrap()).unwrap(), s);
}

fn cases() -> u32 {
    std::env::var("LINK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        let _ = decode_link(&s);
    }

    #[test]
    fn random_bytes_behind_the_version_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode_link(&format!("1.{}", URL_SAFE_NO_PAD.encode(&bytes)));
        let _ = decode_link(&format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bytes, 1))));
    }

    #[test]
    fn mutated_good_links_never_panic(seed in any::<u64>(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let mut s = Scenario::new("flood", 5, seed);
        s.faults.push(TimedFault { at_us: 5, after_event: None, fault: Fault::Partition { groups: vec![vec![0, 1]] } });
        let json = serde_json::to_vec(&s).unwrap();
        let mut json = json;
        for (i, b) in flips {
            let n = json.len();
            json[i % n] = b;
        }
        let link = format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 6)));
        if let Ok(decoded) = decode_link(&link) {
            // Whatever decodes must also build and run without panicking.
            let mut run = clusterlab::scenario::build(&decoded, false).unwrap();
            run.run_until(200_000);
        }
    }
}
