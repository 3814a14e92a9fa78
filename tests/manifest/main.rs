//! Integration tests of `prysm::manifest`: examples, the mistake corpus, the schema, fuzzing.

mod api;
mod examples;
mod fuzz;
mod mistakes;
mod properties;
mod schema;

use std::path::PathBuf;

/// A path inside the crate (tests run with the crate root as working directory, but be explicit).
pub fn crate_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}
