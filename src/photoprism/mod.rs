//! A typed async client for the PhotoPrism REST API (`/api/v1`).
//!
//! It speaks both API generations: releases up to 2024 (photo `Description`, album create always
//! 200) and 2025+ (photo `Caption`, 201 on album create, batch edit). See [`Client`].

mod auth;
mod client;
mod error;
pub mod models;
mod options;
mod page;
mod secret;
mod server_info;
mod server_url;
mod transport;

pub use auth::Credentials;
pub use client::Client;
pub use error::Error;
pub use models::{
    Album, AlbumPhotosResponse, AlbumResult, AppPassword, BatchEditResponse, Label, Message, Photo,
    PhotoDetails, PhotoFile, PhotoLabel, PhotoResult, Session, SessionConfig, ShareLink, Subject,
    TextField, Tokens, User,
};
pub use options::{ClientOptions, RetryPolicy};
pub use page::Page;
pub use secret::Secret;
pub use server_info::ServerInfo;
pub use server_url::{DEFAULT_SERVER, ServerUrl};

/// A page of photo search rows.
pub type PhotoPage = Page<PhotoResult>;
