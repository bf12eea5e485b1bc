//! Shared by the tests: the glue-like driver of the scanner that writes the
//! value in the vectors' canonical form, and plain transliterations of C's
//! `scanstring_unicode` and `scan_once_unicode` (recursive, one character at
//! a time, code points) to compare with.
#![allow(dead_code)]

use oxpy_json_core::{CodeUnit, Compat, Event, ScanError, Scanner, StrBuf, Text, msg, scanstring};

/// A result: the value's code points (scanstring: the string; scanner: the
/// canonical form) and the end, or the error.
#[derive(Clone, Debug, PartialEq)]
pub enum Got {
    Ok(Vec<u32>, usize),
    Err(ScanError),
}

pub fn units<T: TryFrom<u32>>(cps: &[u32]) -> Option<Vec<T>> {
    cps.iter().map(|&c| T::try_from(c).ok()).collect()
}

fn push_ascii(out: &mut Vec<u32>, s: &str) {
    out.extend(s.chars().map(u32::from));
}

/// A string in canonical form: quoted, `"` and `\` backslashed.
pub fn push_str(out: &mut Vec<u32>, cps: &[u32]) {
    out.push(u32::from(b'"'));
    for &c in cps {
        if c == u32::from(b'"') || c == u32::from(b'\\') {
            out.push(u32::from(b'\\'));
        }
        out.push(c);
    }
    out.push(u32::from(b'"'));
}

/// `scanstring` on `s` as units of `T` (`None` if they do not hold it).
pub fn scanstring_in<T: CodeUnit + TryFrom<u32>>(s: &[u32], end: isize, strict: bool) -> Option<Got> {
    let s: Vec<T> = units(s)?;
    let mut buf = StrBuf::new();
    Some(match scanstring(&s[..], end, strict, &mut buf) {
        Ok((text, next)) => Got::Ok(text.code_points(), next),
        Err(e) => Got::Err(e),
    })
}

/// Runs the scanner on `s` as units of `T` as the glue does, with hooks that
/// tag what they get (gen.py's `canon`), building the canonical form of the
/// value. Checks the events nest.
pub fn scan_in<T: CodeUnit + TryFrom<u32>>(s: &[u32], idx: isize, strict: bool, compat: Compat) -> Option<Got> {
    let s: Vec<T> = units(s)?;
    let mut sc = Scanner::new(&s[..], idx, strict, compat);
    let mut out: Vec<u32> = Vec::new();
    // (is an object, items so far, a key waits for its value) of each open
    // container.
    let mut stack: Vec<(bool, usize, bool)> = Vec::new();
    loop {
        let ev = match sc.next_event() {
            Err(e) => {
                assert_eq!(sc.next_event(), Ok(None));
                return Some(Got::Err(e));
            }
            Ok(None) => break,
            Ok(Some(ev)) => ev,
        };
        if let Event::Key(k) = ev {
            let top = stack.last_mut().expect("a key outside an object");
            assert!(top.0 && !top.2);
            if top.1 > 0 {
                push_ascii(&mut out, ",");
            }
            top.1 += 1;
            top.2 = true;
            push_str(&mut out, &k.code_points());
            push_ascii(&mut out, ":");
            continue;
        }
        if matches!(ev, Event::EndObject | Event::EndArray) {
            assert!(!stack.last().expect("a close outside a container").2);
        } else if let Some(top) = stack.last_mut() {
            if top.0 {
                assert!(top.2, "an object's value without a key");
                top.2 = false;
            } else {
                if top.1 > 0 {
                    push_ascii(&mut out, ",");
                }
                top.1 += 1;
            }
        }
        match ev {
            Event::Str(t) => push_str(&mut out, &t.code_points()),
            Event::Number(n) => {
                push_ascii(&mut out, if n.is_float() { "F" } else { "I" });
                out.extend(n.text().iter().map(|&c| c.code_point()));
            }
            Event::Constant(c) => {
                push_ascii(&mut out, "C");
                push_ascii(&mut out, c.name());
            }
            Event::Null => push_ascii(&mut out, "n"),
            Event::True => push_ascii(&mut out, "t"),
            Event::False => push_ascii(&mut out, "f"),
            Event::StartObject => {
                stack.push((true, 0, false));
                push_ascii(&mut out, "{");
            }
            Event::StartArray => {
                stack.push((false, 0, false));
                push_ascii(&mut out, "[");
            }
            Event::EndObject => {
                assert_eq!(stack.pop().map(|f| f.0), Some(true));
                push_ascii(&mut out, "}");
            }
            Event::EndArray => {
                assert_eq!(stack.pop().map(|f| f.0), Some(false));
                push_ascii(&mut out, "]");
            }
            Event::Key(_) => unreachable!(),
        }
        assert_eq!(stack.len(), sc.depth());
    }
    assert!(stack.is_empty());
    assert_eq!(sc.next_event(), Ok(None));
    Some(Got::Ok(out, sc.end()))
}

/// The results of `f` in every width that holds `s`; all equal.
pub fn in_all_widths(s: &[u32], f: impl Fn(u8) -> Option<Got>) -> Got {
    let got: Vec<Got> = [1, 2, 4].into_iter().filter_map(&f).collect();
    for g in &got[1..] {
        assert_eq!(g, &got[0], "widths differ on {:?}", Text::Ucs4(s).to_string_lossy());
    }
    got[0].clone()
}

// ------------------------------------------------------------ reference

fn dec(msg: &'static str, pos: isize) -> ScanError {
    ScanError::Decode { msg, pos }
}

/// C's `scanstring_unicode`, transliterated.
pub fn ref_scanstring(buf: &[u32], end: isize, strict: bool) -> Result<(Vec<u32>, usize), ScanError> {
    let len = buf.len() as isize;
    let begin = end - 1;
    if end < 0 || len < end {
        return Err(ScanError::Value(msg::END_OUT_OF_BOUNDS));
    }
    let mut end = end;
    let mut next;
    let mut writer: Vec<u32> = Vec::new();
    loop {
        let mut c: u32;
        {
            let mut d = 0;
            next = end;
            while next < len {
                d = buf[next as usize];
                if d == u32::from(b'"') || d == u32::from(b'\\') {
                    break;
                }
                if d <= 0x1f && strict {
                    return Err(dec(msg::INVALID_CONTROL, next));
                }
                next += 1;
            }
            c = d;
        }
        if c != u32::from(b'"') && c != u32::from(b'\\') {
            return Err(dec(msg::UNTERMINATED_STRING, begin));
        }
        writer.extend_from_slice(&buf[end as usize..next as usize]);
        next += 1;
        if c == u32::from(b'"') {
            end = next;
            break;
        }
        if next == len {
            return Err(dec(msg::UNTERMINATED_STRING, begin));
        }
        c = buf[next as usize];
        if c != u32::from(b'u') {
            end = next + 1;
            c = match c {
                0x22 | 0x5c | 0x2f => c,
                0x62 => 8,
                0x66 => 12,
                0x6e => 10,
                0x72 => 13,
                0x74 => 9,
                _ => 0,
            };
            if c == 0 {
                return Err(dec(msg::INVALID_ESCAPE, end - 2));
            }
        } else {
            c = 0;
            next += 1;
            end = next + 4;
            if end >= len {
                return Err(dec(msg::INVALID_UXXXX, next - 1));
            }
            while next < end {
                let digit = buf[next as usize];
                c <<= 4;
                c |= match char::from_u32(digit).and_then(|d| d.to_digit(16)) {
                    Some(v) if digit < 0x80 => v,
                    _ => return Err(dec(msg::INVALID_UXXXX, end - 5)),
                };
                next += 1;
            }
            if (0xd800..=0xdbff).contains(&c)
                && end + 6 < len
                && {
                    let a = buf[next as usize] == u32::from(b'\\');
                    next += 1;
                    a
                }
                && {
                    let b = buf[next as usize] == u32::from(b'u');
                    next += 1;
                    b
                }
            {
                let mut c2 = 0;
                end += 6;
                while next < end {
                    let digit = buf[next as usize];
                    c2 <<= 4;
                    c2 |= match char::from_u32(digit).and_then(|d| d.to_digit(16)) {
                        Some(v) if digit < 0x80 => v,
                        _ => return Err(dec(msg::INVALID_UXXXX, end - 5)),
                    };
                    next += 1;
                }
                if (0xdc00..=0xdfff).contains(&c2) {
                    c = 0x10000 + (((c - 0xd800) << 10) | (c2 - 0xdc00));
                } else {
                    end -= 6;
                }
            }
        }
        writer.push(c);
    }
    Ok((writer, end as usize))
}

fn ws(c: u32) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0a | 0x0d)
}

/// C's `scan_once_unicode` (with the tagging hooks), transliterated:
/// appends the canonical form of the value at `idx` to `out`, returns the
/// end.
pub fn ref_scan_once(
    s: &[u32],
    idx: isize,
    strict: bool,
    compat: Compat,
    out: &mut Vec<u32>,
) -> Result<usize, ScanError> {
    let length = s.len() as isize;
    if idx < 0 {
        return Err(ScanError::Value(msg::IDX_NEGATIVE));
    }
    if idx >= length {
        return Err(ScanError::StopIteration(idx as usize));
    }
    let i = idx as usize;
    let at = |j: usize, lit: &str| lit.chars().enumerate().all(|(k, c)| s.get(j + k) == Some(&u32::from(c)));
    match s[i] {
        0x22 => {
            let (v, end) = ref_scanstring(s, idx + 1, strict)?;
            push_str(out, &v);
            return Ok(end);
        }
        0x7b => return ref_object(s, idx + 1, strict, compat, out),
        0x5b => return ref_array(s, idx + 1, strict, compat, out),
        0x6e if at(i, "null") => {
            push_ascii(out, "n");
            return Ok(i + 4);
        }
        0x74 if at(i, "true") => {
            push_ascii(out, "t");
            return Ok(i + 4);
        }
        0x66 if at(i, "false") => {
            push_ascii(out, "f");
            return Ok(i + 5);
        }
        0x4e if at(i, "NaN") => {
            push_ascii(out, "CNaN");
            return Ok(i + 3);
        }
        0x49 if at(i, "Infinity") => {
            push_ascii(out, "CInfinity");
            return Ok(i + 8);
        }
        0x2d if at(i, "-Infinity") => {
            push_ascii(out, "C-Infinity");
            return Ok(i + 9);
        }
        _ => {}
    }
    ref_number(s, idx, out)
}

fn ref_number(s: &[u32], start: isize, out: &mut Vec<u32>) -> Result<usize, ScanError> {
    let end_idx = s.len() as isize - 1;
    let r = |i: isize| s[i as usize];
    let digit = |c: u32| (0x30..=0x39).contains(&c);
    let mut idx = start;
    let mut is_float = false;
    if r(idx) == u32::from(b'-') {
        idx += 1;
        if idx > end_idx {
            return Err(ScanError::StopIteration(start as usize));
        }
    }
    if (0x31..=0x39).contains(&r(idx)) {
        idx += 1;
        while idx <= end_idx && digit(r(idx)) {
            idx += 1;
        }
    } else if r(idx) == u32::from(b'0') {
        idx += 1;
    } else {
        return Err(ScanError::StopIteration(start as usize));
    }
    if idx < end_idx && r(idx) == u32::from(b'.') && digit(r(idx + 1)) {
        is_float = true;
        idx += 2;
        while idx <= end_idx && digit(r(idx)) {
            idx += 1;
        }
    }
    if idx < end_idx && (r(idx) == u32::from(b'e') || r(idx) == u32::from(b'E')) {
        let e_start = idx;
        idx += 1;
        if idx < end_idx && (r(idx) == u32::from(b'-') || r(idx) == u32::from(b'+')) {
            idx += 1;
        }
        while idx <= end_idx && digit(r(idx)) {
            idx += 1;
        }
        if digit(r(idx - 1)) {
            is_float = true;
        } else {
            idx = e_start;
        }
    }
    push_ascii(out, if is_float { "F" } else { "I" });
    out.extend_from_slice(&s[start as usize..idx as usize]);
    Ok(idx as usize)
}

fn ref_object(s: &[u32], idx: isize, strict: bool, compat: Compat, out: &mut Vec<u32>) -> Result<usize, ScanError> {
    let end_idx = s.len() as isize - 1;
    let r = |i: isize| s[i as usize];
    let mut idx = idx;
    push_ascii(out, "{");
    let mut first = true;
    while idx <= end_idx && ws(r(idx)) {
        idx += 1;
    }
    if idx > end_idx || r(idx) != u32::from(b'}') {
        loop {
            if idx > end_idx || r(idx) != u32::from(b'"') {
                return Err(dec(msg::EXPECTING_PROPERTY_NAME, idx));
            }
            let (key, next) = ref_scanstring(s, idx + 1, strict)?;
            if !first {
                push_ascii(out, ",");
            }
            first = false;
            push_str(out, &key);
            push_ascii(out, ":");
            idx = next as isize;
            while idx <= end_idx && ws(r(idx)) {
                idx += 1;
            }
            if idx > end_idx || r(idx) != u32::from(b':') {
                return Err(dec(msg::EXPECTING_COLON, idx));
            }
            idx += 1;
            while idx <= end_idx && ws(r(idx)) {
                idx += 1;
            }
            idx = ref_scan_once(s, idx, strict, compat, out)? as isize;
            while idx <= end_idx && ws(r(idx)) {
                idx += 1;
            }
            if idx <= end_idx && r(idx) == u32::from(b'}') {
                break;
            }
            if idx > end_idx || r(idx) != u32::from(b',') {
                return Err(dec(msg::EXPECTING_COMMA, idx));
            }
            let comma_idx = idx;
            idx += 1;
            while idx <= end_idx && ws(r(idx)) {
                idx += 1;
            }
            if compat.trailing_comma_error && idx <= end_idx && r(idx) == u32::from(b'}') {
                return Err(dec(msg::TRAILING_COMMA_OBJECT, comma_idx));
            }
        }
    }
    push_ascii(out, "}");
    Ok((idx + 1) as usize)
}

fn ref_array(s: &[u32], idx: isize, strict: bool, compat: Compat, out: &mut Vec<u32>) -> Result<usize, ScanError> {
    let end_idx = s.len() as isize - 1;
    let r = |i: isize| s[i as usize];
    let mut idx = idx;
    push_ascii(out, "[");
    let mut first = true;
    while idx <= end_idx && ws(r(idx)) {
        idx += 1;
    }
    if idx > end_idx || r(idx) != u32::from(b']') {
        loop {
            if !first {
                push_ascii(out, ",");
            }
            first = false;
            idx = ref_scan_once(s, idx, strict, compat, out)? as isize;
            while idx <= end_idx && ws(r(idx)) {
                idx += 1;
            }
            if idx <= end_idx && r(idx) == u32::from(b']') {
                break;
            }
            if idx > end_idx || r(idx) != u32::from(b',') {
                return Err(dec(msg::EXPECTING_COMMA, idx));
            }
            let comma_idx = idx;
            idx += 1;
            while idx <= end_idx && ws(r(idx)) {
                idx += 1;
            }
            if compat.trailing_comma_error && idx <= end_idx && r(idx) == u32::from(b']') {
                return Err(dec(msg::TRAILING_COMMA_ARRAY, comma_idx));
            }
        }
    }
    if idx > end_idx || r(idx) != u32::from(b']') {
        return Err(dec(msg::EXPECTING_VALUE, end_idx));
    }
    push_ascii(out, "]");
    Ok((idx + 1) as usize)
}

/// `ref_scan_once` as a [`Got`].
pub fn ref_scan(s: &[u32], idx: isize, strict: bool, compat: Compat) -> Got {
    let mut out = Vec::new();
    match ref_scan_once(s, idx, strict, compat, &mut out) {
        Ok(end) => Got::Ok(out, end),
        Err(e) => Got::Err(e),
    }
}

/// `ref_scanstring` as a [`Got`].
pub fn ref_scanstring_got(s: &[u32], end: isize, strict: bool) -> Got {
    match ref_scanstring(s, end, strict) {
        Ok((v, end)) => Got::Ok(v, end),
        Err(e) => Got::Err(e),
    }
}
