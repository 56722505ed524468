//! Playing a lesson in the student's place: carry out a step's action and run until its
//! condition holds, within the step's simulated-time bound. A deep link to step K plays
//! steps 1 to K-1 this way (the run is deterministic, so step K always opens on the same
//! state), and the lesson test plays every step of every lesson.

use super::{Do, Lesson, Progress, Step};
use crate::scenario::{LiveRun, Scenario};
use crate::sim::{AnyRun, Fault, NodeId, NodeStatus};

/// Simulated time a played step advances between two looks at its condition.
const LOOK_EVERY_US: u64 = 10_000;

/// A lesson opened at a step: its run, and the step's progress measured from its opening.
pub struct Opened {
    pub live: LiveRun,
    pub step: usize,
    pub progress: Progress,
}

/// The node an action names: "n2", "crashed", "any", or a role held by a node that is up.
fn resolve(run: &dyn AnyRun, node: &str) -> Result<NodeId, String> {
    let nodes = run.view_light().nodes;
    if let Some(id) = node.strip_prefix('n').and_then(|d| d.parse::<NodeId>().ok()) {
        return (id < run.n()).then_some(id).ok_or_else(|| format!("there is no node {node}"));
    }
    let up = |n: &&crate::sim::NodeView| n.status != Some(NodeStatus::Crashed);
    let found = match node {
        "crashed" => nodes.iter().find(|n| n.status == Some(NodeStatus::Crashed)),
        "any" => nodes.iter().find(up),
        role => nodes.iter().filter(up).find(|n| n.role == role),
    };
    found.map(|n| n.id).ok_or_else(|| format!("no node is {node} now"))
}

/// Carry out an action as the student would with the page's controls.
pub fn perform(live: &mut LiveRun, action: &Do) -> Result<(), String> {
    let run = live.run.as_ref();
    let fault = match action {
        Do::Crash { node } => Fault::Crash { node: resolve(run, node)? },
        Do::Restart { node } => Fault::Restart { node: resolve(run, node)? },
        Do::Pause { node } => Fault::Pause { node: resolve(run, node)? },
        Do::Resume { node } => Fault::Resume { node: resolve(run, node)? },
        Do::Isolate { node } => Fault::Partition { groups: vec![vec![resolve(run, node)?]] },
        Do::TimeoutNow { node } => Fault::TimeoutNow { node: resolve(run, node)? },
        Do::HealAll => Fault::HealAll,
        Do::Adversary { on } => Fault::Adversary { on: *on },
        Do::Fire { node } => {
            let nodes = run.view_light().nodes;
            let named = |id: NodeId| match node.strip_prefix('n').and_then(|d| d.parse::<NodeId>().ok()) {
                Some(k) => id == k,
                None => node == "any" || nodes.get(id as usize).is_some_and(|n| n.role == *node),
            };
            let c = run.choices().into_iter().find(|c| c.kind == "fire" && named(c.node));
            Fault::Fire { id: c.ok_or_else(|| format!("no timer of {node} is waiting"))?.id }
        }
        Do::Deliver => {
            // The earliest waiting message; with none waiting, the earliest timer.
            let choices = run.choices();
            let c = choices.iter().find(|c| c.kind == "deliver").or(choices.first()).ok_or("nothing is waiting: no message and no timer")?;
            if c.kind == "fire" { Fault::Fire { id: c.id } } else { Fault::Deliver { id: c.id } }
        }
    };
    live.inject(fault)
}

/// Play one step: its action (a delivery again and again, any other once), then the run,
/// until the step's condition holds; Err if it does not within the step's bound.
pub fn solve_step(live: &mut LiveRun, step: &Step, progress: &mut Progress) -> Result<(), String> {
    let deadline = progress.base.now_us + step.within_us;
    let mut acted = false;
    let mut guard = 0u32;
    while !progress.holds(&step.until, live.run.as_ref()) {
        guard += 1;
        if live.run.now_us() > deadline || guard > 100_000 {
            return Err(format!("its condition did not hold within {} ms of simulated time", step.within_us / 1_000));
        }
        match &step.action {
            Some(Do::Deliver) => perform(live, &Do::Deliver)?,
            Some(a) if !acted => {
                perform(live, a)?;
                acted = true;
            }
            _ if live.run.adversary() => return Err("the run waits for the adversary's choices, but the step names none".into()),
            _ => {
                let t = live.run.now_us() + LOOK_EVERY_US;
                live.run.run_until(t);
            }
        }
    }
    Ok(())
}

/// Open the run a step starts from: its own scenario if it names one, else `live` as is.
fn open_step(live: Option<LiveRun>, lesson: &Lesson, step: &Step) -> Result<LiveRun, String> {
    let source = match (&step.open, live) {
        (None, Some(live)) => return Ok(live),
        (Some(src), _) => src,
        (None, None) => &lesson.open,
    };
    // A lesson plays its scenario from the start, whatever moment a preset opens at.
    let s = Scenario { playhead_us: 0, playhead_event: None, ..source.scenario()? };
    let mut live = LiveRun::open(&s)?;
    // Events at time 0 (starts, faults scheduled at 0) have happened when a step opens.
    live.run.run_until(0);
    Ok(live)
}

/// Go on from a played step to the next (`step`, 0-based) on the same run, or on the run
/// that step opens.
pub fn next_step(lesson: &Lesson, mut live: LiveRun, step: usize) -> Result<Opened, String> {
    let progress = enter_step(lesson, &mut live, step)?;
    Ok(Opened { live, step, progress })
}

/// Enter step `step` (0-based) on the page's run: in place, or on the run the step opens.
pub fn enter_step(lesson: &Lesson, live: &mut LiveRun, step: usize) -> Result<Progress, String> {
    let s = lesson.steps.get(step).ok_or("the lesson has no more steps")?;
    if s.open.is_some() {
        *live = open_step(None, lesson, s)?;
    }
    Ok(Progress::open(live.run.as_ref()))
}

/// Open `lesson` at step `step` (0-based): steps before it are played in the student's
/// place.
pub fn open_at(lesson: &Lesson, step: usize) -> Result<Opened, String> {
    if step >= lesson.steps.len() {
        return Err(format!("the lesson has {} steps (asked for step {})", lesson.steps.len(), step + 1));
    }
    let mut live = None;
    for (i, s) in lesson.steps[..step].iter().enumerate() {
        let mut l = open_step(live.take(), lesson, s)?;
        let mut progress = Progress::open(l.run.as_ref());
        solve_step(&mut l, s, &mut progress).map_err(|e| format!("step {}: {e}", i + 1))?;
        live = Some(l);
    }
    match live {
        Some(live) => next_step(lesson, live, step),
        None => {
            let live = open_step(None, lesson, &lesson.steps[step])?;
            let progress = Progress::open(live.run.as_ref());
            Ok(Opened { live, step, progress })
        }
    }
}

/// One step played through: when it opened and when its condition held.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Played {
    pub step: usize,
    pub opened_us: u64,
    pub done_us: u64,
    pub done_event: u64,
}

/// Play a whole lesson in the student's place. Err names the first step that fails: one
/// whose condition already holds when it opens, or does not within its bound.
pub fn play_through(lesson: &Lesson) -> Result<Vec<Played>, String> {
    let mut opened = open_at(lesson, 0)?;
    let mut played = Vec::new();
    loop {
        let (k, step) = (opened.step + 1, &lesson.steps[opened.step]);
        if opened.progress.holds(&step.until, opened.live.run.as_ref()) {
            return Err(format!("step {k}: its condition already holds when it opens"));
        }
        let opened_us = opened.live.run.now_us();
        solve_step(&mut opened.live, step, &mut opened.progress).map_err(|e| format!("step {k}: {e}"))?;
        let run = opened.live.run.as_ref();
        played.push(Played { step: k, opened_us, done_us: run.now_us(), done_event: run.event_count() });
        if k == lesson.steps.len() {
            return Ok(played);
        }
        opened = next_step(lesson, opened.live, k)?;
    }
}
