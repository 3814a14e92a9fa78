//! Labels on photos: add by name, change a link's uncertainty, remove by numeric label ID
//! (photoprism-api.md §3.11 and §9, measured on servers of both generations).

use serde_json::json;

use super::client::Client;
use super::error::Error;
use super::models::Photo;
use super::photos::photo_path;
use super::transport::Request;

/// The uncertainty at which PhotoPrism hides a label link (classifier labels are not unlinked
/// on removal but set to this value).
pub const HIDDEN_UNCERTAINTY: i64 = 100;

impl Client {
    /// `POST /photos/:uid/label {"Name": name}`: links the label `name` (created when no label
    /// has its slug) with source `manual` and uncertainty 0; the answer is the photo.
    ///
    /// A blank name is refused here: 2025+ servers answer 400 "Invalid name", 2024 servers
    /// create a label called "Unknown".
    pub async fn add_photo_label(&self, uid: &str, name: &str) -> Result<Photo, Error> {
        self.add_photo_label_with(uid, name, 0).await
    }

    /// As [`Client::add_photo_label`] with an uncertainty (0–100; 0 = certain). An existing
    /// link keeps the lower of its own and this uncertainty.
    pub async fn add_photo_label_with(
        &self,
        uid: &str,
        name: &str,
        uncertainty: i64,
    ) -> Result<Photo, Error> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("a label name must not be empty"));
        }
        check_uncertainty(uncertainty)?;
        let body = json!({"Name": name, "Uncertainty": uncertainty});
        // Safe to repeat: linking the same label twice leaves one link.
        let request = Request::post(photo_path(uid, "label")?)
            .idempotent()
            .json(body);
        let photo: Photo = self.send_json(request).await?;
        self.note_text_field(photo.text_field());
        Ok(photo)
    }

    /// `PUT /photos/:uid/label/:id {"Uncertainty": n}`: changes how certain a link is
    /// (100 hides it); `label_id` is the numeric `LabelID` of the link.
    pub async fn set_photo_label_uncertainty(
        &self,
        uid: &str,
        label_id: i64,
        uncertainty: i64,
    ) -> Result<Photo, Error> {
        check_uncertainty(uncertainty)?;
        let path = photo_path(uid, &format!("label/{}", check_label_id(label_id)?))?;
        // Safe to repeat: an absolute value.
        let request = Request::put(path)
            .idempotent()
            .json(json!({"Uncertainty": uncertainty}));
        let photo: Photo = self.send_json(request).await?;
        self.note_text_field(photo.text_field());
        Ok(photo)
    }

    /// `DELETE /photos/:uid/label/:id`: unlinks a manual (or keyword, title, ...) label; a label
    /// from image classification stays linked with uncertainty [`HIDDEN_UNCERTAINTY`]. The
    /// server also drops every keyword of the photo that is part of the label's name.
    /// `label_id` is the numeric `LabelID` (not the label UID). A second remove answers 404.
    pub async fn remove_photo_label(&self, uid: &str, label_id: i64) -> Result<Photo, Error> {
        let path = photo_path(uid, &format!("label/{}", check_label_id(label_id)?))?;
        // Not repeated: after a remove that acted, a repeat answers 404.
        let photo: Photo = self.send_json(Request::delete(path)).await?;
        self.note_text_field(photo.text_field());
        Ok(photo)
    }

    /// `POST /batch/labels/delete {"labels": [uid, ...]}`: deletes labels by UID, in chunks of
    /// [`LABEL_DELETE_CHUNK`]. PhotoPrism (`api/batch_labels.go`, `entity.Label.Delete`)
    /// unlinks each label from every photo and soft-deletes it (adding a label of that name
    /// later brings it back); unknown UIDs are ignored. Nothing is sent for an empty list.
    pub async fn delete_labels(&self, uids: &[String]) -> Result<(), Error> {
        if let Some(blank) = uids.iter().find(|uid| uid.trim().is_empty()) {
            return Err(Error::invalid_input(format!(
                "`{blank}` is not a label UID (an empty UID would select nothing)"
            )));
        }
        for chunk in uids.chunks(LABEL_DELETE_CHUNK) {
            // Safe to repeat: deleting a deleted label changes nothing (unknown UIDs are ignored).
            let request = Request::post("batch/labels/delete")
                .idempotent()
                .json(json!({"labels": chunk}));
            self.send(request).await?;
        }
        Ok(())
    }
}

/// How many label UIDs one `POST /batch/labels/delete` carries (the same size as other batch
/// selections, well below the 1 MiB body cap of 2025+ servers).
pub const LABEL_DELETE_CHUNK: usize = 500;

fn check_uncertainty(uncertainty: i64) -> Result<(), Error> {
    if (0..=100).contains(&uncertainty) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "a label uncertainty is 0 to 100, not {uncertainty}"
        )))
    }
}

fn check_label_id(label_id: i64) -> Result<i64, Error> {
    if label_id > 0 {
        Ok(label_id)
    } else {
        Err(Error::invalid_input(format!(
            "`{label_id}` is not a label ID (the numeric LabelID of a photo's label)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{check_label_id, check_uncertainty};

    #[test]
    fn ids_and_uncertainties_are_checked_before_sending() {
        assert!(check_label_id(0).is_err());
        assert!(check_label_id(-1).is_err());
        assert_eq!(check_label_id(7).ok(), Some(7));
        assert!(check_uncertainty(-1).is_err());
        assert!(check_uncertainty(101).is_err());
        assert!(check_uncertainty(100).is_ok());
        assert!(check_uncertainty(0).is_ok());
    }
}
