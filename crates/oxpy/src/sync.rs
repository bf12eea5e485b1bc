//! Per-object locks taken the way C's extension modules take theirs
//! (zlib's `ENTER_ZLIB`): try without blocking, and wait detached.

use std::sync::{Mutex, MutexGuard, TryLockError};

use crate::Python;

/// Locks `mutex`. When another thread holds it (typically while detached,
/// working on the protected data), waits with the GIL released, so that
/// thread can re-attach and finish: blocking attached would deadlock.
///
/// A lock poisoned by a panic (contained by the entry glue as a
/// `SystemError`) is taken anyway: the data is plain Rust data, still safe
/// to use, as C's object stays usable after an error.
pub fn lock<'m, T: Send>(py: &mut Python<'_>, mutex: &'m Mutex<T>) -> MutexGuard<'m, T> {
    loop {
        match mutex.try_lock() {
            Ok(guard) => return guard,
            Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
            // Wait until it is free, then try again attached.
            Err(TryLockError::WouldBlock) => py.detach(|| drop(mutex.lock())),
        }
    }
}

/// A lock around state that a call works on while it runs Python code
/// (which may release the GIL, or call back into the same object): other
/// threads wait detached (as [`lock`]); a call back from the thread that
/// holds it gets `None` (the caller raises) instead of deadlocking.
pub struct CallLock<T> {
    mutex: Mutex<T>,
    /// The holding thread ([`thread_tag`]), 0 when free.
    owner: std::sync::atomic::AtomicUsize,
}

/// The holder of a [`CallLock`]; releases it on drop.
pub struct CallGuard<'m, T> {
    guard: MutexGuard<'m, T>,
    owner: &'m std::sync::atomic::AtomicUsize,
}

/// A non-zero number unique to the current thread while it lives.
fn thread_tag() -> usize {
    thread_local!(static TAG: u8 = const { 0 });
    TAG.with(|t| t as *const u8 as usize)
}

impl<T: Send> CallLock<T> {
    /// A lock holding `value`.
    pub fn new(value: T) -> Self {
        CallLock { mutex: Mutex::new(value), owner: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// Locks for this call; `None` if this thread already holds it.
    pub fn lock<'m>(&'m self, py: &mut Python<'_>) -> Option<CallGuard<'m, T>> {
        let me = thread_tag();
        if self.owner.load(std::sync::atomic::Ordering::Relaxed) == me {
            return None;
        }
        let guard = lock(py, &self.mutex);
        self.owner.store(me, std::sync::atomic::Ordering::Relaxed);
        Some(CallGuard { guard, owner: &self.owner })
    }
}

impl<T> std::ops::Deref for CallGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for CallGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Drop for CallGuard<'_, T> {
    fn drop(&mut self) {
        // Cleared before the mutex is released (the guard field drops after).
        self.owner.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}
