//! `crc32` (zlib's CRC-32, via `crc32fast`: PCLMULQDQ folding with runtime
//! detection) and `crc_hqx` (CRC-CCITT/XMODEM, polynomial 0x1021,
//! MSB-first, slicing-by-8 tables).

/// `binascii.crc32(data, crc)`: continues a CRC-32 from `crc`.
pub fn crc32(data: &[u8], crc: u32) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(crc);
    h.update(data);
    h.finalize()
}

const SLICES: usize = 8;

/// `TABLES[k][b]`: the CRC contribution of byte `b` followed by `k` zero bytes.
static TABLES: [[u16; 256]; SLICES] = {
    let mut t = [[0u16; 256]; SLICES];
    let mut b = 0;
    while b < 256 {
        let mut crc = (b as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
            bit += 1;
        }
        t[0][b] = crc;
        b += 1;
    }
    let mut k = 1;
    while k < SLICES {
        let mut b = 0;
        while b < 256 {
            let prev = t[k - 1][b];
            t[k][b] = (prev << 8) ^ t[0][(prev >> 8) as usize];
            b += 1;
        }
        k += 1;
    }
    t
};

fn hqx_byte(crc: u16, b: u8) -> u16 {
    (crc << 8) ^ TABLES[0][usize::from((crc >> 8) as u8 ^ b)]
}

/// `binascii.crc_hqx(data, crc)`: C keeps only the low 16 bits of `crc`
/// (the Python argument is an `unsigned int` taken bitwise).
pub fn crc_hqx(data: &[u8], crc: u32) -> u32 {
    let mut crc = crc as u16;
    let mut blocks = data.chunks_exact(SLICES);
    for block in &mut blocks {
        let [b0, b1, b2, b3, b4, b5, b6, b7] = <[u8; SLICES]>::try_from(block).unwrap_or_default();
        let [hi, lo] = crc.to_be_bytes();
        crc = TABLES[7][usize::from(b0 ^ hi)]
            ^ TABLES[6][usize::from(b1 ^ lo)]
            ^ TABLES[5][usize::from(b2)]
            ^ TABLES[4][usize::from(b3)]
            ^ TABLES[3][usize::from(b4)]
            ^ TABLES[2][usize::from(b5)]
            ^ TABLES[1][usize::from(b6)]
            ^ TABLES[0][usize::from(b7)];
    }
    for &b in blocks.remainder() {
        crc = hqx_byte(crc, b);
    }
    u32::from(crc)
}

/// Byte-at-a-time `crc_hqx` (the reference for tests).
pub fn crc_hqx_bytewise(data: &[u8], crc: u32) -> u32 {
    u32::from(data.iter().fold(crc as u16, |c, &b| hqx_byte(c, b)))
}
