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
