pub mod determinism;
pub mod effects;
