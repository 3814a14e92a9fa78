//! Fidelity replay: every recorded exchange of a real server is sent to a fresh emulator (with
//! recorded UIDs, tokens and hashes mapped to the emulator's), and the answer must have the
//! recorded status code and JSON shape (same keys and value types, recursively).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};
use reqwest::Method;
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

/// One recorded request/response pair.
struct Exchange {
    file: String,
    method: String,
    path: String,
    /// `None` when the recording left headers out (then the current session token is sent).
    request_headers: Option<Map<String, Value>>,
    request_body: Value,
    status: u16,
    response_headers: Map<String, Value>,
    response_body: Value,
}

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(dir)
}

fn load(dir: &str) -> Vec<Exchange> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    let number = |p: &PathBuf| -> u32 {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.split('-').next().unwrap().parse().unwrap()
    };
    files.sort_by_key(number);
    files
        .into_iter()
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let obj = |k: &str| v[k].as_object().cloned().unwrap_or_default();
            Exchange {
                file: p.file_name().unwrap().to_string_lossy().into_owned(),
                method: v["method"].as_str().unwrap().to_owned(),
                path: v["path"].as_str().unwrap().to_owned(),
                request_headers: v["request_headers"].as_object().cloned(),
                request_body: v["request_body"].clone(),
                status: u16::try_from(v["status"].as_u64().unwrap()).unwrap(),
                response_headers: obj("response_headers"),
                response_body: v["response_body"].clone(),
            }
        })
        .collect()
}

fn is_uid(s: &str) -> bool {
    s.len() == 16
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Identifiers worth mapping from the recording to the emulator.
fn mappable(s: &str) -> bool {
    is_uid(s) || is_hex(s, 40) || is_hex(s, 48) || is_hex(s, 64)
}

/// Recorded → emulator identifiers, learned as answers come in.
#[derive(Default)]
struct Mapping {
    strings: HashMap<String, String>,
    photo_ids: HashMap<u64, u64>,
}

impl Mapping {
    /// Replaces every alphanumeric run that is a known recorded identifier.
    fn map_str(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut run = String::new();
        let mut escape = 0;
        for c in s.chars().chain(std::iter::once('\0')) {
            if escape > 0 {
                // The two hex digits of a %XX escape belong to the separator.
                escape -= 1;
                out.push(c);
                continue;
            }
            if c.is_ascii_alphanumeric() {
                run.push(c);
                continue;
            }
            if c == '%' {
                escape = 2;
            }
            out.push_str(self.strings.get(&run).unwrap_or(&run));
            run.clear();
            if c != '\0' {
                out.push(c);
            }
        }
        out
    }

    fn map_value(&self, v: &Value, key: &str) -> Value {
        match v {
            Value::String(s) => Value::String(self.map_str(s)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|i| self.map_value(i, key)).collect())
            }
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), self.map_value(v, k)))
                    .collect(),
            ),
            Value::Number(n) if key == "PhotoID" => n
                .as_u64()
                .and_then(|id| self.photo_ids.get(&id))
                .map_or_else(|| v.clone(), |id| Value::from(*id)),
            _ => v.clone(),
        }
    }
}

/// The key elements of an array are paired by.
fn pair_key(v: &Value, mapping: &Mapping, recorded: bool) -> Option<String> {
    let obj = v.as_object()?;
    if let Some(name) = obj.get("OriginalName").and_then(Value::as_str) {
        return Some(format!("name:{}", name.trim_end_matches(".jpg")));
    }
    for key in ["PhotoUID", "UID"] {
        if let Some(uid) = obj.get(key).and_then(Value::as_str) {
            let uid = if recorded {
                mapping.map_str(uid)
            } else {
                uid.to_owned()
            };
            return Some(format!("{key}:{uid}"));
        }
    }
    obj.get("value").and_then(Value::as_str).map(|v| {
        if recorded {
            mapping.map_str(v)
        } else {
            v.to_owned()
        }
    })
}

/// Pairs array elements by identity where possible, else by position.
fn pair<'a>(
    recorded: &'a [Value],
    actual: &'a [Value],
    mapping: &Mapping,
) -> Vec<(&'a Value, &'a Value)> {
    let keyed = |items: &'a [Value], rec: bool| -> Option<Vec<(String, &'a Value)>> {
        items
            .iter()
            .map(|v| pair_key(v, mapping, rec).map(|k| (k, v)))
            .collect()
    };
    if let (Some(r), Some(a)) = (keyed(recorded, true), keyed(actual, false)) {
        let pairs: Vec<_> = r
            .iter()
            .filter_map(|(k, rv)| a.iter().find(|(ak, _)| ak == k).map(|(_, av)| (*rv, *av)))
            .collect();
        if !pairs.is_empty() || recorded.is_empty() || actual.is_empty() {
            return pairs;
        }
    }
    recorded.iter().zip(actual.iter()).collect()
}

/// Learns identifier mappings by walking the recorded and actual answers side by side.
fn learn(recorded: &Value, actual: &Value, mapping: &mut Mapping) {
    match (recorded, actual) {
        (Value::String(r), Value::String(a)) if r != a && mappable(r) && mappable(a) => {
            let same_kind = r.len() == a.len() && (!is_uid(r) || r[..1] == a[..1]);
            if same_kind && !mapping.strings.contains_key(r) {
                mapping.strings.insert(r.clone(), a.clone());
            }
        }
        (Value::Object(r), Value::Object(a)) => {
            // Generated names end in a checksum of the bytes: `20190303_120200_5B770A40`.
            if let (Some(rn), Some(an)) = (
                r.get("Name").and_then(Value::as_str),
                a.get("Name").and_then(Value::as_str),
            ) && let (Some((_, rs)), Some((_, as_))) = (rn.rsplit_once('_'), an.rsplit_once('_'))
                && rs.len() == 8
                && as_.len() == 8
                && rs != as_
            {
                let rs = rs.trim_end_matches(".jpg").to_owned();
                mapping.strings.entry(rs).or_insert_with(|| as_.to_owned());
            }
            let is_photo = r
                .get("UID")
                .and_then(Value::as_str)
                .is_some_and(|u| u.starts_with('p'))
                && r.contains_key("TakenAt");
            if is_photo
                && let (Some(ri), Some(ai)) = (
                    r.get("ID").and_then(Value::as_u64),
                    a.get("ID").and_then(Value::as_u64),
                )
            {
                mapping.photo_ids.entry(ri).or_insert(ai);
            }
            for (k, rv) in r {
                if let Some(av) = a.get(k) {
                    learn(rv, av, mapping);
                }
            }
        }
        (Value::Array(r), Value::Array(a)) => {
            let pairs: Vec<(Value, Value)> = pair(r, a, mapping)
                .into_iter()
                .map(|(x, y)| (x.clone(), y.clone()))
                .collect();
            for (rv, av) in pairs {
                learn(&rv, &av, mapping);
            }
        }
        _ => {}
    }
}

/// Keys whose value may be `null` on one side and a value on the other.
const NULLABLE: &[&str] = &[
    "DeletedAt",
    "EditedAt",
    "CheckedAt",
    "PublishedAt",
    "Files",
    "Albums",
    "added",
    "removed",
    "years",
    "albumCategories",
];

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compares JSON shapes; pushes one line per difference.
fn compare(
    path: &str,
    key: &str,
    recorded: &Value,
    actual: &Value,
    mapping: &Mapping,
    lengths: bool,
    diffs: &mut Vec<String>,
) {
    match (recorded, actual) {
        (Value::Object(r), Value::Object(a)) => {
            for k in r.keys().filter(|k| !a.contains_key(*k)) {
                diffs.push(format!(
                    "{path}.{k}: missing (recorded {})",
                    type_name(&r[k])
                ));
            }
            for k in a.keys().filter(|k| !r.contains_key(*k)) {
                diffs.push(format!("{path}.{k}: unexpected key ({})", type_name(&a[k])));
            }
            for (k, rv) in r {
                if let Some(av) = a.get(k) {
                    compare(&format!("{path}.{k}"), k, rv, av, mapping, lengths, diffs);
                }
            }
        }
        (Value::Array(r), Value::Array(a)) => {
            // The client config lists the recording server's own cameras, albums, ...
            let lengths = lengths && !path.starts_with("$.config");
            if lengths && r.len() != a.len() {
                diffs.push(format!(
                    "{path}: {} elements, recorded {}",
                    a.len(),
                    r.len()
                ));
            }
            for (i, (rv, av)) in pair(r, a, mapping).into_iter().enumerate() {
                compare(
                    &format!("{path}[{i}]"),
                    key,
                    rv,
                    av,
                    mapping,
                    lengths,
                    diffs,
                );
            }
        }
        (Value::Null, _) | (_, Value::Null) if NULLABLE.contains(&key) => {}
        (r, a) if type_name(r) != type_name(a) => {
            diffs.push(format!(
                "{path}: {} instead of {}",
                type_name(a),
                type_name(r)
            ));
        }
        _ => {}
    }
}

/// Recorded values that must match exactly (after identifier mapping).
const VALUE_KEYS: &[&str] = &[
    "Title",
    "TitleSrc",
    "Description",
    "DescriptionSrc",
    "Caption",
    "CaptionSrc",
    "Favorite",
    "Private",
    "Slug",
    "Category",
    "Location",
    "Country",
    "Order",
    "PhotoCount",
    "Hidden",
    "Artist",
    "ArtistSrc",
    "Notes",
    "License",
    "Keywords",
    "Type",
    "message",
    "error",
    "code",
    "status",
    "Quality",
    "Year",
    "Month",
    "Day",
    "TimeZone",
    "Path",
    "OriginalName",
];

fn compare_values(
    path: &str,
    recorded: &Value,
    actual: &Value,
    mapping: &Mapping,
    diffs: &mut Vec<String>,
) {
    match (recorded, actual) {
        (Value::Object(r), Value::Object(a)) => {
            for (k, rv) in r {
                let Some(av) = a.get(k) else { continue };
                let p = format!("{path}.{k}");
                if ["Place", "Cell", "config", "user"].contains(&k.as_str()) {
                    continue;
                }
                if VALUE_KEYS.contains(&k.as_str()) && !rv.is_object() && !rv.is_array() {
                    let expected = mapping.map_value(rv, k);
                    if expected != *av {
                        diffs.push(format!("{p}: {av} instead of {expected}"));
                    }
                } else {
                    compare_values(&p, rv, av, mapping, diffs);
                }
            }
        }
        (Value::Array(r), Value::Array(a)) => {
            for (i, (rv, av)) in pair(r, a, mapping).into_iter().enumerate() {
                compare_values(&format!("{path}[{i}]"), rv, av, mapping, diffs);
            }
        }
        _ => {}
    }
}

/// Deterministic fake JPEG bytes of the recorded size.
fn image_bytes(name: &str, size: usize) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut state = Sha1::digest(name.as_bytes()).to_vec();
    while out.len() + 2 < size {
        state = Sha1::digest(&state).to_vec();
        out.extend_from_slice(&state);
    }
    out.truncate(size.saturating_sub(2));
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// Photo metadata the recording assumes, read from the recorded photo objects: base name →
/// (taken time, camera, first keywords, recorded file hash).
fn recorded_photos(exchanges: &[Exchange]) -> BTreeMap<String, (PhotoSeed, String)> {
    fn walk(v: &Value, out: &mut BTreeMap<String, (PhotoSeed, String)>) {
        match v {
            Value::Object(m) => {
                let photo_name = m.get("OriginalName").and_then(Value::as_str);
                if let (Some(name), Some(taken)) =
                    (photo_name, m.get("TakenAt").and_then(Value::as_str))
                    && m.contains_key("Hash")
                {
                    let name = name.trim_end_matches(".jpg");
                    let entry = out.entry(name.to_owned()).or_default();
                    entry.0.taken_at = taken.to_owned();
                    entry.0.camera_make = m
                        .get("CameraMake")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    entry.0.camera_model = m
                        .get("CameraModel")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    entry.1 = m["Hash"].as_str().unwrap_or_default().to_owned();
                }
                if let (Some(name), Some(details)) = (photo_name, m.get("Details"))
                    && let Some(entry) = out.get_mut(name)
                    && entry.0.keywords.is_empty()
                {
                    entry.0.keywords = details["Keywords"].as_str().unwrap_or_default().to_owned();
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for e in exchanges {
        walk(&e.response_body, &mut out);
    }
    out
}

/// Steps whose result sizes depend on data the recording server already had.
const FOREIGN_DATA: &[&str] = &[
    "96-k-albums-no-type.json",
    "97-k-albums-type-album.json",
    "98-k-albums-type-folder.json",
    "110-m-path.json",
    "111-m-path-slash.json",
    "117-m-uid-mixed-type.json",
];

/// Replays a fixture folder; returns the report lines of every mismatch.
async fn replay(dir: &str, generation: ApiGeneration, check_values: bool) -> Vec<String> {
    let exchanges = load(dir);
    let options = EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    };
    let password = options.password.clone();
    let emu = Emulator::start(options).await.unwrap();
    let photos = recorded_photos(&exchanges);
    for (name, (seed, _)) in &photos {
        emu.register_upload_metadata(&format!("{name}.jpg"), seed.clone());
    }
    let http = reqwest::Client::new();
    let mut mapping = Mapping::default();
    let mut current_token: Option<String> = None;
    let mut report = Vec::new();
    for e in &exchanges {
        let url = format!("{}{}", emu.url(), mapping.map_str(&e.path));
        let method = Method::from_bytes(e.method.as_bytes()).unwrap();
        let mut req = http
            .request(method, &url)
            .header("Accept", "application/json");
        match &e.request_headers {
            Some(headers) => {
                for (name, value) in headers {
                    let value = value.as_str().unwrap_or_default();
                    let auth = ["authorization", "x-auth-token", "x-session-id"];
                    if auth.contains(&name.to_ascii_lowercase().as_str()) {
                        req = req.header(name.as_str(), mapping.map_str(value));
                    }
                }
            }
            None => {
                if let Some(token) = &current_token
                    && !(e.method == "POST" && e.path == "/api/v1/session")
                {
                    req = req.bearer_auth(token);
                }
            }
        }
        if let Some(parts) = e
            .request_body
            .get("multipart/form-data")
            .and_then(Value::as_array)
        {
            let mut form = reqwest::multipart::Form::new();
            for part in parts {
                let name = part["filename"].as_str().unwrap().to_owned();
                let size = usize::try_from(part["bytes"].as_u64().unwrap()).unwrap();
                let bytes = image_bytes(&name, size);
                let stem = name.trim_end_matches(".jpg");
                if let Some((_, recorded_hash)) = photos.get(stem) {
                    let hash = hex::encode(Sha1::digest(&bytes));
                    mapping.strings.insert(recorded_hash.clone(), hash);
                }
                let mime = part["content_type"].as_str().unwrap_or("image/jpeg");
                let file = reqwest::multipart::Part::bytes(bytes)
                    .file_name(name)
                    .mime_str(mime)
                    .unwrap();
                form = form.part(part["field"].as_str().unwrap().to_owned(), file);
            }
            req = req.multipart(form);
        } else if !e.request_body.is_null() {
            let mut body = mapping.map_value(&e.request_body, "");
            if body.get("password").and_then(Value::as_str) == Some("REDACTED") {
                body["password"] = Value::String(password.clone());
            }
            req = req
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(&body).unwrap());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let actual: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let mut diffs = Vec::new();
        if status != e.status {
            diffs.push(format!(
                "status {status}, recorded {} (body {text})",
                e.status
            ));
        } else {
            if let Some(token) = actual.get("access_token").and_then(Value::as_str)
                && let Some(recorded) = e.response_body.get("access_token").and_then(Value::as_str)
            {
                mapping
                    .strings
                    .insert(recorded.to_owned(), token.to_owned());
                current_token = Some(token.to_owned());
            }
            learn(&e.response_body, &actual, &mut mapping);
            let lengths = !FOREIGN_DATA.contains(&e.file.as_str());
            compare(
                "$",
                "",
                &e.response_body,
                &actual,
                &mapping,
                lengths,
                &mut diffs,
            );
            if check_values && lengths {
                compare_values("$", &e.response_body, &actual, &mapping, &mut diffs);
            }
            for name in ["X-Count", "X-Limit", "X-Offset", "Location"] {
                let recorded = e.response_headers.get(name).and_then(Value::as_str);
                let got = headers.get(name).and_then(|v| v.to_str().ok());
                match (recorded, got) {
                    (Some(_), None) => diffs.push(format!("header {name} missing")),
                    (None, Some(_)) if name == "Location" => {
                        diffs.push(format!("unexpected header {name}"))
                    }
                    (Some(r), Some(g)) if name != "Location" && lengths && r != g => {
                        diffs.push(format!("header {name}: {g}, recorded {r}"));
                    }
                    _ => {}
                }
            }
            let recorded_type = e
                .response_headers
                .get("Content-Type")
                .and_then(Value::as_str)
                .unwrap_or("");
            let got_type = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if recorded_type.split(';').next() != got_type.split(';').next() {
                diffs.push(format!(
                    "Content-Type {got_type:?}, recorded {recorded_type:?}"
                ));
            }
        }
        if !diffs.is_empty() {
            report.push(format!("{dir}/{} ({} {}):", e.file, e.method, e.path));
            report.extend(diffs.into_iter().map(|d| format!("    {d}")));
        }
    }
    emu.shutdown().await;
    report
}

fn assert_clean(report: Vec<String>) {
    if !report.is_empty() {
        panic!(
            "shape mismatches against the recording:\n{}",
            report.join("\n")
        );
    }
}

#[tokio::test]
async fn replays_the_2024_recording() {
    assert_clean(replay("local-server-2024-12", ApiGeneration::V2024, true).await);
}

#[tokio::test]
async fn replays_the_2026_recording() {
    assert_clean(replay("local-server-2026-06", ApiGeneration::V2025, true).await);
}

#[tokio::test]
async fn replays_the_2024_quirk_checks() {
    assert_clean(replay("local-server-2024-12-quirks", ApiGeneration::V2024, true).await);
}
