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

    /// `iter(obj)` (`PyObject_GetIter`).
    pub fn iter(self) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_GetIter(self.as_ptr())) }
    }

    /// `next(it)` on an iterator (`PyIter_Next`): `None` when exhausted
    /// without an error.
    pub fn next_item(self) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live iterator (PyIter_Next checks tp_iternext
        // and raises for non-iterators); new reference, or null with or
        // without an error.
        unsafe {
            let item = ffi::PyIter_Next(self.as_ptr());
            if item.is_null() {
                return if Raised::is_set(self.py()) { Err(Raised::already_set()) } else { Ok(None) };
            }
            Ok(Bound::from_owned_ptr_or_none(self.py(), item))
        }
    }

    /// `str(obj)`.
    pub fn str(self) -> PyResult<Bound<'py, crate::types::PyStr>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_Str(self.as_ptr())) }
    }

    /// `float(obj)` (`PyNumber_Float`).
    pub fn to_float(self) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyNumber_Float(self.as_ptr())) }
    }

    /// `PyNumber_Check`: it has `__index__`, `__int__` or `__float__` (or
    /// is a complex).
    pub fn is_number(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyNumber_Check(self.as_ptr()) != 0 }
    }

    /// `callable(obj)`.
    pub fn is_callable(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyCallable_Check(self.as_ptr()) != 0 }
    }

    /// `getattr(obj, name)`, `None` when it raises `AttributeError` (which
    /// is cleared); other errors are raised.
    pub fn getattr_opt(self, name: &CStr) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live object, nul-terminated name; new reference
        // or null with an error.
        unsafe {
            let v = ffi::PyObject_GetAttrString(self.as_ptr(), name.as_ptr());
            if !v.is_null() {
                return Ok(Bound::from_owned_ptr_or_none(self.py(), v));
            }
            if ffi::PyErr_ExceptionMatches(ffi::PyExc_AttributeError) != 0 {
                ffi::PyErr_Clear();
                return Ok(None);
            }
            Err(Raised::already_set())
        }
    }

    /// `getattr(obj, name)` for a `str` name (cheaper than a C string when
    /// the name is kept, e.g. interned in module state), `None` when it
    /// raises `AttributeError` (which is cleared).
    pub fn getattr_str_opt(self, name: Borrowed<'_, 'py, crate::types::PyStr>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live objects; new reference or null with an error.
        unsafe {
            let v = ffi::PyObject_GetAttr(self.as_ptr(), name.as_ptr());
            if !v.is_null() {
                return Ok(Bound::from_owned_ptr_or_none(self.py(), v));
            }
            if ffi::PyErr_ExceptionMatches(ffi::PyExc_AttributeError) != 0 {
                ffi::PyErr_Clear();
                return Ok(None);
            }
            Err(Raised::already_set())
        }
    }

    /// `getattr(obj, name)`.
    pub fn getattr(self, name: &CStr) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object, nul-terminated name; new reference
        // or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_GetAttrString(self.as_ptr(), name.as_ptr())) }
    }

    /// `repr(obj)`.
    pub fn repr(self) -> PyResult<Bound<'py, crate::types::PyStr>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_Repr(self.as_ptr())) }
    }

    /// `self(*args, **kwargs)` (`PyObject_VectorcallDict`).
    pub fn call(
        self,
        args: &[Borrowed<'_, 'py, PyAny>],
        kwargs: Option<Borrowed<'_, 'py, crate::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = kwargs.map_or(std::ptr::null_mut(), |k| k.as_ptr());
        // SAFETY: attached; live objects; `Borrowed` is a transparent object
        // pointer, so `args` is a vectorcall argument array; the dict is a
        // dict or null; new reference or null with an error.
        unsafe {
            Bound::from_owned_ptr_or_err(
                self.py(),
                ffi::PyObject_VectorcallDict(self.as_ptr(), args.as_ptr().cast(), args.len(), kwargs),
            )
        }
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
