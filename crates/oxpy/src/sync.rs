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

/// A value shared by all threads but only read or replaced while attached
/// (the GIL serialises every access): for payload fields that Python code
/// may replace, as C keeps them in plain struct fields (e.g. the compiled
/// format of a `struct.Struct`, which `__init__` replaces).
pub struct GilCell<T>(std::cell::UnsafeCell<T>);

// SAFETY: every access takes a Python token (attached, so the GIL is held
// and no other thread is inside), and no reference into the cell escapes a
// call: `get` clones (a Rust `Clone` cannot run Python code: it has no
// token, and `T: Send` excludes Python handles), `replace` moves out.
unsafe impl<T: Send> Sync for GilCell<T> {}

impl<T> GilCell<T> {
    /// A cell holding `value`.
    pub const fn new(value: T) -> Self {
        GilCell(std::cell::UnsafeCell::new(value))
    }

    /// A copy of the value.
    #[inline]
    pub fn get(&self, _py: Python<'_>) -> T
    where
        T: Clone,
    {
        // SAFETY: attached (token), see Sync: no other access is running.
        unsafe { (*self.0.get()).clone() }
    }

    /// Replaces the value, returning the old one (dropped by the caller,
    /// after the swap).
    #[inline]
    pub fn replace(&self, _py: Python<'_>, value: T) -> T {
        // SAFETY: attached (token), see Sync: no other access is running.
        unsafe { std::mem::replace(&mut *self.0.get(), value) }
    }
}
