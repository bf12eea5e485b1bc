"""Benchmark _struct: the C module vs oxpy's Rust module.

    python bench__struct.py --rust <overlay>/_struct<EXT_SUFFIX> [--quick] [--json FILE]

Run by `cargo xtask bench`; see bench.py for the method. Size is the number
of fields of the format (items): 1 is `<i`, 10 is `<iIhHqQfdBb` (signed and
unsigned ints of 1, 2, 4 and 8 bytes, a float and a double, little-endian,
with large values of both signs). Each is timed through the module-level
functions (which look the format up in the module's cache of Struct
objects) and through the methods of a Struct object made beforehand:
pack, unpack, pack_into (into a bytearray, at offset 4) and unpack_from
(at offset 4). pack_into is compared on the buffer after the call.
"""

import sys

import bench
from bench import Case, raw_args

# Number of fields: (format, values).
FORMATS = {
    1: ("<i", (-1_234_567,)),
    10: ("<iIhHqQfdBb", (-1_234_567, 3_000_000_000, -12_345, 54_321, -(2**40) - 3, 2**63 + 5, 1.5,
                         3.141592653589793, 200, -100)),
}
OFFSET = 4


def struct_format(size, rng):
    """The format of `size` fields and its values."""
    return FORMATS[size]


def pack_args(c, data):
    fmt, values = data
    return (fmt, *values)


def unpack_args(c, data):
    fmt, values = data
    return (fmt, c.pack(fmt, *values))


def pack_into_args(c, data):
    fmt, values = data
    return (fmt, bytearray(OFFSET + c.calcsize(fmt)), OFFSET, *values)


def unpack_from_args(c, data):
    fmt, values = data
    return (fmt, bytes(range(OFFSET)) + c.pack(fmt, *values), OFFSET)


def method(name):
    """`call` for bench.Case: the method `name` of a Struct of the format (the first argument)."""
    return lambda module, args: (getattr(module.Struct(args[0]), name), args[1:])


# (function, its arguments, whether it changes them)
CALLS = [
    ("pack", pack_args, False),
    ("unpack", unpack_args, False),
    ("pack_into", pack_into_args, True),
    ("unpack_from", unpack_from_args, False),
]
CASES = [Case(name, list(FORMATS), args, struct_format, unit="items", mutates=mutates)
         for name, args, mutates in CALLS]
CASES += [Case(name, list(FORMATS), args, struct_format, unit="items", label=f"Struct.{name}", call=method(name),
               mutates=mutates)
          for name, args, mutates in CALLS]

# iter_unpack: `size` items of `<ih` (6 bytes each), all unpacked by list().
ITER_FORMAT = "<ih"


def iter_items(size, rng):
    """The raw data of iter_unpack: `size` items' bytes."""
    return bytes(rng.getrandbits(8) for _ in range(6 * size))


def iter_unpack_call(module, args):
    """`call`: list(Struct(ITER_FORMAT).iter_unpack(buffer)), the Struct made beforehand."""
    s = module.Struct(ITER_FORMAT)
    return (lambda buffer: list(s.iter_unpack(buffer))), args


CASES.append(Case("iter_unpack", [1, 1000], raw_args, iter_items, unit="items", label="Struct.iter_unpack",
                  call=iter_unpack_call))

CASES_NOTE = (
    "Size is the number of fields of the format: 1 is `<i`, 10 is `<iIhHqQfdBb`. The module-level functions "
    "take the format string (cached Struct objects); the Struct.* rows call the methods of a Struct made "
    "beforehand. pack_into writes into a bytearray at offset 4; unpack_from reads at offset 4. "
    "Struct.iter_unpack: list() of the iterator over `size` items of `<ih`."
)

# pyperformance benchmarks whose hot path goes through _struct: none
# measurably. telco calls struct.unpack('>Q') 5,000 times per loop among its
# decimal arithmetic (about 4% of its time under cProfile, 3.11: a candidate
# once the module is in Rust); pyflate's Struct('>B').pack is 0.0%. Left
# empty rather than claiming a program-level effect.
PROGRAMS = {}

if __name__ == "__main__":
    sys.exit(bench.main("_struct", CASES, programs=PROGRAMS, cases_note=CASES_NOTE))
