//! The cyclic garbage collector's view of the containers a module builds.
//!
//! A container the collector does not track is never traversed, and never
//! collected as part of a reference cycle: untracking one that Python code
//! can reach risks leaking a cycle (memory, not safety). A module that
//! builds a result no Python code can see yet may hide its finished parts
//! from the collections that run meanwhile, and track them when done.

use pyo3_ffi as ffi;

use super::{PyDict, PyList};
use crate::Borrowed;

/// The container types whose objects are always collector-aware (their
/// type has `Py_TPFLAGS_HAVE_GC`; a dict starts untracked, and CPython
/// tracks it when a container is stored in it).
pub trait GcContainer: super::PyTypeInfo + sealed::Sealed {}

impl GcContainer for PyList {}
impl GcContainer for PyDict {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::PyList {}
    impl Sealed for super::PyDict {}
}

impl<T: GcContainer> Borrowed<'_, '_, T> {
    /// Whether the collector tracks the object (`PyObject_GC_IsTracked`).
    #[inline]
    pub fn is_gc_tracked(self) -> bool {
        // SAFETY: attached; a live object.
        unsafe { ffi::PyObject_GC_IsTracked(self.as_ptr()) != 0 }
    }

    /// Stops the collector tracking the object (`PyObject_GC_UnTrack`; no
    /// effect when it is not tracked).
    #[inline]
    pub fn gc_untrack(self) {
        // SAFETY: attached; a live object of a GC type (`GcContainer`);
        // untracking an untracked object is allowed.
        unsafe { ffi::PyObject_GC_UnTrack(self.as_ptr().cast()) }
    }

    /// Has the collector track the object (`PyObject_GC_Track`) unless it
    /// does already (tracking twice is a fatal error).
    #[inline]
    pub fn gc_track(self) {
        if !self.is_gc_tracked() {
            // SAFETY: attached; a live, fully initialised object of a GC
            // type (`GcContainer`), not tracked (checked just above).
            unsafe { ffi::PyObject_GC_Track(self.as_ptr().cast()) }
        }
    }
}
