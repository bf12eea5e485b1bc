use oxpy_json_core::{Compat, Event, Scanner};
use std::hint::black_box;
fn main() {
    let doc = std::fs::read(std::env::var("JSON_DOC").unwrap()).unwrap();
    let iters: usize = std::env::var("ITERS").map(|s| s.parse().unwrap()).unwrap_or(4000);
    let t = std::time::Instant::now();
    let mut counts = [0u64; 8];
    for _ in 0..iters {
        let mut sc = Scanner::new(black_box(&doc[..]), 0, true, Compat::for_version(13, 0));
        while let Some(ev) = sc.next_event().unwrap() {
            match ev {
                Event::Number(num) => {
                    counts[0] += if num.is_float() { num.to_f64() as u64 } else { num.to_i64().unwrap_or(0) as u64 }
                }
                Event::Key(t) => counts[1] += t.len() as u64,
                Event::Str(t) => counts[2] += t.len() as u64,
                _ => counts[3] += 1,
            }
        }
    }
    black_box(counts);
    println!("{:.1} us/doc", t.elapsed().as_secs_f64() / iters as f64 * 1e6);
}
