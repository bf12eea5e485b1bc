//! oxpy: a safe Rust API for writing CPython (3.11–3.13) extension modules
//! with exact C semantics.
//!
//! The model, in brief:
//! - [`Python<'py>`] is a token proving the thread is attached to the
//!   interpreter (holds the GIL). Only the generated entry glue creates one.
//! - Handles: [`Bound`] (owned reference, decref on drop), [`Borrowed`] (no
//!   refcount, tied to its owner), [`Unbound`] (owned, `Send + Sync`, for
//!   module state). Every incref is explicit (`clone_ref`, `to_owned`).
//! - [`Raised`] is a zero-sized marker meaning "an exception is set on this
//!   thread"; [`PyResult<T>`] is `Result<T, Raised>`.
//! - Functions are declared with [`function`] (a signature in CPython's
//!   `__text_signature__` syntax drives argument parsing), modules with
//!   [`module!`] (multi-phase init, typed per-module state).
//!
//! All `unsafe` code of the project lives in this crate; each block states
//! its proof obligation in a `// SAFETY:` comment.

pub mod args;
pub mod buffer;
pub mod class;
pub mod err;
pub mod function;
pub mod instance;
pub mod module;
mod python;
pub mod sync;
pub mod types;

pub use err::{PyResult, Raised};
pub use instance::{Borrowed, Bound, Unbound};
pub use oxpy_macros::function;
pub use python::{Python, RecursionGuard, RecursionLevels};

/// Re-exports for macro-generated code; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use pyo3_ffi as ffi;
}

/// The CPython minor version this build targets (the `x` of 3.x), for the
/// few behaviours that differ between versions.
pub const PY_MINOR_VERSION: u8 = if cfg!(Py_3_13) {
    13
} else if cfg!(Py_3_12) {
    12
} else {
    11
};

/// The running CPython's micro version (the `z` of 3.x.z, from
/// `Py_Version`), for behaviours that changed in a bugfix release.
pub fn py_micro_version() -> u8 {
    // SAFETY: Py_Version is a constant of the linked libpython.
    (unsafe { __private::ffi::Py_Version } >> 8) as u8
}

#[cfg(test)]
mod tests;
