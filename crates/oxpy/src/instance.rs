//! The three handle kinds: [`Bound`] (owned, attached), [`Borrowed`]
//! (borrowed, attached) and [`Unbound`] (owned, storable).
//!
//! All three are one non-null pointer wide; the type parameter is a marker
//! from [`crate::types`], so upcasts (`into_any`, `as_any`) are free.

use std::marker::PhantomData;
use std::ptr::NonNull;

use pyo3_ffi as ffi;

use crate::Python;
use crate::types::{PyAny, PyTypeInfo};

/// An owned (strong) reference, usable while attached. Decrefs on drop.
#[repr(transparent)]
pub struct Bound<'py, T = PyAny> {
    ptr: NonNull<ffi::PyObject>,
    _marker: PhantomData<(Python<'py>, *const T)>,
}

/// A borrowed reference: no refcount of its own, valid for `'a` (the life of
/// whatever owns the reference) while attached for `'py`.
#[repr(transparent)]
pub struct Borrowed<'a, 'py, T = PyAny> {
    ptr: NonNull<ffi::PyObject>,
    _marker: PhantomData<(&'a (), Python<'py>, *const T)>,
}

/// An owned reference that is not tied to an attachment: it can be stored in
/// module state or in `Send + Sync` data. Use [`Unbound::bind`] to use it.
///
/// Dropping it decrefs when the thread is attached; otherwise the reference
/// is leaked (safe, and never happens in module state, which CPython frees
/// while attached).
#[repr(transparent)]
pub struct Unbound<T = PyAny> {
    ptr: NonNull<ffi::PyObject>,
    _marker: PhantomData<*const T>,
}

// SAFETY: an Unbound only touches the object (incref/decref, access) through
// `bind`/`drop`, which require or check attachment, so it may move between
// threads; CPython objects are shareable between threads under the GIL.
unsafe impl<T> Send for Unbound<T> {}
// SAFETY: see `Send`: shared access goes through `bind`, which needs a token.
unsafe impl<T> Sync for Unbound<T> {}

impl<'a, 'py, T> Clone for Borrowed<'a, 'py, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<'a, 'py, T> Copy for Borrowed<'a, 'py, T> {}

impl<'py, T> Bound<'py, T> {
    /// Takes ownership of a new (strong) reference; `None` if `ptr` is null.
    ///
    /// # Safety
    /// `ptr` is null or a strong reference to an object of type `T`.
    #[inline]
    pub(crate) unsafe fn from_owned_ptr_or_none(_py: Python<'py>, ptr: *mut ffi::PyObject) -> Option<Self> {
        NonNull::new(ptr).map(|ptr| Bound { ptr, _marker: PhantomData })
    }

    /// Takes ownership of a new reference returned by a C API call, or turns
    /// a null result into the pending exception.
    ///
    /// # Safety
    /// `ptr` is null with an exception set, or a strong reference to a `T`.
    #[inline]
    pub(crate) unsafe fn from_owned_ptr_or_err(py: Python<'py>, ptr: *mut ffi::PyObject) -> crate::PyResult<Self> {
        // SAFETY: forwarded to the caller.
        unsafe { Self::from_owned_ptr_or_none(py, ptr) }.ok_or_else(crate::Raised::already_set)
    }

    /// The token this handle is attached with.
    #[inline]
    pub fn py(&self) -> Python<'py> {
        // SAFETY: a Bound only exists while attached for 'py.
        unsafe { Python::assume_attached() }
    }

    /// The raw pointer (still owned by `self`).
    #[inline]
    pub fn as_ptr(&self) -> *mut ffi::PyObject {
        self.ptr.as_ptr()
    }

    /// Gives up ownership, returning the strong reference as a raw pointer.
    #[inline]
    pub fn into_ptr(self) -> *mut ffi::PyObject {
        let ptr = self.ptr.as_ptr();
        std::mem::forget(self);
        ptr
    }

    /// A borrowed view of this reference.
    #[inline]
    pub fn as_borrowed<'a>(&'a self) -> Borrowed<'a, 'py, T> {
        Borrowed { ptr: self.ptr, _marker: PhantomData }
    }

    /// A new strong reference to the same object (an incref).
    #[inline]
    pub fn clone_ref(&self) -> Self {
        // SAFETY: attached ('py), and self.ptr is a live object.
        unsafe { ffi::Py_INCREF(self.ptr.as_ptr()) };
        Bound { ptr: self.ptr, _marker: PhantomData }
    }

    /// Upcast to `PyAny` (free).
    #[inline]
    pub fn into_any(self) -> Bound<'py, PyAny> {
        Bound { ptr: self.into_ptr_nonnull(), _marker: PhantomData }
    }

    /// Detaches the reference from `'py` for storage.
    #[inline]
    pub fn unbind(self) -> Unbound<T> {
        Unbound { ptr: self.into_ptr_nonnull(), _marker: PhantomData }
    }

    #[inline]
    fn into_ptr_nonnull(self) -> NonNull<ffi::PyObject> {
        let ptr = self.ptr;
        std::mem::forget(self);
        ptr
    }
}

impl<T> Drop for Bound<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: attached ('py) and we own one strong reference.
        unsafe { decref(self.ptr.as_ptr()) }
    }
}

/// `Py_DECREF`. On 3.12 and 3.13, `Py_INCREF` writes only the low 32 bits
/// of the refcount (where the immortal mark is), and `Py_DECREF` reads all
/// 64: a decref soon after an incref of the same object (a reference taken
/// for a call and dropped at its end) waits for the narrow store to reach
/// the cache, as a wide load cannot take its value from the store buffer.
/// Here the check and, while the count stays above zero, the decrement use
/// the low half, with the results `Py_DECREF` gives.
///
/// # Safety
/// As `Py_DECREF`: attached, and `op` is a live object we own a reference
/// to.
#[inline(always)]
pub(crate) unsafe fn decref(op: *mut ffi::PyObject) {
    #[cfg(all(Py_3_12, not(Py_3_14), target_pointer_width = "64", target_endian = "little"))]
    {
        // On these versions and targets the refcount is a 64-bit field whose
        // first 32 bits (`ob_refcnt_split[0]`) are its low half, the half
        // `Py_INCREF` updates. A low half that reads negative as i32 is
        // `_Py_IsImmortal`; above 1, subtracting one from it is subtracting
        // one from the whole count, which stays above zero.
        // SAFETY: as the caller promised, with that layout.
        unsafe {
            let low = (*op).ob_refcnt.ob_refcnt_split[0];
            if (low as i32) < 0 {
                return;
            }
            if low > 1 {
                (*op).ob_refcnt.ob_refcnt_split[0] = low - 1;
                return;
            }
        }
    }
    // SAFETY: as the caller promised.
    unsafe { ffi::Py_DECREF(op) }
}

impl<'a, 'py, T> Borrowed<'a, 'py, T> {
    /// # Safety
    /// `ptr` is a live object of type `T` that stays alive for `'a`, and the
    /// thread is attached for `'py`.
    #[inline]
    pub(crate) unsafe fn from_ptr(_py: Python<'py>, ptr: NonNull<ffi::PyObject>) -> Self {
        Borrowed { ptr, _marker: PhantomData }
    }

    /// The token this handle is attached with.
    #[inline]
    pub fn py(&self) -> Python<'py> {
        // SAFETY: a Borrowed only exists while attached for 'py.
        unsafe { Python::assume_attached() }
    }

    /// The raw pointer (borrowed).
    #[inline]
    pub fn as_ptr(&self) -> *mut ffi::PyObject {
        self.ptr.as_ptr()
    }

    /// A new strong reference (an incref).
    #[inline]
    pub fn to_owned(self) -> Bound<'py, T> {
        // SAFETY: attached ('py) and the object is alive for 'a.
        unsafe { ffi::Py_INCREF(self.ptr.as_ptr()) };
        Bound { ptr: self.ptr, _marker: PhantomData }
    }

    /// Upcast to `PyAny` (free).
    #[inline]
    pub fn as_any(self) -> Borrowed<'a, 'py, PyAny> {
        Borrowed { ptr: self.ptr, _marker: PhantomData }
    }

    /// The object's type.
    #[inline]
    pub fn get_type(self) -> Borrowed<'a, 'py, crate::types::PyType> {
        // SAFETY: the object is alive, so its type (which it references) is.
        let ty = unsafe { ffi::Py_TYPE(self.ptr.as_ptr()) };
        Borrowed { ptr: NonNull::new(ty.cast()).expect("object without type"), _marker: PhantomData }
    }

    /// Reinterprets the marker type.
    ///
    /// # Safety
    /// The object is an instance of `U`.
    #[inline]
    pub(crate) unsafe fn cast_unchecked<U>(self) -> Borrowed<'a, 'py, U> {
        Borrowed { ptr: self.ptr, _marker: PhantomData }
    }

    /// Checked downcast: `Some` when the object is an instance of `U`
    /// (subclasses included, as `PyXxx_Check`).
    #[inline]
    pub fn downcast<U: PyTypeInfo>(self) -> Option<Borrowed<'a, 'py, U>> {
        // SAFETY: attached, live object.
        if unsafe { U::is_type_of(self.ptr.as_ptr()) } {
            Some(Borrowed { ptr: self.ptr, _marker: PhantomData })
        } else {
            None
        }
    }
}

impl<T> Unbound<T> {
    /// Attaches the reference to `'py` without a refcount change.
    #[inline]
    pub fn bind<'a, 'py>(&'a self, _py: Python<'py>) -> Borrowed<'a, 'py, T> {
        Borrowed { ptr: self.ptr, _marker: PhantomData }
    }

    /// The raw pointer (still owned by `self`).
    #[inline]
    pub fn as_ptr(&self) -> *mut ffi::PyObject {
        self.ptr.as_ptr()
    }

    /// Attaches the owned reference to `'py` (no refcount change): dropping
    /// the result decrefs without asking CPython whether the thread is
    /// attached, as dropping an `Unbound` must.
    #[inline]
    pub fn into_bound<'py>(self, _py: Python<'py>) -> Bound<'py, T> {
        let ptr = self.ptr;
        std::mem::forget(self);
        Bound { ptr, _marker: PhantomData }
    }
}

thread_local! {
    /// Set while this thread runs code CPython called attached and that
    /// drops Rust values (a class's `tp_dealloc`): `Unbound` drops there
    /// need not ask CPython whether the thread is attached.
    static KNOWN_ATTACHED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (which CPython called attached, e.g. a `tp_dealloc`) with the
/// hint that this thread is attached.
///
/// # Safety
/// The thread is attached and stays so during `f` (`f` cannot detach: it
/// has no token to do it with, as drop code has none).
pub(crate) unsafe fn while_known_attached<R>(f: impl FnOnce() -> R) -> R {
    // One thread-local lookup (a call in a shared library), not two.
    KNOWN_ATTACHED.with(|known| {
        struct Restore<'k>(&'k std::cell::Cell<bool>, bool);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let _restore = Restore(known, known.replace(true));
        f()
    })
}

impl<T> Drop for Unbound<T> {
    fn drop(&mut self) {
        // SAFETY: we decref only when attached: inside `while_known_attached`
        // (whose caller vouches for it), or when PyGILState_Check (callable
        // from any thread) says so; we own one strong reference.
        unsafe {
            if KNOWN_ATTACHED.with(|k| k.get()) || ffi::PyGILState_Check() != 0 {
                decref(self.ptr.as_ptr());
            }
        }
    }
}

impl<'py> std::fmt::Debug for Bound<'py, PyAny> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bound({:p})", self.ptr)
    }
}
