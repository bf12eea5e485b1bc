"""Benchmark the C module against the Rust module in one process.

Generic part; a module's cases live in bench_<module>.py, which calls
`main(name, functions, sizes, make_args, peers)`. For every function and
input size: the loop count is calibrated so one sample takes ~10-20 ms,
then C and Rust samples are interleaved (the order alternating) for at least
5 repetitions. Prints a markdown table of per-call times (min and median)
and the ratio C time / Rust time: above 1 means Rust is faster.
"""

import argparse
import os
import random
import statistics
import sys
import time
from itertools import repeat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modload import load_pair  # noqa: E402


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
            return max(loops + 1, int(loops * target * 1.3 / t))
        loops *= 10


def fmt_time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"


def fmt_size(n):
    if n >= 1 << 20:
        return f"{n >> 20} MiB"
    if n >= 1 << 10:
        return f"{n >> 10} KiB"
    return f"{n} B"


def main(name, functions, sizes, make_args, peers=None):
    """`make_args(c_module, function, raw_bytes)` gives the call's arguments;
    `peers` maps a peer's name to a function returning, for a function name,
    a callable doing the same job (or None), or raising ImportError."""
    parser = argparse.ArgumentParser(description=f"Benchmark {name}: C vs Rust")
    parser.add_argument("--rust", required=True, help=f"the Rust {name} extension module file")
    parser.add_argument("--c", help=f"the C {name} extension module file (default: lib-dynload's)")
    parser.add_argument("--out", help="also write the table to this file")
    parser.add_argument("--quick", action="store_true", help="5 repetitions of ~10 ms")
    parser.add_argument("--reps", type=int, help="repetitions (default 5 with --quick, else 11)")
    args = parser.parse_args()
    reps = max(5, args.reps or (5 if args.quick else 11))
    target = 0.010 if args.quick else 0.015

    c, rust = load_pair(name, args.rust, args.c)
    available = {}
    for peer, get in (peers or {}).items():
        try:
            available[peer] = get
            get(functions[0])
        except ImportError:
            del available[peer]

    header = ["function", "size", "C min", "C median", "Rust min", "Rust median", "C/Rust (min)", "C/Rust (median)"]
    for peer in available:
        header += [f"{peer} min", f"{peer} median"]
    rows = []
    mismatches = 0
    rng = random.Random(1234)
    for fname in functions:
        for size in sizes:
            raw = rng.randbytes(size)
            call_args = make_args(c, fname, raw)
            cf, rf = getattr(c, fname), getattr(rust, fname)
            contenders = [("C", cf), ("Rust", rf)]
            for peer, get in available.items():
                f = get(fname)
                if f is not None:
                    contenders.append((peer, f))
            same = cf(*call_args) == rf(*call_args)
            mismatches += not same
            loops = calibrate(cf, call_args, target)
            times = {label: [] for label, _ in contenders}
            for i in range(reps):
                order = contenders if i % 2 == 0 else contenders[::-1]
                for label, f in order:
                    times[label].append(sample(f, call_args, loops))
            mins = {k: min(v) for k, v in times.items()}
            meds = {k: statistics.median(v) for k, v in times.items()}
            row = [fname, fmt_size(size), fmt_time(mins["C"]), fmt_time(meds["C"]),
                   fmt_time(mins["Rust"]), fmt_time(meds["Rust"]),
                   f"{mins['C'] / mins['Rust']:.2f}" if same else "MISMATCH",
                   f"{meds['C'] / meds['Rust']:.2f}" if same else "MISMATCH"]
            for peer in available:
                row += [fmt_time(mins[peer]), fmt_time(meds[peer])] if peer in times else ["-", "-"]
            rows.append(row)
            print(" | ".join(row), file=sys.stderr, flush=True)

    lines = [
        f"## {name}: C vs Rust, Python {sys.version.split()[0]}",
        "",
        f"Time per call, min and median of {reps} interleaved samples of ~{target * 1000:.0f} ms each.",
        "C/Rust = C time / Rust time: above 1 means the Rust module is faster.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if not available and peers:
        lines += ["", f"(not installed, so not measured: {', '.join(peers)})"]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table)
        print(f"written to {args.out}", file=sys.stderr)
    if mismatches:
        print(f"{mismatches} cases where C and Rust results differ (MISMATCH rows)", file=sys.stderr)
    return 1 if mismatches else 0
