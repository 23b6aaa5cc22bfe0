//! Operational state: Kea command answers → the models' `state` subtree
//! (`leases`, `lease-stats`, `hosts`), which ISC's agent never serves.
//!
//! Inputs are what the servers answer: the `leases` list of
//! `lease4-get-all`/`lease6-get-all`, the `result-set` of
//! `stat-lease4-get`/`stat-lease6-get`, and the server's config (from
//! `config-get`) for host reservations.
//!
//! Mapping choices, where the model cannot say what Kea knows:
//! - lease states: 0 default, 1 declined, 2 expired-reclaimed; 3 (released)
//!   is shown as expired-reclaimed and 4 (registered) as default, the
//!   model's enumeration having no values for them;
//! - counters above the model's uint32 (IPv6 pool sizes) are capped at
//!   4294967295;
//! - v6 `declined-addresses` carries Kea's `declined-nas`.

use std::ffi::CString;

use base64::Engine as _;
use serde_json::{Map, Value, json};
use yang2::context::Context;
use yang2::data::{DataFormat, DataParserFlags, DataTree, DataValidationFlags};

use crate::TranslateError;
use crate::schema::Model;

/// What the agent fetched from a server for its state subtree.
#[derive(Debug, Default, Clone, Copy)]
pub struct StateInputs<'a> {
    /// `arguments.leases` of lease4-get-all / lease6-get-all.
    pub leases: Option<&'a [Value]>,
    /// `arguments.result-set` of stat-lease4-get / stat-lease6-get.
    pub lease_stats: Option<&'a Value>,
    /// The inner map of the server's `Dhcp4`/`Dhcp6` config.
    pub config: Option<&'a Map<String, Value>>,
}

/// The `/<model>:state` tree built from `inputs`.
pub fn state_tree(
    context: &'static Context,
    model: Model,
    inputs: &StateInputs<'_>,
) -> Result<DataTree<'static>, TranslateError> {
    let doc = state_json(model, inputs)?;
    let text = CString::new(doc.to_string())
        .map_err(|_| TranslateError::json("state", "NUL character in state data"))?;
    DataTree::parse_string(
        context,
        text.as_bytes_with_nul(),
        DataFormat::JSON,
        DataParserFlags::STRICT,
        DataValidationFlags::PRESENT,
    )
    .map_err(|e| TranslateError::Validation {
        path: e.path,
        message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
    })
}

/// The RFC 7951 JSON document of the state subtree.
pub fn state_json(model: Model, inputs: &StateInputs<'_>) -> Result<Value, TranslateError> {
    let mut state = Map::new();
    if let Some(leases) = inputs.leases {
        let mut list = Vec::with_capacity(leases.len());
        for (i, lease) in leases.iter().enumerate() {
            let path = format!("leases[{i}]");
            let entry = match model {
                Model::KeaDhcp4 => lease4(lease, &path)?,
                Model::KeaDhcp6 | Model::IetfDhcpv6 => lease6(lease, &path)?,
            };
            list.push(entry);
        }
        if !list.is_empty() {
            state.insert("leases".into(), json!({ "lease": list }));
        }
    }
    if let Some(result_set) = inputs.lease_stats {
        let subnets = lease_stats(model, result_set)?;
        if !subnets.is_empty() {
            state.insert("lease-stats".into(), json!({ "subnet": subnets }));
        }
    }
    if let Some(config) = inputs.config {
        let hosts = hosts(model, config)?;
        if !hosts.is_empty() {
            state.insert("hosts".into(), json!({ "host": hosts }));
        }
    }
    Ok(json!({ format!("{}:state", model.module()): state }))
}

fn field<'v>(lease: &'v Value, key: &str, path: &str) -> Result<&'v Value, TranslateError> {
    lease
        .get(key)
        .ok_or_else(|| TranslateError::json(path, format!("lease without \"{key}\"")))
}

fn uint32(value: &Value) -> Value {
    value
        .as_u64()
        .map(|n| Value::from(n.min(u64::from(u32::MAX))))
        .unwrap_or(Value::from(0))
}

/// `aa:bb:cc` (or bare hex) → base64, for the model's `binary` leaves.
fn hex_to_base64(text: &str, path: &str) -> Result<Value, TranslateError> {
    let digits: String = text.chars().filter(|c| *c != ':' && *c != '-').collect();
    if !digits.len().is_multiple_of(2) {
        return Err(TranslateError::json(path, format!("\"{text}\" is not hex")));
    }
    let bytes = (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| TranslateError::json(path, format!("\"{text}\" is not hex")))?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

fn lease_state(value: Option<&Value>) -> Value {
    Value::from(match value.and_then(Value::as_u64) {
        Some(1) => "declined",
        Some(2 | 3) => "expired-reclaimed",
        _ => "default",
    })
}

/// Copies the optional fields shared by v4 and v6 leases.
fn common(lease: &Value, entry: &mut Map<String, Value>) {
    for key in ["fqdn-fwd", "fqdn-rev"] {
        if let Some(b) = lease.get(key).and_then(Value::as_bool) {
            entry.insert(key.into(), Value::Bool(b));
        }
    }
    if let Some(h) = lease
        .get("hostname")
        .and_then(Value::as_str)
        .filter(|h| !h.is_empty())
    {
        entry.insert("hostname".into(), Value::from(h));
    }
    entry.insert("state".into(), lease_state(lease.get("state")));
    if let Some(uc) = lease.get("user-context").filter(|v| v.is_object()) {
        entry.insert("user-context".into(), Value::String(uc.to_string()));
    }
}

fn lease4(lease: &Value, path: &str) -> Result<Value, TranslateError> {
    let mut entry = Map::new();
    entry.insert(
        "ip-address".into(),
        field(lease, "ip-address", path)?.clone(),
    );
    let hw = field(lease, "hw-address", path)?
        .as_str()
        .unwrap_or_default();
    entry.insert("hw-address".into(), hex_to_base64(hw, path)?);
    if let Some(id) = lease
        .get("client-id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        entry.insert("client-id".into(), hex_to_base64(id, path)?);
    }
    entry.insert(
        "valid-lifetime".into(),
        uint32(field(lease, "valid-lft", path)?),
    );
    entry.insert("cltt".into(), uint32(field(lease, "cltt", path)?));
    entry.insert("subnet-id".into(), uint32(field(lease, "subnet-id", path)?));
    common(lease, &mut entry);
    Ok(Value::Object(entry))
}

fn lease6(lease: &Value, path: &str) -> Result<Value, TranslateError> {
    let mut entry = Map::new();
    entry.insert(
        "ip-address".into(),
        field(lease, "ip-address", path)?.clone(),
    );
    let duid = field(lease, "duid", path)?.as_str().unwrap_or_default();
    entry.insert("duid".into(), hex_to_base64(duid, path)?);
    entry.insert(
        "valid-lifetime".into(),
        uint32(field(lease, "valid-lft", path)?),
    );
    entry.insert("cltt".into(), uint32(field(lease, "cltt", path)?));
    entry.insert("subnet-id".into(), uint32(field(lease, "subnet-id", path)?));
    entry.insert(
        "preferred-lifetime".into(),
        uint32(lease.get("preferred-lft").unwrap_or(&Value::from(0))),
    );
    let kind = lease.get("type").and_then(Value::as_str).unwrap_or("IA_NA");
    if kind != "IA_NA" && kind != "IA_PD" {
        return Err(TranslateError::json(
            path,
            format!("lease type {kind} has no YANG value"),
        ));
    }
    entry.insert("lease-type".into(), Value::from(kind));
    entry.insert("iaid".into(), uint32(field(lease, "iaid", path)?));
    if let Some(len) = lease.get("prefix-len").and_then(Value::as_u64) {
        entry.insert("prefix-length".into(), Value::from(len.min(128)));
    }
    if let Some(hw) = lease
        .get("hw-address")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        entry.insert("hw-address".into(), Value::from(hw));
    }
    common(lease, &mut entry);
    Ok(Value::Object(entry))
}

fn lease_stats(model: Model, result_set: &Value) -> Result<Vec<Value>, TranslateError> {
    let columns: Vec<&str> = result_set
        .get("columns")
        .and_then(Value::as_array)
        .ok_or_else(|| TranslateError::json("result-set", "no columns"))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let rows = result_set
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| TranslateError::json("result-set", "no rows"))?;
    // YANG leaf ← Kea column.
    let wanted: &[(&str, &str)] = match model {
        Model::KeaDhcp4 => &[
            ("subnet-id", "subnet-id"),
            ("total-addresses", "total-addresses"),
            ("assigned-addresses", "assigned-addresses"),
            ("declined-addresses", "declined-addresses"),
        ],
        Model::KeaDhcp6 | Model::IetfDhcpv6 => &[
            ("subnet-id", "subnet-id"),
            ("total-nas", "total-nas"),
            ("assigned-nas", "assigned-nas"),
            ("declined-addresses", "declined-nas"),
            ("total-pds", "total-pds"),
            ("assigned-pds", "assigned-pds"),
        ],
    };
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_array().ok_or_else(|| {
            TranslateError::json(&format!("result-set/rows[{i}]"), "expected a list")
        })?;
        let mut entry = Map::new();
        for (leaf, column) in wanted {
            let value = columns
                .iter()
                .position(|c| c == column)
                .and_then(|p| row.get(p))
                .map(uint32)
                .unwrap_or(Value::from(0));
            entry.insert((*leaf).into(), value);
        }
        out.push(Value::Object(entry));
    }
    Ok(out)
}

const HOST_IDS: [&str; 5] = ["hw-address", "duid", "circuit-id", "client-id", "flex-id"];

fn hosts(model: Model, config: &Map<String, Value>) -> Result<Vec<Value>, TranslateError> {
    let mut out = Vec::new();
    let subnets_key = format!("subnet{}", model.family());
    let mut add = |subnet_id: u64, reservations: Option<&Value>| -> Result<(), TranslateError> {
        for host in reservations.and_then(Value::as_array).into_iter().flatten() {
            let Some(map) = host.as_object() else {
                continue;
            };
            let Some((kind, id)) = HOST_IDS
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str).map(|v| (*k, v)))
            else {
                continue;
            };
            let mut entry = Map::new();
            entry.insert("subnet-id".into(), Value::from(subnet_id));
            entry.insert("identifier-type".into(), Value::from(kind));
            entry.insert("identifier".into(), Value::from(id));
            let copied: &[&str] = match model {
                Model::KeaDhcp4 => &[
                    "ip-address",
                    "hostname",
                    "client-classes",
                    "next-server",
                    "server-hostname",
                    "boot-file-name",
                    "auth-key",
                ],
                Model::KeaDhcp6 | Model::IetfDhcpv6 => &[
                    "ip-addresses",
                    "prefixes",
                    "excluded-prefixes",
                    "hostname",
                    "client-classes",
                    "auth-key",
                ],
            };
            for key in copied {
                if let Some(v) = map.get(*key) {
                    let empty = v.as_str() == Some("") || v.as_array().is_some_and(Vec::is_empty);
                    if !empty {
                        entry.insert((*key).into(), v.clone());
                    }
                }
            }
            if let Some(uc) = map.get("user-context").filter(|v| v.is_object()) {
                entry.insert("user-context".into(), Value::String(uc.to_string()));
            }
            let options: Vec<Value> = map
                .get("option-data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| host_option(model, o))
                .collect();
            if !options.is_empty() {
                entry.insert("option-data".into(), Value::Array(options));
            }
            out.push(Value::Object(entry));
        }
        Ok(())
    };
    add(0, config.get("reservations"))?;
    let subnet_lists = config
        .get(&subnets_key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            config
                .get("shared-networks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| n.get(&subnets_key).and_then(Value::as_array))
                .flatten(),
        );
    for subnet in subnet_lists {
        if let Some(id) = subnet.get("id").and_then(Value::as_u64) {
            add(id, subnet.get("reservations"))?;
        }
    }
    Ok(out)
}

/// A reservation's option data as a state entry; options whose code the
/// config does not give are left out (the key needs it).
fn host_option(model: Model, option: &Value) -> Option<Value> {
    let code = option.get("code")?.as_u64()?;
    let mut entry = Map::new();
    entry.insert("code".into(), Value::from(code));
    let space = option
        .get("space")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("dhcp{}", model.family()));
    entry.insert("space".into(), Value::from(space));
    entry.insert(
        "data".into(),
        option
            .get("data")
            .cloned()
            .unwrap_or_else(|| Value::from("")),
    );
    for key in [
        "name",
        "csv-format",
        "always-send",
        "never-send",
        "client-classes",
    ] {
        if let Some(v) = option.get(key) {
            entry.insert(key.into(), v.clone());
        }
    }
    if let Some(uc) = option.get("user-context").filter(|v| v.is_object()) {
        entry.insert("user-context".into(), Value::String(uc.to_string()));
    }
    Some(Value::Object(entry))
}
