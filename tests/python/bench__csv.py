"""Benchmark _csv: the C module vs oxpy's Rust module, through the csv module.

    python bench__csv.py --rust <overlay>/_csv<EXT_SUFFIX> [--quick] [--json FILE]

Run by `cargo xtask bench`; see bench.py for the method. Users call the
stdlib `csv` module, which is Python (`csv.py`) over `_csv`: csv.py does
`from _csv import reader, writer, register_dialect, ...` and registers its
dialects (excel, excel-tab, unix) into `_csv`'s registry at import. So
csv.py's source is executed twice, into two module objects, once with the
C `_csv` and once with the Rust one in `sys.modules["_csv"]` (restored
after): each contender is a real `csv` module, with its own `_csv` and
dialect registry, and the rows time `csv.reader` and `csv.writer` as users
call them.

- reader: `list(csv.reader(io.StringIO(text)))` (every row parsed);
- writer: `csv.writer(io.StringIO()).writerows(rows)`, returning the text.

Data (seeded): rows of an int id, a float amount, a code, a word, an
optional flag, and a comment of words that now and then holds a comma, a
double quote or a line break (quoted fields); some words are not ASCII
(café, Zürich). Written with the excel dialect (`\\r\\n` line ends). The
size is that of the CSV text in characters (in UTF-8 it is ~1% more): whole
rows, the first ones whose text reaches the size (at most one row, ~100
characters, over). The writer gets the same rows with ints and floats as
numbers, and writes that same text.
"""

import importlib.util
import io
import random
import sys

import bench
from bench import Case

CSV_SIZES = [0, 1 << 10, 64 << 10, 1 << 20]
WORDS = ["alpha", "beta", "gamma", "delta", "order", "shipped", "paid", "refund", "client", "Zürich", "café",
         "note", "item", "total", "north", "south", "ok", "pending", "x", "value"]


def csv_with(_csv):
    """The stdlib csv module, executed afresh with `_csv` as its _csv."""
    spec = importlib.util.find_spec("csv")
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get("_csv")
    sys.modules["_csv"] = _csv
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["_csv"]
        else:
            sys.modules["_csv"] = saved
    if module.reader is not _csv.reader or module.writer is not _csv.writer:
        raise SystemExit(f"csv.py did not take its reader and writer from {_csv}")
    return module


_CSV = {}


def csv_for(_csv):
    """The csv module over `_csv` (one per _csv module, made on first use)."""
    if _csv not in _CSV:
        _CSV[_csv] = csv_with(_csv)
    return _CSV[_csv]


def make_row(rng, n):
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 8))]
    r = rng.random()
    if r < 0.25:
        words[rng.randrange(len(words))] += ","
    elif r < 0.35:
        words.insert(rng.randrange(len(words)), '"quoted"')
    elif r < 0.38:
        words.insert(rng.randrange(len(words)), "\n")
    return [n, round(rng.uniform(-10_000, 10_000), 2), f"{rng.choice('ABCDEFGH')}-{rng.randrange(10_000):04d}",
            rng.choice(WORDS), rng.choice(["", "true", "false"]), " ".join(words)]


def sample_rows(c, size):
    """(rows, CSV text) of about `size` bytes, written by the C module."""
    rng = random.Random(f"csv-{size}")
    out = io.StringIO()
    write = c.writer(out).writerow
    rows = []
    while out.tell() < size:  # tell() counts characters; the text is mostly ASCII
        rows.append(make_row(rng, len(rows)))
        write(rows[-1])
    return rows, out.getvalue()


def csv_size(size, rng):
    """The raw data: just the size (sample_rows makes the rows, seeded by it)."""
    return size


def read_all(module, args):
    """`call`: csv.reader over the lines of a StringIO, every row parsed."""
    reader = csv_for(module).reader

    def read_all(text):
        return list(reader(io.StringIO(text)))

    return read_all, args


def write_all(module, args):
    """`call`: csv.writer into a StringIO, writerows, the text written."""
    writer = csv_for(module).writer

    def write_all(rows):
        out = io.StringIO()
        writer(out).writerows(rows)
        return out.getvalue()

    return write_all, args


def write_each(module, args):
    """`call`: csv.writer into a StringIO, one writerow call per row."""
    writer = csv_for(module).writer

    def write_each(rows):
        out = io.StringIO()
        w = writer(out)
        for row in rows:
            w.writerow(row)
        return out.getvalue()

    return write_each, args


CASES = [
    Case("reader", CSV_SIZES, lambda c, size: (sample_rows(c, size)[1],), csv_size, call=read_all),
    Case("writer", CSV_SIZES, lambda c, size: (sample_rows(c, size)[0],), csv_size, label="writer.writerows",
         call=write_all),
    Case("writer", CSV_SIZES, lambda c, size: (sample_rows(c, size)[0],), csv_size, label="writer.writerow",
         call=write_each),
]

CASES_NOTE = (
    "Through the stdlib csv module (csv.py run once over each _csv). Size is that of the CSV text in "
    "characters, about (whole rows of ints, floats, codes, words and comments, some quoted, some over two "
    "lines): reader parses all of it from an io.StringIO into a list of rows; writer.writerows writes the "
    "same rows into an io.StringIO, and writer.writerow too, one call per row."
)

# pyperformance benchmarks whose hot path goes through _csv: none imports
# csv. Left empty.
PROGRAMS = {}

if __name__ == "__main__":
    sys.exit(bench.main("_csv", CASES, programs=PROGRAMS, cases_note=CASES_NOTE))
