//! The manifest's types: what a parsed, validated manifest holds.
//!
//! The serde and schemars attributes describe the YAML format, so the JSON Schema in
//! `schemas/prysm.schema.json` is generated from these types. Locations and other
//! bookkeeping fields are skipped there.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::{JsonSchema, Schema};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::source::{Loc, SourceFile};

/// The whole desired state: every file merged.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "prysm manifest",
    description = "A prysm manifest: the desired state of a PhotoPrism library (albums and photo properties)."
)]
pub struct Manifest {
    /// Format version; only 1 exists.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// How prysm treats what the manifest does not declare.
    #[serde(default)]
    pub settings: Settings,
    /// Albums: a mapping from key (the album's address, `album.<key>`) to album. A parsed
    /// manifest holds them sorted by key.
    #[serde(default, serialize_with = "albums_as_map")]
    #[schemars(with = "BTreeMap<String, AlbumEntry>")]
    pub albums: Vec<AlbumEntry>,
    /// Photo property rules, applied in order: files in the order given, rules in file order.
    #[serde(default)]
    pub photos: Vec<PhotoRule>,
    /// The files the manifest was read from.
    #[serde(skip)]
    #[schemars(skip)]
    pub files: Vec<Arc<SourceFile>>,
    /// Problems that do not stop the manifest from being used (placeholder values
    /// such as an abbreviated hash); `prysm validate` prints them.
    #[serde(skip)]
    #[schemars(skip)]
    pub warnings: Vec<Arc<super::problem::Problem>>,
}

fn albums_as_map<S: Serializer>(albums: &[AlbumEntry], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(albums.len()))?;
    for album in albums {
        map.serialize_entry(&album.key, album)?;
    }
    map.end()
}

/// Manifest-wide settings.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// true: manual albums on the server that no entry declares are deleted. Default false:
    /// undeclared albums are left alone and never shown as changes.
    #[serde(default)]
    pub prune: bool,
    /// A plan fails if it would delete more albums than this, unless `--allow-destroy` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_destroy: Option<u32>,
    /// Budget for photos removed from one album: a plan that removes more than this
    /// percentage of an album's photos, and more than `max_remove_photos` of them, is refused
    /// unless `--allow-destroy` is given. Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100), extend("default" = 30))]
    pub max_remove_percent: Option<u32>,
    /// Removing up to this many photos from one album is always within budget (see
    /// `max_remove_percent`). Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 10))]
    pub max_remove_photos: Option<u32>,
    /// Budget for archived photos: a plan that archives more photos than this is refused
    /// unless `--allow-destroy` is given. Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 10))]
    pub max_archive: Option<u32>,
    /// false (default): a `query` that matches nothing in an `exact` album whose photos the
    /// plan would remove is refused as a likely typo, unless `--allow-destroy` is given.
    /// true: such queries are taken at their word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub allow_empty_query: Option<bool>,
    /// Budget for share links deleted by `manage_links: true`: a plan that deletes more share
    /// links than this is refused unless `--allow-destroy` is given. Default 0: deleting a
    /// link cuts off everyone who has it, so an unattended apply deletes none unless this is
    /// raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0))]
    pub max_link_deletes: Option<u32>,
    /// Where `prune` was set, if it was.
    #[serde(skip)]
    #[schemars(skip)]
    pub prune_loc: Option<Loc>,
    /// Where `max_destroy` was set, if it was.
    #[serde(skip)]
    #[schemars(skip)]
    pub max_destroy_loc: Option<Loc>,
    /// Where the budget settings (`max_remove_percent`, `max_remove_photos`, `max_archive`,
    /// `max_link_deletes`, `allow_empty_query`) were set, by name.
    #[serde(skip)]
    #[schemars(skip)]
    pub budget_locs: BTreeMap<String, Loc>,
}

/// How an album's `photos` list is applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// The album holds exactly the selected photos: others are removed.
    #[default]
    Exact,
    /// Selected photos are added; photos already in the album are kept.
    Additive,
}

impl Membership {
    /// The manifest spelling: `exact` or `additive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Membership::Exact => "exact",
            Membership::Additive => "additive",
        }
    }
}

/// Whether an album must exist.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlbumState {
    /// The album must exist (the default).
    #[default]
    Present,
    /// The album must not exist: it is deleted if it does.
    Absent,
}

impl AlbumState {
    /// The manifest spelling: `present` or `absent`.
    pub fn as_str(self) -> &'static str {
        match self {
            AlbumState::Present => "present",
            AlbumState::Absent => "absent",
        }
    }
}

/// One album entry. Fields that are absent are not managed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlbumEntry {
    /// The entry's key (its address is `album.<key>`).
    #[serde(skip)]
    #[schemars(skip)]
    pub key: String,
    /// Where the key is.
    #[serde(skip)]
    #[schemars(skip)]
    pub loc: Loc,
    /// Pins identity: the album with this UID is this entry, whatever its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^a[0-9a-z]{15}$"))]
    pub uid: Option<String>,
    /// The album title; required unless `state: absent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub title: Option<String>,
    /// The album description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The album caption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Private notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Category (PhotoPrism title-cases it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Location name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// ISO 3166-1 alpha-2 country code, lower case (`zz` = unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z]{2}$"))]
    pub country: Option<String>,
    /// Photo sort order inside the album.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = super::validate::ALBUM_ORDERS))]
    pub order: Option<String>,
    /// Whether the album is a favorite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favorite: Option<bool>,
    /// Whether the album is private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// Photo selectors; absent = membership not managed. Present = the album holds the union
    /// of what they select (see `membership`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Vec<SelectorKind>>")]
    pub photos: Option<Vec<Selector>>,
    /// Selectors whose photos are taken out of what `photos` selects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "ExceptSchema")]
    pub except: Vec<Selector>,
    /// `exact` (default): photos not selected are removed; `additive`: others are kept.
    #[serde(default)]
    pub membership: Membership,
    /// `present` (default) or `absent` (the album must not exist).
    #[serde(default)]
    pub state: AlbumState,
    /// The album's cover: one photo, by `uid`, `hash` or `path` (not a query or a pattern).
    /// Set as PhotoPrism sets a cover chosen in its web UI (a manual cover, which the server
    /// keeps when the album's photos change); absent = the cover is not managed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::albumx::CoverSchema>")]
    pub cover: Option<Selector>,
    /// Share links the album must have; absent = links are not managed. Links the list does
    /// not declare are left alone unless `manage_links` is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<super::albumx::LinkSpec>>,
    /// true: share links of the album that `links` does not declare are deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manage_links: bool,
    /// Manifest field name to the location of its value.
    #[serde(skip)]
    #[schemars(skip)]
    pub field_locs: BTreeMap<String, Loc>,
}

impl AlbumEntry {
    /// Where a field's value is, or the entry's key when the field is not set.
    pub fn field_loc(&self, field: &str) -> &Loc {
        self.field_locs.get(field).unwrap_or(&self.loc)
    }
}

/// A photo selector with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    /// What the selector matches.
    pub kind: SelectorKind,
    /// Where the selector's value is.
    pub loc: Loc,
}

impl Serialize for Selector {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.kind.serialize(s)
    }
}

/// What a selector matches. Exactly one key per selector.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelectorKind {
    /// A photo UID: matches exactly one photo.
    #[schemars(with = "PhotoUidSchema")]
    Uid(String),
    /// SHA-1 of any file of the photo (lower-case hex): matches exactly one photo.
    #[schemars(with = "Sha1Schema")]
    Hash(String),
    /// A file path relative to the originals folder: matches exactly one photo. With `*`
    /// (any run of characters within one folder or file name) or `?` (one character) it
    /// is a pattern: zero or more photos (none is a warning).
    #[schemars(with = "NonEmptySchema")]
    Path(String),
    /// A PhotoPrism search filter, resolved by the server at plan time: zero or more photos.
    #[schemars(with = "NonEmptySchema")]
    Query(String),
    /// The members of an album, by manifest album key or album UID, as the manifest
    /// leaves them: zero or more photos.
    #[schemars(with = "NonEmptySchema")]
    Album(String),
}

/// Schema of a photo UID.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct PhotoUidSchema(#[schemars(regex(pattern = r"^p[0-9a-z]{15}$"))] String);

/// Schema of a SHA-1 in lower-case hex.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Sha1Schema(#[schemars(regex(pattern = r"^[0-9a-f]{40}$"))] String);

/// Schema of a non-empty string.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct NonEmptySchema(#[schemars(length(min = 1))] String);

impl SelectorKind {
    /// The selector's key: `uid`, `hash`, `path` or `query`.
    pub fn key(&self) -> &'static str {
        match self {
            SelectorKind::Uid(_) => "uid",
            SelectorKind::Hash(_) => "hash",
            SelectorKind::Path(_) => "path",
            SelectorKind::Query(_) => "query",
            SelectorKind::Album(_) => "album",
        }
    }

    /// The selector's value.
    pub fn value(&self) -> &str {
        match self {
            SelectorKind::Uid(v)
            | SelectorKind::Hash(v)
            | SelectorKind::Path(v)
            | SelectorKind::Query(v)
            | SelectorKind::Album(v) => v,
        }
    }

    /// Whether the selector must match exactly one photo (`uid`, `hash`, a `path`
    /// that is not a pattern).
    pub fn is_exact(&self) -> bool {
        match self {
            SelectorKind::Uid(_) | SelectorKind::Hash(_) => true,
            SelectorKind::Path(path) => !is_path_pattern(path),
            SelectorKind::Query(_) | SelectorKind::Album(_) => false,
        }
    }

    /// Whether this is a `path` pattern (a path containing `*` or `?`).
    pub fn is_pattern(&self) -> bool {
        matches!(self, SelectorKind::Path(path) if is_path_pattern(path))
    }
}

/// Whether a `path` selector's value is a pattern: it contains `*` or `?`.
pub fn is_path_pattern(path: &str) -> bool {
    path.contains(['*', '?'])
}

/// Whether `path` matches the pattern: `*` is any run of characters within one path
/// segment (never `/`), `?` exactly one character that is not `/`; every other character
/// matches itself exactly (case included).
pub fn path_pattern_matches(pattern: &str, path: &str) -> bool {
    // Neither `*` nor `?` matches `/`, so the segments pair up one to one.
    let mut patterns = pattern.split('/');
    let mut segments = path.split('/');
    loop {
        match (patterns.next(), segments.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if segment_matches(p, s) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::path_pattern_matches as m;

    #[test]
    fn stars_and_question_marks_stay_inside_a_segment() {
        assert!(m("2024/*/x.jpg", "2024/07/x.jpg"));
        assert!(!m("2024/*/x.jpg", "2024/07/sub/x.jpg"));
        assert!(!m("2024/*", "2024/07/x.jpg"));
        assert!(m("*", "x.jpg"));
        assert!(!m("*", "a/x.jpg"));
        assert!(m("2024/07/IMG_000?.jpg", "2024/07/IMG_0001.jpg"));
        assert!(!m("2024/07/IMG_000?.jpg", "2024/07/IMG_0010.jpg"));
        assert!(!m("a?b", "a/b"));
        assert!(m("Caf? ol?.jpg", "Café olé.jpg"));
        assert!(m("東京/*_1.jpg", "東京/写真_1.jpg"));
        assert!(m("**a*", "bab"));
        assert!(m("*a*b*", "xxaYYbZ"));
        assert!(!m("*a*b", "xxaYYbZ"));
        assert!(m("odd/100%_[?].jpg", "odd/100%_[a].jpg"));
        assert!(!m("odd/1_0*", "odd/1x0a.jpg"));
        assert!(!m("odd/case.*", "odd/CASE.jpg"));
        assert!(m("a/*/", "a/b/"));
        assert!(!m("a/*", "a"));
    }
}

/// One segment against a segment pattern (`*` any run, `?` one character).
fn segment_matches(pattern: &str, segment: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = segment.chars().collect();
    let (mut p, mut t) = (0, 0);
    // After a mismatch, the last `*` takes one more character: (after the `*`, text position).
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                resume = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match resume {
                Some((after, start)) => {
                    resume = Some((after, start + 1));
                    p = after;
                    t = start + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// One selector, or a list of selectors (their union).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum MatchSchema {
    /// One selector.
    One(SelectorKind),
    /// Several selectors (their union).
    Many(#[schemars(length(min = 1))] Vec<SelectorKind>),
}

/// `except`: one selector, or a list of selectors (the union is taken out).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ExceptSchema {
    /// One selector.
    One(SelectorKind),
    /// Several selectors (their union).
    Many(Vec<SelectorKind>),
}

/// A photo property rule: which photos, and the properties to give them.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = add_description_alias)]
pub struct PhotoRule {
    /// Position in [`Manifest::photos`].
    #[serde(skip)]
    #[schemars(skip)]
    pub index: usize,
    /// Where the rule is (its `match` key, or the rule's mapping).
    #[serde(skip)]
    #[schemars(skip)]
    pub loc: Loc,
    /// One selector or a list of selectors (union).
    #[serde(rename = "match")]
    #[schemars(with = "MatchSchema")]
    pub selectors: Vec<Selector>,
    /// Selectors whose photos the rule does not apply to (it applies to `match` minus these).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "ExceptSchema")]
    pub except: Vec<Selector>,
    /// Photo title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The photo's text (PhotoPrism's Caption, Description before 2025); `description` is
    /// accepted as another name for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Favorite flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favorite: Option<bool>,
    /// Private flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// true: archive; false: restore if archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// When the photo was taken (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub taken_at: Option<String>,
    /// IANA time zone name (`Europe/Lisbon`), `UTC` or `Local`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Latitude in degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -90.0, max = 90.0))]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -180.0, max = 180.0))]
    pub lng: Option<f64>,
    /// Altitude in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub altitude: Option<i64>,
    /// Keywords (PhotoPrism stores them lower-cased, de-duplicated and sorted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Artist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    /// Copyright.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copyright: Option<String>,
    /// License.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Labels to make present (a list, or `add:`) and absent (`remove:`); labels not named
    /// are left alone. Compared by PhotoPrism's label slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "super::labels::LabelsSchema")]
    pub labels: Option<super::labels::LabelRule>,
    /// `true`: approve the photos in review (quality below 3). `false` is not accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "super::labels::ApprovedSchema")]
    pub approved: Option<bool>,
    /// Manifest field name to the location of its value (`description` is stored as
    /// `caption`).
    #[serde(skip)]
    #[schemars(skip)]
    pub field_locs: BTreeMap<String, Loc>,
}

impl PhotoRule {
    /// Where a field's value is, or the rule itself when the field is not set.
    pub fn field_loc(&self, field: &str) -> &Loc {
        self.field_locs.get(field).unwrap_or(&self.loc)
    }
}

/// Adds `description` (another name for `caption`) to the photo rule schema.
fn add_description_alias(schema: &mut Schema) {
    if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        props.insert(
            "description".to_owned(),
            serde_json::json!({
                "description": "Another name for `caption` (not both in one rule).",
                "type": ["string", "null"]
            }),
        );
    }
}
