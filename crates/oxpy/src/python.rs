//! The attachment token.

use std::marker::PhantomData;

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
