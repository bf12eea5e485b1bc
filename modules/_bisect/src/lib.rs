//! CPython's `_bisect` module in Rust: binary search and insertion on any
//! sequence, with C's argument handling, comparisons and errors. Exact lists
//! are read directly (a strong reference per item, as comparisons may run
//! code that changes the list); other sequences go through
//! `PySequence_GetItem`, as in C.
#![forbid(unsafe_code)]

use oxpy::args::ssize_or_none;
use oxpy::err::exceptions::ValueError;
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::types::{PyAny, PyList, PyModule};
use oxpy::{Borrowed, Bound, PyResult, Python};

/// `_bisect` keeps no state.
pub struct State;

impl ModuleState for State {
    fn exec<'py>(_module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        Ok(State)
    }

    fn traverse(&self, _visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        Ok(())
    }
}

oxpy::module! {
    name: _bisect,
    doc: "Bisection algorithms.

This module provides support for maintaining a list in sorted order without
having to sort the list after each insertion. For long lists of items with
expensive comparison operations, this can be an improvement over the more
common approach.
",
    state: State,
    functions: [bisect_right, insort_right, bisect_left, insort_left],
}

/// Item `index` of `a`: directly from an exact list, else `a[index]`.
#[inline]
fn item<'py>(
    a: Borrowed<'_, 'py, PyAny>,
    list: Option<Borrowed<'_, 'py, PyList>>,
    index: isize,
) -> PyResult<Bound<'py, PyAny>> {
    match list.and_then(|l| l.get(index as usize)) {
        Some(item) => Ok(item),
        // Not a list, or past its end (C's IndexError comes from here).
        None => a.sequence_item(index),
    }
}

/// C's `internal_bisect_right` / `internal_bisect_left`.
fn search<'py>(
    a: Borrowed<'_, 'py, PyAny>,
    x: Borrowed<'_, 'py, PyAny>,
    mut lo: isize,
    mut hi: isize,
    key: Option<Borrowed<'_, 'py, PyAny>>,
    right: bool,
) -> PyResult<isize> {
    if lo < 0 {
        return Err(ValueError::raise(a.py(), "lo must be non-negative"));
    }
    if hi == -1 {
        hi = a.sequence_len()?;
    }
    let list = if PyList::is_exact_type_of(a) { a.downcast::<PyList>() } else { None };
    while lo < hi {
        // As C: the unsigned sum cannot overflow.
        let mid = ((lo as usize + hi as usize) / 2) as isize;
        let mut probe = item(a, list, mid)?;
        if let Some(key) = key {
            probe = key.call1(probe.as_borrowed())?;
        }
        let before = if right { x.lt(probe.as_borrowed())? } else { !probe.as_borrowed().lt(x)? };
        if before {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

/// `key=None` is no key.
fn key_of<'a, 'py>(key: Option<Borrowed<'a, 'py, PyAny>>) -> Option<Borrowed<'a, 'py, PyAny>> {
    key.filter(|k| !k.is_none())
}

/// C's insort: bisect with `key(x)`, then `a.insert(index, x)` (directly
/// for exact lists).
fn insort<'py>(
    py: Python<'py>,
    a: Borrowed<'_, 'py, PyAny>,
    x: Borrowed<'_, 'py, PyAny>,
    lo: isize,
    hi: isize,
    key: Option<Borrowed<'_, 'py, PyAny>>,
    right: bool,
) -> PyResult<()> {
    let key = key_of(key);
    let index = match key {
        Some(k) => search(a, k.call1(x)?.as_borrowed(), lo, hi, Some(k), right)?,
        None => search(a, x, lo, hi, None, right)?,
    };
    match a.downcast::<PyList>().filter(|_| PyList::is_exact_type_of(a)) {
        Some(list) => list.insert(index, x),
        None => {
            let index = oxpy::types::PyInt::from_i64(py, index as i64)?;
            a.call_method(c"insert", &[index.as_borrowed().as_any(), x]).map(drop)
        }
    }
}

/// Return the index where to insert item x in list a, assuming a is sorted.
///
/// The return value i is such that all e in a[:i] have e <= x, and all e in
/// a[i:] have e > x.  So if x already appears in the list, a.insert(i, x) will
/// insert just after the rightmost x already there.
///
/// Optional args lo (default 0) and hi (default len(a)) bound the
/// slice of a to be searched.
/// @3.12+
/// @3.12+ A custom key function can be supplied to customize the sort order.
#[oxpy::function(text_signature = "($module, /, a, x, lo=0, hi=None, *, key=None)")]
fn bisect_right<'a, 'py>(
    py: Python<'py>,
    a: Borrowed<'a, 'py, PyAny>,
    x: Borrowed<'a, 'py, PyAny>,
    lo: isize,
    #[arg(with = ssize_or_none, default = -1)] hi: isize,
    key: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<isize> {
    let _ = py;
    search(a, x, lo, hi, key_of(key), true)
}

/// Insert item x in list a, and keep it sorted assuming a is sorted.
///
/// If x is already in a, insert it to the right of the rightmost x.
///
/// Optional args lo (default 0) and hi (default len(a)) bound the
/// slice of a to be searched.
/// @3.12+
/// @3.12+ A custom key function can be supplied to customize the sort order.
#[oxpy::function(text_signature = "($module, /, a, x, lo=0, hi=None, *, key=None)")]
fn insort_right<'a, 'py>(
    py: Python<'py>,
    a: Borrowed<'a, 'py, PyAny>,
    x: Borrowed<'a, 'py, PyAny>,
    lo: isize,
    #[arg(with = ssize_or_none, default = -1)] hi: isize,
    key: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<()> {
    insort(py, a, x, lo, hi, key, true)
}

/// Return the index where to insert item x in list a, assuming a is sorted.
///
/// The return value i is such that all e in a[:i] have e < x, and all e in
/// a[i:] have e >= x.  So if x already appears in the list, a.insert(i, x) will
/// insert just before the leftmost x already there.
///
/// Optional args lo (default 0) and hi (default len(a)) bound the
/// slice of a to be searched.
/// @3.12+
/// @3.12+ A custom key function can be supplied to customize the sort order.
#[oxpy::function(text_signature = "($module, /, a, x, lo=0, hi=None, *, key=None)")]
fn bisect_left<'a, 'py>(
    py: Python<'py>,
    a: Borrowed<'a, 'py, PyAny>,
    x: Borrowed<'a, 'py, PyAny>,
    lo: isize,
    #[arg(with = ssize_or_none, default = -1)] hi: isize,
    key: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<isize> {
    let _ = py;
    search(a, x, lo, hi, key_of(key), false)
}

/// Insert item x in list a, and keep it sorted assuming a is sorted.
///
/// If x is already in a, insert it to the left of the leftmost x.
///
/// Optional args lo (default 0) and hi (default len(a)) bound the
/// slice of a to be searched.
/// @3.12+
/// @3.12+ A custom key function can be supplied to customize the sort order.
#[oxpy::function(text_signature = "($module, /, a, x, lo=0, hi=None, *, key=None)")]
fn insort_left<'a, 'py>(
    py: Python<'py>,
    a: Borrowed<'a, 'py, PyAny>,
    x: Borrowed<'a, 'py, PyAny>,
    lo: isize,
    #[arg(with = ssize_or_none, default = -1)] hi: isize,
    key: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<()> {
    insort(py, a, x, lo, hi, key, false)
}
