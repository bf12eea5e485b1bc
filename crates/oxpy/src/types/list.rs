use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Raised};

marker! {
    /// `list`
    PyList, PyList_Check
}

impl<'a, 'py> Borrowed<'a, 'py, PyList> {
    /// `len(list)` (`PyList_GET_SIZE`).
    #[inline]
    pub fn len(self) -> usize {
        // SAFETY: attached; a live list. Sizes are never negative.
        unsafe { ffi::PyList_GET_SIZE(self.as_ptr()) as usize }
    }

    /// Whether the list is empty.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Item `index` as a new reference, `None` when out of range. The
    /// reference is owned: code run later (comparisons) may change the list.
    #[inline]
    pub fn get(self, index: usize) -> Option<Bound<'py, PyAny>> {
        if index >= self.len() {
            return None;
        }
        // SAFETY: attached; index < size, so the slot holds a live object,
        // which we take a new reference to before anything can run.
        unsafe {
            let item = ffi::PyList_GET_ITEM(self.as_ptr(), index as ffi::Py_ssize_t);
            ffi::Py_INCREF(item);
            Bound::from_owned_ptr_or_err(self.py(), item).ok()
        }
    }

    /// `list.insert(index, item)` (`PyList_Insert`).
    pub fn insert(self, index: isize, item: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        // SAFETY: attached; live list and item; PyList_Insert takes its own
        // reference.
        match unsafe { ffi::PyList_Insert(self.as_ptr(), index, item.as_ptr()) } {
            0 => Ok(()),
            _ => Err(Raised::already_set()),
        }
    }
}

impl PyList {
    /// Whether `obj` is exactly a `list` (`PyList_CheckExact`).
    #[inline]
    pub fn is_exact_type_of(obj: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyList_CheckExact(obj.as_ptr()) != 0 }
    }
}
