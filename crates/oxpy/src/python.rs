//! The attachment token.

use std::marker::PhantomData;

use pyo3_ffi as ffi;

/// Proof that the current thread is attached to the interpreter (holds the
/// GIL) for the lifetime `'py`.
///
/// It is `Copy` but neither `Send` nor `Sync`: it cannot leave the thread.
/// Only this crate's entry glue (function trampolines, module slots) creates
/// one, so safe code can never conjure it.
#[derive(Clone, Copy)]
pub struct Python<'py>(PhantomData<(&'py (), *mut ())>);

impl Python<'_> {
    /// # Safety
    /// The calling thread must hold an attached thread state for as long as
    /// the returned token (and anything derived from it) is used.
    #[inline(always)]
    pub(crate) unsafe fn assume_attached() -> Self {
        Python(PhantomData)
    }

    /// Runs `f` with a token: the only way to enter the API.
    ///
    /// # Safety
    /// The calling thread must hold an attached thread state.
    #[inline(always)]
    pub(crate) unsafe fn with_attached<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> R {
        // SAFETY: forwarded to the caller.
        f(unsafe { Self::assume_attached() })
    }
}

impl Python<'_> {
    /// Runs `f` detached from the interpreter (the GIL released), as C's
    /// `Py_BEGIN_ALLOW_THREADS`, and re-attaches before returning (also if
    /// `f` panics).
    ///
    /// `f` must be `Send`, so it cannot capture the token or any attached
    /// handle (they are `!Send`): plain Rust data only, e.g. byte slices
    /// borrowed from a buffer that outlives the call.
    pub fn detach<T: Send>(&mut self, f: impl FnOnce() -> T + Send) -> T {
        struct Reattach(*mut ffi::PyThreadState);
        impl Drop for Reattach {
            fn drop(&mut self) {
                // SAFETY: restores the thread state saved below, on this
                // thread, exactly once.
                unsafe { ffi::PyEval_RestoreThread(self.0) }
            }
        }
        // SAFETY: the token proves this thread is attached; we save its
        // state and the guard restores it before any Python API is used
        // again (nothing in `f` can use it: `f` is Send, the token is not).
        let _reattach = Reattach(unsafe { ffi::PyEval_SaveThread() });
        f()
    }
}

/// A level of C's recursion guard (`Py_EnterRecursiveCall`), left when
/// dropped (`Py_LeaveRecursiveCall`).
pub struct RecursionGuard<'py>(std::marker::PhantomData<Python<'py>>);

impl<'py> Python<'py> {
    /// `Py_EnterRecursiveCall(where)`: `RecursionError` ("maximum recursion
    /// depth exceeded" + `where`) past the interpreter's limit.
    pub fn enter_recursive_call(self, where_: &std::ffi::CStr) -> crate::PyResult<RecursionGuard<'py>> {
        // SAFETY: attached (token); the message is nul-terminated.
        if unsafe { ffi::Py_EnterRecursiveCall(where_.as_ptr()) } != 0 {
            return Err(crate::Raised::already_set());
        }
        Ok(RecursionGuard(std::marker::PhantomData))
    }
}

impl Drop for RecursionGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: attached ('py); pairs the successful Py_EnterRecursiveCall
        // that made this guard.
        unsafe { ffi::Py_LeaveRecursiveCall() }
    }
}

/// Levels of C's recursion guard entered and left one by one, as a loop
/// over nested containers does (a count, where a [`RecursionGuard`] per
/// level would be a stack); those still entered are left when dropped.
pub struct RecursionLevels<'py> {
    entered: usize,
    _py: std::marker::PhantomData<Python<'py>>,
}

impl<'py> RecursionLevels<'py> {
    /// No level entered.
    pub fn new(_py: Python<'py>) -> Self {
        RecursionLevels { entered: 0, _py: std::marker::PhantomData }
    }

    /// `Py_EnterRecursiveCall(where)`, as [`Python::enter_recursive_call`].
    #[inline]
    pub fn enter(&mut self, where_: &std::ffi::CStr) -> crate::PyResult<()> {
        // SAFETY: attached ('py); the message is nul-terminated.
        if unsafe { ffi::Py_EnterRecursiveCall(where_.as_ptr()) } != 0 {
            return Err(crate::Raised::already_set());
        }
        self.entered += 1;
        Ok(())
    }

    /// Leaves the innermost level entered (none: nothing).
    #[inline]
    pub fn leave(&mut self) {
        if self.entered > 0 {
            self.entered -= 1;
            // SAFETY: attached ('py); pairs a successful enter.
            unsafe { ffi::Py_LeaveRecursiveCall() }
        }
    }
}

impl Drop for RecursionLevels<'_> {
    fn drop(&mut self) {
        while self.entered > 0 {
            self.leave();
        }
    }
}
