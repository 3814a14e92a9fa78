//! The typed plan: one structure that the text renderer, the JSON output, saved
//! plan files and `apply` all read, so they can never disagree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the JSON plan format (`prysm plan --json`, saved plan files).
pub const FORMAT_VERSION: u32 = 1;

/// A complete plan: the ordered actions that make the server match the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// Version of this format; see [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The prysm version that made the plan.
    pub prysm_version: String,
    /// The server the plan was made against (without credentials).
    pub server: String,
    /// Fingerprint of the server state the plan was computed from.
    pub fingerprint: String,
    /// The actions, in the order they are shown and (dependencies allowing) applied.
    pub actions: Vec<Action>,
    /// Counts of the actions by effect.
    pub summary: Summary,
    /// How much of each destructive-change budget the plan uses. Present only when
    /// the plan deletes, removes or archives something (older plans leave it out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budgets: Vec<BudgetUse>,
    /// Undo plans only: items the undo leaves alone (or, with `--force`, reverts anyway)
    /// because the server changed them since the apply being undone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// Things worth a look that do not stop the plan (a path pattern that matches no photo).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<PlanWarning>,
}

/// A warning about the manifest found while planning; the plan is still made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct PlanWarning {
    /// Machine-readable kind (`prysm::plan::pattern_unmatched`).
    pub code: String,
    /// What is wrong, in words.
    pub message: String,
    /// Where in the manifest: `file.yaml:LINE:COL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Why a change is in the plan, measured against the last apply (the common ancestor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The manifest changed since the last apply; the server still holds what it set.
    Manifest,
    /// Someone changed the server (in PhotoPrism) since the last apply; the manifest did not change.
    Server,
    /// Both changed: the manifest and the server moved apart from the last apply (a conflict).
    Both,
}

/// An item of an undo plan whose server value is no longer what the journal's apply left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conflict {
    /// The address of the item.
    pub address: String,
    /// The field, or `None` when the whole item is concerned (a deleted album, a taken title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What the apply left there (the journal's "after").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// What the server holds now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<Value>,
    /// Why, in words.
    pub reason: String,
    /// The undo reverts the item anyway (`--force`).
    pub forced: bool,
}

/// A budget that guards one kind of destructive change (`settings` in the manifest).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// Albums deleted by the plan (`settings.max_destroy`; no limit when unset).
    MaxDestroy,
    /// Photos archived by the plan (`settings.max_archive`).
    MaxArchive,
    /// Photos removed from one album (`settings.max_remove_percent` and
    /// `settings.max_remove_photos`).
    MaxRemove,
    /// A `query` that matches nothing in an `exact` album whose photos the plan
    /// removes (`settings.allow_empty_query`).
    EmptyQuery,
    /// Share links deleted by the plan (`manage_links: true`; `settings.max_link_deletes`,
    /// default 0).
    MaxLinkDeletes,
}

impl Budget {
    /// The manifest setting(s) that set this budget.
    pub fn setting(self) -> &'static str {
        match self {
            Budget::MaxDestroy => "max_destroy",
            Budget::MaxArchive => "max_archive",
            Budget::MaxRemove => "max_remove_percent / max_remove_photos",
            Budget::EmptyQuery => "allow_empty_query",
            Budget::MaxLinkDeletes => "max_link_deletes",
        }
    }
}

/// How much of one budget a plan uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BudgetUse {
    /// Which budget.
    pub budget: Budget,
    /// The membership address (`album.KEY.photos`) for per-album budgets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// How much the plan uses: albums deleted, photos archived, photos removed
    /// from the album, or share links deleted.
    pub used: usize,
    /// The most the plan may use without `--allow-destroy`; `None` when unlimited.
    pub limit: Option<usize>,
    /// `max_remove`: how many photos the album holds now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<usize>,
    /// `max_remove`: the share of the album's photos that may go, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    /// `max_remove`: how many photos may always be removed (`max_remove_photos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<usize>,
    /// `empty_query`: the query that matched nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The plan goes over this budget; it exists only because `--allow-destroy` was given.
    pub exceeded: bool,
}

impl Plan {
    /// True when the plan has nothing to do.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

/// Counts of actions, in Terraform's terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Albums and share links that will be created.
    pub add: usize,
    /// Albums, memberships, covers, share links and photos that will be changed.
    pub change: usize,
    /// Albums and share links that will be deleted.
    pub destroy: usize,
}

impl Summary {
    /// Counts the effects of a list of actions.
    pub fn of(actions: &[Action]) -> Summary {
        let mut summary = Summary::default();
        for action in actions {
            match action.effect() {
                Effect::Create => summary.add += 1,
                Effect::Update => summary.change += 1,
                Effect::Destroy => summary.destroy += 1,
            }
        }
        summary
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Action {
    /// Position of the action in the plan (stable identifier inside one plan).
    pub id: usize,
    /// Address of the thing changed: `album.KEY`, `album.KEY.photos`, `album[UID]`, `photo.UID`.
    pub address: String,
    /// `create`, `update` or `destroy`.
    pub effect: Effect,
    /// What the action does.
    #[serde(flatten)]
    pub change: Change,
    /// Ids of the actions that must succeed before this one runs.
    pub depends_on: Vec<usize>,
    /// Drift attribution against the last apply's journal, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

impl Action {
    /// Whether the action creates, updates or destroys.
    pub fn effect(&self) -> Effect {
        self.change.effect()
    }
}

/// Create, update or destroy: the symbol shown in front of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// `+`
    Create,
    /// `~`
    Update,
    /// `-`
    Destroy,
}

impl Effect {
    /// The one-character symbol Terraform users know.
    pub fn symbol(self) -> char {
        match self {
            Effect::Create => '+',
            Effect::Update => '~',
            Effect::Destroy => '-',
        }
    }
}

/// Why an album is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeleteReason {
    /// The manifest declares it with `state: absent`.
    Absent,
    /// `settings.prune` is on and no entry declares it.
    Prune,
    /// `prysm undo`: the apply being undone created it.
    Undo,
}

/// A reference to an album in an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AlbumRef {
    /// The manifest key, when the album is declared.
    pub key: Option<String>,
    /// The album UID; `None` for an album that does not exist yet.
    pub uid: Option<String>,
    /// The album title (the new title for a rename or a create).
    pub title: String,
}

/// A reference to a photo, with a human-readable name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct PhotoRef {
    /// The photo UID.
    pub uid: String,
    /// The primary file name (path relative to originals), or the title when unknown.
    pub name: String,
}

/// A label linked to a photo on the server, as a plan removes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct LabelRef {
    /// The label's name on the server.
    pub name: String,
    /// The label UID (`l…`; what a batch edit removes by); empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// The numeric label ID (what `DELETE /photos/:uid/label/:id` takes); 0 when unknown.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub id: i64,
}

fn is_zero(id: &i64) -> bool {
    *id == 0
}

/// A value in a field change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string (possibly multi-line).
    Text(String),
    /// A list of strings (keywords).
    List(Vec<String>),
}

impl Value {
    /// The value in a few characters: text as it is, numbers without a fraction.
    pub fn short(&self) -> String {
        match self {
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            Value::Text(text) => text.clone(),
            Value::List(items) => items.join(", "),
        }
    }

    /// Whether the value holds text with more than one line.
    pub fn is_multiline(&self) -> bool {
        matches!(self, Value::Text(text) if text.trim_end_matches('\n').contains('\n'))
    }
}

/// One field that changes: `name: old -> new`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    /// Manifest name of the field (`title`, `caption`, `favorite`, ...).
    pub field: String,
    /// The server's current value; `None` for a new album.
    pub old: Option<Value>,
    /// The value the manifest asks for.
    pub new: Value,
}

/// What an action does, with everything needed to carry it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Create a manual album, set its managed fields and fill it.
    ///
    /// PhotoPrism answers a create whose title matches a soft-deleted album by
    /// restoring that album with its old members; with `exact` membership, apply
    /// then removes every member the manifest does not select.
    CreateAlbum {
        /// The album.
        album: AlbumRef,
        /// Every managed field, with `old: None`.
        fields: Vec<FieldChange>,
        /// The photos the new album will hold (empty when membership is not managed).
        photos: Vec<PhotoRef>,
        /// Whether membership is managed and `exact`.
        exact: bool,
        /// Something the reader should know about this create: set when PhotoPrism would
        /// answer the title with another album (SQL `LIKE` wildcards `_`/`%` in the title),
        /// which apply avoids by creating under a temporary title and renaming.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Change fields of an existing album.
    UpdateAlbum {
        /// The album.
        album: AlbumRef,
        /// The fields that differ.
        fields: Vec<FieldChange>,
    },
    /// Delete an album (PhotoPrism soft-deletes manual albums).
    DeleteAlbum {
        /// The album.
        album: AlbumRef,
        /// Why.
        reason: DeleteReason,
        /// How many photos it holds now.
        photo_count: usize,
    },
    /// Add photos to an album.
    AddPhotos {
        /// The album.
        album: AlbumRef,
        /// The photos to add.
        photos: Vec<PhotoRef>,
    },
    /// Remove photos from an album (`membership: exact`).
    RemovePhotos {
        /// The album.
        album: AlbumRef,
        /// The photos to remove.
        photos: Vec<PhotoRef>,
    },
    /// Change properties of a photo.
    UpdatePhoto {
        /// The photo.
        photo: PhotoRef,
        /// The fields that differ.
        fields: Vec<FieldChange>,
        /// The photo is archived and stays archived (batch edit skips such
        /// photos, so apply edits it on its own).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        archived: bool,
        /// The server's labels that the `labels` field change removes, with the identifiers
        /// the removal needs (plans without them let apply look them up).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        label_refs: Vec<LabelRef>,
    },
    /// Approve a photo in review (quality below 3); approving restores an archived photo.
    ApprovePhoto {
        /// The photo.
        photo: PhotoRef,
        /// The photo is archived: approving it restores it too.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        restores: bool,
    },
    /// Archive a photo (it leaves every album).
    ArchivePhoto {
        /// The photo.
        photo: PhotoRef,
    },
    /// Restore an archived photo.
    RestorePhoto {
        /// The photo.
        photo: PhotoRef,
    },
    /// Set an album's cover (`PUT /albums/:uid {"Thumb", "ThumbSrc"}`).
    SetAlbumCover {
        /// The album.
        album: AlbumRef,
        /// The cover now; `None` for an album the plan creates.
        old: Option<Cover>,
        /// The cover the album gets.
        new: Cover,
    },
    /// Create, change or delete one share link of an album. The link's token is never in
    /// a plan: apply says where to find the link (the album's share dialog, the link UID).
    ShareLink {
        /// The album.
        album: AlbumRef,
        /// Create, update or delete.
        op: LinkOp,
        /// The link's UID; `None` for a link the plan creates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link_uid: Option<String>,
        /// The link's position in the entry's `links` (from 1); `None` for a delete.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<usize>,
        /// The link as it will be (create, update) or as it is (delete).
        link: LinkSettings,
        /// Update: the fields that differ.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<FieldChange>,
    },
}

/// An album cover: the file PhotoPrism shows, and whether it was chosen (manual) or is
/// PhotoPrism's automatic pick (which changes with the album's photos).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Cover {
    /// SHA-1 of the cover file (`Thumb`); empty when the album has no cover.
    pub hash: String,
    /// `ThumbSrc` is `manual`: chosen, kept when the album's photos change.
    pub manual: bool,
    /// The photo whose primary file it is, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<PhotoRef>,
}

impl Cover {
    /// How the plan shows a cover: `IMG_1.jpg (pt…, 81b3bc0…)`, `automatic: 81b3bc0…`,
    /// `automatic` (none yet), `none`.
    pub fn display(&self) -> String {
        let short: String = self.hash.chars().take(7).collect();
        let hash = if self.hash.chars().count() > 7 {
            format!("{short}…")
        } else {
            short
        };
        let shown = match &self.photo {
            Some(photo) => format!("{} ({}, {hash})", photo.name, photo.uid),
            None => hash,
        };
        match (self.manual, self.hash.is_empty()) {
            (false, true) => "automatic".to_string(),
            (false, false) => format!("automatic: {shown}"),
            (true, true) => "none".to_string(),
            (true, false) => shown,
        }
    }

    /// The cover as a field change `cover: old -> new`, for renderers.
    pub fn field_change(old: Option<&Cover>, new: &Cover) -> FieldChange {
        FieldChange {
            field: "cover".to_string(),
            old: old.map(|cover| Value::Text(cover.display())),
            new: Value::Text(new.display()),
        }
    }
}

/// What a [`Change::ShareLink`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkOp {
    /// A new link (PhotoPrism picks its token).
    Create,
    /// Change the link's slug, expiry or view limit (every field is sent).
    Update,
    /// Delete the link (`manage_links: true` and the entry does not declare it).
    Delete,
}

/// A share link's settings, without its token (never in a plan) or password (only where
/// apply reads it from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LinkSettings {
    /// URL slug; empty for none.
    pub slug: String,
    /// Seconds after the link's last change until it expires; 0 = never.
    pub expires: i64,
    /// Maximum number of views; 0 = unlimited.
    pub max_views: i64,
    /// Where apply reads the password visitors must enter (a file or an environment
    /// variable); never the password itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<crate::manifest::PasswordSource>,
    /// The link has a password on the server now.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_password: bool,
}

impl LinkSettings {
    /// How a link is named in addresses and plan lines: its slug, else its UID, else
    /// `new-N` (its position in the entry's `links`).
    pub fn name(&self, link_uid: Option<&str>, position: Option<usize>) -> String {
        if !self.slug.is_empty() {
            self.slug.clone()
        } else if let Some(uid) = link_uid {
            uid.to_owned()
        } else {
            format!("new-{}", position.unwrap_or_default())
        }
    }
}

impl LinkSettings {
    /// A short description: `slug "trip", expires 7d, 5 views, password`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.slug.is_empty() {
            parts.push("no slug".to_string());
        } else {
            parts.push(format!("slug {:?}", self.slug));
        }
        parts.push(match self.expires {
            0 => "never expires".to_string(),
            seconds => format!("expires {}", duration(seconds)),
        });
        parts.push(match self.max_views {
            0 => "unlimited views".to_string(),
            1 => "1 view".to_string(),
            n => format!("{n} views"),
        });
        if self.password.is_some() || self.has_password {
            parts.push("password".to_string());
        }
        parts.join(", ")
    }
}

/// Seconds as the largest whole unit: `7d`, `12h`, `90s`.
pub fn duration(seconds: i64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds != 0 && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

impl Change {
    /// Whether the change creates, updates or destroys.
    pub fn effect(&self) -> Effect {
        match self {
            Change::CreateAlbum { .. } => Effect::Create,
            Change::DeleteAlbum { .. } => Effect::Destroy,
            Change::ShareLink { op, .. } => match op {
                LinkOp::Create => Effect::Create,
                LinkOp::Update => Effect::Update,
                LinkOp::Delete => Effect::Destroy,
            },
            _ => Effect::Update,
        }
    }

    /// A cover or share link change as one `field: old -> new` line, for renderers that
    /// show album changes as fields (`None` for every other change).
    pub fn extra_field(&self) -> Option<FieldChange> {
        match self {
            Change::SetAlbumCover { old, new, .. } => Some(Cover::field_change(old.as_ref(), new)),
            Change::ShareLink {
                op,
                link,
                link_uid,
                position,
                fields,
                ..
            } => {
                let which = link.name(link_uid.as_deref(), *position);
                let join = |pick: fn(&FieldChange) -> Option<&Value>| {
                    fields
                        .iter()
                        .filter_map(|field| {
                            pick(field).map(|value| format!("{} {}", field.field, value.short()))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let (old, new) = match op {
                    LinkOp::Create => (None, format!("new link: {}", link.describe())),
                    LinkOp::Update => (
                        Some(Value::Text(join(|field| field.old.as_ref()))),
                        join(|field| Some(&field.new)),
                    ),
                    LinkOp::Delete => (Some(Value::Text(link.describe())), "deleted".to_string()),
                };
                Some(FieldChange {
                    field: format!("link {which}"),
                    old,
                    new: Value::Text(new),
                })
            }
            _ => None,
        }
    }

    /// The album the change is about, if any.
    pub fn album(&self) -> Option<&AlbumRef> {
        match self {
            Change::CreateAlbum { album, .. }
            | Change::UpdateAlbum { album, .. }
            | Change::DeleteAlbum { album, .. }
            | Change::AddPhotos { album, .. }
            | Change::RemovePhotos { album, .. }
            | Change::SetAlbumCover { album, .. }
            | Change::ShareLink { album, .. } => Some(album),
            _ => None,
        }
    }
}

/// The album address an action address belongs to: `album.KEY` for `album.KEY.photos`,
/// `album.KEY.cover` and `album.KEY.links.SLUG` (any other address is returned as it is).
pub fn album_base(address: &str) -> &str {
    if !address.starts_with("album") {
        return address;
    }
    if let Some(base) = address.strip_suffix(".photos") {
        return base;
    }
    if let Some(base) = address.strip_suffix(".cover") {
        return base;
    }
    match address.rfind(".links.") {
        Some(at) => &address[..at],
        None => address,
    }
}

/// The JSON Schema (draft 2020-12) of the plan format that `prysm plan --json`
/// prints; `schemas/plan.schema.json` holds it.
pub fn plan_json_schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Plan>();
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "$comment".to_string(),
            serde_json::Value::String(
                "Generated by `prysm schema --plan` from prysm's plan types; do not edit by hand."
                    .to_string(),
            ),
        );
    }
    value
}

/// [`plan_json_schema`] as pretty JSON with a trailing newline.
pub fn plan_json_schema_string() -> String {
    format!("{:#}\n", plan_json_schema())
}
