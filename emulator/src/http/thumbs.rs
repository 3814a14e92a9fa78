//! Thumbnails: `GET /api/v1/t/:hash/:token/:size` (photoprism-api.md §1.7).
//!
//! Statuses and content types follow PhotoPrism's `internal/api/thumbnails.go`
//! (`GetThumb`): a preview token that is not the user's → 403 `image/svg+xml`
//! (the "broken" icon); a size name not in `thumb.Sizes` → 200 `image/svg+xml`
//! (the photo icon); a hash that matches no file → 200 `image/svg+xml` (photo
//! icon); otherwise 200 `image/jpeg`. The emulator has no originals, so it draws
//! a small deterministic JPEG per file hash: a colour and a diagonal band taken
//! from the hash, at the size's dimensions (tiles are square; `fit_*` sizes keep
//! the file's aspect ratio, never upscale, and are capped at 720 pixels so the
//! emulator stays fast; `colors` is a PNG on a real server, a 3×3 JPEG here).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;

/// PhotoPrism's generic photo icon (a 24×24 SVG), served for unknown sizes and hashes.
const PHOTO_ICON_SVG: &str = concat!(
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\" viewBox=\"0 0 24 24\">",
    "<path d=\"M0 0h24v24H0z\" fill=\"none\"/>",
    "<path d=\"M21 19V5c0-1.1-.9-2-2-2H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2z",
    "M8.5 13.5l2.5 3.01L14.5 12l4.5 6H5l3.5-4.5z\"/></svg>"
);

/// A "broken image" icon, served with 403 for a bad preview token.
const BROKEN_ICON_SVG: &str = concat!(
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\" viewBox=\"0 0 24 24\">",
    "<path d=\"M0 0h24v24H0z\" fill=\"none\"/>",
    "<path d=\"M21 5v6.59l-3-3.01-4 4.01-4-4-4 4-3-3.01V5c0-1.1.9-2 2-2h14c1.1 0 2 .9 2 2z",
    "m-3 6.42l3 3.01V19c0 1.1-.9 2-2 2H5c-1.1 0-2-.9-2-2v-6.58l3 2.99 4-4 4 4 4-3.99z\"/></svg>"
);

/// Width, height and whether the size fits (keeps the aspect ratio) rather than fills.
/// From PhotoPrism's `internal/thumb/sizes.go` (`thumb.Sizes`).
fn size_of(name: &str) -> Option<(u32, u32, bool)> {
    Some(match name {
        "tile_50" => (50, 50, false),
        "tile_100" => (100, 100, false),
        "tile_224" | "left_224" | "right_224" => (224, 224, false),
        "tile_500" => (500, 500, false),
        "tile_1080" => (1080, 1080, false),
        "colors" => (3, 3, false),
        "fit_720" => (720, 720, true),
        "fit_1280" => (1280, 1024, true),
        "fit_1600" => (1600, 900, true),
        "fit_1920" => (1920, 1200, true),
        "fit_2048" => (2048, 2048, true),
        "fit_2560" => (2560, 1600, true),
        "fit_3840" => (3840, 2400, true),
        "fit_4096" => (4096, 4096, true),
        "fit_7680" => (7680, 4320, true),
        _ => return None,
    })
}

/// The emulator's cap on a fitted thumbnail's longer side.
const FIT_CAP: u32 = 720;

fn svg(status: StatusCode, body: &'static str) -> Response {
    let mut res = (status, Body::from(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    res
}

/// `GET /api/v1/t/:hash/:token/:size`.
pub(crate) async fn thumb(
    State(shared): State<Arc<Shared>>,
    Path((hash, token, size)): Path<(String, String, String)>,
) -> Response {
    let (file_w, file_h, key) = {
        let store = shared.store.lock();
        if token != store.user.preview_token {
            return svg(StatusCode::FORBIDDEN, BROKEN_ICON_SVG);
        }
        let Some((w, h, fit)) = size_of(&size) else {
            return svg(StatusCode::OK, PHOTO_ICON_SVG);
        };
        let hash = hash.trim().to_ascii_lowercase();
        let Some(file) = store
            .photo_by_hash(&hash)
            .and_then(|photo| photo.files.iter().find(|f| f.hash == hash))
        else {
            return svg(StatusCode::OK, PHOTO_ICON_SVG);
        };
        let (w, h) = if fit {
            fitted(file.width, file.height, w, h)
        } else {
            (w, h)
        };
        (w, h, hash)
    };
    match jpeg(&key, file_w, file_h) {
        Some(bytes) => {
            let mut res = (StatusCode::OK, Body::from(bytes)).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            res
        }
        None => svg(StatusCode::OK, BROKEN_ICON_SVG),
    }
}

/// The size of a `fit_*` thumbnail of a `width`×`height` original (4:3 when unknown).
fn fitted(width: u32, height: u32, box_w: u32, box_h: u32) -> (u32, u32) {
    let (width, height) = if width == 0 || height == 0 {
        (1600, 1200)
    } else {
        (width, height)
    };
    let (box_w, box_h) = (box_w.min(FIT_CAP), box_h.min(FIT_CAP));
    let scale = (f64::from(box_w) / f64::from(width))
        .min(f64::from(box_h) / f64::from(height))
        .min(1.0);
    let w = (f64::from(width) * scale)
        .round()
        .clamp(1.0, f64::from(box_w));
    let h = (f64::from(height) * scale)
        .round()
        .clamp(1.0, f64::from(box_h));
    (w as u32, h as u32)
}

/// A deterministic JPEG for a file hash: background and band colours from the hash.
fn jpeg(hash: &str, width: u32, height: u32) -> Option<Vec<u8>> {
    let seed: Vec<u8> = (0..6)
        .map(|i| {
            hash.get(i * 2..i * 2 + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .unwrap_or(0x80)
        })
        .collect();
    let background = [seed[0], seed[1], seed[2]];
    let band = [seed[3] ^ 0xff, seed[4] ^ 0xff, seed[5] ^ 0xff];
    let w16 = u16::try_from(width).ok()?;
    let h16 = u16::try_from(height).ok()?;
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            // A band along the diagonal, a quarter of the shorter side wide.
            let d = (i64::from(x) * i64::from(height) - i64::from(y) * i64::from(width)).abs();
            let on_band = d * 8 < i64::from(width.min(height)) * i64::from(width.max(height));
            pixels.extend_from_slice(if on_band { &band } else { &background });
        }
    }
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 80);
    encoder
        .encode(&pixels, w16, h16, jpeg_encoder::ColorType::Rgb)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_is_a_jpeg_of_the_asked_size() {
        let bytes = jpeg("0123456789abcdef0123456789abcdef01234567", 224, 224).unwrap();
        assert_eq!(&bytes[..2], &[0xff, 0xd8], "SOI marker");
        assert_eq!(&bytes[bytes.len() - 2..], &[0xff, 0xd9], "EOI marker");
        // SOF0 carries height then width.
        let sof = bytes.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
        assert_eq!(u16::from_be_bytes([bytes[sof + 5], bytes[sof + 6]]), 224);
        assert_eq!(u16::from_be_bytes([bytes[sof + 7], bytes[sof + 8]]), 224);
    }

    #[test]
    fn fit_keeps_the_aspect_and_never_upscales() {
        assert_eq!(fitted(4000, 3000, 720, 720), (720, 540));
        assert_eq!(fitted(3000, 4000, 720, 720), (540, 720));
        assert_eq!(fitted(300, 200, 720, 720), (300, 200));
        assert_eq!(fitted(0, 0, 720, 720), (720, 540));
        assert_eq!(fitted(4000, 3000, 1280, 1024), (720, 540));
    }
}
