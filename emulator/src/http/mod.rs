//! The HTTP server: routing, the per-request gate (counting, latency, faults) and connections.

// Handlers return `Result<Response, Response>`, axum's usual rejection style: the error side
// is a ready answer, and boxing it would only add conversions at every `?`.
#![allow(clippy::result_large_err)]

mod albums;
mod auth;
mod batch;
mod control;
mod download;
mod labels;
mod links;
mod multipart;
mod photos;
pub(crate) mod respond;
mod session;
mod thumbs;
mod upload;

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::serve::{IncomingStream, Listener};
use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::faults::{Fault, Faults};
use crate::options::ApiGeneration;
use crate::store::Store;

/// State shared by the server task and every [`crate::Emulator`] handle.
pub(crate) struct Shared {
    pub generation: ApiGeneration,
    pub store: StoreLock,
    pub faults: Mutex<Faults>,
    pub url: String,
    /// PhotoPrism's `mutex.BatchEdit`: one batch edit that changes values at a time.
    pub batch_edit_lock: tokio::sync::Mutex<()>,
    /// How long a batch edit holds that lock per selected photo.
    pub batch_edit_per_photo: std::time::Duration,
}

/// The store behind a readers-writer lock: searches read it side by side, everything else
/// takes it alone (`lock`, the name the handlers have always used).
pub(crate) struct StoreLock(parking_lot::RwLock<Store>);

impl StoreLock {
    /// Wraps a store.
    pub fn new(store: Store) -> Self {
        StoreLock(parking_lot::RwLock::new(store))
    }

    /// Exclusive access.
    pub fn lock(&self) -> parking_lot::RwLockWriteGuard<'_, Store> {
        self.0.write()
    }

    /// Shared access, for handlers that only read.
    pub fn read(&self) -> parking_lot::RwLockReadGuard<'_, Store> {
        self.0.read()
    }
}

/// Lets a handler close its connection without answering.
#[derive(Clone)]
pub(crate) struct KillSwitch(Arc<AtomicBool>);

impl std::fmt::Debug for KillSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KillSwitch")
    }
}

impl KillSwitch {
    fn kill(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for KillSwitch {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails all I/O once its kill switch is set.
pub(crate) struct KillableStream {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections carry a [`KillSwitch`].
pub(crate) struct KillableListener {
    inner: TcpListener,
}

impl KillableListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener) -> Self {
        KillableListener { inner }
    }
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = KillSwitch;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let killed = Arc::new(AtomicBool::new(false));
                    let switch = KillSwitch(killed.clone());
                    return (
                        KillableStream {
                            inner: stream,
                            killed,
                        },
                        switch,
                    );
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()?;
        Ok(KillSwitch(Arc::new(AtomicBool::new(false))))
    }
}

/// `"METHOD /api/v1/albums/:uid"` for a request (the raw path for unknown routes).
fn route_key(req: &Request) -> String {
    let path = match req.extensions().get::<MatchedPath>() {
        Some(m) => m
            .as_str()
            .replace("{*", "*")
            .replace('{', ":")
            .replace('}', ""),
        None => req.uri().path().to_owned(),
    };
    format!("{} {path}", req.method())
}

fn fault_message(status: u16) -> &'static str {
    match status {
        400 => respond::msg::UNABLE,
        401 => respond::msg::LOGIN,
        403 => respond::msg::DENIED,
        404 => "Not found",
        _ => respond::msg::WRONG,
    }
}

/// Counts every request, applies latency and injected faults, and sets common headers.
async fn gate(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let route = route_key(&req);
    let (fault, latency) = {
        let mut faults = shared.faults.lock();
        (faults.on_request(&route), faults.latency())
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let switch = req
        .extensions()
        .get::<ConnectInfo<KillSwitch>>()
        .map(|ConnectInfo(switch)| switch.clone());
    let drop_connection = || {
        if let Some(switch) = &switch {
            switch.kill();
        }
        respond::empty(500)
    };
    let mut res = match fault {
        Some(Fault::Drop) => return drop_connection(),
        Some(Fault::Fail(status)) => {
            respond::error(shared.generation, status, fault_message(status))
        }
        Some(Fault::RateLimit(secs)) => respond::rate_limited(Some(secs)),
        // The handler acts (its changes stay); the client never sees its answer.
        Some(Fault::FailAfter(status)) => {
            let _acted = next.run(req).await;
            respond::error(shared.generation, status, fault_message(status))
        }
        Some(Fault::DropAfter) => {
            let _acted = next.run(req).await;
            return drop_connection();
        }
        None => {
            let started = std::time::Instant::now();
            let res = next.run(req).await;
            shared.faults.lock().add_busy(&route, started.elapsed());
            res
        }
    };
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("X-Frame-Options", HeaderValue::from_static("DENY"));
    headers.insert(
        "X-Robots-Tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    res
}

async fn not_found() -> Response {
    respond::not_found()
}

async fn health() -> &'static str {
    "OK"
}

/// All routes of the emulated API.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/api/v1/status", get(session::status))
        .route("/api/v1/config", get(session::config))
        .route(
            "/api/v1/session",
            post(session::login)
                .get(session::get)
                .delete(session::logout),
        )
        .route("/api/v1/sessions", post(session::login))
        .route(
            "/api/v1/session/{id}",
            get(session::get_by_id).delete(session::logout_by_id),
        )
        .route(
            "/api/v1/sessions/{id}",
            get(session::get_by_id).delete(session::logout_by_id),
        )
        .route("/api/v1/oauth/token", post(session::oauth_token))
        .route("/api/v1/oauth/revoke", post(session::oauth_revoke))
        .route("/api/v1/albums", get(albums::search).post(albums::create))
        .route(
            "/api/v1/albums/{uid}",
            get(albums::get).put(albums::update).delete(albums::delete),
        )
        .route(
            "/api/v1/albums/{uid}/like",
            post(albums::like).delete(albums::unlike),
        )
        .route("/api/v1/albums/{uid}/clone", post(albums::clone))
        .route(
            "/api/v1/albums/{uid}/photos",
            post(albums::add_photos).delete(albums::remove_photos),
        )
        .route("/api/v1/batch/albums/delete", post(batch::delete_albums))
        .route("/api/v1/batch/labels/delete", post(labels::delete_many))
        .route("/api/v1/photos", get(photos::search))
        .route("/api/v1/photos/{uid}", get(photos::get).put(photos::update))
        .route(
            "/api/v1/photos/{uid}/like",
            post(photos::like).delete(photos::unlike),
        )
        .route("/api/v1/photos/{uid}/approve", post(photos::approve))
        .route("/api/v1/photos/{uid}/label", post(labels::add))
        .route(
            "/api/v1/photos/{uid}/label/{id}",
            axum::routing::put(labels::update).delete(labels::remove),
        )
        .route(
            "/api/v1/photos/{uid}/files/{file_uid}/primary",
            post(download::set_primary),
        )
        .route("/api/v1/dl/{hash}", get(download::download))
        .route(
            "/api/v1/albums/{uid}/links",
            get(links::list).post(links::create),
        )
        .route(
            "/api/v1/albums/{uid}/links/{link}",
            axum::routing::put(links::update).delete(links::delete),
        )
        .route("/api/v1/batch/photos/approve", post(batch::approve))
        .route("/api/v1/batch/photos/private", post(batch::private))
        .route("/api/v1/batch/photos/archive", post(batch::archive))
        .route("/api/v1/batch/photos/restore", post(batch::restore))
        .route("/api/v1/batch/photos/delete", post(batch::delete))
        .route(
            "/api/v1/batch/photos/edit",
            post(batch::edit).put(batch::edit),
        )
        .route("/api/v1/files/{hash}", get(photos::file_by_hash))
        .route("/api/v1/t/{hash}/{token}/{size}", get(thumbs::thumb))
        .route(
            "/api/v1/users/{uid}/upload/{token}",
            post(upload::upload).put(upload::process),
        )
        .route(
            "/api/v1/import",
            post(upload::import_redirect).delete(upload::import_cancel),
        )
        .route("/api/v1/import/", post(upload::import))
        .route("/api/v1/import/{*path}", post(upload::import))
        .route(
            "/api/v1/index",
            post(upload::index).delete(upload::index_cancel),
        )
        .route("/health", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found);
    // Emulator controls (not PhotoPrism routes): outside the gate, so they are never
    // counted, delayed or faulted.
    let control = Router::new()
        .route(
            "/_emulator/requests",
            get(control::requests).delete(control::reset_requests),
        )
        .route("/_emulator/latency", axum::routing::put(control::latency));
    control
        .merge(api.layer(middleware::from_fn_with_state(shared.clone(), gate)))
        .with_state(shared)
}
