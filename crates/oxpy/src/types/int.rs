use std::ffi::{c_int, c_long};

use pyo3_ffi as ffi;

use super::PyAny;
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
    /// C `long` through `__index__` (`PyLong_AsLongAndOverflow`): `Err` with
    /// the exception set for non-integers; `Ok(None)` when out of range.
    #[inline]
    pub fn index_as_c_long(self) -> PyResult<Option<c_long>> {
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
    #[inline]
    pub fn index_as_ssize(self) -> PyResult<isize> {
        // SAFETY: attached, live object; PyNumber_Index returns a new
        // reference or null with an exception, which we release.
        unsafe {
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
        // SAFETY: attached, live object.
        let v = unsafe { ffi::PyLong_AsUnsignedLongMask(self.as_ptr()) };
        if v == !0 && Raised::is_set(self.py()) {
            return Err(Raised::already_set());
        }
        Ok(v as u32)
    }
}
