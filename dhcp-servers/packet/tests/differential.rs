//! Differential checks against the `dhcproto` crate: both codecs must read the same
//! packets the same way, and dhcproto must read what we write as it read the original.

use dhcp_packet::{MessageType4, Pkt4, Pkt6, v4::code};
use dhcproto::{Decodable, Decoder, Encodable, Encoder};
use std::net::Ipv4Addr;

const PERFDHCP_DISCOVER: &[u8] = include_bytes!("fixtures/perfdhcp_discover.bin");
const PERFDHCP_SOLICIT: &[u8] = include_bytes!("fixtures/perfdhcp_solicit.bin");

/// Every option dhcproto decoded, re-encoded by dhcproto as `(code, value)`.
fn dhcproto_options4(msg: &dhcproto::v4::Message) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    for (c, opt) in msg.opts().iter() {
        let code: u8 = (*c).into();
        if code == code::END || code == code::PAD {
            continue;
        }
        let mut buf = Vec::new();
        opt.encode(&mut Encoder::new(&mut buf))
            .expect("dhcproto encodes its own option");
        // Join the (possibly split) instances the same way RFC 3396 says.
        let mut value = Vec::new();
        let mut i = 0;
        while i + 1 < buf.len() {
            let len = buf[i + 1] as usize;
            value.extend_from_slice(&buf[i + 2..i + 2 + len]);
            i += 2 + len;
        }
        out.push((code, value));
    }
    out.sort();
    out
}

fn ours_sorted(p: &Pkt4) -> Vec<(u8, Vec<u8>)> {
    let mut v: Vec<_> = p.options.iter().map(|(c, v)| (c, v.to_vec())).collect();
    v.sort();
    v
}

fn check_v4(bytes: &[u8]) {
    let ours = Pkt4::decode(bytes).expect("we decode it");
    let theirs =
        dhcproto::v4::Message::decode(&mut Decoder::new(bytes)).expect("dhcproto decodes it");
    assert_eq!(ours.xid, theirs.xid());
    assert_eq!(ours.hops, theirs.hops());
    assert_eq!(ours.giaddr, theirs.giaddr());
    assert_eq!(ours.ciaddr, theirs.ciaddr());
    assert_eq!(ours.yiaddr, theirs.yiaddr());
    assert_eq!(ours.hwaddr(), theirs.chaddr());
    assert_eq!(ours.is_broadcast(), theirs.flags().broadcast());
    assert_eq!(ours_sorted(&ours), dhcproto_options4(&theirs));
    // What we write, dhcproto reads as the same message.
    let ours_bytes = ours.to_bytes();
    let again = dhcproto::v4::Message::decode(&mut Decoder::new(&ours_bytes))
        .expect("dhcproto decodes ours");
    assert_eq!(again, theirs);
}

#[test]
fn perfdhcp_discover_agrees() {
    check_v4(PERFDHCP_DISCOVER);
}

#[test]
fn server_reply_agrees() {
    let req = Pkt4::decode(PERFDHCP_DISCOVER).unwrap();
    let mut offer = req.new_reply();
    offer.yiaddr = Ipv4Addr::new(192, 0, 2, 50);
    offer.set_message_type(MessageType4::Offer);
    offer.set_server_id(Ipv4Addr::new(192, 0, 2, 1));
    offer.set_lease_time(4000);
    offer.options.push(code::SUBNET_MASK, &[255, 255, 255, 0]);
    offer.options.push(code::ROUTERS, &[192, 0, 2, 1]);
    offer
        .options
        .push(code::DOMAIN_NAME_SERVERS, &[192, 0, 2, 2, 192, 0, 2, 3]);
    offer
        .options
        .push(code::RELAY_AGENT_INFO, &[1, 4, b'e', b't', b'h', b'0']);
    let bytes = offer.to_bytes();
    check_v4(&bytes);
    let theirs = dhcproto::v4::Message::decode(&mut Decoder::new(&bytes)).unwrap();
    assert_eq!(
        theirs.opts().msg_type(),
        Some(dhcproto::v4::MessageType::Offer)
    );
    assert_eq!(theirs.yiaddr(), offer.yiaddr);
}

#[test]
fn dhcproto_built_request_decodes_the_same() {
    use dhcproto::v4::{DhcpOption, Message, MessageType, Opcode};
    let mut msg = Message::default();
    msg.set_opcode(Opcode::BootRequest)
        .set_xid(0xdead_beef)
        .set_chaddr(&[1, 2, 3, 4, 5, 6])
        .set_giaddr(Ipv4Addr::new(10, 0, 0, 1));
    msg.opts_mut()
        .insert(DhcpOption::MessageType(MessageType::Request));
    msg.opts_mut()
        .insert(DhcpOption::RequestedIpAddress(Ipv4Addr::new(10, 0, 0, 9)));
    msg.opts_mut()
        .insert(DhcpOption::ServerIdentifier(Ipv4Addr::new(10, 0, 0, 2)));
    msg.opts_mut().insert(DhcpOption::Hostname("laptop".into()));
    msg.opts_mut()
        .insert(DhcpOption::ClientIdentifier(vec![1, 1, 2, 3, 4, 5, 6]));
    msg.opts_mut().insert(DhcpOption::MaxMessageSize(1500));
    let mut bytes = Vec::new();
    msg.encode(&mut Encoder::new(&mut bytes)).unwrap();
    check_v4(&bytes);
    let ours = Pkt4::decode(&bytes).unwrap();
    assert_eq!(ours.message_type(), Some(MessageType4::Request));
    assert_eq!(ours.requested_ip(), Some(Ipv4Addr::new(10, 0, 0, 9)));
    assert_eq!(ours.server_id(), Some(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(ours.hostname(), Some(&b"laptop"[..]));
    assert_eq!(ours.max_message_size(), Some(1500));
}

#[test]
fn perfdhcp_solicit_agrees() {
    let ours = Pkt6::decode(PERFDHCP_SOLICIT).unwrap();
    let theirs = dhcproto::v6::Message::decode(&mut Decoder::new(PERFDHCP_SOLICIT)).unwrap();
    assert_eq!(ours.msg_type.0, u8::from(theirs.msg_type()));
    assert_eq!(ours.transaction_id, theirs.xid_num());
    let their_codes: Vec<u16> = theirs
        .opts()
        .iter()
        .map(|o| u16::from(dhcproto::v6::OptionCode::from(o)))
        .collect();
    let our_codes: Vec<u16> = ours.options.iter().map(|(c, _)| c).collect();
    assert_eq!(our_codes, their_codes);
    // dhcproto re-encodes the message byte for byte as we do.
    let mut theirs_bytes = Vec::new();
    theirs.encode(&mut Encoder::new(&mut theirs_bytes)).unwrap();
    assert_eq!(ours.to_bytes().unwrap(), theirs_bytes);
}
