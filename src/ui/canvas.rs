//! Canvas set-up shared by the canvas views: size the backing store to the element's size on
//! screen times the device pixel ratio (no larger: every pixel is copied to the compositor
//! each frame) and scale drawing so that callers draw in layout units.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The 2D context of `canvas`, its backing store fitted to the screen, with a transform that
/// maps `layout_w` × `layout_h` layout units onto the canvas. Clears the canvas.
pub fn fit(canvas: &HtmlCanvasElement, layout_w: f64, layout_h: f64) -> Option<CanvasRenderingContext2d> {
    thread_local! {
        static CALLS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    // Reading the element's size forces a layout pass after the frame's DOM changes, so it
    // is re-read only every so often (a resized panel is followed within half a second).
    let calls = CALLS.with(|c| {
        c.set(c.get().wrapping_add(1));
        c.get()
    });
    let aspect = f64::from(canvas.height()) / f64::from(canvas.width().max(1));
    let off = (aspect - layout_h / layout_w).abs() > 0.01 * layout_h / layout_w;
    if off || calls % 64 == 0 {
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
        let (cw, ch) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
        if cw < 1.0 || ch < 1.0 {
            return None;
        }
        let (w, h) = ((cw * dpr).round() as u32, (ch * dpr).round() as u32);
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
    }
    let (w, h) = (canvas.width(), canvas.height());
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
