//! Errors are the pending exception.
//!
//! [`Raised`] is a zero-sized marker meaning "an exception is set on this
//! thread". Functions that fail set the exception and return `Err(Raised)`;
//! `?` propagates it without copying anything. The entry glue checks the
//! contract (error ⇒ exception set) and returns NULL to CPython.

use std::marker::PhantomData;

use pyo3_ffi as ffi;

use crate::types::{PyAny, PyStr, PyType};
use crate::{Borrowed, Python};

/// An exception is set on the current thread.
///
/// Zero-sized and `!Send`: it stays with the thread whose exception it
/// stands for.
#[must_use = "an exception is pending: propagate it (`?`) or clear it"]
#[derive(Debug)]
pub struct Raised(PhantomData<*mut ()>);

/// The result of any fallible operation: `Err` means an exception is set.
pub type PyResult<T> = Result<T, Raised>;

impl Raised {
    /// Marks an exception that a C API call has just set.
    #[inline]
    pub(crate) fn already_set() -> Self {
        Raised(PhantomData)
    }

    /// Sets an exception of class `ty` with message `msg`.
    pub fn new(ty: Borrowed<'_, '_, PyType>, msg: &str) -> Self {
        let py = ty.py();
        match PyStr::new(py, msg) {
            // SAFETY: attached; `ty` is a live type, `s` a live str.
            Ok(s) => unsafe { ffi::PyErr_SetObject(ty.as_ptr(), s.as_ptr()) },
            Err(e) => return e,
        }
        Raised::already_set()
    }

    /// Sets an exception of class `ty` with an arbitrary exception argument.
    pub fn with_value(ty: Borrowed<'_, '_, PyType>, value: Borrowed<'_, '_, PyAny>) -> Self {
        // SAFETY: attached; both objects are alive.
        unsafe { ffi::PyErr_SetObject(ty.as_ptr(), value.as_ptr()) };
        Raised::already_set()
    }

    /// A failure without an exception, for reproducing C functions that
    /// return NULL without setting one: CPython then raises its own
    /// `SystemError`, worded after the call path, exactly as for the C
    /// function. Use for bug-compatibility only.
    #[cold]
    pub fn without_exception(_py: Python<'_>) -> Self {
        Raised(PhantomData)
    }

    /// Whether the pending exception is an instance of `ty`
    /// (`PyErr_ExceptionMatches`).
    pub fn matches(&self, ty: Borrowed<'_, '_, PyType>) -> bool {
        // SAFETY: attached (the type handle proves it); an exception is set.
        unsafe { ffi::PyErr_ExceptionMatches(ty.as_ptr()) != 0 }
    }

    /// Runs `f` with the pending exception put aside (`PyErr_Fetch`, on
    /// 3.12+ `PyErr_GetRaisedException`), then sets it again: for cleanup
    /// that calls the C API after a failure, as C code does between the two.
    pub fn while_set_aside<R>(self, py: Python<'_>, f: impl FnOnce() -> R) -> (Self, R) {
        #[cfg(Py_3_12)]
        {
            // SAFETY: attached (token); the exception taken is a new
            // reference (or null), which PyErr_SetRaisedException takes
            // over; anything `f` left pending is replaced.
            let exc = unsafe { ffi::PyErr_GetRaisedException() };
            let r = f();
            // SAFETY: as said above.
            unsafe { ffi::PyErr_SetRaisedException(exc) };
            let _ = py;
            (self, r)
        }
        #[cfg(not(Py_3_12))]
        {
            let (mut t, mut v, mut tb) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
            // SAFETY: attached (token); the fetched references are handed
            // back to PyErr_Restore, which takes them over.
            unsafe { ffi::PyErr_Fetch(&mut t, &mut v, &mut tb) };
            let r = f();
            // SAFETY: as said above; anything `f` left pending is replaced.
            unsafe { ffi::PyErr_Restore(t, v, tb) };
            let _ = py;
            (self, r)
        }
    }

    /// Clears the pending exception (C's `PyErr_Clear` after a failure it
    /// ignores).
    pub fn discard(self, _py: Python<'_>) {
        // SAFETY: attached (token).
        unsafe { ffi::PyErr_Clear() }
    }

    /// Whether an exception is set on this thread.
    pub fn is_set(_py: Python<'_>) -> bool {
        // SAFETY: attached.
        !unsafe { ffi::PyErr_Occurred() }.is_null()
    }
}

/// Built-in exception classes, e.g. `exceptions::ValueError::raise(py, "msg")`.
pub mod exceptions {
    use super::*;

    macro_rules! builtin_exceptions {
        ($($(#[$doc:meta])* $name:ident => $ffi:ident,)*) => {$(
            $(#[$doc])*
            pub struct $name;
            impl $name {
                /// The exception class.
                #[inline]
                pub fn type_object<'py>(py: Python<'py>) -> Borrowed<'static, 'py, PyType> {
                    // SAFETY: the built-in exception classes are static
                    // objects that live as long as the interpreter.
                    unsafe { PyType::from_static(py, ffi::$ffi) }
                }
                /// Sets this exception with message `msg`.
                #[inline(never)]
                #[cold]
                pub fn raise(py: Python<'_>, msg: &str) -> Raised {
                    Raised::new(Self::type_object(py), msg)
                }
            }
        )*};
    }

    builtin_exceptions! {
        /// `ValueError`
        ValueError => PyExc_ValueError,
        /// `TypeError`
        TypeError => PyExc_TypeError,
        /// `OverflowError`
        OverflowError => PyExc_OverflowError,
        /// `SystemError`
        SystemError => PyExc_SystemError,
        /// `MemoryError`
        MemoryError => PyExc_MemoryError,
        /// `BufferError`
        BufferError => PyExc_BufferError,
        /// `RuntimeError`
        RuntimeError => PyExc_RuntimeError,
        /// `IndexError`
        IndexError => PyExc_IndexError,
        /// `Exception`
        Exception => PyExc_Exception,
        /// `EOFError`
        EOFError => PyExc_EOFError,
        /// `KeyError`
        KeyError => PyExc_KeyError,
        /// `StopIteration`
        StopIteration => PyExc_StopIteration,
    }

    impl MemoryError {
        /// Sets `MemoryError()` without a message, as `PyErr_NoMemory()`.
        pub fn raise_empty(_py: Python<'_>) -> Raised {
            // SAFETY: attached.
            unsafe { ffi::PyErr_NoMemory() };
            Raised::already_set()
        }
    }
}

/// Truncates `s` to at most `max` bytes the way C's `%.<max>s` does inside
/// `PyUnicode_FromFormat` (bytes cut, an incomplete UTF-8 tail replaced).
pub fn c_truncate(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    String::from_utf8_lossy(&s.as_bytes()[..max])
}

/// Turns a caught panic into a pending `SystemError`.
#[cold]
pub(crate) fn raise_panic(py: Python<'_>, payload: Box<dyn std::any::Any + Send>) -> Raised {
    let msg = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    };
    exceptions::SystemError::raise(py, &format!("Rust code panicked: {msg}"))
}

#[cfg(test)]
mod tests {
    use super::c_truncate;

    #[test]
    fn truncation_is_byte_based_like_c() {
        assert_eq!(c_truncate("abcdef", 3), "abc");
        assert_eq!(c_truncate("abc", 3), "abc");
        assert_eq!(c_truncate("aé", 2), "a\u{fffd}");
    }
}
