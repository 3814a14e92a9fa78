//! Decoding `labels` and `approved` of a photo rule, and the checks that involve them.

use super::super::labels::{LabelRule, label_slug};
use super::super::model::PhotoRule;
use super::super::problem::Problem;
use super::super::source::Loc;
use super::super::yaml::{Node, Value};
use super::{Ctx, Fields};
use crate::manifest::normalize_keywords;

impl Ctx<'_> {
    /// `labels: [..]` (names to make present) or `labels: { add: [..], remove: [..] }`.
    pub(super) fn labels(&mut self, node: &Node) -> Option<LabelRule> {
        let mut rule = LabelRule::default();
        let mut seen: Vec<(String, Loc, &'static str)> = Vec::new();
        match &node.value {
            Value::Seq(_) => {
                rule.add = self.label_list(node, "`labels`", "add", &mut seen)?;
            }
            Value::Map(_) => {
                let fields = self.fields(node, "`labels`", &["add", "remove"])?;
                let mut ok = true;
                if let Some(f) = fields.get("add") {
                    match self.label_list(f.value, "`labels.add`", "add", &mut seen) {
                        Some(list) => rule.add = list,
                        None => ok = false,
                    }
                }
                if let Some(f) = fields.get("remove") {
                    match self.label_list(f.value, "`labels.remove`", "remove", &mut seen) {
                        Some(list) => rule.remove = list,
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
            }
            _ => {
                self.wrong_type(
                    node,
                    "`labels`",
                    "a list of label names or a mapping with `add` and `remove`",
                );
                return None;
            }
        }
        if rule.add.is_empty() && rule.remove.is_empty() {
            let problem = Problem::at(
                "empty_labels",
                "`labels` names no label",
                &self.loc(node),
                "nothing to add or remove",
            )
            .with_help(
                "give at least one name, e.g. `labels: [Cat]` or `labels: { remove: [Dog] }`",
            );
            self.report(problem);
            return None;
        }
        Some(rule)
    }

    /// A list of label names: strings with a slug, none twice (by slug, across `seen`).
    fn label_list(
        &mut self,
        node: &Node,
        what: &str,
        list: &'static str,
        seen: &mut Vec<(String, Loc, &'static str)>,
    ) -> Option<Vec<String>> {
        let Value::Seq(_) = node.value else {
            self.wrong_type(node, what, "a list of label names");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in self.tree.items(node) {
            let Some(name) = self.string(item, "a label name") else {
                ok = false;
                continue;
            };
            let loc = self.loc(item);
            let slug = label_slug(&name);
            if slug.is_empty() {
                let (message, help) = if name.trim().is_empty() {
                    (
                        "a label name is blank".to_owned(),
                        "write the label's name, e.g. `Cat`",
                    )
                } else {
                    (
                        format!("the label name {name:?} has no letter or digit PhotoPrism keeps"),
                        "PhotoPrism tells labels apart by a slug made of letters and digits \
                         (emoji and punctuation are dropped); add a word, e.g. `Cat 🐱`",
                    )
                };
                self.report(
                    Problem::at("invalid_label", message, &loc, "no usable name").with_help(help),
                );
                ok = false;
                continue;
            }
            if let Some((_, first, first_list)) = seen.iter().find(|(s, _, _)| *s == slug) {
                let problem = if *first_list == list {
                    Problem::at(
                        "duplicate_label",
                        format!("the label {name:?} is named twice in `{list}`"),
                        &loc,
                        "again here",
                    )
                    .also_at(first, "first here")
                    .with_help(format!(
                        "PhotoPrism compares labels by slug (`{slug}`): keep one of them"
                    ))
                } else {
                    Problem::at(
                        "label_added_and_removed",
                        format!("the label {name:?} is both added and removed"),
                        &loc,
                        format!("in `{list}`"),
                    )
                    .also_at(first, format!("in `{first_list}`"))
                    .with_help(format!(
                        "PhotoPrism compares labels by slug (`{slug}`): keep it in one list"
                    ))
                };
                self.report(problem);
                ok = false;
                continue;
            }
            seen.push((slug, loc, list));
            out.push(name);
        }
        ok.then_some(out)
    }

    /// `approved: true`; `false` is refused (PhotoPrism cannot send a photo back to review).
    pub(super) fn approved(&mut self, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(true) => Some(true),
            Value::Bool(false) => {
                let problem = Problem::at(
                    "approved_false",
                    "`approved: false` is not possible",
                    &self.loc(node),
                    "only `true`",
                )
                .with_help(
                    "PhotoPrism can approve a photo in review but not send it back to review; \
                     remove `approved`, or write `approved: true`",
                );
                self.report(problem);
                None
            }
            _ => {
                self.wrong_type(node, "`approved`", "`true`");
                None
            }
        }
    }

    /// Checks between fields of one rule: approving un-archives (so not with
    /// `archived: true`), and a keyword that names a removed label links it again.
    pub(super) fn check_labels_and_review(&mut self, rule: &PhotoRule, fields: &Fields<'_>) {
        if let (Some(approved), Some(archived)) = (fields.get("approved"), fields.get("archived")) {
            if rule.approved == Some(true) && rule.archived == Some(true) {
                let problem = Problem::at(
                    "approve_and_archive",
                    "a photo rule both approves and archives",
                    &self.loc(approved.key),
                    "approving a photo in review restores it from the archive",
                )
                .also_at(&self.loc(archived.key), "archives")
                .with_help("keep one of them: approve the photos, or archive them");
                self.report(problem);
            }
        }
        let (Some(labels), Some(keywords)) = (&rule.labels, &rule.keywords) else {
            return;
        };
        let Some(labels_field) = fields.get("labels") else {
            return;
        };
        let Some(keywords_field) = fields.get("keywords") else {
            return;
        };
        for keyword in normalize_keywords(keywords) {
            let slug = label_slug(&keyword);
            if let Some(name) = labels.remove.iter().find(|name| label_slug(name) == slug) {
                let problem = Problem::at(
                    "keyword_relinks_label",
                    format!("the keyword {keyword:?} would link the removed label {name:?} again"),
                    &self.loc(labels_field.value),
                    format!("removes {name:?}"),
                )
                .also_at(&self.loc(keywords_field.value), format!("sets {keyword:?}"))
                .with_help(
                    "PhotoPrism links a photo to the label its keyword names (source `keyword`), \
                     and removing the label drops the keyword: the two never settle; drop the \
                     keyword or the removal",
                );
                self.report(problem);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::{LabelRule, parse_str};

    fn codes(text: &str) -> Vec<String> {
        match parse_str("t.yaml", text) {
            Ok(_) => Vec::new(),
            Err(error) => error
                .problems()
                .iter()
                .map(|p| p.code().rsplit("::").next().unwrap_or_default().to_owned())
                .collect(),
        }
    }

    fn rule(fields: &str) -> String {
        format!("version: 1\nphotos:\n  - match: {{ uid: psj4uo0k9p34y6n3 }}\n{fields}")
    }

    #[test]
    fn both_forms_decode() {
        let text =
            rule("    labels: [Cat, \"東京 Tower\", \"50% _off\", Кот]\n    approved: true\n");
        let manifest = parse_str("t.yaml", &text).expect("valid");
        let photo = &manifest.photos[0];
        assert_eq!(
            photo.labels,
            Some(LabelRule {
                add: vec![
                    "Cat".into(),
                    "東京 Tower".into(),
                    "50% _off".into(),
                    "Кот".into()
                ],
                remove: vec![],
            })
        );
        assert_eq!(photo.approved, Some(true));
        let text = rule("    labels: { remove: [Dog] }\n");
        let manifest = parse_str("t.yaml", &text).expect("valid");
        assert_eq!(
            manifest.photos[0].labels.as_ref().map(|l| l.remove.clone()),
            Some(vec!["Dog".to_owned()])
        );
    }

    #[test]
    fn bad_labels_are_refused_at_their_node() {
        assert_eq!(codes(&rule("    labels: [\"  \"]\n")), ["invalid_label"]);
        assert_eq!(codes(&rule("    labels: [\"🐱\"]\n")), ["invalid_label"]);
        assert_eq!(codes(&rule("    labels: []\n")), ["empty_labels"]);
        assert_eq!(codes(&rule("    labels: {}\n")), ["empty_labels"]);
        assert_eq!(
            codes(&rule("    labels: [Beach House, beach-house]\n")),
            ["duplicate_label"]
        );
        assert_eq!(
            codes(&rule("    labels: { add: [Café], remove: [cafe] }\n")),
            ["label_added_and_removed"]
        );
        assert_eq!(
            codes(&rule("    labels: { ad: [Cat] }\n")),
            ["empty_labels", "unknown_field"]
        );
        assert_eq!(codes(&rule("    labels: Cat\n")), ["wrong_type"]);
        assert_eq!(codes(&rule("    labels: [[Cat]]\n")), ["wrong_type"]);
    }

    #[test]
    fn approval_checks() {
        assert_eq!(codes(&rule("    approved: false\n")), ["approved_false"]);
        assert_eq!(codes(&rule("    approved: yes please\n")), ["wrong_type"]);
        assert_eq!(
            codes(&rule("    approved: true\n    archived: true\n")),
            ["approve_and_archive"]
        );
        assert!(codes(&rule("    approved: true\n    archived: false\n")).is_empty());
    }

    #[test]
    fn a_keyword_naming_a_removed_label_is_refused() {
        assert_eq!(
            codes(&rule(
                "    keywords: [Sunset, sea]\n    labels: { remove: [sunset] }\n"
            )),
            ["keyword_relinks_label"]
        );
        // A keyword that is only part of a removed label's name settles (the keyword is
        // written after the removal).
        assert!(
            codes(&rule(
                "    keywords: [beach]\n    labels: { remove: [Beach House] }\n"
            ))
            .is_empty()
        );
    }
}
