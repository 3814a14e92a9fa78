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
        | Change::RestorePhoto { photo }
        | Change::ApprovePhoto { photo, .. } => format!("photo.{}", photo.uid),
        Change::SetAlbumCover { album, .. } => format!("{}.cover", album_address(album)),
        Change::ShareLink {
            album,
            link,
            link_uid,
            position,
            ..
        } => {
            let which = link.name(link_uid.as_deref(), *position);
            format!("{}.links.{which}", album_address(album))
        }
    }
}

/// `album.KEY`, or `album[UID]` for an album the manifest does not declare.
fn album_address(album: &crate::plan::AlbumRef) -> String {
    match &album.key {
        Some(key) => format!("album.{key}"),
        None => format!("album[{}]", album.uid.as_deref().unwrap_or_default()),
    }
}

/// Position of a change in the displayed plan: (group, address, rank).
fn sort_key(change: &Change) -> (u8, String, u8) {
    let (group, rank) = match change {
        Change::RestorePhoto { .. } => (0, 0),
        Change::ApprovePhoto { .. } => (0, 1),
        Change::CreateAlbum { .. } => (1, 0),
        Change::UpdateAlbum { .. } => (1, 1),
        Change::RemovePhotos { .. } => (1, 2),
        Change::AddPhotos { .. } => (1, 3),
        Change::SetAlbumCover { .. } => (1, 4),
        Change::ShareLink { .. } => (1, 5),
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
    build_with_reads(changes, server, fingerprint, options, &[])
}

/// Which changes read an album's membership: (address of the reading change, key of the
/// album read). An `album:` selector reads the album's membership as the plan leaves it,
/// so the reading change comes after the album's creation and membership changes.
pub type AlbumReads = [(String, String)];

/// [`build`], with the changes that read an album ordered after that album's changes.
pub fn build_with_reads(
    changes: Vec<Change>,
    server: &str,
    fingerprint: &str,
    options: &GraphOptions,
    reads: &AlbumReads,
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
            // Approving an archived photo in review restores it.
            Change::RestorePhoto { photo } | Change::ApprovePhoto { photo, .. } => {
                Some((photo.uid.clone(), node))
            }
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
    edges.extend(read_edges(&graph, &nodes, reads));
    edges.extend(album_extra_edges(&graph, &nodes));
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
        warnings: Vec::new(),
    })
}

/// Edges from an album's create and membership changes to the changes that read it.
fn read_edges(
    graph: &DiGraph<Change, ()>,
    nodes: &[NodeIndex],
    reads: &AlbumReads,
) -> Vec<(NodeIndex, NodeIndex)> {
    if reads.is_empty() {
        return Vec::new();
    }
    let mut by_address: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for &node in nodes {
        by_address
            .entry(address(&graph[node]))
            .or_default()
            .push(node);
    }
    let mut edges = Vec::new();
    for (reader, album) in reads {
        let Some(readers) = by_address.get(reader) else {
            continue;
        };
        let album_address = format!("album.{album}");
        let photos_address = format!("album.{album}.photos");
        for address in [&album_address, &photos_address] {
            for &from in by_address.get(address).into_iter().flatten() {
                // An album is never deleted while read (`validate` refuses that).
                if matches!(graph[from], Change::DeleteAlbum { .. }) {
                    continue;
                }
                for &to in readers {
                    if from != to {
                        edges.push((from, to));
                    }
                }
            }
        }
    }
    edges
}

/// Covers and share links come after what else the plan does to their album: the create
/// (which gives the album its UID), the field updates (a cover is a PUT of the same album),
/// and the membership changes (a cover is chosen among the album's photos).
fn album_extra_edges(
    graph: &DiGraph<Change, ()>,
    nodes: &[NodeIndex],
) -> Vec<(NodeIndex, NodeIndex)> {
    let album_of = |node: NodeIndex| graph[node].album().map(album_address);
    let mut before: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for &node in nodes {
        let first = matches!(
            graph[node],
            Change::CreateAlbum { .. }
                | Change::UpdateAlbum { .. }
                | Change::AddPhotos { .. }
                | Change::RemovePhotos { .. }
        );
        if let (true, Some(album)) = (first, album_of(node)) {
            before.entry(album).or_default().push(node);
        }
    }
    let mut edges = Vec::new();
    for &node in nodes {
        let later = match &graph[node] {
            Change::SetAlbumCover { .. } => true,
            // A link needs only the album's UID.
            Change::ShareLink { .. } => false,
            _ => continue,
        };
        let Some(album) = album_of(node) else {
            continue;
        };
        for &first in before.get(&album).into_iter().flatten() {
            if later || matches!(graph[first], Change::CreateAlbum { .. }) {
                edges.push((first, node));
            }
        }
    }
    edges
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
