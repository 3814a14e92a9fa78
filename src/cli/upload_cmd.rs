//! `prysm upload PATH... [--album UID|TITLE]`: uploads new files (directories are walked),
//! skipping files whose SHA-1 the server already knows.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use sha1::{Digest, Sha1};

use super::{CliError, Connection, Interrupts};
use crate::photoprism::{AlbumQuery, Client, UploadFile};
use crate::render::text::terminal_safe;

/// Arguments of `prysm upload`.
#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// Files or directories (walked recursively; hidden files are skipped).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Add the photos (new and already known) to this album: a manifest album key (with
    /// `-f`), an album UID, or an exact title.
    #[arg(long, value_name = "KEY|UID|TITLE")]
    pub album: Option<String>,
    /// The manifest whose album keys `--album` may name (repeatable).
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
}

/// Files sent in one upload at most (one multipart request, one import).
const UPLOAD_FILES: usize = 50;
/// Bytes sent in one upload at most (a larger file goes alone).
const UPLOAD_BYTES: u64 = 128 * 1024 * 1024;

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

/// The album UID `--album` names: a key of the manifest given with `-f` (its pinned `uid`,
/// or the server album its title matches, as `prysm plan` matches it), else a UID of an
/// existing album, else an exact title.
async fn resolve_album(
    client: &Client,
    key: &str,
    manifest: Option<&crate::manifest::Manifest>,
) -> Result<String, CliError> {
    let albums = client.all_albums(AlbumQuery::default()).await?;
    if let Some(manifest) = manifest
        && let Some(entry) = manifest.albums.iter().find(|e| e.key == key)
    {
        if entry.state == crate::manifest::AlbumState::Absent {
            return Err(CliError::usage(
                format!("album.{key} is declared `state: absent`"),
                "name an album the manifest keeps",
            ));
        }
        let server: Vec<crate::state::ServerAlbum> = albums
            .iter()
            .filter(|a| a.album_type == "album")
            .cloned()
            .map(crate::state::ServerAlbum::from)
            .collect();
        // Only this entry is matched: other entries' problems are not this command's.
        let one = crate::manifest::Manifest {
            albums: vec![entry.clone()],
            photos: Vec::new(),
            ..manifest.clone()
        };
        return match crate::resolve::match_albums(&one, &server) {
            Ok(matched) => match matched.get(key).cloned().flatten() {
                Some(uid) => Ok(uid),
                None => Err(CliError::usage(
                    format!("album.{key} does not exist on the server yet"),
                    "run `prysm apply` first to create it",
                )),
            },
            Err(problems) => Err(CliError::usage(
                problems
                    .iter()
                    .map(|p| p.message().to_owned())
                    .collect::<Vec<_>>()
                    .join("; "),
                "add `uid:` to the entry (prysm export lists album UIDs)",
            )),
        };
    }
    if let Some(album) = albums.iter().find(|a| a.uid == key) {
        return Ok(album.uid.clone());
    }
    let titled: Vec<_> = albums.iter().filter(|a| a.title == key).collect();
    match titled.as_slice() {
        [one] => Ok(one.uid.clone()),
        [] => Err(CliError::usage(
            format!("no album has the UID or title `{}`", terminal_safe(key)),
            if manifest.is_some() {
                "name a key of the manifest given with -f, an album UID or an exact title"
            } else {
                "create the album first (prysm apply), or give its UID (or its manifest key with -f)"
            },
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
    // Read everything before connecting: an unreadable file or manifest stops the command early.
    let manifest = if args.files.is_empty() {
        None
    } else {
        Some(crate::manifest::load(&args.files)?)
    };
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
    let result = upload(&client, args, manifest.as_ref(), locals).await;
    super::connect::finish(&client, &interrupts).await;
    result
}

/// Splits files into uploads of at most [`UPLOAD_FILES`] files and [`UPLOAD_BYTES`] bytes,
/// never two files with the same base name in one upload (PhotoPrism keeps base names only).
fn batches(files: Vec<Local>) -> Vec<Vec<Local>> {
    let mut out: Vec<Vec<Local>> = Vec::new();
    let mut open: Vec<(Vec<Local>, u64, HashSet<std::ffi::OsString>)> = Vec::new();
    for file in files {
        let name = file
            .path
            .file_name()
            .map(|n| n.to_owned())
            .unwrap_or_default();
        let fits = open.iter().position(|(batch, bytes, names)| {
            batch.len() < UPLOAD_FILES
                && (batch.is_empty() || bytes + file.size <= UPLOAD_BYTES)
                && !names.contains(&name)
        });
        let index = match fits {
            Some(index) => index,
            None => {
                open.push((Vec::new(), 0, HashSet::new()));
                open.len() - 1
            }
        };
        let (batch, bytes, names) = &mut open[index];
        *bytes += file.size;
        names.insert(name);
        batch.push(file);
        if batch.len() >= UPLOAD_FILES || *bytes >= UPLOAD_BYTES {
            out.push(open.remove(index).0);
        }
    }
    out.extend(open.into_iter().map(|(batch, _, _)| batch));
    out
}

async fn upload(
    client: &Client,
    args: &UploadArgs,
    manifest: Option<&crate::manifest::Manifest>,
    locals: Vec<Local>,
) -> Result<ExitCode, CliError> {
    let albums = match &args.album {
        Some(key) => vec![resolve_album(client, key, manifest).await?],
        None => Vec::new(),
    };
    let hashes: Vec<String> = locals.iter().map(|l| l.sha1.clone()).collect();
    let known_photos = client.photo_uids_by_hash(&hashes).await?;
    let (known, new): (Vec<Local>, Vec<Local>) = locals
        .into_iter()
        .partition(|l| known_photos.contains_key(&l.sha1));
    // Photos already on the server join the album too: the command says "these files, in
    // this album".
    if let Some(album) = albums.first() {
        let mut uids: Vec<String> = known
            .iter()
            .filter_map(|l| known_photos.get(&l.sha1).cloned())
            .collect();
        uids.sort();
        uids.dedup();
        if !uids.is_empty() {
            client.add_photos_to_album(album, &uids).await?;
        }
    }
    let total_bytes: u64 = new.iter().map(|l| l.size).sum();
    let count = new.len();
    let bar = if std::io::stderr().is_terminal() && !new.is_empty() {
        let bar = ProgressBar::new(total_bytes);
        let style = ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Some(bar)
    } else {
        None
    };
    let mut uploaded: Vec<(PathBuf, String)> = Vec::new();
    let mut rejected: Vec<PathBuf> = Vec::new();
    let mut sent = 0usize;
    for batch in batches(new) {
        if let Some(bar) = &bar {
            bar.set_message(format!(
                "files {}-{} of {count}",
                sent + 1,
                sent + batch.len()
            ));
        }
        let mut files = Vec::with_capacity(batch.len());
        for local in &batch {
            files.push(UploadFile::from_path(&local.path).await?);
        }
        let report = match client.upload_files(&files, &albums).await {
            Ok(report) => report,
            Err(error) => {
                if let Some(bar) = &bar {
                    bar.finish_and_clear();
                }
                print_uploaded(&uploaded);
                let names = batch
                    .iter()
                    .map(|l| format!("`{}`", terminal_safe(&l.path.display().to_string())))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(CliError::usage(
                    format!("the upload of {names} failed: {error}"),
                    format!(
                        "{} file(s) were uploaded before it (listed above); the failed upload \
                         may or may not have been imported: run the command again, it skips \
                         what the server has",
                        uploaded.len()
                    ),
                ));
            }
        };
        drop(files);
        sent += batch.len();
        for local in batch {
            match report.photos.get(&local.sha1) {
                Some(uid) => uploaded.push((local.path, uid.clone())),
                None => rejected.push(local.path),
            }
            if let Some(bar) = &bar {
                bar.inc(local.size);
            }
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    print_uploaded(&uploaded);
    for path in &rejected {
        println!(
            "! {}  not imported (PhotoPrism did not index it: unsupported, rejected, or a sidecar file)",
            terminal_safe(&path.display().to_string())
        );
    }
    let into_album = if albums.is_empty() || known.is_empty() {
        ""
    } else {
        " (added to the album)"
    };
    println!(
        "{} new file(s) uploaded ({total_bytes} bytes), {} already on the server{into_album}.",
        uploaded.len() + rejected.len(),
        known.len()
    );
    if rejected.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: {} file(s) were sent but no photo holds them; check PhotoPrism's log for why",
            rejected.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// One line per uploaded file: the photo UID and the local path.
fn print_uploaded(uploaded: &[(PathBuf, String)]) {
    for (path, uid) in uploaded {
        println!("+ {uid}  {}", terminal_safe(&path.display().to_string()));
    }
}
