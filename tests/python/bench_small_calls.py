"""Tiny calls of every oxpy module against the C module, in one process.

    python bench_small_calls.py <overlay dir> [module...]
    OLD=<another overlay dir> python bench_small_calls.py <overlay dir> [module...]

Where `cargo xtask bench` times each function at sizes from 0 bytes up,
this times the calls whose cost is all overhead (argument conversion,
object creation, locks): a 3-byte crc32, a bytearray argument, a fresh
compressobj, a two-field csv row, encode_basestring_ascii('abc'), creating
a Struct or an unpack iterator. Each call runs 50,000 times per sample,
C and Rust alternating (and a second Rust build with OLD=...), 15 samples
(21 with OLD); the medians' ratio is printed, "slower" under 1. Noise
between runs is a few percent: compare builds with OLD= in one process.
"""
import os
import statistics
import sys
import time
from itertools import repeat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modload import load_extension, load_pair  # noqa: E402

MODULES = ["binascii", "zlib", "_struct", "_bisect", "_heapq", "_json", "_csv"]


def cases(m):
    n = m.__name__
    if n == 'binascii':
        return [
            ('b2a_uu', lambda: m.b2a_uu(b'abc')), ('a2b_uu', lambda: m.a2b_uu(b'#86)C\n')),
            ('b2a_base64', lambda: m.b2a_base64(b'abc')), ('a2b_base64', lambda: m.a2b_base64(b'YWJj\n')),
            ('b2a_qp', lambda: m.b2a_qp(b'abc')), ('a2b_qp', lambda: m.a2b_qp(b'abc')),
            ('crc_hqx', lambda: m.crc_hqx(b'abc', 0)), ('crc32', lambda: m.crc32(b'abc')),
            ('hexlify', lambda: m.hexlify(b'abc')), ('hexlify sep', lambda: m.hexlify(b'abc', '-')),
            ('unhexlify', lambda: m.unhexlify(b'616263')), ('a2b_hex str', lambda: m.a2b_hex('616263')),
            ('crc32 bytearray', lambda ba=bytearray(b'abc'): m.crc32(ba)),
        ]
    if n == 'zlib':
        z = m.compress(b'abc')
        return [
            ('crc32', lambda: m.crc32(b'abc')), ('adler32', lambda: m.adler32(b'abc')),
            ('compress', lambda: m.compress(b'abc')), ('decompress', lambda: m.decompress(z)),
            ('compressobj+flush', lambda: m.compressobj().flush()),
            ('decompressobj+decompress', lambda: m.decompressobj().decompress(z)),
            ('crc32 memoryview', lambda mv=memoryview(b'abc'): m.crc32(mv)),
        ]
    if n == '_struct':
        s = m.Struct('<ih')
        buf = bytearray(8)
        return [
            ('pack', lambda: m.pack('<ih', 1, 2)), ('unpack', lambda: m.unpack('<ih', b'\1\0\0\0\2\0')),
            ('Struct.pack', lambda: s.pack(1, 2)), ('Struct.unpack', lambda: s.unpack(b'\1\0\0\0\2\0')),
            ('Struct.unpack bytearray', lambda b=bytearray(b'\1\0\0\0\2\0'): s.unpack(b)),
            ('unpack_from', lambda: s.unpack_from(b'\1\0\0\0\2\0\0\0', 0)),
            ('pack_into', lambda: s.pack_into(buf, 0, 1, 2)), ('calcsize', lambda: m.calcsize('<ih')),
            ('iter_unpack', lambda: list(s.iter_unpack(b'\1\0\0\0\2\0'))),
            ('Struct()', lambda: m.Struct('<ih')),
        ]
    if n == '_bisect':
        a = [1, 2, 3, 4, 5]
        return [
            ('bisect_left', lambda: m.bisect_left(a, 3)), ('bisect_right', lambda: m.bisect_right(a, 3)),
            ('bisect_left key', lambda: m.bisect_left(a, 3, key=None)),
            ('insort+pop', lambda: (m.insort_right(a, 3), a.pop(3))),
        ]
    if n == '_heapq':
        h = [1, 2, 3, 4, 5]
        return [
            ('heappush+heappop', lambda: (m.heappush(h, 3), m.heappop(h))),
            ('heappushpop', lambda: m.heappushpop(h, 0)), ('heapreplace', lambda: m.heapreplace(h, 1)),
            ('heapify', lambda: m.heapify([3, 1, 2])),
        ]
    if n == '_json':
        return [
            ('scanstring', lambda: m.scanstring('"abc"', 1)),
            ('encode_basestring_ascii', lambda: m.encode_basestring_ascii('abc')),
            ('encode_basestring', lambda: m.encode_basestring('abc')),
        ]
    if n == '_csv':
        out = []
        class W:
            write = out.append
        w = m.writer(W())
        return [
            ('reader', lambda: list(m.reader(['a,b']))), ('writer', lambda: m.writer(W())),
            ('writerow', lambda: (w.writerow(['a', 'b']), out.clear())),
        ]
    return []

def so(overlay, name):
    """The module's file in `overlay` for the running Python."""
    tag = sys.implementation.cache_tag.replace("cpython-", "")
    return os.path.join(overlay, f"{name}.cpython-{tag}-x86_64-linux-gnu.so")


def main(overlay, old_overlay, names):
    for name in names or MODULES:
        c, r = load_pair(name, so(overlay, name))
        o = load_extension(name, so(old_overlay, name)) if old_overlay else None
        oc = cases(o) if o else [(None, None)] * len(cases(c))
        for (label, fc), (_, fr), (_, fo) in zip(cases(c), cases(r), oc):
            res = {"C": [], "R": [], "O": []}
            for i in range(21 if o else 15):
                contenders = [("C", fc), ("R", fr)] + ([("O", fo)] if o else [])
                k0 = i % len(contenders)
                for k, f in contenders[k0:] + contenders[:k0]:
                    t0 = time.perf_counter()
                    for _ in repeat(None, 50000):
                        f()
                    res[k].append((time.perf_counter() - t0) / 50000 * 1e9)
            mc, mr = statistics.median(res["C"]), statistics.median(res["R"])
            old = f"  C/old {mc / statistics.median(res['O']):.3f}" if o else ""
            flag = "  slower" if mc < mr else ""
            print(f"{name:9} {label:26} C {mc:7.1f} ns  Rust {mr:7.1f} ns  C/Rust {mc / mr:.3f}{old}{flag}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], os.environ.get("OLD"), sys.argv[2:])
