"""Differential test of _heapq: C module vs oxpy's Rust module.

    python diff__heapq.py --rust target/oxpy/3.11/overlay/_heapq.cpython-311-x86_64-linux-gnu.so [--time 10] [--seed N]

Runs the same random operation sequences (push, pop, replace, pushpop,
heapify and the private max helpers) on a C heap and a Rust heap and
compares every result, exception and the lists themselves after each
step. Items log their comparisons, so the ORDER of comparisons must match
too; some items raise in __lt__, some mutate the list (same size or not)
while compared. Also wrong argument types, counts and list subclasses.
"""

import sys

import differential

OPS = ["heappush", "heappop", "heapreplace", "heappushpop", "heapify", "_heappop_max", "_heapify_max",
       "_heapreplace_max"]
ONE_ARG = {"heappop", "heapify", "_heappop_max", "_heapify_max"}


class Item:
    """An orderable item that logs its comparisons (and may misbehave)."""

    def __init__(self, key, log, mode=None, target=None):
        self.key, self.log, self.mode, self.target = key, log, mode, target

    def __lt__(self, other):
        self.log.append((self.key, getattr(other, "key", other)))
        if self.mode == "raise":
            raise ZeroDivisionError("lt")
        if self.mode == "grow" and self.target is not None:
            self.target.append(Item(-1, self.log))
        if self.mode == "shrink" and self.target:
            self.target.pop()
        if self.mode == "swap" and self.target is not None and len(self.target) > 1:
            self.target[0], self.target[-1] = self.target[-1], self.target[0]
        if isinstance(other, Item):
            return self.key < other.key
        return NotImplemented

    def __repr__(self):
        return f"I{self.key}{self.mode or ''}"


class SubList(list):
    pass


def make_heap(rng, log, kind, size):
    heap = (SubList if rng.random() < 0.2 else list)()
    for _ in range(size):
        mode = None
        r = rng.random()
        if r < 0.02:
            mode = "raise"
        elif r < 0.03:
            mode = rng.choice(["grow", "shrink", "swap"])
        if kind == "int":
            heap.append(rng.randint(-20, 20))
        elif kind == "item":
            heap.append(Item(rng.randint(-20, 20), log, mode, heap))
        else:
            heap.append(rng.choice([1, 2.5, "x", None, (1,)]))
    return heap


def snapshot(heap):
    return [(x.key, x.mode) if isinstance(x, Item) else x for x in heap]


def run_sequence(differ, rng):
    kind = rng.choice(["int", "int", "item", "item", "mixed"])
    size = rng.choice([0, 1, 2, 3, 7, 20, 100, 3000])
    seed = rng.random()
    steps = [(rng.choice(OPS), rng.randint(-20, 20), rng.random()) for _ in range(rng.randint(1, 12))]
    results = []
    for module in (differ.c, differ.rust):
        import random
        local = random.Random(seed)
        log = []
        heap = make_heap(local, log, kind, size)
        out = []
        for op, value, r in steps:
            mode = "raise" if r < 0.03 else ("grow" if r < 0.05 else None)
            item = Item(value, log, mode, heap) if kind != "int" else value
            args = (heap,) if op in ONE_ARG else (heap, item)
            o = differential.outcome(getattr(module, op), args, {})
            if o[0] == "ok" and isinstance(o[2], Item):
                o = (o[0], o[1], (o[2].key, o[2].mode))
            out.append((op, o, snapshot(heap), list(log)))
            log.clear()
        results.append(out)
    differ.calls["sequence"] += 1
    for (op, oc, hc, lc), (_, orust, hr, lr) in zip(*results):
        differ.calls[op] += 1
        if not differential.same_outcome(oc, orust) or hc != hr or lc != lr:
            differ.report(op, f"{kind} heap of {size}, steps {steps}",
                          f"{differential.show_outcome(oc)}; heap {str(hc)[:150]}; compares {str(lc)[:150]}",
                          f"{differential.show_outcome(orust)}; heap {str(hr)[:150]}; compares {str(lr)[:150]}")
            return


def fixed_cases(differ, rng):
    # Lists are made afresh for each module: the calls change them.
    for op in OPS:
        for make in [lambda: (), lambda: (None,), lambda: (5,), lambda: ((1, 2),), lambda: ("abc",),
                     lambda: ([1], 2, 3), lambda: ([1], 2), lambda: ([],), lambda: ([], 1), lambda: ([3, 1, 2],),
                     lambda: (SubList([5, 4]), 1)]:
            oc = differential.outcome(getattr(differ.c, op), make(), {})
            orust = differential.outcome(getattr(differ.rust, op), make(), {})
            differ.calls[op] += 1
            if not differential.same_outcome(oc, orust):
                differ.report(op, f"{op}{make()!r}", differential.show_outcome(oc), differential.show_outcome(orust))
        differ.call(op, ([1],), {"x": 1})
    for _ in range(200):
        run_sequence(differ, rng)


def random_case(differ, rng):
    run_sequence(differ, rng)


if __name__ == "__main__":
    sys.exit(differential.main("_heapq", fixed_cases, random_case))
