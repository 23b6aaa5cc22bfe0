//! Session-layer tests over `tokio::io::duplex` (no SSH).

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use common::{MemBackend, TEST_NS};
use netconf_proto::xml::parse_document;
use netconf_proto::{Datastore, Framing, Hello, NS_BASE, NetconfCodec};
use netconf_server::{Limits, SessionEnd, SessionError, SessionManager};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::task::JoinHandle;
use tokio_util::codec::{Decoder, Encoder};

type SessionTask = JoinHandle<Result<SessionEnd, SessionError>>;

struct Client {
    io: DuplexStream,
    codec: NetconfCodec,
    buf: BytesMut,
    session_id: u32,
}

impl Client {
    async fn send_raw(&mut self, bytes: &[u8]) {
        self.io.write_all(bytes).await.unwrap();
    }

    async fn send(&mut self, msg: &str) {
        let mut out = BytesMut::new();
        self.codec
            .encode(Bytes::from(msg.to_string()), &mut out)
            .unwrap();
        self.send_raw(&out).await;
    }

    /// The next message, or None at end of stream.
    async fn recv(&mut self) -> Option<String> {
        loop {
            if let Some(m) = self.codec.decode(&mut self.buf).unwrap() {
                return Some(String::from_utf8(m.to_vec()).unwrap());
            }
            let n = tokio::time::timeout(Duration::from_secs(5), self.io.read_buf(&mut self.buf))
                .await
                .expect("reply within 5 s")
                .unwrap();
            if n == 0 {
                return None;
            }
        }
    }

    async fn rpc(&mut self, id: u32, body: &str) -> String {
        self.send(&format!(
            r#"<rpc xmlns="{NS_BASE}" message-id="{id}">{body}</rpc>"#
        ))
        .await;
        let reply = self.recv().await.expect("a reply");
        assert!(reply.contains(&format!("message-id=\"{id}\"")), "{reply}");
        reply
    }
}

fn hello(base11: bool) -> String {
    let mut caps = String::from("<capability>urn:ietf:params:netconf:base:1.0</capability>");
    if base11 {
        caps.push_str("<capability>urn:ietf:params:netconf:base:1.1</capability>");
    }
    format!(r#"<hello xmlns="{NS_BASE}"><capabilities>{caps}</capabilities></hello>"#)
}

fn start(manager: &Arc<SessionManager<MemBackend>>, user: &str) -> (DuplexStream, SessionTask) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let m = manager.clone();
    let user = user.to_string();
    let task = tokio::spawn(async move { m.run_session(server, user, None).await });
    (client, task)
}

async fn connect(manager: &Arc<SessionManager<MemBackend>>, base11: bool) -> (Client, SessionTask) {
    let (io, task) = start(manager, "tester");
    let mut c = Client {
        io,
        codec: NetconfCodec::default(),
        buf: BytesMut::new(),
        session_id: 0,
    };
    let server_hello = c.recv().await.unwrap();
    let h = Hello::parse(server_hello.as_bytes()).unwrap();
    assert!(h.supports_base_1_1());
    c.session_id = h.session_id.unwrap();
    c.send(&hello(base11)).await;
    if base11 {
        c.codec.set_framing(Framing::Chunked);
    }
    (c, task)
}

fn manager(limits: Limits) -> (Arc<MemBackend>, Arc<SessionManager<MemBackend>>) {
    let backend = MemBackend::new();
    let m = SessionManager::new(backend.clone(), limits);
    backend.manager.set(Arc::downgrade(&m)).ok();
    (backend, m)
}

async fn finished(task: SessionTask) -> Result<SessionEnd, SessionError> {
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap()
}

const GET_RUNNING: &str = "<get-config><source><running/></source></get-config>";

#[tokio::test]
async fn chunked_session_get_edit_close() {
    let (backend, m) = manager(Limits::default());
    let (mut c, task) = connect(&m, true).await;
    let r = c
        .rpc(1, &format!(r#"<edit-config><target><running/></target><config><a xmlns="{TEST_NS}">1</a></config></edit-config>"#))
        .await;
    assert!(r.contains("<ok/>"), "{r}");
    let r = c.rpc(2, GET_RUNNING).await;
    let root = parse_document(&r).unwrap();
    assert_eq!(root.name, "rpc-reply");
    assert!(
        r.contains(&format!(r#"<data><a xmlns="{TEST_NS}">1</a></data>"#)),
        "{r}"
    );
    let r = c.rpc(3, "<lock><target><running/></target></lock>").await;
    assert!(r.contains("<ok/>"));
    let r = c.rpc(4, "<close-session/>").await;
    assert!(r.contains("<ok/>"));
    assert_eq!(finished(task).await.unwrap(), SessionEnd::Closed);
    assert_eq!(backend.lock_holder(Datastore::Running), None);
    assert_eq!(backend.closed_sessions(), vec![c.session_id]);
    assert!(c.recv().await.is_none());
}

#[tokio::test]
async fn base10_session_uses_eom_and_operation_failed() {
    let (_b, m) = manager(Limits::default());
    let (mut c, task) = connect(&m, false).await;
    c.send_raw(format!(r#"<rpc xmlns="{NS_BASE}" message-id="1"><get/></rpc>]]>]]>"#).as_bytes())
        .await;
    let r = c.recv().await.unwrap();
    assert!(r.contains("<data/>"), "{r}");
    c.send_raw(b"<rpc message-id='2'><get></rpc>]]>]]>").await;
    let r = c.recv().await.unwrap();
    assert!(
        r.contains("operation-failed") && !r.contains("malformed-message"),
        "{r}"
    );
    drop(c);
    assert_eq!(finished(task).await.unwrap(), SessionEnd::Disconnected);
}

#[tokio::test]
async fn malformed_xml_is_answered_and_session_continues() {
    let (_b, m) = manager(Limits::default());
    let (mut c, _task) = connect(&m, true).await;
    c.send("<rpc message-id='1'><get></rpc>").await;
    let r = c.recv().await.unwrap();
    assert!(
        r.contains("<error-tag>malformed-message</error-tag>"),
        "{r}"
    );
    c.send(&format!(
        r#"<rpc xmlns="{NS_BASE}" message-id="x" extra="y"><nonsense/></rpc>"#
    ))
    .await;
    let r = c.recv().await.unwrap();
    assert!(
        r.contains(r#"message-id="x" extra="y""#) && r.contains("operation-not-supported"),
        "{r}"
    );
    let r = c.rpc(3, GET_RUNNING).await;
    assert!(r.contains("<data/>"));
}

#[tokio::test]
async fn framing_error_closes_session() {
    let (_b, m) = manager(Limits::default());
    let (mut c, task) = connect(&m, true).await;
    c.send_raw(b"\n#0\n").await;
    let r = c.recv().await.unwrap();
    assert!(r.contains("malformed-message"), "{r}");
    assert_eq!(finished(task).await.unwrap(), SessionEnd::FramingError);
}

#[tokio::test]
async fn oversized_message_closes_session() {
    let (_b, m) = manager(Limits {
        max_message_size: 1000,
        ..Limits::default()
    });
    let (mut c, task) = connect(&m, true).await;
    let big = format!(
        "<rpc xmlns='{NS_BASE}' message-id='1'><get/>{}</rpc>",
        " ".repeat(2000)
    );
    c.send(&big).await;
    let r = c.recv().await.unwrap();
    assert!(r.contains("malformed-message") && r.contains("1000"), "{r}");
    assert_eq!(finished(task).await.unwrap(), SessionEnd::FramingError);
}

#[tokio::test]
async fn bad_hellos_end_the_session() {
    let (backend, m) = manager(Limits {
        hello_timeout: Duration::from_millis(200),
        ..Limits::default()
    });
    // An rpc instead of a hello.
    let (mut io, task) = start(&m, "u");
    io.write_all(format!(r#"<rpc xmlns="{NS_BASE}" message-id="1"><get/></rpc>]]>]]>"#).as_bytes())
        .await
        .unwrap();
    assert!(matches!(
        finished(task).await,
        Err(SessionError::BadHello(_))
    ));
    // A hello with a session-id.
    let (mut io, task) = start(&m, "u");
    let h = hello(true).replace("</hello>", "<session-id>4</session-id></hello>");
    io.write_all(format!("{h}]]>]]>").as_bytes()).await.unwrap();
    assert!(matches!(
        finished(task).await,
        Err(SessionError::BadHello(_))
    ));
    // No hello at all.
    let (_io, task) = start(&m, "u");
    assert!(matches!(
        finished(task).await,
        Err(SessionError::HelloTimeout(_))
    ));
    // Stream closed before the hello.
    let (io, task) = start(&m, "u");
    drop(io);
    assert!(matches!(
        finished(task).await,
        Err(SessionError::NoHello) | Err(SessionError::Framing(_))
    ));
    assert!(m.session_ids().is_empty());
    assert_eq!(backend.closed_sessions().len(), 4);
}

#[tokio::test]
async fn session_limit() {
    let (_b, m) = manager(Limits {
        max_sessions: 2,
        ..Limits::default()
    });
    let (_c1, _t1) = connect(&m, true).await;
    let (_c2, _t2) = connect(&m, true).await;
    assert!(!m.has_capacity());
    let (_io, t3) = start(&m, "u");
    assert!(matches!(
        finished(t3).await,
        Err(SessionError::TooManySessions(2))
    ));
    assert_eq!(m.session_ids().len(), 2);
}

#[tokio::test]
async fn kill_session_releases_locks() {
    let (backend, m) = manager(Limits::default());
    let (mut a, task_a) = connect(&m, true).await;
    let (mut b, _task_b) = connect(&m, true).await;
    assert!(
        a.rpc(1, "<lock><target><candidate/></target></lock>")
            .await
            .contains("<ok/>")
    );
    let r = b.rpc(1, "<lock><target><candidate/></target></lock>").await;
    assert!(
        r.contains("lock-denied")
            && r.contains(&format!("<session-id>{}</session-id>", a.session_id)),
        "{r}"
    );
    let r = b
        .rpc(
            2,
            &format!(
                "<kill-session><session-id>{}</session-id></kill-session>",
                b.session_id
            ),
        )
        .await;
    assert!(r.contains("invalid-value"), "{r}");
    let r = b
        .rpc(
            3,
            &format!(
                "<kill-session><session-id>{}</session-id></kill-session>",
                a.session_id
            ),
        )
        .await;
    assert!(r.contains("<ok/>"), "{r}");
    assert_eq!(backend.lock_holder(Datastore::Candidate), None);
    assert_eq!(finished(task_a).await.unwrap(), SessionEnd::Killed);
    assert!(a.recv().await.is_none());
    assert!(
        b.rpc(4, "<lock><target><candidate/></target></lock>")
            .await
            .contains("<ok/>")
    );
    assert_eq!(m.session_ids(), vec![b.session_id]);
    assert_eq!(backend.closed_sessions(), vec![a.session_id]);
}

#[tokio::test]
async fn kill_session_aborts_an_operation_in_progress() {
    let (backend, m) = manager(Limits::default());
    let (mut a, task_a) = connect(&m, true).await;
    let (mut b, _tb) = connect(&m, true).await;
    assert!(
        a.rpc(1, "<lock><target><running/></target></lock>")
            .await
            .contains("<ok/>")
    );
    a.send(&format!(
        r#"<rpc xmlns="{NS_BASE}" message-id="2"><sleep xmlns="{TEST_NS}"/></rpc>"#
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    let r = b
        .rpc(
            1,
            &format!(
                "<kill-session><session-id>{}</session-id></kill-session>",
                a.session_id
            ),
        )
        .await;
    assert!(r.contains("<ok/>"), "{r}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(backend.lock_holder(Datastore::Running), None);
    assert_eq!(finished(task_a).await.unwrap(), SessionEnd::Killed);
    assert!(
        a.recv().await.is_none(),
        "no reply for the aborted operation"
    );
}

#[tokio::test]
async fn notifications_reach_subscribers_only() {
    let (_b, m) = manager(Limits::default());
    let (mut a, _ta) = connect(&m, true).await;
    let (mut b, _tb) = connect(&m, true).await;
    let sub = r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#;
    assert!(a.rpc(1, sub).await.contains("<ok/>"));
    let r = a.rpc(2, r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><stream>other</stream></create-subscription>"#).await;
    assert!(r.contains("in-use"), "{r}");
    let r = b.rpc(1, r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><stream>nope</stream></create-subscription>"#).await;
    assert!(r.contains("invalid-value"), "{r}");
    let r = b.rpc(2, r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><filter type="subtree"><x xmlns="urn:x"/></filter></create-subscription>"#).await;
    assert!(r.contains("operation-not-supported"), "{r}");
    assert_eq!(
        m.notify("NETCONF", SystemTime::now(), r#"<ev xmlns="urn:e">1</ev>"#),
        1
    );
    assert_eq!(
        m.notify(
            "other-stream",
            SystemTime::now(),
            r#"<ev xmlns="urn:e">2</ev>"#
        ),
        0
    );
    let n = a.recv().await.unwrap();
    let root = parse_document(&n).unwrap();
    assert_eq!(root.name, "notification");
    assert!(n.contains(r#"<ev xmlns="urn:e">1</ev>"#), "{n}");
    // The subscriber can still send requests.
    assert!(a.rpc(3, GET_RUNNING).await.contains("<data/>"));
}

#[tokio::test]
async fn backend_panic_ends_only_that_session() {
    let (backend, m) = manager(Limits::default());
    let (mut a, task_a) = connect(&m, true).await;
    let (mut b, _tb) = connect(&m, true).await;
    assert!(
        a.rpc(1, "<lock><target><running/></target></lock>")
            .await
            .contains("<ok/>")
    );
    a.send(&format!(
        r#"<rpc xmlns="{NS_BASE}" message-id="2"><panic xmlns="{TEST_NS}"/></rpc>"#
    ))
    .await;
    let joined = tokio::time::timeout(Duration::from_secs(5), task_a)
        .await
        .unwrap();
    assert!(joined.unwrap_err().is_panic());
    // Cleanup runs from the session guard.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(m.session_ids(), vec![b.session_id]);
    assert_eq!(backend.lock_holder(Datastore::Running), None);
    assert!(
        b.rpc(1, "<lock><target><running/></target></lock>")
            .await
            .contains("<ok/>")
    );
    assert!(a.recv().await.is_none());
}

#[tokio::test]
async fn pipelined_requests_in_one_read() {
    let (_b, m) = manager(Limits::default());
    let (mut c, _t) = connect(&m, true).await;
    let mut wire = BytesMut::new();
    for id in 1..=3 {
        c.codec
            .encode(
                Bytes::from(format!(
                    r#"<rpc xmlns="{NS_BASE}" message-id="{id}"><get/></rpc>"#
                )),
                &mut wire,
            )
            .unwrap();
    }
    c.send_raw(&wire).await;
    for id in 1..=3 {
        let r = c.recv().await.unwrap();
        assert!(r.contains(&format!("message-id=\"{id}\"")), "{r}");
    }
}

#[tokio::test]
async fn garbage_never_panics_the_server() {
    let (_b, m) = manager(Limits {
        max_message_size: 4096,
        ..Limits::default()
    });
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces: [&[u8]; 8] = [
        b"\n#",
        b"12\n",
        b"<rpc message-id='1'>",
        b"]]>]]>",
        b"\n##\n",
        b"<get/></rpc>",
        b"\xff\x00",
        b"\n#4\nabcd",
    ];
    for round in 0..60 {
        let (mut c, task) = connect(&m, round % 2 == 0).await;
        let mut wire = Vec::new();
        for _ in 0..(next() % 12) {
            wire.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
        }
        c.send_raw(&wire).await;
        drop(c);
        // Every session ends on its own, without a panic.
        let r = tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap();
        assert!(r.is_ok(), "session task panicked");
    }
    assert!(m.session_ids().is_empty());
}

#[tokio::test]
async fn monitoring_counts_rpcs_errors_and_sessions() {
    let (_b, m) = manager(Limits::default());
    let before = m.monitoring_state();
    assert!(before.sessions.is_empty());
    assert!(before.capabilities.iter().any(|c| c.ends_with("base:1.1")));

    let (mut a, task_a) = connect(&m, true).await;
    let (mut b, _task_b) = connect(&m, true).await;
    a.rpc(1, GET_RUNNING).await;
    a.rpc(2, GET_RUNNING).await;
    // Not an rpc at all, then an rpc the backend refuses.
    a.send("<rpc message-id='3'><get></rpc>").await;
    a.recv().await.unwrap();
    let r = a.rpc(4, "<nonsense/>").await;
    assert!(r.contains("rpc-error"), "{r}");
    b.rpc(1, GET_RUNNING).await;

    let state = m.monitoring_state();
    assert_eq!(state.sessions.len(), 2);
    let sa = state
        .sessions
        .iter()
        .find(|s| s.session_id == a.session_id)
        .unwrap();
    assert_eq!(sa.username, "tester");
    assert_eq!(sa.transport.identity(), "netconf-ssh");
    assert_eq!(
        (
            sa.counters.in_rpcs,
            sa.counters.in_bad_rpcs,
            sa.counters.out_rpc_errors
        ),
        (3, 1, 2)
    );
    let totals = state.statistics.totals;
    assert_eq!(
        (totals.in_rpcs, totals.in_bad_rpcs, totals.out_rpc_errors),
        (4, 1, 2)
    );
    assert_eq!(state.statistics.in_sessions, 2);
    assert!(state.statistics.netconf_start_time <= SystemTime::now());

    // close-session is not a dropped session; a vanished client is.
    a.rpc(5, "<close-session/>").await;
    assert_eq!(finished(task_a).await.unwrap(), SessionEnd::Closed);
    drop(b);
    for _ in 0..50 {
        if m.session_ids().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let state = m.monitoring_state();
    assert!(state.sessions.is_empty());
    assert_eq!(state.statistics.dropped_sessions, 1);
    assert_eq!(state.statistics.totals.in_rpcs, 5);
}

#[tokio::test]
async fn bad_hellos_are_counted() {
    let (_b, m) = manager(Limits::default());
    let (mut io, task) = start(&m, "tester");
    let mut buf = BytesMut::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), io.read_buf(&mut buf)).await;
    io.write_all(format!("<hello xmlns='{NS_BASE}'/>]]>]]>").as_bytes())
        .await
        .unwrap();
    assert!(matches!(
        finished(task).await,
        Err(SessionError::BadHello(_))
    ));
    let stats = m.monitoring_state().statistics;
    assert_eq!((stats.in_bad_hellos, stats.dropped_sessions), (1, 0));
}

#[tokio::test]
async fn idle_sessions_are_closed_but_subscribers_are_not() {
    let (_b, m) = manager(Limits {
        idle_timeout: Some(Duration::from_millis(300)),
        ..Limits::default()
    });
    let (mut idle, idle_task) = connect(&m, true).await;
    let (mut busy, busy_task) = connect(&m, true).await;
    let (mut sub, sub_task) = connect(&m, true).await;
    sub.rpc(
        1,
        "<create-subscription xmlns='urn:ietf:params:xml:ns:netconf:notification:1.0'/>",
    )
    .await;
    // The busy session keeps talking, each request well within the limit.
    for i in 0..6 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        busy.rpc(i, GET_RUNNING).await;
    }
    assert_eq!(finished(idle_task).await.unwrap(), SessionEnd::IdleTimeout);
    assert!(idle.recv().await.is_none(), "idle session closed");
    assert!(!busy_task.is_finished());
    assert!(!sub_task.is_finished());
    assert_eq!(m.monitoring_state().statistics.dropped_sessions, 1);
    // Idle-timeout 0 or None never closes.
    let (_b2, m2) = manager(Limits {
        idle_timeout: Some(Duration::ZERO),
        ..Limits::default()
    });
    let (_c, task) = connect(&m2, true).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!task.is_finished());
}

/// A session sending garbage gets errors or is closed; another session
/// in the middle of its work is not disturbed.
#[tokio::test]
async fn garbage_in_one_session_leaves_another_alone() {
    let (_b, m) = manager(Limits {
        max_message_size: 4096,
        ..Limits::default()
    });
    let (mut good, good_task) = connect(&m, true).await;
    let (mut bad, bad_task) = connect(&m, true).await;
    good.rpc(1, GET_RUNNING).await;
    bad.send("<<<not xml").await;
    let r = bad.recv().await.unwrap();
    assert!(r.contains("malformed-message"), "{r}");
    good.rpc(2, GET_RUNNING).await;
    bad.send_raw(b"\n#99999999\nxx").await;
    let r = bad.recv().await.unwrap();
    assert!(r.contains("malformed-message"), "{r}");
    assert_eq!(finished(bad_task).await.unwrap(), SessionEnd::FramingError);
    let r = good.rpc(3, GET_RUNNING).await;
    assert!(r.contains("<data"), "{r}");
    assert!(!good_task.is_finished());
    assert_eq!(m.session_ids(), vec![good.session_id]);
}

/// RFC 6470 netconf-session-start/-end reach subscribers, with the reason
/// and the killer.
#[tokio::test]
async fn session_start_and_end_are_notified() {
    let (_b, m) = manager(Limits::default());
    let (mut sub, _ts) = connect(&m, true).await;
    sub.rpc(
        1,
        "<create-subscription xmlns='urn:ietf:params:xml:ns:netconf:notification:1.0'/>",
    )
    .await;
    let (mut x, tx) = connect(&m, true).await;
    let start = sub.recv().await.unwrap();
    assert!(
        start.contains("<netconf-session-start xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\">")
            && start.contains("<username>tester</username>")
            && start.contains(&format!("<session-id>{}</session-id>", x.session_id)),
        "{start}"
    );
    x.rpc(1, "<close-session/>").await;
    finished(tx).await.unwrap();
    let end = sub.recv().await.unwrap();
    assert!(
        end.contains("<netconf-session-end")
            && end.contains("<termination-reason>closed</termination-reason>")
            && !end.contains("killed-by"),
        "{end}"
    );

    let (y, _ty) = connect(&m, true).await;
    assert!(sub.recv().await.unwrap().contains("<netconf-session-start"));
    sub.send(&format!(
        r#"<rpc xmlns="{NS_BASE}" message-id="2"><kill-session><session-id>{}</session-id></kill-session></rpc>"#,
        y.session_id
    ))
    .await;
    let mut seen = Vec::new();
    while seen.len() < 2 {
        seen.push(sub.recv().await.unwrap());
    }
    assert!(seen.iter().any(|m| m.contains("<ok/>")), "{seen:?}");
    let end = seen
        .iter()
        .find(|m| m.contains("<netconf-session-end"))
        .expect("session-end");
    assert!(
        end.contains(&format!("<killed-by>{}</killed-by>", sub.session_id))
            && end.contains("<termination-reason>killed</termination-reason>"),
        "{end}"
    );
}
