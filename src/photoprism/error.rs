//! The client's error type and the parsing of PhotoPrism error bodies.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::terminal::terminal_safe;

/// Everything that can go wrong talking to PhotoPrism.
///
/// Server answers carry the request method, the path (never the query or any token) and the
/// server's own message. No variant ever holds a password or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: not logged in, wrong credentials, or the session expired.
    #[error("{method} {path}: not authorized (401){}", suffix(message))]
    Unauthorized {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The server's message.
        message: String,
    },
    /// 403: the session may not do this.
    #[error("{method} {path}: permission denied (403){}", suffix(message))]
    Forbidden {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The server's message.
        message: String,
    },
    /// 404: the entity or route does not exist.
    #[error("{method} {path}: not found (404){}", suffix(message))]
    NotFound {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The server's message.
        message: String,
    },
    /// Any other 4xx answer.
    #[error("{method} {path}: request rejected ({status}){}", suffix(message))]
    Client {
        /// HTTP status code.
        status: u16,
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The server's message.
        message: String,
        /// Seconds from a `Retry-After` header, if any.
        retry_after: Option<u64>,
    },
    /// 429 "Busy": the server's batch-edit lock stayed taken for the whole
    /// [`crate::photoprism::BusyPolicy::budget`].
    #[error(
        "{method} {path}: the server stayed busy for {} (PhotoPrism runs one batch edit at a time \
         and another one held it){}",
        seconds(*waited),
        suffix(message)
    )]
    Busy {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The server's message.
        message: String,
        /// How long the client kept trying.
        waited: Duration,
    },
    /// A 5xx answer.
    #[error("{method} {path}: server error ({status}){}", suffix(message))]
    Server {
        /// HTTP status code.
        status: u16,
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The server's message.
        message: String,
    },
    /// The connection could not be made or broke off.
    #[error("{detail}")]
    Transport {
        /// Server origin, e.g. `http://localhost:2342`.
        server: String,
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// True when no connection could be opened at all.
        connect: bool,
        /// Human-readable description.
        detail: String,
        /// The underlying error (URL stripped).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The server's TLS certificate was not trusted (self-signed, a private CA, expired, or
    /// issued for another host).
    #[error(
        "{method} {path}: the TLS certificate of {server} is not trusted: {}",
        terminal_safe(detail)
    )]
    Certificate {
        /// Server origin, e.g. `https://photos.home.lan`.
        server: String,
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// What the TLS library said.
        detail: String,
    },
    /// The server redirected to another origin; the redirect was not followed so that no
    /// credentials reach another host.
    #[error(
        "{method} {path}: the server redirected ({status}) to another host, {}; not followed, so no credentials go there",
        terminal_safe(location)
    )]
    Redirect {
        /// HTTP status code (301, 302, 303, 307, 308).
        status: u16,
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The origin redirected to (scheme, host and port only), or what the header said.
        location: String,
    },
    /// The answer was larger than [`crate::photoprism::ClientOptions::max_body_bytes`].
    #[error("{method} {path}: the answer is larger than {} MiB; stopped reading it", limit / (1024 * 1024))]
    TooLarge {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// No answer within the configured timeout.
    #[error("{method} {path}: no answer from the server within {} s", timeout.as_secs())]
    Timeout {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// The answer could not be understood.
    #[error(
        "{method} {path}: could not read the server's answer: {}",
        terminal_safe(message)
    )]
    Decode {
        /// HTTP method of the request.
        method: String,
        /// Request path without query.
        path: String,
        /// What did not parse.
        message: String,
    },
    /// A server URL that cannot be used.
    #[error("invalid server URL `{input}`: {reason}")]
    InvalidUrl {
        /// The text given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// An argument the client refuses before sending anything.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// The server lacks a feature (old release, or disabled in its settings).
    #[error(
        "{feature} is not supported by this server: {}",
        terminal_safe(message)
    )]
    Unsupported {
        /// The feature asked for.
        feature: String,
        /// Why it is unavailable.
        message: String,
    },
    /// A local file could not be read.
    #[error("could not read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// `120 s`, or `0.3 s` below ten seconds.
fn seconds(duration: Duration) -> String {
    if duration.as_secs() >= 10 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// `: <the server's message>`, with control characters and bidi controls
/// escaped (the message is the server's text and is printed on terminals);
/// [`Error::server_message`] gives it unchanged.
fn suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {}", terminal_safe(message))
    }
}

impl Error {
    /// The HTTP status of a server answer, if this error is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::Client { status, .. } | Error::Server { status, .. } => Some(*status),
            Error::Busy { .. } => Some(429),
            _ => None,
        }
    }

    /// True when repeating the same request later may succeed (connection problems, 429, 5xx).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            _ => matches!(self.status(), Some(429 | 500..=599)),
        }
    }

    /// The server's message, when the error is a server answer.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Error::Unauthorized { message, .. }
            | Error::Forbidden { message, .. }
            | Error::NotFound { message, .. }
            | Error::Client { message, .. }
            | Error::Busy { message, .. }
            | Error::Server { message, .. } => Some(message),
            _ => None,
        }
    }

    /// Builds the error for a non-success HTTP answer.
    pub(crate) fn from_status(
        status: u16,
        method: &str,
        path: &str,
        body: &[u8],
        retry_after: Option<u64>,
    ) -> Error {
        let message = error_message(body);
        let (method, path) = (method.to_owned(), path.to_owned());
        match status {
            401 => Error::Unauthorized {
                method,
                path,
                message,
            },
            403 => Error::Forbidden {
                method,
                path,
                message,
            },
            404 => Error::NotFound {
                method,
                path,
                message,
            },
            500..=599 => Error::Server {
                status,
                method,
                path,
                message,
            },
            _ => Error::Client {
                status,
                method,
                path,
                message,
                retry_after,
            },
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Error {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    fn help_text(&self) -> Option<String> {
        let text = match self {
            Error::Unauthorized { .. } => {
                "check the username and password (or token). If it worked before, the session or token \
                 expired or was revoked: prysm logs in again once when it has the password or client \
                 secret, but a token given to it must be replaced"
                    .to_owned()
            }
            Error::Forbidden { .. } => "use an admin account. With an app password: app passwords may be disabled \
                 (Settings → Features) or its scope may not cover this request (use scope `*`); \
                 otherwise log in with a password session or an OAuth client bound to an admin user"
                .to_owned(),
            Error::NotFound { .. } => {
                "the item does not exist (or was deleted); list it again to get a current UID".to_owned()
            }
            Error::Client { status: 429, retry_after, .. } => match retry_after {
                Some(secs) => format!("too many requests or failed logins: wait {secs} s and try again"),
                None => "too many requests or failed logins: wait a minute and try again".to_owned(),
            },
            Error::Client { status: 413, .. } => {
                "the request body is too large for the server; send fewer items per request".to_owned()
            }
            Error::Client { status: 402, .. } => {
                "this server (a public demo) does not allow logging in".to_owned()
            }
            Error::Client { .. } => {
                "the server refused the request as sent; check the values given".to_owned()
            }
            Error::Busy { .. } => {
                "another batch edit (from another client or the web UI) kept the server busy: \
                 try again when it has finished"
                    .to_owned()
            }
            Error::Server { status: 502..=504, .. } => {
                "the server or a proxy in front of it is unavailable; try again shortly".to_owned()
            }
            Error::Server { .. } => {
                "PhotoPrism failed to handle the request; check the server log, then try again".to_owned()
            }
            Error::Transport { connect: true, .. } => {
                "start PhotoPrism or correct the server URL (scheme, host and port)".to_owned()
            }
            Error::Transport { .. } => {
                "the connection broke off; check the network and the server, then try again".to_owned()
            }
            Error::Certificate { .. } => {
                "if the server uses a private CA or a self-signed certificate, trust it with \
                 --ca-cert FILE (PEM; or PRYSM_CA_CERT); --insecure skips the check but lets anyone \
                 on the network read the password and token"
                    .to_owned()
            }
            Error::Redirect { .. } => {
                "give the address the server redirects to as the server URL (--server), if you trust it"
                    .to_owned()
            }
            Error::TooLarge { .. } => {
                "no PhotoPrism answer is this large: is the URL a PhotoPrism server, and not a file or proxy page?"
                    .to_owned()
            }
            Error::Timeout { .. } => "raise the timeout: uploads and index runs block until they finish".to_owned(),
            Error::Decode { .. } => {
                "the answer had an unexpected shape: is the URL a PhotoPrism server of a supported version?"
                    .to_owned()
            }
            Error::InvalidUrl { .. } => {
                "give `host[:port]` or a full URL such as `https://photos.example.com/` (http or https)".to_owned()
            }
            Error::InvalidInput { .. } => return None,
            Error::Unsupported { .. } => {
                "update PhotoPrism or enable the feature in its settings; prysm falls back where it can".to_owned()
            }
            Error::Io { .. } => "check that the file exists and is readable".to_owned(),
        };
        Some(text)
    }
}

impl miette::Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let code = match self {
            Error::Unauthorized { .. } => "prysm::photoprism::unauthorized",
            Error::Forbidden { .. } => "prysm::photoprism::forbidden",
            Error::NotFound { .. } => "prysm::photoprism::not_found",
            Error::Client { .. } => "prysm::photoprism::rejected",
            Error::Busy { .. } => "prysm::photoprism::busy",
            Error::Server { .. } => "prysm::photoprism::server_error",
            Error::Transport { .. } => "prysm::photoprism::transport",
            Error::Timeout { .. } => "prysm::photoprism::timeout",
            Error::Certificate { .. } => "prysm::photoprism::certificate",
            Error::Redirect { .. } => "prysm::photoprism::redirect",
            Error::TooLarge { .. } => "prysm::photoprism::too_large",
            Error::Decode { .. } => "prysm::photoprism::decode",
            Error::InvalidUrl { .. } => "prysm::photoprism::invalid_url",
            Error::InvalidInput { .. } => "prysm::photoprism::invalid_input",
            Error::Unsupported { .. } => "prysm::photoprism::unsupported",
            Error::Io { .. } => "prysm::photoprism::io",
        };
        Some(Box::new(code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help_text()
            .map(|t| Box::new(t) as Box<dyn fmt::Display + 'a>)
    }
}

/// The error body shapes PhotoPrism uses: `{"error"}`, `{"code","error"}`, `{"code":40,"error","message"}`.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<String>,
}

/// Extracts a readable message from an error body, whatever its content type claims.
pub(crate) fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    if let Ok(parsed) = serde_json::from_str::<ErrorBody>(text) {
        let mut parts: Vec<String> = Vec::new();
        for part in [parsed.error, parsed.message, parsed.details]
            .into_iter()
            .flatten()
        {
            let part = part.trim().to_owned();
            if !part.is_empty() && !parts.iter().any(|p| p.eq_ignore_ascii_case(&part)) {
                parts.push(part);
            }
        }
        return parts.join(": ");
    }
    if text.starts_with('<') {
        // An HTML page, typically from a reverse proxy in front of PhotoPrism.
        return html_summary(text);
    }
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        // JSON of another shape: nothing worth showing.
        return String::new();
    }
    let first_line = text.lines().next().unwrap_or_default();
    first_line.chars().take(200).collect()
}

/// `an HTML page (<title>)`: what a proxy's error page says about itself.
pub(crate) fn html_summary(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let title = lower
        .find("<title")
        .and_then(|start| Some(start + lower[start..].find('>')? + 1))
        .and_then(|start| {
            let end = start + lower[start..].find("</title")?;
            text.get(start..end)
        })
        .map(|title| title.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|title| !title.is_empty());
    match title {
        Some(title) => format!(
            "an HTML page ({}), not PhotoPrism's JSON: a proxy or web server answered",
            title.chars().take(120).collect::<String>()
        ),
        None => "an HTML page, not PhotoPrism's JSON: a proxy or web server answered".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_error_shapes() {
        assert_eq!(
            error_message(br#"{"error":"Invalid credentials"}"#),
            "Invalid credentials"
        );
        assert_eq!(
            error_message(br#"{"code":404,"error":"Album not found"}"#),
            "Album not found"
        );
        assert_eq!(
            error_message(
                br#"{"error":"invalid credentials","code":40,"message":"Invalid credentials"}"#
            ),
            "invalid credentials"
        );
        assert_eq!(
            error_message(
                br#"{"error":"passcode required","code":32,"message":"Enter verification code"}"#
            ),
            "passcode required: Enter verification code"
        );
        assert_eq!(error_message(b""), "");
        assert_eq!(
            error_message(b"<html><body>Not found</body></html>"),
            "an HTML page, not PhotoPrism's JSON: a proxy or web server answered"
        );
        assert_eq!(
            error_message(b"<html><head><TITLE>502 Bad\n Gateway</TITLE></head></html>"),
            "an HTML page (502 Bad Gateway), not PhotoPrism's JSON: a proxy or web server answered"
        );
        assert_eq!(error_message(b"[1,2]"), "");
        assert_eq!(error_message(b"upstream down\nmore"), "upstream down");
    }

    #[test]
    fn status_maps_to_variants() {
        let e = Error::from_status(401, "GET", "/api/v1/photos", b"{}", None);
        assert!(matches!(e, Error::Unauthorized { .. }));
        let e = Error::from_status(403, "GET", "/x", b"", None);
        assert!(matches!(e, Error::Forbidden { .. }));
        let e = Error::from_status(404, "GET", "/x", b"", None);
        assert_eq!(e.status(), Some(404));
        let e = Error::from_status(429, "POST", "/x", b"", Some(3));
        assert!(e.is_retryable());
        assert!(e.to_string().contains("429"));
        let e = Error::from_status(503, "GET", "/x", b"", None);
        assert!(matches!(e, Error::Server { status: 503, .. }));
        assert!(e.is_retryable());
        let e = Error::from_status(500, "GET", "/x", br#"{"error":"Already running"}"#, None);
        assert!(e.is_retryable());
        assert_eq!(e.to_string(), "GET /x: server error (500): Already running");
        let e = Error::from_status(400, "GET", "/x", b"", None);
        assert!(!e.is_retryable());
        let e = Error::Busy {
            method: "POST".into(),
            path: "/api/v1/batch/photos/edit".into(),
            message: "Busy, please try again later".into(),
            waited: Duration::from_secs(120),
        };
        assert_eq!(e.status(), Some(429));
        assert!(e.is_retryable());
        assert_eq!(
            e.to_string(),
            "POST /api/v1/batch/photos/edit: the server stayed busy for 120 s (PhotoPrism runs one \
             batch edit at a time and another one held it): Busy, please try again later"
        );
    }

    #[test]
    fn server_messages_cannot_steer_the_terminal() {
        let body = "{\"error\":\"bad\\u001b]8;;http://evil\\u0007click\\u001b[2J\\u202egnp.exe\\r\\b\\u007f\\u009b\"}";
        let e = Error::from_status(400, "POST", "/api/v1/albums", body.as_bytes(), None);
        let shown = e.to_string();
        assert!(
            !shown
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{shown:?}"
        );
        assert!(
            shown.contains("bad\\u{1b}]8;;http://evil\\u{7}click"),
            "{shown}"
        );
        assert!(
            shown.contains("\\u{202e}gnp.exe\\r\\u{8}\\u{7f}\\u{9b}"),
            "{shown}"
        );
        // The message itself is kept exactly for programs.
        assert!(e.server_message().is_some_and(|m| m.contains('\u{1b}')));
        let e = Error::Decode {
            method: "GET".into(),
            path: "/api/v1/status".into(),
            message: "unexpected status `\u{1b}[31mred`".into(),
        };
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }

    #[test]
    fn every_error_has_help_or_is_input() {
        use miette::Diagnostic;
        let e = Error::from_status(403, "GET", "/x", b"", None);
        let help = e.help().map(|h| h.to_string()).unwrap_or_default();
        assert!(help.contains("app password"));
        assert!(e.code().is_some());
    }
}
