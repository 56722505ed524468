//! `window.clusterlab` and the postMessage API (see DESIGN.md, Page contract): course pages
//! and tests drive the same simulation the page shows. Every input is validated; a bad
//! call answers `{ok: false, error}` and changes nothing.

use super::model;
use super::state::{dispatch, Action};
use crate::sim::{Fault, NodeStatus};
use js_sys::{Function, Object, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The page's state as plain data.
pub fn state_json() -> Value {
    model::with(|m| {
        let run = &m.live.run;
        let view = run.view();
        let nodes: Vec<Value> = view
            .nodes
            .iter()
            .map(|n| {
                let status = match n.status {
                    Some(NodeStatus::Crashed) => "crashed",
                    Some(NodeStatus::Paused) => "paused",
                    _ => "up",
                };
                let fields: serde_json::Map<String, Value> = n.fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                json!({"id": n.id, "role": n.role, "status": status, "term": n.term, "fields": fields,
                       "commitIndex": n.log.as_ref().map(|l| l.commit_index), "logLength": n.log.as_ref().map(|l| l.entries.len())})
            })
            .collect();
        json!({
            "protocol": view.protocol, "simTimeUs": view.now_us, "eventCount": view.event_count,
            "frontier": run.frontier(), "traceHash": view.trace_hash, "violations": view.violations, "exceeded": view.exceeded,
            "nodes": nodes, "messagesInFlight": view.messages.len(), "playing": m.playing, "preset": m.preset, "selected": m.selected,
            "notice": m.notice, "lang": m.options.lang.tag(), "theme": m.options.theme, "embed": m.options.embed,
            "overlay": run.overlay(), "clusterTable": run.cluster_table(),
            "adversary": run.adversary(), "choices": run.choices(),
            "lesson": m.lesson.as_ref().map(|l| {
                let step = &l.lesson.steps[l.step];
                json!({"name": l.lesson.name, "title": l.lesson.title.en, "step": l.step + 1, "steps": l.lesson.steps.len(), "done": l.done, "withinUs": step.within_us, "openedAtEvent": l.progress.base.event,
                       "control": step.action.as_ref().map(|a| a.control()), "node": step.action.as_ref().and_then(|a| a.node()), "fragment": super::lesson::fragment(l)})
            }), "heldLinks": view.held_links, "cutLinks": view.cut_links,
            "messages": view.messages.iter().map(|m| json!({"id": m.id, "from": m.from, "to": m.to, "kind": m.kind,
                "isReply": m.is_reply, "held": m.held, "corrupted": m.corrupted, "sentAtUs": m.sent_at_us, "arrivesAtUs": m.arrives_at_us})).collect::<Vec<_>>(),
        })
    })
    .unwrap_or(json!({"error": "busy"}))
}

fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(v).unwrap_or_default()).unwrap_or(JsValue::NULL)
}

fn ok() -> Value {
    json!({"ok": true})
}

fn err(e: impl Into<String>) -> Value {
    json!({"ok": false, "error": e.into()})
}

/// One API call by name with JSON arguments; shared by window.clusterlab and postMessage.
pub fn call(name: &str, arg: &Value) -> Value {
    match name {
        "state" => state_json(),
        "link" => match model::with(|m| m.live.link()) {
            Some(Ok(l)) => json!(format!("#s={l}")),
            Some(Err(e)) => err(super::scenario_file::no_link(&e)),
            None => Value::Null,
        },
        "openScenario" => match arg.as_str().or_else(|| arg.get("text").and_then(Value::as_str)) {
            Some(text) => match model::update(|m| super::scenario_file::open(m, text)) {
                Some(Ok(None)) => ok(),
                Some(Ok(Some(family))) => json!({"ok": true, "loading": family}),
                Some(Err(e)) => err(e),
                None => err("busy"),
            },
            None => err("openScenario takes a scenario file's text, or {text}"),
        },
        "step" => {
            dispatch(Action::Step);
            state_json()
        }
        "play" => {
            dispatch(Action::Play);
            ok()
        }
        "pause" => {
            dispatch(Action::Pause);
            ok()
        }
        "runFor" => match arg.as_u64().or_else(|| arg.get("us").and_then(Value::as_u64)) {
            Some(us) if us <= 600_000_000 => {
                let brief = model::update(|m| {
                    let t = m.live.run.now_us() + us;
                    // With a lesson's step open, the run stops where the step ends.
                    if !super::lesson::run_step(m, t, u64::MAX) {
                        m.live.run.run_until(t);
                    }
                    m.playing = false;
                    json!({"ok": true, "simTimeUs": m.live.run.now_us(), "eventCount": m.live.run.event_count()})
                });
                // `{us, brief: true}` answers with the time and event count only (a bench's
                // loop; the full state costs a view of every node and message).
                match arg.get("brief").and_then(Value::as_bool) {
                    Some(true) => brief.unwrap_or_else(|| err("busy")),
                    _ => state_json(),
                }
            }
            _ => err("runFor takes a whole number of microseconds, at most 600000000"),
        },
        "seek" => match arg.as_u64().or_else(|| arg.get("event").and_then(Value::as_u64)) {
            Some(k) => {
                dispatch(Action::Seek(k));
                state_json()
            }
            None => err("seek takes an event index"),
        },
        "load" => match arg.as_str().or_else(|| arg.get("link").and_then(Value::as_str)) {
            Some(s) if s.len() <= 16 * 1024 => load(s),
            _ => err("load takes a link (#s=…), a preset name, #preset=NAME or #lesson=NAME&step=K"),
        },
        "inject" => {
            let fault = arg.get("fault").unwrap_or(arg);
            match serde_json::from_value::<Fault>(fault.clone()) {
                Ok(f) => match model::update(|m| m.live.inject(f)) {
                    Some(Ok(())) => ok(),
                    Some(Err(e)) => err(e),
                    None => err("busy"),
                },
                Err(e) => err(format!("not a fault: {e}")),
            }
        }
        "lesson" => match arg.as_str().or_else(|| arg.get("move").and_then(Value::as_str)) {
            Some(mv) => {
                let mv = match mv {
                    "next" => super::lesson::Move::Next,
                    "back" => super::lesson::Move::Back,
                    "restart" => super::lesson::Move::Restart,
                    "close" => super::lesson::Move::Close,
                    "act" => super::lesson::Move::Act,
                    other => return err(format!("lesson takes next, back, restart, close or act (not {:?})", other.chars().take(20).collect::<String>())),
                };
                match model::with(|m| m.lesson.is_some()) {
                    Some(true) => {
                        dispatch(Action::Lesson(mv));
                        state_json()
                    }
                    _ => err("no lesson is open (load(\"#lesson=NAME\") opens one)"),
                }
            }
            None => err("lesson takes a move: next, back, restart, close or act"),
        },
        "notice" => match arg.as_str().or_else(|| arg.get("text").and_then(Value::as_str)) {
            // The loader's message in English (translated here), and what went wrong.
            Some(text) if text.len() <= 1_000 => {
                let detail = arg.get("detail").and_then(Value::as_str).map(|d| d.chars().take(300).collect::<String>());
                let text = crate::i18n::t_dyn(text);
                dispatch(Action::Notice(detail.map_or(text.clone(), |d| format!("{text}: {d}"))));
                ok()
            }
            _ => err("notice takes a text of at most 1000 bytes"),
        },
        "history" => model::with(run_history).flatten().map_or(Value::Null, Value::String),
        "hasHistory" => json!(model::with(|m| m.live.run.checks_linearizability() || !m.live.run.client_history().is_empty()).unwrap_or(false)),
        "openHistory" => open_history(arg),
        other => err(format!("unknown call {:?}", other.chars().take(40).collect::<String>())),
    }
}

/// The run's client history as a ClusterLab history file (what `clusterlab check` and the
/// history viewer read), or None when it has none.
pub fn run_history(m: &mut model::Model) -> Option<String> {
    let ops = m.live.run.client_history();
    (!ops.is_empty()).then(|| crate::histories::to_json(crate::histories::Model::Kv, ops))
}

/// Open the history viewer on a history's text (`{text, name}` or the text); without one,
/// on this run's history. The viewer loads, checks and draws it; its dialog says the
/// verdict (`data-verdict`) or what is wrong with the text.
fn open_history(arg: &Value) -> Value {
    let text = arg.as_str().or_else(|| arg.get("text").and_then(Value::as_str));
    let name = arg.get("name").and_then(Value::as_str).unwrap_or("history");
    if text.is_some_and(|t| t.len() > 16 << 20) {
        return err("openHistory takes a history's text of at most 16 MiB, or {text, name}");
    }
    let result = match text {
        Some(t) => super::swap::open_history(Some(t.to_string()), &name.chars().take(120).collect::<String>()),
        None => {
            dispatch(Action::OpenHistory);
            Ok(())
        }
    };
    match result {
        Ok(()) => json!({"ok": true, "loading": "viewer"}),
        Err(e) => err(e),
    }
}

/// Open a link or preset: here, or (another family's) by handing the page to its module.
fn load(s: &str) -> Value {
    let answer = match super::swap::elsewhere(s) {
        Some((family, _)) => json!({"ok": true, "loading": family}),
        None => match model::open(s) {
            Ok(_) => ok(),
            Err(e) => return err(e),
        },
    };
    dispatch(Action::Open(s.to_string()));
    answer
}

fn js_arg(v: &JsValue) -> Value {
    if v.is_undefined() || v.is_null() {
        return Value::Null;
    }
    js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string()).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null)
}

fn method(obj: &Object, name: &'static str) {
    let f = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |a: JsValue| to_js(&call(name, &js_arg(&a))));
    let _ = Reflect::set(obj, &name.into(), f.as_ref().unchecked_ref::<Function>());
    f.forget();
}

/// Install `window.clusterlab` and the postMessage listener.
pub fn install() {
    let Some(window) = web_sys::window() else { return };
    let obj = Object::new();
    let _ = Reflect::set(&obj, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    for name in ["state", "lesson", "link", "openScenario", "step", "play", "pause", "runFor", "seek", "load", "inject", "notice", "history", "hasHistory", "openHistory"] {
        method(&obj, name);
    }
    let _ = Reflect::set(&window, &"clusterlab".into(), &obj);
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(handle_message);
    listen(&window, "message", on_message.into_js_value());
    let on_hash = Closure::<dyn Fn()>::new(model::on_hash_change);
    listen(&window, "hashchange", on_hash.into_js_value());
}

thread_local! {
    /// Window listeners this module added, removed by `uninstall` when another module
    /// takes the page over.
    static LISTENERS: std::cell::RefCell<Vec<(&'static str, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn listen(window: &web_sys::Window, event: &'static str, f: JsValue) {
    let _ = window.add_event_listener_with_callback(event, f.unchecked_ref());
    LISTENERS.with(|l| l.borrow_mut().push((event, f)));
}

/// Remove `window.clusterlab` and every listener `install` and `install_keyboard` added.
pub fn uninstall() {
    let Some(window) = web_sys::window() else { return };
    for (event, f) in LISTENERS.with(|l| std::mem::take(&mut *l.borrow_mut())) {
        let _ = window.remove_event_listener_with_callback(event, f.unchecked_ref());
    }
    let _ = Reflect::delete_property(&window, &"clusterlab".into());
}

/// `{clusterlab: "runFor", us: 500000}` from a parent page → the call, answered with
/// `{clusterlab: "result", call, result}` to the sender. Anything else is ignored.
fn handle_message(e: web_sys::MessageEvent) {
    let data = js_arg(&e.data());
    let Some(name) = data.get("clusterlab").and_then(Value::as_str) else { return };
    if name == "result" {
        return;
    }
    let result = call(name, &data);
    let reply = json!({"clusterlab": "result", "call": name, "result": result, "state": state_json()});
    let Some(source) = e.source() else { return };
    // A window from another frame fails `instanceof Window` in this realm, so tell windows
    // from message ports by the `window` property only windows have.
    if Reflect::has(&source, &"window".into()).unwrap_or(false) {
        let w: web_sys::Window = source.unchecked_into();
        let _ = w.post_message(&to_js(&reply), "*");
    }
}

/// Space plays/pauses, → steps, ← steps back; ignored while typing in a field.
pub fn install_keyboard() {
    let Some(window) = web_sys::window() else { return };
    let on_key = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(|e: web_sys::KeyboardEvent| {
        let typing = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"))
            .unwrap_or(false);
        if typing && e.key() == " " {
            return;
        }
        let action = match e.key().as_str() {
            " " => Some(Action::TogglePlay),
            "ArrowRight" if !typing => Some(Action::Step),
            "ArrowLeft" if !typing => Some(Action::StepBack),
            _ => None,
        };
        if let Some(a) = action {
            e.prevent_default();
            dispatch(a);
        }
    });
    listen(&window, "keydown", on_key.into_js_value());
}
