//! `subnet4-select-test` (ARM §19.5.1): runs the server's subnet selection
//! ([`crate::pipeline::select::select_subnet`]) on the inputs a query would carry and tells
//! which subnet (or shared network) would serve it.

use std::net::Ipv4Addr;

use dhcpsrv::select_args;
use kea_command::{Answer, CommandRegistry};
use serde_json::{Map, Value};

use crate::classify::ClassSet;
use crate::commands::Ctx;
use crate::config::ServerConfig;
use crate::pipeline::select::{Selector, select_subnet};

/// Registers `subnet4-select-test` and `subnet4o6-select-test`.
pub fn register(reg: &CommandRegistry, ctx: &Ctx) {
    let c = ctx.clone();
    reg.register("subnet4-select-test", move |req| {
        let cfg = c.server.state().cfg.clone();
        answer(&cfg, req.arguments.as_ref(), &interface_address)
    });
    reg.register("subnet4o6-select-test", |req| {
        answer_4o6(req.arguments.as_ref())
    });
}

/// `subnet4o6-select-test`: the arguments are checked as Kea checks them. DHCPv4-over-DHCPv6
/// selects only subnets with `4o6-subnet`, `4o6-interface` or `4o6-interface-id`, which this
/// server refuses to configure, so no subnet is ever selected.
fn answer_4o6(args: Option<&Value>) -> Answer {
    let a: &Map<String, Value> = match args {
        None => return Answer::error("empty arguments"),
        Some(Value::Object(m)) => m,
        Some(_) => return Answer::error("arguments must be a map"),
    };
    for (k, v) in a {
        let checked = match k.as_str() {
            "interface" => match v {
                Value::String(_) => Ok(()),
                _ => Err("'interface' entry must be a string".to_string()),
            },
            "interface-id" => select_args::interface_id(v).map(|_| ()),
            "address" | "relay" | "subnet" => select_args::ipv4(k, v).map(|_| ()),
            "local" | "remote" | "link" => select_args::ipv6(k, v).map(|_| ()),
            "classes" => class_set(v).map(|_| ()),
            other => Err(format!("unknown entry '{other}'")),
        };
        if let Err(e) = checked {
            return Answer::error(e);
        }
    }
    Answer::empty("no subnet selected")
}

/// A `classes` argument as the class set selection checks.
fn class_set(v: &Value) -> Result<ClassSet, String> {
    let mut set = ClassSet::default();
    for c in select_args::classes(v)? {
        set.insert(c);
    }
    Ok(set)
}

/// The selection inputs of the command.
#[derive(Debug, Default)]
struct Inputs {
    interface: String,
    address: Option<Ipv4Addr>,
    relay: Option<Ipv4Addr>,
    local: Option<Ipv4Addr>,
    remote: Option<Ipv4Addr>,
    link: Option<Ipv4Addr>,
    subnet: Option<Ipv4Addr>,
    classes: ClassSet,
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
            "address" => inp.address = Some(select_args::ipv4(k, v)?),
            "relay" => inp.relay = Some(select_args::ipv4(k, v)?),
            "local" => inp.local = Some(select_args::ipv4(k, v)?),
            "remote" => inp.remote = Some(select_args::ipv4(k, v)?),
            "link" => inp.link = Some(select_args::ipv4(k, v)?),
            "subnet" => inp.subnet = Some(select_args::ipv4(k, v)?),
            "classes" => inp.classes = class_set(v)?,
            other => return Err(format!("unknown entry '{other}'")),
        }
    }
    Ok(inp)
}

/// First IPv4 address of a network interface: `Err` when there is no such interface.
fn interface_address(name: &str) -> Result<Ipv4Addr, ()> {
    let list = dhcpsrv::iface::discover().map_err(|_| ())?;
    let i = list.iter().find(|i| i.name == name).ok_or(())?;
    Ok(i.addrs.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED))
}

/// The answer for the command `args` against `cfg`; `iface_addr` resolves an interface name.
fn answer(
    cfg: &ServerConfig,
    args: Option<&Value>,
    iface_addr: &dyn Fn(&str) -> Result<Ipv4Addr, ()>,
) -> Answer {
    let inp = match parse(args) {
        Ok(i) => i,
        Err(e) => return Answer::error(e),
    };
    let link = inp.link.filter(|_| !cfg.ignore_rai_link_selection);
    let unset = Ipv4Addr::UNSPECIFIED;
    let mut sel = Selector {
        option_select: link.or(inp.subnet),
        giaddr: inp.relay.unwrap_or(unset),
        ciaddr: inp.address.unwrap_or(unset),
        remote: inp.remote.unwrap_or(unset),
        local: inp.local.unwrap_or(unset),
        iface: &inp.interface,
        iface_addr: unset,
    };
    // Selection falls back on the interface only for a direct query without a usable
    // client or source address; only then does the interface's address matter.
    let by_interface = sel.option_select.is_none()
        && sel.giaddr.is_unspecified()
        && (sel.local.is_broadcast()
            || (sel.ciaddr.is_unspecified() && sel.remote.is_unspecified()));
    let mut missing_iface = false;
    if by_interface && !inp.interface.is_empty() {
        match iface_addr(&inp.interface) {
            Ok(a) => sel.iface_addr = a,
            Err(()) => missing_iface = true,
        }
    }
    match select_subnet(cfg, &sel, &inp.classes) {
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
        None if missing_iface => Answer::error(format!(
            "Error during command processing: interface {} doesn't exist and therefore it is impossible to find a suitable subnet for its IPv4 address",
            inp.interface
        )),
        None => Answer::empty("no subnet selected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg() -> ServerConfig {
        let e = kea_config::parse_str(
            r#"{"Dhcp4": {
            "subnet4": [
              {"id": 1, "subnet": "192.168.50.0/24", "interface": "eth9"},
              {"id": 2, "subnet": "192.168.51.0/24", "client-classes": ["foobar"]},
              {"id": 3, "subnet": "10.0.0.0/24", "relay": {"ip-addresses": ["192.0.2.2"]}}
            ],
            "shared-networks": [{"name": "foo", "subnet4": [{"id": 5, "subnet": "100.64.0.0/24"}]}]
        }}"#,
            "t",
        )
        .unwrap();
        ServerConfig::from_element(&e).unwrap()
    }

    fn run(args: Option<Value>) -> (i64, String) {
        let addr = |n: &str| match n {
            "eth9" | "lo9" => Ok(Ipv4Addr::new(127, 0, 0, 1)),
            "eth8" => Ok(Ipv4Addr::new(100, 64, 0, 1)),
            _ => Err(()),
        };
        let a = answer(&cfg(), args.as_ref(), &addr);
        (a.result, a.text.unwrap_or_default())
    }

    #[test]
    fn selections() {
        let ok = |t: &str| (0, t.to_string());
        assert_eq!(run(Some(json!({}))), (3, "no subnet selected".into()));
        assert_eq!(
            run(Some(json!({"interface": "eth9"}))),
            ok("selected subnet '192.168.50.0/24' id 1")
        );
        assert_eq!(
            run(Some(json!({"interface": "eth8"}))),
            ok("selected shared network 'foo' starting with subnet '100.64.0.0/24' id 5")
        );
        assert_eq!(
            run(Some(json!({"address": "192.168.50.1"}))),
            ok("selected subnet '192.168.50.0/24' id 1")
        );
        assert_eq!(
            run(Some(json!({"address": "192.168.51.1"}))),
            (3, "no subnet selected".into())
        );
        assert_eq!(
            run(Some(
                json!({"address": "192.168.51.1", "classes": ["foobar"]})
            )),
            ok("selected subnet '192.168.51.0/24' id 2")
        );
        assert_eq!(
            run(Some(json!({"relay": "192.0.2.2"}))),
            ok("selected subnet '10.0.0.0/24' id 3")
        );
        assert_eq!(
            run(Some(json!({"subnet": "10.0.0.7", "relay": "192.168.50.2"}))),
            ok("selected subnet '10.0.0.0/24' id 3")
        );
        assert_eq!(
            run(Some(json!({"interface": "nope"}))),
            (1, "Error during command processing: interface nope doesn't exist and therefore it is impossible to find a suitable subnet for its IPv4 address".into())
        );
    }

    #[test]
    fn four_o_six() {
        let r = |v: Option<Value>| {
            let a = answer_4o6(v.as_ref());
            (a.result, a.text.unwrap_or_default())
        };
        assert_eq!(
            r(Some(json!({"interface": "foo"}))),
            (3, "no subnet selected".into())
        );
        assert_eq!(
            r(Some(json!({"remote": "192.168.1.200"}))),
            (1, "bad 'remote' entry: not IPv6".into())
        );
        assert_eq!(
            r(Some(json!({"subnet": "2001:db8:1::1"}))),
            (1, "bad 'subnet' entry: not IPv4".into())
        );
        assert_eq!(
            r(Some(json!({"interface-id": "foo"}))),
            (1, "value of 'interface-id' was not recognized".into())
        );
        assert_eq!(r(None), (1, "empty arguments".into()));
    }

    #[test]
    fn argument_errors() {
        let err = |t: &str| (1, t.to_string());
        assert_eq!(run(None), err("empty arguments"));
        assert_eq!(run(Some(json!([]))), err("arguments must be a map"));
        assert_eq!(run(Some(json!({"foo": "bar"}))), err("unknown entry 'foo'"));
        assert_eq!(
            run(Some(json!({"interface": 1}))),
            err("'interface' entry must be a string")
        );
        assert_eq!(
            run(Some(json!({"relay": "2001:db8:1::1"}))),
            err("bad 'relay' entry: not IPv4")
        );
        assert_eq!(
            run(Some(json!({"link": "foobar"}))),
            err("bad 'link' entry: Failed to convert string to address 'foobar': Invalid argument")
        );
        assert_eq!(
            run(Some(json!({"classes": "foo"}))),
            err("'classes' entry must be a list")
        );
        assert_eq!(
            run(Some(json!({"classes": [1]}))),
            err("'classes' entry must be a list of strings")
        );
    }
}
