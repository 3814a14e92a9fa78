//! Emulator controls for benchmarks and tools that run the emulator in another process:
//! request counters per route (with the time spent handling them) and the added latency.
//! These are not PhotoPrism routes; they live under `/_emulator/` and are never counted.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, json};

use super::Shared;
use super::respond;

/// `GET /_emulator/requests`: `{"total": N, "routes": {route: {"count": n, "busy_ms": t}}}`.
pub(crate) async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    let faults = shared.faults.lock();
    let busy = faults.busy();
    let mut routes = Map::new();
    for (route, count) in faults.counts() {
        let spent = busy.get(&route).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        routes.insert(route, json!({"count": count, "busy_ms": spent}));
    }
    respond::ok(&json!({"total": faults.total(), "routes": routes}))
}

/// `DELETE /_emulator/requests`: resets the counters.
pub(crate) async fn reset_requests(State(shared): State<Arc<Shared>>) -> Response {
    shared.faults.lock().reset_counts();
    respond::ok(&json!({"total": 0}))
}

/// Query of `PUT /_emulator/latency?ms=N`.
#[derive(Deserialize)]
pub(crate) struct LatencyQuery {
    ms: u64,
}

/// `PUT /_emulator/latency?ms=N`: delays every API answer by N milliseconds.
pub(crate) async fn latency(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<LatencyQuery>,
) -> Response {
    shared
        .faults
        .lock()
        .set_latency(std::time::Duration::from_millis(query.ms));
    respond::ok(&json!({"latency_ms": query.ms}))
}
