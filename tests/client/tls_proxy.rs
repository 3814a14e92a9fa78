//! A TLS terminator with a fresh self-signed certificate (made with `rcgen`) in front of the
//! emulator, for the `--ca-cert` tests of the client and of the binary.

use std::sync::Arc;

use prysm_emulator::Emulator;
use tokio::net::{TcpListener, TcpStream};

/// A TLS terminator on 127.0.0.1 forwarding to `backend` (host:port), with a fresh self-signed
/// certificate for `localhost` and `127.0.0.1`.
pub struct TlsProxy {
    /// `https://127.0.0.1:<port>`.
    pub url: String,
    /// The certificate in PEM (what a user passes to `--ca-cert`).
    pub cert_pem: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TlsProxy {
    /// Starts the proxy.
    pub async fn start(backend: String) -> TlsProxy {
        let certified = rcgen::generate_simple_self_signed(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
        ])
        .expect("certificate");
        let cert_pem = certified.cert.pem();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()),
        );
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("https://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let backend = backend.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake: nothing to do.
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let Ok(mut upstream) = TcpStream::connect(&backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                });
            }
        });
        TlsProxy {
            url,
            cert_pem,
            task,
        }
    }
}

/// The emulator's `host:port`.
pub fn backend(emulator: &Emulator) -> String {
    emulator
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}
