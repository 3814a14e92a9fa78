//! prysm: manage a PhotoPrism library declaratively.
pub mod photoprism;
