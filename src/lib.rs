//! prysm: manage a PhotoPrism library declaratively.
//!
//! The modules follow the data flow of a plan:
//! [`manifest`] (parse, validate, spans) -> [`state`] (fetch from the server) ->
//! [`resolve`] (selectors to photo UIDs) -> [`diff`] (typed changes) ->
//! [`graph`] (ordered actions) -> [`render`] (text, JSON) / [`apply`] (execute).
//! [`photoprism`] is the typed PhotoPrism client; it knows nothing of manifests.

pub mod adopt;
pub mod apply;
pub mod budget;
pub mod cli;
pub mod cover;
pub mod diff;
pub mod drift;
pub mod export;
pub mod graph;
pub mod journal;
pub mod links;
pub mod manifest;
pub mod photoprism;
pub mod plan;
pub mod planner;
pub mod render;
pub mod resolve;
pub mod snapshot;
pub mod state;
pub mod terminal;
pub mod undo;

/// The README's Rust examples, compiled as doctests so they stay correct.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
