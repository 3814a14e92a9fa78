//! Diff: compare what the manifest asks for with what the server has, and
//! produce typed changes. Values the server normalizes (album titles,
//! categories, keywords) are compared in normalized form.

use std::collections::{BTreeMap, BTreeSet};

use crate::manifest::{
    AlbumEntry, AlbumState, Loc, Manifest, Membership, PhotoRule, normalize_album_title,
    normalize_category, normalize_keywords,
};
use crate::photoprism::text::{self, same_category};
use crate::plan::{AlbumRef, Change, DeleteReason, FieldChange, PlanProblem, Value};
use crate::resolve::Resolution;
use crate::state::{LibraryState, ServerAlbum, ServerPhoto, Uid};

mod labels;

pub use labels::{added_labels, current_labels, keywords_after_labels, removed_labels};

/// The photo fields a rule can set, in display order.
pub const PHOTO_FIELDS: &[&str] = &[
    "title",
    "caption",
    "taken_at",
    "time_zone",
    "lat",
    "lng",
    "altitude",
    "favorite",
    "private",
    "keywords",
    "notes",
    "subject",
    "artist",
    "copyright",
    "license",
];

/// The photo fields that live in PhotoPrism's `Details` (read with a photo GET).
pub const DETAIL_FIELDS: &[&str] = &[
    "keywords",
    "notes",
    "subject",
    "artist",
    "copyright",
    "license",
];

/// Computes every change the manifest needs, unordered.
pub fn diff(
    manifest: &Manifest,
    state: &LibraryState,
    resolution: &Resolution,
) -> Result<Vec<Change>, Vec<PlanProblem>> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let claimed: BTreeSet<&str> = resolution
        .albums
        .values()
        .flatten()
        .map(String::as_str)
        .collect();

    let desired_photos = desired_photo_values(manifest, resolution, state, &mut problems);
    let wanted_labels = labels::WantedLabels::collect(manifest, resolution, state, &mut problems);
    let archive_wanted = |uid: Uid| {
        matches!(
            desired_photos.get(uid, "archived"),
            Some((Value::Bool(true), _))
        )
    };

    let any_archived = state.any_archived();
    let mut restore: BTreeSet<Uid> = BTreeSet::new();
    for entry in &manifest.albums {
        let uid = resolution.albums.get(&entry.key).cloned().flatten();
        let server = uid.as_deref().and_then(|uid| state.album(uid));
        if entry.state == AlbumState::Absent {
            if let Some(album) = server {
                changes.push(Change::DeleteAlbum {
                    album: album_ref(entry, Some(album)),
                    reason: DeleteReason::Absent,
                    photo_count: album.photo_count,
                });
            }
            continue;
        }
        let desired = resolution.album_photos.get(&entry.key);
        if let Some(desired) = desired {
            for &photo in desired {
                if archive_wanted(photo) {
                    problems.push(archive_conflict(manifest, resolution, entry, photo, state));
                } else if any_archived && state.is_archived(photo) {
                    restore.insert(photo);
                }
            }
        }
        match server {
            None => changes.push(Change::CreateAlbum {
                note: takeover_note(entry, state),
                album: album_ref(entry, None),
                fields: album_fields(entry, None),
                photos: desired
                    .map(|set| set.iter().map(|uid| state.photo_ref(*uid)).collect())
                    .unwrap_or_default(),
                exact: desired.is_some() && entry.membership == Membership::Exact,
            }),
            Some(album) => {
                let fields = album_fields(entry, Some(album));
                if !fields.is_empty() {
                    changes.push(Change::UpdateAlbum {
                        album: album_ref(entry, Some(album)),
                        fields,
                    });
                }
                if let Some(desired) = desired {
                    let current = state.members.get(&album.uid).map_or(&[][..], Vec::as_slice);
                    let add: Vec<_> = difference(desired, current)
                        .map(|uid| state.photo_ref(uid))
                        .collect();
                    if !add.is_empty() {
                        changes.push(Change::AddPhotos {
                            album: album_ref(entry, Some(album)),
                            photos: add,
                        });
                    }
                    if entry.membership == Membership::Exact {
                        let remove: Vec<_> = difference(current, desired)
                            .map(|uid| state.photo_ref(uid))
                            .collect();
                        if !remove.is_empty() {
                            changes.push(Change::RemovePhotos {
                                album: album_ref(entry, Some(album)),
                                photos: remove,
                            });
                        }
                    }
                }
            }
        }
        album_extras(entry, server, state, &mut changes, &mut problems);
    }

    if manifest.settings.prune {
        for album in &state.albums {
            if !claimed.contains(album.uid.as_str()) {
                changes.push(Change::DeleteAlbum {
                    album: AlbumRef {
                        key: None,
                        uid: Some(album.uid.clone()),
                        title: album.title.clone(),
                    },
                    reason: DeleteReason::Prune,
                    photo_count: album.photo_count,
                });
            }
        }
    }

    for &uid in desired_photos.photos.keys() {
        let Some(photo) = state.photo(uid) else {
            continue;
        };
        match desired_photos.get(uid, "archived") {
            Some((Value::Bool(true), _)) if !photo.archived => {
                changes.push(Change::ArchivePhoto {
                    photo: state.photo_ref(uid),
                });
            }
            Some((Value::Bool(false), _)) if photo.archived => {
                restore.insert(uid);
            }
            _ => {}
        }
        let approving = approve_change(uid, photo, &desired_photos, state, &mut problems);
        if let Some(approve) = approving.clone() {
            changes.push(approve);
        }
        let mut updates = photo_field_changes(photo, |field| desired_photos.get(uid, field));
        let label_refs = label_changes(
            uid,
            photo,
            &desired_photos,
            &wanted_labels,
            state,
            &mut updates,
            &mut problems,
        );
        if !updates.is_empty() {
            changes.push(Change::UpdatePhoto {
                photo: state.photo_ref(uid),
                fields: updates,
                archived: photo.archived && !restore.contains(&uid) && approving.is_none(),
                label_refs,
            });
        }
    }
    for uid in restore {
        changes.push(Change::RestorePhoto {
            photo: state.photo_ref(uid),
        });
    }

    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(problems)
    }
}

/// The approval a photo needs (`approved: true` on a photo in review), or a problem when a
/// rule also archives it (approving restores an archived photo).
fn approve_change(
    uid: Uid,
    photo: &ServerPhoto,
    desired: &Desired<'_>,
    state: &LibraryState,
    problems: &mut Vec<PlanProblem>,
) -> Option<Change> {
    let (Value::Bool(true), approve_loc) = desired.get(uid, "approved")? else {
        return None;
    };
    if let Some((Value::Bool(true), archive_loc)) = desired.get(uid, "archived") {
        let photo_ref = state.photo_ref(uid);
        problems.push(
            PlanProblem::new(
                "prysm::plan::approve_conflict",
                format!(
                    "photo {} ({}) is approved by one rule and archived by another; approving \
                     a photo in review restores it from the archive",
                    photo_ref.uid, photo_ref.name
                ),
            )
            .at(approve_loc, "approves the photo")
            .at(archive_loc, "archives the photo")
            .help("make the rules agree, or narrow their `match` so they do not select the same photo"),
        );
        return None;
    }
    photo.review.then(|| Change::ApprovePhoto {
        photo: state.photo_ref(uid),
        restores: photo.archived,
    })
}

/// Adds the `labels` change a photo needs to `updates`, and the keyword change its side
/// effects make necessary; returns the labels to remove.
#[allow(clippy::too_many_arguments)]
fn label_changes(
    uid: Uid,
    photo: &ServerPhoto,
    desired: &Desired<'_>,
    wanted_labels: &labels::WantedLabels<'_>,
    state: &LibraryState,
    updates: &mut Vec<FieldChange>,
    problems: &mut Vec<PlanProblem>,
) -> Vec<crate::plan::LabelRef> {
    let wanted = wanted_labels.of(uid);
    if wanted.is_empty() {
        return Vec::new();
    }
    let keywords = match desired.get(uid, "keywords") {
        Some((Value::List(keywords), loc)) => Some((keywords, loc)),
        _ => None,
    };
    if let Some((keywords, loc)) = keywords {
        if let Some(problem) = labels::keyword_conflict(uid, keywords, loc, &wanted, state) {
            problems.push(problem);
            return Vec::new();
        }
    }
    let Some(edit) = labels::label_edit(photo, &wanted) else {
        return Vec::new();
    };
    // Label changes move keywords on the server; apply sends them first, so a keyword list
    // the manifest sets is written after them whenever they would change it. When the
    // manifest does not set keywords, the change the server makes is shown (and written as
    // the server leaves it), so that the plan says what happens and an undo can put the
    // keywords back.
    if keywords.is_none()
        && !updates.iter().any(|field| field.field == "keywords")
        && let Some(Value::List(current)) = current_photo_value(photo, "keywords")
    {
        let words_join = state.text_field != Some(crate::state::TextField::Caption);
        let after = labels::keywords_after(&current, &edit, words_join);
        if after != current {
            updates.push(FieldChange {
                field: "keywords".to_owned(),
                old: Some(Value::List(current)),
                new: Value::List(after),
            });
        }
    }
    if let Some((keywords, _)) = keywords {
        let has_change = updates.iter().any(|field| field.field == "keywords");
        let current = current_photo_value(photo, "keywords");
        if let (false, Some(Value::List(current))) = (has_change, &current) {
            let words_join = state.text_field != Some(crate::state::TextField::Caption);
            if &labels::keywords_after(current, &edit, words_join) != keywords {
                updates.push(FieldChange {
                    field: "keywords".to_owned(),
                    old: Some(Value::List(current.clone())),
                    new: Value::List(keywords.clone()),
                });
            }
        }
    }
    updates.push(edit.field);
    updates.sort_by_key(|field| field_rank(&field.field));
    edit.refs
}

/// Display position of a photo field (`labels` last).
fn field_rank(field: &str) -> usize {
    PHOTO_FIELDS
        .iter()
        .position(|name| *name == field)
        .unwrap_or(PHOTO_FIELDS.len())
}

/// The cover and share link changes of a present album entry.
fn album_extras(
    entry: &AlbumEntry,
    server: Option<&ServerAlbum>,
    state: &LibraryState,
    changes: &mut Vec<Change>,
    problems: &mut Vec<PlanProblem>,
) {
    let album = album_ref(entry, server);
    changes.extend(crate::links::link_changes(entry, server, &album, state));
    changes.extend(crate::cover::cover_change(
        entry, server, album, state, problems,
    ));
}

/// The UIDs of sorted `a` that are not in sorted `b`, in order.
fn difference<'a>(a: &'a [Uid], b: &'a [Uid]) -> impl Iterator<Item = Uid> + 'a {
    let mut rest = b;
    a.iter().copied().filter(move |uid| {
        while let Some((first, tail)) = rest.split_first() {
            if first < uid {
                rest = tail;
            } else {
                break;
            }
        }
        rest.first() != Some(uid)
    })
}

fn album_ref(entry: &AlbumEntry, server: Option<&ServerAlbum>) -> AlbumRef {
    let title = entry
        .title
        .as_deref()
        .map(normalize_album_title)
        .or_else(|| server.map(|album| album.title.clone()))
        .unwrap_or_default();
    AlbumRef {
        key: Some(entry.key.clone()),
        uid: server.map(|album| album.uid.clone()),
        title,
    }
}

/// A note for creating an album whose title PhotoPrism would match, through the SQL `LIKE`
/// wildcards `_` and `%` in it, to another album (`POST /api/v1/albums` answers with that
/// album instead of creating one). Apply then creates the album under a temporary title and
/// renames it; the note says so.
fn takeover_note(entry: &AlbumEntry, state: &LibraryState) -> Option<String> {
    let title = normalize_album_title(entry.title.as_deref()?);
    if !text::has_like_wildcards(&title) {
        return None;
    }
    let matches: Vec<&ServerAlbum> = state
        .albums
        .iter()
        .filter(|album| text::title_like(&album.title, &title))
        .collect();
    let first = matches.first()?;
    let which = match matches.len() {
        1 => format!("album \"{}\" ({})", first.title, first.uid),
        n => format!(
            "one of {n} albums such as \"{}\" ({})",
            first.title, first.uid
        ),
    };
    Some(format!(
        "PhotoPrism would answer this title with {which}: `_` and `%` are SQL LIKE wildcards \
         there; prysm creates the album under a temporary title and renames it"
    ))
}

/// The managed album fields that differ (all managed fields for a new album).
fn album_fields(entry: &AlbumEntry, server: Option<&ServerAlbum>) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    let mut text = |name: &str, wanted: Option<String>, current: Option<&String>| {
        if let Some(wanted) = wanted {
            if current != Some(&wanted) {
                fields.push(FieldChange {
                    field: name.to_string(),
                    old: current.map(|value| Value::Text(value.clone())),
                    new: Value::Text(wanted),
                });
            }
        }
    };
    text(
        "title",
        entry.title.as_deref().map(normalize_album_title),
        server.map(|album| &album.title),
    );
    text(
        "description",
        entry.description.clone(),
        server.map(|album| &album.description),
    );
    text(
        "caption",
        entry.caption.clone(),
        server.map(|album| &album.caption),
    );
    text(
        "notes",
        entry.notes.clone(),
        server.map(|album| &album.notes),
    );
    // PhotoPrism spells some words of a category its own way (`TV`, `iPhone`); a stored
    // category that differs only in case is what the server made of the wanted one.
    let category = entry
        .category
        .as_deref()
        .map(normalize_category)
        .map(|wanted| match server {
            Some(album) if same_category(&album.category, &wanted) => album.category.clone(),
            _ => wanted,
        });
    text("category", category, server.map(|album| &album.category));
    text(
        "location",
        entry.location.clone(),
        server.map(|album| &album.location),
    );
    text(
        "country",
        entry.country.as_deref().map(str::to_lowercase),
        server.map(|album| &album.country),
    );
    text(
        "order",
        entry.order.clone(),
        server.map(|album| &album.order),
    );
    let mut flag = |name: &str, wanted: Option<bool>, current: Option<bool>| {
        if let Some(wanted) = wanted {
            if current != Some(wanted) {
                fields.push(FieldChange {
                    field: name.to_string(),
                    old: current.map(Value::Bool),
                    new: Value::Bool(wanted),
                });
            }
        }
    };
    flag(
        "favorite",
        entry.favorite,
        server.map(|album| album.favorite),
    );
    flag("private", entry.private, server.map(|album| album.private));
    fields
}

/// For every photo a rule touches, the value each field must have and the
/// rule that asks for it (values are stored once per rule, not per photo).
struct Desired<'m> {
    /// Per rule: the values it sets.
    values: Vec<Vec<(&'static str, Value, &'m Loc)>>,
    /// Per photo: (rule, index into that rule's values) of each field set.
    photos: BTreeMap<Uid, Vec<(u32, u8)>>,
}

impl<'m> Desired<'m> {
    fn value(&self, (rule, index): (u32, u8)) -> Option<&(&'static str, Value, &'m Loc)> {
        self.values.get(rule as usize)?.get(usize::from(index))
    }

    /// The value a photo's `field` must have, and where it is asked for.
    fn get(&self, uid: Uid, field: &str) -> Option<(&Value, &'m Loc)> {
        self.photos.get(&uid)?.iter().find_map(|&at| {
            let (name, value, loc) = self.value(at)?;
            (*name == field).then_some((value, *loc))
        })
    }
}

/// For every photo a rule touches: field -> (value, where it was set).
/// Two rules that set one field of one photo to different values are reported.
fn desired_photo_values<'m>(
    manifest: &'m Manifest,
    resolution: &Resolution,
    state: &LibraryState,
    problems: &mut Vec<PlanProblem>,
) -> Desired<'m> {
    let mut desired = Desired {
        values: manifest.photos.iter().map(rule_values).collect(),
        photos: BTreeMap::new(),
    };
    let mut reported: BTreeSet<(usize, usize, &'static str)> = BTreeSet::new();
    for (index, values) in desired.values.iter().enumerate() {
        let Some(photos) = resolution.rule_photos.get(index) else {
            continue;
        };
        let Ok(rule) = u32::try_from(index) else {
            continue;
        };
        for &uid in photos {
            let fields = desired.photos.entry(uid).or_default();
            for (at, (field, value, loc)) in values.iter().enumerate() {
                let existing = fields.iter().find_map(|&(r, i)| {
                    let (name, existing, existing_loc) =
                        desired.values.get(r as usize)?.get(usize::from(i))?;
                    (name == field).then_some((r as usize, existing, *existing_loc))
                });
                match existing {
                    None => {
                        if let Ok(at) = u8::try_from(at) {
                            fields.push((rule, at));
                        }
                    }
                    Some((first, existing, existing_loc))
                        if !same_value(field, existing, value) =>
                    {
                        if reported.insert((first, index, field)) {
                            let photo = state.photo_ref(uid);
                            problems.push(
                                PlanProblem::new(
                                    "prysm::plan::rule_conflict",
                                    format!(
                                        "photo rules {} and {} set `{field}` of photo {} ({}) to different values",
                                        first + 1,
                                        index + 1,
                                        photo.uid,
                                        photo.name
                                    ),
                                )
                                .at(existing_loc, format!("sets {}", display_value(existing)))
                                .at(loc, format!("sets {}", display_value(value)))
                                .help(
                                    "make the rules agree, or narrow their `match` so they do not \
                                     select the same photo (the order of rules never decides)",
                                ),
                            );
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    desired
}

/// The values a rule sets, with the node of each.
fn rule_values(rule: &PhotoRule) -> Vec<(&'static str, Value, &Loc)> {
    let mut values = Vec::new();
    let loc = |name: &str| rule.field_locs.get(name).unwrap_or(&rule.loc);
    let text = |name: &'static str, value: &Option<String>, values: &mut Vec<_>| {
        if let Some(value) = value {
            values.push((name, Value::Text(value.clone()), loc(name)));
        }
    };
    text("title", &rule.title, &mut values);
    let caption_loc = if rule.field_locs.contains_key("caption") {
        loc("caption")
    } else {
        loc("description")
    };
    if let Some(caption) = &rule.caption {
        values.push(("caption", Value::Text(caption.clone()), caption_loc));
    }
    text("taken_at", &rule.taken_at, &mut values);
    text("time_zone", &rule.time_zone, &mut values);
    if let Some(lat) = rule.lat {
        values.push(("lat", Value::Number(lat), loc("lat")));
    }
    if let Some(lng) = rule.lng {
        values.push(("lng", Value::Number(lng), loc("lng")));
    }
    if let Some(altitude) = rule.altitude {
        values.push(("altitude", Value::Number(altitude as f64), loc("altitude")));
    }
    for (name, value) in [
        ("favorite", rule.favorite),
        ("private", rule.private),
        ("archived", rule.archived),
    ] {
        if let Some(value) = value {
            values.push((name, Value::Bool(value), loc(name)));
        }
    }
    if let Some(keywords) = &rule.keywords {
        values.push((
            "keywords",
            Value::List(normalize_keywords(keywords)),
            loc("keywords"),
        ));
    }
    text("notes", &rule.notes, &mut values);
    text("subject", &rule.subject, &mut values);
    text("artist", &rule.artist, &mut values);
    text("copyright", &rule.copyright, &mut values);
    text("license", &rule.license, &mut values);
    if let Some(approved) = rule.approved {
        values.push(("approved", Value::Bool(approved), loc("approved")));
    }
    values
}

fn same_value(field: &str, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < 1e-7,
        (Value::Text(x), Value::Text(y)) if field == "taken_at" => same_instant(x, y),
        _ => a == b,
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    match (
        time::OffsetDateTime::parse(a, &Rfc3339),
        time::OffsetDateTime::parse(b, &Rfc3339),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Short display of a value for messages.
fn display_value(value: &Value) -> String {
    match value {
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Text(text) => format!("{text:?}"),
        Value::List(items) => format!("[{}]", items.join(", ")),
    }
}

/// The server's value of a photo field, in the form the manifest uses
/// (`None` for a detail field that was not read).
pub fn current_photo_value(photo: &ServerPhoto, field: &str) -> Option<Value> {
    let details = photo.details.as_deref();
    let detail = |get: fn(&crate::state::ServerDetails) -> &Option<Box<str>>| {
        details
            .and_then(|details| get(details).as_deref())
            .map(|text| Value::Text(text.to_string()))
    };
    match field {
        "title" => Some(Value::Text(photo.title.to_string())),
        "caption" => Some(Value::Text(photo.caption.to_string())),
        "taken_at" => Some(Value::Text(photo.taken_at.to_string())),
        "time_zone" => Some(Value::Text(photo.time_zone.to_string())),
        "lat" => Some(Value::Number(photo.lat)),
        "lng" => Some(Value::Number(photo.lng)),
        "altitude" => Some(Value::Number(photo.altitude as f64)),
        "favorite" => Some(Value::Bool(photo.favorite)),
        "private" => Some(Value::Bool(photo.private)),
        "archived" => Some(Value::Bool(photo.archived)),
        "keywords" => details
            .and_then(|details| details.keywords.as_deref())
            .map(|keywords| Value::List(split_keywords(keywords))),
        "notes" => detail(|details| &details.notes),
        "subject" => detail(|details| &details.subject),
        "artist" => detail(|details| &details.artist),
        "copyright" => detail(|details| &details.copyright),
        "license" => detail(|details| &details.license),
        _ => None,
    }
}

/// Splits PhotoPrism's comma-separated keyword string into its words, sorted and without
/// duplicates, exactly as stored: not normalised again, so `covid19` on the server never
/// compares equal to a wanted `covid` (and keywords another program stored unnormalised show
/// up as a change that prysm then writes in PhotoPrism's form).
pub fn split_keywords(keywords: &str) -> Vec<String> {
    let mut words: Vec<String> = keywords
        .split(',')
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn photo_field_changes<'v>(
    photo: &ServerPhoto,
    wanted: impl Fn(&str) -> Option<(&'v Value, &'v Loc)>,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for field in PHOTO_FIELDS {
        let Some((wanted, _)) = wanted(field) else {
            continue;
        };
        let current = current_photo_value(photo, field);
        let equal = match &current {
            Some(current) => same_value(field, current, wanted),
            None => false,
        };
        if !equal {
            changes.push(FieldChange {
                field: (*field).to_string(),
                old: current,
                new: wanted.clone(),
            });
        }
    }
    changes
}

fn archive_conflict(
    manifest: &Manifest,
    resolution: &Resolution,
    entry: &AlbumEntry,
    photo: Uid,
    state: &LibraryState,
) -> PlanProblem {
    let photo_ref = state.photo_ref(photo);
    let mut problem = PlanProblem::new(
        "prysm::plan::archive_conflict",
        format!(
            "photo {} ({}) is archived by a rule but album.{} selects it; archiving removes a photo from every album",
            photo_ref.uid, photo_ref.name, entry.key
        ),
    )
    .at(
        entry.field_locs.get("photos").unwrap_or(&entry.loc),
        "this album selects the photo",
    );
    let archiving = manifest.photos.iter().enumerate().find(|(index, rule)| {
        rule.archived == Some(true)
            && resolution
                .rule_photos
                .get(*index)
                .is_some_and(|photos| photos.binary_search(&photo).is_ok())
    });
    if let Some((_, rule)) = archiving {
        let loc = rule.field_locs.get("archived").unwrap_or(&rule.loc);
        problem = problem.at(loc, "this rule archives the photo");
    }
    problem.help("remove `archived: true` for this photo, or stop selecting it in the album")
}
