//! Apply against a real PhotoPrism when `PRYSM_TEST_URL`, `PRYSM_TEST_USERNAME`
//! and `PRYSM_TEST_PASSWORD` are set (skipped otherwise). The same scenario
//! also runs against the emulator, so it is exercised on every CI run.
//!
//! The scenario uploads its own generated images and manages only albums and labels whose
//! names carry a unique `prysm-test-` prefix. Every selector in its manifests names its own
//! photos (by UID, hash, its own album, or a path pattern built from where its uploads
//! landed), and each plan is checked to resolve to nothing else. At the end it removes its
//! albums (with their share links), its labels and its uploaded photos, also when a check
//! fails.
//!
//! Stages, each followed by plan -> apply -> plan-is-empty:
//! 1. two albums with photos and properties, a photo rule;
//! 2. membership change, rename through `uid`, `state: absent`;
//! 3. `except:` on the album, `album:` selector with `except:` on the rule, labels added
//!    (multi-word names with accents and a digit), path patterns of the uploads (and one
//!    that matches nothing: a plan warning), `cover:` by hash, a share link with slug and
//!    expiry, a link without a slug with a password read from a file;
//! 4. labels removed and added, `cover:` by uid, the first link's `max_views` changed;
//! 5. a link made outside prysm is deleted by `manage_links: true`.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::FutureExt;
use prysm::apply::{ApplyOptions, Silent, apply};
use prysm::photoprism::{
    AlbumQuery, Client, ClientOptions, Credentials, Photo, Secret, ServerUrl, ShareLinkOptions,
    UploadFile,
};
use prysm::planner::{PlanOptions, Planned, make_plan};
use prysm::render::{TextOptions, render_text};

#[path = "../client/png.rs"]
mod png;

/// What the scenario created, for cleanup.
#[derive(Default)]
struct Created {
    prefix: String,
    photos: Vec<String>,
    /// UIDs of labels whose slug starts with the prefix, seen on the scenario's photos.
    labels: BTreeSet<String>,
}

impl Created {
    /// Whether a label is the scenario's: its slug starts with the unique prefix (PhotoPrism
    /// slugs `prysm-test-123 Café` as `prysm-test-123-cafe`).
    fn owns_label(&self, slug: &str) -> bool {
        !self.prefix.is_empty() && slug.starts_with(&self.prefix)
    }

    /// Notes the scenario's labels linked to its photos now (removed ones stay noted).
    async fn note_labels(&mut self, client: &Client) {
        for uid in self.photos.clone() {
            if let Ok(photo) = client.photo(&uid).await {
                for link in &photo.labels {
                    if let Some(label) = &link.label
                        && self.owns_label(&label.slug)
                    {
                        self.labels.insert(label.uid.clone());
                    }
                }
            }
        }
    }
}

/// Checks that the plan resolved every selector to the scenario's own photos and every
/// album entry to its own albums (titles with the prefix): nothing else can be touched.
async fn assert_only_own(client: &Client, created: &Created, planned: &Planned) {
    let own: BTreeSet<&str> = created.photos.iter().map(String::as_str).collect();
    let resolution = &planned.resolution;
    let selected = resolution
        .album_photos
        .values()
        .chain(resolution.rule_photos.iter())
        .flatten();
    for uid in selected {
        assert!(
            own.contains(uid.as_str()),
            "a selector resolved to {} which the scenario did not upload",
            uid.as_str()
        );
    }
    let albums = client
        .all_albums(AlbumQuery::default())
        .await
        .expect("albums");
    for uid in resolution.albums.values().flatten() {
        let album = albums.iter().find(|album| &album.uid == uid);
        assert!(
            album.is_some_and(|album| album.title.starts_with(&created.prefix)),
            "an album entry resolved to {uid}, not one of the scenario's albums"
        );
    }
}

/// Plans, checks the plan touches only the scenario's things, applies, and checks that a
/// second plan is empty. Returns the first plan.
async fn plan_apply_converge(client: &Client, created: &mut Created, text: &str) -> Planned {
    let manifest = crate::support::manifest(text);
    let planned = make_plan(client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    assert_only_own(client, created, &planned).await;
    let report = apply(client, &planned.plan, &ApplyOptions::default(), &Silent).await;
    assert!(report.is_success(), "{}", report.render());
    let again = make_plan(client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    assert!(
        again.plan.is_empty(),
        "not converged:\n{}",
        render_text(&again.plan, &TextOptions::default())
    );
    created.note_labels(client).await;
    planned
}

/// The primary file of a photo: its hash and its path relative to the originals folder.
fn primary_file(photo: &Photo) -> (String, String) {
    let file = photo
        .files
        .iter()
        .find(|file| file.primary)
        .or_else(|| photo.files.first())
        .expect("an uploaded photo has a file");
    (file.hash.clone(), file.name.clone())
}

/// A path pattern that matches the file at `path` (where an upload landed, e.g.
/// `2026/11/20261130_094512_3A6F91C2.png`): its last three characters before the extension
/// become `*?`, so the pattern keeps the folder and nearly the whole (hash-bearing) name.
fn own_pattern(path: &str) -> String {
    let (folder, base) = path.rsplit_once('/').unwrap_or(("", path));
    let (stem, ext) = base.rsplit_once('.').unwrap_or((base, ""));
    let chars: Vec<char> = stem.chars().collect();
    assert!(chars.len() > 4, "unexpected upload name {path}");
    let kept: String = chars[..chars.len() - 3].iter().collect();
    let folder = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let ext = if ext.is_empty() {
        String::new()
    } else {
        format!(".{ext}")
    };
    format!("{folder}{kept}*?{ext}")
}

/// Sorted slugs of the scenario's own labels visibly linked to a photo (a real server's
/// image classification may link labels of its own; those are left out).
async fn label_names(client: &Client, created: &Created, uid: &str) -> Vec<String> {
    let photo = client.photo(uid).await.expect("photo");
    let mut names: Vec<String> = photo
        .labels
        .iter()
        .filter(|link| link.uncertainty < 100)
        .filter_map(|link| link.label.as_ref().map(|label| label.slug.clone()))
        .filter(|slug| created.owns_label(slug))
        .collect();
    names.sort();
    names
}

async fn scenario(client: &Client, created: &mut Created) {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    created.prefix = format!("prysm-test-{}", nanos % 1_000_000_000_000);
    let prefix = created.prefix.clone();
    let files: Vec<UploadFile> = (0..3u64)
        .map(|index| {
            UploadFile::from_bytes(
                format!("{prefix}-{index}.png"),
                png::image(48, (nanos as u64).wrapping_add(index)),
            )
        })
        .collect();
    let photos = client.upload(&files, &[]).await.expect("upload");
    created.photos = photos.iter().map(|photo| photo.uid.clone()).collect();
    assert_eq!(created.photos.len(), 3, "three photos uploaded");
    let [p0, p1, p2] =
        [&created.photos[0], &created.photos[1], &created.photos[2]].map(String::clone);

    // Create two albums, fill them, set album and photo properties.
    let first = format!(
        r#"
version: 1
albums:
  trip:
    title: "{prefix} Trip"
    description: Made by prysm's tests.
    category: testing
    favorite: true
    photos:
      - uid: {p0}
      - uid: {p1}
  scratch:
    title: "{prefix} Scratch"
    photos:
      - uid: {p2}
photos:
  - match: {{ uid: {p0} }}
    title: "{prefix} first photo"
    caption: A generated image.
    favorite: true
    keywords: ["{prefix}-kw"]
"#
    );
    plan_apply_converge(client, created, &first).await;

    // Change membership exactly, rename through the uid, delete the scratch album.
    let trip_uid = client
        .all_albums(AlbumQuery::default())
        .await
        .expect("albums")
        .into_iter()
        .find(|album| album.title == format!("{prefix} Trip"))
        .map(|album| album.uid)
        .expect("the trip album exists");
    let second = format!(
        r#"
version: 1
albums:
  trip:
    uid: {trip_uid}
    title: "{prefix} Trip (renamed)"
    favorite: false
    photos:
      - uid: {p1}
      - uid: {p2}
  scratch:
    title: "{prefix} Scratch"
    state: absent
photos:
  - match: {{ uid: {p0} }}
    favorite: false
"#
    );
    plan_apply_converge(client, created, &second).await;
    let members = client.album_photo_uids(&trip_uid).await.expect("members");
    let mut members = members;
    members.sort();
    let mut expected = vec![p1, p2];
    expected.sort();
    assert_eq!(members, expected);

    features(client, created, &trip_uid, &photos).await;
}

/// Labels, `except:`, `album:`, path patterns, covers and share links on the trip album.
async fn features(client: &Client, created: &mut Created, trip_uid: &str, uploaded: &[Photo]) {
    let prefix = created.prefix.clone();
    let [p0, p1, p2] =
        [&created.photos[0], &created.photos[1], &created.photos[2]].map(String::clone);
    // Where the uploads landed: PhotoPrism moves them into the originals (on most servers
    // `YYYY/MM/YYYYMMDD_HHMMSS_<hash>.png`); read back, since the upload answer may predate
    // indexing details.
    let mut files = Vec::new();
    for photo in uploaded {
        let photo = client.photo(&photo.uid).await.expect("uploaded photo");
        files.push(primary_file(&photo));
    }
    let patterns: Vec<String> = files.iter().map(|(_, path)| own_pattern(path)).collect();
    let folder = files[0].1.rsplit_once('/').map_or("", |(folder, _)| folder);
    let nothing = if folder.is_empty() {
        format!("{prefix}-nothing-*.png")
    } else {
        format!("{folder}/{prefix}-nothing-*.png")
    };
    let hash1 = &files[1].0;
    // Label names: the unique prefix, several words, accents and a digit.
    let sunset = format!("{prefix} Pôr do Sol 7");
    let creme = format!("{prefix} Crème Brûlée 2");
    let zurich = format!("{prefix} Zürich 3");
    let link_slug = format!("{prefix} Über 1");
    // A second link, without a slug, has a password read from a file.
    let password = format!("pässwörd {prefix} \"quoted\"");
    let mut password_file = tempfile::NamedTempFile::new().expect("temp file");
    std::io::Write::write_all(&mut password_file, password.as_bytes()).expect("write");
    let password_path = password_file.path().display().to_string();

    // 3. `except:` on the album keeps p0 and p1; the rule takes the album (by key) minus p0;
    // labels go on p1 and, through the upload-path patterns, on all three.
    let third = format!(
        r#"
version: 1
albums:
  trip:
    uid: {trip_uid}
    title: "{prefix} Trip (renamed)"
    photos:
      - uid: {p0}
      - uid: {p1}
      - uid: {p2}
    except:
      - uid: {p2}
    cover: {{ hash: {hash1} }}
    links:
      - {{ slug: "{link_slug}", expires: 7d }}
      - {{ expires: 3600, password: {{ file: "{password_path}" }} }}
photos:
  - match: {{ album: trip }}
    except: {{ uid: {p0} }}
    labels: ["{sunset}", "{creme}"]
  - match:
      - path: "{pat0}"
      - path: "{pat1}"
      - path: "{pat2}"
    labels: {{ add: ["{zurich}"] }}
  - match: {{ path: "{nothing}" }}
    favorite: true
"#,
        pat0 = patterns[0],
        pat1 = patterns[1],
        pat2 = patterns[2],
    );
    let planned = plan_apply_converge(client, created, &third).await;
    let resolution = &planned.resolution;
    let sorted = |mut uids: Vec<String>| {
        uids.sort();
        uids
    };
    let uids = |list: &[prysm::state::Uid]| {
        sorted(list.iter().map(|uid| uid.as_str().to_owned()).collect())
    };
    assert_eq!(
        uids(&resolution.album_photos["trip"]),
        sorted(vec![p0.clone(), p1.clone()]),
        "except on the album"
    );
    assert_eq!(
        uids(&resolution.rule_photos[0]),
        vec![p1.clone()],
        "album: minus except"
    );
    assert_eq!(
        uids(&resolution.rule_photos[1]),
        sorted(vec![p0.clone(), p1.clone(), p2.clone()]),
        "the upload-path patterns select the uploads"
    );
    assert!(resolution.rule_photos[2].is_empty());
    assert!(
        planned
            .plan
            .warnings
            .iter()
            .any(|warning| warning.message.contains(&nothing)),
        "a pattern matching nothing warns: {:?}",
        planned.plan.warnings
    );
    let slug = |name: &str| prysm::photoprism::text::slug(name);
    assert_eq!(
        label_names(client, created, &p1).await,
        sorted(vec![slug(&creme), slug(&sunset), slug(&zurich)])
    );
    assert_eq!(label_names(client, created, &p0).await, vec![slug(&zurich)]);
    let mut members = client.album_photo_uids(trip_uid).await.expect("members");
    members.sort();
    assert_eq!(members, sorted(vec![p0.clone(), p1.clone()]));
    let cover = album_thumb(client, trip_uid).await;
    assert_eq!(cover, (hash1.clone(), "manual".to_owned()), "cover by hash");
    for shown in [
        render_text(&planned.plan, &TextOptions::default()),
        prysm::render::render_json(&planned.plan),
    ] {
        assert!(!shown.contains(&password), "the plan shows no password");
    }
    let links = client.album_links(trip_uid).await.expect("links");
    assert_eq!(links.len(), 2, "two share links");
    let named = links
        .iter()
        .find(|link| link.slug == slug(&link_slug))
        .expect("the link with the slug");
    assert_eq!(
        (named.expires, named.max_views, named.verify_password),
        (7 * 86_400, 0, false)
    );
    let guarded = links
        .iter()
        .find(|link| link.uid != named.uid)
        .expect("the link with a password");
    assert_eq!((guarded.expires, guarded.verify_password), (3600, true));
    let kept_links = sorted(links.iter().map(|link| link.uid.clone()).collect());

    // 4. Remove one label, keep one; remove the pattern label everywhere; the album now
    // leaves out p0; the cover by uid; the link gets a view limit.
    let fourth = format!(
        r#"
version: 1
albums:
  trip:
    uid: {trip_uid}
    title: "{prefix} Trip (renamed)"
    photos:
      - uid: {p0}
      - uid: {p1}
      - uid: {p2}
    except:
      - uid: {p0}
    cover: {{ uid: {p2} }}
    links:
      - {{ slug: "{link_slug}", expires: 7d, max_views: 5 }}
      - {{ expires: 3600, password: {{ file: "{password_path}" }} }}
photos:
  - match: {{ album: trip }}
    except: {{ uid: {p2} }}
    labels: {{ add: ["{creme}"], remove: ["{sunset}"] }}
  - match:
      - path: "{pat0}"
      - path: "{pat1}"
      - path: "{pat2}"
    labels: {{ remove: ["{zurich}"] }}
"#,
        pat0 = patterns[0],
        pat1 = patterns[1],
        pat2 = patterns[2],
    );
    plan_apply_converge(client, created, &fourth).await;
    assert_eq!(label_names(client, created, &p1).await, vec![slug(&creme)]);
    assert!(label_names(client, created, &p0).await.is_empty());
    assert!(label_names(client, created, &p2).await.is_empty());
    let cover = album_thumb(client, trip_uid).await;
    assert_eq!(
        cover,
        (files[2].0.clone(), "manual".to_owned()),
        "cover by uid"
    );
    let links = client.album_links(trip_uid).await.expect("links");
    assert_eq!(
        sorted(links.iter().map(|link| link.uid.clone()).collect()),
        kept_links,
        "the links were updated, not replaced"
    );
    let named = links
        .iter()
        .find(|link| link.slug == slug(&link_slug))
        .expect("the link with the slug");
    assert_eq!((named.expires, named.max_views), (7 * 86_400, 5));

    // 5. A link made outside prysm goes with `manage_links: true`; the declared one stays.
    let stray = client
        .create_album_link(
            trip_uid,
            &ShareLinkOptions {
                slug: Some(format!("{prefix}-stray")),
                expires: 3600,
                ..ShareLinkOptions::default()
            },
        )
        .await
        .expect("a link made outside prysm");
    // Deleting a link is within budget only when the manifest says so (`max_link_deletes`
    // defaults to 0).
    let fifth = fourth
        .replace("    links:\n", "    manage_links: true\n    links:\n")
        .replacen(
            "version: 1\n",
            "version: 1\nsettings:\n  max_link_deletes: 1\n",
            1,
        );
    assert_ne!(fifth, fourth);
    assert!(fifth.contains("max_link_deletes: 1"), "{fifth}");
    let planned = plan_apply_converge(client, created, &fifth).await;
    assert!(!planned.plan.is_empty(), "the stray link is deleted");
    let links = client.album_links(trip_uid).await.expect("links");
    assert_eq!(
        sorted(links.iter().map(|link| link.uid.clone()).collect()),
        kept_links,
        "stray {} deleted, the declared links kept",
        stray.uid
    );
}

/// The album's cover as the album list shows it: (`Thumb`, `ThumbSrc`).
async fn album_thumb(client: &Client, uid: &str) -> (String, String) {
    client
        .all_albums(AlbumQuery::default())
        .await
        .expect("albums")
        .into_iter()
        .find(|album| album.uid == uid)
        .map(|album| (album.thumb, album.thumb_src))
        .expect("the album is listed")
}

async fn cleanup(client: &Client, created: &mut Created) {
    if !created.prefix.is_empty() {
        if let Ok(albums) = client.all_albums(AlbumQuery::default()).await {
            for album in albums
                .into_iter()
                .filter(|album| album.title.starts_with(&created.prefix))
            {
                // Share links are rows of their own: delete them before the album.
                if let Ok(links) = client.album_links(&album.uid).await {
                    for link in links {
                        let _ = client.delete_album_link(&album.uid, &link.uid).await;
                    }
                }
                let _ = client.purge_album(&album.uid).await;
            }
        }
    }
    // Labels: only those whose slug carries the prefix (seen during the run or still linked).
    created.note_labels(client).await;
    let labels: Vec<String> = created.labels.iter().cloned().collect();
    if !labels.is_empty() {
        let _ = client.delete_labels(&labels).await;
    }
    if !created.photos.is_empty() {
        let _ = client.archive_photos(&created.photos).await;
        let _ = client.delete_photos(&created.photos).await;
    }
}

async fn run(client: Client) {
    let mut created = Created::default();
    let outcome = AssertUnwindSafe(scenario(&client, &mut created))
        .catch_unwind()
        .await;
    cleanup(&client, &mut created).await;
    let _ = client.logout().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn real_server_apply_scenario() {
    let (Ok(url), Ok(username), Ok(password)) = (
        std::env::var("PRYSM_TEST_URL"),
        std::env::var("PRYSM_TEST_USERNAME"),
        std::env::var("PRYSM_TEST_PASSWORD"),
    ) else {
        eprintln!(
            "note: real-server apply test skipped; set PRYSM_TEST_URL, PRYSM_TEST_USERNAME and PRYSM_TEST_PASSWORD to run it"
        );
        return;
    };
    let client = Client::connect(
        ServerUrl::parse(&url).expect("PRYSM_TEST_URL is a URL"),
        ClientOptions::default(),
        &Credentials::Password {
            username,
            password: Secret::new(password),
        },
    )
    .await
    .expect("login to the real server");
    run(client).await;
}

#[tokio::test]
async fn real_server_apply_scenario_against_the_emulator() {
    for generation in crate::support::GENERATIONS {
        let env = crate::support::env(generation).await;
        let photos_before = env.emulator.photos();
        let labels_before = env.emulator.labels();
        let albums_before = env.emulator.albums();
        run(env.client).await;
        let leftovers: Vec<_> = env
            .emulator
            .albums()
            .into_iter()
            .filter(|album| album.title.starts_with("prysm-test-") && !album.deleted)
            .collect();
        assert!(
            leftovers.is_empty(),
            "{generation:?}: cleanup left {leftovers:?}"
        );
        // The scenario made labels and share links; none is left.
        let labels: Vec<_> = env
            .emulator
            .labels()
            .into_iter()
            .filter(|label| label.slug.starts_with("prysm-test-"))
            .collect();
        assert!(labels.len() >= 3, "{generation:?}: labels made {labels:?}");
        assert!(
            labels.iter().all(|label| label.deleted),
            "{generation:?}: cleanup left labels {labels:?}"
        );
        assert_eq!(env.emulator.share_links(), vec![], "{generation:?}");
        // Nothing it did not create changed: the example library's photos, labels and albums.
        assert_eq!(env.emulator.photos(), photos_before, "{generation:?}");
        assert_eq!(
            env.emulator.labels()[..labels_before.len()],
            labels_before[..],
            "{generation:?}"
        );
        assert_eq!(
            env.emulator.albums()[..albums_before.len()],
            albums_before[..],
            "{generation:?}"
        );
    }
}
