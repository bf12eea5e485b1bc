"""zlib's plug-in for the robustness harnesses (see fuzz_common.py): fuzz
inputs, leak calls, stress calls. The cases come from diff_zlib's builders
(streams made by the C module, corruptions, input wrappers, parameter pools,
the C/Rust stream pairs), driven by the fuzz input.

A fuzz input is a 16-byte header and a payload:

    byte 0      the case (mod 10): 0 crc32, 1 adler32, 2 zlib.decompress of
                the payload as is, 3 zlib.decompress of a C-made stream of
                the payload (mutated per byte 1), 4 zlib.compress (round
                trip), 5 a Compress stream, 6 a Decompress stream, 7 a
                _ZlibDecompressor stream (3.12+; else a Decompress stream),
                8 diff_zlib's own random case, 9 C <-> Rust interop
    byte 1      the stream's corruption (mod 8): 0-3 none; 4 truncated;
                5 bytes flipped; 6 trailing data; 7 diff_zlib.corruptions()
    byte 2      the input type: < 192 one of diff_zlib.wrappers() (0 =
                bytes), else a wrong or unusual object
    byte 3      the other arguments (mod 4): defaults; random valid values;
                any value (invalid too); edge values (int subclasses,
                __index__ objects that fail, huge numbers)
    byte 4      the call form (mod 8): 0-5 every positional/keyword split;
                6 one of them; 7 wrong forms
    bytes 5-15  further choices (ByteRandom), then a PRNG seeded by the input

Comparisons: checksums, decompression and every exception are exact, and go
through differ.call (so a divergence is minimised and saved to the corpus).
Compressed output legitimately differs between the two engines: compression
calls and the stateful streams (Compress, Decompress, _ZlibDecompressor
objects: a corpus case cannot compare two objects, which are never equal)
are compared in this plug-in by diff_zlib (round trip for compressed bytes,
exact for the rest); a mismatch there is handed to the harness as a call
"that cannot be saved", with the whole stream in its description, so the
fuzz run fails and prints it (it is not written to the corpus).
"""

import random

import diff_zlib as D
import differential
import fuzz_common as F

HEADER = 16
# Labels diff_zlib reports through differ.call (FuzzDiffer handles those).
DIRECT = ("crc32", "adler32", "decompress")


class _Params:
    """The C module's parameter lists, as diff_zlib's helpers expect them from a Differ."""

    def __init__(self, c):
        self._d = differential.Differ(c, c, 0)
        self.c = c

    def params(self, fname):
        return self._d.params(fname)


def _attach(differ):
    """Routes diff_zlib's own comparisons (streams, round trips) to the
    harness: each mismatch becomes an unsaveable finding with its story."""
    if getattr(differ, "_zlib_attached", False):
        return
    differ._zlib_attached = True
    report = differ.report
    on_mismatch = getattr(differ, "on_mismatch", None)

    def zlib_report(what, detail, c_side, rust_side):
        report(what, detail, c_side, rust_side)
        if on_mismatch is not None and what not in DIRECT:
            on_mismatch([{"func": what, "unencodable": "a zlib stream or round-trip case",
                          "repr": f"{detail}\n    C:    {c_side}\n    Rust: {rust_side}"}])
    differ.report = zlib_report


def _data_value(data, w):
    wrappers = D.wrappers(data)
    if w < 192:
        return wrappers[w % len(wrappers)][1]
    extra = D.WRONG_TYPES + F.edge_data_values(data)
    return extra[(w - 192) % len(extra)]


def _corrupt(stream, mode, rng):
    if mode <= 3 or not stream:
        return stream
    if mode == 4:
        return stream[:rng.randrange(len(stream))]
    if mode == 5:
        b = bytearray(stream)
        for _ in range(rng.randrange(1, 4)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return bytes(b)
    if mode == 6:
        return stream + rng.choice([b"x", b"unused data", stream, b"\x00" * 10])
    return rng.choice(D.corruptions(stream, rng))


def _pick(rng, mode, good, pool, edge=True):
    if mode == 0:
        return None
    if mode == 1:
        return rng.choice(good)
    if mode == 2 or not edge:
        return rng.choice(pool)
    return rng.choice(F.EDGE_PARAM_VALUES + pool)


def _calls(differ, fname, values, form, rng, direct=True):
    """Makes the calls of `values` in the form byte 4 asks for."""
    call = differ.call if direct else (lambda f, a=(), k=None: D.call(differ, f, a, k))
    params = differ.params(fname)
    if form == 7:
        for args, kwargs in differential.wrong_forms(params, values):
            call(fname, args, kwargs)
        return
    forms = differential.call_forms(params, values)
    if not forms:
        return
    for args, kwargs in ([rng.choice(forms)] if form == 6 else forms):
        call(fname, args, kwargs)


def _stream(differ, c, payload, rng, wbits=None):
    """A C-made stream of `payload` (random compressobj arguments)."""
    kw = D.random_kwargs(rng)
    if wbits is not None:
        kw["wbits"] = wbits
    kw.pop("zdict", None)
    try:
        co = c.compressobj(**kw)
        out = co.compress(payload)
        if rng.random() < 0.3:
            out += co.flush(rng.choice([0, 1, 2, 3, 5]))
            out += co.compress(payload[::-1])
        return out + co.flush(), kw.get("wbits", 15)
    except Exception:  # noqa: BLE001 - an invalid combination: a plain stream
        return c.compress(payload), 15


def one_input(differ, data):
    _attach(differ)
    c = differ.c
    head = data[:HEADER].ljust(HEADER, b"\0")
    payload = data[HEADER:]
    rng = F.ByteRandom(head[5:], data)
    case = head[0] % 10
    corruption = head[1] % 8
    mode = head[3] % 4
    form = head[4] % 8
    if case in (0, 1):
        fname = D.CHECKSUMS[case]
        values = {"data": _data_value(payload, head[2])}
        v = _pick(rng, mode, D.CHECKSUM_VALUES[:7], D.CHECKSUM_VALUES)
        if v is not None:
            values["value"] = v
        _calls(differ, fname, values, form, rng)
    elif case in (2, 3):
        stream = payload
        wbits = rng.choice([15, -15, 31, 47, 0])
        if case == 3:
            stream, wbits = _stream(differ, c, payload, rng)
            stream = _corrupt(stream, corruption, rng)
            wbits = rng.choice([wbits, wbits, D.reader_wbits(wbits), rng.choice(D.ALL_WBITS)])
        values = {"data": _data_value(stream, head[2])}
        if mode:
            values["wbits"] = wbits if mode == 1 else _pick(rng, mode, D.DECOMPRESS_WBITS, D.ALL_WBITS)
            if rng.random() < 0.5:
                values["bufsize"] = _pick(rng, mode, [0, 1, 7, 100, 16384], D.BUFSIZES)
        _calls(differ, "decompress", values, form, rng)
    elif case == 4:
        values = {"data": _data_value(payload, head[2])}
        level = _pick(rng, mode, D.LEVELS, D.LEVELS + D.BAD_LEVELS)
        if level is not None:
            values["level"] = level
            wbits = _pick(rng, mode, D.COMPRESS_WBITS, D.ALL_WBITS)
            if wbits is not None and rng.random() < 0.6:
                values["wbits"] = wbits
        _calls(differ, "compress", values, form, rng, direct=False)
    elif case == 5:
        kw = D.random_kwargs(rng, good=mode < 2)
        pieces = max(1, rng.randrange(1, 6))
        cut = sorted(rng.randrange(len(payload) + 1) for _ in range(pieces - 1))
        chunks = [payload[a:b] for a, b in zip([0] + cut, cut + [len(payload)])]
        chunks = [_data_value(ch, head[2]) if rng.random() < 0.3 else ch for ch in chunks]
        modes = [rng.choice(D.FLUSH_MODES + [None, None] + (D.BAD_FLUSH_MODES if mode >= 2 else []))
                 for _ in chunks]
        D.compress_stream(differ, rng, kw, chunks, modes, copy_at=rng.randrange(len(chunks) + 2))
    elif case in (6, 7):
        stream, wbits = _stream(differ, c, payload, rng)
        stream = _corrupt(stream, corruption, rng)
        dkw = {"wbits": rng.choice([wbits, wbits, D.reader_wbits(wbits), rng.choice(D.ALL_WBITS)])}
        extra = rng.choice([b"", b"", b"unused", stream[:10]])
        if case == 7 and hasattr(c, "_ZlibDecompressor"):
            D.zd_stream(differ, rng, stream, dkw, chunk=rng.choice([None, 1, 10, 1000]),
                        max_length=rng.choice([-1, -1, 0, 1, 100, 10000]), extra=extra)
        else:
            max_length = rng.choice([None, None, 0, 1, 7, 100, 10000])
            if max_length and len(stream) > max_length * 20:
                stream = stream[:max_length * 20]
            D.decompress_stream(differ, rng, stream, dkw, chunk=rng.choice([None, None, 1, 10, 1000]),
                                max_length=max_length, flush_length=rng.choice([None, None, 1, 100]), extra=extra)
    elif case == 8:
        D.random_case(differ, rng)
    else:
        D.interop(differ, rng, payload, [rng.choice(D.COMPRESS_WBITS)], [rng.choice(D.DECOMPRESS_WBITS)],
                  [rng.choice(D.LEVELS)])


SAMPLES = [b"", b"a", b"Hello, World!", b"The quick brown fox jumps over the lazy dog.\n" * 8, bytes(range(256)),
           bytes(100), b"abc" * 1000]


def seeds(c):
    """Every case kind on samples: plain data for compression and checksums,
    C-made streams (as the payload of case 2) for decompression."""
    rng = random.Random(20240601)
    samples = SAMPLES + [D.text_data(rng, 2000), D.binary_data(rng, 3000), rng.randbytes(500)]
    out = []
    for case in range(10):
        for raw in samples:
            if case == 2:
                raw = c.compress(raw)
            out.append(bytes([case, 0, 0, 0, 0]) + bytes(HEADER - 5) + raw)
            out.append(bytes([case, rng.randrange(8), 0, 1, rng.randrange(6)]) + rng.randbytes(HEADER - 5) + raw)
    return out


def random_input(rng):
    head = bytearray(rng.randbytes(HEADER))
    if rng.random() < 0.5:
        head[2] = 0
    return bytes(head) + D.random_data(rng, min(D.random_size(rng), 20000))


# -- leaks and stress ---------------------------------------------------------------

def leak_calls(c):
    """Module-level calls reaching each success and error path: every input
    type, every parameter value (valid and not), corrupted streams, wrong
    argument forms. (Object methods are reached through stress_calls.)"""
    p = _Params(c)
    rng = random.Random(7)
    text = D.text_data(rng, 2000)
    stream = c.compress(text)
    out = []

    def add(fname, values):
        out.extend((fname, a, k) for a, k in differential.call_forms(p.params(fname), values)[-1:])

    for _, v in D.wrappers(text):
        for fname in ("compress",) + D.CHECKSUMS:
            add(fname, {"data": v})
    for _, v in D.wrappers(stream):
        add("decompress", {"data": v})
    for v in D.WRONG_TYPES + F.edge_data_values(text):
        for fname in ("compress", "decompress") + D.CHECKSUMS:
            add(fname, {"data": v})
    for level in D.LEVELS + D.BAD_LEVELS + F.EDGE_PARAM_VALUES:
        add("compress", {"data": text, "level": level})
    for wbits in D.ALL_WBITS:
        add("compress", {"data": text, "level": 6, "wbits": wbits})
        add("decompress", {"data": stream, "wbits": wbits})
        add("decompressobj", {"wbits": wbits})
        add("compressobj", {"wbits": wbits})
    for bufsize in D.BUFSIZES:
        add("decompress", {"data": stream, "wbits": 15, "bufsize": bufsize})
    for bad in D.corruptions(stream, rng):
        add("decompress", {"data": bad})
    for fname in D.CHECKSUMS:
        for v in D.CHECKSUM_VALUES + F.EDGE_PARAM_VALUES:
            add(fname, {"data": text, "value": v})
    for name, pool in (("level", D.LEVELS + D.BAD_LEVELS), ("method", D.METHODS), ("memLevel", D.MEM_LEVELS),
                       ("strategy", D.STRATEGIES), ("zdict", D.ZDICTS)):
        for v in pool:
            add("compressobj", {name: v})
    for v in D.ZDICTS:
        add("decompressobj", {"zdict": v})
    if hasattr(c, "_ZlibDecompressor"):
        for v in D.ALL_WBITS:
            out.append(("_ZlibDecompressor", (), {"wbits": v}))
        for v in D.ZDICTS:
            out.append(("_ZlibDecompressor", (), {"zdict": v}))
    for fname, values in (("compress", {"data": text, "level": 6, "wbits": 15}),
                          ("decompress", {"data": stream, "wbits": 15, "bufsize": 100}),
                          ("compressobj", {"level": 6, "wbits": 15, "zdict": b"abc"}),
                          ("decompressobj", {"wbits": 15, "zdict": b"abc"}),
                          ("crc32", {"data": text, "value": 1}), ("adler32", {"data": text, "value": 1})):
        out.extend((fname, a, k) for a, k in differential.wrong_forms(p.params(fname), values))
    return out


def big_calls(c):
    """Each data function on 1 MiB."""
    rng = random.Random(8)
    text = D.text_data(rng, 1 << 20)
    raw = rng.randbytes(1 << 20)
    return [("compress", (text, 6), {}), ("compress", (raw, 1), {}), ("decompress", (c.compress(text, 1),), {}),
            ("decompress", (c.compress(raw, 1), 15, 1), {}), ("crc32", (raw,), {}), ("adler32", (raw,), {})]


def _roundtrip(data, level, wbits, chunk, mode):
    """fn(module): a whole stream through compressobj/decompressobj of one module;
    returns what came back (equal for C and Rust whatever their engines)."""
    def fn(m):
        co = m.compressobj(level, 8, wbits)
        out = bytearray()
        for i in range(0, len(data), chunk):
            out += co.compress(data[i:i + chunk])
            if mode is not None:
                out += co.flush(mode)
        out += co.flush()
        d = m.decompressobj(wbits)
        got = bytearray()
        for i in range(0, len(out), chunk):
            got += d.decompress(bytes(out[i:i + chunk]), 4096)
            while d.unconsumed_tail:
                got += d.decompress(d.unconsumed_tail, 4096)
        got += d.flush()
        return bytes(got) == bytes(memoryview(data)), d.eof, d.unused_data, m.decompress(bytes(out), wbits) == bytes(
            memoryview(data))
    return fn


def stress_calls(c):
    """Calls on inputs shared by all threads (the same bytes, bytearray,
    memoryview objects), success and error paths, plus whole streams."""
    rng = random.Random(9)
    texts = [D.text_data(rng, n) for n in (0, 1, 1000, 1 << 17)]
    calls = []
    for t in texts:
        stream = c.compress(t)
        for value in (t, bytearray(t), memoryview(t), D.non_contiguous(t)):
            calls += [("crc32", (value,), {}), ("adler32", (value, 12345), {})]
        for value in (stream, bytearray(stream), memoryview(stream)):
            calls += [("decompress", (value,), {}), ("decompress", (value, 47, 1), {})]
        for bad in D.corruptions(stream, rng)[:5]:
            calls.append(("decompress", (bad,), {}))
        for level, wbits, chunk, mode in ((1, 15, 1000, None), (6, -15, 777, 2), (9, 31, 5000, 3), (0, 9, 100, 1)):
            shared = bytearray(t) if chunk % 2 else t
            calls.append((f"compressobj({level}, 8, {wbits}) stream of {len(t)} bytes", _roundtrip(
                shared, level, wbits, chunk, mode)))
            calls.append((f"compress({len(t)} bytes, {level}, {wbits}) round trip",
                          lambda m, t=t, level=level, wbits=wbits: m.decompress(m.compress(t, level, wbits), wbits)))
    calls += [("compress", ("str",), {}), ("decompress", (b"x\x9c",), {}), ("compressobj", (), {"level": 10})]
    return calls


def leak_sequences(c):
    """Whole object sequences for the leak check: every method, attribute and
    copy of Compress, Decompress and (3.12+) _ZlibDecompressor, on success
    and error paths."""
    rng = random.Random(11)
    text = D.text_data(rng, 3000)
    stream = c.compress(text)
    zdict = text[:200]
    co = c.compressobj(zdict=zdict)
    dict_stream = co.compress(text) + co.flush()
    seqs = []

    def compress_object(m):
        o = m.compressobj(6, 8, 15, 8, 0, zdict)
        o.compress(text)
        o.flush(2)
        o.copy().flush()
        o.__deepcopy__(None)
        o.flush()
        try:
            o.flush()
        except m.error:
            pass
        try:
            o.copy()
        except ValueError:
            pass
    seqs.append(("Compress: compress, flush modes, copies, errors after finish", compress_object))

    def decompress_object(m):
        o = m.decompressobj()
        o.decompress(stream + b"tail", 100)
        o.unconsumed_tail, o.unused_data, o.eof
        o.copy().decompress(o.unconsumed_tail)
        o.decompress(o.unconsumed_tail)
        o.flush()
        try:
            o.decompress(b"more")
        except m.error:
            pass
    seqs.append(("Decompress: max_length, tails, copy, flush, after the end", decompress_object))

    def decompress_errors(m):
        o = m.decompressobj(zdict=b"wrong")
        for data in (dict_stream[:50], b"garbage"):
            try:
                o.decompress(data)
            except m.error:
                pass
        o.flush()
        o = m.decompressobj(zdict=zdict)
        o.decompress(dict_stream)
        m.decompressobj(-15, zdict).decompress(b"\x03\x00")
    seqs.append(("Decompress: dictionaries, corrupt data", decompress_errors))

    if hasattr(c, "_ZlibDecompressor"):
        def decompressor(m):
            o = m._ZlibDecompressor()
            o.decompress(stream[:100], 10)
            o.decompress(b"", 10)
            o.decompress(stream[100:] + b"after")
            o.eof, o.unused_data, o.needs_input
            try:
                o.decompress(b"x")
            except EOFError:
                pass
            o = m._ZlibDecompressor()
            try:
                o.decompress(b"garbage")
            except m.error:
                pass
        seqs.append(("_ZlibDecompressor: buffered input, limits, end, errors", decompressor))
    return seqs
