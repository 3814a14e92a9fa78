//! Text rules of PhotoPrism: slugs, album title normalization, keywords, generated titles.

use time::OffsetDateTime;

/// Maps a common accented letter to its ASCII transliteration.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// A URL slug like `gosimple/slug`: lowercase ASCII, non-alphanumerics become `-`, at most 80 chars.
pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(t) = transliterate(c) {
            out.push_str(t);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut slug = out.trim_matches('-').to_owned();
    if slug.len() > 80 {
        slug.truncate(80);
        slug = slug.trim_end_matches('-').to_owned();
    }
    slug
}

/// English month names, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "December 2024" for the given time.
pub(crate) fn month_title(t: OffsetDateTime) -> String {
    format!(
        "{} {}",
        MONTHS[usize::from(u8::from(t.month())) - 1],
        t.year()
    )
}

/// Album title normalization (`SetTitle`): trim, `"` → `“`, 160-byte cap, empty → current month.
pub(crate) fn normalize_album_title(title: &str) -> String {
    let trimmed = title.trim_matches(|c: char| "_&|{}<>: \n\r\t\\".contains(c));
    let quoted = trimmed.replace('"', "\u{201c}");
    let capped = if quoted.len() >= 160 {
        let mut s: String = quoted.chars().take(157).collect();
        s.push('…');
        s
    } else {
        quoted
    };
    if capped.is_empty() {
        month_title(OffsetDateTime::now_utc())
    } else {
        capped
    }
}

/// The slug of a manual album title; long titles get `-<uid>` appended, empty slugs become `-`.
pub(crate) fn album_slug(title: &str, uid: &str) -> String {
    let mut slug = slugify(title);
    if title.len() >= 80 {
        slug.push('-');
        slug.push_str(uid);
    }
    if slug.is_empty() {
        slug.push('-');
    }
    slug
}

/// Capitalizes the first letter of every word ("travel stuff" → "Travel Stuff"), clipped to 100 chars.
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            out.push(c);
            if c.is_whitespace() || c == '-' || c == '_' {
                start = true;
            } else if c.is_alphanumeric() {
                start = false;
            }
        }
    }
    out.chars().take(100).collect()
}

/// Words that stay lowercase inside a title (PhotoPrism's `txt.SmallWords`).
const SMALL_WORDS: &[&str] = &[
    "a", "an", "as", "at", "by", "in", "of", "on", "or", "up", "to", "and", "but", "for", "nor",
    "the", "from", "with",
];

/// PhotoPrism's `txt.Title` for album categories: words capitalized except inner small words,
/// `_` as space, `/`-separated blocks joined by `" / "`, clipped to 100 chars.
pub(crate) fn category_title(s: &str) -> String {
    let spaced = s.replace('_', " ");
    let trimmed = spaced.trim_matches(|c| c == '/' || c == ' ' || c == '-');
    let blocks: Vec<String> = trimmed
        .split('/')
        .filter_map(|block| {
            let words: Vec<String> = block
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| {
                    let bare = w.trim_matches(|c| ":.,;!?".contains(c)).to_lowercase();
                    if i > 0 && SMALL_WORDS.contains(&bare.as_str()) {
                        w.to_lowercase()
                    } else {
                        capitalize_words(w)
                    }
                })
                .collect();
            (!words.is_empty()).then(|| words.join(" "))
        })
        .collect();
    blocks.join(" / ").chars().take(100).collect()
}

/// Upper-cases every letter that follows a separator (anything but letters, digits, `_`, `'`).
fn capitalize_words(w: &str) -> String {
    let mut prev_separator = true;
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        if prev_separator {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_separator = !(c.is_alphanumeric() || c == '_' || c == '\'');
    }
    out
}

/// Splits text into lowercase words (letters, digits, `-` and `'` inside words).
pub(crate) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .map(|w| w.trim_matches(|c| c == '-' || c == '\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Keyword normalization (`txt.Words` + `txt.UniqueWords`, `pkg/txt/words.go`, probe 03):
/// words of letters, ASCII digits, `-` and `'`, trimmed of `-`, `'` and spaces; a single Latin
/// letter and a word that starts and ends with an ASCII digit (`txt.IsNumeric`, `pkg/txt/is.go`:
/// `2024`, `2024-07`) are dropped, while a single letter of another script (`猫`) is kept;
/// lower-cased, de-duplicated, sorted, `", "`-joined.
pub(crate) fn normalize_keywords(s: &str) -> String {
    let is_numeric = |w: &str| {
        w.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && w.as_bytes().last().is_some_and(u8::is_ascii_digit)
    };
    let mut list: Vec<String> = s
        .split(|c: char| !(c.is_alphabetic() || c.is_ascii_digit() || c == '-' || c == '\''))
        .map(|w| w.trim_matches(['-', '\'', ' ']))
        .filter(|w| !w.is_empty() && !is_numeric(w))
        // `len(w) < 2 && IsLatin(w)`: only a one-byte word can be that short.
        .filter(|w| !(w.len() < 2 && w.chars().all(|c| c.is_ascii_alphabetic())))
        .map(str::to_lowercase)
        .collect();
    list.sort();
    list.dedup();
    list.join(", ")
}

/// A generated photo title from a file name and year: "red-square.jpg", 2023 → "Red Square / 2023".
pub(crate) fn generated_title(original_name: &str, year: i32) -> String {
    let base = original_name
        .rsplit('/')
        .next()
        .unwrap_or(original_name)
        .split('.')
        .next()
        .unwrap_or_default();
    let words: Vec<String> = base
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(title_case)
        .collect();
    let title = if words.is_empty() {
        "Unknown".to_owned()
    } else {
        words.join(" ")
    };
    if year > 0 {
        format!("{title} / {year}")
    } else {
        title
    }
}

/// SQL `LIKE`-style match where `*` (and `%`) are wildcards; case-insensitive.
pub(crate) fn like(value: &str, pattern: &str) -> bool {
    let value = value.to_lowercase();
    let pattern = pattern.to_lowercase().replace('%', "*");
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return value == pattern;
    }
    let mut rest = value.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_recorded_ones() {
        assert_eq!(slugify("Quirk-Album: f1a54c!"), "quirk-album-f1a54c");
        assert_eq!(slugify("“Quoted“ Title f1a54c"), "quoted-title-f1a54c");
        assert_eq!(slugify("Trip> “Two“ f1a54c"), "trip-two-f1a54c");
        assert_eq!(slugify("Café Zürich"), "cafe-zurich");
        assert_eq!(album_slug("", ""), "-");
    }

    #[test]
    fn album_titles_are_normalized() {
        assert_eq!(
            normalize_album_title("  \"Quoted\" Title f1a54c  "),
            "“Quoted“ Title f1a54c"
        );
        assert_eq!(
            normalize_album_title(" <Trip> \"Two\" f1a54c "),
            "Trip> “Two“ f1a54c"
        );
        let long = "x".repeat(200);
        let norm = normalize_album_title(&long);
        assert_eq!(norm.chars().count(), 158);
        assert!(norm.ends_with('…'));
        assert!(!normalize_album_title("  ").is_empty());
    }

    #[test]
    fn keywords_are_normalized() {
        assert_eq!(
            normalize_keywords("Beach, sunset, beach, A, 2024, Sunset"),
            "beach, sunset"
        );
        assert_eq!(normalize_keywords(""), "");
        assert_eq!(
            normalize_keywords("covid19, New-York, o'brien, 2024, über, 2024-07, 4k, 猫, x"),
            "4k, covid19, new-york, o'brien, über, 猫"
        );
    }

    #[test]
    fn titles_are_generated_from_names() {
        assert_eq!(generated_title("red-square.jpg", 2023), "Red Square / 2023");
        assert_eq!(generated_title("qf1a54c-00.jpg", 2019), "Qf1a54c / 2019");
        assert_eq!(generated_title("0001.jpg", 0), "Unknown");
        assert_eq!(title_case("travel stuff"), "Travel Stuff");
        assert_eq!(category_title("travel stuff"), "Travel Stuff");
        assert_eq!(category_title("pets and animals"), "Pets and Animals");
        assert_eq!(category_title("the best/of_2024"), "The Best / Of 2024");
    }

    #[test]
    fn like_patterns() {
        assert!(like("2019/03/IMG_1.jpg", "2019/03/*"));
        assert!(like("Summer Trip", "summer*"));
        assert!(like("Summer Trip", "*trip"));
        assert!(like("Summer Trip", "*mer*"));
        assert!(!like("Summer Trip", "summer"));
        assert!(like("abc", "ABC"));
    }
}
