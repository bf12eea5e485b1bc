//! The reader, the writer and the dialect checks against the results of
//! CPython's C `_csv` (see `c_vectors/gen.py`), driven as the glue drives
//! them, for 3.11, 3.12 and 3.13.

#[rustfmt::skip]
mod c_vectors;

use oxpy_csv_core::{
    Compat, Dialect, DialectArgs, DialectError, FieldKind, FieldValue, ReadError, Reader, Text, Writer,
};

/// A dialect keyword argument holding a character: absent, `None`, a char.
#[derive(Clone, Copy, Debug)]
pub enum Ch {
    A,
    Z,
    C(char),
}
use Ch::*;

/// Dialect keywords: delimiter, quotechar, escapechar, doublequote,
/// skipinitialspace, strict (-1 absent, 0, 1), quoting,
/// lineterminator (absent, `None`, a string).
#[derive(Clone, Copy, Debug)]
pub struct Kw(pub Ch, pub Ch, pub Ch, pub i8, pub i8, pub i8, pub Option<i32>, pub Option<Option<&'static str>>);

/// What `_csv.Dialect(**kw)` gave: its delimiter, quotechar, escapechar,
/// doublequote, skipinitialspace, strict, quoting, lineterminator; or the
/// exception.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DialectEv {
    Valid(char, Option<char>, Option<char>, bool, bool, bool, i32, &'static str),
    Invalid(&'static str, &'static str),
}

/// A field of a record read: str, float (Python's repr), None.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum F {
    S(&'static str),
    F(&'static str),
    N,
}

/// What `next(reader)` gave: a record and `line_num`, an exception (type,
/// message; empty for float()'s ValueError) and `line_num`, StopIteration
/// and `line_num`, or the dialect's exception.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReadEv {
    Row(&'static [F], u64),
    RErr(&'static str, &'static str, u64),
    Stop(u64),
    RDialect(&'static str, &'static str),
}

/// What `writerow` gave: the line written, an exception, the dialect's
/// exception.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WriteEv {
    Line(&'static str),
    WErr(&'static str, &'static str),
    WDialect(&'static str, &'static str),
}

/// A field to write: str, None, a number (its str()), another object (its
/// str()), a str subclass that is a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum K {
    S,
    N,
    I,
    O,
    NS,
}

const VERSIONS: [(u8, Compat); 3] =
    [(0b001, Compat::for_version(11, 7)), (0b010, Compat::for_version(12, 1)), (0b100, Compat::for_version(13, 0))];

fn dialect(kw: Kw, compat: Compat) -> Result<Dialect, (&'static str, String)> {
    let Kw(delimiter, quotechar, escapechar, doublequote, skipinitialspace, strict, quoting, lineterminator) = kw;
    let mut args = DialectArgs::default();
    let ch = |c: Ch, dflt: Option<u32>| match c {
        A => dflt,
        Z => None,
        C(c) => Some(u32::from(c)),
    };
    let b = |v: i8, dflt: bool| if v < 0 { dflt } else { v == 1 };
    if let C(c) = delimiter {
        args.delimiter = u32::from(c);
    }
    args.quotechar = ch(quotechar, args.quotechar);
    args.escapechar = ch(escapechar, args.escapechar);
    args.doublequote = b(doublequote, args.doublequote);
    args.skipinitialspace = b(skipinitialspace, args.skipinitialspace);
    args.strict = b(strict, args.strict);
    args.quoting = quoting;
    if let Some(lt) = lineterminator {
        args.lineterminator = lt.map(|lt| lt.chars().map(u32::from).collect());
    }
    args.validate(compat).map_err(|e| match e {
        DialectError::Type(m) => ("TypeError", m),
        DialectError::Value(m) => ("ValueError", m),
    })
}

fn string(text: Text<'_>) -> String {
    text.to_string_lossy()
}

/// Python's `float(str)` for the vectors' alphabet: strip whitespace, parse,
/// and Python's repr of the result.
fn py_float(s: &str) -> Option<String> {
    let s = s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    if s.is_empty() || s.contains(|c: char| !(c.is_ascii_digit() || c == '.')) {
        return None;
    }
    s.parse::<f64>().ok().map(|f| format!("{f:?}"))
}

/// A field as the vectors show it (floats leaked: a test's few strings).
#[derive(Debug, PartialEq)]
enum Got {
    S(String),
    F(String),
    N,
}

/// Runs the reader over `lines` as the glue's `__next__` loop does, each
/// line given as `unit(i)`: 1, 2 or 4 bytes per character.
fn read(lines: &[&str], d: &Dialect, compat: Compat, limit: Option<isize>, unit: impl Fn(usize) -> u8) -> Vec<String> {
    let limit = limit.unwrap_or(131072);
    let mut reader = Reader::new(d, compat);
    let mut lines_iter = lines.iter().enumerate();
    let mut line_num = 0;
    let mut out = Vec::new();
    for _ in 0..50 {
        reader.reset();
        let mut fields: Vec<Got> = Vec::new();
        let mut sink = |v: FieldValue<'_>| -> Result<(), ()> {
            fields.push(match v {
                FieldValue::Str(t) => Got::S(string(t)),
                FieldValue::Float(t) => Got::F(py_float(&string(t)).ok_or(())?),
                FieldValue::None => Got::N,
            });
            Ok(())
        };
        let result = loop {
            let Some((i, line)) = lines_iter.next() else {
                break reader.finish(&mut sink);
            };
            line_num += 1;
            let cps: Vec<u32> = line.chars().map(u32::from).collect();
            let max = cps.iter().copied().max().unwrap_or(0);
            let r = match unit(i) {
                1 if max < 0x100 => {
                    reader.feed_line(&cps.iter().map(|&c| c as u8).collect::<Vec<_>>(), limit, &mut sink)
                }
                1 | 2 if max < 0x1_0000 => {
                    reader.feed_line(&cps.iter().map(|&c| c as u16).collect::<Vec<_>>(), limit, &mut sink)
                }
                _ => reader.feed_line(&cps, limit, &mut sink),
            };
            match r {
                Ok(false) => continue,
                r => break r,
            }
        };
        out.push(match result {
            Ok(true) => format!("row {fields:?} {line_num}"),
            Ok(false) => {
                out.push(format!("stop {line_num}"));
                break;
            }
            Err(ReadError::Sink(())) => format!("err ValueError  {line_num}"),
            Err(ReadError::Csv(e)) => {
                let msg: String = e.message_code_points().into_iter().map(|c| char::from_u32(c).unwrap()).collect();
                format!("err Error {msg} {line_num}")
            }
        });
    }
    out
}

fn expected_read(events: &[ReadEv]) -> Vec<String> {
    events
        .iter()
        .map(|e| match *e {
            ReadEv::Row(fields, n) => {
                let fields: Vec<Got> = fields
                    .iter()
                    .map(|f| match *f {
                        F::S(s) => Got::S(s.to_owned()),
                        F::F(s) => Got::F(s.to_owned()),
                        F::N => Got::N,
                    })
                    .collect();
                format!("row {fields:?} {n}")
            }
            ReadEv::RErr(t, m, n) => format!("err {t} {m} {n}"),
            ReadEv::Stop(n) => format!("stop {n}"),
            ReadEv::RDialect(t, m) => format!("dialect {t} {m}"),
        })
        .collect()
}

#[test]
fn reader_matches_c() {
    let mut checked = 0;
    for &(lines, kw, limit, expected) in c_vectors::READ {
        for (bit, compat) in VERSIONS {
            let events = expected.iter().find(|(mask, _)| mask & bit != 0).unwrap().1;
            let want = expected_read(events);
            let d = match dialect(kw, compat) {
                Ok(d) => d,
                Err((t, m)) => {
                    assert_eq!(vec![format!("dialect {t} {m}")], want, "{lines:?} {kw:?} {compat:?}");
                    continue;
                }
            };
            // Every line as narrow as it can be, every line UCS-4, and mixed.
            let units: [&dyn Fn(usize) -> u8; 4] = [&|_| 1, &|_| 2, &|_| 4, &|i| [1, 4, 2][i % 3]];
            for unit in units {
                let got = read(lines, &d, compat, limit, unit);
                assert_eq!(got, want, "{lines:?} {kw:?} limit {limit:?} {compat:?}");
            }
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

fn write(rows: &[&[(K, &str)]], d: &Dialect, compat: Compat, wide: bool) -> Vec<String> {
    let mut w = Writer::new(d, compat);
    let mut out = Vec::new();
    for row in rows {
        w.begin_record();
        let r = row.iter().try_for_each(|&(k, s)| {
            let kind = match k {
                K::S => FieldKind::Str,
                K::N => FieldKind::None,
                K::I => FieldKind::Number,
                K::O => FieldKind::Other,
                K::NS => FieldKind::NumericStr,
            };
            let cps: Vec<u32> = s.chars().map(u32::from).collect();
            if !wide && cps.iter().all(|&c| c < 0x100) {
                w.append_field(&cps.iter().map(|&c| c as u8).collect::<Vec<_>>(), kind)
            } else {
                w.append_field(&cps, kind)
            }
        });
        out.push(match r.and_then(|()| w.finish_record().map(string)) {
            Ok(line) => format!("ok {line}"),
            Err(e) => format!("err Error {e}"),
        });
    }
    out
}

#[test]
fn writer_matches_c() {
    let mut checked = 0;
    for &(rows, kw, expected) in c_vectors::WRITE {
        for (bit, compat) in VERSIONS {
            let events = expected.iter().find(|(mask, _)| mask & bit != 0).unwrap().1;
            let want: Vec<String> = events
                .iter()
                .map(|e| match *e {
                    WriteEv::Line(s) => format!("ok {s}"),
                    WriteEv::WErr(t, m) => format!("err {t} {m}"),
                    WriteEv::WDialect(t, m) => format!("dialect {t} {m}"),
                })
                .collect();
            let d = match dialect(kw, compat) {
                Ok(d) => d,
                Err((t, m)) => {
                    assert_eq!(vec![format!("dialect {t} {m}")], want, "{rows:?} {kw:?} {compat:?}");
                    continue;
                }
            };
            for wide in [false, true] {
                assert_eq!(write(rows, &d, compat, wide), want, "{rows:?} {kw:?} {compat:?}");
            }
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

#[test]
fn dialect_matches_c() {
    let ch = |c: u32| char::from_u32(c).unwrap();
    for &(kw, expected) in c_vectors::DIALECT {
        for (bit, compat) in VERSIONS {
            let want = expected.iter().find(|(mask, _)| mask & bit != 0).unwrap().1[0];
            let got = match dialect(kw, compat) {
                Ok(d) => DialectEv::Valid(
                    ch(d.delimiter),
                    d.quotechar.map(ch),
                    d.escapechar.map(ch),
                    d.doublequote,
                    d.skipinitialspace,
                    d.strict,
                    d.quoting as i32,
                    d.lineterminator.iter().map(|&c| ch(c)).collect::<String>().leak(),
                ),
                Err((t, m)) => DialectEv::Invalid(t, m.leak()),
            };
            assert_eq!(got, want, "{kw:?} {compat:?}");
        }
    }
}
