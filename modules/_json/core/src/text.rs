//! [`StrBuf`]: text that widens (latin-1 → UCS-2 → UCS-4) as wider text is
//! appended.

use crate::escape;
use crate::{CodeUnit, Kind, NoMemory, Text};

/// Text in one of three buffers, the one of its current [`Kind`]: appending
/// text of a wider kind (or a wider character) converts what it holds. Only
/// the buffer of the current kind holds data; the others keep their
/// capacity, so a `StrBuf` reused with [`StrBuf::clear`] stops allocating.
///
/// The scanner decodes escaped strings into one; an encoder can build its
/// whole output in one ([`StrBuf::push_escaped_ascii`],
/// [`StrBuf::push_escaped`], [`StrBuf::extend`] for separators, keys and
/// numbers) and make the `str` from [`StrBuf::text`] at the end.
///
/// The kind follows the kinds of what was appended (a `u16` slice makes it
/// at least UCS-2 even if its characters are all latin-1), not the widest
/// character: `PyUnicode_FromKindAndData` narrows.
#[derive(Clone, Debug, Default)]
pub struct StrBuf {
    kind: Kind,
    b1: Vec<u8>,
    b2: Vec<u16>,
    b4: Vec<u32>,
}

#[inline]
fn reserve<T>(v: &mut Vec<T>, n: usize) -> Result<(), NoMemory> {
    v.try_reserve(n).map_err(|_| NoMemory)
}

/// Appends `s` to `v`: up to 32 bytes by fixed-size moves that overlap
/// (separators, numbers, most keys), as a call to `memcpy` costs more than
/// such a copy.
#[inline(always)]
fn extend_bytes(v: &mut Vec<u8>, s: &[u8]) -> Result<(), NoMemory> {
    let n = s.len();
    if n > 32 {
        reserve(v, n)?;
        v.extend_from_slice(s);
        return Ok(());
    }
    reserve(v, 32)?;
    let start = v.len();
    v.extend_from_slice(&[0; 32]);
    let d = &mut v[start..start + 32];
    fn pair<const K: usize>(d: &mut [u8], s: &[u8]) {
        let n = s.len();
        d[..K].copy_from_slice(&s[..K]);
        d[n - K..n].copy_from_slice(&s[n - K..]);
    }
    match n {
        16.. => pair::<16>(d, s),
        8.. => pair::<8>(d, s),
        4.. => pair::<4>(d, s),
        _ => d.iter_mut().zip(s).for_each(|(d, &b)| *d = b),
    }
    v.truncate(start + n);
    Ok(())
}

/// Writes the digits of `n` at the end of `d` (what is before them is
/// left as it is: the sign).
#[inline(always)]
fn write_decimal(d: &mut [u8], mut n: u64) {
    for slot in d.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
}

/// Appends `src` to `dst`, each unit cast to `O` (callers make sure they
/// fit).
#[inline]
pub(crate) fn extend_cast<T: CodeUnit, O: CodeUnit>(dst: &mut Vec<O>, src: &[T]) -> Result<(), NoMemory> {
    reserve(dst, src.len())?;
    dst.extend(src.iter().map(|&c| O::from_u32(c.into())));
    Ok(())
}

impl StrBuf {
    /// An empty, latin-1 buffer.
    pub fn new() -> StrBuf {
        StrBuf::default()
    }

    /// Empties the buffer and makes it latin-1 again (keeping capacity).
    #[inline]
    pub fn clear(&mut self) {
        self.b1.clear();
        self.b2.clear();
        self.b4.clear();
        self.kind = Kind::Ucs1;
    }

    /// The current width.
    #[inline]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The number of characters.
    #[inline]
    pub fn len(&self) -> usize {
        match self.kind {
            Kind::Ucs1 => self.b1.len(),
            Kind::Ucs2 => self.b2.len(),
            Kind::Ucs4 => self.b4.len(),
        }
    }

    /// Whether there are no characters.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The characters.
    #[inline]
    pub fn text(&self) -> Text<'_> {
        match self.kind {
            Kind::Ucs1 => Text::Ucs1(&self.b1),
            Kind::Ucs2 => Text::Ucs2(&self.b2),
            Kind::Ucs4 => Text::Ucs4(&self.b4),
        }
    }

    /// Drops the characters from `len` on (the kind stays).
    pub fn truncate(&mut self, len: usize) {
        match self.kind {
            Kind::Ucs1 => self.b1.truncate(len),
            Kind::Ucs2 => self.b2.truncate(len),
            Kind::Ucs4 => self.b4.truncate(len),
        }
    }

    /// Makes the buffer at least `kind` wide, converting what it holds.
    #[inline]
    pub fn ensure(&mut self, kind: Kind) -> Result<(), NoMemory> {
        if kind > self.kind { self.widen(kind) } else { Ok(()) }
    }

    #[cold]
    #[inline(never)]
    fn widen(&mut self, kind: Kind) -> Result<(), NoMemory> {
        match (self.kind, kind) {
            (Kind::Ucs1, Kind::Ucs2) => {
                self.b2.clear();
                extend_cast(&mut self.b2, &self.b1)?;
                self.b1.clear();
            }
            (Kind::Ucs1, Kind::Ucs4) => {
                self.b4.clear();
                extend_cast(&mut self.b4, &self.b1)?;
                self.b1.clear();
            }
            (Kind::Ucs2, Kind::Ucs4) => {
                self.b4.clear();
                extend_cast(&mut self.b4, &self.b2)?;
                self.b2.clear();
            }
            _ => return Ok(()),
        }
        self.kind = kind;
        Ok(())
    }

    /// Appends one character (widening as far as it needs).
    #[inline]
    pub fn push(&mut self, c: u32) -> Result<(), NoMemory> {
        self.ensure(Kind::of(c))?;
        // The casts are exact: the buffer is wide enough for `c`.
        match self.kind {
            Kind::Ucs1 => {
                reserve(&mut self.b1, 1)?;
                self.b1.push(c as u8);
            }
            Kind::Ucs2 => {
                reserve(&mut self.b2, 1)?;
                self.b2.push(c as u16);
            }
            Kind::Ucs4 => {
                reserve(&mut self.b4, 1)?;
                self.b4.push(c);
            }
        }
        Ok(())
    }

    /// Appends the decimal digits of `v` (with `-` if negative): `int`'s
    /// repr, written where it ends up (digits written to a scratch buffer
    /// and copied would be reloaded before their stores complete).
    #[inline]
    pub fn push_decimal(&mut self, v: i64) -> Result<(), NoMemory> {
        let n = v.unsigned_abs();
        let len = n.checked_ilog10().map_or(1, |l| l as usize + 1) + usize::from(v < 0);
        if self.kind != Kind::Ucs1 {
            let mut digits = [b'-'; 20];
            write_decimal(&mut digits[..len], n);
            return self.extend(&digits[..len]);
        }
        reserve(&mut self.b1, 20)?;
        let start = self.b1.len();
        self.b1.extend_from_slice(&[b'-'; 20]);
        write_decimal(&mut self.b1[start..start + len], n);
        self.b1.truncate(start + len);
        Ok(())
    }

    /// Appends code units, widening to their kind first.
    #[inline]
    pub fn extend<T: CodeUnit>(&mut self, src: &[T]) -> Result<(), NoMemory> {
        if let (Kind::Ucs1, Text::Ucs1(s)) = (self.kind, T::text(src)) {
            return extend_bytes(&mut self.b1, s);
        }
        self.ensure(T::KIND)?;
        // The casts are exact: the buffer is at least as wide as `T`.
        match self.kind {
            Kind::Ucs1 => extend_cast(&mut self.b1, src),
            Kind::Ucs2 => extend_cast(&mut self.b2, src),
            Kind::Ucs4 => extend_cast(&mut self.b4, src),
        }
    }

    /// Appends the first `len` of `bytes` (latin-1): a short text kept in
    /// a fixed array (a separator) is one fixed-size copy.
    #[inline(always)]
    pub fn extend_short(&mut self, bytes: &[u8; 16], len: usize) -> Result<(), NoMemory> {
        if self.kind != Kind::Ucs1 {
            return self.extend(bytes.get(..len).unwrap_or_default());
        }
        reserve(&mut self.b1, 16)?;
        let start = self.b1.len();
        self.b1.extend_from_slice(bytes);
        self.b1.truncate(start + len.min(16));
        Ok(())
    }

    /// Appends `text`, widening to its kind first.
    #[inline(always)]
    pub fn extend_text(&mut self, text: Text<'_>) -> Result<(), NoMemory> {
        // Latin-1 into latin-1 (separators, most keys): a copy, inlined (a
        // `Text` passed to a call goes through memory just written).
        if let (Kind::Ucs1, Text::Ucs1(s)) = (self.kind, text) {
            return extend_bytes(&mut self.b1, s);
        }
        self.extend_other_text(text)
    }

    fn extend_other_text(&mut self, text: Text<'_>) -> Result<(), NoMemory> {
        match text {
            Text::Ucs1(s) => self.extend(s),
            Text::Ucs2(s) => self.extend(s),
            Text::Ucs4(s) => self.extend(s),
        }
    }

    /// Appends `encode_basestring_ascii(src)` (quotes included; ASCII, so
    /// the kind does not change).
    pub fn push_escaped_ascii<T: CodeUnit>(&mut self, src: &[T]) -> Result<(), NoMemory> {
        if let (Kind::Ucs1, Text::Ucs1(s)) = (self.kind, T::text(src)) {
            return escape::escape_ascii_bytes(s, &mut self.b1);
        }
        match self.kind {
            Kind::Ucs1 => escape::escape_ascii_cast(src, &mut self.b1),
            Kind::Ucs2 => escape::escape_ascii_cast(src, &mut self.b2),
            Kind::Ucs4 => escape::escape_ascii_cast(src, &mut self.b4),
        }
    }

    /// Appends `encode_basestring(src)` (quotes included), widening to the
    /// kind of `src` first.
    pub fn push_escaped<T: CodeUnit>(&mut self, src: &[T]) -> Result<(), NoMemory> {
        self.ensure(T::KIND)?;
        // The casts are exact: the buffer is at least as wide as `T`.
        match self.kind {
            Kind::Ucs1 => escape::escape_cast(src, &mut self.b1),
            Kind::Ucs2 => escape::escape_cast(src, &mut self.b2),
            Kind::Ucs4 => escape::escape_cast(src, &mut self.b4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_short_copies() {
        let mut vals = vec![0, 1, -1, 9, 10, -10, 99, 100, i64::MAX, i64::MIN, i64::MIN + 1];
        vals.extend((0..19).flat_map(|k| [10i64.pow(k) - 1, 10i64.pow(k), -(10i64.pow(k))]));
        for v in vals {
            for wide in [false, true] {
                let mut b = StrBuf::new();
                if wide {
                    b.push(0x100).unwrap();
                }
                b.push_decimal(v).unwrap();
                let got: String =
                    b.text().code_points().iter().skip(usize::from(wide)).map(|&c| c as u8 as char).collect();
                assert_eq!(got, v.to_string());
            }
        }
        let src: Vec<u8> = (0..80).map(|i| b'a' + i % 26).collect();
        for n in 0..=40 {
            let mut b = StrBuf::new();
            b.extend(&b"<"[..]).unwrap();
            b.extend(&src[..n]).unwrap();
            b.extend_text(Text::Ucs1(&src[..n])).unwrap();
            b.extend(&b">"[..]).unwrap();
            let want = [&b"<"[..], &src[..n], &src[..n], &b">"[..]].concat();
            assert_eq!(b.text(), Text::Ucs1(&want), "{n}");
        }
    }

    #[test]
    fn widening_keeps_content() {
        let mut b = StrBuf::new();
        b.extend(&b"ab\xe9"[..]).unwrap();
        assert_eq!(b.text(), Text::Ucs1(b"ab\xe9"));
        b.push(0x20ac).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x61, 0x62, 0xe9, 0x20ac]));
        b.extend(&[0x1f600u32][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs4(&[0x61, 0x62, 0xe9, 0x20ac, 0x1f600]));
        b.extend(&b"c"[..]).unwrap();
        b.extend(&[0xd800u16][..]).unwrap();
        assert_eq!(b.text().code_points(), [0x61, 0x62, 0xe9, 0x20ac, 0x1f600, 0x63, 0xd800]);
        b.truncate(2);
        assert_eq!(b.text(), Text::Ucs4(&[0x61, 0x62]));
        b.clear();
        assert_eq!(b.text(), Text::Ucs1(b""));
        assert!(b.is_empty());
        b.extend(&[0x61u16][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x61]));
        b.extend_text(Text::Ucs1(b"\xff")).unwrap();
        b.push(0x10ffff).unwrap();
        assert_eq!(b.text(), Text::Ucs4(&[0x61, 0xff, 0x10ffff]));
        assert_eq!(b.len(), 3);
    }

    #[test]
    fn escaped_pushes() {
        let mut b = StrBuf::new();
        b.push_escaped_ascii(&[0x20acu16, 0x22][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs1(b"\"\\u20ac\\\"\""));
        b.clear();
        b.push_escaped(&[0x20acu16, 0x0a][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x22, 0x20ac, 0x5c, 0x6e, 0x22]));
        b.push_escaped_ascii(&b"\xe9"[..]).unwrap();
        assert_eq!(b.text().to_string_lossy(), "\"\u{20ac}\\n\"\"\\u00e9\"");
    }
}
