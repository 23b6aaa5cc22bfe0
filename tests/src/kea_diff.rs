//! Differential testing of the command API against Debian's Kea 2.2.0 (used by the
//! kea-dhcp4 and kea-dhcp6 test crates): both daemons run with the same configuration on
//! UNIX control sockets in a temporary directory (no DHCP interfaces), get the same
//! commands, and their answers are compared by result code, argument shape (keys and value
//! types) and, where Kea 3.0 keeps 2.2.0's wording, text.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::control::{Daemon, request, send};

/// Where Debian installs the hook libraries.
pub const HOOKS_DIR: &str = "/usr/lib/x86_64-linux-gnu/kea/hooks";

/// Kea's binary and the two hook libraries, when all are installed.
pub fn kea_installed(name: &str) -> Option<(PathBuf, Vec<PathBuf>)> {
    let bin = ["/usr/sbin", "/usr/bin", "/usr/local/sbin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())?;
    let hooks: Vec<PathBuf> = ["libdhcp_lease_cmds.so", "libdhcp_stat_cmds.so"]
        .iter()
        .map(|l| Path::new(HOOKS_DIR).join(l))
        .collect();
    hooks.iter().all(|h| h.exists()).then_some((bin, hooks))
}

/// The shape of a value: scalars become their type name; objects keep their keys; arrays
/// become the sorted list of their elements' distinct shapes.
pub fn shape(v: &Value) -> Value {
    match v {
        Value::Null => json!("null"),
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::Array(a) => {
            let set: BTreeSet<String> = a.iter().map(|e| shape(e).to_string()).collect();
            Value::Array(
                set.into_iter()
                    .map(|s| serde_json::from_str(&s).unwrap_or(Value::Null))
                    .collect(),
            )
        }
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, e) in m {
                out.insert(k.clone(), shape(e));
            }
            Value::Object(out)
        }
    }
}

/// How the two answers of a case are compared.
#[derive(Debug, Clone)]
pub enum Compare {
    /// Same result, same text, same argument shape.
    Full,
    /// Same result and argument shape (texts name different paths, versions...).
    Shape,
    /// Same result only.
    Result,
    /// Same result; every key of Kea's arguments map is in ours with the same shape (Kea
    /// 3.0 has more statistics than 2.2.0).
    Superset,
    /// A deliberate difference: ours must answer with this result (and text, when given),
    /// whatever Kea 2.2.0 says. The reason is printed.
    Ours(i64, Option<&'static str>, &'static str),
}

/// One command of the scenario.
#[derive(Debug, Clone)]
pub struct Case {
    pub command: &'static str,
    pub arguments: Option<Value>,
    pub compare: Compare,
}

/// A case compared with [`Compare::Full`].
pub fn full(command: &'static str, arguments: Option<Value>) -> Case {
    Case {
        command,
        arguments,
        compare: Compare::Full,
    }
}

/// A case with another comparison.
pub fn case(command: &'static str, arguments: Option<Value>, compare: Compare) -> Case {
    Case {
        command,
        arguments,
        compare,
    }
}

/// Compares one pair of answers; `Err` describes the difference.
pub fn compare(c: &Case, kea: &Value, ours: &Value) -> Result<(), String> {
    if ours.is_null() {
        return Err("ours did not answer".into());
    }
    let same_result = || {
        if kea["result"] == ours["result"] {
            Ok(())
        } else {
            Err(format!(
                "result: kea {} ours {}",
                kea["result"], ours["result"]
            ))
        }
    };
    let same_shape = || {
        let (k, o) = (shape(&kea["arguments"]), shape(&ours["arguments"]));
        if k == o {
            Ok(())
        } else {
            Err(format!("argument shape: kea {k} ours {o}"))
        }
    };
    match &c.compare {
        Compare::Full => {
            same_result()?;
            if kea["text"] != ours["text"] {
                return Err(format!("text: kea {} ours {}", kea["text"], ours["text"]));
            }
            same_shape()
        }
        Compare::Shape => {
            same_result()?;
            same_shape()
        }
        Compare::Result => same_result(),
        Compare::Superset => {
            same_result()?;
            let (Some(k), Some(o)) = (kea["arguments"].as_object(), ours["arguments"].as_object())
            else {
                return Err("arguments are not maps".into());
            };
            for (key, v) in k {
                match o.get(key) {
                    None => return Err(format!("ours lacks '{key}'")),
                    Some(ov) if shape(ov) != shape(v) => {
                        return Err(format!("'{key}': kea {} ours {}", shape(v), shape(ov)));
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        }
        Compare::Ours(result, text, _) => {
            if ours["result"] != *result {
                return Err(format!(
                    "ours result {} (expected {result})",
                    ours["result"]
                ));
            }
            match text {
                Some(t) if ours["text"] != *t => {
                    Err(format!("ours text {} (expected {t:?})", ours["text"]))
                }
                _ => Ok(()),
            }
        }
    }
}

/// Sends every case to both daemons in order and returns the differences found.
pub fn run(cases: &[Case], kea: &Path, ours: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    for c in cases {
        let req = request(c.command, c.arguments.clone());
        let k = send(kea, &req);
        let o = send(ours, &req);
        if let Compare::Ours(_, _, why) = &c.compare {
            println!("{req}: deliberate difference ({why})\n  kea:  {k}\n  ours: {o}");
        }
        if k.is_null() && !matches!(c.compare, Compare::Ours(..)) {
            failures.push(format!("{req}: Kea 2.2.0 did not answer"));
            continue;
        }
        if let Err(e) = compare(c, &k, &o) {
            failures.push(format!("{req}: {e}\n  kea:  {k}\n  ours: {o}"));
        }
    }
    failures
}

/// Kea 2.2.0 and ours side by side, each with its own configuration and control socket
/// (`kea.sock`, `ours.sock`) in one directory.
pub struct Pair {
    pub kea: Daemon,
    pub ours: Daemon,
}

impl Pair {
    /// Starts both (ours with `-X`, Kea 3.0's path rules lifted for the temporary directory).
    pub fn start(
        kea_bin: &Path,
        our_bin: &Path,
        kea_config: &Value,
        our_config: &Value,
        dir: &Path,
    ) -> Pair {
        let kea = Daemon::start(
            "kea-2.2.0",
            kea_bin,
            &[],
            kea_config,
            dir,
            dir.join("kea.sock"),
        );
        let ours = Daemon::start(
            "ours",
            our_bin,
            &["-X"],
            our_config,
            dir,
            dir.join("ours.sock"),
        );
        Pair { kea, ours }
    }

    /// The commands Kea lists (`list-commands`) that ours lacks, but those `exempt` names.
    pub fn missing_commands(&self, exempt: impl Fn(&str) -> bool) -> Vec<String> {
        let names = |d: &Daemon| -> Vec<String> {
            d.cmd("list-commands", None)["arguments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let ours = names(&self.ours);
        names(&self.kea)
            .into_iter()
            .filter(|n| !exempt(n) && !ours.contains(n))
            .collect()
    }

    /// The end of a differential run: each daemon gets its own configuration back with
    /// `config-set` and writes it with `config-write` (both must succeed), then both are
    /// shut down and must answer alike. Returns the failures.
    pub fn reapply_and_shut_down(
        &self,
        kea_config: &Value,
        our_config: &Value,
        dir: &Path,
    ) -> Vec<String> {
        let mut failures = Vec::new();
        for (what, d, config) in [
            ("kea", &self.kea, kea_config),
            ("ours", &self.ours, our_config),
        ] {
            let a = d.cmd("config-set", Some(config.clone()));
            if a["result"] != 0 || a["text"] != "Configuration successful." {
                failures.push(format!("{what}: config-set answered {a}"));
            }
            let written = dir.join(format!("{what}-written.json"));
            let a = d.cmd("config-write", Some(json!({ "filename": written })));
            if a["result"] != 0 || !a["arguments"]["size"].is_number() {
                failures.push(format!("{what}: config-write answered {a}"));
            }
        }
        let k = self.kea.cmd("shutdown", None);
        let o = self.ours.cmd("shutdown", None);
        if k != o {
            failures.push(format!("shutdown: kea {k} ours {o}"));
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            shape(&json!({"a": [1, 2], "b": [[1, "x"], [2, "y"]], "c": []})),
            json!({"a": ["number"], "b": [["number", "string"]], "c": []})
        );
    }
}
