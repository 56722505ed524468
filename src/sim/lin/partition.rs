//! Per-key partitioning: registers under different keys are independent objects, and a
//! history is linearizable exactly when each object's sub-history is (locality: Herlihy &
//! Wing 1990, Theorem 1), so each key is searched on its own, as Porcupine partitions its models
//! (Athalye). Keys come out sorted, so results never depend on hashing order.

use std::collections::BTreeMap;

use super::history::Operation;

/// Each key with the indices (ascending) of its operations in `ops`.
pub(crate) fn by_key(ops: &[Operation]) -> BTreeMap<&str, Vec<usize>> {
    let mut keys: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        keys.entry(op.key.as_str()).or_default().push(i);
    }
    keys
}
