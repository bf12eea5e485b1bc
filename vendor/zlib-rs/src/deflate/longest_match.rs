use crate::deflate::{Pos, State, MIN_LOOKAHEAD, STD_MAX_MATCH, STD_MIN_MATCH};

const EARLY_EXIT_TRIGGER_LEVEL: i8 = 5;

/// Find the (length, offset) in the window of the longest match for the string
/// at offset cur_match
///
/// oxpy: `prev_length` is `state.prev_length`, passed by the caller: lazy
/// matching stores it (16 bits) just before the call, and a wider load of it
/// here could not be forwarded from that store (a stall on every call).
pub fn longest_match(state: &crate::deflate::State, cur_match: u16, prev_length: u16) -> (usize, u16) {
    // oxpy: as in `longest_match_zlib`, the chain walk skips the window mask
    // while every position is within the first window.
    if state.strstart <= state.w_size {
        longest_match_help::<false, false>(state, cur_match, prev_length)
    } else {
        longest_match_help::<false, true>(state, cur_match, prev_length)
    }
}

pub fn longest_match_slow(state: &crate::deflate::State, cur_match: u16, prev_length: u16) -> (usize, u16) {
    longest_match_help::<true, true>(state, cur_match, prev_length)
}

#[inline(always)]
fn longest_match_help<const SLOW: bool, const MASK: bool>(
    state: &crate::deflate::State,
    cur_match: u16,
    prev_length: u16,
) -> (usize, u16) {
    // oxpy: the chain position in a 32-bit register, as zlib's `IPos`: a
    // `u16` is zero-extended again at every step of the chain walk.
    let mut cur_match = u32::from(cur_match);
    let mut match_start = state.match_start;

    let strstart = state.strstart;
    let wmask = state.w_mask();
    let window = state.window.filled();
    let scan = &window[strstart..];

    // Elide bounds checks in the loop.
    let prev = &state.prev.as_slice()[..=wmask];
    let mut limit: Pos;
    let limit_base: Pos;
    let early_exit: bool;

    let mut chain_length: u16;
    let mut best_len: usize;

    let lookahead = state.lookahead;
    let mut match_offset = 0;

    macro_rules! goto_next_in_chain {
        () => {
            chain_length -= 1;
            if chain_length > 0 {
                cur_match = u32::from(if MASK { prev[cur_match as usize & wmask] } else { prev[cur_match as usize] });

                if cur_match > u32::from(limit) {
                    continue;
                }
            }

            return (best_len, match_start);
        };
    }

    // The code is optimized for STD_MAX_MATCH-2 multiple of 16.
    assert_eq!(STD_MAX_MATCH, 258, "Code too clever");

    // length of the previous match (if any), hence <= STD_MAX_MATCH
    best_len = if prev_length > 0 {
        prev_length as usize
    } else {
        STD_MIN_MATCH - 1
    };

    // Calculate read offset which should only extend an extra byte to find the next best match length.
    let mut offset = best_len - 1;
    if best_len >= core::mem::size_of::<u32>() {
        offset -= 2;
        if best_len >= core::mem::size_of::<u64>() {
            offset -= 4;
        }
    }

    let mut mbase_start = window.as_ptr();
    let mut mbase_end = window[offset..].as_ptr();

    // Don't waste too much time by following a chain if we already have a good match
    chain_length = state.max_chain_length;
    if best_len >= state.good_match as usize {
        chain_length >>= 2;
    }
    let nice_match = state.nice_match;

    // Stop when cur_match becomes <= limit. To simplify the code,
    // we prevent matches with the string of window index 0
    limit = strstart.saturating_sub(state.max_dist()) as Pos;

    // look for a better string offset
    if SLOW {
        limit_base = limit;

        if best_len >= STD_MIN_MATCH {
            /* We're continuing search (lazy evaluation). */
            let mut pos: Pos;

            // Find a most distant chain starting from scan with index=1 (index=0 corresponds
            // to cur_match). We cannot use s->prev[strstart+1,...] immediately, because
            // these strings are not yet inserted into the hash table.
            let Some([_cur_match, scan1, scan2, scanrest @ ..]) = scan.get(..best_len + 1) else {
                panic!("invalid scan");
            };

            let mut hash = 0;
            hash = state.update_hash(hash, *scan1 as u32);
            hash = state.update_hash(hash, *scan2 as u32);

            for (i, b) in scanrest.iter().enumerate() {
                hash = state.update_hash(hash, *b as u32);

                /* If we're starting with best_len >= 3, we can use offset search. */
                pos = state.head.as_slice()[hash as usize];
                if u32::from(pos) < cur_match {
                    match_offset = (i + 1) as Pos;
                    cur_match = u32::from(pos);
                }
            }

            /* Update offset-dependent variables */
            limit = limit_base + match_offset;
            if cur_match <= u32::from(limit) {
                return break_matching(state, best_len, match_start);
            }

            mbase_start = mbase_start.wrapping_sub(match_offset as usize);
            mbase_end = mbase_end.wrapping_sub(match_offset as usize);
        }

        early_exit = false;
    } else {
        // must initialize this variable
        limit_base = 0;
        early_exit = state.level < EARLY_EXIT_TRIGGER_LEVEL;
    }

    let scan_start = window[strstart..].as_ptr();
    let mut scan_end = window[strstart + offset..].as_ptr();

    assert!(
        strstart <= state.window_size.saturating_sub(MIN_LOOKAHEAD),
        "need lookahead"
    );

    loop {
        if cur_match as usize >= strstart {
            break;
        }

        // Skip to next match if the match length cannot increase or if the match length is
        // less than 2. Note that the checks below for insufficient lookahead only occur
        // occasionally for performance reasons.
        // Therefore uninitialized memory will be accessed and conditional jumps will be made
        // that depend on those values. However the length of the match is limited to the
        // lookahead, so the output of deflate is not affected by the uninitialized values.

        /// # Safety
        ///
        /// The two pointers must be valid for reads of N bytes.
        #[inline(always)]
        unsafe fn memcmp_n_ptr<const N: usize>(src0: *const u8, src1: *const u8) -> bool {
            unsafe {
                let src0_cmp = core::ptr::read(src0 as *const [u8; N]);
                let src1_cmp = core::ptr::read(src1 as *const [u8; N]);
                src0_cmp == src1_cmp
            }
        }

        /// # Safety
        ///
        /// scan_start and scan_end must be valid for reads of N bytes. mbase_end and mbase_start
        /// must be valid for reads of N + cur_match bytes.
        #[inline(always)]
        unsafe fn is_match<const N: usize>(
            cur_match: u32,
            mbase_start: *const u8,
            mbase_end: *const u8,
            scan_start: *const u8,
            scan_end: *const u8,
        ) -> bool {
            let be = mbase_end.wrapping_add(cur_match as usize);
            let bs = mbase_start.wrapping_add(cur_match as usize);
            unsafe { memcmp_n_ptr::<N>(be, scan_end) && memcmp_n_ptr::<N>(bs, scan_start) }
        }

        // first, do a quick check on the start and end bytes. Go to the next item in the chain if
        // these bytes don't match.
        // SAFETY: we read up to 8 bytes in this block.
        // Note that scan_start >= mbase_start and scan_end >= mbase_end.
        // the surrounding loop breaks before cur_match gets past strstart, which is bounded by
        // `window_size - 258 + 3 + 1` (`window_size - MIN_LOOKAHEAD`).
        //
        // With 262 bytes of space at the end, and 8 byte reads of scan_start is always in-bounds.
        //
        // scan_end is a bit trickier: it reads at a bounded offset from scan_start:
        //
        // - >= 8: scan_end is bounded by `258 - (4 + 2 + 1)`, so an 8-byte read is in-bounds
        // - >= 4: scan_end is bounded by `258 - (2 + 1)`, so a 4-byte read is in-bounds
        // - >= 2: scan_end is bounded by `258 - 1`, so a 2-byte read is in-bounds
        let mut len = 0;
        unsafe {
            if best_len < core::mem::size_of::<u64>() {
                let scan_val = u64::from_ne_bytes(
                    core::slice::from_raw_parts(scan_start, 8)
                        .try_into()
                        .unwrap(),
                );
                loop {
                    let bs = mbase_start.wrapping_add(cur_match as usize);
                    let match_val =
                        u64::from_ne_bytes(core::slice::from_raw_parts(bs, 8).try_into().unwrap());
                    let cmp = scan_val ^ match_val;
                    if cmp == 0 {
                        // The first 8 bytes all matched. Additional scanning will be needed
                        // (the compare256 call below) to determine the full match length.
                        break;
                    }
                    // Compute the number of leading bytes that match.
                    let cmp_len = cmp.to_le().trailing_zeros() as usize / 8;
                    if cmp_len > best_len {
                        // The match is fully contained within the 8 bytes just compared,
                        // so we know the match length without needing to do the more
                        // expensive compare256 operation.
                        len = cmp_len;
                        break;
                    }
                    goto_next_in_chain!();
                }
            } else {
                loop {
                    if is_match::<8>(cur_match, mbase_start, mbase_end, scan_start, scan_end) {
                        break;
                    }

                    goto_next_in_chain!();
                }
            }
        }

        // we know that there is at least some match. Now count how many bytes really match
        if len == 0 {
            len = {
                // SAFETY: cur_match is bounded by window_size - MIN_LOOKAHEAD, where MIN_LOOKAHEAD
                // is 258 + 3 + 1, so 258-byte reads of mbase_start are in-bounds.
                let src1 = unsafe {
                    core::slice::from_raw_parts(
                        mbase_start.wrapping_add(cur_match as usize + 2),
                        256,
                    )
                };

                crate::deflate::compare256::compare256_slice(&scan[2..], src1) + 2
            };
        }

        assert!(
            scan.as_ptr() as usize + len <= window.as_ptr() as usize + (state.window_size - 1),
            "wild scan"
        );

        if len > best_len {
            match_start = (cur_match - u32::from(match_offset)) as Pos;

            // Do not look for better matches if the current match reaches
            // or exceeds the end of the input. See also #459.
            if len >= lookahead {
                return (lookahead, match_start);
            }
            best_len = len;
            if best_len >= nice_match as usize {
                return (best_len, match_start);
            }

            offset = best_len - 1;
            if best_len >= core::mem::size_of::<u32>() {
                offset -= 2;
                if best_len >= core::mem::size_of::<u64>() {
                    offset -= 4;
                }
            }

            scan_end = window[strstart + offset..].as_ptr();

            // Look for a better string offset
            if SLOW && len > STD_MIN_MATCH && match_start as usize + len < strstart {
                let mut pos: Pos;
                // uint32_t i, hash;
                // unsigned char *scan_endstr;

                /* Go back to offset 0 */
                cur_match -= u32::from(match_offset);
                match_offset = 0;
                // oxpy: the scan of `prev` for the most distant chain skips
                // 16 entries at a time where none is nearer (`most_distant_chain`).
                let Some((next_pos, offset_found)) =
                    most_distant_chain(prev, cur_match as Pos, len - STD_MIN_MATCH + 1, limit_base)
                else {
                    return break_matching(state, best_len, match_start);
                };
                match_offset = offset_found;
                /* Switch cur_match to next_pos chain */
                cur_match = u32::from(next_pos);

                /* Try hash head at len-(STD_MIN_MATCH-1) position to see if we could get
                 * a better cur_match at the end of string. Using (STD_MIN_MATCH-1) lets
                 * us include one more byte into hash - the byte which will be checked
                 * in main loop now, and which allows to grow match by 1.
                 */
                let [scan0, scan1, scan2, ..] = scan[len - (STD_MIN_MATCH + 1)..] else {
                    panic!("index out of bounds");
                };

                let mut hash = 0;
                hash = state.update_hash(hash, scan0 as u32);
                hash = state.update_hash(hash, scan1 as u32);
                hash = state.update_hash(hash, scan2 as u32);

                pos = state.head.as_slice()[hash as usize];
                if u32::from(pos) < cur_match {
                    match_offset = (len - (STD_MIN_MATCH + 1)) as Pos;
                    if pos <= limit_base + match_offset {
                        return break_matching(state, best_len, match_start);
                    }
                    cur_match = u32::from(pos);
                }

                /* Update offset-dependent variables */
                limit = limit_base + match_offset;
                mbase_start = window.as_ptr().wrapping_sub(match_offset as usize);
                mbase_end = mbase_start.wrapping_add(offset);
                continue;
            }

            mbase_end = mbase_start.wrapping_add(offset);
        } else if !SLOW && early_exit {
            // The probability of finding a match later if we here is pretty low, so for
            // performance it's best to outright stop here for the lower compression levels
            break;
        }

        goto_next_in_chain!();
    }

    (best_len, match_start)
}

/// oxpy: zlib-ng's search for a more distant chain among the `n` positions
/// from `cur_match` on: for `i` in `0..n`, each `prev[(cur_match + i) & wmask]`
/// below the lowest so far becomes the new lowest (its `i` the match
/// offset), unless it is at most `limit_base + i`, which ends the matching
/// (`None`). Returns the lowest position and its offset. `prev` is the
/// window's `wmask + 1` entries. The same steps as upstream's loop, but
/// 16 entries whose minimum is not below the lowest so far (no step would
/// change anything) are passed over after one vectorisable minimum.
#[inline(always)]
fn most_distant_chain(prev: &[Pos], cur_match: Pos, n: usize, limit_base: Pos) -> Option<(Pos, Pos)> {
    let found = most_distant_chain_chunked(prev, cur_match, n, limit_base);
    #[cfg(any(debug_assertions, feature = "oxpy-checks"))]
    assert_eq!(found, most_distant_chain_upstream(prev, cur_match, n, limit_base));
    found
}

#[inline(always)]
fn most_distant_chain_chunked(prev: &[Pos], cur_match: Pos, n: usize, limit_base: Pos) -> Option<(Pos, Pos)> {
    const CHUNK: usize = 16;
    let wmask = prev.len() - 1;
    let mut next_pos = cur_match;
    let mut match_offset: Pos = 0;
    let mut step = |i: usize, pos: Pos, next_pos: &mut Pos| -> Option<()> {
        if pos < *next_pos {
            /* Hash chain is more distant, use it */
            if pos <= limit_base + i as Pos {
                return None;
            }
            *next_pos = pos;
            match_offset = i as Pos;
        }
        Some(())
    };
    let mut i = 0;
    while i < n {
        // The entries up to the window's end (the positions wrap there).
        let start = (cur_match as usize + i) & wmask;
        let piece = &prev[start..Ord::min(prev.len(), start + (n - i))];
        let mut chunks = piece.chunks_exact(CHUNK);
        for chunk in &mut chunks {
            let lowest = chunk.iter().fold(Pos::MAX, |a, &b| Ord::min(a, b));
            if lowest < next_pos {
                for (k, &pos) in chunk.iter().enumerate() {
                    step(i + k, pos, &mut next_pos)?;
                }
            }
            i += CHUNK;
        }
        for &pos in chunks.remainder() {
            step(i, pos, &mut next_pos)?;
            i += 1;
        }
    }
    Some((next_pos, match_offset))
}

/// oxpy: upstream's loop, which `most_distant_chain` must agree with
/// (checked in debug builds and with the `oxpy-checks` feature).
#[cfg(any(debug_assertions, feature = "oxpy-checks"))]
fn most_distant_chain_upstream(prev: &[Pos], cur_match: Pos, n: usize, limit_base: Pos) -> Option<(Pos, Pos)> {
    let wmask = prev.len() - 1;
    let mut next_pos = cur_match;
    let mut match_offset: Pos = 0;
    for i in 0..n {
        let pos = prev[(cur_match as usize + i) & wmask];
        if pos < next_pos {
            if pos <= limit_base + i as Pos {
                return None;
            }
            next_pos = pos;
            match_offset = i as Pos;
        }
    }
    Some((next_pos, match_offset))
}

fn break_matching(state: &State, best_len: usize, match_start: u16) -> (usize, u16) {
    (Ord::min(best_len, state.lookahead), match_start)
}

/// oxpy: zlib's own search (`longest_match` of zlib's deflate.c, without
/// zlib-ng's offset tricks): walks the chain from `cur_match`, rejecting a
/// candidate unless its two bytes around `best_len` and its first two bytes
/// match, then measures the match 8 bytes at a time. Returns the length (at
/// most the lookahead) and the start of the longest match, the first found
/// of that length. Only for `max_chain_length > 1024` (level 9), so the
/// chain budget is never 0.
#[inline(never)]
pub fn longest_match_zlib(state: &State, cur_match: u16, prev_length: u16) -> (usize, u16) {
    // oxpy: while every position so far is inside the first window, a
    // position is its own index in `prev` (`pos & w_mask == pos`): the walk
    // then skips the mask, one operation fewer on the chain of dependent
    // loads that each step waits for.
    if state.strstart <= state.w_size {
        longest_match_zlib_help::<false>(state, cur_match, prev_length)
    } else {
        longest_match_zlib_help::<true>(state, cur_match, prev_length)
    }
}

#[inline(always)]
fn longest_match_zlib_help<const MASK: bool>(state: &State, cur_match: u16, prev_length: u16) -> (usize, u16) {
    let strstart = state.strstart;
    // `strstart <= window_size - MIN_LOOKAHEAD`, and every candidate is
    // before `strstart`: both have `STD_MAX_MATCH` bytes in this window.
    let window = &state.window.filled()[..strstart + STD_MAX_MATCH];
    let wmask = state.w_mask();
    let prev = &state.prev.as_slice()[..=wmask];
    let lookahead = state.lookahead;
    let mut best_len = if prev_length > 0 { usize::from(prev_length) } else { STD_MIN_MATCH - 1 };
    let mut match_start = state.match_start;
    if best_len >= STD_MAX_MATCH {
        // Nothing longer exists (zlib would walk the chain to find that).
        return (Ord::min(best_len, lookahead), match_start);
    }
    let mut chain_length = u32::from(state.max_chain_length);
    if best_len >= usize::from(state.good_match) {
        chain_length >>= 2;
    }
    let nice_match = Ord::min(usize::from(state.nice_match), lookahead);
    let limit = strstart.saturating_sub(state.max_dist());
    let scan: &[u8; STD_MAX_MATCH] = crate::deflate::compare256::first_chunk(&window[strstart..]).expect("need lookahead");
    let read2 = |s: &[u8], i: usize| u16::from_ne_bytes([s[i], s[i + 1]]);
    let scan_start = read2(scan, 0);
    let mut scan_end = read2(scan, best_len - 1);
    let mut cur = usize::from(cur_match);
    loop {
        if cur >= strstart {
            break;
        }
        // SAFETY: `cur < strstart` (checked above) and `window` holds
        // `strstart + STD_MAX_MATCH` bytes, so `cur..cur + STD_MAX_MATCH` is in
        // it (a checked slice here costs two compares a step).
        let candidate: &[u8; STD_MAX_MATCH] = unsafe { &*window.as_ptr().add(cur).cast::<[u8; STD_MAX_MATCH]>() };
        if read2(candidate, best_len - 1) == scan_end && read2(candidate, 0) == scan_start {
            let len = match_length(scan, candidate);
            if len > best_len {
                match_start = cur as Pos;
                best_len = len;
                if len >= nice_match {
                    break;
                }
                scan_end = read2(scan, best_len - 1);
            }
        }
        chain_length -= 1;
        if chain_length == 0 {
            break;
        }
        cur = usize::from(if MASK { prev[cur & wmask] } else { prev[cur] });
        if cur <= limit {
            break;
        }
    }
    (Ord::min(best_len, lookahead), match_start)
}

/// oxpy: the length of the common prefix of `a` and `b` from their third byte
/// on (the first two are known to match), 8 bytes at a time, inline: no call
/// in the chain walk, whose values then stay in registers.
#[inline(always)]
fn match_length(a: &[u8; STD_MAX_MATCH], b: &[u8; STD_MAX_MATCH]) -> usize {
    let read8 = |s: &[u8; STD_MAX_MATCH], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap());
    let mut i = 2;
    // 2 + 8 * 32 = 258 = STD_MAX_MATCH
    while i < STD_MAX_MATCH {
        let diff = read8(a, i) ^ read8(b, i);
        if diff != 0 {
            return i + diff.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    STD_MAX_MATCH
}
