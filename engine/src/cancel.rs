//! Interrupts: a signal the engine checks, set from elsewhere (the CLI's Ctrl-C handler,
//! a test). The first interrupt stops new actions from starting and lets the calls in
//! flight finish; the second stops at once, as a crash would.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;

/// A shared cancellation signal; clones share it.
#[derive(Clone, Default)]
pub struct Cancel(Arc<Inner>);

#[derive(Default)]
struct Inner {
    level: AtomicU8,
    waker: AtomicWaker,
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cancel").field(&self.level()).finish()
    }
}

/// Two signals are equal when they are the same signal.
impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Cancel {}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// One more interrupt; returns how many there have been (1: start nothing new, 2 and
    /// more: stop at once). Safe to call from another thread or a signal handler thread.
    pub fn interrupt(&self) -> u8 {
        let level = self
            .0
            .level
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                Some(l.saturating_add(1))
            })
            .unwrap_or(u8::MAX)
            .saturating_add(1);
        self.0.waker.wake();
        level
    }

    /// How many interrupts there have been.
    pub fn level(&self) -> u8 {
        self.0.level.load(Ordering::SeqCst)
    }

    /// Whether nothing new may start.
    pub fn stopping(&self) -> bool {
        self.level() >= 1
    }

    /// Ready once the run must stop at once (a second interrupt).
    pub(crate) fn poll_stop_now(&self, cx: &mut Context<'_>) -> Poll<()> {
        self.0.waker.register(cx.waker());
        if self.level() >= 2 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Completes once the run must stop at once.
    pub fn stop_now(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(|cx| self.poll_stop_now(cx))
    }
}
