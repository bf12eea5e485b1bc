//! Streams over the (patched) zlib-rs: a reset stream compresses exactly as
//! a fresh one, whatever it compressed before, and everything round-trips.

use oxpy_zlib_stream::{Deflater, Inflater, Z_FINISH, Z_OK, Z_STREAM_END};

/// Deterministic test data: text-like, random, two-letter runs or binary.
fn data(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let kind = next() % 4;
    if kind == 3 {
        // Binary: random bytes, runs, and copies of earlier stretches.
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            let n = (next() % 300) as usize + 1;
            match next() % 3 {
                0 => out.extend((0..n).map(|_| next() as u8)),
                1 => out.extend(std::iter::repeat_n(next() as u8, n)),
                _ if !out.is_empty() => {
                    let from = (next() as usize) % out.len();
                    for k in 0..n {
                        out.push(out[from + k % (out.len() - from)]);
                    }
                }
                _ => {}
            }
        }
        out.truncate(len);
        return out;
    }
    (0..len)
        .map(|i| match kind {
            0 => b"the quick brown fox jumps over a lazy dog "[(next() % 8) as usize * 5 % 42 + i % 5],
            1 => next() as u8,
            _ => b'a' + (next() % 2) as u8,
        })
        .collect()
}

fn deflate_all(d: &mut Deflater, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 1024);
    let mut rest = input;
    loop {
        if out.capacity() == out.len() {
            out.reserve(64 * 1024);
        }
        let room = out.capacity() - out.len();
        let step = d.deflate_vec(rest, &mut out, room, Z_FINISH);
        rest = &rest[step.consumed..];
        if step.code == Z_STREAM_END {
            return out;
        }
        assert!(step.code == Z_OK || step.code == oxpy_zlib_stream::Z_BUF_ERROR, "deflate returned {}", step.code);
    }
}

fn inflate_all(wbits: i32, input: &[u8]) -> Vec<u8> {
    let mut i = Inflater::new(wbits).unwrap();
    let mut out = Vec::new();
    let mut rest = input;
    loop {
        out.reserve(64 * 1024);
        let room = out.capacity() - out.len();
        let step = i.inflate_vec(rest, &mut out, room, Z_FINISH);
        rest = &rest[step.consumed..];
        if step.code == Z_STREAM_END {
            return out;
        }
        assert!(step.code == Z_OK || step.code == oxpy_zlib_stream::Z_BUF_ERROR, "inflate returned {}", step.code);
    }
}

#[test]
fn reset_streams_compress_like_fresh_ones() {
    let sizes = [0, 1, 3, 4, 5, 100, 1000, 4000, 16_000, 16_500, 40_000, 70_000];
    for level in 1..=9 {
        for wbits in [15, 9, -12, 31] {
            let mut reused = Deflater::new(level, 8, wbits, 8, 0).unwrap();
            for (n, &len) in sizes.iter().chain(sizes.iter().rev()).enumerate() {
                let input = data((level * 1000 + wbits + n as i32) as u64, len);
                reused.reset().unwrap();
                let again = deflate_all(&mut reused, &input);
                let fresh = deflate_all(&mut Deflater::new(level, 8, wbits, 8, 0).unwrap(), &input);
                assert_eq!(again, fresh, "level {level}, wbits {wbits}, {len} bytes after {n} streams");
                let read = if wbits > 15 { 47 } else { wbits };
                assert_eq!(inflate_all(read, &again), input, "round trip, level {level}, wbits {wbits}, {len} bytes");
            }
        }
    }
}

#[test]
fn adler32_matches_the_reference_on_both_paths() {
    // zlib's definition: both sums modulo 65521 (also of the starting value).
    fn reference(adler: u32, data: &[u8]) -> u32 {
        let (mut a, mut b) = (u64::from(adler & 0xffff) % 65521, u64::from(adler >> 16) % 65521);
        for &byte in data {
            a = (a + u64::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        (a | (b << 16)) as u32
    }
    for len in [0, 1, 15, 16, 63, 64, 65, 1000, 6000] {
        let input = data(len as u64 + 7, len);
        for start in [0, 1, 0xffff, 0xfff0_fff0, u32::MAX, 65521, 65520 << 16] {
            assert_eq!(
                oxpy_zlib_stream::adler32(start, &input),
                reference(start, &input),
                "{len} bytes from {start:#x}"
            );
        }
    }
}
