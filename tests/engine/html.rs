//! The HTML plan (`prysm plan --html`, `prysm show --html`): thumbnails from the
//! emulator's thumbnail endpoint, embedded as data URIs; the page checked in a
//! real headless Chromium (every thumbnail decodes, no network request).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use insta::assert_snapshot;
use prysm::photoprism::ThumbnailError;
use prysm::plan::{
    Action, AlbumRef, Change, DeleteReason, FieldChange, PhotoRef, Plan, Summary, Value,
};
use prysm::render::html::{self, HtmlOptions, Preview, Previews};
use prysm_emulator::Emulator;

use crate::support::{GENERATIONS, env};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");

fn prysm(emulator: &Emulator) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("PHOTOPRISM_TOKEN")
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The body of the page (the stylesheet left out), for snapshots.
fn body_of(page: &str) -> &str {
    let start = page.find("<body>").expect("body");
    &page[start..]
}

/// Chromium from the PATH (`chromium`, as Debian names it, or the other usual names).
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs headless Chromium on `page` with every network request sent to a
/// proxy that does not exist, and returns the DOM after load.
fn dump_dom(chromium: &Path, page: &Path, profile: &Path) -> String {
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_html_embeds_a_thumbnail_of_every_photo_and_leaves_text_and_json_alone() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let page_path = dir.path().join("plan.html");
        let plain = prysm(&env.emulator)
            .args(["plan", "-f", EXAMPLES])
            .output()
            .expect("runs");
        let with_html = prysm(&env.emulator)
            .args(["plan", "-f", EXAMPLES, "--html"])
            .arg(&page_path)
            .output()
            .expect("runs");
        assert!(with_html.status.success(), "{}", text(&with_html.stderr));
        assert_eq!(
            text(&plain.stdout),
            text(&with_html.stdout),
            "text unchanged"
        );
        assert!(
            text(&with_html.stderr).contains("Wrote the HTML plan to"),
            "{}",
            text(&with_html.stderr)
        );
        let json = |extra: &[&str]| {
            let out = prysm(&env.emulator)
                .args(["plan", "-f", EXAMPLES, "--json"])
                .args(extra)
                .output()
                .expect("runs");
            text(&out.stdout)
        };
        let other = dir.path().join("other.html");
        assert_eq!(
            json(&[]),
            json(&["--html", other.to_str().expect("utf-8")]),
            "JSON unchanged"
        );

        let page = std::fs::read_to_string(&page_path).expect("page written");
        assert!(page.contains(html::CSP), "CSP meta tag");
        let images = page.matches("<img ").count();
        assert!(images >= 5, "thumbnails embedded: {images}");
        assert_eq!(
            images,
            page.matches("src=\"data:image/jpeg;base64,").count()
        );
        assert!(!page.contains("<script"), "no JavaScript");
        assert!(!page.contains("href="), "no links");
        assert!(!page.contains("src=\"http"), "no remote sources");
        assert!(!page.contains("url("), "no CSS fetches");
        let token = env.client.tokens().expect("tokens").preview;
        assert!(!page.contains(token.expose()), "preview token not in page");
        assert!(!page.contains("/api/v1/t/"), "no thumbnail URL in page");
        // Destructive changes come first.
        let destructive = page
            .find("id=\"destructive\"")
            .expect("destructive section");
        let albums = page.find("id=\"albums\"").expect("albums section");
        assert!(destructive < albums);
        // Handy for the README screenshot: copy the page somewhere.
        if let Some(copy) = std::env::var_os("PRYSM_HTML_EXAMPLE_OUT") {
            std::fs::copy(&page_path, copy).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_renders_in_headless_chromium_with_every_thumbnail_decoded_and_no_network() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED the_page_renders_in_headless_chromium…: chromium not found on PATH \
             (install it with `apt-get install -y chromium`; .ci/run does)"
        );
        return;
    };
    let env = env(prysm_emulator::ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let page_path = dir.path().join("plan.html");
    let out = prysm(&env.emulator)
        .args(["plan", "-f", EXAMPLES, "--html"])
        .arg(&page_path)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&page_path).expect("page");
    let images = page.matches("<img ").count();
    assert!(images > 0);

    // 1. The page as written: its content shows without JavaScript.
    let dom = dump_dom(&chromium, &page_path, &dir.path().join("profile-a"));
    assert!(dom.contains("Destructive changes"), "{dom}");
    assert!(dom.contains("id=\"summary\""), "{dom}");

    // 2. A copy with a checking script (the page itself forbids scripts): every
    // image decoded, and no resource other than data: URIs was requested.
    let check = r#"<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length;
  const fetched = performance.getEntriesByType('resource')
    .filter(e => !e.name.startsWith('data:')).length;
  const div = document.createElement('div');
  div.id = 'prysm-check';
  div.textContent = `images=${imgs.length} broken=${broken} fetched=${fetched}`;
  document.body.appendChild(div);
});
</script>"#;
    let checked = page
        .replace(
            html::CSP,
            &format!("{}; script-src 'unsafe-inline'", html::CSP),
        )
        .replace("</body>", &format!("{check}</body>"));
    let checked_path = dir.path().join("checked.html");
    std::fs::write(&checked_path, checked).expect("write");
    let dom = dump_dom(&chromium, &checked_path, &dir.path().join("profile-b"));
    let expected = format!("images={images} broken=0 fetched=0");
    assert!(dom.contains(&expected), "expected `{expected}` in:\n{dom}");
}

#[tokio::test(flavor = "multi_thread")]
async fn show_html_reads_thumbnails_from_the_plans_server_or_refuses_another() {
    let env = env(prysm_emulator::ApiGeneration::V2024).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("plan.json");
    let page = dir.path().join("show.html");
    let made = prysm(&env.emulator)
        .args(["plan", "-f", EXAMPLES, "--out"])
        .arg(&saved)
        .output()
        .expect("runs");
    assert!(made.status.success(), "{}", text(&made.stderr));
    let shown = prysm(&env.emulator)
        .arg("show")
        .arg(&saved)
        .arg("--html")
        .arg(&page)
        .output()
        .expect("runs");
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let html_text = std::fs::read_to_string(&page).expect("page");
    assert!(html_text.matches("data:image/jpeg;base64,").count() >= 5);
    assert!(html_text.contains("saved plan"));

    // Offline: placeholders, and nothing contacts a server.
    let offline = dir.path().join("offline.html");
    let out = Command::cargo_bin("prysm")
        .expect("binary")
        .env("PHOTOPRISM_URL", "http://127.0.0.1:9")
        .arg("show")
        .arg(&saved)
        .arg("--html")
        .arg(&offline)
        .arg("--no-thumbnails")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let offline = std::fs::read_to_string(&offline).expect("page");
    assert!(!offline.contains("<img "));
    assert!(offline.contains("--no-thumbnails"));

    // Another server: refused, with the way out.
    let other = Emulator::start(Default::default()).await.expect("emulator");
    let out = prysm(&other)
        .arg("show")
        .arg(&saved)
        .arg("--html")
        .arg(dir.path().join("x.html"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--no-thumbnails"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn the_emulator_answers_thumbnails_as_photoprism_does() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let photo = env
            .client
            .all_photos(Default::default())
            .await
            .expect("photos")
            .into_iter()
            .next()
            .expect("a photo");
        let hash = photo.hash.clone();
        let thumb = env
            .client
            .thumbnail(&hash, "tile_224")
            .await
            .expect("thumb");
        assert_eq!(thumb.content_type, "image/jpeg");
        assert_eq!(thumb.raster_mime(), Some("image/jpeg"));
        let again = env
            .client
            .thumbnail(&hash, "tile_224")
            .await
            .expect("thumb");
        assert_eq!(thumb, again, "deterministic");
        let small = env
            .client
            .thumbnail(&hash, "tile_100")
            .await
            .expect("thumb");
        assert!(small.bytes.len() < thumb.bytes.len());

        // Unknown hash: 200 with an SVG icon (no raster image).
        let missing = env
            .client
            .thumbnail("0000000000000000000000000000000000000000", "tile_224")
            .await
            .expect("200");
        assert_eq!(missing.content_type, "image/svg+xml");
        assert_eq!(missing.raster_mime(), None);

        let token = env.client.tokens().expect("tokens").preview;
        let http = reqwest::Client::new();
        let get = |path: String| {
            let http = http.clone();
            let url = format!("{}/api/v1/t/{path}", env.emulator.url());
            async move { http.get(url).send().await.expect("answer") }
        };
        // Unknown size: 200 with an SVG icon.
        let res = get(format!("{hash}/{}/tile_999", token.expose())).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/svg+xml");
        // Bad token: 403 with an SVG icon.
        let res = get(format!("{hash}/wrongtok/tile_224")).await;
        assert_eq!(res.status(), 403);
        assert_eq!(res.headers()["content-type"], "image/svg+xml");
        assert!(text(&res.bytes().await.expect("body")).contains("<svg"));

        // The client refuses sizes PhotoPrism does not know.
        assert!(matches!(
            env.client.thumbnail(&hash, "tile_999").await,
            Err(ThumbnailError::UnknownSize(_))
        ));
    }
}

fn photo(i: usize, name: &str) -> PhotoRef {
    PhotoRef {
        uid: format!("pt{i:014}"),
        name: name.to_string(),
    }
}

fn album(key: &str, uid: Option<&str>, title: &str) -> AlbumRef {
    AlbumRef {
        key: Some(key.to_string()),
        uid: uid.map(str::to_string),
        title: title.to_string(),
    }
}

fn plan_of(changes: Vec<(&str, Change)>) -> Plan {
    let actions: Vec<Action> = changes
        .into_iter()
        .enumerate()
        .map(|(id, (address, change))| Action {
            id,
            address: address.to_string(),
            effect: change.effect(),
            change,
            depends_on: Vec::new(),
            cause: None,
        })
        .collect();
    Plan {
        format_version: 1,
        prysm_version: "0.1.0".to_string(),
        server: "http://photos.example:2342".to_string(),
        fingerprint: "f".repeat(16),
        summary: Summary::of(&actions),
        actions,
        budgets: Vec::new(),
        conflicts: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Names users really give: markup, quotes, accents, Cyrillic, CJK, emoji, SQL wildcards, empty.
fn nasty_plan() -> Plan {
    let names = [
        "2024/<script>alert(1)</script>.jpg",
        "Ёлка \"зимой\" & 'ночью'.jpg",
        "東京_夜景 🎆 100%.heic",
        "",
    ];
    let photos: Vec<PhotoRef> = names
        .iter()
        .enumerate()
        .map(|(i, name)| photo(i, name))
        .collect();
    plan_of(vec![
        (
            "album.old",
            Change::DeleteAlbum {
                album: album("old", Some("as0000000000old1"), "Old </h3><b>bold</b>"),
                reason: DeleteReason::Absent,
                photo_count: 7,
            },
        ),
        (
            "album.trips",
            Change::UpdateAlbum {
                album: album("trips", Some("as000000000trips"), "Trips ✈️"),
                fields: vec![FieldChange {
                    field: "caption".to_string(),
                    old: Some(Value::Text("a <i>b</i>".to_string())),
                    new: Value::Text("line one\nline \u{202e}two".to_string()),
                }],
            },
        ),
        (
            "album.trips.photos",
            Change::AddPhotos {
                album: album("trips", Some("as000000000trips"), "Trips ✈️"),
                photos: photos[..2].to_vec(),
            },
        ),
        (
            "album.trips.photos",
            Change::RemovePhotos {
                album: album("trips", Some("as000000000trips"), "Trips ✈️"),
                photos: photos[2..3].to_vec(),
            },
        ),
        (
            "album.new",
            Change::CreateAlbum {
                album: album("new", None, "Neu: Ölfeld_%"),
                fields: vec![FieldChange {
                    field: "favorite".to_string(),
                    old: None,
                    new: Value::Bool(true),
                }],
                photos: photos[3..].to_vec(),
                exact: true,
                note: None,
            },
        ),
        (
            "photo.pt00000000000001",
            Change::UpdatePhoto {
                photo: photos[1].clone(),
                fields: vec![FieldChange {
                    field: "title".to_string(),
                    old: Some(Value::Text(String::new())),
                    new: Value::Text("Ёлка <3".to_string()),
                }],
                archived: false,
                label_refs: Vec::new(),
            },
        ),
        (
            "photo.pt00000000000000",
            Change::ArchivePhoto {
                photo: photos[0].clone(),
            },
        ),
        (
            "photo.pt00000000000002",
            Change::RestorePhoto {
                photo: photos[2].clone(),
            },
        ),
    ])
}

fn fake_previews(plan: &Plan) -> Previews {
    html::photos_to_show(plan, &HtmlOptions::default())
        .into_iter()
        .enumerate()
        .map(|(i, uid)| {
            let preview = if i == 3 {
                Preview::Unavailable("the photo has no file".to_string())
            } else {
                Preview::Image {
                    mime: "image/jpeg",
                    bytes: vec![0xff, 0xd8, 0xff, i as u8],
                }
            };
            (uid, preview)
        })
        .collect()
}

#[test]
fn html_structure_snapshot_with_escaped_names() {
    let plan = nasty_plan();
    let page = html::render(&plan, &HtmlOptions::default(), &fake_previews(&plan));
    assert!(!page.contains("<script>alert"), "names are escaped");
    assert!(!page.contains("<b>bold</b>"), "titles are escaped");
    assert!(
        !page.contains('\u{202e}'),
        "direction controls shown as escapes"
    );
    assert!(page.contains("Ёлка &quot;зимой&quot; &amp; &#39;ночью&#39;.jpg"));
    assert!(page.contains("東京_夜景 🎆 100%.heic"));
    assert_snapshot!("html_plan_body", body_of(&page));
}

#[test]
fn long_lists_are_capped_and_the_page_keeps_to_its_size_budget() {
    let photos: Vec<PhotoRef> = (0..300)
        .map(|i| photo(i, &format!("IMG_{i:04}.jpg")))
        .collect();
    let plan = plan_of(vec![(
        "album.big.photos",
        Change::AddPhotos {
            album: album("big", Some("as0000000000big1"), "Big"),
            photos,
        },
    )]);
    let options = HtmlOptions {
        per_album: 50,
        max_bytes: 60_000,
        ..HtmlOptions::default()
    };
    let shown = html::photos_to_show(&plan, &options);
    assert_eq!(shown.len(), 50, "only the capped photos are fetched");
    let previews: Previews = shown
        .iter()
        .map(|uid| {
            (
                uid.clone(),
                Preview::Image {
                    mime: "image/jpeg",
                    bytes: vec![0xab; 3_000],
                },
            )
        })
        .collect();
    let page = html::render(&plan, &options, &previews);
    assert!(page.contains("and 250 more photos"), "cap named");
    assert!(page.len() <= options.max_bytes, "{} bytes", page.len());
    let embedded = page.matches("<img ").count();
    assert!(embedded > 0 && embedded < 50, "{embedded} embedded");
    assert!(
        page.contains(&format!(
            "{} thumbnails left out to keep the page under 58 KiB",
            50 - embedded
        )),
        "budget named"
    );
    // Without a budget problem every capped thumbnail is embedded.
    let roomy = HtmlOptions {
        per_album: 50,
        ..HtmlOptions::default()
    };
    assert_eq!(
        html::render(&plan, &roomy, &previews)
            .matches("<img ")
            .count(),
        50
    );
}

#[test]
fn an_empty_plan_says_so() {
    let plan = plan_of(Vec::new());
    let page = html::render(&plan, &HtmlOptions::default(), &Previews::new());
    assert!(page.contains("No changes. The library matches the manifest."));
    assert!(!page.contains("<img "));
}

const CI_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/ci/prysm-ci.sh");

#[tokio::test(flavor = "multi_thread")]
async fn ci_recipe_writes_the_page_and_the_comment_says_where_it_is() {
    let env = env(prysm_emulator::ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("prysm-plan");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_prysm"));
    let bin_dir = bin.parent().expect("bin dir").to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let url = env.emulator.url();
    let run = move |extra: Vec<(&'static str, &'static str)>| {
        let mut cmd = std::process::Command::new("bash");
        cmd.arg(CI_SCRIPT)
            .arg("plan")
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("PHOTOPRISM_URL", &url)
            .env("PHOTOPRISM_USERNAME", "admin")
            .env("PHOTOPRISM_PASSWORD", "photoprism")
            .env_remove("PHOTOPRISM_TOKEN")
            .env_remove("PRYSM_PAGE_URL")
            .env_remove("GITHUB_RUN_ID")
            .env_remove("GITHUB_REPOSITORY")
            .env("PRYSM_MANIFESTS", EXAMPLES)
            .env("PRYSM_OUT", &out)
            .envs(extra);
        let output = cmd.output().expect("bash runs");
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        (
            std::fs::read_to_string(out.join("comment.md")).expect("comment"),
            std::fs::read_to_string(out.join("plan.html")).expect("plan.html beside the comment"),
        )
    };
    let (github, gitlab, page) = tokio::task::spawn_blocking(move || {
        let (github, page) = run(vec![
            ("GITHUB_RUN_ID", "4242"),
            ("GITHUB_REPOSITORY", "me/photos"),
            ("GITHUB_SERVER_URL", "https://github.com"),
        ]);
        let (gitlab, _) = run(vec![(
            "PRYSM_PAGE_URL",
            "https://gitlab.example/me/photos/-/jobs/7/artifacts/file/prysm-plan/plan.html",
        )]);
        (github, gitlab, page)
    })
    .await
    .expect("join");
    assert!(
        github.contains(
            "download the `prysm-plan-page` artifact of \
             [this run](https://github.com/me/photos/actions/runs/4242)"
        ),
        "{github}"
    );
    crate::markdown::assert_well_formed(&github);
    assert!(
        gitlab.contains(
            "[plan.html](https://gitlab.example/me/photos/-/jobs/7/artifacts/file/prysm-plan/plan.html)"
        ),
        "{gitlab}"
    );
    assert!(page.matches("data:image/jpeg;base64,").count() >= 5);
}

#[tokio::test]
async fn a_failed_thumbnail_never_shows_the_preview_token() {
    let env = env(prysm_emulator::ApiGeneration::V2025).await;
    let hash = env
        .client
        .all_photos(Default::default())
        .await
        .expect("photos")
        .into_iter()
        .next()
        .expect("a photo")
        .hash;
    let token = env.client.tokens().expect("tokens").preview;
    env.emulator
        .fail_next("GET /api/v1/t/:hash/:token/:size", 1, 403);
    let error = env
        .client
        .thumbnail(&hash, "tile_224")
        .await
        .expect_err("403");
    assert!(
        matches!(
            error,
            ThumbnailError::Request {
                status: Some(403),
                ..
            }
        ),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(token.expose()), "{shown}");
}
