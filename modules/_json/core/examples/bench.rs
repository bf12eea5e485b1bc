//! Rough throughput of the hot paths: `cargo run --release --example bench`.
//! (Absolute numbers on a shared machine; compare runs, not machines.)

use oxpy_json_core::escape::{escape, escape_ascii};
use oxpy_json_core::{Compat, Event, Scanner, StrBuf, float_repr, scanstring};
use std::hint::black_box;
use std::time::Instant;

/// Best of 5 runs of `iters` calls: MB/s for `bytes` per call.
fn rate(name: &str, bytes: usize, mut f: impl FnMut()) {
    let mut iters = 1;
    loop {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        if t.elapsed().as_secs_f64() > 0.05 {
            break;
        }
        iters *= 2;
    }
    let best = (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_secs_f64() / iters as f64
        })
        .fold(f64::INFINITY, f64::min);
    println!("{name:<52} {:>9.0} MB/s  {:>10.1} ns/call", bytes as f64 / best / 1e6, best * 1e9);
}

fn prose(n: usize) -> String {
    let words = ["lorem", "ipsum", "dolor", "sit", "amet,", "consectetur", "adipiscing", "elit."];
    let mut s = String::new();
    let mut i = 0;
    while s.len() < n {
        s.push_str(words[i % words.len()]);
        s.push(' ');
        i += 7;
    }
    s.truncate(n);
    s
}

fn main() {
    for n in [16, 100, 1024, 65536] {
        let body = prose(n);
        let quoted: Vec<u8> = format!("\"{body}\"").into_bytes();
        let mut buf = StrBuf::new();
        rate(&format!("scanstring ascii, no escape, {n} B"), n, || {
            black_box(scanstring(black_box(&quoted[..]), 1, true, &mut buf).unwrap().1);
        });
    }
    // An escape every ~80 characters (newlines and quotes in prose).
    let body = prose(65536);
    let escaped: String = body
        .char_indices()
        .map(|(i, c)| match i % 80 {
            40 => "\\n".to_string(),
            79 => "\\\"".to_string(),
            _ => c.to_string(),
        })
        .collect();
    let quoted = format!("\"{escaped}\"").into_bytes();
    let mut buf = StrBuf::new();
    rate("scanstring ascii, escape every 40 chars, 64 KiB", quoted.len(), || {
        black_box(scanstring(black_box(&quoted[..]), 1, true, &mut buf).unwrap().1);
    });
    let cyr: Vec<u16> = std::iter::once(0x22)
        .chain(prose(65536).chars().map(|c| if c.is_ascii_lowercase() { 0x430 + (c as u16 - 0x61) } else { c as u16 }))
        .chain(std::iter::once(0x22))
        .collect();
    rate("scanstring UCS-2 (Cyrillic), no escape, 64 Ki chars", cyr.len() * 2, || {
        black_box(scanstring(black_box(&cyr[..]), 1, true, &mut buf).unwrap().1);
    });
    let with_u: Vec<u8> = format!("\"{}\"", "caf\\u00e9 \\u20ac ".repeat(4096)).into_bytes();
    rate("scanstring ascii, mostly \\uXXXX escapes", with_u.len(), || {
        black_box(scanstring(black_box(&with_u[..]), 1, true, &mut buf).unwrap().1);
    });

    for n in [16, 100, 1024, 65536] {
        let s = prose(n).into_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(2 * n + 2);
        rate(&format!("encode_basestring_ascii ascii, {n} B"), n, || {
            out.clear();
            escape_ascii(black_box(&s[..]), &mut out).unwrap();
            black_box(&out);
        });
    }
    let s = prose(65536).into_bytes();
    rate("escaped_ascii_len ascii, 64 KiB", s.len(), || {
        black_box(oxpy_json_core::escape::escaped_ascii_len(black_box(&s[..])));
    });
    let s: Vec<u8> = escaped.clone().into_bytes();
    let mut out: Vec<u8> = Vec::new();
    rate("encode_basestring_ascii ascii, `\\` every 40, 64 KiB", s.len(), || {
        out.clear();
        escape_ascii(black_box(&s[..]), &mut out).unwrap();
        black_box(&out);
    });
    let s = prose(65536).into_bytes();
    rate("encode_basestring ascii, 64 KiB", s.len(), || {
        out.clear();
        escape(black_box(&s[..]), &mut out).unwrap();
        black_box(&out);
    });
    let mut out16: Vec<u16> = Vec::new();
    rate("encode_basestring UCS-2 (Cyrillic), 64 Ki chars", cyr.len() * 2, || {
        out16.clear();
        escape(black_box(&cyr[..]), &mut out16).unwrap();
        black_box(&out16);
    });
    rate("escaped_ascii_len UCS-2 (Cyrillic), 64 Ki chars", cyr.len() * 2, || {
        black_box(oxpy_json_core::escape::escaped_ascii_len(black_box(&cyr[..])));
    });
    let mut exact = vec![0u8; oxpy_json_core::escape::escaped_ascii_len(&cyr[..]).unwrap()];
    rate("escape_ascii_into UCS-2 (Cyrillic), 64 Ki chars", cyr.len() * 2, || {
        black_box(oxpy_json_core::escape::escape_ascii_into(black_box(&cyr[..]), &mut exact[..]));
    });
    let mut out8: Vec<u8> = Vec::new();
    rate("encode_basestring_ascii UCS-2 (Cyrillic), 64 Ki chars", cyr.len() * 2, || {
        out8.clear();
        escape_ascii(black_box(&cyr[..]), &mut out8).unwrap();
        black_box(&out8);
    });

    // A typical document: an array of records.
    let rec = r#"{"id": 12345, "name": "lorem ipsum dolor", "score": 3.25, "tags": ["a", "bc", "def"], "ok": true, "note": null, "text": "Sit amet,\nconsectetur \"adipiscing\" elit."}"#;
    let doc = format!("[{}]", vec![rec; 500].join(", ")).into_bytes();
    rate("Scanner events (no Python objects), records doc", doc.len(), || {
        let mut sc = Scanner::new(black_box(&doc[..]), 0, true, Compat::for_version(13, 0));
        let mut n = 0u64;
        while let Some(ev) = sc.next_event().unwrap() {
            if let Event::Number(num) = ev {
                n += if num.is_float() { num.to_f64() as u64 } else { num.to_i64().unwrap_or(0) as u64 };
            } else {
                n += 1;
            }
        }
        black_box(n);
    });

    let xs: Vec<f64> = (0..1000).map(|i| (i as f64 * 1.2345678901234).sin() * 10f64.powi(i % 40 - 20)).collect();
    rate("float_repr, 1000 varied doubles", 1000, || {
        for &x in &xs {
            black_box(float_repr(black_box(x)));
        }
    });
}
