//! Replays `tests/fixtures/local-server-2026-11-probes/` (behaviours measured on real servers of
//! both generations, `photoprism-api.md` §8) against the emulator.
//!
//! A generic loader reads every probe file. Where a file records structured requests, they are
//! sent to a fresh emulator of each generation the probe was measured on, with the recording's
//! placeholders (`<uid>`, `<163 photo UIDs>`, a recorded numeric photo ID) bound to what was
//! seeded, and the answer must have the recorded status and contain the recorded response (or
//! excerpt). A UID in a recorded answer binds to the UID the emulator answered the first time
//! it is seen, and must be the same wherever the recording repeats it. Probes recorded as
//! requests sent at the same moment are sent concurrently and compared as a set. A probe that
//! records only its finding (05) is replayed by a test written from its description.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

/// One probe file.
#[derive(Debug, Deserialize)]
struct Probe {
    name: String,
    server: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    requests: Vec<ProbeRequest>,
}

/// One recorded request and what the server answered.
#[derive(Debug, Clone, Deserialize)]
struct ProbeRequest {
    method: String,
    path: String,
    #[serde(default)]
    body: Option<Value>,
    /// A number, or per generation: `"201 (2026) / 200 (2024)"`.
    status: Value,
    /// The whole body as answered.
    #[serde(default)]
    response: Option<Value>,
    /// Parts of the body as answered.
    #[serde(default)]
    response_excerpt: Option<Value>,
    /// Response headers as answered (only the ones recorded).
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

impl Probe {
    /// The generations the probe was measured on.
    fn generations(&self) -> Vec<ApiGeneration> {
        let server = self.server.to_lowercase();
        if server.starts_with("both") {
            return vec![ApiGeneration::V2024, ApiGeneration::V2025];
        }
        let mut out = Vec::new();
        if server.contains("2024") || server.contains("241213") {
            out.push(ApiGeneration::V2024);
        }
        if server.contains("2026") || server.contains("260630") {
            out.push(ApiGeneration::V2025);
        }
        assert!(
            !out.is_empty(),
            "{}: unknown server {:?}",
            self.name,
            self.server
        );
        out
    }

    /// Whether the recording says its requests were sent at the same moment.
    fn concurrent(&self) -> bool {
        self.what.contains("at the same moment")
    }
}

impl ProbeRequest {
    /// The recorded status for a generation.
    fn status_for(&self, generation: ApiGeneration) -> u16 {
        match &self.status {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(text) => {
                let year = match generation {
                    ApiGeneration::V2024 => "2024",
                    ApiGeneration::V2025 => "2026",
                };
                text.split('/')
                    .find(|part| part.contains(year))
                    .and_then(|part| part.split_whitespace().next())
                    .and_then(|code| code.parse().ok())
            }
            _ => None,
        }
        .unwrap_or_else(|| panic!("unreadable status {:?}", self.status))
    }

    /// The recorded body or excerpt, if any.
    fn expected(&self) -> Option<&Value> {
        self.response.as_ref().or(self.response_excerpt.as_ref())
    }
}

fn probe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/local-server-2026-11-probes")
}

fn load_probes() -> Vec<(String, Probe)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(probe_dir())
        .expect("the probe fixtures exist")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("readable");
            let probe: Probe =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, probe)
        })
        .collect()
}

/// Recorded values and placeholders mapped to the emulator's, plus UIDs learnt from answers.
#[derive(Default)]
struct Bindings {
    /// `<placeholder>` or a recorded literal -> the value to send or expect instead.
    values: BTreeMap<String, Value>,
}

impl Bindings {
    fn bind(&mut self, recorded: impl Into<String>, actual: Value) {
        self.values.insert(recorded.into(), actual);
    }

    fn key(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format!("#{n}")),
            _ => None,
        }
    }

    /// The request body with placeholders replaced; a placeholder that is an element of an
    /// array and is bound to an array is spliced in.
    fn substitute(&self, value: &Value) -> Value {
        match value {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match Self::key(item).and_then(|k| self.values.get(&k)) {
                        Some(Value::Array(bound)) => out.extend(bound.iter().cloned()),
                        Some(bound) => out.push(bound.clone()),
                        None => out.push(self.substitute(item)),
                    }
                }
                Value::Array(out)
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.substitute(v)))
                    .collect(),
            ),
            other => Self::key(other)
                .and_then(|k| self.values.get(&k))
                .cloned()
                .unwrap_or_else(|| other.clone()),
        }
    }

    /// The path with every bound `<placeholder>` replaced (arrays joined with `|`).
    fn path(&self, path: &str) -> String {
        let mut out = path.to_owned();
        for (recorded, actual) in &self.values {
            if !recorded.starts_with('<') {
                continue;
            }
            let text = match actual {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("|"),
                other => other.to_string(),
            };
            out = out.replace(recorded, &text);
        }
        assert!(
            !out.contains('<'),
            "unbound placeholder left in {out}: the probe needs a binding"
        );
        out
    }
}

/// Whether `s` looks like a PhotoPrism entity UID (16 lower-case alphanumerics).
fn looks_like_uid(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && "apflucsdjm".contains(&s[..1])
}

/// Checks that `actual` contains everything in `expected` (objects by key, recursively; arrays
/// and scalars equal), binding recorded UIDs to the emulator's on first sight.
fn contains(
    expected: &Value,
    actual: &Value,
    bindings: &mut Bindings,
    at: &str,
) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let Some(found) = got.get(key) else {
                    return Err(format!("{at}.{key} is missing"));
                };
                contains(value, found, bindings, &format!("{at}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => want
            .iter()
            .zip(got)
            .enumerate()
            .try_for_each(|(i, (w, g))| contains(w, g, bindings, &format!("{at}[{i}]"))),
        (Value::String(want), Value::String(got)) if looks_like_uid(want) => {
            match bindings.values.get(want) {
                Some(Value::String(bound)) if bound == got => Ok(()),
                Some(bound) => Err(format!(
                    "{at}: recorded UID {want} was {bound} before, now {got}"
                )),
                None => {
                    bindings.bind(want.clone(), Value::String(got.clone()));
                    Ok(())
                }
            }
        }
        _ => {
            let want = bindings.substitute(expected);
            if &want == actual {
                Ok(())
            } else {
                Err(format!("{at}: expected {want}, got {actual}"))
            }
        }
    }
}

/// A logged-in HTTP client for one emulator.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// What the emulator answered.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Api {
    async fn login(emulator: &Emulator) -> Api {
        let http = reqwest::Client::new();
        let base = emulator.url();
        let session: Value = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "admin", "password": "photoprism"}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("session JSON");
        let token = session["access_token"]
            .as_str()
            .expect("access token")
            .to_owned();
        Api { http, base, token }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }
}

/// Seeds what a probe's requests refer to and binds its placeholders.
fn setup(file: &str, emulator: &Emulator, bindings: &mut Bindings) {
    let photo = |n: usize| {
        emulator.seed_photos(
            (0..n)
                .map(|i| PhotoSeed {
                    taken_at: format!("2024-05-{:02}T10:00:00Z", i % 28 + 1),
                    ..PhotoSeed::default()
                })
                .collect(),
        )
    };
    match file {
        "01-batch-edit-busy.json" => {
            let uids: Vec<Value> = photo(163).into_iter().map(Value::String).collect();
            bindings.bind("<163 photo UIDs>", Value::Array(uids.clone()));
            bindings.bind("<the same 163 UIDs>", Value::Array(uids));
        }
        "03-keywords-keep-digits.json" => {
            let uid = photo(1).remove(0);
            let id = emulator.photo(&uid).expect("seeded").id;
            bindings.bind("<uid>", Value::String(uid));
            bindings.bind("#1620", json!(id));
        }
        "04-uid-filter-rejects-implausible-uid.json" => {
            let uid = photo(1).remove(0);
            bindings.bind("<valid uid>", Value::String(uid));
        }
        _ => {}
    }
}

/// Sends a probe's requests to a fresh emulator of `generation`; returns every mismatch.
async fn replay(file: &str, probe: &Probe, generation: ApiGeneration) -> Vec<String> {
    let emulator = Emulator::start(EmulatorOptions::for_generation(generation))
        .await
        .expect("emulator starts");
    let api = Api::login(&emulator).await;
    let mut bindings = Bindings::default();
    setup(file, &emulator, &mut bindings);
    let prepared: Vec<(String, Option<Value>)> = probe
        .requests
        .iter()
        .map(|request| {
            (
                bindings.path(&request.path),
                request.body.as_ref().map(|body| bindings.substitute(body)),
            )
        })
        .collect();
    let answers: Vec<Answer> = if probe.concurrent() {
        let mut tasks = tokio::task::JoinSet::new();
        for (index, (request, (path, body))) in probe.requests.iter().zip(&prepared).enumerate() {
            let (api, method, path, body) = (
                api.clone(),
                request.method.clone(),
                path.clone(),
                body.clone(),
            );
            tasks.spawn(async move { (index, api.call(&method, &path, body).await) });
        }
        let mut answers: Vec<(usize, Answer)> = tasks.join_all().await;
        answers.sort_by_key(|(index, _)| *index);
        answers.into_iter().map(|(_, answer)| answer).collect()
    } else {
        let mut answers = Vec::new();
        for (request, (path, body)) in probe.requests.iter().zip(&prepared) {
            answers.push(api.call(&request.method, path, body.clone()).await);
        }
        answers
    };
    let mut problems = Vec::new();
    let pairs: Vec<(usize, usize)> = if probe.concurrent() {
        // Which request wins the race is not recorded: match recorded answers to actual ones
        // by status.
        let mut free: Vec<usize> = (0..answers.len()).collect();
        let mut pairs = Vec::new();
        for (i, request) in probe.requests.iter().enumerate() {
            let status = request.status_for(generation);
            match free.iter().position(|&j| answers[j].status == status) {
                Some(k) => pairs.push((i, free.remove(k))),
                None => problems.push(format!(
                    "{file} {generation:?}: no concurrent request answered {status}; got {:?}",
                    answers.iter().map(|a| a.status).collect::<Vec<_>>()
                )),
            }
        }
        pairs
    } else {
        (0..answers.len()).map(|i| (i, i)).collect()
    };
    for (i, j) in pairs {
        let request = &probe.requests[i];
        let answer = &answers[j];
        let at = format!(
            "{file} #{i} {} {} on {generation:?}",
            request.method, request.path
        );
        let status = request.status_for(generation);
        if answer.status != status {
            problems.push(format!(
                "{at}: status {} instead of {status}: {}",
                answer.status, answer.body
            ));
            continue;
        }
        if let Some(expected) = request.expected() {
            let expected = match generation {
                // 2024 servers send i18n bodies without `messageId` (photoprism-api.md §5.3).
                ApiGeneration::V2024 => without_key(expected, "messageId"),
                ApiGeneration::V2025 => expected.clone(),
            };
            if let Err(why) = contains(&expected, &answer.body, &mut bindings, "body") {
                problems.push(format!("{at}: {why}; answer {}", answer.body));
            }
        }
        for (name, value) in &request.headers {
            // Lengths and types differ with the emulator's JSON layout; only the recorded
            // absence or presence of `Retry-After` is part of the behaviour.
            if name.eq_ignore_ascii_case("content-length") {
                continue;
            }
            let got = answer
                .headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !got.starts_with(value.split(';').next().unwrap_or_default()) {
                problems.push(format!(
                    "{at}: header {name} is {got:?}, recorded {value:?}"
                ));
            }
        }
        if request_notes_no_retry_after(probe, i) && answer.headers.contains_key("retry-after") {
            problems.push(format!("{at}: the server sends no Retry-After here"));
        }
    }
    emulator.shutdown().await;
    problems
}

fn request_notes_no_retry_after(probe: &Probe, _index: usize) -> bool {
    probe.name.contains("busy")
}

fn without_key(value: &Value, key: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| (k.clone(), without_key(v, key)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn every_probe_file_is_loaded_and_replayed_somewhere() {
    let probes = load_probes();
    assert_eq!(probes.len(), 5, "a new probe needs a replay here");
    for (file, probe) in &probes {
        assert!(!probe.generations().is_empty(), "{file}");
        // Structured requests are replayed by `structured_probes_replay`; the others need a
        // test of their own, named after the file.
        if probe.requests.is_empty() {
            assert!(
                HAND_WRITTEN.contains(&file.as_str()),
                "{file} records no requests and has no hand-written replay"
            );
        }
    }
}

/// Probes without structured requests, and the test that replays each.
const HAND_WRITTEN: &[&str] = &["05-auto-title-survives-unrelated-puts.json"];

/// Probes whose emulator behaviour came last (batch edit refused with 429 while another runs;
/// album create matching titles with SQL `LIKE`). Always ON; turn it off only to see the rest.
const REPLAY_PROBES_AWAITING_OTHER_BRANCHES: bool = true;
const AWAITING_OTHER_BRANCHES: &[&str] = &[
    "01-batch-edit-busy.json",
    "02-album-create-like-wildcard.json",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_probes_replay() {
    let mut problems = Vec::new();
    let mut replayed = 0;
    for (file, probe) in load_probes() {
        if probe.requests.is_empty()
            || (!REPLAY_PROBES_AWAITING_OTHER_BRANCHES
                && AWAITING_OTHER_BRANCHES.contains(&file.as_str()))
        {
            continue;
        }
        for generation in probe.generations() {
            problems.extend(replay(&file, &probe, generation).await);
            replayed += 1;
        }
    }
    // 01 (2026 only), 02-04 (both generations).
    let expected = if REPLAY_PROBES_AWAITING_OTHER_BRANCHES {
        7
    } else {
        4
    };
    assert_eq!(replayed, expected);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Probe 05: a photo with an automatic title (`TitleSrc` `""`) is given `Private`, then
/// `Lat`/`Lng`, then `TimeZone` in separate PUTs without `TitleSrc`; its title, caption and
/// their sources stay as they were.
#[tokio::test]
async fn probe_05_automatic_titles_survive_unrelated_puts() {
    let probe = load_probes()
        .into_iter()
        .find(|(file, _)| file == HAND_WRITTEN[0])
        .map(|(_, probe)| probe)
        .expect("probe 05");
    assert!(probe.what.contains("TitleSrc ''"), "{}", probe.what);
    for generation in probe.generations() {
        let emulator = Emulator::start(EmulatorOptions::for_generation(generation))
            .await
            .expect("emulator starts");
        let api = Api::login(&emulator).await;
        let caption_key = match generation {
            ApiGeneration::V2024 => "Description",
            ApiGeneration::V2025 => "Caption",
        };
        let seeds = [
            // Imported with a date: "Harbour Walk / 2023".
            PhotoSeed {
                original_name: "harbour-walk.jpg".into(),
                taken_at: "2023-08-14T18:20:00Z".into(),
                ..PhotoSeed::default()
            },
            // A caption from the file's metadata keeps its source too.
            PhotoSeed {
                original_name: "IMG_2040.jpg".into(),
                taken_at: "2021-02-03T04:05:06Z".into(),
                caption: "Frost on the window".into(),
                caption_src: "meta".into(),
                ..PhotoSeed::default()
            },
            // No date from the file: the title has no year.
            PhotoSeed {
                original_name: "Ünïcode Straße.jpg".into(),
                ..PhotoSeed::default()
            },
        ];
        for seed in seeds {
            let uid = emulator.seed_photo(seed);
            let before = emulator.photo(&uid).expect("seeded");
            assert_eq!(before.title_src, "", "the title is automatic");
            assert!(!before.title.is_empty());
            let path = format!("/api/v1/photos/{uid}");
            for body in [
                json!({"Private": true}),
                json!({"Lat": 38.7223, "Lng": -9.1393}),
                json!({"TimeZone": "Europe/Lisbon"}),
            ] {
                let answer = api.call("PUT", &path, Some(body.clone())).await;
                assert_eq!(answer.status, 200, "{generation:?} {body}: {}", answer.body);
                for (key, want) in [
                    ("Title", &before.title),
                    ("TitleSrc", &before.title_src),
                    (caption_key, &before.caption),
                    (&format!("{caption_key}Src"), &before.caption_src),
                ] {
                    assert_eq!(
                        answer.body[key].as_str(),
                        Some(want.as_str()),
                        "{generation:?}: {key} after {body}"
                    );
                }
            }
            let after = emulator.photo(&uid).expect("still there");
            assert_eq!(
                (
                    &after.title,
                    &after.title_src,
                    &after.caption,
                    &after.caption_src
                ),
                (
                    &before.title,
                    &before.title_src,
                    &before.caption,
                    &before.caption_src
                ),
                "{generation:?}"
            );
            assert!(after.private);
            assert_eq!(after.time_zone, "Europe/Lisbon");
        }
        emulator.shutdown().await;
    }
}

/// What PhotoPrism's source says beside probe 05, and quirks 19-28 show: an automatic title is
/// made again on every save, so a `Title` sent without `TitleSrc` is undone and an automatic
/// caption is cleared, while a manual title keeps an automatic caption; and an automatic title
/// follows a change of what it is made from (here the date).
#[tokio::test]
async fn automatic_titles_are_made_again_only_from_what_they_depend_on() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emulator = Emulator::start(EmulatorOptions::for_generation(generation))
            .await
            .expect("emulator starts");
        let api = Api::login(&emulator).await;
        let caption_key = match generation {
            ApiGeneration::V2024 => "Description",
            ApiGeneration::V2025 => "Caption",
        };
        let uid = emulator.seed_photo(PhotoSeed {
            original_name: "harbour-walk.jpg".into(),
            taken_at: "2023-08-14T18:20:00Z".into(),
            ..PhotoSeed::default()
        });
        let path = format!("/api/v1/photos/{uid}");
        let title = emulator.photo(&uid).expect("seeded").title;
        assert_eq!(title, "Harbour Walk / 2023");

        let undone = api
            .call(
                "PUT",
                &path,
                Some(json!({"Title": "Mine", caption_key: "Text"})),
            )
            .await;
        assert_eq!(undone.body["Title"], json!(title), "{generation:?}");
        assert_eq!(undone.body[caption_key], json!(""), "{generation:?}");

        // A new date (set by hand) changes the year in the automatic title.
        let moved = api
            .call(
                "PUT",
                &path,
                Some(json!({
                    "TakenAt": "2019-01-02T03:04:05Z",
                    "TakenAtLocal": "2019-01-02T03:04:05Z",
                    "TakenSrc": "manual",
                    "Year": 2019,
                    "Month": 1,
                    "Day": 2,
                    "TimeZone": "UTC"
                })),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.body);
        assert_eq!(
            moved.body["Title"],
            json!("Harbour Walk / 2019"),
            "{generation:?}"
        );
        assert_eq!(moved.body["TitleSrc"], json!(""));

        // A manual title is kept, and then a caption without a source is kept too.
        let manual = api
            .call(
                "PUT",
                &path,
                Some(json!({"Title": "Mine", "TitleSrc": "manual", caption_key: "Kept"})),
            )
            .await;
        assert_eq!(manual.body["Title"], json!("Mine"));
        assert_eq!(manual.body[caption_key], json!("Kept"), "{generation:?}");
        emulator.shutdown().await;
    }
}
