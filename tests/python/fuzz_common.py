"""The shared part of oxpy's robustness harnesses (fuzz_engine.py,
leaks_check.py, stress_threads.py): a reproducible description of calls
(the corpus format), running a case on the C and the Rust module with fresh
objects for each, the minimiser, an input-driven `random.Random`, and edge
values (int/str/bytes subclasses, `__index__`/`__bool__` objects that fail or
mutate the other arguments).

A module plugs in with one file, `fuzz_<module>.py`, next to its
`diff_<module>.py` (whose case builders it reuses). It defines:

    seeds(c) -> [bytes]              fuzz inputs built from valid data
    one_input(differ, data)          runs the calls that the fuzz input `data`
                                     describes, through differ.call(fname, args,
                                     kwargs), differ.call_isolated(...) (fresh
                                     arguments per module) or
                                     differ.call_steps(steps) (several calls on
                                     the objects earlier calls returned)
    random_input(rng) -> bytes       a fresh input (the built-in engine)
    leak_calls(c) -> [(fname, args, kwargs)]
                                     calls that reach every success and error
                                     path (leaks_check.py keeps one per outcome)
    big_calls(c) -> [(fname, args, kwargs)]
                                     success calls on large inputs (RSS check)
    stress_calls(c) -> [(fname, args, kwargs) | (label, fn)]
                                     calls on shared input objects, for the
                                     threaded stress test; `fn(module)` may use
                                     shared objects of its own (a stream)

`c` is the C module. A case ("steps") is a list of calls; each names a
module function (`"a2b_base64"`) or a method of an earlier step's result
(`"$0.compress"`), with arguments in the value encoding below.

Value encoding (JSON): None/True/False as themselves; {"int": "123"},
{"float": "nan"}, {"str": ...}, {"bytes": hex}, {"bytearray": hex},
{"memoryview": hex, "format", "shape", "step", "readonly"},
{"array": typecode, "hex": ...}, {"list"|"tuple": [...]}, {"dict": [[k, v], ...]},
{"type": "module:qualname"}, {"object": null} (a plain object()),
{"instance": "module:qualname", "of": value of the base type, "state": {attr: value}},
{"result": i} (what step i returned). Mutable objects carry "id": n and a
later occurrence of the same object is {"same": n}, so aliasing (an
`__index__` that resizes the data argument) survives.
"""

import copy
import importlib
import json
import os
import random
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import differential  # noqa: E402


# -- edge values ----------------------------------------------------------------

class IntSubclass(int):
    pass


class FloatSubclass(float):
    pass


class StrSubclass(str):
    pass


class BytesSubclass(bytes):
    pass


class Index:
    """An object with __index__ (and __bool__) only."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __bool__(self):
        return bool(self.value)

    def __repr__(self):
        return f"Index({self.value!r})"


class BadIndex:
    """__index__ and __bool__ raise."""

    def __index__(self):
        raise ZeroDivisionError("bad __index__")

    def __bool__(self):
        raise ZeroDivisionError("bad __bool__")

    def __repr__(self):
        return "BadIndex()"


class IndexNotInt:
    """__index__ returns a float (TypeError), __bool__ returns an int (TypeError)."""

    def __index__(self):
        return 1.5

    def __bool__(self):
        return 1

    def __repr__(self):
        return "IndexNotInt()"


class IndexIntSubclass:
    """__index__ returns an int subclass (a DeprecationWarning in CPython)."""

    def __index__(self):
        return IntSubclass(1)

    def __bool__(self):
        return True

    def __repr__(self):
        return "IndexIntSubclass()"


class Resizer:
    """Converting it (__index__ or __bool__) resizes `target`, a bytearray
    that is also the data argument: C has acquired the data buffer by then,
    so the resize raises BufferError."""

    def __init__(self, target, value):
        self.target, self.value = target, value

    def __index__(self):
        self.target += b"!!"
        return self.value

    def __bool__(self):
        self.target += b"!!"
        return bool(self.value)

    def __repr__(self):
        return f"Resizer(<{len(self.target)} bytes>, {self.value!r})"


class Releaser:
    """Converting it releases `target`, a memoryview that is also the data
    argument (BufferError while C holds a buffer from it)."""

    def __init__(self, target, value):
        self.target, self.value = target, value

    def __index__(self):
        self.target.release()
        return self.value

    def __bool__(self):
        self.target.release()
        return bool(self.value)

    def __repr__(self):
        return f"Releaser(<view>, {self.value!r})"


class WithBytes:
    """Has __bytes__ but no buffer: not bytes-like."""

    def __bytes__(self):
        return b"abc"

    def __repr__(self):
        return "WithBytes()"


class PyBuffer:
    """A buffer implemented in Python (PEP 688, 3.12+; a plain object before)."""

    def __init__(self, data):
        self.data = data

    def __buffer__(self, flags):
        return memoryview(self.data)

    def __repr__(self):
        return f"PyBuffer({self.data!r})"


class LyingLen(bytes):
    """bytes whose __len__ lies (C never asks)."""

    def __len__(self):
        return 10**6


# Values for integer and flag parameters, beyond diff_<module>'s pools.
EDGE_PARAM_VALUES = [IntSubclass(0), IntSubclass(1), IntSubclass(2**40), IntSubclass(-1), Index(0), Index(1),
                     Index(-1), Index(2**31), Index(2**70), BadIndex(), IndexNotInt(), IndexIntSubclass(),
                     FloatSubclass(1.0), 10**30, -(10**30), 2**32 - 1, 2**31 - 1, -2**31]


def edge_data_values(data):
    """Wrong or unusual objects in the place of a bytes-like argument."""
    return [IntSubclass(3), Index(3), WithBytes(), PyBuffer(data), LyingLen(data), StrSubclass("ab"),
            FloatSubclass(2.0), BadIndex(), memoryview(data).toreadonly(), bytearray(data)]


# -- value encoding ---------------------------------------------------------------

class Unencodable(Exception):
    pass


def qualified(cls):
    return f"{cls.__module__}:{cls.__qualname__}"


def resolve(name):
    module, _, qual = name.partition(":")
    if module == "__main__":
        raise Unencodable(f"{name}: defined in a script, not importable")
    obj = importlib.import_module(module)
    for part in qual.split("."):
        obj = getattr(obj, part)
    return obj


BASE_TYPES = (bytes, bytearray, str, int, float)


class Encoder:
    def __init__(self):
        self.memo = {}
        self.keep = []  # keeps encoded objects alive, so ids stay unique

    def _memo(self, v, out):
        self.memo[id(v)] = len(self.memo)
        self.keep.append(v)
        out["id"] = self.memo[id(v)]
        return out

    def enc(self, v):
        t = type(v)
        if v is None or t is bool:
            return v
        if t is int:
            return {"int": str(v)}
        if t is float:
            return {"float": repr(v)}
        if t is str:
            return {"str": v}
        if t is bytes:
            return {"bytes": v.hex()}
        if id(v) in self.memo:
            return {"same": self.memo[id(v)]}
        if t is bytearray:
            return self._memo(v, {"bytearray": v.hex()})
        if t is memoryview:
            return self._memo(v, self._memoryview(v))
        if t.__name__ == "array" and t.__module__ == "array":
            return self._memo(v, {"array": v.typecode, "hex": v.tobytes().hex()})
        if t in (list, tuple):
            out = {t.__name__: []}
            if t is list:
                self._memo(v, out)
            out[t.__name__] = [self.enc(x) for x in v]
            return out
        if t is dict:
            out = self._memo(v, {"dict": []})
            out["dict"] = [[self.enc(k), self.enc(x)] for k, x in v.items()]
            return out
        if t is object:
            return self._memo(v, {"object": None})
        if isinstance(v, type):
            return {"type": qualified(v)}
        if t.__module__ in ("builtins", "__main__"):
            raise Unencodable(f"cannot encode a {t.__qualname__}")
        out = self._memo(v, {"instance": qualified(t)})
        for base in BASE_TYPES:
            if isinstance(v, base):
                out["of"] = self.enc(base(v) if base is not bytearray else bytearray(v))
                break
        state = getattr(v, "__dict__", None)
        if state:
            out["state"] = {k: self.enc(x) for k, x in state.items()}
        return out

    def _memoryview(self, m):
        if m.ndim == 0:
            raise Unencodable("0-dimensional memoryview")
        try:
            raw = m.tobytes()
        except ValueError as e:  # released
            raise Unencodable(str(e))
        out = {"memoryview": raw.hex(), "format": m.format, "shape": list(m.shape), "readonly": m.readonly}
        if not m.c_contiguous:
            if m.ndim != 1 or m.strides[0] % m.itemsize:
                raise Unencodable("non-contiguous memoryview of more than one dimension")
            out["step"] = m.strides[0] // m.itemsize
        return out


class Decoder:
    def __init__(self, results=()):
        self.memo = {}
        self.results = results

    def dec(self, j):
        if j is None or isinstance(j, bool):
            return j
        if not isinstance(j, dict):
            raise ValueError(f"bad encoded value {j!r}")
        if "same" in j:
            return self.memo[j["same"]]
        if "result" in j:
            return self.results[j["result"]]
        if "int" in j:
            return int(j["int"])
        if "float" in j:
            return float(j["float"])
        if "str" in j:
            return j["str"]
        if "bytes" in j:
            return bytes.fromhex(j["bytes"])
        if "bytearray" in j:
            return self._memo(j, bytearray.fromhex(j["bytearray"]))
        if "memoryview" in j:
            return self._memo(j, self._memoryview(j))
        if "array" in j:
            from array import array
            a = array(j["array"])
            a.frombytes(bytes.fromhex(j["hex"]))
            return self._memo(j, a)
        if "list" in j:
            out = self._memo(j, [])
            out.extend(self.dec(x) for x in j["list"])
            return out
        if "tuple" in j:
            return tuple(self.dec(x) for x in j["tuple"])
        if "dict" in j:
            out = self._memo(j, {})
            for k, x in j["dict"]:
                out[self.dec(k)] = self.dec(x)
            return out
        if "object" in j:
            return self._memo(j, object())
        if "type" in j:
            return resolve(j["type"])
        if "instance" in j:
            cls = resolve(j["instance"])
            obj = cls(self.dec(j["of"])) if "of" in j else cls.__new__(cls)
            self._memo(j, obj)
            for k, x in j.get("state", {}).items():
                obj.__dict__[k] = self.dec(x)
            return obj
        raise ValueError(f"bad encoded value {j!r}")

    def _memo(self, j, obj):
        if "id" in j:
            self.memo[j["id"]] = obj
        return obj

    @staticmethod
    def _memoryview(j):
        raw = bytes.fromhex(j["memoryview"])
        fmt, shape, step = j["format"], list(j["shape"]), j.get("step", 1)
        itemsize = struct.calcsize(fmt)
        if len(raw) % itemsize:
            raise ValueError("memoryview data is not a whole number of items")
        n = len(raw) // itemsize
        # The minimiser changes the data; the shape follows its last axis.
        rest = 1
        for s in shape[:-1]:
            rest *= s
        if rest == 0 or n % rest:
            raise ValueError("memoryview data does not fit the shape")
        shape[-1] = n // rest
        if step == 1:
            base = bytes(raw) if j["readonly"] else bytearray(raw)
            view = memoryview(base)
            if fmt != "B" or len(shape) != 1:
                view = view.cast(fmt, shape)
            return view
        buf = bytearray(n * step * itemsize)
        for i in range(n):
            buf[i * step * itemsize:i * step * itemsize + itemsize] = raw[i * itemsize:(i + 1) * itemsize]
        view = memoryview(buf)
        if fmt != "B":
            view = view.cast(fmt)
        view = view[::step]
        return view.toreadonly() if j["readonly"] else view


def encode_call(fname, args, kwargs):
    """One step of a case."""
    e = Encoder()
    return {"func": fname, "args": [e.enc(a) for a in args], "kwargs": [[e.enc(k), e.enc(v)] for k, v in kwargs.items()]}


def decode_call(step, results=()):
    d = Decoder(results)
    args = tuple(d.dec(a) for a in step["args"])
    kwargs = {d.dec(k): d.dec(v) for k, v in step["kwargs"]}
    return step["func"], args, kwargs


def show_step(step):
    """`fname(arg, key=value)` with reprs of the decoded values."""
    try:
        fname, args, kwargs = decode_call(step, results=[f"<result {i}>" for i in range(100)])
    except Exception as e:
        return f"{step.get('func')}(<undecodable: {e}>)"
    parts = [describe(a) for a in args] + [f"{k!s}={describe(v)}" for k, v in kwargs.items()]
    return f"{fname}({', '.join(parts)})"


def describe(v):
    """A repr that shows what a memoryview or array holds."""
    if isinstance(v, memoryview):
        try:
            inner = differential.short_repr(v.tobytes())
        except ValueError:
            return "<released memoryview>"
        extra = "" if v.format == "B" else f", format={v.format!r}"
        extra += "" if v.ndim == 1 else f", shape={v.shape}"
        extra += "" if v.c_contiguous else f", strides={v.strides}"
        extra += ", readonly" if v.readonly else ""
        return f"memoryview({inner}{extra})"
    return differential.short_repr(v)


# -- running cases ------------------------------------------------------------------

def resolve_func(module, fname, results):
    if fname.startswith("$"):
        index, _, attr = fname[1:].partition(".")
        return getattr(results[int(index)], attr)
    return getattr(module, fname)


def run_steps(module, steps):
    """The outcome of each step on `module`, with freshly decoded arguments."""
    results, outcomes = [], []
    for step in steps:
        fname, args, kwargs = decode_call(step, results)
        o = differential.outcome(resolve_func(module, fname, results), args, kwargs)
        outcomes.append(o)
        results.append(o[2] if o[0] == "ok" else None)
    return outcomes


def signature(fname, oc, orust):
    """What kind of divergence: the function, what differs, the Rust
    outcome's type and whether C returned or raised (one bug found with many
    inputs mostly keeps its signature)."""
    if oc[:2] != orust[:2]:
        what = "type"
    elif oc[0] == "raise":
        what = "message"
    else:
        what = "value"
    c_side = "returns" if oc[0] == "ok" else "raises"
    rust_side = "returns" if orust[0] == "ok" else "raises"
    return f"{fname}: {what} differs (C {c_side}, Rust {rust_side} {orust[1]})"


def diverges(c, rust, steps):
    """(signature, C outcome, Rust outcome) of the first step whose outcomes
    differ, or None if all agree."""
    for i, (oc, orust) in enumerate(zip(run_steps(c, steps), run_steps(rust, steps))):
        if not differential.same_outcome(oc, orust):
            return signature(steps[i]["func"], oc, orust), oc, orust
    return None


# -- minimising -----------------------------------------------------------------------

def _leaves(node, path=()):
    """Paths to the shrinkable sequences in an encoded case: (path, key, unit)."""
    if isinstance(node, dict):
        for key, unit in (("bytes", 2), ("bytearray", 2), ("str", 1)):
            if isinstance(node.get(key), str):
                yield path, key, unit
        if "memoryview" in node:
            yield path, "memoryview", 2 * struct.calcsize(node["format"])
        if "array" in node:
            from array import array
            yield path, "hex", 2 * array(node["array"]).itemsize
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                yield from _leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if path and path[-1] == "kwargs":  # [name, value]: keep the name
                yield from _leaves(v[1], path + (i, 1))
            else:
                yield from _leaves(v, path + (i,))


def _wrappers(node, path=()):
    """Paths to the values that are not plain bytes/str/int (outermost first)."""
    if isinstance(node, dict):
        if any(k in node for k in ("bytearray", "memoryview", "array", "instance")):
            yield path
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                yield from _wrappers(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _wrappers(v, path + (i,))


def _get(node, path):
    for p in path:
        node = node[p]
    return node


class Minimiser:
    """Shrinks an encoded case while `predicate(steps)` holds: drops keyword
    arguments and trailing positional ones, shortens every bytes/str value
    (chunk removal, halves down to single items), and turns wrapper types
    into plain bytes. Stops after `budget` seconds or `max_tests` tries."""

    def __init__(self, predicate, budget=10.0, max_tests=5000, progress=None):
        self.predicate, self.deadline, self.max_tests = predicate, time.monotonic() + budget, max_tests
        self.tests, self.progress = 0, progress

    def _ok(self, steps):
        if self.tests >= self.max_tests or time.monotonic() > self.deadline:
            return False
        self.tests += 1
        if self.progress:
            self.progress()
        try:
            return bool(self.predicate(steps))
        except Exception:
            return False

    def run(self, steps):
        steps = copy.deepcopy(steps)
        for _ in range(3):
            before = json.dumps(steps)
            steps = self._drop_steps(steps)
            steps = self._drop_arguments(steps)
            steps = self._plain_bytes(steps)
            steps = self._shrink_sequences(steps)
            if json.dumps(steps) == before:
                break
        if '"result"' in json.dumps(steps):
            return steps
        try:  # rewrite stale shapes and ids
            return [encode_call(*decode_call(s)) for s in steps]
        except Exception:
            return steps

    def _drop_steps(self, steps):
        i = 0
        while len(steps) > 1 and i < len(steps) - 1:
            if any(f"\"result\": {i}" in json.dumps(s) or s["func"].startswith(f"${i}.") for s in steps[i + 1:]):
                i += 1
                continue
            cand = steps[:i] + steps[i + 1:]
            if self._ok(cand):
                steps = cand
            else:
                i += 1
        return steps

    def _drop_arguments(self, steps):
        for s in range(len(steps)):
            k = 0
            while k < len(steps[s]["kwargs"]):
                cand = copy.deepcopy(steps)
                del cand[s]["kwargs"][k]
                if self._ok(cand):
                    steps = cand
                else:
                    k += 1
            while steps[s]["args"]:
                cand = copy.deepcopy(steps)
                cand[s]["args"].pop()
                if not self._ok(cand):
                    break
                steps = cand
        return steps

    def _plain_bytes(self, steps):
        """bytearray / memoryview / array / subclass instance -> the plain
        bytes (or base value) of the same content."""
        for path in list(_wrappers(steps)):
            try:
                node = _get(steps, path)
            except (KeyError, IndexError, TypeError):  # inside one replaced already
                continue
            if "instance" in node:
                plain = copy.deepcopy(node.get("of"))
            else:
                plain = {"bytes": node.get("bytearray") or node.get("memoryview") or node.get("hex") or ""}
            if plain is None:
                continue
            cand = copy.deepcopy(steps)
            target = _get(cand, path)
            target.clear()
            target.update(plain)
            if self._ok(cand):
                steps = cand
        return steps

    def _shrink_sequences(self, steps):
        for path, key, unit in list(_leaves(steps)):
            def test(seq, path=path, key=key):
                cand = copy.deepcopy(steps)
                _get(cand, path)[key] = seq
                return self._ok(cand)
            seq = _get(steps, path)[key]
            new = shrink_sequence(seq, unit, test)
            if new != seq:
                steps = copy.deepcopy(steps)
                _get(steps, path)[key] = new
        return steps


def shrink_sequence(seq, unit, test):
    """Removes chunks of `seq` (in `unit`-sized items) while `test` holds."""
    chunk = max(1, len(seq) // unit // 2)
    while True:
        changed = False
        i = 0
        while i * unit < len(seq):
            cand = seq[:i * unit] + seq[(i + chunk) * unit:]
            if len(cand) < len(seq) and test(cand):
                seq, changed = cand, True
            else:
                i += chunk
        if chunk > 1:
            chunk //= 2
        elif not changed:
            return seq


# -- the input-driven random source ----------------------------------------------------

class ByteRandom(random.Random):
    """A random.Random whose bits come from `control` (part of the fuzz input)
    and, once that is used up, from a PRNG seeded with `seed` (the whole
    input): every decision of the existing case builders is a function of the
    fuzz input, so the fuzzer's mutations steer them and a crashing input
    replays exactly."""

    def __init__(self, control, seed):
        self._control, self._pos = bytes(control), 0
        self._fallback = random.Random(bytes(seed))
        super().__init__(0)

    def getrandbits(self, k):
        if k <= 0:
            return 0
        n = (k + 7) // 8
        if self._pos + n <= len(self._control):
            chunk = self._control[self._pos:self._pos + n]
            self._pos += n
            return int.from_bytes(chunk, "little") & ((1 << k) - 1)
        self._pos = len(self._control)
        return self._fallback.getrandbits(k)

    def random(self):
        return self.getrandbits(53) * (2.0 ** -53)

    def randbytes(self, n):
        return self.getrandbits(n * 8).to_bytes(n, "little") if n else b""


# -- the differ used while fuzzing -------------------------------------------------------

class FuzzDiffer(differential.Differ):
    """differential.Differ that hands every mismatching call to
    `on_mismatch(steps)` (encoded), can trace each call before making it, and
    can run a call with fresh argument objects for each module
    (call_isolated: for arguments that mutate each other)."""

    def __init__(self, c, rust, on_mismatch, trace=None):
        super().__init__(c, rust, show=0)
        self.on_mismatch, self.trace = on_mismatch, trace

    def _trace(self, fname, args, kwargs):
        if self.trace is not None:
            try:
                step = encode_call(fname, args, kwargs)
            except Unencodable as e:
                step = {"func": fname, "unencodable": str(e)}
            self._trace_steps([step])

    def _trace_steps(self, steps):
        """One line per case (a list of steps), written before it runs."""
        if self.trace is not None:
            self.trace.write(json.dumps(steps) + "\n")
            self.trace.flush()

    def call(self, fname, args=(), kwargs=None):
        kwargs = kwargs or {}
        self._trace(fname, args, kwargs)
        before = self.total_mismatches
        super().call(fname, args, kwargs)
        if self.total_mismatches != before:
            try:
                step = encode_call(fname, args, kwargs)
            except Unencodable as e:
                step = {"func": fname, "unencodable": str(e), "repr": differential.short_repr((args, kwargs), 2000)}
            self.on_mismatch([step])

    def call_steps(self, steps):
        """Runs a case of several encoded steps (see the module docstring:
        `$i.method` calls a method of what step i returned) on both modules,
        each with its own fresh objects: for stateful objects such as
        compressor streams or encoders."""
        self._trace_steps(steps)
        self.calls[steps[-1]["func"]] += 1
        if diverges(self.c, self.rust, steps):
            self.mismatch_count[steps[-1]["func"]] += 1
            self.on_mismatch(steps)

    def call_isolated(self, fname, args=(), kwargs=None):
        kwargs = kwargs or {}
        self._trace(fname, args, kwargs)
        steps = [encode_call(fname, args, kwargs)]
        self.calls[fname] += 1
        if diverges(self.c, self.rust, steps):
            self.mismatch_count[fname] += 1
            self.on_mismatch(steps)


def load_plugin(module):
    return importlib.import_module(f"fuzz_{module}")


def public_functions(c):
    """The C module's public functions (and types, for methods), sorted."""
    return sorted(n for n in dir(c) if not n.startswith("_") and callable(getattr(c, n))
                  and not isinstance(getattr(c, n), type))


def inject(rust, kind):
    """A stand-in for the Rust module whose functions misbehave when a
    bytes-like argument contains the byte 0xDE: `divergence` (raise another
    exception), `crash` (abort) or `hang` (sleep). For checking that the
    harness finds, minimises and saves each kind of failure."""
    import types
    fake = types.ModuleType(rust.__name__)
    fake.__file__ = rust.__file__
    for name in dir(rust):
        if not name.startswith("__"):
            setattr(fake, name, getattr(rust, name))

    def wrap(func):
        def wrapper(*args, **kwargs):
            for a in list(args) + list(kwargs.values()):
                if isinstance(a, (bytes, bytearray, memoryview)):
                    try:
                        hit = 0xDE in bytes(a)
                    except (ValueError, TypeError):
                        hit = False
                    if hit:
                        if kind == "crash":
                            os.abort()
                        if kind == "hang":
                            time.sleep(3600)
                        raise RuntimeError("injected divergence")
            return func(*args, **kwargs)
        return wrapper

    for name in public_functions(rust):
        setattr(fake, name, wrap(getattr(rust, name)))
    return fake
