"""Differential test of _json: C module vs oxpy's Rust module.

    python diff__json.py --rust target/oxpy/3.11/overlay/_json.cpython-311-x86_64-linux-gnu.so [--time S] [--seed N]

Two layers are compared:

- _json itself: scanstring, encode_basestring, encode_basestring_ascii,
  make_scanner (the Scanner type: made from a context object, then called
  as scanner(string, idx)) and make_encoder (the Encoder type: made from
  nine arguments, then called as encoder(obj, _current_indent_level)),
  called on both modules with the same arguments;
- the stdlib json package bound to each implementation: json/__init__.py,
  decoder.py, scanner.py and encoder.py are executed twice, once with
  sys.modules["_json"] set to the C module and once to the Rust module
  (sys.modules restored afterwards), giving two `json` packages whose
  loads / dumps / JSONDecoder / JSONEncoder run on the implementation they
  were bound to (json.decoder, json.scanner and json.encoder take their
  accelerators with `from _json import ...`).

Decoding: scanstring with strict on and off (and every object as strict:
3.11 takes an int, 3.12+ any truth value), every escape, surrogate pairs
and lone surrogates (escaped and literal), control characters, bad
escapes, unterminated strings, every `end` from -1 to past the end; the
scanner through json.loads / JSONDecoder.raw_decode and directly, with
object_hook, object_pairs_hook, parse_float, parse_int, parse_constant
(tagging, raising, returning odd values; float and int themselves, which
C recognises by identity), strict=False, duplicate keys, contexts that
lack or fail an attribute (and the order C reads them in), numbers of
every shape (leading zeros, bare signs and exponents, huge ints and the
4300-digit limit, correctly rounded floats, subnormals, overflow), NaN /
Infinity, nesting near the recursion limit (found on the C side, then
threshold-2 .. threshold+2 run on both, with and without hooks, at a fixed
sys.setrecursionlimit), malformed documents of every class and random
truncations and corruptions of valid ones. A JSONDecodeError is compared
by message, msg, doc, pos, lineno, colno and by which class it is (C
raises the JSONDecodeError of sys.modules["json.decoder"], looked up at
raise time: also checked with that module swapped or missing).

Encoding: json.dumps with default arguments, sort_keys, ensure_ascii on and
off, indent None / int / str (3.13 runs indent in C; 3.11-3.12 only the
escapers), separators, skipkeys, allow_nan, check_circular, default= hooks
that raise, return themselves or odd things; circular references; int,
float and str subclasses with their own __repr__ / __str__ / __float__,
IntEnum / float and str enums, bools, None; dict keys of every type; lone
surrogates and non-BMP characters; dict subclasses whose items() lies and
list subclasses whose iteration lies; make_encoder called directly with
wrong arguments (exact TypeError per version) and the encoder object
called directly (its result type: a list on 3.11, a tuple on 3.12+), the
markers dict after success and failure; and default hooks that mutate the
container being encoded.

Results are compared exactly: types at every level (True is not 1),
floats by their bits, dict key order, and which strings of a result are
the same object (C's memo makes equal keys of one document one object).
Exceptions by type, message, args, __notes__, and the type and message of
__cause__ / __context__; warnings too. Random cases: documents and object
trees from the seed (nested dicts and lists, strings with escapes and
non-ASCII, numbers of every shape), dumped and loaded with random options,
and corrupted.
"""

import array
import collections
import decimal
import enum
import gc
import fractions
import importlib
import io
import pickle
import copy
import random
import re
import sys
import types
import warnings
import weakref

import differential
from differential import exception_message, short_repr, type_name

PY = sys.version_info[:2]
JSON_MODULES = ("json", "json.decoder", "json.scanner", "json.encoder")


# -- edge objects (module level: the fuzz plug-in encodes them by name) ---------------

class StrSub(str):
    pass


class IntSub(int):
    pass


class FloatSub(float):
    pass


class ReprInt(int):
    """C encodes ints with int.__repr__: these overrides are never called."""

    def __repr__(self):
        return "IREPR"

    def __str__(self):
        return "ISTR"

    def __index__(self):
        return 7


class ReprFloat(float):
    def __repr__(self):
        return "FREPR"

    def __str__(self):
        return "FSTR"

    def __float__(self):
        return 9.0


class ReprStr(str):
    def __repr__(self):
        return "SREPR"

    def __str__(self):
        return "SSTR"

    def __len__(self):
        return 1000


class Color(enum.IntEnum):
    RED = 1
    BIG = 2 ** 70


class Ratio(float, enum.Enum):
    HALF = 0.5
    NAN = float("nan")


class Word(str, enum.Enum):
    A = "a\u00e9\"\n"


class Flag(enum.IntFlag):
    X = 1
    Y = 2


class Index:
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return f"Index({self.value!r})"


class BoolRaise:
    def __bool__(self):
        raise ZeroDivisionError("bad __bool__")

    def __index__(self):
        raise OverflowError("bad __index__")

    def __repr__(self):
        return "BoolRaise()"


class Opaque:
    """Not serializable (default= decides)."""

    def __init__(self, tag=0):
        self.tag = tag

    def __repr__(self):
        return f"Opaque({self.tag!r})"


class DictSub(dict):
    pass


class ListSub(list):
    pass


class LenDict(dict):
    """A dict subclass whose __len__ lies (C reads the dict's own size)."""

    def __init__(self, data, n):
        super().__init__(data)
        self.n = n

    def __len__(self):
        return self.n

    def __repr__(self):
        return f"LenDict({dict(dict.items(self))!r}, {self.n!r})"


class TupleSub(tuple):
    pass


class ItemsDict(dict):
    """A dict subclass whose items() returns `kind` of thing (C calls
    items() on dict subclasses: PyMapping_Items)."""

    def __init__(self, data, kind):
        super().__init__(data)
        self.kind = kind

    def items(self):
        k = self.kind
        if k == "raise":
            raise ZeroDivisionError("items failed")
        if k == "triples":
            return [(a, b, 0) for a, b in dict.items(self)]
        if k == "notuples":
            return [[a, b] for a, b in dict.items(self)]
        if k == "generator":
            return ((a, b) for a, b in dict.items(self))
        if k == "tuple":
            return tuple(dict.items(self))
        if k == "none":
            return None
        if k == "extra":
            return list(dict.items(self)) + [("extra", 1)]
        if k == "reversed":
            return list(reversed(list(dict.items(self))))
        return list(dict.items(self))

    def keys(self):
        raise ZeroDivisionError("keys called")

    def __iter__(self):
        raise ZeroDivisionError("__iter__ called")

    def __repr__(self):
        return f"ItemsDict({dict(dict.items(self))!r}, {self.kind!r})"


class LyingList(list):
    """A list subclass whose Python-level iteration lies (C reads the list itself)."""

    def __iter__(self):
        return iter(["LIE"])

    def __len__(self):
        return 99

    def __getitem__(self, i):
        return "LIE"


class LyingTuple(tuple):
    def __iter__(self):
        return iter(["LIE"])

    def __len__(self):
        return 99


class BadMarkers(dict):
    """A markers dict whose methods raise (C uses the dict API directly)."""

    def __contains__(self, k):
        raise ZeroDivisionError("__contains__")

    def __setitem__(self, k, v):
        raise ZeroDivisionError("__setitem__")

    def __delitem__(self, k):
        raise ZeroDivisionError("__delitem__")


class Tag:
    """A hook: returns (name, its argument)."""

    def __init__(self, name):
        self.name = name

    def __call__(self, x):
        return (self.name, x)

    def __repr__(self):
        return f"Tag({self.name!r})"


class Const:
    """A hook that returns `value` whatever it is given."""

    def __init__(self, value):
        self.value = value

    def __call__(self, *args):
        return self.value

    def __repr__(self):
        return f"Const({self.value!r})"


class Raise:
    """A hook that raises ValueError on its `at`-th call (0 = first); else
    returns (name, argument)."""

    def __init__(self, name, at=0):
        self.name, self.at, self.n = name, at, 0

    def __call__(self, x):
        self.n += 1
        if self.n - 1 == self.at:
            raise ValueError(f"{self.name} hook failed on {x!r}"[:200])
        return (self.name, x)

    def __repr__(self):
        return f"Raise({self.name!r}, {self.at!r})"


class Constants:
    """parse_constant as JSONDecoder's default (_CONSTANTS.__getitem__)."""

    def __call__(self, name):
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]

    def __repr__(self):
        return "Constants()"


class Default:
    """A default= hook: `kind` says what it returns for an object it is given."""

    def __init__(self, kind):
        self.kind = kind

    def __call__(self, o):
        k = self.kind
        if k == "repr":
            return f"<{type(o).__name__}>"
        if k == "list":
            return [type(o).__name__, getattr(o, "tag", None)]
        if k == "dict":
            return {"type": type(o).__name__}
        if k == "self":
            return o
        if k == "none":
            return None
        if k == "float":
            return float("nan")
        if k == "opaque":
            return Opaque(getattr(o, "tag", 0) + 1) if getattr(o, "tag", 0) < 5 else "deep"
        if k == "bytes":
            return o.decode("latin-1") if isinstance(o, bytes) else "x"
        if k == "tuple-self":
            return (o,)
        if k == "type-error":
            raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
        raise ValueError(f"default refused {type(o).__name__}")

    def __repr__(self):
        return f"Default({self.kind!r})"


class Ctx:
    """A make_scanner context with JSONDecoder's attributes."""

    def __init__(self, strict=True, object_hook=None, object_pairs_hook=None, parse_float=float, parse_int=int,
                 parse_constant=None):
        self.strict, self.object_hook, self.object_pairs_hook = strict, object_hook, object_pairs_hook
        self.parse_float, self.parse_int = parse_float, parse_int
        self.parse_constant = Constants() if parse_constant is None else parse_constant

    def __repr__(self):
        return f"Ctx({self.__dict__!r})"


class PartialCtx:
    """A context with only the given attributes."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)

    def __repr__(self):
        return f"PartialCtx({self.__dict__!r})"


class RaisingCtx(Ctx):
    """Reading attribute `name` raises `exc`; every read is logged."""

    def __init__(self, name, exc=ZeroDivisionError):
        super().__init__()
        self.__dict__["_fail"] = (name, exc)
        self.__dict__["_log"] = []

    def __getattribute__(self, attr):
        if not attr.startswith("_"):
            log = self.__dict__["_log"]
            if len(log) < 20:  # bounded: leaks_check reuses one context
                log.append(attr)
            name, exc = self.__dict__["_fail"]
            if attr == name:
                raise exc(f"no {attr}")
        return object.__getattribute__(self, attr)

    def __repr__(self):
        return f"RaisingCtx({self.__dict__['_fail'][0]!r})"


# -- canonical outcomes ----------------------------------------------------------------

def float_bits(x):
    return array.array("d", [x]).tobytes()


ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def canon(v, ids=None, depth=0):
    """A comparable form of `v`: exact types, floats by bits, key order, the
    memory of lists and dicts (a list's spare room, a dict's table: how they
    were built), and (with `ids`, a dict) which str objects are the same
    object."""
    if depth > 400:
        return ("too deep",)
    t = type(v)
    if t is str:
        if ids is None:
            return ("str", v)
        return ("str", v, ids.setdefault(id(v), len(ids)))
    if t is float:
        return ("float", float_bits(v))
    if t in (int, bool, bytes, type(None)):
        return (t.__name__, v)
    if t is tuple:
        return ("tuple", tuple(canon(x, ids, depth + 1) for x in v))
    if t is list:
        return ("list", tuple(canon(x, ids, depth + 1) for x in v), sys.getsizeof(v))
    if t is dict:
        return ("dict", tuple((canon(k, ids, depth + 1), canon(x, ids, depth + 1)) for k, x in v.items()),
                sys.getsizeof(v))
    if isinstance(v, BaseException):
        return ("exception", type_name(t), exception_message(v), canon(v.args, None, depth + 1))
    if isinstance(v, dict):
        return (type_name(t), tuple((canon(k, ids, depth + 1), canon(x, ids, depth + 1)) for k, x in v.items()))
    if isinstance(v, list):
        return (type_name(t), tuple(canon(x, ids, depth + 1) for x in list.__iter__(v)))
    if isinstance(v, tuple):
        return (type_name(t), tuple(canon(x, ids, depth + 1) for x in tuple.__iter__(v)))
    if isinstance(v, (str, int, float)) and not isinstance(v, enum.Enum):
        base = str if isinstance(v, str) else int if isinstance(v, int) else float
        return (type_name(t), canon(base(v) if base is not float else float.__float__(v), None, depth + 1))
    if isinstance(v, decimal.Decimal):
        return ("Decimal", str(v))
    try:
        text = ADDRESS.sub("", repr(v))
    except Exception as e:  # noqa: BLE001
        text = f"<repr failed: {type(e).__name__}>"
    return ("other", type_name(t), text)


def exc_details(e, side=None):
    """What is compared of an exception besides type and message."""
    out = [("args", canon(e.args))]
    if hasattr(e, "pos") and hasattr(e, "lineno") and hasattr(e, "colno") and hasattr(e, "doc"):
        out.append(("decode", canon(getattr(e, "msg", None)), canon(e.doc), e.pos, e.lineno, e.colno))
        if side is not None:
            stock = getattr(sys.modules.get("json.decoder"), "JSONDecodeError", None)
            own = side.json.decoder.JSONDecodeError
            out.append(("class", "sys.modules json.decoder" if type(e) is stock else
                        "the bound package's" if type(e) is own else "other"))
    notes = getattr(e, "__notes__", None)
    if notes is not None:
        out.append(("notes", canon(notes)))
    for attr in ("__cause__", "__context__"):
        x = getattr(e, attr)
        if x is not None:
            out.append((attr, type_name(type(x)), exception_message(x)))
    if e.__suppress_context__:
        out.append(("suppress_context",))
    return tuple(out)


def run(fn, arg, side=None):
    """(comparable outcome, text to show) of fn(arg), warnings included."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(arg)
        except Exception as e:  # noqa: BLE001 - compared
            key = ("raise", type_name(type(e)), exception_message(e), exc_details(e, side))
            shown = f"raises {type_name(type(e))}: {short_repr(exception_message(e))}"
            extra = [d for d in key[3] if d[0] != "args"]
            if extra:
                shown += f" {short_repr(extra, 400)}"
        else:
            key = ("ok", type_name(type(result)), canon(result, {}))
            shown = f"returns {type_name(type(result))}: {short_repr(result, 500)}"
        del fn
    warns = tuple((type_name(w.category), str(w.message)) for w in caught)
    if warns:
        shown += f" (warnings: {short_repr(list(warns))})"
    return key + (warns,), shown


# -- reporting and the fuzz harness hooks -----------------------------------------------

def report(differ, label, detail, c_side, rust_side, step=None):
    differ.report(label, detail, c_side, rust_side)
    on_mismatch = getattr(differ, "on_mismatch", None)
    if on_mismatch is not None:
        on_mismatch([step or {"func": label, "unencodable": "a json package, scanner or encoder case",
                              "repr": f"{detail}\n    C:    {c_side}\n    Rust: {rust_side}"}])


def trace(differ, fname, args, kwargs):
    t = getattr(differ, "_trace", None)
    if t is not None and getattr(differ, "trace", None) is not None:
        t(fname, args, kwargs)


def trace_case(differ, label, detail):
    """Under the fuzzer: a line for the case about to run (for crash reports)."""
    t = getattr(differ, "_trace_steps", None)
    if t is not None and getattr(differ, "trace", None) is not None:
        t([{"func": label, "unencodable": "a json package, scanner or encoder case", "repr": detail[:4000]}])


def plain(v):
    if type(v) in (int, bool, str, bytes, type(None)):
        return True
    if type(v) in (list, tuple):
        return all(plain(x) for x in v)
    return False


# -- the two sides ------------------------------------------------------------------------

class Side:
    """One implementation: `m` the _json module, `json` the json package bound to it."""

    def __init__(self, name, m, js):
        self.name, self.m, self.json = name, m, js

    def __repr__(self):
        return f"<{self.name} side>"


def bind_json(impl):
    """The stdlib json package executed afresh with `impl` as its _json:
    json, json.decoder, json.scanner and json.encoder are new module objects
    (with their usual names, not left in sys.modules)."""
    saved = {k: sys.modules.get(k) for k in ("_json",) + JSON_MODULES}
    try:
        for k in JSON_MODULES:
            sys.modules.pop(k, None)
        sys.modules["_json"] = impl
        package = importlib.import_module("json")
        importlib.import_module("json.decoder")
        importlib.import_module("json.scanner")
        importlib.import_module("json.encoder")
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    checks = [(package.decoder.c_scanstring, impl.scanstring), (package.decoder.scanstring, impl.scanstring),
              (package.scanner.c_make_scanner, impl.make_scanner), (package.scanner.make_scanner, impl.make_scanner),
              (package.encoder.c_make_encoder, impl.make_encoder),
              (package.encoder.c_encode_basestring_ascii, impl.encode_basestring_ascii),
              (package.encoder.encode_basestring_ascii, impl.encode_basestring_ascii),
              (package.encoder.c_encode_basestring, impl.encode_basestring),
              (package.encoder.encode_basestring, impl.encode_basestring)]
    for got, want in checks:
        if got is not want:
            raise SystemExit(f"json bound to {impl} took {got!r}, not {want!r}")
    return package


def sides(differ):
    """(C side, Rust side), made once per differ."""
    if not hasattr(differ, "_json_sides"):
        differ._json_sides = (Side("C", differ.c, bind_json(differ.c)), Side("Rust", differ.rust, bind_json(differ.rust)))
    return differ._json_sides


def compare(differ, label, detail, fn, step=None):
    """fn(side) on each side (arguments made inside fn are fresh per side);
    outcomes compared. Returns True if they agree."""
    if callable(detail):
        detail = detail()
    trace_case(differ, label, detail)
    outs = [run(fn, s, s) for s in sides(differ)]
    differ.calls[label] += 1
    if outs[0][0] != outs[1][0]:
        report(differ, label, detail, outs[0][1], outs[1][1], step)
        return False
    return True


def describe_args(args, kwargs):
    return ", ".join([short_repr(a, 120) for a in args] + [f"{k!s}={short_repr(v, 120)}" for k, v in kwargs.items()])


def call(differ, fname, args=(), kwargs=None, label=None):
    """The module function `fname` on both sides with the same arguments.
    A mismatch on plain arguments and results is handed to the fuzzer as a
    step it can save and replay."""
    kwargs = kwargs or {}
    trace(differ, fname, args, kwargs)
    label = label or fname
    outs, raws = [], []
    for s in sides(differ):
        raw = []

        def fn(side, raw=raw):
            r = getattr(side.m, fname)(*args, **kwargs)
            raw.append(r)
            return r
        outs.append(run(fn, s, s))
        raws.append(raw[0] if raw else None)
    differ.calls[label] += 1
    if outs[0][0] != outs[1][0]:
        step = None
        if all(plain(r) for r in raws):
            try:
                import fuzz_common
                step = fuzz_common.encode_call(fname, args, kwargs)
            except Exception:  # noqa: BLE001 - unencodable arguments
                step = None
        report(differ, label, f"{fname}({describe_args(args, kwargs)})", outs[0][1], outs[1][1], step)
        return False
    return True


# -- strings -------------------------------------------------------------------------------

ESCAPES = ['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9", "\\u00E9", "\\u0000",
           "\\u001f", "\\u007f", "\\u0080", "\\u00ff", "\\u0100", "\\u20ac", "\\uFFFF", "\\ufeff", "\\u2028",
           "\\ud834\\udd1e", "\\uD834\\uDD1E", "\\udbff\\udfff", "\\ud800\\udc00", "\\ud834", "\\udd1e",
           "\\udd1e\\ud834", "\\ud834\\ud834\\udd1e", "\\ud834\\u0041", "\\ud834x", "\\ud834\\n", "\\ud834\\",
           "\\ud834\\u", "\\ud834\\ud", "\\ud834\\udd1", "\\ud834\\uXXXX", "\\ud834\\udd1x", "\\ud834\\uDD1E\\udd1e"]
BAD_ESCAPES = ["\\x41", "\\a", "\\0", "\\U0001F600", "\\'", "\\ ", "\\\n", "\\\u00e9", "\\\U0001f600", "\\u12",
               "\\u123", "\\u-123", "\\u+123", "\\u 123", "\\uGGGG", "\\u12g4", "\\u", "\\", "\\u0_41", "\\u\u0661\u0662\u0663\u0664",
               "\\uff\u00e9f", "\\v", "\\N{DASH}", "\\e"]
PLAIN_PIECES = ["a", "abc", " ", "0", "\u00e9", "\u00ff", "\u0100", "\u20ac", "\uffff", "\U0001f600",
                "\U0010ffff", "\ud800", "\udfff", "\ud83d\ude00", "\x7f", "\x80", "\u2028", "\u2029", "'", "/", "{",
                "}", "[", "]", ":", ",", "x" * 50, "\u00e9" * 20, "\u20ac" * 20]
CONTROLS = [chr(i) for i in range(0x20)]
STRING_PIECES = ESCAPES + BAD_ESCAPES + PLAIN_PIECES + CONTROLS + ['"']


def random_string_body(rng, n=None):
    """Text after an opening quote: escapes (good and bad), plain pieces,
    control characters, quotes."""
    n = rng.choice([0, 1, 2, 3, 5, 10, 30]) if n is None else n
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.35:
            out.append(rng.choice(ESCAPES))
        elif r < 0.45:
            out.append(rng.choice(BAD_ESCAPES))
        elif r < 0.85:
            out.append(rng.choice(PLAIN_PIECES))
        elif r < 0.95:
            out.append(rng.choice(CONTROLS))
        else:
            out.append('"')
    return "".join(out)


def random_text(rng, n=None):
    """A Python string for the escapers and the encoder: every width, lone
    surrogates, control characters, quotes and backslashes."""
    n = rng.choice([0, 1, 2, 5, 20, 100]) if n is None else n
    pool = CONTROLS + ['"', "\\", "/", "a", "Z", " ", "~", "\x7f", "\x80", "\xa0", "\xe9", "\xff", "\u0100", "\u0800",
                       "\u2028", "\ufeff", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff", "\U00010000",
                       "\U0001f600", "\U0010ffff", "abc", "\u00e9t\u00e9", "\u4e2d\u6587"]
    return "".join(rng.choice(pool) for _ in range(n))


# -- JSON text -----------------------------------------------------------------------------

WS = ["", "", "", " ", "\n", "\t", "\r\n", "  \n  ", "\r"]


def random_number_text(rng):
    r = rng.random()
    if r < 0.05:
        return rng.choice(["0", "-0", "0.0", "-0.0", "0e0", "-0E-0", "1e400", "-1e400", "1e-400", "4.9e-324",
                           "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
                           "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993",
                           "-9223372036854775808", "9223372036854775807", "18446744073709551616",
                           "0.1", "0.30000000000000004", "123456789012345678", "1234567890123456789",
                           "1" + "0" * 30, "2.2250738585072011e-308", "2.2250738585072014e-308"])
    sign = "-" if rng.random() < 0.3 else ""
    digits = rng.choice([1, 1, 2, 3, 8, 15, 16, 17, 18, 19, 20, 25, 40])
    intpart = "0" if rng.random() < 0.15 else str(rng.randrange(1, 10)) + "".join(
        str(rng.randrange(10)) for _ in range(digits - 1))
    out = sign + intpart
    if rng.random() < 0.4:
        out += "." + "".join(str(rng.randrange(10)) for _ in range(rng.choice([1, 2, 5, 17, 25])))
    if rng.random() < 0.3:
        out += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.choice([0, 1, 5, 22, 23, 99, 307, 308, 309,
                                                                                 324, 400, 1000]))
    return out


def random_doc(rng, depth=0, max_depth=5):
    """Valid JSON text (C's parser accepts it: NaN and friends included)
    with random whitespace, escapes, duplicate keys and numbers of every shape."""
    ws = lambda: rng.choice(WS)  # noqa: E731
    r = rng.random()
    if depth < max_depth and r < 0.25:
        n = rng.choice([0, 1, 2, 3, 5])
        keys = [('"' + random_string_body_valid(rng) + '"') for _ in range(n)]
        if n > 1 and rng.random() < 0.2:
            keys[-1] = keys[0]  # duplicate key
        items = [f"{ws()}{k}{ws()}:{ws()}{random_doc(rng, depth + 1, max_depth)}{ws()}" for k in keys]
        return "{" + (",".join(items) if items else ws()) + "}"
    if depth < max_depth and r < 0.45:
        n = rng.choice([0, 1, 2, 3, 6])
        items = [f"{ws()}{random_doc(rng, depth + 1, max_depth)}{ws()}" for _ in range(n)]
        return "[" + (",".join(items) if items else ws()) + "]"
    if r < 0.65:
        return '"' + random_string_body_valid(rng) + '"'
    if r < 0.9:
        return random_number_text(rng)
    return rng.choice(["true", "false", "null", "NaN", "Infinity", "-Infinity"])


def random_string_body_valid(rng):
    n = rng.choice([0, 1, 2, 4, 10])
    out = []
    for _ in range(n):
        if rng.random() < 0.3:
            out.append(rng.choice(ESCAPES[:27]))
        else:
            out.append(rng.choice(PLAIN_PIECES))
    return "".join(out)


CORRUPT_CHARS = list('{}[]:,"\\ ntfuelaNIy0123456789.eE+-/x\x00\t\n') + ["\u00e9", "\ud800", "\U0001f600", "\ufeff",
                                                                          "\xa0", "\u3000", "'"]


def corrupt(text, rng):
    """A malformed variant of `text`: cut, a character removed, inserted,
    replaced or swapped, a piece repeated."""
    if not text:
        return rng.choice(CORRUPT_CHARS)
    i = rng.randrange(len(text) + 1)
    r = rng.random()
    if r < 0.3:
        return text[:i]
    j = min(len(text), i + 1)
    if r < 0.45:
        return text[:i] + text[j:]
    if r < 0.65:
        return text[:i] + rng.choice(CORRUPT_CHARS) + text[i:]
    if r < 0.8:
        return text[:i] + rng.choice(CORRUPT_CHARS) + text[j:]
    if r < 0.9 and i + 2 <= len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    k = min(len(text), i + rng.randrange(1, 6))
    return text[:k] + text[i:]


# -- Python objects --------------------------------------------------------------------------

KEY_POOL = ["a", "b", "", "key", "\u00e9", "\U0001f600", "\ud800", 'q"uote', "back\\slash", "new\nline", "\x00",
            0, 1, -1, 2 ** 64, 10 ** 30, 1.5, -0.0, 1e300, float("inf"), float("-inf"), float("nan"), True, False, None,
            StrSub("sk"), IntSub(5), FloatSub(2.5), ReprInt(3), ReprFloat(4.5), ReprStr("rs"), Color.RED]
BAD_KEYS = [b"bytes", (1, 2), frozenset(), Opaque(), 1 + 2j, decimal.Decimal("1.5")]


def random_scalar(rng, exotic=True):
    r = rng.random()
    if r < 0.25:
        return random_text(rng, rng.choice([0, 1, 3, 10]))
    if r < 0.45:
        return rng.choice([0, 1, -1, 7, 2 ** 31, -2 ** 63, 2 ** 64, 10 ** 20, -(10 ** 50), rng.randrange(-10 ** 6, 10 ** 6)])
    if r < 0.7:
        if rng.random() < 0.5:
            bits = rng.getrandbits(64)
            return array.array("d", bits.to_bytes(8, "little")).tolist()[0]
        return rng.choice([0.0, -0.0, 0.1, 1.5, -2.5e-8, 1e16, 1e22, 1e23, 5e-324, 1.7976931348623157e308,
                           123456789.125, float("inf"), float("-inf"), float("nan"), rng.uniform(-1e6, 1e6)])
    if r < 0.85:
        return rng.choice([True, False, None])
    if not exotic:
        return "s"
    return rng.choice([StrSub("sub\u00e9"), IntSub(-3), FloatSub(0.25), ReprInt(11), ReprFloat(1.25), ReprStr("r\n"),
                       Color.RED, Color.BIG, Ratio.HALF, Word.A, Flag.X | Flag.Y, Opaque(1), b"raw", 1 + 1j,
                       decimal.Decimal("2.50"), ListSub([1, "l"]), TupleSub((2, "t")), DictSub({"d": 1}),
                       LyingList([1, 2]), LyingTuple((3, 4)), ItemsDict({"i": 1, "j": 2}, "list"), frozenset([1]),
                       range(3), {1, 2}])


def random_tree(rng, depth=0, max_depth=4, exotic=True):
    r = rng.random()
    if depth < max_depth and r < 0.2:
        d = {}
        for _ in range(rng.choice([0, 1, 2, 3, 6])):
            r2 = rng.random()
            key = rng.choice(KEY_POOL) if r2 < 0.4 else random_text(rng, rng.choice([1, 3])) if r2 < 0.9 else \
                random_scalar(rng, exotic=False)
            if exotic and rng.random() < 0.03:
                key = rng.choice(BAD_KEYS)
            try:
                d[key] = random_tree(rng, depth + 1, max_depth, exotic)
            except TypeError:  # unhashable
                pass
        return d
    if depth < max_depth and r < 0.4:
        items = [random_tree(rng, depth + 1, max_depth, exotic) for _ in range(rng.choice([0, 1, 2, 4]))]
        return tuple(items) if rng.random() < 0.15 else items
    return random_scalar(rng, exotic)


# -- the fixed cases -------------------------------------------------------------------------

def surface_fixed(differ):
    c, rust = differ.c, differ.rust
    for name in ("make_scanner", "make_encoder"):
        ta, tb = getattr(c, name), getattr(rust, name)
        for a in ("__name__", "__qualname__", "__module__", "__doc__", "__text_signature__", "__flags__",
                  "__basicsize__", "__itemsize__", "__weakrefoffset__", "__dictoffset__"):
            differ.compare(f"{name}.{a}", getattr(ta, a, "<missing>"), getattr(tb, a, "<missing>"))
        differ.compare(f"dir({name})", dir(ta), dir(tb))
        differ.compare(f"{name}.__mro__", [type_name(k) for k in ta.__mro__],
                       [type_name(k) for k in getattr(tb, "__mro__", ())])
        for m in sorted(set(dir(ta)) & set(dir(tb))):
            if m in ("__doc__", "__class__"):
                continue
            x, y = getattr(ta, m), getattr(tb, m)
            differ.compare(f"{name}.{m} kind", type_name(type(x)), type_name(type(y)))
            for a in ("__doc__", "__text_signature__", "__name__", "__qualname__", "__objclass__"):
                xa, ya = getattr(x, a, "<missing>"), getattr(y, a, "<missing>")
                if a == "__objclass__":
                    xa, ya = getattr(xa, "__qualname__", xa), getattr(ya, "__qualname__", ya)
                differ.compare(f"{name}.{m}.{a}", xa, ya)
    for fname in ("scanstring", "encode_basestring", "encode_basestring_ascii"):
        for a in ("__self__",):
            differ.compare(f"{fname}.{a} is the module", getattr(getattr(c, fname), a, None) is c,
                           getattr(getattr(rust, fname), a, None) is rust)

    def scanner(side, **kw):
        return side.m.make_scanner(Ctx(**kw))

    def encoder(side, *args):
        defaults = [{}, Default("repr"), side.m.encode_basestring_ascii, None, ": ", ", ", False, False, True]
        return side.m.make_encoder(*(list(args) + defaults[len(args):]))

    objects = [
        ("Scanner members", lambda s: (lambda o: [(a, canon(getattr(o, a))) for a in
                                                  ("strict", "object_hook", "object_pairs_hook", "parse_float",
                                                   "parse_int")])(scanner(s, strict=2, object_hook=Tag("h"),
                                                                          parse_float=decimal.Decimal))),
        ("Scanner members identity", lambda s: (lambda ctx, o: (o.object_hook is ctx.object_hook,
                                                                o.parse_float is ctx.parse_float,
                                                                o.parse_constant is ctx.parse_constant,
                                                                o.object_pairs_hook is ctx.object_pairs_hook))(
            *(lambda ctx: (ctx, s.m.make_scanner(ctx)))(Ctx(object_hook=Tag("x"), object_pairs_hook=Tag("p"))))),
        ("Scanner strict values", lambda s: [scanner(s, strict=v).strict for v in (0, 1, 2, -1, "", "x", [], None)]),
        ("Encoder members", lambda s: (lambda o: [(a, canon(getattr(o, a))) for a in
                                                  ("markers", "default", "indent", "key_separator",
                                                   "item_separator", "sort_keys", "skipkeys")])(
            encoder(s, {}, Default("repr"), s.m.encode_basestring, "  ", StrSub(":"), ";", 2, [], "x"))),
        ("Encoder members identity", lambda s: (lambda args, o: (o.markers is args[0], o.default is args[1],
                                                                 o.encoder is args[2], o.indent is args[3],
                                                                 o.key_separator is args[4]))(
            *(lambda args: (args, s.m.make_encoder(*args)))([{}, Default("x"), Tag("e"), [2], StrSub(":"), ",",
                                                             True, False, True]))),
        ("Encoder allow_nan attribute", lambda s: hasattr(encoder(s), "allow_nan")),
        ("Scanner repr", lambda s: ADDRESS.sub("", repr(scanner(s)))),
        ("Encoder repr", lambda s: ADDRESS.sub("", repr(encoder(s)))),
        ("Scanner gc tracked", lambda s: gc.is_tracked(scanner(s))),
        ("Encoder gc tracked", lambda s: gc.is_tracked(encoder(s))),
        ("Scanner gc referents", lambda s: sorted(type_name(type(x)) for x in gc.get_referents(
            scanner(s, object_hook=Tag("h"))))),
        ("Encoder gc referents", lambda s: sorted(type_name(type(x)) for x in gc.get_referents(encoder(s)))),
        ("Scanner sizeof", lambda s: scanner(s).__sizeof__()),
        ("Encoder sizeof", lambda s: encoder(s).__sizeof__()),
        ("Scanner pickle", lambda s: pickle.dumps(scanner(s))),
        ("Encoder pickle", lambda s: pickle.dumps(encoder(s))),
        ("Scanner copy", lambda s: copy.copy(scanner(s))),
        ("Encoder deepcopy", lambda s: copy.deepcopy(encoder(s))),
        ("Scanner reduce_ex", lambda s: scanner(s).__reduce_ex__(2)),
        ("Scanner weakref", lambda s: weakref.ref(scanner(s)) is not None),
        ("Encoder weakref", lambda s: weakref.ref(encoder(s)) is not None),
        ("Scanner hash type", lambda s: type(hash(scanner(s)))),
        ("Scanner ==", lambda s: (lambda o: (o == o, o != o, o == 1))(scanner(s))),
        ("Scanner subclass", lambda s: type("S", (s.m.make_scanner,), {})),
        ("Encoder subclass", lambda s: type("E", (s.m.make_encoder,), {})),
        ("Scanner no args", lambda s: s.m.make_scanner()),
        ("Scanner by keyword", lambda s: s.m.make_scanner(context=Ctx()).strict),
        ("Scanner bad keyword", lambda s: s.m.make_scanner(ctx=Ctx())),
        ("Scanner two args", lambda s: s.m.make_scanner(Ctx(), 1)),
        ("Scanner __new__", lambda s: s.m.make_scanner.__new__(s.m.make_scanner, Ctx()).strict),
        ("Scanner __new__ no args", lambda s: s.m.make_scanner.__new__(s.m.make_scanner)),
        ("Scanner __new__ bad type", lambda s: s.m.make_scanner.__new__(int, Ctx())),
        ("Scanner __init__ again", lambda s: (lambda o: (o.__init__(Ctx(strict=False)), o.strict))(scanner(s))),
        ("Encoder __new__", lambda s: s.m.make_encoder.__new__(s.m.make_encoder, None, None, None, None, ":", ",",
                                                              0, 0, 0).sort_keys),
        ("Encoder __init__ again", lambda s: (lambda o: (o.__init__(1, 2, 3), o.sort_keys))(encoder(s))),
        ("Scanner call keywords", lambda s: scanner(s)(string="[1]", idx=0)),
        ("Scanner call bad keyword", lambda s: scanner(s)(s="[1]", idx=0)),
        ("Encoder call keywords", lambda s: encoder(s)(obj=[1], _current_indent_level=0)),
        ("Encoder call bad keyword", lambda s: encoder(s)(o=[1], _current_indent_level=0)),
        ("Scanner type()", lambda s: type(scanner(s)) is s.m.make_scanner),
        ("Encoder type()", lambda s: type(encoder(s)) is s.m.make_encoder),
        ("module dict keys", lambda s: sorted(k for k in vars(s.m) if not k.startswith("__"))),
        ("module reload spec", lambda s: s.m.__spec__.name),
        ("module __file__ suffix", lambda s: s.m.__file__.rsplit("/", 1)[-1].split(".", 1)[0]),
        ("functions pickle", lambda s: [pickle.loads(pickle.dumps(getattr(s.m, f))) is getattr(s.m, f)
                                        for f in ("scanstring", "encode_basestring", "encode_basestring_ascii")]),
    ]
    for attr in ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant",
                 "memo", "foo", "__dict__"):
        objects.append((f"Scanner set {attr}", lambda s, attr=attr: setattr(scanner(s), attr, None)))
        objects.append((f"Scanner del {attr}", lambda s, attr=attr: delattr(scanner(s), attr)))
    for attr in ("markers", "default", "encoder", "indent", "key_separator", "item_separator", "sort_keys",
                 "skipkeys", "allow_nan", "foo"):
        objects.append((f"Encoder set {attr}", lambda s, attr=attr: setattr(encoder(s), attr, None)))
        objects.append((f"Encoder del {attr}", lambda s, attr=attr: delattr(encoder(s), attr)))
    for label, fn in objects:
        compare(differ, "<objects>", label, fn)


STRICTS = [True, False, 0, 1, 2, -1, 2 ** 70, None, "", "x", [], [0], 1.5, IntSub(0), Index(1), BoolRaise()]
ENDS_EXTRA = [-1, -2 ** 63, 2 ** 63 - 1, 2 ** 63, 2 ** 70, True, False, IntSub(1), Index(1), 1.0, "1", None]


def scanstring_fixed(differ, rng):
    bodies = [""] + [e for e in ESCAPES + BAD_ESCAPES + PLAIN_PIECES + CONTROLS]
    bodies += [a + b for a in ESCAPES[:12] for b in ("x", "\\n", "\u00e9", "\U0001f600")]
    bodies += ["abc\\", "abc\\u00", "\\u00e9\u20ac\U0001f600\\n", "\\ud834\\udd1e\U0001f600", "\ud834\udd1e",
               "x" * 1000, "\\n" * 500, "\u00e9" * 300 + "\\t", "\U0001f600" * 100 + "\\u0041"]
    for body in bodies:
        for text in ('"' + body + '"', '"' + body, "ab" + '"' + body + '"cd', '"' + body + '"' + '"'):
            start = text.index('"') + 1
            for strict in (True, False):
                call(differ, "scanstring", (text, start, strict))
            call(differ, "scanstring", (text, start))
    # every end, every strict value, on a few short strings
    for text in ('"a\\n\\u00e9\\ud834\\udd1e\x01"x', '"\\"', "", '"', '""', 'abc', '\\u1234"', '"\\u12"',
                 '"\\ud834\\udd1"', '"\\uD834"'):
        for end in range(-1, len(text) + 3):
            call(differ, "scanstring", (text, end))
            call(differ, "scanstring", (text, end, False))
    for strict in STRICTS:
        call(differ, "scanstring", ('"a\x01b"', 1, strict))
        call(differ, "scanstring", ('"ab"', 1, strict))
    for end in ENDS_EXTRA:
        call(differ, "scanstring", ('"ab"', end))
    # argument forms
    for args, kw in (((), {}), (('"a"',), {}), (('"a"', 1, True, 1), {}), ((), {"string": '"a"', "end": 1}),
                     (('"a"',), {"end": 1}), (('"a"', 1), {"strict": False}), ((b'"a"', 1), {}),
                     ((bytearray(b'"a"'), 1), {}), ((StrSub('"a\\n"'), 1), {}), ((1, 1), {}), ((None, 1), {})):
        call(differ, "scanstring", args, kw)
    for _ in range(300):
        text = '"' + random_string_body(rng) + rng.choice(['"', "", '"x', '"\\'])
        call(differ, "scanstring", (text, 1, rng.random() < 0.5))


ESCAPER_STRINGS = [""] + [chr(i) for i in range(0x80)] + [chr(i) for i in range(0x80, 0x100, 7)] + [
    "\u0100", "\u07ff", "\u0800", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udbff", "\udc00",
    "\udfff", "\ud800\udc00", "\U00010000", "\U0001d11e", "\U0001f600", "\U0010ffff", "abc\x00def",
    'He said "hi"\\ \n\t\r\x08\x0c', "\u00e9t\u00e9", "\u4e2d\u6587", "a" * 10000, "\u00e9" * 5000,
    "\U0001f600" * 3000, '"' * 4000, "\x01" * 3000, "mixed \x01\u00e9\u20ac\U0001f600\ud800\\\"/"]


def escapers_fixed(differ, rng):
    for s in ESCAPER_STRINGS + [random_text(rng) for _ in range(200)]:
        for fname in ("encode_basestring", "encode_basestring_ascii"):
            call(differ, fname, (s,))
    for arg in (StrSub("sub\n"), ReprStr("r\u00e9"), Word.A, 1, None, b"x", bytearray(b"x"), 1.5, ["a"]):
        for fname in ("encode_basestring", "encode_basestring_ascii"):
            call(differ, fname, (arg,))
    for fname in ("encode_basestring", "encode_basestring_ascii"):
        call(differ, fname, ())
        call(differ, fname, ("a", "b"))
        call(differ, fname, (), {"s": "a"})
        call(differ, fname, ("a",), {"x": 1})


DOCS_VALID = [
    "null", "true", "false", "0", "-0", "1", "-1", "12", "1.5", "-1.5e10", "1E400", "-1e-400", "1e-400", "0.1",
    "1.0", "1e5", "1E+5", "1e-5", "0e0", "-0.0", "0.0e-0", "123456789012345678901234567890", "NaN", "Infinity",
    "-Infinity", '""', '"abc"', '"\\u00e9\\ud834\\udd1e"', "[]", "{}", "[1,2,3]", '{"a":1}', " [ 1 , 2 ] ",
    '\n{\n"a"\n:\n1\n}\n', '\t\r\n[\t\r\n]\t\r\n', '{"a":1,"a":2}', '{"a":1,"b":2,"a":3}', '{"__proto__":1}',
    "[[[[]]]]", '{"a":{"b":{"c":[]}}}', '[{"a":1},{"a":2},{"a":3,"b":{"a":4}}]', '{"":""}', '{"\\u0000":0}',
    '{"\U0001f600":"\u00e9","\u20ac":["\ud800"]}', '["\ud800", "\\ud800", "\\udc00\\ud800"]',
    "[1e1,1E1,1e+1,1e-1,-1e1,-1.5E-1]", "[true,false,null,NaN,Infinity,-Infinity]", '{"x":[1,{"y":[2,{"z":3}]}]}',
    '[1.7976931348623157e308,5e-324,2.2250738585072014e-308,9007199254740993]', '["a","a","a"]',
    "[NaN, NaN, Infinity, Infinity, -Infinity, -Infinity, NaN]", '[{"ab": "ab"}, {"ab": "ab"}, "ab", {"": ""}]',
    '{"a":"a","b":"a"}', '{"k":{"k":{"k":"k"}}}', "[-0,-0.0,0.0,-1e-400]", '["\\/\\b\\f\\n\\r\\t\\"\\\\"]',
    "[" + ",".join(str(i) for i in range(1000)) + "]", '{"' + '":1,"'.join(f"k{i}" for i in range(500)) + '":1}',
    "1" * 4300, "-" + "1" * 4300, "1" * 4301, "0." + "1" * 5000, "1" * 5000 + ".5", "1" * 5000 + "e-4990",
]
DOCS_INVALID = [
    "", " ", "\n", "[", "]", "{", "}", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "[1,,2]", "[1 ,]", "[,]", '{"a"}',
    '{"a":}', '{"a":1,}', "{,}", '{"a" 1}', "{a:1}", "{'a':1}", "{1:1}", '{"a":1 "b":2}', '{"a":1,,"b":2}',
    '{"a":[}', "[{]", '[{"a":1]', '{"a":[1}', '{"a":1]', '[1}', '"abc', '"\\x"', '"\\', '"\\u12"', "nul", "tru",
    "fals", "nulL", "True", "False", "None", "NaNx", "nan", "inf", "-inf", "Infinit", "-Infinit", "-", "--1", "+1",
    "01", "00", "-01", "1.", ".5", "1e", "1e+", "1E-", "1.e5", "0x10", "1_000", "[1]x", "1 2", '"a" "b"', "\x00",
    "[\x00]", '"\x00"', '"a\nb"', '"\t"', "[1,\n2,\n3", "\ufeff[]", "\u00a0[]", "[\u3000]", "[\u2028]",
    "true false", "[true,]", "0e", "0e+1x", "-Infinityx", "[-]", "[-x]", "[--]", "{\"a\":-}", "[.]", "[1.5.2]",
    '["a",]', '{"a":1,"b"}', '{"a":1,"b":}', "{\n\n\n  \"a\" 1}", "[\n\n  1\n\n  2]", "[\r\n1,\r\n]", "\n\n\n]",
    '"\ud800', '["\\ud834\\udd1"]', '{"a":"b",\n"c"\n}', "[1,2,3" + "]" * 2, "[[[[" + "]" * 3, "{" * 3,
    '{"a":{"b":{"c":1}}', '[1] [2]', "NaN1", "1NaN", "[Infinity-]", "t", "f", "n", "N", "I", '"', "'a'", "/",
    "// comment\n1", "/* c */ 1", "[1]//", "\\", "\\u0041", "[\\]", '{"\\u00": 1}', "[1e400e]", "[1ee5]",
]


def hook_sets():
    """(label, factory of json.loads keyword arguments): fresh hooks per side."""
    return [
        ("default", lambda: {}),
        ("strict=False", lambda: {"strict": False}),
        ("object_hook", lambda: {"object_hook": Tag("obj")}),
        ("object_pairs_hook", lambda: {"object_pairs_hook": Tag("pairs")}),
        ("both hooks", lambda: {"object_hook": Tag("obj"), "object_pairs_hook": Tag("pairs")}),
        ("OrderedDict pairs", lambda: {"object_pairs_hook": collections.OrderedDict}),
        ("pairs=dict", lambda: {"object_pairs_hook": dict}),
        ("pairs=list", lambda: {"object_pairs_hook": list}),
        ("parse_float=Decimal", lambda: {"parse_float": decimal.Decimal}),
        ("parse_float=Tag", lambda: {"parse_float": Tag("f")}),
        ("parse_float=float", lambda: {"parse_float": float}),
        ("parse_float=FloatSub", lambda: {"parse_float": FloatSub}),
        ("parse_int=float", lambda: {"parse_int": float}),
        ("parse_int=Tag", lambda: {"parse_int": Tag("i")}),
        ("parse_int=int", lambda: {"parse_int": int}),
        ("parse_int=IntSub", lambda: {"parse_int": IntSub}),
        ("parse_int=Fraction", lambda: {"parse_int": fractions.Fraction}),
        ("parse_constant=Tag", lambda: {"parse_constant": Tag("c")}),
        ("parse_constant=str", lambda: {"parse_constant": str}),
        ("all Tags", lambda: {"object_hook": Tag("o"), "parse_float": Tag("f"), "parse_int": Tag("i"),
                              "parse_constant": Tag("c"), "strict": False}),
        ("object_hook raises", lambda: {"object_hook": Raise("obj", 1)}),
        ("pairs hook raises", lambda: {"object_pairs_hook": Raise("pairs", 0)}),
        ("parse_float raises", lambda: {"parse_float": Raise("f", 1)}),
        ("parse_int raises", lambda: {"parse_int": Raise("i", 2)}),
        ("parse_constant raises", lambda: {"parse_constant": Raise("c", 0)}),
        ("object_hook returns None", lambda: {"object_hook": Const(None)}),
        ("parse_int returns list", lambda: {"parse_int": Const([1])}),
        ("object_hook not callable", lambda: {"object_hook": 5}),
        ("parse_float not callable", lambda: {"parse_float": "x"}),
        ("parse_constant=None", lambda: {"parse_constant": None}),
    ]


def loads_case(differ, text, label, kw_factory, how="loads", label_prefix="json.loads"):
    """json.loads (or JSONDecoder().raw_decode / json.load) on both sides."""
    def fn(side):
        kw = kw_factory()
        if how == "loads":
            return side.json.loads(text, **kw)
        if how == "raw_decode":
            return side.json.JSONDecoder(**kw).raw_decode(text)
        if how == "load":
            return side.json.load(io.StringIO(text), **kw)
        if how == "bytes":
            return side.json.loads(text.encode("utf-8", "surrogatepass"), **kw)
        raise AssertionError(how)
    return compare(differ, f"{label_prefix} ({how})" if how != "loads" else label_prefix,
                   lambda: f"{label_prefix}({short_repr(text, 300)}) [{label}]", fn)


def loads_fixed(differ, rng):
    hooks = hook_sets()
    for text in DOCS_VALID + DOCS_INVALID:
        for label, kw in hooks:
            loads_case(differ, text, label, kw)
        loads_case(differ, text, "default", dict, "raw_decode")
        loads_case(differ, " " + text, "default", dict, "raw_decode")
    for text in DOCS_VALID[:30]:
        loads_case(differ, text, "default", dict, "load")
        loads_case(differ, text, "default", dict, "bytes")
        compare(differ, "json.loads (str subclass)", f"json.loads(ReprStr({text!r}))",
                lambda s, text=text: s.json.loads(ReprStr(text)))
    for enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        data = '{"\u00e9":["\U0001f600",1.5]}'.encode(enc)
        compare(differ, "json.loads (bytes)", f"json.loads({data!r})", lambda s, data=data: s.json.loads(data))
    # raw_decode at every index
    for text in ('[1, {"a": "b"}, "c\\n", 2.5e3, true]', ' {"a" : [null, NaN]} x', '"abc" 12', '{}[]{ }[ ]{}',
                 '[{}, [], {"a": []}]'):
        for idx in list(range(-2, len(text) + 2)) + [2 ** 63, -2 ** 63, 2 ** 70]:
            compare(differ, "JSONDecoder.raw_decode", f"raw_decode({text!r}, {idx})",
                    lambda s, text=text, idx=idx: s.json.JSONDecoder().raw_decode(text, idx))
    # random documents and their corruptions, with random hook sets
    for _ in range(400):
        text = random_doc(rng)
        label, kw = rng.choice(hooks)
        loads_case(differ, text, label, kw)
        for _ in range(3):
            loads_case(differ, corrupt(text, rng), label, kw)


def numbers_fixed(differ, rng):
    texts = ["0", "-0", "1", "-1", "01", "-01", "00.5", "1.", "1.e5", ".5", "-.5", "1e", "1e+", "1e-", "1E5", "1e05",
             "1.5e+05", "1.5E-05", "-", "-x", "- 1", "--1", "+1", "0x1", "1_0", "1.5.5", "1e5e5", "1e5.5", "9" * 20,
             "-" + "9" * 20, "0.000001", "1e-7", "123.456e-789", "1" * 4300, "1" * 4301, "-" + "1" * 4300,
             "1" * 4301 + ".0", "1" * 4301 + "e0", "\u0661", "1\u0661", "\uff11", "1" * 100000, "0." + "0" * 400 + "1",
             "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e309", "-1e309",
             "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993",
             "9007199254740993.0", "0.1000000000000000055511151231257827", "0.10000000000000000555111512312578271",
             "7.038531e-26", "1e23", "8.41e21", "5e-324", "2.2250738585072012e-308", "179769313486231580793728971405"
             "30154012746834548137651698049658393758460929427765425853968012545098744236779405296520766318587993126"
             "59697152096211154612345654798437263856457968023486316823616022012386496384625219476342474389005474926"
             "26457766524813574869089015683640418040209346498406464823611052262012017659069818963931271700716262542"
             "4183457.0"]
    texts += [random_number_text(rng) for _ in range(1500)]
    for text in texts:
        for label, kw in (("default", dict), ("parse_float=Tag", lambda: {"parse_float": Tag("f")}),
                          ("parse_int=Tag", lambda: {"parse_int": Tag("i")}),
                          ("parse_float=Decimal", lambda: {"parse_float": decimal.Decimal})):
            loads_case(differ, text, label, kw, label_prefix="number")
            loads_case(differ, f"[{text}]", label, kw, label_prefix="number")
        compare(differ, "number (scanner)", f"scanner({text!r}, 0)",
                lambda s, text=text: s.m.make_scanner(Ctx())(text + " ", 0))
    # the integer string limit
    if hasattr(sys, "set_int_max_str_digits"):
        old = sys.get_int_max_str_digits()
        big_ints = [(n, 10 ** (n - 1)) for n in (639, 640, 641, 4300, 4301)]
        try:
            for limit in (0, 640, 4300):
                sys.set_int_max_str_digits(limit)
                for text in ("1" * 640, "1" * 641, "-" + "1" * 641, "1" * 4300, "1" * 4301, "[" + "1" * 5000 + "]",
                             "1" * 641 + ".5", "1" * 641 + "e1"):
                    for label, kw in (("default", dict), ("parse_int=int", lambda: {"parse_int": int}),
                                      ("parse_int=IntSub", lambda: {"parse_int": IntSub})):
                        loads_case(differ, text, f"{label}, int_max_str_digits={limit}", kw,
                                   label_prefix="int limit")
                for digits, value in big_ints:
                    for kw in ({}, {"sort_keys": True}, {"indent": 1}):
                        compare(differ, "int limit (dumps)", f"dumps(int of {digits} digits, {kw}), limit {limit}",
                                lambda s, value=value, kw=kw: s.json.dumps([value, {value: -value}], **kw))
        finally:
            sys.set_int_max_str_digits(old)


SCANNER_DOCS = ['{"a": [1, 2.5, "x"], "b": {"c": null}}', '[1,2]', '"str"', "123", "1.5e3", "-", "NaN", "Infinity",
                "-Infinity", "true", "false", "null", "[", "{", " [1]", "[1] ", '{"a":1,"a":2}', '[{"k":1},{"k":2}]',
                '{"a":NaN,"b":-Infinity}', "[1,]", '{"a":1,}', "", "x", '{"a":{"b":[{"c":"d"}]}}', "\u00e9",
                "[\"\\ud834\\udd1e\"]", "99999999999999999999", "[1e999, -1e999]", '{"":[]}']


def scanner_fixed(differ, rng):
    ctxs = [
        ("Ctx()", lambda: Ctx()),
        ("strict=False", lambda: Ctx(strict=False)),
        ("object_hook", lambda: Ctx(object_hook=Tag("o"))),
        ("pairs", lambda: Ctx(object_pairs_hook=Tag("p"))),
        ("pairs=list", lambda: Ctx(object_pairs_hook=list)),
        ("parse_float=Decimal", lambda: Ctx(parse_float=decimal.Decimal)),
        ("parse_int=Tag", lambda: Ctx(parse_int=Tag("i"))),
        ("parse_constant=Tag", lambda: Ctx(parse_constant=Tag("c"))),
        ("parse_constant=None", lambda: PartialCtx(strict=True, object_hook=None, object_pairs_hook=None,
                                                   parse_float=float, parse_int=int, parse_constant=None)),
        ("parse_float=None", lambda: Ctx(parse_float=None)),
        ("parse_int=None", lambda: Ctx(parse_int=None)),
        ("object_hook=5", lambda: Ctx(object_hook=5)),
        ("strict=BoolRaise", lambda: Ctx(strict=BoolRaise())),
        ("strict='x'", lambda: Ctx(strict="x")),
        ("strict=[]", lambda: Ctx(strict=[])),
        ("JSONDecoder()", "decoder"),
        ("JSONDecoder(all hooks)", "decoder-hooks"),
        ("missing parse_int", lambda: PartialCtx(strict=True, object_hook=None, object_pairs_hook=None,
                                                 parse_float=float, parse_constant=Constants())),
        ("missing strict", lambda: PartialCtx(object_hook=None)),
        ("empty", lambda: PartialCtx()),
        ("int", lambda: 5),
        ("None", lambda: None),
    ]
    for name in ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant"):
        for exc in (ZeroDivisionError, AttributeError):
            ctxs.append((f"raising {name} ({exc.__name__})", lambda name=name, exc=exc: RaisingCtx(name, exc)))

    def make_ctx(side, spec):
        if spec == "decoder":
            return side.json.JSONDecoder()
        if spec == "decoder-hooks":
            return side.json.JSONDecoder(object_hook=Tag("o"), parse_float=Tag("f"), parse_int=Tag("i"),
                                         parse_constant=Tag("c"), strict=False)
        return spec()

    for label, spec in ctxs:
        def made(side, spec=spec):
            ctx = make_ctx(side, spec)
            try:
                side.m.make_scanner(ctx)
                err = None
            except Exception as e:  # noqa: BLE001 - compared, with the reads before it
                err = (type_name(type(e)), exception_message(e))
            return err, getattr(ctx, "__dict__", {}).get("_log")
        compare(differ, "make_scanner", f"make_scanner({label}): attributes read", made)
        for text in SCANNER_DOCS:
            for idx in (0, 1, len(text)):
                compare(differ, "scanner", f"make_scanner({label})({text!r}, {idx})",
                        lambda s, spec=spec, text=text, idx=idx: s.m.make_scanner(make_ctx(s, spec))(text, idx))
    for idx in ENDS_EXTRA + [-1, 2 ** 63 - 1]:
        compare(differ, "scanner", f"scanner('[1, 2]', {idx!r})",
                lambda s, idx=idx: s.m.make_scanner(Ctx())("[1, 2]", idx))
    for args, kw in (((), {}), (("[1]",), {}), (("[1]", 0, 1), {}), ((b"[1]", 0), {}), ((bytearray(b"1"), 0), {}),
                     ((StrSub("[1]"), 0), {}), ((ReprStr('"r"'), 0), {}), ((["1"], 0), {}), ((None, 0), {}),
                     (("[1]",), {"idx": 0}), ((), {"string": "[1]", "idx": 0}), (("[1]", 0), {"x": 1})):
        compare(differ, "scanner", f"scanner({describe_args(args, kw)})",
                lambda s, args=args, kw=kw: s.m.make_scanner(Ctx())(*args, **kw))
    # the same scanner called again (memo is per call) and re-entered from a hook
    def reuse(side):
        sc = side.m.make_scanner(Ctx())
        a, _ = sc('{"key": 1, "other": [{"key": 2}]}', 0)
        b, _ = sc('{"key": 3}', 0)
        return a, b, list(a)[0] is list(b)[0]
    compare(differ, "scanner", "scanner reused: keys of two calls", reuse)

    def reenter(side):
        holder = []

        def hook(d):
            if "re" in d:
                d["inner"] = holder[0]('[{"key": 5}, {"key": 6}]', 0)
            return d
        sc = side.m.make_scanner(Ctx(object_hook=hook))
        holder.append(sc)
        return sc('[{"key": 1, "re": 1}, {"key": 2}]', 0)
    compare(differ, "scanner", "scanner re-entered from object_hook", reenter)

    def reenter_identity(side):
        # which keys are one object (3.11/3.12: one memo dict per scanner,
        # shared with re-entered calls and cleared when any call ends), and
        # what the scanner's dicts hold while a hook runs
        seen, views, holder = [], [], []

        def hook(d):
            seen.append(d)
            views.append([sorted(r) for r in gc.get_referents(holder[0]) if type(r) is dict])
            if "re" in d:
                seen.append(holder[0]('{"k": 1, "j": 0}', 0)[0])
            return d
        sc = side.m.make_scanner(Ctx(object_hook=hook))
        holder.append(sc)
        sc('[{"k": 1, "j": 2}, {"re": 1, "k": 2}, {"k": 3, "j": 4}]', 0)
        keys = [k for d in seen for k in d]
        return [[a is b for b in keys] for a in keys], views
    compare(differ, "scanner", "scanner re-entered: key identity and memo", reenter_identity)

    # which keys of a document are one object: keys of every width and
    # length, the same characters escaped or not, in documents of each width
    pieces = ["a", "b", "é", "\u0100", "\U0001f600", "\\u00e9", "\\u0061", "\\ud83d\\ude00", "x" * 9, "\\n"]
    key_rng = random.Random(5)
    for _ in range(200):
        # short keys of few characters often share their first and last
        keys = ["".join(key_rng.choice(pieces[:4] if n < 5 else pieces) for _ in range(n))
                for n in (key_rng.choice([0, 1, 2, 3, 3, 3, 4, 4, 5, 7, 8, 9, 15, 16, 17]) for _ in range(30))]
        keys += [key_rng.choice(keys) for _ in range(15)]
        doc = "[" + ",".join('{"%s": %d}' % (k, i) for i, k in enumerate(keys)) + ',"%s"]' % key_rng.choice(
            ["", "\u0101", "\U0001f601"])

        def key_identity(side, doc=doc):
            value, _ = side.m.make_scanner(Ctx())(doc, 0)
            ks = [next(iter(d)) for d in value[:-1]]
            return ks, [[a is b for b in ks] for a in ks]
        compare(differ, "scanner", f"key identity in {doc[:60]!r}...", key_identity)

    def pairs_mutate(side):
        seen = []

        def hook(pairs):
            seen.append(list(pairs))
            pairs.append(("added", 1))
            return pairs
        sc = side.m.make_scanner(Ctx(object_pairs_hook=hook))
        return sc('{"a": {"b": 1}, "c": 2}', 0), seen
    compare(differ, "scanner", "object_pairs_hook mutating its list", pairs_mutate)

    def hook_order(side):
        log = []

        def tag(name):
            return lambda x: (log.append((name, canon(x))), (name, x))[1]
        ctx = Ctx(object_hook=tag("o"), parse_float=tag("f"), parse_int=tag("i"), parse_constant=tag("c"))
        r = side.m.make_scanner(ctx)('{"a": [1, 2.5, NaN, {"b": -Infinity, "c": [3e1]}], "d": {}}', 0)
        return r, log
    compare(differ, "scanner", "hook call order", hook_order)
    # random token soups
    for _ in range(300):
        text = random_doc(rng) if rng.random() < 0.7 else corrupt(random_doc(rng), rng)
        idx = rng.choice([0, 0, 0, 1, len(text) // 2, len(text)])
        label, spec = rng.choice(ctxs[:10])
        compare(differ, "scanner", f"make_scanner({label})({text!r}, {idx})",
                lambda s, spec=spec, text=text, idx=idx: s.m.make_scanner(make_ctx(s, spec))(text, idx))


def decode_error_class_fixed(differ):
    """C raises sys.modules["json.decoder"].JSONDecodeError, looked up at raise time."""
    class SwappedError(Exception):
        pass

    def with_decoder_module(kind):
        def fn(side):
            saved = sys.modules.get("json.decoder")
            try:
                if kind == "swapped":
                    fake = types.ModuleType("json.decoder")
                    fake.JSONDecodeError = SwappedError
                    sys.modules["json.decoder"] = fake
                elif kind == "no attribute":
                    sys.modules["json.decoder"] = types.ModuleType("json.decoder")
                elif kind == "None":
                    sys.modules["json.decoder"] = None
                elif kind == "bound copy":
                    sys.modules["json.decoder"] = side.json.decoder
                elif kind == "not an exception":
                    fake = types.ModuleType("json.decoder")
                    fake.JSONDecodeError = dict
                    sys.modules["json.decoder"] = fake
                out = []
                for f in (lambda: side.m.scanstring('"abc', 1), lambda: side.m.scanstring('"a\\x"', 1),
                          lambda: side.m.make_scanner(Ctx())("[1,", 0), lambda: side.m.make_scanner(Ctx())('{"a" 1}', 0)):
                    try:
                        f()
                        out.append("no error")
                    except Exception as e:  # noqa: BLE001 - compared
                        out.append((type(e).__qualname__, exception_message(e), canon(e.args),
                                    type(e) is getattr(saved, "JSONDecodeError", None)))
                return out
            finally:
                sys.modules["json.decoder"] = saved
        return fn

    kinds = ["stock", "swapped", "no attribute", "None", "bound copy", "not an exception"]
    if PY >= (3, 12):
        kinds.append("missing")  # 3.11 returns NULL without an exception there (SystemError)
    for kind in kinds:
        if kind == "missing":
            def fn(side):
                saved = sys.modules.pop("json.decoder")
                try:
                    try:
                        side.m.scanstring('"abc', 1)
                    except Exception as e:  # noqa: BLE001 - compared
                        return type(e).__qualname__, exception_message(e)
                finally:
                    sys.modules["json.decoder"] = saved
            compare(differ, "JSONDecodeError lookup", "json.decoder not in sys.modules", fn)
        else:
            compare(differ, "JSONDecodeError lookup", f"sys.modules['json.decoder']: {kind}",
                    with_decoder_module(kind))


# -- recursion --------------------------------------------------------------------------------

def depth_of(v):
    """Nesting depth of lists/dicts/tuples, iteratively (results too deep for canon)."""
    depth, stack = 0, [(v, 1)]
    while stack:
        x, d = stack.pop()
        if isinstance(x, (list, tuple)):
            depth = max(depth, d)
            stack.extend((y, d + 1) for y in x)
        elif isinstance(x, dict):
            depth = max(depth, d)
            stack.extend((y, d + 1) for y in x.values())
    return depth


def nested(n, kind):
    o = 0
    for _ in range(n):
        if kind == "list":
            o = [o]
        elif kind == "dict":
            o = {"k": o}
        elif kind == "tuple":
            o = (o,)
        elif kind == "opaque":
            o = Opaque(o)
    return o


def summarize(result):
    """A deep result without recursion: its type and depth."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], int):
        return (type_name(type(result[0])), depth_of(result[0]), result[1])
    if isinstance(result, str):
        return ("str", len(result), result[:40], result[-40:])
    if isinstance(result, (list, tuple)) and result and isinstance(result[0], str):
        return (type_name(type(result)), [len(x) for x in result])
    return (type_name(type(result)), depth_of(result))


def loads_at_depth(side, depth, text, scanner=False):
    """json.loads(text) (or the scanner) called `depth` Python frames deeper."""
    def down(k):
        if k == 0:
            return side.m.make_scanner(Ctx())(text, 0) if scanner else side.json.loads(text)
        return down(k - 1)
    return down(depth)


def recursion_room():
    """How deep the caller can still go: Python frames, and C recursion
    levels (the repr of nested lists enters one per list)."""
    frames = 0

    def down():
        nonlocal frames
        frames += 1
        down()
    try:
        down()
    except RecursionError:
        pass
    lo, hi = 0, 1 << 15
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            repr(nested(mid, "list"))
            lo = mid
        except RecursionError:
            hi = mid - 1
    return frames, lo


def recursion_fixed(differ):
    c_side = sides(differ)[0]
    old_limit = sys.getrecursionlimit()
    # small documents with the Python stack near its limit (the scanner
    # enters a recursion level per container, an empty one included)
    depth = 0
    while True:
        try:
            loads_at_depth(c_side, depth + 50, "[]")
        except RecursionError:
            break
        depth += 50
    for d in range(max(depth - 60, 0), depth + 60):
        for text in ("{}", "[]", "[[]]", "[1]", '{"a": {}}', "1"):
            for scanner in (False, True):
                compare(differ, "recursion (small document)", f"{'scanner' if scanner else 'json.loads'}({text!r}) "
                        f"{d} frames deep", lambda s, d=d, text=text, scanner=scanner: loads_at_depth(s, d, text,
                                                                                                       scanner))
    # what a hook can still nest after containers were closed around it
    for n in (1, 10, 100, 400):
        text = "[" + "[" * n + "]" * n + ", NaN]"
        compare(differ, "recursion (room left to a hook)", f"json.loads({text[:12]!r}...) with parse_constant "
                "measuring the Python frames and C levels it can still enter",
                lambda s, text=text: s.json.loads(text, parse_constant=lambda c: recursion_room())[1])
    cases = [
        ("loads array", lambda s, n: s.json.loads("[" * n + "]" * n)),
        ("loads object", lambda s, n: s.json.loads('{"a":' * n + "1" + "}" * n)),
        ("loads mixed", lambda s, n: s.json.loads('[{"a":' * (n // 2) + "1" + "}]" * (n // 2))),
        ("loads object_hook", lambda s, n: s.json.loads('{"a":' * n + "1" + "}" * n, object_hook=lambda d: d)),
        ("loads pairs hook", lambda s, n: s.json.loads('{"a":' * n + "1" + "}" * n, object_pairs_hook=dict)),
        ("loads parse_int at depth", lambda s, n: s.json.loads("[" * n + "1" + "]" * n, parse_int=IntSub)),
        ("loads parse_constant at depth", lambda s, n: s.json.loads("[" * n + "NaN" + "]" * n,
                                                                    parse_constant=lambda c: c)),
        ("loads deep error", lambda s, n: s.json.loads("[" * n + "x" + "]" * n)),
        # containers closed before: the levels they entered are left
        ("loads siblings", lambda s, n: s.json.loads("[" + ("[" * n + "]" * n + ",") * 2 + "[" * n + "]" * n + "]")),
        ("loads error after a closed nest", lambda s, n: s.json.loads("[" + "[" * n + "]" * n + ", x]")),
        ("loads parse_constant after a closed nest", lambda s, n: s.json.loads("[" + "[" * n + "]" * n + ", NaN]",
                                                                                 parse_constant=lambda c: c)),
        ("scanner array", lambda s, n: s.m.make_scanner(Ctx())("[" * n + "]" * n, 0)),
        ("dumps list", lambda s, n: s.json.dumps(nested(n, "list"))),
        ("dumps dict", lambda s, n: s.json.dumps(nested(n, "dict"))),
        ("dumps tuple", lambda s, n: s.json.dumps(nested(n, "tuple"))),
        ("dumps sort_keys", lambda s, n: s.json.dumps(nested(n, "dict"), sort_keys=True)),
        ("dumps no check_circular", lambda s, n: s.json.dumps(nested(n, "list"), check_circular=False)),
        ("dumps default chain", lambda s, n: s.json.dumps(nested(n, "opaque"),
                                                          default=lambda o: [o.tag] if isinstance(o, Opaque) else o)),
        ("dumps indent", lambda s, n: s.json.dumps(nested(n, "list"), indent=1)),
        ("encoder list", lambda s, n: s.m.make_encoder(None, None, s.m.encode_basestring_ascii, None, ":", ",",
                                                       False, False, True)(nested(n, "list"), 0)),
        ("encoder default self", lambda s, n: s.m.make_encoder(None, lambda o: o, s.m.encode_basestring_ascii, None,
                                                               ":", ",", False, False, True)([Opaque()], 0)),
    ]

    def attempt(fn, side, n):
        try:
            return ("ok", summarize(fn(side, n)))
        except RecursionError as e:
            return ("RecursionError", str(e))
        except Exception as e:  # noqa: BLE001
            return (type_name(type(e)), exception_message(e))

    limits = [1000] if PY >= (3, 12) else [1000, 2500]
    try:
        for limit in limits:
            sys.setrecursionlimit(limit)
            for label, fn in cases:
                # the largest depth the C side takes, found from this same frame depth
                lo, hi = 1, 60000
                if attempt(fn, c_side, hi)[0] != "RecursionError":
                    lo = hi
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if attempt(fn, c_side, mid)[0] != "RecursionError":
                        lo = mid
                    else:
                        hi = mid - 1
                for n in sorted({1, 2, 50, max(1, lo - 2), max(1, lo - 1), lo, lo + 1, lo + 2, lo + 50}):
                    differ.calls["recursion"] += 1
                    outs = [attempt(fn, s, n) for s in sides(differ)]
                    if outs[0] != outs[1]:
                        report(differ, "recursion", f"{label}, depth {n} (C's limit here: {lo}), "
                               f"recursionlimit {limit}", short_repr(outs[0]), short_repr(outs[1]))
    finally:
        sys.setrecursionlimit(old_limit)


# -- the encoder ------------------------------------------------------------------------------

def dumps_kwargs_pool():
    pool = [{}, {"sort_keys": True}, {"ensure_ascii": False}, {"ensure_ascii": False, "sort_keys": True},
            {"indent": 2}, {"indent": 0}, {"indent": "\t"}, {"indent": "--"}, {"indent": -1}, {"indent": ""},
            {"indent": StrSub(" ")}, {"indent": 1, "sort_keys": True, "ensure_ascii": False},
            {"separators": (",", ":")}, {"separators": (", ", ": ")}, {"separators": (";\u00e9", " = ")},
            {"separators": ("", "")}, {"separators": (StrSub(","), StrSub(":"))}, {"indent": 2, "separators": (",", ": ")},
            {"skipkeys": True}, {"allow_nan": False}, {"check_circular": False},
            {"default": Default("repr")}, {"default": Default("list")}, {"default": Default("raise")},
            {"default": Default("self")}, {"default": Default("none")}, {"default": Default("float")},
            {"default": Default("float"), "allow_nan": False}, {"default": Default("opaque")},
            {"default": Default("tuple-self"), "check_circular": False}, {"default": Default("bytes")},
            {"skipkeys": True, "sort_keys": True}, {"allow_nan": False, "ensure_ascii": False, "indent": 3},
            {"default": Default("dict"), "sort_keys": True, "indent": 1}]
    return pool


def dumps_case(differ, make_obj, kw, label="json.dumps", detail=None):
    def fn(side):
        return side.json.dumps(make_obj(), **kw)
    return compare(differ, label, lambda: detail or f"json.dumps({short_repr(make_obj(), 300)}, "
                   f"{describe_args((), kw)})", fn)


def circular_objects():
    """Factories of self-referencing objects."""
    def lst():
        a = [1]
        a.append(a)
        return a

    def dct():
        d = {"a": 1}
        d["self"] = d
        return d

    def deep():
        a = [1, {"b": []}]
        a[1]["b"].append(a)
        return a

    def via_default():
        o = Opaque()
        return [o, o]

    def shared():
        s = [1, 2]
        return [s, s, {"x": s}]

    def tuple_cycle():
        a = []
        t = (a,)
        a.append(t)
        return t
    return [("list", lst), ("dict", dct), ("deep", deep), ("opaque twice", via_default), ("shared", shared),
            ("tuple", tuple_cycle)]


DUMPS_OBJECTS = [
    None, True, False, 0, 1, -1, 2 ** 63, -(2 ** 64), 10 ** 100, 0.0, -0.0, 0.1, 1e16, 1e22, 1e-7, 5e-324,
    1.7976931348623157e308, 123456789.125, 835676311880376.25, float("inf"), float("-inf"), float("nan"), "", "a",
    "\u00e9", "\U0001f600", "\ud800", "\udfff\ud800", '"\\/\b\f\n\r\t\x00\x1f\x7f', [], {}, (), [[]], [{}], {"": []},
    [1, "a", None, True, 1.5], (1, (2, (3,))), {"a": {"b": {"c": [1, 2, {"d": None}]}}},
    {"b": 1, "a": 2, "c": 3}, {2: "b", 1: "a"}, {1: 1, 1.5: 2, True: 3, None: 4, "s": 5},
    {False: 0, 0.0 + 1e-9: 1, -0.0: 2}, {float("nan"): 1, float("inf"): 2, float("-inf"): 3},
    {2 ** 70: 1, -(2 ** 70): 2}, {"\ud800": "\udc00", "\U0001f600": "\u00e9"}, {StrSub("k"): StrSub("v")},
    [StrSub("s\n"), IntSub(5), FloatSub(2.5), ReprInt(7), ReprFloat(0.5), ReprStr("rs\u00e9")],
    {ReprInt(3): 1, ReprFloat(1.5): 2, ReprStr("k"): 3, IntSub(9): 4, FloatSub(-0.0): 5},
    [Color.RED, Color.BIG, Ratio.HALF, Ratio.NAN, Word.A, Flag.X, Flag.X | Flag.Y],
    {Color.RED: Ratio.HALF, Ratio.HALF: Color.RED, Word.A: Word.A, Flag.Y: 1},
    [b"bytes"], {b"k": 1}, {(1, 2): 1}, {1 + 2j: 1}, {frozenset(): 1}, {Opaque(): 1}, [1 + 2j],
    [decimal.Decimal("1.1")], [Opaque(3)], [set()], [range(2)], {"a": b"x", "b": 1}, [{"x": b"y"}, 2],
    {b"k": 1, "ok": 2, (1,): 3}, {"a": 1, 2: "b", None: "c"},
    ListSub([1, ListSub([2])]), TupleSub((1, "t")), DictSub({"d": DictSub({"e": 1})}), LyingList([1, 2, 3]),
    LyingTuple((4, 5)), [LyingList(["x"]), {"l": LyingTuple(("y",))}],
    LenDict({"a": 1}, 0), LenDict({}, 3), [LenDict({"b": [2]}, 0), {"c": LenDict({"d": 4}, 0)}],
    collections.OrderedDict([("z", 1), ("a", 2)]), collections.defaultdict(int, {"q": 1}),
    collections.Counter("aab"), types.MappingProxyType({"m": 1}), collections.UserDict({"u": 1}),
    collections.UserList([1]), collections.ChainMap({"c": 1}), [x for x in range(200)],
    {f"k{i}": i for i in range(200)}, ["\u00e9\U0001f600" * 100, "x" * 10000, "\x01" * 1000],
]


def make_items_dicts():
    out = []
    for kind in ("list", "raise", "triples", "notuples", "generator", "tuple", "none", "extra", "reversed"):
        out.append((f"ItemsDict {kind}", lambda kind=kind: ItemsDict({"b": 1, "a": [2, 3]}, kind)))
        out.append((f"ItemsDict {kind} nested", lambda kind=kind: [ItemsDict({"x": ItemsDict({"y": 1}, kind)}, kind)]))
    out.append(("ItemsDict empty", lambda: ItemsDict({}, "extra")))
    return out


def dumps_fixed(differ, rng):
    pool = dumps_kwargs_pool()
    for obj in DUMPS_OBJECTS:
        for kw in pool:
            dumps_case(differ, lambda obj=obj: obj, kw)
    for label, make in circular_objects() + make_items_dicts():
        for kw in ({}, {"check_circular": False}, {"sort_keys": True}, {"indent": 1}, {"default": Default("repr")},
                   {"default": Default("list"), "check_circular": False}):
            dumps_case(differ, make, kw, detail=f"json.dumps(<{label}>, {kw})", label="json.dumps (circular)")
    # JSONEncoder methods (encode has str fast paths; iterencode goes through _make_iterencode or C)
    for obj in DUMPS_OBJECTS[:40]:
        for kw in ({}, {"ensure_ascii": False}, {"indent": 2}):
            compare(differ, "JSONEncoder.encode", lambda obj=obj, kw=kw: f"JSONEncoder({kw}).encode({short_repr(obj)})",
                    lambda s, obj=obj, kw=kw: s.json.JSONEncoder(**kw).encode(obj))
            compare(differ, "JSONEncoder.iterencode",
                    lambda obj=obj, kw=kw: f"JSONEncoder({kw}).iterencode({short_repr(obj)}, _one_shot=True)",
                    lambda s, obj=obj, kw=kw: list(s.json.JSONEncoder(**kw).iterencode(obj, _one_shot=True)))
    # json.dump to a file object
    for obj in ([1, "\u00e9"], {"a": [None]}):
        def dump(side, obj=obj):
            f = io.StringIO()
            side.json.dump(obj, f, ensure_ascii=False)
            return f.getvalue()
        compare(differ, "json.dump", f"json.dump({obj!r})", dump)
    # random trees with random options
    for _ in range(500):
        obj = random_tree(rng)
        kw = rng.choice(pool)
        dumps_case(differ, lambda obj=obj: obj, kw)
    # mutation while encoding: the default hook grows the list being encoded
    def grow(side, kind):
        target = [Opaque(0), 1]

        def default(o):
            if kind == "append" and len(target) < 6:
                target.append(Opaque(len(target)))
            if kind == "dict-add" and len(dtarget) < 4:
                dtarget[f"n{len(dtarget)}"] = 1
            return o.tag
        dtarget = {"a": Opaque(0), "b": 2}
        obj = target if kind == "append" else dtarget
        return side.json.dumps(obj, default=default), len(target), len(dtarget)
    for kind in ("append", "dict-add"):
        compare(differ, "json.dumps (mutation)", f"default hook mutating the container: {kind}",
                lambda s, kind=kind: grow(s, kind))


class PerSide:
    """An argument made for each side: fn(side)."""

    def __init__(self, fn, text):
        self.fn, self.text = fn, text

    def __repr__(self):
        return self.text


def encoder_args(side, **over):
    """make_encoder's nine arguments (as a dict, in order), valid defaults
    overridden by `over` (PerSide values made for `side`, Raise hooks fresh)."""
    args = {"markers": {}, "default": Default("repr"), "encoder": side.m.encode_basestring_ascii, "indent": None,
            "key_separator": ": ", "item_separator": ", ", "sort_keys": False, "skipkeys": False, "allow_nan": True}
    for k, v in over.items():
        if isinstance(v, PerSide):
            v = v.fn(side)
        elif isinstance(v, Raise):
            v = Raise(v.name, v.at)
        args[k] = v
    return args


ENCODER_ARG_VALUES = {
    "markers": [None, PerSide(lambda s: {}, "{}"), [], 5, "x", PerSide(lambda s: DictSub(), "DictSub()"),
                PerSide(lambda s: collections.OrderedDict(), "OrderedDict()"), PerSide(lambda s: BadMarkers(), "BadMarkers()"),
                types.MappingProxyType({})],
    "default": [None, 5, Default("repr"), Default("raise"), Default("self"), len, Tag("d")],
    "encoder": [None, 5, Tag("e"), Const(5), Const(StrSub("S")), Const(b"b"), Const(None), Raise("enc", 1), str,
                repr, PerSide(lambda s: s.m.encode_basestring, "<its encode_basestring>"),
                PerSide(lambda s: s.json.encoder.py_encode_basestring_ascii, "<py_encode_basestring_ascii>"),
                PerSide(lambda s: s.json.encoder.py_encode_basestring, "<py_encode_basestring>")],
    "indent": [None, "", " ", "  ", "\t", "\u00e9", "\n", StrSub("--"), ReprStr("\U0001f600"), 0, 2, -1, 2 ** 70, [],
               b" ", True, 1.5, Index(2)],
    "key_separator": [":", ": ", "", "\u00e9", StrSub("::"), ReprStr(": "), 1, None, b":", ["x"]],
    "item_separator": [",", ", ", "", "\U0001f600", StrSub(";"), ReprStr(",\n"), 1, None, b",", (",",)],
    "sort_keys": [True, False, 0, 1, 2, None, "", "x", [], [1], BoolRaise(), 2 ** 70],
    "skipkeys": [True, False, 0, 1, None, "x", BoolRaise()],
    "allow_nan": [True, False, 0, 1, None, "x", [], BoolRaise(), 2 ** 70],
}
ENCODER_OBJECTS = [
    None, True, 1, 1.5, float("nan"), float("-inf"), "s\u00e9\n", [], {}, [1, [2, [3, {"a": "b"}]]],
    {"b": [1, 2], "a": {"c": None}}, {1: 2, None: 3, 2.5: 4, True: 5}, {b"k": 1}, [Opaque()], (1, 2),
    [{"x": float("inf")}], {"k": [1, {"j": []}, {}]}, ListSub([1]), DictSub({"a": 1}),
    ItemsDict({"b": 1, "a": 2}, "list"), ItemsDict({"a": 1}, "triples"), ItemsDict({"a": 1}, "generator"),
    ItemsDict({"a": 1}, "raise"), LyingList([1, 2]), LyingTuple((1,)), [StrSub("x"), ReprInt(1), ReprFloat(2.0)],
    {StrSub("k"): 1, ReprStr("r"): 2}, Color.RED, [Ratio.HALF, Word.A], "\ud800\U0001f600", 2 ** 100,
]


def encoder_fixed(differ, rng):
    # construction: every argument with every value (the others valid)
    for name, values in ENCODER_ARG_VALUES.items():
        for v in values:
            def make(side, name=name, v=v):
                a = encoder_args(side, **{name: v})
                return side.m.make_encoder(*a.values())
            compare(differ, "make_encoder", f"make_encoder({name}={short_repr(v)})", make)
            for obj in ENCODER_OBJECTS:
                for level in (0, 1):
                    def use(side, name=name, v=v, obj=obj, level=level):
                        a = encoder_args(side, **{name: v})
                        enc = side.m.make_encoder(*a.values())
                        markers = a["markers"]
                        try:
                            return enc(obj, level), len(markers) if isinstance(markers, dict) else None
                        finally:
                            if isinstance(markers, dict):
                                dict.clear(markers)
                    compare(differ, "encoder()", lambda name=name, v=v, obj=obj, level=level:
                            f"make_encoder({name}={short_repr(v)})({short_repr(obj)}, {level})", use)
    # argument forms
    names = list(encoder_args(sides(differ)[0]))
    forms = [((), {}), (None, {}), ("8", {}), ("10", {}), ("kw", {}), ("kw+extra", {}), ("kw-missing", {}),
             ("mixed", {})]
    for form, _ in forms:
        def build(side, form=form):
            a = encoder_args(side)
            vals = list(a.values())
            if form == ():
                return side.m.make_encoder()
            if form is None:
                return side.m.make_encoder(*vals).sort_keys
            if form == "8":
                return side.m.make_encoder(*vals[:8])
            if form == "10":
                return side.m.make_encoder(*vals, 1)
            if form == "kw":
                return side.m.make_encoder(**a).sort_keys
            if form == "kw+extra":
                return side.m.make_encoder(**a, extra=1)
            if form == "kw-missing":
                return side.m.make_encoder(**{k: v for k, v in a.items() if k != "indent"})
            return side.m.make_encoder(*vals[:4], **{k: a[k] for k in names[4:]}).skipkeys
        compare(differ, "make_encoder", f"make_encoder argument form {form!r}", build)
    # calling the encoder: levels and argument forms
    for args, kw in (((), {}), (([1],), {}), (([1], 0, 1), {}), (([1], "0"), {}), (([1], 1.5), {}), (([1], -1), {}),
                     (([1], 2 ** 63 - 1), {}), (([1], 2 ** 63), {}), (([1], -2 ** 63), {}), (([1], True), {}),
                     (([1], IntSub(3)), {}), (([1], Index(2)), {}), (([1], None), {}), (([1],), {"x": 0}),
                     ((), {"obj": [1], "_current_indent_level": 0})):
        for indent in (None, "  "):
            compare(differ, "encoder()", f"encoder(indent={indent!r})({describe_args(args, kw)})",
                    lambda s, args=args, kw=kw, indent=indent:
                    s.m.make_encoder(*encoder_args(s, indent=indent).values())(*args, **kw))
    # indent levels with indent set (3.13 writes the indentation in C)
    for indent in (" ", "\t\t", StrSub("ab"), "", "\u00e9"):
        for level in (-3, -1, 0, 1, 5, 100):
            for obj in ([], [1], {"a": [1, {"b": {}}]}, [[[]], {}], {"k": [1, 2]}, [Opaque()]):
                compare(differ, "encoder() indent",
                        f"encoder(indent={indent!r})({obj!r}, {level})",
                        lambda s, obj=obj, level=level, indent=indent: s.m.make_encoder(
                            *encoder_args(s, indent=indent, default=Default("list")).values())(obj, level))
    # markers: prepopulated, reused across calls, left behind on failure
    def markers_cases(side, case):
        markers = {}
        enc = side.m.make_encoder(*encoder_args(side, markers=markers, default=Default(case)).values())
        obj = [1, {"a": [Opaque()]}, "z"]
        out = []
        for _ in range(2):
            try:
                out.append(enc(obj, 0))
            except Exception as e:  # noqa: BLE001 - compared
                out.append((type_name(type(e)), exception_message(e)))
            out.append(sorted(type_name(type(v)) for v in markers.values()))
        return out
    for case in ("repr", "raise", "self", "list", "float"):
        compare(differ, "encoder() markers", f"markers after encoding with Default({case!r})",
                lambda s, case=case: markers_cases(s, case))

    def prepopulated(side):
        obj = [1, 2]
        markers = {id(obj): obj}
        enc = side.m.make_encoder(*encoder_args(side, markers=markers).values())
        try:
            return enc({"a": obj}, 0)
        finally:
            markers.clear()
    compare(differ, "encoder() markers", "markers holding the object already", prepopulated)

    def markers_cleared(side):
        markers = {}

        def default(o):
            markers.clear()
            return "cleared"
        enc = side.m.make_encoder(*encoder_args(side, markers=markers, default=default).values())
        try:
            return enc([[Opaque()]], 0)
        except KeyError as e:
            return "KeyError", re.sub(r"\d+", "N", str(e))
    compare(differ, "encoder() markers", "default hook clearing markers", markers_cleared)
    # the encoder callable's output is checked (unless it is one of _json's own)
    for enc_value in (Const(1), Const(None), Const(StrSub("sub")), Const("x\u00e9"), Raise("enc", 0), Tag("t")):
        for obj in ("s", {"k": "v"}, ["a", "b"], {1: "x"}):
            compare(differ, "encoder() encoder hook", f"encoder={enc_value!r} on {obj!r}",
                    lambda s, obj=obj, enc_value=enc_value: s.m.make_encoder(
                        *encoder_args(s, encoder=enc_value).values())(obj, 0))
    # the other module's escaper (not its own fast path)
    for obj in ("s\u00e9", {"k\n": ["v"]}):
        compare(differ, "encoder() foreign escaper", f"the other module's encode_basestring_ascii on {obj!r}",
                lambda s, obj=obj: s.m.make_encoder(*encoder_args(
                    s, encoder=(sides(differ)[1] if s.name == "C" else sides(differ)[0]).m.encode_basestring_ascii
                ).values())(obj, 0))
    # random direct encoders
    for _ in range(300):
        random_encoder_case(differ, rng)


def random_encoder_case(differ, rng):
    over = {}
    for name, values in ENCODER_ARG_VALUES.items():
        if rng.random() < 0.25:
            over[name] = rng.choice(values)
    obj = random_tree(rng)
    level = rng.choice([0, 0, 1, 3, -1])

    def use(side):
        a = encoder_args(side, **over)
        markers = a["markers"]
        try:
            return side.m.make_encoder(*a.values())(obj, level), len(markers) if isinstance(markers, dict) else None
        finally:
            if isinstance(markers, dict):
                dict.clear(markers)
    compare(differ, "encoder() random", lambda: f"make_encoder({describe_args((), over)})({short_repr(obj)}, {level})",
            use)


def big_fixed(differ, rng):
    """Large inputs: documents of a few MB, long strings and numbers."""
    rows = [{"id": i, "name": f"n\u00e9{i}", "v": i * 0.5, "tags": ["a", "b\n", "\U0001f600"], "ok": i % 2 == 0,
             "none": None} for i in range(20000)]
    text = sides(differ)[0].json.dumps(rows)
    for kw in ({}, {"sort_keys": True}, {"ensure_ascii": False}, {"indent": 2}):
        compare(differ, "big", f"dumps(20000 rows, {kw})", lambda s, kw=kw: s.json.dumps(rows, **kw))
    compare(differ, "big", f"loads({len(text)} chars)", lambda s: s.json.loads(text))
    compare(differ, "big", "loads(truncated big document)", lambda s: s.json.loads(text[:-3]))
    compare(differ, "big", "loads(corrupted big document)", lambda s: s.json.loads(text[:500000] + "?" + text[500000:]))
    for s_text in ("x" * (1 << 20), "\\n" * (1 << 19), "\\u00e9" * (1 << 17), "\U0001f600" * (1 << 18),
                   "\\ud83d\\ude00" * (1 << 16), "a" * (1 << 20) + "\\"):
        compare(differ, "big", f"scanstring of {len(s_text)} chars",
                lambda s, s_text=s_text: s.m.scanstring('"' + s_text + '"', 1))
    for s_text in ("x" * (1 << 20), "\u00e9" * (1 << 20), "\U0001f600" * (1 << 19), '"\\' * (1 << 19),
                   "\x00" * (1 << 18)):
        for fname in ("encode_basestring", "encode_basestring_ascii"):
            compare(differ, "big", f"{fname} of {len(s_text)} chars",
                    lambda s, fname=fname, s_text=s_text: getattr(s.m, fname)(s_text))
    compare(differ, "big", "loads(200000-digit float)", lambda s: s.json.loads("1" * 200000 + ".5"))
    compare(differ, "big", "loads(1e6 element array)", lambda s: len(s.json.loads("[" + "1," * 999999 + "1]")))


def tracked_tree(v, depth=0):
    """Which lists and dicts of a loads result the cyclic GC tracks (C's
    rule: lists always, a dict once a list or dict is stored in it;
    deterministic while the result holds no tuple)."""
    t = type(v)
    if depth > 100:
        return "deep"
    if t is list:
        return ("list", gc.is_tracked(v), tuple(tracked_tree(x, depth + 1) for x in v))
    if t is dict:
        return ("dict", gc.is_tracked(v), tuple((k, tracked_tree(x, depth + 1)) for k, x in v.items()))
    return t.__name__


class Finalized:
    """Cyclic garbage whose finalizer runs Python code and makes containers
    (in a collection triggered inside a scan)."""

    def __init__(self):
        self.me = self

    def __del__(self):
        _ = [[i] for i in range(20)], len(gc.get_objects(0))


def gc_fixed(differ, rng):
    """Scans during which the cyclic GC runs (3.11 collects inside
    allocations): results tracked as C's, with collections after every
    allocation and finalizers running Python code in them; NaN's
    parse_constant call in the middle, and a custom parse_float."""
    docs = ['[]', '{}', '[[]]', '{"a": {}}', '{"a": []}', '{"a": 1, "b": [1, {"c": {}}]}', '[{"a": 1}, {"b": [2]}]',
            '{"x": [1, {"y": NaN, "z": [2]}], "w": {}}', '[1, [2, [3, [4, {"k": NaN}]]], {"q": {"r": 1.5}}]']
    docs += [sides(differ)[0].json.dumps(random_tree(rng, exotic=False)) for _ in range(100)]
    # past the first containers, which the scanner leaves visible to the GC
    docs += [sides(differ)[0].json.dumps([random_tree(rng, exotic=False) for _ in range(rng.choice([20, 60, 200]))])
             for _ in range(30)]
    docs += ['[' + ', '.join('{"a": [%d], "b": {"c": %s}, "d": {}}' % (i, "NaN" if i == k else i) for i in range(80))
             + ']' for k in (5, 40, 79, -1)]
    hook_kws = [("default", dict), ("parse_float", lambda: {"parse_float": lambda t: float(t)}),
                ("parse_constant", lambda: {"parse_constant": lambda name: [name]})]
    saved = gc.get_threshold()
    for threshold in (None, (1, 1, 1)):
        for text in docs:
            for label, kw_factory in hook_kws:
                def fn(side, text=text, kw_factory=kw_factory):
                    if threshold:
                        gc.set_threshold(*threshold)
                    try:
                        for _ in range(3):
                            Finalized()
                        return tracked_tree(side.json.loads(text, **kw_factory()))
                    finally:
                        gc.set_threshold(*saved)
                compare(differ, "json.loads (gc)",
                        lambda text=text, label=label: f"json.loads({short_repr(text, 200)}) [{label}] "
                                                        f"gc threshold {threshold}", fn)


def fixed_cases(differ, rng):
    sides(differ)
    surface_fixed(differ)
    scanstring_fixed(differ, rng)
    escapers_fixed(differ, rng)
    scanner_fixed(differ, rng)
    decode_error_class_fixed(differ)
    loads_fixed(differ, rng)
    numbers_fixed(differ, rng)
    dumps_fixed(differ, rng)
    encoder_fixed(differ, rng)
    recursion_fixed(differ)
    big_fixed(differ, rng)
    gc_fixed(differ, rng)
    for _ in range(200):
        random_case(differ, rng)


# -- random cases ----------------------------------------------------------------------------

def random_loads_case(differ, rng):
    text = random_doc(rng, max_depth=rng.choice([1, 3, 6]))
    for _ in range(rng.choice([0, 0, 1, 2])):
        text = corrupt(text, rng)
    label, kw = rng.choice(hook_sets())
    loads_case(differ, text, label, kw, how=rng.choice(["loads"] * 6 + ["raw_decode", "load"]))


def random_dumps_case(differ, rng):
    obj = random_tree(rng, max_depth=rng.choice([1, 3, 5]))
    kw = dict(rng.choice(dumps_kwargs_pool()))
    if rng.random() < 0.3:
        kw.update(rng.choice(dumps_kwargs_pool()))
    dumps_case(differ, lambda: obj, kw)
    if rng.random() < 0.5:
        # round trip: C's text back through both
        try:
            text = sides(differ)[0].json.dumps(random_tree(rng, exotic=False), ensure_ascii=rng.random() < 0.5,
                                               indent=rng.choice([None, 1, "\t"]))
        except Exception:  # noqa: BLE001
            return
        label, hooks = rng.choice(hook_sets()[:12])
        loads_case(differ, text, label, hooks, label_prefix="round trip")


def random_case(differ, rng):
    r = rng.random()
    if r < 0.35:
        random_loads_case(differ, rng)
    elif r < 0.65:
        random_dumps_case(differ, rng)
    elif r < 0.75:
        text = '"' + random_string_body(rng) + rng.choice(['"', "", '"x'])
        call(differ, "scanstring", (text, 1, rng.choice([True, False])))
    elif r < 0.85:
        s = random_text(rng)
        call(differ, "encode_basestring", (s,))
        call(differ, "encode_basestring_ascii", (s,))
    elif r < 0.93:
        random_encoder_case(differ, rng)
    else:
        text = random_doc(rng) if rng.random() < 0.6 else corrupt(random_doc(rng), rng)
        idx = rng.choice([0, 0, 1, len(text)])
        ctx_kw = {}
        for name, pool in (("strict", [True, False]), ("object_hook", [None, Tag("o")]),
                           ("object_pairs_hook", [None, Tag("p"), list]),
                           ("parse_float", [float, decimal.Decimal, Tag("f")]), ("parse_int", [int, Tag("i"), float]),
                           ("parse_constant", [None, Tag("c")])):
            if rng.random() < 0.3:
                ctx_kw[name] = rng.choice(pool)
        compare(differ, "scanner", lambda: f"make_scanner(Ctx({ctx_kw!r}))({text!r}, {idx})",
                lambda s: s.m.make_scanner(Ctx(**ctx_kw))(text, idx))


if __name__ == "__main__":
    sys.exit(differential.main("_json", fixed_cases, random_case))
