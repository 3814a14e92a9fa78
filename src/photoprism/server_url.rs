//! [`ServerUrl`]: where the PhotoPrism server lives and how API URLs are built from it.

use std::fmt;
use std::str::FromStr;

use url::Url;

use super::error::Error;

/// Default server when none is given.
pub const DEFAULT_SERVER: &str = "http://localhost:2342";

/// The address of a PhotoPrism site; API calls go to `<site>/api/v1/…`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerUrl {
    site: Url,
    api_root: Url,
}

impl ServerUrl {
    /// Parses `host[:port]` (scheme http), or a full `http(s)://host[:port][/path]` URL.
    ///
    /// A path is the site's base path: `https://x/photos` gives the API root `https://x/photos/api/v1/`.
    /// A URL that already ends in `/api/v1` is accepted as well.
    pub fn parse(input: &str) -> Result<ServerUrl, Error> {
        let trimmed = input.trim();
        let invalid = |reason: &str| Error::InvalidUrl {
            input: ServerUrl::redact(trimmed),
            reason: reason.to_owned(),
        };
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("http://{trimmed}")
        };
        let mut url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(invalid("only http and https are supported"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "it contains a user name or password; pass credentials separately \
                 (--password-file, --token-file or the PHOTOPRISM_* environment variables)",
            ));
        }
        let Some(host) = url.host_str().filter(|host| !host.is_empty()) else {
            return Err(invalid("it has no host name"));
        };
        if host == "http" || host == "https" {
            // `http//host` or `https:/host`: a mistyped scheme, and the rest would be taken as a path.
            return Err(invalid(
                "the host name is `http` or `https`: write the scheme as `http://` or `https://`",
            ));
        }
        if !safe_path(url.path()) {
            return Err(invalid(
                "its path may hold only letters, digits and `/ . _ ~ -` \
                 (a user name or password belongs in the credentials, not the URL)",
            ));
        }
        url.set_query(None);
        url.set_fragment(None);
        let mut path = url.path().trim_end_matches('/').to_owned();
        for suffix in ["/api/v1", "/api"] {
            if let Some(stripped) = path.strip_suffix(suffix) {
                path = stripped.to_owned();
                break;
            }
        }
        url.set_path(&format!("{path}/"));
        let api_root = url.join("api/v1/").map_err(|e| invalid(&e.to_string()))?;
        Ok(ServerUrl {
            site: url,
            api_root,
        })
    }

    /// A form of a server URL as typed that is safe to show in messages and logs: a user name
    /// and password become `***`, a query or fragment (which may hold a token) becomes `?…` / `#…`,
    /// and of a URL that does not parse only the scheme, host and a numeric port are kept.
    pub fn redact(input: &str) -> String {
        let trimmed = input.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("http://{trimmed}")
        };
        match Url::parse(&with_scheme) {
            Ok(url) if url.host_str().is_some_and(|host| !host.is_empty()) => redact_parsed(&url),
            _ => redact_raw(trimmed),
        }
    }

    /// Builds a server URL from a scheme (`http` or `https`), a host name and an optional port
    /// (`2342`, `Some(2342)` or `None`).
    pub fn from_parts(
        scheme: &str,
        host: &str,
        port: impl Into<Option<u16>>,
    ) -> Result<ServerUrl, Error> {
        let port = port.into();
        if host.contains('/') || host.contains('@') || host.trim().is_empty() {
            return Err(Error::InvalidUrl {
                input: ServerUrl::redact(host),
                reason: "the host must be a plain host name or address".to_owned(),
            });
        }
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        let text = match port {
            Some(port) => format!("{scheme}://{host}:{port}/"),
            None => format!("{scheme}://{host}/"),
        };
        ServerUrl::parse(&text)
    }

    /// The site URL (always ends with `/`).
    pub fn site(&self) -> &Url {
        &self.site
    }

    /// The API root, `<site>/api/v1/`.
    pub fn api_root(&self) -> &Url {
        &self.api_root
    }

    /// The URL of an API endpoint; `path` is relative to the API root (`"albums/a123"`), each
    /// segment is percent-encoded.
    pub fn api_url(&self, path: &str) -> Url {
        let mut url = self.api_root.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty();
            for segment in path.trim_start_matches('/').split('/') {
                segments.push(segment);
            }
        }
        url
    }

    /// The path of an API endpoint as shown in errors, e.g. `/api/v1/albums`.
    pub fn api_path(&self, path: &str) -> String {
        self.api_url(path).path().to_owned()
    }

    /// `scheme://host[:port]` of the server, for messages.
    pub fn origin(&self) -> String {
        self.site.origin().ascii_serialization()
    }
}

/// Whether a site path is plain enough to show and use: `/`, letters, digits, `. _ ~ -`.
/// (`@`, `:` and percent escapes have no place in a PhotoPrism base path, but do in mistyped
/// credentials.)
fn safe_path(path: &str) -> bool {
    path.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '~' | '-'))
}

/// [`ServerUrl::redact`] for a URL that parsed: rebuilt from its parts.
fn redact_parsed(url: &Url) -> String {
    let mut out = format!("{}://", url.scheme());
    if !url.username().is_empty() || url.password().is_some() {
        out.push_str("***@");
    }
    out.push_str(url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    if safe_path(url.path()) {
        out.push_str(url.path());
    } else {
        out.push_str("/…");
    }
    if url.query().is_some() {
        out.push_str("?…");
    }
    if url.fragment().is_some() {
        out.push_str("#…");
    }
    out
}

/// [`ServerUrl::redact`] for text that is not a URL: keeps a plain scheme, `***@` for anything
/// up to the last `@` (or `%40`), then host characters and a numeric port; the rest is `…`.
fn redact_raw(input: &str) -> String {
    let mut out = String::new();
    let mut rest = input;
    if let Some(end) = rest.find("://") {
        let scheme = &rest[..end];
        let plain = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
        if !plain {
            return "…".to_owned();
        }
        out.push_str(scheme);
        out.push_str("://");
        rest = &rest[end + 3..];
    }
    let lower = rest.to_ascii_lowercase();
    let at = match (lower.rfind('@'), lower.rfind("%40")) {
        (Some(a), Some(b)) if b > a => Some((b, 3)),
        (Some(a), _) => Some((a, 1)),
        (None, Some(b)) => Some((b, 3)),
        (None, None) => None,
    };
    if let Some((at, len)) = at {
        out.push_str("***@");
        if rest[..at].contains(['?', '#']) {
            // The `@` may sit inside a query: what follows it could be part of a token.
            out.push('…');
            return out;
        }
        rest = &rest[at + len..];
    }
    let shown = if rest.starts_with('[') {
        match rest.find(']') {
            Some(close)
                if rest[1..close]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.')) =>
            {
                close + 1
            }
            _ => 0,
        }
    } else {
        rest.find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .unwrap_or(rest.len())
    };
    out.push_str(&rest[..shown]);
    let mut tail = &rest[shown..];
    if let Some(port) = tail.strip_prefix(':') {
        let digits = port.len() - port.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push(':');
            out.push_str(&port[..digits]);
            tail = &port[digits..];
        }
    }
    if !tail.is_empty() && tail != "/" {
        out.push('…');
    } else {
        out.push_str(tail);
    }
    out
}

impl Default for ServerUrl {
    /// `http://localhost:2342`, PhotoPrism's default address.
    fn default() -> Self {
        // A constant that always parses; no user input involved.
        ServerUrl::parse(DEFAULT_SERVER).expect("the default server URL is valid")
    }
}

impl FromStr for ServerUrl {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServerUrl::parse(s)
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.site.as_str())
    }
}

impl fmt::Debug for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerUrl({})", self.site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_default_to_http() {
        let u = ServerUrl::parse("localhost:2342").unwrap();
        assert_eq!(u.api_root().as_str(), "http://localhost:2342/api/v1/");
        assert_eq!(u.to_string(), "http://localhost:2342/");
        assert_eq!(ServerUrl::default(), u);
        assert_eq!(DEFAULT_SERVER.parse::<ServerUrl>().unwrap(), u);
    }

    #[test]
    fn base_path_is_kept() {
        let u = ServerUrl::parse("https://x/photos").unwrap();
        assert_eq!(u.api_root().as_str(), "https://x/photos/api/v1/");
        let u = ServerUrl::parse("https://x/photos/").unwrap();
        assert_eq!(u.api_root().as_str(), "https://x/photos/api/v1/");
        let u = ServerUrl::parse("https://x/photos/api/v1/").unwrap();
        assert_eq!(u.api_root().as_str(), "https://x/photos/api/v1/");
        assert_eq!(u.site().as_str(), "https://x/photos/");
    }

    #[test]
    fn api_url_encodes_segments() {
        let u = ServerUrl::parse("http://h:1/p").unwrap();
        assert_eq!(
            u.api_url("albums/at12/photos").as_str(),
            "http://h:1/p/api/v1/albums/at12/photos"
        );
        assert_eq!(
            u.api_url("/albums/a?b#c").as_str(),
            "http://h:1/p/api/v1/albums/a%3Fb%23c"
        );
        assert_eq!(u.api_path("import/"), "/p/api/v1/import/");
    }

    #[test]
    fn from_parts_builds_urls() {
        let u = ServerUrl::from_parts("https", "photos.example.com", 8443).unwrap();
        assert_eq!(
            u,
            ServerUrl::from_parts("https", "photos.example.com", Some(8443)).unwrap()
        );
        assert_eq!(
            u.api_root().as_str(),
            "https://photos.example.com:8443/api/v1/"
        );
        let u = ServerUrl::from_parts("http", "::1", None).unwrap();
        assert_eq!(u.origin(), "http://[::1]");
        assert!(ServerUrl::from_parts("ftp", "h", None).is_err());
        assert!(ServerUrl::from_parts("http", "a/b", None).is_err());
    }

    #[test]
    fn rejects_bad_urls_without_echoing_passwords() {
        assert!(ServerUrl::parse("").is_err());
        assert!(ServerUrl::parse("ftp://x").is_err());
        let err = ServerUrl::parse("https://bob:sekrit@x/").unwrap_err();
        assert!(!err.to_string().contains("sekrit"));
        assert!(matches!(err, Error::InvalidUrl { .. }));
    }

    /// Every way a secret can end up in a server URL: none may show in any rendering of the
    /// error, nor in the parsed URL when it is accepted.
    #[test]
    fn no_url_form_echoes_a_secret() {
        // (input, secrets that must not show)
        let table: &[(&str, &[&str])] = &[
            ("admin:hunter2@photos.example.com", &["hunter2"]),
            ("admin:hunter2@photos.example.com:2342", &["hunter2"]),
            ("http://admin:hunter2@photos.example.com", &["hunter2"]),
            (
                "https://admin:hunter2@photos.example.com:8443/photos",
                &["hunter2"],
            ),
            ("ftp://admin:hunter2@photos.example.com", &["hunter2"]),
            ("http://:hunter2@photos.example.com", &["hunter2"]),
            ("http://hunter2@photos.example.com", &["hunter2"]),
            ("hunter2@photos.example.com", &["hunter2"]),
            (
                "http://admin:hunt%65r2@photos.example.com",
                &["hunter2", "hunt%65r2"],
            ),
            (
                "http://admin:hun%40ter2@photos.example.com",
                &["hun%40ter2", "ter2"],
            ),
            (
                "http://admin:hun@ter2@photos.example.com",
                &["hun@ter2", "ter2"],
            ),
            (
                "http://admin:hun/ter2@photos.example.com",
                &["hun/ter2", "ter2"],
            ),
            (
                "http://admin:hun?ter2@photos.example.com",
                &["hun?ter2", "ter2"],
            ),
            (
                "http://admin:hun#ter2@photos.example.com",
                &["hun#ter2", "ter2"],
            ),
            (
                "http://admin:hun ter2@photos.example.com",
                &["hun ter2", "ter2"],
            ),
            ("http://admin:пароль@photos.example.com", &["пароль"]),
            ("http://admin:密码123@photos.example.com", &["密码123"]),
            (
                "http://admin:p%C3%A4ss@photos.example.com",
                &["p%C3%A4ss", "päss"],
            ),
            ("http://admin%3Ahunter2%40photos.example.com", &["hunter2"]),
            ("admin%3Ahunter2%40photos.example.com", &["hunter2"]),
            ("http://admin:hunter2@", &["hunter2"]),
            ("http://admin:hunter2@/photos", &["hunter2"]),
            (
                "http://admin:hunter2@photos.example.com:notaport",
                &["hunter2"],
            ),
            ("http://admin:hunter2@photos example.com", &["hunter2"]),
            ("http://admin:hunter2@[::1]:2342", &["hunter2"]),
            ("http://admin:hunter2@[::1", &["hunter2"]),
            ("admin:hunter2@[fe80::1%25eth0]:2342", &["hunter2"]),
            ("http//admin:hunter2@photos.example.com", &["hunter2"]),
            ("http//admin:hunter2", &["hunter2"]),
            ("https:/admin:hunter2@photos.example.com", &["hunter2"]),
            ("http:\\\\admin:hunter2@photos.example.com", &["hunter2"]),
            ("admin:hunter2", &["hunter2"]),
            ("photos.example.com:hunter2", &["hunter2"]),
            (
                "http://photos.example.com:99999/?token=hunter2",
                &["hunter2"],
            ),
            (
                "http://photos.example.com:99999/#access_token=hunter2",
                &["hunter2"],
            ),
            ("http://photos example.com/?token=hunter2", &["hunter2"]),
            ("http://[::1/?token=hunter2", &["hunter2"]),
            ("http://[::1]:2342:1/?token=hunter2", &["hunter2"]),
            (
                "http://photos.example.com:99999/?mail=a@b&token=hunter2",
                &["hunter2"],
            ),
            ("http://photos.example.com:99999/?t=x@hunter2", &["hunter2"]),
            ("ftp://photos.example.com/?token=hunter2", &["hunter2"]),
            ("http://photos.example.com/hunter2@x", &["hunter2"]),
            ("http://photos.example.com/p;token=hunter2", &["hunter2"]),
            (
                "http://photos.example.com/%68unter2%40x",
                &["hunter2", "%68unter2"],
            ),
            ("http://photos.example.com/\u{1b}]8;;hunter2", &["hunter2"]),
            ("  http://admin:hunter2@photos.example.com  ", &["hunter2"]),
            ("http://ad\nmin:hunter2@photos.example.com", &["hunter2"]),
            ("user:pa://ss@hunter2", &["pa://ss", "hunter2"]),
            ("://admin:hunter2@host", &["hunter2"]),
            ("http://admin:hunter2@ho\u{0}st", &["hunter2"]),
        ];
        for (input, secrets) in table {
            let input = input.to_string();
            let mut shown = Vec::new();
            match ServerUrl::parse(&input) {
                Ok(url) => {
                    shown.push(url.to_string());
                    shown.push(format!("{url:?}"));
                    shown.push(url.api_root().to_string());
                    shown.push(url.origin());
                }
                Err(err) => {
                    shown.push(err.to_string());
                    shown.push(format!("{err:?}"));
                    let mut out = String::new();
                    let handler = miette::GraphicalReportHandler::new_themed(
                        miette::GraphicalTheme::unicode_nocolor(),
                    );
                    handler.render_report(&mut out, &err).unwrap();
                    shown.push(out);
                }
            }
            shown.push(ServerUrl::redact(&input));
            for text in &shown {
                for secret in *secrets {
                    assert!(
                        !text.contains(secret),
                        "input {input:?} shows {secret:?} in {text:?}"
                    );
                }
                assert!(
                    !text.chars().any(|c| c.is_control() && c != '\n'),
                    "input {input:?} shows a control character in {text:?}"
                );
            }
        }
    }

    #[test]
    fn redaction_keeps_what_helps() {
        assert_eq!(
            ServerUrl::redact("admin:hunter2@photos.example.com:2342"),
            "http://***@photos.example.com:2342/"
        );
        assert_eq!(
            ServerUrl::redact("https://photos.example.com:99999/x?token=1"),
            "https://photos.example.com:99999…"
        );
        assert_eq!(
            ServerUrl::redact("https://photos.example.com/photos?token=1#x"),
            "https://photos.example.com/photos?…#…"
        );
        assert_eq!(
            ServerUrl::redact("http://[::1]:2342/"),
            "http://[::1]:2342/"
        );
        assert_eq!(
            ServerUrl::redact("photos.example.com:abc"),
            "photos.example.com…"
        );
        let err = ServerUrl::parse("http://photos.example.com:99999").unwrap_err();
        assert!(
            err.to_string().contains("photos.example.com:99999"),
            "{err}"
        );
    }

    #[test]
    fn queries_and_fragments_are_dropped_from_accepted_urls() {
        let u = ServerUrl::parse("https://photos.example.com/photos?token=hunter2#x").unwrap();
        assert_eq!(u.to_string(), "https://photos.example.com/photos/");
        let u = ServerUrl::parse("[::1]:2342").unwrap();
        assert_eq!(u.origin(), "http://[::1]:2342");
    }
}
