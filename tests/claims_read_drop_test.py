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
interchange that read without an error are probed the same way.  So is, for
each guide, an enriched example to which every segment of the guide that none
of the above holds is added, made from the spec, and a second instance of each
of its segments and loops (tests/spec_synth.py).

How a file is probed: tests/x12_probe.py.

usage: claims_read_drop_test.py PATH/TO/x12 SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from claims_examples import examples, load, rich  # noqa: E402
from spec_synth import augment  # noqa: E402
from x12_probe import Prober, one_interchange  # noqa: E402

X12, SRC = sys.argv[1], sys.argv[2]
NOT_PROBED = {"BHT": (1, 2, 3, 4, 5), "HL": (1, 2, 3, 4), "LX": (1,)}

work_dir = tempfile.TemporaryDirectory(prefix="claims_read_drop.")
work = work_dir.name
prober = Prober([X12, "837", "--to-json"], work, NOT_PROBED)
failures = 0

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
    failures += prober.probe(name, open(out, encoding="latin-1").read())

# and the 837s of the shared corpus (beside the project, as CI has it) of one
# interchange that x12 837 --to-json reads without an error: what others wrote
corpus = os.path.join(SRC, "..", "shared", "corpus")
files = [os.path.join(corpus, d, f) for d in ("837p", "837i", "837d")
         if os.path.isdir(os.path.join(corpus, d)) for f in sorted(os.listdir(os.path.join(corpus, d)))]
if not files:
    print("(no shared corpus beside the project: its 837s not probed)")
for path in files:
    text = one_interchange(path)
    if text is None:
        continue
    run = subprocess.run([X12, "837", "--to-json", path], capture_output=True, text=True,
                         errors="replace")
    if run.returncode != 0 or not run.stdout.strip():
        continue  # (an error, or no claims: a set of the 1000A/1000B header alone)
    failures += prober.probe(os.path.basename(path), text)

# and every segment of the three guides that none of the above holds: made
# from the spec and put where the guide has it (tests/spec_synth.py), in
# the enriched examples of each guide (a patient other than the subscriber
# added, for the 2000C loops)
patient = next((c["patient"] for path in examples(SRC) for c in load(path) if c.get("patient")),
               None)
for example, spec in (("y_837p.json", "837p.005010X222A1"),
                      ("y_837i_inpatient.ndjson", "837i.005010X223A2"),
                      ("y_837d.json", "837d.005010X224A2")):
    claims = [rich(c) for c in load(os.path.join(SRC, "fixtures", "claims", example))]
    if patient and not any(c.get("patient") for c in claims):
        claims[0]["patient"] = patient
    inp, out = os.path.join(work, "c.ndjson"), os.path.join(work, "c.837")
    if os.path.exists(out):
        os.remove(out)
    with open(inp, "w") as f:
        f.write("".join(json.dumps(c) + "\n" for c in claims))
    subprocess.run([X12, "837", "--from", inp, "-o", out, "--date", "20261101", "--time", "1200"],
                   capture_output=True, text=True)
    if not os.path.exists(out):
        print("FAIL %s: x12 837 --from wrote nothing" % example)
        failures += 1
        continue
    text, added, skipped = augment(X12, open(out, encoding="latin-1").read(),
                                   os.path.join(SRC, "specs", spec + ".xml"), work,
                                   repeats="all", loops_too=True)
    print("%s: %d segments made from the spec, %d not placed%s" % (
        spec, len(added), len(skipped),
        "".join("\n  not placed: %s %s (%s)" % t for t in skipped)))
    # (each is placed in its own loop by the walker: a spec or placement
    # change that sends one elsewhere fails here too)
    if len(added) < 40 or skipped:
        print("FAIL %s: too few segments made, or some not placed" % spec)
        failures += 1
    failures += prober.probe(spec + " (segments made from the spec)", text)

print("claims_read_drop_test: %d values probed, %d carried into the claims JSON, %d failures" %
      (prober.total, prober.carried, failures))
# most values are carried: a run that wrote no claims cannot pass
if prober.carried < prober.total // 2:
    print("FAIL only %d of %d values carried" % (prober.carried, prober.total))
    failures += 1
sys.exit(1 if failures else 0)
