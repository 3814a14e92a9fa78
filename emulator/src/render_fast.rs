//! Search pages written straight to bytes: the same JSON as [`crate::render::search_row`]
//! (keys in the sorted order of serde_json's maps), without building a `Value` for every row.
//! A 1,000-row page is the emulator's most frequent large answer; this keeps the emulator from
//! being the bottleneck when a client reads a big library. `tests` below checks that both
//! paths give the same JSON.

use std::ops::Range;

use serde::Serialize;

use crate::model::{Photo, PhotoFile};
use crate::options::ApiGeneration;
use crate::render::{ZERO_TIME, ts};
use crate::store::Store;

/// Collects the fields of one JSON object, then writes them sorted by key.
#[derive(Default)]
pub(crate) struct ObjectWriter {
    scratch: Vec<u8>,
    fields: Vec<(&'static str, Range<usize>)>,
}

impl ObjectWriter {
    /// Sets `key` (a later value replaces an earlier one, as a map insert does).
    fn set<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        let start = self.scratch.len();
        // Writing plain values to a vector cannot fail.
        let _ = serde_json::to_writer(&mut self.scratch, value);
        self.put(key, start);
    }

    /// Sets `key` to JSON that is already written.
    fn raw(&mut self, key: &'static str, json: &[u8]) {
        let start = self.scratch.len();
        self.scratch.extend_from_slice(json);
        self.put(key, start);
    }

    fn put(&mut self, key: &'static str, start: usize) {
        let range = start..self.scratch.len();
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(field) => field.1 = range,
            None => self.fields.push((key, range)),
        }
    }

    /// Appends `{"key":value,…}` to `out` and starts over.
    fn finish(&mut self, out: &mut Vec<u8>) {
        self.fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
        out.push(b'{');
        for (index, (key, range)) in self.fields.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
            out.extend_from_slice(&self.scratch[range.clone()]);
        }
        out.push(b'}');
        self.fields.clear();
        self.scratch.clear();
    }
}

/// Reusable buffers for writing rows.
#[derive(Default)]
pub(crate) struct RowWriter {
    row: ObjectWriter,
    file: ObjectWriter,
    files: Vec<u8>,
}

impl RowWriter {
    /// Appends the search row of `photo` for `file` (as [`crate::render::search_row`] with
    /// `RowShape::Search`).
    pub(crate) fn row(
        &mut self,
        store: &Store,
        photo: &Photo,
        file: &PhotoFile,
        merged_files: Option<&[&PhotoFile]>,
        out: &mut Vec<u8>,
    ) {
        let camera = store.camera(photo.camera_id);
        let w = &mut self.row;
        match merged_files {
            Some(_) => w.set("ID", &format!("{}-{}", photo.id, file.id)),
            None => w.set("ID", &photo.id.to_string()),
        }
        w.set("UID", &photo.uid);
        w.set("Type", &photo.kind);
        w.set("TypeSrc", &photo.type_src);
        w.set("TakenAt", &ts(photo.taken_at));
        w.set("TakenAtLocal", &ts(photo.taken_at_local));
        w.set("TakenSrc", &photo.taken_src);
        w.set("TimeZone", &photo.time_zone);
        w.set("Path", &photo.path);
        w.set("Name", &photo.name);
        match store.generation {
            ApiGeneration::V2024 => w.set("OriginalName", &photo.original_name),
            ApiGeneration::V2025 => w.set("OriginalName", &file.original_name),
        }
        w.set("Title", &photo.title);
        w.set("Year", &photo.year);
        w.set("Month", &photo.month);
        w.set("Day", &photo.day);
        w.set("Country", &photo.country);
        w.set("Stack", &0);
        w.set("Favorite", &photo.favorite);
        w.set("Private", &photo.private);
        w.set("Iso", &photo.iso);
        w.set("FocalLength", &photo.focal_length);
        w.set("FNumber", &photo.f_number);
        w.set("Exposure", &photo.exposure);
        w.set("Quality", &photo.quality);
        w.set("Resolution", &0);
        w.set("Color", &photo.color);
        w.set("Scan", &photo.scan);
        w.set("Panorama", &photo.panorama);
        w.set("CameraID", &photo.camera_id);
        w.set("LensID", &photo.lens_id);
        w.set("LensModel", "Unknown");
        w.set("Lat", &photo.lat);
        w.set("Lng", &photo.lng);
        w.set("CellID", "zz");
        w.set("PlaceID", "zz");
        w.set("PlaceSrc", &photo.place_src);
        w.set("PlaceLabel", "Unknown");
        w.set("PlaceCity", "Unknown");
        w.set("PlaceState", "Unknown");
        w.set("PlaceCountry", "zz");
        w.set("InstanceID", "");
        w.set("FileUID", &file.uid);
        w.set("FileRoot", "/");
        w.set("FileName", &file.name);
        w.set("Hash", &file.hash);
        w.set("Width", &file.width);
        w.set("Height", &file.height);
        w.set("Portrait", &false);
        w.set("Merged", &merged_files.is_some_and(|f| f.len() > 1));
        w.set("CreatedAt", &ts(photo.created_at));
        w.set("UpdatedAt", &ts(photo.updated_at));
        match photo.edited_at {
            Some(t) => w.set("EditedAt", &ts(t)),
            None => w.set("EditedAt", ZERO_TIME),
        }
        w.set("CheckedAt", ZERO_TIME);
        if store.generation.caption_key() {
            w.set("Caption", &photo.caption);
        } else {
            w.set("Description", &photo.caption);
        }
        if !photo.camera_src.is_empty() {
            w.set("CameraSrc", &photo.camera_src);
        }
        if camera.id > 1 {
            w.set("CameraMake", &camera.make);
            w.set("CameraModel", &camera.model);
            w.set("CameraType", &camera.kind);
        }
        if photo.altitude != 0 {
            w.set("Altitude", &photo.altitude);
        }
        if let Some(t) = photo.deleted_at {
            w.set("DeletedAt", &ts(t));
        }
        match merged_files {
            Some(files) => {
                self.files.clear();
                self.files.push(b'[');
                for (index, f) in files.iter().enumerate() {
                    if index > 0 {
                        self.files.push(b',');
                    }
                    file_json(&mut self.file, f, photo, store.generation, &mut self.files);
                }
                self.files.push(b']');
                self.row.raw("Files", &self.files);
            }
            None => self.row.raw("Files", b"null"),
        }
        self.row.finish(out);
    }
}

/// A file of a merged search row (as [`crate::render::file_json`] with `FileShape::Search`).
fn file_json(
    w: &mut ObjectWriter,
    f: &PhotoFile,
    photo: &Photo,
    generation: ApiGeneration,
    out: &mut Vec<u8>,
) {
    w.set("UID", &f.uid);
    w.set("PhotoUID", &photo.uid);
    w.set("Name", &f.name);
    w.set("Root", "/");
    w.set("Hash", &f.hash);
    w.set("Size", &f.size);
    w.set("Primary", &f.primary);
    match generation {
        ApiGeneration::V2024 => w.set("OriginalName", &photo.original_name),
        ApiGeneration::V2025 => w.set("OriginalName", &f.original_name),
    }
    w.set("FileType", &f.file_type);
    w.set("MediaType", &f.media_type);
    w.set("Mime", &f.mime);
    w.set("Width", &f.width);
    w.set("Height", &f.height);
    w.set("Orientation", &1);
    w.set("AspectRatio", &1.33);
    let created = ts(f.created_at);
    w.set("CreatedAt", &created);
    w.set("UpdatedAt", &created);
    w.raw("Markers", b"[]");
    w.set("Colors", "999999999");
    w.set("Luminance", "CCCCCCCCC");
    w.set("Diff", &1023);
    w.set("Chroma", &12);
    w.finish(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{RowShape, search_row};
    use crate::seed::PhotoSeed;

    #[test]
    fn fast_rows_are_the_same_json_as_the_value_rows() {
        for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
            let mut store = Store::new(generation, "admin", "pw");
            let mut seeds = crate::library::synthetic_library(60, 9);
            seeds.push(PhotoSeed {
                title: "Quotes \" and \\ and <&> and ünï 🦀".to_owned(),
                caption: "line\nbreak".to_owned(),
                altitude: 120,
                archived: true,
                lat: -12.5,
                lng: 1e-7,
                extra_files: vec!["cr2".to_owned(), "IMG_X.heic".to_owned()],
                ..PhotoSeed::default()
            });
            for seed in &seeds {
                store.add_photo(seed);
            }
            let mut writer = RowWriter::default();
            for photo in store.photos.values() {
                let files: Vec<&PhotoFile> = photo.files.iter().collect();
                for merged in [Some(files.as_slice()), None] {
                    let mut fast = Vec::new();
                    writer.row(&store, photo, files[0], merged, &mut fast);
                    let slow = search_row(&store, photo, files[0], merged, RowShape::Search);
                    let value: serde_json::Value = serde_json::from_slice(&fast).expect("json");
                    assert_eq!(value, slow, "{generation:?} {}", photo.uid);
                    // Byte for byte, too: the keys come in the same order.
                    assert_eq!(
                        String::from_utf8(fast).expect("utf-8"),
                        serde_json::to_string(&slow).expect("json")
                    );
                }
            }
        }
    }
}
