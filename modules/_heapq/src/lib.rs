//! CPython's `_heapq` module in Rust: the heap algorithms on lists, with
//! C's order of comparisons, its checks that comparisons did not resize the
//! list ("list changed size during iteration") and its errors. Items are
//! moved by swapping list slots, as C does; each comparison holds its own
//! references, as comparisons may run arbitrary code.
#![forbid(unsafe_code)]

use oxpy::err::exceptions::{IndexError, RuntimeError};
use oxpy::module::{ModuleState, TraverseStop, Visit};
use oxpy::types::{PyAny, PyList, PyModule, PyStr};
use oxpy::{Borrowed, Bound, PyResult, Python, Raised};

/// `_heapq` keeps no state; its exec slot adds `__about__`.
pub struct State;

impl ModuleState for State {
    fn exec<'py>(module: Borrowed<'_, 'py, PyModule>) -> PyResult<Self> {
        module.add(c"__about__", &PyStr::new(module.py(), ABOUT)?.into_any())?;
        Ok(State)
    }

    fn traverse(&self, _visit: &mut Visit<'_>) -> Result<(), TraverseStop> {
        Ok(())
    }
}

oxpy::module! {
    name: _heapq,
    doc: "Heap queue algorithm (a.k.a. priority queue).

Heaps are arrays for which a[k] <= a[2*k+1] and a[k] <= a[2*k+2] for
all k, counting elements from 0.  For the sake of comparison,
non-existing elements are considered to be infinite.  The interesting
property of a heap is that a[0] is always its smallest element.

Usage:

heap = []            # creates an empty heap
heappush(heap, item) # pushes a new item on the heap
item = heappop(heap) # pops the smallest item from the heap
item = heap[0]       # smallest item on the heap without popping it
heapify(x)           # transforms list into a heap, in-place, in linear time
item = heapreplace(heap, item) # pops and returns smallest item, and adds
                               # new item; the heap size is unchanged

Our API differs from textbook heap algorithms as follows:

- We use 0-based indexing.  This makes the relationship between the
  index for a node and the indexes for its children slightly less
  obvious, but is more suitable since Python uses 0-based indexing.

- Our heappop() method returns the smallest item, not the largest.

These two make it possible to view the heap as a regular Python list
without surprises: heap[0] is the smallest item, and heap.sort()
maintains the heap invariant!
",
    state: State,
    functions: [heappush, heappushpop, heappop, heapreplace, heapify, _heappop_max, _heapify_max, _heapreplace_max],
}

const ABOUT: &str = "Heap queues

[explanation by François Pinard]

Heaps are arrays for which a[k] <= a[2*k+1] and a[k] <= a[2*k+2] for
all k, counting elements from 0.  For the sake of comparison,
non-existing elements are considered to be infinite.  The interesting
property of a heap is that a[0] is always its smallest element.

The strange invariant above is meant to be an efficient memory
representation for a tournament.  The numbers below are `k', not a[k]:

                                   0

                  1                                 2

          3               4                5               6

      7       8       9       10      11      12      13      14

    15 16   17 18   19 20   21 22   23 24   25 26   27 28   29 30


In the tree above, each cell `k' is topping `2*k+1' and `2*k+2'.  In
a usual binary tournament we see in sports, each cell is the winner
over the two cells it tops, and we can trace the winner down the tree
to see all opponents s/he had.  However, in many computer applications
of such tournaments, we do not need to trace the history of a winner.
To be more memory efficient, when a winner is promoted, we try to
replace it by something else at a lower level, and the rule becomes
that a cell and the two cells it tops contain three different items,
but the top cell \"wins\" over the two topped cells.

If this heap invariant is protected at all time, index 0 is clearly
the overall winner.  The simplest algorithmic way to remove it and
find the \"next\" winner is to move some loser (let's say cell 30 in the
diagram above) into the 0 position, and then percolate this new 0 down
the tree, exchanging values, until the invariant is re-established.
This is clearly logarithmic on the total number of items in the tree.
By iterating over all items, you get an O(n ln n) sort.

A nice feature of this sort is that you can efficiently insert new
items while the sort is going on, provided that the inserted items are
not \"better\" than the last 0'th element you extracted.  This is
especially useful in simulation contexts, where the tree holds all
incoming events, and the \"win\" condition means the smallest scheduled
time.  When an event schedule other events for execution, they are
scheduled into the future, so they can easily go into the heap.  So, a
heap is a good structure for implementing schedulers (this is what I
used for my MIDI sequencer :-).

Various structures for implementing schedulers have been extensively
studied, and heaps are good for this, as they are reasonably speedy,
the speed is almost constant, and the worst case is not much different
than the average case.  However, there are other representations which
are more efficient overall, yet the worst cases might be terrible.

Heaps are also very useful in big disk sorts.  You most probably all
know that a big sort implies producing \"runs\" (which are pre-sorted
sequences, which size is usually related to the amount of CPU memory),
followed by a merging passes for these runs, which merging is often
very cleverly organised[1].  It is very important that the initial
sort produces the longest runs possible.  Tournaments are a good way
to that.  If, using all the memory available to hold a tournament, you
replace and percolate items that happen to fit the current run, you'll
produce runs which are twice the size of the memory for random input,
and much better for input fuzzily ordered.

Moreover, if you output the 0'th item on disk and get an input which
may not fit in the current tournament (because the value \"wins\" over
the last output value), it cannot fit in the heap, so the size of the
heap decreases.  The freed memory could be cleverly reused immediately
for progressively building a second heap, which grows at exactly the
same rate the first heap is melting.  When the first heap completely
vanishes, you switch heaps and start a new run.  Clever and quite
effective!

In a word, heaps are useful memory structures to know.  I use them in
a few applications, and I think it is good to keep a `heap' module
around. :-)

--------------------
[1] The disk balancing algorithms which are current, nowadays, are
more annoying than clever, and this is a consequence of the seeking
capabilities of the disks.  On devices which cannot seek, like big
tape drives, the story was quite different, and one had to be very
clever to ensure (far in advance) that each tape movement will be the
most effective possible (that is, will best participate at
\"progressing\" the merge).  Some tapes were even able to read
backwards, and this was also used to avoid the rewinding time.
Believe me, real good tape sorts were quite spectacular to watch!
From all times, sorting has always been a Great Art! :-)
";

#[cold]
fn index_error(py: Python<'_>) -> Raised {
    IndexError::raise(py, "index out of range")
}

#[cold]
fn resized(py: Python<'_>) -> Raised {
    RuntimeError::raise(py, "list changed size during iteration")
}

/// Whether item `a` sorts before item `b` (`heap[a] < heap[b]`; for a
/// max-heap, `MAX`, `heap[b] < heap[a]`).
#[inline(always)]
fn before<const MAX: bool>(heap: Borrowed<'_, '_, PyList>, a: usize, b: usize) -> PyResult<bool> {
    if MAX { heap.item_lt(b, a) } else { heap.item_lt(a, b) }
}

/// C's `siftdown`: moves the item at `pos` up towards `start` while it sorts
/// before its parent.
fn siftdown<const MAX: bool>(heap: Borrowed<'_, '_, PyList>, start: usize, mut pos: usize) -> PyResult<()> {
    let py = heap.py();
    let size = heap.len();
    if pos >= size {
        return Err(index_error(py));
    }
    while pos > start {
        let parentpos = (pos - 1) >> 1;
        let lower = before::<MAX>(heap, pos, parentpos)?;
        if size != heap.len() {
            return Err(resized(py));
        }
        if !lower {
            break;
        }
        heap.swap(parentpos, pos);
        pos = parentpos;
    }
    Ok(())
}

/// C's `siftup`: moves the smaller child up until `pos` is a leaf, then
/// sifts the item there back down.
fn siftup<const MAX: bool>(heap: Borrowed<'_, '_, PyList>, mut pos: usize) -> PyResult<()> {
    let py = heap.py();
    let endpos = heap.len();
    let startpos = pos;
    if pos >= endpos {
        return Err(index_error(py));
    }
    let limit = endpos >> 1;
    while pos < limit {
        let mut childpos = 2 * pos + 1;
        if childpos + 1 < endpos {
            let left_first = before::<MAX>(heap, childpos, childpos + 1)?;
            childpos += usize::from(!left_first);
            if endpos != heap.len() {
                return Err(resized(py));
            }
        }
        heap.swap(childpos, pos);
        pos = childpos;
    }
    siftdown::<MAX>(heap, startpos, pos)
}

fn push<const MAX: bool>(heap: Borrowed<'_, '_, PyList>, x: Borrowed<'_, '_, PyAny>) -> PyResult<()> {
    heap.append(x)?;
    siftdown::<MAX>(heap, 0, heap.len() - 1)
}

fn pop<'py, const MAX: bool>(heap: Borrowed<'_, 'py, PyList>) -> PyResult<Bound<'py, PyAny>> {
    let Some(last) = heap.pop_last()? else { return Err(index_error(heap.py())) };
    if heap.is_empty() {
        return Ok(last);
    }
    let top = heap.replace(0, last).map_err(|_| index_error(heap.py()))?;
    siftup::<MAX>(heap, 0)?;
    Ok(top)
}

fn replace<'py, const MAX: bool>(
    heap: Borrowed<'_, 'py, PyList>,
    x: Borrowed<'_, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let top = heap.replace(0, x.to_owned()).map_err(|_| index_error(heap.py()))?;
    siftup::<MAX>(heap, 0)?;
    Ok(top)
}

/// `2 ** floor(log2(n))` (C's `keep_top_bit`).
fn keep_top_bit(n: usize) -> usize {
    if n == 0 { 0 } else { 1 << n.ilog2() }
}

/// C's `heapify_internal`: bottom-up, or row by row for heaps too big for
/// the cache (the same sifts in another order, as C).
fn heapify_in<const MAX: bool>(heap: Borrowed<'_, '_, PyList>) -> PyResult<()> {
    let n = heap.len();
    if n > 2500 {
        // Sift each node, then at once its parent while the siblings are
        // still in cache (same sifts and comparisons, another order).
        let m = n >> 1; // the first node without children
        let leftmost = keep_top_bit(m + 1) - 1; // the leftmost node in m's row
        let mhalf = m >> 1; // m's parent
        let sift_with_ancestors = |i: usize| -> PyResult<()> {
            let mut j = i;
            loop {
                siftup::<MAX>(heap, j)?;
                if j & 1 == 0 {
                    return Ok(());
                }
                j >>= 1;
            }
        };
        for i in (mhalf..leftmost).rev() {
            sift_with_ancestors(i)?;
        }
        for i in (leftmost..m).rev() {
            sift_with_ancestors(i)?;
        }
        return Ok(());
    }
    for i in (0..n >> 1).rev() {
        siftup::<MAX>(heap, i)?;
    }
    Ok(())
}

/// Push item onto heap, maintaining the heap invariant.
#[oxpy::function(text_signature = "($module, heap, item, /)")]
fn heappush<'a, 'py>(py: Python<'py>, heap: Borrowed<'a, 'py, PyList>, item: Borrowed<'a, 'py, PyAny>) -> PyResult<()> {
    let _ = py;
    push::<false>(heap, item)
}

/// Pop the smallest item off the heap, maintaining the heap invariant.
#[oxpy::function(text_signature = "($module, heap, /)")]
fn heappop<'a, 'py>(py: Python<'py>, heap: Borrowed<'a, 'py, PyList>) -> PyResult<Bound<'py, PyAny>> {
    let _ = py;
    pop::<false>(heap)
}

/// Pop and return the current smallest value, and add the new item.
///
/// This is more efficient than heappop() followed by heappush(), and can be
/// more appropriate when using a fixed-size heap.  Note that the value
/// returned may be larger than item!  That constrains reasonable uses of
/// this routine unless written as part of a conditional replacement:
///
///     if item > heap[0]:
///         item = heapreplace(heap, item)
#[oxpy::function(text_signature = "($module, heap, item, /)")]
fn heapreplace<'a, 'py>(
    py: Python<'py>,
    heap: Borrowed<'a, 'py, PyList>,
    item: Borrowed<'a, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let _ = py;
    replace::<false>(heap, item)
}

/// Push item on the heap, then pop and return the smallest item from the heap.
///
/// The combined action runs more efficiently than heappush() followed by
/// a separate call to heappop().
#[oxpy::function(text_signature = "($module, heap, item, /)")]
fn heappushpop<'a, 'py>(
    py: Python<'py>,
    heap: Borrowed<'a, 'py, PyList>,
    item: Borrowed<'a, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let _ = py;
    // Nothing to do when the item would be popped straight back.
    let Some(top) = heap.get(0) else { return Ok(item.to_owned()) };
    if !top.as_borrowed().lt(item)? {
        return Ok(item.to_owned());
    }
    drop(top);
    replace::<false>(heap, item)
}

/// Transform list into a heap, in-place, in O(len(heap)) time.
#[oxpy::function(text_signature = "($module, heap, /)")]
fn heapify<'a, 'py>(py: Python<'py>, heap: Borrowed<'a, 'py, PyList>) -> PyResult<()> {
    let _ = py;
    heapify_in::<false>(heap)
}

/// Maxheap variant of heappop.
#[oxpy::function(text_signature = "($module, heap, /)")]
fn _heappop_max<'a, 'py>(py: Python<'py>, heap: Borrowed<'a, 'py, PyList>) -> PyResult<Bound<'py, PyAny>> {
    let _ = py;
    pop::<true>(heap)
}

/// Maxheap variant of heapify.
#[oxpy::function(text_signature = "($module, heap, /)")]
fn _heapify_max<'a, 'py>(py: Python<'py>, heap: Borrowed<'a, 'py, PyList>) -> PyResult<()> {
    let _ = py;
    heapify_in::<true>(heap)
}

/// Maxheap variant of heapreplace.
#[oxpy::function(text_signature = "($module, heap, item, /)")]
fn _heapreplace_max<'a, 'py>(
    py: Python<'py>,
    heap: Borrowed<'a, 'py, PyList>,
    item: Borrowed<'a, 'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let _ = py;
    replace::<true>(heap, item)
}
