use std::ffi::{c_int, c_long};

use pyo3_ffi as ffi;

use super::PyAny;
use super::any::compact_int_value;
use crate::err::exceptions::OverflowError;
use crate::{Borrowed, Bound, PyResult, Python, Raised};

marker! {
    /// `int`
    PyInt, PyLong_Check
}

impl PyInt {
    /// `int` from an unsigned 64-bit value.
    #[inline]
    pub fn from_u64(py: Python<'_>, v: u64) -> PyResult<Bound<'_, PyInt>> {
        // SAFETY: attached; new reference or null with an exception.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyLong_FromUnsignedLongLong(v)) }
    }

    /// `int` from a signed 64-bit value.
    #[inline]
    pub fn from_i64(py: Python<'_>, v: i64) -> PyResult<Bound<'_, PyInt>> {
        // SAFETY: attached; new reference or null with an exception.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyLong_FromLongLong(v)) }
    }
}

impl Borrowed<'_, '_, PyAny> {
    /// The value of an int (or int subclass) of magnitude below 2**30, read
    /// from its fields (what every conversion below returns for it, with no
    /// call); `None` for other objects and larger ints.
    #[inline(always)]
    fn compact_int(self) -> Option<i64> {
        // SAFETY: attached, live object, read as an int once tested to be one.
        unsafe { if ffi::PyLong_Check(self.as_ptr()) != 0 { compact_int_value(self.as_ptr()) } else { None } }
    }

    /// C `long` through `__index__` (`PyLong_AsLongAndOverflow`): `Err` with
    /// the exception set for non-integers; `Ok(None)` when out of range.
    #[inline]
    pub fn index_as_c_long(self) -> PyResult<Option<c_long>> {
        if let Some(v) = self.compact_int() {
            return Ok(Some(v as c_long));
        }
        let mut overflow: c_int = 0;
        // SAFETY: attached, live object.
        let v = unsafe { ffi::PyLong_AsLongAndOverflow(self.as_ptr(), &mut overflow) };
        if overflow != 0 {
            return Ok(None);
        }
        if v == -1 && Raised::is_set(self.py()) {
            return Err(Raised::already_set());
        }
        Ok(Some(v))
    }

    /// C `int` as `_PyLong_AsInt` / `PyLong_AsInt` (Argument Clinic's `int`):
    /// `__index__`, then `OverflowError: Python int too large to convert to C
    /// int` outside the range.
    #[inline]
    pub fn index_as_c_int(self) -> PyResult<i32> {
        match self.index_as_c_long()?.map(i32::try_from) {
            Some(Ok(v)) => Ok(v),
            _ => Err(OverflowError::raise(self.py(), "Python int too large to convert to C int")),
        }
    }

    /// `Py_ssize_t` as Argument Clinic's converter: `__index__`, then
    /// `OverflowError: Python int too large to convert to C ssize_t`.
    #[inline(always)]
    pub fn index_as_ssize(self) -> PyResult<isize> {
        match self.compact_int() {
            Some(v) => Ok(v as isize),
            None => self.index_as_ssize_slow(),
        }
    }

    /// [`Self::index_as_ssize`] for all but small ints.
    #[inline(never)]
    fn index_as_ssize_slow(self) -> PyResult<isize> {
        // SAFETY: attached, live object; an exact int is its own index
        // (what PyNumber_Index returns), read directly.
        unsafe {
            if ffi::PyLong_CheckExact(self.as_ptr()) != 0 {
                let v = ffi::PyLong_AsSsize_t(self.as_ptr());
                if v == -1 && Raised::is_set(self.py()) {
                    return Err(Raised::already_set());
                }
                return Ok(v);
            }
            let index = Bound::<PyAny>::from_owned_ptr_or_err(self.py(), ffi::PyNumber_Index(self.as_ptr()))?;
            let v = ffi::PyLong_AsSsize_t(index.as_ptr());
            if v == -1 && Raised::is_set(self.py()) {
                return Err(Raised::already_set());
            }
            Ok(v)
        }
    }

    /// The low 32 bits of an integer (`PyLong_AsUnsignedLongMask`, Argument
    /// Clinic's `unsigned int(bitwise=True)`): any int is accepted, reduced
    /// modulo 2**32; non-integers go through `__index__`.
    #[inline]
    pub fn index_as_u32_mask(self) -> PyResult<u32> {
        if let Some(v) = self.compact_int() {
            return Ok(v as u32);
        }
        // SAFETY: attached, live object.
        let v = unsafe { ffi::PyLong_AsUnsignedLongMask(self.as_ptr()) };
        if v == !0 && Raised::is_set(self.py()) {
            return Err(Raised::already_set());
        }
        Ok(v as u32)
    }
}

/// The value of a Python int as 64-bit C integers see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntValue {
    /// In `i64`'s range.
    Signed(i64),
    /// Above `i64::MAX`, in `u64`'s range.
    Unsigned(u64),
    /// Above `u64::MAX`.
    TooLarge,
    /// Below `i64::MIN`.
    TooSmall,
}

impl Borrowed<'_, '_, PyInt> {
    /// The value (no Python code runs: the object is an int).
    #[inline]
    pub fn value(self) -> IntValue {
        // SAFETY: attached, live int.
        if let Some(v) = unsafe { compact_int_value(self.as_ptr()) } {
            return IntValue::Signed(v);
        }
        let mut overflow: c_int = 0;
        // Attached, live int (subclasses are read directly, no __index__
        // call); the overflow flag reports out-of-range values without an
        // exception, and PyLong_AsUnsignedLongLong's OverflowError (the
        // SAFETY: only error possible for an int) is cleared.
        unsafe {
            let v = ffi::PyLong_AsLongLongAndOverflow(self.as_ptr(), &mut overflow);
            match overflow {
                0 => IntValue::Signed(v),
                o if o < 0 => IntValue::TooSmall,
                _ => {
                    let u = ffi::PyLong_AsUnsignedLongLong(self.as_ptr());
                    if u == u64::MAX && Raised::is_set(self.py()) {
                        ffi::PyErr_Clear();
                        IntValue::TooLarge
                    } else {
                        IntValue::Unsigned(u)
                    }
                }
            }
        }
    }
}

impl Borrowed<'_, '_, PyInt> {
    /// The low 64 bits of the value in two's complement
    /// (`PyLong_AsUnsignedLongLongMask`).
    #[inline]
    pub fn low_bits(self) -> u64 {
        // SAFETY: attached, live int.
        if let Some(v) = unsafe { compact_int_value(self.as_ptr()) } {
            return v as u64;
        }
        // SAFETY: attached, live int: the mask conversion cannot fail.
        unsafe { ffi::PyLong_AsUnsignedLongLongMask(self.as_ptr()) }
    }
}

impl<'a, 'py> Borrowed<'a, 'py, PyAny> {
    /// The object as an int, if it is one (`PyLong_Check`).
    #[inline]
    pub fn as_int(self) -> Option<Borrowed<'a, 'py, PyInt>> {
        self.downcast::<PyInt>()
    }

    /// Whether the object has `__index__` (`PyIndex_Check`).
    #[inline]
    pub fn has_index(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyIndex_Check(self.as_ptr()) != 0 }
    }

    /// `PyNumber_AsSsize_t(obj, exc)`: `operator.index(obj)` as a
    /// `Py_ssize_t`, raising `exc` ("cannot fit 'int' into an index-sized
    /// integer") when it does not fit.
    #[inline]
    pub fn as_ssize_or(self, exc: Borrowed<'_, 'py, crate::types::PyType>) -> PyResult<isize> {
        // SAFETY: attached, live objects.
        let v = unsafe { ffi::PyNumber_AsSsize_t(self.as_ptr(), exc.as_ptr()) };
        if v == -1 && Raised::is_set(self.py()) {
            return Err(Raised::already_set());
        }
        Ok(v)
    }

    /// `PyLong_AsLong`: a C `long` (`__index__` for non-ints;
    /// `OverflowError: Python int too large to convert to C long`).
    #[inline]
    pub fn as_c_long(self) -> PyResult<isize> {
        if let Some(v) = self.compact_int() {
            return Ok(v as isize);
        }
        // SAFETY: attached, live object.
        let v = unsafe { ffi::PyLong_AsLong(self.as_ptr()) };
        if v == -1 && Raised::is_set(self.py()) {
            return Err(Raised::already_set());
        }
        Ok(v as isize)
    }

    /// `operator.index(obj)` (`PyNumber_Index`).
    #[inline]
    pub fn index(self) -> PyResult<Bound<'py, PyInt>> {
        // SAFETY: attached, live object; new reference (an int) or null with
        // an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyNumber_Index(self.as_ptr())) }
    }
}

impl PyInt {
    /// `int(digits)` for ASCII decimal text (`PyLong_FromString(.., 10)`,
    /// with its digit limit).
    pub fn from_ascii<'py>(py: Python<'py>, digits: &[u8]) -> PyResult<Bound<'py, PyInt>> {
        let text = std::ffi::CString::new(digits)
            .map_err(|_| crate::err::exceptions::ValueError::raise(py, "embedded null character"))?;
        // SAFETY: attached; a nul-terminated string; new reference or null.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyLong_FromString(text.as_ptr(), std::ptr::null_mut(), 10)) }
    }

    /// Whether `obj` is exactly an int (`PyLong_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyLong_CheckExact(obj.as_ptr()) != 0 }
    }

    /// An int from a `Py_ssize_t`.
    #[inline]
    pub fn from_isize(py: Python<'_>, v: isize) -> PyResult<Bound<'_, PyInt>> {
        // SAFETY: attached; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyLong_FromSsize_t(v)) }
    }
}
