//! Zab presets: fixed-seed scenarios of ZooKeeper's atomic broadcast (Junqueira, Reed,
//! Serafini, DSN 2011; Zab 1.0) with captions in English and Chinese.

use super::Preset;

pub fn presets() -> Vec<Preset> {
    Vec::new()
}
