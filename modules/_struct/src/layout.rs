//! The struct format language without Python: compiling a format (C's
//! `prepare_s`), the layout of each format character per byte-order table,
//! and the byte-level conversions with C's range checks and messages.
//!
//! Sizes and alignments are those of CPython on x86-64 Linux (LP64, little
//! endian), the platform oxpy builds for.

/// Which of C's three format tables a format uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Table {
    /// `@` (or no prefix): native sizes, alignment and byte order.
    Native,
    /// `<`, and `=` (native order is little endian): standard sizes.
    Little,
    /// `>` and `!`: standard sizes.
    Big,
}

/// What a format character packs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// `x`: a pad byte (no value; never a [`Code`]).
    Pad,
    /// `c`: a bytes object of length 1.
    Char,
    /// Integers (`bBhHiIlLqQnN`).
    Int { signed: bool },
    /// `?`
    Bool,
    /// `e`: IEEE half precision.
    Half,
    /// `f`
    Float,
    /// `d`
    Double,
    /// `s`: a byte string of the repeat count's length.
    Str,
    /// `p`: a Pascal string (length byte, then the bytes).
    Pascal,
    /// `P` (native only): a pointer-sized integer.
    Pointer,
}

/// One compiled format item: `repeat` values of `ch` from `offset`, each
/// `size` bytes (`s` and `p`: one value of `size` bytes).
#[derive(Clone, Copy, Debug)]
pub struct Code {
    pub ch: u8,
    pub kind: Kind,
    pub offset: usize,
    pub size: usize,
    pub repeat: usize,
}

/// A compiled format.
#[derive(Clone, Debug)]
pub struct Format {
    pub table: Table,
    pub codes: Vec<Code>,
    /// The packed size in bytes (`-1`: the uninitialised struct of a bare
    /// `Struct.__new__`).
    pub size: isize,
    /// The number of values packed (`-1` when uninitialised).
    pub len: isize,
}

impl Format {
    /// The format of a `Struct` created by `__new__` without `__init__`.
    pub const UNINITIALISED: Format = Format { table: Table::Native, codes: Vec::new(), size: -1, len: -1 };
}

/// Why a format does not compile; [`FormatError::message`] is C's text
/// (a `struct.error`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FormatError {
    EmbeddedNull,
    RepeatWithoutFormat,
    BadChar,
    TooLong,
}

impl FormatError {
    pub fn message(self) -> &'static str {
        match self {
            FormatError::EmbeddedNull => "embedded null character",
            FormatError::RepeatWithoutFormat => "repeat count given without format specifier",
            FormatError::BadChar => "bad char in struct format",
            FormatError::TooLong => "total struct size too long",
        }
    }
}

/// `(kind, size, alignment)` of `c` in `table`; `None`: "bad char".
fn entry(table: Table, c: u8) -> Option<(Kind, usize, usize)> {
    let int = |signed, size| Some((Kind::Int { signed }, size, size));
    let native = table == Table::Native;
    let e = match c {
        b'x' => Some((Kind::Pad, 1, 1)),
        b'c' => Some((Kind::Char, 1, 1)),
        b'b' => int(true, 1),
        b'B' => int(false, 1),
        b'?' => Some((Kind::Bool, 1, 1)),
        b'h' => int(true, 2),
        b'H' => int(false, 2),
        b'i' => int(true, 4),
        b'I' => int(false, 4),
        b'l' => int(true, if native { 8 } else { 4 }),
        b'L' => int(false, if native { 8 } else { 4 }),
        b'q' => int(true, 8),
        b'Q' => int(false, 8),
        b'n' if native => int(true, 8),
        b'N' if native => int(false, 8),
        b'P' if native => Some((Kind::Pointer, 8, 8)),
        b'e' => Some((Kind::Half, 2, 2)),
        b'f' => Some((Kind::Float, 4, 4)),
        b'd' => Some((Kind::Double, 8, 8)),
        b's' => Some((Kind::Str, 1, 1)),
        b'p' => Some((Kind::Pascal, 1, 1)),
        _ => None,
    };
    // Standard sizes have no alignment.
    e.map(|(k, size, align)| (k, size, if native { align } else { 0 }))
}

/// C's `Py_ISSPACE`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Compiles `fmt` (C's `prepare_s`, with its checks in its order).
pub fn compile(fmt: &[u8]) -> Result<Format, FormatError> {
    if fmt.contains(&0) {
        return Err(FormatError::EmbeddedNull);
    }
    let (table, body) = match fmt.first() {
        Some(b'<' | b'=') => (Table::Little, &fmt[1..]),
        Some(b'>' | b'!') => (Table::Big, &fmt[1..]),
        Some(b'@') => (Table::Native, &fmt[1..]),
        _ => (Table::Native, fmt),
    };
    const MAX: usize = isize::MAX as usize;
    let mut codes = Vec::new();
    let (mut size, mut len) = (0usize, 0usize);
    let mut i = 0;
    while i < body.len() {
        let mut c = body[i];
        i += 1;
        if is_space(c) {
            continue;
        }
        let num = if c.is_ascii_digit() {
            let mut num = usize::from(c - b'0');
            loop {
                c = *body.get(i).unwrap_or(&0);
                i += 1;
                if !c.is_ascii_digit() {
                    break;
                }
                let d = usize::from(c - b'0');
                if num >= MAX / 10 && (num > MAX / 10 || d > MAX % 10) {
                    return Err(FormatError::TooLong);
                }
                num = num * 10 + d;
            }
            if c == 0 {
                return Err(FormatError::RepeatWithoutFormat);
            }
            num
        } else {
            1
        };
        let (kind, itemsize, align) = entry(table, c).ok_or(FormatError::BadChar)?;
        if align > 0 && size > 0 {
            let extra = (align - 1) - (size - 1) % align;
            if extra > MAX - size {
                return Err(FormatError::TooLong);
            }
            size += extra;
        }
        if num > (MAX - size) / itemsize {
            return Err(FormatError::TooLong);
        }
        match kind {
            Kind::Pad => {}
            Kind::Str | Kind::Pascal => {
                len += 1;
                codes.push(Code { ch: c, kind, offset: size, size: num, repeat: 1 });
            }
            _ => {
                len += num;
                if num > 0 {
                    codes.push(Code { ch: c, kind, offset: size, size: itemsize, repeat: num });
                }
            }
        }
        size += num * itemsize;
    }
    Ok(Format { table, codes, size: size as isize, len: len as isize })
}

/// An integer argument as 64-bit C conversions see it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IntArg {
    Signed(i64),
    /// Above `i64::MAX`.
    Unsigned(u64),
    /// Above `u64::MAX`.
    TooLarge,
    /// Below `i64::MIN`.
    TooSmall,
}

/// Why an integer does not pack.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum IntError {
    /// `struct.error(message)`.
    Struct(String),
    /// `OverflowError(message)`, which the caller reports as `struct.error:
    /// int too large to convert` when the argument itself was an int (C's
    /// `s_pack_internal`).
    Overflow(&'static str),
}

/// C's `_range_error` message for a `size`-byte integer format `ch`.
fn range_message(ch: u8, size: usize, signed: bool) -> String {
    let ulargest = u64::MAX >> (64 - 8 * size);
    let ch = char::from(ch);
    if signed {
        let largest = (ulargest >> 1) as i64;
        format!("'{ch}' format requires {} <= number <= {largest}", !largest)
    } else {
        format!("'{ch}' format requires 0 <= number <= {ulargest}")
    }
}

/// Whether an `OverflowError` raised by the argument's `__index__` becomes
/// the format's range error (3.12+, except the standard big-endian `q`/`Q`
/// and `P`, which convert after C's `get_pylong`).
pub fn index_overflow_is_range_error(minor: u8, table: Table, code: &Code) -> bool {
    minor >= 12 && code.kind != Kind::Pointer && !(table == Table::Big && matches!(code.ch, b'q' | b'Q'))
}

/// The range error message of integer code `code` (see
/// [`index_overflow_is_range_error`]).
pub fn code_range_message(code: &Code) -> String {
    let signed = matches!(code.kind, Kind::Int { signed: true });
    range_message(code.ch, code.size, signed)
}

/// The bits of integer `v` for integer code `code` (`Kind::Int` or
/// `Kind::Pointer`), with the errors of the C module of Python 3.`minor`.
pub fn int_bits(minor: u8, table: Table, code: &Code, v: IntArg) -> Result<u64, IntError> {
    let (ch, size) = (code.ch, code.size);
    if code.kind == Kind::Pointer {
        // PyLong_AsVoidPtr: PyLong_AsLong for negatives, else
        // PyLong_AsUnsignedLong.
        return match v {
            IntArg::Signed(x) => Ok(x as u64),
            IntArg::Unsigned(x) => Ok(x),
            IntArg::TooSmall => Err(IntError::Overflow("Python int too large to convert to C long")),
            IntArg::TooLarge => Err(IntError::Overflow("Python int too large to convert to C unsigned long")),
        };
    }
    let signed = matches!(code.kind, Kind::Int { signed: true });
    let (min, max): (i128, i128) = if signed {
        (-(1i128 << (8 * size - 1)), (1i128 << (8 * size - 1)) - 1)
    } else {
        (0, (1i128 << (8 * size)) - 1)
    };
    let value: Option<i128> = match v {
        IntArg::Signed(x) => Some(x.into()),
        IntArg::Unsigned(x) => Some(x.into()),
        IntArg::TooLarge | IntArg::TooSmall => None,
    };
    let in_range = value.is_some_and(|x| (min..=max).contains(&x));
    if in_range {
        return Ok(value.unwrap_or(0) as u64);
    }
    if minor >= 12 {
        return Err(IntError::Struct(range_message(ch, size, signed)));
    }
    // 3.11: which C function packs the code decides the error.
    if table == Table::Big && matches!(ch, b'q' | b'Q') {
        // bp_longlong / bp_ulonglong: _PyLong_AsByteArray.
        let negative = matches!(v, IntArg::TooSmall) || matches!(v, IntArg::Signed(x) if x < 0);
        return Err(IntError::Overflow(if !signed && negative {
            "can't convert negative int to unsigned"
        } else {
            "int too big to convert"
        }));
    }
    // First the conversion to C's long / unsigned long (np_ubyte and
    // np_ushort, and so their standard little-endian twins, use long).
    let unsigned_long = !signed && ch != b'B' && !(ch == b'H' && table != Table::Big);
    let converts = match v {
        IntArg::Signed(x) => !unsigned_long || x >= 0,
        IntArg::Unsigned(_) => unsigned_long,
        IntArg::TooLarge | IntArg::TooSmall => false,
    };
    if !converts {
        return Err(IntError::Struct("argument out of range".into()));
    }
    let message = match ch {
        b'b' => "byte format requires -128 <= number <= 127".into(),
        b'B' => "ubyte format requires 0 <= number <= 255".into(),
        b'h' if table != Table::Big => "short format requires -32768 <= number <= 32767".into(),
        b'H' if table != Table::Big => "ushort format requires 0 <= number <= 65535".into(),
        _ => range_message(ch, size, signed),
    };
    Err(IntError::Struct(message))
}

/// Writes the low `out.len()` bytes of `bits` in the table's byte order.
pub fn write_bits(table: Table, bits: u64, out: &mut [u8]) {
    let n = out.len();
    if table == Table::Big {
        out.copy_from_slice(&bits.to_be_bytes()[8 - n..]);
    } else {
        out.copy_from_slice(&bits.to_le_bytes()[..n]);
    }
}

/// Reads `bytes` (1 to 8) in the table's byte order; sign-extends if asked.
pub fn read_bits(table: Table, bytes: &[u8], signed: bool) -> u64 {
    let n = bytes.len();
    let mut raw = [0u8; 8];
    let v = if table == Table::Big {
        raw[8 - n..].copy_from_slice(bytes);
        u64::from_be_bytes(raw)
    } else {
        raw[..n].copy_from_slice(bytes);
        u64::from_le_bytes(raw)
    };
    if signed && n < 8 {
        let shift = 64 - 8 * n as u32;
        (((v << shift) as i64) >> shift) as u64
    } else {
        v
    }
}

/// `PyFloat_Pack2`: the IEEE half-precision bits of `x`, rounded to
/// nearest-even; `None` when it overflows.
pub fn pack_half(x: f64) -> Option<u16> {
    let sign = u16::from(x.is_sign_negative()) << 15;
    if x.is_nan() {
        return Some(sign | 0x7e00);
    }
    if x.is_infinite() {
        return Some(sign | 0x7c00);
    }
    let a = x.abs();
    // Scaling by powers of two is exact, so each rounding below is the
    // single round-to-nearest-even of the exact value.
    let bits = if a < f64::from_bits(0x3f10_0000_0000_0000) {
        // Below 2**-14: subnormal, in units of 2**-24 (1024 is the
        // smallest normal's encoding, reached by rounding up).
        (a * 16_777_216.0).round_ties_even() as u32
    } else {
        let e = ((a.to_bits() >> 52) as i32) - 1023;
        let m = a / f64::from_bits(((e + 1023) as u64) << 52);
        let frac = ((m - 1.0) * 1024.0).round_ties_even() as u32;
        // A carry out of the fraction bumps the exponent, as in C.
        (((e + 15) as u32) << 10) + frac
    };
    if bits >= 0x7c00 {
        return None;
    }
    Some(sign | bits as u16)
}

/// `PyFloat_Unpack2`.
pub fn unpack_half(bits: u16) -> f64 {
    let negative = bits & 0x8000 != 0;
    let e = i32::from((bits >> 10) & 0x1f);
    let f = f64::from(bits & 0x3ff);
    let x = if e == 0x1f {
        if f == 0.0 { f64::INFINITY } else { f64::NAN }
    } else if e == 0 {
        f / 1024.0 * 2f64.powi(-14)
    } else {
        (1.0 + f / 1024.0) * 2f64.powi(e - 15)
    };
    if negative { -x } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_like_c() {
        let f = compile(b"@bi0l 3s2x?").unwrap();
        assert_eq!((f.size, f.len), (14, 4));
        let shape: Vec<(u8, usize, usize, usize)> = f.codes.iter().map(|c| (c.ch, c.offset, c.size, c.repeat)).collect();
        assert_eq!(shape, [(b'b', 0, 1, 1), (b'i', 4, 4, 1), (b's', 8, 3, 1), (b'?', 13, 1, 1)]);
        assert_eq!(compile(b"<bi").unwrap().size, 5);
        assert_eq!(compile(b"3").unwrap_err(), FormatError::RepeatWithoutFormat);
        assert_eq!(compile(b"3 i").unwrap_err(), FormatError::BadChar);
        assert_eq!(compile(b"<n").unwrap_err(), FormatError::BadChar);
        assert_eq!(compile(b"i\0").unwrap_err(), FormatError::EmbeddedNull);
        assert_eq!(compile(b"9223372036854775807x").unwrap().size, isize::MAX);
        assert_eq!(compile(b"9223372036854775807i").unwrap_err(), FormatError::TooLong);
        assert_eq!(compile(b"99999999999999999999i").unwrap_err(), FormatError::TooLong);
    }

    #[test]
    fn half_precision_rounds_to_nearest_even() {
        assert_eq!(pack_half(1.0), Some(0x3c00));
        assert_eq!(pack_half(65504.0), Some(0x7bff));
        assert_eq!(pack_half(65519.99), Some(0x7bff));
        assert_eq!(pack_half(65520.0), None);
        assert_eq!(pack_half(2f64.powi(-24)), Some(1));
        assert_eq!(pack_half(2f64.powi(-25)), Some(0));
        assert_eq!(pack_half(2f64.powi(-25) * 1.0000001), Some(1));
        assert_eq!(pack_half(-0.0), Some(0x8000));
        assert_eq!(pack_half(1.0 + 2f64.powi(-11)), Some(0x3c00));
        assert_eq!(pack_half(1.0 + 3.0 * 2f64.powi(-11)), Some(0x3c02));
        for bits in 0..0x7c00u16 {
            assert_eq!(pack_half(unpack_half(bits)), Some(bits));
        }
    }

    #[test]
    fn integer_errors_follow_each_version() {
        let code = |ch, size, signed| Code { ch, kind: Kind::Int { signed }, offset: 0, size, repeat: 1 };
        let b = code(b'b', 1, true);
        let err = |e: Result<u64, IntError>| match e {
            Err(IntError::Struct(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(err(int_bits(12, Table::Native, &b, IntArg::Signed(200))), "'b' format requires -128 <= number <= 127");
        assert_eq!(err(int_bits(11, Table::Native, &b, IntArg::Signed(200))), "byte format requires -128 <= number <= 127");
        assert_eq!(err(int_bits(11, Table::Native, &b, IntArg::TooLarge)), "argument out of range");
        let big_h = code(b'H', 2, false);
        assert_eq!(err(int_bits(11, Table::Big, &big_h, IntArg::Signed(-1))), "argument out of range");
        assert_eq!(err(int_bits(11, Table::Little, &big_h, IntArg::Signed(-1))), "ushort format requires 0 <= number <= 65535");
        let q = code(b'Q', 8, false);
        assert_eq!(int_bits(11, Table::Big, &q, IntArg::Signed(-1)), Err(IntError::Overflow("can't convert negative int to unsigned")));
        assert_eq!(int_bits(12, Table::Big, &q, IntArg::Unsigned(u64::MAX)), Ok(u64::MAX));
        assert_eq!(read_bits(Table::Big, &[0xff, 0xfe], true) as i64, -2);
    }
}
