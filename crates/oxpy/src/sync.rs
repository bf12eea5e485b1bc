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
