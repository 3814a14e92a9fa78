//! Fuzzing the response models: arbitrary JSON, arbitrary bytes, and mutated real answers
//! (from the recorded fixtures) decode into every model as a value or an error, never a panic.

use proptest::prelude::*;
use prysm::photoprism::{
    Album, AlbumPhotosResponse, AlbumResult, AppPassword, BatchEditResponse, Label, Message, Photo,
    PhotoDetails, PhotoFile, PhotoLabel, PhotoResult, Session, SessionConfig, ShareLink, Subject,
    TextField, User,
};
use serde_json::Value;

/// Decodes `bytes` into every model; returns how many accepted it.
fn decode_all(bytes: &[u8]) -> usize {
    fn one<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> usize {
        usize::from(serde_json::from_slice::<T>(bytes).is_ok())
    }
    one::<Album>(bytes)
        + one::<AlbumPhotosResponse>(bytes)
        + one::<AlbumResult>(bytes)
        + one::<AppPassword>(bytes)
        + one::<BatchEditResponse>(bytes)
        + one::<Label>(bytes)
        + one::<Message>(bytes)
        + one::<Photo>(bytes)
        + one::<PhotoDetails>(bytes)
        + one::<PhotoFile>(bytes)
        + one::<PhotoLabel>(bytes)
        + one::<PhotoResult>(bytes)
        + one::<Session>(bytes)
        + one::<SessionConfig>(bytes)
        + one::<ShareLink>(bytes)
        + one::<Subject>(bytes)
        + one::<TextField>(bytes)
        + one::<User>(bytes)
        + one::<Vec<Photo>>(bytes)
        + one::<Vec<Album>>(bytes)
        + one::<Vec<Label>>(bytes)
}

/// Arbitrary JSON, with the field names the models read so that values reach their decoders.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("UID".to_owned()),
        Just("ID".to_owned()),
        Just("Title".to_owned()),
        Just("Caption".to_owned()),
        Just("Description".to_owned()),
        Just("TakenAt".to_owned()),
        Just("Files".to_owned()),
        Just("Labels".to_owned()),
        Just("Albums".to_owned()),
        Just("Favorite".to_owned()),
        Just("Lat".to_owned()),
        Just("Year".to_owned()),
        Just("access_token".to_owned()),
        Just("config".to_owned()),
        Just("user".to_owned()),
        Just("models".to_owned()),
        Just("values".to_owned()),
        "[A-Za-z_]{1,10}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(Value::String("2024-02-30T25:61:00Z".to_owned())),
        Just(Value::String("0001-01-01T00:00:00Z".to_owned())),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Real answers from the recorded fixtures.
fn recorded_answers() -> Vec<Value> {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/local-server-2026-06"
    );
    let mut answers = Vec::new();
    for entry in std::fs::read_dir(root).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read");
            if let Ok(fixture) = serde_json::from_str::<Value>(&text) {
                if let Some(body) = fixture.get("response_body") {
                    answers.push(body.clone());
                }
            }
        }
    }
    assert!(answers.len() > 5, "fixtures found: {}", answers.len());
    answers
}

/// Replaces the value at the `pick`-th node (depth-first) by `with`.
fn mutate(value: &mut Value, pick: &mut usize, with: &Value) -> bool {
    if *pick == 0 {
        *value = with.clone();
        return true;
    }
    *pick -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| mutate(v, pick, with)),
        Value::Object(map) => map.values_mut().any(|v| mutate(v, pick, with)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        let bytes = serde_json::to_vec(&value).expect("serialize");
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        // Whatever is not JSON is refused by every model.
        if serde_json::from_slice::<Value>(&bytes).is_err() {
            prop_assert_eq!(decode_all(&bytes), 0);
        }
    }

    #[test]
    fn mutated_real_answers_never_panic(
        which in any::<prop::sample::Index>(),
        picks in prop::collection::vec((0usize..400, json()), 1..4),
    ) {
        let answers = recorded_answers();
        let mut answer = answers[which.index(answers.len())].clone();
        for (pick, with) in &picks {
            let mut pick = *pick;
            mutate(&mut answer, &mut pick, with);
        }
        let bytes = serde_json::to_vec(&answer).expect("serialize");
        decode_all(&bytes);
        // Cut anywhere: truncated answers are errors too.
        for cut in [1, bytes.len() / 2, bytes.len().saturating_sub(1)] {
            decode_all(&bytes[..cut.min(bytes.len())]);
        }
    }
}

#[test]
fn real_answers_still_decode() {
    let accepted: usize = recorded_answers()
        .iter()
        .map(|answer| decode_all(&serde_json::to_vec(answer).expect("json")))
        .sum();
    assert!(accepted > 0);
}
