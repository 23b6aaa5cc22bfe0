//! Protocol-independent daemon pieces, written generic so kea-dhcp4 and kea-dhcp6 can both
//! use them once they move to a shared `dhcp-servers/server-common` crate:
//!
//! - [`Wakeup`]: a self-pipe that interrupts a packet thread's `poll`.
//! - [`GenerationSlot`]: hand-over of a value (new sockets) to the packet thread.
//! - [`reclaim_once`]: one reclamation cycle with `leases-reclaim`'s overrides.
//! - [`expiry_timers`]: the `expired-leases-processing` timer loop.
//! - [`serve_until_shutdown`]: the daemon main loop (signals, SIGHUP reload, shutdown).
//! - [`LeaseExtras`]: the lease command arguments v4 and v6 share.

use std::future::Future;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Mutex;
use std::time::Duration;

use dhcp_alloc::{ReclaimConfig, ReclaimReport, Reclaimer};
use dhcp_lease::{LeaseState, LeaseStore};
use kea_command::Answer;
use kea_process::{SignalEvent, SignalWatcher};
use serde_json::{Map, Value};

/// A non-blocking self-pipe: `wake` from any thread, `fd` in the poll set, `drain` after.
#[derive(Debug)]
pub struct Wakeup {
    rx: OwnedFd,
    tx: OwnedFd,
}

impl Wakeup {
    /// Creates the pipe (close-on-exec, non-blocking).
    pub fn new() -> std::io::Result<Wakeup> {
        let (rx, tx) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC)
                .map_err(std::io::Error::from)?;
        Ok(Wakeup { rx, tx })
    }

    /// Makes the next (or current) poll return.
    pub fn wake(&self) {
        let _ = nix::unistd::write(&self.tx, &[1u8]);
    }

    /// The descriptor to poll for reading.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.rx.as_fd()
    }

    /// Empties the pipe (bounded: the pipe is non-blocking).
    pub fn drain(&self) {
        let mut buf = [0u8; 64];
        for _ in 0..64 {
            if !nix::unistd::read(&self.rx, &mut buf).is_ok_and(|n| n > 0) {
                break;
            }
        }
    }
}

/// A single-value mailbox: the control side `put`s, the packet thread `take`s.
#[derive(Debug)]
pub struct GenerationSlot<T>(Mutex<Option<T>>);

impl<T> Default for GenerationSlot<T> {
    fn default() -> Self {
        GenerationSlot(Mutex::new(None))
    }
}

impl<T> GenerationSlot<T> {
    /// Replaces whatever was waiting.
    pub fn put(&self, v: T) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(v);
    }

    /// True when a value is waiting.
    pub fn pending(&self) -> bool {
        self.0.lock().map(|g| g.is_some()).unwrap_or(false)
    }

    /// The waiting value, if any.
    pub fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The reclamation settings a `leases-reclaim` call runs with: no per-cycle limits when
/// `unlimited`; `remove` decides whether reclaimed leases are deleted at once.
pub fn one_shot_config(
    base: ReclaimConfig,
    unlimited: bool,
    remove: Option<bool>,
) -> ReclaimConfig {
    let mut c = base;
    if unlimited {
        c.max_reclaim_leases = 0;
        c.max_reclaim_time = 0;
    }
    match remove {
        Some(true) => c.flush_reclaimed_timer_wait_time = 0,
        Some(false) => c.flush_reclaimed_timer_wait_time = c.flush_reclaimed_timer_wait_time.max(1),
        None => {}
    }
    c
}

/// One reclamation cycle over `store`: the regular cycle (keeping the reclaimer's warning
/// state) or, for `leases-reclaim` overrides, a one-shot reclaimer.
pub fn reclaim_once<S: LeaseStore + ?Sized>(
    reclaimer: &Mutex<Reclaimer>,
    store: &S,
    now: i64,
    unlimited: bool,
    remove: Option<bool>,
) -> Result<ReclaimReport<S::Lease>, String> {
    let mut regular = reclaimer
        .lock()
        .map_err(|_| "reclaimer unavailable".to_string())?;
    let keep = &mut |_: &S::Lease| dhcp_alloc::ReclaimAction::Reclaim;
    if unlimited || remove.is_some() {
        let mut once = Reclaimer::new(one_shot_config(*regular.config(), unlimited, remove));
        Ok(once.reclaim(store, now, keep))
    } else {
        Ok(regular.reclaim(store, now, keep))
    }
}

/// Runs `reclaim` and `flush` every `reclaim-timer-wait-time` / `flush-reclaimed-timer-wait-time`
/// seconds (read afresh each second from `periods`, so reconfiguration applies); 0 disables.
pub async fn expiry_timers<P, R, F>(periods: P, reclaim: R, flush: F)
where
    P: Fn() -> (u32, u32),
    R: Fn() + Send + Sync + Clone + 'static,
    F: Fn() + Send + Sync + Clone + 'static,
{
    let mut ticks = [0u64; 2];
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (p_reclaim, p_flush) = periods();
        for (i, period) in [p_reclaim, p_flush].into_iter().enumerate() {
            ticks[i] += 1;
            if period == 0 || ticks[i] < u64::from(period) {
                continue;
            }
            ticks[i] = 0;
            let job: Box<dyn FnOnce() + Send> = if i == 0 {
                Box::new(reclaim.clone())
            } else {
                Box::new(flush.clone())
            };
            let _ = tokio::task::spawn_blocking(job).await;
        }
    }
}

/// Why the daemon's main loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// SIGTERM / SIGINT (the signal number).
    Signal(i32),
    /// The `shutdown` command.
    Command,
    /// The signal watcher failed.
    Failed(String),
}

/// Waits for the end of service: SIGHUP runs `reload` (awaited, one at a time),
/// SIGTERM/SIGINT or `shutdown` end the loop.
pub async fn serve_until_shutdown<R, Fut>(
    signals: &SignalWatcher,
    shutdown: &tokio::sync::Notify,
    mut reload: R,
) -> StopReason
where
    R: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        tokio::select! {
            ev = signals.recv() => match ev {
                Ok(SignalEvent::Reload) => reload().await,
                Ok(SignalEvent::Shutdown(signo)) => return StopReason::Signal(signo),
                Err(e) => return StopReason::Failed(e.to_string()),
            },
            _ = shutdown.notified() => return StopReason::Command,
        }
    }
}

/// A transactional reconfiguration (config-set, config-reload, SIGHUP): one at a time,
/// `stage` (blocking: parse, open sockets and stores) off the async thread, then the control
/// sockets, then `commit`. Any error leaves the running configuration in service.
pub async fn reconfigure<S, St, So, C>(
    lock: &tokio::sync::Mutex<()>,
    control: Option<&kea_command::ControlServer>,
    stage: St,
    sockets: So,
    commit: C,
) -> Result<(), String>
where
    S: Send + 'static,
    St: FnOnce() -> Result<S, String> + Send + 'static,
    So: FnOnce(&S) -> &[kea_command::SocketConfig],
    C: FnOnce(S),
{
    let _one_at_a_time = lock.lock().await;
    let staged = tokio::task::spawn_blocking(stage)
        .await
        .map_err(|e| format!("reconfiguration task failed: {e}"))??;
    if let Some(ctl) = control {
        ctl.reconfigure(sockets(&staged))
            .await
            .map_err(|e| e.to_string())?;
    }
    commit(staged);
    Ok(())
}

/// `lease4-wipe` / `lease6-wipe`: deletes the leases of `subnets`, reporting each removed
/// lease to `removed` (statistics), with Kea's answer text (`family` = "IPv4"/"IPv6").
pub fn wipe_answer<S: LeaseStore + ?Sized>(
    store: &S,
    subnets: &[u32],
    family: &str,
    mut removed: impl FnMut(&S::Lease),
) -> Answer {
    let mut total = 0u64;
    for &id in subnets {
        let before = store.get_by_subnet(id);
        match store.wipe(Some(id)) {
            Ok(n) => {
                total += n;
                before.iter().for_each(|l| removed(l));
            }
            Err(e) => return Answer::error(e.to_string()),
        }
    }
    let list: Vec<String> = subnets.iter().map(u32::to_string).collect();
    let text = format!(
        "Deleted {total} {family} lease(s) from subnet(s) {}",
        list.join(" ")
    );
    match total {
        0 => Answer::empty(text),
        _ => Answer::success_text(text),
    }
}

/// A list of leases as Kea answers `lease*-get-all` / `-get-page` (`count` for pages).
pub fn leases_answer<L>(
    leases: &[std::sync::Arc<L>],
    with_count: bool,
    family: &str,
    to_json: impl Fn(&L) -> Value,
) -> Answer {
    let list: Vec<Value> = leases.iter().map(|l| to_json(l)).collect();
    let n = list.len();
    let mut body = serde_json::json!({ "leases": list });
    if with_count {
        body["count"] = serde_json::json!(n);
    }
    let text = format!("{n} {family} lease(s) found.");
    match n {
        0 => Answer::empty(text),
        _ => Answer::success_text(text),
    }
    .with_arguments(body)
}

/// Lease command arguments common to `lease4-*` and `lease6-*`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaseExtras {
    /// Lower-cased host name ("" when absent).
    pub hostname: String,
    pub fqdn_fwd: bool,
    pub fqdn_rev: bool,
    pub state: Option<LeaseState>,
    /// Compact JSON of `user-context`.
    pub user_context: Option<String>,
}

impl LeaseExtras {
    /// Reads the shared fields with Kea's checks and texts; `max_state` is the highest
    /// state accepted (3, released, per ARM 17.15.1).
    pub fn parse(a: &Map<String, Value>, max_state: u32) -> Result<LeaseExtras, Answer> {
        use dhcpsrv::lease_cmds as args;
        let hostname = args::opt_str(a, "hostname")
            .map_err(Answer::error)?
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let fqdn_fwd = args::opt_bool(a, "fqdn-fwd")
            .map_err(Answer::error)?
            .unwrap_or(false);
        let fqdn_rev = args::opt_bool(a, "fqdn-rev")
            .map_err(Answer::error)?
            .unwrap_or(false);
        if (fqdn_fwd || fqdn_rev) && hostname.is_empty() {
            return Err(Answer::error(
                "No hostname specified and either forward or reverse fqdn was set to true.",
            ));
        }
        let state = args::lease_state(a, max_state)
            .map_err(Answer::error)?
            .map(LeaseState);
        let user_context = args::user_context(a).map_err(Answer::error)?;
        Ok(LeaseExtras {
            hostname,
            fqdn_fwd,
            fqdn_rev,
            state,
            user_context,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lease_extras() {
        let a = json!({"hostname": "Host.Example", "fqdn-fwd": true, "state": 3, "user-context": {"a": 1}});
        let e = LeaseExtras::parse(a.as_object().unwrap(), 3).unwrap();
        assert_eq!(e.hostname, "host.example");
        assert_eq!(e.state, Some(LeaseState(3)));
        assert_eq!(e.user_context.as_deref(), Some(r#"{"a":1}"#));
        assert!(LeaseExtras::parse(a.as_object().unwrap(), 2).is_err());
        let bad = json!({"fqdn-rev": true});
        assert!(LeaseExtras::parse(bad.as_object().unwrap(), 3).is_err());
        let bad = json!({"user-context": 5});
        assert_eq!(
            LeaseExtras::parse(bad.as_object().unwrap(), 3)
                .unwrap_err()
                .text
                .as_deref(),
            Some("Invalid user context '5' is not a JSON map.")
        );
        let bad = json!({"fqdn-fwd": "yes"});
        assert!(LeaseExtras::parse(bad.as_object().unwrap(), 3).is_err());
    }

    #[test]
    fn one_shot_overrides() {
        let base = ReclaimConfig::default();
        let c = one_shot_config(base, true, Some(true));
        assert_eq!((c.max_reclaim_leases, c.max_reclaim_time), (0, 0));
        assert_eq!(c.flush_reclaimed_timer_wait_time, 0);
        let c = one_shot_config(base, false, Some(false));
        assert!(c.flush_reclaimed_timer_wait_time >= 1);
        assert_eq!(c.max_reclaim_leases, base.max_reclaim_leases);
    }

    #[test]
    fn wakeup_and_slot() {
        let w = Wakeup::new().unwrap();
        w.wake();
        w.wake();
        w.drain();
        let s = GenerationSlot::default();
        assert_eq!(s.take(), None::<u8>);
        s.put(1);
        s.put(2);
        assert_eq!(s.take(), Some(2));
        assert_eq!(s.take(), None);
    }
}
