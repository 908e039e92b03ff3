#!/usr/bin/env python3
"""Nothing `x12 to-json` reads is left out of its documents without a word.

For the clean files of fixtures/x12, fixtures/corpus and fixtures/ack (all
of them up to 16 KB, one interchange each), every element of every segment
but the envelope, and every component of a composite (one past the last
given too), is set alone to a marker of its kind; the marker must be in the
NDJSON, or something must be said on standard error of its segment.  How a
file is probed: tests/x12_probe.py.  (A TA1, outside any set, was left out
until 2026-11-29.)  The envelope's own elements are checked apart, by
tests/cli_test.sh.

usage: to_json_drop_test.py PATH/TO/x12 SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from x12_probe import Prober, one_interchange  # noqa: E402

X12, SRC = sys.argv[1], sys.argv[2]
work_dir = tempfile.TemporaryDirectory(prefix="to_json_drop.")
prober = Prober([X12, "to-json"], work_dir.name, {})
failures = probed = ta1 = 0
for sub in ("x12", "corpus", "ack"):
    d = os.path.join(SRC, "fixtures", sub)
    for f in sorted(os.listdir(d)):
        path = os.path.join(d, f)
        if os.path.getsize(path) > 16384 or f.endswith((".expect", ".py", ".md", ".gz")):
            continue
        text = one_interchange(path)
        if text is None:
            continue
        run = subprocess.run([X12, "to-json", path], capture_output=True, text=True,
                             errors="replace")
        if run.returncode != 0 or run.stderr or not run.stdout:
            continue  # (a file with errors, said; or no set)
        ta1 += '"ta1":' in run.stdout
        failures += prober.probe(f, text)
        probed += 1
print("to_json_drop_test: %d files (%d with a TA1), %d values probed, %d carried, %d failures" %
      (probed, ta1, prober.total, prober.carried, failures))
if probed < 10 or not ta1 or prober.carried < prober.total * 9 // 10:
    print("FAIL too little was probed")
    failures += 1
sys.exit(1 if failures else 0)
