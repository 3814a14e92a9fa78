//! Album titles and keywords as a real PhotoPrism treats them: `_` and `%` are SQL `LIKE`
//! wildcards in the album lookup of a create (2026-11 probe 02), keywords keep digits inside
//! words (probe 03), quotes, `&`, Cyrillic, CJK and emoji are normalized and slugged by the
//! server. Every manifest must converge in one apply on both generations without touching an
//! album it does not declare.

use prysm::photoprism::{Client, CreateOutcome};
use prysm::plan::Change;
use prysm::render::{TextOptions, render_json, render_text};
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};

use crate::support::{Env, GENERATIONS, login};

/// An emulator without the example library, and a client.
async fn empty(generation: ApiGeneration) -> Env {
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator starts");
    let client: Client = login(&emulator).await;
    Env { emulator, client }
}

fn photo(title: &str, keywords: &str) -> PhotoSeed {
    PhotoSeed {
        title: title.to_string(),
        title_src: "manual".to_string(),
        taken_at: "2024-06-01T10:00:00Z".to_string(),
        keywords: keywords.to_string(),
        ..PhotoSeed::default()
    }
}

/// Seeds an album (straight into the store, no create lookup) and returns its UID.
fn seed_album(env: &Env, title: &str, photos: &[&String], deleted: bool) -> String {
    env.emulator.seed_album(AlbumSeed {
        title: title.to_string(),
        photos: photos.iter().map(|uid| (*uid).clone()).collect(),
        deleted,
        ..AlbumSeed::default()
    })
}

/// A title of 85 Cyrillic letters: 170 bytes, so PhotoPrism appends `…` without cutting.
fn long_cyrillic() -> String {
    "Ж".repeat(85)
}

#[tokio::test]
async fn titles_with_wildcards_quotes_and_scripts_converge_without_touching_other_albums() {
    for generation in GENERATIONS {
        let env = empty(generation).await;
        let p: Vec<String> = (0..5)
            .map(|i| env.emulator.seed_photo(photo(&format!("Photo {i}"), "")))
            .collect();
        let trip = seed_album(&env, "TripX2024", &[&p[0], &p[1]], false);
        let camp = seed_album(&env, "Summer-Camp", &[&p[2]], false);
        let sale = seed_album(&env, "50 things off", &[&p[3]], false);
        let cake = seed_album(&env, "🎂", &[&p[4]], false);
        let gone = seed_album(&env, "PartyA1", &[&p[0]], true);
        let before: Vec<_> = [&trip, &camp, &sale, &cake, &gone]
            .iter()
            .map(|uid| {
                (
                    env.emulator.album(uid).expect("album"),
                    env.emulator.album_members(uid),
                )
            })
            .collect();

        let manifest = format!(
            r#"version: 1
albums:
  trip:
    title: "Trip_2024"
    photos: [{{ uid: {p2} }}]
  camp:
    title: "Summer_Camp"
    photos: [{{ uid: {p3} }}]
  sale:
    title: "50% off"
    category: "reise nach köln"
  party:
    title: "Party_1"
  tom:
    title: "Tom & Jerry"
  quoted:
    title: 'Say "hi" to ''them'''
  moscow:
    title: "Москва 2024"
  beijing:
    title: "北京旅行"
  emoji:
    title: "Party 🎉"
  balloons:
    title: "🎉🎈"
    photos: [{{ uid: {p0} }}]
  long:
    title: "{long}"
photos:
  - match: {{ uid: {p0} }}
    keywords: [covid19, New-York, "o'brien", "2024", über, 東京, Москва]
  - match: {{ uid: {p1} }}
    title: "Trip_2024 100% “quoted” & 'more' 🎉"
    caption: "Привет, 世界! \"quotes\" & _under_"
"#,
            p0 = p[0],
            p1 = p[1],
            p2 = p[2],
            p3 = p[3],
            long = long_cyrillic(),
        );

        let planned = env.plan(&manifest).await.expect("plan");
        let text = render_text(&planned.plan, &TextOptions::default());
        assert!(
            text.contains(&format!(
                "note: PhotoPrism would answer this title with album \"TripX2024\" ({trip})"
            )),
            "{text}"
        );
        assert!(text.contains("\"Summer-Camp\""), "{text}");
        assert!(text.contains("\"50 things off\""), "{text}");
        let json = render_json(&planned.plan);
        assert!(
            json.contains("\"note\": \"PhotoPrism would answer"),
            "{json}"
        );
        // The emoji-only title is a new album, not "🎂" (whose slug `-` means nothing).
        for action in &planned.plan.actions {
            if let Some(album) = action.change.album() {
                assert_ne!(album.uid.as_deref(), Some(cake.as_str()), "{text}");
            }
        }
        let creates = planned
            .plan
            .actions
            .iter()
            .filter(|action| matches!(action.change, Change::CreateAlbum { .. }))
            .count();
        assert_eq!(creates, 11, "{text}");

        let report = env.apply(&manifest).await;
        assert!(report.is_success(), "{generation:?}: {report:?}");
        env.assert_converged(&manifest).await;

        // The albums the manifest does not declare are exactly as they were.
        for ((album, members), uid) in before.iter().zip([&trip, &camp, &sale, &cake, &gone]) {
            let now = env.emulator.album(uid).expect("album");
            assert_eq!(&now, album, "{generation:?}: album {uid} changed");
            assert_eq!(
                &env.emulator.album_members(uid),
                members,
                "{generation:?}: members of {uid} changed"
            );
        }
        // The new ones have the declared titles, members and the server's slugs.
        let titles: Vec<(String, String)> = env
            .emulator
            .albums()
            .into_iter()
            .filter(|album| !album.deleted && album.album_type == "album")
            .map(|album| (album.title, album.slug))
            .collect();
        for (title, slug) in [
            ("Trip_2024", "trip_2024"),
            ("Summer_Camp", "summer_camp"),
            ("50% off", "50-off"),
            ("Party_1", "party_1"),
            ("Tom & Jerry", "tom-and-jerry"),
            ("Say “hi“ to 'them'", "say-hi-to-them"),
            ("Москва 2024", "moskva-2024"),
            ("北京旅行", "bei-jing-lu-xing"),
            ("Party 🎉", "party"),
            ("🎉🎈", "-"),
        ] {
            assert!(
                titles.iter().any(|(t, s)| t == title && s == slug),
                "{generation:?}: no album {title:?} with slug {slug:?} in {titles:?}"
            );
        }
        assert!(
            titles
                .iter()
                .any(|(t, _)| *t == format!("{}…", long_cyrillic())),
            "{titles:?}"
        );
        assert!(
            !titles.iter().any(|(t, _)| t.contains("prysm-")),
            "no temporary title is left: {titles:?}"
        );
        let keywords = env.emulator.photo(&p[0]).expect("photo").keywords;
        assert_eq!(
            keywords, "covid19, new-york, o'brien, über, москва, 東京",
            "{generation:?}"
        );
        let titled = env.emulator.photo(&p[1]).expect("photo");
        assert_eq!(titled.title, "Trip_2024 100% “quoted” & 'more' 🎉");
        assert_eq!(titled.caption, "Привет, 世界! \"quotes\" & _under_");
    }
}

#[tokio::test]
async fn keywords_with_digits_are_compared_as_stored() {
    for generation in GENERATIONS {
        let env = empty(generation).await;
        let uid = env.emulator.seed_photo(photo("Covid", "covid19"));
        let manifest =
            format!("version: 1\nphotos:\n  - match: {{ uid: {uid} }}\n    keywords: [covid]\n");
        // The server holds `covid19`; the manifest wants `covid`: that is a change.
        let text = env.plan_text(&manifest).await;
        assert!(text.contains("keywords"), "{generation:?}: {text}");
        assert!(text.contains("covid19"), "{text}");
        let report = env.apply(&manifest).await;
        assert!(report.is_success(), "{report:?}");
        assert_eq!(env.emulator.photo(&uid).expect("photo").keywords, "covid");
        env.assert_converged(&manifest).await;

        // Keywords with digits, written once, stay as written.
        let manifest = format!(
            "version: 1\nphotos:\n  - match: {{ uid: {uid} }}\n    keywords: [covid19, 3D, A4]\n"
        );
        let report = env.apply(&manifest).await;
        assert!(report.is_success(), "{report:?}");
        assert_eq!(
            env.emulator.photo(&uid).expect("photo").keywords,
            "3d, a4, covid19"
        );
        env.assert_converged(&manifest).await;
    }
}

#[tokio::test]
async fn the_client_reports_another_album_instead_of_returning_it_as_found() {
    for generation in GENERATIONS {
        let env = empty(generation).await;
        let trip = seed_album(&env, "TripX2024", &[], false);
        let answer = env
            .client
            .create_album("Trip_2024", false)
            .await
            .expect("create");
        assert_eq!(answer.album.uid, trip, "the server answers with TripX2024");
        assert_eq!(answer.outcome, CreateOutcome::OtherAlbum);
        // The same album by title (ignoring case) or slug is not another album.
        let same = env
            .client
            .create_album("tripx2024", false)
            .await
            .expect("create");
        assert_eq!(same.album.uid, trip);
        assert_ne!(same.outcome, CreateOutcome::OtherAlbum);
        let same = env
            .client
            .create_album("TripX-2024!", false)
            .await
            .expect("create");
        assert_ne!(same.album.uid, trip, "another slug: a new album");
        assert_ne!(same.outcome, CreateOutcome::OtherAlbum);
    }
}

#[tokio::test]
async fn categories_the_server_spells_differently_converge() {
    for generation in GENERATIONS {
        let env = empty(generation).await;
        // A category the server stored with its own spelling (`SpecialWords`: `TV`).
        env.emulator.seed_album(AlbumSeed {
            title: "Shows".to_string(),
            category: "TV Shows".to_string(),
            ..AlbumSeed::default()
        });
        let manifest = "version: 1\nalbums:\n  shows:\n    title: Shows\n    category: tv shows\n";
        env.assert_converged(manifest).await;
    }
}

/// `state: absent` deletes only an album of its title: after deleting "100% Fun", the next
/// plan must not take "100 Fun" (same slug `100-fun`, another album) for it. Found by the
/// plan/apply property with 1,500 cases.
#[tokio::test]
async fn an_absent_entry_never_deletes_an_album_that_only_shares_its_slug() {
    for generation in GENERATIONS {
        let env = empty(generation).await;
        let p = env.emulator.seed_photo(photo("Kept", ""));
        let fun = seed_album(&env, "100% Fun", &[], false);
        let other = seed_album(&env, "100 Fun", &[&p], false);
        let text = "version: 1\nalbums:\n  old:\n    title: \"100% Fun\"\n    state: absent\n";
        let report = env.apply(text).await;
        assert!(report.is_success(), "{}", report.render());
        let live: Vec<String> = env
            .emulator
            .albums()
            .into_iter()
            .filter(|a| !a.deleted)
            .map(|a| a.uid)
            .collect();
        assert!(!live.contains(&fun), "{generation:?}: 100% Fun is deleted");
        assert!(live.contains(&other), "{generation:?}: 100 Fun stays");
        // The next plan leaves "100 Fun" alone, and says why.
        let planned = env.plan(text).await.expect("plan");
        assert!(
            planned.plan.is_empty(),
            "{generation:?}: {:?}",
            planned.plan
        );
        let warning = planned
            .plan
            .warnings
            .iter()
            .find(|w| w.code == "prysm::plan::absent_slug_only")
            .expect("a warning names the album left alone");
        assert!(warning.message.contains(&other), "{}", warning.message);
        let out = render_text(&planned.plan, &TextOptions::default());
        assert!(out.contains("100 Fun"), "{out}");
        assert_eq!(env.emulator.album_members(&other), vec![p.clone()]);
    }
}
