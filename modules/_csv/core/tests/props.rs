//! The reader and the writer against plain transliterations of C
//! (`reference/`), on random dialects (any combination of the version
//! flags), lines fed in any of the three widths, field limits, and a field
//! callback that fails.

mod reference;

use oxpy_csv_core::{Compat, Dialect, FieldKind, FieldValue, ReadError, Reader, Text, Writer};
use proptest::prelude::*;
use reference::Next;

const POOL: &[u32] = &[
    b',' as u32,
    b';' as u32,
    b'"' as u32,
    b'\'' as u32,
    b'\\' as u32,
    b' ' as u32,
    b'\r' as u32,
    b'\n' as u32,
    0,
    b'a' as u32,
    b'1' as u32,
    b'.' as u32,
    0xe9,
    0xff,
    0x20ac,
    0xd800,
    0x1f600,
    0x10ffff,
];

fn pool_char() -> impl Strategy<Value = u32> {
    prop::sample::select(POOL)
}

fn text() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(prop_oneof![3 => pool_char(), 1 => Just(u32::from(b'a'))], 0..12)
}

fn compat() -> impl Strategy<Value = Compat> {
    prop::array::uniform6(any::<bool>()).prop_map(|f| Compat {
        quote_strings_notnull: f[0],
        reader_unquoted_field: f[1],
        newline_hint_newline_arg: f[2],
        writer_quotes_cr_lf: f[3],
        writer_space_delimiter_rules: f[4],
        dialect_char_checks: f[5],
    })
}

fn dialect() -> impl Strategy<Value = Dialect> {
    (
        pool_char(),
        prop::option::of(pool_char()),
        prop::option::of(pool_char()),
        any::<[bool; 3]>(),
        0..6u8,
        prop::collection::vec(pool_char(), 0..3),
    )
        .prop_map(
            |(delimiter, quotechar, escapechar, [doublequote, skipinitialspace, strict], q, lineterminator)| {
                let quoting = [
                    oxpy_csv_core::Quoting::Minimal,
                    oxpy_csv_core::Quoting::All,
                    oxpy_csv_core::Quoting::NonNumeric,
                    oxpy_csv_core::Quoting::None,
                    oxpy_csv_core::Quoting::Strings,
                    oxpy_csv_core::Quoting::NotNull,
                ][usize::from(q)];
                // As C's validation leaves it: no quotechar means QUOTE_NONE.
                let quoting = if quotechar.is_none() { oxpy_csv_core::Quoting::None } else { quoting };
                Dialect {
                    delimiter,
                    quotechar,
                    escapechar,
                    doublequote,
                    skipinitialspace,
                    strict,
                    quoting,
                    lineterminator,
                }
            },
        )
}

/// `cps` in the narrowest width (`wide` = 0), or wider.
fn feed(
    reader: &mut Reader,
    cps: &[u32],
    wide: u8,
    limit: isize,
    sink: impl FnMut(FieldValue<'_>) -> Result<(), ()>,
) -> Result<bool, ReadError<()>> {
    let max = cps.iter().copied().max().unwrap_or(0);
    if wide == 0 && max < 0x100 {
        reader.feed_line(&cps.iter().map(|&c| c as u8).collect::<Vec<_>>(), limit, sink)
    } else if wide <= 1 && max < 0x1_0000 {
        reader.feed_line(&cps.iter().map(|&c| c as u16).collect::<Vec<_>>(), limit, sink)
    } else {
        reader.feed_line(cps, limit, sink)
    }
}

fn read(lines: &[(Vec<u32>, u8)], d: &Dialect, compat: Compat, limit: isize, fail_on: u32) -> Vec<Next> {
    let mut reader = Reader::new(d, compat);
    let mut it = lines.iter();
    let mut line_num = 0;
    let mut out = Vec::new();
    for _ in 0..50 {
        reader.reset();
        let mut fields = Vec::new();
        let mut sink = |v: FieldValue<'_>| {
            let (kind, text) = match v {
                FieldValue::Str(t) => (0, t.code_points()),
                FieldValue::Float(t) => (1, t.code_points()),
                FieldValue::None => (2, Vec::new()),
            };
            if kind == 1 && text.contains(&fail_on) {
                return Err(());
            }
            fields.push((kind, text));
            Ok(())
        };
        let result = loop {
            let Some((line, wide)) = it.next() else { break reader.finish(&mut sink) };
            line_num += 1;
            match feed(&mut reader, line, *wide, limit, &mut sink) {
                Ok(false) => continue,
                r => break r,
            }
        };
        match result {
            Ok(true) => out.push(Next::Row(fields, line_num)),
            Ok(false) => {
                out.push(Next::Stop(line_num));
                break;
            }
            Err(ReadError::Sink(())) => out.push(Next::Error("sink".chars().map(u32::from).collect(), line_num)),
            Err(ReadError::Csv(e)) => out.push(Next::Error(e.message_code_points(), line_num)),
        }
    }
    out
}

fn kind() -> impl Strategy<Value = FieldKind> {
    prop::sample::select(
        &[FieldKind::None, FieldKind::Str, FieldKind::NumericStr, FieldKind::Number, FieldKind::Other][..],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn reader_is_c(
        d in dialect(),
        compat in compat(),
        lines in prop::collection::vec((text(), 0..3u8), 0..5),
        limit in prop::sample::select(&[-1isize, 0, 1, 2, 5, 131072][..]),
        fail_on in pool_char(),
    ) {
        let cps: Vec<Vec<u32>> = lines.iter().map(|(l, _)| l.clone()).collect();
        let want = reference::read(&cps, &d, compat, limit, fail_on);
        prop_assert_eq!(read(&lines, &d, compat, limit, fail_on), want);
    }

    #[test]
    fn writer_is_c(
        d in dialect(),
        compat in compat(),
        rows in prop::collection::vec(prop::collection::vec((kind(), text(), any::<bool>()), 0..4), 1..4),
    ) {
        let mut w = Writer::new(&d, compat);
        for row in rows {
            let fields: Vec<(FieldKind, Vec<u32>)> = row.iter().map(|(k, t, _)| (*k, t.clone())).collect();
            let want = reference::write_row(&fields, &d, compat);
            w.begin_record();
            let got = row.iter().try_for_each(|(k, t, wide)| {
                if !wide && t.iter().all(|&c| c < 0x100) {
                    w.append_field(&t.iter().map(|&c| c as u8).collect::<Vec<_>>(), *k)
                } else {
                    w.append_field(t, *k)
                }
            });
            let got = got.and_then(|()| w.finish_record().map(|t: Text<'_>| t.code_points())).map_err(|e| e.to_string());
            prop_assert_eq!(got, want);
        }
    }
}
