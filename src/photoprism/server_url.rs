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
            input: redact_userinfo(trimmed),
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
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host name"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "it contains a user name or password; pass credentials separately",
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
                input: host.to_owned(),
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

fn redact_userinfo(input: &str) -> String {
    match (input.find("://"), input.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***@{}", &input[..scheme_end], &input[at + 1..])
        }
        _ => input.to_owned(),
    }
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
}
