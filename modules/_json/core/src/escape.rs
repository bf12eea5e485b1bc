//! `_json.encode_basestring_ascii` (C's `ascii_escape_unicode`) and
//! `_json.encode_basestring` (C's `escape_unicode`): a string as a JSON
//! string literal, quotes included.
//!
//! - ASCII variant: printable ASCII but `"` and `\` is copied; `"`, `\`,
//!   `\b`, `\f`, `\n`, `\r`, `\t` become two-character escapes; every other
//!   character `\uxxxx` (lowercase hex), astral ones as a surrogate pair
//!   `\ud83d\ude00`, lone surrogates as themselves (`\udc80`). The output
//!   is ASCII.
//! - Plain variant: only `"`, `\` and the characters below U+0020 are
//!   escaped (the same short escapes, else `\u00xx`); everything else,
//!   DEL, non-ASCII and lone surrogates included, is copied. The output
//!   needs the input's width (C makes it with the input's maximum
//!   character).
//!
//! Each comes in three forms: appending to a `Vec` ([`escape_ascii`],
//! [`escape`]; or to a [`StrBuf`](crate::StrBuf)), writing into a slice of
//! exactly the output's length ([`escaped_ascii_len`] +
//! [`escape_ascii_into`], [`escaped_len`] + [`escape_into`]: to fill a new
//! `str` made with that length, as C does), and the length alone, which is
//! also C's `OverflowError("string is too long to escape")` check (`None`
//! when the output would be longer than `isize::MAX`).

use crate::run::{ascii_escape_stop, escape_stop, find_short};
use crate::{CodeUnit, NoMemory};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Where escaped text goes.
trait Sink<O> {
    type Error;
    /// Appends a run of characters that fit `O`.
    fn run<T: CodeUnit>(&mut self, run: &[T]) -> Result<(), Self::Error>;
    /// Appends ASCII.
    fn ascii(&mut self, b: &[u8]) -> Result<(), Self::Error>;
}

/// A `Vec`, grown as needed (`MemoryError` if it cannot be).
struct VecSink<'a, O>(&'a mut Vec<O>);

impl<O: CodeUnit> VecSink<'_, O> {
    #[inline(always)]
    fn room(&mut self, n: usize) -> Result<(), NoMemory> {
        if self.0.capacity() - self.0.len() < n {
            self.grow(n)?;
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: usize) -> Result<(), NoMemory> {
        self.0.try_reserve(n).map_err(|_| NoMemory)
    }
}

impl<O: CodeUnit> Sink<O> for VecSink<'_, O> {
    type Error = NoMemory;

    #[inline(always)]
    fn run<T: CodeUnit>(&mut self, run: &[T]) -> Result<(), NoMemory> {
        self.room(run.len())?;
        self.0.extend(run.iter().map(|&c| O::from_u32(c.into())));
        Ok(())
    }

    #[inline(always)]
    fn ascii(&mut self, b: &[u8]) -> Result<(), NoMemory> {
        self.room(b.len())?;
        self.0.extend(b.iter().map(|&c| O::from_u32(c.into())));
        Ok(())
    }
}

/// The output slice is too short.
struct TooShort;

struct SliceSink<'a, O> {
    out: &'a mut [O],
    len: usize,
}

impl<O: CodeUnit> SliceSink<'_, O> {
    #[inline(always)]
    fn dst(&mut self, n: usize) -> Result<&mut [O], TooShort> {
        let dst = self.out.get_mut(self.len..self.len + n).ok_or(TooShort)?;
        self.len += n;
        Ok(dst)
    }
}

impl<O: CodeUnit> Sink<O> for SliceSink<'_, O> {
    type Error = TooShort;

    #[inline(always)]
    fn run<T: CodeUnit>(&mut self, run: &[T]) -> Result<(), TooShort> {
        for (d, &c) in self.dst(run.len())?.iter_mut().zip(run) {
            *d = O::from_u32(c.into());
        }
        Ok(())
    }

    #[inline(always)]
    fn ascii(&mut self, b: &[u8]) -> Result<(), TooShort> {
        for (d, &c) in self.dst(b.len())?.iter_mut().zip(b) {
            *d = O::from_u32(c.into());
        }
        Ok(())
    }
}

/// The two-character escape of `c`, if it has one.
#[inline(always)]
fn short_escape(c: u32) -> Option<u8> {
    Some(match c {
        0x22 => b'"',
        0x5c => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        0x0a => b'n',
        0x0d => b'r',
        0x09 => b't',
        _ => return None,
    })
}

/// The two lowercase hex digits of each byte.
const HEX2: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 0xf]];
        i += 1;
    }
    t
};

/// `\uxxxx` of the low 16 bits of `v`.
#[inline(always)]
fn u_escape(v: u32, out: &mut [u8]) {
    let [a, b] = HEX2[(v >> 8) as usize & 0xff];
    let [c, d] = HEX2[v as usize & 0xff];
    if let Some(out) = out.get_mut(..6) {
        out.copy_from_slice(&[b'\\', b'u', a, b, c, d]);
    }
}

#[inline(always)]
fn u_escape_array(v: u32) -> [u8; 6] {
    let mut e = [0u8; 6];
    u_escape(v, &mut e);
    e
}

/// C's `ascii_escape_unichar`: the escape of `c` (each length its own
/// fixed-size write).
#[inline(always)]
fn write_ascii_escape<O, S: Sink<O>>(c: u32, out: &mut S) -> Result<(), S::Error> {
    if let Some(e) = short_escape(c) {
        out.ascii(&[b'\\', e])
    } else if c < 0x10000 {
        out.ascii(&u_escape_array(c))
    } else {
        let v = c.wrapping_sub(0x10000);
        let mut e = [0u8; 12];
        u_escape(0xd800 | ((v >> 10) & 0x3ff), &mut e[..6]);
        u_escape(0xdc00 | (v & 0x3ff), &mut e[6..]);
        out.ascii(&e)
    }
}

/// Runs of characters that need no escape (found in chunks), each followed
/// by the escapes of the characters after it that need one (checked one at
/// a time: escapes come in groups, a whole string of them when none of its
/// characters is ASCII).
#[inline(always)]
fn write_escaped_ascii<T: CodeUnit, O, S: Sink<O>>(s: &[T], out: &mut S) -> Result<(), S::Error> {
    out.ascii(b"\"")?;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let n = find_short(rest, ascii_escape_stop::<T>);
        if n > 0 {
            out.run(&rest[..n])?;
            i += n;
        }
        while let Some(&c) = s.get(i) {
            if !ascii_escape_stop(c) {
                break;
            }
            write_ascii_escape(c.into(), out)?;
            i += 1;
        }
    }
    out.ascii(b"\"")
}

/// As [`write_escaped_ascii`].
#[inline(always)]
fn write_escaped<T: CodeUnit, O, S: Sink<O>>(s: &[T], out: &mut S) -> Result<(), S::Error> {
    out.ascii(b"\"")?;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let n = find_short(rest, escape_stop::<T>);
        if n > 0 {
            out.run(&rest[..n])?;
            i += n;
        }
        while let Some(&c) = s.get(i) {
            if !escape_stop(c) {
                break;
            }
            let c: u32 = c.into();
            match short_escape(c) {
                Some(e) => out.ascii(&[b'\\', e])?,
                None => out.ascii(&u_escape_array(c))?,
            }
            i += 1;
        }
    }
    out.ascii(b"\"")
}

/// Appends `encode_basestring_ascii(s)` to `out`.
pub fn escape_ascii<T: CodeUnit>(s: &[T], out: &mut Vec<u8>) -> Result<(), NoMemory> {
    escape_ascii_cast(s, out)
}

/// [`escape_ascii`] into any width.
pub(crate) fn escape_ascii_cast<T: CodeUnit, O: CodeUnit>(s: &[T], out: &mut Vec<O>) -> Result<(), NoMemory> {
    out.try_reserve(s.len().saturating_add(2)).map_err(|_| NoMemory)?;
    write_escaped_ascii(s, &mut VecSink(out))
}

/// Strings up to this long take the byte-at-a-time path of
/// [`escape_ascii_short`].
const SHORT: usize = 24;

/// Bytes `encode_basestring_ascii` copies: printable ASCII but `"` and `\`.
const ASCII_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0x20;
    while c < 0x7f {
        t[c] = c != b'"' as usize && c != b'\\' as usize;
        c += 1;
    }
    t
};

/// [`escape_ascii`] of latin-1 text into bytes; short strings (most keys
/// and values) in one pass with room for the worst case reserved first,
/// eight bytes at a time where none needs escaping.
#[inline]
pub(crate) fn escape_ascii_bytes(s: &[u8], out: &mut Vec<u8>) -> Result<(), NoMemory> {
    if s.len() > SHORT {
        return escape_ascii_cast(s, out);
    }
    // At most six units per byte (`\u00xx`) and the quotes; and a whole
    // word past the end (then cut back).
    out.try_reserve(6 * s.len() + 2 + 8).map_err(|_| NoMemory)?;
    out.push(b'"');
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let w: [u8; 8] = w.try_into().unwrap_or_default();
        if plain_word(u64::from_le_bytes(w)) {
            out.extend_from_slice(&w);
        } else {
            escape_ascii_each(&w, out);
        }
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        // Padded with a plain byte: one fixed-size copy, then cut back. (Put
        // together in a register: a short copy into memory read back as a
        // word would stall store forwarding.)
        let w = tail
            .iter()
            .enumerate()
            .fold(u64::from_le_bytes([b'a'; 8]), |w, (i, &b)| w & !(0xff << (8 * i)) | u64::from(b) << (8 * i));
        if plain_word(w) {
            out.extend_from_slice(&w.to_le_bytes());
            out.truncate(out.len() - (8 - tail.len()));
        } else {
            escape_ascii_each(tail, out);
        }
    }
    out.push(b'"');
    Ok(())
}

/// Whether none of the eight bytes of `w` needs escaping in
/// `encode_basestring_ascii`: each is in `' '..='~'` and not `"` or `\`.
#[inline(always)]
fn plain_word(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Exact for bytes below 0x80 (checked first): whether a byte is below `n`.
    let below = |n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH != 0;
    let has = |b: u8| {
        let x = w ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH != 0
    };
    w & HIGH == 0 && !below(b' ') && !has(b'"') && !has(b'\\') && !has(0x7f)
}

/// `encode_basestring_ascii`'s units of each byte of `s` (no quotes).
#[inline]
fn escape_ascii_each(s: &[u8], out: &mut Vec<u8>) {
    for &b in s {
        if ASCII_PLAIN[usize::from(b)] {
            out.push(b);
        } else {
            match short_escape(u32::from(b)) {
                Some(e) => out.extend_from_slice(&[b'\\', e]),
                None => out.extend_from_slice(&u_escape_array(u32::from(b))),
            }
        }
    }
}

/// Appends `encode_basestring(s)` to `out`, whose units are at least as wide
/// as `s`'s.
pub fn escape<T: CodeUnit, O: CodeUnit + From<T>>(s: &[T], out: &mut Vec<O>) -> Result<(), NoMemory> {
    escape_cast(s, out)
}

/// [`escape`] into a width that holds the characters of `s`.
pub(crate) fn escape_cast<T: CodeUnit, O: CodeUnit>(s: &[T], out: &mut Vec<O>) -> Result<(), NoMemory> {
    out.try_reserve(s.len().saturating_add(2)).map_err(|_| NoMemory)?;
    write_escaped(s, &mut VecSink(out))
}

/// Writes `encode_basestring_ascii(s)` to the start of `out` and returns its
/// length, or `None` if `out` is too short (then what was written is
/// partial). `out` of [`escaped_ascii_len`] units is exactly enough.
pub fn escape_ascii_into<T: CodeUnit, O: CodeUnit>(s: &[T], out: &mut [O]) -> Option<usize> {
    let mut sink = SliceSink { out, len: 0 };
    write_escaped_ascii(s, &mut sink).ok()?;
    Some(sink.len)
}

/// Writes `encode_basestring(s)` to the start of `out` (units at least as
/// wide as `s`'s) and returns its length, or `None` if `out` is too short.
/// `out` of [`escaped_len`] units is exactly enough.
pub fn escape_into<T: CodeUnit, O: CodeUnit + From<T>>(s: &[T], out: &mut [O]) -> Option<usize> {
    let mut sink = SliceSink { out, len: 0 };
    write_escaped(s, &mut sink).ok()?;
    Some(sink.len)
}

/// `s.len() + 2` plus `extra(c)` for each `c` of `s` that `stop`s a run
/// (found as the writers find them), checked against `isize::MAX`.
#[inline(always)]
fn total<T: CodeUnit>(s: &[T], stop: impl Fn(T) -> bool + Copy, extra: impl Fn(u32) -> usize) -> Option<usize> {
    let mut n = s.len().saturating_add(2);
    let mut i = 0;
    while i < s.len() {
        i += find_short(&s[i..], stop);
        while let Some(&c) = s.get(i) {
            if !stop(c) {
                break;
            }
            n = n.saturating_add(extra(c.into()));
            i += 1;
        }
    }
    (n <= isize::MAX as usize).then_some(n)
}

/// The length of `encode_basestring_ascii(s)`, or `None` where C raises
/// `OverflowError("string is too long to escape")`.
pub fn escaped_ascii_len<T: CodeUnit>(s: &[T]) -> Option<usize> {
    total(s, ascii_escape_stop::<T>, |c| {
        if short_escape(c).is_some() {
            1
        } else if c >= 0x10000 {
            11
        } else {
            5
        }
    })
}

/// The length of `encode_basestring(s)`, or `None` where C raises
/// `OverflowError("string is too long to escape")`.
pub fn escaped_len<T: CodeUnit>(s: &[T]) -> Option<usize> {
    total(s, escape_stop::<T>, |c| if short_escape(c).is_some() { 1 } else { 5 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_word` agrees with the per-byte table for every pair of byte
    /// values at every pair of places (borrows between bytes included).
    #[test]
    fn plain_words() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for (i, j) in [(0, 1), (1, 0), (3, 4), (6, 7), (0, 7), (7, 2)] {
                    let mut w = [b'x'; 8];
                    w[i] = a;
                    w[j] = b;
                    let want = w.iter().all(|&c| ASCII_PLAIN[usize::from(c)]);
                    assert_eq!(plain_word(u64::from_le_bytes(w)), want, "{w:?}");
                }
            }
        }
    }

    fn ascii(s: &[u32]) -> String {
        let mut v = Vec::new();
        escape_ascii(s, &mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn examples() {
        assert_eq!(ascii(&[]), "\"\"");
        let s: Vec<u32> = "a\"\\\u{8}\u{c}\n\r\t\u{1}\u{7f}é€😀".chars().map(u32::from).collect();
        assert_eq!(ascii(&s), r#""a\"\\\b\f\n\r\t\u0001\u007f\u00e9\u20ac\ud83d\ude00""#);
        assert_eq!(ascii(&[0xdc80, 0x10ffff]), r#""\udc80\udbff\udfff""#);
        assert_eq!(escaped_ascii_len(&s[..]), Some(ascii(&s).len()));
        let mut v: Vec<u32> = Vec::new();
        escape(&s[..], &mut v).unwrap();
        let got: String = v.iter().map(|&c| char::from_u32(c).unwrap()).collect();
        assert_eq!(got, "\"a\\\"\\\\\\b\\f\\n\\r\\t\\u0001\u{7f}é€😀\"");
        assert_eq!(escaped_len(&s[..]), Some(v.len()));
        let mut out = vec![0u32; v.len()];
        assert_eq!(escape_into(&s[..], &mut out[..]), Some(v.len()));
        assert_eq!(out, v);
        assert_eq!(escape_into(&s[..], &mut out[..v.len() - 1]), None);
        let mut out = [0u8; 40];
        assert_eq!(escape_ascii_into(&b"a\n"[..], &mut out[..]), Some(5));
        assert_eq!(&out[..5], b"\"a\\n\"");
    }
}
