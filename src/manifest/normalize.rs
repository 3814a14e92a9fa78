//! PhotoPrism's normalisation of values it stores, so desired and actual values compare
//! equal after an apply. The rules themselves live in [`crate::photoprism::text`] (read off
//! PhotoPrism's source); this module applies them to manifest values.
//!
//! Photo titles and captions need no normalisation: PhotoPrism stores them exactly as sent.

use crate::photoprism::text;

/// Normalises keywords the way PhotoPrism stores them (`txt.Words` + `txt.UniqueWords` of the
/// keywords joined with `", "`, which is how prysm sends them): words of letters, digits, `-`
/// and `'` (`covid19`, `new-york`, `o'brien`), lower-cased, sorted and de-duplicated; single
/// ASCII letters and words that start and end with a digit (`2024`) are dropped.
pub fn normalize_keywords(words: &[String]) -> Vec<String> {
    text::keywords(&words.join(", "))
}

/// Normalises an album title like PhotoPrism's `SetTitle`: trims `_ & | { } < > :`, spaces,
/// tabs, newlines and `\` from both ends, replaces `"` with `“`, and shortens titles of 160
/// bytes or more to 157 characters plus `…`. An empty result stays empty (PhotoPrism would
/// use the current month; the manifest rejects empty titles).
pub fn normalize_album_title(title: &str) -> String {
    text::album_title(title)
}

/// The slug PhotoPrism gives an album with this title (`gosimple/slug`): `&` and `@` become
/// `and`/`at`, quotes and apostrophes vanish, other characters are transliterated to ASCII
/// (Cyrillic, Greek, CJK, …; emoji are dropped), lower-cased, runs of anything but letters,
/// digits, `-` and `_` become one `-`, and `-`/`_` are trimmed from both ends. At most 80
/// characters. Titles of 80 bytes or more get `-<uid>` appended by the server, which this
/// cannot know; they are slugged without it. An empty slug is `-`, as on the server.
pub fn slugify(title: &str) -> String {
    let slug = text::slug(&normalize_album_title(title));
    if slug.is_empty() {
        text::UNKNOWN_SLUG.to_owned()
    } else {
        slug
    }
}

/// Title-cases a category like PhotoPrism (`txt.Title`, then clipped to 100 characters): `_`
/// becomes a space, `/`, space and `-` are trimmed from the ends, each `/`-separated part's
/// words get an upper-case first letter (after any separator), small words like `and`/`of`/
/// `und` stay lower case inside, and parts are joined with ` / `.
pub fn normalize_category(s: &str) -> String {
    text::category(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        assert!(kw(&[""]).is_empty());
    }

    #[test]
    fn keywords_keep_digits() {
        // The 2026-11 probe: `covid19` was written as `covid` before.
        assert_eq!(
            kw(&["covid19", "New-York", "o'brien", "2024", "über"]),
            vec!["covid19", "new-york", "o'brien", "über"]
        );
        assert_eq!(
            kw(&["3D", "A4", "Y2K", "1-2", "5"]),
            vec!["3d", "a4", "y2k"]
        );
    }

    #[test]
    fn keywords_punctuation_scripts_and_wildcards() {
        assert_eq!(
            kw(&["rock&roll", "c'est la vie!"]),
            vec!["c'est", "la", "rock", "roll", "vie"]
        );
        assert_eq!(
            kw(&["Ελλάδα", "Москва", "北京", "القاهرة"]),
            vec!["ελλάδα", "москва", "القاهرة", "北京"]
        );
        assert_eq!(kw(&["party 🎉", "😀"]), vec!["party"]);
        assert_eq!(kw(&["100%", "snake_case", "%_"]), vec!["case", "snake"]);
        assert_eq!(kw(&["Crème brûlée"]), vec!["brûlée", "crème"]);
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
        assert_eq!(normalize_album_title(""), "");
        assert_eq!(normalize_album_title("_Trip_2024_"), "Trip_2024");
        assert_eq!(normalize_album_title("50% off & more"), "50% off & more");
        assert_eq!(normalize_album_title("Ёлка 🎄 日本"), "Ёлка 🎄 日本");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Summer 2024"), "summer-2024");
        assert_eq!(slugify("Café & Croissants"), "cafe-and-croissants");
        assert_eq!(slugify("summer  2024!"), "summer-2024");
        assert_eq!(slugify("Summer-2024"), "summer-2024");
        assert_eq!(slugify("!!!"), "-");
        assert_eq!(slugify(""), "-");
        assert_eq!(slugify("snake_case"), "snake_case");
        assert_eq!(slugify("Trip_2024"), "trip_2024");
        assert_eq!(slugify("100% Fun"), "100-fun");
        // Apostrophes vanish and `&`/`@` are spelled out without spaces (gosimple/slug).
        assert_eq!(slugify("O'Brien's R&D"), "obriens-randd");
        assert_eq!(slugify("Say \"hi\""), "say-hi");
        assert_eq!(slugify("Москва"), "moskva");
        assert_eq!(slugify("Ελλάδα"), "ellada");
        assert_eq!(slugify("東京タワー"), "dong-jing-tawa");
        assert_eq!(slugify("🎉🎂"), "-");
    }

    #[test]
    fn categories() {
        assert_eq!(normalize_category("travel"), "Travel");
        assert_eq!(normalize_category("pets and animals"), "Pets and Animals");
        assert_eq!(normalize_category("the best of"), "The Best of");
        assert_eq!(normalize_category("a/b_c"), "A / B C");
        assert_eq!(normalize_category("TRAVEL"), "TRAVEL");
        assert_eq!(normalize_category("reise nach köln"), "Reise nach Köln");
        assert_eq!(normalize_category("2024 trips"), "2024 Trips");
        assert_eq!(normalize_category("поездки"), "Поездки");
        assert_eq!(normalize_category(""), "");
    }

    /// Text like users write: letters of several scripts, digits, punctuation, quotes,
    /// SQL wildcards, emoji and white space.
    fn user_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                proptest::char::range('a', 'z'),
                proptest::char::range('A', 'Z'),
                proptest::char::range('0', '9'),
                proptest::sample::select(vec![
                    ' ', ' ', '-', '_', '%', '\'', '"', '&', '@', '/', ':', '|', '<', '>', '{',
                    '}', '\\', '\t', '\n', '.', ',', '!', '?', 'é', 'Ü', 'ß', 'ø', 'İ', 'ǆ', 'Σ',
                    'λ', 'Ж', 'ё', 'Є', 'ا', 'ء', 'א', 'し', 'ツ', '北', '京', '一', '서', '…',
                    '“', '’', '–', '€', '₹', '™', '❤', '🎉', '😀', '\u{301}',
                ]),
            ],
            0..220,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn normalisation_is_idempotent(text in user_text()) {
            let words: Vec<String> = text.split(',').map(str::to_string).collect();
            let once = normalize_keywords(&words);
            prop_assert_eq!(normalize_keywords(&once), once.clone());
            // Stored keywords are read back by splitting on commas.
            let stored = once.join(", ");
            let read: Vec<String> = stored.split(", ").filter(|w| !w.is_empty()).map(str::to_string).collect();
            prop_assert_eq!(read, once);

            // PhotoPrism's SetTitle is idempotent except for titles of 160 bytes or more and
            // fewer than 157 characters (it appends `…` again): prysm sends those without the
            // `…`, so what it sends is always stored as the normalized title.
            let title = normalize_album_title(&text);
            if title.len() < 160 || title.chars().count() >= 158 {
                prop_assert_eq!(normalize_album_title(&title), title.clone());
            }
            prop_assert_eq!(normalize_album_title(&text::album_title_to_send(&title)), title.clone());
            // Slugs and categories are clipped after they are made, which can leave a
            // trailing separator that a second pass trims (the server does the same).
            let slug = slugify(&text);
            prop_assert!(slug.chars().count() <= 80);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'));
            let reslugged = slugify(&slug);
            if slug.len() < 80 {
                prop_assert_eq!(reslugged, slug);
            } else {
                prop_assert_eq!(reslugged.as_str(), slug.trim_end_matches(['-', '_']));
            }

            let category = normalize_category(&text);
            prop_assert!(category.chars().count() <= 100);
            let again = normalize_category(&category);
            // PhotoPrism's txt.Title is idempotent except that it trims `-` from the ends
            // (`\ta-\t` is stored as `A-`, which becomes `A`) and that after a clip to 100
            // characters the next pass may trim a trailing separator or lower-case a cut word
            // that became a small word (`Ac` -> `A` -> `a`); prysm sends such categories so
            // that the server stores them unchanged.
            if category.chars().count() < 98 && !category.starts_with('-') && !category.ends_with('-') {
                prop_assert_eq!(again, category.clone());
            }
            prop_assert_eq!(normalize_category(&text::category_to_send(&category)), category);
        }
    }
}
