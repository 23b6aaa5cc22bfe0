//! SSH transport tests with russh's own client over 127.0.0.1 (no Python):
//! authentication, the `netconf` subsystem, connection limit, login grace time.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::MemBackend;
use netconf_proto::{Framing, Hello, NS_BASE, NetconfCodec};
use netconf_server::{NetconfServer, SshConfig, UserAuth, UserConfig};
use russh::client;
use russh::keys::key::PrivateKeyWithHashAlg;
use russh::keys::{Algorithm, PrivateKey, PublicKeyOrCertificate};
use russh::{ChannelMsg, ChannelStream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder};

struct AcceptAny;

impl client::Handler for AcceptAny {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

struct Server {
    addr: SocketAddr,
    robot_key: Arc<PrivateKey>,
    backend: Arc<MemBackend>,
    sessions: Arc<netconf_server::SessionManager<MemBackend>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    stopped: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

async fn start(tune: impl FnOnce(&mut SshConfig)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let robot_key =
        PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519).unwrap();
    let mut config = SshConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        dir.path().join("host_key"),
        vec![
            UserConfig {
                name: "admin".into(),
                auth: UserAuth::Password("pw".into()),
            },
            UserConfig {
                name: "robot".into(),
                auth: UserAuth::AuthorizedKey(robot_key.public_key().to_openssh().unwrap()),
            },
        ],
    );
    config.auth_rejection_time = Duration::from_millis(10);
    tune(&mut config);
    let backend = MemBackend::new();
    let server = NetconfServer::bind(config, backend.clone()).await.unwrap();
    let addr = server.local_addr().unwrap();
    let sessions = server.sessions();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let stopped = tokio::spawn(server.run_until(async move {
        let _ = rx.await;
    }));
    Server {
        addr,
        robot_key: Arc::new(robot_key),
        backend,
        sessions,
        shutdown: Some(tx),
        stopped,
        _dir: dir,
    }
}

async fn ssh(addr: SocketAddr) -> client::Handle<AcceptAny> {
    let config = Arc::new(client::Config::default());
    client::connect(config, addr, AcceptAny).await.unwrap()
}

async fn netconf_stream(h: &client::Handle<AcceptAny>) -> ChannelStream<client::Msg> {
    let mut ch = h.channel_open_session().await.unwrap();
    ch.request_subsystem(true, "netconf").await.unwrap();
    loop {
        match ch.wait().await {
            Some(ChannelMsg::Success) => break,
            Some(ChannelMsg::Failure) | None => panic!("netconf subsystem refused"),
            _ => {}
        }
    }
    ch.into_stream()
}

async fn read_message(
    s: &mut ChannelStream<client::Msg>,
    codec: &mut NetconfCodec,
    buf: &mut bytes::BytesMut,
) -> String {
    loop {
        if let Some(m) = codec.decode(buf).unwrap() {
            return String::from_utf8(m.to_vec()).unwrap();
        }
        let n = tokio::time::timeout(Duration::from_secs(5), s.read_buf(buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "stream closed");
    }
}

#[tokio::test]
async fn password_login_and_netconf_exchange() {
    let srv = start(|_| {}).await;
    let mut h = ssh(srv.addr).await;
    assert!(
        !h.authenticate_password("admin", "wrong")
            .await
            .unwrap()
            .success()
    );
    assert!(
        !h.authenticate_password("robot", "pw")
            .await
            .unwrap()
            .success()
    );
    assert!(
        h.authenticate_password("admin", "pw")
            .await
            .unwrap()
            .success()
    );
    let mut s = netconf_stream(&h).await;
    let mut codec = NetconfCodec::default();
    let mut buf = bytes::BytesMut::new();
    let hello = Hello::parse(read_message(&mut s, &mut codec, &mut buf).await.as_bytes()).unwrap();
    assert!(hello.supports_base_1_1() && hello.session_id.is_some());
    let client_hello = format!(
        r#"<hello xmlns="{NS_BASE}"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>"#
    );
    let mut out = bytes::BytesMut::new();
    codec.encode(client_hello, &mut out).unwrap();
    codec.set_framing(Framing::Chunked);
    codec
        .encode(
            format!(r#"<rpc xmlns="{NS_BASE}" message-id="7"><get/></rpc>"#),
            &mut out,
        )
        .unwrap();
    s.write_all(&out).await.unwrap();
    let reply = read_message(&mut s, &mut codec, &mut buf).await;
    assert!(
        reply.contains(r#"message-id="7""#) && reply.contains("<data/>"),
        "{reply}"
    );
}

#[tokio::test]
async fn public_key_login() {
    let srv = start(|_| {}).await;
    let mut h = ssh(srv.addr).await;
    let stranger =
        PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519).unwrap();
    let r = h
        .authenticate_publickey(
            "robot",
            PrivateKeyWithHashAlg::new(Arc::new(stranger), None),
        )
        .await
        .unwrap();
    assert!(!r.success());
    let r = h
        .authenticate_publickey(
            "admin",
            PrivateKeyWithHashAlg::new(srv.robot_key.clone(), None),
        )
        .await
        .unwrap();
    assert!(!r.success());
    let r = h
        .authenticate_publickey(
            "robot",
            PrivateKeyWithHashAlg::new(srv.robot_key.clone(), None),
        )
        .await
        .unwrap();
    assert!(r.success());
    let _s = netconf_stream(&h).await;
}

#[tokio::test]
async fn other_subsystems_are_refused() {
    let srv = start(|_| {}).await;
    let mut h = ssh(srv.addr).await;
    assert!(
        h.authenticate_password("admin", "pw")
            .await
            .unwrap()
            .success()
    );
    let mut ch = h.channel_open_session().await.unwrap();
    ch.request_subsystem(true, "sftp").await.unwrap();
    loop {
        match ch.wait().await {
            Some(ChannelMsg::Failure) => break,
            Some(ChannelMsg::Success) => panic!("sftp accepted"),
            None => break,
            _ => {}
        }
    }
}

async fn closed_soon(mut tcp: tokio::net::TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 256];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {} // the server's SSH banner
        }
    }
}

#[tokio::test]
async fn connection_limit_and_login_grace() {
    let srv = start(|c| {
        c.max_connections = 2;
        c.login_grace_time = Duration::from_millis(500);
    })
    .await;
    let a = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    let b = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let c = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    assert!(
        closed_soon(c, Duration::from_millis(300)).await,
        "third connection not refused"
    );
    // Idle unauthenticated connections are dropped after the grace time.
    assert!(closed_soon(a, Duration::from_secs(3)).await);
    assert!(closed_soon(b, Duration::from_secs(3)).await);
    // Slots are free again; an authenticated client outlives the grace time.
    let mut h = ssh(srv.addr).await;
    assert!(
        h.authenticate_password("admin", "pw")
            .await
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    let _s = netconf_stream(&h).await;
}

#[tokio::test]
async fn shutdown_ends_sessions_and_connections() {
    let mut srv = start(|_| {}).await;
    let mut h = ssh(srv.addr).await;
    assert!(
        h.authenticate_password("admin", "pw")
            .await
            .unwrap()
            .success()
    );
    let mut s = netconf_stream(&h).await;
    let mut codec = NetconfCodec::default();
    let mut buf = bytes::BytesMut::new();
    let hello = Hello::parse(read_message(&mut s, &mut codec, &mut buf).await.as_bytes()).unwrap();
    let id = hello.session_id.unwrap();
    assert_eq!(srv.sessions.session_ids(), vec![id]);

    srv.shutdown.take().unwrap().send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), &mut srv.stopped)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(srv.sessions.session_ids().is_empty());
    assert_eq!(srv.backend.closed_sessions(), vec![id]);
    // The client sees its channel end, and nobody listens any more.
    let mut rest = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut rest))
        .await
        .unwrap();
    assert!(n.is_ok() || n.is_err());
    assert!(tokio::net::TcpStream::connect(srv.addr).await.is_err());
}
