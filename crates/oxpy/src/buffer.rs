//! Read-only byte buffers from any object exporting the buffer protocol
//! (bytes, bytearray, memoryview, array, mmap, ...), released on every path.

use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ops::Deref;

use pyo3_ffi as ffi;

use crate::args::ArgCtx;
use crate::err::c_truncate;
use crate::err::exceptions::{TypeError, ValueError};
use crate::types::{PyAny, PyBytes, PyStr};
use crate::{Borrowed, Bound, PyResult, Python, Raised};

/// `obj` if its type is exactly `bytes`, whose data the buffer arguments
/// read without the buffer protocol.
#[inline(always)]
fn exact_bytes<'a, 'py>(obj: Borrowed<'a, 'py, PyAny>) -> Option<Borrowed<'a, 'py, PyBytes>> {
    if obj.get_type().as_ptr() == std::ptr::addr_of_mut!(ffi::PyBytes_Type).cast() {
        // SAFETY: the object's type is exactly bytes.
        return Some(unsafe { obj.cast_unchecked::<PyBytes>() });
    }
    None
}

/// A C-contiguous read-only buffer (Argument Clinic's `Py_buffer`): a
/// `Py_buffer` obtained with `PyBUF_SIMPLE`, released on drop.
///
/// Exact `bytes` skip the buffer protocol (a strong reference is kept
/// instead): their export cannot fail and is always contiguous, so the
/// behaviour is the same and small calls are cheaper.
#[repr(C)]
pub struct Buffer<'py> {
    /// The export of any other object (initialised exactly when `bytes` is
    /// `None`). Stored inline (no allocation per call, as C's stack
    /// Py_buffer); moving a filled Py_buffer is fine: exporters point it at
    /// their own memory and never keep the view's address (C copies views
    /// the same way, e.g. in memoryview's managed buffer).
    view: MaybeUninit<ffi::Py_buffer>,
    /// An exact `bytes`. Last, and alone written on the bytes path: moves
    /// of a `Buffer` then copy the view's bytes untouched, where an enum's
    /// freshly written tag and pointer, read back by wider loads, stalled
    /// every call (store forwarding) and made small calls slower than C.
    bytes: Option<Bound<'py, PyBytes>>,
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
        if let Some(bytes) = exact_bytes(obj) {
            return Ok(Buffer { view: MaybeUninit::uninit(), bytes: Some(bytes.to_owned()) });
        }
        let mut view = MaybeUninit::<ffi::Py_buffer>::uninit();
        // SAFETY: attached; `view` is writable memory for a Py_buffer, which
        // PyObject_GetBuffer fills on success (then we own the export and
        // release it in Drop, `bytes` being None).
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), view.as_mut_ptr(), ffi::PyBUF_SIMPLE) } != 0 {
            return Err(Raised::already_set());
        }
        Ok(Buffer { view, bytes: None })
    }

    /// The export, if not an exact `bytes`.
    #[inline(always)]
    fn view(&self) -> Option<&ffi::Py_buffer> {
        match self.bytes {
            Some(_) => None,
            // SAFETY: without `bytes`, the view was filled by a successful
            // PyObject_GetBuffer and is not yet released.
            None => Some(unsafe { self.view.assume_init_ref() }),
        }
    }

    #[inline(always)]
    fn is_c_contiguous(&self) -> bool {
        self.view().is_none_or(view_is_c_contiguous)
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self.view() {
            Some(v) => view_bytes(v),
            None => self.bytes.as_ref().map_or(&[], |b| b.as_bytes()),
        }
    }
}

/// Whether a live export is C-contiguous.
#[inline(always)]
fn view_is_c_contiguous(v: &ffi::Py_buffer) -> bool {
    // Without strides or suboffsets a view is contiguous (what
    // PyBuffer_IsContiguous checks first); otherwise ask CPython.
    if v.suboffsets.is_null() && (v.strides.is_null() || v.len == 0) {
        return true;
    }
    // SAFETY: the view is a live export.
    unsafe { ffi::PyBuffer_IsContiguous(v, b'C' as std::ffi::c_char) != 0 }
}

/// The bytes of a live C-contiguous `PyBUF_SIMPLE` export, borrowed for as
/// long as the view (whose owner releases it only after the borrow ends).
#[inline]
fn view_bytes(v: &ffi::Py_buffer) -> &[u8] {
    let len = v.len as usize;
    if len == 0 || v.buf.is_null() {
        return &[];
    }
    // SAFETY: a live C-contiguous PyBUF_SIMPLE export of `len` bytes at
    // `buf`, valid while the view is (see above).
    unsafe { std::slice::from_raw_parts(v.buf.cast::<u8>(), len) }
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
        if self.bytes.is_none() {
            // SAFETY: without `bytes` the view holds a live export, released
            // exactly once; the token's lifetime guarantees we are attached.
            unsafe { ffi::PyBuffer_Release(self.view.as_mut_ptr()) }
        }
    }
}

/// Storage for a buffer argument in the trampoline's frame, for a
/// parameter `#[arg(slot = BufferSlot)] data: &[u8]`: clinic's `Py_buffer`
/// (as [`Buffer::get`], same errors), exported in place and released when
/// the call returns. An exact `bytes` is read without an export.
///
/// [`Buffer`] is moved after the export is written, and those 16-byte
/// loads of fields the exporter has just stored 8 bytes at a time cannot be
/// forwarded from the store buffer: the stall made calls with a small
/// `bytearray` or `memoryview` 15% slower than C. A slot is never moved.
pub struct BufferSlot<'py> {
    /// Initialised exactly when `exported`.
    view: MaybeUninit<ffi::Py_buffer>,
    exported: bool,
    _py: PhantomData<Python<'py>>,
}

impl Default for BufferSlot<'_> {
    #[inline(always)]
    fn default() -> Self {
        BufferSlot { view: MaybeUninit::uninit(), exported: false, _py: PhantomData }
    }
}

impl<'py> BufferSlot<'py> {
    /// The argument's bytes.
    #[inline(always)]
    pub fn get<'s>(&'s mut self, obj: Borrowed<'s, 'py, PyAny>, ctx: &ArgCtx) -> PyResult<&'s [u8]> {
        if let Some(bytes) = exact_bytes(obj) {
            return Ok(bytes.as_bytes());
        }
        let view = self.export(obj)?;
        if !view_is_c_contiguous(view) {
            return Err(ctx.bad_argument("contiguous buffer", obj));
        }
        Ok(view_bytes(view))
    }

    /// As [`Buffer::simple`]: no contiguity check beyond the exporter's.
    #[inline(always)]
    pub fn simple<'s>(&'s mut self, obj: Borrowed<'s, 'py, PyAny>) -> PyResult<&'s [u8]> {
        match exact_bytes(obj) {
            Some(bytes) => Ok(bytes.as_bytes()),
            None => self.export(obj).map(view_bytes),
        }
    }

    /// `PyObject_GetBuffer(obj, PyBUF_SIMPLE)` into the slot (releasing
    /// an earlier export first: a slot reused is not a leak).
    #[inline(always)]
    fn export(&mut self, obj: Borrowed<'_, 'py, PyAny>) -> PyResult<&ffi::Py_buffer> {
        self.release();
        // SAFETY: attached; `view` is writable memory for a Py_buffer, which
        // PyObject_GetBuffer fills on success (then the slot owns the export
        // and releases it in Drop).
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), self.view.as_mut_ptr(), ffi::PyBUF_SIMPLE) } != 0 {
            return Err(Raised::already_set());
        }
        self.exported = true;
        // SAFETY: just filled.
        Ok(unsafe { self.view.assume_init_ref() })
    }

    #[inline(always)]
    fn release(&mut self) {
        if self.exported {
            self.exported = false;
            // SAFETY: the view holds a live export, released exactly once
            // (`exported` is now false); the token's lifetime guarantees we
            // are attached.
            unsafe { ffi::PyBuffer_Release(self.view.as_mut_ptr()) }
        }
    }
}

impl Drop for BufferSlot<'_> {
    #[inline]
    fn drop(&mut self) {
        self.release();
    }
}

/// binascii's `ascii_buffer_converter` as a [`BufferSlot`] (parameter
/// `#[arg(slot = AsciiSlot)] data: &[u8]`): an ASCII-only `str` (its
/// characters as bytes, no copy), or a C-contiguous buffer, with C's
/// messages.
#[derive(Default)]
pub struct AsciiSlot<'py>(BufferSlot<'py>);

impl<'py> AsciiSlot<'py> {
    /// The argument's bytes.
    #[inline(always)]
    pub fn get<'s>(&'s mut self, obj: Borrowed<'s, 'py, PyAny>, _ctx: &ArgCtx) -> PyResult<&'s [u8]> {
        let py = obj.py();
        if let Some(bytes) = exact_bytes(obj) {
            return Ok(bytes.as_bytes());
        }
        if let Some(s) = obj.downcast::<PyStr>() {
            return s
                .as_ascii()?
                .ok_or_else(|| ValueError::raise(py, "string argument should contain only ASCII characters"));
        }
        let tp = || c_truncate(obj.get_type().name(), 100).into_owned();
        let Ok(view) = self.0.export(obj) else {
            // SAFETY: attached; C replaces the buffer error with its own.
            unsafe { ffi::PyErr_Clear() };
            return Err(TypeError::raise(
                py,
                &format!("argument should be bytes, buffer or ASCII string, not '{}'", tp()),
            ));
        };
        if !view_is_c_contiguous(view) {
            return Err(TypeError::raise(py, &format!("argument should be a contiguous buffer, not '{}'", tp())));
        }
        Ok(view_bytes(view))
    }
}

/// A writable C-contiguous buffer, as `PyArg_Parse(obj, "w*")` gets it
/// (its `TypeError`s: "argument must be read-write bytes-like object, not
/// bytes", "argument must be contiguous buffer, not ..."), released on drop.
pub struct BufferMut<'py> {
    view: ffi::Py_buffer,
    _py: PhantomData<Python<'py>>,
}

impl<'py> BufferMut<'py> {
    /// `PyObject_GetBuffer(obj, PyBUF_WRITABLE)` with getargs' messages.
    pub fn get(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        // getargs names None "None", other objects by their type.
        let tp = || if obj.is_none() { "None".into() } else { c_truncate(obj.get_type().name(), 50).into_owned() };
        let mut view = ffi::Py_buffer::new();
        // SAFETY: attached; `view` is a valid Py_buffer to fill; on success
        // we own the export and release it in Drop. getargs replaces the
        // exporter's error with its own.
        unsafe {
            if ffi::PyObject_GetBuffer(obj.as_ptr(), &mut view, ffi::PyBUF_WRITABLE) != 0 {
                ffi::PyErr_Clear();
                return Err(TypeError::raise(
                    py,
                    &format!("argument must be read-write bytes-like object, not {}", tp()),
                ));
            }
        }
        let buf = BufferMut { view, _py: PhantomData };
        // SAFETY: the view is a live export.
        if unsafe { ffi::PyBuffer_IsContiguous(&buf.view, b'C' as std::ffi::c_char) } == 0 {
            drop(buf);
            return Err(TypeError::raise(py, &format!("argument must be contiguous buffer, not {}", tp())));
        }
        Ok(buf)
    }

    /// The bytes, writable.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        let len = self.view.len as usize;
        if len == 0 || self.view.buf.is_null() {
            return &mut [];
        }
        // SAFETY: a live writable C-contiguous export of `len` bytes at
        // `buf`, valid until released in Drop (after this borrow ends).
        unsafe { std::slice::from_raw_parts_mut(self.view.buf.cast::<u8>(), len) }
    }
}

impl Drop for BufferMut<'_> {
    fn drop(&mut self) {
        // SAFETY: a live export, released once, attached (token lifetime).
        unsafe { ffi::PyBuffer_Release(&mut self.view) }
    }
}

/// A read-only `PyBUF_SIMPLE` export kept by a Rust value that outlives a
/// call (e.g. an iterator's payload); read and released attached. Once
/// released, it reads as empty (its `obj` is null, as `PyBuffer_Release`
/// leaves it).
pub struct UnboundBuffer {
    view: std::cell::UnsafeCell<ffi::Py_buffer>,
}

// SAFETY: the export is only read (`with_bytes`, which takes a token) or
// released (`release` takes a token; Drop runs where the owner is dropped,
// which for class payloads is tp_dealloc, attached). The GIL serialises
// these, and the exporter keeps the memory until release.
unsafe impl Send for UnboundBuffer {}
unsafe impl Sync for UnboundBuffer {}

impl UnboundBuffer {
    /// A buffer without an export (as a released one), for
    /// [`UnboundBuffer::export`] to fill where it lies.
    pub fn empty() -> Self {
        UnboundBuffer { view: std::cell::UnsafeCell::new(ffi::Py_buffer::new()) }
    }

    /// `PyObject_GetBuffer(obj, PyBUF_SIMPLE)` into this buffer where it
    /// lies (e.g. in a payload already in its object), releasing an earlier
    /// export first: no move of the filled view (moves read the exporter's
    /// fresh stores with wider loads, which stall).
    pub fn export(&self, py: Python<'_>, obj: Borrowed<'_, '_, PyAny>) -> PyResult<()> {
        self.release(py);
        // No borrow of the view is live: `with_bytes`'s closure has no token
        // to call this with.
        // SAFETY: attached (see Sync); the view is ours to fill.
        let failed = unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), self.view.get(), ffi::PyBUF_SIMPLE) } != 0;
        if failed {
            // SAFETY: as above; no export to release (the protocol has
            // exporters leave `obj` null on failure; make sure of it).
            unsafe { (*self.view.get()).obj = std::ptr::null_mut() };
            return Err(Raised::already_set());
        }
        Ok(())
    }

    /// The length in bytes (0 once released).
    pub fn len(&self, py: Python<'_>) -> usize {
        self.with_bytes(py, |b| b.len())
    }

    /// Whether the buffer is empty (or released).
    pub fn is_empty(&self, py: Python<'_>) -> bool {
        self.len(py) == 0
    }

    /// Runs `f` on the bytes (empty once released). `f` gets no token, so
    /// it cannot run Python code that could change them meanwhile.
    pub fn with_bytes<R>(&self, _py: Python<'_>, f: impl FnOnce(&[u8]) -> R) -> R {
        // SAFETY: attached (see Sync); a view with an exporter is a live
        // export of `len` bytes at `buf`.
        let bytes = unsafe {
            let v = &*self.view.get();
            if v.obj.is_null() || v.len == 0 || v.buf.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(v.buf.cast::<u8>(), v.len as usize)
            }
        };
        f(bytes)
    }

    /// Whether [`UnboundBuffer::release`] ran.
    pub fn is_released(&self, _py: Python<'_>) -> bool {
        // SAFETY: attached (see Sync).
        unsafe { (*self.view.get()).obj.is_null() }
    }

    /// Reports the exporter to the GC (for a `GC` class's traverse).
    pub fn traverse(&self, visit: &mut crate::module::Visit<'_>) -> Result<(), crate::module::TraverseStop> {
        // SAFETY: the GC traverses attached; until released, the view holds
        // a reference to its exporter (null after release).
        unsafe {
            let obj = (*self.view.get()).obj;
            if obj.is_null() { Ok(()) } else { visit.call_ptr(obj) }
        }
    }

    /// Releases the export now (C's `PyBuffer_Release` when an iterator
    /// ends); a no-op once released.
    pub fn release(&self, _py: Python<'_>) {
        // SAFETY: attached; PyBuffer_Release releases a live export once and
        // nulls `obj`; it does nothing without `obj`, so neither do we (no
        // call).
        unsafe {
            if !(*self.view.get()).obj.is_null() {
                ffi::PyBuffer_Release(self.view.get())
            }
        }
    }
}

impl Drop for UnboundBuffer {
    fn drop(&mut self) {
        // SAFETY: see Sync: the owner is dropped attached; released once
        // (as `release`, no call once released).
        unsafe {
            if !(*self.view.get()).obj.is_null() {
                ffi::PyBuffer_Release(self.view.get())
            }
        }
    }
}
