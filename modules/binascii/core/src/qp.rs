//! `a2b_qp` / `b2a_qp`: quoted-printable, with C's quirks (soft line breaks
//! before column 76, line ends normalised to the style of the first line
//! end, `_` for space in header mode, a lone `.` on a line is quoted).

const MAX_LINE: usize = 76;
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Upper bound of `a2b_qp`'s output length (the input length, as C allocates).
pub fn decoded_max_len(n: usize) -> usize {
    n
}

/// `HEX_VALUE[c]`: the value of the hex digit `c` (either case), or 0xff.
static HEX_VALUE: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        t[HEX_UPPER[i] as usize] = i as u8;
        t[HEX_UPPER[i].to_ascii_lowercase() as usize] = i as u8;
        i += 1;
    }
    t
};

/// Bounds-checked output cursor: writes past the end are dropped.
struct Writer<'a> {
    out: &'a mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn put(&mut self, b: u8) {
        if let Some(o) = self.out.get_mut(self.pos) {
            *o = b;
        }
        self.pos += 1;
    }

    fn put_slice(&mut self, s: &[u8]) {
        let end = self.pos.saturating_add(s.len());
        match self.out.get_mut(self.pos..end) {
            Some(dst) => dst.copy_from_slice(s),
            None => s.iter().for_each(|&b| self.put(b)),
        }
        self.pos = end;
    }

    fn put_quoted(&mut self, b: u8) {
        let (hi, lo) = (HEX_UPPER[usize::from(b >> 4)], HEX_UPPER[usize::from(b & 15)]);
        // Byte stores: a 3-byte array copy stalls on store forwarding.
        if let Some([x, y, z]) = self.out.get_mut(self.pos..self.pos + 3) {
            (*x, *y, *z) = (b'=', hi, lo);
            self.pos += 3;
        } else {
            self.put(b'=');
            self.put(hi);
            self.put(lo);
        }
    }

    fn soft_break(&mut self, crlf: bool) {
        self.put(b'=');
        if crlf {
            self.put(b'\r');
        }
        self.put(b'\n');
    }
}

/// `a2b_qp(data, header)` into `out` (`out.len() >= data.len()`); returns the
/// number of bytes written.
#[inline]
pub fn decode_into(data: &[u8], header: bool, out: &mut [u8]) -> usize {
    if header { decode::<true>(data, out) } else { decode::<false>(data, out) }
}

fn decode<const HEADER: bool>(data: &[u8], out: &mut [u8]) -> usize {
    let mut w = Writer { out, pos: 0 };
    let mut i = 0;
    // Whether the last run (but for empty ones) was long: runs tend to be
    // like the one before.
    let mut long = false;
    while i < data.len() {
        // Copy the run up to the next `=`.
        let (src, dst) = (data.get(i..).unwrap_or_default(), w.out.get_mut(w.pos..).unwrap_or_default());
        let run = match src.first() {
            Some(b'=') => 0,
            _ if !HEADER && long => copy_long_run(src, dst),
            _ => copy_run::<HEADER>(src, dst),
        };
        if run > 0 {
            long = run >= LONG_RUN;
        }
        i += run;
        w.pos += run;
        // At a `=`.
        i += 1;
        let Some(&c2) = data.get(i) else { break };
        match c2 {
            // Soft line breaks: skip to just past the next '\n'.
            b'\n' => i += 1,
            b'\r' => {
                let rest = data.get(i..).unwrap_or_default();
                i += memchr::memchr(b'\n', rest).map_or(rest.len(), |p| p + 1);
            }
            b'=' => {
                w.put(b'=');
                i += 1;
            }
            _ => {
                let (hi, lo) = (HEX_VALUE[usize::from(c2)], HEX_VALUE[usize::from(data.get(i + 1).map_or(0, |&c| c))]);
                if (hi | lo) < 16 {
                    w.put((hi << 4) | lo);
                    i += 2;
                } else {
                    w.put(b'=');
                }
            }
        }
    }
    w.pos
}

/// Copies `src` up to its first `=` into `dst` (in header mode with `_`
/// as space); returns the length of that run (at most `dst.len()`).
///
/// Most runs are short, so the bytes are handled 8 at a time in a 64-bit
/// word (no call or setup), and whole words are written: the bytes from
/// the `=` on are overwritten later (the output never gets ahead of the
/// input). Past `LONG_RUN` bytes (not in header mode), `memchr` takes over.
fn copy_run<const HEADER: bool>(src: &[u8], dst: &mut [u8]) -> usize {
    let mut k = 0;
    for (s, d) in src.chunks_exact(8).zip(dst.chunks_exact_mut(8)) {
        let mut word = u64::from_le_bytes(s.try_into().unwrap_or_default());
        if HEADER {
            // 0x80 - 1 = 0x7f = b'_' ^ b' ' in each byte that is `_`.
            let underscores = equal_bytes(word, b'_');
            word ^= underscores - (underscores >> 7);
        }
        d.copy_from_slice(&word.to_le_bytes());
        let found = first_equal_byte(word, b'=');
        if found != 0 {
            return k + found.trailing_zeros() as usize / 8;
        }
        k += 8;
        if !HEADER && k == LONG_RUN {
            return k + copy_long_run(src.get(k..).unwrap_or_default(), dst.get_mut(k..).unwrap_or_default());
        }
    }
    // The last few bytes.
    for (&c, d) in src.get(k..).unwrap_or_default().iter().zip(dst.get_mut(k..).unwrap_or_default()) {
        if c == b'=' {
            break;
        }
        *d = if HEADER && c == b'_' { b' ' } else { c };
        k += 1;
    }
    k
}

/// Bytes after which [`copy_run`] hands the rest of a run to `memchr`.
const LONG_RUN: usize = 32;

/// [`copy_run`] for a long run (not in header mode): `memchr` is faster there.
#[inline]
fn copy_long_run(src: &[u8], dst: &mut [u8]) -> usize {
    let run = memchr::memchr(b'=', src).unwrap_or(src.len());
    if let (Some(s), Some(d)) = (src.get(..run), dst.get_mut(..run)) {
        d.copy_from_slice(s);
    }
    run
}

const ONES: u64 = u64::MAX / 255;

/// The high bit of every byte of `word` that equals `b` (and no other bit).
fn equal_bytes(word: u64, b: u8) -> u64 {
    const LOW7: u64 = ONES * 0x7f;
    let x = word ^ (u64::from(b) * ONES);
    // A byte's high bit ends up set iff all its bits are zero.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Like [`equal_bytes`] (in fewer steps), but bytes after the first equal
/// one may be marked too: for finding the first.
fn first_equal_byte(word: u64, b: u8) -> u64 {
    let x = word ^ (u64::from(b) * ONES);
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// `b2a_qp`'s options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Quote spaces and tabs too.
    pub quotetabs: bool,
    /// Text mode: line ends are kept (normalised), not quoted.
    pub istext: bool,
    /// Header mode: space becomes `_`, and `_` is quoted.
    pub header: bool,
}

/// Byte classes for the encoder, per combination of options; the first four
/// are copied in plain runs.
const PLAIN: u8 = 0; // copied as is
const WS: u8 = 1; // space or tab copied as is, unless last in the input
const DOT: u8 = 2; // '.', quoted alone on a line start
const HEADER_SPACE: u8 = 3; // ' ' written as '_'
const QUOTE: u8 = 4; // always `=XX`
const CR: u8 = 5; // text mode '\r': a line end if '\n' follows, else as is
const LF: u8 = 6; // text mode '\n': a line end

const fn class_table(o: usize) -> [u8; 256] {
    let (quotetabs, istext, header) = (o & 1 != 0, o & 2 != 0, o & 4 != 0);
    let mut t = [PLAIN; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b > 126 || b == b'=' || (header && b == b'_') {
            QUOTE
        } else if b == b'\r' || b == b'\n' {
            match (istext, b) {
                (false, _) => QUOTE,
                (true, b'\r') => CR,
                _ => LF,
            }
        } else if b == b' ' || b == b'\t' {
            if quotetabs {
                QUOTE
            } else if header && b == b' ' {
                HEADER_SPACE
            } else {
                WS
            }
        } else if b < 33 {
            QUOTE
        } else if b == b'.' {
            DOT
        } else {
            PLAIN
        };
        c += 1;
    }
    t
}

static CLASSES: [[u8; 256]; 8] = {
    let mut t = [[0; 256]; 8];
    let mut o = 0;
    while o < 8 {
        t[o] = class_table(o);
        o += 1;
    }
    t
};

fn classes(o: Options) -> &'static [u8; 256] {
    &CLASSES[usize::from(o.quotetabs) | usize::from(o.istext) << 1 | usize::from(o.header) << 2]
}

/// C uses `\r\n` for every line end if the first `\n` follows a `\r`.
fn uses_crlf(data: &[u8]) -> bool {
    matches!(memchr::memchr(b'\n', data), Some(p) if p > 0 && data.get(p - 1) == Some(&b'\r'))
}

/// Length of the run at `data[i..]` that C copies as is and that fits on the
/// current line without a soft break (C breaks before a byte at column 75).
fn plain_run(data: &[u8], i: usize, linelen: usize, class: &[u8; 256]) -> usize {
    if linelen >= MAX_LINE - 1 {
        return 0;
    }
    let room = MAX_LINE - 1 - linelen;
    let rest = data.get(i..).unwrap_or_default();
    let rest = rest.get(..room).unwrap_or(rest);
    let mut run = rest.iter().position(|&c| class[usize::from(c)] > HEADER_SPACE).unwrap_or(rest.len());
    // A '.' at a line start, and whitespace ending the input, are quoted.
    if linelen == 0 && rest.first() == Some(&b'.') {
        return 0;
    }
    let last = run.checked_sub(1).and_then(|k| rest.get(k));
    if i + run == data.len() && last.is_some_and(|&c| matches!(class[usize::from(c)], WS | HEADER_SPACE)) {
        run -= 1;
    }
    run
}

/// What C does with the byte `c` at `data[i]` that is not in a plain run.
enum Action {
    Quote,
    LineEnd(usize),
    Literal(u8),
}

fn action(c: u8, next: Option<u8>, linelen: usize, class: &[u8; 256]) -> Action {
    match class[usize::from(c)] {
        QUOTE => Action::Quote,
        WS | HEADER_SPACE if next.is_none() => Action::Quote,
        HEADER_SPACE => Action::Literal(b'_'),
        DOT if linelen == 0 && matches!(next, None | Some(b'\n' | b'\r' | 0)) => Action::Quote,
        LF => Action::LineEnd(1),
        CR if next == Some(b'\n') => Action::LineEnd(2),
        _ => Action::Literal(c),
    }
}

/// Upper bound of `b2a_qp`'s output length: C's first (counting) pass.
/// `None` where C raises `MemoryError` (overflow).
pub fn encoded_max_len(data: &[u8], o: Options) -> Option<usize> {
    let class = classes(o);
    let crlf = uses_crlf(data);
    let brk = if crlf { 3 } else { 2 };
    let mut len: usize = 0;
    let mut linelen = 0;
    let mut i = 0;
    while let Some(&c) = data.get(i) {
        let run = plain_run(data, i, linelen, class);
        if run > 0 {
            len = len.checked_add(run)?;
            linelen += run;
            i += run;
            continue;
        }
        let next = data.get(i + 1).copied();
        let mut delta = 0;
        match action(c, next, linelen, class) {
            Action::Quote => {
                if linelen + 3 >= MAX_LINE {
                    linelen = 0;
                    delta += brk;
                }
                linelen += 3;
                delta += 3;
                i += 1;
            }
            Action::LineEnd(n) => {
                linelen = 0;
                // Whitespace before a line end gets quoted.
                if i > 0 && matches!(data.get(i - 1), Some(b' ' | b'\t')) {
                    delta += 2;
                }
                delta += if crlf { 2 } else { 1 };
                i += n;
            }
            Action::Literal(_) => {
                if next.is_some_and(|n| n != b'\n') && linelen + 1 >= MAX_LINE {
                    linelen = 0;
                    delta += brk;
                }
                linelen += 1;
                delta += 1;
                i += 1;
            }
        }
        len = len.checked_add(delta).filter(|&l| l <= isize::MAX as usize)?;
    }
    Some(len)
}

/// `b2a_qp(data, quotetabs, istext, header)` into `out` (`out.len() >=
/// encoded_max_len`); returns the number of bytes written.
pub fn encode_into(data: &[u8], o: Options, out: &mut [u8]) -> usize {
    let class = classes(o);
    let crlf = uses_crlf(data);
    let mut w = Writer { out, pos: 0 };
    let mut linelen = 0;
    let mut i = 0;
    while let Some(&c) = data.get(i) {
        let run = plain_run(data, i, linelen, class);
        if run > 0 {
            let start = w.pos;
            w.put_slice(data.get(i..i + run).unwrap_or_default());
            if o.header {
                let written = w.out.get_mut(start..w.pos).unwrap_or_default();
                written.iter_mut().filter(|b| **b == b' ').for_each(|b| *b = b'_');
            }
            linelen += run;
            i += run;
            continue;
        }
        let next = data.get(i + 1).copied();
        match action(c, next, linelen, class) {
            Action::Quote => {
                if linelen + 3 >= MAX_LINE {
                    w.soft_break(crlf);
                    linelen = 0;
                }
                w.put_quoted(c);
                linelen += 3;
                i += 1;
            }
            Action::LineEnd(n) => {
                linelen = 0;
                // Quote whitespace written just before the line end.
                let last = w.pos.checked_sub(1);
                if let Some(&ws @ (b' ' | b'\t')) = last.and_then(|p| w.out.get(p)) {
                    w.pos -= 1;
                    w.put_quoted(ws);
                }
                if crlf {
                    w.put(b'\r');
                }
                w.put(b'\n');
                i += n;
            }
            Action::Literal(b) => {
                if next.is_some_and(|n| n != b'\n') && linelen + 1 >= MAX_LINE {
                    w.soft_break(crlf);
                    linelen = 0;
                }
                linelen += 1;
                w.put(b);
                i += 1;
            }
        }
    }
    w.pos
}
