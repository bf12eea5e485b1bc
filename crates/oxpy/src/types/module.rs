use std::ffi::CStr;

use pyo3_ffi as ffi;

use super::PyAny;
use crate::err::exceptions::SystemError;
use crate::module::{DefinedBy, ModuleState};
use crate::{Borrowed, Bound, PyResult, Raised};

marker! {
    /// `module`
    PyModule, PyModule_Check
}

impl PyModule {
    /// `import name` (`PyImport_ImportModule`; a dotted name gives the
    /// submodule).
    pub fn import<'py>(py: crate::Python<'py>, name: &std::ffi::CStr) -> PyResult<Bound<'py, PyModule>> {
        // SAFETY: attached; nul-terminated name; new reference or null.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyImport_ImportModule(name.as_ptr())) }
    }
}

impl PyModule {
    /// `sys.modules.get(name)` (`PyImport_GetModule`: no import).
    pub fn imported<'py>(py: crate::Python<'py>, name: &std::ffi::CStr) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached; the name str is a new reference released here;
        // the result is a new reference, or null with or without an error.
        unsafe {
            let name = Bound::<PyAny>::from_owned_ptr_or_err(py, ffi::PyUnicode_FromString(name.as_ptr()))?;
            let m = ffi::PyImport_GetModule(name.as_ptr());
            if m.is_null() {
                return if crate::Raised::is_set(py) { Err(crate::Raised::already_set()) } else { Ok(None) };
            }
            Ok(Bound::from_owned_ptr_or_none(py, m))
        }
    }
}

impl<'a, 'py> Borrowed<'a, 'py, PyModule> {
    /// Sets a module attribute (`PyModule_AddObjectRef`).
    pub fn add(self, name: &CStr, value: &Bound<'py, PyAny>) -> PyResult<()> {
        // SAFETY: attached; live module and value; nul-terminated name. The
        // call takes its own reference.
        match unsafe { ffi::PyModule_AddObjectRef(self.as_ptr(), name.as_ptr(), value.as_ptr()) } {
            0 => Ok(()),
            _ => Err(Raised::already_set()),
        }
    }

    /// The module's typed state. `SystemError` when the module is not one of
    /// `S`'s definition or its state is gone (cleared by the GC).
    #[inline]
    pub fn state<S: ModuleState + DefinedBy>(self) -> PyResult<&'a S> {
        let p = self.as_ptr();
        // A module created from S's definition stores a `*mut S` (or null)
        // in its state block (see `crate::module`); we check the definition
        // before reading it. The boxed state lives until m_clear/m_free,
        // which only run once the module is unreachable, i.e. after every
        // borrow of it ('a) ended.
        // SAFETY: attached, live module, layout checked as said above.
        unsafe {
            if ffi::PyModule_GetDef(p) != S::DEF.as_ptr() {
                ffi::PyErr_Clear();
                return Err(SystemError::raise(self.py(), "module state requested from a foreign module"));
            }
            let slot = ffi::PyModule_GetState(p).cast::<*mut S>();
            match slot.as_ref().and_then(|s| s.as_ref()) {
                Some(state) => Ok(state),
                None => Err(SystemError::raise(self.py(), "module state is not initialised")),
            }
        }
    }
}
