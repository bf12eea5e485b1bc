"""Writes mod.rs: the vectors of tests/vectors.rs, from CPython's C `_csv`.

    python3 gen.py PYTHON3.11 PYTHON3.12 PYTHON3.13 > mod.rs

Each interpreter runs this file with `--probe`: it builds the same cases
(hand-picked ones, then seeded random ones), runs them through its own
`_csv.Dialect`, `_csv.reader` and `_csv.writer`, and prints the results as
JSON; the parent merges the three (equal results once, with a mask of the
versions) and writes Rust. The tests do not need Python.

CSV_VECTORS_READ / CSV_VECTORS_WRITE (default 700 each) change the number of
reader / writer cases, e.g. 8000 for a longer run (then restore the file).
"""

import json
import os
import random
import subprocess
import sys

N_READ = int(os.environ.get("CSV_VECTORS_READ", 700))
N_WRITE = int(os.environ.get("CSV_VECTORS_WRITE", 700))

# ---------------------------------------------------------------- cases

READ_ALPHABET = ['a', '1', '1', '.', ',', ';', '"', "'", '\\', '/', ' ', ' ', '\r', '\n', '\0', 'é', '€', '😀', 'x']
WRITE_ALPHABET = ['a', '1', ',', ';', '"', "'", '\\', '/', ' ', '\r', '\n', '\0', 'é', '€', '😀', 'x', '|']


def rand_dialect(rng, writer):
    kw = {}
    if rng.random() < 0.3:
        kw['delimiter'] = rng.choice([',', ';', ' ', '\0', '"', '|', '€', '\n'])
    if rng.random() < 0.3:
        kw['quotechar'] = rng.choice(['"', "'", None, '\0', '|', '€'])
    if rng.random() < 0.4:
        kw['escapechar'] = rng.choice(['\\', '/', None, '\0', '"', '😀'])
    if rng.random() < 0.3:
        kw['doublequote'] = rng.random() < 0.5
    if rng.random() < 0.3:
        kw['skipinitialspace'] = rng.random() < 0.5
    if not writer and rng.random() < 0.3:
        kw['strict'] = rng.random() < 0.5
    if rng.random() < 0.6:
        kw['quoting'] = rng.choice([0, 1, 2, 3, 4, 5])
    if writer and rng.random() < 0.3:
        kw['lineterminator'] = rng.choice(['\n', '\r', '|', '', 'ab', '\r\n', 'x;', '€'])
    return kw


def read_cases():
    rng = random.Random(11)
    cases = [
        # Hand-picked: quirks and every error.
        (['a\\\nb', 'c', 'd,e'], {'escapechar': '\\'}, None),
        (['a\\\rb\n', 'c\n'], {'escapechar': '\\'}, None),
        (['"a\nb', 'c"'], {}, None),
        ([''], {}, None),
        (['a,b', ''], {}, None),
        (['\r\n', '\r\nx'], {}, None),
        (['"a"b"c"', '"a""b"'], {'doublequote': False}, None),
        (['"a"b', '"a""b"'], {'strict': True}, None),
        (['a,"b'], {'strict': True}, None),
        (['a,"b'], {}, None),
        (['a,"'], {}, None),
        (['a,\\'], {'escapechar': '\\'}, None),
        (['a,\\'], {'escapechar': '\\', 'strict': True}, None),
        (['a,"x\\'], {'escapechar': '\\'}, None),
        (['abcd', 'ab', '"abc"', 'a,b,c', '"ab"c'], {}, 2),
        (['a', ''], {}, 0),
        (['a', ''], {}, -1),
        ([',', ''], {}, 0),
        (['1,"1",\\1, 1,,"",1.5,x'], {'quoting': 2, 'escapechar': '\\', 'skipinitialspace': True}, None),
        (['1,"1",\\1, 1,,"",1.5'], {'quoting': 4, 'escapechar': '\\', 'skipinitialspace': True}, None),
        (['1,"1",\\1, 1,,"",x'], {'quoting': 5, 'escapechar': '\\', 'skipinitialspace': True}, None),
        (['12', '"x"', '"y"'], {'quoting': 2}, 1),
        (['1\\'], {'quoting': 2, 'escapechar': '\\'}, None),
        (['a\0b,\0', '\0'], {}, None),
        (['a\0b,\0', '\0'], {'delimiter': '\0', 'quotechar': '\0'}, None),
        (['a,b', 'c,d'], {'delimiter': '\n'}, None),
        (['a€b€"c€"'], {'delimiter': '€'}, None),
        (['😀a😀b,c'], {'escapechar': '😀'}, None),
        ([' "a" , "b"'], {'skipinitialspace': True}, None),
        (['"a" x'], {'strict': True}, None),
        (['"a"€'], {'strict': True, 'delimiter': '€', 'quotechar': '😀'}, None),
        (['"a"\r', 'b'], {}, None),
        (['a\rb'], {}, None),
        (['a,b\r\n', 'c'], {}, None),
        (['x' * 50], {}, 49),
        (['x' * 50], {}, 50),
        (['"' + 'x' * 50 + '"'], {}, 49),
        (['"' + 'x' * 50 + '"'], {}, 50),
    ]
    while len(cases) < N_READ:
        kw = rand_dialect(rng, False)
        lines = [''.join(rng.choice(READ_ALPHABET) for _ in range(rng.randint(0, 9)))
                 for _ in range(rng.randint(0, 4))]
        limit = rng.choice([None] * 6 + [0, 1, 2, 3, -1])
        cases.append((lines, kw, limit))
    return cases


class NumStr(str):
    """A str that is also a number (PyNumber_Check)."""
    def __float__(self):
        return 0.0


class Obj:
    def __init__(self, s):
        self.s = s

    def __str__(self):
        return self.s


def write_cases():
    rng = random.Random(12)
    f = lambda k, s='': (k, s)  # noqa: E731
    cases = [
        ([[f('s', 'a'), f('n'), f('i', '1'), f('s', ''), f('o', 'o,o'), f('ns', 'ns')]], {'quoting': q})
        for q in range(6)
    ] + [
        ([[f('s', '')], [f('n')], [], [f('s', ''), f('s', '')], [f('n'), f('n')]], {'quoting': q})
        for q in range(6)
    ] + [
        ([[f('s', '')], [f('n')], [f('s', ''), f('n'), f('s', 'a')]], {'quoting': q, 'delimiter': ' ',
                                                                       'skipinitialspace': True})
        for q in range(6)
    ] + [
        ([[f('s', 'a\rb')], [f('s', 'a\nb')], [f('s', 'a"b')], [f('s', 'a\\b')]], {'lineterminator': '|'}),
        ([[f('s', 'a\rb')], [f('s', 'a\nb')], [f('s', 'a"b')], [f('s', 'a\\b')]],
         {'lineterminator': '|', 'quoting': 3, 'escapechar': '\\'}),
        ([[f('s', 'a\rb')], [f('s', 'a,b')], [f('s', 'a"b')]], {'quoting': 3}),
        ([[f('s', 'a"b')], [f('s', 'a\\b')]], {'doublequote': False, 'escapechar': '\\'}),
        ([[f('s', 'a"b')]], {'doublequote': False}),
        ([[f('s', 'a|b'), f('s', 'a€b'), f('s', '😀')]], {'lineterminator': '|€😀'}),
        ([[f('s', 'a,b' * 20), f('s', 'x' * 70), f('s', '"' * 5)]], {}),
        ([[f('s', '€'), f('s', 'é')], [f('s', 'é😀')]], {'delimiter': '€', 'lineterminator': '😀'}),
    ]
    while len(cases) < N_WRITE:
        kw = rand_dialect(rng, True)
        rows = []
        for _ in range(rng.randint(1, 4)):
            row = []
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3, 4])):
                r = rng.random()
                if r < 0.1:
                    row.append(f('n'))
                elif r < 0.2:
                    row.append(f(rng.choice(['i', 'i', 'o', 'ns']), rng.choice(['0', '1', '-5', '1.5', 'inf', 'a,b'])))
                else:
                    row.append(f('s', ''.join(rng.choice(WRITE_ALPHABET) for _ in range(rng.choice([0, 0, 1, 2, 3, 5])))))
            rows.append(row)
        cases.append((rows, kw))
    return cases


def dialect_cases():
    cases = [
        {}, {'quotechar': None}, {'quotechar': None, 'quoting': 0}, {'quotechar': None, 'quoting': 3},
        {'quotechar': None, 'quoting': 4}, {'quoting': 6}, {'quoting': -1}, {'quoting': 4}, {'quoting': 5},
        {'lineterminator': None}, {'lineterminator': ''}, {'delimiter': '\n'}, {'delimiter': '\r'},
        {'delimiter': ' '}, {'escapechar': ' '}, {'escapechar': ' ', 'skipinitialspace': True}, {'quotechar': ' '},
        {'quotechar': ' ', 'skipinitialspace': True}, {'delimiter': ' ', 'skipinitialspace': True},
        {'delimiter': 'x', 'lineterminator': 'ax'}, {'quotechar': 'x', 'lineterminator': 'ax'},
        {'escapechar': 'x', 'lineterminator': 'ax'}, {'escapechar': '\n'}, {'quotechar': '\r'},
        {'delimiter': ',', 'escapechar': ','}, {'delimiter': ',', 'quotechar': ','}, {'escapechar': '"'},
        {'escapechar': '"', 'quotechar': None}, {'delimiter': '\n', 'quoting': 7},
        {'delimiter': '\n', 'quotechar': None, 'quoting': 1}, {'delimiter': '\n', 'lineterminator': None},
        {'quotechar': '\n', 'escapechar': '\n'}, {'delimiter': 'a', 'quotechar': 'a', 'escapechar': 'a', 'lineterminator': 'a'},
        {'escapechar': ' ', 'quotechar': ' '}, {'quotechar': '\n', 'lineterminator': '\n'}, {'delimiter': '\0'},
        {'quotechar': '\0'}, {'escapechar': '\0', 'quotechar': '\0'}, {'quoting': 3, 'quotechar': ','},
        {'quoting': 3, 'escapechar': '\r', 'quotechar': None}, {'delimiter': '€', 'lineterminator': '€'},
        {'doublequote': False, 'skipinitialspace': True, 'strict': True, 'quoting': 2, 'escapechar': '\\',
         'delimiter': ';', 'quotechar': "'", 'lineterminator': '\n'},
    ]
    rng = random.Random(13)
    chars = [',', ' ', '\n', '\r', '"', '\\', 'x', None]
    while len(cases) < 300:
        kw = {}
        if rng.random() < 0.5:
            kw['delimiter'] = rng.choice(chars[:-1])
        for name in ('quotechar', 'escapechar'):
            if rng.random() < 0.5:
                kw[name] = rng.choice(chars)
        if rng.random() < 0.3:
            kw['lineterminator'] = rng.choice(['\n', '\r', 'x', ' ', '', None, '\r\n', ',;'])
        if rng.random() < 0.3:
            kw['skipinitialspace'] = rng.random() < 0.5
        if rng.random() < 0.5:
            kw['quoting'] = rng.randint(-1, 6)
        cases.append(kw)
    return cases


# ---------------------------------------------------------------- probing

def probe():
    import _csv

    def conv(v):
        if v is None:
            return None
        if isinstance(v, float):
            return ['f', repr(v)]
        return v

    def read(lines, kw, limit):
        if limit is not None:
            _csv.field_size_limit(limit)
        try:
            try:
                r = _csv.reader(lines, **kw)
            except Exception as e:
                return [['dialect', type(e).__name__, str(e)]]
            out = []
            for _ in range(50):
                try:
                    row = next(r)
                except StopIteration:
                    out.append(['stop', r.line_num])
                    break
                except ValueError as e:  # float(): Python's message, not the core's
                    out.append(['err', type(e).__name__, '', r.line_num])
                    continue
                except Exception as e:
                    out.append(['err', type(e).__name__, str(e), r.line_num])
                    continue
                out.append(['row', [conv(x) for x in row], r.line_num])
            return out
        finally:
            if limit is not None:
                _csv.field_size_limit(131072)

    class W:
        def __init__(self):
            self.out = []

        def write(self, s):
            self.out.append(s)

    def obj(kind, s):
        return {'s': lambda: s, 'n': lambda: None, 'i': lambda: float(s) if '.' in s or s == 'inf' else int(s)
                if s != 'a,b' else Obj(s), 'o': lambda: Obj(s), 'ns': lambda: NumStr(s)}[kind]()

    def write(rows, kw):
        w = W()
        try:
            wr = _csv.writer(w, **kw)
        except Exception as e:
            return [['dialect', type(e).__name__, str(e)]]
        res = []
        for row in rows:
            try:
                wr.writerow([obj(k, s) for k, s in row])
                res.append(['ok', w.out.pop()])
            except Exception as e:
                res.append(['err', type(e).__name__, str(e)])
        return res

    def dialect(kw):
        try:
            d = _csv.Dialect(**kw)
        except Exception as e:
            return [['invalid', type(e).__name__, str(e)]]
        return [['valid', d.delimiter, d.quotechar, d.escapechar, d.doublequote, d.skipinitialspace, d.strict,
                 d.quoting, d.lineterminator]]

    json.dump({
        'version': '%d.%d.%d' % sys.version_info[:3],
        'dialect': [dialect(kw) for kw in dialect_cases()],
        'read': [read(*c) for c in read_cases()],
        'write': [write(*c) for c in write_cases()],
    }, sys.stdout)


# ---------------------------------------------------------------- Rust

def rs(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '\\':
            out.append('\\\\')
        elif ch == '"':
            out.append('\\"')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif ch == '\0':
            out.append('\\x00')
        elif o < 0x20 or 0x7f <= o < 0xa0:
            out.append('\\u{%x}' % o)
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def rs_char(c):
    return "'" + rs(c)[1:-1].replace("'", "\\'").replace('\\"', '"') + "'"


def rs_kw(kw):
    def ch(name):
        if name not in kw:
            return 'A'
        return 'Z' if kw[name] is None else 'C(%s)' % rs_char(kw[name])

    def b(name):
        return {None: '-1', False: '0', True: '1'}[kw.get(name)]

    delim = 'C(%s)' % rs_char(kw['delimiter']) if 'delimiter' in kw else 'A'
    if 'lineterminator' not in kw:
        lt = 'None'
    elif kw['lineterminator'] is None:
        lt = 'Some(None)'
    else:
        lt = 'Some(Some(%s))' % rs(kw['lineterminator'])
    return 'Kw(%s, %s, %s, %s, %s, %s, %s, %s)' % (
        delim, ch('quotechar'), ch('escapechar'), b('doublequote'), b('skipinitialspace'), b('strict'),
        'Some(%d)' % kw['quoting'] if 'quoting' in kw else 'None', lt)


def rs_read_event(ev):
    if ev[0] == 'dialect':
        return 'RDialect(%s, %s)' % (rs(ev[1]), rs(ev[2]))
    if ev[0] == 'stop':
        return 'Stop(%d)' % ev[1]
    if ev[0] == 'err':
        return 'RErr(%s, %s, %d)' % (rs(ev[1]), rs(ev[2]), ev[3])
    fields = []
    for x in ev[1]:
        if x is None:
            fields.append('N')
        elif isinstance(x, list):
            fields.append('F(%s)' % rs(x[1]))
        else:
            fields.append('S(%s)' % rs(x))
    return 'Row(&[%s], %d)' % (', '.join(fields), ev[2])


def rs_write_event(ev):
    if ev[0] == 'dialect':
        return 'WDialect(%s, %s)' % (rs(ev[1]), rs(ev[2]))
    if ev[0] == 'ok':
        return 'Line(%s)' % rs(ev[1])
    return 'WErr(%s, %s)' % (rs(ev[1]), rs(ev[2]))


def rs_dialect_event(ev):
    if ev[0] == 'invalid':
        return 'Invalid(%s, %s)' % (rs(ev[1]), rs(ev[2]))
    opt = lambda c: 'None' if c is None else 'Some(%s)' % rs_char(c)  # noqa: E731
    return 'Valid(%s, %s, %s, %s, %s, %s, %d, %s)' % (
        rs_char(ev[1]), opt(ev[2]), opt(ev[3]), str(ev[4]).lower(), str(ev[5]).lower(), str(ev[6]).lower(), ev[7],
        rs(ev[8]))


def by_version(results, i, key, fmt):
    """[(mask, events)]: the results of case i, equal versions merged."""
    groups = []
    for bit, res in enumerate(results):
        ev = res[key][i]
        for g in groups:
            if g[1] == ev:
                g[0] |= 1 << bit
                break
        else:
            groups.append([1 << bit, ev])
    return '&[%s]' % ', '.join('(0b%s, &[%s])' % (format(m, '03b'), ', '.join(fmt(e) for e in ev))
                               for m, ev in groups)


def main():
    pythons = sys.argv[1:4]
    results = [json.loads(subprocess.run([p, __file__, '--probe'], check=True, capture_output=True,
                                         text=True).stdout) for p in pythons]
    versions = [r['version'] for r in results]
    assert [v.split('.')[1] for v in versions] == ['11', '12', '13'], versions
    out = ['//! Vectors produced by running CPython\'s C `_csv` (%s); `gen.py` writes this file.' %
           ', '.join(versions),
           '#![allow(clippy::type_complexity)]',
           '',
           'use super::{Ch::*, DialectEv, DialectEv::*, F::*, K, Kw, ReadEv, ReadEv::*, WriteEv, WriteEv::*};',
           '',
           '/// (dialect keywords, [(versions 3.13/3.12/3.11 bit mask, [result])])',
           'pub const DIALECT: &[(Kw, &[(u8, &[DialectEv])])] = &[']
    for i, kw in enumerate(dialect_cases()):
        out.append('    (%s, %s),' % (rs_kw(kw), by_version(results, i, 'dialect', rs_dialect_event)))
    out += ['];',
           '',
           '/// (lines, dialect keywords, field size limit, [(versions 3.13/3.12/3.11 bit mask, events)])',
           'pub const READ: &[(&[&str], Kw, Option<isize>, &[(u8, &[ReadEv])])] = &[']
    for i, (lines, kw, limit) in enumerate(read_cases()):
        out.append('    (&[%s], %s, %s, %s),' % (', '.join(rs(x) for x in lines), rs_kw(kw),
                                                 'None' if limit is None else 'Some(%d)' % limit,
                                                 by_version(results, i, 'read', rs_read_event)))
    out.append('];')
    out.append('')
    out.append('/// (rows of (kind, text), dialect keywords, [(versions 3.13/3.12/3.11 bit mask, events)])')
    out.append('pub const WRITE: &[(&[&[(K, &str)]], Kw, &[(u8, &[WriteEv])])] = &[')
    kinds = {'s': 'K::S', 'n': 'K::N', 'o': 'K::O', 'ns': 'K::NS'}
    for i, (rows, kw) in enumerate(write_cases()):
        rrows = []
        for row in rows:
            fs = []
            for k, s in row:
                if k == 'i':
                    kk = 'K::O' if s == 'a,b' else 'K::I'
                else:
                    kk = kinds[k]
                fs.append('(%s, %s)' % (kk, rs(s)))
            rrows.append('&[%s]' % ', '.join(fs))
        out.append('    (&[%s], %s, %s),' % (', '.join(rrows), rs_kw(kw), by_version(results, i, 'write', rs_write_event)))
    out.append('];')
    print('\n'.join(out))


if __name__ == '__main__':
    if sys.argv[1:] == ['--probe']:
        probe()
    else:
        main()
