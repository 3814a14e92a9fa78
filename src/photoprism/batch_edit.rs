//! [`BatchValues`] and [`Client::batch_edit`]: `POST /api/v1/batch/photos/edit` (2025+ servers).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::client::Client;
use super::error::Error;
use super::models::BatchEditResponse;
use super::transport::Request;

/// Photo UIDs per batch-edit request.
pub const BATCH_EDIT_CHUNK: usize = 500;

/// The values a batch edit sets (`"action":"update"`) or clears (`"action":"remove"`).
/// Fields that are not mentioned stay unchanged. The server writes `…Src: "batch"`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchValues {
    fields: BTreeMap<&'static str, Value>,
    albums: Vec<(String, bool)>,
    /// `(label UID or "", name, add)`.
    labels: Vec<(String, String, bool)>,
}

impl BatchValues {
    /// No changes yet; with no changes the call only reads the selection.
    pub fn new() -> Self {
        BatchValues::default()
    }

    fn update(mut self, key: &'static str, value: Value) -> Self {
        self.fields
            .insert(key, json!({"value": value, "action": "update"}));
        self
    }

    fn remove(mut self, key: &'static str) -> Self {
        self.fields
            .insert(key, json!({"value": "", "action": "remove"}));
        self
    }

    /// Sets the title.
    pub fn title(self, title: impl Into<String>) -> Self {
        self.update("Title", json!(title.into()))
    }

    /// Clears the title.
    pub fn remove_title(self) -> Self {
        self.remove("Title")
    }

    /// Sets the caption.
    pub fn caption(self, caption: impl Into<String>) -> Self {
        self.update("Caption", json!(caption.into()))
    }

    /// Clears the caption.
    pub fn remove_caption(self) -> Self {
        self.remove("Caption")
    }

    /// Sets the favorite flag (explicitly, not toggled).
    pub fn favorite(self, favorite: bool) -> Self {
        self.update("Favorite", json!(favorite))
    }

    /// Sets the private flag (explicitly, not toggled).
    pub fn private(self, private: bool) -> Self {
        self.update("Private", json!(private))
    }

    /// Sets the time zone.
    pub fn time_zone(self, zone: impl Into<String>) -> Self {
        self.update("TimeZone", json!(zone.into()))
    }

    /// Sets the latitude.
    pub fn lat(self, lat: f64) -> Self {
        self.update("Lat", json!(lat))
    }

    /// Sets the longitude.
    pub fn lng(self, lng: f64) -> Self {
        self.update("Lng", json!(lng))
    }

    /// Sets the altitude in meters.
    pub fn altitude(self, altitude: i64) -> Self {
        self.update("Altitude", json!(altitude))
    }

    /// Sets the subject.
    pub fn subject(self, subject: impl Into<String>) -> Self {
        self.update("DetailsSubject", json!(subject.into()))
    }

    /// Clears the subject.
    pub fn remove_subject(self) -> Self {
        self.remove("DetailsSubject")
    }

    /// Sets the artist.
    pub fn artist(self, artist: impl Into<String>) -> Self {
        self.update("DetailsArtist", json!(artist.into()))
    }

    /// Clears the artist.
    pub fn remove_artist(self) -> Self {
        self.remove("DetailsArtist")
    }

    /// Sets the copyright.
    pub fn copyright(self, copyright: impl Into<String>) -> Self {
        self.update("DetailsCopyright", json!(copyright.into()))
    }

    /// Clears the copyright.
    pub fn remove_copyright(self) -> Self {
        self.remove("DetailsCopyright")
    }

    /// Sets the license.
    pub fn license(self, license: impl Into<String>) -> Self {
        self.update("DetailsLicense", json!(license.into()))
    }

    /// Clears the license.
    pub fn remove_license(self) -> Self {
        self.remove("DetailsLicense")
    }

    /// Adds every selected photo to the album with this UID.
    pub fn add_to_album(mut self, album_uid: impl Into<String>) -> Self {
        self.albums.push((album_uid.into(), true));
        self
    }

    /// Removes every selected photo from the album with this UID.
    pub fn remove_from_album(mut self, album_uid: impl Into<String>) -> Self {
        self.albums.push((album_uid.into(), false));
        self
    }

    /// Links the label `name` to every selected photo (created when no label has its name).
    pub fn add_label(mut self, name: impl Into<String>) -> Self {
        self.labels.push((String::new(), name.into(), true));
        self
    }

    /// Links the existing label with this UID (named `name`) to every selected photo.
    pub fn add_label_uid(mut self, label_uid: impl Into<String>, name: impl Into<String>) -> Self {
        self.labels.push((label_uid.into(), name.into(), true));
        self
    }

    /// Removes the label with this UID (named `name`) from every selected photo.
    pub fn remove_label(mut self, label_uid: impl Into<String>, name: impl Into<String>) -> Self {
        self.labels.push((label_uid.into(), name.into(), false));
        self
    }

    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.albums.is_empty() && self.labels.is_empty()
    }

    /// The `values` object of the request.
    pub fn to_json(&self) -> Value {
        let mut values: serde_json::Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        if !self.albums.is_empty() {
            let items: Vec<Value> = self
                .albums
                .iter()
                .map(|(uid, add)| {
                    json!({"value": uid, "action": if *add { "add" } else { "remove" }})
                })
                .collect();
            values.insert(
                "Albums".to_owned(),
                json!({"action": "update", "items": items}),
            );
        }
        if !self.labels.is_empty() {
            // photoprism-api.md §9 (2026 server): items name the label by UID (empty for a
            // new one) and title.
            let items: Vec<Value> = self
                .labels
                .iter()
                .map(|(uid, title, add)| {
                    json!({
                        "value": uid,
                        "title": title,
                        "action": if *add { "add" } else { "remove" },
                    })
                })
                .collect();
            values.insert(
                "Labels".to_owned(),
                json!({"action": "update", "items": items}),
            );
        }
        Value::Object(values)
    }
}

impl Client {
    /// Edits many photos at once (2025+ servers), in chunks of [`BATCH_EDIT_CHUNK`] UIDs.
    ///
    /// The answer holds the rows of every chunk; `values` is the aggregate of the last chunk.
    /// Servers without batch edit (404), or with the feature disabled (403 "Feature disabled"),
    /// give [`Error::Unsupported`].
    ///
    /// PhotoPrism saves one batch edit at a time server-wide and refuses any other with 429
    /// "Busy" while it runs. Chunks that change values are therefore sent one at a time by all
    /// clones of this client (other calls wait their turn), and a busy answer caused by someone
    /// else (another client, the web UI) is waited out as the client's
    /// [`crate::photoprism::BusyPolicy`] allows, then fails with [`Error::Busy`]. Read-only calls
    /// (empty `values`) take no lock on the server and run in parallel.
    pub async fn batch_edit(
        &self,
        uids: &[String],
        values: &BatchValues,
    ) -> Result<BatchEditResponse, Error> {
        let mut combined = BatchEditResponse::default();
        for chunk in uids.chunks(BATCH_EDIT_CHUNK) {
            let body = if values.is_empty() {
                json!({"photos": chunk})
            } else {
                json!({"photos": chunk, "values": values.to_json()})
            };
            // Safe to repeat: every value is absolute (set or cleared, album UIDs added or
            // removed), so a second run leaves the photos as the first did.
            let request = Request::post("batch/photos/edit")
                .idempotent()
                .waits_when_busy()
                .json(body);
            // The server's `mutex.BatchEdit` is only taken when `values` is sent
            // (`batch.PrepareAndSavePhotos`); read-only calls need no turn.
            let _turn = if values.is_empty() {
                None
            } else {
                Some(self.inner.batch_edit_lock.lock().await)
            };
            let answer: BatchEditResponse = match self.send_json(request).await {
                Ok(answer) => answer,
                Err(Error::NotFound { .. }) => {
                    return Err(Error::Unsupported {
                        feature: "batch edit".to_owned(),
                        message:
                            "this PhotoPrism release has no /batch/photos/edit (added in 251130)"
                                .to_owned(),
                    });
                }
                Err(Error::Forbidden { message, .. })
                    if message.to_ascii_lowercase().contains("disabled") =>
                {
                    return Err(Error::Unsupported {
                        feature: "batch edit".to_owned(),
                        message: format!("the server refused it: {message}"),
                    });
                }
                Err(other) => return Err(other),
            };
            combined.models.extend(answer.models);
            combined.values = answer.values;
        }
        Ok(combined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_items_carry_uid_title_and_action() {
        let values = BatchValues::new()
            .add_label("Кот 🐱")
            .add_label_uid("lt1", "Cat")
            .remove_label("lt2", "50% _off");
        assert!(!values.is_empty());
        assert_eq!(
            values.to_json()["Labels"],
            json!({"action": "update", "items": [
                {"value": "", "title": "Кот 🐱", "action": "add"},
                {"value": "lt1", "title": "Cat", "action": "add"},
                {"value": "lt2", "title": "50% _off", "action": "remove"},
            ]})
        );
    }

    #[test]
    fn builds_the_values_object() {
        let values = BatchValues::new()
            .title("T")
            .remove_caption()
            .private(true)
            .artist("Ann")
            .add_to_album("a1")
            .remove_from_album("a2");
        assert_eq!(
            values.to_json(),
            json!({
                "Title": {"value": "T", "action": "update"},
                "Caption": {"value": "", "action": "remove"},
                "Private": {"value": true, "action": "update"},
                "DetailsArtist": {"value": "Ann", "action": "update"},
                "Albums": {"action": "update", "items": [
                    {"value": "a1", "action": "add"},
                    {"value": "a2", "action": "remove"}
                ]}
            })
        );
        assert!(BatchValues::new().is_empty());
        assert!(!values.is_empty());
    }
}
