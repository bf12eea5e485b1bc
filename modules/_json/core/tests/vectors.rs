//! The string scanner, the scanner, the number conversions, both escapers
//! and the float repr against the results of CPython's C `_json` (see
//! `c_vectors/gen.py`) for 3.11, 3.12 and 3.13, each input given in every
//! width that holds it.

#[rustfmt::skip]
mod c_vectors;
mod common;

use common::{Got, ref_scan, ref_scanstring_got, scan_in, scanstring_in, units};
use oxpy_json_core::escape::{escape, escape_ascii, escape_ascii_into, escape_into, escaped_ascii_len, escaped_len};
use oxpy_json_core::{CodeUnit, Compat, Event, Kind, ScanError, Scanner, StrBuf, Text, float_repr};

/// A result of C: the value (scanstring: the string; scanner: the canonical
/// form) and the end; a `JSONDecodeError`'s message and pos; a
/// `StopIteration`'s value; a `ValueError`'s message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum R {
    Ok(&'static str, usize),
    Dec(&'static str, isize),
    Stop(usize),
    Val(&'static str),
}

/// What the default scanner makes of a number: an int (decimal) or a float
/// (bits), and the end; or `StopIteration`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(&'static str, usize),
    Float(u64, usize),
    NoNumber(usize),
}

const VERSIONS: [(u8, Compat); 3] =
    [(0b001, Compat::for_version(11, 7)), (0b010, Compat::for_version(12, 1)), (0b100, Compat::for_version(13, 0))];

/// The code points of a vector's literal (plane-15 stand-ins back to lone
/// surrogates).
fn cps(s: &str) -> Vec<u32> {
    s.chars()
        .map(|c| {
            let c = u32::from(c);
            if (0xf0000..0xf0800).contains(&c) { 0xd800 + (c - 0xf0000) } else { c }
        })
        .collect()
}

fn want(r: R) -> Got {
    match r {
        R::Ok(s, end) => Got::Ok(cps(s), end),
        R::Dec(msg, pos) => Got::Err(ScanError::Decode { msg, pos }),
        R::Stop(pos) => Got::Err(ScanError::StopIteration(pos)),
        R::Val(msg) => Got::Err(ScanError::Value(msg)),
    }
}

#[test]
fn scanstring_matches_c() {
    let mut checked = 0;
    for &(s, end, strict, results) in c_vectors::SCANSTRING {
        let s = cps(s);
        for &(mask, r) in results {
            assert_eq!(mask, 0b111, "scanstring differs between versions: {s:x?}");
            let want = want(r);
            assert_eq!(ref_scanstring_got(&s, end, strict), want, "reference");
            for got in [
                scanstring_in::<u8>(&s, end, strict),
                scanstring_in::<u16>(&s, end, strict),
                scanstring_in::<u32>(&s, end, strict),
            ]
            .into_iter()
            .flatten()
            {
                assert_eq!(got, want, "scanstring({s:x?}, {end}, {strict})");
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "{checked}");
}

#[test]
fn scanner_matches_c() {
    let mut checked = 0;
    let mut differ = 0;
    for &(s, idx, strict, results) in c_vectors::SCAN {
        let s = cps(s);
        if results.len() > 1 {
            differ += 1;
        }
        for &(mask, r) in results {
            let want = want(r);
            for (bit, compat) in VERSIONS {
                if mask & bit == 0 {
                    continue;
                }
                assert_eq!(ref_scan(&s, idx, strict, compat), want, "reference");
                for got in [
                    scan_in::<u8>(&s, idx, strict, compat),
                    scan_in::<u16>(&s, idx, strict, compat),
                    scan_in::<u32>(&s, idx, strict, compat),
                ]
                .into_iter()
                .flatten()
                {
                    assert_eq!(
                        got,
                        want,
                        "scan_once({:?}, {idx}) strict={strict} {compat:?}",
                        Text::Ucs4(&s).to_string_lossy()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 9000, "{checked}");
    assert!(differ > 20, "{differ}");
}

/// The scanner is resumable after an error only to say it is done.
#[test]
fn scanner_after_error() {
    let s = b"[1,x]";
    let mut sc = Scanner::new(&s[..], 0, true, Compat::for_version(13, 0));
    assert_eq!(sc.next_event(), Ok(Some(Event::StartArray)));
    assert!(matches!(sc.next_event(), Ok(Some(Event::Number(_)))));
    assert_eq!(sc.next_event(), Err(ScanError::StopIteration(3)));
    assert_eq!(sc.next_event(), Ok(None));
    sc.reset(&s[..2], 0, true, Compat::for_version(13, 0));
    assert_eq!(sc.next_event(), Ok(Some(Event::StartArray)));
    assert_eq!(sc.depth(), 1);
}

fn number_in<T: CodeUnit + TryFrom<u32>>(s: &[u32], want: Num) {
    let Some(s) = units::<T>(s) else { return };
    let mut sc = Scanner::new(&s[..], 0, true, Compat::for_version(13, 0));
    let ev = sc.next_event();
    let (bits, int) = match ev {
        Err(e) => {
            assert_eq!(
                Num::NoNumber(match e {
                    ScanError::StopIteration(p) => p,
                    e => panic!("{e:?}"),
                }),
                want
            );
            return;
        }
        Ok(Some(Event::Number(n))) => {
            if n.is_float() {
                assert_eq!(n.to_i64(), None);
                (Some(n.to_f64().to_bits()), None)
            } else {
                let text = String::from_utf8(n.ascii().into_owned()).unwrap();
                let dec = match n.to_i64() {
                    Some(v) => {
                        assert!(text.trim_start_matches('-').len() <= 18);
                        v.to_string()
                    }
                    None => {
                        assert!(text.trim_start_matches('-').len() > 18);
                        text
                    }
                };
                assert_eq!(n.to_f64(), dec.parse::<f64>().unwrap());
                (None, Some(dec))
            }
        }
        Ok(Some(Event::Constant(c))) => (Some(c.value().to_bits()), None),
        other => panic!("{other:?}"),
    };
    assert_eq!(sc.next_event(), Ok(None));
    let end = sc.end();
    match want {
        Num::Int(dec, e) => assert_eq!((int.as_deref(), end), (Some(dec), e)),
        Num::Float(b, e) => assert_eq!((bits, end), (Some(b), e), "{:?}", Text::of(&s[..]).to_string_lossy()),
        Num::NoNumber(_) => panic!("scanned a number where C has none"),
    }
}

#[test]
fn numbers_match_c() {
    for &(s, want) in c_vectors::NUMBERS {
        let s = cps(s);
        number_in::<u8>(&s, want);
        number_in::<u16>(&s, want);
        number_in::<u32>(&s, want);
    }
    assert!(c_vectors::NUMBERS.len() > 500);
}

fn escapes_in<T: CodeUnit + TryFrom<u32> + Into<u32>>(s: &[u32], want_ascii: &[u32], want: &[u32])
where
    u32: From<T>,
{
    let Some(s) = units::<T>(s) else { return };
    let mut out = b"x".to_vec();
    escape_ascii(&s[..], &mut out).unwrap();
    assert_eq!(out[0], b'x');
    assert_eq!(out[1..].iter().map(|&c: &u8| c as u32).collect::<Vec<_>>(), want_ascii);
    assert_eq!(escaped_ascii_len(&s[..]), Some(want_ascii.len()));
    let mut exact = vec![0u8; want_ascii.len()];
    assert_eq!(escape_ascii_into(&s[..], &mut exact[..]), Some(want_ascii.len()));
    assert_eq!(exact, out[1..]);
    assert_eq!(escape_ascii_into(&s[..], &mut exact[..want_ascii.len() - 1]), None);

    let mut wide: Vec<u32> = Vec::new();
    escape(&s[..], &mut wide).unwrap();
    assert_eq!(wide, want);
    let mut same: Vec<T> = Vec::new();
    escape(&s[..], &mut same).unwrap();
    assert_eq!(same.iter().map(|&c| c.into()).collect::<Vec<u32>>(), want);
    assert_eq!(escaped_len(&s[..]), Some(want.len()));
    let mut exact = vec![0u32; want.len()];
    assert_eq!(escape_into(&s[..], &mut exact[..]), Some(want.len()));
    assert_eq!(exact, want);

    let mut buf = StrBuf::new();
    buf.push_escaped_ascii(&s[..]).unwrap();
    assert_eq!(buf.kind(), Kind::Ucs1);
    buf.push_escaped(&s[..]).unwrap();
    assert_eq!(buf.kind(), T::KIND);
    let mut both = want_ascii.to_vec();
    both.extend_from_slice(want);
    assert_eq!(buf.text().code_points(), both);
}

#[test]
fn escapes_match_c() {
    for &(s, a, e) in c_vectors::ESCAPES {
        let (s, a, e) = (cps(s), cps(a), cps(e));
        escapes_in::<u8>(&s, &a, &e);
        escapes_in::<u16>(&s, &a, &e);
        escapes_in::<u32>(&s, &a, &e);
    }
    assert!(c_vectors::ESCAPES.len() > 1000);
}

#[test]
fn float_repr_matches_python() {
    for &(bits, want) in c_vectors::FLOAT_REPR {
        assert_eq!(float_repr(f64::from_bits(bits)).as_str(), want, "{bits:#x}");
    }
    assert!(c_vectors::FLOAT_REPR.len() > 2000);
}
