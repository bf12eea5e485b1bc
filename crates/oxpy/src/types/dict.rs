//! `dict` operations (keys and values are any objects, hashed and compared
//! as Python does, so these may run Python code).

use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Python, Raised};

marker! {
    /// `dict`
    PyDict, PyDict_Check
}

impl PyDict {
    /// Whether `obj` is exactly a dict (`PyDict_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyDict_CheckExact(obj.as_ptr()) != 0 }
    }

    /// A new empty dict.
    pub fn new(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        // SAFETY: attached; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyDict_New()) }
    }
}

impl<'py> Borrowed<'_, 'py, PyDict> {
    /// `d[key]` or `None` when missing (`PyDict_GetItemWithError`: hashing
    /// errors are raised).
    #[inline]
    pub fn get_item(self, key: Borrowed<'_, 'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live objects; the result is borrowed from the
        // dict (or null: missing, or an error), so it is increfed at once.
        unsafe {
            let v = ffi::PyDict_GetItemWithError(self.as_ptr(), key.as_ptr());
            if v.is_null() {
                return if Raised::is_set(self.py()) { Err(Raised::already_set()) } else { Ok(None) };
            }
            ffi::Py_INCREF(v);
            Ok(Bound::from_owned_ptr_or_none(self.py(), v))
        }
    }

    /// `d[key] = value`.
    pub fn set_item(self, key: Borrowed<'_, 'py, PyAny>, value: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        // SAFETY: attached, live objects.
        match unsafe { ffi::PyDict_SetItem(self.as_ptr(), key.as_ptr(), value.as_ptr()) } {
            0 => Ok(()),
            _ => Err(Raised::already_set()),
        }
    }

    /// `del d[key]` (`KeyError` when missing).
    pub fn del_item(self, key: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        // SAFETY: attached, live objects.
        match unsafe { ffi::PyDict_DelItem(self.as_ptr(), key.as_ptr()) } {
            0 => Ok(()),
            _ => Err(Raised::already_set()),
        }
    }

    /// `list(d)` (`PyDict_Keys`).
    pub fn keys(self) -> PyResult<Bound<'py, crate::types::PyList>> {
        // SAFETY: attached, live dict; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyDict_Keys(self.as_ptr())) }
    }

    /// `key in d` (`PyDict_Contains`).
    pub fn contains(self, key: Borrowed<'_, 'py, PyAny>) -> PyResult<bool> {
        // SAFETY: attached, live objects.
        match unsafe { ffi::PyDict_Contains(self.as_ptr(), key.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            v => Ok(v == 1),
        }
    }

    /// `d.setdefault(key, default)` (`PyDict_SetDefault`).
    pub fn setdefault(
        self,
        key: Borrowed<'_, 'py, PyAny>,
        default: Borrowed<'_, 'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live objects; a borrowed reference (increfed at
        // once) or null with an error.
        unsafe {
            let v = ffi::PyDict_SetDefault(self.as_ptr(), key.as_ptr(), default.as_ptr());
            if v.is_null() {
                return Err(Raised::already_set());
            }
            ffi::Py_INCREF(v);
            Bound::from_owned_ptr_or_err(self.py(), v)
        }
    }

    /// The item after position `pos` (`PyDict_Next`, which tolerates a dict
    /// changed between calls), advancing `pos`; `None` at the end.
    pub fn next_item(self, pos: &mut isize) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let (mut key, mut value) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: attached, live dict; borrowed references, increfed at once.
        unsafe {
            if ffi::PyDict_Next(self.as_ptr(), pos, &mut key, &mut value) == 0 {
                return None;
            }
            ffi::Py_INCREF(key);
            ffi::Py_INCREF(value);
            Some((Bound::from_owned_ptr_or_none(self.py(), key)?, Bound::from_owned_ptr_or_none(self.py(), value)?))
        }
    }

    /// Appends the items to `out`, as (key, value) references taken now (a
    /// snapshot, as `d.items()` copied to a list, without the tuples), in
    /// any collection (one that holds a few items inline saves an
    /// allocation per dict).
    pub fn items_snapshot_into<C>(self, out: &mut C)
    where
        C: Extend<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    {
        let (mut pos, mut key, mut value) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: attached, live dict; PyDict_Next yields borrowed references
        // (increfed at once) while nothing else runs.
        unsafe {
            while ffi::PyDict_Next(self.as_ptr(), &mut pos, &mut key, &mut value) != 0 {
                ffi::Py_INCREF(key);
                ffi::Py_INCREF(value);
                if let (Some(k), Some(v)) =
                    (Bound::from_owned_ptr_or_none(self.py(), key), Bound::from_owned_ptr_or_none(self.py(), value))
                {
                    out.extend(Some((k, v)));
                }
            }
        }
    }

    /// `len(d)`.
    pub fn len(self) -> usize {
        // SAFETY: attached, live dict.
        unsafe { ffi::PyDict_Size(self.as_ptr()) as usize }
    }

    /// Whether the dict is empty.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// `d.clear()`.
    pub fn clear(self) {
        // SAFETY: attached, live dict.
        unsafe { ffi::PyDict_Clear(self.as_ptr()) }
    }
}
