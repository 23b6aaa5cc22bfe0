//! SIGHUP → reload, SIGTERM/SIGINT → shutdown, delivered through atomics and a
//! self-pipe: a synchronous packet loop polls [`SignalWatcher::fd`] next to its
//! sockets and calls [`SignalWatcher::take`]; tokio code awaits [`SignalWatcher::recv`].

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// A request carried by a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalEvent {
    /// SIGHUP: reload the configuration file.
    Reload,
    /// SIGTERM or SIGINT (the signal number is kept for DCTL_SHUTDOWN_SIGNAL_RECVD).
    Shutdown(i32),
}

static RELOAD: AtomicBool = AtomicBool::new(false);
static SHUTDOWN: AtomicI32 = AtomicI32::new(0);
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);
static WATCHER: OnceLock<Result<SignalWatcher, i32>> = OnceLock::new();

extern "C" fn on_signal(signo: libc::c_int) {
    // Only async-signal-safe operations: atomics and write(2).
    if signo == libc::SIGHUP {
        RELOAD.store(true, Ordering::SeqCst);
    } else {
        SHUTDOWN.store(signo, Ordering::SeqCst);
    }
    let fd = PIPE_WRITE.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = signo as u8;
        let saved = io::Error::last_os_error().raw_os_error().unwrap_or(0);
        // SAFETY: writing one byte from a valid local to our non-blocking pipe.
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
        // SAFETY: restore errno so interrupted code sees its own error.
        unsafe { *libc::__errno_location() = saved };
    }
}

/// Handle on the installed signal handlers (one per process).
#[derive(Debug)]
pub struct SignalWatcher {
    read_fd: RawFd,
}

/// Installs the handlers for SIGHUP, SIGTERM and SIGINT (once; later calls return
/// the same watcher).
pub fn install() -> io::Result<&'static SignalWatcher> {
    let result = WATCHER.get_or_init(|| {
        SignalWatcher::install_handlers().map_err(|e| e.raw_os_error().unwrap_or(0))
    });
    match result {
        Ok(w) => Ok(w),
        Err(code) => Err(io::Error::from_raw_os_error(*code)),
    }
}

impl SignalWatcher {
    fn install_handlers() -> io::Result<SignalWatcher> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        PIPE_WRITE.store(fds[1], Ordering::SeqCst);
        for signo in [libc::SIGHUP, libc::SIGTERM, libc::SIGINT] {
            // SAFETY: a zeroed sigaction is valid; we set the handler, an empty mask
            // and SA_RESTART before installing it.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                if libc::sigaction(signo, &action, std::ptr::null_mut()) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
        }
        Ok(SignalWatcher { read_fd: fds[0] })
    }

    /// Descriptor that becomes readable when a signal arrives (poll it for POLLIN).
    pub fn fd(&self) -> RawFd {
        self.read_fd
    }

    /// Whether a shutdown was requested (cheap: one atomic load).
    pub fn shutdown_requested(&self) -> bool {
        SHUTDOWN.load(Ordering::SeqCst) != 0
    }

    /// Takes the pending request, if any; shutdown comes before reload.
    pub fn take(&self) -> Option<SignalEvent> {
        self.drain();
        let signo = SHUTDOWN.swap(0, Ordering::SeqCst);
        if signo != 0 {
            return Some(SignalEvent::Shutdown(signo));
        }
        if RELOAD.swap(false, Ordering::SeqCst) {
            return Some(SignalEvent::Reload);
        }
        None
    }

    fn drain(&self) {
        let mut buf = [0u8; 64];
        // SAFETY: reading into a local buffer from our non-blocking pipe.
        while unsafe { libc::read(self.read_fd, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
    }

    /// Waits (in tokio) for the next request. Only one task should wait at a time.
    pub async fn recv(&self) -> io::Result<SignalEvent> {
        // SAFETY: the pipe's read end is never closed: the watcher lives in a static
        // for the whole process, so the descriptor stays valid while registered.
        let async_fd = unsafe {
            tokio::io::unix::AsyncFd::register_with_interest(
                PipeFd(self.read_fd),
                tokio::io::Interest::READABLE,
            )
        }?;
        loop {
            if let Some(event) = self.take() {
                return Ok(event);
            }
            let mut guard = async_fd.readable().await?;
            guard.clear_ready();
        }
    }
}

/// Borrowed view of the pipe for tokio's reactor (does not close on drop).
struct PipeFd(RawFd);

impl AsRawFd for PipeFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// Name of a signal for log messages (`SIGTERM`…).
pub fn signal_name(signo: i32) -> String {
    match signo {
        libc::SIGHUP => "SIGHUP".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGINT => "SIGINT".into(),
        other => format!("signal {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raise(signo: i32) {
        // raise() targets this thread, so the handler has run when it returns (a
        // process-directed kill() could be handled later by another test thread).
        // SAFETY: handlers are installed before any signal is raised.
        unsafe { libc::raise(signo) };
    }

    fn readable(fd: RawFd) -> bool {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut pfd, 1, 1000) == 1 }
    }

    // One test so the process-wide handlers are exercised in a known order.
    #[test]
    fn signals_reach_sync_and_async_waiters() {
        let w = install().unwrap();
        assert_eq!(w.take(), None);
        raise(libc::SIGHUP);
        assert!(readable(w.fd()));
        assert_eq!(w.take(), Some(SignalEvent::Reload));
        assert_eq!(w.take(), None);

        raise(libc::SIGHUP);
        raise(libc::SIGTERM);
        assert!(w.shutdown_requested());
        assert_eq!(w.take(), Some(SignalEvent::Shutdown(libc::SIGTERM)));
        assert_eq!(w.take(), Some(SignalEvent::Reload));

        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let got = rt.block_on(async {
            let waiter = w.recv();
            tokio::pin!(waiter);
            // Nothing pending yet: the waiter must block.
            let pending =
                tokio::time::timeout(std::time::Duration::from_millis(50), &mut waiter).await;
            assert!(pending.is_err());
            raise(libc::SIGINT);
            waiter.await
        });
        assert_eq!(got.unwrap(), SignalEvent::Shutdown(libc::SIGINT));
        assert!(std::ptr::eq(install().unwrap(), w));
        assert_eq!(signal_name(libc::SIGTERM), "SIGTERM");
    }
}
