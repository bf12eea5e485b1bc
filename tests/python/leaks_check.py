"""Leak check of an oxpy module: repeated calls on every success and error
path must not grow memory or reference counts.

    python leaks_check.py --module binascii --rust <.so> [--calls 1000] [--tests test_binascii ...]

The calls come from the module's plugin (fuzz_<module>.leak_calls); one is
kept per distinct C outcome (function, result type or exception type and
message), so each success and error path is measured once. Each case runs
`--calls` times to warm up, then twice more `--calls` times, with fresh
argument objects, and fails if both measured rounds grow one of:

- sys.getallocatedblocks() (pymalloc blocks: leaked objects),
- the traced memory of tracemalloc (Python allocations),
- the number of GC-tracked objects,
- malloc's bytes in use (glibc mallinfo2: also Rust's own heap), less
  tracemalloc's own tables,

by more than a quarter of an item (8 bytes of malloc, 4 of tracemalloc) per
call, or if a reference count of an argument, of the module or of its
exception classes went up by `--calls` or more (a reference leaked per
call), or if a bytearray argument stays exported (a buffer not released). A
case that fails is measured again with 4x the calls (noise does not grow
with them) and then on the C module: if C grows as well it is reported as
noise, not as a leak. Then each function runs on 1 MiB inputs
(plugin big_calls) and the process RSS must stay within 32 MiB of where it
started. The same measurement of the C module is printed for comparison.

glibc's per-thread cache of freed chunks (tcache) counts as in use and
fills slowly, by size class, over thousands of calls: bounded growth that
looks like a leak. The script runs itself again with the cache off
(GLIBC_TUNABLES=glibc.malloc.tcache_count=0) so malloc's count is exact.

CPython's own refleak hunting (`python -m test -R 3:3 <tests>`) needs a
debug build (sys.gettotalrefcount); on a release build it is reported as
unavailable (counted as skipped), never faked.

Ends with `OXPY-RESULT {json}`: run = cases measured, failed = leaking cases.
"""

import argparse
import ctypes
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import differential  # noqa: E402
import fuzz_common as F  # noqa: E402
from modload import load_pair  # noqa: E402

RESULT_PREFIX = "OXPY-RESULT "


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def malloc_in_use_fn():
    """Bytes malloc has handed out (glibc's mallinfo2), or None."""
    try:
        libc = ctypes.CDLL(None)
        fn = libc.mallinfo2
    except (OSError, AttributeError):
        return None
    fn.restype = MallInfo2

    def in_use():
        info = fn()
        return info.uordblks + info.hblkhd
    return in_use


MALLOC_IN_USE = malloc_in_use_fn()


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def snapshot():
    gc.collect()
    return {
        "blocks": sys.getallocatedblocks(),
        "traced": tracemalloc.get_traced_memory()[0],
        "gc objects": len(gc.get_objects()),
        # tracemalloc's own tables are malloc'd too, and grow with what it
        # traces (a table doubling is kilobytes): not the module's memory.
        "malloc bytes": MALLOC_IN_USE() - tracemalloc.get_tracemalloc_memory() if MALLOC_IN_USE else 0,
    }


# Growth per call that counts as a leak, per metric (bytes for memory).
LIMITS = {"blocks": 0.25, "traced": 4.0, "gc objects": 0.25, "malloc bytes": 8.0}


def measure(module, step, calls):
    """Runs one case; returns a list of problems (empty if none)."""
    fname, args, kwargs = F.decode_call(step)
    func = getattr(module, fname)
    return measure_calls(module, lambda: func(*args, **kwargs), list(args) + list(kwargs.values()), calls)


def measure_calls(module, call, objects, calls):
    """Runs `call()` rounds of `calls` times, watching memory and the
    reference counts of `objects`, the module and its classes; returns a list
    of problems (empty if none)."""
    watched = objects + [module] + [getattr(module, n) for n in dir(module) if isinstance(getattr(module, n), type)]
    refs_before = [sys.getrefcount(o) for o in watched]

    def run():
        for _ in range(calls):
            try:
                call()
            except Exception:
                pass

    run()
    s0 = snapshot()
    run()
    s1 = snapshot()
    run()
    s2 = snapshot()
    problems = []
    for key, limit in LIMITS.items():
        g1, g2 = s1[key] - s0[key], s2[key] - s1[key]
        if g1 > limit * calls and g2 > limit * calls:
            problems.append(f"{key} grew by {g1} and {g2} over {calls} calls each")
    for obj, before in zip(watched, refs_before):
        after = sys.getrefcount(obj)
        if after - before >= calls:
            problems.append(f"reference count of {F.describe(obj)} went from {before} to {after}")
    for obj in objects:
        if type(obj) is bytearray:
            try:
                obj.append(0)
                obj.pop()
            except BufferError:
                problems.append(f"{F.describe(obj)} is still exported (a buffer was not released)")
    return problems


def outcome_key(c, step):
    """One case per function and C outcome: result type, or exception type
    and message (digits dropped, so sizes do not split paths)."""
    fname, args, kwargs = F.decode_call(step)
    kind, typ, value = differential.outcome(getattr(c, fname), args, kwargs)
    text = "".join(ch for ch in str(value)[:60] if not ch.isdigit()) if kind == "raise" else ""
    types = tuple(type(a).__name__ for a in args) + tuple(f"{k}={type(v).__name__}" for k, v in kwargs.items())
    return (fname, kind, typ, text, types)


def refleak_hunt(tests, overlay):
    """`python -m test -R 3:3` where the interpreter supports it."""
    if not tests:
        return "skipped", "no test files given"
    if not hasattr(sys, "gettotalrefcount"):
        return "skipped", (f"refleak hunting (-R) unavailable: {sys.executable} is a release build "
                           "(no sys.gettotalrefcount); a debug CPython is needed")
    env = dict(os.environ, PYTHONPATH=overlay + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "test", "-R", "3:3", *tests], env=env, capture_output=True, text=True)
    tail_text = "\n".join(r.stdout.splitlines()[-15:])
    return ("passed" if r.returncode == 0 else "failed"), tail_text


NO_TCACHE = "glibc.malloc.tcache_count=0"


def main():
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if NO_TCACHE not in tunables.split(":"):
        env = dict(os.environ, GLIBC_TUNABLES=":".join(filter(None, (tunables, NO_TCACHE))))
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True)
    parser.add_argument("--rust", required=True)
    parser.add_argument("--c", help="the C extension module file (default: lib-dynload's)")
    parser.add_argument("--calls", type=int, default=1000, help="calls per round (default 1000)")
    parser.add_argument("--big-calls", type=int, default=40, help="calls per function on 1 MiB inputs")
    parser.add_argument("--no-c", action="store_true", help="do not measure the C module for comparison")
    parser.add_argument("--tests", nargs="*", default=[], help="CPython test files for -R (debug builds only)")
    args = parser.parse_args()

    started = time.monotonic()
    warnings.simplefilter("ignore")  # the calls that warn are measured all the same
    c, rust = load_pair(args.module, args.rust, args.c)
    plugin = F.load_plugin(args.module)
    print(f"leaks {args.module}: Python {sys.version.split()[0]}, {args.calls} calls per round\n"
          f"  Rust: {rust.__file__}", flush=True)

    cases, keys = [], set()
    for fname, a, k in plugin.leak_calls(c):
        step = F.encode_call(fname, a, k)
        key = outcome_key(c, step)
        if key not in keys:
            keys.add(key)
            cases.append((key, step))
    paths = {}
    for key, _ in cases:
        paths.setdefault(key[0], [0, 0])[key[1] == "raise"] += 1
    print(f"  {len(cases)} distinct paths: " + ", ".join(f"{f} {ok}+{err}" for f, (ok, err) in sorted(paths.items()))
          + " (success+error)", flush=True)

    # Whole sequences on the module's objects (methods, attributes, copies),
    # from the plugin's optional leak_sequences(c): (label, fn(module)).
    sequences = list(plugin.leak_sequences(c)) if hasattr(plugin, "leak_sequences") else []

    tracemalloc.start()
    failed = []
    c_noise = 0
    for label, fn in sequences:
        problems = measure_calls(rust, lambda fn=fn: fn(rust), [], args.calls)
        if problems:  # confirm with 4x the calls: a leak grows with them, noise does not
            problems = measure_calls(rust, lambda fn=fn: fn(rust), [], 4 * args.calls)
        if problems:
            # The same sequence on the C module: growth there is the
            # harness's (or CPython's), not ours.
            c_problems = [] if args.no_c else measure_calls(c, lambda fn=fn: fn(c), [], args.calls)
            if c_problems:
                c_noise += 1
                print(f"  noise? {label}: C grows as well: {'; '.join(c_problems)}")
            else:
                failed.append(label)
                print(f"  LEAK {label}: " + "; ".join(problems), flush=True)
    for key, step in cases:
        problems = measure(rust, step, args.calls)
        if problems:  # confirm with 4x the calls: a leak grows with them, noise does not
            problems = measure(rust, step, 4 * args.calls)
        if problems:
            c_problems = [] if args.no_c else measure(c, step, args.calls)
            label = f"{key[0]}({', '.join(key[4])}) ({key[1]} {key[2]}{': ' + key[3] if key[3] else ''})"
            if c_problems:
                c_noise += 1
                print(f"  noise? {label}: C grows as well: {'; '.join(c_problems)}")
            else:
                failed.append(label)
                print(f"  LEAK {label}: {F.show_step(step)}\n    " + "\n    ".join(problems), flush=True)
    tracemalloc.stop()

    # Large inputs: malloc'd output and input buffers must be freed.
    big = list(plugin.big_calls(c))
    for fname, a, k in big:
        for _ in range(5):
            differential.outcome(getattr(rust, fname), a, k)
    gc.collect()
    rss0 = rss_bytes()
    for fname, a, k in big:
        func = getattr(rust, fname)
        for _ in range(args.big_calls):
            differential.outcome(func, a, k)
    gc.collect()
    rss1 = rss_bytes()
    grew = (rss1 - rss0) / 2**20
    print(f"  RSS over {len(big)} x {args.big_calls} calls on 1 MiB inputs: {rss0 / 2**20:.1f} -> {rss1 / 2**20:.1f} MiB")
    if grew > 32:
        failed.append("RSS on large inputs")
        print(f"  LEAK: RSS grew by {grew:.1f} MiB")

    status, detail = refleak_hunt(args.tests, os.path.dirname(os.path.abspath(args.rust)))
    print(f"  -R refleak hunting: {status}: {detail}")
    skipped = 1 if status == "skipped" else 0
    if status == "failed":
        failed.append("-R refleak hunting")

    elapsed = time.monotonic() - started
    print(f"leaks {args.module}: {len(cases)} paths x {3 * args.calls} calls, {len(sequences)} object sequences x "
          f"{3 * args.calls}, + RSS check in {elapsed:.1f}s: "
          f"{len(failed)} leaking{f', {c_noise} also growing in C (ignored)' if c_noise else ''}")
    result = {"module": args.module, "python": sys.version.split()[0], "run": len(cases) + len(sequences) + 1,
              "failed": len(failed),
              "skipped": skipped, "leaks": failed, "refleak_hunt": status, "rss_growth_mib": round(grew, 1)}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
