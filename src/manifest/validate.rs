//! Offline checks of single values: UIDs, hashes, paths, countries, orders, times, zones.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Album sort orders PhotoPrism accepts (the photo search orders of its API).
pub(crate) const ALBUM_ORDERS: &[&str] = &[
    "added",
    "archived",
    "duration",
    "edited",
    "imported",
    "name",
    "newest",
    "oldest",
    "random",
    "relevance",
    "similar",
    "size",
    "title",
    "updated",
];

/// ISO 3166-1 alpha-2 codes, lower case.
pub(crate) const COUNTRIES: &[&str] = &[
    "ad", "ae", "af", "ag", "ai", "al", "am", "ao", "aq", "ar", "as", "at", "au", "aw", "ax", "az",
    "ba", "bb", "bd", "be", "bf", "bg", "bh", "bi", "bj", "bl", "bm", "bn", "bo", "bq", "br", "bs",
    "bt", "bv", "bw", "by", "bz", "ca", "cc", "cd", "cf", "cg", "ch", "ci", "ck", "cl", "cm", "cn",
    "co", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk", "dm", "do", "dz", "ec", "ee",
    "eg", "eh", "er", "es", "et", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd", "ge", "gf",
    "gg", "gh", "gi", "gl", "gm", "gn", "gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm",
    "hn", "hr", "ht", "hu", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is", "it", "je", "jm",
    "jo", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lb", "lc",
    "li", "lk", "lr", "ls", "lt", "lu", "lv", "ly", "ma", "mc", "md", "me", "mf", "mg", "mh", "mk",
    "ml", "mm", "mn", "mo", "mp", "mq", "mr", "ms", "mt", "mu", "mv", "mw", "mx", "my", "mz", "na",
    "nc", "ne", "nf", "ng", "ni", "nl", "no", "np", "nr", "nu", "nz", "om", "pa", "pe", "pf", "pg",
    "ph", "pk", "pl", "pm", "pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw",
    "sa", "sb", "sc", "sd", "se", "sg", "sh", "si", "sj", "sk", "sl", "sm", "sn", "so", "sr", "ss",
    "st", "sv", "sx", "sy", "sz", "tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to",
    "tr", "tt", "tv", "tw", "tz", "ua", "ug", "um", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi",
    "vn", "vu", "wf", "ws", "ye", "yt", "za", "zm", "zw",
];

/// PhotoPrism's marker for "unknown country".
pub(crate) const UNKNOWN_COUNTRY: &str = "zz";

/// Top-level areas of IANA zone names (plus the `backward` ones still in use).
const ZONE_AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Brazil",
    "Canada",
    "Chile",
    "Etc",
    "Europe",
    "Indian",
    "Mexico",
    "Pacific",
    "US",
];

/// The earliest creation time PhotoPrism accepts in a UID: 2017-01-01T00:00:00Z
/// (`rnd.IsUID` in `pkg/rnd/validation.go`).
const UID_EPOCH: i64 = 1_483_228_800;

/// Why a string is not a UID PhotoPrism accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UidFault {
    /// Not 16 characters.
    Length,
    /// Another entity's prefix (or none).
    Prefix,
    /// A character outside `[0-9a-z]` (upper case included: prysm writes UIDs as the server does).
    Charset,
    /// Characters 2-7 are not a base-36 creation time between 2017-01-01 and now.
    Time,
}

/// Checks `s` the way PhotoPrism's `rnd.IsUID(s, prefix)` does (`pkg/rnd/validation.go`):
/// 16 characters, the prefix, letters and digits only, and characters 2-7 either `000000`
/// or a base-36 Unix time between 2017-01-01 and `now`. The server refuses a whole `uid`
/// search filter when one UID in it fails this (probe 04 of the 2026-11 recordings).
pub(crate) fn uid_fault(s: &str, prefix: char, now: i64) -> Option<UidFault> {
    if s.len() != 16 {
        return Some(UidFault::Length);
    }
    if !s.starts_with(prefix) {
        return Some(UidFault::Prefix);
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return Some(UidFault::Charset);
    }
    let stamp = &s[1..7];
    if stamp == "000000" {
        return None;
    }
    match i64::from_str_radix(stamp, 36) {
        Ok(t) if (UID_EPOCH..=now).contains(&t) => None,
        _ => Some(UidFault::Time),
    }
}

/// The creation time a UID's characters 2-7 encode, when they are base 36.
pub(crate) fn uid_time(s: &str) -> Option<OffsetDateTime> {
    let stamp = s.get(1..7)?;
    let t = i64::from_str_radix(stamp, 36).ok()?;
    OffsetDateTime::from_unix_timestamp(t).ok()
}

/// How far ahead of this machine's clock the server's clock may be: a UID the server made a
/// moment ago must not be refused offline because this clock is a little behind. A UID in
/// that margin that the server still refuses is reported by `prysm plan` at its line.
const CLOCK_SKEW: i64 = 86_400;

/// The latest creation time `prysm validate` accepts in a UID: now, plus [`CLOCK_SKEW`].
pub(crate) fn latest_uid_time() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp() + CLOCK_SKEW
}

/// Whether `s` is a UID PhotoPrism accepts with the given prefix (see [`uid_fault`]).
pub(crate) fn is_uid(s: &str, prefix: char) -> bool {
    uid_fault(s, prefix, latest_uid_time()).is_none()
}

/// Whether `s` is a SHA-1 in lower-case hex.
pub(crate) fn is_sha1(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Why a selector path is not usable, if it is not.
pub(crate) fn path_problem(s: &str) -> Option<&'static str> {
    if s.trim().is_empty() {
        return Some("the path is empty");
    }
    if s.starts_with('/') {
        return Some("the path must be relative to the originals folder (no leading `/`)");
    }
    if s.contains('\\') {
        return Some("use `/` to separate folders, not `\\`");
    }
    if s.split('/').any(|seg| seg == "..") {
        return Some("the path must not contain `..`");
    }
    if s.split('/').any(|seg| seg == "." || seg.is_empty()) {
        return Some("the path has an empty or `.` folder name");
    }
    None
}

/// Whether `s` is an RFC 3339 date-time.
pub(crate) fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Whether `s` looks like a zone name PhotoPrism accepts: `UTC`, `Local` or `Area/Location`.
pub(crate) fn is_time_zone(s: &str) -> bool {
    if s == "UTC" || s == "Local" {
        return true;
    }
    let mut parts = s.split('/');
    let Some(area) = parts.next() else {
        return false;
    };
    if !ZONE_AREAS.contains(&area) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || rest.len() > 2 {
        return false;
    }
    rest.iter().all(|seg| {
        let mut chars = seg.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        let etc_ok = area == "Etc" && !seg.is_empty();
        (first_ok || etc_ok)
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    })
}

/// A zone name with each segment capitalised the IANA way (`europe/lisbon` -> `Europe/Lisbon`).
pub(crate) fn zone_suggestion(s: &str) -> Option<String> {
    if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("gmt")
    {
        return Some("UTC".to_owned());
    }
    if s.eq_ignore_ascii_case("local") {
        return Some("Local".to_owned());
    }
    let fixed: Vec<String> = s
        .trim()
        .replace(' ', "_")
        .split('/')
        .map(|seg| {
            if seg.eq_ignore_ascii_case("us") {
                return "US".to_owned();
            }
            seg.split('_')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => {
                            f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase()
                        }
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join("_")
        })
        .collect();
    let candidate = fixed.join("/");
    (candidate != s && is_time_zone(&candidate)).then_some(candidate)
}

/// The closest candidate to `input`, if one is close enough to suggest.
pub(crate) fn suggest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let needle = input.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for &cand in candidates {
        let lower = cand.to_lowercase();
        if lower == needle {
            return Some(cand);
        }
        let jw = strsim::jaro_winkler(&needle, &lower);
        let lev = strsim::levenshtein(&needle, &lower);
        let close = jw >= 0.8 || (lev <= 2 && needle.chars().count() >= 3);
        if close && best.is_none_or(|(_, score)| jw > score) {
            best = Some((cand, jw));
        }
    }
    best.map(|(c, _)| c)
}

/// "did you mean `x`?" when a candidate is close, else the list of valid values.
pub(crate) fn did_you_mean(input: &str, candidates: &[&str]) -> String {
    match suggest(input, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("expected one of: {}", list(candidates)),
    }
}

/// `` `a`, `b`, `c` `` for messages.
pub(crate) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_and_hashes() {
        assert!(is_uid("pt4q2mf3k9ab1cde", 'p'));
        assert!(is_uid("aqz2f5h0qbkm3c1u", 'a'));
        assert!(!is_uid("aqz2f5h0qbkm3c1u", 'p'));
        assert!(!is_uid("pT4q2mf3k9ab1cde", 'p'));
        assert!(!is_uid("pt4q2mf3k9ab1cd", 'p'));
        // Characters 2-7 are the creation time: `zzzzzz` is in 2038, `0000zz` in 1970.
        assert!(!is_uid("pzzzzzzzzzzzzzzz", 'p'));
        assert!(!is_uid("p0000zzzzzzzzzzz", 'p'));
        assert!(is_uid("p000000zzzzzzzzz", 'p'));
        let now = 1_800_000_000;
        assert_eq!(
            uid_fault("pzzzzzzzzzzzzzzz", 'p', now),
            Some(UidFault::Time)
        );
        assert_eq!(
            uid_fault("azzzzzzzzzzzzzzz", 'p', now),
            Some(UidFault::Prefix)
        );
        assert_eq!(
            uid_fault("pT4q2mf3k9ab1cde", 'p', now),
            Some(UidFault::Charset)
        );
        assert_eq!(
            uid_fault("p-4q2mf3k9ab1cde", 'p', now),
            Some(UidFault::Charset)
        );
        assert_eq!(
            uid_fault("pt4q2mf3k9ab1cd", 'p', now),
            Some(UidFault::Length)
        );
        assert_eq!(
            uid_fault("pé4q2mf3k9ab1cd", 'p', now),
            Some(UidFault::Charset)
        );
        // The bounds: 2017-01-01T00:00:00Z and `now` itself.
        let just_before = format!("p{}", to_base36(1_483_228_799));
        assert_eq!(
            uid_fault(&format!("{just_before}zzzzzzzzz"), 'p', now),
            Some(UidFault::Time)
        );
        let first = format!("p{}zzzzzzzzz", to_base36(1_483_228_800));
        assert_eq!(uid_fault(&first, 'p', now), None);
        let at_now = format!("p{}zzzzzzzzz", to_base36(now));
        assert_eq!(uid_fault(&at_now, 'p', now), None);
        // Offline, a server clock up to a day ahead of this one is tolerated.
        let real_now = OffsetDateTime::now_utc().unix_timestamp();
        assert!(is_uid(
            &format!("p{}zzzzzzzzz", to_base36(real_now + 3600)),
            'p'
        ));
        assert!(!is_uid(
            &format!("p{}zzzzzzzzz", to_base36(real_now + 2 * 86_400)),
            'p'
        ));
        let after_now = format!("p{}zzzzzzzzz", to_base36(now + 1));
        assert_eq!(uid_fault(&after_now, 'p', now), Some(UidFault::Time));
        assert_eq!(uid_time("pzzzzzzzzzzzzzzz").map(|t| t.year()), Some(2038));
        assert!(is_sha1("3cb5a8e1f0c9d4b7a6e5f4c3b2a1908f7e6d5c4b"));
        assert!(!is_sha1("3CB5A8E1F0C9D4B7A6E5F4C3B2A1908F7E6D5C4B"));
    }

    fn to_base36(mut n: i64) -> String {
        let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut out = Vec::new();
        while n > 0 {
            out.push(digits[(n % 36) as usize]);
            n /= 36;
        }
        out.reverse();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths() {
        assert_eq!(path_problem("2024/07/IMG_0001.jpg"), None);
        assert!(path_problem("").is_some());
        assert!(path_problem("/2024/x.jpg").is_some());
        assert!(path_problem("2024/../x.jpg").is_some());
        assert!(path_problem("2024//x.jpg").is_some());
    }

    #[test]
    fn zones() {
        for ok in [
            "UTC",
            "Local",
            "Europe/Lisbon",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "US/Eastern",
        ] {
            assert!(is_time_zone(ok), "{ok}");
        }
        for bad in [
            "utc",
            "Europe",
            "europe/lisbon",
            "Mars/Olympus",
            "Europe/Lis bon",
            "",
        ] {
            assert!(!is_time_zone(bad), "{bad}");
        }
        assert_eq!(
            zone_suggestion("europe/lisbon").as_deref(),
            Some("Europe/Lisbon")
        );
        assert_eq!(zone_suggestion("utc").as_deref(), Some("UTC"));
    }

    #[test]
    fn countries_are_complete() {
        assert_eq!(COUNTRIES.len(), 249);
        let mut sorted = COUNTRIES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), COUNTRIES.len());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("titel", &["uid", "title", "caption"]),
            Some("title")
        );
        assert_eq!(suggest("Title", &["uid", "title"]), Some("title"));
        assert_eq!(suggest("zzzzzz", &["uid", "title"]), None);
        assert_eq!(suggest("additiv", &["exact", "additive"]), Some("additive"));
    }
}
