//! Thumbnails: `GET /api/v1/t/:hash/:token/:size` (photoprism-api.md §1.7,
//! PhotoPrism's `internal/api/thumbnails.go`).
//!
//! The URL carries the session's *preview token*, so nothing here ever puts the
//! URL into an error: failures are [`ThumbnailError`]s whose text has the token
//! replaced by `<preview-token>`.

use super::Client;
use super::transport::Request;

/// Thumbnail size names PhotoPrism knows (`internal/thumb/sizes.go`). A server
/// answers an unknown name with a 200 SVG icon, so the client refuses it first.
pub const THUMB_SIZES: &[&str] = &[
    "tile_50",
    "tile_100",
    "tile_224",
    "tile_500",
    "tile_1080",
    "left_224",
    "right_224",
    "fit_720",
    "fit_1280",
    "fit_1600",
    "fit_1920",
    "fit_2048",
    "fit_2560",
    "fit_3840",
    "fit_4096",
    "fit_7680",
];

/// One thumbnail as the server sent it.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// The `Content-Type` of the answer (`image/jpeg`, or `image/svg+xml` for
    /// PhotoPrism's placeholder icons).
    pub content_type: String,
    /// The image bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Thumbnail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnail")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Thumbnail {
    /// The raster format, when the bytes really are a JPEG, PNG or WebP image
    /// (by their magic numbers, whatever the header claims). PhotoPrism answers
    /// a missing file or an unknown size with 200 and an SVG icon: `None` then.
    pub fn raster_mime(&self) -> Option<&'static str> {
        let b = &self.bytes;
        if b.len() > 3 && b[..3] == [0xff, 0xd8, 0xff] {
            Some("image/jpeg")
        } else if b.len() > 8 && b[..8] == [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a] {
            Some("image/png")
        } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            Some("image/webp")
        } else {
            None
        }
    }
}

/// A thumbnail that could not be fetched. Never contains the preview token.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ThumbnailError {
    /// The session has no preview token (not logged in, or a token-less client).
    #[error("the session has no preview token, so no thumbnails can be fetched")]
    #[diagnostic(code(prysm::thumbnail::no_token))]
    NoPreviewToken,
    /// The size name is not one of [`THUMB_SIZES`].
    #[error("unknown thumbnail size `{0}`")]
    #[diagnostic(code(prysm::thumbnail::size))]
    UnknownSize(String),
    /// The hash is not a SHA-1 in hex.
    #[error("`{0}` is not a file hash")]
    #[diagnostic(code(prysm::thumbnail::hash))]
    BadHash(String),
    /// The request failed (status, transport, timeout).
    #[error("thumbnail {size} of file {hash}: {message}")]
    #[diagnostic(code(prysm::thumbnail::request))]
    Request {
        /// The file hash.
        hash: String,
        /// The size name.
        size: String,
        /// What went wrong, with the preview token redacted.
        message: String,
        /// The HTTP status, when the server answered.
        status: Option<u16>,
    },
}

impl Client {
    /// Fetches the thumbnail of the file with SHA-1 `hash` at `size` (one of
    /// [`THUMB_SIZES`], e.g. `tile_224`) with the session's preview token.
    pub async fn thumbnail(&self, hash: &str, size: &str) -> Result<Thumbnail, ThumbnailError> {
        if !THUMB_SIZES.contains(&size) {
            return Err(ThumbnailError::UnknownSize(size.to_string()));
        }
        if hash.is_empty() || !hash.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ThumbnailError::BadHash(hash.to_string()));
        }
        let token = self
            .tokens()
            .map(|tokens| tokens.preview)
            .filter(|token| !token.is_empty())
            .ok_or(ThumbnailError::NoPreviewToken)?;
        // Browsers fetch thumbnails without a session header; so does prysm.
        let request = Request::get(format!("t/{hash}/{}/{size}", token.expose())).without_auth();
        match self.send(request).await {
            Ok(response) => Ok(Thumbnail {
                content_type: response
                    .headers
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("")
                    .to_string(),
                bytes: response.body,
            }),
            Err(error) => Err(ThumbnailError::Request {
                hash: hash.to_string(),
                size: size.to_string(),
                message: match error.status() {
                    // The path of a status error holds the token; its body is an SVG icon.
                    Some(status) => format!("the server answered {status}"),
                    None => error.to_string().replace(token.expose(), "<preview-token>"),
                },
                status: error.status(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thumb(bytes: &[u8]) -> Thumbnail {
        Thumbnail {
            content_type: "image/jpeg".into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn raster_mime_trusts_the_bytes_not_the_header() {
        assert_eq!(
            thumb(&[0xff, 0xd8, 0xff, 0xe0, 0]).raster_mime(),
            Some("image/jpeg")
        );
        assert_eq!(thumb(b"<svg xmlns=\"\"></svg>").raster_mime(), None);
        assert_eq!(
            thumb(b"\x89PNG\r\n\x1a\n....").raster_mime(),
            Some("image/png")
        );
        assert_eq!(thumb(b"").raster_mime(), None);
    }

    #[test]
    fn debug_does_not_dump_the_bytes() {
        let debug = format!("{:?}", thumb(&[1, 2, 3]));
        assert!(debug.contains("bytes: 3"), "{debug}");
    }
}
