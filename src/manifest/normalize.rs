//! PhotoPrism's normalisation of values it stores, so desired and actual values compare
//! equal after an apply.

/// Characters PhotoPrism trims from both ends of an album title.
const TITLE_TRIM: &[char] = &[
    '_', '&', '|', '{', '}', '<', '>', ':', ' ', '\n', '\r', '\t', '\\',
];

/// Album titles of this many bytes or more are shortened.
const TITLE_MAX_BYTES: usize = 160;

/// Slugs are at most this many characters long.
const SLUG_MAX_CHARS: usize = 80;

/// Categories are clipped to this many characters.
const CATEGORY_MAX_CHARS: usize = 100;

/// Words that stay lower case inside a title-cased category (not as its first word).
const SMALL_WORDS: &[&str] = &[
    "a", "an", "as", "at", "by", "in", "of", "on", "or", "up", "to", "and", "but", "for", "nor",
    "the", "from", "with",
];

/// Normalises keywords the way PhotoPrism stores them: the words of all keywords (letters,
/// `-` and `'`; numbers and other characters split words and are dropped), trimmed of
/// `-`/`'`/spaces, lower-cased, single ASCII letters dropped, sorted and de-duplicated.
pub fn normalize_keywords(words: &[String]) -> Vec<String> {
    let joined = words.join(", ");
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<String>| {
        let word = current
            .trim_matches(|c| matches!(c, '-' | ' ' | '\''))
            .to_lowercase();
        if word.len() >= 2 {
            out.push(word);
        }
        current.clear();
    };
    for c in joined.chars() {
        if c.is_alphabetic() || c == '-' || c == '\'' {
            current.push(c);
        } else {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Normalises an album title like PhotoPrism's `SetTitle`: trims `_ & | { } < > :`, spaces,
/// tabs, newlines and `\` from both ends, replaces `"` with `“`, and shortens titles of 160
/// bytes or more to 157 characters plus `…`. An empty result stays empty (PhotoPrism would
/// use the current month; the manifest rejects empty titles).
pub fn normalize_album_title(title: &str) -> String {
    let trimmed = title.trim_matches(TITLE_TRIM).replace('"', "“");
    if trimmed.len() < TITLE_MAX_BYTES {
        return trimmed;
    }
    let ellipsis = "…";
    let keep = TITLE_MAX_BYTES - ellipsis.len();
    let clipped: String = trimmed.trim().chars().take(keep).collect();
    format!("{}{ellipsis}", clipped.trim())
}

/// The slug PhotoPrism gives an album with this title (gosimple/slug): `&` and `@` become
/// `and`/`at`, other characters are transliterated to ASCII, lower-cased, runs of anything
/// but letters, digits, `-` and `_` become one `-`, and `-`/`_` are trimmed from both ends.
/// At most 80 characters. Titles of 80 bytes or more get `-<uid>` appended by the server,
/// which this cannot know; they are slugged without it. An empty slug is `-`, as on the server.
pub fn slugify(title: &str) -> String {
    let title = normalize_album_title(title);
    let replaced: String = title
        .trim()
        .chars()
        .map(|c| match c {
            '&' => " and ".to_owned(),
            '@' => " at ".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let ascii = deunicode::deunicode(&replaced).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
            dash = false;
        } else if !dash {
            slug.push('-');
            dash = true;
        }
    }
    let slug = slug.trim_matches(|c| c == '-' || c == '_');
    if slug.is_empty() {
        return "-".to_owned();
    }
    slug.chars().take(SLUG_MAX_CHARS).collect()
}

/// Title-cases a category like PhotoPrism: `_` becomes a space, `/`, space and `-` are
/// trimmed from the ends, each `/`-separated part's words get an upper-case first letter
/// (after any separator), small words like `and`/`of` stay lower case inside, and parts are
/// joined with ` / `. Clipped to 100 characters first.
pub fn normalize_category(s: &str) -> String {
    let clipped: String = s.trim().chars().take(CATEGORY_MAX_CHARS).collect();
    let replaced = clipped.trim().replace('_', " ");
    let trimmed = replaced.trim_matches(|c| matches!(c, '/' | ' ' | '-'));
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
                let search = w
                    .trim_matches(|c| matches!(c, ':' | '.' | ',' | ';' | '!' | '?'))
                    .to_lowercase();
                if i > 0 && SMALL_WORDS.contains(&search.as_str()) {
                    w.to_lowercase()
                } else {
                    title_word(w)
                }
            })
            .collect();
        blocks.push(titled.join(" "));
    }
    blocks.join(" / ")
}

/// Upper-cases every letter that follows a separator (start, space, punctuation).
fn title_word(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut prev_separator = true;
    for c in w.chars() {
        if prev_separator {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_separator = is_separator(c);
    }
    out
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_' || c == '\'');
    }
    if c.is_alphanumeric() {
        return false;
    }
    c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(words: &[&str]) -> Vec<String> {
        normalize_keywords(&words.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn keywords() {
        assert_eq!(kw(&["Sunset", "beach", "sunset"]), vec!["beach", "sunset"]);
        assert_eq!(
            kw(&["New York, x", "2024", "Île-de-France"]),
            vec!["new", "york", "île-de-france"]
        );
        assert_eq!(kw(&["-dash-", "it's"]), vec!["dash", "it's"]);
        assert!(kw(&[]).is_empty());
    }

    #[test]
    fn album_titles() {
        assert_eq!(normalize_album_title("  Summer 2024:  "), "Summer 2024");
        assert_eq!(normalize_album_title("__Say \"hi\"__"), "Say “hi“");
        let long = "x".repeat(200);
        let n = normalize_album_title(&long);
        assert_eq!(n.chars().count(), 158);
        assert!(n.ends_with('…'));
        assert_eq!(normalize_album_title("___"), "");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Summer 2024"), "summer-2024");
        assert_eq!(slugify("Café & Croissants"), "cafe-and-croissants");
        assert_eq!(slugify("summer  2024!"), "summer-2024");
        assert_eq!(slugify("Summer-2024"), "summer-2024");
        assert_eq!(slugify("!!!"), "-");
        assert_eq!(slugify("snake_case"), "snake_case");
    }

    #[test]
    fn categories() {
        assert_eq!(normalize_category("travel"), "Travel");
        assert_eq!(normalize_category("pets and animals"), "Pets and Animals");
        assert_eq!(normalize_category("the best of"), "The Best of");
        assert_eq!(normalize_category("a/b_c"), "A / B C");
        assert_eq!(normalize_category("TRAVEL"), "TRAVEL");
    }
}
