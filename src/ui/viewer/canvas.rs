//! The history timeline on a canvas: a lane per client, a bar per operation, the
//! linearization as points (Porcupine's and Knossos's drawings). Wheel zooms around the
//! pointer (shift or a sideways wheel pans), dragging pans, the keyboard pans (arrows),
//! zooms (+ and -) and fits (0); hovering an operation names it and draws its key's order.
//! Drawing happens at most once per animation frame, outside Yew's render.

use crate::i18n::t;
use crate::sim::lin::{Bar, Mark, OpKind, OpResult, Outcome, Verdict};
use super::doc::HistoryDoc;
use super::paint::{self as history_paint, Viewport, AXIS_H, LABEL_W, LANE_H};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Lanes shown at once; more scroll.
const MAX_LANES_SHOWN: usize = 14;

#[derive(Properties, PartialEq)]
pub struct HistoryCanvasProps {
    pub doc: Rc<HistoryDoc>,
    /// Bumped by the dialog's buttons: (what, serial).
    pub command: (Command, u32),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    None,
    Fit,
    ZoomIn,
    ZoomOut,
    /// Centre on the first operation that cannot be placed.
    Failure,
}

/// The painter's state, shared by the event handlers and the frame callback.
struct Painter {
    canvas: NodeRef,
    doc: RefCell<Rc<HistoryDoc>>,
    vp: Cell<Option<Viewport>>,
    hover: Cell<Option<u32>>,
    size: Cell<Option<(f64, f64)>>,
    pending: Cell<bool>,
    drag: Cell<Option<(f64, f64)>>,
}

impl Painter {
    fn lanes_shown(&self) -> f64 {
        let h = self.size.get().map_or(0.0, |s| s.1);
        ((h - AXIS_H) / LANE_H).max(1.0)
    }

    fn viewport(&self) -> Viewport {
        let w = self.size.get().map_or(800.0, |s| s.0);
        self.vp.get().unwrap_or_else(|| Viewport::fit(&self.doc.borrow().chart, w - LABEL_W))
    }

    /// Time per pixel with the whole history in view.
    fn fit_scale(&self) -> f64 {
        let w = self.size.get().map_or(800.0, |s| s.0);
        Viewport::fit(&self.doc.borrow().chart, w - LABEL_W).us_per_px
    }

    fn change(self: &Rc<Self>, f: impl FnOnce(&mut Viewport)) {
        let mut vp = self.viewport();
        f(&mut vp);
        self.vp.set(Some(vp));
        self.request();
    }

    /// Paint on the next animation frame (once, however many changes come before it).
    fn request(self: &Rc<Self>) {
        if self.pending.replace(true) {
            return;
        }
        let me = self.clone();
        let frame = Closure::once_into_js(move || {
            me.pending.set(false);
            me.paint();
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(frame.unchecked_ref());
        }
    }

    fn paint(&self) {
        let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() else { return };
        let Some((w, h)) = self.size.get() else { return };
        let Some(ctx) = crate::ui::canvas::fit(&canvas, Some((w, h)), w) else { return };
        let start = now_ms();
        let doc = self.doc.borrow();
        let drawn = history_paint::paint(&ctx, &doc.chart, &self.viewport(), (w, h), doc.timed, self.hover.get());
        let _ = canvas.set_attribute("data-bars-drawn", &drawn.to_string());
        let _ = canvas.set_attribute("data-paint-us", &(((now_ms() - start) * 1000.0) as u64).to_string());
    }

    fn at(&self, e: &MouseEvent) -> Option<(f64, f64)> {
        let el = self.canvas.cast::<web_sys::Element>()?;
        let r = el.get_bounding_client_rect();
        Some((f64::from(e.client_x()) - r.left(), f64::from(e.client_y()) - r.top()))
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn on_wheel(p: &Rc<Painter>, e: &web_sys::WheelEvent) {
    e.prevent_default();
    let Some((x, _)) = p.at(e) else { return };
    let (dx, dy) = (e.delta_x(), e.delta_y());
    let lanes = p.doc.borrow().chart.lanes.len();
    let shown = p.lanes_shown();
    if e.shift_key() || dx.abs() > dy.abs() {
        p.change(|vp| vp.pan(if dx.abs() > dy.abs() { dx } else { dy }, 0.0, lanes, shown));
    } else if e.alt_key() {
        p.change(|vp| vp.pan(0.0, dy.signum(), lanes, shown));
    } else {
        let fit = p.fit_scale();
        p.change(|vp| vp.zoom(js_sys::Math::exp(dy * 0.002), x.max(LABEL_W), fit));
    }
}

fn on_key(p: &Rc<Painter>, e: &KeyboardEvent) {
    let w = p.size.get().map_or(800.0, |s| s.0);
    let lanes = p.doc.borrow().chart.lanes.len();
    let shown = p.lanes_shown();
    let mid = LABEL_W + (w - LABEL_W) / 2.0;
    let fit = p.fit_scale();
    match e.key().as_str() {
        "ArrowLeft" => p.change(|vp| vp.pan(-(w - LABEL_W) / 8.0, 0.0, lanes, shown)),
        "ArrowRight" => p.change(|vp| vp.pan((w - LABEL_W) / 8.0, 0.0, lanes, shown)),
        "ArrowUp" => p.change(|vp| vp.pan(0.0, -1.0, lanes, shown)),
        "ArrowDown" => p.change(|vp| vp.pan(0.0, 1.0, lanes, shown)),
        "+" | "=" => p.change(|vp| vp.zoom(0.5, mid, fit)),
        "-" | "_" => p.change(|vp| vp.zoom(2.0, mid, fit)),
        "0" => {
            p.vp.set(None);
            p.request();
        }
        _ => return,
    }
    e.prevent_default();
}

fn run_command(p: &Rc<Painter>, command: Command) {
    let w = p.size.get().map_or(800.0, |s| s.0);
    let mid = LABEL_W + (w - LABEL_W) / 2.0;
    let fit = p.fit_scale();
    match command {
        Command::None => {}
        Command::Fit => p.vp.set(None),
        Command::ZoomIn => p.change(|vp| vp.zoom(0.5, mid, fit)),
        Command::ZoomOut => p.change(|vp| vp.zoom(2.0, mid, fit)),
        Command::Failure => {
            let doc = p.doc.borrow().clone();
            // The first operation that cannot be placed, from the last one placed before it.
            if let Some(b) = doc.chart.bars.iter().find(|b| b.mark == Mark::Stuck) {
                let placed = doc.chart.orders[b.key as usize].last().map(|&l| doc.chart.bars[l as usize].start_us);
                p.vp.set(Some(Viewport::around(&doc.chart, b, placed.unwrap_or(b.start_us), w - LABEL_W, p.lanes_shown())));
            }
        }
    }
    p.request();
}

/// What the hovered operation is, in words.
pub fn describe(doc: &HistoryDoc, b: &Bar) -> String {
    let when = |us: u64| if doc.timed { format!("{} ms", history_paint::fmt_ms(us as i64, 3)) } else { format!("{} {us}", t("line")) };
    let outcome = match b.outcome {
        Outcome::Ok => t("ok"),
        Outcome::Fail => t("failed"),
        Outcome::Unknown => t("unknown outcome"),
        Outcome::Pending => t("pending"),
    };
    let part = match (b.mark, b.rank) {
        (Mark::Stuck, _) => format!("{}{}", t("cannot be placed"), needs(doc, b)),
        (_, Some(r)) => format!("{} #{}", t("takes effect"), r + 1),
        (Mark::Unchecked, _) => t("not checked (the search hit its cap)").to_string(),
        (Mark::Unreached, _) => t("after the failure").to_string(),
        _ => t("not in the order").to_string(),
    };
    format!("c{} · {} · {} · {} → {} · {}", doc.chart.lanes[b.lane as usize], b.label, outcome, when(b.start_us), when(b.end_us), part)
}

/// What a stuck operation would need the register to hold, and what it holds after the
/// longest linearizable prefix.
fn needs(doc: &HistoryDoc, b: &Bar) -> String {
    let op = &doc.ops[b.op];
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "nil".into());
    let need = match (&op.kind, &op.result) {
        (OpKind::Read, OpResult::Ok { value }) => Some(show(value)),
        (OpKind::Cas { expected, .. }, _) => Some(show(expected)),
        _ => None,
    };
    let Verdict::NotLinearizable { failures } = &doc.verdict else { return String::new() };
    let Some(f) = failures.iter().find(|f| f.key == op.key) else { return String::new() };
    let holds = f.states.iter().map(show).collect::<Vec<_>>().join(" | ");
    match need {
        Some(n) => format!(": {} {} = {n}; {} {holds}", t("needs"), op.key, t("it holds")),
        None => format!(": {}", t("fits, but nothing can follow it")),
    }
}

#[function_component(HistoryCanvas)]
pub fn history_canvas(p: &HistoryCanvasProps) -> Html {
    let canvas = use_node_ref();
    let css_size = crate::ui::canvas::use_css_size(&canvas);
    let hover = use_state_eq(|| None::<u32>);
    let painter = {
        let canvas = canvas.clone();
        let doc = p.doc.clone();
        use_memo((), move |_| Painter {
            canvas,
            doc: RefCell::new(doc),
            vp: Cell::new(None),
            hover: Cell::new(None),
            size: Cell::new(None),
            pending: Cell::new(false),
            drag: Cell::new(None),
        })
    };
    if !Rc::ptr_eq(&painter.doc.borrow(), &p.doc) {
        *painter.doc.borrow_mut() = p.doc.clone();
        painter.vp.set(None);
        painter.hover.set(None);
    }
    painter.size.set(css_size);
    painter.hover.set(*hover);
    {
        let painter = painter.clone();
        use_effect(move || painter.request());
    }
    {
        let painter = painter.clone();
        use_effect_with(p.command, move |(command, _)| run_command(&painter, *command));
    }
    {
        // Wheel listeners must not be passive to keep the page from scrolling.
        let painter = painter.clone();
        let canvas = canvas.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(web_sys::WheelEvent)>::new(move |e: web_sys::WheelEvent| on_wheel(&painter, &e));
            let el = canvas.cast::<web_sys::Element>();
            if let Some(el) = &el {
                let opts = web_sys::AddEventListenerOptions::new();
                opts.set_passive(false);
                let _ = el.add_event_listener_with_callback_and_add_event_listener_options("wheel", listener.as_ref().unchecked_ref(), &opts);
            }
            move || {
                if let Some(el) = el {
                    let _ = el.remove_event_listener_with_callback("wheel", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    let onmousedown = {
        let painter = painter.clone();
        Callback::from(move |e: MouseEvent| painter.drag.set(painter.at(&e)))
    };
    let onmousemove = {
        let (painter, hover) = (painter.clone(), hover.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = painter.at(&e) else { return };
            if let Some((x0, y0)) = painter.drag.get() {
                let (lanes, shown) = (painter.doc.borrow().chart.lanes.len(), painter.lanes_shown());
                painter.change(|vp| vp.pan(x0 - x, (y0 - y) / LANE_H, lanes, shown));
                painter.drag.set(Some((x, y)));
                return;
            }
            let doc = painter.doc.borrow().clone();
            hover.set(history_paint::hit(&doc.chart, &painter.viewport(), x, y));
        })
    };
    let onmouseup = {
        let painter = painter.clone();
        Callback::from(move |_: MouseEvent| painter.drag.set(None))
    };
    let onmouseleave = {
        let (painter, hover) = (painter.clone(), hover.clone());
        Callback::from(move |_: MouseEvent| {
            painter.drag.set(None);
            hover.set(None);
        })
    };
    let onkeydown = {
        let painter = painter.clone();
        Callback::from(move |e: KeyboardEvent| on_key(&painter, &e))
    };
    let lanes = p.doc.chart.lanes.len().min(MAX_LANES_SHOWN);
    let height = AXIS_H + lanes as f64 * LANE_H + 2.0;
    crate::ui::css::use_css(&canvas, vec![("height", format!("{height}px"))]);
    let info = hover.map(|b| describe(&p.doc, &p.doc.chart.bars[b as usize]));
    html! {
        <div class="history-canvas-wrap">
            <canvas ref={canvas} class="history-canvas" data-testid="history-canvas" tabindex="0"
                role="img" aria-label={t("Client operations as bars per client on a timeline; arrows pan, + and - zoom, 0 fits")}
                {onmousedown} {onmousemove} {onmouseup} {onmouseleave} {onkeydown}></canvas>
            <p class="history-hover" data-testid="history-hover" aria-live="polite">{ info.unwrap_or_else(|| t("Point at an operation to see it and its key's order").to_string()) }</p>
        </div>
    }
}
