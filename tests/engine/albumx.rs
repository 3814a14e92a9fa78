//! Album covers and share links as manifest features (issue 11): plans, applies, idempotence
//! on both API generations, ordering, diagnostics, secrets and undo.

use insta::assert_snapshot;
use prysm::apply::{ApplyOptions, Silent, apply};
use prysm::photoprism::{AlbumQuery, AlbumResult, ShareLinkOptions};
use prysm::plan::{Budget, BudgetUse, Change, LinkOp, Plan};
use prysm::planner::PlanOptions;
use prysm::render::{TextOptions, render_text};
use prysm_emulator::{ApiGeneration, PhotoSeed};
use sha1::{Digest, Sha1};

use crate::support::{Env, GENERATIONS, env};

const BERLIN: &str = "as6s6c045hu43jsi";
const SUNSET: (&str, &str) = (
    "psj4uo0k9p34y6n3",
    "b41543921a76705b281601cedcfd34e8c42b6131",
);
const MARKET: (&str, &str) = (
    "psj4uo0zb6cn6z43",
    "f7c63c7922055edc4743e5fc2baa3a4fa0bd46c7",
);

async fn album_row(env: &Env, uid: &str) -> AlbumResult {
    env.client
        .all_albums(AlbumQuery::default())
        .await
        .expect("albums")
        .into_iter()
        .find(|album| album.uid == uid)
        .expect("album is listed")
}

async fn album_by_title(env: &Env, title: &str) -> AlbumResult {
    env.client
        .all_albums(AlbumQuery::default())
        .await
        .expect("albums")
        .into_iter()
        .find(|album| album.title == title)
        .expect("album is listed")
}

fn text_of(env: &Env, plan: &prysm::plan::Plan) -> String {
    render_text(plan, &TextOptions::default()).replace(&env.emulator.url(), "http://emulator")
}

const COVERS: &str = r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    cover: { path: 2023/12/IMG_0101.jpg }
  lisbon:
    title: Lisbon ☀️ "Summer" 100%_off
    photos:
      - { uid: psj4uo0k9p34y6n3 }
      - { path: 2024/07/IMG_0002.jpg }
    cover: { hash: b41543921a76705b281601cedcfd34e8c42b6131 }
"#;

#[tokio::test]
async fn covers_are_planned_applied_and_converge_on_both_generations() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let planned = env.plan(COVERS).await.expect("plan");
        let text = text_of(&env, &planned.plan);
        assert_snapshot!(format!("covers_first_plan_{generation:?}"), text);

        // The new album's cover waits for the create (which holds its photos).
        let create = planned
            .plan
            .actions
            .iter()
            .find(|a| matches!(a.change, Change::CreateAlbum { .. }))
            .expect("create");
        let cover = planned
            .plan
            .actions
            .iter()
            .find(|a| a.address == "album.lisbon.cover")
            .expect("cover of the new album");
        assert!(cover.depends_on.contains(&create.id), "{cover:?}");
        assert!(cover.id > create.id);

        let report = env.apply(COVERS).await;
        assert!(report.is_success(), "{}", report.render());
        let berlin = album_row(&env, BERLIN).await;
        assert_eq!(
            (berlin.thumb.as_str(), berlin.thumb_src.as_str()),
            (MARKET.1, "manual"),
            "{generation:?}"
        );
        let title = prysm::manifest::normalize_album_title("Lisbon ☀️ \"Summer\" 100%_off");
        let lisbon = album_by_title(&env, &title).await;
        assert_eq!(
            (lisbon.thumb.as_str(), lisbon.thumb_src.as_str()),
            (SUNSET.1, "manual")
        );
        env.assert_converged(COVERS).await;

        // Adding photos later (in PhotoPrism) leaves a manual cover alone: the next plan
        // removes the photo again and has nothing to say about covers.
        env.client
            .add_photos_to_album(&lisbon.uid, &["psj4uo02z8iq9y7j".to_string()])
            .await
            .expect("add");
        let planned = env.plan(COVERS).await.expect("plan");
        assert!(
            planned
                .plan
                .actions
                .iter()
                .all(|a| !matches!(a.change, Change::SetAlbumCover { .. })),
            "{}",
            text_of(&env, &planned.plan)
        );
        assert_eq!(planned.plan.actions.len(), 1);
        env.apply(COVERS).await;
        env.assert_converged(COVERS).await;
    }
}

#[tokio::test]
async fn an_automatic_cover_of_the_wanted_photo_is_made_manual() {
    // Berlin 2023 holds one photo, so PhotoPrism shows it as the automatic cover; a
    // manifest cover is a manual one (the automatic one moves when photos are added).
    for generation in GENERATIONS {
        let env = env(generation).await;
        let before = album_row(&env, BERLIN).await;
        assert_eq!(
            (before.thumb.as_str(), before.thumb_src.as_str()),
            (MARKET.1, "")
        );
        let manifest = r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    cover: { uid: psj4uo0zb6cn6z43 }
"#;
        let planned = env.plan(manifest).await.expect("plan");
        let [action] = planned.plan.actions.as_slice() else {
            panic!("one action: {}", text_of(&env, &planned.plan));
        };
        let Change::SetAlbumCover {
            old: Some(old),
            new,
            ..
        } = &action.change
        else {
            panic!("a cover change: {action:?}");
        };
        assert!(!old.manual && new.manual && old.hash == new.hash);
        assert!(text_of(&env, &planned.plan).contains("automatic: 2023/12/IMG_0101.jpg"));
        env.apply(manifest).await;
        env.assert_converged(manifest).await;
    }
}

#[tokio::test]
async fn a_hash_of_a_sidecar_file_means_the_photos_primary_file() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let primary = "0123456789abcdef0123456789abcdef01234567";
        let uid = env.emulator.seed_photo(PhotoSeed {
            uid: "psj4uo0raw000001".to_string(),
            hash: primary.to_string(),
            path: "2024/08".to_string(),
            file_name: "DSC_0001.jpg".to_string(),
            extra_files: vec!["DSC_0001.cr2".to_string()],
            taken_at: "2024-08-01T10:00:00Z".to_string(),
            ..PhotoSeed::default()
        });
        // The emulator derives sibling hashes from the primary one.
        let raw = hex::encode(Sha1::digest(format!("{primary}/DSC_0001.cr2").as_bytes()));
        let photo = env.client.photo(&uid).await.expect("seeded");
        assert!(
            photo.files.iter().any(|f| f.hash == raw && !f.primary),
            "{photo:?}"
        );
        for selector in [
            format!("{{ hash: {raw} }}"),
            "{ path: 2024/08/DSC_0001.cr2 }".to_string(),
        ] {
            let manifest = format!(
                "version: 1\nalbums:\n  berlin:\n    uid: {BERLIN}\n    title: Berlin 2023\n    cover: {selector}\n"
            );
            let planned = env.plan(&manifest).await.expect("plan");
            let cover = planned
                .plan
                .actions
                .iter()
                .find_map(|a| match &a.change {
                    Change::SetAlbumCover { new, .. } => Some(new.clone()),
                    _ => None,
                })
                .expect("a cover change");
            assert_eq!(cover.hash, primary, "{selector}");
            assert_eq!(
                cover.photo.as_ref().map(|p| p.uid.as_str()),
                Some(uid.as_str())
            );
        }
        let manifest = format!(
            "version: 1\nalbums:\n  berlin:\n    uid: {BERLIN}\n    title: Berlin 2023\n    cover: {{ hash: {raw} }}\n"
        );
        env.apply(&manifest).await;
        assert_eq!(album_row(&env, BERLIN).await.thumb, primary);
        env.assert_converged(&manifest).await;
    }
}

#[tokio::test]
async fn a_cover_that_matches_nothing_points_at_its_line() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    cover: { path: 2023/12/NOPE_0001.jpg }
"#,
        )
        .await;
    assert_snapshot!("cover_matches_nothing", text);
}

#[test]
fn a_query_or_a_pattern_is_not_a_cover() {
    for (cover, expected) in [
        ("{ query: \"label:cat\" }", "a `query` selector"),
        ("{ path: \"2024/07/*.jpg\" }", "path pattern"),
    ] {
        let text = format!("version: 1\nalbums:\n  x:\n    title: X\n    cover: {cover}\n");
        let error = prysm::manifest::parse_str("m.yaml", &text).expect_err("invalid");
        let rendered = prysm::manifest::render_problems(&error, false);
        assert!(rendered.contains("invalid_cover"), "{rendered}");
        assert!(rendered.contains(expected), "{rendered}");
        assert!(rendered.contains("m.yaml:5"), "{rendered}");
    }
}

#[test]
fn link_syntax_is_checked() {
    for (links, code) in [
        ("[ { password: hunter2hunter2 } ]", "inline_password"),
        ("[ { expires: soon } ]", "invalid_expires"),
        ("[ { max_views: -1 } ]", "invalid_max_views"),
        ("[ { slug: \"!!!\" } ]", "invalid_slug"),
        ("[ { slug: Trip }, { slug: trip } ]", "duplicate_link"),
        ("[ { password: { file: a, env: B } } ]", "password_source"),
        ("[ { tokn: x } ]", "unknown_field"),
    ] {
        let text = format!("version: 1\nalbums:\n  x:\n    title: X\n    links: {links}\n");
        let error = prysm::manifest::parse_str("m.yaml", &text).expect_err(links);
        let rendered = prysm::manifest::render_problems(&error, false);
        assert!(rendered.contains(code), "{links}: {rendered}");
        assert!(
            !rendered.contains("hunter2hunter2") || code != "inline_password" || {
                // The value is shown as the source line, which the user wrote; never elsewhere.
                rendered.matches("hunter2hunter2").count() == 1
            }
        );
    }
    let error = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nalbums:\n  x:\n    title: X\n    manage_links: true\n",
    )
    .expect_err("manage_links needs links");
    assert!(prysm::manifest::render_problems(&error, false).contains("manage_links_without_links"));
    let ok = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nalbums:\n  x:\n    title: X\n    links:\n      - { slug: \"Über Trip\", expires: 7d, max_views: 5 }\n      - { expires: 3600 }\n",
    )
    .expect("valid");
    let links = ok.albums[0].links.as_ref().expect("links");
    assert_eq!(links[0].server_slug(), "uber-trip");
    assert_eq!(links[0].expires, Some(604_800));
    assert_eq!(links[1].expires, Some(3600));
}

/// The plan's use of the share link delete budget, if any.
fn link_budget(plan: &Plan) -> Option<&BudgetUse> {
    plan.budgets
        .iter()
        .find(|budget_use| budget_use.budget == Budget::MaxLinkDeletes)
}

fn links_manifest(expires: &str, manage: bool) -> String {
    format!(
        r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    manage_links: {manage}
    links:
      - {{ slug: "Family 👪 Über", expires: {expires}, max_views: 5, password: {{ env: PRYSM_TEST_LINK_PASSWORD }} }}
      - {{ }}
"#
    )
}

#[tokio::test]
async fn links_are_created_updated_deleted_and_converge() {
    // SAFETY: the variable is set once, before any thread of this test reads it; no other
    // test reads or writes it.
    unsafe { std::env::set_var("PRYSM_TEST_LINK_PASSWORD", "s3cret-link-pässword") };
    for generation in GENERATIONS {
        let env = env(generation).await;
        // A link made in PhotoPrism, not declared: left alone unless links are managed.
        let foreign = env
            .client
            .create_album_link(
                BERLIN,
                &ShareLinkOptions {
                    slug: Some("friends".into()),
                    ..ShareLinkOptions::default()
                },
            )
            .await
            .expect("link");

        let manifest = links_manifest("7d", false);
        let planned = env.plan(&manifest).await.expect("plan");
        let text = text_of(&env, &planned.plan);
        assert_snapshot!(format!("links_first_plan_{generation:?}"), text);
        let json = serde_json::to_string(&planned.plan).expect("json");
        for secret in ["s3cret-link-pässword", foreign.token.as_str()] {
            assert!(!text.contains(secret) && !json.contains(secret));
        }

        let report = apply(
            &env.client,
            &planned.plan,
            &ApplyOptions::default(),
            &Silent,
        )
        .await;
        assert!(report.is_success(), "{}", report.render());
        let links = env.client.album_links(BERLIN).await.expect("links");
        assert_eq!(links.len(), 3);
        let family = links
            .iter()
            .find(|l| l.slug == "family-uber")
            .expect("family");
        assert_eq!(
            (family.expires, family.max_views, family.verify_password),
            (604_800, 5, true)
        );
        // Apply says where to find the new links, by UID, never by token.
        let notes: Vec<&str> = report
            .results
            .iter()
            .filter_map(|r| r.note.as_deref())
            .collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains(&family.uid) && n.contains("Share dialog"))
        );
        let report_json = serde_json::to_string(&report).expect("json");
        for link in &links {
            assert!(!report_json.contains(&link.token) && !report.render().contains(&link.token));
        }
        env.assert_converged(&manifest).await;

        // A new expiry: one update that sends every field (the form is not pre-filled).
        let manifest = links_manifest("12h", false);
        let planned = env.plan(&manifest).await.expect("plan");
        let [action] = planned.plan.actions.as_slice() else {
            panic!("one update: {}", text_of(&env, &planned.plan));
        };
        assert!(matches!(
            action.change,
            Change::ShareLink {
                op: LinkOp::Update,
                ..
            }
        ));
        assert!(text_of(&env, &planned.plan).contains("expires = \"7d\" -> \"12h\""));
        env.apply(&manifest).await;
        let links = env.client.album_links(BERLIN).await.expect("links");
        let family = links
            .iter()
            .find(|l| l.slug == "family-uber")
            .expect("family");
        assert_eq!(
            (family.expires, family.max_views, family.verify_password),
            (43_200, 5, true)
        );
        env.assert_converged(&manifest).await;

        // manage_links: the undeclared link would go, but deleting a link cuts off everyone
        // who has it: by default (max_link_deletes 0) the plan is refused.
        let manifest = links_manifest("12h", true);
        let refused = env.plan_text(&manifest).await;
        assert!(
            refused.contains("prysm::plan::max_link_deletes"),
            "{refused}"
        );
        assert!(
            refused.contains("manage_links: true") && refused.contains("\"friends\""),
            "points at the manage_links line and names the link: {refused}"
        );
        if generation == ApiGeneration::V2025 {
            assert_snapshot!("link_deletes_refused", refused);
        }
        // --allow-destroy passes it, and the plan shows the budget as passed.
        let planned = env
            .plan_with(
                &manifest,
                PlanOptions {
                    allow_destroy: true,
                    ..PlanOptions::default()
                },
            )
            .await
            .expect("allowed by --allow-destroy");
        let used = link_budget(&planned.plan).expect("budget shown");
        assert_eq!((used.used, used.limit, used.exceeded), (1, Some(0), true));
        assert!(
            text_of(&env, &planned.plan).contains(
                "share links deleted 1 of 0 (settings.max_link_deletes): over budget, passed by --allow-destroy"
            ),
            "{}",
            text_of(&env, &planned.plan)
        );
        // A raised budget lets an unattended apply delete it.
        let manifest = manifest.replace(
            "version: 1\n",
            "version: 1\nsettings:\n  max_link_deletes: 1\n",
        );
        let planned = env.plan(&manifest).await.expect("plan");
        let used = link_budget(&planned.plan).expect("budget shown");
        assert_eq!((used.used, used.limit, used.exceeded), (1, Some(1), false));
        let [action] = planned.plan.actions.as_slice() else {
            panic!("one delete: {}", text_of(&env, &planned.plan));
        };
        assert_eq!(action.address, "album.berlin.links.friends");
        assert!(matches!(
            action.change,
            Change::ShareLink {
                op: LinkOp::Delete,
                ..
            }
        ));
        env.apply(&manifest).await;
        let links = env.client.album_links(BERLIN).await.expect("links");
        assert_eq!(links.len(), 2);
        assert!(links.iter().all(|l| l.uid != foreign.uid));
        env.assert_converged(&manifest).await;
    }
}

#[tokio::test]
async fn links_of_a_new_album_wait_for_its_create() {
    let env = env(ApiGeneration::V2024).await;
    let manifest = r#"
version: 1
albums:
  porto:
    title: Porto
    links: [ { slug: porto } ]
"#;
    let planned = env.plan(manifest).await.expect("plan");
    let link = planned
        .plan
        .actions
        .iter()
        .find(|a| a.address == "album.porto.links.porto")
        .expect("link");
    assert_eq!(link.depends_on, vec![0]);
    let report = env.apply(manifest).await;
    assert!(report.is_success(), "{}", report.render());
    let porto = album_by_title(&env, "Porto").await;
    assert_eq!(
        env.client
            .album_links(&porto.uid)
            .await
            .expect("links")
            .len(),
        1
    );
    env.assert_converged(manifest).await;
}

#[tokio::test]
async fn links_are_read_only_for_albums_that_declare_them() {
    let env = env(ApiGeneration::V2025).await;
    env.emulator.reset_counts();
    env.plan(COVERS).await.expect("plan");
    let counts = env.emulator.request_counts();
    assert!(
        counts.keys().all(|route| !route.contains("links")),
        "{counts:?}"
    );
    env.emulator.reset_counts();
    env.plan(&links_manifest("7d", false)).await.expect("plan");
    let links: u64 = env
        .emulator
        .request_counts()
        .iter()
        .filter(|(route, _)| route.contains("links"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(links, 1);
}

#[tokio::test]
async fn undo_gives_back_the_automatic_cover() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let dir = tempfile::tempdir().expect("dir");
        let manifest = crate::support::manifest(
            r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    photos: [ { uid: psj4uo0zb6cn6z43 }, { uid: psj4uo0k9p34y6n3 } ]
    cover: { uid: psj4uo0zb6cn6z43 }
"#,
        );
        let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        let start = prysm::journal::start(
            &env.client,
            prysm::journal::Operation::Apply,
            &planned.plan,
            Vec::new(),
            prysm::journal::Before::default(),
        );
        let writer = prysm::journal::JournalWriter::create(dir.path(), &start).expect("journal");
        let journaled = prysm::journal::Journaled {
            inner: &Silent,
            writer: &writer,
        };
        let report = apply(
            &env.client,
            &planned.plan,
            &ApplyOptions::default(),
            &journaled,
        )
        .await;
        writer.finish(&report).expect("finish");
        assert_eq!(album_row(&env, BERLIN).await.thumb_src, "manual");

        let journal = prysm::journal::Journal::read(writer.path()).expect("read");
        let undo = prysm::undo::undo_plan(&env.client, &journal, Default::default())
            .await
            .expect("undo plan");
        let cover = undo
            .actions
            .iter()
            .find(|a| a.address == "album.berlin.cover")
            .expect("the cover is undone");
        let Change::SetAlbumCover { new, .. } = &cover.change else {
            panic!("{cover:?}");
        };
        assert!(!new.manual);
        let report = apply(&env.client, &undo, &ApplyOptions::default(), &Silent).await;
        assert!(report.is_success(), "{}", report.render());
        let row = album_row(&env, BERLIN).await;
        assert_eq!(row.thumb_src, "", "{generation:?}");
        // Automatic again: the newest qualifying member is back as the cover.
        assert!(!row.thumb.is_empty());
    }
}

#[tokio::test]
async fn export_writes_manual_covers_and_links_and_plans_nothing() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        env.client
            .set_album_cover(BERLIN, SUNSET.1)
            .await
            .expect("cover");
        let mut tokens = Vec::new();
        for options in [
            ShareLinkOptions {
                slug: Some("Weihnachtsmarkt Ü".into()),
                expires: 3600,
                max_views: 3,
                ..ShareLinkOptions::default()
            },
            ShareLinkOptions::default(),
            ShareLinkOptions {
                password: Some(prysm::photoprism::Secret::new("pw-for-export-test")),
                ..ShareLinkOptions::default()
            },
        ] {
            tokens.push(
                env.client
                    .create_album_link(BERLIN, &options)
                    .await
                    .expect("link")
                    .token,
            );
        }
        // A manual cover that is no photo's primary file cannot be written.
        let scratch = "as8muc0om1tma7v3";
        env.client
            .set_album_cover(scratch, "1111111111111111111111111111111111111111")
            .await
            .expect("cover");

        let text = prysm::export::export(&env.client, &Default::default())
            .await
            .expect("export");
        assert!(
            text.contains(&format!("cover: {{ hash: {} }}", SUNSET.1)),
            "{text}"
        );
        assert!(text.contains("slug: \"weihnachtsmarkt-u\", expires: 3600, max_views: 3"));
        assert!(text.contains("has a password"), "{text}");
        assert!(text.contains("cover \"1111111111111111111111111111111111111111\" is left out"));
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "{text}");
        }
        let manifest = crate::support::manifest(&text);
        env.assert_manifest_converged(&manifest).await;
    }
}

#[tokio::test]
async fn the_sharing_example_applies_and_converges() {
    const SHARING: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sharing");
    for generation in GENERATIONS {
        let env = env(generation).await;
        let manifest = prysm::manifest::load(&[SHARING.into()]).expect("the example is valid");
        assert!(manifest.albums.iter().all(|a| a.cover.is_some()));
        let report = env.apply_manifest(&manifest).await;
        assert!(report.is_success(), "{}", report.render());
        assert!(report.render().contains("Share dialog"));
        env.assert_manifest_converged(&manifest).await;
    }
}

#[tokio::test]
async fn covers_and_links_render_in_markdown_html_and_json() {
    let env = env(ApiGeneration::V2025).await;
    env.client
        .create_album_link(
            BERLIN,
            &ShareLinkOptions {
                slug: Some("old-friends".into()),
                ..ShareLinkOptions::default()
            },
        )
        .await
        .expect("link");
    env.client
        .create_album_link(
            BERLIN,
            &ShareLinkOptions {
                slug: Some("family".into()),
                expires: 60,
                ..ShareLinkOptions::default()
            },
        )
        .await
        .expect("link");
    let manifest = r#"
version: 1
settings:
  max_link_deletes: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    cover: { path: 2023/12/IMG_0102.jpg }
    manage_links: true
    links:
      - { slug: family, expires: 2d }
      - { slug: "Neue <Freunde> & Co", max_views: 3 }
"#;
    let planned = env.plan(manifest).await.expect("plan");
    let plan = &planned.plan;
    assert_eq!(plan.summary.add, 1);
    assert_eq!(plan.summary.change, 2);
    assert_eq!(plan.summary.destroy, 1);

    let markdown = prysm::render::render_markdown(plan, &Default::default())
        .replace(&env.emulator.url(), "http://emulator");
    assert_snapshot!("covers_and_links_markdown", markdown);
    // One section for the album, the link delete flagged as destructive.
    assert_eq!(markdown.matches("album.berlin`").count(), 1, "{markdown}");

    let html = prysm::render::render_html(plan, &Default::default(), &Default::default());
    for wanted in [
        "cover",
        "link family",
        "link neue-freunde-and-co",
        "link old-friends",
        "expires 1m",
    ] {
        assert!(html.contains(wanted), "{wanted} not in the page");
    }
    assert!(!html.contains("<Freunde>"));

    let json = prysm::render::render_json(plan);
    let back: prysm::plan::Plan = serde_json::from_str(&json).expect("plan JSON reads back");
    assert_eq!(&back, plan);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let kinds: Vec<&str> = value["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["kind"].as_str().expect("kind"))
        .collect();
    assert!(kinds.contains(&"set_album_cover") && kinds.contains(&"share_link"));
    assert_eq!(value["budgets"][0]["budget"], "max_link_deletes");
    assert_eq!(value["budgets"][0]["used"], 1);
    assert_eq!(value["budgets"][0]["limit"], 1);
    assert!(
        markdown.contains("| share links deleted | 1 | 1 | `max_link_deletes` | ✅ within |"),
        "{markdown}"
    );
}

/// Two albums whose links are managed, each with links the manifest does not declare.
fn two_managed_albums(lisbon: &str, settings: &str) -> String {
    format!(
        r#"
version: 1
{settings}albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    manage_links: true
    links: [ {{ slug: "Café 100%_off" }} ]
  lisbon:
    uid: {lisbon}
    title: "Lisboa ☀️ \"Verão\""
    manage_links: true
    links: []
"#
    )
}

#[tokio::test]
async fn link_deletes_are_counted_per_plan_across_albums() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let lisbon = env
            .client
            .create_album("Lisboa ☀️ \"Verão\"", false)
            .await
            .expect("album")
            .album
            .uid;
        for (album, slug) in [
            (BERLIN, "alte-freunde"),
            (lisbon.as_str(), "東京"),
            (lisbon.as_str(), ""),
        ] {
            env.client
                .create_album_link(
                    album,
                    &ShareLinkOptions {
                        slug: (!slug.is_empty()).then(|| slug.to_string()),
                        ..ShareLinkOptions::default()
                    },
                )
                .await
                .expect("link");
        }
        // Three deletes in two albums, one budget for the plan: 2 is not enough.
        let manifest = two_managed_albums(&lisbon, "settings:\n  max_link_deletes: 2\n");
        let refused = env.plan_text(&manifest).await;
        assert!(
            refused.contains("the plan would delete 3 share links, more than max_link_deletes = 2"),
            "{refused}"
        );
        assert_eq!(
            refused.matches("deletes 1 undeclared share link").count()
                + refused.matches("deletes 2 undeclared share links").count(),
            2,
            "both manage_links lines are pointed at: {refused}"
        );
        assert!(refused.contains("max_link_deletes: 2"), "{refused}");
        // Exactly the budget passes; the declared link is created, not counted.
        let manifest = two_managed_albums(&lisbon, "settings:\n  max_link_deletes: 3\n");
        let planned = env.plan(&manifest).await.expect("within budget");
        let used = link_budget(&planned.plan).expect("budget shown");
        assert_eq!((used.used, used.limit, used.exceeded), (3, Some(3), false));
        let report = env.apply(&manifest).await;
        assert!(report.is_success(), "{}", report.render());
        assert!(
            env.client
                .album_links(&lisbon)
                .await
                .expect("links")
                .is_empty()
        );
        let berlin = env.client.album_links(BERLIN).await.expect("links");
        assert_eq!(berlin.len(), 1);
        assert_eq!(berlin[0].slug, "cafe-100-_off");
        env.assert_converged(&manifest).await;
        // Nothing left to delete: no budget is used, and the default allows the plan.
        let planned = env
            .plan(&two_managed_albums(&lisbon, ""))
            .await
            .expect("plan");
        assert!(link_budget(&planned.plan).is_none());
    }
}

#[tokio::test]
async fn links_of_a_deleted_album_are_not_link_deletes() {
    let env = env(ApiGeneration::V2025).await;
    env.client
        .create_album_link(BERLIN, &ShareLinkOptions::default())
        .await
        .expect("link");
    // The album goes (max_destroy is not set: no limit); its link goes with it, which the
    // album delete budget covers, so the link budget (default 0) does not refuse it.
    let manifest = "version: 1\nalbums:\n  berlin:\n    uid: as6s6c045hu43jsi\n    title: Berlin 2023\n    state: absent\n";
    let planned = env.plan(manifest).await.expect("plan");
    assert!(link_budget(&planned.plan).is_none());
    assert!(
        planned
            .plan
            .budgets
            .iter()
            .any(|b| b.budget == Budget::MaxDestroy)
    );
}

#[test]
fn the_link_delete_budget_is_checked_and_defaults_to_zero() {
    let bad =
        prysm::manifest::parse_str("m.yaml", "version: 1\nsettings:\n  max_link_deletes: -1\n")
            .expect_err("invalid");
    let text = prysm::manifest::render_problems(&bad, false);
    assert!(
        text.contains("`max_link_deletes` must be between 0 and 4294967295, not -1"),
        "{text}"
    );
    let wrong = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nsettings:\n  max_link_deletes: \"5\"\n",
    )
    .expect_err("a string is not a number");
    assert!(prysm::manifest::render_problems(&wrong, false).contains("max_link_deletes"));
    let good =
        prysm::manifest::parse_str("m.yaml", "version: 1\nsettings:\n  max_link_deletes: 4\n")
            .expect("valid");
    assert_eq!(
        prysm::budget::Budgets::of(&good.settings).max_link_deletes,
        4
    );
    let defaults = prysm::budget::Budgets::of(&prysm::manifest::Settings::default());
    assert_eq!(defaults.max_link_deletes, 0);
}

#[tokio::test]
async fn links_without_a_slug_are_matched_by_their_settings_first() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        // Two links without a slug made in one second: PhotoPrism stamps `CreatedAt` to the
        // second and link UIDs are random within it, so nothing orders them.
        let create = |expires: i64| {
            let options = ShareLinkOptions {
                expires,
                max_views: 7,
                ..ShareLinkOptions::default()
            };
            let client = &env.client;
            async move {
                client
                    .create_album_link(BERLIN, &options)
                    .await
                    .expect("link")
            }
        };
        let (a, b) = loop {
            let a = create(0).await;
            let b = create(3_600).await;
            if a.created_at == b.created_at {
                break (a, b);
            }
            for link in [a, b] {
                env.client
                    .delete_album_link(BERLIN, &link.uid)
                    .await
                    .expect("delete");
            }
        };
        // Declared in the order opposite to their UIDs: matched by position (created at,
        // then UID), each would take the other's settings, and the next plan would swap
        // them back.
        let (first, second) = if a.uid < b.uid { (b, a) } else { (a, b) };
        let manifest = format!(
            "version: 1\nalbums:\n  berlin:\n    uid: {BERLIN}\n    title: Berlin 2023\n    \
             manage_links: true\n    links:\n      - {{ expires: {}, max_views: 7 }}\n      \
             - {{ expires: {}, max_views: 7 }}\n",
            first.expires, second.expires
        );
        env.assert_converged(&manifest).await;
    }
}
