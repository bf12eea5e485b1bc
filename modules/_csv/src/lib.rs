//! CPython's `_csv` module in Rust: `Dialect` (C's argument conversions and
//! checks, reuse of dialect instances, the registry), `reader` and `writer`
//! objects, `field_size_limit` and the constants, with C's errors on each
//! of 3.11, 3.12 and 3.13. Parsing and record joining are the pure-Rust
//! state machines of `oxpy-csv-core`; this crate is the Python glue.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicIsize, Ordering};

use oxpy::args::{parse_optional_objects, unpack_tuple};
use oxpy::class::{BoolMember, ClassType, NewObject, ObjectMember, ULongMember};
use oxpy::err::exceptions::{Exception, RuntimeError, SystemError, TypeError, ValueError};
use oxpy::function::{CallArgs, IntoPyObject, MethodDef, VarargsFunction};
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::sync::CallLock;
use oxpy::types::{PyAny, PyDict, PyInt, PyList, PyModule, PyStr, PyTuple, PyType, StrData};
use oxpy::{Borrowed, Bound, PY_MINOR_VERSION, PyResult, Python, Raised, Unbound};
use oxpy_csv_core::{Compat, DialectArgs, DialectError, FieldKind, FieldValue, ReadError, Text};

/// C's default `field_size_limit` (128 KiB).
const FIELD_LIMIT: isize = 128 * 1024;

/// The module state: C's `_csvstate`.
pub struct State {
    error: Unbound<PyType>,
    dialects: Unbound<PyDict>,
    field_limit: AtomicIsize,
    dialect_type: Unbound<ClassType<Dialect>>,
    reader_type: Unbound<ClassType<Reader>>,
    writer_type: Unbound<ClassType<Writer>>,
    /// "write", interned (C's `str_write`).
    str_write: Unbound<PyStr>,
    compat: Compat,
}

impl ModuleState for State {
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        let py = module.py();
        let doc = match PY_MINOR_VERSION {
            11 => include_str!("doc_3_11.txt"),
            12 => include_str!("doc_3_12.txt"),
            _ => include_str!("doc_3_13.txt"),
        };
        module.add(c"__doc__", &PyStr::new(py, doc)?.into_any())?;
        if PY_MINOR_VERSION < 13 {
            module.add(c"__version__", &PyStr::new(py, "1.0")?.into_any())?;
        }
        let dialect_type = PyType::from_class::<Dialect>(module)?;
        let reader_type = PyType::from_class::<Reader>(module)?;
        let writer_type = PyType::from_class::<Writer>(module)?;
        module.add(c"Dialect", &dialect_type.clone_ref().into_any())?;
        module.add(c"Reader", &reader_type.clone_ref().into_any())?;
        module.add(c"Writer", &writer_type.clone_ref().into_any())?;
        let quoting: &[(&std::ffi::CStr, i64)] = &[
            (c"QUOTE_MINIMAL", 0),
            (c"QUOTE_ALL", 1),
            (c"QUOTE_NONNUMERIC", 2),
            (c"QUOTE_NONE", 3),
            (c"QUOTE_STRINGS", 4),
            (c"QUOTE_NOTNULL", 5),
        ];
        let styles = if PY_MINOR_VERSION >= 12 { 6 } else { 4 };
        for &(name, value) in &quoting[..styles] {
            module.add(name, &PyInt::from_i64(py, value)?.into_any())?;
        }
        let dialects = PyDict::new(py)?;
        module.add(c"_dialects", &dialects.clone_ref().into_any())?;
        // 3.11+ makes Error from a spec (with the module, without __weakref__).
        let error = PyType::new_exception_from_spec(module, c"_csv.Error", Exception::type_object(py))?;
        module.add(c"Error", &error.clone_ref().into_any())?;
        Ok(State {
            error: error.unbind(),
            dialects: dialects.unbind(),
            field_limit: AtomicIsize::new(FIELD_LIMIT),
            dialect_type: dialect_type.unbind(),
            reader_type: reader_type.unbind(),
            writer_type: writer_type.unbind(),
            str_write: PyStr::interned(py, c"write")?.unbind(),
            compat: Compat::for_version(PY_MINOR_VERSION, oxpy::py_micro_version()),
        })
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        visit.call(&self.error)?;
        visit.call(&self.dialects)?;
        visit.call(&self.dialect_type)?;
        visit.call(&self.reader_type)?;
        visit.call(&self.writer_type)?;
        visit.call(&self.str_write)
    }
}

// The module docstring differs by version; the exec slot sets `__doc__`.
oxpy::module! {
    name: _csv,
    doc: "",
    state: State,
    functions: [reader, writer, list_dialects, register_dialect, unregister_dialect, get_dialect, field_size_limit],
}

/// Raises `_csv.Error` with `msg`.
#[cold]
fn csv_error(module: Borrowed<'_, '_, PyModule>, msg: &str) -> Raised {
    match module.state::<State>() {
        Ok(s) => Raised::new(s.error.bind(module.py()), msg),
        Err(e) => e,
    }
}

/// Raises `_csv.Error` whose message is the code points `msg` (which may
/// hold lone surrogates).
#[cold]
fn csv_error_code_points(module: Borrowed<'_, '_, PyModule>, msg: &[u32]) -> Raised {
    let py = module.py();
    match (module.state::<State>(), PyStr::from_data(py, StrData::Ucs4(msg))) {
        (Ok(s), Ok(text)) => Raised::with_value(s.error.bind(py), text.as_borrowed().as_any()),
        (Err(e), _) | (_, Err(e)) => e,
    }
}

/// Raises the error of the parser or the joiner.
#[cold]
fn core_error(py: Python<'_>, module: Borrowed<'_, '_, PyModule>, e: oxpy_csv_core::Error) -> Raised {
    match e {
        oxpy_csv_core::Error::NoMemory => oxpy::err::exceptions::MemoryError::raise_empty(py),
        e => csv_error_code_points(module, &e.message_code_points()),
    }
}

/// A `str` of characters as the core hands them back.
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

/// A one-character `str`.
fn char_str(py: Python<'_>, c: u32) -> PyResult<Bound<'_, PyAny>> {
    Ok(PyStr::from_data(py, StrData::Ucs4(&[c]))?.into_any())
}

// ---------------------------------------------------------------------------
// Dialect

/// A dialect: the checked settings, and what Python reads of them.
pub struct Dialect {
    value: oxpy_csv_core::Dialect,
    /// The `lineterminator` object given (C keeps and returns it).
    lineterminator: ObjectMember,
    doublequote: BoolMember,
    skipinitialspace: BoolMember,
    strict: BoolMember,
}

oxpy::class! {
    type: Dialect,
    name: "_csv.Dialect",
    flags: BASETYPE | GC | IMMUTABLETYPE,
    constructor: [],
    methods: [dialect_reduce, dialect_reduce_ex],
    members: [bool skipinitialspace, bool doublequote, bool strict],
    getters: [delimiter, escapechar, lineterminator, quotechar, quoting],
    slots: [
        Slot::doc("CSV dialect\n\nThe Dialect type records CSV parsing and generation options.\n\0"),
        Slot::new_object::<DialectNew>(),
    ],
    traverse: Dialect::traverse_members,
}

impl Dialect {
    fn traverse_members(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        self.lineterminator.traverse(visit)
    }
}

#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn delimiter<'py>(py: Python<'py>, this: &Dialect) -> PyResult<Bound<'py, PyAny>> {
    char_str(py, this.value.delimiter)
}

#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn escapechar<'py>(py: Python<'py>, this: &Dialect) -> PyResult<Bound<'py, PyAny>> {
    match this.value.escapechar {
        Some(c) => char_str(py, c),
        None => ().into_py_object(py),
    }
}

#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn quotechar<'py>(py: Python<'py>, this: &Dialect) -> PyResult<Bound<'py, PyAny>> {
    match this.value.quotechar {
        Some(c) => char_str(py, c),
        None => ().into_py_object(py),
    }
}

#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn lineterminator<'py>(py: Python<'py>, this: &Dialect) -> PyResult<Bound<'py, PyAny>> {
    Ok(this.lineterminator.get(py))
}

#[oxpy::function(text_signature = "($self)", defining_class = false)]
fn quoting(py: Python<'_>, this: &Dialect) -> PyResult<i64> {
    let _ = py;
    Ok(this.value.quoting as i64)
}

/// `__reduce__` and `__reduce_ex__`: dialects are not picklable.
fn refuse_pickle<'py>(py: Python<'py>, this: Borrowed<'_, 'py, Dialect>) -> PyResult<Bound<'py, PyAny>> {
    let name = oxpy::err::c_truncate(this.as_any().get_type().short_name(), 100).into_owned();
    Err(TypeError::raise(py, &format!("cannot pickle '{name}' instances")))
}

macro_rules! pickle_refusal {
    ($ty:ident, $name:literal) => {
        #[allow(non_camel_case_types)]
        struct $ty;

        impl oxpy::class::Method for $ty {
            type Class = Dialect;
            const DEF: MethodDef = MethodDef::method_plain_fastcall::<Dialect, Self>(
                concat!($name, "\0"),
                "raises an exception to avoid pickling\0",
            );

            fn call<'a, 'py>(
                py: Python<'py>,
                slf: Borrowed<'a, 'py, Dialect>,
                _module: Borrowed<'a, 'py, PyModule>,
                _args: CallArgs<'a, 'py>,
            ) -> PyResult<Bound<'py, PyAny>> {
                refuse_pickle(py, slf)
            }
        }
    };
}

pickle_refusal!(dialect_reduce, "__reduce__");
pickle_refusal!(dialect_reduce_ex, "__reduce_ex__");

/// The names of `Dialect.__new__`'s arguments, in C's order.
const DIALECT_KEYWORDS: [&std::ffi::CStr; 9] = [
    c"dialect",
    c"delimiter",
    c"doublequote",
    c"escapechar",
    c"lineterminator",
    c"quotechar",
    c"quoting",
    c"skipinitialspace",
    c"strict",
];

/// `Dialect.__new__` (C's `dialect_new`).
struct DialectNew;

impl NewObject for DialectNew {
    type Class = Dialect;

    fn call<'a, 'py>(
        py: Python<'py>,
        cls: Borrowed<'a, 'py, PyType>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let state = module.state::<State>()?;
        if args.is_empty() && kwargs.is_none_or(|k| k.is_empty()) {
            // Nothing given: C's defaults, which need no checking.
            let value = oxpy_csv_core::Dialect::default();
            let payload = Dialect {
                doublequote: BoolMember::new(value.doublequote),
                skipinitialspace: BoolMember::new(value.skipinitialspace),
                strict: BoolMember::new(value.strict),
                lineterminator: ObjectMember::new(PyStr::new(py, "\r\n")?.into_any()),
                value,
            };
            return Ok(cls.instantiate(payload)?.into_any());
        }
        let [dialect, given @ ..] = parse_optional_objects(py, args, kwargs, &DIALECT_KEYWORDS)?;
        let dialect = match dialect {
            Some(d) if d.downcast::<PyStr>().is_some() => Some(registered_dialect(module, d)?),
            Some(d) => Some(d.to_owned()),
            None => None,
        };
        if let Some(d) = &dialect
            && d.as_borrowed().downcast_class::<Dialect>().is_some()
            && given.iter().all(Option::is_none)
        {
            // Can we reuse this instance? (C's words.)
            return Ok(d.clone_ref());
        }
        // Each setting not given comes from the dialect object's attribute
        // (any error reading it is ignored).
        let mut values: [Option<Bound<'py, PyAny>>; 8] = given.map(|v| v.map(Borrowed::to_owned));
        if let Some(d) = &dialect {
            for (value, name) in values.iter_mut().zip(&DIALECT_KEYWORDS[1..]) {
                if value.is_none() {
                    *value = d.as_borrowed().getattr(name).map_err(|e| e.discard(py)).ok();
                }
            }
        }
        let [delimiter, doublequote, escapechar, lineterminator, quotechar, quoting, skipinitialspace, strict] = values;
        fn b<'a, 'py>(v: &'a Option<Bound<'py, PyAny>>) -> Option<Borrowed<'a, 'py, PyAny>> {
            v.as_ref().map(|v| v.as_borrowed())
        }
        let mut a = DialectArgs::default();
        a.delimiter = char_setting(py, "delimiter", b(&delimiter), false)?.flatten().unwrap_or(a.delimiter);
        a.doublequote = bool_setting(b(&doublequote), a.doublequote)?;
        if let Some(c) = char_setting(py, "escapechar", b(&escapechar), true)? {
            a.escapechar = c;
        }
        let line = match b(&lineterminator) {
            None => Some(PyStr::new(py, "\r\n")?.into_any()),
            Some(v) if v.is_none() => None,
            Some(v) if v.downcast::<PyStr>().is_some() => Some(v.to_owned()),
            Some(_) => return Err(TypeError::raise(py, "\"lineterminator\" must be a string")),
        };
        if lineterminator.is_some() {
            a.lineterminator = match &line {
                Some(l) => Some(str_code_points(l.as_borrowed())?),
                None => None,
            };
        }
        if let Some(c) = char_setting(py, "quotechar", b(&quotechar), true)? {
            a.quotechar = c;
        }
        a.quoting = match b(&quoting) {
            None => None,
            Some(q) if PyInt::is_exact(q) => Some(q.index_as_c_int()?),
            Some(_) => return Err(TypeError::raise(py, "\"quoting\" must be an integer")),
        };
        a.skipinitialspace = bool_setting(b(&skipinitialspace), a.skipinitialspace)?;
        a.strict = bool_setting(b(&strict), a.strict)?;
        let value = a.validate(state.compat).map_err(|e| match e {
            DialectError::Type(m) => TypeError::raise(py, &m),
            DialectError::Value(m) => ValueError::raise(py, &m),
        })?;
        let line = match line {
            Some(l) => l,
            None => return Err(SystemError::raise(py, "lineterminator missing after validation")),
        };
        let payload = Dialect {
            doublequote: BoolMember::new(value.doublequote),
            skipinitialspace: BoolMember::new(value.skipinitialspace),
            strict: BoolMember::new(value.strict),
            lineterminator: ObjectMember::new(line),
            value,
        };
        Ok(cls.instantiate(payload)?.into_any())
    }
}

/// The characters of a `str` as code points.
fn str_code_points(s: Borrowed<'_, '_, PyAny>) -> PyResult<Vec<u32>> {
    let Some(s) = s.downcast::<PyStr>() else { return Ok(Vec::new()) };
    Ok(match s.data()? {
        StrData::Ucs1(d) => d.iter().map(|&c| u32::from(c)).collect(),
        StrData::Ucs2(d) => d.iter().map(|&c| u32::from(c)).collect(),
        StrData::Ucs4(d) => d.to_vec(),
    })
}

/// C's `_set_char` (`or_none`: `_set_char_or_none`): `None` when not
/// given; `Some(None)` for a given `None` (where allowed).
fn char_setting(
    py: Python<'_>,
    name: &str,
    src: Option<Borrowed<'_, '_, PyAny>>,
    or_none: bool,
) -> PyResult<Option<Option<u32>>> {
    let Some(src) = src else { return Ok(None) };
    if or_none && src.is_none() {
        return Ok(Some(None));
    }
    let Some(s) = src.downcast::<PyStr>() else {
        let tp = oxpy::err::c_truncate(src.get_type().name(), 200).into_owned();
        let what = if or_none { "string or None" } else { "string" };
        return Err(TypeError::raise(py, &format!("\"{name}\" must be {what}, not {tp}")));
    };
    let chars = str_code_points(s.as_any())?;
    match chars[..] {
        [c] => Ok(Some(Some(c))),
        _ => Err(TypeError::raise(py, &format!("\"{name}\" must be a 1-character string"))),
    }
}

/// C's `_set_bool`: the truth value, else the default.
fn bool_setting(src: Option<Borrowed<'_, '_, PyAny>>, default: bool) -> PyResult<bool> {
    match src {
        Some(v) => v.is_truthy(),
        None => Ok(default),
    }
}

/// The registered dialect `name` (C's `get_dialect_from_registry`).
fn registered_dialect<'py>(
    module: Borrowed<'_, 'py, PyModule>,
    name: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let state = module.state::<State>()?;
    match state.dialects.bind(module.py()).get_item(name)? {
        Some(d) => Ok(d),
        None => Err(csv_error(module, "unknown dialect")),
    }
}

/// C's `_call_dialect`: `Dialect(dialect, **kwargs)` (or without dialect).
fn call_dialect<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    dialect: Option<Borrowed<'_, 'py, PyAny>>,
    kwargs: Option<Borrowed<'_, 'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let state = module.state::<State>()?;
    let ty = state.dialect_type.bind(py).as_type();
    let args: Vec<Borrowed<'_, 'py, PyAny>> = dialect.into_iter().collect();
    ty.as_any().call(&args, kwargs)
}

/// The `Dialect` payload of `obj` (what `_call_dialect` returned).
fn dialect_of<'a, 'py>(py: Python<'py>, obj: Borrowed<'a, 'py, PyAny>) -> PyResult<&'a Dialect> {
    match obj.downcast_class::<Dialect>() {
        Some(d) => Ok(d.get()),
        None => Err(SystemError::raise(py, "Dialect() returned a foreign object")),
    }
}

// ---------------------------------------------------------------------------
// reader

/// A `_csv.reader`: the input iterator, the dialect, the line count and the
/// parser.
pub struct Reader {
    input_iter: ObjectMember,
    dialect: ObjectMember,
    line_num: ULongMember,
    /// Made at the first line (most of a reader's setup cost).
    parser: CallLock<Option<Box<oxpy_csv_core::Reader>>>,
}

oxpy::class! {
    type: Reader,
    name: "_csv.reader",
    flags: BASETYPE | GC | IMMUTABLETYPE | DISALLOW_INSTANTIATION,
    constructor: [],
    methods: [],
    members: [object dialect, ulong line_num],
    getters: [],
    slots: [
        Slot::doc("CSV reader\n\nReader objects are responsible for reading and parsing tabular data\nin CSV format.\n\0"),
        Slot::iter_self(),
        Slot::iternext::<reader_next>(),
    ],
    traverse: Reader::traverse_members,
    clear: Reader::clear_members,
}

impl Reader {
    fn traverse_members(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        ObjectMember::traverse_all(&[&self.dialect, &self.input_iter], visit)
    }

    fn clear_members(&self, py: Python<'_>) {
        ObjectMember::clear_all(&[&self.dialect, &self.input_iter], py);
    }
}

/// `__next__`: the next record (C's `Reader_iternext`).
#[oxpy::function(name = "__next__", text_signature = "($self)", defining_class = false)]
fn reader_next<'py>(
    py: Python<'py>,
    this: &Reader,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, PyList>> {
    let state = module.state::<State>()?;
    let mut py_mut = py;
    let Some(mut parser) = this.parser.lock(&mut py_mut) else {
        return Err(RuntimeError::raise(py, "reader called from its own input"));
    };
    if let Some(p) = parser.as_mut() {
        p.reset();
    }
    let fields = PyList::new(py)?;
    let iter = this.input_iter.get(py);
    let sink = |value: FieldValue<'_>| -> PyResult<()> {
        let field = match value {
            FieldValue::Str(t) => text_str(py, t)?.into_any(),
            FieldValue::Float(t) => text_str(py, t)?.as_borrowed().as_any().to_float()?,
            FieldValue::None => ().into_py_object(py)?,
        };
        fields.as_borrowed().append(field.as_borrowed())
    };
    let fail = |e: ReadError<Raised>| match e {
        ReadError::Csv(e) => core_error(py, module, e),
        ReadError::Sink(e) => e,
    };
    loop {
        let Some(line) = iter.as_borrowed().next_item()? else {
            // End of input: a field in progress ends the record (or is an
            // error under strict); otherwise the iteration stops.
            let ended_record = match parser.as_mut() {
                Some(p) => p.finish(sink).map_err(fail)?,
                None => false,
            };
            return if ended_record { Ok(fields) } else { Err(Raised::without_exception(py)) };
        };
        let Some(line) = line.as_borrowed().downcast::<PyStr>() else {
            let tp = oxpy::err::c_truncate(line.as_borrowed().get_type().name(), 200).into_owned();
            return Err(csv_error(
                module,
                &format!("iterator should return strings, not {tp} (the file should be opened in text mode)"),
            ));
        };
        this.line_num.set(this.line_num.get().wrapping_add(1));
        let limit = state.field_limit.load(Ordering::Relaxed);
        let parser = match parser.as_mut() {
            Some(p) => p,
            None => {
                let dialect = this.dialect.get(py);
                let value = &dialect_of(py, dialect.as_borrowed())?.value;
                parser.insert(Box::new(oxpy_csv_core::Reader::new(value, state.compat)))
            }
        };
        let complete = match line.data()? {
            StrData::Ucs1(d) => parser.feed_line(d, limit, sink),
            StrData::Ucs2(d) => parser.feed_line(d, limit, sink),
            StrData::Ucs4(d) => parser.feed_line(d, limit, sink),
        }
        .map_err(fail)?;
        if complete {
            return Ok(fields);
        }
    }
}

/// `reader(iterable, dialect='excel', **fmtparams)`.
#[allow(non_camel_case_types)]
struct reader;

impl VarargsFunction for reader {
    const DEF: MethodDef = MethodDef::varargs_kw::<Self>(
        "reader\0",
        concat!(
            "    csv_reader = reader(iterable [, dialect='excel']\n",
            "                        [optional keyword args])\n",
            "    for row in csv_reader:\n",
            "        process(row)\n",
            "\n",
            "The \"iterable\" argument can be any object that returns a line\n",
            "of input for each iteration, such as a file object or a list.  The\n",
            "optional \"dialect\" parameter is discussed below.  The function\n",
            "also accepts optional keyword arguments which override settings\n",
            "provided by the dialect.\n",
            "\n",
            "The returned object is an iterator.  Each iteration returns a row\n",
            "of the CSV file (which can span multiple input lines).\n\0"
        ),
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let items = unpack_tuple(py, "", args, 1, 2)?;
        let iter = items[0].iter()?;
        let dialect = call_dialect(py, module, items.get(1).copied(), kwargs)?;
        let state = module.state::<State>()?;
        dialect_of(py, dialect.as_borrowed())?;
        let payload = Reader {
            input_iter: ObjectMember::new(iter),
            dialect: ObjectMember::new(dialect),
            line_num: ULongMember::new(0),
            parser: CallLock::new(None),
        };
        Ok(state.reader_type.bind(py).instantiate(payload)?.into_any())
    }
}

// ---------------------------------------------------------------------------
// writer

/// A `_csv.writer`: the file's `write`, the dialect and the record joiner.
pub struct Writer {
    write: ObjectMember,
    dialect: ObjectMember,
    /// Made at the first row.
    joiner: CallLock<Option<Box<oxpy_csv_core::Writer>>>,
}

oxpy::class! {
    type: Writer,
    name: "_csv.writer",
    flags: BASETYPE | GC | IMMUTABLETYPE | DISALLOW_INSTANTIATION,
    constructor: [],
    methods: [writerow, writerows],
    members: [object dialect],
    getters: [],
    slots: [
        Slot::doc("CSV writer\n\nWriter objects are responsible for generating tabular data\nin CSV format from sequence input.\n\0"),
    ],
    traverse: Writer::traverse_members,
    clear: Writer::clear_members,
}

impl Writer {
    fn traverse_members(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        ObjectMember::traverse_all(&[&self.dialect, &self.write], visit)
    }

    fn clear_members(&self, py: Python<'_>) {
        ObjectMember::clear_all(&[&self.dialect, &self.write], py);
    }
}

/// What a field of a row is, for the quoting rules.
fn field_kind(field: Borrowed<'_, '_, PyAny>) -> FieldKind {
    if PyStr::is_exact(field) {
        // Not a number (str has no __index__, __int__ or __float__).
        return FieldKind::Str;
    }
    let is_str = field.downcast::<PyStr>().is_some();
    match (field.is_none(), is_str, field.is_number()) {
        (true, _, _) => FieldKind::None,
        (_, true, false) => FieldKind::Str,
        (_, true, true) => FieldKind::NumericStr,
        (_, false, true) => FieldKind::Number,
        (_, false, false) => FieldKind::Other,
    }
}

/// writerow(iterable)
///
/// Construct and write a CSV record from an iterable of fields.  Non-string
/// elements will be converted to string.
fn write_row<'py>(
    py: Python<'py>,
    this: &Writer,
    module: Borrowed<'_, 'py, PyModule>,
    row: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let iter = row.iter().map_err(|e| {
        if e.matches(TypeError::type_object(py)) {
            let tp = oxpy::err::c_truncate(row.get_type().name(), 200).into_owned();
            csv_error(module, &format!("iterable expected, not {tp}"))
        } else {
            e
        }
    })?;
    let line = {
        let mut py_mut = py;
        let Some(mut joiner) = this.joiner.lock(&mut py_mut) else {
            return Err(RuntimeError::raise(py, "writer called from its own row"));
        };
        let joiner = match joiner.as_mut() {
            Some(j) => j,
            None => {
                let dialect = this.dialect.get(py);
                let compat = module.state::<State>()?.compat;
                let value = &dialect_of(py, dialect.as_borrowed())?.value;
                joiner.insert(Box::new(oxpy_csv_core::Writer::new(value, compat)))
            }
        };
        joiner.begin_record();
        while let Some(field) = iter.as_borrowed().next_item()? {
            let field = field.as_borrowed();
            let kind = field_kind(field);
            let text = match kind {
                FieldKind::None => None,
                FieldKind::Str | FieldKind::NumericStr => Some(field.to_owned()),
                _ => Some(field.str()?.into_any()),
            };
            let appended = match &text {
                None => joiner.append_field::<u8>(&[], kind),
                Some(t) => match t.as_borrowed().downcast::<PyStr>().map(|s| s.data()).transpose()? {
                    Some(StrData::Ucs1(d)) => joiner.append_field(d, kind),
                    Some(StrData::Ucs2(d)) => joiner.append_field(d, kind),
                    Some(StrData::Ucs4(d)) => joiner.append_field(d, kind),
                    None => return Err(SystemError::raise(py, "str() returned a non-string")),
                },
            };
            appended.map_err(|e| core_error(py, module, e))?;
        }
        let record = joiner.finish_record().map_err(|e| core_error(py, module, e))?;
        text_str(py, record)?
    };
    this.write.get(py).as_borrowed().call1(line.as_borrowed().as_any())
}

#[allow(non_camel_case_types)]
struct writerow;

impl oxpy::class::Method for writerow {
    type Class = Writer;
    const DEF: MethodDef = MethodDef::method_plain_o::<Writer, Self>(
        "writerow\0",
        "writerow(iterable)\n\nConstruct and write a CSV record from an iterable of fields.  Non-string\nelements \
         will be converted to string.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Writer>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        write_row(py, slf.get(), module, args.positional[0])
    }
}

#[allow(non_camel_case_types)]
struct writerows;

impl oxpy::class::Method for writerows {
    type Class = Writer;
    const DEF: MethodDef = MethodDef::method_plain_o::<Writer, Self>(
        "writerows\0",
        "writerows(iterable of iterables)\n\nConstruct and write a series of iterables to a csv file.  \
         Non-string\nelements will be converted to string.\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        slf: Borrowed<'a, 'py, Writer>,
        module: Borrowed<'a, 'py, PyModule>,
        args: CallArgs<'a, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = args.positional[0].iter()?;
        while let Some(row) = rows.as_borrowed().next_item()? {
            write_row(py, slf.get(), module, row.as_borrowed())?;
        }
        ().into_py_object(py)
    }
}

/// `writer(fileobj, dialect='excel', **fmtparams)`.
#[allow(non_camel_case_types)]
struct writer;

impl VarargsFunction for writer {
    const DEF: MethodDef = MethodDef::varargs_kw::<Self>(
        "writer\0",
        concat!(
            "    csv_writer = csv.writer(fileobj [, dialect='excel']\n",
            "                            [optional keyword args])\n",
            "    for row in sequence:\n",
            "        csv_writer.writerow(row)\n",
            "\n",
            "    [or]\n",
            "\n",
            "    csv_writer = csv.writer(fileobj [, dialect='excel']\n",
            "                            [optional keyword args])\n",
            "    csv_writer.writerows(rows)\n",
            "\n",
            "The \"fileobj\" argument can be any object that supports the file API.\n\0"
        ),
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let items = unpack_tuple(py, "", args, 1, 2)?;
        let state = module.state::<State>()?;
        let write = items[0].getattr_str_opt(state.str_write.bind(py))?;
        let Some(write) = write.filter(|w| w.as_borrowed().is_callable()) else {
            return Err(TypeError::raise(py, "argument 1 must have a \"write\" method"));
        };
        let dialect = call_dialect(py, module, items.get(1).copied(), kwargs)?;
        dialect_of(py, dialect.as_borrowed())?;
        let payload = Writer {
            write: ObjectMember::new(write),
            dialect: ObjectMember::new(dialect),
            joiner: CallLock::new(None),
        };
        Ok(state.writer_type.bind(py).instantiate(payload)?.into_any())
    }
}

// ---------------------------------------------------------------------------
// The registry and the field size limit

/// Return a list of all known dialect names.
///
///     names = csv.list_dialects()
#[oxpy::function(text_signature = "($module, /)")]
fn list_dialects<'py>(py: Python<'py>, module: Borrowed<'_, 'py, PyModule>) -> PyResult<Bound<'py, PyList>> {
    module.state::<State>()?.dialects.bind(py).keys()
}

/// `register_dialect(name[, dialect[, **fmtparams]])`.
#[allow(non_camel_case_types)]
struct register_dialect;

impl VarargsFunction for register_dialect {
    const DEF: MethodDef = MethodDef::varargs_kw::<Self>(
        "register_dialect\0",
        "Create a mapping from a string name to a dialect class.\n    dialect = csv.register_dialect(name[, \
         dialect[, **fmtparams]])\0",
    );

    fn call<'a, 'py>(
        py: Python<'py>,
        module: Borrowed<'a, 'py, PyModule>,
        args: Borrowed<'a, 'py, PyTuple>,
        kwargs: Option<Borrowed<'a, 'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let items = unpack_tuple(py, "", args, 1, 2)?;
        let name = items[0];
        if name.downcast::<PyStr>().is_none() {
            return Err(TypeError::raise(py, "dialect name must be a string"));
        }
        let dialect = call_dialect(py, module, items.get(1).copied(), kwargs)?;
        module.state::<State>()?.dialects.bind(py).set_item(name, dialect.as_borrowed())?;
        ().into_py_object(py)
    }
}

/// Delete the name/dialect mapping associated with a string name.
///
///     csv.unregister_dialect(name)
#[oxpy::function(text_signature = "($module, /, name)")]
fn unregister_dialect(
    py: Python<'_>,
    module: Borrowed<'_, '_, PyModule>,
    name: Borrowed<'_, '_, PyAny>,
) -> PyResult<()> {
    match module.state::<State>()?.dialects.bind(py).del_item(name) {
        Ok(()) => Ok(()),
        // 3.13 reports every failure so; before, only a missing name.
        Err(e) if PY_MINOR_VERSION >= 13 || e.matches(oxpy::err::exceptions::KeyError::type_object(py)) => {
            Err(csv_error(module, "unknown dialect"))
        }
        Err(e) => Err(e),
    }
}

/// Return the dialect instance associated with name.
///
///     dialect = csv.get_dialect(name)
#[oxpy::function(text_signature = "($module, /, name)")]
fn get_dialect<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    name: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let _ = py;
    registered_dialect(module, name)
}

/// Sets an upper limit on parsed fields.
///
///     csv.field_size_limit([limit])
///
/// Returns old limit. If limit is not given, no new limit is set and
/// the old limit is returned
#[oxpy::function(text_signature = "($module, /, new_limit=<unrepresentable>)")]
fn field_size_limit(
    py: Python<'_>,
    module: Borrowed<'_, '_, PyModule>,
    new_limit: Option<Borrowed<'_, '_, PyAny>>,
) -> PyResult<isize> {
    let state = module.state::<State>()?;
    let old = state.field_limit.load(Ordering::Relaxed);
    if let Some(limit) = new_limit {
        if !PyInt::is_exact(limit) {
            return Err(TypeError::raise(py, "limit must be an integer"));
        }
        state.field_limit.store(limit.as_c_long()?, Ordering::Relaxed);
    }
    Ok(old)
}
