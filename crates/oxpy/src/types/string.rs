use pyo3_ffi as ffi;

use crate::{Borrowed, Bound, PyResult, Python, Raised};

marker! {
    /// `str`
    PyStr, PyUnicode_Check
}

impl PyStr {
    /// A new `str` from UTF-8 text.
    pub fn new<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyStr>> {
        // SAFETY: attached; `s` is valid UTF-8 of the given length (which fits
        // isize, as every Rust allocation does).
        unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyUnicode_FromStringAndSize(s.as_ptr().cast(), s.len() as ffi::Py_ssize_t),
            )
        }
    }
}

impl PyStr {
    /// Whether `obj` is exactly a str (`PyUnicode_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, crate::types::PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyUnicode_CheckExact(obj.as_ptr()) != 0 }
    }

    /// An interned `str` (`PyUnicode_InternFromString`), for names looked
    /// up often.
    pub fn interned<'py>(py: Python<'py>, s: &std::ffi::CStr) -> PyResult<Bound<'py, PyStr>> {
        // SAFETY: attached; nul-terminated UTF-8; new reference or null.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_InternFromString(s.as_ptr())) }
    }

    /// `bytes.decode('utf-8')` (strict: CPython's `UnicodeDecodeError`).
    pub fn decode_utf8<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyStr>> {
        // SAFETY: attached; pointer and length describe `bytes`; new
        // reference or null with an error.
        unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyUnicode_DecodeUTF8(bytes.as_ptr().cast(), bytes.len() as ffi::Py_ssize_t, std::ptr::null()),
            )
        }
    }
}

impl<'py> Borrowed<'_, 'py, PyStr> {
    /// `s.encode('ascii')` (strict: CPython's `UnicodeEncodeError`).
    pub fn encode_ascii(self) -> PyResult<Bound<'py, crate::types::PyBytes>> {
        // SAFETY: attached, live str; new reference or null with an error.
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyUnicode_AsASCIIString(self.as_ptr())) }
    }
}

/// A `str`'s characters in its own storage width (PEP 393).
#[derive(Clone, Copy, Debug)]
pub enum StrData<'a> {
    /// Latin-1 (`PyUnicode_1BYTE_KIND`).
    Ucs1(&'a [u8]),
    /// `PyUnicode_2BYTE_KIND`.
    Ucs2(&'a [u16]),
    /// `PyUnicode_4BYTE_KIND`.
    Ucs4(&'a [u32]),
}

impl PyStr {
    /// A `str` from characters of one width (`PyUnicode_FromKindAndData`,
    /// which stores them in the narrowest width that holds them).
    pub fn from_data<'py>(py: Python<'py>, data: StrData<'_>) -> PyResult<Bound<'py, PyStr>> {
        let (kind, ptr, len) = match data {
            StrData::Ucs1(s) => (ffi::PyUnicode_1BYTE_KIND, s.as_ptr().cast::<std::ffi::c_void>(), s.len()),
            StrData::Ucs2(s) => (ffi::PyUnicode_2BYTE_KIND, s.as_ptr().cast(), s.len()),
            StrData::Ucs4(s) => (ffi::PyUnicode_4BYTE_KIND, s.as_ptr().cast(), s.len()),
        };
        // SAFETY: attached; `ptr` points to `len` units of the given kind
        // (any code point up to 0x10FFFF is accepted by CPython, and larger
        // UCS-4 values raise ValueError); new reference or null with an error.
        unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyUnicode_FromKindAndData(kind as std::ffi::c_int, ptr, len as ffi::Py_ssize_t),
            )
        }
    }
}

impl<'a, 'py> Borrowed<'a, 'py, PyStr> {
    /// The characters in the string's own width (no copy).
    #[inline]
    pub fn data(self) -> PyResult<StrData<'a>> {
        let p = self.as_ptr();
        // SAFETY: attached, live str, immutable for 'a; once ready
        // (PyUnicode_READY, a no-op since 3.12) its data holds `length`
        // units of its kind.
        unsafe {
            if ffi::PyUnicode_READY(p) != 0 {
                return Err(Raised::already_set());
            }
            let len = ffi::PyUnicode_GET_LENGTH(p) as usize;
            let data = ffi::PyUnicode_DATA(p);
            Ok(match ffi::PyUnicode_KIND(p) {
                ffi::PyUnicode_1BYTE_KIND => StrData::Ucs1(std::slice::from_raw_parts(data.cast(), len)),
                ffi::PyUnicode_2BYTE_KIND => StrData::Ucs2(std::slice::from_raw_parts(data.cast(), len)),
                _ => StrData::Ucs4(std::slice::from_raw_parts(data.cast(), len)),
            })
        }
    }

    /// The characters as bytes when the string is pure ASCII (the compact
    /// ASCII representation, no copy); `Ok(None)` otherwise.
    #[inline]
    pub fn as_ascii(self) -> PyResult<Option<&'a [u8]>> {
        let p = self.as_ptr();
        // PyUnicode_READY (a no-op since 3.12) builds the canonical
        // representation of a legacy 3.11 string. An ASCII str then stores
        // its `length` characters as one byte each at PyUnicode_DATA.
        // SAFETY: attached, live str, immutable for 'a (see above).
        unsafe {
            if ffi::PyUnicode_READY(p) != 0 {
                return Err(Raised::already_set());
            }
            if ffi::PyUnicode_IS_ASCII(p) == 0 {
                return Ok(None);
            }
            let len = ffi::PyUnicode_GET_LENGTH(p) as usize;
            Ok(Some(std::slice::from_raw_parts(ffi::PyUnicode_DATA(p).cast::<u8>(), len)))
        }
    }

    /// `s[start:end]` of an ASCII-or-not str (`PyUnicode_Substring`: the
    /// str itself for the whole range, a copy without a new scan for the
    /// widest character when `s` is ASCII). Fails with IndexError out of
    /// range.
    pub fn substring(self, start: usize, end: usize) -> PyResult<Bound<'py, PyStr>> {
        let (Ok(start), Ok(end)) = (ffi::Py_ssize_t::try_from(start), ffi::Py_ssize_t::try_from(end)) else {
            return Err(crate::err::exceptions::IndexError::raise(self.py(), "string index out of range"));
        };
        // SAFETY: attached, live str; a new reference or null with an error
        // (negative or reversed bounds are refused by CPython).
        unsafe { Bound::from_owned_ptr_or_err(self.py(), ffi::PyUnicode_Substring(self.as_ptr(), start, end)) }
    }

    /// The first code point, read as C's unchecked `PyUnicode_READ_CHAR(s,
    /// 0)` does: 0 (the terminating NUL) for an empty string.
    pub fn first_char(self) -> PyResult<u32> {
        let p = self.as_ptr();
        // SAFETY: attached, live str; once ready (PyUnicode_READY, a no-op
        // since 3.12), its length is known and index 0 is in range when it
        // is non-zero.
        unsafe {
            if ffi::PyUnicode_READY(p) != 0 {
                return Err(Raised::already_set());
            }
            if ffi::PyUnicode_GET_LENGTH(p) == 0 {
                return Ok(0);
            }
            Ok(ffi::PyUnicode_ReadChar(p, 0))
        }
    }

    /// The text as UTF-8 (cached by CPython). Fails (`UnicodeEncodeError`)
    /// on lone surrogates.
    pub fn to_str(self) -> PyResult<&'a str> {
        let mut len: ffi::Py_ssize_t = 0;
        // SAFETY: attached, live str; the UTF-8 buffer is cached in the
        // object and lives as long as it ('a).
        unsafe {
            let p = ffi::PyUnicode_AsUTF8AndSize(self.as_ptr(), &mut len);
            if p.is_null() {
                return Err(Raised::already_set());
            }
            let bytes = std::slice::from_raw_parts(p.cast::<u8>(), len as usize);
            // CPython guarantees valid UTF-8 here.
            Ok(std::str::from_utf8_unchecked(bytes))
        }
    }
}
