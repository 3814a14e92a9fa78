//! The server's current state, as far as a manifest needs it.
//!
//! [`fetch`] reads it through the PhotoPrism client; everything after that
//! (resolve, diff, graph, render) works on these plain types and never talks
//! to the server.
//!
//! The state is kept compact, because a library can hold hundreds of thousands
//! of photos: a photo UID is packed into 16 bytes ([`Uid`]), a photo keeps
//! only the fields the diff compares, and sets of photos are sorted vectors.

mod details;
mod fetch;
mod rows;

pub(crate) use fetch::all_selectors;
pub use fetch::{FetchError, FetchOptions, Fetched, ReadProgress, fetch};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::manifest::SelectorKind;

/// Which key the server uses for a photo's text (PhotoPrism renamed it in 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// `Caption` (2025 and later).
    Caption,
    /// `Description` (up to 2024).
    Description,
}

/// A PhotoPrism UID (`p…`, 16 characters) packed into 16 bytes.
///
/// Ordering is the ordering of the text, so sorted UIDs list like sorted strings.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid([u8; 16]);

impl Uid {
    /// Packs a UID; `None` unless it is 16 ASCII characters.
    pub fn parse(text: &str) -> Option<Uid> {
        let bytes: [u8; 16] = text.as_bytes().try_into().ok()?;
        bytes.is_ascii().then_some(Uid(bytes))
    }

    /// The UID as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored (see `parse`).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Uid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uid {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Uid::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a 16-character UID")))
    }
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
    /// `Thumb`: SHA-1 of the cover file (from the album search, which shows automatic
    /// covers at once; a single-album GET on 2024 servers may still show `""`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub thumb: String,
    /// `ThumbSrc`: `manual` for a chosen cover, empty for an automatic one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub thumb_src: String,
}

/// A share link of an album, without its token (a secret that prysm never keeps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLink {
    /// `s…` UID.
    pub uid: String,
    /// URL slug (may be empty).
    pub slug: String,
    /// Seconds after the last change until the link expires; 0 = never.
    pub expires: i64,
    /// Maximum number of views; 0 = unlimited.
    pub max_views: i64,
    /// Visitors must enter a password.
    pub verify_password: bool,
    /// When it was created (orders links without a slug).
    pub created_at: String,
}

impl ServerLink {
    /// The link as the client reads it, without its token.
    pub fn from_client(link: &crate::photoprism::ShareLink) -> ServerLink {
        ServerLink {
            uid: link.uid.clone(),
            slug: link.slug.clone(),
            expires: link.expires,
            max_views: link.max_views,
            verify_password: link.verify_password,
            created_at: link.created_at.clone(),
        }
    }
}

impl From<crate::photoprism::AlbumResult> for ServerAlbum {
    fn from(album: crate::photoprism::AlbumResult) -> ServerAlbum {
        ServerAlbum {
            uid: album.uid,
            slug: album.slug,
            title: album.title,
            description: album.description,
            caption: album.caption,
            notes: album.notes,
            category: album.category,
            location: album.location,
            country: album.country,
            order: album.order,
            favorite: album.favorite,
            private: album.private,
            photo_count: usize::try_from(album.photo_count).unwrap_or(0),
            thumb: album.thumb,
            thumb_src: album.thumb_src,
        }
    }
}

/// The detail fields of a photo that were read (only those a rule manages);
/// `None` means not read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerDetails {
    /// Comma-separated, normalized keywords.
    pub keywords: Option<Box<str>>,
    /// Notes.
    pub notes: Option<Box<str>>,
    /// Subject.
    pub subject: Option<Box<str>>,
    /// Artist.
    pub artist: Option<Box<str>>,
    /// Copyright.
    pub copyright: Option<Box<str>>,
    /// License.
    pub license: Option<Box<str>>,
    /// The `…Src` of every detail field, when the photo was read whole
    /// (`GET /photos/:uid`): a photo update then needs no second read.
    pub sources: Option<Box<DetailSources>>,
    /// The labels linked with uncertainty below 100 (present), when read: only for photos
    /// whose rules manage labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<ServerLabel>>,
}

/// A label linked to a photo (and visible: uncertainty below 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLabel {
    /// The label's name as the server stores it.
    pub name: Box<str>,
    /// The label's slug as the server stores it (2025+ servers give a second spelling of a
    /// name its own slug with a hash suffix).
    pub slug: Box<str>,
    /// The label UID (`l…`); empty when unknown.
    pub uid: Box<str>,
    /// The numeric label ID (`LabelID`, what `DELETE /photos/:uid/label/:id` takes); 0 when
    /// unknown (a batch read gives UIDs only).
    pub id: i64,
}

impl ServerLabel {
    /// Whether this is the label the manifest calls `slug` (a label slug of a name): the
    /// server's slug or the slug of the server's name equals it.
    pub fn is(&self, slug: &str) -> bool {
        &*self.slug == slug || crate::manifest::label_slug(&self.name) == slug
    }

    /// The visible labels of a whole photo (`GET /photos/:uid`).
    pub fn of_photo(photo: &crate::photoprism::Photo) -> Vec<ServerLabel> {
        let mut labels: Vec<ServerLabel> = photo
            .labels
            .iter()
            .filter(|link| link.uncertainty < crate::photoprism::HIDDEN_UNCERTAINTY)
            .filter_map(|link| {
                let label = link.label.as_ref()?;
                Some(ServerLabel {
                    name: label.name.as_str().into(),
                    slug: label.slug.as_str().into(),
                    uid: label.uid.as_str().into(),
                    id: link.label_id,
                })
            })
            .collect();
        labels.sort_by(|a, b| a.name.cmp(&b.name));
        labels
    }
}

/// The sources (`KeywordsSrc`, `NotesSrc`, …) of a photo's details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailSources {
    /// `KeywordsSrc`.
    pub keywords: String,
    /// `NotesSrc`.
    pub notes: String,
    /// `SubjectSrc`.
    pub subject: String,
    /// `ArtistSrc`.
    pub artist: String,
    /// `CopyrightSrc`.
    pub copyright: String,
    /// `LicenseSrc`.
    pub license: String,
}

impl ServerDetails {
    /// The details of a whole photo (`GET /photos/:uid`), with their sources.
    pub fn from_photo(details: &crate::photoprism::PhotoDetails) -> ServerDetails {
        let some = |text: &str| Some(Box::<str>::from(text));
        ServerDetails {
            keywords: some(&details.keywords),
            notes: some(&details.notes),
            subject: some(&details.subject),
            artist: some(&details.artist),
            copyright: some(&details.copyright),
            license: some(&details.license),
            sources: Some(Box::new(DetailSources {
                keywords: details.keywords_src.clone(),
                notes: details.notes_src.clone(),
                subject: details.subject_src.clone(),
                artist: details.artist_src.clone(),
                copyright: details.copyright_src.clone(),
                license: details.license_src.clone(),
            })),
            labels: None,
        }
    }

    /// Adds what `other` read to what is known (whole reads win).
    pub fn merge(&mut self, other: ServerDetails) {
        if other.sources.is_some() {
            let labels = self.labels.take();
            *self = other;
            if self.labels.is_none() {
                self.labels = labels;
            }
            return;
        }
        if other.labels.is_some() {
            self.labels = other.labels;
        }
        let take = |mine: &mut Option<Box<str>>, theirs: Option<Box<str>>| {
            if theirs.is_some() {
                *mine = theirs;
            }
        };
        take(&mut self.keywords, other.keywords);
        take(&mut self.notes, other.notes);
        take(&mut self.subject, other.subject);
        take(&mut self.artist, other.artist);
        take(&mut self.copyright, other.copyright);
        take(&mut self.license, other.license);
    }
}

/// A photo on the server: the fields a plan compares, and what an update
/// needs to be sent without reading the photo again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerPhoto {
    /// `p…` UID.
    pub uid: Uid,
    /// The numeric id (`Details.PhotoID` of an update); 0 when unknown.
    pub id: i64,
    /// Primary file name relative to originals (for display).
    pub name: Box<str>,
    /// Title.
    pub title: Box<str>,
    /// Caption (or Description on older servers).
    pub caption: Box<str>,
    /// `TakenAt` (UTC, RFC 3339).
    pub taken_at: Box<str>,
    /// Time zone name.
    pub time_zone: Box<str>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Altitude in meters.
    pub altitude: i64,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// Archived (soft-deleted) flag.
    pub archived: bool,
    /// In review (`Quality` below 3): `approved: true` approves it.
    #[serde(default)]
    pub review: bool,
    /// Details, when some were read.
    pub details: Option<Box<ServerDetails>>,
}

impl ServerPhoto {
    /// The photo a search row describes; `None` when the row's UID is not a UID.
    pub(crate) fn from_row(row: &rows::RowRef<'_>) -> Option<ServerPhoto> {
        Some(ServerPhoto {
            uid: Uid::parse(row.uid.as_str())?,
            id: row.id,
            name: row.primary_name().into(),
            title: row.title.as_str().into(),
            caption: row.caption().into(),
            taken_at: row.taken_at.as_str().into(),
            time_zone: row.time_zone.as_str().into(),
            lat: row.lat,
            lng: row.lng,
            altitude: row.altitude.round() as i64,
            favorite: row.favorite,
            private: row.private,
            archived: row.is_archived(),
            review: row.quality < 3,
            details: None,
        })
    }

    /// The photo as the client's full model, with what an update computes its
    /// body from (`None` when the details an update needs were not read whole).
    pub fn as_client_photo(
        &self,
        text_field: Option<TextField>,
        with_details: bool,
    ) -> Option<crate::photoprism::Photo> {
        let mut photo = crate::photoprism::Photo {
            id: self.id,
            uid: self.uid.to_string(),
            title: self.title.to_string(),
            taken_at: self.taken_at.to_string(),
            time_zone: self.time_zone.to_string(),
            lat: self.lat,
            lng: self.lng,
            altitude: self.altitude as f64,
            favorite: self.favorite,
            private: self.private,
            ..crate::photoprism::Photo::default()
        };
        match text_field {
            Some(TextField::Caption) => photo.caption = Some(self.caption.to_string()),
            Some(TextField::Description) => photo.description = Some(self.caption.to_string()),
            None => {}
        }
        if with_details {
            let details = self.details.as_deref()?;
            let sources = details.sources.as_deref()?;
            if self.id == 0 {
                return None;
            }
            let text = |value: &Option<Box<str>>| value.as_deref().unwrap_or_default().to_string();
            photo.details = Some(crate::photoprism::PhotoDetails {
                photo_id: self.id,
                keywords: text(&details.keywords),
                keywords_src: sources.keywords.clone(),
                notes: text(&details.notes),
                notes_src: sources.notes.clone(),
                subject: text(&details.subject),
                subject_src: sources.subject.clone(),
                artist: text(&details.artist),
                artist_src: sources.artist.clone(),
                copyright: text(&details.copyright),
                copyright_src: sources.copyright.clone(),
                license: text(&details.license),
                license_src: sources.license.clone(),
                ..crate::photoprism::PhotoDetails::default()
            });
        }
        Some(photo)
    }
}

/// What the manifest's `hash`, `path` and `query` selectors found. A `uid`
/// selector finds its photo when [`LibraryState::photos`] holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Selections {
    /// SHA-1 -> the photos with a file of that hash.
    pub hashes: BTreeMap<String, Vec<Uid>>,
    /// File path -> the photos with a file at that path.
    pub paths: BTreeMap<String, Vec<Uid>>,
    /// Query -> the photos it finds.
    pub queries: BTreeMap<String, Vec<Uid>>,
    /// Query -> the archived photos it finds (read only when the plan restores photos).
    pub archived_queries: BTreeMap<String, Vec<Uid>>,
    /// Path pattern (`2024/*/IMG_?.jpg`) -> the photos (not archived) with a file whose
    /// path matches it exactly.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub patterns: BTreeMap<String, Vec<Uid>>,
    /// Path pattern -> the archived photos read (those looked up by `uid`, `hash` or `path`)
    /// with a file whose path matches it: a photo the plan restores is counted in.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub archived_patterns: BTreeMap<String, Vec<Uid>>,
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
    /// Current visible members (sorted) of the albums whose membership is managed.
    pub members: BTreeMap<String, Vec<Uid>>,
    /// Every photo the manifest touches or that an album holds, ordered by UID.
    pub photos: Vec<ServerPhoto>,
    /// What each `hash`, `path` and `query` selector of the manifest found.
    pub selections: Selections,
    /// The primary file hash of every photo an album `cover` names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cover_hashes: BTreeMap<Uid, String>,
    /// Album UID -> its share links, for the albums whose entry declares `links`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub links: BTreeMap<String, Vec<ServerLink>>,
    /// `photos` by UID (see [`LibraryState::reindex`]).
    #[serde(skip)]
    index: PhotoIndex,
}

/// Positions of [`LibraryState::photos`] by UID. Every use checks the photo
/// found, so an index that no longer fits only costs a binary search.
#[derive(Clone, Default)]
struct PhotoIndex(std::collections::HashMap<Uid, u32>);

impl PartialEq for PhotoIndex {
    /// An index is derived data: it never makes two states differ.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for PhotoIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhotoIndex({} photos)", self.0.len())
    }
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

    /// The photo with this UID.
    pub fn photo(&self, uid: Uid) -> Option<&ServerPhoto> {
        if let Some(photo) = self
            .index
            .0
            .get(&uid)
            .and_then(|at| self.photos.get(*at as usize))
            .filter(|photo| photo.uid == uid)
        {
            return Some(photo);
        }
        self.photos
            .binary_search_by(|photo| photo.uid.cmp(&uid))
            .ok()
            .and_then(|index| self.photos.get(index))
    }

    /// Rebuilds the index of [`LibraryState::photos`] (which must be sorted by
    /// UID); lookups stay correct without it, only slower.
    pub fn reindex(&mut self) {
        self.index.0 = self
            .photos
            .iter()
            .enumerate()
            .filter_map(|(at, photo)| Some((photo.uid, u32::try_from(at).ok()?)))
            .collect();
    }

    /// The photo a `uid` selector finds.
    pub fn found_uid(&self, uid: &str) -> Option<Uid> {
        Uid::parse(uid).filter(|uid| self.photo(*uid).is_some())
    }

    /// Whether any photo the state holds is archived.
    pub fn any_archived(&self) -> bool {
        self.photos.iter().any(|photo| photo.archived)
    }

    /// The photos a selector found, sorted (a `uid` selector finds its photo
    /// when the state holds it).
    pub fn found(&self, kind: &SelectorKind) -> std::borrow::Cow<'_, [Uid]> {
        use std::borrow::Cow;
        fn of<'a>(map: &'a BTreeMap<String, Vec<Uid>>, key: &str) -> Cow<'a, [Uid]> {
            map.get(key).map_or(Cow::Borrowed(&[][..]), |uids| {
                Cow::Borrowed(uids.as_slice())
            })
        }
        match kind {
            SelectorKind::Uid(uid) => {
                match Uid::parse(uid).filter(|uid| self.photo(*uid).is_some()) {
                    Some(uid) => Cow::Owned(vec![uid]),
                    None => Cow::Borrowed(&[]),
                }
            }
            SelectorKind::Hash(hash) => of(&self.selections.hashes, hash),
            SelectorKind::Path(path) if kind.is_pattern() => of(&self.selections.patterns, path),
            SelectorKind::Path(path) => of(&self.selections.paths, path),
            SelectorKind::Query(query) => of(&self.selections.queries, query),
            // The members of an album depend on the plan: see `resolve`.
            SelectorKind::Album(_) => Cow::Borrowed(&[]),
        }
    }

    /// The archived photos read whose files match a path pattern.
    pub fn found_archived_pattern(&self, pattern: &str) -> &[Uid] {
        self.selections
            .archived_patterns
            .get(pattern)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The archived photos a query finds (empty unless the plan restores photos).
    pub fn found_archived(&self, query: &str) -> &[Uid] {
        self.selections
            .archived_queries
            .get(query)
            .map_or(&[][..], Vec::as_slice)
    }

    /// Whether the photo is archived.
    pub fn is_archived(&self, uid: Uid) -> bool {
        self.photo(uid).is_some_and(|photo| photo.archived)
    }

    /// A display reference for a photo UID.
    pub fn photo_ref(&self, uid: Uid) -> crate::plan::PhotoRef {
        let name = self
            .photo(uid)
            .map(|photo| {
                if photo.name.is_empty() {
                    photo.title.to_string()
                } else {
                    photo.name.to_string()
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
        // Every map and list in the state is ordered, so the JSON is canonical;
        // it is hashed as it is written, never held whole.
        let mut hasher = HashWriter(Sha256::new());
        match serde_json::to_writer(&mut hasher, self) {
            Ok(()) => hex::encode(hasher.0.finalize()),
            Err(error) => format!("unfingerprintable: {error}"),
        }
    }
}

/// Feeds written bytes into a hash.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sorts and de-duplicates a list of UIDs (the form every photo set takes).
pub fn sorted(mut uids: Vec<Uid>) -> Vec<Uid> {
    uids.sort_unstable();
    uids.dedup();
    uids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_pack_into_sixteen_bytes_and_sort_like_text() {
        assert_eq!(std::mem::size_of::<Uid>(), 16);
        let a = Uid::parse("pt4q2mf3k9ab1cde").expect("uid");
        let b = Uid::parse("pt4q2mf3k9ab1cdf").expect("uid");
        assert!(a < b);
        assert_eq!(a.to_string(), "pt4q2mf3k9ab1cde");
        assert!(Uid::parse("short").is_none());
        assert!(Uid::parse("pt4q2mf3k9ab1cdé").is_none());
        let json = serde_json::to_string(&a).expect("json");
        assert_eq!(json, "\"pt4q2mf3k9ab1cde\"");
        assert_eq!(serde_json::from_str::<Uid>(&json).expect("back"), a);
        assert_eq!(sorted(vec![b, a, b]), vec![a, b]);
    }
}
