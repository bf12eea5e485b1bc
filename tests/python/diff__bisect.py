"""Differential test of _bisect: C module vs oxpy's Rust module.

    python diff__bisect.py --rust target/oxpy/3.11/overlay/_bisect.cpython-311-x86_64-linux-gnu.so [--time 10] [--seed N]

Every function on sorted and unsorted lists, tuples, strings, ranges, list
subclasses (with their own insert), sequences without __getitem__ or
__len__, mappings; lo/hi in and out of range, None, wrong types, huge;
key functions (including ones that raise, return incomparable values, or
mutate the list); items that do not compare; and every keyword/positional
combination. The insort functions run on a copy per module, and the
resulting sequences (and the log of insert calls) are compared too.
"""

import sys

import differential

FUNCS = ["bisect_right", "bisect_left", "insort_right", "insort_left"]
BOUNDS = [0, 1, 2, 3, 5, -1, -2, 10**6, 2**31, 2**63 - 1, 2**63, -2**63, -2**64, None, 1.5, "1", True, [], 0.0]


class Log(list):
    """A list subclass whose insert is logged (C calls it by name)."""

    def insert(self, i, x):
        self.calls = getattr(self, "calls", 0) + 1
        super().insert(i, x)


class NoInsert:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class LenOnly:
    def __len__(self):
        return 3


class Boom:
    def __lt__(self, other):
        raise ZeroDivisionError("boom")

    __gt__ = __lt__


def sorted_values(rng):
    n = rng.choice([0, 1, 2, 3, 5, 10, 100, 1000])
    kind = rng.random()
    if kind < 0.5:
        return sorted(rng.randint(-5, 5) for _ in range(n))
    if kind < 0.7:
        return sorted(rng.random() for _ in range(n))
    if kind < 0.85:
        return sorted("".join(rng.choice("abc") for _ in range(rng.randint(0, 3))) for _ in range(n))
    return [rng.choice([1, 2.0, "x", None, (1,)]) for _ in range(n)]


def containers(values, rng):
    yield list(values)
    yield tuple(values)
    yield Log(values)
    yield NoInsert(values)
    if all(isinstance(v, str) and len(v) == 1 for v in values):
        yield "".join(values)
    if values and all(isinstance(v, int) for v in values):
        yield range(min(values), max(values) + 1)


def probe_values(values, rng):
    out = [0, 1, -1, 0.5, "b", None, (1,), Boom()]
    out += rng.sample(values, min(3, len(values)))
    return out


def keys(rng):
    return [None, abs, str, lambda v: -v if isinstance(v, (int, float)) else v, 5, lambda v: 1 // 0,
            lambda v: [v], rng.choice([len, repr])]


def compare_call(differ, fname, a, x, extra, kwargs):
    """Calls fname on separate copies for C and Rust; compares the outcome
    and, for insort, the sequence afterwards."""
    def fresh(a):
        if isinstance(a, Log):
            b = Log(a)
        elif isinstance(a, NoInsert):
            b = NoInsert(a.items)
        elif isinstance(a, list):
            b = list(a)
        else:
            b = a
        return b
    ac, ar = fresh(a), fresh(a)
    args = (ac, x) + extra
    differ.calls[fname] += 1
    oc = differential.outcome(getattr(differ.c, fname), args, kwargs)
    orust = differential.outcome(getattr(differ.rust, fname), (ar, x) + extra, kwargs)
    detail = f"{fname}({differential.short_repr(a)}, {differential.short_repr(x)}, {extra!r}, {kwargs!r})"
    if not differential.same_outcome(oc, orust):
        differ.report(fname, detail, differential.show_outcome(oc), differential.show_outcome(orust))
        return
    after = lambda s: (list(s.items) if isinstance(s, NoInsert) else list(s) if isinstance(s, list) else s,
                       getattr(s, "calls", None))
    if fname.startswith("insort") and after(ac) != after(ar):
        differ.report(fname + " (list after)", detail, repr(after(ac))[:200], repr(after(ar))[:200])


def fixed_cases(differ, rng):
    for fname in FUNCS:
        differ.call(fname, ())
        differ.call(fname, ([1],))
        differ.call(fname, ([1], 1, 0, 1, 2))
        differ.call(fname, (), {"a": [1], "x": 1})
        differ.call(fname, ([1], 1), {"key": None})
        differ.call(fname, ([1], 1), {"lo": 0, "hi": None, "key": None, "extra": 1})
        differ.call(fname, ([1],), {"x": 1, "a": [2]})
        for a in ({1: 2}, LenOnly(), 5, None, "abc", b"abc", range(10), [3, 1, 2]):
            compare_call(differ, fname, a, 1, (), {})
        for lo in BOUNDS:
            for hi in BOUNDS:
                compare_call(differ, fname, [1, 2, 3, 4], 3, (lo, hi), {})
            compare_call(differ, fname, [1, 2, 3, 4], 3, (), {"lo": lo})
            compare_call(differ, fname, [1, 2, 3, 4], 3, (), {"hi": lo})
        for key in keys(rng):
            compare_call(differ, fname, [1, -2, 3], 2, (), {"key": key})
        # a key that empties the list while searching
        shared = list(range(50))
        compare_call(differ, fname, shared, 10, (), {"key": lambda v, s=shared: s.clear() or v})
    differ.compare("functions", sorted(f for f in dir(differ.c) if not f.startswith("_")),
                   sorted(f for f in dir(differ.rust) if not f.startswith("_")))


def random_case(differ, rng):
    values = sorted_values(rng)
    fname = rng.choice(FUNCS)
    for a in containers(values, rng):
        for x in probe_values(values, rng):
            extra = ()
            kwargs = {}
            r = rng.random()
            if r < 0.3:
                extra = (rng.choice(BOUNDS),)
            elif r < 0.5:
                extra = (rng.choice(BOUNDS), rng.choice(BOUNDS))
            if rng.random() < 0.3:
                kwargs["key"] = rng.choice(keys(rng))
            compare_call(differ, fname, a, x, extra, kwargs)


if __name__ == "__main__":
    sys.exit(differential.main("_bisect", fixed_cases, random_case))
