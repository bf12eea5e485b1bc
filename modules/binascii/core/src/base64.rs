//! `b2a_base64` / `a2b_base64`.
//!
//! Encoding is `base64-simd` (AVX2/SSSE3, chosen at run time). Decoding
//! emulates C's state machine exactly (lenient skipping of non-alphabet
//! bytes, its padding rules, non-zero trailing bits dropped, `strict_mode`),
//! but whenever the state is at a quad boundary it first offers the input to
//! `base64-simd`, which accepts only plain alphabet characters (no `=`). In
//! lenient mode, line breaks (`\r`, `\n`, which C skips) are squeezed out
//! into a scratch buffer first, so MIME-style input takes the SIMD path too.
//! The last quad (where padding lives) and any chunk SIMD rejects go through
//! the scalar emulation, so results and errors are C's byte for byte.

use crate::{Error, PyVersion};
use base64_simd::{AsOut, STANDARD, STANDARD_NO_PAD};

const PAD: u8 = b'=';
/// Marks a byte outside the base64 alphabet in [`DECODE`].
const INVALID: u8 = 0xff;
/// Characters gathered per SIMD call when squeezing out line breaks.
const CHUNK: usize = 16 * 1024;
/// Fixed copy size for predicted lines in [`gather`] (covers 64- and 76-char
/// lines); the scratch buffer has this much room past CHUNK.
const SLACK: usize = 96;
/// Longest run decoded by one SIMD call without squeezing (bounds the
/// scalar redo when SIMD rejects a run).
const DIRECT_MAX: usize = 64 * 1024;
/// Inputs shorter than this skip the SIMD machinery.
const SIMD_MIN: usize = 64;

static DECODE: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// C's size limit for `b2a_base64` (`BASE64_MAXBIN`).
const MAX_BIN: usize = (isize::MAX as usize - 3) / 2;

/// Exact output length of `b2a_base64` (`newline` adds the trailing `\n`).
///
/// # Errors
/// "Too much data for base64 line" above C's limit (`(isize::MAX - 3) / 2`).
pub fn encoded_len(n: usize, newline: bool) -> Result<usize, Error> {
    if n > MAX_BIN {
        return Err(Error::new("Too much data for base64 line"));
    }
    Ok(n.div_ceil(3) * 4 + usize::from(newline))
}

/// `b2a_base64(data, newline=newline)` into `out` (`out.len() == encoded_len`).
pub fn encode_into(data: &[u8], newline: bool, out: &mut [u8]) {
    let Ok(len) = encoded_len(data.len(), newline) else {
        return;
    };
    if out.len() != len {
        return;
    }
    let Some((body, nl)) = out.split_at_mut_checked(len - usize::from(newline)) else {
        return;
    };
    let _ = STANDARD.encode(data, body.as_out());
    if let Some(b) = nl.first_mut() {
        *b = b'\n';
    }
}

/// Upper bound of `a2b_base64`'s output length for `n` input bytes (C's
/// allocation, `(n + 3) / 4 * 3`, computed without overflow).
pub fn decoded_max_len(n: usize) -> usize {
    n / 4 * 3 + if n.is_multiple_of(4) { 0 } else { 3 }
}

/// `a2b_base64(data, strict_mode=strict)` into `out` (`out.len() >=
/// decoded_max_len(data.len())`); returns the number of bytes written.
///
/// `version` matters in strict mode only: from 3.13 on, `=` at the start of a
/// quad (after the first byte) raises "Excess padding not allowed".
///
/// # Errors
/// C's `binascii.Error`s: "Incorrect padding", "Invalid base64-encoded
/// string: number of data characters (N) cannot be 1 more than a multiple of
/// 4", and in strict mode "Leading padding not allowed", "Excess padding not
/// allowed" (3.13+), "Excess data after padding", "Discontinuous padding not
/// allowed", "Only base64 data is allowed".
pub fn decode_into(data: &[u8], strict: bool, version: PyVersion, out: &mut [u8]) -> Result<usize, Error> {
    if strict && data.first() == Some(&PAD) {
        return Err(Error::new("Leading padding not allowed"));
    }
    let mut dec = Decoder::new(strict, version >= PyVersion::V3_13);
    if data.len() >= SIMD_MIN {
        if let Some(n) = fast_decode(&mut dec, data, out)? {
            return Ok(n);
        }
    } else if let Step::Done = dec.run(data, 0, data.len(), out)? {
        return Ok(dec.written);
    }
    dec.finish()
}

/// The scalar reference: C's algorithm with no SIMD (for tests and
/// differential checks; [`decode_into`] must give identical results).
pub fn decode_scalar(data: &[u8], strict: bool, version: PyVersion, out: &mut [u8]) -> Result<usize, Error> {
    if strict && data.first() == Some(&PAD) {
        return Err(Error::new("Leading padding not allowed"));
    }
    let mut dec = Decoder::new(strict, version >= PyVersion::V3_13);
    if let Step::Done = dec.run(data, 0, data.len(), out)? {
        return Ok(dec.written);
    }
    dec.finish()
}

enum Step {
    /// A complete pad sequence ended decoding.
    Done,
    /// The range was consumed.
    More,
}

/// C's `a2b_base64` state machine, resumable over consecutive ranges.
struct Decoder {
    strict: bool,
    excess_padding_check: bool,
    quad_pos: u8,
    leftchar: u8,
    pads: u8,
    padding_started: bool,
    written: usize,
}

impl Decoder {
    fn new(strict: bool, excess_padding_check: bool) -> Self {
        Decoder { strict, excess_padding_check, quad_pos: 0, leftchar: 0, pads: 0, padding_started: false, written: 0 }
    }

    /// At a quad boundary (with no padding seen, in strict mode): the state
    /// is the initial one, so SIMD may take over.
    fn is_clean(&self) -> bool {
        self.quad_pos == 0 && !(self.strict && self.padding_started)
    }

    fn put(&mut self, out: &mut [u8], b: u8) {
        if let Some(o) = out.get_mut(self.written) {
            *o = b;
        }
        self.written += 1;
    }

    /// Runs C's loop over `data[start..end]`; positions are absolute because
    /// strict mode looks at whether more input follows a pad sequence.
    fn run(&mut self, data: &[u8], start: usize, end: usize, out: &mut [u8]) -> Result<Step, Error> {
        let Some(range) = data.get(start..end) else {
            return Ok(Step::More);
        };
        let mut k = 0;
        while let Some(&c) = range.get(k) {
            // Whole quads of alphabet characters at a quad boundary.
            if self.is_clean() {
                let quads =
                    decode_quads(range.get(k..).unwrap_or_default(), out.get_mut(self.written..).unwrap_or_default());
                if quads > 0 {
                    k += quads * 4;
                    self.written += quads * 3;
                    self.pads = 0;
                    continue;
                }
            }
            k += 1;
            if c == PAD {
                self.padding_started = true;
                if self.strict && self.excess_padding_check && self.quad_pos == 0 {
                    return Err(Error::new("Excess padding not allowed"));
                }
                if self.quad_pos >= 2 {
                    self.pads += 1;
                    if self.quad_pos + self.pads >= 4 {
                        if self.strict && start + k < data.len() {
                            return Err(Error::new("Excess data after padding"));
                        }
                        return Ok(Step::Done);
                    }
                }
                continue;
            }
            let v = DECODE[usize::from(c)];
            if v == INVALID {
                if self.strict {
                    return Err(Error::new("Only base64 data is allowed"));
                }
                continue;
            }
            if self.strict && self.padding_started {
                return Err(Error::new("Discontinuous padding not allowed"));
            }
            self.pads = 0;
            match self.quad_pos {
                0 => {
                    self.quad_pos = 1;
                    self.leftchar = v;
                }
                1 => {
                    self.quad_pos = 2;
                    self.put(out, (self.leftchar << 2) | (v >> 4));
                    self.leftchar = v & 0x0f;
                }
                2 => {
                    self.quad_pos = 3;
                    self.put(out, (self.leftchar << 4) | (v >> 2));
                    self.leftchar = v & 0x03;
                }
                _ => {
                    self.quad_pos = 0;
                    self.put(out, (self.leftchar << 6) | v);
                    self.leftchar = 0;
                }
            }
        }
        Ok(Step::More)
    }

    /// End of input without a complete pad sequence.
    fn finish(&self) -> Result<usize, Error> {
        match self.quad_pos {
            0 => Ok(self.written),
            1 => Err(Error(
                format!(
                    "Invalid base64-encoded string: number of data characters ({}) \
                     cannot be 1 more than a multiple of 4",
                    self.written / 3 * 4 + 1
                )
                .into(),
            )),
            _ => Err(Error::new("Incorrect padding")),
        }
    }
}

/// Decodes leading quads of alphabet characters; returns how many.
fn decode_quads(src: &[u8], dst: &mut [u8]) -> usize {
    let mut n = 0;
    for (q, o) in src.chunks_exact(4).zip(dst.chunks_exact_mut(3)) {
        let [a, b, c, d] = q else { break };
        let [a, b, c, d] = [a, b, c, d].map(|&x| DECODE[usize::from(x)]);
        if (a | b | c | d) >= 64 {
            break;
        }
        if let [x, y, z] = o {
            *x = (a << 2) | (b >> 4);
            *y = (b << 4) | (c >> 2);
            *z = (c << 6) | d;
        }
        n += 1;
    }
    n
}

/// Start of the last 4 bytes that are not line breaks (or of the last 4
/// bytes in strict mode): the padding lives there, so SIMD stops before it.
fn tail_start(data: &[u8], skip_breaks: bool) -> usize {
    let mut seen = 0;
    for (i, &c) in data.iter().enumerate().rev() {
        if !(skip_breaks && (c == b'\n' || c == b'\r')) {
            seen += 1;
            if seen == 4 {
                return i;
            }
        }
    }
    0
}

/// SIMD-decodes `src` (a multiple of 4 alphabet bytes, no padding) at the
/// decoder's output position; `false` if SIMD rejects it.
fn simd_block(dec: &mut Decoder, src: &[u8], out: &mut [u8]) -> bool {
    let n = src.len() / 4 * 3;
    let Some(dst) = dec.written.checked_add(n).and_then(|end| out.get_mut(dec.written..end)) else {
        return false;
    };
    if STANDARD_NO_PAD.decode(src, dst.as_out()).is_err() {
        return false;
    }
    dec.written += n;
    true
}

/// Decodes with SIMD where possible. `Ok(Some(n))`: finished by padding;
/// `Ok(None)`: input consumed, the caller calls `finish`.
fn fast_decode(dec: &mut Decoder, data: &[u8], out: &mut [u8]) -> Result<Option<usize>, Error> {
    let lenient = !dec.strict;
    let limit = tail_start(data, lenient);
    // Allocated on first use: most input never needs squeezing.
    let mut scratch = Vec::new();
    let mut i = 0;
    while i < limit {
        let region = data.get(i..limit).unwrap_or_default();
        if !dec.is_clean() {
            // Byte by byte to the next quad boundary, where SIMD can resume.
            if let Step::Done = dec.run(data, i, i + 1, out)? {
                return Ok(Some(dec.written));
            }
            i += 1;
            continue;
        }
        // Optimistically decode a window in place (no line breaks in it).
        let window = region.get(..DIRECT_MAX).unwrap_or(region);
        let n = window.len() / 4 * 4;
        if n >= 4 && simd_block(dec, window.get(..n).unwrap_or_default(), out) {
            i += n;
            continue;
        }
        if lenient && memchr::memchr2(b'\n', b'\r', window).is_some() {
            // Squeeze line breaks out of up to CHUNK characters.
            if scratch.is_empty() {
                scratch = vec![0; region.len().min(CHUNK) + SLACK];
            }
            let g = gather(region, &mut scratch);
            let q = g.filled / 4 * 4;
            let rem = g.filled - q;
            if q >= 4 && rem <= g.last_run {
                // Give the bytes after the last full quad back to the input.
                let end = i + if rem == 0 { g.consumed } else { g.last_end - rem };
                if end > i && simd_block(dec, scratch.get(..q).unwrap_or_default(), out) {
                    i = end;
                    continue;
                }
            }
            let end = i + g.consumed.max(1);
            if let Step::Done = dec.run(data, i, end, out)? {
                return Ok(Some(dec.written));
            }
            i = end;
            continue;
        }
        // SIMD rejected the window: C's loop over it.
        let end = i + window.len().max(1);
        if let Step::Done = dec.run(data, i, end, out)? {
            return Ok(Some(dec.written));
        }
        i = end;
    }
    if let Step::Done = dec.run(data, i.min(data.len()), data.len(), out)? {
        return Ok(Some(dec.written));
    }
    Ok(None)
}

fn is_break(c: Option<&u8>) -> bool {
    matches!(c, Some(b'\n' | b'\r'))
}

/// What [`gather`] did.
struct Gathered {
    /// Bytes copied to the scratch buffer.
    filled: usize,
    /// Bytes of the region consumed (copied, or skipped line breaks).
    consumed: usize,
    /// Length of the last run copied, which ends at `last_end` in the region.
    last_run: usize,
    last_end: usize,
}

/// Copies `region` into `scratch` without its line breaks until it is full
/// (but for SLACK bytes) or `region` ends; every run copied is a contiguous
/// part of `region`, and only line breaks are skipped.
///
/// A line as long as the previous one is predicted to be break-free and
/// copied as a fixed SLACK-byte block, which makes MIME-style input cheap to
/// squeeze; a wrong guess only puts a line break into the scratch buffer,
/// which the SIMD decoder then rejects.
fn gather(region: &[u8], scratch: &mut [u8]) -> Gathered {
    let chunk = scratch.len().saturating_sub(SLACK) / 4 * 4;
    let mut g = Gathered { filled: 0, consumed: 0, last_run: 0, last_end: 0 };
    let mut line = 0;
    while g.filled < chunk && g.consumed < region.len() {
        let rest = region.get(g.consumed..).unwrap_or_default();
        let predicted =
            line > 0 && is_break(rest.get(line)) && !is_break(rest.get(line - 1)) && !is_break(rest.first());
        let run = if predicted { line } else { memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len()) };
        let take = run.min(chunk - g.filled);
        if take > 0 {
            let block = (rest.get(..SLACK), scratch.get_mut(g.filled..g.filled + SLACK));
            if let (true, (Some(src), Some(dst))) = (take <= SLACK, block) {
                dst.copy_from_slice(src);
            } else if let (Some(src), Some(dst)) = (rest.get(..take), scratch.get_mut(g.filled..g.filled + take)) {
                dst.copy_from_slice(src);
            }
            g.filled += take;
            g.last_run = take;
            g.last_end = g.consumed + take;
        }
        g.consumed += take;
        if take == run {
            line = run.min(SLACK);
            while is_break(region.get(g.consumed)) {
                g.consumed += 1;
            }
        }
    }
    g
}
