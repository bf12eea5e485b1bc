//! Property tests: round trips, fast paths against simple references, and
//! no panics on arbitrary input.

use oxpy_binascii_core::{PyVersion, base64, crc, hex, qp, uu};
use proptest::prelude::*;

mod reference;
use reference::{b2a_qp_reference, crc32_reference, strhex_reference};

const VERSIONS: [PyVersion; 3] = [PyVersion::V3_11, PyVersion::V3_12, PyVersion::V3_13];

fn b64(data: &[u8], newline: bool) -> Vec<u8> {
    let mut out = vec![0; base64::encoded_len(data.len(), newline).unwrap()];
    base64::encode_into(data, newline, &mut out);
    out
}

fn a2b_base64(data: &[u8], strict: bool, v: PyVersion) -> Result<Vec<u8>, String> {
    let mut out = vec![0; base64::decoded_max_len(data.len())];
    let n = base64::decode_into(data, strict, v, &mut out).map_err(|e| e.0.into_owned())?;
    out.truncate(n);
    Ok(out)
}

fn a2b_base64_scalar(data: &[u8], strict: bool, v: PyVersion) -> Result<Vec<u8>, String> {
    let mut out = vec![0; base64::decoded_max_len(data.len())];
    let n = base64::decode_scalar(data, strict, v, &mut out).map_err(|e| e.0.into_owned())?;
    out.truncate(n);
    Ok(out)
}

fn check_b64_fast_eq_scalar(data: &[u8]) -> Result<(), TestCaseError> {
    for v in VERSIONS {
        for strict in [false, true] {
            prop_assert_eq!(
                a2b_base64(data, strict, v),
                a2b_base64_scalar(data, strict, v),
                "strict={} {:?} input {}",
                strict,
                v,
                data.escape_ascii()
            );
        }
    }
    Ok(())
}

/// Base64 text in lines of `line` characters joined by `sep`.
fn lines(enc: &[u8], line: usize, sep: &[u8]) -> Vec<u8> {
    enc.chunks(line.max(1)).collect::<Vec<_>>().join(sep)
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let junk = prop_oneof![
        Just(b"=".to_vec()),
        Just(b"==".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\x00".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"-_".to_vec()),
        Just(b"A".to_vec()),
        Just(b"====".to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), junk).prop_map(|(p, j)| Edit::Insert(p, j)),
        (any::<usize>(), prop_oneof![Just(b'='), Just(b'\n'), Just(b'A'), Just(b'%'), any::<u8>()])
            .prop_map(|(p, b)| Edit::Replace(p, b)),
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut s: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let at = |p: usize, n: usize| if n == 0 { 0 } else { p % n };
        match e {
            Edit::Insert(p, j) => {
                let p = at(*p, s.len() + 1);
                s.splice(p..p, j.iter().copied());
            }
            Edit::Replace(p, b) if !s.is_empty() => {
                let p = at(*p, s.len());
                s[p] = *b;
            }
            Edit::Remove(p) if !s.is_empty() => {
                s.remove(at(*p, s.len()));
            }
            Edit::Truncate(p) => s.truncate(at(*p, s.len() + 1)),
            _ => {}
        }
    }
    s
}

/// C's `a2b_qp` loop, byte by byte.
fn a2b_qp_reference(data: &[u8], header: bool) -> Vec<u8> {
    let hex = |c: u8| char::from(c).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'=' {
            i += 1;
            if i >= data.len() {
                break;
            }
            if data[i] == b'\n' || data[i] == b'\r' {
                while i < data.len() && data[i] != b'\n' {
                    i += 1;
                }
                if i < data.len() {
                    i += 1;
                }
            } else if data[i] == b'=' {
                out.push(b'=');
                i += 1;
            } else if let (Some(hi), Some(lo)) = (hex(data[i]), data.get(i + 1).and_then(|&c| hex(c))) {
                out.push((hi * 16 + lo) as u8);
                i += 2;
            } else {
                out.push(b'=');
            }
        } else if header && data[i] == b'_' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}

/// `b2a_base64` written plainly (without the newline).
fn b2a_base64_reference(data: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    for group in data.chunks(3) {
        let v = group.iter().enumerate().fold(0u32, |v, (k, &b)| v | u32::from(b) << (16 - 8 * k));
        for k in 0..4 {
            out.push(if k <= group.len() { ALPHABET[(v >> (18 - 6 * k) & 63) as usize] } else { b'=' });
        }
    }
    out
}

/// C's `b2a_uu` loop, with its bit accumulator.
fn b2a_uu_reference(data: &[u8], backtick: bool) -> Vec<u8> {
    let ch = |v: u32| if backtick && v == 0 { b'`' } else { b' ' + v as u8 };
    let mut out = vec![ch(data.len() as u32)];
    let (mut leftchar, mut leftbits) = (0u32, 0);
    let mut i = 0;
    while i < data.len() || leftbits != 0 {
        if leftbits < 6 {
            leftchar <<= 8;
            if let Some(&b) = data.get(i) {
                leftchar |= u32::from(b);
            }
            i += 1;
            leftbits += 8;
        }
        leftbits -= 6;
        out.push(ch((leftchar >> leftbits) & 0x3f));
        leftchar &= (1 << leftbits) - 1;
    }
    out.push(b'\n');
    out
}

fn b2a_qp(data: &[u8], o: qp::Options) -> Vec<u8> {
    let mut out = vec![0; qp::encoded_max_len(data, o).unwrap()];
    let n = qp::encode_into(data, o, &mut out);
    assert!(n <= out.len());
    out.truncate(n);
    out
}

fn a2b_qp(data: &[u8], header: bool) -> Vec<u8> {
    let mut out = vec![0; qp::decoded_max_len(data.len())];
    let n = qp::decode_into(data, header, &mut out);
    out.truncate(n);
    out
}

fn qp_text() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => prop::sample::select(b"abcxyz.=_ \t\n\r\x00\xe9".to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        prop::collection::vec(byte, 0..400),
        // Long lines, to hit soft breaks at every column.
        (1usize..200, prop::sample::select(b" x.=\t".to_vec()), 0usize..4).prop_map(|(n, c, k)| {
            let mut v = vec![b'x'; n];
            v.insert(n / 2, c);
            v.extend(std::iter::repeat_n(b' ', k));
            v.push(b'\n');
            v
        }),
    ]
}

fn options() -> impl Strategy<Value = qp::Options> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(quotetabs, istext, header)| qp::Options {
        quotetabs,
        istext,
        header,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn base64_round_trip(data in prop::collection::vec(any::<u8>(), 0..3000), newline: bool) {
        let enc = b64(&data, newline);
        for v in VERSIONS {
            prop_assert_eq!(a2b_base64(&enc, false, v).unwrap(), data.clone());
        }
        let strict = b64(&data, false);
        prop_assert_eq!(a2b_base64(&strict, true, PyVersion::V3_13).unwrap(), data.clone());
        // MIME lines, as base64.encodebytes writes them.
        let mime = lines(&strict, 76, b"\n");
        prop_assert_eq!(a2b_base64(&mime, false, PyVersion::V3_11).unwrap(), data);
    }

    #[test]
    fn base64_fast_path_equals_scalar_on_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..600)) {
        check_b64_fast_eq_scalar(&data)?;
    }

    #[test]
    fn base64_fast_path_equals_scalar_on_alphabet_soup(
        data in prop::collection::vec(prop::sample::select(b"AQgw+/9=\n\r -".to_vec()), 0..600),
    ) {
        check_b64_fast_eq_scalar(&data)?;
    }

    #[test]
    fn hex_round_trip_and_fast_equals_scalar(data in prop::collection::vec(any::<u8>(), 0..2000), upper: bool) {
        let mut enc = vec![0; hex::encoded_len(data.len(), None, 1).unwrap()];
        hex::encode_into(&data, None, 1, &mut enc);
        prop_assert_eq!(&enc, &strhex_reference(&data, None, 0));
        if upper {
            enc.make_ascii_uppercase();
        }
        let mut dec = vec![0; hex::decoded_len(enc.len())];
        hex::decode_into(&enc, &mut dec).unwrap();
        prop_assert_eq!(dec, data);
    }

    #[test]
    fn unhexlify_fast_equals_scalar(
        data in prop::collection::vec(prop::sample::select(b"0123456789abcdefABCDEFg \xff".to_vec()), 0..300),
    ) {
        let mut a = vec![0; hex::decoded_len(data.len())];
        let mut b = a.clone();
        let ra = hex::decode_into(&data, &mut a);
        let rb = hex::decode_scalar(&data, &mut b);
        prop_assert_eq!(&ra, &rb);
        if ra.is_ok() {
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn hexlify_separators_match_reference(
        data in prop::collection::vec(any::<u8>(), 0..300),
        sep in prop::option::of(any::<u8>()),
        bps in prop_oneof![-40i64..40, any::<i64>(), Just(i64::from(i32::MIN))],
    ) {
        let mut out = vec![0; hex::encoded_len(data.len(), sep, bps).unwrap()];
        hex::encode_into(&data, sep, bps, &mut out);
        prop_assert_eq!(out, strhex_reference(&data, sep, bps));
    }

    #[test]
    fn crcs_match_references(data in prop::collection::vec(any::<u8>(), 0..3000), start: u32) {
        prop_assert_eq!(crc::crc32(&data, start), crc32_reference(&data, start));
        prop_assert_eq!(crc::crc_hqx(&data, start), crc::crc_hqx_bytewise(&data, start));
        // Incremental use.
        let (a, b) = data.split_at(data.len() / 3);
        prop_assert_eq!(crc::crc32(b, crc::crc32(a, start)), crc::crc32(&data, start));
        prop_assert_eq!(crc::crc_hqx(b, crc::crc_hqx(a, start)), crc::crc_hqx(&data, start));
    }

    #[test]
    fn b2a_qp_matches_reference(data in qp_text(), o in options()) {
        let got = b2a_qp(&data, o);
        prop_assert_eq!(got.escape_ascii().to_string(), b2a_qp_reference(&data, o).escape_ascii().to_string());
    }

    #[test]
    fn qp_binary_round_trip(data in qp_text(), quotetabs: bool, header: bool) {
        let o = qp::Options { quotetabs, istext: false, header };
        prop_assert_eq!(a2b_qp(&b2a_qp(&data, o), header), data);
    }

    #[test]
    fn a2b_qp_matches_reference(
        data in prop_oneof![
            prop::collection::vec(prop::sample::select(b"abz_^ =<\r\n09AFaf\xff".to_vec()), 0..300),
            // Long runs between escapes and soft line breaks.
            (prop::collection::vec(prop::sample::select(b"ab_ .".to_vec()), 0..200), 1usize..80, 0usize..4).prop_map(
                |(text, line, k)| {
                    let brk = [&b"=\n"[..], b"=\r\n", b"=3D", b"=\r"][k];
                    text.chunks(line).collect::<Vec<_>>().join(brk)
                },
            ),
        ],
        header: bool,
    ) {
        let got = a2b_qp(&data, header);
        prop_assert_eq!(got.escape_ascii().to_string(), a2b_qp_reference(&data, header).escape_ascii().to_string());
    }

    #[test]
    fn b2a_base64_matches_reference(data in prop::collection::vec(any::<u8>(), 0..200), newline: bool) {
        let mut want = b2a_base64_reference(&data);
        let mut scalar = vec![0; want.len()];
        base64::encode_scalar(&data, &mut scalar);
        prop_assert_eq!(&scalar, &want);
        if newline {
            want.push(b'\n');
        }
        prop_assert_eq!(b64(&data, newline), want);
    }

    /// Short input (its own path): padding, line breaks and junk near the end.
    #[test]
    fn base64_short_input_equals_scalar(
        data in prop::collection::vec(any::<u8>(), 0..48),
        tail in prop::collection::vec(prop::sample::select(b"AQw=\n\r -".to_vec()), 0..6),
        edits in prop::collection::vec(edit(), 0..2),
    ) {
        let mut text = b64(&data, false);
        text.extend_from_slice(&tail);
        check_b64_fast_eq_scalar(&apply(text, &edits))?;
    }

    #[test]
    fn b2a_uu_matches_reference(data in prop::collection::vec(any::<u8>(), 0..=45), backtick: bool) {
        let mut out = vec![0; uu::encoded_len(data.len()).unwrap()];
        uu::encode_into(&data, backtick, &mut out);
        prop_assert_eq!(out, b2a_uu_reference(&data, backtick));
    }

    #[test]
    fn uu_round_trip(data in prop::collection::vec(any::<u8>(), 0..=45), backtick: bool) {
        let mut enc = vec![0; uu::encoded_len(data.len()).unwrap()];
        uu::encode_into(&data, backtick, &mut enc);
        let mut dec = vec![0; uu::decoded_len(&enc)];
        uu::decode_into(&enc, &mut dec).unwrap();
        prop_assert_eq!(dec, data);
    }

    #[test]
    fn nothing_panics(data in prop::collection::vec(any::<u8>(), 0..400), n in 0usize..1200, flags: u8, bps: i64) {
        let b = |k: u8| flags & (1 << k) != 0;
        let mut out = vec![0; n];
        for v in VERSIONS {
            let _ = base64::decode_into(&data, b(0), v, &mut out);
            let _ = base64::decode_scalar(&data, b(0), v, &mut out);
        }
        base64::encode_into(&data, b(1), &mut out);
        let _ = hex::encoded_len(data.len(), Some(b':'), bps);
        hex::encode_into(&data, Some(flags), bps, &mut out);
        let _ = hex::decode_into(&data, &mut out);
        let _ = hex::decode_scalar(&data, &mut out);
        let _ = crc::crc32(&data, u32::from(flags));
        let _ = crc::crc_hqx(&data, u32::from(flags));
        let _ = uu::decode_into(&data, &mut out);
        let _ = uu::encoded_len(data.len());
        uu::encode_into(&data, b(2), &mut out);
        let _ = qp::decode_into(&data, b(3), &mut out);
        let o = qp::Options { quotetabs: b(4), istext: b(5), header: b(6) };
        let _ = qp::encoded_max_len(&data, o);
        let _ = qp::encode_into(&data, o, &mut out);
        // And with correctly sized buffers.
        let _ = a2b_base64(&data, b(0), PyVersion::V3_13);
        let _ = b2a_qp(&data, o);
        let _ = a2b_qp(&data, b(3));
        let mut uu_out = vec![0; uu::decoded_len(&data)];
        let _ = uu::decode_into(&data, &mut uu_out);
    }
}

proptest! {
    // Inputs up to ~54 KB: fewer cases unoptimised.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 200 } else { 2000 }))]

    #[test]
    fn base64_fast_path_equals_scalar_on_mutated_encodings(
        data in prop::collection::vec(any::<u8>(), 0..40000),
        line in prop_oneof![Just(76usize), Just(64), 1usize..130, Just(100_000)],
        sep in prop::sample::select(vec![&b"\n"[..], b"\r\n", b"\r", b"\n\n"]),
        newline: bool,
        odd_bits: u8,
        edits in prop::collection::vec(edit(), 0..4),
    ) {
        let mut enc = b64(&data, false);
        // Non-zero trailing bits in the last quad.
        if let Some(k) = enc.iter().rposition(|&c| c != b'=')
            && enc.len() - k > 1
        {
            enc[k] = b"BCDEFGH"[usize::from(odd_bits % 7)];
        }
        let mut text = lines(&enc, line, sep);
        if newline {
            text.extend_from_slice(sep);
        }
        check_b64_fast_eq_scalar(&apply(text, &edits))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Short lines of uneven length: lines one longer or shorter than the
    /// previous one, line breaks near the padding, odd squeezed lengths.
    #[test]
    fn base64_fast_path_equals_scalar_on_ragged_lines(
        data in prop::collection::vec(any::<u8>(), 40..400),
        line in 2usize..24,
        sep in prop::sample::select(vec![&b"\n"[..], b"\r\n"]),
        edits in prop::collection::vec(
            (any::<usize>(), prop::sample::select(vec![&b"A"[..], b"\n", b"\r\n", b"=", b"AB"])),
            0..4,
        ),
    ) {
        let text = lines(&b64(&data, false), line, sep);
        let edits: Vec<Edit> = edits.into_iter().map(|(p, j)| Edit::Insert(p, j.to_vec())).collect();
        check_b64_fast_eq_scalar(&apply(text, &edits))?;
    }
}
