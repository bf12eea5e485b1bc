//! A character buffer that widens (latin-1 → UCS-2 → UCS-4) as wider text is
//! appended, and the special-character sets the scanning loops stop at.

use crate::sealed::Sealed;
use crate::{CodeUnit, NoMemory, Text};

/// A width of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Ucs1,
    Ucs2,
    Ucs4,
}

impl Kind {
    #[inline]
    fn of(c: u32) -> Kind {
        if c < 0x100 {
            Kind::Ucs1
        } else if c < 0x1_0000 {
            Kind::Ucs2
        } else {
            Kind::Ucs4
        }
    }
}

/// Text in the narrowest of three buffers that holds its characters. Only the
/// buffer of the current kind holds data; the others keep their capacity.
#[derive(Clone, Debug)]
pub struct WideBuf {
    kind: Kind,
    b1: Vec<u8>,
    b2: Vec<u16>,
    b4: Vec<u32>,
}

impl Default for WideBuf {
    fn default() -> Self {
        WideBuf { kind: Kind::Ucs1, b1: Vec::new(), b2: Vec::new(), b4: Vec::new() }
    }
}

fn reserve<T>(v: &mut Vec<T>, n: usize) -> Result<(), NoMemory> {
    v.try_reserve(n).map_err(|_| NoMemory)
}

impl WideBuf {
    /// Empties the buffer and makes it latin-1 again.
    #[inline]
    pub fn clear(&mut self) {
        match self.kind {
            Kind::Ucs1 => self.b1.clear(),
            Kind::Ucs2 => self.b2.clear(),
            Kind::Ucs4 => self.b4.clear(),
        }
        self.kind = Kind::Ucs1;
    }

    #[inline]
    pub fn len(&self) -> usize {
        match self.kind {
            Kind::Ucs1 => self.b1.len(),
            Kind::Ucs2 => self.b2.len(),
            Kind::Ucs4 => self.b4.len(),
        }
    }

    /// Drops everything from `len` on.
    pub fn truncate(&mut self, len: usize) {
        match self.kind {
            Kind::Ucs1 => self.b1.truncate(len),
            Kind::Ucs2 => self.b2.truncate(len),
            Kind::Ucs4 => self.b4.truncate(len),
        }
    }

    #[inline]
    pub fn text(&self) -> Text<'_> {
        match self.kind {
            Kind::Ucs1 => Text::Ucs1(&self.b1),
            Kind::Ucs2 => Text::Ucs2(&self.b2),
            Kind::Ucs4 => Text::Ucs4(&self.b4),
        }
    }

    /// Makes the buffer at least `kind` wide, converting what it holds.
    #[cold]
    fn widen(&mut self, kind: Kind) -> Result<(), NoMemory> {
        match (self.kind, kind) {
            (Kind::Ucs1, Kind::Ucs2) => {
                self.b2.clear();
                reserve(&mut self.b2, self.b1.len())?;
                self.b2.extend(self.b1.iter().map(|&c| u16::from(c)));
                self.b1.clear();
            }
            (Kind::Ucs1, Kind::Ucs4) => {
                self.b4.clear();
                reserve(&mut self.b4, self.b1.len())?;
                self.b4.extend(self.b1.iter().map(|&c| u32::from(c)));
                self.b1.clear();
            }
            (Kind::Ucs2, Kind::Ucs4) => {
                self.b4.clear();
                reserve(&mut self.b4, self.b2.len())?;
                self.b4.extend(self.b2.iter().map(|&c| u32::from(c)));
                self.b2.clear();
            }
            _ => return Ok(()),
        }
        self.kind = kind;
        Ok(())
    }

    #[inline]
    fn ensure(&mut self, kind: Kind) -> Result<(), NoMemory> {
        if kind > self.kind { self.widen(kind) } else { Ok(()) }
    }

    /// Appends one character.
    #[inline]
    pub fn push(&mut self, c: u32) -> Result<(), NoMemory> {
        if self.kind == Kind::Ucs1 && c < 0x100 && self.b1.len() < self.b1.capacity() {
            self.b1.push(c as u8);
            return Ok(());
        }
        self.push_slow(c)
    }

    #[inline(never)]
    fn push_slow(&mut self, c: u32) -> Result<(), NoMemory> {
        self.ensure(Kind::of(c))?;
        // The casts are exact: `ensure` made the buffer wide enough for `c`.
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

    /// Inserts one character at `pos` (at most `len()`).
    pub fn insert(&mut self, pos: usize, c: u32) -> Result<(), NoMemory> {
        self.ensure(Kind::of(c))?;
        match self.kind {
            Kind::Ucs1 => {
                reserve(&mut self.b1, 1)?;
                self.b1.insert(pos, c as u8);
            }
            Kind::Ucs2 => {
                reserve(&mut self.b2, 1)?;
                self.b2.insert(pos, c as u16);
            }
            Kind::Ucs4 => {
                reserve(&mut self.b4, 1)?;
                self.b4.insert(pos, c);
            }
        }
        Ok(())
    }

    /// Appends code units, widening as far as their characters need.
    #[inline]
    pub fn extend<T: CodeUnit>(&mut self, src: &[T]) -> Result<(), NoMemory> {
        T::append(src, self)
    }

    /// Appends code points whose widest is `kind`.
    pub fn extend_code_points(&mut self, src: &[u32], kind: Kind) -> Result<(), NoMemory> {
        self.ensure(kind)?;
        self.extend_code_points_unchecked(src)
    }

    /// Appends code points that fit the buffer's kind.
    fn extend_code_points_unchecked(&mut self, src: &[u32]) -> Result<(), NoMemory> {
        // The casts are exact: every code point of `src` fits the kind.
        match self.kind {
            Kind::Ucs1 => {
                reserve(&mut self.b1, src.len())?;
                self.b1.extend(src.iter().map(|&c| c as u8));
            }
            Kind::Ucs2 => {
                reserve(&mut self.b2, src.len())?;
                self.b2.extend(src.iter().map(|&c| c as u16));
            }
            Kind::Ucs4 => {
                reserve(&mut self.b4, src.len())?;
                self.b4.extend_from_slice(src);
            }
        }
        Ok(())
    }
}

/// The widest kind of a run of code points.
pub fn kind_of(src: &[u32]) -> Kind {
    Kind::of(src.iter().copied().max().unwrap_or(0))
}

impl Sealed for u8 {
    const KIND: Kind = Kind::Ucs1;

    #[inline(always)]
    fn text(src: &[u8]) -> Text<'_> {
        Text::Ucs1(src)
    }

    #[inline]
    fn append(src: &[u8], buf: &mut WideBuf) -> Result<(), NoMemory> {
        match buf.kind {
            Kind::Ucs1 => {
                reserve(&mut buf.b1, src.len())?;
                buf.b1.extend_from_slice(src);
            }
            Kind::Ucs2 => {
                reserve(&mut buf.b2, src.len())?;
                buf.b2.extend(src.iter().map(|&c| u16::from(c)));
            }
            Kind::Ucs4 => {
                reserve(&mut buf.b4, src.len())?;
                buf.b4.extend(src.iter().map(|&c| u32::from(c)));
            }
        }
        Ok(())
    }
}

impl Sealed for u16 {
    const KIND: Kind = Kind::Ucs2;

    #[inline(always)]
    fn text(src: &[u16]) -> Text<'_> {
        Text::Ucs2(src)
    }

    #[inline]
    fn append(src: &[u16], buf: &mut WideBuf) -> Result<(), NoMemory> {
        if buf.kind == Kind::Ucs1 {
            // Stay latin-1 if the characters allow (the casts are exact).
            let max = src.iter().copied().max().unwrap_or(0);
            buf.ensure(Kind::of(u32::from(max)))?;
            if buf.kind == Kind::Ucs1 {
                reserve(&mut buf.b1, src.len())?;
                buf.b1.extend(src.iter().map(|&c| c as u8));
                return Ok(());
            }
        }
        if buf.kind == Kind::Ucs2 {
            reserve(&mut buf.b2, src.len())?;
            buf.b2.extend_from_slice(src);
        } else {
            reserve(&mut buf.b4, src.len())?;
            buf.b4.extend(src.iter().map(|&c| u32::from(c)));
        }
        Ok(())
    }
}

impl Sealed for u32 {
    const KIND: Kind = Kind::Ucs4;

    #[inline(always)]
    fn text(src: &[u32]) -> Text<'_> {
        Text::Ucs4(src)
    }

    #[inline]
    fn append(src: &[u32], buf: &mut WideBuf) -> Result<(), NoMemory> {
        if buf.kind != Kind::Ucs4 {
            buf.ensure(kind_of(src))?;
        }
        buf.extend_code_points_unchecked(src)
    }
}

/// A set of characters: a bitmap for latin-1 and a short list for the wider
/// ones (a few dialect characters; a lineterminator may add more). Small, so
/// that making a reader is cheap.
#[derive(Clone, Debug)]
pub struct CharSet {
    narrow: [u64; 4],
    wide: Vec<u32>,
}

impl CharSet {
    /// The set of the given code points (`None`s and duplicates ignored).
    pub fn new(chars: impl IntoIterator<Item = Option<u32>>) -> CharSet {
        let mut set = CharSet { narrow: [0; 4], wide: Vec::new() };
        for c in chars.into_iter().flatten() {
            if c < 256 {
                set.narrow[(c >> 6) as usize] |= 1 << (c & 63);
            } else if !set.wide.contains(&c) {
                set.wide.push(c);
            }
        }
        set
    }

    #[inline(always)]
    fn narrow_contains(&self, c: u32) -> bool {
        c < 256 && (self.narrow[(c >> 6) as usize & 3] >> (c & 63)) & 1 != 0
    }

    #[inline(always)]
    pub fn contains(&self, c: u32) -> bool {
        if c < 256 { self.narrow_contains(c) } else { self.wide.contains(&c) }
    }

    /// The length of the run of `s` before its first member of the set.
    #[inline(always)]
    pub fn run_len<T: CodeUnit>(&self, s: &[T]) -> usize {
        if T::KIND == Kind::Ucs1 || self.wide.is_empty() {
            // No wide member can occur (latin-1 input) or none exists.
            s.iter().position(|&c| self.narrow_contains(c.code_point()))
        } else {
            s.iter().position(|&c| self.contains(c.code_point()))
        }
        .unwrap_or(s.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_keeps_content() {
        let mut b = WideBuf::default();
        b.extend(&b"ab\xe9"[..]).unwrap();
        assert_eq!(b.text(), Text::Ucs1(b"ab\xe9"));
        b.push(0x20ac).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x61, 0x62, 0xe9, 0x20ac]));
        b.extend(&[0x1f600u32][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs4(&[0x61, 0x62, 0xe9, 0x20ac, 0x1f600]));
        b.extend(&b"c"[..]).unwrap();
        b.extend(&[0xd800u16][..]).unwrap();
        assert_eq!(b.text().code_points(), [0x61, 0x62, 0xe9, 0x20ac, 0x1f600, 0x63, 0xd800]);
        b.clear();
        assert_eq!(b.text(), Text::Ucs1(b""));
        b.push(0x41).unwrap();
        b.insert(0, 0x42).unwrap();
        b.insert(2, 0x3000).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x42, 0x41, 0x3000]));
        b.truncate(1);
        assert_eq!(b.text(), Text::Ucs2(&[0x42]));
        b.extend_code_points(&[0x10ffff], Kind::Ucs4).unwrap();
        assert_eq!(b.text(), Text::Ucs4(&[0x42, 0x10ffff]));
    }

    #[test]
    fn narrowest_width() {
        let mut b = WideBuf::default();
        b.extend(&[0x61u16, 0xff][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs1(b"a\xff"));
        b.extend(&[0x62u32][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs1(b"a\xffb"));
        b.extend(&[0x63u32, 0xffff][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x61, 0xff, 0x62, 0x63, 0xffff]));
        b.extend(&[0x64u8][..]).unwrap();
        b.extend(&[0x65u32][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs2(&[0x61, 0xff, 0x62, 0x63, 0xffff, 0x64, 0x65]));
        b.clear();
        b.extend(&[0x61u32, 0x10000][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs4(&[0x61, 0x10000]));
        b.clear();
        b.extend(&[0u32; 0][..]).unwrap();
        assert_eq!(b.text(), Text::Ucs1(b""));
    }

    #[test]
    fn charset_runs() {
        let set = CharSet::new([Some(u32::from(b',')), None, Some(0x20ac), Some(0x20ac), Some(0x1f600)]);
        assert_eq!(set.run_len(&b"abc,d"[..]), 3);
        assert_eq!(set.run_len(&b"abc"[..]), 3);
        assert_eq!(set.run_len(&[0x61u16, 0x20ac][..]), 1);
        assert_eq!(set.run_len(&[0x61u32, 0x62, 0x1f600][..]), 2);
        assert_eq!(set.run_len(&[0x61u32, 0x1f601][..]), 2);
        assert!(set.contains(0x2c) && !set.contains(0x2d) && set.contains(0x1f600));
    }
}
