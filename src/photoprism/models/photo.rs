//! Photo entities, their details, and photo search rows.

use serde::{Deserialize, Serialize};

use super::album::Album;
use super::file::PhotoFile;
use super::label::PhotoLabel;
use super::serde_util::{lenient_i64, null_default, opt_time};

/// Which key a server uses for a photo's text: `Caption` (2025+) or `Description` (up to 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextField {
    /// `Caption` / `CaptionSrc` (releases from 2025).
    Caption,
    /// `Description` / `DescriptionSrc` (releases up to 2024).
    Description,
}

impl TextField {
    /// The JSON key of the text.
    pub fn key(self) -> &'static str {
        match self {
            TextField::Caption => "Caption",
            TextField::Description => "Description",
        }
    }

    /// The JSON key of the text's source.
    pub fn src_key(self) -> &'static str {
        match self {
            TextField::Caption => "CaptionSrc",
            TextField::Description => "DescriptionSrc",
        }
    }
}

/// A photo as returned by `GET/PUT /api/v1/photos/:uid` (and, without files and albums, by like/approve).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Photo {
    /// Numeric database id (needed for `Details.PhotoID`).
    #[serde(rename = "ID")]
    pub id: i64,
    /// Photo UID (`p…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// Document id, if any.
    #[serde(rename = "DocumentID")]
    pub document_id: String,
    /// `image`, `raw`, `live`, `video`, …
    #[serde(rename = "Type")]
    pub media_type: String,
    /// Source of the type.
    pub type_src: String,
    /// Title.
    pub title: String,
    /// Source of the title (`manual`, `batch`, …; empty = automatic).
    pub title_src: String,
    /// Caption (2025+ servers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Source of the caption (2025+ servers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption_src: Option<String>,
    /// Description (servers up to 2024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Source of the description (servers up to 2024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_src: Option<String>,
    /// UTC time taken (RFC 3339).
    pub taken_at: String,
    /// Local wall-clock time taken, labelled `Z`.
    pub taken_at_local: String,
    /// Source of the time.
    pub taken_src: String,
    /// IANA time zone name (or `Local`/empty).
    pub time_zone: String,
    /// Originals folder.
    pub path: String,
    /// Base file name without extension.
    pub name: String,
    /// Original file name at upload.
    pub original_name: String,
    /// Stacking: -1 unstacked, 0, 1.
    pub stack: i64,
    /// Favorite.
    pub favorite: bool,
    /// Private.
    pub private: bool,
    /// Scanned picture.
    pub scan: bool,
    /// Panorama.
    pub panorama: bool,
    /// Place id (`zz` = unknown).
    #[serde(rename = "PlaceID")]
    pub place_id: String,
    /// Source of the place.
    pub place_src: String,
    /// S2 cell id.
    #[serde(rename = "CellID")]
    pub cell_id: String,
    /// Cell accuracy in meters.
    pub cell_accuracy: i64,
    /// Altitude in meters.
    pub altitude: f64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Two-letter country code.
    pub country: String,
    /// Year taken (-1 = unknown).
    pub year: i64,
    /// Month taken (-1 = unknown).
    pub month: i64,
    /// Day taken (-1 = unknown).
    pub day: i64,
    /// ISO speed.
    pub iso: i64,
    /// Exposure time text.
    pub exposure: String,
    /// Aperture.
    #[serde(rename = "FNumber")]
    pub f_number: f64,
    /// Focal length in mm.
    pub focal_length: f64,
    /// Quality score; below 3 means "in review".
    pub quality: i64,
    /// Number of faces.
    pub faces: i64,
    /// Resolution in megapixels.
    pub resolution: i64,
    /// Duration in nanoseconds (videos).
    #[serde(deserialize_with = "lenient_i64")]
    pub duration: i64,
    /// Main color index.
    pub color: i64,
    /// Camera id.
    #[serde(rename = "CameraID")]
    pub camera_id: i64,
    /// Camera serial number.
    pub camera_serial: String,
    /// Source of the camera data.
    pub camera_src: String,
    /// Lens id.
    #[serde(rename = "LensID")]
    pub lens_id: i64,
    /// Keywords, notes, subject, artist, copyright, license.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<PhotoDetails>,
    /// Albums the photo is a visible member of (GET/PUT only).
    #[serde(deserialize_with = "null_default")]
    pub albums: Vec<Album>,
    /// Files of the photo (GET/PUT only).
    #[serde(deserialize_with = "null_default")]
    pub files: Vec<PhotoFile>,
    /// Labels.
    #[serde(deserialize_with = "null_default")]
    pub labels: Vec<PhotoLabel>,
    /// UID of the creating user.
    pub created_by: String,
    /// Creation time.
    pub created_at: String,
    /// Last update time.
    pub updated_at: String,
    /// Last manual edit, if any.
    #[serde(deserialize_with = "opt_time")]
    pub edited_at: Option<String>,
    /// Last metadata check, if any.
    #[serde(deserialize_with = "opt_time")]
    pub checked_at: Option<String>,
    /// Publication time, if any.
    #[serde(deserialize_with = "opt_time")]
    pub published_at: Option<String>,
    /// Archive time; `Some` means archived.
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
}

impl Photo {
    /// The photo's text, from `Caption` or `Description`, whichever the server sent.
    pub fn caption(&self) -> &str {
        self.caption
            .as_deref()
            .or(self.description.as_deref())
            .unwrap_or_default()
    }

    /// The source of the photo's text (`CaptionSrc` or `DescriptionSrc`).
    pub fn caption_source(&self) -> &str {
        self.caption_src
            .as_deref()
            .or(self.description_src.as_deref())
            .unwrap_or_default()
    }

    /// Which text key this server uses, judged from this answer (`None` when it sent neither).
    pub fn text_field(&self) -> Option<TextField> {
        if self.caption.is_some() || self.caption_src.is_some() {
            Some(TextField::Caption)
        } else if self.description.is_some() || self.description_src.is_some() {
            Some(TextField::Description)
        } else {
            None
        }
    }

    /// True when the photo is archived.
    pub fn is_archived(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// The SHA-1 of the primary file (or of the first file), if the answer lists files.
    pub fn primary_hash(&self) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.primary)
            .or_else(|| self.files.first())
            .map(|f| f.hash.as_str())
    }
}

/// The `Details` of a photo: PUT replaces all twelve text fields at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PhotoDetails {
    /// Numeric photo id; details are applied only when it matches the photo.
    #[serde(rename = "PhotoID")]
    pub photo_id: i64,
    /// Keywords, normalized by the server.
    pub keywords: String,
    /// Source of the keywords.
    pub keywords_src: String,
    /// Notes.
    pub notes: String,
    /// Source of the notes.
    pub notes_src: String,
    /// Subject.
    pub subject: String,
    /// Source of the subject.
    pub subject_src: String,
    /// Artist.
    pub artist: String,
    /// Source of the artist.
    pub artist_src: String,
    /// Copyright.
    pub copyright: String,
    /// Source of the copyright.
    pub copyright_src: String,
    /// License.
    pub license: String,
    /// Source of the license.
    pub license_src: String,
    /// Software (read-only).
    #[serde(skip_serializing)]
    pub software: String,
    /// Source of the software (read-only).
    #[serde(skip_serializing)]
    pub software_src: String,
    /// Creation time (read-only).
    #[serde(skip_serializing)]
    pub created_at: String,
    /// Update time (read-only).
    #[serde(skip_serializing)]
    pub updated_at: String,
}

/// One row of `GET /api/v1/photos` (one file row, or one photo when merged).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PhotoResult {
    /// Row id: `"<photoId>"` or `"<photoId>-<fileId>"`.
    #[serde(rename = "ID", deserialize_with = "id_string")]
    pub id: String,
    /// Photo UID (`p…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// Document id, if any.
    #[serde(rename = "DocumentID")]
    pub document_id: String,
    /// Media type.
    #[serde(rename = "Type")]
    pub media_type: String,
    /// Source of the type.
    pub type_src: String,
    /// UTC time taken.
    pub taken_at: String,
    /// Local time taken, labelled `Z`.
    pub taken_at_local: String,
    /// Source of the time.
    pub taken_src: String,
    /// Time zone.
    pub time_zone: String,
    /// Originals folder.
    pub path: String,
    /// Base name.
    pub name: String,
    /// Original file name.
    pub original_name: String,
    /// Title.
    pub title: String,
    /// Caption (2025+ servers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Description (servers up to 2024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Year taken.
    pub year: i64,
    /// Month taken.
    pub month: i64,
    /// Day taken.
    pub day: i64,
    /// Country code.
    pub country: String,
    /// Stacking.
    pub stack: i64,
    /// Favorite.
    pub favorite: bool,
    /// Private.
    pub private: bool,
    /// ISO speed.
    pub iso: i64,
    /// Focal length.
    pub focal_length: f64,
    /// Aperture.
    #[serde(rename = "FNumber")]
    pub f_number: f64,
    /// Exposure text.
    pub exposure: String,
    /// Number of faces.
    pub faces: i64,
    /// Quality score.
    pub quality: i64,
    /// Megapixels.
    pub resolution: i64,
    /// Duration in nanoseconds.
    #[serde(deserialize_with = "lenient_i64")]
    pub duration: i64,
    /// Main color index.
    pub color: i64,
    /// Scanned.
    pub scan: bool,
    /// Panorama.
    pub panorama: bool,
    /// Camera id.
    #[serde(rename = "CameraID")]
    pub camera_id: i64,
    /// Camera source.
    pub camera_src: String,
    /// Camera serial.
    pub camera_serial: String,
    /// Camera make.
    pub camera_make: String,
    /// Camera model.
    pub camera_model: String,
    /// Camera type.
    pub camera_type: String,
    /// Lens id.
    #[serde(rename = "LensID")]
    pub lens_id: i64,
    /// Lens make.
    pub lens_make: String,
    /// Lens model.
    pub lens_model: String,
    /// Altitude.
    pub altitude: f64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// S2 cell id.
    #[serde(rename = "CellID")]
    pub cell_id: String,
    /// Cell accuracy.
    pub cell_accuracy: i64,
    /// Place id.
    #[serde(rename = "PlaceID")]
    pub place_id: String,
    /// Place source.
    pub place_src: String,
    /// Place label.
    pub place_label: String,
    /// City.
    pub place_city: String,
    /// State.
    pub place_state: String,
    /// Country name.
    pub place_country: String,
    /// Instance id.
    #[serde(rename = "InstanceID")]
    pub instance_id: String,
    /// UID of this row's file.
    #[serde(rename = "FileUID")]
    pub file_uid: String,
    /// Root of this row's file.
    pub file_root: String,
    /// Name of this row's file (relative to the root).
    pub file_name: String,
    /// SHA-1 of this row's file.
    pub hash: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Portrait orientation.
    pub portrait: bool,
    /// True when several files were merged into this row.
    pub merged: bool,
    /// Creation time.
    pub created_at: String,
    /// Update time.
    pub updated_at: String,
    /// Last manual edit, if any.
    #[serde(deserialize_with = "opt_time")]
    pub edited_at: Option<String>,
    /// Last check, if any.
    #[serde(deserialize_with = "opt_time")]
    pub checked_at: Option<String>,
    /// Archive time, if archived.
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
    /// Keywords (batch-edit rows of 2025+ servers).
    pub details_keywords: String,
    /// Files of the photo (only with `merged=true`).
    #[serde(deserialize_with = "null_default")]
    pub files: Vec<PhotoFile>,
}

impl PhotoResult {
    /// The photo's text, from `Caption` or `Description`, whichever the server sent.
    pub fn caption(&self) -> &str {
        self.caption
            .as_deref()
            .or(self.description.as_deref())
            .unwrap_or_default()
    }

    /// True when the photo is archived.
    pub fn is_archived(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// Search row ids are strings; tolerate a number too.
fn id_string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(match value {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    })
}

/// A lean search row: only what a planner compares (the full row is [`PhotoResult`]).
///
/// Reading pages into this type instead of [`PhotoResult`] skips the other fields while
/// parsing, so a page of a thousand rows costs a fraction of the memory.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PhotoRow {
    /// Row id: `"<photoId>"` or `"<photoId>-<fileId>"` (see [`PhotoRow::photo_id`]).
    #[serde(rename = "ID", deserialize_with = "id_string")]
    pub id: String,
    /// Photo UID (`p…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// Title.
    pub title: String,
    /// Caption (2025+ servers).
    pub caption: Option<String>,
    /// Description (servers up to 2024).
    pub description: Option<String>,
    /// UTC time taken.
    pub taken_at: String,
    /// Time zone.
    pub time_zone: String,
    /// Favorite.
    pub favorite: bool,
    /// Private.
    pub private: bool,
    /// Altitude.
    pub altitude: f64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Name of this row's file (relative to the root).
    pub file_name: String,
    /// SHA-1 of this row's file.
    pub hash: String,
    /// Archive time, if archived.
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
    /// Keywords (batch-edit rows of 2025+ servers).
    pub details_keywords: String,
    /// Files of the photo (only with `merged=true`).
    #[serde(deserialize_with = "null_default")]
    pub files: Vec<RowFile>,
}

/// A file of a [`PhotoRow`]: its name, hash and whether it is the primary one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct RowFile {
    /// Path relative to the root.
    pub name: String,
    /// SHA-1 of the content.
    pub hash: String,
    /// True for the photo's primary file.
    pub primary: bool,
}

impl PhotoRow {
    /// The photo's text, from `Caption` or `Description`, whichever the server sent.
    pub fn caption(&self) -> &str {
        self.caption
            .as_deref()
            .or(self.description.as_deref())
            .unwrap_or_default()
    }

    /// True when the photo is archived.
    pub fn is_archived(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// The numeric photo id (the part of `ID` before `-`), 0 when the row has none.
    pub fn photo_id(&self) -> i64 {
        let head = self.id.split('-').next().unwrap_or_default();
        head.parse().unwrap_or(0)
    }

    /// The primary file's name: the file marked primary, else the row's file.
    pub fn primary_name(&self) -> &str {
        self.files
            .iter()
            .find(|file| file.primary)
            .map_or(self.file_name.as_str(), |file| file.name.as_str())
    }

    /// Every file name of the row (the merged files, and the row's own file).
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|file| file.name.as_str())
            .chain(std::iter::once(self.file_name.as_str()))
            .filter(|name| !name.is_empty())
    }

    /// Every file hash of the row (the merged files, and the row's own file).
    pub fn hashes(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|file| file.hash.as_str())
            .chain(std::iter::once(self.hash.as_str()))
            .filter(|hash| !hash.is_empty())
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    #[test]
    fn lean_rows_read_search_answers() {
        let json = r#"[{"ID":"12-31","UID":"pt1","Title":"T","Description":"d","TakenAt":"2024-01-02T03:04:05Z",
            "TimeZone":"","Favorite":true,"Lat":1.5,"FileName":"a/b.jpg","Hash":"h1","Quality":3,
            "CameraMake":"Canon","Files":[{"UID":"f1","Name":"a/b.cr2","Hash":"h2","Primary":false},
            {"UID":"f2","Name":"a/b.jpg","Hash":"h1","Primary":true,"Size":7}]},
            {"ID":7,"UID":"pt2","DeletedAt":"2024-02-02T00:00:00Z","Files":null}]"#;
        let rows: Vec<PhotoRow> = serde_json::from_str(json).expect("rows");
        assert_eq!(rows[0].photo_id(), 12);
        assert_eq!(rows[0].caption(), "d");
        assert_eq!(rows[0].primary_name(), "a/b.jpg");
        assert_eq!(rows[0].hashes().collect::<Vec<_>>(), ["h2", "h1", "h1"]);
        assert_eq!(rows[1].photo_id(), 7);
        assert!(rows[1].is_archived());
        assert!(rows[1].files.is_empty());
    }
}
