//! The scanner: C's `scan_once_unicode`, `_parse_object_unicode`,
//! `_parse_array_unicode`, `_match_number_unicode` and `_parse_constant`, as
//! a pull parser.
//!
//! How the glue's `Scanner.__call__(string, idx)` drives it (`memo` a new
//! dict for this call, as C's `scanner_call` makes):
//!
//! ```text
//! let mut scanner = Scanner::new(units, idx, self.strict, compat);
//! let mut stack = vec![];                 // open containers (dict or pairs list, or list)
//! let mut key = None;                     // an object's key waiting for its value
//! loop {
//!     let value = match scanner.next_event() {
//!         Err(e) => { leave the recursion of every open container; raise e }
//!         Ok(None) => return (the value, scanner.end()),
//!         Ok(Some(event)) => match event {
//!             StartObject | StartArray => {
//!                 Py_EnterRecursiveCall(" while decoding a JSON object from a unicode string")
//!                     (or "... JSON array ...")?;
//!                 push a new dict (a list if object_pairs_hook is not None) or list;
//!                 continue
//!             }
//!             Key(text) => { key = memo.setdefault(str(text), that str); continue }
//!             EndObject => { pop; Py_LeaveRecursiveCall();
//!                            object_pairs_hook(pairs) / object_hook(dict) / the dict }
//!             EndArray => { pop; Py_LeaveRecursiveCall(); the list }
//!             Str(text) => str(text),
//!             Number(n) if n.is_float() => parse_float is float ? float(n.to_f64())
//!                                                             : parse_float(str(n.text())),
//!             Number(n) => parse_int is int ? n.to_i64() or int(n.ascii(), 10)
//!                                           : parse_int(str(n.text())),
//!             Constant(c) => parse_constant(c.name()),
//!             Null | True | False => None | True | False,
//!         },
//!     };
//!     (hook or parse_* errors propagate as they are, leaving the recursion
//!      of the open containers)
//!     add `value` to the innermost open container (with `key` if an object),
//!     or it is the result if none is open
//! }
//! ```
//!
//! That calls the hooks and the `parse_*` functions in the order C does, and
//! raises the first error C would raise. Without hooks and custom parsers,
//! the glue first has [`Scanner::walk`] give it the same events in one loop
//! (no step per event); the walk stops before an error or a constant, and
//! `next_event` goes on from there. `Py_EnterRecursiveCall` happens when
//! the bracket is read, before anything inside the container is scanned, as
//! in C; the scanner's own stack is on the heap past a small depth.

use crate::run::skip_ws;
use crate::string::{self, Span};
use crate::{CodeUnit, Compat, ScanError, StrBuf, Text, msg};
use std::borrow::Cow;

/// One step of the scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a, T> {
    /// A string value.
    Str(Text<'a>),
    /// An object's key (its value is the next value).
    Key(Text<'a>),
    /// A number.
    Number(Number<'a, T>),
    /// `null`.
    Null,
    /// `true`.
    True,
    /// `false`.
    False,
    /// `NaN`, `Infinity` or `-Infinity`: `parse_constant(name)`.
    Constant(Constant),
    /// `{`: an object starts (C enters the recursion here).
    StartObject,
    /// `}`: the innermost object ends (C calls the object hooks here).
    EndObject,
    /// `[`: an array starts (C enters the recursion here).
    StartArray,
    /// `]`: the innermost array ends.
    EndArray,
}

/// A constant C passes to `parse_constant`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Constant {
    /// `NaN`.
    NaN,
    /// `Infinity`.
    Infinity,
    /// `-Infinity`.
    NegInfinity,
}

impl Constant {
    /// The text, which is also the string C passes to `parse_constant`
    /// (interned).
    pub const fn name(self) -> &'static str {
        match self {
            Constant::NaN => "NaN",
            Constant::Infinity => "Infinity",
            Constant::NegInfinity => "-Infinity",
        }
    }

    /// The value of `float(name)`.
    pub fn value(self) -> f64 {
        match self {
            Constant::NaN => f64::NAN,
            Constant::Infinity => f64::INFINITY,
            Constant::NegInfinity => f64::NEG_INFINITY,
        }
    }
}

/// A number matched by C's `_match_number_unicode`: `-?(0|[1-9][0-9]*)`, then
/// `.[0-9]+` if a digit follows the dot, then `[eE][-+]?[0-9]+` if a digit
/// completes it (a sign is only taken if it is not the string's last
/// character); what does not complete is left for the next token, so `1.`,
/// `1e`, `1e+`, `01` all match `1` / `0`. It is a float if it has a fraction
/// or an exponent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number<'a, T> {
    text: &'a [T],
    is_float: bool,
}

/// Digits an `i64` always holds.
const I64_DIGITS: usize = 18;

impl<'a, T: CodeUnit> Number<'a, T> {
    /// The text (all ASCII): what C passes to a custom `parse_int` /
    /// `parse_float`, as a `str`.
    #[inline]
    pub fn text(&self) -> &'a [T] {
        self.text
    }

    /// Whether it is a float (C calls `parse_float`, else `parse_int`).
    #[inline]
    pub fn is_float(&self) -> bool {
        self.is_float
    }

    /// For an int of at most 18 digits, its value (else `None`: make it
    /// from [`Number::ascii`] with `PyLong_FromString(.., 10)`, which also
    /// applies the int max str digits limit, as C).
    #[inline]
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_float {
            return None;
        }
        let (neg, digits) = match self.text.split_first() {
            Some((&c, rest)) if c.code_point() == u32::from(b'-') => (true, rest),
            _ => (false, self.text),
        };
        if digits.len() > I64_DIGITS {
            return None;
        }
        let mut v: i64 = 0;
        for &d in digits {
            v = v * 10 + i64::from(d.code_point() as u8 - b'0');
        }
        Some(if neg { -v } else { v })
    }

    /// The text as ASCII bytes (borrowed from a latin-1 input).
    pub fn ascii(&self) -> Cow<'a, [u8]> {
        match T::text(self.text) {
            Text::Ucs1(s) => Cow::Borrowed(s),
            _ => Cow::Owned(self.text.iter().map(|&c| c.code_point() as u8).collect()),
        }
    }

    /// The value of `float(text)` (correctly rounded, as
    /// `PyFloat_FromString`; `inf` past the range, `0.0` below it). Also
    /// right for an int's text.
    pub fn to_f64(&self) -> f64 {
        if let Some(x) = self.exact_f64() {
            return x;
        }
        let mut small = [0u8; 64];
        let long;
        let bytes: &[u8] = match T::text(self.text) {
            Text::Ucs1(s) => s,
            _ if self.text.len() <= small.len() => {
                for (d, &c) in small.iter_mut().zip(self.text) {
                    *d = c.code_point() as u8;
                }
                &small[..self.text.len()]
            }
            _ => {
                long = self.ascii();
                &long
            }
        };
        // The text is ASCII and in the syntax Rust's parser takes.
        std::str::from_utf8(bytes).ok().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN)
    }
}

impl<T: CodeUnit> Number<'_, T> {
    /// The value when its digits (at most 19) make an integer of at most
    /// 2**53 and its power of ten is at most 22 away: then both are exact
    /// doubles and one multiplication or division rounds correctly
    /// (Clinger's fast path; most decimals in documents, `12.5`, `0.001`).
    #[inline]
    fn exact_f64(&self) -> Option<f64> {
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
            1e19, 1e20, 1e21, 1e22,
        ];
        let t = self.text;
        // Past 19 units there are more than 16 digits (never an integer of
        // at most 2**53) or a long exponent; within them, at most 19 digits:
        // `m` cannot overflow. The text has the syntax `match_number` takes.
        if t.len() > 19 {
            return None;
        }
        let unit = |i: usize| t.get(i).map_or(0, |&c| c.code_point());
        let digit = |i: usize| Some(unit(i).wrapping_sub(0x30)).filter(|&d| d < 10);
        let neg = unit(0) == u32::from(b'-');
        let mut i = usize::from(neg);
        let (mut m, mut scale) = (0u64, 0i32);
        while let Some(d) = digit(i) {
            m = m * 10 + u64::from(d);
            i += 1;
        }
        if unit(i) == u32::from(b'.') {
            i += 1;
            while let Some(d) = digit(i) {
                m = m * 10 + u64::from(d);
                scale -= 1;
                i += 1;
            }
        }
        if unit(i) | 0x20 == u32::from(b'e') {
            i += 1;
            let sign = match unit(i) {
                0x2d => -1,
                _ => 1,
            };
            i += usize::from(matches!(unit(i), 0x2b | 0x2d));
            let mut e = 0i32;
            while let Some(d) = digit(i) {
                e = (e * 10 + d as i32).min(1000);
                i += 1;
            }
            scale += sign * e;
        }
        if i != t.len() || m > 1 << 53 {
            return None;
        }
        let x = match scale {
            _ if m == 0 => 0.0,
            0..=22 => m as f64 * POW10[scale as usize],
            -22..=-1 => m as f64 / POW10[scale.unsigned_abs() as usize],
            _ => return None,
        };
        Some(if neg { -x } else { x })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    Object,
    Array,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Nothing read yet.
    Start,
    /// After `{`.
    ObjectFirst,
    /// After `[`.
    ArrayFirst,
    /// After an object's key.
    Colon,
    /// After a value.
    AfterValue,
    /// A value at `pos` (where `walk` stopped).
    Value,
    /// The value was read, or an error returned.
    Done,
}

/// What a step read, without its text: steps return it in a register and
/// keep the text's place in the scanner, so no event is copied through
/// memory (a copy of a just-written enum stalls store forwarding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Str,
    Key,
    Int,
    Float,
    Null,
    True,
    False,
    Constant(Constant),
    StartObject,
    EndObject,
    StartArray,
    EndArray,
}

/// A step failed: the error is in `Scanner::error`.
struct Failed;

/// `scan_once(string, idx)` as a pull parser; see the module documentation
/// for how the glue drives it.
#[derive(Clone, Debug)]
pub struct Scanner<'s, T> {
    s: &'s [T],
    /// The index of the next character to read.
    pos: usize,
    /// `idx` as given (checked on the first step).
    start: isize,
    strict: bool,
    compat: Compat,
    /// The open containers (on the stack up to a depth, then the heap).
    stack: smallvec::SmallVec<[Frame; 32]>,
    state: State,
    /// The characters of the last escaped string.
    buf: StrBuf,
    /// The last string or key read.
    span: Span,
    /// Where the last number read starts (it ends at `pos`).
    number_start: usize,
    /// The error of the failed step.
    error: Option<ScanError>,
}

macro_rules! matches_at {
    ($s:expr, $i:expr, $lit:literal) => {{
        let lit: &[u8] = $lit;
        $s.get($i..$i + lit.len()).is_some_and(|w| w.iter().zip(lit).all(|(&c, &l)| c.code_point() == u32::from(l)))
    }};
}

impl<'s, T: CodeUnit> Scanner<'s, T> {
    /// A scanner of the value at `idx` of `s`, with the scanner's `strict`
    /// (control characters in strings are errors).
    pub fn new(s: &'s [T], idx: isize, strict: bool, compat: Compat) -> Scanner<'s, T> {
        Scanner {
            s,
            pos: 0,
            start: idx,
            strict,
            compat,
            stack: smallvec::SmallVec::new(),
            state: State::Start,
            buf: StrBuf::new(),
            span: Span::Buf,
            number_start: 0,
            error: None,
        }
    }

    /// The same, reusing `self`'s allocations.
    pub fn reset(&mut self, s: &'s [T], idx: isize, strict: bool, compat: Compat) {
        self.s = s;
        self.pos = 0;
        self.start = idx;
        self.strict = strict;
        self.compat = compat;
        self.stack.clear();
        self.state = State::Start;
        self.buf.clear();
        self.error = None;
    }

    /// After the last event (`Ok(None)`): the index after the value.
    pub fn end(&self) -> usize {
        self.pos
    }

    /// The number of open objects and arrays.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The next event: `Ok(None)` once the value is complete. After an error,
    /// the scan is over (later calls give `Ok(None)`).
    #[inline(always)]
    pub fn next_event(&mut self) -> Result<Option<Event<'_, T>>, ScanError> {
        // Every successful step sets the next state.
        let state = std::mem::replace(&mut self.state, State::Done);
        match self.step(state) {
            Ok(Some(token)) => Ok(Some(self.event(token))),
            Ok(None) => Ok(None),
            Err(Failed) => Err(self.error.take().unwrap_or(ScanError::NoMemory)),
        }
    }

    /// The event of the token just read.
    #[inline(always)]
    fn event(&self, token: Token) -> Event<'_, T> {
        match token {
            Token::Str => Event::Str(self.span.text(self.s, &self.buf)),
            Token::Key => Event::Key(self.span.text(self.s, &self.buf)),
            Token::Int | Token::Float => Event::Number(Number {
                text: self.s.get(self.number_start..self.pos).unwrap_or_default(),
                is_float: token == Token::Float,
            }),
            Token::Null => Event::Null,
            Token::True => Event::True,
            Token::False => Event::False,
            Token::Constant(c) => Event::Constant(c),
            Token::StartObject => Event::StartObject,
            Token::EndObject => Event::EndObject,
            Token::StartArray => Event::StartArray,
            Token::EndArray => Event::EndArray,
        }
    }

    /// Keeps `e` for `next_event` to return.
    #[cold]
    fn fail(&mut self, e: ScanError) -> Failed {
        self.error = Some(e);
        Failed
    }

    fn step(&mut self, state: State) -> Result<Option<Token>, Failed> {
        let s = self.s;
        match state {
            State::Start => {
                let Ok(idx) = usize::try_from(self.start) else {
                    return Err(self.fail(ScanError::Value(msg::IDX_NEGATIVE)));
                };
                self.value(idx).map(Some)
            }
            State::AfterValue => {
                let Some(&frame) = self.stack.last() else {
                    return Ok(None);
                };
                let (close, trailing) = match frame {
                    Frame::Object => (b'}', msg::TRAILING_COMMA_OBJECT),
                    Frame::Array => (b']', msg::TRAILING_COMMA_ARRAY),
                };
                let i = skip_ws(s, self.pos);
                match s.get(i).map(|&c| c.code_point()) {
                    Some(c) if c == u32::from(close) => Ok(Some(self.close(i))),
                    Some(0x2c) => {
                        let j = skip_ws(s, i + 1);
                        if self.compat.trailing_comma_error
                            && s.get(j).is_some_and(|&c| c.code_point() == u32::from(close))
                        {
                            return Err(self.fail(ScanError::decode(trailing, i)));
                        }
                        match frame {
                            Frame::Object => self.key(j).map(Some),
                            Frame::Array => self.value(j).map(Some),
                        }
                    }
                    _ => Err(self.fail(ScanError::decode(msg::EXPECTING_COMMA, i))),
                }
            }
            State::ObjectFirst => {
                let i = skip_ws(s, self.pos);
                if s.get(i).is_some_and(|&c| c.code_point() == u32::from(b'}')) {
                    Ok(Some(self.close(i)))
                } else {
                    self.key(i).map(Some)
                }
            }
            State::ArrayFirst => {
                let i = skip_ws(s, self.pos);
                if s.get(i).is_some_and(|&c| c.code_point() == u32::from(b']')) {
                    Ok(Some(self.close(i)))
                } else {
                    self.value(i).map(Some)
                }
            }
            State::Colon => {
                let i = skip_ws(s, self.pos);
                if s.get(i).is_none_or(|&c| c.code_point() != u32::from(b':')) {
                    return Err(self.fail(ScanError::decode(msg::EXPECTING_COLON, i)));
                }
                let i = skip_ws(s, i + 1);
                self.value(i).map(Some)
            }
            State::Value => self.value(self.pos).map(Some),
            State::Done => Ok(None),
        }
    }

    /// The closing bracket of the innermost container at `i`.
    #[inline]
    fn close(&mut self, i: usize) -> Token {
        self.pos = i + 1;
        self.state = State::AfterValue;
        match self.stack.pop() {
            Some(Frame::Object) => Token::EndObject,
            _ => Token::EndArray,
        }
    }

    /// The string whose opening quote is at `i - 1`.
    #[inline]
    fn string(&mut self, i: usize) -> Result<(), Failed> {
        match string::scan(self.s, i, self.strict, &mut self.buf) {
            Ok((span, end)) => {
                self.span = span;
                self.pos = end;
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// An object's key at `i`.
    #[inline]
    fn key(&mut self, i: usize) -> Result<Token, Failed> {
        if self.s.get(i).is_none_or(|&c| c != T::QUOTE) {
            return Err(self.fail(ScanError::decode(msg::EXPECTING_PROPERTY_NAME, i)));
        }
        self.string(i + 1)?;
        self.state = State::Colon;
        Ok(Token::Key)
    }

    /// The value at `i` (C's `scan_once_unicode`: no whitespace skipped).
    #[inline]
    fn value(&mut self, i: usize) -> Result<Token, Failed> {
        let s = self.s;
        let Some(&c) = s.get(i) else {
            return Err(self.fail(ScanError::StopIteration(i)));
        };
        let mut state = State::AfterValue;
        let (token, len) = match c.code_point() {
            0x22 => {
                self.string(i + 1)?;
                self.state = State::AfterValue;
                return Ok(Token::Str);
            }
            0x7b => {
                self.push(Frame::Object)?;
                state = State::ObjectFirst;
                (Token::StartObject, 1)
            }
            0x5b => {
                self.push(Frame::Array)?;
                state = State::ArrayFirst;
                (Token::StartArray, 1)
            }
            0x6e if matches_at!(s, i, b"null") => (Token::Null, 4),
            0x74 if matches_at!(s, i, b"true") => (Token::True, 4),
            0x66 if matches_at!(s, i, b"false") => (Token::False, 5),
            0x4e if matches_at!(s, i, b"NaN") => (Token::Constant(Constant::NaN), 3),
            0x49 if matches_at!(s, i, b"Infinity") => (Token::Constant(Constant::Infinity), 8),
            0x2d if matches_at!(s, i, b"-Infinity") => (Token::Constant(Constant::NegInfinity), 9),
            _ => {
                let (end, is_float) = match match_number(s, i) {
                    Ok(found) => found,
                    Err(e) => return Err(self.fail(e)),
                };
                self.number_start = i;
                self.pos = end;
                self.state = State::AfterValue;
                return Ok(if is_float { Token::Float } else { Token::Int });
            }
        };
        self.pos = i + len;
        self.state = state;
        Ok(token)
    }

    #[inline]
    fn push(&mut self, frame: Frame) -> Result<(), Failed> {
        if self.stack.try_reserve(1).is_err() {
            return Err(self.fail(ScanError::NoMemory));
        }
        self.stack.push(frame);
        Ok(())
    }
}

/// What [`Scanner::walk`] gives its events to.
pub trait Sink<T> {
    type Error;
    /// One event, as `next_event` returns it.
    fn event(&mut self, event: Event<'_, T>) -> Result<(), Self::Error>;
}

/// How [`Scanner::walk`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walked {
    /// The value is complete; [`Scanner::end`] is the index after it.
    Done,
    /// At something the walk leaves to [`Scanner::next_event`] (an error, a
    /// constant), which goes on from there.
    Stopped,
}

impl<'s, T: CodeUnit> Scanner<'s, T> {
    /// The events `next_event` would give, to `sink`, in one loop instead
    /// of a step per event (the state between events stays in registers).
    /// It stops before an error or a constant, where `next_event` takes
    /// over with the same events and errors as if it had scanned from the
    /// start; an error of `sink` stops it too. Call it on a new scanner.
    #[inline(always)]
    pub fn walk<S: Sink<T>>(&mut self, sink: &mut S) -> Result<Walked, S::Error> {
        let s = self.s;
        let Ok(mut i) = usize::try_from(self.start) else { return Ok(Walked::Stopped) };
        'value: loop {
            // The value at `i`, read here as `value` reads it: through
            // `value` and its token, loads measured 1-3% slower.
            let Some(&c) = s.get(i) else { return Ok(self.stop(State::Value, i)) };
            match c.code_point() {
                0x22 => {
                    if self.string(i + 1).is_err() {
                        return Ok(self.stop(State::Value, i));
                    }
                    i = self.pos;
                    sink.event(Event::Str(self.span.text(s, &self.buf)))?;
                }
                open @ (0x7b | 0x5b) => {
                    let object = open == 0x7b;
                    if self.push(if object { Frame::Object } else { Frame::Array }).is_err() {
                        return Ok(self.stop(State::Value, i));
                    }
                    sink.event(if object { Event::StartObject } else { Event::StartArray })?;
                    let j = skip_ws(s, i + 1);
                    if s.get(j).is_some_and(|&c| c.code_point() == open + 2) {
                        self.stack.pop();
                        i = j + 1;
                        sink.event(if object { Event::EndObject } else { Event::EndArray })?;
                    } else if object {
                        match self.walk_key(j, sink)? {
                            Some(next) => i = next,
                            None => return Ok(self.stop(State::ObjectFirst, i + 1)),
                        }
                        continue 'value;
                    } else {
                        i = j;
                        continue 'value;
                    }
                }
                0x6e if matches_at!(s, i, b"null") => {
                    i += 4;
                    sink.event(Event::Null)?;
                }
                0x74 if matches_at!(s, i, b"true") => {
                    i += 4;
                    sink.event(Event::True)?;
                }
                0x66 if matches_at!(s, i, b"false") => {
                    i += 5;
                    sink.event(Event::False)?;
                }
                _ => {
                    // Not a number (`NaN`, `-Infinity`, other text): left.
                    let Ok((end, is_float)) = match_number(s, i) else { return Ok(self.stop(State::Value, i)) };
                    sink.event(Event::Number(Number { text: s.get(i..end).unwrap_or_default(), is_float }))?;
                    i = end;
                }
            }
            // After a value (ending at `i`): the containers it closes, then
            // a comma and the next key or value. What is not that is left
            // to `next_event` from `i` (the trailing comma errors included).
            loop {
                let Some(&frame) = self.stack.last() else {
                    self.pos = i;
                    return Ok(Walked::Done);
                };
                let j = skip_ws(s, i);
                let (close, end) = match frame {
                    Frame::Object => (u32::from(b'}'), Event::EndObject),
                    Frame::Array => (u32::from(b']'), Event::EndArray),
                };
                match s.get(j).map(|&c| c.code_point()) {
                    Some(c) if c == close => {
                        self.stack.pop();
                        i = j + 1;
                        sink.event(end)?;
                    }
                    Some(0x2c) => {
                        let k = skip_ws(s, j + 1);
                        match frame {
                            Frame::Object => match self.walk_key(k, sink)? {
                                Some(next) => i = next,
                                None => return Ok(self.stop(State::AfterValue, i)),
                            },
                            Frame::Array if s.get(k).is_some_and(|&c| c.code_point() == close) => {
                                return Ok(self.stop(State::AfterValue, i));
                            }
                            Frame::Array => i = k,
                        }
                        continue 'value;
                    }
                    _ => return Ok(self.stop(State::AfterValue, i)),
                }
            }
        }
    }

    /// An object's key at `i` and its colon: the key given to `sink`, and
    /// the index of the value (`None`, and no event: not a key and colon).
    #[inline(always)]
    fn walk_key<S: Sink<T>>(&mut self, i: usize, sink: &mut S) -> Result<Option<usize>, S::Error> {
        let s = self.s;
        if s.get(i).is_none_or(|&c| c != T::QUOTE) || self.string(i + 1).is_err() {
            return Ok(None);
        }
        let j = skip_ws(s, self.pos);
        if s.get(j).is_none_or(|&c| c.code_point() != u32::from(b':')) {
            return Ok(None);
        }
        sink.event(Event::Key(self.span.text(s, &self.buf)))?;
        Ok(Some(skip_ws(s, j + 1)))
    }

    /// `walk` stops: `next_event` goes on in `state` at `pos`.
    #[cold]
    fn stop(&mut self, state: State, pos: usize) -> Walked {
        self.state = state;
        self.pos = pos;
        self.error = None;
        Walked::Stopped
    }
}

#[inline(always)]
fn is_digit(c: u32) -> bool {
    c.wrapping_sub(0x30) < 10
}

/// C's `_match_number_unicode` at `start < s.len()`: the end of the number
/// and whether it is a float, or `StopIteration(start)`.
#[inline]
fn match_number<T: CodeUnit>(s: &[T], start: usize) -> Result<(usize, bool), ScanError> {
    let at = |i: usize| s.get(i).map_or(u32::MAX, |&c| c.code_point());
    let digits = |mut i: usize| {
        while is_digit(at(i)) {
            i += 1;
        }
        i
    };
    let len = s.len();
    let mut i = start;
    if at(i) == u32::from(b'-') {
        i += 1;
    }
    match at(i) {
        0x31..=0x39 => i = digits(i + 1),
        0x30 => i += 1,
        _ => return Err(ScanError::StopIteration(start)),
    }
    let mut is_float = false;
    // C: `idx < end_idx` guards reading the character after the dot.
    if at(i) == u32::from(b'.') && is_digit(at(i + 1)) {
        is_float = true;
        i = digits(i + 2);
    }
    // C looks for an exponent only before the last character (`idx <
    // end_idx`), and takes its sign only there too.
    if i + 1 < len && matches!(at(i), 0x65 | 0x45) {
        let mut j = i + 1;
        if j + 1 < len && matches!(at(j), 0x2b | 0x2d) {
            j += 1;
        }
        let k = digits(j);
        if k > j {
            is_float = true;
            i = k;
        }
    }
    Ok((i, is_float))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Result<(usize, bool), ScanError> {
        match_number(s.as_bytes(), 0)
    }

    /// Where the exact path answers, it is what the standard parser gives.
    #[test]
    fn exact_floats() {
        let mut texts: Vec<String> = [
            "0.0",
            "-0.0",
            "1.5",
            "12.34",
            "0.001",
            "1e22",
            "1e23",
            "9007199254740993.0",
            "123456789012345678.9",
            "1E-22",
            "5e-324",
            "4.35",
            "-2.5e+3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut long = Vec::new();
        let mut s: u64 = 0x1234_5678_9abc_def1;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let int = s % 100_000_000_000;
            let frac = (s >> 40) % 10_000;
            let e = (s >> 54) as i32 % 60 - 30;
            texts.push(format!("{int}.{frac:04}"));
            texts.push(format!("-{}e{e}", s % 1_000_000));
            texts.push(format!("{}.{}E+{}", s % 1000, (s >> 20) % 1000, (s >> 30) % 25));
            // Full precision (17 digits: past the fast path), and long texts.
            let x = f64::from_bits(s);
            if x.is_finite() {
                long.push(format!("{x:?}"));
                long.push(format!("{x:e}"));
            }
            long.push(format!("{}.{:016}", s % 1000, s % 10_000_000_000_000_000));
            long.push(format!("{}e-{:020}", s % 100, s % 400));
        }
        let mut exact = 0;
        for t in &texts {
            let n = Number { text: t.as_bytes(), is_float: true };
            let want: f64 = t.parse().unwrap();
            if let Some(x) = n.exact_f64() {
                exact += 1;
                assert_eq!(x.to_bits(), want.to_bits(), "{t}");
            }
            assert_eq!(n.to_f64().to_bits(), want.to_bits(), "{t}");
        }
        assert!(exact > texts.len() / 2, "{exact} of {}", texts.len());
        for t in &long {
            let n = Number { text: t.as_bytes(), is_float: true };
            assert_eq!(n.to_f64().to_bits(), t.parse::<f64>().unwrap().to_bits(), "{t}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(num("1"), Ok((1, false)));
        assert_eq!(num("-"), Err(ScanError::StopIteration(0)));
        assert_eq!(num("-x"), Err(ScanError::StopIteration(0)));
        assert_eq!(num("01"), Ok((1, false)));
        assert_eq!(num("1."), Ok((1, false)));
        assert_eq!(num("1.5"), Ok((3, true)));
        assert_eq!(num("1e"), Ok((1, false)));
        assert_eq!(num("1e5"), Ok((3, true)));
        assert_eq!(num("1e+"), Ok((1, false)));
        assert_eq!(num("1e+5"), Ok((4, true)));
        assert_eq!(num("1e-5x"), Ok((4, true)));
        assert_eq!(num("-0.0e00"), Ok((7, true)));
        let n = Number { text: &b"-123456789012345678"[..], is_float: false };
        assert_eq!(n.to_i64(), Some(-123456789012345678));
        let n = Number { text: &b"1234567890123456789"[..], is_float: false };
        assert_eq!(n.to_i64(), None);
        assert_eq!(n.to_f64(), 1234567890123456789.0);
        let n = Number { text: &[0x31u16, 0x65, 0x2d, 0x35][..], is_float: true };
        assert_eq!(n.to_f64(), 1e-5);
        assert_eq!(n.ascii().as_ref(), b"1e-5");
    }
}
