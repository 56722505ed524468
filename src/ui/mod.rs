//! The page: a Yew app that renders the simulator's views, the failure-injection panel,
//! time travel, and the `window.clusterlab` API for course pages and tests.

pub mod api;
pub mod app;
pub mod canvas;
pub mod components;
pub mod export;
pub mod frame;
pub mod layout;
pub mod model;
pub mod palette;
pub mod state;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    model::init_from_location();
    api::install();
    api::install_keyboard();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => web_sys::console::error_1(&"ClusterLab: no #app element".into()),
    }
}
