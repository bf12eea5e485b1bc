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
        self.put(b'=');
        self.put(HEX_UPPER[usize::from(b >> 4)]);
        self.put(HEX_UPPER[usize::from(b & 15)]);
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
        let run = if header {
            memchr::memchr2(b'=', b'_', rest)
        } else {
            memchr::memchr(b'=', rest)
        }
        .unwrap_or(rest.len());
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

/// C uses `\r\n` for every line end if the first `\n` follows a `\r`.
fn uses_crlf(data: &[u8]) -> bool {
    matches!(memchr::memchr(b'\n', data), Some(p) if p > 0 && data.get(p - 1) == Some(&b'\r'))
}

/// Whether C quotes `c` (followed by `next`, `None` at the end of input).
fn must_quote(c: u8, next: Option<u8>, linelen: usize, o: Options) -> bool {
    c > 126
        || c == b'='
        || (o.header && c == b'_')
        || (c == b'.' && linelen == 0 && matches!(next, None | Some(b'\n' | b'\r' | 0)))
        || (!o.istext && (c == b'\r' || c == b'\n'))
        || ((c == b'\t' || c == b' ') && next.is_none())
        || (c < 33 && c != b'\r' && c != b'\n' && (o.quotetabs || (c != b'\t' && c != b' ')))
}

/// Whether `data[i..]` starts with a line end that text mode keeps; returns
/// its length.
fn line_end(c: u8, next: Option<u8>, o: Options) -> Option<usize> {
    match (c, next) {
        (b'\n', _) if o.istext => Some(1),
        (b'\r', Some(b'\n')) if o.istext => Some(2),
        _ => None,
    }
}

/// Upper bound of `b2a_qp`'s output length: C's first (counting) pass.
/// `None` where C raises `MemoryError` (overflow).
pub fn encoded_max_len(data: &[u8], o: Options) -> Option<usize> {
    let crlf = uses_crlf(data);
    let brk = if crlf { 3 } else { 2 };
    let mut len: usize = 0;
    let mut linelen = 0;
    let mut i = 0;
    while let Some(&c) = data.get(i) {
        let next = data.get(i + 1).copied();
        let delta;
        if must_quote(c, next, linelen, o) {
            let mut d = 3;
            if linelen + 3 >= MAX_LINE {
                linelen = 0;
                d += brk;
            }
            linelen += 3;
            delta = d;
            i += 1;
        } else if let Some(n) = line_end(c, next, o) {
            linelen = 0;
            let mut d = if crlf { 2 } else { 1 };
            // Whitespace before a line end gets quoted.
            if i > 0 && matches!(data.get(i - 1), Some(b' ' | b'\t')) {
                d += 2;
            }
            delta = d;
            i += n;
        } else {
            let mut d = 1;
            if next.is_some_and(|n| n != b'\n') && linelen + 1 >= MAX_LINE {
                linelen = 0;
                d += brk;
            }
            linelen += 1;
            delta = d;
            i += 1;
        }
        len = len
            .checked_add(delta)
            .filter(|&l| l <= isize::MAX as usize)?;
    }
    Some(len)
}

/// `b2a_qp(data, quotetabs, istext, header)` into `out` (`out.len() >=
/// encoded_max_len`); returns the number of bytes written.
pub fn encode_into(data: &[u8], o: Options, out: &mut [u8]) -> usize {
    let crlf = uses_crlf(data);
    let mut w = Writer { out, pos: 0 };
    let mut linelen = 0;
    let mut i = 0;
    while let Some(&c) = data.get(i) {
        let next = data.get(i + 1).copied();
        if must_quote(c, next, linelen, o) {
            if linelen + 3 >= MAX_LINE {
                w.soft_break(crlf);
                linelen = 0;
            }
            w.put_quoted(c);
            linelen += 3;
            i += 1;
        } else if let Some(n) = line_end(c, next, o) {
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
        } else {
            if next.is_some_and(|n| n != b'\n') && linelen + 1 >= MAX_LINE {
                w.soft_break(crlf);
                linelen = 0;
            }
            linelen += 1;
            w.put(if o.header && c == b' ' { b'_' } else { c });
            i += 1;
        }
    }
    w.pos
}
