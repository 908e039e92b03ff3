#!/usr/bin/env python3
"""Checks `x12 reconcile` on a generated 837P + 835 pair against figures this
script computes itself, from the raw X12 text, with the rules of
docs/ledger.md.  It shares no code with x12kit: segments are split with
str.split, amounts are parsed into integer cents here.

usage: reconcile_pair.py X12_BINARY GEN_X12_PY CLAIMS SEED WORKDIR
"""
import csv
import io
import json
import os
import subprocess
import sys


def cents(s):
    """'-12.5' -> -1250 without floating point."""
    if not s:
        return 0
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    whole, _, frac = s.partition(".")
    frac = (frac + "00")[:2]
    v = int(whole or "0") * 100 + int(frac)
    return -v if neg else v


def segments(path):
    data = open(path, "rb").read().decode("ascii")
    data = data.lstrip()
    es, cs, ts = data[3], data[104], data[105]
    for raw in data.split(ts):
        raw = raw.strip("\r\n ")
        if raw:
            yield raw.split(es), cs


def read_837(path):
    claims = []
    bht = ""
    for el, cs in segments(path):
        sid = el[0]
        if sid == "BHT":
            bht = el[4]
        elif sid == "CLM":
            comp = el[5].split(cs)
            claims.append({"id": el[1], "billed": cents(el[2]), "freq": comp[2] if len(comp) > 2 else "",
                           "date": bht, "lines": 0})
        elif sid == "LX" and claims:
            claims[-1]["lines"] += 1
    return claims


def read_835(path):
    remits, payments, plb = [], [], []
    cur = None
    line = None
    sign = 1
    for el, cs in segments(path):
        sid = el[0]
        if sid == "BPR":
            sign = -1 if el[3] == "D" else 1
            payments.append(sign * cents(el[2]))
        elif sid == "CLP":
            cur = {"id": el[1], "status": el[2], "billed": cents(el[3]), "paid": cents(el[4]),
                   "pr": cents(el[5]) if len(el) > 5 else 0, "icn": el[7] if len(el) > 7 else "",
                   "lines": []}
            remits.append(cur)
            line = None
        elif sid == "SVC" and cur is not None:
            line = {"charge": cents(el[2]), "paid": cents(el[3]), "b6": None}
            cur["lines"].append(line)
        elif sid == "AMT" and el[1] == "B6" and line is not None:
            line["b6"] = cents(el[2])
        elif sid == "PLB":
            for k in range(3, len(el), 2):
                if k + 1 < len(el):
                    plb.append(cents(el[k + 1]))
        elif sid in ("SE", "LX"):
            line = None
            if sid == "SE":
                cur = None
    return remits, payments, plb


def day_number(d):
    """Days since an epoch, for CCYYMMDD (proleptic Gregorian, integers only)."""
    y, m, dd = int(d[:4]), int(d[4:6]), int(d[6:8])
    if m <= 2:
        y -= 1
    era = y // 400
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + dd - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe


def expected(claims, remits, as_of):
    by_id = {}
    for r in remits:
        by_id.setdefault(r["id"], []).append(r)
    rows = {}
    for c in claims:
        rs = by_id.get(c["id"], [])
        reversed_icns = {r["icn"] for r in rs if r["status"] == "22" and r["icn"]}
        active = [r for r in rs if r["status"] != "22" and r["icn"] not in reversed_icns]
        paid = sum(r["paid"] for r in rs)
        pr = sum(r["pr"] for r in rs)
        allowed = 0
        for r in active:
            if r["lines"] and all(l["b6"] is not None for l in r["lines"]):
                allowed += sum(l["b6"] for l in r["lines"])
            else:
                allowed += r["paid"] + r["pr"]
        age = ""
        if not rs:
            status = "pending"
            age = str(day_number(as_of) - day_number(c["date"]))
        elif not active:
            status = "reversed"
            allowed = 0
        else:
            apaid = sum(r["paid"] for r in active)
            apr = sum(r["pr"] for r in active)
            denied_lines = sum(1 for r in active for l in r["lines"] if l["paid"] == 0 and l["charge"] != 0)
            if all(r["status"] == "4" for r in active) or (apaid == 0 and apr == 0):
                status = "denied"
            elif apaid > 0 and apr == 0 and denied_lines == 0:
                status = "paid"
            else:
                status = "partial"
        rows[c["id"]] = {"status": status, "billed": c["billed"], "allowed": allowed, "paid": paid,
                         "pr": pr, "age": age}
    return rows


def money(v):
    sign = "-" if v < 0 else ""
    v = abs(v)
    return "%s%d.%02d" % (sign, v // 100, v % 100)


def main():
    x12, gen, n, seed, work = sys.argv[1:6]
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, gen, "pair", "--claims", n, "--seed", seed, "--out", work], check=True,
                   stdout=subprocess.DEVNULL)
    p837, p835 = os.path.join(work, "837p.x12"), os.path.join(work, "835.x12")
    as_of = "20251231"
    claims = read_837(p837)
    remits, payments, plb = read_835(p835)
    want = expected(claims, remits, as_of)
    summary = os.path.join(work, "summary.json")
    out = subprocess.run([x12, "reconcile", "--db", ":memory:", "--claims", p837, "--remits", p835,
                          "--format", "csv", "--as-of", "2025-12-31", "--quiet", "--summary", summary],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print("x12 reconcile exited %d: %s" % (out.returncode, out.stderr))
        return 1
    got = list(csv.DictReader(io.StringIO(out.stdout)))
    bad = 0
    seen = set()
    for row in got:
        cid = row["claim_id"]
        seen.add(cid)
        w = want.get(cid)
        if w is None:
            print("unexpected row", cid, row["status"])
            bad += 1
            continue
        for col, key in (("status", "status"), ("age_days", "age")):
            if row[col] != w[key]:
                print("%s: %s is %r, expected %r" % (cid, col, row[col], w[key]))
                bad += 1
        for col, key in (("billed", "billed"), ("allowed", "allowed"), ("paid", "paid"),
                         ("patient_responsibility", "pr")):
            if row[col] != money(w[key]):
                print("%s: %s is %s, expected %s" % (cid, col, row[col], money(w[key])))
                bad += 1
    missing = set(want) - seen
    for cid in sorted(missing):
        print("missing row", cid)
        bad += 1
    # totals, from the raw files
    s = json.load(open(summary))
    counts = {}
    for w in want.values():
        counts[w["status"]] = counts.get(w["status"], 0) + 1
    checks = [
        ("rows", s["rows"], len(claims)),
        ("paid", s["paid"], money(sum(r["paid"] for r in remits))),
        ("billed", s["billed"], money(sum(c["billed"] for c in claims))),
        ("patient_responsibility", s["patient_responsibility"], money(sum(r["pr"] for r in remits))),
        ("plb_total", s["plb_total"], money(sum(plb))),
        ("payments_total", s["payments_total"], money(sum(payments))),
        ("payments", s["payments"], len(payments)),
        ("ties_out", s["ties_out"], sum(r["paid"] for r in remits) - sum(plb) == sum(payments)),
        ("unmatched", s["unmatched"], 0),
    ]
    for status in ("paid", "partial", "denied", "reversed", "pending", "unmatched_remit"):
        checks.append(("by_status." + status, s["by_status"][status], counts.get(status, 0)))
    for name, g, w in checks:
        if g != w:
            print("total %s is %r, expected %r" % (name, g, w))
            bad += 1
    print("%d claims, %d claim payments, %d payments: %s" %
          (len(claims), len(remits), len(payments), "all equal" if not bad else "%d differences" % bad))
    print("statuses:", ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
