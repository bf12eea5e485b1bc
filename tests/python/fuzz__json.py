"""_json's plug-in for the robustness harnesses (see fuzz_common.py): fuzz
inputs, leak calls and sequences, stress calls. The cases come from
diff__json's builders and comparisons (outcomes compared exactly: float
bits, types, key identity, JSONDecodeError msg/pos/lineno/colno; the json
package bound to each implementation).

A fuzz input is a 16-byte header and a payload:

    byte 0      the case (mod 8): 0 scanstring over the payload as JSON
                string text; 1 json.loads of the payload as JSON text;
                2 json.loads of a random valid document, corrupted at the
                places and with the characters the payload gives; 3 a
                Scanner (make_scanner of a context with hooks) over the
                payload; 4 json.dumps of an object tree the payload's bytes
                choose; 5 make_encoder with arguments the payload chooses,
                called on such a tree; 6 encode_basestring and
                encode_basestring_ascii of the payload as text; 7
                diff__json's random case
    byte 1      how the payload becomes text: bit 7 set, each byte picks a
                JSON token (brackets, quotes, escapes, \\u and surrogate
                halves, numbers, constants, whitespace, non-ASCII); else
                the payload is decoded as UTF-8 (lone surrogates kept, bad
                bytes replaced). Bits 0-1: how json text is decoded (loads,
                JSONDecoder.raw_decode, json.load from a file, loads of the
                UTF-8 bytes)
    byte 2      the options: which diff__json hook set (loads, scanner) or
                dumps keyword set; strict for scanstring (bit 0)
    bytes 3-15  further choices (ByteRandom), then a PRNG seeded by the input

Module-level calls with plain arguments (scanstring, the two escapers) are
replayable steps: a divergence there is minimised and saved to the corpus.
Package, scanner and encoder cases compare objects and hooks that a corpus
step cannot hold: they are reported as unencodable (a failure of the run,
printed, not saved).
"""

import io
import random

import diff__json as D
import fuzz_common as F

HEADER = 16
TOKENS = ["{", "}", "[", "]", ":", ",", '"', '"', "\\", " ", "\n", "\t", "\r", "true", "false", "null", "NaN",
          "Infinity", "-Infinity", "-", "0", "1", "9", ".", "e", "E", "+", "00", "12345678901234567890", "1.5",
          '"a"', '"key"', '"k"', "\\u", "\\ud834", "\\udd1e", "\\u00e9", "\\n", '\\"', "\\\\", "\\/", "\\x", "u",
          "e9", "D8", "x", "\u00e9", "\U0001f600", "\ud800", "\x00", "\x1f", "\x7f", "\u2028", "\ufeff", "\xa0",
          "tru", "nul", "Inf", "1e400", "-0", "0.0", "{}", "[]", '""', '{"a":', "[1,", "]]", "}}", "/"]
HOWS = ["loads", "raw_decode", "load", "bytes"]


def _text(payload, tokenised):
    if tokenised:
        return "".join(TOKENS[b % len(TOKENS)] for b in payload)
    try:
        return payload.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return payload.decode("utf-8", "replace")


def _corrupted(rng, payload):
    """A random valid document, corrupted by the payload: each pair of
    bytes is a position and a mutation."""
    text = D.random_doc(rng, max_depth=rng.choice([1, 3, 5]))
    for i in range(0, min(len(payload), 16) - 1, 2):
        if not text:
            break
        pos = payload[i] * len(text) // 256
        op, ch = payload[i + 1] % 4, D.CORRUPT_CHARS[payload[i + 1] % len(D.CORRUPT_CHARS)]
        if op == 0:
            text = text[:pos]
        elif op == 1:
            text = text[:pos] + text[pos + 1:]
        elif op == 2:
            text = text[:pos] + ch + text[pos:]
        else:
            text = text[:pos] + ch + text[pos + 1:]
    return text


def one_input(differ, data):
    head = data[:HEADER].ljust(HEADER, b"\0")
    payload = data[HEADER:]
    rng = F.ByteRandom(head[3:], data)
    case = head[0] % 8
    tokenised = bool(head[1] & 0x80)
    how = HOWS[head[1] & 3]
    hooks = D.hook_sets()
    if case == 0:
        text = '"' + _text(payload, tokenised)
        strict = bool(head[2] & 1)
        D.call(differ, "scanstring", (text, 1, strict))
        if len(text) > 2:
            D.call(differ, "scanstring", (text, rng.randrange(len(text) + 2), strict))
    elif case in (1, 2):
        text = _text(payload, tokenised) if case == 1 else _corrupted(rng, payload)
        label, kw = hooks[head[2] % len(hooks)]
        D.loads_case(differ, text, label, kw, how=how)
    elif case == 3:
        text = _text(payload, tokenised)
        label, kw = hooks[head[2] % len(hooks)]
        idx = rng.choice([0, 0, 0, 1, len(text) // 2, len(text), -1])

        def scan(side, kw=kw, text=text, idx=idx):
            k = kw()
            k.setdefault("strict", True)
            return side.m.make_scanner(D.Ctx(**k))(text, idx)
        D.compare(differ, "scanner", lambda: f"make_scanner(Ctx({label}))({text!r}, {idx})", scan)
    elif case == 4:
        obj = D.random_tree(rng, max_depth=rng.choice([1, 2, 4, 6]))
        pool = D.dumps_kwargs_pool()
        kw = pool[head[2] % len(pool)]
        if payload and payload[0] & 1:
            text = _text(payload[1:], tokenised)
            obj = [obj, text, {text: obj}] if rng.random() < 0.5 else text
        D.dumps_case(differ, lambda: obj, kw)
    elif case == 5:
        D.random_encoder_case(differ, rng)
    elif case == 6:
        text = _text(payload, tokenised)
        D.call(differ, "encode_basestring", (text,))
        D.call(differ, "encode_basestring_ascii", (text,))
    else:
        D.random_case(differ, rng)


# -- seeds ----------------------------------------------------------------------------------

SAMPLES = ['{"a": [1, 2.5, "x\\n\\u00e9"], "b": {"c": null, "d": true}}', '[1,2,3]', '"abc\\ud834\\udd1e"',
           "123.456e-7", "-0", "NaN", '{"a":1,"a":2}', '[{"k":1},{"k":2}]', '"\\x"', "[1,]", '{"a":1,}', '"unterminated',
           "\ufeff[]", '"\x01"', "1" * 50, "[" * 40 + "]" * 40, "", '{"\U0001f600": "\ud800"}', "[1e400, -1e-400]"]


def seeds(c):
    rng = random.Random(20240611)
    out = []
    for case in range(8):
        for sample in SAMPLES:
            for how in range(4):
                head = bytes([case, how, rng.randrange(256)]) + rng.randbytes(HEADER - 3)
                out.append(head + sample.encode("utf-8", "surrogatepass"))
        for _ in range(4):
            head = bytes([case, 0x80 | rng.randrange(4), rng.randrange(256)]) + rng.randbytes(HEADER - 3)
            out.append(head + rng.randbytes(rng.choice([10, 40, 200])))
    return out


def random_input(rng):
    head = bytearray(rng.randbytes(HEADER))
    r = rng.random()
    if r < 0.4:
        body = D.random_doc(rng).encode("utf-8", "surrogatepass")
        head[1] &= 0x7F
    elif r < 0.6:
        body = D.corrupt(D.random_doc(rng), rng).encode("utf-8", "surrogatepass")
        head[1] &= 0x7F
    else:
        body = rng.randbytes(rng.choice([0, 8, 40, 300]))
    return bytes(head) + body


# -- leaks and stress -----------------------------------------------------------------------

def leak_calls(c):
    """Module-level calls on the success and error paths: scanstring (every
    error message, end out of bounds, wrong types), both escapers (each
    string width, wrong types), make_scanner (contexts lacking or failing an
    attribute) and make_encoder (every argument check)."""
    out = []
    for text in ('"abc"', '"a\\n\\u00e9\\ud834\\udd1e"', '"\u00e9\\t"', '"\U0001f600\\""', '"abc', '"a\\x"', '"\\u12"',
                 '"\\ud834\\u12"', '"a\x01"', '"' + "x" * 300 + '"', '"' + "\\n" * 300 + '"', "abc"):
        out.append(("scanstring", (text, 1), {}))
        out.append(("scanstring", (text, 1, False), {}))
    out += [("scanstring", ('"a"', -1), {}), ("scanstring", ('"a"', 9), {}), ("scanstring", ('"a"', 2 ** 70), {}),
            ("scanstring", (b'"a"', 1), {}), ("scanstring", ('"a"',), {}), ("scanstring", ('"a"', 1, "x"), {}),
            ("scanstring", ('"a"', 1.5), {}), ("scanstring", (), {"s": 1})]
    for s in ("", "abc", "a\"\\\n\x01", "\u00e9\xff", "\u20ac\ud800", "\U0001f600", "x" * 300, D.StrSub("s\n")):
        out.append(("encode_basestring", (s,), {}))
        out.append(("encode_basestring_ascii", (s,), {}))
    out += [("encode_basestring", (1,), {}), ("encode_basestring_ascii", (b"x",), {}),
            ("encode_basestring", (), {}), ("encode_basestring_ascii", ("a", "b"), {})]
    for ctx in (D.Ctx(), D.Ctx(strict=False, object_hook=D.Tag("o"), parse_float=D.Tag("f")), D.PartialCtx(),
                D.PartialCtx(strict=True, object_hook=None), D.RaisingCtx("parse_int"),
                D.RaisingCtx("strict", AttributeError), D.Ctx(strict=D.BoolRaise()), 5):
        out.append(("make_scanner", (ctx,), {}))
    out += [("make_scanner", (), {}), ("make_scanner", (D.Ctx(), 1), {}), ("make_scanner", (), {"ctx": 1})]
    good = [{}, D.Default("repr"), D.Tag("e"), None, ": ", ", ", False, False, True]
    out.append(("make_encoder", tuple(good), {}))
    for i, bad in ((0, []), (0, 5), (4, 1), (5, None), (6, D.BoolRaise()), (7, D.BoolRaise()), (8, D.BoolRaise()),
                   (3, "  "), (3, 2)):
        args = list(good)
        args[i] = bad
        out.append(("make_encoder", tuple(args), {}))
    out += [("make_encoder", tuple(good[:8]), {}), ("make_encoder", tuple(good) + (1,), {}),
            ("make_encoder", (), {})]
    return out


def big_calls(c):
    big = 1 << 20
    return [("scanstring", ('"' + "x" * big + '"', 1), {}), ("scanstring", ('"' + "\\u00e9" * (big // 6) + '"', 1), {}),
            ("scanstring", ('"' + "\U0001f600" * (big // 4) + '"', 1), {}),
            ("encode_basestring_ascii", ("\u00e9" * big,), {}), ("encode_basestring", ("x\n" * (big // 2),), {}),
            ("encode_basestring_ascii", ("\U0001f600" * (big // 4),), {})]


_BOUND = {}


def bound(m):
    """The json package bound to module `m` (made once per module)."""
    if id(m) not in _BOUND:
        _BOUND[id(m)] = (m, D.bind_json(m))
    return _BOUND[id(m)][1]


STRESS_DOCS = ['{"a": [1, 2.5, "x\\n\\u00e9", {"b": null}], "c": true, "d": "\\ud834\\udd1e"}',
               "[" + ",".join(str(i * 1.25) for i in range(300)) + "]", '{"k": "' + "v" * 5000 + '"}',
               '[{"key": 1}, {"key": 2}, {"key": [3, {"key": 4}]}]', '"' + "\\u00e9\\n" * 500 + '"',
               "[1, 2", '{"a" 1}', '"\\x"', "[" * 50 + "]" * 50]
STRESS_OBJECTS = [{"a": [1, 2.5, "x\n\u00e9", {"b": None}], "c": True, "d": "\U0001d11e"},
                  [i * 1.25 for i in range(300)], {"k": "v" * 5000}, {"b": 1, "a": {"d": [2], "c": 3}},
                  ["\u00e9\U0001f600\x01" * 100], {1: 2, 2.5: "x", None: [], True: {}},
                  [D.Opaque(1)], {"bad": b"bytes"}]


def stress_calls(c):
    """json.loads / json.dumps through the package bound to the module, the
    scanner and the encoder directly, and the module functions, on inputs
    shared by all threads (results have no NaN)."""
    calls = []
    for doc in STRESS_DOCS:
        for kw in ({}, {"object_pairs_hook": list}, {"parse_float": str}, {"strict": False}):
            calls.append((f"loads {doc[:40]!r} {kw}", lambda m, doc=doc, kw=kw: _outcome(bound(m).loads, doc, **kw)))
        calls.append((f"scanner {doc[:40]!r}", lambda m, doc=doc: _outcome(m.make_scanner(D.Ctx()), doc, 0)))
    for obj in STRESS_OBJECTS:
        for kw in ({}, {"sort_keys": True}, {"ensure_ascii": False}, {"indent": 2}, {"default": repr},
                   {"separators": (",", ":"), "sort_keys": True}):
            calls.append((f"dumps {D.short_repr(obj, 40)} {kw}",
                          lambda m, obj=obj, kw=kw: _outcome(bound(m).dumps, obj, **kw)))
        calls.append((f"encoder {D.short_repr(obj, 40)}", lambda m, obj=obj: _outcome(
            m.make_encoder({}, repr, m.encode_basestring_ascii, None, ":", ",", True, False, True), obj, 0)))
    for s in ('"' + "x\\n" * 1000 + '"', '"\\ud834\\udd1e\u00e9"', '"unterminated'):
        calls.append(("scanstring", (s, 1), {}))
    for s in ("\u00e9\U0001f600\x01\"" * 500, "plain " * 1000):
        calls.append(("encode_basestring", (s,), {}))
        calls.append(("encode_basestring_ascii", (s,), {}))
    return calls


def _outcome(fn, *args, **kwargs):
    """The result, or the exception's type and message (so equal outcomes compare equal)."""
    try:
        r = fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - part of the outcome
        return ("raise", type(e).__name__, str(e))
    return ("ok", D.canon(r, {}))


def leak_sequences(c):
    seqs = []

    def scanning(m):
        for ctx in (D.Ctx(), D.Ctx(object_hook=D.Tag("o"), parse_float=D.Tag("f"), parse_int=D.Tag("i"),
                                   parse_constant=D.Tag("c")),
                    D.Ctx(object_pairs_hook=list, strict=False)):
            sc = m.make_scanner(ctx)
            for doc in ('{"a": [1, 2.5, "x\\n", NaN, -Infinity], "a": {"b": null}}', "[1, 2", '{"a" 1}', '"\\x"',
                        "[1,]", '{"a":1,}', "-", "", "[" * 30 + "]" * 30, "1" * 5000, '["\\ud834\\udd1e", "\x01"]'):
                try:
                    sc(doc, 0)
                except Exception:  # noqa: BLE001
                    pass
            sc.strict, sc.object_hook, sc.parse_constant
        for ctx in (D.Ctx(object_hook=D.Raise("o", 0)), D.Ctx(parse_float=D.Raise("f", 0)),
                    D.Ctx(parse_int=D.Raise("i", 1)), D.Ctx(parse_constant=D.Raise("c", 0)),
                    D.Ctx(object_pairs_hook=D.Raise("p", 1))):
            try:
                m.make_scanner(ctx)('[{"a": [1, 2, 1.5, NaN]}, {"b": 2}]', 0)
            except ValueError:
                pass
        for bad in (D.PartialCtx(), D.RaisingCtx("parse_float")):
            try:
                m.make_scanner(bad)
            except Exception:  # noqa: BLE001
                pass
        for args in (("[1]", -1), (b"[1]", 0), ("[1]", 99)):
            try:
                m.make_scanner(D.Ctx())(*args)
            except Exception:  # noqa: BLE001
                pass
    seqs.append(("scanner: documents, errors, hooks that raise, bad contexts", scanning))

    def encoding(m):
        for markers in ({}, None):
            for default in (repr, D.Default("raise"), D.Default("self")):
                for indent in (None, "  "):
                    enc = m.make_encoder(markers, default, m.encode_basestring_ascii, indent, ": ", ", ", True,
                                         False, False)
                    for obj in ({"b": [1, 2.5, "\u00e9"], "a": None}, [D.Opaque()], {b"k": 1}, {1: 2, "a": 3},
                                [float("nan")], D.ItemsDict({"a": 1}, "triples"), D.ItemsDict({"a": 1}, "raise"),
                                [1, [2, [3]]]):
                        try:
                            enc(obj, 0)
                        except Exception:  # noqa: BLE001
                            pass
                        if isinstance(markers, dict):
                            markers.clear()
        circ = [1]
        circ.append(circ)
        try:
            m.make_encoder({}, repr, m.encode_basestring, None, ":", ",", False, False, True)(circ, 0)
        except ValueError:
            pass
        for enc_fn in (D.Const(1), D.Raise("e", 0), D.Tag("t")):
            try:
                m.make_encoder(None, repr, enc_fn, None, ":", ",", False, False, True)({"k": "v"}, 0)
            except Exception:  # noqa: BLE001
                pass
        enc = m.make_encoder(None, repr, m.encode_basestring, None, ":", ",", False, True, True)
        enc({b"skip": 1, "keep": [D.StrSub("s"), D.ReprInt(1), D.ReprFloat(2.0), D.Color.RED]}, 0)
        enc.markers, enc.default, enc.indent, enc.sort_keys
    seqs.append(("encoder: containers, markers, default and encoder hooks, errors", encoding))

    def package(m):
        js = bound(m)
        js.loads('{"a": [1, 2.5, {"b": "c\\u00e9"}], "d": NaN}')
        js.loads('{"a": 1}', object_pairs_hook=list, parse_float=str)
        for bad in ("[1, 2", '{"a" 1}', "", "[1]x"):
            try:
                js.loads(bad)
            except ValueError:
                pass
        js.dumps({"b": [1, 2.5, None, True], "a": "\u00e9\U0001f600"}, sort_keys=True)
        js.dumps([1, {"a": []}], indent=2, ensure_ascii=False)
        js.dumps({1: 2, None: 3}, separators=(",", ":"))
        try:
            js.dumps([D.Opaque()])
        except TypeError:
            pass
        js.JSONDecoder().raw_decode('  [1, 2] tail', 2)
        f = io.StringIO()
        js.dump({"x": 1}, f)
    seqs.append(("json package bound to the module: loads, dumps, errors", package))

    def strings(m):
        for s in ('"abc"', '"a\\n\\u00e9\\ud834\\udd1e"', '"abc', '"a\\x"', '"a\x01"'):
            for strict in (True, False):
                try:
                    m.scanstring(s, 1, strict)
                except ValueError:
                    pass
        m.encode_basestring("a\"\\\n\u00e9\U0001f600")
        m.encode_basestring_ascii("a\"\\\n\u00e9\U0001f600\ud800")
    seqs.append(("scanstring and the escapers", strings))
    return [(label, _warmed(fn)) for label, fn in seqs]


def _warmed(fn):
    """fn, run 2000 times more on its first call with a module (caches and
    free lists settle before leaks_check measures)."""
    seen = set()

    def warmed(m):
        if id(m) not in seen:
            seen.add(id(m))
            for _ in range(2000):
                fn(m)
        return fn(m)
    return warmed
