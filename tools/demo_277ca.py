#!/usr/bin/env python3
"""Writes the demo inbox's 277CA (fixtures/demo-inbox/ack-2026-11-26.277): the
payer gateway's claim acknowledgement (005010X214) of every claim in
claims-2026-11-25.837.gz, all accepted into adjudication but one, rejected for
the rendering provider's NPI.  Written for x12kit; run from the project root:
    python3 tools/demo_277ca.py > fixtures/demo-inbox/ack-2026-11-26.277"""
import gzip
import sys

REJECT = "XWMU0000004"

src = gzip.open("fixtures/demo-inbox/claims-2026-11-25.837.gz", "rt").read()
segs = [s.strip() for s in src.replace("\n", "").split("~") if s.strip()]
submitter = receiver = None
providers = []  # [name, npi, [claims]]
patient = None
claim = None
for s in segs:
    e = s.split("*")
    if e[0] == "NM1" and e[1] == "41":
        submitter = (e[3], e[9])
    elif e[0] == "NM1" and e[1] == "40":
        receiver = (e[3], e[9])
    elif e[0] == "NM1" and e[1] == "85":
        providers.append([e[3], e[9], []])
    elif e[0] == "NM1" and e[1] == "IL":
        member = e[9]
        patient = (e[3], e[4], member)
    elif e[0] == "NM1" and e[1] == "QC":
        # a dependent has no id of its own: the subscriber's member id
        patient = (e[3], e[4], member)
    elif e[0] == "CLM":
        claim = {"id": e[1], "charge": e[2], "patient": patient, "dates": []}
        providers[-1][2].append(claim)
    elif e[0] == "DTP" and e[1] == "472" and claim:
        d = e[3].split("-")
        claim["dates"] += d


def cents(v):
    whole, _, frac = v.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def amt(c):
    return "%d" % (c // 100) if c % 100 == 0 else "%d.%02d" % (c // 100, c % 100)


out = []
seg = out.append
seg("ST*277*0001*005010X214")
seg("BHT*0085*08*GW20261126A*20261126*0630*TH")
seg("HL*1**20*1")
seg("NM1*AY*2*%s*****46*%s" % receiver)
seg("TRN*1*GW20261126A")
seg("DTP*050*D8*20261126")
seg("DTP*009*D8*20261126")
seg("HL*2*1*21*1")
seg("NM1*41*2*%s*****46*%s" % submitter)
seg("TRN*2*100039595")
claims = [c for p in providers for c in p[2]]
acc = [c for c in claims if c["id"] != REJECT]
rej = [c for c in claims if c["id"] == REJECT]
total = sum(cents(c["charge"]) for c in claims)
seg("STC*A1:19:PR*20261126*WQ*%s" % amt(total))
seg("QTY*90*%d" % len(acc))
if rej:
    seg("QTY*AA*%d" % len(rej))
seg("AMT*YU*%s" % amt(sum(cents(c["charge"]) for c in acc)))
if rej:
    seg("AMT*YY*%s" % amt(sum(cents(c["charge"]) for c in rej)))
hl = 2
icn = 26330000100
for name, npi, cl in providers:
    hl += 1
    prov_hl = hl
    seg("HL*%d*2*19*1" % hl)
    seg("NM1*85*2*%s*****XX*%s" % (name, npi))
    seg("TRN*1*%s" % npi)
    seg("STC*A1:19:85**WQ*%s" % amt(sum(cents(c["charge"]) for c in cl)))
    a = [c for c in cl if c["id"] != REJECT]
    r = [c for c in cl if c["id"] == REJECT]
    if a:
        seg("QTY*QA*%d" % len(a))
    if r:
        seg("QTY*QC*%d" % len(r))
    if a:
        seg("AMT*YU*%s" % amt(sum(cents(c["charge"]) for c in a)))
    if r:
        seg("AMT*YY*%s" % amt(sum(cents(c["charge"]) for c in r)))
    for c in cl:
        hl += 1
        last, first, member = c["patient"]
        seg("HL*%d*%d*PT" % (hl, prov_hl))
        seg("NM1*QC*1*%s*%s****MI*%s" % (last, first, member))
        seg("TRN*2*%s" % c["id"])
        if c["id"] == REJECT:
            # A7 rejected for invalid information: 562 the entity's NPI, 82 the
            # rendering provider
            seg("STC*A7:562:82*20261126*U*%s" % c["charge"])
        else:
            icn += 1
            seg("STC*A2:20:PR*20261126*WQ*%s" % c["charge"])
            seg("REF*1K*%d" % icn)
        d = sorted(c["dates"])
        seg("DTP*472*D8*%s" % d[0] if d[0] == d[-1] else "DTP*472*RD8*%s-%s" % (d[0], d[-1]))
seg("SE*%d*0001" % (len(out) + 1))
isa = ("ISA*00*          *00*          *ZZ*PAYERGATEWAY   *ZZ*CLEARHOUSE01   *261126*0630*^*00501*"
       "200000117*0*P*:")
body = [isa, "GS*HN*PGW00001*%s*20261126*0630*117*X*005010X214" % submitter[1]] + out + [
    "GE*1*117", "IEA*1*200000117"]
sys.stdout.write("~\n".join(body) + "~\n")
