//! Album covers and share links in the manifest: the types of `cover:`, `links:` and
//! `manage_links:` on an album entry, and the checks that need them.

use schemars::JsonSchema;
use serde::Serialize;

use super::model::SelectorKind;
use super::source::Loc;

/// One share link an album entry declares.
///
/// A link is identified by its `slug` when it has one (PhotoPrism stores the slug of what
/// is sent: `My Trip` is `my-trip`). Links without a slug are matched, in the order they
/// are declared, to the album's links without a slug in the order the server created them.
/// What a link is for is its token, which only PhotoPrism knows: prysm never shows it.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// URL slug of the link (identifies it); PhotoPrism stores it as a slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub slug: Option<String>,
    /// Seconds after the link's last change until it expires: a number of seconds or a
    /// duration such as `90s`, `30m`, `12h`, `7d`, `2w`. Absent or 0: never expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DurationSchema>")]
    pub expires: Option<i64>,
    /// How many views the link allows. Absent or 0: unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_views: Option<u32>,
    /// Where apply reads the password visitors must enter (never the password itself).
    /// PhotoPrism cannot show a password back: a link that has one is taken as having this
    /// one, and a link with a password keeps it when `password` is left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordSource>,
    /// Where the link is.
    #[serde(skip)]
    #[schemars(skip)]
    pub loc: Loc,
}

impl LinkSpec {
    /// The slug PhotoPrism will store (empty for a link without a slug).
    pub fn server_slug(&self) -> String {
        self.slug
            .as_deref()
            .map(crate::photoprism::text::slug)
            .unwrap_or_default()
    }
}

/// Where a share link's password comes from. Passwords are never written in a manifest.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PasswordSource {
    /// A file whose contents (without a trailing newline) are the password; a relative path
    /// is relative to the directory apply runs in.
    File(String),
    /// An environment variable that holds the password.
    Env(String),
}

impl PasswordSource {
    /// Reads the password. The error names the source, never the value.
    pub fn read(&self) -> Result<String, String> {
        let value = match self {
            PasswordSource::File(path) => std::fs::read_to_string(path)
                .map_err(|error| format!("cannot read the link password file {path}: {error}"))?,
            PasswordSource::Env(name) => std::env::var(name).map_err(|_| {
                format!("the environment variable {name} (a link password) is not set")
            })?,
        };
        let value = value.trim_end_matches(['\n', '\r']).to_owned();
        if value.is_empty() {
            return Err(format!("the link password from {self} is empty"));
        }
        Ok(value)
    }
}

impl std::fmt::Display for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordSource::File(path) => write!(f, "file {path}"),
            PasswordSource::Env(name) => write!(f, "environment variable {name}"),
        }
    }
}

/// Schema of `expires`: seconds, or a duration with a unit.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum DurationSchema {
    /// Seconds.
    Seconds(#[schemars(range(min = 0))] i64),
    /// A number with a unit: `s`, `m`, `h`, `d` or `w`.
    Duration(#[schemars(regex(pattern = r"^[0-9]+\s*[smhdw]$"))] String),
}

/// Schema of `cover`: one selector that names one photo.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum CoverSchema {
    /// A photo UID.
    Uid(#[schemars(regex(pattern = r"^p[0-9a-z]{15}$"))] String),
    /// SHA-1 of any file of the photo; the cover is the photo's primary file.
    Hash(#[schemars(regex(pattern = r"^[0-9a-f]{40}$"))] String),
    /// A file path relative to the originals folder (no patterns).
    Path(#[schemars(length(min = 1))] String),
}

/// Parses `expires`: seconds, or a number with a unit (`s`, `m`, `h`, `d`, `w`).
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    number
        .checked_mul(factor)
        .filter(|&s| s <= i64::from(i32::MAX))
}

/// Why a selector cannot name a cover, if it cannot: a `query` (or any selector that is not
/// `uid`, `hash` or `path`) selects any number of photos, and a path pattern too.
pub(crate) fn cover_selector_problem(kind: &SelectorKind) -> Option<String> {
    match kind {
        SelectorKind::Uid(_) | SelectorKind::Hash(_) => None,
        SelectorKind::Path(path) if path.contains(['*', '?']) => Some(format!(
            "the path pattern `{path}` can match several photos; a cover is one photo"
        )),
        SelectorKind::Path(_) => None,
        #[allow(unreachable_patterns)]
        other => Some(format!(
            "a `{}` selector can match several photos; a cover is one photo",
            other.key()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_and_refuse_nonsense() {
        assert_eq!(parse_duration("3600"), Some(3600));
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("12h"), Some(43_200));
        assert_eq!(parse_duration("7d"), Some(604_800));
        assert_eq!(parse_duration("2 w"), Some(1_209_600));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("7y"), None);
        assert_eq!(parse_duration("-5"), None);
        assert_eq!(parse_duration("99999999999d"), None);
    }

    #[test]
    fn covers_are_one_photo() {
        assert!(cover_selector_problem(&SelectorKind::Uid("p".into())).is_none());
        assert!(cover_selector_problem(&SelectorKind::Path("2024/a.jpg".into())).is_none());
        assert!(cover_selector_problem(&SelectorKind::Path("2024/*.jpg".into())).is_some());
        assert!(cover_selector_problem(&SelectorKind::Query("cat".into())).is_some());
    }
}
