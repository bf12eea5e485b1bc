//! zlib's streaming interface over zlib-rs, as safe Rust types.
//!
//! The zlib module mirrors CPython's `zlibmodule.c`, which drives a
//! `z_stream` through `deflateInit2`/`deflate`/`deflateCopy`/`inflate`/... and
//! reports zlib's return codes and `msg` texts. zlib-rs's safe `stable` API
//! cannot copy a stream (`Compress.copy()`, `Decompress.copy()`) and panics on
//! parameters zlib rejects with `Z_STREAM_ERROR`, so this crate wraps the same
//! engine's zlib-compatible entry points (`libz-rs-sys`, pure Rust) instead:
//! [`Deflater`] and [`Inflater`] own a boxed, initialised `z_stream` and
//! expose each call as a safe method on slices.
//!
//! This is the one crate besides the API crate with `unsafe` code: a wrapper
//! for a Rust library's C-style interface, not for Python; each block states
//! its proof obligation.

use std::ffi::{CStr, c_int};
use std::mem::MaybeUninit;

use libz_rs_sys as z;

pub use z::{
    Z_BEST_COMPRESSION, Z_BEST_SPEED, Z_BLOCK, Z_BUF_ERROR, Z_DATA_ERROR, Z_DEFAULT_COMPRESSION, Z_DEFAULT_STRATEGY,
    Z_DEFLATED, Z_FILTERED, Z_FINISH, Z_FIXED, Z_FULL_FLUSH, Z_HUFFMAN_ONLY, Z_MEM_ERROR, Z_NEED_DICT,
    Z_NO_COMPRESSION, Z_NO_FLUSH, Z_OK, Z_PARTIAL_FLUSH, Z_RLE, Z_STREAM_END, Z_STREAM_ERROR, Z_SYNC_FLUSH, Z_TREES,
    Z_VERSION_ERROR,
};

/// The zlib version zlib-rs implements, with zlib-rs's own version
/// (`zlibVersion()`, e.g. `1.3.0-zlib-rs-0.6.8`).
pub fn version() -> &'static str {
    // SAFETY: zlibVersion returns a static nul-terminated string.
    unsafe { CStr::from_ptr(z::zlibVersion()) }.to_str().unwrap_or("")
}

/// CRC-32 of `data` continuing from `crc` (zlib's `crc32`).
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    // crc32fast: the same SIMD folding, and cheaper on short inputs.
    let mut hasher = crc32fast::Hasher::new_with_initial(crc);
    hasher.update(data);
    hasher.finalize()
}

/// Adler-32 of `data` continuing from `adler` (zlib's `adler32`).
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    const BASE: u64 = 65521;
    if data.len() < 64 {
        // Short inputs (SIMD setup costs more than the work): zlib's result
        // is both sums modulo 65521, also for no data at all.
        let (mut a, mut b) = (u64::from(adler & 0xffff), u64::from(adler >> 16));
        for &byte in data {
            a += u64::from(byte);
            b += a;
        }
        return ((a % BASE) | ((b % BASE) << 16)) as u32;
    }
    zlib_rs::adler32::adler32(adler, data)
}

/// A zlib call failed: its return code and the stream's `msg`, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// zlib's return code (`Z_STREAM_ERROR`, `Z_MEM_ERROR`, ...).
    pub code: i32,
    /// The stream's message (`strm->msg`), when zlib set one.
    pub msg: Option<&'static str>,
}

/// What one `deflate`/`inflate` call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// zlib's return code (`Z_OK`, `Z_STREAM_END`, `Z_BUF_ERROR`, an error).
    pub code: i32,
    /// Input bytes consumed.
    pub consumed: usize,
    /// Output bytes written (the written prefix of the output is initialised).
    pub written: usize,
}

/// The largest slice one zlib call sees (`avail_in`/`avail_out` are `uInt`);
/// callers loop as C's `ARRANGE_INPUT_BUFFER` does.
pub const MAX_CHUNK: usize = u32::MAX as usize;

/// An initialised `z_stream`, boxed: zlib's state points back at the stream,
/// so it must not move.
struct Stream(Box<z::z_stream>);

// SAFETY: a Stream exclusively owns its zlib state (allocated with the Rust
// allocator, no thread-local data); nothing in it is tied to a thread, and
// all access goes through `&mut self`.
unsafe impl Send for Stream {}
// SAFETY: `&Stream` only allows reading `msg` (a pointer to a static string).
unsafe impl Sync for Stream {}

impl Stream {
    fn new() -> Self {
        Stream(Box::default())
    }

    fn msg(&self) -> Option<&'static str> {
        // SAFETY: zlib-rs sets `msg` to null or to one of its static
        // nul-terminated messages.
        unsafe { self.0.msg.as_ref().map(|m| CStr::from_ptr(m)) }.and_then(|m| m.to_str().ok())
    }

    fn result(&self, code: c_int) -> Result<(), Error> {
        if code == Z_OK { Ok(()) } else { Err(Error { code, msg: self.msg() }) }
    }

    /// The result of copying `self` into `copy` with return code `code`.
    fn copied(&self, copy: Stream, code: c_int) -> Result<Stream, Error> {
        if code == Z_OK {
            return Ok(copy);
        }
        // Not initialised: it must not reach deflateEnd/inflateEnd (Drop of
        // Deflater/Inflater); a bare Stream just frees its box.
        Err(Error { code, msg: self.msg() })
    }

    /// Runs one `deflate`/`inflate`-style call on `input` and `output`.
    fn step(
        &mut self,
        input: &[u8],
        output: &mut [MaybeUninit<u8>],
        call: impl FnOnce(&mut z::z_stream) -> c_int,
    ) -> Step {
        let (avail_in, avail_out) = (input.len().min(MAX_CHUNK), output.len().min(MAX_CHUNK));
        let s = &mut *self.0;
        s.next_in = input.as_ptr();
        s.avail_in = avail_in as u32;
        s.next_out = output.as_mut_ptr().cast();
        s.avail_out = avail_out as u32;
        let code = call(s);
        let step = Step { code, consumed: avail_in - s.avail_in as usize, written: avail_out - s.avail_out as usize };
        // The slices' borrows end here: leave no dangling pointers behind.
        s.next_in = std::ptr::null();
        s.avail_in = 0;
        s.next_out = std::ptr::null_mut();
        s.avail_out = 0;
        step
    }
}

/// Runs `call` on up to `room` bytes of `out`'s spare capacity and extends
/// `out` by what it wrote.
fn append(out: &mut Vec<u8>, room: usize, call: impl FnOnce(&mut [MaybeUninit<u8>]) -> Step) -> Step {
    let spare = out.spare_capacity_mut();
    let room = room.min(spare.len());
    let step = call(&mut spare[..room]);
    let written = step.written.min(room);
    // SAFETY: zlib wrote (initialised) the first `written` bytes of the spare
    // capacity, which is within the allocation.
    unsafe { out.set_len(out.len() + written) };
    step
}

/// A compression stream (`deflateInit2` … `deflateEnd`).
pub struct Deflater(Stream);

impl Deflater {
    /// `deflateInit2(level, method, wbits, mem_level, strategy)`.
    pub fn new(level: i32, method: i32, wbits: i32, mem_level: i32, strategy: i32) -> Result<Self, Error> {
        let mut s = Stream::new();
        let size = std::mem::size_of::<z::z_stream>() as c_int;
        // SAFETY: a fresh, boxed z_stream with the default allocator; the
        // version string is zlib-rs's own.
        let code =
            unsafe { z::deflateInit2_(&mut *s.0, level, method, wbits, mem_level, strategy, z::zlibVersion(), size) };
        s.result(code)?;
        Ok(Deflater(s))
    }

    /// `deflateReset`: a fresh stream with the same parameters, keeping the
    /// allocations.
    pub fn reset(&mut self) -> Result<(), Error> {
        // SAFETY: an initialised stream.
        let code = unsafe { z::deflateReset(&mut *(self.0).0) };
        self.0.result(code)
    }

    /// `deflateSetDictionary`.
    pub fn set_dictionary(&mut self, dict: &[u8]) -> Result<(), Error> {
        let len = u32::try_from(dict.len()).map_err(|_| Error { code: Z_STREAM_ERROR, msg: None })?;
        // SAFETY: an initialised stream; `dict` is valid for `len` bytes.
        let code = unsafe { z::deflateSetDictionary(&mut *(self.0).0, dict.as_ptr(), len) };
        self.0.result(code)
    }

    /// One `deflate(flush)` call on up to [`MAX_CHUNK`] bytes of each slice.
    pub fn deflate(&mut self, input: &[u8], output: &mut [MaybeUninit<u8>], flush: i32) -> Step {
        // SAFETY: an initialised stream whose next_in/next_out describe live
        // slices for the duration of the call (set by `step`).
        self.0.step(input, output, |s| unsafe { z::deflate(s, flush) })
    }

    /// As [`Deflater::deflate`], writing after the end of `out` (into at most
    /// `room` bytes of its spare capacity) and extending it.
    pub fn deflate_vec(&mut self, input: &[u8], out: &mut Vec<u8>, room: usize, flush: i32) -> Step {
        append(out, room, |spare| self.deflate(input, spare, flush))
    }

    /// The stream's last message.
    pub fn msg(&self) -> Option<&'static str> {
        self.0.msg()
    }

    /// An independent copy of the stream (`deflateCopy`).
    pub fn try_clone(&mut self) -> Result<Self, Error> {
        let mut copy = Stream::new();
        // SAFETY: `self` is initialised; `copy` is a boxed stream that
        // deflateCopy initialises.
        let code = unsafe { z::deflateCopy(&mut *copy.0, &mut *(self.0).0) };
        self.0.copied(copy, code).map(Deflater)
    }
}

impl Drop for Deflater {
    fn drop(&mut self) {
        // SAFETY: the stream was initialised by deflateInit2/deflateCopy.
        unsafe { z::deflateEnd(&mut *(self.0).0) };
    }
}

/// A decompression stream (`inflateInit2` … `inflateEnd`).
pub struct Inflater {
    stream: Stream,
    /// The message of the error that put the stream in its bad state: zlib
    /// keeps it for every later call, zlib-rs replaces it with "repeated
    /// call with bad state".
    bad_msg: Option<&'static str>,
}

impl Inflater {
    /// `inflateInit2(wbits)`.
    pub fn new(wbits: i32) -> Result<Self, Error> {
        let mut s = Stream::new();
        let size = std::mem::size_of::<z::z_stream>() as c_int;
        // SAFETY: a fresh, boxed z_stream with the default allocator.
        let code = unsafe { z::inflateInit2_(&mut *s.0, wbits, z::zlibVersion(), size) };
        s.result(code)?;
        Ok(Inflater { stream: s, bad_msg: None })
    }

    /// `inflateReset2(wbits)`: a fresh stream, keeping the allocations.
    pub fn reset(&mut self, wbits: i32) -> Result<(), Error> {
        // SAFETY: an initialised stream.
        let code = unsafe { z::inflateReset2(&mut *self.stream.0, wbits) };
        self.bad_msg = None;
        self.stream.result(code)
    }

    /// `inflateSetDictionary`.
    pub fn set_dictionary(&mut self, dict: &[u8]) -> Result<(), Error> {
        let len = u32::try_from(dict.len()).map_err(|_| Error { code: Z_STREAM_ERROR, msg: None })?;
        // SAFETY: an initialised stream; `dict` is valid for `len` bytes.
        let code = unsafe { z::inflateSetDictionary(&mut *self.stream.0, dict.as_ptr(), len) };
        self.stream.result(code)
    }

    /// One `inflate(flush)` call on up to [`MAX_CHUNK`] bytes of each slice.
    pub fn inflate(&mut self, input: &[u8], output: &mut [MaybeUninit<u8>], flush: i32) -> Step {
        // SAFETY: as Deflater::deflate.
        let step = self.stream.step(input, output, |s| unsafe { z::inflate(s, flush) });
        if step.code == Z_DATA_ERROR && self.bad_msg.is_none() {
            self.bad_msg = self.stream.msg();
        }
        step
    }

    /// As [`Inflater::inflate`], writing after the end of `out` (into at most
    /// `room` bytes of its spare capacity) and extending it.
    pub fn inflate_vec(&mut self, input: &[u8], out: &mut Vec<u8>, room: usize, flush: i32) -> Step {
        append(out, room, |spare| self.inflate(input, spare, flush))
    }

    /// The stream's last message, as zlib reports it.
    pub fn msg(&self) -> Option<&'static str> {
        self.bad_msg.or_else(|| self.stream.msg())
    }

    /// An independent copy of the stream (`inflateCopy`).
    pub fn try_clone(&mut self) -> Result<Self, Error> {
        let mut copy = Stream::new();
        // inflateCopy refuses a source whose next_out is null (zlib-rs),
        // which `step` leaves behind: lend it a dangling, never written
        // pointer (avail_out is 0) for the call.
        let s = &mut *self.stream.0;
        s.next_out = std::ptr::NonNull::<u8>::dangling().as_ptr();
        // SAFETY: `self` is initialised; `copy` is a boxed stream that
        // inflateCopy initialises.
        let code = unsafe { z::inflateCopy(&mut *copy.0, s) };
        s.next_out = std::ptr::null_mut();
        copy.0.next_out = std::ptr::null_mut();
        let bad_msg = self.bad_msg;
        self.stream.copied(copy, code).map(|stream| Inflater { stream, bad_msg })
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // SAFETY: the stream was initialised by inflateInit2/inflateCopy.
        unsafe { z::inflateEnd(&mut *self.stream.0) };
    }
}
