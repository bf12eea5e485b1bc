//! The checks behind the cargo-fuzz targets of `oxpy-binascii-core` (each
//! panics on a violation, which libFuzzer reports as a crash):
//!
//! - `base64`: the SIMD decoder against `base64::decode_scalar` (strict and
//!   not, every CPython version), encode/decode round trips, and no panic on
//!   output buffers of the wrong size;
//! - `hex`: the SIMD decoder against `hex::decode_scalar`, `hexlify` with
//!   separators against a plain `_Py_strhex`, round trips;
//! - `misc`: `crc32` against a bit-at-a-time CRC, `crc_hqx` against
//!   `crc::crc_hqx_bytewise`, quoted-printable encoding against C's write
//!   pass written plainly (and within `encoded_max_len`), qp and uu round
//!   trips, no panic in the uu decoder.
//!
//! The first input byte holds flags and small numbers; the rest is the data.
//! Under Miri, `tests/replay.rs` runs them on fewer generated inputs.

use oxpy_binascii_core::{PyVersion, base64, crc, hex, qp, uu};

#[path = "../../tests/reference/mod.rs"]
mod reference;
pub use reference::{b2a_qp_reference, crc32_reference, strhex_reference};

const VERSIONS: [PyVersion; 3] = [PyVersion::V3_11, PyVersion::V3_12, PyVersion::V3_13];

fn split(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((&flags, rest)) => (flags, rest),
        None => (0, data),
    }
}

fn a2b_base64(data: &[u8], strict: bool, v: PyVersion, scalar: bool) -> Result<Vec<u8>, String> {
    let mut out = vec![0; base64::decoded_max_len(data.len())];
    let r = if scalar {
        base64::decode_scalar(data, strict, v, &mut out)
    } else {
        base64::decode_into(data, strict, v, &mut out)
    };
    let n = r.map_err(|e| e.0.into_owned())?;
    assert!(n <= out.len(), "a2b_base64 wrote {n} bytes into {}", out.len());
    out.truncate(n);
    Ok(out)
}

fn b2a_base64(data: &[u8], newline: bool) -> Vec<u8> {
    let mut out = vec![0; base64::encoded_len(data.len(), newline).expect("small input")];
    base64::encode_into(data, newline, &mut out);
    out
}

/// base64: fast decoder == scalar decoder; round trips; short buffers.
pub fn base64(data: &[u8]) {
    let (flags, data) = split(data);
    for v in VERSIONS {
        for strict in [false, true] {
            let fast = a2b_base64(data, strict, v, false);
            let scalar = a2b_base64(data, strict, v, true);
            assert_eq!(fast, scalar, "strict={strict} {v:?} input {}", data.escape_ascii());
        }
    }
    let newline = flags & 1 != 0;
    let enc = b2a_base64(data, newline);
    assert_eq!(enc.len(), base64::encoded_len(data.len(), newline).unwrap());
    for v in VERSIONS {
        assert_eq!(a2b_base64(&enc, false, v, false).as_deref(), Ok(data), "round trip {v:?}");
    }
    let plain = b2a_base64(data, false);
    assert_eq!(a2b_base64(&plain, true, PyVersion::V3_13, false).as_deref(), Ok(data), "strict round trip");
    // Wrong-sized output buffers: no panic (the content is unspecified).
    let mut short = vec![0; usize::from(flags >> 1) % (data.len() + 1)];
    let _ = base64::decode_into(data, flags & 2 != 0, PyVersion::V3_13, &mut short);
    let _ = base64::decode_scalar(data, flags & 2 != 0, PyVersion::V3_12, &mut short);
    base64::encode_into(data, newline, &mut short);
}


/// hex: fast decoder == scalar decoder; hexlify == reference; round trip.
pub fn hex(data: &[u8]) {
    let (flags, data) = split(data);
    let mut a = vec![0; hex::decoded_len(data.len())];
    let mut b = a.clone();
    let ra = hex::decode_into(data, &mut a);
    let rb = hex::decode_scalar(data, &mut b);
    assert_eq!(ra, rb, "input {}", data.escape_ascii());
    if ra.is_ok() {
        assert_eq!(a, b, "input {}", data.escape_ascii());
    }
    let sep = (flags & 1 != 0).then(|| data.first().copied().unwrap_or(b':'));
    let bps: i64 = match flags >> 5 {
        0 => 1,
        1 => i64::from((flags >> 1) & 15) - 8,
        2 => i64::from(i32::MIN),
        3 => i64::from(i32::MAX),
        4 => -1,
        _ => i64::from(flags >> 1),
    };
    let mut out = vec![0; hex::encoded_len(data.len(), sep, bps).expect("small input")];
    hex::encode_into(data, sep, bps, &mut out);
    assert_eq!(out, strhex_reference(data, sep, bps), "sep {sep:?} bytes_per_sep {bps}");
    let mut plain = vec![0; hex::encoded_len(data.len(), None, 1).unwrap()];
    hex::encode_into(data, None, 1, &mut plain);
    if flags & 2 != 0 {
        plain.make_ascii_uppercase();
    }
    let mut back = vec![0; hex::decoded_len(plain.len())];
    hex::decode_into(&plain, &mut back).expect("valid hex");
    assert_eq!(back, data);
    // Wrong-sized output buffers: no panic.
    let mut short = vec![0; usize::from(flags) % (data.len() + 1)];
    let _ = hex::decode_into(data, &mut short);
    let _ = hex::decode_scalar(data, &mut short);
    hex::encode_into(data, sep, bps, &mut short);
}



fn b2a_qp(data: &[u8], o: qp::Options) -> Vec<u8> {
    let mut out = vec![0; qp::encoded_max_len(data, o).expect("small input")];
    let n = qp::encode_into(data, o, &mut out);
    assert!(n <= out.len(), "b2a_qp wrote {n} bytes into {}", out.len());
    out.truncate(n);
    out
}

fn a2b_qp(data: &[u8], header: bool) -> Vec<u8> {
    let mut out = vec![0; qp::decoded_max_len(data.len())];
    let n = qp::decode_into(data, header, &mut out);
    assert!(n <= out.len(), "a2b_qp wrote {n} bytes into {}", out.len());
    out.truncate(n);
    out
}

/// CRCs, quoted-printable, uu.
pub fn misc(data: &[u8]) {
    let (flags, data) = split(data);
    let start = u32::from(flags).wrapping_mul(0x0101_0101) ^ u32::from(flags >> 3) << 16;
    assert_eq!(crc::crc32(data, start), crc32_reference(data, start), "crc32");
    assert_eq!(crc::crc_hqx(data, start), crc::crc_hqx_bytewise(data, start), "crc_hqx");
    let (a, b) = data.split_at(data.len() / 3);
    assert_eq!(crc::crc32(b, crc::crc32(a, start)), crc::crc32(data, start), "incremental crc32");

    let o = qp::Options { quotetabs: flags & 1 != 0, istext: flags & 2 != 0, header: flags & 4 != 0 };
    let enc = b2a_qp(data, o);
    assert_eq!(enc.escape_ascii().to_string(), b2a_qp_reference(data, o).escape_ascii().to_string(), "{o:?}");
    if !o.istext {
        assert_eq!(a2b_qp(&enc, o.header), data, "qp round trip {o:?}");
    }
    let _ = a2b_qp(data, o.header);

    let mut out = vec![0; uu::decoded_len(data)];
    let _ = uu::decode_into(data, &mut out);
    let line = &data[..data.len().min(45)];
    let mut enc = vec![0; uu::encoded_len(line.len()).expect("45 bytes at most")];
    uu::encode_into(line, flags & 8 != 0, &mut enc);
    let mut dec = vec![0; uu::decoded_len(&enc)];
    uu::decode_into(&enc, &mut dec).expect("valid uu line");
    assert_eq!(dec, line, "uu round trip");
    // Wrong-sized output buffers: no panic.
    let mut short = vec![0; usize::from(flags) % (data.len() + 1)];
    let _ = uu::decode_into(data, &mut short);
    let _ = qp::decode_into(data, o.header, &mut short);
    let _ = qp::encode_into(data, o, &mut short);
}

/// A check: panics if `data` shows a bug.
pub type Check = fn(&[u8]);

/// The checks by target name.
pub const TARGETS: [(&str, Check); 3] = [("base64", base64), ("hex", hex), ("misc", misc)];
