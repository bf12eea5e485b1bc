#![forbid(unsafe_code)]

use super::flush_block;
use crate::deflate::hash_calc::{HashCalcVariant, StdHashCalc};
use crate::{
    deflate::{
        fill_window, BlockState, DeflateStream, State, Strategy, MIN_LOOKAHEAD, STD_MAX_MATCH, STD_MIN_MATCH,
        WANT_MIN_MATCH,
    },
    DeflateFlush,
};

pub fn deflate_medium(stream: &mut DeflateStream, flush: DeflateFlush) -> BlockState {
    // oxpy: every level chooses the matcher of its stream (see
    // `choose_matcher`).
    let Some(matcher) = stream_matcher(stream, flush) else {
        return BlockState::NeedMore;
    };
    if matcher == Matcher::Three {
        deflate_medium_help::<3>(stream, flush)
    } else {
        deflate_medium_help::<4>(stream, flush)
    }
}

/// oxpy: the stream's matcher (chosen by `choose_matcher` if it is not
/// yet; `None`: more input is needed first), with the hash it uses set.
pub(crate) fn stream_matcher(stream: &mut DeflateStream, flush: DeflateFlush) -> Option<Matcher> {
    if stream.state.matcher == Matcher::Undecided {
        let matcher = choose_matcher(stream, flush)?;
        stream.state.matcher = matcher;
        // At the stream start no position is in the hash table yet: a reset
        // then has no 4-byte hashes to clear (see `clear_used_heads`).
        if matcher == Matcher::Three && stream.state.strstart == 0 {
            stream.state.head_upper_used = false;
        }
    }
    let matcher = stream.state.matcher;
    use_hash_of(&mut stream.state, matcher);
    Some(matcher)
}

/// oxpy: sets the hash of `matcher` as the state's (for `insert_string`
/// and a reset's clear of the heads it sets).
#[inline(always)]
fn use_hash_of(state: &mut State, matcher: Matcher) {
    if matcher == Matcher::Three {
        state.hash_calc_variant = HashCalcVariant::Standard3;
        state.head_std3_used = true;
    } else {
        state.hash_calc_variant = HashCalcVariant::Standard;
        state.head_upper_used = true;
    }
}

/// oxpy: the matcher of levels 1 to 8 (`deflate_fast`, `deflate_medium`
/// and `deflate_slow` without zlib-ng's chain skipping), chosen per stream
/// by `choose_matcher`. Level 9 hashes 3 bytes on every stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matcher {
    /// Not chosen yet (since the last reset).
    Undecided,
    /// zlib-ng's: hashes of 4 bytes, matches of at least 4 bytes.
    Four,
    /// Hashes of 3 bytes (`HashCalcVariant::Standard3`), matches of at
    /// least 3 bytes, as zlib's (those of exactly 3 taken as `Discard`
    /// says).
    Three,
}

/// oxpy: how many of the stream's first bytes `choose_matcher` reads
/// (at most the window size).
const SAMPLE: usize = 4096;

/// oxpy: zlib's `TOO_FAR`: a match of 3 bytes further back than this costs
/// about as much as its 3 literals (see `Discard`).
const TOO_FAR: i64 = 4096;

/// oxpy: chooses the matcher of a stream (levels 1 to 8) from its first
/// `SAMPLE` bytes: `Three` if they hold a NUL byte (binary data, the test
/// git, grep and diff use) or the window is 512 bytes (`wbits` 9, where
/// matches can be at most 250 bytes back: text was 2.2% larger than zlib's
/// with `Four`), else `Four`. `None`: more input is needed.
///
/// zlib-ng's medium strategy hashes 4 bytes and so finds no match of 3. On
/// text that is faster and no larger, but binary files are full of 3-byte
/// repeats (instruction encodings, small integers, table entries): level 6
/// came out 2 to 4% larger than C zlib's on ELF files and up to 4.8% on
/// PNG files. Hashing and matching 3 bytes brings those within 1% of zlib's
/// (for a quarter to a third of the speed on them: still 2.1 times zlib's
/// on ELF files, 1.4 on a PNG file), but on text it was 1.5 times slower
/// and 2% larger, hence the choice per stream. A NUL byte is the cheapest
/// sign of binary data: no text has one, 4 KiB of random bytes lack one
/// with a probability of 1e-7, ELF, PNG, pyc and tar files have them in
/// their first bytes, and so does UTF-16 text (which compresses as well
/// with either matcher). Levels 3, 4, 7 and 8 had the same gap (ELF files
/// 1 to 3% larger, a PNG file 4 to 12%) and choose the same way since.
///
/// The choice depends only on the data and the flushes, not on how the
/// input is split between calls: at the stream start it waits (returning
/// `None`) until `SAMPLE` bytes are in the window, or a flush comes. A
/// window takes at least `w_size` bytes from the stream start, and
/// `fill_window` takes all the input it has room for, so fewer means all
/// input was taken. (Reached at a later position, after a change of level,
/// it reads the bytes ahead.)
fn choose_matcher(stream: &mut DeflateStream, flush: DeflateFlush) -> Option<Matcher> {
    let want = Ord::min(SAMPLE, stream.state.w_size);
    if stream.state.strstart == 0 && stream.state.lookahead < want {
        fill_window(stream);
        if stream.state.lookahead < want && flush == DeflateFlush::NoFlush {
            return None;
        }
    }
    let state = &stream.state;
    let n = Ord::min(want, state.lookahead);
    let sample = &state.window.filled()[state.strstart..][..n];
    // The minimum of every 256 bytes, which vectorises (`contains` searched
    // a word at a time: 1.5% of level 6 on 4 KiB of text).
    let has_nul = sample.chunks(256).any(|chunk| chunk.iter().fold(u8::MAX, |m, &b| m.min(b)) == 0);
    Some(if has_nul || state.w_size <= 512 { Matcher::Three } else { Matcher::Four })
}

// oxpy: one function per matcher, each compiled as the single
// `deflate_medium` was (both inlined into one made the 4-byte one up to 15%
// slower on 1 to 4 KiB of text).
#[inline(never)]
fn deflate_medium_help<const MIN: usize>(stream: &mut DeflateStream, flush: DeflateFlush) -> BlockState {
    let mut state = &mut stream.state;

    // For levels below 5, don't check the next position for a better match
    let early_exit = state.level < 5;
    let discard = Discard::new(state);

    let mut current_match = Match {
        match_start: 0,
        match_length: 0,
        strstart: 0,
        orgstart: 0,
    };
    let mut next_match = Match {
        match_start: 0,
        match_length: 0,
        strstart: 0,
        orgstart: 0,
    };

    // oxpy: see `skip_literals`
    let mut misses: u32 = 0;
    stream.state.skip_back = 0;

    loop {
        let mut hash_head;

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

            next_match.match_length = 0;
        }

        state = &mut stream.state;

        // Insert the string window[strstart .. strstart+2] in the
        // dictionary, and set hash_head to the head of the hash chain:

        /* If we already have a future match from a previous round, just use that */
        if !early_exit && next_match.match_length > 0 {
            current_match = next_match;
            next_match.match_length = 0;
        } else {
            hash_head = 0;
            if state.lookahead >= WANT_MIN_MATCH {
                hash_head = StdHashCalc::<MIN>::quick_insert_string(state, state.strstart);
            }

            current_match.strstart = state.strstart as u16;
            current_match.orgstart = current_match.strstart;

            /* Find the longest match, discarding those <= prev_length.
             * At this point we have always match_length < WANT_MIN_MATCH
             */

            let dist = state.strstart as i64 - hash_head as i64;
            if dist <= state.max_dist() as i64 && dist > 0 && hash_head != 0 {
                /* To simplify the code, we prevent matches with the string
                 * of window index 0 (in particular we have to avoid a match
                 * of the string with itself at the start of the input file).
                 */
                let (match_length, match_start) =
                    crate::deflate::longest_match::longest_match(state, hash_head, state.prev_length);
                state.match_start = match_start;
                current_match.match_length = match_length as u16;
                current_match.match_start = match_start;
                let match_dist = state.strstart as i64 - i64::from(match_start);
                if discard.discards::<MIN>(usize::from(current_match.match_length), match_dist) {
                    current_match.match_length = 1;
                }
                if current_match.match_start >= current_match.strstart {
                    /* this can happen due to some restarts */
                    current_match.match_length = 1;
                }
            } else {
                /* Set up the match to be a 1 byte literal */
                current_match.match_start = 0;
                current_match.match_length = 1;
            }
            if state.skip_back > 0 {
                current_match = catch_up(state, current_match);
            }
        }

        insert_match::<MIN>(state, current_match);

        /* now, look ahead one */
        if !early_exit
            && state.lookahead > MIN_LOOKAHEAD
            && ((current_match.strstart + current_match.match_length) as usize)
                < (state.window_size - MIN_LOOKAHEAD)
        {
            state.strstart = (current_match.strstart + current_match.match_length) as usize;
            hash_head = StdHashCalc::<MIN>::quick_insert_string(state, state.strstart);

            next_match.strstart = state.strstart as u16;
            next_match.orgstart = next_match.strstart;

            /* Find the longest match, discarding those <= prev_length.
             * At this point we have always match_length < WANT_MIN_MATCH
             */

            let dist = state.strstart as i64 - hash_head as i64;
            if dist <= state.max_dist() as i64 && dist > 0 && hash_head != 0 {
                /* To simplify the code, we prevent matches with the string
                 * of window index 0 (in particular we have to avoid a match
                 * of the string with itself at the start of the input file).
                 */
                let (match_length, match_start) =
                    crate::deflate::longest_match::longest_match(state, hash_head, state.prev_length);
                state.match_start = match_start;
                next_match.match_length = match_length as u16;
                next_match.match_start = match_start;

                if next_match.match_start >= next_match.strstart {
                    /* this can happen due to some restarts */
                    next_match.match_length = 1;
                }
                let match_dist = state.strstart as i64 - i64::from(match_start);
                if discard.discards::<MIN>(usize::from(next_match.match_length), match_dist) {
                    next_match.match_length = 1;
                } else {
                    fizzle_matches(
                        state.window.filled(),
                        state.max_dist(),
                        &mut current_match,
                        &mut next_match,
                    );
                }
            } else {
                /* Set up the match to be a 1 byte literal */
                next_match.match_start = 0;
                next_match.match_length = 1;
            }

            state.strstart = current_match.strstart as usize;
        } else {
            next_match.match_length = 0;
        }

        /* now emit the current match */
        let mut bflush = emit_match::<MIN>(state, current_match);

        /* move the "cursor" forward */
        state.strstart += current_match.match_length as usize;

        // oxpy: see `skip_literals`
        if (current_match.match_length as usize) < MIN {
            misses += 1;
            if misses > SKIP_AFTER && next_match.match_length == 1 {
                if let Some(full) = skip_literals::<MIN>(state, misses) {
                    next_match.match_length = 0;
                    bflush |= full;
                }
            }
        } else {
            misses = 0;
        }

        if bflush {
            flush_block!(stream, false);
        }
    }

    stream.state.insert = Ord::min(stream.state.strstart, STD_MIN_MATCH - 1);

    if flush == DeflateFlush::Finish {
        flush_block!(stream, true);
        return BlockState::FinishDone;
    }

    if !stream.state.sym_buf.is_empty() {
        flush_block!(stream, false);
    }

    BlockState::BlockDone
}

/// oxpy: consecutive literals (positions where no match was found) after
/// which `skip_literals` takes over.
const SKIP_AFTER: u32 = 64;
const SKIP_DIV: usize = 4;
const SKIP_MAX: usize = 15;

/// oxpy: on data where no match has been found for `SKIP_AFTER` positions
/// (incompressible stretches), emits the literal `next` (found at `strstart`
/// by the look-ahead) and the bytes after it as literals without looking
/// for a match at them: one more every `SKIP_DIV` positions of the stretch,
/// up to `SKIP_MAX`. They still go into the hash table, so later data can
/// match them, and a match found right after them starts earlier over those
/// its source repeats (`catch_up`). Returns whether the block is full, or
/// `None` (nothing done) near the end of the lookahead or of the block.
///
/// Searching every position of random bytes was half of level 6's time on
/// the benchmark's binary data; what is lost are short matches inside such
/// stretches: 0.2% more output on a PNG file, under 0.1% on the benchmark's
/// data, on binaries, pyc files and a tar file of source.
///
/// `MIN`: the matcher's hash, as in `insert_match` (the choice of hash
/// through `state.insert_string` made level 6 3 to 4% slower on binary data).
#[cold]
#[inline(never)]
fn skip_literals<const MIN: usize>(state: &mut State, misses: u32) -> Option<bool> {
    let skip = ((misses - SKIP_AFTER) as usize).div_ceil(SKIP_DIV).min(SKIP_MAX);
    // the literal at strstart and `skip` more
    let count = (1 + skip).min(state.sym_buf.room());
    state.skip_back = 0;
    if state.lookahead <= MIN_LOOKAHEAD + count || count < 2 {
        return None;
    }
    let strstart = state.strstart;
    StdHashCalc::<MIN>::insert_string(state, strstart + 1, count - 1);
    let mut bflush = false;
    for &lc in &state.window.filled()[strstart..][..count] {
        bflush |= State::tally_lit_help(&mut state.sym_buf, &mut state.l_desc, lc);
    }
    state.strstart += count;
    state.lookahead -= count;
    if !bflush {
        state.skip_back = count;
    }
    Some(bflush)
}

/// oxpy: after `skip_literals` emitted `back` literals just before the match
/// `m`, starts the match earlier over those of them that its source repeats,
/// taking them back from the symbol buffer.
#[inline(never)]
fn catch_up(state: &mut State, mut m: Match) -> Match {
    let back = core::mem::take(&mut state.skip_back);
    if m.match_length == 1 {
        return m;
    }
    let window = state.window.filled();
    let mut k = 0;
    while k < back
        && m.match_start > 1
        && (m.match_length as usize) < STD_MAX_MATCH
        && window[m.match_start as usize - 1] == window[m.strstart as usize - 1]
    {
        m.match_start -= 1;
        m.strstart -= 1;
        m.match_length += 1;
        k += 1;
    }
    for _ in 0..k {
        let lc = state.sym_buf.pop_lit();
        *state.l_desc.dyn_tree[usize::from(lc)].freq_mut() -= 1;
    }
    state.strstart -= k;
    state.lookahead += k;
    m
}

/// oxpy: zlib's rules for which matches a level takes as literals instead.
/// Each level follows the zlib function that runs it: levels 1 to 3
/// (`deflate_fast`) take every match; levels 4 to 9 (`deflate_slow`) not a
/// match of 3 bytes further back than `TOO_FAR`, nor, with `Z_FILTERED`, one
/// of at most 5 bytes. zlib-ng has neither rule at any level: its output was
/// 2.8% larger than zlib's on JSON text at level 9 and 2.7% with
/// `Z_FILTERED` at level 6. `TOO_FAR` at every level instead made a PNG file
/// 7% larger at level 3.
#[derive(Clone, Copy)]
pub(crate) struct Discard {
    far_limit: i64,
    filtered: bool,
}

impl Discard {
    pub(crate) fn new(state: &State) -> Self {
        let slow = state.level >= 4;
        Discard {
            far_limit: if slow { TOO_FAR } else { i64::MAX },
            filtered: slow && state.strategy == Strategy::Filtered,
        }
    }

    /// Whether a match of `length` bytes (at least `MIN` to be one at all)
    /// found `dist` bytes back is emitted as literals.
    #[inline(always)]
    pub(crate) fn discards<const MIN: usize>(self, length: usize, dist: i64) -> bool {
        length < MIN || (self.filtered && length <= 5) || (length == 3 && dist > self.far_limit)
    }
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct Match {
    match_start: u16,
    match_length: u16,
    strstart: u16,
    orgstart: u16,
}

fn emit_match<const MIN: usize>(state: &mut State, m: Match) -> bool {
    let mut bflush = false;

    /* matches that are not long enough we need to emit as literals */
    if (m.match_length as usize) < MIN {
        for lc in &state.window.filled()[state.strstart..][..m.match_length as usize] {
            bflush |= State::tally_lit_help(&mut state.sym_buf, &mut state.l_desc, *lc);
        }
    } else {
        // check_match(s, m.strstart, m.match_start, m.match_length);

        bflush |= state.tally_dist(
            (m.strstart - m.match_start) as usize,
            m.match_length as usize - STD_MIN_MATCH,
        );
    }
    state.lookahead -= m.match_length as usize;

    bflush
}

#[inline(always)]
fn insert_match<const MIN: usize>(state: &mut State, mut m: Match) {
    // oxpy: the hash of the matcher (`MIN` bytes) directly, not through
    // `state.insert_string`'s choice among the hashes of every level.
    if state.lookahead <= (m.match_length as usize + WANT_MIN_MATCH) {
        return;
    }

    /* matches that are not long enough we need to emit as literals */
    if (m.match_length as usize) < MIN {
        m.strstart += 1;
        m.match_length -= 1;
        if m.match_length > 0 && m.strstart >= m.orgstart {
            if m.strstart + m.match_length > m.orgstart {
                StdHashCalc::<MIN>::insert_string(state, m.strstart as usize, m.match_length as usize);
            } else {
                StdHashCalc::<MIN>::insert_string(state, m.strstart as usize, (m.orgstart - m.strstart + 1) as usize);
            }
        }
        return;
    }

    // Insert new strings in the hash table only if the match length
    // is not too large. This saves time but degrades compression.
    if usize::from(m.match_length) <= 16 * state.max_insert_length()
        && state.lookahead >= WANT_MIN_MATCH
    {
        m.match_length -= 1; /* string at strstart already in table */
        m.strstart += 1;

        if m.strstart >= m.orgstart {
            if m.strstart + m.match_length > m.orgstart {
                StdHashCalc::<MIN>::insert_string(state, m.strstart as usize, m.match_length as usize);
            } else {
                StdHashCalc::<MIN>::insert_string(state, m.strstart as usize, (m.orgstart - m.strstart + 1) as usize);
            }
        } else if m.orgstart < m.strstart + m.match_length {
            StdHashCalc::<MIN>::insert_string(state,
                m.orgstart as usize,
                (m.strstart + m.match_length - m.orgstart) as usize,
            );
        }
    } else {
        m.strstart += m.match_length;
        m.match_length = 0;

        if (m.strstart as usize) >= (STD_MIN_MATCH - 2) {
            StdHashCalc::<MIN>::quick_insert_string(state, m.strstart as usize + 2 - STD_MIN_MATCH);
        }

        /* If lookahead < WANT_MIN_MATCH, ins_h is garbage, but it does not
         * matter since it will be recomputed at next deflate call.
         */
    }
}

#[inline(always)]
fn fizzle_matches(window: &[u8], max_dist: usize, current: &mut Match, next: &mut Match) {
    /* step zero: sanity checks */

    if current.match_length <= 1 {
        return;
    }

    if current.match_length > 1 + next.match_start {
        return;
    }

    if current.match_length > 1 + next.strstart {
        return;
    }

    let m = &window[(-(current.match_length as isize) + 1 + next.match_start as isize) as usize..];
    let orig = &window[(-(current.match_length as isize) + 1 + next.strstart as isize) as usize..];

    /* quick exit check.. if this fails then don't bother with anything else */
    if m[0] != orig[0] {
        return;
    }

    /* step one: try to move the "next" match to the left as much as possible */
    let limit = next.strstart.saturating_sub(max_dist as u16);

    let mut c = *current;
    let mut n = *next;

    let m = &window[..n.match_start as usize];
    let orig = &window[..n.strstart as usize];

    let mut m = m.iter().rev();
    let mut orig = orig.iter().rev();

    let mut changed = 0;

    while m.next() == orig.next() {
        if c.match_length < 1 {
            break;
        }
        if n.strstart <= limit {
            break;
        }
        if n.match_length >= 256 {
            break;
        }
        if n.match_start <= 1 {
            break;
        }

        n.strstart -= 1;
        n.match_start -= 1;
        n.match_length += 1;
        c.match_length -= 1;
        changed += 1;
    }

    if changed == 0 {
        return;
    }

    if c.match_length <= 1 && n.match_length != 2 {
        n.orgstart += 1;
        *current = c;
        *next = n;
    }
}
