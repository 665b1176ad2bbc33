//! A machine-wide bound on the calls in flight per service and region, shared by every
//! account of a fleet: AWS's rate limits are per account and region, but the machine's
//! sockets and the operator's patience are not.
//!
//! No async runtime: the semaphore is a few lines over `std::sync::Mutex` and wakers, so
//! the engine stays without tokio and the simulator's virtual clock still drives it.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use secure_account_core::{AccountInfo, Action, Outputs, Part, PartValue, Scope};

use crate::port::{ActionOutput, CallCounts, Port, PortError};

/// An async counting semaphore. Waiters queue in arrival order and are woken one per
/// released permit; a waiter dropped after its wake passes the wake on.
#[derive(Debug)]
pub struct Semaphore {
    state: Mutex<SemState>,
}

#[derive(Debug)]
struct SemState {
    permits: usize,
    waiters: VecDeque<(u64, Waker)>,
    next_id: u64,
    in_flight: usize,
    peak: usize,
}

impl Semaphore {
    /// A semaphore with `permits` permits (at least 1).
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            state: Mutex::new(SemState {
                permits: permits.max(1),
                waiters: VecDeque::new(),
                next_id: 0,
                in_flight: 0,
                peak: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SemState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a permit; it is given back when the [`Permit`] is dropped.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            sem: self,
            id: None,
            done: false,
        }
    }

    /// The most permits ever held at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    fn release(&self) {
        let waker = {
            let mut s = self.lock();
            s.permits += 1;
            s.in_flight -= 1;
            s.waiters.pop_front().map(|(_, w)| w)
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// The future of [`Semaphore::acquire`].
#[derive(Debug)]
pub struct Acquire<'a> {
    sem: &'a Semaphore,
    id: Option<u64>,
    done: bool,
}

impl<'a> Future for Acquire<'a> {
    type Output = Permit<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let sem = self.sem;
        let mut s = sem.lock();
        if s.permits > 0 {
            s.permits -= 1;
            s.in_flight += 1;
            s.peak = s.peak.max(s.in_flight);
            if let Some(id) = self.id {
                s.waiters.retain(|(i, _)| *i != id);
            }
            drop(s);
            self.done = true;
            return Poll::Ready(Permit { sem });
        }
        let id = match self.id {
            Some(id) => id,
            None => {
                let id = s.next_id;
                s.next_id += 1;
                id
            }
        };
        match s.waiters.iter_mut().find(|(i, _)| *i == id) {
            Some((_, w)) => w.clone_from(cx.waker()),
            None => s.waiters.push_back((id, cx.waker().clone())),
        }
        drop(s);
        self.id = Some(id);
        Poll::Pending
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let Some(id) = self.id else { return };
        let waker = {
            let mut s = self.sem.lock();
            let queued = s.waiters.iter().any(|(i, _)| *i == id);
            s.waiters.retain(|(i, _)| *i != id);
            // Woken (no longer queued) but gone before taking the permit: wake the next.
            if !queued && s.permits > 0 {
                s.waiters.pop_front().map(|(_, w)| w)
            } else {
                None
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// A permit of a [`Semaphore`], given back on drop.
#[derive(Debug)]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.release();
    }
}

/// The calls in flight per service and region, across every account that shares it.
#[derive(Debug)]
pub struct CallLimits {
    per_key: usize,
    keys: Mutex<BTreeMap<(&'static str, String), Arc<Semaphore>>>,
}

impl CallLimits {
    /// At most `per_service_and_region` calls in flight for each (service, region) pair.
    pub fn new(per_service_and_region: usize) -> CallLimits {
        CallLimits {
            per_key: per_service_and_region.max(1),
            keys: Mutex::new(BTreeMap::new()),
        }
    }

    /// The bound for each (service, region).
    pub fn per_key(&self) -> usize {
        self.per_key
    }

    fn semaphore(&self, service: &'static str, region: &str) -> Arc<Semaphore> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.entry((service, region.to_string()))
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_key)))
            .clone()
    }

    /// Runs `call` holding a permit of (service, region).
    pub async fn run<T>(
        &self,
        service: &'static str,
        region: &str,
        call: impl Future<Output = T>,
    ) -> T {
        let sem = self.semaphore(service, region);
        let _permit = sem.acquire().await;
        call.await
    }

    /// The most calls that were ever in flight at once for one (service, region), with
    /// the pair; `None` before any call.
    pub fn peak(&self) -> Option<((&'static str, String), usize)> {
        let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter()
            .map(|(k, s)| (k.clone(), s.peak()))
            .max_by_key(|(_, p)| *p)
    }
}

/// A port whose calls each hold a permit of the shared [`CallLimits`] for their service
/// and region while they are in flight. Sleeps (backoff, readiness polls between reads)
/// hold none.
#[derive(Debug)]
pub struct Limited<'a, P> {
    pub port: P,
    pub limits: &'a CallLimits,
}

impl<P: Port> Port for Limited<'_, P> {
    async fn read_account(&self) -> Result<AccountInfo, PortError> {
        self.limits
            .run("sts", Scope::Account.as_str(), self.port.read_account())
            .await
    }

    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError> {
        self.limits
            .run(
                part.facts().service,
                scope.as_str(),
                self.port.read_part(scope, part),
            )
            .await
    }

    async fn execute(
        &self,
        region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError> {
        self.limits
            .run(
                action.service(),
                region.as_str(),
                self.port.execute(region, action_id, action, outputs),
            )
            .await
    }

    async fn sleep(&self, duration: Duration) {
        self.port.sleep(duration).await;
    }

    fn elapsed(&self) -> Duration {
        self.port.elapsed()
    }

    fn calls(&self) -> CallCounts {
        self.port.calls()
    }
}
