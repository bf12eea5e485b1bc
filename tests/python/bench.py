"""Micro-benchmarks: a C stdlib module against oxpy's Rust module, in one process.

Generic part. A module's cases live in bench_<module>.py, which calls
`bench.main(module, cases, peers, programs, cases_note)`:

- `cases`: the functions to time (`Case`), each at the input sizes where
  size applies; a size is in bytes (binascii, zlib, csv) or in items (the
  length of a list or heap, the fields of a struct format), as the case says;
- `peers`: PyPI packages doing the same job as some functions (`Peer`),
  timed in the same loop; a peer that is not installed is reported, not
  fatal;
- `programs`: the pyperformance benchmarks whose hot path uses the module
  (`cargo xtask bench` runs them as whole programs), each with the names of
  the pyperf benchmarks it runs that do (an empty list: all of them);
- `cases_note`: what the sizes and rows mean, for the results' caption
  when it is not "bytes of the decoded data".

Method (an equivalent of pyperf's, but in one process so that C, Rust and
the peers are interleaved and see the same machine state): for every
function and size, each contender's loop count is calibrated so that one
sample takes about `--target-ms`; then the contenders take turns (the order
rotating every repetition) for `--reps` repetitions (at least 5). A sample
is the mean time per call over its loop. Before a case is timed, a full
collection frees the garbage left by making its data, and the objects left
(every case's data, the modules) are frozen (`gc.freeze()`): the
collections the calls trigger then walk what the calls made, and a
module whose calls leave the collector more to walk still shows it in its
times. Unfrozen, the harness's own heap made each full collection cost
milliseconds, and it fell in whichever contender's sample was running: a
json loads median moved by 20% between runs, its samples bimodal. We keep
min and median per
contender. The C and Rust results are compared on every case (a difference
is a MISMATCH and makes the run fail); a peer's result is compared too, and
recorded. A case whose call changes its arguments (insort, heappush, pack_into)
gives every contender its own copy of them and compares the arguments after
the call as well as its result.

Run by `cargo xtask bench`, which makes the tables, the plot and the check
from the JSON written with `--json`. Progress goes to stderr.
"""

import argparse
import copy
import gc
import importlib
import importlib.metadata
import json
import os
import platform
import random
import statistics
import sys
import time
from itertools import repeat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modload import load_pair  # noqa: E402

# The sizes of the design: call overhead (empty), small, medium, large.
SIZES = [0, 16, 1 << 10, 64 << 10, 1 << 20]

# What a case's size counts, in the order the tables list them.
UNITS = ("bytes", "items")


def raw_args(c, raw):
    """The default arguments: the raw data itself."""
    return (raw,)


class Case:
    """One function of the module, timed at each of `sizes`.

    `make_args(c, raw)` gives the positional arguments of the call from the
    raw data of `size`; decoders get the C module's encoding of it, so
    "size" is always the size of the decoded data. `data` is what the raw
    data looks like: "random" bytes, "text" (lines of ASCII words with a few
    non-ASCII bytes, like a mail body), or a function `(size, rng) -> raw`
    (a list of `size` ints, say). `unit` is what `size` counts: "bytes" or
    "items".

    By default the call is `module.<function>(*args)`. `call(module, args)
    -> (callable, args)` says otherwise (a method of an object the module
    makes, two calls in a row), as a peer's functions do; `label` then names
    the row (default: `function`). `mutates`: the call changes its arguments
    (a list, a heap, a buffer), so each contender gets its own deep copy of
    them, and its outcome for the C/Rust comparison is (result, arguments
    after the call). It must leave them so that calling it again costs the
    same (insert then delete, pop then push back).
    """

    def __init__(self, function, sizes=SIZES, make_args=raw_args, data="random", *, unit="bytes", label=None,
                 call=None, mutates=False):
        assert unit in UNITS, unit
        self.function = function
        self.sizes = sizes
        self.make_args = make_args
        self.data = data
        self.unit = unit
        self.label = label or function
        self.call = call or (lambda module, args: (getattr(module, function), args))
        self.mutates = mutates

    def data_name(self):
        """`data` for the JSON."""
        return self.data if isinstance(self.data, str) else self.data.__name__

    def outcome(self, func, args):
        """What the C/Rust comparison compares: the result (and the arguments after the call, if it mutates)."""
        result = func(*args)
        return (result, args) if self.mutates else result


class Peer:
    """A package from PyPI that does the job of some of the module's functions.

    `package` is its PyPI name (`cargo xtask bench` installs it in its venv),
    `module` what to import. `functions` maps a function name to
    `make(peer_module, args) -> (callable, args)`: the closest equivalent
    call for the C function's arguments `args`. `note` says how that call
    differs from the C function, for the table's notes.
    """

    def __init__(self, package, module, functions, note=""):
        self.package = package
        self.module = module
        self.functions = functions
        self.note = note


def make_data(kind, size, rng):
    """`size` bytes of random data or of text, or what the function `kind` makes."""
    if callable(kind):
        return kind(size, rng)
    if kind == "random":
        return rng.randbytes(size)
    assert kind == "text", kind
    out = bytearray()
    line = 0
    while len(out) < size:
        word = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 10)))
        if rng.random() < 0.05:  # an accented letter in UTF-8, as quoted-printable's reason to exist
            word += "é".encode()
        if line + len(word) > 72:
            out += b"\n"
            line = 0
        elif line:
            out += b" "
            line += 1
        out += word
        line += len(word)
    return bytes(out[:size])


def sample(func, args, loops):
    """Seconds per call, over `loops` calls."""
    t0 = time.perf_counter()
    for _ in repeat(None, loops):
        func(*args)
    return (time.perf_counter() - t0) / loops


def calibrate(func, args, target):
    """A loop count for which one sample takes about `target` seconds."""
    loops = 1
    while True:
        t = sample(func, args, loops) * loops
        if t >= target:
            return loops
        if t > target / 50:
            return max(loops + 1, int(loops * target * 1.1 / t))
        loops *= 10


def fmt_time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"


def fmt_size(n, unit="bytes"):
    """`n` for tables: 16 B, 64 KiB, 1 MiB (unit "bytes"); 1 item, 100,000 items (unit "items")."""
    if unit == "items":
        return f"{n:,} item{'' if n == 1 else 's'}"
    assert unit == "bytes", unit
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MiB"
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return f"{n >> 10} KiB"
    return f"{n} B"


def load_peers(peers, enabled):
    """Imports the peers: ({name: module}, [status for the JSON])."""
    loaded, statuses = {}, []
    for name, peer in peers.items():
        status = {"name": name, "package": peer.package, "note": peer.note, "functions": sorted(peer.functions)}
        if not enabled:
            status["status"] = "skipped (--no-peers)"
        else:
            try:
                loaded[name] = importlib.import_module(peer.module)
            except ImportError as e:
                status["status"] = "not installed"
                status["error"] = str(e)
            else:
                status["status"] = "ok"
                try:
                    status["version"] = importlib.metadata.version(peer.package)
                except importlib.metadata.PackageNotFoundError:
                    status["version"] = "?"
        statuses.append(status)
    return loaded, statuses


def contender(case, label, make, module, call_args):
    """(label, callable, args) from `make(module, args)`; args copied if the call changes them."""
    return (label, *make(module, copy.deepcopy(call_args) if case.mutates else call_args))


def main(module, cases, peers=None, programs=None, cases_note=None):
    parser = argparse.ArgumentParser(description=f"Benchmark {module}: C vs Rust (vs peers)")
    parser.add_argument("--rust", required=True, help=f"the Rust {module} extension module file")
    parser.add_argument("--c", help=f"the C {module} extension module file (default: lib-dynload's)")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--quick", action="store_true", help="5 repetitions of ~5 ms (default: 15 of ~20 ms)")
    parser.add_argument("--reps", type=int, help="repetitions (at least 5)")
    parser.add_argument("--target-ms", type=float, help="duration of one sample")
    parser.add_argument("--no-peers", action="store_true", help="time C and Rust only")
    parser.add_argument("--only", metavar="TEXT", help="time only the cases whose label contains TEXT")
    args = parser.parse_args()
    reps = max(5, args.reps or (5 if args.quick else 15))
    target = (args.target_ms or (5 if args.quick else 20)) / 1000
    peers = peers or {}

    c, rust = load_pair(module, args.rust, args.c)
    loaded, peer_statuses = load_peers(peers, not args.no_peers)
    for status in peer_statuses:
        if status["status"] != "ok":
            print(f"{module}: peer {status['name']}: {status['status']}", file=sys.stderr)

    rng = random.Random(1234)
    plan = [(case, size) for case in cases for size in case.sizes if not args.only or args.only in case.label]
    results = []
    mismatches = 0
    for n, (case, size) in enumerate(plan, 1):
        raw = make_data(case.data, size, rng)
        call_args = case.make_args(c, raw)
        contenders = [contender(case, label, case.call, m, call_args) for label, m in (("C", c), ("Rust", rust))]
        for name, peer_module in loaded.items():
            make = peers[name].functions.get(case.function)
            if make is not None:
                contenders.append(contender(case, name, make, peer_module, call_args))

        outcomes = {label: case.outcome(f, a) for label, f, a in contenders}
        same = {label: outcome == outcomes["C"] for label, outcome in outcomes.items()}
        del outcomes  # large results (1 MiB of parsed CSV) need not stay alive while timing
        if not same["Rust"]:
            mismatches += 1
        gc.collect()  # the garbage of making the data, not timed
        gc.freeze()  # the harness's heap is not the calls' (see the method)
        loops = {label: calibrate(f, a, target) for label, f, a in contenders}
        samples = {label: [] for label, _, _ in contenders}
        for i in range(reps):
            k = i % len(contenders)  # rotate who goes first
            for label, f, a in contenders[k:] + contenders[:k]:
                samples[label].append(sample(f, a, loops[label]))

        timings = {
            label: {
                "loops": loops[label],
                "min": min(s),
                "median": statistics.median(s),
                "samples": s,
                "same_output": same[label],
            }
            for label, s in samples.items()
        }
        results.append(
            {"function": case.label, "size": size, "unit": case.unit, "data": case.data_name(), "timings": timings}
        )
        ratio = timings["C"]["median"] / timings["Rust"]["median"]
        line = (
            f"[{n}/{len(plan)}] {module}.{case.label} {fmt_size(size, case.unit)}: "
            f"C {fmt_time(timings['C']['median'])}, Rust {fmt_time(timings['Rust']['median'])}, "
            f"C/Rust {ratio:.2f}"
        )
        for label in [label for label in timings if label not in ("C", "Rust")]:
            line += f", {label} {fmt_time(timings[label]['median'])}"
        if not same["Rust"]:
            line += "  MISMATCH: C and Rust results differ"
        print(line, file=sys.stderr, flush=True)

    report = {
        "module": module,
        "python": platform.python_version(),
        "executable": sys.executable,
        "c_file": getattr(c, "__file__", "built-in"),
        "rust_file": rust.__file__,
        "reps": reps,
        "target_ms": target * 1000,
        "peers": peer_statuses,
        "programs": {name: list(parts) for name, parts in (programs or {}).items()},
        "cases_note": cases_note,
        "cases": results,
        "mismatches": mismatches,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    if mismatches:
        print(f"{module}: {mismatches} cases where C and Rust results differ", file=sys.stderr)
    return 1 if mismatches else 0
