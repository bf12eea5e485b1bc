//! Operations on any object.

use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, PyResult, Raised};

impl Borrowed<'_, '_, PyAny> {
    /// `bool(obj)` (`PyObject_IsTrue`).
    #[inline]
    pub fn is_truthy(self) -> PyResult<bool> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PyObject_IsTrue(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            v => Ok(v != 0),
        }
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
}
