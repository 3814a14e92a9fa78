//! The small photo library that the example manifests in `examples/manifests/`
//! are written against. Shared by the quickstart example, the benchmarks and
//! the tests (`#[path]`-included), so all of them show the same thing.

use prysm_emulator::{AlbumSeed, Emulator, PhotoSeed};

/// One example photo: uid, SHA-1, folder, file name, title, taken at, labels.
type ExamplePhoto = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// The photos the example manifests select.
pub const PHOTOS: &[ExamplePhoto] = &[
    (
        "psj4uo0k9p34y6n3",
        "b41543921a76705b281601cedcfd34e8c42b6131",
        "2024/07",
        "IMG_0001.jpg",
        "Sunset at Cabo da Roca",
        "2024-07-12T19:44:00Z",
        &["beach", "sunset"],
    ),
    (
        "psj4uo0wd25rq4f5",
        "a091e6899c98cfc17955953c8e2805f28abc7dcb",
        "2024/07",
        "IMG_0002.jpg",
        "Tram 28 in Alfama",
        "2024-07-13T10:15:00Z",
        &["tram", "city"],
    ),
    (
        "psj4uo0zr37e3p3e",
        "9e264c3cae51845175775908c051524c232cc189",
        "2024/07",
        "IMG_0003.jpg",
        "Pastéis de nata",
        "2024-07-14T09:02:00Z",
        &["food"],
    ),
    (
        "psj4uo02z8iq9y7j",
        "3e97a7f0e547db0859bcd36bb19fa0da18220c0c",
        "2024/07",
        "IMG_0004.jpg",
        "Praia da Marinha",
        "2024-07-18T16:30:00Z",
        &["beach"],
    ),
    (
        "psj4uo0zb6cn6z43",
        "f7c63c7922055edc4743e5fc2baa3a4fa0bd46c7",
        "2023/12",
        "IMG_0101.jpg",
        "Christmas market",
        "2023-12-16T17:20:00Z",
        &["market", "night"],
    ),
    (
        "psj4uo0dvyrkttnj",
        "16b07bc6ef541d13f065414a69a86d3af2828cc7",
        "2023/12",
        "IMG_0102.jpg",
        "Mulled wine",
        "2023-12-16T17:45:00Z",
        &["drink"],
    ),
    (
        "psj4uo0fbf5jxvls",
        "6c28b1095c7d7ce49f437934532bb4841f925dae",
        "2024/03",
        "IMG_0200.jpg",
        "Mochi the cat",
        "2024-03-02T08:10:00Z",
        &["cat"],
    ),
    (
        "psj4uo0i47wqal9v",
        "970ea24e7835ef4c08caac64b106faa36256681d",
        "2024/05",
        "IMG_0201.jpg",
        "Mochi asleep",
        "2024-05-21T22:05:00Z",
        &["cat"],
    ),
    (
        "psj4uo0q24zklmvt",
        "50108c8244090f3f7269d77183543de363c28af9",
        "2024/05",
        "SCREENSHOT_0300.png",
        "Screenshot",
        "2024-05-22T12:00:00Z",
        &["document"],
    ),
];

/// Seeds the example library: the photos above and two existing albums,
/// "Berlin 2023" (pinned by uid in trips.yaml) and "Scratch" (to be deleted).
pub fn seed_example_library(emulator: &Emulator) {
    let seeds = PHOTOS
        .iter()
        .map(
            |(uid, hash, path, file_name, title, taken_at, labels)| PhotoSeed {
                uid: (*uid).to_string(),
                hash: (*hash).to_string(),
                path: (*path).to_string(),
                file_name: (*file_name).to_string(),
                title: (*title).to_string(),
                taken_at: (*taken_at).to_string(),
                labels: labels.iter().map(|label| (*label).to_string()).collect(),
                ..PhotoSeed::default()
            },
        )
        .collect();
    emulator.seed_photos(seeds);
    emulator.seed_album(AlbumSeed {
        uid: "as6s6c045hu43jsi".to_string(),
        title: "Berlin 2023".to_string(),
        photos: vec!["psj4uo0zb6cn6z43".to_string()],
        ..AlbumSeed::default()
    });
    emulator.seed_album(AlbumSeed {
        uid: "as8muc0om1tma7v3".to_string(),
        title: "Scratch".to_string(),
        photos: vec!["psj4uo0q24zklmvt".to_string()],
        ..AlbumSeed::default()
    });
}
