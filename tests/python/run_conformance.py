"""Run CPython regression tests with an oxpy module active.

Usage (by `cargo xtask test`):
    python run_conformance.py --module binascii --mode overlay --overlay DIR -- test_binascii ...
    python3-linked run_conformance.py --module binascii --mode builtin -- test_binascii ...

First asserts that the Rust module is the one loaded (overlay: its file is
in DIR; builtin: it is a built-in module), then runs each test module of
CPython's `test` package with unittest and prints failures. The last line is
`OXPY-RESULT {json}` with the counts: run, failed (failures + errors +
unexpected successes), skipped, expected_failures, per-test-module details.
Exit status 0 only if nothing failed.
"""

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
import unittest

RESULT_PREFIX = "OXPY-RESULT "


class CountingResult(unittest.TextTestResult):
    """Counts like regrtest: expected failures pass, unexpected successes fail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_names = []

    def _record(self, test):
        self.failed_names.append(str(test))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(subtest)

    def printErrors(self):
        super().printErrors()
        for test in self.unexpectedSuccesses:
            self.stream.writeln(self.separator1)
            self.stream.writeln(f"UNEXPECTED SUCCESS: {self.getDescription(test)}")


def check_loaded(module_name, mode, overlay):
    """Returns an error message unless the Rust module is the one imported."""
    try:
        mod = importlib.import_module(module_name)
    except Exception as e:  # the module itself failing to import is a failure
        return f"import {module_name} failed: {type(e).__name__}: {e}"
    origin = getattr(getattr(mod, "__spec__", None), "origin", None)
    if mode == "builtin":
        if module_name not in sys.builtin_module_names:
            return f"{module_name} is not in sys.builtin_module_names (loaded from {origin})"
        if origin != "built-in":
            return f"{module_name}.__spec__.origin is {origin!r}, expected 'built-in'"
        return None
    path = getattr(mod, "__file__", None)
    if not path:
        return f"{module_name} has no __file__ (origin {origin!r}): not the overlay's"
    overlay = os.path.realpath(overlay)
    if os.path.commonpath([os.path.realpath(path), overlay]) != overlay:
        return f"{module_name} was loaded from {path}, not from the overlay {overlay}"
    return None


def run_test_module(name, stream):
    """Runs one CPython test module; returns its counts."""
    qualified = name if name.startswith("test.") else f"test.{name}"
    started = time.monotonic()
    runner = unittest.TextTestRunner(stream=stream, verbosity=0, resultclass=CountingResult)
    try:
        suite = unittest.defaultTestLoader.loadTestsFromName(qualified)
    except Exception as e:
        print(f"cannot load {qualified}: {type(e).__name__}: {e}", file=stream)
        return {"run": 0, "failed": 1, "skipped": 0, "expected_failures": 0,
                "failed_tests": [f"load {qualified}"]}
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    counts = {
        "run": result.testsRun,
        "failed": failed,
        "skipped": len(result.skipped),
        "expected_failures": len(result.expectedFailures),
        "failed_tests": result.failed_names,
        "seconds": round(time.monotonic() - started, 2),
    }
    print(f"{qualified}: {counts['run']} run, {failed} failed, {counts['skipped']} skipped "
          f"({counts['seconds']}s)", file=stream)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True, help="the oxpy module, e.g. binascii")
    parser.add_argument("--mode", required=True, choices=["overlay", "builtin"])
    parser.add_argument("--overlay", help="overlay directory (overlay mode)")
    parser.add_argument("--memlimit", default="5G",
                        help="memory the bigmem tests may use, as regrtest's -M (default 5G; 0 skips them)")
    parser.add_argument("tests", nargs="+", help="CPython test modules, e.g. test_binascii")
    args = parser.parse_args()
    if args.memlimit != "0":
        import test.support
        test.support.set_memlimit(args.memlimit)
    if args.mode == "overlay" and not args.overlay:
        parser.error("--overlay is required in overlay mode")
    if args.overlay:
        args.overlay = os.path.abspath(args.overlay)

    summary = {"module": args.module, "mode": args.mode, "python": sys.version.split()[0],
               "executable": sys.executable, "run": 0, "failed": 0, "skipped": 0,
               "expected_failures": 0, "tests": {}}
    problem = check_loaded(args.module, args.mode, args.overlay)
    if problem:
        print(f"NOT THE RUST MODULE: {problem}")
        summary.update(failed=1, error=problem)
        print(RESULT_PREFIX + json.dumps(summary))
        return 2
    mod = sys.modules[args.module]
    print(f"{args.module}: {getattr(mod, '__file__', None) or mod.__spec__.origin} "
          f"(Python {summary['python']}, {sys.executable})")

    # Like regrtest, run in a scratch directory: tests create and delete
    # files relative to the working directory (test_zipfile removes
    # ./target, for one).
    with tempfile.TemporaryDirectory(prefix="oxpy-conformance-") as scratch:
        old_cwd = os.getcwd()
        os.chdir(scratch)
        try:
            for name in args.tests:
                counts = run_test_module(name, sys.stdout)
                summary["tests"][name] = counts
                for key in ("run", "failed", "skipped", "expected_failures"):
                    summary[key] += counts[key]
        finally:
            os.chdir(old_cwd)

    # The tests must not have swapped the module for another one.
    problem = check_loaded(args.module, args.mode, args.overlay)
    if problem:
        print(f"NOT THE RUST MODULE after the tests: {problem}")
        summary["failed"] += 1
        summary["error"] = problem
    sys.stdout.flush()
    print(RESULT_PREFIX + json.dumps(summary))
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
