"""Behaviour checks of oxpy's zlib that a differential test cannot see.

    python zlib_behaviour.py --rust <overlay>/zlib<EXT_SUFFIX> [--c <.so>] [--parts gil,threads,bomb,interop,sizes]
                             [--bomb-mib 1024] [--min-window 0.5]

1. gil: the Rust zlib.compress, Compress.compress and Decompress.decompress
   release the GIL while they work on a large input. A thread makes the call
   (sized by calibration to take >= --min-window seconds) while the main
   thread records time.perf_counter() in a busy loop; the largest gap between
   the main thread's timestamps inside the call window must be < 25% of the
   window. No speed threshold: only whether the main thread could run. The
   same measurement of a call known to hold the GIL (a big-int power in C)
   must FAIL the criterion, which shows the measurement can tell the two
   apart. Each call gets 3 tries (a loaded machine can deschedule the main
   thread); a call that holds the GIL fails all of them.
2. threads: several threads share ONE Compress object and each compresses
   tagged fixed-size records; the finished stream must decompress to a
   permutation of all the records. Several threads share ONE Decompress
   object (raw deflate) and each feeds it segments cut at Z_FULL_FLUSH points
   (independent, byte-aligned: valid in any order); each call must return
   exactly its segment's data. The same on 3.12+ for a shared
   _ZlibDecompressor drained with decompress(b"", max_length) by all threads.
   The calls of one object must be serialized (or the data is garbled, or it
   crashes).
3. bomb: a stream of --bomb-mib MiB of zeros (built incrementally with the C
   compressobj: never held whole) read with Decompress.decompress(chunk,
   max_length=64 KiB), looping over unconsumed_tail as a careful reader does:
   no call returns more than max_length, all the zeros come back, and the
   peak RSS (ru_maxrss) grows by less than 200 MiB. Also through
   _ZlibDecompressor on 3.12+. Runs in a child process so earlier parts do
   not raise the peak.
4. interop: diff_zlib's cross-module matrix: data compressed by C decompresses
   with Rust and vice versa, for every compression wbits x every compatible
   decompression wbits, and for streams made with every flush mode.
5. sizes: compression ratio against C's at the same level (the issue's
   bound: within 2%). Every level 0-9, Z_FILTERED at 4, 6 and 9, and a
   512-byte window (wbits 9) at levels 1 and 6, on real
   files and the benchmark's data: two ELF files of lib-dynload, the repo's
   bench/ratios.png, bench__json's 180 KiB mixed document, typing.py and its
   marshalled code, a tar of Lib/json and Lib/email, and diff_zlib's text and
   binary data (1 MiB each). Each output must also decompress (with C) to
   its input.

Prints what it checked, ends with `OXPY-RESULT {json}` (run = checks,
failed = failed checks) and exits 1 on any failure.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from modload import load_pair  # noqa: E402

RESULT_PREFIX = "OXPY-RESULT "
GAP_LIMIT = 0.25
Z_FULL_FLUSH, Z_SYNC_FLUSH, Z_FINISH = 3, 2, 4


class Checks:
    def __init__(self):
        self.run = self.failed = self.skipped = 0
        self.failures = []

    def ok(self, cond, what, detail=""):
        self.run += 1
        if not cond:
            self.failed += 1
            self.failures.append(what)
        print(f"  {'ok  ' if cond else 'FAIL'} {what}{': ' + detail if detail else ''}", flush=True)
        return cond

    def skip(self, what, why):
        self.skipped += 1
        print(f"  skip {what}: {why}", flush=True)


def text_data(n, seed=1):
    """Compressible text of `n` bytes (fast to make: repeats a random 1 MiB block of words)."""
    import diff_zlib
    rng = random.Random(seed)
    block = diff_zlib.text_data(rng, min(n, 1 << 20))
    return (block * (n // max(1, len(block)) + 1))[:n]


# -- 1. GIL release -------------------------------------------------------------

def measure_gaps(func):
    """Runs func() in a thread while this thread stamps perf_counter in a busy
    loop. Returns (window seconds, largest gap inside the window, stamps)."""
    box = {}

    def worker():
        box["t0"] = time.perf_counter()
        try:
            box["result"] = func()
        except BaseException as e:  # noqa: BLE001 - reported by the caller
            box["error"] = e
        box["t1"] = time.perf_counter()

    gaps = []  # (start, end) of main-thread gaps over 1 ms
    stamps = 0
    pc = time.perf_counter
    t = threading.Thread(target=worker)
    prev = pc()
    t.start()
    while t.is_alive():
        now = pc()
        if now - prev > 1e-3:
            gaps.append((prev, now))
        prev = now
        stamps += 1
    last = pc()
    gaps.append((prev, last))
    t.join()
    if "error" in box:
        raise box["error"]
    t0, t1 = box["t0"], box["t1"]
    window = t1 - t0
    largest = 1e-3
    for a, b in gaps:
        a, b = max(a, t0), min(b, t1)
        if b > a:
            largest = max(largest, b - a)
    return window, largest, stamps


def calibrate(make_call, min_window, start_mib=1, max_mib=256):
    """Grows the input until one call takes >= min_window seconds.
    `make_call(mib)` returns a zero-argument callable."""
    mib = start_mib
    while True:
        f = make_call(mib)
        t = time.perf_counter()
        f()
        took = time.perf_counter() - t
        if took >= min_window or mib >= max_mib:
            return mib, f
        mib = min(max_mib, max(mib * 2, int(mib * min_window * 1.3 / max(took, 1e-3)) + 1))


def gil_check(checks, label, func, expect_release, tries=3):
    for attempt in range(1, tries + 1):
        window, largest, stamps = measure_gaps(func)
        share = largest / window if window > 0 else 1.0
        released = share < GAP_LIMIT
        detail = (f"call window {window * 1000:.0f} ms, largest main-thread gap {largest * 1000:.1f} ms "
                  f"({share:.0%} of the window; limit {GAP_LIMIT:.0%}), {stamps} main-thread timestamps")
        if released == expect_release:
            what = "releases the GIL" if expect_release else "holds the GIL: the criterion fails, as it must"
            return checks.ok(True, f"{label} {what}", detail + (f" (try {attempt})" if attempt > 1 else ""))
        if not expect_release:  # a GIL-holding call cannot pass by chance: no retry
            break
        print(f"       try {attempt}: {detail}", flush=True)
    what = "releases the GIL" if expect_release else "is detected as holding the GIL"
    return checks.ok(False, f"{label} {what}", detail)


def part_gil(checks, c, rust, min_window):
    print(f"1. GIL release (the main thread must keep running during calls of >= {min_window} s)", flush=True)

    # The control: a C call that holds the GIL for its whole duration. Its
    # time grows faster than linearly with n: grow n by half at a time.
    n = 200_000
    while True:
        t = time.perf_counter()
        pow(3, n)
        if time.perf_counter() - t >= min_window:
            break
        n = n * 3 // 2
    gil_check(checks, f"control: pow(3, {n}) (big-int power, C code holding the GIL)", lambda: pow(3, n) & 1,
              expect_release=False)

    def compress_call(mib):
        data = text_data(mib << 20)
        return lambda: rust.compress(data, 9)
    mib, f = calibrate(compress_call, min_window)
    gil_check(checks, f"Rust zlib.compress({mib} MiB of text, 9)", f, expect_release=True)

    def compressobj_call(mib):
        data = text_data(mib << 20, seed=2)
        return lambda: rust.compressobj(9).compress(data)
    mib, f = calibrate(compressobj_call, min_window)
    gil_check(checks, f"Rust Compress.compress({mib} MiB of text) at level 9", f, expect_release=True)

    # Decompression is fast: the output must be large. The stream is made once
    # per size (C, level 1) and shared by both decompression checks.
    streams = {}

    def stream_of(mib):
        if mib not in streams:
            streams.clear()
            co = c.compressobj(1)
            block = text_data(1 << 20, seed=3)
            streams[mib] = b"".join([co.compress(block) for _ in range(mib)] + [co.flush()])
        return streams[mib]

    def decompress_call(mib):
        stream = stream_of(mib)
        return lambda: rust.decompressobj().decompress(stream)
    mib, f = calibrate(decompress_call, min_window, start_mib=32, max_mib=512)
    gil_check(checks, f"Rust Decompress.decompress(stream of {mib} MiB of text)", f, expect_release=True)
    stream = stream_of(mib)
    gil_check(checks, f"Rust zlib.decompress(stream of {mib} MiB of text)", lambda: rust.decompress(stream),
              expect_release=True)
    streams.clear()


# -- 2. one object shared by threads ------------------------------------------------

RECORD = 1000


def records(n, tag):
    """`n` records of RECORD bytes, each unique: a tag, its number, filler text."""
    rng = random.Random(tag)
    out = []
    for i in range(n):
        head = f"<{tag}:{i:06d}>".encode()
        body = bytes(rng.choice(b"abcdefgh    \n") for _ in range(40)) * (RECORD // 40 + 1)
        out.append((head + body)[:RECORD])
    return out


def run_threads(n, target):
    errors = []
    barrier = threading.Barrier(n)

    def wrapped(i):
        try:
            barrier.wait()
            target(i)
        except BaseException as e:  # noqa: BLE001
            errors.append(f"thread {i}: {type(e).__name__}: {e}")
    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def part_threads(checks, c, rust, nthreads=8, per_thread=300):
    print(f"2. one object shared by {nthreads} threads (calls must be serialized per object)", flush=True)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for level in (1, 6, 9):
            shared_compress(checks, c, rust, level, nthreads, per_thread)
        shared_decompress(checks, c, rust, nthreads)
        shared_zlib_decompressor(checks, c, rust, nthreads)
    finally:
        sys.setswitchinterval(old)


def shared_compress(checks, c, rust, level, nthreads, per_thread):
    """Writers compress tagged records into ONE Compress (a Python lock keeps
    each call and the append of its output together, so the stream is in call
    order); copier threads call copy() and flush(Z_NO_FLUSH) on the same
    object at the same time, WITHOUT that lock: only the object's own
    serialization keeps a copy consistent. Checks: the stream decodes to the
    records in call order (a permutation of all records); every copy, finished
    with flush(), continues the stream of the calls made before it."""
    co = rust.compressobj(level)
    order_lock = threading.Lock()
    entries = []  # (compressed piece, record or None for a flush), in call order
    writers_done = threading.Event()
    copies = []
    nwriters = max(2, nthreads - 3)

    counter = {"left": nwriters}

    def writer(i):
        try:
            for j, rec in enumerate(records(per_thread, f"L{level}t{i}")):
                with order_lock:
                    entries.append((co.compress(rec), rec))
                if j % 50 == 49:
                    with order_lock:
                        entries.append((co.flush(Z_SYNC_FLUSH), None))
        finally:
            with order_lock:
                counter["left"] -= 1
                if counter["left"] == 0:
                    writers_done.set()

    def copier(i):
        while not writers_done.is_set() and len(copies) < 60:
            n0 = len(entries)
            cp = co.copy()
            n1 = len(entries)
            co.flush(0)  # Z_NO_FLUSH: returns b"" without touching the stream
            copies.append((n0, n1, cp.flush()))
            time.sleep(0.001)

    errors = run_threads(nthreads, lambda i: writer(i) if i < nwriters else copier(i))
    entries.append((co.flush(), None))
    stream = b"".join(p for p, _ in entries)
    expected = b"".join(r for _, r in entries if r)
    all_records = sorted(r for i in range(nwriters) for r in records(per_thread, f"L{level}t{i}"))
    try:
        got = rust.decompress(stream)
        c_got = c.decompress(stream)
    except Exception as e:  # noqa: BLE001
        got = c_got = f"{type(e).__name__}: {e}"
    ok = (not errors and got == expected and c_got == expected
          and sorted(expected[k:k + RECORD] for k in range(0, len(expected), RECORD)) == all_records)
    checks.ok(ok, f"Compress at level {level} shared by {nwriters} writers + {nthreads - nwriters} copiers: "
              "the stream decodes to a permutation of all the records",
              f"{len(entries)} calls, {len(stream)} bytes" + (f"; errors: {errors[:3]}" if errors else ""))
    bad = 0
    for n0, n1, tail in copies:
        good = False
        for k in range(n0, min(n1 + 2, len(entries)) + 1):
            head = b"".join(p for p, _ in entries[:k])
            want = b"".join(r for _, r in entries[:k] if r)
            try:
                if c.decompress(head + tail) == want:
                    good = True
                    break
            except Exception:  # noqa: BLE001
                pass
        bad += not good
    checks.ok(bad == 0 and len(copies) > 0, f"  {len(copies)} copies taken during the writes: each continues "
              "the stream of the calls before it", f"{bad} inconsistent")


def shared_decompress(checks, c, rust, nthreads):
    """Segments of a raw deflate stream cut at Z_FULL_FLUSH points are
    independent and byte-aligned, so they are valid in any order: threads
    take segments from a shared list and feed them to ONE Decompress; each
    call must return exactly its segment's data."""
    rng = random.Random(5)
    import diff_zlib
    datas = [diff_zlib.text_data(rng, rng.randrange(1, 30000)) + diff_zlib.binary_data(rng, rng.randrange(20000))
             for _ in range(400)]
    co = c.compressobj(6, 8, -15)
    segments = [(co.compress(d) + co.flush(Z_FULL_FLUSH), d) for d in datas]
    final = co.flush()
    d = rust.decompressobj(-15)
    todo = list(range(len(segments)))
    wrong = []
    copies = []

    def feeder(i):
        while True:
            try:
                k = todo.pop()
            except IndexError:
                return
            seg, data = segments[k]
            out = d.decompress(seg)
            if out != data:
                wrong.append(k)
            if k % 37 == 0:
                copies.append(d.copy())
            _ = (d.unconsumed_tail, d.unused_data, d.eof)
    errors = run_threads(nthreads, feeder)
    last = d.decompress(final) + d.flush()
    ok = not errors and not wrong and last == b"" and d.eof
    checks.ok(ok, f"Decompress shared by {nthreads} threads: each of {len(segments)} segments (fed in any order) "
              "gives back exactly its data", f"{len(wrong)} wrong" + (f"; errors: {errors[:3]}" if errors else ""))
    bad = 0
    for cp in copies:
        try:
            cp.decompress(final)
            cp.flush()
            bad += not cp.eof
        except Exception:  # noqa: BLE001
            bad += 1
    checks.ok(bad == 0, f"  {len(copies)} copies taken during the calls finish the stream", f"{bad} failed")


def shared_zlib_decompressor(checks, c, rust, nthreads):
    """3.12+: the whole stream is given once with max_length=RECORD; then all
    threads drain ONE _ZlibDecompressor with decompress(b"", RECORD): each call
    must return exactly one whole record."""
    if not hasattr(rust, "_ZlibDecompressor"):
        checks.skip("_ZlibDecompressor shared by threads", "no _ZlibDecompressor before 3.12")
        return
    recs = records(3000, "zd")
    zd = rust._ZlibDecompressor()
    got = [zd.decompress(c.compress(b"".join(recs), 6), RECORD)]

    def drainer(i):
        while True:
            try:
                out = zd.decompress(b"", RECORD)
            except EOFError:
                return
            if not out and zd.eof:
                return
            got.append(out)
    errors = run_threads(nthreads, drainer)
    ok = not errors and sorted(got) == sorted(recs) and zd.eof
    checks.ok(ok, f"_ZlibDecompressor shared by {nthreads} threads: every call returns one whole record",
              f"{len(got)} calls for {len(recs)} records" + (f"; errors: {errors[:3]}" if errors else ""))


# -- 3. decompression bomb ------------------------------------------------------------

MAX_LENGTH = 64 << 10
CHUNK = 64 << 10


def bomb_stream(c, mib):
    """A zlib stream of `mib` MiB of zeros, made 1 MiB at a time."""
    co = c.compressobj(9)
    zeros = bytes(1 << 20)
    out = bytearray()
    for _ in range(mib):
        out += co.compress(zeros)
    out += co.flush()
    return bytes(out)


def maxrss_mib():
    """Peak RSS: ru_maxrss (kept across exec, so it starts at the parent's RSS
    at fork time) and, where there is /proc, VmHWM (this process only)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
    except OSError:
        pass
    return peak


def part_bomb_child(args):
    """Runs in a child process: prints one JSON line of findings."""
    c, rust = load_pair("zlib", args.rust, args.c)
    mib = args.bomb_mib
    stream = bomb_stream(c, mib)
    rss0 = maxrss_mib()
    t = time.perf_counter()
    d = rust.decompressobj()
    total = calls = biggest = nonzero = 0
    for pos in range(0, len(stream), CHUNK):
        data = stream[pos:pos + CHUNK]
        while data:
            out = d.decompress(data, MAX_LENGTH)
            calls += 1
            total += len(out)
            biggest = max(biggest, len(out))
            if out.count(0) != len(out):
                nonzero += 1
            data = d.unconsumed_tail
    out = d.flush()
    total += len(out)
    biggest_flush = len(out)
    result = {"stream": len(stream), "total": total, "calls": calls, "biggest": biggest, "nonzero": nonzero,
              "eof": d.eof, "flush": biggest_flush, "seconds": round(time.perf_counter() - t, 2),
              "rss0": round(rss0, 1), "rss1": round(maxrss_mib(), 1)}
    if hasattr(rust, "_ZlibDecompressor"):
        zd = rust._ZlibDecompressor()
        ztotal = zcalls = zbiggest = 0
        for pos in range(0, len(stream), CHUNK):
            out = zd.decompress(stream[pos:pos + CHUNK], MAX_LENGTH)
            while True:
                zcalls += 1
                ztotal += len(out)
                zbiggest = max(zbiggest, len(out))
                if zd.eof or zd.needs_input:
                    break
                out = zd.decompress(b"", MAX_LENGTH)
        result.update({"zd_total": ztotal, "zd_calls": zcalls, "zd_biggest": zbiggest, "zd_eof": zd.eof,
                       "rss2": round(maxrss_mib(), 1)})
    print(json.dumps(result), flush=True)
    return 0


def part_bomb(checks, args):
    mib = args.bomb_mib
    print(f"3. decompression bomb: {mib} MiB of zeros read with max_length={MAX_LENGTH} (in a child process)",
          flush=True)
    cmd = [sys.executable, os.path.abspath(__file__), "--rust", args.rust, "--bomb-child", "--bomb-mib", str(mib)]
    if args.c:
        cmd += ["--c", args.c]
    r = subprocess.run(cmd, capture_output=True, text=True)
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    if r.returncode != 0 or not lines:
        checks.ok(False, "bomb child process", f"exit {r.returncode}: {r.stderr[-2000:]}")
        return
    res = json.loads(lines[-1])
    size = mib << 20
    checks.ok(res["biggest"] <= MAX_LENGTH and res["flush"] <= size,
              f"Decompress.decompress never returns more than max_length",
              f"{res['calls']} calls, largest {res['biggest']} bytes")
    checks.ok(res["total"] == size and res["nonzero"] == 0 and res["eof"],
              f"all {mib} MiB of zeros come back from a {res['stream']}-byte stream",
              f"{res['total']} bytes, eof {res['eof']}, {res['seconds']} s")
    grew = res["rss1"] - res["rss0"]
    checks.ok(grew < 200, "peak RSS (ru_maxrss, VmHWM) grows by < 200 MiB while reading",
              f"ru_maxrss {res['rss0']} -> {res['rss1']} MiB (+{grew:.1f})")
    if "zd_total" in res:
        checks.ok(res["zd_biggest"] <= MAX_LENGTH and res["zd_total"] == size and res["zd_eof"]
                  and res["rss2"] - res["rss0"] < 200,
                  "_ZlibDecompressor: max_length respected, all data back, peak RSS < +200 MiB",
                  f"{res['zd_calls']} calls, largest {res['zd_biggest']}, ru_maxrss {res['rss2']} MiB")
    else:
        checks.skip("_ZlibDecompressor bomb", "no _ZlibDecompressor before 3.12")


# -- 4. interop -------------------------------------------------------------------------

def part_interop(checks, c, rust):
    print("4. interop C <-> Rust: every compression wbits x decompression wbits, every flush mode", flush=True)
    import differential
    import diff_zlib
    differ = differential.Differ(c, rust, 10)
    rng = random.Random(4)
    for data in (b"", b"a", diff_zlib.text_data(rng, 3000), diff_zlib.binary_data(rng, 70000)):
        diff_zlib.interop(differ, rng, data, levels=(1, 6, 9))
    diff_zlib.interop_flush_modes(differ, rng, diff_zlib.text_data(rng, 6000) + diff_zlib.binary_data(rng, 6000))
    checks.ok(differ.total_mismatches == 0, "C-compressed data decompresses with Rust and vice versa",
              f"{differ.total_calls} comparisons, {differ.total_mismatches} mismatches")


# -- 5. sizes --------------------------------------------------------------------------

SIZE_BOUND = 1.02


def size_corpus(c):
    """(name, bytes) of the real files and benchmark data the size check compresses."""
    import io
    import marshal
    import sysconfig
    import tarfile
    import diff_zlib
    import bench__json
    corpus = []
    dynload = os.path.dirname(getattr(c, "__file__", None) or sysconfig.get_config_var("DESTSHARED") + "/x")
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for name in ("_decimal", "unicodedata"):
        path = os.path.join(dynload, name + suffix)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                corpus.append((name + suffix, f.read()))
    with open(os.path.join(HERE, "..", "..", "bench", "ratios.png"), "rb") as f:
        corpus.append(("bench/ratios.png", f.read()))
    corpus.append(("mixed JSON", bench__json.stock_dumps(bench__json.document("mixed", bench__json.MIXED_SIZE)).encode()))
    lib = sysconfig.get_paths()["stdlib"]
    with open(os.path.join(lib, "typing.py"), "rb") as f:
        source = f.read()
    corpus.append(("typing.py", source))
    corpus.append(("typing code (marshal)", marshal.dumps(compile(source, "typing.py", "exec"))))
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for sub in ("json", "email"):
            t.add(os.path.join(lib, sub), arcname=sub, filter=lambda i: None if "__pycache__" in i.name else i)
    corpus.append(("tar of Lib/json, Lib/email", tar.getvalue()))
    corpus.append(("bench text 1 MiB", diff_zlib.text_data(random.Random("text-1048576"), 1 << 20)))
    corpus.append(("bench binary 1 MiB", diff_zlib.binary_data(random.Random("binary-1048576"), 1 << 20)))
    return corpus


def part_sizes(checks, c, rust):
    print(f"5. sizes: Rust / C compressed size at the same level, bound {SIZE_BOUND}", flush=True)
    corpus = size_corpus(c)
    print("  " + ", ".join(f"{name} ({len(data) >> 10} KiB)" for name, data in corpus), flush=True)
    settings = [(level, 0, 15) for level in range(10)] + [(level, 1, 15) for level in (4, 6, 9)]
    settings += [(level, 0, 9) for level in (1, 6)]
    for level, strategy, wbits in settings:
        ratios, bad = [], []
        for name, data in corpus:
            sizes = []
            for m in (c, rust):
                o = m.compressobj(level, m.DEFLATED, wbits, 8, strategy)
                out = o.compress(data) + o.flush()
                if c.decompress(out, wbits) != data:
                    bad.append(name)
                sizes.append(len(out))
            ratios.append((sizes[1] / sizes[0], name))
        worst = max(ratios)
        label = f"level {level}" + (", Z_FILTERED" if strategy else "") + (f", wbits {wbits}" if wbits != 15 else "")
        checks.ok(worst[0] <= SIZE_BOUND and not bad, f"{label}: every output within {SIZE_BOUND} of C's size",
                  f"worst {worst[0]:.4f} ({worst[1]}), best {min(ratios)[0]:.4f}"
                  + (f"; does not decompress: {bad}" if bad else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rust", required=True, help="the Rust zlib extension module file")
    parser.add_argument("--c", help="the C zlib extension module file (default: lib-dynload's)")
    parser.add_argument("--parts", default="gil,threads,bomb,interop,sizes")
    parser.add_argument("--bomb-mib", type=int, default=1024, help="MiB of zeros in the bomb (default 1024)")
    parser.add_argument("--min-window", type=float, default=0.5, help="seconds a GIL-check call must take")
    parser.add_argument("--bomb-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.rust = os.path.abspath(args.rust)
    if args.bomb_child:
        return part_bomb_child(args)
    c, rust = load_pair("zlib", args.rust, args.c)
    print(f"zlib behaviour: Python {sys.version.split()[0]}\n  C:    {getattr(c, '__file__', 'built-in')}\n"
          f"  Rust: {rust.__file__}", flush=True)
    started = time.monotonic()
    checks = Checks()
    parts = args.parts.split(",")
    # The bomb first: its child process inherits this process's peak RSS.
    if "bomb" in parts:
        part_bomb(checks, args)
    if "gil" in parts:
        part_gil(checks, c, rust, args.min_window)
    if "threads" in parts:
        part_threads(checks, c, rust)
    if "interop" in parts:
        part_interop(checks, c, rust)
    if "sizes" in parts:
        part_sizes(checks, c, rust)
    elapsed = time.monotonic() - started
    print(f"zlib behaviour: {checks.run} checks in {elapsed:.1f}s: {checks.failed} failed, {checks.skipped} skipped")
    for f in checks.failures:
        print(f"  FAILED: {f}")
    print(RESULT_PREFIX + json.dumps({"module": "zlib", "python": sys.version.split()[0], "run": checks.run,
                                      "failed": checks.failed, "skipped": checks.skipped,
                                      "failures": checks.failures, "seconds": round(elapsed, 1)}), flush=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
