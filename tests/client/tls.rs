//! TLS for home servers: a self-signed certificate (made with `rcgen`) on a TLS proxy in front
//! of the emulator. It works when the certificate is trusted through `ca_certs`, is refused with
//! [`Error::Certificate`] (whose help names `--ca-cert`) when not, and `accept_invalid_certs`
//! skips the check.

use std::time::Duration;

use prysm::photoprism::{Client, ClientOptions, Credentials, Error, RetryPolicy, ServerUrl};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

use crate::tls_proxy::{TlsProxy, backend};

fn options(ca_certs: Vec<Vec<u8>>, insecure: bool) -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(20),
        retry: RetryPolicy::none(),
        ca_certs,
        accept_invalid_certs: insecure,
        ..ClientOptions::default()
    }
}

async fn login(proxy: &TlsProxy, options: ClientOptions) -> Result<Client, Error> {
    Client::connect(
        ServerUrl::parse(&proxy.url).expect("url"),
        options,
        &Credentials::password("admin", "photoprism"),
    )
    .await
}

#[tokio::test]
async fn a_self_signed_server_works_once_its_certificate_is_trusted() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emulator = Emulator::start(EmulatorOptions::for_generation(generation))
            .await
            .expect("emulator");
        let proxy = TlsProxy::start(backend(&emulator)).await;

        // Not trusted: refused, and the help names the option.
        let error = login(&proxy, options(Vec::new(), false)).await.unwrap_err();
        assert!(matches!(error, Error::Certificate { .. }), "{error:?}");
        assert!(
            error.to_string().contains("POST /api/v1/session"),
            "{error}"
        );
        let help = miette::Diagnostic::help(&error)
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(help.contains("--ca-cert FILE"), "{help}");
        assert!(!error.to_string().contains("photoprism\""), "{error}");

        // Trusted: the whole session works over TLS.
        let client = login(
            &proxy,
            options(vec![proxy.cert_pem.clone().into_bytes()], false),
        )
        .await
        .expect("login with --ca-cert");
        client.status().await.expect("status");
        client.logout().await.expect("logout");

        // Another self-signed certificate does not help.
        let other = TlsProxy::start(backend(&emulator)).await;
        let error = login(
            &proxy,
            options(vec![other.cert_pem.clone().into_bytes()], false),
        )
        .await
        .unwrap_err();
        assert!(matches!(error, Error::Certificate { .. }), "{error:?}");

        // --insecure: no check at all.
        let client = login(&proxy, options(Vec::new(), true))
            .await
            .expect("insecure login");
        client.logout().await.expect("logout");
    }
}

#[test]
fn a_ca_file_without_certificates_is_refused() {
    for pem in [
        &b""[..],
        b"not a certificate",
        b"-----BEGIN CERTIFICATE-----\n!!\n",
    ] {
        let error = Client::new(
            ServerUrl::parse("https://photos.example.com").expect("url"),
            options(vec![pem.to_vec()], false),
        )
        .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { message } if message.contains("no PEM certificate")),
            "{error:?}"
        );
    }
}
