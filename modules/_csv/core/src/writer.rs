//! The writer: C's `join_append` / `join_append_data` /
//! `join_append_lineterminator` and the end of `writerow`.
//!
//! How the glue's `writerow(row)` drives it:
//!
//! ```text
//! writer.begin_record();                              // join_reset
//! for field in iter(row) {                            // errors: as C
//!     let kind = FieldKind of field;                  // see FieldKind
//!     let s = field if str, "" if None, else str(field);
//!     writer.append_field(s_data, kind)?;             // _csv.Error / MemoryError
//! }
//! let line = writer.finish_record()?;                 // with the lineterminator
//! return file.write(str from line);
//! ```
//!
//! The writer's record buffer is reused from record to record.

use crate::buf::{CharSet, Kind, WideBuf, kind_of};
use crate::{CodeUnit, Compat, Dialect, Error, Quoting, Text};

const CR: u32 = b'\r' as u32;
const LF: u32 = b'\n' as u32;
const SPACE: u32 = b' ' as u32;

/// What a field of the row was, for the quoting rules (C tests the object
/// before converting it to `str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// `None` (written as an empty field; pass an empty slice).
    None,
    /// A `str` (`PyUnicode_Check`, subclasses included) for which
    /// `PyNumber_Check` is false.
    Str,
    /// A `str` subclass for which `PyNumber_Check` is true (it defines
    /// `__index__`, `__int__` or `__float__`).
    NumericStr,
    /// Not a `str`, and `PyNumber_Check` is true (`int`, `float`, `bool`,
    /// `complex`, `Decimal`, ...).
    Number,
    /// Anything else (written as its `str()`).
    Other,
}

impl FieldKind {
    fn is_number(self) -> bool {
        matches!(self, FieldKind::Number | FieldKind::NumericStr)
    }

    fn is_str(self) -> bool {
        matches!(self, FieldKind::Str | FieldKind::NumericStr)
    }
}

/// The record joiner of one `_csv.writer`.
#[derive(Clone, Debug)]
pub struct Writer {
    delimiter: u32,
    quotechar: Option<u32>,
    escapechar: Option<u32>,
    doublequote: bool,
    skipinitialspace: bool,
    quoting: Quoting,
    compat: Compat,
    lineterminator: Vec<u32>,
    lineterminator_kind: Kind,
    /// The characters that make a field quoted or escaped.
    specials: CharSet,
    rec: WideBuf,
    num_fields: usize,
    /// The last field appended was `None`.
    null_field: bool,
}

impl Writer {
    /// A writer for `dialect` (valid: a quotechar unless `QUOTE_NONE`).
    pub fn new(dialect: &Dialect, compat: Compat) -> Writer {
        let mut specials = vec![Some(dialect.delimiter), dialect.escapechar, dialect.quotechar];
        if compat.writer_quotes_cr_lf {
            specials.extend([Some(LF), Some(CR)]);
        }
        specials.extend(dialect.lineterminator.iter().map(|&c| Some(c)));
        Writer {
            delimiter: dialect.delimiter,
            quotechar: dialect.quotechar,
            escapechar: dialect.escapechar,
            doublequote: dialect.doublequote,
            skipinitialspace: dialect.skipinitialspace,
            quoting: dialect.quoting,
            compat,
            lineterminator: dialect.lineterminator.clone(),
            lineterminator_kind: kind_of(&dialect.lineterminator),
            specials: CharSet::new(specials),
            rec: WideBuf::default(),
            num_fields: 0,
            null_field: false,
        }
    }

    /// Starts a new record (C's `join_reset`, at the start of `writerow`).
    pub fn begin_record(&mut self) {
        self.rec.clear();
        self.num_fields = 0;
        self.null_field = false;
    }

    /// Appends a field: `text` is the `str` (or `str()` of the object; empty
    /// for `None`), `kind` what the object was. On error the record is to be
    /// dropped (the next one starts with [`Writer::begin_record`]).
    pub fn append_field<T: CodeUnit>(&mut self, text: &[T], kind: FieldKind) -> Result<(), Error> {
        let quoted = match self.quoting {
            Quoting::NonNumeric => !kind.is_number(),
            Quoting::All => true,
            Quoting::Strings => kind.is_str(),
            Quoting::NotNull => kind != FieldKind::None,
            Quoting::Minimal | Quoting::None => false,
        };
        self.null_field = kind == FieldKind::None;
        let text: &[T] = if self.null_field { &[] } else { text };
        self.join_append(text, self.null_field, quoted)
    }

    /// Ends the record: the line to write, lineterminator included. A record
    /// of one empty unquoted field is written as an empty quoted field (or
    /// fails, where it cannot be quoted).
    pub fn finish_record(&mut self) -> Result<Text<'_>, Error> {
        if self.num_fields > 0 && self.rec.len() == 0 {
            let null_unquotable = self.compat.writer_space_delimiter_rules
                && self.null_field
                && matches!(self.quoting, Quoting::Strings | Quoting::NotNull);
            if self.quoting == Quoting::None || null_unquotable {
                return Err(Error::csv("single empty field record must be quoted"));
            }
            self.num_fields -= 1;
            self.join_append::<u8>(&[], true, true)?;
        }
        self.rec.extend_code_points(&self.lineterminator, self.lineterminator_kind)?;
        Ok(self.rec.text())
    }

    /// C's `join_append` (`is_null`: the field is `None`, C's NULL field).
    fn join_append<T: CodeUnit>(&mut self, text: &[T], is_null: bool, mut quoted: bool) -> Result<(), Error> {
        if text.is_empty()
            && self.compat.writer_space_delimiter_rules
            && self.delimiter == SPACE
            && self.skipinitialspace
        {
            if self.quoting == Quoting::None || (is_null && matches!(self.quoting, Quoting::Strings | Quoting::NotNull))
            {
                return Err(Error::csv(
                    "empty field must be quoted if delimiter is a space and skipinitialspace is true",
                ));
            }
            quoted = true;
        }
        let start = self.rec.len();
        let result = self.append_data(text, quoted);
        if result.is_err() {
            self.rec.truncate(start);
        }
        result
    }

    /// C's `join_append_data` (both of its passes).
    fn append_data<T: CodeUnit>(&mut self, text: &[T], mut quoted: bool) -> Result<(), Error> {
        if self.num_fields > 0 {
            self.rec.push(self.delimiter)?;
        }
        let data_start = self.rec.len();
        let mut rest = text;
        loop {
            let n = self.specials.run_len(rest);
            self.rec.extend(&rest[..n])?;
            let Some((&c, tail)) = rest[n..].split_first() else { break };
            rest = tail;
            let c = c.code_point();
            // A delimiter, escapechar, quotechar, lineterminator character
            // (or, per version, '\r' or '\n').
            let mut want_escape = false;
            if self.quoting == Quoting::None {
                want_escape = true;
            } else {
                if Some(c) == self.quotechar {
                    if self.doublequote {
                        self.rec.push(c)?;
                    } else {
                        want_escape = true;
                    }
                } else if Some(c) == self.escapechar {
                    want_escape = true;
                }
                if !want_escape {
                    quoted = true;
                }
            }
            if want_escape {
                let Some(escapechar) = self.escapechar else {
                    return Err(Error::csv("need to escape, but no escapechar set"));
                };
                self.rec.push(escapechar)?;
            }
            self.rec.push(c)?;
        }
        if quoted && let Some(q) = self.quotechar {
            self.rec.insert(data_start, q)?;
            self.rec.push(q)?;
        }
        self.num_fields += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(w: &mut Writer, fields: &[(&str, FieldKind)]) -> Result<(usize, String), Error> {
        w.begin_record();
        for &(s, kind) in fields {
            let cps: Vec<u32> = s.chars().map(u32::from).collect();
            if cps.iter().all(|&c| c < 0x100) {
                w.append_field(&cps.iter().map(|&c| c as u8).collect::<Vec<_>>(), kind)?;
            } else {
                w.append_field(&cps, kind)?;
            }
        }
        let text = w.finish_record()?;
        let width = match text {
            Text::Ucs1(_) => 1,
            Text::Ucs2(_) => 2,
            Text::Ucs4(_) => 4,
        };
        Ok((width, text.to_string_lossy()))
    }

    #[test]
    fn widths_and_reuse() {
        let mut w = Writer::new(&Dialect::default(), Compat::for_version(13, 0));
        assert_eq!(line(&mut w, &[("a,b", FieldKind::Str), ("1", FieldKind::Number)]), Ok((1, "\"a,b\",1\r\n".into())));
        assert_eq!(line(&mut w, &[("é", FieldKind::Str), ("€", FieldKind::Str)]), Ok((2, "é,€\r\n".into())));
        assert_eq!(line(&mut w, &[("x", FieldKind::Str)]), Ok((1, "x\r\n".into())));
        assert_eq!(line(&mut w, &[("\"😀", FieldKind::Str)]), Ok((4, "\"\"\"😀\"\r\n".into())));
        assert_eq!(line(&mut w, &[]), Ok((1, "\r\n".into())));
        let d = Dialect { delimiter: 0x20ac, lineterminator: vec![0x1f600], ..Dialect::default() };
        let mut w = Writer::new(&d, Compat::for_version(13, 0));
        assert_eq!(line(&mut w, &[("a", FieldKind::Str)]), Ok((4, "a😀".into())));
        assert_eq!(line(&mut w, &[("a", FieldKind::Str), ("b", FieldKind::Str)]), Ok((4, "a€b😀".into())));
    }

    #[test]
    fn errors_leave_the_writer_usable() {
        let d = Dialect { quoting: Quoting::None, ..Dialect::default() };
        let mut w = Writer::new(&d, Compat::for_version(13, 0));
        assert_eq!(
            line(&mut w, &[("a", FieldKind::Str), ("b,c", FieldKind::Str)]),
            Err(Error::csv("need to escape, but no escapechar set"))
        );
        assert_eq!(line(&mut w, &[("", FieldKind::Str)]), Err(Error::csv("single empty field record must be quoted")));
        assert_eq!(line(&mut w, &[("a", FieldKind::Str)]), Ok((1, "a\r\n".into())));
    }
}
