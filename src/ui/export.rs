//! Downloads and snippets built from the current run: the trace as JSON, the space-time
//! diagram as a standalone SVG, the scenario link and the `<iframe>` embed code.

use super::model::{self, PageOptions};
use wasm_bindgen::JsCast;

/// Offer `text` as a file download.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag).map_err(|_| "the browser refused to make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused to make the file")?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(|_| "no anchor")?.unchecked_into();
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The trace up to the playhead with what reproduces it, one record a line.
pub fn trace_json() -> Option<String> {
    model::with(|m| {
        let run = &m.live.run;
        let trace = run.trace();
        let end = trace.partition_point(|r| r.event <= run.event_count());
        let doc = serde_json::json!({
            "clusterlab": env!("CARGO_PKG_VERSION"),
            "protocol": run.protocol(),
            "link": m.live.link().ok().map(|l| format!("#s={l}")),
            "simTimeUs": run.now_us(),
            "eventCount": run.event_count(),
            "traceHash": crate::sim::hash_hex(run.trace_hash()),
            "violations": run.violations(),
            "records": trace.range(0, end).collect::<Vec<_>>(),
        });
        // One record a line, laid out as scenario files are (serde_json's pretty printer
        // was one more copy of its writer in the module).
        crate::scenario::file::layout(&serde_json::to_string(&doc).unwrap_or_default())
    })
}

/// The space-time diagram of the last stretch before the playhead as a standalone SVG.
pub fn spacetime_svg() -> Option<String> {
    model::with(|m| {
        let run = &m.live.run;
        let trace = run.trace();
        let end = trace.partition_point(|r| r.event <= run.event_count());
        let start_us = run.now_us().saturating_sub(crate::ui::app::SPACETIME_WINDOW_US);
        let count = run.event_count();
        let begin = trace.partition_point(|r| r.event <= count && r.time_us < start_us).min(end);
        let arrows = super::components::spacetime::arrows(trace.range(begin, end), crate::ui::app::MAX_ARROWS);
        super::components::spacetime::svg_text(&arrows, run.n().min(crate::ui::app::CANVAS_ABOVE as u32), start_us, run.now_us())
    })
}

/// The fragment that opens this state: the open lesson at its step, or else exactly this
/// run (`#s=…`); or why there is none.
pub fn fragment() -> Result<String, String> {
    let lesson = model::with(|m| m.lesson.as_ref().map(super::lesson::fragment)).ok_or("busy")?;
    if let Some(f) = lesson {
        return Ok(f);
    }
    let link = model::with(|m| m.live.link()).ok_or("busy")?.map_err(|e| super::scenario_file::no_link(&e))?;
    Ok(format!("#s={link}"))
}

/// The address that opens this state with `options` (see [`fragment`]), or why there is none.
pub fn url_for(options: &PageOptions) -> Result<String, String> {
    Ok(format!("{}{}{}", model::page_base(), options.query(), fragment()?))
}

/// An `<iframe>` snippet for a course page, or why there is none.
pub fn embed_code(options: &PageOptions, width: u32, height: u32) -> Result<String, String> {
    let url = url_for(&PageOptions { embed: true, ..options.clone() })?;
    let url = url.replace('&', "&amp;").replace('"', "&quot;");
    Ok(format!(
        "<iframe src=\"{url}\" width=\"{width}\" height=\"{height}\" style=\"border:0;max-width:100%\" title=\"ClusterLab\" loading=\"lazy\"></iframe>"
    ))
}
