//! Labels and review in the diff: which labels each photo must have or lack, the `labels`
//! field change, conflicts between rules, and the keyword side effects of label changes.
//!
//! Server facts used here (photoprism-api.md §3.11 and §9, transcripts
//! `local-server-2026-11-labels-links/real-labels-2x.txt` and `real-kwlabels-2x.txt`):
//! a label counts as present when linked with uncertainty below 100; removing a label drops
//! every keyword that is part of the label's name; on 2024 servers adding a label adds its
//! words to the keywords; a keyword written through the photo PUT links the label with that
//! name (source `keyword`, uncertainty 25).

use std::collections::{BTreeMap, BTreeSet};

use crate::manifest::{Loc, Manifest, label_slug};
use crate::photoprism::text;
use crate::plan::{FieldChange, LabelRef, PlanProblem, Value};
use crate::resolve::Resolution;
use crate::state::{LibraryState, ServerPhoto, Uid};

/// One label a photo must have (`present`) or lack, and the rule that says so.
#[derive(Debug, Clone)]
pub(super) struct WantedLabel<'m> {
    /// The slug the label is compared by.
    pub slug: String,
    /// The name as the manifest writes it.
    pub name: &'m str,
    /// Present or absent.
    pub present: bool,
    /// Where the rule's `labels` is.
    pub loc: &'m Loc,
    /// The rule's index.
    pub rule: usize,
}

/// The rules with `labels` that select each photo.
pub(super) struct WantedLabels<'m> {
    manifest: &'m Manifest,
    photos: BTreeMap<Uid, Vec<u32>>,
}

impl<'m> WantedLabels<'m> {
    /// Collects the label rules of every photo and reports rules that add and remove one
    /// label of one photo.
    pub(super) fn collect(
        manifest: &'m Manifest,
        resolution: &Resolution,
        state: &LibraryState,
        problems: &mut Vec<PlanProblem>,
    ) -> WantedLabels<'m> {
        let mut photos: BTreeMap<Uid, Vec<u32>> = BTreeMap::new();
        for (index, rule) in manifest.photos.iter().enumerate() {
            if rule.labels.is_none() {
                continue;
            }
            let (Some(selected), Ok(at)) =
                (resolution.rule_photos.get(index), u32::try_from(index))
            else {
                continue;
            };
            for &uid in selected {
                photos.entry(uid).or_default().push(at);
            }
        }
        let wanted = WantedLabels { manifest, photos };
        let mut reported: BTreeSet<(usize, usize, String)> = BTreeSet::new();
        for (&uid, rules) in &wanted.photos {
            if rules.len() < 2 {
                continue;
            }
            let all = wanted.all_of(rules);
            for (i, first) in all.iter().enumerate() {
                for second in all.iter().skip(i + 1) {
                    if first.slug != second.slug || first.present == second.present {
                        continue;
                    }
                    let (a, b) = if first.rule <= second.rule {
                        (first, second)
                    } else {
                        (second, first)
                    };
                    if !reported.insert((a.rule, b.rule, a.slug.clone())) {
                        continue;
                    }
                    problems.push(rule_conflict(uid, a, b, state));
                }
            }
        }
        wanted
    }

    /// Every label wish of these rules, in rule order.
    fn all_of(&self, rules: &[u32]) -> Vec<WantedLabel<'m>> {
        let mut all = Vec::new();
        for &index in rules {
            let index = index as usize;
            let Some(rule) = self.manifest.photos.get(index) else {
                continue;
            };
            let Some(labels) = &rule.labels else {
                continue;
            };
            let loc = rule.field_loc("labels");
            for (names, present) in [(&labels.add, true), (&labels.remove, false)] {
                for name in names {
                    all.push(WantedLabel {
                        slug: label_slug(name),
                        name,
                        present,
                        loc,
                        rule: index,
                    });
                }
            }
        }
        all
    }

    /// The label wishes for one photo, one per slug (the first rule's name).
    pub(super) fn of(&self, uid: Uid) -> Vec<WantedLabel<'m>> {
        let Some(rules) = self.photos.get(&uid) else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        self.all_of(rules)
            .into_iter()
            .filter(|w| seen.insert(w.slug.clone()))
            .collect()
    }
}

fn rule_conflict(
    uid: Uid,
    a: &WantedLabel<'_>,
    b: &WantedLabel<'_>,
    state: &LibraryState,
) -> PlanProblem {
    let photo = state.photo_ref(uid);
    let says = |w: &WantedLabel<'_>| {
        if w.present {
            format!("adds {:?}", w.name)
        } else {
            format!("removes {:?}", w.name)
        }
    };
    PlanProblem::new(
        "prysm::plan::rule_conflict",
        format!(
            "photo rules {} and {} disagree on the label {:?} of photo {} ({})",
            a.rule + 1,
            b.rule + 1,
            a.name,
            photo.uid,
            photo.name
        ),
    )
    .at(a.loc, says(a))
    .at(b.loc, says(b))
    .help(
        "make the rules agree, or narrow their `match` so they do not select the same photo \
         (the order of rules never decides)",
    )
}

/// What changes in a photo's labels.
pub(super) struct LabelEdit {
    /// `labels: [present ones the manifest names] -> [after]`.
    pub field: FieldChange,
    /// The server labels to remove.
    pub refs: Vec<LabelRef>,
}

/// The `labels` change a photo needs, if any.
pub(super) fn label_edit(photo: &ServerPhoto, wanted: &[WantedLabel<'_>]) -> Option<LabelEdit> {
    if wanted.is_empty() {
        return None;
    }
    let read = photo
        .details
        .as_deref()
        .and_then(|details| details.labels.as_deref());
    let have = read.unwrap_or(&[]);
    let mut old: Vec<String> = have
        .iter()
        .filter(|label| wanted.iter().any(|w| label.is(&w.slug)))
        .map(|label| label.name.to_string())
        .collect();
    let mut add: Vec<String> = Vec::new();
    let mut refs: Vec<LabelRef> = Vec::new();
    for w in wanted {
        let mut matching = have.iter().filter(|label| label.is(&w.slug)).peekable();
        if w.present {
            if matching.peek().is_none() {
                add.push(w.name.to_owned());
            }
        } else {
            refs.extend(matching.map(|label| LabelRef {
                name: label.name.to_string(),
                uid: label.uid.to_string(),
                id: label.id,
            }));
        }
    }
    if add.is_empty() && refs.is_empty() {
        return None;
    }
    let mut new: Vec<String> = old
        .iter()
        .filter(|name| !refs.iter().any(|r| &r.name == *name))
        .cloned()
        .chain(add)
        .collect();
    sort_names(&mut old);
    sort_names(&mut new);
    refs.sort();
    refs.dedup();
    Some(LabelEdit {
        field: FieldChange {
            field: "labels".to_owned(),
            old: read.map(|_| Value::List(old)),
            new: Value::List(new),
        },
        refs,
    })
}

fn sort_names(names: &mut Vec<String>) {
    names.sort_by_key(|name| (text::go_lower(name), name.clone()));
    names.dedup();
}

fn names(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    }
}

/// The names a `labels` change adds: those of `new` whose slug no name of `old` has.
pub fn added_labels(field: &FieldChange) -> Vec<String> {
    let old: BTreeSet<String> = names(field.old.as_ref())
        .iter()
        .map(|name| label_slug(name))
        .collect();
    names(Some(&field.new))
        .into_iter()
        .filter(|name| !old.contains(&label_slug(name)))
        .collect()
}

/// The names a `labels` change removes: those of `old` whose slug no name of `new` has.
pub fn removed_labels(field: &FieldChange) -> Vec<String> {
    let new: BTreeSet<String> = names(Some(&field.new))
        .iter()
        .map(|name| label_slug(name))
        .collect();
    names(field.old.as_ref())
        .into_iter()
        .filter(|name| !new.contains(&label_slug(name)))
        .collect()
}

/// A photo's current value of a `labels` change: the present labels among those the change
/// names (in `old` or `new`), each spelled as the change spells it, sorted as the plan sorts.
/// `None` when the photo's labels were not read. (Used by undo to compare with the change.)
pub fn current_labels(photo: &ServerPhoto, field: &FieldChange) -> Option<Value> {
    let have = photo.details.as_deref()?.labels.as_deref()?;
    let mut spelled: Vec<String> = names(field.old.as_ref());
    spelled.extend(names(Some(&field.new)));
    let mut present: Vec<String> = spelled
        .into_iter()
        .filter(|name| {
            let slug = label_slug(name);
            have.iter().any(|label| label.is(&slug))
        })
        .collect();
    let mut seen = BTreeSet::new();
    present.retain(|name| seen.insert(label_slug(name)));
    sort_names(&mut present);
    Some(Value::List(present))
}

/// The keywords a photo has after apply changed its labels (removals first, then additions,
/// as apply sends them): a removal drops every keyword that is part of the label's name;
/// with `words_join` (2024 servers) an addition adds the name's words.
pub(super) fn keywords_after(
    current: &[String],
    edit: &LabelEdit,
    words_join: bool,
) -> Vec<String> {
    let removed: Vec<&str> = edit.refs.iter().map(|label| label.name.as_str()).collect();
    keywords_moved(current, &removed, &added_labels(&edit.field), words_join)
}

/// The keywords a photo has after a `labels` change of a plan (an undo's, say), as
/// [`keywords_after`] reckons them: removals drop keywords inside the removed names, and with
/// `words_join` (2024 servers) additions add their words.
pub fn keywords_after_labels(
    current: &[String],
    labels: &FieldChange,
    words_join: bool,
) -> Vec<String> {
    let removed = removed_labels(labels);
    let removed: Vec<&str> = removed.iter().map(String::as_str).collect();
    keywords_moved(current, &removed, &added_labels(labels), words_join)
}

fn keywords_moved(
    current: &[String],
    removed: &[&str],
    added: &[String],
    words_join: bool,
) -> Vec<String> {
    let mut keywords: Vec<String> = current.to_vec();
    for removed in removed {
        let name = text::go_lower(removed);
        keywords.retain(|keyword| !name.contains(&text::go_lower(keyword)));
    }
    if words_join {
        for name in added {
            let mut joined = keywords.join(", ");
            joined.push_str(", ");
            joined.push_str(name);
            keywords = text::keywords(&joined);
        }
    }
    keywords
}

/// A keyword the photo will have that names a label the manifest wants absent: the keyword
/// PUT links it again and its removal drops the keyword, so the two never settle.
pub(super) fn keyword_conflict(
    uid: Uid,
    keywords: &[String],
    keywords_loc: &Loc,
    wanted: &[WantedLabel<'_>],
    state: &LibraryState,
) -> Option<PlanProblem> {
    let keyword_slugs: BTreeMap<String, &String> =
        keywords.iter().map(|k| (label_slug(k), k)).collect();
    let absent = wanted
        .iter()
        .find(|w| !w.present && keyword_slugs.contains_key(&w.slug))?;
    let keyword = keyword_slugs.get(&absent.slug)?;
    let photo = state.photo_ref(uid);
    Some(
        PlanProblem::new(
            "prysm::plan::keyword_label_conflict",
            format!(
                "the keyword {keyword:?} of photo {} ({}) links the label {:?} that a rule removes",
                photo.uid, photo.name, absent.name
            ),
        )
        .at(keywords_loc, format!("sets the keyword {keyword:?}"))
        .at(absent.loc, format!("removes {:?}", absent.name))
        .help(
            "PhotoPrism links a photo to the label its keyword names, and removing the label \
             drops the keyword: the two never settle; drop the keyword or the removal",
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::manifest::SourceFile;
    use crate::state::{ServerDetails, ServerLabel};

    fn photo(labels: &[(&str, &str, i64)]) -> ServerPhoto {
        let json = serde_json::json!({
            "uid": "p000000000000001", "id": 1, "name": "a.jpg", "title": "", "caption": "",
            "taken_at": "", "time_zone": "", "lat": 0.0, "lng": 0.0, "altitude": 0,
            "favorite": false, "private": false, "archived": false, "details": null
        });
        let mut photo: ServerPhoto = serde_json::from_value(json).expect("photo");
        photo.details = Some(Box::new(ServerDetails {
            labels: Some(
                labels
                    .iter()
                    .map(|(name, uid, id)| ServerLabel {
                        name: (*name).into(),
                        slug: label_slug(name).into(),
                        uid: (*uid).into(),
                        id: *id,
                    })
                    .collect(),
            ),
            ..ServerDetails::default()
        }));
        photo
    }

    fn loc() -> Loc {
        Loc::new(Arc::new(SourceFile::new("t.yaml", "")), 0, 0)
    }

    fn wanted<'a>(loc: &'a Loc, items: &'a [(&'a str, bool)]) -> Vec<WantedLabel<'a>> {
        items
            .iter()
            .map(|(name, present)| WantedLabel {
                slug: label_slug(name),
                name,
                present: *present,
                loc,
                rule: 0,
            })
            .collect()
    }

    #[test]
    fn edits_only_what_differs_by_slug() {
        let loc = loc();
        let p = photo(&[("Beach House", "l1", 4), ("Dog", "l2", 5), ("Sky", "l3", 6)]);
        let items = [("beach-house", true), ("Dog", false), ("Кот", true)];
        let edit = label_edit(&p, &wanted(&loc, &items)).expect("a change");
        assert_eq!(
            edit.field.old,
            Some(Value::List(vec!["Beach House".into(), "Dog".into()]))
        );
        assert_eq!(
            edit.field.new,
            Value::List(vec!["Beach House".into(), "Кот".into()])
        );
        assert_eq!(edit.refs.len(), 1);
        assert_eq!(edit.refs[0].id, 5);
        assert_eq!(added_labels(&edit.field), vec!["Кот".to_owned()]);
        assert_eq!(removed_labels(&edit.field), vec!["Dog".to_owned()]);
        // Nothing to do when the wishes hold.
        let items = [("Beach House", true), ("Cat", false)];
        assert!(label_edit(&p, &wanted(&loc, &items)).is_none());
    }

    #[test]
    fn predicts_keyword_side_effects() {
        let loc = loc();
        let p = photo(&[("Beach House", "l1", 4)]);
        let items = [("Beach House", false), ("Red Fox", true)];
        let edit = label_edit(&p, &wanted(&loc, &items)).expect("a change");
        let current = vec!["beach".to_owned(), "gen".to_owned(), "use".to_owned()];
        assert_eq!(
            keywords_after(&current, &edit, false),
            vec!["gen".to_owned()]
        );
        assert_eq!(
            keywords_after(&current, &edit, true),
            vec!["fox".to_owned(), "gen".to_owned(), "red".to_owned()]
        );
    }
}
