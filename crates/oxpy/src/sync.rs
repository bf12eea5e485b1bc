//! Per-object locks taken the way C's extension modules take theirs
//! (zlib's `ENTER_ZLIB`): try without blocking, and wait detached.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// threads wait detached; a call back from the thread that holds it gets
/// `None` (the caller raises) instead of deadlocking.
///
/// Taken and released attached, so the GIL serializes them (free-threaded
/// builds are refused): a load and a store, where a mutex's atomic
/// read-modify-writes cost about 10 ns per call (a `csv` `writerow` of two
/// fields was 10% slower than C with one).
pub struct CallLock<T> {
    /// The holding thread ([`thread_tag`]), 0 when free. Released with
    /// `Release` and read with `Acquire`, which orders the data's accesses
    /// even when a guard is dropped detached.
    owner: AtomicUsize,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, which one thread at a
// time holds (see `lock`), and it is `Send`, as a `Mutex<T>` requires.
unsafe impl<T: Send> Sync for CallLock<T> {}

/// The holder of a [`CallLock`]; releases it on drop.
pub struct CallGuard<'m, T> {
    lock: &'m CallLock<T>,
}

/// A non-zero number unique to the current thread while it lives.
fn thread_tag() -> usize {
    thread_local!(static TAG: u8 = const { 0 });
    TAG.with(|t| t as *const u8 as usize)
}

impl<T: Send> CallLock<T> {
    /// A lock holding `value`.
    pub fn new(value: T) -> Self {
        CallLock { owner: AtomicUsize::new(0), value: UnsafeCell::new(value) }
    }

    /// Locks for this call; `None` if this thread already holds it. While
    /// another thread holds it, waits detached (yielding, then sleeping),
    /// so that thread can re-attach and finish.
    pub fn lock<'m>(&'m self, py: &mut Python<'_>) -> Option<CallGuard<'m, T>> {
        let me = thread_tag();
        let mut waits = 0u32;
        loop {
            match self.owner.load(Ordering::Acquire) {
                // No other thread runs attached between this load and the
                // store (the token proves the GIL is held, and nothing here
                // releases it), so the lock is taken exactly once.
                0 => {
                    self.owner.store(me, Ordering::Relaxed);
                    return Some(CallGuard { lock: self });
                }
                owner if owner == me => return None,
                _ => {
                    waits += 1;
                    py.detach(|| {
                        if waits < 16 {
                            std::thread::yield_now();
                        } else {
                            std::thread::sleep(std::time::Duration::from_micros(100));
                        }
                    });
                }
            }
        }
    }
}

impl<T> std::ops::Deref for CallGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock: no other reference to the value
        // exists but through it.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> std::ops::DerefMut for CallGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`, and the guard is borrowed mutably.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for CallGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.owner.store(0, Ordering::Release);
    }
}
