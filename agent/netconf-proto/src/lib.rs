//! NETCONF protocol: RFC 6242 framing, hello, rpc parsing, rpc-reply and rpc-error writing
