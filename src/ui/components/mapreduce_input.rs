//! MapReduce's input, typed in the page: a text area, its character count and "Count these
//! words", which opens the open scenario again (same nodes, seed, network and faults) with
//! the typed text as its input (`config.text`), from the start. An empty text counts the
//! generated text again (`config.text` removed); a text over the limit is refused with a
//! notice and changes nothing.
//!
//! The configuration is handled as JSON (the `text` key inserted or removed), so this file
//! needs none of the protocol's types and compiles into every page module; the app shows it
//! only for a MapReduce scenario.

use crate::i18n::t;
use crate::scenario::{encode_link, LiveRun, Scenario};
use crate::sim::TimedFault;
use crate::ui::model;
use crate::ui::state::{dispatch, reduce, show, Action};
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// The most characters a typed input may have (the protocol's `TEXT_MAX_CHARS`).
pub const TEXT_MAX_CHARS: usize = 20_000;

// Where the protocol is compiled in, the two limits are one.
#[cfg(feature = "mapreduce")]
const _: () = assert!(TEXT_MAX_CHARS == crate::protocols::mapreduce::config::TEXT_MAX_CHARS);

#[derive(Properties, PartialEq)]
pub struct MapReduceInputProps {
    /// The open scenario's typed text (None: it counts generated text).
    pub text: Rc<Option<String>>,
}

/// `base` with `text` as its input (None: the generated text), its faults (those recorded
/// from the page kept at their times), from the start.
pub fn with_text(base: &Scenario, recorded: Vec<TimedFault>, text: Option<&str>) -> Result<Scenario, String> {
    let mut s = base.clone();
    let mut config = match std::mem::take(&mut s.config) {
        serde_json::Value::Null => serde_json::Map::new(),
        serde_json::Value::Object(m) => m,
        _ => return Err(t("this scenario's configuration is not an object").into()),
    };
    match text {
        Some(text) => config.insert("text".into(), serde_json::Value::String(text.to_string())),
        None => config.remove("text"),
    };
    s.config = serde_json::Value::Object(config);
    s.faults.extend(recorded.into_iter().map(|f| TimedFault { after_event: None, ..f }));
    s.playhead_us = 0;
    s.playhead_event = None;
    Ok(s)
}

/// Count `draft`'s words: open the scenario with it as the input and play; over the limit,
/// say so and change nothing.
fn count(draft: &str) {
    let chars = draft.chars().count();
    if chars > TEXT_MAX_CHARS {
        return dispatch(Action::Notice(format!("{}: {chars} / {TEXT_MAX_CHARS} {}. {}", t("The text is too long to count"), t("characters"), t("Nothing was changed."))));
    }
    let text = Some(draft).filter(|d| !d.trim().is_empty());
    let opened = model::update(|m| -> Result<Option<String>, String> {
        let s = with_text(m.live.base(), m.live.run.recorded(), text)?;
        let live = LiveRun::open(&s)?;
        show(m, live, None);
        reduce(m, Action::Play);
        Ok(encode_link(&s).ok())
    });
    match opened {
        Some(Ok(link)) => write_address(link),
        Some(Err(e)) => dispatch(Action::Notice(format!("{}: {e}", t("Could not open that")))),
        None => {}
    }
}

/// The address names what is shown: its link, or nothing when the text is too long for a
/// link (as for a scenario file; Export scenario saves it).
fn write_address(link: Option<String>) {
    let Some(link) = link else { return crate::ui::scenario_file::forget_fragment() };
    let hash = format!("#s={link}");
    model::note_own_hash(&hash);
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&hash);
    }
}

#[function_component(MapReduceInput)]
pub fn mapreduce_input(p: &MapReduceInputProps) -> Html {
    let draft = use_state(|| (*p.text).clone().unwrap_or_default());
    {
        // Another scenario opened: show its text.
        let draft = draft.clone();
        use_effect_with(p.text.clone(), move |text| draft.set((**text).clone().unwrap_or_default()));
    }
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(a) = e.target_dyn_into::<HtmlTextAreaElement>() {
                draft.set(a.value());
            }
        })
    };
    let on_count = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| count(&draft))
    };
    let chars = draft.chars().count();
    let over = chars > TEXT_MAX_CHARS;
    let source = match p.text.as_ref() {
        Some(_) => t("Counting: the typed text"),
        None => t("Counting: generated text"),
    };
    html! {
        <div class="mr-input" data-testid="mr-input">
            <h2>{ t("Input text") }</h2>
            <textarea data-testid="mr-text" aria-label={t("Text to count")} rows="3" spellcheck="false"
                placeholder={t("Type or paste a text to count its words; leave it empty to count generated text.")}
                value={(*draft).clone()} oninput={on_input}></textarea>
            <div class="row">
                <button class="primary" data-testid="mr-count" onclick={on_count}>{ t("Count these words") }</button>
                <span class={classes!("mr-chars", over.then_some("over"))} data-testid="mr-chars" aria-live="polite">
                    { format!("{chars} / {TEXT_MAX_CHARS} {}", t("characters")) }
                </span>
                <span class="mr-source" data-testid="mr-source">{ source }</span>
            </div>
        </div>
    }
}
