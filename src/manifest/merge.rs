//! Merging files into one manifest, and the checks that need the whole manifest.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use time::OffsetDateTime;

use super::decode::FileManifest;
use super::model::{AlbumEntry, Manifest, PhotoRule, SelectorKind, Settings};
use super::normalize::{normalize_album_title, normalize_keywords, slugify};
use super::problem::Problem;
use super::source::{Loc, SourceFile};
use super::validate::parse_rfc3339;

/// Merges the files (in the order given) and runs the cross-entry checks.
pub(crate) fn merge(
    files: Vec<Arc<SourceFile>>,
    decoded: Vec<FileManifest>,
    problems: &mut Vec<Problem>,
) -> Manifest {
    let mut prune: Option<(bool, Loc)> = None;
    let mut max_destroy: Option<(u32, Loc)> = None;
    let mut budgets: BTreeMap<&'static str, (u32, Loc)> = BTreeMap::new();
    let mut allow_empty_query: Option<(bool, Loc)> = None;
    let mut albums: BTreeMap<String, AlbumEntry> = BTreeMap::new();
    let mut declared: Vec<String> = Vec::new();
    let mut photos: Vec<PhotoRule> = Vec::new();
    for file in decoded {
        if let Some((value, loc)) = file.prune {
            merge_setting("prune", &mut prune, value, loc, problems);
        }
        if let Some((value, loc)) = file.max_destroy {
            merge_setting("max_destroy", &mut max_destroy, value, loc, problems);
        }
        for (name, value, loc) in file.budgets {
            let mut current = budgets.remove(name);
            merge_setting(name, &mut current, value, loc, problems);
            if let Some(current) = current {
                budgets.insert(name, current);
            }
        }
        if let Some((value, loc)) = file.allow_empty_query {
            merge_setting(
                "allow_empty_query",
                &mut allow_empty_query,
                value,
                loc,
                problems,
            );
        }
        for album in file.albums {
            match albums.get(&album.key) {
                Some(first) => problems.push(
                    Problem::at(
                        "duplicate_album",
                        format!("album `{}` is declared twice", album.key),
                        &album.loc,
                        "declared again here",
                    )
                    .also_at(&first.loc, "first declared here")
                    .with_help(
                        "album keys must be unique across all manifest files; rename or remove one",
                    ),
                ),
                None => {
                    declared.push(album.key.clone());
                    albums.insert(album.key.clone(), album);
                }
            }
        }
        photos.extend(file.photos);
    }
    let budget = |name: &str| budgets.get(name).map(|(value, _)| *value);
    let mut settings = Settings {
        prune: prune.as_ref().is_some_and(|(v, _)| *v),
        max_destroy: max_destroy.as_ref().map(|(v, _)| *v),
        max_remove_percent: budget("max_remove_percent"),
        max_remove_photos: budget("max_remove_photos"),
        max_archive: budget("max_archive"),
        max_link_deletes: budget("max_link_deletes"),
        allow_empty_query: allow_empty_query.as_ref().map(|(v, _)| *v),
        prune_loc: prune.map(|(_, l)| l),
        max_destroy_loc: max_destroy.map(|(_, l)| l),
        budget_locs: budgets
            .into_iter()
            .map(|(name, (_, loc))| (name.to_string(), loc))
            .collect(),
    };
    if let Some((_, loc)) = allow_empty_query {
        settings
            .budget_locs
            .insert("allow_empty_query".to_string(), loc);
    }
    for (index, rule) in photos.iter_mut().enumerate() {
        rule.index = index;
    }
    // Duplicates are reported in declaration order: the later entry is the mistake.
    let in_order: Vec<&AlbumEntry> = declared.iter().filter_map(|k| albums.get(k)).collect();
    check_album_uids(&in_order, problems);
    check_album_titles(&in_order, problems);
    let albums: Vec<AlbumEntry> = albums.into_values().collect();
    check_rule_conflicts(&photos, problems);
    super::album_refs::check_album_refs(&albums, &photos, problems);
    check_archive_conflicts(&albums, &photos, problems);
    Manifest {
        version: 1,
        settings,
        albums,
        photos,
        files,
        warnings: Vec::new(),
    }
}

/// Keeps the first value of a setting; a different value elsewhere is a conflict.
fn merge_setting<T: PartialEq + Copy + std::fmt::Display>(
    name: &str,
    current: &mut Option<(T, Loc)>,
    value: T,
    loc: Loc,
    problems: &mut Vec<Problem>,
) {
    match current {
        None => *current = Some((value, loc)),
        Some((first, first_loc)) if *first != value => problems.push(
            Problem::at(
                "conflicting_setting",
                format!("`settings.{name}` is set to different values ({first} and {value})"),
                &loc,
                format!("set to {value} here"),
            )
            .also_at(first_loc, format!("set to {first} here"))
            .with_help("set it once, or to the same value in every file"),
        ),
        Some(_) => {}
    }
}

/// Two entries pinning the same album UID.
fn check_album_uids(albums: &[&AlbumEntry], problems: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, &AlbumEntry> = HashMap::new();
    for &album in albums {
        let Some(uid) = album.uid.as_deref() else {
            continue;
        };
        match seen.get(uid) {
            Some(first) => problems.push(
                Problem::at(
                    "duplicate_album_uid",
                    format!(
                        "albums `{}` and `{}` have the same uid `{uid}`",
                        first.key, album.key
                    ),
                    album.field_loc("uid"),
                    "same uid again",
                )
                .also_at(first.field_loc("uid"), "first used here")
                .with_help("a uid identifies one album; give each entry its own album"),
            ),
            None => {
                seen.insert(uid, album);
            }
        }
    }
}

/// Two entries whose titles PhotoPrism treats as one album (same title or slug), when at least
/// one of them has no uid: an entry without uid matches the album with its title, so it would
/// match the other entry's album (before the apply, or after it renamed a pinned album), and the
/// next plan would find the album claimed twice. Two pinned entries may share a title.
fn check_album_titles(albums: &[&AlbumEntry], problems: &mut Vec<Problem>) {
    let mut seen: HashMap<String, Vec<&AlbumEntry>> = HashMap::new();
    for &album in albums {
        let Some(title) = album.title.as_deref() else {
            continue;
        };
        let slug = slugify(title);
        let key = if slug == "-" {
            normalize_album_title(title).to_lowercase()
        } else {
            slug
        };
        let earlier = seen.entry(key.clone()).or_default();
        let first = earlier
            .iter()
            .find(|first| first.uid.is_none() || album.uid.is_none())
            .copied();
        earlier.push(album);
        let Some(first) = first else {
            continue;
        };
        let first_title = first.title.as_deref().unwrap_or_default();
        let same = if normalize_album_title(first_title) == normalize_album_title(title) {
            "the same title".to_owned()
        } else {
            format!("titles PhotoPrism treats as the same album (slug `{key}`)")
        };
        let (message, help) = match (first.uid.as_deref(), album.uid.as_deref()) {
            (None, None) => (
                format!(
                    "albums `{}` and `{}` have {same} and no uid",
                    first.key, album.key
                ),
                "both would match the same server album; give them different titles or pin each with `uid`",
            ),
            (Some(uid), _) | (_, Some(uid)) => {
                let (pinned, loose) = if first.uid.is_some() {
                    (first, album)
                } else {
                    (album, first)
                };
                (
                    format!(
                        "albums `{}` and `{}` have {same}; `{}` has no uid, so it would match album {uid} that `{}` pins",
                        first.key, album.key, loose.key, pinned.key
                    ),
                    "give the entry without uid a different title, or pin it with its own `uid`",
                )
            }
        };
        problems.push(
            Problem::at(
                "duplicate_title",
                message,
                album.field_loc("title"),
                format!("same album as `{}`", first.key),
            )
            .also_at(first.field_loc("title"), "first title")
            .with_help(help),
        );
    }
}

/// A field value of a rule, in the form that decides whether two rules agree.
#[derive(PartialEq, Debug)]
enum FieldValue {
    Text(String),
    Bool(bool),
    Number(f64),
    Int(i64),
    Time(OffsetDateTime),
    Words(Vec<String>),
}

impl FieldValue {
    fn show(&self) -> String {
        match self {
            FieldValue::Text(s) => format!("{s:?}"),
            FieldValue::Bool(b) => b.to_string(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Int(n) => n.to_string(),
            FieldValue::Time(t) => format!("{t}"),
            FieldValue::Words(w) => format!("[{}]", w.join(", ")),
        }
    }
}

/// The fields a rule sets, with comparable values.
fn rule_values(rule: &PhotoRule) -> Vec<(&'static str, FieldValue)> {
    let mut out = Vec::new();
    let text = |out: &mut Vec<(&'static str, FieldValue)>, name, v: &Option<String>| {
        if let Some(v) = v {
            out.push((name, FieldValue::Text(v.clone())));
        }
    };
    text(&mut out, "title", &rule.title);
    text(&mut out, "caption", &rule.caption);
    for (name, v) in [
        ("favorite", rule.favorite),
        ("private", rule.private),
        ("archived", rule.archived),
    ] {
        if let Some(v) = v {
            out.push((name, FieldValue::Bool(v)));
        }
    }
    if let Some(t) = &rule.taken_at {
        match parse_rfc3339(t) {
            Some(dt) => out.push(("taken_at", FieldValue::Time(dt))),
            None => out.push(("taken_at", FieldValue::Text(t.clone()))),
        }
    }
    text(&mut out, "time_zone", &rule.time_zone);
    if let Some(v) = rule.lat {
        out.push(("lat", FieldValue::Number(v)));
    }
    if let Some(v) = rule.lng {
        out.push(("lng", FieldValue::Number(v)));
    }
    if let Some(v) = rule.altitude {
        out.push(("altitude", FieldValue::Int(v)));
    }
    if let Some(words) = &rule.keywords {
        out.push(("keywords", FieldValue::Words(normalize_keywords(words))));
    }
    text(&mut out, "notes", &rule.notes);
    text(&mut out, "subject", &rule.subject);
    text(&mut out, "artist", &rule.artist);
    text(&mut out, "copyright", &rule.copyright);
    text(&mut out, "license", &rule.license);
    out
}

/// Two rules with the same selectors (and the same `except`) that set a field to different
/// values.
///
/// Rules whose selectors differ can still hit the same photo; that is only known once the
/// server resolves them, so the planner checks it.
fn check_rule_conflicts(rules: &[PhotoRule], problems: &mut Vec<Problem>) {
    type Key<'a> = (BTreeSet<&'a SelectorKind>, BTreeSet<&'a SelectorKind>);
    let mut groups: BTreeMap<Key<'_>, Vec<&PhotoRule>> = BTreeMap::new();
    for rule in rules {
        let set: BTreeSet<&SelectorKind> = rule.selectors.iter().map(|s| &s.kind).collect();
        let except: BTreeSet<&SelectorKind> = rule.except.iter().map(|s| &s.kind).collect();
        groups.entry((set, except)).or_default().push(rule);
    }
    for group in groups.values() {
        for (j, later) in group.iter().enumerate() {
            let later_values = rule_values(later);
            for earlier in &group[..j] {
                let earlier_values = rule_values(earlier);
                for (name, value) in &later_values {
                    let Some((_, other)) = earlier_values.iter().find(|(n, _)| n == name) else {
                        continue;
                    };
                    if other == value {
                        continue;
                    }
                    problems.push(
                        Problem::at(
                            "conflicting_rules",
                            format!(
                                "two photo rules with the same `match` set `{name}` to different values"
                            ),
                            later.field_loc(name),
                            format!("{name}: {}", value.show()),
                        )
                        .also_at(earlier.field_loc(name), format!("{name}: {}", other.show()))
                        .with_help("the order of rules never decides a conflict; keep one value"),
                    );
                }
            }
        }
    }
}

/// A rule archives a photo that an album selects by uid, hash or path.
fn check_archive_conflicts(
    albums: &[AlbumEntry],
    rules: &[PhotoRule],
    problems: &mut Vec<Problem>,
) {
    if !rules.iter().any(|r| r.archived == Some(true)) {
        return;
    }
    let mut selected: HashMap<&SelectorKind, (&AlbumEntry, &Loc)> = HashMap::new();
    for album in albums {
        if album.state == super::model::AlbumState::Absent {
            continue;
        }
        for sel in album.photos.iter().flatten() {
            if sel.kind.is_exact() {
                selected.entry(&sel.kind).or_insert((album, &sel.loc));
            }
        }
    }
    for rule in rules.iter().filter(|r| r.archived == Some(true)) {
        for sel in &rule.selectors {
            let Some((album, album_loc)) = selected.get(&sel.kind) else {
                continue;
            };
            problems.push(
                Problem::at(
                    "archive_conflict",
                    format!(
                        "a photo rule archives the photo `{}: {}` that album `{}` selects",
                        sel.kind.key(),
                        sel.kind.value(),
                        album.key
                    ),
                    &sel.loc,
                    "archived by this rule",
                )
                .also_at(album_loc, format!("selected by album `{}`", album.key))
                .with_help("archiving removes a photo from every album; drop `archived: true` or remove the photo from the album"),
            );
        }
    }
}
