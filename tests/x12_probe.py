"""Probing a reader for values it drops without a word (the read drop tests:
claims_read_drop_test.py for the 837 reader, remit_drop_test.py for the 835
reader).

Every element of every segment of an interchange, and every component of a
composite (one past the last given too), is set alone to a marker of its
kind; each such probe is its own interchange (its own control numbers), all
of them in one file.  The command under test reads that file; each marker
must be in what it writes on standard output, or something must be said on
standard error of the probe's segment ("segment N (ID) ..., byte B: "; the
byte offset tells which probe)."""
import bisect
import datetime
import os
import re
import subprocess

ENVELOPE = ("ISA", "GS", "ST", "SE", "GE", "IEA")
SAID = re.compile(r"segment (\d+) \((\w+)\)(?: element [\d.]+)?, byte (\d+): ")


def marker(original, j):
    """Probe j's value, of the original's kind: a date stays a valid date,
    a number a number, anything else a code-like text."""
    if re.fullmatch(r"(19|20)\d{6}", original):
        return (datetime.date(2019, 1, 1) + datetime.timedelta(days=j)).strftime("%Y%m%d")
    if re.fullmatch(r"-?\d+(\.\d+)?", original):
        return "7%05d3" % j
    return "QZ%dM" % j


def segments(text):
    """The segments of the one interchange `text` (ISA first), line breaks
    and indentation between them dropped, nothing after the IEA."""
    ts = text[105]
    segs = [s.lstrip().rstrip("\r\n") for s in text.split(ts) if s.strip()]
    ends = [i for i, s in enumerate(segs) if s.startswith("IEA" + text[3])]
    return segs[:ends[0] + 1] if ends else segs


def probes_of(segs, es, cs, not_probed):
    """(segment index from ISA = 1, new segment text, marker, label) for
    every value of the set's segments but `not_probed` ({id: positions})."""
    j = 0
    for si, seg in enumerate(segs):
        els = seg.split(es)
        if els[0] in ENVELOPE:
            continue
        for p in range(1, len(els) + 1):  # (len(els): one past the last given)
            if p in not_probed.get(els[0], ()):
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


def envelope_at(segs, es):
    """The indexes of the segments that envelope() renumbers."""
    return [k for k, seg in enumerate(segs) if seg.split(es, 1)[0] in ("ISA", "GS", "GE", "IEA")]


def envelope(segs, es, n, at):
    """Renumbers, in place, the control numbers of the segments at `at`
    (envelope_at()) for probe n: ISA13 and IEA02 n, each group's GS06 and
    GE02 n * 100 + the group's number, so that no two probes (nor two groups
    of one) share one."""
    group = 0
    for k in at:
        els = segs[k].split(es)
        if els[0] == "ISA":
            els[13] = "%09d" % n
        elif els[0] == "GS":
            group += 1
            els[6] = str(n * 100 + group)
        elif els[0] == "GE" and len(els) > 2:
            els[2] = str(n * 100 + group)
        elif els[0] == "IEA" and len(els) > 2:
            els[2] = "%09d" % n
        segs[k] = es.join(els)


class Prober:
    """Runs `command + [file]` over the probes of each interchange given,
    counting what was carried, said and lost."""

    def __init__(self, command, work, not_probed):
        self.command, self.work, self.not_probed = command, work, not_probed
        self.total = self.carried = 0

    def probe(self, name, text):
        """Probes every value of the one interchange `text`; returns the
        number of failures (values lost, or the command failing)."""
        es, cs, ts = text[3], text[104], text[105]
        segs = segments(text)
        parts, offsets, probes, pos = [], [], [], 0
        at = envelope_at(segs, es)
        for n, (si, new, mk, label) in enumerate(probes_of(segs, es, cs, self.not_probed), 1):
            body = list(segs)
            body[si - 1] = new
            envelope(body, es, n, at)
            chunk = ts.join(body) + ts + "\n"
            offsets.append(pos)
            parts.append(chunk)
            probes.append((si, mk, label))
            pos += len(chunk.encode("latin-1"))
        big = os.path.join(self.work, "probes.x12")
        with open(big, "w", encoding="latin-1") as f:
            f.write("".join(parts))
        run = subprocess.run(self.command + [big], capture_output=True, text=True,
                             errors="replace")
        if run.returncode not in (0, 1) or "Sanitizer" in run.stderr:
            print("FAIL %s: %s exited %d: %s" % (name, " ".join(self.command), run.returncode,
                                                 run.stderr[-600:]))
            return 1
        said = {}
        for line in run.stderr.splitlines():
            m = SAID.search(line)
            if m:
                k = bisect.bisect_right(offsets, int(m.group(3))) - 1
                said.setdefault(k, set()).add(int(m.group(1)))
        # the markers are runs of letters and digits: found as such
        out = set(re.findall(r"[A-Za-z0-9]+", run.stdout))
        lost = 0
        for k, (si, mk, label) in enumerate(probes):
            self.total += 1
            if mk in out:
                self.carried += 1
            elif si not in said.get(k, ()):
                print("FAIL %s: %s (segment %d) set to %s: not carried, nothing said" %
                      (name, label, si, mk))
                lost += 1
        print("%s: %d values probed, %d lost" % (name, len(probes), lost))
        return lost


def one_interchange(path):
    """The text of `path` when it is one interchange, else None."""
    text = open(path, encoding="latin-1").read()
    if text.startswith("\xef\xbb\xbf"):  # (a UTF-8 byte order mark, read as ISO-8859-1)
        text = text[3:]
    text = text.lstrip(" \r\n\t")
    if not text.startswith("ISA") or len(text) < 106:
        return None
    heads = [s.lstrip()[:4] for s in text.split(text[105])]
    return text if heads.count("ISA" + text[3]) == 1 else None
