//! Sending requests: headers, bearer token, retries with backoff, and mapping failures to [`Error`].

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;

/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Repeating it has the same effect as sending it once: retried on connection errors, 429, 502, 503, 504.
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
}

impl Request {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Request {
        let retry = if method == Method::POST {
            Retry::Unsafe
        } else {
            Retry::Safe
        };
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::Empty,
            retry,
            auth: true,
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

    /// Marks a POST as safe to repeat.
    pub(crate) fn idempotent(mut self) -> Request {
        self.retry = Retry::Safe;
        self
    }

    pub(crate) fn without_auth(mut self) -> Request {
        self.auth = false;
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
        serde_json::from_slice(body).map_err(|e| Error::Decode {
            method: self.method.clone(),
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    pub(crate) fn header_usize(&self, name: &str) -> Option<usize> {
        self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
    }
}

/// What one attempt produced.
enum Outcome {
    Done(Response),
    Failed {
        error: Error,
        retry_after: Option<Duration>,
        retryable: bool,
    },
}

impl Client {
    /// Sends a request, retrying as its [`Retry`] class allows; non-2xx answers become errors.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, Error> {
        let policy = self.inner.options.retry.clone();
        let mut retry = 0u32;
        loop {
            match self.attempt(&request).await {
                Outcome::Done(response) => return Ok(response),
                Outcome::Failed {
                    error,
                    retry_after,
                    retryable,
                } => {
                    if !retryable || retry >= policy.max_retries {
                        return Err(error);
                    }
                    tokio::time::sleep(policy.delay(retry, retry_after)).await;
                    retry += 1;
                }
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

    async fn attempt(&self, request: &Request) -> Outcome {
        let server = &self.inner.server;
        let url = server.api_url(&request.path);
        let path = url.path().to_owned();
        let method = request.method.as_str().to_owned();
        let mut builder = self.inner.http.request(request.method.clone(), url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if request.auth {
            if let Some(token) = self.token() {
                builder = builder.header(AUTHORIZATION, format!("Bearer {}", token.expose()));
            }
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
        let body = match response.bytes().await {
            Ok(body) => body.to_vec(),
            Err(e) => return self.transport_failure(request, &method, &path, e),
        };
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
        let retryable = match code {
            429 => true,
            502..=504 => request.retry == Retry::Safe,
            _ => false,
        };
        Outcome::Failed {
            error: Error::from_status(code, &method, &path, &body, retry_after),
            retry_after: retry_after.map(Duration::from_secs),
            retryable,
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
                retryable: false,
            };
        }
        let server = self.inner.server.origin();
        let detail = if connect {
            format!("could not connect to {server}: is PhotoPrism running and is the URL right?")
        } else {
            format!(
                "the connection to {server} failed during {method} {path}: {}",
                root_cause(&error)
            )
        };
        Outcome::Failed {
            retryable: connect || request.retry == Retry::Safe,
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

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
