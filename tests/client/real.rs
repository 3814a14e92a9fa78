//! The shared suite against a real PhotoPrism, when `PRYSM_TEST_URL`, `PRYSM_TEST_USERNAME` and
//! `PRYSM_TEST_PASSWORD` are set. It uploads its own images and creates its own albums (unique
//! prefix), and deletes them at the end.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;

use crate::harness::Harness;
use crate::suite;

#[tokio::test]
async fn real_server_suite() {
    let Some(h) = Harness::real().await else {
        eprintln!(
            "note: real-server client tests skipped; set PRYSM_TEST_URL, PRYSM_TEST_USERNAME and PRYSM_TEST_PASSWORD to run them"
        );
        return;
    };
    eprintln!(
        "real server {} ({:?}), prefix {}",
        h.server,
        h.client.server_info(),
        h.prefix
    );
    let run = async {
        suite::session_and_redaction(&h).await;
        suite::bad_credentials(&h).await;
        suite::album_lifecycle(&h).await;
        suite::album_failures(&h).await;
        suite::album_paging(&h).await;
        suite::membership(&h).await;
        suite::photo_search_and_paging(&h).await;
        suite::photo_lookups(&h).await;
        suite::photo_flags(&h).await;
        suite::photo_update(&h).await;
        suite::archive_restore_delete(&h).await;
        suite::batch_edit(&h).await;
        suite::upload_and_lookup_by_file(&h).await;
    };
    // Clean up even when a check fails, then report the failure.
    let outcome = AssertUnwindSafe(run).catch_unwind().await;
    h.cleanup().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
