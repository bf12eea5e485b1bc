use pyo3_ffi as ffi;

use super::PyAny;
use crate::Borrowed;

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
