//! The interface between the NETCONF server and the datastore behind it.

use std::future::Future;
use std::net::SocketAddr;

use netconf_proto::{
    Commit, ConfigSource, ConfigTarget, CreateSubscription, Datastore, EditConfig, EditData,
    Filter, GetData, GetSchema, RpcError, WithDefaults,
};

/// Who is calling: passed to every backend method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCtx {
    /// The NETCONF session id (also sent in the server hello).
    pub session_id: u32,
    /// The authenticated user name.
    pub user: String,
    /// The client's address, when known.
    pub peer: Option<SocketAddr>,
}

/// One or more rpc-errors answering a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcErrors(pub Vec<RpcError>);

impl From<RpcError> for RpcErrors {
    fn from(e: RpcError) -> Self {
        RpcErrors(vec![e])
    }
}

impl From<Vec<RpcError>> for RpcErrors {
    fn from(v: Vec<RpcError>) -> Self {
        RpcErrors(v)
    }
}

impl std::fmt::Display for RpcErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for RpcErrors {}

/// Result of a backend call.
pub type BackendResult<T> = Result<T, RpcErrors>;

fn not_supported<T>(what: &str) -> BackendResult<T> {
    Err(RpcError::operation_not_supported(format!("{what} is not supported by this server")).into())
}

/// The datastore side of the NETCONF server: one async method per protocol
/// operation. Data is exchanged as XML text (what libyang parses and prints);
/// failures are structured rpc-errors.
///
/// Lock bookkeeping, confirmed-commit timers and candidate handling belong to
/// the backend; the server calls [`NetconfBackend::session_closed`] whenever a
/// session ends (close-session, kill-session, disconnect), so the backend can
/// release that session's locks (RFC 6241 §7.5) and roll back an unconfirmed
/// non-persistent commit (§8.4).
///
/// Methods with a default answer `operation-not-supported`.
pub trait NetconfBackend: Send + Sync + 'static {
    /// Capability URIs to announce besides `:base:1.0` and `:base:1.1` (which
    /// the server always adds): `:candidate`, `:notification`, and one
    /// `urn:…?module=…&revision=…` per YANG module, for example.
    fn capabilities(&self) -> Vec<String>;

    /// `<get>`: running configuration and state; returns the content of `<data>`.
    fn get(
        &self,
        session: &SessionCtx,
        filter: Option<&Filter>,
        with_defaults: Option<WithDefaults>,
    ) -> impl Future<Output = BackendResult<String>> + Send;

    /// `<get-config>`: returns the content of `<data>`.
    fn get_config(
        &self,
        session: &SessionCtx,
        source: Datastore,
        filter: Option<&Filter>,
        with_defaults: Option<WithDefaults>,
    ) -> impl Future<Output = BackendResult<String>> + Send;

    /// `<edit-config>`.
    fn edit_config(
        &self,
        session: &SessionCtx,
        edit: &EditConfig,
    ) -> impl Future<Output = BackendResult<()>> + Send;

    /// `<copy-config>`.
    fn copy_config(
        &self,
        session: &SessionCtx,
        target: &ConfigTarget,
        source: &ConfigSource,
        with_defaults: Option<WithDefaults>,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = (session, target, source, with_defaults);
        async { not_supported("copy-config") }
    }

    /// `<delete-config>`.
    fn delete_config(
        &self,
        session: &SessionCtx,
        target: &ConfigTarget,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = (session, target);
        async { not_supported("delete-config") }
    }

    /// `<lock>`; answer `lock-denied` with the holder's session id when taken.
    fn lock(
        &self,
        session: &SessionCtx,
        target: Datastore,
    ) -> impl Future<Output = BackendResult<()>> + Send;

    /// `<unlock>`.
    fn unlock(
        &self,
        session: &SessionCtx,
        target: Datastore,
    ) -> impl Future<Output = BackendResult<()>> + Send;

    /// `<commit>` (`:candidate`, `:confirmed-commit`).
    fn commit(
        &self,
        session: &SessionCtx,
        commit: &Commit,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = (session, commit);
        async { not_supported("commit") }
    }

    /// `<cancel-commit>`.
    fn cancel_commit(
        &self,
        session: &SessionCtx,
        persist_id: Option<&str>,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = (session, persist_id);
        async { not_supported("cancel-commit") }
    }

    /// `<discard-changes>`.
    fn discard_changes(
        &self,
        session: &SessionCtx,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = session;
        async { not_supported("discard-changes") }
    }

    /// `<validate>`.
    fn validate(
        &self,
        session: &SessionCtx,
        source: &ConfigSource,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = (session, source);
        async { not_supported("validate") }
    }

    /// `<get-schema>`: returns the schema text (YANG or YIN).
    fn get_schema(
        &self,
        session: &SessionCtx,
        request: &GetSchema,
    ) -> impl Future<Output = BackendResult<String>> + Send {
        let _ = (session, request);
        async { not_supported("get-schema") }
    }

    /// `<get-data>` (NMDA): returns the content of the nmda `<data>`.
    fn get_data(
        &self,
        session: &SessionCtx,
        request: &GetData,
    ) -> impl Future<Output = BackendResult<String>> + Send {
        let _ = (session, request);
        async { not_supported("get-data") }
    }

    /// `<edit-data>` (NMDA).
    fn edit_data(
        &self,
        session: &SessionCtx,
        request: &EditData,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = (session, request);
        async { not_supported("edit-data") }
    }

    /// Any other (YANG-defined) RPC. `xml` is the operation element,
    /// standalone. Returns the output elements to put in `<rpc-reply>`
    /// (`None` answers `<ok/>`).
    fn rpc(
        &self,
        session: &SessionCtx,
        namespace: Option<&str>,
        name: &str,
        xml: &str,
    ) -> impl Future<Output = BackendResult<Option<String>>> + Send {
        let _ = (session, namespace, xml);
        let msg = format!("RPC '{name}' is not supported by this server");
        async move { Err(RpcError::operation_not_supported(msg).into()) }
    }

    /// `<create-subscription>`: accept or refuse the request. The default
    /// accepts the `NETCONF` stream without filter or replay. A backend that
    /// accepts filters must also override [`NetconfBackend::notification_matches`].
    fn create_subscription(
        &self,
        session: &SessionCtx,
        request: &CreateSubscription,
    ) -> impl Future<Output = BackendResult<()>> + Send {
        let _ = session;
        let result = default_subscription_check(request);
        async move { result }
    }

    /// Whether a notification passes a subscription's filter. Only called
    /// for subscriptions with a filter (which the default
    /// `create_subscription` refuses).
    fn notification_matches(&self, filter: &Filter, content_xml: &str) -> bool {
        let _ = (filter, content_xml);
        false
    }

    /// The session ended: release its locks, roll back its unconfirmed
    /// commit, forget its state.
    fn session_closed(&self, session: &SessionCtx) -> impl Future<Output = ()> + Send;
}

/// The default subscription policy: stream `NETCONF` only, no filter, no replay.
pub fn default_subscription_check(request: &CreateSubscription) -> BackendResult<()> {
    if let Some(stream) = &request.stream
        && stream != crate::NETCONF_STREAM
    {
        return Err(RpcError::new(
            netconf_proto::ErrorType::Application,
            netconf_proto::ErrorTag::InvalidValue,
        )
        .with_message(format!("no such event stream '{stream}'"))
        .into());
    }
    if request.filter.is_some() {
        return not_supported("filtering notifications");
    }
    if request.start_time.is_some() {
        return not_supported("notification replay (startTime)");
    }
    Ok(())
}
