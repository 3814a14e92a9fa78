//! [`PhotoUpdate`]: editing a photo with `PUT /api/v1/photos/:uid` the way the web UI does:
//! `…Src: "manual"` with every changed field and a complete `Details` object.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::client::Client;
use super::error::Error;
use super::models::{Photo, PhotoDetails, TextField};
use super::transport::Request;

/// The source value the client writes with every field it sets.
pub const MANUAL: &str = "manual";

/// A point in time for photo dates: built from a [`time::OffsetDateTime`] or parsed from RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// Parses an RFC 3339 string such as `2024-07-01T10:00:00+02:00` or `2024-07-01T08:00:00Z`.
    pub fn parse(text: &str) -> Result<Timestamp, Error> {
        OffsetDateTime::parse(text.trim(), &Rfc3339)
            .map(Timestamp)
            .map_err(|e| Error::invalid_input(format!("`{text}` is not an RFC 3339 time: {e}")))
    }

    /// RFC 3339 in UTC, e.g. `2024-07-01T08:00:00Z` (PhotoPrism's `TakenAt`).
    pub fn to_utc_string(self) -> String {
        format_wall(self.0.to_offset(UtcOffset::UTC))
    }

    /// The wall-clock time of the value labelled `Z` (PhotoPrism's `TakenAtLocal`).
    pub fn to_local_string(self) -> String {
        format_wall(self.0)
    }

    /// The wall-clock time of this instant in the time zone `zone`, labelled `Z` (PhotoPrism's
    /// `TakenAtLocal` for a photo in that zone): `2024-07-12T19:44:00Z` in `Europe/Lisbon` is
    /// `2024-07-12T20:44:00Z`. The names `""`, `UTC`, `Local` and unknown names give UTC.
    pub fn to_local_string_in(self, zone: &str) -> String {
        format_wall(wall_time_in(self.0, &load_zone(zone)))
    }
}

/// The zone a PhotoPrism server reads a photo's `TimeZone` as: `""`, `Local` (the server's own
/// zone, UTC in a container), the UTC names and names the tz database does not know are UTC.
fn load_zone(name: &str) -> jiff::tz::TimeZone {
    let name = name.trim();
    let utc = ["", "Local", "UTC", "Z", "Zulu", "Etc/UTC"]
        .iter()
        .any(|alias| name.eq_ignore_ascii_case(alias));
    if utc {
        return jiff::tz::TimeZone::UTC;
    }
    jiff::tz::db().get(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The wall-clock time `instant` shows in `zone`, labelled UTC (the instant itself when the
/// conversion is out of range).
fn wall_time_in(instant: OffsetDateTime, zone: &jiff::tz::TimeZone) -> OffsetDateTime {
    let utc = instant.to_offset(UtcOffset::UTC);
    let Ok(stamp) = jiff::Timestamp::from_second(utc.unix_timestamp()) else {
        return utc;
    };
    let offset = zone.to_offset(stamp).seconds();
    UtcOffset::from_whole_seconds(offset)
        .map(|offset| utc.to_offset(offset).replace_offset(UtcOffset::UTC))
        .unwrap_or(utc)
}

/// The instant at which the clocks of `zone` show the wall-clock time of `local` (its offset
/// ignored), or `None` when that cannot be computed.
fn instant_of_wall_time(
    local: OffsetDateTime,
    zone: &jiff::tz::TimeZone,
) -> Option<OffsetDateTime> {
    let civil = jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        i8::try_from(u8::from(local.month())).ok()?,
        i8::try_from(local.day()).ok()?,
        i8::try_from(local.hour()).ok()?,
        i8::try_from(local.minute()).ok()?,
        i8::try_from(local.second()).ok()?,
        0,
    )
    .ok()?;
    let instant = zone.to_timestamp(civil).ok()?;
    OffsetDateTime::from_unix_timestamp(instant.as_second()).ok()
}

fn format_wall(t: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    // Formatting a valid date with a fixed numeric description does not fail; fall back to RFC 3339.
    t.format(&format)
        .or_else(|_| t.format(&Rfc3339))
        .unwrap_or_default()
}

impl From<OffsetDateTime> for Timestamp {
    fn from(value: OffsetDateTime) -> Self {
        Timestamp(value)
    }
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = Error;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Timestamp::parse(value)
    }
}

impl TryFrom<String> for Timestamp {
    type Error = Error;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Timestamp::parse(&value)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_utc_string())
    }
}

/// Changes to a photo; only `Some` fields are sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoUpdate {
    /// Title (`TitleSrc: manual`).
    pub title: Option<String>,
    /// Caption, written as `Caption` or `Description` as the server expects (`…Src: manual`).
    pub caption: Option<String>,
    /// Time taken. Without `taken_at_local`, the local time sent is this instant's wall-clock
    /// time in the photo's zone (`time_zone`, else the photo's current `TimeZone`), because the
    /// server recomputes `TakenAt` from the local time and the zone.
    pub taken_at: Option<Timestamp>,
    /// Local wall-clock time taken (its offset is ignored). Without `taken_at`, the instant sent
    /// is this wall-clock time read in the photo's zone.
    pub taken_at_local: Option<Timestamp>,
    /// IANA time zone name, e.g. `Europe/Berlin`, or `UTC`. Without `taken_at` and
    /// `taken_at_local`, the photo keeps its moment (`TakenAt`) and its local time is recomputed
    /// in the new zone (the server alone would keep the local time and move the moment).
    pub time_zone: Option<String>,
    /// Latitude (`PlaceSrc: manual`).
    pub lat: Option<f64>,
    /// Longitude (`PlaceSrc: manual`).
    pub lng: Option<f64>,
    /// Altitude in meters.
    pub altitude: Option<f64>,
    /// Two-letter country code.
    pub country: Option<String>,
    /// Favorite flag.
    pub favorite: Option<bool>,
    /// Private flag.
    pub private: Option<bool>,
    /// Keywords (comma-separated; the server normalizes them).
    pub keywords: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Artist.
    pub artist: Option<String>,
    /// Copyright.
    pub copyright: Option<String>,
    /// License.
    pub license: Option<String>,
}

impl PhotoUpdate {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == PhotoUpdate::default()
    }

    /// True when the update touches a `Details` field (so the complete current details are needed).
    pub fn changes_details(&self) -> bool {
        self.keywords.is_some()
            || self.notes.is_some()
            || self.subject.is_some()
            || self.artist.is_some()
            || self.copyright.is_some()
            || self.license.is_some()
    }

    /// True when the dates to send depend on the photo's current `TimeZone` or `TakenAt`
    /// (a time without a zone, or a zone without a time).
    pub fn needs_current_dates(&self) -> bool {
        let time = self.taken_at.is_some() || self.taken_at_local.is_some();
        time != self.time_zone.is_some()
    }

    /// The `TakenAt` / `TakenAtLocal` pair to send for a photo whose current state is `current`,
    /// as the server will keep it (see the field docs); `None` where nothing is sent.
    fn dates(&self, current: &Photo) -> (Option<OffsetDateTime>, Option<OffsetDateTime>) {
        let zone = load_zone(self.time_zone.as_deref().unwrap_or(&current.time_zone));
        let taken_at = self.taken_at.map(|t| t.0);
        match (taken_at, self.taken_at_local.map(|t| t.0)) {
            (Some(taken_at), Some(local)) => (Some(taken_at), Some(local)),
            (Some(taken_at), None) => (Some(taken_at), Some(wall_time_in(taken_at, &zone))),
            (None, Some(local)) => (instant_of_wall_time(local, &zone), Some(local)),
            (None, None) if self.time_zone.is_some() => match Timestamp::parse(&current.taken_at) {
                Ok(now) => (Some(now.0), Some(wall_time_in(now.0, &zone))),
                Err(_) => (None, None),
            },
            (None, None) => (None, None),
        }
    }

    /// The PUT body for a photo whose current state is `current` (its `id` and `details`, and its
    /// `time_zone` and `taken_at` when [`PhotoUpdate::needs_current_dates`]), writing the text
    /// into `field`.
    pub fn to_body(&self, current: &Photo, field: TextField) -> Value {
        let mut body = Map::new();
        let mut put = |key: &str, value: Value| {
            body.insert(key.to_owned(), value);
        };
        if let Some(title) = &self.title {
            put("Title", json!(title));
            put("TitleSrc", json!(MANUAL));
        }
        if let Some(caption) = &self.caption {
            put(field.key(), json!(caption));
            put(field.src_key(), json!(MANUAL));
        }
        let (taken_at, local) = self.dates(current);
        if let Some(taken_at) = taken_at {
            put("TakenAt", json!(Timestamp(taken_at).to_utc_string()));
        }
        if let Some(local) = local {
            put("TakenAtLocal", json!(Timestamp(local).to_local_string()));
            // With a manual date the server keeps the date parts the form sends.
            put("Year", json!(local.year()));
            put("Month", json!(u8::from(local.month())));
            put("Day", json!(local.day()));
        }
        if let Some(zone) = &self.time_zone {
            put("TimeZone", json!(zone));
        }
        if local.is_some() || self.time_zone.is_some() {
            put("TakenSrc", json!(MANUAL));
        }
        let mut place = false;
        if let Some(lat) = self.lat {
            put("Lat", json!(lat));
            place = true;
        }
        if let Some(lng) = self.lng {
            put("Lng", json!(lng));
            place = true;
        }
        if let Some(altitude) = self.altitude {
            put("Altitude", json!(altitude.round() as i64));
            place = true;
        }
        if let Some(country) = &self.country {
            put("Country", json!(country));
            place = true;
        }
        if place {
            put("PlaceSrc", json!(MANUAL));
        }
        if let Some(favorite) = self.favorite {
            put("Favorite", json!(favorite));
        }
        if let Some(private) = self.private {
            put("Private", json!(private));
        }
        if self.changes_details() {
            let details = self.merged_details(current);
            put(
                "Details",
                serde_json::to_value(details).unwrap_or(Value::Null),
            );
        }
        Value::Object(body)
    }

    /// The complete `Details` to send: the current values, with the changed ones set and marked manual.
    fn merged_details(&self, current: &Photo) -> PhotoDetails {
        let mut details = current.details.clone().unwrap_or_default();
        details.photo_id = current.id;
        let pairs = [
            (
                &self.keywords,
                &mut details.keywords,
                &mut details.keywords_src,
            ),
            (&self.notes, &mut details.notes, &mut details.notes_src),
            (
                &self.subject,
                &mut details.subject,
                &mut details.subject_src,
            ),
            (&self.artist, &mut details.artist, &mut details.artist_src),
            (
                &self.copyright,
                &mut details.copyright,
                &mut details.copyright_src,
            ),
            (
                &self.license,
                &mut details.license,
                &mut details.license_src,
            ),
        ];
        for (new, value, src) in pairs {
            if let Some(new) = new {
                value.clone_from(new);
                *src = MANUAL.to_owned();
            }
        }
        details
    }
}

impl Client {
    /// Updates a photo. The photo is read first when the update needs its details, its text key
    /// or its current time zone or time; see [`Client::update_photo_from`].
    pub async fn update_photo(&self, uid: &str, update: &PhotoUpdate) -> Result<Photo, Error> {
        if update.changes_details() || update.caption.is_some() || update.needs_current_dates() {
            let current = self.photo(uid).await?;
            return self.update_photo_from(&current, update).await;
        }
        let current = Photo {
            uid: uid.to_owned(),
            ..Photo::default()
        };
        self.update_photo_from(&current, update).await
    }

    /// Updates a photo whose current state the caller already has (no extra GET).
    ///
    /// Dates are computed in the photo's zone: `current` must carry `time_zone` and `taken_at` as
    /// read from the server when [`PhotoUpdate::needs_current_dates`] (else UTC is assumed).
    ///
    /// The text goes into the key `current` shows (`Caption` or `Description`), else the one the
    /// server generation implies. If the answer shows the text did not land and the server uses the
    /// other key, the text is sent once more under that key.
    pub async fn update_photo_from(
        &self,
        current: &Photo,
        update: &PhotoUpdate,
    ) -> Result<Photo, Error> {
        if current.uid.trim().is_empty() {
            return Err(Error::invalid_input("the photo UID is empty"));
        }
        if update.changes_details() && current.id == 0 {
            return Err(Error::invalid_input(
                "changing keywords, notes, subject, artist, copyright or license needs the photo's numeric ID: \
                 pass the photo as read from the server",
            ));
        }
        if update.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::invalid_input("a photo title must not be empty"));
        }
        let field = current
            .text_field()
            .unwrap_or_else(|| self.server_info().generation);
        let path = format!("photos/{}", current.uid);
        let body = update.to_body(current, field);
        let photo: Photo = self
            // Safe to repeat: every field sent is an absolute value.
            .send_json(Request::put(path.clone()).idempotent().json(body))
            .await?;
        let answered = photo.text_field();
        self.note_text_field(answered);
        if let (Some(caption), Some(answered)) = (&update.caption, answered) {
            if answered != field && photo.caption() != caption {
                let retry = json!({answered.key(): caption, answered.src_key(): MANUAL});
                let request = Request::put(path).idempotent().json(retry);
                let photo: Photo = self.send_json(request).await?;
                return Ok(photo);
            }
        }
        Ok(photo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Photo {
        serde_json::from_value(json!({
            "ID": 42, "UID": "pt1", "Caption": "old",
            "Details": {"PhotoID": 42, "Keywords": "cat", "KeywordsSrc": "meta", "Notes": "n",
                        "NotesSrc": "", "Artist": "Ann", "ArtistSrc": "xmp", "Software": "x"}
        }))
        .unwrap()
    }

    #[test]
    fn title_and_caption_carry_manual_sources() {
        let update = PhotoUpdate {
            title: Some("Sunset".into()),
            caption: Some("Red sky".into()),
            ..PhotoUpdate::default()
        };
        let body = update.to_body(&current(), TextField::Caption);
        assert_eq!(
            body,
            json!({"Title":"Sunset","TitleSrc":"manual","Caption":"Red sky","CaptionSrc":"manual"})
        );
        let body = update.to_body(&current(), TextField::Description);
        assert_eq!(body["Description"], "Red sky");
        assert_eq!(body["DescriptionSrc"], "manual");
        assert!(body.get("Caption").is_none());
    }

    #[test]
    fn details_are_sent_complete() {
        let update = PhotoUpdate {
            artist: Some("Bob".into()),
            ..PhotoUpdate::default()
        };
        let body = update.to_body(&current(), TextField::Caption);
        let details = &body["Details"];
        assert_eq!(details["PhotoID"], 42);
        assert_eq!(details["Artist"], "Bob");
        assert_eq!(details["ArtistSrc"], "manual");
        assert_eq!(details["Keywords"], "cat");
        assert_eq!(details["KeywordsSrc"], "meta");
        assert_eq!(details["Notes"], "n");
        for key in [
            "Subject",
            "SubjectSrc",
            "Copyright",
            "CopyrightSrc",
            "License",
            "LicenseSrc",
        ] {
            assert_eq!(details[key], "", "{key}");
        }
        assert!(details.get("Software").is_none());
        assert_eq!(details.as_object().unwrap().len(), 13);
    }

    #[test]
    fn dates_and_places() {
        let update = PhotoUpdate {
            taken_at: Some("2024-07-01T10:00:00+02:00".parse().unwrap()),
            time_zone: Some("Europe/Berlin".into()),
            lat: Some(52.5),
            lng: Some(13.4),
            ..PhotoUpdate::default()
        };
        let body = update.to_body(&current(), TextField::Caption);
        assert_eq!(body["TakenAt"], "2024-07-01T08:00:00Z");
        assert_eq!(body["TakenAtLocal"], "2024-07-01T10:00:00Z");
        assert_eq!(body["TakenSrc"], "manual");
        assert_eq!(body["PlaceSrc"], "manual");
        assert_eq!(body["Lat"], 52.5);
        assert!(Timestamp::parse("yesterday").is_err());
        let t: Timestamp = time::macros::datetime!(2020-01-02 03:04:05 UTC).into();
        assert_eq!(t.to_string(), "2020-01-02T03:04:05Z");
    }

    fn in_zone(zone: &str, taken_at: &str) -> Photo {
        Photo {
            time_zone: zone.into(),
            taken_at: taken_at.into(),
            ..current()
        }
    }

    #[test]
    fn local_time_is_the_wall_time_in_the_photos_zone() {
        let t = Timestamp::parse("2024-07-12T19:44:00Z").unwrap();
        assert_eq!(
            t.to_local_string_in("Europe/Lisbon"),
            "2024-07-12T20:44:00Z"
        );
        assert_eq!(
            t.to_local_string_in("America/New_York"),
            "2024-07-12T15:44:00Z"
        );
        assert_eq!(t.to_local_string_in("Asia/Kolkata"), "2024-07-13T01:14:00Z");
        for utc in ["", "UTC", "utc", "Local", "Etc/UTC", "Mars/Olympus_Mons"] {
            assert_eq!(t.to_local_string_in(utc), "2024-07-12T19:44:00Z", "{utc}");
        }
        let winter = Timestamp::parse("2024-01-12T19:44:00+01:00").unwrap();
        assert_eq!(
            winter.to_local_string_in("Europe/Lisbon"),
            "2024-01-12T18:44:00Z"
        );

        let update = PhotoUpdate {
            taken_at: Some(t),
            time_zone: Some("Europe/Lisbon".into()),
            ..PhotoUpdate::default()
        };
        assert!(!update.needs_current_dates());
        let body = update.to_body(&in_zone("America/New_York", ""), TextField::Caption);
        assert_eq!(body["TakenAt"], "2024-07-12T19:44:00Z");
        assert_eq!(body["TakenAtLocal"], "2024-07-12T20:44:00Z");
        assert_eq!(body["TimeZone"], "Europe/Lisbon");
        assert_eq!(body["TakenSrc"], "manual");
        assert_eq!(
            (&body["Year"], &body["Month"], &body["Day"]),
            (&json!(2024), &json!(7), &json!(12))
        );
    }

    #[test]
    fn a_time_without_a_zone_uses_the_current_zone() {
        let update = PhotoUpdate {
            taken_at: Some("2024-07-12T23:30:00Z".parse().unwrap()),
            ..PhotoUpdate::default()
        };
        assert!(update.needs_current_dates());
        let body = update.to_body(&in_zone("Asia/Tokyo", ""), TextField::Caption);
        assert_eq!(body["TakenAt"], "2024-07-12T23:30:00Z");
        assert_eq!(body["TakenAtLocal"], "2024-07-13T08:30:00Z");
        assert_eq!(body["Day"], 13);
        assert!(body.get("TimeZone").is_none());
        let body = update.to_body(&in_zone("Local", ""), TextField::Caption);
        assert_eq!(body["TakenAtLocal"], "2024-07-12T23:30:00Z");

        // A local time alone: the moment is that wall time in the zone.
        let update = PhotoUpdate {
            taken_at_local: Some("2024-07-13T08:30:00Z".parse().unwrap()),
            ..PhotoUpdate::default()
        };
        let body = update.to_body(&in_zone("Asia/Tokyo", ""), TextField::Caption);
        assert_eq!(body["TakenAt"], "2024-07-12T23:30:00Z");
        assert_eq!(body["TakenAtLocal"], "2024-07-13T08:30:00Z");
    }

    #[test]
    fn a_zone_without_a_time_keeps_the_moment() {
        let update = PhotoUpdate {
            time_zone: Some("Europe/Lisbon".into()),
            ..PhotoUpdate::default()
        };
        assert!(update.needs_current_dates());
        let body = update.to_body(&in_zone("", "2024-07-12T19:44:00Z"), TextField::Caption);
        assert_eq!(body["TakenAt"], "2024-07-12T19:44:00Z");
        assert_eq!(body["TakenAtLocal"], "2024-07-12T20:44:00Z");
        assert_eq!(body["TimeZone"], "Europe/Lisbon");
        // Without a readable current time only the zone is sent.
        let body = update.to_body(&in_zone("", ""), TextField::Caption);
        assert_eq!(
            body,
            json!({"TimeZone": "Europe/Lisbon", "TakenSrc": "manual"})
        );
    }

    #[test]
    fn flags_have_no_sources() {
        let update = PhotoUpdate {
            favorite: Some(true),
            private: Some(false),
            ..PhotoUpdate::default()
        };
        assert_eq!(
            update.to_body(&current(), TextField::Caption),
            json!({"Favorite": true, "Private": false})
        );
        assert!(PhotoUpdate::default().is_empty());
    }
}
