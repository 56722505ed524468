//! Every string the page shows through `t("…")` has a Simplified Chinese entry in
//! `src/i18n.rs`, and the entries are real translations (not copies of the English).

use clusterlab::i18n::{self, Lang, TABLE};
use std::fs;
use std::path::Path;

fn ui_sources(dir: &Path, out: &mut Vec<String>) {
    for e in fs::read_dir(dir).expect("src/ui exists") {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            ui_sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(fs::read_to_string(&p).expect("readable source"));
        }
    }
}

/// The literals inside `t("…")` calls.
fn keys(src: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("t(\"") {
        let prev = rest[..i].chars().last();
        rest = &rest[i + 3..];
        if prev.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(end) = rest.find("\")") {
            v.push(rest[..end].replace("\\\"", "\""));
        }
    }
    v
}

#[test]
fn every_ui_string_has_chinese() {
    let mut srcs = Vec::new();
    ui_sources(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui")), &mut srcs);
    let mut all: Vec<String> = srcs.iter().flat_map(|s| keys(s)).collect();
    all.sort();
    all.dedup();
    assert!(all.len() > 80, "found only {} strings: is the scan broken?", all.len());
    let missing: Vec<&String> = all.iter().filter(|k| !i18n::has_zh(k)).collect();
    assert!(missing.is_empty(), "no Chinese for {} strings:\n{}", missing.len(), missing.iter().map(|k| format!("    (\"{k}\", \"\"),")).collect::<Vec<_>>().join("\n"));
}

#[test]
fn entries_are_translated_and_unique() {
    let mut seen = std::collections::BTreeSet::new();
    for (en, zh) in TABLE {
        assert!(seen.insert(*en), "{en:?} appears twice");
        assert!(!zh.is_empty() && zh != en, "{en:?} has no real translation");
        assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en:?} → {zh:?} has no Chinese characters");
    }
}

#[test]
fn lang_switches_lookups() {
    i18n::set_lang(Lang::Zh);
    assert_eq!(i18n::t("Play"), "播放");
    assert_eq!(i18n::t_dyn("leader"), "领导者");
    assert_eq!(i18n::t_dyn("no such words"), "no such words");
    i18n::set_lang(Lang::En);
    assert_eq!(i18n::t("Play"), "Play");
    assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
    assert_eq!(Lang::from_tag("en-GB"), Lang::En);
}
