//! The string scanner and the scanner against plain transliterations of C
//! (`common/`), on random token soups in every width that holds them and
//! under both version behaviours; the escapers against the string scanner
//! (escaping then scanning gives the string back); the float repr reads
//! back as the float.

mod common;

use common::{in_all_widths, ref_scan, ref_scanstring_got, scan_in, scanstring_in};
use oxpy_json_core::escape::{escape, escape_ascii, escape_ascii_into, escape_into, escaped_ascii_len, escaped_len};
use oxpy_json_core::{CodeUnit, Compat, Event, ScanError, Scanner, Sink, StrBuf, Walked, float_repr, scanstring};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "\"",
    "\\",
    " ",
    "\n",
    "\t",
    "0",
    "1",
    "9",
    "-",
    ".",
    "e",
    "E",
    "+",
    "null",
    "true",
    "false",
    "NaN",
    "Infinity",
    "-Infinity",
    "nul",
    "\"a\"",
    "\"k\":",
    "u",
    "\\u",
    "d83d",
    "\\ude00",
    "\\n",
    "\\x",
    "a",
    "\u{1}",
    "\u{1f}",
    "\u{7f}",
    "é",
    "€",
    "😀",
    "\u{10ffff}",
    "12345678901234567890",
    "0.5e-3",
];

/// Tokens and lone surrogates.
fn soup() -> impl Strategy<Value = Vec<u32>> {
    let token = prop_oneof![
        12 => prop::sample::select(TOKENS).prop_map(|t| t.chars().map(u32::from).collect::<Vec<u32>>()),
        1 => prop::sample::select(&[0xd800u32, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00][..]).prop_map(|c| vec![c]),
    ];
    prop::collection::vec(token, 0..24).prop_map(|v| v.concat())
}

fn compat() -> impl Strategy<Value = Compat> {
    any::<bool>().prop_map(|trailing_comma_error| Compat { trailing_comma_error })
}

fn ascii_of(s: &str) -> Vec<u32> {
    s.chars().map(u32::from).collect()
}

proptest! {
    // 3000 cases unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn scanstring_is_c(body in soup(), end in -1isize..4, strict: bool, quote: bool) {
        let mut s = body;
        if quote {
            s.insert(0, u32::from(b'"'));
        }
        let want = ref_scanstring_got(&s, end, strict);
        let got = in_all_widths(&s, |w| match w {
            1 => scanstring_in::<u8>(&s, end, strict),
            2 => scanstring_in::<u16>(&s, end, strict),
            _ => scanstring_in::<u32>(&s, end, strict),
        });
        prop_assert_eq!(got, want);
    }

    #[test]
    fn scanner_is_c(s in soup(), idx in -1isize..3, strict: bool, compat in compat()) {
        let want = ref_scan(&s, idx, strict, compat);
        let got = in_all_widths(&s, |w| match w {
            1 => scan_in::<u8>(&s, idx, strict, compat),
            2 => scan_in::<u16>(&s, idx, strict, compat),
            _ => scan_in::<u32>(&s, idx, strict, compat),
        });
        prop_assert_eq!(got, want);
    }

    /// Mostly well-formed documents, so that deep values are reached.
    #[test]
    fn scanner_is_c_on_documents(parts in prop::collection::vec(prop::sample::select(&[
        "[", "[", "{\"k\":", "{\"a\" : ", "1", "-0.5e+3", "\"s\\u00e9\"", "null", "NaN", ",", ", ", "]", "}", " ",
        "\"\\ud83d\\ude00\"", "{}", "[]", ",]", ",}",
    ][..]), 0..40), compat in compat()) {
        let s = ascii_of(&parts.concat());
        prop_assert_eq!(scan_in::<u8>(&s, 0, true, compat), Some(ref_scan(&s, 0, true, compat)));
    }

    /// A walk, and `next_event` from where it stops, give the events, end
    /// and errors of `next_event` alone.
    #[test]
    fn walk_is_next_event(s in soup(), idx in -1isize..3, strict: bool, compat in compat()) {
        for got in [
            walk_vs_steps::<u8>(&s, idx, strict, compat),
            walk_vs_steps::<u16>(&s, idx, strict, compat),
            walk_vs_steps::<u32>(&s, idx, strict, compat),
        ].into_iter().flatten() {
            prop_assert_eq!(got, Ok(()));
        }
    }

    #[test]
    fn walk_is_next_event_on_documents(parts in prop::collection::vec(prop::sample::select(&[
        "[", "[", "{\"k\":", "{\"a\" : ", "1", "-0.5e+3", "\"s\\u00e9\"", "null", "true", "false", "NaN", ",",
        ", ", "]", "}", " ", "\n", "\"\\ud83d\\ude00\"", "{}", "[]", ",]", ",}", "12345678901234567890",
    ][..]), 0..40), strict: bool, compat in compat()) {
        let s = ascii_of(&parts.concat());
        prop_assert_eq!(walk_vs_steps::<u8>(&s, 0, strict, compat), Some(Ok(())));
    }

    /// Escaping then scanning gives the string back (but for a lone high
    /// surrogate followed by a lone low one, which the escapes join).
    #[test]
    fn escapes_scan_back(s in prop::collection::vec(prop_oneof![
        4 => 0x20u32..0x80,
        1 => 0u32..0x20,
        1 => 0x80u32..0x800,
        1 => 0xd800u32..0xe000,
        1 => 0x10000u32..0x110000,
    ], 0..80)) {
        let joins = s.windows(2).any(|w| (0xd800..0xdc00).contains(&w[0]) && (0xdc00..0xe000).contains(&w[1]));
        let mut a = Vec::new();
        escape_ascii(&s[..], &mut a).unwrap();
        prop_assert!(a.iter().all(|&b| (0x20..0x7f).contains(&b)));
        prop_assert_eq!(escaped_ascii_len(&s[..]), Some(a.len()));
        let mut buf = StrBuf::new();
        let (text, end) = scanstring(&a[..], 1, true, &mut buf).unwrap();
        prop_assert_eq!(end, a.len());
        if !joins {
            prop_assert_eq!(text.code_points(), s.clone());
        }
        let mut e: Vec<u32> = Vec::new();
        escape(&s[..], &mut e).unwrap();
        prop_assert_eq!(escaped_len(&s[..]), Some(e.len()));
        let (text, end) = scanstring(&e[..], 1, true, &mut buf).unwrap();
        prop_assert_eq!(end, e.len());
        prop_assert_eq!(text.code_points(), s);
    }

    /// The `StrBuf` appenders (with their byte fast path for short latin-1
    /// text) write what the exact-length writers write, in every width.
    #[test]
    fn strbuf_escapes_are_the_writers(s in prop::collection::vec(prop_oneof![
        6 => 0x20u32..0x7f,
        1 => 0u32..0x20,
        1 => 0x7fu32..0x100,
        1 => 0x100u32..0x10000,
    ], 0..60), prefix in 0u32..0x200) {
        let want_ascii = {
            let mut v = vec![0u32; escaped_ascii_len(&s[..]).unwrap()];
            escape_ascii_into(&s[..], &mut v[..]).unwrap();
            v
        };
        let want = {
            let mut v = vec![0u32; escaped_len(&s[..]).unwrap()];
            escape_into(&s[..], &mut v[..]).unwrap();
            v
        };
        // Each width that holds `s`, appended after a character that may
        // widen the buffer first.
        for width in [1, 2, 4] {
            if s.iter().any(|&c| c >= 1 << (8 * width).min(31)) {
                continue;
            }
            for (escaper, want) in [(0, &want_ascii), (1, &want)] {
                let mut buf = StrBuf::new();
                buf.push(prefix).unwrap();
                match (width, escaper) {
                    (1, 0) => buf.push_escaped_ascii(&s.iter().map(|&c| c as u8).collect::<Vec<_>>()[..]),
                    (2, 0) => buf.push_escaped_ascii(&s.iter().map(|&c| c as u16).collect::<Vec<_>>()[..]),
                    (_, 0) => buf.push_escaped_ascii(&s[..]),
                    (1, _) => buf.push_escaped(&s.iter().map(|&c| c as u8).collect::<Vec<_>>()[..]),
                    (2, _) => buf.push_escaped(&s.iter().map(|&c| c as u16).collect::<Vec<_>>()[..]),
                    (_, _) => buf.push_escaped(&s[..]),
                }
                .unwrap();
                let got = buf.text().code_points();
                prop_assert_eq!(got.first(), Some(&prefix));
                prop_assert_eq!(&got[1..], &want[..]);
            }
        }
    }

    #[test]
    fn float_repr_reads_back(bits: u64) {
        let x = f64::from_bits(bits);
        let r = float_repr(x);
        if x.is_finite() {
            let back: f64 = r.as_str().parse().unwrap();
            prop_assert_eq!(back.to_bits(), x.to_bits(), "{}", r);
            prop_assert!(r.as_str().contains('.') || r.as_str().contains('e'));
        } else {
            prop_assert!(["nan", "inf", "-inf"].contains(&r.as_str()));
        }
    }
}

/// Collects a walk's events.
struct Events(Vec<String>);

impl<T: CodeUnit> Sink<T> for Events {
    type Error = ();
    fn event(&mut self, event: Event<'_, T>) -> Result<(), ()> {
        self.0.push(format!("{event:?}"));
        Ok(())
    }
}

/// The events of `next_event` on `scanner` to the end, then the end or
/// the error.
fn steps<T: CodeUnit>(scanner: &mut Scanner<'_, T>, events: &mut Vec<String>) -> Result<usize, ScanError> {
    while let Some(event) = scanner.next_event()? {
        events.push(format!("{event:?}"));
    }
    Ok(scanner.end())
}

/// `Ok` if a walk (and `next_event` after it, if it stopped) gives the
/// events and outcome of `next_event` alone on `s` as units of `T`, else
/// both (`None` if `T` does not hold `s`).
fn walk_vs_steps<T: CodeUnit + TryFrom<u32>>(
    s: &[u32],
    idx: isize,
    strict: bool,
    compat: Compat,
) -> Option<Result<(), String>> {
    let s: Vec<T> = common::units(s)?;
    let mut walked = Events(Vec::new());
    let mut scanner = Scanner::new(&s[..], idx, strict, compat);
    let how = scanner.walk(&mut walked).ok()?;
    let got = match how {
        Walked::Done => Ok(scanner.end()),
        Walked::Stopped => steps(&mut scanner, &mut walked.0),
    };
    let mut want_events = Vec::new();
    let want = steps(&mut Scanner::new(&s[..], idx, strict, compat), &mut want_events);
    Some(if got == want && walked.0 == want_events {
        Ok(())
    } else {
        Err(format!("walk ({how:?}) then steps: {got:?} {:?}; steps: {want:?} {want_events:?}", walked.0))
    })
}
