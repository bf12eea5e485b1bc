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

impl PyTuple {
    /// A tuple of `len` items made by `item(i)` in order; an error stops it.
    pub fn new_with<'py>(
        py: Python<'py>,
        len: usize,
        mut item: impl FnMut(usize) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // SAFETY: attached; PyTuple_New gives a new tuple of NULL slots (or
        // null with an error), each filled once with a new reference; on
        // error the tuple is released with its remaining NULL slots, which
        // tuple deallocation accepts.
        unsafe {
            let tuple = Bound::<PyTuple>::from_owned_ptr_or_err(py, ffi::PyTuple_New(len as ffi::Py_ssize_t))?;
            for i in 0..len {
                ffi::PyTuple_SET_ITEM(tuple.as_ptr(), i as ffi::Py_ssize_t, item(i)?.into_ptr());
            }
            Ok(tuple)
        }
    }
}
