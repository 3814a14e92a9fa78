//! Plans as Markdown for pull-request comments (GitHub, GitLab): a summary
//! line, a table of counts, the budgets, then one section per album and per
//! group of photo changes, destructive ones first and flagged.
//!
//! Everything that comes from the server or the manifest (titles, names,
//! UIDs, values, queries, the server URL) is shown in code spans or fenced
//! blocks, with control characters escaped, fences longer than any backtick
//! run inside, and `|` escaped in table cells, so it can neither break the
//! markup nor ping people, link issues or inject HTML. The comment stays under
//! a size limit (GitHub's is 65,536 characters); when it must cut, it says
//! what it left out and how to see everything.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::plan::{Action, Budget, Change, DeleteReason, FieldChange, PhotoRef, Plan, Value};

/// GitHub's limit on the length of a comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Photo lists up to this long are shown as they are; longer ones are folded
/// in `<details>`.
const INLINE_LIST: usize = 5;

/// At most this many budget rows; over-budget rows are kept first.
const BUDGET_ROWS: usize = 25;

/// How to render a Markdown plan.
#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// The longest output, in bytes (UTF-8 bytes are never fewer than
    /// characters, so this is a safe bound for a character limit).
    pub max_bytes: usize,
    /// The command that shows the whole plan, named when the comment is cut.
    pub full_plan_command: String,
    /// When the plan was read from a saved plan: where and when it was made.
    pub saved: Option<SavedInfo>,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            // Leaves room for a recipe's own header and marker comment.
            max_bytes: 64_000,
            full_plan_command: "prysm plan -f MANIFEST".to_string(),
            saved: None,
        }
    }
}

/// What a saved plan records about its making.
#[derive(Debug, Clone, Default)]
pub struct SavedInfo {
    /// The saved plan's file name.
    pub file: String,
    /// When it was made (RFC 3339), if recorded.
    pub created_at: Option<String>,
    /// The manifest files it was made from.
    pub manifests: Vec<String>,
    /// The `--target` addresses used.
    pub targets: Vec<String>,
    /// Whether `--allow-destroy` was given.
    pub allow_destroy: bool,
}

/// Renders a plan as Markdown.
pub fn render(plan: &Plan, options: &MarkdownOptions) -> String {
    let max = options.max_bytes.max(1_000);
    let head = head(plan, options);
    let sections = sections(plan);
    // Shorten photo lists first, then leave out whole sections from the end.
    for cap in [usize::MAX, 200, 50, 10, 0] {
        let rendered: Vec<String> = sections.iter().map(|section| section.render(cap)).collect();
        let omitted: usize = sections.iter().map(|section| section.omitted(cap)).sum();
        let note = cut_note(omitted, &[], options);
        let total = head.len() + rendered.iter().map(String::len).sum::<usize>() + note.len();
        if total <= max {
            let mut out = head;
            rendered.iter().for_each(|section| out.push_str(section));
            out.push_str(&note);
            return out;
        }
    }
    let omitted: usize = sections.iter().map(|section| section.omitted(0)).sum();
    // The note's length with every section named is an upper bound.
    let all_left_out: Vec<&Section> = sections.iter().collect();
    let reserve = cut_note(omitted, &all_left_out, options).len();
    let mut out = head;
    let mut left_out: Vec<&Section> = Vec::new();
    for section in &sections {
        let text = section.render(0);
        if out.len() + text.len() + reserve <= max {
            out.push_str(&text);
        } else {
            left_out.push(section);
        }
    }
    out.push_str(&cut_note(omitted, &left_out, options));
    if out.len() > max {
        // Only a pathological header (a huge query, say) gets here: cut at a
        // line boundary and say so.
        let note = format!(
            "\n_The rest of this plan is left out to stay under the size limit. See all of it \
             with {}._\n",
            code(&options.full_plan_command, false)
        );
        let mut end = max.saturating_sub(note.len()).min(out.len());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        let end = out[..end].rfind('\n').map_or(0, |line_end| line_end + 1);
        out.truncate(end);
        out.push_str(&note);
    }
    out
}

/// The note at the end of a shortened comment.
fn cut_note(omitted_photos: usize, left_out: &[&Section], options: &MarkdownOptions) -> String {
    if omitted_photos == 0 && left_out.is_empty() {
        return String::new();
    }
    let mut parts = Vec::new();
    if omitted_photos > 0 {
        parts.push(format!(
            "the names of {} photo{}",
            thousands(omitted_photos),
            plural(omitted_photos)
        ));
    }
    if !left_out.is_empty() {
        let actions: usize = left_out.iter().map(|section| section.actions.len()).sum();
        let named: Vec<String> = left_out
            .iter()
            .take(10)
            .map(|section| code(&section.name(), false))
            .collect();
        let more = if left_out.len() > named.len() {
            format!(" and {} more", left_out.len() - named.len())
        } else {
            String::new()
        };
        parts.push(format!(
            "{} section{} with {} action{} ({}{more})",
            left_out.len(),
            plural(left_out.len()),
            thousands(actions),
            plural(actions),
            named.join(", ")
        ));
    }
    format!(
        "---\n\n> ✂️ **This comment is shortened** to stay under GitHub's {} character limit: it \
         leaves out {}. The summary, counts and budgets above cover the whole plan. See all of it \
         with {}.\n",
        thousands(GITHUB_COMMENT_LIMIT),
        parts.join(" and "),
        code(&options.full_plan_command, false)
    )
}

/// Everything before the sections: summary, origin, counts, budgets.
fn head(plan: &Plan, options: &MarkdownOptions) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        let _ = writeln!(out, "### prysm plan: no changes\n");
        let _ = writeln!(out, "The library matches the manifest.\n");
        origin(&mut out, plan, options);
        warnings(&mut out, plan);
        return out;
    }
    let _ = writeln!(
        out,
        "### prysm plan: {} to add, {} to change, {} to destroy\n",
        plan.summary.add, plan.summary.change, plan.summary.destroy
    );
    origin(&mut out, plan, options);
    let counts = Counts::of(plan);
    let destructive = counts.destructive();
    if destructive.is_empty() {
        let _ = writeln!(
            out,
            "Nothing is deleted, removed from an album or archived.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "> ⚠️ **This plan destroys:** {}. These changes are listed first and marked ⚠️.\n",
            destructive.join(", ")
        );
    }
    out.push_str("| change | actions | photos |\n| --- | ---: | ---: |\n");
    for row in counts.rows() {
        let _ = writeln!(out, "| {} | {} | {} |", row.0, row.1, row.2);
    }
    out.push('\n');
    drift(&mut out, plan);
    budgets(&mut out, plan);
    warnings(&mut out, plan);
    out
}

/// Drift attribution: why each change is there, conflicts first and marked.
fn drift(out: &mut String, plan: &Plan) {
    use crate::plan::Cause;
    let mut labelled: Vec<(&crate::plan::Action, Cause)> = plan
        .actions
        .iter()
        .filter_map(|action| action.cause.map(|cause| (action, cause)))
        .collect();
    if labelled.is_empty() {
        return;
    }
    labelled.sort_by_key(|(_, cause)| match cause {
        Cause::Both => 0,
        Cause::Server => 1,
        Cause::Manifest => 2,
    });
    let conflicts = labelled
        .iter()
        .filter(|(_, cause)| *cause == Cause::Both)
        .count();
    if conflicts > 0 {
        let _ = writeln!(
            out,
            "> ⚠️ **{conflicts} conflict{}:** changed both in the manifest and on the server since the last apply.\n",
            plural(conflicts)
        );
    }
    out.push_str("**Changes since the last apply:**\n\n| address | cause |\n| --- | --- |\n");
    for (action, cause) in labelled {
        let label = match cause {
            Cause::Both => "⚠️ conflict: manifest and server",
            Cause::Server => "server (edited in PhotoPrism)",
            Cause::Manifest => "manifest",
        };
        let _ = writeln!(out, "| {} | {label} |", code(&action.address, true));
    }
    out.push('\n');
}

/// Where the plan comes from: server, prysm version, saved-plan details.
fn origin(out: &mut String, plan: &Plan, options: &MarkdownOptions) {
    let _ = write!(
        out,
        "Server {} · prysm {} · {} action{}",
        code(&plan.server, false),
        code(&plan.prysm_version, false),
        plan.actions.len(),
        plural(plan.actions.len())
    );
    if let Some(saved) = &options.saved {
        let _ = write!(out, " · saved plan {}", code(&saved.file, false));
        if let Some(created) = &saved.created_at {
            let _ = write!(out, ", made {}", code(created, false));
        }
        if !saved.manifests.is_empty() {
            let names: Vec<String> = saved
                .manifests
                .iter()
                .take(10)
                .map(|name| code(name, false))
                .collect();
            let more = saved.manifests.len() - names.len();
            let _ = write!(out, " from {}", names.join(", "));
            if more > 0 {
                let _ = write!(out, " and {more} more");
            }
        }
        if !saved.targets.is_empty() {
            let names: Vec<String> = saved
                .targets
                .iter()
                .take(10)
                .map(|target| code(target, false))
                .collect();
            let _ = write!(out, " · targets {}", names.join(", "));
        }
        if saved.allow_destroy {
            let _ = write!(out, " · made with `--allow-destroy`");
        }
    }
    out.push_str("\n\n");
}

/// Text shown as it is inside a Markdown paragraph: controls escaped, and a backslash
/// before every character Markdown or HTML would read as markup (`*` of a path pattern).
fn escape_inline(text: &str) -> String {
    let mut out = String::new();
    for c in escape_controls(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The plan's warnings (a path pattern that matches no photo), as a list.
fn warnings(out: &mut String, plan: &Plan) {
    if plan.warnings.is_empty() {
        return;
    }
    out.push_str("**Warnings:**\n\n");
    for warning in &plan.warnings {
        let at = warning
            .location
            .as_deref()
            .map(|location| format!(" ({})", code(location, false)))
            .unwrap_or_default();
        let _ = writeln!(out, "- ⚠️ {}{at}", escape_inline(&warning.message));
    }
    out.push('\n');
}

fn budgets(out: &mut String, plan: &Plan) {
    if plan.budgets.is_empty() {
        return;
    }
    out.push_str(
        "**Budgets** for destructive changes (the manifest's `settings`; `--allow-destroy` passes them):\n\n",
    );
    out.push_str("| budget | used | limit | setting | |\n| --- | ---: | ---: | --- | --- |\n");
    let mut rows: Vec<_> = plan.budgets.iter().collect();
    rows.sort_by_key(|budget_use| !budget_use.exceeded);
    for budget_use in rows.iter().take(BUDGET_ROWS) {
        let address = budget_use.address.as_deref().map(|a| code(a, true));
        let what = match budget_use.budget {
            Budget::MaxDestroy => "album deletes".to_string(),
            Budget::MaxArchive => "photos archived".to_string(),
            Budget::MaxLinkDeletes => "share links deleted".to_string(),
            Budget::MaxRemove => format!(
                "photos removed from {}",
                address.clone().unwrap_or_default()
            ),
            Budget::EmptyQuery => format!(
                "query {} matches nothing in {}",
                code(budget_use.query.as_deref().unwrap_or_default(), true),
                address.clone().unwrap_or_default()
            ),
        };
        let used = match (budget_use.budget, budget_use.of) {
            (Budget::MaxRemove, Some(of)) => format!("{} of {}", budget_use.used, of),
            _ => budget_use.used.to_string(),
        };
        let limit = budget_use
            .limit
            .map_or_else(|| "none".to_string(), |limit| limit.to_string());
        let setting = match budget_use.budget {
            Budget::MaxRemove => format!(
                "`max_remove_percent` {} %, `max_remove_photos` {}",
                budget_use.percent.unwrap_or_default(),
                budget_use.floor.unwrap_or_default()
            ),
            other => format!("`{}`", other.setting()),
        };
        let status = if budget_use.exceeded {
            "⛔ over, passed by `--allow-destroy`"
        } else if budget_use.limit.is_none() {
            "no limit set"
        } else {
            "✅ within"
        };
        let _ = writeln!(out, "| {what} | {used} | {limit} | {setting} | {status} |");
    }
    if rows.len() > BUDGET_ROWS {
        let _ = writeln!(
            out,
            "| … and {} more within budget | | | | |",
            rows.len() - BUDGET_ROWS
        );
    }
    out.push('\n');
}

/// Counts of changes by kind.
#[derive(Default)]
struct Counts {
    create: (usize, usize),
    update_album: usize,
    delete: (usize, usize),
    add: (usize, usize),
    remove: (usize, usize),
    update_photo: usize,
    archive: usize,
    restore: usize,
    approve: usize,
    links: usize,
    links_deleted: usize,
}

impl Counts {
    fn of(plan: &Plan) -> Counts {
        let mut counts = Counts::default();
        for action in &plan.actions {
            match &action.change {
                Change::CreateAlbum { photos, .. } => {
                    counts.create.0 += 1;
                    counts.create.1 += photos.len();
                }
                Change::UpdateAlbum { .. } => counts.update_album += 1,
                Change::DeleteAlbum { photo_count, .. } => {
                    counts.delete.0 += 1;
                    counts.delete.1 += photo_count;
                }
                Change::AddPhotos { photos, .. } => {
                    counts.add.0 += 1;
                    counts.add.1 += photos.len();
                }
                Change::RemovePhotos { photos, .. } => {
                    counts.remove.0 += 1;
                    counts.remove.1 += photos.len();
                }
                Change::UpdatePhoto { .. } => counts.update_photo += 1,
                Change::ArchivePhoto { .. } => counts.archive += 1,
                Change::RestorePhoto { .. } => counts.restore += 1,
                Change::ApprovePhoto { .. } => counts.approve += 1,
                Change::SetAlbumCover { .. } => counts.update_album += 1,
                Change::ShareLink {
                    op: crate::plan::LinkOp::Delete,
                    ..
                } => counts.links_deleted += 1,
                Change::ShareLink { .. } => counts.links += 1,
            }
        }
        counts
    }

    fn destructive(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.delete.0 > 0 {
            parts.push(format!(
                "{} album{} deleted",
                thousands(self.delete.0),
                plural(self.delete.0)
            ));
        }
        if self.remove.1 > 0 {
            parts.push(format!(
                "{} photo{} removed from {} album{}",
                thousands(self.remove.1),
                plural(self.remove.1),
                thousands(self.remove.0),
                plural(self.remove.0)
            ));
        }
        if self.links_deleted > 0 {
            parts.push(format!(
                "{} share link{} deleted",
                thousands(self.links_deleted),
                plural(self.links_deleted)
            ));
        }
        if self.archive > 0 {
            parts.push(format!(
                "{} photo{} archived",
                thousands(self.archive),
                plural(self.archive)
            ));
        }
        parts
    }

    fn rows(&self) -> Vec<(&'static str, String, String)> {
        let mut rows = Vec::new();
        let mut row = |label: &'static str, actions: usize, photos: Option<usize>| {
            if actions > 0 {
                rows.push((
                    label,
                    thousands(actions),
                    photos.map(thousands).unwrap_or_default(),
                ));
            }
        };
        row("⚠️ delete album", self.delete.0, Some(self.delete.1));
        row(
            "⚠️ remove photos from album",
            self.remove.0,
            Some(self.remove.1),
        );
        row("⚠️ archive photo", self.archive, Some(self.archive));
        row("➕ create album", self.create.0, Some(self.create.1));
        row("✏️ update album", self.update_album, None);
        row("➕ add photos to album", self.add.0, Some(self.add.1));
        row(
            "✏️ update photo",
            self.update_photo,
            Some(self.update_photo),
        );
        row("♻️ restore photo", self.restore, Some(self.restore));
        row("✅ approve photo", self.approve, Some(self.approve));
        row("⚠️ delete share link", self.links_deleted, None);
        row("🔗 create or change share link", self.links, None);
        rows
    }
}

/// What a section is about.
#[derive(Clone, PartialEq)]
enum SectionKind {
    /// Every action on one album (`album.KEY`, `album.KEY.photos`).
    Album(String),
    /// Photos updated the same way.
    PhotoUpdates,
    /// Photos archived.
    Archive,
    /// Photos restored.
    Restore,
    /// Photos approved (out of review).
    Approve,
}

/// One section of the comment: its actions, rendered together.
struct Section<'a> {
    kind: SectionKind,
    actions: Vec<&'a Action>,
}

impl Section<'_> {
    fn destructive(&self) -> bool {
        self.actions.iter().any(|action| {
            matches!(
                action.change,
                Change::DeleteAlbum { .. }
                    | Change::RemovePhotos { .. }
                    | Change::ArchivePhoto { .. }
                    | Change::ShareLink {
                        op: crate::plan::LinkOp::Delete,
                        ..
                    }
            )
        })
    }

    /// How the cut note names the section.
    fn name(&self) -> String {
        match &self.kind {
            SectionKind::Album(address) => address.clone(),
            SectionKind::PhotoUpdates => match self.actions.as_slice() {
                [only] => only.address.clone(),
                many => format!("{} photo updates", many.len()),
            },
            SectionKind::Archive => format!("{} photo archives", self.actions.len()),
            SectionKind::Restore => format!("{} photo restores", self.actions.len()),
            SectionKind::Approve => format!("{} photo approvals", self.actions.len()),
        }
    }

    /// Photo names left out of this section's lists at `cap` photos a list.
    fn omitted(&self, cap: usize) -> usize {
        self.lists()
            .iter()
            .map(|list| list.saturating_sub(cap))
            .sum()
    }

    /// The lengths of the photo lists the section shows.
    fn lists(&self) -> Vec<usize> {
        match self.kind {
            SectionKind::Album(_) => self
                .actions
                .iter()
                .filter_map(|action| match &action.change {
                    Change::CreateAlbum { photos, .. }
                    | Change::AddPhotos { photos, .. }
                    | Change::RemovePhotos { photos, .. } => Some(photos.len()),
                    _ => None,
                })
                .collect(),
            SectionKind::PhotoUpdates if self.actions.len() == 1 => Vec::new(),
            _ => vec![self.actions.len()],
        }
    }

    fn render(&self, cap: usize) -> String {
        let mut out = String::new();
        let flag = if self.destructive() { "⚠️ " } else { "" };
        match &self.kind {
            SectionKind::Album(address) => self.render_album(&mut out, flag, address, cap),
            SectionKind::PhotoUpdates => self.render_updates(&mut out, cap),
            SectionKind::Archive => {
                let photos = self.photos();
                let _ = writeln!(
                    out,
                    "#### ⚠️ Archive {} photo{}\n",
                    photos.len(),
                    plural(photos.len())
                );
                let _ = writeln!(
                    out,
                    "Archived photos leave every album they are in; `archived: false` restores them, \
                     but not their album memberships.\n"
                );
                photo_list(&mut out, &photos, "to archive", cap, false);
            }
            SectionKind::Restore => {
                let photos = self.photos();
                let _ = writeln!(
                    out,
                    "#### ♻️ Restore {} photo{} from the archive\n",
                    photos.len(),
                    plural(photos.len())
                );
                photo_list(&mut out, &photos, "to restore", cap, false);
            }
            SectionKind::Approve => {
                let photos = self.photos();
                let _ = writeln!(
                    out,
                    "#### ✅ Approve {} photo{} in review\n",
                    photos.len(),
                    plural(photos.len())
                );
                let restoring = self
                    .actions
                    .iter()
                    .filter(|a| matches!(a.change, Change::ApprovePhoto { restores: true, .. }))
                    .count();
                if restoring > 0 {
                    let _ = writeln!(
                        out,
                        "Approving restores {restoring} archived photo{} too.\n",
                        plural(restoring)
                    );
                }
                photo_list(&mut out, &photos, "to approve", cap, false);
            }
        }
        out
    }

    fn photos(&self) -> Vec<PhotoRef> {
        self.actions
            .iter()
            .filter_map(|action| match &action.change {
                Change::UpdatePhoto { photo, .. }
                | Change::ArchivePhoto { photo }
                | Change::RestorePhoto { photo }
                | Change::ApprovePhoto { photo, .. } => Some(photo.clone()),
                _ => None,
            })
            .collect()
    }

    fn render_album(&self, out: &mut String, flag: &str, address: &str, cap: usize) {
        let Some(first) = self.actions.first() else {
            return;
        };
        let album = first.change.album();
        let title = album.map(|album| album.title.as_str()).unwrap_or_default();
        let uid = album.and_then(|album| album.uid.as_deref());
        let verb = match &first.change {
            Change::CreateAlbum { .. } => "➕ Create album",
            Change::DeleteAlbum { .. } => "🗑️ Delete album",
            Change::UpdateAlbum { .. } | Change::SetAlbumCover { .. } => "✏️ Update album",
            Change::ShareLink { .. } => "🔗 Change the share links of album",
            _ => "✏️ Change the photos of album",
        };
        let _ = writeln!(
            out,
            "#### {flag}{verb} {} · {}\n",
            code(title, false),
            code(address, false)
        );
        for action in &self.actions {
            match &action.change {
                Change::CreateAlbum {
                    fields,
                    photos,
                    exact,
                    note,
                    ..
                } => {
                    if let Some(note) = note {
                        // The note quotes another album's title: shown as code, never as markup.
                        let _ = writeln!(out, "> ℹ️ Note: {}\n", code(note, false));
                    }
                    field_list(out, fields);
                    if !photos.is_empty() || *exact {
                        let what = if *exact {
                            "in the new album (exact membership)"
                        } else {
                            "added to the new album"
                        };
                        photo_list(out, photos, what, cap, false);
                    }
                }
                Change::UpdateAlbum { fields, .. } => {
                    if let Some(uid) = uid {
                        let _ = writeln!(out, "Album {}.\n", code(uid, false));
                    }
                    field_list(out, fields);
                }
                Change::DeleteAlbum {
                    reason,
                    photo_count,
                    ..
                } => {
                    let why = match reason {
                        DeleteReason::Absent => "the manifest declares it `state: absent`",
                        DeleteReason::Prune => {
                            "no manifest entry declares it and `settings.prune` is on"
                        }
                        DeleteReason::Undo => "`prysm undo` takes back the apply that created it",
                    };
                    let _ = writeln!(
                        out,
                        "Deletes album {} with {} photo{}, because {why}. The photos stay in the \
                         library.\n",
                        code(uid.unwrap_or_default(), false),
                        thousands(*photo_count),
                        plural(*photo_count)
                    );
                }
                Change::AddPhotos { photos, .. } => {
                    photo_list(out, photos, "added to the album", cap, false);
                }
                Change::RemovePhotos { photos, .. } => {
                    photo_list(out, photos, "removed from the album", cap, true);
                }
                Change::SetAlbumCover { .. } | Change::ShareLink { .. } => {
                    if let Some(field) = action.change.extra_field() {
                        field_list(out, std::slice::from_ref(&field));
                    }
                    if matches!(
                        action.change,
                        Change::ShareLink {
                            op: crate::plan::LinkOp::Create,
                            ..
                        }
                    ) {
                        let _ = writeln!(
                            out,
                            "A share link will be created; PhotoPrism picks its token, and apply \
                             says where to find the link.\n"
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn render_updates(&self, out: &mut String, cap: usize) {
        let Some(first) = self.actions.first() else {
            return;
        };
        let Change::UpdatePhoto {
            photo,
            fields,
            archived,
            ..
        } = &first.change
        else {
            return;
        };
        if self.actions.len() == 1 {
            let _ = writeln!(
                out,
                "#### ✏️ Update photo {} · {}\n",
                code(display_name(photo), false),
                code(&first.address, false)
            );
            if *archived {
                let _ = writeln!(out, "The photo is archived and stays archived.\n");
            }
        } else {
            let _ = writeln!(
                out,
                "#### ✏️ Update {} photos, each the same way\n",
                thousands(self.actions.len())
            );
        }
        field_list(out, fields);
        if self.actions.len() > 1 {
            photo_list(out, &self.photos(), "to update", cap, false);
        }
    }
}

/// Groups the plan's actions into sections, destructive sections first, each
/// group in plan order.
fn sections(plan: &Plan) -> Vec<Section<'_>> {
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut index: BTreeMap<(u8, String), usize> = BTreeMap::new();
    for action in &plan.actions {
        let (kind, key) = match &action.change {
            Change::UpdatePhoto { fields, .. } => (
                SectionKind::PhotoUpdates,
                (
                    0,
                    serde_json::to_string(fields).unwrap_or_else(|_| action.address.clone()),
                ),
            ),
            Change::ArchivePhoto { .. } => (SectionKind::Archive, (1, String::new())),
            Change::RestorePhoto { .. } => (SectionKind::Restore, (2, String::new())),
            Change::ApprovePhoto { .. } => (SectionKind::Approve, (2, "approve".to_owned())),
            _ => {
                let base = crate::plan::album_base(&action.address).to_string();
                (SectionKind::Album(base.clone()), (3, base))
            }
        };
        match index.get(&key) {
            Some(&at) => sections[at].actions.push(action),
            None => {
                index.insert(key, sections.len());
                sections.push(Section {
                    kind,
                    actions: vec![action],
                });
            }
        }
    }
    // A stable sort keeps plan order inside each half.
    sections.sort_by_key(|section| !section.destructive());
    sections
}

/// Field changes as a list: `name`: `old` -> `new`; multi-line texts as diffs.
fn field_list(out: &mut String, fields: &[FieldChange]) {
    if fields.is_empty() {
        return;
    }
    for field in fields {
        let name = code(&field.field, false);
        let multiline =
            field.new.is_multiline() || field.old.as_ref().is_some_and(Value::is_multiline);
        if multiline {
            let _ = writeln!(out, "- {name}:\n");
            let old = match &field.old {
                Some(Value::Text(text)) => Some(text.as_str()),
                _ => None,
            };
            let new = match &field.new {
                Value::Text(text) => text.clone(),
                other => show(other),
            };
            let block = match old {
                None => new.lines().map(|line| format!("+ {line}")).collect(),
                Some(old) => TextDiff::from_lines(old, &new)
                    .iter_all_changes()
                    .map(|change| {
                        let line = change.value().trim_end_matches(['\n', '\r']);
                        let sign = match change.tag() {
                            ChangeTag::Delete => '-',
                            ChangeTag::Insert => '+',
                            ChangeTag::Equal => ' ',
                        };
                        format!("{sign} {line}")
                    })
                    .collect::<Vec<_>>(),
            };
            fenced(out, "diff", &block, "  ");
        } else {
            match &field.old {
                None => {
                    let _ = writeln!(out, "- {name}: {}", code(&show(&field.new), false));
                }
                Some(old) => {
                    let _ = writeln!(
                        out,
                        "- {name}: {} -> {}",
                        code(&show(old), false),
                        code(&show(&field.new), false)
                    );
                }
            }
        }
    }
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// A fenced code block, indented by `indent`, whose fence no line can close.
fn fenced(out: &mut String, info: &str, lines: &[String], indent: &str) {
    let lines: Vec<String> = lines.iter().map(|line| escape_controls(line)).collect();
    let longest = lines
        .iter()
        .map(|line| longest_run(line, '`'))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{indent}{fence}{info}");
    for line in &lines {
        let _ = writeln!(out, "{indent}{line}");
    }
    let _ = writeln!(out, "{indent}{fence}\n");
}

/// A photo list: short lists as they are, long ones folded in `<details>`,
/// at most `cap` names with a count of the rest.
fn photo_list(out: &mut String, photos: &[PhotoRef], what: &str, cap: usize, destructive: bool) {
    let n = photos.len();
    let summary = format!(
        "{}{} photo{} {what}",
        if destructive { "⚠️ " } else { "" },
        thousands(n),
        plural(n)
    );
    let folded = n > INLINE_LIST;
    if folded {
        // The summary is raw HTML: only prysm's own words go in it.
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
    } else {
        let _ = writeln!(out, "{summary}:\n");
    }
    let sign = if destructive { "➖ " } else { "" };
    for photo in photos.iter().take(cap) {
        let _ = writeln!(
            out,
            "- {sign}{} · {}",
            code(display_name(photo), false),
            code(&photo.uid, false)
        );
    }
    if n > cap {
        let _ = writeln!(
            out,
            "- _… and {} more, left out to keep this comment short_",
            thousands(n - cap)
        );
    }
    if n == 0 {
        let _ = writeln!(out, "_(none: the album will be empty)_");
    }
    out.push('\n');
    if folded {
        out.push_str("</details>\n\n");
    }
}

fn display_name(photo: &PhotoRef) -> &str {
    if photo.name.is_empty() {
        "(unnamed)"
    } else {
        &photo.name
    }
}

/// A value as the text plan shows it: strings quoted with escapes.
fn show(value: &Value) -> String {
    super::text::show(value)
}

/// `text` as an inline code span that shows it exactly: control and
/// direction-changing characters escaped, a fence longer than any backtick run
/// inside, and (in table cells) `|` escaped. An empty text shows as `(empty)`.
pub fn code(text: &str, in_table: bool) -> String {
    let mut body = escape_controls(text);
    if body.is_empty() {
        return "_(empty)_".to_string();
    }
    if in_table {
        body = body.replace('|', "\\|");
    }
    let fence = "`".repeat(longest_run(&body, '`') + 1);
    let pad = body.starts_with('`')
        || body.ends_with('`')
        || (body.starts_with(' ') && body.ends_with(' ') && body.trim() != "");
    if pad {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// Replaces control characters and Unicode direction controls with visible
/// escapes (`\n`, `\u{202e}`), so a value stays on its line and reads as it is.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_direction_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == wanted {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_pipes_and_newlines() {
        assert_eq!(code("plain", false), "`plain`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`start", false), "`` `start ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("two\nlines", false), "`two\\nlines`");
        assert_eq!(code(" padded ", false), "`  padded  `");
        assert_eq!(code("", false), "_(empty)_");
        assert_eq!(code("\u{202e}evil", false), "`\\u{202e}evil`");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
