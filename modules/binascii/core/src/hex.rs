//! `b2a_hex`/`hexlify` (with `_Py_strhex`'s separator grouping) and
//! `a2b_hex`/`unhexlify`. SIMD via `faster-hex` for plain runs.

use crate::Error;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Both lowercase hex digits of every byte.
const PAIRS: [[u8; 2]; 256] = {
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
pub fn encoded_len(n: usize, sep: Option<u8>, bytes_per_sep: i64) -> Option<usize> {
    let abs = if sep.is_some() {
        bytes_per_sep.unsigned_abs()
    } else {
        0
    };
    let seps = if abs != 0 && n > 0 {
        usize::try_from((n as u64 - 1) / abs).ok()?
    } else {
        0
    };
    let limit = (isize::MAX as usize / 2).checked_sub(seps)?;
    if n >= limit {
        return None;
    }
    Some(n * 2 + seps)
}

/// Lowercase hex of `data` into `out` (`out.len() == 2 * data.len()`).
fn plain(data: &[u8], out: &mut [u8]) {
    if data.len() >= SIMD_MIN && faster_hex::hex_encode(data, out).is_ok() {
        return;
    }
    for (pair, &b) in out.chunks_exact_mut(2).zip(data) {
        pair.copy_from_slice(&PAIRS[usize::from(b)]);
    }
}

/// `hexlify(data, sep, bytes_per_sep)` into `out` (`out.len() ==
/// encoded_len`). Positive `bytes_per_sep` groups from the right, negative
/// from the left.
pub fn encode_into(data: &[u8], sep: Option<u8>, bytes_per_sep: i64, out: &mut [u8]) {
    if encoded_len(data.len(), sep, bytes_per_sep) != Some(out.len()) {
        return;
    }
    let g = group(data.len(), sep, bytes_per_sep);
    let (Some(sep), Ok(g)) = (sep, usize::try_from(g)) else {
        return plain(data, out);
    };
    if g == 0 {
        return plain(data, out);
    }
    // Size of the first group: full from the left, the remainder from the right.
    let first = if bytes_per_sep < 0 {
        g
    } else {
        (data.len() - 1) % g + 1
    };
    let (head, rest) = data.split_at(first.min(data.len()));
    let (out_head, mut out_rest) = out.split_at_mut(first.min(data.len()) * 2);
    plain(head, out_head);
    if g == 1 {
        for (dst, &b) in out_rest.chunks_exact_mut(3).zip(rest) {
            let [hi, lo] = PAIRS[usize::from(b)];
            dst.copy_from_slice(&[sep, hi, lo]);
        }
        return;
    }
    for chunk in rest.chunks(g) {
        let Some((s, tail)) = out_rest.split_first_mut() else {
            return;
        };
        *s = sep;
        let (dst, tail) = tail.split_at_mut((chunk.len() * 2).min(tail.len()));
        plain(chunk, dst);
        out_rest = tail;
    }
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
        let (Some(hi), Some(lo)) = (
            pair.first().copied().and_then(digit),
            pair.get(1).copied().and_then(digit),
        ) else {
            return Err(Error::new("Non-hexadecimal digit found"));
        };
        if let Some(o) = out.next() {
            *o = (hi << 4) | lo;
        }
    }
    Ok(())
}
