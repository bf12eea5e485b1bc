//! Unit tests that run against an embedded interpreter (the test binary
//! links libpython).

use std::ptr::NonNull;
use std::sync::Once;

use pyo3_ffi as ffi;

use crate::args::{Params, unpack_keywords, unpack_positional};
use crate::err::exceptions::ValueError;
use crate::function::{CallArgs, trampoline};
use crate::types::{PyAny, PyBytes, PyInt, PyStr, PyTuple};
use crate::{Borrowed, Bound, PyResult, Python, Raised};

/// Runs `f` attached to an embedded interpreter (tests run on several
/// threads; PyGILState serialises them).
fn with_py<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> R {
    static INIT: Once = Once::new();
    // SAFETY: initialise once, then release the GIL so that any test thread
    // can take it with PyGILState_Ensure; every test runs between Ensure and
    // Release, i.e. attached.
    unsafe {
        INIT.call_once(|| {
            ffi::Py_InitializeEx(0);
            ffi::PyEval_SaveThread();
        });
        let state = ffi::PyGILState_Ensure();
        let r = Python::with_attached(f);
        ffi::PyGILState_Release(state);
        r
    }
}

/// Takes the pending exception as "TypeName: message".
#[allow(deprecated)] // PyErr_Fetch and PyErr_NormalizeException on 3.12+
fn take_error(py: Python<'_>) -> String {
    assert!(Raised::is_set(py), "no exception set");
    // SAFETY: attached; PyErr_Fetch hands us three owned (maybe null)
    // references, which we release.
    unsafe {
        let (mut t, mut v, mut tb) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
        ffi::PyErr_Fetch(&mut t, &mut v, &mut tb);
        ffi::PyErr_NormalizeException(&mut t, &mut v, &mut tb);
        let name = Borrowed::<crate::types::PyType>::from_ptr(py, NonNull::new(t).unwrap()).name().to_string();
        let s = Bound::<PyStr>::from_owned_ptr_or_err(py, ffi::PyObject_Str(v)).unwrap();
        let msg = s.as_borrowed().to_str().unwrap().to_string();
        for p in [t, v, tb] {
            ffi::Py_XDECREF(p);
        }
        format!("{name}: {msg}")
    }
}

fn int(py: Python<'_>, v: i64) -> Bound<'_, PyAny> {
    PyInt::from_i64(py, v).unwrap().into_any()
}

fn tuple_of<'py>(py: Python<'py>, items: &[&str]) -> Bound<'py, PyTuple> {
    // SAFETY: attached; PyTuple_New gives a new tuple whose slots we fill
    // with new references (PyTuple_SetItem steals them).
    unsafe {
        let t = ffi::PyTuple_New(items.len() as ffi::Py_ssize_t);
        for (i, s) in items.iter().enumerate() {
            ffi::PyTuple_SetItem(t, i as ffi::Py_ssize_t, PyStr::new(py, s).unwrap().into_ptr());
        }
        Bound::from_owned_ptr_or_err(py, t).unwrap()
    }
}

static B2A: Params = Params {
    fname: "b2a_base64",
    names: &["data", "newline"],
    posonly: 1,
    minpos: 1,
    maxpos: 1,
    minkw: 0,
    meth_o: false,
};
static QP: Params = Params {
    fname: "b2a_qp",
    names: &["data", "quotetabs", "istext", "header"],
    posonly: 0,
    minpos: 1,
    maxpos: 4,
    minkw: 0,
    meth_o: false,
};
static CRC: Params =
    Params { fname: "crc32", names: &["data", "crc"], posonly: 2, minpos: 1, maxpos: 2, minkw: 0, meth_o: false };

/// Parses `positional` + `keywords` against `p`; "ok:<filled slots>" or the error.
fn parse(py: Python<'_>, p: &Params, positional: usize, keywords: &[&str]) -> String {
    let objs: Vec<Bound<'_, PyAny>> = (0..positional + keywords.len()).map(|i| int(py, i as i64)).collect();
    let all: Vec<Borrowed<'_, '_, PyAny>> = objs.iter().map(|o| o.as_borrowed()).collect();
    let names = tuple_of(py, keywords);
    let (positional_args, kwvalues) = all.split_at(positional);
    let args = CallArgs {
        positional: positional_args,
        kwvalues,
        kwnames: if keywords.is_empty() { None } else { Some(names.as_borrowed()) },
    };
    let mut slots = vec![None; p.names.len()];
    let r = if p.posonly == p.names.len() {
        unpack_positional(py, p, &args, &mut slots)
    } else {
        unpack_keywords(py, p, &args, &mut slots)
    };
    match r {
        Ok(()) => format!("ok:{}", slots.iter().map(|s| if s.is_some() { '1' } else { '0' }).collect::<String>()),
        Err(_) => take_error(py),
    }
}

#[test]
fn keyword_unpacking_matches_clinic() {
    with_py(|py| {
        assert_eq!(parse(py, &B2A, 1, &[]), "ok:10");
        assert_eq!(parse(py, &B2A, 1, &["newline"]), "ok:11");
        assert_eq!(parse(py, &B2A, 2, &[]), "TypeError: b2a_base64() takes exactly 1 positional argument (2 given)");
        assert_eq!(
            parse(py, &B2A, 0, &["data"]),
            "TypeError: b2a_base64() takes exactly 1 positional argument (0 given)"
        );
        assert_eq!(
            parse(py, &B2A, 1, &["newline", "x"]),
            "TypeError: b2a_base64() takes at most 2 arguments (3 given)"
        );
        assert_eq!(parse(py, &QP, 0, &["quotetabs"]), "TypeError: b2a_qp() missing required argument 'data' (pos 1)");
        assert_eq!(
            parse(py, &QP, 2, &["quotetabs"]),
            "TypeError: argument for b2a_qp() given by name ('quotetabs') and position (2)"
        );
        assert_eq!(parse(py, &QP, 0, &["header", "data"]), "ok:1001");
        assert_eq!(parse(py, &QP, 0, &[]), "TypeError: b2a_qp() missing required argument 'data' (pos 1)");
        let unknown = parse(py, &QP, 1, &["foo"]);
        if cfg!(Py_3_13) {
            assert_eq!(unknown, "TypeError: b2a_qp() got an unexpected keyword argument 'foo'");
        } else {
            assert_eq!(unknown, "TypeError: 'foo' is an invalid keyword argument for b2a_qp()");
        }
    });
}

#[test]
fn positional_counts_match_clinic() {
    with_py(|py| {
        assert_eq!(parse(py, &CRC, 1, &[]), "ok:10");
        assert_eq!(parse(py, &CRC, 0, &[]), "TypeError: crc32 expected at least 1 argument, got 0");
        assert_eq!(parse(py, &CRC, 3, &[]), "TypeError: crc32 expected at most 2 arguments, got 3");
    });
}

#[test]
fn int_conversions_match_c() {
    with_py(|py| {
        let big = int(py, i64::from(i32::MAX) + 1);
        assert!(big.as_borrowed().index_as_c_int().is_err());
        assert_eq!(take_error(py), "OverflowError: Python int too large to convert to C int");
        assert_eq!(int(py, -1).as_borrowed().index_as_u32_mask().ok(), Some(u32::MAX));
        let s = PyStr::new(py, "x").unwrap().into_any();
        assert!(s.as_borrowed().index_as_c_int().is_err());
        assert_eq!(take_error(py), "TypeError: 'str' object cannot be interpreted as an integer");
    });
}

/// `parse_tuple_objects` hands over what `PyArg_ParseTuple` does (its
/// fast path too: all units, or only the required ones, given), and raises
/// its errors.
#[test]
fn tuple_objects_match_parse_tuple() {
    with_py(|py| {
        for format in [c"OO|O:f", c"O|OO:f", c"OOO:f", c"|OO:f"] {
            for n in 0..5 {
                let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                let t = tuple_of(py, &items);
                let got = match crate::args::parse_tuple_objects(py, t.as_borrowed(), format) {
                    Ok(all) => format!("{:?}", all.iter().map(|o| o.map(|o| o.as_ptr())).collect::<Vec<_>>()),
                    Err(_) => take_error(py),
                };
                let mut out = [std::ptr::null_mut::<ffi::PyObject>(); 9];
                let [a, b, c, ..] = &mut out;
                // SAFETY: attached; a tuple and a format of three `O` units,
                // each given a pointer to write a borrowed reference to.
                let ok = unsafe {
                    ffi::PyArg_ParseTuple(
                        t.as_ptr(),
                        format.as_ptr(),
                        a as *mut *mut ffi::PyObject,
                        b as *mut *mut ffi::PyObject,
                        c as *mut *mut ffi::PyObject,
                    )
                };
                let want = if ok == 0 {
                    take_error(py)
                } else {
                    format!("{:?}", out.iter().map(|&p| NonNull::new(p)).collect::<Vec<_>>())
                };
                assert_eq!(got, want, "{format:?} with {n} arguments");
            }
        }
    });
}

/// Every int conversion reads ints of one digit (and zero) from their
/// fields: the results must be those of the C API calls, on both sides of
/// the one-digit limit, for bools and for an int subclass.
#[test]
fn compact_int_conversions_match_c_api() {
    let values: Vec<i64> = vec![0, 1, -1, 5, -5, 255, 256, (1 << 30) - 1, -(1 << 30) + 1, 1 << 30, -(1 << 30), 1 << 40];
    with_py(|py| {
        // SAFETY: attached; each object made here is a new reference,
        // released at the end; the C API calls on ints cannot fail here.
        unsafe {
            let mut objs: Vec<*mut ffi::PyObject> = values.iter().map(|&v| ffi::PyLong_FromLongLong(v)).collect();
            objs.push(ffi::PyBool_FromLong(1));
            objs.push(ffi::PyBool_FromLong(0));
            let globals = ffi::PyDict_New();
            for v in [-7, 0, 1 << 30] {
                let code = std::ffi::CString::new(format!("type('I', (int,), {{}})({v})")).unwrap();
                objs.push(ffi::PyRun_String(code.as_ptr(), ffi::Py_eval_input, globals, globals));
            }
            for &o in &objs {
                assert!(!o.is_null());
                let b = Borrowed::<PyAny>::from_ptr(py, NonNull::new(o).unwrap());
                let i = b.as_int().unwrap();
                let what = repr(py, o);
                assert_eq!(b.index_as_ssize().ok(), Some(ffi::PyLong_AsSsize_t(o)), "{what}");
                assert_eq!(b.as_c_long().ok(), Some(ffi::PyLong_AsLong(o) as isize), "{what}");
                assert_eq!(b.index_as_c_long().ok().flatten(), Some(ffi::PyLong_AsLong(o)), "{what}");
                assert_eq!(b.index_as_u32_mask().ok(), Some(ffi::PyLong_AsUnsignedLongMask(o) as u32), "{what}");
                assert_eq!(i.low_bits(), ffi::PyLong_AsUnsignedLongLongMask(o), "{what}");
                assert_eq!(i.value(), crate::types::IntValue::Signed(ffi::PyLong_AsLongLong(o)), "{what}");
                assert!(!Raised::is_set(py));
            }
            for o in objs {
                ffi::Py_DECREF(o);
            }
            ffi::Py_DECREF(globals);
        }
    });
}

#[test]
fn bytes_are_written_in_place_and_shrunk() {
    with_py(|py| {
        let b = PyBytes::new_shrunk(py, 10, |buf| {
            buf[..3].copy_from_slice(b"abc");
            Ok(3)
        })
        .unwrap();
        assert_eq!(b.as_bytes(), b"abc");
        let u = PyBytes::new_uninit(py, 8, |buf| Ok(buf[..3].write_copy_of_slice(b"xyz")));
        assert_eq!(u.unwrap().as_bytes(), b"xyz");
        let err: PyResult<Bound<'_, PyBytes>> = PyBytes::new_filled(py, 5, |_| Err(ValueError::raise(py, "boom")));
        assert!(err.is_err());
        assert_eq!(take_error(py), "ValueError: boom");
    });
}

#[test]
fn new_uninit_rejects_foreign_slices() {
    with_py(|py| {
        let r = PyBytes::new_uninit(py, 4, |_| Ok(Box::leak(Box::new([1u8, 2]))));
        assert!(r.is_err());
        assert_eq!(take_error(py), "SystemError: new_uninit: fill returned a foreign slice");
    });
}

#[test]
fn panics_become_system_error() {
    with_py(|py| {
        // The trampoline makes its own token; we are attached.
        let r = trampoline(|_py| -> PyResult<*mut ffi::PyObject> { panic!("kaboom") });
        assert!(r.is_null());
        assert_eq!(take_error(py), "SystemError: Rust code panicked: kaboom");
    });
}

#[test]
fn detach_releases_and_reacquires() {
    with_py(|mut py| {
        // SAFETY: PyGILState_Check may be called from any thread.
        let attached_inside = py.detach(|| unsafe { ffi::PyGILState_Check() });
        assert_eq!(attached_inside, 0);
        // Attached again: the API works.
        assert_eq!(PyBytes::new(py, b"ok").unwrap().as_bytes(), b"ok");
    });
}

/// The direct comparison of exact ints and floats gives what
/// `PyObject_RichCompareBool(a, b, Py_LT)` gives, across signs, digit
/// counts and equal prefixes.
#[test]
fn exact_number_lt_matches_rich_compare() {
    let mut ints: Vec<i128> = vec![0, 1, -1, 2, (1 << 30) - 1, 1 << 30, -(1 << 30), (1 << 60) + 5, -(1 << 60) - 5];
    ints.extend([i128::from(i64::MAX), i128::from(i64::MIN), i128::from(u64::MAX), -i128::from(u64::MAX)]);
    ints.extend([(1 << 90) + 7, (1 << 90) + 8, -(1 << 90) - 7, -(1 << 90) - 8, 1 << 100, -(1 << 100)]);
    let floats = [0.0, -0.0, 1.5, -1.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e300, -1e-300];
    with_py(|py| {
        // SAFETY: attached; every object made here is a new reference,
        // released at the end.
        unsafe {
            let mut objs = Vec::new();
            for &i in &ints {
                let text = std::ffi::CString::new(i.to_string()).unwrap();
                objs.push(ffi::PyLong_FromString(text.as_ptr(), std::ptr::null_mut(), 10));
            }
            for &f in &floats {
                objs.push(ffi::PyFloat_FromDouble(f));
            }
            for &a in &objs {
                for &b in &objs {
                    let expected = ffi::PyObject_RichCompareBool(a, b, ffi::Py_LT);
                    if let Some(got) = crate::types::any::exact_number_lt(a, b) {
                        assert_eq!(got, expected == 1, "{:?} < {:?}", repr(py, a), repr(py, b));
                    }
                }
            }
            for o in objs {
                ffi::Py_DECREF(o);
            }
        }
    });
}

/// `repr(obj)` as a Rust string (for assertion messages).
fn repr(_py: Python<'_>, obj: *mut ffi::PyObject) -> String {
    // SAFETY: attached (token); a live object; the repr is released.
    unsafe {
        let r = ffi::PyObject_Repr(obj);
        let s = std::ffi::CStr::from_ptr(ffi::PyUnicode_AsUTF8(r)).to_string_lossy().into_owned();
        ffi::Py_DECREF(r);
        s
    }
}

#[test]
fn gc_containers_untrack_and_track_once() {
    use crate::types::{PyDict, PyList};
    with_py(|py| {
        let list = PyList::new(py).unwrap();
        let list = list.as_borrowed();
        assert!(list.is_gc_tracked(), "a new list is tracked");
        list.gc_untrack();
        assert!(!list.is_gc_tracked());
        list.gc_untrack(); // untracking twice is allowed
        list.gc_track();
        assert!(list.is_gc_tracked());
        list.gc_track(); // a tracked object is left as it is (no fatal error)
        assert!(list.is_gc_tracked());
        let dict = PyDict::new(py).unwrap();
        let dict = dict.as_borrowed();
        assert!(!dict.is_gc_tracked(), "a new dict is untracked");
        let key = PyStr::new(py, "k").unwrap();
        dict.set_item(key.as_borrowed().as_any(), list.as_any()).unwrap();
        assert!(dict.is_gc_tracked(), "CPython tracks a dict that holds a list");
        dict.gc_untrack();
        assert!(!dict.is_gc_tracked());
        dict.gc_track();
        assert!(dict.is_gc_tracked());
    });
}

#[test]
fn decref_counts_as_py_decref() {
    with_py(|_py| {
        // SAFETY: attached; every reference taken here is released, the
        // set last (its weak reference then sees it freed).
        unsafe {
            let set = ffi::PySet_New(std::ptr::null_mut());
            assert_eq!(ffi::Py_REFCNT(set), 1);
            for _ in 0..3 {
                ffi::Py_INCREF(set);
            }
            crate::instance::decref(set);
            assert_eq!(ffi::Py_REFCNT(set), 3);
            crate::instance::decref(set);
            crate::instance::decref(set);
            assert_eq!(ffi::Py_REFCNT(set), 1);
            let weak = ffi::PyWeakref_NewRef(set, std::ptr::null_mut());
            assert!(!weak.is_null());
            crate::instance::decref(set);
            // Freed at zero: the weak reference is dead.
            #[allow(deprecated)] // PyWeakref_GetRef is 3.13+
            let target = ffi::PyWeakref_GetObject(weak);
            assert_eq!(target, ffi::Py_None());
            crate::instance::decref(weak);
            // Immortal objects (3.12+; None's count on 3.11) are left as they are.
            let none = ffi::Py_None();
            let before = ffi::Py_REFCNT(none);
            ffi::Py_INCREF(none);
            crate::instance::decref(none);
            assert_eq!(ffi::Py_REFCNT(none), before);
        }
    });
}
