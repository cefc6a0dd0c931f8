//! API-SSL: custom CA accepted, wrong CA rejected, pinned certificate accepted, wrong
//! pin rejected, insecure accepted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use saring_routeros::tls::cert_sha256;
use saring_routeros::{Api, ConnectOptions, Connection, Error, TlsOptions};

struct Pki {
    ca_pem: String,
    leaf_pem: String,
    leaf_der: Vec<u8>,
    leaf_key_pem: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca_params, &ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        leaf_pem: leaf.pem(),
        leaf_der: leaf.der().to_vec(),
        leaf_key_pem: leaf_key.serialize_pem(),
    }
}

async fn tls_options(tls: TlsOptions) -> (saring_routeros::sim::SimHandle, ConnectOptions, Pki) {
    let pki = pki();
    let sim = start(builder().hosts(2)).await;
    let addr = sim
        .listen_tls(
            "127.0.0.1:0",
            pki.leaf_pem.as_bytes(),
            pki.leaf_key_pem.as_bytes(),
        )
        .await
        .unwrap();
    let options = ConnectOptions::for_addr(addr, USER, PASSWORD).tls(tls);
    (sim, options, pki)
}

#[tokio::test]
async fn custom_ca_accepted_wrong_ca_rejected() {
    let (_sim, options, pki) = tls_options(TlsOptions::insecure()).await;
    let addr = std::net::SocketAddr::new(options.host.parse().unwrap(), options.port.unwrap());

    let good =
        ConnectOptions::for_addr(addr, USER, PASSWORD).tls(TlsOptions::ca_pem(pki.ca_pem.clone()));
    let conn = Connection::connect(&good).await.unwrap();
    assert_eq!(conn.hotspot_hosts().await.unwrap().len(), 2);

    // Verifying the DNS name instead of the IP works too.
    let mut by_name = TlsOptions::ca_pem(pki.ca_pem.clone());
    by_name.server_name = Some("localhost".into());
    Connection::connect(&ConnectOptions::for_addr(addr, USER, PASSWORD).tls(by_name))
        .await
        .unwrap();

    let other = pki_other_ca();
    let bad = ConnectOptions::for_addr(addr, USER, PASSWORD).tls(TlsOptions::ca_pem(other));
    let err = Connection::connect(&bad).await.unwrap_err();
    assert!(matches!(err, Error::Tls(_)), "{err:?}");
    assert!(!err.is_transient());
}

fn pki_other_ca() -> String {
    pki().ca_pem
}

#[tokio::test]
async fn pinned_certificate() {
    let (_sim, options, pki) = tls_options(TlsOptions::insecure()).await;
    let pinned = options
        .clone()
        .tls(TlsOptions::pinned(cert_sha256(&pki.leaf_der)));
    let conn = Connection::connect(&pinned).await.unwrap();
    assert!(conn.ping().await.is_ok());

    let wrong = options.tls(TlsOptions::pinned([7; 32]));
    assert!(matches!(
        Connection::connect(&wrong).await,
        Err(Error::Tls(_))
    ));
}

#[tokio::test]
async fn insecure_accepts_any_certificate() {
    let (_sim, options, _pki) = tls_options(TlsOptions::insecure()).await;
    let conn = Connection::connect(&options).await.unwrap();
    assert_eq!(conn.identity().await.unwrap(), "saring-sim");
}

#[tokio::test]
async fn plain_client_against_tls_port_fails_cleanly() {
    let (_sim, mut options, _pki) = tls_options(TlsOptions::insecure()).await;
    options.tls = None;
    options.connect_timeout = std::time::Duration::from_secs(2);
    let err = Connection::connect(&options).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}
