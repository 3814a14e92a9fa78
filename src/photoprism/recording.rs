//! Recording the client's reads and answering from a recording: the transport layer of
//! `prysm snapshot` and `prysm plan --state`.
//!
//! A [`Recording`] keeps, for every read request (method, path relative to `/api/v1`, query
//! sorted by key), the answer the server gave: status, the paging headers the client reads
//! (`X-Count`, `X-Limit`, `X-Offset`) and the body with the white space between JSON tokens
//! removed (everything else, numbers included, is kept byte for byte, so decoding it again gives
//! exactly what the live answer gave). A client built with [`Client::replay`] answers every
//! request from a recording and never opens a connection.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::client::Client;
use super::error::Error;
use super::models::TextField;
use super::options::ClientOptions;
use super::server_info::ServerInfo;
use super::server_url::ServerUrl;

/// The answer headers a recording keeps (the only ones the client reads from answers).
pub const RECORDED_HEADERS: [&str; 3] = ["x-count", "x-limit", "x-offset"];

/// One recorded request and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Exchange {
    /// The HTTP method (`GET`).
    pub method: String,
    /// The path relative to `/api/v1` (`albums`, `photos/pq8…`).
    pub path: String,
    /// The query parameters, sorted by name (then value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// The answer's HTTP status.
    pub status: u16,
    /// The paging headers of the answer (lower-case names).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The answer's body: JSON without the white space between tokens.
    #[serde(default)]
    pub body: String,
    /// `body` is base64 because the answer was not UTF-8 text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub base64: bool,
}

/// What the client knew about the server when the recording was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordedServer {
    /// The server URL (never with credentials).
    pub url: String,
    /// The release string the server reported (empty when unknown).
    pub version: String,
    /// `ce`, `plus`, … (empty when unknown).
    pub edition: String,
    /// The API generation: `caption` (2025+) or `description` (up to 2024).
    pub generation: String,
    /// Whether batch edit was available.
    pub batch_edit: bool,
    /// Whether album create answers 201.
    pub album_create_201: bool,
    /// The `appPasswords` feature flag, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_passwords: Option<bool>,
}

impl RecordedServer {
    /// Describes a client's server.
    pub fn of(client: &Client) -> RecordedServer {
        let info = client.server_info();
        RecordedServer {
            url: client.server().to_string(),
            version: info.version,
            edition: info.edition,
            generation: match info.generation {
                TextField::Caption => "caption",
                TextField::Description => "description",
            }
            .to_string(),
            batch_edit: info.batch_edit,
            album_create_201: info.album_create_201,
            app_passwords: info.app_passwords,
        }
    }

    /// The client's view of the server, back from the recording.
    pub fn info(&self) -> ServerInfo {
        ServerInfo {
            version: self.version.clone(),
            edition: self.edition.clone(),
            generation: if self.generation == "description" {
                TextField::Description
            } else {
                TextField::Caption
            },
            batch_edit: self.batch_edit,
            album_create_201: self.album_create_201,
            app_passwords: self.app_passwords,
        }
    }
}

/// Key of an exchange: method, path and sorted query.
type Key = (String, String, Vec<(String, String)>);

fn key(method: &str, path: &str, query: &[(String, String)]) -> Key {
    let mut query = query.to_vec();
    query.sort();
    (method.to_owned(), path.to_owned(), query)
}

/// The reads a client has recorded so far (see [`Client::start_recording`]).
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    exchanges: Mutex<Option<BTreeMap<Key, Exchange>>>,
}

impl Recorder {
    /// Keeps the final answer to a read; writes are never recorded.
    pub(crate) fn record(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) {
        // Busy and failing answers are retried or fail the snapshot: never an answer to keep.
        if !(method == Method::GET || method == Method::POST)
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error()
        {
            return;
        }
        let mut guard = self
            .exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(exchanges) = guard.as_mut() else {
            return;
        };
        let key = key(method.as_str(), path, query);
        let headers = RECORDED_HEADERS
            .iter()
            .filter_map(|name| {
                let value = headers.get(*name)?.to_str().ok()?;
                Some(((*name).to_string(), value.to_string()))
            })
            .collect();
        let (body, base64) = match std::str::from_utf8(body) {
            Ok(text) => (compact_json(text), false),
            Err(_) => (base64::engine::general_purpose::STANDARD.encode(body), true),
        };
        exchanges.insert(
            key.clone(),
            Exchange {
                method: key.0,
                path: key.1,
                query: key.2,
                status: status.as_u16(),
                headers,
                body,
                base64,
            },
        );
    }
}

/// Answers requests from a recording.
#[derive(Debug)]
pub(crate) struct Replay {
    exchanges: BTreeMap<Key, Exchange>,
}

/// A replayed answer: status, headers, body.
pub(crate) type Answer = (StatusCode, HeaderMap, Vec<u8>);

impl Replay {
    /// The recorded answer to a request, or the error that says the recording lacks it.
    pub(crate) fn answer(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Answer, Error> {
        let missing = || {
            let mut shown = format!("{method} {path}");
            if !query.is_empty() {
                let mut sorted = query.to_vec();
                sorted.sort();
                let pairs = sorted
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>();
                shown.push('?');
                shown.push_str(&pairs.join("&"));
            }
            Error::InvalidInput {
                message: format!(
                    "the snapshot does not hold {shown}: re-run `prysm snapshot` with the same \
                     manifests (and --target options)"
                ),
            }
        };
        let exchange = self
            .exchanges
            .get(&key(method.as_str(), path, query))
            .ok_or_else(missing)?;
        let status = StatusCode::from_u16(exchange.status).map_err(|_| missing())?;
        let mut headers = HeaderMap::new();
        for (name, value) in &exchange.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        let body = if exchange.base64 {
            base64::engine::general_purpose::STANDARD
                .decode(&exchange.body)
                .map_err(|_| missing())?
        } else {
            exchange.body.clone().into_bytes()
        };
        Ok((status, headers, body))
    }
}

/// Where a client's answers come from, and whether it records them.
#[derive(Debug, Default)]
pub(crate) struct Tape {
    /// Answer from this recording instead of the network (set once, when the client is built).
    pub(crate) replay: OnceLock<Arc<Replay>>,
    /// Record reads here.
    pub(crate) recorder: Recorder,
}

impl Client {
    /// Starts keeping every read request and its answer (see [`Client::take_recording`]).
    pub fn start_recording(&self) {
        *self
            .inner
            .tape
            .recorder
            .exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(BTreeMap::new());
    }

    /// Stops recording and returns the reads recorded since [`Client::start_recording`],
    /// sorted by method, path and query.
    pub fn take_recording(&self) -> Vec<Exchange> {
        self.inner
            .tape
            .recorder
            .exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .map(|map| map.into_values().collect())
            .unwrap_or_default()
    }

    /// A client that answers every request from `exchanges` and never opens a connection;
    /// a request the recording does not hold fails with a clear error.
    pub fn replay(server: &RecordedServer, exchanges: Vec<Exchange>) -> Result<Client, Error> {
        let url = ServerUrl::parse(&server.url)?;
        let client = Client::new(url, ClientOptions::default())?;
        let replay = Replay {
            exchanges: exchanges
                .into_iter()
                .map(|exchange| {
                    (
                        key(&exchange.method, &exchange.path, &exchange.query),
                        exchange,
                    )
                })
                .collect(),
        };
        // A new client: nothing has set the replay yet.
        let _ = client.inner.tape.replay.set(Arc::new(replay));
        client.write_state().info = server.info();
        Ok(client)
    }
}

/// Removes the white space between JSON tokens (outside strings); anything else is kept as is,
/// so numbers decode exactly as they did from the server's text.
pub fn compact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_strings_and_numbers() {
        let text = "{ \"a b\" : [ 1.10 , 2e5 ],\n \"q\\\" x\": \"  \\\\ \" }\n";
        assert_eq!(
            compact_json(text),
            "{\"a b\":[1.10,2e5],\"q\\\" x\":\"  \\\\ \"}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&compact_json(text)).expect("json");
        assert_eq!(
            parsed,
            serde_json::from_str::<serde_json::Value>(text).expect("json")
        );
    }

    #[test]
    fn a_missing_request_names_itself_and_the_fix() {
        let replay = Replay {
            exchanges: BTreeMap::new(),
        };
        let query = vec![
            ("offset".to_string(), "0".to_string()),
            ("count".to_string(), "100".to_string()),
        ];
        let error = replay
            .answer(&Method::GET, "photos", &query)
            .expect_err("missing");
        let text = error.to_string();
        assert!(
            text.contains("the snapshot does not hold GET photos?count=100&offset=0")
                && text.contains("re-run `prysm snapshot`"),
            "{text}"
        );
    }
}
