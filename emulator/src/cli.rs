//! The `prysm-emulator` command line: serve a seeded emulator until Ctrl-C (or until standard
//! input closes, with `--stdin-close`), for manual testing and for benchmarks that run the
//! emulator in a process of its own.
//!
//! `prysm-emulator --port 2342 --photos 100000 --albums 2000 --album-size 100 --describe lib.tsv`

use std::io::{BufWriter, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::seed::AlbumSeed;
use crate::{ApiGeneration, Emulator, EmulatorOptions};

/// Parsed command line.
struct Args {
    port: u16,
    photos: usize,
    albums: usize,
    album_size: usize,
    seed: u64,
    generation: ApiGeneration,
    latency_ms: u64,
    describe: Option<PathBuf>,
    stdin_close: bool,
}

const USAGE: &str = "usage: prysm-emulator [--port N] [--photos N] [--albums N] [--album-size N] \
[--seed N] [--generation 2024|2025] [--latency-ms N] [--describe FILE] [--stdin-close]

  --albums N, --album-size M   N manual albums of M photos each, drawn from the library
  --describe FILE              write the library as tab-separated lines:
                                 A <uid> <title> <member uid> <member uid> ...
                                 P <uid> <sha1 of the primary file> <primary file name>
  --stdin-close                stop when standard input closes (for parent processes)

Controls (not PhotoPrism routes): GET|DELETE /_emulator/requests (counts and handler time
per route), PUT /_emulator/latency?ms=N.";

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        port: 2342,
        photos: 0,
        albums: 0,
        album_size: 100,
        seed: 1,
        generation: ApiGeneration::V2025,
        latency_ms: 0,
        describe: None,
        stdin_close: false,
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "-h" | "--help" => return Err(USAGE.to_owned()),
            "--stdin-close" => {
                parsed.stdin_close = true;
                continue;
            }
            _ => {}
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |_| format!("invalid value {value:?} for {flag}\n{USAGE}");
        match flag.as_str() {
            "--port" => parsed.port = value.parse().map_err(bad)?,
            "--photos" => parsed.photos = value.parse().map_err(bad)?,
            "--albums" => parsed.albums = value.parse().map_err(bad)?,
            "--album-size" => parsed.album_size = value.parse().map_err(bad)?,
            "--seed" => parsed.seed = value.parse().map_err(bad)?,
            "--latency-ms" => parsed.latency_ms = value.parse().map_err(bad)?,
            "--describe" => parsed.describe = Some(PathBuf::from(value)),
            "--generation" => {
                parsed.generation = match value.as_str() {
                    "2024" => ApiGeneration::V2024,
                    "2025" | "2026" => ApiGeneration::V2025,
                    _ => return Err(format!("unknown generation {value:?}\n{USAGE}")),
                }
            }
            _ => return Err(format!("unknown option {flag:?}\n{USAGE}")),
        }
    }
    Ok(parsed)
}

const ALBUM_WORDS: &[&str] = &[
    "Trip", "Family", "Garden", "Summer", "Winter", "Friends", "Hike", "Birthday", "City", "Coast",
];

/// Adds `count` manual albums of `size` distinct photos each, drawn with a generator seeded
/// by `seed` (so a photo is in `count * size / photos` albums on average). Titles are
/// `"<word> <n>"`, unique.
fn seed_albums(emulator: &Emulator, photos: &[String], count: usize, size: usize, seed: u64) {
    if photos.is_empty() {
        return;
    }
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x00a1_b2c3);
    let size = size.min(photos.len());
    for index in 0..count {
        let mut members: Vec<String> = Vec::with_capacity(size);
        let mut picked = std::collections::HashSet::with_capacity(size);
        while members.len() < size {
            let at = rng.random_range(0..photos.len());
            if picked.insert(at) {
                members.push(photos[at].clone());
            }
        }
        emulator.seed_album(AlbumSeed {
            title: format!(
                "{} {:05}",
                ALBUM_WORDS[index % ALBUM_WORDS.len()],
                index + 1
            ),
            photos: members,
            ..AlbumSeed::default()
        });
    }
}

/// Writes the `--describe` file.
fn describe(emulator: &Emulator, path: &PathBuf) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    emulator.with_store(|store| -> std::io::Result<()> {
        for album in store.albums.values() {
            if album.kind != "album" || album.deleted_at.is_some() {
                continue;
            }
            write!(out, "A\t{}\t{}", album.uid, album.title)?;
            for member in store.visible_members(&album.uid) {
                write!(out, "\t{member}")?;
            }
            writeln!(out)?;
        }
        for photo in store.photos.values() {
            if let Some(file) = photo.primary_file() {
                writeln!(out, "P\t{}\t{}\t{}", photo.uid, file.hash, file.name)?;
            }
        }
        Ok(())
    })?;
    out.flush()
}

/// Runs the command line (`args` without the program name) and returns the exit code.
pub fn main(args: impl IntoIterator<Item = String>) -> ExitCode {
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> ExitCode {
    let options = EmulatorOptions {
        generation: args.generation,
        port: args.port,
        ..EmulatorOptions::default()
    };
    let (username, password) = (options.username.clone(), options.password.clone());
    let emulator = match Emulator::start(options).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cannot start the emulator on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    if args.photos > 0 {
        let photos = emulator.generate_library(args.photos, args.seed);
        seed_albums(&emulator, &photos, args.albums, args.album_size, args.seed);
    }
    let seeded = started.elapsed();
    if let Some(path) = &args.describe {
        if let Err(e) = describe(&emulator, path) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if args.latency_ms > 0 {
        emulator.set_latency(std::time::Duration::from_millis(args.latency_ms));
    }
    println!(
        "PhotoPrism emulator ({:?}) at {}",
        args.generation,
        emulator.url()
    );
    println!("username: {username}");
    println!("password: {password}");
    println!(
        "photos:   {} ({} albums of {}, seeded in {:.2?})",
        args.photos, args.albums, args.album_size, seeded
    );
    if args.stdin_close {
        println!("ready; stops when standard input closes");
    } else {
        println!("press Ctrl-C to stop");
    }
    let _ = std::io::stdout().flush();
    if args.stdin_close {
        // A blocking read on its own thread: EOF (the parent exited or closed the pipe) stops us.
        let closed = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        });
        tokio::select! {
            _ = closed => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    } else if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {e}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse() {
        let args = parse_args(
            [
                "--photos",
                "10",
                "--albums",
                "2",
                "--album-size",
                "3",
                "--stdin-close",
            ]
            .map(String::from),
        )
        .expect("valid");
        assert_eq!((args.photos, args.albums, args.album_size), (10, 2, 3));
        assert!(args.stdin_close);
        assert!(parse_args(["--photos".to_owned()]).is_err());
        assert!(parse_args(["--generation", "1999"].map(String::from)).is_err());
    }

    #[tokio::test]
    async fn albums_and_description_are_seeded() {
        let emulator = Emulator::start_default().await.expect("start");
        let photos = emulator.generate_library(50, 3);
        seed_albums(&emulator, &photos, 4, 10, 3);
        let albums = emulator.albums();
        assert_eq!(albums.len(), 4);
        assert!(albums.iter().all(|album| album.photo_count == 10));
        let dir = std::env::temp_dir().join(format!("prysm-emu-describe-{}", std::process::id()));
        describe(&emulator, &dir).expect("describe");
        let text = std::fs::read_to_string(&dir).expect("read");
        let _ = std::fs::remove_file(&dir);
        assert_eq!(text.lines().filter(|l| l.starts_with("A\t")).count(), 4);
        assert_eq!(text.lines().filter(|l| l.starts_with("P\t")).count(), 50);
        let first = text.lines().next().expect("a line");
        assert_eq!(first.split('\t').count(), 3 + 10);
        emulator.shutdown().await;
    }
}
