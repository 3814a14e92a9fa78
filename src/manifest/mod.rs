//! Manifests: parse, validate and diagnose the YAML files that describe the desired library.
//!
//! [`load`] reads files and directories, [`parse_str`] and [`parse_sources`] read text. Every
//! problem in every file is collected into one [`ManifestError`], each [`Problem`] pointing at
//! the YAML node it is about; [`render_problems`] prints them like a compiler does.

#![warn(missing_docs)]

mod album_refs;
mod albumx;
mod decode;
mod labels;
mod merge;
mod model;
mod normalize;
mod problem;
mod schema;
mod source;
mod validate;
mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use albumx::{LinkSpec, PasswordSource};
pub use labels::{LabelRule, label_slug};
pub use model::{
    AlbumEntry, AlbumState, Manifest, Membership, PhotoRule, Selector, SelectorKind, Settings,
    is_path_pattern, path_pattern_matches,
};
pub use normalize::{normalize_album_title, normalize_category, normalize_keywords, slugify};
pub use problem::{ManifestError, Problem, render_problems};
pub use schema::{json_schema, json_schema_string};
pub use source::{Loc, SourceFile};

/// Reads manifest files and directories (every `*.yaml`/`*.yml` directly inside, in name
/// order), in the order given, and merges them into one manifest.
pub fn load(paths: &[PathBuf]) -> Result<Manifest, ManifestError> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut seen = Vec::new();
    for path in paths {
        for file in expand(path, &mut problems) {
            let canonical = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.contains(&canonical) {
                continue;
            }
            seen.push(canonical);
            match std::fs::read_to_string(&file) {
                Ok(text) => files.push(SourceFile::new(file.display().to_string(), text)),
                Err(err) => problems.push(Problem::general(
                    "io",
                    format!("cannot read `{}`: {err}", file.display()),
                )),
            }
        }
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(
            Problem::general("no_files", "no manifest files were given")
                .with_help("pass a manifest file or a directory of `*.yaml` files with `-f`"),
        );
    }
    parse_all(files, problems)
}

/// The files a path stands for: itself, or the YAML files directly inside a directory.
fn expand(path: &Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => {
            problems.push(Problem::general(
                "io",
                format!("cannot read `{}`: {err}", path.display()),
            ));
            return Vec::new();
        }
    };
    if !meta.is_dir() {
        return vec![path.to_path_buf()];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(Problem::general(
                "io",
                format!("cannot read directory `{}`: {err}", path.display()),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e == "yaml" || e == "yml")
        })
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    if files.is_empty() {
        problems.push(
            Problem::general(
                "no_files",
                format!(
                    "directory `{}` has no `*.yaml` or `*.yml` files",
                    path.display()
                ),
            )
            .with_help("manifest directories are not searched recursively"),
        );
    }
    files
}

/// Parses one manifest text; `name` is used in diagnostics.
pub fn parse_str(name: &str, text: &str) -> Result<Manifest, ManifestError> {
    parse_sources(vec![SourceFile::new(name, text)])
}

/// Parses and merges several manifest texts, in the order given.
pub fn parse_sources(files: Vec<SourceFile>) -> Result<Manifest, ManifestError> {
    let mut problems = Vec::new();
    if files.is_empty() {
        problems.push(Problem::general("no_files", "no manifest files were given"));
    }
    parse_all(files, problems)
}

fn parse_all(
    files: Vec<SourceFile>,
    mut problems: Vec<Problem>,
) -> Result<Manifest, ManifestError> {
    let files: Vec<Arc<SourceFile>> = files.into_iter().map(Arc::new).collect();
    let decoded = files
        .iter()
        .map(|f| decode::decode_file(f, &mut problems))
        .collect();
    let mut manifest = merge::merge(files, decoded, &mut problems);
    if problems.iter().all(Problem::is_warning) {
        manifest.warnings = problems.into_iter().map(Arc::new).collect();
        Ok(manifest)
    } else {
        Err(ManifestError::new(problems))
    }
}
