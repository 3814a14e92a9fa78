//! Original files: downloading them (`GET /api/v1/dl/:hash?t=<download token>`, streamed to
//! disk and checked against the hash) and choosing a photo's primary file
//! (photoprism-api.md §1.7, §3.10 and §9).

use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};
use tokio::io::AsyncWriteExt;

use super::client::Client;
use super::error::Error;
use super::models::Photo;
use super::photos::{check_sha1, photo_path};
use super::transport::Request;

/// What [`Client::download_file`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

impl Client {
    /// Downloads the original file with SHA-1 `hash` to `dest`: streamed to `<dest>.part`,
    /// checked against the hash, then renamed, so `dest` never holds a partial file. Needs a
    /// logged-in session (the download token comes from its config). A refused token is
    /// [`Error::Forbidden`] (the server answers an SVG image), an unknown hash
    /// [`Error::NotFound`].
    pub async fn download_file(&self, hash: &str, dest: &Path) -> Result<Downloaded, Error> {
        let hash = check_sha1(hash)?;
        let Some(tokens) = self.tokens() else {
            return Err(Error::invalid_input(
                "downloading needs a logged-in session (its download token)",
            ));
        };
        let url = self.api_url(&format!("dl/{hash}"));
        let path = url.path().to_owned();
        let transport = |error: reqwest::Error| {
            let server = self.server().origin();
            let error = error.without_url();
            let connect = error.is_connect();
            Error::Transport {
                detail: format!("the download of {hash} from {server} failed: {error}"),
                server,
                method: "GET".to_owned(),
                path: path.clone(),
                connect,
                source: Box::new(error),
            }
        };
        let mut response = self
            .inner
            .http
            .get(url.clone())
            .query(&[("t", tokens.download.expose())])
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        if !response.status().is_success() {
            let body = response.bytes().await.map_err(transport)?;
            return Err(match status {
                // The body is an SVG image, not a message.
                403 => Error::Forbidden {
                    method: "GET".to_owned(),
                    path,
                    message: "the server refused the download token".to_owned(),
                },
                _ => Error::from_status(status, "GET", &path, &body, None),
            });
        }
        let part = part_path(dest);
        let io_error = |source| Error::Io {
            path: part.clone(),
            source,
        };
        let mut file = tokio::fs::File::create(&part).await.map_err(io_error)?;
        let mut hasher = Sha1::new();
        let mut written = 0u64;
        let outcome: Result<(), Error> = async {
            while let Some(chunk) = response.chunk().await.map_err(transport)? {
                hasher.update(&chunk);
                file.write_all(&chunk).await.map_err(io_error)?;
                written += chunk.len() as u64;
            }
            file.flush().await.map_err(io_error)?;
            file.sync_all().await.map_err(io_error)?;
            Ok(())
        }
        .await;
        drop(file);
        let got = hex::encode(hasher.finalize());
        let outcome = outcome.and_then(|()| {
            if got == hash {
                Ok(())
            } else {
                Err(Error::Decode {
                    method: "GET".to_owned(),
                    path: path.clone(),
                    message: format!(
                        "the file received ({written} bytes) has SHA-1 {got}, not {hash}"
                    ),
                })
            }
        });
        if let Err(error) = outcome {
            // Best effort: the partial file is of no use.
            let _ = tokio::fs::remove_file(&part).await;
            return Err(error);
        }
        tokio::fs::rename(&part, dest)
            .await
            .map_err(|source| Error::Io {
                path: dest.to_owned(),
                source,
            })?;
        Ok(Downloaded {
            path: dest.to_owned(),
            bytes: written,
        })
    }

    /// `POST /photos/:uid/files/:file_uid/primary`: makes a file the photo's primary one. The
    /// server does not check that the file belongs to the photo: a file UID of another photo
    /// answers 200 and leaves the photo with no primary file, so this call refuses file UIDs
    /// that are not among the photo's files (one `GET /photos/:uid` first).
    pub async fn set_primary_file(&self, uid: &str, file_uid: &str) -> Result<Photo, Error> {
        if file_uid.trim().is_empty() {
            return Err(Error::invalid_input("the file UID is empty"));
        }
        let photo = self.photo(uid).await?;
        if !photo.files.iter().any(|f| f.uid == file_uid) {
            return Err(Error::invalid_input(format!(
                "file {file_uid} is not a file of photo {uid} (the server would leave the photo \
                 without a primary file)"
            )));
        }
        let path = photo_path(uid, &format!("files/{file_uid}/primary"))?;
        // Safe to repeat: making the same file primary twice changes nothing.
        let photo: Photo = self.send_json(Request::post(path).idempotent()).await?;
        self.note_text_field(photo.text_field());
        Ok(photo)
    }
}

/// `<dest>.part` next to `dest`.
fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::part_path;

    #[test]
    fn partial_downloads_sit_next_to_the_destination() {
        assert_eq!(
            part_path(Path::new("/tmp/a/IMG 1.jpg")),
            Path::new("/tmp/a/IMG 1.jpg.part")
        );
    }
}
