//! Every oxpy module in one library, exporting CPython's `PyInit_<name>`
//! entry points: built as a cdylib (copied to `<name><EXT_SUFFIX>` in the
//! overlay directory) and as a staticlib (linked into the interpreter, whose
//! built-in table names the same functions). One library, because several
//! Rust staticlibs in one binary clash on std's symbols.

/// `PyInit_binascii`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit_binascii() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is binascii's.
    unsafe { oxpy_binascii::MODULE.init() }
}

/// `PyInit_zlib`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit_zlib() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is zlib's.
    unsafe { oxpy_zlib::MODULE.init() }
}

/// `PyInit__bisect`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit__bisect() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is _bisect's.
    unsafe { oxpy_bisect::MODULE.init() }
}

/// `PyInit__heapq`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit__heapq() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is _heapq's.
    unsafe { oxpy_heapq::MODULE.init() }
}

/// `PyInit__struct`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit__struct() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is _struct's.
    unsafe { oxpy_struct::MODULE.init() }
}

/// `PyInit__csv`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit__csv() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is _csv's.
    unsafe { oxpy_csv::MODULE.init() }
}

/// `PyInit__json`
#[unsafe(no_mangle)]
pub extern "C" fn PyInit__json() -> *mut oxpy::__private::ffi::PyObject {
    // SAFETY: CPython's import system calls PyInit_ functions attached,
    // and this is _json's.
    unsafe { oxpy_json::MODULE.init() }
}
