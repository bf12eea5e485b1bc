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
    /// How one value is read (and written): kind, size and byte order in one.
    pub read: Read,
    /// For integer codes, the range that packs without error:
    /// `min <= x && (x < 0 || x as u64 <= max)`.
    pub min: i64,
    pub max: u64,
    pub offset: usize,
    pub size: usize,
    pub repeat: usize,
}

/// The reading of one value (`Kind`, size and byte order flattened, so
/// unpacking dispatches once per value).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Read {
    I8,
    U8,
    I16Le,
    I16Be,
    U16Le,
    U16Be,
    I32Le,
    I32Be,
    U32Le,
    U32Be,
    I64Le,
    I64Be,
    U64Le,
    U64Be,
    Bool,
    HalfLe,
    HalfBe,
    FloatLe,
    FloatBe,
    DoubleLe,
    DoubleBe,
    Char,
    Str,
    Pascal,
}

impl Read {
    fn of(kind: Kind, size: usize, table: Table) -> Read {
        let be = table == Table::Big;
        let pick = |le, big| if be { big } else { le };
        match (kind, size) {
            (Kind::Int { signed: true }, 1) => Read::I8,
            (Kind::Int { signed: false }, 1) => Read::U8,
            (Kind::Int { signed: true }, 2) => pick(Read::I16Le, Read::I16Be),
            (Kind::Int { signed: false }, 2) => pick(Read::U16Le, Read::U16Be),
            (Kind::Int { signed: true }, 4) => pick(Read::I32Le, Read::I32Be),
            (Kind::Int { signed: false }, 4) => pick(Read::U32Le, Read::U32Be),
            (Kind::Int { signed: true }, _) => pick(Read::I64Le, Read::I64Be),
            (Kind::Int { signed: false } | Kind::Pointer, _) => pick(Read::U64Le, Read::U64Be),
            (Kind::Bool, _) => Read::Bool,
            (Kind::Half, _) => pick(Read::HalfLe, Read::HalfBe),
            (Kind::Float, _) => pick(Read::FloatLe, Read::FloatBe),
            (Kind::Double, _) => pick(Read::DoubleLe, Read::DoubleBe),
            (Kind::Char, _) => Read::Char,
            (Kind::Str | Kind::Pad, _) => Read::Str,
            (Kind::Pascal, _) => Read::Pascal,
        }
    }
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

/// The range `(min, max)` of an integer code (see [`Code::min`]).
fn int_range(kind: Kind, size: usize) -> (i64, u64) {
    match kind {
        Kind::Int { signed: true } => {
            let max = u64::MAX >> (65 - 8 * size);
            (!(max as i64), max)
        }
        Kind::Int { signed: false } | Kind::Pointer => (0, u64::MAX >> (64 - 8 * size)),
        _ => (0, 0),
    }
}

impl Code {
    /// Whether integer `x` packs as is (no error) for this integer code.
    #[inline(always)]
    pub fn fits(&self, x: i64) -> bool {
        x >= self.min && (x < 0 || x as u64 <= self.max)
    }
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
    // Most formats have a code per character: no regrowth for short ones.
    let mut codes = Vec::with_capacity(body.len().min(16));
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
            // Alignments are powers of two: C's `% align` as a mask.
            debug_assert!(align.is_power_of_two());
            let extra = (align - 1) - ((size - 1) & (align - 1));
            if extra > MAX - size {
                return Err(FormatError::TooLong);
            }
            size += extra;
        }
        // C's `num > (MAX - size) / itemsize`, without a division.
        if num.checked_mul(itemsize).is_none_or(|bytes| bytes > MAX - size) {
            return Err(FormatError::TooLong);
        }
        match kind {
            Kind::Pad => {}
            Kind::Str | Kind::Pascal => {
                len += 1;
                let read = Read::of(kind, num, table);
                codes.push(Code { ch: c, kind, read, min: 0, max: 0, offset: size, size: num, repeat: 1 });
            }
            _ => {
                len += num;
                if num > 0 {
                    let read = Read::of(kind, itemsize, table);
                    let (min, max) = int_range(kind, itemsize);
                    codes.push(Code { ch: c, kind, read, min, max, offset: size, size: itemsize, repeat: num });
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

/// Writes the low bytes of `bits` at `out[at..]` as `read` reads them
/// (the code's size and byte order).
#[inline(always)]
pub fn write_bits(read: Read, bits: u64, out: &mut [u8], at: usize) {
    use Read::*;
    match read {
        I8 | U8 | Bool | Char | Str | Pascal => out[at] = bits as u8,
        I16Le | U16Le | HalfLe => out[at..at + 2].copy_from_slice(&(bits as u16).to_le_bytes()),
        I16Be | U16Be | HalfBe => out[at..at + 2].copy_from_slice(&(bits as u16).to_be_bytes()),
        I32Le | U32Le | FloatLe => out[at..at + 4].copy_from_slice(&(bits as u32).to_le_bytes()),
        I32Be | U32Be | FloatBe => out[at..at + 4].copy_from_slice(&(bits as u32).to_be_bytes()),
        I64Le | U64Le | DoubleLe => out[at..at + 8].copy_from_slice(&bits.to_le_bytes()),
        I64Be | U64Be | DoubleBe => out[at..at + 8].copy_from_slice(&bits.to_be_bytes()),
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
        let shape: Vec<(u8, usize, usize, usize)> =
            f.codes.iter().map(|c| (c.ch, c.offset, c.size, c.repeat)).collect();
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
        let code = |ch, size, signed| {
            let kind = Kind::Int { signed };
            let (min, max) = int_range(kind, size);
            Code { ch, kind, read: Read::of(kind, size, Table::Native), min, max, offset: 0, size, repeat: 1 }
        };
        let b = code(b'b', 1, true);
        let err = |e: Result<u64, IntError>| match e {
            Err(IntError::Struct(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            err(int_bits(12, Table::Native, &b, IntArg::Signed(200))),
            "'b' format requires -128 <= number <= 127"
        );
        assert_eq!(
            err(int_bits(11, Table::Native, &b, IntArg::Signed(200))),
            "byte format requires -128 <= number <= 127"
        );
        assert_eq!(err(int_bits(11, Table::Native, &b, IntArg::TooLarge)), "argument out of range");
        let big_h = code(b'H', 2, false);
        assert_eq!(err(int_bits(11, Table::Big, &big_h, IntArg::Signed(-1))), "argument out of range");
        assert_eq!(
            err(int_bits(11, Table::Little, &big_h, IntArg::Signed(-1))),
            "ushort format requires 0 <= number <= 65535"
        );
        let q = code(b'Q', 8, false);
        assert_eq!(
            int_bits(11, Table::Big, &q, IntArg::Signed(-1)),
            Err(IntError::Overflow("can't convert negative int to unsigned"))
        );
        assert_eq!(int_bits(12, Table::Big, &q, IntArg::Unsigned(u64::MAX)), Ok(u64::MAX));
    }
}
