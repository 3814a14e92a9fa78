//! `prysm adopt`: after edits made on the server, adopt rewrites the manifest so that the next
//! plan is empty for the adopted addresses, and leaves every other byte of the file alone.

use std::collections::BTreeSet;

use proptest::prelude::*;
use prysm::adopt::adopt;
use prysm::planner::PlanOptions;
use prysm::render::{TextOptions, render_text};
use prysm_emulator::ApiGeneration;

use crate::support::{env, manifest};

const ALBUM: &str = "as6s6c045hu43jsi";
const RULE_PHOTO: &str = "psj4uo0zr37e3p3e";
const MEMBERS: [&str; 6] = [
    "psj4uo0k9p34y6n3",
    "psj4uo0wd25rq4f5",
    "psj4uo02z8iq9y7j",
    "psj4uo0zb6cn6z43",
    "psj4uo0dvyrkttnj",
    "psj4uo0fbf5jxvls",
];

/// The manifest as the user wrote it: comments, several quoting styles, a literal block.
const ORIGINAL: &str = r#"# yaml-language-server: $schema=../schemas/prysm.schema.json
version: 1

albums:
  berlin:            # pinned: a title change on the server is a rename
    uid: as6s6c045hu43jsi
    title: "Berlin 2023"
    description: |
      Christmas markets.
    category: 'Travel'
    favorite: false
    photos:
      - uid: psj4uo0k9p34y6n3   # the sunset
      - uid: psj4uo0wd25rq4f5

photos:
  # The pastry.
  - match: { uid: psj4uo0zr37e3p3e }
    title: Pastéis de nata
    favorite: false
"#;

/// Lines of ORIGINAL (0-based) that adopt may rewrite: the managed values and photo items.
fn editable_lines() -> BTreeSet<usize> {
    ORIGINAL
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let t = line.trim_start();
            t.starts_with("title:")
                || t.starts_with("description:")
                || t.starts_with("Christmas")
                || t.starts_with("favorite:")
                || t.starts_with("- uid:")
        })
        .map(|(i, _)| i)
        .collect()
}

fn json(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// A manifest that puts the server in the edited state (as edits in PhotoPrism's UI would).
fn edited(
    title: &str,
    description: &str,
    favorite: bool,
    members: &[&str],
    photo_title: &str,
    photo_favorite: bool,
) -> String {
    let items: String = members
        .iter()
        .map(|uid| format!("      - uid: {uid}\n"))
        .collect();
    format!(
        "version: 1\nalbums:\n  berlin:\n    uid: {ALBUM}\n    title: {}\n    description: {}\n    \
         favorite: {favorite}\n    photos:\n{items}photos:\n  - match: {{ uid: {RULE_PHOTO} }}\n    \
         title: {}\n    favorite: {photo_favorite}\n",
        json(title),
        json(description),
        json(photo_title),
    )
}

/// Titles users type: accents, Cyrillic, CJK, emoji, quotes, SQL wildcards, YAML indicators.
fn title() -> impl Strategy<Value = String> {
    "[A-Za-z0-9éüЖд中文😀_%'\"#:&*!|>@ -]{1,16}".prop_filter("trimmed, not empty", |s| {
        let t = s.trim();
        // PhotoPrism trims `_ & | { } < > : \` from titles: keep a letter or digit in it.
        t == s && !s.contains("  ") && s.chars().any(char::is_alphanumeric)
    })
}

async fn case(
    generation: ApiGeneration,
    album_title: String,
    description: String,
    favorite: bool,
    members: Vec<&'static str>,
    photo_title: String,
    photo_favorite: bool,
) -> Result<(), TestCaseError> {
    let env = env(generation).await;
    env.apply(ORIGINAL).await;
    env.assert_converged(ORIGINAL).await;
    let server = edited(
        &album_title,
        &description,
        favorite,
        &members,
        &photo_title,
        photo_favorite,
    );
    env.apply(&server).await;

    let original = manifest(ORIGINAL);
    let planned = env.plan(ORIGINAL).await.expect("plan");
    let adopted = adopt(&original, &planned.plan, &[]).expect("adopt");
    prop_assert!(
        adopted.problems.is_empty(),
        "{:?}",
        adopted
            .problems
            .iter()
            .map(|p| p.message().to_string())
            .collect::<Vec<_>>()
    );
    let after = adopted
        .files
        .first()
        .map_or_else(|| ORIGINAL.to_string(), |f| f.after.clone());
    let replanned = env.plan(&after).await.expect("plan after adopt");
    prop_assert!(
        replanned.plan.is_empty(),
        "not converged after adopt:\n{}\n---\n{after}",
        render_text(&replanned.plan, &TextOptions::default())
    );
    // Every line adopt was not asked to touch is still there, byte for byte.
    let editable = editable_lines();
    let diff = similar::TextDiff::from_lines(ORIGINAL, after.as_str());
    for change in diff.iter_all_changes() {
        if change.tag() == similar::ChangeTag::Delete {
            let line = change.old_index().unwrap_or(usize::MAX);
            prop_assert!(
                editable.contains(&line),
                "line {} changed: {:?}\n---\n{after}",
                line + 1,
                change.value()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn adopt_then_plan_is_empty_and_the_rest_is_untouched(
        v2025 in any::<bool>(),
        album_title in title(),
        description in prop_oneof![title(), Just(String::new()), Just("two\nlines".to_string())],
        favorite in any::<bool>(),
        picked in proptest::sample::subsequence(MEMBERS.to_vec(), 1..=MEMBERS.len()),
        photo_title in title(),
        photo_favorite in any::<bool>(),
    ) {
        let generation = if v2025 { ApiGeneration::V2025 } else { ApiGeneration::V2024 };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(case(generation, album_title, description, favorite, picked, photo_title, photo_favorite))?;
    }
}

#[tokio::test]
async fn what_the_manifest_cannot_express_is_shown_at_its_node() {
    let env = env(ApiGeneration::V2025).await;
    let text = "version: 1\nalbums:\n  beach:\n    title: Beaches\n    photos:\n      - query: \"label:beach\"\n\
                photos:\n  - match:\n      - uid: psj4uo0k9p34y6n3\n      - uid: psj4uo02z8iq9y7j\n    favorite: true\n";
    env.apply(text).await;
    // On the server: a beach photo leaves the album, and one photo loses its favorite.
    env.apply(
        "version: 1\nalbums:\n  beach:\n    title: Beaches\n    photos:\n      - uid: psj4uo02z8iq9y7j\n\
         photos:\n  - match: { uid: psj4uo0k9p34y6n3 }\n    favorite: false\n",
    )
    .await;
    let planned = env.plan(text).await.expect("plan");
    assert!(!planned.plan.is_empty());
    let adopted = adopt(&manifest(text), &planned.plan, &[]).expect("adopt");
    assert!(adopted.files.is_empty(), "nothing is guessed");
    let messages: Vec<String> = adopted
        .problems
        .iter()
        .map(|p| {
            let loc = p.loc().expect("at a node");
            format!(
                "{} @ {} :: {}",
                p.message(),
                loc.display(),
                p.help_text().unwrap_or("")
            )
        })
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("psj4uo0k9p34y6n3")
            && m.contains("manifest.yaml:6:")
            && m.contains("list the album's photos by uid")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("this rule sets it for more photos")
                && m.contains("manifest.yaml:11:")
                && m.contains("match: { uid: psj4uo0k9p34y6n3 }")),
        "{messages:#?}"
    );
}

#[tokio::test]
async fn targets_limit_what_is_adopted() {
    let env = env(ApiGeneration::V2024).await;
    env.apply(ORIGINAL).await;
    env.apply(&edited(
        "Berlin 2024",
        "Christmas markets.\n",
        true,
        &MEMBERS[..2],
        "Nata",
        false,
    ))
    .await;
    let planned = env.plan(ORIGINAL).await.expect("plan");
    let adopted = adopt(
        &manifest(ORIGINAL),
        &planned.plan,
        &["album.berlin".to_string()],
    )
    .expect("adopt");
    let after = &adopted.files[0].after;
    assert!(after.contains("    title: \"Berlin 2024\"\n"), "{after}");
    assert!(after.contains("    favorite: true\n"), "{after}");
    assert!(
        after.contains("    title: Pastéis de nata\n"),
        "the photo rule is not targeted: {after}"
    );
    let options = PlanOptions {
        targets: vec!["album.berlin".to_string()],
        ..PlanOptions::default()
    };
    let replanned = env.plan_with(after, options).await.expect("plan");
    assert!(
        replanned.plan.is_empty(),
        "{}",
        render_text(&replanned.plan, &TextOptions::default())
    );
    let diff = adopted.files[0].unified_diff();
    assert!(
        diff.contains("-    title: \"Berlin 2023\"\n+    title: \"Berlin 2024\"\n"),
        "{diff}"
    );
}

#[tokio::test]
async fn photos_added_on_the_server_join_a_flow_list_in_its_style() {
    let env = env(ApiGeneration::V2024).await;
    let text = "version: 1\nalbums:\n  b:\n    uid: as6s6c045hu43jsi\n    title: Berlin 2023\n    \
                photos: [ { uid: psj4uo0zb6cn6z43 } ]   # flow\n";
    env.apply(text).await;
    env.apply(&edited(
        "Berlin 2023",
        "",
        false,
        &["psj4uo0zb6cn6z43", "psj4uo0k9p34y6n3"],
        "Nata",
        false,
    ))
    .await;
    let planned = env
        .plan_with(
            text,
            PlanOptions {
                targets: vec!["album.b.photos".to_string()],
                ..PlanOptions::default()
            },
        )
        .await
        .expect("plan");
    let adopted = adopt(&manifest(text), &planned.plan, &[]).expect("adopt");
    assert!(adopted.problems.is_empty());
    assert_eq!(
        adopted.files[0].after,
        text.replace(
            "{ uid: psj4uo0zb6cn6z43 }",
            "{ uid: psj4uo0zb6cn6z43 }, { uid: psj4uo0k9p34y6n3 }"
        )
    );
}

#[tokio::test]
async fn only_the_file_that_declares_a_node_is_edited() {
    let env = env(ApiGeneration::V2025).await;
    let albums = "# albums\nversion: 1\nalbums:\n  b:\n    uid: as6s6c045hu43jsi\n    title: Berlin 2023 # was\n";
    let photos = "version: 1\nphotos:\n  - match: { uid: psj4uo0zr37e3p3e }\n    favorite: false\n";
    let files = || {
        vec![
            prysm::manifest::SourceFile::new("albums.yaml", albums),
            prysm::manifest::SourceFile::new("photos.yaml", photos),
        ]
    };
    let parsed = prysm::manifest::parse_sources(files()).expect("manifest");
    env.apply_manifest(&parsed).await;
    env.apply(&edited(
        "Berlin Markets",
        "",
        false,
        &MEMBERS[..1],
        "x",
        true,
    ))
    .await;
    let planned = prysm::planner::make_plan(&env.client, &parsed, &PlanOptions::default())
        .await
        .expect("plan");
    let adopted = adopt(&parsed, &planned.plan, &[]).expect("adopt");
    assert!(adopted.problems.is_empty());
    let names: Vec<&str> = adopted.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["albums.yaml", "photos.yaml"]);
    assert_eq!(
        adopted.files[0].after,
        albums.replace("Berlin 2023 #", "Berlin Markets #")
    );
    assert_eq!(
        adopted.files[1].after,
        photos.replace("favorite: false", "favorite: true")
    );
    // With a target, the other file is not touched at all.
    let only = adopt(&parsed, &planned.plan, &["album.b".to_string()]).expect("adopt");
    assert_eq!(only.files.len(), 1);
    assert_eq!(only.files[0].name, "albums.yaml");
}
