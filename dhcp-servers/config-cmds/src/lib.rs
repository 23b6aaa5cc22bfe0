//! Kea's `subnet_cmds` and `host_cmds` commands (ARM §17.27, §17.14) for kea-dhcp4 and
//! kea-dhcp6, working on the running configuration as `config-get` shows it, so every change
//! shows in `config-get` and `config-write`.
//!
//! The commands are pure functions of the server's effective configuration JSON
//! (`{"Dhcp4": {...}}` or `{"Dhcp6": {...}}`) and the command arguments:
//!
//! * [`handle`]`(family, command, config, arguments)` → an [`Outcome`]: either a read-only
//!   [`Answer`], or a [`Outcome::Change`] carrying the complete new configuration and the
//!   answer to send once the server has applied it. Bad arguments give an error answer and no
//!   change.
//! * [`command_names`]`(family)` lists the commands of one family.
//! * [`register`]`(registry, family, access)` puts them on a [`kea_command::CommandRegistry`];
//!   the server provides a [`ConfigAccess`] (current configuration, transactional apply).
//!   Changes go through the server's normal configuration path, so the loader's checks apply
//!   (a rejected change leaves the running configuration and the leases untouched).
//!
//! Reservations live in the configuration file (no `hosts-database`): `operation-target`
//! `memory`, `all` and `default` all mean the configuration; `database` is refused.
//! Subnets keep their reservations across `subnetX-update` and the delta commands (Kea keeps
//! hosts apart from subnets); `subnetX-del` removes the subnet with its reservations.
//!
//! Limits: these commands are serialized among themselves, but a `config-set` arriving
//! between one's read and its apply is overwritten by it. `reservation-get-page` cursors are
//! host positions, so deleting hosts while paging can skip some. Overlapping (not equal)
//! subnet prefixes are accepted, as Kea does.

mod args;
mod delta;
mod hosts;
mod model;
mod networks;
mod register;
mod subnets;

pub use register::{BoxFuture, ConfigAccess, register};

use kea_command::Answer;
use serde_json::Value;

/// Which server the commands run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// kea-dhcp4: `subnet4`, `network4-*`, IPv4 reservations.
    V4,
    /// kea-dhcp6: `subnet6`, `network6-*`, IPv6 reservations.
    V6,
}

impl Family {
    /// `Dhcp4` / `Dhcp6`: the configuration's top-level key.
    pub fn root_key(self) -> &'static str {
        match self {
            Family::V4 => "Dhcp4",
            Family::V6 => "Dhcp6",
        }
    }

    /// `subnet4` / `subnet6`: the subnet list key.
    pub fn subnet_key(self) -> &'static str {
        match self {
            Family::V4 => "subnet4",
            Family::V6 => "subnet6",
        }
    }

    /// `IPv4` / `IPv6`, as Kea's answer texts say.
    pub fn proto(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }

    /// `4` / `6`, the digit in command names.
    pub fn digit(self) -> char {
        match self {
            Family::V4 => '4',
            Family::V6 => '6',
        }
    }

    /// The standard option space (`dhcp4` / `dhcp6`).
    pub fn option_space(self) -> &'static str {
        match self {
            Family::V4 => "dhcp4",
            Family::V6 => "dhcp6",
        }
    }

    fn universe(self) -> dhcp_packet::Universe {
        match self {
            Family::V4 => dhcp_packet::Universe::V4,
            Family::V6 => dhcp_packet::Universe::V6,
        }
    }
}

/// What a command produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to change: send this answer (also every error).
    Answer(Answer),
    /// Apply `config` (the whole new `{"DhcpX": {...}}`), then send `answer`; if applying
    /// fails, send the failure instead.
    Change {
        /// The complete new configuration.
        config: Value,
        /// The answer after a successful apply.
        answer: Answer,
    },
}

impl Outcome {
    /// The answer this outcome sends when nothing else happens (the success answer for a
    /// change).
    pub fn answer(&self) -> &Answer {
        match self {
            Outcome::Answer(a) => a,
            Outcome::Change { answer, .. } => answer,
        }
    }
}

impl From<Answer> for Outcome {
    fn from(a: Answer) -> Self {
        Outcome::Answer(a)
    }
}

/// The subnet_cmds commands of `family` (`subnet4-list`, … `network4-subnet-del`).
pub fn subnet_command_names(family: Family) -> Vec<String> {
    let d = family.digit();
    [
        "subnet#-list",
        "subnet#-get",
        "subnet#-add",
        "subnet#-update",
        "subnet#-del",
        "subnet#-delta-add",
        "subnet#-delta-del",
        "network#-list",
        "network#-get",
        "network#-add",
        "network#-del",
        "network#-subnet-add",
        "network#-subnet-del",
    ]
    .iter()
    .map(|n| n.replace('#', &d.to_string()))
    .collect()
}

/// The host_cmds commands (the same names in both servers).
pub const HOST_COMMANDS: &[&str] = &[
    "reservation-add",
    "reservation-get",
    "reservation-get-all",
    "reservation-get-page",
    "reservation-get-by-hostname",
    "reservation-get-by-id",
    "reservation-get-by-address",
    "reservation-del",
    "reservation-update",
];

/// Every command [`handle`] answers for `family`.
pub fn command_names(family: Family) -> Vec<String> {
    let mut v = subnet_command_names(family);
    v.extend(HOST_COMMANDS.iter().map(|s| s.to_string()));
    v
}

/// Runs one command on `config` (the running `{"DhcpX": {...}}`, a top-level `hash` is
/// ignored). `None` when `command` is not one of [`command_names`]`(family)`.
pub fn handle(
    family: Family,
    command: &str,
    config: &Value,
    arguments: Option<&Value>,
) -> Option<Outcome> {
    let cx = args::Cmd {
        family,
        name: command,
        args: arguments,
    };
    let d = family.digit();
    let generic = command.replacen(d, "#", 1);
    let out = match generic.as_str() {
        "subnet#-list" => subnets::list(&cx, config),
        "subnet#-get" => subnets::get(&cx, config),
        "subnet#-add" => subnets::add(&cx, config),
        "subnet#-update" => subnets::update(&cx, config, delta::Mode::Replace),
        "subnet#-delta-add" => subnets::update(&cx, config, delta::Mode::Add),
        "subnet#-delta-del" => subnets::update(&cx, config, delta::Mode::Del),
        "subnet#-del" => subnets::del(&cx, config),
        "network#-list" => networks::list(&cx, config),
        "network#-get" => networks::get(&cx, config),
        "network#-add" => networks::add(&cx, config),
        "network#-del" => networks::del(&cx, config),
        "network#-subnet-add" => networks::subnet_add(&cx, config),
        "network#-subnet-del" => networks::subnet_del(&cx, config),
        _ => match command {
            "reservation-add" => hosts::add(&cx, config),
            "reservation-get" => hosts::get(&cx, config),
            "reservation-get-all" => hosts::get_all(&cx, config),
            "reservation-get-page" => hosts::get_page(&cx, config),
            "reservation-get-by-hostname" => hosts::get_by_hostname(&cx, config),
            "reservation-get-by-id" => hosts::get_by_id(&cx, config),
            "reservation-get-by-address" => hosts::get_by_address(&cx, config),
            "reservation-del" => hosts::del(&cx, config),
            "reservation-update" => hosts::update(&cx, config),
            _ => return None,
        },
    };
    Some(match out {
        Ok(Outcome::Change { mut config, answer }) => {
            // config-get's hash is not configuration.
            if let Value::Object(m) = &mut config {
                m.remove("hash");
            }
            Outcome::Change { config, answer }
        }
        Ok(o) => o,
        Err(a) => Outcome::Answer(a),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_per_family_and_unknown_commands() {
        let v4 = command_names(Family::V4);
        assert!(v4.contains(&"subnet4-delta-add".to_string()));
        assert!(v4.contains(&"network4-subnet-del".to_string()));
        assert!(v4.contains(&"reservation-get-page".to_string()));
        assert!(!v4.iter().any(|n| n.contains('6')));
        let v6 = command_names(Family::V6);
        assert!(v6.contains(&"subnet6-list".to_string()));
        let cfg = json!({"Dhcp4": {}});
        assert!(handle(Family::V4, "subnet6-list", &cfg, None).is_none());
        assert!(handle(Family::V4, "lease4-get", &cfg, None).is_none());
        for n in &v4 {
            assert!(handle(Family::V4, n, &cfg, None).is_some(), "{n}");
        }
    }

    #[test]
    fn config_get_hash_is_dropped_from_changes() {
        let cfg = json!({"Dhcp4": {"subnet4": []}, "hash": "ABC"});
        let args = json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]});
        match handle(Family::V4, "subnet4-add", &cfg, Some(&args)) {
            Some(Outcome::Change { config, .. }) => {
                assert!(config.get("hash").is_none());
                assert_eq!(config["Dhcp4"]["subnet4"][0]["id"], 1);
            }
            other => panic!("{other:?}"),
        }
    }
}
