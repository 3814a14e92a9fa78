//! Sending requests: headers, bearer token, retries with backoff, waiting out a busy server,
//! and mapping failures to [`Error`].
//!
//! What is repeated after a failure:
//! * every request: 429 answers (a rate limit or a busy batch edit: the server did not act) and
//!   connections that could not be opened (nothing was sent);
//! * [`Retry::Safe`] requests also: every 5xx answer and connections that broke after the request
//!   was sent (the server may or may not have acted; repeating it changes nothing);
//! * never: timeouts (long uploads and index runs block; a repeat could double the work) and any
//!   other 4xx answer (400, 401, 403, 404, 413, ... are answers, not accidents; a wrong password
//!   in particular is never repeated, as PhotoPrism rate-limits failed logins).

use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::secret::Secret;

/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Repeating it has the same effect as sending it once (reads, writes of absolute values):
    /// retried on connection errors, 429 and 5xx.
    Safe,
    /// Must not run twice: retried only when the server certainly did not act (no connection, 429).
    Unsafe,
}

/// A multipart file part.
#[derive(Clone)]
pub(crate) struct Part {
    pub(crate) field: &'static str,
    pub(crate) file_name: String,
    pub(crate) bytes: Vec<u8>,
}

/// A request body.
#[derive(Clone)]
pub(crate) enum Body {
    Empty,
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
    Multipart(Vec<Part>),
}

/// One API request.
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) retry: Retry,
    pub(crate) auth: bool,
    /// A 429 without `Retry-After` means "busy" (PhotoPrism's batch-edit lock): wait it out
    /// under the client's [`crate::photoprism::BusyPolicy`].
    pub(crate) waits_when_busy: bool,
    /// On a 401, renew an expired session once and repeat (off for logout: renewing a session
    /// only to end it would be pointless).
    pub(crate) renews_session: bool,
}

impl Request {
    /// A request; reads (`GET`) are [`Retry::Safe`], every write starts [`Retry::Unsafe`] until
    /// its call site marks it [`Request::idempotent`] (with a comment saying why).
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Request {
        let retry = if method == Method::GET {
            Retry::Safe
        } else {
            Retry::Unsafe
        };
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::Empty,
            retry,
            auth: true,
            waits_when_busy: false,
            renews_session: true,
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Request {
        Request::new(Method::GET, path)
    }

    pub(crate) fn post(path: impl Into<String>) -> Request {
        Request::new(Method::POST, path)
    }

    pub(crate) fn put(path: impl Into<String>) -> Request {
        Request::new(Method::PUT, path)
    }

    pub(crate) fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::DELETE, path)
    }

    pub(crate) fn json(mut self, body: serde_json::Value) -> Request {
        self.body = Body::Json(body);
        self
    }

    pub(crate) fn form(mut self, fields: Vec<(String, String)>) -> Request {
        self.body = Body::Form(fields);
        self
    }

    pub(crate) fn multipart(mut self, parts: Vec<Part>) -> Request {
        self.body = Body::Multipart(parts);
        self
    }

    pub(crate) fn query(mut self, query: Vec<(String, String)>) -> Request {
        self.query = query;
        self
    }

    /// Marks a write as safe to repeat: sending it twice leaves the server as sending it once.
    pub(crate) fn idempotent(mut self) -> Request {
        self.retry = Retry::Safe;
        self
    }

    /// Marks a request that may meet PhotoPrism's server-wide batch-edit lock.
    pub(crate) fn waits_when_busy(mut self) -> Request {
        self.waits_when_busy = true;
        self
    }

    pub(crate) fn without_auth(mut self) -> Request {
        self.auth = false;
        self
    }

    /// A 401 answer ends the request at once, without renewing the session.
    pub(crate) fn without_renewal(mut self) -> Request {
        self.renews_session = false;
        self
    }
}

/// A successful answer.
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) method: String,
    pub(crate) path: String,
}

impl Response {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|e| {
            let text = String::from_utf8_lossy(&self.body);
            let text = text.trim_start();
            let message = if text.is_empty() {
                format!("the answer is empty where JSON was expected ({e})")
            } else if text.starts_with('<') {
                super::error::html_summary(text)
            } else {
                e.to_string()
            };
            Error::Decode {
                method: self.method.clone(),
                path: self.path.clone(),
                message,
            }
        })
    }

    pub(crate) fn header_usize(&self, name: &str) -> Option<usize> {
        self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Give up with this error.
    Stop,
    /// Try again under the [`crate::photoprism::RetryPolicy`].
    Retry,
    /// The batch-edit lock is taken: wait under the [`crate::photoprism::BusyPolicy`].
    Busy,
}

/// What one attempt produced.
enum Outcome {
    Done(Response),
    Failed {
        error: Error,
        retry_after: Option<Duration>,
        next: Next,
    },
}

impl Client {
    /// Sends a request, retrying as its [`Retry`] class allows; non-2xx answers become errors.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, Error> {
        let policy = self.inner.options.retry.clone();
        let busy = self.inner.options.busy.clone();
        let mut retry = 0u32;
        let mut busy_answers = 0u32;
        let mut busy_since: Option<Instant> = None;
        let mut renewed = false;
        loop {
            let token = if request.auth { self.token() } else { None };
            match self.attempt(&request, token.as_ref()).await {
                Outcome::Done(response) => return Ok(response),
                Outcome::Failed {
                    error,
                    retry_after,
                    next,
                } => match next {
                    Next::Stop
                        if matches!(error, Error::Unauthorized { .. })
                            && token.is_some()
                            && request.renews_session
                            && !renewed =>
                    {
                        // The session expired or was revoked during the run: log in again,
                        // once, when the credentials are at hand; a second 401 stops.
                        renewed = true;
                        if !self.renew_session(token.as_ref()).await? {
                            return Err(error);
                        }
                    }
                    Next::Stop => return Err(error),
                    Next::Retry => {
                        if retry >= policy.max_retries {
                            return Err(error);
                        }
                        tokio::time::sleep(policy.delay(retry, retry_after)).await;
                        retry += 1;
                    }
                    Next::Busy => {
                        let since = *busy_since.get_or_insert_with(Instant::now);
                        let waited = since.elapsed();
                        if waited >= busy.budget {
                            return Err(busy_error(error, waited));
                        }
                        let pause = busy.wait(busy_answers).min(busy.budget - waited);
                        tokio::time::sleep(pause).await;
                        busy_answers = busy_answers.saturating_add(1);
                    }
                },
            }
        }
    }

    /// Sends a request and decodes the JSON answer.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, Error> {
        self.send(request).await?.json()
    }

    /// Logs in again with the credentials kept from the first login, unless another request
    /// already did (the token changed since `stale` was sent). Returns false when the session
    /// cannot be renewed (a token given by the caller, or after logout).
    async fn renew_session(&self, stale: Option<&Secret>) -> Result<bool, Error> {
        let check = |client: &Client| {
            let state = client.read_state();
            match (&state.token, &state.renew_with) {
                (None, _) => Err(false),
                (current, _) if current.as_ref() != stale => Err(true),
                (_, None) => Err(false),
                (_, Some(credentials)) => Ok(credentials.clone()),
            }
        };
        // Checked before waiting as well: the login below runs requests of its own, which must
        // not wait for the lock it holds (its fresh session has no credentials to renew with yet).
        if let Err(answer) = check(self) {
            return Ok(answer);
        }
        let _renewing = self.inner.relogin_lock.lock().await;
        let credentials = match check(self) {
            Ok(credentials) => credentials,
            Err(answer) => return Ok(answer),
        };
        // A failed renewal (a changed password: 401) is not repeated either. Boxed: the login
        // sends requests itself.
        Box::pin(self.login(&credentials)).await?;
        Ok(true)
    }

    async fn attempt(&self, request: &Request, token: Option<&Secret>) -> Outcome {
        let server = &self.inner.server;
        let url = server.api_url(&request.path);
        let path = url.path().to_owned();
        let method = request.method.as_str().to_owned();
        if let Some(replay) = self.inner.tape.replay.get() {
            let query = tape_query(request).unwrap_or_else(|| request.query.clone());
            return match replay.answer(&request.method, &request.path, &query) {
                Ok((status, headers, body)) => {
                    answered(request, status, headers, body, method, path)
                }
                Err(error) => Outcome::Failed {
                    error,
                    retry_after: None,
                    next: Next::Stop,
                },
            };
        }
        let mut builder = self.inner.http.request(request.method.clone(), url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(token) = token {
            builder = builder.header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        }
        builder = match &request.body {
            Body::Empty => builder.header(CONTENT_TYPE, "application/json"),
            Body::Json(value) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(value.to_string()),
            Body::Form(fields) => builder.form(fields),
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    form = form.part(
                        part.field,
                        reqwest::multipart::Part::bytes(part.bytes.clone())
                            .file_name(part.file_name.clone()),
                    );
                }
                builder.multipart(form)
            }
        };
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => return self.transport_failure(request, &method, &path, e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        if status.is_redirection() {
            // Only redirects to another origin reach here (see `same_origin_redirects`).
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|v| match url::Url::parse(v) {
                    Ok(url) => url.origin().ascii_serialization(),
                    Err(_) => "an address that is not a URL".to_owned(),
                })
                .unwrap_or_else(|| "no Location header".to_owned());
            return Outcome::Failed {
                error: Error::Redirect {
                    status: status.as_u16(),
                    method,
                    path,
                    location,
                },
                retry_after: None,
                next: Next::Stop,
            };
        }
        let body = match self.read_body(response, &method, &path).await {
            Ok(body) => body,
            Err(BodyError::Transport(e)) => {
                return self.transport_failure(request, &method, &path, e);
            }
            Err(BodyError::Stop(error)) => {
                return Outcome::Failed {
                    error,
                    retry_after: None,
                    next: Next::Stop,
                };
            }
        };
        if let Some(query) = tape_query(request) {
            self.inner.tape.recorder.record(
                &request.method,
                &request.path,
                &query,
                status,
                &headers,
                &body,
            );
        }
        answered(request, status, headers, body, method, path)
    }

    /// Reads a body in chunks: stops past `max_body_bytes` and when the body stalls for
    /// `body_idle_timeout`.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        method: &str,
        path: &str,
    ) -> Result<Vec<u8>, BodyError> {
        let options = &self.inner.options;
        let too_large = || {
            BodyError::Stop(Error::TooLarge {
                method: method.to_owned(),
                path: path.to_owned(),
                limit: options.max_body_bytes,
            })
        };
        let declared = response.content_length().unwrap_or(0);
        if usize::try_from(declared).map_or(true, |n| n > options.max_body_bytes) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        loop {
            let chunk =
                match tokio::time::timeout(options.body_idle_timeout, response.chunk()).await {
                    Ok(chunk) => chunk.map_err(BodyError::Transport)?,
                    Err(_) => {
                        return Err(BodyError::Stop(Error::Timeout {
                            method: method.to_owned(),
                            path: path.to_owned(),
                            timeout: options.body_idle_timeout,
                        }));
                    }
                };
            let Some(chunk) = chunk else {
                return Ok(body);
            };
            if body.len() + chunk.len() > options.max_body_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
    }

    fn transport_failure(
        &self,
        request: &Request,
        method: &str,
        path: &str,
        error: reqwest::Error,
    ) -> Outcome {
        let error = error.without_url();
        let connect = error.is_connect();
        if error.is_timeout() && !connect {
            return Outcome::Failed {
                error: Error::Timeout {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    timeout: self.inner.options.timeout,
                },
                retry_after: None,
                next: Next::Stop,
            };
        }
        let server = self.inner.server.origin();
        if let Some(detail) = certificate_problem(&error) {
            return Outcome::Failed {
                error: Error::Certificate {
                    server,
                    method: method.to_owned(),
                    path: path.to_owned(),
                    detail,
                },
                retry_after: None,
                next: Next::Stop,
            };
        }
        let detail = if connect {
            format!("could not connect to {server}: is PhotoPrism running and is the URL right?")
        } else {
            format!(
                "the connection to {server} failed during {method} {path}: {}{}",
                root_cause(&error),
                if request.retry == Retry::Safe {
                    ""
                } else {
                    " (the server may or may not have acted on it: plan again to see)"
                }
            )
        };
        // No connection: nothing was sent. A broken one: the request may have been acted on.
        let next = if connect || request.retry == Retry::Safe {
            Next::Retry
        } else {
            Next::Stop
        };
        Outcome::Failed {
            next,
            error: Error::Transport {
                server,
                method: method.to_owned(),
                path: path.to_owned(),
                connect,
                detail,
                source: Box::new(error),
            },
            retry_after: None,
        }
    }
}

/// The outcome of an answer: success, or the error and whether to try again.
/// How a read is keyed in a snapshot: a `GET` by its query; the read-only batch edit
/// (`POST batch/photos/edit`, the batched details read of a plan) by its query and its body
/// (the selection), as a `body` entry. Any other request is never recorded.
fn tape_query(request: &Request) -> Option<Vec<(String, String)>> {
    if request.method == Method::GET {
        return Some(request.query.clone());
    }
    match &request.body {
        Body::Json(value)
            if request.method == Method::POST && request.path == "batch/photos/edit" =>
        {
            let mut query = request.query.clone();
            query.push(("body".to_string(), value.to_string()));
            Some(query)
        }
        _ => None,
    }
}

fn answered(
    request: &Request,
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    method: String,
    path: String,
) -> Outcome {
    if status.is_success() {
        return Outcome::Done(Response {
            status,
            headers,
            body,
            method,
            path,
        });
    }
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let code = status.as_u16();
    let next = match code {
        // PhotoPrism's busy answer has no Retry-After; its rate limits may have one.
        429 if request.waits_when_busy && retry_after.is_none() => Next::Busy,
        // The server refused before acting: repeating is safe for any request.
        429 => Next::Retry,
        // The server may have acted before it failed: only safe requests are repeated.
        500..=599 if request.retry == Retry::Safe => Next::Retry,
        _ => Next::Stop,
    };
    Outcome::Failed {
        error: Error::from_status(code, &method, &path, &body, retry_after),
        retry_after: retry_after.map(Duration::from_secs),
        next,
    }
}

/// The error for a busy answer that outlasted the busy budget.
fn busy_error(error: Error, waited: Duration) -> Error {
    match error {
        Error::Client {
            method,
            path,
            message,
            ..
        } => Error::Busy {
            method,
            path,
            message,
            waited,
        },
        other => other,
    }
}

/// Why reading a body stopped.
enum BodyError {
    /// The connection broke: handled like any transport failure.
    Transport(reqwest::Error),
    /// Too large or stalled: never repeated.
    Stop(Error),
}

/// The TLS library's complaint about the server's certificate, if that is why the connection
/// failed.
fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if text.contains("certificate") || text.contains("UnknownIssuer") {
            return Some(root_cause(e));
        }
        // `io::Error` hides a wrapped error from `source()`: look inside it too.
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            let text = inner.to_string();
            if text.contains("certificate") || text.contains("UnknownIssuer") {
                return Some(text);
            }
        }
        current = e.source();
    }
    None
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_safe_and_writes_unsafe_until_marked() {
        assert_eq!(Request::get("photos").retry, Retry::Safe);
        for request in [
            Request::post("albums"),
            Request::put("albums/a"),
            Request::delete("albums/a"),
        ] {
            assert_eq!(request.retry, Retry::Unsafe, "{}", request.method);
            assert_eq!(request.idempotent().retry, Retry::Safe);
        }
        assert!(!Request::post("batch/photos/edit").waits_when_busy);
        assert!(
            Request::post("batch/photos/edit")
                .waits_when_busy()
                .waits_when_busy
        );
    }

    #[test]
    fn a_busy_answer_becomes_a_busy_error() {
        let answer = Error::from_status(
            429,
            "POST",
            "/api/v1/batch/photos/edit",
            br#"{"code":429,"error":"Busy, please try again later","messageId":"Busy, please try again later"}"#,
            None,
        );
        let error = busy_error(answer, Duration::from_secs(3));
        assert!(
            matches!(&error, Error::Busy { waited, message, .. }
                if *waited == Duration::from_secs(3) && message == "Busy, please try again later"),
            "{error:?}"
        );
    }
}
