//! `float.__repr__`: the shortest digits that round-trip, laid out as
//! CPython's `PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)`.
//!
//! The digits come from the standard library's shortest round-trip
//! formatting (`{:e}`: Grisu with a Dragon4 fallback, the shortest digit
//! string that reads back as `x`, the closest one to `x` if there are
//! several, as David Gay's `dtoa` mode 0 that CPython uses). One difference
//! is fixed here: when `x` is exactly halfway between two such strings
//! (`835676311880376.25`), `dtoa` takes the even last digit (`.2`), the
//! standard library not always (`.3`); that case is detected exactly with
//! integer arithmetic (it needs `x`'s odd significand to be the midpoint's
//! odd digits times a power of five), and the even one taken when it reads
//! back as `x`. Otherwise this module only moves the decimal point. Python's layout: with `decpt` the position of
//! the decimal point after the first digit's (`x = 0.d1d2.. * 10**decpt`),
//! exponent notation iff `decpt <= -4` or `decpt > 16`: `d1[.d2..]e±XX`
//! (at least two exponent digits, no `.0`); else positional with at least
//! one digit after the point (`1e16` → `1e+16`, `1e15` →
//! `1000000000000000.0`, `1e-5` → `1e-05`, `0.0001` → `0.0001`).

use std::fmt::Write;

/// A float's repr (at most 24 characters: `-1.2345678901234567e-308`).
#[derive(Clone, Copy)]
pub struct FloatRepr {
    buf: [u8; 32],
    len: u8,
}

impl FloatRepr {
    /// The repr.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The repr, ASCII.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    fn push(&mut self, b: &[u8]) {
        let at = usize::from(self.len);
        if let Some(dst) = self.buf.get_mut(at..at + b.len()) {
            dst.copy_from_slice(b);
            self.len += b.len() as u8;
        }
    }

    fn zeros(&mut self, n: usize) {
        for _ in 0..n {
            self.push(b"0");
        }
    }
}

impl std::fmt::Debug for FloatRepr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for FloatRepr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fixed buffer as a `fmt::Write`.
struct Stack {
    buf: [u8; 40],
    len: usize,
}

impl Write for Stack {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let dst = self.buf.get_mut(self.len..self.len + s.len()).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

/// `repr(x)`: for the non-finite values `'nan'`, `'inf'`, `'-inf'` (JSON's
/// encoder writes `NaN`, `Infinity`, `-Infinity` or fails instead; see
/// `c_make_encoder`).
pub fn float_repr(x: f64) -> FloatRepr {
    #[cfg(feature = "zmij")]
    if x.is_finite() && x != 0.0 {
        let mut buf = zmij::Buffer::new();
        let text = buf.format_finite(x).as_bytes();
        if is_python_layout(text, x) {
            let mut out = FloatRepr { buf: [0; 32], len: 0 };
            out.push(text);
            return out;
        }
    }
    laid_out(x)
}

/// Appends `float_repr(x)` to `buf` (without copying it through a
/// `FloatRepr` first in the common case).
pub fn push_float_repr(x: f64, buf: &mut crate::StrBuf) -> Result<(), crate::NoMemory> {
    #[cfg(feature = "zmij")]
    if x.is_finite() && x != 0.0 {
        let mut digits = zmij::Buffer::new();
        let text = digits.format_finite(x).as_bytes();
        if is_python_layout(text, x) {
            return buf.extend(text);
        }
    }
    buf.extend(float_repr(x).as_bytes())
}

/// `float_repr` the long way: the shortest digits, read, checked for
/// `round_half_even`, laid out as Python does.
fn laid_out(x: f64) -> FloatRepr {
    let mut out = FloatRepr { buf: [0; 32], len: 0 };
    if x.is_nan() {
        out.push(b"nan");
        return out;
    }
    if x.is_sign_negative() {
        out.push(b"-");
    }
    if x.is_infinite() {
        out.push(b"inf");
        return out;
    }
    if x == 0.0 {
        out.push(b"0.0");
        return out;
    }
    let (mut digits, n, exp) = shortest(x.abs());
    if let Some(even) = round_half_even(x.abs(), &digits[..n], exp) {
        let mut d = even;
        for slot in digits[..n].iter_mut().rev() {
            *slot = b'0' + (d % 10) as u8;
            d /= 10;
        }
    }
    let digits = &digits[..n];
    let decpt = exp + 1;
    if decpt <= -4 || decpt > 16 {
        out.push(&digits[..1]);
        if n > 1 {
            out.push(b".");
            out.push(&digits[1..]);
        }
        out.push(if exp < 0 { b"e-" } else { b"e+" });
        let e = exp.unsigned_abs();
        if e >= 100 {
            out.push(&[b'0' + (e / 100) as u8]);
        }
        out.push(&[b'0' + (e / 10 % 10) as u8, b'0' + (e % 10) as u8]);
    } else if decpt <= 0 {
        out.push(b"0.");
        out.zeros(decpt.unsigned_abs() as usize);
        out.push(digits);
    } else {
        let decpt = decpt as usize;
        if decpt < n {
            out.push(&digits[..decpt]);
            out.push(b".");
            out.push(&digits[decpt..]);
        } else {
            out.push(digits);
            out.zeros(decpt - n);
            out.push(b".0");
        }
    }
    out
}

/// The shortest round-trip digits of `x` (positive, finite): the digits
/// (ASCII, without leading or trailing zeros), their number, and the
/// scientific exponent of the first one.
#[cfg(not(feature = "zmij"))]
fn shortest(x: f64) -> ([u8; 20], usize, i32) {
    // `d[.ddd]e[-]X`: at most 17 digits, a point, `e-324`.
    let mut sci = Stack { buf: [0; 40], len: 0 };
    let _ = write!(sci, "{x:e}");
    parse_decimal(&sci.buf[..sci.len])
}

/// Whether `zmij`'s text of `x` (finite, not zero) is `repr(x)` as it is:
/// `zmij` writes the same shortest digits and, between `1e-5` and `1e16`,
/// the same positional layout (`12.5`, `100.0`, `0.001`), but `1e-05` as
/// `0.00001` and exponents without Python's two digits (`1e-7`); and a
/// text that may need `round_half_even` goes the long way. (The common
/// case: it saves reading the digits back and laying them out again.)
#[cfg(feature = "zmij")]
#[inline]
fn is_python_layout(text: &[u8], x: f64) -> bool {
    // `repr` is positional from `1e-4` (the double) up to `1e16` (exactly
    // representable), as the shortest digits of a double in that range are
    // too: from the magnitude, without reading the text for an `e`.
    if !(1e-4..1e16).contains(&x.abs()) {
        return false;
    }
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    debug_assert!(!digits.contains(&b'e') && !digits.starts_with(b"0.0000"));
    // `round_half_even` changes nothing unless `x == t * 10**k / 2` for an
    // odd `t`, with `10**k` the place of the last digit, which needs `x`'s
    // odd significand to be scaled by `2**(k-1)`. In this layout (at most 17
    // digits, from 1e-5 to 1e16) `k` is in -22..=15, so most doubles (whose
    // odd significand has a lower scale) need no look at the digits.
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 { (frac, -1074) } else { (frac | (1 << 52), biased - 1075) };
    let scale = e + m.trailing_zeros() as i32 + 1;
    if m == 0 || !(-22..=15).contains(&scale) {
        return m != 0;
    }
    let Some(point) = digits.iter().position(|&c| c == b'.') else { return false };
    // The place of the last significant digit and whether it is odd.
    let (k, last) = match &digits[point + 1..] {
        b"0" => {
            let int = &digits[..point];
            let zeros = int.iter().rev().take_while(|&&c| c == b'0').count();
            (zeros as i32, int[int.len() - 1 - zeros.min(int.len() - 1)])
        }
        frac => (-(frac.len() as i32), frac[frac.len() - 1]),
    };
    (last - b'0').is_multiple_of(2) || scale != k
}

/// The same with `zmij`.
#[cfg(feature = "zmij")]
fn shortest(x: f64) -> ([u8; 20], usize, i32) {
    let mut buf = zmij::Buffer::new();
    parse_decimal(buf.format_finite(x).as_bytes())
}

/// A positive decimal (`123.45`, `0.001`, `1.5e-7`, `1e16`, `100.0`) as its
/// significant digits (ASCII, at most 20 kept), how many, and the
/// scientific exponent of the first.
fn parse_decimal(s: &[u8]) -> ([u8; 20], usize, i32) {
    let mut digits = [0u8; 20];
    let mut n: usize = 0;
    // Digits before the point, leading zeros, trailing zeros not yet added.
    let (mut before, mut leading, mut zeros) = (0i32, 0i32, 0usize);
    let mut point = false;
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'0'..=b'9' => {
                before += i32::from(!point);
                if b == b'0' {
                    if n == 0 {
                        leading += 1;
                    } else {
                        zeros += 1;
                    }
                } else {
                    for _ in 0..zeros {
                        if let Some(slot) = digits.get_mut(n) {
                            *slot = b'0';
                        }
                        n += 1;
                    }
                    zeros = 0;
                    if let Some(slot) = digits.get_mut(n) {
                        *slot = b;
                    }
                    n += 1;
                }
            }
            b'.' => point = true,
            b'e' | b'E' => break,
            _ => {}
        }
        rest = tail;
    }
    // The exponent after `e`, if any.
    let mut exp: i32 = 0;
    let mut exp_neg = false;
    for &b in rest {
        match b {
            b'0'..=b'9' => exp = exp.saturating_mul(10).saturating_add(i32::from(b - b'0')),
            b'-' => exp_neg = true,
            _ => {}
        }
    }
    if exp_neg {
        exp = -exp;
    }
    (digits, n.min(digits.len()), before - 1 - leading + exp)
}

/// If `x` (positive, finite) is exactly halfway between the shortest digits
/// `d` (`n` of them, scientific exponent `exp`) and a neighbour of the same
/// length, and the neighbour has the even last digit and reads back as `x`:
/// the neighbour's digits.
fn round_half_even(x: f64, digits: &[u8], exp: i32) -> Option<u64> {
    if digits.last().is_none_or(|&c| (c - b'0').is_multiple_of(2)) {
        return None;
    }
    let n = digits.len();
    // `x = m * 2**e2`, `m` odd.
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 { (frac, -1074) } else { (frac | (1 << 52), biased - 1075) };
    if m == 0 {
        return None;
    }
    let tz = m.trailing_zeros();
    let (m, e2) = (m >> tz, e + tz as i32);
    // The last digit's place: `digits` is `d * 10**k`.
    let k = exp - (n as i32 - 1);
    // `x == t * 10**k / 2` (t odd) iff `m * 2**(e2 + 1) == t * 5**k * 2**k`:
    // the powers of two match and the odd parts do.
    if e2 + 1 != k {
        return None;
    }
    let d = digits.iter().fold(0u64, |d, &c| d.wrapping_mul(10).wrapping_add(u64::from(c - b'0')));
    let pow5 = |n: u32| (0..n).try_fold(1u128, |p, _| p.checked_mul(5));
    let is_midpoint = |t: u64| -> bool {
        if k >= 0 {
            pow5(k as u32).and_then(|p| p.checked_mul(u128::from(t))) == Some(u128::from(m))
        } else {
            pow5(k.unsigned_abs()).and_then(|p| p.checked_mul(u128::from(m))) == Some(u128::from(t))
        }
    };
    let even = if is_midpoint(2 * d + 1) {
        d + 1
    } else if is_midpoint(2 * d - 1) {
        d - 1
    } else {
        return None;
    };
    // Same number of digits (else it was not the shortest), and reads back.
    let len = |v: u64| v.checked_ilog10().map_or(1, |l| l + 1);
    if even == 0 || len(even) != len(d) {
        return None;
    }
    let mut t = Stack { buf: [0; 40], len: 0 };
    let _ = write!(t, "{even}e{k}");
    let back: f64 = std::str::from_utf8(&t.buf[..t.len]).ok()?.parse().ok()?;
    (back == x).then_some(even)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        let cases: &[(&[u8], &str, i32)] = &[
            (b"123.45", "12345", 2),
            (b"0.001", "1", -3),
            (b"0.00102", "102", -3),
            (b"1.2345e-5", "12345", -5),
            (b"1e16", "1", 16),
            (b"1E+16", "1", 16),
            (b"100.0", "1", 2),
            (b"1.0", "1", 0),
            (b"10.5", "105", 1),
            (b"5e-324", "5", -324),
            (b"1.7976931348623157e308", "17976931348623157", 308),
        ];
        for &(text, want, exp) in cases {
            let (digits, n, e) = parse_decimal(text);
            assert_eq!((&digits[..n], e), (want.as_bytes(), exp), "{text:?}");
        }
    }

    /// The fast path gives what the long way gives, and is the common
    /// path, on doubles of every kind (random bits, cents, integers, powers
    /// of ten, halves, the tie of `round_half_even`).
    #[cfg(feature = "zmij")]
    #[test]
    fn fast_layout_is_the_long_way() {
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut xs =
            vec![f64::from_bits(0x4307_c058_6dbc_15c2), 0.5, 1.5, 2.5, 100.0, 1e15, 2f64.powi(53) + 2.0, 1e-4, 1e-5];
        // Either side of the ends of the positional range.
        for end in [1e-4f64, 1e16, 1e-5] {
            for k in 1..=3 {
                xs.extend([f64::from_bits(end.to_bits() - k), f64::from_bits(end.to_bits() + k)]);
            }
        }
        for _ in 0..300_000 {
            xs.push(f64::from_bits(next()));
            xs.push((next() % 10_000_000) as f64 / 100.0);
            xs.push((next() % 100_000) as f64 * 10f64.powi((next() % 30) as i32 - 12));
            xs.push(((next() % (1 << 20)) as f64 + 0.5) * 2f64.powi((next() % 40) as i32 - 5));
        }
        let mut fast = 0;
        for &x in xs.iter().filter(|x| x.is_finite() && **x != 0.0) {
            let mut buf = zmij::Buffer::new();
            fast += usize::from(is_python_layout(buf.format_finite(x).as_bytes(), x));
            assert_eq!(float_repr(x).as_str(), laid_out(x).as_str(), "{x:e}");
            let mut b = crate::StrBuf::new();
            push_float_repr(x, &mut b).unwrap();
            assert_eq!(b.text(), crate::Text::Ucs1(float_repr(x).as_bytes()), "{x:e}");
        }
        assert!(fast > xs.len() / 2, "{fast} of {}", xs.len());
    }

    #[test]
    fn layouts() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e16, "1.5e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (1e100, "1e+100"),
            (12345.678, "12345.678"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (9007199254740993.0, "9007199254740992.0"),
            (f64::from_bits(0x4307_c058_6dbc_15c2), "835676311880376.2"),
            (2.5, "2.5"),
            (1e23, "1e+23"),
        ];
        for &(x, want) in cases {
            assert_eq!(float_repr(x).as_str(), want, "{x:e}");
        }
    }
}
