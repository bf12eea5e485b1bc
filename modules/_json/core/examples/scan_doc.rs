//! The scanner alone (events, numbers converted, no Python objects) over a
//! JSON file, for profiling:
//! `JSON_DOC=doc.json [ITERS=4000] cargo run --release --example scan_doc`
//! prints the mean time per scan of the whole document.

use oxpy_json_core::{Compat, Event, Scanner};
use std::hint::black_box;

fn main() {
    let Ok(path) = std::env::var("JSON_DOC") else {
        eprintln!("usage: JSON_DOC=doc.json [ITERS=n] scan_doc");
        std::process::exit(2);
    };
    let doc = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let iters: usize = std::env::var("ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(4000);
    let start = std::time::Instant::now();
    let mut seen = 0u64;
    for _ in 0..iters {
        let mut scanner = Scanner::new(black_box(&doc[..]), 0, true, Compat::for_version(13, 0));
        while let Some(event) = scanner.next_event().unwrap_or_else(|e| panic!("{path}: {e:?}")) {
            seen = seen.wrapping_add(match event {
                Event::Number(n) if n.is_float() => n.to_f64() as u64,
                Event::Number(n) => n.to_i64().unwrap_or(0) as u64,
                Event::Key(t) | Event::Str(t) => t.len() as u64,
                _ => 1,
            });
        }
    }
    black_box(seen);
    println!("{:.1} us per scan", start.elapsed().as_secs_f64() / iters as f64 * 1e6);
}
