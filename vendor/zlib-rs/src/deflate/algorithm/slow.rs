#![forbid(unsafe_code)]

use super::{flush_block, Discard};
use crate::{
    deflate::{
        fill_window, flush_block_only, BlockState, DeflateStream, State,
        MIN_LOOKAHEAD, STD_MIN_MATCH, WANT_MIN_MATCH,
    },
    DeflateFlush,
};

/// oxpy: below this position level 9 searches as zlib does
/// (`longest_match_zlib`): its chains are at most this long, and zlib-ng's
/// search (`longest_match_slow`), which skips along a chain at a cost on
/// every call, pays off only on longer ones (measured on text and binary
/// data of 1 to 32 KiB: zlib's search is 5-10% faster up to 4 KiB of text
/// and 16 KiB of binary data, slower past 5 KiB of text).
const ZLIB_SEARCH_END: usize = 4096;

pub fn deflate_slow(stream: &mut DeflateStream, flush: DeflateFlush) -> BlockState {
    let use_longest_match_slow = stream.state.max_chain_length > 1024;
    // oxpy: levels 7 and 8 choose the matcher of the stream (see
    // `medium::choose_matcher`); level 9 hashes 3 bytes (zlib-ng's rolling
    // hash) on every stream.
    if !use_longest_match_slow && super::stream_matcher(stream, flush).is_none() {
        return BlockState::NeedMore;
    }

    /* Process the input block. */
    loop {
        /* Make sure that we always have enough lookahead, except
         * at the end of the input file. We need STD_MAX_MATCH bytes
         * for the next match, plus WANT_MIN_MATCH bytes to insert the
         * string following the next match.
         */
        if stream.state.lookahead < MIN_LOOKAHEAD {
            fill_window(stream);
            if stream.state.lookahead < MIN_LOOKAHEAD && flush == DeflateFlush::NoFlush {
                return BlockState::NeedMore;
            }

            if stream.state.lookahead == 0 {
                break; /* flush the current block */
            }
        }

        match lazy_steps(&mut stream.state, use_longest_match_slow, stream.avail_out == 0) {
            Stop::Lookahead => {}
            Stop::FlushMatch => {
                flush_block!(stream, false);
            }
            Stop::FlushLiteral(match_len) => {
                flush_block_only(stream, false);
                let state = &mut stream.state;
                state.prev_length = match_len;
                state.strstart += 1;
                state.lookahead -= 1;
                if stream.avail_out == 0 {
                    return BlockState::NeedMore;
                }
            }
            Stop::OutputFull => return BlockState::NeedMore,
        }
    }

    assert_ne!(flush, DeflateFlush::NoFlush, "no flush?");

    let state = &mut stream.state;

    if state.match_available {
        let lc = state.window.filled()[state.strstart - 1];
        let _ = state.tally_lit(lc);
        state.match_available = false;
    }

    state.insert = Ord::min(state.strstart, STD_MIN_MATCH - 1);

    if flush == DeflateFlush::Finish {
        flush_block!(stream, true);
        return BlockState::FinishDone;
    }

    if !stream.state.sym_buf.is_empty() {
        flush_block!(stream, false);
    }

    BlockState::BlockDone
}

/// oxpy: why `lazy_steps` stopped.
enum Stop {
    /// The lookahead is below `MIN_LOOKAHEAD`: the window needs filling.
    Lookahead,
    /// A match was tallied and the block is full: flush it.
    FlushMatch,
    /// A literal was tallied and the block is full: flush it, then move on
    /// one position with this `prev_length` (zlib flushes before moving).
    FlushLiteral(u16),
    /// A literal was emitted while the output buffer is full.
    OutputFull,
}

/// oxpy: the lazy-matching steps of `deflate_slow`, from one position on
/// while the lookahead lasts (at least one step). `state` is a parameter so
/// that its fields stay in registers across the steps: reached through the
/// stream, each was reloaded after every store to the window, the hash
/// tables or the symbol buffer, which might have aliased it.
#[inline(always)]
fn lazy_steps(state: &mut State, use_longest_match_slow: bool, output_full: bool) -> Stop {
    let valid_distance_range = 1..=state.max_dist() as isize;
    let discard = Discard::new(state);
    loop {
        /* Insert the string window[strstart .. strstart+2] in the
         * dictionary, and set hash_head to the head of the hash chain:
         */
        let hash_head = if state.lookahead >= WANT_MIN_MATCH {
            state.quick_insert_string(state.strstart)
        } else {
            0
        };

        // Find the longest match, discarding those <= prev_length.
        state.prev_match = state.match_start;
        let mut match_len = STD_MIN_MATCH - 1;
        let dist = state.strstart as isize - hash_head as isize;

        if valid_distance_range.contains(&dist)
            && state.prev_length < state.max_lazy_match
            && hash_head != 0
        {
            // To simplify the code, we prevent matches with the string
            // of window index 0 (in particular we have to avoid a match
            // of the string with itself at the start of the input file).
            (match_len, state.match_start) = if use_longest_match_slow && state.strstart < ZLIB_SEARCH_END {
                crate::deflate::longest_match::longest_match_zlib(state, hash_head, state.prev_length)
            } else if use_longest_match_slow {
                crate::deflate::longest_match::longest_match_slow(state, hash_head, state.prev_length)
            } else {
                crate::deflate::longest_match::longest_match(state, hash_head, state.prev_length)
            };

            // oxpy: zlib's rules (see `Discard`).
            let match_dist = state.strstart as i64 - i64::from(state.match_start);
            if discard.discards::<STD_MIN_MATCH>(match_len, match_dist) {
                /* If prev_match is also WANT_MIN_MATCH, match_start is garbage
                 * but we will ignore the current match anyway.
                 */
                match_len = STD_MIN_MATCH - 1;
            }
        }

        // If there was a match at the previous step and the current
        // match is not better, output the previous match:
        if state.prev_length as usize >= STD_MIN_MATCH && match_len <= state.prev_length as usize {
            let max_insert = state.strstart + state.lookahead - STD_MIN_MATCH;
            /* Do not insert strings in hash table beyond this. */

            let bflush = state.tally_dist(
                state.strstart - 1 - state.prev_match as usize,
                state.prev_length as usize - STD_MIN_MATCH,
            );

            /* Insert in hash table all strings up to the end of the match.
             * strstart-1 and strstart are already inserted. If there is not
             * enough lookahead, the last two strings are not inserted in
             * the hash table.
             */
            state.prev_length -= 1;
            state.lookahead -= state.prev_length as usize;

            let mov_fwd = state.prev_length as usize - 1;
            if max_insert > state.strstart {
                let insert_cnt = Ord::min(mov_fwd, max_insert - state.strstart);
                state.insert_string(state.strstart + 1, insert_cnt);
            }
            state.prev_length = 0;
            state.match_available = false;
            state.strstart += mov_fwd + 1;

            if bflush {
                return Stop::FlushMatch;
            }
        } else if state.match_available {
            // If there was no match at the previous position, output a
            // single literal. If there was a match but the current match
            // is longer, truncate the previous match to a single literal.
            let lc = state.window.filled()[state.strstart - 1];
            if state.tally_lit(lc) {
                return Stop::FlushLiteral(match_len as u16);
            }

            state.prev_length = match_len as u16;
            state.strstart += 1;
            state.lookahead -= 1;
            if output_full {
                return Stop::OutputFull;
            }
        } else {
            // There is no previous match to compare with, wait for
            // the next step to decide.
            state.prev_length = match_len as u16;
            state.match_available = true;
            state.strstart += 1;
            state.lookahead -= 1;
        }

        if state.lookahead < MIN_LOOKAHEAD {
            return Stop::Lookahead;
        }
    }
}
