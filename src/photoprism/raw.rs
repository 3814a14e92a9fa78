//! An escape hatch for endpoints the typed API does not cover: [`Client::api_url`] and
//! [`Client::request`] (photoprysm's `get_api_url` and `request`).
//!
//! A raw request goes through the same transport as every typed call: the session's bearer
//! token, the retry policy (GET, PUT and DELETE are retried on connection failures, 429 and
//! 502-504; POST only when the server certainly did not act) and the mapping of error answers
//! to the typed [`Error`] variants.

use std::fmt;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use super::client::Client;
use super::error::Error;
use super::transport::{Request, Response};

/// A successful (2xx) answer to [`Client::request`]: status, headers and the body as sent.
///
/// Its `Debug` output shows the method, path, status and body length, never the headers or
/// the body: answers such as `GET /session` carry tokens.
#[derive(Clone)]
pub struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    method: String,
    path: String,
}

impl RawResponse {
    fn from_response(response: Response) -> RawResponse {
        RawResponse {
            status: response.status.as_u16(),
            headers: response.headers,
            body: response.body,
            method: response.method,
            path: response.path,
        }
    }

    /// The HTTP status code (200, 201, 206, ...).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The value of a response header (case-insensitive name), if present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body bytes (JSON, an image, an original file...).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes the JSON body; an empty body decodes as `null`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
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
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Refuses paths that would leave the API root or smuggle a query or fragment into the path.
fn check_path(path: &str) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::InvalidInput {
            message: format!("`{path}` is not an API path relative to /api/v1/: {why}"),
        })
    };
    if path.contains("://") {
        return refuse("give the path below the API root, not a URL");
    }
    if path.contains(['?', '#']) {
        return refuse("pass query parameters in `query`, not in the path");
    }
    if path
        .trim_start_matches('/')
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return refuse("`.` and `..` segments are not allowed");
    }
    Ok(())
}

impl Client {
    /// The URL of an API endpoint below `<server>/api/v1/` (photoprysm's `get_api_url`);
    /// `path` is relative to the API root, e.g. `"albums"` or `"photos/pqz4n1k2m3b5v6c7/dl"`.
    /// Each segment is percent-encoded.
    pub fn api_url(&self, path: &str) -> Url {
        self.server().api_url(path)
    }

    /// Sends any API request (photoprysm's `request`): `method` to `path` (relative to
    /// `/api/v1/`, as for [`Client::api_url`]), with URL `query` parameters and an optional
    /// JSON body. Uses the session's token, the client's retry policy and its error mapping:
    /// a non-2xx answer is a typed [`Error`] (`NotFound`, `Client { status, .. }`, ...).
    ///
    /// ```no_run
    /// # async fn demo(client: &prysm::photoprism::Client) -> Result<(), prysm::photoprism::Error> {
    /// use prysm::photoprism::Method;
    /// let labels = client
    ///     .request(Method::GET, "labels", &[("count", "100")], None)
    ///     .await?;
    /// let labels: serde_json::Value = labels.json()?;
    /// # Ok(()) }
    /// ```
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<RawResponse, Error> {
        check_path(path)?;
        let mut request = Request::new(method, path).query(
            query
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        );
        if let Some(body) = body {
            request = request.json(body.clone());
        }
        self.send(request).await.map(RawResponse::from_response)
    }
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn paths_stay_below_the_api_root() {
        assert!(check_path("albums").is_ok());
        assert!(check_path("/photos/pqz4n1k2m3b5v6c7/dl").is_ok());
        assert!(check_path("dl/3cb5").is_ok());
        for bad in [
            "http://elsewhere/api/v1/albums",
            "albums?count=1",
            "albums#x",
            "../../etc/passwd",
            "photos/./x",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }
}
