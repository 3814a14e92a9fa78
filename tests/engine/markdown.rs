//! `prysm plan --markdown`: the example plan as a snapshot, and the output
//! parsed with a Markdown parser (pulldown-cmark, GitHub's dialect) to check
//! its structure: tables whose cells hold what they should, `<details>` that
//! open and close, no HTML but prysm's own, server and manifest text only
//! inside code, and a comment that stays under GitHub's size limit.

use insta::assert_snapshot;
use prysm::plan::{
    Action, AlbumRef, Change, DeleteReason, Effect, FieldChange, PhotoRef, Plan, Summary, Value,
};
use prysm::planner::PlanOptions;
use prysm::render::markdown::GITHUB_COMMENT_LIMIT;
use prysm::render::{MarkdownOptions, render_markdown};
use prysm_emulator::{AlbumSeed, ApiGeneration, PhotoSeed};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::support::{GENERATIONS, env};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");

/// What a Markdown parser sees in a comment.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Tables: the header cells, then each row's cells (text and code joined).
    pub tables: Vec<(Vec<String>, Vec<Vec<String>>)>,
    /// Headings' text (code spans included).
    pub headings: Vec<String>,
    /// Raw HTML, block and inline.
    pub html: Vec<String>,
    /// Inline code spans.
    pub code: Vec<String>,
    /// Fenced and indented code blocks: info string and content.
    pub blocks: Vec<(String, String)>,
    /// Plain text outside code.
    pub text: Vec<String>,
}

/// Parses Markdown the way GitHub does (tables, strikethrough, task lists).
pub fn parse(markdown: &str) -> Parsed {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    let mut parsed = Parsed::default();
    let mut cell: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut heading: Option<String> = None;
    let mut block: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Table(_)) => {
                header.clear();
                rows.clear();
            }
            Event::End(TagEnd::Table) => parsed
                .tables
                .push((std::mem::take(&mut header), std::mem::take(&mut rows))),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap_or_default()),
            Event::End(TagEnd::TableHead) => header = std::mem::take(&mut row),
            Event::End(TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => parsed.headings.extend(heading.take()),
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => parsed.blocks.extend(block.take()),
            Event::Html(html) | Event::InlineHtml(html) => parsed.html.push(html.to_string()),
            Event::Code(code) => {
                for open in [&mut cell, &mut heading] {
                    if let Some(open) = open.as_mut() {
                        open.push_str(&code);
                    }
                }
                parsed.code.push(code.to_string());
            }
            Event::Text(text) => {
                if let Some((_, content)) = block.as_mut() {
                    content.push_str(&text);
                    continue;
                }
                for open in [&mut cell, &mut heading] {
                    if let Some(open) = open.as_mut() {
                        open.push_str(&text);
                    }
                }
                parsed.text.push(text.to_string());
            }
            _ => {}
        }
    }
    parsed
}

/// The structure every Markdown plan must have: balanced `<details>` with
/// prysm's own summaries and no other HTML, and full table rows.
pub fn assert_well_formed(markdown: &str) -> Parsed {
    let parsed = parse(markdown);
    let mut open = 0usize;
    for html in &parsed.html {
        for line in html.lines().map(str::trim).filter(|line| !line.is_empty()) {
            if line == "</details>" {
                assert!(open > 0, "</details> without <details>:\n{markdown}");
                open -= 1;
            } else {
                let summary = line
                    .strip_prefix("<details><summary>")
                    .and_then(|rest| rest.strip_suffix("</summary>"));
                assert!(
                    summary.is_some_and(|summary| !summary.contains(['<', '>', '&'])),
                    "unexpected HTML {line:?} in:\n{markdown}"
                );
                open += 1;
            }
        }
    }
    assert_eq!(open, 0, "unclosed <details> in:\n{markdown}");
    for (header, rows) in &parsed.tables {
        for row in rows {
            assert_eq!(row.len(), header.len(), "row {row:?} under {header:?}");
            assert!(
                !row[0].is_empty(),
                "a row without a label: {row:?}\n{markdown}"
            );
        }
    }
    assert!(
        markdown.len() < GITHUB_COMMENT_LIMIT,
        "{} bytes",
        markdown.len()
    );
    parsed
}

#[tokio::test]
async fn example_plan_as_markdown() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("examples are valid");
        let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        let markdown = render_markdown(&planned.plan, &MarkdownOptions::default())
            .replace(&env.emulator.url(), "http://emulator");
        let parsed = assert_well_formed(&markdown);
        // Summary line, then the counts table and the budgets table.
        assert!(markdown.starts_with("### prysm plan: 2 to add, 7 to change, 1 to destroy\n"));
        assert_eq!(parsed.tables.len(), 2, "{markdown}");
        assert_eq!(parsed.tables[0].0, ["change", "actions", "photos"]);
        assert_eq!(parsed.tables[1].0[0], "budget");
        // Destructive sections first, flagged.
        let first_two: Vec<&str> = parsed.headings[1..3].iter().map(String::as_str).collect();
        assert_eq!(
            first_two,
            [
                "⚠️ Archive 1 photo",
                "⚠️ 🗑️ Delete album Scratch · album.scratch"
            ],
            "{markdown}"
        );
        if generation == ApiGeneration::V2025 {
            assert_snapshot!("example_plan_markdown", markdown);
        }
    }
}

#[tokio::test]
async fn an_empty_plan_says_so() {
    let env = env(ApiGeneration::V2025).await;
    let planned = env
        .plan("version: 1\nalbums:\n  berlin:\n    title: Berlin 2023\n")
        .await
        .expect("plan");
    let markdown = render_markdown(&planned.plan, &MarkdownOptions::default())
        .replace(&env.emulator.url(), "http://emulator");
    assert_snapshot!(markdown, @r"
    ### prysm plan: no changes

    The library matches the manifest.

    Server `http://emulator/` · prysm `0.1.0` · 0 actions
    ");
}

/// Text a server or a manifest may hold that would break Markdown, ping
/// people or inject HTML if it were not escaped.
const HOSTILE_ALBUM: &str = "Evil | `tick` <script>alert(1)</script> @octocat #1\nsecond line";
const HOSTILE_PRUNED: &str = "</details><img src=x onerror=alert(1)>\n## not a heading";
const HOSTILE_TITLE: &str = "Ünïcödé 東京 🎉 Пример 100% _x_ | ``` fence ` end";
const HOSTILE_PHOTO_TITLE: &str = "@octocat <b>bold</b> | `x` [link](http://evil)";
const HOSTILE_FILE: &str = "IMG_|_`q`_<b>.jpg";
const HOSTILE_QUERY: &str = "label:`|<b>x";

#[tokio::test]
async fn hostile_titles_names_and_queries_stay_inside_code() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let hostile_photo = env.emulator.seed_photo(PhotoSeed {
            file_name: HOSTILE_FILE.to_string(),
            path: "2024/07".to_string(),
            labels: vec!["weird".to_string()],
            taken_at: "2024-07-01T10:00:00Z".to_string(),
            ..PhotoSeed::default()
        });
        env.emulator.seed_album(AlbumSeed {
            uid: "as8muc0om1tma7e1".to_string(),
            title: HOSTILE_ALBUM.to_string(),
            photos: vec![hostile_photo.clone(), "psj4uo0k9p34y6n3".to_string()],
            ..AlbumSeed::default()
        });
        env.emulator.seed_album(AlbumSeed {
            title: HOSTILE_PRUNED.to_string(),
            ..AlbumSeed::default()
        });
        let manifest = format!(
            r#"
version: 1
settings:
  prune: true
albums:
  evil:
    uid: as8muc0om1tma7e1
    title: {title:?}
    description: "first line\n```\n<details>\n@octocat\n"
    photos:
      - query: {query:?}
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
photos:
  - match: {{ uid: {hostile_photo} }}
    title: {photo_title:?}
    caption: "line one\nline two | `three`\n"
"#,
            title = HOSTILE_TITLE,
            query = HOSTILE_QUERY,
            photo_title = HOSTILE_PHOTO_TITLE,
        );
        let planned = env
            .plan_with(
                &manifest,
                PlanOptions {
                    allow_destroy: true,
                    ..PlanOptions::default()
                },
            )
            .await
            .expect("plan");
        let markdown = render_markdown(&planned.plan, &MarkdownOptions::default());
        let parsed = assert_well_formed(&markdown);

        // Nothing from the server or the manifest reaches plain text.
        for text in &parsed.text {
            for marker in [
                "octocat", "<script", "onerror", "<b>", "](http", "東京", "IMG_",
            ] {
                assert!(
                    !text.contains(marker),
                    "{marker} in text {text:?}:\n{markdown}"
                );
            }
        }
        // ...but all of it is shown, exactly, in code (newlines as \n).
        let shown = |wanted: &str| {
            parsed.code.iter().any(|code| code.contains(wanted))
                || parsed
                    .blocks
                    .iter()
                    .any(|(_, block)| block.contains(wanted))
        };
        for wanted in [
            HOSTILE_TITLE.to_string(),
            // The old title has two lines: it is shown as a diff.
            format!("- {}", HOSTILE_ALBUM.lines().next().unwrap_or_default()),
            // PhotoPrism drops the `<` and `>` around a title.
            "img src=x onerror=alert(1)".to_string(),
            HOSTILE_FILE.to_string(),
            format!("{HOSTILE_PHOTO_TITLE:?}"),
        ] {
            assert!(shown(&wanted), "{wanted:?} not shown in code:\n{markdown}");
        }
        // The query, with its `|` and backtick, fills one table cell exactly.
        let budgets = parsed
            .tables
            .iter()
            .find(|(header, _)| header[0] == "budget")
            .expect("budget table");
        let query_row = budgets
            .1
            .iter()
            .find(|row| row[0].starts_with("query "))
            .expect("empty-query row");
        assert_eq!(
            query_row[0],
            format!("query {HOSTILE_QUERY} matches nothing in album.evil.photos"),
            "{markdown}"
        );
        // Multi-line texts are diffs whose fence no line of the text closes.
        let diff = parsed
            .blocks
            .iter()
            .find(|(info, content)| info == "diff" && content.contains("first line"))
            .expect("description diff");
        assert!(
            diff.1.contains("+ ```\n+ <details>\n+ @octocat\n"),
            "{}",
            diff.1
        );
        let caption = parsed
            .blocks
            .iter()
            .find(|(_, content)| content.contains("line one"))
            .expect("caption diff");
        assert!(caption.1.contains("+ line two | `three`"), "{}", caption.1);
        // The pruned and the renamed albums are both there, destructive first.
        assert!(
            parsed.headings[1].starts_with("⚠️"),
            "{:?}",
            parsed.headings
        );
        assert!(
            parsed
                .headings
                .iter()
                .any(|h| h.contains("onerror=alert(1)")),
            "{:?}",
            parsed.headings
        );
    }
}

/// A synthetic plan: one album delete, one album losing `removed` photos, and
/// `updates` photos each getting its own title (one section each).
fn big_plan(removed: usize, updates: usize, description_lines: usize) -> Plan {
    let photo = |i: usize| PhotoRef {
        uid: format!("p{i:015}"),
        name: format!("2024/07/IMG_{i:05}.jpg"),
    };
    let album = |key: &str, uid: &str| AlbumRef {
        key: Some(key.to_string()),
        uid: Some(uid.to_string()),
        title: key.to_string(),
    };
    let mut changes = vec![
        Change::DeleteAlbum {
            album: album("old", "a000000000000001"),
            reason: DeleteReason::Absent,
            photo_count: 3,
        },
        Change::RemovePhotos {
            album: album("big", "a000000000000002"),
            photos: (0..removed).map(photo).collect(),
        },
    ];
    if description_lines > 0 {
        let text: String = (0..description_lines)
            .map(|i| format!("line {i} of a long description\n"))
            .collect();
        changes.push(Change::UpdateAlbum {
            album: album("long", "a000000000000003"),
            fields: vec![FieldChange {
                field: "description".to_string(),
                old: Some(Value::Text("short\ntext\n".to_string())),
                new: Value::Text(text),
            }],
        });
    }
    for i in 0..updates {
        changes.push(Change::UpdatePhoto {
            photo: photo(100_000 + i),
            fields: vec![FieldChange {
                field: "title".to_string(),
                old: Some(Value::Text(String::new())),
                new: Value::Text(format!("Photo number {i}")),
            }],
            archived: false,
            label_refs: Vec::new(),
        });
    }
    let actions: Vec<Action> = changes
        .into_iter()
        .enumerate()
        .map(|(id, change)| Action {
            id,
            address: prysm::graph::address(&change),
            effect: change.effect(),
            change,
            depends_on: Vec::new(),
            cause: None,
        })
        .collect();
    Plan {
        format_version: 1,
        prysm_version: "0.1.0".to_string(),
        server: "http://photos.example/".to_string(),
        fingerprint: String::new(),
        summary: Summary::of(&actions),
        actions,
        budgets: Vec::new(),
        conflicts: Vec::new(),
        warnings: Vec::new(),
    }
}

#[test]
fn a_huge_plan_is_cut_under_the_limit_and_says_what_it_left_out() {
    let plan = big_plan(5_000, 3_000, 0);
    let options = MarkdownOptions {
        full_plan_command: "prysm show plan.json".to_string(),
        ..MarkdownOptions::default()
    };
    let markdown = render_markdown(&plan, &options);
    assert!(markdown.len() <= options.max_bytes, "{}", markdown.len());
    let parsed = assert_well_formed(&markdown);
    // The counts cover the whole plan.
    assert!(
        parsed.tables[0]
            .1
            .iter()
            .any(|row| row[0].contains("remove photos") && row[2] == "5,000"),
        "{:?}",
        parsed.tables[0]
    );
    // Destructive sections survive the cut.
    assert!(
        parsed.headings[1].contains("Delete album"),
        "{:?}",
        &parsed.headings[..3]
    );
    assert!(
        parsed.headings[2].contains("album.big"),
        "{:?}",
        &parsed.headings[..3]
    );
    // The note says how many photo names and sections were left out, and how to see them.
    let note = markdown
        .split("This comment is shortened")
        .nth(1)
        .expect("a note about the cut");
    assert!(note.contains("`prysm show plan.json`"), "{note}");
    let shown_sections = parsed.headings.len() - 1;
    let left_out: usize = note
        .split(" sections with ")
        .next()
        .and_then(|before| before.rsplit(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .expect("a count of left-out sections");
    assert_eq!(shown_sections + left_out, 3_002, "{note}");
    let list_cut = markdown.contains("more, left out to keep this comment short");
    assert!(list_cut, "the long removal list is shortened");
}

#[test]
fn a_plan_that_fits_is_not_cut() {
    let plan = big_plan(300, 100, 0);
    let markdown = render_markdown(&plan, &MarkdownOptions::default());
    assert!(!markdown.contains("shortened"), "{markdown}");
    let parsed = assert_well_formed(&markdown);
    // Every removed photo is listed, folded.
    let listed = parsed
        .code
        .iter()
        .filter(|code| code.starts_with("2024/07/IMG_0"))
        .count();
    assert_eq!(listed, 300);
    assert!(markdown.contains("<details><summary>⚠️ 300 photos removed from the album</summary>"));
}

#[test]
fn a_section_too_big_for_a_small_limit_is_left_out_whole() {
    let plan = big_plan(3, 2, 400);
    let options = MarkdownOptions {
        max_bytes: 6_000,
        ..MarkdownOptions::default()
    };
    let markdown = render_markdown(&plan, &options);
    assert!(markdown.len() <= 6_000, "{}", markdown.len());
    let parsed = assert_well_formed(&markdown);
    assert!(
        !parsed.headings.iter().any(|h| h.contains("album.long")),
        "{markdown}"
    );
    assert!(
        markdown.contains("1 section with 1 action (`album.long`)"),
        "{markdown}"
    );
    // The photo updates after it still fit and are shown.
    assert!(
        parsed
            .headings
            .iter()
            .any(|h| h.contains("photo.p000000000100001")),
        "{markdown}"
    );
}

#[test]
fn effects_are_counted_by_kind() {
    let plan = big_plan(2, 3, 1);
    let markdown = render_markdown(&plan, &MarkdownOptions::default());
    let parsed = assert_well_formed(&markdown);
    let rows: Vec<(String, String, String)> = parsed.tables[0]
        .1
        .iter()
        .map(|row| (row[0].clone(), row[1].clone(), row[2].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("⚠️ delete album".into(), "1".into(), "3".into()),
            ("⚠️ remove photos from album".into(), "1".into(), "2".into()),
            ("✏️ update album".into(), "1".into(), String::new()),
            ("✏️ update photo".into(), "3".into(), "3".into()),
        ]
    );
    assert_eq!(plan.actions[0].effect, Effect::Destroy);
}

#[test]
fn readme_shows_the_current_outputs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    for snapshot in [
        "engine__markdown__example_plan_markdown.snap",
        "engine__review__graph_mermaid.snap",
        "engine__review__graph_dot.snap",
    ] {
        let text = std::fs::read_to_string(root.join("tests/engine/snapshots").join(snapshot))
            .expect("snapshot");
        let body = text.splitn(3, "---\n").nth(2).expect("snapshot body");
        assert!(
            readme.contains(body.trim_end()),
            "README.md does not show the current {snapshot}; copy it from the snapshot"
        );
    }
}

#[test]
fn even_a_pathological_header_is_cut_under_the_limit() {
    let mut plan = big_plan(1, 1, 0);
    // A server URL as long as the whole comment may be.
    plan.server = format!("http://{}/", "x".repeat(10_000));
    let options = MarkdownOptions {
        max_bytes: 5_000,
        ..MarkdownOptions::default()
    };
    let markdown = render_markdown(&plan, &options);
    assert!(markdown.len() <= 5_000, "{}", markdown.len());
    assert!(
        markdown.contains("The rest of this plan is left out"),
        "{markdown}"
    );
    assert!(markdown.starts_with("### prysm plan: 0 to add, 2 to change, 1 to destroy\n"));
}
