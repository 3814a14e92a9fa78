//! JSON shapes of PhotoPrism responses, per API generation.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::model::{Album, Membership, Photo, PhotoFile};
use crate::options::ApiGeneration;
use crate::store::{MembershipChange, Store};

/// Go's zero time as JSON.
pub(crate) const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// RFC 3339 text of a time.
pub(crate) fn ts(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| ZERO_TIME.to_owned())
}

/// RFC 3339 text or `null`.
fn ts_or_null(t: Option<OffsetDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(ts(t)))
}

/// RFC 3339 text or Go's zero time.
fn ts_or_zero(t: Option<OffsetDateTime>) -> Value {
    Value::String(t.map_or_else(|| ZERO_TIME.to_owned(), ts))
}

fn map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// An i18n success body: `{"code":200,"message":…}` (+`messageId` on 2025+ servers).
pub(crate) fn i18n_message(generation: ApiGeneration, message: &str) -> Value {
    let mut v = json!({"code": 200, "message": message});
    if generation == ApiGeneration::V2025 {
        v["messageId"] = json!(message);
    }
    v
}

/// An i18n success body without `messageId` (older handlers: uploads, album membership).
pub(crate) fn i18n_message_plain(message: &str) -> Value {
    json!({"code": 200, "message": message})
}

/// An i18n error body: `{"code":N,"error":…}` (+`messageId` on 2025+ servers).
pub(crate) fn i18n_error(generation: ApiGeneration, status: u16, error: &str) -> Value {
    let mut v = json!({"code": status, "error": error});
    if generation == ApiGeneration::V2025 {
        v["messageId"] = json!(error);
    }
    v
}

/// The album entity (GET/POST/PUT/DELETE single album).
pub(crate) fn album_entity(a: &Album) -> Value {
    let mut m = map(json!({
        "ID": a.id,
        "UID": a.uid,
        "Slug": a.slug,
        "Type": a.kind,
        "Title": a.title,
        "Location": a.location,
        "Category": a.category,
        "Caption": a.caption,
        "Description": a.description,
        "Notes": a.notes,
        "Filter": a.filter,
        "Order": a.order,
        "Template": a.template,
        "State": a.state,
        "Country": a.country,
        "Year": a.year,
        "Month": a.month,
        "Day": a.day,
        "Favorite": a.favorite,
        "Private": a.private,
        "Thumb": a.thumb,
        "CreatedAt": ts(a.created_at),
        "UpdatedAt": ts(a.updated_at),
        "DeletedAt": ts_or_null(a.deleted_at),
    }));
    if !a.parent_uid.is_empty() {
        m.insert("ParentUID".into(), json!(a.parent_uid));
    }
    if !a.path.is_empty() {
        m.insert("Path".into(), json!(a.path));
    }
    if !a.thumb_src.is_empty() {
        m.insert("ThumbSrc".into(), json!(a.thumb_src));
    }
    if !a.created_by.is_empty() {
        m.insert("CreatedBy".into(), json!(a.created_by));
    }
    Value::Object(m)
}

/// An album search row (no `ID`/`CreatedBy`, with `PhotoCount`, zero-time `DeletedAt`).
pub(crate) fn album_result(a: &Album, photo_count: usize) -> Value {
    let mut m = map(json!({
        "UID": a.uid,
        "ParentUID": a.parent_uid,
        "Thumb": a.thumb,
        "Slug": a.slug,
        "Type": a.kind,
        "Title": a.title,
        "Location": a.location,
        "Category": a.category,
        "Caption": a.caption,
        "Description": a.description,
        "Notes": a.notes,
        "Filter": a.filter,
        "Order": a.order,
        "Template": a.template,
        "Path": a.path,
        "State": a.state,
        "Country": a.country,
        "Year": a.year,
        "Month": a.month,
        "Day": a.day,
        "Favorite": a.favorite,
        "Private": a.private,
        "PhotoCount": photo_count,
        "LinkCount": 0,
        "CreatedAt": ts(a.created_at),
        "UpdatedAt": ts(a.updated_at),
        "DeletedAt": ts_or_zero(a.deleted_at),
    }));
    if !a.thumb_src.is_empty() {
        m.insert("ThumbSrc".into(), json!(a.thumb_src));
    }
    Value::Object(m)
}

/// A `PhotoAlbum` row of add/remove answers.
pub(crate) fn photo_album(album_uid: &str, change: &MembershipChange) -> Value {
    let row: &Membership = &change.row;
    let created = if change.new_row {
        ts_or_zero(row.created_at)
    } else {
        json!(ZERO_TIME)
    };
    json!({
        "PhotoUID": change.photo_uid,
        "AlbumUID": album_uid,
        "Order": 0,
        "Hidden": row.hidden,
        "Missing": false,
        "CreatedAt": created,
        "UpdatedAt": ts(row.updated_at),
        "Photo": null,
        "Album": null,
    })
}

/// Which key set a file object has.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileShape {
    /// `GET /photos/:uid`, `GET /files/:hash`.
    Full,
    /// `Files` of merged search rows.
    Search,
    /// `Files` of batch-edit models.
    Batch,
}

fn media_utc(photo: &Photo) -> i64 {
    photo.taken_at.unix_timestamp() * 1000
}

/// A file object.
pub(crate) fn file_json(
    f: &PhotoFile,
    photo: &Photo,
    shape: FileShape,
    generation: ApiGeneration,
) -> Value {
    let mut m = map(json!({
        "UID": f.uid,
        "PhotoUID": photo.uid,
        "Name": f.name,
        "Root": "/",
        "Hash": f.hash,
        "Size": f.size,
        "Primary": f.primary,
        "OriginalName": f.original_name,
        "FileType": f.file_type,
        "MediaType": f.media_type,
        "Mime": f.mime,
        "Width": f.width,
        "Height": f.height,
        "Orientation": 1,
        "AspectRatio": 1.33,
        "CreatedAt": ts(f.created_at),
        "UpdatedAt": ts(f.created_at),
        "Markers": [],
    }));
    if shape == FileShape::Search && generation == ApiGeneration::V2024 {
        m.insert("OriginalName".into(), json!(photo.original_name));
    }
    if shape != FileShape::Batch {
        m.insert("Colors".into(), json!("999999999"));
        m.insert("Luminance".into(), json!("CCCCCCCCC"));
        m.insert("Diff".into(), json!(1023));
        m.insert("Chroma".into(), json!(12));
    }
    if shape == FileShape::Full {
        let media_id = format!("{}-0-{}", 9_999_999_999u64.saturating_sub(f.id), f.uid);
        let time_index = format!(
            "{}-{media_id}",
            99_999_999_999_999i64.saturating_sub(photo.taken_at.unix_timestamp() / 60)
        );
        m.insert("TimeIndex".into(), json!(time_index));
        m.insert("MediaID".into(), json!(media_id));
        m.insert("MediaUTC".into(), json!(media_utc(photo)));
        m.insert("OrientationSrc".into(), json!("meta"));
        m.insert("MainColor".into(), json!("grey"));
        m.insert("ModTime".into(), json!(f.created_at.unix_timestamp()));
        m.insert("CreatedIn".into(), json!(1_000_000));
    }
    Value::Object(m)
}

fn place_json(store: &Store, photo: &Photo) -> Value {
    let mut place = json!({
        "PlaceID": "zz",
        "Label": "Unknown",
        "District": "Unknown",
        "City": "Unknown",
        "State": "Unknown",
        "Country": "zz",
        "Keywords": "",
        "Favorite": false,
        "PhotoCount": store.photos.values().map(|p| &**p).filter(|p| !p.private && !p.archived()).count(),
        "CreatedAt": ts(store.user.created_at),
        "UpdatedAt": ts(store.user.created_at),
    });
    if photo.country != "zz" {
        place["Country"] = json!(photo.country);
    }
    place
}

/// Which extra parts a photo entity carries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhotoShape {
    /// GET/PUT: `Files` and `Albums` arrays.
    Full,
    /// like/unlike/approve: `Files` and `Albums` are `null`.
    Bare,
}

/// The photo entity (`GET /photos/:uid`, PUT, like/unlike/approve).
pub(crate) fn photo_entity(store: &Store, photo: &Photo, shape: PhotoShape) -> Value {
    let generation = store.generation;
    let camera = store.camera(photo.camera_id);
    let d = &photo.details;
    let place = place_json(store, photo);
    let mut m = map(json!({
        "ID": photo.id,
        "TakenAt": ts(photo.taken_at),
        "TakenAtLocal": ts(photo.taken_at_local),
        "TakenSrc": photo.taken_src,
        "UID": photo.uid,
        "Type": photo.kind,
        "TypeSrc": photo.type_src,
        "Title": photo.title,
        "TitleSrc": photo.title_src,
        "Path": photo.path,
        "Name": photo.name,
        "OriginalName": photo.original_name,
        "Stack": 0,
        "Favorite": photo.favorite,
        "Private": photo.private,
        "Scan": photo.scan,
        "Panorama": photo.panorama,
        "TimeZone": photo.time_zone,
        "PlaceID": "zz",
        "PlaceSrc": photo.place_src,
        "CellID": "zz",
        "CellAccuracy": 0,
        "Altitude": photo.altitude,
        "Lat": photo.lat,
        "Lng": photo.lng,
        "Country": photo.country,
        "Year": photo.year,
        "Month": photo.month,
        "Day": photo.day,
        "Iso": photo.iso,
        "Exposure": photo.exposure,
        "FNumber": photo.f_number,
        "FocalLength": photo.focal_length,
        "Quality": photo.quality,
        "Resolution": 0,
        "Color": photo.color,
        "CameraID": photo.camera_id,
        "CameraSerial": "",
        "CameraSrc": photo.camera_src,
        "LensID": photo.lens_id,
        "Details": {
            "PhotoID": photo.id,
            "Keywords": d.keywords,
            "KeywordsSrc": d.keywords_src,
            "Notes": d.notes,
            "NotesSrc": d.notes_src,
            "Subject": d.subject,
            "SubjectSrc": d.subject_src,
            "Artist": d.artist,
            "ArtistSrc": d.artist_src,
            "Copyright": d.copyright,
            "CopyrightSrc": d.copyright_src,
            "License": d.license,
            "LicenseSrc": d.license_src,
            "Software": "",
            "SoftwareSrc": "",
            "CreatedAt": ts(d.created_at),
            "UpdatedAt": ts(d.updated_at),
        },
        "Camera": {
            "ID": camera.id,
            "Slug": camera.slug,
            "Name": camera.name,
            "Make": camera.make,
            "Model": camera.model,
            "Type": camera.kind,
        },
        "Lens": {"ID": 1, "Slug": "zz", "Name": "Unknown", "Make": "", "Model": "Unknown", "Type": ""},
        "Cell": {
            "ID": "zz",
            "Name": "",
            "Street": "",
            "Postcode": "",
            "Category": "",
            "Place": place.clone(),
            "CreatedAt": ts(store.user.created_at),
            "UpdatedAt": ts(store.user.created_at),
        },
        "Place": place,
        "Labels": photo_labels(store, photo),
        "CreatedBy": photo.created_by,
        "CreatedAt": ts(photo.created_at),
        "UpdatedAt": ts(photo.updated_at),
    }));
    let (caption, caption_src) = if generation.caption_key() {
        ("Caption", "CaptionSrc")
    } else {
        ("Description", "DescriptionSrc")
    };
    m.insert(caption.into(), json!(photo.caption));
    m.insert(caption_src.into(), json!(photo.caption_src));
    match shape {
        PhotoShape::Full => {
            let mut files: Vec<&PhotoFile> = photo.files.iter().collect();
            files.sort_by(|a, b| b.name.cmp(&a.name));
            m.insert(
                "Files".into(),
                Value::Array(
                    files
                        .into_iter()
                        .map(|f| file_json(f, photo, FileShape::Full, generation))
                        .collect(),
                ),
            );
            m.insert(
                "Albums".into(),
                Value::Array(
                    store
                        .albums_of_photo(&photo.uid)
                        .into_iter()
                        .map(album_entity)
                        .collect(),
                ),
            );
        }
        PhotoShape::Bare => {
            m.insert("Files".into(), Value::Null);
            m.insert("Albums".into(), Value::Null);
        }
    }
    let times = [
        ("EditedAt", photo.edited_at),
        ("CheckedAt", None),
        ("DeletedAt", photo.deleted_at),
    ];
    for (key, value) in times {
        match (generation, value) {
            (_, Some(t)) => {
                m.insert(key.into(), json!(ts(t)));
            }
            (ApiGeneration::V2024, None) => {
                m.insert(key.into(), Value::Null);
            }
            (ApiGeneration::V2025, None) => {}
        }
    }
    Value::Object(m)
}

fn photo_labels(store: &Store, photo: &Photo) -> Value {
    let mut links: Vec<_> = photo.labels.iter().collect();
    links.sort_by_key(|l| l.uncertainty);
    Value::Array(
        links
            .into_iter()
            .filter_map(|link| {
                let label = store.labels.get(&link.label_id)?;
                Some(json!({
                    "PhotoID": photo.id,
                    "LabelID": label.id,
                    "LabelSrc": link.src,
                    "Uncertainty": link.uncertainty,
                    "Photo": null,
                    "Label": {
                        "ID": label.id,
                        "UID": label.uid,
                        "Slug": label.slug,
                        "CustomSlug": label.slug,
                        "Name": label.name,
                        "Priority": 0,
                        "Favorite": false,
                        "Description": "",
                        "Notes": "",
                        "PhotoCount": 1,
                        "Thumb": "",
                        "CreatedAt": ts(label.created_at),
                        "UpdatedAt": ts(label.created_at),
                    }
                }))
            })
            .collect(),
    )
}

/// Which variant of a search row to render.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowShape {
    /// `GET /photos` row.
    Search,
    /// `models` entry of a batch-edit answer.
    Batch,
}

/// A photo search row for `file` (the row's file); `merged_files` set for merged results.
pub(crate) fn search_row(
    store: &Store,
    photo: &Photo,
    file: &PhotoFile,
    merged_files: Option<&[&PhotoFile]>,
    shape: RowShape,
) -> Value {
    let camera = store.camera(photo.camera_id);
    let id = match merged_files {
        Some(_) => format!("{}-{}", photo.id, file.id),
        None => photo.id.to_string(),
    };
    let mut m = map(json!({
        "ID": id,
        "UID": photo.uid,
        "Type": photo.kind,
        "TypeSrc": photo.type_src,
        "TakenAt": ts(photo.taken_at),
        "TakenAtLocal": ts(photo.taken_at_local),
        "TakenSrc": photo.taken_src,
        "TimeZone": photo.time_zone,
        "Path": photo.path,
        "Name": photo.name,
        "OriginalName": match store.generation {
            ApiGeneration::V2024 => photo.original_name.clone(),
            ApiGeneration::V2025 => file.original_name.clone(),
        },
        "Title": photo.title,
        "Year": photo.year,
        "Month": photo.month,
        "Day": photo.day,
        "Country": photo.country,
        "Stack": 0,
        "Favorite": photo.favorite,
        "Private": photo.private,
        "Iso": photo.iso,
        "FocalLength": photo.focal_length,
        "FNumber": photo.f_number,
        "Exposure": photo.exposure,
        "Quality": photo.quality,
        "Resolution": 0,
        "Color": photo.color,
        "Scan": photo.scan,
        "Panorama": photo.panorama,
        "CameraID": photo.camera_id,
        "LensID": photo.lens_id,
        "LensModel": "Unknown",
        "Lat": photo.lat,
        "Lng": photo.lng,
        "CellID": "zz",
        "PlaceID": "zz",
        "PlaceSrc": photo.place_src,
        "PlaceLabel": "Unknown",
        "PlaceCity": "Unknown",
        "PlaceState": "Unknown",
        "PlaceCountry": "zz",
        "InstanceID": "",
        "FileUID": file.uid,
        "FileRoot": "/",
        "FileName": file.name,
        "Hash": file.hash,
        "Width": file.width,
        "Height": file.height,
        "Portrait": false,
        "Merged": merged_files.is_some_and(|f| f.len() > 1),
        "CreatedAt": ts(photo.created_at),
        "UpdatedAt": ts(photo.updated_at),
        "EditedAt": ts_or_zero(photo.edited_at),
        "CheckedAt": ZERO_TIME,
    }));
    let caption = if store.generation.caption_key() {
        "Caption"
    } else {
        "Description"
    };
    m.insert(caption.into(), json!(photo.caption));
    if !photo.camera_src.is_empty() {
        m.insert("CameraSrc".into(), json!(photo.camera_src));
    }
    if camera.id > 1 {
        m.insert("CameraMake".into(), json!(camera.make));
        m.insert("CameraModel".into(), json!(camera.model));
        m.insert("CameraType".into(), json!(camera.kind));
    }
    if photo.altitude != 0 {
        m.insert("Altitude".into(), json!(photo.altitude));
    }
    if let Some(t) = photo.deleted_at {
        m.insert("DeletedAt".into(), json!(ts(t)));
    }
    let file_shape = match shape {
        RowShape::Search => FileShape::Search,
        RowShape::Batch => FileShape::Batch,
    };
    if shape == RowShape::Batch {
        // Batch models are loaded without the folder and base name.
        m.insert("Path".into(), json!(""));
        m.insert("Name".into(), json!(""));
        m.insert("DetailsKeywords".into(), json!(photo.details.keywords));
        let d = &photo.details;
        for (key, value) in [
            ("DetailsSubject", &d.subject),
            ("DetailsArtist", &d.artist),
            ("DetailsCopyright", &d.copyright),
            ("DetailsLicense", &d.license),
        ] {
            if !value.is_empty() {
                m.insert(key.into(), json!(value));
            }
        }
    }
    m.insert(
        "Files".into(),
        match merged_files {
            Some(files) => Value::Array(
                files
                    .iter()
                    .map(|f| file_json(f, photo, file_shape, store.generation))
                    .collect(),
            ),
            None => Value::Null,
        },
    );
    Value::Object(m)
}
