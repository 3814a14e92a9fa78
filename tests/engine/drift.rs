//! Drift attribution: every change is labelled manifest, server or both, measured
//! against the last apply's manifest.

use prysm::drift::{baseline_plan, label};
use prysm::photoprism::{AlbumUpdate, Client, PhotoUpdate};
use prysm::plan::{Cause, Plan, SavedSource};
use prysm::planner::{PlanOptions, make_plan};
use prysm::render::{MarkdownOptions, TextOptions, render_json, render_markdown, render_text};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};

const P1: &str = "psj4uo0drft00001";
const P2: &str = "psj4uo0drft00002";

const APPLIED: &str = r#"version: 1
albums:
  trip:
    title: "Lisboa 50% _off_ 2024"
    description: "first"
    photos:
      - uid: psj4uo0drft00001
photos:
  - match: { uid: psj4uo0drft00002 }
    title: "Tram 28 🚋"
"#;

async fn applied(generation: ApiGeneration) -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator");
    emulator.seed_photos(
        [P1, P2]
            .iter()
            .map(|uid| PhotoSeed {
                uid: uid.to_string(),
                title: "Початок".to_string(),
                taken_at: "2024-05-01T10:00:00Z".to_string(),
                ..PhotoSeed::default()
            })
            .collect(),
    );
    let client = crate::support::login(&emulator).await;
    let plan = plan_of(&client, APPLIED).await;
    let report = prysm::apply::apply(
        &client,
        &plan,
        &prysm::apply::ApplyOptions::default(),
        &prysm::apply::Silent,
    )
    .await;
    assert!(report.is_success(), "{}", report.render());
    (emulator, client)
}

async fn plan_of(client: &Client, text: &str) -> Plan {
    let manifest = prysm::manifest::parse_str("library.yaml", text).expect("manifest");
    make_plan(client, &manifest, &PlanOptions::default())
        .await
        .expect("plan")
        .plan
}

async fn labelled(client: &Client, text: &str) -> Plan {
    let mut plan = plan_of(client, text).await;
    let sources = vec![SavedSource {
        name: "library.yaml".to_string(),
        text: APPLIED.to_string(),
    }];
    let baseline = baseline_plan(client, &sources, 4).await.expect("baseline");
    label(&mut plan, &baseline.plan);
    plan
}

async fn edit_on_server(client: &Client) {
    let uid = client
        .all_albums(prysm::photoprism::AlbumQuery::default())
        .await
        .expect("albums")
        .into_iter()
        .find(|album| album.title == "Lisboa 50% _off_ 2024")
        .expect("the album")
        .uid;
    client
        .update_album(
            &uid,
            &AlbumUpdate {
                description: Some("edited in PhotoPrism".to_string()),
                ..AlbumUpdate::default()
            },
        )
        .await
        .expect("edit album");
    client
        .update_photo(
            P2,
            &PhotoUpdate {
                title: Some("retitled in PhotoPrism".to_string()),
                ..PhotoUpdate::default()
            },
        )
        .await
        .expect("edit photo");
    client
        .remove_photos_from_album(&uid, &[P1.to_string()])
        .await
        .expect("remove");
}

fn labels(plan: &Plan) -> Vec<String> {
    plan.actions
        .iter()
        .map(|action| format!("{} {:?}", action.address, action.cause))
        .collect()
}

async fn three_cases(generation: ApiGeneration) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();

    // The manifest changed, the server did not.
    let (emulator, client) = applied(generation).await;
    let changed = APPLIED
        .replace("description: \"first\"", "description: \"second «ü»\"")
        .replace("Tram 28 🚋", "Tram 28");
    let plan = labelled(&client, &changed).await;
    assert!(
        plan.actions
            .iter()
            .all(|a| a.cause == Some(Cause::Manifest))
    );
    out.push(("manifest changed".to_string(), labels(&plan)));
    emulator.shutdown().await;

    // Someone edited in PhotoPrism; the manifest is the one applied.
    let (emulator, client) = applied(generation).await;
    edit_on_server(&client).await;
    let plan = labelled(&client, APPLIED).await;
    assert!(plan.actions.iter().all(|a| a.cause == Some(Cause::Server)));
    out.push(("server changed".to_string(), labels(&plan)));
    let text = render_text(&plan, &TextOptions::default());
    assert!(text.contains("server: changed in PhotoPrism"), "{text}");
    emulator.shutdown().await;

    // Both: the manifest wants a new description, PhotoPrism has another one.
    let (emulator, client) = applied(generation).await;
    edit_on_server(&client).await;
    let plan = labelled(&client, &changed).await;
    out.push(("both changed".to_string(), labels(&plan)));
    let text = render_text(&plan, &TextOptions::default());
    assert!(
        text.contains("album.trip  CONFLICT: changed in the manifest AND on the server"),
        "{text}"
    );
    let markdown = render_markdown(&plan, &MarkdownOptions::default());
    assert!(markdown.contains("conflict"), "{markdown}");
    let json = render_json(&plan);
    assert!(json.contains("\"cause\": \"both\""), "{json}");
    emulator.shutdown().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_labels_in_the_three_cases() {
    let v2025 = three_cases(ApiGeneration::V2025).await;
    let v2024 = three_cases(ApiGeneration::V2024).await;
    assert_eq!(v2024, v2025, "both generations label alike");
    insta::assert_yaml_snapshot!(v2025);
}
