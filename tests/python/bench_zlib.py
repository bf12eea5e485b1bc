"""Benchmark zlib: the C module vs oxpy's Rust module (and peers from PyPI).

    python bench_zlib.py --rust <overlay>/zlib<EXT_SUFFIX> [--quick] [--json FILE] [--no-peers]

Same method, options and JSON as bench.py (see there), with two zlib
specifics that bench.main cannot express, hence the loop of `run` below
(it reuses bench.py's helpers):

- The Rust module has its own deflate engine: compressed bytes legitimately
  differ from C's. A compression case's `same_output` is therefore a round
  trip: the output decompresses, with the C module and with the Rust one, to
  the input. Decompression and checksum cases compare exactly.
- Compression ratio: each compression case records every contender's output
  size (`"compressed_size": {"C": n, "Rust": m, ...}` in the case's JSON) and
  the progress line shows Rust size / C size.

Cases: compress at levels 1, 6 and 9 and decompress (of C's level-6 output),
on text (words of a fixed list, seeded) and binary data (seeded random bytes
mixed with runs and repeats), at 1, 4, 16 and 64 KiB and 1 MiB; crc32 and adler32
at bench.SIZES on random bytes. Peers: zlib-ng (`zlib_ng.zlib_ng`) and isal
(`isal.isal_zlib`, levels 0-3 only: 1 -> 1, 6 -> 2, 9 -> 3).
"""

import argparse
import json
import platform
import random
import statistics
import sys

import bench
from bench import SIZES, Peer, calibrate, fmt_size, fmt_time, load_peers, sample
from modload import load_pair

import diff_zlib

DATA_SIZES = [1 << 10, 4 << 10, 16 << 10, 64 << 10, 1 << 20]
LEVELS = [1, 6, 9]
ISAL_LEVEL = {1: 1, 6: 2, 9: 3}


class ZCase:
    """`label` (the row name), the module function, its arguments from the raw data, the kind of data."""

    def __init__(self, label, function, make_args, data, sizes, level=None, compresses=False):
        self.label, self.function, self.make_args = label, function, make_args
        self.data, self.sizes, self.level, self.compresses = data, sizes, level, compresses


def make_data(kind, size):
    rng = random.Random(f"{kind}-{size}")
    if kind == "text":
        return diff_zlib.text_data(rng, size)
    if kind == "binary":
        return diff_zlib.binary_data(rng, size)
    return rng.randbytes(size)


CASES = []
for _kind in ("text", "binary"):
    for _level in LEVELS:
        CASES.append(ZCase(f"compress level {_level}, {_kind}", "compress",
                           lambda c, raw, level=_level: (raw, level), _kind, DATA_SIZES, _level, True))
    CASES.append(ZCase(f"decompress, {_kind}", "decompress", lambda c, raw: (c.compress(raw, 6),), _kind,
                       DATA_SIZES))
CASES.append(ZCase("crc32", "crc32", lambda c, raw: (raw,), "random", SIZES))
CASES.append(ZCase("adler32", "adler32", lambda c, raw: (raw,), "random", SIZES))


def _isal_compress(m, args):
    data, level = args
    return m.compress, (data, ISAL_LEVEL[level])


PEERS = {
    "zlib-ng": Peer(
        "zlib-ng",
        "zlib_ng.zlib_ng",
        {
            "compress": lambda m, args: (m.compress, args),
            "decompress": lambda m, args: (m.decompress, args),
            "crc32": lambda m, args: (m.crc32, args),
            "adler32": lambda m, args: (m.adler32, args),
        },
        note="zlib_ng.zlib_ng.compress/decompress/crc32/adler32 with the same arguments: another deflate "
        "engine (its compressed bytes differ from C's; judged by round trip, size in the ratio column).",
    ),
    "isal": Peer(
        "isal",
        "isal.isal_zlib",
        {
            "compress": _isal_compress,
            "decompress": lambda m, args: (m.decompress, args),
            "crc32": lambda m, args: (m.crc32, args),
            "adler32": lambda m, args: (m.adler32, args),
        },
        note="isal.isal_zlib: compress at ISA-L's level 1, 2, 3 for zlib's 1, 6, 9 (ISA-L has levels 0-3 "
        "only); decompress, crc32, adler32 with the same arguments.",
    ),
}

# pyperformance benchmarks whose hot path goes through zlib: none of the
# default suite's benchmarks is dominated by it (dulwich_log spends ~4% in
# zlib.decompress, measured for bench_binascii); left empty rather than
# claiming a program-level effect.
PROGRAMS = {}


def same(c, rust, case, raw, expected, got):
    """Compression: round trip through both modules; otherwise equality."""
    if not case.compresses:
        return got == expected
    try:
        return c.decompress(got) == raw and rust.decompress(got) == raw
    except Exception:  # noqa: BLE001
        return False


def run():
    parser = argparse.ArgumentParser(description="Benchmark zlib: C vs Rust (vs peers)")
    parser.add_argument("--rust", required=True, help="the Rust zlib extension module file")
    parser.add_argument("--c", help="the C zlib extension module file (default: lib-dynload's)")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--quick", action="store_true", help="5 repetitions of ~5 ms (default: 15 of ~20 ms)")
    parser.add_argument("--reps", type=int, help="repetitions (at least 5)")
    parser.add_argument("--target-ms", type=float, help="duration of one sample")
    parser.add_argument("--no-peers", action="store_true", help="time C and Rust only")
    parser.add_argument("--only", help="run only the cases whose label contains this")
    args = parser.parse_args()
    reps = max(5, args.reps or (5 if args.quick else 15))
    target = (args.target_ms or (5 if args.quick else 20)) / 1000

    c, rust = load_pair("zlib", args.rust, args.c)
    loaded, peer_statuses = load_peers(PEERS, not args.no_peers)
    for status in peer_statuses:
        if status["status"] != "ok":
            print(f"zlib: peer {status['name']}: {status['status']}", file=sys.stderr)

    cases = [case for case in CASES if not args.only or args.only in case.label]
    plan = [(case, size) for case in cases for size in case.sizes]
    results = []
    mismatches = 0
    for n, (case, size) in enumerate(plan, 1):
        raw = make_data(case.data, size)
        call_args = case.make_args(c, raw)
        contenders = [("C", getattr(c, case.function), call_args),
                      ("Rust", getattr(rust, case.function), call_args)]
        for name, peer_module in loaded.items():
            make = PEERS[name].functions.get(case.function)
            if make is not None:
                contenders.append((name, *make(peer_module, call_args)))

        expected = contenders[0][1](*call_args)
        outputs = {label: f(*a) for label, f, a in contenders}
        same_output = {label: same(c, rust, case, raw, expected, out) for label, out in outputs.items()}
        if not same_output["Rust"]:
            mismatches += 1
        loops = {label: calibrate(f, a, target) for label, f, a in contenders}
        samples = {label: [] for label, _, _ in contenders}
        for i in range(reps):
            k = i % len(contenders)
            for label, f, a in contenders[k:] + contenders[:k]:
                samples[label].append(sample(f, a, loops[label]))
        timings = {
            label: {"loops": loops[label], "min": min(s), "median": statistics.median(s), "samples": s,
                    "same_output": same_output[label]}
            for label, s in samples.items()
        }
        result = {"function": case.label, "size": size, "data": case.data, "timings": timings}
        ratio = timings["C"]["median"] / timings["Rust"]["median"]
        line = (f"[{n}/{len(plan)}] zlib.{case.label} {fmt_size(size)}: C {fmt_time(timings['C']['median'])}, "
                f"Rust {fmt_time(timings['Rust']['median'])}, C/Rust {ratio:.2f}")
        if case.compresses:
            sizes = {label: len(out) for label, out in outputs.items()}
            result["level"] = case.level
            result["compressed_size"] = sizes
            line += (f"; size C {sizes['C']} ({sizes['C'] / max(1, size):.1%} of input), Rust {sizes['Rust']}, "
                     f"Rust/C size {sizes['Rust'] / max(1, sizes['C']):.3f}")
        for label in [label for label in timings if label not in ("C", "Rust")]:
            line += f", {label} {fmt_time(timings[label]['median'])}"
            if case.compresses:
                line += f" ({outputs[label] and len(outputs[label])} B)"
        if not same_output["Rust"]:
            line += "  MISMATCH: the Rust result is wrong" + (" (no round trip)" if case.compresses else "")
        print(line, file=sys.stderr, flush=True)
        results.append(result)

    report = {
        "module": "zlib",
        "python": platform.python_version(),
        "executable": sys.executable,
        "c_file": getattr(c, "__file__", "built-in"),
        "rust_file": rust.__file__,
        "reps": reps,
        "target_ms": target * 1000,
        "peers": peer_statuses,
        "programs": {name: list(parts) for name, parts in PROGRAMS.items()},
        "cases": results,
        "mismatches": mismatches,
        "notes": ["compression cases: same_output means the output round-trips through both the C and the Rust "
                  "module (compressed bytes of different engines legitimately differ); compressed_size gives "
                  "each contender's output size"],
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    if mismatches:
        print(f"zlib: {mismatches} cases where the Rust result is wrong", file=sys.stderr)
    return 1 if mismatches else 0


# bench.main is not used (see the module docstring); keep the import of the
# shared module explicit for readers.
assert bench.SIZES is SIZES

if __name__ == "__main__":
    sys.exit(run())
