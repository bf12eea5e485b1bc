//! binascii's algorithms in pure Rust (no Python types), with the exact
//! semantics of CPython's `Modules/binascii.c` (and `Python/pystrhex.c` for
//! `hexlify`'s separators) in CPython 3.11–3.13.
//!
//! Crates used, for speed with safe APIs and runtime CPU dispatch (the build
//! is not `target-cpu=native`): `base64-simd` (AVX2/SSSE3 base64, `detect`
//! feature), `faster-hex` (AVX2/SSE4.1 hex), `crc32fast` (PCLMULQDQ CRC-32),
//! `memchr` (line-break search in base64 input, long runs in quoted-printable
//! input).
//!
//! # Output-buffer protocol
//!
//! The glue writes results straight into a new Python `bytes`, so every
//! transform is a *length function* plus an *`_into` function* that fills a
//! caller-allocated `&mut [u8]`:
//!
//! | transform | length function | writer returns |
//! |---|---|---|
//! | `b2a_base64` | [`base64::encoded_len`] (exact) | `()` |
//! | `a2b_base64` | [`base64::decoded_max_len`] (bound) | bytes written |
//! | `b2a_hex` | [`hex::encoded_len`] (exact) | `()` |
//! | `a2b_hex` | [`hex::decoded_len`] (exact) | `()` |
//! | `b2a_qp` | [`qp::encoded_max_len`] (bound) | bytes written |
//! | `a2b_qp` | [`qp::decoded_max_len`] (bound) | bytes written |
//! | `b2a_uu` | [`uu::encoded_len`] (exact) | `()` |
//! | `a2b_uu` | [`uu::decoded_len`] (exact) | `()` |
//!
//! "Bound" means: allocate that many bytes, then shrink to the returned count.
//! `out` must be exactly the length given (at least it, for bounds). The
//! writers never panic: if `out` has the wrong length, they write what fits
//! and the content is unspecified.
//!
//! Errors that C raises as `binascii.Error` are [`Error`]; a length function
//! returning `None` means C raises `MemoryError` (sizes near `isize::MAX`).
//! `crc32`/`crc_hqx` cannot fail. Behaviour that differs between CPython
//! versions takes a [`PyVersion`] (only `a2b_base64` in strict mode).
//!
//! Argument conversion stays in the glue: e.g. `crc_hqx`'s and `crc32`'s
//! `crc` arrive as C's `unsigned int` (taken bitwise), `hexlify`'s
//! `bytes_per_sep` within C's `int` range.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

pub mod base64;
pub mod crc;
pub mod hex;
pub mod qp;
pub mod uu;

/// A `binascii.Error` (subclass of `ValueError`) with C's exact message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub Cow<'static, str>);

impl Error {
    pub(crate) const fn new(msg: &'static str) -> Self {
        Error(Cow::Borrowed(msg))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The CPython 3.x minor version whose behaviour to reproduce, where versions
/// differ (only `a2b_base64(strict_mode=True)` so far).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyVersion {
    /// The `x` of 3.x.
    pub minor: u8,
}

impl PyVersion {
    /// CPython 3.11.
    pub const V3_11: PyVersion = PyVersion { minor: 11 };
    /// CPython 3.12.
    pub const V3_12: PyVersion = PyVersion { minor: 12 };
    /// CPython 3.13.
    pub const V3_13: PyVersion = PyVersion { minor: 13 };
}
