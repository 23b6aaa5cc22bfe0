//! HTTP and HTTPS control sockets (hyper 1, HTTP/1.x).
//!
//! What a client sees, as with Kea 3.0's servers:
//! * `POST` with `Content-Type: application/json` and a JSON command → 200 and the answer wrapped
//!   in a JSON list (`[ { "result": 0, … } ]`), kept for Control Agent compatibility (ARM §19.9);
//! * errors of the HTTP layer → a bare map `{ "result": <status>, "text": "<reason>" }`:
//!   400 for a wrong method, content type or unparsable JSON, 401 with `WWW-Authenticate` when
//!   basic authentication fails, 408 when the body does not arrive within the timeout, 413 when
//!   it is larger than the limit;
//! * `http-headers` added to every response.
//!
//! Authentication is checked before the body is read (Kea reads and parses first), so an
//! unauthenticated client never gets its JSON parsed.

use crate::answer::Answer;
use crate::config::{HttpSocketConfig, check_user};
use crate::error::ControlError;
use crate::json::{parse_command_bytes, to_kea_string};
use crate::registry::CommandRegistry;
use crate::request::Transport;
use crate::server::ServerOptions;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request as HttpRequest, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Basic authentication ready to check: base64 secret → user id.
#[derive(Debug)]
struct BasicAuth {
    realm: String,
    credentials: HashMap<String, String>,
}

/// Everything an HTTP socket needs besides its address, loaded from files once per
/// (re)configuration.
#[derive(Debug)]
pub(crate) struct HttpSettings {
    tls: Option<Arc<rustls::ServerConfig>>,
    auth: Option<BasicAuth>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

/// Kea's `directory` + file rule: one '/' between them, even when `directory` is empty.
fn auth_file_path(directory: &str, file: &str) -> PathBuf {
    let mut path = directory.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    path.push_str(file.strip_prefix('/').unwrap_or(file));
    PathBuf::from(path)
}

fn read_secret_file(directory: &str, file: &str) -> Result<String, ControlError> {
    let path = auth_file_path(directory, file);
    let content = std::fs::read_to_string(&path)
        .map_err(|e| ControlError::io(format!("cannot read '{}'", path.display()), e))?;
    // A trailing newline written by editors is not part of the secret.
    let trimmed = content.strip_suffix('\n').unwrap_or(&content);
    Ok(trimmed.strip_suffix('\r').unwrap_or(trimmed).to_string())
}

impl HttpSettings {
    pub(crate) fn load(
        cfg: &HttpSocketConfig,
        options: &ServerOptions,
    ) -> Result<Self, ControlError> {
        let tls = match &cfg.tls {
            None => None,
            Some(files) => Some(
                crate::tls::server_config(
                    files.trust_anchor.as_ref(),
                    files.cert_file.as_ref(),
                    files.key_file.as_ref(),
                    files.cert_required,
                )
                .map_err(ControlError::Tls)?,
            ),
        };
        let auth = match &cfg.authentication {
            Some(a) if !a.clients.is_empty() => {
                let mut credentials = HashMap::new();
                for client in &a.clients {
                    let user = match (&client.user, &client.user_file) {
                        (Some(u), _) => Some(u.clone()),
                        (None, Some(f)) => Some(read_secret_file(&a.directory, f)?),
                        (None, None) => None,
                    };
                    let password = match (&client.password, &client.password_file) {
                        (Some(p), _) => p.clone(),
                        (None, Some(f)) => read_secret_file(&a.directory, f)?,
                        (None, None) => String::new(),
                    };
                    let secret = match user {
                        Some(user) => {
                            check_user(&user)?;
                            format!("{user}:{password}")
                        }
                        // password-file alone holds the whole "user:password" secret.
                        None => {
                            let Some((user, _)) = password.split_once(':') else {
                                return Err(ControlError::Config(
                                    "password-file without user must contain 'user:password'"
                                        .into(),
                                ));
                            };
                            check_user(user)?;
                            password.clone()
                        }
                    };
                    let user = secret.split(':').next().unwrap_or_default().to_string();
                    credentials.insert(
                        base64::engine::general_purpose::STANDARD.encode(secret.as_bytes()),
                        user,
                    );
                }
                Some(BasicAuth {
                    realm: a
                        .realm
                        .clone()
                        .unwrap_or_else(|| options.default_realm.clone()),
                    credentials,
                })
            }
            _ => None,
        };
        let mut headers = Vec::new();
        for (name, value) in &cfg.http_headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ControlError::Config(format!("invalid http header name '{name}'")))?;
            let v = HeaderValue::from_str(value).map_err(|_| {
                ControlError::Config(format!("invalid value of http header '{name}'"))
            })?;
            headers.push((n, v));
        }
        Ok(Self { tls, auth, headers })
    }
}

/// State shared by an HTTP listener and its connections.
struct Shared {
    registry: CommandRegistry,
    options: ServerOptions,
    settings: RwLock<Arc<HttpSettings>>,
}

impl Shared {
    fn settings(&self) -> Arc<HttpSettings> {
        match self.settings.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// An open HTTP(S) control socket; dropping it stops accepting, and open connections close
/// after their current request.
pub(crate) struct HttpListenerHandle {
    pub(crate) config: HttpSocketConfig,
    pub(crate) local_addr: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    accept_task: JoinHandle<()>,
}

impl Drop for HttpListenerHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.accept_task.abort();
        tracing::info!(
            "HTTP_COMMAND_MGR_SERVICE_STOPPING stopping HTTP control socket on {}",
            self.local_addr
        );
    }
}

impl HttpListenerHandle {
    /// Stops accepting and waits until the port is released; open connections finish their
    /// current request and close.
    pub(crate) async fn close(mut self) {
        self.cancel.cancel();
        let _ = (&mut self.accept_task).await;
    }

    pub(crate) async fn open(
        config: HttpSocketConfig,
        settings: Arc<HttpSettings>,
        registry: CommandRegistry,
        options: &ServerOptions,
    ) -> Result<Self, ControlError> {
        let addr = SocketAddr::new(config.address, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| ControlError::io(format!("cannot bind HTTP control socket {addr}"), e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| ControlError::io("cannot read local address", e))?;
        // With port 0 the system chose one: remember it so a reconfiguration naming it matches.
        let mut config = config;
        config.port = local_addr.port();
        let tls = config.tls.is_some();
        tracing::info!(
            "HTTP_COMMAND_MGR_SERVICE_STARTED started {} control socket on {local_addr}",
            if tls { "HTTPS" } else { "HTTP" }
        );
        let shared = Arc::new(Shared {
            registry,
            options: options.clone(),
            settings: RwLock::new(settings),
        });
        let cancel = CancellationToken::new();
        let accept_task = tokio::spawn(accept_loop(listener, shared.clone(), cancel.clone(), tls));
        Ok(Self {
            config,
            local_addr,
            shared,
            cancel,
            accept_task,
        })
    }

    /// New settings for the same endpoint (authentication, headers, TLS files).
    pub(crate) fn update(&mut self, config: HttpSocketConfig, settings: Arc<HttpSettings>) {
        self.config = config;
        match self.shared.settings.write() {
            Ok(mut s) => *s = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    tls: bool,
) {
    loop {
        let accepted = tokio::select! {
            _ = cancel.cancelled() => return,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, peer)) => {
                let shared = shared.clone();
                let cancel = cancel.clone();
                tokio::spawn(async move { serve_tcp(stream, peer, shared, cancel, tls).await });
            }
            Err(e) => {
                tracing::warn!("HTTP_CONNECTION_ACCEPT_FAILED failed to accept a connection: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

async fn serve_tcp(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    tls: bool,
) {
    let _ = stream.set_nodelay(true);
    let settings = shared.settings();
    if tls {
        let Some(config) = settings.tls.clone() else {
            // The listener was opened for TLS; settings always carry a TLS config then.
            return;
        };
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        match tokio::time::timeout(shared.options.timeout, acceptor.accept(stream)).await {
            Ok(Ok(tls_stream)) => {
                serve_io(
                    TokioIo::new(tls_stream),
                    peer,
                    shared,
                    cancel,
                    Transport::Https,
                )
                .await
            }
            Ok(Err(e)) => tracing::info!(
                "HTTP_CONNECTION_HANDSHAKE_FAILED TLS handshake with {peer} failed: {e}"
            ),
            Err(_) => tracing::info!(
                "HTTP_CONNECTION_HANDSHAKE_FAILED TLS handshake with {peer} timed out"
            ),
        }
    } else {
        serve_io(TokioIo::new(stream), peer, shared, cancel, Transport::Http).await;
    }
}

async fn serve_io<I>(
    io: I,
    peer: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    transport: Transport,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let timeout = shared.options.timeout;
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(handle_request(req, peer, &shared, transport).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        _ = cancel.cancelled() => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!("HTTP_CONNECTION_STOP connection with {peer} ended: {e}");
    }
}

/// Kea's stock HTTP error body: `{ "result": <code>, "text": "<reason>" }`.
fn stock_response(status: StatusCode, settings: &HttpSettings) -> Response<Full<Bytes>> {
    let body = Answer::new(
        i64::from(status.as_u16()),
        status.canonical_reason().unwrap_or("Error"),
    )
    .to_kea_string();
    json_response(status, body, settings)
}

fn json_response(
    status: StatusCode,
    body: String,
    settings: &HttpSettings,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in &settings.headers {
        headers.append(name.clone(), value.clone());
    }
    response
}

fn with_close(mut response: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Checks `Authorization: Basic …` like Kea: scheme case-insensitive, secret compared as sent.
fn authorized(req: &HttpRequest<Incoming>, auth: &BasicAuth) -> Option<String> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let scheme = value.get(..5)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let secret = value.get(5..)?.trim();
    auth.credentials.get(secret).cloned()
}

fn is_json_content_type(req: &HttpRequest<Incoming>) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

async fn handle_request(
    req: HttpRequest<Incoming>,
    peer: SocketAddr,
    shared: &Shared,
    transport: Transport,
) -> Response<Full<Bytes>> {
    let settings = shared.settings();
    if let Some(auth) = &settings.auth {
        match authorized(&req, auth) {
            Some(user) => {
                tracing::debug!("HTTP_CLIENT_REQUEST_AUTHORIZED user '{user}' from {peer}")
            }
            None => {
                tracing::info!(
                    "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED request from {peer} not authorized"
                );
                let mut response = stock_response(StatusCode::UNAUTHORIZED, &settings);
                let challenge = format!("Basic realm=\"{}\"", auth.realm);
                if let Ok(v) = HeaderValue::from_str(&challenge) {
                    response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
                return response;
            }
        }
    }
    if req.method() != Method::POST || !is_json_content_type(&req) {
        tracing::info!(
            "HTTP_BAD_CLIENT_REQUEST_RECEIVED {} request from {peer} without a JSON body",
            req.method()
        );
        return with_close(stock_response(StatusCode::BAD_REQUEST, &settings));
    }
    let max = shared.options.max_command_size;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return with_close(stock_response(StatusCode::PAYLOAD_TOO_LARGE, &settings));
    }
    // Like Kea, the timeout counts from the last data received.
    let mut body = req.into_body();
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match tokio::time::timeout(shared.options.timeout, body.frame()).await {
            Err(_) => {
                tracing::info!(
                    "HTTP_CLIENT_REQUEST_TIMEOUT_OCCURRED request from {peer} timed out"
                );
                return with_close(stock_response(StatusCode::REQUEST_TIMEOUT, &settings));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                tracing::info!("HTTP_BAD_CLIENT_REQUEST_RECEIVED body from {peer}: {e}");
                return with_close(stock_response(StatusCode::BAD_REQUEST, &settings));
            }
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if bytes.len() + data.len() > max {
                        return with_close(stock_response(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            &settings,
                        ));
                    }
                    bytes.extend_from_slice(&data);
                }
            }
        }
    }
    let document = match parse_command_bytes(&bytes) {
        Ok(doc) => doc,
        Err(e) => {
            tracing::info!("HTTP_BAD_CLIENT_REQUEST_RECEIVED bad JSON from {peer}: {e}");
            return stock_response(StatusCode::BAD_REQUEST, &settings);
        }
    };
    let answer = shared
        .registry
        .process(&document, transport, Some(peer.ip().to_string()))
        .await;
    // Answers are wrapped in a list for Control Agent compatibility (ARM §19.9).
    let body = to_kea_string(&Value::Array(vec![answer.to_value()]));
    json_response(StatusCode::OK, body, &settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_file_paths_follow_kea() {
        assert_eq!(auth_file_path("", "pw"), PathBuf::from("/pw"));
        assert_eq!(
            auth_file_path("/etc/kea", "pw"),
            PathBuf::from("/etc/kea/pw")
        );
        assert_eq!(
            auth_file_path("/etc/kea/", "/pw"),
            PathBuf::from("/etc/kea/pw")
        );
    }

    #[test]
    fn credentials_from_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("user"), "alice\n").unwrap();
        std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
        std::fs::write(dir.path().join("secret"), "bob:pw2").unwrap();
        let d = dir.path().to_str().unwrap();
        let cfg = crate::SocketConfig::from_value(&serde_json::json!({
            "socket-type": "http",
            "authentication": {"type": "basic", "directory": d, "clients": [
                {"user-file": "user", "password-file": "pw"},
                {"password-file": "secret"},
                {"user": "carol"}
            ]}
        }))
        .unwrap();
        let crate::SocketConfig::Http(h) = cfg else {
            panic!()
        };
        let s = HttpSettings::load(&h, &ServerOptions::for_daemon("kea-dhcpv4-server")).unwrap();
        let auth = s.auth.unwrap();
        assert_eq!(auth.realm, "kea-dhcpv4-server");
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            auth.credentials
                .get(&b64("alice:s3cret"))
                .map(String::as_str),
            Some("alice")
        );
        assert_eq!(
            auth.credentials.get(&b64("bob:pw2")).map(String::as_str),
            Some("bob")
        );
        assert_eq!(
            auth.credentials.get(&b64("carol:")).map(String::as_str),
            Some("carol")
        );
    }
}
