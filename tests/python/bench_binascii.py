"""Benchmark binascii: C module vs oxpy's Rust module (and pybase64 if installed).

    python bench_binascii.py --rust <overlay>/binascii<EXT_SUFFIX> [--quick] [--out FILE]

Run by `cargo xtask bench binascii`.
"""

import sys

import bench

FUNCTIONS = ["b2a_base64", "a2b_base64", "hexlify", "unhexlify", "crc32"]
SIZES = [0, 16, 1 << 10, 64 << 10, 1 << 20]


def make_args(c, fname, raw):
    if fname == "a2b_base64":
        return (c.b2a_base64(raw),)
    if fname == "unhexlify":
        return (c.hexlify(raw),)
    return (raw,)


def pybase64_peer(fname):
    import pybase64

    return {"b2a_base64": pybase64.b64encode, "a2b_base64": pybase64.b64decode}.get(fname)


if __name__ == "__main__":
    sys.exit(bench.main("binascii", FUNCTIONS, SIZES, make_args, {"pybase64": pybase64_peer}))
