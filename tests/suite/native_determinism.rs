//! Native half of the cross-platform determinism check (see tests/common/determinism.rs).

use crate::common;

#[test]
fn native_hash_matches_the_pinned_value() {
    assert_eq!(common::determinism::hash(), common::determinism::PINNED_HASH);
}
