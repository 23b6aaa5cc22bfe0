//! TLS material for HTTPS control sockets and the client (rustls, ring provider, PEM files).

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use std::path::Path;
use std::sync::Arc;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads every certificate of a PEM file.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    let certs = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("bad PEM in '{}': {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate found in '{}'", path.display()));
    }
    Ok(certs)
}

/// Reads the first private key (PKCS#8, PKCS#1 or SEC1) of a PEM file.
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    rustls_pemfile::private_key(&mut data.as_slice())
        .map_err(|e| format!("bad PEM in '{}': {e}", path.display()))?
        .ok_or_else(|| {
            format!(
                "no private key found in '{}' (encrypted keys are not supported)",
                path.display()
            )
        })
}

/// Trust anchors from a CA file, or from every certificate file in a CA directory.
pub fn load_roots(path: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read directory '{}': {e}", path.display()))?;
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    for file in &files {
        // In a directory, files that are not certificates are skipped.
        match load_certs(file) {
            Ok(certs) => {
                for cert in certs {
                    roots
                        .add(cert)
                        .map_err(|e| format!("bad CA certificate in '{}': {e}", file.display()))?;
                }
            }
            Err(e) if !path.is_dir() => return Err(e),
            Err(_) => {}
        }
    }
    if roots.is_empty() {
        return Err(format!("no CA certificate found in '{}'", path.display()));
    }
    Ok(roots)
}

/// Server TLS config: our certificate, client certificates checked against the trust anchor,
/// required when `cert_required` (mutual TLS), optional otherwise.
pub fn server_config(
    trust_anchor: &Path,
    cert_file: &Path,
    key_file: &Path,
    cert_required: bool,
) -> Result<Arc<ServerConfig>, String> {
    let roots = Arc::new(load_roots(trust_anchor)?);
    let builder = WebPkiClientVerifier::builder_with_provider(roots, provider());
    let verifier = if cert_required {
        builder.build()
    } else {
        builder.allow_unauthenticated().build()
    }
    .map_err(|e| format!("cannot build the client certificate verifier: {e}"))?;
    let certs = load_certs(cert_file)?;
    let key = load_key(key_file)?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| format!("certificate and key do not match or are unusable: {e}"))?;
    Ok(Arc::new(config))
}

/// Client TLS config: server checked against `ca`; optional client certificate and key.
pub fn client_config(
    ca: &Path,
    cert_and_key: Option<(&Path, &Path)>,
) -> Result<Arc<ClientConfig>, String> {
    let roots = load_roots(ca)?;
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    let config = match cert_and_key {
        Some((cert, key)) => builder
            .with_client_auth_cert(load_certs(cert)?, load_key(key)?)
            .map_err(|e| format!("client certificate and key are unusable: {e}"))?,
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}
