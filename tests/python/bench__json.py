"""Benchmark _json: the C module vs oxpy's Rust module (and peers from PyPI),
through the json package.

    python bench__json.py --rust <overlay>/_json<EXT_SUFFIX> [--quick] [--json FILE] [--no-peers]

Run by `cargo xtask bench`; see bench.py for the method. Users call the
stdlib `json` package, which is Python (json/__init__.py, decoder.py,
scanner.py, encoder.py) over `_json`: decoder.py and scanner.py take
scanstring and make_scanner, encoder.py make_encoder and the two string
escapers, each with `from _json import ...`. So the package is executed
twice, into two sets of module objects, once with the C `_json` and once
with the Rust one in `sys.modules["_json"]` (sys.modules restored after):
each contender is a real `json` package, and the rows time `json.dumps` and
`json.loads` as users call them:

- `json.dumps(obj)` (default arguments: the C encoder, ensure_ascii=True),
  `json.dumps(obj, sort_keys=True)`, `json.dumps(obj, ensure_ascii=False)`;
- `json.loads(text)` of the document as `json.dumps(obj)` writes it, and for
  the documents with non-ASCII text also of `json.dumps(obj,
  ensure_ascii=False)` (raw UTF-8 characters instead of \\u escapes).

Documents. Size is the length of `json.dumps(obj)` with default arguments
(all ASCII: characters = bytes):

- pyperformance's json_dumps benchmark (pyperformance 1.14.0,
  bm_json_dumps, copied verbatim): EMPTY `{}` (2 B), SIMPLE (5 short keys),
  NESTED (SIMPLE three times inside, and a key with Polish letters), HUGE
  (a list of 1000 times the same NESTED dict);
- pyperformance's json_loads benchmark (bm_json_loads, copied verbatim):
  DICT (a user profile record), TUPLE (a list of 20 ints and 60), DICT_GROUP
  (three mutations of DICT made with random.Random(5) as there);
- mixed: API-like records (ints, floats, bools, null, short strings, some
  non-ASCII names and escapes, nested address and friends objects), 180 KiB;
- strings: a list of sentences in Latin with accents, Cyrillic, Greek, CJK,
  with emoji and a few quotes/newlines, at 1 KiB, 64 KiB and 1 MiB;
- numbers: rows of ints (small, negative, 64-bit) and floats (short
  decimals, random doubles, tiny and huge exponents), at 1 KiB, 64 KiB and
  1 MiB.

The synthetic documents are seeded and padded with one ASCII string to the
exact size. C and Rust outputs are compared exactly (text; loads results by
type and float bits). Peers: orjson (`orjson.dumps` returns bytes, compact,
never escapes non-ASCII: the closest call for every dumps variant, with
OPT_SORT_KEYS for sort_keys; `orjson.loads`) and ujson (`ujson.dumps` with
sort_keys / ensure_ascii as asked, compact separators, escapes "/";
`ujson.loads`). Their output differs from json's by design (separators,
escaping), so a peer's result is compared loosely: its JSON text parsed
back must equal the C text parsed back, and its loads result must equal C's
(==); that is what the peers' "same output" records.
"""

import functools
import importlib
import random
import sys

import bench
from bench import Case, Peer

JSON_MODULES = ("json", "json.decoder", "json.scanner", "json.encoder")

# -- pyperformance's documents (pyperformance 1.14.0, copied verbatim) ------------

# bm_json_dumps/run_benchmark.py
EMPTY = ({}, 2000)
SIMPLE_DATA = {'key1': 0, 'key2': True, 'key3': 'value', 'key4': 'foo',
               'key5': 'string'}
SIMPLE = (SIMPLE_DATA, 1000)
NESTED_DATA = {'key1': 0, 'key2': SIMPLE[0], 'key3': 'value', 'key4': SIMPLE[0],
               'key5': SIMPLE[0], 'key': '\u0105\u0107\u017c'}
NESTED = (NESTED_DATA, 1000)
HUGE = ([NESTED[0]] * 1000, 1)

# bm_json_loads/run_benchmark.py
DICT = {
    'ads_flags': 0,
    'age': 18,
    'bulletin_count': 0,
    'comment_count': 0,
    'country': 'BR',
    'encrypted_id': 'G9urXXAJwjE',
    'favorite_count': 9,
    'first_name': '',
    'flags': 412317970704,
    'friend_count': 0,
    'gender': 'm',
    'gender_for_display': 'Male',
    'id': 302935349,
    'is_custom_profile_icon': 0,
    'last_name': '',
    'locale_preference': 'pt_BR',
    'member': 0,
    'tags': ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    'profile_foo_id': 827119638,
    'secure_encrypted_id': 'Z_xxx2dYx3t4YAdnmfgyKw',
    'session_number': 2,
    'signup_id': '201-19225-223',
    'status': 'A',
    'theme': 1,
    'time_created': 1225237014,
    'time_updated': 1233134493,
    'unread_message_count': 0,
    'user_group': '0',
    'username': 'collinwinter',
    'play_count': 9,
    'view_count': 7,
    'zip': ''}

TUPLE = (
    [265867233, 265868503, 265252341, 265243910, 265879514,
     266219766, 266021701, 265843726, 265592821, 265246784,
     265853180, 45526486, 265463699, 265848143, 265863062,
     265392591, 265877490, 265823665, 265828884, 265753032], 60)


def mutate_dict(orig_dict, random_source):
    new_dict = dict(orig_dict)
    for key, value in new_dict.items():
        rand_val = random_source.random() * sys.maxsize
        if isinstance(key, (int, bytes, str)):
            new_dict[key] = type(key)(rand_val)
    return new_dict


random_source = random.Random(5)  # Fixed seed.
DICT_GROUP = [mutate_dict(DICT, random_source) for _ in range(3)]


# -- the json package bound to each _json ------------------------------------------

def json_with(_json):
    """The stdlib json package, executed afresh with `_json` as its _json."""
    saved = {k: sys.modules.get(k) for k in ("_json",) + JSON_MODULES}
    try:
        for k in JSON_MODULES:
            sys.modules.pop(k, None)
        sys.modules["_json"] = _json
        package = importlib.import_module("json")
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    if (package.decoder.scanstring is not _json.scanstring or package.scanner.make_scanner is not _json.make_scanner
            or package.encoder.c_make_encoder is not _json.make_encoder):
        raise SystemExit(f"the json package did not take its accelerators from {_json}")
    return package


_JSON = {}


def json_for(_json):
    if _json not in _JSON:
        _JSON[_json] = json_with(_json)
    return _JSON[_json]


def stock_dumps(obj, **kw):
    """json.dumps of whichever _json this process imports (sizes, loose comparisons)."""
    import json
    return json.dumps(obj, **kw)


# -- synthetic documents -------------------------------------------------------------

FIRST = ["Ana", "Bo", "Chloé", "Dmitri", "Émile", "Fatima", "Günter", "Hana", "Ivan", "Jürgen", "Kai", "Łukasz",
         "Marta", "Nuño", "Olga", "Pål", "Zoë", "Søren", "Renée", "Tomás"]
LAST = ["Silva", "Smith", "Müller", "Ivanova", "Kowalski", "García", "Dubois", "Rossi", "Nakamura", "O'Brien"]
CITIES = ["São Paulo", "Zürich", "Kraków", "Paris", "Tokyo", "Reykjavík", "New York", "Łódź", "Montréal", "Oslo"]
WORDS = ["alpha", "beta", "gamma", "delta", "release", "urgent", "backend", "frontend", "ops", "billing", "team",
         "on-call", "review", "draft"]
SENTENCES = [
    "Le cœur a ses raisons que la raison ne connaît point.",
    "Über den Wolken muss die Freiheit wohl grenzenlos sein.",
    "¿Dónde está la estación de ferrocarril más próxima?",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "色は匂へど散りぬるを我が世誰ぞ常ならむ",
    "我能吞下玻璃而不伤身体。",
    "Zażółć gęślą jaźń — \"quoted\" text.",
    "Emoji 😀🎉 and a line\nbreak, a tab\tand a backslash \\.",
    "Árvíztűrő tükörfúrógép, naïve façade, déjà vu.",
]


def fit(items, size, make_item, rng):
    """Appends make_item(rng, i) to `items` while json.dumps(items) stays
    below `size`, then pads with one ASCII string to exactly `size`
    (json.dumps of a list: "[" + ", ".join(parts) + "]")."""
    current = len(stock_dumps(items))
    while True:
        item = make_item(rng, len(items))
        extra = len(stock_dumps(item)) + (2 if items else 0)
        if current + extra + 4 > size:  # room left for ', ""'
            break
        items.append(item)
        current += extra
    pad = size - current - (4 if items else 2)
    items.append("x" * pad)
    text = stock_dumps(items)
    assert len(text) == size, (len(text), size)
    return items


def record(rng, i):
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return {
        "id": 100000 + i,
        "guid": f"{rng.getrandbits(64):016x}",
        "name": name,
        "email": name.lower().replace(" ", ".").replace("'", "") + "@example.com",
        "active": rng.random() < 0.7,
        "score": round(rng.uniform(0, 100), 2),
        "balance": round(rng.uniform(-5000, 50000), 2),
        "age": rng.randint(18, 90),
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(0, 4))],
        "address": {"street": f"{rng.randint(1, 999)} {rng.choice(LAST)} St.", "city": rng.choice(CITIES),
                    "zip": f"{rng.randint(0, 99999):05d}",
                    "geo": {"lat": rng.uniform(-90, 90), "lng": rng.uniform(-180, 180)}},
        "friends": [{"id": rng.randint(1, 10 ** 6), "name": rng.choice(FIRST)} for _ in range(rng.randint(0, 3))],
        "note": None if rng.random() < 0.6 else rng.choice(['said "hi"', "line1\nline2", "path C:\\tmp", "ok"]),
    }


def sentence(rng, i):
    return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))


def number_row(rng, i):
    return [rng.randint(0, 1000), rng.randint(-10 ** 6, 10 ** 6), rng.getrandbits(63), round(rng.uniform(0, 1000), 2),
            rng.uniform(-1, 1), rng.random() * 10 ** rng.randint(-30, 30), float(rng.randint(0, 100)),
            -rng.random() * 1e-300]


def synthetic(kind, size):
    rng = random.Random(f"json-{kind}-{size}")
    make = {"mixed": record, "strings": sentence, "numbers": number_row}[kind]
    return fit([], size, make, rng)


# -- the documents, by family -----------------------------------------------------------

MIXED_SIZE = 180 << 10
FAMILY_SIZES = {"strings": [1 << 10, 64 << 10, 1 << 20], "numbers": [1 << 10, 64 << 10, 1 << 20],
                "mixed": [MIXED_SIZE]}
PYPERF = {
    "pyperformance json_dumps": {"EMPTY": EMPTY[0], "SIMPLE": SIMPLE[0], "NESTED": NESTED[0], "HUGE": HUGE[0]},
    "pyperformance json_loads": {"DICT": DICT, "TUPLE": TUPLE, "DICT_GROUP": DICT_GROUP},
}
_DOCS = {}


def document(family, size):
    """The Python object of `family` whose json.dumps is `size` characters."""
    key = (family, size)
    if key not in _DOCS:
        if family in PYPERF:
            for obj in PYPERF[family].values():
                if len(stock_dumps(obj)) == size:
                    _DOCS[key] = obj
                    break
        else:
            _DOCS[key] = synthetic(family, size)
    return _DOCS[key]


def family_sizes(family):
    if family in PYPERF:
        return sorted(len(stock_dumps(obj)) for obj in PYPERF[family].values())
    return FAMILY_SIZES[family]


def doc_names():
    """For the notes: pyperformance document names by size."""
    return {family: {len(stock_dumps(obj)): name for name, obj in docs.items()} for family, docs in PYPERF.items()}


# -- the cases --------------------------------------------------------------------------

class JsonOutcome:
    """What bench.py compares: C and Rust exactly (the text; a loads result
    by types and float bits), a peer loosely (its text parsed back, or its
    loads result, equal to C's)."""

    def __init__(self, result, exact, kind):
        self.exact, self.kind = exact, kind
        if kind == "dumps":
            text = result.decode() if isinstance(result, bytes) else result
            self.key = text if exact else None
            self.loose = _loose(text)
        else:
            self.key = _exact_value(result) if exact else None
            self.loose = result

    def __eq__(self, other):
        if self.exact and other.exact:
            return self.key == other.key
        return self.loose == other.loose


def _loose(text):
    import json
    return json.loads(text)


def _exact_value(v):
    t = type(v)
    if t is float:
        return ("float", v.hex())
    if t in (list, tuple):
        return (t.__name__, tuple(_exact_value(x) for x in v))
    if t is dict:
        return ("dict", tuple((_exact_value(k), _exact_value(x)) for k, x in v.items()))
    return (t.__name__, v)


EXACT = set()


class JsonCase(Case):
    def __init__(self, function, kind, family, options, text_options=None):
        self.kind, self.family, self.options, self.text_options = kind, family, options, text_options or {}
        if kind == "dumps":
            make_args = lambda c, obj: (obj,)  # noqa: E731
            opts = ", ".join(f"{k}={v!r}" for k, v in options.items())
            label = f"dumps({opts}) {family}" if opts else f"dumps {family}"
        else:
            make_args = lambda c, obj, t=self.text_options: (json_for(c).dumps(obj, **t),)  # noqa: E731
            label = f"loads {family}" + (" (text with raw non-ASCII)" if self.text_options else "")
        super().__init__(function, family_sizes(family), make_args, self.data_fn, label=label, call=self.bound_call)

    def data_fn(self, size, rng):
        return document(self.family, size)

    def bound_call(self, module, args):
        js = json_for(module)
        fn = getattr(js, self.kind)
        if self.options:
            fn = functools.partial(fn, **self.options)
        EXACT.add(fn)
        return fn, args

    def outcome(self, func, args):
        return JsonOutcome(func(*args), func in EXACT, self.kind)


FAMILIES = ["pyperformance json_dumps", "pyperformance json_loads", "mixed", "strings", "numbers"]
CASES = []
for _family in FAMILIES:
    CASES.append(JsonCase("dumps", "dumps", _family, {}))
    CASES.append(JsonCase("dumps_sort_keys", "dumps", _family, {"sort_keys": True}))
    CASES.append(JsonCase("dumps_ensure_ascii_false", "dumps", _family, {"ensure_ascii": False}))
    CASES.append(JsonCase("loads", "loads", _family, {}))
    if _family in ("mixed", "strings"):
        CASES.append(JsonCase("loads", "loads", _family, {}, {"ensure_ascii": False}))


def _partial(fn, **kw):
    return functools.partial(fn, **kw) if kw else fn


PEERS = {
    "orjson": Peer(
        "orjson",
        "orjson",
        {
            "dumps": lambda m, args: (m.dumps, args),
            "dumps_sort_keys": lambda m, args: (_partial(m.dumps, option=m.OPT_SORT_KEYS), args),
            "dumps_ensure_ascii_false": lambda m, args: (m.dumps, args),
            "loads": lambda m, args: (m.loads, args),
        },
        "orjson.dumps returns bytes (UTF-8, compact separators, non-ASCII never escaped: the same call for every "
        "dumps row, with option=OPT_SORT_KEYS for sort_keys); orjson.loads. Compared loosely: the text parsed back "
        "equals C's parsed back; loads results equal C's.",
    ),
    "ujson": Peer(
        "ujson",
        "ujson",
        {
            "dumps": lambda m, args: (m.dumps, args),
            "dumps_sort_keys": lambda m, args: (_partial(m.dumps, sort_keys=True), args),
            "dumps_ensure_ascii_false": lambda m, args: (_partial(m.dumps, ensure_ascii=False), args),
            "loads": lambda m, args: (m.loads, args),
        },
        "ujson.dumps (compact separators, escapes '/', ensure_ascii and sort_keys as the row says); ujson.loads. "
        "Compared loosely, as orjson.",
    ),
}


def _cases_note():
    names = doc_names()
    dumps_docs = ", ".join(f"{name} {bench.fmt_size(size)}" for size, name in sorted(names["pyperformance json_dumps"].items()))
    loads_docs = ", ".join(f"{name} {bench.fmt_size(size)}" for size, name in sorted(names["pyperformance json_loads"].items()))
    return (
        "Through the stdlib json package (run once over each _json). Size is that of json.dumps(obj) with default "
        "arguments (ASCII). dumps rows: json.dumps(obj) with the options shown; loads rows: json.loads of that text "
        "(or of json.dumps(obj, ensure_ascii=False) where it says raw non-ASCII). Documents: pyperformance json_dumps "
        f"({dumps_docs}) and json_loads ({loads_docs}), copied from pyperformance 1.14.0; mixed: API-like records "
        "(numbers, short and non-ASCII strings, nested objects); strings: sentences in many scripts with emoji; "
        "numbers: rows of ints and floats of every magnitude. Peers (orjson, ujson) return their own formatting and "
        "are compared loosely (parsed back). loads times include the cyclic collector's work on what the calls make "
        "(the harness's own objects are frozen before timing): on 3.11 C's loads leaves the collector more to walk "
        "than the Rust module's, which hides its finished containers from collections during a scan."
    )


# pyperformance's json_dumps and json_loads are json.dumps / json.loads
# loops: their hot path is _json (make_encoder, make_scanner, scanstring).
PROGRAMS = {"json_dumps": [], "json_loads": []}

if __name__ == "__main__":
    sys.exit(bench.main("_json", CASES, PEERS, PROGRAMS, _cases_note()))
