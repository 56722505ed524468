//! Reading a lesson file: its JSON, field by field, into a [`Lesson`], refusing unknown
//! fields and saying where each problem is. Written by hand over `serde_json::Value` rather
//! than derived: derived visitors for every lesson type cost the page module tens of KB,
//! and an inline scenario goes through the scenario file's own decoder anyway.

use super::{Do, Lesson, Source, Step, Text, Until};
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

fn obj<'a>(v: &'a Value, what: &str) -> Result<&'a Obj, String> {
    v.as_object().ok_or_else(|| format!("{what} is not an object"))
}

/// Refuse fields other than `allowed`.
fn only(o: &Obj, allowed: &[&str], what: &str) -> Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown field {:?} in {what} (expected {})", clip(k), allowed.join(", "))),
        None => Ok(()),
    }
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

fn get<'a>(o: &'a Obj, key: &str, what: &str) -> Result<&'a Value, String> {
    o.get(key).ok_or_else(|| format!("{what} has no {key:?}"))
}

fn string(v: &Value, what: &str) -> Result<String, String> {
    v.as_str().map(str::to_string).ok_or_else(|| format!("{what} is not a string"))
}

fn number(v: &Value, what: &str) -> Result<u64, String> {
    v.as_u64().ok_or_else(|| format!("{what} is not a whole number"))
}

fn text(v: &Value, what: &str) -> Result<Text, String> {
    let o = obj(v, what)?;
    only(o, &["en", "zh"], what)?;
    Ok(Text { en: string(get(o, "en", what)?, &format!("{what}.en"))?, zh: string(get(o, "zh", what)?, &format!("{what}.zh"))? })
}

fn source(v: &Value, what: &str) -> Result<Source, String> {
    let o = obj(v, what)?;
    only(o, &["preset", "scenario"], what)?;
    match (o.get("preset"), o.get("scenario")) {
        (Some(p), None) => Ok(Source::Preset(string(p, &format!("{what}.preset"))?)),
        (None, Some(s)) => {
            let json = serde_json::to_string(s).map_err(|e| e.to_string())?;
            let s = crate::scenario::decode_file(&json).map_err(|e| format!("{what}.scenario: {e}"))?;
            Ok(Source::Scenario(Box::new(s)))
        }
        _ => Err(format!("{what} names a preset or a scenario (one of them)")),
    }
}

const CONDITIONS: &str = "role, roles, everyone, nobody, crashed, new_role, violation, sent, field, adversary, elapsed_us, all, any, not";

fn until(v: &Value, what: &str) -> Result<Until, String> {
    let o = obj(v, what)?;
    let mut keys = o.iter();
    let (Some((key, arg)), None) = (keys.next(), keys.next()) else {
        return Err(format!("{what} is one condition, written as one key ({CONDITIONS})"));
    };
    let w = format!("{what}.{key}");
    let s = || string(arg, &w);
    // `{NAME: "…", "at_least": N}` (N is 1 when absent).
    let counted = |name: &str| -> Result<(String, u64), String> {
        let a = obj(arg, &w)?;
        only(a, &[name, "at_least"], &w)?;
        let at_least = a.get("at_least").map_or(Ok(1), |n| number(n, &format!("{w}.at_least")))?;
        Ok((string(get(a, name, &w)?, &format!("{w}.{name}"))?, at_least))
    };
    let list = || -> Result<Vec<Until>, String> {
        let items = arg.as_array().ok_or_else(|| format!("{w} is a list of conditions"))?;
        items.iter().enumerate().map(|(i, u)| until(u, &format!("{w}[{i}]"))).collect()
    };
    Ok(match key.as_str() {
        "role" => Until::Role(s()?),
        "roles" => {
            let (role, at_least) = counted("role")?;
            Until::Roles { role, at_least: at_least as u32 }
        }
        "everyone" => Until::Everyone(s()?),
        "nobody" => Until::Nobody(s()?),
        "crashed" => Until::Crashed(s()?),
        "new_role" => Until::NewRole(s()?),
        "violation" => Until::Violation(s()?),
        "sent" => {
            let (kind, at_least) = counted("kind")?;
            Until::Sent { kind, at_least: at_least as u32 }
        }
        "field" => {
            let (name, at_least) = counted("name")?;
            Until::Field { name, at_least }
        }
        "adversary" => Until::Adversary(arg.as_bool().ok_or_else(|| format!("{w} is true or false"))?),
        "elapsed_us" => Until::ElapsedUs(number(arg, &w)?),
        "all" => Until::All(list()?),
        "any" => Until::Any(list()?),
        "not" => Until::Not(Box::new(until(arg, &w)?)),
        other => return Err(format!("unknown condition {:?} in {what} (known: {CONDITIONS})", clip(other))),
    })
}

const ACTIONS: &str = "crash, restart, pause, resume, isolate, timeout_now, heal_all, adversary, fire, deliver";

fn action(v: &Value, what: &str) -> Result<Do, String> {
    let o = obj(v, what)?;
    let kind = string(get(o, "kind", what)?, &format!("{what}.kind"))?;
    let node = || -> Result<String, String> {
        only(o, &["kind", "node"], what)?;
        string(get(o, "node", what)?, &format!("{what}.node"))
    };
    Ok(match kind.as_str() {
        "crash" => Do::Crash { node: node()? },
        "restart" => Do::Restart { node: node()? },
        "pause" => Do::Pause { node: node()? },
        "resume" => Do::Resume { node: node()? },
        "isolate" => Do::Isolate { node: node()? },
        "timeout_now" => Do::TimeoutNow { node: node()? },
        "fire" => Do::Fire { node: node()? },
        "heal_all" | "deliver" => {
            only(o, &["kind"], what)?;
            if kind == "deliver" { Do::Deliver } else { Do::HealAll }
        }
        "adversary" => {
            only(o, &["kind", "on"], what)?;
            Do::Adversary { on: get(o, "on", what)?.as_bool().ok_or_else(|| format!("{what}.on is true or false"))? }
        }
        other => return Err(format!("unknown action {:?} in {what} (known: {ACTIONS})", clip(other))),
    })
}

fn step(v: &Value, what: &str) -> Result<Step, String> {
    let o = obj(v, what)?;
    only(o, &["text", "open", "do", "until", "within_us"], what)?;
    Ok(Step {
        text: text(get(o, "text", what)?, &format!("{what}.text"))?,
        open: o.get("open").map(|s| source(s, &format!("{what}.open"))).transpose()?,
        action: o.get("do").map(|a| action(a, &format!("{what}.do"))).transpose()?,
        until: until(get(o, "until", what)?, &format!("{what}.until"))?,
        within_us: number(get(o, "within_us", what)?, &format!("{what}.within_us"))?,
    })
}

/// A lesson from a lesson file's JSON (not yet validated: see `Lesson::validate`).
pub fn lesson(v: &Value) -> Result<Lesson, String> {
    let o = obj(v, "the lesson")?;
    only(o, &["name", "protocol", "title", "open", "steps"], "the lesson")?;
    let steps = get(o, "steps", "the lesson")?.as_array().ok_or("the lesson's steps are not a list")?;
    if steps.len() > super::MAX_STEPS {
        return Err(format!("a lesson has 1 to {} steps (got {})", super::MAX_STEPS, steps.len()));
    }
    Ok(Lesson {
        name: string(get(o, "name", "the lesson")?, "the lesson's name")?,
        protocol: string(get(o, "protocol", "the lesson")?, "the lesson's protocol")?,
        title: text(get(o, "title", "the lesson")?, "the title")?,
        open: source(get(o, "open", "the lesson")?, "the lesson's open")?,
        steps: steps.iter().enumerate().map(|(i, s)| step(s, &format!("step {}", i + 1))).collect::<Result<_, _>>()?,
    })
}
