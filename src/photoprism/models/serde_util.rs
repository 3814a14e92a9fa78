//! Deserialization helpers for PhotoPrism's JSON quirks.

use serde::{Deserialize, Deserializer};

/// The date-time prefix of Go's zero time, which PhotoPrism sends for "unset" in search results.
const ZERO_TIME_PREFIX: &str = "0001-01-01T00:00:00";

/// `null` becomes `T::default()` (Go encodes empty slices and nil pointers as `null`).
pub(crate) fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A timestamp that may be missing, `null`, empty or Go's zero time: all mean "unset".
pub(crate) fn opt_time<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Option::<String>::deserialize(deserializer)?;
    Ok(value.filter(|v| !is_unset_time(v)))
}

/// True for the empty string and Go's zero time (with or without fractional seconds).
fn is_unset_time(value: &str) -> bool {
    value.is_empty() || value.starts_with(ZERO_TIME_PREFIX)
}
