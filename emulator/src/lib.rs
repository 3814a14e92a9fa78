//! In-memory PhotoPrism emulator for prysm's tests, examples and benchmarks.
//!
//! [`Emulator::start`] serves a stateful imitation of the PhotoPrism REST API on `127.0.0.1`
//! with the recorded paths, JSON shapes, status codes and quirks of a December 2024 server
//! ([`ApiGeneration::V2024`]) or a 2025+ server ([`ApiGeneration::V2025`]). Tests seed it
//! directly, inspect its state, count requests per route and inject faults.

#![recursion_limit = "256"]

pub mod cli;
mod data;
mod emulator;
mod faults;
mod http;
mod ids;
mod library;
mod model;
mod options;
mod reach;
mod render;
mod render_fast;
mod search;
mod seed;
mod store;
mod text;
mod views;

pub use emulator::Emulator;
pub use faults::RandomFaults;
pub use options::{ApiGeneration, EmulatorOptions};
pub use seed::{AlbumSeed, PhotoSeed, SeedError, SeedReport};
pub use views::{AlbumView, DetailsView, LabelView, PhotoView};
