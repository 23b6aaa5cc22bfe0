//! `<rpc>` envelope parsing (RFC 6241 §4.1, §7; RFC 5277; RFC 6022; RFC 8526).
//!
//! The envelope and the operation's parameters are parsed; payloads
//! (`<config>`, subtree filters, YANG-defined RPCs) stay raw XML text with
//! the namespace declarations in scope copied onto their top elements, so
//! libyang can parse them standalone.

use crate::error::{ErrorInfo, ErrorTag, ErrorType, RpcError};
use crate::filter::Filter;
use crate::xml::{self, Element, XmlError, escape};
use crate::{NS_BASE, NS_DATASTORES, NS_MONITORING, NS_NMDA, NS_NOTIFICATION, NS_WITH_DEFAULTS};

/// A conventional configuration datastore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Datastore {
    Running,
    Candidate,
    Startup,
}

impl Datastore {
    /// The element name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Datastore::Running => "running",
            Datastore::Candidate => "candidate",
            Datastore::Startup => "startup",
        }
    }
}

/// A `<target>` of copy-config / delete-config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigTarget {
    Datastore(Datastore),
    Url(String),
}

/// A `<source>` of copy-config / validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    Datastore(Datastore),
    Url(String),
    /// Inline `<config>` content, standalone XML.
    Config(String),
}

/// The edit of edit-config / edit-data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditContent {
    /// `<config>` content, standalone XML (may carry `nc:operation` attributes).
    Config(String),
    Url(String),
}

/// `<default-operation>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DefaultOperation {
    #[default]
    Merge,
    Replace,
    None,
}

/// `<test-option>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestOption {
    TestThenSet,
    Set,
    TestOnly,
}

/// `<error-option>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorOption {
    #[default]
    StopOnError,
    ContinueOnError,
    RollbackOnError,
}

/// RFC 6243 `<with-defaults>` mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithDefaults {
    ReportAll,
    ReportAllTagged,
    Trim,
    Explicit,
}

/// Parameters of `<edit-config>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditConfig {
    pub target: Datastore,
    pub default_operation: DefaultOperation,
    pub test_option: Option<TestOption>,
    pub error_option: ErrorOption,
    pub content: EditContent,
}

/// Parameters of `<commit>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commit {
    pub confirmed: bool,
    /// Seconds; RFC 6241 default is 600 when `confirmed` and unset.
    pub confirm_timeout: Option<u32>,
    pub persist: Option<String>,
    pub persist_id: Option<String>,
}

/// An NMDA datastore identity (RFC 8342).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NmdaDatastore {
    Running,
    Candidate,
    Startup,
    Intended,
    Operational,
    /// An identity from another module.
    Other {
        namespace: String,
        name: String,
    },
}

/// Parameters of `<get-data>` (RFC 8526).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetData {
    pub datastore: NmdaDatastore,
    pub filter: Option<Filter>,
    pub config_filter: Option<bool>,
    /// Origin identities as `(namespace, name)`.
    pub origin_filter: Vec<(String, String)>,
    pub negated_origin_filter: Vec<(String, String)>,
    /// `None` is unbounded.
    pub max_depth: Option<u16>,
    pub with_origin: bool,
    pub with_defaults: Option<WithDefaults>,
}

/// Parameters of `<edit-data>` (RFC 8526).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditData {
    pub datastore: NmdaDatastore,
    pub default_operation: DefaultOperation,
    pub content: EditContent,
}

/// Parameters of `<create-subscription>` (RFC 5277).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateSubscription {
    pub stream: Option<String>,
    pub filter: Option<Filter>,
    /// RFC 3339 date-time as sent.
    pub start_time: Option<String>,
    pub stop_time: Option<String>,
}

/// Parameters of `<get-schema>` (RFC 6022).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSchema {
    pub identifier: String,
    pub version: Option<String>,
    /// Format identity name without prefix (`yang`, `yin`), if given.
    pub format: Option<String>,
}

/// A NETCONF operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Get {
        filter: Option<Filter>,
        with_defaults: Option<WithDefaults>,
    },
    GetConfig {
        source: Datastore,
        filter: Option<Filter>,
        with_defaults: Option<WithDefaults>,
    },
    EditConfig(EditConfig),
    CopyConfig {
        target: ConfigTarget,
        source: ConfigSource,
        with_defaults: Option<WithDefaults>,
    },
    DeleteConfig {
        target: ConfigTarget,
    },
    Lock {
        target: Datastore,
    },
    Unlock {
        target: Datastore,
    },
    CloseSession,
    KillSession {
        session_id: u32,
    },
    Commit(Commit),
    CancelCommit {
        persist_id: Option<String>,
    },
    DiscardChanges,
    Validate {
        source: ConfigSource,
    },
    GetSchema(GetSchema),
    CreateSubscription(CreateSubscription),
    GetData(GetData),
    EditData(EditData),
    /// Any other RPC (YANG-defined): the operation element as standalone XML.
    Other {
        namespace: Option<String>,
        name: String,
        xml: String,
    },
}

impl Operation {
    /// The operation's element name (for logs).
    pub fn name(&self) -> &str {
        match self {
            Operation::Get { .. } => "get",
            Operation::GetConfig { .. } => "get-config",
            Operation::EditConfig(_) => "edit-config",
            Operation::CopyConfig { .. } => "copy-config",
            Operation::DeleteConfig { .. } => "delete-config",
            Operation::Lock { .. } => "lock",
            Operation::Unlock { .. } => "unlock",
            Operation::CloseSession => "close-session",
            Operation::KillSession { .. } => "kill-session",
            Operation::Commit(_) => "commit",
            Operation::CancelCommit { .. } => "cancel-commit",
            Operation::DiscardChanges => "discard-changes",
            Operation::Validate { .. } => "validate",
            Operation::GetSchema(_) => "get-schema",
            Operation::CreateSubscription(_) => "create-subscription",
            Operation::GetData(_) => "get-data",
            Operation::EditData(_) => "edit-data",
            Operation::Other { name, .. } => name,
        }
    }
}

/// An attribute of `<rpc>` to echo on `<rpc-reply>` (RFC 6241 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyAttr {
    /// Qualified name as written (`message-id`, `xmlns:ex`, `ex:user-id`).
    pub qname: String,
    pub value: String,
}

impl ReplyAttr {
    /// Writes ` qname="value"`.
    pub fn write(&self, out: &mut String) {
        out.push(' ');
        out.push_str(&self.qname);
        out.push_str("=\"");
        out.push_str(&escape(&self.value));
        out.push('"');
    }
}

/// A parsed `<rpc>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpc {
    pub message_id: String,
    /// All attributes to echo on the reply (message-id included, the
    /// default namespace declaration excluded).
    pub attributes: Vec<ReplyAttr>,
    pub operation: Operation,
}

/// An `<rpc>` that could not be accepted, with what is needed to answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcParseError {
    /// Attributes to echo (empty when the envelope itself was unreadable).
    pub attributes: Vec<ReplyAttr>,
    pub error: RpcError,
    /// The message was not well-formed XML / not UTF-8 (as opposed to a
    /// well-formed but invalid request).
    pub malformed: bool,
}

impl std::fmt::Display for RpcParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for RpcParseError {}

type PResult<T> = Result<T, RpcError>;

fn unknown_element(el: &Element) -> RpcError {
    RpcError::new(ErrorType::Protocol, ErrorTag::UnknownElement)
        .with_message(format!("unexpected element <{}>", el.name))
        .with_info(ErrorInfo::BadElement(el.name.clone()))
}

fn missing_element(name: &str) -> RpcError {
    RpcError::new(ErrorType::Protocol, ErrorTag::MissingElement)
        .with_message(format!("missing element <{name}>"))
        .with_info(ErrorInfo::BadElement(name.to_string()))
}

fn bad_element(name: &str, why: impl Into<String>) -> RpcError {
    RpcError::new(ErrorType::Protocol, ErrorTag::BadElement)
        .with_message(why.into())
        .with_info(ErrorInfo::BadElement(name.to_string()))
}

fn duplicate(el: &Element) -> RpcError {
    bad_element(
        &el.name,
        format!("element <{}> given more than once", el.name),
    )
}

/// Parses one framed message as an `<rpc>`.
pub fn parse_rpc(msg: &[u8]) -> Result<Rpc, RpcParseError> {
    let malformed = |e: XmlError| RpcParseError {
        attributes: Vec::new(),
        error: RpcError::malformed_message(e.to_string()),
        malformed: true,
    };
    let text = std::str::from_utf8(msg).map_err(|_| malformed(XmlError::NotUtf8))?;
    let text = xml::strip_bom(text);
    let root = xml::parse_document(text).map_err(malformed)?;
    let fail = |attributes: Vec<ReplyAttr>, error: RpcError| RpcParseError {
        attributes,
        error,
        malformed: false,
    };

    if root.name != "rpc" {
        return Err(fail(
            Vec::new(),
            RpcError::new(ErrorType::Rpc, ErrorTag::UnknownElement)
                .with_message(format!("expected <rpc>, got <{}>", root.name))
                .with_info(ErrorInfo::BadElement(root.name.clone())),
        ));
    }
    if root.ns.as_deref() != Some(NS_BASE) {
        return Err(fail(
            Vec::new(),
            RpcError::new(ErrorType::Rpc, ErrorTag::UnknownNamespace)
                .with_message("<rpc> is not in the NETCONF base namespace")
                .with_info(ErrorInfo::BadElement("rpc".into()))
                .with_info(ErrorInfo::BadNamespace(root.ns.clone().unwrap_or_default())),
        ));
    }

    // Attributes to echo: everything but the default namespace declaration
    // (the reply declares its own).
    let mut attributes: Vec<ReplyAttr> = root
        .ns_decls
        .iter()
        .filter_map(|(p, uri)| {
            p.as_ref().map(|p| ReplyAttr {
                qname: format!("xmlns:{p}"),
                value: uri.clone(),
            })
        })
        .collect();
    attributes.extend(root.attrs.iter().map(|a| ReplyAttr {
        qname: a.qname.clone(),
        value: a.value.clone(),
    }));

    let message_id = root
        .attrs
        .iter()
        .find(|a| a.name == "message-id" && (a.ns.is_none() || a.ns.as_deref() == Some(NS_BASE)))
        .map(|a| a.value.clone());
    let Some(message_id) = message_id else {
        return Err(fail(
            attributes,
            RpcError::new(ErrorType::Rpc, ErrorTag::MissingAttribute)
                .with_message("<rpc> has no message-id attribute")
                .with_info(ErrorInfo::BadAttribute("message-id".into()))
                .with_info(ErrorInfo::BadElement("rpc".into())),
        ));
    };

    if root.has_text() {
        return Err(fail(
            attributes,
            bad_element("rpc", "text content inside <rpc>"),
        ));
    }
    let mut ops = root.elements();
    let Some(op) = ops.next() else {
        return Err(fail(
            attributes,
            RpcError::new(ErrorType::Rpc, ErrorTag::MissingElement)
                .with_message("<rpc> contains no operation")
                .with_info(ErrorInfo::BadElement("rpc".into())),
        ));
    };
    if let Some(extra) = ops.next() {
        return Err(fail(
            attributes,
            RpcError::new(ErrorType::Rpc, ErrorTag::BadElement)
                .with_message("<rpc> contains more than one operation")
                .with_info(ErrorInfo::BadElement(extra.name.clone())),
        ));
    }

    match parse_operation(text, &root, op) {
        Ok(operation) => Ok(Rpc {
            message_id,
            attributes,
            operation,
        }),
        Err(error) => Err(fail(attributes, error)),
    }
}

fn parse_operation(src: &str, rpc: &Element, op: &Element) -> PResult<Operation> {
    let ns = op.ns.as_deref();
    let name = op.name.as_str();
    match (ns, name) {
        (Some(NS_BASE), _) => parse_base_operation(src, op),
        (Some(NS_MONITORING), "get-schema") => parse_get_schema(op).map(Operation::GetSchema),
        (Some(NS_NOTIFICATION), "create-subscription") => {
            parse_create_subscription(src, op).map(Operation::CreateSubscription)
        }
        (Some(NS_NMDA), "get-data") => parse_get_data(src, op).map(Operation::GetData),
        (Some(NS_NMDA), "edit-data") => parse_edit_data(src, op).map(Operation::EditData),
        _ => Ok(Operation::Other {
            namespace: op.ns.clone(),
            name: op.name.clone(),
            xml: rpc.inner_xml_standalone(src).trim().to_string(),
        }),
    }
}

/// Iterates the parameters of an operation, refusing text content.
fn params(op: &Element) -> PResult<impl Iterator<Item = &Element>> {
    if op.has_text() {
        return Err(bad_element(
            &op.name,
            format!("text content inside <{}>", op.name),
        ));
    }
    Ok(op.elements())
}

fn set_once<T>(slot: &mut Option<T>, el: &Element, value: T) -> PResult<()> {
    if slot.is_some() {
        return Err(duplicate(el));
    }
    *slot = Some(value);
    Ok(())
}

fn leaf_text(el: &Element) -> PResult<String> {
    if el.elements().next().is_some() {
        return Err(bad_element(
            &el.name,
            format!("<{}> must contain text only", el.name),
        ));
    }
    Ok(el.text().trim().to_string())
}

fn empty_leaf(el: &Element) -> PResult<()> {
    if el.elements().next().is_some() || el.has_text() {
        return Err(bad_element(
            &el.name,
            format!("<{}> must be empty", el.name),
        ));
    }
    Ok(())
}

/// `<target>`/`<source>`: exactly one child naming a datastore (or url/config).
fn single_choice(el: &Element) -> PResult<&Element> {
    if el.has_text() {
        return Err(bad_element(
            &el.name,
            format!("text content inside <{}>", el.name),
        ));
    }
    let mut kids = el.elements();
    let first = kids
        .next()
        .ok_or_else(|| bad_element(&el.name, format!("<{}> names no datastore", el.name)))?;
    if kids.next().is_some() {
        return Err(bad_element(
            &el.name,
            format!("<{}> names more than one datastore", el.name),
        ));
    }
    if base_ns(first) != Some(NS_BASE) {
        return Err(unknown_element(first));
    }
    Ok(first)
}

fn datastore_of(choice: &Element, allowed: &[Datastore]) -> PResult<Datastore> {
    let ds = match choice.name.as_str() {
        "running" => Datastore::Running,
        "candidate" => Datastore::Candidate,
        "startup" => Datastore::Startup,
        _ => return Err(unknown_element(choice)),
    };
    empty_leaf(choice)?;
    if !allowed.contains(&ds) {
        return Err(RpcError::new(ErrorType::Protocol, ErrorTag::InvalidValue)
            .with_message(format!("datastore '{}' is not allowed here", ds.as_str()))
            .with_info(ErrorInfo::BadElement(choice.name.clone())));
    }
    Ok(ds)
}

const ALL_DS: [Datastore; 3] = [Datastore::Running, Datastore::Candidate, Datastore::Startup];

fn parse_target(el: &Element, allowed: &[Datastore]) -> PResult<ConfigTarget> {
    let choice = single_choice(el)?;
    if choice.name == "url" {
        return Ok(ConfigTarget::Url(leaf_text(choice)?));
    }
    datastore_of(choice, allowed).map(ConfigTarget::Datastore)
}

fn parse_source(src: &str, el: &Element) -> PResult<ConfigSource> {
    let choice = single_choice(el)?;
    match choice.name.as_str() {
        "url" => Ok(ConfigSource::Url(leaf_text(choice)?)),
        "config" => Ok(ConfigSource::Config(config_payload(src, choice)?)),
        _ => datastore_of(choice, &ALL_DS).map(ConfigSource::Datastore),
    }
}

fn config_payload(src: &str, config: &Element) -> PResult<String> {
    if config.has_text() {
        return Err(bad_element("config", "text content inside <config>"));
    }
    Ok(config.inner_xml_standalone(src).trim().to_string())
}

fn parse_with_defaults(el: &Element) -> PResult<WithDefaults> {
    match leaf_text(el)?.as_str() {
        "report-all" => Ok(WithDefaults::ReportAll),
        "report-all-tagged" => Ok(WithDefaults::ReportAllTagged),
        "trim" => Ok(WithDefaults::Trim),
        "explicit" => Ok(WithDefaults::Explicit),
        other => Err(bad_element(
            "with-defaults",
            format!("invalid with-defaults mode '{other}'"),
        )),
    }
}

fn parse_default_operation(el: &Element) -> PResult<DefaultOperation> {
    match leaf_text(el)?.as_str() {
        "merge" => Ok(DefaultOperation::Merge),
        "replace" => Ok(DefaultOperation::Replace),
        "none" => Ok(DefaultOperation::None),
        other => Err(bad_element(
            &el.name,
            format!("invalid default-operation '{other}'"),
        )),
    }
}

fn parse_base_operation(src: &str, op: &Element) -> PResult<Operation> {
    match op.name.as_str() {
        "get" => {
            let (mut filter, mut wd) = (None, None);
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "filter") => set_once(&mut filter, p, Filter::parse(src, p)?)?,
                    (Some(NS_WITH_DEFAULTS), "with-defaults") => {
                        set_once(&mut wd, p, parse_with_defaults(p)?)?
                    }
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::Get {
                filter,
                with_defaults: wd,
            })
        }
        "get-config" => {
            let (mut source, mut filter, mut wd) = (None, None, None);
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "source") => {
                        set_once(&mut source, p, datastore_of(single_choice(p)?, &ALL_DS)?)?
                    }
                    (Some(NS_BASE), "filter") => set_once(&mut filter, p, Filter::parse(src, p)?)?,
                    (Some(NS_WITH_DEFAULTS), "with-defaults") => {
                        set_once(&mut wd, p, parse_with_defaults(p)?)?
                    }
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::GetConfig {
                source: source.ok_or_else(|| missing_element("source"))?,
                filter,
                with_defaults: wd,
            })
        }
        "edit-config" => {
            let (mut target, mut dop, mut test, mut errop, mut content) =
                (None, None, None, None, None);
            for p in params(op)? {
                if base_ns(p) != Some(NS_BASE) {
                    return Err(unknown_element(p));
                }
                match p.name.as_str() {
                    "target" => set_once(
                        &mut target,
                        p,
                        datastore_of(
                            single_choice(p)?,
                            &[Datastore::Running, Datastore::Candidate],
                        )?,
                    )?,
                    "default-operation" => set_once(&mut dop, p, parse_default_operation(p)?)?,
                    "test-option" => {
                        let v = match leaf_text(p)?.as_str() {
                            "test-then-set" => TestOption::TestThenSet,
                            "set" => TestOption::Set,
                            "test-only" => TestOption::TestOnly,
                            other => {
                                return Err(bad_element(
                                    "test-option",
                                    format!("invalid test-option '{other}'"),
                                ));
                            }
                        };
                        set_once(&mut test, p, v)?
                    }
                    "error-option" => {
                        let v = match leaf_text(p)?.as_str() {
                            "stop-on-error" => ErrorOption::StopOnError,
                            "continue-on-error" => ErrorOption::ContinueOnError,
                            "rollback-on-error" => ErrorOption::RollbackOnError,
                            other => {
                                return Err(bad_element(
                                    "error-option",
                                    format!("invalid error-option '{other}'"),
                                ));
                            }
                        };
                        set_once(&mut errop, p, v)?
                    }
                    "config" => set_once(
                        &mut content,
                        p,
                        EditContent::Config(config_payload(src, p)?),
                    )?,
                    "url" => set_once(&mut content, p, EditContent::Url(leaf_text(p)?))?,
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::EditConfig(EditConfig {
                target: target.ok_or_else(|| missing_element("target"))?,
                default_operation: dop.unwrap_or_default(),
                test_option: test,
                error_option: errop.unwrap_or_default(),
                content: content.ok_or_else(|| missing_element("config"))?,
            }))
        }
        "copy-config" => {
            let (mut target, mut source, mut wd) = (None, None, None);
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "target") => {
                        set_once(&mut target, p, parse_target(p, &ALL_DS)?)?
                    }
                    (Some(NS_BASE), "source") => set_once(&mut source, p, parse_source(src, p)?)?,
                    (Some(NS_WITH_DEFAULTS), "with-defaults") => {
                        set_once(&mut wd, p, parse_with_defaults(p)?)?
                    }
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::CopyConfig {
                target: target.ok_or_else(|| missing_element("target"))?,
                source: source.ok_or_else(|| missing_element("source"))?,
                with_defaults: wd,
            })
        }
        "delete-config" => {
            let mut target = None;
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "target") => {
                        set_once(&mut target, p, parse_target(p, &[Datastore::Startup])?)?
                    }
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::DeleteConfig {
                target: target.ok_or_else(|| missing_element("target"))?,
            })
        }
        "lock" | "unlock" => {
            let mut target = None;
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "target") => {
                        set_once(&mut target, p, datastore_of(single_choice(p)?, &ALL_DS)?)?
                    }
                    _ => return Err(unknown_element(p)),
                }
            }
            let target = target.ok_or_else(|| missing_element("target"))?;
            Ok(if op.name == "lock" {
                Operation::Lock { target }
            } else {
                Operation::Unlock { target }
            })
        }
        "close-session" => {
            no_params(op)?;
            Ok(Operation::CloseSession)
        }
        "discard-changes" => {
            no_params(op)?;
            Ok(Operation::DiscardChanges)
        }
        "kill-session" => {
            let mut id = None;
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "session-id") => {
                        let v: u32 =
                            leaf_text(p)?
                                .parse()
                                .ok()
                                .filter(|v| *v != 0)
                                .ok_or_else(|| {
                                    bad_element(
                                        "session-id",
                                        "session-id must be a number 1..4294967295",
                                    )
                                })?;
                        set_once(&mut id, p, v)?
                    }
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::KillSession {
                session_id: id.ok_or_else(|| missing_element("session-id"))?,
            })
        }
        "commit" => {
            let mut c = Commit::default();
            let (mut confirmed, mut timeout, mut persist, mut persist_id) =
                (None, None, None, None);
            for p in params(op)? {
                if base_ns(p) != Some(NS_BASE) {
                    return Err(unknown_element(p));
                }
                match p.name.as_str() {
                    "confirmed" => {
                        empty_leaf(p)?;
                        set_once(&mut confirmed, p, true)?
                    }
                    "confirm-timeout" => {
                        let v: u32 =
                            leaf_text(p)?
                                .parse()
                                .ok()
                                .filter(|v| *v != 0)
                                .ok_or_else(|| {
                                    bad_element(
                                        "confirm-timeout",
                                        "confirm-timeout must be a number 1..4294967295",
                                    )
                                })?;
                        set_once(&mut timeout, p, v)?
                    }
                    "persist" => set_once(&mut persist, p, leaf_text(p)?)?,
                    "persist-id" => set_once(&mut persist_id, p, leaf_text(p)?)?,
                    _ => return Err(unknown_element(p)),
                }
            }
            c.confirmed = confirmed.unwrap_or(false);
            c.confirm_timeout = timeout;
            c.persist = persist;
            c.persist_id = persist_id;
            Ok(Operation::Commit(c))
        }
        "cancel-commit" => {
            let mut persist_id = None;
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "persist-id") => set_once(&mut persist_id, p, leaf_text(p)?)?,
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::CancelCommit { persist_id })
        }
        "validate" => {
            let mut source = None;
            for p in params(op)? {
                match (base_ns(p), p.name.as_str()) {
                    (Some(NS_BASE), "source") => set_once(&mut source, p, parse_source(src, p)?)?,
                    _ => return Err(unknown_element(p)),
                }
            }
            Ok(Operation::Validate {
                source: source.ok_or_else(|| missing_element("source"))?,
            })
        }
        _ => Err(
            RpcError::new(ErrorType::Protocol, ErrorTag::OperationNotSupported)
                .with_message(format!("unknown NETCONF operation <{}>", op.name))
                .with_info(ErrorInfo::BadElement(op.name.clone())),
        ),
    }
}

/// The namespace of a base-operation parameter. Unqualified parameters are
/// taken as base-namespace ones: ncclient and other clients send `<config>`
/// without a namespace inside a prefixed `<nc:edit-config>`.
fn base_ns(p: &Element) -> Option<&str> {
    p.ns.as_deref().or(Some(NS_BASE))
}

fn no_params(op: &Element) -> PResult<()> {
    if let Some(p) = params(op)?.next() {
        return Err(unknown_element(p));
    }
    Ok(())
}

fn parse_get_schema(op: &Element) -> PResult<GetSchema> {
    let (mut id, mut version, mut format) = (None, None, None);
    for p in params(op)? {
        if p.ns.as_deref() != Some(NS_MONITORING) {
            return Err(unknown_element(p));
        }
        match p.name.as_str() {
            "identifier" => set_once(&mut id, p, leaf_text(p)?)?,
            "version" => set_once(&mut version, p, leaf_text(p)?)?,
            "format" => {
                let v = leaf_text(p)?;
                // An identityref: keep the identity name, drop the prefix.
                let name = v.rsplit(':').next().unwrap_or(&v).to_string();
                set_once(&mut format, p, name)?
            }
            _ => return Err(unknown_element(p)),
        }
    }
    Ok(GetSchema {
        identifier: id.ok_or_else(|| missing_element("identifier"))?,
        version,
        format,
    })
}

fn parse_create_subscription(src: &str, op: &Element) -> PResult<CreateSubscription> {
    let mut s = CreateSubscription::default();
    let (mut stream, mut filter, mut start, mut stop) = (None, None, None, None);
    for p in params(op)? {
        if p.ns.as_deref() != Some(NS_NOTIFICATION) {
            return Err(unknown_element(p));
        }
        match p.name.as_str() {
            "stream" => set_once(&mut stream, p, leaf_text(p)?)?,
            "filter" => set_once(&mut filter, p, Filter::parse(src, p)?)?,
            "startTime" => set_once(&mut start, p, leaf_text(p)?)?,
            "stopTime" => set_once(&mut stop, p, leaf_text(p)?)?,
            _ => return Err(unknown_element(p)),
        }
    }
    if stop.is_some() && start.is_none() {
        return Err(missing_element("startTime"));
    }
    s.stream = stream;
    s.filter = filter;
    s.start_time = start;
    s.stop_time = stop;
    Ok(s)
}

/// Resolves an identityref value (`prefix:name`) in the element's scope.
fn identityref(el: &Element) -> PResult<(String, String)> {
    let v = leaf_text(el)?;
    let (prefix, name) = match v.split_once(':') {
        Some((p, n)) => (Some(p), n),
        None => (None, v.as_str()),
    };
    let ns = el.lookup_prefix(prefix).ok_or_else(|| {
        RpcError::new(ErrorType::Protocol, ErrorTag::InvalidValue)
            .with_message(format!("identity '{v}' uses an undeclared prefix"))
            .with_info(ErrorInfo::BadElement(el.name.clone()))
    })?;
    if name.is_empty() {
        return Err(bad_element(&el.name, "empty identity name"));
    }
    Ok((ns.to_string(), name.to_string()))
}

fn nmda_datastore(el: &Element) -> PResult<NmdaDatastore> {
    let (ns, name) = identityref(el)?;
    Ok(if ns == NS_DATASTORES {
        match name.as_str() {
            "running" => NmdaDatastore::Running,
            "candidate" => NmdaDatastore::Candidate,
            "startup" => NmdaDatastore::Startup,
            "intended" => NmdaDatastore::Intended,
            "operational" => NmdaDatastore::Operational,
            _ => NmdaDatastore::Other {
                namespace: ns,
                name,
            },
        }
    } else {
        NmdaDatastore::Other {
            namespace: ns,
            name,
        }
    })
}

fn parse_get_data(src: &str, op: &Element) -> PResult<GetData> {
    let (mut ds, mut filter, mut cfg, mut depth, mut origin, mut wd) =
        (None, None, None, None, None, None);
    let mut origin_filter = Vec::new();
    let mut negated = Vec::new();
    for p in params(op)? {
        match (p.ns.as_deref(), p.name.as_str()) {
            (Some(NS_NMDA), "datastore") => set_once(&mut ds, p, nmda_datastore(p)?)?,
            (Some(NS_NMDA), "subtree-filter") => {
                if p.has_text() {
                    return Err(bad_element(
                        "subtree-filter",
                        "text content inside <subtree-filter>",
                    ));
                }
                set_once(
                    &mut filter,
                    p,
                    Filter::Subtree(p.inner_xml_standalone(src).trim().to_string()),
                )?
            }
            (Some(NS_NMDA), "xpath-filter") => set_once(
                &mut filter,
                p,
                Filter::XPath {
                    select: leaf_text(p)?,
                    namespaces: crate::filter::prefix_bindings(p),
                },
            )?,
            (Some(NS_NMDA), "config-filter") => {
                let v = match leaf_text(p)?.as_str() {
                    "true" => true,
                    "false" => false,
                    other => {
                        return Err(bad_element(
                            "config-filter",
                            format!("invalid boolean '{other}'"),
                        ));
                    }
                };
                set_once(&mut cfg, p, v)?
            }
            (Some(NS_NMDA), "origin-filter") => origin_filter.push(identityref(p)?),
            (Some(NS_NMDA), "negated-origin-filter") => negated.push(identityref(p)?),
            (Some(NS_NMDA), "max-depth") => {
                let t = leaf_text(p)?;
                let v = if t == "unbounded" {
                    None
                } else {
                    Some(t.parse::<u16>().ok().filter(|v| *v != 0).ok_or_else(|| {
                        bad_element("max-depth", "max-depth must be 1..65535 or 'unbounded'")
                    })?)
                };
                set_once(&mut depth, p, v)?
            }
            (Some(NS_NMDA), "with-origin") => {
                empty_leaf(p)?;
                set_once(&mut origin, p, true)?
            }
            (Some(NS_WITH_DEFAULTS), "with-defaults") => {
                set_once(&mut wd, p, parse_with_defaults(p)?)?
            }
            _ => return Err(unknown_element(p)),
        }
    }
    if !origin_filter.is_empty() && !negated.is_empty() {
        return Err(bad_element(
            "negated-origin-filter",
            "origin-filter and negated-origin-filter are exclusive",
        ));
    }
    Ok(GetData {
        datastore: ds.ok_or_else(|| missing_element("datastore"))?,
        filter,
        config_filter: cfg,
        origin_filter,
        negated_origin_filter: negated,
        max_depth: depth.flatten(),
        with_origin: origin.unwrap_or(false),
        with_defaults: wd,
    })
}

fn parse_edit_data(src: &str, op: &Element) -> PResult<EditData> {
    let (mut ds, mut dop, mut content) = (None, None, None);
    for p in params(op)? {
        if p.ns.as_deref() != Some(NS_NMDA) {
            return Err(unknown_element(p));
        }
        match p.name.as_str() {
            "datastore" => set_once(&mut ds, p, nmda_datastore(p)?)?,
            "default-operation" => set_once(&mut dop, p, parse_default_operation(p)?)?,
            "config" => set_once(
                &mut content,
                p,
                EditContent::Config(config_payload(src, p)?),
            )?,
            "url" => set_once(&mut content, p, EditContent::Url(leaf_text(p)?))?,
            _ => return Err(unknown_element(p)),
        }
    }
    Ok(EditData {
        datastore: ds.ok_or_else(|| missing_element("datastore"))?,
        default_operation: dop.unwrap_or_default(),
        content: content.ok_or_else(|| missing_element("config"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpc(body: &str) -> String {
        format!(r#"<rpc xmlns="{NS_BASE}" message-id="101">{body}</rpc>"#)
    }

    fn op(body: &str) -> Operation {
        parse_rpc(rpc(body).as_bytes()).unwrap().operation
    }

    fn err(body: &str) -> RpcError {
        parse_rpc(rpc(body).as_bytes()).unwrap_err().error
    }

    #[test]
    fn envelope_attributes_are_kept() {
        let text = r#"<nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ex="urn:ex" message-id="urn:uuid:1&amp;2" ex:user="bob"><nc:get/></nc:rpc>"#;
        let r = parse_rpc(text.as_bytes()).unwrap();
        assert_eq!(r.message_id, "urn:uuid:1&2");
        let names: Vec<_> = r.attributes.iter().map(|a| a.qname.as_str()).collect();
        assert_eq!(names, vec!["xmlns:nc", "xmlns:ex", "message-id", "ex:user"]);
        assert_eq!(
            r.operation,
            Operation::Get {
                filter: None,
                with_defaults: None
            }
        );
    }

    #[test]
    fn byte_order_mark_keeps_payload_spans() {
        let text = format!(
            "\u{FEFF}<rpc xmlns=\"{NS_BASE}\" message-id=\"1\"><edit-config><target><running/></target><config><a xmlns=\"urn:a\"/></config></edit-config></rpc>"
        );
        let Operation::EditConfig(ec) = parse_rpc(text.as_bytes()).unwrap().operation else {
            panic!()
        };
        assert_eq!(
            ec.content,
            EditContent::Config("<a xmlns=\"urn:a\"/>".into())
        );
    }

    #[test]
    fn envelope_errors() {
        let e = parse_rpc(format!(r#"<rpc xmlns="{NS_BASE}" a="1"><get/></rpc>"#).as_bytes())
            .unwrap_err();
        assert_eq!(e.error.tag, ErrorTag::MissingAttribute);
        assert_eq!(e.attributes[0].qname, "a");
        assert!(!e.malformed);
        let e = parse_rpc(b"<rpc message-id='1' xmlns='urn:x'><get/></rpc>").unwrap_err();
        assert_eq!(e.error.tag, ErrorTag::UnknownNamespace);
        let e = parse_rpc(b"<rpc message-id='1'><get></rpc>").unwrap_err();
        assert!(e.malformed);
        assert_eq!(e.error.tag, ErrorTag::MalformedMessage);
        let e = parse_rpc(b"\xff<rpc/>").unwrap_err();
        assert!(e.malformed);
        assert_eq!(err("").tag, ErrorTag::MissingElement);
        assert_eq!(err("<get/><get/>").tag, ErrorTag::BadElement);
        assert_eq!(err("<frobnicate/>").tag, ErrorTag::OperationNotSupported);
        assert_eq!(err("x<get/>").tag, ErrorTag::BadElement);
        let e = parse_rpc(format!(r#"<hello xmlns="{NS_BASE}"/>"#).as_bytes()).unwrap_err();
        assert_eq!(e.error.tag, ErrorTag::UnknownElement);
    }

    #[test]
    fn get_config_with_filter_and_defaults() {
        let o = op(r#"<get-config><source><running/></source>
            <filter type="subtree"><top xmlns="urn:t"><a/></top></filter>
            <with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">report-all</with-defaults>
            </get-config>"#);
        assert_eq!(
            o,
            Operation::GetConfig {
                source: Datastore::Running,
                filter: Some(Filter::Subtree(r#"<top xmlns="urn:t"><a/></top>"#.into())),
                with_defaults: Some(WithDefaults::ReportAll),
            }
        );
        assert_eq!(err("<get-config/>").tag, ErrorTag::MissingElement);
        assert_eq!(
            err("<get-config><source><bogus/></source></get-config>").tag,
            ErrorTag::UnknownElement
        );
        assert_eq!(
            err("<get-config><source><running/><startup/></source></get-config>").tag,
            ErrorTag::BadElement
        );
        assert_eq!(
            err("<get-config><source><running/></source><source><running/></source></get-config>")
                .tag,
            ErrorTag::BadElement
        );
        assert_eq!(
            err("<get-config><source><running/></source><x/></get-config>").tag,
            ErrorTag::UnknownElement
        );
    }

    #[test]
    fn edit_config_keeps_payload_namespaces() {
        let text = r#"<nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="7"><nc:edit-config>
            <nc:target><nc:candidate/></nc:target>
            <nc:default-operation>replace</nc:default-operation>
            <nc:test-option>test-only</nc:test-option>
            <nc:error-option>rollback-on-error</nc:error-option>
            <nc:config><top xmlns="urn:t"><leaf nc:operation="delete">1</leaf></top></nc:config>
          </nc:edit-config></nc:rpc>"#;
        let r = parse_rpc(text.as_bytes()).unwrap();
        let Operation::EditConfig(ec) = r.operation else {
            panic!("not edit-config")
        };
        assert_eq!(ec.target, Datastore::Candidate);
        assert_eq!(ec.default_operation, DefaultOperation::Replace);
        assert_eq!(ec.test_option, Some(TestOption::TestOnly));
        assert_eq!(ec.error_option, ErrorOption::RollbackOnError);
        let EditContent::Config(cfg) = ec.content else {
            panic!("not config")
        };
        assert_eq!(
            cfg,
            r#"<top xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns="urn:t"><leaf nc:operation="delete">1</leaf></top>"#
        );
        // The payload stands alone.
        let frag = xml::parse_fragment(&cfg).unwrap();
        assert_eq!(
            frag[0].elements().next().unwrap().attrs[0].ns.as_deref(),
            Some(NS_BASE)
        );

        assert_eq!(
            err("<edit-config><target><startup/></target><config/></edit-config>").tag,
            ErrorTag::InvalidValue
        );
        assert_eq!(
            err("<edit-config><target><running/></target></edit-config>").tag,
            ErrorTag::MissingElement
        );
        assert_eq!(
            err("<edit-config><target><running/></target><default-operation>x</default-operation><config/></edit-config>").tag,
            ErrorTag::BadElement
        );
        let o =
            op("<edit-config><target><running/></target><url>file:///x.xml</url></edit-config>");
        let Operation::EditConfig(ec) = o else {
            panic!()
        };
        assert_eq!(ec.content, EditContent::Url("file:///x.xml".into()));
        assert_eq!(ec.default_operation, DefaultOperation::Merge);
        assert_eq!(ec.error_option, ErrorOption::StopOnError);
    }

    #[test]
    fn simple_operations() {
        assert_eq!(
            op("<lock><target><candidate/></target></lock>"),
            Operation::Lock {
                target: Datastore::Candidate
            }
        );
        assert_eq!(
            op("<unlock><target><running/></target></unlock>"),
            Operation::Unlock {
                target: Datastore::Running
            }
        );
        assert_eq!(op("<close-session/>"), Operation::CloseSession);
        assert_eq!(op("<discard-changes/>"), Operation::DiscardChanges);
        assert_eq!(
            op("<kill-session><session-id> 4 </session-id></kill-session>"),
            Operation::KillSession { session_id: 4 }
        );
        assert_eq!(
            err("<kill-session><session-id>0</session-id></kill-session>").tag,
            ErrorTag::BadElement
        );
        assert_eq!(err("<kill-session/>").tag, ErrorTag::MissingElement);
        assert_eq!(
            err("<close-session><x/></close-session>").tag,
            ErrorTag::UnknownElement
        );
        assert_eq!(
            op("<delete-config><target><startup/></target></delete-config>"),
            Operation::DeleteConfig {
                target: ConfigTarget::Datastore(Datastore::Startup)
            }
        );
        assert_eq!(
            err("<delete-config><target><running/></target></delete-config>").tag,
            ErrorTag::InvalidValue
        );
        assert_eq!(
            op(
                "<copy-config><target><startup/></target><source><config><a xmlns='urn:a'/></config></source></copy-config>"
            ),
            Operation::CopyConfig {
                target: ConfigTarget::Datastore(Datastore::Startup),
                source: ConfigSource::Config("<a xmlns='urn:a'/>".into()),
                with_defaults: None,
            }
        );
        assert_eq!(
            op("<validate><source><candidate/></source></validate>"),
            Operation::Validate {
                source: ConfigSource::Datastore(Datastore::Candidate)
            }
        );
        assert_eq!(
            op(
                "<commit><confirmed/><confirm-timeout>30</confirm-timeout><persist>p1</persist></commit>"
            ),
            Operation::Commit(Commit {
                confirmed: true,
                confirm_timeout: Some(30),
                persist: Some("p1".into()),
                persist_id: None
            })
        );
        assert_eq!(op("<commit/>"), Operation::Commit(Commit::default()));
        assert_eq!(
            err("<commit><confirmed>x</confirmed></commit>").tag,
            ErrorTag::BadElement
        );
        assert_eq!(
            op("<cancel-commit><persist-id>p1</persist-id></cancel-commit>"),
            Operation::CancelCommit {
                persist_id: Some("p1".into())
            }
        );
    }

    #[test]
    fn other_namespaces() {
        let o = op(
            r#"<get-schema xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><identifier>kea-dhcp4-server</identifier><format xmlns:ncm="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring">ncm:yang</format></get-schema>"#,
        );
        assert_eq!(
            o,
            Operation::GetSchema(GetSchema {
                identifier: "kea-dhcp4-server".into(),
                version: None,
                format: Some("yang".into())
            })
        );
        let o = op(
            r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><stream>NETCONF</stream></create-subscription>"#,
        );
        assert_eq!(
            o,
            Operation::CreateSubscription(CreateSubscription {
                stream: Some("NETCONF".into()),
                ..Default::default()
            })
        );
        let o = op(r#"<x:reset xmlns:x="urn:kea"><x:all/></x:reset>"#);
        assert_eq!(
            o,
            Operation::Other {
                namespace: Some("urn:kea".into()),
                name: "reset".into(),
                xml: format!(r#"<x:reset xmlns="{NS_BASE}" xmlns:x="urn:kea"><x:all/></x:reset>"#),
            }
        );
    }

    #[test]
    fn nmda_operations() {
        let o = op(
            r#"<get-data xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-nmda" xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">
            <datastore>ds:operational</datastore><xpath-filter xmlns:k="urn:k">/k:top</xpath-filter>
            <config-filter>false</config-filter><max-depth>3</max-depth><with-origin/></get-data>"#,
        );
        let Operation::GetData(gd) = o else { panic!() };
        assert_eq!(gd.datastore, NmdaDatastore::Operational);
        assert_eq!(gd.config_filter, Some(false));
        assert_eq!(gd.max_depth, Some(3));
        assert!(gd.with_origin);
        let Some(Filter::XPath { select, namespaces }) = gd.filter else {
            panic!()
        };
        assert_eq!(select, "/k:top");
        assert!(namespaces.contains(&("k".into(), "urn:k".into())));
        assert!(namespaces.contains(&("ds".into(), NS_DATASTORES.into())));

        let o = op(
            r#"<edit-data xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-nmda" xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores"><datastore>ds:running</datastore><config><a xmlns="urn:a"/></config></edit-data>"#,
        );
        let Operation::EditData(ed) = o else { panic!() };
        assert_eq!(ed.datastore, NmdaDatastore::Running);
        assert!(matches!(ed.content, EditContent::Config(ref c) if c.contains("urn:a")));
        assert_eq!(
            err(r#"<get-data xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"><datastore>zz:running</datastore></get-data>"#).tag,
            ErrorTag::InvalidValue
        );
    }
}
