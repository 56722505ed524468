//! Nodes are coloured by tone, not by role name: every tone has its colour in the
//! stylesheet, the stylesheet names no protocol's roles, tones serialize as their class
//! names, and every preset's roles come with the tone their meaning asks for.

use clusterlab::scenario::{self, presets};
use clusterlab::sim::Tone;
use std::collections::BTreeMap;

const STYLE: &str = include_str!("../../static/style.css");

#[test]
fn every_tone_but_neutral_has_a_colour_and_no_role_is_named() {
    for tone in Tone::ALL.into_iter().filter(|t| *t != Tone::Neutral) {
        let rule = format!(".node.tone-{} circle", tone.as_str());
        assert!(STYLE.contains(&rule), "no rule {rule}");
    }
    assert!(!STYLE.contains(".role-"), "the stylesheet names a protocol's role");
}

#[test]
fn tones_serialize_as_their_class_names() {
    for tone in Tone::ALL {
        assert_eq!(serde_json::to_value(tone).unwrap(), tone.as_str());
    }
}

/// Each role label a preset shows, with the tone it came with (one tone per label).
fn roles() -> BTreeMap<(String, String), Tone> {
    let mut out = BTreeMap::new();
    for p in presets::all() {
        let mut run = scenario::build(&(p.build)(), false).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        for _ in 0..8 {
            for n in run.view_light().nodes.into_iter().chain(run.view().nodes) {
                let prev = out.insert((p.protocol.to_string(), n.role.clone()), n.tone);
                assert!(prev.is_none_or(|t| t == n.tone), "{} role {:?} has two tones", p.protocol, n.role);
            }
            let t = run.now_us();
            run.run_until(t + 500_000);
        }
    }
    out
}

#[test]
fn roles_come_with_the_tone_of_their_meaning() {
    let roles = roles();
    let want = [
        ("raft", "leader", Tone::Leading),
        ("raft", "follower", Tone::Neutral),
        ("raft", "candidate", Tone::Contending),
        ("paxos", "leader", Tone::Leading),
        ("paxos", "acceptor", Tone::Neutral),
        ("paxos", "learned", Tone::Settled),
        ("lock", "holder", Tone::Settled),
        ("lock", "storage", Tone::Storage),
        ("gossip", "informed", Tone::Settled),
        ("swim", "alive", Tone::Settled),
        ("swim", "crashed", Tone::Neutral),
    ];
    for (protocol, role, tone) in want {
        assert_eq!(roles.get(&(protocol.into(), role.into())), Some(&tone), "{protocol} {role}");
    }
}
