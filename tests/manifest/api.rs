//! Library-level behaviour of the manifest API: loading, merging, locations, rendering.

use std::path::PathBuf;

use miette::Diagnostic;
use prysm::manifest::{self, SelectorKind, SourceFile};

fn codes(err: &manifest::ManifestError) -> Vec<&str> {
    err.problems().iter().map(|p| p.code()).collect()
}

#[test]
fn directory_files_are_read_in_name_order_and_merged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.yaml"), "version: 1\nalbums:\n  zeta: { title: Zeta }\nphotos:\n  - match: { query: \"label:b\" }\n    favorite: true\n").unwrap();
    std::fs::write(dir.path().join("a.yml"), "version: 1\nalbums:\n  alpha: { title: Alpha }\nphotos:\n  - match: { query: \"label:a\" }\n    favorite: true\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not yaml").unwrap();
    std::fs::create_dir(dir.path().join("nested")).unwrap();
    std::fs::write(dir.path().join("nested/c.yaml"), "this: is not read").unwrap();

    let m = manifest::load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(m.files.len(), 2);
    assert!(m.files[0].name.ends_with("a.yml"));
    let keys: Vec<&str> = m.albums.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["alpha", "zeta"]);
    assert_eq!(
        m.photos[0].selectors[0].kind,
        SelectorKind::Query("label:a".into())
    );
    assert_eq!(m.photos[1].index, 1);

    // A file given twice (directly and through its directory) is read once.
    let again = manifest::load(&[dir.path().join("a.yml"), dir.path().to_path_buf()]).unwrap();
    assert_eq!(again.files.len(), 2);
}

#[test]
fn unreadable_paths_and_empty_directories_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");
    let err = manifest::load(&[missing, dir.path().to_path_buf()]).unwrap_err();
    assert_eq!(
        codes(&err),
        ["prysm::manifest::io", "prysm::manifest::no_files"]
    );
    assert!(err.problems()[0].loc().is_none());
    assert!(err.problems()[0].message().contains("missing.yaml"));
    let rendered = manifest::render_problems(&err, false);
    assert!(
        rendered.contains("found 2 problems in the manifest"),
        "{rendered}"
    );

    let err = manifest::load(&[]).unwrap_err();
    assert_eq!(codes(&err), ["prysm::manifest::no_files"]);
}

#[test]
fn problems_from_all_files_are_collected() {
    let err = manifest::parse_sources(vec![
        SourceFile::new(
            "one.yaml",
            "version: 1\nalbums:\n  a: { title: A, favorite: yes }\n",
        ),
        SourceFile::new("two.yaml", "version: 3\n"),
        SourceFile::new("three.yaml", "version: 1\nalbums:\n  b: { titel: B }\n"),
    ])
    .unwrap_err();
    assert_eq!(
        codes(&err),
        [
            "prysm::manifest::wrong_type",
            "prysm::manifest::unknown_field",
            "prysm::manifest::version_unsupported"
        ]
    );
    // The error is a diagnostic whose related diagnostics are the problems.
    assert_eq!(err.related().unwrap().count(), 3);
    assert_eq!(err.problems()[0].loc().unwrap().display(), "one.yaml:3:28");
}

#[test]
fn same_setting_with_same_value_in_two_files_is_fine() {
    let m = manifest::parse_sources(vec![
        SourceFile::new(
            "a.yaml",
            "version: 1\nsettings: { prune: true, max_destroy: 3 }\n",
        ),
        SourceFile::new("b.yaml", "version: 1\nsettings: { prune: true }\n"),
    ])
    .unwrap();
    assert!(m.settings.prune);
    assert_eq!(m.settings.max_destroy, Some(3));
    assert_eq!(m.settings.prune_loc.unwrap().display(), "a.yaml:2:20");
}

#[test]
fn empty_text_is_an_empty_file() {
    for text in ["", "\n\n", "# only a comment\n", "---\n", "~\n"] {
        let err = manifest::parse_str("e.yaml", text).unwrap_err();
        assert_eq!(codes(&err), ["prysm::manifest::empty_file"], "{text:?}");
    }
}

#[test]
fn tabs_and_bad_yaml_are_syntax_errors() {
    let err = manifest::parse_str("t.yaml", "version: 1\nalbums:\n\ta: {}\n").unwrap_err();
    assert_eq!(codes(&err), ["prysm::manifest::yaml_syntax"]);
    assert!(err.problems()[0].loc().unwrap().line_col().0 >= 2);
}

#[test]
fn anchors_and_aliases_are_resolved() {
    let text = "version: 1\nalbums:\n  a:\n    title: A\n    photos: &cats\n      - query: \"label:cat\"\n  b:\n    title: B\n    photos: *cats\n";
    let m = manifest::parse_str("a.yaml", text).unwrap();
    assert_eq!(
        m.albums[1].photos.as_ref().unwrap()[0].kind.value(),
        "label:cat"
    );
}

#[test]
fn description_is_an_alias_of_caption() {
    let m = manifest::parse_str(
        "d.yaml",
        "version: 1\nphotos:\n  - match: { uid: pqz4n1k2m3b5v6c7 }\n    description: Hello\n",
    )
    .unwrap();
    assert_eq!(m.photos[0].caption.as_deref(), Some("Hello"));
    assert_eq!(m.photos[0].field_loc("caption").snippet(), "Hello");
}

#[test]
fn empty_strings_are_managed_values() {
    let m = manifest::parse_str(
        "e.yaml",
        "version: 1\nalbums:\n  a: { title: A, description: \"\", photos: [] }\n",
    )
    .unwrap();
    assert_eq!(m.albums[0].description.as_deref(), Some(""));
    assert_eq!(m.albums[0].photos.as_deref().map(<[_]>::len), Some(0));
}

#[test]
fn agreeing_rules_and_unknown_country_are_fine() {
    let text = "version: 1\nalbums:\n  a: { title: A, country: zz }\nphotos:\n  - match: { uid: pqz4n1k2m3b5v6c7 }\n    keywords: [Beach, sunset]\n    taken_at: \"2024-07-12T19:44:00Z\"\n  - match: [{ uid: pqz4n1k2m3b5v6c7 }]\n    keywords: [sunset, beach]\n    taken_at: \"2024-07-12T19:44:00+00:00\"\n";
    manifest::parse_str("ok.yaml", text).unwrap();
}

#[test]
fn rendering_with_and_without_color() {
    let err =
        manifest::parse_str("c.yaml", "version: 1\nalbums:\n  a: { titel: A }\n").unwrap_err();
    let plain = manifest::render_problems(&err, false);
    assert!(!plain.contains('\u{1b}'));
    assert!(plain.contains("c.yaml:3:8"), "{plain}");
    assert!(plain.contains("did you mean `title`?"), "{plain}");
    let colored = manifest::render_problems(&err, true);
    assert!(colored.contains('\u{1b}'));
}

#[test]
fn manifest_serializes_in_manifest_shape() {
    let text = std::fs::read_to_string(crate::crate_path(
        "tests/manifest/valid/contract-example.yaml",
    ))
    .unwrap();
    let m = manifest::parse_str("c.yaml", &text).unwrap();
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        json["albums"]["summer-2024"]["photos"][0]["uid"],
        "pqz4n1k2m3b5v6c7"
    );
    assert_eq!(json["albums"]["old-trip"]["state"], "absent");
    assert_eq!(
        json["photos"][0]["match"][0]["hash"],
        "3cb5a8e1f0c9d4b7a6e5f4c3b2a1908f7e6d5c4b"
    );
    assert!(json["photos"][1].get("title").is_none());
}

#[test]
fn problem_debug_and_display_are_short() {
    let err = manifest::parse_str("x.yaml", "version: 1\nsettings: { prune: 1 }\n").unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(
        p.to_string(),
        "`prune` must be `true` or `false`, not an integer"
    );
    let debug = format!("{p:?}");
    assert!(debug.contains("x.yaml:2:20"), "{debug}");
    assert_eq!(format!("{err}"), "found 1 problem in the manifest");
}

#[test]
fn load_names_files_by_the_path_given() {
    let path = PathBuf::from("tests/manifest/valid/contract-example.yaml");
    let m = manifest::load(std::slice::from_ref(&path)).unwrap();
    assert_eq!(
        m.files[0].name,
        "tests/manifest/valid/contract-example.yaml"
    );
    assert_eq!(
        m.albums[0].loc.display(),
        "tests/manifest/valid/contract-example.yaml:37:3"
    );
}
