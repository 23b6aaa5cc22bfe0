//! `subnet6-select-test` (ARM §19.6.1): runs the server's subnet selection
//! ([`crate::pipeline::select_with`]) on the inputs a query would carry and tells which
//! subnet (or shared network) would serve it.

use std::net::Ipv6Addr;

use dhcpsrv::select_args;
use kea_command::{Answer, CommandRegistry};
use serde_json::{Map, Value};

use crate::commands::Ctx;
use crate::config::ServerConfig;
use crate::pipeline::{SelectInputs, select_with};

/// Registers `subnet6-select-test`.
pub fn register(reg: &CommandRegistry, ctx: &Ctx) {
    let c = ctx.clone();
    reg.register("subnet6-select-test", move |req| {
        answer(&c.server.state().cfg, req.arguments.as_ref())
    });
}

#[derive(Debug, Default)]
struct Inputs {
    interface: String,
    interface_id: Option<Vec<u8>>,
    remote: Option<Ipv6Addr>,
    link: Option<Ipv6Addr>,
    classes: Vec<String>,
}

fn parse(args: Option<&Value>) -> Result<Inputs, String> {
    let a: &Map<String, Value> = match args {
        None => return Err("empty arguments".into()),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("arguments must be a map".into()),
    };
    let mut inp = Inputs::default();
    for (k, v) in a {
        match k.as_str() {
            "interface" => match v {
                Value::String(s) => inp.interface = s.clone(),
                _ => return Err("'interface' entry must be a string".into()),
            },
            "interface-id" => inp.interface_id = Some(select_args::interface_id(v)?),
            "remote" => inp.remote = Some(select_args::ipv6(k, v)?),
            "link" => inp.link = Some(select_args::ipv6(k, v)?),
            "classes" => {
                inp.classes = select_args::classes(v)?
                    .into_iter()
                    .map(str::to_string)
                    .collect();
            }
            other => return Err(format!("unknown entry '{other}'")),
        }
    }
    Ok(inp)
}

/// The answer for the command `args` against `cfg`.
fn answer(cfg: &ServerConfig, args: Option<&Value>) -> Answer {
    let inp = match parse(args) {
        Ok(i) => i,
        Err(e) => return Answer::error(e),
    };
    let sel = SelectInputs {
        link: inp
            .link
            .filter(|a| !a.is_unspecified() && !dhcpsrv::iface::is_link_local(a)),
        interface_id: inp.interface_id.as_deref(),
        iface: &inp.interface,
        remote: inp.remote.unwrap_or(Ipv6Addr::UNSPECIFIED),
    };
    // A guarded subnet (or shared network) is open to a client in any one of its classes.
    let open = |guard: &[String]| guard.is_empty() || guard.iter().any(|c| inp.classes.contains(c));
    let allowed = |i: usize| {
        let s = &cfg.subnets[i];
        open(&s.classes) && s.network.is_none_or(|n| open(&cfg.networks[n].classes))
    };
    match select_with(cfg, &sel, &allowed) {
        Some(i) => {
            let s = &cfg.subnets[i];
            let text = match s.network {
                Some(n) => format!(
                    "selected shared network '{}' starting with subnet '{}' id {}",
                    cfg.networks[n].name, s.prefix, s.id
                ),
                None => format!("selected subnet '{}' id {}", s.prefix, s.id),
            };
            Answer::success_text(text)
        }
        None => Answer::empty("no subnet selected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg() -> ServerConfig {
        let e = kea_config::parse_str(
            r#"{"Dhcp6": {
            "subnet6": [
              {"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth9"},
              {"id": 2, "subnet": "2001:db8:2::/64", "client-classes": ["foobar"]},
              {"id": 3, "subnet": "2001:db8:3::/64", "interface-id": "relay3"}
            ],
            "shared-networks": [{"name": "foo", "subnet6": [{"id": 5, "subnet": "2001:db8:5::/64"}]}]
        }}"#,
            "t",
        )
        .unwrap();
        crate::load::prepare(&e, &kea_process::PathPolicy::new(true))
            .unwrap()
            .cfg
            .as_ref()
            .clone()
    }

    fn run(args: Option<Value>) -> (i64, String) {
        let a = answer(&cfg(), args.as_ref());
        (a.result, a.text.unwrap_or_default())
    }

    #[test]
    fn selections() {
        let ok = |t: &str| (0, t.to_string());
        let none = (3, "no subnet selected".to_string());
        assert_eq!(run(Some(json!({}))), none);
        assert_eq!(run(Some(json!({"remote": "fe80::abcd"}))), none);
        assert_eq!(
            run(Some(json!({"remote": "2001:db8:1::1"}))),
            ok("selected subnet '2001:db8:1::/64' id 1")
        );
        assert_eq!(run(Some(json!({"interface": "bar"}))), none);
        assert_eq!(
            run(Some(json!({"interface": "eth9"}))),
            ok("selected subnet '2001:db8:1::/64' id 1")
        );
        assert_eq!(run(Some(json!({"link": "2001:db8:2::2"}))), none);
        assert_eq!(
            run(Some(
                json!({"link": "2001:db8:2::2", "classes": ["foobar"]})
            )),
            ok("selected subnet '2001:db8:2::/64' id 2")
        );
        assert_eq!(
            run(Some(
                json!({"link": "2001:db8:9::1", "interface-id": "'relay3'"})
            )),
            ok("selected subnet '2001:db8:3::/64' id 3")
        );
        assert_eq!(
            run(Some(json!({"remote": "2001:db8:5::1"}))),
            ok("selected shared network 'foo' starting with subnet '2001:db8:5::/64' id 5")
        );
    }

    #[test]
    fn argument_errors() {
        let err = |t: &str| (1, t.to_string());
        assert_eq!(run(None), err("empty arguments"));
        assert_eq!(run(Some(json!([]))), err("arguments must be a map"));
        assert_eq!(run(Some(json!({"foo": "bar"}))), err("unknown entry 'foo'"));
        assert_eq!(
            run(Some(json!({"interface-id": ""}))),
            err("'interface-id' must be not empty")
        );
        assert_eq!(
            run(Some(json!({"interface-id": "foo"}))),
            err("value of 'interface-id' was not recognized")
        );
        assert_eq!(
            run(Some(json!({"remote": "192.168.1.1"}))),
            err("bad 'remote' entry: not IPv6")
        );
        assert_eq!(
            run(Some(json!({"link": "foobar"}))),
            err("bad 'link' entry: Failed to convert string to address 'foobar': Invalid argument")
        );
        assert_eq!(
            run(Some(json!({"classes": [1]}))),
            err("'classes' entry must be a list of strings")
        );
    }
}
