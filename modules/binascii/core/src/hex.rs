//! `b2a_hex`/`hexlify` (with `_Py_strhex`'s separator grouping) and
//! `a2b_hex`/`unhexlify`. SIMD via `faster-hex` for plain runs.

use crate::Error;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Both lowercase hex digits of every byte.
static PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
        i += 1;
    }
    t
};

/// Runs shorter than this are encoded with the table instead of SIMD.
const SIMD_MIN: usize = 32;

/// Bytes per separator group, or 0 for no separator (C clears the grouping
/// when there is no `sep` or `|bytes_per_sep| >= n`).
fn group(n: usize, sep: Option<u8>, bytes_per_sep: i64) -> u64 {
    match sep {
        Some(_) if bytes_per_sep.unsigned_abs() < n as u64 => bytes_per_sep.unsigned_abs(),
        _ => 0,
    }
}

/// Exact output length of `hexlify(data, sep, bytes_per_sep)` for `n` bytes;
/// `None` where C raises `MemoryError` (`_Py_strhex`'s bound near
/// `isize::MAX / 2`).
#[inline]
pub fn encoded_len(n: usize, sep: Option<u8>, bytes_per_sep: i64) -> Option<usize> {
    // C counts `(n - 1) / |bytes_per_sep|` separators, 0 unless `group` is.
    let seps = match group(n, sep, bytes_per_sep) {
        0 => 0,
        g => usize::try_from((n as u64 - 1) / g).ok()?,
    };
    // C's check `n >= isize::MAX / 2 - seps`.
    match n.checked_add(seps) {
        Some(total) if total < isize::MAX as usize / 2 => Some(n * 2 + seps),
        _ => None,
    }
}

/// Lowercase hex of `data` into `out` (`out.len() == 2 * data.len()`; with
/// another length, what fits).
#[inline]
fn plain(data: &[u8], out: &mut [u8]) {
    if data.len() < SIMD_MIN {
        table(data, out);
    } else {
        simd(data, out);
    }
}

fn simd(data: &[u8], out: &mut [u8]) {
    if faster_hex::hex_encode(data, out).is_err() {
        table(data, out);
    }
}

/// `hexlify(data, sep, bytes_per_sep)` into `out` (`out.len() ==
/// encoded_len`). Positive `bytes_per_sep` groups from the right, negative
/// from the left.
#[inline]
pub fn encode_into(data: &[u8], sep: Option<u8>, bytes_per_sep: i64, out: &mut [u8]) {
    match (sep, usize::try_from(group(data.len(), sep, bytes_per_sep))) {
        (Some(sep), Ok(g)) if g != 0 => grouped(data, sep, g, bytes_per_sep < 0, out),
        _ => plain(data, out),
    }
}

/// `encode_into` with a separator every `g` bytes (`0 < g < data.len()`),
/// grouped from the left if `from_left`.
fn grouped(data: &[u8], sep: u8, g: usize, from_left: bool, out: &mut [u8]) {
    let n = data.len();
    let seps = (n - 1) / g;
    if n.checked_mul(2).and_then(|len| len.checked_add(seps)) != Some(out.len()) {
        return;
    }
    // The split into a head, full groups (each preceded by `sep`) and a tail.
    let (head_len, tail_len) = if from_left { (g, (n - g) % g) } else { ((n - 1) % g + 1, 0) };
    let out_tail_len = if tail_len == 0 { 0 } else { 2 * tail_len + 1 };
    // The lengths match (`out.len()` was checked), so the splits succeed.
    let Some(((head, rest), (out_head, out_rest))) =
        data.split_at_checked(head_len).zip(out.split_at_mut_checked(head_len * 2))
    else {
        return;
    };
    let Some(((body, tail), (out_body, out_tail))) = rest
        .split_at_checked(rest.len().saturating_sub(tail_len))
        .zip(out_rest.split_at_mut_checked(out_rest.len().saturating_sub(out_tail_len)))
    else {
        return;
    };
    plain(head, out_head);
    match g {
        1 => sep_groups::<1>(body, sep, out_body),
        2 => sep_groups::<2>(body, sep, out_body),
        3 => sep_groups::<3>(body, sep, out_body),
        4 => sep_groups::<4>(body, sep, out_body),
        8 => sep_groups::<8>(body, sep, out_body),
        _ => {
            for (chunk, dst) in body.chunks_exact(g).zip(out_body.chunks_exact_mut(2 * g + 1)) {
                sep_group(chunk, sep, dst);
            }
        }
    }
    sep_group(tail, sep, out_tail);
}

/// Full groups of `G` bytes, each as `sep` and hex (unrolled per `G`).
fn sep_groups<const G: usize>(body: &[u8], sep: u8, out: &mut [u8]) {
    for (chunk, dst) in body.chunks_exact(G).zip(out.chunks_exact_mut(2 * G + 1)) {
        if let Some((s, hex)) = dst.split_first_mut() {
            *s = sep;
            table(chunk, hex);
        }
    }
}

/// Table-driven hex of `src` into `dst` (`2 * src.len()` bytes).
#[inline]
fn table(src: &[u8], dst: &mut [u8]) {
    for (pair, &b) in dst.chunks_exact_mut(2).zip(src) {
        if let [hi, lo] = pair {
            [*hi, *lo] = PAIRS[usize::from(b)];
        }
    }
}

/// `sep` followed by the hex of `chunk`, into `dst` (`2 * chunk.len() + 1`
/// bytes); nothing for an empty `chunk`.
fn sep_group(chunk: &[u8], sep: u8, dst: &mut [u8]) {
    let Some((s, dst)) = dst.split_first_mut() else {
        return;
    };
    *s = sep;
    plain(chunk, dst);
}

/// Output length of `unhexlify` for `n` input bytes (when `n` is even).
pub fn decoded_len(n: usize) -> usize {
    n / 2
}

fn digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `unhexlify(data)` into `out` (`out.len() == decoded_len`); both cases.
///
/// # Errors
/// "Odd-length string" (checked first), then "Non-hexadecimal digit found".
pub fn decode_into(data: &[u8], out: &mut [u8]) -> Result<(), Error> {
    if !data.len().is_multiple_of(2) {
        return Err(Error::new("Odd-length string"));
    }
    if data.len() >= SIMD_MIN && out.len() >= data.len() / 2 {
        return match faster_hex::hex_decode(data, out) {
            Ok(_) => Ok(()),
            Err(_) => Err(Error::new("Non-hexadecimal digit found")),
        };
    }
    decode_scalar(data, out)
}

/// Scalar `unhexlify` (the reference for tests).
///
/// # Errors
/// As [`decode_into`].
pub fn decode_scalar(data: &[u8], out: &mut [u8]) -> Result<(), Error> {
    if !data.len().is_multiple_of(2) {
        return Err(Error::new("Odd-length string"));
    }
    let mut out = out.iter_mut();
    for pair in data.chunks_exact(2) {
        let (Some(hi), Some(lo)) = (pair.first().copied().and_then(digit), pair.get(1).copied().and_then(digit)) else {
            return Err(Error::new("Non-hexadecimal digit found"));
        };
        if let Some(o) = out.next() {
            *o = (hi << 4) | lo;
        }
    }
    Ok(())
}
