"""Differential test of binascii: C module vs oxpy's Rust module.

    python diff_binascii.py --rust target/oxpy/3.11/overlay/binascii.cpython-311-x86_64-linux-gnu.so [--time 10] [--seed N]

Calls every public function on the same inputs in both modules: random
bytes, valid encodings of random data (base64 with and without newline, hex
in both cases, quoted-printable, uu lines) and mutations of them, edge sizes,
every input type (bytes, bytearray, memoryview incl. non-contiguous and
multi-byte formats, array, str, bytes subclass, wrong types), every flag
value, and every keyword/positional combination including wrong ones.
See differential.py for how outcomes are compared.
"""

import string
import sys
from array import array

import differential

DATA_PARAMS = ("data", "hexstr")

# Which encoding each decoder reads; encoders read raw bytes.
DECODERS = {"a2b_base64": "base64", "a2b_hex": "hex", "unhexlify": "hex", "a2b_qp": "qp", "a2b_uu": "uu"}

# Every value each optional parameter is tried with (valid and invalid).
FLAG_VALUES = [False, True, 0, 1, 2, -1, 2**31, 2**63, 2**64 + 1, -2**100, 0.0, 1.5, float("nan"),
               "", "yes", b"", None, [], [0], object]
PARAM_VALUES = {
    "backtick": FLAG_VALUES,
    "strict_mode": FLAG_VALUES,
    "newline": FLAG_VALUES,
    "header": FLAG_VALUES,
    "quotetabs": FLAG_VALUES,
    "istext": FLAG_VALUES,
    "crc": [0, 1, -1, 0xFFFF, 0x10000, 0x12345678, 0xFFFFFFFF, 2**32, 2**32 + 7, 2**63, 2**64 + 5,
            -2**31, -2**32 - 1, -2**70, True, False, 1.0, "1", None, b"1"],
    "sep": ["", "-", ":", " ", b"-", b" ", b"", "ab", b"ab", "é", "\x00", b"\x00", b"\xff", "\u20ac",
            "\U0001f600", 1, None, bytearray(b"-"), memoryview(b"_"), ["-"], 1.0],
    "bytes_per_sep": [0, 1, -1, 2, -2, 3, -3, 7, -7, 100, 2**31 - 1, -2**31, 2**31, -2**31 - 1, 2**63,
                      -2**63 - 1, 2**100, "1", 1.0, None, True, False],
}
# The common, valid values (random cases mostly use these).
GOOD_VALUES = {
    "backtick": [False, True], "strict_mode": [False, True], "newline": [False, True],
    "header": [False, True], "quotetabs": [False, True], "istext": [False, True],
    "crc": [0, 1, 0xFFFF, 0xFFFFFFFF, 0x1234],
    "sep": ["-", ":", b" ", b"_"],
    "bytes_per_sep": [1, 2, -2, 3, -3, 4, 1000],
}

B64_ALPHABET = string.ascii_letters + string.digits + "+/"
INTERESTING = b"=\n\r\t _-+/`!~.\x00\x7f\x80\xff" + b"aZ09Ff"


class BytesSubclass(bytes):
    pass


class StrSubclass(str):
    pass


class LenOneStr(str):
    """A str that claims length 1 whatever it holds (C then reads its first
    character unchecked)."""

    def __len__(self):
        return 1


PARAM_VALUES["sep"] += [StrSubclass("-"), LenOneStr(""), LenOneStr("ab"), LenOneStr("\u20ac"),
                        BytesSubclass(b"-")]


class ByteArraySubclass(bytearray):
    pass


# -- inputs -------------------------------------------------------------------

def random_size(rng):
    r = rng.random()
    if r < 0.3:
        return rng.randrange(9)
    if r < 0.7:
        return rng.randrange(101)
    if r < 0.95:
        return rng.randrange(2001)
    return rng.randrange(70001)


def random_bytes(rng, n=None):
    n = random_size(rng) if n is None else n
    kind = rng.randrange(5)
    if kind == 0:
        return rng.randbytes(n)
    if kind == 1:
        return bytes(rng.choice(string.printable.encode()) for _ in range(n))
    if kind == 2:
        return bytes(rng.choice((B64_ALPHABET + "= \n").encode()) for _ in range(n))
    if kind == 3:
        return bytes(rng.choice(b"abc =\t\n\r.") for _ in range(n))
    return bytes([rng.randrange(256)]) * n


def encode(c, kind, raw, rng):
    """A valid encoding of `raw` (made by the C module)."""
    if kind == "base64":
        return c.b2a_base64(raw, newline=rng.random() < 0.5)
    if kind == "hex":
        h = c.hexlify(raw)
        r = rng.random()
        if r < 0.3:
            return h.upper()
        if r < 0.8:
            return h
        return bytes(ch ^ 0x20 if ch in b"abcdef" and rng.random() < 0.5 else ch for ch in h)  # mixed case
    if kind == "qp":
        return c.b2a_qp(raw, quotetabs=rng.random() < 0.5, istext=rng.random() < 0.7, header=rng.random() < 0.3)
    if kind == "uu":
        return c.b2a_uu(raw[: rng.randrange(46)], backtick=rng.random() < 0.5)
    raise ValueError(kind)


def mutate(data, rng):
    """0-3 random edits: insert, delete, replace, padding, whitespace, truncate, case."""
    b = bytearray(data)
    for _ in range(rng.randrange(4)):
        op = rng.randrange(8)
        pos = rng.randrange(len(b) + 1)
        if op == 0:
            b[pos:pos] = bytes([rng.choice(INTERESTING)])
        elif op == 1 and b:
            del b[min(pos, len(b) - 1)]
        elif op == 2 and b:
            b[min(pos, len(b) - 1)] = rng.randrange(256)
        elif op == 3:
            b[pos:pos] = b"=" * rng.randrange(1, 4)
        elif op == 4:
            b[pos:pos] = rng.choice([b" ", b"\n", b"\r\n", b"\t", b"  \n"])
        elif op == 5:
            del b[pos:]
        elif op == 6:
            b = bytearray(bytes(b).swapcase())
        else:
            b += b[: rng.randrange(len(b) + 1)]
    return bytes(b)


def non_contiguous(data):
    """A memoryview with stride 2 holding `data`."""
    buf = bytearray(2 * len(data))
    buf[::2] = data
    return memoryview(buf)[::2]


def wrappers(data):
    """The same bytes as every input type (name, value); some types only
    where the length fits."""
    out = [
        ("bytes", data),
        ("bytearray", bytearray(data)),
        ("memoryview", memoryview(data)),
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
    out.append(("str-nonascii", data.decode("latin-1") + "\u00e9"))
    out.append(("str-wide", data.decode("latin-1") + "\u20ac"))
    return out


WRONG_TYPES = [0, 1, -1, 3.5, None, [1, 2], (1,), {}, object(), array("d", [1.0]), memoryview(array("d", [1.0, 2.0]))]


def wrap(data, rng):
    r = rng.random()
    if r < 0.5:
        return data
    if r < 0.97:
        return rng.choice(wrappers(data))[1]
    return rng.choice(WRONG_TYPES)


# -- cases --------------------------------------------------------------------

def functions(differ):
    """The C module's public functions."""
    c = differ.c
    if not hasattr(differ, "functions"):
        differ.functions = sorted(n for n in dir(c) if not n.startswith("_") and callable(getattr(c, n))
                                  and not isinstance(getattr(c, n), type))
    return differ.functions


def data_param(differ, fname):
    return next(p.name for p in differ.params(fname) if p.name in DATA_PARAMS)


def fill(differ, fname, data, rng=None, good=True):
    """Values for `fname`: `data`, required parameters, and (with `rng`) some optional ones."""
    values = {data_param(differ, fname): data}
    for p in differ.params(fname):
        if p.name in values:
            continue
        if p.required or (rng is not None and rng.random() < 0.6):
            pool = GOOD_VALUES[p.name] if good or rng is None else PARAM_VALUES[p.name]
            values[p.name] = pool[0] if rng is None else rng.choice(pool)
    return values


def typical(differ, fname, rng):
    raw = b"Hello, World! \x00\xff\t=\n" * 3
    kind = DECODERS.get(fname)
    return encode(differ.c, kind, raw, rng) if kind else raw


TRICKY = {
    "base64": [b"", b"=", b"==", b"===", b"a", b"ab", b"abc", b"abcd", b"ab==", b"ab=", b"a===", b"abc=",
               b"ab=c", b"=abc", b"ab\n==", b" abcd", b"abcd ", b"abcd=", b"abcd==", b"ab==cd", b"YWJj\n",
               b"YW Jj", b"\xff", b"ab==\n", b"A", b"AA", b"AAA", b"A===", b"AB=\n=", b"QQ", b"QR==", b"Q===",
               b"ab\x00cd", b"a" * 4 + b"\n" + b"b" * 4, b"abcd\r\n", b"+/+/", b"-_-_", b"ab=\x00="],
    "hex": [b"", b"0", b"00", b"0g", b"g0", b"AbCd", b"ab cd", b"abc", b"\xff\xff", b"0" * 1001, b"a\x00"],
    "qp": [b"", b"=", b"==", b"=\n", b"=\r\n", b"=\r", b"=4", b"=41", b"=4g", b"=G1", b"=a1", b"_", b"a_b",
           b"abc=\n def", b"abc   \n", b"abc \t", b"a\r\nb", b"=3D", b"=20\n", b"= \n", b"=  \r\n", b"x=",
           b"\x00\xff", b"==41", b"=4\n1"],
    "uu": [b"", b"\n", b" ", b"!", b"!\n", b"!!!!", b"$86)C\n", b"#86)C\n", b"`\n", b"````", b"!    ",
           b"!````", b"a" * 80, b"M" + b"A" * 60, b"\x7f", b"!AA\x00", b"#86)C    \n", b"#86)CXX\n"],
}

QP_ENCODE_TRICKY = [b".", b".\n", b"a.\n.", b"a" * 76, b"a" * 75 + b"\n", b"a" * 77, b"\t\n", b" \r\n", b"From x",
                    b"\r", b"\n", b"\r\n", b"a\rb", b"x\n.\n", b" ", b"\t", b"=", b"_", b"a \n", b"\x00", b"\xff" * 30]


def fixed_cases(differ, rng):
    for fname in functions(differ):
        kind = DECODERS.get(fname)
        samples = [b"", b"\x00", b"a", typical(differ, fname, rng)]
        samples += TRICKY[kind] if kind else [bytes(range(256)), b"x" * 45, b"x" * 46, b"x" * 57]
        if fname == "b2a_qp":
            samples += QP_ENCODE_TRICKY
        # every input type, default options; and the flags on every sample
        for data in samples:
            for _, value in wrappers(data):
                differ.call_all_forms(fname, fill(differ, fname, value))
            for p in differ.params(fname):
                for v in GOOD_VALUES.get(p.name, []):
                    differ.call_all_forms(fname, {**fill(differ, fname, data), p.name: v})
        for value in WRONG_TYPES:
            differ.call_all_forms(fname, fill(differ, fname, value))
        # every value of every parameter
        data = typical(differ, fname, rng)
        for p in differ.params(fname):
            for v in PARAM_VALUES.get(p.name, []):
                differ.call_all_forms(fname, {**fill(differ, fname, data), p.name: v})
        # every combination of two parameters' values
        optional = [p.name for p in differ.params(fname) if p.name not in DATA_PARAMS]
        for i, a in enumerate(optional):
            for b in optional[i + 1:]:
                for va in PARAM_VALUES[a]:
                    for vb in PARAM_VALUES[b]:
                        values = {**fill(differ, fname, data), a: va, b: vb}
                        forms = differential.call_forms(differ.params(fname), values)
                        if forms:
                            differ.call(fname, *forms[-1])
        # wrong argument combinations
        differ.call_wrong_forms(fname, fill(differ, fname, data))
        # sizes around block boundaries, and 1 MB
        for n in list(range(0, 10)) + [44, 45, 46, 47, 57, 58, 76, 77, 1000, 4096, 65537]:
            raw = random_bytes(rng, n)
            differ.call_all_forms(fname, fill(differ, fname, encode(differ.c, kind, raw, rng) if kind else raw))
        raw = rng.randbytes(1 << 20)
        big = encode(differ.c, kind, raw, rng) if kind and kind != "uu" else raw
        differ.call(fname, *differential.call_forms(differ.params(fname), fill(differ, fname, big))[-1])
        if kind and kind != "uu":
            differ.call(fname, *differential.call_forms(differ.params(fname), fill(differ, fname, mutate(big, rng)))[-1])


def random_case(differ, rng):
    fname = rng.choice(functions(differ))
    kind = DECODERS.get(fname)
    raw = random_bytes(rng)
    if kind and rng.random() < 0.8:
        data = encode(differ.c, kind, raw, rng)
        if rng.random() < 0.6:
            data = mutate(data, rng)
    else:
        data = raw
    values = fill(differ, fname, wrap(data, rng), rng, good=rng.random() < 0.9)
    differ.call_all_forms(fname, values)
    if rng.random() < 0.03:
        differ.call_wrong_forms(fname, values)


if __name__ == "__main__":
    sys.exit(differential.main("binascii", fixed_cases, random_case))
