//! Component tests in headless Chromium (wasm-bindgen-test): each component is mounted on a
//! fresh `<div>` with plain view data (`clusterlab::sim` views, no simulator), and the DOM
//! it draws is checked through the hooks that pages and tests rely on (`data-node-id`,
//! `data-role`, `data-violation-count`, `data-sim-time-us`, …). The page's own stylesheet is
//! loaded once so that drawn styles (dashed cut links) can be checked too.
#![cfg(target_arch = "wasm32")]

use clusterlab::sim::{ClusterView, LogEntryView, LogMark, LogView, MessageView, NetConfig, NodeStatus, NodeView, Overlay, OverlayArrow, OverlayBar, Plot, Series, TableView, Tone, Violation};
use clusterlab::ui::components::cluster_svg::ClusterSvgProps;
use clusterlab::ui::components::controls::ControlsProps;
use clusterlab::ui::components::fault_panel::{FaultPanel, FaultPanelProps};
use clusterlab::ui::components::invariant_panel::InvariantPanelProps;
use clusterlab::ui::components::plot_chart::PlotChartProps;
use clusterlab::ui::components::timeline::TimelineProps;
use clusterlab::ui::components::message_layer;
use clusterlab::ui::components::spacetime::{self, Arrow, Frame, Spacetime, SpacetimeProps};
use clusterlab::ui::components::state_table::{self, StateTable, StateTableProps};
use clusterlab::ui::components::adversary_panel::{AdversaryPanel, AdversaryPanelProps};
use clusterlab::ui::components::lesson_panel::{LessonPanel, LessonPanelProps, LessonView};
use clusterlab::ui::components::{ClusterSvg, Controls, InvariantPanel, PlotChart, Timeline};
use clusterlab::ui::layout;
use clusterlab::ui::model::Speed;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::{AppHandle, BaseComponent, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

// ---- harness -------------------------------------------------------------------------

/// A component mounted on its own `<div>` in the document.
struct Mounted<C: BaseComponent> {
    root: Element,
    handle: Option<AppHandle<C>>,
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The page's stylesheet, once, so computed styles are the page's.
fn load_page_css() {
    let doc = document();
    if doc.get_element_by_id("page-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("page-css");
        style.set_text_content(Some(include_str!("../static/style.css")));
        doc.body().unwrap().append_child(&style).unwrap();
    }
}

/// Let yew's scheduler run the render.
async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(10)).await;
}

async fn mount<C: BaseComponent>(props: C::Properties) -> Mounted<C> {
    load_page_css();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = Renderer::<C>::with_root_and_props(root.clone(), props).render();
    tick().await;
    Mounted { root, handle: Some(handle) }
}

impl<C: BaseComponent> Mounted<C> {
    async fn update(&mut self, props: C::Properties) {
        self.handle.as_mut().unwrap().update(props);
        tick().await;
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length()).map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap()).collect()
    }

    fn one(&self, selector: &str) -> Element {
        let found = self.all(selector);
        assert_eq!(found.len(), 1, "exactly one {selector}");
        found.into_iter().next().unwrap()
    }

    fn count(&self, selector: &str) -> usize {
        self.all(selector).len()
    }
}

impl<C: BaseComponent> Drop for Mounted<C> {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_else(|| panic!("no {name} on <{}>", e.tag_name()))
}

fn num(e: &Element, name: &str) -> f64 {
    attr(e, name).parse().unwrap_or_else(|_| panic!("{name} is not a number: {}", attr(e, name)))
}

fn text(e: &Element) -> String {
    e.text_content().unwrap_or_default()
}

fn has_class(e: &Element, class: &str) -> bool {
    e.get_attribute("class").unwrap_or_default().split_whitespace().any(|c| c == class)
}

fn css(e: &Element, property: &str) -> String {
    web_sys::window().unwrap().get_computed_style(e).unwrap().unwrap().get_property_value(property).unwrap()
}

// ---- view data -----------------------------------------------------------------------

fn node(id: u32, role: &str, status: NodeStatus, term: u64) -> NodeView {
    let tone = match role {
        "leader" => Tone::Leading,
        "candidate" => Tone::Contending,
        _ => Tone::Neutral,
    };
    NodeView { id, status: Some(status), role: role.into(), tone, term: Some(term), ..Default::default() }
}

fn msg(id: u64, from: u32, to: u32, kind: &'static str, sent_at_us: u64, arrives_at_us: u64, held: bool) -> MessageView {
    MessageView { id, from, to, kind, is_reply: false, summary: String::new(), sent_at_us, arrives_at_us, corrupted: false, held }
}

fn violation(property: &str, event_index: u64) -> Violation {
    Violation {
        property: property.into(),
        source: "Raft paper, Figure 3".into(),
        event_index,
        time_us: 1_500_000,
        explanation: format!("{property} broken at event {event_index}"),
    }
}

/// Five Raft nodes at 1 s: a leader, a candidate, two followers and a crashed one; three
/// messages in flight (one held on its link); 0↔1 cut both ways, 2→3 cut one way.
fn cluster() -> ClusterView {
    ClusterView {
        protocol: "raft",
        term_name: "term",
        exceeded: vec![],
        now_us: 1_000_000,
        event_count: 77,
        nodes: vec![
            node(0, "leader", NodeStatus::Up, 3),
            node(1, "follower", NodeStatus::Up, 3),
            node(2, "candidate", NodeStatus::Up, 4),
            node(3, "follower", NodeStatus::Crashed, 2),
            node(4, "follower", NodeStatus::Paused, 3),
        ],
        messages: vec![
            msg(11, 0, 2, "AppendEntries", 900_000, 1_100_000, false),
            msg(12, 2, 4, "RequestVote", 950_000, 1_000_000, false),
            msg(13, 0, 4, "AppendEntries", 800_000, 850_000, true),
        ],
        trace_hash: "00".into(),
        violations: vec![],
        cut_links: vec![(0, 1), (1, 0), (2, 3)],
        held_links: vec![(0, 4)],
    }
}

fn svg_props(view: ClusterView, overlay: Overlay, selected: Option<u32>) -> ClusterSvgProps {
    ClusterSvgProps { view: Rc::new(view), overlay: Rc::new(overlay), selected, hovered: None, drops: Rc::new(vec![]), target: None }
}

// ---- ClusterSvg ----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn cluster_svg_draws_every_node_with_its_role_and_status() {
    let m = mount::<ClusterSvg>(svg_props(cluster(), Overlay::default(), Some(2))).await;
    let nodes = m.all("[data-node-id]");
    let drawn: Vec<(String, String, String)> =
        nodes.iter().map(|n| (attr(n, "data-node-id"), attr(n, "data-role"), attr(n, "data-status"))).collect();
    let want = [("0", "leader", "up"), ("1", "follower", "up"), ("2", "candidate", "up"), ("3", "follower", "crashed"), ("4", "follower", "paused")];
    assert_eq!(drawn, want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect::<Vec<_>>());
    // Colour comes from the role's tone, so the stylesheet names no protocol's roles.
    assert!(has_class(&nodes[0], "tone-leading"));
    assert_eq!(attr(&nodes[2], "data-tone"), "contending");
    assert_eq!(attr(&nodes[1], "data-tone"), "neutral");
    assert!(!has_class(&nodes[0], "role-leader"));
    assert!(has_class(&nodes[3], "crashed"));
    // Only the selected node is marked, for the eye and for assistive technology.
    assert!(has_class(&nodes[2], "selected"));
    assert_eq!(attr(&nodes[2], "aria-pressed"), "true");
    assert_eq!(m.count(".node.selected"), 1);
    assert_eq!(attr(&nodes[1], "aria-pressed"), "false");
    // Large nodes show their id and term.
    assert_eq!(text(&m.one("[data-node-id=\"0\"] .node-id")), "n0");
    assert_eq!(text(&m.one("[data-node-id=\"2\"] .node-term")), "term 4");
    assert_eq!(attr(&m.one("svg.cluster"), "aria-label"), "raft: 5 nodes");
}

/// The alpha of the pixel of `canvas` under layout point (x, y) of the 400-unit box.
fn alpha_at(canvas: &Element, (x, y): (f64, f64)) -> u8 {
    let c: web_sys::HtmlCanvasElement = canvas.clone().dyn_into().unwrap();
    let ctx: web_sys::CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let k = f64::from(c.width()) / layout::SIZE;
    ctx.get_image_data(x * k, y * k, 1.0, 1.0).unwrap().data().0[3]
}

#[wasm_bindgen_test]
async fn cluster_svg_paints_each_message_at_its_point_of_flight() {
    let view = cluster();
    let pos = layout::positions(view.nodes.len(), &[]);
    let messages = view.messages.clone();
    let m = mount::<ClusterSvg>(svg_props(view, Overlay::default(), None)).await;
    let layer = m.one("canvas.msg-layer");
    assert_eq!(attr(&layer, "data-count"), "3");
    // 11: n0 → n2, sent 0.9 s, due 1.1 s, now 1.0 s: half way.
    let half = ((pos[0].0 + pos[2].0) / 2.0, (pos[0].1 + pos[2].1) / 2.0);
    let at = |i: usize| message_layer::msg_pos(&messages[i], &pos, 1_000_000).unwrap();
    assert!((at(0).0 - half.0).abs() < 0.01 && (at(0).1 - half.1).abs() < 0.01, "11 is half way: {:?}", half);
    // 12 is due now: at its receiver.
    assert!((at(1).0 - pos[4].0).abs() < 0.01 && (at(1).1 - pos[4].1).abs() < 0.01);
    // 13 is held on its link: parked mid-link although it was due long ago.
    let mid = ((pos[0].0 + pos[4].0) / 2.0, (pos[0].1 + pos[4].1) / 2.0);
    assert!((at(2).0 - mid.0).abs() < 0.01 && (at(2).1 - mid.1).abs() < 0.01);
    // The canvas really has them painted there, and nothing half way between n1 and n3.
    assert!(alpha_at(&layer, half) > 200, "message 11 painted");
    assert!(alpha_at(&layer, mid) > 0 && alpha_at(&layer, mid) < 255, "held message 13 painted faded");
    let empty = ((pos[1].0 + pos[3].0) / 2.0, (pos[1].1 + pos[3].1) / 2.0);
    assert_eq!(alpha_at(&layer, empty), 0);
    // Pointing at a message finds it; pointing at empty space finds none.
    assert_eq!(message_layer::hit(&messages, &pos, 1_000_000, (half.0 + 3.0, half.1)), Some(11));
    assert_eq!(message_layer::hit(&messages, &pos, 1_000_000, empty), None);
}

#[wasm_bindgen_test]
async fn cluster_svg_draws_cut_links_dashed_one_line_per_pair() {
    let view = cluster();
    let pos = layout::positions(view.nodes.len(), &[]);
    let mut m = mount::<ClusterSvg>(svg_props(view, Overlay::default(), None)).await;
    let cuts = m.all("line.cut");
    assert_eq!(cuts.len(), 2, "0↔1 is one line, 2→3 another");
    let both = &cuts[0];
    assert!(!has_class(both, "one-way"));
    assert!((num(both, "x1") - pos[0].0).abs() < 0.2 && (num(both, "x2") - pos[1].0).abs() < 0.2);
    let one = &cuts[1];
    assert!(has_class(one, "one-way"));
    assert!((num(one, "x1") - pos[2].0).abs() < 0.2 && (num(one, "y2") - pos[3].1).abs() < 0.2);
    for c in &cuts {
        let dash = css(c, "stroke-dasharray");
        assert!(dash != "none" && !dash.is_empty(), "cut links are dashed: {dash:?}");
    }
    assert_ne!(css(both, "stroke-dasharray"), css(one, "stroke-dasharray"), "one-way cuts look different");
    // Healing redraws.
    let mut healed = cluster();
    healed.cut_links.clear();
    m.update(svg_props(healed, Overlay::default(), None)).await;
    assert_eq!(m.count("line.cut"), 0);
}

#[wasm_bindgen_test]
async fn cluster_svg_draws_the_overlay_lease_bars_watches_and_holder() {
    let overlay = Overlay {
        bars: vec![
            OverlayBar { node: 1, label: "session lease 80%".into(), permille: 800 },
            OverlayBar { node: 4, label: "session lease 10%".into(), permille: 100 },
        ],
        arrows: vec![OverlayArrow { from: 4, to: 0, label: "watch /lock/a".into(), kind: "watch".into() }],
        highlight: vec![0],
        ..Default::default()
    };
    let mut m = mount::<ClusterSvg>(svg_props(cluster(), overlay.clone(), None)).await;
    let bars = m.all("[data-permille]");
    let drawn: Vec<(String, String)> = bars.iter().map(|b| (attr(b, "data-bar-node"), attr(b, "data-permille"))).collect();
    assert_eq!(drawn, [("1".to_string(), "800".to_string()), ("4".to_string(), "100".to_string())]);
    assert!(!has_class(&bars[0], "low"));
    assert!(has_class(&bars[1], "low"), "a lease nearly out is marked low");
    let track = num(&m.one("[data-bar-node=\"1\"] rect.track"), "width");
    let fill = num(&m.one("[data-bar-node=\"1\"] rect.fill"), "width");
    assert!((fill / track - 0.8).abs() < 0.01, "fill {fill} of {track}");
    assert_eq!(text(&bars[1]), "session lease 10%");
    assert_eq!(m.count("g.overlay-arrow.watch"), 1);
    assert_eq!(text(&m.one("g.overlay-arrow.watch title")), "watch /lock/a");
    assert!(has_class(&m.one("[data-node-id=\"0\"]"), "highlight"));
    assert_eq!(m.count("[data-node-id=\"0\"] circle.halo"), 1);
    assert_eq!(m.count("circle.halo"), 1);
    // A draining lease redraws with the new share.
    let mut later = overlay;
    later.bars[0].permille = 200;
    m.update(svg_props(cluster(), later, None)).await;
    let bar = m.one("[data-bar-node=\"1\"]");
    assert_eq!(attr(&bar, "data-permille"), "200");
    assert!(has_class(&bar, "low"));
}

#[wasm_bindgen_test]
async fn cluster_svg_places_lock_service_groups_apart() {
    let mut view = cluster();
    view.nodes.push(node(5, "storage", NodeStatus::Up, 0));
    let groups: Vec<String> = ["server", "server", "server", "client", "client", "storage"].iter().map(|s| s.to_string()).collect();
    let overlay = Overlay { groups: groups.clone(), ..Default::default() };
    let m = mount::<ClusterSvg>(svg_props(view, overlay, None)).await;
    assert_eq!(m.count("[data-node-id]"), 6);
    assert_eq!(m.count("circle.ring"), 0, "no single ring for a grouped layout");
    assert_eq!(m.count("text.group-label"), 2);
    let pos = layout::positions(6, &groups);
    let client = m.one("[data-node-id=\"3\"] circle:not(.halo)");
    assert!((num(&client, "cx") - pos[3].0).abs() < 0.2 && (num(&client, "cy") - pos[3].1).abs() < 0.2);
}

// ---- InvariantPanel ------------------------------------------------------------------

fn raft_properties() -> Rc<Vec<(&'static str, &'static str)>> {
    Rc::new(vec![("Election Safety", "Raft paper, Figure 3"), ("Leader Completeness", "Raft paper, §5.4")])
}

#[wasm_bindgen_test]
async fn invariant_panel_is_green_until_a_property_is_violated() {
    let mut m = mount::<InvariantPanel>(InvariantPanelProps { properties: raft_properties(), violations: Rc::new(vec![]), exceeded: Rc::new(vec![]), history: false }).await;
    let panel = m.one("[data-testid=invariants]");
    assert_eq!(attr(&panel, "data-violation-count"), "0");
    assert_eq!(m.count("li.ok"), 2);
    assert_eq!(m.count("li.bad"), 0);
    assert_eq!(m.count(".violation"), 0);
    assert_eq!(attr(&m.all("li")[1], "title"), "Raft paper, §5.4", "each property cites its source");

    let v = vec![violation("Leader Completeness", 120), violation("Leader Completeness", 180)];
    m.update(InvariantPanelProps { properties: raft_properties(), violations: Rc::new(v), exceeded: Rc::new(vec![]), history: false }).await;
    assert_eq!(attr(&m.one("[data-testid=invariants]"), "data-violation-count"), "2");
    let bad = m.one("li.bad");
    assert!(text(&bad).contains("Leader Completeness"), "{}", text(&bad));
    assert!(text(&bad).contains("violated ×2"), "{}", text(&bad));
    assert!(text(&m.one("li.ok")).contains("Election Safety"));
    let items = m.all(".violation");
    assert_eq!(items.len(), 2);
    assert_eq!(attr(&items[0], "role"), "alert");
    assert!(text(&items[0]).contains("Leader Completeness broken at event 120"), "{}", text(&items[0]));
    assert!(text(&items[0]).contains("event 120"));
    assert_eq!(m.count(".violation button"), 2, "each violation can be jumped to");
    // The page's red: the bad item's dot is not the ok item's colour.
    assert_ne!(css(&m.one("li.bad .dot"), "background-color"), css(&m.one("li.ok .dot"), "background-color"));
    assert_eq!(m.count("[data-testid=assumption-exceeded]"), 0);
    assert_eq!(m.count("[data-testid=exceeded-tag]"), 0);
}

/// A run that went beyond its protocol's assumptions says so, and only the violations that
/// came after that moment carry the "assumption exceeded" tag.
#[wasm_bindgen_test]
async fn invariant_panel_labels_violations_after_an_assumption_was_exceeded() {
    let v = vec![violation("Leader Completeness", 120), violation("Leader Completeness", 180)];
    let x = clusterlab::sim::Exceeded { event_index: 150, time_us: 1_500_000, what: "clock drift n1 400000ppm: drift beyond the bound ρ = 10%".into() };
    let m = mount::<InvariantPanel>(InvariantPanelProps { properties: raft_properties(), violations: Rc::new(v), exceeded: Rc::new(vec![x]), history: false }).await;
    assert_eq!(attr(&m.one("[data-testid=invariants]"), "data-exceeded-count"), "1");
    let label = m.one("[data-testid=assumption-exceeded]");
    assert!(text(&label).contains("Assumption exceeded") && text(&label).contains("ρ = 10%"), "{}", text(&label));
    let items = m.all(".violation");
    assert_eq!(items.len(), 2);
    assert!(!text(&items[0]).contains("assumption exceeded"), "event 120 came before the drift: {}", text(&items[0]));
    assert!(text(&items[1]).contains("assumption exceeded"), "event 180 came after it: {}", text(&items[1]));
    assert_eq!(m.count("[data-testid=exceeded-tag]"), 1);
}

// ---- Timeline ------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn timeline_marks_faults_and_violations_where_they_happened() {
    let faults = vec![(10, "crash n1".to_string()), (50, "restart n1".to_string())];
    let props = TimelineProps { event_count: 60, frontier: 200, violations: Rc::new(vec![violation("Election Safety", 150)]), faults: Rc::new(faults) };
    let mut m = mount::<Timeline>(props).await;
    assert_eq!(attr(&m.one(".timeline"), "data-fault-count"), "2");
    let marks = m.all(".mark.fault");
    // Placed through the CSSOM (the page's CSP refuses style attributes).
    let left = |e: &web_sys::Element| e.clone().dyn_into::<web_sys::HtmlElement>().unwrap().style().get_property_value("left").unwrap();
    let placed: Vec<String> = marks.iter().map(left).collect();
    assert_eq!(placed, ["5%", "25%"]);
    assert_eq!(attr(&marks[0], "title"), "#10: crash n1");
    let v = m.one(".mark.violation");
    assert_eq!(left(&v), "75%");
    assert_eq!(attr(&v, "title"), "#150: Election Safety");
    let range = m.one("input[data-testid=timeline]").dyn_into::<web_sys::HtmlInputElement>().unwrap();
    assert_eq!((range.max(), range.value()), ("200".to_string(), "60".to_string()));

    // A burst of faults a few events apart in a long run is one mark; the count stays exact.
    let burst: Vec<(u64, String)> = (0..5).map(|i| (10_000 + i, format!("crash n{i}"))).chain([(60_000, "heal".to_string())]).collect();
    m.update(TimelineProps { event_count: 100_000, frontier: 100_000, violations: Rc::new(vec![]), faults: Rc::new(burst) }).await;
    assert_eq!(attr(&m.one(".timeline"), "data-fault-count"), "6");
    assert_eq!(m.count(".mark.fault"), 2);
    assert_eq!(m.count(".mark.violation"), 0);
}

// ---- PlotChart -----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn plot_chart_draws_one_path_per_series() {
    let plot = Plot {
        title: "informed per round".into(),
        x_label: "round".into(),
        y_label: "fraction".into(),
        series: vec![
            Series { name: "measured".into(), class: "measured".into(), points: vec![(0.0, 0.1), (1.0, 0.3), (2.0, 0.7), (3.0, 1.0)] },
            Series { name: "theory".into(), class: "theory".into(), points: vec![(0.0, 0.1), (1.0, 0.25), (2.0, 0.6), (3.0, 0.9), (4.0, 1.0)] },
        ],
    };
    let m = mount::<PlotChart>(PlotChartProps { plot }).await;
    assert_eq!(attr(&m.one("[data-testid=plot]"), "data-plot-title"), "informed per round");
    let paths = m.all("path.series");
    assert_eq!(paths.len(), 2);
    assert!(has_class(&paths[0], "measured") && has_class(&paths[1], "theory"));
    for (p, n) in paths.iter().zip([4, 5]) {
        let d = attr(p, "d");
        assert!(d.starts_with('M'), "{d}");
        assert_eq!(d.matches(" L").count(), n - 1, "one segment per point: {d}");
    }
    assert_eq!(text(&paths[1]), "theory");
    assert_eq!(m.count("ul.legend li"), 2);
    // Axes end at round numbers: x up to 5 (4 rounded up), y up to 1.
    let ticks: Vec<String> = m.all("text.tick").iter().map(text).collect();
    assert_eq!(ticks, ["0", "5", "1"]);
}

// ---- FaultPanel ----------------------------------------------------------------------

// A live node can crash keeping its unsynced writes or losing them; a crashed one restarts.
#[wasm_bindgen_test]
async fn fault_panel_offers_both_crashes_for_a_live_node() {
    let props = |status| FaultPanelProps { n: 3, selected: Some((1, status)), held: Rc::new(Vec::new()), net: NetConfig::default(), chaos_on: false, requests: Some(true), disk_corruption: false };
    let mut m = mount::<FaultPanel>(props(NodeStatus::Up)).await;
    for id in ["crash", "crash-lose-unsynced"] {
        assert_eq!(m.count(&format!("button[data-testid={id}]")), 1, "{id}");
    }
    assert_eq!(m.count("button[data-testid=restart]"), 0);
    assert_eq!(m.count("button[data-testid=corrupt-disk]"), 0, "only where the protocol declares disk corruption");
    m.update(FaultPanelProps { disk_corruption: true, ..props(NodeStatus::Up) }).await;
    assert_eq!(m.count("button[data-testid=corrupt-disk]"), 1);
    m.update(props(NodeStatus::Crashed)).await;
    assert_eq!(m.count("button[data-testid=crash-lose-unsynced]"), 0);
    assert_eq!(m.count("button[data-testid=restart]"), 1);
}

// A node's speed sits beside its clock rate: full speed first, then 2, 4 and 10 times as slow.
#[wasm_bindgen_test]
async fn fault_panel_offers_a_slow_node() {
    let props = FaultPanelProps { n: 3, selected: Some((1, NodeStatus::Up)), held: Rc::new(Vec::new()), net: NetConfig::default(), chaos_on: false, requests: Some(true), disk_corruption: false };
    let m = mount::<FaultPanel>(props).await;
    let slow = m.one("select[data-testid=slow]").dyn_into::<web_sys::HtmlSelectElement>().unwrap();
    assert_eq!(slow.selected_index(), 0);
    assert_eq!(attr(&slow, "aria-label"), "Node speed");
    let options: Vec<(String, String)> = m.all("select[data-testid=slow] option").iter().map(|o| (attr(o, "value"), text(o))).collect();
    let expected = [("1", "full speed"), ("2", "×2"), ("4", "×4"), ("10", "×10")];
    assert_eq!(options, expected.map(|(v, t)| (v.to_string(), t.to_string())));
}

// ---- Controls ------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn controls_show_the_simulated_clock_and_the_speed() {
    let props = |playing, now_us, speed| ControlsProps { playing, speed, now_us, event_count: 42, full_view: None };
    let mut m = mount::<Controls>(props(false, 1_234_567, Speed::Times(5.0))).await;
    let clock = m.one("[data-testid=clock]");
    assert_eq!(attr(&clock, "data-sim-time-us"), "1234567");
    assert!(text(&clock).starts_with("1.234 s"), "{}", text(&clock));
    assert!(text(&clock).contains("event 42"));
    let play = m.one("[data-testid=play]");
    assert_eq!(attr(&play, "aria-pressed"), "false");
    assert!(text(&play).contains("Play"));
    let speed = m.one("select[data-testid=speed]").dyn_into::<web_sys::HtmlSelectElement>().unwrap();
    assert_eq!(speed.value(), "5×");
    assert_eq!(m.count("[data-testid=full-view]"), 0, "the full page has no full-view link");
    for id in ["step", "step-back"] {
        assert_eq!(m.count(&format!("button[data-testid={id}]")), 1);
    }

    m.update(props(true, 2_000_000, Speed::Times(3.0))).await;
    assert_eq!(attr(&m.one("[data-testid=clock]"), "data-sim-time-us"), "2000000");
    let play = m.one("[data-testid=play]");
    assert_eq!(attr(&play, "aria-pressed"), "true");
    assert!(text(&play).contains("Pause"));
    let speed = m.one("select[data-testid=speed]").dyn_into::<web_sys::HtmlSelectElement>().unwrap();
    assert_eq!(speed.value(), "", "a speed from ?speed= that is not listed is shown as chosen");
    assert_eq!(speed.selected_index(), 0);
    assert_eq!(text(&m.all("select[data-testid=speed] option")[0]), "3×");

    let url = "http://example.org/lab/?lang=en#s=1.abc".to_string();
    m.update(ControlsProps { full_view: Some(url.clone()), ..props(false, 0, Speed::Max) }).await;
    let link = m.one("a[data-testid=full-view]");
    assert_eq!(attr(&link, "href"), url);
    assert_eq!(attr(&link, "target"), "_blank");
    let speed = m.one("select[data-testid=speed]").dyn_into::<web_sys::HtmlSelectElement>().unwrap();
    assert_eq!(speed.value(), "max");
}

/// The largest alpha of the 3 × 3 device pixels around layout point (x, y) of a canvas drawn
/// `layout_w` units across (thin lines fall between pixel centres).
fn alpha_near(canvas: &Element, layout_w: f64, (x, y): (f64, f64)) -> u8 {
    let c: web_sys::HtmlCanvasElement = canvas.clone().dyn_into().unwrap();
    let ctx: web_sys::CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let k = f64::from(c.width()) / layout_w;
    let data = ctx.get_image_data((x * k).floor() - 1.0, (y * k).floor() - 1.0, 3.0, 3.0).unwrap().data().0;
    data.chunks(4).map(|p| p[3]).max().unwrap()
}

fn arrow(msg_id: u64, from: u32, to: u32, sent_us: u64, end_us: Option<u64>, planned_us: u64, dropped: bool) -> Arrow {
    Arrow { msg_id, from, to, kind: "AppendEntries", sent_us, end_us, planned_us, dropped }
}

#[wasm_bindgen_test]
async fn spacetime_cuts_arrows_to_the_window_and_marks_drops() {
    // Window 1 s to 2 s over three lanes.
    let arrows = vec![
        arrow(1, 0, 2, 1_200_000, Some(1_400_000), 1_400_000, false), // wholly inside
        arrow(2, 1, 0, 800_000, Some(1_200_000), 1_200_000, false),   // sent before the window
        arrow(3, 0, 1, 1_500_000, Some(1_600_000), 1_700_000, true),  // dropped
        arrow(4, 2, 0, 1_900_000, None, 2_300_000, false),            // in flight past the playhead
    ];
    let f = Frame { start_us: 1_000_000, now_us: 2_000_000 };
    let hi = spacetime::W - spacetime::RIGHT;
    let ((a0, a1), _) = f.visible(&arrows[0]).unwrap();
    assert!(a0.0 > spacetime::LEFT && a1.0 < hi);
    assert_eq!((a0.1, a1.1), (spacetime::lane_y(0), spacetime::lane_y(2)));
    // Cut where the window begins, at the height the line has reached there (half way).
    let ((b0, b1), _) = f.visible(&arrows[1]).unwrap();
    assert_eq!(b0.0, spacetime::LEFT);
    assert!((b0.1 - (spacetime::lane_y(1) + spacetime::lane_y(0)) / 2.0).abs() < 1e-9, "{b0:?}");
    assert_eq!(b1, (f.segment(&arrows[1]).1));
    // A drop ends half way between the lanes, inside the window: its cross is drawn.
    let ((_, c1), cross) = f.visible(&arrows[2]).unwrap();
    assert!(cross);
    assert!((c1.1 - (spacetime::lane_y(0) + spacetime::lane_y(1)) / 2.0).abs() < 1e-9);
    // In flight: stops at the playhead.
    let ((_, d1), _) = f.visible(&arrows[3]).unwrap();
    assert_eq!(d1.0, hi);
    // Wholly before the window: not drawn.
    assert_eq!(f.visible(&arrow(5, 0, 1, 100_000, Some(200_000), 200_000, false)), None);

    let m = mount::<Spacetime>(SpacetimeProps { arrows: Rc::new(arrows.clone()), n: 3, start_us: 1_000_000, now_us: 2_000_000, hovered: None }).await;
    let canvas = m.one("canvas[data-testid=spacetime]");
    assert_eq!(attr(&canvas, "data-arrow-count"), "4");
    let mid = |((x0, y0), (x1, y1)): ((f64, f64), (f64, f64))| ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    assert!(alpha_near(&canvas, spacetime::W, mid((a0, a1))) > 0, "arrow 1 painted");
    assert!(alpha_near(&canvas, spacetime::W, mid((b0, b1))) > 0, "arrow 2 painted inside the window");
    // Arrow 2's line carried on left of the window would cross the label column: nothing there.
    let (dx, dy) = (b1.0 - b0.0, b1.1 - b0.1);
    let outside = (b0.0 - 8.0, b0.1 - 8.0 * dy / dx);
    assert_eq!(alpha_near(&canvas, spacetime::W, outside), 0, "arrow 2 cut at the window's edge");
    // Pointing finds what is drawn and nothing that is cut away.
    assert_eq!(spacetime::hit(&arrows, f, mid((a0, a1))), Some(1));
    assert_eq!(spacetime::hit(&arrows, f, outside), None);
}

// ---- the cluster state table ------------------------------------------------------------

/// A log of `len` entries whose terms are `terms[i]` (1-based indices), committed and
/// applied up to the given points.
fn log(terms: &[u64], commit_index: u64, last_applied: u64) -> LogView {
    let entries = terms.iter().enumerate().map(|(i, t)| LogEntryView { index: i as u64 + 1, term: *t, label: format!("x={i}") }).collect();
    LogView { entries, commit_index, last_applied }
}

fn table_props(logs: Vec<LogView>, marks: Vec<LogMark>) -> StateTableProps {
    let nodes: Vec<NodeView> = logs.into_iter().enumerate().map(|(i, l)| NodeView { log: Some(l), ..node(i as u32, "follower", NodeStatus::Up, 1) }).collect();
    let rows = nodes.iter().map(|n| vec![format!("n{}", n.id), n.role.clone(), "1".to_string()]).collect();
    let table = TableView { title: "cluster".into(), headers: vec!["node".into(), "role".into(), "currentTerm".into()], rows };
    StateTableProps { table: Rc::new(table), view: Rc::new(ClusterView { nodes, ..cluster() }), marks: Rc::new(marks), selected: Some(1) }
}

#[wasm_bindgen_test]
async fn state_table_lines_up_every_log_coloured_by_term_with_commit_and_marks() {
    let logs = vec![log(&[1, 1, 2, 3], 3, 2), log(&[1, 1, 2], 3, 3), log(&[1, 4], 1, 1)];
    let marks = vec![LogMark { node: 1, index: 4, label: "nextIndex" }, LogMark { node: 1, index: 3, label: "matchIndex" }];
    let m = mount::<StateTable>(table_props(logs, marks)).await;
    let root = m.one("[data-testid=state-table]");
    // One entry per node in the columns and one in the grid, each carrying data-node-id.
    assert_eq!(m.count(".state-columns tr[data-node-id]"), 3);
    assert_eq!(m.count(".log-grid tr[data-node-id]"), 3);
    assert!(text(&root).contains("currentTerm"));
    // Indices 1..=5: four entries and one past the newest (where nextIndex may point).
    assert_eq!(m.count(".log-grid thead th"), 1 + 5);
    let row = |id: u32| m.all(&format!(".log-grid tr[data-node-id=\"{id}\"] td"));
    let r0 = row(0);
    assert_eq!(r0.iter().map(text).collect::<Vec<_>>(), ["1", "1", "2", "3", ""]);
    assert!(has_class(&r0[2], "t2") && has_class(&r0[3], "t3"), "coloured by term");
    assert!(has_class(&r0[2], "committed") && !has_class(&r0[3], "committed"), "commitIndex 3");
    assert!(has_class(&r0[1], "applied") && !has_class(&r0[2], "applied"), "lastApplied 2");
    assert!(has_class(&r0[4], "empty"));
    // n2 diverged at index 2 (term 4): a different colour in the same column.
    assert!(has_class(&row(2)[1], "t4") && has_class(&r0[1], "t1"));
    // The leader's marks on n1: matchIndex at 3, nextIndex at 4 (past its log).
    let r1 = row(1);
    assert!(has_class(&r1[2], "marked") && text(&r1[2]).contains('✓'));
    assert!(has_class(&r1[3], "marked") && has_class(&r1[3], "empty") && text(&r1[3]).contains('▸'));
    assert!(attr(&r1[2], "title").contains("matchIndex"));
    // The selected node's rows stand out.
    assert!(has_class(&m.one(".log-grid tr[data-node-id=\"1\"]"), "selected"));
}

#[wasm_bindgen_test]
async fn state_table_windows_a_long_log_and_moves_through_it() {
    let long: Vec<u64> = (0..2_000).map(|i| 1 + i / 500).collect();
    let logs = (0..64).map(|_| log(&long, 1_990, 1_980)).collect();
    let m = mount::<StateTable>(table_props(logs, vec![])).await;
    // Follows the newest entries: 24 columns ending one past index 2,000.
    let first_col = |m: &Mounted<StateTable>| text(&m.all(".log-grid thead th")[1]);
    assert_eq!(m.count(".log-grid thead th"), 1 + state_table::WINDOW as usize);
    assert_eq!(first_col(&m), (2_001 - state_table::WINDOW + 1).to_string());
    assert_eq!(m.count(".log-grid tbody td"), 64 * state_table::WINDOW as usize, "64 rows of one window, not 2,000 columns");
    // Back one window, then to the newest again.
    let buttons = m.all(".log-window button");
    buttons[0].clone().dyn_into::<web_sys::HtmlElement>().unwrap().click();
    tick().await;
    assert_eq!(first_col(&m), (2_001 - 2 * state_table::WINDOW + 1).to_string());
    let buttons = m.all(".log-window button");
    assert!(buttons[2].get_attribute("disabled").is_none(), "the newest button is enabled once moved back");
    buttons[2].clone().dyn_into::<web_sys::HtmlElement>().unwrap().click();
    tick().await;
    assert_eq!(first_col(&m), (2_001 - state_table::WINDOW + 1).to_string());
    assert_eq!(state_table::window(5, None), (1, 6));
    assert_eq!(state_table::window(2_000, Some(0)), (1, state_table::WINDOW));
}

// ---- lessons and adversary mode --------------------------------------------------------

#[wasm_bindgen_test]
async fn cluster_svg_rings_the_node_a_lesson_step_asks_for() {
    let props = ClusterSvgProps { target: Some(3), ..svg_props(cluster(), Overlay::default(), None) };
    let m = mount::<ClusterSvg>(props).await;
    assert!(attr(&m.one("g[data-node-id=\"3\"]"), "class").contains("highlight"));
    assert!(!attr(&m.one("g[data-node-id=\"2\"]"), "class").contains("highlight"));
}

fn lesson_view(done: bool, step: usize) -> LessonView {
    LessonView {
        name: "raft-election".into(),
        title: "Raft: electing a leader".into(),
        step,
        steps: 4,
        text: "Crash the leader.".into(),
        done,
        control: Some("crash"),
        node: Some(2),
    }
}

#[wasm_bindgen_test]
async fn lesson_panel_shows_the_step_and_lets_the_student_on_only_once_it_is_done() {
    let mut m = mount::<LessonPanel>(LessonPanelProps { lesson: lesson_view(false, 1) }).await;
    let panel = m.one("[data-testid=lesson]");
    assert_eq!(attr(&panel, "data-step"), "2");
    assert_eq!(attr(&panel, "data-target-control"), "crash");
    assert_eq!(attr(&panel, "data-target-node"), "2");
    assert!(text(&panel).contains("2 / 4"));
    assert_eq!(attr(&m.one("[data-testid=lesson-text]"), "aria-live"), "polite");
    assert!(m.one("[data-testid=lesson-next]").has_attribute("disabled"), "not done: Next waits");
    assert_eq!(m.all("[data-testid=lesson-do]").len(), 1, "an action step offers to do it");
    m.update(LessonPanelProps { lesson: lesson_view(true, 1) }).await;
    assert!(!m.one("[data-testid=lesson-next]").has_attribute("disabled"));
    assert!(m.all("[data-testid=lesson-do]").is_empty());
    m.update(LessonPanelProps { lesson: lesson_view(true, 3) }).await;
    assert!(m.all("[data-testid=lesson-next]").is_empty(), "the last step has no Next");
    assert!(text(&m.one("[data-testid=lesson-status]")).contains("Lesson complete"));
}

#[wasm_bindgen_test]
async fn adversary_panel_lists_each_choice_with_its_verbs() {
    use clusterlab::sim::Choice;
    let choices = vec![
        Choice { kind: "deliver", id: 7, node: 2, from: Some(0), what: "RequestVote", at_us: 150_000 },
        Choice { kind: "fire", id: 3, node: 1, from: None, what: "election", at_us: 90_000 },
    ];
    let m = mount::<AdversaryPanel>(AdversaryPanelProps { on: true, choices: Rc::new(choices), now_us: 100_000, target: Some(1) }).await;
    let rows = m.all("li.choice");
    assert_eq!(rows.len(), 2);
    assert!(text(&rows[0]).contains("m7 RequestVote n0 → n2"));
    assert_eq!(rows[0].query_selector_all("button").unwrap().length(), 3, "deliver, drop, duplicate");
    assert!(text(&rows[1]).contains("due now"), "a timer past its deadline is due now");
    assert!(attr(&rows[1], "class").contains("lesson-target"));
    assert_eq!(attr(&m.one("[data-testid=adversary-toggle]"), "aria-pressed"), "true");
    let off = mount::<AdversaryPanel>(AdversaryPanelProps { on: false, choices: Rc::new(vec![]), now_us: 0, target: None }).await;
    assert!(off.all("li.choice").is_empty());
    assert_eq!(attr(&off.one("[data-testid=adversary-toggle]"), "aria-pressed"), "false");
}
