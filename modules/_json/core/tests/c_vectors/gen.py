"""Writes mod.rs: the vectors of tests/vectors.rs, from CPython's C `_json`.

    python3 gen.py PYTHON3.11 PYTHON3.12 PYTHON3.13 > mod.rs

Each interpreter runs this file with `--probe`: it builds the same cases
(hand-picked ones, then seeded random ones), runs them through its own
`_json.scanstring`, `_json.make_scanner`, `_json.encode_basestring_ascii`,
`_json.encode_basestring` and `float.__repr__`, and prints the results as a
pickle; the parent merges the three (equal results once, with a mask of the
versions: 0b001 3.11, 0b010 3.12, 0b100 3.13) and writes Rust. The tests do
not need Python.

JSON_VECTORS_SCALE (default 1) multiplies the number of random cases, e.g.
20 for a longer run (then restore the file).

Strings are written as Rust string literals with each lone surrogate
U+D800+k replaced by U+F0000+k (no case uses that plane otherwise); the
tests map them back.

The scanner runs with parse_int, parse_float, parse_constant and
object_pairs_hook that tag what C hands them, and the value is written in a
canonical form (see `canon`) that the test rebuilds from the events.
"""

import json
import os
import pickle
import random
import struct
import subprocess
import sys

SCALE = int(os.environ.get("JSON_VECTORS_SCALE", 1))

# ---------------------------------------------------------------- cases

LONE = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00']
ASTRAL = ['\U0001f600', '\U00010000', '\U0010ffff']
BMP = ['\u20ac', '\u0100', '\uffff', '\u3000']
LATIN1 = ['\xe9', '\xff', '\x80', '\xa0']
CONTROL = ['\x00', '\x01', '\x08', '\x09', '\x0a', '\x0c', '\x0d', '\x1f', '\x0b']


def widths(rng):
    """An alphabet for one case: ASCII only, up to latin-1, BMP, or all."""
    r = rng.random()
    extra = []
    if r > 0.35:
        extra += LATIN1
    if r > 0.6:
        extra += BMP + LONE
    if r > 0.8:
        extra += ASTRAL
    return extra


HEX = '0123456789abcdefABCDEF'


def rand_escape(rng):
    r = rng.random()
    if r < 0.35:
        return '\\' + rng.choice('"\\/bfnrt')
    if r < 0.45:
        return '\\' + rng.choice('xu0a\'U \n"')
    if r < 0.7:
        return '\\u' + ''.join(rng.choice(HEX) for _ in range(4))
    if r < 0.8:
        return '\\u' + ''.join(rng.choice(HEX + 'gx"\\') for _ in range(rng.randint(0, 4)))
    hi = rng.choice(['d83d', 'D83D', 'dbff', 'd800', 'dc00', '0041'])
    lo = rng.choice(['de00', 'DE00', 'dfff', 'dc00', 'd800', '0041', 'de0', 'de0x', ''])
    sep = rng.choice(['\\u', '\\u', '\\u', '\\', 'u', '\\n', ''])
    return '\\u' + hi + sep + lo


def rand_str_content(rng, extra, n=None):
    if n is None:
        n = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40, 70])
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            out.append(rng.choice('abcxyz 019.:,{}[]-_/\'~\x7f'))
        elif r < 0.7 and extra:
            out.append(rng.choice(extra))
        elif r < 0.8:
            out.append(rng.choice(CONTROL))
        else:
            out.append(rand_escape(rng))
    return ''.join(out)


def rand_number(rng):
    s = ''
    if rng.random() < 0.3:
        s += '-'
    r = rng.random()
    if r < 0.05:
        return s + rng.choice(['', 'x', '.5', '-1', 'e5', 'Infinity', 'Inf'])
    if r < 0.25:
        s += '0'
    elif r < 0.3:
        s += '0' + str(rng.randint(0, 99))
    elif r < 0.4:
        s += str(rng.randint(1, 9)) + ''.join(rng.choice('0123456789') for _ in range(rng.randint(15, 30)))
    else:
        s += str(rng.randint(1, 10 ** rng.randint(1, 12)))
    if rng.random() < 0.4:
        s += '.' + ''.join(rng.choice('0123456789') for _ in range(rng.choice([0, 1, 1, 2, 3, 17, 25])))
    if rng.random() < 0.35:
        s += rng.choice('eE') + rng.choice(['', '', '+', '-']) + ''.join(
            rng.choice('0123456789') for _ in range(rng.choice([0, 1, 1, 2, 3])))
    return s


def ws(rng):
    if rng.random() < 0.6:
        return ''
    return ''.join(rng.choice(' \t\n\r') for _ in range(rng.randint(1, 3)))


def rand_doc(rng, extra, depth=0):
    r = rng.random()
    if depth > 4:
        r = r * 0.6
    if r < 0.2:
        return '"' + rand_str_content(rng, extra, rng.choice([0, 1, 3, 6])) + '"'
    if r < 0.4:
        return rand_number(rng)
    if r < 0.55:
        return rng.choice(['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity',
                           'nul', 'tru', 'fals', 'Na', 'Infinit', '-Infinit', 'nulls', 'x'])
    if r < 0.8:
        items = [rand_doc(rng, extra, depth + 1) for _ in range(rng.choice([0, 1, 2, 3, 5]))]
        sep = ws(rng) + ',' + ws(rng)
        body = sep.join(ws(rng) + i + ws(rng) for i in items)
        if rng.random() < 0.1:
            body += ','
        return '[' + ws(rng) + body + ws(rng) + ']'
    members = []
    for _ in range(rng.choice([0, 1, 2, 3, 4])):
        key = '"' + rand_str_content(rng, extra, rng.choice([0, 1, 2, 4])) + '"'
        if rng.random() < 0.3:
            key = rng.choice(['"a"', '"b"', '"a"', '"k"'])
        members.append(ws(rng) + key + ws(rng) + ':' + ws(rng) + rand_doc(rng, extra, depth + 1) + ws(rng))
    body = (',' + ws(rng)).join(members)
    if rng.random() < 0.1:
        body += ','
    return '{' + ws(rng) + body + ws(rng) + '}'


MUTATE = list('[]{}:,"\\ \t\n\r0123456789-+.eEnulltrefasNIy') + CONTROL[:2] + ['\xe9', '\u20ac', '\ud800', '\U0001f600']


def mutate(rng, s):
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        r = rng.random()
        i = rng.randint(0, len(s))
        if r < 0.3 and s:
            s = s[:i] + s[i + 1:]
        elif r < 0.6:
            s = s[:i] + rng.choice(MUTATE) + s[i:]
        elif r < 0.85 and s:
            s = s[:i] + rng.choice(MUTATE) + s[i + 1:]
        else:
            s = s[:i]
    return s


def scanstring_cases():
    rng = random.Random(7)
    cases = [
        ('"abc"', 1, True), ('"abc', 1, True), ('abc"', 0, True), ('abc', 0, True), ('x', 1, True),
        ('x', 2, True), ('x', -1, True), ('', 0, True), ('"', 1, True), ('""', 1, True),
        ('"\\u12', 1, True), ('"\\u1234', 1, True), ('"\\u1234"', 1, True), ('"\\u1234x', 1, True),
        ('"\\ud83d\\ude00"', 1, True), ('"\\ud83d\\ude0"', 1, True), ('"\\ud83d\\ude0x"', 1, True),
        ('"\\ud83d\\u0041"', 1, True), ('"\\ud83d\\ude00', 1, True), ('"\\ud83d\\ude00x', 1, True),
        ('"\\ud83d\\', 1, True), ('"\\x"', 1, True), ('"\\', 1, True), ('"a\nb"', 1, True),
        ('"a\nb"', 1, False), ('"\\u12g4"', 1, True), ('"\\ud83dx\\ude00"', 1, True), ('"\\ud83d\\"', 1, True),
        ('"\\"', 1, True), ('"\\\\', 1, True), ('"ab\\n', 1, True), ('"\\u0022', 1, True),
        ('"\\u0022x', 1, True), ('"\\ud83d\\ud83d\\ude00"', 1, True), ('"\\ude00\\ud83d"', 1, True),
        ('"\\ud83d\\ude00\\ud83d\\ude00"', 1, True), ('"\\uDBFF\\uDFFF"', 1, True),
        ('"\\ud83d\\ude00"', 1, False), ('"\x7f\x1f"', 1, False), ('"\x7f\x1f"', 1, True),
        ('"' + 'a' * 100 + '"', 1, True), ('"' + 'a' * 100 + '\x01"', 1, True),
        ('"' + 'a' * 100 + '\\n' + 'b' * 100 + '"', 1, True), ('"' + '\u20ac' * 70 + '"', 1, True),
        ('"' + '\U0001f600' * 40 + '\\u20ac"', 1, True), ('"\ud800\udc00"', 1, True),
        ('xx"abc"', 3, True), ('"abc"', 5, True), ('"abc"', 4, True),
    ]
    for _ in range(2500 * SCALE):
        extra = widths(rng)
        s = '"' + rand_str_content(rng, extra)
        r = rng.random()
        if r < 0.8:
            s += '"'
        if rng.random() < 0.3:
            s += rand_str_content(rng, extra, rng.randint(0, 5))
        end = 1
        if rng.random() < 0.1:
            end = rng.randint(-1, len(s) + 1)
        cases.append((s, end, rng.random() < 0.85))
    return cases


def scan_cases():
    rng = random.Random(11)
    cases = [
        ('[1,]', 0), ('[x]', 0), ('{"a": x}', 0), ('{"a":1,}', 0), ('[1', 0), ('[', 0), ('{', 0),
        ('{"a"', 0), ('{"a":', 0), ('[1 2]', 0), ('-', 0), ('-x', 0), ('1e', 0), ('1e+', 0), ('1.', 0),
        ('01', 0), ('1.5e-3x', 0), ('-Infinity', 0), ('-Infinit', 0), ('Infinity', 0), ('NaN', 0),
        ('nul', 0), ('[1,\n]', 0), ('{"a":1 ,  }', 0), ('[1,2,  ', 0), ('[ ]', 0), ('{ }', 0),
        ('[]]', 0), ('1', -1), ('1', 5), ('1', 1), ('', 0), (' 1', 0), ('1 ', 0), ('[1,,2]', 0),
        ('{,}', 0), ('{"a" 1}', 0), ('{"a":1 "b":2}', 0), ('{"a":1,"a":2}', 0), ('[[[[]]]]', 0),
        ('{"a":{"b":[1,{"c":null}]}}', 0), ('1e5', 0), ('1E+5', 0), ('1e-5', 0), ('-0', 0),
        ('-0.0', 0), ('0.5e', 0), ('0.5e+', 0), ('0.5e+1', 0), ('5e', 0), ('5e1', 0), ('5e+1', 0),
        ('5e+', 0), ('[5e]', 0), ('[5e+]', 0), ('[5e+1]', 0), ('[1.]', 0), ('[1.e5]', 0), ('[-]', 0),
        ('[-1]', 0), ('[NaN,Infinity,-Infinity]', 0), ('[null,true,false]', 0), ('[nulll]', 0),
        ('"abc', 0), ('["abc', 0), ('{"abc', 0), ('{"a\nb":1}', 0), ('["a\nb"]', 0), ('["\\x"]', 0),
        ('{"\\ud83d\\ude00":"\\u20ac"}', 0), ('[1]', 1), ('[1, 2]', 3), ('[1, 2]', 4),
        ('{"a":1}', 1), ('[\t\n\r 1 \t\n\r, \t\n\r 2 \t\n\r]', 0), ('[\x0b1]', 0), ('[1\x0b]', 0),
        ('{"a" :1, "b" : 2 }', 0), ('{"a":[],"b":{}}', 0), ('123456789012345678901234567890', 0),
        ('-123456789012345678', 0), ('1' * 30 + '.5', 0), ('[1,]]', 0), ('[1,}', 0), ('{"a":1,]', 0),
        ('{"a":1,,}', 0), ('{"a":1, "b"}', 0), ('{"a":1, "b":}', 0), ('{"a":1, "b":2,}', 0),
        ('[{"a":1},]', 0), ('[{},{}]', 0), ('[[],[],]', 0), ('{"":""}', 0), ('[""]', 0),
    ]
    cases = [(s, i, True) for s, i in cases] + [('{"a\nb":1}', 0, False), ('["a\x00b"]', 0, False)]
    for _ in range(3000 * SCALE):
        extra = widths(rng)
        s = rand_doc(rng, extra)
        if rng.random() < 0.5:
            s = mutate(rng, s)
        idx = 0
        r = rng.random()
        if r < 0.1:
            idx = rng.randint(-1, len(s) + 1)
        elif r < 0.15:
            s = ws(rng) + s
        cases.append((s, idx, rng.random() < 0.85))
    return cases


def number_cases():
    rng = random.Random(13)
    cases = ['0', '-0', '0.0', '-0.0', '1', '-1', '1e400', '-1e400', '1e-400', '-1e-400', '1.5', '0.1',
             '2.2250738585072011e-308', '2.2250738585072012e-308', '4.9406564584124654e-324',
             '2.4703282292062327e-324', '2.4703282292062328e-324', '1.7976931348623157e308',
             '1.7976931348623158e308', '1.7976931348623159e308', '9007199254740993', '9007199254740993.0',
             '1.00000000000000011102230246251565404236316680908203125',
             '1.00000000000000011102230246251565404236316680908203124',
             '1.00000000000000011102230246251565404236316680908203126',
             '1e0000000000000000000000000001', '1e-99999999999999999999', '1e99999999999999999999',
             '0.' + '0' * 400 + '1e400', '1' + '0' * 400 + 'e-400', '123456789012345678',
             '-123456789012345678', '1234567890123456789', '-9223372036854775808', '9223372036854775807',
             '9223372036854775808', '1' * 100, '-' + '9' * 60, '0e0', '0E-0', '1E+2', '3.14159265358979323846',
             '1' * 800 + '.5e-790']
    for _ in range(600 * SCALE):
        s = rand_number(rng)
        cases.append(s)
        if rng.random() < 0.3:
            x = struct.unpack('<d', struct.pack('<Q', rng.getrandbits(64)))[0]
            if x == x and abs(x) != float('inf'):
                cases.append(repr(x).replace('inf', '1e999'))
                cases.append('%.25e' % x)
    return cases


def escape_cases():
    rng = random.Random(17)
    cases = ['', 'a', '"', '\\', '/', '\x7f', '\x00', '\ud800', '\U0001f600', '\U0010ffff', '\uffff',
             'a' * 100, '\xe9' * 100, '\u20ac' * 100, 'a' * 31 + '"', 'a' * 32 + '\n', 'a' * 33 + '\x01',
             ''.join(chr(i) for i in range(0x30)), ''.join(chr(i) for i in range(0x70, 0x110))]
    alpha = CONTROL + ['"', '\\', '/', '\x7f', '\x1e'] + LATIN1 + BMP + LONE + ASTRAL
    for _ in range(1000 * SCALE):
        n = rng.choice([0, 1, 2, 5, 10, 20, 31, 32, 33, 40, 65, 100])
        extra = widths(rng)
        out = []
        for _ in range(n):
            r = rng.random()
            if r < 0.7:
                out.append(rng.choice('abcdefghij klm~ {}'))
            elif r < 0.85 and extra:
                out.append(rng.choice(extra))
            else:
                out.append(rng.choice(alpha))
        cases.append(''.join(out))
    return cases


def float_cases():
    rng = random.Random(19)
    xs = [0.0, -0.0, 1.0, 1e16, 1e15, 9999999999999998.0, 1e17, 1e-4, 1e-5, 9.999999999999999e-05,
          0.00011, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.2, 0.3, 1 / 3,
          2 / 3, 123456789.123, 1e22, 1e23, 1.5, 100.0, 1234567890123456.0, 12345678901234567.0]
    for k in range(-30, 31):
        xs.append(10.0 ** k)
        xs.append(1.5 * 10.0 ** k)
    for _ in range(100 * SCALE):
        # Exactly halfway between two shortest candidates: dtoa takes the even one.
        xs.append(rng.randint(10 ** 13, 10 ** 15) + rng.choice([0.25, 0.75, 0.5, 0.125]))
        xs.append(float(rng.randint(10 ** 16, 10 ** 17) * 2 ** rng.randint(0, 20)))
    for _ in range(2500 * SCALE):
        r = rng.random()
        if r < 0.6:
            x = struct.unpack('<d', struct.pack('<Q', rng.getrandbits(64)))[0]
        elif r < 0.8:
            x = round(rng.uniform(-1e6, 1e6), rng.randint(0, 8))
        elif r < 0.9:
            x = float(rng.randint(-10 ** 18, 10 ** 18))
        else:
            x = rng.uniform(0, 1) * 10.0 ** rng.randint(-20, 20)
        if x == x and abs(x) != float('inf'):
            xs.append(x)
    return xs


# ---------------------------------------------------------------- probe


def canon(v):
    """The value the tagging hooks built, as the test rebuilds it."""
    if isinstance(v, str):
        return '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'
    if v is None:
        return 'n'
    if v is True:
        return 't'
    if v is False:
        return 'f'
    if isinstance(v, list):
        return '[' + ','.join(canon(x) for x in v) + ']'
    tag, x = v
    if tag == 'O':
        return '{' + ','.join(canon(k) + ':' + canon(y) for k, y in x) + '}'
    return tag + x


def err(e):
    import json as j
    if isinstance(e, j.JSONDecodeError):
        return ['D', e.msg, e.pos]
    if isinstance(e, StopIteration):
        return ['S', e.value]
    return ['E', type(e).__name__, str(e)]


def probe():
    import _json
    import json as j

    out = {}
    res = []
    for s, end, strict in scanstring_cases():
        try:
            v, e = _json.scanstring(s, end, strict)
            res.append(['O', v, e])
        except Exception as e:
            res.append(err(e))
    out['scanstring'] = res

    class Ctx:
        object_hook = None
        object_pairs_hook = staticmethod(lambda p: ('O', p))
        parse_float = staticmethod(lambda s: ('F', s))
        parse_int = staticmethod(lambda s: ('I', s))
        parse_constant = staticmethod(lambda s: ('C', s))

    res = []
    for s, idx, strict in scan_cases():
        Ctx.strict = strict
        sc = _json.make_scanner(Ctx())
        try:
            v, e = sc(s, idx)
            res.append(['O', canon(v), e])
        except Exception as e:
            res.append(err(e))
    out['scan'] = res

    sc = _json.make_scanner(j.JSONDecoder())
    res = []
    for s in number_cases():
        try:
            v, e = sc(s, 0)
            if isinstance(v, int):
                res.append(['I', str(v), e])
            elif isinstance(v, float):
                res.append(['F', struct.unpack('<Q', struct.pack('<d', v))[0], e])
            else:
                res.append(['X', repr(v), e])
        except Exception as e:
            res.append(err(e))
    out['numbers'] = res
    out['escapes'] = [[_json.encode_basestring_ascii(s), _json.encode_basestring(s)] for s in escape_cases()]
    out['floats'] = [[struct.unpack('<Q', struct.pack('<d', x))[0], repr(x)] for x in float_cases()]
    out['version'] = '%d.%d.%d' % sys.version_info[:3]
    # pickle, not JSON: JSON would join adjacent lone surrogates.
    sys.stdout.buffer.write(pickle.dumps(out, protocol=4))


# ---------------------------------------------------------------- Rust


def lit(s):
    """A Rust string literal; lone surrogates moved to plane 15."""
    o = ['"']
    for ch in s:
        c = ord(ch)
        if 0xd800 <= c <= 0xdfff:
            c = 0xf0000 + (c - 0xd800)
        if c == 0x22:
            o.append('\\"')
        elif c == 0x5c:
            o.append('\\\\')
        elif 0x20 <= c < 0x7f:
            o.append(chr(c))
        else:
            o.append('\\u{%x}' % c)
    o.append('"')
    return ''.join(o)


def rust_result(r):
    if r[0] == 'O':
        return 'Ok(%s, %d)' % (lit(r[1]), r[2])
    if r[0] == 'D':
        return 'Dec(%s, %d)' % (lit(r[1]), r[2])
    if r[0] == 'S':
        return 'Stop(%d)' % r[1]
    assert r[1] == 'ValueError', r
    return 'Val(%s)' % lit(r[2])


def merged(results, i, key):
    """[(mask, result)] for case i."""
    groups = []
    for bit, res in enumerate(results):
        r = res[key][i]
        for g in groups:
            if g[1] == r:
                g[0] |= 1 << bit
                break
        else:
            groups.append([1 << bit, r])
    return groups


def main():
    pythons = sys.argv[1:]
    results = []
    for py in pythons:
        p = subprocess.run([py, __file__, '--probe'], capture_output=True, check=True,
                           env=dict(os.environ, PYTHONHASHSEED='0'))
        results.append(pickle.loads(p.stdout))
    versions = ', '.join(r['version'] for r in results)
    w = sys.stdout.write
    w('//! Vectors produced by running CPython\'s C `_json` (%s); `gen.py` writes this file.\n' % versions)
    w('#![allow(clippy::type_complexity)]\n\nuse super::{Num::*, R::*, R, Num};\n\n')

    def section(name, doc, typ, cases, key, fmt):
        w('/// %s\npub const %s: &[%s] = &[\n' % (doc, name, typ))
        for i, case in enumerate(cases):
            groups = merged(results, i, key)
            alts = ', '.join('(0b%s, %s)' % (format(m, '03b'), rust_result(r)) for m, r in groups)
            w('    (%s, &[%s]),\n' % (fmt(case), alts))
        w('];\n\n')

    section('SCANSTRING', '(string, end, strict, [(versions 3.13/3.12/3.11 bit mask, result)])',
            '(&str, isize, bool, &[(u8, R)])', scanstring_cases(), 'scanstring',
            lambda c: '%s, %d, %s' % (lit(c[0]), c[1], 'true' if c[2] else 'false'))
    section('SCAN', '(string, idx, strict, [(mask, result: canonical value and end)])',
            '(&str, isize, bool, &[(u8, R)])', scan_cases(), 'scan',
            lambda c: '%s, %d, %s' % (lit(c[0]), c[1], 'true' if c[2] else 'false'))

    w('/// (number text, what the default scanner makes of it: int as decimal, float bits, end; or error)\n')
    w('pub const NUMBERS: &[(&str, Num)] = &[\n')
    for i, s in enumerate(number_cases()):
        rs = [r['numbers'][i] for r in results]
        assert all(r == rs[0] for r in rs), (s, rs)
        r = rs[0]
        if r[0] == 'I':
            v = 'Int(%s, %d)' % (lit(r[1]), r[2])
        elif r[0] == 'F':
            v = 'Float(0x%016x, %d)' % (r[1], r[2])
        elif r[0] == 'S':
            v = 'NoNumber(%d)' % r[1]
        else:
            raise AssertionError((s, r))
        w('    (%s, %s),\n' % (lit(s), v))
    w('];\n\n')

    w('/// (string, encode_basestring_ascii, encode_basestring)\n')
    w('pub const ESCAPES: &[(&str, &str, &str)] = &[\n')
    for i, s in enumerate(escape_cases()):
        rs = [r['escapes'][i] for r in results]
        assert all(r == rs[0] for r in rs), (s, rs)
        w('    (%s, %s, %s),\n' % (lit(s), lit(rs[0][0]), lit(rs[0][1])))
    w('];\n\n')

    w('/// (float bits, repr)\n')
    w('pub const FLOAT_REPR: &[(u64, &str)] = &[\n')
    for i, x in enumerate(float_cases()):
        rs = [r['floats'][i] for r in results]
        assert all(r == rs[0] for r in rs), (x, rs)
        w('    (0x%016x, %s),\n' % (rs[0][0], lit(rs[0][1])))
    w('];\n')


if __name__ == '__main__':
    if sys.argv[1:] == ['--probe']:
        probe()
    else:
        main()
