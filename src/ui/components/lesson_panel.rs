//! The lesson panel: the lesson's title, which step of how many, the step's text (read out
//! by screen readers when it changes), whether the step is done, and the moves (back,
//! restart, next, close). The control the step asks for is ringed by the page's style
//! sheet (the shell carries `data-lesson-control`), so it lights up wherever and whenever
//! it is drawn (the Crash button appears once the node is selected); the node is ringed in
//! the cluster drawing.

use crate::i18n::t;
use crate::ui::lesson::Move;
use crate::ui::state::{dispatch, Action};
use yew::prelude::*;

/// What the panel shows, as plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    pub name: String,
    pub title: String,
    /// 0-based.
    pub step: usize,
    pub steps: usize,
    pub text: String,
    pub done: bool,
    /// The control the step asks for (`data-testid`), and the node it concerns.
    pub control: Option<&'static str>,
    pub node: Option<u32>,
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lesson: LessonView,
}

fn mv(m: Move) -> Callback<MouseEvent> {
    Callback::from(move |_| dispatch(Action::Lesson(m)))
}

fn status(l: &LessonView) -> String {
    let last = l.step + 1 == l.steps;
    match (l.done, last, l.control.is_some()) {
        (true, true, _) => t("Lesson complete. Start it over, or close it and explore on your own.").to_string(),
        (true, false, _) => t("Done. Read on with Next when you are ready.").to_string(),
        (false, _, true) => t("Your turn: use the highlighted control.").to_string(),
        (false, _, false) => t("Watching the run for this step's condition…").to_string(),
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonPanelProps) -> Html {
    let l = &p.lesson;
    let (k, n) = (l.step + 1, l.steps);
    let last = k == n;
    html! {
        <section class="lesson" aria-label={t("Lesson")} data-testid="lesson" data-lesson={l.name.clone()} data-step={k.to_string()}
            data-done={l.done.to_string()} data-target-control={l.control.unwrap_or("")} data-target-node={l.node.map(|n| n.to_string()).unwrap_or_default()}>
            <div class="lesson-head">
                <strong>{ &l.title }</strong>
                <span class="lesson-count">{ format!("{} {k} / {n}", t("Step")) }</span>
                <progress value={k.to_string()} max={n.to_string()} aria-label={t("Lesson progress")}></progress>
            </div>
            <p class="lesson-text" data-testid="lesson-text" aria-live="polite">{ &l.text }</p>
            <p class={classes!("lesson-status", l.done.then_some("done"))} data-testid="lesson-status" role="status">{ status(l) }</p>
            <div class="row">
                <button data-testid="lesson-back" disabled={k == 1} onclick={mv(Move::Back)}>{ t("Back") }</button>
                <button data-testid="lesson-restart" onclick={mv(Move::Restart)}>{ t("Start over") }</button>
                if l.control.is_some() && !l.done {
                    <button data-testid="lesson-do" title={t("Do what this step asks, in your place")} onclick={mv(Move::Act)}>{ t("Do it for me") }</button>
                }
                if !last {
                    <button data-testid="lesson-next" class="primary" disabled={!l.done} onclick={mv(Move::Next)}>{ t("Next") }</button>
                }
                <button data-testid="lesson-close" onclick={mv(Move::Close)}>{ t("Close lesson") }</button>
            </div>
        </section>
    }
}
