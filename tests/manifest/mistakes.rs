//! The mistake corpus: every file (or directory) under `mistakes/` is wrong in a known way.
//! Its rendered diagnostics are snapshot-tested, and the first line of its (first) file names
//! the problem codes it must produce: `# expect: code, code`.

use std::path::{Path, PathBuf};

use prysm::manifest::{self, ManifestError};

const DIR: &str = "tests/manifest/mistakes";

/// Every corpus entry, in name order.
fn entries() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(crate::crate_path(DIR))
        .unwrap()
        .map(|e| Path::new(DIR).join(e.unwrap().file_name()))
        .collect();
    out.sort();
    out
}

/// The codes named by `# expect:` in the entry's first file.
fn expected_codes(entry: &Path) -> Vec<String> {
    let first = if crate::crate_path(&entry.to_string_lossy()).is_dir() {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(crate::crate_path(&entry.to_string_lossy()))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
        files.sort();
        files.remove(0)
    } else {
        crate::crate_path(&entry.to_string_lossy())
    };
    let text = std::fs::read_to_string(&first).unwrap();
    let line = text.lines().next().unwrap_or_default();
    let codes = line
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("{} must start with `# expect: <codes>`", first.display()));
    codes
        .split(',')
        .map(|c| format!("prysm::manifest::{}", c.trim()))
        .collect()
}

fn load(entry: &Path) -> ManifestError {
    match manifest::load(&[entry.to_path_buf()]) {
        Ok(_) => panic!("{} should not parse", entry.display()),
        Err(err) => err,
    }
}

#[test]
fn corpus_is_large_enough() {
    assert!(
        entries().len() >= 25,
        "the corpus must hold at least 25 mistakes"
    );
}

#[test]
fn every_mistake_reports_its_codes() {
    for entry in entries() {
        let err = load(&entry);
        let codes: Vec<&str> = err.problems().iter().map(|p| p.code()).collect();
        for expected in expected_codes(&entry) {
            assert!(
                codes.contains(&expected.as_str()),
                "{}: expected {expected}, got {codes:?}",
                entry.display()
            );
        }
        for problem in err.problems() {
            let loc = problem
                .loc()
                .unwrap_or_else(|| panic!("{}: {problem:?} has no location", entry.display()));
            let end = loc.span.offset() + loc.span.len();
            assert!(
                end <= loc.source.text.len(),
                "{}: span past the end",
                entry.display()
            );
            assert!(
                problem.help_text().is_some(),
                "{}: {problem:?} has no help",
                entry.display()
            );
        }
    }
}

#[test]
fn five_mistakes_are_five_problems() {
    let err = load(Path::new("tests/manifest/mistakes/38-five-mistakes.yaml"));
    assert_eq!(err.problems().len(), 5, "{:#?}", err.problems());
    assert_eq!(err.to_string(), "found 5 problems in the manifest");
}

#[test]
fn rendered_diagnostics() {
    for entry in entries() {
        let err = load(&entry);
        let rendered = manifest::render_problems(&err, false);
        let name = entry.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => entry.display().to_string(),
        }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}
