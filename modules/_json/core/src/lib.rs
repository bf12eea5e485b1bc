//! `_json`'s algorithms in pure Rust (no Python types), with the exact
//! semantics of CPython's `Modules/_json.c` in CPython 3.11–3.13.
//!
//! No dependencies: the hot loops are scans for the few characters that end
//! a run of ordinary ones, written as fixed-size chunk loops that the
//! compiler turns into SIMD compares (no `unsafe`, no intrinsics). Floats are
//! formatted with the standard library's shortest round-trip digits
//! (`{:e}`), re-laid-out as Python's `float.__repr__`; the optional feature
//! `zmij` takes the digits from the `zmij` crate instead (about twice as
//! fast; same output, checked on the same vectors and 1.5 million random
//! doubles).
//!
//! # Text
//!
//! Python strings are kept in one of three widths (PEP 393: latin-1 `u8`,
//! UCS-2 `u16`, UCS-4 `u32`; every unit is a whole code point, lone
//! surrogates included). Everything here is generic over [`CodeUnit`], so the
//! glue hands over the string's own buffer. Results are [`Text`]: a slice of
//! one of the three widths, wide enough for its characters but not
//! necessarily the narrowest: build the `str` with `PyUnicode_FromKindAndData`
//! (which narrows, as C's `_PyUnicodeWriter_Finish` and
//! `PyUnicode_Substring` do). Positions are indexes of code points, which is
//! what `JSONDecodeError.pos` and the scanner's indexes count.
//!
//! # Use
//!
//! - [`scanstring`]: `_json.scanstring(string, end, strict)`.
//! - [`Scanner`]: the body of `_json.make_scanner(ctx)(string, idx)`
//!   (`scan_once_unicode` and the object, array, number and constant parsers
//!   under it), as a pull parser: the glue asks for one [`Event`] at a time
//!   and builds the Python values, calling the hooks (`object_hook`,
//!   `object_pairs_hook`, `parse_float`, `parse_int`, `parse_constant`),
//!   memoizing keys and counting recursion (`Py_EnterRecursiveCall` on
//!   [`Event::StartObject`] / [`Event::StartArray`]) in the order C does.
//!   The scanner keeps its own container stack on the heap: it never
//!   recurses.
//! - [`escape`]: `_json.encode_basestring_ascii` and
//!   `_json.encode_basestring`, appending to a caller's buffer
//!   ([`escape::escape_ascii`], [`escape::escape`], or the widening
//!   [`StrBuf`] for a whole encoder's output), or writing into an exactly
//!   sized one ([`escape::escaped_ascii_len`] + [`escape::escape_ascii_into`]).
//! - [`float_repr`]: `float.__repr__` (what `c_make_encoder` writes for a
//!   finite float).
//!
//! Behaviour that differs between CPython versions is selected by a
//! [`Compat`] (see there for the list).
#![forbid(unsafe_code)]

use std::fmt;

pub mod escape;
mod float;
mod run;
mod scanner;
mod string;
mod text;

pub use float::{FloatRepr, float_repr, push_float_repr};
pub use scanner::{Constant, Event, Number, Scanner, Sink, Walked};
pub use string::{Span, scanstring, scanstring_span};
pub use text::StrBuf;

/// A width of text (PEP 393 kind).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Latin-1 (`PyUnicode_1BYTE_KIND`).
    #[default]
    Ucs1,
    /// UCS-2 (`PyUnicode_2BYTE_KIND`).
    Ucs2,
    /// UCS-4 (`PyUnicode_4BYTE_KIND`).
    Ucs4,
}

impl Kind {
    /// The narrowest kind that holds code point `c`.
    #[inline]
    pub fn of(c: u32) -> Kind {
        if c < 0x100 {
            Kind::Ucs1
        } else if c < 0x1_0000 {
            Kind::Ucs2
        } else {
            Kind::Ucs4
        }
    }
}

/// One code unit of a PEP 393 string buffer: `u8` (latin-1), `u16` (UCS-2)
/// or `u32` (UCS-4). Sealed.
pub trait CodeUnit: Copy + Eq + Ord + Into<u32> + fmt::Debug + sealed::Sealed + 'static {
    /// The width of this unit.
    const KIND: Kind;
    /// The code point.
    #[inline(always)]
    fn code_point(self) -> u32 {
        self.into()
    }
}

pub(crate) mod sealed {
    use crate::Text;

    pub trait Sealed: Sized {
        const QUOTE: Self;
        const BACKSLASH: Self;
        /// `' '`: the units below it are the control characters.
        const SPACE: Self;
        /// `'~'`: the last printable ASCII character.
        const TILDE: Self;
        /// `c` as a unit of this width, truncated (callers make sure it fits).
        fn from_u32(c: u32) -> Self;
        /// `src` as text of its width.
        fn text(src: &[Self]) -> Text<'_>;
    }
}

macro_rules! code_unit {
    ($t:ty, $kind:ident) => {
        impl sealed::Sealed for $t {
            const QUOTE: $t = b'"' as $t;
            const BACKSLASH: $t = b'\\' as $t;
            const SPACE: $t = b' ' as $t;
            const TILDE: $t = b'~' as $t;
            #[inline(always)]
            fn from_u32(c: u32) -> $t {
                c as $t
            }
            #[inline(always)]
            fn text(src: &[$t]) -> Text<'_> {
                Text::$kind(src)
            }
        }
        impl CodeUnit for $t {
            const KIND: Kind = Kind::$kind;
        }
    };
}
code_unit!(u8, Ucs1);
code_unit!(u16, Ucs2);
code_unit!(u32, Ucs4);

/// A string's characters, in one of the three PEP 393 widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    /// Latin-1 (`PyUnicode_1BYTE_KIND`).
    Ucs1(&'a [u8]),
    /// UCS-2 (`PyUnicode_2BYTE_KIND`).
    Ucs2(&'a [u16]),
    /// UCS-4 (`PyUnicode_4BYTE_KIND`).
    Ucs4(&'a [u32]),
}

impl<'a> Text<'a> {
    /// `units` as text of their width.
    #[inline]
    pub fn of<T: CodeUnit>(units: &'a [T]) -> Text<'a> {
        T::text(units)
    }

    /// The characters from `start` on.
    pub fn slice_from(&self, start: usize) -> Text<'a> {
        match *self {
            Text::Ucs1(s) => Text::Ucs1(&s[start..]),
            Text::Ucs2(s) => Text::Ucs2(&s[start..]),
            Text::Ucs4(s) => Text::Ucs4(&s[start..]),
        }
    }

    /// The width.
    pub fn kind(&self) -> Kind {
        match self {
            Text::Ucs1(_) => Kind::Ucs1,
            Text::Ucs2(_) => Kind::Ucs2,
            Text::Ucs4(_) => Kind::Ucs4,
        }
    }

    /// The number of characters.
    pub fn len(&self) -> usize {
        match self {
            Text::Ucs1(s) => s.len(),
            Text::Ucs2(s) => s.len(),
            Text::Ucs4(s) => s.len(),
        }
    }

    /// Whether there are no characters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The characters as code points.
    pub fn code_points(&self) -> Vec<u32> {
        match self {
            Text::Ucs1(s) => s.iter().map(|&c| u32::from(c)).collect(),
            Text::Ucs2(s) => s.iter().map(|&c| u32::from(c)).collect(),
            Text::Ucs4(s) => s.to_vec(),
        }
    }

    /// The characters as a Rust string, lone surrogates replaced by U+FFFD
    /// (for tests and messages).
    pub fn to_string_lossy(&self) -> String {
        self.code_points().into_iter().map(|c| char::from_u32(c).unwrap_or('\u{FFFD}')).collect()
    }
}

/// The behaviours that differ between CPython versions. Build it with
/// [`Compat::for_version`]; each flag is public so a caller can pin one.
///
/// Checked against the C module of CPython 3.11.7, 3.12.1 and 3.13.0 (every
/// other behaviour of the string scanner, the scanner and both escapers is
/// the same in the three).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Compat {
    /// A `,` followed (after whitespace) by the closing `]` or `}` is the
    /// error "Illegal trailing comma before end of array" / "... of object"
    /// at the comma's index (gh-113149, 3.13+). Before: an array scans for a
    /// value at the bracket (`StopIteration` there, which `json` reports as
    /// "Expecting value"), an object for a key ("Expecting property name
    /// enclosed in double quotes" at the brace).
    pub trailing_comma_error: bool,
}

impl Compat {
    /// The behaviour of CPython 3.`minor`.`micro`.
    pub const fn for_version(minor: u8, micro: u8) -> Compat {
        let _ = micro;
        Compat { trailing_comma_error: minor >= 13 }
    }
}

/// Allocation failed (C raises `MemoryError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoMemory;

/// The messages of the `JSONDecodeError`s C raises (`ScanError::Decode`).
pub mod msg {
    /// A string has no closing quote (pos: its opening quote).
    pub const UNTERMINATED_STRING: &str = "Unterminated string starting at";
    /// A character below U+0020 in a string while `strict` (pos: it).
    pub const INVALID_CONTROL: &str = "Invalid control character at";
    /// A backslash followed by a character that is not an escape (pos: the
    /// backslash).
    pub const INVALID_ESCAPE: &str = "Invalid \\escape";
    /// `\u` not followed by four hex digits and one more character (pos: the
    /// `u`).
    pub const INVALID_UXXXX: &str = "Invalid \\uXXXX escape";
    /// An object's member does not start with `"` (pos: there).
    pub const EXPECTING_PROPERTY_NAME: &str = "Expecting property name enclosed in double quotes";
    /// No `:` after an object's key (pos: there).
    pub const EXPECTING_COLON: &str = "Expecting ':' delimiter";
    /// No `,` (nor the closing bracket) after a member or an element (pos:
    /// there).
    pub const EXPECTING_COMMA: &str = "Expecting ',' delimiter";
    /// 3.13+: `,}` (pos: the comma).
    pub const TRAILING_COMMA_OBJECT: &str = "Illegal trailing comma before end of object";
    /// 3.13+: `,]` (pos: the comma).
    pub const TRAILING_COMMA_ARRAY: &str = "Illegal trailing comma before end of array";
    /// The message `json.decoder` gives to a scanner's `StopIteration`
    /// (not raised by C itself).
    pub const EXPECTING_VALUE: &str = "Expecting value";
    /// `ValueError` of `scan_once` for a negative index.
    pub const IDX_NEGATIVE: &str = "idx cannot be negative";
    /// `ValueError` of `scanstring` for an index outside `0..=len`.
    pub const END_OUT_OF_BOUNDS: &str = "end is out of bounds";
}

/// An error of [`scanstring`] or of the [`Scanner`], as C raises it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanError {
    /// `json.decoder.JSONDecodeError(msg, string, pos)` (one of [`msg`]'s).
    /// `pos` is `-1` in one case: `scanstring(s, 0)` on a string with no
    /// quote ("Unterminated string starting at", the index before `end`).
    Decode {
        /// The message.
        msg: &'static str,
        /// The index it is reported at.
        pos: isize,
    },
    /// `StopIteration(pos)`: no value starts at `pos` (the end of the
    /// string, or a character that starts no JSON value, or a number that
    /// is only `-`). `json.decoder` turns it into "Expecting value" at `pos`.
    StopIteration(usize),
    /// `ValueError(msg)`: the start index is out of range
    /// ([`msg::IDX_NEGATIVE`], [`msg::END_OUT_OF_BOUNDS`]).
    Value(&'static str),
    /// `MemoryError`.
    NoMemory,
}

impl ScanError {
    pub(crate) const fn decode(msg: &'static str, pos: usize) -> ScanError {
        ScanError::Decode { msg, pos: pos as isize }
    }
}

impl From<NoMemory> for ScanError {
    fn from(_: NoMemory) -> Self {
        ScanError::NoMemory
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::Decode { msg, pos } => write!(f, "{msg} (char {pos})"),
            ScanError::StopIteration(pos) => write!(f, "StopIteration({pos})"),
            ScanError::Value(msg) => f.write_str(msg),
            ScanError::NoMemory => f.write_str("out of memory"),
        }
    }
}

impl std::error::Error for ScanError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(!Compat::for_version(11, 7).trailing_comma_error);
        assert!(!Compat::for_version(12, 1).trailing_comma_error);
        assert!(Compat::for_version(13, 0).trailing_comma_error);
    }

    #[test]
    fn kinds() {
        assert_eq!(Kind::of(0xff), Kind::Ucs1);
        assert_eq!(Kind::of(0x100), Kind::Ucs2);
        assert_eq!(Kind::of(0xdfff), Kind::Ucs2);
        assert_eq!(Kind::of(0x10000), Kind::Ucs4);
        assert_eq!(Text::of(&[0xd800u16][..]).to_string_lossy(), "\u{fffd}");
        assert_eq!(Text::of(&b"ab"[..]).kind(), Kind::Ucs1);
    }
}
