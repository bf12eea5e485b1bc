"""Concurrency stress test of an oxpy module: several threads call it at once
on shared input objects; every outcome must equal the sequential one.

    python stress_threads.py --module binascii --rust <.so> [--threads 8] [--time 3]

The calls come from the module's plugin (fuzz_<module>.stress_calls): the
same bytes, bytearray and memoryview objects are passed by all threads.
First each call's outcome is computed sequentially on the C and the Rust
module (they must agree); then the threads start together (a barrier) and
call the Rust module in different orders, with a tiny switch interval so
they interleave as much as the GIL allows (and fully on a free-threaded
build), for --time seconds. Any outcome different from the sequential one,
any exception escaping a thread, or a crash fails the test.

Ends with `OXPY-RESULT {json}`: run = calls made by the threads, failed =
outcomes that differed (+ sequential C/Rust disagreements + thread errors).
"""

import argparse
import json
import os
import random
import sys
import threading
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import differential  # noqa: E402
import fuzz_common as F  # noqa: E402
from modload import load_pair  # noqa: E402

RESULT_PREFIX = "OXPY-RESULT "


def invoke(module, item):
    """The outcome of one stress call: (fname, args, kwargs) on the module,
    or (label, fn) calling fn(module)."""
    if len(item) == 2:
        return differential.outcome(item[1], (module,), {})
    fname, args, kwargs = item
    return differential.outcome(getattr(module, fname), args, kwargs)


def label(item):
    if len(item) == 2:
        return item[0]
    try:
        return F.show_step(F.encode_call(*item))
    except F.Unencodable:
        return item[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True)
    parser.add_argument("--rust", required=True)
    parser.add_argument("--c", help="the C extension module file (default: lib-dynload's)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    warnings.simplefilter("ignore")  # the calls that warn are measured all the same
    c, rust = load_pair(args.module, args.rust, args.c)
    plugin = F.load_plugin(args.module)
    calls = list(plugin.stress_calls(c))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"stress {args.module}: Python {sys.version.split()[0]} ({'GIL' if gil else 'free-threaded'}), "
          f"{args.threads} threads, {len(calls)} calls on shared inputs, {args.time:.0f}s", flush=True)

    expected = []
    disagreements = 0
    for item in calls:
        oc, orust = invoke(c, item), invoke(rust, item)
        if not differential.same_outcome(oc, orust):
            disagreements += 1
            print(f"  SEQUENTIAL MISMATCH {label(item)}\n"
                  f"    C:    {differential.show_outcome(oc)}\n    Rust: {differential.show_outcome(orust)}")
        expected.append(orust)

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    barrier = threading.Barrier(args.threads)
    deadline = time.monotonic() + args.time
    lock = threading.Lock()
    stats = {"calls": 0, "differences": 0, "errors": 0}
    shown = []

    def worker(index):
        rng = random.Random(args.seed * 1000 + index)
        order = list(range(len(calls)))
        n = differences = 0
        try:
            barrier.wait()
            while time.monotonic() < deadline:
                rng.shuffle(order)
                for i in order:
                    o = invoke(rust, calls[i])
                    n += 1
                    if not differential.same_outcome(o, expected[i]):
                        differences += 1
                        if len(shown) < 10:
                            shown.append((i, o))
        except BaseException as e:  # noqa: BLE001 - reported as a failure
            with lock:
                stats["errors"] += 1
            print(f"  thread {index}: {type(e).__name__}: {e}", flush=True)
        with lock:
            stats["calls"] += n
            stats["differences"] += differences

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.setswitchinterval(old_interval)
    elapsed = time.monotonic() - started

    for i, o in shown:
        print(f"  CONCURRENT MISMATCH {label(calls[i])}\n"
              f"    sequential: {differential.show_outcome(expected[i])}\n    concurrent: {differential.show_outcome(o)}")
    failed = stats["differences"] + stats["errors"] + disagreements
    print(f"stress {args.module}: {stats['calls']} calls in {elapsed:.1f}s by {args.threads} threads: "
          f"{stats['differences']} differed from the sequential outcome, {stats['errors']} thread errors, "
          f"{disagreements} sequential C/Rust disagreements")
    result = {"module": args.module, "python": sys.version.split()[0], "run": stats["calls"], "failed": failed,
              "skipped": 0, "threads": args.threads}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
