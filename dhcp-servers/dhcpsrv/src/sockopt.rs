//! Socket options the service sockets of both servers share.

use std::os::fd::{AsRawFd, BorrowedFd};

/// Receive buffer asked for on service sockets: deep enough to ride out a few hundred
/// milliseconds of a busy (or descheduled) packet thread at tens of thousands of queries
/// per second. The kernel's default (about 200 KiB, a hundred or so queries) overflows
/// as soon as the machine is loaded.
pub const RECV_BUFFER: usize = 4 << 20;

/// Enlarges the receive buffer (SO_RCVBUFFORCE when privileged, else SO_RCVBUF, which the
/// kernel caps at net.core.rmem_max). Failure only means a smaller buffer.
pub fn grow_recv_buffer(fd: BorrowedFd<'_>) {
    let size = RECV_BUFFER as libc::c_int;
    for opt in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
        // SAFETY: size is a valid c_int of the length given.
        let rc = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                opt,
                (&size as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            return;
        }
    }
}
