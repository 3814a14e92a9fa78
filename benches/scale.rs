//! Scale benchmark: the `prysm` binary against an emulator in a separate process.
//!
//! Run with `cargo bench --bench scale` (all sizes: 10k, 100k and 300k photos), or
//! `cargo bench --bench scale -- --sizes 100000 --scenarios noop,latency` for a part.
//!
//! For every run it prints the requests prysm made (by route), the minimum a client needs for
//! that manifest, wall time, and prysm's own CPU time and peak RSS (from `wait4` on the child:
//! `ru_utime + ru_stime`, `ru_maxrss`). The emulator runs in its own process (this benchmark
//! re-executes itself as `prysm-emulator`, see `prysm_emulator::cli`), so its memory and CPU
//! are not counted.
//!
//! Scenarios (`--scenarios`, comma-separated; default all but `script`'s 2024 apply at 100k):
//! * `noop`: albums managed by `uid`, `membership: exact`, members by photo `uid` (and by
//!   `hash` and `path`), already in sync; `prysm validate` of the same manifest.
//! * `changing`: renames, membership changes, new albums, artist/copyright and favorites on
//!   thousands of photos: plan, apply, plan again (must be empty).
//! * `latency`: the no-op plan with 20 ms per request at `--concurrency 8`.
//! * `script`: the 20,000-photo workload on both API generations with 5 ms latency,
//!   prysm against a straightforward script on prysm's client (pages of 1,000, one add/remove
//!   request per album, per-photo PUTs where the API offers nothing else, batch edit on 2025+).
//! * `apply`: on a 2025+ server, an apply that changes 20,000 photos and 2,000 albums, with the
//!   emulator's handler time per route (where the time goes: server vs prysm).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Rows per page prysm's minimum is computed with (the page size of a careful script).
const PAGE: usize = 1000;
/// Photos per batch-edit request (PhotoPrism's web UI and prysm use 500).
const BATCH: usize = 500;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__emulator") {
        return prysm_emulator::cli::main(args.into_iter().skip(2));
    }
    if args.get(1).map(String::as_str) == Some("__runner") {
        return runner();
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this binary without it: do
    // not start a benchmark of many minutes from a test run.
    if args.len() < 2 {
        println!("scale: nothing to do without `--bench` (run `cargo bench --bench scale`)");
        return ExitCode::SUCCESS;
    }
    let options = match Options::parse(&args[1..]) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Command-line options (`cargo bench` adds `--bench`, which is ignored).
struct Options {
    sizes: Vec<usize>,
    scenarios: BTreeSet<String>,
    kinds: Vec<Kind>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            sizes: vec![10_000, 100_000, 300_000],
            scenarios: ["noop", "changing", "latency", "script", "apply"]
                .into_iter()
                .map(String::from)
                .collect(),
            kinds: vec![Kind::Uid, Kind::Hash, Kind::Path],
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--sizes" => {
                    let value = it.next().ok_or("--sizes needs a value")?;
                    options.sizes = value
                        .split(',')
                        .map(|size| size.trim().parse().map_err(|_| format!("bad size {size}")))
                        .collect::<Result<_, _>>()?;
                }
                "--scenarios" => {
                    let value = it.next().ok_or("--scenarios needs a value")?;
                    options.scenarios = value.split(',').map(|s| s.trim().to_string()).collect();
                }
                "--kinds" => {
                    let value = it.next().ok_or("--kinds needs a value")?;
                    options.kinds = value
                        .split(',')
                        .map(|kind| match kind.trim() {
                            "uid" => Ok(Kind::Uid),
                            "hash" => Ok(Kind::Hash),
                            "path" => Ok(Kind::Path),
                            other => Err(format!("unknown kind {other}")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                _ => {}
            }
        }
        Ok(options)
    }

    fn wants(&self, scenario: &str) -> bool {
        self.scenarios.contains(scenario)
    }
}

// ---------------------------------------------------------------------------------------------
// The emulator process

/// What the emulator seeded, read from its `--describe` file.
#[derive(Default)]
struct Library {
    /// (uid, title, members) in creation order.
    albums: Vec<(String, String, Vec<String>)>,
    /// uid -> (primary file hash, primary file name).
    photos: BTreeMap<String, (String, String)>,
    /// Photo UIDs in seeding order.
    order: Vec<String>,
}

impl Library {
    fn read(path: &Path) -> Result<Library, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut library = Library::default();
        for line in text.lines() {
            let mut parts = line.split('\t');
            match parts.next() {
                Some("A") => {
                    let uid = parts.next().unwrap_or_default().to_string();
                    let title = parts.next().unwrap_or_default().to_string();
                    library
                        .albums
                        .push((uid, title, parts.map(str::to_string).collect()));
                }
                Some("P") => {
                    let uid = parts.next().unwrap_or_default().to_string();
                    let hash = parts.next().unwrap_or_default().to_string();
                    let name = parts.next().unwrap_or_default().to_string();
                    library.order.push(uid.clone());
                    library.photos.insert(uid, (hash, name));
                }
                _ => {}
            }
        }
        Ok(library)
    }
}

/// An emulator serving in a child process; it stops when this is dropped (its stdin closes).
struct Emulator {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
    runtime: tokio::runtime::Runtime,
}

/// Request counts and handler time by route.
#[derive(Default, Clone)]
struct Counts {
    total: u64,
    routes: BTreeMap<String, (u64, f64)>,
}

impl Counts {
    fn of(&self, route: &str) -> u64 {
        self.routes.get(route).map_or(0, |(count, _)| *count)
    }

    fn busy_ms(&self) -> f64 {
        self.routes.values().map(|(_, ms)| ms).sum()
    }

    fn by_route(&self) -> String {
        let mut routes: Vec<(&String, &(u64, f64))> = self.routes.iter().collect();
        routes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        routes
            .iter()
            .map(|(route, (count, _))| format!("{count} {route}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Emulator {
    fn start(
        photos: usize,
        albums: usize,
        album_size: usize,
        generation: &str,
        describe: &Path,
    ) -> Result<Emulator, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let started = Instant::now();
        let mut child = Command::new(exe)
            .args(["__emulator", "--port", "0", "--seed", "42", "--stdin-close"])
            .args(["--photos", &photos.to_string()])
            .args(["--albums", &albums.to_string()])
            .args(["--album-size", &album_size.to_string()])
            .args(["--generation", generation])
            .arg("--describe")
            .arg(describe)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no emulator stdout")?;
        let mut url = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| e.to_string())?;
            if let Some(at) = line.split(" at ").nth(1) {
                url = at.trim().to_string();
            }
            if line.starts_with("ready") {
                break;
            }
        }
        if url.is_empty() {
            return Err("the emulator did not say where it listens".to_string());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        println!(
            "  emulator ({generation}): {photos} photos, {albums} albums of {album_size}, \
             seeded in {:.1?}",
            started.elapsed()
        );
        Ok(Emulator {
            child,
            stdin,
            url,
            runtime,
        })
    }

    fn control(&self, method: reqwest::Method, path: &str) -> Result<serde_json::Value, String> {
        let url = format!("{}{path}", self.url);
        self.runtime.block_on(async {
            let response = reqwest::Client::new()
                .request(method, url)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            response
                .json::<serde_json::Value>()
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn counts(&self) -> Result<Counts, String> {
        let value = self.control(reqwest::Method::GET, "/_emulator/requests")?;
        let mut counts = Counts {
            total: value["total"].as_u64().unwrap_or(0),
            ..Counts::default()
        };
        if let Some(routes) = value["routes"].as_object() {
            for (route, entry) in routes {
                counts.routes.insert(
                    route.clone(),
                    (
                        entry["count"].as_u64().unwrap_or(0),
                        entry["busy_ms"].as_f64().unwrap_or(0.0),
                    ),
                );
            }
        }
        Ok(counts)
    }

    fn reset(&self) -> Result<(), String> {
        self.control(reqwest::Method::DELETE, "/_emulator/requests")
            .map(|_| ())
    }

    fn set_latency(&self, ms: u64) -> Result<(), String> {
        self.control(reqwest::Method::PUT, &format!("/_emulator/latency?ms={ms}"))
            .map(|_| ())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Closing stdin stops the emulator; wait for it so no process is left behind.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Running prysm

/// What one run of the `prysm` binary cost.
struct Run {
    wall: Duration,
    cpu: Duration,
    peak_rss_mb: f64,
    status: i32,
    stdout: String,
}

/// Runs the `prysm` binary and measures it with `wait4`, through the runner process.
fn prysm(url: &str, args: &[&str], dir: &Path) -> Result<Run, String> {
    let out_path = dir.join("prysm.out");
    let err_path = dir.join("prysm.err");
    let mut request = vec![
        url.to_string(),
        out_path.to_string_lossy().to_string(),
        err_path.to_string_lossy().to_string(),
    ];
    request.extend(args.iter().map(|arg| arg.to_string()));
    let answer = {
        let runner = RUNNER.get().ok_or("the runner was not started")?;
        let mut runner = runner.lock().map_err(|_| "the runner failed")?;
        runner.measure(&request)?
    };
    let mut stdout = String::new();
    std::fs::File::open(&out_path)
        .and_then(|mut f| f.read_to_string(&mut stdout))
        .map_err(|e| e.to_string())?;
    let code = answer["code"].as_i64().unwrap_or(-1) as i32;
    if code != 0 && code != 2 {
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        return Err(format!(
            "prysm {} exited with {code}:\n{}\n{}",
            args.join(" "),
            stderr.chars().take(3000).collect::<String>(),
            stdout.chars().take(2000).collect::<String>()
        ));
    }
    let micros = |key: &str| Duration::from_micros(answer[key].as_u64().unwrap_or(0));
    Ok(Run {
        wall: micros("wall_us"),
        cpu: micros("cpu_us"),
        peak_rss_mb: answer["maxrss_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        status: code,
        stdout,
    })
}

/// The process that starts `prysm` and waits for it. It is started while this benchmark
/// is still small: a child started with `vfork` and `exec` is charged the parent's peak
/// memory in `ru_maxrss`, so the parent of the measured process must stay small.
struct Runner {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

static RUNNER: std::sync::OnceLock<std::sync::Mutex<Runner>> = std::sync::OnceLock::new();

impl Runner {
    fn start() -> Result<Runner, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("__runner")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the runner: {e}"))?;
        let stdin = child.stdin.take().ok_or("no runner stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no runner stdout")?);
        Ok(Runner {
            child,
            stdin,
            stdout,
        })
    }

    fn measure(&mut self, request: &[String]) -> Result<serde_json::Value, String> {
        use std::io::Write as _;
        let line = serde_json::to_string(request).map_err(|e| e.to_string())?;
        writeln!(self.stdin, "{line}").map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())?;
        let mut answer = String::new();
        self.stdout
            .read_line(&mut answer)
            .map_err(|e| e.to_string())?;
        let answer: serde_json::Value =
            serde_json::from_str(&answer).map_err(|e| format!("runner: {e}: {answer}"))?;
        match answer["error"].as_str() {
            Some(error) => Err(error.to_string()),
            None => Ok(answer),
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The runner's loop: one JSON line `[url, stdout file, stderr file, args...]` in, one JSON
/// line `{wall_us, cpu_us, maxrss_kb, code}` (or `{error}`) out.
fn runner() -> ExitCode {
    use std::io::Write as _;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match serde_json::from_str::<Vec<String>>(&line) {
            Ok(request) => {
                run_measured(&request).unwrap_or_else(|error| serde_json::json!({ "error": error }))
            }
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn run_measured(request: &[String]) -> Result<serde_json::Value, String> {
    let [url, out_path, err_path, args @ ..] = request else {
        return Err("short request".to_string());
    };
    let out = std::fs::File::create(out_path).map_err(|e| e.to_string())?;
    let err = std::fs::File::create(err_path).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_prysm"))
        .args(args)
        .env("PHOTOPRISM_URL", url)
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism")
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run prysm: {e}"))?;
    let pid = i32::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status = 0i32;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if waited != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok(serde_json::json!({
        "wall_us": wall.as_micros() as u64,
        "cpu_us": micros(usage.ru_utime) + micros(usage.ru_stime),
        "maxrss_kb": usage.ru_maxrss,
        "code": code,
    }))
}

/// Prints one result line.
fn report(label: &str, run: &Run, counts: Option<(&Counts, usize)>) {
    let requests = match counts {
        Some((counts, minimum)) => format!(
            "{:>6} requests (minimum {minimum}, {:.2}x)",
            counts.total,
            counts.total as f64 / minimum.max(1) as f64
        ),
        None => String::from("offline"),
    };
    println!(
        "  {label:<34} {requests}  wall {:>7.2?}  cpu {:>7.2?}  peak RSS {:>6.0} MB",
        run.wall, run.cpu, run.peak_rss_mb
    );
    if let Some((counts, _)) = counts {
        println!("      {}", counts.by_route());
    }
}

// ---------------------------------------------------------------------------------------------
// Manifests

/// How album members are selected.
#[derive(Clone, Copy)]
enum Kind {
    Uid,
    Hash,
    Path,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Uid => "uid",
            Kind::Hash => "hash",
            Kind::Path => "path",
        }
    }

    fn selector(self, library: &Library, uid: &str) -> String {
        let (hash, name) = library.photos.get(uid).cloned().unwrap_or_default();
        match self {
            Kind::Uid => format!("uid: {uid}"),
            Kind::Hash => format!("hash: {hash}"),
            Kind::Path => format!("path: \"{name}\""),
        }
    }
}

/// YAML double-quoted string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Every album by uid, exact membership, members by `kind`: a no-op.
fn noop_manifest(library: &Library, kind: Kind) -> String {
    let mut text = String::from("version: 1\nalbums:\n");
    for (index, (uid, title, members)) in library.albums.iter().enumerate() {
        let _ = writeln!(
            text,
            "  album-{index:05}:\n    uid: {uid}\n    title: {}\n    membership: exact\n    photos:",
            quoted(title)
        );
        for member in members {
            let _ = writeln!(text, "      - {}", kind.selector(library, member));
        }
    }
    text
}

/// The minimum requests of a no-op plan of `library`'s albums: log in, log out, the album
/// listing and one page per 1,000 members of each album.
fn noop_minimum(library: &Library) -> usize {
    2 + library.albums.len().div_ceil(PAGE).max(1)
        + library
            .albums
            .iter()
            .map(|(_, _, members)| members.len().div_ceil(PAGE).max(1))
            .sum::<usize>()
}

/// A changing manifest: 10 renames, 1 % of the albums with 5 photos added and 5 removed,
/// 5 new albums of 50 photos, artist/copyright on the members of the first 2 % of the albums
/// and favorites on the members of the next 2 %.
struct Changing {
    text: String,
    renamed: usize,
    membership: usize,
    created: usize,
    detail_photos: usize,
    favorite_photos: usize,
    already_favorite: usize,
}

fn changing_manifest(library: &Library, favorites: &BTreeSet<String>) -> Changing {
    let albums = library.albums.len();
    let membership_every = 100usize;
    let detail_albums = (albums / 50).max(1);
    let favorite_albums = (albums / 50).max(1);
    let mut text = String::from("version: 1\nalbums:\n");
    let mut renamed = 0;
    let mut membership = 0;
    let mut spare = library.order.iter().rev();
    for (index, (uid, title, members)) in library.albums.iter().enumerate() {
        let title = if index % (albums / 10).max(1) == 5 && renamed < 10 {
            renamed += 1;
            format!("{title} (renamed)")
        } else {
            title.clone()
        };
        let _ = writeln!(
            text,
            "  album-{index:05}:\n    uid: {uid}\n    title: {}\n    photos:",
            quoted(&title)
        );
        let change = index % membership_every == 7;
        let keep = if change {
            members.len() - 5
        } else {
            members.len()
        };
        for member in &members[..keep] {
            let _ = writeln!(text, "      - uid: {member}");
        }
        if change {
            membership += 1;
            let mut added = 0;
            for candidate in spare.by_ref() {
                if !members.contains(candidate) {
                    let _ = writeln!(text, "      - uid: {candidate}");
                    added += 1;
                    if added == 5 {
                        break;
                    }
                }
            }
        }
    }
    let created = 5;
    let mut fresh = library.order.iter();
    for index in 0..created {
        let _ = writeln!(
            text,
            "  new-{index}:\n    title: \"New album {index} ✨\"\n    photos:"
        );
        for member in fresh.by_ref().take(50) {
            let _ = writeln!(text, "      - uid: {member}");
        }
    }
    let mut detail: BTreeSet<&String> = BTreeSet::new();
    for (_, _, members) in library.albums.iter().take(detail_albums) {
        detail.extend(members);
    }
    let mut favorite: BTreeSet<&String> = BTreeSet::new();
    for (_, _, members) in library
        .albums
        .iter()
        .skip(detail_albums)
        .take(favorite_albums)
    {
        favorite.extend(members);
    }
    text.push_str("photos:\n  - match:\n");
    for uid in &detail {
        let _ = writeln!(text, "      - uid: {uid}");
    }
    text.push_str(
        "    artist: \"Zoë Ångström\"\n    copyright: \"© 2025 Zoë, 100% rights_reserved\"\n",
    );
    text.push_str("  - match:\n");
    for uid in &favorite {
        let _ = writeln!(text, "      - uid: {uid}");
    }
    text.push_str("    favorite: true\n");
    Changing {
        text,
        renamed,
        membership,
        created,
        detail_photos: detail.len(),
        favorite_photos: favorite.len(),
        already_favorite: favorite
            .iter()
            .filter(|uid| favorites.contains(**uid))
            .count(),
    }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

fn run(options: &Options) -> Result<(), String> {
    let runner = Runner::start()?;
    if RUNNER.set(std::sync::Mutex::new(runner)).is_err() {
        return Err("the runner was started twice".to_string());
    }
    let dir = std::env::temp_dir().join(format!("prysm-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!(
        "prysm scale benchmark: prysm {} on {}",
        env!("CARGO_PKG_VERSION"),
        machine()
    );
    let result = (|| {
        for &size in &options.sizes {
            if options.wants("noop") || options.wants("changing") || options.wants("latency") {
                scale_runs(options, size, &dir)?;
            }
        }
        if options.wants("script") {
            for generation in ["2024", "2025"] {
                script_comparison(generation, &dir)?;
            }
        }
        if options.wants("apply") {
            apply_at_scale(&dir)?;
        }
        Ok::<(), String>(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// CPU model and count, for the results table.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("unknown CPU")
        .to_string();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}

fn scale_runs(options: &Options, size: usize, dir: &Path) -> Result<(), String> {
    let albums = size / 50;
    println!("\n{size} photos, {albums} albums of ~100 (2025+ API)");
    let describe = dir.join("library.tsv");
    let emulator = Emulator::start(size, albums, 100, "2025", &describe)?;
    let library = Library::read(&describe)?;
    let minimum = noop_minimum(&library);

    if options.wants("noop") {
        for &kind in &options.kinds {
            let path = dir.join(format!("noop-{}.yaml", kind.name()));
            std::fs::write(&path, noop_manifest(&library, kind)).map_err(|e| e.to_string())?;
            let file = path.to_string_lossy().to_string();
            if let Kind::Uid = kind {
                let megabytes = std::fs::metadata(&path).map_or(0, |m| m.len()) as f64 / 1e6;
                let run = prysm(&emulator.url, &["validate", "-f", &file], dir)?;
                report(
                    &format!("validate ({megabytes:.1} MB manifest)"),
                    &run,
                    None,
                );
            }
            emulator.reset()?;
            let run = prysm(
                &emulator.url,
                &["plan", "-f", &file, "--detailed-exitcode"],
                dir,
            )?;
            let counts = emulator.counts()?;
            report(
                &format!("plan, no-op, members by {}", kind.name()),
                &run,
                Some((&counts, minimum)),
            );
            if run.status != 0 {
                return Err(format!(
                    "the no-op plan ({}) has changes:\n{}",
                    kind.name(),
                    run.stdout.chars().take(2000).collect::<String>()
                ));
            }
        }
    }

    if options.wants("latency") {
        let path = dir.join("noop-uid.yaml");
        std::fs::write(&path, noop_manifest(&library, Kind::Uid)).map_err(|e| e.to_string())?;
        let file = path.to_string_lossy().to_string();
        emulator.set_latency(20)?;
        emulator.reset()?;
        let run = prysm(
            &emulator.url,
            &["plan", "-f", &file, "--concurrency", "8"],
            dir,
        )?;
        let counts = emulator.counts()?;
        emulator.set_latency(0)?;
        report(
            "plan, no-op, 20 ms latency, 8 at once",
            &run,
            Some((&counts, minimum)),
        );
        let ideal = Duration::from_millis(20 * counts.total / 8);
        println!(
            "      ideal requests x 20 ms / 8 = {ideal:.2?}; measured {:.2?} ({:.2}x); \
             emulator handler time {:.2} s",
            run.wall,
            run.wall.as_secs_f64() / ideal.as_secs_f64().max(1e-9),
            counts.busy_ms() / 1000.0
        );
    }

    if options.wants("changing") {
        let favorites = BTreeSet::new();
        let changing = changing_manifest(&library, &favorites);
        let path = dir.join("changing.yaml");
        std::fs::write(&path, &changing.text).map_err(|e| e.to_string())?;
        let file = path.to_string_lossy().to_string();
        let detail_reads = changing.detail_photos.div_ceil(BATCH);
        let plan_minimum = minimum + detail_reads;
        emulator.reset()?;
        let run = prysm(&emulator.url, &["plan", "-f", &file], dir)?;
        let counts = emulator.counts()?;
        report("plan, changing", &run, Some((&counts, plan_minimum)));
        println!(
            "      {} renames, {} albums with 5 in/5 out, {} new albums, artist+copyright on \
             {} photos, favorites on {} ({} already)",
            changing.renamed,
            changing.membership,
            changing.created,
            changing.detail_photos,
            changing.favorite_photos,
            changing.already_favorite
        );
        // Writes: a PUT per rename, an add and a remove per changed album, a create and an
        // add per new album, one batch edit per 500 photos and distinct values.
        let writes = changing.renamed
            + 2 * changing.membership
            + 2 * changing.created
            + changing.detail_photos.div_ceil(BATCH)
            + changing.favorite_photos.div_ceil(BATCH);
        emulator.reset()?;
        let run = prysm(
            &emulator.url,
            &["apply", "-f", &file, "--auto-approve"],
            dir,
        )?;
        let counts = emulator.counts()?;
        report(
            "apply, changing",
            &run,
            Some((&counts, plan_minimum + writes)),
        );
        emulator.reset()?;
        let run = prysm(
            &emulator.url,
            &["plan", "-f", &file, "--detailed-exitcode"],
            dir,
        )?;
        let counts = emulator.counts()?;
        // The new albums are managed now: one more member page each.
        report(
            "plan after apply (no-op)",
            &run,
            Some((&counts, plan_minimum + changing.created)),
        );
        if run.status != 0 {
            return Err(format!(
                "the plan after apply is not empty:\n{}",
                run.stdout.chars().take(2000).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// An apply that changes 20,000 photos and 2,000 albums on a 2025+ server, with the time the
/// emulator spent handling each route.
fn apply_at_scale(dir: &Path) -> Result<(), String> {
    let (photos, albums) = (100_000, 2_000);
    println!("\napply at scale: {photos} photos, {albums} albums (2025+ API)");
    let describe = dir.join("apply.tsv");
    let emulator = Emulator::start(photos, albums, 100, "2025", &describe)?;
    let library = Library::read(&describe)?;
    let mut text = String::from("version: 1\nalbums:\n");
    for (index, (uid, title, members)) in library.albums.iter().enumerate() {
        let _ = writeln!(
            text,
            "  album-{index:05}:\n    uid: {uid}\n    title: {}\n    description: \"Scanned {index}\"\n    photos:",
            quoted(title)
        );
        for member in members {
            let _ = writeln!(text, "      - uid: {member}");
        }
    }
    let changed: Vec<&String> = library.order.iter().take(20_000).collect();
    text.push_str("photos:\n  - match:\n");
    for uid in &changed {
        let _ = writeln!(text, "      - uid: {uid}");
    }
    text.push_str("    artist: \"Scale Test\"\n    copyright: \"CC BY 4.0\"\n");
    let path = dir.join("apply.yaml");
    std::fs::write(&path, &text).map_err(|e| e.to_string())?;
    let file = path.to_string_lossy().to_string();
    // Photos in no album are looked up (up to 200 UIDs a request).
    let in_albums: BTreeSet<&String> = library
        .albums
        .iter()
        .flat_map(|(_, _, members)| members)
        .collect();
    let missing = changed
        .iter()
        .filter(|uid| !in_albums.contains(**uid))
        .count();
    let minimum = noop_minimum(&library) + missing.div_ceil(200) + changed.len().div_ceil(BATCH);
    let writes = albums + changed.len().div_ceil(BATCH);
    emulator.reset()?;
    let run = prysm(
        &emulator.url,
        &["apply", "-f", &file, "--auto-approve"],
        dir,
    )?;
    let counts = emulator.counts()?;
    report(
        "apply, 20k photos + 2k albums",
        &run,
        Some((&counts, minimum + writes)),
    );
    let mut by_time: Vec<(&String, &(u64, f64))> = counts.routes.iter().collect();
    by_time.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
    println!(
        "      where the time goes: wall {:.2?}; prysm CPU {:.2?}; emulator handler time {:.2} s: {}",
        run.wall,
        run.cpu,
        counts.busy_ms() / 1000.0,
        by_time
            .iter()
            .take(4)
            .map(|(route, (count, ms))| format!("{route} {:.2} s in {count}", ms / 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let batch = counts.of("POST /api/v1/batch/photos/edit");
    println!(
        "      batch edits go one at a time (the server's lock): {batch} requests; at the ~7 ms a \
         photo a real server takes (photoprism-api.md section 8), the {} photos hold it ~{:.0} s",
        changed.len(),
        changed.len() as f64 * 0.007
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// prysm against a script

/// The second workload on a 20,000-photo library: 20 query-filled albums, 10 renames,
/// artist/copyright on the photos of one year, favorites on the dogs of eight years, and
/// 210 photos removed from each of 5 albums.
struct Workload {
    query_albums: Vec<(String, String)>,
    renames: Vec<(String, String)>,
    exact: Vec<(String, String, Vec<String>)>,
    detail_query: String,
    favorite_query: String,
}

const ARTIST: &str = "Zoë Ångström";
const COPYRIGHT: &str = "© 2025 Zoë, 100% rights_reserved";

impl Workload {
    fn new(library: &Library) -> Workload {
        let labels = [
            "cat", "beach", "mountain", "city", "food", "flower", "car", "forest",
        ];
        let query_albums = (0..20)
            .map(|i| {
                let label = labels[i % labels.len()];
                let year = 2012 + i % 14;
                (
                    format!("Query album {i:02}: {label} {year}"),
                    format!("label:{label} year:{year}"),
                )
            })
            .collect();
        let renames = library
            .albums
            .iter()
            .take(10)
            .map(|(uid, title, _)| (uid.clone(), format!("{title} (renamed)")))
            .collect();
        let exact = library
            .albums
            .iter()
            .skip(10)
            .take(5)
            .map(|(uid, title, members)| {
                let keep = members.len().saturating_sub(210);
                (uid.clone(), title.clone(), members[..keep].to_vec())
            })
            .collect();
        Workload {
            query_albums,
            renames,
            exact,
            detail_query: "year:2016".to_string(),
            favorite_query: "label:dog year:2012|2013|2014|2015|2016|2017|2018|2019".to_string(),
        }
    }

    fn manifest(&self) -> String {
        let mut text = String::from("version: 1\nalbums:\n");
        for (index, (title, query)) in self.query_albums.iter().enumerate() {
            let _ = writeln!(
                text,
                "  query-{index:02}:\n    title: {}\n    photos:\n      - query: {}",
                quoted(title),
                quoted(query)
            );
        }
        for (index, (uid, title)) in self.renames.iter().enumerate() {
            let _ = writeln!(
                text,
                "  renamed-{index:02}:\n    uid: {uid}\n    title: {}",
                quoted(title)
            );
        }
        for (index, (uid, title, keep)) in self.exact.iter().enumerate() {
            let _ = writeln!(
                text,
                "  exact-{index:02}:\n    uid: {uid}\n    title: {}\n    photos:",
                quoted(title)
            );
            for member in keep {
                let _ = writeln!(text, "      - uid: {member}");
            }
        }
        let _ = writeln!(
            text,
            "photos:\n  - match: {{ query: {} }}\n    artist: {}\n    copyright: {}\n  - match: {{ query: {} }}\n    favorite: true",
            quoted(&self.detail_query),
            quoted(ARTIST),
            quoted(COPYRIGHT),
            quoted(&self.favorite_query)
        );
        text
    }
}

/// The script: what a careful user writes against the client library (sequential requests,
/// pages of 1,000, one add/remove request per album, per-photo requests where the API offers
/// nothing else, batch edit on 2025+ servers).
async fn script(
    client: &prysm::photoprism::Client,
    work: &Workload,
) -> Result<(), prysm::photoprism::Error> {
    use prysm::photoprism::{AlbumQuery, AlbumUpdate, BatchValues, PhotoQuery, PhotoUpdate};
    let batch = client.server_info().batch_edit;
    let albums = client
        .all_albums(AlbumQuery {
            count: PAGE,
            order: Some("added".to_string()),
            ..AlbumQuery::default()
        })
        .await?;
    let query_uids = |q: &str| PhotoQuery {
        count: PAGE,
        q: Some(q.to_string()),
        ..PhotoQuery::default()
    };
    for (uid, title) in &work.renames {
        if albums
            .iter()
            .any(|album| album.uid == *uid && album.title != *title)
        {
            let update = AlbumUpdate {
                title: Some(title.clone()),
                ..AlbumUpdate::default()
            };
            client.update_album(uid, &update).await?;
        }
    }
    for (uid, _, keep) in &work.exact {
        let members: BTreeSet<String> = client.album_photo_uids(uid).await?.into_iter().collect();
        let keep: BTreeSet<String> = keep.iter().cloned().collect();
        let remove: Vec<String> = members.difference(&keep).cloned().collect();
        let add: Vec<String> = keep.difference(&members).cloned().collect();
        if !remove.is_empty() {
            client.remove_photos_from_album(uid, &remove).await?;
        }
        if !add.is_empty() {
            client.add_photos_to_album(uid, &add).await?;
        }
    }
    for (title, query) in &work.query_albums {
        let wanted: BTreeSet<String> = client
            .all_photos(query_uids(query))
            .await?
            .into_iter()
            .map(|photo| photo.uid)
            .collect();
        let (uid, current) = match albums.iter().find(|album| album.title == *title) {
            Some(album) => {
                let members = client.album_photo_uids(&album.uid).await?;
                (album.uid.clone(), members.into_iter().collect())
            }
            None => (
                client.create_album(title, false).await?.album.uid,
                BTreeSet::new(),
            ),
        };
        let add: Vec<String> = wanted.difference(&current).cloned().collect();
        if !add.is_empty() {
            client.add_photos_to_album(&uid, &add).await?;
        }
    }
    let detail: Vec<String> = client
        .all_photos(query_uids(&work.detail_query))
        .await?
        .into_iter()
        .map(|photo| photo.uid)
        .collect();
    if batch {
        for chunk in detail.chunks(BATCH) {
            let read = client.batch_edit(chunk, &BatchValues::new()).await?;
            let same = |key: &str, wanted: &str| {
                read.values
                    .get(key)
                    .is_some_and(|value| !value.mixed && value.value == wanted)
            };
            if !(same("DetailsArtist", ARTIST) && same("DetailsCopyright", COPYRIGHT)) {
                let values = BatchValues::new().artist(ARTIST).copyright(COPYRIGHT);
                client.batch_edit(chunk, &values).await?;
            }
        }
    } else {
        for uid in &detail {
            let photo = client.photo(uid).await?;
            let details = photo.details.clone().unwrap_or_default();
            if details.artist != ARTIST || details.copyright != COPYRIGHT {
                let update = PhotoUpdate {
                    artist: Some(ARTIST.to_string()),
                    copyright: Some(COPYRIGHT.to_string()),
                    ..PhotoUpdate::default()
                };
                client.update_photo_from(&photo, &update).await?;
            }
        }
    }
    let todo: Vec<String> = client
        .all_photos(query_uids(&work.favorite_query))
        .await?
        .into_iter()
        .filter(|photo| !photo.favorite)
        .map(|photo| photo.uid)
        .collect();
    if batch {
        for chunk in todo.chunks(BATCH) {
            client
                .batch_edit(chunk, &BatchValues::new().favorite(true))
                .await?;
        }
    } else {
        for uid in &todo {
            client.like_photo(uid).await?;
        }
    }
    Ok(())
}

/// Runs the script on its own emulator and returns (requests, wall time).
fn run_script(
    generation: &str,
    describe: &Path,
    latency: u64,
) -> Result<(Counts, Counts, Duration, Duration), String> {
    use prysm::photoprism::{Client, ClientOptions, Credentials, ServerUrl};
    let emulator = Emulator::start(20_000, 300, 250, generation, describe)?;
    let library = Library::read(describe)?;
    let work = Workload::new(&library);
    emulator.set_latency(latency)?;
    let mut results = Vec::new();
    for _ in 0..2 {
        emulator.reset()?;
        let started = Instant::now();
        emulator
            .runtime
            .block_on(async {
                let server = ServerUrl::parse(&emulator.url)?;
                let credentials = Credentials::password("admin", "photoprism");
                Client::with_session(
                    server,
                    ClientOptions::default(),
                    &credentials,
                    async |client| script(client, &work).await,
                )
                .await
            })
            .map_err(|e| e.to_string())?;
        results.push((emulator.counts()?, started.elapsed()));
    }
    let (noop, noop_wall) = results.pop().ok_or("no run")?;
    let (apply, apply_wall) = results.pop().ok_or("no run")?;
    Ok((apply, noop, apply_wall, noop_wall))
}

/// prysm and the script on the same workload, on fresh emulators of one generation.
fn script_comparison(generation: &str, dir: &Path) -> Result<(), String> {
    let latency = 5;
    println!(
        "\nprysm vs a script: 20000 photos, 300 albums of 250, {generation} API, {latency} ms per request"
    );
    let (script_apply, script_noop, script_apply_wall, script_noop_wall) =
        run_script(generation, &dir.join("script.tsv"), latency)?;
    let describe = dir.join("workload.tsv");
    let emulator = Emulator::start(20_000, 300, 250, generation, &describe)?;
    let library = Library::read(&describe)?;
    let work = Workload::new(&library);
    let path = dir.join("workload.yaml");
    std::fs::write(&path, work.manifest()).map_err(|e| e.to_string())?;
    let file = path.to_string_lossy().to_string();
    emulator.set_latency(latency)?;
    emulator.reset()?;
    let apply = prysm(
        &emulator.url,
        &["apply", "-f", &file, "--auto-approve"],
        dir,
    )?;
    let apply_counts = emulator.counts()?;
    emulator.reset()?;
    let noop = prysm(
        &emulator.url,
        &["plan", "-f", &file, "--detailed-exitcode"],
        dir,
    )?;
    let noop_counts = emulator.counts()?;
    if noop.status != 0 {
        return Err(format!(
            "the workload did not converge:\n{}",
            noop.stdout.chars().take(2000).collect::<String>()
        ));
    }
    for (label, run, counts, script_counts, script_wall) in [
        (
            "apply",
            &apply,
            &apply_counts,
            &script_apply,
            script_apply_wall,
        ),
        ("no-op", &noop, &noop_counts, &script_noop, script_noop_wall),
    ] {
        println!(
            "  {label:<6} prysm {:>5} requests in {:>7.2?} (cpu {:.2?}, peak RSS {:.0} MB) | script {:>5} requests in {:>7.2?} | prysm/script wall {:.2}",
            counts.total,
            run.wall,
            run.cpu,
            run.peak_rss_mb,
            script_counts.total,
            script_wall,
            run.wall.as_secs_f64() / script_wall.as_secs_f64().max(1e-9)
        );
        println!("      prysm:  {}", counts.by_route());
        println!("      script: {}", script_counts.by_route());
    }
    Ok(())
}
