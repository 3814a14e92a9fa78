//! Turning plan actions into operations: the units of work `apply` runs.
//!
//! Actions that PhotoPrism can do in one request are grouped: restores and
//! archives go to the batch endpoints, and on servers with batch edit, photo
//! updates that set the same values are sent together. Groups are cut into
//! chunks so that one failing request affects a bounded number of photos.

use std::collections::BTreeMap;

use crate::plan::{Action, Change, FieldChange, Plan, Value};

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
    /// Set the same field values on these photos with one batch edit.
    BatchEdit(Vec<FieldChange>),
    /// Update one photo with its own request(s).
    PhotoUpdate,
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
    let mut batch_groups: BTreeMap<String, (Vec<FieldChange>, Vec<usize>)> = BTreeMap::new();
    for action in &plan.actions {
        match &action.change {
            Change::RestorePhoto { .. } => restores.push(action.id),
            Change::ArchivePhoto { .. } => archives.push(action.id),
            Change::UpdatePhoto {
                fields,
                archived: false,
                ..
            } if batch_edit && batchable(fields) => {
                let key = group_key(fields);
                let group = batch_groups
                    .entry(key)
                    .or_insert_with(|| (new_values(fields), Vec::new()));
                group.1.push(action.id);
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
    for (values, ids) in batch_groups.into_values() {
        for chunk in ids.chunks(BATCH_CHUNK) {
            ops.push(Op {
                kind: OpKind::BatchEdit(values.clone()),
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

/// The values a batch edit sets (old values are per photo and dropped).
fn new_values(fields: &[FieldChange]) -> Vec<FieldChange> {
    fields
        .iter()
        .map(|field| FieldChange {
            field: field.field.clone(),
            old: None,
            new: field.new.clone(),
        })
        .collect()
}

fn group_key(fields: &[FieldChange]) -> String {
    let pairs: Vec<(&str, &Value)> = fields
        .iter()
        .map(|field| (field.field.as_str(), &field.new))
        .collect();
    serde_json::to_string(&pairs).unwrap_or_default()
}

/// The actions of an op, looked up in the plan.
pub fn op_actions<'p>(plan: &'p Plan, op: &Op) -> Vec<&'p Action> {
    op.actions
        .iter()
        .filter_map(|id| plan.actions.get(*id))
        .collect()
}
