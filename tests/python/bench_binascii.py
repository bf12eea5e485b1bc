"""Benchmark binascii: the C module vs oxpy's Rust module (and peers from PyPI).

    python bench_binascii.py --rust <overlay>/binascii<EXT_SUFFIX> [--quick] [--json FILE]

Run by `cargo xtask bench`; see bench.py for the method.
"""

import sys

import bench
from bench import SIZES, Case, Peer

# b2a_uu encodes one line of at most 45 bytes.
UU_SIZES = [0, 16, 45]

CASES = [
    Case("b2a_base64"),
    Case("a2b_base64", make_args=lambda c, raw: (c.b2a_base64(raw),)),
    Case("hexlify"),
    Case("unhexlify", make_args=lambda c, raw: (c.hexlify(raw),)),
    Case("crc32"),
    Case("crc_hqx", make_args=lambda c, raw: (raw, 0)),
    # Quoted-printable is for text that is mostly ASCII.
    Case("b2a_qp", data="text"),
    Case("a2b_qp", data="text", make_args=lambda c, raw: (c.b2a_qp(raw),)),
    Case("b2a_uu", UU_SIZES),
    Case("a2b_uu", UU_SIZES, make_args=lambda c, raw: (c.b2a_uu(raw),)),
]

PEERS = {
    "pybase64": Peer(
        "pybase64",
        "pybase64",
        {
            "b2a_base64": lambda m, args: (m.b64encode, args),
            "a2b_base64": lambda m, args: (m.b64decode, args),
        },
        note="pybase64.b64encode(data) for b2a_base64: the same but without the trailing newline; "
        "pybase64.b64decode(s) (validate=False, which like a2b_base64 skips characters outside the "
        "alphabet, here the newline) for a2b_base64: the same result.",
    ),
    "zlib-ng": Peer(
        "zlib-ng",
        "zlib_ng.zlib_ng",
        {"crc32": lambda m, args: (m.crc32, args)},
        note="zlib_ng.zlib_ng.crc32(data) for crc32: the same result.",
    ),
    "isal": Peer(
        "isal",
        "isal.isal_zlib",
        {"crc32": lambda m, args: (m.crc32, args)},
        note="isal.isal_zlib.crc32(data) for crc32: the same result.",
    ),
}

# pyperformance benchmarks whose hot path goes through binascii, with the
# pyperf benchmarks (of the several one pyperformance benchmark may run) that
# do: bm_base64's base64, urlsafe_base64 and base16 parts (base32, ascii85
# and base85 are pure Python in the base64 module: controls). Checked and
# left out: dulwich_log spends ~0.4% of its time in binascii.unhexlify (and
# ~4% in zlib); no other benchmark imports base64 or binascii.
PROGRAMS = {
    "base64": ["base64_small", "base64_large", "urlsafe_base64_small", "base16_small", "base16_large"],
}

if __name__ == "__main__":
    sys.exit(bench.main("binascii", CASES, PEERS, PROGRAMS))
