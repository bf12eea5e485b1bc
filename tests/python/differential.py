"""Differential testing: call the C and the Rust module on the same inputs.

Generic part; a module's cases live in diff_<module>.py, which calls
`main(name, fixed_cases, random_case)`. Every call is made on both modules
and the outcomes compared: the same result (same type, equal value) or the
same exception (same type, compared by module and qualified name, since each
module has its own exception classes, and the same message). The public
surface (dir(), docstrings, text signatures, names, exception classes) is
compared too.

Prints the seed first, then the first mismatches (function, arguments, C
outcome, Rust outcome), and ends with `OXPY-RESULT {json}` (run = calls
compared, failed = mismatches). Exits 1 on any mismatch.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modload import load_pair  # noqa: E402

RESULT_PREFIX = "OXPY-RESULT "
REPR_LIMIT = 300


def short_repr(value, limit=REPR_LIMIT):
    try:
        text = repr(value)
    except Exception as e:  # a broken repr must not stop the run
        text = f"<repr failed: {type(e).__name__}>"
    if len(text) > limit:
        text = f"{text[:limit // 2]} ...[{len(text)} chars]... {text[-limit // 4:]}"
    return text


def type_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


# CPython's SystemError for a C function that returned NULL without an
# exception; its wording depends on the call path (a specialised call site
# says "error return without exception set"), not on the function.
NULL_WITHOUT_EXCEPTION = "<NULL returned without an exception>"


def exception_message(e):
    message = str(e)
    if type(e) is SystemError and (message == "error return without exception set"
                                   or message.endswith("returned NULL without setting an exception")):
        return NULL_WITHOUT_EXCEPTION
    return message


def outcome(func, args, kwargs):
    """("ok", result type, result) or ("raise", exception type, message)."""
    try:
        result = func(*args, **kwargs)
    except Exception as e:
        return ("raise", type_name(type(e)), exception_message(e))
    return ("ok", type_name(type(result)), result)


def same_outcome(a, b):
    if a[:2] != b[:2]:
        return False
    try:
        return bool(a[2] == b[2])
    except Exception:
        return False


def show_outcome(o):
    kind, typ, value = o
    if kind == "raise":
        return f"raises {typ}: {short_repr(value)}"
    return f"returns {typ}: {short_repr(value)}"


# -- signatures ------------------------------------------------------------

POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, KEYWORD_ONLY = "positional-only", "positional-or-keyword", "keyword-only"


class Param:
    def __init__(self, name, kind, required):
        self.name, self.kind, self.required = name, kind, required

    def __repr__(self):
        return f"Param({self.name!r}, {self.kind}, required={self.required})"


def parse_text_signature(text):
    """Parses a `__text_signature__` such as
    `($module, data, /, sep=<unrepresentable>, *, flag=False)` (inspect
    cannot parse `<unrepresentable>` defaults)."""
    inner = text.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        raise ValueError(f"bad text signature {text!r}")
    parts, depth, current = [], 0, ""
    for ch in inner[1:-1]:
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += ch in "([{"
        depth -= ch in ")]}"
        current += ch
    if current.strip():
        parts.append(current.strip())
    parts = [p for p in parts if not p.startswith("$")]
    kind = POSITIONAL_ONLY if "/" in parts else POSITIONAL_OR_KEYWORD
    params = []
    for p in parts:
        if p == "/":
            kind = POSITIONAL_OR_KEYWORD
        elif p == "*":
            kind = KEYWORD_ONLY
        elif p.startswith("*"):
            raise ValueError(f"*args/**kwargs not supported: {text!r}")
        else:
            name, eq, _ = p.partition("=")
            params.append(Param(name.strip(), kind, required=not eq))
    return params


def call_forms(params, values):
    """Every valid way to pass `values` (name -> value) to a function with
    `params`: the first k positional-capable parameters positionally, the
    rest by keyword. Returns a list of (args, kwargs)."""
    by_name = {p.name: p for p in params}
    positional = [p for p in params if p.kind != KEYWORD_ONLY]
    forms = []
    for k in range(len(positional) + 1):
        head = positional[:k]
        if any(p.name not in values for p in head):
            break
        rest = {n: v for n, v in values.items() if n not in {p.name for p in head}}
        if any(by_name[n].kind == POSITIONAL_ONLY for n in rest):
            continue
        forms.append((tuple(values[p.name] for p in head), rest))
    return forms


def wrong_forms(params, values):
    """Calls that must fail in argument parsing: unknown keyword, too many
    positional arguments, each required argument missing, an argument given
    twice, a positional-only argument by keyword, a non-str keyword, no
    arguments at all."""
    forms = call_forms(params, values)
    if not forms:
        return []
    most_positional = forms[-1]
    args, kwargs = most_positional
    out = [
        (args, {**kwargs, "no_such_keyword": 1}),
        (args + (None,) * (len(params) - len(args) + 1), {}),
        ((), {}),
        (args, {**kwargs, **{1: 2}}),
    ]
    for p in params:
        if p.required:
            out += call_forms(params, {n: v for n, v in values.items() if n != p.name})[-1:] or [((), {})]
        if p.name in values:
            if p.kind == POSITIONAL_OR_KEYWORD:
                k = [q.name for q in params].index(p.name)
                full = tuple(values.get(q.name) for q in params[: k + 1])
                out.append((full, {p.name: values[p.name]}))
            if p.kind == POSITIONAL_ONLY:
                out.append(((), dict(values)))
    return out


# -- the harness -------------------------------------------------------------

class Differ:
    def __init__(self, c, rust, show):
        self.c, self.rust, self.show = c, rust, show
        self.calls = Counter()
        self.mismatch_count = Counter()
        self.shown = 0
        self._params = {}

    @property
    def total_calls(self):
        return sum(self.calls.values())

    @property
    def total_mismatches(self):
        return sum(self.mismatch_count.values())

    def params(self, fname):
        if fname not in self._params:
            sig = getattr(getattr(self.c, fname), "__text_signature__", None)
            self._params[fname] = parse_text_signature(sig) if sig else None
        return self._params[fname]

    def report(self, what, detail, c_side, rust_side):
        self.mismatch_count[what] += 1
        if self.shown < self.show:
            self.shown += 1
            print(f"MISMATCH {what}: {detail}\n    C:    {c_side}\n    Rust: {rust_side}", flush=True)

    def call(self, fname, args=(), kwargs=None):
        """Calls `fname` on both modules and compares."""
        kwargs = kwargs or {}
        self.calls[fname] += 1
        oc = outcome(getattr(self.c, fname), args, kwargs)
        orust = outcome(getattr(self.rust, fname), args, kwargs)
        if not same_outcome(oc, orust):
            shown_args = ", ".join([short_repr(a) for a in args] + [f"{k!s}={short_repr(v)}" for k, v in kwargs.items()])
            self.report(fname, f"{fname}({shown_args})", show_outcome(oc), show_outcome(orust))

    def call_all_forms(self, fname, values):
        """Calls with every valid positional/keyword split of `values`."""
        params = self.params(fname)
        if params is None:
            self.call(fname, tuple(values.values()))
            return
        for args, kwargs in call_forms(params, values):
            self.call(fname, args, kwargs)

    def call_wrong_forms(self, fname, values):
        params = self.params(fname)
        for args, kwargs in wrong_forms(params, values) if params else []:
            self.call(fname, args, kwargs)

    def compare(self, what, c_value, rust_value):
        self.calls["<surface>"] += 1
        if type(c_value) is not type(rust_value) or c_value != rust_value:
            self.report("<surface>", what, short_repr(c_value, 2000), short_repr(rust_value, 2000))

    def compare_surface(self, own_values=()):
        """dir(), docs, signatures, names; exception classes' names and MROs.
        Constants in `own_values` describe the implementation (e.g. the
        version of the library underneath): only their types are compared."""
        c, rust = self.c, self.rust
        self.compare("dir(module)", dir(c), dir(rust))
        self.compare("module.__doc__", c.__doc__, rust.__doc__)
        self.compare("module.__name__", c.__name__, rust.__name__)
        for name in sorted(set(dir(c)) & set(dir(rust))):
            if name.startswith("__"):
                continue
            a, b = getattr(c, name), getattr(rust, name)
            self.compare(f"type({name})", type_name(type(a)), type_name(type(b)))
            if isinstance(a, type):
                attrs = ["__name__", "__qualname__", "__module__", "__doc__"]
                self.compare(f"{name}.__mro__", [type_name(k) for k in a.__mro__],
                             [type_name(k) for k in getattr(b, "__mro__", ())])
            elif callable(a):
                attrs = ["__name__", "__qualname__", "__module__", "__doc__", "__text_signature__"]
            else:
                attrs = []
                if name not in own_values:
                    self.compare(name, a, b)
            for attr in attrs:
                self.compare(f"{name}.{attr}", getattr(a, attr, "<missing>"), getattr(b, attr, "<missing>"))


def main(name, fixed_cases, random_case, own_values=()):
    """Runs `fixed_cases(differ, rng)` once, then `random_case(differ, rng)`
    until the time budget (or --iterations) is used up. `own_values`: see
    Differ.compare_surface."""
    parser = argparse.ArgumentParser(description=f"Differential test of {name}: C vs Rust")
    parser.add_argument("--rust", required=True, help=f"the Rust {name} extension module file")
    parser.add_argument("--c", help=f"the C {name} extension module file (default: lib-dynload's)")
    parser.add_argument("--seed", type=int, help="random seed (default: random, printed)")
    parser.add_argument("--time", type=float, default=10.0, help="seconds of random cases (default 10)")
    parser.add_argument("--iterations", type=int, help="run exactly this many random cases instead")
    parser.add_argument("--show", type=int, default=25, help="mismatches to print (default 25)")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    c, rust = load_pair(name, args.rust, args.c)
    print(f"differential {name}: Python {sys.version.split()[0]}, seed {seed}\n"
          f"  C:    {getattr(c, '__file__', 'built-in')}\n  Rust: {rust.__file__}", flush=True)

    differ = Differ(c, rust, args.show)
    started = time.monotonic()
    differ.compare_surface(own_values)
    fixed_cases(differ, random.Random(seed))
    fixed_calls = differ.total_calls
    rng = random.Random(seed + 1)
    iterations = 0
    deadline = started + args.time
    while (iterations < args.iterations) if args.iterations is not None else (time.monotonic() < deadline):
        random_case(differ, rng)
        iterations += 1

    elapsed = time.monotonic() - started
    mismatches = differ.total_mismatches
    print(f"{differ.total_calls} calls compared ({fixed_calls} fixed, {iterations} random cases) "
          f"in {elapsed:.1f}s: {mismatches} mismatches")
    for fname, n in sorted(differ.calls.items()):
        bad = differ.mismatch_count[fname]
        print(f"  {fname:<20} {n:>8} calls" + (f", {bad} MISMATCHES" if bad else ""))
    if mismatches:
        print(f"reproduce: {os.path.basename(sys.argv[0])} --rust {args.rust} --seed {seed} --iterations {iterations}")
    result = {"module": name, "python": sys.version.split()[0], "seed": seed, "run": differ.total_calls,
              "failed": mismatches, "skipped": 0, "random_cases": iterations,
              "mismatches": dict(differ.mismatch_count)}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 1 if mismatches else 0
