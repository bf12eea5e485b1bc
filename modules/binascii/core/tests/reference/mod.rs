//! Plain reference implementations of C's algorithms, shared by the
//! property tests and the fuzz targets (`fuzz/src/lib.rs` includes this file).

use oxpy_binascii_core::qp;

/// `_Py_strhex` written plainly.
pub fn strhex_reference(data: &[u8], sep: Option<u8>, bps: i64) -> Vec<u8> {
    let hex: Vec<[u8; 2]> = data
        .iter()
        .map(|b| {
            let s = format!("{b:02x}").into_bytes();
            [s[0], s[1]]
        })
        .collect();
    let g = bps.unsigned_abs() as usize;
    let Some(sep) = sep.filter(|_| g != 0 && g < data.len()) else {
        return hex.concat();
    };
    let groups: Vec<Vec<u8>> = if bps < 0 {
        hex.chunks(g).map(|c| c.concat()).collect()
    } else {
        let mut v: Vec<Vec<u8>> = hex.rchunks(g).map(|c| c.concat()).collect();
        v.reverse();
        v
    };
    groups.join(&[sep][..])
}

/// Bit-at-a-time CRC-32 (reflected 0xEDB88320).
pub fn crc32_reference(data: &[u8], crc: u32) -> u32 {
    let mut c = !crc;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
        }
    }
    !c
}

/// C's `b2a_qp` write pass, byte by byte.
pub fn b2a_qp_reference(data: &[u8], o: qp::Options) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let crlf = data.iter().position(|&c| c == b'\n').is_some_and(|p| p > 0 && data[p - 1] == b'\r');
    let brk: &[u8] = if crlf { b"=\r\n" } else { b"=\n" };
    let mut out = Vec::new();
    let mut linelen = 0;
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        let next = data.get(i + 1).copied();
        let quote = c > 126
            || c == b'='
            || (o.header && c == b'_')
            || (c == b'.' && linelen == 0 && matches!(next, None | Some(b'\n' | b'\r' | 0)))
            || (!o.istext && (c == b'\r' || c == b'\n'))
            || ((c == b'\t' || c == b' ') && next.is_none())
            || (c < 33 && c != b'\r' && c != b'\n' && (o.quotetabs || (c != b'\t' && c != b' ')));
        if quote {
            if linelen + 3 >= 76 {
                out.extend_from_slice(brk);
                linelen = 0;
            }
            out.extend_from_slice(&[b'=', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
            linelen += 3;
            i += 1;
        } else if o.istext && (c == b'\n' || (c == b'\r' && next == Some(b'\n'))) {
            linelen = 0;
            if let Some(&ws @ (b' ' | b'\t')) = out.last() {
                out.pop();
                out.extend_from_slice(&[b'=', HEX[usize::from(ws >> 4)], HEX[usize::from(ws & 15)]]);
            }
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            i += if c == b'\r' { 2 } else { 1 };
        } else {
            if next.is_some_and(|n| n != b'\n') && linelen + 1 >= 76 {
                out.extend_from_slice(brk);
                linelen = 0;
            }
            linelen += 1;
            out.push(if o.header && c == b' ' { b'_' } else { c });
            i += 1;
        }
    }
    out
}
