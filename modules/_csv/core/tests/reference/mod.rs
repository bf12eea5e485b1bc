//! Plain transliterations of C's reader and writer (one character at a time,
//! UCS-4 buffers, the writer's two passes), for the property tests.

use oxpy_csv_core::{Compat, Dialect, FieldKind, Quoting};

const NOT_SET: u32 = u32::MAX;
const EOL: u32 = u32::MAX - 1;
const CR: u32 = b'\r' as u32;
const LF: u32 = b'\n' as u32;

/// A field as the reader reports it: 0 str, 1 float, 2 None.
pub type Field = (u8, Vec<u32>);

/// What one `next()` gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    Row(Vec<Field>, usize),
    /// `_csv.Error` (message as code points), or the sink's error.
    Error(Vec<u32>, usize),
    Stop(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum S {
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

struct R<'a> {
    d: &'a Dialect,
    compat: Compat,
    limit: isize,
    state: S,
    field: Vec<u32>,
    fields: Vec<Field>,
    unquoted: bool,
    numeric: bool,
    /// The sink fails on float fields that hold this character.
    fail_on: u32,
}

fn msg(s: &str) -> Vec<u32> {
    s.chars().map(u32::from).collect()
}

impl R<'_> {
    fn quote(&self) -> u32 {
        if self.d.quoting == Quoting::None { NOT_SET } else { self.d.quotechar.unwrap_or(NOT_SET) }
    }

    fn esc(&self) -> u32 {
        self.d.escapechar.unwrap_or(NOT_SET)
    }

    fn save(&mut self) -> Result<(), Vec<u32>> {
        let q = self.d.quoting;
        let kind = if self.compat.reader_unquoted_field {
            if self.unquoted && self.field.is_empty() && matches!(q, Quoting::NotNull | Quoting::Strings) {
                2
            } else if self.unquoted && !self.field.is_empty() && matches!(q, Quoting::NonNumeric | Quoting::Strings) {
                1
            } else {
                0
            }
        } else if self.numeric {
            1
        } else {
            0
        };
        self.numeric = false;
        let f = std::mem::take(&mut self.field);
        if kind == 1 && f.contains(&self.fail_on) {
            return Err(msg("sink"));
        }
        self.fields.push((kind, if kind == 2 { Vec::new() } else { f }));
        Ok(())
    }

    fn add(&mut self, c: u32) -> Result<(), Vec<u32>> {
        if self.field.len() as i128 >= self.limit as i128 {
            return Err(msg(&format!("field larger than field limit ({})", self.limit)));
        }
        self.field.push(c);
        Ok(())
    }

    fn process(&mut self, c: u32) -> Result<(), Vec<u32>> {
        let d = self.d;
        let (quote, esc) = (self.quote(), self.esc());
        let mut state = self.state;
        if state == S::StartRecord {
            if c == EOL {
                return Ok(());
            } else if c == LF || c == CR {
                self.state = S::EatCrnl;
                return Ok(());
            }
            state = S::StartField;
            self.state = S::StartField;
        }
        if state == S::AfterEscapedCrnl {
            if c == EOL {
                return Ok(());
            }
            state = S::InField;
        }
        match state {
            S::StartField => {
                self.unquoted = true;
                if c == LF || c == CR || c == EOL {
                    self.save()?;
                    self.state = if c == EOL { S::StartRecord } else { S::EatCrnl };
                } else if c == quote {
                    self.unquoted = false;
                    self.state = S::InQuotedField;
                } else if c == esc {
                    self.state = S::EscapedChar;
                } else if c == u32::from(b' ') && d.skipinitialspace {
                } else if c == d.delimiter {
                    self.save()?;
                } else {
                    if d.quoting == Quoting::NonNumeric {
                        self.numeric = true;
                    }
                    self.add(c)?;
                    self.state = S::InField;
                }
            }
            S::EscapedChar => {
                if c == LF || c == CR {
                    self.add(c)?;
                    self.state = S::AfterEscapedCrnl;
                } else {
                    self.add(if c == EOL { LF } else { c })?;
                    self.state = S::InField;
                }
            }
            S::InField => {
                if c == LF || c == CR || c == EOL {
                    self.save()?;
                    self.state = if c == EOL { S::StartRecord } else { S::EatCrnl };
                } else if c == esc {
                    self.state = S::EscapedChar;
                } else if c == d.delimiter {
                    self.save()?;
                    self.state = S::StartField;
                } else {
                    self.add(c)?;
                }
            }
            S::InQuotedField => {
                if c == EOL {
                } else if c == esc {
                    self.state = S::EscapeInQuotedField;
                } else if c == quote {
                    self.state = if d.doublequote { S::QuoteInQuotedField } else { S::InField };
                } else {
                    self.add(c)?;
                }
            }
            S::EscapeInQuotedField => {
                self.add(if c == EOL { LF } else { c })?;
                self.state = S::InQuotedField;
            }
            S::QuoteInQuotedField => {
                if c == quote {
                    self.add(c)?;
                    self.state = S::InQuotedField;
                } else if c == d.delimiter {
                    self.save()?;
                    self.state = S::StartField;
                } else if c == LF || c == CR || c == EOL {
                    self.save()?;
                    self.state = if c == EOL { S::StartRecord } else { S::EatCrnl };
                } else if !d.strict {
                    self.add(c)?;
                    self.state = S::InField;
                } else {
                    let mut m = vec![u32::from(b'\''), d.delimiter];
                    m.extend(msg("' expected after '"));
                    m.extend([quote, u32::from(b'\'')]);
                    return Err(m);
                }
            }
            S::EatCrnl => {
                if c == LF || c == CR {
                } else if c == EOL {
                    self.state = S::StartRecord;
                } else if self.compat.newline_hint_newline_arg {
                    return Err(msg(
                        "new-line character seen in unquoted field - do you need to open the file with newline=''?",
                    ));
                } else {
                    return Err(msg(
                        "new-line character seen in unquoted field - do you need to open the file in universal-newline mode?",
                    ));
                }
            }
            S::StartRecord | S::AfterEscapedCrnl => unreachable!(),
        }
        Ok(())
    }
}

/// The records of `lines` as C's `__next__` gives them, up to 50 calls.
pub fn read(lines: &[Vec<u32>], d: &Dialect, compat: Compat, limit: isize, fail_on: u32) -> Vec<Next> {
    let mut r = R {
        d,
        compat,
        limit,
        state: S::StartRecord,
        field: Vec::new(),
        fields: Vec::new(),
        unquoted: false,
        numeric: false,
        fail_on,
    };
    let mut it = lines.iter();
    let mut line_num = 0;
    let mut out = Vec::new();
    for _ in 0..50 {
        r.state = S::StartRecord;
        r.field.clear();
        r.fields.clear();
        r.unquoted = false;
        r.numeric = false;
        let result = loop {
            let Some(line) = it.next() else {
                if !r.field.is_empty() || r.state == S::InQuotedField {
                    if d.strict {
                        break Err(msg("unexpected end of data"));
                    }
                    break r.save().map(|()| true);
                }
                break Ok(false);
            };
            line_num += 1;
            let fed = line.iter().chain(&[EOL]).try_for_each(|&c| r.process(c));
            match fed {
                Ok(()) if r.state != S::StartRecord => continue,
                Ok(()) => break Ok(true),
                Err(e) => break Err(e),
            }
        };
        match result {
            Ok(true) => out.push(Next::Row(std::mem::take(&mut r.fields), line_num)),
            Ok(false) => {
                out.push(Next::Stop(line_num));
                break;
            }
            Err(e) => out.push(Next::Error(e, line_num)),
        }
    }
    out
}

/// C's `writerow`: the line, or the error message.
pub fn write_row(row: &[(FieldKind, Vec<u32>)], d: &Dialect, compat: Compat) -> Result<Vec<u32>, String> {
    let quote = d.quotechar.unwrap_or(NOT_SET);
    let esc = d.escapechar.unwrap_or(NOT_SET);
    let mut rec: Vec<u32> = Vec::new();
    let mut num_fields = 0;
    let mut null_field = false;

    // join_append_data's two passes: the length (and errors), then the copy.
    let append_data = |rec: &mut Vec<u32>, num_fields: usize, field: &[u32], quoted: &mut bool, copy: bool| {
        let mut out: Vec<u32> = Vec::new();
        if num_fields > 0 {
            out.push(d.delimiter);
        }
        if copy && *quoted {
            out.push(quote);
        }
        for &c in field {
            let mut want_escape = false;
            let special = c == d.delimiter
                || c == esc
                || c == quote
                || (compat.writer_quotes_cr_lf && (c == LF || c == CR))
                || d.lineterminator.contains(&c);
            if special {
                if d.quoting == Quoting::None {
                    want_escape = true;
                } else {
                    if c == quote {
                        if d.doublequote {
                            out.push(quote);
                        } else {
                            want_escape = true;
                        }
                    } else if c == esc {
                        want_escape = true;
                    }
                    if !want_escape {
                        *quoted = true;
                    }
                }
                if want_escape {
                    if esc == NOT_SET {
                        return Err("need to escape, but no escapechar set".to_owned());
                    }
                    out.push(esc);
                }
            }
            out.push(c);
        }
        if *quoted {
            if copy {
                out.push(quote);
            } else {
                out.extend([0, 0]);
            }
        }
        if copy {
            rec.extend(out);
        }
        Ok(())
    };
    let join_append = |rec: &mut Vec<u32>, num_fields: &mut usize, field: &[u32], null: bool, mut quoted: bool| {
        if field.is_empty()
            && compat.writer_space_delimiter_rules
            && d.delimiter == u32::from(b' ')
            && d.skipinitialspace
        {
            if d.quoting == Quoting::None || (null && matches!(d.quoting, Quoting::Strings | Quoting::NotNull)) {
                return Err(
                    "empty field must be quoted if delimiter is a space and skipinitialspace is true".to_owned()
                );
            }
            quoted = true;
        }
        append_data(rec, *num_fields, field, &mut quoted, false)?;
        append_data(rec, *num_fields, field, &mut quoted, true)?;
        *num_fields += 1;
        Ok(())
    };
    for (kind, text) in row {
        let quoted = match d.quoting {
            Quoting::NonNumeric => !matches!(kind, FieldKind::Number | FieldKind::NumericStr),
            Quoting::All => true,
            Quoting::Strings => matches!(kind, FieldKind::Str | FieldKind::NumericStr),
            Quoting::NotNull => *kind != FieldKind::None,
            _ => false,
        };
        null_field = *kind == FieldKind::None;
        let text: &[u32] = if null_field { &[] } else { text };
        join_append(&mut rec, &mut num_fields, text, null_field, quoted)?;
    }
    if num_fields > 0 && rec.is_empty() {
        if d.quoting == Quoting::None
            || (compat.writer_space_delimiter_rules
                && null_field
                && matches!(d.quoting, Quoting::Strings | Quoting::NotNull))
        {
            return Err("single empty field record must be quoted".to_owned());
        }
        num_fields -= 1;
        join_append(&mut rec, &mut num_fields, &[], true, true)?;
    }
    rec.extend(&d.lineterminator);
    Ok(rec)
}
