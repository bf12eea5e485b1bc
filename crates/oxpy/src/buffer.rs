//! Read-only byte buffers from any object exporting the buffer protocol
//! (bytes, bytearray, memoryview, array, mmap, ...), released on every path.

use std::marker::PhantomData;
use std::ops::Deref;

use pyo3_ffi as ffi;

use crate::args::ArgCtx;
use crate::err::c_truncate;
use crate::err::exceptions::{TypeError, ValueError};
use crate::types::{PyAny, PyBytes, PyStr};
use crate::{Borrowed, Bound, PyResult, Python, Raised};

/// A C-contiguous read-only buffer (Argument Clinic's `Py_buffer`): a
/// `Py_buffer` obtained with `PyBUF_SIMPLE`, released on drop.
///
/// Exact `bytes` skip the buffer protocol (a strong reference is kept
/// instead): their export cannot fail and is always contiguous, so the
/// behaviour is the same and small calls are cheaper.
pub struct Buffer<'py> {
    inner: Inner<'py>,
}

enum Inner<'py> {
    Bytes(Bound<'py, PyBytes>),
    // Stored inline (no allocation per call, as C's stack Py_buffer). Moving
    // a filled Py_buffer is fine: exporters point it at their own memory and
    // never keep the view's address (C copies views the same way, e.g. in
    // memoryview's managed buffer).
    View(ffi::Py_buffer, PhantomData<Python<'py>>),
}

impl<'py> Buffer<'py> {
    /// `PyObject_GetBuffer(obj, PyBUF_SIMPLE)` (CPython's own `TypeError` /
    /// `BufferError` on failure), then clinic's contiguity check.
    #[inline(always)]
    pub fn get(obj: Borrowed<'_, 'py, PyAny>, ctx: &ArgCtx) -> PyResult<Self> {
        let buf = Self::get_simple(obj)?;
        if !buf.is_c_contiguous() {
            return Err(ctx.bad_argument("contiguous buffer", obj));
        }
        Ok(buf)
    }

    /// `PyObject_GetBuffer(obj, PyBUF_SIMPLE)` alone (what C code calls
    /// outside Argument Clinic).
    #[inline]
    pub fn simple(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Self::get_simple(obj)
    }

    #[inline(always)]
    fn get_simple(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if obj.get_type().as_ptr() == std::ptr::addr_of_mut!(ffi::PyBytes_Type).cast() {
            // SAFETY: the object's type is exactly bytes.
            let bytes = unsafe { obj.cast_unchecked::<PyBytes>() };
            return Ok(Buffer { inner: Inner::Bytes(bytes.to_owned()) });
        }
        let mut view = ffi::Py_buffer::new();
        // SAFETY: attached; `view` is a valid Py_buffer to fill; on success
        // we own the export and release it in Drop.
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut view, ffi::PyBUF_SIMPLE) } != 0 {
            return Err(Raised::already_set());
        }
        Ok(Buffer { inner: Inner::View(view, PhantomData) })
    }

    #[inline(always)]
    fn is_c_contiguous(&self) -> bool {
        match &self.inner {
            Inner::Bytes(_) => true,
            // Without strides or suboffsets a view is contiguous (what
            // PyBuffer_IsContiguous checks first); otherwise ask CPython.
            Inner::View(v, _) if v.suboffsets.is_null() && (v.strides.is_null() || v.len == 0) => true,
            // SAFETY: the view is a live export.
            Inner::View(v, _) => unsafe { ffi::PyBuffer_IsContiguous(v, b'C' as std::ffi::c_char) != 0 },
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.inner {
            Inner::Bytes(b) => b.as_bytes(),
            Inner::View(v, _) => {
                let len = v.len as usize;
                if len == 0 || v.buf.is_null() {
                    return &[];
                }
                // SAFETY: a live C-contiguous PyBUF_SIMPLE export of `len`
                // bytes at `buf`, valid until released in Drop (after this
                // borrow ends).
                unsafe { std::slice::from_raw_parts(v.buf.cast::<u8>(), len) }
            }
        }
    }
}

impl Deref for Buffer<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Drop for Inner<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Inner::View(view, _) = self {
            // SAFETY: the view holds a live export, released exactly once;
            // the token's lifetime guarantees we are attached.
            unsafe { ffi::PyBuffer_Release(view) }
        }
    }
}

/// binascii's `ascii_buffer_converter`: an ASCII-only `str` (its characters
/// as bytes, no copy) or a C-contiguous buffer.
pub enum AsciiBuffer<'a, 'py> {
    /// From an ASCII `str`.
    Str(&'a [u8]),
    /// From a buffer.
    Buffer(Buffer<'py>),
}

impl<'a, 'py> AsciiBuffer<'a, 'py> {
    /// Accepts what C's `ascii_buffer_converter` accepts, with its messages.
    #[inline(always)]
    pub fn get(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        if let Some(s) = obj.downcast::<PyStr>() {
            return match s.as_ascii()? {
                Some(bytes) => Ok(AsciiBuffer::Str(bytes)),
                None => Err(ValueError::raise(py, "string argument should contain only ASCII characters")),
            };
        }
        let tp = || c_truncate(obj.get_type().name(), 100).into_owned();
        let buf = match Buffer::get_simple(obj) {
            Ok(b) => b,
            Err(_) => {
                // SAFETY: attached; C replaces the buffer error with its own.
                unsafe { ffi::PyErr_Clear() };
                return Err(TypeError::raise(
                    py,
                    &format!("argument should be bytes, buffer or ASCII string, not '{}'", tp()),
                ));
            }
        };
        if !buf.is_c_contiguous() {
            return Err(TypeError::raise(py, &format!("argument should be a contiguous buffer, not '{}'", tp())));
        }
        Ok(AsciiBuffer::Buffer(buf))
    }
}

impl Deref for AsciiBuffer<'_, '_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            AsciiBuffer::Str(s) => s,
            AsciiBuffer::Buffer(b) => b,
        }
    }
}
