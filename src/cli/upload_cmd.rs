//! `prysm upload PATH... [--album UID|TITLE]`: uploads new files (directories are walked),
//! skipping files whose SHA-1 the server already knows.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use sha1::{Digest, Sha1};

use super::{CliError, Connection, Interrupts};
use crate::photoprism::{AlbumQuery, Client, Error, UploadFile};
use crate::render::text::terminal_safe;

/// Arguments of `prysm upload`.
#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// Files or directories (walked recursively; hidden files are skipped).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Add the uploaded photos to this album: an album UID or an exact title.
    #[arg(long, value_name = "UID|TITLE")]
    pub album: Option<String>,
}

/// A local file to upload.
struct Local {
    path: PathBuf,
    sha1: String,
    size: u64,
}

/// Every regular file below `paths`, sorted, without hidden entries of directories.
fn walk(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| CliError::Io {
            what: format!("cannot read `{}`", path.display()),
            source,
        })?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .and_then(|dir| dir.map(|e| e.map(|e| e.path())).collect())
                .map_err(|source| CliError::Io {
                    what: format!("cannot list `{}`", path.display()),
                    source,
                })?;
            entries.retain(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_none_or(|n| !n.starts_with('.'))
            });
            entries.sort();
            out.extend(walk(&entries)?);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// SHA-1 and size of a file.
fn digest(path: &Path) -> Result<Local, CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Io {
        what: format!("cannot read `{}`", path.display()),
        source,
    })?;
    Ok(Local {
        path: path.to_owned(),
        sha1: hex::encode(Sha1::digest(&bytes)),
        size: bytes.len() as u64,
    })
}

/// The album UID `--album` names: a UID of an existing album, or an exact title.
async fn resolve_album(client: &Client, key: &str) -> Result<String, CliError> {
    let albums = client.all_albums(AlbumQuery::default()).await?;
    if let Some(album) = albums.iter().find(|a| a.uid == key) {
        return Ok(album.uid.clone());
    }
    let titled: Vec<_> = albums.iter().filter(|a| a.title == key).collect();
    match titled.as_slice() {
        [one] => Ok(one.uid.clone()),
        [] => Err(CliError::usage(
            format!("no album has the UID or title `{}`", terminal_safe(key)),
            "create the album first (prysm apply), or give its UID",
        )),
        _ => Err(CliError::usage(
            format!(
                "{} albums are titled `{}`",
                titled.len(),
                terminal_safe(key)
            ),
            "give the album's UID instead",
        )),
    }
}

/// Runs `prysm upload`.
pub async fn run(connection: &Connection, args: &UploadArgs) -> Result<ExitCode, CliError> {
    // Read everything before connecting: an unreadable file stops the command early.
    let mut seen = HashSet::new();
    let mut locals = Vec::new();
    for path in walk(&args.paths)? {
        let local = digest(&path)?;
        if seen.insert(local.sha1.clone()) {
            locals.push(local);
        }
    }
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let result = upload(&client, args, locals).await;
    super::connect::finish(&client, &interrupts).await;
    result
}

async fn upload(
    client: &Client,
    args: &UploadArgs,
    locals: Vec<Local>,
) -> Result<ExitCode, CliError> {
    let albums = match &args.album {
        Some(key) => vec![resolve_album(client, key).await?],
        None => Vec::new(),
    };
    let mut new = Vec::new();
    let mut known = 0usize;
    for local in locals {
        match client.file_by_hash(&local.sha1).await {
            Ok(_) => known += 1,
            Err(Error::NotFound { .. }) => new.push(local),
            Err(other) => return Err(other.into()),
        }
    }
    let total_bytes: u64 = new.iter().map(|l| l.size).sum();
    let bar = if std::io::stderr().is_terminal() && !new.is_empty() {
        let bar = ProgressBar::new(total_bytes);
        let style = ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Some(bar)
    } else {
        None
    };
    let count = new.len();
    let mut uploaded = Vec::new();
    for (i, local) in new.iter().enumerate() {
        if let Some(bar) = &bar {
            bar.set_message(format!("file {}/{count}", i + 1));
        }
        let file = UploadFile::from_path(&local.path).await?;
        let photos = client.upload(&[file], &albums).await.map_err(|error| {
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            CliError::usage(
                format!(
                    "the upload of `{}` failed: {error}",
                    terminal_safe(&local.path.display().to_string())
                ),
                format!(
                    "{} file(s) were uploaded before it; run the command again to upload the rest",
                    uploaded.len()
                ),
            )
        })?;
        for photo in photos {
            uploaded.push((local.path.clone(), photo.uid));
        }
        if let Some(bar) = &bar {
            bar.inc(local.size);
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    for (path, uid) in &uploaded {
        println!("+ {uid}  {}", terminal_safe(&path.display().to_string()));
    }
    println!("{count} new file(s) uploaded ({total_bytes} bytes), {known} already on the server.");
    Ok(ExitCode::SUCCESS)
}
