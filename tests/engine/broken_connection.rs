//! A connection that breaks in the middle of an apply: the action whose request was cut off
//! fails with a message naming the endpoint, the others complete, and the report says exactly
//! which actions were done (checked against the server); the next plan holds only what is left.

use prysm::apply::Status;

use crate::support::{GENERATIONS, env};

const MANIFEST: &str = r#"
version: 1
albums:
  rome:
    title: "Rome 2024 «Roma» 🏛"
  scratch:
    title: Scratch
    state: absent
  notes:
    title: "100% _notes"
"#;

#[tokio::test]
async fn a_connection_reset_mid_apply_is_reported_action_by_action() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let planned = env.plan(MANIFEST).await.expect("plan");
        assert_eq!(planned.plan.actions.len(), 3);
        // The delete's connection is closed without an answer: a delete is never repeated.
        env.emulator.drop_next("DELETE /api/v1/albums/:uid", 1);
        let report = prysm::apply::apply(
            &env.client,
            &planned.plan,
            &prysm::apply::ApplyOptions::default(),
            &prysm::apply::Silent,
        )
        .await;
        assert_eq!(report.results.len(), 3);
        let albums = env.emulator.albums();
        let exists = |title: &str| albums.iter().any(|a| a.title == title && !a.deleted);
        for result in &report.results {
            match &result.status {
                Status::Succeeded => {
                    assert!(result.description.starts_with("create album"), "{result:?}");
                }
                Status::Failed(message) => {
                    assert_eq!(result.description, "delete album \"Scratch\"");
                    assert!(
                        message.contains("DELETE /api/v1/albums/as8muc0om1tma7v3"),
                        "{message}"
                    );
                    assert!(message.contains("may or may not have"), "{message}");
                }
                other => panic!("{generation:?}: {other:?}"),
            }
        }
        assert!(
            exists("Rome 2024 «Roma» 🏛") && exists("100% _notes"),
            "{:?}",
            albums.iter().map(|a| &a.title).collect::<Vec<_>>()
        );
        assert!(exists("Scratch"), "the dropped delete did not act");
        // What is left is exactly the failed action.
        let again = env.plan(MANIFEST).await.expect("plan");
        assert_eq!(again.plan.actions.len(), 1, "{generation:?}");
    }
}
