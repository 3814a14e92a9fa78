//! prysm: manage a PhotoPrism library declaratively.
pub mod manifest;
pub mod photoprism;
