//! Lock service presets (placeholder while the protocol lands).

use crate::scenario::presets::Preset;

pub fn presets() -> Vec<Preset> {
    Vec::new()
}
