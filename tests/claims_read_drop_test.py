#!/usr/bin/env python3
"""Nothing an 837 holds is dropped by x12 837 --to-json without a word.

The mirror of claims_drop_test.py.  Each example claim (fixtures/claims/y_*,
as it is and enriched) is written as an 837 with x12 837 --from.  Then, for
every element of every segment of its transaction set, and every component
of a composite (one past the last given too), that value alone is set to a
marker of its kind, and x12 837 --to-json must either carry the marker into
the claims JSON or say something about that segment (a value the claim model
does not carry is X12_ERR_CLAIM_NOT_CARRIED, docs/837-model-gaps.md).  A
marker that is neither was read and lost silently.

Not probed, as they are the file's or its structure's, which x12 837 --from
writes anew: the envelope (ISA, GS, ST, SE, GE, IEA), BHT01-BHT05 (structure
code, purpose, reference, creation date and time; BHT06 is the claims'
transaction_type and is probed), HL (the hierarchy's numbering and codes)
and LX01 (the line's number).

The 837s of the shared corpus (../shared/corpus beside the project) of one
interchange that read without an error are probed the same way.

All probes of an example go in one file, one interchange each with its own
control numbers; what is said is matched to its probe by byte offset.

usage: claims_read_drop_test.py PATH/TO/x12 SOURCE_DIR
"""
import bisect
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from claims_examples import examples, load, rich  # noqa: E402

X12, SRC = sys.argv[1], sys.argv[2]
ENVELOPE = ("ISA", "GS", "ST", "SE", "GE", "IEA")
NOT_PROBED = {"BHT": (1, 2, 3, 4, 5), "HL": (1, 2, 3, 4), "LX": (1,)}
SAID = re.compile(r"segment (\d+) \((\w+)\)(?: element [\d.]+)?, byte (\d+): ")


def marker(original, j):
    """Probe j's value, of the original's kind: a date stays a valid date,
    a number a number, anything else a code-like text."""
    if re.fullmatch(r"(19|20)\d{6}", original):
        return (datetime.date(2019, 1, 1) + datetime.timedelta(days=j)).strftime("%Y%m%d")
    if re.fullmatch(r"-?\d+(\.\d+)?", original):
        return "7%05d3" % j
    return "QZ%dM" % j


def probes_of(segs, es, cs):
    """(segment index from ISA = 1, element, component (0: simple), new
    segment text, marker, label) for every value of the set's segments."""
    j = 0
    for si, seg in enumerate(segs):
        els = seg.split(es)
        if els[0] in ENVELOPE:
            continue
        for p in range(1, len(els) + 1):  # (len(els): one past the last given)
            if p in NOT_PROBED.get(els[0], ()):
                continue
            value = els[p] if p < len(els) else ""
            comps = value.split(cs)
            targets = [0] if len(comps) == 1 else list(range(1, len(comps) + 2))
            for c in targets:
                original = value if c == 0 else (comps[c - 1] if c <= len(comps) else "")
                mk = marker(original, j)
                new = list(els) + [""] * (p + 1 - len(els))
                if c == 0:
                    new[p] = mk
                else:
                    parts = list(comps) + [""] * (c - len(comps))
                    parts[c - 1] = mk
                    new[p] = cs.join(parts)
                label = "%s%02d%s" % (els[0], p, "-%d" % c if c else "")
                yield si + 1, es.join(new), mk, label
                j += 1


def envelope(segs, es, n):
    """The interchange's segments with control numbers n (ISA13, GS06, GE02,
    IEA02): each probe its own interchange."""
    out = list(segs)
    for k, seg in enumerate(out):
        els = seg.split(es)
        if els[0] == "ISA":
            els[13] = "%09d" % n
        elif els[0] in ("GS", "GE"):
            els[6 if els[0] == "GS" else 2] = str(n)
        elif els[0] == "IEA":
            els[2] = "%09d" % n
        else:
            continue
        out[k] = es.join(els)
    return out


work_dir = tempfile.TemporaryDirectory(prefix="claims_read_drop.")
work = work_dir.name
failures = total = carried = 0


def probe(name, text):
    """Probes every value of the one interchange `text`; returns how many
    were lost."""
    global total, carried
    es, cs, ts = text[3], text[104], text[105]
    # (line breaks and indentation between segments dropped)
    segs = [s.lstrip().rstrip("\r\n") for s in text.split(ts) if s.strip()]
    ends = [i for i, s in enumerate(segs) if s.startswith("IEA" + es)]
    segs = segs[:ends[0] + 1] if ends else segs  # (NUL padding after IEA dropped)
    parts, offsets, probes, pos = [], [], [], 0
    for n, (si, new, mk, label) in enumerate(probes_of(segs, es, cs), 1):
        body = list(segs)
        body[si - 1] = new
        chunk = ts.join(envelope(body, es, n)) + ts + "\n"
        offsets.append(pos)
        parts.append(chunk)
        probes.append((si, mk, label))
        pos += len(chunk.encode("latin-1"))
    big = os.path.join(work, "probes.837")
    with open(big, "w", encoding="latin-1") as f:
        f.write("".join(parts))
    run = subprocess.run([X12, "837", "--to-json", big], capture_output=True, text=True,
                         errors="replace")
    if run.returncode not in (0, 1) or "Sanitizer" in run.stderr:
        print("FAIL %s: x12 837 --to-json exited %d: %s" % (name, run.returncode,
                                                            run.stderr[-600:]))
        return 1
    # what is said of each probe's interchange: the segments it names
    said = {}
    for line in run.stderr.splitlines():
        m = SAID.search(line)
        if m:
            k = bisect.bisect_right(offsets, int(m.group(3))) - 1
            said.setdefault(k, set()).add(int(m.group(1)))
    lost = 0
    for k, (si, mk, label) in enumerate(probes):
        total += 1
        if mk in run.stdout:
            carried += 1
        elif si not in said.get(k, ()):
            print("FAIL %s: %s (segment %d) set to %s: not in the claims JSON, nothing said" %
                  (name, label, si, mk))
            lost += 1
    print("%s: %d values probed, %d lost" % (name, len(probes), lost))
    return lost


# the examples, written by x12 837 --from
bases = []
for path in examples(SRC):
    for index, claim in enumerate(load(path)):
        label = "%s[%d]" % (os.path.basename(path), index)
        bases += [(label, claim), (label + " (enriched)", rich(claim))]
assert len(bases) >= 6, "fewer examples than the three guides'"
for name, claim in bases:
    inp, out = os.path.join(work, "c.ndjson"), os.path.join(work, "c.837")
    if os.path.exists(out):
        os.remove(out)
    with open(inp, "w") as f:
        f.write(json.dumps(claim) + "\n")
    run = subprocess.run([X12, "837", "--from", inp, "-o", out, "--date", "20261101", "--time",
                          "1200"], capture_output=True, text=True)
    # (exit 1 with the 837 written: something in it does not validate, an
    # enriched claim's 5-digit ZIP code where the guide wants 9: still an 837
    # to probe)
    if run.returncode not in (0, 1) or not os.path.exists(out) or "CLM*" not in open(out).read():
        print("FAIL %s: x12 837 --from exited %d: %s" % (name, run.returncode, run.stderr[-600:]))
        failures += 1
        continue
    failures += probe(name, open(out, encoding="latin-1").read())

# and the 837s of the shared corpus (beside the project, as CI has it) of one
# interchange that x12 837 --to-json reads without an error: what others wrote
corpus = os.path.join(SRC, "..", "shared", "corpus")
files = [os.path.join(corpus, d, f) for d in ("837p", "837i", "837d")
         if os.path.isdir(os.path.join(corpus, d)) for f in sorted(os.listdir(os.path.join(corpus, d)))]
if not files:
    print("(no shared corpus beside the project: its 837s not probed)")
for path in files:
    text = open(path, encoding="latin-1").read().lstrip("\ufeff \r\n\t")
    if not text.startswith("ISA") or len(text) < 106 or text.count("ISA" + text[3]) != 1:
        continue
    run = subprocess.run([X12, "837", "--to-json", path], capture_output=True, text=True,
                         errors="replace")
    if run.returncode != 0 or not run.stdout.strip():
        continue  # (an error, or no claims: a set of the 1000A/1000B header alone)
    failures += probe(os.path.basename(path), text)

print("claims_read_drop_test: %d values probed, %d carried into the claims JSON, %d failures" %
      (total, carried, failures))
# most values are carried: a run that wrote no claims cannot pass
if carried < total // 2:
    print("FAIL only %d of %d values carried" % (carried, total))
    failures += 1
sys.exit(1 if failures else 0)
