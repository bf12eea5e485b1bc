//! Finding the end of a run of ordinary characters: 32-byte chunks tested
//! without early exit (so the compiler makes SIMD compares of them), then
//! the exact index inside the chunk that has a stop.

use crate::{CodeUnit, Text};

/// Bytes per chunk.
const CHUNK_BYTES: usize = 32;
/// Units tested one by one first.
const SCALAR_FIRST: usize = 4;

/// The index of the first unit of `s` for which `stop` holds, or `s.len()`.
#[inline(always)]
pub(crate) fn find<T: CodeUnit>(s: &[T], stop: impl Fn(T) -> bool) -> usize {
    let n = CHUNK_BYTES / size_of::<T>();
    let mut chunks = s.chunks_exact(n);
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &c| any | stop(c)) {
            return base + chunk.iter().position(|&c| stop(c)).unwrap_or(n);
        }
        base += n;
    }
    let rest = chunks.remainder();
    base + rest.iter().position(|&c| stop(c)).unwrap_or(rest.len())
}

/// [`find`] for runs that are often short (text that is mostly escapes):
/// the first few units are tested one by one before the chunks.
#[inline(always)]
pub(crate) fn find_short<T: CodeUnit>(s: &[T], stop: impl Fn(T) -> bool + Copy) -> usize {
    match s.get(..SCALAR_FIRST) {
        Some(head) => match head.iter().position(|&c| stop(c)) {
            Some(i) => i,
            None => SCALAR_FIRST + find(&s[SCALAR_FIRST..], stop),
        },
        None => s.iter().position(|&c| stop(c)).unwrap_or(s.len()),
    }
}

/// Ends a run of a JSON string's characters: `"`, `\`, and (if `STRICT`)
/// the control characters.
#[inline(always)]
pub(crate) fn string_stop<T: CodeUnit, const STRICT: bool>(c: T) -> bool {
    (c == T::QUOTE) | (c == T::BACKSLASH) | (STRICT & (c < T::SPACE))
}

/// The index of the first [`string_stop`] of `s`, or `s.len()`. Latin-1
/// text goes eight bytes at a time in a word, UCS-2 four units (most
/// strings are short: one or two words, where [`find`]'s chunks then look
/// for the index one unit at a time).
#[inline(always)]
pub(crate) fn find_string_stop<T: CodeUnit, const STRICT: bool>(s: &[T]) -> usize {
    match T::text(s) {
        Text::Ucs1(b) => find_string_stop_in_words::<u8, STRICT>(b),
        Text::Ucs2(w) => find_string_stop_in_words::<u16, STRICT>(w),
        Text::Ucs4(_) => find(s, string_stop::<T, STRICT>),
    }
}

/// Units that fill a 64-bit word `64 / BITS` at a time.
trait InWords: CodeUnit {
    const BITS: u32;
    /// `64 / BITS` units as a little-endian word.
    fn word(units: &[Self]) -> u64;
    /// Fewer than `64 / BITS` units as the low units of a little-endian
    /// word, the units above them zero.
    fn partial_word(units: &[Self]) -> u64;
}

impl InWords for u8 {
    const BITS: u32 = 8;
    #[inline(always)]
    fn word(units: &[u8]) -> u64 {
        u64::from_le_bytes(units.try_into().unwrap_or_default())
    }
    #[inline(always)]
    fn partial_word(b: &[u8]) -> u64 {
        // Two reads that overlap (the same bytes, at the same places).
        let n = b.len();
        let le4 = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])) << (8 * i);
        let le2 = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]])) << (8 * i);
        match n {
            4.. => le4(0) | le4(n - 4),
            2.. => le2(0) | le2(n - 2),
            1 => u64::from(b[0]),
            0 => 0,
        }
    }
}

impl InWords for u16 {
    const BITS: u32 = 16;
    #[inline(always)]
    fn word(units: &[u16]) -> u64 {
        units.iter().rev().fold(0, |x, &c| x << 16 | u64::from(c))
    }
    #[inline(always)]
    fn partial_word(units: &[u16]) -> u64 {
        Self::word(units)
    }
}

/// [`find_string_stop`] a 64-bit word at a time.
#[inline(always)]
fn find_string_stop_in_words<T: InWords, const STRICT: bool>(s: &[T]) -> usize {
    let lanes = (64 / T::BITS) as usize;
    // A 1 and the high bit in every unit of the word.
    let ones = u64::MAX / ((1 << T::BITS) - 1);
    let highs = ones << (T::BITS - 1);
    // The high bit of each unit below `n` (exact up to the first one: a
    // borrow can only mark units after it).
    let below = |x: u64, n: u64| x.wrapping_sub(ones * n) & !x & highs;
    let stops = |x: u64| {
        let quotes = below(x ^ (ones * 0x22), 1) | below(x ^ (ones * 0x5c), 1);
        if STRICT { quotes | below(x, 0x20) } else { quotes }
    };
    let mut words = s.chunks_exact(lanes);
    let mut base = 0;
    for w in &mut words {
        let found = stops(T::word(w));
        if found != 0 {
            return base + (found.trailing_zeros() / T::BITS) as usize;
        }
        base += lanes;
    }
    // The last units, and above them 'A's (no stop).
    let rest = words.remainder();
    let fill = (ones * 0x41).checked_shl(T::BITS * rest.len() as u32).unwrap_or(0);
    match stops(T::partial_word(rest) | fill) {
        0 => base + rest.len(),
        found => base + (found.trailing_zeros() / T::BITS) as usize,
    }
}

/// Is escaped by `encode_basestring_ascii`: not printable ASCII, `"`, `\`.
#[inline(always)]
pub(crate) fn ascii_escape_stop<T: CodeUnit>(c: T) -> bool {
    (c < T::SPACE) | (c > T::TILDE) | (c == T::QUOTE) | (c == T::BACKSLASH)
}

/// Is escaped by `encode_basestring`: a control character, `"`, `\`.
#[inline(always)]
pub(crate) fn escape_stop<T: CodeUnit>(c: T) -> bool {
    (c < T::SPACE) | (c == T::QUOTE) | (c == T::BACKSLASH)
}

/// JSON whitespace: space, tab, LF, CR (C's `IS_WHITESPACE`).
#[inline(always)]
pub(crate) fn is_ws(c: u32) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0a | 0x0d)
}

/// The index of the first non-whitespace unit of `s` at or after `i` (or
/// `s.len()`).
#[inline(always)]
pub(crate) fn skip_ws<T: CodeUnit>(s: &[T], mut i: usize) -> usize {
    while let Some(&c) = s.get(i) {
        if !is_ws(c.into()) {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_position() {
        for len in 0..100 {
            for at in 0..=len {
                let mut v: Vec<u8> = vec![b'a'; len];
                if at < len {
                    v[at] = b'"';
                }
                assert_eq!(find(&v[..], string_stop::<u8, true>), at);
                assert_eq!(find_string_stop::<u8, true>(&v[..]), at);
                assert_eq!(find_string_stop::<u8, false>(&v[..]), at);
                assert_eq!(find_short(&v[..], string_stop::<u8, true>), at);
                let w: Vec<u16> = v.iter().map(|&c| u16::from(c)).collect();
                assert_eq!(find(&w[..], string_stop::<u16, true>), at);
                assert_eq!(find_string_stop::<u16, true>(&w[..]), at);
                let w: Vec<u32> = v.iter().map(|&c| u32::from(c)).collect();
                assert_eq!(find(&w[..], string_stop::<u32, false>), at);
            }
        }
    }

    /// `find_string_stop` agrees with `find` on texts of `len` units
    /// (`lens`) with unit `c` (each of `units`) at `at` (`ats`), after units
    /// one bit apart from `c` (`near`) and before ordinary ones.
    fn stops_agree<T: CodeUnit>(units: impl Iterator<Item = T>, lens: &[usize], ats: &[usize], near: impl Fn(T) -> T) {
        for c in units {
            for &len in lens {
                for &at in ats.iter().filter(|&&at| at < len) {
                    let mut v: Vec<T> = (0..len).map(|i| if i < at { near(c) } else { T::from_u32(0x61) }).collect();
                    v[at] = c;
                    assert_eq!(find_string_stop::<T, true>(&v[..]), find(&v[..], string_stop::<T, true>));
                    assert_eq!(find_string_stop::<T, false>(&v[..]), find(&v[..], string_stop::<T, false>));
                }
            }
        }
    }

    #[test]
    fn string_stops_of_every_byte() {
        // Every place in the words and in the partial word after them.
        let lens: Vec<usize> = (0..40).collect();
        stops_agree(0..=255u8, &lens, &lens, |c| c ^ 0x80 | 0x41);
    }

    #[test]
    fn ucs2_string_stops_of_every_unit() {
        // Every unit below 0x400, and wide ones whose bytes look like stops.
        let units = (0..0x400u16).chain([0x2200, 0x2222, 0x5c00, 0x5c22, 0x8022, 0xff5c, 0xffff, 0x0120, 0x2001]);
        let ats: Vec<usize> = (0..17).collect();
        stops_agree(units, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17], &ats, |c| c ^ 0x8000 | 0x4100);
    }

    #[test]
    fn stop_sets() {
        let strict: Vec<u32> = (0..0x200u32).filter(|&c| string_stop::<u32, true>(c)).collect();
        let mut want: Vec<u32> = (0..0x20).collect();
        want.extend([0x22, 0x5c]);
        assert_eq!(strict, want);
        assert_eq!((0..0x200u32).filter(|&c| string_stop::<u32, false>(c)).collect::<Vec<_>>(), [0x22, 0x5c]);
        assert_eq!((0..0x200u32).filter(|&c| escape_stop::<u32>(c)).collect::<Vec<_>>(), want);
        let mut ascii: Vec<u32> = want.clone();
        ascii.extend(0x7f..0x200);
        ascii.sort();
        assert_eq!((0..0x200u32).filter(|&c| ascii_escape_stop::<u32>(c)).collect::<Vec<_>>(), ascii);
        assert_eq!(skip_ws(&b" \t\r\n x"[..], 0), 5);
        assert_eq!(skip_ws(&b"  "[..], 1), 2);
        assert_eq!(skip_ws(&b"\x0b"[..], 0), 0);
    }
}
