//! prysm: manage a PhotoPrism library declaratively.
