//! `b2a_base64` / `a2b_base64`.
//!
//! Encoding is `base64-simd` (AVX2/SSSE3, chosen at run time), or a
//! table-driven scalar loop for short input. Decoding emulates C's state
//! machine exactly (lenient skipping of non-alphabet bytes, its padding
//! rules, non-zero trailing bits dropped, `strict_mode`), but whenever the
//! state is at a quad boundary it first offers the input to `base64-simd`,
//! which accepts only plain alphabet characters (no `=`). In lenient mode,
//! line breaks (`\r`, `\n`, which C skips) are squeezed out into a scratch
//! buffer first, so MIME-style input takes the SIMD path too. The last quad
//! (where padding lives) and any chunk SIMD rejects go through the scalar
//! emulation, so results and errors are C's byte for byte. Short input
//! skips the SIMD machinery: whole quads by table, then the usual endings
//! directly, anything else through the emulation.

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

/// Inputs shorter than this are encoded without SIMD (its dispatch costs
/// more than the work).
const ENCODE_SIMD_MIN: usize = 16;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
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
#[inline]
pub fn encode_into(data: &[u8], newline: bool, out: &mut [u8]) {
    let body = match (newline, out.split_last_mut()) {
        (false, _) => out,
        (true, Some((nl, body))) => {
            *nl = b'\n';
            body
        }
        (true, None) => return,
    };
    if data.len() < ENCODE_SIMD_MIN {
        encode_scalar(data, body);
    } else if body.len() == data.len().div_ceil(3) * 4 {
        // (`encode` panics on a short `body`.)
        let _ = STANDARD.encode(data, body.as_out());
    }
}

/// `SYMBOLS[v]`: the two characters of the 12-bit value `v`.
static SYMBOLS: [[u8; 2]; 4096] = {
    let mut t = [[0; 2]; 4096];
    let mut v = 0;
    while v < 4096 {
        t[v] = [ALPHABET[v >> 6], ALPHABET[v & 63]];
        v += 1;
    }
    t
};

/// Scalar `b2a_base64` without the newline (`out.len() == 4 * ceil(n / 3)`):
/// the reference for tests, and the path for short inputs.
#[inline]
pub fn encode_scalar(data: &[u8], out: &mut [u8]) {
    if !data.is_empty() {
        encode_scalar_nonempty(data, out);
    }
}

fn encode_scalar_nonempty(data: &[u8], out: &mut [u8]) {
    let quad = |v: u32| {
        let ([a, b], [c, d]) = (SYMBOLS[(v >> 12 & 0xfff) as usize], SYMBOLS[(v & 0xfff) as usize]);
        [a, b, c, d]
    };
    // 6 bytes to 8 characters at a time.
    let sixes = data.len() / 6;
    let (Some((src, mut rest)), Some((dst, mut out))) =
        (data.split_at_checked(sixes * 6), out.split_at_mut_checked(sixes * 8))
    else {
        return;
    };
    for (s, d) in src.chunks_exact(6).zip(dst.chunks_exact_mut(8)) {
        if let (&[a, b, c, e, f, g], Some((hi, lo))) = (s, d.split_first_chunk_mut::<4>()) {
            *hi = quad(u32::from_be_bytes([0, a, b, c]));
            lo.copy_from_slice(&quad(u32::from_be_bytes([0, e, f, g])));
        }
    }
    // Up to 5 bytes left: 3 bytes to 4 characters, then one `=` per
    // missing byte.
    if let Some(([a, b, c], r)) = rest.split_first_chunk::<3>()
        && let Some((q, o)) = std::mem::take(&mut out).split_first_chunk_mut::<4>()
    {
        *q = quad(u32::from_be_bytes([0, *a, *b, *c]));
        (rest, out) = (r, o);
    }
    let (v, pads) = match *rest {
        [a] => (u32::from(a) << 16, 2),
        [a, b] => (u32::from_be_bytes([0, a, b, 0]), 1),
        _ => return,
    };
    if let Some(q) = out.first_chunk_mut::<4>() {
        let [a, b, c, _] = quad(v);
        *q = [a, b, if pads == 1 { c } else { PAD }, PAD];
    }
}

/// Upper bound of `a2b_base64`'s output length for `n` input bytes: each
/// data character but the first of a quad yields a byte, so at most
/// `floor(3n / 4)` (C allocates `(n + 3) / 4 * 3`; the tighter bound spares
/// the allocation for input such as a lone `"\n"`).
#[inline]
pub fn decoded_max_len(n: usize) -> usize {
    n / 4 * 3 + n % 4 * 3 / 4
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
#[inline]
pub fn decode_into(data: &[u8], strict: bool, version: PyVersion, out: &mut [u8]) -> Result<usize, Error> {
    match data.len() {
        0 => Ok(0),
        1..SIMD_MIN => decode_short(data, strict, version, out),
        _ => decode_long(data, strict, version, out),
    }
}

/// [`decode_into`] with SIMD.
fn decode_long(data: &[u8], strict: bool, version: PyVersion, out: &mut [u8]) -> Result<usize, Error> {
    if strict && data.first() == Some(&PAD) {
        return Err(Error::new("Leading padding not allowed"));
    }
    let mut dec = Decoder::new(strict, version >= PyVersion::V3_13);
    if let Some(n) = fast_decode(&mut dec, data, out)? {
        return Ok(n);
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

/// [`decode_into`] for short input: whole quads, then the usual endings
/// (nothing, a line break, a padded quad) directly; anything else goes
/// through C's loop.
#[inline(never)]
fn decode_short(data: &[u8], strict: bool, version: PyVersion, out: &mut [u8]) -> Result<usize, Error> {
    if strict && data.first() == Some(&PAD) {
        return Err(Error::new("Leading padding not allowed"));
    }
    let (mut rest, mut dst, mut written) = (data, &mut *out, 0);
    while let Some((&[a, b, c, d], r)) = rest.split_first_chunk() {
        let bits = quad_bits(a, b, c, d);
        if bits & INVALID_QUAD != 0 {
            break;
        }
        let Some((o, d)) = std::mem::take(&mut dst).split_first_chunk_mut() else { break };
        *o = group_bytes(bits);
        (rest, dst) = (r, d);
        written += 3;
    }
    let start = data.len() - rest.len();
    // In lenient mode C ignores whatever follows the padding, and skips
    // line breaks; strict mode allows neither.
    let end = match *rest {
        [] => Some(0),
        [b'\n'] if !strict => Some(0),
        [a, b, PAD, PAD, ref more @ ..] if !strict || more.is_empty() => padded_quad(a, b, b'A', 1, dst),
        [a, b, c, PAD, ref more @ ..] if !strict || more.is_empty() => padded_quad(a, b, c, 2, dst),
        _ => None,
    };
    match end {
        Some(n) => Ok(written + n),
        None => decode_rest(data, start, written, strict, version, out),
    }
}

/// Writes the `n` bytes (1 or 2) of the padded quad `a b c =`, where the
/// padding is complete; `None` if one of `a b c` is not in the alphabet.
fn padded_quad(a: u8, b: u8, c: u8, n: usize, dst: &mut [u8]) -> Option<usize> {
    let bits = quad_bits(a, b, c, b'A');
    if bits & INVALID_QUAD != 0 {
        return None;
    }
    if let (Some(dst), Some(src)) = (dst.get_mut(..n), group_bytes(bits).get(..n)) {
        dst.copy_from_slice(src);
    }
    Some(n)
}

/// C's loop from the quad boundary at `data[start]`, after `written` bytes.
#[cold]
fn decode_rest(
    data: &[u8],
    start: usize,
    written: usize,
    strict: bool,
    version: PyVersion,
    out: &mut [u8],
) -> Result<usize, Error> {
    let mut dec = Decoder::new(strict, version >= PyVersion::V3_13);
    dec.written = written;
    if let Step::Done = dec.run(data, start, data.len(), out)? {
        return Ok(dec.written);
    }
    dec.finish()
}

/// The error for input ending one data character past a quad boundary,
/// after `written` bytes of output.
#[cold]
fn odd_length(written: usize) -> Error {
    Error(
        format!(
            "Invalid base64-encoded string: number of data characters ({}) \
             cannot be 1 more than a multiple of 4",
            written / 3 * 4 + 1
        )
        .into(),
    )
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
            1 => Err(odd_length(self.written)),
            _ => Err(Error::new("Incorrect padding")),
        }
    }
}

/// `QUAD[k][c]`: the 6 bits of character `c` at position `k` of a quad,
/// shifted into place in a 24-bit group; `INVALID_QUAD` for non-alphabet
/// characters.
static QUAD: [[u32; 256]; 4] = {
    let mut t = [[INVALID_QUAD; 256]; 4];
    let mut k = 0;
    while k < 4 {
        let mut c = 0;
        while c < 256 {
            if DECODE[c] != INVALID {
                t[k][c] = (DECODE[c] as u32) << (18 - 6 * k);
            }
            c += 1;
        }
        k += 1;
    }
    t
};
const INVALID_QUAD: u32 = 1 << 31;

/// The 24 bits of the quad `a b c d`, with [`INVALID_QUAD`] set if one of
/// them is not in the alphabet.
#[inline]
fn quad_bits(a: u8, b: u8, c: u8, d: u8) -> u32 {
    QUAD[0][usize::from(a)] | QUAD[1][usize::from(b)] | QUAD[2][usize::from(c)] | QUAD[3][usize::from(d)]
}

/// The 3 bytes of a 24-bit group.
#[inline]
fn group_bytes(bits: u32) -> [u8; 3] {
    let [_, hi, mid, lo] = bits.to_be_bytes();
    [hi, mid, lo]
}

/// Decodes leading quads of alphabet characters; returns how many.
#[inline]
fn decode_quads(src: &[u8], dst: &mut [u8]) -> usize {
    let mut n = 0;
    for (q, o) in src.chunks_exact(4).zip(dst.chunks_exact_mut(3)) {
        let (&[a, b, c, d], Some(o)) = (q, o.first_chunk_mut()) else { break };
        let bits = quad_bits(a, b, c, d);
        if bits & INVALID_QUAD != 0 {
            break;
        }
        *o = group_bytes(bits);
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
