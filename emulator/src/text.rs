//! Text rules of PhotoPrism: slugs, album title normalization, keywords, categories, the
//! album lookup's SQL `LIKE`, generated titles. Each rule names the PhotoPrism source it
//! follows; divergences are listed where they occur.

use std::sync::LazyLock;

use regex::Regex;
use time::OffsetDateTime;

/// Letters for which `gosimple/unidecode` v1.0.1 (the server's transliteration) and the
/// `deunicode` crate disagree, found by comparing both tables over Latin, Greek, Cyrillic,
/// Hebrew, Arabic, kana and CJK; the server's value is used.
const TRANSLITERATION_FIXES: &[(char, &str)] = &[
    ('Є', "Ie"),
    ('א', ""),
    ('ء', ""),
    ('إ', ""),
    ('€', "EU"),
    ('し', "shi"),
    ('シ', "shi"),
    ('ち', "chi"),
    ('チ', "chi"),
    ('っ', "tsu"),
    ('つ', "tsu"),
    ('ッ', "tsu"),
    ('ツ', "tsu"),
    ('・', ""),
    ('么', "Yao "),
    ('什', "Shi "),
    ('价', "Jie "),
    ('旅', "Lu "),
    ('术', "Zhu "),
    ('ⅎ', "F"),
];

/// Ideographs `gosimple/unidecode` has no reading for (`[?] `) where `deunicode` has one
/// (U+4E00–U+9FA5; U+9FA6–U+9FFF are all unknown to unidecode too).
const CJK_UNKNOWN: &[u16] = &[
    0x4E00, 0x4E06, 0x4E4A, 0x4E5B, 0x4E65, 0x4E6E, 0x4E7D, 0x4EAA, 0x4EE9, 0x4F2C, 0x4F66, 0x4F68,
    0x4FE7, 0x4FEC, 0x503F, 0x50A6, 0x50F2, 0x510F, 0x516F, 0x5307, 0x5381, 0x5391, 0x53FE, 0x545A,
    0x54D6, 0x54DB, 0x5579, 0x55F4, 0x5691, 0x5692, 0x56D5, 0x56D6, 0x578A, 0x57AF, 0x580F, 0x5812,
    0x5814, 0x5846, 0x589B, 0x58EA, 0x58ED, 0x5911, 0x594D, 0x5A33, 0x5AAB, 0x5B67, 0x5C21, 0x5C57,
    0x5C72, 0x5C77, 0x5C83, 0x5D30, 0x5D75, 0x5DB6, 0x5DBF, 0x5DD5, 0x5E65, 0x5E92, 0x5EED, 0x5F94,
    0x5F9A, 0x603D, 0x6125, 0x6150, 0x61F3, 0x62A3, 0x62E4, 0x6364, 0x63B6, 0x63FB, 0x63FC, 0x64B6,
    0x64DC, 0x651A, 0x658F, 0x66E2, 0x6711, 0x6725, 0x6730, 0x67A4, 0x6806, 0x685E, 0x6929, 0x692C,
    0x698B, 0x69E1, 0x6A2D, 0x6A7A, 0x6A7B, 0x6ACA, 0x6AE6, 0x6AF5, 0x6B0D, 0x6BDC, 0x6BDD, 0x6BF6,
    0x6C1E, 0x6C63, 0x6CF9, 0x6D1C, 0x6DA5, 0x6E0F, 0x6E84, 0x6E8A, 0x6E8B, 0x6EE7, 0x6F48, 0x6F49,
    0x6F9B, 0x6F9D, 0x6FCF, 0x6FF8, 0x702D, 0x702E, 0x705C, 0x709E, 0x70BF, 0x70E5, 0x70EA, 0x70EE,
    0x7111, 0x7112, 0x7139, 0x713D, 0x713E, 0x713F, 0x7140, 0x7176, 0x7177, 0x7196, 0x71B4, 0x71DD,
    0x71DE, 0x720E, 0x7218, 0x7220, 0x7226, 0x7233, 0x7257, 0x729E, 0x7347, 0x73EF, 0x7412, 0x743B,
    0x748D, 0x74A4, 0x74B4, 0x7666, 0x7677, 0x77A3, 0x781B, 0x783D, 0x7853, 0x7858, 0x785B, 0x7873,
    0x78B7, 0x78D7, 0x78EE, 0x7902, 0x7921, 0x7922, 0x794D, 0x7999, 0x79A3, 0x7A25, 0x7A52, 0x7A6F,
    0x7AA7, 0x7ABD, 0x7BD0, 0x7C2F, 0x7C42, 0x7C4E, 0x7C80, 0x7C8C, 0x7CA9, 0x7CAC, 0x7CEC, 0x7EEC,
    0x7F40, 0x7F56, 0x7FF6, 0x8002, 0x8041, 0x8053, 0x8063, 0x810C, 0x8224, 0x823F, 0x8248, 0x8254,
    0x8310, 0x8312, 0x833E, 0x8362, 0x841E, 0x841F, 0x8421, 0x8423, 0x848A, 0x848F, 0x84DE, 0x84E4,
    0x8571, 0x85D4, 0x85F2, 0x85F5, 0x8615, 0x8645, 0x8672, 0x874A, 0x8781, 0x87A9, 0x87F5, 0x8834,
    0x8850, 0x88C7, 0x8968, 0x8984, 0x8B03, 0x8B22, 0x8C6E, 0x8D0C, 0x8D18, 0x8DB0, 0x8E0E, 0x8EBC,
    0x8FAA, 0x9064, 0x909C, 0x915C, 0x922B, 0x92F4, 0x933F, 0x9342, 0x9345, 0x9386, 0x93BC, 0x93BD,
    0x93BE, 0x93EF, 0x93F1, 0x93F2, 0x9422, 0x9423, 0x9466, 0x9467, 0x95CE, 0x95E7, 0x96A1, 0x9717,
    0x973B, 0x974D, 0x97D5, 0x97DF, 0x98CA, 0x99C7, 0x9B98, 0x9D91, 0x9EB6,
];

/// `gosimple/unidecode.Unidecode`: ASCII is kept, characters above U+FFFF (most emoji) are
/// skipped (its table covers the Basic Multilingual Plane only), others are transliterated.
/// Uses `deunicode` with the measured corrections above; remaining divergences are symbols
/// (arrows, technical and rare letters), where a slug may differ.
fn transliterate(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let code = u32::from(c);
        if c.is_ascii() {
            out.push(c);
        } else if code > 0xFFFF {
            continue;
        } else if let Some((_, fixed)) = TRANSLITERATION_FIXES.iter().find(|(k, _)| *k == c) {
            out.push_str(fixed);
        } else if (0x9FA6..=0x9FFF).contains(&code) || (0x20B0..=0x20CF).contains(&code) {
            // Unknown to unidecode: newer ideographs and currency signs (₹, ₽, ₿, …).
            out.push_str("[?]");
        } else if u16::try_from(code).is_ok_and(|c| CJK_UNKNOWN.binary_search(&c).is_ok()) {
            out.push_str("[?] ");
        } else if (0x2600..=0x27BF).contains(&code)
            || ((0x2100..=0x213A).contains(&code) && !matches!(code, 0x212A | 0x212B | 0x2132))
        {
            // Symbols and dingbats (☀, ❤) and letter-like symbols (™): no letters in unidecode.
        } else {
            out.push_str(deunicode::deunicode_char(c).unwrap_or("[?]"));
        }
    }
    out
}

/// Go's `unicode.ToLower` (simple case mapping: `İ` → `i`, no final sigma).
fn go_lower_char(c: char) -> char {
    if c == 'İ' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.ToLower`.
fn go_lower(s: &str) -> String {
    s.chars().map(go_lower_char).collect()
}

/// Go's `unicode.ToTitle` (simple mapping; title-case digraphs).
fn go_title_char(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        }
    }
}

/// `clip.Runes` (`pkg/txt/clip/runes.go`): trim white space, keep `size` characters, trim.
fn clip_runes(s: &str, size: usize) -> String {
    let clipped: String = s.trim().chars().take(size).collect();
    clipped.trim().to_owned()
}

/// `txt.Slug` (`pkg/txt/slug.go`) = `gosimple/slug.Make` (v1.14, language `en`) clipped to 80
/// characters: `&` → `and`, `@` → `at`, `"`, `'`, `’` dropped, figure/en/em dashes → `-`,
/// transliterated, lower-cased, `[^a-zA-Z0-9-_]` → `-`, `-+` → `-`, `-_` trimmed at the ends.
pub(crate) fn slugify(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    let mut substituted = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => substituted.push_str("and"),
            '@' => substituted.push_str("at"),
            '"' | '\'' | '’' => {}
            '‒' | '–' | '—' | '―' => substituted.push('-'),
            c => substituted.push(c),
        }
    }
    let lower = go_lower(&transliterate(&substituted));
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    clip_runes(out.trim_matches(['-', '_']), 80)
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

/// Album title normalization (`entity.Album.SetTitle`): trim `_&|{}<>: \n\r\t\\`, `"` → `“`,
/// `txt.Shorten(…, 160, "…")` (160 bytes or more: 157 characters, trimmed, plus `…`), empty →
/// the current month.
pub(crate) fn normalize_album_title(title: &str) -> String {
    let trimmed = title.trim_matches(|c: char| "_&|{}<>: \n\r\t\\".contains(c));
    let quoted = trimmed.replace('"', "\u{201c}");
    let capped = if quoted.len() >= 160 {
        format!("{}…", clip_runes(&quoted, 157))
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

/// `txt.SmallWords` (`pkg/txt/smallwords.go`): words that stay lower case inside a title.
const SMALL_WORDS: &[&str] = &[
    "a",
    "an",
    "as",
    "at",
    "by",
    "in",
    "of",
    "on",
    "or",
    "up",
    "to",
    "and",
    "but",
    "for",
    "nor",
    "the",
    "from",
    "with",
    "de",
    "des",
    "en",
    "le",
    "la",
    "au",
    "van",
    "zu",
    "ab",
    "um",
    "bei",
    "aus",
    "das",
    "der",
    "dem",
    "mir",
    "auf",
    "ist",
    "und",
    "uns",
    "unser",
    "unsere",
    "von",
    "für",
    "ein",
    "eine",
    "einer",
    "sind",
    "sein",
    "auch",
    "mich",
    "oben",
    "nach",
    "über",
    "ohne",
    "eines",
    "nicht",
    "davor",
    "unter",
    "neben",
    "gegen",
    "viele",
    "trotz",
    "warst",
    "waren",
    "sehen",
    "später",
    "werden",
    "werdet",
    "dessen",
    "gesehen",
    "abseits",
    "entlang",
    "sichtbar",
    "entgegen",
    "zwischen",
    "oberhalb",
    "unterhalb",
    "bezüglich",
    "unsichtbar",
    "einschließlich",
];

/// An album category as `entity.Album.SaveForm` stores it: `txt.Title` (`pkg/txt/title.go`)
/// then `txt.Clip(…, 100)`. `_` → space, `/ -` trimmed at the ends, `/`-separated blocks of
/// words, each word capitalized after every separator unless it is an inner small word,
/// blocks joined by `" / "`. Divergence: `txt.SpecialWords` (fixed spellings such as `TV`)
/// are not modelled.
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
                    let bare = go_lower(w.trim_matches(|c| ":.,;!?".contains(c)));
                    if i > 0 && SMALL_WORDS.contains(&bare.as_str()) {
                        go_lower(w)
                    } else {
                        capitalize_words(w)
                    }
                })
                .collect();
            (!words.is_empty()).then(|| words.join(" "))
        })
        .collect();
    clip_runes(&blocks.join(" / "), 100)
}

/// Title-cases every character after a separator (`txt.isSeparator`: ASCII other than
/// letters, digits, `_` and `'`; beyond ASCII only white space).
fn capitalize_words(w: &str) -> String {
    let mut prev = ' ';
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        let separator = if prev.is_ascii() {
            !(prev.is_ascii_alphanumeric() || prev == '_' || prev == '\'')
        } else {
            prev.is_whitespace()
        };
        out.push(if separator { go_title_char(c) } else { c });
        prev = c;
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

/// `txt.Words`' pattern (`pkg/txt/words.go`): letters, ASCII digits, `-` and `'`.
static KEYWORD_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}0-9\-']+").expect("a constant pattern"));

/// A word `txt.Words`/`txt.UniqueWords` drop: one byte of a Latin letter (`len(w) < 2 &&
/// IsLatin(w)`).
fn is_single_latin(w: &str) -> bool {
    w.len() < 2 && w.chars().all(|c| c.is_ascii_alphabetic())
}

/// `txt.IsNumeric`: starts and ends with an ASCII digit.
fn is_numeric(w: &str) -> bool {
    let b = w.as_bytes();
    matches!((b.first(), b.last()), (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit())
}

/// Keyword normalization of `SavePhotoForm` (`internal/entity/photo.go`):
/// `strings.Join(txt.UniqueWords(txt.Words(s)), ", ")`. Words keep letters, digits, `-` and
/// `'` (`covid19`, `new-york`, `o'brien`); words that start and end with a digit (`2024`) and
/// single letters are dropped; lower-cased (Go's per-character mapping), sorted, de-duplicated.
pub(crate) fn normalize_keywords(s: &str) -> String {
    let mut list: Vec<String> = KEYWORD_WORD
        .find_iter(s)
        .map(|m| {
            m.as_str()
                .trim_matches(|c| c == '-' || c == '\'' || c == ' ')
        })
        .filter(|w| !w.is_empty() && !is_single_latin(w) && !is_numeric(w))
        .map(|w| {
            go_lower(w)
                .trim_matches(|c| c == '-' || c == '\'' || c == ' ')
                .to_owned()
        })
        .filter(|w| !w.is_empty() && !is_single_latin(w))
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

/// SQLite's `LIKE` as `entity.FindAlbum` uses it (`album_title LIKE ?`, the title not
/// escaped): `_` is exactly one character, `%` any run, ASCII letters compare ignoring case,
/// all other characters exactly. (The recorded servers use SQLite; MariaDB's default collation
/// would also ignore the case of other letters and accents.)
pub(crate) fn sql_like(value: &str, pattern: &str) -> bool {
    let value: Vec<char> = value.chars().map(|c| c.to_ascii_lowercase()).collect();
    let pattern: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut v, mut p) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while v < value.len() {
        match pattern.get(p) {
            Some('%') => {
                resume = Some((p + 1, v));
                p += 1;
            }
            Some(&c) if c == '_' || c == value[v] => {
                v += 1;
                p += 1;
            }
            _ => match resume {
                Some((rp, rv)) => {
                    p = rp;
                    v = rv + 1;
                    resume = Some((rp, rv + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '%')
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
        // Probe 03: digits inside words stay, numbers go.
        assert_eq!(
            normalize_keywords("covid19, New-York, o'brien, 2024, über"),
            "covid19, new-york, o'brien, über"
        );
        assert_eq!(normalize_keywords("3D A4 1a2 7-11 y2k"), "3d, a4, y2k");
        assert_eq!(
            normalize_keywords("Москва, ΟΔΟΣ, 東京, مرحبا"),
            "οδοσ, москва, مرحبا, 東京"
        );
        assert_eq!(normalize_keywords("🎉party%time_x é"), "party, time, é");
        assert_eq!(normalize_keywords("!!! 42 _ %"), "");
        assert_eq!(
            normalize_keywords("covid19, New-York, o'brien, 2024, über, 2024-07, 4k, 猫, x"),
            "4k, covid19, new-york, o'brien, über, 猫"
        );
    }

    #[test]
    fn slugs_transliterate_like_unidecode() {
        assert_eq!(slugify("Café & Croissants"), "cafe-and-croissants");
        assert_eq!(slugify("R&D @home"), "randd-athome");
        assert_eq!(slugify("O'Brien’s"), "obriens");
        assert_eq!(slugify("snake_case_"), "snake_case");
        assert_eq!(slugify("Москва 2024"), "moskva-2024");
        assert_eq!(slugify("Європа"), "ievropa");
        assert_eq!(slugify("Αθήνα"), "athena");
        assert_eq!(slugify("北京"), "bei-jing");
        assert_eq!(slugify("東京タワー"), "dong-jing-tawa");
        assert_eq!(slugify("しんじゅく"), "shinziyuku");
        assert_eq!(slugify("서울"), "seoul");
        assert_eq!(slugify("القاهرة"), "lqhr");
        assert_eq!(slugify("Party 🎉"), "party");
        assert_eq!(slugify("🎉"), "");
        assert_eq!(slugify("I ❤ Paris ☀"), "i-paris");
        assert_eq!(album_slug("🎉", ""), "-");
        assert_eq!(slugify(""), "");
        assert_eq!(slugify(" \t "), "");
        assert_eq!(slugify("Trip_2024 100%"), "trip_2024-100");
        assert_eq!(slugify("Ελλάδα, Привет & 日本"), "ellada-privet-and-ri-ben");
        let title = format!("{} b", "a".repeat(79));
        assert_eq!(slugify(&title), format!("{}-", "a".repeat(79)));
        assert_eq!(
            album_slug(&title, "auid"),
            format!("{}--auid", "a".repeat(79))
        );
    }

    #[test]
    fn sql_like_is_sqlites() {
        assert!(sql_like(
            "likeprobe1796011027-Xba",
            "likeprobe1796011027-X_a"
        ));
        assert!(sql_like("TripX2024", "Trip_2024"));
        assert!(sql_like("trip-2024", "TRIP_2024"));
        assert!(!sql_like("Trip2024", "Trip_2024"));
        assert!(sql_like("Trip to 2024", "Trip%2024"));
        assert!(sql_like("anything", "%"));
        assert!(sql_like("Ёлка", "Ё_ка"));
        assert!(!sql_like("Ёлка", "ёлка"), "SQLite folds ASCII only");
        assert!(sql_like("日本🎉", "日_🎉"));
        assert!(!sql_like("abc", "ab"));
        assert!(sql_like("aXXbYYb", "a%b"));
        assert!(!sql_like("aXXbYYc", "a%b"));
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
        assert_eq!(category_title("reise nach köln"), "Reise nach Köln");
        assert_eq!(category_title("rock'n'roll (live)"), "Rock'n'roll (Live)");
        assert_eq!(category_title("ǆungla / straße"), "ǅungla / Straße");
        let clipped = category_title(&"a/".repeat(60));
        assert_eq!(clipped.chars().count(), 99);
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
