//! The checked-in JSON Schema: current, and describing exactly the manifest format.

use prysm::manifest;
use serde_json::Value;

use crate::crate_path;

#[test]
fn checked_in_schema_is_current() {
    let path = crate_path("schemas/prysm.schema.json");
    let fresh = manifest::json_schema_string();
    if std::env::var_os("PRYSM_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "schemas/prysm.schema.json is stale; regenerate it with \
         `cargo run -- schema > schemas/prysm.schema.json` \
         (or `PRYSM_UPDATE_SCHEMA=1 cargo test --test manifest schema`)"
    );
}

fn def<'a>(schema: &'a Value, name: &str) -> &'a Value {
    &schema["$defs"][name]
}

fn property_names(schema: &Value) -> Vec<String> {
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[test]
fn schema_describes_the_format() {
    let schema = manifest::json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        property_names(&schema),
        ["albums", "photos", "settings", "version"]
    );
    assert_eq!(schema["required"], serde_json::json!(["version"]));
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["albums"]["type"], "object");

    let album = def(&schema, "AlbumEntry");
    assert_eq!(
        property_names(album),
        [
            "caption",
            "category",
            "country",
            "cover",
            "description",
            "except",
            "favorite",
            "links",
            "location",
            "manage_links",
            "membership",
            "notes",
            "order",
            "photos",
            "private",
            "state",
            "title",
            "uid"
        ]
    );
    assert_eq!(album["additionalProperties"], false);
    assert_eq!(album["properties"]["uid"]["pattern"], "^a[0-9a-z]{15}$");
    assert!(
        album["properties"]["order"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"oldest".into())
    );

    // `cover` is one selector naming one photo (no query); links never hold a password.
    let cover = def(&schema, "CoverSchema");
    let keys: Vec<String> = cover["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|one| one["required"].as_array().unwrap().clone())
        .map(|key| key.as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["uid", "hash", "path"]);
    let link = def(&schema, "LinkSpec");
    assert_eq!(
        property_names(link),
        ["expires", "max_views", "password", "slug"]
    );
    assert_eq!(link["additionalProperties"], false);
    let password = def(&schema, "PasswordSource");
    assert!(password.to_string().contains("\"file\"") && password.to_string().contains("\"env\""));

    let rule = def(&schema, "PhotoRule");
    assert!(property_names(rule).contains(&"description".to_string()));
    assert!(property_names(rule).contains(&"match".to_string()));
    assert!(property_names(rule).contains(&"except".to_string()));
    let selector = def(&schema, "SelectorKind").to_string();
    assert!(selector.contains("\"album\""), "{selector}");
    assert_eq!(rule["required"], serde_json::json!(["match"]));
    assert_eq!(rule["additionalProperties"], false);

    let text = manifest::json_schema_string();
    assert!(text.ends_with("}\n"));
    assert!(
        !text.contains("\"null\""),
        "optional fields are left out, never null"
    );
}
