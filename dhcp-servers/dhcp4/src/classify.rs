//! Client classification for DHCPv4: built-in classes (ALL, KNOWN, UNKNOWN,
//! VENDOR_CLASS_<option 60>, BOOTP) and configured classes whose `test` is an expression of
//! Kea's language, compiled and evaluated by the shared [`dhcp_classify`] crate. This
//! module adapts a received [`Pkt4`] to [`dhcp_classify::Packet`] and runs the passes.

use std::net::{IpAddr, Ipv4Addr};

use dhcp_classify::{Family, Packet, ParseEnv, Pkt4Header};
use dhcp_packet::Pkt4;

pub use dhcp_classify::{ClassSet, Expr, is_builtin_class as is_builtin};

/// Packet context an expression can read.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub pkt: &'a Pkt4,
    pub iface: &'a str,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
}

impl Packet for Env<'_> {
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.pkt.options.get(u8::try_from(code).ok()?)
    }

    fn iface(&self) -> &str {
        self.iface
    }

    fn src(&self) -> IpAddr {
        IpAddr::V4(self.src)
    }

    fn dst(&self) -> IpAddr {
        IpAddr::V4(self.dst)
    }

    /// The length Kea's Pkt4::len() reports: fixed header, magic cookie, options (long
    /// values split in 255-byte pieces) and the END option.
    fn packet_len(&self) -> u32 {
        let opts: usize = self
            .pkt
            .options
            .iter()
            .map(|(_, v)| v.len() + 2 * v.len().div_ceil(255).max(1))
            .sum();
        (240 + opts + 1) as u32
    }

    fn msg_type(&self) -> u8 {
        self.pkt.message_type().map_or(0, |t| t.to_u8())
    }

    fn transid(&self) -> u32 {
        self.pkt.xid
    }

    fn pkt4(&self) -> Option<Pkt4Header<'_>> {
        Some(Pkt4Header {
            mac: self.pkt.hwaddr(),
            hlen: self.pkt.hlen,
            htype: self.pkt.htype,
            ciaddr: self.pkt.ciaddr,
            giaddr: self.pkt.giaddr,
            yiaddr: self.pkt.yiaddr,
            siaddr: self.pkt.siaddr,
        })
    }
}

/// Compiles a class `test` for DHCPv4; `defined` says whether a class name was defined
/// earlier in the configuration.
pub fn parse_test(
    text: &str,
    defs: &crate::options::OptionDefs,
    defined: &dyn Fn(&str) -> bool,
) -> Result<Expr, dhcp_classify::ParseError> {
    let code = |name: &str| defs.code_of("dhcp4", name);
    Expr::parse(
        text,
        &ParseEnv {
            family: Family::V4,
            option_code: &code,
            class_defined: defined,
        },
    )
}

/// Compiles a class `template-test` for DHCPv4.
pub fn parse_template(
    text: &str,
    defs: &crate::options::OptionDefs,
    defined: &dyn Fn(&str) -> bool,
) -> Result<dhcp_classify::StringExpr, dhcp_classify::ParseError> {
    let code = |name: &str| defs.code_of("dhcp4", name);
    dhcp_classify::StringExpr::parse(
        text,
        &ParseEnv {
            family: Family::V4,
            option_code: &code,
            class_defined: defined,
        },
    )
}

/// Evaluates one class for a packet: its test (no test: member), or for a template class
/// its `template-test`, whose non-empty value puts the packet in `SPAWN_<class>_<value>`
/// and in the template class.
pub fn evaluate_one(def: &crate::config::ClientClassDef, env: &Env<'_>, classes: &mut ClassSet) {
    if let Some(t) = &def.template {
        if let Ok(v) = t.eval(env, classes)
            && let Some(name) = dhcp_classify::StringExpr::spawned_name(&def.name, &v)
        {
            classes.insert(&name);
            classes.insert_shared(&def.name);
        }
        return;
    }
    let member = match &def.test {
        None => true,
        Some(t) => t.eval(env, classes).unwrap_or(false),
    };
    if member {
        classes.insert_shared(&def.name);
    }
}

/// The definitions of the packet's classes in the order it joined them (Kea's precedence
/// for class options, lifetimes and boot fields: the first class that sets one wins).
pub fn member_defs<'a>(
    cfg: &'a crate::config::ServerConfig,
    classes: &'a ClassSet,
) -> impl Iterator<Item = &'a crate::config::ClientClassDef> + 'a {
    classes
        .iter()
        .filter_map(move |n| cfg.classes.iter().find(|c| &*c.name == n))
}

/// Built-in classification done before subnet selection: ALL, VENDOR_CLASS_*, BOOTP.
pub fn builtin_classes(pkt: &Pkt4, out: &mut ClassSet) {
    out.insert_static("ALL");
    if let Some(vc) = pkt.vendor_class()
        && !vc.is_empty()
    {
        out.insert(&format!("VENDOR_CLASS_{}", String::from_utf8_lossy(vc)));
    }
    if pkt.message_type().is_none() {
        out.insert_static("BOOTP");
    }
}

/// Evaluates configured classes with a `test` (not `only-in-additional-list`): the early
/// pass (`late == false`) takes classes that do not depend on KNOWN/UNKNOWN, the late pass
/// (after the reservation lookup) the others. Costs nothing when no class has a test.
pub fn evaluate_configured(
    cfg: &crate::config::ServerConfig,
    env: &Env<'_>,
    classes: &mut ClassSet,
    late: bool,
) {
    for c in &cfg.classes {
        if c.only_if_required
            || c.depends_on_known != late
            || (c.test.is_none() && c.template.is_none())
            || classes.contains(&c.name)
        {
            continue;
        }
        evaluate_one(c, env, classes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dhcp_packet::MessageType4;
    use dhcp_packet::v4::code;

    fn pkt() -> Pkt4 {
        let mut p = Pkt4::new(1, 0x1234);
        p.set_hwaddr(1, &[0xaa, 0xbb, 0xcc, 0, 0, 1]).unwrap();
        p.set_message_type(MessageType4::Discover);
        p.options.set(code::VENDOR_CLASS_ID, b"docsis3.0:foo");
        p.options
            .set(code::RELAY_AGENT_INFO, &[1, 3, b'c', b'i', b'd']);
        p.giaddr = Ipv4Addr::new(10, 0, 0, 1);
        p
    }

    fn eval(text: &str) -> bool {
        let p = pkt();
        let env = Env {
            pkt: &p,
            iface: "eth0",
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(10, 0, 0, 2),
        };
        let mut cs = ClassSet::default();
        builtin_classes(&p, &mut cs);
        let defs = crate::options::OptionDefs::default();
        parse_test(text, &defs, &|_| false)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .eval(&env, &cs)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn expressions_on_a_v4_packet() {
        assert!(eval("substring(option[60].hex,0,6) == 'docsis'"));
        assert!(!eval("substring(option[60].hex,0,6) == 'DOCSIS'"));
        assert!(eval("ucase(substring(option[60].text,0,6)) == 'DOCSIS'"));
        assert!(eval(
            "option[vendor-class-identifier].text == 'docsis3.0:foo'"
        ));
        assert!(eval("option[60].exists and not option[61].exists"));
        assert!(eval("relay4[1].hex == 'cid'"));
        assert!(eval("pkt4.mac == 0xaabbcc000001"));
        assert!(eval("hexstring(pkt4.mac, ':') == 'aa:bb:cc:00:00:01'"));
        assert!(eval("pkt4.msgtype == 1 and pkt4.transid == 4660"));
        assert!(eval("pkt4.giaddr == 10.0.0.1"));
        assert!(eval("addrtotext(pkt4.giaddr) == '10.0.0.1'"));
        assert!(eval("pkt.iface == 'eth0'"));
        assert!(eval("member('ALL') and not member('KNOWN')"));
        assert!(eval("member('VENDOR_CLASS_docsis3.0:foo')"));
        assert!(eval("unknown"));
        assert!(eval("split(option[60].text, ':', 2) == 'foo'"));
        assert!(eval("concat('a', 'b') + 'c' == 'abc'"));
        assert!(eval("ifelse(option[77].exists, 'x', 'none') == 'none'"));
        // 240 header+cookie, 53 (3), 60 (15), 82 (7), END.
        assert!(eval("pkt.len == 266"));
    }

    #[test]
    fn rejects_what_kea_rejects() {
        let defs = crate::options::OptionDefs::default();
        for bad in [
            "pkt6.msgtype == 1",
            "relay6[0].peeraddr == ::1",
            "option[60].hex ==",
            "'a' == 'b' )",
            "'abc",
            "member('gold')",
            "option[no-such-option].hex == 'a'",
            "relay4[1].hex == 'cid' or false",
        ] {
            assert!(parse_test(bad, &defs, &|_| false).is_err(), "{bad}");
        }
        let e = parse_test("member('gold') or known", &defs, &|n| n == "gold").unwrap();
        assert_eq!(e.members(), vec!["gold", "KNOWN"]);
    }

    #[test]
    fn template_classes_spawn_per_value() {
        let e = kea_config::parse_str(
            r#"{"Dhcp4": {"client-classes": [
                {"name": "vc", "template-test": "split(option[60].text, ':', 1)"},
                {"name": "late", "template-test": "ifelse(known, 'k', '')"},
                {"name": "both", "test": "'a' == 'a'", "template-test": "'a'"}]}}"#,
            "t",
        )
        .unwrap();
        let err = crate::config::ServerConfig::from_element(&e).unwrap_err();
        assert!(
            err.to_string().contains("both 'test' and 'template-test'"),
            "{err}"
        );
        let e = kea_config::parse_str(
            r#"{"Dhcp4": {"client-classes": [
                {"name": "vc", "template-test": "split(option[60].text, ':', 1)"},
                {"name": "late", "template-test": "ifelse(known, 'k', '')"}]}}"#,
            "t",
        )
        .unwrap();
        let cfg = crate::config::ServerConfig::from_element(&e).unwrap();
        assert!(cfg.classes[1].depends_on_known && !cfg.classes[0].depends_on_known);
        let p = pkt();
        let env = Env {
            pkt: &p,
            iface: "eth0",
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(10, 0, 0, 2),
        };
        let mut cs = ClassSet::default();
        builtin_classes(&p, &mut cs);
        evaluate_configured(&cfg, &env, &mut cs, false);
        assert!(
            cs.contains("SPAWN_vc_docsis3.0") && cs.contains("vc"),
            "{cs}"
        );
        assert!(!cs.contains("late"));
        evaluate_configured(&cfg, &env, &mut cs, true);
        assert!(!cs.contains("late"), "empty value spawns nothing: {cs}");
    }
}
