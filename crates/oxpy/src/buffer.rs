//! Read-only byte buffers from any object exporting the buffer protocol
//! (bytes, bytearray, memoryview, array, mmap, ...), released on every path.

use std::marker::PhantomData;
use std::ops::Deref;

use pyo3_ffi as ffi;

use crate::args::ArgCtx;
use crate::err::c_truncate;
use crate::err::exceptions::{TypeError, ValueError};
use crate::types::{PyAny, PyStr};
use crate::{Borrowed, PyResult, Python, Raised};

/// A C-contiguous read-only buffer (Argument Clinic's `Py_buffer`): a
/// `Py_buffer` obtained with `PyBUF_SIMPLE`, released on drop.
pub struct Buffer<'py> {
    // Stored inline (no allocation per call, as C's stack Py_buffer). Moving
    // a filled Py_buffer is fine: exporters point it at their own memory and
    // never keep the view's address (C copies views the same way, e.g. in
    // memoryview's managed buffer).
    view: ffi::Py_buffer,
    _marker: PhantomData<Python<'py>>,
}

impl<'py> Buffer<'py> {
    /// `PyObject_GetBuffer(obj, PyBUF_SIMPLE)` (CPython's own `TypeError` /
    /// `BufferError` on failure), then clinic's contiguity check.
    pub fn get(obj: Borrowed<'_, 'py, PyAny>, ctx: &ArgCtx) -> PyResult<Self> {
        let buf = Self::get_simple(obj)?;
        if !buf.is_c_contiguous() {
            return Err(ctx.bad_argument("contiguous buffer", obj));
        }
        Ok(buf)
    }

    fn get_simple(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let mut view = ffi::Py_buffer::new();
        // SAFETY: attached; `view` is a valid Py_buffer to fill; on success
        // we own the export and release it in Drop.
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut view, ffi::PyBUF_SIMPLE) } != 0 {
            return Err(Raised::already_set());
        }
        Ok(Buffer { view, _marker: PhantomData })
    }

    fn is_c_contiguous(&self) -> bool {
        // SAFETY: the view is a live export.
        unsafe { ffi::PyBuffer_IsContiguous(&self.view, b'C' as std::ffi::c_char) != 0 }
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let len = self.view.len as usize;
        if len == 0 || self.view.buf.is_null() {
            return &[];
        }
        // SAFETY: a live C-contiguous PyBUF_SIMPLE export of `len` bytes at
        // `buf`, valid until released in Drop (after this borrow ends).
        unsafe { std::slice::from_raw_parts(self.view.buf.cast::<u8>(), len) }
    }
}

impl Deref for Buffer<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Drop for Buffer<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the view holds a live export, released exactly once; the
        // token's lifetime guarantees we are attached.
        unsafe { ffi::PyBuffer_Release(&mut self.view) }
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
                return Err(TypeError::raise(py, &format!("argument should be bytes, buffer or ASCII string, not '{}'", tp())));
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
