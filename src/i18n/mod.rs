//! Every string the page shows, in English and Simplified Chinese, from one place. A string
//! is looked up by its English text; an entry with `{}` holes ("watch {}") translates texts
//! that fill it. `tests/i18n.rs` checks that every `t("…")` in the UI and every label the
//! protocols' `Present` puts on the page has a Chinese entry in `tables/` (shared strings, then one table per family, compiled into its module alone). Paper names
//! (`RequestVote`, `commitIndex`) stay as the papers write them in both languages
//! ([`VERBATIM`]).

mod tables;

pub use tables::{DHT_TABLE, MAPREDUCE_TABLE, PB_TABLE, REPLICATION_TABLE, TABLE, TXN_TABLE, VERBATIM, VIEWER_TABLE, ZAB_TABLE};
use std::cell::Cell;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh-Hans`… are Chinese; anything else is English.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The Chinese entry for `en`. A plain search: a few hundred entries whose lengths mostly
/// differ cost less than a map's code in every page module.
fn lookup(en: &str) -> Option<&'static str> {
    TABLE.iter().chain(VIEWER_TABLE).chain(TXN_TABLE).chain(ZAB_TABLE).chain(MAPREDUCE_TABLE).chain(DHT_TABLE).chain(REPLICATION_TABLE).chain(PB_TABLE).find(|(k, _)| *k == en).map(|(_, z)| *z)
}

pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

pub fn set_lang(l: Lang) {
    LANG.with(|c| c.set(l));
}

/// The page's text for `en` in the current language.
pub fn t(en: &'static str) -> &'static str {
    match lang() {
        Lang::En => en,
        Lang::Zh => lookup(en).unwrap_or(en),
    }
}

/// Like `t` for text that comes from a protocol's view (role names, table titles): known
/// words and texts that fill a `{}` template of the table ("watch /lock/a") are
/// translated, anything else is shown as it is.
pub fn t_dyn(en: &str) -> String {
    match lang() {
        Lang::En => en.to_string(),
        Lang::Zh => zh(en).or_else(|| filled(en)).unwrap_or_else(|| en.to_string()),
    }
}

fn zh(en: &str) -> Option<String> {
    lookup(en).map(str::to_string)
}

/// Whether the table has a Chinese entry for `en` (for the completeness test).
pub fn has_zh(en: &str) -> bool {
    lookup(en).is_some()
}

/// Whether `en` is shown in Chinese, by an entry or a template, or is a name kept as the
/// papers write it ([`VERBATIM`]) (for the completeness tests).
pub fn has_translation(en: &str) -> bool {
    has_zh(en) || VERBATIM.contains(&en) || is_task_name(en) || filled(en).is_some()
}

/// MapReduce's task names (m12, r3) are kept as written, as node names (n3) are.
fn is_task_name(en: &str) -> bool {
    let mut chars = en.chars();
    matches!(chars.next(), Some('m' | 'r')) && en.len() > 1 && chars.all(|c| c.is_ascii_digit())
}

/// `en` through the first table entry with `{}` holes it fits: the Chinese template with
/// each hole's text, itself translated when the table knows it.
fn filled(en: &str) -> Option<String> {
    let holes = TABLE.iter().filter(|(k, _)| k.contains("{}"));
    holes.clone().find_map(|(k, z)| fit(k, en).map(|texts| fill(z, &texts)))
}

/// The texts in the holes of `template` when `en` fits it (every hole holds something).
fn fit<'a>(template: &str, en: &'a str) -> Option<Vec<&'a str>> {
    let mut parts = template.split("{}");
    let mut rest = en.strip_prefix(parts.next()?)?;
    let lits: Vec<&str> = parts.collect();
    let mut texts = Vec::new();
    for (i, lit) in lits.iter().enumerate() {
        let at = if i + 1 == lits.len() { rest.len().checked_sub(lit.len()).filter(|at| rest.get(*at..) == Some(*lit))? } else { rest.find(lit)? };
        texts.push(rest.get(..at).filter(|t| !t.is_empty())?);
        rest = &rest[at + lit.len()..];
    }
    Some(texts)
}

fn fill(template: &str, texts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in template.split("{}").enumerate() {
        if i > 0 {
            out += &texts.get(i - 1).map(|t| zh(t).unwrap_or_else(|| t.to_string())).unwrap_or_default();
        }
        out += part;
    }
    out
}
