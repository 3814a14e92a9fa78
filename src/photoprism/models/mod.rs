//! Typed models of PhotoPrism's JSON. Unknown keys are ignored and missing keys take defaults,
//! so the same types read answers of 2024 and 2025+ servers.

mod album;
mod batch;
mod file;
mod label;
mod link;
mod message;
mod photo;
mod serde_util;
mod session;
mod subject;

pub use album::{Album, AlbumPhotosResponse, AlbumResult, PhotoAlbum};
pub use batch::{BatchEditResponse, BatchFieldValue, BatchItem};
pub use file::PhotoFile;
pub use label::{Label, PhotoLabel};
pub use link::ShareLink;
pub use message::{Message, StatusResponse};
pub use photo::{Photo, PhotoDetails, PhotoResult, PhotoRow, RowFile, TextField};
pub use session::{AppPassword, ConfigSettings, Session, SessionConfig, Tokens, User};
pub use subject::Subject;
