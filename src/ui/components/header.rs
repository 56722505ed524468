//! Title bar: the scenario picker, the protocol, language and theme, and the share menu.

use crate::i18n::{t, Lang};
use crate::ui::state::{dispatch, Action};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub preset: Option<&'static str>,
    /// (name, English title, Chinese title).
    pub presets: Rc<Vec<(&'static str, &'static str, &'static str)>>,
    pub protocol: &'static str,
    pub lang: Lang,
    pub theme: Option<&'static str>,
    /// Every lesson (name, English title, Chinese title), and the open one.
    pub lessons: Rc<Vec<(&'static str, &'static str, &'static str)>>,
    pub lesson: Option<String>,
}

fn select_value(e: &Event) -> Option<String> {
    e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value())
}

#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let on_pick = Callback::from(|e: Event| {
        if let Some(v) = select_value(&e).filter(|v| !v.is_empty()) {
            dispatch(Action::Open(v));
        }
    });
    let on_lesson = Callback::from(|e: Event| {
        if let Some(v) = select_value(&e).filter(|v| !v.is_empty()) {
            dispatch(Action::Open(format!("lesson={v}")));
        }
    });
    let on_lang = Callback::from(|e: Event| {
        if let Some(v) = select_value(&e) {
            dispatch(Action::SetLang(Lang::from_tag(&v)));
        }
    });
    let next_theme = match p.theme {
        None => Some("dark"),
        Some("dark") => Some("light"),
        _ => None,
    };
    let theme_label = match p.theme {
        None => t("Theme: system"),
        Some("dark") => t("Theme: dark"),
        _ => t("Theme: light"),
    };
    let zh = p.lang == Lang::Zh;
    // The page starts with its own family's presets and lessons; reaching for a menu (the
    // pointer over it, a press, the keyboard's focus) fetches every family's.
    let want_all = Callback::from(|_: FocusEvent| crate::ui::swap::want_all_menus());
    let want_all_pointer = Callback::from(|_: PointerEvent| crate::ui::swap::want_all_menus());
    html! {
        <header class="header">
            <h1>{ "ClusterLab" }</h1>
            <span class="protocol-badge">{ p.protocol }</span>
            <label class="picker">
                <span class="sr-only">{ t("Scenario") }</span>
                <select data-testid="preset" aria-label={t("Scenario")} onchange={on_pick} onfocus={want_all.clone()} onpointerenter={want_all_pointer.clone()} onpointerdown={want_all_pointer.clone()}>
                    if p.preset.is_none() {
                        <option selected=true value="">{ t("(from a link)") }</option>
                    }
                    { for p.presets.iter().map(|(name, en, zh_title)| html! {
                        <option value={*name} selected={p.preset == Some(*name)}>{ if zh { *zh_title } else { *en } }</option>
                    }) }
                </select>
            </label>
            <label class="picker">
                <span class="sr-only">{ t("Lessons") }</span>
                <select data-testid="lesson-picker" aria-label={t("Lessons")} onchange={on_lesson} onfocus={want_all} onpointerenter={want_all_pointer.clone()} onpointerdown={want_all_pointer}>
                    <option selected={p.lesson.is_none()} value="">{ t("Open a lesson…") }</option>
                    { for p.lessons.iter().map(|(name, en, zh_title)| html! {
                        <option value={*name} selected={p.lesson.as_deref() == Some(*name)}>{ if zh { *zh_title } else { *en } }</option>
                    }) }
                </select>
            </label>
            <span class="spacer"></span>
            <select data-testid="lang" aria-label={t("Language")} onchange={on_lang}>
                <option value="en" selected={!zh}>{ "English" }</option>
                <option value="zh" selected={zh}>{ "中文" }</option>
            </select>
            <button data-testid="theme" aria-label={theme_label} title={theme_label}
                onclick={Callback::from(move |_| dispatch(Action::SetTheme(next_theme)))}>
                { if p.theme == Some("dark") { "☾" } else if p.theme == Some("light") { "☀" } else { "◐" } }
            </button>
            <button data-testid="open-history" title={t("Check and draw a client history: this run's, or a Jepsen or ClusterLab file")}
                onclick={Callback::from(|_| dispatch(Action::OpenHistory))}>{ t("History") }</button>
            <super::ShareMenu />
        </header>
    }
}
