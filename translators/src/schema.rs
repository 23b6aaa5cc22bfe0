//! The model's config schema, read once from libyang, with each node's
//! JSON name and translation rule.

use std::collections::HashMap;
use std::ffi::CString;

use yang2::context::Context;
use yang2::schema::{DataValueType, SchemaNode, SchemaNodeKind};

use crate::TranslateError;
use crate::rules::{Rule, rule_for};

/// The YANG models this crate translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    KeaDhcp4,
    KeaDhcp6,
    /// The IETF DHCPv6 server draft model; only subnets are translated.
    IetfDhcpv6,
}

impl Model {
    /// The YANG module name.
    pub fn module(self) -> &'static str {
        match self {
            Self::KeaDhcp4 => "kea-dhcp4-server",
            Self::KeaDhcp6 => "kea-dhcp6-server",
            Self::IetfDhcpv6 => "ietf-dhcpv6-server",
        }
    }

    /// The Kea top-level JSON object the model maps to.
    pub fn kea_object(self) -> &'static str {
        match self {
            Self::KeaDhcp4 => "Dhcp4",
            Self::KeaDhcp6 | Self::IetfDhcpv6 => "Dhcp6",
        }
    }

    /// The server family suffix of list names (`subnet4`, option space
    /// `dhcp4`…).
    pub fn family(self) -> &'static str {
        match self {
            Self::KeaDhcp4 => "4",
            Self::KeaDhcp6 | Self::IetfDhcpv6 => "6",
        }
    }

    /// The model named `module`, if this crate translates it.
    pub fn from_module(module: &str) -> Option<Self> {
        match module {
            "kea-dhcp4-server" => Some(Self::KeaDhcp4),
            "kea-dhcp6-server" => Some(Self::KeaDhcp6),
            "ietf-dhcpv6-server" => Some(Self::IetfDhcpv6),
            _ => None,
        }
    }
}

/// How a leaf's value is written in RFC 7951 JSON and in Kea JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Bool,
    /// Integers up to 32 bits: JSON numbers on both sides.
    SmallInt,
    /// 64-bit integers: strings in RFC 7951, numbers in Kea JSON.
    BigInt,
    /// decimal64: strings in RFC 7951, numbers in Kea JSON.
    Decimal,
    /// `empty`: `[null]` in RFC 7951, `true` in Kea JSON.
    Empty,
    /// Everything else (string, enumeration, identityref, unions of
    /// string types, binary, bits): strings on both sides.
    Text,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Container,
    List {
        keys: Vec<String>,
        user_ordered: bool,
    },
    Leaf(ValueKind),
    LeafList {
        value: ValueKind,
        user_ordered: bool,
    },
}

/// One config schema node.
#[derive(Clone, Debug)]
pub struct Node {
    pub yang: String,
    /// `yang` as a C string, for libyang's node-creation calls.
    pub cname: CString,
    pub json: String,
    pub kind: Kind,
    pub rule: Rule,
    pub children: Vec<Node>,
    by_yang: HashMap<String, usize>,
    by_json: HashMap<String, usize>,
}

impl Node {
    pub fn child_by_yang(&self, name: &str) -> Option<&Node> {
        self.by_yang.get(name).map(|&i| &self.children[i])
    }

    pub fn child_by_json(&self, name: &str) -> Option<&Node> {
        self.by_json.get(name).map(|&i| &self.children[i])
    }

    /// Position in [`Node::children`] (the schema order) of the child
    /// with this JSON name.
    pub fn child_index_by_json(&self, name: &str) -> Option<usize> {
        self.by_json.get(name).copied()
    }

    /// Position in [`Node::children`] of the child with this YANG name.
    pub fn child_index_by_yang(&self, name: &str) -> Option<usize> {
        self.by_yang.get(name).copied()
    }
}

/// Reads `/<module>:config` from the context (an empty tree for the IETF
/// model, which `ietf.rs` maps by hand).
pub fn build(context: &Context, model: Model) -> Result<Node, TranslateError> {
    if model == Model::IetfDhcpv6 {
        context
            .get_module_implemented(model.module())
            .ok_or_else(|| TranslateError::ModelMissing(model.module().to_string()))?;
        return Ok(Node {
            yang: "server".into(),
            cname: c"server".into(),
            json: "Dhcp6".into(),
            kind: Kind::Container,
            rule: Rule::Plain,
            children: Vec::new(),
            by_yang: HashMap::new(),
            by_json: HashMap::new(),
        });
    }
    let path = format!("/{}:config", model.module());
    let root = context
        .find_path(&path)
        .map_err(|_| TranslateError::ModelMissing(model.module().to_string()))?;
    Ok(node_from_schema(&root, "", model))
}

fn node_from_schema(schema: &SchemaNode<'_>, parent_path: &str, model: Model) -> Node {
    let yang = schema.name().to_string();
    let path = format!("{parent_path}/{yang}");
    let kind = match schema.kind() {
        SchemaNodeKind::List => Kind::List {
            keys: schema.list_keys().map(|k| k.name().to_string()).collect(),
            user_ordered: schema.is_user_ordered(),
        },
        SchemaNodeKind::Leaf => Kind::Leaf(value_kind(schema)),
        SchemaNodeKind::LeafList => Kind::LeafList {
            value: value_kind(schema),
            user_ordered: schema.is_user_ordered(),
        },
        _ => Kind::Container,
    };
    let (json, rule) = rule_for(&path, &yang, &kind, model);
    let mut children = Vec::new();
    if matches!(kind, Kind::Container | Kind::List { .. }) {
        for child in schema.children() {
            if !child.is_config() {
                continue;
            }
            match child.kind() {
                SchemaNodeKind::Container
                | SchemaNodeKind::List
                | SchemaNodeKind::Leaf
                | SchemaNodeKind::LeafList => children.push(node_from_schema(&child, &path, model)),
                // Choices and cases do not occur in the Kea models; a node
                // of another kind is reported by `unmapped`.
                _ => children.push(Node {
                    yang: child.name().to_string(),
                    cname: c_name(child.name()),
                    json: String::new(),
                    kind: Kind::Container,
                    rule: Rule::Unmapped,
                    children: Vec::new(),
                    by_yang: HashMap::new(),
                    by_json: HashMap::new(),
                }),
            }
        }
    }
    let by_yang = children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.yang.clone(), i))
        .collect();
    let by_json = children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.json.clone(), i))
        .collect();
    Node {
        cname: c_name(&yang),
        yang,
        json,
        kind,
        rule,
        children,
        by_yang,
        by_json,
    }
}

/// A YANG identifier as a C string (identifiers have no NUL).
fn c_name(name: &str) -> CString {
    CString::new(name).unwrap_or_default()
}

fn value_kind(schema: &SchemaNode<'_>) -> ValueKind {
    let Some(leaf_type) = schema.leaf_type() else {
        return ValueKind::Text;
    };
    let base = match leaf_type.base_type() {
        DataValueType::LeafRef => leaf_type
            .leafref_real_type()
            .map(|t| t.base_type())
            .unwrap_or(DataValueType::String),
        other => other,
    };
    match base {
        DataValueType::Bool => ValueKind::Bool,
        DataValueType::Uint8
        | DataValueType::Uint16
        | DataValueType::Uint32
        | DataValueType::Int8
        | DataValueType::Int16
        | DataValueType::Int32 => ValueKind::SmallInt,
        DataValueType::Uint64 | DataValueType::Int64 => ValueKind::BigInt,
        DataValueType::Dec64 => ValueKind::Decimal,
        DataValueType::Empty => ValueKind::Empty,
        _ => ValueKind::Text,
    }
}

/// Sorts, in place, the JSON arrays that map to YANG lists and leaf-lists
/// ordered by the system: libyang keeps those in its own order, so only
/// their content, not their order, survives a trip through YANG.
pub fn sort_system_ordered(node: &Node, value: &mut serde_json::Value) {
    let serde_json::Value::Object(map) = value else {
        return;
    };
    for (key, child) in map.iter_mut() {
        let Some(cs) = node.child_by_json(key) else {
            continue;
        };
        match (&cs.kind, child) {
            (Kind::Container, inner @ serde_json::Value::Object(_)) => {
                sort_system_ordered(cs, inner)
            }
            (Kind::List { user_ordered, .. }, serde_json::Value::Array(items)) => {
                for item in items.iter_mut() {
                    sort_system_ordered(cs, item);
                }
                if !user_ordered {
                    items.sort_by_cached_key(|v| v.to_string());
                }
            }
            (
                Kind::LeafList {
                    user_ordered: false,
                    ..
                },
                serde_json::Value::Array(items),
            ) => {
                items.sort_by_cached_key(|v| v.to_string());
            }
            _ => {}
        }
    }
}

/// Collects the YANG paths of nodes whose rule is [`Rule::Unmapped`].
pub fn unmapped(node: &Node, parent: &str, out: &mut Vec<String>) {
    let path = format!("{parent}/{}", node.yang);
    if matches!(node.rule, Rule::Unmapped) {
        out.push(path.clone());
    }
    for child in &node.children {
        unmapped(child, &path, out);
    }
}
