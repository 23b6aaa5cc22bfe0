//! A client for Kea control sockets: UNIX paths and `http://` / `https://` URLs.

use crate::answer::Answer;
use crate::json::{FeedStatus, JsonFeed, parse_command_bytes, to_kea_string};
use crate::request::Request;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{self, HeaderValue};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};

/// Why a command could not be sent or its answer read.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The URL is not `http(s)://host[:port][/path]`.
    #[error("invalid URL '{0}'")]
    Url(String),
    /// Connecting failed.
    #[error("cannot connect to {target}: {source}")]
    Connect {
        /// Socket path or host:port.
        target: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// No complete answer within the timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// TLS setup or handshake failed.
    #[error("TLS error: {0}")]
    Tls(String),
    /// HTTP protocol error.
    #[error("HTTP error: {0}")]
    Http(String),
    /// The server answered with a non-200 HTTP status (body kept as text).
    #[error("HTTP status {status}: {body}")]
    Status {
        /// HTTP status code.
        status: u16,
        /// Response body.
        body: String,
    },
    /// The reply is not a Kea answer.
    #[error("invalid answer: {0}")]
    InvalidAnswer(String),
}

/// TLS options of an HTTPS client.
#[derive(Debug, Clone, Default)]
pub struct ClientTlsOptions {
    /// CA file or directory used to check the server.
    pub ca: PathBuf,
    /// Client certificate and key (PEM, key not encrypted) for mutual TLS.
    pub cert_and_key: Option<(PathBuf, PathBuf)>,
}

/// A raw reply: the HTTP status (none on UNIX sockets) and the body bytes as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReply {
    /// HTTP status code, `None` for UNIX sockets.
    pub status: Option<u16>,
    /// The body as sent by the server.
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
enum Target {
    Unix(PathBuf),
    Http {
        https: bool,
        host: String,
        port: u16,
        path: String,
    },
}

/// Sends commands to a Kea control socket and reads the answers.
///
/// ```no_run
/// # async fn demo() -> Result<(), kea_command::ClientError> {
/// use kea_command::ControlClient;
/// let answer = ControlClient::unix("/run/kea/kea4.sock").command("status-get", None).await?;
/// let answer = ControlClient::http("http://127.0.0.1:8000/")?
///     .with_basic_auth("admin", "1234")
///     .command("config-get", None)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ControlClient {
    target: Target,
    timeout: Duration,
    auth: Option<String>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for ControlClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlClient")
            .field("target", &self.target)
            .field("timeout", &self.timeout)
            .field("auth", &self.auth.is_some())
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl ControlClient {
    /// A client for a UNIX socket path.
    pub fn unix(path: impl Into<PathBuf>) -> Self {
        Self {
            target: Target::Unix(path.into()),
            timeout: crate::server::DEFAULT_TIMEOUT,
            auth: None,
            tls: None,
        }
    }

    /// A client for `http://host[:port][/path]` or `https://…` (IPv6 hosts in brackets; default
    /// ports 80 / 443). `https` needs [`with_tls`](Self::with_tls) before sending.
    pub fn http(url: &str) -> Result<Self, ClientError> {
        let bad = || ClientError::Url(url.to_string());
        let (https, rest) = if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else {
            return Err(bad());
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let default_port = if https { 443 } else { 80 };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(bad)?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| bad())?,
                None if after.is_empty() => default_port,
                None => return Err(bad()),
            };
            (host.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse().map_err(|_| bad())?),
                None => (authority.to_string(), default_port),
            }
        };
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            target: Target::Http {
                https,
                host,
                port,
                path: path.to_string(),
            },
            timeout: crate::server::DEFAULT_TIMEOUT,
            auth: None,
            tls: None,
        })
    }

    /// Overall time allowed for connecting, sending and reading the answer (default 10 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Basic HTTP authentication (ignored on UNIX sockets).
    pub fn with_basic_auth(mut self, user: &str, password: &str) -> Self {
        let secret = format!("{user}:{password}");
        self.auth = Some(base64::engine::general_purpose::STANDARD.encode(secret));
        self
    }

    /// TLS for `https` URLs: CA to check the server, optional client certificate.
    pub fn with_tls(mut self, options: &ClientTlsOptions) -> Result<Self, ClientError> {
        let cert_and_key = options
            .cert_and_key
            .as_ref()
            .map(|(c, k)| (c.as_path(), k.as_path()));
        self.tls =
            Some(crate::tls::client_config(&options.ca, cert_and_key).map_err(ClientError::Tls)?);
        Ok(self)
    }

    /// Sends `command` with optional arguments and returns the answer.
    pub async fn command(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Answer, ClientError> {
        self.send(&Request::new(command, arguments)).await
    }

    /// Blocking form of [`command`](Self::command) for code without a tokio runtime (e.g. C
    /// library callbacks): the exchange runs on a private runtime in a helper thread, so it may
    /// also be called from inside a runtime (it then blocks that thread).
    pub fn command_blocking(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Answer, ClientError> {
        let request = Request::new(command, arguments);
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(self.send(&request))
                })
                .join()
                .unwrap_or_else(|_| Err(ClientError::Http("client thread panicked".into())))
        })
    }

    /// Sends a request and returns the answer. HTTP replies are lists (one answer per service);
    /// the first answer is returned — use [`send_document`](Self::send_document) for all.
    pub async fn send(&self, request: &Request) -> Result<Answer, ClientError> {
        let value = self.send_document(&request.to_value()).await?;
        let answer = match &value {
            Value::Array(items) => items
                .first()
                .ok_or_else(|| ClientError::InvalidAnswer("empty answer list".into()))?,
            other => other,
        };
        Answer::from_value(answer).map_err(ClientError::InvalidAnswer)
    }

    /// Sends a JSON document and returns the parsed reply (a map, or a list over HTTP).
    /// A non-200 HTTP status is an error.
    pub async fn send_document(&self, document: &Value) -> Result<Value, ClientError> {
        let reply = self.send_raw(to_kea_string(document).as_bytes()).await?;
        if let Some(status) = reply.status
            && status != 200
        {
            return Err(ClientError::Status {
                status,
                body: String::from_utf8_lossy(&reply.body).into_owned(),
            });
        }
        parse_command_bytes(&reply.body).map_err(|e| ClientError::InvalidAnswer(e.0))
    }

    /// Sends raw bytes and returns the raw reply (what `kea-shell` prints).
    pub async fn send_raw(&self, body: &[u8]) -> Result<RawReply, ClientError> {
        let work = async {
            match &self.target {
                Target::Unix(path) => unix_exchange(path, body).await,
                Target::Http {
                    https,
                    host,
                    port,
                    path,
                } => self.http_exchange(*https, host, *port, path, body).await,
            }
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
    }

    async fn http_exchange(
        &self,
        https: bool,
        host: &str,
        port: u16,
        path: &str,
        body: &[u8],
    ) -> Result<RawReply, ClientError> {
        let target = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let stream =
            TcpStream::connect((host, port))
                .await
                .map_err(|source| ClientError::Connect {
                    target: target.clone(),
                    source,
                })?;
        let _ = stream.set_nodelay(true);
        let mut request = hyper::Request::post(path)
            .header(header::HOST, target.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "*/*")
            .header(
                header::USER_AGENT,
                concat!("kea-command/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|e| ClientError::Http(e.to_string()))?;
        if let Some(auth) = &self.auth {
            let value = HeaderValue::from_str(&format!("Basic {auth}"))
                .map_err(|e| ClientError::Http(e.to_string()))?;
            request.headers_mut().insert(header::AUTHORIZATION, value);
        }
        if https {
            let config = self.tls.clone().ok_or_else(|| {
                ClientError::Tls("https URL needs TLS options (a CA at least)".into())
            })?;
            let name = ServerName::try_from(host.to_string())
                .map_err(|e| ClientError::Tls(format!("bad server name '{host}': {e}")))?;
            let tls = tokio_rustls::TlsConnector::from(config)
                .connect(name, stream)
                .await
                .map_err(|e| ClientError::Tls(e.to_string()))?;
            http1_exchange(TokioIo::new(tls), request).await
        } else {
            http1_exchange(TokioIo::new(stream), request).await
        }
    }
}

async fn http1_exchange<I>(
    io: I,
    request: hyper::Request<Full<Bytes>>,
) -> Result<RawReply, ClientError>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| ClientError::Http(e.to_string()))?;
    let driver = tokio::spawn(conn);
    let result = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| ClientError::Http(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| ClientError::Http(e.to_string()))?
            .to_bytes();
        Ok(RawReply {
            status: Some(status),
            body: body.to_vec(),
        })
    }
    .await;
    driver.abort();
    result
}

/// Writes the command, then reads until the server closes or a complete JSON answer arrived.
async fn unix_exchange(path: &Path, body: &[u8]) -> Result<RawReply, ClientError> {
    let mut stream = UnixStream::connect(path)
        .await
        .map_err(|source| ClientError::Connect {
            target: path.display().to_string(),
            source,
        })?;
    stream.write_all(body).await?;
    let mut feed = JsonFeed::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(RawReply {
                status: None,
                body: feed.received().to_vec(),
            });
        }
        if let FeedStatus::Complete { len } = feed.push(&buf[..n]) {
            return Ok(RawReply {
                status: None,
                body: feed.received()[..len].to_vec(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (bool, String, u16, String) {
        match ControlClient::http(url).unwrap().target {
            Target::Http {
                https,
                host,
                port,
                path,
            } => (https, host, port, path),
            Target::Unix(_) => panic!(),
        }
    }

    #[test]
    fn parses_urls() {
        assert_eq!(
            parts("http://127.0.0.1:8000/"),
            (false, "127.0.0.1".into(), 8000, "/".into())
        );
        assert_eq!(
            parts("https://[::1]:8443/kea"),
            (true, "::1".into(), 8443, "/kea".into())
        );
        assert_eq!(
            parts("http://localhost"),
            (false, "localhost".into(), 80, "/".into())
        );
        for bad in ["ftp://x", "http://", "http://h:port/", "http://[::1/"] {
            assert!(ControlClient::http(bad).is_err(), "{bad}");
        }
    }
}
