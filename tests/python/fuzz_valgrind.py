"""Runs a module's conformance tests (and the fixed cases of its differential
test) under valgrind memcheck with the Rust module active, and reports the
memory errors whose stack has a frame in the Rust module.

    python fuzz_valgrind.py --module binascii --rust <overlay .so> --tests test_binascii ... [--out DIR]

CPython itself is noisy under memcheck, so every error is read from
valgrind's XML output and attributed: "ours" when a frame of its stack (or
of the allocation/free stacks) is in the Rust extension file; everything
else is counted as CPython's and listed by kind only. PYTHONMALLOC=malloc
lets memcheck see every Python allocation. The bigmem tests are off (their
5 GB would not fit under valgrind). Definite leaks at exit are reported the
same way (--leak-check=full, definite only).

Ends with `OXPY-RESULT {json}`: run = errors seen, failed = errors (and
definite leaks) with a frame in the Rust module.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
RESULT_PREFIX = "OXPY-RESULT "


def frames(error):
    for stack in error.iter("stack"):
        for frame in stack.iter("frame"):
            yield {k: (frame.findtext(k) or "") for k in ("obj", "fn", "dir", "file", "line")}


def is_ours(frame, rust_file):
    obj = frame["obj"]
    return bool(obj) and os.path.realpath(obj) == rust_file


def show_frame(f):
    where = f"{f['file']}:{f['line']}" if f["file"] else os.path.basename(f["obj"])
    return f"{f['fn'] or '???'} ({where})"


def read_errors(xml_dir, rust_file):
    """(ours, others): lists of (kind, what, stack lines)."""
    ours, others = [], []
    for path in sorted(glob.glob(os.path.join(xml_dir, "memcheck.*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            # A process still writing, or killed: read what is complete.
            text = open(path, errors="replace").read()
            end = text.rfind("</error>")
            if end < 0:
                continue
            root = ET.fromstring(text[:end + len("</error>")] + "</valgrindoutput>")
        for error in root.iter("error"):
            kind = error.findtext("kind") or "?"
            what = error.findtext("what") or error.findtext("xwhat/text") or ""
            fs = list(frames(error))
            entry = (kind, what, [show_frame(f) for f in fs[:12]])
            (ours if any(is_ours(f, rust_file) for f in fs) else others).append(entry)
    return ours, others


def run_under_valgrind(label, argv, xml_dir, env, timeout):
    cmd = ["valgrind", "--tool=memcheck", "--xml=yes", f"--xml-file={xml_dir}/memcheck.%p.xml", "--num-callers=40",
           "--error-limit=no", "--leak-check=full", "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite",
           "--trace-children=no", sys.executable, *argv]
    print(f"== {label}: {' '.join(cmd[:2])} ... {' '.join(argv[:3])} ...", flush=True)
    started = time.monotonic()
    try:
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or ""), None
    result = None
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
            break
    took = time.monotonic() - started
    status = "timed out" if rc is None else f"exit status {rc}"
    counts = f"{result['run']} run, {result['failed']} failed" if result else "no result line"
    print(f"   {status} after {took:.0f}s: {counts}", flush=True)
    return result, rc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True)
    parser.add_argument("--rust", required=True, help="the Rust extension module file in its overlay directory")
    parser.add_argument("--tests", nargs="+", required=True, help="CPython test files (the conformance list)")
    parser.add_argument("--out", default="valgrind-out", help="directory for valgrind's XML files")
    parser.add_argument("--diff-iterations", type=int, default=200,
                        help="random cases of diff_<module>.py after its fixed cases (0: skip the differential run)")
    parser.add_argument("--timeout", type=float, default=3 * 3600)
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        print("valgrind is not installed (apt-get install valgrind)")
        print(RESULT_PREFIX + json.dumps({"run": 0, "failed": 1, "skipped": 0, "error": "no valgrind"}))
        return 1
    rust_file = os.path.realpath(args.rust)
    overlay = os.path.dirname(rust_file)
    xml_dir = os.path.abspath(args.out)
    shutil.rmtree(xml_dir, ignore_errors=True)
    os.makedirs(xml_dir)
    env = dict(os.environ, PYTHONMALLOC="malloc", PYTHONPATH=overlay)
    started = time.monotonic()

    suites = {}
    suites["conformance"] = run_under_valgrind(
        "conformance", [os.path.join(HERE, "run_conformance.py"), "--module", args.module, "--mode", "overlay",
                        "--overlay", overlay, "--memlimit", "0", "--", *args.tests], xml_dir, env, args.timeout)
    diff = os.path.join(HERE, f"diff_{args.module}.py")
    if args.diff_iterations and os.path.isfile(diff):
        env_diff = dict(env)
        env_diff.pop("PYTHONPATH")
        suites["differential"] = run_under_valgrind(
            "differential", [diff, "--rust", rust_file, "--seed", "1", "--iterations", str(args.diff_iterations)],
            xml_dir, env_diff, args.timeout)

    ours, others = read_errors(xml_dir, rust_file)
    print(f"valgrind {args.module}: Python {sys.version.split()[0]}, {time.monotonic() - started:.0f}s, "
          f"{len(ours) + len(others)} memcheck errors: {len(ours)} with a frame in the Rust module, "
          f"{len(others)} elsewhere (CPython, libc)")
    for kind, n in Counter(k for k, _, _ in others).most_common():
        print(f"  elsewhere: {n} x {kind}")
    for kind, what, stack in ours[:20]:
        print(f"  OURS {kind}: {what}\n    " + "\n    ".join(stack))
    tests_failed = [name for name, (res, rc) in suites.items() if not res or res.get("failed")]
    if tests_failed:
        print(f"  note: under valgrind these suites did not pass: {', '.join(tests_failed)}")
    result = {"module": args.module, "python": sys.version.split()[0], "run": len(ours) + len(others),
              "failed": len(ours), "skipped": 0, "errors_elsewhere": len(others),
              "suites": {name: (res or {}).get("run") for name, (res, rc) in suites.items()},
              "suites_failed": tests_failed}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
