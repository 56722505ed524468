#![cfg(not(target_arch = "wasm32"))]
//! Guided lessons: every lesson is played to its end in the student's place (its actions
//! carried out, its run played), each step within its simulated-time bound, and each
//! step's condition is false when the step opens (a step that is done before the student
//! starts it teaches nothing). Deep links to step K open on the same state every time;
//! teachers' lesson files are validated with clear messages.

use clusterlab::scenario::lessons::{self, decode_lesson, next_step, open_at, solve_step, Lesson};

fn play(lesson: &Lesson) -> Vec<(u64, u64)> {
    let mut opened = open_at(lesson, 0).unwrap_or_else(|e| panic!("{}: {e}", lesson.name));
    let mut at = Vec::new();
    loop {
        let step = &lesson.steps[opened.step];
        let k = opened.step + 1;
        assert!(!opened.progress.holds(&step.until, opened.live.run.as_ref()), "{} step {k}: its condition already holds when it opens", lesson.name);
        let start = opened.live.run.now_us();
        solve_step(&mut opened.live, step, &mut opened.progress).unwrap_or_else(|e| panic!("{} step {k}: {e}", lesson.name));
        assert!(opened.live.run.now_us() - start <= step.within_us);
        at.push((opened.live.run.event_count(), opened.live.run.trace_hash()));
        if k == lesson.steps.len() {
            return at;
        }
        opened = next_step(lesson, opened.live, k).unwrap();
    }
}

#[test]
fn every_lesson_plays_to_its_end() {
    let names = lessons::names();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let lesson = lessons::find(name).unwrap();
        assert_eq!(lesson.name, name);
        let at = play(&lesson);
        println!("{name}: {} steps, {:?}", at.len(), at);
    }
}

#[test]
fn a_deep_link_to_step_k_opens_on_the_state_the_played_lesson_reached() {
    for name in ["raft-election", "raft-be-the-network", "lock-fencing"] {
        let lesson = lessons::find(name).unwrap();
        let at = play(&lesson);
        for k in 1..lesson.steps.len() {
            let o = open_at(&lesson, k).unwrap();
            let fresh = lesson.steps[k].open.is_some();
            if !fresh {
                let r = o.live.run.as_ref();
                assert_eq!((r.event_count(), r.trace_hash()), at[k - 1], "{name}: step {} opens where step {k} ended", k + 1);
            }
            let again = open_at(&lesson, k).unwrap();
            assert_eq!(again.live.run.trace_hash(), o.live.run.trace_hash(), "{name} step {}: the same state every time", k + 1);
        }
        assert!(open_at(&lesson, lesson.steps.len()).err().unwrap().contains("steps"));
    }
}

#[test]
fn the_cli_plays_a_lesson_as_the_test_does() {
    for name in lessons::names() {
        let lesson = lessons::find(name).unwrap();
        let played = lessons::play_through(&lesson).unwrap();
        assert_eq!(played.len(), lesson.steps.len());
        assert!(played.iter().zip(&lesson.steps).all(|(p, s)| p.done_us - p.opened_us <= s.within_us));
    }
}

fn teacher(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Lesson, String> {
    let mut v: serde_json::Value = serde_json::from_str(include_str!("../../src/scenario/lessons/raft-election.json")).unwrap();
    edit(&mut v);
    decode_lesson(&v.to_string())
}

#[test]
fn a_teachers_lesson_file_is_validated_with_clear_messages() {
    assert!(teacher(|_| {}).is_ok());
    let cases: Vec<(Box<dyn FnOnce(&mut serde_json::Value)>, &str)> = vec![
        (Box::new(|v| v["name"] = "Bad Name!".into()), "lesson name"),
        (Box::new(|v| v["protocol"] = "zab2".into()), "unknown protocol"),
        (Box::new(|v| v["steps"] = serde_json::json!([])), "1 to 50 steps"),
        (Box::new(|v| v["steps"][0]["text"]["zh"] = "".into()), "step 1 has no zh text"),
        (Box::new(|v| v["steps"][1]["within_us"] = 0.into()), "step 2: within_us"),
        (Box::new(|v| v["steps"][0]["until"] = serde_json::json!({"leader_exists": true})), "not a lesson file"),
        (Box::new(|v| v["open"] = serde_json::json!({"preset": "no-such-preset"})), "no preset named"),
        (Box::new(|v| v["open"] = serde_json::json!({"preset": "paxos-livelock"})), "paxos scenario in a raft lesson"),
        (Box::new(|v| v["open"] = serde_json::json!({"scenario": {"protocol": "raft", "nodes": 99, "seed": 1}})), "needs 1 to 64 nodes (got 99)"),
        (Box::new(|v| v["steps"][0]["do"] = serde_json::json!({"kind": "explode"})), "not a lesson file"),
        (Box::new(|v| v["extra"] = 1.into()), "unknown field"),
    ];
    for (edit, want) in cases {
        let e = teacher(edit).unwrap_err();
        assert!(e.contains(want), "{e:?} should say {want:?}");
    }
    let mut deep = serde_json::json!({"role": "leader"});
    for _ in 0..9 {
        deep = serde_json::json!({"not": deep});
    }
    let e = teacher(|v| v["steps"][0]["until"] = deep).unwrap_err();
    assert!(e.contains("nest"), "{e}");
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(70_000));
    assert!(decode_lesson(&big).unwrap_err().contains("at most 64 KB"));
}

#[test]
fn a_lesson_whose_step_is_done_before_it_starts_is_refused_by_the_player() {
    let lesson = teacher(|v| v["steps"][1]["until"] = serde_json::json!({"role": "leader"})).unwrap();
    let e = lessons::play_through(&lesson).unwrap_err();
    assert!(e.contains("step 2: its condition already holds"), "{e}");
    let lesson = teacher(|v| v["steps"][2]["until"] = serde_json::json!({"role": "no such role"})).unwrap();
    let e = lessons::play_through(&lesson).unwrap_err();
    assert!(e.contains("step 3: its condition did not hold within 3000 ms"), "{e}");
}
