use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Python, Raised};

marker! {
    /// `list`
    PyList, PyList_Check
}

impl PyList {
    /// Whether `obj` is exactly a list (`PyList_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyList_CheckExact(obj.as_ptr()) != 0 }
    }

    /// A new empty list.
    pub fn new(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
        // SAFETY: attached; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyList_New(0)) }
    }
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

impl<'a, 'py> Borrowed<'a, 'py, PyList> {
    /// `list.sort()` (`PyList_Sort`).
    pub fn sort(self) -> PyResult<()> {
        // SAFETY: attached, live list.
        match unsafe { ffi::PyList_Sort(self.as_ptr()) } {
            0 => Ok(()),
            _ => Err(Raised::already_set()),
        }
    }

    /// `list[i] < list[j]` (`PyObject_RichCompareBool`), holding a reference
    /// to both items during the comparison (which may run code that changes
    /// the list). `IndexError` when either index is out of range.
    #[inline(always)]
    pub fn item_lt(self, i: usize, j: usize) -> PyResult<bool> {
        let len = self.len();
        if i >= len || j >= len {
            return Err(crate::err::exceptions::IndexError::raise(self.py(), "list index out of range"));
        }
        // SAFETY: attached; both slots are in range and hold live objects,
        // which we keep alive with our own references around the call.
        unsafe {
            let items = (*self.as_ptr().cast::<ffi::PyListObject>()).ob_item;
            let (a, b) = (*items.add(i), *items.add(j));
            if let Some(r) = super::any::exact_number_lt(a, b) {
                return Ok(r);
            }
            ffi::Py_INCREF(a);
            ffi::Py_INCREF(b);
            let r = ffi::PyObject_RichCompareBool(a, b, ffi::Py_LT);
            crate::instance::decref(a);
            crate::instance::decref(b);
            match r {
                -1 => Err(Raised::already_set()),
                v => Ok(v != 0),
            }
        }
    }

    /// Swaps items `i` and `j` (no reference count changes), as C code does
    /// on `ob_item`. `false` (and nothing done) when either is out of range.
    #[inline(always)]
    pub fn swap(self, i: usize, j: usize) -> bool {
        let len = self.len();
        if i >= len || j >= len {
            return false;
        }
        // SAFETY: attached; both slots are in range and hold live objects;
        // exchanging the two pointers keeps every reference owned once.
        unsafe {
            let items = (*self.as_ptr().cast::<ffi::PyListObject>()).ob_item;
            std::ptr::swap(items.add(i), items.add(j));
        }
        true
    }

    /// Puts `item` in slot `index` and returns the item it held; `Err(item)`
    /// when `index` is out of range.
    #[inline]
    pub fn replace(self, index: usize, item: Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>, Bound<'py, PyAny>> {
        if index >= self.len() {
            return Err(item);
        }
        // SAFETY: attached; the slot is in range and owns a live object (a
        // null slot, possible only in a list under construction, is left
        // alone), whose reference we take over; the list takes over `item`'s.
        unsafe {
            let slot = (*self.as_ptr().cast::<ffi::PyListObject>()).ob_item.add(index);
            match Bound::from_owned_ptr_or_none(self.py(), *slot) {
                Some(old) => {
                    *slot = item.into_ptr();
                    Ok(old)
                }
                None => Err(item),
            }
        }
    }

    /// `list.append(item)` (`PyList_Append`).
    pub fn append(self, item: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        // SAFETY: attached; live list and item; the list takes its own
        // reference.
        match unsafe { ffi::PyList_Append(self.as_ptr(), item.as_ptr()) } {
            0 => Ok(()),
            _ => Err(Raised::already_set()),
        }
    }

    /// Removes and returns the last item (`del list[-1]`, as
    /// `PyList_SetSlice(list, n-1, n, NULL)`); `None` when empty.
    pub fn pop_last(self) -> PyResult<Option<Bound<'py, PyAny>>> {
        let n = self.len();
        let Some(last) = n.checked_sub(1).and_then(|i| self.get(i)) else { return Ok(None) };
        // SAFETY: attached; a live list; deleting a slice releases the
        // list's reference, and we hold our own (`last`).
        match unsafe { ffi::PyList_SetSlice(self.as_ptr(), n as isize - 1, n as isize, std::ptr::null_mut()) } {
            0 => Ok(Some(last)),
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
