"""Benchmark _bisect: the C module vs oxpy's Rust module.

    python bench__bisect.py --rust <overlay>/_bisect<EXT_SUFFIX> [--quick] [--json FILE]

Run by `cargo xtask bench`; see bench.py for the method. Sizes are list
lengths (items): the list holds the even ints 0, 2, 4, ... (distinct int
objects beyond 256, as real data), the searched value is an odd int a third
of the way in, so it is never found and the search goes all the way down.

- bisect_right, bisect_left: a 10-item list (call overhead) and a
  1,000,000-item list (20 comparisons);
- insort_right, insort_left: into a 10-item list, then `a.pop(i)` of the
  inserted item so that the list is the same for the next call: the row
  times both calls and a small Python function around them, for C and
  Rust alike. The comparison checks the popped item and the list after.
"""

import sys

import bench
from bench import Case

LIST_SIZES = [10, 1_000_000]


def even_ints(size, rng):
    """[0, 2, 4, ..., 2 * (size - 1)]."""
    return list(range(0, 2 * size, 2))


def search_args(c, a):
    """The list and an odd value a third of the way in (not in the list)."""
    return (a, 2 * (len(a) // 3) + 1)


def insort_args(c, a):
    """The list, the value and where it goes (where to pop it from)."""
    i = len(a) // 3 + 1
    return (a, 2 * i - 1, i)


def insort_then_pop(function):
    """`call` for bench.Case: insort, then pop the inserted item back out."""

    def make(module, args):
        insort = getattr(module, function)

        def insort_pop(a, x, i):
            insort(a, x)
            return a.pop(i)

        return insort_pop, args

    return make


CASES = [
    Case("bisect_right", LIST_SIZES, search_args, even_ints, unit="items"),
    Case("bisect_left", LIST_SIZES, search_args, even_ints, unit="items"),
    Case("insort_right", [10], insort_args, even_ints, unit="items", label="insort_right + list.pop",
         call=insort_then_pop("insort_right"), mutates=True),
    Case("insort_left", [10], insort_args, even_ints, unit="items", label="insort_left + list.pop",
         call=insort_then_pop("insort_left"), mutates=True),
]

CASES_NOTE = (
    "Size is the length of the sorted list of ints searched (an odd value, never found). The insort rows "
    "insert into a 10-item list and pop the item back out (both calls and a small Python function around "
    "them are timed, for C and Rust alike)."
)

# pyperformance benchmarks whose hot path goes through _bisect: none.
# regex_dna calls bisect.bisect while making its input, outside the timed
# part; meteor_contest spends 0.01% of its time in bisect_right (cProfile,
# 3.11). Left empty rather than claiming a program-level effect.
PROGRAMS = {}

if __name__ == "__main__":
    sys.exit(bench.main("_bisect", CASES, programs=PROGRAMS, cases_note=CASES_NOTE))
