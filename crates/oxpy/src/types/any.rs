//! Operations on any object.

use std::ffi::CStr;

use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Raised};

impl<'py> Borrowed<'_, 'py, PyAny> {
    /// `bool(obj)` (`PyObject_IsTrue`).
    #[inline]
    pub fn is_truthy(self) -> PyResult<bool> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PyObject_IsTrue(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            v => Ok(v != 0),
        }
    }

    /// Whether the object is `None`.
    #[inline]
    pub fn is_none(self) -> bool {
        // SAFETY: Py_None is a static object; only its address is used.
        self.as_ptr() == unsafe { ffi::Py_None() }
    }

    /// Whether the object exports the buffer protocol
    /// (`PyObject_CheckBuffer`).
    #[inline]
    pub fn supports_buffer(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyObject_CheckBuffer(self.as_ptr()) != 0 }
    }

    /// `len(obj)` (`PyObject_Size`).
    #[inline]
    pub fn len(self) -> PyResult<usize> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PyObject_Size(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            n => Ok(n as usize),
        }
    }

    /// `len(obj)` through the sequence protocol (`PySequence_Size`: "dict is
    /// not a sequence" for mappings).
    #[inline]
    pub fn sequence_len(self) -> PyResult<isize> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PySequence_Size(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            n => Ok(n),
        }
    }

    /// `obj[index]` through the sequence protocol (`PySequence_GetItem`).
    #[inline]
    pub fn sequence_item(self, index: isize) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PySequence_GetItem(self.as_ptr(), index)) }
    }

    /// `self < other` as a truth value (`PyObject_RichCompareBool`, which
    /// takes identity as equality for `==` only).
    #[inline]
    pub fn lt(self, other: Borrowed<'_, 'py, PyAny>) -> PyResult<bool> {
        // SAFETY: attached, live objects.
        match unsafe { ffi::PyObject_RichCompareBool(self.as_ptr(), other.as_ptr(), ffi::Py_LT) } {
            -1 => Err(Raised::already_set()),
            v => Ok(v != 0),
        }
    }

    /// `repr(obj)`.
    pub fn repr(self) -> PyResult<Bound<'py, crate::types::PyStr>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_Repr(self.as_ptr())) }
    }

    /// `self(arg)` (`PyObject_CallOneArg`).
    #[inline]
    pub fn call1(self, arg: Borrowed<'_, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live objects; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_CallOneArg(self.as_ptr(), arg.as_ptr())) }
    }

    /// `self.name(*args)`: the attribute looked up as `getattr` does (its
    /// `AttributeError`), then called.
    pub fn call_method(self, name: &CStr, args: &[Borrowed<'_, 'py, PyAny>]) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached; live objects; `Borrowed` is a transparent object
        // pointer, so `args` is a vectorcall argument array; every result is
        // a new reference or null with an error.
        unsafe {
            let method = Bound::<PyAny>::from_owned_ptr_or_err(
                self.py(),
                ffi::PyObject_GetAttrString(self.as_ptr(), name.as_ptr()),
            )?;
            let result =
                ffi::PyObject_Vectorcall(method.as_ptr(), args.as_ptr().cast(), args.len(), std::ptr::null_mut());
            Bound::from_owned_ptr_or_err(self.py(), result)
        }
    }
}
