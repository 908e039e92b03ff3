#!/usr/bin/env python3
"""Nothing an 835 (or a 277CA) holds is dropped by its reader without a word.

For the 835s of fixtures/remit and of the shared corpus (../shared/corpus/835
beside the project) that read without an error, and a small generated one
(../shared/tools/gen_x12.py), every element of every
segment of the set, and every component of a composite (one past the last
given too), is set alone to a marker of its kind; remit_dump (tests/remit_dump.c:
every value of x12_remit_payment, x12_remit_claim and x12_remit_plb, as the
reader hands them out) must print the marker, or the reader must say
something of that segment (what the model does not carry is
X12_ERR_CLAIM_NOT_CARRIED, docs/remit.md).  How a file is probed:
tests/x12_probe.py.

The 277CA reader is probed the same way on the 277CAs of fixtures/demo-inbox
and the shared corpus: remit_dump --277 prints its records with every column.

Each also gets a fixture to which every segment of its guide that none of the
files holds is added, made from the spec, and a second of each of its
segments and loops (tests/spec_synth.py).

Not probed: the envelope (ISA, GS, ST, SE, GE, IEA), and the 277CA's HL.

usage: remit_drop_test.py PATH/TO/remit_dump SOURCE_DIR PATH/TO/x12
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spec_synth import augment  # noqa: E402
from x12_probe import Prober, one_interchange  # noqa: E402

DUMP, SRC, X12 = sys.argv[1], sys.argv[2], sys.argv[3]

work_dir = tempfile.TemporaryDirectory(prefix="remit_drop.")
prober = Prober([DUMP], work_dir.name, {})
failures = 0
dirs = [os.path.join(SRC, "fixtures", "remit"), os.path.join(SRC, "..", "shared", "corpus", "835")]
files = [os.path.join(d, f) for d in dirs if os.path.isdir(d) for f in sorted(os.listdir(d))]
probed = 0
for path in files:
    text = one_interchange(path)
    if text is None:
        continue
    run = subprocess.run([DUMP, path], capture_output=True, text=True, errors="replace")
    if run.returncode != 0 or "\nclaim\n" not in "\n" + run.stdout:
        continue  # (an error, or no claim payment)
    failures += prober.probe(os.path.basename(path), text)
    probed += 1
# and a generated 835 (../shared/tools/gen_x12.py, beside the project as CI
# has it): what the bench reads, PLB included
gen = os.path.join(SRC, "..", "shared", "tools", "gen_x12.py")
if os.path.exists(gen):
    run = subprocess.run([sys.executable, gen, "835", "--claims", "12", "--seed", "7"],
                         capture_output=True, text=True)
    text = run.stdout.lstrip() if run.returncode == 0 else ""
    if text.startswith("ISA"):
        failures += prober.probe("gen_x12.py 835 --claims 12", text)
        probed += 1
    else:
        print("FAIL gen_x12.py 835 failed: %s" % run.stderr[-300:])
        failures += 1
# the 277CA reader the same way (remit_dump --277: its records with every
# column); the hierarchy (HL) is its structure, not probed
prober277 = Prober([DUMP, "--277"], work_dir.name, {"HL": (1, 2, 3, 4)})
dirs = [os.path.join(SRC, "fixtures", "demo-inbox"), os.path.join(SRC, "..", "shared", "corpus",
                                                                   "277ca")]
files = [os.path.join(d, f) for d in dirs if os.path.isdir(d) for f in sorted(os.listdir(d))]
for path in files:
    text = one_interchange(path)
    if text is None or "ST" + text[3] + "277" not in text:
        continue
    run = subprocess.run([DUMP, "--277", path], capture_output=True, text=True, errors="replace")
    # (exit 1: the validation's findings on it, a missing STC; still read)
    if run.returncode not in (0, 1) or not run.stdout.strip():
        continue
    failures += prober277.probe(os.path.basename(path) + " (277CA)", text)
    probed += 1
# and each segment of the guides that none of the above holds, made from the
# spec and put where the guide has it, and a second of each that may repeat
# (tests/spec_synth.py), in a fixture of each (found here: the 835's CUR01
# was passed over, and a claim's second DTM*232 or a line's second AMT*B6
# took the first's place without a word)
for pr, base, spec, least in (
        (prober, os.path.join(SRC, "fixtures", "remit", "y_elements.835"), "835.005010X221A1", 3),
        (prober277, os.path.join(SRC, "fixtures", "demo-inbox", "ack-2026-11-26.277"),
         "277ca.005010X214", 3)):
    text = one_interchange(base)
    made, added, skipped = augment(X12, text, os.path.join(SRC, "specs", spec + ".xml"),
                                   work_dir.name, repeats="all", loops_too=True)
    print("%s: %d segments made from the spec, %d not placed%s" % (
        spec, len(added), len(skipped),
        "".join("\n  not placed: %s %s (%s)" % t for t in skipped)))
    if len(added) < least or skipped:
        print("FAIL %s: segments made from the spec not placed" % spec)
        failures += 1
    failures += pr.probe(os.path.basename(base) + " (segments made from the spec)", made)
    probed += 1
prober.total += prober277.total
prober.carried += prober277.carried
print("remit_drop_test: %d files, %d values probed, %d carried, %d failures" %
      (probed, prober.total, prober.carried, failures))
if probed == 0 or prober.carried < prober.total // 2:
    print("FAIL only %d of %d values carried" % (prober.carried, prober.total))
    failures += 1
sys.exit(1 if failures else 0)
