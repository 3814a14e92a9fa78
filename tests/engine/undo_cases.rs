//! The generators the undo property test was written against: the library and manifest
//! shapes of the first plan/apply/plan property (albums, uid/label selectors, field and
//! archive rules). The richer generators of `idempotence.rs` (digits, scripts, wildcard and
//! pinned titles) still find undo bugs; see README "Undo" limits.

use proptest::prelude::*;
use prysm_emulator::{AlbumSeed, Emulator, PhotoSeed};

const LABELS: [&str; 3] = ["cat", "beach", "city"];
const TITLES: [&str; 4] = ["Summer", "summer", "Winter Trip", "Cats & Dogs"];

#[derive(Debug, Clone)]
struct PhotoState {
    label: usize,
    favorite: bool,
    private: bool,
    archived: bool,
}

#[derive(Debug, Clone)]
struct AlbumStateGen {
    title: usize,
    members: Vec<usize>,
    deleted: bool,
    favorite: bool,
}

#[derive(Debug, Clone)]
enum Sel {
    Uid(usize),
    Label(usize),
}

#[derive(Debug, Clone)]
struct AlbumGen {
    title: usize,
    photos: Option<Vec<Sel>>,
    additive: bool,
    favorite: Option<bool>,
    description: Option<String>,
    absent: bool,
    extra: Option<(usize, usize, usize, bool)>,
}

const CATEGORIES: [&str; 3] = ["travel", "pets and animals", "Family"];
const COUNTRIES: [&str; 3] = ["pt", "de", "zz"];
const ORDERS: [&str; 3] = ["oldest", "newest", "title"];

#[derive(Debug, Clone)]
struct RuleGen {
    selector: Sel,
    favorite: Option<bool>,
    private: Option<bool>,
    title: Option<String>,
    restore: bool,
    archive: bool,
    caption: Option<String>,
    keywords: Option<Vec<String>>,
    taken: Option<(u8, usize)>,
}

const ZONES: [&str; 4] = ["UTC", "Europe/Lisbon", "America/New_York", "Asia/Tokyo"];

#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) v2024: bool,
    photos: Vec<PhotoState>,
    albums: Vec<AlbumStateGen>,
    manifest_albums: Vec<AlbumGen>,
    rules: Vec<RuleGen>,
    prune: bool,
}

fn sel(photos: usize) -> impl Strategy<Value = Sel> {
    prop_oneof![
        (0..photos).prop_map(Sel::Uid),
        (0..LABELS.len()).prop_map(Sel::Label)
    ]
}

pub(crate) fn case() -> impl Strategy<Value = Case> {
    (4usize..9).prop_flat_map(|n| {
        let photos = prop::collection::vec(
            (
                0..LABELS.len(),
                any::<bool>(),
                any::<bool>(),
                prop::bool::weighted(0.15),
            )
                .prop_map(|(label, favorite, private, archived)| PhotoState {
                    label,
                    favorite,
                    private,
                    archived,
                }),
            n,
        );
        let albums = prop::collection::vec(
            (
                0..TITLES.len(),
                prop::collection::vec(0..n, 0..4),
                prop::bool::weighted(0.2),
                any::<bool>(),
            )
                .prop_map(|(title, members, deleted, favorite)| AlbumStateGen {
                    title,
                    members,
                    deleted,
                    favorite,
                }),
            0..3,
        );
        let manifest_albums = prop::collection::vec(
            (
                0..TITLES.len(),
                prop::option::of(prop::collection::vec(sel(n), 0..4)),
                any::<bool>(),
                prop::option::of(any::<bool>()),
                prop::option::of("[a-z ]{0,12}"),
                prop::bool::weighted(0.15),
                prop::option::of((
                    0..CATEGORIES.len(),
                    0..COUNTRIES.len(),
                    0..ORDERS.len(),
                    any::<bool>(),
                )),
            )
                .prop_map(
                    |(title, photos, additive, favorite, description, absent, extra)| AlbumGen {
                        title,
                        photos,
                        additive,
                        favorite,
                        description,
                        absent,
                        extra,
                    },
                ),
            0..3,
        );
        let rules = prop::collection::vec(
            (
                (
                    sel(n),
                    prop::option::of(any::<bool>()),
                    prop::option::of(any::<bool>()),
                    prop::option::of("[A-Za-z]{1,10}"),
                ),
                (
                    prop::bool::weighted(0.2),
                    prop::bool::weighted(0.1),
                    prop::option::of("[a-z .]{0,16}"),
                    prop::option::of(prop::collection::vec("[A-Za-z]{1,6}", 0..4)),
                    prop::option::of((0u8..24, 0..ZONES.len())),
                ),
            )
                .prop_map(
                    |(
                        (selector, favorite, private, title),
                        (restore, archive, caption, keywords, taken),
                    )| RuleGen {
                        selector,
                        favorite,
                        private,
                        title,
                        restore: restore && !archive,
                        archive,
                        caption,
                        keywords,
                        taken,
                    },
                ),
            0..3,
        );
        (
            any::<bool>(),
            photos,
            albums,
            manifest_albums,
            rules,
            prop::bool::weighted(0.2),
        )
            .prop_map(
                |(v2024, photos, albums, manifest_albums, rules, prune)| Case {
                    v2024,
                    photos,
                    albums,
                    manifest_albums,
                    rules,
                    prune,
                },
            )
    })
}

fn uid(index: usize) -> String {
    format!("psj4uo0prop{index:05}")
}

fn selector_yaml(selector: &Sel) -> String {
    match selector {
        Sel::Uid(index) => format!("{{ uid: {} }}", uid(*index)),
        Sel::Label(label) => format!("{{ query: \"label:{}\" }}", LABELS[*label]),
    }
}

pub(crate) fn manifest_text(case: &Case) -> String {
    let mut text = String::from("version: 1\n");
    if case.prune {
        text.push_str("settings:\n  prune: true\n");
    }
    // Entries with the same title would be ambiguous: keep the first of each slug.
    let mut seen = std::collections::BTreeSet::new();
    let albums: Vec<&AlbumGen> = case
        .manifest_albums
        .iter()
        .filter(|album| seen.insert(TITLES[album.title].to_lowercase()))
        .collect();
    if !albums.is_empty() {
        text.push_str("albums:\n");
    }
    for (index, album) in albums.iter().enumerate() {
        text.push_str(&format!(
            "  a{index}:\n    title: \"{}\"\n",
            TITLES[album.title]
        ));
        if album.absent {
            text.push_str("    state: absent\n");
            continue;
        }
        if let Some(favorite) = album.favorite {
            text.push_str(&format!("    favorite: {favorite}\n"));
        }
        if let Some((category, country, order, private)) = album.extra {
            text.push_str(&format!(
                "    category: {}\n    country: {}\n    order: {}\n    private: {private}\n",
                CATEGORIES[category], COUNTRIES[country], ORDERS[order]
            ));
        }
        if let Some(description) = &album.description {
            text.push_str(&format!("    description: \"{description}\"\n"));
        }
        if let Some(photos) = &album.photos {
            if photos.is_empty() {
                text.push_str("    photos: []\n");
            } else {
                text.push_str("    photos:\n");
                for selector in photos {
                    text.push_str(&format!("      - {}\n", selector_yaml(selector)));
                }
            }
            if album.additive {
                text.push_str("    membership: additive\n");
            }
        }
    }
    let rules: Vec<&RuleGen> = case
        .rules
        .iter()
        .filter(|rule| {
            rule.favorite.is_some()
                || rule.private.is_some()
                || rule.title.is_some()
                || rule.restore
        })
        .collect();
    if !rules.is_empty() {
        text.push_str("photos:\n");
    }
    for rule in rules {
        text.push_str(&format!("  - match: {}\n", selector_yaml(&rule.selector)));
        if let Some(favorite) = rule.favorite {
            text.push_str(&format!("    favorite: {favorite}\n"));
        }
        if let Some(private) = rule.private {
            text.push_str(&format!("    private: {private}\n"));
        }
        if let Some(title) = &rule.title {
            text.push_str(&format!("    title: \"{title}\"\n"));
        }
        if rule.restore {
            text.push_str("    archived: false\n");
        }
        if rule.archive {
            text.push_str("    archived: true\n");
        }
        if let Some(caption) = &rule.caption {
            text.push_str(&format!("    caption: \"{caption}\"\n"));
        }
        if let Some(keywords) = &rule.keywords {
            text.push_str(&format!("    keywords: [{}]\n", keywords.join(", ")));
        }
        if let Some((hour, zone)) = rule.taken {
            text.push_str(&format!(
                "    taken_at: \"2023-03-26T{hour:02}:30:00Z\"\n    time_zone: {}\n",
                ZONES[zone]
            ));
        }
    }
    text
}

/// Seeds the emulator with the case's photos and albums.
pub(crate) fn seed(emulator: &Emulator, case: &Case) {
    let seeds = case
        .photos
        .iter()
        .enumerate()
        .map(|(index, photo)| PhotoSeed {
            uid: uid(index),
            title: format!("Photo {index}"),
            labels: vec![LABELS[photo.label].to_string()],
            favorite: photo.favorite,
            private: photo.private,
            archived: photo.archived,
            taken_at: "2024-05-01T10:00:00Z".to_string(),
            ..PhotoSeed::default()
        })
        .collect();
    emulator.seed_photos(seeds);
    for album in &case.albums {
        emulator.seed_album(AlbumSeed {
            title: TITLES[album.title].to_string(),
            photos: album.members.iter().map(|&index| uid(index)).collect(),
            deleted: album.deleted,
            favorite: album.favorite,
            ..AlbumSeed::default()
        });
    }
}
