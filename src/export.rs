//! Export: write a manifest that describes the server as it is (manual
//! albums with their UIDs, fields and members, and the favorite photos), so
//! an existing library can be brought under management.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::photoprism::{AlbumQuery, Client, Error, PhotoQuery};

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// How many requests may run at once.
    pub concurrency: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { concurrency: 8 }
    }
}

/// A YAML scalar: JSON string syntax is valid YAML and always quoted safely.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\""))
}

/// Reads the server and returns the manifest text.
pub async fn export(client: &Client, options: &ExportOptions) -> Result<String, Error> {
    let mut albums = client
        .all_albums(AlbumQuery {
            count: 1000,
            order: Some("added".to_string()),
            album_type: Some("album".to_string()),
            ..AlbumQuery::default()
        })
        .await?;
    albums.retain(|album| album.album_type == "album");
    albums.sort_by(|a, b| a.title.cmp(&b.title).then(a.uid.cmp(&b.uid)));

    let members: Vec<Vec<String>> = stream::iter(albums.iter().map(|album| album.uid.clone()))
        .map(|uid| async move { client.album_photo_uids(&uid).await })
        .buffered(options.concurrency.max(1))
        .try_collect()
        .await?;
    let mut favorites: Vec<String> = client
        .all_photos(PhotoQuery {
            count: 1000,
            merged: true,
            favorite: Some(true),
            ..PhotoQuery::default()
        })
        .await?
        .into_iter()
        .map(|photo| photo.uid)
        .collect();
    favorites.sort();
    favorites.dedup();

    let mut out = String::new();
    let _ = writeln!(out, "# Written by `prysm export` from {}.", client.server());
    let _ = writeln!(out, "version: 1");
    if albums.is_empty() {
        let _ = writeln!(out, "albums: {{}}");
    } else {
        let _ = writeln!(out, "albums:");
    }
    let mut keys = BTreeSet::new();
    for (album, photos) in albums.iter().zip(&members) {
        let base = {
            let slug = crate::manifest::slugify(&album.title);
            if slug.is_empty() || slug == "-" {
                album.uid.clone()
            } else {
                slug
            }
        };
        let mut key = base.clone();
        let mut n = 2;
        while !keys.insert(key.clone()) {
            key = format!("{base}-{n}");
            n += 1;
        }
        let _ = writeln!(out, "  {}:", quote(&key));
        let _ = writeln!(out, "    uid: {}", album.uid);
        let _ = writeln!(out, "    title: {}", quote(&album.title));
        for (name, value) in [
            ("description", &album.description),
            ("caption", &album.caption),
            ("notes", &album.notes),
            ("category", &album.category),
            ("location", &album.location),
        ] {
            if !value.is_empty() {
                let _ = writeln!(out, "    {name}: {}", quote(value));
            }
        }
        if !album.country.is_empty() && album.country != "zz" {
            let _ = writeln!(out, "    country: {}", album.country);
        }
        if !album.order.is_empty() {
            let _ = writeln!(out, "    order: {}", album.order);
        }
        let _ = writeln!(out, "    favorite: {}", album.favorite);
        let _ = writeln!(out, "    private: {}", album.private);
        if photos.is_empty() {
            let _ = writeln!(out, "    photos: []");
        } else {
            let _ = writeln!(out, "    photos:");
            let mut sorted = photos.clone();
            sorted.sort();
            sorted.dedup();
            for uid in sorted {
                let _ = writeln!(out, "      - uid: {uid}");
            }
        }
    }
    if !favorites.is_empty() {
        let _ = writeln!(out, "photos:");
        let _ = writeln!(out, "  - match:");
        for uid in &favorites {
            let _ = writeln!(out, "      - uid: {uid}");
        }
        let _ = writeln!(out, "    favorite: true");
    }
    Ok(out)
}
