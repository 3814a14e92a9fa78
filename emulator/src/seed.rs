//! Seed descriptions for photos and albums, and JSON seed files.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// Describes one photo to put into the emulator's library (all fields optional).
///
/// Defaults: one JPEG file `IMG_<n>.jpg` in folder `YYYY/MM` of the taken date, quality 3,
/// country `"zz"`, type `"image"`, a random SHA-1 hash, taken now.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default)]
pub struct PhotoSeed {
    /// A name for cross references inside a JSON seed file (album `photos` may list it).
    pub key: String,
    /// A fixed photo UID (`p` + 15 chars, must be unique); empty = generated.
    pub uid: String,
    /// Photo title; empty = generated from the file name and year (with `TitleSrc` `""`).
    pub title: String,
    /// Title source; defaults to `"manual"` when `title` is set, else `""`.
    pub title_src: String,
    /// Caption (`Description` on 2024 servers).
    pub caption: String,
    /// Caption source; defaults to `"manual"` when `caption` is set, else `""`.
    pub caption_src: String,
    /// Taken time: RFC 3339, `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`; empty = now.
    pub taken_at: String,
    /// Time zone name; empty = the generation's default (`""` for 2024, `"Local"` for 2025).
    pub time_zone: String,
    /// Folder below the originals root, e.g. `2024/07`; empty = `YYYY/MM` of the taken date.
    pub path: String,
    /// Base name without extension, e.g. `IMG_0001`; empty = `IMG_<photo id>`.
    pub name: String,
    /// Full file name with extension (overrides `name` and `ext` when set).
    pub file_name: String,
    /// File extension without dot; empty = `jpg`.
    pub ext: String,
    /// Original file name as uploaded; empty = the file name.
    pub original_name: String,
    /// SHA-1 hex of the primary file; empty = random.
    pub hash: String,
    /// Primary file size in bytes; 0 = 100 000.
    pub size: u64,
    /// Sibling files of the same photo (e.g. `"IMG_0001.cr2"` or just `"cr2"`), each with a random hash.
    pub extra_files: Vec<String>,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// Archived (soft-deleted) flag.
    pub archived: bool,
    /// Quality score; below 3 = in review. Default 3.
    pub quality: i32,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Altitude in metres.
    pub altitude: i64,
    /// Two-letter country code; empty = `"zz"`.
    pub country: String,
    /// Label names (e.g. `cat`, `beach`), linked with source `image`.
    pub labels: Vec<String>,
    /// Details keywords (normalized like the server does).
    pub keywords: String,
    /// Details notes.
    pub notes: String,
    /// Details subject.
    pub subject: String,
    /// Details artist.
    pub artist: String,
    /// Details copyright.
    pub copyright: String,
    /// Details license.
    pub license: String,
    /// Media type (`image`, `raw`, `live`, `video`, ...); empty = `image`.
    pub r#type: String,
    /// Camera make, e.g. `Canon`; empty = unknown camera.
    pub camera_make: String,
    /// Camera model, e.g. `EOS 5D`.
    pub camera_model: String,
}

impl Default for PhotoSeed {
    fn default() -> Self {
        PhotoSeed {
            key: String::new(),
            uid: String::new(),
            title: String::new(),
            title_src: String::new(),
            caption: String::new(),
            caption_src: String::new(),
            taken_at: String::new(),
            time_zone: String::new(),
            path: String::new(),
            name: String::new(),
            file_name: String::new(),
            ext: String::new(),
            original_name: String::new(),
            hash: String::new(),
            size: 0,
            extra_files: Vec::new(),
            favorite: false,
            private: false,
            archived: false,
            quality: 3,
            lat: 0.0,
            lng: 0.0,
            altitude: 0,
            country: String::new(),
            labels: Vec::new(),
            keywords: String::new(),
            notes: String::new(),
            subject: String::new(),
            artist: String::new(),
            copyright: String::new(),
            license: String::new(),
            r#type: String::new(),
            camera_make: String::new(),
            camera_model: String::new(),
        }
    }
}

/// Describes one album to create (all fields optional).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default)]
pub struct AlbumSeed {
    /// A name for cross references in a JSON seed file's report.
    pub key: String,
    /// A fixed album UID (`a` + 15 chars, must be unique); empty = generated.
    pub uid: String,
    /// Album title (normalized like the server does; empty = current month).
    pub title: String,
    /// Description.
    pub description: String,
    /// Caption.
    pub caption: String,
    /// Notes.
    pub notes: String,
    /// Category (title-cased like the server does).
    pub category: String,
    /// Location.
    pub location: String,
    /// Two-letter country code; empty = `"zz"`.
    pub country: String,
    /// Sort order hint; empty = `"oldest"`.
    pub order: String,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// `album` (default), `folder`, `moment`, `month` or `state`.
    pub album_type: String,
    /// Smart-album filter (e.g. `path:2024/07 public:true`); leave empty for manual albums.
    pub filter: String,
    /// Folder path (folder albums).
    pub path: String,
    /// Soft-deleted flag.
    pub deleted: bool,
    /// Member photos: photo UIDs (or, in a JSON seed file, photo `key`s).
    pub photos: Vec<String>,
}

impl Default for AlbumSeed {
    fn default() -> Self {
        AlbumSeed {
            key: String::new(),
            uid: String::new(),
            title: String::new(),
            description: String::new(),
            caption: String::new(),
            notes: String::new(),
            category: String::new(),
            location: String::new(),
            country: String::new(),
            order: String::new(),
            favorite: false,
            private: false,
            album_type: "album".to_owned(),
            filter: String::new(),
            path: String::new(),
            deleted: false,
            photos: Vec::new(),
        }
    }
}

/// The content of a JSON seed file: `{"photos": [PhotoSeed…], "albums": [AlbumSeed…]}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SeedFile {
    pub photos: Vec<PhotoSeed>,
    pub albums: Vec<AlbumSeed>,
}

/// What a JSON seed created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Photo UIDs in file order.
    pub photos: Vec<String>,
    /// Album UIDs in file order.
    pub albums: Vec<String>,
    /// UID of every seed that had a `key`.
    pub keys: BTreeMap<String, String>,
}

/// Why a JSON seed could not be applied.
#[derive(Debug)]
pub enum SeedError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The JSON is malformed or has unknown keys.
    Json(serde_json::Error),
    /// A photo's `taken_at` is not a supported date.
    InvalidDate {
        /// Index of the photo in the file.
        index: usize,
        /// The rejected value.
        value: String,
    },
    /// An album lists a photo that is neither a photo key nor a known photo UID.
    UnknownPhoto {
        /// The album title.
        album: String,
        /// The unresolved reference.
        reference: String,
    },
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeedError::Io { path, source } => {
                write!(f, "cannot read seed file {}: {source}", path.display())
            }
            SeedError::Json(e) => write!(f, "invalid seed JSON: {e}"),
            SeedError::InvalidDate { index, value } => {
                write!(f, "photo #{index}: taken_at {value:?} is not a date")
            }
            SeedError::UnknownPhoto { album, reference } => {
                write!(f, "album {album:?} lists unknown photo {reference:?}")
            }
        }
    }
}

impl std::error::Error for SeedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SeedError::Io { source, .. } => Some(source),
            SeedError::Json(e) => Some(e),
            _ => None,
        }
    }
}

/// Parses the date formats a seed accepts (see [`PhotoSeed::taken_at`]), as UTC.
pub(crate) fn parse_seed_time(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.to_offset(time::UtcOffset::UTC));
    }
    let with_t = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let with_space = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    for fmt in [with_t, with_space] {
        if let Ok(t) = PrimitiveDateTime::parse(s, fmt) {
            return Some(t.assume_utc());
        }
    }
    let date = format_description!("[year]-[month]-[day]");
    Date::parse(s, date)
        .ok()
        .map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc())
}

/// Parses a date and time from a file name like `20230615_103000_x.jpg` or `IMG_20230615_103000`.
pub(crate) fn time_from_file_name(name: &str) -> Option<OffsetDateTime> {
    let digits: Vec<&str> = name
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let date_at = digits.iter().position(|d| d.len() == 8)?;
    let d = digits[date_at];
    let year: i32 = d[0..4].parse().ok()?;
    let month: u8 = d[4..6].parse().ok()?;
    let day: u8 = d[6..8].parse().ok()?;
    if !(1990..=2100).contains(&year) {
        return None;
    }
    let date = Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    let time = digits
        .get(date_at + 1)
        .filter(|t| t.len() == 6)
        .and_then(|t| {
            Time::from_hms(
                t[0..2].parse().ok()?,
                t[2..4].parse().ok()?,
                t[4..6].parse().ok()?,
            )
            .ok()
        })
        .unwrap_or(Time::MIDNIGHT);
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_times_parse() {
        assert_eq!(
            parse_seed_time("2023-06-15T10:30:00Z").map(|t| t.unix_timestamp()),
            Some(1_686_825_000)
        );
        assert!(parse_seed_time("2023-06-15 10:30:00").is_some());
        assert!(parse_seed_time("2023-06-15").is_some());
        assert!(parse_seed_time("June").is_none());
    }

    #[test]
    fn file_name_times_parse() {
        let t = time_from_file_name("20230615_103000_62E32957.jpg");
        assert_eq!(t.map(|t| t.unix_timestamp()), Some(1_686_825_000));
        assert!(time_from_file_name("red-square.jpg").is_none());
    }
}
