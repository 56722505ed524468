//! Canvas set-up shared by the canvas views: size the backing store to the element's size on
//! screen times the device pixel ratio (no larger: every pixel is copied to the compositor
//! each frame) and scale drawing so that callers draw in layout units. The size on screen
//! comes from a ResizeObserver, so drawing never forces a layout.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// The CSS size of the canvas behind `canvas`, kept up to date by a ResizeObserver (which
/// reports after layout, instead of forcing one as reading `clientWidth` mid-frame does);
/// the component re-renders, and so redraws, when it changes. `None` until first reported.
#[hook]
pub fn use_css_size(canvas: &NodeRef) -> Option<(f64, f64)> {
    let size = use_state_eq(|| None::<(f64, f64)>);
    {
        let (size, canvas) = (size.clone(), canvas.clone());
        use_effect_with((), move |_| {
            let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                if let Ok(e) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                    let r = e.content_rect();
                    size.set(Some((r.width(), r.height())));
                }
            });
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, canvas.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    *size
}

/// The 2D context of `canvas`, its backing store fitted to `css_size` (from
/// [`use_css_size`]; read from the element once while that is not known yet), with a
/// transform that maps `layout_w` layout units onto its width. Clears it.
pub fn fit(canvas: &HtmlCanvasElement, css_size: Option<(f64, f64)>, layout_w: f64) -> Option<CanvasRenderingContext2d> {
    let (cw, ch) = css_size.unwrap_or_else(|| (f64::from(canvas.client_width()), f64::from(canvas.client_height())));
    if cw < 1.0 || ch < 1.0 {
        return None;
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    let (w, h) = ((cw * dpr).round() as u32, (ch * dpr).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let ctx = canvas.get_context("2d").ok().flatten()?.dyn_into::<CanvasRenderingContext2d>().ok()?;
    let k = f64::from(w) / layout_w;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
    ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.set_transform(k, 0.0, 0.0, k, 0.0, 0.0).ok()?;
    Some(ctx)
}

/// Device pixels per layout unit of a canvas fitted by [`fit`] to `layout_w` units across.
pub fn device_scale(canvas: &HtmlCanvasElement, layout_w: f64) -> f64 {
    f64::from(canvas.width()) / layout_w
}

/// A disc of radius `r_px` device pixels filled with `fill` and, when `stroke` is given, ringed
/// with it `line_px` wide, pre-rendered once and kept. Copying a small bitmap is several times
/// cheaper for a software rasterizer than filling and stroking an anti-aliased arc, which is
/// what hundreds of messages in flight would otherwise cost every frame.
pub fn disc_sprite(fill: &str, stroke: Option<&str>, r_px: f64, line_px: f64) -> Option<HtmlCanvasElement> {
    type Key = (String, Option<String>, u32, u32);
    thread_local! {
        static SPRITES: std::cell::RefCell<Vec<(Key, HtmlCanvasElement)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key: Key = (fill.to_string(), stroke.map(str::to_string), (r_px * 16.0).round() as u32, (line_px * 16.0).round() as u32);
    if let Some(c) = SPRITES.with(|s| s.borrow().iter().find(|(k, _)| *k == key).map(|(_, c)| c.clone())) {
        return Some(c);
    }
    let side = sprite_side(r_px, line_px);
    let c = web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into::<HtmlCanvasElement>().ok()?;
    c.set_width(side);
    c.set_height(side);
    let ctx = c.get_context("2d").ok().flatten()?.dyn_into::<CanvasRenderingContext2d>().ok()?;
    let mid = f64::from(side) / 2.0;
    ctx.begin_path();
    ctx.arc(mid, mid, r_px, 0.0, std::f64::consts::TAU).ok()?;
    ctx.set_fill_style_str(fill);
    ctx.fill();
    if let Some(s) = stroke {
        ctx.set_stroke_style_str(s);
        ctx.set_line_width(line_px);
        ctx.stroke();
    }
    SPRITES.with(|s| {
        let mut s = s.borrow_mut();
        // Themes and zoom levels come and go; a few dozen sprites cover any one of them.
        if s.len() >= 64 {
            s.clear();
        }
        s.push((key, c.clone()));
    });
    Some(c)
}

/// The side in device pixels of a sprite holding a disc and its ring (even, so the centre
/// falls on a pixel corner and a sprite placed at whole pixels stays sharp).
pub fn sprite_side(r_px: f64, line_px: f64) -> u32 {
    let side = (2.0 * (r_px + line_px / 2.0) + 2.0).ceil() as u32;
    side + side % 2
}
