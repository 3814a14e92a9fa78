//! PhotoPrism's own text rules, read off its source, so a client can predict what the server
//! stores and which album `POST /api/v1/albums` answers with.
//!
//! * album titles: `entity.Album.SetTitle` (`internal/entity/album.go`);
//! * slugs: `txt.Slug` (`pkg/txt/slug.go`) = `gosimple/slug` v1.14 `Make` (language `en`) with
//!   `gosimple/unidecode` v1.0.1, clipped to 80 characters;
//! * keywords: `txt.Words` + `txt.UniqueWords` (`pkg/txt/words.go`), as `SavePhotoForm` applies
//!   them to `Details.Keywords` (`internal/entity/photo.go`);
//! * album categories: `txt.Title` (`pkg/txt/title.go`) then `txt.Clip(…, 100)`;
//! * the album lookup of `POST /api/v1/albums`: `entity.FindAlbum`, `album_slug = ? OR
//!   album_title LIKE ?` with the title not escaped.
//!
//! Photo titles and captions are stored exactly as sent by `PUT /api/v1/photos/:uid` and by batch
//! edit (no trimming, no clipping; `SavePhotoForm` copies the form), so they need no rule here.
//!
//! Known divergences (documented, all rare):
//! * transliteration uses the `deunicode` tables, corrected where they differ from
//!   `gosimple/unidecode` for letters of common scripts (see [`TRANSLITERATION_FIXES`]); other
//!   symbols may still transliterate differently, so a slug of such a title can differ;
//! * `txt.Title`'s `SpecialWords` (fixed spellings such as `TV`, `iPhone`) are not mirrored:
//!   compare categories ignoring case ([`same_category`]);
//! * Unicode tables follow Rust's and the `regex` crate's Unicode version, not Go's.

use std::sync::LazyLock;

use regex::Regex;

/// Characters `SetTitle` trims from both ends of an album title.
const TITLE_TRIM: &[char] = &[
    '_', '&', '|', '{', '}', '<', '>', ':', ' ', '\n', '\r', '\t', '\\',
];

/// Album titles of this many bytes or more are shortened (`txt.ClipDefault`).
const TITLE_MAX_BYTES: usize = 160;

/// Slugs are clipped to this many characters (`txt.ClipSlug`); titles of this many bytes or
/// more get `-<uid>` appended to their slug.
pub const SLUG_MAX: usize = 80;

/// Categories are clipped to this many characters (`txt.ClipCategory`).
const CATEGORY_MAX_CHARS: usize = 100;

/// The slug PhotoPrism stores when a title has none (`UnknownSlug`). Every album whose title
/// transliterates to nothing (emoji only, for example) has it, so it identifies nothing.
pub const UNKNOWN_SLUG: &str = "-";

/// `txt.SmallWords`: words that stay lower case inside a title-cased category.
const SMALL_WORDS: &[&str] = &[
    // English
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
    // French
    "de",
    "des",
    "en",
    "le",
    "la",
    "au",
    // Dutch
    "van",
    // German
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

/// Letters for which `gosimple/unidecode` v1.0.1 and `deunicode` disagree, measured by comparing
/// both tables over Latin, Greek, Cyrillic, Hebrew, Arabic, kana and CJK: the server's
/// transliteration wins.
pub const TRANSLITERATION_FIXES: &[(char, &str)] = &[
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

/// Ideographs that `gosimple/unidecode` v1.0.1 has no reading for (`[?] `), where `deunicode`
/// has one: the result of comparing both tables over U+4E00–U+9FA5 (U+9FA6–U+9FFF are all
/// unknown to unidecode as well).
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

/// `gosimple/unidecode`: ASCII stays, characters outside the Basic Multilingual Plane (most
/// emoji) are dropped, the rest are transliterated.
pub fn transliterate(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let code = u32::from(c);
        if c.is_ascii() {
            out.push(c);
        } else if code > 0xFFFF {
            // unidecode's table covers the BMP only; anything above is skipped.
        } else if let Some((_, fixed)) = TRANSLITERATION_FIXES.iter().find(|(k, _)| *k == c) {
            out.push_str(fixed);
        } else if (0x9FA6..=0x9FFF).contains(&code) {
            out.push_str("[?]");
        } else if u16::try_from(code).is_ok_and(|c| CJK_UNKNOWN.binary_search(&c).is_ok()) {
            out.push_str("[?] ");
        } else if (0x20B0..=0x20CF).contains(&code) {
            // Currency signs newer than unidecode's table (₹, ₽, ₺, ₴, ₿, …) are unknown to it.
            out.push_str("[?]");
        } else if (0x2600..=0x27BF).contains(&code)
            || ((0x2100..=0x213A).contains(&code) && !matches!(code, 0x212A | 0x212B | 0x2132))
        {
            // Miscellaneous symbols, dingbats and letter-like symbols: unidecode has no
            // letters for them (empty or `[?]`), deunicode spells out names ("heart", "tm").
        } else {
            out.push_str(deunicode::deunicode_char(c).unwrap_or("[?]"));
        }
    }
    out
}

/// Go's `unicode.ToLower` for one character (simple case mapping: `İ` becomes `i`).
pub fn go_lower_char(c: char) -> char {
    if c == 'İ' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.ToLower`: every character mapped on its own (no final-sigma rule).
pub fn go_lower(s: &str) -> String {
    s.chars().map(go_lower_char).collect()
}

/// Go's `unicode.ToTitle` for one character (simple mapping; title-case digraphs such as `ǅ`).
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
                // Characters with only a multi-character upper case (ß, ŉ, ligatures) have no
                // simple title case: Go keeps them.
                _ => c,
            }
        }
    }
}

/// `clip.Runes`: trims white space, keeps at most `size` characters, trims again.
fn clip_runes(s: &str, size: usize) -> String {
    let clipped: String = s.trim().chars().take(size).collect();
    clipped.trim().to_owned()
}

/// `SetTitle` for an album title: trims `_ & | { } < > :`, spaces, tabs, newlines and `\` from
/// both ends, replaces `"` with `“`, and shortens titles of 160 bytes or more to 157 characters
/// plus `…`. An empty result stays empty here (the server would use the current month).
pub fn album_title(title: &str) -> String {
    let trimmed = title.trim_matches(TITLE_TRIM).replace('"', "“");
    if trimmed.len() < TITLE_MAX_BYTES {
        return trimmed;
    }
    let ellipsis = "…";
    format!(
        "{}{ellipsis}",
        clip_runes(&trimmed, TITLE_MAX_BYTES - ellipsis.len())
    )
}

/// A title that `SetTitle` stores as exactly `title` (a title already normalized with
/// [`album_title`]). `SetTitle` is not idempotent: a title of 160 bytes or more but fewer than
/// 157 characters (80 Cyrillic or 54 CJK characters) gets `…` appended without losing any
/// character, so sending the normalized title would store `……`. This gives the text to send.
pub fn album_title_to_send(title: &str) -> String {
    if album_title(title) == title {
        return title.to_owned();
    }
    if let Some(kept) = title.strip_suffix('…') {
        if album_title(kept) == title {
            return kept.to_owned();
        }
        // Fewer than 157 characters kept (white space was trimmed at the cut, and the rest is
        // under 160 bytes): pad with spaces to the cut and add text past it.
        let count = kept.chars().count();
        if count < 157 {
            let padded = format!("{kept}{}xxxx", " ".repeat(157 - count));
            if album_title(&padded) == title {
                return padded;
            }
        }
    }
    title.to_owned()
}

/// A category that `SaveForm` stores as exactly `category` (already normalized with
/// [`category`]). `txt.Title` is not idempotent: it trims `-` from the ends of the text (a
/// category `-A`, from ` \t-a`, would become `A`), and clipping to 100 characters can leave a
/// trailing `/` or `-` or a cut word that is now a small word. A tab at either end (which
/// `txt.Title` does not trim) or one more word past the clip keeps the text as it is.
pub fn category_to_send(normalized: &str) -> String {
    ["", "\t"]
        .iter()
        .flat_map(|prefix| {
            ["", "\t", "x", " x"]
                .iter()
                .map(move |suffix| format!("{prefix}{normalized}{suffix}"))
        })
        .find(|candidate| category(candidate) == normalized)
        .unwrap_or_else(|| normalized.to_owned())
}

/// `txt.Slug`: `gosimple/slug` of the text (`&` → `and`, `@` → `at`, quotes and apostrophes
/// dropped, dashes to `-`, transliterated, lower-cased, anything but `a-z0-9-_` → `-`, runs of
/// `-` collapsed, `-`/`_` trimmed from both ends), clipped to 80 characters. Blank text gives
/// an empty slug.
pub fn slug(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut substituted = String::with_capacity(text.len());
    for c in text.chars() {
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
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    clip_runes(out.trim_matches(['-', '_']), SLUG_MAX)
}

/// The slug `SetTitle` gives a new manual album with this (already normalized) title: the slug,
/// with `-` appended when the title has 80 bytes or more (the UID that would follow is still
/// empty at creation), and [`UNKNOWN_SLUG`] when empty.
pub fn album_slug_at_creation(title: &str) -> String {
    let mut slug = slug(title);
    if title.len() >= SLUG_MAX {
        slug.push('-');
    }
    if slug.is_empty() {
        UNKNOWN_SLUG.to_owned()
    } else {
        slug
    }
}

/// `txt.Words`' pattern: letters, ASCII digits, `-` and `'`.
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}0-9\-']+").expect("a constant pattern"));

/// `txt.IsNumeric`: starts and ends with an ASCII digit.
fn is_numeric(word: &str) -> bool {
    let bytes = word.as_bytes();
    matches!((bytes.first(), bytes.last()), (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit())
}

/// `txt.IsLatin`: every character is of the Latin script. Only asked for words of one byte,
/// which are single ASCII characters.
fn is_short_latin(word: &str) -> bool {
    word.len() < 2 && word.chars().all(|c| c.is_ascii_alphabetic())
}

/// `txt.Words`: runs of letters, ASCII digits, `-` and `'`, trimmed of `-`, `'` and spaces;
/// empty words, single ASCII letters and words that start and end with a digit are dropped.
pub fn words(text: &str) -> Vec<String> {
    WORD.find_iter(text)
        .map(|m| m.as_str().trim_matches(['-', '\'', ' ']))
        .filter(|w| !w.is_empty() && !is_short_latin(w) && !is_numeric(w))
        .map(str::to_owned)
        .collect()
}

/// How `SavePhotoForm` stores `Details.Keywords`: `txt.UniqueWords(txt.Words(text))`, i.e. the
/// words lower-cased, sorted, de-duplicated, single letters dropped. The server joins them with
/// `", "`.
pub fn keywords(text: &str) -> Vec<String> {
    let mut list: Vec<String> = words(text)
        .into_iter()
        .map(|w| go_lower(&w).trim_matches(['-', '\'', ' ']).to_owned())
        .filter(|w| !w.is_empty() && !is_short_latin(w))
        .collect();
    list.sort();
    list.dedup();
    list
}

/// `txt.Title` then `txt.Clip(…, 100)`, as `SaveForm` stores an album category: `_` becomes a
/// space, `/`, space and `-` are trimmed from the ends, each `/`-separated block's words get an
/// upper-case first letter (and after every separator inside a word), small words such as
/// `and`/`of`/`und` stay lower case unless first, blocks are joined with ` / `.
pub fn category(text: &str) -> String {
    let replaced = text.replace('_', " ");
    let trimmed = replaced.trim_matches(['/', ' ', '-']);
    let mut blocks = Vec::new();
    for block in trimmed.split('/') {
        let words: Vec<&str> = block.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let titled: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let search = go_lower(w.trim_matches([':', '.', ',', ';', '!', '?']));
                if i > 0 && SMALL_WORDS.contains(&search.as_str()) {
                    go_lower(w)
                } else {
                    title_word(w)
                }
            })
            .collect();
        blocks.push(titled.join(" "));
    }
    clip_runes(&blocks.join(" / "), CATEGORY_MAX_CHARS)
}

/// Upper-cases every character that follows a separator (`txt.isSeparator`).
fn title_word(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut prev = ' ';
    for c in w.chars() {
        out.push(if is_separator(prev) {
            go_title_char(c)
        } else {
            c
        });
        prev = c;
    }
    out
}

/// `txt.isSeparator`: ASCII other than letters, digits, `_` and `'`; beyond ASCII only spaces.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        !(c.is_ascii_alphanumeric() || c == '_' || c == '\'')
    } else {
        c.is_whitespace()
    }
}

/// Whether a stored category is what `wanted` (already normalized with [`category`]) becomes
/// on the server: equal, or equal ignoring case (the server spells some words its own way,
/// `SpecialWords`, which this module does not mirror).
pub fn same_category(stored: &str, wanted: &str) -> bool {
    stored == wanted || go_lower(stored) == go_lower(wanted)
}

/// Whether an album title contains SQL `LIKE` wildcards (`_` one character, `%` any run).
pub fn has_like_wildcards(title: &str) -> bool {
    title.contains(['_', '%'])
}

/// Whether `FindAlbum`'s unescaped `album_title LIKE <pattern>` matches `value`: `_` is any one
/// character, `%` any run, other characters compare ignoring case. SQLite ignores the case of
/// ASCII letters only and MariaDB's default collation also ignores accents; this ignores the
/// case of every letter (a superset of SQLite's matches, a close subset of MariaDB's).
pub fn title_like(value: &str, pattern: &str) -> bool {
    let value: Vec<char> = value.chars().map(go_lower_char).collect();
    let pattern: Vec<char> = pattern.chars().map(go_lower_char).collect();
    like_chars(&value, &pattern)
}

/// `LIKE` on characters: iterative matching with backtracking to the last `%`.
fn like_chars(value: &[char], pattern: &[char]) -> bool {
    let (mut v, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while v < value.len() {
        match pattern.get(p) {
            Some('%') => {
                star = Some((p, v));
                p += 1;
            }
            Some(&c) if c == '_' || c == value[v] => {
                v += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    p = sp + 1;
                    v = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '%')
}

/// Whether the album the server answered a create with is the one asked for: its title equals
/// the normalized requested title ignoring case, or its slug equals the slug the new album
/// would get (PhotoPrism's own notion of the same album; the meaningless [`UNKNOWN_SLUG`] does
/// not count). A match only through `LIKE` wildcards is another album.
pub fn is_same_album(requested_title: &str, title: &str, slug: &str) -> bool {
    let wanted = album_title(requested_title);
    if go_lower(&wanted) == go_lower(title) {
        return true;
    }
    let wanted_slug = album_slug_at_creation(&wanted);
    wanted_slug != UNKNOWN_SLUG && wanted_slug == slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_keep_digits_inside_words() {
        // Probe 03 (local-server-2026-11-probes), both servers.
        assert_eq!(
            keywords("covid19, New-York, o'brien, 2024, über"),
            ["covid19", "new-york", "o'brien", "über"]
        );
        // Numeric means "starts and ends with a digit": 1a2 goes, 3d and a4 stay.
        assert_eq!(keywords("1a2 3d a4 7-11 x y2k"), ["3d", "a4", "y2k"]);
        assert_eq!(keywords("-dash- 'quoted' it's"), ["dash", "it's", "quoted"]);
        assert!(keywords("").is_empty());
        assert!(keywords("!!! 42 _ %").is_empty());
    }

    #[test]
    fn keywords_of_other_scripts() {
        assert_eq!(keywords("Москва, МОСКВА"), ["москва"]);
        assert_eq!(keywords("ΟΔΟΣ"), ["οδοσ"], "Go lower-cases Σ to σ, always");
        assert_eq!(keywords("東京 タワー"), ["タワー", "東京"]);
        assert_eq!(keywords("مرحبا"), ["مرحبا"]);
        // A single non-ASCII letter is two bytes: kept. Emoji and SQL wildcards split words.
        assert_eq!(keywords("é ж 🎉party%time_x"), ["party", "time", "é", "ж"]);
        // Combining marks are not letters (\p{L}): the word is cut at them.
        assert_eq!(keywords("cafe\u{301}"), ["cafe"]);
        assert_eq!(keywords("İstanbul"), ["istanbul"]);
    }

    #[test]
    fn album_titles_follow_set_title() {
        assert_eq!(album_title("  Summer 2024:  "), "Summer 2024");
        assert_eq!(album_title("__Say \"hi\"__"), "Say “hi“");
        assert_eq!(album_title("Trip_2024"), "Trip_2024");
        assert_eq!(album_title("100%"), "100%");
        assert_eq!(album_title("___"), "");
        let long = "x".repeat(200);
        assert_eq!(album_title(&long), format!("{}…", "x".repeat(157)));
        // 160 bytes, fewer characters: still shortened (the limit is in bytes).
        let cyrillic = "я".repeat(79);
        assert_eq!(album_title(&cyrillic), cyrillic);
        let cyrillic = "я".repeat(80);
        assert_eq!(album_title(&cyrillic), format!("{cyrillic}…"));
        // Spaces before the cut are trimmed, as clip.Runes does.
        let spaced = format!("{} {}", "a".repeat(156), "b".repeat(10));
        assert_eq!(album_title(&spaced), format!("{}…", "a".repeat(156)));
    }

    #[test]
    fn titles_and_categories_to_send_are_stored_as_expected() {
        // 85 Cyrillic letters: 170 bytes, so `…` is appended although nothing is cut.
        let raw = "Ж".repeat(85);
        let stored = album_title(&raw);
        assert_eq!(stored, format!("{raw}…"));
        assert_eq!(album_title(&stored), format!("{raw}……"), "not idempotent");
        assert_eq!(album_title(&album_title_to_send(&stored)), stored);
        let ascii = album_title(&"x".repeat(300));
        assert_eq!(album_title_to_send(&ascii), ascii);
        assert_eq!(album_title_to_send("Trip"), "Trip");
        // Cut at white space: 156 characters and `…`, under 160 bytes without it.
        let raw = format!("{}é\tab", "a".repeat(155));
        let stored = album_title(&raw);
        assert_eq!(stored.chars().count(), 157);
        assert_ne!(album_title(&stored), stored);
        assert_eq!(album_title(&album_title_to_send(&stored)), stored);

        let long = format!("{}-b", "a".repeat(99));
        let stored = category(&long);
        assert!(stored.ends_with('-'), "{stored}");
        assert_ne!(category(&stored), stored);
        assert_eq!(category(&category_to_send(&stored)), stored);
        let slashed = "a/".repeat(60);
        let stored = category(&slashed);
        assert_eq!(category(&category_to_send(&stored)), stored);
        assert_eq!(category_to_send("Travel"), "Travel");
        let dashed = category("\t-a-\t");
        assert_eq!(dashed, "-A-");
        assert_eq!(category(&dashed), "A");
        assert_eq!(category(&category_to_send(&dashed)), dashed);
    }

    #[test]
    fn slugs_follow_gosimple_slug() {
        assert_eq!(slug("Summer 2024"), "summer-2024");
        assert_eq!(slug("Café & Croissants"), "cafe-and-croissants");
        assert_eq!(slug("R&D @home"), "randd-athome");
        assert_eq!(slug("O'Brien’s “best”"), "obriens-best");
        assert_eq!(slug("snake_case__"), "snake_case");
        assert_eq!(slug("Trip_2024"), "trip_2024");
        assert_eq!(slug("100% Fun"), "100-fun");
        assert_eq!(slug("a – b — c"), "a-b-c");
        assert_eq!(slug("!!!"), "");
        assert_eq!(slug(""), "");
        assert_eq!(slug("Москва 2024"), "moskva-2024");
        assert_eq!(slug("Європа"), "ievropa");
        assert_eq!(slug("Αθήνα"), "athena");
        assert_eq!(slug("北京"), "bei-jing");
        assert_eq!(slug("しんじゅく"), "shinziyuku");
        assert_eq!(slug("서울"), "seoul");
        assert_eq!(slug("القاهرة"), "lqhr");
        assert_eq!(slug("Party 🎉🎂"), "party");
        assert_eq!(slug("🎉"), "");
        assert_eq!(slug("I ❤ Paris ☀"), "i-paris");
        assert_eq!(slug("Price €5"), "price-eu5");
        assert_eq!(slug(&"a".repeat(100)).len(), 80);
        // Clipping can leave a trailing dash: the server keeps it.
        let title = format!("{} b", "a".repeat(79));
        assert_eq!(slug(&title), format!("{}-", "a".repeat(79)));
    }

    #[test]
    fn creation_slugs() {
        assert_eq!(album_slug_at_creation("Trip"), "trip");
        assert_eq!(album_slug_at_creation("🎉"), UNKNOWN_SLUG);
        let long = "word ".repeat(20);
        let long = album_title(&long);
        assert!(album_slug_at_creation(&long).ends_with("-"));
    }

    #[test]
    fn categories_follow_title() {
        assert_eq!(category("travel"), "Travel");
        assert_eq!(category("pets and animals"), "Pets and Animals");
        assert_eq!(category("the best of"), "The Best of");
        assert_eq!(category("a/b_c"), "A / B C");
        assert_eq!(category("TRAVEL"), "TRAVEL");
        assert_eq!(category("ausflug nach berlin"), "Ausflug nach Berlin");
        assert_eq!(category("rock'n'roll (live)"), "Rock'n'roll (Live)");
        assert_eq!(category("москва"), "Москва");
        assert_eq!(category("ǆungla"), "ǅungla");
        assert_eq!(category("straße"), "Straße");
        assert_eq!(category(" / - "), "");
        // Clipped after title-casing (the separators " / " count).
        let long = "a/".repeat(60);
        let clipped = category(&long);
        assert_eq!(clipped.chars().count(), 99, "{clipped}");
        assert!(clipped.ends_with('/'));
        assert!(same_category("TV Shows", &category("tv shows")));
        assert!(!same_category("Travel", &category("trips")));
    }

    #[test]
    fn like_follows_sql() {
        // Probe 02: `_` matches any one character.
        assert!(title_like(
            "likeprobe1796011027-Xba",
            "likeprobe1796011027-X_a"
        ));
        assert!(title_like("TripX2024", "Trip_2024"));
        assert!(title_like("Trip-2024", "trip_2024"));
        assert!(!title_like("Trip2024", "Trip_2024"));
        assert!(title_like("Trip2024", "Trip%2024"));
        assert!(title_like("Trip to 2024", "Trip%2024"));
        assert!(title_like("100% Fun", "100%"));
        assert!(title_like("anything", "%"));
        assert!(title_like("", "%"));
        assert!(!title_like("", "_"));
        assert!(title_like("Ёлка", "ёл_а"));
        assert!(title_like("日本🎉", "日_🎉"));
        assert!(!title_like("abc", "ab"));
        assert!(title_like("a%b", "a%b"));
        assert!(title_like("aXXbYYb", "a%b"));
        assert!(!title_like("aXXbYYc", "a%b"));
    }

    #[test]
    fn same_album_is_title_or_slug_never_wildcards() {
        assert!(is_same_album("Trip_2024", "Trip_2024", "trip_2024"));
        assert!(is_same_album("trip_2024", "TRIP_2024", "trip_2024"));
        assert!(!is_same_album("Trip_2024", "TripX2024", "tripx2024"));
        assert!(!is_same_album("Trip_2024", "Trip-2024", "trip-2024"));
        // Same slug: PhotoPrism's same album (punctuation, accents).
        assert!(is_same_album("Café!", "Cafe", "cafe"));
        assert!(is_same_album("Say \"hi\"", "Say “hi“", "say-hi"));
        // The unknown slug identifies nothing.
        assert!(!is_same_album("🎉", "🎂", "-"));
        assert!(is_same_album("🎉", "🎉", "-"));
    }
}
