//! Exact-effect handler tests and paper cases for SWIM (Das, Gupta, Motivala, DSN 2002),
//! each tagged with its section.

use clusterlab::protocols::swim::*;
use clusterlab::sim::{Effect, EffectOf, NodeEnv, Out, Protocol, Register};
use std::collections::BTreeSet;

type E = EffectOf<Swim>;

fn node(id: u32, n: u32) -> Swim {
    Swim::new(NodeEnv { id, n }, &SwimConfig::default())
}

fn run(s: &mut Swim, now: u64, f: impl FnOnce(&mut Swim, &mut Out<Swim>)) -> Vec<E> {
    let mut out = Out::new(now);
    f(s, &mut out);
    out.take_effects()
}

fn up(member: u32, incarnation: u32, status: Status) -> Update {
    Update { member, incarnation, status }
}

fn apply(s: &mut Swim, u: Update) -> bool {
    let mut out = Out::new(0);
    s.apply(u, &mut out)
}

fn sends(e: &[E]) -> Vec<(u32, SwimMsg)> {
    e.iter().filter_map(|e| if let Effect::Send { to, msg } = e { Some((*to, msg.clone())) } else { None }).collect()
}

// §3.1: a Ping is answered with an Ack carrying the same sequence number.
#[test]
fn ping_is_acked_with_its_sequence_number() {
    let mut s = node(1, 5);
    let e = run(&mut s, 0, |s, out| s.on_message(0, SwimMsg::Ping { seq: 9, updates: vec![] }, out));
    assert_eq!(e, vec![Effect::Send { to: 0, msg: SwimMsg::Ack { seq: 9, updates: vec![] } }]);
}

// §4.2: a member that hears it is suspected refutes with a higher incarnation, at once
// piggybacked on its Ack; the incarnation is synced first (it must survive a restart).
#[test]
fn suspected_member_refutes_with_a_higher_incarnation() {
    let mut s = node(1, 5);
    let e = run(&mut s, 0, |s, out| s.on_message(0, SwimMsg::Ping { seq: 3, updates: vec![up(1, 0, Status::Suspect)] }, out));
    assert_eq!(
        e,
        vec![
            Effect::Write(1),
            Effect::Sync,
            Effect::Note("refute Suspect with incarnation 1".into()),
            Effect::Send { to: 0, msg: SwimMsg::Ack { seq: 3, updates: vec![up(1, 1, Status::Alive)] } },
        ]
    );
    assert_eq!(s.incarnation, 1);
}

// §4.2 override rules: higher incarnation wins; at equal ones Confirm > Suspect > Alive.
#[test]
fn override_rules_of_section_4_2() {
    let mut s = node(0, 5);
    assert!(apply(&mut s, up(2, 0, Status::Suspect)), "{{Suspect, i}} overrides {{Alive, i}}");
    assert!(!apply(&mut s, up(2, 0, Status::Alive)), "{{Alive, i}} does not override {{Suspect, i}}");
    assert!(apply(&mut s, up(2, 1, Status::Alive)), "{{Alive, j > i}} overrides {{Suspect, i}}");
    assert!(!apply(&mut s, up(2, 0, Status::Suspect)), "a stale Suspect is ignored");
    assert!(apply(&mut s, up(2, 1, Status::Suspect)));
    assert!(apply(&mut s, up(2, 1, Status::Confirm)), "Confirm overrides Suspect");
    assert!(!apply(&mut s, up(2, 1, Status::Alive)), "Confirm is final for its incarnation");
    assert!(!apply(&mut s, up(2, 1, Status::Suspect)));
    assert!(apply(&mut s, up(2, 2, Status::Alive)), "a member rejoins with a higher incarnation");
    assert_eq!(s.member(2), Member { incarnation: 2, status: Status::Alive });
}

// §3.1 indirect probing: an intermediary pings the target and relays its Ack.
#[test]
fn ping_req_is_relayed_and_the_ack_forwarded() {
    let mut m = node(2, 5);
    let e = run(&mut m, 0, |m, out| m.on_message(0, SwimMsg::PingReq { seq: 40, target: 3, updates: vec![] }, out));
    assert_eq!(e, vec![Effect::Send { to: 3, msg: SwimMsg::Ping { seq: 1, updates: vec![] } }]);
    let e = run(&mut m, 1_000, |m, out| m.on_message(3, SwimMsg::Ack { seq: 1, updates: vec![] }, out));
    assert_eq!(e, vec![Effect::Send { to: 0, msg: SwimMsg::Ack { seq: 40, updates: vec![] } }]);
    assert!(m.relays.is_empty());
}

// §3.1 and §4.2 in one member's periods: Ping; after the ping timeout, PingReq to k = 3
// members; no Ack by the period's end, so Suspect; after the suspicion timeout, Confirm.
#[test]
fn failed_probe_goes_ping_pingreq_suspect_confirm() {
    let mut s = node(0, 5);
    run(&mut s, 0, |s, out| s.on_start(out));
    let e = run(&mut s, 0, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
    let [(target, SwimMsg::Ping { seq, .. })] = sends(&e)[..] else { panic!("one Ping: {e:?}") };
    assert!(e.contains(&Effect::SetTimer { timer: SwimTimer::PingTimeout, min_us: 50_000, max_us: 50_000 }));
    assert!(e.contains(&Effect::SetTimer { timer: SwimTimer::ProtocolPeriod, min_us: 200_000, max_us: 200_000 }));
    let e = run(&mut s, 50_000, |s, out| s.on_timer(SwimTimer::PingTimeout, out));
    let helpers: BTreeSet<u32> = sends(&e).iter().map(|(to, msg)| {
        assert!(matches!(msg, SwimMsg::PingReq { seq: q, target: t, .. } if *q == seq && *t == target));
        *to
    }).collect();
    assert_eq!(helpers, (1..5).filter(|m| *m != target).collect(), "k = 3 helpers, all but us and the target");
    let e = run(&mut s, 200_000, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
    assert!(e.contains(&Effect::Note(format!("suspect n{target} (incarnation 0)"))));
    assert_eq!(s.member(target).status, Status::Suspect);
    assert_eq!(s.stats.suspicions, 1);
    run(&mut s, 1_199_999, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
    assert_eq!(s.member(target).status, Status::Suspect, "the timeout has not run out");
    let e = run(&mut s, 1_200_000, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
    assert!(e.contains(&Effect::Note(format!("confirm n{target} dead (incarnation 0)"))));
    assert_eq!(s.member(target), Member { incarnation: 0, status: Status::Confirm });
}

// §3.1: an Ack (here relayed) before the period ends keeps the target alive.
#[test]
fn relayed_ack_prevents_suspicion() {
    let mut s = node(0, 5);
    let e = run(&mut s, 0, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
    let [(target, SwimMsg::Ping { seq, .. })] = sends(&e)[..] else { panic!() };
    let helper = (1..5).find(|m| *m != target).unwrap();
    run(&mut s, 80_000, |s, out| s.on_message(helper, SwimMsg::Ack { seq, updates: vec![] }, out));
    run(&mut s, 200_000, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
    assert_eq!(s.member(target).status, Status::Alive);
    assert_eq!((s.stats.probes_acked, s.stats.direct_acks), (1, 0));
}

// §4.1: each update is piggybacked λ·⌈log2(n+1)⌉ times, then dropped.
#[test]
fn updates_are_piggybacked_lambda_log_n_times() {
    let mut s = node(0, 5);
    apply(&mut s, up(2, 0, Status::Suspect));
    let limit = SwimConfig::default().retransmit_limit(5);
    assert_eq!(limit, 9, "λ = 3, ⌈log2 6⌉ = 3");
    for _ in 0..limit {
        assert_eq!(s.piggyback(1), vec![up(2, 0, Status::Suspect)]);
    }
    assert_eq!(s.piggyback(1), vec![]);
    assert_eq!(s.piggyback(2), vec![up(2, 0, Status::Suspect)], "a member is always told what we think of it");
}

// §4.3: the round-robin visits every other member once before any is probed again.
#[test]
fn round_robin_probes_every_member_once_per_pass() {
    let mut s = node(0, 7);
    let mut seen = BTreeSet::new();
    for i in 0..6 {
        let e = run(&mut s, i * 200_000, |s, out| s.on_timer(SwimTimer::ProtocolPeriod, out));
        let [(target, _)] = sends(&e)[..] else { panic!() };
        run(&mut s, i * 200_000 + 1, |s, out| {
            let seq = s.probe.as_ref().unwrap().seq;
            s.on_message(target, SwimMsg::Ack { seq, updates: vec![] }, out)
        });
        assert!(seen.insert(target), "n{target} probed twice in one pass");
    }
    assert_eq!(seen, (1..7).collect());
}

// A restarted member rejoins with its durable incarnation + 1 and announces it.
#[test]
fn restart_rejoins_with_a_higher_incarnation() {
    let mut s = node(3, 5);
    let e = run(&mut s, 0, |s, out| s.on_recover(Register(4), out));
    assert_eq!(
        e,
        vec![
            Effect::Write(5),
            Effect::Sync,
            Effect::Note("rejoin with incarnation 5".into()),
            Effect::SetTimer { timer: SwimTimer::ProtocolPeriod, min_us: 1, max_us: 200_000 }
        ]
    );
    assert_eq!(s.piggyback(0), vec![up(3, 5, Status::Alive)]);
}

// Teaching bugs, each breaking one rule above.
#[test]
fn teaching_bugs_break_their_rule() {
    let cfg = |bug: &str| SwimConfig { bug: Some(bug.into()), ..SwimConfig::default() };
    let mut s = Swim::new(NodeEnv { id: 1, n: 5 }, &cfg("no_refutation"));
    run(&mut s, 0, |s, out| s.on_message(0, SwimMsg::Ping { seq: 1, updates: vec![up(1, 0, Status::Suspect)] }, out));
    assert_eq!((s.incarnation, s.role_name()), (0, "suspect"));
    let mut s = Swim::new(NodeEnv { id: 0, n: 5 }, &cfg("accept_stale_incarnation"));
    apply(&mut s, up(2, 3, Status::Suspect));
    assert!(apply(&mut s, up(2, 1, Status::Alive)), "stale Alive applied");
    assert_eq!(s.member(2).incarnation, 1);
    let mut s = Swim::new(NodeEnv { id: 0, n: 5 }, &cfg("alive_overrides_confirm"));
    apply(&mut s, up(2, 1, Status::Confirm));
    assert!(apply(&mut s, up(2, 1, Status::Alive)), "Confirm undone at the same incarnation");
}
