//! A typed async client for the PhotoPrism REST API (`/api/v1`).
//!
//! It speaks both API generations: releases up to 2024 (photo `Description`, album create always
//! 200, no batch edit) and 2025+ (photo `Caption`, 201 on album create, batch edit). The
//! generation is detected at login and refined from photo answers.
//!
//! ```no_run
//! # async fn demo() -> Result<(), prysm::photoprism::Error> {
//! use prysm::photoprism::{AlbumQuery, Client, ClientOptions, Credentials, ServerUrl};
//!
//! let server = ServerUrl::parse("localhost:2342")?;
//! let credentials = Credentials::password("admin", "photoprism");
//! let titles = Client::with_session(server, ClientOptions::default(), &credentials, async |client| {
//!     let albums = client.all_albums(AlbumQuery::default()).await?;
//!     Ok(albums.into_iter().map(|a| a.title).collect::<Vec<_>>())
//! })
//! .await?;
//! # Ok(()) }
//! ```

mod albums;
mod auth;
mod batch_edit;
mod client;
mod download;
mod error;
mod jobs;
mod labels;
pub mod models;
mod options;
mod page;
mod photo_update;
mod photos;
mod raw;
mod recording;
mod secret;
mod server_info;
mod server_url;
pub mod text;
mod thumbs;
mod transport;
mod upload;

pub use albums::{
    AlbumQuery, AlbumUpdate, CreateOutcome, CreatedAlbum, MEMBERSHIP_CHUNK, ShareLinkOptions,
};
pub use auth::Credentials;
pub use batch_edit::{BATCH_EDIT_CHUNK, BatchValues};
pub use client::Client;
pub use download::Downloaded;
pub use error::Error;
pub use jobs::{ImportOptions, IndexOptions};
pub use labels::{HIDDEN_UNCERTAINTY, LABEL_DELETE_CHUNK};
pub use models::{
    Album, AlbumPhotosResponse, AlbumResult, AppPassword, BatchEditResponse, Label, Message, Photo,
    PhotoDetails, PhotoFile, PhotoLabel, PhotoResult, Session, SessionConfig, ShareLink, Subject,
    TextField, Tokens, User,
};
pub use options::{BusyPolicy, ClientOptions, MAX_BODY_BYTES, RetryPolicy};
pub use page::Page;
pub use photo_update::{MANUAL, PhotoUpdate, Timestamp};
pub use photos::{BATCH_CHUNK, HASH_BATCH, PhotoQuery};
pub use raw::RawResponse;
pub use recording::{Exchange, RECORDED_HEADERS, RecordedServer, compact_json};
/// HTTP methods for [`Client::request`].
pub use reqwest::Method;
pub use secret::Secret;
pub use server_info::ServerInfo;
pub use server_url::{DEFAULT_SERVER, ServerUrl};
pub use thumbs::{THUMB_SIZES, Thumbnail, ThumbnailError};
pub use upload::{UploadFile, UploadReport};

/// A page of photo search rows.
pub type PhotoPage = Page<PhotoResult>;
