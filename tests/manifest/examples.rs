//! Every example manifest parses, and means what it says.

use prysm::manifest::{self, AlbumState, Membership, SelectorKind};

use crate::crate_path;

#[test]
fn contract_example_parses() {
    let text =
        std::fs::read_to_string(crate_path("tests/manifest/valid/contract-example.yaml")).unwrap();
    let m = match manifest::parse_str("contract-example.yaml", &text) {
        Ok(m) => m,
        Err(err) => panic!("{}", manifest::render_problems(&err, false)),
    };
    assert_eq!(m.version, 1);
    assert!(!m.settings.prune);
    assert_eq!(m.settings.max_destroy, Some(10));
    assert_eq!(
        m.settings.max_destroy_loc.as_ref().unwrap().display(),
        "contract-example.yaml:7:16"
    );
    let keys: Vec<&str> = m.albums.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["old-trip", "summer-2024"]);

    let old = &m.albums[0];
    assert_eq!(old.state, AlbumState::Absent);
    assert_eq!(old.uid.as_deref(), Some("aq0000000000000a"));
    assert_eq!(old.title, None);

    let summer = &m.albums[1];
    assert_eq!(summer.loc.display(), "contract-example.yaml:11:3");
    assert_eq!(summer.title.as_deref(), Some("Summer 2024"));
    assert_eq!(
        summer.description.as_deref(),
        Some("Two weeks in Portugal.\n")
    );
    assert_eq!(summer.country.as_deref(), Some("pt"));
    assert_eq!(summer.order.as_deref(), Some("oldest"));
    assert_eq!(summer.favorite, Some(true));
    assert_eq!(summer.private, Some(false));
    assert_eq!(summer.membership, Membership::Exact);
    let photos = summer.photos.as_ref().unwrap();
    let kinds: Vec<(&str, &str)> = photos
        .iter()
        .map(|s| (s.kind.key(), s.kind.value()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("uid", "pqz4n1k2m3b5v6c7"),
            ("hash", "3cb5a8e1f0c9d4b7a6e5f4c3b2a1908f7e6d5c4b"),
            ("path", "2024/07/IMG_0001.jpg"),
            ("query", "year:2024 month:7 label:beach"),
        ]
    );
    assert_eq!(photos[2].loc.display(), "contract-example.yaml:33:9");
    assert_eq!(summer.field_locs["title"].snippet(), "Summer 2024");

    assert_eq!(m.photos.len(), 2);
    let rule = &m.photos[0];
    assert_eq!(rule.index, 0);
    assert_eq!(
        rule.selectors[0].kind,
        SelectorKind::Hash("3cb5a8e1f0c9d4b7a6e5f4c3b2a1908f7e6d5c4b".into())
    );
    assert_eq!(rule.title.as_deref(), Some("Sunset at Cabo"));
    assert_eq!(rule.archived, Some(false));
    assert_eq!(rule.taken_at.as_deref(), Some("2024-07-12T19:44:00Z"));
    assert_eq!(rule.time_zone.as_deref(), Some("Europe/Lisbon"));
    assert_eq!(rule.lat, Some(38.78));
    assert_eq!(rule.lng, Some(-9.5));
    assert_eq!(rule.altitude, Some(20));
    assert_eq!(
        rule.keywords.as_deref(),
        Some(&["beach".to_string(), "sunset".to_string()][..])
    );
    assert_eq!(rule.license.as_deref(), Some("CC BY 4.0"));
    assert_eq!(m.photos[1].index, 1);
    assert_eq!(m.photos[1].favorite, Some(true));
    assert_eq!(m.photos[1].loc.display(), "contract-example.yaml:62:5");
}

#[test]
fn example_directory_parses() {
    let dir = crate_path("examples/manifests");
    let m = match manifest::load(&[dir]) {
        Ok(m) => m,
        Err(err) => panic!("{}", manifest::render_problems(&err, false)),
    };
    let names: Vec<String> = m
        .files
        .iter()
        .map(|f| f.name.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "00-settings.yaml",
            "favorites.yaml",
            "photos.yaml",
            "trips.yaml"
        ]
    );
    assert_eq!(m.settings.max_destroy, Some(2));
    let keys: Vec<&str> = m.albums.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        keys,
        ["berlin-christmas-2023", "cats", "portugal-2024", "scratch"]
    );
    assert_eq!(m.albums[0].membership, Membership::Additive);
    assert_eq!(m.albums[3].state, AlbumState::Absent);
    // favorites.yaml comes before photos.yaml: rule order follows file order.
    assert_eq!(
        m.photos[0].selectors[0].kind,
        SelectorKind::Query("label:cat".into())
    );
    assert_eq!(m.photos.len(), 5);
    assert!(m.photos.iter().enumerate().all(|(i, r)| r.index == i));
    let tram = &m.photos[2];
    assert!(
        tram.caption
            .as_deref()
            .unwrap()
            .starts_with("The yellow tram")
    );
    assert!(tram.field_locs.contains_key("caption"));
}

#[test]
fn each_example_file_parses_alone() {
    for entry in std::fs::read_dir(crate_path("examples/manifests")).unwrap() {
        let path = entry.unwrap().path();
        if let Err(err) = manifest::load(std::slice::from_ref(&path)) {
            panic!(
                "{}: {}",
                path.display(),
                manifest::render_problems(&err, false)
            );
        }
    }
}

#[test]
fn manifest_md_example_is_accepted_as_written() {
    let text =
        std::fs::read_to_string(crate_path("tests/manifest/valid/contract-literal.yaml")).unwrap();
    let m = match manifest::parse_str("contract-literal.yaml", &text) {
        Ok(m) => m,
        Err(err) => panic!("{}", manifest::render_problems(&err, false)),
    };
    assert_eq!(m.albums.len(), 2);
    assert_eq!(m.photos.len(), 2);
    // The placeholder hashes are kept, and reported as warnings.
    assert_eq!(m.warnings.len(), 2);
    assert!(
        m.warnings
            .iter()
            .all(|w| w.code() == "prysm::manifest::abbreviated_hash" && w.is_warning())
    );
}
