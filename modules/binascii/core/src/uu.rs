//! `a2b_uu` / `b2a_uu`: one uuencoded line.

use crate::Error;

/// Output length of `a2b_uu(data)`: encoded in the first byte, as in C.
///
/// For empty input C reads the byte just past the buffer (the NUL ending a
/// `bytes`/`str`, so 32); this returns 32.
pub fn decoded_len(data: &[u8]) -> usize {
    usize::from(data.first().copied().unwrap_or(0).wrapping_sub(b' ') & 0o77)
}

/// `a2b_uu(data)` into `out` (`out.len() == decoded_len(data)`).
///
/// Line breaks, and the end of input, count as zero bits; after the decoded
/// bytes only ` `, `` ` ``, `\n` and `\r` may follow.
///
/// # Errors
/// "Illegal char" for a byte outside `' '..='`'`, "Trailing garbage".
pub fn decode_into(data: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let body = data.get(1..).unwrap_or_default();
    let mut chars = body.iter();
    let mut leftchar: u32 = 0;
    let mut leftbits = 0;
    for o in out.iter_mut() {
        // Each output byte needs one or two more 6-bit characters.
        loop {
            let v = match chars.next() {
                None | Some(b'\n' | b'\r') => 0,
                Some(&c) if !(b' '..=b' ' + 64).contains(&c) => {
                    return Err(Error::new("Illegal char"));
                }
                Some(&c) => (c - b' ') & 0o77,
            };
            leftchar = (leftchar << 6) | u32::from(v);
            leftbits += 6;
            if leftbits >= 8 {
                leftbits -= 8;
                *o = (leftchar >> leftbits) as u8;
                leftchar &= (1 << leftbits) - 1;
                break;
            }
        }
    }
    if chars.any(|&c| !matches!(c, b' ' | b'`' | b'\n' | b'\r')) {
        return Err(Error::new("Trailing garbage"));
    }
    Ok(())
}

/// Exact output length of `b2a_uu` for `n` bytes.
///
/// # Errors
/// "At most 45 bytes at once" for `n > 45`.
pub fn encoded_len(n: usize) -> Result<usize, Error> {
    if n > 45 {
        return Err(Error::new("At most 45 bytes at once"));
    }
    Ok(n.div_ceil(3) * 4 + 2)
}

/// `CHARS[backtick][v]`: the character for the 6-bit value `v` (`' ' + v`,
/// or `` ` `` for zero with `backtick`).
static CHARS: [[u8; 64]; 2] = {
    let mut t = [[0; 64]; 2];
    let mut v = 0;
    while v < 64 {
        t[0][v] = b' ' + v as u8;
        t[1][v] = if v == 0 { b'`' } else { b' ' + v as u8 };
        v += 1;
    }
    t
};

/// `b2a_uu(data, backtick=backtick)` into `out` (`out.len() == encoded_len`):
/// a length character, the data, a `\n`; `backtick` writes zero as `` ` ``.
pub fn encode_into(data: &[u8], backtick: bool, out: &mut [u8]) {
    let chars = &CHARS[usize::from(backtick)];
    let ch = |v: u8| chars[usize::from(v & 0o77)];
    let quad = |a: u8, b: u8, c: u8| [ch(a >> 2), ch((a << 4) | (b >> 4)), ch((b << 2) | (c >> 6)), ch(c)];
    let Some((nl, [len, body @ ..])) = out.split_last_mut() else {
        return;
    };
    *len = ch(data.len() as u8);
    *nl = b'\n';
    let mut groups = data.chunks_exact(3);
    let mut quads = body.chunks_exact_mut(4);
    for (g, q) in (&mut groups).zip(&mut quads) {
        if let (&[a, b, c], Some(q)) = (g, q.first_chunk_mut()) {
            *q = quad(a, b, c);
        }
    }
    // A last group of 1 or 2 bytes is padded with zero bits.
    let (a, b) = match *groups.remainder() {
        [a] => (a, 0),
        [a, b] => (a, b),
        _ => return,
    };
    if let Some(q) = quads.next().and_then(<[u8]>::first_chunk_mut) {
        *q = quad(a, b, 0);
    }
}
