//! CPython's `binascii` module in Rust: the Python surface (signatures,
//! docstrings, argument conversion, exceptions) over the algorithms of
//! `oxpy-binascii-core`. Output is written straight into new `bytes`.
#![forbid(unsafe_code)]

use oxpy::args::{stdlib_flag, u32_bitwise};
use oxpy::buffer::{AsciiSlot, BufferSlot};
use oxpy::err::exceptions::{MemoryError, TypeError, ValueError};
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::types::{PyAny, PyBytes, PyModule, PyStr, PyType};
use oxpy::{Borrowed, Bound, PyResult, Python, Raised, Unbound};
use oxpy_binascii_core::{self as core, PyVersion};

const VERSION: PyVersion = PyVersion { minor: oxpy::PY_MINOR_VERSION };

/// The module state: its exception classes.
pub struct State {
    error: Unbound<PyType>,
    incomplete: Unbound<PyType>,
}

impl ModuleState for State {
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        let py = module.py();
        let error = PyType::new_exception(py, c"binascii.Error", None, Some(ValueError::type_object(py)))?;
        module.add(c"Error", &error.clone_ref().into_any())?;
        let incomplete = PyType::new_exception(py, c"binascii.Incomplete", None, None)?;
        module.add(c"Incomplete", &incomplete.clone_ref().into_any())?;
        Ok(State { error: error.unbind(), incomplete: incomplete.unbind() })
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        visit.call(&self.error)?;
        visit.call(&self.incomplete)
    }
}

oxpy::module! {
    name: binascii,
    doc: "Conversion between binary data and ASCII",
    state: State,
    functions: [
        a2b_uu, b2a_uu, a2b_base64, b2a_base64, crc_hqx, crc32, b2a_hex, hexlify,
        a2b_hex, unhexlify, a2b_qp, b2a_qp,
    ],
}

/// Raises `binascii.Error` with the core's message.
#[cold]
fn error(module: Borrowed<'_, '_, PyModule>, e: core::Error) -> Raised {
    match module.state::<State>() {
        Ok(state) => Raised::new(state.error.bind(module.py()), &e.0),
        Err(raised) => raised,
    }
}

/// An output length C cannot allocate either.
fn length(py: Python<'_>, len: Option<usize>) -> PyResult<usize> {
    len.ok_or_else(|| MemoryError::raise_empty(py))
}

/// Decode a line of uuencoded data.
#[oxpy::function(text_signature = "($module, data, /)")]
fn a2b_uu<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(slot = AsciiSlot)] data: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_filled(py, core::uu::decoded_len(data), |out| {
        core::uu::decode_into(data, out).map_err(|e| error(module, e))
    })
}

/// Uuencode line of data.
#[oxpy::function(text_signature = "($module, data, /, *, backtick=False)")]
fn b2a_uu<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(with = stdlib_flag)] backtick: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let len = core::uu::encoded_len(data.len()).map_err(|e| error(module, e))?;
    PyBytes::new_filled(py, len, |out| {
        core::uu::encode_into(data, backtick, out);
        Ok(())
    })
}

/// Decode a line of base64 data.
///
///   strict_mode
///     When set to True, bytes that are not part of the base64 standard are not allowed.
///     The same applies to excess data after padding (= / ==).
#[oxpy::function(text_signature = "($module, data, /, *, strict_mode=False)")]
fn a2b_base64<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(slot = AsciiSlot)] data: &[u8],
    #[arg(with = stdlib_flag)] strict_mode: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_shrunk(py, core::base64::decoded_max_len(data.len()), |out| {
        core::base64::decode_into(data, strict_mode, VERSION, out).map_err(|e| error(module, e))
    })
}

/// Base64-code line of data.
#[oxpy::function(text_signature = "($module, data, /, *, newline=True)")]
fn b2a_base64<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(with = stdlib_flag)] newline: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let len = core::base64::encoded_len(data.len(), newline).map_err(|e| error(module, e))?;
    PyBytes::new_filled(py, len, |out| {
        core::base64::encode_into(data, newline, out);
        Ok(())
    })
}

/// Compute CRC-CCITT incrementally.
#[oxpy::function(text_signature = "($module, data, crc, /)")]
fn crc_hqx(
    py: Python<'_>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(with = u32_bitwise)] crc: u32,
) -> PyResult<u32> {
    let _ = py;
    Ok(core::crc::crc_hqx(data, crc))
}

/// Compute CRC-32 incrementally.
#[oxpy::function(text_signature = "($module, data, crc=0, /)")]
fn crc32(py: Python<'_>, #[arg(slot = BufferSlot)] data: &[u8], #[arg(with = u32_bitwise)] crc: u32) -> PyResult<u32> {
    let _ = py;
    Ok(core::crc::crc32(data, crc))
}

/// `_Py_strhex_impl`'s separator: a str or bytes of length 1. For bytes
/// output any Latin-1 character or byte is accepted; wider characters are
/// "not ASCII" (C checks the string's storage kind).
fn separator(sep: Option<Borrowed<'_, '_, PyAny>>) -> PyResult<Option<u8>> {
    let Some(sep) = sep else { return Ok(None) };
    let py = sep.py();
    if sep.len()? != 1 {
        return Err(ValueError::raise(py, "sep must be length 1."));
    }
    if let Some(s) = sep.downcast::<PyStr>() {
        return match u8::try_from(s.first_char()?) {
            Ok(c) => Ok(Some(c)),
            Err(_) => Err(ValueError::raise(py, "sep must be ASCII.")),
        };
    }
    match sep.downcast::<PyBytes>() {
        Some(b) => Ok(b.as_bytes().first().copied()),
        None => Err(TypeError::raise(py, "sep must be str or bytes.")),
    }
}

fn hex<'py>(
    py: Python<'py>,
    data: &[u8],
    sep: Option<Borrowed<'_, 'py, PyAny>>,
    bytes_per_sep: i32,
) -> PyResult<Bound<'py, PyBytes>> {
    let sep = separator(sep)?;
    let len = length(py, core::hex::encoded_len(data.len(), sep, bytes_per_sep.into()))?;
    PyBytes::new_filled(py, len, |out| {
        core::hex::encode_into(data, sep, bytes_per_sep.into(), out);
        Ok(())
    })
}

/// Hexadecimal representation of binary data.
///
///   sep
///     An optional single character or byte to separate hex bytes.
///   bytes_per_sep
///     How many bytes between separators.  Positive values count from the
///     right, negative values count from the left.
///
/// The return value is a bytes object.  This function is also
/// available as "hexlify()".
///
/// Example:
/// >>> binascii.b2a_hex(b'\xb9\x01\xef')
/// b'b901ef'
/// >>> binascii.hexlify(b'\xb9\x01\xef', ':')
/// b'b9:01:ef'
/// >>> binascii.b2a_hex(b'\xb9\x01\xef', b'_', 2)
/// b'b9_01ef'
#[oxpy::function(text_signature = "($module, /, data, sep=<unrepresentable>, bytes_per_sep=1)")]
fn b2a_hex<'a, 'py>(
    py: Python<'py>,
    #[arg(slot = BufferSlot)] data: &[u8],
    sep: Option<Borrowed<'a, 'py, PyAny>>,
    bytes_per_sep: i32,
) -> PyResult<Bound<'py, PyBytes>> {
    hex(py, data, sep, bytes_per_sep)
}

/// Hexadecimal representation of binary data.
///
///   sep
///     An optional single character or byte to separate hex bytes.
///   bytes_per_sep
///     How many bytes between separators.  Positive values count from the
///     right, negative values count from the left.
///
/// The return value is a bytes object.  This function is also
/// available as "b2a_hex()".
#[oxpy::function(text_signature = "($module, /, data, sep=<unrepresentable>, bytes_per_sep=1)")]
fn hexlify<'a, 'py>(
    py: Python<'py>,
    #[arg(slot = BufferSlot)] data: &[u8],
    sep: Option<Borrowed<'a, 'py, PyAny>>,
    bytes_per_sep: i32,
) -> PyResult<Bound<'py, PyBytes>> {
    hex(py, data, sep, bytes_per_sep)
}

fn unhex<'py>(py: Python<'py>, module: Borrowed<'_, 'py, PyModule>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_filled(py, core::hex::decoded_len(data.len()), |out| {
        core::hex::decode_into(data, out).map_err(|e| error(module, e))
    })
}

/// Binary data of hexadecimal representation.
///
/// hexstr must contain an even number of hex digits (upper or lower case).
/// This function is also available as "unhexlify()".
#[oxpy::function(text_signature = "($module, hexstr, /)")]
fn a2b_hex<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(slot = AsciiSlot)] hexstr: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    unhex(py, module, hexstr)
}

/// Binary data of hexadecimal representation.
///
/// hexstr must contain an even number of hex digits (upper or lower case).
#[oxpy::function(text_signature = "($module, hexstr, /)")]
fn unhexlify<'a, 'py>(
    py: Python<'py>,
    module: Borrowed<'a, 'py, PyModule>,
    #[arg(slot = AsciiSlot)] hexstr: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    unhex(py, module, hexstr)
}

/// Decode a string of qp-encoded data.
#[oxpy::function(text_signature = "($module, /, data, header=False)")]
fn a2b_qp<'py>(
    py: Python<'py>,
    #[arg(slot = AsciiSlot)] data: &[u8],
    #[arg(with = stdlib_flag)] header: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_shrunk(py, core::qp::decoded_max_len(data.len()), |out| Ok(core::qp::decode_into(data, header, out)))
}

/// Encode a string using quoted-printable encoding.
///
/// On encoding, when istext is set, newlines are not encoded, and white
/// space at end of lines is.  When istext is not set, \r and \n (CR/LF)
/// are both encoded.  When quotetabs is set, space and tabs are encoded.
#[oxpy::function(text_signature = "($module, /, data, quotetabs=False, istext=True, header=False)")]
fn b2a_qp<'py>(
    py: Python<'py>,
    #[arg(slot = BufferSlot)] data: &[u8],
    #[arg(with = stdlib_flag)] quotetabs: bool,
    #[arg(with = stdlib_flag)] istext: bool,
    #[arg(with = stdlib_flag)] header: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = core::qp::Options { quotetabs, istext, header };
    let max = length(py, core::qp::encoded_max_len(data, options))?;
    PyBytes::new_shrunk(py, max, |out| Ok(core::qp::encode_into(data, options, out)))
}
