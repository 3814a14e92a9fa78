//! The server's current state, as far as a manifest needs it.
//!
//! [`fetch`] reads it through the PhotoPrism client; everything after that
//! (resolve, diff, graph, render) works on these plain types and never talks
//! to the server.

mod fetch;

pub use fetch::{FetchError, FetchOptions, Fetched, fetch};

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Which key the server uses for a photo's text (PhotoPrism renamed it in 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// `Caption` (2025 and later).
    Caption,
    /// `Description` (up to 2024).
    Description,
}

/// A manual album on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerAlbum {
    /// `a…` UID.
    pub uid: String,
    /// Title as stored.
    pub title: String,
    /// Slug derived from the title.
    pub slug: String,
    /// Album description.
    pub description: String,
    /// Album caption.
    pub caption: String,
    /// Album notes.
    pub notes: String,
    /// Category (server title-cases it).
    pub category: String,
    /// Location text.
    pub location: String,
    /// Two-letter country code, `zz` when unknown.
    pub country: String,
    /// Photo sort order inside the album.
    pub order: String,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// Number of visible members (from the album search).
    pub photo_count: usize,
}

/// The detail fields of a photo (only read when a rule manages one of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerDetails {
    /// Comma-separated, normalized keywords.
    pub keywords: String,
    /// Notes.
    pub notes: String,
    /// Subject.
    pub subject: String,
    /// Artist.
    pub artist: String,
    /// Copyright.
    pub copyright: String,
    /// License.
    pub license: String,
}

/// A photo on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerPhoto {
    /// `p…` UID.
    pub uid: String,
    /// Primary file name relative to originals (for display).
    pub name: String,
    /// Every file name of the photo (for `path` selectors).
    pub files: Vec<String>,
    /// Title.
    pub title: String,
    /// Caption (or Description on older servers).
    pub caption: String,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// Archived (soft-deleted) flag.
    pub archived: bool,
    /// `TakenAt` (UTC, RFC 3339).
    pub taken_at: String,
    /// Time zone name.
    pub time_zone: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Altitude in meters.
    pub altitude: i64,
    /// Details, when they were read.
    pub details: Option<ServerDetails>,
}

/// How a selector was looked up on the server. Serialized as `kind:value`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SelectorKey {
    /// `uid`, `hash`, `path` or `query`.
    pub kind: String,
    /// The selector's value.
    pub value: String,
}

impl SelectorKey {
    /// Builds a key.
    pub fn new(kind: &str, value: &str) -> SelectorKey {
        SelectorKey {
            kind: kind.to_string(),
            value: value.to_string(),
        }
    }
}

impl Serialize for SelectorKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{}:{}", self.kind, self.value))
    }
}

impl<'de> Deserialize<'de> for SelectorKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.split_once(':') {
            Some((kind, value)) => Ok(SelectorKey::new(kind, value)),
            None => Err(serde::de::Error::custom(format!(
                "selector key `{text}` is not kind:value"
            ))),
        }
    }
}

/// Everything the plan needs to know about the server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryState {
    /// Which text key photos use.
    pub text_field: Option<TextField>,
    /// Whether the server offers batch edit.
    pub batch_edit: bool,
    /// Every manual album (type `album`, not deleted), ordered by UID.
    pub albums: Vec<ServerAlbum>,
    /// Current visible members of the albums whose membership is managed.
    pub members: BTreeMap<String, BTreeSet<String>>,
    /// Every photo the manifest touches or that an album holds, by UID.
    pub photos: BTreeMap<String, ServerPhoto>,
    /// What each selector of the manifest found: photo UIDs.
    pub selections: BTreeMap<SelectorKey, BTreeSet<String>>,
}

impl LibraryState {
    /// The album with this UID.
    pub fn album(&self, uid: &str) -> Option<&ServerAlbum> {
        // `albums` is ordered by UID.
        self.albums
            .binary_search_by(|album| album.uid.as_str().cmp(uid))
            .ok()
            .and_then(|index| self.albums.get(index))
    }

    /// A display reference for a photo UID.
    pub fn photo_ref(&self, uid: &str) -> crate::plan::PhotoRef {
        let name = self
            .photos
            .get(uid)
            .map(|photo| {
                if photo.name.is_empty() {
                    photo.title.clone()
                } else {
                    photo.name.clone()
                }
            })
            .unwrap_or_default();
        crate::plan::PhotoRef {
            uid: uid.to_string(),
            name,
        }
    }

    /// A stable fingerprint of this state: two fetches of an unchanged server
    /// give the same value.
    pub fn fingerprint(&self) -> String {
        // Every map in the state is ordered, so the JSON is canonical.
        match serde_json::to_vec(self) {
            Ok(canonical) => hex::encode(Sha256::digest(&canonical)),
            Err(error) => format!("unfingerprintable: {error}"),
        }
    }
}
