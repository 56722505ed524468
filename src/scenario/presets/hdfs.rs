//! Block-store presets (HdfsDesign.md; HDFS-265) with captions in English and Chinese:
//! still to come (the family is not yet in the default build).

use super::Preset;

pub(crate) fn presets() -> Vec<Preset> {
    vec![]
}
