//! The NETCONF session layer over any byte stream (SSH channel, duplex pipe).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use frames::{FrameReader, FrameWriter};
use netconf_proto::{
    BASE_1_0, BASE_1_1, Counters, ErrorInfo, ErrorTag, ErrorType, Filter, Framing, FramingError,
    Hello, HelloError, MonitoringState, NetconfCodec, Operation, ReplyBody, RpcError, SessionInfo,
    Statistics, Transport, notification, parse_rpc, rpc_reply, server_hello,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, watch};

use crate::backend::{BackendResult, NetconfBackend, RpcErrors, SessionCtx};

/// Limits applied to every session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Sessions open at the same time; further ones are refused.
    pub max_sessions: usize,
    /// Largest accepted message in bytes.
    pub max_message_size: usize,
    /// Time allowed for the client's hello.
    pub hello_timeout: Duration,
    /// A session that sends nothing for this long is closed; `None` never
    /// closes one. Sessions with a notification subscription are exempt
    /// (as `idle-timeout` of ietf-netconf-server specifies).
    pub idle_timeout: Option<Duration>,
    /// Notifications queued per subscribed session before new ones are dropped.
    pub notification_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: 64,
            max_message_size: netconf_proto::framing::DEFAULT_MAX_MESSAGE_SIZE,
            hello_timeout: Duration::from_secs(60),
            // The default of ietf-netconf-server's idle-timeout.
            idle_timeout: Some(Duration::from_secs(180)),
            notification_queue: 1024,
        }
    }
}

/// Why a session ended abnormally.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("too many sessions (limit {0})")]
    TooManySessions(usize),
    #[error("no hello from the client within {0:?}")]
    HelloTimeout(Duration),
    #[error("bad hello: {0}")]
    BadHello(#[from] HelloError),
    #[error("stream closed before the hello")]
    NoHello,
    #[error("framing: {0}")]
    Framing(#[from] FramingError),
}

/// How a session ended normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// The client sent `<close-session>`.
    Closed,
    /// Another session sent `<kill-session>`.
    Killed,
    /// The client closed the stream.
    Disconnected,
    /// A framing error was answered with malformed-message and the session closed.
    FramingError,
    /// The client sent nothing within [`Limits::idle_timeout`].
    IdleTimeout,
}

/// The `NETCONF` event stream name (RFC 5277 §3.2.3).
pub const NETCONF_STREAM: &str = "NETCONF";

struct Subscription {
    stream: String,
    filter: Option<Filter>,
    tx: mpsc::Sender<Arc<str>>,
}

/// RFC 6022 counters that sessions update concurrently.
#[derive(Default)]
struct AtomicCounters {
    in_rpcs: AtomicU32,
    in_bad_rpcs: AtomicU32,
    out_rpc_errors: AtomicU32,
    out_notifications: AtomicU32,
}

impl AtomicCounters {
    fn snapshot(&self) -> Counters {
        Counters {
            in_rpcs: self.in_rpcs.load(Ordering::Relaxed),
            in_bad_rpcs: self.in_bad_rpcs.load(Ordering::Relaxed),
            out_rpc_errors: self.out_rpc_errors.load(Ordering::Relaxed),
            out_notifications: self.out_notifications.load(Ordering::Relaxed),
        }
    }
}

/// Which counter an event increments.
#[derive(Clone, Copy)]
enum Count {
    InRpc,
    InBadRpc,
    OutRpcError,
    OutNotification,
}

impl Count {
    fn of(self, c: &AtomicCounters) -> &AtomicU32 {
        match self {
            Count::InRpc => &c.in_rpcs,
            Count::InBadRpc => &c.in_bad_rpcs,
            Count::OutRpcError => &c.out_rpc_errors,
            Count::OutNotification => &c.out_notifications,
        }
    }
}

/// Server-wide statistics (`/netconf-state/statistics`).
struct ServerCounters {
    start_time: SystemTime,
    in_bad_hellos: AtomicU32,
    in_sessions: AtomicU32,
    dropped_sessions: AtomicU32,
    totals: AtomicCounters,
}

fn bump(counter: &AtomicU32) {
    // zero-based-counter32 wraps; fetch_add wraps too.
    counter.fetch_add(1, Ordering::Relaxed);
}

struct Entry {
    ctx: SessionCtx,
    transport: Transport,
    login_time: SystemTime,
    /// Set once the hellos are exchanged; only established sessions are
    /// listed in ietf-netconf-monitoring.
    established: bool,
    counters: Arc<AtomicCounters>,
    /// Set to the killer's session id (0: the server shutting down).
    kill: watch::Sender<Option<u32>>,
    /// Closed when the session task has finished its cleanup.
    done: watch::Receiver<()>,
    subscription: Option<Subscription>,
}

/// How long kill-session waits for the killed session to clean up before
/// releasing its resources itself.
const KILL_WAIT: Duration = Duration::from_secs(5);

struct Registry {
    next_id: u32,
    sessions: HashMap<u32, Entry>,
}

/// Runs NETCONF sessions against a backend and keeps the session table
/// (ids, kill-session, notification subscriptions).
pub struct SessionManager<B> {
    backend: Arc<B>,
    limits: Limits,
    registry: Mutex<Registry>,
    stats: ServerCounters,
}

impl<B> std::fmt::Debug for SessionManager<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Ends a session's registration if the session task stops without doing it
/// (panic in a backend call, task cancelled).
struct SessionGuard<B: NetconfBackend> {
    manager: Arc<SessionManager<B>>,
    session_id: u32,
}

impl<B: NetconfBackend> Drop for SessionGuard<B> {
    fn drop(&mut self) {
        if let Some(entry) = self.manager.unregister(self.session_id) {
            let backend = self.manager.backend.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move { backend.session_closed(&entry.ctx).await });
            }
        }
    }
}

impl<B: NetconfBackend> SessionManager<B> {
    /// A manager with an empty session table.
    pub fn new(backend: Arc<B>, limits: Limits) -> Arc<Self> {
        Arc::new(SessionManager {
            backend,
            limits,
            registry: Mutex::new(Registry {
                next_id: 1,
                sessions: HashMap::new(),
            }),
            stats: ServerCounters {
                start_time: SystemTime::now(),
                in_bad_hellos: AtomicU32::new(0),
                in_sessions: AtomicU32::new(0),
                dropped_sessions: AtomicU32::new(0),
                totals: AtomicCounters::default(),
            },
        })
    }

    /// The capabilities announced in the server hello: `:base:1.0`,
    /// `:base:1.1` and the backend's, without duplicates.
    pub fn capabilities(&self) -> Vec<String> {
        let mut capabilities = vec![BASE_1_0.to_string(), BASE_1_1.to_string()];
        for cap in self.backend.capabilities() {
            if !capabilities.contains(&cap) {
                capabilities.push(cap);
            }
        }
        capabilities
    }

    /// Capabilities, established sessions and counters, for
    /// ietf-netconf-monitoring.
    pub fn monitoring_state(&self) -> MonitoringState {
        let mut sessions: Vec<SessionInfo> = self
            .registry()
            .sessions
            .values()
            .filter(|e| e.established)
            .map(|e| SessionInfo {
                session_id: e.ctx.session_id,
                transport: e.transport,
                username: e.ctx.user.clone(),
                source_host: e.ctx.peer.map(|p| p.ip().to_string()),
                login_time: e.login_time,
                counters: e.counters.snapshot(),
            })
            .collect();
        sessions.sort_by_key(|s| s.session_id);
        let s = &self.stats;
        MonitoringState {
            capabilities: self.capabilities(),
            sessions,
            statistics: Statistics {
                netconf_start_time: s.start_time,
                in_bad_hellos: s.in_bad_hellos.load(Ordering::Relaxed),
                in_sessions: s.in_sessions.load(Ordering::Relaxed),
                dropped_sessions: s.dropped_sessions.load(Ordering::Relaxed),
                totals: s.totals.snapshot(),
            },
        }
    }

    /// Increments a counter of one session and the server total.
    fn count(&self, session: &AtomicCounters, what: Count) {
        bump(what.of(session));
        bump(what.of(&self.stats.totals));
    }

    /// The backend.
    pub fn backend(&self) -> &Arc<B> {
        &self.backend
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        // A panic elsewhere cannot leave the table inconsistent (every
        // update is a single map operation), so a poisoned lock is usable.
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ids of the open sessions.
    pub fn session_ids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self.registry().sessions.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Whether another session may start now.
    pub fn has_capacity(&self) -> bool {
        self.registry().sessions.len() < self.limits.max_sessions
    }

    fn register(
        &self,
        user: String,
        peer: Option<SocketAddr>,
        transport: Transport,
        kill: watch::Sender<Option<u32>>,
        done: watch::Receiver<()>,
    ) -> Result<(SessionCtx, Arc<AtomicCounters>), SessionError> {
        let mut reg = self.registry();
        if reg.sessions.len() >= self.limits.max_sessions {
            return Err(SessionError::TooManySessions(self.limits.max_sessions));
        }
        let mut id = reg.next_id;
        while id == 0 || reg.sessions.contains_key(&id) {
            id = id.wrapping_add(1);
        }
        reg.next_id = id.wrapping_add(1);
        let ctx = SessionCtx {
            session_id: id,
            user,
            peer,
        };
        let counters = Arc::new(AtomicCounters::default());
        reg.sessions.insert(
            id,
            Entry {
                ctx: ctx.clone(),
                transport,
                login_time: SystemTime::now(),
                established: false,
                counters: counters.clone(),
                kill,
                done,
                subscription: None,
            },
        );
        Ok((ctx, counters))
    }

    fn set_established(&self, id: u32) {
        if let Some(entry) = self.registry().sessions.get_mut(&id) {
            entry.established = true;
        }
    }

    fn unregister(&self, id: u32) -> Option<Entry> {
        self.registry().sessions.remove(&id)
    }

    /// Removes the session and lets the backend release its resources.
    async fn finish(&self, id: u32) {
        if let Some(entry) = self.unregister(id) {
            self.backend.session_closed(&entry.ctx).await;
        }
    }

    /// Ends every session (as kill-session does) and waits until each has
    /// released its resources through the backend.
    pub async fn close_all(&self) {
        let waits: Vec<watch::Receiver<()>> = {
            let reg = self.registry();
            reg.sessions
                .values()
                .map(|e| {
                    let _ = e.kill.send(Some(0));
                    e.done.clone()
                })
                .collect()
        };
        for mut done in waits {
            let _ =
                tokio::time::timeout(KILL_WAIT, async { while done.changed().await.is_ok() {} })
                    .await;
        }
        // Anything that did not stop in time is released here.
        for id in self.session_ids() {
            self.finish(id).await;
        }
    }

    /// Sends a notification (the event's XML, top element with its
    /// namespace) to every session subscribed to `stream`. Returns how many
    /// sessions it was queued for.
    pub fn notify(&self, stream: &str, event_time: SystemTime, content_xml: &str) -> usize {
        // Collect the subscribers first: the backend's filter is not called
        // with the session table locked.
        let subscribers: Vec<(u32, Option<Filter>, mpsc::Sender<Arc<str>>)> = self
            .registry()
            .sessions
            .values()
            .filter_map(|e| {
                let sub = e.subscription.as_ref()?;
                (sub.stream == stream)
                    .then(|| (e.ctx.session_id, sub.filter.clone(), sub.tx.clone()))
            })
            .collect();
        if subscribers.is_empty() {
            return 0;
        }
        let message: Arc<str> = Arc::from(notification(event_time, content_xml));
        let mut delivered = 0;
        for (session_id, filter, tx) in subscribers {
            if let Some(filter) = &filter
                && !self.backend.notification_matches(filter, content_xml)
            {
                continue;
            }
            match tx.try_send(message.clone()) {
                Ok(()) => delivered += 1,
                Err(_) => tracing::warn!(
                    session_id,
                    "notification queue full or closed; notification dropped"
                ),
            }
        }
        delivered
    }

    /// Runs one NETCONF session on `stream` for an authenticated `user`:
    /// hello exchange, framing switch, then requests until the session ends.
    /// The session is reported as running over SSH; see
    /// [`SessionManager::run_session_over`].
    pub async fn run_session<S>(
        self: &Arc<Self>,
        stream: S,
        user: String,
        peer: Option<SocketAddr>,
    ) -> Result<SessionEnd, SessionError>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        self.run_session_over(stream, user, peer, Transport::Ssh)
            .await
    }

    /// [`SessionManager::run_session`] for a session over `transport`
    /// (what ietf-netconf-monitoring reports).
    pub async fn run_session_over<S>(
        self: &Arc<Self>,
        stream: S,
        user: String,
        peer: Option<SocketAddr>,
        transport: Transport,
    ) -> Result<SessionEnd, SessionError>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (kill_tx, mut kill_rx) = watch::channel(None);
        // Dropped at the very end: tells a killer that cleanup is complete.
        let (done_tx, done_rx) = watch::channel(());
        let (ctx, counters) = self.register(user, peer, transport, kill_tx, done_rx)?;
        let _guard = SessionGuard {
            manager: self.clone(),
            session_id: ctx.session_id,
        };
        tracing::info!(session_id = ctx.session_id, user = %ctx.user, ?peer, "NETCONF session started");
        let (rd, wr) = tokio::io::split(stream);
        let mut reader = FrameReader::new(rd, self.limits.max_message_size);
        let mut writer = FrameWriter::new(wr);
        let result = self
            .session_loop(&ctx, &counters, &mut reader, &mut writer, &mut kill_rx)
            .await;
        match &result {
            Ok(SessionEnd::Closed | SessionEnd::Killed) => {}
            // A bad hello counts as such, not as a dropped session.
            Err(SessionError::BadHello(_)) => bump(&self.stats.in_bad_hellos),
            _ => bump(&self.stats.dropped_sessions),
        }
        writer.shutdown().await;
        self.finish(ctx.session_id).await;
        let killed_by = *kill_rx.borrow();
        self.notify(
            NETCONF_STREAM,
            SystemTime::now(),
            &session_end_event(&ctx, &result, killed_by),
        );
        drop(done_tx);
        match &result {
            Ok(end) => tracing::info!(session_id = ctx.session_id, ?end, "NETCONF session ended"),
            Err(e) => {
                tracing::info!(session_id = ctx.session_id, error = %e, "NETCONF session ended")
            }
        }
        result
    }

    async fn session_loop<S: AsyncRead + AsyncWrite>(
        self: &Arc<Self>,
        ctx: &SessionCtx,
        counters: &AtomicCounters,
        reader: &mut FrameReader<ReadHalf<S>>,
        writer: &mut FrameWriter<WriteHalf<S>>,
        kill_rx: &mut watch::Receiver<Option<u32>>,
    ) -> Result<SessionEnd, SessionError> {
        let capabilities = self.capabilities();
        writer
            .send(server_hello(&capabilities, ctx.session_id).into())
            .await?;
        bump(&self.stats.in_sessions);

        let hello = tokio::select! {
            _ = kill_rx.changed() => return Ok(SessionEnd::Killed),
            r = tokio::time::timeout(self.limits.hello_timeout, reader.next()) => match r {
                Err(_) => return Err(SessionError::HelloTimeout(self.limits.hello_timeout)),
                Ok(Err(e)) => return Err(e.into()),
                Ok(Ok(None)) => return Err(SessionError::NoHello),
                Ok(Ok(Some(msg))) => msg,
            },
        };
        let hello = Hello::parse(&hello)?;
        hello.check_client()?;
        let base11 = hello.supports_base_1_1();
        if base11 {
            reader.codec.set_framing(Framing::Chunked);
            writer.codec.set_framing(Framing::Chunked);
        }
        tracing::debug!(session_id = ctx.session_id, base11, "hello exchanged");
        self.set_established(ctx.session_id);
        self.notify(NETCONF_STREAM, SystemTime::now(), &session_start_event(ctx));

        let mut notifications: Option<mpsc::Receiver<Arc<str>>> = None;
        let idle_timeout = self.limits.idle_timeout.filter(|d| !d.is_zero());
        let mut idle_deadline = idle_timeout.map(|d| tokio::time::Instant::now() + d);
        loop {
            tokio::select! {
                biased;
                _ = kill_rx.changed() => return Ok(SessionEnd::Killed),
                n = recv_notification(&mut notifications) => match n {
                    Some(n) => {
                        writer.send(Bytes::copy_from_slice(n.as_bytes())).await?;
                        self.count(counters, Count::OutNotification);
                    }
                    None => notifications = None,
                },
                msg = reader.next() => match msg {
                    Ok(Some(msg)) => {
                        // kill-session aborts an operation in progress (RFC 6241 §7.9).
                        let (reply, close) = tokio::select! {
                            biased;
                            _ = kill_rx.changed() => return Ok(SessionEnd::Killed),
                            r = self.handle_message(ctx, counters, &msg, base11, &mut notifications) => r,
                        };
                        idle_deadline = idle_timeout.map(|d| tokio::time::Instant::now() + d);
                        if close {
                            // Release locks before answering, so the client sees them gone.
                            self.finish(ctx.session_id).await;
                            send_reply(writer, reply).await?;
                            return Ok(SessionEnd::Closed);
                        }
                        send_reply(writer, reply).await?;
                    }
                    Ok(None) => return Ok(SessionEnd::Disconnected),
                    Err(FramingError::Io(e)) => return Err(FramingError::Io(e).into()),
                    Err(FramingError::Truncated) => return Ok(SessionEnd::Disconnected),
                    Err(e) => {
                        tracing::warn!(session_id = ctx.session_id, error = %e, "framing error; closing session");
                        self.count(counters, Count::InBadRpc);
                        self.count(counters, Count::OutRpcError);
                        let err = malformed(base11, format!("framing error: {e}"));
                        let _ = writer.send(rpc_reply(&[], &ReplyBody::Errors(vec![err])).into()).await;
                        return Ok(SessionEnd::FramingError);
                    }
                },
                // Polled after the reader: a request that is already there wins.
                _ = idle(idle_deadline), if notifications.is_none() => {
                    tracing::info!(session_id = ctx.session_id, "NETCONF session idle for too long; closing it");
                    return Ok(SessionEnd::IdleTimeout);
                }
            }
        }
    }

    /// Answers one message. Returns the reply and whether to close afterwards.
    async fn handle_message(
        self: &Arc<Self>,
        ctx: &SessionCtx,
        counters: &AtomicCounters,
        msg: &[u8],
        base11: bool,
        notifications: &mut Option<mpsc::Receiver<Arc<str>>>,
    ) -> (String, bool) {
        let rpc = match parse_rpc(msg) {
            Ok(rpc) => rpc,
            Err(e) => {
                tracing::debug!(session_id = ctx.session_id, error = %e, "rejected request");
                // RFC 6022 in-bad-rpcs: XML and rpc-layer errors. A
                // well-formed rpc with bad parameters is a correct <rpc>.
                if e.malformed || e.error.error_type == ErrorType::Rpc {
                    self.count(counters, Count::InBadRpc);
                } else {
                    self.count(counters, Count::InRpc);
                }
                self.count(counters, Count::OutRpcError);
                let error = if e.malformed {
                    malformed(base11, e.error.message.clone().unwrap_or_default())
                } else {
                    e.error
                };
                return (
                    rpc_reply(&e.attributes, &ReplyBody::Errors(vec![error])),
                    false,
                );
            }
        };
        tracing::debug!(session_id = ctx.session_id, message_id = %rpc.message_id, op = rpc.operation.name(), "rpc");
        self.count(counters, Count::InRpc);
        let b = &self.backend;
        let mut close = false;
        let result: BackendResult<ReplyBody> = match &rpc.operation {
            Operation::Get {
                filter,
                with_defaults,
            } => b
                .get(ctx, filter.as_ref(), *with_defaults)
                .await
                .map(ReplyBody::Data),
            Operation::GetConfig {
                source,
                filter,
                with_defaults,
            } => b
                .get_config(ctx, *source, filter.as_ref(), *with_defaults)
                .await
                .map(ReplyBody::Data),
            Operation::EditConfig(edit) => b.edit_config(ctx, edit).await.map(ok),
            Operation::CopyConfig {
                target,
                source,
                with_defaults,
            } => b
                .copy_config(ctx, target, source, *with_defaults)
                .await
                .map(ok),
            Operation::DeleteConfig { target } => b.delete_config(ctx, target).await.map(ok),
            Operation::Lock { target } => b.lock(ctx, *target).await.map(ok),
            Operation::Unlock { target } => b.unlock(ctx, *target).await.map(ok),
            Operation::Commit(commit) => b.commit(ctx, commit).await.map(ok),
            Operation::CancelCommit { persist_id } => {
                b.cancel_commit(ctx, persist_id.as_deref()).await.map(ok)
            }
            Operation::DiscardChanges => b.discard_changes(ctx).await.map(ok),
            Operation::Validate { source } => b.validate(ctx, source).await.map(ok),
            Operation::GetSchema(req) => b.get_schema(ctx, req).await.map(ReplyBody::SchemaText),
            Operation::GetData(req) => b.get_data(ctx, req).await.map(ReplyBody::NmdaData),
            Operation::EditData(req) => b.edit_data(ctx, req).await.map(ok),
            Operation::Other {
                namespace,
                name,
                xml,
            } => b
                .rpc(ctx, namespace.as_deref(), name, xml)
                .await
                .map(|out| out.map_or(ReplyBody::Ok, ReplyBody::Raw)),
            Operation::CloseSession => {
                close = true;
                Ok(ReplyBody::Ok)
            }
            Operation::KillSession { session_id } => {
                self.kill_session(ctx, *session_id).await.map(ok)
            }
            Operation::CreateSubscription(req) => {
                if notifications.is_some() {
                    Err(RpcError::in_use("a subscription is already active on this session").into())
                } else {
                    match b.create_subscription(ctx, req).await {
                        Ok(()) => {
                            let (tx, rx) = mpsc::channel(self.limits.notification_queue.max(1));
                            let mut reg = self.registry();
                            if let Some(entry) = reg.sessions.get_mut(&ctx.session_id) {
                                entry.subscription = Some(Subscription {
                                    stream: req
                                        .stream
                                        .clone()
                                        .unwrap_or_else(|| NETCONF_STREAM.to_string()),
                                    filter: req.filter.clone(),
                                    tx,
                                });
                            }
                            *notifications = Some(rx);
                            Ok(ReplyBody::Ok)
                        }
                        Err(e) => Err(e),
                    }
                }
            }
        };
        let body = result.unwrap_or_else(|RpcErrors(errors)| {
            self.count(counters, Count::OutRpcError);
            if errors.is_empty() {
                ReplyBody::Errors(vec![RpcError::operation_failed("the operation failed")])
            } else {
                ReplyBody::Errors(errors)
            }
        });
        (rpc_reply(&rpc.attributes, &body), close)
    }

    async fn kill_session(&self, ctx: &SessionCtx, target: u32) -> BackendResult<()> {
        if target == ctx.session_id {
            return Err(
                RpcError::invalid_value("a session cannot kill itself; use close-session")
                    .with_info(ErrorInfo::BadElement("session-id".into()))
                    .into(),
            );
        }
        let mut done = {
            let reg = self.registry();
            let Some(entry) = reg.sessions.get(&target) else {
                return Err(
                    RpcError::invalid_value(format!("no session with id {target}"))
                        .with_info(ErrorInfo::BadElement("session-id".into()))
                        .into(),
                );
            };
            let _ = entry.kill.send(Some(ctx.session_id));
            entry.done.clone()
        };
        tracing::info!(session_id = ctx.session_id, killed = target, "kill-session");
        // The killed session aborts what it is doing, releases its resources
        // through the backend and then closes its done channel.
        let stopped =
            tokio::time::timeout(KILL_WAIT, async { while done.changed().await.is_ok() {} }).await;
        if stopped.is_err() {
            tracing::warn!(
                killed = target,
                "killed session did not stop in time; releasing its resources"
            );
            self.finish(target).await;
        }
        Ok(())
    }
}

fn ok(_: ()) -> ReplyBody {
    ReplyBody::Ok
}

/// `malformed-message` is new in base:1.1 and must not go to base:1.0 clients
/// (RFC 6241 Appendix A); those get `operation-failed`.
fn malformed(base11: bool, message: String) -> RpcError {
    if base11 {
        RpcError::malformed_message(message)
    } else {
        RpcError::new(ErrorType::Rpc, ErrorTag::OperationFailed).with_message(message)
    }
}

/// ietf-netconf-notifications (RFC 6470) namespace.
const NS_NETCONF_NOTIFICATIONS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications";

/// username, session-id and source-host, common to both session events.
fn session_event_leaves(ctx: &SessionCtx) -> String {
    let mut out = format!(
        "<username>{}</username><session-id>{}</session-id>",
        netconf_proto::xml::escape(&ctx.user),
        ctx.session_id
    );
    if let Some(peer) = ctx.peer {
        out.push_str(&format!("<source-host>{}</source-host>", peer.ip()));
    }
    out
}

/// `netconf-session-start` (RFC 6470), sent once the hellos are exchanged.
fn session_start_event(ctx: &SessionCtx) -> String {
    format!(
        "<netconf-session-start xmlns=\"{NS_NETCONF_NOTIFICATIONS}\">{}</netconf-session-start>",
        session_event_leaves(ctx)
    )
}

/// `netconf-session-end` (RFC 6470) with the termination reason, and the
/// killer when another session killed this one.
fn session_end_event(
    ctx: &SessionCtx,
    result: &Result<SessionEnd, SessionError>,
    killed_by: Option<u32>,
) -> String {
    let (reason, killer) = match result {
        Ok(SessionEnd::Closed) => ("closed", None),
        Ok(SessionEnd::Killed) => match killed_by {
            Some(id) if id != 0 => ("killed", Some(id)),
            // Ended by the server shutting down.
            _ => ("other", None),
        },
        Ok(SessionEnd::Disconnected | SessionEnd::FramingError) => ("dropped", None),
        Ok(SessionEnd::IdleTimeout) | Err(SessionError::HelloTimeout(_)) => ("timeout", None),
        Err(SessionError::BadHello(_)) => ("bad-hello", None),
        Err(_) => ("dropped", None),
    };
    let mut out = format!(
        "<netconf-session-end xmlns=\"{NS_NETCONF_NOTIFICATIONS}\">{}",
        session_event_leaves(ctx)
    );
    if let Some(killer) = killer {
        out.push_str(&format!("<killed-by>{killer}</killed-by>"));
    }
    out.push_str(&format!(
        "<termination-reason>{reason}</termination-reason></netconf-session-end>"
    ));
    out
}

/// Completes at `deadline`; never without one.
async fn idle(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

async fn recv_notification(rx: &mut Option<mpsc::Receiver<Arc<str>>>) -> Option<Arc<str>> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Sends a reply; a reply that cannot be framed (an end-of-message session
/// and a payload containing `]]>]]>`) is replaced by an rpc-error.
async fn send_reply<W: AsyncWrite + Unpin>(
    writer: &mut FrameWriter<W>,
    reply: String,
) -> Result<(), FramingError> {
    match writer.send(reply.into()).await {
        Err(FramingError::DelimiterInMessage) => {
            let err = RpcError::operation_failed(
                "the reply contains ']]>]]>' and cannot be sent with end-of-message framing",
            );
            writer
                .send(rpc_reply(&[], &ReplyBody::Errors(vec![err])).into())
                .await
        }
        other => other,
    }
}

/// Minimal frame reader/writer on top of [`NetconfCodec`] (no extra
/// dependencies; reading is cancel-safe because partial input stays in the buffer).
mod frames {
    use super::*;
    use tokio_util::codec::{Decoder, Encoder};

    pub struct FrameReader<R> {
        inner: R,
        buf: BytesMut,
        pub codec: NetconfCodec,
        eof: bool,
    }

    impl<R: AsyncRead + Unpin> FrameReader<R> {
        pub fn new(inner: R, max_message_size: usize) -> Self {
            FrameReader {
                inner,
                buf: BytesMut::with_capacity(8192),
                codec: NetconfCodec::new(max_message_size),
                eof: false,
            }
        }

        /// The next message, `None` at a clean end of stream.
        pub async fn next(&mut self) -> Result<Option<Bytes>, FramingError> {
            loop {
                if self.eof {
                    return self.codec.decode_eof(&mut self.buf);
                }
                if let Some(msg) = self.codec.decode(&mut self.buf)? {
                    return Ok(Some(msg));
                }
                self.buf.reserve(8192);
                if self.inner.read_buf(&mut self.buf).await? == 0 {
                    self.eof = true;
                }
            }
        }
    }

    pub struct FrameWriter<W> {
        inner: W,
        buf: BytesMut,
        pub codec: NetconfCodec,
    }

    impl<W: AsyncWrite + Unpin> FrameWriter<W> {
        pub fn new(inner: W) -> Self {
            FrameWriter {
                inner,
                buf: BytesMut::new(),
                codec: NetconfCodec::default(),
            }
        }

        pub async fn send(&mut self, msg: Bytes) -> Result<(), FramingError> {
            self.buf.clear();
            self.codec.encode(msg, &mut self.buf)?;
            self.inner.write_all(&self.buf).await?;
            self.inner.flush().await?;
            Ok(())
        }

        pub async fn shutdown(&mut self) {
            let _ = self.inner.shutdown().await;
        }
    }
}
