//! Argument parsing with Argument Clinic's exact behaviour and messages.
//!
//! [`Params`] describes a signature; `unpack_*` match a call against it the
//! way CPython's `_PyArg_UnpackKeywords` / `_PyArg_CheckPositional` do (same
//! checks, same order, same messages), filling one slot per parameter. The
//! converters ([`FromArg`] and the `fn`s below) then turn each slot into a
//! Rust value with the errors of the corresponding clinic converter.

use pyo3_ffi as ffi;

use crate::buffer::Buffer;
use crate::err::c_truncate;
use crate::err::exceptions::{OverflowError, SystemError, TypeError};
use crate::function::CallArgs;
use crate::types::{PyAny, PyStr};
use crate::{Borrowed, PyResult, Python, Raised};

/// A function signature, as `#[oxpy::function]` derives it from the
/// function's `__text_signature__`.
pub struct Params {
    /// The Python name, used in messages as `name()`.
    pub fname: &'static str,
    /// Parameter names, in order.
    pub names: &'static [&'static str],
    /// How many leading parameters are positional-only.
    pub posonly: usize,
    /// How many leading parameters are required (no default).
    pub minpos: usize,
    /// How many parameters may be passed by position (before `*`).
    pub maxpos: usize,
    /// How many keyword-only parameters are required.
    pub minkw: usize,
    /// Called as `METH_O`: Argument Clinic then names the argument just
    /// "argument" in conversion errors.
    pub meth_o: bool,
}

/// Which parameter an argument was passed for, for converters' error
/// messages (two words: cheap to pass on every call).
#[derive(Clone, Copy)]
pub struct ArgCtx {
    params: &'static Params,
    index: usize,
}

impl ArgCtx {
    /// The function's name.
    pub fn fname(&self) -> &'static str {
        self.params.fname
    }

    /// The parameter's name.
    pub fn name(&self) -> &'static str {
        self.params.names[self.index]
    }

    /// Clinic's `_PyArg_BadArgument`: `TypeError: f() argument 1 must be
    /// <expected>, not <type>` (parameters that may be passed by keyword are
    /// named: "argument 'data'").
    #[cold]
    pub fn bad_argument(&self, expected: &str, arg: Borrowed<'_, '_, PyAny>) -> Raised {
        let display = if self.params.meth_o {
            "argument".to_string()
        } else if self.index >= self.params.posonly {
            format!("argument '{}'", self.name())
        } else {
            format!("argument {}", self.index + 1)
        };
        let got = if arg.as_ptr() == none_ptr() {
            "None".to_string()
        } else {
            c_truncate(arg.get_type().name(), 50).into_owned()
        };
        TypeError::raise(
            arg.py(),
            &format!(
                "{}() {} must be {}, not {}",
                c_truncate(self.fname(), 200),
                display,
                c_truncate(expected, 50),
                got
            ),
        )
    }
}

fn none_ptr() -> *mut pyo3_ffi::PyObject {
    // SAFETY: Py_None is a static object; taking its address is always sound.
    unsafe { pyo3_ffi::Py_None() }
}

impl Params {
    /// The context of parameter `i` (0-based).
    #[inline(always)]
    pub const fn ctx(&'static self, i: usize) -> ArgCtx {
        ArgCtx { params: self, index: i }
    }

    fn fname(&self) -> std::borrow::Cow<'_, str> {
        c_truncate(self.fname, 200)
    }
}

/// `METH_O` / `METH_NOARGS`: CPython already checked the count; copy it.
///
/// One slot at a time over `out` (a few, known at compile time): a copy of
/// the arguments' own count is a call to `memcpy`.
#[inline(always)]
pub fn unpack_exact<'a, 'py>(args: &CallArgs<'a, 'py>, out: &mut [Option<Borrowed<'a, 'py, PyAny>>]) {
    for (i, slot) in out.iter_mut().enumerate() {
        if let Some(&arg) = args.positional.get(i) {
            *slot = Some(arg);
        }
    }
}

/// `METH_FASTCALL` (all parameters positional-only), as
/// `_PyArg_CheckPositional`: `f expected at least 1 argument, got 0`.
#[inline(always)]
pub fn unpack_positional<'a, 'py>(
    py: Python<'py>,
    p: &Params,
    args: &CallArgs<'a, 'py>,
    out: &mut [Option<Borrowed<'a, 'py, PyAny>>],
) -> PyResult<()> {
    let n = args.positional.len();
    if n < p.minpos || n > p.names.len() {
        return Err(positional_count_error(py, p, n));
    }
    unpack_exact(args, out);
    Ok(())
}

#[cold]
fn positional_count_error(py: Python<'_>, p: &Params, n: usize) -> Raised {
    let (min, max) = (p.minpos, p.names.len());
    let (qual, count) = if n < min { ("at least ", min) } else { ("at most ", max) };
    let qual = if min == max { "" } else { qual };
    let plural = if count == 1 { "" } else { "s" };
    TypeError::raise(py, &format!("{} expected {qual}{count} argument{plural}, got {n}", p.fname()))
}

/// A method without parameters in clinic's defining-class convention:
/// positional arguments are refused, and keywords too from 3.13 on (3.11
/// and 3.12 ignore them, as their clinic did).
#[inline(always)]
pub fn unpack_none(py: Python<'_>, p: &Params, args: &CallArgs<'_, '_>) -> PyResult<()> {
    if args.positional.is_empty() && (args.kwvalues.is_empty() || !cfg!(Py_3_13)) {
        return Ok(());
    }
    Err(TypeError::raise(py, &format!("{}() takes no arguments", p.fname())))
}

/// `METH_FASTCALL | METH_KEYWORDS`, as `_PyArg_UnpackKeywords`.
#[inline(always)]
pub fn unpack_keywords<'a, 'py>(
    py: Python<'py>,
    p: &Params,
    args: &CallArgs<'a, 'py>,
    out: &mut [Option<Borrowed<'a, 'py, PyAny>>],
) -> PyResult<()> {
    let nargs = args.positional.len();
    if args.kwvalues.is_empty() && p.minkw == 0 && p.minpos <= nargs && nargs <= p.maxpos {
        unpack_exact(args, out);
        return Ok(());
    }
    unpack_keywords_slow(py, p, args, out)
}

// Indexing mirrors C's loop over parameter positions, message for message.
#[allow(clippy::needless_range_loop)]
fn unpack_keywords_slow<'a, 'py>(
    py: Python<'py>,
    p: &Params,
    args: &CallArgs<'a, 'py>,
    out: &mut [Option<Borrowed<'a, 'py, PyAny>>],
) -> PyResult<()> {
    let nargs = args.positional.len();
    let mut nkw = args.kwvalues.len();
    let maxargs = p.names.len();
    let minposonly = p.posonly.min(p.minpos);
    let f = p.fname();
    if nargs + nkw > maxargs {
        let kw = if nargs == 0 { "keyword " } else { "" };
        let s = if maxargs == 1 { "" } else { "s" };
        return Err(TypeError::raise(
            py,
            &format!("{f}() takes at most {maxargs} {kw}argument{s} ({} given)", nargs + nkw),
        ));
    }
    if nargs > p.maxpos {
        let msg = if p.maxpos == 0 {
            format!("{f}() takes no positional arguments")
        } else {
            let qual = if p.minpos < p.maxpos { "at most" } else { "exactly" };
            let s = if p.maxpos == 1 { "" } else { "s" };
            format!("{f}() takes {qual} {} positional argument{s} ({nargs} given)", p.maxpos)
        };
        return Err(TypeError::raise(py, &msg));
    }
    if nargs < minposonly {
        let qual = if minposonly < p.maxpos { "at least" } else { "exactly" };
        let s = if minposonly == 1 { "" } else { "s" };
        return Err(TypeError::raise(
            py,
            &format!("{f}() takes {qual} {minposonly} positional argument{s} ({nargs} given)"),
        ));
    }
    unpack_exact(args, out);
    let reqlimit = if p.minkw > 0 { p.maxpos + p.minkw } else { p.minpos };
    for i in nargs.max(p.posonly)..maxargs {
        let current = if nkw > 0 {
            find_keyword(args, p.names[i])?
        } else if i >= reqlimit {
            break;
        } else {
            None
        };
        out[i] = current;
        if current.is_some() {
            nkw -= 1;
        } else if i < p.minpos || (p.maxpos <= i && i < reqlimit) {
            return Err(TypeError::raise(
                py,
                &format!("{f}() missing required argument '{}' (pos {})", p.names[i], i + 1),
            ));
        }
    }
    if nkw > 0 {
        for i in p.posonly..nargs {
            if find_keyword(args, p.names[i])?.is_some() {
                return Err(TypeError::raise(
                    py,
                    &format!("argument for {f}() given by name ('{}') and position ({})", p.names[i], i + 1),
                ));
            }
        }
        return Err(unexpected_keyword(py, p, args));
    }
    Ok(())
}

/// The value passed for keyword `name`, if any.
fn find_keyword<'a, 'py>(args: &CallArgs<'a, 'py>, name: &str) -> PyResult<Option<Borrowed<'a, 'py, PyAny>>> {
    let Some(kwnames) = args.kwnames else { return Ok(None) };
    for (key, value) in kwnames.as_slice().iter().zip(args.kwvalues) {
        if let Some(key) = key.downcast::<PyStr>()
            && key_equals(key, name)?
        {
            return Ok(Some(*value));
        }
    }
    Ok(None)
}

fn key_equals(key: Borrowed<'_, '_, PyStr>, name: &str) -> PyResult<bool> {
    // Parameter names are ASCII: compare the compact ASCII data directly.
    match key.as_ascii()? {
        Some(k) => Ok(k == name.as_bytes()),
        None => Ok(false),
    }
}

#[cold]
fn unexpected_keyword(py: Python<'_>, p: &Params, args: &CallArgs<'_, '_>) -> Raised {
    let f = p.fname();
    if let Some(kwnames) = args.kwnames {
        for key in kwnames.as_slice() {
            let Some(s) = key.downcast::<PyStr>() else {
                return TypeError::raise(py, "keywords must be strings");
            };
            // Positional-only names are not keywords (clinic's keyword
            // tuple leaves them out): passing one is an invalid keyword.
            let known = match key_equals_any(s, &p.names[p.posonly..]) {
                Ok(k) => k,
                Err(e) => return e,
            };
            if !known {
                let repr = match s.to_str() {
                    Ok(r) => r,
                    Err(e) => return e,
                };
                return TypeError::raise(py, &unexpected_keyword_message(&f, repr));
            }
        }
    }
    TypeError::raise(py, &format!("invalid keyword argument for {f}()"))
}

fn key_equals_any(key: Borrowed<'_, '_, PyStr>, names: &[&str]) -> PyResult<bool> {
    for name in names {
        if key_equals(key, name)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The message for an unknown keyword, which changed in 3.13.
fn unexpected_keyword_message(f: &str, key: &str) -> String {
    if cfg!(Py_3_13) {
        format!("{f}() got an unexpected keyword argument '{key}'")
    } else {
        format!("'{key}' is an invalid keyword argument for {f}()")
    }
}

/// A slot that `unpack_*` guarantees to be filled (a required parameter).
#[inline(always)]
pub fn required<'a, 'py>(
    py: Python<'py>,
    slot: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<Borrowed<'a, 'py, PyAny>> {
    match slot {
        Some(v) => Ok(v),
        None => Err(SystemError::raise(py, "required argument missing after parsing")),
    }
}

/// Conversion of one argument, with the errors of a clinic converter.
pub trait FromArg<'a, 'py>: Sized {
    /// Converts `arg`, passed for the parameter described by `ctx`.
    fn from_arg(arg: Borrowed<'a, 'py, PyAny>, ctx: &ArgCtx) -> PyResult<Self>;
}

impl<'a, 'py> FromArg<'a, 'py> for Borrowed<'a, 'py, PyAny> {
    #[inline]
    fn from_arg(arg: Borrowed<'a, 'py, PyAny>, _ctx: &ArgCtx) -> PyResult<Self> {
        Ok(arg)
    }
}

/// Clinic `int`: `__index__`, `OverflowError` outside C int.
impl<'a, 'py> FromArg<'a, 'py> for i32 {
    #[inline]
    fn from_arg(arg: Borrowed<'a, 'py, PyAny>, _ctx: &ArgCtx) -> PyResult<Self> {
        arg.index_as_c_int()
    }
}

/// Clinic `Py_ssize_t`: `__index__`, `OverflowError` outside the range.
impl<'a, 'py> FromArg<'a, 'py> for isize {
    #[inline]
    fn from_arg(arg: Borrowed<'a, 'py, PyAny>, _ctx: &ArgCtx) -> PyResult<Self> {
        arg.index_as_ssize()
    }
}

/// Clinic `object(subclass_of='&PyList_Type')`: a list or a subclass.
impl<'a, 'py> FromArg<'a, 'py> for Borrowed<'a, 'py, crate::types::PyList> {
    #[inline]
    fn from_arg(arg: Borrowed<'a, 'py, PyAny>, ctx: &ArgCtx) -> PyResult<Self> {
        arg.downcast().ok_or_else(|| ctx.bad_argument("list", arg))
    }
}

/// Clinic `Py_buffer`: a C-contiguous read-only buffer.
impl<'a, 'py> FromArg<'a, 'py> for Buffer<'py> {
    #[inline(always)]
    fn from_arg(arg: Borrowed<'a, 'py, PyAny>, ctx: &ArgCtx) -> PyResult<Self> {
        Buffer::get(arg, ctx)
    }
}

/// Clinic `unsigned int(bitwise=True)`: any integer, reduced modulo 2**32.
#[inline]
pub fn u32_bitwise(arg: Borrowed<'_, '_, PyAny>, _ctx: &ArgCtx) -> PyResult<u32> {
    arg.index_as_u32_mask()
}

/// Clinic `Py_ssize_t(accept={int, NoneType})` with default -1
/// (`_Py_convert_optional_to_ssize_t`): `None` is -1; other non-integers
/// are a TypeError; out of range an OverflowError.
pub fn ssize_or_none(arg: Borrowed<'_, '_, PyAny>, _ctx: &ArgCtx) -> PyResult<isize> {
    let py = arg.py();
    if arg.as_ptr() == none_ptr() {
        return Ok(-1);
    }
    // SAFETY: attached, live object; PyNumber_AsSsize_t returns -1 with an
    // exception set on failure.
    unsafe {
        if pyo3_ffi::PyIndex_Check(arg.as_ptr()) == 0 {
            return Err(TypeError::raise(
                py,
                &format!("argument should be integer or None, not '{}'", c_truncate(arg.get_type().name(), 200)),
            ));
        }
        let v = pyo3_ffi::PyNumber_AsSsize_t(arg.as_ptr(), pyo3_ffi::PyExc_OverflowError);
        if v == -1 && Raised::is_set(py) {
            return Err(Raised::already_set());
        }
        Ok(v)
    }
}

/// `PyArg_ParseTuple`'s `i` format (used where C parses without Argument
/// Clinic): a C `long` through `__index__`, then range errors of its own.
pub fn getargs_int(arg: Borrowed<'_, '_, PyAny>, _ctx: &ArgCtx) -> PyResult<i32> {
    getargs_int_value(arg)
}

/// [`getargs_int`] outside argument parsing.
pub fn getargs_int_value(arg: Borrowed<'_, '_, PyAny>) -> PyResult<i32> {
    let py = arg.py();
    match arg.index_as_c_long()? {
        None => Err(OverflowError::raise(py, "Python int too large to convert to C long")),
        Some(v) if v > i32::MAX.into() => Err(OverflowError::raise(py, "signed integer is greater than maximum")),
        Some(v) if v < i32::MIN.into() => Err(OverflowError::raise(py, "signed integer is less than minimum")),
        Some(v) => Ok(v as i32),
    }
}

/// Clinic `bool`: the truth value (`PyObject_IsTrue`).
#[inline]
pub fn truth(arg: Borrowed<'_, '_, PyAny>, _ctx: &ArgCtx) -> PyResult<bool> {
    arg.is_truthy()
}

/// Clinic `bool(accept={int})`: an integer (`__index__`, C int range), true
/// when non-zero.
#[inline]
pub fn int_flag(arg: Borrowed<'_, '_, PyAny>, _ctx: &ArgCtx) -> PyResult<bool> {
    arg.index_as_c_int().map(|v| v != 0)
}

/// The flag parameters of stdlib modules (binascii's `newline`,
/// `strict_mode`, `backtick`, `header`, ...): declared `bool(accept={int})`
/// in 3.11 and plain `bool` (truth value) from 3.12 on.
#[inline]
pub fn stdlib_flag(arg: Borrowed<'_, '_, PyAny>, ctx: &ArgCtx) -> PyResult<bool> {
    if cfg!(Py_3_12) { truth(arg, ctx) } else { int_flag(arg, ctx) }
}

/// `PyArg_UnpackTuple(args, name, min, max, ...)`: the positional
/// arguments, with its count errors ("`name` expected at least 1 argument,
/// got 0"; C code often passes an empty name).
pub fn unpack_tuple<'a, 'py>(
    py: Python<'py>,
    name: &str,
    args: Borrowed<'a, 'py, crate::types::PyTuple>,
    min: usize,
    max: usize,
) -> PyResult<&'a [Borrowed<'a, 'py, PyAny>]> {
    let items = args.as_slice();
    let n = items.len();
    if n < min || n > max {
        let (qual, count) = if n < min { ("at least ", min) } else { ("at most ", max) };
        let qual = if min == max { "" } else { qual };
        let plural = if count == 1 { "" } else { "s" };
        return Err(TypeError::raise(py, &format!("{name} expected {qual}{count} argument{plural}, got {n}")));
    }
    Ok(items)
}

/// `PyArg_ParseTupleAndKeywords(args, kwargs, "|OO...", names, ...)` with
/// one `O` per name (at most 9): optional objects given by position or
/// keyword, with CPython's own errors for each version.
pub fn parse_optional_objects<'a, 'py, const N: usize>(
    py: Python<'py>,
    args: Borrowed<'a, 'py, crate::types::PyTuple>,
    kwargs: Option<Borrowed<'a, 'py, crate::types::PyDict>>,
    names: &[&'static std::ffi::CStr; N],
) -> PyResult<[Option<Borrowed<'a, 'py, PyAny>>; N]>
where
    'py: 'a,
{
    const FORMATS: [&std::ffi::CStr; 10] =
        [c"|", c"|O", c"|OO", c"|OOO", c"|OOOO", c"|OOOOO", c"|OOOOOO", c"|OOOOOOO", c"|OOOOOOOO", c"|OOOOOOOOO"];
    assert!(N <= 9, "at most 9 objects");
    let all = parse_objects(py, args, kwargs, FORMATS[N], names)?;
    Ok(std::array::from_fn(|i| all[i]))
}

/// `PyArg_ParseTuple(args, format, ...)` for a `format` of `O` units only
/// (see [`parse_objects`]; no keywords, and its own count messages: "f()
/// takes at least 2 arguments (1 given)").
pub fn parse_tuple_objects<'a, 'py>(
    py: Python<'py>,
    args: Borrowed<'a, 'py, crate::types::PyTuple>,
    format: &std::ffi::CStr,
) -> PyResult<[Option<Borrowed<'a, 'py, PyAny>>; 9]>
where
    'py: 'a,
{
    if let Some(all) = all_by_position(args, format) {
        return Ok(all);
    }
    let units = format.to_bytes().iter().take_while(|&&c| c != b':').filter(|&&c| c == b'O').count();
    assert!(units <= 9, "at most 9 O units");
    let mut out: [*mut ffi::PyObject; 9] = [std::ptr::null_mut(); 9];
    let [o0, o1, o2, o3, o4, o5, o6, o7, o8] = &mut out;
    // Attached; `args` is a tuple; CPython writes one borrowed reference (or
    // nothing) through each of the first `units` pointers and ignores the
    // others (extra variadic arguments are harmless).
    // SAFETY: as said above; the references borrow from args ('a).
    let ok = unsafe {
        ffi::PyArg_ParseTuple(
            args.as_ptr(),
            format.as_ptr(),
            o0 as *mut *mut ffi::PyObject,
            o1 as *mut *mut ffi::PyObject,
            o2 as *mut *mut ffi::PyObject,
            o3 as *mut *mut ffi::PyObject,
            o4 as *mut *mut ffi::PyObject,
            o5 as *mut *mut ffi::PyObject,
            o6 as *mut *mut ffi::PyObject,
            o7 as *mut *mut ffi::PyObject,
            o8 as *mut *mut ffi::PyObject,
        )
    };
    if ok == 0 {
        return Err(Raised::already_set());
    }
    // SAFETY: non-null entries are borrowed references alive for 'a.
    Ok(std::array::from_fn(|i| unsafe { std::ptr::NonNull::new(out[i]).map(|p| Borrowed::from_ptr(py, p)) }))
}

/// The objects when `format` is only `O` and `|` units (then `:name` or
/// `;message`) and `args` gives every required unit and no more than all:
/// what CPython's parsers hand over then (`None` for optional units not
/// given), without a call (C's clinic has the same fast path).
#[inline]
fn all_by_position<'a, 'py>(
    args: Borrowed<'a, 'py, crate::types::PyTuple>,
    format: &std::ffi::CStr,
) -> Option<[Option<Borrowed<'a, 'py, PyAny>>; 9]>
where
    'py: 'a,
{
    let (mut units, mut required) = (0, None);
    for &c in format.to_bytes() {
        match c {
            b'O' => units += 1,
            b'|' => required = required.or(Some(units)),
            b':' | b';' => break,
            _ => return None,
        }
    }
    let positional = args.as_slice();
    let given = required.unwrap_or(units)..=units;
    (given.contains(&positional.len()) && units <= 9).then(|| std::array::from_fn(|i| positional.get(i).copied()))
}

/// `PyArg_ParseTupleAndKeywords(args, kwargs, format, names, ...)` for a
/// `format` of `O` units only (at most 9, with `|` and `:name` as CPython
/// reads them; `names` one per unit): the objects in order (`None` for
/// optional ones not given), with CPython's own errors for each version.
/// C functions that convert with other units (`n`, `U`, `p`) are matched by
/// parsing `O` and converting in the same order.
pub fn parse_objects<'a, 'py>(
    py: Python<'py>,
    args: Borrowed<'a, 'py, crate::types::PyTuple>,
    kwargs: Option<Borrowed<'a, 'py, crate::types::PyDict>>,
    format: &std::ffi::CStr,
    names: &[&'static std::ffi::CStr],
) -> PyResult<[Option<Borrowed<'a, 'py, PyAny>>; 9]>
where
    'py: 'a,
{
    if kwargs.is_none_or(|k| k.is_empty())
        && let Some(all) = all_by_position(args, format)
    {
        return Ok(all);
    }
    let units = format.to_bytes().iter().take_while(|&&c| c != b':').filter(|&&c| c == b'O').count();
    assert!(units <= 9 && units == names.len(), "one name per O unit, at most 9");
    let mut kw: [*mut std::ffi::c_char; 10] = [std::ptr::null_mut(); 10];
    for (k, name) in kw.iter_mut().zip(names) {
        *k = name.as_ptr().cast_mut();
    }
    let mut out: [*mut ffi::PyObject; 9] = [std::ptr::null_mut(); 9];
    let kwargs = kwargs.map_or(std::ptr::null_mut(), |k| k.as_ptr());
    let [o0, o1, o2, o3, o4, o5, o6, o7, o8] = &mut out;
    // Attached; `args` is a tuple and `kwargs` a dict or null; the format
    // has `units` `O` units and `kw` that many names then a null; CPython
    // writes one borrowed reference (or nothing) through each of the first
    // `units` pointers and ignores the others (extra variadic arguments are
    // harmless).
    // SAFETY: as said above; the references borrow from args/kwargs ('a).
    let ok = unsafe {
        ffi::PyArg_ParseTupleAndKeywords(
            args.as_ptr(),
            kwargs,
            format.as_ptr(),
            kw.as_mut_ptr().cast(),
            o0 as *mut *mut ffi::PyObject,
            o1 as *mut *mut ffi::PyObject,
            o2 as *mut *mut ffi::PyObject,
            o3 as *mut *mut ffi::PyObject,
            o4 as *mut *mut ffi::PyObject,
            o5 as *mut *mut ffi::PyObject,
            o6 as *mut *mut ffi::PyObject,
            o7 as *mut *mut ffi::PyObject,
            o8 as *mut *mut ffi::PyObject,
        )
    };
    if ok == 0 {
        return Err(Raised::already_set());
    }
    // SAFETY: non-null entries are borrowed references alive for 'a.
    Ok(std::array::from_fn(|i| unsafe { std::ptr::NonNull::new(out[i]).map(|p| Borrowed::from_ptr(py, p)) }))
}

#[cfg(test)]
mod tests {
    use super::unexpected_keyword_message;

    #[test]
    fn unknown_keyword_message_follows_version() {
        let m = unexpected_keyword_message("f", "x");
        if cfg!(Py_3_13) {
            assert_eq!(m, "f() got an unexpected keyword argument 'x'");
        } else {
            assert_eq!(m, "'x' is an invalid keyword argument for f()");
        }
    }
}
