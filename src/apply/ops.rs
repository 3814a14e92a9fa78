//! Turning plan actions into operations: the units of work `apply` runs.
//!
//! Actions that PhotoPrism can do in one request are grouped: restores and
//! archives go to the batch endpoints, and on servers with batch edit, photo
//! updates that set the same values are sent together. Groups are cut into
//! chunks so that one failing request affects a bounded number of photos.

use std::collections::BTreeMap;

use crate::diff::{added_labels, removed_labels};
use crate::plan::{Action, Change, FieldChange, LabelRef, Plan, Value};

/// Photos per batch request (well under PhotoPrism's 1 MiB selection cap).
pub const BATCH_CHUNK: usize = 500;

/// Fields that PhotoPrism's batch edit can set exactly as a per-photo edit would.
pub const BATCH_EDIT_FIELDS: &[&str] = &[
    "title",
    "caption",
    "favorite",
    "private",
    "subject",
    "artist",
    "copyright",
    "license",
    "labels",
];

/// What an operation does.
#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    /// One album action (create, update, delete, membership).
    Album,
    /// Restore these photos in one batch request.
    Restore,
    /// Archive these photos in one batch request.
    Archive,
    /// Approve these photos (out of review) in one batch request.
    Approve,
    /// Set the same field values, and make the same label changes, on these photos with
    /// one batch edit.
    BatchEdit(Vec<FieldChange>, LabelOps),
    /// Update one photo with its own request(s).
    PhotoUpdate,
}

/// The label changes of a batch edit: names to add (by title: the server finds the label by
/// slug or creates it) and labels to remove (by UID).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelOps {
    /// Names to add.
    pub add: Vec<String>,
    /// Labels to remove (each with its UID).
    pub remove: Vec<LabelRef>,
}

impl LabelOps {
    /// The label changes of an update: added names from its `labels` field, removals from
    /// its label references. `None` when a removed label has no UID in the plan (a batch
    /// edit removes by UID only).
    pub fn of(fields: &[FieldChange], refs: &[LabelRef]) -> Option<LabelOps> {
        let Some(field) = fields.iter().find(|field| field.field == "labels") else {
            return Some(LabelOps::default());
        };
        let removed = removed_labels(field);
        let mut remove: Vec<LabelRef> = refs.to_vec();
        let known = |name: &String| refs.iter().any(|r| &r.name == name);
        if remove.iter().any(|r| r.uid.is_empty()) || !removed.iter().all(known) {
            return None;
        }
        remove.sort();
        let mut add = added_labels(field);
        add.sort();
        Some(LabelOps { add, remove })
    }
}

/// A unit of work: one or more actions carried out together.
#[derive(Debug, Clone)]
pub struct Op {
    /// What it does.
    pub kind: OpKind,
    /// Ids of the plan actions it carries out.
    pub actions: Vec<usize>,
    /// Whether it is a delete (deletes run after everything else).
    pub is_delete: bool,
}

/// Groups the plan's actions into operations.
pub fn build_ops(plan: &Plan, batch_edit: bool) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut restores = Vec::new();
    let mut archives = Vec::new();
    let mut approvals = Vec::new();
    let mut batch_groups: BTreeMap<String, (Vec<FieldChange>, LabelOps, Vec<usize>)> =
        BTreeMap::new();
    for action in &plan.actions {
        match &action.change {
            Change::RestorePhoto { .. } => restores.push(action.id),
            Change::ArchivePhoto { .. } => archives.push(action.id),
            Change::ApprovePhoto { .. } => approvals.push(action.id),
            Change::UpdatePhoto {
                fields,
                archived: false,
                label_refs,
                ..
            } if batch_edit && batchable(fields) && LabelOps::of(fields, label_refs).is_some() => {
                let labels = LabelOps::of(fields, label_refs).unwrap_or_default();
                let key = group_key(fields, &labels);
                let group = batch_groups
                    .entry(key)
                    .or_insert_with(|| (new_values(fields), labels, Vec::new()));
                group.2.push(action.id);
            }
            Change::UpdatePhoto { .. } => ops.push(Op {
                kind: OpKind::PhotoUpdate,
                actions: vec![action.id],
                is_delete: false,
            }),
            Change::DeleteAlbum { .. } => ops.push(Op {
                kind: OpKind::Album,
                actions: vec![action.id],
                is_delete: true,
            }),
            _ => ops.push(Op {
                kind: OpKind::Album,
                actions: vec![action.id],
                is_delete: false,
            }),
        }
    }
    for chunk in restores.chunks(BATCH_CHUNK) {
        ops.push(Op {
            kind: OpKind::Restore,
            actions: chunk.to_vec(),
            is_delete: false,
        });
    }
    for chunk in archives.chunks(BATCH_CHUNK) {
        ops.push(Op {
            kind: OpKind::Archive,
            actions: chunk.to_vec(),
            is_delete: false,
        });
    }
    for chunk in approvals.chunks(BATCH_CHUNK) {
        ops.push(Op {
            kind: OpKind::Approve,
            actions: chunk.to_vec(),
            is_delete: false,
        });
    }
    for (values, labels, ids) in batch_groups.into_values() {
        for chunk in ids.chunks(BATCH_CHUNK) {
            ops.push(Op {
                kind: OpKind::BatchEdit(values.clone(), labels.clone()),
                actions: chunk.to_vec(),
                is_delete: false,
            });
        }
    }
    ops
}

fn batchable(fields: &[FieldChange]) -> bool {
    fields
        .iter()
        .all(|field| BATCH_EDIT_FIELDS.contains(&field.field.as_str()))
}

/// The values a batch edit sets (old values are per photo and dropped; labels are in
/// [`LabelOps`]).
fn new_values(fields: &[FieldChange]) -> Vec<FieldChange> {
    fields
        .iter()
        .filter(|field| field.field != "labels")
        .map(|field| FieldChange {
            field: field.field.clone(),
            old: None,
            new: field.new.clone(),
        })
        .collect()
}

fn group_key(fields: &[FieldChange], labels: &LabelOps) -> String {
    let pairs: Vec<(&str, &Value)> = fields
        .iter()
        .filter(|field| field.field != "labels")
        .map(|field| (field.field.as_str(), &field.new))
        .collect();
    let removed: Vec<&str> = labels.remove.iter().map(|r| r.uid.as_str()).collect();
    serde_json::to_string(&(pairs, &labels.add, removed)).unwrap_or_default()
}

/// The actions of an op, looked up in the plan.
pub fn op_actions<'p>(plan: &'p Plan, op: &Op) -> Vec<&'p Action> {
    op.actions
        .iter()
        .filter_map(|id| plan.actions.get(*id))
        .collect()
}
