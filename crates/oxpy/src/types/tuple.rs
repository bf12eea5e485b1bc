use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Python};

marker! {
    /// `tuple`
    PyTuple, PyTuple_Check
}

impl<'a, 'py> Borrowed<'a, 'py, PyTuple> {
    /// `len(tuple)`
    #[inline]
    pub fn len(self) -> usize {
        // SAFETY: attached; a live tuple. Sizes are never negative.
        unsafe { ffi::PyTuple_GET_SIZE(self.as_ptr()) as usize }
    }

    /// Whether the tuple is empty.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The items, borrowed from the (immutable) tuple.
    #[inline]
    pub fn as_slice(self) -> &'a [Borrowed<'a, 'py, PyAny>] {
        let len = self.len();
        if len == 0 {
            return &[];
        }
        // SAFETY: a tuple's items are `len` non-null object pointers stored
        // inline (`ob_item`), alive as long as the tuple ('a); `Borrowed` is a
        // transparent non-null pointer.
        unsafe {
            let items = (*self.as_ptr().cast::<ffi::PyTupleObject>()).ob_item.as_ptr();
            std::slice::from_raw_parts(items.cast::<Borrowed<'a, 'py, PyAny>>(), len)
        }
    }
}

/// Fills a new tuple in order (see [`PyTuple::build`]).
pub struct TupleWriter<'py> {
    tuple: Bound<'py, PyTuple>,
    len: usize,
    filled: usize,
}

impl<'py> TupleWriter<'py> {
    /// Appends the next item (items beyond the tuple's length are dropped,
    /// and `build` then fails).
    #[inline(always)]
    pub fn push(&mut self, item: Bound<'py, PyAny>) {
        if self.filled < self.len {
            // SAFETY: attached; slot `filled` is in bounds and still NULL; the
            // tuple takes the new reference.
            unsafe { ffi::PyTuple_SET_ITEM(self.tuple.as_ptr(), self.filled as ffi::Py_ssize_t, item.into_ptr()) };
        }
        self.filled += 1;
    }
}

impl PyTuple {
    /// Whether `obj` is exactly a tuple (`PyTuple_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyTuple_CheckExact(obj.as_ptr()) != 0 }
    }

    /// A tuple of `len` items pushed by `fill` in order; pushing more or
    /// fewer is a `SystemError` (a tuple must not keep NULL slots). A
    /// negative `len` gets `PyTuple_New`'s own `SystemError` (what C code
    /// passing one gets).
    #[inline]
    pub fn build<'py>(
        py: Python<'py>,
        len: isize,
        fill: impl FnOnce(&mut TupleWriter<'py>) -> PyResult<()>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // SAFETY: attached; a new tuple of NULL slots or null with an error;
        // on error it is released with its NULL slots, which tuple
        // deallocation accepts.
        let tuple = unsafe { Bound::<PyTuple>::from_owned_ptr_or_err(py, ffi::PyTuple_New(len))? };
        let len = len as usize;
        let mut w = TupleWriter { tuple, len, filled: 0 };
        fill(&mut w)?;
        if w.filled != len {
            return Err(crate::err::exceptions::SystemError::raise(py, "tuple built with a wrong number of items"));
        }
        Ok(w.tuple)
    }
}
