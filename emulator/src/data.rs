//! Recorded client-config and user objects, patched with the emulator's values.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::model::Photo;
use crate::options::ApiGeneration;
use crate::render::ts;
use crate::store::Store;

fn template(generation: ApiGeneration, config: bool) -> &'static Value {
    static TEMPLATES: OnceLock<[Value; 4]> = OnceLock::new();
    let all = TEMPLATES.get_or_init(|| {
        let parse = |s: &str| serde_json::from_str(s).unwrap_or(Value::Null);
        [
            parse(include_str!("data/config-v2024.json")),
            parse(include_str!("data/config-v2025.json")),
            parse(include_str!("data/user-v2024.json")),
            parse(include_str!("data/user-v2025.json")),
        ]
    });
    let index = match (config, generation) {
        (true, ApiGeneration::V2024) => 0,
        (true, ApiGeneration::V2025) => 1,
        (false, ApiGeneration::V2024) => 2,
        (false, ApiGeneration::V2025) => 3,
    };
    &all[index]
}

/// The client config (`config` of the session answer, `GET /api/v1/config`).
pub(crate) fn client_config(store: &Store, url: &str) -> Value {
    let mut c = template(store.generation, true).clone();
    c["version"] = json!(store.generation.version());
    c["downloadToken"] = json!(store.user.download_token);
    c["previewToken"] = json!(store.user.preview_token);
    c["siteUrl"] = json!(format!("{url}/"));
    c["siteDomain"] = json!("127.0.0.1");
    let photos: Vec<&Photo> = store.photos.values().map(|p| &**p).collect();
    let live = photos.iter().filter(|p| !p.archived());
    let albums = |kind: &str| {
        store
            .albums
            .values()
            .filter(|a| a.kind == kind && a.deleted_at.is_none())
            .count()
    };
    if let Some(count) = c.get_mut("count").and_then(Value::as_object_mut) {
        count.insert("all".into(), json!(live.clone().count()));
        count.insert(
            "photos".into(),
            json!(live.clone().filter(|p| p.kind == "image").count()),
        );
        count.insert(
            "archived".into(),
            json!(photos.iter().filter(|p| p.archived()).count()),
        );
        count.insert(
            "favorites".into(),
            json!(live.clone().filter(|p| p.favorite).count()),
        );
        count.insert(
            "private".into(),
            json!(live.clone().filter(|p| p.private).count()),
        );
        count.insert(
            "review".into(),
            json!(live.clone().filter(|p| p.quality < 3).count()),
        );
        count.insert(
            "files".into(),
            json!(photos.iter().map(|p| p.files.len()).sum::<usize>()),
        );
        count.insert("albums".into(), json!(albums("album")));
        count.insert("folders".into(), json!(albums("folder")));
        count.insert("months".into(), json!(albums("month")));
        count.insert("moments".into(), json!(albums("moment")));
        count.insert("states".into(), json!(albums("state")));
        count.insert("labels".into(), json!(store.labels.len()));
    }
    c
}

/// The admin user object.
pub(crate) fn user(store: &Store) -> Value {
    let mut u = template(store.generation, false).clone();
    let created = ts(store.user.created_at);
    u["UID"] = json!(store.user.uid);
    u["Name"] = json!(store.user.name);
    u["LoginAt"] = json!(ts(store.now()));
    u["CreatedAt"] = json!(created);
    u["UpdatedAt"] = json!(created);
    for part in ["Details", "Settings"] {
        if let Some(obj) = u.get_mut(part).and_then(Value::as_object_mut) {
            obj.insert("CreatedAt".into(), json!(created));
            obj.insert("UpdatedAt".into(), json!(created));
        }
    }
    u
}
