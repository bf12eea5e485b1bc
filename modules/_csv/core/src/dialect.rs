//! The dialect: its values, and the checks of C's `Dialect.__new__`.

use crate::Compat;

/// `csv.QUOTE_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quoting {
    /// `QUOTE_MINIMAL` (0).
    Minimal = 0,
    /// `QUOTE_ALL` (1).
    All = 1,
    /// `QUOTE_NONNUMERIC` (2).
    NonNumeric = 2,
    /// `QUOTE_NONE` (3).
    None = 3,
    /// `QUOTE_STRINGS` (4, 3.12+).
    Strings = 4,
    /// `QUOTE_NOTNULL` (5, 3.12+).
    NotNull = 5,
}

impl Quoting {
    /// The style of a `quoting` value, if it is one in the given version.
    pub fn from_int(value: i32, compat: Compat) -> Option<Quoting> {
        Some(match value {
            0 => Quoting::Minimal,
            1 => Quoting::All,
            2 => Quoting::NonNumeric,
            3 => Quoting::None,
            4 if compat.quote_strings_notnull => Quoting::Strings,
            5 if compat.quote_strings_notnull => Quoting::NotNull,
            _ => return None,
        })
    }
}

/// A dialect's values, as C keeps them (`DialectObj`); characters are code
/// points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// Separates fields.
    pub delimiter: u32,
    /// Quotes fields (`None`: not set; then `quoting` is [`Quoting::None`]).
    pub quotechar: Option<u32>,
    /// Escapes special characters.
    pub escapechar: Option<u32>,
    /// A quotechar inside a quoted field is written, and read, doubled.
    pub doublequote: bool,
    /// The reader ignores spaces at the start of a field.
    pub skipinitialspace: bool,
    /// The reader raises on bad CSV (a character after a closing quote, the
    /// data ending inside a quoted field or after an escapechar).
    pub strict: bool,
    /// Which fields the writer quotes, which fields the reader converts.
    pub quoting: Quoting,
    /// Written after each record (the reader ignores it), as code points.
    pub lineterminator: Vec<u32>,
}

impl Default for Dialect {
    /// C's defaults, the `excel` dialect.
    fn default() -> Self {
        Dialect {
            delimiter: u32::from(b','),
            quotechar: Some(u32::from(b'"')),
            escapechar: None,
            doublequote: true,
            skipinitialspace: false,
            strict: false,
            quoting: Quoting::Minimal,
            lineterminator: vec![u32::from(b'\r'), u32::from(b'\n')],
        }
    }
}

/// An invalid dialect: the exception C raises and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialectError {
    /// `TypeError(message)`.
    Type(String),
    /// `ValueError(message)`.
    Value(String),
}

/// `Dialect.__new__`'s arguments after C converted each one (`_set_char`,
/// `_set_bool`, ...; the glue does that, with its type errors), before the
/// checks that involve several of them ([`DialectArgs::validate`]).
///
/// The conversions, in C's order (`delimiter`, `doublequote`, `escapechar`,
/// `lineterminator`, `quotechar`, `quoting`, `skipinitialspace`, `strict`;
/// each from the keyword argument, else the `dialect` object's attribute,
/// else the default), raise `TypeError` with these messages, the same in
/// 3.11–3.13:
///
/// - `delimiter` (not `None`): `"delimiter" must be string, not <type>`,
///   `"delimiter" must be a 1-character string`;
/// - `escapechar`, `quotechar` (`None` allowed): `"<name>" must be string or
///   None, not <type>`, `"<name>" must be a 1-character string`;
/// - `lineterminator`: `"lineterminator" must be a string`;
/// - `quoting` (an exact `int`, `PyLong_CheckExact`): `"quoting" must be an
///   integer`, or the `OverflowError` of converting it to a C `int`;
/// - the booleans: truth value (`PyObject_IsTrue`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialectArgs {
    /// Default `','`.
    pub delimiter: u32,
    /// Default `true`.
    pub doublequote: bool,
    /// Default `None`.
    pub escapechar: Option<u32>,
    /// Default `"\r\n"`; `None` when given as `None`.
    pub lineterminator: Option<Vec<u32>>,
    /// Default `'"'`; `None` when given as `None`.
    pub quotechar: Option<u32>,
    /// `None` when not given at all (neither as a keyword nor by the
    /// `dialect` object).
    pub quoting: Option<i32>,
    /// Default `false`.
    pub skipinitialspace: bool,
    /// Default `false`.
    pub strict: bool,
}

impl Default for DialectArgs {
    /// Nothing given: C's defaults.
    fn default() -> Self {
        let d = Dialect::default();
        DialectArgs {
            delimiter: d.delimiter,
            doublequote: d.doublequote,
            escapechar: d.escapechar,
            lineterminator: Some(d.lineterminator),
            quotechar: d.quotechar,
            quoting: None,
            skipinitialspace: d.skipinitialspace,
            strict: d.strict,
        }
    }
}

const CR: u32 = b'\r' as u32;
const LF: u32 = b'\n' as u32;
const SPACE: u32 = b' ' as u32;

impl DialectArgs {
    /// C's checks after the conversions, in C's order: the dialect, or the
    /// exception `Dialect.__new__` raises. `quotechar=None` without any
    /// `quoting` means `QUOTE_NONE`.
    pub fn validate(self, compat: Compat) -> Result<Dialect, DialectError> {
        let type_error = |m: &str| Err(DialectError::Type(m.to_owned()));
        let quoting = match Quoting::from_int(self.quoting.unwrap_or(0), compat) {
            Some(_) if self.quotechar.is_none() && self.quoting.is_none() => Quoting::None,
            Some(q) => q,
            None => return type_error("bad \"quoting\" value"),
        };
        if quoting != Quoting::None && self.quotechar.is_none() {
            return type_error("quotechar must be set if quoting enabled");
        }
        let Some(lineterminator) = self.lineterminator else {
            return type_error("lineterminator must be set");
        };
        if compat.dialect_char_checks {
            let check_char = |name: &str, c: Option<u32>, allow_space: bool| {
                let Some(c) = c else { return Ok(()) };
                if c == CR || c == LF || (c == SPACE && !allow_space) {
                    return Err(DialectError::Value(format!("bad {name} value")));
                }
                if lineterminator.contains(&c) {
                    return Err(DialectError::Value(format!("bad {name} or lineterminator value")));
                }
                Ok(())
            };
            let check_pair = |n1: &str, n2: &str, c1: Option<u32>, c2: Option<u32>| {
                if c1.is_some() && c1 == c2 {
                    return Err(DialectError::Value(format!("bad {n1} or {n2} value")));
                }
                Ok(())
            };
            let delimiter = Some(self.delimiter);
            check_char("delimiter", delimiter, true)?;
            check_char("escapechar", self.escapechar, !self.skipinitialspace)?;
            check_char("quotechar", self.quotechar, !self.skipinitialspace)?;
            check_pair("delimiter", "escapechar", delimiter, self.escapechar)?;
            check_pair("delimiter", "quotechar", delimiter, self.quotechar)?;
            check_pair("escapechar", "quotechar", self.escapechar, self.quotechar)?;
        }
        Ok(Dialect {
            delimiter: self.delimiter,
            quotechar: self.quotechar,
            escapechar: self.escapechar,
            doublequote: self.doublequote,
            skipinitialspace: self.skipinitialspace,
            strict: self.strict,
            quoting,
            lineterminator,
        })
    }
}
