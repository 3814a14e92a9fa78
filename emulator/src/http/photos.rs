//! Photo endpoints (§3): search, get, update, like, approve, labels, files.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Shared;
use super::albums::page_response;
use super::auth;
use super::respond::{self, TypeError, get_bool, get_ci, get_f64, get_i64, get_str, msg};
use crate::model::{Photo, Session};
use crate::options::ApiGeneration;
use crate::render::{self, FileShape, PhotoShape};
use crate::search::{self, SearchError};
use crate::store::Store;
use crate::text;

type Reply = Result<Response, Response>;
type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// `GET /api/v1/photos`.
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Params,
) -> Reply {
    let generation = shared.generation;
    // Searches only read: they run side by side.
    let store = shared.store.read();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "photos", false)?;
    if !session.has_user() {
        return Err(respond::error(generation, 400, msg::UNABLE));
    }
    let Query(params) = params.map_err(|_| respond::form_error(generation))?;
    match search::search_photos(&store, &params) {
        Ok(page) => Ok(page_response(&store, page)),
        Err(SearchError::BadForm) => Err(respond::form_error(generation)),
        Err(_) => Err(respond::error(generation, 400, msg::UNABLE)),
    }
}

/// Authenticates a single-photo request and resolves the photo UID (404 otherwise).
pub(super) fn photo_request(
    store: &Store,
    generation: ApiGeneration,
    headers: &HeaderMap,
    uid: &str,
    write: bool,
) -> Result<(Session, String), Response> {
    let session = auth::session(store, generation, headers)?;
    auth::require_scope(generation, &session, "photos", write)?;
    let uid = uid.trim().to_ascii_lowercase();
    if store.photo(&uid).is_some() {
        Ok((session, uid))
    } else {
        Err(respond::error(generation, 404, msg::ENTITY_NOT_FOUND))
    }
}

pub(super) fn entity(store: &Store, uid: &str, shape: PhotoShape) -> Value {
    store
        .photo(uid)
        .map(|p| render::photo_entity(store, p, shape))
        .unwrap_or(Value::Null)
}

/// `GET /api/v1/photos/:uid`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let store = shared.store.lock();
    let (_, uid) = photo_request(&store, shared.generation, &headers, &uid, false)?;
    Ok(respond::ok(&entity(&store, &uid, PhotoShape::Full)))
}

/// The validated top-level fields of a photo PUT.
#[derive(Default)]
struct PhotoForm {
    strings: Vec<(&'static str, String)>,
    bools: Vec<(&'static str, bool)>,
    numbers: Vec<(&'static str, f64)>,
    ints: Vec<(&'static str, i64)>,
    taken_at: Option<OffsetDateTime>,
    taken_at_local: Option<OffsetDateTime>,
    details: Option<Map<String, Value>>,
}

const STRING_KEYS: &[&str] = &[
    "Type",
    "TypeSrc",
    "TakenSrc",
    "TimeZone",
    "Title",
    "TitleSrc",
    "Caption",
    "CaptionSrc",
    "Description",
    "DescriptionSrc",
    "Exposure",
    "Country",
    "PlaceSrc",
    "CameraSrc",
    "OriginalName",
];

fn parse_form(obj: &Map<String, Value>) -> Result<PhotoForm, TypeError> {
    let mut form = PhotoForm::default();
    for key in STRING_KEYS {
        if let Some(v) = get_str(obj, key)? {
            form.strings.push((key, v));
        }
    }
    for key in ["Favorite", "Private", "Scan", "Panorama"] {
        if let Some(v) = get_bool(obj, key)? {
            form.bools.push((key, v));
        }
    }
    for key in ["Lat", "Lng", "FNumber"] {
        if let Some(v) = get_f64(obj, key)? {
            form.numbers.push((key, v));
        }
    }
    for key in [
        "Year",
        "Month",
        "Day",
        "Altitude",
        "Iso",
        "FocalLength",
        "CameraID",
        "LensID",
    ] {
        if let Some(v) = get_i64(obj, key)? {
            form.ints.push((key, v));
        }
    }
    let time = |key: &str| -> Result<Option<OffsetDateTime>, TypeError> {
        match get_str(obj, key)? {
            Some(s) if !s.is_empty() => OffsetDateTime::parse(&s, &Rfc3339)
                .map(Some)
                .map_err(|_| TypeError),
            _ => Ok(None),
        }
    };
    form.taken_at = time("TakenAt")?;
    form.taken_at_local = time("TakenAtLocal")?;
    form.details = match get_ci(obj, "Details") {
        None | Some(Value::Null) => None,
        Some(Value::Object(d)) => Some(d.clone()),
        Some(_) => return Err(TypeError),
    };
    if let Some(d) = &form.details {
        for key in DETAIL_KEYS {
            get_str(d, key)?;
        }
        get_i64(d, "PhotoID")?;
    }
    Ok(form)
}

const DETAIL_KEYS: [&str; 12] = [
    "Keywords",
    "KeywordsSrc",
    "Notes",
    "NotesSrc",
    "Subject",
    "SubjectSrc",
    "Artist",
    "ArtistSrc",
    "Copyright",
    "CopyrightSrc",
    "License",
    "LicenseSrc",
];

fn apply_details(photo: &mut Photo, details: &Map<String, Value>, now: OffsetDateTime) {
    let photo_id = get_i64(details, "PhotoID").ok().flatten();
    if photo_id != i64::try_from(photo.id).ok() {
        return;
    }
    let field = |key: &str| get_str(details, key).ok().flatten().unwrap_or_default();
    let d = &mut photo.details;
    d.keywords = text::normalize_keywords(&field("Keywords"));
    d.keywords_src = field("KeywordsSrc");
    d.notes = field("Notes");
    d.notes_src = field("NotesSrc");
    d.subject = field("Subject");
    d.subject_src = field("SubjectSrc");
    d.artist = field("Artist");
    d.artist_src = field("ArtistSrc");
    d.copyright = field("Copyright");
    d.copyright_src = field("CopyrightSrc");
    d.license = field("License");
    d.license_src = field("LicenseSrc");
    d.updated_at = now;
}

fn apply_form(photo: &mut Photo, form: PhotoForm, generation: ApiGeneration, now: OffsetDateTime) {
    let before = TitleBefore::of(photo);
    let mut description = None;
    for (key, value) in form.strings {
        match key {
            "Type" => photo.kind = value,
            "TypeSrc" => photo.type_src = value,
            "TakenSrc" => photo.taken_src = value,
            "TimeZone" => photo.time_zone = value,
            "Title" => photo.title = value,
            "TitleSrc" => photo.title_src = value,
            "Caption" if generation == ApiGeneration::V2025 => photo.caption = value,
            "CaptionSrc" if generation == ApiGeneration::V2025 => photo.caption_src = value,
            "Description" => {
                description.get_or_insert((None, None)).0 = Some(value);
            }
            "DescriptionSrc" => {
                description.get_or_insert((None, None)).1 = Some(value);
            }
            "Exposure" => photo.exposure = value,
            "Country" => photo.country = value,
            "PlaceSrc" => photo.place_src = value,
            "CameraSrc" => photo.camera_src = value,
            "OriginalName" => photo.original_name = value,
            _ => {}
        }
    }
    if let Some((text, src)) = description {
        // 2024: the photo's own field. 2025+: copied into an empty Caption, else ignored.
        if generation == ApiGeneration::V2024 || photo.caption.is_empty() {
            if let Some(text) = text {
                photo.caption = text;
            }
            if let Some(src) = src {
                photo.caption_src = src;
            }
        }
    }
    for (key, value) in form.bools {
        match key {
            "Favorite" => photo.favorite = value,
            "Private" => photo.private = value,
            "Scan" => photo.scan = value,
            _ => photo.panorama = value,
        }
    }
    for (key, value) in form.numbers {
        match key {
            "Lat" => photo.lat = value,
            "Lng" => photo.lng = value,
            _ => photo.f_number = value,
        }
    }
    for (key, value) in form.ints {
        let small = i32::try_from(value).unwrap_or(-1);
        match key {
            "Year" => photo.year = small,
            "Month" => photo.month = small,
            "Day" => photo.day = small,
            "Altitude" => photo.altitude = value,
            "Iso" => photo.iso = value,
            "FocalLength" => photo.focal_length = value,
            "CameraID" => photo.camera_id = u64::try_from(value).unwrap_or(1),
            _ => photo.lens_id = u64::try_from(value).unwrap_or(1),
        }
    }
    // The form starts from the stored photo: a time that is not sent keeps its stored value.
    if let Some(local) = form.taken_at_local {
        photo.taken_at_local = local;
    }
    if let Some(t) = form.taken_at {
        photo.taken_at = t;
    }
    settle_form_times(photo, generation);
    if let Some(details) = &form.details {
        apply_details(photo, details, now);
    }
    update_title(photo, before);
    photo.approve();
    photo.edited_at = Some(now);
    photo.updated_at = now;
}

/// A photo's title before a save, and what the emulator's title rule made of it.
struct TitleBefore {
    title: String,
    automatic: bool,
    generated: String,
}

impl TitleBefore {
    fn of(photo: &Photo) -> TitleBefore {
        TitleBefore {
            title: photo.title.clone(),
            automatic: photo.title_src.is_empty(),
            generated: file_title(photo),
        }
    }
}

/// The emulator's automatic title for the photo as it is ([`crate::store::automatic_title`]).
fn file_title(photo: &Photo) -> String {
    let original = photo
        .primary_file()
        .map(|f| f.original_name.clone())
        .unwrap_or_else(|| photo.original_name.clone());
    crate::store::automatic_title(&original, &photo.taken_src, photo.taken_at_local.year())
}

/// `UpdateTitle`, which `SavePhotoForm` runs after every PUT (`entity/photo.go`,
/// `entity/photo_title.go`). A title with a source other than automatic (`""`) is kept, unless
/// it is empty. An automatic title is made again from the photo's people, place, labels, file
/// name and date, so it comes out the same when none of those changed: a PUT of `Private`,
/// then `Lat`/`Lng` (places off), then `TimeZone` keeps it (probe 05), and a `Title` sent
/// without `TitleSrc` is undone (quirks 19-20). The emulator models only the file-name branch:
/// it generates a new title when what that branch reads changed or the title was not
/// automatic before, and otherwise restores the automatic title the photo had, which may have
/// come from branches it does not model. `UpdateDescription` then clears an automatic caption
/// (quirks 23-24); a caption with a source is kept (quirks 25-28).
fn update_title(photo: &mut Photo, before: TitleBefore) {
    if !photo.title_src.is_empty() && !photo.title.is_empty() {
        return;
    }
    let generated = file_title(photo);
    photo.title = if before.automatic && !before.title.is_empty() && generated == before.generated {
        before.title
    } else {
        generated
    };
    // `SetTitle(…, SrcAuto)`: the regenerated title is automatic.
    photo.title_src.clear();
    if photo.caption_src.is_empty() {
        photo.caption.clear();
    }
}

/// Whether PhotoPrism treats a photo's `TimeZone` as UTC (`Photo.TimeZoneUTC`): `UTC` in any
/// case; 2025+ servers also accept `Z`, `Zulu` and `Etc/UTC`.
pub(crate) fn zone_is_utc(name: &str, generation: ApiGeneration) -> bool {
    let utc = name.eq_ignore_ascii_case("UTC");
    match generation {
        ApiGeneration::V2024 => utc,
        ApiGeneration::V2025 => {
            utc || ["Z", "Zulu", "Etc/UTC"]
                .iter()
                .any(|alias| name.eq_ignore_ascii_case(alias))
        }
    }
}

/// The zone Go's `time.LoadLocation` finds for `name`: `""` and `Local` are UTC (a server in a
/// container runs in UTC), other names must match a tz database entry exactly; `None` = unknown.
pub(crate) fn load_zone(name: &str) -> Option<jiff::tz::TimeZone> {
    if name.is_empty() || name == "UTC" || name == "Local" {
        return Some(jiff::tz::TimeZone::UTC);
    }
    let zone = jiff::tz::db().get(name).ok()?;
    // The tz database lookup ignores case; zone files on a server's disk do not.
    (zone.iana_name() == Some(name)).then_some(zone)
}

/// The wall-clock time of `t`, labelled UTC (how the server stores `TakenAtLocal`).
fn wall(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_offset(time::UtcOffset::UTC)
}

/// The instant at which the clocks of `zone` show the wall-clock time of `local` (its offset
/// ignored, seconds precision), in UTC; `None` when that time does not exist.
fn wall_in_zone(local: OffsetDateTime, zone: &jiff::tz::TimeZone) -> Option<OffsetDateTime> {
    let civil = jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        i8::try_from(u8::from(local.month())).ok()?,
        i8::try_from(local.day()).ok()?,
        i8::try_from(local.hour()).ok()?,
        i8::try_from(local.minute()).ok()?,
        i8::try_from(local.second()).ok()?,
        0,
    )
    .ok()?;
    let instant = zone.to_timestamp(civil).ok()?;
    OffsetDateTime::from_unix_timestamp(instant.as_second()).ok()
}

/// `SavePhotoForm` after the form is merged: in a UTC zone `TakenAtLocal` becomes `TakenAt`;
/// in a zone the server can load, `TakenAt` becomes `TakenAtLocal` read in that zone; with an
/// unknown zone `TakenAt` stays. Then the date fields follow (`UpdateDateFields`).
fn settle_form_times(photo: &mut Photo, generation: ApiGeneration) {
    photo.taken_at = photo.taken_at.to_offset(time::UtcOffset::UTC);
    photo.taken_at_local = wall(photo.taken_at_local);
    if zone_is_utc(&photo.time_zone, generation) {
        photo.taken_at_local = photo.taken_at;
    } else if let Some(utc) =
        load_zone(&photo.time_zone).and_then(|zone| wall_in_zone(photo.taken_at_local, &zone))
    {
        photo.taken_at = utc;
    }
    update_date_fields(photo);
}

/// A batch edit's date step: in a UTC zone `TakenAt` becomes `TakenAtLocal` (the reverse of
/// [`settle_form_times`]); otherwise `TakenAtLocal` is read in the photo's zone when it loads.
pub(crate) fn settle_batch_times(photo: &mut Photo, generation: ApiGeneration) {
    photo.taken_at_local = wall(photo.taken_at_local);
    if zone_is_utc(&photo.time_zone, generation) {
        photo.taken_at = photo.taken_at_local;
    } else if let Some(utc) =
        load_zone(&photo.time_zone).and_then(|zone| wall_in_zone(photo.taken_at_local, &zone))
    {
        photo.taken_at = utc;
    }
    update_date_fields(photo);
}

/// `UpdateDateFields`: `Year`/`Month`/`Day` follow `TakenAtLocal` unless the date was set by
/// hand (`manual`, `batch`); an automatic date close to the import time is unknown (`-1`).
fn update_date_fields(photo: &mut Photo) {
    if photo.taken_at.year() < 1000 {
        return;
    }
    if photo.taken_at_local.year() < 1000 {
        photo.taken_at_local = wall(photo.taken_at);
    }
    if photo.taken_src.is_empty() && photo.taken_at > photo.created_at - time::Duration::DAY {
        (photo.year, photo.month, photo.day) = (-1, -1, -1);
    } else if photo.taken_src != "manual" && photo.taken_src != "batch" {
        let local = photo.taken_at_local;
        photo.year = local.year();
        photo.month = i32::from(u8::from(local.month()));
        photo.day = i32::from(local.day());
    }
}

/// `PUT /api/v1/photos/:uid`.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = photo_request(&store, generation, &headers, &uid, true)?;
    let obj = respond::parse_object(generation, &body)?;
    let form = parse_form(&obj).map_err(|_| respond::error(generation, 400, msg::UNABLE))?;
    let now = store.now();
    if let Some(photo) = store.photo_mut(&uid) {
        apply_form(photo, form, generation, now);
    }
    link_keyword_labels(&mut store, &uid);
    Ok(respond::ok(&entity(&store, &uid, PhotoShape::Full)))
}

/// `Photo.UpdateKeywordLabels` (`internal/entity/photo.go`, run when a photo form is saved):
/// every keyword that names an existing label (found by slug, `FindLabel`) links that label
/// with source `keyword` and uncertainty 25, unless the photo is linked to it already.
/// Transcripts `real-kwlabels-24.txt`/`-26.txt`: `PUT B kw` links label 5 as
/// `(keyword, 25)`; writing the keywords without it later leaves the link (so links are only
/// ever added here).
fn link_keyword_labels(store: &mut crate::store::Store, uid: &str) {
    let Some(keywords) = store.photo(uid).map(|p| p.details.keywords.clone()) else {
        return;
    };
    let ids: Vec<u64> = keywords
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .filter_map(|k| store.label_slugs.get(&text::slugify(k)).copied())
        .collect();
    if let Some(photo) = store.photo_mut(uid) {
        for label_id in ids {
            if !photo.labels.iter().any(|l| l.label_id == label_id) {
                photo.labels.push(crate::model::PhotoLabel {
                    label_id,
                    src: "keyword".to_owned(),
                    uncertainty: 25,
                });
            }
        }
    }
}

async fn set_favorite(
    shared: Arc<Shared>,
    uid: String,
    headers: HeaderMap,
    favorite: bool,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (session, uid) = photo_request(&store, generation, &headers, &uid, true)?;
    let now = store.now();
    if session.has_user()
        && let Some(photo) = store.photo_mut(&uid)
        && photo.favorite != favorite
    {
        photo.favorite = favorite;
        photo.approve();
        photo.quality += if favorite { 2 } else { -2 };
        photo.quality = photo.quality.max(3);
        photo.updated_at = now;
    }
    Ok(respond::ok(
        &json!({"photo": entity(&store, &uid, PhotoShape::Bare)}),
    ))
}

/// `POST /api/v1/photos/:uid/like`.
pub(crate) async fn like(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    set_favorite(shared, uid, headers, true).await
}

/// `DELETE /api/v1/photos/:uid/like`.
pub(crate) async fn unlike(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    set_favorite(shared, uid, headers, false).await
}

/// Approves a photo in review: un-archives it and raises its quality.
pub(crate) fn approve_photo(store: &mut Store, uid: &str) {
    let now = store.now();
    if let Some(photo) = store.photo_mut(uid)
        && photo.quality < 3
    {
        photo.approve();
        photo.deleted_at = None;
        photo.edited_at = Some(now);
        photo.updated_at = now;
    }
}

/// `POST /api/v1/photos/:uid/approve`.
pub(crate) async fn approve(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let mut store = shared.store.lock();
    let (_, uid) = photo_request(&store, shared.generation, &headers, &uid, true)?;
    approve_photo(&mut store, &uid);
    Ok(respond::ok(
        &json!({"photo": entity(&store, &uid, PhotoShape::Bare)}),
    ))
}

/// `GET /api/v1/files/:hash`.
pub(crate) async fn file_by_hash(
    State(shared): State<Arc<Shared>>,
    Path(hash): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "files", false)?;
    let hash = hash.trim().to_ascii_lowercase();
    let found = store.photo_by_hash(&hash).and_then(|photo| {
        photo
            .files
            .iter()
            .find(|f| f.hash == hash)
            .map(|f| render::file_json(f, photo, FileShape::Full, generation))
    });
    found
        .map(|v| respond::ok(&v))
        .ok_or_else(|| respond::error(generation, 404, msg::ENTITY_NOT_FOUND))
}
