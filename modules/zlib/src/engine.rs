//! The algorithms of CPython's `zlibmodule.c`, in pure Rust: the loops that
//! feed a stream its input (in `uInt`-sized chunks) and collect its output
//! (growing, up to a hard limit), stopping where C stops, so results,
//! leftover input and error codes match C call for call.
//!
//! No Python here: the glue passes a [`Runner`] that decides whether each
//! zlib call runs detached (the GIL released).

use oxpy_zlib_stream::{
    Deflater, Error, Inflater, MAX_CHUNK, Step, Z_NEED_DICT, Z_NO_FLUSH, Z_STREAM_END, Z_STREAM_ERROR,
};

/// Inputs above this size are processed with the GIL released (the size C
/// uses for crc32/adler32; C's compress/decompress release it always).
pub const DETACH_MIN: usize = 5 * 1024;

/// Runs a unit of work attached or detached.
pub trait Runner {
    /// Runs `work`, detached when `detach` is true.
    fn run<T: Send>(&mut self, detach: bool, work: impl FnOnce() -> T + Send) -> T;
}

/// CPython's `_BlocksOutputBuffer` block sizes: the block after the n-th
/// is `BLOCK_SIZES[n]` (the last size repeating).
const BLOCK_SIZES: [usize; 17] = {
    const K: usize = 1024;
    const M: usize = 1024 * K;
    [
        32 * K,
        64 * K,
        256 * K,
        M,
        4 * M,
        8 * M,
        16 * M,
        16 * M,
        32 * M,
        32 * M,
        32 * M,
        32 * M,
        64 * M,
        64 * M,
        128 * M,
        128 * M,
        256 * M,
    ]
};

/// How an output grows.
#[derive(Clone, Copy)]
pub enum Growth {
    /// In blocks of C's `_BlocksOutputBuffer` (the first of the given
    /// size): each zlib call is offered the rest of the current block, as
    /// in C. Call boundaries matter for zlib: how far back a distance may
    /// reach depends on the output of the current call.
    Blocks,
    /// Doubling one buffer, as `_ZlibDecompressor` does in C.
    Doubling,
}

/// Growing output with an optional hard limit (`max_length`).
pub struct Output {
    /// The bytes produced so far.
    pub buf: Vec<u8>,
    limit: usize,
    growth: Growth,
    /// End of the current block (its last byte + 1) and blocks so far.
    block_end: usize,
    blocks: usize,
}

impl Output {
    /// An output whose first block is `initial` bytes (capped by `limit`)
    /// and which never exceeds `limit`; `None` when `initial` cannot be
    /// allocated (C's `MemoryError`).
    pub fn new(initial: usize, limit: usize, growth: Growth) -> Option<Self> {
        let first = initial.min(limit);
        let mut buf = Vec::new();
        buf.try_reserve_exact(first).ok()?;
        Some(Output { buf, limit, growth, block_end: first, blocks: 1 })
    }

    fn is_full(&self) -> bool {
        self.buf.len() >= self.limit
    }

    /// Makes room for the next call and returns how much it may write;
    /// `None` when memory ran out.
    fn room(&mut self) -> Option<usize> {
        let len = self.buf.len();
        if len >= self.block_end {
            let size = match self.growth {
                Growth::Blocks => BLOCK_SIZES[self.blocks.min(BLOCK_SIZES.len() - 1)],
                Growth::Doubling => len.max(1),
            };
            let size = size.min(self.limit - len);
            self.buf.try_reserve_exact(size).ok()?;
            self.block_end = len + size;
            self.blocks += 1;
        }
        Some(self.block_end - len)
    }
}

/// The step reported when memory for the output ran out.
const NO_MEMORY: Step = Step { code: oxpy_zlib_stream::Z_MEM_ERROR, consumed: 0, written: 0 };

/// A stream that may have been ended (`deflateEnd` after
/// `flush(Z_FINISH)`, `inflateEnd`): zlib then answers `Z_STREAM_ERROR`, as
/// C's calls on an ended stream do, with the stream's last message (C keeps
/// `zst.msg`).
pub struct StreamState<S> {
    /// The live stream, `None` once ended.
    pub stream: Option<S>,
    /// The ended stream's last message.
    pub last_msg: Option<&'static str>,
}

/// A deflate stream that may have been ended.
pub type DeflateState = StreamState<Deflater>;
/// An inflate stream that may have been ended.
pub type InflateState = StreamState<Inflater>;

/// What [`StreamState`] needs of a stream: its current message.
pub trait Messages {
    /// zlib's `msg`.
    fn msg(&self) -> Option<&'static str>;
}

impl Messages for Deflater {
    fn msg(&self) -> Option<&'static str> {
        Deflater::msg(self)
    }
}

impl Messages for Inflater {
    fn msg(&self) -> Option<&'static str> {
        Inflater::msg(self)
    }
}

impl<S: Messages> StreamState<S> {
    /// A live stream.
    pub fn new(stream: S) -> Self {
        StreamState { stream: Some(stream), last_msg: None }
    }

    /// The current message.
    pub fn msg(&self) -> Option<&'static str> {
        self.stream.as_ref().map_or(self.last_msg, S::msg)
    }

    /// `deflateEnd` / `inflateEnd`: the stream, if it was live, for reuse.
    pub fn end(&mut self) -> Option<S> {
        self.last_msg = self.msg();
        self.stream.take()
    }

    /// The error for return code `code`.
    pub fn error(&self, code: i32) -> Error {
        Error { code, msg: self.msg() }
    }
}

const ENDED: Step = Step { code: Z_STREAM_ERROR, consumed: 0, written: 0 };

/// Deflates all of `input` (C's `do { arrange_input_buffer; do { deflate }
/// while (avail_out == 0) } while (...)`), the last chunk with `flush`,
/// earlier ones with `Z_NO_FLUSH`. Returns the last return code; a
/// `Z_STREAM_ERROR` stops at once.
pub fn deflate_all(
    state: &mut DeflateState,
    input: &[u8],
    flush: i32,
    out: &mut Output,
    runner: &mut impl Runner,
) -> Result<i32, Error> {
    let detach = input.len() > DETACH_MIN;
    let mut rest = input;
    loop {
        let last = rest.len() <= MAX_CHUNK;
        let mode = if last { flush } else { Z_NO_FLUSH };
        let code = loop {
            let Some(room) = out.room() else { return Err(state.error(NO_MEMORY.code)) };
            let step = match state.stream.as_mut() {
                Some(s) => runner.run(detach, || s.deflate_vec(rest, &mut out.buf, room, mode)),
                None => ENDED,
            };
            rest = &rest[step.consumed..];
            if step.code == Z_STREAM_ERROR {
                return Err(state.error(step.code));
            }
            if step.written < room {
                break step.code;
            }
        };
        if last {
            return Ok(code);
        }
    }
}

/// What the inflate loop does after a zlib call returned a code.
pub enum Flow {
    /// Go on (`Z_OK`, `Z_BUF_ERROR`, `Z_STREAM_END`, or `Z_NEED_DICT` after
    /// the dictionary was set).
    Go,
    /// Stop and report the code (C's `goto save`).
    Stop,
}

/// How the inflate loop flushes.
#[derive(Clone, Copy)]
pub enum InflateMode {
    /// `Z_SYNC_FLUSH` on every call (`Decompress.decompress`).
    Sync,
    /// `Z_FINISH` once all input was given, `Z_NO_FLUSH` before (one-shot
    /// `decompress`, `Decompress.flush`).
    FinishAtEnd,
}

/// The result of an inflate loop.
pub struct Inflated {
    /// The last return code.
    pub code: i32,
    /// Input bytes consumed.
    pub consumed: usize,
}

/// Inflates `input` into `out` as C's decompression loops do: calls go on
/// while the output was filled (or a dictionary was just set), chunk after
/// chunk until the stream ends or the input is used up; the hard limit of
/// `out` stops the loop. `on_code` classifies each return code (and may set
/// a dictionary or fail); running out of memory for the output is reported
/// to it as `Z_MEM_ERROR`.
pub fn inflate_all<E>(
    state: &mut InflateState,
    input: &[u8],
    mode: InflateMode,
    out: &mut Output,
    runner: &mut impl Runner,
    mut on_code: impl FnMut(&mut InflateState, i32) -> Result<Flow, E>,
) -> Result<Inflated, E> {
    let mut consumed = 0;
    let mut code = oxpy_zlib_stream::Z_OK;
    let mut calls = 0usize;
    loop {
        // C's arrange_input_buffer: the next chunk of at most uInt bytes.
        let given = input.len().min(consumed + MAX_CHUNK);
        let flush = match mode {
            InflateMode::Sync => oxpy_zlib_stream::Z_SYNC_FLUSH,
            InflateMode::FinishAtEnd if given == input.len() => oxpy_zlib_stream::Z_FINISH,
            InflateMode::FinishAtEnd => Z_NO_FLUSH,
        };
        loop {
            // The first call is made even without room (C's
            // `_ZlibDecompressor` with `max_length=0` still reads headers).
            if calls > 0 && out.is_full() {
                return Ok(Inflated { code, consumed });
            }
            let room = out.room();
            let chunk = &input[consumed..given];
            // Small inputs stay attached, unless their output keeps growing.
            let detach = chunk.len() > DETACH_MIN || calls > 0;
            let step = match (room, state.stream.as_mut()) {
                (None, _) => NO_MEMORY,
                (Some(room), Some(s)) => runner.run(detach, || s.inflate_vec(chunk, &mut out.buf, room, flush)),
                (Some(_), None) => ENDED,
            };
            let room = room.unwrap_or(0);
            calls += 1;
            consumed += step.consumed;
            code = step.code;
            if let Flow::Stop = on_code(state, code)? {
                return Ok(Inflated { code, consumed });
            }
            if step.written < room && code != Z_NEED_DICT {
                break;
            }
        }
        if code == Z_STREAM_END || given == input.len() {
            return Ok(Inflated { code, consumed });
        }
    }
}

/// CPython's `zlib_error` text: `Error <code> <action>[: <message>]`, with
/// zlib's message or C's fallback for codes zlib leaves without one.
pub fn error_message(e: &Error, action: &str) -> String {
    let msg = if e.code == oxpy_zlib_stream::Z_VERSION_ERROR {
        Some("library version mismatch")
    } else {
        e.msg.or(match e.code {
            oxpy_zlib_stream::Z_BUF_ERROR => Some("incomplete or truncated stream"),
            Z_STREAM_ERROR => Some("inconsistent stream state"),
            oxpy_zlib_stream::Z_DATA_ERROR => Some("invalid input data"),
            _ => None,
        })
    };
    match msg {
        Some(m) => format!("Error {} {action}: {}", e.code, truncate(m, 200)),
        None => format!("Error {} {action}", e.code),
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
