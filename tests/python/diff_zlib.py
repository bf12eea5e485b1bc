"""Differential test of zlib: C module vs oxpy's Rust module.

    python diff_zlib.py --rust target/oxpy/3.11/overlay/zlib.cpython-311-x86_64-linux-gnu.so [--time 10] [--seed N]

Module functions (compress, decompress, crc32, adler32, compressobj,
decompressobj and, on 3.12+, _ZlibDecompressor) are called on the same
inputs in both modules: every level, wbits, bufsize, memLevel, method,
strategy and zdict value (valid and invalid), every input type (bytes,
bytearray, memoryview incl. non-contiguous and multi-byte formats, array,
subclasses, str, wrong types), every keyword/positional combination
including wrong ones.

Streams: the SAME sequence of calls is made on a C object and on a Rust
object (Compress, Decompress, _ZlibDecompressor), comparing every result,
attribute and exception (type and message) after every call, including
copy()/__copy__/__deepcopy__ (also after flush(Z_FINISH)) and every flush
mode.

What legitimately differs: the Rust module has its own deflate engine, so
COMPRESSED bytes (zlib.compress, Compress.compress/flush) need not be
byte-identical to C's, nor be split the same way between the calls of a
stream. Those results are compared by type and by round trip instead: at
each point where the stream must be decodable (after Z_SYNC_FLUSH,
Z_FULL_FLUSH, Z_PARTIAL_FLUSH and Z_FINISH) both streams are decompressed
by both modules and must give back exactly the data fed in. Everything
else (decompressed data, the amount of it per call under max_length,
unconsumed_tail, unused_data, eof, needs_input, checksums, exceptions and
their messages) is compared exactly. Decompression tests are fed streams
made by the C module, so their expected outcome is fully determined.

Cross-interop: data compressed by C must decompress with Rust and vice versa,
for every compression wbits and every compatible decompression wbits, and for
streams made with every flush mode.

See differential.py for how outcomes are compared.
"""

import copy
import operator
import pickle
import sys
import warnings
from array import array

import differential
from differential import outcome, same_outcome, short_repr, show_outcome

# -- constants (the values of C zlib; the Rust module must have the same) ------

Z_NO_FLUSH, Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH, Z_BLOCK, Z_TREES = 0, 1, 2, 3, 4, 5, 6
FLUSH_MODES = [Z_NO_FLUSH, Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH, Z_BLOCK, Z_TREES]
# After these, everything fed so far can be decompressed from what was output.
DECODABLE_FLUSHES = (Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH)
BAD_FLUSH_MODES = [7, -1, 8, 100, -100, 2**31 - 1, 2**31, -2**31 - 1, 2**63, 2**100, 1.5, "2", None, b"", []]

LEVELS = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
BAD_LEVELS = [10, -2, 11, 100, -100, 2**31 - 1, 2**31, -2**31 - 1, 2**63, -2**64, 2**100, 1.5, float("nan"),
              "6", b"6", None, [], object]

# Valid for compression: zlib (9..15; 8 is taken as 9), raw (-9..-15), gzip (25..31).
COMPRESS_WBITS = list(range(8, 16)) + [-w for w in range(9, 16)] + list(range(25, 32))
# Valid for decompression besides: 0 (window from the zlib header), 40..47 (zlib or gzip, auto-detected).
DECOMPRESS_WBITS = list(range(8, 16)) + [-w for w in range(8, 16)] + list(range(24, 32)) + list(range(40, 48)) + [0]
BAD_WBITS = [16, 100, -16, -8, 7, -7, 1, -1, 17, 23, 32, 33, 39, 48, 64, -100, 2**31 - 1, 2**31, -2**31 - 1, 2**63,
             2**100, -2**100, 1.5, "15", b"15", None, [], True, False]
ALL_WBITS = sorted(set(COMPRESS_WBITS + DECOMPRESS_WBITS)) + BAD_WBITS

BUFSIZES = [0, 1, 2, 7, 16, 100, 1024, 16384, 2**20, -1, -2**31, 2**31, 2**63 - 1, 2**63, -2**63 - 1, 2**100, 1.5,
            "1", None, True]
MAX_LENGTHS = [0, 1, 2, 3, 5, 16, 100, 1000, 16384, 2**20, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -1, -2, -2**31,
               -2**63 - 1, 1.5, "1", None, True]
FLUSH_LENGTHS = [1, 2, 16, 1024, 16384, 2**31, 2**63 - 1, 0, -1, -2**31, 2**63, -2**63 - 1, 2**100, 1.5, "1",
                 None, True]
METHODS = [8, 0, 7, 9, -1, 2**31, 2**63, 1.5, "8", None]
MEM_LEVELS = [1, 2, 7, 8, 9, 0, 10, -1, 2**31, 2**63, 1.5, "8", None]
STRATEGIES = [0, 1, 2, 3, 4, 5, -1, 100, 2**31, 2**63, 1.5, "0", None]
CHECKSUM_VALUES = [0, 1, -1, 0xFFFF, 0x10000, 0x12345678, 0xFFFFFFFF, 2**32, 2**32 + 7, 2**63, 2**64 + 5, 2**100,
                   -2**31, -2**32 - 1, -2**70, True, False, 1.0, "1", None, b"1"]

CHECKSUMS = ("crc32", "adler32")


class BytesSubclass(bytes):
    pass


class ByteArraySubclass(bytearray):
    pass


ZDICTS = [b"", b"a", b"the quick brown fox", bytes(range(256)) * 200, bytearray(b"the"), memoryview(b"fox"),
          array("B", b"over"), "str dict", 1, None, [], BytesSubclass(b"dog")]

WORDS = ("the of and to in is you that it he was for on are as with his they at be this have from or one had by "
         "word but not what all were we when your can said there use an each which she do how their if will up "
         "other about out many then them these so some her would make like him into time has look two more write "
         "go see number no way could people my than first water been call who oil its now find long down day did "
         "get come made may part zlib deflate inflate window stream").split()


# -- inputs -------------------------------------------------------------------

def text_data(rng, n):
    """`n` bytes of text: words from a fixed list, lines of ~70 characters."""
    out = []
    size = line = 0
    while size < n:
        w = rng.choice(WORDS)
        sep = "\n" if line + len(w) > 70 else " "
        line = 0 if sep == "\n" else line + len(w) + 1
        out.append(w + sep)
        size += len(w) + 1
    return "".join(out).encode()[:n]


def binary_data(rng, n):
    """`n` bytes: random bytes mixed with runs and repeats (compressible)."""
    out = bytearray()
    while len(out) < n:
        r = rng.random()
        k = rng.randrange(1, 300)
        if r < 0.4:
            out += rng.randbytes(k)
        elif r < 0.7:
            out += bytes([rng.randrange(256)]) * k
        elif out:
            start = rng.randrange(len(out))
            out += out[start:start + k]
        else:
            out += rng.randbytes(k)
    return bytes(out[:n])


def random_size(rng):
    r = rng.random()
    if r < 0.2:
        return rng.randrange(4)
    if r < 0.6:
        return rng.randrange(200)
    if r < 0.95:
        return rng.randrange(5000)
    return rng.randrange(200000)


def random_data(rng, n=None):
    n = random_size(rng) if n is None else n
    kind = rng.randrange(5)
    if kind == 0:
        return text_data(rng, n)
    if kind == 1:
        return binary_data(rng, n)
    if kind == 2:
        return rng.randbytes(n)
    if kind == 3:
        return bytes(n)
    return bytes([rng.randrange(256)]) * n


def non_contiguous(data):
    """A memoryview with stride 2 holding `data`."""
    buf = bytearray(2 * len(data))
    buf[::2] = data
    return memoryview(buf)[::2]


def wrappers(data):
    """The same bytes as every input type: [(name, value)]."""
    out = [
        ("bytes", data),
        ("bytearray", bytearray(data)),
        ("memoryview", memoryview(data)),
        ("memoryview-rw", memoryview(bytearray(data))),
        ("noncontiguous", non_contiguous(data)),
        ("array-B", array("B", data)),
        ("bytes-subclass", BytesSubclass(data)),
        ("bytearray-subclass", ByteArraySubclass(data)),
        ("readonly-view-2d", memoryview(data).cast("B", (1, len(data))) if data else memoryview(data)),
    ]
    if len(data) % 4 == 0:
        a = array("I")
        a.frombytes(data)
        out.append(("array-I", a))
    if len(data) % 2 == 0:
        out.append(("memoryview-H", memoryview(data).cast("H")))
    if data.isascii():
        out.append(("str", data.decode("ascii")))
    return out


WRONG_TYPES = [0, 1, -1, 3.5, None, [1, 2], (1,), {}, object(), "\u20ac", array("d", [1.0]),
               memoryview(array("d", [1.0, 2.0]))]


def wrap(data, rng):
    r = rng.random()
    if r < 0.6:
        return data
    if r < 0.98:
        return rng.choice(wrappers(data))[1]
    return rng.choice(WRONG_TYPES)


def as_bytes(value):
    """The bytes a bytes-like argument holds (None if it is not one)."""
    try:
        return memoryview(value).tobytes()
    except (TypeError, ValueError):
        return None


def stream_kind(wbits):
    """(wrapper, window bits) of what compression with `wbits` produces, or None."""
    if 8 <= wbits <= 15:
        return "zlib", max(wbits, 9)
    if -15 <= wbits <= -9:
        return "raw", -wbits
    if 25 <= wbits <= 31:
        return "gzip", wbits - 16
    return None


def accepts(dwbits, kind):
    """Whether decompression with `dwbits` must accept a stream of `kind`."""
    wrapper, window = kind
    if dwbits == 0:
        return wrapper == "zlib"
    if 8 <= dwbits <= 15:
        return wrapper == "zlib" and dwbits >= window
    if -15 <= dwbits <= -8:
        return wrapper == "raw" and -dwbits >= window
    if 24 <= dwbits <= 31:
        return wrapper == "gzip" and dwbits - 16 >= window
    if 40 <= dwbits <= 47:
        return wrapper in ("zlib", "gzip") and dwbits - 32 >= window
    return False


def int_value(value, default=15):
    """operator.index(value) without its warnings or errors (edge objects)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return operator.index(value)
        except Exception:  # noqa: BLE001
            return default


def reader_wbits(wbits):
    """Decompression wbits that reads any stream compressed with `wbits`."""
    return -15 if wbits < 0 else 47


# -- comparing ----------------------------------------------------------------

def call_label(name, args, kwargs):
    shown = ", ".join([short_repr(a, 80) for a in args] + [f"{k!s}={short_repr(v, 80)}" for k, v in kwargs.items()])
    return f"{name}({shown})"


def check(differ, label, detail, oc, orust):
    """Counts one comparison under `label` and reports it if it differs."""
    differ.calls[label] += 1
    if not same_outcome(oc, orust):
        differ.report(label, detail, show_outcome(oc), show_outcome(orust))
        return False
    return True


def roundtrip_outcome(differ, compressed, data, wbits, zdict=None):
    """Decompresses `compressed` with both modules: ("ok", "roundtrip", True)
    when both give back `data`, else what each gave."""
    results = []
    for m in (differ.c, differ.rust):
        try:
            if zdict is None:
                d = m.decompressobj(reader_wbits(wbits))
            else:
                d = m.decompressobj(reader_wbits(wbits), zdict=zdict)
            got = d.decompress(compressed) + d.flush()
            results.append(("ok", got == data, len(got)))
        except Exception as e:
            results.append(("raise", type(e).__name__, differential.exception_message(e)))
    if all(r == ("ok", True, len(data)) for r in results):
        return ("ok", "roundtrip", True)
    return ("ok", "roundtrip failed", tuple(results))


def stream_header(compressed, wbits):
    """The wrapper's header of a whole stream made with `wbits`: 2 bytes of
    zlib (its FLEVEL field tells the level), 10 of gzip (XFL, OS), none raw."""
    kind = stream_kind(wbits)
    return compressed[:{"zlib": 2, "gzip": 10}.get(kind[0], 0)] if kind else b""


def compressed_outcome(differ, o, data, wbits, zdict=None):
    """A compression call's outcome with the compressed bytes replaced by
    the round trip check and the stream's header (the deflate data
    legitimately differs; the header must not)."""
    if o[0] != "ok" or o[1] != "builtins.bytes" or data is None:
        return o
    return ("ok", o[1], (roundtrip_outcome(differ, o[2], data, wbits, zdict), stream_header(o[2], wbits)))


def call_compress(differ, args, kwargs=None):
    """zlib.compress on both: exceptions exactly, results by round trip."""
    kwargs = kwargs or {}
    oc = outcome(differ.c.compress, args, kwargs)
    orust = outcome(differ.rust.compress, args, kwargs)
    wbits = int_value(kwargs.get("wbits", args[2] if len(args) > 2 else 15))
    data = as_bytes(args[0]) if args else None
    check(differ, "compress", call_label("compress", args, kwargs),
          compressed_outcome(differ, oc, data, wbits), compressed_outcome(differ, orust, data, wbits))


def call(differ, fname, args=(), kwargs=None):
    """A module-level call: compress by round trip, the others exactly."""
    if fname == "compress":
        call_compress(differ, args, kwargs)
    elif fname in ("compressobj", "decompressobj", "_ZlibDecompressor"):
        call_constructor(differ, fname, args, kwargs or {})
    else:
        differ.call(fname, args, kwargs)


def object_outcome(o):
    """Objects are compared by type (two objects are never equal)."""
    if o[0] == "ok" and o[1] in ("zlib.Compress", "zlib.Decompress", "zlib._ZlibDecompressor"):
        return ("ok", o[1], "<object>")
    return o


def call_constructor(differ, fname, args, kwargs):
    oc = outcome(getattr(differ.c, fname), args, kwargs)
    orust = outcome(getattr(differ.rust, fname), args, kwargs)
    check(differ, fname, call_label(fname, args, kwargs), object_outcome(oc), object_outcome(orust))
    return oc, orust


def call_all_forms(differ, fname, values):
    """Every valid positional/keyword split of `values`."""
    params = differ.params(fname)
    if params is None:
        call(differ, fname, tuple(values.values()))
        return
    for args, kwargs in differential.call_forms(params, values):
        call(differ, fname, args, kwargs)


def call_wrong_forms(differ, fname, values):
    params = differ.params(fname)
    for args, kwargs in differential.wrong_forms(params, values) if params else []:
        call(differ, fname, args, kwargs)


class Pair:
    """A C object and a Rust object driven by the same calls.

    `compressing`: results of compress()/flush() are compressed data, kept
    (per side) and compared by round trip at decodable points; `fed` is the
    data given to compress() so far."""

    def __init__(self, differ, desc, c_obj, rust_obj, compressing=False, wbits=15, zdict=None):
        self.differ, self.desc, self.c, self.rust = differ, desc, c_obj, rust_obj
        self.compressing, self.wbits, self.zdict = compressing, wbits, zdict
        self.c_out, self.rust_out, self.fed = bytearray(), bytearray(), bytearray()
        self.steps = []
        self.finished = False

    @classmethod
    def make(cls, differ, fname, args=(), kwargs=None, desc=None):
        """Constructs on both modules; None if it failed (the failure is compared)."""
        kwargs = kwargs or {}
        oc, orust = call_constructor(differ, fname, args, kwargs)
        if oc[0] != "ok" or orust[0] != "ok":
            return None
        compressing = fname == "compressobj"
        values = dict(zip(["level", "method", "wbits", "memLevel", "strategy", "zdict"] if compressing
                          else ["wbits", "zdict"], args))
        values.update(kwargs)
        wbits = values.get("wbits", 15)
        zdict = values.get("zdict")
        zdict = as_bytes(zdict) if zdict is not None else None
        wbits = int_value(wbits)
        return cls(differ, desc or call_label(fname, args, kwargs), oc[2], orust[2], compressing, wbits,
                   zdict or None)

    def detail(self, what):
        steps = self.steps[-6:]
        more = "... " if len(self.steps) > 6 else ""
        return f"{self.desc} -> {more}{' -> '.join(steps)} -> {what}"

    def call(self, method, *args, **kwargs):
        """Calls `method` on both objects; returns (C outcome, Rust outcome)."""
        what = call_label(method, args, kwargs)
        oc = outcome(getattr(self.c, method), args, kwargs)
        orust = outcome(getattr(self.rust, method), args, kwargs)
        if self.compressing and method in ("compress", "flush"):
            ok = oc[0] == "ok" and orust[0] == "ok"
            if ok and isinstance(oc[2], bytes) and isinstance(orust[2], bytes):
                self.c_out += oc[2]
                self.rust_out += orust[2]
            if ok and method == "compress":
                self.fed += as_bytes(args[0]) or b""
            cmp_c = ("ok", oc[1], "<compressed>") if oc[0] == "ok" else oc
            cmp_r = ("ok", orust[1], "<compressed>") if orust[0] == "ok" else orust
        elif method in ("copy", "__copy__", "__deepcopy__"):
            cmp_c, cmp_r = object_outcome(oc), object_outcome(orust)
        else:
            cmp_c, cmp_r = oc, orust
        check(self.differ, f"{type(self.c).__name__}.{method}", self.detail(what), cmp_c, cmp_r)
        self.steps.append(what)
        if self.compressing and method == "flush" and oc[0] == "ok" and orust[0] == "ok":
            mode = args[0] if args else Z_FINISH
            if mode in DECODABLE_FLUSHES:
                self.check_decodable(final=mode == Z_FINISH)
            if mode == Z_FINISH:
                self.finished = True
        return oc, orust

    def attrs(self, names=("unconsumed_tail", "unused_data", "eof")):
        for name in names:
            oc = outcome(getattr, (self.c, name), {})
            orust = outcome(getattr, (self.rust, name), {})
            check(self.differ, f"{type(self.c).__name__}.{name}", self.detail(name), oc, orust)

    def check_decodable(self, final):
        """Both outputs so far decompress, with both modules, to what was fed;
        finished streams have the same header."""
        data = bytes(self.fed)
        for side, out in (("C", self.c_out), ("Rust", self.rust_out)):
            o = self.decode(bytes(out), data, final)
            self.differ.calls["<roundtrip>"] += 1
            if o != ("ok", "roundtrip", True):
                self.differ.report("<roundtrip>", self.detail(f"decompress the {side} stream ({len(out)} bytes)"),
                                   f"expected {len(data)} bytes back", short_repr(o))
        if final:
            headers = [("ok", "header", stream_header(bytes(out), int_value(self.wbits)))
                       for out in (self.c_out, self.rust_out)]
            check(self.differ, "<header>", self.detail("the finished streams' headers"), *headers)

    def decode(self, stream, data, final):
        results = []
        for m in (self.differ.c, self.differ.rust):
            try:
                d = (m.decompressobj(reader_wbits(self.wbits)) if self.zdict is None
                     else m.decompressobj(reader_wbits(self.wbits), zdict=self.zdict))
                got = d.decompress(stream)
                if final:
                    got += d.flush()
                    if not d.eof or d.unused_data:
                        results.append(("ok", "not at the end", d.eof, d.unused_data))
                        continue
                results.append(("ok", got == data, len(got)))
            except Exception as e:
                results.append(("raise", type(e).__name__, differential.exception_message(e)))
        if all(r == ("ok", True, len(data)) for r in results):
            return ("ok", "roundtrip", True)
        return ("ok", "roundtrip failed", tuple(results))

    def copies(self, how):
        """A new Pair of the objects' copies (how: copy, __copy__, __deepcopy__,
        copy.copy, copy.deepcopy), or None if copying failed (compared)."""
        if how in ("copy.copy", "copy.deepcopy"):
            f = copy.copy if how == "copy.copy" else copy.deepcopy
            oc, orust = outcome(f, (self.c,), {}), outcome(f, (self.rust,), {})
            check(self.differ, f"{type(self.c).__name__}.{how}", self.detail(how), object_outcome(oc),
                  object_outcome(orust))
            self.steps.append(how)
        elif how == "__deepcopy__":
            oc, orust = self.call(how, {})
        else:
            oc, orust = self.call(how)
        if oc[0] != "ok" or orust[0] != "ok":
            return None
        twin = Pair(self.differ, f"{self.desc} -> {how}", oc[2], orust[2], self.compressing, self.wbits, self.zdict)
        twin.c_out, twin.rust_out, twin.fed = bytearray(self.c_out), bytearray(self.rust_out), bytearray(self.fed)
        twin.steps = list(self.steps)
        return twin


# -- compression streams -------------------------------------------------------

def compress_stream(differ, rng, kwargs, chunks, modes, copy_at=None):
    """compressobj(**kwargs); compress(chunk) + flush(mode) for each; a final
    flush(); copies taken at step `copy_at` continue on their own."""
    pair = Pair.make(differ, "compressobj", (), kwargs)
    if pair is None:
        return
    twins = []
    for i, (chunk, mode) in enumerate(zip(chunks, modes)):
        if copy_at == i:
            how = rng.choice(["copy", "__copy__", "__deepcopy__", "copy.copy", "copy.deepcopy"])
            twin = pair.copies(how)
            if twin is not None:
                twins.append(twin)
        pair.call("compress", chunk)
        if mode is not None:
            pair.call("flush", mode)
    pair.call("flush")
    for twin in twins:
        twin.call("compress", b"more data for the copy " * 3)
        twin.call("flush", Z_FINISH)
    # after the end: every call fails the same way
    pair.call("compress", b"after the end")
    pair.call("flush", Z_FINISH)
    pair.call("flush", Z_NO_FLUSH)
    pair.call("flush", Z_SYNC_FLUSH)
    pair.copies("copy")
    pair.copies("__deepcopy__")
    return pair


def compress_fixed(differ, rng):
    text = text_data(rng, 5000)
    binary = binary_data(rng, 5000)
    # every level x wbits of compressobj on a small stream
    for level in LEVELS:
        for wbits in COMPRESS_WBITS:
            compress_stream(differ, rng, {"level": level, "wbits": wbits}, [text[:700], binary[:300]],
                            [Z_NO_FLUSH, Z_SYNC_FLUSH])
    # every flush mode, alone and between data, at several levels
    for level in (0, 1, 6, 9):
        for mode in FLUSH_MODES + BAD_FLUSH_MODES:
            compress_stream(differ, rng, {"level": level}, [text[:1000], b"", binary[:2000], text[2000:2100]],
                            [mode, mode, mode, mode])
        for wbits in (15, -15, 31, 9, -9, 25):
            compress_stream(differ, rng, {"level": level, "wbits": wbits}, [text, binary, b"x" * 70000],
                            [Z_FULL_FLUSH, Z_BLOCK, Z_TREES])
    # flush() with no argument / keyword misuse
    pair = Pair.make(differ, "compressobj")
    pair.call("compress", text)
    pair.call("flush", mode=Z_SYNC_FLUSH)
    pair.call("flush", Z_SYNC_FLUSH, 1)
    pair.call("compress")
    pair.call("compress", text, 1)
    pair.call("compress", data=text)
    pair.call("flush")
    # memLevel x strategy x method
    for mem in MEM_LEVELS:
        for strategy in STRATEGIES:
            compress_stream(differ, rng, {"level": 6, "memLevel": mem, "strategy": strategy}, [text, binary],
                            [Z_SYNC_FLUSH, None])
    for method in METHODS:
        compress_stream(differ, rng, {"method": method}, [text], [None])
    # zdict: every type; the stream decompresses only with the dictionary
    for zdict in ZDICTS:
        for wbits in (15, -15, 31, 9):
            pair = compress_stream(differ, rng, {"zdict": zdict, "wbits": wbits}, [text[:500]], [Z_SYNC_FLUSH])
            if pair is not None and wbits == 15 and as_bytes(zdict):
                decompress_stream(differ, rng, bytes(pair.c_out), {"wbits": 15}, chunk=50)  # Z_NEED_DICT
                decompress_stream(differ, rng, bytes(pair.c_out), {"wbits": 15, "zdict": b"wrong dictionary"}, 50)
                decompress_stream(differ, rng, bytes(pair.c_out), {"wbits": 15, "zdict": zdict}, chunk=50)
    # copies at every point, also after the end
    for at in range(4):
        for _ in range(3):
            compress_stream(differ, rng, {"level": rng.choice(LEVELS)}, [text[:900], binary[:900], b"", text],
                            [Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_NO_FLUSH], copy_at=at)
    # every input type for Compress.compress
    for data in (b"", b"a", text[:300]):
        for _, value in wrappers(data) + [(None, v) for v in WRONG_TYPES]:
            pair = Pair.make(differ, "compressobj")
            pair.call("compress", value)
            pair.call("flush")


# -- decompression streams -----------------------------------------------------

def decompress_stream(differ, rng, stream, kwargs, chunk=None, max_length=None, flush_length=None, extra=b"",
                      fname="decompressobj"):
    """decompressobj(**kwargs); feeds `stream` + `extra` in pieces of `chunk`
    (all at once if None) with max_length; follows unconsumed_tail; flush().
    Compares every result and the attributes after every call."""
    pair = Pair.make(differ, fname, (), kwargs)
    if pair is None:
        return
    data = stream + extra
    pos = 0
    calls = 0
    while pos < len(data) or (calls == 0):
        piece = data[pos:pos + (chunk or len(data))]
        pos += len(piece)
        args = (piece,) if max_length is None else (piece, max_length)
        oc, orust = pair.call("decompress", *args)
        pair.attrs()
        calls += 1
        # follow the unconsumed tail as a real reader does
        while max_length and oc[0] == "ok" and getattr(pair.c, "unconsumed_tail", b"") and calls < 200:
            tail = pair.c.unconsumed_tail
            oc, orust = pair.call("decompress", tail, max_length)
            pair.attrs()
            calls += 1
        if oc[0] != "ok" or calls >= 200:
            break
    if flush_length is None:
        pair.call("flush")
    else:
        pair.call("flush", flush_length)
    pair.attrs()
    pair.call("decompress", b"after flush")
    pair.attrs()
    return pair


def zd_stream(differ, rng, stream, kwargs, chunk=None, max_length=-1, extra=b""):
    """_ZlibDecompressor (3.12+): like bz2/lzma decompressors: decompress(data,
    max_length), needs_input, eof, unused_data, EOFError after the end."""
    if not hasattr(differ.c, "_ZlibDecompressor"):
        return
    pair = Pair.make(differ, "_ZlibDecompressor", (), kwargs)
    if pair is None:
        return
    names = ("eof", "needs_input", "unused_data")
    data = stream + extra
    pos = 0
    for _ in range(2000):
        piece = data[pos:pos + (chunk or len(data))]
        pos += len(piece)
        oc, orust = pair.call("decompress", piece, max_length)
        pair.attrs(names)
        if oc[0] != "ok" or pair.c.eof:
            break
        if pos >= len(data) and pair.c.needs_input:
            break
    pair.call("decompress", b"", max_length)  # EOFError once at the end
    pair.call("decompress", b"x")
    pair.attrs(names)
    return pair


def corruptions(stream, rng):
    """Truncated and corrupted versions of a valid stream."""
    out = [stream[:n] for n in (0, 1, 2, 3, 5, 10, len(stream) // 2, len(stream) - 5, len(stream) - 4,
                                len(stream) - 1) if 0 <= n < len(stream)]
    for pos in (0, 1, 2, 3, 4, 10, len(stream) // 2, len(stream) - 8, len(stream) - 4, len(stream) - 1):
        if 0 <= pos < len(stream):
            for flip in (0x01, 0x80, 0xFF):
                b = bytearray(stream)
                b[pos] ^= flip
                out.append(bytes(b))
    for _ in range(6):
        b = bytearray(stream)
        for _ in range(rng.randrange(1, 4)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        out.append(bytes(b))
    out.append(stream + b"trailing garbage")
    out.append(stream + stream)
    return out


def decompress_fixed(differ, rng):
    c = differ.c
    text = text_data(rng, 20000)
    binary = binary_data(rng, 20000)
    # module decompress: every wbits x a stream of every kind, bufsize
    streams = {w: c.compress(text[:3000], 6, w) for w in COMPRESS_WBITS}
    for cw, stream in streams.items():
        for dw in ALL_WBITS:
            differ.call("decompress", (stream, dw))
    for bufsize in BUFSIZES:
        for stream in (streams[15], streams[-15], streams[31], c.compress(b""), c.compress(bytes(100000))):
            differ.call("decompress", (stream, 47, bufsize))
            differ.call("decompress", (stream,), {"bufsize": bufsize, "wbits": -15})
    # truncated / corrupted streams: module function and objects
    for w in (15, -15, 31, 9):
        for bad in corruptions(c.compress(binary[:2000], 6, w), rng):
            differ.call("decompress", (bad, w))
            differ.call("decompress", (bad, 47 if w > 0 else w, 1))
            decompress_stream(differ, rng, bad, {"wbits": w}, chunk=rng.choice([None, 1, 7, 100]))
            decompress_stream(differ, rng, bad, {"wbits": 0 if w == 15 else w}, max_length=rng.choice([1, 100]))
            zd_stream(differ, rng, bad, {"wbits": w}, chunk=rng.choice([None, 3, 100]))
    # hand-made bad headers
    for bad in (b"x", b"x\x9c", b"\x78\x9d", b"\x78\xda\x03", b"\x1f\x8b", b"\x1f\x8b\x08\x00", b"\x08\x1d",
                b"\x88\x9c", b"\x78\x20\x00\x00\x00\x01", b"\xff" * 20, b"\x00" * 20, b"\x03\x00",
                b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\x03\x05\x00"):
        for w in (15, 0, 47, 31, -15, 9):
            differ.call("decompress", (bad, w))
            decompress_stream(differ, rng, bad, {"wbits": w})
    # Decompress objects: every wbits, chunk sizes, max_length values, unused_data
    for dw in DECOMPRESS_WBITS + BAD_WBITS:
        for cw in (15, -15, 31, 9):
            decompress_stream(differ, rng, streams[cw], {"wbits": dw}, chunk=1000, extra=b"unused")
    big = c.compress(binary + text, 9)
    for max_length in MAX_LENGTHS:
        decompress_stream(differ, rng, big, {}, chunk=4096, max_length=max_length, extra=b"tail")
    for chunk in (1, 2, 3, 17, 1000, None):
        decompress_stream(differ, rng, streams[15], {}, chunk=chunk, max_length=rng.choice([None, 0, 10, 1000]))
        decompress_stream(differ, rng, streams[31], {"wbits": 47}, chunk=chunk, extra=b"\x1f\x8b more")
    for length in FLUSH_LENGTHS:
        decompress_stream(differ, rng, big[:len(big) // 2], {}, chunk=1000, flush_length=length)
        decompress_stream(differ, rng, big, {}, max_length=100, flush_length=length)
    # streams cut by every flush mode (C-made)
    for mode in FLUSH_MODES:
        co = c.compressobj(6)
        try:  # Z_TREES is not a valid flush mode for deflate (compared in compress_fixed)
            s = co.compress(text[:5000]) + co.flush(mode)
        except c.error:
            continue
        if mode != Z_FINISH:
            s += co.compress(binary[:5000]) + co.flush(mode) + co.flush()
        decompress_stream(differ, rng, s, {}, chunk=333)
        decompress_stream(differ, rng, s, {}, chunk=333, max_length=1000)
        zd_stream(differ, rng, s, {}, chunk=333, max_length=1000)
    # Decompress.decompress / flush argument misuse and input types
    for value in [b"", streams[15]] + [v for _, v in wrappers(streams[15])] + WRONG_TYPES:
        pair = Pair.make(differ, "decompressobj")
        pair.call("decompress", value)
        pair.attrs()
    pair = Pair.make(differ, "decompressobj")
    pair.call("decompress")
    pair.call("decompress", streams[15], 1, 2)
    pair.call("decompress", data=streams[15])
    pair.call("decompress", streams[15], max_length=5)
    pair.call("decompress", streams[15], max_length=5, no_such_keyword=1)
    pair.call("decompress", streams[15], 5, max_length=5)
    pair.call("flush", 1, 2)
    pair.call("flush", length=5)
    pair.attrs()
    # copies of Decompress: mid-stream, after the end
    for at in (0, 1, 3, 200):
        pair = Pair.make(differ, "decompressobj")
        pair.call("decompress", big[:at], 10)
        pair.attrs()
        for how in ("copy", "__copy__", "__deepcopy__", "copy.copy", "copy.deepcopy"):
            twin = pair.copies(how)
            if twin is not None:
                twin.call("decompress", twin.c.unconsumed_tail + big[at:at + 3000])
                twin.attrs()
        pair.call("decompress", pair.c.unconsumed_tail + big[at:])
        pair.attrs()
        pair.call("flush")
        pair.copies("copy")
        pair.copies("__deepcopy__")
        pair.attrs()
    # decompressobj(zdict) of every type; Z_NEED_DICT
    for zdict in ZDICTS:
        for w in (15, -15, 31):
            decompress_stream(differ, rng, streams[w], {"wbits": w, "zdict": zdict}, chunk=500)
    # _ZlibDecompressor
    if hasattr(c, "_ZlibDecompressor"):
        for dw in DECOMPRESS_WBITS + BAD_WBITS:
            zd_stream(differ, rng, streams[15], {"wbits": dw}, chunk=1000)
        for max_length in MAX_LENGTHS:
            zd_stream(differ, rng, big, {}, chunk=4096, max_length=max_length, extra=b"after")
            zd_stream(differ, rng, streams[15], {"wbits": 15}, chunk=None, max_length=max_length)
        for zdict in ZDICTS:
            s = c.compressobj(zdict=b"the quick brown fox")
            s = s.compress(text[:800]) + s.flush()
            zd_stream(differ, rng, s, {"zdict": zdict}, chunk=100)
            zd_stream(differ, rng, s, {"wbits": 15, "zdict": zdict}, chunk=100)
        for value in [b"", streams[15]] + [v for _, v in wrappers(streams[15])] + WRONG_TYPES:
            pair = Pair.make(differ, "_ZlibDecompressor")
            pair.call("decompress", value)
            pair.attrs(("eof", "needs_input", "unused_data"))
        pair = Pair.make(differ, "_ZlibDecompressor")
        for args, kwargs in [((), {}), ((streams[15], 1, 2), {}), ((), {"data": streams[15]}),
                             ((streams[15],), {"max_length": 5}), ((streams[15],), {"no_such_keyword": 1}),
                             ((streams[15], 5), {"max_length": 5})]:
            pair.call("decompress", *args, **kwargs)
            pair.attrs(("eof", "needs_input", "unused_data"))
        for args, kwargs in [((1,), {}), ((15, b"", 3), {}), ((), {"wbits": 15, "zdict": b"x", "more": 1}),
                             ((), {"zdict": b"abc"}), ((15,), {"wbits": 15})]:
            call_constructor(differ, "_ZlibDecompressor", args, kwargs)


# -- module functions -----------------------------------------------------------

def functions_fixed(differ, rng):
    c = differ.c
    text = text_data(rng, 3000)
    # compress: every level x wbits (valid and not)
    for level in LEVELS + BAD_LEVELS:
        for wbits in ALL_WBITS:
            call_compress(differ, (text[:400], level, wbits))
    for level in LEVELS:
        call_all_forms(differ, "compress", {"data": text, "level": level})
        call_all_forms(differ, "compress", {"data": text, "level": level, "wbits": -15})
    # every input type for every data function
    for data in (b"", b"\x00", b"a", text, bytes(range(256)) * 4):
        stream = c.compress(data)
        for _, value in wrappers(data):
            call_all_forms(differ, "compress", {"data": value})
            for fname in CHECKSUMS:
                call_all_forms(differ, fname, {"data": value})
        for _, value in wrappers(stream):
            call_all_forms(differ, "decompress", {"data": value})
            call_all_forms(differ, "decompress", {"data": value, "wbits": 15, "bufsize": 7})
    for value in WRONG_TYPES:
        for fname in ("compress", "decompress") + CHECKSUMS:
            call_all_forms(differ, fname, {"data": value})
    # checksums: every value, sizes around the blocking of adler32 (5552) and 1 MiB
    for fname in CHECKSUMS:
        for value in CHECKSUM_VALUES:
            for data in (b"", b"a", text):
                differ.call(fname, (data, value))
        for n in (0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 255, 256, 5551, 5552, 5553, 11104, 65536, 65537):
            data = random_data(rng, n)
            differ.call(fname, (data,))
            differ.call(fname, (data, rng.randrange(2**32)))
        for data in (bytes(1 << 20), rng.randbytes(1 << 20), b"\xff" * (1 << 20)):
            differ.call(fname, (data,))
            differ.call(fname, (data, 0xFFFFFFFF))
        differ.call(fname, (), {"data": b"abc"})
        differ.call(fname, (b"abc",), {"value": 1})
        differ.call(fname, (b"abc", 1, 2))
        differ.call(fname, ())
    # big inputs: 1 MiB of each kind
    for data in (bytes(1 << 20), rng.randbytes(1 << 20), text_data(rng, 1 << 20)):
        call_compress(differ, (data, 1))
        differ.call("decompress", (c.compress(data, 1),))
    # compressobj / decompressobj constructors: every value of every parameter
    values = {"level": LEVELS + BAD_LEVELS, "method": METHODS, "wbits": ALL_WBITS, "memLevel": MEM_LEVELS,
              "strategy": STRATEGIES, "zdict": ZDICTS}
    for name, pool in values.items():
        for v in pool:
            call_all_forms(differ, "compressobj", {name: v})
    for name, pool in (("wbits", ALL_WBITS), ("zdict", ZDICTS)):
        for v in pool:
            call_all_forms(differ, "decompressobj", {name: v})
            if hasattr(c, "_ZlibDecompressor"):
                call_constructor(differ, "_ZlibDecompressor", (), {name: v})
                call_constructor(differ, "_ZlibDecompressor", (v,) if name == "wbits" else (15, v), {})
    # wrong argument forms of every module function
    call_wrong_forms(differ, "compress", {"data": text, "level": 6, "wbits": 15})
    call_wrong_forms(differ, "decompress", {"data": c.compress(text), "wbits": 15, "bufsize": 100})
    call_wrong_forms(differ, "compressobj", {"level": 6, "method": 8, "wbits": 15, "memLevel": 8, "strategy": 0,
                                             "zdict": b"abc"})
    call_wrong_forms(differ, "decompressobj", {"wbits": 15, "zdict": b"abc"})
    for fname in CHECKSUMS:
        call_wrong_forms(differ, fname, {"data": text, "value": 1})
    for fname, args in (("compressobj", (6, 8, 15, 8, 0, b"", 1)), ("decompressobj", (15, b"", 1)),
                        ("compressobj", (6, 8, 15, 8, 0, b"")), ("decompressobj", (15, b"")),
                        ("compress", (text, 6, 15, 1)), ("decompress", (text, 15, 100, 1))):
        call(differ, fname, args)


def surface_fixed(differ):
    """The object types: names, docs, methods, signatures; pickling; direct instantiation."""
    c, rust = differ.c, differ.rust
    pairs = [("Compress", c.compressobj(), rust.compressobj()),
             ("Decompress", c.decompressobj(), rust.decompressobj())]
    if hasattr(c, "_ZlibDecompressor"):
        pairs.append(("_ZlibDecompressor", c._ZlibDecompressor(), getattr(rust, "_ZlibDecompressor", object)()))
    for name, a, b in pairs:
        ta, tb = type(a), type(b)
        for attr in ("__name__", "__qualname__", "__module__", "__doc__"):
            differ.compare(f"{name}.{attr}", getattr(ta, attr, "<missing>"), getattr(tb, attr, "<missing>"))
        differ.compare(f"dir({name})", dir(a), dir(b))
        differ.compare(f"{name}.__mro__", [differential.type_name(k) for k in ta.__mro__],
                       [differential.type_name(k) for k in tb.__mro__])
        for m in sorted(set(dir(a)) & set(dir(b))):
            if m.startswith("__") and m not in ("__copy__", "__deepcopy__", "__reduce__", "__init__", "__new__"):
                continue
            x, y = getattr(ta, m), getattr(tb, m, None)
            for attr in ("__doc__", "__text_signature__", "__name__", "__qualname__"):
                differ.compare(f"{name}.{m}.{attr}", getattr(x, attr, "<missing>"), getattr(y, attr, "<missing>"))
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            check(differ, "<pickle>", f"pickle.dumps({name}, {proto})", outcome(pickle.dumps, (a, proto), {}),
                  outcome(pickle.dumps, (b, proto), {}))
        if name != "_ZlibDecompressor":
            check(differ, "<new>", f"type({name})()", object_outcome(outcome(ta, (), {})),
                  object_outcome(outcome(tb, (), {})))
        for attr in ("eof", "unused_data", "unconsumed_tail", "needs_input"):
            if hasattr(a, attr):
                check(differ, "<setattr>", f"{name}.{attr} = b''", outcome(setattr, (a, attr, b""), {}),
                      outcome(setattr, (b, attr, b""), {}))
        check(differ, "<setattr>", f"{name}.foo = 1", outcome(setattr, (a, "foo", 1), {}),
              outcome(setattr, (b, "foo", 1), {}))
    sub = [outcome(type, ("X", (m.error,), {}), {})[:2] + (None,) for m in (c, rust)]
    check(differ, "<subclass>", "class X(zlib.error)", *sub)


# -- interop --------------------------------------------------------------------

def interop(differ, rng, data, cwbits_list=COMPRESS_WBITS, dwbits_list=DECOMPRESS_WBITS, levels=(6,)):
    """C-compressed data decompresses with Rust and Rust-compressed with C,
    for each compression wbits x decompression wbits: where the pair is
    compatible, all four combinations give back the data; where not, each
    stream gets the same outcome from both modules."""
    c, rust = differ.c, differ.rust
    for level in levels:
        for cw in cwbits_list:
            kind = stream_kind(cw)
            made = {}
            for side, m in (("C", c), ("Rust", rust)):
                o = outcome(m.compress, (data, level, cw), {})
                made[side] = o
            if made["C"][0] != "ok" or made["Rust"][0] != "ok":
                check(differ, "<interop>", f"compress(<{len(data)} bytes>, {level}, {cw})", made["C"], made["Rust"])
                continue
            for dw in dwbits_list:
                outs = {}
                for maker in ("C", "Rust"):
                    for reader, m in (("C", c), ("Rust", rust)):
                        outs[maker, reader] = outcome(m.decompress, (made[maker][2], dw), {})
                label = f"compress(<{len(data)} bytes>, {level}, {cw}) made by %s, decompress(wbits={dw}) by %s"
                for maker in ("C", "Rust"):  # same stream: the same outcome exactly
                    check(differ, "<interop>", label % (maker, "C and Rust"), outs[maker, "C"], outs[maker, "Rust"])
                if kind is not None and accepts(dw, kind):
                    for key, o in outs.items():
                        check(differ, "<interop>", label % key, ("ok", "builtins.bytes", data), o)


def interop_flush_modes(differ, rng, data):
    """Streams made with every flush mode between chunks, by each module,
    read by each module (all at once and in small pieces)."""
    c, rust = differ.c, differ.rust
    chunks = [data[i:i + 997] for i in range(0, len(data), 997)]
    for cw in (15, -15, 31, 9, -9, 25):
        for mode in FLUSH_MODES:
            if mode == Z_FINISH:  # ends the stream: only as the last flush
                chunks = [data]
            streams, made = {}, {}
            for side, m in (("C", c), ("Rust", rust)):
                def make(m=m):
                    co = m.compressobj(6, 8, cw)
                    out = bytearray()
                    for ch in chunks:
                        out += co.compress(ch)
                        out += co.flush(mode)
                    return bytes(out + co.flush())
                made[side] = outcome(make, (), {})
                streams[side] = made[side][2]
            if made["C"][0] != "ok" or made["Rust"][0] != "ok":  # Z_TREES: not valid for deflate
                check(differ, "<interop>", f"compress with flush mode {mode}, wbits {cw}", made["C"], made["Rust"])
                continue
            for maker, s in streams.items():
                for reader, m in (("C", c), ("Rust", rust)):
                    o = outcome(m.decompress, (s, cw if cw != 9 else 15), {})
                    check(differ, "<interop>", f"flush mode {mode}, wbits {cw}: {maker} stream, {reader} reader",
                          ("ok", "builtins.bytes", data), o)
                    d = m.decompressobj(cw)
                    got = bytearray()
                    for i in range(0, len(s), 61):
                        got += d.decompress(s[i:i + 61])
                    got += d.flush()
                    check(differ, "<interop>", f"flush mode {mode}, wbits {cw}: {maker} stream, {reader} "
                          "decompressobj in 61-byte pieces", ("ok", "eof", data), ("ok", "eof" if d.eof else "no eof",
                                                                                  bytes(got)))


# -- the cases ------------------------------------------------------------------------

def fixed_cases(differ, rng):
    surface_fixed(differ)
    functions_fixed(differ, rng)
    compress_fixed(differ, rng)
    decompress_fixed(differ, rng)
    for data in (b"", b"a", text_data(rng, 3000), binary_data(rng, 70000)):
        interop(differ, rng, data)
    interop(differ, rng, text_data(rng, 20000), levels=(0, 1, 9, -1))
    interop_flush_modes(differ, rng, text_data(rng, 6000) + binary_data(rng, 6000))


def random_kwargs(rng, good=True):
    """compressobj arguments, mostly valid."""
    kw = {}
    if rng.random() < 0.7:
        kw["level"] = rng.choice(LEVELS if good else LEVELS + BAD_LEVELS)
    if rng.random() < 0.6:
        kw["wbits"] = rng.choice(COMPRESS_WBITS if good else ALL_WBITS)
    if rng.random() < 0.3:
        kw["memLevel"] = rng.choice(MEM_LEVELS[:5] if good else MEM_LEVELS)
    if rng.random() < 0.3:
        kw["strategy"] = rng.choice(STRATEGIES[:5] if good else STRATEGIES)
    if rng.random() < 0.1:
        kw["method"] = rng.choice(METHODS[:1] if good else METHODS)
    if rng.random() < 0.2:
        kw["zdict"] = rng.choice(ZDICTS[:5] if good else ZDICTS)
    return kw


def random_compress_case(differ, rng):
    kw = random_kwargs(rng, good=rng.random() < 0.9)
    n = rng.randrange(1, 6)
    chunks = [wrap(random_data(rng), rng) if rng.random() < 0.2 else random_data(rng) for _ in range(n)]
    modes = [rng.choice(FLUSH_MODES + [None, None, None] + (BAD_FLUSH_MODES if rng.random() < 0.1 else []))
             for _ in range(n)]
    compress_stream(differ, rng, kw, chunks, modes, copy_at=rng.randrange(n + 3))


def random_decompress_case(differ, rng):
    c = differ.c
    kw = random_kwargs(rng)
    data = random_data(rng)
    try:
        co = c.compressobj(**kw)
        stream = co.compress(data)
        if rng.random() < 0.3:
            stream += co.flush(rng.choice(FLUSH_MODES))
            stream += co.compress(random_data(rng))
        stream += co.flush()
    except Exception:
        return
    if rng.random() < 0.4:
        stream = rng.choice(corruptions(stream, rng))
    extra = rng.choice([b"", b"", b"unused", stream])
    wbits = kw.get("wbits", 15)
    dw = rng.choice([wbits, wbits, reader_wbits(wbits), rng.choice(ALL_WBITS)])
    dkw = {"wbits": dw}
    if "zdict" in kw and rng.random() < 0.8:
        dkw["zdict"] = kw["zdict"]
    r = rng.random()
    if r < 0.15:
        differ.call("decompress", (stream + extra, dw, rng.choice(BUFSIZES[:9])))
    elif r < 0.3 and hasattr(c, "_ZlibDecompressor"):
        zd_stream(differ, rng, stream, dkw, chunk=rng.choice([None, 1, 10, 1000]),
                  max_length=rng.choice([-1, -1, 0, 1, 100, 10000]), extra=extra)
    else:
        # Small max_length values on long streams make many calls, each copying the
        # unconsumed tail: keep those streams short.
        max_length = rng.choice([None, None, 0, 1, 7, 100, 10000])
        if max_length and len(stream) > max_length * 20:
            stream, extra = stream[:max_length * 20], extra[:100]
        decompress_stream(differ, rng, stream, dkw, chunk=rng.choice([None, None, 1, 10, 1000]),
                          max_length=max_length, flush_length=rng.choice([None, None, 1, 100]), extra=extra)


def random_case(differ, rng):
    r = rng.random()
    if r < 0.3:
        random_compress_case(differ, rng)
    elif r < 0.7:
        random_decompress_case(differ, rng)
    elif r < 0.8:
        fname = rng.choice(CHECKSUMS)
        args = (wrap(random_data(rng), rng),)
        if rng.random() < 0.5:
            args += (rng.choice(CHECKSUM_VALUES),)
        differ.call(fname, args)
    elif r < 0.9:
        data = wrap(random_data(rng), rng)
        args = (data,)
        if rng.random() < 0.7:
            args += (rng.choice(LEVELS if rng.random() < 0.9 else BAD_LEVELS),)
            if rng.random() < 0.5:
                args += (rng.choice(COMPRESS_WBITS if rng.random() < 0.9 else ALL_WBITS),)
        call_compress(differ, args)
    else:
        data = random_data(rng, rng.randrange(5000))
        interop(differ, rng, data, [rng.choice(COMPRESS_WBITS)], [rng.choice(DECOMPRESS_WBITS)],
                [rng.choice(LEVELS)])


if __name__ == "__main__":
    # The zlib versions name the library underneath: zlib-rs implements
    # zlib 1.3.0's interface, the C module links the system's zlib.
    sys.exit(differential.main("zlib", fixed_cases, random_case, own_values=("ZLIB_VERSION", "ZLIB_RUNTIME_VERSION")))
