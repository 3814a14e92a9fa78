//! Search rows read for the plan: only the fields it compares, with their text
//! borrowed from the answer's body (no copy unless the JSON escapes something).
//! The owned equivalent for library users is [`crate::photoprism::PhotoRow`].

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// Text of a row, borrowed from the body when it has no escapes.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }

            // `null` (Go's nil) reads as empty, as the owned models do.
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::default())
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::default())
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_str(self)
            }
        }
        deserializer.deserialize_option(TextVisitor)
    }
}

/// A search row (one photo when merged): what [`super::ServerPhoto`] keeps,
/// and the file names and hashes selectors match.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct RowRef<'a> {
    /// The numeric photo id: the part of `ID` (`"12"` or `"12-31"`) before `-`.
    #[serde(rename = "ID", deserialize_with = "photo_id")]
    pub id: i64,
    #[serde(rename = "UID", borrow)]
    pub uid: Text<'a>,
    #[serde(borrow)]
    pub title: Text<'a>,
    #[serde(borrow)]
    pub caption: Option<Text<'a>>,
    #[serde(borrow)]
    pub description: Option<Text<'a>>,
    #[serde(borrow)]
    pub taken_at: Text<'a>,
    #[serde(borrow)]
    pub time_zone: Text<'a>,
    pub favorite: bool,
    pub private: bool,
    pub altitude: f64,
    pub lat: f64,
    pub lng: f64,
    /// `Quality`: below 3 the photo is in review. A row without it counts as reviewed.
    #[serde(default = "reviewed")]
    pub quality: i64,
    #[serde(borrow)]
    pub file_name: Text<'a>,
    #[serde(borrow)]
    pub hash: Text<'a>,
    #[serde(borrow)]
    pub deleted_at: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "files")]
    pub files: Vec<FileRef<'a>>,
}

/// The quality of a photo not in review (PhotoPrism's threshold is 3).
fn reviewed() -> i64 {
    3
}

/// A file of a [`RowRef`].
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct FileRef<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub hash: Text<'a>,
    pub primary: bool,
}

impl RowRef<'_> {
    /// The photo's text, from `Caption` or `Description`, whichever the server sent.
    pub(crate) fn caption(&self) -> &str {
        self.caption
            .as_ref()
            .or(self.description.as_ref())
            .map_or("", Text::as_str)
    }

    /// True when the photo is archived (a `DeletedAt` that is set: not empty, not Go's zero time).
    pub(crate) fn is_archived(&self) -> bool {
        self.deleted_at.as_ref().is_some_and(|at| {
            let at = at.as_str();
            !at.is_empty() && !at.starts_with("0001-01-01T00:00:00")
        })
    }

    /// The primary file's name: the file marked primary, else the row's file.
    pub(crate) fn primary_name(&self) -> &str {
        self.files
            .iter()
            .find(|file| file.primary)
            .map_or(self.file_name.as_str(), |file| file.name.as_str())
    }

    /// The hash of the file marked primary, when the row lists it.
    pub(crate) fn primary_hash(&self) -> Option<&str> {
        self.files
            .iter()
            .find(|file| file.primary && !file.hash.as_str().is_empty())
            .map(|file| file.hash.as_str())
    }

    /// Every file name of the row.
    pub(crate) fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|file| file.name.as_str())
            .chain(std::iter::once(self.file_name.as_str()))
            .filter(|name| !name.is_empty())
    }

    /// Every file hash of the row.
    pub(crate) fn hashes(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|file| file.hash.as_str())
            .chain(std::iter::once(self.hash.as_str()))
            .filter(|hash| !hash.is_empty())
    }
}

/// `ID` as a string (`"12-31"`) or a number: the photo id before the `-`.
fn photo_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct IdVisitor;
    impl Visitor<'_> for IdVisitor {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a row id")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            Ok(v.split('-').next().unwrap_or_default().parse().unwrap_or(0))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            Ok(i64::try_from(v).unwrap_or(0))
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<i64, E> {
            Ok(0)
        }

        fn visit_unit<E: de::Error>(self) -> Result<i64, E> {
            Ok(0)
        }
    }
    deserializer.deserialize_any(IdVisitor)
}

/// `Files`, where `null` is no files.
fn files<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<FileRef<'a>>, D::Error> {
    Ok(Option::<Vec<FileRef<'a>>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_borrow_their_text_and_read_quirks() {
        let json = r#"[{"ID":"12-31","UID":"pt1","Title":"Tom \u0026 Jerry","Description":"d",
            "TakenAt":"2024-01-02T03:04:05Z","TimeZone":null,"Favorite":true,"Lat":1.5,
            "FileName":"a/b.jpg","Hash":"h1","Quality":3,"DeletedAt":"0001-01-01T00:00:00Z",
            "Files":[{"UID":"f1","Name":"a/b.cr2","Hash":"h2","Primary":false,"Size":1},
            {"UID":"f2","Name":"a/b.jpg","Hash":"h1","Primary":true}]},
            {"ID":7,"UID":"pt2","DeletedAt":"2024-02-02T00:00:00Z","Files":null,"Caption":"c"}]"#;
        let rows: Vec<RowRef<'_>> = serde_json::from_str(json).expect("rows");
        assert_eq!(rows[0].id, 12);
        assert!(matches!(rows[0].uid.0, Cow::Borrowed("pt1")));
        assert_eq!(rows[0].title.as_str(), "Tom & Jerry");
        assert_eq!(rows[0].caption(), "d");
        assert_eq!(rows[0].time_zone.as_str(), "");
        assert!(!rows[0].is_archived());
        assert_eq!(rows[0].primary_name(), "a/b.jpg");
        assert_eq!(rows[0].hashes().collect::<Vec<_>>(), ["h2", "h1", "h1"]);
        assert_eq!(rows[1].id, 7);
        assert!(rows[1].is_archived());
        assert_eq!(rows[1].caption(), "c");
        assert!(rows[1].files.is_empty());
    }
}
