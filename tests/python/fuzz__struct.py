"""_struct's plug-in for the robustness harnesses (see fuzz_common.py):
fuzz inputs, leak calls and sequences, stress calls. The cases come from
diff__struct's builders and comparisons (floats by bits, item types, Struct
objects, warnings, pack_into target buffers), driven by the fuzz input.

A fuzz input is a 16-byte header and a payload:

    byte 0      the case (mod 10): 0-1 a format spelled by the payload's first
                bytes (byte 1 says how many), its values drawn by the input,
                the rest of the payload as the data to unpack; 2 one code with
                an edge value; 3 diff__struct's random case; 4 the payload
                unpacked with a random format, at random offsets; 5 pack_into
                into every target type at fuzzed offsets; 6 iter_unpack of the
                payload; 7 a Struct object driven through its methods and
                __init__ again; 8 calcsize/Struct of the raw payload as a
                format (latin-1, bytes or str); 9 the payload as the format
                text of pack/unpack with C-made data
    byte 1      a length / count (case 0-1: format length)
    byte 2      the buffer type (index into diff__struct.read_buffers)
    byte 3      value mode (mod 4): valid values; any value; wrong count;
                edge values only
    bytes 4-15  further choices (ByteRandom), then a PRNG seeded by the input

Mismatches on Struct objects, iterators, pack_into buffers or NaN results
cannot be replayed from a saved step (fuzz_common.diverges compares raw
results): they are reported as unencodable (a failure of the run, not saved
to the corpus).
"""

import random

import diff__struct as D
import fuzz_common as F

HEADER = 16

# The characters format bytes map onto: prefixes, codes, digits, whitespace, bad ones.
ALPHABET = ("@=<>!" + D.ALL_CODES * 3 + "0123456789" * 2 + " \t\n" + "yz\x00\xe9#")


def _format_text(raw):
    return "".join(ALPHABET[b % len(ALPHABET)] for b in raw)


def _values(fmt, mode, rng):
    """Values for `fmt` by the mode: good, any, wrong count, edge."""
    f = _parse(fmt)
    if f is None:
        return [rng.choice([0, b"x", 1.5])] * rng.randrange(3)
    if mode == 0:
        return f.values(D.HELPER, rng, good=True)
    values = f.values(D.HELPER, rng, good=mode != 3)
    if mode == 1:
        return f.values(D.HELPER, rng, good=False)
    if mode == 2:
        if values and rng.random() < 0.5:
            return values[:-1]
        return values + [rng.choice([0, b"x", 1.5, None])]
    return values


def _parse(text):
    """A diff__struct.Format for a format text (None if it has no clear items)."""
    if not isinstance(text, str):
        return None
    prefix = text[:1] if text[:1] in "@=<>!" else ""
    rest = text[len(prefix):]
    items, count, ws = [], "", ""
    for ch in rest:
        if ch.isdigit():
            count += ch
        elif ch.isspace():
            ws += ch
        else:
            items.append((ws, count, ch))
            count, ws = "", ""
    return D.Format(prefix, items, ws + count)


def _buffer(data, w):
    buffers = D.read_buffers(data)
    if w < 240:
        return buffers[w % len(buffers)][1]
    return D.WRONG_BUFFERS[(w - 240) % len(D.WRONG_BUFFERS)]


def _format_object(text, rng):
    return D.format_object(text, rng)


def one_input(differ, data):
    head = data[:HEADER].ljust(HEADER, b"\0")
    payload = data[HEADER:]
    rng = F.ByteRandom(head[4:], data)
    case = head[0] % 10
    mode = head[3] % 4
    if case in (0, 1):
        n = head[1] % 24
        text = _format_text(payload[:n])
        rest = payload[n:]
        fmt = _format_object(text, rng)
        D.call(differ, "calcsize", (fmt,))
        pair = D.StructPair.make(differ, fmt) if case == 1 else None
        D.pack_case(differ, fmt, _values(text, mode, rng), rng, pair)
        D.unpack_case(differ, fmt, rest, rng, pair)
        size = D.safe_size(D.HELPER, fmt, 4096)
        if size:
            D.call(differ, "unpack", (fmt, _buffer(rest[:size], head[2])))
    elif case == 2:
        D.random_single_code_case(differ, rng)
    elif case == 3:
        D.random_struct_case(differ, rng)
    elif case == 4:
        fmt = D.random_format(rng).text()
        fmt = _format_object(fmt, rng)
        buf = _buffer(payload, head[2])
        D.call(differ, "unpack", (fmt, buf))
        for offset in (0, head[1] - 128, rng.randrange(-len(payload) - 2, len(payload) + 2)):
            D.call(differ, "unpack_from", (fmt, buf, offset))
            D.call(differ, "unpack_from", (fmt,), {"buffer": buf, "offset": offset})
    elif case == 5:
        f = D.random_format(rng, allow_bad=mode == 3)
        fmt = f.text()
        if D.has_zero_p(fmt):
            return
        size = D.safe_size(D.HELPER, fmt, 4096)
        values = _values(fmt, mode, rng)
        n = (size or 0) + head[1] % 8
        targets = D.write_targets(n)
        _, factory = targets[head[2] % len(targets)]
        offset = rng.choice([0, head[1] % 8, -(size or 0) - head[1] % 8, head[1] - 128, n, -n - 1])

        def fresh():
            target, watched = factory()
            return (fmt, target, offset) + tuple(values), {}, watched
        D.call(differ, "pack_into", fresh)
    elif case == 6:
        fmt = D.random_format(rng, allow_bad=mode == 3).text()
        w = head[2]
        base = payload[:4096]
        if mode == 2:
            def factory():
                b = bytearray(base)
                return b, b
            D.iter_unpack(differ, fmt, factory, limit=30, resize_at=head[1] % 4)
        else:
            D.iter_unpack(differ, fmt, lambda: (_buffer(base, w), None), limit=60)
    elif case == 7:
        fmt = _format_object(D.random_format(rng).text(), rng)
        pair = D.StructPair.make(differ, fmt)
        if pair is None:
            return
        size = D.safe_size(D.HELPER, fmt, 4096) or 0
        for _ in range(rng.randrange(1, 6)):
            r = rng.random()
            if r < 0.2:
                pair.call("pack", tuple(_values(D.HELPER.Struct(fmt).format if size else "", mode, rng)))
            elif r < 0.4:
                pair.call("unpack", (_buffer(payload[:size], head[2]),))
            elif r < 0.6:
                offset = rng.randrange(-len(payload) - 1, len(payload) + 2)
                pair.call("unpack_from", (_buffer(payload, head[2]), offset))
            elif r < 0.7:
                pair.iterate(lambda: (_buffer(payload[:size * 5], head[2]), None), limit=10)
            elif r < 0.8:
                pair.sizeof()
            else:
                new = _format_object(D.random_format(rng).text(), rng)
                pair.call("__init__", (new,))
                pair.attrs()
                try:
                    size = D.safe_size(D.HELPER, pair.c.format, 4096) or 0
                except Exception:  # noqa: BLE001
                    size = 0
    elif case == 8:
        text = payload[:200].decode("latin-1")
        r = rng.random()
        fmt = text if r < 0.5 else (payload[:200] if r < 0.8 else D.StrSubclass(text))
        D.call(differ, "calcsize", (fmt,))
        D.StructPair.make(differ, fmt)
        D.call(differ, "unpack", (fmt, b""))
    else:
        text = _format_text(payload[:head[1] % 40])
        size = D.safe_size(D.HELPER, text, 4096)
        f = _parse(text)
        if size is not None and f is not None:
            try:
                made = D.HELPER.pack(text, *f.values(D.HELPER, rng, good=True))
            except Exception:  # noqa: BLE001
                made = rng.randbytes(size)
            D.unpack_case(differ, text, made, rng)
        D.pack_case(differ, text, _values(text, mode, rng), rng)


# -- seeds ------------------------------------------------------------------------------

SEED_FORMATS = ["i", "<h", ">q", "!d", "=e", "@P", "3s", "5p", "?", "c", "2x", "<iHd", "@cid", "0p", "10b", "<Q",
                "n", "N", "f"]


def _format_bytes(text):
    return bytes(ALPHABET.index(ch) for ch in text)


def seeds(c):
    rng = random.Random(20240601)
    out = []
    for case in range(10):
        for text in SEED_FORMATS:
            fmt_bytes = _format_bytes(text)
            data = c.pack(text, *_parse(text).values(c, rng, good=True)) if case in (0, 1, 4, 6) else b""
            for mode in (0, 1, 3):
                head = bytes([case, len(fmt_bytes), 0, mode]) + rng.randbytes(HEADER - 4)
                if case == 8:
                    body = text.encode()
                elif case in (0, 1, 9):
                    body = fmt_bytes + data
                else:
                    body = data * rng.randrange(1, 4)
                out.append(head + body)
    return out


def random_input(rng):
    head = bytearray(rng.randbytes(HEADER))
    if rng.random() < 0.5:
        head[2] = 0
    return bytes(head) + rng.randbytes(rng.choice([0, 1, 4, 8, 16, 40, 200, 1000]))


# -- leaks and stress -------------------------------------------------------------------

def leak_calls(c):
    """Module-level calls reaching the success and error paths: every code
    and prefix with good, out-of-range and wrong-type values; unpack and
    unpack_from of every buffer type and size error; pack_into targets and
    offsets; format errors; argument errors."""
    rng = random.Random(7)
    out = []
    for prefix in D.PREFIXES:
        for code in D.ALL_CODES:
            fmt = prefix + code
            try:
                size = c.calcsize(fmt)
            except c.error:
                out.append(("calcsize", (fmt,), {}))
                out.append(("pack", (fmt, 1), {}))
                continue
            if code == "x":
                out.append(("pack", (fmt,), {}))
                continue
            pool = [D.good_value(c, prefix, code, 3, rng), D.edge_value(c, prefix, code, 3, rng)]
            if code in D.INT_CODES:
                lo, hi = D.int_bounds(c, prefix, code)
                pool += [lo - 1, hi + 1, 2 ** 100, 1.5, "x", D.Index(1), D.BadIndex(), D.IndexFloat(), D.IntOnly()]
            elif code in D.FLOAT_CODES:
                pool += [1e300, float("inf"), "x", D.FloatOnly(), D.BadFloat(), 10 ** 400]
            elif code == "?":
                pool += [D.BoolRaises(), [], [1]]
            else:
                pool += ["x", 1, b"", b"toolong", bytearray(b"a")]
            for v in pool:
                out.append(("pack", (fmt, v), {}))
                out.append(("pack_into", (fmt, bytearray(size + 2), 1, v), {}))
            data = bytes(range(size))
            out.append(("unpack", (fmt, data), {}))
            out.append(("unpack", (fmt, data + b"x"), {}))
            out.append(("unpack_from", (fmt, data, 0), {}))
            out.append(("unpack_from", (fmt, data, 1), {}))
            out.append(("unpack_from", (fmt, data, -size - 1), {}))
            out.append(("iter_unpack", (fmt, data * 3), {}))
    for name, buf in D.read_buffers(bytes(range(16))):
        out += [("unpack", ("<4i", buf), {}), ("unpack_from", ("<2q", buf, -16), {}), ("iter_unpack", ("<h", buf), {})]
    for buf in D.WRONG_BUFFERS:
        out += [("unpack", ("i", buf), {}), ("pack_into", ("i", buf, 0, 1), {})]
    for name, factory in D.write_targets(16):
        target, _ = factory()
        if name != "mmap":
            out += [("pack_into", ("<qq", target, 0, 1, 2), {}), ("pack_into", ("<q", target, -17, 1), {})]
    for fmt in ("y", "3", "i3", "\x00", "\xe9", "9" * 30 + "x", "<n", b"ii", None, 5, bytearray(b"i"),
                D.StrSubclass("ii"), "", "0s0p", "256p", "3s3p"):
        out += [("calcsize", (fmt,), {}), ("Struct", (fmt,), {}), ("pack", (fmt, b"ab"), {}),
                ("unpack", (fmt, b"abcdefgh"), {}), ("iter_unpack", (fmt, b""), {})]
    for fname, args, kwargs in [("pack", (), {}), ("pack", ("i",), {}), ("pack", ("i", 1, 2), {}),
                                ("pack", ("i",), {"x": 1}), ("unpack", ("i",), {}), ("unpack_from", ("i",), {}),
                                ("unpack_from", ("i", b"abcd"), {"offset": "0"}), ("pack_into", ("i",), {}),
                                ("pack_into", ("i", bytearray(4)), {}), ("pack_into", ("i", bytearray(4), 0), {}),
                                ("iter_unpack", ("",), {}), ("iter_unpack", ("", b""), {}),
                                ("iter_unpack", ("i", b"abc"), {}), ("calcsize", (), {}), ("_clearcache", (), {}),
                                ("Struct", (), {}), ("Struct", ("i", "h"), {}), ("Struct", (), {"format": "i"})]:
        out.append((fname, args, kwargs))
    return out


def big_calls(c):
    rng = random.Random(8)
    raw = rng.randbytes(1 << 20)
    return [("unpack", ("<262144i", raw), {}), ("unpack", ("1048576s", raw), {}), ("unpack", ("1048576p", raw), {}),
            ("unpack_from", ("<131071d", raw, 8), {}), ("pack", ("1048576s", raw), {}),
            ("pack", ("1048576x",), {}), ("pack_into", ("1048576s", bytearray(1 << 20), 0, raw), {}),
            ("unpack", ("65536c", raw[:65536]), {})]


def _iterate(fmt, data):
    def fn(m):
        return list(m.iter_unpack(fmt, data))
    return fn


def _struct_methods(fmt, values, data):
    def fn(m):
        s = m.Struct(fmt)
        target = bytearray(s.size + 4)
        s.pack_into(target, 2, *values)
        return (s.format, s.size, s.pack(*values), s.unpack(data[:s.size]), s.unpack_from(data, s.size), bytes(target),
                list(s.iter_unpack(data[:s.size * 3])))
    return fn


def _reinit(fmts):
    def fn(m):
        s = m.Struct(fmts[0])
        out = []
        for f in fmts:
            try:
                s.__init__(f)
            except Exception as e:  # noqa: BLE001
                out.append(type(e).__name__)
            out.append((s.format, s.size))
        return out
    return fn


def stress_calls(c):
    """Calls on inputs shared by all threads (the same bytes, bytearray,
    memoryview objects; formats that share the module's format cache), success
    and error paths; results never hold NaN (compared with ==)."""
    rng = random.Random(9)
    calls = []
    fmts = ["<i", ">h", "!q", "=H", "@l", "<2d", "3s", "5p", "?", "c", "<iHq", "@cid", "10b", "<Q", "n", "P", "e"]
    for fmt in fmts:
        f = _parse(fmt)
        values = [v for v in f.values(c, rng, good=True)]
        values = [0.5 if isinstance(v, float) and v != v else v for v in values]
        data = c.pack(fmt, *values)
        size = len(data)
        for value in (data, bytearray(data), memoryview(data), D.non_contiguous(data), memoryview(data * 40)):
            calls += [("unpack", (fmt, value), {}), ("unpack_from", (fmt, value, 0), {})]
        calls += [("pack", (fmt,) + tuple(values), {}), ("calcsize", (fmt,), {}),
                  ("unpack_from", (fmt, data * 40, size * 7), {}), ("unpack", (fmt, data[:-1]), {}),
                  (f"iter_unpack({fmt!r}) to the end", _iterate(fmt, data * 100)),
                  (f"Struct({fmt!r}) methods", _struct_methods(fmt, values, data * 4))]
    calls += [("pack", ("i", "x"), {}), ("pack", ("b", 1000), {}), ("calcsize", ("y",), {}),
              ("unpack", ("i", b"abc"), {}), ("Struct.__init__ again", _reinit(["i", "hh", "y", "<q", b"2s"])),
              ("_clearcache", (), {})]
    return calls


def leak_sequences(c):
    """Struct objects (methods, __init__ again, subclasses, __sizeof__) and
    iterators (to the end, abandoned midway, buffer held), success and error paths."""
    seqs = []

    def struct_object(m):
        s = m.Struct("<ihq5s")
        s.pack(1, 2, 3, b"abc")
        buf = bytearray(40)
        s.pack_into(buf, 3, 1, 2, 3, b"x")
        s.unpack(bytes(s.size))
        s.unpack_from(buf, 3)
        s.__sizeof__()
        for bad in ((1,), ("x", 2, 3, b""), (2 ** 40, 2, 3, b"")):
            try:
                s.pack(*bad)
            except Exception:  # noqa: BLE001
                pass
        for f in ("hh", "y", b"3p", "", "9" * 30 + "x"):
            try:
                s.__init__(f)
            except Exception:  # noqa: BLE001
                pass
        try:
            s.unpack(b"abc")
        except Exception:  # noqa: BLE001
            pass
    seqs.append(("Struct: methods, errors, __init__ again", struct_object))

    def iterators(m):
        data = bytearray(range(64))
        list(m.iter_unpack("<i", data))
        it = m.iter_unpack("<h", data)
        next(it)
        it.__length_hint__()
        try:
            data.append(1)
        except BufferError:
            pass
        del it
        list(m.Struct("<q").iter_unpack(memoryview(bytes(64))))
        for fmt, d in (("", b""), ("i", b"abc"), ("x", b"")):
            try:
                m.iter_unpack(fmt, d)
            except Exception:  # noqa: BLE001
                pass
    seqs.append(("unpack_iterator: to the end, abandoned, errors", iterators))

    subs = {}  # one subclass per module: a class made per call is garbage the GC collects late

    def subclasses(m):
        S = subs.get(m) or subs.setdefault(m, type("S", (m.Struct,), {}))
        s = S("<i")
        s.pack(1)
        s.extra = [1, 2]
        s.__init__("h")
        s.__sizeof__()
    seqs.append(("Struct subclass with a __dict__", subclasses))
    return [(label, _warmed(fn)) for label, fn in seqs]


def _warmed(fn):
    """fn, run 3000 times more on its first call with a module: the leak
    check's first (unmeasured) round then leaves the interpreter's one-time
    allocations (specialised bytecode, tracemalloc's tables for new
    allocation sites) behind it, instead of spreading them over the
    measured rounds."""
    seen = set()

    def warmed(m):
        if id(m) not in seen:
            seen.add(id(m))
            for _ in range(3000):
                fn(m)
        return fn(m)
    return warmed
