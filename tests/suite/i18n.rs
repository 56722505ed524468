//! Every string the page shows through `t("…")`, and every label a protocol puts on the
//! page through `Present` (roles, field labels, table titles and headers, timer names,
//! message kinds, overlay labels, headline names), has a Simplified Chinese entry in
//! `src/i18n/tables/` (or is a paper name kept as written), and the entries are real
//! translations (not copies of the English).

use clusterlab::i18n::{self, Lang, DHT_TABLE, MAPREDUCE_TABLE, PB_TABLE, REPLICATION_TABLE, TABLE, TXN_TABLE, VIEWER_TABLE, ZAB_TABLE};
use clusterlab::scenario::{self, presets};
use clusterlab::sim::{AnyRun, ClusterView, Overlay, TableView, TraceKind};
use std::collections::BTreeSet;
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

fn table_labels(t: &TableView, out: &mut BTreeSet<String>) {
    out.insert(t.title.clone());
    out.extend(t.headers.iter().cloned());
}

/// The labels of the nodes: role, headline name, field labels, tables, timers.
fn view_labels(v: &ClusterView, out: &mut BTreeSet<String>) {
    out.insert(v.term_name.to_string());
    for n in &v.nodes {
        out.insert(n.role.clone());
        out.extend(n.fields.iter().map(|(k, _)| k.clone()));
        out.extend(n.timers.iter().map(|t| t.name.clone()));
        n.tables.iter().for_each(|t| table_labels(t, out));
    }
    out.extend(v.messages.iter().map(|m| m.kind.to_string()));
}

/// The overlay's labels: tables, plots and their series, watch arrows, lease bars.
fn overlay_labels(o: &Overlay, out: &mut BTreeSet<String>) {
    o.tables.iter().for_each(|t| table_labels(t, out));
    for p in &o.plots {
        out.extend([p.title.clone(), p.x_label.clone(), p.y_label.clone()]);
        out.extend(p.series.iter().map(|s| s.name.clone()));
    }
    out.extend(o.arrows.iter().map(|a| a.label.clone()));
    out.extend(o.bars.iter().map(|b| b.label.clone()));
}

/// Message kinds and timer names the trace recorded (the event log shows them).
fn trace_labels(run: &dyn AnyRun, out: &mut BTreeSet<String>) {
    for r in run.trace() {
        match &r.kind {
            TraceKind::Send { kind, .. } | TraceKind::Deliver { kind, .. } | TraceKind::Drop { kind, .. } => out.insert(kind.to_string()),
            TraceKind::Timer { name } => out.insert(name.to_string()),
            _ => false,
        };
    }
}

/// Every label the presets put on the page, sampled every 500 ms for 4 s past each
/// preset's playhead (faults, crashes and elections happen in that window).
fn protocol_labels() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in presets::all() {
        let mut run = scenario::build(&(p.build)(), true).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        out.extend(run.properties().into_iter().map(|(name, _)| name.to_string()));
        for _ in 0..8 {
            view_labels(&run.view(), &mut out);
            overlay_labels(&run.overlay(), &mut out);
            table_labels(&run.cluster_table(), &mut out);
            out.extend(run.log_marks().iter().map(|m| m.label.to_string()));
            let t = run.now_us();
            run.run_until(t + 500_000);
        }
        trace_labels(&*run, &mut out);
    }
    out
}

#[test]
fn every_protocol_label_has_chinese() {
    let all = protocol_labels();
    assert!(all.len() > 150, "found only {} labels: is the sampling broken?", all.len());
    let missing: Vec<&String> = all.iter().filter(|k| !i18n::has_translation(k)).collect();
    assert!(missing.is_empty(), "no Chinese for {} protocol labels:\n{}", missing.len(), missing.iter().map(|k| format!("    (\"{k}\", \"\"),")).collect::<Vec<_>>().join("\n"));
}

#[test]
fn entries_are_translated_and_unique() {
    let mut seen = std::collections::BTreeSet::new();
    for (en, zh) in TABLE.iter().chain(VIEWER_TABLE).chain(TXN_TABLE).chain(ZAB_TABLE).chain(MAPREDUCE_TABLE).chain(DHT_TABLE).chain(REPLICATION_TABLE).chain(PB_TABLE) {
        assert!(seen.insert(*en), "{en:?} appears twice");
        assert!(!zh.is_empty() && zh != en, "{en:?} has no real translation");
        assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en:?} → {zh:?} has no Chinese characters");
    }
}

#[test]
fn verbatim_names_are_not_also_translated() {
    let mut seen = BTreeSet::new();
    for name in i18n::VERBATIM {
        assert!(seen.insert(*name), "{name:?} is listed twice");
        assert!(!i18n::has_zh(name), "{name:?} is kept as written and also translated");
    }
}

#[test]
fn templates_translate_what_fills_their_holes() {
    i18n::set_lang(Lang::Zh);
    assert_eq!(i18n::t_dyn("watch /lock/n-0000000002"), "监视 /lock/n-0000000002");
    assert_eq!(i18n::t_dyn("fraction informed per round (push, fanout 3)"), "每轮已知晓比例（推，扇出 3）");
    assert_eq!(i18n::t_dyn("watch "), "watch ", "an empty hole fits nothing");
    assert_eq!(i18n::t_dyn("RequestVote"), "RequestVote");
    i18n::set_lang(Lang::En);
    assert_eq!(i18n::t_dyn("watch /lock/a"), "watch /lock/a");
    assert!(i18n::has_translation("paper §3.1: (1−(1−q)²)(1−(1−q)⁴)^5"));
    assert!(!i18n::has_translation("no such words"));
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
