//! Typed markers for Python object kinds, used as the `T` of the handles.
//!
//! Markers are never instantiated; a handle's `T` only selects methods.

use pyo3_ffi as ffi;

/// Declares a marker type whose instances `ffi::$check` recognises.
macro_rules! marker {
    ($(#[$doc:meta])* $name:ident, $check:ident) => {
        $(#[$doc])*
        pub enum $name {}

        impl $crate::types::PyTypeInfo for $name {
            #[inline]
            unsafe fn is_type_of(obj: *mut pyo3_ffi::PyObject) -> bool {
                // SAFETY: forwarded to the caller (attached, live object).
                unsafe { pyo3_ffi::$check(obj) != 0 }
            }
        }
    };
}

pub(crate) mod any;
mod bytes;
mod dict;
mod float;
mod gc;
mod int;
mod list;
mod module;
mod string;
mod tuple;
mod typeobj;

pub use bytes::{PyByteArray, PyBytes};
pub use dict::PyDict;
pub use float::PyFloat;
pub use gc::GcContainer;
pub use int::{IntValue, PyInt};
pub use list::PyList;
pub use module::PyModule;
pub use string::{PyStr, StrData};
pub use tuple::{PyTuple, TupleWriter};
pub use typeobj::PyType;

/// A marker whose instances can be recognised with a C-level type check.
pub trait PyTypeInfo {
    /// `PyXxx_Check(obj)` (subclasses included).
    ///
    /// # Safety
    /// Attached, and `obj` is a live object.
    unsafe fn is_type_of(obj: *mut ffi::PyObject) -> bool;
}

/// Any Python object.
pub enum PyAny {}

impl PyTypeInfo for PyAny {
    #[inline]
    unsafe fn is_type_of(_obj: *mut ffi::PyObject) -> bool {
        true
    }
}
