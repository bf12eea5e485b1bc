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

/// Copies `src` to `dst` (which has room for it): up to 16 bytes by two
/// overlapping moves, as a call to `memcpy` costs more than such a copy.
///
/// # Safety
/// `dst` is valid for `src.len()` bytes of writes, not overlapping `src`.
#[inline(always)]
unsafe fn copy_short(src: &[u8], dst: *mut u8) {
    let n = src.len();
    let s = src.as_ptr();
    // SAFETY: every read is within `src` and every write within the
    // `n` bytes at `dst` (the caller's guarantee).
    unsafe {
        match n {
            0..4 => {
                for i in 0..n {
                    *dst.add(i) = *s.add(i);
                }
            }
            4..8 => {
                dst.cast::<u32>().write_unaligned(s.cast::<u32>().read_unaligned());
                dst.add(n - 4).cast::<u32>().write_unaligned(s.add(n - 4).cast::<u32>().read_unaligned());
            }
            8..=16 => {
                dst.cast::<u64>().write_unaligned(s.cast::<u64>().read_unaligned());
                dst.add(n - 8).cast::<u64>().write_unaligned(s.add(n - 8).cast::<u64>().read_unaligned());
            }
            _ => std::ptr::copy_nonoverlapping(s, dst, n),
        }
    }
}

impl PyStr {
    /// A new ASCII `str` of `len` characters written in place by `fill`
    /// into a zeroed buffer, as C fills a `PyUnicode_New(len, 127)`: no
    /// intermediate buffer. A byte above 127 left in it is a `SystemError`
    /// (the `str` would be invalid).
    #[inline]
    pub fn new_ascii<'py>(py: Python<'py>, len: usize, fill: impl FnOnce(&mut [u8])) -> PyResult<Bound<'py, PyStr>> {
        let Ok(size) = ffi::Py_ssize_t::try_from(len) else {
            return Err(crate::err::exceptions::MemoryError::raise_empty(py));
        };
        // SAFETY: attached; a new reference or null with an error.
        let obj: Bound<'py, PyStr> = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_New(size, 127))? };
        // SAFETY: a new compact ASCII str, not yet shared: its data is
        // `len` writable bytes (and a NUL), zeroed before being viewed as
        // initialised.
        let buf = unsafe {
            let data = ffi::PyUnicode_DATA(obj.as_ptr()).cast::<u8>();
            data.write_bytes(0, len);
            std::slice::from_raw_parts_mut(data, len)
        };
        fill(buf);
        if !buf.is_ascii() {
            return Err(crate::err::exceptions::SystemError::raise(py, "new_ascii: a character above 127"));
        }
        Ok(obj)
    }

    /// A new ASCII `str` of the concatenated `parts` (no intermediate
    /// buffer). A byte above 127 in them is a `SystemError`.
    #[inline]
    pub fn from_ascii_parts<'py>(py: Python<'py>, parts: &[&[u8]]) -> PyResult<Bound<'py, PyStr>> {
        if !parts.iter().all(|p| p.is_ascii()) {
            return Err(crate::err::exceptions::SystemError::raise(py, "from_ascii_parts: a character above 127"));
        }
        let len = parts.iter().fold(0usize, |n, p| n.saturating_add(p.len()));
        let Ok(size) = ffi::Py_ssize_t::try_from(len) else {
            return Err(crate::err::exceptions::MemoryError::raise_empty(py));
        };
        // SAFETY: attached; a new reference or null with an error.
        let obj: Bound<'py, PyStr> = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_New(size, 127))? };
        // SAFETY: a new compact ASCII str, not yet shared: its data is `len`
        // writable bytes (and a NUL), which the ASCII parts, `len` bytes in
        // all, fill exactly.
        unsafe {
            let mut dst = ffi::PyUnicode_DATA(obj.as_ptr()).cast::<u8>();
            for p in parts {
                copy_short(p, dst);
                dst = dst.add(p.len());
            }
        }
        Ok(obj)
    }

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
