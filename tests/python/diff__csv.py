"""Differential test of _csv: C module vs oxpy's Rust module.

    python diff__csv.py --rust target/oxpy/3.11/overlay/_csv.cpython-311-x86_64-linux-gnu.so [--time S] [--seed N]

Two layers are compared:

- _csv itself: reader, writer, Dialect, register_dialect / get_dialect /
  list_dialects / unregister_dialect, field_size_limit, the Error class and
  the QUOTE_* constants, called on both modules with the same arguments;
- the stdlib csv module bound to each implementation: Lib/csv.py is executed
  twice, once with sys.modules["_csv"] set to the C module and once to the
  Rust module (restored afterwards), giving two `csv` modules whose Dialect
  classes, excel / excel-tab / unix registrations, DictReader, DictWriter and
  Sniffer run on the implementation they were bound to.

Readers: every dialect option (valid and invalid values, conflicting
combinations: each version's exact TypeError / ValueError / Error message),
dialects given by name, by Dialect object, by any object with the
attributes (some raising), by csv.py's classes; input as lists of lines,
StringIO(newline='') files, arbitrary chunks, iterators that raise or yield
non-str items; multi-line quoted fields, \\r, \\n, \\r\\n, NUL, non-ASCII and
astral characters, unterminated quotes, strict errors, field_size_limit
errors. Each reader is driven next() by next() on both sides, comparing
every row (or exception) and line_num, and continuing after errors.

Writers: each side writes to its own recording file object (whose write
may return odd values or raise); writerow / writerows with str, int, float
(nan, inf, -0.0), None, bool, Decimal, complex, objects whose __str__ raises
or returns a non-str, iterators that raise, non-iterables; results and
everything written are compared after every call.

Random cases: dialects and CSV text drawn from the dialect's special
characters, rows drawn from the same pool, round trips (C writes, both read).
Results are compared as in diff__struct: floats by bits, item types kept,
Dialect / reader / writer objects by their attributes.
"""

import decimal
import importlib.util
import io
import re
import sys
import warnings

import _csv as HELPER  # the stock C module: dialect checks outside the compared calls

import differential
from differential import exception_message, short_repr, type_name

PY = sys.version_info[:2]
QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE, QUOTE_STRINGS, QUOTE_NOTNULL = 0, 1, 2, 3, 4, 5
QUOTINGS = [0, 1, 2, 3] + ([4, 5] if PY >= (3, 12) else [])
DIALECT_ATTRS = ("delimiter", "quotechar", "escapechar", "doublequote", "skipinitialspace", "lineterminator",
                 "quoting", "strict")
DEFAULT_LIMIT = 131072


# -- edge objects ---------------------------------------------------------------------

class StrSubclass(str):
    pass


class IntSubclass(int):
    pass


class FloatSubclass(float):
    pass


class BadStr:
    def __str__(self):
        raise ZeroDivisionError("bad __str__")

    def __repr__(self):
        return "BadStr()"


class StrNotStr:
    def __str__(self):
        return 5

    def __repr__(self):
        return "StrNotStr()"


class Custom:
    """__str__ gives a string with special characters."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"Custom({self.text!r})"


class NumberLike:
    """A number for PyNumber_Check (has __float__), printed oddly."""

    def __float__(self):
        return 1.5

    def __str__(self):
        return "1,5"

    def __repr__(self):
        return "NumberLike()"


class IndexOnly:
    def __index__(self):
        return 3

    def __repr__(self):
        return "IndexOnly()"


class BoolRaises:
    def __bool__(self):
        raise ZeroDivisionError("bad __bool__")

    def __repr__(self):
        return "BoolRaises()"


class DialectLike:
    """A plain object with dialect attributes (reader/writer read them by getattr)."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)

    def __repr__(self):
        return f"DialectLike({self.__dict__!r})"


class RaisingDialect:
    """Reading `name` raises."""

    def __init__(self, name, exc=ZeroDivisionError):
        self.name, self.exc = name, exc

    def __getattr__(self, attr):
        if attr == self.__dict__.get("name"):
            raise self.exc(f"no {attr}")
        raise AttributeError(attr)

    def __repr__(self):
        return f"RaisingDialect({self.name!r})"


class Sink:
    """A file object that records writes; `ret` is what write returns
    ("len", None, or a value), `fail_at` the write that raises."""

    def __init__(self, ret="len", fail_at=None):
        self.log, self.ret, self.fail_at = [], ret, fail_at

    def write(self, s):
        self.log.append(s)
        if self.fail_at is not None and len(self.log) == self.fail_at:
            raise OSError("write failed")
        if self.ret == "len":
            return len(s)
        return self.ret

    def __repr__(self):
        return f"Sink(ret={self.ret!r}, fail_at={self.fail_at!r})"


class NotCallableWrite:
    write = 5


def raising_iter(items, at, exc=ZeroDivisionError):
    """Yields items, raising `exc` before item `at`."""
    for i, x in enumerate(items):
        if i == at:
            raise exc("iterator failed")
        yield x


# -- canonical outcomes ---------------------------------------------------------------

def float_bits(x):
    import array
    return array.array("d", [x]).tobytes()


def _is(v, name):
    return any(type_name(k) == name for k in type(v).__mro__)


def canon(v):
    t = type(v)
    if t is float:
        return ("float", float_bits(v))
    if t in (int, bool, str, bytes, type(None)):
        return (t.__name__, v)
    if t in (list, tuple):
        return (t.__name__, tuple(canon(x) for x in v))
    if t is dict:
        return ("dict", tuple((canon(k), canon(x)) for k, x in v.items()))
    if _is(v, "_csv.Dialect"):
        return ("Dialect", type_name(t), dialect_attrs(v))
    if _is(v, "_csv.reader"):
        return ("reader", type_name(t), attr(v, "line_num"), canon_attr(v, "dialect"))
    if _is(v, "_csv.writer"):
        return ("writer", type_name(t), canon_attr(v, "dialect"))
    if isinstance(v, type):
        return ("class", v.__qualname__, tuple((a, canon_attr(v, a)) for a in DIALECT_ATTRS))
    try:
        text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(v))
    except Exception as e:  # noqa: BLE001
        text = f"<repr failed: {type(e).__name__}>"
    return ("other", type_name(t), text)


def attr(obj, name):
    try:
        return ("ok", getattr(obj, name))
    except Exception as e:  # noqa: BLE001
        return ("raise", type_name(type(e)), exception_message(e))


def canon_attr(obj, name):
    try:
        return ("ok", canon(getattr(obj, name)))
    except Exception as e:  # noqa: BLE001
        return ("raise", type_name(type(e)), exception_message(e))


def dialect_attrs(d):
    return tuple((a, canon_attr(d, a)) for a in DIALECT_ATTRS)


def run(func, args, kwargs):
    """(outcome, raw result, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = func(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - compared
            out, raw = ("raise", type_name(type(e)), exception_message(e)), None
        else:
            out, raw = ("ok", type_name(type(result)), result), result
    return out, raw, tuple((type_name(w.category), str(w.message)) for w in caught)


def comparable(out):
    return (out[0], out[1], canon(out[2])) if out[0] == "ok" else out


def show(out, warns=()):
    text = differential.show_outcome(out)
    if warns:
        text += f" (warnings: {short_repr(list(warns))})"
    return text


def describe_args(args, kwargs):
    return ", ".join([short_repr(a, 100) for a in args] + [f"{k!s}={short_repr(v, 100)}" for k, v in kwargs.items()])


def report(differ, label, detail, c_side, rust_side, step=None):
    differ.report(label, detail, c_side, rust_side)
    on_mismatch = getattr(differ, "on_mismatch", None)
    if on_mismatch is not None:
        on_mismatch([step or {"func": label, "unencodable": "a reader, writer, file object or csv.py case",
                              "repr": f"{detail}\n    C:    {c_side}\n    Rust: {rust_side}"}])


def trace(differ, fname, args, kwargs):
    t = getattr(differ, "_trace", None)
    if t is not None:
        t(fname, args, kwargs)


def trace_steps(differ, calls):
    """Under the fuzzer: write a whole case ([(fname, args, kwargs)], "$i.m"
    for a method of step i's result) to the trace before running it."""
    t = getattr(differ, "_trace_steps", None)
    if t is None or getattr(differ, "trace", None) is None:
        return
    try:
        import fuzz_common
        if any(callable(x) and not isinstance(x, type) for _, a, k in calls for x in list(a) + list(k.values())):
            raise fuzz_common.Unencodable("per-module dialect objects")
        steps = [fuzz_common.encode_call(f, a, k) for f, a, k in calls]
    except Exception as e:  # noqa: BLE001 - written as unencodable
        steps = [{"func": calls[0][0], "unencodable": str(e)}]
    t(steps)


def encodable(fname, args, kwargs, outs):
    """The encoded step when the raw outcomes replay as compared (results
    of plain types only: fuzz_common.diverges compares them with ==); else None."""
    for o in outs:
        if o[0] == "ok" and not plain(o[2]):
            return None
    try:
        import fuzz_common
        return fuzz_common.encode_call(fname, args, kwargs)
    except Exception:  # noqa: BLE001
        return None


def plain(v):
    if type(v) in (int, bool, str, bytes, type(None)):
        return True
    if type(v) in (list, tuple):
        return all(plain(x) for x in v)
    return False


def call(differ, fname, args=(), kwargs=None, label=None, on=None):
    """`fname` on both modules (or on the objects `on` = (C side, Rust side));
    `args` a tuple or a function giving fresh (args, kwargs) per side.
    Returns (C raw result, Rust raw result, same)."""
    kwargs = kwargs or {}
    label = label or fname
    sides = []
    for i, module in enumerate((differ.c, differ.rust)):
        a, k = args() if callable(args) else (args, kwargs)
        target = on[i] if on is not None else module
        func = getattr(target, fname)
        if i == 0 and on is None:
            trace(differ, fname, a, k)
        out, raw, warns = run(func, a, k)
        sides.append((comparable(out), out, raw, warns, a, k))
    differ.calls[label] += 1
    (oc, out_c, rc, wc, a0, k0), (orust, out_r, rr, wr, _, _) = sides
    same = differential.same_outcome(oc, orust) and wc == wr
    if not same:
        where = label if on is None else f"{label} on {short_repr(on[0], 60)}"
        step = None if on is not None or callable(args) else encodable(fname, a0, k0, (out_c, out_r))
        report(differ, label, f"{where}({describe_args(a0, k0)})", show(oc, wc), show(orust, wr), step)
    return rc, rr, same


def compare_values(differ, label, detail, c_value, rust_value):
    differ.calls[label] += 1
    a, b = canon(c_value), canon(rust_value)
    if a != b:
        report(differ, label, detail, short_repr(a, 600), short_repr(b, 600))
        return False
    return True


# -- csv.py bound to each implementation -----------------------------------------------

def bind_csv(impl):
    """Lib/csv.py executed with `impl` as its _csv (a module named "csv", not
    put in sys.modules)."""
    import csv as stock
    spec = importlib.util.spec_from_file_location("csv", stock.__file__)
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get("_csv")
    sys.modules["_csv"] = impl
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["_csv"]
        else:
            sys.modules["_csv"] = saved
    return module


def bound(differ):
    """(csv bound to C, csv bound to Rust), made once per differ (their
    import registers excel, excel-tab and unix in each implementation)."""
    if not hasattr(differ, "_csv_bound"):
        differ._csv_bound = (bind_csv(differ.c), bind_csv(differ.rust))
    return differ._csv_bound


# -- dialects ----------------------------------------------------------------------------

DELIMITERS = [",", ";", "\t", "|", " ", ":", "a", "\0", "\xe9", "\U0001f600", "\u2028", "'"]
QUOTECHARS = ['"', "'", "|", "\0", "\xe9", "\U0001f600", None, "~"]
ESCAPECHARS = [None, "\\", "^", "\0", "\xe9", "\U0001f600", "!"]
LINETERMINATORS = ["\r\n", "\n", "\r", "", "\r\n\r\n", "END", "\0", "\xe9\U0001f600", "\n\r"]
BOOL_VALUES = [True, False, 0, 1, 2, None, "", "x", [], [0], 1.5, BoolRaises()]
BAD_CHAR_VALUES = ["", "ab", None, 1, b",", 1.5, StrSubclass(";"), StrSubclass("ab"), [","], "\n", "\r", '"', ",",
                   " ", "\\"]
QUOTING_VALUES = [0, 1, 2, 3, 4, 5, 6, -1, 2 ** 31, 2 ** 70, None, "1", 1.0, True, False, IntSubclass(1), IndexOnly()]
OPTION_VALUES = {
    "delimiter": DELIMITERS + BAD_CHAR_VALUES,
    "quotechar": QUOTECHARS + BAD_CHAR_VALUES,
    "escapechar": ESCAPECHARS + BAD_CHAR_VALUES,
    "lineterminator": LINETERMINATORS + [None, 1, b"\n", StrSubclass("\n"), ",", '"', "\\", " ", "a,b"],
    "doublequote": BOOL_VALUES,
    "skipinitialspace": BOOL_VALUES,
    "strict": BOOL_VALUES,
    "quoting": QUOTING_VALUES,
}


def random_dialect_kwargs(rng, valid=True):
    """Dialect keyword arguments; with valid=True, distinct special
    characters (every version accepts them), else anything."""
    kw = {}
    if not valid:
        for name, pool in OPTION_VALUES.items():
            if rng.random() < 0.3:
                kw[name] = rng.choice(pool)
        return kw
    used = set()

    def pick(pool):
        choices = [c for c in pool if c is None or c not in used]
        ch = rng.choice(choices)
        if ch is not None:
            used.add(ch)
        return ch
    if rng.random() < 0.6:
        kw["delimiter"] = pick(DELIMITERS)
    else:
        used.add(",")
    if rng.random() < 0.4:
        q = pick(QUOTECHARS)
        kw["quotechar"] = q
    else:
        used.add('"')
    if rng.random() < 0.4:
        kw["escapechar"] = pick(ESCAPECHARS)
    if rng.random() < 0.3:
        terms = [t for t in LINETERMINATORS if not (set(t) & used)]
        kw["lineterminator"] = rng.choice(terms or ["\r\n"])
    for name in ("doublequote", "skipinitialspace", "strict"):
        if rng.random() < 0.3:
            kw[name] = rng.choice([True, False])
    if rng.random() < 0.5:
        kw["quoting"] = rng.choice(QUOTINGS)
    if kw.get("quotechar", '"') is None and kw.get("quoting", 0) != QUOTE_NONE:
        kw["quoting"] = QUOTE_NONE if rng.random() < 0.8 else kw.get("quoting", 0)
    return kw


def dialect_chars(kw):
    """The special characters of a dialect's keyword arguments (defaults of excel)."""
    out = [kw.get("delimiter", ","), kw.get("quotechar", '"'), kw.get("escapechar")]
    return [c for c in out if isinstance(c, str)]


# -- text and rows --------------------------------------------------------------------------

PLAIN = ["a", "b", "x", "1", "2", "0", ".", "-", "e", "+", " ", "  ", "\t", "\0", "\xe9", "\U0001f600", "\u2028",
         "nan", "inf", "1.5", "-3e4", "abc", "\x85", "\x0b", "\x0c"]
NEWLINES = ["\r\n", "\n", "\r", "\n\r"]


def random_text(rng, kw, n=None):
    """CSV-ish text: plain pieces, the dialect's special characters, newlines."""
    specials = dialect_chars(kw) + ['"', ",", "\\"]
    n = rng.choice([0, 1, 2, 5, 10, 30, 80, 200]) if n is None else n
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            out.append(rng.choice(PLAIN))
        elif r < 0.85:
            out.append(rng.choice(specials))
        else:
            out.append(rng.choice(NEWLINES))
    return "".join(out)


def split_lines(text, how, rng):
    """The text as the reader's input items."""
    if how == "lines":
        return text.splitlines(keepends=True)
    if how == "file":
        return list(io.StringIO(text, newline=""))
    if how == "universal":
        return list(io.StringIO(text))
    if how == "bare":
        return text.split("\n")
    if how == "whole":
        return [text]
    cuts = sorted(rng.randrange(len(text) + 1) for _ in range(rng.randrange(4)))
    return [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]


SPLITS = ["lines", "file", "universal", "bare", "whole", "chunks"]


def random_field(rng, kw):
    r = rng.random()
    if r < 0.55:
        return random_text(rng, kw, rng.choice([0, 1, 2, 3, 6]))
    if r < 0.65:
        return rng.choice([0, 1, -1, 10 ** 20, IntSubclass(7), True, False])
    if r < 0.75:
        return rng.choice([0.0, -0.0, 1.5, 1e100, 1e-7, float("nan"), float("inf"), FloatSubclass(2.5)])
    if r < 0.85:
        return None
    return rng.choice([decimal.Decimal("1.10"), 1 + 2j, StrSubclass("s,t"), Custom('c"d'), NumberLike(), b"x",
                       BadStr(), StrNotStr(), ["l"], Custom("")])


def random_row(rng, kw):
    n = rng.choice([0, 1, 1, 2, 3, 5, 8])
    row = [random_field(rng, kw) for _ in range(n)]
    r = rng.random()
    if r < 0.08:
        return tuple(row)
    if r < 0.1:
        return "".join(str(x) for x in row if isinstance(x, str))
    if r < 0.12:
        return rng.choice([5, None, 1.5])
    return row


# -- readers and writers -------------------------------------------------------------------

def side_dialect(module, spec):
    """A dialect argument for one side: "C:<kwargs>" makes that module's
    Dialect, a callable builds it from the module, anything else is shared."""
    if callable(spec) and not isinstance(spec, type):
        return spec(module)
    return spec


def side_call(m, fname, first, args, kwargs):
    """m.fname(*first, *args, **kwargs) with the per-module dialect
    arguments made here (so that making them fails as part of the call)."""
    a = tuple(side_dialect(m, x) for x in args)
    k = {n: side_dialect(m, v) for n, v in kwargs.items()}
    return getattr(m, fname)(*first, *a, **k)


def reader_case(differ, make_items, args=(), kwargs=None, limit=200, label="reader", modules=None, fname="reader"):
    """reader(items, *args, **kwargs) on both sides (fresh items each, dialect
    objects per module), then next() to the end: each row or exception and
    line_num compared; it carries on after errors (at most 5)."""
    kwargs = kwargs or {}
    mods = modules or (differ.c, differ.rust)
    if modules is None and getattr(differ, "trace", None) is not None:
        trace_steps(differ, [(fname, (make_items(),) + tuple(args), kwargs)] +
                    [("$0.__next__", (), {})] * min(limit, 50))
    sides = []
    for m in mods:
        out, raw, warns = run(side_call, (m, fname, (make_items(),), args, kwargs), {})
        sides.append((out, raw, warns))
    detail = f"{label}({short_repr(make_items(), 200)}, {describe_args(args, kwargs)})"
    differ.calls[label] += 1
    (oc, rc, wc), (orust, rr, wr) = sides
    if not differential.same_outcome(comparable(oc), comparable(orust)) or wc != wr:
        report(differ, label, detail, show(comparable(oc), wc), show(comparable(orust), wr))
        return None
    if oc[0] != "ok":
        return None
    rows = []
    errors = 0
    for _ in range(limit):
        a, b = run(rc.__next__, (), {}), run(rr.__next__, (), {})
        ca, cb = comparable(a[0]), comparable(b[0])
        la, lb = attr(rc, "line_num"), attr(rr, "line_num")
        differ.calls[f"{label}.__next__"] += 1
        if not differential.same_outcome(ca, cb) or a[2] != b[2] or la != lb:
            report(differ, f"{label}.__next__", f"{detail} after rows {short_repr(rows, 300)}",
                   f"{show(ca, a[2])}; line_num {la}", f"{show(cb, b[2])}; line_num {lb}")
            return None
        if a[0][0] == "raise":
            if a[0][1] == "builtins.StopIteration":
                break
            errors += 1
            if errors > 5:
                break
        else:
            rows.append(a[0][2])
    compare_values(differ, f"{label}.dialect", f"{detail}.dialect", attr(rc, "dialect"), attr(rr, "dialect"))
    return rows


def writer_case(differ, ops, args=(), kwargs=None, sink=lambda: Sink(), label="writer", modules=None):
    """writer(sink, *args, **kwargs) on both sides, then each op: ("writerow",
    make_row) / ("writerows", make_rows) with fresh rows per side; the
    outcome and everything written so far compared after each."""
    kwargs = kwargs or {}
    mods = modules or (differ.c, differ.rust)
    if modules is None and getattr(differ, "trace", None) is not None:
        trace_steps(differ, [("writer", (sink(),) + tuple(args), kwargs)] +
                    [(f"$0.{method}", (make(),), {}) for method, make in ops])
    sides = []
    for m in mods:
        s = sink()
        out, raw, warns = run(side_call, (m, "writer", (s,), args, kwargs), {})
        sides.append((out, raw, warns, s))
    detail = f"{label}({sink()!r}, {describe_args(args, kwargs)})"
    differ.calls[label] += 1
    (oc, wc_, warn_c, sc), (orust, wr_, warn_r, sr) = sides
    if not differential.same_outcome(comparable(oc), comparable(orust)) or warn_c != warn_r:
        report(differ, label, detail, show(comparable(oc), warn_c), show(comparable(orust), warn_r))
        return
    if oc[0] != "ok":
        return
    done = []
    for method, make in ops:
        a, b = run(getattr(wc_, method), (make(),), {}), run(getattr(wr_, method), (make(),), {})
        ca, cb = comparable(a[0]), comparable(b[0])
        logc, logr = getattr(sc, "log", None), getattr(sr, "log", None)
        differ.calls[f"{label}.{method}"] += 1
        if not differential.same_outcome(ca, cb) or a[2] != b[2] or logc != logr:
            report(differ, f"{label}.{method}", f"{detail} after {done} -> {method}({short_repr(make(), 200)})",
                   f"{show(ca, a[2])}; written {short_repr(logc, 300)}",
                   f"{show(cb, b[2])}; written {short_repr(logr, 300)}")
            return
        done.append(f"{method}(...)")
    compare_values(differ, f"{label}.dialect", f"{detail}.dialect", attr(wc_, "dialect"), attr(wr_, "dialect"))


def rows_op(rows):
    return [("writerow", lambda r=r: list(r) if isinstance(r, list) else r) for r in rows]


# -- fixed cases ---------------------------------------------------------------------------

def surface_fixed(differ):
    c, rust = differ.c, differ.rust
    kinds = [("Dialect", c.Dialect, rust.Dialect), ("Error", c.Error, rust.Error),
             ("Reader", type(c.reader([])), type(rust.reader([]))),
             ("Writer", type(c.writer(Sink())), type(rust.writer(Sink())))]
    for name, ta, tb in kinds:
        for a in ("__name__", "__qualname__", "__module__", "__doc__", "__text_signature__", "__flags__",
                  "__weakrefoffset__", "__dictoffset__"):
            differ.compare(f"{name}.{a}", getattr(ta, a, "<missing>"), getattr(tb, a, "<missing>"))
        differ.compare(f"dir({name})", dir(ta), dir(tb))
        differ.compare(f"{name}.__mro__", [type_name(k) for k in ta.__mro__],
                       [type_name(k) for k in getattr(tb, "__mro__", ())])
        for m in sorted(set(dir(ta)) & set(dir(tb))):
            if m in ("__doc__", "__class__"):
                continue
            x, y = getattr(ta, m), getattr(tb, m)
            differ.compare(f"{name}.{m} kind", type_name(type(x)), type_name(type(y)))
            for a in ("__doc__", "__text_signature__", "__name__", "__qualname__"):
                differ.compare(f"{name}.{m}.{a}", getattr(x, a, "<missing>"), getattr(y, a, "<missing>"))
    for name, make in (("reader()", lambda m: type(m.reader([]))()), ("writer()", lambda m: type(m.writer(Sink()))()),
                       ("reader.__new__", lambda m: type(m.reader([])).__new__(type(m.reader([])))),
                       ("Dialect pickle", lambda m: __import__("pickle").dumps(m.Dialect())),
                       ("Dialect copy", lambda m: canon(__import__("copy").copy(m.Dialect()))),
                       ("Dialect reduce_ex", lambda m: m.Dialect().__reduce_ex__(2)),
                       ("Dialect reduce", lambda m: m.Dialect().__reduce__()),
                       ("reader pickle", lambda m: __import__("pickle").dumps(m.reader([]))),
                       ("Dialect hash", lambda m: type(hash(m.Dialect()))),
                       ("Dialect ==", lambda m: m.Dialect() == m.Dialect()),
                       ("Dialect weakref", lambda m: __import__("weakref").ref(m.Dialect()) is not None),
                       ("reader weakref", lambda m: __import__("weakref").ref(m.reader([])) is not None),
                       ("Dialect subclass", lambda m: canon(type("D", (m.Dialect,), {})(delimiter=";"))),
                       ("Dialect subclass same",
                        lambda m: (lambda d: type("D", (m.Dialect,), {})(d) is d)(m.Dialect())),
                       ("Dialect same", lambda m: (lambda d: m.Dialect(d) is d)(m.Dialect())),
                       ("Dialect same kw", lambda m: (lambda d: m.Dialect(d, delimiter=";") is d)(m.Dialect())),
                       ("Dialect of Dialect", lambda m: canon(m.Dialect(m.Dialect(delimiter=";"), quotechar="'"))),
                       ("Reader subclass", lambda m: type("R", (type(m.reader([])),), {})),
                       ("Error subclass", lambda m: type("E", (m.Error,), {})("x").args),
                       ("Error()", lambda m: str(m.Error("a", 1))),
                       ("_dialects type", lambda m: type(m._dialects).__name__)):
        outs = [run(make, (m,), {}) for m in (c, rust)]
        differ.calls["<objects>"] += 1
        if comparable(outs[0][0]) != comparable(outs[1][0]):
            report(differ, "<objects>", name, show(comparable(outs[0][0])), show(comparable(outs[1][0])))
    for obj_name, make in (("Dialect", lambda m: m.Dialect()), ("reader", lambda m: m.reader([])),
                           ("writer", lambda m: m.writer(Sink()))):
        for a, v in [(a, ";") for a in DIALECT_ATTRS] + [("line_num", 3), ("dialect", None), ("foo", 1),
                                                         ("__dict__", {})]:
            outs = [run(setattr, (make(m), a, v), {}) for m in (c, rust)]
            differ.calls["<setattr>"] += 1
            if comparable(outs[0][0]) != comparable(outs[1][0]):
                report(differ, "<setattr>", f"{obj_name}.{a} = {v!r}", show(comparable(outs[0][0])),
                       show(comparable(outs[1][0])))
            outs = [run(delattr, (make(m), a), {}) for m in (c, rust)]
            differ.calls["<delattr>"] += 1
            if comparable(outs[0][0]) != comparable(outs[1][0]):
                report(differ, "<delattr>", f"del {obj_name}.{a}", show(comparable(outs[0][0])),
                       show(comparable(outs[1][0])))


def dialect_fixed(differ):
    """Dialect validation: every option x value alone, then combinations."""
    c, rust = differ.c, differ.rust
    for name, pool in OPTION_VALUES.items():
        for v in pool:
            kw = {name: v}
            call(differ, "Dialect", (), kw)
            call(differ, "Dialect", (DialectLike(**kw),))
            call(differ, "Dialect", (), dict(kw, dialect=None))
            reader_case(differ, lambda: ["a,b\r\n"], (), kw, label="reader")
            writer_case(differ, rows_op([["a", "b c"]]), (), kw)
            call(differ, "register_dialect", ("tmp",), kw)
            call(differ, "unregister_dialect", ("tmp",))
    combos = [dict(quoting=3, quotechar=None), dict(quoting=0, quotechar=None), dict(quoting=1, quotechar=None),
              dict(quotechar=None), dict(quotechar=None, escapechar="\\"), dict(delimiter=",", quotechar=","),
              dict(delimiter=",", escapechar=","), dict(quotechar="x", escapechar="x"), dict(lineterminator=",x"),
              dict(delimiter=" ", skipinitialspace=True), dict(delimiter="\t", skipinitialspace=True),
              dict(lineterminator="\r\n,"), dict(lineterminator='"'),
              dict(lineterminator='"', quoting=3, quotechar=None),
              dict(delimiter="a", quotechar="a", quoting=3), dict(escapechar="\\", lineterminator="\\"),
              dict(delimiter=";", lineterminator=";"), dict(quotechar="'", lineterminator="'\n"),
              dict(delimiter="\n"), dict(delimiter="\r", quoting=3, quotechar=None), dict(escapechar="\r"),
              dict(quotechar="\n", quoting=3), dict(x=1), dict(dialect="excel"), dict(dialect="nosuch"),
              dict(dialect=None), dict(dialect=5), dict(delimiter=None, quoting=3), dict(quoting=None, quotechar=None),
              dict(quoting=4, quotechar=None), dict(quoting=5, quotechar=None), dict(quoting=2, escapechar="\\"),
              dict(doublequote=False), dict(doublequote=False, escapechar=None),
              dict(strict=True, skipinitialspace=True, doublequote=False, escapechar="!")]
    for kw in combos:
        call(differ, "Dialect", (), kw)
        reader_case(differ, lambda: ['a, "b""c" ,d\r\n', "e\\,f\r\n"], (), kw)
        writer_case(differ, rows_op([["a", 'b"c', "d,e", "", None, 1.5, "f\\g", "h i", "j\nk", "\r"], [""], []]),
                    (), kw)
    # positional forms, dialect objects of every kind
    excel_like = DialectLike(delimiter=",", quotechar='"', escapechar=None, doublequote=True, skipinitialspace=False,
                             lineterminator="\r\n", quoting=0, strict=False)
    for d in ("excel", "nosuch", None, 5, excel_like, DialectLike(), DialectLike(delimiter=";"),
              DialectLike(delimiter=";", quoting=3, quotechar=None), DialectLike(quoting="x"),
              RaisingDialect("delimiter"), RaisingDialect("quoting"), RaisingDialect("strict"),
              RaisingDialect("lineterminator", AttributeError), RaisingDialect("doublequote", KeyError),
              lambda m: m.Dialect(delimiter="|"), lambda m: m.Dialect(quoting=1), lambda m: m.Dialect(),
              lambda m: type("Sub", (m.Dialect,), {})(delimiter=":"), StrSubclass("excel")):
        for args, kw in (((d,), {}), ((d,), {"delimiter": ";"}), ((), {"dialect": d}), ((d,), {"quoting": 3})):
            sides = [run(side_call, (m, "Dialect", (), args, kw), {}) for m in (c, rust)]
            differ.calls["Dialect"] += 1
            if comparable(sides[0][0]) != comparable(sides[1][0]):
                report(differ, "Dialect", f"Dialect({describe_args(args, kw)})", show(comparable(sides[0][0])),
                       show(comparable(sides[1][0])))
            reader_case(differ, lambda: ['a;b,"c|d"\r\n'], args, kw)
            writer_case(differ, rows_op([["a;b", "c|d", 'e"f', ""]]), args, kw)
    for args, kw in (((), {}), (("excel", "excel"), {}), (("excel",), {"dialect": "excel"}),
                     ((), {"delimiter": ";", "dialect": "excel"}), (("excel",), {"bad": 1}),
                     ((), {"Delimiter": ";"})):
        call(differ, "Dialect", args, kw)


def registry_fixed(differ):
    c = differ.c
    call(differ, "list_dialects")
    seq = [("register_dialect", ("d1",), {}), ("register_dialect", ("d2",), {"delimiter": ";"}),
           ("register_dialect", ("d3", "d2"), {}), ("register_dialect", ("d4", "d2"), {"quoting": 1}),
           ("register_dialect", ("d5", DialectLike(delimiter="|")), {}), ("register_dialect", ("d1",), {"x": 1}),
           ("register_dialect", ("d6", "nosuch"), {}), ("register_dialect", (5,), {}), ("register_dialect", (), {}),
           ("register_dialect", ("d7", None, None), {}), ("register_dialect", (StrSubclass("d8"),), {}),
           ("register_dialect", ("",), {}), ("register_dialect", ("d9",), {"delimiter": ""}),
           ("register_dialect", (None,), {}), ("register_dialect", ("d10",), {"dialect": "d2"}),
           ("register_dialect", (), {"name": "d11"}), ("list_dialects", (), {}), ("list_dialects", (1,), {}),
           ("get_dialect", ("d1",), {}), ("get_dialect", ("d4",), {}), ("get_dialect", ("nosuch",), {}),
           ("get_dialect", (5,), {}), ("get_dialect", (), {}), ("get_dialect", (), {"name": "d2"}),
           ("get_dialect", ("d8",), {}), ("get_dialect", (StrSubclass("d2"),), {}), ("get_dialect", ("d1", 1), {}),
           ("register_dialect", ("d1",), {"delimiter": "!"}), ("get_dialect", ("d1",), {}),
           ("unregister_dialect", ("d1",), {}), ("unregister_dialect", ("d1",), {}),
           ("unregister_dialect", (5,), {}), ("unregister_dialect", (), {}), ("unregister_dialect", (), {"name": "d2"}),
           ("list_dialects", (), {})]
    for fname, args, kw in seq:
        call(differ, fname, args, kw)
        compare_values(differ, "_dialects", f"_dialects after {fname}{args!r}", sorted(differ.c._dialects),
                       sorted(differ.rust._dialects))
    reader_case(differ, lambda: ["a;b|c\r\n"], ("d3",))
    reader_case(differ, lambda: ["a;b|c\r\n"], (), {"dialect": "d5"})
    writer_case(differ, rows_op([["a;b", "c|d"]]), ("d4",))
    for name in list(c.list_dialects()):
        call(differ, "unregister_dialect", (name,))
    call(differ, "list_dialects")


def field_limit_fixed(differ):
    for args, kw in (((), {}), ((5,), {}), ((), {}), ((), {"new_limit": 10}), (("x",), {}), ((1.5,), {}),
                     ((2 ** 70,), {}), ((-1,), {}), ((0,), {}), ((True,), {}), ((IntSubclass(7),), {}),
                     ((IndexOnly(),), {}), ((1, 2), {}), ((), {"limit": 1}), ((None,), {}), ((2 ** 63 - 1,), {}),
                     ((-2 ** 63,), {}), ((2 ** 63,), {})):
        call(differ, "field_size_limit", args, kw)
        call(differ, "field_size_limit")
    for limit in (0, 1, 3, 5, 100):
        call(differ, "field_size_limit", (limit,))
        for items in (["abcd"], ['"abcd"'], ["abc,abc"], ["a,bcdef"], ['"ab', 'cd"'], ["x" * 200], ["", "a"],
                      ['"a""b"'], ["a\\bc"], ["1234567"]):
            reader_case(differ, lambda items=items: list(items), (), {})
            reader_case(differ, lambda items=items: list(items), (), {"escapechar": "\\"})
    call(differ, "field_size_limit", (DEFAULT_LIMIT,))


TRICKY_LINES = [
    ["a,b,c\r\n"], ['"a,b",c\r\n'], ['"a""b"\r\n'], ['"a"b\r\n'], ['a"b"\r\n'], ['"a\r\n', 'b"\r\n'],
    ['"unterminated\r\n'], ['"unterminated'], ['a,"b\n', 'c",d\n'], ["\r\n"], [""], ["\n"], ["\r"], ["\r", "\n"],
    [' a, b ,  "c"\r\n'], ["a\0b"], ['"a\0b"'], ["a\\,b"], ["a\\\r\n"], ["\\"], ['"\\"" '], ["a\r", "b\n"],
    ["a\rb"], ["a\nb"], ['"a\nb"'], ['"a\rb"'], [",,"], [',"",'], ['""'], ['"""'], ['""""'], ['"""""'],
    ["\xe9,\U0001f600\r\n"], ['"\xe9""\U0001f600"'], ["1,2.5,-3e4,nan,inf,\"1\",abc"], ['  "a"  ,b'], ['"a" ,b'],
    ['"a"\t,b'], ["a,b\r\n", "", "c\r\n"], ["a,b", "c,d"], ['"a', "", 'b"'], ["\r\n", "\r\n"], ['"\r\n"'],
    ["a\r\r\n"], ["a\n\n"], ['x,"', '"'], ['"', ""], ['"a" "b"'], ["a,\0,b"], ["\0"], ['"\0"'], ["a \\ b"],
    ["'a,b',c"], ["a;b;c"], ["a\tb\tc"], ["a|b|c"], [" "], ["  ,  "], ['a,"b"c,d'], ['a,"b"  ,d'],
    ["1,2,3", "4,5,6\r\n"], ['"1"," 2", 3, "x" '], ["-0,1e500,0x10,1_000,  7 ,\u0663"], ["True,None,"],
    [StrSubclass("a,b")], ["a\x85b\x0bc\x0cd\u2028e"], ["a\r\nb"], ['"a\r\nb"\r\n'], ["a,b\\\r\n", "c\r\n"],
    ['"a\\"\r\n', 'b"\r\n'], ["\\\n", "x"], ['"\\\n', 'x"'],
]
READER_DIALECTS = [{}, {"strict": True}, {"skipinitialspace": True}, {"escapechar": "\\"},
                   {"doublequote": False, "escapechar": "\\"}, {"doublequote": False},
                   {"quoting": QUOTE_NONE}, {"quoting": QUOTE_NONE, "escapechar": "\\"},
                   {"quoting": QUOTE_NONE, "quotechar": None}, {"quoting": QUOTE_NONNUMERIC},
                   {"quoting": QUOTE_NONNUMERIC, "strict": True}, {"quoting": QUOTE_ALL},
                   {"quoting": QUOTE_STRINGS}, {"quoting": QUOTE_NOTNULL}, {"delimiter": "\t"},
                   {"delimiter": ";", "quotechar": "'"}, {"delimiter": " ", "skipinitialspace": True},
                   {"delimiter": "\0"}, {"quotechar": "\0"}, {"escapechar": "\0"}, {"delimiter": "\U0001f600"},
                   {"lineterminator": "\n"}, {"strict": True, "escapechar": "\\", "skipinitialspace": True},
                   {"quotechar": None, "quoting": QUOTE_NONE, "escapechar": "\\", "strict": True},
                   {"dialect": "excel"}, {"dialect": "unix"}, {"dialect": "excel-tab"}]


def reader_fixed(differ, rng):
    registered = [n for n in ("excel", "unix", "excel-tab")]
    for name in registered:  # as csv.py registers them (by name in the fixed dialect list)
        call(differ, "register_dialect", (name,), {"excel": {}, "unix": {"quoting": 1, "lineterminator": "\n"},
                                                    "excel-tab": {"delimiter": "\t"}}[name])
    for kw in READER_DIALECTS:
        for lines in TRICKY_LINES:
            reader_case(differ, lambda lines=lines: list(lines), (), kw)
    for name in registered:
        call(differ, "unregister_dialect", (name,))
    # inputs that are not lists of str
    for make in (lambda: iter(["a,b", "c"]), lambda: ("a,b", "c"), lambda: raising_iter(["a,b", "c,d", "e"], 1),
                 lambda: raising_iter(['"a', "b", "c"], 1), lambda: raising_iter(["a"], 0, StopIteration),
                 lambda: raising_iter(["a", "b"], 1, ValueError),
                 lambda: [b"a,b"], lambda: ["a", 1], lambda: [None], lambda: [["a"]], lambda: ["a", bytearray(b"b")],
                 lambda: 5, lambda: None, lambda: "a,b\nc", lambda: {"a,b": 1}, lambda: io.StringIO("a,b\r\nc\r\n"),
                 lambda: io.StringIO('"a\nb",c\r\nd', newline=""), lambda: io.StringIO('"a\nb",c\r\nd'),
                 lambda: (x for x in ["a", StrSubclass("b,c"), "d"]), lambda: ["a,b"] * 1000,
                 lambda: ["x" * 100000 + ",y"], lambda: ['"' + "q" * 50000, "r" * 50000 + '"']):
        reader_case(differ, make)
        reader_case(differ, make, (), {"strict": True})
    for args, kw in (((), {}), ((["a"], "excel", "x"), {}), ((["a"],), {"dialect": "excel", "x": 1}),
                     ((["a"],), {"csvfile": []}), ((), {"csvfile": ["a"]}), ((["a"], None), {}),
                     ((["a"],), {"quoting": QUOTE_NONNUMERIC, "delimiter": ";"})):
        sides = [run(m.reader, args, kw) for m in (differ.c, differ.rust)]
        differ.calls["reader"] += 1
        if comparable(sides[0][0]) != comparable(sides[1][0]):
            report(differ, "reader", f"reader({describe_args(args, kw)})", show(comparable(sides[0][0])),
                   show(comparable(sides[1][0])))
    # line_num over multi-line fields and blank lines
    text = 'a,"b\r\nc",d\r\n\r\n"e\n\nf"\r\n"g\rh"\r\ni\r\n'
    for how in SPLITS:
        items = split_lines(text, how, rng)
        reader_case(differ, lambda items=items: list(items))
    # a reader fed after an error continues
    reader_case(differ, lambda: ['"a', "b", 'c"d', "e,f", '"g', 'h"i'], (), {"strict": True})


TRICKY_ROWS = [[], [""], [None], ["", ""], [None, None], ["a"], ["a,b"], ['a"b'], ["a\nb"], ["a\rb"], ["a\r\nb"],
               [" a"], ["a "], ["\0"], ["\xe9\U0001f600"], [1, 2.5, -0.0, float("nan"), float("inf"), 10 ** 30],
               [True, False, None], [decimal.Decimal("1.50")], [1 + 2j], ["\\"], ["a\\b"], ["\\"], [StrSubclass("x,y")],
               [IntSubclass(3)], [FloatSubclass(1.25)], [Custom('q"r')], [Custom("")], [NumberLike()],
               [BadStr()], [StrNotStr()], ["a", BadStr(), "b"], [b"x"], [["nested"]], ["'"], ["a'b"], ["a;b"],
               ["a\tb"], ["#"], ["-"], ["1"], ["1.5"], ["nan"], ["\u2028"], ["\x85"], ["x" * 10000], [""] * 3,
               ["a", ""], ["", "a"], [1e300 * 10], [10 ** 400], [-1], [IndexOnly()]]
WRITER_DIALECTS = [{}, {"quoting": QUOTE_ALL}, {"quoting": QUOTE_NONNUMERIC}, {"quoting": QUOTE_NONE},
                   {"quoting": QUOTE_NONE, "escapechar": "\\"}, {"quoting": QUOTE_STRINGS}, {"quoting": QUOTE_NOTNULL},
                   {"escapechar": "\\"}, {"doublequote": False}, {"doublequote": False, "escapechar": "\\"},
                   {"lineterminator": "\n"}, {"lineterminator": ""}, {"lineterminator": "END"},
                   {"delimiter": "\t"}, {"delimiter": ";", "quotechar": "'"}, {"delimiter": " "},
                   {"quotechar": None, "quoting": QUOTE_NONE, "escapechar": "!"}, {"skipinitialspace": True},
                   {"delimiter": "\0"}, {"escapechar": "\0", "quoting": QUOTE_NONE}, {"strict": True},
                   {"quoting": QUOTE_ALL, "quotechar": "\U0001f600"}, {"quoting": QUOTE_NONNUMERIC, "escapechar": "\\"},
                   {"lineterminator": "\r"}, {"quoting": QUOTE_MINIMAL, "lineterminator": "\n", "escapechar": "\\"}]


def writer_fixed(differ, rng):
    for kw in WRITER_DIALECTS:
        for row in TRICKY_ROWS:
            writer_case(differ, rows_op([row]), (), kw)
        writer_case(differ, [("writerows", lambda: [list(r) for r in TRICKY_ROWS[:12]])], (), kw)
    # rows that are not lists; iterators that fail
    for make in (lambda: 5, lambda: None, lambda: "abc", lambda: "", lambda: ("a", 1), lambda: iter(["a", "b"]),
                 lambda: raising_iter(["a", "b", "c"], 1), lambda: raising_iter(["a"], 0),
                 lambda: {"k": 1, "l": 2}, lambda: range(3), lambda: (x for x in ["a", None, 2])):
        writer_case(differ, [("writerow", make)])
        writer_case(differ, [("writerows", lambda make=make: [make()])])
    for make in (lambda: 5, lambda: None, lambda: [], lambda: [[]], lambda: [5], lambda: ["ab", "c"],
                 lambda: raising_iter([["a"], ["b"], ["c"]], 2), lambda: iter([["a"], 5, ["b"]]),
                 lambda: ([i, str(i)] for i in range(50)), lambda: [[BadStr()], ["x"]]):
        writer_case(differ, [("writerows", make)])
        writer_case(differ, [("writerows", make)], (), {"quoting": QUOTE_NONE})
    # file objects: write returning odd values, raising, missing, not callable
    for sink in (lambda: Sink(ret=None), lambda: Sink(ret="x"), lambda: Sink(ret=-1), lambda: Sink(fail_at=1),
                 lambda: Sink(fail_at=2), lambda: NotCallableWrite(), lambda: object(), lambda: io.StringIO(),
                 lambda: Sink(ret=[1, 2]), lambda: 5):
        writer_case(differ, rows_op([["a", "b"], ["c"]]) + [("writerows", lambda: [["d"], ["e"]])], sink=sink)
    # argument forms
    for args, kw in (((), {}), ((Sink(), "excel", "x"), {}), ((Sink(),), {"dialect": "excel", "bad": 1}),
                     ((), {"fileobj": Sink()}), ((Sink(), None), {}), ((Sink(),), {"lineterminator": None})):
        sides = [run(m.writer, args, kw) for m in (differ.c, differ.rust)]
        differ.calls["writer"] += 1
        if comparable(sides[0][0]) != comparable(sides[1][0]):
            report(differ, "writer", f"writer({describe_args(args, kw)})", show(comparable(sides[0][0])),
                   show(comparable(sides[1][0])))
    for method, args, kw in (("writerow", (), {}), ("writerow", (["a"], ["b"]), {}), ("writerow", (), {"row": ["a"]}),
                             ("writerows", (), {}), ("writerows", ([["a"]], 1), {})):
        w = [m.writer(Sink()) for m in (differ.c, differ.rust)]
        call(differ, method, args, kw, label=f"writer.{method}", on=tuple(w))


def csv_module_fixed(differ, rng):
    """csv.py bound to each implementation: its dialect classes, DictReader,
    DictWriter, Sniffer, and reader/writer through the registered dialects."""
    csv_c, csv_r = bound(differ)
    mods = (csv_c, csv_r)
    for name in ("list_dialects",):
        call(differ, name, (), label=f"csv.{name}", on=mods)
    for name in ("excel", "excel-tab", "unix", "nosuch"):
        call(differ, "get_dialect", (name,), label="csv.get_dialect", on=mods)
    for dname in ("excel", "excel-tab", "unix"):
        for lines in TRICKY_LINES[:40]:
            reader_case(differ, lambda lines=lines: list(lines), (dname,), label="csv.reader", modules=mods)
        for row in TRICKY_ROWS[:30]:
            writer_case(differ, rows_op([row]), (dname,), label="csv.writer", modules=mods)
    # csv.py's dialect classes, as dialect arguments and subclassed
    for make in (lambda m: m.excel, lambda m: m.excel_tab, lambda m: m.unix_dialect, lambda m: m.excel(),
                 lambda m: type("D", (m.excel,), {"delimiter": ";"}), lambda m: type("D", (m.Dialect,), {}),
                 lambda m: type("D", (m.excel,), {"quoting": 7}), lambda m: type("D", (m.excel,), {"delimiter": ""}),
                 lambda m: type("D", (m.excel,), {"quotechar": None}),
                 lambda m: type("D", (m.excel,), {"escapechar": "ab"})):
        outs = [run(lambda m=m: canon(make(m)()), (), {}) for m in mods]
        differ.calls["csv.Dialect"] += 1
        if comparable(outs[0][0]) != comparable(outs[1][0]):
            report(differ, "csv.Dialect", "csv dialect class instantiated", show(comparable(outs[0][0])),
                   show(comparable(outs[1][0])))
        reader_case(differ, lambda: ['a;b,"c"\r\n', "d\te\n"], (make,), label="csv.reader", modules=mods)
        writer_case(differ, rows_op([["a;b", "c\td", 'e"f']]), (make,), label="csv.writer", modules=mods)
    # DictReader / DictWriter
    for text in ('a,b,c\r\n1,2,3\r\n4,5\r\n6,7,8,9\r\n\r\n,,\r\n', "", "x\r\n", 'h1,"h,2"\r\n"v\n1",v2\r\n',
                 "a,a,b\r\n1,2,3\r\n"):
        for kw in ({}, {"fieldnames": ["p", "q"]}, {"restkey": "rest", "restval": "-"}, {"fieldnames": ["p"]},
                   {"dialect": "unix"}, {"delimiter": ";"}, {"fieldnames": 5}):
            outs = [run(lambda m=m: [dict(r) for r in m.DictReader(io.StringIO(text, newline=""), **kw)], (), {})
                    for m in mods]
            differ.calls["csv.DictReader"] += 1
            if comparable(outs[0][0]) != comparable(outs[1][0]):
                report(differ, "csv.DictReader", f"DictReader({text!r}, {kw!r})", show(comparable(outs[0][0])),
                       show(comparable(outs[1][0])))
    for fieldnames, rows, kw in ((["a", "b"], [{"a": 1, "b": "x,y"}, {"a": None}], {}),
                                 (["a"], [{"a": 1, "z": 2}], {}),
                                 (["a"], [{"a": 1, "z": 2}], {"extrasaction": "ignore"}),
                                 (["a"], [{}], {"restval": "R"}), (["a", "b"], [{"a": 'q"'}], {"quoting": 1}),
                                 (["a"], [{"a": 1}], {"extrasaction": "bad"}), ([], [{}], {}),
                                 (["a", "b"], [{"b": BadStr()}], {}), (("a", "b"), [{"a": "\n"}], {"dialect": "unix"})):
        def dict_write(m, fieldnames=fieldnames, rows=rows, kw=kw):
            s = io.StringIO()
            w = m.DictWriter(s, fieldnames, **kw)
            out = [w.writeheader()]
            for r in rows:
                try:
                    out.append(w.writerow(r))
                except Exception as e:  # noqa: BLE001 - compared
                    out.append((type_name(type(e)), str(e)))
            out.append(w.writerows(rows[:1]) if rows and not any(isinstance(v, BadStr) for v in rows[0].values())
                       else None)
            return out, s.getvalue()
        outs = [run(dict_write, (m,), {}) for m in mods]
        differ.calls["csv.DictWriter"] += 1
        if comparable(outs[0][0]) != comparable(outs[1][0]):
            report(differ, "csv.DictWriter", f"DictWriter({fieldnames!r}, {kw!r}) rows {rows!r}",
                   show(comparable(outs[0][0])), show(comparable(outs[1][0])))
    # Sniffer (pure Python, but has_header and the dialect it returns run on _csv)
    samples = ['a,b,c\r\n1,2,3\r\n4,5,6\r\n', "a;b;c\n1;2;3\n", "name|age\nbob|3\nal|4\n", "x\ty\n1\t2\n",
               "'a','b'\n'c','d'\n", "", "abc", '"a,b",c\r\n"d,e",f\r\n']
    samples += [random_text(rng, {}, 60) for _ in range(20)]
    for sample in samples:
        for method, args in (("sniff", (sample,)), ("sniff", (sample, ";,")), ("has_header", (sample,))):
            outs = [run(lambda m=m: getattr(m.Sniffer(), method)(*args), (), {}) for m in mods]
            differ.calls[f"csv.Sniffer.{method}"] += 1
            if comparable(outs[0][0]) != comparable(outs[1][0]):
                report(differ, f"csv.Sniffer.{method}", f"Sniffer().{method}{args!r}", show(comparable(outs[0][0])),
                       show(comparable(outs[1][0])))
        sniffed = [run(lambda m=m: m.Sniffer().sniff(sample), (), {})[1] for m in mods]
        if all(s is not None for s in sniffed):
            reader_case(differ, lambda sample=sample: io.StringIO(sample, newline=""),
                        (lambda m, pick=dict(zip(mods, sniffed)): pick[m],), label="csv.reader", modules=mods)


def roundtrip_fixed(differ, rng):
    for kw in WRITER_DIALECTS[:12]:
        rows = [[random_field(rng, kw) for _ in range(rng.randrange(1, 5))] for _ in range(10)]
        rows = [[v for v in r if not isinstance(v, (BadStr, StrNotStr))] for r in rows]
        roundtrip(differ, rows, kw)


def roundtrip(differ, rows, kw):
    """C writes `rows`; both read the text back, as a file."""
    s = Sink()
    try:
        w = HELPER.writer(s, **kw)
        w.writerows(rows)
    except Exception:  # noqa: BLE001
        return
    text = "".join(s.log)
    rkw = {k: v for k, v in kw.items() if k != "lineterminator"}
    reader_case(differ, lambda: io.StringIO(text, newline=""), (), rkw, label="reader")


# -- random cases ------------------------------------------------------------------------------

def random_reader_case(differ, rng):
    kw = random_dialect_kwargs(rng, valid=rng.random() < 0.95)
    text = random_text(rng, kw)
    how = rng.choice(SPLITS)
    items = split_lines(text, how, rng)
    r = rng.random()
    if r < 0.03:
        items.insert(rng.randrange(len(items) + 1), rng.choice([b"x", 1, None, StrSubclass("s,t")]))
    elif r < 0.06 and items:
        at = rng.randrange(len(items))
        reader_case(differ, lambda: raising_iter(items, at), (), kw)
        return
    if rng.random() < 0.05:
        limit = rng.choice([0, 1, 3, 10])
        call(differ, "field_size_limit", (limit,))
        reader_case(differ, lambda: list(items), (), kw)
        call(differ, "field_size_limit", (DEFAULT_LIMIT,))
        return
    if rng.random() < 0.1:
        dialect = (lambda m, kw=kw: m.Dialect(**kw)) if rng.random() < 0.5 else DialectLike(**kw)
        reader_case(differ, lambda: list(items), (dialect,), {})
        return
    reader_case(differ, lambda: list(items), (), kw)


def random_writer_case(differ, rng):
    kw = random_dialect_kwargs(rng, valid=rng.random() < 0.95)
    ops = []
    for _ in range(rng.randrange(1, 5)):
        if rng.random() < 0.8:
            row = random_row(rng, kw)
            ops.append(("writerow", lambda row=row: list(row) if isinstance(row, list) else row))
        else:
            rows = [random_row(rng, kw) for _ in range(rng.randrange(4))]
            ops.append(("writerows", lambda rows=rows: [list(r) if isinstance(r, list) else r for r in rows]))
    writer_case(differ, ops, (), kw)
    if rng.random() < 0.3:
        rows = [random_row(rng, kw) for _ in range(5)]
        rows = [[v for v in r if not isinstance(v, (BadStr, StrNotStr))] for r in rows if isinstance(r, list)]
        roundtrip(differ, rows, kw)


def random_dialect_case(differ, rng):
    kw = random_dialect_kwargs(rng, valid=rng.random() < 0.5)
    call(differ, "Dialect", (), kw)
    if rng.random() < 0.3:
        call(differ, "register_dialect", ("r",), kw)
        call(differ, "get_dialect", ("r",))
        call(differ, "unregister_dialect", ("r",))


def fixed_cases(differ, rng):
    surface_fixed(differ)
    dialect_fixed(differ)
    registry_fixed(differ)
    field_limit_fixed(differ)
    reader_fixed(differ, rng)
    writer_fixed(differ, rng)
    roundtrip_fixed(differ, rng)
    csv_module_fixed(differ, rng)
    for _ in range(200):
        random_case(differ, rng)


def random_case(differ, rng):
    r = rng.random()
    if r < 0.5:
        random_reader_case(differ, rng)
    elif r < 0.9:
        random_writer_case(differ, rng)
    else:
        random_dialect_case(differ, rng)


if __name__ == "__main__":
    sys.exit(differential.main("_csv", fixed_cases, random_case))
