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

/// The trace up to the playhead with what reproduces it.
pub fn trace_json() -> Option<String> {
    model::with(|m| {
        let run = &m.live.run;
        let trace = run.trace();
        let end = trace.partition_point(|r| r.event <= run.event_count());
        let doc = serde_json::json!({
            "clusterlab": env!("CARGO_PKG_VERSION"),
            "protocol": run.protocol(),
            "link": format!("#s={}", m.live.link()),
            "simTimeUs": run.now_us(),
            "eventCount": run.event_count(),
            "traceHash": crate::sim::hash_hex(run.trace_hash()),
            "violations": run.violations(),
            "records": &trace[..end],
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    })
}

/// Colours for the exported diagram (the page's CSS variables are not in the file).
const SVG_STYLE: &str = "<style>text{font:11px sans-serif;fill:#5d6678}.lane line{stroke:#dde1e8}\
.arrow line{stroke:#3b6fe0;stroke-width:1.2}.arrow line.hit{display:none}.arrow.dropped line{stroke:#d93a3a}\
.arrow.flying line{stroke-dasharray:3 3}line{vector-effect:non-scaling-stroke}.cross{stroke:#d93a3a;fill:none;vector-effect:non-scaling-stroke}.playhead{stroke:#3b6fe0}\
.m-AppendEntries line,.m-Accept line{stroke:#1f9d55}.m-RequestVote line,.m-Prepare line{stroke:#d98c1f}</style>";

/// The space-time diagram on screen as a standalone SVG file.
pub fn spacetime_svg() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let svg = doc.query_selector("[data-testid=spacetime]").ok()??;
    let html = svg.outer_html();
    let open_end = html.find('>')?;
    Some(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}>{SVG_STYLE}{}", &html[..open_end], &html[open_end + 1..]))
}

/// The address that opens exactly this state with `options`.
pub fn url_for(options: &PageOptions) -> Option<String> {
    let link = model::with(|m| m.live.link())?;
    Some(format!("{}{}#s={link}", model::page_base(), options.query()))
}

/// An `<iframe>` snippet for a course page.
pub fn embed_code(options: &PageOptions, width: u32, height: u32) -> Option<String> {
    let url = url_for(&PageOptions { embed: true, ..options.clone() })?;
    let url = url.replace('&', "&amp;").replace('"', "&quot;");
    Some(format!(
        "<iframe src=\"{url}\" width=\"{width}\" height=\"{height}\" style=\"border:0;max-width:100%\" title=\"ClusterLab\" loading=\"lazy\"></iframe>"
    ))
}
