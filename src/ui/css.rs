//! Inline styles set through the CSSOM, not as `style` attributes: the page's
//! Content-Security-Policy refuses inline style attributes (no `'unsafe-inline'`), and the
//! CSSOM is not inline markup.

use yew::prelude::*;

/// Set each (property, value) on the element behind `node` after every render that
/// changes them.
#[hook]
pub fn use_css(node: &NodeRef, props: Vec<(&'static str, String)>) {
    let node = node.clone();
    use_effect_with(props, move |props| {
        if let Some(el) = node.cast::<web_sys::HtmlElement>() {
            let style = el.style();
            for (k, v) in props {
                let _ = style.set_property(k, v);
            }
        }
    });
}
