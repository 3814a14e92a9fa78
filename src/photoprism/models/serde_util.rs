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

/// An integer that may arrive as a float or out of range (e.g. a Go `MinInt64` duration printed
/// as `-9223372036854776000`): saturated to `i64`; `null` reads as 0.
pub(crate) fn lenient_i64<'de, D>(deserializer: D) -> Result<i64, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    Ok(match value {
        None => 0,
        Some(n) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|u| i64::try_from(u).unwrap_or(i64::MAX)))
            .or_else(|| n.as_f64().map(saturate))
            .unwrap_or_default(),
    })
}

fn saturate(f: f64) -> i64 {
    // `as` saturates at the bounds and maps NaN to 0, which is what is wanted here.
    f as i64
}
