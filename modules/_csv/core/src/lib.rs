//! `_csv`'s parser and record writer in pure Rust (no Python types), with the
//! exact semantics of CPython's `Modules/_csv.c` in CPython 3.11–3.13.
//!
//! No dependencies: the hot loops are table-driven scans over the input's own
//! code units (the C module runs its state machine on every character).
//!
//! # Text
//!
//! Python strings are kept in one of three widths (PEP 393: latin-1 `u8`,
//! UCS-2 `u16`, UCS-4 `u32`; every unit is a whole code point, lone surrogates
//! included). The parser and the writer are generic over [`CodeUnit`], so the
//! glue hands them the string's own buffer, and they hand back [`Text`]: a
//! slice of one of the three widths, wide enough for its characters but not
//! necessarily the narrowest (a field read from a UCS-2 line may be a slice
//! of that line): build the `str` with `PyUnicode_FromKindAndData`, which
//! narrows and tells ASCII from latin-1, as C does from its UCS-4 buffers.
//! Characters of the dialect are code points as `u32` (a Rust `char` cannot
//! hold the lone surrogates Python allows).
//!
//! # Use
//!
//! - [`dialect`]: the dialect's values ([`Dialect`]) and the validation that
//!   C's `Dialect.__new__` does after converting each argument
//!   ([`DialectArgs::validate`]), with C's exception kinds and messages.
//! - [`reader`]: [`Reader`], fed one input line at a time, reporting each
//!   field to a callback as a [`FieldValue`] (`str`, `float(str)`, or `None`).
//! - [`writer`]: [`Writer`], joining one record's fields into a line.
//!
//! Behaviour that differs between CPython versions is selected by a
//! [`Compat`] (see there for the list).
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

mod buf;
pub mod dialect;
pub mod reader;
pub mod writer;

pub use dialect::{Dialect, DialectArgs, DialectError, Quoting};
pub use reader::{FieldValue, ReadError, Reader};
pub use writer::{FieldKind, Writer};

/// One code unit of a PEP 393 string buffer: `u8` (latin-1), `u16` (UCS-2)
/// or `u32` (UCS-4). Sealed.
pub trait CodeUnit: Copy + sealed::Sealed + 'static {
    /// The code point.
    fn code_point(self) -> u32;
}

impl CodeUnit for u8 {
    #[inline(always)]
    fn code_point(self) -> u32 {
        u32::from(self)
    }
}

impl CodeUnit for u16 {
    #[inline(always)]
    fn code_point(self) -> u32 {
        u32::from(self)
    }
}

impl CodeUnit for u32 {
    #[inline(always)]
    fn code_point(self) -> u32 {
        self
    }
}

pub(crate) mod sealed {
    use crate::buf::{Kind, WideBuf};

    pub trait Sealed {
        const KIND: Kind;
        /// Appends `src` to `buf`, widening `buf` first if `Self` is wider.
        fn append(src: &[Self], buf: &mut WideBuf) -> Result<(), crate::NoMemory>
        where
            Self: Sized;
        /// `src` as text of its width.
        fn text(src: &[Self]) -> crate::Text<'_>
        where
            Self: Sized;
    }
}

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

impl Text<'_> {
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
/// Checked against the C module of CPython 3.11.7, 3.12.1 and 3.13.0; the
/// patch releases that got the writer fixes backported (3.11.9, 3.12.3) are
/// from CPython's changelog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Compat {
    /// `QUOTE_STRINGS` (4) and `QUOTE_NOTNULL` (5) are valid `quoting`
    /// values (3.12+; 3.11 says `bad "quoting" value`).
    pub quote_strings_notnull: bool,
    /// The reader decides a field's conversion from whether it was quoted
    /// (gh-113732, 3.13+): an unquoted empty field is `None` under
    /// `QUOTE_NOTNULL` and `QUOTE_STRINGS`, an unquoted non-empty one is
    /// `float(field)` under `QUOTE_NONNUMERIC` and `QUOTE_STRINGS`, and a
    /// field that begins with the escapechar counts as unquoted.
    ///
    /// Before (3.11, 3.12): only `QUOTE_NONNUMERIC` converts, and only fields
    /// whose first character (after skipped initial spaces) is an ordinary
    /// one, not a quote or the escapechar; never `None`.
    pub reader_unquoted_field: bool,
    /// The "new-line character seen in unquoted field" error ends "do you
    /// need to open the file with newline=''?" (gh-70835, 3.13+) instead of
    /// "do you need to open the file in universal-newline mode?".
    pub newline_hint_newline_arg: bool,
    /// The writer quotes (or escapes, under `QUOTE_NONE`) `'\r'` and `'\n'`
    /// in fields even when the lineterminator does not contain them
    /// (gh-67044: 3.11.9, 3.12.3, 3.13.0).
    pub writer_quotes_cr_lf: bool,
    /// With `delimiter=' '` and `skipinitialspace=True`, the writer quotes
    /// empty fields, and fails where it cannot ("empty field must be quoted
    /// if delimiter is a space and skipinitialspace is true"); a record that
    /// is a single `None` fails under `QUOTE_STRINGS`/`QUOTE_NOTNULL`
    /// ("single empty field record must be quoted") instead of being
    /// written as `""` (gh-115712: 3.11.9, 3.12.3, 3.13.0).
    pub writer_space_delimiter_rules: bool,
    /// `Dialect` rejects `'\r'`, `'\n'` (and `' '` where ambiguous) as
    /// delimiter, quotechar or escapechar, any of them in the
    /// lineterminator, and two of them equal (gh-113796, 3.13+).
    pub dialect_char_checks: bool,
}

impl Compat {
    /// The behaviour of CPython 3.`minor`.`micro`.
    pub const fn for_version(minor: u8, micro: u8) -> Compat {
        let writer_fixes = minor >= 13 || (minor == 12 && micro >= 3) || (minor == 11 && micro >= 9);
        Compat {
            quote_strings_notnull: minor >= 12,
            reader_unquoted_field: minor >= 13,
            newline_hint_newline_arg: minor >= 13,
            writer_quotes_cr_lf: writer_fixes,
            writer_space_delimiter_rules: writer_fixes,
            dialect_char_checks: minor >= 13,
        }
    }
}

/// Allocation failed (C raises `MemoryError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoMemory;

/// An error of the reader or the writer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// `_csv.Error` with this message.
    Csv(Cow<'static, str>),
    /// `_csv.Error("'%c' expected after '%c'")` for the given delimiter and
    /// quotechar (kept as code points: either may be a lone surrogate, which
    /// a Rust string cannot hold; see [`Error::message_code_points`]).
    ExpectedAfter {
        /// The dialect's delimiter.
        delimiter: u32,
        /// The dialect's quotechar.
        quotechar: u32,
    },
    /// `MemoryError`.
    NoMemory,
}

impl Error {
    pub(crate) const fn csv(msg: &'static str) -> Error {
        Error::Csv(Cow::Borrowed(msg))
    }

    /// The message as code points (exact, lone surrogates included).
    pub fn message_code_points(&self) -> Vec<u32> {
        match *self {
            Error::ExpectedAfter { delimiter, quotechar } => {
                let mut v = vec![u32::from(b'\''), delimiter];
                v.extend("' expected after '".chars().map(u32::from));
                v.push(quotechar);
                v.push(u32::from(b'\''));
                v
            }
            _ => self.to_string().chars().map(u32::from).collect(),
        }
    }
}

impl From<NoMemory> for Error {
    fn from(_: NoMemory) -> Error {
        Error::NoMemory
    }
}

impl fmt::Display for Error {
    /// The message (lone surrogates in `ExpectedAfter` shown as U+FFFD).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ch = |c: u32| char::from_u32(c).unwrap_or('\u{FFFD}');
        match self {
            Error::Csv(msg) => f.write_str(msg),
            Error::ExpectedAfter { delimiter, quotechar } => {
                write!(f, "'{}' expected after '{}'", ch(*delimiter), ch(*quotechar))
            }
            Error::NoMemory => f.write_str("out of memory"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let v = |minor, micro| {
            let c = Compat::for_version(minor, micro);
            [
                c.quote_strings_notnull,
                c.reader_unquoted_field,
                c.newline_hint_newline_arg,
                c.writer_quotes_cr_lf,
                c.writer_space_delimiter_rules,
                c.dialect_char_checks,
            ]
        };
        assert_eq!(v(11, 7), [false, false, false, false, false, false]);
        assert_eq!(v(11, 9), [false, false, false, true, true, false]);
        assert_eq!(v(12, 1), [true, false, false, false, false, false]);
        assert_eq!(v(12, 3), [true, false, false, true, true, false]);
        assert_eq!(v(13, 0), [true, true, true, true, true, true]);
    }

    #[test]
    fn expected_after_message_keeps_surrogates() {
        let e = Error::ExpectedAfter { delimiter: 0xd800, quotechar: u32::from(b'"') };
        let mut want: Vec<u32> = "'".chars().map(u32::from).collect();
        want.push(0xd800);
        want.extend("' expected after '\"'".chars().map(u32::from));
        assert_eq!(e.message_code_points(), want);
        assert_eq!(e.to_string(), "'\u{fffd}' expected after '\"'");
        let e = Error::csv("unexpected end of data");
        assert_eq!(e.message_code_points(), "unexpected end of data".chars().map(u32::from).collect::<Vec<_>>());
    }
}
