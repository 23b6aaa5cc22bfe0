use super::*;

type RelayLevel = (Ipv6Addr, Ipv6Addr, Vec<(u16, Vec<u8>)>);

/// A packet built by hand for the tests.
#[derive(Default)]
struct TestPkt {
    v4: bool,
    options: Vec<(u16, Vec<u8>)>,
    relays: Vec<RelayLevel>,
    mac: Vec<u8>,
    giaddr: Option<Ipv4Addr>,
    msg_type: u8,
    transid: u32,
}

impl Packet for TestPkt {
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.options
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| &v[..])
    }
    fn iface(&self) -> &str {
        "eth0"
    }
    fn src(&self) -> IpAddr {
        if self.v4 {
            "10.0.0.1".parse().unwrap()
        } else {
            "fe80::1".parse().unwrap()
        }
    }
    fn dst(&self) -> IpAddr {
        if self.v4 {
            "10.0.0.2".parse().unwrap()
        } else {
            "ff02::1:2".parse().unwrap()
        }
    }
    fn packet_len(&self) -> u32 {
        300
    }
    fn msg_type(&self) -> u8 {
        self.msg_type
    }
    fn transid(&self) -> u32 {
        self.transid
    }
    fn pkt4(&self) -> Option<Pkt4Header<'_>> {
        self.v4.then(|| Pkt4Header {
            mac: &self.mac,
            hlen: self.mac.len() as u8,
            htype: 1,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: self.giaddr.unwrap_or(Ipv4Addr::UNSPECIFIED),
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
        })
    }
    fn relay6_count(&self) -> usize {
        self.relays.len()
    }
    fn relay6_option(&self, level: usize, code: u16) -> Option<&[u8]> {
        self.relays
            .get(level)?
            .2
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| &v[..])
    }
    fn relay6_addresses(&self, level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        self.relays.get(level).map(|r| (r.0, r.1))
    }
}

fn pkt4() -> TestPkt {
    TestPkt {
        v4: true,
        options: vec![
            (60, b"docsis3.0:foo".to_vec()),
            (82, vec![1, 3, b'c', b'i', b'd', 2, 1, 7]),
            // VIVSO: enterprise 4491, 3 bytes of sub-options: code 1 len 1 'x'.
            (125, vec![0, 0, 0x11, 0x8b, 3, 1, 1, b'x']),
            // VIVCO: enterprise 4491, chunks "abc" and "de".
            (
                124,
                vec![0, 0, 0x11, 0x8b, 7, 3, b'a', b'b', b'c', 2, b'd', b'e'],
            ),
            (43, vec![1, 2, b'h', b'i']),
        ],
        mac: vec![0xaa, 0xbb, 0xcc, 0, 0, 1],
        giaddr: Some(Ipv4Addr::new(10, 0, 0, 1)),
        msg_type: 1,
        transid: 0x1234,
        ..Default::default()
    }
}

fn pkt6() -> TestPkt {
    TestPkt {
        v4: false,
        options: vec![
            (1, vec![0, 2, 0xaa, 0xbb, 0xcc, 0xdd]),
            // Vendor class: enterprise 4491, chunk "docsis3.0".
            (16, {
                let mut v = vec![0, 0, 0x11, 0x8b, 0, 9];
                v.extend_from_slice(b"docsis3.0");
                v
            }),
            // Vendor opts: enterprise 4491, sub-option 1 = "ab".
            (17, vec![0, 0, 0x11, 0x8b, 0, 1, 0, 2, b'a', b'b']),
            (15, vec![0, 6, 0, 4, b'i', b'P', b'X', b'E']),
            // IA_NA iaid 1, T1 0, T2 0, one IAADDR (5) with address ::1 and lifetimes.
            (3, {
                let mut v = vec![0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 24];
                v.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
                v.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2]);
                v
            }),
        ],
        relays: vec![
            (
                "2001:db8:1::1".parse().unwrap(),
                "fe80::a".parse().unwrap(),
                vec![(18, b"port-7".to_vec())],
            ),
            (
                "2001:db8:2::1".parse().unwrap(),
                "fe80::b".parse().unwrap(),
                vec![(37, vec![0, 0, 0, 9, 1, 2])],
            ),
        ],
        msg_type: 3,
        transid: 0xabcdef,
        ..Default::default()
    }
}

fn names(n: &str) -> Option<u16> {
    match n {
        "vendor-class-identifier" => Some(60),
        "client-id" | "clientid" => Some(1),
        _ => None,
    }
}

fn defined(n: &str) -> bool {
    n == "gold"
}

fn env(family: Family) -> ParseEnv<'static> {
    ParseEnv {
        family,
        option_code: &names,
        class_defined: &defined,
    }
}

fn parse(family: Family, text: &str) -> Result<Expr, ParseError> {
    Expr::parse(text, &env(family))
}

fn eval(family: Family, text: &str) -> bool {
    let p = if family == Family::V4 { pkt4() } else { pkt6() };
    let mut cs = ClassSet::default();
    cs.insert_static("ALL");
    cs.insert("gold");
    parse(family, text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .eval(&p, &cs)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn v4(text: &str) -> bool {
    eval(Family::V4, text)
}

fn v6(text: &str) -> bool {
    eval(Family::V6, text)
}

fn err(family: Family, text: &str) -> String {
    match parse(family, text) {
        Ok(_) => panic!("{text}: accepted"),
        Err(e) => e.detail(),
    }
}

#[test]
fn literals() {
    assert!(v4("'abc' == 'abc'"));
    assert!(v4("0x616263 == 'abc'"));
    assert!(v4("0x1 == 0x01"));
    assert!(v4("123 == 0x0000007b"));
    assert!(v4("10.0.0.1 == 0x0a000001"));
    assert!(v6("2001:db8::1 == 0x20010db8000000000000000000000001"));
    assert!(v6("::ffff:1.2.3.4 == 0x00000000000000000000ffff01020304"));
    assert!(!v4("'a' == 'b'"));
}

#[test]
fn options_and_sub_options() {
    assert!(v4("option[60].hex == 'docsis3.0:foo'"));
    assert!(v4("option[60].text == 'docsis3.0:foo'"));
    assert!(v4(
        "option[vendor-class-identifier].text == 'docsis3.0:foo'"
    ));
    assert!(v4("option[60].exists and not option[61].exists"));
    assert!(v4("option[61].hex == ''"));
    assert!(v4("option[43].option[1].hex == 'hi'"));
    assert!(v4(
        "option[43].option[1].exists and not option[43].option[2].exists"
    ));
    assert!(v6("substring(option[3].option[5].hex, 0, 16) == ::1"));
    assert!(v6("option[17].option[1].hex == 'ab'"));
    assert!(!v6("option[3].option[26].exists"));
    assert!(v6("option[1].hex == 0x0002aabbccdd"));
    assert!(v6("substring(option[client-id].hex, 0, 2) == 0x0002"));
}

#[test]
fn relay_values() {
    assert!(v4("relay4[1].hex == 'cid'"));
    assert!(v4("relay4[2].exists and not relay4[3].exists"));
    assert!(v6("relay6[0].option[18].hex == 'port-7'"));
    assert!(v6(
        "relay6[-1].option[37].exists and not relay6[-2].option[37].exists"
    ));
    assert!(v6("relay6[0].linkaddr == 2001:db8:1::1"));
    assert!(v6("relay6[1].peeraddr == fe80::b"));
    assert!(v6("relay6[-2].peeraddr == fe80::a"));
    assert!(v6("relay6[5].peeraddr == ''"));
    assert!(v6("relay6[-3].linkaddr == ''"));
    assert!(v6("addrtotext(relay6[0].linkaddr) == '2001:db8:1::1'"));
}

#[test]
fn packet_fields() {
    assert!(v4("pkt4.mac == 0xaabbcc000001"));
    assert!(v4("pkt4.hlen == 6 and pkt4.htype == 1"));
    assert!(v4("pkt4.giaddr == 10.0.0.1 and pkt4.ciaddr == 0.0.0.0"));
    assert!(v4("pkt4.yiaddr == 0.0.0.0 and pkt4.siaddr == 0.0.0.0"));
    assert!(v4("pkt4.msgtype == 1 and pkt4.transid == 4660"));
    assert!(v6("pkt6.msgtype == 3 and pkt6.transid == 11259375"));
    assert!(v4("pkt.iface == 'eth0'"));
    assert!(v4("pkt.src == 10.0.0.1 and pkt.dst == 10.0.0.2"));
    assert!(v6("pkt.src == fe80::1"));
    assert!(v4("pkt.len == 300"));
}

#[test]
fn vendor_values() {
    assert!(v4(
        "vendor[4491].exists and vendor[*].exists and vendor[0].exists"
    ));
    assert!(!v4("vendor[9].exists"));
    assert!(v4("vendor.enterprise == 4491"));
    assert!(v4("vendor[4491].option[1].hex == 'x'"));
    assert!(v4(
        "vendor[4491].option[1].exists and not vendor[4491].option[2].exists"
    ));
    assert!(v4(
        "vendor-class[4491].exists and vendor-class.enterprise == 4491"
    ));
    assert!(v4(
        "vendor-class[4491].data == 'abc' and vendor-class[*].data[1] == 'de'"
    ));
    assert!(v4("vendor-class[4491].data[2] == ''"));
    assert!(v6("vendor.enterprise == 4491"));
    assert!(v6("vendor[4491].option[1].hex == 'ab'"));
    assert!(v6("vendor-class[4491].data == 'docsis3.0'"));
    assert!(v6("vendor-class[1].data == ''"));
    assert!(!v6("vendor-class[1].exists"));
    assert_eq!(vendor_class6(&pkt6()), Some(&b"docsis3.0"[..]));
}

#[test]
fn classes() {
    assert!(v4(
        "member('ALL') and member('gold') and not member('KNOWN')"
    ));
    assert!(v4("unknown and not known"));
    let e = parse(
        Family::V4,
        "member('gold') or known or member('VENDOR_CLASS_x')",
    )
    .unwrap();
    assert_eq!(e.members(), vec!["gold", "KNOWN", "VENDOR_CLASS_x"]);
    assert!(e.depends_on_known(|_| false));
    let e = parse(Family::V4, "member('gold')").unwrap();
    assert!(!e.depends_on_known(|_| false));
    assert!(e.depends_on_known(|n| n == "gold"));
}

#[test]
fn string_functions() {
    assert!(v4("substring('foobar', 0, 6) == 'foobar'"));
    assert!(v4("substring('foobar', 3, 3) == 'bar'"));
    assert!(v4("substring('foobar', 3, all) == 'bar'"));
    assert!(v4("substring('foobar', 1, 4) == 'ooba'"));
    assert!(v4("substring('foobar', -5, 4) == 'ooba'"));
    assert!(v4("substring('foobar', -1, -3) == 'oba'"));
    assert!(v4("substring('foobar', 4, -2) == 'ob'"));
    assert!(v4("substring('foobar', 10, 2) == ''"));
    assert!(v4("substring('foobar', 1, -5) == 'f'"));
    assert!(v4("substring(pkt4.mac, 0, 3) == 0xaabbcc"));
    assert!(v4("substring(lcase('ABC'), 1, 1) == 'b'"));
    assert!(v4("split('one.two..four', '.', 1) == 'one'"));
    assert!(v4("split('one.two..four', '.', 2) == 'two'"));
    assert!(v4("split('one.two..four', '.', 3) == ''"));
    assert!(v4("split('one.two..four', '.', 4) == 'four'"));
    assert!(v4("split('one.two..four', '.', 5) == ''"));
    assert!(v4("split('one.two', '', 2) == 'one.two'"));
    assert!(v4("split('a:b.c', ':.', 3) == 'c'"));
    assert!(v4("split('abc', 0x27, 0) == ''"));
    assert!(v4("concat('foo', 'bar') == 'foobar'"));
    assert!(v4("'abc' + 'def' + 'ghi' == 'abcdefghi'"));
    assert!(v4("concat('', 'x') == 'x' and concat('x', '') == 'x'"));
    assert!(v4("ifelse(option[60].exists, 'yes', 'no') == 'yes'"));
    assert!(v4(
        "ifelse(option[230].exists, option[230].hex, 'none') == 'none'"
    ));
    assert!(v4("hexstring('foo', '-') == '66-6f-6f'"));
    assert!(v4("hexstring(pkt4.mac, ':') == 'aa:bb:cc:00:00:01'"));
    assert!(v4("hexstring('', ':') == ''"));
    assert!(v4(
        "lcase('LoWeR') == 'lower' and ucase('uPpEr') == 'UPPER'"
    ));
    assert!(v4("ucase(substring(option[60].text, 0, 6)) == 'DOCSIS'"));
}

#[test]
fn conversions() {
    assert!(v4("addrtotext(192.10.0.1) == '192.10.0.1'"));
    assert!(v6("addrtotext(2003:db8::) == '2003:db8::'"));
    assert!(v4(
        "int8totext(0xff) == '-1' and uint8totext(0xff) == '255'"
    ));
    assert!(v4(
        "int16totext(0xffff) == '-1' and uint16totext(0xffff) == '65535'"
    ));
    assert!(v4(
        "int32totext(0xffffffff) == '-1' and uint32totext(0xffffffff) == '4294967295'"
    ));
    assert!(v4("uint16totext(0x0102) == '258'"));
    assert!(v4("addrtotext('') == '' and int8totext('') == ''"));
    // Wrong sizes are run-time errors (Kea's EvalTypeError): the class is not assigned.
    let e = parse(Family::V4, "addrtotext('abc') == 'x'").unwrap();
    assert!(e.eval(&pkt4(), &ClassSet::default()).is_err());
    let e = parse(Family::V4, "uint16totext('a') == 'x'").unwrap();
    assert_eq!(
        e.eval(&pkt4(), &ClassSet::default())
            .unwrap_err()
            .to_string(),
        "Can not convert to valid uint16."
    );
}

#[test]
fn logic_and_precedence() {
    assert!(v4("not 'a' == 'b' and 'c' == 'c'"));
    assert!(v4("'a' == 'a' or 'a' == 'b' and 'c' == 'd'"));
    assert!(!v4("('a' == 'a' or 'a' == 'b') and 'c' == 'd'"));
    assert!(v4("not not 'a' == 'a'"));
    assert!(v4("('a' + 'b') == 'ab'"));
    assert!(v4("(('a') == 'a')"));
    assert!(v4("'a' + 'b' == 'ab' or 'x' == 'y'"));
    assert!(v4("'multi'\n == 'multi'"));
}

#[test]
fn regex_match() {
    assert!(v4("match('foo.*', lcase('FooBar'))"));
    assert!(v4("match('.*foo.*', 'is it foo or bar')"));
    assert!(v4("match('^.*foo.*$', 'is it foo or bar')"));
    assert!(!v4("match('foo', 'foobar')"));
    assert!(v4("match('docsis[0-9.]+:.*', option[60].text)"));
    assert!(
        err(Family::V4, "match('(', 'x')")
            .starts_with("<string>:1.7-9: invalid regular expression '('")
    );
}

#[test]
fn kea_error_messages() {
    // These strings are what Kea 2.2's kea-dhcp4/kea-dhcp6 -t print.
    let v4e = |t| err(Family::V4, t);
    let v6e = |t| err(Family::V6, t);
    assert_eq!(
        v4e("option[60].hex =="),
        "<string>:1.18: syntax error, unexpected end of file"
    );
    assert_eq!(
        v4e("substring(option[60].hex,0)"),
        "<string>:1.27: syntax error, unexpected ), expecting \",\""
    );
    assert_eq!(v4e("foo"), "<string>:1.1: Invalid character: f");
    assert_eq!(
        v4e("option[999].hex == 'a'"),
        "<string>:1.8-10: Option code has invalid value in 999. Allowed range: 0..255"
    );
    assert_eq!(v4e("'abc"), "<string>:1.1: Invalid character: '");
    assert_eq!(
        v4e("option[60].hex == 'a' )"),
        "<string>:1.23: syntax error, unexpected ), expecting end of file"
    );
    assert_eq!(
        v4e("pkt6.msgtype == 1"),
        "<string>:1.1-4: pkt6 can only be used in DHCPv6."
    );
    assert_eq!(
        v4e("relay6[0].peeraddr == ::1"),
        "<string>:1.8: Nest level invalid for DHCPv4 packets"
    );
    assert_eq!(
        v4e("option[foo-bar].text == 'a'"),
        "<string>:1.8-14: option 'foo-bar' is not defined"
    );
    assert_eq!(
        v4e("member('nope')"),
        "<string>:1.8-13: Not defined client class 'nope'"
    );
    assert_eq!(
        v6e("pkt4.mac == 0x01"),
        "<string>:1.1-4: pkt4 can only be used in DHCPv4."
    );
    assert_eq!(
        v6e("relay4[1].hex == 'a'"),
        "<string>:1.1-6: relay4 can only be used in DHCPv4."
    );
    assert_eq!(
        v6e("relay6[32].linkaddr == 2001:db8::1"),
        "<string>:1.8-9: Nest level has invalid value in 32. Allowed range: -32..31"
    );
    assert_eq!(
        v6e("option[65536].hex == 'a'"),
        "<string>:1.8-12: Option code has invalid value in 65536. Allowed range: 0..65535"
    );
    assert_eq!(
        v6e("ifelse(true, 'a', 'b') == 'a'"),
        "<string>:1.8: Invalid character: t"
    );
    assert_eq!(
        v6e("'a' == 'a' and"),
        "<string>:1.15: syntax error, unexpected end of file"
    );
    assert_eq!(
        v6e("member('ALL') or 'x'"),
        "<string>:1.21: syntax error, unexpected end of file, expecting == or +"
    );
    assert_eq!(
        v6e("'x'"),
        "<string>:1.4: syntax error, unexpected end of file, expecting == or +"
    );
    assert_eq!(
        v6e("option[16].EXISTS"),
        "<string>:1.12: Invalid character: E"
    );
    assert_eq!(
        v6e("option[16].hex == 0x"),
        "<string>:1.20: Invalid character: x"
    );
    assert_eq!(
        v6e("vendor-class[4491].data[256] == 'a'"),
        "<string>:1.25-27: Invalid value in 256. Allowed range: 0..255"
    );
    assert_eq!(
        v6e("vendor[4294967296].exists"),
        "<string>:1.8-17: Invalid value in 4294967296. Allowed range: 0..4294967295"
    );
    assert_eq!(
        v6e("1.2.3 == 'a'"),
        "<string>:1.2: syntax error, unexpected ., expecting == or +"
    );
    assert_eq!(
        v6e("int8totext(-1) == '-1'"),
        "<string>:1.12-13: Invalid value in -1. Allowed range: 0..4294967295"
    );
    assert_eq!(
        v6e("option[16] == 'a'"),
        "<string>:1.12-13: syntax error, unexpected ==, expecting ."
    );
    assert_eq!(
        v6e("'a' == 'a' 'b'"),
        "<string>:1.12-14: syntax error, unexpected constant string, expecting end of file"
    );
    assert_eq!(
        v6e("(('a' == 'a')"),
        "<string>:1.14: syntax error, unexpected end of file, expecting ) or and or or"
    );
    assert_eq!(
        v6e("'it''s' == 'a'"),
        "<string>:1.5-7: syntax error, unexpected constant string, expecting == or +"
    );
    assert_eq!(
        v6e("option[-1].hex == 'a'"),
        "<string>:1.8-9: Option code has invalid value in -1. Allowed range: 0..65535"
    );
    assert_eq!(
        v6e("option[host-name].hex == 'a'"),
        "<string>:1.8-16: option 'host-name' is not defined"
    );
    assert_eq!(
        v6e("option[16].exists == 'true'"),
        "<string>:1.19-20: syntax error, unexpected ==, expecting end of file"
    );
    let full = parse(Family::V6, "member('x')").unwrap_err().to_string();
    assert_eq!(
        full,
        "expression: [member('x')] error: <string>:1.8-10: Not defined client class 'x'"
    );
}

#[test]
fn accepted_like_kea() {
    for t in [
        "relay6[0].option[1].hex == 'a' and relay6[0].linkaddr == ::",
        "vendor-class[*].data == 'x'",
        "vendor[0].option[2].exists",
        "option[1].option[256].exists",
        "pkt.len == 1",
        "split('a', '.', -1) == ''",
        "substring('abc', -1, 2) == 'c'",
        "member('VENDOR_CLASS_x') or member('HA_foo') or member('BOOTP')",
        "member('AFTER_x') or member('EXTERNAL_x') or member('UNKNOWN')",
        "option[ 16 ].exists",
    ] {
        parse(Family::V6, t).unwrap_or_else(|e| panic!("{t}: {e}"));
    }
    for t in ["member('DROP')", "member('SKIP_DDNS')"] {
        assert!(parse(Family::V6, t).is_err(), "{t}");
    }
}

#[test]
fn class_set_inline_and_spill() {
    let mut cs = ClassSet::default();
    cs.insert_static("ALL");
    cs.insert_static("ALL");
    let shared: Arc<str> = Arc::from("gold");
    cs.insert_shared(&shared);
    for i in 0..10 {
        cs.insert(&format!("c{i}"));
    }
    assert_eq!(cs.len(), 12);
    assert!(cs.contains("c9") && cs.contains("gold") && !cs.contains("c10"));
    assert_eq!(
        cs.iter().take(3).collect::<Vec<_>>(),
        vec!["ALL", "gold", "c0"]
    );
    assert!(cs.allows::<String>(&[]));
    assert!(cs.allows(&["x", "c3"]));
    assert!(!cs.allows(&["x"]));
}

#[test]
fn template_string_expressions() {
    let e = StringExpr::parse("substring(option[1].hex, 0, 2) + 'x'", &env(Family::V6)).unwrap();
    let v = e.eval(&pkt6(), &ClassSet::default()).unwrap();
    assert_eq!(v, b"\x00\x02x");
    assert_eq!(
        StringExpr::spawned_name("Client-ID", b"foo").as_deref(),
        Some("SPAWN_Client-ID_foo")
    );
    assert_eq!(StringExpr::spawned_name("c", b""), None);
    let e = StringExpr::parse("ifelse(member('gold'), 'g', '')", &env(Family::V4)).unwrap();
    assert_eq!(e.members(), vec!["gold"]);
    let err = StringExpr::parse("'a' == 'b'", &env(Family::V6)).unwrap_err();
    assert_eq!(
        err.detail(),
        "<string>:1.5-6: syntax error, unexpected ==, expecting end of file or +"
    );
}
