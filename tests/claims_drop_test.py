#!/usr/bin/env python3
"""Nothing a claim gives is dropped by x12 837 --from without a word.

For every text field and amount of the claims JSON (read from the field
tables in formats/claims_fields.c, so a field added there is probed too), on
each claim of the examples (fixtures/claims/y_*, the three guides): set that
field alone to a marker, run
x12 837 --from, and then either the claim is refused (a problem names it) or
the marker is in the 837 written.  A claim written without its marker lost
the field silently, which the writer's checks must prevent (docs/claims.md,
"Checks").  A field of an object or list the example lacks is probed in a
new one holding it alone.  All probes of an example go in one NDJSON file, each
claim with its own CLM01 and its own value (marker()).

usage: claims_drop_test.py PATH/TO/x12 SOURCE_DIR
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from claims_examples import examples, load, rich  # noqa: E402

X12, SRC = sys.argv[1], sys.argv[2]
# every claim of the examples (fixtures/claims/y_*), each probed as it is
# and enriched (rich())
EXAMPLES = examples(SRC)
SKIP_TOP = ("submitter", "receiver")  # the header's, written by the options

src = open(os.path.join(SRC, "formats", "claims_fields.c")).read()
tables = {m.group(1): m.group(2)
          for m in re.finditer(r"static const field (\w+)\[\] = \{(.*?)\n\};", src, re.S)}
desc_table = {m.group(1): m.group(2)
              for m in re.finditer(r"const desc (\w+)\s*=\s*DESC(?:_REQ)?\(\"\w+\", \w+, (\w+)", src)}
ENTRY = re.compile(r"\b(CSTR|CNUMSTR|CSUB|CPTR|CARR|STR|NUMSTR|STRS|SUB|PTR|ARR)\(([^\"]*?)(?:,\s*\"|\))")
RAW_PTR = re.compile(r"\{\"(\w+)\", F_PTR, [^,]+, 0, 0, &(\w+)")
AMOUNT = re.compile(r"\bO?AMT\([^\"]*\"(\w+)\"")
RAW_STRS = re.compile(r"\{\"(\w+)\", F_STRS, [^,]+, 0, (\d+), NULL")


def fields(table):
    """(kind, json name, sub-table) of each entry of a field table."""
    body = tables[table]
    for m in ENTRY.finditer(body):
        kind = m.group(1)
        args = [a.strip() for a in m.group(2).split(",") if a.strip()]
        claim_level = kind.startswith("C")
        kind = kind[1:] if claim_level else kind
        if kind == "STRS":  # STRS(T, f, k, d): k strings; the last probed too
            yield kind, args[1], int(args[2])
        elif kind in ("STR", "NUMSTR"):
            yield kind, args[0] if claim_level else args[1], None
        elif kind in ("SUB", "PTR"):
            yield kind, args[0] if claim_level else args[1], desc_table[args[-1]]
        elif kind == "ARR":
            yield kind, args[0] if claim_level else args[1], desc_table[args[-1]]
    for m in RAW_PTR.finditer(body):
        yield "PTR", m.group(1), desc_table[m.group(2)]
    for m in AMOUNT.finditer(body):
        yield "AMT", m.group(1), None
    for m in RAW_STRS.finditer(body):
        yield "STRS", m.group(1), int(m.group(2))


def leaf_paths(table, prefix, depth=0):
    if depth > 5:
        return
    for kind, name, sub in fields(table):
        if not prefix and name in SKIP_TOP:
            continue
        if kind in ("STR", "NUMSTR", "AMT"):
            yield prefix + [name], kind
        elif kind == "STRS":
            yield prefix + [name, 0], kind
            if sub > 1:  # (one given without the first: tooth_status's surfaces)
                yield prefix + [name, sub - 1], kind
        elif kind in ("SUB", "PTR"):
            yield from leaf_paths(sub, prefix + [name], depth + 1)
        else:
            yield from leaf_paths(sub, prefix + [name, 0], depth + 1)


def put(obj, path, value):
    for i, key in enumerate(path[:-1]):
        child = [] if isinstance(path[i + 1], int) else {}
        if isinstance(key, int):
            while len(obj) <= key:
                obj.append(copy.deepcopy(child))
            if obj[key] is None:
                obj[key] = child
            obj = obj[key]
        else:
            if obj.get(key) is None:
                obj[key] = child
            obj = obj[key]
    key = path[-1]
    if isinstance(key, int):
        while len(obj) <= key:
            obj.append(None)
    obj[key] = value


def values_of(x12):
    """Every element, repetition and component value of an X12 text, by the
    delimiters its ISA gives."""
    es, rs, cs, ts = x12[3], x12[82], x12[104], x12[105]
    out = set()
    for seg in x12.split(ts):
        for el in seg.strip().split(es):
            for rep in el.split(rs):
                out.add(rep)
                out.update(rep.split(cs))
    return out


def marker(kind, j):
    """Probe j's value: one no other probe has, of its field's kind."""
    if kind == "NUMSTR":
        return "7%03d" % j
    if kind == "AMT":  # (cents not ending in 0: written as given)
        return "%d.%d%d" % (700 + j, j % 10, j % 9 + 1)
    return "QZ%dM" % j


assert "CLAIM_F" in tables, "formats/claims_fields.c: no CLAIM_F table"
work_dir = tempfile.TemporaryDirectory(prefix="claims_drop.")
work = work_dir.name
failures = 0
bases = []
for path in EXAMPLES:
    for index, claim in enumerate(load(path)):
        label = "%s[%d]" % (os.path.basename(path), index)
        bases += [(label, claim), (label + " (enriched)", rich(claim))]
assert len(bases) >= 6, "fewer examples than the three guides'"
probes = list(leaf_paths("CLAIM_F", []))
for name, claim in bases:
    # all probes of a base in one run: claim j is the base with probe j's
    # field set to marker(j), and its own CLM01; x12 837 --from refuses a
    # claim alone ($[j] in what it says) and writes the others
    batch = []
    for j, (path, kind) in enumerate(probes):
        probe = copy.deepcopy(claim)
        probe["claim_id"] = "DROP%d" % j  # (the claim_id probe's own marker replaces it)
        put(probe, path, marker(kind, j))
        batch.append(probe)
    inp, out = os.path.join(work, "in.ndjson"), os.path.join(work, "out.837")
    with open(inp, "w") as f:
        f.write("".join(json.dumps(p) + "\n" for p in batch))
    if os.path.exists(out):
        os.remove(out)
    run = subprocess.run([X12, "837", "--from", inp, "-o", out], capture_output=True, text=True)
    if run.returncode not in (0, 1) or "Sanitizer" in run.stderr or not os.path.exists(out):
        print("FAIL %s: x12 837 exited %d: %s" % (name, run.returncode, run.stderr[-600:]))
        failures += 1
        continue
    # what is said of claim j (a problem of the claim's, a field the JSON
    # reader refuses) starts "$[j]."
    refused_ids = set(int(m) for m in re.findall(r": \$\[(\d+)\]\.", run.stderr))
    text = open(out, errors="replace").read()
    values = values_of(text)
    written = 0
    for j, (path, kind) in enumerate(probes):
        if j in refused_ids:
            continue
        label = ".".join(str(p) for p in path)
        if path != ["claim_id"] and ("DROP%d" % j) not in values:
            print("FAIL %s: %s neither refused nor written (CLM01 DROP%d missing)" %
                  (name, label, j))
            failures += 1
            continue
        written += 1
        if marker(kind, j) not in values:
            print("FAIL %s: %s written without its value, and nothing said" % (name, label))
            failures += 1
    print("%s: %d fields probed, %d refused, %d written" % (name, len(probes), len(refused_ids),
                                                          written))
    if written < 50:
        print("FAIL %s: only %d probes written: the example no longer passes the checks?" %
              (name, written))
        failures += 1
sys.exit(1 if failures else 0)
