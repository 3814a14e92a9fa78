//! Uploading files: `POST /users/:uid/upload/:token` (multipart) then `PUT …` to import them.

use std::fmt;
use std::path::Path;

use rand::Rng;
use serde_json::json;
use sha1::{Digest, Sha1};

use super::client::Client;
use super::error::Error;
use super::models::Photo;
use super::transport::{Part, Request};

/// A file to upload, held in memory.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadFile {
    name: String,
    bytes: Vec<u8>,
}

impl UploadFile {
    /// Reads a local file; its base name is used as the upload name.
    pub async fn from_path(path: &Path) -> Result<UploadFile, Error> {
        let bytes = tokio::fs::read(path).await.map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".to_owned());
        Ok(UploadFile { name, bytes })
    }

    /// A file from memory; only the base name of `name` is kept by the server.
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> UploadFile {
        UploadFile {
            name: name.into(),
            bytes: bytes.into(),
        }
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The content.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// SHA-1 of the content (how the uploaded photo is found afterwards).
    pub fn sha1(&self) -> String {
        hex::encode(Sha1::digest(&self.bytes))
    }
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("name", &self.name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A random upload token like the web UI's.
fn upload_token() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

impl Client {
    /// Uploads files, imports them (adding them to `albums`: album UIDs, best created first with
    /// [`Client::create_album`]) and returns the resulting photos, found by each file's SHA-1.
    /// Files identical to indexed ones yield the existing photo; each photo is returned once.
    /// A file the server did not import is an [`Error::NotFound`]; [`Client::upload_files`]
    /// reports such files instead.
    pub async fn upload(
        &self,
        files: &[UploadFile],
        albums: &[String],
    ) -> Result<Vec<Photo>, Error> {
        let report = self.upload_files(files, albums).await?;
        if let Some(name) = report.not_imported.first() {
            return Err(Error::NotFound {
                method: "GET".to_owned(),
                path: self.server().api_path("photos"),
                message: format!("no photo has the file `{name}` after the import"),
            });
        }
        let mut photos: Vec<Photo> = Vec::new();
        for file in files {
            let Some(uid) = report.photos.get(&file.sha1()) else {
                continue;
            };
            if !photos.iter().any(|p| &p.uid == uid) {
                photos.push(self.photo(uid).await?);
            }
        }
        Ok(photos)
    }

    /// Uploads files in one upload (one multipart request, one import), then finds the photo of
    /// every file by its SHA-1 in batched searches ([`Client::photo_uids_by_hash`]): a few
    /// requests however many files. PhotoPrism keeps only each file's base name, so two files
    /// with the same base name must go in different uploads ([`Error::InvalidInput`] here).
    pub async fn upload_files(
        &self,
        files: &[UploadFile],
        albums: &[String],
    ) -> Result<UploadReport, Error> {
        if files.is_empty() {
            return Ok(UploadReport::default());
        }
        let user = self.user_uid();
        if user.is_empty() {
            return Err(Error::invalid_input(
                "uploading needs a user session (log in with a password or an app password)",
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for file in files {
            if !names.insert(base_name(&file.name)) {
                return Err(Error::invalid_input(format!(
                    "two files named `{}` in one upload: PhotoPrism keeps only base names, \
                     so upload them separately",
                    base_name(&file.name)
                )));
            }
        }
        let path = format!("users/{user}/upload/{}", upload_token());
        let parts = files
            .iter()
            .map(|f| Part {
                field: "files",
                file_name: f.name.clone(),
                bytes: f.bytes.clone(),
            })
            .collect();
        // Safe to repeat: the same files are written again under the same upload token.
        self.send(Request::post(path.clone()).idempotent().multipart(parts))
            .await?;
        // Not repeated: after an import that acted, the upload folder is gone.
        self.send(Request::put(path).json(json!({"albums": albums})))
            .await?;
        let hashes: Vec<String> = files.iter().map(UploadFile::sha1).collect();
        let photos = self.photo_uids_by_hash(&hashes).await?;
        let not_imported = files
            .iter()
            .zip(&hashes)
            .filter(|(_, hash)| !photos.contains_key(*hash))
            .map(|(file, _)| file.name.clone())
            .collect();
        Ok(UploadReport {
            photos,
            not_imported,
        })
    }
}

/// What [`Client::upload_files`] made of the files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadReport {
    /// SHA-1 of each file found in the library afterwards -> the UID of its photo.
    pub photos: std::collections::BTreeMap<String, String>,
    /// Names of the files no photo holds after the import (rejected or unsupported by the
    /// server, or sidecar files, which searches never list).
    pub not_imported: Vec<String>,
}

/// The part of a file name PhotoPrism keeps (after the last `/` or `\\`).
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_files_hash_and_hide_content() {
        let f = UploadFile::from_bytes("a.jpg", b"abc".to_vec());
        assert_eq!(f.sha1(), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(format!("{f:?}"), "UploadFile { name: \"a.jpg\", len: 3 }");
        let t = upload_token();
        assert_eq!(t.len(), 10);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
