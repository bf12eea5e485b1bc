#![forbid(unsafe_code)]

use crate::{Code, ENOUGH_DISTS, ENOUGH_LENS};

pub(crate) enum CodeType {
    Codes,
    Lens,
    Dists,
}

const MAX_BITS: usize = 15;

/// oxpy: runs of code lengths counted and sorted side by side.
const PARTS: usize = 2;

/// Length codes 257..285 base
const LBASE: [u16; 31] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258, 0, 0,
];
/// Length codes 257..285 extra
const LEXT: [u8; 31] = [
    16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 19, 20, 20, 20, 20,
    21, 21, 21, 21, 16, 77, 202,
];
/// Distance codes 0..29 base
const DBASE: [u16; 32] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577, 0, 0,
];
/// Distance codes 0..29 extra
const DEXT: [u8; 32] = [
    16, 16, 16, 16, 17, 17, 18, 18, 19, 19, 20, 20, 21, 21, 22, 22, 23, 23, 24, 24, 25, 25, 26, 26,
    27, 27, 28, 28, 29, 29, 64, 64,
];

#[repr(i32)]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum InflateTable {
    EnoughIsNotEnough = 1,
    /// oxpy: `spec` is `speculation_bits` of the code.
    Success { root: usize, used: usize, spec: u8 } = 0,
    InvalidCode = -1,
}

pub(crate) fn inflate_table(
    codetype: CodeType,
    lens: &[u16],
    table: &mut [Code],
    bits: usize,
    work: &mut [u16],
) -> InflateTable {
    // oxpy: the lengths are counted (and the symbols sorted below) in
    // `PARTS` runs of `lens` at once, each with its own counters: one set of
    // counters made a chain of dependent memory updates where lengths repeat.
    // (Unused symbols are skipped: counting them made such a chain where
    // they follow each other.)
    let part = lens.len() / PARTS;
    let mut part_count = [[0u16; MAX_BITS + 1]; PARTS];
    let add = |counts: &mut [u16; MAX_BITS + 1], len: u16| {
        if len != 0 {
            counts[usize::from(len)] += 1;
        }
    };
    for i in 0..part {
        for (k, counts) in part_count.iter_mut().enumerate() {
            add(counts, lens[k * part + i]);
        }
    }
    // the rest after the last run is its tail
    for &len in &lens[PARTS * part..] {
        add(&mut part_count[PARTS - 1], len);
    }

    // number of codes of each length
    let mut count = [0u16; MAX_BITS + 1];
    for counts in &part_count {
        for (c, n) in count.iter_mut().zip(counts) {
            *c += n;
        }
    }
    let max = (1..=MAX_BITS).rev().find(|&len| count[len] != 0).unwrap_or(0);
    let min = (1..=MAX_BITS).find(|&len| count[len] != 0).unwrap_or(MAX_BITS);

    if max == 0 {
        // no symbols to code at all
        let code = Code {
            op: 64,
            bits: 1,
            val: 0,
        };

        table[0] = code;
        table[1] = code;

        return InflateTable::Success {
            root: 1,
            used: 2,
            spec: 0,
        };
    }

    // NOTE: if max != 0, then min has been set to a value <= max.
    let root = bits.clamp(min, max);
    let spec = speculation_bits(&count);

    /* check for an over-subscribed or incomplete set of lengths */
    let mut left = 1u32;
    for &sym in &count[1..] {
        left = match (left << 1).checked_sub(u32::from(sym)) {
            None => return InflateTable::InvalidCode, // over-subscribed
            Some(v) => v,
        };
    }

    if left > 0 && (matches!(codetype, CodeType::Codes) || max != 1) {
        // incomplete set
        return InflateTable::InvalidCode;
    }

    /* generate offsets into symbol table for each length for sorting */

    // offsets in table for each length
    let mut offs = [0u16; MAX_BITS + 1];
    for len in 1..MAX_BITS {
        offs[len + 1] = offs[len] + count[len];
    }

    /* sort symbols by length, by symbol order within each length */
    // oxpy: each run of symbols at the offsets after the runs before it.
    let mut part_offs = [offs; PARTS];
    for k in 1..PARTS {
        for len in 1..=MAX_BITS {
            part_offs[k][len] = part_offs[k - 1][len] + part_count[k - 1][len];
        }
    }
    let mut place = |offs: &mut [u16; MAX_BITS + 1], sym: usize| {
        let len = usize::from(lens[sym]);
        if len != 0 {
            work[usize::from(offs[len])] = sym as u16;
            offs[len] += 1;
        }
    };
    for i in 0..part {
        for (k, offs) in part_offs.iter_mut().enumerate() {
            place(offs, k * part + i);
        }
    }
    for sym in PARTS * part..lens.len() {
        place(&mut part_offs[PARTS - 1], sym);
    }

    let (base, extra, match_) = match codetype {
        CodeType::Codes => (&[] as &[_], &[] as &[_], 20),
        CodeType::Lens => (&LBASE[..], &LEXT[..], 257),
        CodeType::Dists => (&DBASE[..], &DEXT[..], 0),
    };

    let mut used = 1 << root;

    /* check available table space */
    if matches!(codetype, CodeType::Lens) && used > ENOUGH_LENS {
        return InflateTable::EnoughIsNotEnough;
    }

    if matches!(codetype, CodeType::Dists) && used > ENOUGH_DISTS {
        return InflateTable::EnoughIsNotEnough;
    }

    // oxpy: the entry of the `sym`-th symbol by length, `bits` bits long.
    let entry = |sym: usize, bits: usize| {
        let bits = bits as u8;
        let symbol = work[sym];
        if symbol >= match_ {
            Code {
                bits,
                op: extra[(symbol - match_) as usize],
                val: base[(symbol - match_) as usize],
            }
        } else if symbol + 1 < match_ {
            Code {
                bits,
                op: 0,
                val: symbol,
            }
        } else {
            Code {
                bits,
                op: 0b01100000,
                val: 0,
            }
        }
    };

    // oxpy: the codes of at most `root` bits as libdeflate fills them: the
    // table is filled for each length in turn, starting at the shortest,
    // and doubled (copied after itself) before the next, which replicates
    // the shorter codes' entries to every index whose low bits they are.
    // `huff` is the next code, bit-reversed (the table's index of it); the
    // canonical increment of a reversed code sets its highest clear bit and
    // clears the bits above. Entries at the prefixes of longer codes are
    // left for the sub-table pointers below (every one gets one). The
    // table is the one zlib's loop below makes, entry for entry.
    let mut huff = 0usize;
    let mut sym = 0;
    let mut len = min;
    let mut end = 1usize << len;
    loop {
        for _ in 0..count[len] {
            table[huff] = entry(sym, len);
            sym += 1;
            if huff == end - 1 {
                // The last code (all ones): the code is complete, and no
                // code is longer.
                while end < used {
                    table.copy_within(0..end, end);
                    end <<= 1;
                }
                return InflateTable::Success { root, used, spec };
            }
            let bit = 1 << (usize::BITS - 1 - (huff ^ (end - 1)).leading_zeros());
            huff = (huff & (bit - 1)) | bit;
        }
        if len == root || len == max {
            break;
        }
        table.copy_within(0..end, end);
        end <<= 1;
        len += 1;
    }
    if len == max {
        // Only an incomplete code gets here (a single code of one bit),
        // where `huff` is the index left over.
        table[huff] = Code {
            op: 64,
            bits: len as u8,
            val: 0,
        };
        return InflateTable::Success { root, used, spec };
    }
    len += 1;
    while count[len] == 0 {
        len += 1;
    }

    // The codes longer than `root` bits, in sub-tables, as zlib makes them.
    let mut reversed_huff = (huff as u32).reverse_bits(); // the code, MSB-aligned
    let mut next = 0usize; // index into `table`
    let mut curr = root;
    let mut drop_ = 0;
    let mut low = usize::MAX; // trigger new subtable when len > root
    let mask = used - 1; /* mask for comparing low */

    // process all codes and make table entries
    'outer: loop {
        // create new sub-table if needed
        if (huff & mask) != low {
            /* if first time, transition to sub-tables */
            if drop_ == 0 {
                drop_ = root;
            }

            /* increment past last table */
            next += 1 << curr;

            /* determine length of next table */
            curr = len - drop_;
            let mut left = 1 << curr;
            while curr + drop_ < max {
                left -= count[curr + drop_] as i32;
                if left <= 0 {
                    break;
                }
                curr += 1;
                left <<= 1;
            }

            /* check for enough space */
            used += 1usize << curr;

            if matches!(codetype, CodeType::Lens) && used > ENOUGH_LENS {
                return InflateTable::EnoughIsNotEnough;
            }

            if matches!(codetype, CodeType::Dists) && used > ENOUGH_DISTS {
                return InflateTable::EnoughIsNotEnough;
            }

            /* point entry in root table to sub-table */
            low = huff & mask;
            table[low] = Code {
                op: curr as u8,
                bits: root as u8,
                val: next as u16,
            };
        }

        // create table entry
        let here = entry(sym, len - drop_);

        // replicate for those indices with low len bits equal to huff
        let incr = 1 << (len - drop_);
        let mut fill = 1 << curr;

        loop {
            fill -= incr;
            table[next + (huff >> drop_) + fill] = here;

            if fill == 0 {
                break;
            }
        }

        // backwards increment the len-bit code huff
        reversed_huff = reversed_huff.wrapping_add(0x80000000u32 >> (len - 1));
        huff = reversed_huff.reverse_bits() as usize;

        // go to next symbol, update count, len
        sym += 1;
        count[len] -= 1;
        if count[len] == 0 {
            if len == max {
                break 'outer;
            }
            len = lens[work[sym] as usize] as usize;
        }
    }

    /* fill in remaining table entry if code is incomplete (guaranteed to have
    at most one remaining entry, since if the code is incomplete, the
    maximum code length that was allowed to get this far is one bit) */
    if huff != 0 {
        let here = Code {
            op: 64,
            bits: (len - drop_) as u8,
            val: 0,
        };

        table[next..][huff] = here;
    }

    /* set return parameters */
    InflateTable::Success { root, used, spec }
}

/// oxpy: the code length `b` for which codes of `b` and `b + 1` bits are at
/// least 7/8 of the code space (the share of the symbols decoded, if the
/// code fits their frequencies), else 0; `count` is the number of codes of
/// each length. For a literal/length code, the fast decoder then looks the
/// next symbol up at both of these distances while the current one is read
/// (see `inflate_fast_help_impl`), which on such data (binary: near-uniform
/// literals of 8 or 9 bits) takes that lookup off the chain of dependent
/// loads; elsewhere too many guesses would miss.
fn speculation_bits(count: &[u16; MAX_BITS + 1]) -> u8 {
    let space = |len: usize| u32::from(count[len]) << (MAX_BITS - len);
    let (covered, b) = (1..MAX_BITS)
        .map(|b| (space(b) + space(b + 1), b))
        .max()
        .unwrap_or((0, 0));
    if covered >= (1 << MAX_BITS) / 8 * 7 {
        b as u8
    } else {
        0
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// oxpy: zlib's `inflate_table` as it was before the root table was
    /// filled by doubling, to compare with.
    #[allow(clippy::all)]
    fn inflate_table_zlib(
    codetype: CodeType,
    lens: &[u16],
    table: &mut [Code],
    bits: usize,
    work: &mut [u16],
) -> InflateTable {
    // oxpy: the lengths are counted (and the symbols sorted below) in
    // `PARTS` runs of `lens` at once, each with its own counters: one set of
    // counters made a chain of dependent memory updates where lengths repeat.
    // (Unused symbols are skipped: counting them made such a chain where
    // they follow each other.)
    let part = lens.len() / PARTS;
    let mut part_count = [[0u16; MAX_BITS + 1]; PARTS];
    let add = |counts: &mut [u16; MAX_BITS + 1], len: u16| {
        if len != 0 {
            counts[usize::from(len)] += 1;
        }
    };
    for i in 0..part {
        for (k, counts) in part_count.iter_mut().enumerate() {
            add(counts, lens[k * part + i]);
        }
    }
    // the rest after the last run is its tail
    for &len in &lens[PARTS * part..] {
        add(&mut part_count[PARTS - 1], len);
    }

    // number of codes of each length
    let mut count = [0u16; MAX_BITS + 1];
    for counts in &part_count {
        for (c, n) in count.iter_mut().zip(counts) {
            *c += n;
        }
    }
    let max = (1..=MAX_BITS).rev().find(|&len| count[len] != 0).unwrap_or(0);
    let min = (1..=MAX_BITS).find(|&len| count[len] != 0).unwrap_or(MAX_BITS);

    if max == 0 {
        // no symbols to code at all
        let code = Code {
            op: 64,
            bits: 1,
            val: 0,
        };

        table[0] = code;
        table[1] = code;

        return InflateTable::Success { root: 1, used: 2, spec: 0 };
    }

    // NOTE: if max != 0, then min has been set to a value <= max.
    let root = bits.clamp(min, max);

    /* check for an over-subscribed or incomplete set of lengths */
    let mut left = 1u32;
    for &sym in &count[1..] {
        left = match (left << 1).checked_sub(u32::from(sym)) {
            None => return InflateTable::InvalidCode, // over-subscribed
            Some(v) => v,
        };
    }

    if left > 0 && (matches!(codetype, CodeType::Codes) || max != 1) {
        // incomplete set
        return InflateTable::InvalidCode;
    }

    /* generate offsets into symbol table for each length for sorting */

    // offsets in table for each length
    let mut offs = [0u16; MAX_BITS + 1];
    for len in 1..MAX_BITS {
        offs[len + 1] = offs[len] + count[len];
    }

    /* sort symbols by length, by symbol order within each length */
    // oxpy: each run of symbols at the offsets after the runs before it.
    let mut part_offs = [offs; PARTS];
    for k in 1..PARTS {
        for len in 1..=MAX_BITS {
            part_offs[k][len] = part_offs[k - 1][len] + part_count[k - 1][len];
        }
    }
    let mut place = |offs: &mut [u16; MAX_BITS + 1], sym: usize| {
        let len = usize::from(lens[sym]);
        if len != 0 {
            work[usize::from(offs[len])] = sym as u16;
            offs[len] += 1;
        }
    };
    for i in 0..part {
        for (k, offs) in part_offs.iter_mut().enumerate() {
            place(offs, k * part + i);
        }
    }
    for sym in PARTS * part..lens.len() {
        place(&mut part_offs[PARTS - 1], sym);
    }

    let (base, extra, match_) = match codetype {
        CodeType::Codes => (&[] as &[_], &[] as &[_], 20),
        CodeType::Lens => (&LBASE[..], &LEXT[..], 257),
        CodeType::Dists => (&DBASE[..], &DEXT[..], 0),
    };

    let mut used = 1 << root;

    /* check available table space */
    if matches!(codetype, CodeType::Lens) && used > ENOUGH_LENS {
        return InflateTable::EnoughIsNotEnough;
    }

    if matches!(codetype, CodeType::Dists) && used > ENOUGH_DISTS {
        return InflateTable::EnoughIsNotEnough;
    }

    let mut huff = 0; // starting code
    let mut reversed_huff = 0u32; // starting code, reversed
    let mut sym = 0;
    let mut len = min;
    let mut next = 0usize; // index into `table`
    let mut curr = root;
    let mut drop_ = 0;
    let mut low = usize::MAX; // trigger new subtable when len > root
    let mask = used - 1; /* mask for comparing low */

    // process all codes and make table entries
    'outer: loop {
        // create table entry
        let here = if work[sym] >= match_ {
            Code {
                bits: (len - drop_) as u8,
                op: extra[(work[sym] - match_) as usize],
                val: base[(work[sym] - match_) as usize],
            }
        } else if work[sym] + 1 < match_ {
            Code {
                bits: (len - drop_) as u8,
                op: 0,
                val: work[sym],
            }
        } else {
            Code {
                bits: (len - drop_) as u8,
                op: 0b01100000,
                val: 0,
            }
        };

        // replicate for those indices with low len bits equal to huff
        let incr = 1 << (len - drop_);
        let mut fill = 1 << curr;
        let min = fill;

        loop {
            fill -= incr;
            table[next + (huff >> drop_) + fill] = here;

            if fill == 0 {
                break;
            }
        }

        // backwards increment the len-bit code huff
        reversed_huff = reversed_huff.wrapping_add(0x80000000u32 >> (len - 1));
        huff = reversed_huff.reverse_bits() as usize;

        // go to next symbol, update count, len
        sym += 1;
        count[len] -= 1;
        if count[len] == 0 {
            if len == max {
                break 'outer;
            }
            len = lens[work[sym] as usize] as usize;
        }

        // create new sub-table if needed
        if len > root && (huff & mask) != low {
            /* if first time, transition to sub-tables */
            if drop_ == 0 {
                drop_ = root;
            }

            /* increment past last table */
            next += min; /* here min is 1 << curr */

            /* determine length of next table */
            curr = len - drop_;
            let mut left = 1 << curr;
            while curr + drop_ < max {
                left -= count[curr + drop_] as i32;
                if left <= 0 {
                    break;
                }
                curr += 1;
                left <<= 1;
            }

            /* check for enough space */
            used += 1usize << curr;

            if matches!(codetype, CodeType::Lens) && used > ENOUGH_LENS {
                return InflateTable::EnoughIsNotEnough;
            }

            if matches!(codetype, CodeType::Dists) && used > ENOUGH_DISTS {
                return InflateTable::EnoughIsNotEnough;
            }

            /* point entry in root table to sub-table */
            low = huff & mask;
            table[low] = Code {
                op: curr as u8,
                bits: root as u8,
                val: next as u16,
            };
        }
    }

    /* fill in remaining table entry if code is incomplete (guaranteed to have
    at most one remaining entry, since if the code is incomplete, the
    maximum code length that was allowed to get this far is one bit) */
    if huff != 0 {
        let here = Code {
            op: 64,
            bits: (len - drop_) as u8,
            val: 0,
        };

        table[next..][huff] = here;
    }

    /* set return parameters */
    InflateTable::Success { root, used, spec: 0 }
}

    /// oxpy: speculation only where two lengths hold 7/8 of the code space.
    #[test]
    fn speculation_bits_of_codes() {
        let counts = |pairs: &[(usize, u16)]| {
            let mut count = [0u16; MAX_BITS + 1];
            for &(len, n) in pairs {
                count[len] = n;
            }
            count
        };
        // binary data: 240 literals of 8 bits, the rest of 9 to 12 bits
        let binary = counts(&[(8, 240), (9, 28), (10, 8), (11, 6), (12, 4)]);
        assert_eq!(speculation_bits(&binary), 8);
        // text: from 3 to 12 bits
        let text = counts(&[(3, 2), (4, 5), (5, 6), (6, 8), (7, 10), (8, 12), (9, 20), (10, 30), (11, 40), (12, 70)]);
        assert_eq!(speculation_bits(&text), 0);
        assert_eq!(speculation_bits(&counts(&[(1, 2)])), 1);
    }

    /// oxpy: the same tables (and results) as zlib's loop, for every kind of
    /// code: complete ones of random shapes with and without sub-tables,
    /// the single one-bit code, over-subscribed and incomplete sets.
    #[test]
    fn doubling_matches_zlib() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut checked = 0;
        for round in 0..20_000 {
            let (codetype, n, bits) = match round % 3 {
                0 => (CodeType::Codes, 19, 7),
                1 => (CodeType::Lens, 257 + rand(32) as usize, 10),
                _ => (CodeType::Dists, 1 + rand(32) as usize, 8),
            };
            let mut lens = vec![0u16; n];
            if round % 5 == 4 {
                // arbitrary lengths: mostly invalid
                for l in lens.iter_mut() {
                    *l = if rand(3) == 0 { 0 } else { rand(16) as u16 };
                }
            } else {
                // a complete code: split a random leaf until enough symbols
                let used = 1 + rand(n as u64) as usize;
                let mut leaves = vec![0u16];
                while leaves.len() < used {
                    let i = rand(leaves.len() as u64) as usize;
                    if leaves[i] < 15 {
                        leaves[i] += 1;
                        let l = leaves[i];
                        leaves.push(l);
                    } else if leaves.iter().all(|&l| l == 15) {
                        break;
                    }
                }
                if leaves.len() == 1 {
                    leaves[0] = 1; // one symbol: the incomplete one-bit code
                }
                for l in leaves {
                    let mut i = rand(n as u64) as usize;
                    while lens[i] != 0 {
                        i = (i + 1) % n;
                    }
                    lens[i] = l;
                }
            }
            let mut a = vec![Code::default(); crate::ENOUGH_LENS];
            let mut b = vec![Code { op: 1, bits: 2, val: 3 }; crate::ENOUGH_LENS];
            let (mut wa, mut wb) = ([0u16; 320], [0u16; 320]);
            let ra = inflate_table_zlib(match codetype {
                CodeType::Codes => CodeType::Codes,
                CodeType::Lens => CodeType::Lens,
                CodeType::Dists => CodeType::Dists,
            }, &lens, &mut a, bits, &mut wa);
            let rb = inflate_table(codetype, &lens, &mut b, bits, &mut wb);
            let shape = |r: &InflateTable| match *r {
                InflateTable::Success { root, used, .. } => Some((root, used)),
                _ => None,
            };
            assert_eq!(shape(&ra), shape(&rb), "{lens:?}");
            assert_eq!(
                matches!(ra, InflateTable::InvalidCode),
                matches!(rb, InflateTable::InvalidCode),
                "{lens:?}"
            );
            if let InflateTable::Success { used, .. } = ra {
                assert_eq!(a[..used], b[..used], "{lens:?}");
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn not_enough_errors() {
        // we need to call inflate_table() directly in order to manifest
        // not-enough errors, since zlib insures that enough is always enough

        let table = [Code::default(); crate::ENOUGH_DISTS];

        let mut work = [0; 16];
        let mut lens: [_; 16] = core::array::from_fn(|i| (i + 1) as u16);
        lens[15] = 15;

        let mut next = table;
        let bits = 15;
        let ret = inflate_table(CodeType::Dists, &lens[..16], &mut next, bits, &mut work);
        assert_eq!(ret, InflateTable::EnoughIsNotEnough);

        let mut next = table;
        let bits = 1;
        let ret = inflate_table(CodeType::Dists, &lens[..16], &mut next, bits, &mut work);
        assert_eq!(ret, InflateTable::EnoughIsNotEnough);
    }

    fn build_fixed_length_table(work: &mut [u16]) -> [Code; 512] {
        let mut lens = [0; 288];

        // literal/length table
        let mut sym = 0usize;
        while sym < 144 {
            lens[sym] = 8;
            sym += 1;
        }
        while sym < 256 {
            lens[sym] = 9;
            sym += 1;
        }
        while sym < 280 {
            lens[sym] = 7;
            sym += 1;
        }
        while sym < 288 {
            lens[sym] = 8;
            sym += 1;
        }

        let mut next = [Code::default(); 512];
        let bits = 9;
        inflate_table(CodeType::Lens, &lens[..288], &mut next, bits, work);

        core::array::from_fn(|i| {
            let mut code = next[i];

            code.op = if i & 0b0111_1111 == 99 { 64 } else { code.op };

            code
        })
    }

    #[test]
    fn generate_fixed_length_table() {
        let mut work = [0; 512];
        let generated = build_fixed_length_table(&mut work);

        assert_eq!(generated, crate::inflate::inffixed_tbl::LENFIX);
    }

    fn build_fixed_distance_table(work: &mut [u16]) -> [Code; 32] {
        let mut lens = [0; 288];

        let mut sym = 0;
        while sym < 32 {
            lens[sym] = 5;
            sym += 1;
        }

        let mut next = [Code::default(); 32];
        let bits = 5;
        inflate_table(CodeType::Dists, &lens[..32], &mut next, bits, work);

        next
    }

    #[test]
    fn generate_fixed_distance_table() {
        let mut work = [0; 512];
        let generated = build_fixed_distance_table(&mut work);

        assert_eq!(generated, crate::inflate::inffixed_tbl::DISTFIX);
    }
}
