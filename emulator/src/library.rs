//! Deterministic synthetic photo libraries.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::seed::PhotoSeed;

const LABELS: &[&str] = &[
    "cat", "dog", "beach", "mountain", "city", "food", "sunset", "flower", "car", "portrait",
    "forest", "snow",
];

const ADJECTIVES: &[&str] = &[
    "Quiet", "Golden", "Blue", "Early", "Late", "Windy", "Sunny", "Misty", "Happy", "Old",
];

const PLACES: &[&str] = &[
    "Lisbon", "Berlin", "Harbour", "Garden", "Market", "Lake", "Bridge", "Park", "Station", "Coast",
];

const CAMERAS: &[(&str, &str)] = &[
    ("Canon", "EOS 5D"),
    ("Apple", "iPhone 13"),
    ("SONY", "Alpha 7 III"),
    ("", ""),
];

/// `count` photo seeds, identical for the same `seed`: dates over 2012–2025, paths `YYYY/MM`,
/// names `IMG_nnnn.jpg`, labels like `cat`/`beach`, ~10 % favorites, ~5 % private, every 25th
/// photo with a RAW sibling, SHA-1-shaped hashes drawn from the seeded generator.
pub(crate) fn synthetic_library(count: usize, seed: u64) -> Vec<PhotoSeed> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..count)
        .map(|i| {
            let year = rng.random_range(2012..=2025);
            let month = rng.random_range(1..=12u8);
            let day = rng.random_range(1..=28u8);
            let (hour, minute, second) = (
                rng.random_range(0..24u8),
                rng.random_range(0..60u8),
                rng.random_range(0..60u8),
            );
            let label = LABELS[rng.random_range(0..LABELS.len())];
            let mut labels = vec![label.to_owned()];
            if rng.random_bool(0.3) {
                let second_label = LABELS[rng.random_range(0..LABELS.len())];
                if second_label != label {
                    labels.push(second_label.to_owned());
                }
            }
            let title = format!(
                "{} {} {}",
                ADJECTIVES[rng.random_range(0..ADJECTIVES.len())],
                PLACES[rng.random_range(0..PLACES.len())],
                i + 1
            );
            let (make, model) = CAMERAS[rng.random_range(0..CAMERAS.len())];
            // A SHA-1-shaped hex string from the seeded generator (cheaper than hashing).
            let hash = format!(
                "{:016x}{:016x}{:08x}",
                rng.random::<u64>(),
                rng.random::<u64>(),
                rng.random::<u32>()
            );
            PhotoSeed {
                title,
                taken_at: format!(
                    "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
                ),
                path: format!("{year:04}/{month:02}"),
                name: format!("IMG_{:04}", i + 1),
                hash,
                size: rng.random_range(50_000..5_000_000),
                favorite: rng.random_bool(0.1),
                private: rng.random_bool(0.05),
                labels,
                keywords: if rng.random_bool(0.2) {
                    "holiday".to_owned()
                } else {
                    String::new()
                },
                extra_files: if i % 25 == 24 {
                    vec!["cr2".to_owned()]
                } else {
                    Vec::new()
                },
                camera_make: make.to_owned(),
                camera_model: model.to_owned(),
                ..PhotoSeed::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_are_deterministic() {
        assert_eq!(synthetic_library(50, 3), synthetic_library(50, 3));
        assert_ne!(synthetic_library(5, 3), synthetic_library(5, 4));
    }
}
