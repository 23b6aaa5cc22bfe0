//! NETCONF over SSH framing (RFC 6242) and message parsing: arbitrary bytes
//! in either framing never panic the codec, the hello parser or the rpc
//! parser.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use netconf_proto::{Framing, Hello, NetconfCodec, parse_rpc};
use tokio_util::codec::Decoder;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let mut codec = NetconfCodec::new(64 * 1024);
    if mode & 1 == 1 {
        codec.set_framing(Framing::Chunked);
    }
    // Feed the input in two pieces, as a socket may deliver it.
    let split = usize::from(mode >> 1).min(rest.len());
    let mut buf = BytesMut::from(&rest[..split]);
    let mut pieces = vec![&rest[split..]].into_iter();
    loop {
        match codec.decode(&mut buf) {
            Ok(Some(message)) => {
                let _ = Hello::parse(&message);
                let _ = parse_rpc(&message);
            }
            Ok(None) => match pieces.next() {
                Some(more) => buf.extend_from_slice(more),
                None => break,
            },
            Err(_) => break,
        }
    }
});
