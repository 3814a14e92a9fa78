//! The random cases shared by the plan/apply/plan property (`idempotence.rs`) and the
//! apply/undo/plan property (`undo.rs`): libraries (photos, albums, deleted albums) and
//! manifests of what real users write. Moved here unchanged from `idempotence.rs`; items
//! and fields are `pub(crate)` so both tests use them.

use std::collections::BTreeSet;

use proptest::prelude::*;
use prysm_emulator::{AlbumSeed, AlbumView, Emulator, PhotoSeed};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Inputs that met product bugs: keywords with digits, and album titles PhotoPrism's album
/// create answers with another album (SQL `LIKE` wildcards `_` `%`; titles of other scripts and
/// emoji whose slugs collide). Always ON; turn it off only to see what else fails.
pub(crate) const GENERATE_INPUTS_WITH_PENDING_FIXES: bool = true;

/// Inputs of bug E: an entry pinned by `uid` to an album that is already deleted, with
/// `state: absent`, beside an entry that creates an album with that album's title (validation
/// now refuses the pair). Always ON, like the flag above.
pub(crate) const GENERATE_INPUTS_WITH_UNFIXED_BUGS: bool = true;

pub(crate) const LABELS: [&str; 3] = ["cat", "beach", "city"];
pub(crate) const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Lisbon",
    "America/New_York",
    "Asia/Tokyo",
    "Europe/Berlin",
];
pub(crate) const COUNTRIES: [&str; 4] = ["pt", "de", "zz", "jp"];
pub(crate) const ORDERS: [&str; 3] = ["oldest", "newest", "title"];

/// Album titles shared by the server's albums and the manifest's, so that they collide: same
/// title in another case, same slug, and `LIKE` wildcards.
pub(crate) const ALBUM_TITLES: &[&str] = &[
    "Summer",
    "summer",
    "Winter Trip",
    "Cats & Dogs",
    "Ελλάδα 2023",
    "Москва зимой",
    "東京 🗼",
    "القاهرة ليلاً",
    "Café Crème",
    "Cafe Creme",
    "O'Brien's \"Best\" Shots",
    "Party 🎉🎉",
    "R&B / Soul",
    "2024",
    "Trip-2024",
];

/// Album titles with SQL `LIKE` wildcards, and titles they match (`FindAlbum` on create).
pub(crate) const LIKE_TITLES: &[&str] = &[
    "TripX2024",
    "Trip_2024",
    "Trip%2024",
    "100% Fun",
    "100 Fun",
    "a_b",
    "a-b",
];

/// Captions, descriptions and notes ("" = empty, which the manifest allows).
pub(crate) const TEXTS: &[&str] = &[
    "",
    "Sunset at Cabo da Roca",
    "Zwei Wochen in Portugal – schön!",
    "«Ёлка» на площади",
    "東京タワーの夜景",
    "مساء الخير",
    "\"Quoted\" and 'single'",
    "100% _wild_ & free",
    "emoji 🎉🐈 too",
    "line one\nline two",
    "Ακρόπολη, 2023",
];

/// Photo titles (never empty).
pub(crate) const PHOTO_TITLES: &[&str] = &[
    "Sunset",
    "Ёлка",
    "東京タワー",
    "\"Best\" shot",
    "O'Brien & Co",
    "100%_done",
    "🎉",
    "2024",
    "Café au lait",
];

/// Keywords without digits.
pub(crate) const KEYWORDS: &[&str] = &[
    "beach",
    "Sunset",
    "New-York",
    "o'brien",
    "über",
    "猫",
    "東京",
    "Москва",
    "café",
    "x",
    "-dash-",
    "it's",
    "ΑΘΗΝΑ",
    "rock&roll",
    "Beach",
];

/// Keywords with digits (PhotoPrism keeps digits inside words and drops numbers).
pub(crate) const DIGIT_KEYWORDS: &[&str] =
    &["covid19", "4k", "2024", "2024-07", "summer_2024", "b2b"];

pub(crate) const CATEGORIES: &[&str] = &[
    "travel",
    "pets and animals",
    "Family",
    "Reise & Urlaub",
    "café/bistro",
    "東京",
    "",
];

#[derive(Debug, Clone)]
pub(crate) struct PhotoState {
    pub(crate) label: usize,
    pub(crate) favorite: bool,
    pub(crate) private: bool,
    pub(crate) archived: bool,
    /// `TitleSrc` "": the server made the title and makes it again on every save.
    pub(crate) auto_title: bool,
    pub(crate) caption: String,
    pub(crate) keywords: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct AlbumStateGen {
    pub(crate) title: String,
    pub(crate) members: Vec<usize>,
    pub(crate) deleted: bool,
    pub(crate) favorite: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Sel {
    Uid(usize),
    Label(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct AlbumGen {
    pub(crate) title: String,
    /// `uid:` of this server album (index into the seeded albums).
    pub(crate) pin: Option<usize>,
    pub(crate) photos: Option<Vec<Sel>>,
    pub(crate) additive: bool,
    pub(crate) favorite: Option<bool>,
    pub(crate) description: Option<String>,
    pub(crate) absent: bool,
    pub(crate) extra: Option<(String, usize, usize, bool)>,
}

/// `taken_at` (2023-03-26, the day European clocks change) and an optional `time_zone`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Taken {
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    /// UTC offset of the written time, in minutes.
    pub(crate) offset: i32,
    pub(crate) zone: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct RuleGen {
    pub(crate) selector: Sel,
    pub(crate) favorite: Option<bool>,
    pub(crate) private: Option<bool>,
    pub(crate) archived: Option<bool>,
    pub(crate) title: Option<String>,
    pub(crate) caption: Option<String>,
    pub(crate) notes: Option<String>,
    pub(crate) keywords: Option<Vec<String>>,
    pub(crate) taken: Option<Taken>,
}

#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) v2024: bool,
    pub(crate) photos: Vec<PhotoState>,
    pub(crate) albums: Vec<AlbumStateGen>,
    pub(crate) manifest_albums: Vec<AlbumGen>,
    pub(crate) rules: Vec<RuleGen>,
    pub(crate) prune: bool,
}

// ---------------------------------------------------------------------------------------
// Generators

pub(crate) fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(list).prop_map(str::to_owned)
}

/// Trims what a user would not leave at either end of a quoted value.
pub(crate) fn tidy(s: String) -> String {
    s.trim().to_owned()
}

pub(crate) fn album_title() -> impl Strategy<Value = String> {
    let (titles, like, random): (&'static [&'static str], &'static [&'static str], _) =
        if GENERATE_INPUTS_WITH_PENDING_FIXES {
            (
                ALBUM_TITLES,
                LIKE_TITLES,
                "[A-Za-z0-9 _%&'\"éüçßЖжλΩ東京ال🎉-]{1,16}",
            )
        } else {
            (
                &[
                    "Summer",
                    "summer",
                    "Winter Trip",
                    "Cats & Dogs",
                    "Café Crème",
                    "2024",
                ],
                &["TripX2024", "100 Fun", "a-b"],
                "[A-Za-z0-9 &'\"éüçß-]{1,16}",
            )
        };
    prop_oneof![
        4 => pick(titles),
        3 => pick(like),
        2 => random
            .prop_map(tidy)
            .prop_filter("PhotoPrism trims it to nothing", |t| !pp_album_title(t).is_empty()),
    ]
}

pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => pick(TEXTS),
        1 => "[a-zA-Z0-9 .,!?'\"%_&éЖ東🎉-]{0,20}".prop_map(tidy),
    ]
}

pub(crate) fn photo_title() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => pick(PHOTO_TITLES),
        1 => "[A-Za-z0-9 '&%_éЖ東🎉-]{1,12}"
            .prop_map(tidy)
            .prop_filter("not empty", |t| !t.is_empty()),
    ]
}

pub(crate) fn keyword() -> impl Strategy<Value = String> {
    let digits: &'static [&'static str] = if GENERATE_INPUTS_WITH_PENDING_FIXES {
        DIGIT_KEYWORDS
    } else {
        &["beach"]
    };
    let random = if GENERATE_INPUTS_WITH_PENDING_FIXES {
        "[a-zA-Z0-9äöüßжλ東'-]{1,8}"
    } else {
        "[a-zA-Zäöüßжλ東'-]{1,8}"
    };
    prop_oneof![
        3 => pick(KEYWORDS),
        2 => pick(digits),
        1 => random.prop_filter("a word", |k| k.chars().any(char::is_alphanumeric)),
    ]
}

pub(crate) fn keywords() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(keyword(), 0..4)
}

pub(crate) fn taken() -> impl Strategy<Value = Taken> {
    (
        0u8..24,
        prop::sample::select(&[0u8, 30, 59][..]),
        prop::sample::select(&[0i32, 0, 60, -300, 330][..]),
        prop::option::weighted(0.7, 0..ZONES.len()),
    )
        .prop_map(|(hour, minute, offset, zone)| Taken {
            hour,
            minute,
            offset,
            zone,
        })
}

pub(crate) fn sel(photos: usize) -> impl Strategy<Value = Sel> {
    prop_oneof![
        (0..photos).prop_map(Sel::Uid),
        (0..LABELS.len()).prop_map(Sel::Label)
    ]
}

/// The values rules agree on, so that most rules touching one photo do not conflict.
#[derive(Debug, Clone)]
pub(crate) struct Canon {
    pub(crate) favorite: bool,
    pub(crate) private: bool,
    pub(crate) archived: bool,
    pub(crate) title: String,
    pub(crate) caption: String,
    pub(crate) notes: String,
    pub(crate) keywords: Vec<String>,
    pub(crate) taken: Taken,
}

pub(crate) fn canon() -> impl Strategy<Value = Canon> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.3),
        photo_title(),
        text(),
        text(),
        keywords(),
        taken(),
    )
        .prop_map(
            |(favorite, private, archived, title, caption, notes, keywords, taken)| Canon {
                favorite,
                private,
                archived,
                title,
                caption,
                notes,
                keywords,
                taken,
            },
        )
}

/// A field of a rule: absent, the agreed value, or (rarely) a value of its own.
pub(crate) fn field<T: std::fmt::Debug + Clone + 'static>(
    present: f64,
    own: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<Option<T>>> {
    prop::option::weighted(
        present,
        prop_oneof![9 => Just(None), 1 => own.prop_map(Some)],
    )
}

/// Which fields a rule sets.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mode {
    Mixed,
    OnlyCaption,
    OnlyKeywords,
    OnlyTaken,
    OnlyArchived,
}

pub(crate) type RawRule = (
    Sel,
    Mode,
    (
        Option<Option<bool>>,
        Option<Option<bool>>,
        Option<Option<bool>>,
        Option<Option<String>>,
    ),
    (
        Option<Option<String>>,
        Option<Option<String>>,
        Option<Option<Vec<String>>>,
        Option<Option<Taken>>,
    ),
);

pub(crate) fn raw_rule(photos: usize) -> impl Strategy<Value = RawRule> {
    (
        sel(photos),
        prop_oneof![
            5 => Just(Mode::Mixed),
            1 => Just(Mode::OnlyCaption),
            1 => Just(Mode::OnlyKeywords),
            1 => Just(Mode::OnlyTaken),
            1 => Just(Mode::OnlyArchived),
        ],
        (
            field(0.4, any::<bool>()),
            field(0.3, any::<bool>()),
            field(0.08, any::<bool>()),
            field(0.3, photo_title()),
        ),
        (
            field(0.3, text()),
            field(0.2, text()),
            field(0.3, keywords()),
            field(0.2, taken()),
        ),
    )
}

pub(crate) fn make_rule(raw: RawRule, canon: &Canon) -> RuleGen {
    let (selector, mode, (favorite, private, archived, title), (caption, notes, kw, taken)) = raw;
    fn value<T: Clone>(f: Option<Option<T>>, canon: &T) -> Option<T> {
        f.map(|own| own.unwrap_or_else(|| canon.clone()))
    }
    let mut rule = RuleGen {
        selector,
        favorite: value(favorite, &canon.favorite),
        private: value(private, &canon.private),
        archived: value(archived, &canon.archived),
        title: value(title, &canon.title),
        caption: value(caption, &canon.caption),
        notes: value(notes, &canon.notes),
        keywords: value(kw, &canon.keywords),
        taken: value(taken, &canon.taken),
    };
    let only = |rule: &mut RuleGen| {
        *rule = RuleGen {
            selector: rule.selector.clone(),
            favorite: None,
            private: None,
            archived: None,
            title: None,
            caption: None,
            notes: None,
            keywords: None,
            taken: None,
        };
    };
    match mode {
        Mode::Mixed => {
            let empty = rule.favorite.is_none()
                && rule.private.is_none()
                && rule.archived.is_none()
                && rule.title.is_none()
                && rule.caption.is_none()
                && rule.notes.is_none()
                && rule.keywords.is_none()
                && rule.taken.is_none();
            if empty {
                rule.favorite = Some(canon.favorite);
            }
        }
        Mode::OnlyCaption => {
            let caption = rule
                .caption
                .clone()
                .unwrap_or_else(|| canon.caption.clone());
            only(&mut rule);
            rule.caption = Some(caption);
        }
        Mode::OnlyKeywords => {
            let kw = rule
                .keywords
                .clone()
                .unwrap_or_else(|| canon.keywords.clone());
            only(&mut rule);
            rule.keywords = Some(kw);
        }
        Mode::OnlyTaken => {
            let taken = rule.taken.clone().unwrap_or_else(|| canon.taken.clone());
            only(&mut rule);
            rule.taken = Some(taken);
        }
        Mode::OnlyArchived => {
            let archived = rule.archived.unwrap_or(canon.archived);
            only(&mut rule);
            rule.archived = Some(archived);
        }
    }
    rule
}

pub(crate) fn case() -> impl Strategy<Value = Case> {
    (4usize..9, 0usize..4).prop_flat_map(|(n, seeded_albums)| {
        let photos = prop::collection::vec(
            (
                (
                    0..LABELS.len(),
                    any::<bool>(),
                    any::<bool>(),
                    prop::bool::weighted(0.15),
                ),
                (
                    prop::bool::weighted(0.3),
                    prop::option::weighted(0.3, text()),
                    prop::collection::vec(keyword(), 0..3),
                ),
            )
                .prop_map(
                    |((label, favorite, private, archived), (auto_title, caption, keywords))| {
                        PhotoState {
                            label,
                            favorite,
                            private,
                            archived,
                            auto_title,
                            caption: caption.unwrap_or_default(),
                            keywords,
                        }
                    },
                ),
            n,
        );
        let albums = prop::collection::vec(
            (
                album_title(),
                prop::collection::vec(0..n, 0..4),
                prop::bool::weighted(0.12),
                any::<bool>(),
            )
                .prop_map(|(title, members, deleted, favorite)| AlbumStateGen {
                    title,
                    members,
                    deleted,
                    favorite,
                }),
            seeded_albums,
        );
        let manifest_albums = prop::collection::vec(
            (
                (
                    album_title(),
                    if seeded_albums > 0 {
                        prop::option::weighted(0.15, 0..seeded_albums).boxed()
                    } else {
                        Just(None).boxed()
                    },
                    prop::option::of(prop::collection::vec(sel(n), 0..4)),
                    any::<bool>(),
                ),
                (
                    prop::option::of(any::<bool>()),
                    prop::option::of(text()),
                    prop::bool::weighted(0.12),
                    prop::option::of((
                        pick(CATEGORIES),
                        0..COUNTRIES.len(),
                        0..ORDERS.len(),
                        any::<bool>(),
                    )),
                ),
            )
                .prop_map(
                    |((title, pin, photos, additive), (favorite, description, absent, extra))| {
                        AlbumGen {
                            title,
                            pin,
                            photos,
                            additive,
                            favorite,
                            description,
                            absent,
                            extra,
                        }
                    },
                ),
            0..4,
        );
        let rules = (canon(), prop::collection::vec(raw_rule(n), 0..4)).prop_map(|(canon, raw)| {
            raw.into_iter()
                .map(|raw| make_rule(raw, &canon))
                .collect::<Vec<_>>()
        });
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

// ---------------------------------------------------------------------------------------
// PhotoPrism's rules, written from its source and photoprism-api.md (not prysm's code)

/// `SetTitle` of albums (§2.5): trim `_ & | { } < > :`, spaces and `\`, `"` becomes `“`.
pub(crate) fn pp_album_title(title: &str) -> String {
    title
        .trim_matches(|c: char| "_&|{}<>: \n\r\t\\".contains(c))
        .replace('"', "“")
}

/// `txt.Words` + `txt.UniqueWords` (§3.5, §8, `pkg/txt/words.go`): words of letters, ASCII
/// digits, `-` and `'`, trimmed of `- '`; a word that starts and ends with a digit
/// (`txt.IsNumeric`: `2024`, `2024-07`) and a single Latin letter are dropped; lower-cased,
/// sorted, unique.
pub(crate) fn pp_keywords(keywords: &[String]) -> String {
    let joined = keywords.join(", ");
    let numeric = |w: &str| {
        w.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && w.as_bytes().last().is_some_and(u8::is_ascii_digit)
    };
    let mut words: Vec<String> = joined
        .split(|c: char| !(c.is_alphabetic() || c.is_ascii_digit() || c == '-' || c == '\''))
        .map(|w| w.trim_matches(['-', ' ', '\'']))
        .filter(|w| !w.is_empty() && !numeric(w))
        .filter(|w| !(w.len() < 2 && w.chars().all(|c| c.is_ascii_alphabetic())))
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words.join(", ")
}

/// Whether two slugs name the same album: PhotoPrism's unknown slug `-` (every title
/// without letters a slug keeps, e.g. emoji only) names none.
pub(crate) fn same_slug(a: &str, b: &str) -> bool {
    a == b && a != "-"
}

pub(crate) fn slug(title: &str) -> String {
    prysm::manifest::slugify(title)
}

// ---------------------------------------------------------------------------------------
// Manifest text

pub(crate) fn uid(index: usize) -> String {
    format!("psj4uo0prop{index:05}")
}

/// A YAML double-quoted scalar.
pub(crate) fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn selector_yaml(selector: &Sel) -> String {
    match selector {
        Sel::Uid(index) => format!("{{ uid: {} }}", uid(*index)),
        Sel::Label(label) => format!("{{ query: \"label:{}\" }}", LABELS[*label]),
    }
}

impl Taken {
    pub(crate) fn text(&self) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let offset = self.offset.abs();
        let zone = if self.offset == 0 {
            "Z".to_owned()
        } else {
            format!("{sign}{:02}:{:02}", offset / 60, offset % 60)
        };
        format!("2023-03-26T{:02}:{:02}:00{zone}", self.hour, self.minute)
    }

    pub(crate) fn instant(&self) -> OffsetDateTime {
        OffsetDateTime::parse(&self.text(), &Rfc3339).expect("valid time")
    }
}

/// The album entries the manifest declares: the first of each title (same title or slug
/// means the same album, which the manifest refuses without `uid`) and of each pinned album.
pub(crate) fn declared_albums(case: &Case) -> Vec<&AlbumGen> {
    let mut titles = BTreeSet::new();
    let mut pins = BTreeSet::new();
    case.manifest_albums
        .iter()
        .filter(|album| match album.pin {
            Some(pin) if pin < case.albums.len() => {
                let unfixed = album.absent && case.albums[pin].deleted;
                (GENERATE_INPUTS_WITH_UNFIXED_BUGS || !unfixed) && pins.insert(pin)
            }
            Some(_) => false,
            None => {
                let title = pp_album_title(&album.title);
                let fresh_slug = titles.insert(format!("slug:{}", slug(&title)));
                let fresh_title = titles.insert(format!("title:{}", title.to_lowercase()));
                fresh_slug && fresh_title
            }
        })
        .collect()
}

pub(crate) fn manifest_text(case: &Case, seeded: &[AlbumView]) -> String {
    let mut text = String::from("version: 1\n");
    if case.prune {
        text.push_str("settings:\n  prune: true\n");
    }
    let albums = declared_albums(case);
    if !albums.is_empty() {
        text.push_str("albums:\n");
    }
    for (index, album) in albums.iter().enumerate() {
        text.push_str(&format!("  a{index}:\n"));
        if let Some(pin) = album.pin {
            text.push_str(&format!("    uid: {}\n", seeded[pin].uid));
        }
        text.push_str(&format!("    title: {}\n", q(&album.title)));
        if album.absent {
            text.push_str("    state: absent\n");
            continue;
        }
        if let Some(favorite) = album.favorite {
            text.push_str(&format!("    favorite: {favorite}\n"));
        }
        if let Some((category, country, order, private)) = &album.extra {
            text.push_str(&format!(
                "    category: {}\n    country: {}\n    order: {}\n    private: {private}\n",
                q(category),
                COUNTRIES[*country],
                ORDERS[*order]
            ));
        }
        if let Some(description) = &album.description {
            text.push_str(&format!("    description: {}\n", q(description)));
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
    if !case.rules.is_empty() {
        text.push_str("photos:\n");
    }
    for rule in &case.rules {
        text.push_str(&format!("  - match: {}\n", selector_yaml(&rule.selector)));
        if let Some(favorite) = rule.favorite {
            text.push_str(&format!("    favorite: {favorite}\n"));
        }
        if let Some(private) = rule.private {
            text.push_str(&format!("    private: {private}\n"));
        }
        if let Some(archived) = rule.archived {
            text.push_str(&format!("    archived: {archived}\n"));
        }
        if let Some(title) = &rule.title {
            text.push_str(&format!("    title: {}\n", q(title)));
        }
        if let Some(caption) = &rule.caption {
            text.push_str(&format!("    caption: {}\n", q(caption)));
        }
        if let Some(notes) = &rule.notes {
            text.push_str(&format!("    notes: {}\n", q(notes)));
        }
        if let Some(keywords) = &rule.keywords {
            let list: Vec<String> = keywords.iter().map(|k| q(k)).collect();
            text.push_str(&format!("    keywords: [{}]\n", list.join(", ")));
        }
        if let Some(taken) = &rule.taken {
            text.push_str(&format!("    taken_at: {}\n", q(&taken.text())));
            if let Some(zone) = taken.zone {
                text.push_str(&format!("    time_zone: {}\n", ZONES[zone]));
            }
        }
    }
    text
}

pub(crate) fn seed(emulator: &Emulator, case: &Case) {
    let seeds = case
        .photos
        .iter()
        .enumerate()
        .map(|(index, photo)| PhotoSeed {
            uid: uid(index),
            title: if photo.auto_title {
                String::new()
            } else {
                format!("Photo {index}")
            },
            caption: photo.caption.clone(),
            keywords: photo.keywords.join(", "),
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
            title: album.title.clone(),
            photos: album.members.iter().map(|&index| uid(index)).collect(),
            deleted: album.deleted,
            favorite: album.favorite,
            ..AlbumSeed::default()
        });
    }
}
