//! Graph: give every change an address, connect the changes that depend on
//! each other in a DAG, and put them in one deterministic order.
//!
//! Rules: archived photos are restored before they are added to an album or
//! edited, and edited before they are archived; an album is created before
//! anything else touches it (its photos are part of the create); deletes come
//! last. Ties are broken by address, so the
//! same input always gives the same plan.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::plan::{Action, Change, DeleteReason, Plan, PlanProblem, Summary};

/// Options that shape the plan without changing what is compared.
#[derive(Debug, Clone, Default)]
pub struct GraphOptions {
    /// Limit the plan to these addresses (and what they depend on).
    pub targets: Vec<String>,
    /// `settings.max_destroy` from the manifest.
    pub max_destroy: Option<u32>,
    /// `--allow-destroy`: ignore `max_destroy`.
    pub allow_destroy: bool,
}

/// The address of a change.
pub fn address(change: &Change) -> String {
    match change {
        Change::CreateAlbum { album, .. }
        | Change::UpdateAlbum { album, .. }
        | Change::DeleteAlbum { album, .. } => match &album.key {
            Some(key) => format!("album.{key}"),
            None => format!("album[{}]", album.uid.as_deref().unwrap_or_default()),
        },
        Change::AddPhotos { album, .. } | Change::RemovePhotos { album, .. } => match &album.key {
            Some(key) => format!("album.{key}.photos"),
            None => format!("album[{}].photos", album.uid.as_deref().unwrap_or_default()),
        },
        Change::UpdatePhoto { photo, .. }
        | Change::ArchivePhoto { photo }
        | Change::RestorePhoto { photo } => format!("photo.{}", photo.uid),
    }
}

/// Position of a change in the displayed plan: (group, address, rank).
fn sort_key(change: &Change) -> (u8, String, u8) {
    let (group, rank) = match change {
        Change::RestorePhoto { .. } => (0, 0),
        Change::CreateAlbum { .. } => (1, 0),
        Change::UpdateAlbum { .. } => (1, 1),
        Change::RemovePhotos { .. } => (1, 2),
        Change::AddPhotos { .. } => (1, 3),
        Change::UpdatePhoto { .. } => (2, 0),
        Change::ArchivePhoto { .. } => (2, 1),
        Change::DeleteAlbum { .. } => (3, 0),
    };
    (group, address(change), rank)
}

/// Builds the ordered plan from unordered changes.
pub fn build(
    changes: Vec<Change>,
    server: &str,
    fingerprint: &str,
    options: &GraphOptions,
) -> Result<Plan, Vec<PlanProblem>> {
    let mut graph: DiGraph<Change, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = changes
        .into_iter()
        .map(|change| graph.add_node(change))
        .collect();

    // Restores first: every action that touches a restored photo waits for it.
    let restores: BTreeMap<String, NodeIndex> = nodes
        .iter()
        .filter_map(|&node| match &graph[node] {
            Change::RestorePhoto { photo } => Some((photo.uid.clone(), node)),
            _ => None,
        })
        .collect();
    let mut edges = Vec::new();
    for &node in &nodes {
        let photos: Vec<&str> = match &graph[node] {
            Change::AddPhotos { photos, .. } | Change::CreateAlbum { photos, .. } => {
                photos.iter().map(|photo| photo.uid.as_str()).collect()
            }
            Change::UpdatePhoto { photo, .. } => vec![photo.uid.as_str()],
            _ => Vec::new(),
        };
        for uid in photos {
            if let Some(&restore) = restores.get(uid) {
                edges.push((restore, node));
            }
        }
    }
    // A photo is edited before it is archived (batch edit skips archived photos).
    let updates: BTreeMap<String, NodeIndex> = nodes
        .iter()
        .filter_map(|&node| match &graph[node] {
            Change::UpdatePhoto { photo, .. } => Some((photo.uid.clone(), node)),
            _ => None,
        })
        .collect();
    for &node in &nodes {
        if let Change::ArchivePhoto { photo } = &graph[node] {
            if let Some(&update) = updates.get(&photo.uid) {
                edges.push((update, node));
            }
        }
    }
    // An undo archives a photo again and then adds it back to the albums it was visible in
    // while archived (archiving hides every row, photoprism-api.md §3.9): the add waits for
    // the archive. A manifest never archives a photo it adds (`archive_conflict`).
    let archives: BTreeMap<String, NodeIndex> = nodes
        .iter()
        .filter_map(|&node| match &graph[node] {
            Change::ArchivePhoto { photo } => Some((photo.uid.clone(), node)),
            _ => None,
        })
        .collect();
    for &node in &nodes {
        if let Change::AddPhotos { photos, .. } | Change::CreateAlbum { photos, .. } = &graph[node]
        {
            for photo in photos {
                if let Some(&archive) = archives.get(&photo.uid) {
                    edges.push((archive, node));
                }
            }
        }
    }
    // An undo brings deleted albums back one at a time: PhotoPrism's create restores the first
    // album its title finds, which may be one another create of the same undo is bringing
    // back (apply checks the answer against the albums live just before it).
    let mut restores_of_albums: Vec<(String, NodeIndex)> = nodes
        .iter()
        .filter(|&&node| matches!(&graph[node], Change::CreateAlbum { album, .. } if album.uid.is_some()))
        .map(|&node| (address(&graph[node]), node))
        .collect();
    restores_of_albums.sort();
    for pair in restores_of_albums.windows(2) {
        edges.push((pair[0].1, pair[1].1));
    }
    for (from, to) in edges {
        graph.update_edge(from, to, ());
    }

    let selected = select_targets(&graph, &nodes, &options.targets)?;
    let order = ordered(&graph, &selected);

    let position: BTreeMap<NodeIndex, usize> = order
        .iter()
        .enumerate()
        .map(|(id, &node)| (node, id))
        .collect();
    let actions: Vec<Action> = order
        .iter()
        .enumerate()
        .map(|(id, &node)| {
            let mut depends_on: Vec<usize> = graph
                .neighbors_directed(node, petgraph::Direction::Incoming)
                .filter_map(|dep| position.get(&dep).copied())
                .collect();
            depends_on.sort_unstable();
            Action {
                id,
                address: address(&graph[node]),
                effect: graph[node].effect(),
                change: graph[node].clone(),
                depends_on,
                cause: None,
            }
        })
        .collect();

    check_max_destroy(&actions, options)?;

    Ok(Plan {
        format_version: crate::plan::FORMAT_VERSION,
        prysm_version: env!("CARGO_PKG_VERSION").to_string(),
        server: server.to_string(),
        fingerprint: fingerprint.to_string(),
        summary: Summary::of(&actions),
        actions,
        budgets: Vec::new(),
        conflicts: Vec::new(),
    })
}

/// The nodes selected by `--target` (all when no target is given), with
/// everything they depend on.
fn select_targets(
    graph: &DiGraph<Change, ()>,
    nodes: &[NodeIndex],
    targets: &[String],
) -> Result<BTreeSet<NodeIndex>, Vec<PlanProblem>> {
    if targets.is_empty() {
        return Ok(nodes.iter().copied().collect());
    }
    let mut selected = BTreeSet::new();
    for &node in nodes {
        let addr = address(&graph[node]);
        if targets.iter().any(|target| matches_target(&addr, target)) {
            selected.insert(node);
        }
    }
    let mut stack: Vec<NodeIndex> = selected.iter().copied().collect();
    while let Some(node) = stack.pop() {
        for dep in graph.neighbors_directed(node, petgraph::Direction::Incoming) {
            if selected.insert(dep) {
                stack.push(dep);
            }
        }
    }
    Ok(selected)
}

/// Whether `address` is `target` or lies under it (`album.x` covers `album.x.photos`).
pub fn matches_target(address: &str, target: &str) -> bool {
    address == target
        || address
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Topological order of the selected nodes; among ready nodes the smallest
/// sort key goes first, which makes the order deterministic.
fn ordered(graph: &DiGraph<Change, ()>, selected: &BTreeSet<NodeIndex>) -> Vec<NodeIndex> {
    let mut waiting: BTreeMap<NodeIndex, usize> = selected
        .iter()
        .map(|&node| {
            let deps = graph
                .neighbors_directed(node, petgraph::Direction::Incoming)
                .filter(|dep| selected.contains(dep))
                .count();
            (node, deps)
        })
        .collect();
    let mut ready: BTreeSet<((u8, String, u8), NodeIndex)> = waiting
        .iter()
        .filter(|(_, deps)| **deps == 0)
        .map(|(&node, _)| (sort_key(&graph[node]), node))
        .collect();
    let mut order = Vec::with_capacity(selected.len());
    while let Some(first) = ready.pop_first() {
        let node = first.1;
        order.push(node);
        for next in graph.neighbors_directed(node, petgraph::Direction::Outgoing) {
            if let Some(deps) = waiting.get_mut(&next) {
                *deps -= 1;
                if *deps == 0 {
                    ready.insert((sort_key(&graph[next]), next));
                }
            }
        }
    }
    order
}

fn check_max_destroy(actions: &[Action], options: &GraphOptions) -> Result<(), Vec<PlanProblem>> {
    let Some(max) = options.max_destroy else {
        return Ok(());
    };
    let deletes: Vec<&Action> = actions
        .iter()
        .filter(|action| matches!(action.change, Change::DeleteAlbum { .. }))
        .collect();
    if options.allow_destroy || deletes.len() <= max as usize {
        return Ok(());
    }
    let pruned = deletes
        .iter()
        .filter(|action| {
            matches!(
                action.change,
                Change::DeleteAlbum {
                    reason: DeleteReason::Prune,
                    ..
                }
            )
        })
        .count();
    Err(vec![
        PlanProblem::new(
            "prysm::plan::max_destroy",
            format!(
                "the plan would delete {} albums ({} by `state: absent`, {} by `prune`), more than max_destroy = {}",
                deletes.len(),
                deletes.len() - pruned,
                pruned,
                max
            ),
        )
        .help(
            "check the deletes with `prysm plan` first; then raise `settings.max_destroy` or pass \
             `--allow-destroy` to allow them",
        ),
    ])
}
