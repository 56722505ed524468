//! Wasm half of the cross-platform determinism check: run in headless Chromium by
//! wasm-bindgen-test, the same scenario must give the same trace hash as natively.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_hash_matches_the_native_value() {
    assert_eq!(common::determinism::hash(), common::determinism::PINNED_HASH);
    assert_eq!(common::determinism::hash_v7(), common::determinism::PINNED_HASH_V7);
}
