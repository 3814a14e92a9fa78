//! Batch endpoints: album delete, photo approve/private/archive/restore/delete, batch edit.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::Shared;
use super::auth;
use super::photos::{approve_photo, settle_batch_times};
use super::respond::{self, get_bool, get_ci, get_str_list, msg};
use crate::model::Photo;
use crate::options::ApiGeneration;
use crate::render::ts;
use crate::search;
use crate::store::Store;

type Reply = Result<Response, Response>;

/// 1 MiB cap of selection bodies on 2025+ servers.
const MAX_SELECTION_BYTES: usize = 1 << 20;

fn too_large(generation: ApiGeneration, body: &[u8]) -> Result<(), Response> {
    if generation == ApiGeneration::V2025 && body.len() > MAX_SELECTION_BYTES {
        Err(respond::error(generation, 413, msg::TOO_LARGE))
    } else {
        Ok(())
    }
}

/// Parses `{"photos":[…]}`, lower-casing UIDs; 400 when the list is empty.
fn selection(
    generation: ApiGeneration,
    body: &[u8],
) -> Result<(Vec<String>, Map<String, Value>), Response> {
    too_large(generation, body)?;
    let obj = respond::parse_object(generation, body)?;
    let photos = get_str_list(&obj, "photos").map_err(|_| respond::form_error(generation))?;
    Ok((photos, obj))
}

fn photo_batch(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
    done: &str,
    apply: impl Fn(&mut Store, &str),
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, headers)?;
    auth::require_scope(generation, &session, "photos", true)?;
    let (photos, _) = selection(generation, body)?;
    if photos.is_empty() {
        return Err(respond::error(generation, 400, msg::NO_ITEMS));
    }
    for uid in &photos {
        apply(&mut store, uid);
    }
    Ok(respond::message(generation, done))
}

/// `POST /api/v1/batch/photos/approve`.
pub(crate) async fn approve(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    photo_batch(
        &shared,
        &headers,
        &body,
        "Selection approved",
        approve_photo,
    )
}

/// `POST /api/v1/batch/photos/private`: toggles `Private` of non-archived photos.
pub(crate) async fn private(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    photo_batch(
        &shared,
        &headers,
        &body,
        "Selection marked as private",
        |store, uid| {
            let now = store.now();
            if let Some(photo) = store.photo_mut(uid)
                && !photo.archived()
            {
                photo.private = !photo.private;
                photo.updated_at = now;
            }
        },
    )
}

/// `POST /api/v1/batch/photos/archive`: archives and hides all memberships.
pub(crate) async fn archive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    photo_batch(
        &shared,
        &headers,
        &body,
        "Selection archived",
        |store, uid| {
            store.archive_photo(uid);
        },
    )
}

/// `POST /api/v1/batch/photos/restore`: clears `DeletedAt` only.
pub(crate) async fn restore(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    photo_batch(
        &shared,
        &headers,
        &body,
        "Selection restored",
        |store, uid| {
            store.restore_photo(uid);
        },
    )
}

/// `POST /api/v1/batch/photos/delete`: permanent deletion (`{"all":true}` = all archived).
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "photos", true)?;
    let (mut photos, obj) = selection(generation, &body)?;
    if get_bool(&obj, "all").ok().flatten() == Some(true) {
        photos = store
            .photos
            .values()
            .filter(|p| p.archived())
            .map(|p| p.uid.clone())
            .collect();
    }
    photos.retain(|uid| store.photo(uid).is_some());
    if photos.is_empty() {
        return Err(respond::error(generation, 400, msg::NO_ITEMS));
    }
    for uid in &photos {
        store.delete_photo(uid);
    }
    Ok(respond::message(generation, "Permanently deleted"))
}

/// `POST /api/v1/batch/albums/delete`: soft-deletes albums of any type.
pub(crate) async fn delete_albums(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "albums", true)?;
    let obj = respond::parse_object(generation, &body)?;
    let albums = get_str_list(&obj, "albums").map_err(|_| respond::form_error(generation))?;
    if albums.is_empty() {
        return Err(respond::error(generation, 400, msg::NO_ALBUMS));
    }
    let now = store.now();
    let mut found = 0;
    for uid in albums {
        if let Some(album) = store.album_mut(&uid.to_ascii_lowercase())
            && album.deleted_at.is_none()
        {
            album.deleted_at = Some(now);
            album.updated_at = now;
            found += 1;
        }
    }
    if found == 0 {
        return Err(respond::error(generation, 404, msg::ENTITY_NOT_FOUND));
    }
    Ok(respond::message(generation, "Albums deleted"))
}

/// One scalar value of a batch-edit form.
struct Change {
    value: Value,
    remove: bool,
}

fn change(values: &Map<String, Value>, key: &str) -> Result<Option<Change>, ()> {
    let Some(entry) = get_ci(values, key) else {
        return Ok(None);
    };
    let Value::Object(entry) = entry else {
        return Err(());
    };
    let action = match get_ci(entry, "action") {
        None | Some(Value::Null) => "none".to_owned(),
        Some(Value::String(s)) => s.to_ascii_lowercase(),
        Some(_) => return Err(()),
    };
    Ok(match action.as_str() {
        "update" => Some(Change {
            value: get_ci(entry, "value").cloned().unwrap_or(Value::Null),
            remove: false,
        }),
        "remove" => Some(Change {
            value: Value::Null,
            remove: true,
        }),
        _ => None,
    })
}

/// A list action (`Albums`, `Labels`): items to add (`value` UID or `title`) and UIDs to remove.
#[derive(Default)]
struct ListChange {
    add: Vec<(String, String)>,
    remove: Vec<String>,
}

fn list_change(values: &Map<String, Value>, key: &str) -> Result<ListChange, ()> {
    let mut out = ListChange::default();
    let Some(entry) = get_ci(values, key) else {
        return Ok(out);
    };
    let Value::Object(entry) = entry else {
        return Err(());
    };
    let items = match get_ci(entry, "items") {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(()),
    };
    for item in items {
        let Value::Object(item) = item else {
            return Err(());
        };
        let s = |k: &str| match get_ci(item, k) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(()),
        };
        match s("action")?.to_ascii_lowercase().as_str() {
            "add" => out.add.push((s("value")?, s("title")?)),
            "remove" => out.remove.push(s("value")?),
            _ => {}
        }
    }
    Ok(out)
}

fn as_string(v: &Value) -> Result<String, ()> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        _ => Err(()),
    }
}

fn as_i64(v: &Value) -> Result<i64, ()> {
    v.as_i64().ok_or(())
}

fn as_f64(v: &Value) -> Result<f64, ()> {
    v.as_f64().ok_or(())
}

fn as_bool(v: &Value) -> Result<bool, ()> {
    v.as_bool().ok_or(())
}

/// The `Day`/`Month`/`Year` updates of a batch edit (`None` = not sent).
#[derive(Default)]
struct DateChange {
    day: Option<i32>,
    month: Option<i32>,
    year: Option<i32>,
}

impl DateChange {
    fn any(&self) -> bool {
        self.day.is_some() || self.month.is_some() || self.year.is_some()
    }

    /// Moves the photo's local time to the new date (same time of day; unknown or zero parts keep
    /// the current ones, an unknown day counts as the 1st, a day past the month's end is clamped)
    /// and stores the sent parts as `Year`/`Month`/`Day` (a sent day that is not positive as sent).
    fn apply(&self, photo: &mut Photo) {
        let base = photo.taken_at_local;
        let positive = |v: Option<i32>| v.filter(|v| *v > 0);
        let year = positive(self.year).unwrap_or(base.year());
        let month = positive(self.month)
            .and_then(|m| u8::try_from(m).ok())
            .and_then(|m| time::Month::try_from(m).ok())
            .unwrap_or(base.month());
        let mut day = match self.day {
            Some(-1) => 1,
            Some(d) if d > 0 => u8::try_from(d).unwrap_or(u8::MAX),
            _ => base.day(),
        };
        day = day.min(time::util::days_in_month(month, year));
        if let Ok(date) = time::Date::from_calendar_date(year, month, day) {
            photo.taken_at_local = base.replace_date(date);
            if let Some(year) = self.year {
                photo.year = year;
            }
            if let Some(month) = self.month {
                photo.month = month;
            }
            photo.day = match self.day {
                Some(sent) if sent <= 0 => sent,
                _ => i32::from(day),
            };
        }
    }
}

/// The checked `values` of a batch edit.
struct Values {
    scalar: Vec<(&'static str, Change)>,
    albums: ListChange,
    labels: ListChange,
}

/// Reads and type-checks the `values` of a batch edit (a wrong type is a bind error: 400).
fn parse_values(values: &Map<String, Value>) -> Result<Values, ()> {
    let mut scalar = Vec::new();
    for key in [
        "Title",
        "Caption",
        "Type",
        "Day",
        "Month",
        "Year",
        "TimeZone",
        "Lat",
        "Lng",
        "Altitude",
        "Country",
        "Favorite",
        "Private",
        "Scan",
        "Panorama",
        "DetailsSubject",
        "DetailsArtist",
        "DetailsCopyright",
        "DetailsLicense",
    ] {
        if let Some(c) = change(values, key)? {
            scalar.push((key, c));
        }
    }
    let albums = list_change(values, "Albums")?;
    let labels = list_change(values, "Labels")?;
    for (key, c) in &scalar {
        // Validate types before touching anything.
        if !c.remove {
            match *key {
                "Day" | "Month" | "Year" | "Altitude" => as_i64(&c.value).map(|_| ())?,
                "Lat" | "Lng" => as_f64(&c.value).map(|_| ())?,
                "Favorite" | "Private" | "Scan" | "Panorama" => as_bool(&c.value).map(|_| ())?,
                _ => as_string(&c.value).map(|_| ())?,
            }
        }
    }
    Ok(Values {
        scalar,
        albums,
        labels,
    })
}

/// Applies checked batch-edit values to the selected photos.
fn apply_values(store: &mut Store, uids: &[String], values: &Values) {
    let Values {
        scalar,
        albums,
        labels,
    } = values;
    let now = store.now();
    let generation = store.generation;
    for uid in uids {
        let Some(photo) = store.photo_mut(uid) else {
            continue;
        };
        let mut date = DateChange::default();
        let mut zone_changed = false;
        for (key, c) in scalar {
            let text = || as_string(&c.value).unwrap_or_default();
            match *key {
                "Title" => {
                    photo.title = if c.remove { String::new() } else { text() };
                    photo.title_src = "batch".into();
                }
                "Caption" => {
                    photo.caption = if c.remove { String::new() } else { text() };
                    photo.caption_src = "batch".into();
                }
                "Type" if !c.remove => {
                    photo.kind = text();
                    photo.type_src = "batch".into();
                }
                "Day" | "Month" | "Year" if !c.remove => {
                    let v = i32::try_from(as_i64(&c.value).unwrap_or(-1)).unwrap_or(-1);
                    match *key {
                        "Day" => date.day = Some(v),
                        "Month" => date.month = Some(v),
                        _ => date.year = Some(v),
                    }
                }
                "TimeZone" if !c.remove => {
                    photo.time_zone = text();
                    zone_changed = true;
                }
                "Lat" | "Lng" if !c.remove => {
                    let v = as_f64(&c.value).unwrap_or(0.0);
                    if *key == "Lat" {
                        photo.lat = v;
                    } else {
                        photo.lng = v;
                    }
                    photo.place_src = "batch".into();
                }
                "Altitude" if !c.remove => {
                    photo.altitude = as_i64(&c.value).unwrap_or(0);
                    photo.place_src = "batch".into();
                }
                "Country" if !c.remove => {
                    photo.country = text();
                    photo.place_src = "batch".into();
                }
                "Favorite" | "Private" | "Scan" | "Panorama" if !c.remove => {
                    let v = as_bool(&c.value).unwrap_or(false);
                    match *key {
                        "Favorite" => photo.favorite = v,
                        "Private" => photo.private = v,
                        "Scan" => photo.scan = v,
                        _ => photo.panorama = v,
                    }
                }
                "DetailsSubject" | "DetailsArtist" | "DetailsCopyright" | "DetailsLicense" => {
                    let v = if c.remove { String::new() } else { text() };
                    let d = &mut photo.details;
                    let (field, src) = match *key {
                        "DetailsSubject" => (&mut d.subject, &mut d.subject_src),
                        "DetailsArtist" => (&mut d.artist, &mut d.artist_src),
                        "DetailsCopyright" => (&mut d.copyright, &mut d.copyright_src),
                        _ => (&mut d.license, &mut d.license_src),
                    };
                    *field = v;
                    *src = "batch".into();
                    d.updated_at = now;
                }
                _ => {}
            }
        }
        if date.any() {
            date.apply(photo);
        }
        if date.any() || zone_changed {
            photo.taken_src = "batch".into();
            settle_batch_times(photo, generation);
        }
        if !scalar.is_empty() {
            photo.edited_at = Some(now);
        }
        photo.updated_at = now;
    }
    let creator = store.user.uid.clone();
    for (value, title) in &albums.add {
        let uid = if !value.is_empty() && store.live_album(value).is_some() {
            Some(value.clone())
        } else if value.is_empty() && !title.trim().is_empty() {
            Some(store.find_or_create_album(title, false, &creator).0)
        } else {
            None
        };
        if let Some(album_uid) = uid {
            store.add_to_album(&album_uid, uids, false);
        }
    }
    for value in &albums.remove {
        if store.live_album(value).is_some() {
            store.hide_in_album(value, uids);
        }
    }
    for (value, title) in &labels.add {
        let label_id = if !value.is_empty() {
            store
                .labels
                .values()
                .find(|l| &l.uid == value)
                .map(|l| l.id)
        } else if !title.trim().is_empty() {
            Some(store.ensure_label(title))
        } else {
            None
        };
        if let Some(label_id) = label_id {
            for uid in uids {
                if let Some(photo) = store.photo_mut(uid) {
                    match photo.labels.iter_mut().find(|l| l.label_id == label_id) {
                        Some(link) => {
                            link.uncertainty = 0;
                            link.src = "batch".into();
                        }
                        None => photo.labels.push(crate::model::PhotoLabel {
                            label_id,
                            src: "batch".into(),
                            uncertainty: 0,
                        }),
                    }
                }
            }
        }
    }
    for value in &labels.remove {
        let Some(label_id) = store
            .labels
            .values()
            .find(|l| &l.uid == value)
            .map(|l| l.id)
        else {
            continue;
        };
        for uid in uids {
            let mut changed = false;
            if let Some(photo) = store.photo_mut(uid) {
                if let Some(pos) = photo.labels.iter().position(|l| l.label_id == label_id) {
                    let link = &mut photo.labels[pos];
                    if matches!(link.src.as_str(), "manual" | "batch") && link.uncertainty < 100 {
                        photo.labels.remove(pos);
                        changed = true;
                    } else if link.src != "batch" || link.uncertainty != 100 {
                        link.src = "batch".into();
                        link.uncertainty = 100;
                        changed = true;
                    }
                }
            }
            // `batch.ApplyLabels` (`internal/photoprism/batch/apply_labels.go`): a removal
            // that changed the link drops the label's name from the keywords
            // (`Photo.DropKeywords`, the same `txt.RemoveFromWords` as the single DELETE).
            if changed {
                super::labels::drop_label_words(store, uid, label_id);
            }
        }
    }
}

/// Aggregates one field over the selection: `{"value", "mixed", "action":"none"}`.
fn aggregate(values: Vec<Value>, mixed_value: Value) -> Value {
    let first = values.first().cloned();
    let mixed = values.iter().any(|v| Some(v) != first.as_ref());
    let value = match (mixed, first) {
        (false, Some(v)) => v,
        (true, _) => mixed_value,
        (false, None) => Value::Null,
    };
    json!({"value": value, "mixed": mixed, "action": "none"})
}

/// The aggregated `values` of a batch-edit answer.
fn aggregated_values(store: &Store, uids: &[String]) -> Value {
    let photos: Vec<_> = uids.iter().filter_map(|u| store.photo(u)).collect();
    let collect =
        |f: &dyn Fn(&crate::model::Photo) -> Value| photos.iter().map(|p| f(p)).collect::<Vec<_>>();
    let text = |f: &dyn Fn(&crate::model::Photo) -> Value| aggregate(collect(f), json!(""));
    let int = |f: &dyn Fn(&crate::model::Photo) -> Value| aggregate(collect(f), json!(-2));
    let num = |f: &dyn Fn(&crate::model::Photo) -> Value| aggregate(collect(f), json!(0));
    let flag = |f: &dyn Fn(&crate::model::Photo) -> Value| aggregate(collect(f), json!(false));
    let time = |f: &dyn Fn(&crate::model::Photo) -> Value| {
        let values = collect(f);
        let first = values.first().cloned().unwrap_or(json!(""));
        let mut v = aggregate(values, first);
        if v["value"].is_null() {
            v["value"] = json!("");
        }
        v
    };
    let mut m = Map::new();
    m.insert("Type".into(), text(&|p| json!(p.kind)));
    m.insert("Title".into(), text(&|p| json!(p.title)));
    m.insert("Caption".into(), text(&|p| json!(p.caption)));
    m.insert("TakenAt".into(), time(&|p| json!(ts(p.taken_at))));
    m.insert(
        "TakenAtLocal".into(),
        time(&|p| json!(ts(p.taken_at_local))),
    );
    m.insert("Day".into(), int(&|p| json!(p.day)));
    m.insert("Month".into(), int(&|p| json!(p.month)));
    m.insert("Year".into(), int(&|p| json!(p.year)));
    m.insert("TimeZone".into(), text(&|p| json!(p.time_zone)));
    m.insert("Country".into(), text(&|p| json!(p.country)));
    m.insert("Altitude".into(), num(&|p| json!(p.altitude)));
    m.insert("Lat".into(), num(&|p| json!(p.lat)));
    m.insert("Lng".into(), num(&|p| json!(p.lng)));
    m.insert("Iso".into(), num(&|p| json!(p.iso)));
    m.insert("FocalLength".into(), num(&|p| json!(p.focal_length)));
    m.insert("FNumber".into(), num(&|p| json!(p.f_number)));
    m.insert("Exposure".into(), text(&|p| json!(p.exposure)));
    m.insert("Favorite".into(), flag(&|p| json!(p.favorite)));
    m.insert("Private".into(), flag(&|p| json!(p.private)));
    m.insert("Scan".into(), flag(&|p| json!(p.scan)));
    m.insert("Panorama".into(), flag(&|p| json!(p.panorama)));
    m.insert("CameraID".into(), int(&|p| json!(p.camera_id)));
    m.insert("LensID".into(), int(&|p| json!(p.lens_id)));
    let mut album_items: Vec<(usize, String, String)> = Vec::new();
    for p in &photos {
        for a in store.albums_of_photo(&p.uid) {
            match album_items.iter_mut().find(|(_, uid, _)| *uid == a.uid) {
                Some(item) => item.0 += 1,
                None => album_items.push((1, a.uid.clone(), a.title.clone())),
            }
        }
    }
    let mut label_items: Vec<(usize, String, String)> = Vec::new();
    for p in &photos {
        for link in p.labels.iter().filter(|l| l.uncertainty < 100) {
            if let Some(label) = store.labels.get(&link.label_id) {
                match label_items.iter_mut().find(|(_, uid, _)| *uid == label.uid) {
                    Some(item) => item.0 += 1,
                    None => label_items.push((1, label.uid.clone(), label.name.clone())),
                }
            }
        }
    }
    let items = |mut list: Vec<(usize, String, String)>| {
        list.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)));
        let arr: Vec<Value> = list
            .into_iter()
            .map(|(n, uid, title)| {
                json!({"value": uid, "title": title, "mixed": n < photos.len(), "action": "none"})
            })
            .collect();
        json!({"items": arr, "mixed": false, "action": "none"})
    };
    m.insert("Albums".into(), items(album_items));
    m.insert("Labels".into(), items(label_items));
    m.insert(
        "DetailsKeywords".into(),
        text(&|p| json!(p.details.keywords)),
    );
    m.insert("DetailsSubject".into(), text(&|p| json!(p.details.subject)));
    m.insert("DetailsArtist".into(), text(&|p| json!(p.details.artist)));
    m.insert(
        "DetailsCopyright".into(),
        text(&|p| json!(p.details.copyright)),
    );
    m.insert("DetailsLicense".into(), text(&|p| json!(p.details.license)));
    Value::Object(m)
}

/// i18n `ErrBusy`, sent by `AbortBusy` (recording `local-server-2026-11-probes/01-batch-edit-busy.json`).
const BUSY: &str = "Busy, please try again later";

/// `POST|PUT /api/v1/batch/photos/edit` (2025+ only; 404 on 2024 servers).
///
/// An edit with `values` takes the server-wide batch-edit lock (`batch.PrepareAndSavePhotos`:
/// `mutex.BatchEdit.Start()`, after the selection is loaded) and holds it while it saves, for
/// `batch_edit_per_photo` per selected photo; any other edit with `values` meanwhile gets 429
/// "Busy, please try again later" at once, without `Retry-After` (recording
/// `local-server-2026-11-probes/01-batch-edit-busy.json`). Without `values` the call only reads
/// and takes no lock.
pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    if generation == ApiGeneration::V2024 {
        return Err(respond::not_found());
    }
    let (selected, values) = {
        let store = shared.store.lock();
        let session = auth::session(&store, generation, &headers)?;
        auth::require_scope(generation, &session, "photos", true)?;
        let (photos, obj) = selection(generation, &body)?;
        if photos.is_empty() {
            return Err(respond::error(generation, 400, msg::NO_ITEMS));
        }
        let selected: Vec<String> = photos
            .into_iter()
            .filter(|u| store.photo(u).is_some_and(|p| !p.archived()))
            .collect();
        let values = match get_ci(&obj, "values") {
            None | Some(Value::Null) => None,
            Some(Value::Object(values)) => Some(
                parse_values(values).map_err(|_| respond::error(generation, 400, msg::UNABLE))?,
            ),
            Some(_) => return Err(respond::form_error(generation)),
        };
        (selected, values)
    };
    let _lock = match &values {
        None => None,
        Some(_) => {
            let Ok(lock) = shared.batch_edit_lock.try_lock() else {
                return Err(respond::error(generation, 429, BUSY));
            };
            let photos = u32::try_from(selected.len()).unwrap_or(u32::MAX);
            let busy = shared.batch_edit_per_photo.saturating_mul(photos);
            if !busy.is_zero() {
                tokio::time::sleep(busy).await;
            }
            Some(lock)
        }
    };
    let mut store = shared.store.lock();
    if let Some(values) = &values {
        apply_values(&mut store, &selected, values);
    }
    let answer = json!({
        "models": search::batch_models(&store, &selected),
        "values": aggregated_values(&store, &selected),
    });
    Ok(respond::ok(&answer))
}
