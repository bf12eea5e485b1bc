//! Every function against outputs of CPython's C `binascii`.

mod c_vectors;

use c_vectors::*;
use oxpy_binascii_core::{PyVersion, base64, crc, hex, qp, uu};

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

fn a2b_base64(data: &[u8], strict: bool, v: PyVersion) -> Result<Vec<u8>, String> {
    let mut out = vec![0xa5; base64::decoded_max_len(data.len())];
    let n = base64::decode_into(data, strict, v, &mut out).map_err(|e| e.0.into_owned())?;
    out.truncate(n);
    let mut out2 = vec![0x5a; base64::decoded_max_len(data.len())];
    let n2 = base64::decode_scalar(data, strict, v, &mut out2).map_err(|e| e.0.into_owned());
    assert_eq!(n2, Ok(n), "scalar reference disagrees on {}", show(data));
    assert_eq!(out2.get(..n), Some(&out[..]), "scalar output differs on {}", show(data));
    Ok(out)
}

#[test]
fn a2b_base64_matches_c() {
    for &(input, strict, v311, v313) in A2B_BASE64 {
        for (v, want) in [(PyVersion::V3_11, v311), (PyVersion::V3_12, v311), (PyVersion::V3_13, v313)] {
            let got = a2b_base64(input, strict, v);
            let want = want.map(<[u8]>::to_vec).map_err(str::to_owned);
            assert_eq!(got, want, "a2b_base64({}, strict={strict}) {v:?}", show(input));
        }
    }
}

#[test]
fn a2b_base64_long_matches_c() {
    for &(input, strict, v311, v313) in A2B_BASE64_LONG {
        for (v, want) in [(PyVersion::V3_11, v311), (PyVersion::V3_13, v313)] {
            let got = a2b_base64(input, strict, v).map(|o| (o.len(), crc::crc32(&o, 0)));
            assert_eq!(got, want.map_err(str::to_owned), "{} strict={strict} {v:?}", show(input));
        }
    }
}

#[test]
fn b2a_base64_matches_c() {
    for &(input, newline, want) in B2A_BASE64 {
        let mut out = vec![0; base64::encoded_len(input.len(), newline).unwrap()];
        base64::encode_into(input, newline, &mut out);
        assert_eq!(show(&out), show(want));
    }
}

#[test]
fn b2a_base64_size_limit() {
    let max = (isize::MAX as usize - 3) / 2;
    assert!(base64::encoded_len(max, true).is_ok());
    let err = base64::encoded_len(max + 1, false).unwrap_err();
    assert_eq!(err.0, "Too much data for base64 line");
}

#[test]
fn hexlify_matches_c() {
    for &(input, sep, bps, want) in HEXLIFY {
        let n = hex::encoded_len(input.len(), sep, bps).unwrap();
        let mut out = vec![0; n];
        hex::encode_into(input, sep, bps, &mut out);
        assert_eq!(show(&out), show(want), "hexlify({}, {sep:?}, {bps})", show(input));
    }
}

#[test]
fn hexlify_memory_error_bound() {
    // C: MemoryError when n >= PY_SSIZE_T_MAX / 2 - separators.
    let half = isize::MAX as usize / 2;
    assert_eq!(hex::encoded_len(half - 1, None, 1), Some((half - 1) * 2));
    assert_eq!(hex::encoded_len(half, None, 1), None);
    assert_eq!(hex::encoded_len(half - 1, Some(b':'), 1), None);
    assert_eq!(hex::encoded_len(usize::MAX, Some(b':'), i64::MIN), None);
    assert_eq!(hex::encoded_len(3, Some(b':'), i64::MIN), Some(6));
}

#[test]
fn unhexlify_matches_c() {
    for &(input, want) in UNHEXLIFY {
        let mut out = vec![0; hex::decoded_len(input.len())];
        let got = hex::decode_into(input, &mut out).map(|()| out.clone());
        let want = want.map(<[u8]>::to_vec).map_err(str::to_owned);
        assert_eq!(got.map_err(|e| e.0.into_owned()), want, "{}", show(input));
    }
}

#[test]
fn crcs_match_c() {
    for &(input, start, want32, want_hqx) in CRCS {
        assert_eq!(crc::crc32(input, start), want32, "crc32({}, {start:#x})", show(input));
        assert_eq!(crc::crc_hqx(input, start), want_hqx, "crc_hqx({}, {start:#x})", show(input));
        assert_eq!(crc::crc_hqx_bytewise(input, start), want_hqx);
    }
}

#[test]
fn a2b_uu_matches_c() {
    for &(input, want) in A2B_UU {
        let mut out = vec![0xa5; uu::decoded_len(input)];
        let got = uu::decode_into(input, &mut out).map(|()| out.clone());
        let want = want.map(<[u8]>::to_vec).map_err(str::to_owned);
        assert_eq!(got.map_err(|e| e.0.into_owned()), want, "{}", show(input));
    }
}

#[test]
fn b2a_uu_matches_c() {
    for &(input, backtick, want) in B2A_UU {
        let got = uu::encoded_len(input.len()).map(|n| {
            let mut out = vec![0; n];
            uu::encode_into(input, backtick, &mut out);
            out
        });
        let want = want.map(<[u8]>::to_vec).map_err(str::to_owned);
        assert_eq!(got.map_err(|e| e.0.into_owned()), want, "{}", show(input));
    }
}

#[test]
fn a2b_qp_matches_c() {
    for &(input, header, want) in A2B_QP {
        let mut out = vec![0; qp::decoded_max_len(input.len())];
        let n = qp::decode_into(input, header, &mut out);
        assert_eq!(show(&out[..n]), show(want), "{} header={header}", show(input));
    }
}

#[test]
fn b2a_qp_matches_c() {
    for &(input, quotetabs, istext, header, want) in B2A_QP {
        let o = qp::Options { quotetabs, istext, header };
        let mut out = vec![0; qp::encoded_max_len(input, o).unwrap()];
        let n = qp::encode_into(input, o, &mut out);
        assert_eq!(show(&out[..n]), show(want), "{} {o:?}", show(input));
    }
}

#[test]
fn short_output_buffers_do_not_panic() {
    let data = b"YWJj\nZGVm\r\n=\xff ab=41_.\n".repeat(20);
    let mut small = [0u8; 7];
    let _ = base64::decode_into(&data, false, PyVersion::V3_13, &mut small);
    let _ = base64::decode_into(&data, true, PyVersion::V3_13, &mut small);
    base64::encode_into(&data, true, &mut small);
    hex::encode_into(&data, Some(b':'), 3, &mut small);
    let _ = hex::decode_into(b"00112233445566778899aabbccddeeff00112233445566778899", &mut small);
    let _ = uu::decode_into(b"M86)C", &mut small);
    uu::encode_into(b"abc", false, &mut small);
    qp::decode_into(&data, true, &mut small);
    qp::encode_into(&data, qp::Options::default(), &mut small);
    let mut empty = [0u8; 0];
    let _ = base64::decode_into(&data, false, PyVersion::V3_11, &mut empty);
    qp::encode_into(&data, qp::Options::default(), &mut empty);
}
