//! CPython's `zlib` module in Rust: the Python surface (signatures,
//! docstrings, argument conversion, exceptions, objects) over zlib-rs.
//!
//! zlib-rs is a memory-safe Rust port of zlib with zlib's exact stream
//! semantics (return codes, `msg` texts, flush behaviour) and SIMD paths
//! (crc32, adler32, longest match, inflate fast path); it is driven through
//! `oxpy-zlib-stream`. The loops of `zlibmodule.c` are in [`engine`]; this
//! file maps them to Python. No C zlib is linked.
#![forbid(unsafe_code)]

pub mod engine;

use std::sync::{Arc, Mutex, PoisonError};

use engine::{DeflateState, Flow, Growth, InflateMode, InflateState, Output, Runner};
use oxpy::args::{getargs_int, u32_bitwise};
use oxpy::buffer::{Buffer, BufferSlot};
use oxpy::class::{BoolMember, ClassType, ObjectMember};
use oxpy::err::exceptions::{EOFError, MemoryError, OverflowError, TypeError, ValueError};
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::sync::lock;
use oxpy::types::{PyAny, PyBytes, PyInt, PyModule, PyStr, PyType};
use oxpy::{Borrowed, Bound, PyResult, Python, Raised, Unbound};
use oxpy_zlib_stream::{
    self as z, Deflater, Inflater, Z_BUF_ERROR, Z_FINISH, Z_MEM_ERROR, Z_NEED_DICT, Z_NO_FLUSH, Z_OK, Z_STREAM_END,
    Z_STREAM_ERROR,
};

const MAX_WBITS: i32 = 15;
const DEF_MEM_LEVEL: i32 = 8;
const DEF_BUF_SIZE: usize = 16 * 1024;
const DEFLATED: i32 = 8;

/// The module state: `zlib.error`, the object types, and the spare streams.
pub struct State {
    error: Unbound<PyType>,
    compress_type: Unbound<ClassType<Compress>>,
    decompress_type: Unbound<ClassType<Decompress>>,
    spares: Arc<Spares>,
}

/// A deflate stream's parameters: level, method, wbits, memLevel, strategy.
type DeflateKey = [i32; 5];

/// The last stream done with (a one-shot `compress` / `decompress`'s, or a
/// compression or decompression object's, when finished or freed), reset
/// and reused by the next call or object with the same parameters: zlib-rs
/// zeroes 256 KB (window, chains, hash heads) to create a deflate stream,
/// where resetting one clears what it used. Shared with the objects, which give theirs back.
struct Spares {
    deflater: Mutex<Option<(DeflateKey, Deflater)>>,
    inflater: Mutex<Option<(i32, Inflater)>>,
}

impl Spares {
    /// The spare deflate stream made with `key`, reset.
    fn deflater(&self, key: DeflateKey) -> Option<Deflater> {
        let (_, mut d) = self.deflater.try_lock().ok()?.take_if(|(k, _)| *k == key)?;
        d.reset().ok().map(|()| d)
    }

    fn keep_deflater(&self, key: DeflateKey, d: Deflater) {
        if let Ok(mut spare) = self.deflater.try_lock() {
            *spare = Some((key, d));
        }
    }

    /// The spare inflate stream made with `wbits`, reset.
    fn inflater(&self, wbits: i32) -> Option<Inflater> {
        let (_, mut i) = self.inflater.try_lock().ok()?.take_if(|(k, _)| *k == wbits)?;
        i.reset(wbits).ok().map(|()| i)
    }

    fn keep_inflater(&self, wbits: i32, i: Inflater) {
        if let Ok(mut spare) = self.inflater.try_lock() {
            *spare = Some((wbits, i));
        }
    }
}

impl ModuleState for State {
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        let py = module.py();
        let error = PyType::new_exception(py, c"zlib.error", None, None)?;
        module.add(c"error", &error.clone_ref().into_any())?;
        let compress_type = PyType::from_class::<Compress>(module)?;
        let decompress_type = PyType::from_class::<Decompress>(module)?;
        if oxpy::PY_MINOR_VERSION >= 12 {
            let decompressor = PyType::from_class::<ZlibDecompressor>(module)?;
            module.add(c"_ZlibDecompressor", &decompressor.into_any())?;
        }
        let ints: [(&std::ffi::CStr, i32); 20] = [
            (c"MAX_WBITS", MAX_WBITS),
            (c"DEFLATED", DEFLATED),
            (c"DEF_MEM_LEVEL", DEF_MEM_LEVEL),
            (c"DEF_BUF_SIZE", DEF_BUF_SIZE as i32),
            (c"Z_NO_COMPRESSION", z::Z_NO_COMPRESSION),
            (c"Z_BEST_SPEED", z::Z_BEST_SPEED),
            (c"Z_BEST_COMPRESSION", z::Z_BEST_COMPRESSION),
            (c"Z_DEFAULT_COMPRESSION", z::Z_DEFAULT_COMPRESSION),
            (c"Z_FILTERED", z::Z_FILTERED),
            (c"Z_HUFFMAN_ONLY", z::Z_HUFFMAN_ONLY),
            (c"Z_RLE", z::Z_RLE),
            (c"Z_FIXED", z::Z_FIXED),
            (c"Z_DEFAULT_STRATEGY", z::Z_DEFAULT_STRATEGY),
            (c"Z_NO_FLUSH", Z_NO_FLUSH),
            (c"Z_PARTIAL_FLUSH", z::Z_PARTIAL_FLUSH),
            (c"Z_SYNC_FLUSH", z::Z_SYNC_FLUSH),
            (c"Z_FULL_FLUSH", z::Z_FULL_FLUSH),
            (c"Z_FINISH", Z_FINISH),
            (c"Z_BLOCK", z::Z_BLOCK),
            (c"Z_TREES", z::Z_TREES),
        ];
        for (name, value) in ints {
            module.add(name, &PyInt::from_i64(py, value.into())?.into_any())?;
        }
        // zlib-rs implements zlib 1.3.0's interface; its version string is
        // `1.3.0-zlib-rs-<version>`. Both constants give the zlib version
        // (dotted numbers, which the stdlib's tests parse).
        let version = z::version().split('-').next().unwrap_or("");
        module.add(c"ZLIB_VERSION", &PyStr::new(py, version)?.into_any())?;
        module.add(c"ZLIB_RUNTIME_VERSION", &PyStr::new(py, version)?.into_any())?;
        module.add(c"__version__", &PyStr::new(py, "1.0")?.into_any())?;
        Ok(State {
            error: error.unbind(),
            compress_type: compress_type.unbind(),
            decompress_type: decompress_type.unbind(),
            spares: Arc::new(Spares { deflater: Mutex::new(None), inflater: Mutex::new(None) }),
        })
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        visit.call(&self.error)?;
        visit.call(&self.compress_type)?;
        visit.call(&self.decompress_type)
    }
}

oxpy::module! {
    name: zlib,
    doc: "The functions in this module allow compression and decompression using the
zlib library, which is based on GNU zip.

adler32(string[, start]) -- Compute an Adler-32 checksum.
compress(data[, level]) -- Compress data, with compression level 0-9 or -1.
compressobj([level[, ...]]) -- Return a compressor object.
crc32(string[, start]) -- Compute a CRC-32 checksum.
decompress(string,[wbits],[bufsize]) -- Decompresses a compressed string.
decompressobj([wbits[, zdict]]) -- Return a decompressor object.

'wbits' is window buffer size and container format.
Compressor objects support compress() and flush() methods; decompressor
objects support decompress() and flush().",
    state: State,
    functions: [adler32, compress, compressobj, crc32, decompress, decompressobj],
}

/// Runs zlib calls attached or detached (the GIL released).
struct Gil<'py>(Python<'py>);

impl Runner for Gil<'_> {
    #[inline]
    fn run<T: Send>(&mut self, detach: bool, work: impl FnOnce() -> T + Send) -> T {
        if detach { self.0.detach(work) } else { work() }
    }
}

/// The module's state.
fn module_state<'a>(module: Borrowed<'a, '_, PyModule>) -> PyResult<&'a State> {
    module.state::<State>()
}

/// Raises `zlib.error` with `text`.
#[cold]
fn zlib_raise(module: Borrowed<'_, '_, PyModule>, text: &str) -> Raised {
    match module_state(module) {
        Ok(s) => Raised::new(s.error.bind(module.py()), text),
        Err(e) => e,
    }
}

/// Raises `zlib.error` as C's `zlib_error(zst, err, msg)`.
#[cold]
fn zlib_error(module: Borrowed<'_, '_, PyModule>, e: &z::Error, action: &str) -> Raised {
    zlib_raise(module, &engine::error_message(e, action))
}

/// The output so far as a new `bytes`; a large one is copied with the GIL
/// released (C copies its output blocks holding it).
fn finish<'py>(py: Python<'py>, out: Output) -> PyResult<Bound<'py, PyBytes>> {
    if out.buf.len() > DETACH_COPY_MIN { PyBytes::new_detached(py, &out.buf) } else { PyBytes::new(py, &out.buf) }
}

/// Outputs above this are copied into their `bytes` detached.
const DETACH_COPY_MIN: usize = 1 << 20;

/// The first output block for compressing `len` bytes: room for all of it
/// when small (no regrowth), a quarter when large (most inputs shrink).
fn compressed_estimate(len: usize) -> usize {
    if len <= 64 * 1024 { len + len / 8 + 64 } else { len / 4 }
}

/// A new output buffer, or C's `MemoryError` when its initial size cannot
/// be allocated.
fn output(py: Python<'_>, initial: usize, limit: usize) -> PyResult<Output> {
    output_growing(py, initial, limit, Growth::Blocks)
}

fn output_growing(py: Python<'_>, initial: usize, limit: usize, growth: Growth) -> PyResult<Output> {
    Output::new(initial, limit, growth).ok_or_else(|| MemoryError::raise(py, "Unable to allocate output buffer."))
}

fn checksum(py: Python<'_>, data: &[u8], f: fn(u32, &[u8]) -> u32, start: u32) -> u32 {
    // C releases the GIL above 5 KiB only.
    Gil(py).run(data.len() > engine::DETACH_MIN, || f(start, data))
}

/// Compute an Adler-32 checksum of data.
///
///   value
///     Starting value of the checksum.
///
/// The returned checksum is an integer.
#[oxpy::function(text_signature = "($module, data, value=1, /)")]
fn adler32(
    py: Python<'_>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(with = u32_bitwise)] value: u32,
) -> PyResult<u32> {
    Ok(checksum(py, data, z::adler32, value))
}

/// Compute a CRC-32 checksum of data.
///
///   value
///     Starting value of the checksum.
///
/// The returned checksum is an integer.
#[oxpy::function(text_signature = "($module, data, value=0, /)")]
fn crc32(
    py: Python<'_>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(with = u32_bitwise)] value: u32,
) -> PyResult<u32> {
    Ok(checksum(py, data, z::crc32, value))
}

/// Returns a bytes object containing compressed data.
///
///   data
///     Binary data to be compressed.
///   level
///     Compression level, in 0-9 or -1.
///   wbits
///     The window buffer size and container format.
#[oxpy::function(text_signature = "($module, data, /, level=Z_DEFAULT_COMPRESSION, wbits=MAX_WBITS)")]
fn compress<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(default = z::Z_DEFAULT_COMPRESSION)] level: i32,
    #[arg(default = MAX_WBITS)] wbits: i32,
) -> PyResult<Bound<'py, PyBytes>> {
    let spares = &module_state(module)?.spares;
    let key = [level, DEFLATED, wbits, DEF_MEM_LEVEL, z::Z_DEFAULT_STRATEGY];
    let stream = match spares.deflater(key) {
        Some(d) => d,
        None => {
            Deflater::new(level, DEFLATED, wbits, DEF_MEM_LEVEL, z::Z_DEFAULT_STRATEGY).map_err(|e| match e.code {
                Z_MEM_ERROR => MemoryError::raise(py, "Out of memory while compressing data"),
                Z_STREAM_ERROR => zlib_raise(module, "Bad compression level"),
                _ => zlib_error(module, &e, "while compressing data"),
            })?
        }
    };
    let mut state = DeflateState::new(stream);
    // Most inputs shrink; start at a quarter and let the buffer grow.
    let mut out = output(py, compressed_estimate(data.len()), usize::MAX)?;
    engine::deflate_all(&mut state, data, Z_FINISH, &mut out, &mut Gil(py))
        .map_err(|e| zlib_error(module, &e, "while compressing data"))?;
    if let Some(d) = state.stream {
        spares.keep_deflater(key, d);
    }
    finish(py, out)
}

/// Returns a bytes object containing the uncompressed data.
///
///   data
///     Compressed data.
///   wbits
///     The window buffer size and container format.
///   bufsize
///     The initial output buffer size.
#[oxpy::function(text_signature = "($module, data, /, wbits=MAX_WBITS, bufsize=DEF_BUF_SIZE)")]
fn decompress<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(default = MAX_WBITS)] wbits: i32,
    #[arg(default = DEF_BUF_SIZE as isize)] bufsize: isize,
) -> PyResult<Bound<'py, PyBytes>> {
    if bufsize < 0 {
        return Err(ValueError::raise(py, "bufsize must be non-negative"));
    }
    // C allocates the output first: a huge `bufsize` fails before `wbits`.
    let mut out = output(py, bufsize.max(1) as usize, usize::MAX)?;
    let spares = &module_state(module)?.spares;
    let stream = match spares.inflater(wbits) {
        Some(i) => i,
        None => Inflater::new(wbits).map_err(|e| match e.code {
            Z_MEM_ERROR => MemoryError::raise(py, "Out of memory while decompressing data"),
            _ => zlib_error(module, &e, "while preparing to decompress data"),
        })?,
    };
    let mut state = InflateState::new(stream);
    let done =
        engine::inflate_all(
            &mut state,
            data,
            InflateMode::FinishAtEnd,
            &mut out,
            &mut Gil(py),
            |st, code| match code {
                Z_OK | Z_BUF_ERROR | Z_STREAM_END => Ok(Flow::Go),
                Z_MEM_ERROR => Err(MemoryError::raise(py, "Out of memory while decompressing data")),
                _ => Err(zlib_error(module, &st.error(code), "while decompressing data")),
            },
        )?;
    if done.code != Z_STREAM_END {
        return Err(zlib_error(module, &state.error(done.code), "while decompressing data"));
    }
    if let Some(i) = state.stream {
        spares.keep_inflater(wbits, i);
    }
    finish(py, out)
}

/// Return a compressor object.
///
///   level
///     The compression level (an integer in the range 0-9 or -1; default is
///     currently equivalent to 6).  Higher compression levels are slower,
///     but produce smaller results.
///   method
///     The compression algorithm.  If given, this must be DEFLATED.
///   wbits
///     +9 to +15: The base-two logarithm of the window size.  Include a zlib
///         container.
///     -9 to -15: Generate a raw stream.
///     +25 to +31: Include a gzip container.
///   memLevel
///     Controls the amount of memory used for internal compression state.
///     Valid values range from 1 to 9.  Higher values result in higher memory
///     usage, faster compression, and smaller output.
///   strategy
///     Used to tune the compression algorithm.  Possible values are
///     Z_DEFAULT_STRATEGY, Z_FILTERED, and Z_HUFFMAN_ONLY.
///   zdict
///     The predefined compression dictionary - a sequence of bytes
///     containing subsequences that are likely to occur in the input data.
#[allow(non_snake_case, clippy::too_many_arguments)]
#[oxpy::function(text_signature = "($module, /, level=Z_DEFAULT_COMPRESSION, method=DEFLATED,
            wbits=MAX_WBITS, memLevel=DEF_MEM_LEVEL,
            strategy=Z_DEFAULT_STRATEGY, zdict=None)")]
fn compressobj<'py>(
    py: Python<'py>,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(default = z::Z_DEFAULT_COMPRESSION)] level: i32,
    #[arg(default = DEFLATED)] method: i32,
    #[arg(default = MAX_WBITS)] wbits: i32,
    #[arg(default = DEF_MEM_LEVEL)] memLevel: i32,
    #[arg(default = z::Z_DEFAULT_STRATEGY)] strategy: i32,
    zdict: Option<Buffer<'py>>,
) -> PyResult<Bound<'py, Compress>> {
    if zdict.as_ref().is_some_and(|d| d.len() > u32::MAX as usize) {
        return Err(OverflowError::raise(py, "zdict length does not fit in an unsigned int"));
    }
    let key = [level, method, wbits, memLevel, strategy];
    let mut stream = match module_state(module)?.spares.deflater(key) {
        Some(d) => d,
        None => Deflater::new(level, method, wbits, memLevel, strategy).map_err(|e| match e.code {
            Z_MEM_ERROR => MemoryError::raise(py, "Can't allocate memory for compression object"),
            Z_STREAM_ERROR => ValueError::raise(py, "Invalid initialization option"),
            _ => zlib_error(module, &e, "while creating compression object"),
        })?,
    };
    if let Some(dict) = &zdict {
        stream.set_dictionary(dict).map_err(|e| match e.code {
            Z_STREAM_ERROR => ValueError::raise(py, "Invalid dictionary"),
            _ => ValueError::raise(py, "deflateSetDictionary()"),
        })?;
    }
    new_compress(module, DeflateState::new(stream), key)
}

/// Return a decompressor object.
///
///   wbits
///     The window buffer size and container format.
///   zdict
///     The predefined compression dictionary.  This must be the same
///     dictionary as used by the compressor that produced the input data.
#[oxpy::function(text_signature = "($module, /, wbits=MAX_WBITS, zdict=b'')")]
fn decompressobj<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(default = MAX_WBITS)] wbits: i32,
    zdict: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<Bound<'py, Decompress>> {
    if zdict.is_some_and(|d| !d.supports_buffer()) {
        return Err(TypeError::raise(py, "zdict argument must support the buffer protocol"));
    }
    let spares = &module_state(module)?.spares;
    let stream = match spares.inflater(wbits) {
        Some(i) => i,
        None => new_inflater(py, module, wbits)?,
    };
    let mut state = InflateState::new(stream);
    if let Some(dict) = zdict
        && wbits < 0
    {
        set_inflate_zdict(module, &mut state, dict)?;
    }
    let empty = PyBytes::new(py, b"")?;
    let decompress = Decompress {
        state: Mutex::new(state),
        unused_data: ObjectMember::new(empty.clone_ref()),
        unconsumed_tail: ObjectMember::new(empty),
        eof: BoolMember::new(false),
        zdict: zdict.map(|d| d.to_owned().unbind()),
        spares: spares.clone(),
        wbits,
    };
    module_state(module)?.decompress_type.bind(py).instantiate(decompress)
}

/// `inflateInit2` with the errors of `decompressobj` / `_ZlibDecompressor`.
fn new_inflater(py: Python<'_>, module: Borrowed<'_, '_, PyModule>, wbits: i32) -> PyResult<Inflater> {
    Inflater::new(wbits).map_err(|e| match e.code {
        Z_STREAM_ERROR => ValueError::raise(py, "Invalid initialization option"),
        Z_MEM_ERROR => MemoryError::raise(py, "Can't allocate memory for decompression object"),
        _ => zlib_error(module, &e, "while creating decompression object"),
    })
}

/// C's `set_inflate_zdict`: the dictionary's current contents.
fn set_inflate_zdict(
    module: Borrowed<'_, '_, PyModule>,
    state: &mut InflateState,
    zdict: Borrowed<'_, '_, PyAny>,
) -> PyResult<()> {
    let dict = Buffer::simple(zdict)?;
    if dict.len() > u32::MAX as usize {
        return Err(OverflowError::raise(module.py(), "zdict length does not fit in an unsigned int"));
    }
    let result = match state.stream.as_mut() {
        Some(s) => s.set_dictionary(&dict),
        None => Err(state.error(Z_STREAM_ERROR)),
    };
    result.map_err(|e| zlib_error(module, &e, "while setting zdict"))
}

fn new_compress<'py>(
    module: Borrowed<'_, 'py, PyModule>,
    state: DeflateState,
    key: DeflateKey,
) -> PyResult<Bound<'py, Compress>> {
    let module_state = module_state(module)?;
    let spares = module_state.spares.clone();
    module_state.compress_type.bind(module.py()).instantiate(Compress { state: Mutex::new(state), spares, key })
}

/// A compression object (`zlib.Compress`): one deflate stream, used by one
/// thread at a time.
pub struct Compress {
    state: Mutex<DeflateState>,
    /// Where the stream goes when finished or freed, and its parameters.
    spares: Arc<Spares>,
    key: DeflateKey,
}

impl Drop for Compress {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(d) = state.end() {
            self.spares.keep_deflater(self.key, d);
        }
    }
}

oxpy::class! {
    type: Compress,
    name: "zlib.Compress",
    flags: DISALLOW_INSTANTIATION,
    constructor: [],
    methods: [compress_compress, compress_flush, compress_copy, compress_dunder_copy, compress_dunder_deepcopy],
    members: [],
}

/// Returns a bytes object containing compressed data.
///
///   data
///     Binary data to be compressed.
///
/// After calling this function, some of the input data may still
/// be stored in internal buffers for later processing.
/// Call the flush() method to clear these buffers.
#[oxpy::function(name = "compress", text_signature = "($self, data, /)")]
fn compress_compress<'py>(
    py: Python<'py>,
    this: &Compress,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let mut gil = Gil(py);
    let mut state = lock(&mut gil.0, &this.state);
    let mut out = output(py, compressed_estimate(data.len()), usize::MAX)?;
    engine::deflate_all(&mut state, data, Z_NO_FLUSH, &mut out, &mut gil)
        .map_err(|e| zlib_error(module, &e, "while compressing data"))?;
    drop(state);
    finish(py, out)
}

/// Return a bytes object containing any remaining compressed data.
///
///   mode
///     One of the constants Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH.
///     If mode == Z_FINISH, the compressor object can no longer be
///     used after calling the flush() method.  Otherwise, more data
///     can still be compressed.
#[oxpy::function(name = "flush", text_signature = "($self, mode=zlib.Z_FINISH, /)")]
fn compress_flush<'py>(
    py: Python<'py>,
    this: &Compress,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(default = Z_FINISH)] mode: i32,
) -> PyResult<Bound<'py, PyBytes>> {
    if mode == Z_NO_FLUSH {
        return PyBytes::new(py, b"");
    }
    let mut gil = Gil(py);
    let mut state = lock(&mut gil.0, &this.state);
    let mut out = output(py, 64, usize::MAX)?;
    let code = engine::deflate_all(&mut state, &[], mode, &mut out, &mut gil)
        .map_err(|e| zlib_error(module, &e, "while flushing"))?;
    if code == Z_STREAM_END
        && mode == Z_FINISH
        && let Some(d) = state.end()
    {
        this.spares.keep_deflater(this.key, d);
    } else if code != Z_OK && code != Z_BUF_ERROR {
        return Err(zlib_error(module, &state.error(code), "while flushing"));
    }
    drop(state);
    finish(py, out)
}

fn copy_compress<'py>(
    py: Python<'py>,
    this: &Compress,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, Compress>> {
    let mut gil = py;
    let mut state = lock(&mut gil, &this.state);
    let copy = match state.stream.as_mut() {
        Some(s) => s.try_clone(),
        None => Err(state.error(Z_STREAM_ERROR)),
    };
    let copy = copy.map_err(|e| match e.code {
        Z_STREAM_ERROR => ValueError::raise(py, "Inconsistent stream state"),
        Z_MEM_ERROR => MemoryError::raise(py, "Can't allocate memory for compression object"),
        _ => zlib_error(module, &e, "while copying compression object"),
    })?;
    drop(state);
    new_compress(module, DeflateState::new(copy), this.key)
}

/// Return a copy of the compression object.
#[oxpy::function(name = "copy", text_signature = "($self, /)")]
fn compress_copy<'py>(
    py: Python<'py>,
    this: &Compress,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, Compress>> {
    copy_compress(py, this, module)
}

#[oxpy::function(name = "__copy__", text_signature = "($self, /)")]
fn compress_dunder_copy<'py>(
    py: Python<'py>,
    this: &Compress,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, Compress>> {
    copy_compress(py, this, module)
}

#[oxpy::function(name = "__deepcopy__", text_signature = "($self, memo, /)")]
fn compress_dunder_deepcopy<'py>(
    py: Python<'py>,
    this: &Compress,
    module: Borrowed<'_, 'py, PyModule>,
    _memo: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, Compress>> {
    copy_compress(py, this, module)
}

/// A decompression object (`zlib.Decompress`).
pub struct Decompress {
    state: Mutex<InflateState>,
    unused_data: ObjectMember<PyBytes>,
    unconsumed_tail: ObjectMember<PyBytes>,
    eof: BoolMember,
    /// The `zdict` object, read again each time a dictionary is needed.
    zdict: Option<Unbound<PyAny>>,
    /// Where the stream goes when finished or freed, and its `wbits`.
    spares: Arc<Spares>,
    wbits: i32,
}

impl Drop for Decompress {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = state.end() {
            self.spares.keep_inflater(self.wbits, i);
        }
    }
}

oxpy::class! {
    type: Decompress,
    name: "zlib.Decompress",
    flags: DISALLOW_INSTANTIATION,
    constructor: [],
    methods: [
        decompress_decompress, decompress_flush, decompress_copy, decompress_dunder_copy, decompress_dunder_deepcopy,
    ],
    members: [object unused_data, object unconsumed_tail, bool eof],
}

/// C's `save_unconsumed_input`: after the stream's end, the rest of the
/// input is appended to `unused_data`; `unconsumed_tail` becomes the rest
/// of the input whenever input is left or it was not empty.
fn save_unconsumed_input(py: Python<'_>, this: &Decompress, input: &[u8], consumed: usize, code: i32) -> PyResult<()> {
    let left = &input[consumed..];
    let mut avail = !left.is_empty();
    if code == Z_STREAM_END && avail {
        let old = this.unused_data.get(py);
        let old = old.as_borrowed().as_bytes();
        let joined = PyBytes::new_filled(py, old.len() + left.len(), |out| {
            out[..old.len()].copy_from_slice(old);
            out[old.len()..].copy_from_slice(left);
            Ok(())
        })?;
        this.unused_data.set(joined);
        avail = false;
    }
    if avail || !this.unconsumed_tail.get(py).as_borrowed().as_bytes().is_empty() {
        this.unconsumed_tail.set(PyBytes::new(py, left)?);
    }
    Ok(())
}

/// Return a bytes object containing the decompressed version of the data.
///
///   data
///     The binary data to decompress.
///   max_length
///     The maximum allowable length of the decompressed data.
///     Unconsumed input data will be stored in
///     the unconsumed_tail attribute.
///
/// After calling this function, some of the input data may still be stored in
/// internal buffers for later processing.
/// Call the flush() method to clear these buffers.
#[oxpy::function(name = "decompress", text_signature = "($self, data, /, max_length=0)")]
fn decompress_decompress<'py>(
    py: Python<'py>,
    this: &Decompress,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
    max_length: isize,
) -> PyResult<Bound<'py, PyBytes>> {
    if max_length < 0 {
        return Err(ValueError::raise(py, "max_length must be non-negative"));
    }
    let limit = if max_length == 0 { usize::MAX } else { max_length as usize };
    let mut gil = Gil(py);
    let mut state = lock(&mut gil.0, &this.state);
    let mut out = output(py, limit.min(32 * 1024), limit)?;
    let zdict = this.zdict.as_ref().map(|d| d.bind(py));
    let done = engine::inflate_all(&mut state, data, InflateMode::Sync, &mut out, &mut gil, |st, code| match code {
        Z_OK | Z_BUF_ERROR | Z_STREAM_END => Ok(Flow::Go),
        Z_NEED_DICT if zdict.is_some() => set_inflate_zdict(module, st, zdict.expect("checked")).map(|()| Flow::Go),
        _ => Ok(Flow::Stop),
    })?;
    save_unconsumed_input(py, this, data, done.consumed, done.code)?;
    if done.code == Z_STREAM_END {
        this.eof.set(true);
    } else if done.code != Z_OK && done.code != Z_BUF_ERROR {
        return Err(zlib_error(module, &state.error(done.code), "while decompressing data"));
    }
    drop(state);
    finish(py, out)
}

/// Return a bytes object containing any remaining decompressed data.
///
///   length
///     the initial size of the output buffer.
#[oxpy::function(name = "flush", text_signature = "($self, length=zlib.DEF_BUF_SIZE, /)")]
fn decompress_flush<'py>(
    py: Python<'py>,
    this: &Decompress,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(default = DEF_BUF_SIZE as isize)] length: isize,
) -> PyResult<Bound<'py, PyBytes>> {
    if length <= 0 {
        return Err(ValueError::raise(py, "length must be greater than zero"));
    }
    let mut gil = Gil(py);
    let mut state = lock(&mut gil.0, &this.state);
    let tail = this.unconsumed_tail.get(py);
    let input = tail.as_borrowed().as_bytes();
    let mut out = output(py, length as usize, usize::MAX)?;
    let zdict = this.zdict.as_ref().map(|d| d.bind(py));
    let done =
        engine::inflate_all(&mut state, input, InflateMode::FinishAtEnd, &mut out, &mut gil, |st, code| match code {
            Z_OK | Z_BUF_ERROR | Z_STREAM_END => Ok(Flow::Go),
            // Only 3.11's flush sets the dictionary; later versions stop.
            Z_NEED_DICT if zdict.is_some() && oxpy::PY_MINOR_VERSION < 12 => {
                set_inflate_zdict(module, st, zdict.expect("checked")).map(|()| Flow::Go)
            }
            _ => Ok(Flow::Stop),
        })?;
    save_unconsumed_input(py, this, input, done.consumed, done.code)?;
    if done.code == Z_STREAM_END {
        this.eof.set(true);
        if let Some(i) = state.end() {
            this.spares.keep_inflater(this.wbits, i);
        }
    }
    drop(state);
    finish(py, out)
}

fn copy_decompress<'py>(
    py: Python<'py>,
    this: &Decompress,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, Decompress>> {
    let mut gil = py;
    let mut state = lock(&mut gil, &this.state);
    let copy = match state.stream.as_mut() {
        Some(s) => s.try_clone(),
        None => Err(state.error(Z_STREAM_ERROR)),
    };
    let copy = copy.map_err(|e| match e.code {
        Z_STREAM_ERROR => ValueError::raise(py, "Inconsistent stream state"),
        Z_MEM_ERROR => MemoryError::raise(py, "Can't allocate memory for decompression object"),
        _ => zlib_error(module, &e, "while copying decompression object"),
    })?;
    let decompress = Decompress {
        state: Mutex::new(InflateState::new(copy)),
        unused_data: ObjectMember::new(this.unused_data.get(py)),
        unconsumed_tail: ObjectMember::new(this.unconsumed_tail.get(py)),
        eof: BoolMember::new(this.eof.get()),
        zdict: this.zdict.as_ref().map(|d| d.bind(py).to_owned().unbind()),
        spares: this.spares.clone(),
        wbits: this.wbits,
    };
    drop(state);
    module_state(module)?.decompress_type.bind(py).instantiate(decompress)
}

/// Return a copy of the decompression object.
#[oxpy::function(name = "copy", text_signature = "($self, /)")]
fn decompress_copy<'py>(
    py: Python<'py>,
    this: &Decompress,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, Decompress>> {
    copy_decompress(py, this, module)
}

#[oxpy::function(name = "__copy__", text_signature = "($self, /)")]
fn decompress_dunder_copy<'py>(
    py: Python<'py>,
    this: &Decompress,
    module: Borrowed<'_, 'py, PyModule>,
) -> PyResult<Bound<'py, Decompress>> {
    copy_decompress(py, this, module)
}

#[oxpy::function(name = "__deepcopy__", text_signature = "($self, memo, /)")]
fn decompress_dunder_deepcopy<'py>(
    py: Python<'py>,
    this: &Decompress,
    module: Borrowed<'_, 'py, PyModule>,
    _memo: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, Decompress>> {
    copy_decompress(py, this, module)
}

/// `zlib._ZlibDecompressor` (3.12+): a decompressor that keeps the input it
/// could not use yet, as bz2's and lzma's do.
pub struct ZlibDecompressor {
    inner: Mutex<DecompressorState>,
    eof: BoolMember,
    unused_data: ObjectMember<PyBytes>,
    needs_input: BoolMember,
}

/// What `_ZlibDecompressor`'s lock protects.
struct DecompressorState {
    stream: InflateState,
    /// Input given but not consumed yet (C's `input_buffer`), used when
    /// `pending` is true (C's `next_in != NULL`).
    input: Vec<u8>,
    pending: bool,
}

oxpy::class! {
    type: ZlibDecompressor,
    name: "zlib._ZlibDecompressor",
    flags: IMMUTABLETYPE,
    constructor: [zlib_decompressor_new],
    methods: [zlib_decompressor_decompress],
    members: [
        bool eof = "True if the end-of-stream marker has been reached.",
        object unused_data = "Data found after the end of the compressed stream.",
        bool needs_input = "True if more input is needed before more decompressed data can be produced.",
    ],
}

/// Create a decompressor object for decompressing data incrementally.
///
///   wbits = 15
///   zdict
///      The predefined compression dictionary. This is a sequence of bytes
///      (such as a bytes object) containing subsequences that are expected
///      to occur frequently in the data that is to be compressed. Those
///      subsequences that are expected to be most common should come at the
///      end of the dictionary. This must be the same dictionary as used by the
///      compressor that produced the input data.
///
///
#[oxpy::function(name = "_ZlibDecompressor", text_signature = "($type, wbits=15, zdict=b'')")]
fn zlib_decompressor_new<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(with = getargs_int, default = MAX_WBITS)] wbits: i32,
    zdict: Option<Borrowed<'a, 'py, PyAny>>,
) -> PyResult<ZlibDecompressor> {
    let mut stream = InflateState::new(new_inflater(py, module, wbits)?);
    if let Some(dict) = zdict
        && wbits < 0
    {
        set_inflate_zdict(module, &mut stream, dict)?;
    }
    Ok(ZlibDecompressor {
        inner: Mutex::new(DecompressorState { stream, input: Vec::new(), pending: false }),
        eof: BoolMember::new(false),
        unused_data: ObjectMember::new(PyBytes::new(py, b"")?),
        needs_input: BoolMember::new(true),
    })
}

/// Decompress *data*, returning uncompressed data as bytes.
///
/// If *max_length* is nonnegative, returns at most *max_length* bytes of
/// decompressed data. If this limit is reached and further output can be
/// produced, *self.needs_input* will be set to ``False``. In this case, the next
/// call to *decompress()* may provide *data* as b'' to obtain more of the output.
///
/// If all of the input data was decompressed and returned (either because this
/// was less than *max_length* bytes, or because *max_length* was negative),
/// *self.needs_input* will be set to True.
///
/// Attempting to decompress data after the end of stream is reached raises an
/// EOFError.  Any data found after the end of the stream is ignored and saved in
/// the unused_data attribute.
#[oxpy::function(name = "decompress", text_signature = "($self, /, data, max_length=-1)", defining_class = false)]
fn zlib_decompressor_decompress<'py>(
    py: Python<'py>,
    this: &ZlibDecompressor,
    module: Borrowed<'_, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(default = -1)] max_length: isize,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut gil = Gil(py);
    let mut guard = lock(&mut gil.0, &this.inner);
    if this.eof.get() {
        return Err(EOFError::raise(py, "End of stream already reached"));
    }
    let st = &mut *guard;
    if st.pending {
        st.input.extend_from_slice(data);
    }
    let (limit, initial) = if max_length < 0 || max_length == isize::MAX {
        (usize::MAX, DEF_BUF_SIZE)
    } else {
        (max_length as usize, (max_length as usize).min(16 * 1024 * 1024))
    };
    let input: &[u8] = if st.pending { &st.input } else { data };
    let mut out = output_growing(py, initial, limit, Growth::Doubling)?;
    let result =
        engine::inflate_all(&mut st.stream, input, InflateMode::Sync, &mut out, &mut gil, |_, code| match code {
            Z_OK | Z_BUF_ERROR | Z_STREAM_END => Ok(Flow::Go),
            // C returns NULL without an exception here (3.12, 3.13): CPython
            // raises its SystemError.
            Z_NEED_DICT => Err(Raised::without_exception(py)),
            _ => Ok(Flow::Stop),
        });
    let failed = match &result {
        Err(_) => true,
        Ok(done) => ![Z_OK, Z_BUF_ERROR, Z_STREAM_END].contains(&done.code),
    };
    if failed {
        // C drops the buffered input (next_in = NULL) before raising.
        st.pending = false;
        st.input.clear();
        let done = result?;
        return Err(zlib_error(module, &st.stream.error(done.code), "while decompressing data"));
    }
    let done = result?;
    let left = &input[done.consumed..];
    if done.code == Z_STREAM_END {
        this.eof.set(true);
        this.needs_input.set(false);
        if !left.is_empty() {
            this.unused_data.set(PyBytes::new(py, left)?);
        }
        st.stream.end();
    } else if left.is_empty() {
        st.pending = false;
        st.input.clear();
        this.needs_input.set(true);
    } else {
        this.needs_input.set(false);
        if st.pending {
            st.input.drain(..done.consumed);
        } else {
            st.input = left.to_vec();
            st.pending = true;
        }
    }
    drop(guard);
    finish(py, out)
}
