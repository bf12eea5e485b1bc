"""binascii's plug-in for the robustness harnesses (see fuzz_common.py):
fuzz inputs, leak calls, stress calls. The cases come from diff_binascii's
builders (encodings made by the C module, mutations, input wrappers,
parameter pools), driven by the fuzz input.

A fuzz input is a 16-byte header and a payload:

    byte 0      the function (index into the sorted public functions)
    byte 1      where the data comes from (mod 16): 0-5 the payload as is;
                6-8 a valid encoding of the payload (decoders) / the payload
                repeated (encoders); 9-10 a mutated encoding; 11 a tricky
                sample or a block-boundary size; 12-13 diff_binascii's own
                random case; 14 an argument that resizes or releases the data
                buffer while it is converted; 15 a large input (64 KiB-1 MiB)
    byte 2      the input type: < 192 one of diff_binascii.wrappers() (0 =
                bytes), else a wrong or unusual object
    byte 3      the other arguments (mod 4): defaults; random valid values;
                any value; edge values (int subclasses, __index__ objects
                that fail, huge numbers)
    byte 4      the call form (mod 8): 0-4 every positional/keyword split;
                5-6 one of them; 7 wrong forms (unknown keyword, missing or
                duplicate arguments, ...)
    bytes 5-15  further choices (ByteRandom), then a PRNG seeded by the input
"""

import random

import diff_binascii as D
import differential
import fuzz_common as F

HEADER = 16

INT_PARAMS = ("crc", "bytes_per_sep", "backtick", "strict_mode", "newline", "header", "quotetabs", "istext")


class _Params:
    """The parameter lists of the C module's functions, as diff_binascii's
    helpers expect them from a Differ."""

    def __init__(self, c):
        self._d = differential.Differ(c, c, 0)
        self.c = c

    def params(self, fname):
        return self._d.params(fname)


def _functions(c):
    return F.public_functions(c)


def _data(differ, fname, src, payload, rng):
    kind = D.DECODERS.get(fname)
    c = differ.c
    if src <= 5:
        return payload
    if src <= 8:
        if kind:
            return D.encode(c, kind, payload, rng)
        return payload * rng.randrange(1, 40)
    if src <= 10:
        return D.mutate(D.encode(c, kind, payload, rng) if kind else payload, rng)
    if src == 11:
        if kind:
            return rng.choice(D.TRICKY[kind])
        n = rng.choice([0, 1, 2, 3, 44, 45, 46, 47, 57, 58, 75, 76, 77, 78, 1000])
        return (payload * (n // max(1, len(payload)) + 1))[:n] if payload else D.random_bytes(rng, n)
    size = rng.choice([1 << 16, 1 << 16, 1 << 18, 1 << 20])
    base = payload or b"\x00"
    big = (base * (size // len(base) + 1))[:size]
    return D.encode(c, kind, big, rng) if kind and kind != "uu" else big


def _wrapped(data, w):
    wrappers = D.wrappers(data)
    if w < 192:
        return wrappers[w % len(wrappers)][1]
    extra = D.WRONG_TYPES + F.edge_data_values(data)
    return extra[(w - 192) % len(extra)]


def _values(differ, fname, value, mode, rng):
    if mode == 0:
        return D.fill(differ, fname, value)
    values = D.fill(differ, fname, value, rng, good=(mode == 1))
    if mode == 3:
        names = [p.name for p in differ.params(fname) if p.name in INT_PARAMS]
        if names:
            values[rng.choice(names)] = rng.choice(F.EDGE_PARAM_VALUES)
    return values


def _mutating_call(differ, fname, payload, rng):
    """The data argument is a bytearray (or a view of one) that another
    argument resizes (or releases) while it is converted: C has acquired the
    data buffer first, so that fails with BufferError."""
    names = [p.name for p in differ.params(fname) if p.name in INT_PARAMS]
    if not names:
        return False
    if rng.random() < 0.5:
        data = bytearray(payload)
        edge = F.Resizer(data, rng.choice(D.GOOD_VALUES[names[0]]))
    else:
        data = memoryview(bytearray(payload))
        edge = F.Releaser(data, rng.choice(D.GOOD_VALUES[names[0]]))
    values = {**D.fill(differ, fname, data), rng.choice(names): edge}
    forms = differential.call_forms(differ.params(fname), values)
    if forms:
        differ.call_isolated(fname, *rng.choice(forms))
    return True


def one_input(differ, data):
    functions = D.functions(differ)
    head = data[:HEADER].ljust(HEADER, b"\0")
    payload = data[HEADER:]
    rng = F.ByteRandom(head[5:], data)
    fname = functions[head[0] % len(functions)]
    src = head[1] % 16
    if src in (12, 13):
        D.random_case(differ, rng)
        return
    if src == 14:
        if _mutating_call(differ, fname, payload, rng):
            return
        src = 0
    value = _wrapped(_data(differ, fname, src, payload, rng), head[2])
    values = _values(differ, fname, value, head[3] % 4, rng)
    form = head[4] % 8
    if form <= 4:
        differ.call_all_forms(fname, values)
    elif form <= 6:
        forms = differential.call_forms(differ.params(fname), values)
        if forms:
            differ.call(fname, *rng.choice(forms))
    else:
        differ.call_wrong_forms(fname, values)


SAMPLES = [b"", b"a", b"Hello, World!", b"The quick brown fox jumps over the lazy dog.\n" * 8,
           bytes(range(256)), b"\x00" * 45, b"line one\r\nline two\r\n.\r\nFrom me\n", b"tab\tspace \n=_?"]


def seeds(c):
    """Valid data for every function: base64 text, hex, quoted-printable and
    uu lines made by the C module, and raw bytes for the encoders."""
    rng = random.Random(20240601)
    out = []
    samples = SAMPLES + [rng.randbytes(n) for n in (3, 45, 57, 100, 1000)]
    for i, fname in enumerate(_functions(c)):
        kind = D.DECODERS.get(fname)
        for raw in samples:
            if kind == "uu":
                raw = raw[:45]
            payload = D.encode(c, kind, raw, rng) if kind else raw
            out.append(bytes([i, 0, 0, 0, 0]) + bytes(HEADER - 5) + payload)
            out.append(bytes([i, 0, 0, 1, 0]) + rng.randbytes(HEADER - 5) + payload)
        if kind:
            out.append(bytes([i, 6, 0, 0, 0]) + bytes(HEADER - 5) + samples[3])
            out.append(bytes([i, 9, 0, 1, 0]) + rng.randbytes(HEADER - 5) + samples[4])
    return out


def random_input(rng):
    head = bytearray(rng.randbytes(HEADER))
    if rng.random() < 0.5:
        head[1] = rng.randrange(6)
        head[2] = 0 if rng.random() < 0.5 else head[2]
    return bytes(head) + D.random_bytes(rng)


# -- leaks and stress ---------------------------------------------------------------

def leak_calls(c):
    """Calls on every input type, every parameter value (valid and not),
    wrong data types, tricky decoder inputs and wrong argument forms:
    together they reach each success and error path."""
    p = _Params(c)
    rng = random.Random(7)
    out = []
    for fname in _functions(c):
        kind = D.DECODERS.get(fname)
        params = p.params(fname)
        typical = D.encode(c, kind, b"Hello, World! \x00\xff\t=\n" * 3, rng) if kind else b"Hello \x00\xff\n" * 5
        values = [D.fill(p, fname, v) for _, v in D.wrappers(typical)]
        values += [D.fill(p, fname, v) for v in D.WRONG_TYPES + F.edge_data_values(typical)]
        values += [D.fill(p, fname, v) for v in D.TRICKY.get(kind, [b"", b"x" * 45, b"x" * 46])]
        for param in params:
            pool = D.PARAM_VALUES.get(param.name, []) + (F.EDGE_PARAM_VALUES if param.name in INT_PARAMS else [])
            values += [{**D.fill(p, fname, typical), param.name: v} for v in pool]
        for v in values:
            out += [(fname, a, k) for a, k in differential.call_forms(params, v)[-1:]]
        out += [(fname, a, k) for a, k in differential.wrong_forms(params, D.fill(p, fname, typical))]
    return out


def big_calls(c):
    """Each function on 1 MiB of data (45-byte lines for a2b_uu)."""
    p = _Params(c)
    rng = random.Random(8)
    raw = rng.randbytes(1 << 20)
    out = []
    for fname in _functions(c):
        kind = D.DECODERS.get(fname)
        if kind == "uu":
            data = c.b2a_uu(raw[:45])
        else:
            data = D.encode(c, kind, raw, rng) if kind else raw
        out += [(fname, a, k) for a, k in differential.call_forms(p.params(fname), D.fill(p, fname, data))[-1:]]
    return out


def stress_calls(c):
    """Calls whose inputs are shared by all threads: the same bytes,
    bytearray and memoryview objects, small and 256 KiB, success and error
    paths."""
    p = _Params(c)
    rng = random.Random(9)
    shared_raw = [rng.randbytes(n) for n in (0, 1, 57, 1000, 1 << 18)]
    calls = []
    for fname in _functions(c):
        kind = D.DECODERS.get(fname)
        params = p.params(fname)
        for raw in shared_raw:
            data = D.encode(c, kind, raw if kind != "uu" else raw[:45], rng) if kind else raw
            for value in (data, bytearray(data), memoryview(data), D.non_contiguous(data)):
                values = D.fill(p, fname, value, rng)
                calls += [(fname, a, k) for a, k in differential.call_forms(params, values)[-1:]]
        for sample in D.TRICKY.get(kind, []) + [None, "\u20ac"]:
            calls += [(fname, a, k) for a, k in differential.call_forms(params, D.fill(p, fname, sample))[-1:]]
    return calls
