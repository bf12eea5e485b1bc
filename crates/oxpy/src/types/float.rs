//! `float` objects.

use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Python, Raised};

marker! {
    /// `float`
    PyFloat, PyFloat_Check
}

impl PyFloat {
    /// Whether `obj` is exactly a float (`PyFloat_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyFloat_CheckExact(obj.as_ptr()) != 0 }
    }

    /// A new float.
    #[inline]
    pub fn new(py: Python<'_>, v: f64) -> PyResult<Bound<'_, PyFloat>> {
        // SAFETY: attached; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyFloat_FromDouble(v)) }
    }
}

impl Borrowed<'_, '_, PyAny> {
    /// `PyFloat_AsDouble`: the value of a float, or of `__float__` (or
    /// `__index__`), with CPython's errors.
    #[inline]
    pub fn as_double(self) -> PyResult<f64> {
        // SAFETY: attached, live object.
        let v = unsafe { ffi::PyFloat_AsDouble(self.as_ptr()) };
        if v == -1.0 && Raised::is_set(self.py()) {
            return Err(Raised::already_set());
        }
        Ok(v)
    }
}
