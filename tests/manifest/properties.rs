//! Property tests: no input makes the parser panic, and every problem points inside its file.

use proptest::prelude::*;
use prysm::manifest::{self, Manifest, ManifestError};

const VALID: &str = include_str!("valid/contract-example.yaml");

/// Ok, or at least one problem, each with a span inside its source on char boundaries.
fn check(result: Result<Manifest, ManifestError>) -> Result<(), TestCaseError> {
    match result {
        Ok(m) => {
            prop_assert_eq!(m.version, 1);
            for (i, rule) in m.photos.iter().enumerate() {
                prop_assert_eq!(rule.index, i);
                prop_assert!(!rule.selectors.is_empty());
            }
        }
        Err(err) => {
            prop_assert!(!err.problems().is_empty());
            for problem in err.problems() {
                prop_assert!(problem.code().starts_with("prysm::manifest::"));
                for loc in problem.locs() {
                    let start = loc.span.offset();
                    let end = start + loc.span.len();
                    let text = &loc.source.text;
                    prop_assert!(end <= text.len(), "{:?} ends past {}", problem, text.len());
                    prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                }
            }
            let _ = manifest::render_problems(&err, false);
        }
    }
    Ok(())
}

/// Edits that keep the text YAML-ish, so they reach the checks behind the YAML reader.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop_oneof![
        Just(": ".to_string()),
        Just("\n  ".to_string()),
        Just("- ".to_string()),
        Just("true".to_string()),
        Just("\"".to_string()),
        Just("{".to_string()),
        Just("]".to_string()),
        Just("~".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("é".to_string()),
        "[a-z_ ]{1,8}",
        "[0-9.-]{1,5}",
    ];
    prop_oneof![
        (any::<usize>(), 1usize..12).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), piece).prop_map(|(at, s)| Edit::Insert(at, s)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit) -> String {
    match edit {
        Edit::Delete(at, len) => {
            let start = floor_boundary(text, *at);
            let end = floor_boundary(text, (start + len).min(text.len()));
            format!("{}{}", &text[..start], &text[end.max(start)..])
        }
        Edit::Insert(at, piece) => {
            let at = floor_boundary(text, *at);
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Edit::DuplicateLine(n) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let i = n % lines.len();
                lines.insert(i, lines[i]);
            }
            lines.join("\n")
        }
        Edit::SwapLines(a, b) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let (a, b) = (a % lines.len(), b % lines.len());
                lines.swap(a, b);
            }
            lines.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(manifest::parse_str("fuzz.yaml", &text))?;
    }

    #[test]
    fn yaml_like_text_never_panics(text in "[a-z:{}\\[\\], \n\"'&*!|>#~0-9.-]{0,200}") {
        check(manifest::parse_str("fuzz.yaml", &text))?;
    }

    #[test]
    fn mutated_manifests_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        let mut text = VALID.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        check(manifest::parse_str("mutated.yaml", &text))?;
    }
}
