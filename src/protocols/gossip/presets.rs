//! Gossip and SWIM presets: fixed-seed scenarios with captions in English and Chinese.

use crate::scenario::presets::Preset;

pub fn presets() -> Vec<Preset> {
    Vec::new()
}
