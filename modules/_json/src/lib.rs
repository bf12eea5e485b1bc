//! CPython's `_json` module in Rust: `scanstring`, the scanner type
//! (`make_scanner`), the encoder type (`make_encoder`) and the two string
//! escapers, with C's results, hooks, recursion checks and errors on each of
//! 3.11, 3.12 and 3.13. Scanning, escaping and float repr are the pure-Rust
//! `oxpy-json-core`; this crate drives it with Python objects.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use oxpy::args::{getargs_int_value, parse_objects, parse_tuple_objects};
use oxpy::class::{BoolMember, CallObject, ClassType, NewObject, ObjectMember};
use oxpy::err::exceptions::{MemoryError, OverflowError, StopIteration, SystemError, TypeError, ValueError};
use oxpy::function::{IntoPyObject, MethodDef, VarargsFunction};
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::types::{GcContainer, PyAny, PyDict, PyFloat, PyInt, PyList, PyModule, PyStr, PyTuple, PyType, StrData};
use oxpy::{Borrowed, Bound, PY_MINOR_VERSION, PyResult, Python, Raised, RecursionLevels, Unbound};
use oxpy_json_core::{self as jc, CodeUnit, Event, ScanError, StrBuf, Text};

/// The module state: the two classes and the version's behaviour.
pub struct State {
    scanner_type: Unbound<ClassType<Scanner>>,
    encoder_type: Unbound<ClassType<Encoder>>,
    /// This module's escaper functions, which `make_encoder` recognises.
    escapers: [(Unbound<PyAny>, FastEncode); 2],
    compat: jc::Compat,
}

impl ModuleState for State {
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        let scanner_type = PyType::from_class::<Scanner>(module)?;
        let encoder_type = PyType::from_class::<Encoder>(module)?;
        module.add(c"make_scanner", &scanner_type.clone_ref().into_any())?;
        module.add(c"make_encoder", &encoder_type.clone_ref().into_any())?;
        let escaper = |name: &CStr| module.as_any().getattr(name).map(Bound::unbind);
        let escapers = [
            (escaper(c"encode_basestring_ascii")?, FastEncode::Ascii),
            (escaper(c"encode_basestring")?, FastEncode::Unicode),
        ];
        Ok(State {
            escapers,
            scanner_type: scanner_type.unbind(),
            encoder_type: encoder_type.unbind(),
            compat: jc::Compat::for_version(PY_MINOR_VERSION, oxpy::py_micro_version()),
        })
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        visit.call(&self.scanner_type)?;
        visit.call(&self.encoder_type)?;
        self.escapers.iter().try_for_each(|(f, _)| visit.call(f))
    }
}

oxpy::module! {
    name: _json,
    doc: "json speedups\n",
    state: State,
    functions: [encode_basestring_ascii, scanstring, encode_basestring],
}

/// A `str` of the core's text.
fn text_str<'py>(py: Python<'py>, text: Text<'_>) -> PyResult<Bound<'py, PyStr>> {
    PyStr::from_data(
        py,
        match text {
            Text::Ucs1(s) => StrData::Ucs1(s),
            Text::Ucs2(s) => StrData::Ucs2(s),
            Text::Ucs4(s) => StrData::Ucs4(s),
        },
    )
}

/// The document being scanned, to make the `str` of a text in it.
struct Input<'s, 'py> {
    s: Borrowed<'s, 'py, PyStr>,
    /// The document's characters when it is ASCII.
    ascii: Option<&'s [u8]>,
}

impl<'s, 'py> Input<'s, 'py> {
    /// The `str` of `text`: as C, a substring of an ASCII document is
    /// copied without a scan for its widest character.
    #[inline]
    fn str_of(&self, text: Text<'_>) -> PyResult<Bound<'py, PyStr>> {
        if let (Some(doc), Text::Ucs1(t)) = (self.ascii, text) {
            // Where `t` lies in the document, if it does (not an unescaped copy).
            let start = (t.as_ptr() as usize).wrapping_sub(doc.as_ptr() as usize);
            if start <= doc.len() && t.len() <= doc.len() - start {
                return self.s.substring(start, start + t.len());
            }
        }
        text_str(self.s.py(), text)
    }
}

/// The characters of `s` if it is a `str` (else none).
fn str_chars<'s>(s: &'s Bound<'_, PyAny>) -> PyResult<Text<'s>> {
    Ok(match s.as_borrowed().downcast::<PyStr>() {
        Some(s) => match s.data()? {
            StrData::Ucs1(u) => Text::Ucs1(u),
            StrData::Ucs2(u) => Text::Ucs2(u),
            StrData::Ucs4(u) => Text::Ucs4(u),
        },
        None => Text::Ucs1(&[]),
    })
}

/// Raises what C raises for a scanning error on `s`.
#[cold]
fn scan_error(py: Python<'_>, e: ScanError, s: Borrowed<'_, '_, PyStr>) -> Raised {
    match e {
        ScanError::Decode { msg, pos } => decode_error(py, msg, s, pos),
        ScanError::StopIteration(pos) => match PyInt::from_isize(py, pos as isize) {
            Ok(pos) => Raised::with_value(StopIteration::type_object(py), pos.as_borrowed().as_any()),
            Err(e) => e,
        },
        ScanError::Value(msg) => ValueError::raise(py, msg),
        ScanError::NoMemory => MemoryError::raise_empty(py),
    }
}

/// `json.decoder.JSONDecodeError(msg, s, pos)`, raised (C's `raise_errmsg`:
/// 3.12+ imports `json.decoder`; 3.11 takes it from `sys.modules` and, when
/// it is not there, returns without an exception, which CPython reports as
/// a `SystemError`).
#[cold]
fn decode_error(py: Python<'_>, msg: &str, s: Borrowed<'_, '_, PyStr>, pos: isize) -> Raised {
    let raise = || -> PyResult<Raised> {
        let decoder = if PY_MINOR_VERSION >= 12 {
            PyModule::import(py, c"json.decoder")?.into_any()
        } else {
            match PyModule::imported(py, c"json.decoder")? {
                Some(m) => m,
                None => return Ok(Raised::without_exception(py)),
            }
        };
        let cls = decoder.as_borrowed().getattr(c"JSONDecodeError")?;
        let msg = PyStr::new(py, msg)?.into_any();
        let pos = PyInt::from_isize(py, pos)?.into_any();
        let exc = cls.as_borrowed().call(&[msg.as_borrowed(), s.as_any(), pos.as_borrowed()], None)?;
        Ok(match cls.as_borrowed().downcast::<PyType>() {
            Some(ty) => Raised::with_value(ty, exc.as_borrowed()),
            None => TypeError::raise(py, "JSONDecodeError is not a class"),
        })
    };
    raise().unwrap_or_else(|e| e)
}

/// A `str` argument's characters, or C's "first argument must be a string".
#[inline(always)]
fn str_arg<'a, 'py>(py: Python<'py>, obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Borrowed<'a, 'py, PyStr>> {
    obj.downcast::<PyStr>().ok_or_else(|| not_a_str(py, obj))
}

#[cold]
fn not_a_str(py: Python<'_>, obj: Borrowed<'_, '_, PyAny>) -> Raised {
    let tp = oxpy::err::c_truncate(obj.get_type().name(), 80).into_owned();
    TypeError::raise(py, &format!("first argument must be a string, not {tp}"))
}

/// Runs `f` on the string's units in their width.
macro_rules! with_units {
    ($s:expr, |$u:ident| $body:expr) => {
        match $s.data()? {
            StrData::Ucs1($u) => $body,
            StrData::Ucs2($u) => $body,
            StrData::Ucs4($u) => $body,
        }
    };
}

// ---------------------------------------------------------------------------
// scanstring and the escapers

/// `scanstring(string, end, strict=True) -> (string, end)`.
#[allow(non_camel_case_types)]
struct scanstring;

impl VarargsFunction for scanstring {
    const DEF: MethodDef = MethodDef::varargs::<Self>(
        "scanstring\0",
        "scanstring(string, end, strict=True) -> (string, end)\n\nScan the string s for a JSON string. End is the \
         index of the\ncharacter in s after the quote that started the JSON string.\nUnescapes all valid JSON string \
         escape sequences and raises ValueError\non attempt to decode an invalid string. If strict is False then \
         literal\ncontrol characters are allowed in the string.\n\nReturns a tuple of the decoded string and the index \
         of the character in s\nafter the end quote.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        _module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        _kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let [s, end, strict, ..] = parse_tuple_objects(py, args, c"OO|O:scanstring")?;
        let (Some(s), Some(end)) = (s, end) else { return Err(SystemError::raise(py, "missing argument")) };
        // getargs' order: `n` then `strict` (`i` on 3.11, `p` since), then
        // C's own string check.
        let end = end.index_as_ssize()?;
        let strict = match strict {
            Some(v) if PY_MINOR_VERSION >= 12 => v.is_truthy()?,
            Some(v) => getargs_int_value(v)? != 0,
            None => true,
        };
        let s = str_arg(py, s)?;
        let mut buf = StrBuf::new();
        let (span, next) =
            with_units!(s, |u| jc::scanstring_span(u, end, strict, &mut buf)).map_err(|e| scan_error(py, e, s))?;
        let text = match span {
            jc::Span::Input(start, end) => s.substring(start, end)?,
            jc::Span::Buf => text_str(py, buf.text())?,
        };
        let next = PyInt::from_isize(py, next as isize)?;
        Ok(PyTuple::build(py, 2, |out| {
            out.push(text.into_any());
            out.push(next.into_any());
            Ok(())
        })?
        .into_any())
    }
}

/// The escaped JSON string of `s` (`ascii`: `encode_basestring_ascii`).
fn escaped_str<'py>(py: Python<'py>, s: Borrowed<'_, 'py, PyStr>, ascii: bool) -> PyResult<Bound<'py, PyStr>> {
    if let Some(chars) = s.as_ascii()? {
        // ASCII in, ASCII out: measured, then written into the new str, as
        // C does (no intermediate buffer).
        let len = if ascii { jc::escape::escaped_ascii_len(chars) } else { jc::escape::escaped_len(chars) };
        let len = len.ok_or_else(|| OverflowError::raise(py, "string is too long to escape"))?;
        if len == chars.len() + 2 {
            // Nothing to escape.
            return PyStr::from_ascii_parts(py, &[b"\"", chars, b"\""]);
        }
        return PyStr::new_ascii(py, len, |out| {
            let written =
                if ascii { jc::escape::escape_ascii_into(chars, out) } else { jc::escape::escape_into(chars, out) };
            debug_assert_eq!(written, Some(len));
        });
    }
    let mut buf = StrBuf::new();
    let pushed = with_units!(s, |u| if ascii { buf.push_escaped_ascii(u) } else { buf.push_escaped(u) });
    pushed.map_err(|_| MemoryError::raise_empty(py))?;
    text_str(py, buf.text())
}

/// encode_basestring_ascii(string) -> string
///
/// Return an ASCII-only JSON representation of a Python string
#[allow(non_camel_case_types)]
struct encode_basestring_ascii;

/// encode_basestring(string) -> string
///
/// Return a JSON representation of a Python string
#[allow(non_camel_case_types)]
struct encode_basestring;

macro_rules! escaper {
    ($ty:ident, $name:literal, $doc:literal, $ascii:expr) => {
        impl oxpy::function::Function for $ty {
            const DEF: MethodDef = MethodDef::o::<Self>(
                concat!($name, "\0"),
                if PY_MINOR_VERSION >= 13 {
                    concat!($name, "($self, object, /)\n--\n\n", $doc, "\0")
                } else {
                    concat!($doc, "\0")
                },
            );

            fn call<'a, 'py>(
                py: Python<'py>,
                _module: Borrowed<'a, 'py, PyModule>,
                args: oxpy::function::CallArgs<'a, 'py>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let s = str_arg(py, args.positional[0])?;
                Ok(escaped_str(py, s, $ascii)?.into_any())
            }
        }
    };
}

escaper!(
    encode_basestring_ascii,
    "encode_basestring_ascii",
    "encode_basestring_ascii(string) -> string\n\nReturn an ASCII-only JSON representation of a Python string",
    true
);
escaper!(
    encode_basestring,
    "encode_basestring",
    "encode_basestring(string) -> string\n\nReturn a JSON representation of a Python string",
    false
);

// ---------------------------------------------------------------------------
// The scanner

/// A scanner: the decoder's settings, read once (C's `PyScannerObject`).
pub struct Scanner {
    strict: BoolMember,
    object_hook: ObjectMember,
    object_pairs_hook: ObjectMember,
    parse_float: ObjectMember,
    parse_int: ObjectMember,
    parse_constant: ObjectMember,
    /// Before 3.13, C's scanner keeps its key memo dict, shared by calls
    /// re-entered from hooks and cleared when any call ends (see `Memo`).
    memo: [ObjectMember; MEMO_FIELDS],
    /// The running version's scanning differences (the module's).
    compat: jc::Compat,
}

const MEMO_FIELDS: usize = if PY_MINOR_VERSION >= 13 { 0 } else { 1 };

oxpy::class! {
    type: Scanner,
    name: "_json.Scanner",
    flags: GC,
    constructor: [],
    methods: [],
    members: [
        bool strict = "strict",
        object object_hook = "object_hook",
        object object_pairs_hook,
        object parse_float = "parse_float",
        object parse_int = "parse_int",
        object parse_constant = "parse_constant",
    ],
    getters: [],
    slots: [
        Slot::doc("JSON scanner object\0"),
        Slot::new_object::<ScannerNew>(),
        Slot::call::<ScannerCall>(),
    ],
    traverse: Scanner::traverse_members,
    clear: Scanner::clear_members,
}

impl Scanner {
    fn members(&self) -> [&ObjectMember; 5] {
        [&self.object_hook, &self.object_pairs_hook, &self.parse_float, &self.parse_int, &self.parse_constant]
    }

    fn traverse_members(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        self.members().into_iter().chain(&self.memo).try_for_each(|m| m.traverse(visit))
    }

    fn clear_members(&self, py: Python<'_>) {
        ObjectMember::clear_all(&self.members(), py);
    }
}

/// `make_scanner(context)`: the decoder's settings, read in C's order.
struct ScannerNew;

impl NewObject for ScannerNew {
    type Class = Scanner;

    fn call<'a, 'py>(
        py: Python<'py>,
        cls: Borrowed<'a, 'py, PyType>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let [ctx, ..] = parse_objects(py, args, kwargs, c"O:make_scanner", &[c"context"])?;
        let compat = module.state::<State>()?.compat;
        let Some(ctx) = ctx else { return Err(SystemError::raise(py, "missing context")) };
        let strict = ctx.getattr(c"strict")?.as_borrowed().is_truthy()?;
        let get = |name: &CStr| ctx.getattr(name).map(ObjectMember::new);
        let memo = (0..MEMO_FIELDS)
            .map(|_| Ok(ObjectMember::new(PyDict::new(py)?.into_any())))
            .collect::<PyResult<Vec<_>>>()?;
        let Ok(memo) = <[ObjectMember; MEMO_FIELDS]>::try_from(memo) else {
            return Err(SystemError::raise(py, "memo"));
        };
        let scanner = Scanner {
            memo,
            compat,
            strict: BoolMember::new(strict),
            object_hook: get(c"object_hook")?,
            object_pairs_hook: get(c"object_pairs_hook")?,
            parse_float: get(c"parse_float")?,
            parse_int: get(c"parse_int")?,
            parse_constant: get(c"parse_constant")?,
        };
        Ok(cls.instantiate(scanner)?.into_any())
    }
}

/// `scanner(string, idx) -> (value, end)` (C's `scan_once`).
struct ScannerCall;

impl CallObject for ScannerCall {
    type Class = Scanner;

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Scanner>,
        _module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let [s, idx, ..] = parse_objects(py, args, kwargs, c"OO:scan_once", &[c"string", c"idx"])?;
        let (Some(s), Some(idx)) = (s, idx) else { return Err(SystemError::raise(py, "missing argument")) };
        let idx = idx.index_as_ssize()?;
        let s = str_arg(py, s)?;
        let compat = slf.get().compat;
        // A local, not moved after: the memo holds its first keys inline.
        let memo = std::cell::RefCell::new(Memo::new(py, slf.get()));
        let scan = Scan::new(py, slf.get(), s, &memo)?;
        let result = with_units!(s, |u| scan.run(u, idx, compat));
        memo.borrow().finish();
        let (value, end) = result?;
        let end = PyInt::from_isize(py, end as isize)?;
        Ok(PyTuple::build(py, 2, |out| {
            out.push(value);
            out.push(end.into_any());
            Ok(())
        })?
        .into_any())
    }
}

/// One `scan_once` call: the scanner's settings and the key memo.
struct Scan<'s, 'py> {
    py: Python<'py>,
    scanner: &'s Scanner,
    input: Input<'s, 'py>,
    /// `object_hook` / `object_pairs_hook` is not None.
    object_hook: bool,
    pairs_hook: bool,
    /// The default float/int parsers are used (C compares with the types).
    float_default: bool,
    int_default: bool,
    /// Keys seen in this call, shared.
    memo: &'s std::cell::RefCell<Memo<'py>>,
}

/// The key memo of a call. On 3.13 C's memo is per call: a `KeyMemo`. Before,
/// it is the scanner's dict, shared by calls re-entered from hooks and
/// cleared when any call ends; the keys stay in a `KeyMemo` until Python code
/// could see the dict (a hook or parser is called), then move to the dict
/// in their order, and later keys go through it (`PyDict_SetDefault`, as C).
struct Memo<'py> {
    /// The keys while they are ours (not `shared`).
    fast: KeyMemo<'py>,
    /// The keys are in the scanner's dict (later ones go through it).
    shared: bool,
    /// The scanner's dict (before 3.13).
    dict: Option<Bound<'py, PyAny>>,
}

impl<'py> Memo<'py> {
    #[inline(always)]
    fn new(py: Python<'py>, scanner: &Scanner) -> Self {
        let dict = scanner.memo.first().map(|m| m.get(py));
        // Re-entered: the outer call's keys are in the dict already.
        let shared = dict.as_ref().and_then(|d| d.as_borrowed().downcast::<PyDict>()).is_some_and(|d| !d.is_empty());
        Memo { fast: KeyMemo::new(), shared, dict }
    }

    /// The `str` of a key's text, the same object for the same characters.
    fn key(&mut self, input: &Input<'_, 'py>, text: Text<'_>) -> PyResult<Bound<'py, PyAny>> {
        if !self.shared {
            return self.fast.key(input, text);
        }
        let key = input.str_of(text)?.into_any();
        match self.dict.as_ref().and_then(|d| d.as_borrowed().downcast::<PyDict>()) {
            Some(d) => d.setdefault(key.as_borrowed(), key.as_borrowed()),
            None => Ok(key),
        }
    }

    /// Before Python code runs: the keys so far move to the scanner's dict.
    fn share(&mut self) -> PyResult<()> {
        let Some(d) = self.dict.as_ref().and_then(|d| d.as_borrowed().downcast::<PyDict>()) else { return Ok(()) };
        if !self.shared {
            self.shared = true;
            for (_, k) in std::mem::take(&mut self.fast.keys) {
                d.setdefault(k.as_borrowed(), k.as_borrowed())?;
            }
        }
        Ok(())
    }

    /// The end of a call, returned or raised: C clears the scanner's dict.
    fn finish(&self) {
        if let Some(d) = self.dict.as_ref().and_then(|d| d.as_borrowed().downcast::<PyDict>()) {
            d.clear();
        }
    }
}

/// The keys of one scan, found again by their characters (whatever the
/// width of the text they come from) without allocating per key: the `str`s
/// in first-seen order, and past a few keys an open-addressing table of
/// indices into them.
struct KeyMemo<'py> {
    keys: smallvec::SmallVec<[(KeyChars, Bound<'py, PyAny>); FEW_KEYS]>,
    /// Indices into `keys` by `KeyChars::hash`; empty while `keys` is short
    /// enough to scan.
    table: IndexTable,
}

/// Keys scanned one by one before the table is built.
const FEW_KEYS: usize = 8;

/// A key's characters as compared in the memo: up to 16 latin-1 characters
/// (most keys) as two words that hold them all, else a hash of the code
/// points (the `str`s are then compared).
#[derive(Clone, Copy, PartialEq, Eq)]
struct KeyChars {
    hash: u64,
    /// The number of characters, or `LONG`.
    len: u32,
    words: [u64; 2],
}

const LONG: u32 = u32::MAX;

impl KeyChars {
    #[inline]
    fn of(text: Text<'_>) -> KeyChars {
        let short = |words: [u64; 2], len: usize| {
            let hash = (words[0] ^ words[1].rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            KeyChars { hash: hash ^ (hash >> 29), len: len as u32, words }
        };
        let words = match text {
            Text::Ucs1(b) if b.len() <= 16 => Some(short_words(b)),
            Text::Ucs2(w) => short_ucs2_words(w),
            Text::Ucs4(w) => short_latin1(w).map(|(b, n)| short_words(&b[..n])),
            Text::Ucs1(_) => None,
        };
        match words {
            Some(words) => short(words, text.len()),
            None => KeyChars { hash: text_hash(text), len: LONG, words: [0; 2] },
        }
    }

    /// Whether `key` (the `str` of an entry with these characters) has the
    /// characters of `text` (whose `KeyChars` equal these).
    #[inline]
    fn confirms(&self, text: Text<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        if self.len != LONG {
            return Ok(true);
        }
        same_chars(text, key)
    }
}

/// Wide units of at most 16 latin-1 characters as bytes (and their number).
#[inline]
fn short_latin1<T: Copy + Into<u32>>(w: &[T]) -> Option<([u8; 16], usize)> {
    if w.len() > 16 || w.iter().any(|&c| c.into() > 0xff) {
        return None;
    }
    let mut b = [0u8; 16];
    for (d, &c) in b.iter_mut().zip(w) {
        *d = c.into() as u8;
    }
    Some((b, w.len()))
}

/// `short_words` of UCS-2 units (at most 16, all latin-1, else none) as
/// bytes, read four units at a time (what `short_latin1` and `short_words`
/// give, without a loop per unit: keys of a non-ASCII document).
#[inline]
fn short_ucs2_words(w: &[u16]) -> Option<[u64; 2]> {
    // Four units from `at` (if there are four), as four latin-1 bytes.
    let four = |at: usize| -> Option<u64> {
        let x = match w.get(at..at + 4) {
            Some(&[a, b, c, d]) => u64::from(a) | u64::from(b) << 16 | u64::from(c) << 32 | u64::from(d) << 48,
            _ => return None,
        };
        if x & 0xff00_ff00_ff00_ff00 != 0 {
            return None;
        }
        let x = (x | x >> 8) & 0x0000_ffff_0000_ffff;
        Some((x | x >> 16) & 0xffff_ffff)
    };
    let n = w.len();
    Some(match n {
        17.. => return None,
        8.. => [four(0)? | four(4)? << 32, four(n - 8)? | four(n - 4)? << 32],
        4..=7 => [four(0)? | four(n - 4)? << 32, 0],
        1..=3 => {
            let byte = |i: usize| w.get(i).copied().filter(|&c| c <= 0xff).map(u64::from);
            [byte(0)? | byte(n / 2)? << 8 | byte(n - 1)? << 16, 0]
        }
        0 => [0, 0],
    })
}

/// Up to 16 bytes as two words from which they can be read back given
/// their number (overlapping loads; the same bytes give the same words).
#[inline]
fn short_words(b: &[u8]) -> [u64; 2] {
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b.get(at..at + 8).and_then(|w| w.try_into().ok()).unwrap_or_default());
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(b.get(at..at + 4).and_then(|w| w.try_into().ok()).unwrap_or_default()))
    };
    match n {
        8.. => [word(0), word(n - 8)],
        4..=7 => [half(0) | (half(n - 4) << 32), 0],
        1..=3 => [u64::from(b[0]) | (u64::from(b[n / 2]) << 8) | (u64::from(b[n - 1]) << 16), 0],
        0 => [0, 0],
    }
}

impl<'py> KeyMemo<'py> {
    #[inline(always)]
    fn new() -> Self {
        KeyMemo { keys: smallvec::SmallVec::new(), table: IndexTable::new() }
    }

    /// The `str` of `text`, the same object for the same characters.
    #[inline]
    fn key(&mut self, input: &Input<'_, 'py>, text: Text<'_>) -> PyResult<Bound<'py, PyAny>> {
        let chars = KeyChars::of(text);
        let keys = &self.keys;
        // Short keys are equal when their `KeyChars` are: no call, no error.
        let found = if chars.len != LONG {
            match self.table.is_empty() {
                true => keys.iter().position(|(c, _)| *c == chars),
                false => self.table.find_by(chars.hash, |j| keys.get(j).is_some_and(|(c, _)| *c == chars)),
            }
        } else {
            self.find_long(text, &chars)?
        };
        match found.and_then(|j| keys.get(j)) {
            Some((_, k)) => Ok(k.clone_ref()),
            None => self.add(input, text, chars),
        }
    }

    /// The index of the long key with `text`'s characters (`chars`).
    #[cold]
    #[inline(never)]
    fn find_long(&self, text: Text<'_>, chars: &KeyChars) -> PyResult<Option<usize>> {
        let keys = &self.keys;
        let same = |j: usize| keys.get(j).map_or(Ok(false), |(c, k)| Ok(c == chars && c.confirms(text, k)?));
        if self.table.is_empty() {
            for j in 0..keys.len() {
                if same(j)? {
                    return Ok(Some(j));
                }
            }
            return Ok(None);
        }
        self.table.find(chars.hash, same)
    }

    /// A key not seen before: its new `str`, kept.
    #[inline(never)]
    fn add(&mut self, input: &Input<'_, 'py>, text: Text<'_>, chars: KeyChars) -> PyResult<Bound<'py, PyAny>> {
        let key = input.str_of(text)?.into_any();
        self.keys.push((chars, key.clone_ref()));
        if self.keys.len() > FEW_KEYS {
            let keys = &self.keys;
            self.table.insert(keys.len() - 1, |j| keys.get(j).map_or(0, |(c, _)| c.hash));
        }
        Ok(key)
    }
}

/// Indices into a list of entries, found by a hash of each: open
/// addressing with linear probing, a power of two long and at most half
/// full (the key memo's and the encoder's key cache's).
struct IndexTable {
    /// `index + 1` (0: free).
    slots: Vec<u32>,
    /// The number of indices in `slots`.
    len: usize,
}

impl IndexTable {
    fn new() -> Self {
        IndexTable { slots: Vec::new(), len: 0 }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first index of those with `hash` that `is` accepts.
    #[inline(always)]
    fn find<E>(&self, hash: u64, mut is: impl FnMut(usize) -> Result<bool, E>) -> Result<Option<usize>, E> {
        let mut failed = None;
        let found = self.find_by(hash, |j| is(j).unwrap_or_else(|e| failed.replace(e).is_none()));
        match failed {
            Some(e) => Err(e),
            None => Ok(found),
        }
    }

    /// The first index of those with `hash` that `is` accepts.
    #[inline(always)]
    fn find_by(&self, hash: u64, mut is: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash as usize & mask;
        while let Some(&slot) = self.slots.get(i) {
            let j = (slot as usize).checked_sub(1)?;
            if is(j) {
                return Some(j);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Adds `j`, the last of the entries `0..=j`, whose hashes `hash_of`
    /// gives; past half full, grows to four times the entries.
    fn insert(&mut self, j: usize, hash_of: impl Fn(usize) -> u64) {
        if 2 * (j + 1) > self.slots.len() {
            self.slots.clear();
            self.slots.resize((4 * (j + 1)).next_power_of_two(), 0);
            self.len = 0;
            for k in 0..j {
                self.place(k, hash_of(k));
            }
        }
        self.place(j, hash_of(j));
    }

    fn place(&mut self, j: usize, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots.get(i).is_some_and(|&slot| slot != 0) {
            i = (i + 1) & mask;
        }
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = j as u32 + 1;
            self.len += 1;
        }
    }
}

/// A hash of a text's code points (the same for any width).
#[inline]
fn text_hash(text: Text<'_>) -> u64 {
    #[inline(always)]
    fn fold(h: u64, c: u32) -> u64 {
        (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
    }
    match text {
        Text::Ucs1(s) => s.iter().fold(s.len() as u64, |h, &c| fold(h, u32::from(c))),
        Text::Ucs2(s) => s.iter().fold(s.len() as u64, |h, &c| fold(h, u32::from(c))),
        Text::Ucs4(s) => s.iter().fold(s.len() as u64, |h, &c| fold(h, c)),
    }
}

/// Whether `text` has the characters of the `str` `key`.
#[inline]
fn same_chars(text: Text<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
    let Some(key) = key.as_borrowed().downcast::<PyStr>() else { return Ok(false) };
    Ok(match (text, key.data()?) {
        (Text::Ucs1(a), StrData::Ucs1(b)) => a == b,
        (Text::Ucs2(a), StrData::Ucs2(b)) => a == b,
        (Text::Ucs4(a), StrData::Ucs4(b)) => a == b,
        (Text::Ucs1(a), b) => same_code_points(a, b),
        (Text::Ucs2(a), b) => same_code_points(a, b),
        (Text::Ucs4(a), b) => same_code_points(a, b),
    })
}

/// Whether two texts of different widths have the same code points.
fn same_code_points<A: Copy + Into<u32>>(a: &[A], b: StrData<'_>) -> bool {
    fn eq<A: Copy + Into<u32>, B: Copy + Into<u32>>(a: &[A], b: &[B]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| x.into() == y.into())
    }
    match b {
        StrData::Ucs1(b) => eq(a, b),
        StrData::Ucs2(b) => eq(a, b),
        StrData::Ucs4(b) => eq(a, b),
    }
}

/// A fast hasher for short keys (Fx, as rustc uses): the memo's keys come
/// from the document, its lookups are not exposed to the document's author
/// beyond one call.
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.write_u64(u64::from_le_bytes(last));
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The open containers of a scan: the innermost one (its dict, pairs list
/// or list, and the key waiting for its value, `None` in an array) in
/// fields of its own, the enclosing ones on a stack touched only when
/// containers nest. A flat document never uses the stack: a small vector's
/// pushes and pops store and reload its length at an address chosen by a
/// branch, which costs more than the rest of an empty container.
struct Frames<'py> {
    container: Option<Bound<'py, PyAny>>,
    key: Option<Bound<'py, PyAny>>,
    outer: smallvec::SmallVec<[Frame<'py>; 4]>,
    /// One recursion level per open container, entered before it is made.
    levels: RecursionLevels<'py>,
}

/// An enclosing container and its key waiting for a value.
type Frame<'py> = (Bound<'py, PyAny>, Option<Bound<'py, PyAny>>);

impl<'py> Frames<'py> {
    fn new(py: Python<'py>) -> Self {
        Frames { container: None, key: None, outer: smallvec::SmallVec::new(), levels: RecursionLevels::new(py) }
    }

    #[inline(always)]
    fn open(&mut self, container: Bound<'py, PyAny>) {
        if let Some(enclosing) = self.container.replace(container) {
            self.outer.push((enclosing, self.key.take()));
        }
    }

    /// The innermost container, closed (its level is still entered: the
    /// caller leaves it after the object hooks, which C runs inside it).
    #[inline(always)]
    fn close(&mut self) -> Option<Bound<'py, PyAny>> {
        let container = self.container.take()?;
        self.key = None;
        if let Some((enclosing, key)) = self.outer.pop() {
            self.container = Some(enclosing);
            self.key = key;
        }
        Some(container)
    }

    /// Whether a container is open (the value is not complete).
    #[inline]
    fn is_open(&self) -> bool {
        self.container.is_some()
    }

    /// The innermost container and its key slot.
    #[inline]
    fn top(&mut self) -> Option<(&Bound<'py, PyAny>, &mut Option<Bound<'py, PyAny>>)> {
        self.container.as_ref().map(|c| (c, &mut self.key))
    }
}

/// The `where` of the recursion level the scanner enters per object / array.
const OBJECT_LEVEL: &CStr = c" while decoding a JSON object from a unicode string";
const ARRAY_LEVEL: &CStr = c" while decoding a JSON array from a unicode string";

/// The finished containers of a scan, hidden from the cyclic collector until
/// the value is complete: 3.11 collects inside allocations, so during a
/// scan, and each collection would walk the containers made so far, which
/// cannot be garbage (no Python code sees them: only without hooks, and
/// until `parse_constant` is called). 3.12+ collect at the next bytecode,
/// after the call, and C's scanner gives them the same work then: the
/// value's containers, tracked as C's would be (lists always; a dict once a
/// list or dict is stored in it, which CPython does itself). The value
/// itself is not hidden (it is complete when closed), nor the first
/// `VISIBLE` containers (a collection comes after hundreds of allocations:
/// small documents skip the work).
struct Hidden<'py> {
    on: bool,
    /// Containers closed while `on` and not hidden, up to `VISIBLE`.
    seen: u32,
    containers: Vec<Bound<'py, PyAny>>,
}

const VISIBLE: u32 = 32;

impl<'py> Hidden<'py> {
    #[inline]
    fn new(on: bool) -> Self {
        Hidden { on, seen: 0, containers: Vec::new() }
    }

    /// A finished container: untracked if tracked, to be tracked again.
    #[inline]
    fn hide<T: GcContainer>(&mut self, c: Borrowed<'_, 'py, T>) {
        if !self.on {
            return;
        }
        if self.seen < VISIBLE {
            self.seen += 1;
        } else if c.is_gc_tracked() {
            c.gc_untrack();
            self.containers.push(c.as_any().to_owned());
        }
    }

    /// The containers hidden so far tracked again, and no more hidden
    /// (before Python code runs, and at the end).
    #[inline]
    fn show_all(&mut self) {
        self.on = false;
        if !self.containers.is_empty() {
            self.track_hidden();
        }
    }

    #[cold]
    #[inline(never)]
    fn track_hidden(&mut self) {
        for c in self.containers.drain(..) {
            if let Some(l) = c.as_borrowed().downcast::<PyList>() {
                l.gc_track();
            } else if let Some(d) = c.as_borrowed().downcast::<PyDict>() {
                d.gc_track();
            }
        }
    }
}

impl Drop for Hidden<'_> {
    /// After an error too: no container is left untracked (the parts of a
    /// failed scan are freed with it, unless something else holds them).
    fn drop(&mut self) {
        self.show_all();
    }
}

/// What a scan has built: its open containers, the finished ones it hides
/// from the collector, and the value once complete. Dropped unfinished, it
/// leaves the recursion levels and shows the hidden containers.
struct Built<'py> {
    frames: Frames<'py>,
    hidden: Hidden<'py>,
    result: Option<Bound<'py, PyAny>>,
}

impl<'py> Built<'py> {
    #[inline]
    fn new(py: Python<'py>, hide: bool) -> Self {
        Built { frames: Frames::new(py), hidden: Hidden::new(hide), result: None }
    }

    /// The complete value and the index after it.
    #[inline]
    fn value(mut self, py: Python<'py>, end: usize) -> PyResult<(Bound<'py, PyAny>, usize)> {
        self.hidden.show_all();
        match self.result.take() {
            Some(v) => Ok((v, end)),
            None => Err(SystemError::raise(py, "no JSON value")),
        }
    }
}

/// A walk's events, built as they come.
struct Walk<'a, 's, 'py> {
    scan: &'a Scan<'s, 'py>,
    built: &'a mut Built<'py>,
}

impl<'py, T: CodeUnit> jc::Sink<T> for Walk<'_, '_, 'py> {
    type Error = Raised;

    #[inline(always)]
    fn event(&mut self, event: Event<'_, T>) -> PyResult<()> {
        self.scan.event(self.built, event)
    }
}

impl<'s, 'py> Scan<'s, 'py> {
    fn new(
        py: Python<'py>,
        scanner: &'s Scanner,
        s: Borrowed<'s, 'py, PyStr>,
        memo: &'s std::cell::RefCell<Memo<'py>>,
    ) -> PyResult<Self> {
        Ok(Scan {
            py,
            scanner,
            input: Input { s, ascii: s.as_ascii()? },
            object_hook: !scanner.object_hook.is_none(py),
            pairs_hook: !scanner.object_pairs_hook.is_none(py),
            float_default: scanner.parse_float.is(py, PyType::float_type(py)),
            int_default: scanner.parse_int.is(py, PyType::int_type(py)),
            memo,
        })
    }

    /// The value at `idx` and the index after it.
    fn run<T: CodeUnit>(&self, units: &[T], idx: isize, compat: jc::Compat) -> PyResult<(Bound<'py, PyAny>, usize)> {
        let py = self.py;
        if let Some(empty) = self.empty_container(units, idx)? {
            return Ok(empty);
        }
        let mut scanner = jc::Scanner::new(units, idx, self.scanner.strict.get(), compat);
        // No Python code runs in the scan (until `parse_constant`).
        let quiet = !self.pairs_hook && !self.object_hook && self.int_default && self.float_default;
        let mut built = Built::new(py, PY_MINOR_VERSION == 11 && quiet);
        // Without Python code, the scanner's fast walk first; it leaves
        // errors and constants to the steps below, which go on from there.
        if quiet && scanner.walk(&mut Walk { scan: self, built: &mut built })? == jc::Walked::Done {
            return built.value(py, scanner.end());
        }
        while let Some(event) = scanner.next_event().map_err(|e| scan_error(py, e, self.input.s))? {
            self.event(&mut built, event)?;
        }
        built.value(py, scanner.end())
    }

    /// Builds what `event` says.
    #[inline(always)]
    fn event<T: CodeUnit>(&self, built: &mut Built<'py>, event: Event<'_, T>) -> PyResult<()> {
        let py = self.py;
        let Built { frames, hidden, result } = built;
        // Objects are pairs lists for `object_pairs_hook`, else dicts.
        let pairs = self.pairs_hook;
        let value = match event {
            Event::StartObject => {
                frames.levels.enter(OBJECT_LEVEL)?;
                let target = if pairs { PyList::new(py)?.into_any() } else { PyDict::new(py)?.into_any() };
                frames.open(target);
                return Ok(());
            }
            Event::StartArray => {
                frames.levels.enter(ARRAY_LEVEL)?;
                frames.open(PyList::new(py)?.into_any());
                return Ok(());
            }
            Event::Key(text) => {
                let key = self.memo.borrow_mut().key(&self.input, text)?;
                if let Some((_, slot)) = frames.top() {
                    *slot = Some(key);
                }
                return Ok(());
            }
            // The hooks run inside the object's recursion level, as in
            // C, which is left after them.
            Event::EndObject => {
                let value = match frames.close() {
                    Some(target) if pairs || self.object_hook => self.object_hooked(target, pairs)?,
                    Some(target) => {
                        if let Some(d) = target.as_borrowed().downcast::<PyDict>()
                            && frames.is_open()
                        {
                            hidden.hide(d);
                        }
                        target
                    }
                    None => return Err(SystemError::raise(py, "unbalanced JSON events")),
                };
                frames.levels.leave();
                value
            }
            Event::EndArray => {
                let Some(list) = frames.close() else {
                    return Err(SystemError::raise(py, "unbalanced JSON events"));
                };
                if let Some(l) = list.as_borrowed().downcast::<PyList>()
                    && frames.is_open()
                {
                    hidden.hide(l);
                }
                frames.levels.leave();
                list
            }
            Event::Str(text) => self.input.str_of(text)?.into_any(),
            Event::Number(n) => self.number(&n)?,
            Event::Null => ().into_py_object(py)?,
            Event::True => true.into_py_object(py)?,
            Event::False => false.into_py_object(py)?,
            Event::Constant(c) => {
                hidden.show_all();
                self.constant(c)?
            }
        };
        match frames.top() {
            None => *result = Some(value),
            // An array.
            Some((list, None)) => {
                if let Some(list) = list.as_borrowed().downcast::<PyList>() {
                    list.append(value.as_borrowed())?;
                }
            }
            Some((target, key @ Some(_))) => {
                let Some(key) = key.take() else { return Ok(()) };
                if pairs {
                    let pair = PyTuple::build(py, 2, |out| {
                        out.push(key);
                        out.push(value);
                        Ok(())
                    })?;
                    if let Some(list) = target.as_borrowed().downcast::<PyList>() {
                        list.append(pair.as_borrowed().as_any())?;
                    }
                } else if let Some(d) = target.as_borrowed().downcast::<PyDict>() {
                    d.set_item(key.as_borrowed(), value.as_borrowed())?;
                }
            }
        }
        Ok(())
    }

    /// `{}` or `[]` at `idx` (without hooks): the new empty dict or list, made
    /// inside a recursion level as the scanner does, without the scanner.
    #[inline]
    fn empty_container<T: CodeUnit>(&self, units: &[T], idx: isize) -> PyResult<Option<(Bound<'py, PyAny>, usize)>> {
        let Some((open, close)) = usize::try_from(idx).ok().and_then(|i| Some((*units.get(i)?, *units.get(i + 1)?)))
        else {
            return Ok(None);
        };
        let (open, close) = (open.into(), close.into());
        let (list, msg) = match (open, close) {
            (0x7b, 0x7d) if !self.pairs_hook && !self.object_hook => (false, OBJECT_LEVEL),
            (0x5b, 0x5d) => (true, ARRAY_LEVEL),
            _ => return Ok(None),
        };
        let _level = self.py.enter_recursive_call(msg)?;
        let value = if list { PyList::new(self.py)?.into_any() } else { PyDict::new(self.py)?.into_any() };
        Ok(Some((value, idx as usize + 2)))
    }

    /// An object through `object_pairs_hook` (`pairs`) or `object_hook`.
    #[cold]
    #[inline(never)]
    fn object_hooked(&self, target: Bound<'py, PyAny>, pairs: bool) -> PyResult<Bound<'py, PyAny>> {
        self.memo.borrow_mut().share()?;
        let hook = if pairs { &self.scanner.object_pairs_hook } else { &self.scanner.object_hook };
        hook.get(self.py).as_borrowed().call1(target.as_borrowed())
    }

    /// `parse_constant(name)`.
    #[cold]
    #[inline(never)]
    fn constant(&self, c: jc::Constant) -> PyResult<Bound<'py, PyAny>> {
        self.memo.borrow_mut().share()?;
        let name = PyStr::interned(self.py, &std::ffi::CString::new(c.name()).unwrap_or_default())?;
        self.scanner.parse_constant.get(self.py).as_borrowed().call1(name.as_borrowed().as_any())
    }

    /// A number through a custom parser: `parser(text)`.
    #[cold]
    #[inline(never)]
    fn parsed<T: CodeUnit>(&self, parser: &ObjectMember, text: &[T]) -> PyResult<Bound<'py, PyAny>> {
        self.memo.borrow_mut().share()?;
        let text = text_str(self.py, Text::of(text))?;
        parser.get(self.py).as_borrowed().call1(text.as_borrowed().as_any())
    }

    /// A number: the default parsers' values, or the custom parser called
    /// on the number's text.
    #[inline(always)]
    fn number<T: CodeUnit>(&self, n: &jc::Number<'_, T>) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        if n.is_float() {
            if self.float_default {
                Ok(PyFloat::new(py, n.to_f64())?.into_any())
            } else {
                self.parsed(&self.scanner.parse_float, n.text())
            }
        } else if self.int_default {
            match n.to_i64() {
                Some(v) => Ok(PyInt::from_i64(py, v)?.into_any()),
                None => Ok(PyInt::from_ascii(py, &n.ascii())?.into_any()),
            }
        } else {
            self.parsed(&self.scanner.parse_int, n.text())
        }
    }
}

// ---------------------------------------------------------------------------
// The encoder

/// An encoder: its settings (C's `PyEncoderObject`).
pub struct Encoder {
    markers: ObjectMember,
    default: ObjectMember,
    encoder: ObjectMember,
    indent: ObjectMember,
    key_separator: ObjectMember,
    item_separator: ObjectMember,
    sort_keys: BoolMember,
    skipkeys: BoolMember,
    allow_nan: bool,
    /// How strings are escaped: C's `fast_encode` when `encoder` is one of
    /// this module's escapers, else a call of `encoder` (word-sized, as C's
    /// function pointer, which gives the object C's size).
    fast: Option<FastEncode>,
}

/// Appends a string's escaped JSON form to the output.
/// One of this module's escapers (called directly, not through a pointer:
/// a string's `StrData` passed to an indirect call goes through memory).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum FastEncode {
    /// `encode_basestring_ascii`.
    Ascii,
    /// `encode_basestring`.
    Unicode,
}

impl FastEncode {
    #[inline(always)]
    fn push(self, buf: &mut StrBuf, s: StrData<'_>) -> Result<(), jc::NoMemory> {
        match (self, s) {
            (FastEncode::Ascii, StrData::Ucs1(u)) => buf.push_escaped_ascii(u),
            (FastEncode::Ascii, StrData::Ucs2(u)) => buf.push_escaped_ascii(u),
            (FastEncode::Ascii, StrData::Ucs4(u)) => buf.push_escaped_ascii(u),
            (FastEncode::Unicode, StrData::Ucs1(u)) => buf.push_escaped(u),
            (FastEncode::Unicode, StrData::Ucs2(u)) => buf.push_escaped(u),
            (FastEncode::Unicode, StrData::Ucs4(u)) => buf.push_escaped(u),
        }
    }
}

oxpy::class! {
    type: Encoder,
    name: "_json.Encoder",
    flags: GC,
    constructor: [],
    methods: [],
    members: [
        object markers = "markers",
        object default = "default",
        object encoder = "encoder",
        object indent = "indent",
        object key_separator = "key_separator",
        object item_separator = "item_separator",
        bool sort_keys = "sort_keys",
        bool skipkeys = "skipkeys",
    ],
    getters: [],
    slots: [
        Slot::doc(if PY_MINOR_VERSION >= 13 {
            "Encoder(markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys, allow_nan)\0"
        } else {
            "_iterencode(obj, _current_indent_level) -> iterable\0"
        }),
        Slot::new_object::<EncoderNew>(),
        Slot::call::<EncoderCall>(),
    ],
    traverse: Encoder::traverse_members,
    clear: Encoder::clear_members,
}

impl Encoder {
    fn members(&self) -> [&ObjectMember; 6] {
        [&self.markers, &self.default, &self.encoder, &self.indent, &self.key_separator, &self.item_separator]
    }

    fn traverse_members(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        ObjectMember::traverse_all(&self.members(), visit)
    }

    fn clear_members(&self, py: Python<'_>) {
        ObjectMember::clear_all(&self.members(), py);
    }
}

/// `make_encoder(markers, default, encoder, indent, key_separator,
/// item_separator, sort_keys, skipkeys, allow_nan)` (C's format
/// "OOOOUUppp:make_encoder", then its markers check).
struct EncoderNew;

impl NewObject for EncoderNew {
    type Class = Encoder;

    fn call<'a, 'py>(
        py: Python<'py>,
        cls: Borrowed<'a, 'py, PyType>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        const NAMES: [&CStr; 9] = [
            c"markers",
            c"default",
            c"encoder",
            c"indent",
            c"key_separator",
            c"item_separator",
            c"sort_keys",
            c"skipkeys",
            c"allow_nan",
        ];
        let values = parse_objects(py, args, kwargs, c"OOOOOOOOO:make_encoder", &NAMES)?;
        let [
            Some(markers),
            Some(default),
            Some(encoder),
            Some(indent),
            Some(key_sep),
            Some(item_sep),
            Some(sort_keys),
            Some(skipkeys),
            Some(allow_nan),
        ] = values
        else {
            return Err(SystemError::raise(py, "missing argument"));
        };
        // getargs: `U` (str) for the separators, `p` (truth) for the flags.
        for (n, sep) in [(5, key_sep), (6, item_sep)] {
            if sep.downcast::<PyStr>().is_none() {
                // getargs names None "None", other objects by their type.
                let tp = if sep.is_none() {
                    "None".to_owned()
                } else {
                    oxpy::err::c_truncate(sep.get_type().name(), 50).into_owned()
                };
                return Err(TypeError::raise(py, &format!("make_encoder() argument {n} must be str, not {tp}")));
            }
        }
        let (sort_keys, skipkeys, allow_nan) = (sort_keys.is_truthy()?, skipkeys.is_truthy()?, allow_nan.is_truthy()?);
        if !markers.is_none() && markers.downcast::<PyDict>().is_none() {
            let tp = oxpy::err::c_truncate(markers.get_type().name(), 200).into_owned();
            return Err(TypeError::raise(py, &format!("make_encoder() argument 1 must be dict or None, not {tp}")));
        }
        let fast =
            module.state::<State>()?.escapers.iter().find(|(f, _)| f.as_ptr() == encoder.as_ptr()).map(|&(_, f)| f);
        let payload = Encoder {
            markers: ObjectMember::new(markers.to_owned()),
            default: ObjectMember::new(default.to_owned()),
            encoder: ObjectMember::new(encoder.to_owned()),
            indent: ObjectMember::new(indent.to_owned()),
            key_separator: ObjectMember::new(key_sep.to_owned()),
            item_separator: ObjectMember::new(item_sep.to_owned()),
            sort_keys: BoolMember::new(sort_keys),
            skipkeys: BoolMember::new(skipkeys),
            allow_nan,
            fast,
        };
        Ok(cls.instantiate(payload)?.into_any())
    }
}

/// `encoder(obj, _current_indent_level)`: the JSON text, as a one-item list
/// (3.11) or tuple (3.12+).
struct EncoderCall;

impl CallObject for EncoderCall {
    type Class = Encoder;

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Encoder>,
        _module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let [obj, level, ..] = parse_objects(py, args, kwargs, c"OO:_iterencode", &[c"obj", c"_current_indent_level"])?;
        let (Some(obj), Some(level)) = (obj, level) else { return Err(SystemError::raise(py, "missing argument")) };
        let level = level.index_as_ssize()?;
        let this = slf.get();
        let markers = this.markers.get(py);
        let markers = match markers.as_borrowed().downcast::<PyDict>() {
            None => Markers::Off,
            Some(d) if d.is_empty() => Markers::Set(Default::default(), Vec::new(), d.to_owned()),
            Some(d) => Markers::Dict(d.to_owned()),
        };
        // The separators' characters, borrowed for the call.
        let (item_sep, key_sep) = (this.item_separator.get(py), this.key_separator.get(py));
        let (item_sep, key_sep) = (str_chars(&item_sep)?, str_chars(&key_sep)?);
        let item_sep_bytes = match item_sep {
            Text::Ucs1(b) if b.len() <= 16 => {
                let mut bytes = [0; 16];
                bytes[..b.len()].copy_from_slice(b);
                Some((bytes, b.len()))
            }
            _ => None,
        };
        let mut out =
            Output { py, this, buf: StrBuf::new(), markers, item_sep, item_sep_bytes, key_sep, keys: KeyCache::new() };
        // 3.13 indents in C: the first newline and indentation.
        let indent = this.indent.get(py);
        let newline_indent = if PY_MINOR_VERSION >= 13 && !indent.as_borrowed().is_none() {
            let newline = PyStr::new(py, "\n")?.into_any();
            if level == 0 {
                Some(newline)
            } else {
                // C appends with PyUnicode_AppendAndDel: a non-str repeat
                // is its "bad argument to internal function".
                let spaces = indent.as_borrowed().repeat(level)?;
                Some(newline.as_borrowed().unicode_append(spaces.as_borrowed())?)
            }
        } else {
            None
        };
        if let Err(e) = out.encode(obj, newline_indent.as_ref().map(|n| n.as_borrowed())) {
            // C leaves the containers open at the failure in the markers
            // dict (it removes a mark only after its container encoded).
            if let Markers::Set(_, open, dict) = &out.markers {
                let (e, _) = e.while_set_aside(py, || {
                    for obj in open {
                        if let Ok(id) = obj.as_borrowed().id_int() {
                            let _ = dict
                                .as_borrowed()
                                .set_item(id.as_borrowed(), obj.as_borrowed())
                                .map_err(|e| e.discard(py));
                        }
                    }
                });
                return Err(e);
            }
            return Err(e);
        }
        let text = text_str(py, out.buf.text())?.into_any();
        if PY_MINOR_VERSION >= 12 {
            Ok(PyTuple::build(py, 1, |o| {
                o.push(text);
                Ok(())
            })?
            .into_any())
        } else {
            let list = PyList::new(py)?;
            list.as_borrowed().append(text.as_borrowed())?;
            Ok(list.into_any())
        }
    }
}

/// The text being encoded by one call.
struct Output<'e, 'py> {
    py: Python<'py>,
    this: &'e Encoder,
    buf: StrBuf,
    markers: Markers<'py>,
    /// The item and key separators' characters.
    item_sep: Text<'e>,
    /// The item separator's characters when latin-1 and at most 16.
    item_sep_bytes: Option<([u8; 16], usize)>,
    key_sep: Text<'e>,
    keys: KeyCache<'py>,
}

/// The latin-1 text written for keys (escaped, with the key separator), by
/// the key `str` (held, so its address stays its own). Bounded: past
/// `MAX_KEYS` keys or `MAX_KEY_BYTES` bytes, new keys are not kept.
struct KeyCache<'py> {
    /// Indices into `entries` by a hash of the key's address.
    table: IndexTable,
    /// The key, and where its text is in `bytes`.
    entries: Vec<(Bound<'py, PyAny>, u32, u32)>,
    bytes: Vec<u8>,
}

const MAX_KEYS: usize = 1024;
const MAX_KEY_BYTES: usize = 1 << 16;

impl<'py> KeyCache<'py> {
    fn new() -> Self {
        KeyCache { table: IndexTable::new(), entries: Vec::new(), bytes: Vec::new() }
    }

    #[inline]
    fn hash(address: usize) -> u64 {
        ((address >> 4) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32
    }

    /// Appends `key`'s text if it is kept.
    #[inline]
    fn push_cached(&self, key: Borrowed<'_, 'py, PyStr>, buf: &mut StrBuf) -> bool {
        if self.table.is_empty() {
            return false;
        }
        let address = key.as_ptr() as usize;
        let entries = &self.entries;
        let found = self
            .table
            .find_by(Self::hash(address), |j| entries.get(j).is_some_and(|(k, _, _)| k.as_ptr() as usize == address));
        match found.and_then(|j| entries.get(j)) {
            Some((_, start, len)) => {
                let text = self.bytes.get(*start as usize..(*start + *len) as usize).unwrap_or_default();
                buf.extend(text).is_ok()
            }
            None => false,
        }
    }

    /// Keeps `text` as `key`'s (not yet kept).
    fn insert(&mut self, key: Borrowed<'_, 'py, PyStr>, text: &[u8]) {
        if self.entries.len() >= MAX_KEYS || self.bytes.len() + text.len() > MAX_KEY_BYTES {
            return;
        }
        let (start, len) = (self.bytes.len() as u32, text.len() as u32);
        self.bytes.extend_from_slice(text);
        self.entries.push((key.as_any().to_owned(), start, len));
        let entries = &self.entries;
        self.table.insert(entries.len() - 1, |j| entries.get(j).map_or(0, |(k, _, _)| Self::hash(k.as_ptr() as usize)));
    }
}

/// With 3.13's indentation: the item separator followed by the inner
/// indentation, and the inner indentation (both `None` without indent).
type Indentation<'py> = (Option<Bound<'py, PyAny>>, Option<Bound<'py, PyAny>>);

/// The circular reference check (C's `markers` dict of ids). Given an empty
/// dict, as `json` always does, the marks are kept in Rust instead (the
/// open containers; those deeper than `SHALLOW` also in a set of
/// addresses): the dict ends empty either way, and nothing else reads it
/// during the call.
enum Markers<'py> {
    Off,
    Dict(Bound<'py, PyDict>),
    Set(
        std::collections::HashSet<usize, std::hash::BuildHasherDefault<FxHasher>>,
        Vec<Bound<'py, PyAny>>,
        Bound<'py, PyDict>,
    ),
}

/// A dict's items as encoded (most dicts' inline).
type DictItems<'py> = smallvec::SmallVec<[(Bound<'py, PyAny>, Bound<'py, PyAny>); 16]>;

/// Open containers found by a linear search (deeper ones: in a set).
const SHALLOW: usize = 16;

/// A marked container, unmarked when its encoding ends.
enum Mark<'py> {
    None,
    Id(Bound<'py, PyAny>),
    Address(usize),
}

impl<'py> Output<'_, 'py> {
    fn push_ascii(&mut self, s: &[u8]) -> PyResult<()> {
        self.buf.extend(s).map_err(|_| MemoryError::raise_empty(self.py))
    }

    /// Appends a `str`'s characters as they are.
    fn push_str(&mut self, s: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        let Some(s) = s.downcast::<PyStr>() else { return Err(SystemError::raise(self.py, "not a str")) };
        let r = with_units!(s, |u| self.buf.extend(u));
        r.map_err(|_| MemoryError::raise_empty(self.py))
    }

    /// A string, escaped by the encoder (C's `encoder_encode_string`).
    fn push_string(&mut self, s: Borrowed<'_, 'py, PyStr>) -> PyResult<()> {
        let py = self.py;
        match self.this.fast {
            Some(f) => f.push(&mut self.buf, s.data()?).map_err(|_| MemoryError::raise_empty(py)),
            None => {
                self.materialize()?;
                let encoded = self.this.encoder.get(py).as_borrowed().call1(s.as_any())?;
                if encoded.as_borrowed().downcast::<PyStr>().is_none() {
                    let tp = oxpy::err::c_truncate(encoded.as_borrowed().get_type().name(), 80).into_owned();
                    return Err(TypeError::raise(py, &format!("encoder() must return a string, not {tp}")));
                }
                self.push_str(encoded.as_borrowed())
            }
        }
    }

    /// A key and the key separator. Exact `str` keys escaped by this
    /// module's escapers come from `keys` after their first time (records
    /// repeat their keys; a `str` cannot change, and `keys` holds it).
    fn push_key(&mut self, key: Borrowed<'_, 'py, PyStr>) -> PyResult<()> {
        let py = self.py;
        let cacheable = self.this.fast.is_some() && PyStr::is_exact(key.as_any());
        if cacheable && self.keys.push_cached(key, &mut self.buf) {
            return Ok(());
        }
        let start = self.buf.len();
        self.push_string(key)?;
        self.buf.extend_text(self.key_sep).map_err(|_| MemoryError::raise_empty(py))?;
        if cacheable && let Text::Ucs1(all) = self.buf.text() {
            self.keys.insert(key, all.get(start..).unwrap_or_default());
        }
        Ok(())
    }

    /// A float (C's `encoder_encode_float`): its repr, or the JavaScript
    /// names of the non-finite values (an error when not allowed).
    fn push_float(&mut self, obj: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        let x = obj.as_double()?;
        if !x.is_finite() {
            if !self.this.allow_nan {
                let msg = if PY_MINOR_VERSION >= 12 {
                    let repr = obj.repr()?;
                    format!("Out of range float values are not JSON compliant: {}", repr.as_borrowed().to_str()?)
                } else {
                    "Out of range float values are not JSON compliant".to_owned()
                };
                return Err(ValueError::raise(self.py, &msg));
            }
            let name: &[u8] = if x > 0.0 {
                b"Infinity"
            } else if x < 0.0 {
                b"-Infinity"
            } else {
                b"NaN"
            };
            return self.push_ascii(name);
        }
        jc::push_float_repr(x, &mut self.buf).map_err(|_| MemoryError::raise_empty(self.py))
    }

    /// An int: `int.__repr__` (C's `PyLong_Type.tp_repr`).
    fn push_int(&mut self, obj: Borrowed<'_, 'py, PyAny>) -> PyResult<()> {
        if let Some(oxpy::types::IntValue::Signed(v)) = obj.as_int().map(|i| i.value()) {
            // int's repr of a 64-bit value: its decimal digits.
            return self.buf.push_decimal(v).map_err(|_| MemoryError::raise_empty(self.py));
        }
        let repr = obj.int_repr()?;
        self.push_str(repr.as_borrowed().as_any())
    }

    /// Before Python code runs (which could read or change the markers dict,
    /// e.g. a `default` hook), the marks kept in Rust move to the dict, and
    /// the rest of the call uses the dict, as C does.
    fn materialize(&mut self) -> PyResult<()> {
        if let Markers::Set(_, open, dict) = &self.markers {
            let dict = dict.clone_ref();
            for obj in open {
                let id = obj.as_borrowed().id_int()?;
                dict.as_borrowed().set_item(id.as_borrowed(), obj.as_borrowed())?;
            }
            self.markers = Markers::Dict(dict);
        }
        Ok(())
    }

    /// `markers[id(obj)] = obj`, C's circular reference check; what to
    /// unmark after.
    fn mark(&mut self, obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Mark<'py>> {
        match &mut self.markers {
            Markers::Off => Ok(Mark::None),
            Markers::Set(deep, open, _) => {
                // The open containers are the ancestors: the first few are
                // searched, the deeper ones also kept in a set.
                let address = obj.as_ptr() as usize;
                let shallow = open.iter().take(SHALLOW).any(|o| o.as_ptr() as usize == address);
                if shallow || (open.len() > SHALLOW && deep.contains(&address)) {
                    return Err(ValueError::raise(self.py, "Circular reference detected"));
                }
                if open.len() >= SHALLOW {
                    deep.insert(address);
                }
                open.push(obj.to_owned());
                Ok(Mark::Address(address))
            }
            Markers::Dict(markers) => {
                let id = obj.id_int()?;
                if markers.as_borrowed().contains(id.as_borrowed())? {
                    return Err(ValueError::raise(self.py, "Circular reference detected"));
                }
                markers.as_borrowed().set_item(id.as_borrowed(), obj)?;
                Ok(Mark::Id(id))
            }
        }
    }

    fn unmark(&mut self, mark: Mark<'py>) -> PyResult<()> {
        match (mark, &mut self.markers) {
            (Mark::Address(a), Markers::Set(deep, open, _)) => {
                open.pop();
                if open.len() >= SHALLOW {
                    deep.remove(&a);
                }
                Ok(())
            }
            (Mark::Id(id), Markers::Dict(markers)) => markers.as_borrowed().del_item(id.as_borrowed()),
            // Marked in Rust, then moved to the dict: removed from the dict.
            (Mark::Address(a), Markers::Dict(markers)) => {
                let id = PyInt::from_u64(self.py, a as u64)?;
                markers.as_borrowed().del_item(id.as_borrowed().as_any())
            }
            _ => Ok(()),
        }
    }

    /// Any value (C's `encoder_listencode_obj`).
    fn encode(&mut self, obj: Borrowed<'_, 'py, PyAny>, indent: Option<Borrowed<'_, 'py, PyAny>>) -> PyResult<()> {
        let py = self.py;
        if obj.is_none() {
            return self.push_ascii(b"null");
        }
        if obj.is_true() {
            return self.push_ascii(b"true");
        }
        if obj.is_false() {
            return self.push_ascii(b"false");
        }
        if let Some(s) = obj.downcast::<PyStr>() {
            return self.push_string(s);
        }
        if obj.as_int().is_some() {
            return self.push_int(obj);
        }
        // C tests for a float (subclasses included) here; a float is none
        // of the kinds tested after it (their layouts conflict), so a
        // subclass, whose test is a call, is tested last.
        if PyFloat::is_exact(obj) {
            return self.push_float(obj);
        }
        if obj.downcast::<PyList>().is_some() || obj.downcast::<PyTuple>().is_some() {
            let _level = py.enter_recursive_call(c" while encoding a JSON object")?;
            return self.encode_list(obj, indent);
        }
        if obj.downcast::<PyDict>().is_some() {
            let _level = py.enter_recursive_call(c" while encoding a JSON object")?;
            return self.encode_dict(obj, indent);
        }
        if obj.downcast::<PyFloat>().is_some() {
            return self.push_float(obj);
        }
        let id = self.mark(obj)?;
        self.materialize()?;
        let replacement = self.this.default.get(py).as_borrowed().call1(obj)?;
        {
            let _level = py.enter_recursive_call(c" while encoding a JSON object")?;
            self.encode(replacement.as_borrowed(), indent)?;
        }
        self.unmark(id)
    }

    /// The separator between items and the indentation of a container's
    /// contents (3.13's indent), and the closing indentation.
    #[inline(always)]
    fn indentation(&mut self, indent: Option<Borrowed<'_, 'py, PyAny>>) -> PyResult<Indentation<'py>> {
        match indent {
            None => Ok((None, None)),
            Some(outer) => self.indented(outer),
        }
    }

    #[inline(never)]
    fn indented(&mut self, outer: Borrowed<'_, 'py, PyAny>) -> PyResult<Indentation<'py>> {
        let inner = outer.concat(self.this.indent.get(self.py).as_borrowed())?;
        let sep = self.this.item_separator.get(self.py).as_borrowed().concat(inner.as_borrowed())?;
        self.push_str(inner.as_borrowed())?;
        Ok((Some(sep), Some(inner)))
    }

    /// The item separator (with the indentation when indenting).
    #[inline(always)]
    fn push_item_sep(&mut self, sep: &Option<Bound<'py, PyAny>>) -> PyResult<()> {
        match (sep, &self.item_sep_bytes) {
            (Some(s), _) => self.push_str(s.as_borrowed()),
            (None, Some((bytes, len))) => {
                self.buf.extend_short(bytes, *len).map_err(|_| MemoryError::raise_empty(self.py))
            }
            (None, None) => self.buf.extend_text(self.item_sep).map_err(|_| MemoryError::raise_empty(self.py)),
        }
    }

    /// A list or tuple (C's `encoder_listencode_list`: other sequences are
    /// iterated into a list first; a list is read by index, as it may change
    /// while its items are encoded).
    fn encode_list(&mut self, seq: Borrowed<'_, 'py, PyAny>, indent: Option<Borrowed<'_, 'py, PyAny>>) -> PyResult<()> {
        if !PyList::is_exact(seq) && !PyTuple::is_exact(seq) {
            self.materialize()?; // iterating runs the sequence's own code
        }
        let items = seq.sequence_fast(c"_iterencode_list needs a sequence")?;
        let items = items.as_borrowed();
        let item = |i: usize| -> Option<Bound<'py, PyAny>> {
            match items.downcast::<PyList>() {
                Some(list) => list.get(i),
                None => items.downcast::<PyTuple>().and_then(|t| t.as_slice().get(i).map(|&o| Borrowed::to_owned(o))),
            }
        };
        let Some(first) = item(0) else { return self.push_ascii(b"[]") };
        let id = self.mark(seq)?;
        self.push_ascii(b"[")?;
        let (sep, inner) = self.indentation(indent)?;
        self.encode(first.as_borrowed(), inner.as_ref().map(|n| n.as_borrowed()))?;
        let mut i = 1;
        while let Some(next) = item(i) {
            self.push_item_sep(&sep)?;
            self.encode(next.as_borrowed(), inner.as_ref().map(|n| n.as_borrowed()))?;
            i += 1;
        }
        self.unmark(id)?;
        if let Some(outer) = indent {
            self.push_str(outer)?;
        }
        self.push_ascii(b"]")
    }

    /// A dict (C's `encoder_listencode_dict`).
    fn encode_dict(
        &mut self,
        dict: Borrowed<'_, 'py, PyAny>,
        indent: Option<Borrowed<'_, 'py, PyAny>>,
    ) -> PyResult<()> {
        let py = self.py;
        // C reads the size (a subclass's __len__ is not called).
        if dict.downcast::<PyDict>().is_none_or(|d| d.is_empty()) {
            return self.push_ascii(b"{}");
        }
        let id = self.mark(dict)?;
        self.push_ascii(b"{")?;
        let (sep, inner) = self.indentation(indent)?;
        // C lists the items (PyMapping_Items) and sorts that list; an exact
        // dict's items are taken the same way without the list of tuples.
        // 3.12+ walks an exact dict as it is (changes made while its values
        // are encoded show), 3.11 a snapshot.
        let live = PY_MINOR_VERSION >= 12 && !self.this.sort_keys.get() && PyDict::is_exact(dict);
        // Filled in place (a returned inline vector would be copied).
        let mut items = DictItems::new();
        match dict.downcast::<PyDict>() {
            _ if live => {}
            Some(d) if !self.this.sort_keys.get() && PyDict::is_exact(dict) => d.items_snapshot_into(&mut items),
            _ => {
                // items() of a dict subclass runs Python code, and sorting
                // does unless the keys are exact strs (or ints or floats).
                let plain =
                    |k: Borrowed<'_, 'py, PyAny>| PyStr::is_exact(k) || PyInt::is_exact(k) || PyFloat::is_exact(k);
                if !PyDict::is_exact(dict)
                    || !dict.downcast::<PyDict>().is_some_and(|d| {
                        let mut all = DictItems::new();
                        d.items_snapshot_into(&mut all);
                        all.iter().all(|(k, _)| plain(k.as_borrowed()))
                    })
                {
                    self.materialize()?;
                }
                let list = dict.mapping_items()?;
                if self.this.sort_keys.get() {
                    list.as_borrowed().sort()?;
                }
                items.reserve(list.as_borrowed().len());
                for i in 0..list.as_borrowed().len() {
                    let Some(item) = list.as_borrowed().get(i) else { break };
                    let Some(&[k, v]) = item.as_borrowed().downcast::<PyTuple>().map(|t| t.as_slice()) else {
                        return Err(ValueError::raise(py, "items must return 2-tuples"));
                    };
                    items.push((Borrowed::to_owned(k), Borrowed::to_owned(v)));
                }
            }
        }
        let mut first = true;
        let (mut pos, mut next) = (0, 0);
        loop {
            // The item, owned when walked live, else borrowed from `items`.
            let live_item;
            let (key, value) = if live {
                live_item = match dict.downcast::<PyDict>().and_then(|d| d.next_item(&mut pos)) {
                    Some(item) => item,
                    None => break,
                };
                (live_item.0.as_borrowed(), live_item.1.as_borrowed())
            } else {
                match items.get(next) {
                    Some((k, v)) => (k.as_borrowed(), v.as_borrowed()),
                    None => break,
                }
            };
            next += 1;
            // A str key as it is, others as C converts them.
            let converted: Bound<'py, PyAny>;
            let key_str = match key.downcast::<PyStr>() {
                Some(k) => k,
                None => {
                    converted = if key.downcast::<PyFloat>().is_some() {
                        let start = self.buf.len();
                        self.push_float(key)?;
                        let text = text_str(py, self.buf.text().slice_from(start))?.into_any();
                        self.buf.truncate(start);
                        text
                    } else if key.is_true() {
                        PyStr::new(py, "true")?.into_any()
                    } else if key.is_false() {
                        PyStr::new(py, "false")?.into_any()
                    } else if key.is_none() {
                        PyStr::new(py, "null")?.into_any()
                    } else if key.as_int().is_some() {
                        key.int_repr()?.into_any()
                    } else if self.this.skipkeys.get() {
                        continue;
                    } else {
                        let tp = oxpy::err::c_truncate(key.get_type().name(), 100).into_owned();
                        return Err(TypeError::raise(
                            py,
                            &format!("keys must be str, int, float, bool or None, not {tp}"),
                        ));
                    };
                    match converted.as_borrowed().downcast::<PyStr>() {
                        Some(k) => k,
                        None => return Err(SystemError::raise(py, "key text is not a str")),
                    }
                }
            };
            if !first {
                self.push_item_sep(&sep)?;
            }
            first = false;
            self.push_key(key_str)?;
            self.encode(value, inner.as_ref().map(|n| n.as_borrowed()))?;
        }
        self.unmark(id)?;
        if let Some(outer) = indent {
            self.push_str(outer)?;
        }
        self.push_ascii(b"}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UCS-2 key words are those of the keys' latin-1 bytes, and a key
    /// with a wider character (anywhere) or over 16 units has none.
    #[test]
    fn ucs2_key_words_are_the_bytes_words() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let n = (next() % 19) as usize;
            let mut w: Vec<u16> = (0..n).map(|_| (next() % 256) as u16).collect();
            if n > 0 && next() % 3 == 0 {
                let at = (next() % n as u64) as usize;
                w[at] = 0x100 + (next() % 0xff00) as u16;
            }
            let expected = short_latin1(&w).map(|(b, k)| short_words(&b[..k]));
            assert_eq!(short_ucs2_words(&w), expected, "{w:?}");
        }
    }
}
