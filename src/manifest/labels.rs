//! The labels part of a photo rule: `labels: [Cat, Beach]` (make present) or
//! `labels: { add: [Cat], remove: [Dog] }`. Labels are told apart by PhotoPrism's slug
//! (`txt.Slug` of the name, `internal/entity/label.go`), so `Beach House`, `beach-house` and
//! `Beach  House` name one label.

use schemars::JsonSchema;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::photoprism::text;

/// The labels a photo rule manages: names to make present and names to make absent.
/// A decoded rule has at least one name, no blank names, no name twice (by slug) and no
/// name in both lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelRule {
    /// Labels every selected photo must have (as written in the manifest).
    pub add: Vec<String>,
    /// Labels no selected photo may have.
    pub remove: Vec<String>,
}

impl LabelRule {
    /// Whether the rule names the label with this slug in `add`.
    pub fn adds(&self, slug: &str) -> bool {
        self.add.iter().any(|name| label_slug(name) == slug)
    }

    /// Whether the rule names the label with this slug in `remove`.
    pub fn removes(&self, slug: &str) -> bool {
        self.remove.iter().any(|name| label_slug(name) == slug)
    }
}

/// The slug PhotoPrism gives a label called `name` (`txt.Slug`); labels with the same slug
/// are one label to the server (2024 servers find labels by slug when adding).
pub fn label_slug(name: &str) -> String {
    text::slug(name)
}

impl Serialize for LabelRule {
    /// The short list form when nothing is removed, else `{add, remove}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.remove.is_empty() {
            return self.add.serialize(s);
        }
        let mut map = s.serialize_map(None)?;
        if !self.add.is_empty() {
            map.serialize_entry("add", &self.add)?;
        }
        map.serialize_entry("remove", &self.remove)?;
        map.end()
    }
}

/// Labels to make present (a list), or `add`/`remove` lists.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum LabelsSchema {
    /// Labels to make present (shorthand for `add:`).
    Present(#[schemars(length(min = 1))] Vec<LabelName>),
    /// Labels to add and labels to remove (at least one name in all).
    Edit(LabelEdit),
}

/// A label name (any text with a letter or digit; compared by its slug).
#[derive(JsonSchema)]
#[allow(dead_code)]
#[schemars(transparent)]
pub(crate) struct LabelName(#[schemars(length(min = 1), regex(pattern = r"\S"))] String);

/// `labels: { add: [...], remove: [...] }`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
#[allow(dead_code)]
pub(crate) struct LabelEdit {
    /// Labels every selected photo must have.
    #[serde(default)]
    add: Vec<LabelName>,
    /// Labels no selected photo may have (classifier labels are hidden rather than unlinked).
    #[serde(default)]
    remove: Vec<LabelName>,
}

/// `approved` accepts only `true`.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[schemars(transparent)]
pub(crate) struct ApprovedSchema(#[schemars(extend("const" = true))] bool);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_short_form_without_removals() {
        let rule = LabelRule {
            add: vec!["Cat".into()],
            remove: vec![],
        };
        assert_eq!(
            serde_json::to_value(&rule).ok(),
            Some(serde_json::json!(["Cat"]))
        );
        let rule = LabelRule {
            add: vec![],
            remove: vec!["Dog".into()],
        };
        assert_eq!(
            serde_json::to_value(&rule).ok(),
            Some(serde_json::json!({"remove": ["Dog"]}))
        );
    }

    #[test]
    fn slugs_join_spellings() {
        assert_eq!(label_slug("Beach House"), label_slug("beach-house"));
        assert_eq!(label_slug("Café"), "cafe");
        assert!(label_slug("🐱").is_empty());
        let rule = LabelRule {
            add: vec!["Beach House".into()],
            remove: vec!["Dog".into()],
        };
        assert!(rule.adds("beach-house"));
        assert!(rule.removes("dog"));
        assert!(!rule.adds("dog"));
    }
}
