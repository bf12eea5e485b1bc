//! Operations on any object.

use std::ffi::CStr;

use pyo3_ffi as ffi;

use super::PyAny;
use crate::{Borrowed, Bound, PyResult, Raised};

impl<'py> Borrowed<'_, 'py, PyAny> {
    /// `bool(obj)` (`PyObject_IsTrue`).
    #[inline]
    pub fn is_truthy(self) -> PyResult<bool> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PyObject_IsTrue(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            v => Ok(v != 0),
        }
    }

    /// Whether the object is `True` (the singleton).
    #[inline]
    pub fn is_true(self) -> bool {
        // SAFETY: Py_True is a static object; only its address is used.
        self.as_ptr() == unsafe { ffi::Py_True() }
    }

    /// Whether the object is `False` (the singleton).
    #[inline]
    pub fn is_false(self) -> bool {
        // SAFETY: Py_False is a static object; only its address is used.
        self.as_ptr() == unsafe { ffi::Py_False() }
    }

    /// Whether the object is `None`.
    #[inline]
    pub fn is_none(self) -> bool {
        // SAFETY: Py_None is a static object; only its address is used.
        self.as_ptr() == unsafe { ffi::Py_None() }
    }

    /// Whether the object exports the buffer protocol
    /// (`PyObject_CheckBuffer`).
    #[inline]
    pub fn supports_buffer(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyObject_CheckBuffer(self.as_ptr()) != 0 }
    }

    /// `len(obj)` (`PyObject_Size`).
    #[inline]
    pub fn len(self) -> PyResult<usize> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PyObject_Size(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            n => Ok(n as usize),
        }
    }

    /// `len(obj)` through the sequence protocol (`PySequence_Size`: "dict is
    /// not a sequence" for mappings).
    #[inline]
    pub fn sequence_len(self) -> PyResult<isize> {
        // SAFETY: attached, live object.
        match unsafe { ffi::PySequence_Size(self.as_ptr()) } {
            -1 => Err(Raised::already_set()),
            n => Ok(n),
        }
    }

    /// `obj[index]` through the sequence protocol (`PySequence_GetItem`).
    #[inline]
    pub fn sequence_item(self, index: isize) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PySequence_GetItem(self.as_ptr(), index)) }
    }

    /// `self < other` as a truth value (`PyObject_RichCompareBool`, which
    /// takes identity as equality for `==` only).
    #[inline]
    pub fn lt(self, other: Borrowed<'_, 'py, PyAny>) -> PyResult<bool> {
        // SAFETY: attached, live objects.
        if let Some(r) = unsafe { exact_number_lt(self.as_ptr(), other.as_ptr()) } {
            return Ok(r);
        }
        // SAFETY: attached, live objects.
        match unsafe { ffi::PyObject_RichCompareBool(self.as_ptr(), other.as_ptr(), ffi::Py_LT) } {
            -1 => Err(Raised::already_set()),
            v => Ok(v != 0),
        }
    }

    /// `iter(obj)` (`PyObject_GetIter`).
    pub fn iter(self) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_GetIter(self.as_ptr())) }
    }

    /// `next(it)` on an iterator (`PyIter_Next`): `None` when exhausted
    /// without an error.
    pub fn next_item(self) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live iterator (PyIter_Next checks tp_iternext
        // and raises for non-iterators); new reference, or null with or
        // without an error.
        unsafe {
            let item = ffi::PyIter_Next(self.as_ptr());
            if item.is_null() {
                return if Raised::is_set(self.py()) { Err(Raised::already_set()) } else { Ok(None) };
            }
            Ok(Bound::from_owned_ptr_or_none(self.py(), item))
        }
    }

    /// `str(obj)`.
    pub fn str(self) -> PyResult<Bound<'py, crate::types::PyStr>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_Str(self.as_ptr())) }
    }

    /// `float(obj)` (`PyNumber_Float`).
    pub fn to_float(self) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyNumber_Float(self.as_ptr())) }
    }

    /// `PyNumber_Check`: it has `__index__`, `__int__` or `__float__` (or
    /// is a complex).
    pub fn is_number(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyNumber_Check(self.as_ptr()) != 0 }
    }

    /// `callable(obj)`.
    pub fn is_callable(self) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyCallable_Check(self.as_ptr()) != 0 }
    }

    /// `getattr(obj, name)`, `None` when it raises `AttributeError` (which
    /// is cleared); other errors are raised.
    pub fn getattr_opt(self, name: &CStr) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live object, nul-terminated name; new reference
        // or null with an error.
        unsafe {
            let v = ffi::PyObject_GetAttrString(self.as_ptr(), name.as_ptr());
            if !v.is_null() {
                return Ok(Bound::from_owned_ptr_or_none(self.py(), v));
            }
            if ffi::PyErr_ExceptionMatches(ffi::PyExc_AttributeError) != 0 {
                ffi::PyErr_Clear();
                return Ok(None);
            }
            Err(Raised::already_set())
        }
    }

    /// `getattr(obj, name)` for a `str` name (cheaper than a C string when
    /// the name is kept, e.g. interned in module state), `None` when it
    /// raises `AttributeError` (which is cleared).
    pub fn getattr_str_opt(self, name: Borrowed<'_, 'py, crate::types::PyStr>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // SAFETY: attached, live objects; new reference or null with an error.
        unsafe {
            let v = ffi::PyObject_GetAttr(self.as_ptr(), name.as_ptr());
            if !v.is_null() {
                return Ok(Bound::from_owned_ptr_or_none(self.py(), v));
            }
            if ffi::PyErr_ExceptionMatches(ffi::PyExc_AttributeError) != 0 {
                ffi::PyErr_Clear();
                return Ok(None);
            }
            Err(Raised::already_set())
        }
    }

    /// `getattr(obj, name)`.
    pub fn getattr(self, name: &CStr) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object, nul-terminated name; new reference
        // or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_GetAttrString(self.as_ptr(), name.as_ptr())) }
    }

    /// `int.__repr__(obj)` for an int or int subclass (C's
    /// `PyLong_Type.tp_repr`, ignoring a subclass's own `__repr__`).
    pub fn int_repr(self) -> PyResult<Bound<'py, crate::types::PyStr>> {
        // SAFETY: attached, live object; int's tp_repr accepts any int
        // (callers pass ints); new reference or null with an error.
        unsafe {
            let repr = (*std::ptr::addr_of!(ffi::PyLong_Type)).tp_repr.expect("int has tp_repr");
            Bound::from_owned_ptr_or_err(self.py(), repr(self.as_ptr()))
        }
    }

    /// `self + other` for strings (`PyUnicode_Concat`: "can only
    /// concatenate str ..." otherwise).
    pub fn concat(self, other: Borrowed<'_, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live objects; new reference or null.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyUnicode_Concat(self.as_ptr(), other.as_ptr())) }
    }

    /// `PyUnicode_Append(self, other)` on a new reference to `self` (its
    /// `SystemError` "bad argument to internal function" for non-str).
    pub fn unicode_append(self, other: Borrowed<'_, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live objects; PyUnicode_Append takes the new
        // reference we pass and leaves a new reference or null (with an
        // error) in its place.
        unsafe {
            let mut left = self.to_owned().into_ptr();
            ffi::PyUnicode_Append(&mut left, other.as_ptr());
            Bound::from_owned_ptr_or_err(self.py(), left)
        }
    }

    /// `PySequence_Fast(obj, msg)`: an exact list or tuple as itself, any
    /// other iterable as a new list (`TypeError(msg)` if not iterable).
    pub fn sequence_fast(self, msg: &CStr) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object, nul-terminated message; new
        // reference or null.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PySequence_Fast(self.as_ptr(), msg.as_ptr())) }
    }

    /// `self * count` for a sequence (`PySequence_Repeat`: "'int' object
    /// can't be repeated" otherwise).
    pub fn repeat(self, count: isize) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live object; new reference or null.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PySequence_Repeat(self.as_ptr(), count)) }
    }

    /// `self * other` (`PyNumber_Multiply`).
    pub fn multiply(self, other: Borrowed<'_, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live objects; new reference or null.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyNumber_Multiply(self.as_ptr(), other.as_ptr())) }
    }

    /// `dict(self).items()` as a list (`PyMapping_Items`: `.items()` for
    /// mappings other than exact dicts).
    pub fn mapping_items(self) -> PyResult<Bound<'py, crate::types::PyList>> {
        // SAFETY: attached, live object; a new list or null.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyMapping_Items(self.as_ptr())) }
    }

    /// `id(obj)` as an int (`PyLong_FromVoidPtr`).
    pub fn id_int(self) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached; only the address is used.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyLong_FromVoidPtr(self.as_ptr().cast())) }
    }

    /// `repr(obj)`.
    pub fn repr(self) -> PyResult<Bound<'py, crate::types::PyStr>> {
        // SAFETY: attached, live object; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_Repr(self.as_ptr())) }
    }

    /// `self(*args, **kwargs)` (`PyObject_VectorcallDict`).
    pub fn call(
        self,
        args: &[Borrowed<'_, 'py, PyAny>],
        kwargs: Option<Borrowed<'_, 'py, crate::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = kwargs.map_or(std::ptr::null_mut(), |k| k.as_ptr());
        // SAFETY: attached; live objects; `Borrowed` is a transparent object
        // pointer, so `args` is a vectorcall argument array; the dict is a
        // dict or null; new reference or null with an error.
        unsafe {
            Bound::from_owned_ptr_or_err(
                self.py(),
                ffi::PyObject_VectorcallDict(self.as_ptr(), args.as_ptr().cast(), args.len(), kwargs),
            )
        }
    }

    /// `self(arg)` (`PyObject_CallOneArg`).
    #[inline]
    pub fn call1(self, arg: Borrowed<'_, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached, live objects; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyObject_CallOneArg(self.as_ptr(), arg.as_ptr())) }
    }

    /// `self.name(*args)`: the attribute looked up as `getattr` does (its
    /// `AttributeError`), then called.
    pub fn call_method(self, name: &CStr, args: &[Borrowed<'_, 'py, PyAny>]) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: attached; live objects; `Borrowed` is a transparent object
        // pointer, so `args` is a vectorcall argument array; every result is
        // a new reference or null with an error.
        unsafe {
            let method = Bound::<PyAny>::from_owned_ptr_or_err(
                self.py(),
                ffi::PyObject_GetAttrString(self.as_ptr(), name.as_ptr()),
            )?;
            let result =
                ffi::PyObject_Vectorcall(method.as_ptr(), args.as_ptr().cast(), args.len(), std::ptr::null_mut());
            Bound::from_owned_ptr_or_err(self.py(), result)
        }
    }
}

/// `a < b` computed directly when both are exact floats or both exact
/// ints (what `PyObject_RichCompareBool` answers, without its dispatch:
/// comparing such objects runs no Python code, as in CPython's own sort);
/// `None` otherwise.
///
/// # Safety
/// Attached; `a` and `b` are live objects.
#[inline(always)]
pub(crate) unsafe fn exact_number_lt(a: *mut ffi::PyObject, b: *mut ffi::PyObject) -> Option<bool> {
    // SAFETY: attached, live objects of the exact types tested, whose
    // layouts are as read (PyFloatObject; an int as in `int_lt`).
    unsafe {
        let ty = ffi::Py_TYPE(a);
        if ty != ffi::Py_TYPE(b) {
            return None;
        }
        if ty == std::ptr::addr_of_mut!(ffi::PyFloat_Type) {
            return Some((*a.cast::<ffi::PyFloatObject>()).ob_fval < (*b.cast::<ffi::PyFloatObject>()).ob_fval);
        }
        if ty == std::ptr::addr_of_mut!(ffi::PyLong_Type) {
            return Some(int_lt(a, b));
        }
        None
    }
}

/// An int's digits as CPython stores them: after the header, a signed
/// digit count (3.11's `ob_size`) or a tagged count (3.12+'s `lv_tag`:
/// count << 3 | sign, sign 0 positive, 1 zero, 2 negative), then 30-bit
/// digits, least significant first (Include/cpython/longintrepr.h).
#[repr(C)]
struct LongRepr {
    ob_base: ffi::PyObject,
    size_or_tag: isize,
    digits: [u32; 1],
}

/// The signed digit count of an int (negative for negative values).
///
/// # Safety
/// `a` is a live exact int.
#[inline(always)]
unsafe fn signed_ndigits(a: *mut ffi::PyObject) -> isize {
    // SAFETY: forwarded; the field is initialised in every int.
    let v = unsafe { (*a.cast::<LongRepr>()).size_or_tag };
    if cfg!(Py_3_12) {
        let n = (v as usize >> 3) as isize;
        match v & 3 {
            0 => n,
            2 => -n,
            _ => 0,
        }
    } else {
        v
    }
}

/// The value of an int of at most one digit (magnitude below 2**30: the
/// ints CPython calls compact), read from its fields; `None` for larger.
///
/// # Safety
/// `a` is a live int (`PyLong_Check`: subclasses share the layout).
#[inline(always)]
pub(crate) unsafe fn compact_int_value(a: *mut ffi::PyObject) -> Option<i64> {
    // SAFETY: forwarded; a nonzero int holds |signed_ndigits| >= 1 digits
    // (zero's digit is not read).
    unsafe {
        let d = || i64::from((*a.cast::<LongRepr>()).digits[0]);
        match signed_ndigits(a) {
            0 => Some(0),
            1 => Some(d()),
            -1 => Some(-d()),
            _ => None,
        }
    }
}

/// `a < b` for two exact ints, as CPython's `long_compare`.
///
/// # Safety
/// `a` and `b` are live exact ints.
#[inline(always)]
unsafe fn int_lt(a: *mut ffi::PyObject, b: *mut ffi::PyObject) -> bool {
    // SAFETY: forwarded; an int holds |signed_ndigits| digits.
    unsafe {
        let (sa, sb) = (signed_ndigits(a), signed_ndigits(b));
        if sa != sb {
            return sa < sb;
        }
        let n = sa.unsigned_abs();
        let da = std::ptr::addr_of!((*a.cast::<LongRepr>()).digits).cast::<u32>();
        let db = std::ptr::addr_of!((*b.cast::<LongRepr>()).digits).cast::<u32>();
        for i in (0..n).rev() {
            let (x, y) = (*da.add(i), *db.add(i));
            if x != y {
                return (x < y) != (sa < 0);
            }
        }
        false
    }
}
