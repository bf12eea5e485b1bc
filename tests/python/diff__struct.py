"""Differential test of _struct: C module vs oxpy's Rust module.

    python diff__struct.py --rust target/oxpy/3.11/overlay/_struct.cpython-311-x86_64-linux-gnu.so [--time S] [--seed N]

Every function (pack, unpack, pack_into, unpack_from, iter_unpack, calcsize,
_clearcache) and every Struct method and attribute (format, size, pack,
unpack, pack_into, unpack_from, iter_unpack, __init__ re-initialisation,
__sizeof__, repr on 3.13+, subclasses, uninitialised objects), called on the
same arguments in both modules:

- every format character with every byte-order prefix, native sizes and
  alignment, repeat counts (0, large, overflowing), whitespace, bytes / str /
  str-subclass formats, bad characters, 'n'/'N'/'P' outside native mode,
  formats that lie about their hash/equality (the format cache is a dict);
- integers at and beyond every bound, __index__ objects (also failing ones
  and ones returning int subclasses: the DeprecationWarning is compared),
  __int__-only objects, floats and bools where integers go; floats incl.
  inf, nan (sign), -0.0 and overflow for 'e' / 'f', half-float rounding
  ties, every bit pattern of 'e' unpacked; '?' with objects whose __bool__
  raises; 'c' / 's' / 'p' with bytes, bytearray, str, wrong lengths;
- wrong argument counts and types; buffers: bytes, bytearray, memoryview
  (non-contiguous, read-only, multi-dimensional, other formats),
  array.array, mmap, and arguments that resize or release the buffer while
  they are converted;
- iter_unpack iterators driven to the end (every __length_hint__, next()
  after the end, resizing the buffer while it is exported);
- random formats and values from the seed.

How results are compared (stricter than differential.Differ.call): floats by
their bits (NaN sign and payload included), the types of the items inside
tuples (True is not 1), Struct objects by type, format and size, warnings
emitted during the call, and for pack_into the bytes of the target buffer
afterwards (each module gets its own fresh copy of every mutable argument).

Known C crash that is NOT tested: Struct.__sizeof__ on a Struct whose
__init__ never ran (Struct.__new__(Struct), or a subclass whose __init__
does not call Struct.__init__) dereferences NULL in C 3.11-3.13.
"""

import _struct as HELPER  # the stock C module: sizes and C-made data, outside the compared calls
import array
import mmap
import re
import sys
import warnings

import differential
from differential import exception_message, short_repr, type_name

PY = sys.version_info[:2]
SSIZE_MAX = sys.maxsize

PREFIXES = ["", "@", "=", "<", ">", "!"]
NATIVE_PREFIXES = ("", "@")
STD_CODES = "xcbB?hHiIlLqQefdsp"
NATIVE_ONLY = "nNP"
ALL_CODES = STD_CODES + NATIVE_ONLY
INT_CODES = "bBhHiIlLqQnNP"
FLOAT_CODES = "efd"
BAD_CODES = ["y", "z", "a", "A", "j", "k", "t", "u", "U", "v", "w", "Z", "#", "$", "%", "&", "*", "(", ")", "[",
             "{", "\\", "|", "/", ":", ";", ",", ".", "'", '"', "-", "+", "^", "_", "`", "~", "\x00", "\x7f",
             "\xe9", "\u20ac", "\U0001f600", "<", ">", "=", "!", "@"]
WHITESPACE = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "  "]


# -- edge objects (module level: the fuzz plug-in encodes them by name) ---------------

class Index:
    """An object with __index__ only (and __bool__)."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __bool__(self):
        return bool(self.value)

    def __repr__(self):
        return f"Index({self.value!r})"


class BadIndex:
    def __index__(self):
        raise ZeroDivisionError("bad __index__")

    def __repr__(self):
        return "BadIndex()"


class IndexFloat:
    """__index__ returns a float: TypeError."""

    def __index__(self):
        return 1.5

    def __repr__(self):
        return "IndexFloat()"


class IntSubclass(int):
    pass


class IndexIntSubclass:
    """__index__ returns an int subclass: a DeprecationWarning."""

    def __index__(self):
        return IntSubclass(7)

    def __repr__(self):
        return "IndexIntSubclass()"


class IntOnly:
    """__int__ but no __index__: not an integer for struct."""

    def __int__(self):
        return 5

    def __repr__(self):
        return "IntOnly()"


class FloatOnly:
    def __float__(self):
        return 2.5

    def __repr__(self):
        return "FloatOnly()"


class BadFloat:
    def __float__(self):
        raise ZeroDivisionError("bad __float__")

    def __repr__(self):
        return "BadFloat()"


class FloatNotFloat:
    def __float__(self):
        return 1

    def __repr__(self):
        return "FloatNotFloat()"


class FloatSubclass(float):
    pass


class BoolRaises:
    def __bool__(self):
        raise ZeroDivisionError("bad __bool__")

    def __repr__(self):
        return "BoolRaises()"


class BoolNotBool:
    def __bool__(self):
        return 1

    def __repr__(self):
        return "BoolNotBool()"


class LenOnly:
    """Truth from __len__."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __repr__(self):
        return f"LenOnly({self.n})"


class BytesSubclass(bytes):
    pass


class ByteArraySubclass(bytearray):
    pass


class StrSubclass(str):
    pass


class LiarFormat(str):
    """Hashes and compares like the format "h": the format cache (a dict
    keyed by the format object) hands out the Struct of "h"."""

    def __hash__(self):
        return hash("h")

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


class BadHashFormat(str):
    def __hash__(self):
        raise ZeroDivisionError("bad __hash__")


class Resizer:
    """Converting it resizes `target` (a bytearray that is also the buffer
    argument): BufferError while C holds the buffer."""

    def __init__(self, target, value):
        self.target, self.value = target, value

    def __index__(self):
        self.target += b"!!"
        return self.value

    def __bool__(self):
        self.target += b"!!"
        return bool(self.value)

    def __float__(self):
        self.target += b"!!"
        return float(self.value)

    def __repr__(self):
        return f"Resizer(<{len(self.target)} bytes>, {self.value!r})"


class Releaser:
    """Converting it releases `target` (a memoryview that is also the buffer
    argument)."""

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


# -- canonical outcomes --------------------------------------------------------------

def float_bits(x):
    return array.array("d", [x]).tobytes()


def is_struct(v):
    return any(type_name(k) == "_struct.Struct" for k in type(v).__mro__)


def canon(v, flags=None):
    """A comparable form of a result: floats by bits, item types kept,
    Struct objects by (type, format, size[, repr on 3.13+])."""
    t = type(v)
    if t is float:
        if flags is not None and v != v:
            flags.add("nan")
        return ("float", float_bits(v))
    if t in (int, bool, bytes, str, type(None)):
        return (t.__name__, v)
    if t in (tuple, list):
        return (t.__name__, tuple(canon(x, flags) for x in v))
    if is_struct(v):
        if flags is not None:
            flags.add("object")
        out = ("Struct", type_name(t), attr_outcome(v, "format"), attr_outcome(v, "size"))
        if PY >= (3, 13):
            out += (attr_outcome(v, "__repr__"),)
        return out
    if flags is not None:
        flags.add("object")
    if type_name(t) == "_struct.unpack_iterator":
        return ("unpack_iterator", attr_outcome(v, "__length_hint__"))
    try:
        text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(v))
    except Exception as e:  # noqa: BLE001
        text = f"<repr failed: {type(e).__name__}>"
    return ("other", type_name(t), text)


def attr_outcome(obj, name):
    try:
        value = getattr(obj, name)
        if name.startswith("__"):
            value = value()
    except Exception as e:  # noqa: BLE001 - compared
        return ("raise", type_name(type(e)), exception_message(e))
    return ("ok", canon(value))


def run(func, args, kwargs):
    """(outcome, raw result or None, warnings): the outcome is ("ok", type,
    canonical result) or ("raise", type, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = func(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - compared
            out, raw = ("raise", type_name(type(e)), exception_message(e)), None
        else:
            out, raw = ("ok", type_name(type(result)), result), result
    return out, raw, tuple((type_name(w.category), str(w.message)) for w in caught)


def comparable(out, flags=None):
    if out[0] == "ok":
        return (out[0], out[1], canon(out[2], flags))
    return out


def show(out, warns=()):
    text = differential.show_outcome(out)
    if warns:
        text += f" (warnings: {short_repr(list(warns))})"
    return text


def buffer_state(obj):
    """The bytes a mutable buffer argument holds now (for pack_into)."""
    try:
        if isinstance(obj, array.array):
            return obj.tobytes()
        if isinstance(obj, mmap.mmap):
            return obj[:]
        return memoryview(obj).tobytes()
    except (ValueError, TypeError) as e:
        return f"<{type(e).__name__}: {e}>"


def describe_args(args, kwargs):
    parts = [short_repr(a, 120) for a in args] + [f"{k!s}={short_repr(v, 120)}" for k, v in kwargs.items()]
    return ", ".join(parts)


# -- comparing one call ------------------------------------------------------------------

def report(differ, label, detail, c_side, rust_side, step=None, reason=None):
    """A mismatch: shown by the differ; under the fuzzer also handed to
    on_mismatch (as an encoded step when it replays as is, else unencodable)."""
    differ.report(label, detail, c_side, rust_side)
    on_mismatch = getattr(differ, "on_mismatch", None)
    if on_mismatch is None:
        return
    if step is None:
        step = {"func": label, "unencodable": reason or "a Struct object, iterator, buffer or NaN case",
                "repr": f"{detail}\n    C:    {c_side}\n    Rust: {rust_side}"}
    on_mismatch([step])


def trace(differ, fname, args, kwargs):
    """Under the fuzzer: write the call to the trace before making it (crash triage)."""
    t = getattr(differ, "_trace", None)
    if t is not None:
        t(fname, args, kwargs)


def trace_steps(differ, calls):
    """Under the fuzzer: write a whole case (calls [(fname, args, kwargs)],
    fname "$i.method" for a method of step i's result) to the trace before
    running it, for crash triage."""
    t = getattr(differ, "_trace_steps", None)
    if t is None or getattr(differ, "trace", None) is None:
        return
    try:
        import fuzz_common
        steps = [fuzz_common.encode_call(f, a, k) for f, a, k in calls]
    except Exception as e:  # noqa: BLE001 - written as unencodable
        steps = [{"func": calls[-1][0], "unencodable": str(e)}]
    t(steps)


def encoded_step(fname, args, kwargs):
    try:
        import fuzz_common
        return fuzz_common.encode_call(fname, args, kwargs)
    except Exception:  # noqa: BLE001 - unencodable: reported with its repr
        return None


def call(differ, fname, args=(), kwargs=None, label=None, on=None, mutable=None):
    """Calls `fname` (a module attribute, or a method name of the objects in
    `on` = (C object, Rust object)) on both sides and compares.

    `args`: a tuple shared by both calls, or a function returning
    (args, kwargs, mutable objects) fresh for each side (for arguments that
    the call changes: pack_into targets, resizing objects). Returns
    (C raw result, Rust raw result, whether they matched)."""
    kwargs = kwargs or {}
    label = label or fname
    sides = []
    for i, module in enumerate((differ.c, differ.rust)):
        if callable(args):
            a, k, watched = args()
        else:
            a, k, watched = args, kwargs, list(mutable or ())
        func = getattr(on[i], fname) if on is not None else getattr(module, fname)
        if i == 0 and on is None:
            trace(differ, fname, a, k)
        out, raw, warns = run(func, a, k)
        flags = set()
        sides.append((comparable(out, flags), raw, warns, tuple(buffer_state(w) for w in watched), flags, a, k))
    differ.calls[label] += 1
    (oc, rc, wc, bc, fc, a0, k0), (orust, rr, wr, br, fr, _, _) = sides
    same = differential.same_outcome(oc, orust) and wc == wr and bc == br
    if not same:
        target = f"{label}" if on is None else f"{label} on {short_repr(on[0], 80)}"
        detail = f"{target}({describe_args(a0, k0)})"
        c_side, rust_side = show(oc, wc), show(orust, wr)
        if bc != br:
            c_side += f"; buffers after: {short_repr(bc)}"
            rust_side += f"; buffers after: {short_repr(br)}"
        step = None
        if on is None and bc == br and not (fc | fr) and not callable(args):
            step = encoded_step(fname, a0, k0)
        report(differ, label, detail, c_side, rust_side, step)
    return rc, rr, same


def call_forms(differ, fname, values):
    """Every valid positional/keyword split of `values` (by the C text signature)."""
    params = differ.params(fname)
    if params is None:
        call(differ, fname, tuple(values.values()))
        return
    for args, kwargs in differential.call_forms(params, values):
        call(differ, fname, args, kwargs)


def compare_value(differ, label, detail, c_value, rust_value):
    differ.calls[label] += 1
    oc, orust = comparable(c_value), comparable(rust_value)
    if not differential.same_outcome(oc, orust):
        report(differ, label, detail, show(oc), show(orust))
        return False
    return True


# -- Struct objects and iterators -------------------------------------------------------

class StructPair:
    """A C Struct and a Rust Struct (or instances of per-module subclasses)
    driven by the same calls."""

    def __init__(self, differ, c_obj, rust_obj, desc, ctor=None):
        self.differ, self.c, self.rust, self.desc = differ, c_obj, rust_obj, desc
        self.ctor = ctor  # (args, kwargs) of Struct(...) for the trace; None for subclasses

    @classmethod
    def make(cls, differ, fmt, sub=None, args=None, kwargs=None):
        """Struct(fmt) (or sub(module)(fmt)) on both; None if it failed (compared)."""
        args = (fmt,) if args is None else args
        kwargs = kwargs or {}
        ctor = [sub(m) if sub else m.Struct for m in (differ.c, differ.rust)]
        outs = [run(k, args, kwargs) for k in ctor]
        desc = f"{'Struct' if sub is None else sub.__name__}({describe_args(args, kwargs)})"
        (oc, c_obj, wc), (orust, r_obj, wr) = outs
        differ.calls["Struct"] += 1
        if not differential.same_outcome(comparable(oc), comparable(orust)) or wc != wr:
            report(differ, "Struct", desc, show(comparable(oc), wc), show(comparable(orust), wr))
            return None
        if oc[0] != "ok":
            return None
        pair = cls(differ, c_obj, r_obj, desc, None if sub else (args, kwargs))
        pair.attrs()
        return pair

    def head(self):
        return [("Struct",) + self.ctor] if self.ctor is not None else None

    def attrs(self):
        names = ["format", "size"] + (["__repr__"] if PY >= (3, 13) else [])
        for name in names:
            oc, orust = attr_outcome(self.c, name), attr_outcome(self.rust, name)
            self.differ.calls[f"Struct.{name}"] += 1
            if oc != orust:
                report(self.differ, f"Struct.{name}", f"{self.desc}.{name}", short_repr(oc), short_repr(orust))

    def sizeof(self):
        oc, orust = attr_outcome(self.c, "__sizeof__"), attr_outcome(self.rust, "__sizeof__")
        self.differ.calls["Struct.__sizeof__"] += 1
        if oc != orust:
            report(self.differ, "Struct.__sizeof__", f"{self.desc}.__sizeof__()", short_repr(oc), short_repr(orust))

    def call(self, method, args=(), kwargs=None):
        head = self.head()
        if head is not None and getattr(self.differ, "trace", None) is not None:
            a, k = (args()[:2] if callable(args) else (args, kwargs or {}))
            trace_steps(self.differ, head + [(f"$0.{method}", a, k)])
        return call(self.differ, method, args, kwargs, label=f"Struct.{method}", on=(self.c, self.rust))

    def iterate(self, buffer_factory, limit=300):
        head = self.head()
        iter_pair(self.differ, "Struct.iter_unpack", lambda m, o: o.iter_unpack, buffer_factory, (self.c, self.rust),
                  self.desc, limit,
                  head=None if head is None else (lambda buf: head + [("$0.iter_unpack", (buf,), {})]))


def iter_pair(differ, label, get_func, buffer_factory, objs, desc, limit=300, resize_at=None, head=None):
    """iter_unpack on both sides (each with its own buffer from
    buffer_factory() -> (buffer, base)); then __length_hint__ and next()
    alternately to the end and one next() past it. With `resize_at`, the
    base bytearray is resized after that many items (BufferError while the
    iterator holds it). `head(buffer)`: the calls that make the iterator,
    for the fuzzer's trace."""
    if head is not None and getattr(differ, "trace", None) is not None:
        calls = head(buffer_factory()[0])
        i = len(calls) - 1
        trace_steps(differ, calls + [(f"${i}.{w}", (), {}) for _ in range(limit + 2)
                                     for w in ("__length_hint__", "__next__")])
    sides = []
    for m, o in zip((differ.c, differ.rust), objs):
        buf, base = buffer_factory()
        out, raw, warns = run(get_func(m, o), (buf,), {})
        sides.append((out, raw, warns, base))
    differ.calls[label] += 1
    (oc, itc, wc, bc), (orust, itr, wr, br) = sides
    detail = f"{desc}.iter_unpack(<{short_repr(buffer_factory()[0], 80)}>)"
    if not differential.same_outcome(comparable(oc), comparable(orust)) or wc != wr:
        report(differ, label, detail, show(comparable(oc), wc), show(comparable(orust), wr))
        return
    if oc[0] != "ok":
        return
    steps = []
    for i in range(limit + 2):
        for what in ("__length_hint__", "__next__"):
            a, b = run(getattr(itc, what), (), {}), run(getattr(itr, what), (), {})
            steps.append(what)
            differ.calls[f"unpack_iterator.{what}"] += 1
            ca, cb = comparable(a[0]), comparable(b[0])
            if not differential.same_outcome(ca, cb) or a[2] != b[2]:
                report(differ, f"unpack_iterator.{what}", f"{detail} after {len(steps) // 2} items",
                       show(ca, a[2]), show(cb, b[2]))
                return
        if resize_at is not None and i == resize_at:
            outs = [run(base.extend, (b"ab",), {}) for base in (bc, br)]
            differ.calls["unpack_iterator.<resize>"] += 1
            if comparable(outs[0][0]) != comparable(outs[1][0]):
                report(differ, "unpack_iterator.<resize>", f"{detail}: resize the buffer after {i} items",
                       show(comparable(outs[0][0])), show(comparable(outs[1][0])))
                return
        if a[0][0] == "raise":  # StopIteration (or an error): one more call past the end
            a, b = run(itc.__next__, (), {}), run(itr.__next__, (), {})
            differ.calls["unpack_iterator.__next__"] += 1
            if comparable(a[0]) != comparable(b[0]):
                report(differ, "unpack_iterator.__next__", f"{detail} past the end", show(a[0]), show(b[0]))
            a, b = run(itc.__length_hint__, (), {}), run(itr.__length_hint__, (), {})
            differ.calls["unpack_iterator.__length_hint__"] += 1
            if comparable(a[0]) != comparable(b[0]):
                report(differ, "unpack_iterator.__length_hint__", f"{detail} past the end", show(a[0]), show(b[0]))
            return


def iter_unpack(differ, fmt, buffer_factory, limit=300, resize_at=None):
    iter_pair(differ, "iter_unpack", lambda m, o: (lambda b: m.iter_unpack(fmt, b)), buffer_factory, (None, None),
              f"<module>({short_repr(fmt, 60)})", limit, resize_at,
              head=lambda buf: [("iter_unpack", (fmt, buf), {})])


# -- inputs --------------------------------------------------------------------------------

def pattern(n):
    """n bytes counting up (mod 256)."""
    return (bytes(range(256)) * (n // 256 + 1))[:n]


def non_contiguous(data, writable=False):
    buf = bytearray(2 * len(data))
    buf[::2] = data
    view = memoryview(buf)[::2]
    return view if writable else view.toreadonly()


def read_buffers(data):
    """The same bytes as every readable input type: [(name, value)]."""
    out = [
        ("bytes", data),
        ("bytearray", bytearray(data)),
        ("memoryview", memoryview(data)),
        ("memoryview-rw", memoryview(bytearray(data))),
        ("noncontiguous", non_contiguous(data)),
        ("array-B", array.array("B", data)),
        ("bytes-subclass", BytesSubclass(data)),
        ("bytearray-subclass", ByteArraySubclass(data)),
        ("2d", memoryview(data).cast("B", (1, len(data))) if data else memoryview(data)),
        ("sliced", memoryview(b"--" + data + b"--")[2:-2]),
    ]
    if len(data) % 2 == 0:
        out.append(("memoryview-H", memoryview(data).cast("H")))
        a = array.array("h")
        a.frombytes(data)
        out.append(("array-h", a))
    if len(data) % 8 == 0:
        a = array.array("d")
        a.frombytes(data)
        out.append(("array-d", a))
    return out


WRONG_BUFFERS = [None, 0, 1.5, "abcd", "", [1, 2, 3, 4], (1,), object(), IntSubclass(4), StrSubclass("abcd")]


def write_targets(size):
    """Factories of writable (and not) buffers of `size` bytes for pack_into:
    [(name, factory() -> (target, [objects whose bytes are compared]))]."""
    def ba():
        b = bytearray(size)
        return b, [b]

    def mv():
        b = bytearray(size)
        return memoryview(b), [b]

    def nc():
        b = bytearray(2 * size)
        return memoryview(b)[::2], [b]

    def ro():
        b = bytearray(size)
        return memoryview(b).toreadonly(), [b]

    def arr():
        a = array.array("B", bytes(size))
        return a, [a]

    def arr_i():
        a = array.array("i")
        a.frombytes(bytes(size - size % 4))
        return a, [a]

    def mm():
        m = mmap.mmap(-1, max(size, 1))
        return m, [m]

    def mv2d():
        b = bytearray(size)
        return (memoryview(b).cast("B", (1, size)) if size else memoryview(b)), [b]

    def mvh():
        b = bytearray(size - size % 2)
        return memoryview(b).cast("H"), [b]

    def sub():
        b = ByteArraySubclass(size)
        return b, [b]

    def by():
        return bytes(size), []

    return [("bytearray", ba), ("memoryview", mv), ("noncontiguous", nc), ("readonly", ro), ("array-B", arr),
            ("array-i", arr_i), ("mmap", mm), ("2d", mv2d), ("memoryview-H", mvh), ("bytearray-subclass", sub),
            ("bytes", by)]


def code_size(c, prefix, code):
    """The size of `code` in this mode (native for 'n'/'N'/'P' in a standard mode, where they are errors)."""
    try:
        return c.calcsize(prefix + code)
    except c.error:
        return c.calcsize(code)


def int_bounds(c, prefix, code):
    """(lo, hi) of an integer code in this mode."""
    size = code_size(c, prefix, code)
    if code in "BHILQNP":
        return 0, (1 << (8 * size)) - 1
    return -(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1


HALF_TIES = [1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -25, 3 * 2 ** -25, 2 ** -24 + 2 ** -25, 65504.0, 65519.99,
             65520.0, 65519.0, 2 ** -14, 2 ** -14 - 2 ** -25, 2 ** -24, 2 ** -26, 6.1e-5, 1e-8, 2048 + 1.0,
             2049.0, 2051.0, 4095.0, -65520.0, -(2 ** -25), -1 - 2 ** -11]
FLOAT_SPECIALS = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, float("inf"), float("-inf"), float("nan"), -float("nan"), 1e300,
                  -1e300, 1e-300, 5e-324, 3.4028234663852886e38, 3.4028235677973366e38, 3.4028235677973367e38,
                  3.4e38, 1.17549435e-38, 1.4e-45, 7e-46, 2.0 ** 128, 2.0 ** 127 * 1.9999999, sys.float_info.max,
                  sys.float_info.min, 1.0 + 2 ** -24, 1.0 + 2 ** -23 + 2 ** -24]


def nan_with_payload(bits):
    return array.array("d", (0x7FF0000000000000 | (bits & 0xFFFFFFFFFFFFF) | 1).to_bytes(8, "little"))[0]


def float_values(rng):
    return FLOAT_SPECIALS + HALF_TIES + [nan_with_payload(rng.getrandbits(52)), -nan_with_payload(12345)]


def int_values(c, prefix, code, rng):
    lo, hi = int_bounds(c, prefix, code)
    return [0, 1, -1, lo, hi, lo - 1, hi + 1, lo + 1, hi - 1, 2 ** 31, -2 ** 31 - 1, 2 ** 63, -2 ** 63 - 1, 2 ** 64,
            2 ** 100, -2 ** 100, rng.randint(lo, hi), True, False, IntSubclass(hi), Index(lo), Index(hi + 1),
            Index(2 ** 70), BadIndex(), IndexFloat(), IndexIntSubclass(), IntOnly(), 1.0, 0.0, float("nan"), "1",
            b"1", None, [], FloatSubclass(1.0)]


def good_value(c, prefix, code, count, rng):
    """A valid value of one item (count: the length for 's'/'p')."""
    if code in INT_CODES:
        lo, hi = int_bounds(c, prefix, code)
        r = rng.random()
        if r < 0.2:
            return rng.choice([lo, hi, 0])
        if r < 0.3:
            return rng.randint(max(lo, -300), min(hi, 300))
        return rng.randint(lo, hi)
    if code in FLOAT_CODES:
        r = rng.random()
        if r < 0.3:
            return rng.choice([0.0, -0.0, 1.0, float("inf"), float("-inf"), float("nan"), -1.5, 2.5])
        if code == "e":
            return rng.choice([rng.uniform(-65504, 65504), rng.uniform(-1, 1) * 2 ** -14, rng.choice(HALF_TIES[:6])])
        if code == "f":
            return rng.choice([rng.uniform(-1e38, 1e38), rng.uniform(-1, 1), float(rng.randint(-2**24, 2**24))])
        return array.array("d", rng.randbytes(8))[0]
    if code == "?":
        return rng.choice([True, False, 0, 1, 2, -1, "", "x", [], [0], None, 0.0])
    if code == "c":
        return bytes([rng.randrange(256)])
    if code in "sp":
        n = min(count, 300) if count is not None else 1
        return rng.randbytes(rng.choice([n, n, max(0, n - 1), n + 1, 0, min(n, 3)]))
    raise ValueError(code)


def edge_value(c, prefix, code, count, rng):
    """Any value for one item: valid, at or beyond the bounds, wrong types."""
    if code in INT_CODES:
        return rng.choice(int_values(c, prefix, code, rng))
    if code in FLOAT_CODES:
        return rng.choice(float_values(rng) + [1, -1, 10 ** 400, True, Index(3), IntOnly(), FloatOnly(), BadFloat(),
                                               FloatNotFloat(), FloatSubclass(1.5), "1.0", None, b"\x00"])
    if code == "?":
        return rng.choice([True, False, 0, 1, 2, [], [0], "", "a", None, 0.0, float("nan"), BoolRaises(),
                           BoolNotBool(), LenOnly(0), LenOnly(3), Index(0), object()])
    if code == "c":
        return rng.choice([b"a", b"\x00", b"\xff", b"", b"ab", bytearray(b"a"), "a", 97, BytesSubclass(b"z"),
                           memoryview(b"a"), None])
    if code in "sp":
        n = min(count, 300) if count is not None else 1
        return rng.choice([b"", b"abc", b"x" * n, b"y" * (n + 1), b"z" * 300, bytearray(b"ab"),
                           ByteArraySubclass(b"abcd"), BytesSubclass(b"q" * n), "abc", memoryview(b"ab"), 1, None,
                           array.array("B", b"ab")])
    raise ValueError(code)


# -- random formats ------------------------------------------------------------------------

class Format:
    """A format as items [(whitespace, count text, code)] after a prefix."""

    def __init__(self, prefix, items, tail=""):
        self.prefix, self.items, self.tail = prefix, items, tail

    def text(self):
        return self.prefix + "".join(ws + cnt + code for ws, cnt, code in self.items) + self.tail

    def values(self, c, rng, good=True):
        out = []
        for _, cnt, code in self.items:
            if code == "x" or code not in ALL_CODES:
                continue
            count = int(cnt) if cnt.isdigit() else None
            if code in "sp":
                out.append((good_value if good else edge_value)(c, self.prefix, code, count, rng))
                continue
            n = 1 if count is None else count
            for _ in range(min(n, 200)):
                if good or rng.random() < 0.7:
                    out.append(good_value(c, self.prefix, code, None, rng))
                else:
                    out.append(edge_value(c, self.prefix, code, None, rng))
        return out


def random_count(rng, code):
    r = rng.random()
    if r < 0.5:
        return ""
    if r < 0.85:
        return str(rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 16]))
    if r < 0.97:
        return str(rng.randrange(1, 60 if code in "sp" else 12))
    return rng.choice(["00", "01", "0010", str(2 ** 31), str(2 ** 63 - 1), str(2 ** 64), "9" * 25])


def random_format(rng, allow_bad=True):
    prefix = rng.choice(PREFIXES + [""] * 3)
    native = prefix in NATIVE_PREFIXES
    items = []
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 6, 10])):
        r = rng.random()
        if allow_bad and r < 0.02:
            code = rng.choice(BAD_CODES)
        elif r < 0.06 and allow_bad:
            code = rng.choice(NATIVE_ONLY)
        else:
            code = rng.choice(ALL_CODES if native else STD_CODES)
        ws = rng.choice(WHITESPACE) if rng.random() < 0.1 else ""
        items.append((ws, random_count(rng, code), code))
    tail = ""
    if allow_bad and rng.random() < 0.03:
        tail = rng.choice([" ", "3", "\n", "i<", "\x00"])
    return Format(prefix, items, tail)


def format_object(text, rng):
    """The format as str, bytes or a str subclass."""
    r = rng.random()
    if r < 0.2:
        try:
            return text.encode("ascii")
        except UnicodeEncodeError:
            return text
    if r < 0.25:
        return StrSubclass(text)
    return text


def has_zero_p(fmt):
    """Whether the format has a 'p' of count 0. C writes its length byte
    anyway (0xff on 3.11/3.12, 0x00 on 3.13) one past the field: outside
    the buffer when the field ends it (pack_into into an empty array.array
    crashes). pack_into is only tested with such formats where that byte is
    inside the buffer (pack_into_zero_p_fixed)."""
    text = fmt.decode("latin-1") if isinstance(fmt, (bytes, bytearray)) else str(fmt)
    return any(m.group(1) and int(m.group(1)) == 0 for m in re.finditer(r"(\d*)\s*p", text))


def safe_size(c, fmt, limit=1 << 16):
    """calcsize by C, or None if it raises or is above `limit` (pack would
    allocate it all)."""
    try:
        n = c.calcsize(fmt)
    except Exception:  # noqa: BLE001
        return None
    return n if n <= limit else None


# -- cases -------------------------------------------------------------------------------

def pack_case(differ, fmt, values, rng, struct_pair=None):
    """pack, pack_into (fresh targets, offsets) and the Struct methods on `values`."""
    c = HELPER  # helper computations; calls go through call()
    size = safe_size(c, fmt)
    if size is None and safe_size(c, fmt, SSIZE_MAX) is not None:
        return  # valid but too large to pack
    call(differ, "pack", (fmt,) + tuple(values))
    if struct_pair is not None:
        struct_pair.call("pack", tuple(values))
    if has_zero_p(fmt):
        return
    n = size if size is not None else 8
    extra = rng.choice([0, 0, 1, 3, 8])
    offset = rng.choice([0, 0, extra, -n - extra, -n, 1, -1, -(n + extra + 1), n + 1])
    _, factory = rng.choice(write_targets(n + extra)) if rng.random() < 0.3 else write_targets(n + extra)[0]

    def fresh(factory=factory):
        target, watched = factory()
        return (fmt, target, offset) + tuple(values), {}, watched
    call(differ, "pack_into", fresh)
    if struct_pair is not None:
        def fresh_m(factory=factory):
            target, watched = factory()
            return (target, offset) + tuple(values), {}, watched
        struct_pair.call("pack_into", fresh_m)


def unpack_case(differ, fmt, data, rng, struct_pair=None):
    _, buf = rng.choice(read_buffers(data)) if rng.random() < 0.4 else ("bytes", data)
    if rng.random() < 0.03:
        buf = rng.choice(WRONG_BUFFERS)
    call(differ, "unpack", (fmt, buf))
    offset = rng.choice([0, 0, 1, 2, -1, -len(data), len(data), -len(data) - 1, 3, 8, IntSubclass(1), Index(2)])
    call(differ, "unpack_from", (fmt, buf, offset))
    if rng.random() < 0.3:
        call(differ, "unpack_from", (fmt,), {"buffer": buf, "offset": offset})
        call(differ, "unpack_from", (fmt, buf))
    if struct_pair is not None:
        struct_pair.call("unpack", (buf,))
        struct_pair.call("unpack_from", (buf, offset))
        if rng.random() < 0.3:
            struct_pair.call("unpack_from", (buf,), {"offset": offset})
            struct_pair.call("unpack_from", (), {"buffer": buf})


def random_struct_case(differ, rng):
    c = HELPER  # helper computations; calls go through call()
    f = random_format(rng)
    text = f.text()
    fmt = format_object(text, rng)
    call(differ, "calcsize", (fmt,))
    pair = StructPair.make(differ, fmt) if rng.random() < 0.5 else None
    if pair is not None and rng.random() < 0.2:
        pair.sizeof()
    size = safe_size(c, fmt)
    good = rng.random() < 0.7
    values = f.values(c, rng, good=good)
    r = rng.random()
    if r < 0.1 and values:
        values = values[:-1]
    elif r < 0.15:
        values = values + [rng.choice([0, b"x", 1.0])]
    pack_case(differ, fmt, values, rng, pair)
    if size is None:
        unpack_case(differ, fmt, rng.randbytes(rng.randrange(16)), rng, pair)
        return
    # the unpack side: C-packed data of good values, or random bytes
    data = None
    if rng.random() < 0.6:
        try:
            data = c.pack(fmt, *f.values(c, rng, good=True))
        except Exception:  # noqa: BLE001 - a count like "3s" with values that do not fit
            data = None
    if data is None:
        data = rng.randbytes(size)
    r = rng.random()
    if r < 0.1:
        data = data[:rng.randrange(len(data) + 1)]
    elif r < 0.2:
        data = data + rng.randbytes(rng.randrange(1, 9))
    unpack_case(differ, fmt, data, rng, pair)
    if size and size <= 4096:
        reps = rng.choice([0, 1, 2, 5, 20])
        blob = data[:size] * reps if len(data) >= size else data
        if rng.random() < 0.1:
            blob += b"\x00"
        name, _ = rng.choice(read_buffers(blob))
        factory = lambda blob=blob, name=name: (dict(read_buffers(blob))[name], None)  # noqa: E731
        iter_unpack(differ, fmt, factory, limit=40)
        if pair is not None:
            pair.iterate(factory, limit=40)


def pack_into_zero_p_fixed(differ):
    """'0p' in pack_into where C's stray length byte stays inside the buffer."""
    for fmt, values in (("0p", (b"zz",)), ("<b0p", (1, b"")), ("<b0p", (1, b"abc")), ("b0pb", (1, b"zz", 2)),
                        ("0pbb", (b"zz", 1, 2)), ("<h0p0pb", (1, b"", b"x", 3)), ("0p0p", (b"", b""))):
        size = HELPER.calcsize(fmt)
        for offset in range(0, 3):
            for extra in (1, 2, 5):
                if offset + size >= size + extra:
                    continue

                def fresh(fmt=fmt, values=values, offset=offset, n=size + extra):
                    b = bytearray(b"\x07" * n)
                    return (fmt, b, offset) + values, {}, [b]
                call(differ, "pack_into", fresh)

                def fresh_m(values=values, offset=offset, n=size + extra):
                    b = bytearray(b"\x07" * n)
                    return (b, offset) + values, {}, [b]
                StructPair.make(differ, fmt).call("pack_into", fresh_m)
        call(differ, "pack", (fmt,) + values)


def random_single_code_case(differ, rng):
    """One code with a prefix and an edge value: every bound and type check."""
    c = HELPER  # helper computations; calls go through call()
    prefix = rng.choice(PREFIXES)
    code = rng.choice(ALL_CODES if prefix in NATIVE_PREFIXES else STD_CODES + ("nNP" if rng.random() < 0.1 else ""))
    if code == "x":
        call(differ, "pack", (prefix + "x",))
        return
    cnt = rng.choice(["", "", "2", "5"]) if code in "sp" else ""
    fmt = prefix + cnt + code
    value = edge_value(c, prefix, code, int(cnt) if cnt else None, rng)
    call(differ, "pack", (fmt, value))
    if code in FLOAT_CODES + INT_CODES and rng.random() < 0.3:
        fmt2 = prefix + "2" + code
        call(differ, "pack", (fmt2, value, edge_value(c, prefix, code, None, rng)))


# -- fixed cases ------------------------------------------------------------------------------

def surface_fixed(differ):
    c, rust = differ.c, differ.rust
    pairs = [("Struct", c.Struct, rust.Struct)]
    it_c = c.iter_unpack("b", b"ab")
    it_r = rust.iter_unpack("b", b"ab")
    pairs.append(("unpack_iterator", type(it_c), type(it_r)))
    for name, ta, tb in pairs:
        for attr in ("__name__", "__qualname__", "__module__", "__doc__", "__text_signature__", "__basicsize__",
                     "__itemsize__", "__weakrefoffset__", "__dictoffset__", "__flags__"):
            differ.compare(f"{name}.{attr}", getattr(ta, attr, "<missing>"), getattr(tb, attr, "<missing>"))
        differ.compare(f"dir({name})", dir(ta), dir(tb))
        differ.compare(f"{name}.__mro__", [type_name(k) for k in ta.__mro__], [type_name(k) for k in tb.__mro__])
        for m in sorted(set(dir(ta)) & set(dir(tb))):
            if m in ("__doc__", "__class__"):
                continue
            x, y = getattr(ta, m), getattr(tb, m)
            differ.compare(f"{name}.{m} kind", type_name(type(x)), type_name(type(y)))
            for attr in ("__doc__", "__text_signature__", "__name__", "__qualname__"):
                differ.compare(f"{name}.{m}.{attr}", getattr(x, attr, "<missing>"), getattr(y, attr, "<missing>"))
    # instantiating the iterator type; weak references; pickling; attributes
    outs = [run(t, (), {}) for t in (type(it_c), type(it_r))]
    compare_value(differ, "<new>", "unpack_iterator()", outs[0][0], outs[1][0])
    outs = [run(t.__new__, (t,), {}) for t in (type(it_c), type(it_r))]
    compare_value(differ, "<new>", "unpack_iterator.__new__(unpack_iterator)", outs[0][0], outs[1][0])
    import copy
    import pickle
    import weakref
    for fn_name, fn in (("pickle.dumps", pickle.dumps), ("copy.copy", copy.copy), ("copy.deepcopy", copy.deepcopy),
                        ("weakref.ref", lambda o: weakref.ref(o) is not None), ("hash", lambda o: type(hash(o))),
                        ("==", lambda o: o == o), ("bool", bool), ("iter", lambda o: type(iter(o)).__name__)):
        outs = [run(fn, (m.Struct("i"),), {}) for m in (c, rust)]
        compare_value(differ, f"<{fn_name}(Struct)>", f"{fn_name}(Struct('i'))", outs[0][0], outs[1][0])
        outs = [run(fn, (m.iter_unpack("b", b"ab"),), {}) for m in (c, rust)]
        compare_value(differ, f"<{fn_name}(unpack_iterator)>", f"{fn_name}(iter_unpack(...))", outs[0][0], outs[1][0])
    for attr, value in (("format", "h"), ("size", 3), ("foo", 1), ("__dict__", {})):
        outs = [run(setattr, (m.Struct("i"), attr, value), {}) for m in (c, rust)]
        compare_value(differ, "<setattr Struct>", f"Struct('i').{attr} = {value!r}", outs[0][0], outs[1][0])
        outs = [run(delattr, (m.Struct("i"), attr), {}) for m in (c, rust)]
        compare_value(differ, "<delattr Struct>", f"del Struct('i').{attr}", outs[0][0], outs[1][0])
    # struct.error
    for attr in ("__name__", "__qualname__", "__module__", "__doc__"):
        differ.compare(f"error.{attr}", getattr(c.error, attr), getattr(rust.error, attr))
    outs = [run(lambda m=m: str(m.error("x", 1)), (), {}) for m in (c, rust)]
    compare_value(differ, "<error>", "str(error('x', 1))", outs[0][0], outs[1][0])
    outs = [run(lambda m=m: type("E", (m.error,), {})().args, (), {}) for m in (c, rust)]
    compare_value(differ, "<error>", "class E(error)", outs[0][0], outs[1][0])
    outs = [run(lambda m=m: m.Struct.__subclasses__(), (), {}) for m in (c, rust)]
    differ.compare("Struct.__subclasses__ count", len(outs[0][1]), len(outs[1][1]))


def codes_fixed(differ, rng):
    """Every code x prefix x a pool of values; sizes, alignment."""
    c = HELPER  # helper computations; calls go through call()
    for prefix in PREFIXES:
        for code in ALL_CODES + "".join(BAD_CODES):
            for cnt in ("", "0", "1", "2", "3", "5"):
                fmt = prefix + cnt + code
                call(differ, "calcsize", (fmt,))
                call(differ, "calcsize", ("c" + fmt,))
                call(differ, "calcsize", (fmt + "c" + fmt,))
                call(differ, "calcsize", (fmt + "b",))
        for code in ALL_CODES:
            fmt = prefix + code
            if code == "x":
                call(differ, "pack", (fmt,))
                call(differ, "pack", (fmt, 1))
                continue
            if code in INT_CODES and (prefix in NATIVE_PREFIXES or code not in NATIVE_ONLY):
                pool = int_values(c, prefix, code, rng)
            elif code in INT_CODES:
                pool = [0, 1]
            elif code in FLOAT_CODES:
                pool = float_values(rng) + [1, -1, 10 ** 400, True, Index(3), IntOnly(), FloatOnly(), BadFloat(),
                                            FloatNotFloat(), FloatSubclass(1.5), "1.0", None, 2 ** 1024, 2 ** 53 + 1,
                                            -2 ** 1023 * 3]
            elif code == "?":
                pool = [True, False, 0, 1, 2, -1, [], [0], "", "a", None, 0.0, -0.0, float("nan"), BoolRaises(),
                        BoolNotBool(), LenOnly(0), LenOnly(2), Index(0), object(), b"", b"\x00"]
            else:
                pool = [b"a", b"\x00", b"\xff", b"", b"ab", b"abc" * 100, bytearray(b"a"), "a", "", 97, None,
                        BytesSubclass(b"z"), ByteArraySubclass(b"yz"), memoryview(b"a"), array.array("B", b"a")]
            for value in pool:
                call(differ, "pack", (fmt, value))
                for cnt in ("0", "1", "2", "3", "255", "256", "257") if code in "sp" else ("2",):
                    call(differ, "pack", (prefix + cnt + code, value) + ((value,) if code not in "sp" else ()))
                if code not in "sp":
                    call(differ, "pack", (prefix + "0" + code, value))
                    call(differ, "pack", (prefix + "0" + code,))
            # unpack of patterns: zeros, ones, 0x80.., random
            size = c.calcsize(fmt) if (prefix in NATIVE_PREFIXES or code not in NATIVE_ONLY) else 1
            for data in (bytes(size), b"\xff" * size, b"\x80" + bytes(size - 1), bytes(size - 1) + b"\x80",
                         b"\x7f" + b"\xff" * (size - 1), rng.randbytes(size), b"\x01" * size, b"\x02" * size):
                call(differ, "unpack", (fmt, data))
                call(differ, "unpack", ("2" + fmt if prefix == "" else prefix + "2" + code, data * 2))
            for cnt in ("0", "1", "3", "255", "256"):
                for data in (bytes(int(cnt)), b"\xff" + b"a" * (int(cnt) - 1) if cnt != "0" else b"",
                             b"\x05" + b"abcdefgh"[:int(cnt) - 1] if cnt != "0" else b"",
                             rng.randbytes(int(cnt))):
                    call(differ, "unpack", (prefix + cnt + code, data))
    # every half-float bit pattern, both byte orders
    everything = b"".join(i.to_bytes(2, "little") for i in range(65536))
    call(differ, "unpack", ("<65536e", everything))
    call(differ, "unpack", (">65536e", everything))
    # floats with payloads, signalling NaNs
    for bits in (0x7F800001, 0x7FC00001, 0xFF800001, 0x7FBFFFFF, 0x7FFFFFFF, 0x00000001, 0x80000000, 0x7F7FFFFF):
        call(differ, "unpack", ("<f", bits.to_bytes(4, "little")))
        call(differ, "unpack", (">f", bits.to_bytes(4, "big")))
        call(differ, "unpack", ("f", bits.to_bytes(4, "little")))
    for bits in (0x7FF0000000000001, 0x7FF8000000000001, 0xFFF0000000000001, 0x7FF7FFFFFFFFFFFF):
        nan = array.array("d", bits.to_bytes(8, "little"))[0]
        for fmt in ("<e", ">e", "e", "<f", ">f", "f", "<d", "d", "!d"):
            call(differ, "pack", (fmt, nan))
    for _ in range(300):
        x = array.array("d", rng.randbytes(8))[0]
        for fmt in ("<e", ">f", "f", "e"):
            call(differ, "pack", (fmt, x))
        call(differ, "pack", ("<e", rng.uniform(-70000, 70000)))
        call(differ, "pack", ("<e", rng.uniform(-1, 1) * 2 ** -13))
        call(differ, "pack", ("<f", rng.uniform(-3.5e38, 3.5e38)))
    # native alignment: every pair of codes, with a leading char
    for a in ALL_CODES:
        for b in ALL_CODES:
            for prefix in ("", "@", "="):
                if prefix == "=" and (a in NATIVE_ONLY or b in NATIVE_ONLY):
                    continue
                fmt = prefix + a + b
                call(differ, "calcsize", (fmt,))
                call(differ, "calcsize", (prefix + a + "3" + b,))
                call(differ, "calcsize", (prefix + a + "0" + b,))
                size = c.calcsize(fmt)
                call(differ, "unpack", (fmt, pattern(size)))
                vals = [good_value(c, prefix, code, 1, rng) for code in (a, b) if code != "x"]
                call(differ, "pack", (fmt,) + tuple(vals))


def formats_fixed(differ, rng):
    c = HELPER  # helper computations; calls go through call()
    texts = ["", " ", "  ", "\t\n", "<", ">", "!", "=", "@", "i", " i", "i ", " i ", "3 i", " 3i", "3i ", "i3", "3",
             "<3", "i<h", "<>i", "<<i", "ii\x00", "\x00", "i\x00i", "0x", "0s", "0p", "0i", "00i", "010i", "2x3s",
             "4294967296s", "18446744073709551616x", "9223372036854775807s", "9223372036854775806xx",
             "<9223372036854775807x", "@9223372036854775807xi", "@qb9223372036854775800xi", "99999999999999999999",
             "9" * 40 + "x", "2147483647s2147483647s", "4611686018427387904x", "4611686018427387904xx",
             "1152921504606846976q", "@1152921504606846975q", "<1152921504606846976q", "i i i", "i\ti\ni\ri\x0bi\x0ci",
             "\u20ac", "i\xe9", "\U0001f600", "n", "<n", ">N", "=P", "!P", "@P", "5P", "<5P", "?" * 10, "x" * 100,
             "c" * 50 + "q", "hq", "@hq", "=hq", "bi", "bP", "bd", "be", "bN", "?l", "@ci", "@ic", "@ihq", "@lxi",
             "2h2i2q", "<2h2i2q", "3c3p3s", "255p", "256p", "1000s", "i i" * 100]
    for text in texts:
        for fmt in (text, StrSubclass(text)) + ((text.encode("latin-1"),) if text.isascii() else ()):
            call(differ, "calcsize", (fmt,))
            pair = StructPair.make(differ, fmt)
            size = safe_size(c, fmt)
            if size is not None:
                data = bytes(range(256)) * (size // 256 + 1)
                call(differ, "unpack", (fmt, data[:size]))
                call(differ, "unpack", (fmt, data[:size + 1]))
                call(differ, "unpack_from", (fmt, data[:size + 3], 3))
                if pair is not None:
                    pair.call("unpack", (data[:size],))
                    pair.sizeof()
            elif pair is not None:
                pair.call("unpack", (b"abc",))
                pair.call("pack_into", (bytearray(10), 0))
                pair.sizeof()
            call(differ, "pack", (fmt,))
            call(differ, "unpack", (fmt, b""))
            call(differ, "unpack_from", (fmt, b"abcdefgh", 2))
            call(differ, "pack_into", lambda fmt=fmt: ((fmt, bytearray(16), 0), {}, []))
    # formats that are neither str nor bytes, and hashing them for the cache
    for fmt in (None, 5, 1.5, bytearray(b"i"), memoryview(b"i"), ["i"], ("i",), BadHashFormat("i"), object(),
                IntSubclass(1), BytesSubclass(b"i"), b"\xe9", "\udc80", b"i\x00"):
        call(differ, "calcsize", (fmt,))
        call(differ, "pack", (fmt, 1))
        call(differ, "unpack", (fmt, b"abcd"))
        call(differ, "unpack_from", (fmt, b"abcd"))
        call(differ, "iter_unpack", (fmt, b"abcd"))
        call(differ, "pack_into", (fmt, bytearray(4), 0, 1))
        StructPair.make(differ, fmt)
    # the cache is a dict keyed by the format object: a lying format gets "h"'s Struct
    call(differ, "_clearcache")
    call(differ, "pack", ("h", 1))
    call(differ, "pack", (LiarFormat("i"), 1))
    call(differ, "calcsize", (LiarFormat("i"),))
    call(differ, "_clearcache")
    call(differ, "calcsize", (LiarFormat("i"),))
    call(differ, "unpack", (LiarFormat("q"), b"abcd"))
    call(differ, "_clearcache")
    # the cache holds at most 100 formats (then it is cleared): a liar sees the difference
    for i in range(250):
        call(differ, "calcsize", (f"{i}x",))
        if i % 7 == 0:
            call(differ, "calcsize", (LiarFormat("i"),))
    call(differ, "_clearcache")
    call(differ, "_clearcache", (1,))
    call(differ, "_clearcache", (), {"x": 1})


def arguments_fixed(differ, rng):
    """Argument counts, types and keywords of every function and method."""
    c = differ.c
    b4 = b"abcd"
    for args, kwargs in [((), {}), (("i",), {}), (("i", 1, 2), {}), (("ii", 1), {}), (("i",), {"x": 1}),
                         ((), {"format": "i"}), (("3s",), {}), (("3s", b"a", b"b"), {}), (("0s", b"a"), {}),
                         (("x", 1), {}), (("i0i", 1), {}), (("i0i", 1, 2), {}), (("2i", 1), {}), (("2i", 1, 2, 3), {}),
                         (("",), {}), (("", 1), {}), ((b"i", 1), {}), ((5, 1), {}), ((None,), {})]:
        call(differ, "pack", args, kwargs)
    for args, kwargs in [((), {}), (("i",), {}), (("i", b4, 0), {}), (("i",), {"buffer": b4}), ((), {"format": "i"}),
                         (("i", b4), {"x": 1}), ((b"i", b4), {}), (("i", "abcd"), {}), (("i", None), {})]:
        call(differ, "unpack", args, kwargs)
        call(differ, "iter_unpack", args, kwargs)
    for args, kwargs in [((), {}), (("i",), {}), (("i", b4, 0, 1), {}), (("i",), {"buffer": b4}),
                         (("i",), {"buffer": b4, "offset": 0}), (("i", b4), {"offset": 0}), (("i", b4, 0), {"x": 1}),
                         ((), {"format": "i", "buffer": b4}), (("i", b4), {"buffer": b4}),
                         (("i", b4, 0), {"offset": 0}), (("i",), {"offset": 0}), (("i", b4), {1: 2})]:
        call(differ, "unpack_from", args, kwargs)
    call_forms(differ, "unpack_from", {"format": "h", "buffer": b"abcdefgh", "offset": 2})
    for extra in [(), (0,), (0, 1, 2), ("0", 1), (None, 1), (1.0, 1), (2 ** 63, 1), (-2 ** 63 - 1, 1),
                  (IntSubclass(0), 1), (Index(1), 1), (BadIndex(), 1), (IndexFloat(), 1), (IndexIntSubclass(), 1),
                  (True, 1), (0, 1)]:
        call(differ, "pack_into", lambda extra=extra: (("i", bytearray(12)) + extra, {}, []))
    call(differ, "pack_into", ())
    call(differ, "pack_into", ("i",))
    call(differ, "pack_into", lambda: (("i", bytearray(4), 0, 1), {"x": 1}, []))
    call(differ, "pack_into", lambda: ((), {"format": "i"}, []))
    for fname in ("calcsize", "_clearcache"):
        call(differ, fname, ())
        call(differ, fname, ("i", "i"))
        call(differ, fname, (), {"format": "i"})
    # Struct(...) constructor forms
    for args, kwargs in [((), {}), (("i",), {}), ((), {"format": "i"}), (("i", "h"), {}), (("i",), {"format": "i"}),
                         ((), {"fmt": "i"}), (("i",), {"x": 1}), ((b"i",), {}), ((StrSubclass("i"),), {}),
                         ((5,), {}), ((None,), {}), ((bytearray(b"i"),), {}), (("y",), {}), (("\x00",), {})]:
        StructPair.make(differ, None, args=args, kwargs=kwargs)
    # Struct methods: counts, keywords
    pair = StructPair.make(differ, "hi")
    for args, kwargs in [((), {}), ((1,), {}), ((1, 2), {}), ((1, 2, 3), {}), ((1,), {"x": 2}), ((1, "2"), {}),
                         ((1.0, 2), {})]:
        pair.call("pack", args, kwargs)
    for method in ("unpack", "iter_unpack"):
        for args, kwargs in [((), {}), ((b"abcdefgh",), {}), ((b"abcdefgh", 1), {}), ((), {"buffer": b"abcdefgh"}),
                             ((b"abcdefgh",), {"x": 1}), (("abcdefgh",), {}), ((None,), {}), ((b"abcdefg",), {})]:
            pair.call(method, args, kwargs)
    for args, kwargs in [((), {}), ((b"abcdefghij",), {}), ((b"abcdefghij", 2), {}), ((b"abcdefghij", 2, 3), {}),
                         ((), {"buffer": b"abcdefghij"}), ((b"abcdefghij",), {"offset": 1}),
                         ((), {"buffer": b"abcdefghij", "offset": -8}), ((b"abcdefghij",), {"buffer": b""}),
                         ((b"abcdefghij",), {"offset": 1, "x": 2}), ((b"abcdefghij", 3), {}),
                         ((b"abcdefghij", -9), {}), ((b"abcdefghij", -11), {}), ((b"abcdefghij", 2 ** 63), {}),
                         ((b"abcdefghij", "1"), {}), ((b"abcdefghij", Index(1)), {}), ((b"abcdefghij", BadIndex()), {}),
                         ((b"abcdefghij", None), {})]:
        pair.call("unpack_from", args, kwargs)
    for extra in [(), (0,), (0, 1), (0, 1, 2), (0, 1, 2, 3), (2, 1, 2), (-8, 1, 2), (-9, 1, 2), (-12, 1, 2),
                  (5, 1, 2), ("0", 1, 2), (None, 1, 2), (BadIndex(), 1, 2), (2 ** 64, 1, 2)]:
        pair.call("pack_into", lambda extra=extra: ((bytearray(12),) + extra, {}, []))
    pair.call("pack_into", ())
    pair.call("pack_into", lambda: ((bytearray(12), 0, 1, 2), {"x": 1}, []))
    pair.call("pack_into", lambda: ((b"x" * 12, 0, 1, 2), {}, []))
    # a method called on an object that is not a Struct
    outs = [run(m.Struct.pack, (object(), 1), {}) for m in (c, differ.rust)]
    compare_value(differ, "<unbound>", "Struct.pack(object(), 1)", outs[0][0], outs[1][0])
    outs = [run(m.Struct.unpack, ("not a struct", b""), {}) for m in (c, differ.rust)]
    compare_value(differ, "<unbound>", "Struct.unpack('not a struct', b'')", outs[0][0], outs[1][0])
    outs = [run(lambda m=m: m.Struct.size.__get__(None, m.Struct), (), {}) for m in (c, differ.rust)]
    compare_value(differ, "<unbound>", "Struct.size.__get__(None, Struct)", outs[0][0], outs[1][0])


def buffers_fixed(differ, rng):
    c = HELPER  # helper computations; calls go through call()
    for fmt in ("i", "<h", ">q", "4s", "3c", "d", "?", "0i", "", "e", "2xh"):
        size = c.calcsize(fmt)
        for data in (pattern(size), pattern(size + 5)):
            for name, buf in read_buffers(data):
                call(differ, "unpack", (fmt, buf), label="unpack")
                for offset in (0, 1, 5, -1, -size, -size - 1, -len(data), -len(data) - 1, len(data)):
                    call(differ, "unpack_from", (fmt, buf, offset))
        for buf in WRONG_BUFFERS:
            call(differ, "unpack", (fmt, buf))
            call(differ, "unpack_from", (fmt, buf))
            call(differ, "iter_unpack", (fmt, buf))
        # a released view
        for m_name in ("unpack", "unpack_from", "iter_unpack"):
            def released(m_name=m_name, fmt=fmt):
                v = memoryview(b"abcdefghabcdefgh")
                v.release()
                return (fmt, v), {}, []
            call(differ, m_name, released)
        values = [good_value(c, "", code, 4, rng) for code in fmt.lstrip("<>0123456789") if code not in "x"]
        if fmt == "4s":
            values = [b"abcd"]
        if fmt == "3c":
            values = [b"a", b"b", b"c"]
        for extra in (0, 3):
            for name, factory in write_targets(size + extra):
                for offset in (0, extra, -size, -size - extra, -size - extra - 1, extra + 1, size + extra, -1):
                    def fresh(factory=factory, offset=offset, fmt=fmt, values=values):
                        target, watched = factory()
                        return (fmt, target, offset) + tuple(values), {}, watched
                    call(differ, "pack_into", fresh, label="pack_into")
        for target in WRONG_BUFFERS:
            call(differ, "pack_into", (fmt, target, 0) + tuple(values))
    # converting a value resizes / releases the target (C holds the buffer by then)
    for fmt, value in (("i", 5), ("?", 1), ("d", 2), ("<q", 7), ("P", 1)):
        def resize():
            b = bytearray(16)
            return (fmt, b, 0, Resizer(b, value)), {}, [b]
        call(differ, "pack_into", resize)

        def resize_offset():
            b = bytearray(16)
            return (fmt, b, Resizer(b, 1), value), {}, [b]
        call(differ, "pack_into", resize_offset)

        def release():
            b = bytearray(16)
            v = memoryview(b)
            return (fmt, v, 0, Releaser(v, value)), {}, [b]
        call(differ, "pack_into", release)

        def release_offset():
            b = bytearray(16)
            v = memoryview(b)
            return (fmt, v, Releaser(v, 2), value), {}, [b]
        call(differ, "pack_into", release_offset)

        def unpack_release():
            v = memoryview(bytearray(16))
            return (fmt, v, Releaser(v, 1)), {}, []
        call(differ, "unpack_from", unpack_release)

        def unpack_resize():
            b = bytearray(16)
            return (fmt, b, Resizer(b, 1)), {}, [b]
        call(differ, "unpack_from", unpack_resize)
    # iter_unpack: every buffer type, lengths, resize while iterating
    for fmt in ("b", "<h", "i", "2s", "?", "e", "3x", "xh", "0b", "", "<d", "@ci"):
        size = c.calcsize(fmt)
        for reps in (0, 1, 2, 7, 100):
            data = bytes(range(256)) * ((size * reps) // 256 + 1)
            data = data[:size * reps]
            for name, _ in read_buffers(data):
                iter_unpack(differ, fmt, lambda data=data, name=name: (dict(read_buffers(data))[name], None))
            iter_unpack(differ, fmt, lambda data=data: (data + b"\x00", None))
            iter_unpack(differ, fmt, lambda data=data: (data[:-1], None))
        for at in (0, 1, 3):
            def factory(fmt=fmt, size=size):
                b = bytearray(size * 5)
                return b, b
            iter_unpack(differ, fmt, factory, resize_at=at)
    for buf in WRONG_BUFFERS:
        iter_unpack(differ, "b", lambda buf=buf: (buf, None))
    # big buffers
    big = rng.randbytes(1 << 20)
    call(differ, "unpack", ("<262144i", big))
    call(differ, "unpack", ("1048576s", big))
    call(differ, "unpack", ("1048576p", big))
    call(differ, "unpack", ("1048576c", big))
    call(differ, "unpack_from", ("<131072d", big, 8))
    iter_unpack(differ, "<1024q", lambda: (big, None), limit=200)
    for fmt in ("4611686018427387904x", "9223372036854775807x", "9223372036854775000x", "4611686018427387904s",
                "@2305843009213693951q"):
        call(differ, "pack", (fmt,))
        call(differ, "pack", (fmt, b""))


def struct_objects_fixed(differ, rng):
    """Struct methods, __init__ again, __sizeof__, subclasses, uninitialised objects."""
    c = differ.c
    for fmt in ("i", "hh", "3s", "<qQ", "", "0s", "5p", "@cid", "x", "10i", "e", b"ii", StrSubclass("<h"), "i" * 50):
        pair = StructPair.make(differ, fmt)
        if pair is None:  # the construction differed (reported)
            continue
        pair.sizeof()
        size = HELPER.calcsize(fmt)
        pair.call("unpack", (pattern(size),))
        pair.call("unpack_from", (pattern(size + 2), 2))
        pair.call("pack", tuple(good_value(HELPER, "", code, 3, rng) for code in "".join(ch for ch in str(
            fmt if not isinstance(fmt, bytes) else fmt.decode()) if ch.isalpha() or ch == "?") if code != "x"))
        pair.iterate(lambda size=size: (pattern(size * 3), None))
        # re-initialisation: __init__ with another format (also a bad one) and methods after it
        for new in ("h", "y", b"q", None, "2s", "", "\x00", 5):
            for args, kwargs in (((new,), {}), ((), {"format": new}), ((new, 1), {}), ((), {})):
                pair.call("__init__", args, kwargs)
                pair.attrs()
                pair.sizeof()
                pair.call("pack", (1,))
                pair.call("unpack", (b"abcdefgh",))
                pair.call("unpack_from", (b"abcdefgh",))
        # re-initialising while an iterator holds the old codes
        its = [run(o.iter_unpack, (b"abcdefgh",), {})[1] for o in (pair.c, pair.rust)]
        pair.call("__init__", ("q",))
        outs = [run(lambda it=it: list(it), (), {}) for it in its]
        compare_value(differ, "unpack_iterator.__next__", f"{pair.desc}: iterate after __init__('q')", outs[0][0],
                      outs[1][0])

    # subclasses (made per module)
    def plain(m):
        return type("S", (m.Struct,), {})

    def prefixing(m):
        def __init__(self, fmt, *rest):
            super(cls, self).__init__("<" + fmt)
        cls = type("Prefixing", (m.Struct,), {"__init__": __init__})
        return cls

    def with_new(m):
        def __new__(cls, fmt):
            return m.Struct.__new__(cls, fmt + "h")
        return type("WithNew", (m.Struct,), {"__new__": __new__})

    def with_slots(m):
        return type("Slotted", (m.Struct,), {"__slots__": ("extra",)})

    def overriding(m):
        def pack(self, *a):
            return b"[" + m.Struct.pack(self, *a) + b"]"
        return type("Overriding", (m.Struct,), {"pack": pack, "size": property(lambda self: 42)})

    def no_init(m):
        return type("NoInit", (m.Struct,), {"__init__": lambda self, *a, **k: None})

    for sub in (plain, prefixing, with_new, with_slots, overriding, no_init):
        for fmt in ("i", "hh", "y", b"q", 5):
            pair = StructPair.make(differ, fmt, sub=sub)
            if pair is None:
                continue
            if sub is not no_init:
                pair.sizeof()
            pair.call("pack", (1,))
            pair.call("pack", (1, 2))
            pair.call("unpack", (b"abcd",))
            pair.call("unpack_from", (b"abcdefgh", 4))
            pair.call("pack_into", lambda: ((bytearray(8), 0, 1), {}, []))
            pair.iterate(lambda: (b"abcdabcd", None), limit=10)
            for attr in ("__dict__", "__weakref__", "__slots__"):
                outs = [run(hasattr, (o, attr), {}) for o in (pair.c, pair.rust)]
                compare_value(differ, "<subclass attr>", f"{pair.desc} has {attr}", outs[0][0], outs[1][0])
            outs = [run(setattr, (o, "extra", 1), {}) for o in (pair.c, pair.rust)]
            compare_value(differ, "<subclass attr>", f"{pair.desc}.extra = 1", outs[0][0], outs[1][0])
            pair.call("__init__", ("b",))
            pair.attrs()
            if sub is not no_init:
                pair.sizeof()
    # Struct.__new__ without __init__: size -1, format '' (C); no __sizeof__ (C crashes there)
    outs = [run(m.Struct.__new__, (m.Struct,), {}) for m in (c, differ.rust)]
    compare_value(differ, "Struct.__new__", "Struct.__new__(Struct)", outs[0][0], outs[1][0])
    if outs[0][0][0] == "ok" and outs[1][0][0] == "ok":
        pair = StructPair(differ, outs[0][1], outs[1][1], "Struct.__new__(Struct)")
        pair.attrs()
        pair.call("pack", ())
        pair.call("pack", (1,))
        pair.call("unpack", (b"",))
        pair.call("unpack", (b"abc",))
        pair.call("unpack_from", (b"",))
        pair.call("pack_into", lambda: ((bytearray(4), 0), {}, []))
        pair.iterate(lambda: (b"", None), limit=3)
        pair.iterate(lambda: (b"a", None), limit=3)
        pair.call("__init__", ("i",))
        pair.attrs()
        pair.sizeof()
        pair.call("pack", (1,))
    for args, kwargs in (((), {}), (("i",), {}), (("i", 1), {}), ((), {"format": "i"}), ((int,), {}), ((1,), {})):
        outs = [run(m.Struct.__new__, ((m.Struct,) + args if args[:1] != (int,) else args), kwargs)
                for m in (c, differ.rust)]
        compare_value(differ, "Struct.__new__", f"Struct.__new__(Struct, {describe_args(args, kwargs)})", outs[0][0],
                      outs[1][0])


def fixed_cases(differ, rng):
    surface_fixed(differ)
    arguments_fixed(differ, rng)
    formats_fixed(differ, rng)
    codes_fixed(differ, rng)
    buffers_fixed(differ, rng)
    struct_objects_fixed(differ, rng)
    pack_into_zero_p_fixed(differ)
    for _ in range(300):
        random_single_code_case(differ, rng)
    for _ in range(200):
        random_struct_case(differ, rng)


def random_case(differ, rng):
    r = rng.random()
    if r < 0.6:
        random_struct_case(differ, rng)
    else:
        random_single_code_case(differ, rng)


if __name__ == "__main__":
    sys.exit(differential.main("_struct", fixed_cases, random_case))
