//! `a2b_qp` / `b2a_qp`: quoted-printable, with C's quirks (soft line breaks
//! before column 76, line ends normalised to the style of the first line
//! end, `_` for space in header mode, a lone `.` on a line is quoted).

const MAX_LINE: usize = 76;
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Upper bound of `a2b_qp`'s output length (the input length, as C allocates).
pub fn decoded_max_len(n: usize) -> usize {
    n
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

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
pub fn decode_into(data: &[u8], header: bool, out: &mut [u8]) -> usize {
    let mut w = Writer { out, pos: 0 };
    let mut i = 0;
    while i < data.len() {
        // Copy the run up to the next special byte.
        let rest = data.get(i..).unwrap_or_default();
        let run =
            if header { memchr::memchr2(b'=', b'_', rest) } else { memchr::memchr(b'=', rest) }.unwrap_or(rest.len());
        w.put_slice(rest.get(..run).unwrap_or_default());
        i += run;
        let Some(&c) = data.get(i) else { break };
        i += 1;
        if c == b'_' {
            w.put(b' ');
            continue;
        }
        // c == '='
        let Some(&c2) = data.get(i) else { break };
        match c2 {
            b'\n' | b'\r' => {
                // Soft line break: skip to just past the next '\n'.
                if c2 == b'\r' {
                    let rest = data.get(i..).unwrap_or_default();
                    i += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                }
                if i < data.len() {
                    i += 1;
                }
            }
            b'=' => {
                w.put(b'=');
                i += 1;
            }
            _ => match (hex_value(c2), data.get(i + 1).copied().and_then(hex_value)) {
                (Some(hi), Some(lo)) => {
                    w.put((hi << 4) | lo);
                    i += 2;
                }
                _ => w.put(b'='),
            },
        }
    }
    w.pos
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
