"""Benchmark _heapq: the C module vs oxpy's Rust module.

    python bench__heapq.py --rust <overlay>/_heapq<EXT_SUFFIX> [--quick] [--json FILE]

Run by `cargo xtask bench`; see bench.py for the method. Sizes are heap
lengths (items): a heap of distinct random ints (seeded), 10 items (call
overhead) and 100,000 (17 levels). Each timed call leaves the heap with the
same items, so that a sample's calls all cost the same:

- heappop + heappush: pops the smallest item and pushes it back (it goes
  back up to the root), in a small Python function: both calls and the
  function are timed, for C and Rust alike;
- heapreplace(heap, smallest): replaces the smallest item by itself (it
  goes down to a leaf and back up to the root), called directly;
- heapify: of a copy of a random list (`list.copy()` and a small Python
  function are timed too: about 5% of heapify's time at 100,000 items).

Mutating calls are compared on their result and on the heap after the call.
"""

import sys

import bench
from bench import Case

HEAP_SIZES = [10, 100_000]


def random_ints(size, rng):
    """`size` distinct ints in random order."""
    return rng.sample(range(1 << 40), size)


def heap_of(c, items):
    """(heap,): the items made a heap by the C module."""
    heap = list(items)
    c.heapify(heap)
    return (heap,)


def replace_args(c, items):
    """(heap, its smallest item)."""
    (heap,) = heap_of(c, items)
    return (heap, heap[0])


def pop_push(module, args):
    """`call`: heappop, then heappush of the popped item."""
    heappop, heappush = module.heappop, module.heappush

    def pop_push(heap):
        item = heappop(heap)
        heappush(heap, item)
        return item

    return pop_push, args


def heapify_copy(module, args):
    """`call`: heapify a copy of the list (the list itself stays as it is)."""
    heapify = module.heapify

    def heapify_copy(items):
        heap = items.copy()
        heapify(heap)
        return heap

    return heapify_copy, args


CASES = [
    Case("heappop", HEAP_SIZES, heap_of, random_ints, unit="items", label="heappop + heappush", call=pop_push,
         mutates=True),
    Case("heapreplace", HEAP_SIZES, replace_args, random_ints, unit="items", mutates=True),
    Case("heapify", HEAP_SIZES, lambda c, items: (items,), random_ints, unit="items", call=heapify_copy),
]

CASES_NOTE = (
    "Size is the length of the heap (distinct random ints). heappop + heappush pops the smallest item and "
    "pushes it back; heapreplace replaces the smallest item by itself; heapify works on a copy of a random "
    "list. The pop/push pair and heapify's copy run in a small Python function, timed for C and Rust alike."
)

# pyperformance benchmarks whose hot path goes through _heapq: none imports
# heapq. Left empty.
PROGRAMS = {}

if __name__ == "__main__":
    sys.exit(bench.main("_heapq", CASES, programs=PROGRAMS, cases_note=CASES_NOTE))
