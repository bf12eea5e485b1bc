use std::mem::MaybeUninit;

use pyo3_ffi as ffi;

use crate::err::exceptions::OverflowError;
use crate::{Borrowed, Bound, PyResult, Python, Raised};

marker! {
    /// `bytes`
    PyBytes, PyBytes_Check
}

marker! {
    /// `bytearray` (its bytes are read through [`crate::buffer::Buffer`]).
    PyByteArray, PyByteArray_Check
}

unsafe extern "C" {
    /// Exported by every CPython 3.x; pyo3-ffi keeps it private.
    fn _PyBytes_Resize(bytes: *mut *mut ffi::PyObject, newsize: ffi::Py_ssize_t) -> std::ffi::c_int;
}

#[inline(always)]
fn to_ssize(py: Python<'_>, len: usize) -> PyResult<ffi::Py_ssize_t> {
    ffi::Py_ssize_t::try_from(len).map_err(|_| OverflowError::raise(py, "byte string is too large"))
}

impl PyBytes {
    /// Whether `obj` is exactly a bytes (`PyBytes_CheckExact`).
    #[inline]
    pub fn is_exact(obj: Borrowed<'_, '_, crate::types::PyAny>) -> bool {
        // SAFETY: attached, live object.
        unsafe { ffi::PyBytes_CheckExact(obj.as_ptr()) != 0 }
    }

    /// A new `bytes` holding a copy of `data`.
    pub fn new<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let len = to_ssize(py, data.len())?;
        // SAFETY: attached; `data` is valid for `len` bytes; the result is a
        // new reference or null with an exception set.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyBytes_FromStringAndSize(data.as_ptr().cast(), len)) }
    }

    /// A new `bytes` holding a copy of `data`, copied with the GIL released
    /// (detached): for large outputs, whose copy (and the first touch of the
    /// new object's pages) would otherwise stop every other thread. The new
    /// object is not visible to other threads until this returns.
    pub fn new_detached<'py>(mut py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let len = to_ssize(py, data.len())?;
        // SAFETY: attached; a null source makes an uninitialised `bytes` of
        // `len` bytes (a new reference, or null with an exception set).
        let bytes: Bound<'py, PyBytes> =
            unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyBytes_FromStringAndSize(std::ptr::null(), len))? };
        // SAFETY: `bytes` is an exact bytes object; its buffer is valid for
        // `len` bytes while `bytes` lives.
        let dst = unsafe { ffi::PyBytes_AsString(bytes.as_ptr()) } as usize;
        py.detach(|| {
            // SAFETY: `dst` is the buffer of the new object (only this
            // thread knows it, and it stays alive across the call): `len`
            // writable bytes, not overlapping `data`. No Python API is used.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), dst as *mut u8, data.len()) }
        });
        Ok(bytes)
    }

    /// A new `bytes` of exactly `len` bytes, written in place by `fill`
    /// (no intermediate buffer). The buffer starts zeroed.
    ///
    /// As C fills a `PyBytes_FromStringAndSize(NULL, len)`: a short result
    /// copied from a stack buffer (as [`PyBytes::new_shrunk`] does) is read
    /// back, right after `fill`'s narrow stores, by the copy's wider loads,
    /// which stalls (store forwarding) and made small calls slower than C.
    #[inline]
    pub fn new_filled<'py>(
        py: Python<'py>,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> PyResult<()>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        Self::new_uninit(py, len, |buf| {
            let buf = zeroed(buf);
            fill(buf)?;
            Ok(buf)
        })
    }

    /// A new `bytes` written in place by `fill` into a zeroed buffer of
    /// `max_len` bytes; `fill` returns how many bytes it wrote and the object
    /// is shrunk to that length (`_PyBytes_Resize`, as the C modules do).
    ///
    /// Short results are written to a stack buffer and copied, as C's
    /// `_PyBytesWriter` does: no allocation to shrink, no memset call, and
    /// CPython's cached empty and one-byte objects for tiny results.
    #[inline]
    pub fn new_shrunk<'py>(
        py: Python<'py>,
        max_len: usize,
        fill: impl FnOnce(&mut [u8]) -> PyResult<usize>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        const SMALL: usize = 128;
        if max_len <= SMALL {
            let mut small = [0u8; SMALL];
            let buf = &mut small[..max_len];
            let written = fill(buf)?.min(max_len);
            return Self::new(py, &buf[..written]);
        }
        Self::new_uninit(py, max_len, |buf| {
            // SAFETY: every byte is zeroed before the slice is viewed as
            // initialised `u8`s (same layout as `MaybeUninit<u8>`).
            let buf = unsafe {
                buf.as_mut_ptr().write_bytes(0, buf.len());
                &mut *(buf as *mut [MaybeUninit<u8>] as *mut [u8])
            };
            let written = fill(buf)?.min(buf.len());
            Ok(&mut buf[..written])
        })
    }
}

/// `buf` zeroed: up to 16 bytes by two overlapping stores (a call to
/// `memset` costs more), then viewed as initialised.
#[inline(always)]
fn zeroed(buf: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    let n = buf.len();
    let p = buf.as_mut_ptr().cast::<u8>();
    // SAFETY: every write is within the `n` bytes of `buf`; all of them are
    // zeroed before the slice is viewed as initialised `u8`s (same layout
    // as `MaybeUninit<u8>`).
    unsafe {
        match n {
            0 => {}
            1..4 => {
                p.write(0);
                p.add(n / 2).write(0);
                p.add(n - 1).write(0);
            }
            4..8 => {
                p.cast::<u32>().write_unaligned(0);
                p.add(n - 4).cast::<u32>().write_unaligned(0);
            }
            8..=16 => {
                p.cast::<u64>().write_unaligned(0);
                p.add(n - 8).cast::<u64>().write_unaligned(0);
            }
            _ => p.write_bytes(0, n),
        }
        std::slice::from_raw_parts_mut(p, n)
    }
}

impl PyBytes {
    /// A new `bytes` of at most `max_len` bytes, written in place by `fill`
    /// into uninitialised memory (no zeroing, no copy): `fill` returns the
    /// initialised prefix of the buffer it was given, and the object is
    /// shrunk to that length. Returning any other slice is a `SystemError`.
    #[inline]
    pub fn new_uninit<'py>(
        py: Python<'py>,
        max_len: usize,
        fill: impl for<'b> FnOnce(&'b mut [MaybeUninit<u8>]) -> PyResult<&'b mut [u8]>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ssize = to_ssize(py, max_len)?;
        // SAFETY: attached; see `new_shrunk`.
        let obj = unsafe { ffi::PyBytes_FromStringAndSize(std::ptr::null(), ssize) };
        if obj.is_null() {
            return Err(Raised::already_set());
        }
        // SAFETY: `obj` is fresh and unshared; viewing its `max_len` bytes as
        // `MaybeUninit` makes no claim about their contents.
        let (start, buf) = unsafe {
            let data = ffi::PyBytes_AS_STRING(obj).cast_mut().cast::<MaybeUninit<u8>>();
            let buf: &mut [MaybeUninit<u8>] =
                if max_len == 0 { &mut [] } else { std::slice::from_raw_parts_mut(data, max_len) };
            (buf.as_ptr(), buf)
        };
        let mut obj_ref = obj;
        let written = match fill(buf) {
            // A `&mut [u8]` over the start of our buffer proves that its
            // bytes were initialised.
            Ok(init) if std::ptr::eq(init.as_ptr().cast(), start) || init.is_empty() => init.len(),
            Ok(_) => {
                // SAFETY: we own the reference.
                unsafe { crate::instance::decref(obj_ref) };
                return Err(crate::err::exceptions::SystemError::raise(
                    py,
                    "new_uninit: fill returned a foreign slice",
                ));
            }
            Err(e) => {
                // SAFETY: we own the reference.
                unsafe { crate::instance::decref(obj_ref) };
                return Err(e);
            }
        };
        if written < max_len {
            // SAFETY: see `new_shrunk`.
            if unsafe { _PyBytes_Resize(&mut obj_ref, written as ffi::Py_ssize_t) } != 0 {
                return Err(Raised::already_set());
            }
        }
        // SAFETY: `obj_ref` is a strong reference to a bytes object whose
        // bytes are all initialised.
        unsafe { Bound::from_owned_ptr_or_err(py, obj_ref) }
    }
}

impl<'a> Borrowed<'a, '_, PyBytes> {
    /// The contents (bytes are immutable, so borrowing is sound for `'a`).
    #[inline]
    pub fn as_bytes(self) -> &'a [u8] {
        // SAFETY: a live bytes object holds `ob_size` bytes at
        // PyBytes_AS_STRING, immutable and alive for 'a.
        unsafe {
            let len = ffi::Py_SIZE(self.as_ptr()) as usize;
            std::slice::from_raw_parts(ffi::PyBytes_AS_STRING(self.as_ptr()).cast::<u8>(), len)
        }
    }
}

impl Bound<'_, PyBytes> {
    /// The contents.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.as_borrowed().as_bytes()
    }
}
