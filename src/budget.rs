//! Budgets for destructive changes: a plan that deletes, removes or archives
//! more than a manifest's `settings` allow is refused unless `--allow-destroy`
//! is given, so a one-line mistake cannot empty an album in an unattended apply.
//!
//! The budgets (octoDNS's update/delete threshold and peribolos's
//! `--maximum-removal-delta` are the models):
//!
//! - `max_destroy`: albums deleted (no default: unlimited when unset; checked
//!   by [`crate::graph`]).
//! - `max_remove_percent` (default 30) and `max_remove_photos` (default 10):
//!   a plan may remove from one album at most `max_remove_photos` photos, or
//!   `max_remove_percent` % of the album's photos when that is more.
//! - `max_archive` (default 10): photos archived by the plan.
//! - `allow_empty_query` (default false): a `query` that matches nothing in an
//!   `exact` album whose photos the plan removes is taken for a typo.
//! - `max_link_deletes` (default 0): share links deleted by `manage_links: true`.
//!   Deleting a link cuts off everyone who has it and cannot be undone (a new
//!   link gets a new token), so by default every such delete needs
//!   `--allow-destroy`: `manage_links` says which links may exist, this budget
//!   says how many an unattended apply may delete. Links that go with a deleted
//!   album are counted by `max_destroy`, not here.

use std::collections::{BTreeMap, BTreeSet};

use crate::manifest::{AlbumState, Manifest, Membership, SelectorKind, Settings};
use crate::plan::{Budget, BudgetUse, Change, LinkOp, Plan, PlanProblem};
use crate::resolve::Resolution;
use crate::state::LibraryState;

/// Default of `settings.max_remove_percent`.
pub const DEFAULT_MAX_REMOVE_PERCENT: u32 = 30;
/// Default of `settings.max_remove_photos`.
pub const DEFAULT_MAX_REMOVE_PHOTOS: u32 = 10;
/// Default of `settings.max_archive`.
pub const DEFAULT_MAX_ARCHIVE: u32 = 10;
/// Default of `settings.max_link_deletes`: no share link is deleted without
/// `--allow-destroy` unless the manifest raises it.
pub const DEFAULT_MAX_LINK_DELETES: u32 = 0;

/// The budgets in force: the manifest's settings, or the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// Albums a plan may delete; `None` = unlimited.
    pub max_destroy: Option<u32>,
    /// Share of an album's photos a plan may remove, in percent.
    pub max_remove_percent: u32,
    /// Photos a plan may always remove from one album.
    pub max_remove_photos: u32,
    /// Photos a plan may archive.
    pub max_archive: u32,
    /// Whether a query that matches nothing may empty an `exact` album.
    pub allow_empty_query: bool,
    /// Share links a plan may delete.
    pub max_link_deletes: u32,
}

impl Budgets {
    /// The budgets a manifest's settings give.
    pub fn of(settings: &Settings) -> Budgets {
        Budgets {
            max_destroy: settings.max_destroy,
            max_remove_percent: settings
                .max_remove_percent
                .unwrap_or(DEFAULT_MAX_REMOVE_PERCENT)
                .min(100),
            max_remove_photos: settings
                .max_remove_photos
                .unwrap_or(DEFAULT_MAX_REMOVE_PHOTOS),
            max_archive: settings.max_archive.unwrap_or(DEFAULT_MAX_ARCHIVE),
            allow_empty_query: settings.allow_empty_query.unwrap_or(false),
            max_link_deletes: settings
                .max_link_deletes
                .unwrap_or(DEFAULT_MAX_LINK_DELETES),
        }
    }

    /// How many of an album's `members` photos a plan may remove.
    pub fn remove_limit(&self, members: usize) -> usize {
        let share = members.saturating_mul(self.max_remove_percent as usize) / 100;
        share.max(self.max_remove_photos as usize)
    }
}

/// Measures the plan against the manifest's budgets, records the use in
/// `plan.budgets`, and returns a problem for every budget the plan goes over
/// (none when `allow_destroy`). Only destructive changes use a budget, so a
/// plan without them gets an empty list.
pub fn check(
    plan: &mut Plan,
    manifest: &Manifest,
    state: &LibraryState,
    resolution: &Resolution,
    allow_destroy: bool,
) -> Result<(), Vec<PlanProblem>> {
    let budgets = Budgets::of(&manifest.settings);
    let uses = assess(plan, manifest, state, resolution, &budgets);
    let mut problems = Vec::new();
    if !allow_destroy {
        for budget_use in uses.iter().filter(|budget_use| budget_use.exceeded) {
            if let Some(problem) = refusal(budget_use, plan, manifest, resolution, &budgets) {
                problems.push(problem);
            }
        }
    }
    plan.budgets = uses;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Every budget the plan uses, in a fixed order: album deletes, archives,
/// share link deletes, removals per album, empty queries per album.
pub fn assess(
    plan: &Plan,
    manifest: &Manifest,
    state: &LibraryState,
    resolution: &Resolution,
    budgets: &Budgets,
) -> Vec<BudgetUse> {
    let mut uses = Vec::new();
    let deletes = plan
        .actions
        .iter()
        .filter(|action| matches!(action.change, Change::DeleteAlbum { .. }))
        .count();
    if deletes > 0 {
        let limit = budgets.max_destroy.map(|max| max as usize);
        uses.push(BudgetUse {
            budget: Budget::MaxDestroy,
            address: None,
            used: deletes,
            limit,
            of: None,
            percent: None,
            floor: None,
            query: None,
            exceeded: limit.is_some_and(|limit| deletes > limit),
        });
    }
    let archives = plan
        .actions
        .iter()
        .filter(|action| matches!(action.change, Change::ArchivePhoto { .. }))
        .count();
    if archives > 0 {
        let limit = budgets.max_archive as usize;
        uses.push(BudgetUse {
            budget: Budget::MaxArchive,
            address: None,
            used: archives,
            limit: Some(limit),
            of: None,
            percent: None,
            floor: None,
            query: None,
            exceeded: archives > limit,
        });
    }
    let link_deletes = link_deletes(plan).count();
    if link_deletes > 0 {
        let limit = budgets.max_link_deletes as usize;
        uses.push(BudgetUse {
            budget: Budget::MaxLinkDeletes,
            address: None,
            used: link_deletes,
            limit: Some(limit),
            of: None,
            percent: None,
            floor: None,
            query: None,
            exceeded: link_deletes > limit,
        });
    }
    let mut removals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for action in &plan.actions {
        if let Change::RemovePhotos { album, photos } = &action.change {
            let members = album
                .uid
                .as_deref()
                .and_then(|uid| state.members.get(uid))
                .map_or(photos.len(), Vec::len)
                .max(photos.len());
            removals.insert(action.address.as_str(), (photos.len(), members));
        }
    }
    for (address, (removed, members)) in &removals {
        let limit = budgets.remove_limit(*members);
        uses.push(BudgetUse {
            budget: Budget::MaxRemove,
            address: Some((*address).to_string()),
            used: *removed,
            limit: Some(limit),
            of: Some(*members),
            percent: Some(budgets.max_remove_percent),
            floor: Some(budgets.max_remove_photos as usize),
            query: None,
            exceeded: *removed > limit,
        });
    }
    if !budgets.allow_empty_query {
        for entry in &manifest.albums {
            let address = format!("album.{}.photos", entry.key);
            let Some((removed, _)) = removals.get(address.as_str()) else {
                continue;
            };
            if entry.state != AlbumState::Present || entry.membership != Membership::Exact {
                continue;
            }
            let exists = resolution
                .albums
                .get(&entry.key)
                .is_some_and(Option::is_some);
            if !exists {
                continue;
            }
            for selector in entry.photos.iter().flatten() {
                let SelectorKind::Query(query) = &selector.kind else {
                    continue;
                };
                let found = !state.found(&selector.kind).is_empty();
                if !found {
                    uses.push(BudgetUse {
                        budget: Budget::EmptyQuery,
                        address: Some(address.clone()),
                        used: *removed,
                        limit: Some(0),
                        of: None,
                        percent: None,
                        floor: None,
                        query: Some(query.clone()),
                        exceeded: true,
                    });
                }
            }
        }
    }
    uses
}

/// The share link deletes of a plan: `(album key, slug)`.
fn link_deletes(plan: &Plan) -> impl Iterator<Item = (Option<&str>, &str)> {
    plan.actions
        .iter()
        .filter_map(|action| match &action.change {
            Change::ShareLink {
                album,
                op: LinkOp::Delete,
                link,
                ..
            } => Some((album.key.as_deref(), link.slug.as_str())),
            _ => None,
        })
}

/// The problem that refuses a plan over one budget, pointing at the manifest.
fn refusal(
    budget_use: &BudgetUse,
    plan: &Plan,
    manifest: &Manifest,
    resolution: &Resolution,
    budgets: &Budgets,
) -> Option<PlanProblem> {
    let entry_of = |address: &str| {
        manifest
            .albums
            .iter()
            .find(|entry| format!("album.{}.photos", entry.key) == address)
    };
    let setting_loc = |name: &str| manifest.settings.budget_locs.get(name);
    match budget_use.budget {
        // Refused by the graph before budgets are measured.
        Budget::MaxDestroy => None,
        Budget::MaxArchive => {
            let mut problem = PlanProblem::new(
                "prysm::plan::max_archive",
                format!(
                    "the plan would archive {} photos, more than max_archive = {}",
                    budget_use.used, budgets.max_archive
                ),
            );
            let archived: BTreeSet<&str> = plan
                .actions
                .iter()
                .filter_map(|action| match &action.change {
                    Change::ArchivePhoto { photo } => Some(photo.uid.as_str()),
                    _ => None,
                })
                .collect();
            for (index, rule) in manifest.photos.iter().enumerate() {
                if rule.archived != Some(true) {
                    continue;
                }
                let count = resolution.rule_photos.get(index).map_or(0, |photos| {
                    photos
                        .iter()
                        .filter(|uid| archived.contains(uid.as_str()))
                        .count()
                });
                if count > 0 {
                    let loc = rule.field_locs.get("archived").unwrap_or(&rule.loc);
                    problem = problem.at(loc, format!("archives {count} photo{}", plural(count)));
                }
            }
            if let Some(loc) = setting_loc("max_archive") {
                problem = problem.at(loc, "the budget");
            }
            Some(problem.help(
                "archiving takes photos out of every album; check what the rule's `match` selects \
                 (`prysm plan --verbose` lists them). If it is intended, pass `--allow-destroy` \
                 or raise `settings.max_archive`",
            ))
        }
        Budget::MaxLinkDeletes => {
            let mut problem = PlanProblem::new(
                "prysm::plan::max_link_deletes",
                format!(
                    "the plan would delete {} share link{}, more than max_link_deletes = {}; \
                     everyone who has a deleted link loses access",
                    budget_use.used,
                    plural(budget_use.used),
                    budgets.max_link_deletes
                ),
            );
            let mut per_album: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for (key, slug) in link_deletes(plan) {
                if let Some(key) = key {
                    per_album.entry(key).or_default().push(slug);
                }
            }
            for entry in &manifest.albums {
                let Some(slugs) = per_album.get(entry.key.as_str()) else {
                    continue;
                };
                let names: Vec<String> = slugs
                    .iter()
                    .map(|slug| {
                        if slug.is_empty() {
                            "one without a slug".to_string()
                        } else {
                            format!("{slug:?}")
                        }
                    })
                    .collect();
                problem = problem.at(
                    entry.field_loc("manage_links"),
                    format!(
                        "deletes {} undeclared share link{}: {}",
                        slugs.len(),
                        plural(slugs.len()),
                        names.join(", ")
                    ),
                );
            }
            if let Some(loc) = setting_loc("max_link_deletes") {
                problem = problem.at(loc, "the budget");
            }
            Some(problem.help(
                "declare the links to keep under the album's `links` (a slug you changed is a \
                 new link: the old one is deleted), or remove `manage_links: true`. If the \
                 deletes are intended, pass `--allow-destroy` or raise `settings.max_link_deletes` (default 0)",
            ))
        }
        Budget::MaxRemove => {
            let address = budget_use.address.as_deref().unwrap_or_default();
            let members = budget_use.of.unwrap_or(budget_use.used);
            let share = budget_use.used * 100 / members.max(1);
            let mut problem = PlanProblem::new(
                "prysm::plan::max_remove",
                format!(
                    "{address}: the plan would remove {} of the album's {members} photos ({share} %), \
                     more than max_remove_percent = {} % and more than max_remove_photos = {}",
                    budget_use.used, budgets.max_remove_percent, budgets.max_remove_photos
                ),
            );
            if let Some(entry) = entry_of(address) {
                let kept = members - budget_use.used.min(members);
                problem = problem.at(
                    entry.field_loc("photos"),
                    format!("these selectors keep {kept} of its {members} photos"),
                );
            }
            for name in ["max_remove_percent", "max_remove_photos"] {
                if let Some(loc) = setting_loc(name) {
                    problem = problem.at(loc, "the budget");
                }
            }
            Some(problem.help(
                "check the album's selectors: a query with a typo selects fewer photos than you \
                 think. If the removal is intended, pass `--allow-destroy`, raise \
                 `settings.max_remove_percent` / `settings.max_remove_photos`, or use \
                 `membership: additive`",
            ))
        }
        Budget::EmptyQuery => {
            let address = budget_use.address.as_deref().unwrap_or_default();
            let query = budget_use.query.as_deref().unwrap_or_default();
            let mut problem = PlanProblem::new(
                "prysm::plan::empty_query",
                format!(
                    "{address}: the query {query:?} matches no photo, and the plan would remove {} \
                     photo{} from the album; a query that finds nothing is usually a typo",
                    budget_use.used,
                    plural(budget_use.used)
                ),
            );
            if let Some(entry) = entry_of(address) {
                let selector = entry.photos.iter().flatten().find(
                    |selector| matches!(&selector.kind, SelectorKind::Query(q) if q == query),
                );
                if let Some(selector) = selector {
                    problem = problem.at(&selector.loc, "matches no photo");
                }
            }
            Some(problem.help(
                "try the query in PhotoPrism's search. If the album should lose these photos, pass \
                 `--allow-destroy` or set `settings.allow_empty_query: true`",
            ))
        }
    }
}

/// One budget's use in words, for the text plan: `(what, usage)`, such as
/// `("album deletes", "1 of 2 (settings.max_destroy)")`.
pub fn describe(budget_use: &BudgetUse) -> (String, String) {
    let over = if budget_use.exceeded {
        ": over budget, passed by --allow-destroy"
    } else {
        ""
    };
    let address = budget_use.address.as_deref().unwrap_or_default();
    match budget_use.budget {
        Budget::MaxDestroy => (
            "album deletes".to_string(),
            match budget_use.limit {
                Some(limit) => format!(
                    "{} of {limit} (settings.max_destroy){over}",
                    budget_use.used
                ),
                None => format!(
                    "{} (settings.max_destroy not set: no limit)",
                    budget_use.used
                ),
            },
        ),
        Budget::MaxArchive => (
            "photos archived".to_string(),
            format!(
                "{} of {} (settings.max_archive){over}",
                budget_use.used,
                budget_use.limit.unwrap_or_default()
            ),
        ),
        Budget::MaxLinkDeletes => (
            "share links deleted".to_string(),
            format!(
                "{} of {} (settings.max_link_deletes){over}",
                budget_use.used,
                budget_use.limit.unwrap_or_default()
            ),
        ),
        Budget::MaxRemove => {
            let members = budget_use.of.unwrap_or_default();
            (
                format!("photos removed from {address}"),
                format!(
                    "{} of {} (the album holds {members}; settings.max_remove_percent {} %, \
                     max_remove_photos {}){over}",
                    budget_use.used,
                    budget_use.limit.unwrap_or_default(),
                    budget_use.percent.unwrap_or_default(),
                    budget_use.floor.unwrap_or_default(),
                ),
            )
        }
        Budget::EmptyQuery => (
            format!(
                "{address} query {:?}",
                budget_use.query.as_deref().unwrap_or_default()
            ),
            format!(
                "matches nothing and {} photo{} would leave the album (settings.allow_empty_query){over}",
                budget_use.used,
                plural(budget_use.used)
            ),
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
