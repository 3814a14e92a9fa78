//! Identifier and token generation in PhotoPrism's formats (§5.6 of the API reference).

use rand::Rng;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Parses a lowercase base-36 number; `None` on any other character or overflow.
fn parse_base36(s: &str) -> Option<u64> {
    s.bytes().try_fold(0u64, |acc, b| {
        let digit = BASE36.iter().position(|&c| c == b)? as u64;
        acc.checked_mul(36)?.checked_add(digit)
    })
}

/// `n` random characters from `alphabet`.
fn random_chars(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// `n` random lowercase hex characters (e.g. 40 for a random SHA-1).
pub(crate) fn random_hex(n: usize) -> String {
    random_chars(b"0123456789abcdef", n)
}

/// `n` random lowercase base-36 characters.
pub(crate) fn random_base36(n: usize) -> String {
    random_chars(BASE36, n)
}

/// A new entity UID: prefix + first 6 base-36 digits of the current Unix time + 9 random chars.
pub(crate) fn new_uid(prefix: char) -> String {
    let mut now = OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    while now >= 36u64.pow(6) {
        now /= 36;
    }
    // 36^9 < 2^47, so one random number yields all nine random digits.
    let mut random = rand::rng().random_range(0..36u64.pow(9));
    let mut out = [b'0'; 16];
    out[0] = if prefix.is_ascii_lowercase() {
        prefix as u8
    } else {
        b'x'
    };
    for slot in out[1..7].iter_mut().rev() {
        *slot = BASE36[(now % 36) as usize];
        now /= 36;
    }
    for slot in out[7..].iter_mut() {
        *slot = BASE36[(random % 36) as usize];
        random /= 36;
    }
    out.iter().map(|&b| b as char).collect()
}

/// Whether `s` passes PhotoPrism's `rnd.IsUID` check for the given prefix.
pub(crate) fn is_uid(s: &str, prefix: char) -> bool {
    if s.len() != 16 || !s.starts_with(prefix) {
        return false;
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return false;
    }
    let stamp = &s[1..7];
    if stamp == "000000" {
        return true;
    }
    let Some(value) = parse_base36(stamp) else {
        return false;
    };
    // The six digits are the leading digits of a 6-digit base-36 Unix time.
    let min = 1_483_228_800u64; // 2017-01-01
    let max = OffsetDateTime::now_utc().unix_timestamp().max(0) as u64 + 86_400;
    (min..=max).contains(&value)
}

/// A new 48-hex-character access token.
pub(crate) fn access_token() -> String {
    random_chars(b"0123456789abcdef", 48)
}

/// A new app password: four groups of six base-62 characters joined by dashes (27 chars).
pub(crate) fn app_password() -> String {
    (0..4)
        .map(|_| random_chars(BASE62, 6))
        .collect::<Vec<_>>()
        .join("-")
}

/// A new client secret (32 alphanumerics).
pub(crate) fn client_secret() -> String {
    random_chars(BASE62, 32)
}

/// A new 8-character preview or download token.
pub(crate) fn short_token() -> String {
    random_base36(8)
}

/// The session ID of a token: SHA-256, lowercase hex.
pub(crate) fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `s` is a 48-hex access token or a 27-character app password.
pub(crate) fn is_well_formed_token(s: &str) -> bool {
    let hex48 = s.len() == 48 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let app = s.len() == 27
        && s.split('-').count() == 4
        && s.split('-')
            .all(|g| g.len() == 6 && g.bytes().all(|b| b.is_ascii_alphanumeric()));
    hex48 || app
}

/// Whether `s` is a 40-hex SHA-1 digest.
pub(crate) fn is_sha1(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_uids_validate() {
        for prefix in ['a', 'p', 'f', 'u', 'l', 'c'] {
            let uid = new_uid(prefix);
            assert_eq!(uid.len(), 16);
            assert!(is_uid(&uid, prefix), "{uid}");
        }
        assert!(!is_uid("azzzzzzzzzzzzzzz", 'a'));
        assert!(is_uid("a000000zzzzzzzzz", 'a'));
        assert!(!is_uid("ptp4mghzzzzzzzz", 'p'));
    }

    #[test]
    fn tokens_have_the_right_shape() {
        assert!(is_well_formed_token(&access_token()));
        let app = app_password();
        assert_eq!(app.len(), 27);
        assert!(is_well_formed_token(&app));
        assert!(!is_well_formed_token("nope"));
        assert_eq!(session_id("abc").len(), 64);
        assert_eq!(parse_base36("10"), Some(36));
    }
}
