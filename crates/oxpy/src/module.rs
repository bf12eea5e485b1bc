//! Module definitions: multi-phase initialisation (PEP 489) with a typed
//! per-module state.
//!
//! A module crate writes
//! ```ignore
//! oxpy::module! {
//!     name: binascii,
//!     doc: "Conversion between binary data and ASCII",
//!     state: State,
//!     functions: [a2b_uu, b2a_uu /* functions declared with #[oxpy::function] */],
//! }
//! ```
//! which defines `pub static MODULE: ModuleDef`. The exporting library's
//! `PyInit_<name>` returns [`ModuleDef::init`].
//!
//! The state block of each module object holds one `*mut S` (null until the
//! exec slot ran, and again after m_clear/m_free), owning a `Box<S>`.

use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};
use std::ptr::NonNull;

use pyo3_ffi as ffi;

use crate::function::MethodDef;
use crate::types::PyModule;
use crate::{Borrowed, PyResult, Python, Raised, Unbound};

/// The typed state of a module object, created by its exec slot.
pub trait ModuleState: Sized + Send + Sync + 'static {
    /// Runs in the exec slot: adds the module's attributes and returns its
    /// state.
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self>;

    /// Reports every Python object the state owns to the GC.
    fn traverse(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop>;
}

/// Links a state type to its module definition (implemented by [`module!`]).
pub trait DefinedBy {
    /// The module definition whose modules carry this state.
    const DEF: &'static ModuleDef;
}

/// The GC's visitor, given to [`ModuleState::traverse`].
pub struct Visit<'a> {
    visit: ffi::visitproc,
    arg: *mut c_void,
    _marker: std::marker::PhantomData<&'a ()>,
}

/// The visitor asked to stop traversal (its non-zero result is returned).
pub struct TraverseStop(pub(crate) c_int);

impl Visit<'_> {
    /// The GC's visitor and its argument, for one traversal.
    pub(crate) fn new(visit: ffi::visitproc, arg: *mut c_void) -> Self {
        Visit { visit, arg, _marker: std::marker::PhantomData }
    }

    /// Visits an object the caller holds a reference to (as a raw pointer,
    /// e.g. a `Py_buffer`'s exporter).
    ///
    /// # Safety
    /// `obj` is a live object whose reference the traversed object owns.
    pub(crate) unsafe fn call_ptr(&mut self, obj: *mut ffi::PyObject) -> Result<(), TraverseStop> {
        // SAFETY: as the caller promised; visitproc/arg come from the GC.
        match unsafe { (self.visit)(obj, self.arg) } {
            0 => Ok(()),
            r => Err(TraverseStop(r)),
        }
    }

    /// Visits one owned reference.
    pub fn call<T>(&mut self, obj: &Unbound<T>) -> Result<(), TraverseStop> {
        // SAFETY: visitproc/arg come from the GC for this traversal, and obj
        // is a live object owned by the module state.
        match unsafe { (self.visit)(obj.as_ptr(), self.arg) } {
            0 => Ok(()),
            r => Err(TraverseStop(r)),
        }
    }
}

/// A static, nul-terminated table of `PyMethodDef`s.
#[repr(transparent)]
pub struct MethodTable<const N: usize>(UnsafeCell<[ffi::PyMethodDef; N]>);

// SAFETY: the table is written only in const initialisation; CPython reads it
// (under the GIL) and never writes it.
unsafe impl<const N: usize> Sync for MethodTable<N> {}

impl<const N: usize> MethodTable<N> {
    /// `defs` must end with [`MethodDef::SENTINEL`] (checked at compile time).
    pub const fn new(defs: [MethodDef; N]) -> Self {
        assert!(N > 0 && defs[N - 1].is_sentinel(), "method table must end with the sentinel");
        let mut raw = [ffi::PyMethodDef::zeroed(); N];
        let mut i = 0;
        while i < N {
            raw[i] = defs[i].raw();
            i += 1;
        }
        MethodTable(UnsafeCell::new(raw))
    }

    /// The raw table.
    pub(crate) const fn as_ptr(&self) -> *mut ffi::PyMethodDef {
        self.0.get().cast()
    }
}

/// The static slot table of a module: exec, and the interpreter-support
/// slots the C modules declare on each version.
#[repr(transparent)]
pub struct SlotTable(UnsafeCell<[ffi::PyModuleDef_Slot; 4]>);

// SAFETY: as MethodTable: CPython only reads it.
unsafe impl Sync for SlotTable {}

impl SlotTable {
    /// Slots for a module whose state is `S`.
    pub const fn new<S: ModuleState>() -> Self {
        let exec: unsafe extern "C" fn(*mut ffi::PyObject) -> c_int = module_exec::<S>;
        let end = ffi::PyModuleDef_Slot { slot: 0, value: std::ptr::null_mut() };
        #[allow(unused_mut)]
        let mut slots = [ffi::PyModuleDef_Slot { slot: ffi::Py_mod_exec, value: exec as *mut c_void }, end, end, end];
        #[cfg(Py_3_12)]
        {
            slots[1] = ffi::PyModuleDef_Slot {
                slot: ffi::Py_mod_multiple_interpreters,
                value: ffi::Py_MOD_PER_INTERPRETER_GIL_SUPPORTED,
            };
        }
        #[cfg(Py_3_13)]
        {
            slots[2] = ffi::PyModuleDef_Slot { slot: ffi::Py_mod_gil, value: ffi::Py_MOD_GIL_NOT_USED };
        }
        SlotTable(UnsafeCell::new(slots))
    }
}

/// A module definition (`PyModuleDef`), kept in a `static`.
#[repr(transparent)]
pub struct ModuleDef(UnsafeCell<ffi::PyModuleDef>);

// SAFETY: CPython initialises the definition's object header once
// (PyModuleDef_Init, under the GIL) and otherwise only reads it.
unsafe impl Sync for ModuleDef {}

impl ModuleDef {
    /// A definition for modules with state `S`. `name` and `doc` must be
    /// nul-terminated.
    pub const fn new<S: ModuleState, const N: usize>(
        name: &'static str,
        doc: &'static str,
        methods: &'static MethodTable<N>,
        slots: &'static SlotTable,
    ) -> Self {
        assert!(is_c_string(name) && is_c_string(doc), "name and doc must be nul-terminated");
        ModuleDef(UnsafeCell::new(ffi::PyModuleDef {
            m_base: ffi::PyModuleDef_HEAD_INIT,
            m_name: name.as_ptr().cast(),
            m_doc: doc.as_ptr().cast(),
            m_size: std::mem::size_of::<*mut S>() as ffi::Py_ssize_t,
            m_methods: methods.0.get().cast(),
            m_slots: slots.0.get().cast(),
            m_traverse: Some(module_traverse::<S>),
            m_clear: Some(module_clear::<S>),
            m_free: Some(module_free::<S>),
        }))
    }

    /// The raw definition.
    pub const fn as_ptr(&self) -> *mut ffi::PyModuleDef {
        self.0.get()
    }

    /// What `PyInit_<name>` returns: the initialised definition (multi-phase
    /// initialisation).
    ///
    /// # Safety
    /// Only from `PyInit_<name>`, i.e. called by the import system while
    /// attached.
    pub unsafe fn init(&'static self) -> *mut ffi::PyObject {
        // SAFETY: attached (caller); the definition is static.
        unsafe { ffi::PyModuleDef_Init(self.as_ptr()) }
    }
}

const fn is_c_string(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b[b.len() - 1] != 0 {
        return false;
    }
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == 0 {
            return false;
        }
        i += 1;
    }
    true
}

/// # Safety
/// `module` is a live module object created from a definition for `S`.
unsafe fn state_slot<S>(module: *mut ffi::PyObject) -> *mut *mut S {
    // SAFETY: forwarded; the state block is `size_of::<*mut S>()` bytes
    // (m_size), zeroed by CPython, so null until exec.
    unsafe { ffi::PyModule_GetState(module).cast::<*mut S>() }
}

/// # Safety
/// Called by CPython as the exec slot (attached) with a module of S's def.
unsafe extern "C" fn module_exec<S: ModuleState>(module: *mut ffi::PyObject) -> c_int {
    crate::function::trampoline_int(|py: Python<'_>| {
        let Some(ptr) = NonNull::new(module) else {
            return Err(crate::err::exceptions::SystemError::raise(py, "exec slot without module"));
        };
        // SAFETY: CPython passes a live module.
        let m = unsafe { Borrowed::<PyModule>::from_ptr(py, ptr) };
        let state = Box::new(S::exec(m)?);
        // SAFETY: the module's state block holds one `*mut S` (m_size).
        unsafe {
            let slot = state_slot::<S>(module);
            if slot.is_null() {
                return Err(Raised::already_set());
            }
            drop_state(slot);
            *slot = Box::into_raw(state);
        }
        Ok(0)
    })
}

/// Drops the boxed state, if any, and nulls the slot.
///
/// # Safety
/// `slot` is a module's state slot; attached.
unsafe fn drop_state<S>(slot: *mut *mut S) {
    // SAFETY: the slot is null or owns a Box<S> created in module_exec.
    unsafe {
        let old = std::mem::replace(&mut *slot, std::ptr::null_mut());
        if !old.is_null() {
            drop(Box::from_raw(old));
        }
    }
}

unsafe extern "C" fn module_traverse<S: ModuleState>(
    module: *mut ffi::PyObject,
    visit: ffi::visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: called by the GC (attached) with a live module of S's def; the
    // slot is null or owns a live Box<S>. Traversal must not run Python code,
    // and `traverse` only calls `visit`.
    unsafe {
        let slot = state_slot::<S>(module);
        let Some(state) = slot.as_ref().and_then(|s| s.as_ref()) else { return 0 };
        let mut v = Visit::new(visit, arg);
        match state.traverse(&mut v) {
            Ok(()) => 0,
            Err(TraverseStop(r)) => r,
        }
    }
}

unsafe extern "C" fn module_clear<S: ModuleState>(module: *mut ffi::PyObject) -> c_int {
    // SAFETY: called by the GC (attached) with a module of S's def.
    unsafe {
        let slot = state_slot::<S>(module);
        if !slot.is_null() {
            drop_state(slot);
        }
    }
    0
}

unsafe extern "C" fn module_free<S: ModuleState>(module: *mut c_void) {
    // SAFETY: called by CPython (attached) when the module is deallocated.
    unsafe {
        let slot = state_slot::<S>(module.cast());
        if !slot.is_null() {
            drop_state(slot);
        }
    }
}

/// Defines `pub static MODULE: ModuleDef` for a module crate.
///
/// ```ignore
/// oxpy::module! {
///     name: binascii,
///     doc: "Conversion between binary data and ASCII",
///     state: State,
///     functions: [a2b_uu, b2a_uu],
/// }
/// ```
#[macro_export]
macro_rules! module {
    (
        name: $name:ident,
        doc: $doc:expr,
        state: $state:ty,
        functions: [$($func:ident),* $(,)?] $(,)?
    ) => {
        /// The module definition; `PyInit_` returns `MODULE.init()`.
        pub static MODULE: $crate::module::ModuleDef = {
            static METHODS: $crate::module::MethodTable<{ [$(stringify!($func),)* ""].len() }> =
                $crate::module::MethodTable::new([
                    $({
                        #[allow(unused_imports)]
                        use $crate::function::{Function as _, VarargsFunction as _};
                        $func::DEF
                    },)*
                    $crate::function::MethodDef::SENTINEL,
                ]);
            static SLOTS: $crate::module::SlotTable = $crate::module::SlotTable::new::<$state>();
            $crate::module::ModuleDef::new::<$state, { [$(stringify!($func),)* ""].len() }>(
                concat!(stringify!($name), "\0"),
                concat!($doc, "\0"),
                &METHODS,
                &SLOTS,
            )
        };
        impl $crate::module::DefinedBy for $state {
            const DEF: &'static $crate::module::ModuleDef = &MODULE;
        }
    };
}
