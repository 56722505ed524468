//! The page: a Yew app that renders the simulator's views, the failure-injection panel,
//! time travel, and the `window.clusterlab` API for course pages and tests. Built with the
//! feature `viewer` instead, the module is the history viewer (`viewer`), which the page
//! loads only when someone opens a client history.

pub mod api;
pub mod app;
pub mod canvas;
pub mod components;
pub mod css;
pub mod export;
pub mod fixed;
pub mod frame;
pub mod layout;
pub mod lesson;
pub mod model;
pub mod palette;
pub mod scenario_file;
pub mod state;
pub mod swap;
#[cfg(feature = "viewer")]
pub mod viewer;

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static APP: RefCell<Option<yew::AppHandle<app::App>>> = const { RefCell::new(None) };
}

#[cfg(not(feature = "viewer"))]
#[wasm_bindgen(start)]
pub fn start() {
    model::init_from_location();
    api::install();
    api::install_keyboard();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            let handle = yew::Renderer::<app::App>::with_root(root).render();
            APP.with(|a| *a.borrow_mut() = Some(handle));
        }
        None => web_sys::console::error_1(&"ClusterLab: no #app element".into()),
    }
}

/// Give the page up to another family's module (called by the page's loader): the page's
/// options go into the address so the next module starts with the same language, theme
/// and embed mode; then the app, its listeners and its animation loop are taken down.
#[cfg(not(feature = "viewer"))]
#[wasm_bindgen]
pub fn stop() {
    model::keep_options_in_address();
    api::uninstall();
    frame::stop();
    if let Some(app) = APP.with(|a| a.borrow_mut().take()) {
        app.destroy();
    }
    model::clear();
}
