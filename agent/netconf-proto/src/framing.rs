//! RFC 6242 message framing as a tokio-util codec.
//!
//! A session starts with end-of-message framing (`]]>]]>`). Once both hellos
//! are exchanged and both peers announced `:base:1.1`, the session owner calls
//! [`NetconfCodec::set_framing`] with [`Framing::Chunked`] and the codec
//! switches to chunked framing (`\n#<len>\n<data>…\n##\n`) for both
//! directions. Any framing violation is an error; the session must then answer
//! `malformed-message` and close (RFC 6242 §4.2).

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

/// The end-of-message delimiter of NETCONF 1.0 framing.
pub const EOM_DELIMITER: &[u8] = b"]]>]]>";
/// Largest chunk size allowed by RFC 6242 §4.2.
pub const MAX_CHUNK_SIZE: u64 = 4_294_967_295;
/// Default limit on the size of one message (bytes).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;
/// Size of the chunks the encoder writes.
pub const WRITE_CHUNK_SIZE: usize = 64 * 1024;

/// The framing mechanism in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `]]>]]>` after every message (hello, and base:1.0 sessions).
    EndOfMessage,
    /// RFC 6242 §4.2 chunked framing (base:1.1 sessions).
    Chunked,
}

/// A framing violation or I/O failure.
#[derive(Debug, thiserror::Error)]
pub enum FramingError {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A chunk header or end-of-chunks marker is malformed.
    #[error("bad chunk header: {0}")]
    BadChunkHeader(&'static str),
    /// The chunk size is 0 or above 4294967295.
    #[error("chunk size out of range (1..4294967295)")]
    ChunkSizeOutOfRange,
    /// The message exceeds the configured maximum.
    #[error("message larger than the limit of {limit} bytes")]
    MessageTooLarge { limit: usize },
    /// The peer closed the stream in the middle of a message.
    #[error("stream ended inside a message")]
    Truncated,
    /// An outgoing end-of-message framed message contains `]]>]]>` itself.
    #[error("message contains the end-of-message delimiter")]
    DelimiterInMessage,
}

#[derive(Debug, Clone, Copy)]
enum ChunkState {
    /// Expecting `\n#<size>\n` or `\n##\n`.
    Header,
    /// Inside a chunk with this many bytes still to read.
    Data(u64),
}

/// RFC 6242 codec: decodes whole messages as [`Bytes`], encodes message bodies.
#[derive(Debug)]
pub struct NetconfCodec {
    framing: Framing,
    max_message_size: usize,
    state: ChunkState,
    /// The message assembled so far from chunks.
    message: BytesMut,
    /// How far the EOM search already looked (avoids rescanning).
    eom_scanned: usize,
}

impl Default for NetconfCodec {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_MESSAGE_SIZE)
    }
}

impl NetconfCodec {
    /// A codec in end-of-message mode accepting messages up to `max_message_size` bytes.
    pub fn new(max_message_size: usize) -> Self {
        Self {
            framing: Framing::EndOfMessage,
            max_message_size: max_message_size.max(1),
            state: ChunkState::Header,
            message: BytesMut::new(),
            eom_scanned: 0,
        }
    }

    /// The current framing.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Switches the framing for both directions (call between messages).
    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
        self.state = ChunkState::Header;
        self.message.clear();
        self.eom_scanned = 0;
    }

    /// The configured message size limit.
    pub fn max_message_size(&self) -> usize {
        self.max_message_size
    }

    fn decode_eom(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, FramingError> {
        let start = self.eom_scanned.saturating_sub(EOM_DELIMITER.len() - 1);
        if let Some(i) = find(&src[start..], EOM_DELIMITER) {
            let end = start + i;
            if end > self.max_message_size {
                return Err(FramingError::MessageTooLarge {
                    limit: self.max_message_size,
                });
            }
            let msg = src.split_to(end).freeze();
            src.advance(EOM_DELIMITER.len());
            self.eom_scanned = 0;
            return Ok(Some(msg));
        }
        if src.len() > self.max_message_size + EOM_DELIMITER.len() {
            return Err(FramingError::MessageTooLarge {
                limit: self.max_message_size,
            });
        }
        self.eom_scanned = src.len();
        Ok(None)
    }

    fn decode_chunked(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, FramingError> {
        loop {
            match self.state {
                ChunkState::Header => {
                    if src.is_empty() {
                        return Ok(None);
                    }
                    if src[0] != b'\n' {
                        return Err(FramingError::BadChunkHeader("expected LF before '#'"));
                    }
                    if src.len() < 2 {
                        return Ok(None);
                    }
                    if src[1] != b'#' {
                        return Err(FramingError::BadChunkHeader("expected '#'"));
                    }
                    if src.len() < 3 {
                        return Ok(None);
                    }
                    if src[2] == b'#' {
                        if src.len() < 4 {
                            return Ok(None);
                        }
                        if src[3] != b'\n' {
                            return Err(FramingError::BadChunkHeader(
                                "expected LF after end-of-chunks",
                            ));
                        }
                        if self.message.is_empty() {
                            return Err(FramingError::BadChunkHeader(
                                "end-of-chunks without a chunk",
                            ));
                        }
                        src.advance(4);
                        return Ok(Some(self.message.split().freeze()));
                    }
                    // Chunk size: 1-10 digits, no leading zero, then LF.
                    const MAX_DIGITS: usize = 10;
                    let digits_end = src[2..]
                        .iter()
                        .take(MAX_DIGITS + 1)
                        .position(|b| !b.is_ascii_digit());
                    let Some(n) = digits_end else {
                        if src.len() - 2 > MAX_DIGITS {
                            return Err(FramingError::ChunkSizeOutOfRange);
                        }
                        if src[2] == b'0' {
                            return Err(FramingError::ChunkSizeOutOfRange);
                        }
                        return Ok(None);
                    };
                    if n == 0 {
                        return Err(FramingError::BadChunkHeader("expected chunk size digits"));
                    }
                    if n > MAX_DIGITS {
                        return Err(FramingError::ChunkSizeOutOfRange);
                    }
                    if src[2 + n] != b'\n' {
                        return Err(FramingError::BadChunkHeader("expected LF after chunk size"));
                    }
                    if src[2] == b'0' {
                        return Err(FramingError::ChunkSizeOutOfRange);
                    }
                    let size: u64 = std::str::from_utf8(&src[2..2 + n])
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or(FramingError::ChunkSizeOutOfRange)?;
                    if size == 0 || size > MAX_CHUNK_SIZE {
                        return Err(FramingError::ChunkSizeOutOfRange);
                    }
                    if self.message.len() as u64 + size > self.max_message_size as u64 {
                        return Err(FramingError::MessageTooLarge {
                            limit: self.max_message_size,
                        });
                    }
                    src.advance(2 + n + 1);
                    self.state = ChunkState::Data(size);
                }
                ChunkState::Data(remaining) => {
                    if src.is_empty() {
                        return Ok(None);
                    }
                    let take = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(src.len());
                    self.message.extend_from_slice(&src[..take]);
                    src.advance(take);
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        ChunkState::Header
                    } else {
                        ChunkState::Data(left)
                    };
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Decoder for NetconfCodec {
    type Item = Bytes;
    type Error = FramingError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, FramingError> {
        match self.framing {
            Framing::EndOfMessage => self.decode_eom(src),
            Framing::Chunked => self.decode_chunked(src),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, FramingError> {
        if let Some(msg) = self.decode(src)? {
            return Ok(Some(msg));
        }
        let idle = match self.framing {
            Framing::EndOfMessage => src.iter().all(u8::is_ascii_whitespace),
            Framing::Chunked => {
                src.is_empty()
                    && self.message.is_empty()
                    && matches!(self.state, ChunkState::Header)
            }
        };
        if idle {
            src.clear();
            Ok(None)
        } else {
            Err(FramingError::Truncated)
        }
    }
}

impl Encoder<Bytes> for NetconfCodec {
    type Error = FramingError;

    fn encode(&mut self, item: Bytes, dst: &mut BytesMut) -> Result<(), FramingError> {
        self.encode_slice(&item, dst)
    }
}

impl Encoder<String> for NetconfCodec {
    type Error = FramingError;

    fn encode(&mut self, item: String, dst: &mut BytesMut) -> Result<(), FramingError> {
        self.encode_slice(item.as_bytes(), dst)
    }
}

impl NetconfCodec {
    fn encode_slice(&mut self, item: &[u8], dst: &mut BytesMut) -> Result<(), FramingError> {
        match self.framing {
            Framing::EndOfMessage => {
                if find(item, EOM_DELIMITER).is_some() {
                    return Err(FramingError::DelimiterInMessage);
                }
                dst.reserve(item.len() + EOM_DELIMITER.len());
                dst.put_slice(item);
                dst.put_slice(EOM_DELIMITER);
            }
            Framing::Chunked => {
                if item.is_empty() {
                    // A message needs at least one chunk; an empty message
                    // cannot be represented, so send a single newline.
                    dst.put_slice(b"\n#1\n\n\n##\n");
                    return Ok(());
                }
                dst.reserve(item.len() + 16 * (item.len() / WRITE_CHUNK_SIZE + 1) + 4);
                for chunk in item.chunks(WRITE_CHUNK_SIZE) {
                    dst.put_slice(format!("\n#{}\n", chunk.len()).as_bytes());
                    dst.put_slice(chunk);
                }
                dst.put_slice(b"\n##\n");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(codec: &mut NetconfCodec, input: &[u8]) -> Result<Vec<Bytes>, FramingError> {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(m) = codec.decode(&mut buf)? {
            out.push(m);
        }
        Ok(out)
    }

    #[test]
    fn eom_messages() {
        let mut c = NetconfCodec::default();
        let msgs = decode_all(&mut c, b"<a/>]]>]]><b/>]]>]]><c").unwrap();
        assert_eq!(msgs, vec![Bytes::from("<a/>"), Bytes::from("<b/>")]);
    }

    #[test]
    fn eom_delimiter_split_across_reads() {
        let mut c = NetconfCodec::default();
        let mut buf = BytesMut::from(&b"<hello/>]]>"[..]);
        assert!(c.decode(&mut buf).unwrap().is_none());
        buf.extend_from_slice(b"]]");
        assert!(c.decode(&mut buf).unwrap().is_none());
        buf.extend_from_slice(b">");
        assert_eq!(
            c.decode(&mut buf).unwrap().unwrap(),
            Bytes::from("<hello/>")
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn eom_oversize() {
        let mut c = NetconfCodec::new(8);
        assert!(matches!(
            decode_all(&mut c, b"0123456789abcdef"),
            Err(FramingError::MessageTooLarge { .. })
        ));
        let mut c = NetconfCodec::new(8);
        assert!(matches!(
            decode_all(&mut c, b"0123456789]]>]]>"),
            Err(FramingError::MessageTooLarge { .. })
        ));
    }

    #[test]
    fn chunked_roundtrip_and_split_reads() {
        let mut enc = NetconfCodec::default();
        enc.set_framing(Framing::Chunked);
        let mut wire = BytesMut::new();
        enc.encode(Bytes::from("<rpc/>"), &mut wire).unwrap();
        enc.encode("<x>second</x>".to_string(), &mut wire).unwrap();
        assert_eq!(&wire[..14], b"\n#6\n<rpc/>\n##\n");

        // Feed the wire one byte at a time.
        let mut dec = NetconfCodec::default();
        dec.set_framing(Framing::Chunked);
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for b in wire.iter() {
            buf.put_u8(*b);
            while let Some(m) = dec.decode(&mut buf).unwrap() {
                got.push(m);
            }
        }
        assert_eq!(
            got,
            vec![Bytes::from("<rpc/>"), Bytes::from("<x>second</x>")]
        );
    }

    #[test]
    fn chunked_multi_chunk_message() {
        let mut c = NetconfCodec::default();
        c.set_framing(Framing::Chunked);
        let msgs = decode_all(
            &mut c,
            b"\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#2\n/>\n##\n",
        )
        .unwrap();
        assert_eq!(msgs, vec![Bytes::from("<rpc message-id=\"102\"\n/>")]);
    }

    #[test]
    fn large_message_encodes_in_several_chunks() {
        let mut c = NetconfCodec::default();
        c.set_framing(Framing::Chunked);
        let body = vec![b'x'; WRITE_CHUNK_SIZE * 2 + 5];
        let mut wire = BytesMut::new();
        c.encode(Bytes::from(body.clone()), &mut wire).unwrap();
        let got = decode_all(&mut c, &wire).unwrap();
        assert_eq!(got, vec![Bytes::from(body)]);
    }

    #[test]
    fn chunked_bad_headers() {
        let cases: &[&[u8]] = &[
            b"x",
            b"\nx",
            b"\n#x\n",
            b"\n#0\n",
            b"\n#01\n",
            b"\n#4294967296\n",
            b"\n#99999999999",
            b"\n#4 \nabcd",
            b"\n##\n",
            b"\n#1\na\n##x",
            b"\n#1\nab",
        ];
        for case in cases {
            let mut c = NetconfCodec::default();
            c.set_framing(Framing::Chunked);
            assert!(decode_all(&mut c, case).is_err(), "accepted {case:?}");
        }
    }

    #[test]
    fn chunked_max_size_accepted_in_header() {
        let mut c = NetconfCodec::new(usize::MAX);
        c.set_framing(Framing::Chunked);
        // The header alone is valid; the data just has not arrived.
        assert!(
            decode_all(&mut c, b"\n#4294967295\nabc")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn chunked_oversize() {
        let mut c = NetconfCodec::new(5);
        c.set_framing(Framing::Chunked);
        assert!(matches!(
            decode_all(&mut c, b"\n#3\nabc\n#3\n"),
            Err(FramingError::MessageTooLarge { .. })
        ));
    }

    #[test]
    fn switch_after_hello_in_same_read() {
        let mut c = NetconfCodec::default();
        let mut buf = BytesMut::from(&b"<hello/>]]>]]>\n#3\nabc\n##\n"[..]);
        assert_eq!(
            c.decode(&mut buf).unwrap().unwrap(),
            Bytes::from("<hello/>")
        );
        c.set_framing(Framing::Chunked);
        assert_eq!(c.decode(&mut buf).unwrap().unwrap(), Bytes::from("abc"));
    }

    #[test]
    fn eof_handling() {
        let mut c = NetconfCodec::default();
        let mut buf = BytesMut::from(&b"\n  "[..]);
        assert!(c.decode_eof(&mut buf).unwrap().is_none());
        let mut buf = BytesMut::from(&b"<rpc"[..]);
        assert!(matches!(
            c.decode_eof(&mut buf),
            Err(FramingError::Truncated)
        ));
        c.set_framing(Framing::Chunked);
        let mut buf = BytesMut::from(&b"\n#3\nab"[..]);
        assert!(matches!(
            c.decode_eof(&mut buf),
            Err(FramingError::Truncated)
        ));
    }

    #[test]
    fn eom_encoder_refuses_delimiter() {
        let mut c = NetconfCodec::default();
        let mut dst = BytesMut::new();
        assert!(c.encode(Bytes::from("a]]>]]>b"), &mut dst).is_err());
        c.encode(Bytes::from("<ok/>"), &mut dst).unwrap();
        assert_eq!(&dst[..], b"<ok/>]]>]]>");
    }
}
