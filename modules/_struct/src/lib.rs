//! CPython's `_struct` module in Rust: `Struct` objects (compiled formats,
//! re-initialisable with `__init__`, subclassable), the module functions
//! with C's cache of compiled formats, and `unpack_iterator`; with C's
//! argument handling, errors and messages on each of 3.11, 3.12 and 3.13.
//! The format language and byte-level conversions are in [`layout`].
#![forbid(unsafe_code)]

mod layout;

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicIsize, Ordering};

use oxpy::buffer::{Buffer, BufferMut, BufferSlot, UnboundBuffer};
use oxpy::class::{ClassType, Constructor, NewDefault, ObjectMember};
use oxpy::err::exceptions::{IndexError, OverflowError, SystemError, TypeError};
use oxpy::function::{CallArgs, Function, IntoPyObject, MethodDef};
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::types::{PyAny, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyModule, PyStr, PyTuple, PyType};
use oxpy::{Borrowed, Bound, PY_MINOR_VERSION, PyResult, Python, Raised, Unbound};

use layout::{Code, Format, IntArg, IntError, Kind, Read, Table};

/// C's `MAXCACHE`: the cache is emptied when it holds this many formats.
const MAX_CACHE: usize = 100;
/// `sizeof(formatcode)` in C, for `__sizeof__`.
const C_FORMATCODE_SIZE: isize = 32;

/// The module state: the exception, the two classes and the cache of
/// compiled formats (format object -> `Struct`).
pub struct State {
    error: Unbound<PyType>,
    struct_type: Unbound<ClassType<Struct>>,
    codes_type: Unbound<ClassType<Codes>>,
    iter_type: Unbound<ClassType<UnpackIter>>,
    cache: Unbound<PyDict>,
    /// `Struct(format)`'s caches: exact str (bytes) format -> `Codes`, each
    /// emptied when it holds `MAX_CACHE` formats. A format compiles to the
    /// same codes every time, and a `Codes` object is immutable, so
    /// `Struct`s of one format share one (C compiles each anew). Two dicts:
    /// in one, an ASCII str and bytes of equal hash would be compared, which
    /// warns under `python -b`.
    compiled_str: Unbound<PyDict>,
    compiled_bytes: Unbound<PyDict>,
    /// The last exact-str format found or stored in `cache`, and its
    /// `Struct`: the same object is looked up again without hashing (an
    /// identical key is a dict hit; both are reset when `cache` is emptied).
    last_format: ObjectMember,
    last_struct: ObjectMember,
}

impl ModuleState for State {
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        let py = module.py();
        let struct_type = PyType::from_class::<Struct>(module)?;
        let iter_type = PyType::from_class::<UnpackIter>(module)?;
        let codes_type = PyType::from_class_without_module::<Codes>(py)?;
        let error = PyType::new_exception(py, c"struct.error", None, None)?;
        module.add(c"error", &error.clone_ref().into_any())?;
        module.add(c"Struct", &struct_type.clone_ref().into_any())?;
        Ok(State {
            error: error.unbind(),
            struct_type: struct_type.unbind(),
            codes_type: codes_type.unbind(),
            iter_type: iter_type.unbind(),
            cache: PyDict::new(py)?.unbind(),
            compiled_str: PyDict::new(py)?.unbind(),
            compiled_bytes: PyDict::new(py)?.unbind(),
            last_format: ObjectMember::new(().into_py_object(py)?),
            last_struct: ObjectMember::new(().into_py_object(py)?),
        })
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        visit.call(&self.error)?;
        visit.call(&self.struct_type)?;
        visit.call(&self.codes_type)?;
        visit.call(&self.iter_type)?;
        visit.call(&self.cache)?;
        visit.call(&self.compiled_str)?;
        visit.call(&self.compiled_bytes)?;
        ObjectMember::traverse_all(&[&self.last_format, &self.last_struct], visit)
    }
}

oxpy::module! {
    name: _struct,
    doc: "Functions to convert between Python values and C structs.
Python bytes objects are used to hold the data representing the C struct
and also as format strings (explained below) to describe the layout of data
in the C struct.

The optional first format char indicates byte order, size and alignment:
  @: native order, size & alignment (default)
  =: native order, std. size & alignment
  <: little-endian, std. size & alignment
  >: big-endian, std. size & alignment
  !: same as >

The remaining chars indicate types of args and must match exactly;
these can be preceded by a decimal repeat count:
  x: pad byte (no data); c:char; b:signed byte; B:unsigned byte;
  ?: _Bool (requires C99; if not available, char is used instead)
  h:short; H:unsigned short; i:int; I:unsigned int;
  l:long; L:unsigned long; f:float; d:double; e:half-float.
Special cases (preceding decimal count indicates length):
  s:string (array of char); p: pascal string (with count byte).
Special cases (only available in native format):
  n:ssize_t; N:size_t;
  P:an integer type that is wide enough to hold a pointer.
Special case (not in native mode unless 'long long' in platform C):
  q:long long; Q:unsigned long long
Whitespace between formats is ignored.

The variable struct.error is an exception raised on errors.
",
    state: State,
    functions: [pack, unpack, pack_into, unpack_from, iter_unpack, calcsize, _clearcache],
}

/// Raises `struct.error` with `msg`.
#[cold]
fn struct_error(module: Borrowed<'_, '_, PyModule>, msg: &str) -> Raised {
    match module.state::<State>() {
        Ok(s) => Raised::new(s.error.bind(module.py()), msg),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------
// Struct

/// A `Struct`: C's `PyStructObject` fields in C's order (`s_size`,
/// `s_len`, `s_codes`, `s_format`, then the weak list oxpy adds), because C
/// code reads them: `_testbuffer` takes `s_len` from the object.
#[repr(C)]
pub struct Struct {
    /// `s_size` and `s_len` of `compiled`.
    size: AtomicIsize,
    len: AtomicIsize,
    /// `s_codes`: a `Codes` object (None until `__init__`), replaced by
    /// `__init__`; calls hold a reference to theirs.
    compiled: ObjectMember,
    /// `s_format`: the format as bytes (set even when it does not compile,
    /// as C does).
    format: ObjectMember<PyBytes>,
}

const _: () = assert!(std::mem::size_of::<Struct>() == 32, "C's PyStructObject has 32 bytes of fields");
const _: () = assert!(std::mem::offset_of!(Struct, len) == 8, "s_len is C's second field");

impl Struct {
    fn compiled<'py>(&self, py: Python<'py>) -> Compiled<'py> {
        Compiled(self.compiled.get(py))
    }
}

/// A compiled format as a Python object, so that holding one costs a
/// reference count (it is shared by the `Struct`, calls in progress and
/// iterators, and replaced by `__init__`). Its type has no module, so it is
/// not GC-tracked: it holds no objects, and its type references nothing of
/// the module (with a module, instance -> type -> module -> cache -> `Struct`
/// -> instance is a cycle only the GC can free: test_struct's
/// `test__struct_reference_cycle_cleaned_up`).
pub struct Codes {
    format: Format,
    /// The format as bytes (a `Struct`'s `s_format`).
    bytes: Unbound<PyBytes>,
}

oxpy::class! {
    type: Codes,
    name: "_struct._compiled_format",
    flags: DISALLOW_INSTANTIATION | IMMUTABLETYPE,
    constructor: [],
    methods: [],
    members: [],
}

/// The format of a bare `Struct.__new__` (C's NULL codes, size -1).
static UNINITIALISED: Format = Format::UNINITIALISED;

/// A held reference to a `Struct`'s compiled format (`Codes` or None).
struct Compiled<'py>(Bound<'py, PyAny>);

impl Compiled<'_> {
    fn get(&self) -> &Format {
        format_of(self.0.as_borrowed())
    }
}

/// The format of a `Codes` object (or of None: uninitialised).
fn format_of<'a>(codes: Borrowed<'a, '_, PyAny>) -> &'a Format {
    match codes.downcast_class::<Codes>() {
        Some(c) => &c.get().format,
        None => &UNINITIALISED,
    }
}

impl NewDefault for Struct {
    fn new_default(py: Python<'_>) -> PyResult<Self> {
        let f = &UNINITIALISED;
        Ok(Struct {
            format: ObjectMember::new(PyBytes::new(py, b"")?),
            size: AtomicIsize::new(f.size),
            len: AtomicIsize::new(f.len),
            compiled: ObjectMember::new(().into_py_object(py)?),
        })
    }
}

oxpy::class! {
    type: Struct,
    name: "_struct.Struct",
    flags: BASETYPE | GC | WEAKREF | IMMUTABLETYPE,
    constructor: [],
    methods: [struct_pack, struct_unpack, struct_pack_into, struct_unpack_from, struct_iter_unpack, struct_sizeof],
    members: [],
    getters: [format = "struct format string", size = "struct size in bytes"],
    slots: [
        Slot::doc("Struct(fmt) --> compiled struct object\n\n\0"),
        Slot::generic_getattr(),
        Slot::generic_setattr(),
        Slot::new_default::<Struct>(),
        Slot::init::<struct_init>(),
        Slot::when(PY_MINOR_VERSION >= 13, Slot::repr::<struct_repr>()),
    ],
    traverse: Struct::traverse_members,
}

impl Struct {
    fn traverse_members(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        self.format.traverse(visit)?;
        self.compiled.traverse(visit)
    }
}

/// `Struct.__init__(format)`: C sets the format before compiling it, so a
/// bad format is kept (with the previous compiled codes). A str or bytes
/// format seen before takes its codes from the module's cache.
#[oxpy::function(name = "Struct", text_signature = "($self, format)", defining_class = false)]
fn struct_init<'py>(
    py: Python<'py>,
    this: Borrowed<'_, 'py, Struct>,
    module: Borrowed<'_, 'py, PyModule>,
    format: Borrowed<'_, 'py, PyAny>,
) -> PyResult<()> {
    let this = this.get();
    let state = module.state::<State>()?;
    let cache = if PyStr::is_exact(format) {
        Some(state.compiled_str.bind(py))
    } else if PyBytes::is_exact(format) {
        Some(state.compiled_bytes.bind(py))
    } else {
        None
    };
    if let Some(cache) = cache
        && let Some(codes) = cache.get_item(format)?
        && let Some(c) = codes.as_borrowed().downcast_class::<Codes>()
    {
        let c = c.get();
        this.format.set(c.bytes.bind(py).to_owned());
        this.size.store(c.format.size, Ordering::Relaxed);
        this.len.store(c.format.len, Ordering::Relaxed);
        this.compiled.set(codes);
        return Ok(());
    }
    let bytes = if let Some(s) = format.downcast::<PyStr>() {
        s.encode_ascii()?
    } else if let Some(b) = format.downcast::<PyBytes>() {
        b.to_owned()
    } else {
        let name = format.get_type().short_name();
        return Err(TypeError::raise(
            py,
            &format!("Struct() argument 1 must be a str or bytes object, not {}", oxpy::err::c_truncate(name, 200)),
        ));
    };
    this.format.set(bytes.clone_ref());
    let compiled = layout::compile(bytes.as_borrowed().as_bytes()).map_err(|e| struct_error(module, e.message()))?;
    this.size.store(compiled.size, Ordering::Relaxed);
    this.len.store(compiled.len, Ordering::Relaxed);
    let codes = state.codes_type.bind(py).instantiate(Codes { format: compiled, bytes: bytes.unbind() })?.into_any();
    if let Some(cache) = cache {
        if cache.len() >= MAX_CACHE {
            cache.clear();
        }
        if let Err(e) = cache.set_item(format, codes.as_borrowed()) {
            e.discard(py);
        }
    }
    this.compiled.set(codes);
    Ok(())
}

/// `Struct.format`: the format as str.
#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn format<'py>(py: Python<'py>, this: &Struct) -> PyResult<Bound<'py, PyStr>> {
    PyStr::decode_utf8(py, this.format.get(py).as_borrowed().as_bytes())
}

/// `Struct.size`
#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn size(py: Python<'_>, this: &Struct) -> PyResult<isize> {
    let _ = py;
    Ok(this.size.load(Ordering::Relaxed))
}

/// `repr()` (3.13+): `Struct('<format>')` with the class's own name.
#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn struct_repr<'py>(py: Python<'py>, this: Borrowed<'_, 'py, Struct>) -> PyResult<Bound<'py, PyStr>> {
    let fmt = format(py, this.get())?;
    let name = this.as_any().get_type().short_name().to_owned();
    let text = format!("{name}({})", fmt.as_borrowed().as_any().repr()?.as_borrowed().to_str()?);
    PyStr::new(py, &text)
}

/// Packs `values` by `f` into `out` (which holds at least `f.size` bytes
/// and is zero over them, as C's memset leaves it; a zero-length `p` code
/// writes its length byte at its offset, as C does, when `out` goes on).
fn pack_values<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    f: &Format,
    values: &[Borrowed<'_, 'py, PyAny>],
    out: &mut [u8],
) -> PyResult<()> {
    let mut next = 0;
    for code in &f.codes {
        let mut at = code.offset;
        for _ in 0..code.repeat {
            let Some(&v) = values.get(next) else { return Ok(()) };
            next += 1;
            // The common case first: an int in range.
            if let Kind::Int { .. } = code.kind
                && let Some(oxpy::types::IntValue::Signed(x)) = v.as_int().map(|i| i.value())
                && code.fits(x)
            {
                layout::write_bits(code.read, x as u64, out, at);
                at += code.size;
                continue;
            }
            pack_value(py, module, f.table, code, v, out, at).map_err(|e| {
                // C's s_pack_internal: an int argument's OverflowError is a
                // struct.error.
                if v.as_int().is_some() && e.matches(OverflowError::type_object(py)) {
                    struct_error(module, "int too large to convert")
                } else {
                    e
                }
            })?;
            at += code.size;
        }
    }
    Ok(())
}

/// Packs one value of `code` at `out[at..]`.
fn pack_value<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    table: Table,
    code: &Code,
    v: Borrowed<'_, 'py, PyAny>,
    out: &mut [u8],
    at: usize,
) -> PyResult<()> {
    let size = code.size;
    match code.kind {
        Kind::Int { .. } | Kind::Pointer => match int_bits(py, module, table, code, v) {
            Ok(bits) => layout::write_bits(code.read, bits, out, at),
            Err((e, partial)) => {
                if let Some(bits) = partial {
                    layout::write_bits(code.read, bits, out, at);
                }
                return Err(e);
            }
        },
        Kind::Char => match v.downcast::<PyBytes>().map(|b| b.as_bytes()) {
            Some(&[b]) => out[at] = b,
            _ => return Err(struct_error(module, "char format requires a bytes object of length 1")),
        },
        Kind::Bool => out[at] = u8::from(v.is_truthy()?),
        Kind::Half | Kind::Float | Kind::Double => {
            let x = v.as_double().map_err(|_| struct_error(module, "required argument is not a float"))?;
            let bits = match code.kind {
                Kind::Half => u64::from(
                    layout::pack_half(x)
                        .ok_or_else(|| OverflowError::raise(py, "float too large to pack with e format"))?,
                ),
                Kind::Float => {
                    let y = x as f32;
                    if table != Table::Native && y.is_infinite() && !x.is_infinite() {
                        return Err(OverflowError::raise(py, "float too large to pack with f format"));
                    }
                    u64::from(y.to_bits())
                }
                _ => x.to_bits(),
            };
            layout::write_bits(code.read, bits, out, at);
        }
        Kind::Str | Kind::Pascal => {
            let pascal = code.kind == Kind::Pascal;
            let buf;
            let data: &[u8] = if let Some(b) = v.downcast::<PyBytes>() {
                b.as_bytes()
            } else if v.downcast::<PyByteArray>().is_some() {
                buf = Buffer::simple(v)?;
                &buf
            } else {
                let ch = if pascal { 'p' } else { 's' };
                return Err(struct_error(module, &format!("argument for '{ch}' must be a bytes object")));
            };
            if !pascal {
                let n = data.len().min(size);
                out[at..at + n].copy_from_slice(&data[..n]);
            } else if size == 0 {
                // C writes the length byte past the (empty) item: 0xff
                // (-1 as unsigned char) before 3.13, 0 since.
                if let Some(b) = out.get_mut(at) {
                    *b = if PY_MINOR_VERSION >= 13 { 0 } else { 0xff };
                }
            } else {
                let n = data.len().min(size - 1);
                out[at + 1..at + 1 + n].copy_from_slice(&data[..n]);
                out[at] = n.min(255) as u8;
            }
        }
        Kind::Pad => {}
    }
    Ok(())
}

/// The bits of integer argument `v` for integer code `code` (C's
/// `get_pylong` then the format's conversion and range check). With the
/// error, what C writes anyway: the standard big-endian `q`/`Q` convert
/// with `_PyLong_AsByteArray`, which fills the item with the value's low
/// bytes before finding it too large.
fn int_bits<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    table: Table,
    code: &Code,
    v: Borrowed<'_, 'py, PyAny>,
) -> Result<u64, (Raised, Option<u64>)> {
    let index;
    let int = match v.as_int() {
        Some(i) => i,
        None if v.has_index() => {
            index = v.index().map_err(|e| {
                if layout::index_overflow_is_range_error(PY_MINOR_VERSION, table, code)
                    && e.matches(OverflowError::type_object(py))
                {
                    (struct_error(module, &layout::code_range_message(code)), None)
                } else {
                    (e, None)
                }
            })?;
            index.as_borrowed()
        }
        None => return Err((struct_error(module, "required argument is not an integer"), None)),
    };
    let value = match int.value() {
        oxpy::types::IntValue::Signed(x) => IntArg::Signed(x),
        oxpy::types::IntValue::Unsigned(x) => IntArg::Unsigned(x),
        oxpy::types::IntValue::TooLarge => IntArg::TooLarge,
        oxpy::types::IntValue::TooSmall => IntArg::TooSmall,
    };
    layout::int_bits(PY_MINOR_VERSION, table, code, value).map_err(|e| {
        let negative = matches!(value, IntArg::TooSmall) || matches!(value, IntArg::Signed(x) if x < 0);
        let partial =
            (table == Table::Big && (code.ch == b'q' || (code.ch == b'Q' && !negative))).then(|| int.low_bits());
        let raised = match e {
            IntError::Struct(msg) => struct_error(module, &msg),
            IntError::Overflow(msg) => OverflowError::raise(py, msg),
        };
        (raised, partial)
    })
}

/// Unpacks `data` (at least `f.size` bytes) by `f`.
fn unpack_values<'py>(py: Python<'py>, f: &Format, data: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::build(py, f.len, |out| {
        for code in &f.codes {
            let mut at = code.offset;
            for _ in 0..code.repeat {
                out.push(unpack_value(py, code, data, at)?);
                at += code.size;
            }
        }
        Ok(())
    })
}

/// Unpacks the value of `code` at `data[at..]`.
#[inline(always)]
fn unpack_value<'py>(py: Python<'py>, code: &Code, data: &[u8], at: usize) -> PyResult<Bound<'py, PyAny>> {
    macro_rules! bytes {
        ($n:literal) => {
            <[u8; $n]>::try_from(&data[at..at + $n]).unwrap_or_default()
        };
    }
    let int = |v: i64| PyInt::from_i64(py, v).map(Bound::into_any);
    let uint = |v: u64| PyInt::from_u64(py, v).map(Bound::into_any);
    let float = |v: f64| PyFloat::new(py, v).map(Bound::into_any);
    match code.read {
        Read::I8 => int((data[at] as i8).into()),
        Read::U8 => int(data[at].into()),
        Read::I16Le => int(i16::from_le_bytes(bytes!(2)).into()),
        Read::I16Be => int(i16::from_be_bytes(bytes!(2)).into()),
        Read::U16Le => int(u16::from_le_bytes(bytes!(2)).into()),
        Read::U16Be => int(u16::from_be_bytes(bytes!(2)).into()),
        Read::I32Le => int(i32::from_le_bytes(bytes!(4)).into()),
        Read::I32Be => int(i32::from_be_bytes(bytes!(4)).into()),
        Read::U32Le => int(u32::from_le_bytes(bytes!(4)).into()),
        Read::U32Be => int(u32::from_be_bytes(bytes!(4)).into()),
        Read::I64Le => int(i64::from_le_bytes(bytes!(8))),
        Read::I64Be => int(i64::from_be_bytes(bytes!(8))),
        Read::U64Le => uint(u64::from_le_bytes(bytes!(8))),
        Read::U64Be => uint(u64::from_be_bytes(bytes!(8))),
        Read::Bool => (data[at] != 0).into_py_object(py),
        Read::HalfLe => float(layout::unpack_half(u16::from_le_bytes(bytes!(2)))),
        Read::HalfBe => float(layout::unpack_half(u16::from_be_bytes(bytes!(2)))),
        Read::FloatLe => float(f32::from_le_bytes(bytes!(4)).into()),
        Read::FloatBe => float(f32::from_be_bytes(bytes!(4)).into()),
        Read::DoubleLe => float(f64::from_le_bytes(bytes!(8))),
        Read::DoubleBe => float(f64::from_be_bytes(bytes!(8))),
        Read::Char => PyBytes::new(py, &data[at..at + 1]).map(Bound::into_any),
        Read::Str => PyBytes::new(py, &data[at..at + code.size]).map(Bound::into_any),
        Read::Pascal => unpack_pascal(py, &data[at..at + code.size]),
    }
}

/// A `p` item: the length byte (capped to the item), then the bytes.
fn unpack_pascal<'py>(py: Python<'py>, item: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let Some((&n, rest)) = item.split_first() else {
        // C asked for -1 bytes before 3.13.
        if PY_MINOR_VERSION < 13 {
            return Err(SystemError::raise(py, "Negative size passed to PyBytes_FromStringAndSize"));
        }
        return Ok(PyBytes::new(py, b"")?.into_any());
    };
    Ok(PyBytes::new(py, &rest[..usize::from(n).min(rest.len())])?.into_any())
}

/// `S.pack(v1, ...)` for `f`.
fn s_pack<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    f: &Format,
    values: &[Borrowed<'_, 'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    if values.len() as isize != f.len {
        return Err(struct_error(module, &format!("pack expected {} items for packing (got {})", f.len, values.len())));
    }
    let size = usize::try_from(f.size).unwrap_or(0);
    Ok(PyBytes::new_filled(py, size, |out| pack_values(py, module, f, values, out))?.into_any())
}

/// `S.pack_into(buffer, offset, v1, ...)` for `f`.
fn s_pack_into<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    f: &Format,
    args: &[Borrowed<'_, 'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    if args.len() as isize != f.len.wrapping_add(2) {
        let msg = match args.len() {
            0 => "pack_into expected buffer argument".to_owned(),
            1 => "pack_into expected offset argument".to_owned(),
            n => format!("pack_into expected {} items for packing (got {})", f.len, n - 2),
        };
        return Err(struct_error(module, &msg));
    }
    let mut buffer = BufferMut::get(args[0])?;
    let offset = args[1].as_ssize_or(IndexError::type_object(py))?;
    let out = buffer.as_bytes_mut();
    let offset = place(module, Place::Pack, f.size, out.len(), offset)?;
    let out = &mut out[offset..];
    out[..f.size.max(0) as usize].fill(0);
    pack_values(py, module, f, &args[2..], out)?;
    ().into_py_object(py)
}

/// `S.unpack_from(buffer, offset)` for `f`.
fn s_unpack_from<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    f: &Format,
    buffer: &[u8],
    offset: isize,
) -> PyResult<Bound<'py, PyTuple>> {
    let offset = place(module, Place::Unpack, f.size, buffer.len(), offset)?;
    unpack_values(py, f, &buffer[offset..])
}

/// Which of `pack_into` and `unpack_from` places `size` bytes at an offset.
#[derive(Clone, Copy)]
enum Place {
    Pack,
    Unpack,
}

/// C's offset checks of `pack_into` / `unpack_from`: `size` bytes at
/// `offset` (negative: from the end) in a buffer of `len` bytes; the start
/// index, or `struct.error` with C's message.
fn place(module: Borrowed<'_, '_, PyModule>, what: Place, size: isize, len: usize, offset: isize) -> PyResult<usize> {
    let (verb, function) = match what {
        Place::Pack => ("pack", "pack_into"),
        Place::Unpack => ("unpack", "unpack_from"),
    };
    let len = len as isize;
    let mut offset = offset;
    if offset < 0 {
        if offset + size > 0 {
            let msg = match what {
                Place::Pack => format!("no space to pack {size} bytes at offset {offset}"),
                Place::Unpack => format!("not enough data to unpack {size} bytes at offset {offset}"),
            };
            return Err(struct_error(module, &msg));
        }
        if offset + len < 0 {
            return Err(struct_error(module, &format!("offset {offset} out of range for {len}-byte buffer")));
        }
        offset += len;
    }
    if len - offset < size {
        return Err(struct_error(
            module,
            &format!(
                "{function} requires a buffer of at least {} bytes for {verb}ing {size} bytes at offset {offset} \
                 (actual buffer size is {len})",
                (size as usize).wrapping_add(offset as usize)
            ),
        ));
    }
    Ok(offset as usize)
}

/// `S.unpack(buffer)` for `f`.
fn s_unpack<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    f: &Format,
    buffer: &[u8],
) -> PyResult<Bound<'py, PyTuple>> {
    if buffer.len() as isize != f.size {
        return Err(struct_error(module, &format!("unpack requires a buffer of {} bytes", f.size)));
    }
    unpack_values(py, f, buffer)
}

/// `S.iter_unpack(buffer)` for `f`.
fn s_iter_unpack<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    format: Compiled<'py>,
    buffer: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, UnpackIter>> {
    let size = format.get().size;
    if size == 0 {
        return Err(struct_error(module, "cannot iteratively unpack with a struct of length 0"));
    }
    // As C: the iterator first, then the export into it (in place). The
    // payload is made in the call, after the type is found: made before,
    // it is copied right after being written, and the copy stalls.
    let iter_type = module.state::<State>()?.iter_type.bind(py);
    let iter = iter_type.instantiate(UnpackIter {
        format: format.0.unbind(),
        buffer: UnboundBuffer::empty(),
        index: AtomicIsize::new(0),
    })?;
    let buf = &iter.as_borrowed().get().buffer;
    buf.export(py, buffer)?;
    let len = buf.len(py) as isize;
    if size > 0 && len % size != 0 {
        return Err(struct_error(
            module,
            &format!("iterative unpacking requires a buffer of a multiple of {size} bytes"),
        ));
    }
    Ok(iter)
}

/// The methods with C's variadic signatures (no text signature), written
/// out: `Struct.pack` and `Struct.pack_into`, METH_FASTCALL.
#[allow(non_camel_case_types)]
struct struct_pack;

impl oxpy::class::Method for struct_pack {
    type Class = Struct;
    const DEF: MethodDef = MethodDef::method_plain_fastcall::<Struct, Self>(
        "pack\0",
        "S.pack(v1, v2, ...) -> bytes\n\nReturn a bytes object containing values v1, v2, ... packed according\nto \
         the format string S.format.  See help(struct) for more on format\nstrings.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Struct>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        s_pack(py, module, slf.get().compiled(py).get(), args.positional)
    }
}

#[allow(non_camel_case_types)]
struct struct_pack_into;

impl oxpy::class::Method for struct_pack_into {
    type Class = Struct;
    const DEF: MethodDef = MethodDef::method_plain_fastcall::<Struct, Self>(
        "pack_into\0",
        "S.pack_into(buffer, offset, v1, v2, ...)\n\nPack the values v1, v2, ... according to the format string \
         S.format\nand write the packed bytes into the writable buffer buf starting at\noffset.  Note that the \
         offset is a required argument.  See\nhelp(struct) for more on format strings.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Struct>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        s_pack_into(py, module, slf.get().compiled(py).get(), args.positional)
    }
}

/// `Struct.__sizeof__()`: C's size of the object and its format codes
/// (clinic's, with a text signature, since 3.13).
#[allow(non_camel_case_types)]
struct struct_sizeof;

impl oxpy::class::Method for struct_sizeof {
    type Class = Struct;
    const DEF: MethodDef = MethodDef::method_plain_noargs::<Struct, Self>(
        "__sizeof__\0",
        if PY_MINOR_VERSION >= 13 {
            "__sizeof__($self, /)\n--\n\nS.__sizeof__() -> size of S in memory, in bytes\0"
        } else {
            "S.__sizeof__() -> size of S in memory, in bytes\0"
        },
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Struct>,
        _module: Borrowed<'a, 'py, PyModule>,
        _args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let codes = slf.get().compiled(py).get().codes.len() as isize;
        let size = slf.as_any().get_type().basicsize() + C_FORMATCODE_SIZE * (codes + 1);
        Ok(PyInt::from_isize(py, size)?.into_any())
    }
}

/// Return a tuple containing unpacked values.
///
/// Unpack according to the format string Struct.format. The buffer's size
/// in bytes must be Struct.size.
///
/// See help(struct) for more on format strings.
#[oxpy::function(name = "unpack", text_signature = "($self, buffer, /)", defining_class = false)]
fn struct_unpack<'py>(
    py: Python<'py>,
    this: &Struct,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] buffer: &[u8],
) -> PyResult<Bound<'py, PyTuple>> {
    s_unpack(py, module, this.compiled(py).get(), buffer)
}

/// Return a tuple containing unpacked values.
///
/// Values are unpacked according to the format string Struct.format.
///
/// The buffer's size in bytes, starting at position offset, must be
/// at least Struct.size.
///
/// See help(struct) for more on format strings.
#[oxpy::function(name = "unpack_from", text_signature = "($self, /, buffer, offset=0)", defining_class = false)]
fn struct_unpack_from<'py>(
    py: Python<'py>,
    this: &Struct,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] buffer: &[u8],
    offset: isize,
) -> PyResult<Bound<'py, PyTuple>> {
    s_unpack_from(py, module, this.compiled(py).get(), buffer, offset)
}

/// Return an iterator yielding tuples.
///
/// Tuples are unpacked from the given bytes source, like a repeated
/// invocation of unpack_from().
///
/// Requires that the bytes length be a multiple of the struct size.
#[oxpy::function(name = "iter_unpack", text_signature = "($self, buffer, /)", defining_class = false)]
fn struct_iter_unpack<'py>(
    py: Python<'py>,
    this: &Struct,
    module: Borrowed<'_, 'py, PyModule>,
    buffer: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, UnpackIter>> {
    s_iter_unpack(py, module, this.compiled(py), buffer)
}

// ---------------------------------------------------------------------------
// unpack_iterator

/// The iterator of `iter_unpack`: the format it was made with, the buffer
/// (released once exhausted) and the position; C's fields. The format is
/// never replaced, so calls borrow it (no reference count).
pub struct UnpackIter {
    format: Unbound,
    buffer: UnboundBuffer,
    index: AtomicIsize,
}

impl UnpackIter {
    fn traverse_buffer(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        visit.call(&self.format)?;
        self.buffer.traverse(visit)
    }
}

oxpy::class! {
    type: UnpackIter,
    name: "_struct.unpack_iterator",
    flags: GC | IMMUTABLETYPE | if PY_MINOR_VERSION >= 12 { DISALLOW_INSTANTIATION } else { NONE },
    constructor: [],
    methods: [length_hint],
    members: [],
    getters: [],
    slots: [
        Slot::generic_getattr(),
        Slot::iter_self(),
        Slot::iternext::<iter_next>(),
        Slot::when(PY_MINOR_VERSION < 12, Slot::new::<UnpackIterNew>()),
    ],
    traverse: UnpackIter::traverse_buffer,
}

/// `__length_hint__`: the tuples left (C divides the bytes left by the size).
#[allow(non_camel_case_types)]
struct length_hint;

impl oxpy::class::Method for length_hint {
    type Class = UnpackIter;
    const DEF: MethodDef = MethodDef::method_plain_noargs::<UnpackIter, Self>("__length_hint__\0", "\0");

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, UnpackIter>,
        _module: Borrowed<'a, 'py, PyModule>,
        _args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let it = slf.get();
        // C divides by the struct's size even when it is -1 (a Struct
        // never initialised).
        let size = format_of(it.format.bind(py)).size;
        let left = if it.buffer.is_released(py) || size == 0 {
            0
        } else {
            (it.buffer.len(py) as isize - it.index.load(Ordering::Relaxed)) / size
        };
        Ok(PyInt::from_isize(py, left)?.into_any())
    }
}

/// `__next__`: the next tuple; at the end, releases the buffer and stops
/// (NULL without exception, as C).
#[allow(non_camel_case_types)]
struct iter_next;

impl oxpy::class::Method for iter_next {
    type Class = UnpackIter;
    const DEF: MethodDef = MethodDef::method_plain_noargs::<UnpackIter, Self>("__next__\0", "\0");

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, UnpackIter>,
        _module: Borrowed<'a, 'py, PyModule>,
        _args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let it = slf.get();
        if it.buffer.is_released(py) {
            return Err(Raised::without_exception(py));
        }
        let index = it.index.load(Ordering::Relaxed);
        let len = it.buffer.len(py) as isize;
        if index >= len {
            it.buffer.release(py);
            return Err(Raised::without_exception(py));
        }
        let f = format_of(it.format.bind(py));
        // A copy of the item: unpacking creates objects (which may run
        // Python code through the GC) while the buffer stays exported. On
        // the stack when small (most formats): an allocation per item made
        // iteration 15-20% slower than C.
        // Mostly a fixed-size copy of the 64 bytes at the item (inlined,
        // where a copy of the item's own length calls memcpy).
        const SMALL: usize = 64;
        let mut small = [MaybeUninit::<u8>::uninit(); SMALL];
        let mut large = Vec::new();
        let item: &[u8] = match usize::try_from(f.size) {
            Ok(size) => it.buffer.with_bytes(py, |b| {
                let at = index as usize;
                let item = b.get(at..at + size).unwrap_or(&[]);
                if size > SMALL {
                    large.extend_from_slice(item);
                    return &large[..];
                }
                match b.get(at..at + SMALL) {
                    Some(window) => &small.write_copy_of_slice(window)[..size],
                    // Near the end of the buffer.
                    None => small.get_mut(..item.len()).map_or(&[][..], |dst| dst.write_copy_of_slice(item)),
                }
            }),
            Err(_) => &[],
        };
        it.index.store(index + f.size, Ordering::Relaxed);
        Ok(unpack_values(py, f, item)?.into_any())
    }
}

/// 3.11's `unpack_iterator.__new__`: refuses with its (misquoted) message.
struct UnpackIterNew;

impl Constructor for UnpackIterNew {
    type Class = UnpackIter;
    const DOC: &'static str = "\0";

    fn call<'a, 'py>(
        py: Python<'py>,
        _module: Borrowed<'a, 'py, PyModule>,
        _args: CallArgs<'a, 'py>,
    ) -> PyResult<UnpackIter> {
        Err(TypeError::raise(py, "Cannot create 'unpack_iterator objects"))
    }
}

// ---------------------------------------------------------------------------
// Module functions

/// C's `cache_struct_converter`: the `Struct` of format object `fmt`, from
/// the cache (keyed by the object itself, so hashing and comparison are
/// Python's) or made by calling `Struct(fmt)` and cached; the cache is
/// emptied when full and a failure to store is ignored.
fn cached_struct<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    fmt: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let state = module.state::<State>()?;
    let exact_str = PyStr::is_exact(fmt);
    if exact_str && state.last_format.get(py).as_ptr() == fmt.as_ptr() {
        return Ok(state.last_struct.get(py));
    }
    let cache = state.cache.bind(py);
    if let Some(s) = cache.get_item(fmt)? {
        if exact_str {
            state.remember(fmt, s.as_borrowed());
        }
        return Ok(s);
    }
    let s = state.struct_type.bind(py).as_type().as_any().call1(fmt)?;
    if cache.len() >= MAX_CACHE {
        state.clear_cache(py);
    }
    match cache.set_item(fmt, s.as_borrowed()) {
        Ok(()) if exact_str => state.remember(fmt, s.as_borrowed()),
        Ok(()) => {}
        Err(e) => e.discard(py),
    }
    Ok(s)
}

impl State {
    /// `fmt` and its `Struct` (an entry of `cache`) as the last ones used.
    fn remember(&self, fmt: Borrowed<'_, '_, PyAny>, s: Borrowed<'_, '_, PyAny>) {
        self.last_struct.set(s.to_owned());
        self.last_format.set(fmt.to_owned());
    }

    /// Empties the caches (and forgets the last format).
    fn clear_cache(&self, py: Python<'_>) {
        ObjectMember::clear_all(&[&self.last_format, &self.last_struct], py);
        self.cache.bind(py).clear();
        self.compiled_str.bind(py).clear();
        self.compiled_bytes.bind(py).clear();
    }
}

/// The compiled format of the cached `Struct` of `fmt`.
fn cached_format<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    fmt: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Compiled<'py>> {
    let s = cached_struct(py, module, fmt)?;
    match s.as_borrowed().downcast_class::<Struct>() {
        Some(s) => Ok(s.get().compiled(py)),
        None => Err(SystemError::raise(py, "struct cache holds a foreign object")),
    }
}

/// The module functions with C's variadic signatures, written out:
/// `pack` and `pack_into`, METH_FASTCALL.
#[allow(non_camel_case_types)]
struct pack;

impl Function for pack {
    const DEF: MethodDef = MethodDef::fastcall::<Self>(
        "pack\0",
        "pack(format, v1, v2, ...) -> bytes\n\nReturn a bytes object containing the values v1, v2, ... packed \
         according\nto the format string.  See help(struct) for more on format strings.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some((&fmt, values)) = args.positional.split_first() else {
            return Err(TypeError::raise(py, "missing format argument"));
        };
        s_pack(py, module, cached_format(py, module, fmt)?.get(), values)
    }
}

#[allow(non_camel_case_types)]
struct pack_into;

impl Function for pack_into {
    const DEF: MethodDef = MethodDef::fastcall::<Self>(
        "pack_into\0",
        "pack_into(format, buffer, offset, v1, v2, ...)\n\nPack the values v1, v2, ... according to the format \
         string and write\nthe packed bytes into the writable buffer buf starting at offset.  Note\nthat the offset \
         is a required argument.  See help(struct) for more\non format strings.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some((&fmt, rest)) = args.positional.split_first() else {
            return Err(TypeError::raise(py, "missing format argument"));
        };
        s_pack_into(py, module, cached_format(py, module, fmt)?.get(), rest)
    }
}

/// Return a tuple containing values unpacked according to the format string.
///
/// The buffer's size in bytes must be calcsize(format).
///
/// See help(struct) for more on format strings.
#[oxpy::function(text_signature = "($module, format, buffer, /)")]
fn unpack<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    format: Borrowed<'_, 'py, PyAny>,
    buffer: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    // Clinic converts in order: the format first, then the buffer.
    let f = cached_format(py, module, format)?;
    let mut slot = BufferSlot::default();
    let buffer = slot.simple(buffer)?;
    s_unpack(py, module, f.get(), buffer)
}

/// Return a tuple containing values unpacked according to the format string.
///
/// The buffer's size, minus offset, must be at least calcsize(format).
///
/// See help(struct) for more on format strings.
#[oxpy::function(text_signature = "($module, format, /, buffer, offset=0)")]
fn unpack_from<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    format: Borrowed<'_, 'py, PyAny>,
    buffer: Borrowed<'_, 'py, PyAny>,
    offset: Option<Borrowed<'_, 'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let f = cached_format(py, module, format)?;
    let mut slot = BufferSlot::default();
    let buffer = slot.simple(buffer)?;
    let offset = match offset {
        Some(o) => o.index_as_ssize()?,
        None => 0,
    };
    s_unpack_from(py, module, f.get(), buffer, offset)
}

/// Return an iterator yielding tuples unpacked from the given bytes.
///
/// The bytes are unpacked according to the format string, like
/// a repeated invocation of unpack_from().
///
/// Requires that the bytes length be a multiple of the format struct size.
#[oxpy::function(text_signature = "($module, format, buffer, /)")]
fn iter_unpack<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    format: Borrowed<'_, 'py, PyAny>,
    buffer: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, UnpackIter>> {
    let f = cached_format(py, module, format)?;
    s_iter_unpack(py, module, f, buffer)
}

/// Return size in bytes of the struct described by the format string.
#[oxpy::function(text_signature = "($module, format, /)")]
fn calcsize<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    format: Borrowed<'_, 'py, PyAny>,
) -> PyResult<isize> {
    Ok(cached_format(py, module, format)?.get().size)
}

/// Clear the internal cache.
#[oxpy::function(text_signature = "($module, /)")]
fn _clearcache(py: Python<'_>, module: Borrowed<'_, '_, PyModule>) -> PyResult<()> {
    module.state::<State>()?.clear_cache(py);
    Ok(())
}
