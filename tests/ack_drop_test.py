#!/usr/bin/env python3
"""Nothing a 999, 997 or TA1 holds is dropped by the acknowledgement reader
without a word.

For the acknowledgements of fixtures/ack and of the shared corpus
(../shared/corpus/999, ta1, and the 997s of other/, beside the project as CI
has it), every element of every segment but the envelope, and every
component of a composite (one past the last given too), is set alone to a
marker of its kind; `x12 ack-report --json` must print the marker, or say
something of that segment on standard error (what no record holds is
X12_ERR_CLAIM_NOT_CARRIED, a position that is no number X12_ERR_CLAIM_VALUE:
docs/ack.md).  How a file is probed: tests/x12_probe.py.

usage: ack_drop_test.py PATH/TO/x12 SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spec_synth import augment  # noqa: E402
from x12_probe import Prober, one_interchange  # noqa: E402

X12, SRC = sys.argv[1], sys.argv[2]
corpus = os.path.join(SRC, "..", "shared", "corpus")
files = [os.path.join(SRC, "fixtures", "ack", f)
         for f in sorted(os.listdir(os.path.join(SRC, "fixtures", "ack")))
         if f.endswith((".999", ".ta1"))]
for d in ("999", "ta1", "other"):
    d = os.path.join(corpus, d)
    if os.path.isdir(d):
        files += [os.path.join(d, f) for f in sorted(os.listdir(d))]

work_dir = tempfile.TemporaryDirectory(prefix="ack_drop.")
prober = Prober([X12, "ack-report", "--json"], work_dir.name, {})
failures = probed = 0
kinds = set()
for path in files:
    text = one_interchange(path)
    if text is None:
        continue
    es = text[3]
    st = [s.lstrip() for s in text.split(text[105])]
    is_ack = any(s.startswith(("ST%s999" % es, "ST%s997" % es, "TA1" + es)) for s in st)
    if not is_ack:
        continue
    run = subprocess.run([X12, "ack-report", "--json", path], capture_output=True, text=True,
                         errors="replace")
    if run.returncode not in (0, 1) or not run.stdout.strip():
        print("skipped %s: ack-report exited %d" % (os.path.basename(path), run.returncode))
        continue
    kinds |= {k for k in ("999", "997", "TA1") if any(
        s.startswith(("ST%s%s" % (es, k), k + es)) for s in st)}
    failures += prober.probe(os.path.basename(path), text)
    probed += 1
# and a 999 to which each segment of 005010X231A1 it lacks is added, made from
# the spec, and a second of each that may repeat (tests/spec_synth.py)
base = os.path.join(SRC, "fixtures", "ack", "p_partially_accepted.999")
made, added, skipped = augment(X12, one_interchange(base),
                               os.path.join(SRC, "specs", "999.005010X231A1.xml"),
                               work_dir.name, repeats="all", loops_too=True)
print("999.005010X231A1: %d segments made from the spec, %d not placed" % (len(added),
                                                                          len(skipped)))
if len(added) < 2 or skipped:
    print("FAIL segments made from the spec not placed: %s" % skipped)
    failures += 1
failures += prober.probe("p_partially_accepted.999 (segments made from the spec)", made)
probed += 1
print("ack_drop_test: %d files (%s), %d values probed, %d carried, %d failures" %
      (probed, ", ".join(sorted(kinds)), prober.total, prober.carried, failures))
# the corpus beside the project gives 997s; the fixtures alone 999s and TA1s
if probed == 0 or not {"999", "TA1"} <= kinds or prober.carried < prober.total // 2:
    print("FAIL too little was probed")
    failures += 1
sys.exit(1 if failures else 0)
