use std::ffi::CStr;
use std::ptr::NonNull;

use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Python};

marker! {
    /// `type`
    PyType, PyType_Check
}

impl PyType {
    /// Borrows a type object that lives for the whole interpreter.
    ///
    /// # Safety
    /// `ptr` is a static type object (a built-in class).
    #[inline]
    pub(crate) unsafe fn from_static<'py>(py: Python<'py>, ptr: *mut ffi::PyObject) -> Borrowed<'static, 'py, PyType> {
        // SAFETY: forwarded to the caller; static types are never null.
        unsafe { Borrowed::from_ptr(py, NonNull::new_unchecked(ptr)) }
    }

    /// Creates a new exception class, as `PyErr_NewExceptionWithDoc`.
    /// `qualified_name` is `"module.Name"`; `base` defaults to `Exception`.
    pub fn new_exception<'py>(
        py: Python<'py>,
        qualified_name: &CStr,
        doc: Option<&CStr>,
        base: Option<Borrowed<'_, 'py, PyType>>,
    ) -> PyResult<Bound<'py, PyType>> {
        let base = base.map_or(std::ptr::null_mut(), |b| b.as_ptr());
        let doc = doc.map_or(std::ptr::null(), |d| d.as_ptr());
        // SAFETY: attached; the strings are nul-terminated; `base` is null or
        // a live class; the result is a new reference or null with an error.
        unsafe {
            let ty = ffi::PyErr_NewExceptionWithDoc(qualified_name.as_ptr(), doc, base, std::ptr::null_mut());
            Bound::from_owned_ptr_or_err(py, ty)
        }
    }
}

impl PyType {
    /// `float` (the built-in class).
    pub fn float_type(py: Python<'_>) -> Borrowed<'static, '_, PyType> {
        // SAFETY: PyFloat_Type is a static type object.
        unsafe { Self::from_static(py, std::ptr::addr_of_mut!(ffi::PyFloat_Type).cast()) }
    }

    /// `int` (the built-in class).
    pub fn int_type(py: Python<'_>) -> Borrowed<'static, '_, PyType> {
        // SAFETY: PyLong_Type is a static type object.
        unsafe { Self::from_static(py, std::ptr::addr_of_mut!(ffi::PyLong_Type).cast()) }
    }

    /// A subclass of `base` made from a spec without slots
    /// (`PyType_FromModuleAndSpec`, subclassable): how some C modules make
    /// their exception (its `__module__` from `name`, no `__doc__`, no
    /// `__weakref__` of its own, the module reachable from the class).
    pub fn new_exception_from_spec<'py>(
        module: Borrowed<'_, 'py, super::PyModule>,
        name: &'static CStr,
        base: Borrowed<'_, 'py, PyType>,
    ) -> PyResult<Bound<'py, PyType>> {
        let mut slots = [ffi::PyType_Slot { slot: 0, pfunc: std::ptr::null_mut() }];
        let mut spec = ffi::PyType_Spec {
            name: name.as_ptr(),
            basicsize: 0,
            itemsize: 0,
            flags: (ffi::Py_TPFLAGS_DEFAULT | ffi::Py_TPFLAGS_BASETYPE) as std::ffi::c_uint,
            slots: slots.as_mut_ptr(),
        };
        // Attached; the spec is valid for the call (CPython copies the
        // slots; the name is static, as the type keeps pointing to it);
        // `base` is a live class (a single base, given as itself).
        // SAFETY: as said above; new reference or null with an error.
        unsafe {
            let ty = ffi::PyType_FromModuleAndSpec(module.as_ptr(), &mut spec, base.as_ptr());
            Bound::from_owned_ptr_or_err(module.py(), ty)
        }
    }
}

impl<'a> Borrowed<'a, '_, PyType> {
    /// `tp_name`, as C error messages print it (`Py_TYPE(o)->tp_name`).
    pub fn name(self) -> &'a str {
        // SAFETY: a live type's tp_name is a nul-terminated string that lives
        // as long as the type.
        let name = unsafe { CStr::from_ptr((*self.as_ptr().cast::<ffi::PyTypeObject>()).tp_name) };
        name.to_str().unwrap_or("?")
    }

    /// `tp_basicsize`: the instance size without items.
    pub fn basicsize(self) -> isize {
        // SAFETY: a live type object.
        unsafe { (*self.as_ptr().cast::<ffi::PyTypeObject>()).tp_basicsize }
    }

    /// The name without the module (C's `_PyType_Name`).
    pub fn short_name(self) -> &'a str {
        let name = self.name();
        name.rsplit('.').next().unwrap_or(name)
    }

    /// Whether `obj`'s type is exactly this type.
    pub fn is_exact_type_of(self, obj: Borrowed<'_, '_, PyAny>) -> bool {
        obj.get_type().as_ptr() == self.as_ptr()
    }
}
