"""_csv's plug-in for the robustness harnesses (see fuzz_common.py): fuzz
inputs, leak calls and sequences, stress calls. The cases come from
diff__csv's builders and comparisons (readers driven next() by next(),
writers into recording file objects, Dialect validation, csv.py bound to
each implementation), steered by the fuzz input.

A fuzz input is a 16-byte header and a payload:

    byte 0      the case (mod 8): 0-2 a reader over the payload as CSV text;
                3 a writer of rows cut from the payload; 4 Dialect /
                register_dialect with options spelled by the payload; 5
                diff__csv's random case; 6 csv.py (DictReader, Sniffer) over
                the payload; 7 a reader under a small field_size_limit
    byte 1      how the text becomes reader input (mod 6: lines, a
                newline='' file, a universal-newlines file, split at \\n,
                one string, random chunks); bit 7: the payload's bytes map
                onto CSV tokens (the dialect's special characters, plain
                pieces, newlines) instead of being decoded as UTF-8
    byte 2      the dialect: < 200 valid options, else any option values;
                bit 0 also passes the options as a Dialect object
    bytes 3-15  further choices (ByteRandom), then a PRNG seeded by the input

Mismatches on reader/writer objects cannot be replayed from a saved step:
they are reported as unencodable (a failure of the run, not saved to the
corpus); a crash is traced as the steps writer/reader + its method calls.
"""

import io
import random
import time

import diff__csv as D
import fuzz_common as F

HEADER = 16


def _tokens(kw):
    return D.dialect_chars(kw) + ['"', ",", "\\"] + D.PLAIN + D.NEWLINES


def _text(payload, kw, tokenised):
    if tokenised:
        tokens = _tokens(kw)
        return "".join(tokens[b % len(tokens)] for b in payload)
    return payload.decode("utf-8", "replace")


def _dialect(head, rng):
    kw = D.random_dialect_kwargs(rng, valid=head[2] < 200)
    as_object = head[2] & 1 and head[2] < 200
    return kw, as_object


def one_input(differ, data):
    head = data[:HEADER].ljust(HEADER, b"\0")
    payload = data[HEADER:]
    rng = F.ByteRandom(head[3:], data)
    case = head[0] % 8
    kw, as_object = _dialect(head, rng)
    tokenised = bool(head[1] & 0x80)
    how = D.SPLITS[(head[1] & 0x7F) % len(D.SPLITS)]
    if case in (0, 1, 2, 7):
        text = _text(payload, kw, tokenised)
        items = D.split_lines(text, how, rng)
        args, kwargs = ((lambda m, kw=kw: m.Dialect(**kw)),), {}
        if not as_object:
            args, kwargs = (), kw
        if case == 7:
            limit = rng.choice([0, 1, 2, 5, 20])
            D.call(differ, "field_size_limit", (limit,))
            D.reader_case(differ, lambda: list(items), args, kwargs, limit=100)
            D.call(differ, "field_size_limit", (D.DEFAULT_LIMIT,))
        elif case == 1 and items:
            at = rng.randrange(len(items))
            D.reader_case(differ, lambda: D.raising_iter(items, at), args, kwargs, limit=100)
        else:
            D.reader_case(differ, lambda: list(items), args, kwargs, limit=100)
    elif case == 3:
        text = _text(payload, kw, True)
        rows = []
        pos = 0
        while pos < len(text) and len(rows) < 20:
            n = rng.randrange(0, 5)
            row = []
            for _ in range(n):
                k = rng.randrange(0, 6)
                piece = text[pos:pos + k]
                pos += max(k, 1)
                r = rng.random()
                row.append(piece if r < 0.8 else D.random_field(rng, kw))
            rows.append(row)
        ops = [("writerow", lambda r=r: list(r)) for r in rows[:10]]
        if rows[10:]:
            ops.append(("writerows", lambda: [list(r) for r in rows[10:]]))
        args, kwargs = (((lambda m, kw=kw: m.Dialect(**kw)),), {}) if as_object else ((), kw)
        D.writer_case(differ, ops, args, kwargs)
        if rows:
            D.roundtrip(differ, [r for r in rows if all(isinstance(v, str) for v in r)], kw)
    elif case == 4:
        text = _text(payload, kw, True)
        names = list(D.OPTION_VALUES)
        opts = {}
        for i, ch in enumerate(text[:8]):
            name = names[(i + head[1]) % len(names)]
            opts[name] = ch if name in ("delimiter", "quotechar", "escapechar") else \
                rng.choice(D.OPTION_VALUES[name])
        if len(text) > 8:
            opts["lineterminator"] = text[8:12]
        D.call(differ, "Dialect", (), opts)
        D.call(differ, "register_dialect", ("fz",), opts)
        D.call(differ, "get_dialect", ("fz",))
        D.call(differ, "list_dialects")
        D.call(differ, "unregister_dialect", ("fz",))
    elif case == 5:
        D.random_case(differ, rng)
    else:
        text = _text(payload, kw, tokenised)
        csv_c, csv_r = D.bound(differ)
        mods = (csv_c, csv_r)
        outs = [D.run(lambda m=m: [dict(r) for r in m.DictReader(io.StringIO(text, newline=""), **kw)], (), {})
                for m in mods]
        differ.calls["csv.DictReader"] += 1
        if D.comparable(outs[0][0]) != D.comparable(outs[1][0]):
            D.report(differ, "csv.DictReader", f"DictReader({text!r}, {kw!r})", D.show(D.comparable(outs[0][0])),
                     D.show(D.comparable(outs[1][0])))
        for method in ("sniff", "has_header"):
            outs = [D.run(lambda m=m: getattr(m.Sniffer(), method)(text[:2000]), (), {}) for m in mods]
            differ.calls[f"csv.Sniffer.{method}"] += 1
            if D.comparable(outs[0][0]) != D.comparable(outs[1][0]):
                D.report(differ, f"csv.Sniffer.{method}", f"Sniffer().{method}({text[:2000]!r})",
                         D.show(D.comparable(outs[0][0])), D.show(D.comparable(outs[1][0])))


# -- seeds ----------------------------------------------------------------------------------

SAMPLES = ['a,b,c\r\n1,2,3\r\n', '"a,b","c""d"\r\n"multi\nline",x\r\n', "x;y;z\n1;2;3\n", "name\tage\nbob\t3\n",
           '"unterminated\r\n', "a\\,b,c\\\r\n", ' a, "b" ,c\r\n', "\xe9,\U0001f600\r\n", "1,2.5,nan,abc\r\n", "",
           "\r\n\r\n", "a\0b,c\r\n"]


def seeds(c):
    rng = random.Random(20240601)
    out = []
    for case in range(8):
        for sample in SAMPLES:
            for how in range(6):
                head = bytes([case, how, rng.choice([0, 1, 50, 230])]) + rng.randbytes(HEADER - 3)
                out.append(head + sample.encode())
        for _ in range(4):
            head = bytes([case, 0x80 | rng.randrange(6), rng.randrange(256)]) + rng.randbytes(HEADER - 3)
            out.append(head + rng.randbytes(rng.choice([10, 40, 200])))
    return out


def random_input(rng):
    head = bytearray(rng.randbytes(HEADER))
    if rng.random() < 0.5:
        head[2] = rng.randrange(200)
    if rng.random() < 0.5:
        body = D.random_text(rng, {}, rng.choice([5, 20, 80])).encode()
    else:
        body = rng.randbytes(rng.choice([0, 8, 40, 300]))
    return bytes(head) + body


# -- leaks and stress -----------------------------------------------------------------------

def leak_calls(c):
    """Module-level calls on the success and error paths: Dialect with every
    option value, dialect objects of every kind, registry calls,
    field_size_limit, reader/writer construction (argument errors)."""
    out = []
    for name, pool in D.OPTION_VALUES.items():
        for v in pool:
            out.append(("Dialect", (), {name: v}))
            out.append(("reader", (["a,b"],), {name: v}))
            out.append(("writer", (D.Sink(),), {name: v}))
    for kw in (dict(quoting=0, quotechar=None), dict(delimiter=",", quotechar=","), dict(x=1),
               dict(dialect="nosuch"), dict(lineterminator='"'), dict(delimiter="\n")):
        out.append(("Dialect", (), kw))
    for d in (D.DialectLike(delimiter=";"), D.DialectLike(quoting="x"), D.RaisingDialect("delimiter"),
              D.RaisingDialect("strict", AttributeError), "nosuch", None, 5):
        out += [("Dialect", (d,), {}), ("reader", ([], d), {}), ("writer", (D.Sink(), d), {})]
    out += [("register_dialect", ("leak",), {"delimiter": ";"}), ("register_dialect", ("leak", "nosuch"), {}),
            ("register_dialect", (5,), {}), ("register_dialect", (), {}), ("get_dialect", ("leak",), {}),
            ("get_dialect", ("nosuch",), {}), ("get_dialect", (5,), {}), ("unregister_dialect", ("nosuch",), {}),
            ("list_dialects", (), {}), ("field_size_limit", (), {}), ("field_size_limit", (D.DEFAULT_LIMIT,), {}),
            ("field_size_limit", ("x",), {}), ("field_size_limit", (2 ** 70,), {}), ("field_size_limit", (1, 2), {}),
            ("reader", (), {}), ("reader", (5,), {}), ("reader", ([], "excel", 1), {}), ("writer", (), {}),
            ("writer", (5,), {}), ("writer", (D.NotCallableWrite(),), {})]
    return out


def big_calls(c):
    big = "x" * (1 << 20)
    return [("Dialect", (), {"lineterminator": big}), ("reader", ([big],), {}),
            ("writer", (D.Sink(),), {"lineterminator": big}), ("field_size_limit", (1 << 20,), {})]


def _read_all(text, kw, how="file"):
    def fn(m):
        items = D.split_lines(text, how, random.Random(0))
        out = []
        r = m.reader(items, **kw)
        for _ in range(10000):
            try:
                out.append(next(r))
            except StopIteration:
                break
            except Exception as e:  # noqa: BLE001 - part of the outcome
                out.append((type(e).__name__, str(e)))
        return out, r.line_num
    return fn


def _write_all(rows, kw):
    def fn(m):
        s = io.StringIO()
        w = m.writer(s, **kw)
        out = []
        for row in rows:
            try:
                out.append(w.writerow(row))
            except Exception as e:  # noqa: BLE001 - part of the outcome
                out.append((type(e).__name__, str(e)))
        return out, s.getvalue()
    return fn


def _registered(m):
    m.register_dialect("stress", delimiter=";", quoting=1)
    return _read_all("a;b;'c'\r\n\"d;e\";f\r\n", {"dialect": "stress"}, "file")(m), \
        _write_all([["a;b", "c"]], {"dialect": "stress"})(m)


class _GilReleasingStr:
    """A field whose str() lets other threads run (sleep(0)) mid-row."""

    def __init__(self, s):
        self.s = s

    def __str__(self):
        time.sleep(0)
        return self.s


class _Echo:
    """A file whose write() returns the line (writerow's result)."""

    def write(self, line):
        return line


_SHARED_WRITERS = {}


def _shared_writer_row(row):
    """writerow on one writer per module shared by every thread: a row is
    written whole (the line returned) though its fields release the GIL
    while other threads write theirs."""
    def fn(m):
        w = _SHARED_WRITERS.get(id(m)) or _SHARED_WRITERS.setdefault(id(m), m.writer(_Echo()))
        return w.writerow(row)
    return fn


def stress_calls(c):
    """Readers and writers over inputs shared by all threads (the same lines
    and rows), every dialect kind; results have no NaN."""
    rng = random.Random(9)
    calls = []
    for kw in D.READER_DIALECTS[:23]:
        text = "".join("".join(lines) for lines in D.TRICKY_LINES[:40]).replace("nan", "n")
        calls.append((f"reader {kw!r}", _read_all(text, kw)))
        calls.append((f"reader {kw!r}, chunks", _read_all(text, kw, "chunks")))
    for kw in D.WRITER_DIALECTS:
        rows = [r for r in D.TRICKY_ROWS if not any(isinstance(v, float) and v != v for v in r)]
        calls.append((f"writer {kw!r}", _write_all(rows, kw)))
    for _ in range(10):
        kw = D.random_dialect_kwargs(rng)
        text = D.random_text(rng, kw, 300).replace("nan", "n")
        calls.append((f"reader {kw!r} on random text", _read_all(text, kw, rng.choice(D.SPLITS[:5]))))
    for i in range(8):
        row = [f"r{i}", _GilReleasingStr(f"s{i}" * i), "x,y", i, _GilReleasingStr(f'q"{i}')]
        calls.append((f"shared writer, row {i}", _shared_writer_row(row)))
    calls += [("registered dialect", _registered), ("Dialect", (), {"delimiter": ""}),
              ("get_dialect", ("nosuch",), {}), ("field_size_limit", (), {})]
    return calls


def leak_sequences(c):
    seqs = []

    def reading(m):
        for lines, kw in (([' a,"b""c",d\r\n', '"e\n', 'f"\r\n'], {}), (['"unterminated'], {"strict": True}),
                          (["a\nb"], {}), (['1,"x",abc'], {"quoting": 2}), (["a\\,b"], {"escapechar": "\\"}),
                          ([b"x"], {}), (["x" * 200], {})):
            r = m.reader(lines, **kw)
            try:
                for _ in r:
                    pass
            except Exception:  # noqa: BLE001
                pass
            r.line_num, r.dialect
        old = m.field_size_limit(10)
        try:
            list(m.reader(["x" * 20]))
        except Exception:  # noqa: BLE001
            pass
        m.field_size_limit(old)
        try:
            list(m.reader(D.raising_iter(["a", "b"], 1)))
        except ZeroDivisionError:
            pass
    seqs.append(("reader: parse, errors, field limit, failing iterator", reading))

    def writing(m):
        s = D.Sink()
        w = m.writer(s, escapechar="\\")
        w.writerow(["a", 'b"c', None, 1.5, "", "d,e", "f\ng", D.Custom("x")])
        w.writerows([["h"], ("i", 2), "jk"])
        for bad in (5, [D.BadStr()], D.raising_iter(["a"], 0), [D.StrNotStr()]):
            try:
                w.writerow(bad)
            except Exception:  # noqa: BLE001
                pass
        w2 = m.writer(s, quoting=3)
        for row in ([""], ["a,b"], ["ok"]):
            try:
                w2.writerow(row)
            except Exception:  # noqa: BLE001
                pass
        w3 = m.writer(D.Sink(fail_at=1))
        try:
            w3.writerow(["x"])
        except OSError:
            pass
        w.dialect
    seqs.append(("writer: fields, errors, failing file", writing))

    def dialects(m):
        d = m.Dialect(delimiter=";", quoting=1)
        m.Dialect(d)
        m.Dialect(d, escapechar="\\")
        for kw in ({"delimiter": ""}, {"quoting": 9}, {"quotechar": None}, {"x": 1}):
            try:
                m.Dialect(**kw)
            except Exception:  # noqa: BLE001
                pass
        m.register_dialect("seq", d)
        m.get_dialect("seq")
        m.list_dialects()
        m.unregister_dialect("seq")
        try:
            m.get_dialect("seq")
        except m.Error:
            pass
    seqs.append(("Dialect, registry", dialects))

    bound = {}

    def csv_module(m):
        csv = bound.get(m) or bound.setdefault(m, D.bind_csv(m))
        list(csv.DictReader(io.StringIO("a,b\r\n1,2\r\n3\r\n")))
        s = io.StringIO()
        w = csv.DictWriter(s, ["a", "b"])
        w.writeheader()
        w.writerow({"a": 1})
        csv.Sniffer().sniff("a;b\n1;2\n")
    seqs.append(("csv.py bound to the module: DictReader, DictWriter, Sniffer", csv_module))
    return [(label, _warmed(fn)) for label, fn in seqs]


def _warmed(fn):
    """fn, run 3000 times more on its first call with a module (see
    fuzz__struct._warmed)."""
    seen = set()

    def warmed(m):
        if id(m) not in seen:
            seen.add(id(m))
            for _ in range(3000):
                fn(m)
        return fn(m)
    return warmed
