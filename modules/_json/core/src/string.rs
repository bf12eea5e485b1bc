//! The string scanner: C's `scanstring_unicode`.

use crate::msg;
use crate::run::find_string_stop;
use crate::{CodeUnit, ScanError, StrBuf, Text};

/// Where a scanned string's characters are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// `s[start..end]` of the input: the string had no escape.
    Input(usize, usize),
    /// The buffer.
    Buf,
}

impl Span {
    /// The characters: in `s` or in `buf`.
    #[inline(always)]
    pub fn text<'a, T: CodeUnit>(self, s: &'a [T], buf: &'a StrBuf) -> Text<'a> {
        match self {
            Span::Input(start, end) => T::text(&s[start..end]),
            Span::Buf => buf.text(),
        }
    }
}

/// `_json.scanstring(s, end, strict)`: decodes the JSON string whose
/// opening quote is at `end - 1` (not checked: C does not look at it), and
/// returns its characters and the index after its closing quote.
///
/// The characters are a slice of `s` when the string has no escape (C then
/// returns `PyUnicode_Substring`), else the content of `buf` (cleared first;
/// reuse it across calls to stop allocating).
///
/// Errors, as C: `end` outside `0..=s.len()` is `ValueError("end is out of
/// bounds")`; else `JSONDecodeError` with one of
/// - "Unterminated string starting at" `end - 1` (so `-1` for `end == 0`),
///   also for a backslash that is the last character;
/// - "Invalid control character at" the character, if `strict` and a
///   character below U+0020 comes before the closing quote;
/// - "Invalid \\escape" at the backslash of `\` + a character other than
///   `"\/bfnrtu`;
/// - "Invalid \\uXXXX escape" at the `u` of `\u` when fewer than five
///   characters follow the `u` (four digits and at least one more: even a
///   valid escape at the very end is this error), or one of the four is not
///   a hex digit; also at the second `u` of `\uD8xx\uXXXX` when the second
///   escape has a non-hex digit and there are more than six characters
///   after the first one's digits.
///
/// A `\uD800`–`\uDBFF` escape followed by `\uDC00`–`\uDFFF` (more than six
/// characters after the first's digits) is one astral character; else each
/// is kept as a lone surrogate. Literal (unescaped) characters are copied
/// as they are, lone surrogates included.
pub fn scanstring<'a, T: CodeUnit>(
    s: &'a [T],
    end: isize,
    strict: bool,
    buf: &'a mut StrBuf,
) -> Result<(Text<'a>, usize), ScanError> {
    let (span, next) = scanstring_span(s, end, strict, buf)?;
    Ok((span.text(s, buf), next))
}

/// [`scanstring`] with the characters' place instead of the characters
/// (C's substring of `s` is then made from the bounds).
#[inline]
pub fn scanstring_span<T: CodeUnit>(
    s: &[T],
    end: isize,
    strict: bool,
    buf: &mut StrBuf,
) -> Result<(Span, usize), ScanError> {
    let Ok(end) = usize::try_from(end) else {
        return Err(ScanError::Value(msg::END_OUT_OF_BOUNDS));
    };
    if end > s.len() {
        return Err(ScanError::Value(msg::END_OUT_OF_BOUNDS));
    }
    scan(s, end, strict, buf)
}

/// `scanstring` with `end <= s.len()`.
#[inline]
pub(crate) fn scan<T: CodeUnit>(
    s: &[T],
    end: usize,
    strict: bool,
    buf: &mut StrBuf,
) -> Result<(Span, usize), ScanError> {
    if strict { scan_impl::<T, true>(s, end, buf) } else { scan_impl::<T, false>(s, end, buf) }
}

#[inline(always)]
fn scan_impl<T: CodeUnit, const STRICT: bool>(
    s: &[T],
    start: usize,
    buf: &mut StrBuf,
) -> Result<(Span, usize), ScanError> {
    // The run up to the first quote, backslash or control character: the
    // whole string, most of the time.
    let next = start + find_string_stop::<T, STRICT>(&s[start..]);
    match s.get(next) {
        Some(&c) if c == T::QUOTE => Ok((Span::Input(start, next), next + 1)),
        Some(&c) if c == T::BACKSLASH => {
            buf.clear();
            buf.extend(&s[start..next])?;
            scan_escaped::<T, STRICT>(s, start, next, buf).map(|end| (Span::Buf, end))
        }
        Some(_) => Err(ScanError::decode(msg::INVALID_CONTROL, next)),
        None => Err(unterminated(start)),
    }
}

#[cold]
fn unterminated(start: usize) -> ScanError {
    ScanError::Decode { msg: msg::UNTERMINATED_STRING, pos: start as isize - 1 }
}

/// The rest of a string from its first backslash at `next` on, into `buf`;
/// returns the index after the closing quote.
#[inline(never)]
fn scan_escaped<T: CodeUnit, const STRICT: bool>(
    s: &[T],
    start: usize,
    mut next: usize,
    buf: &mut StrBuf,
) -> Result<usize, ScanError> {
    let len = s.len();
    loop {
        // `s[next]` is a backslash.
        next += 1;
        let Some(&c) = s.get(next) else {
            return Err(unterminated(start));
        };
        let mut end;
        let c: u32 = c.into();
        let ch = if c != u32::from(b'u') {
            end = next + 1;
            match c {
                0x22 | 0x5c | 0x2f => c,
                0x62 => 0x08,
                0x66 => 0x0c,
                0x6e => 0x0a,
                0x72 => 0x0d,
                0x74 => 0x09,
                _ => return Err(ScanError::decode(msg::INVALID_ESCAPE, end - 2)),
            }
        } else {
            // `next` is at the `u`.
            end = next + 5;
            if end >= len {
                return Err(ScanError::decode(msg::INVALID_UXXXX, next));
            }
            let Some(mut ch) = hex4(&s[next + 1..end]) else {
                return Err(ScanError::decode(msg::INVALID_UXXXX, next));
            };
            // A high surrogate followed by `\u` (and more than four
            // characters after it): a second escape, joined if it is a low
            // surrogate, else scanned again as an escape of its own.
            if (0xd800..0xdc00).contains(&ch)
                && end + 6 < len
                && s[end] == T::BACKSLASH
                && s[end + 1] == T::from_u32(u32::from(b'u'))
            {
                let Some(low) = hex4(&s[end + 2..end + 6]) else {
                    return Err(ScanError::decode(msg::INVALID_UXXXX, end + 1));
                };
                if (0xdc00..0xe000).contains(&low) {
                    ch = 0x10000 + (((ch - 0xd800) << 10) | (low - 0xdc00));
                    end += 6;
                }
            }
            ch
        };
        buf.push(ch)?;
        // The next run.
        let rest = &s[end..];
        next = end + find_string_stop::<T, STRICT>(rest);
        buf.extend(&s[end..next])?;
        match s.get(next) {
            Some(&c) if c == T::QUOTE => return Ok(next + 1),
            Some(&c) if c == T::BACKSLASH => {}
            Some(_) => return Err(ScanError::decode(msg::INVALID_CONTROL, next)),
            None => return Err(unterminated(start)),
        }
    }
}

/// The value of four hex digits (either case).
#[inline]
fn hex4<T: CodeUnit>(d: &[T]) -> Option<u32> {
    let mut v = 0;
    for &c in d {
        let c: u32 = c.into();
        let digit = match c {
            0x30..=0x39 => c - 0x30,
            0x61..=0x66 => c - 0x61 + 10,
            0x41..=0x46 => c - 0x41 + 10,
            _ => return None,
        };
        v = (v << 4) | digit;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan8(s: &str, end: isize, strict: bool) -> Result<(String, usize), ScanError> {
        let mut buf = StrBuf::new();
        let units: Vec<u32> = s.chars().map(u32::from).collect();
        scanstring(&units[..], end, strict, &mut buf).map(|(t, e)| (t.to_string_lossy(), e))
    }

    #[test]
    fn basics() {
        assert_eq!(scan8("\"abc\" x", 1, true), Ok(("abc".into(), 5)));
        assert_eq!(scan8("\"a\\n\\u20AC\\ud83d\\ude00\"", 1, true), Ok(("a\n\u{20ac}\u{1f600}".into(), 23)));
        assert_eq!(scan8("abc", 0, true), Err(ScanError::Decode { msg: msg::UNTERMINATED_STRING, pos: -1 }));
        assert_eq!(scan8("abc", 4, true), Err(ScanError::Value(msg::END_OUT_OF_BOUNDS)));
        assert_eq!(scan8("abc", -1, true), Err(ScanError::Value(msg::END_OUT_OF_BOUNDS)));
        assert_eq!(scan8("\"a\nb\"", 1, true), Err(ScanError::decode(msg::INVALID_CONTROL, 2)));
        assert_eq!(scan8("\"a\nb\"", 1, false), Ok(("a\nb".into(), 5)));
        assert_eq!(scan8("\"\\u1234", 1, true), Err(ScanError::decode(msg::INVALID_UXXXX, 2)));
        assert_eq!(scan8("\"\\ud83d\\ude0x\"", 1, true), Err(ScanError::decode(msg::INVALID_UXXXX, 8)));
        assert_eq!(scan8("\"\\x\"", 1, true), Err(ScanError::decode(msg::INVALID_ESCAPE, 1)));
        assert_eq!(scan8("\"\\", 1, true), Err(ScanError::decode(msg::UNTERMINATED_STRING, 0)));
        assert_eq!(hex4(&b"fFa0"[..]), Some(0xffa0));
        assert_eq!(hex4(&b"fFg0"[..]), None);
    }
}
