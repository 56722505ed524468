//! Native half of the cross-platform determinism check (see tests/common/determinism.rs).

use crate::common;

#[test]
fn native_hash_matches_the_pinned_value() {
    assert_eq!(common::determinism::hash(), common::determinism::PINNED_HASH);
    assert_eq!(common::determinism::hash_v7(), common::determinism::PINNED_HASH_V7);
}
