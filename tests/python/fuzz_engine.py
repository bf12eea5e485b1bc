"""Differential fuzzing of an oxpy module against the C module, and replay of
the saved corpus.

    python fuzz_engine.py fuzz   --module binascii --rust <.so> --time 60 --workdir DIR --corpus tests/corpus/binascii
    python fuzz_engine.py replay --module binascii --rust <.so> --corpus tests/corpus/binascii

`fuzz` supervises a worker process that feeds inputs to the module's plugin
(fuzz_<module>.py), which turns each input into calls made on both modules
with the same arguments (fuzz_common.FuzzDiffer). Engines:

- atheris (libFuzzer, coverage-guided): when `import atheris` works. The
  coverage it follows is that of the Python harness code (the case builders
  of diff_<module>.py and fuzz_<module>.py, the comparison): neither the Rust
  nor the C extension is instrumented, so libFuzzer cannot see which of their
  branches an input reaches. The pure-Rust cores have cargo-fuzz targets for
  that (modules/<module>/core/fuzz).
- builtin: mutation of the seeds (bit flips, insertions, deletions, splices,
  interesting tokens) and fresh structured inputs, without coverage feedback;
  used when atheris is not installed.

Outcomes:
- a divergence (different result, exception type or message) is re-checked
  with fresh argument objects, minimised in the worker and saved to the
  corpus (unless a saved case with the same signature still diverges);
- a crash (the worker dies) or a hang (no progress for --hang seconds): the
  supervisor takes the input being run from the shared state file, replays it
  in a tracing process to find the call, minimises that call in fresh
  processes and saves it to the corpus with kind "crash" / "hang";
- the last line is `OXPY-RESULT {json}`: run = executions, failed = new
  divergences + crashes + hangs + unreproducible mismatches + harness errors.

`replay` runs every corpus case on both modules (crash and hang cases in a
child process) and fails on any that still diverges.
"""

import argparse
import contextlib
import faulthandler
import hashlib
import json
import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

RESULT_PREFIX = "OXPY-RESULT "
MAX_INPUT = 1 << 20
MAX_LEN = 8192


def harness(module, instrument=None):
    """Imports the harness modules (under atheris' instrumentation if
    given) and returns (fuzz_common, plugin, modload)."""
    with instrument or contextlib.nullcontext():
        import fuzz_common
        plugin = fuzz_common.load_plugin(module)
    import modload
    return fuzz_common, plugin, modload


def load(F, modload, args):
    """(C module, Rust module); with --inject, a misbehaving stand-in for the
    Rust one (the harness's self-check). From here on warnings are errors, so
    a warning that C emits (a DeprecationWarning for an `__index__` returning
    an int subclass, say) is compared like an exception."""
    warnings.simplefilter("error")
    c, rust = modload.load_pair(args.module, args.rust, args.c)
    return c, (F.inject(rust, args.inject) if args.inject else rust)


# -- the state shared by worker and supervisor ---------------------------------------

class State:
    """A small file mapped by both processes: counters, and the input being
    run (so the supervisor knows it when the worker dies or hangs)."""

    HEADER = 48
    SIZE = HEADER + MAX_INPUT
    IDLE, BUSY, HARNESS_ERROR = 0, 1, 2

    def __init__(self, path, create=False):
        if create:
            with open(path, "wb") as f:
                f.truncate(self.SIZE)
        self.f = open(path, "r+b")
        self.mm = mmap.mmap(self.f.fileno(), self.SIZE)

    def reset(self):
        self.mm[:self.HEADER] = bytes(self.HEADER)

    def begin(self, data):
        n = min(len(data), MAX_INPUT)
        self.mm[self.HEADER:self.HEADER + n] = data[:n]
        struct.pack_into("<II", self.mm, 40, n, 0)
        struct.pack_into("<I", self.mm, 4, self.BUSY)

    def end(self, calls, mismatches):
        executions, progress = struct.unpack_from("<Q", self.mm, 8)[0], self.progress_count()
        struct.pack_into("<QQQQ", self.mm, 8, executions + 1, calls, mismatches, progress + 1)
        struct.pack_into("<I", self.mm, 4, self.IDLE)

    def progress(self):
        struct.pack_into("<Q", self.mm, 32, self.progress_count() + 1)

    def harness_error(self):
        struct.pack_into("<I", self.mm, 4, self.HARNESS_ERROR)

    def progress_count(self):
        return struct.unpack_from("<Q", self.mm, 32)[0]

    def read(self):
        status, = struct.unpack_from("<I", self.mm, 4)
        executions, calls, mismatches, progress = struct.unpack_from("<QQQQ", self.mm, 8)
        n, = struct.unpack_from("<I", self.mm, 40)
        return {"status": status, "executions": executions, "calls": calls, "mismatches": mismatches,
                "progress": progress, "input": bytes(self.mm[self.HEADER:self.HEADER + n])}


# -- the worker -----------------------------------------------------------------------

class Findings:
    """Handles the mismatches the differ reports: re-check with fresh
    arguments, minimise, save. Appends one JSON line per distinct signature
    to `log` (status new / known / unreproducible / unencodable)."""

    def __init__(self, F, c, rust, args, state, engine):
        self.F, self.c, self.rust, self.args, self.state, self.engine = F, c, rust, args, state, engine
        self.seen = {}
        self.saved = []
        self.known = known_divergences(F, c, rust, args.corpus)
        self.log = open(os.path.join(args.workdir, "findings.jsonl"), "a")

    def record(self, **entry):
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()

    def found(self, steps):
        F = self.F
        func = steps[0]["func"]
        if "unencodable" in steps[0]:
            sig = f"{func}: mismatch on arguments that cannot be saved ({steps[0]['unencodable']})"
            result = None
        else:
            result = F.diverges(self.c, self.rust, steps)
            sig = result[0] if result else f"{func}: mismatch not reproduced with fresh arguments"
        self.seen[sig] = self.seen.get(sig, 0) + 1
        if self.seen[sig] > 1:
            return
        if result is None:
            shown = steps[0].get("repr") or F.show_step(steps[0])
            print(f"UNREPRODUCIBLE {sig}\n    {shown}", flush=True)
            self.record(signature=sig, status="unreproducible", call=shown)
            return
        if sig in self.known:
            self.record(signature=sig, status="known", file=self.known[sig])
            return
        func_saved = sum(1 for k in self.saved if k.startswith(func + ":"))
        if func_saved >= 5 or len(self.saved) >= 25:
            self.record(signature=sig, status="new-unsaved")
            print(f"DIVERGENCE {sig} (not saved: enough cases of {func} saved in this run)", flush=True)
            return

        def same(candidate):
            r = F.diverges(self.c, self.rust, candidate)
            return r is not None and r[0] == sig

        small = F.Minimiser(same, budget=self.args.minimise_time, progress=self.state.progress).run(steps)
        result = F.diverges(self.c, self.rust, small) or result
        path = save_case(self.args.corpus, self.args.module, small, "divergence", sig, result, self.engine)
        self.known[sig] = os.path.basename(path)
        self.saved.append(sig)
        print(f"DIVERGENCE {sig}\n    {F.show_step(small[-1])}\n    C:    {show(F, result[1])}\n"
              f"    Rust: {show(F, result[2])}\n    saved to {path}", flush=True)
        self.record(signature=sig, status="new", file=os.path.basename(path))


def show(F, o):
    return F.differential.show_outcome(o)


def known_divergences(F, c, rust, corpus):
    """Signatures of the corpus cases that still diverge here -> file name."""
    known = {}
    for name, case in read_corpus(corpus):
        if case.get("kind", "divergence") != "divergence":
            continue
        try:
            r = F.diverges(c, rust, case["steps"])
        except Exception:
            continue
        if r:
            known.setdefault(r[0], name)
    return known


def read_corpus(corpus):
    if not corpus or not os.path.isdir(corpus):
        return []
    out = []
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".json"):
            with open(os.path.join(corpus, name)) as f:
                out.append((name, json.load(f)))
    return out


def save_case(corpus, module, steps, kind, sig, result, engine, note=""):
    os.makedirs(corpus, exist_ok=True)
    text = json.dumps(steps, sort_keys=True)
    name = f"{steps[-1]['func'].lstrip('$').replace('.', '_')}-{hashlib.sha1(text.encode()).hexdigest()[:10]}.json"
    case = {
        "module": module,
        "kind": kind,
        "signature": sig,
        "found": {"python": sys.version.split()[0], "engine": engine, "date": time.strftime("%Y-%m-%d")},
        "steps": steps,
    }
    if result:
        F = sys.modules["fuzz_common"]
        case["outcomes when found"] = {"C": show(F, result[1]), "Rust": show(F, result[2])}
    if note:
        case["note"] = note
    path = os.path.join(corpus, name)
    with open(path, "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")
    return path


def pick_engine(wanted):
    """(engine name, atheris module or None, why not atheris)."""
    if wanted == "builtin":
        return "builtin", None, "builtin engine asked for"
    try:
        import atheris
    except ImportError as e:
        if wanted == "atheris":
            raise SystemExit(f"atheris is not importable: {e}")
        return "builtin", None, f"atheris not importable ({e})"
    return "atheris", atheris, ""


def mutate_input(data, rng, pool):
    """libFuzzer-like byte mutations."""
    b = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(9)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            b[min(pos, len(b) - 1)] = rng.randrange(256)
        elif op == 2:
            b[pos:pos] = rng.randbytes(rng.randrange(1, 9))
        elif op == 3 and b:
            del b[pos:pos + rng.randrange(1, 65)]
        elif op == 4 and b:
            start = rng.randrange(len(b))
            b[pos:pos] = b[start:start + rng.randrange(1, 65)]
        elif op == 5:
            other = rng.choice(pool)
            b = b[:pos] + other[rng.randrange(len(other) + 1):]
        elif op == 6:
            i = rng.randrange(16)
            if i < len(b):
                b[i] = rng.randrange(256)
        elif op == 7:
            b[pos:pos] = rng.choice([b"=", b"==", b"\n", b"\r\n", b" ", b"\t", b"\x00", b"\xff", b"=\n", b"`",
                                     b"!", b"_", b"=3D", b"=\r\n", b"+/", b"-_", b"0", b"A" * 64])
        elif op == 8:
            del b[pos:]
    return bytes(b[:MAX_LEN])


def cmd_worker(args):
    state = State(args.state)
    engine, atheris, why = pick_engine(args.engine)
    instrument = None
    if atheris is not None:
        instrument = atheris.instrument_imports(include=["fuzz_common", "differential", f"diff_{args.module}",
                                                         f"fuzz_{args.module}"])
    F, plugin, modload = harness(args.module, instrument)
    c, rust = load(F, modload, args)
    findings = Findings(F, c, rust, args, state, engine)
    differ = F.FuzzDiffer(c, rust, findings.found)
    error_file = os.path.join(args.workdir, "harness-error.txt")

    def one(data):
        state.begin(data)
        try:
            plugin.one_input(differ, data)
        except BaseException:
            state.harness_error()
            with open(error_file, "w") as f:
                f.write(traceback.format_exc())
            raise
        state.end(differ.total_calls, differ.total_mismatches)

    seeds_dir = os.path.join(args.workdir, "seeds")
    corpus_dir = os.path.join(args.workdir, "libfuzzer-corpus")
    os.makedirs(corpus_dir, exist_ok=True)
    print(f"worker: engine {engine}{' (' + why + ')' if why else ''}, {args.time:.0f}s", flush=True)
    if atheris is not None:
        artifacts = os.path.join(args.workdir, "artifacts") + os.sep
        os.makedirs(artifacts, exist_ok=True)
        argv = [sys.argv[0], f"-max_total_time={max(1, int(args.time))}",
                f"-timeout={int(args.hang + args.minimise_time + 30)}", "-rss_limit_mb=6144",
                f"-max_len={MAX_LEN}", "-print_final_stats=1", f"-artifact_prefix={artifacts}",
                f"-seed={args.seed % (2**31 - 1) + 1}", corpus_dir, seeds_dir]
        atheris.Setup(argv, one)
        atheris.Fuzz()
        return 0
    rng = random.Random(args.seed)
    pool = [read_bytes(os.path.join(d, n)) for d in (seeds_dir, corpus_dir) for n in sorted(os.listdir(d))][:20000]
    deadline = time.monotonic() + args.time
    for data in pool[:2000]:
        one(data)
    while time.monotonic() < deadline:
        data = plugin.random_input(rng) if rng.random() < 0.3 or not pool else mutate_input(rng.choice(pool), rng, pool)
        one(data)
    return 0


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# -- the supervisor --------------------------------------------------------------------

def worker_command(args, seconds, state_path, seed):
    cmd = [sys.executable, os.path.abspath(__file__), "worker", "--module", args.module, "--rust", args.rust,
           "--time", str(seconds), "--workdir", args.workdir, "--corpus", args.corpus, "--engine", args.engine,
           "--hang", str(args.hang), "--minimise-time", str(args.minimise_time), "--state", state_path,
           "--seed", str(seed)]
    if args.inject:
        cmd += ["--inject", args.inject]
    if args.c:
        cmd += ["--c", args.c]
    return cmd


def helper_command(args, sub, *extra):
    cmd = [sys.executable, os.path.abspath(__file__), sub, "--module", args.module, "--rust", args.rust]
    if args.inject:
        cmd += ["--inject", args.inject]
    if args.c:
        cmd += ["--c", args.c]
    return cmd + list(extra)


def cmd_fuzz(args):
    F, plugin, modload = harness(args.module)
    c, rust = modload.load_pair(args.module, args.rust, args.c)
    engine, _, why = pick_engine(args.engine)
    workdir = args.workdir
    os.makedirs(workdir, exist_ok=True)
    seeds_dir = os.path.join(workdir, "seeds")
    os.makedirs(seeds_dir, exist_ok=True)
    for name in os.listdir(seeds_dir):
        os.unlink(os.path.join(seeds_dir, name))
    seeds = plugin.seeds(c)
    for i, data in enumerate(seeds):
        with open(os.path.join(seeds_dir, f"seed-{i:04d}"), "wb") as f:
            f.write(data)
    findings_path = os.path.join(workdir, "findings.jsonl")
    if os.path.exists(findings_path):
        os.unlink(findings_path)
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    coverage = ("coverage-guided by the Python harness code only: the Rust and C extensions are not instrumented"
                if engine == "atheris" else f"mutation without coverage feedback; {why}")
    print(f"fuzz {args.module}: Python {sys.version.split()[0]}, engine {engine} ({coverage}), "
          f"{len(seeds)} seeds, {args.time:.0f}s, seed {seed}\n  C:    {getattr(c, '__file__', 'built-in')}\n"
          f"  Rust: {rust.__file__}", flush=True)

    state_path = os.path.join(workdir, "state")
    state = State(state_path, create=True)
    log_path = os.path.join(workdir, "worker.log")
    totals = {"executions": 0, "calls": 0, "mismatching_calls": 0}
    crashes, harness_errors, starts = [], [], 0
    started = time.monotonic()
    deadline = started + args.time
    while deadline - time.monotonic() >= 1 and starts < 50:
        state.reset()
        starts += 1
        with open(log_path, "a") as log:
            log.write(f"\n=== worker start {starts} ===\n")
            log.flush()
            proc = subprocess.Popen(worker_command(args, deadline - time.monotonic(), state_path, seed + starts),
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            kind = monitor(proc, state, args, deadline)
        snapshot = state.read()
        totals["executions"] += snapshot["executions"]
        totals["calls"] += snapshot["calls"]
        totals["mismatching_calls"] += snapshot["mismatches"]
        if kind == "done":
            break
        if kind == "harness-error" or snapshot["status"] == State.HARNESS_ERROR:
            text = read_text(os.path.join(workdir, "harness-error.txt")) or tail(log_path)
            print(f"HARNESS ERROR (a bug in the fuzzing code, not a divergence):\n{text}", flush=True)
            harness_errors.append(text)
            break
        if snapshot["status"] != State.BUSY:
            print(f"worker ended unexpectedly ({kind}) between inputs:\n{tail(log_path)}", flush=True)
            harness_errors.append(kind)
            break
        forget_input(workdir, snapshot["input"])
        entry = handle_crash(F, args, kind, snapshot["input"], engine)
        if all(entry["signature"] != cr["signature"] for cr in crashes):
            crashes.append(entry)
        elif len(crashes) >= 3:
            print("the same crash again: stopping", flush=True)
            break

    elapsed = time.monotonic() - started
    entries = [json.loads(line) for line in read_text(findings_path).splitlines() if line.strip()]
    new = [e for e in entries if e["status"] in ("new", "new-unsaved")]
    known = [e for e in entries if e["status"] == "known"]
    odd = [e for e in entries if e["status"] in ("unreproducible",)]
    print(f"fuzz {args.module}: {totals['executions']} executions ({totals['executions'] / max(elapsed, 1e-9):.0f}/s), "
          f"{totals['calls']} calls compared in {elapsed:.0f}s, engine {engine}, {starts} worker start(s)")
    print(f"  divergences: {len(new)} new, {len(known)} known (in the corpus); crashes/hangs: {len(crashes)}; "
          f"unreproducible mismatches: {len(odd)}; harness errors: {len(harness_errors)}")
    for e in new + known + odd:
        print(f"  {e['status']}: {e['signature']}" + (f" ({e['file']})" if e.get("file") else ""))
    for cr in crashes:
        print(f"  {cr['kind']}: {cr['signature']} ({cr.get('file') or cr['input']})")
    failed = len(new) + len(crashes) + len(odd) + len(harness_errors)
    result = {"module": args.module, "python": sys.version.split()[0], "engine": engine, "seconds": round(elapsed, 1),
              "run": totals["executions"], "calls": totals["calls"], "failed": failed, "skipped": 0,
              "new_divergences": [e["signature"] for e in new], "known_divergences": [e["signature"] for e in known],
              "crashes": [cr["signature"] for cr in crashes], "unreproducible": len(odd),
              "harness_errors": len(harness_errors), "worker_starts": starts}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 1 if failed else 0


def monitor(proc, state, args, deadline):
    """Waits for the worker: "done" (exited 0), "crash (...)", "hang" or "harness-error"."""
    last_progress, last_change = -1, time.monotonic()
    grace = args.hang + args.minimise_time + 60
    next_report = time.monotonic() + 60
    while True:
        rc = proc.poll()
        now = time.monotonic()
        if rc is not None:
            s = state.read()
            if s["status"] == State.HARNESS_ERROR:
                return "harness-error"
            if rc == 0 and s["status"] != State.BUSY:
                return "done"
            return f"crash (exit status {rc})" if rc >= 0 else f"crash (signal {-rc})"
        progress = state.progress_count()
        if now >= next_report:
            s = state.read()
            print(f"  ... {s['executions']} executions, {s['calls']} calls compared (this worker)", flush=True)
            next_report = now + 60
        if progress != last_progress:
            last_progress, last_change = progress, now
        if now - last_change > args.hang or now > deadline + grace:
            proc.kill()
            proc.wait()
            return "hang"
        time.sleep(0.2)


def forget_input(workdir, data):
    """Removes `data` from the seed and libFuzzer corpus directories, so a
    restarted worker does not crash on it again at once."""
    for sub in ("seeds", "libfuzzer-corpus"):
        d = os.path.join(workdir, sub)
        for name in os.listdir(d) if os.path.isdir(d) else []:
            if read_bytes(os.path.join(d, name)) == data:
                os.unlink(os.path.join(d, name))


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def tail(path, lines=30):
    return "\n".join(read_text(path).splitlines()[-lines:])


def check_case(args, steps, timeout):
    """Runs `steps` in a fresh process: ("hang", side) / ("crash <status>", side) / None (no crash;
    the outcomes are then compared by the caller)."""
    with open(os.path.join(args.workdir, "check-case.json"), "w") as f:
        json.dump({"steps": steps}, f)
    cmd = helper_command(args, "check", "--case", f.name)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return ("hang", "Rust" if "C-DONE" in out else "C")
    if "RUST-DONE" in out:
        return None
    how = f"signal {-rc} ({signal.Signals(-rc).name})" if rc < 0 else f"exit status {rc}"
    return (f"crash, {how}", "Rust" if "C-DONE" in out else "C")


def handle_crash(F, args, kind, data, engine):
    """Saves the input, finds the call by tracing, minimises it, saves a corpus case."""
    crash_dir = os.path.join(args.workdir, "crashes")
    os.makedirs(crash_dir, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    input_path = os.path.join(crash_dir, f"input-{digest}")
    with open(input_path, "wb") as f:
        f.write(data)
    trace_path = input_path + ".trace"
    print(f"CRASH/HANG ({kind}) on input {input_path}: tracing", flush=True)
    timeout = 2 * args.hang + 5
    try:
        subprocess.run(helper_command(args, "trace", "--input", input_path, "--out", trace_path),
                       capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pass
    lines = read_text(trace_path).splitlines()
    entry = {"kind": kind, "input": input_path, "signature": f"{kind}, not reproduced by replaying the input"}
    if not lines:
        return entry
    steps = json.loads(lines[-1])
    func = steps[-1]["func"]
    if any("unencodable" in s for s in steps):
        entry["signature"] = f"{func}: {kind} on arguments that cannot be saved"
        return entry
    first = check_case(args, steps, timeout=min(args.hang, 30))
    if first is None:
        entry["signature"] = f"{func}: {kind} needs the calls before it (input kept)"
        return entry
    what, side = first
    sig = f"{func}: {side} hangs" if what == "hang" else f"{func}: {side} {what.replace('crash,', 'crashes,')}"
    small = F.Minimiser(lambda s: check_case(args, s, timeout=min(args.hang, 10)) == first,
                        budget=180, max_tests=200).run(steps)
    kind_name = "hang" if what == "hang" else "crash"
    entry["signature"] = sig
    entry["file"] = os.path.basename(save_case(args.corpus, args.module, small, kind_name, sig, None, engine,
                                               note=f"{side} side: {what}"))
    print(f"  -> {sig}: {F.show_step(small[-1])} saved as {entry['file']}", flush=True)
    return entry


# -- helpers run in their own process ---------------------------------------------------

def cmd_trace(args):
    """Replays one fuzz input, writing each call to --out before making it."""
    faulthandler.enable()
    F, plugin, modload = harness(args.module)
    c, rust = load(F, modload, args)
    with open(args.out, "w") as trace:
        differ = F.FuzzDiffer(c, rust, lambda steps: None, trace=trace)
        plugin.one_input(differ, read_bytes(args.input))
    return 0


def cmd_check(args):
    """Runs a case's steps on C, then on Rust; prints markers in between."""
    faulthandler.enable()
    F, plugin, modload = harness(args.module)
    c, rust = load(F, modload, args)
    with open(args.case) as f:
        steps = json.load(f)["steps"]
    oc = F.run_steps(c, steps)
    print("C-DONE", flush=True)
    orust = F.run_steps(rust, steps)
    print("RUST-DONE", flush=True)
    same = all(F.differential.same_outcome(a, b) for a, b in zip(oc, orust))
    print(json.dumps({"same": same, "C": [show(F, o) for o in oc], "Rust": [show(F, o) for o in orust]}))
    return 0 if same else 1


def cmd_replay(args):
    F, plugin, modload = harness(args.module)
    c, rust = load(F, modload, args)
    cases = read_corpus(args.corpus)
    print(f"corpus {args.module}: {len(cases)} cases in {args.corpus}, Python {sys.version.split()[0]}", flush=True)
    run = failed = skipped = 0
    for name, case in cases:
        kind = case.get("kind", "divergence")
        try:
            for step in case["steps"]:
                F.decode_call(step, results=[None] * len(case["steps"]))
        except Exception as e:
            print(f"  skip {name}: cannot decode here ({type(e).__name__}: {e})", flush=True)
            skipped += 1
            continue
        run += 1
        if kind in ("crash", "hang"):
            args.workdir = args.workdir or os.path.join(HERE, "..", "..", "target", "fuzz", "replay")
            os.makedirs(args.workdir, exist_ok=True)
            problem = check_case(args, case["steps"], timeout=60)
            r = None
            if problem is None:
                r = F.diverges(c, rust, case["steps"])
        else:
            faulthandler.dump_traceback_later(120, exit=True)
            problem, r = None, F.diverges(c, rust, case["steps"])
            faulthandler.cancel_dump_traceback_later()
        if problem or r:
            failed += 1
            print(f"  FAIL {name} ({case.get('signature')}): {F.show_step(case['steps'][-1])}")
            if problem:
                print(f"    still {problem[0]} on the {problem[1]} side", flush=True)
            else:
                print(f"    C:    {show(F, r[1])}\n    Rust: {show(F, r[2])}", flush=True)
    print(f"corpus {args.module}: {run} cases replayed, {failed} diverge, {skipped} skipped")
    print(RESULT_PREFIX + json.dumps({"module": args.module, "python": sys.version.split()[0], "run": run,
                                      "failed": failed, "skipped": skipped}), flush=True)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["fuzz", "worker", "trace", "check", "replay"])
    parser.add_argument("--module", required=True)
    parser.add_argument("--rust", required=True, help="the Rust extension module file")
    parser.add_argument("--c", help="the C extension module file (default: lib-dynload's)")
    parser.add_argument("--time", type=float, default=60.0, help="seconds of fuzzing")
    parser.add_argument("--workdir", help="scratch directory (state, seeds, libFuzzer corpus, crashes)")
    parser.add_argument("--corpus", help="the corpus directory in the repo (tests/corpus/<module>)")
    parser.add_argument("--engine", choices=["auto", "atheris", "builtin"], default="auto")
    parser.add_argument("--hang", type=float, default=30.0, help="seconds without progress that count as a hang")
    parser.add_argument("--minimise-time", type=float, default=10.0, help="seconds to minimise each divergence")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--inject", choices=["divergence", "crash", "hang"],
                        help="self-check: replace the Rust module by one that misbehaves on inputs with byte 0xDE")
    parser.add_argument("--input", help="trace: the fuzz input file")
    parser.add_argument("--out", help="trace: the trace file to write")
    parser.add_argument("--case", help="check: the case file")
    args = parser.parse_args()
    args.rust = os.path.abspath(args.rust)
    if args.command in ("fuzz", "worker") and not (args.workdir and args.corpus):
        parser.error("fuzz needs --workdir and --corpus")
    for attr in ("workdir", "corpus"):
        if getattr(args, attr):
            setattr(args, attr, os.path.abspath(getattr(args, attr)))
    return {"fuzz": cmd_fuzz, "worker": cmd_worker, "trace": cmd_trace, "check": cmd_check,
            "replay": cmd_replay}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
