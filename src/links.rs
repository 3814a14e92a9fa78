//! Share links: compare an album entry's `links` with the album's share links.
//!
//! A declared link with a `slug` is the album's link with that slug (PhotoPrism stores the
//! slug of what is sent, so both sides are compared as slugs). Declared links without a
//! slug are matched to the album's links without a slug: first to one that already has the
//! declared settings, then, in the order they are declared, to the rest in the order the
//! server created them; so a second plan finds the links the first apply created. Unmatched declared links are created; unmatched server links are deleted only
//! with `manage_links: true`. A link's token (what its URL is made of) is a secret: it is
//! never read into the state, a plan, a journal or a log.
//!
//! PhotoPrism counts a link's expiry from its last change, and its update form is not
//! pre-filled (photoprism-api.md §9): an update sends every field, and only a link whose
//! settings differ is updated, so applying twice never moves an expiry.

use crate::manifest::{AlbumEntry, LinkSpec};
use crate::plan::{AlbumRef, Change, FieldChange, LinkOp, LinkSettings, Value, duration};
use crate::state::{LibraryState, ServerAlbum, ServerLink};

/// The share link changes the entry needs.
pub(crate) fn link_changes(
    entry: &AlbumEntry,
    server: Option<&ServerAlbum>,
    album: &AlbumRef,
    state: &LibraryState,
) -> Vec<Change> {
    let Some(declared) = &entry.links else {
        return Vec::new();
    };
    let existing: &[ServerLink] = server
        .and_then(|album| state.links.get(&album.uid))
        .map_or(&[][..], Vec::as_slice);
    let matched = match_links(declared, existing);
    let mut changes = Vec::new();
    for (position, (spec, found)) in declared.iter().zip(&matched).enumerate() {
        let wanted = settings(spec);
        match found.and_then(|at| existing.get(at)) {
            None => changes.push(Change::ShareLink {
                album: album.clone(),
                op: LinkOp::Create,
                link_uid: None,
                position: Some(position + 1),
                link: wanted,
                fields: Vec::new(),
            }),
            Some(link) => {
                let fields = differences(&wanted, link);
                if !fields.is_empty() {
                    changes.push(Change::ShareLink {
                        album: album.clone(),
                        op: LinkOp::Update,
                        link_uid: Some(link.uid.clone()),
                        position: Some(position + 1),
                        link: LinkSettings {
                            has_password: link.verify_password,
                            ..wanted
                        },
                        fields,
                    });
                }
            }
        }
    }
    if entry.manage_links {
        for (at, link) in existing.iter().enumerate() {
            if matched.contains(&Some(at)) {
                continue;
            }
            changes.push(Change::ShareLink {
                album: album.clone(),
                op: LinkOp::Delete,
                link_uid: Some(link.uid.clone()),
                position: None,
                link: LinkSettings {
                    slug: link.slug.clone(),
                    expires: link.expires,
                    max_views: link.max_views,
                    password: None,
                    has_password: link.verify_password,
                },
                fields: Vec::new(),
            });
        }
    }
    changes
}

/// For each declared link, the index of the server link it is (`None`: to be created).
///
/// A declared link is one of the album's links of its slug. Among those, one whose settings
/// are already the declared ones is taken first (same expiry, view limit and password or
/// none), then one that needs no update (it has a password the entry does not declare), and
/// only then the first left in the order the server created them. Links without a slug are
/// told apart by nothing else: PhotoPrism stamps `CreatedAt` to the second, so links created
/// in one second (one apply) have no order, and matching them by position alone would swap
/// their settings on the next plan.
fn match_links(declared: &[LinkSpec], existing: &[ServerLink]) -> Vec<Option<usize>> {
    let mut taken = vec![false; existing.len()];
    let mut matched: Vec<Option<usize>> = vec![None; declared.len()];
    let wanted: Vec<(String, LinkSettings)> = declared
        .iter()
        .map(|spec| (spec.server_slug(), settings(spec)))
        .collect();
    // Pass 0: the same settings; pass 1: no update needed; pass 2: any link of the slug.
    let fits = |pass: u8, want: &LinkSettings, link: &ServerLink| match pass {
        0 => differences(want, link).is_empty() && link.verify_password == want.password.is_some(),
        1 => differences(want, link).is_empty(),
        _ => true,
    };
    for pass in 0..3 {
        for (at, (slug, want)) in wanted.iter().enumerate() {
            if matched[at].is_some() {
                continue;
            }
            let found = existing.iter().enumerate().position(|(index, link)| {
                !taken[index] && &link.slug == slug && fits(pass, want, link)
            });
            if let Some(index) = found {
                taken[index] = true;
                matched[at] = Some(index);
            }
        }
    }
    matched
}

/// A declared link's settings.
fn settings(spec: &LinkSpec) -> LinkSettings {
    LinkSettings {
        slug: spec.server_slug(),
        expires: spec.expires.unwrap_or(0),
        max_views: i64::from(spec.max_views.unwrap_or(0)),
        password: spec.password.clone(),
        has_password: false,
    }
}

/// How an expiry is shown: `never` or a duration.
fn expiry(seconds: i64) -> Value {
    Value::Text(if seconds == 0 {
        "never".to_string()
    } else {
        duration(seconds)
    })
}

/// How a view limit is shown.
fn views(max: i64) -> Value {
    if max == 0 {
        Value::Text("unlimited".to_string())
    } else {
        Value::Number(max as f64)
    }
}

/// The fields of `link` that differ from `wanted`. A password can only be seen as present
/// or not: a link that has one is taken to have the declared one.
fn differences(wanted: &LinkSettings, link: &ServerLink) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    if wanted.expires != link.expires {
        fields.push(FieldChange {
            field: "expires".to_string(),
            old: Some(expiry(link.expires)),
            new: expiry(wanted.expires),
        });
    }
    if wanted.max_views != link.max_views {
        fields.push(FieldChange {
            field: "max_views".to_string(),
            old: Some(views(link.max_views)),
            new: views(wanted.max_views),
        });
    }
    if let Some(source) = &wanted.password {
        if !link.verify_password {
            fields.push(FieldChange {
                field: "password".to_string(),
                old: Some(Value::Text("none".to_string())),
                new: Value::Text(format!("set from {source}")),
            });
        }
    }
    fields
}
