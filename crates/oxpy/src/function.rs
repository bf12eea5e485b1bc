//! Module-level functions: `PyMethodDef`s and the C entry trampolines.
//!
//! `#[oxpy::function]` generates, for a Rust function `f`, a type `f`
//! implementing [`Function`]: its `DEF` picks the same calling convention as
//! Argument Clinic would for the signature (`METH_NOARGS`, `METH_O`,
//! `METH_FASTCALL`, `METH_FASTCALL | METH_KEYWORDS`), so CPython itself
//! produces the same call errors as for the C function; `call` parses the
//! arguments (see [`crate::args`]) and runs `f`.

use std::ffi::c_int;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use pyo3_ffi as ffi;

use crate::types::{PyAny, PyBytes, PyInt, PyModule, PyTuple};
use crate::{Borrowed, Bound, PyResult, Python};

/// The arguments of one call, borrowed from the caller's vector (no copy).
#[derive(Clone, Copy)]
pub struct CallArgs<'a, 'py> {
    /// Positional arguments.
    pub positional: &'a [Borrowed<'a, 'py, PyAny>],
    /// Keyword argument values, in the order of `kwnames`.
    pub kwvalues: &'a [Borrowed<'a, 'py, PyAny>],
    /// Keyword names (a tuple of str), if any keyword was passed.
    pub kwnames: Option<Borrowed<'a, 'py, PyTuple>>,
}

/// A function exposed to Python; implemented by `#[oxpy::function]`.
pub trait Function {
    /// The method definition (name, flags, trampoline, docstring).
    const DEF: MethodDef;

    /// Parses `args`, runs the function, converts the result.
    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>>;
}

/// A `PyMethodDef` under construction (const).
#[derive(Clone, Copy)]
pub struct MethodDef(ffi::PyMethodDef);

impl MethodDef {
    /// The table terminator.
    pub const SENTINEL: MethodDef = MethodDef(ffi::PyMethodDef::zeroed());

    pub(crate) const fn is_sentinel(&self) -> bool {
        self.0.ml_name.is_null()
    }

    pub(crate) const fn raw(&self) -> ffi::PyMethodDef {
        self.0
    }

    pub(crate) const fn new(
        name: &'static str,
        doc: &'static str,
        meth: ffi::PyMethodDefPointer,
        flags: c_int,
    ) -> Self {
        let (n, d) = (name.as_bytes(), doc.as_bytes());
        assert!(n[n.len() - 1] == 0 && d[d.len() - 1] == 0, "name and doc must be nul-terminated");
        MethodDef(ffi::PyMethodDef {
            ml_name: name.as_ptr().cast(),
            ml_meth: meth,
            ml_flags: flags,
            ml_doc: doc.as_ptr().cast(),
        })
    }

    /// `METH_NOARGS`
    pub const fn noargs<F: Function>(name: &'static str, doc: &'static str) -> Self {
        Self::new(name, doc, ffi::PyMethodDefPointer { PyCFunction: noargs_trampoline::<F> }, ffi::METH_NOARGS)
    }

    /// `METH_O`
    pub const fn o<F: Function>(name: &'static str, doc: &'static str) -> Self {
        Self::new(name, doc, ffi::PyMethodDefPointer { PyCFunction: o_trampoline::<F> }, ffi::METH_O)
    }

    /// `METH_FASTCALL`
    pub const fn fastcall<F: Function>(name: &'static str, doc: &'static str) -> Self {
        Self::new(name, doc, ffi::PyMethodDefPointer { PyCFunctionFast: fastcall_trampoline::<F> }, ffi::METH_FASTCALL)
    }

    /// `METH_FASTCALL | METH_KEYWORDS`
    pub const fn fastcall_kw<F: Function>(name: &'static str, doc: &'static str) -> Self {
        Self::new(
            name,
            doc,
            ffi::PyMethodDefPointer { PyCFunctionFastWithKeywords: fastcall_kw_trampoline::<F> },
            ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        )
    }
}

/// A module function in C's `METH_VARARGS | METH_KEYWORDS` convention: the
/// positional arguments as a tuple and the keywords as a dict (for C
/// functions that parse with `PyArg_UnpackTuple` and pass the keywords on).
pub trait VarargsFunction {
    /// The method definition.
    const DEF: MethodDef;

    /// Runs the function.
    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, crate::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>>;
}

impl MethodDef {
    /// `METH_VARARGS` (CPython refuses keywords; `kwargs` is `None`).
    pub const fn varargs<F: VarargsFunction>(name: &'static str, doc: &'static str) -> Self {
        Self::new(name, doc, ffi::PyMethodDefPointer { PyCFunction: varargs_trampoline::<F> }, ffi::METH_VARARGS)
    }

    /// `METH_VARARGS | METH_KEYWORDS`
    pub const fn varargs_kw<F: VarargsFunction>(name: &'static str, doc: &'static str) -> Self {
        Self::new(
            name,
            doc,
            ffi::PyMethodDefPointer { PyCFunctionWithKeywords: varargs_kw_trampoline::<F> },
            ffi::METH_VARARGS | ffi::METH_KEYWORDS,
        )
    }
}

unsafe extern "C" fn varargs_trampoline<F: VarargsFunction>(
    slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: as varargs_kw_trampoline, without keywords.
    unsafe { varargs_kw_trampoline::<F>(slf, args, std::ptr::null_mut()) }
}

unsafe extern "C" fn varargs_kw_trampoline<F: VarargsFunction>(
    slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    trampoline(|py| {
        // CPython calls METH_VARARGS functions attached with the module, a
        // tuple and a dict or null, alive for the call.
        // SAFETY: as said above.
        unsafe {
            let (Some(module), Some(args)) = (NonNull::new(slf), NonNull::new(args)) else {
                return Err(crate::err::exceptions::SystemError::raise(py, "bad call of a module function"));
            };
            let kwargs = NonNull::new(kwargs).map(|k| Borrowed::from_ptr(py, k));
            F::call(py, Borrowed::from_ptr(py, module), Borrowed::from_ptr(py, args), kwargs).map(Bound::into_ptr)
        }
    })
}

/// Runs `body` as the body of a C entry point returning an object: creates
/// the token, contains panics (as `SystemError`), and returns the new
/// reference or NULL with an exception set.
#[inline(always)]
pub(crate) fn trampoline(
    body: impl for<'py> FnOnce(Python<'py>) -> PyResult<*mut ffi::PyObject>,
) -> *mut ffi::PyObject {
    // SAFETY: only called from C entry points, which CPython calls attached.
    unsafe {
        Python::with_attached(|py| match catch_unwind(AssertUnwindSafe(|| body(py))) {
            Ok(Ok(obj)) => obj,
            // Without an exception set (Raised::without_exception) CPython
            // raises its SystemError, as for a C function doing the same.
            Ok(Err(_)) => std::ptr::null_mut(),
            Err(payload) => {
                let _ = crate::err::raise_panic(py, payload);
                std::ptr::null_mut()
            }
        })
    }
}

/// As [`trampoline`], for entry points returning a C int (0 / -1).
pub(crate) fn trampoline_int(body: impl for<'py> FnOnce(Python<'py>) -> PyResult<c_int>) -> c_int {
    // SAFETY: only called from C entry points (module slots), which CPython
    // calls attached.
    unsafe {
        Python::with_attached(|py| match catch_unwind(AssertUnwindSafe(|| body(py))) {
            Ok(Ok(v)) => v,
            Ok(Err(_)) => -1,
            Err(payload) => {
                let _ = crate::err::raise_panic(py, payload);
                -1
            }
        })
    }
}

/// The arguments of a vectorcall-convention call: `nargs` positional then
/// len(kwnames) keyword values at `args`.
///
/// # Safety
/// Attached; `args` points to that many live objects and `kwnames` is null
/// or a live tuple of str, all alive for `'a`.
#[inline(always)]
pub(crate) unsafe fn call_args<'a, 'py>(
    py: Python<'py>,
    args: *const *mut ffi::PyObject,
    nargs: usize,
    kwnames: *mut ffi::PyObject,
) -> CallArgs<'a, 'py> {
    // SAFETY: as the caller promised; `Borrowed` is a transparent non-null
    // pointer.
    unsafe {
        let kwnames = NonNull::new(kwnames).map(|k| Borrowed::<PyTuple>::from_ptr(py, k));
        let nkw = kwnames.map_or(0, |k| k.len());
        let all: &[Borrowed<'_, 'py, PyAny>] =
            if nargs + nkw == 0 { &[] } else { std::slice::from_raw_parts(args.cast(), nargs + nkw) };
        let (positional, kwvalues) = all.split_at(nargs);
        CallArgs { positional, kwvalues, kwnames }
    }
}

/// # Safety
/// Attached; `slf` is the module and `args` as for [`call_args`].
#[inline(always)]
unsafe fn call_with<'py, F: Function>(
    py: Python<'py>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: usize,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    let Some(module) = NonNull::new(slf) else {
        return Err(crate::err::exceptions::SystemError::raise(py, "module function called without its module"));
    };
    // SAFETY: CPython passes the module (m_self), alive for the call, and
    // the argument vector as `call_args` needs it.
    unsafe {
        let module = Borrowed::from_ptr(py, module);
        F::call(py, module, call_args(py, args, nargs, kwnames)).map(Bound::into_ptr)
    }
}

unsafe extern "C" fn noargs_trampoline<F: Function>(
    slf: *mut ffi::PyObject,
    _: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython (METH_NOARGS) attached, with the module.
    trampoline(|py| unsafe { call_with::<F>(py, slf, std::ptr::null(), 0, std::ptr::null_mut()) })
}

unsafe extern "C" fn o_trampoline<F: Function>(slf: *mut ffi::PyObject, arg: *mut ffi::PyObject) -> *mut ffi::PyObject {
    let args = [arg];
    // SAFETY: called by CPython (METH_O) attached, with the module and one
    // live argument.
    trampoline(|py| unsafe { call_with::<F>(py, slf, args.as_ptr(), 1, std::ptr::null_mut()) })
}

unsafe extern "C" fn fastcall_trampoline<F: Function>(
    slf: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython (METH_FASTCALL) attached: `nargs` live
    // arguments at `args`.
    trampoline(|py| unsafe { call_with::<F>(py, slf, args, nargs as usize, std::ptr::null_mut()) })
}

unsafe extern "C" fn fastcall_kw_trampoline<F: Function>(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython (METH_FASTCALL | METH_KEYWORDS) attached:
    // `nargs` positional then len(kwnames) keyword values at `args`.
    trampoline(|py| unsafe { call_with::<F>(py, slf, args, nargs as usize, kwnames) })
}

/// Conversion of a Rust function's result to a Python object.
pub trait IntoPyObject<'py> {
    /// Converts `self`.
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl<'py, T> IntoPyObject<'py> for Bound<'py, T> {
    #[inline]
    fn into_py_object(self, _py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.into_any())
    }
}

impl<'py> IntoPyObject<'py> for u32 {
    #[inline]
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyInt::from_u64(py, self.into()).map(Bound::into_any)
    }
}

impl<'py> IntoPyObject<'py> for i64 {
    #[inline]
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyInt::from_i64(py, self).map(Bound::into_any)
    }
}

impl<'py> IntoPyObject<'py> for isize {
    #[inline]
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyInt::from_i64(py, self as i64).map(Bound::into_any)
    }
}

impl<'py> IntoPyObject<'py> for &[u8] {
    #[inline]
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyBytes::new(py, self).map(Bound::into_any)
    }
}

impl<'py> IntoPyObject<'py> for bool {
    #[inline]
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached; PyBool_FromLong returns a new reference.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyBool_FromLong(self.into())) }
    }
}

impl<'py> IntoPyObject<'py> for () {
    #[inline]
    fn into_py_object(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached; None is immortal/static, we take a new reference.
        unsafe {
            let none = ffi::Py_None();
            ffi::Py_INCREF(none);
            Bound::from_owned_ptr_or_err(py, none)
        }
    }
}
