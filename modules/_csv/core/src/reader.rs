//! The reader: C's `parse_process_char` state machine, fed a line at a time.
//!
//! How the glue's `__next__` drives it, as C's `Reader_iternext` does:
//!
//! ```text
//! reader.reset();                      // parse_reset, on every call
//! let mut fields = new list;
//! loop {
//!     match next line of the input iterator {
//!         exception => return it,
//!         exhausted => return match reader.finish(append)? {
//!             true => fields,          // the last field was saved
//!             false => StopIteration,  // (even if fields is not empty)
//!         },
//!         not a str => raise _csv.Error("iterator should return strings, not %.200s \
//!                                        (the file should be opened in text mode)"),
//!         line => {
//!             line_num += 1;
//!             if reader.feed_line(line_data, field_size_limit, append)? {
//!                 return fields;        // the record ended with this line
//!             }
//!         }
//!     }
//! }
//! ```
//!
//! where `append` turns each [`FieldValue`] into a Python object (a `str`;
//! for `Float`, that `str` passed to `float()`, whose `ValueError` is the
//! error; `None`) and appends it to `fields`. A [`ReadError::Sink`] is the
//! callback's own error, returned as is; [`ReadError::Csv`] is raised as
//! `_csv.Error` (or `MemoryError`). After an error the rest of the line is
//! dropped and the next `__next__` starts afresh with the next line, as in C.

use crate::buf::{CharSet, WideBuf};
use crate::{CodeUnit, Compat, Dialect, Error, NoMemory, Quoting, Text};
use std::borrow::Cow;

/// A character that never occurs (C's `NOT_SET`: an unset dialect char).
const NOT_SET: u32 = u32::MAX;
/// The end of a line (C's `EOL`), never a character either.
const EOL: u32 = u32::MAX - 1;
const CR: u32 = b'\r' as u32;
const LF: u32 = b'\n' as u32;
const SPACE: u32 = b' ' as u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    EscapedChar,
    InField,
    InQuotedField,
    EscapeInQuotedField,
    QuoteInQuotedField,
    EatCrnl,
    AfterEscapedCrnl,
}

/// A parsed field, as the reader's `__next__` puts it in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// The `str`.
    Str(Text<'a>),
    /// `float()` of the `str` (`PyNumber_Float`; its `ValueError` stops the
    /// record).
    Float(Text<'a>),
    /// `None`.
    None,
}

/// An error while parsing: the reader's own, or the field callback's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError<E> {
    /// `_csv.Error` (or `MemoryError`).
    Csv(Error),
    /// What the field callback returned.
    Sink(E),
}

impl<E> From<Error> for ReadError<E> {
    fn from(e: Error) -> Self {
        ReadError::Csv(e)
    }
}

impl<E> From<NoMemory> for ReadError<E> {
    fn from(_: NoMemory) -> Self {
        ReadError::Csv(Error::NoMemory)
    }
}

/// The parser of one `_csv.reader`: its dialect and the state that carries
/// over from line to line.
#[derive(Clone, Debug)]
pub struct Reader {
    delimiter: u32,
    /// `NOT_SET` when there is none or `quoting` is `QUOTE_NONE` (C tests
    /// both wherever it compares with the quotechar).
    quotechar: u32,
    escapechar: u32,
    doublequote: bool,
    skipinitialspace: bool,
    strict: bool,
    quoting: Quoting,
    compat: Compat,
    /// The characters that end a run of ordinary ones in an unquoted field.
    unquoted_stops: CharSet,
    /// The same in a quoted field.
    quoted_stops: CharSet,
    /// The characters that do not start an unquoted field's text.
    start_stops: CharSet,
    /// The delimiter is also `'\n'`, `'\r'` or the escapechar (which
    /// `IN_FIELD` tests first).
    delimiter_is_special: bool,
    state: State,
    /// The current field's characters, but for `pending`.
    field: WideBuf,
    /// The current field's last characters, `line[pending.0..pending.1]` of
    /// the line being fed (copied into `field` when the line ends, or when a
    /// character that does not follow them is added).
    pending: (usize, usize),
    /// 3.13: no quote opened the current field.
    unquoted_field: bool,
    /// 3.11/3.12: the current field is converted to float.
    numeric_field: bool,
}

impl Reader {
    /// A reader for `dialect` (its `lineterminator` is not used).
    pub fn new(dialect: &Dialect, compat: Compat) -> Reader {
        let quotechar = match dialect.quoting {
            Quoting::None => NOT_SET,
            _ => dialect.quotechar.unwrap_or(NOT_SET),
        };
        let escapechar = dialect.escapechar.unwrap_or(NOT_SET);
        let some = |c: u32| (c != NOT_SET).then_some(c);
        Reader {
            delimiter: dialect.delimiter,
            quotechar,
            escapechar,
            doublequote: dialect.doublequote,
            skipinitialspace: dialect.skipinitialspace,
            strict: dialect.strict,
            quoting: dialect.quoting,
            compat,
            unquoted_stops: CharSet::new([Some(LF), Some(CR), some(escapechar), Some(dialect.delimiter)]),
            quoted_stops: CharSet::new([some(escapechar), some(quotechar)]),
            delimiter_is_special: [LF, CR, escapechar].contains(&dialect.delimiter),
            start_stops: CharSet::new([
                Some(LF),
                Some(CR),
                some(quotechar),
                some(escapechar),
                dialect.skipinitialspace.then_some(SPACE),
                Some(dialect.delimiter),
            ]),
            state: State::StartRecord,
            field: WideBuf::default(),
            pending: (0, 0),
            unquoted_field: false,
            numeric_field: false,
        }
    }

    /// Starts a new record (C's `parse_reset`, at the start of each
    /// `__next__`): forgets a record that an error interrupted.
    pub fn reset(&mut self) {
        self.state = State::StartRecord;
        self.field.clear();
        self.pending = (0, 0);
        self.unquoted_field = false;
        self.numeric_field = false;
    }

    /// Parses one input line (its characters, then the end of the line),
    /// passing each field that ends to `sink`, in order. Returns whether the
    /// record is complete (C's state is back at the start of a record),
    /// which an empty line alone also makes (an empty record).
    ///
    /// `field_limit` is `csv.field_size_limit()`: adding a character to a
    /// field that already has that many fails. The units must be code points
    /// (at most U+10FFFF), as in every Python string.
    pub fn feed_line<T: CodeUnit, E>(
        &mut self,
        line: &[T],
        field_limit: isize,
        mut sink: impl FnMut(FieldValue<'_>) -> Result<(), E>,
    ) -> Result<bool, ReadError<E>> {
        let result = self.feed(line, field_limit, &mut sink);
        // The line goes: an open field keeps a copy of its characters.
        let flushed = self.flush(line);
        self.pending = (0, 0);
        let complete = result?;
        flushed?;
        Ok(complete)
    }

    fn feed<T: CodeUnit, E>(
        &mut self,
        line: &[T],
        field_limit: isize,
        sink: &mut impl FnMut(FieldValue<'_>) -> Result<(), E>,
    ) -> Result<bool, ReadError<E>> {
        let mut i = 0;
        loop {
            // Runs of characters that the state just adds to the field.
            let stops = match self.state {
                State::InField | State::AfterEscapedCrnl => Some(&self.unquoted_stops),
                State::InQuotedField => Some(&self.quoted_stops),
                _ => None,
            };
            if let Some(stops) = stops {
                let n = stops.run_len(&line[i..]);
                if n > 0 {
                    self.add(line, i, n, field_limit)?;
                    i += n;
                }
            }
            let Some(&c) = line.get(i) else { break };
            let c = c.code_point();
            if self.state == State::StartField && !self.start_stops.contains(c) {
                // The first character of an unquoted field (START_FIELD's
                // last case): the run that follows it is added with it.
                self.unquoted_field = true;
                self.numeric_field = self.quoting == Quoting::NonNumeric;
                self.state = State::InField;
                let n = 1 + self.unquoted_stops.run_len(&line[i + 1..]);
                self.add(line, i, n, field_limit)?;
                i += n;
                continue;
            }
            if self.state == State::InField && c == self.delimiter && !self.delimiter_is_special {
                // The end of an unquoted field (IN_FIELD's delimiter case).
                self.save_field(line, sink)?;
                self.state = State::StartField;
                i += 1;
                continue;
            }
            self.process_char(line, i, c, field_limit, sink)?;
            i += 1;
        }
        self.process_char(line, line.len(), EOL, field_limit, sink)?;
        Ok(self.state == State::StartRecord)
    }

    /// The input is exhausted: if a field is pending (characters, or an open
    /// quote), fails under `strict` ("unexpected end of data"), else saves
    /// it and returns `true` (C returns the record). `false`: C ends the
    /// iteration, whatever fields the record has.
    pub fn finish<E>(&mut self, mut sink: impl FnMut(FieldValue<'_>) -> Result<(), E>) -> Result<bool, ReadError<E>> {
        if self.field.len() != 0 || self.state == State::InQuotedField {
            if self.strict {
                return Err(Error::csv("unexpected end of data").into());
            }
            self.save_field::<u8, E>(&[], &mut sink)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The number of characters of the current field.
    #[inline]
    fn field_len(&self) -> usize {
        self.field.len() + (self.pending.1 - self.pending.0)
    }

    /// Fails if adding `n` characters passes the limit (C's
    /// `parse_add_char` fails on the first character that finds the field
    /// at the limit).
    #[inline]
    fn check_limit(&self, n: usize, field_limit: isize) -> Result<(), Error> {
        if (self.field_len() + n) as i128 > field_limit as i128 {
            return Err(Error::Csv(Cow::Owned(format!("field larger than field limit ({field_limit})"))));
        }
        Ok(())
    }

    /// Moves the pending characters into the field buffer.
    #[inline]
    fn flush<T: CodeUnit>(&mut self, line: &[T]) -> Result<(), NoMemory> {
        let (start, end) = self.pending;
        if start != end {
            self.pending = (0, 0);
            self.field.extend(&line[start..end])?;
        }
        Ok(())
    }

    /// C's `parse_add_char` for the `n` characters of `line` at `at`: they
    /// extend the pending slice of `line` if they follow it, else start it.
    #[inline]
    fn add<T: CodeUnit>(&mut self, line: &[T], at: usize, n: usize, field_limit: isize) -> Result<(), Error> {
        self.check_limit(n, field_limit)?;
        let (start, end) = self.pending;
        if end == at && start != end {
            self.pending.1 = at + n;
        } else {
            self.flush(line)?;
            self.pending = (at, at + n);
        }
        Ok(())
    }

    /// C's `parse_add_char` for a character that is not in `line` (the
    /// `'\n'` that stands for an escaped end of line).
    fn add_char<T: CodeUnit>(&mut self, line: &[T], c: u32, field_limit: isize) -> Result<(), Error> {
        self.check_limit(1, field_limit)?;
        self.flush(line)?;
        self.field.push(c)?;
        Ok(())
    }

    /// Adds the character at `at`, or a `'\n'` for the end of the line.
    #[inline]
    fn add_or_newline<T: CodeUnit>(&mut self, line: &[T], at: usize, field_limit: isize) -> Result<(), Error> {
        if at < line.len() { self.add(line, at, 1, field_limit) } else { self.add_char(line, LF, field_limit) }
    }

    /// C's `parse_save_field`.
    fn save_field<T: CodeUnit, E>(
        &mut self,
        line: &[T],
        sink: &mut impl FnMut(FieldValue<'_>) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        let (start, end) = self.pending;
        if self.field.len() != 0 {
            self.flush(line)?;
        }
        let text = if self.field.len() == 0 { T::text(&line[start..end]) } else { self.field.text() };
        let value = if self.compat.reader_unquoted_field {
            match (self.unquoted_field, text.is_empty(), self.quoting) {
                (true, true, Quoting::NotNull | Quoting::Strings) => FieldValue::None,
                (true, false, Quoting::NonNumeric | Quoting::Strings) => FieldValue::Float(text),
                _ => FieldValue::Str(text),
            }
        } else if self.numeric_field {
            FieldValue::Float(text)
        } else {
            FieldValue::Str(text)
        };
        let result = sink(value);
        self.numeric_field = false;
        self.pending = (0, 0);
        self.field.clear();
        result.map_err(ReadError::Sink)
    }

    /// C's `parse_process_char`: `c` is the character of `line` at `at`, or
    /// `EOL` (then `at` is the line's length).
    fn process_char<T: CodeUnit, E>(
        &mut self,
        line: &[T],
        at: usize,
        c: u32,
        field_limit: isize,
        sink: &mut impl FnMut(FieldValue<'_>) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        match self.state {
            State::StartRecord => {
                if c == EOL {
                    // An empty line: an empty record.
                } else if c == LF || c == CR {
                    self.state = State::EatCrnl;
                } else {
                    self.state = State::StartField;
                    self.start_field(line, at, c, field_limit, sink)?;
                }
            }
            State::StartField => self.start_field(line, at, c, field_limit, sink)?,
            State::EscapedChar => {
                self.add_or_newline(line, at, field_limit)?;
                self.state = if c == LF || c == CR { State::AfterEscapedCrnl } else { State::InField };
            }
            State::AfterEscapedCrnl => {
                // Like InField (without leaving this state on ordinary
                // characters), except that the end of a line continues the
                // field.
                if c != EOL {
                    self.in_field(line, at, c, field_limit, sink)?;
                }
            }
            State::InField => self.in_field(line, at, c, field_limit, sink)?,
            State::InQuotedField => {
                if c == EOL {
                    // The quoted field goes on on the next line.
                } else if c == self.escapechar {
                    self.state = State::EscapeInQuotedField;
                } else if c == self.quotechar {
                    self.state = if self.doublequote { State::QuoteInQuotedField } else { State::InField };
                } else {
                    self.add(line, at, 1, field_limit)?;
                }
            }
            State::EscapeInQuotedField => {
                self.add_or_newline(line, at, field_limit)?;
                self.state = State::InQuotedField;
            }
            State::QuoteInQuotedField => {
                if c == self.quotechar {
                    // A doubled quote is a quote.
                    self.add(line, at, 1, field_limit)?;
                    self.state = State::InQuotedField;
                } else if c == self.delimiter {
                    self.save_field(line, sink)?;
                    self.state = State::StartField;
                } else if c == LF || c == CR || c == EOL {
                    self.save_field(line, sink)?;
                    self.state = if c == EOL { State::StartRecord } else { State::EatCrnl };
                } else if !self.strict {
                    self.add(line, at, 1, field_limit)?;
                    self.state = State::InField;
                } else {
                    return Err(Error::ExpectedAfter { delimiter: self.delimiter, quotechar: self.quotechar }.into());
                }
            }
            State::EatCrnl => {
                if c == LF || c == CR {
                } else if c == EOL {
                    self.state = State::StartRecord;
                } else {
                    return Err(Error::csv(if self.compat.newline_hint_newline_arg {
                        "new-line character seen in unquoted field - do you need to open the file with newline=''?"
                    } else {
                        "new-line character seen in unquoted field - \
                         do you need to open the file in universal-newline mode?"
                    })
                    .into());
                }
            }
        }
        Ok(())
    }

    /// The `START_FIELD` state.
    #[inline]
    fn start_field<T: CodeUnit, E>(
        &mut self,
        line: &[T],
        at: usize,
        c: u32,
        field_limit: isize,
        sink: &mut impl FnMut(FieldValue<'_>) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        self.unquoted_field = true;
        if c == LF || c == CR || c == EOL {
            // An empty field ends the record.
            self.save_field(line, sink)?;
            self.state = if c == EOL { State::StartRecord } else { State::EatCrnl };
        } else if c == self.quotechar {
            self.unquoted_field = false;
            self.state = State::InQuotedField;
        } else if c == self.escapechar {
            self.state = State::EscapedChar;
        } else if c == SPACE && self.skipinitialspace {
            // Skipped.
        } else if c == self.delimiter {
            // An empty field.
            self.save_field(line, sink)?;
        } else {
            if self.quoting == Quoting::NonNumeric {
                self.numeric_field = true;
            }
            self.add(line, at, 1, field_limit)?;
            self.state = State::InField;
        }
        Ok(())
    }

    /// The `IN_FIELD` state (also `AFTER_ESCAPED_CRNL` within a line).
    #[inline]
    fn in_field<T: CodeUnit, E>(
        &mut self,
        line: &[T],
        at: usize,
        c: u32,
        field_limit: isize,
        sink: &mut impl FnMut(FieldValue<'_>) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        if c == LF || c == CR || c == EOL {
            self.save_field(line, sink)?;
            self.state = if c == EOL { State::StartRecord } else { State::EatCrnl };
        } else if c == self.escapechar {
            self.state = State::EscapedChar;
        } else if c == self.delimiter {
            self.save_field(line, sink)?;
            self.state = State::StartField;
        } else {
            self.add(line, at, 1, field_limit)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one record from `lines` (each given to `feed`); the fields as
    /// strings ("f:" for floats, "None"), or the error message.
    fn record(reader: &mut Reader, lines: &[&[u32]], limit: isize) -> Result<Vec<String>, String> {
        reader.reset();
        let mut fields = Vec::new();
        let mut sink = |v: FieldValue<'_>| -> Result<(), ()> {
            fields.push(match v {
                FieldValue::Str(t) => t.to_string_lossy(),
                FieldValue::Float(t) => format!("f:{}", t.to_string_lossy()),
                FieldValue::None => "None".to_owned(),
            });
            Ok(())
        };
        for line in lines {
            match reader.feed_line(line, limit, &mut sink) {
                Ok(false) => continue,
                Ok(true) => return Ok(fields),
                Err(e) => return Err(format!("{e:?}")),
            }
        }
        match reader.finish(&mut sink) {
            Ok(_) => Ok(fields),
            Err(e) => Err(format!("{e:?}")),
        }
    }

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    #[test]
    fn quoted_field_across_lines_of_different_widths() {
        let mut r = Reader::new(&Dialect::default(), Compat::for_version(13, 0));
        r.reset();
        let mut got = Vec::new();
        let mut sink = |v: FieldValue<'_>| -> Result<(), ()> {
            if let FieldValue::Str(t) = v {
                got.push(t.code_points());
            }
            Ok(())
        };
        assert_eq!(r.feed_line(&b"a,\"b\xe9\n"[..], 10, &mut sink), Ok(false));
        assert_eq!(r.feed_line(&[0x20acu16, u16::from(b'"'), u16::from(b'\n')][..], 10, &mut sink), Ok(true));
        assert_eq!(got, [cps("a"), vec![0x62, 0xe9, 0x0a, 0x20ac]]);
    }

    #[test]
    fn text_kind_follows_the_input() {
        let mut r = Reader::new(&Dialect::default(), Compat::for_version(13, 0));
        let mut kinds = Vec::new();
        let mut sink = |v: FieldValue<'_>| -> Result<(), ()> {
            if let FieldValue::Str(t) = v {
                kinds.push(match t {
                    Text::Ucs1(_) => 1,
                    Text::Ucs2(_) => 2,
                    Text::Ucs4(_) => 4,
                });
            }
            Ok(())
        };
        r.reset();
        assert_eq!(r.feed_line(&b"a,b"[..], 10, &mut sink), Ok(true));
        r.reset();
        assert_eq!(r.feed_line(&[0x61u16, 0x2c, 0x20ac][..], 10, &mut sink), Ok(true));
        r.reset();
        assert_eq!(r.feed_line(&[0x61u32, 0x2c, 0x1f600][..], 10, &mut sink), Ok(true));
        // Fields within a line are slices of it.
        assert_eq!(kinds, [1, 1, 2, 2, 4, 4]);
    }

    #[test]
    fn surrogate_dialect_chars() {
        let d = Dialect { delimiter: 0xd800, quotechar: Some(0xdfff), strict: true, ..Dialect::default() };
        let mut r = Reader::new(&d, Compat::for_version(13, 0));
        let line = [0xdfffu16, 0x61, 0xdfff, 0xd800, 0x62];
        assert_eq!(record(&mut r, &[&line.map(u32::from)], 10), Ok(vec!["a".into(), "b".into()]));
        let line = [0xdfffu32, 0x61, 0xdfff, 0x62];
        let mut sink = |_: FieldValue<'_>| -> Result<(), ()> { Ok(()) };
        r.reset();
        assert_eq!(
            r.feed_line(&line[..], 10, &mut sink),
            Err(ReadError::Csv(Error::ExpectedAfter { delimiter: 0xd800, quotechar: 0xdfff }))
        );
    }

    #[test]
    fn field_limits() {
        let mut r = Reader::new(&Dialect::default(), Compat::for_version(13, 0));
        let err = |n: isize| Err(format!("Csv(Csv(\"field larger than field limit ({n})\"))"));
        assert_eq!(record(&mut r, &[&cps("abc")], isize::MAX), Ok(vec!["abc".into()]));
        assert_eq!(record(&mut r, &[&cps("abc")], 3), Ok(vec!["abc".into()]));
        assert_eq!(record(&mut r, &[&cps("abc")], 2), err(2));
        assert_eq!(record(&mut r, &[&cps("\"abc\"")], 2), err(2));
        assert_eq!(record(&mut r, &[&cps(",")], isize::MIN), Ok(vec!["".into(), "".into()]));
        assert_eq!(record(&mut r, &[&cps("a")], isize::MIN), err(isize::MIN));
    }

    #[test]
    fn sink_errors_stop_the_record_and_reset_recovers() {
        let d = Dialect { quoting: Quoting::NonNumeric, ..Dialect::default() };
        let mut r = Reader::new(&d, Compat::for_version(12, 1));
        let mut seen = Vec::new();
        let mut sink = |v: FieldValue<'_>| -> Result<(), &'static str> {
            seen.push(format!("{v:?}"));
            if matches!(v, FieldValue::Float(_)) { Err("ValueError") } else { Ok(()) }
        };
        r.reset();
        assert_eq!(r.feed_line(&b"\"a\",x,\"b\""[..], 10, &mut sink), Err(ReadError::Sink("ValueError")));
        r.reset();
        assert_eq!(r.feed_line(&b"\"c\""[..], 10, &mut sink), Ok(true));
        assert_eq!(seen, ["Str(Ucs1([97]))", "Float(Ucs1([120]))", "Str(Ucs1([99]))"]);
    }

    #[test]
    fn conversions_by_version() {
        let line = cps("1,\"1\",\\1, 1,,\"\"");
        let run = |quoting, minor| {
            let d =
                Dialect { quoting, escapechar: Some(u32::from(b'\\')), skipinitialspace: true, ..Dialect::default() };
            record(&mut Reader::new(&d, Compat::for_version(minor, 0)), &[&line], 100).unwrap()
        };
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (one, e) = ("1", "");
        assert_eq!(run(Quoting::NonNumeric, 12), s(&["f:1", one, one, "f:1", e, e]));
        assert_eq!(run(Quoting::NonNumeric, 13), s(&["f:1", one, "f:1", "f:1", e, e]));
        assert_eq!(run(Quoting::Strings, 12), s(&[one, one, one, one, e, e]));
        assert_eq!(run(Quoting::Strings, 13), s(&["f:1", one, "f:1", "f:1", "None", e]));
        assert_eq!(run(Quoting::NotNull, 13), s(&[one, one, one, one, "None", e]));
    }
}
