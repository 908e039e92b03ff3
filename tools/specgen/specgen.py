#!/usr/bin/env python3
"""specgen: writes the x12kit implementation-guide specs from the pyx12 reference maps.

Rerun (from the project root, Python 3.9+, standard library only):

    python3 tools/specgen/specgen.py --ref ../shared/reference/pyx12-maps --out specs

It reads the pyx12 maps, dataele.xml and codes.xml (facts only: segment layouts, usages,
repeats, lengths and code values), writes them in the x12kit format (specs/x12spec.xsd,
docs/specs.md), then applies the corrections in the FIX_* functions below.  Every correction
is written into the spec as a <deviation ref="pyx12" ...> child of the node it changes, with
its reason and source, so tests/spec/test_spec_compare.c can tell an intended difference from
an accident.  The output files are committed; the build never runs this script.

The 837D spec is not generated from a reference map (none is trustworthy, see
shared/reference/pyx12-maps/README.md): it is the corrected 837P structure with the dental
changes of X12-FACTS.md section 3.4 applied, every changed part marked verified="false".
"""

import argparse
import copy
import datetime
import os
import re
import sys
import xml.etree.ElementTree as ET

PYX12_COMMIT = "8893c59ffd95ccc213cc7661757dc4298b9f430a"
WRAPPERS = {"HEADER", "DETAIL", "FOOTER"}
ENVELOPE_LOOPS = {"ISA_LOOP", "GS_LOOP", "ST_LOOP"}

DATAELE = {}   # de number -> (type, min, max, name)


# --------------------------------------------------------------------------- helpers

def norm(text):
    return " ".join((text or "").split())


def count_attr(text):
    text = norm(text)
    if text.startswith(">"):
        return "unbounded"
    return str(int(text))


def load_dataele(path):
    for d in ET.parse(path).getroot().iter("data_ele"):
        DATAELE[d.get("ele_num")] = (d.get("data_type"), d.get("min_len"), d.get("max_len"),
                                     norm(d.get("name")))


def codes_of(pnode):
    vc = pnode.find("valid_codes")
    if vc is None:
        return [], None
    return [norm(c.text) for c in vc.findall("code")], vc.get("external")


# --------------------------------------------------------------------------- conversion

def conv_el(pe, ref):
    de = norm(pe.findtext("data_ele"))
    if de not in DATAELE:
        raise SystemExit("data element %s (%s) missing from dataele.xml" % (de, ref))
    typ, mn, mx, _ = DATAELE[de]
    e = ET.Element("el")
    e.set("ref", ref)
    e.set("de", de)
    e.set("name", norm(pe.findtext("name")))
    e.set("usage", norm(pe.findtext("usage")))
    e.set("type", typ)
    e.set("minlen", mn)
    e.set("maxlen", mx)
    codes, ext = codes_of(pe)
    if codes:
        # a space inside a code value (the 999 CTX01-01 "SITUATIONAL TRIGGER") is
        # written as "_" because lists are space-separated (docs/specs.md)
        e.set("codes", " ".join(c.replace(" ", "_") for c in codes))
    if ext:
        e.set("ext", ext)
    rx = pe.findtext("regex")
    if rx:
        e.set("pattern", norm(rx))
    rep = pe.findtext("repeat")
    if rep and int(rep) > 1:
        e.set("rep", str(int(rep)))
    return e


def conv_seg(ps):
    sid = ps.get("xid")
    s = ET.Element("seg")
    s.set("id", sid)
    s.set("name", norm(ps.findtext("name")))
    s.set("usage", norm(ps.findtext("usage")))
    s.set("maxuse", count_attr(ps.findtext("max_use")))
    s.set("pos", norm(ps.findtext("pos")))
    syn = [norm(x.text) for x in ps.findall("syntax")]
    if syn:
        s.set("syntax", " ".join(syn))
    for c in ps:
        if c.tag == "element":
            s.append(conv_el(c, "%s%02d" % (sid, int(c.findtext("seq")))))
        elif c.tag == "composite":
            ref = "%s%02d" % (sid, int(c.findtext("seq")))
            comp = ET.SubElement(s, "comp")
            comp.set("ref", ref)
            comp.set("de", norm(c.findtext("data_ele")))
            comp.set("name", norm(c.findtext("name")))
            comp.set("usage", norm(c.findtext("usage")))
            rep = c.findtext("repeat")
            if rep and int(rep) > 1:
                comp.set("rep", str(int(rep)))
            csyn = [norm(x.text) for x in c.findall("syntax")]
            if csyn:
                comp.set("syntax", " ".join(csyn))
            for ce in c.findall("element"):
                comp.append(conv_el(ce, "%s-%02d" % (ref, int(ce.findtext("seq")))))
    return s


def conv_loop(pl):
    lp = ET.Element("loop")
    lp.set("id", pl.get("xid"))
    lp.set("name", norm(pl.findtext("name")))
    lp.set("usage", norm(pl.findtext("usage")))
    lp.set("repeat", count_attr(pl.findtext("repeat")))
    lp.set("pos", norm(pl.findtext("pos")))
    conv_children(pl, lp)
    lp.set("trigger", lp.find("seg").get("id"))
    return lp


def conv_children(pnode, out):
    for c in pnode:
        if c.tag == "segment":
            out.append(conv_seg(c))
        elif c.tag == "loop":
            if c.get("xid") in WRAPPERS:
                conv_children(c, out)      # pyx12 table wrappers are not TR3 loops
            else:
                out.append(conv_loop(c))


def find_st_loop(root):
    for lp in root.iter("loop"):
        if lp.get("xid") == "ST_LOOP":
            return lp
    raise SystemExit("no ST_LOOP")


def first_coded(seg):
    """The first element (or component) with an inline code list: the qualifier."""
    for c in seg:
        if c.tag == "el" and c.get("codes"):
            return c
        if c.tag == "comp":
            for ce in c.findall("el"):
                if ce.get("codes"):
                    return ce
            return None   # a composite first without codes: no usable key
    return None


def assign_keys(node):
    """Segments that share a tag with a sibling, and loop triggers, get key/keyvals."""
    segs = [c for c in node if c.tag == "seg"]
    tags = {}
    for s in segs:
        tags.setdefault(s.get("id"), []).append(s)
    for tag, group in tags.items():
        if len(group) > 1 or (node.tag == "loop" and group[0] is segs[0]):
            for s in group:
                k = first_coded(s)
                # A lone trigger is keyed only by a real qualifier: element 01 (NM101, SBR01,
                # SVD01...) or the HL level HL03; CLM05-02 'B' is not a way to recognise 2300.
                if k is not None and len(group) == 1 and not (
                        re.fullmatch(r"[A-Z0-9]+01(-01)?", k.get("ref")) or k.get("ref") == "HL03"):
                    k = None
                if k is not None:
                    s.set("key", k.get("ref"))
                    s.set("keyvals", k.get("codes"))
    if node.tag == "loop":
        trig = segs[0]
        if trig.get("key"):
            node.set("key", trig.get("key"))
            node.set("keyvals", trig.get("keyvals"))
    for c in node:
        if c.tag == "loop":
            assign_keys(c)


def assign_hl(node, parent_level=None):
    for c in node:
        if c.tag != "loop":
            continue
        level = parent_level
        if c.get("trigger") == "HL":
            level = c.get("keyvals")
            if parent_level:
                c.set("hlparent", parent_level)
        assign_hl(c, level)


def reorder_loop_attrs(lp):
    """Attribute order for reading: id name usage repeat pos trigger key keyvals hlparent."""
    order = ["id", "name", "usage", "repeat", "pos", "trigger", "key", "keyvals", "hlparent"]
    items = dict(lp.attrib)
    lp.attrib.clear()
    for k in order:
        if k in items:
            lp.set(k, items.pop(k))
    for k, v in items.items():
        lp.set(k, v)
    for c in lp:
        if c.tag == "loop":
            reorder_loop_attrs(c)


def canon(node):
    return ET.tostring(node, encoding="unicode")


def make_loopref(guide, lid, holder_id):
    """pyx12 copies 2300 under 2000B and 2000C; keep one definition and a reference."""
    holder = guide.loop(holder_id)
    copies = [c for c in holder if c.tag == "loop" and c.get("id") == lid]
    if not copies:
        return
    dup = copies[0]
    orig = guide.loop(lid)
    a, b = copy.deepcopy(orig), copy.deepcopy(dup)
    for x in (a, b):
        x.set("usage", "-")
    if canon(a) != canon(b):
        print("warning: %s copy under %s differs from the first one" % (lid, holder_id),
              file=sys.stderr)
    idx = list(holder).index(dup)
    holder.remove(dup)
    ref = ET.Element("loopref", {"ref": lid, "usage": dup.get("usage"),
                                 "repeat": dup.get("repeat")})
    holder.insert(idx, ref)


# --------------------------------------------------------------------------- guide model

class Guide:
    def __init__(self, root):
        self.root = root

    def loop(self, lid):
        for lp in self.root.iter("loop"):
            if lp.get("id") == lid:
                return lp
        raise KeyError("loop %s" % lid)

    def container(self, lid):
        return self.root if lid is None else self.loop(lid)

    def seg(self, lid, sid, keyval=None, nth=1):
        """Segment sid directly in loop lid (None = transaction level); keyval picks the
        variant whose key values include it, nth the n-th same-tag segment otherwise."""
        found = [s for s in self.container(lid) if s.tag == "seg" and s.get("id") == sid]
        if keyval is not None:
            def vals(s):
                if s.get("keyvals"):
                    return s.get("keyvals").split()
                k = first_coded(s)       # a unique segment has no key attribute
                return k.get("codes").split() if k is not None else []
            found = [s for s in found if keyval in vals(s)]
            if len(found) != 1:
                raise KeyError("%s/%s[%s]: %d matches" % (lid, sid, keyval, len(found)))
            return found[0]
        if len(found) < nth:
            raise KeyError("%s/%s#%d" % (lid, sid, nth))
        return found[nth - 1]

    def el(self, lid, sid, ref, keyval=None, nth=1):
        s = self.seg(lid, sid, keyval, nth)
        for e in s.iter():
            if e.tag in ("el", "comp") and e.get("ref") == ref:
                return e
        raise KeyError("%s/%s/%s" % (lid, sid, ref))


def add_deviation(node, what, reason, src, **kw):
    d = ET.Element("deviation")
    d.set("ref", "pyx12")
    d.set("what", what)
    for k, v in kw.items():
        d.set(k, v)
    d.set("src", src)
    d.text = reason
    idx = 0
    while idx < len(node) and node[idx].tag in ("deviation",) or (
            idx < len(node) and not isinstance(node[idx].tag, str)):
        idx += 1
    node.insert(idx, d)


def set_attr(node, attr, value, reason, src):
    old = node.get(attr)
    if old == value:
        raise SystemExit("no change: %s %s=%s" % (node.get("ref") or node.get("id"), attr, value))
    node.set(attr, value)
    add_deviation(node, attr, reason, src, was=old if old is not None else "")


def set_codes(node, reason, src, add=(), remove=()):
    cur = (node.get("codes") or "").split()
    for c in remove:
        if c not in cur:
            raise SystemExit("code %s not in %s" % (c, node.get("ref")))
    for c in add:
        if c in cur:
            raise SystemExit("code %s already in %s" % (c, node.get("ref")))
    new = [c for c in cur if c not in remove] + list(add)
    if new:
        node.set("codes", " ".join(new))
    elif "codes" in node.attrib:
        del node.attrib["codes"]
    kw = {}
    if add:
        kw["add"] = " ".join(add)
    if remove:
        kw["del"] = " ".join(remove)
    add_deviation(node, "codes", reason, src, **kw)


def comment(node, text):
    """An XML comment as the first child of node: a decision between disagreeing sources."""
    node.insert(0, ET.Comment(" " + text.replace("--", "-") + " "))


def all_els(root):
    return [e for e in root.iter("el")]


# --------------------------------------------------------------------------- generic fixes

SRC_MONEY = "X12-FACTS.md s2 (TR3 Appendix B; X12 RFI 2164; SD:X221A1-HP835.rb MaxLength 10)"
SRC_UNITS = "X12-FACTS.md s2 (SD:X222A1-HC837.rb, SD:X223A2-HC837.rb: MaxLength 8, MaxPrecision 3)"


def fix_money(g):
    """DE 782 Monetary Amount: HIPAA caps it at 10 characters; dataele.xml says R 1/18."""
    for e in all_els(g.root):
        if e.get("de") == "782":
            e.set("frac", "2")
            if e.get("maxlen") != "10":
                set_attr(e, "maxlen", "10",
                         "HIPAA limits every monetary amount to 10 characters including cents "
                         "(largest 99999999.99); the base dictionary says 18.", SRC_MONEY)


def fix_units(g, places):
    for lid, sid, ref in places:
        e = g.el(lid, sid, ref)
        e.set("frac", "3")
        set_attr(e, "maxlen", "8",
                 "Service unit counts are limited to 8 characters with at most 3 decimals in "
                 "the 837 TR3s; the dictionary allows 15.", SRC_UNITS)


def fix_st03(g, guide_id, usage, reason, src):
    st03 = g.el(None, "ST", "ST03")
    if st03.get("usage") != usage:
        set_attr(st03, "usage", usage, reason, src)
    if (st03.get("codes") or "") != guide_id:
        set_codes(st03, "ST03 carries exactly the guide id, as GS08 does.",
                  "X12-FACTS.md s1.2", add=[guide_id])


def rd8_rule(prefix):
    return ("%s.dtp-rd8-order" % prefix, dict(
        snip="4", severity="error", scope="*", seg="DTP", ik4="8",
        msg="A DTP date range (DTP02=RD8) must be CCYYMMDD-CCYYMMDD with real dates and the "
            "start not after the end.",
        src="X12-FACTS.md s2 (date qualifiers)"),
        [dict(el="DTP03", op="daterange")], [dict(el="DTP02", op="eq", vals="RD8")])


def date_rules(prefix):
    """DTP03 and DMG02 as their qualifiers announce them: D8 a real date, DT a real date and
    time (the 837I admission hour); RD8 is rd8_rule()."""
    src = "X12-FACTS.md s2 (date qualifiers); issue 3 (SNIP 5: dates that exist)"
    return [
        ("%s.dtp-d8-date" % prefix, dict(
            snip="5", severity="error", scope="*", seg="DTP", ik4="8",
            msg="A DTP date (DTP02=D8) must be a real CCYYMMDD date.", src=src),
         [dict(el="DTP03", op="date")], [dict(el="DTP02", op="eq", vals="D8")]),
        ("%s.dtp-dt-datetime" % prefix, dict(
            snip="5", severity="error", scope="*", seg="DTP", ik4="8",
            msg="A DTP date and time (DTP02=DT) must be a real CCYYMMDDHHMM.", src=src),
         [dict(el="DTP03", op="datetime")], [dict(el="DTP02", op="eq", vals="DT")]),
        ("%s.dmg-d8-date" % prefix, dict(
            snip="5", severity="error", scope="*", seg="DMG", ik4="8",
            msg="A birth date (DMG01=D8) must be a real CCYYMMDD date.", src=src),
         [dict(el="DMG02", op="date")], [dict(el="DMG01", op="eq", vals="D8")]),
    ]


def add_rules(g, rules):
    rs = ET.SubElement(g.root, "rules")
    for rid, attrs, thens, whens in rules:
        r = ET.SubElement(rs, "rule")
        r.set("id", rid)
        for k in ("snip", "severity", "scope", "seg", "ik3", "ik4", "msg", "src", "verified"):
            if k in attrs:
                r.set(k, attrs[k])
        for w in whens:
            ET.SubElement(r, "when", w)
        for t in thens:
            ET.SubElement(r, "then", t)


def rules_837(prefix, patient_loop="2000C", subscriber_nm109_usage="R", pointers=None,
              drugs=True, subscriber_pat=False):
    hl_src = "X12-FACTS.md s3.2 and trap 10 (TR3 'floating claim' note quoted in SD:X222A1-HC837.rb)"
    f8_src = "X12-FACTS.md s5 and trap 8 (RFI 1538, RFI 2110)"
    sub_src = ("X12 RFI 2281, RFI 1496 and RFI 1925 (005010X222A1 2010BA N3 and DMG: 'Required "
               "when the patient is the subscriber or considered to be the subscriber. If not "
               "required by this implementation guide, do not send.'); the same edit on 837P, "
               "837I and 837D (https://www.stedi.com/site/changelog/"
               "new-claim-edit-missing-subscriber-address-or-demographics)")
    out = [
        ("%s.hl-self-no-patient" % prefix, dict(
            snip="4", severity="error", scope="2000B", ik3="I9",
            msg="The subscriber is the patient (SBR02=18): no patient loop 2000C may follow; "
                "the claim belongs under 2000B.", src=hl_src),
         [dict(loop=patient_loop, op="absent")],
         [dict(seg="SBR", el="SBR02", op="eq", vals="18")]),
        ("%s.hl-patient-not-subscriber" % prefix, dict(
            snip="4", severity="error", scope="2000B", ik4="I13",
            msg="A patient loop 2000C follows, so the patient is not the subscriber and SBR02 "
                "must not be sent.", src=hl_src),
         [dict(seg="SBR", el="SBR02", op="absent")],
         [dict(loop=patient_loop, op="present")]),
        ("%s.hl-no-patient-is-self" % prefix, dict(
            snip="4", severity="error", scope="2000B", ik4="I9",
            msg="No patient loop 2000C follows, so the subscriber is the patient and SBR02 "
                "must be 18.", src=hl_src),
         [dict(seg="SBR", el="SBR02", op="eq", vals="18")],
         [dict(loop=patient_loop, op="absent"), dict(loop="2300", op="present")]),
        ("%s.subscriber-address-if-patient" % prefix, dict(
            snip="4", severity="error", scope="2000B", ik3="I6",
            msg="The subscriber is the patient (no patient loop 2000C): the subscriber's "
                "address (2010BA N3, N4) and demographics (2010BA DMG) are required.",
            src=sub_src),
         [dict(loop="2010BA", seg=s, op="present") for s in ("N3", "N4", "DMG")],
         [dict(loop=patient_loop, op="absent"), dict(loop="2300", op="present")]),
        # A warning: RFI 1925 calls it not compliant, but the TR3s' own examples
        # (stupidedi's and lfh's copies in the corpus) send the subscriber's address
        # and demographics with a patient loop too, and nothing is missing.
        ("%s.subscriber-address-not-patient" % prefix, dict(
            snip="4", severity="warning", scope="2000B", ik3="I9",
            msg="A patient loop 2000C follows: the patient's address and demographics go in "
                "2010CA, and the subscriber's 2010BA N3, N4 and DMG are not sent.",
            src=sub_src + "; a warning, not an error: the TR3s' own examples (their copies in "
                "the corpus: stupidedi, lfh-x12, inteligenz) send them with a patient loop too"),
         [dict(loop="2010BA", seg=s, op="absent") for s in ("N3", "N4", "DMG")],
         [dict(loop=patient_loop, op="present")]),
    ]
    if subscriber_pat:
        # 837P only: the 837I's and 837D's 2000B have no PAT (X12-FACTS s3.4).
        out.append(("%s.subscriber-pat-only-if-patient" % prefix, dict(
            snip="4", severity="error", scope="2000B", ik3="I9",
            msg="A patient loop 2000C follows: the subscriber's PAT (2000B: death date, weight, "
                "pregnancy) is sent only when the subscriber is the patient; the patient's go in "
                "2000C PAT.",
            src="X12-FACTS.md s3.1 (2000B PAT: 'subscriber = patient only: "
                "death/weight/pregnancy'); X12 RFI 2281 (when the patient is not the "
                "subscriber, the patient's information goes in the patient's loops)"),
            [dict(seg="PAT", op="absent")],
            [dict(loop=patient_loop, op="present")]))
    out += [
        ("%s.ref-f8-only-replace-void" % prefix, dict(
            snip="4", severity="error", scope="2300", ik3="I9",
            msg="REF*F8 (payer claim control number) is sent only when CLM05-3 is 7 "
                "(replacement) or 8 (void).", src=f8_src),
         [dict(seg="CLM", el="CLM05-03", op="in", vals="7 8")],
         [dict(seg="REF", keyval="F8", op="present")]),
        ("%s.ref-f8-required-replace-void" % prefix, dict(
            snip="4", severity="error", scope="2300", ik3="I6",
            msg="A replacement (CLM05-3=7) or void (CLM05-3=8) must carry REF*F8 with the "
                "payer claim control number of the claim it replaces.", src=f8_src),
         [dict(seg="REF", keyval="F8", op="present")],
         [dict(seg="CLM", el="CLM05-03", op="in", vals="7 8")]),
        ("%s.subscriber-id" % prefix, dict(
            snip="4", severity="error", scope="2010BA", ik4="1",
            msg="The subscriber primary identifier (2010BA NM109, with NM108) is required.",
            src="issue 3; TR3 2010BA NM108/NM109 (SD:X222A1-HC837.rb, moov-P)"),
         [dict(seg="NM1", el="NM108", op="present"), dict(seg="NM1", el="NM109", op="present")],
         []),
        ("%s.billing-street-address" % prefix, dict(
            snip="4", severity="error", scope="2010AA", seg="N3", ik4="I12",
            msg="The billing provider address (2010AA N3) must be a street address: a post "
                "office box, lock box or private mailbox goes in the pay-to address (2010AB).",
            src="X12-FACTS.md s2 (billing provider address); X12 RFI 1451; the three 837 TR3s "
                "(BCBSTX 5010 notice, https://www.bcbstx.com/provider/standards/"
                "claims_submission.html: 837P, 837I and 837D)"),
         [dict(el="N301", op="street"), dict(el="N302", op="street")], []),
        ("%s.pwk-attachment-control-number" % prefix, dict(
            snip="4", severity="error", scope="*", seg="PWK", ik4="I9",
            msg="An attachment sent by mail, electronically, by e-mail, by fax or by file "
                "transfer (PWK02 BM, EL, EM, FX, FT) needs its attachment control number "
                "(PWK05 AC, PWK06), which matches the attachment to the claim.",
            src="Stedi claim edit 'missing attachment control number' (837P, 837I, 837D; "
                "https://www.stedi.com/changelog/page/18); PWK05/PWK06 situational in the "
                "837 TR3s, paired by P0506"),
         [dict(el="PWK06", op="present")],
         [dict(el="PWK02", op="in", vals="BM EL EM FT FX")]),
        rd8_rule(prefix),
        *date_rules(prefix),
        ("%s.line-paid-not-negative" % prefix, dict(
            snip="4", severity="error", scope="2430", seg="SVD", ik4="I12",
            msg="A prior payer's service line paid amount (2430 SVD02) is zero or more.",
            src="Stedi claim edit 'invalid paid amount' (837P, 837I, 837D; "
                "https://www.stedi.com/changelog/page/2): SVD02 must be a number of zero or more"),
         [dict(el="SVD02", op="pattern", pattern="[0-9]+(\\.[0-9]*)?|\\.[0-9]+")], []),
    ]
    if drugs:
        out.append(("%s.ndc-11-digits" % prefix, dict(
            snip="5", severity="error", scope="*", seg="LIN", ik4="I12",
            msg="A National Drug Code (LIN02 N4) is sent as eleven digits in the 5-4-2 form, "
                "without hyphens (a ten-digit NDC gets its leading zero).",
            src="HIPAA's 11-digit NDC for claims (https://number.rest/pattern/ndc; the NDC "
                "conversion table at https://online.documentine.com/20-digit-number-in-excel/"
                "1/national-drug-code-ndc-conversion-table.html: 'Do not use hyphens'); "
                "X12-FACTS.md s3.1 (2410 LIN02 N4)"),
            [dict(el="LIN03", op="pattern", pattern="[0-9]{11}")],
            [dict(el="LIN02", op="eq", vals="N4")]))
        out.append(("%s.drug-unit-count" % prefix, dict(
            snip="4", severity="error", scope="2410", seg="CTP", ik4="I12",
            msg="The drug's unit count (2410 CTP04, in the unit of CTP05-1) is more than zero.",
            src="Stedi claim edit 'invalid drug unit count', 2025-12-10, 837P and 837I "
                "(https://stedi-prod.framer.website/changelog): CTP05 holds a unit and CTP04 is "
                "0 or less"),
            [dict(el="CTP04", op="pattern",
                  pattern="[0-9]*[1-9][0-9]*(\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*")],
            [dict(el="CTP05-01", op="present")]))
    if pointers:
        seg, el = pointers
        out.append(("%s.diagnosis-pointers" % prefix, dict(
            snip="4", severity="error", scope="2300", ik4="I12",
            msg="A diagnosis code pointer (%s) must point at a diagnosis code of the claim's "
                "HI (1 the principal HI01, 2-12 the other HI02-HI12)." % el,
            src="X12-FACTS.md s3.1 (%s diagnosis pointers 1-12 into 2300 HI); the x12kit "
                "837 writer's own check (writers/claim_check.c)" % el),
            [dict(loop="2400", seg=seg, el=el, op="pointers")],
            [dict(seg="HI", keyval="ABK", op="present")]))
    return out


# --------------------------------------------------------------------------- per-guide fixes

def zip9(g, loops):
    """The billing provider's and the service facility's N403: the full nine-digit ZIP
    code (pyx12 has the pattern on 837I 2010AA alone)."""
    for lid in loops:
        set_attr(g.el(lid, "N4", "N403"), "pattern", "[0-9]{9}",
                 "The 5010 837 TR3s require the full nine-digit ZIP code of the billing "
                 "provider and of the service facility location.",
                 "X12-FACTS.md s2 (billing provider address); pyx12 837I 2010AA N403 regex")


def tin9(g):
    """The billing provider's tax id (2010AA REF02 of REF*EI or REF*SY): an EIN or an SSN,
    nine digits without separators."""
    set_attr(g.el("2010AA", "REF", "REF02", keyval="EI"), "pattern", "[0-9]{9}",
             "The billing provider's tax identification number, an EIN (REF01 EI) or an SSN "
             "(SY), is nine digits with no spaces or separators.",
             "Stedi claim edit 'invalid billing provider TIN', 2025-12-02, 837P/837I/837D "
             "(https://www.stedi.com/docs/changelog); EIN and SSN are nine-digit numbers")


def fix_837p(g):
    fix_st03(g, "005010X222A1", "R",
             "The 837 TR3s require ST03 with the guide id; pyx12's S is wrong (the 835 is the "
             "guide that does not use it).",
             "pyx12-maps/README.md defect 2; X12-FACTS.md s1.2 (SD:X222A1-HC837.rb R, moov-D)")
    set_codes(g.el(None, "BHT", "BHT06"),
              "Code 31 (subrogation demand) is valid in 005010X222A1; the pyx12 837P map omits it.",
              "pyx12-maps/README.md defect 6; X12-FACTS.md s3.1 (SD:X222A1-HC837.rb, moov-P, "
              "moov-D, pyx12 837I map)", add=["31"])
    for ref in ("PER03", "PER05", "PER07"):
        set_codes(g.el("1000A", "PER", ref),
                  "ED (EDI access number) is not a valid 1000A contact qualifier; only EM/FX/TE "
                  "(and EX in PER05/07).",
                  "pyx12-maps/README.md defect 7 (pyx12 837I map, SD:X222A1-HC837.rb, moov-D)",
                  remove=["ED"])
    fix_common_837(g, "2330B")
    set_codes(g.el("2300", "REF", "REF02", keyval="F5"),
              "REF*F5 (Medicare crossover indicator) REF02 takes Y or N; pyx12 has no list.",
              "pyx12-maps/README.md defect 8", add=["Y", "N"])
    fix_units(g, [("2400", "SV1", "SV104"), ("2430", "SVD", "SVD05"), ("2400", "HCP", "HCP12")])
    bht03 = g.el(None, "BHT", "BHT03")
    set_attr(bht03, "maxlen", "30",
             "The TR3 limits the originator application transaction identifier to 30.",
             "X12-FACTS.md s3.1 (BHT03 max 30, SD:X222A1-HC837.rb)")
    comment(g.loop("2010BB"), "repeat 1 follows pyx12, moov-P and moov-D; SD:X222A1-HC837.rb "
            "says 10 (majority rule, X12-FACTS.md s3.1)")
    comment(g.seg("2300", "HI", keyval="BG"), "max use 2 follows pyx12 and moov-P; "
            "SD:X222A1-HC837.rb says 1 (majority rule, X12-FACTS.md s3.1)")
    comment(g.seg("2000B", "SBR"), "usage R follows pyx12, moov-D, TS-D and SD's own 837I; "
            "SD:X222A1-HC837.rb says S (X12-FACTS.md s3.1)")
    comment(g.seg("2300", "CRC", keyval="75"), "homebound CRC01 is 75 as in pyx12; SD has E1-E3 "
            "here, a copy slip (X12-FACTS.md s3.1)")
    comment(g.el("2300", "CLM", "CLM01"), "maxlen stays 38 (dictionary): the TR3 only requires "
            "a receiver to keep 20 characters and a longer value must not be rejected "
            "(X12-FACTS.md s3.1, RFI 525); a partner that wants 20 says so in an overlay")
    zip9(g, ["2010AA", "2310C"])
    tin9(g)
    add_rules(g, rules_837("837p", pointers=("SV1", "SV107"), subscriber_pat=True))


def fix_common_837(g, payer_loop):
    lx01 = g.el("2400", "LX", "LX01")
    lx01.set("numbers", "loop")
    comment(lx01, "numbers the claim's service lines: the 837 TR3s' LX01 'begins with 1 and is "
            "incremented by one for each additional service line of a claim' (x12kit "
            "numbers=\"loop\", docs/specs.md; not in pyx12)")
    set_codes(g.el("2300", "REF", "REF02", keyval="4N"),
              "REF*4N (service authorization exception code) REF02 takes the codes 1-7; pyx12 "
              "has no list.", "pyx12-maps/README.md defect 8", add=list("1234567"))
    set_codes(g.el(payer_loop, "REF", "REF02", keyval="T4"),
              "REF*T4 (signature on file indicator) REF02 takes only Y; pyx12 has no list.",
              "pyx12-maps/README.md defect 8", add=["Y"])
    six_r = g.el("2400", "REF", "REF02", keyval="6R")
    set_attr(six_r, "maxlen", "30",
             "The 837 TR3s cap the line item control number at 30 characters.",
             "X12-FACTS.md s5 (SD:X222A1-HC837.rb, SD:X223A2-HC837.rb)")
    clm053 = g.el("2300", "CLM", "CLM05-03")
    set_attr(clm053, "ext", "claim_frequency",
             "Claim frequency is an external code list (NUBC); pyx12 has none, so any value "
             "passed.", "X12-FACTS.md s5 (claim frequency)")
    for lid in ("2320", "2430"):
        seg = g.seg(lid, "CAS")
        for e in seg.findall("el"):
            if e.get("de") == "1034":
                set_attr(e, "ext", "carc",
                         "Claim adjustment reason codes are the external CARC list (code "
                         "source 139); pyx12 removed its copy in 2020 (commit ecb34bb).",
                         "pyx12-maps/README.md (CARC codes); specs/codes/carc.xml")


def fix_837i(g):
    st03 = g.el(None, "ST", "ST03")
    assert st03.get("usage") == "R"
    cl101 = g.el("2300", "CL1", "CL101")
    set_attr(cl101, "usage", "R",
             "CL101 admission type is Required; pyx12 changed it to S in 2013 (commit ebe5a96) "
             "citing no errata, and the independent grammars keep R.",
             "pyx12-maps/README.md defect 5; X12-FACTS.md s3.3 (SD:X223A2-HC837.rb, "
             "SD X223A3, Stedi claims schema)")
    comment(cl101, "disputed: pyx12 S (ebe5a96) against SD:X223A2-HC837.rb, SD X223A3 and "
            "Stedi R; R chosen until checked against the TR3 (X12-FACTS.md s3.3)")
    fix_common_837(g, "2330B")
    crc = g.seg("2300", "CRC", keyval="ZZ")
    for ref in ("CRC04", "CRC05"):
        e = g.el("2300", "CRC", ref, keyval="ZZ")
        if not e.get("codes"):
            set_codes(e, "EPSDT referral condition indicators are AV, NU, S2 and ST; pyx12 has "
                      "no list.", "pyx12-maps/README.md defect 8", add=["AV", "NU", "S2", "ST"])
    del crc
    fix_units(g, [("2430", "SVD", "SVD05"), ("2400", "HCP", "HCP12")])
    bht03 = g.el(None, "BHT", "BHT03")
    set_attr(bht03, "maxlen", "30",
             "The TR3 limits the originator application transaction identifier to 30.",
             "X12-FACTS.md s3.1 (SD:X223A2-HC837.rb)")
    comment(g.el("2010BA", "NM1", "NM109"), "usage S as in pyx12; the subscriber id is still "
            "required by rule 837i.subscriber-id (issue 3), which a validator reports")
    zip9(g, ["2310E"])
    tin9(g)
    add_rules(g, rules_837("837i"))


def fix_835(g):
    st03 = g.el(None, "ST", "ST03")
    assert st03.get("usage") == "N"
    comment(st03, "Not Used in 005010X221A1 (TR3 examples read ST*835*1234~; "
            "SD:X221A1-HP835.rb NotUsed; pyx12 N). A reader still accepts an ST03 equal to GS08 "
            "(X12-FACTS.md s1.2)")
    plb = g.seg(None, "PLB")
    codes = g.el(None, "PLB", "PLB03-01").get("codes")
    for n in (5, 7, 9, 11, 13):
        e = g.el(None, "PLB", "PLB%02d-01" % n)
        set_codes(e, "Every PLB adjustment reason (PLB03/05/07/09/11/13-1) uses the same 41 "
                  "codes; pyx12 lists them only on PLB03-1.",
                  "pyx12-maps/README.md defect 8 (SD:X221A1-HP835.rb); X12-FACTS.md s4.2",
                  add=codes.split())
    del plb
    for lid in ("2100", "2110"):
        seg = g.seg(lid, "CAS")
        comment(seg, "CAS01 has no CR: removed from the 835 in 5010 (RFI 1147); "
                "SD:X221A1-HP835.rb still lists it and is wrong there (X12-FACTS.md s4)")
        for e in seg.findall("el"):
            if e.get("de") == "1034":
                set_attr(e, "ext", "carc",
                         "Claim adjustment reason codes are the external CARC list (code "
                         "source 139); pyx12 removed its copy in 2020 (commit ecb34bb).",
                         "pyx12-maps/README.md (CARC codes); specs/codes/carc.xml")
    add_rules(g, [
        ("835.dtm-date", dict(
            snip="1", severity="error", scope="*", seg="DTM", ik4="8",
            msg="DTM02 must be a real CCYYMMDD date.", src="X12-FACTS.md s2 (the 835 uses DTM)"),
         [dict(el="DTM02", op="date")], [dict(el="DTM02", op="present")]),
        ("835.reversal-not-corrected-as-22", dict(
            snip="4", severity="warning", scope="2100", ik4="7",
            msg="CLP02=22 (reversal) needs a CLP07 payer claim control number to reverse.",
            src="X12-FACTS.md s5 (RFI 1147, RFI 288)"),
         [dict(seg="CLP", el="CLP07", op="present")],
         [dict(seg="CLP", el="CLP02", op="eq", vals="22")]),
    ] + rules_835_payment())


# 005010X221A1 BPR: what the payment's handling code, amount and method say
# together.  RFI 2228 quotes the TR3's notes on BPR01 H ("Use this code when
# the actual provider payment (BPR02) is zero and the transaction is not being
# used for prenotification of Future Transfers") and BPR04 NON ("Use this code
# when the Transaction Handling Code (BPR01) is H ... no dollars are to be
# moved"), and answers that a BPR02 of 0 is either H with NON or a
# prenotification (P).  RFI 352 (4010) called I with NON a contradiction.
ZERO = r"0*(\.0*)?"


def rules_835_payment():
    rfi = ("X12 RFI 2228 (005010X221A1: the TR3's notes on BPR01 H and BPR04 NON quoted; 'There "
           "are only two possible scenarios for sending a BPR02 equal to 0'); RFI 352 (004010X091: "
           "I with NON is a contradiction)")
    return [
        ("835.zero-payment-handling", dict(
            snip="4", severity="error", scope="*", seg="BPR", ik4="7",
            msg="A payment of zero (BPR02 0) is a notification (BPR01 H, with BPR04 NON) or a "
                "prenotification (BPR01 P).", src=rfi),
         [dict(el="BPR01", op="in", vals="H P")],
         [dict(el="BPR02", op="present"), dict(el="BPR02", op="pattern", pattern=ZERO)]),
        ("835.notification-no-payment", dict(
            snip="4", severity="error", scope="*", seg="BPR", ik4="7",
            msg="A notification (BPR01 H) moves no money: BPR02 is 0 and BPR04 is NON.", src=rfi),
         [dict(el="BPR02", op="pattern", pattern=ZERO), dict(el="BPR04", op="eq", vals="NON")],
         [dict(el="BPR01", op="eq", vals="H")]),
        ("835.non-payment-notification", dict(
            snip="4", severity="error", scope="*", seg="BPR", ik4="7",
            msg="BPR04 NON (no payment) goes with BPR01 H (notification only).", src=rfi),
         [dict(el="BPR01", op="eq", vals="H")],
         [dict(el="BPR04", op="eq", vals="NON")]),
        # X12-FACTS 4.2: a negative net remittance is carried forward with a
        # PLB FB adjustment (RFI 1604), so the payment itself is never below
        # zero; the shared generator keeps BPR02 >= 0 the same way.
        ("835.payment-not-negative", dict(
            snip="4", severity="error", scope="*", seg="BPR", ik4="I12",
            msg="The total provider payment (BPR02) is zero or more: a negative balance is "
                "carried to a later remittance with a PLB FB (forwarding balance) adjustment.",
            src="X12-FACTS.md s4.2 (negative net remit: PLB FB, RFI 1604)"),
         [dict(el="BPR02", op="pattern", pattern=r"[0-9]*(\.[0-9]*)?")],
         [dict(el="BPR02", op="present")]),
    ]


def fix_999(g):
    st03 = g.el(None, "ST", "ST03")
    assert st03.get("usage") == "R"
    ik403 = g.el("2110", "IK4", "IK403")
    set_codes(ik403, "Element 621 has no code 11 in 5010 (1-10, 12, 13, I6, I9-I13); a 999 "
              "must not emit it.",
              "pyx12-maps/README.md defect 3; X12-FACTS.md s6 (SD:X231A1-FA999.rb, "
              "stedi 621)", remove=["11"])
    add_rules(g, [
        ("999.ak9-partial", dict(
            snip="4", severity="error", scope="*", seg="AK9", ik4="7",
            msg="AK901=P (partially accepted) needs at least one accepted transaction set "
                "(AK904 not 0).", src="X12-FACTS.md s6 (AK9)"),
         [dict(el="AK904", op="ne", vals="0")], [dict(el="AK901", op="eq", vals="P")]),
    ])


def fix_277(g):
    st03 = g.el(None, "ST", "ST03")
    assert st03.get("usage") == "R"
    # RFI 1942: the 2200B and 2200D STC01-1 note limits the category to type
    # 'A' in a batch 277CA, and to 'A' or 'E' (not E0, "the business
    # application system is unavailable" only) in a real-time one; F, P and R
    # categories (finalized, pending, request) are "not compliant with the TR3".
    rfi = ("X12 RFI 1942 (005010X214 2200B and 2200D STC01-1 note: 'use of the Claim Status "
           "Category Code is limited to category types A for batch. For real time "
           "acknowledgements category types A and E may be used except for E0')")
    cat = [("277ca.status-category-%s" % loop.lower(), dict(
        snip="2", severity="error", scope=loop, seg="STC", ik4="7",
        msg="A 277CA acknowledges: its status category (STC01-1) is an A code (acknowledgement), "
            "or in real time an E code other than E0; F, P and R categories belong to the 277 "
            "claim status response.", src=rfi),
        [dict(el="STC01-01", op="pattern", pattern="A[0-9]+|E[1-9][0-9]*")], [])
        for loop in ("2200B", "2200D")]
    add_rules(g, [rd8_rule("277ca"), *date_rules("277ca"), *cat])


def fix_control(g):
    isa11 = g.el("ISA_LOOP", "ISA", "ISA11")
    set_attr(isa11, "name", "Repetition Separator",
             "In 00501, ISA11 (I65) is the repetition separator; 'Interchange Control Standards "
             "Identifier' is the 4010 meaning of that slot.",
             "pyx12-maps/README.md defect 1; X12-FACTS.md s1.1 and trap 2 "
             "(kputnam/stupidedi interchanges/00501/element_defs.rb)")
    comment(isa11, "read by position (offset 82), never by splitting on the separator; "
            "no code list: any single character not used as another delimiter")
    gs08 = g.el("GS_LOOP", "GS", "GS08")
    set_codes(gs08, "GS08 names the guide of the group's sets, and the envelope takes any: a "
              "set of a guide x12kit has no spec for gets envelope checks only, one of a "
              "neighbour version (005010X222A2, ...) is read with --nearest-guide, and the "
              "other 5010 guides (270/271 005010X279A1, 276/277 005010X212, 834 005010X220A1, "
              "...) are HIPAA's too.  pyx12's list lacks most of them; x12 validate checks "
              "the envelope's elements, so a list here would reject their groups.",
              "X12-FACTS.md s1.2; docs/validate.md",
              remove=(gs08.get("codes") or "").split())
    add_rules(g, [
        ("env.isa-date", dict(
            snip="1", severity="error", scope="ISA_LOOP", seg="ISA", ik4="8",
            msg="ISA09 is YYMMDD and must be a real date.",
            src="X12-FACTS.md s1.1 and trap 1"),
         [dict(el="ISA09", op="present")], []),
    ])


# --------------------------------------------------------------------------- 837D

DENTAL_SRC = "X12-FACTS.md s3.4 (moov-D, TS-D)"


def mark(node, text=None):
    node.set("verified", "false")
    if text:
        comment(node, text)


def new_el(ref, de, name, usage, codes=None, ext=None, **kw):
    typ, mn, mx, _ = DATAELE[de]
    e = ET.Element("el")
    for k, v in (("ref", ref), ("de", de), ("name", name), ("usage", usage), ("type", typ),
                 ("minlen", mn), ("maxlen", mx)):
        e.set(k, v)
    if codes:
        e.set("codes", codes)
    if ext:
        e.set("ext", ext)
    for k, v in kw.items():
        e.set(k, v)
    return e


def drop(container, pred):
    for c in [c for c in container if pred(c)]:
        container.remove(c)


def clone_dtp(template, code, name, fmts, usage="S"):
    d = copy.deepcopy(template)
    for c in [c for c in d if not isinstance(c.tag, str) or c.tag == "deviation"]:
        d.remove(c)
    d.set("name", name)
    d.set("usage", usage)
    d.set("maxuse", "1")
    d.set("keyvals", code)
    for e in d.iter("el"):
        if e.get("ref") == "DTP01":
            e.set("codes", code)
        if e.get("ref") == "DTP02":
            e.set("codes", fmts)
    mark(d)
    return d


def clone_nm1_loop(template, lid, name, nm101, pos=None):
    lp = copy.deepcopy(template)
    lp.set("id", lid)
    lp.set("name", name)
    lp.set("keyvals", nm101)
    nm1 = lp.find("seg")
    nm1.set("keyvals", nm101)
    nm1.set("name", name)
    for e in nm1.iter("el"):
        if e.get("ref") == "NM101":
            e.set("codes", nm101)
    if pos:
        lp.set("pos", pos)
    mark(lp)
    return lp


def strip_deviations(node):
    """The 837D has no reference map: turn inherited 837P deviations into comments."""
    for parent in node.iter():
        for c in list(parent):
            if c.tag == "deviation":
                idx = list(parent).index(c)
                parent.remove(c)
                parent.insert(idx, ET.Comment(" from the 837P spec (%s %s): %s " % (
                    c.get("what"), c.get("src"), norm(c.text).replace("--", "-"))))


def build_837d(p837, unverified_path):
    root = copy.deepcopy(p837.root)
    strip_deviations(root)
    g = Guide(root)
    root.set("id", "005010X224A2")
    root.set("name", "Health Care Claim: Dental")
    del root.attrib["refmap"]
    root.set("basis", "005010X222A1")
    root.set("verified", "false")
    for c in list(root):
        if c.tag == "rules":
            root.remove(c)
    st03 = g.el(None, "ST", "ST03")
    st03.set("codes", "005010X224A2")

    # 2000B holds HL and SBR only (X12-FACTS 3.4)
    b = g.loop("2000B")
    drop(b, lambda c: c.tag == "seg" and c.get("id") == "PAT")
    mark(b, "837D 2000B has no PAT segment (X12-FACTS.md s3.4, moov-D, TS-D)")
    pat = g.seg("2000C", "PAT")
    for e in pat.iter("el"):
        if e.get("ref") in ("PAT05", "PAT06", "PAT07", "PAT08", "PAT09"):
            e.set("usage", "N")
    mark(pat, "837D PAT uses PAT01 only; PAT05-09 Not Used (X12-FACTS.md s3.4)")

    # 2300 claim
    c = g.loop("2300")
    clm = g.seg("2300", "CLM")
    for e in clm.iter("el"):
        r = e.get("ref")
        if r == "CLM07":
            e.set("codes", "A C")
            mark(e, "CLM07 A/C only in 837D (X12-FACTS.md s3.4, trap 13)")
        elif r == "CLM10":
            e.set("usage", "N")
            mark(e)
        elif r == "CLM12":
            e.set("codes", "01 02 03 05")
            mark(e, "CLM12 01 02 03 05 in 837D (moov-D, TS-D)")
        elif r == "CLM19":
            e.set("usage", "S")
            e.set("codes", "PB")
            mark(e, "CLM19 PB = predetermination of dental benefits (TS-D; DE 1383)")
    dtp_tpl = g.seg("2300", "DTP", keyval="439")
    drop(c, lambda x: x.tag == "seg" and x.get("id") in ("DTP", "CR1", "CR2", "CRC"))
    drop(c, lambda x: x.tag == "seg" and x.get("id") == "HI" and
         (x.get("keyvals") or "").split()[0] in ("BP", "BG"))
    kids = list(c)
    insert_at = kids.index(clm) + 1
    new_dtps = [
        clone_dtp(dtp_tpl, "439", "Date - Accident", "D8"),
        clone_dtp(dtp_tpl, "452", "Date - Appliance Placement", "D8"),
        clone_dtp(dtp_tpl, "472", "Date - Service Date", "D8 RD8"),
        clone_dtp(dtp_tpl, "050", "Date - Repricer Received Date", "D8"),
    ]
    dn1 = ET.Element("seg", {"id": "DN1", "name": "Orthodontic Total Months of Treatment",
                             "usage": "S", "maxuse": "1", "pos": "1400"})
    dn1.append(new_el("DN101", "380", "Orthodontic Treatment Months Count", "S"))
    dn1.append(new_el("DN102", "380", "Orthodontic Treatment Months Remaining Count", "S"))
    dn1.append(new_el("DN103", "1073", "Yes/No Condition or Response Code", "N"))
    dn1.append(new_el("DN104", "352", "Questionnaire Response", "S"))
    mark(dn1, "DN1 from X12-FACTS.md s3.4 (DN101 total, DN102 remaining); DN103/DN104 usage "
         "is unverified")
    dn2 = ET.Element("seg", {"id": "DN2", "name": "Tooth Status", "usage": "S", "maxuse": "35",
                             "pos": "1450"})
    dn2.append(new_el("DN201", "127", "Tooth Number", "R"))
    dn2.append(new_el("DN202", "1368", "Tooth Status Code", "R", codes="E M"))
    dn2.append(new_el("DN203", "380", "Quantity", "N"))
    dn2.append(new_el("DN204", "1270", "Code List Qualifier Code", "S", codes="JP"))
    mark(dn2, "DN2 tooth status, max 35, DN202 E/M (X12-FACTS.md s3.4); DN203/DN204 unverified")
    for i, s in enumerate(new_dtps + [dn1, dn2]):
        c.insert(insert_at + i, s)
    pwk = g.seg("2300", "PWK")
    g.el("2300", "PWK", "PWK01").set("codes", "B4 DA DG EB OZ P6 RB RR")
    mark(pwk, "837D PWK01 codes (X12-FACTS.md s3.4)")
    keep_ref = {"4N", "F8", "9F", "G1", "9A", "9C", "D9"}
    refs = [x for x in c if x.tag == "seg" and x.get("id") == "REF"]
    for r in refs:
        if not set((r.get("keyvals") or "").split()) & keep_ref:
            c.remove(r)
    g3 = copy.deepcopy(g.seg("2300", "REF", keyval="G1"))
    for x in [x for x in g3 if not isinstance(x.tag, str)]:
        g3.remove(x)
    g3.set("name", "Predetermination Identification")
    g3.set("keyvals", "G3")
    g3.set("maxuse", "1")
    for e in g3.iter("el"):
        if e.get("ref") == "REF01":
            e.set("codes", "G3")
    mark(g3, "REF*G3 predetermination id (moov-D; TS-D's P4 here is a slip, X12-FACTS.md s3.4)")
    first_ref = [x for x in c if x.tag == "seg" and x.get("id") == "REF"][0]
    c.insert(list(c).index(first_ref), g3)
    hi = g.seg("2300", "HI", keyval="ABK")
    hi.set("usage", "S")
    mark(hi, "837D diagnosis HI is S; how many HI composites are used is unsettled (TS-D 1, "
         "moov-D 12); the 837P 12 are kept (X12-FACTS.md s3.4)")
    mark(c, "837D claim loop: 837P structure with the dental differences of X12-FACTS.md s3.4")

    # 2310: A referring, B rendering, C facility, D assistant surgeon DD, E supervising
    sup = g.loop("2310D")
    rend = g.loop("2310B")
    drop(c, lambda x: x.tag == "loop" and x.get("id") in ("2310D", "2310E", "2310F"))
    idx = list(c).index(g.loop("2310C")) + 1
    c.insert(idx, clone_nm1_loop(rend, "2310D", "Assistant Surgeon Name", "DD"))
    sup2 = copy.deepcopy(sup)
    sup2.set("id", "2310E")
    mark(sup2, "837D 2310E is Supervising (X12-FACTS.md s3.4, moov-D)")
    c.insert(idx + 1, sup2)

    # 2330: A IL, B PR, C referring, D rendering, E supervising, F billing, G facility, H DD
    o = g.loop("2320")
    l2330 = {x.get("id"): x for x in o if x.tag == "loop"}
    order = [("2330A", l2330["2330A"]), ("2330B", l2330["2330B"]), ("2330C", l2330["2330C"]),
             ("2330D", l2330["2330D"]), ("2330E", l2330["2330F"]), ("2330F", l2330["2330G"]),
             ("2330G", l2330["2330E"])]
    drop(o, lambda x: x.tag == "loop")
    for new_id, lp in order:
        if lp.get("id") != new_id:
            lp.set("id", new_id)
            mark(lp, "renumbered for 837D (X12-FACTS.md s3.4)")
        o.append(lp)
    o.append(clone_nm1_loop(l2330["2330D"], "2330H", "Other Payer Assistant Surgeon", "DD"))
    g3b = copy.deepcopy(g.seg("2330B", "REF", keyval="G1"))
    for x in [x for x in g3b if not isinstance(x.tag, str)]:
        g3b.remove(x)
    g3b.set("name", "Other Payer Predetermination Identification")
    g3b.set("keyvals", "G3")
    for e in g3b.iter("el"):
        if e.get("ref") == "REF01":
            e.set("codes", "G3")
    mark(g3b, "2330B REF*G3 (X12-FACTS.md s3.4)")
    b2 = g.loop("2330B")
    b2.insert(list(b2).index(g.seg("2330B", "REF", keyval="G1")) + 1, g3b)

    # 2400 service line: SV3 + TOO from the unverified pyx12 PR #86 skeleton
    line = g.loop("2400")
    uroot = ET.parse(unverified_path).getroot()
    sv3 = too = None
    for lp in uroot.iter("loop"):
        if lp.get("xid") == "2400":
            for s in lp.findall("segment"):
                if s.get("xid") == "SV3" and sv3 is None:
                    sv3 = conv_seg(s)
                if s.get("xid") == "TOO" and too is None:
                    too = conv_seg(s)
            break
    mark(sv3, "SV3 from the unverified pyx12 PR #86 map (skeleton only), checked against "
         "X12-FACTS.md s3.4: SV301-01 AD, SV302 charge, SV303 POS, SV304 oral cavity, SV305 "
         "I/R, SV306 count, SV311 pointers")
    for e in sv3.iter("el"):
        if e.get("de") == "782":
            e.set("maxlen", "10")
            e.set("frac", "2")
    for e in list(sv3.iter("el")) + list(sv3.iter("comp")):
        # The TR3 example scenarios (kputnam/stupidedi 005010/X224A2 pass fixtures, in
        # shared/corpus/837d) send SV3 without SV306 and SV311: both are situational.
        if e.get("ref") in ("SV306", "SV311"):
            e.set("usage", "S")
    for e in sv3.iter("el"):
        if e.get("ref") == "SV305":
            e.set("codes", "I R")           # initial / replacement (X12-FACTS.md s3.4)
        elif e.get("ref") == "SV303":
            e.set("ext", "pos")             # place of service, as CLM05-1
    for e in too.iter("el"):
        if e.get("ref", "").startswith("TOO03-"):
            e.set("codes", "B D F I L M O")  # tooth surfaces (X12-FACTS.md s3.4)
    too.set("maxuse", "32")
    mark(too, "TOO max 32 per line (TS-D; moov-D sets no repeat), TOO01 JP (X12-FACTS.md s3.4)")
    sv1 = g.seg("2400", "SV1")
    i = list(line).index(sv1)
    line.remove(sv1)
    line.insert(i, sv3)
    line.insert(i + 1, too)
    ldtp = g.seg("2400", "DTP", keyval="472")
    drop(line, lambda x: x.tag == "seg" and x.get("id") in (
        "SV5", "PWK", "CR1", "CR3", "CRC", "DTP", "QTY", "MEA", "CN1", "AMT", "PS1", "K3"))
    drop(line, lambda x: x.tag == "loop" and x.get("id") in (
        "2410", "2420B", "2420E", "2420F", "2420G", "2420H", "2440"))
    j = list(line).index(too) + 1
    for k, (code, name, fmts) in enumerate([
            ("472", "Date - Service Date", "D8 RD8"),
            ("441", "Date - Prior Placement", "D8"),
            ("452", "Date - Appliance Placement", "D8"),
            ("446", "Date - Replacement", "D8"),
            ("196", "Date - Treatment Start", "D8"),
            ("198", "Date - Treatment Completion", "D8")]):
        line.insert(j + k, clone_dtp(ldtp, code, name, fmts))
    keep_lref = {"9B", "9D", "G1", "6R", "9F"}
    for r in [x for x in line if x.tag == "seg" and x.get("id") == "REF"]:
        if not set((r.get("keyvals") or "").split()) & keep_lref:
            line.remove(r)
    g3l = copy.deepcopy(g.seg("2400", "REF", keyval="G1"))
    for x in [x for x in g3l if not isinstance(x.tag, str)]:
        g3l.remove(x)
    g3l.set("name", "Predetermination of Benefits Identifier")
    g3l.set("keyvals", "G3")
    for e in g3l.iter("el"):
        if e.get("ref") == "REF01":
            e.set("codes", "G3")
    mark(g3l, "2400 REF*G3 (5); repriced-line REFs are unsettled (TS-D 9B/9D, moov-D 9A/9C): "
         "the 837P 9B/9D are kept (X12-FACTS.md s3.4)")
    first_lref = [x for x in line if x.tag == "seg" and x.get("id") == "REF"][0]
    line.insert(list(line).index(first_lref), g3l)
    mark(line, "837D service line: SV3/TOO, dental DTPs, REF G3 (X12-FACTS.md s3.4)")
    # 2420: A rendering, B assistant surgeon, C supervising, D facility
    a = g.loop("2420A")
    fac = g.loop("2420C")
    sup = g.loop("2420D")
    drop(line, lambda x: x.tag == "loop" and x.get("id") in ("2420C", "2420D"))
    idx = list(line).index(a) + 1
    line.insert(idx, clone_nm1_loop(a, "2420B", "Assistant Surgeon Name", "DD"))
    sup.set("id", "2420C")
    mark(sup, "837D 2420C supervising (moov-D)")
    fac.set("id", "2420D")
    mark(fac, "837D 2420D service facility (moov-D)")
    line.insert(idx + 1, sup)
    line.insert(idx + 2, fac)
    svd = g.el("2430", "SVD", "SVD03-01")
    svd.set("codes", "AD")
    mark(svd, "837D adjudicated procedure qualifier AD (ADA CDT); unverified")
    add_rules(g, rules_837("837d", pointers=("SV3", "SV311"), drugs=False))
    for r in g.root.find("rules"):
        if r.get("id").startswith("837d.subscriber"):
            r.set("verified", "false")
    return g


# --------------------------------------------------------------------------- code lists

CODELIST_META = {
    "states": ("US State or Province Codes", "156"),
    "country": ("Country Codes", "26"),
    "currency": ("Currency Codes", "100"),
    "entity_id": ("Entity Identifier Codes", "98"),
    "remark_code": ("Remittance Advice Remark Codes (RARC, code source 411)", "1573"),
    "service_type": ("Service Type Codes", "1365"),
    "claim_status_cat": ("Health Care Claim Status Category Codes (code source 507)", "1271"),
    "claim_status": ("Health Care Claim Status Codes (code source 508)", "1271"),
    "pos": ("Place of Service Codes (code source 237)", "1331"),
}


def write_codelists(codes_path, outdir):
    tree = ET.parse(codes_path)
    text = open(codes_path, encoding="utf-8").read()
    written = []
    for cs in tree.getroot().findall("codeset"):
        cid = norm(cs.findtext("id"))
        name, de = CODELIST_META[cid]
        vals = [norm(c.text) for c in cs.iter("code")]
        # the eff_dte hints sit in comments inside <version>; find the one for this set
        m = re.search(r"<id>%s</id>.*?(?:eff_dte>(\d{8})<|</codeset>)" % re.escape(cid), text,
                      re.S)
        eff = m.group(1) if m and m.group(1) else None
        date = ("%s-%s-%s" % (eff[:4], eff[4:6], eff[6:])) if eff else "unknown"
        root = ET.Element("codelist")
        root.set("id", cid)
        root.set("name", name)
        root.set("de", de)
        root.set("source", "pyx12 codes.xml (azoner/pyx12@%s); values only" % PYX12_COMMIT[:7])
        root.set("date", date if eff else "2026-05-03 (pyx12 commit date; list date unknown)")
        root.set("complete", "false")
        root.set("note", "A snapshot: lists like RARC, POS and claim status change several "
                 "times a year (pyx12-maps/README.md defect 4). A value missing here is a "
                 "warning, not an error, because complete=false.")
        seen = set()
        for v in vals:
            if v in seen:
                continue
            seen.add(v)
            ET.SubElement(root, "c", {"v": v})
        write_xml(root, os.path.join(outdir, "%s.xml" % cid),
                  "External code list '%s', generated by tools/specgen/specgen.py from the "
                  "pyx12 codes.xml snapshot." % cid)
        written.append(cid)
    return written


# Claim Adjustment Reason Codes (code source 139).  pyx12 has no list (removed in 2020, commit
# ecb34bb).  Values only, transcribed from the CARC table in openemr/openemr
# src/Billing/BillingUtilities.php at commit 003893015c54 (file header copyright 2011-2019),
# which keeps the codes that were active when it was written; spot-checked against
# https://revenuecyclemgmt.com/claim-adjustment-reason-codes/ (2023 list, codes 1-8).  Codes
# added later (297 and up) and codes deactivated earlier are missing, hence complete="false".
CARC = (
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 16 18 19 20 21 22 23 24 26 27 29 31 32 33 34 35 39 40 "
    "44 45 49 50 51 53 54 55 56 58 59 60 61 66 69 70 74 75 76 78 85 89 90 91 94 95 96 97 "
    "100 101 102 103 104 105 106 107 108 109 110 111 112 114 115 116 117 118 119 121 122 "
    "128 129 130 131 132 133 134 135 136 137 139 140 142 143 144 146 147 148 149 150 151 152 "
    "153 154 155 157 158 159 160 161 163 164 166 167 169 170 171 172 173 174 175 176 177 178 "
    "179 180 181 182 183 184 185 186 187 188 189 190 192 193 194 195 197 198 199 200 201 202 "
    "203 204 205 206 207 208 209 210 211 212 213 215 216 219 222 223 224 225 226 227 228 229 "
    "231 232 233 234 235 236 237 238 239 240 241 242 243 245 246 247 248 249 250 251 252 253 "
    "254 256 257 258 259 260 261 262 263 264 265 266 267 268 269 270 271 272 273 274 275 276 "
    "277 278 279 280 281 282 283 284 285 286 287 288 289 290 291 292 293 294 295 296 "
    "A0 A1 A5 A6 A8 B1 B4 B7 B8 B9 B10 B11 B12 B13 B14 B15 B16 B20 B22 B23 "
    "P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13 P14 P15 P16 P17 P18 P19 P20 P21 P22 P23 P24 "
    "P25 P26 P27 P28 P29").split()

# Claim frequency (CLM05-3; NUBC type-of-bill 3rd digit).  1 original, 7 replacement, 8 void
# (X12-FACTS.md s5, Medi-Cal bulletin cited there); 0-5 are used on institutional claims
# (X12-FACTS.md s5, "NUBC; 0-5 are also used").  NUBC has more (e.g. 9 and letters) that no
# source here confirms, so the list is marked incomplete.
CLAIM_FREQUENCY = [("0", "non-payment/zero claim"), ("1", "original (admit through discharge)"),
                   ("2", "interim, first claim"), ("3", "interim, continuing claim"),
                   ("4", "interim, last claim"), ("5", "late charge only"),
                   ("7", "replacement of prior claim"), ("8", "void/cancel of prior claim")]


def write_extra_codelists(outdir):
    root = ET.Element("codelist", {
        "id": "carc", "name": "Claim Adjustment Reason Codes (CARC, code source 139)",
        "de": "1034",
        "source": "openemr/openemr src/Billing/BillingUtilities.php @003893015c54 (values only), "
                  "a transcription of https://x12.org/codes/claim-adjustment-reason-codes",
        "date": "2019 (openemr file header; exact list date unknown)",
        "complete": "false",
        "note": "Codes active around 2019. Newer codes (297 and up) and earlier deactivated "
                "codes are missing: replace with the current X12 list before relying on it. A "
                "value missing here is a warning, not an error."})
    for v in CARC:
        ET.SubElement(root, "c", {"v": v})
    write_xml(root, os.path.join(outdir, "carc.xml"),
              "External code list 'carc', written by tools/specgen/specgen.py (see CARC there).")
    root = ET.Element("codelist", {
        "id": "claim_frequency", "name": "Claim Frequency Type Codes (NUBC, CLM05-3)",
        "de": "1325", "source": "X12-FACTS.md s5 (claim frequency); NUBC type of bill digit 3",
        "date": "2024 (X12-FACTS.md)", "complete": "false",
        "note": "Only the codes a cited source confirms; NUBC defines more."})
    for v, note in CLAIM_FREQUENCY:
        ET.SubElement(root, "c", {"v": v, "note": note})
    write_xml(root, os.path.join(outdir, "claim_frequency.xml"),
              "External code list 'claim_frequency', written by tools/specgen/specgen.py.")


# --------------------------------------------------------------------------- output

def write_xml(root, path, header):
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write("<!-- %s\n     Do not edit by hand: change tools/specgen/specgen.py and rerun it from\n"
                "     the project root (python3 tools/specgen/specgen.py; options in its "
                "docstring). -->\n" % header.replace("--", "-"))
        f.write(body)
        f.write("\n")


def convert(ref, fname, gid, ts, fid, name):
    proot = ET.parse(os.path.join(ref, fname)).getroot()
    root = ET.Element("guide")
    root.set("id", gid)
    root.set("ts", ts)
    root.set("fid", fid)
    root.set("std", "00501")
    root.set("name", name)
    root.set("refmap", fname)
    conv_children(find_st_loop(proot), root)
    ids = [lp.get("id") for lp in root.iter("loop")]
    g = Guide(root)
    if "2000C" in ids and ts == "837":
        make_loopref(g, "2300", "2000C")
        ids = [lp.get("id") for lp in root.iter("loop")]
    dup = sorted(set(i for i in ids if ids.count(i) > 1))
    if dup:
        raise SystemExit("%s: duplicate loop ids %s" % (fname, dup))
    assign_keys(root)
    assign_hl(root)
    reorder_loop_attrs_all(root)
    return g


def reorder_loop_attrs_all(root):
    for c in root:
        if c.tag == "loop":
            reorder_loop_attrs(c)


def convert_control(ref):
    proot = ET.parse(os.path.join(ref, "x12.control.00501.xml")).getroot()
    root = ET.Element("guide")
    root.set("id", "00501")
    root.set("kind", "envelope")
    root.set("std", "00501")
    root.set("name", "Interchange and functional group envelope, version 00501, with TA1")
    root.set("refmap", "x12.control.00501.xml")
    isa = proot.find("loop")
    lp = ET.SubElement(root, "loop")

    def fill(dst, src):
        dst.set("id", src.get("xid"))
        dst.set("name", norm(src.findtext("name")))
        dst.set("usage", norm(src.findtext("usage")))
        dst.set("repeat", count_attr(src.findtext("repeat")))
        dst.set("pos", norm(src.findtext("pos")))
        for c in src:
            if c.tag == "segment":
                dst.append(conv_seg(c))
                if c.get("xid") == "GS":
                    ET.SubElement(dst, "transactions")
            elif c.tag == "loop":
                fill(ET.SubElement(dst, "loop"), c)
        dst.set("trigger", dst.find("seg").get("id"))

    fill(lp, isa)
    reorder_loop_attrs(lp)
    for e in root.iter("el"):
        if e.get("ref") in ("ISA09", "ISA10"):
            pass
    return Guide(root)


GUIDES = [
    ("837.5010.X222.A1.xml", "005010X222A1", "837", "HC", "Health Care Claim: Professional",
     "837p.005010X222A1.xml", fix_837p),
    ("837Q3.I.5010.X223.A1.xml", "005010X223A2", "837", "HC", "Health Care Claim: Institutional",
     "837i.005010X223A2.xml", fix_837i),
    ("835.5010.X221.A1.xml", "005010X221A1", "835", "HP", "Health Care Claim Payment/Advice",
     "835.005010X221A1.xml", fix_835),
    ("999.5010X231.A1.xml", "005010X231A1", "999", "FA", "Implementation Acknowledgment",
     "999.005010X231A1.xml", fix_999),
    ("277.5010.X214.xml", "005010X214", "277", "HN",
     "Health Care Claim Acknowledgment (277CA)", "277ca.005010X214.xml", fix_277),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", default="../shared/reference/pyx12-maps")
    ap.add_argument("--out", default="specs")
    args = ap.parse_args()
    load_dataele(os.path.join(args.ref, "dataele.xml"))
    os.makedirs(os.path.join(args.out, "codes"), exist_ok=True)
    built = {}
    for fname, gid, ts, fid, name, outname, fixer in GUIDES:
        g = convert(args.ref, fname, gid, ts, fid, name)
        fixer(g)
        fix_money(g)
        built[gid] = g
        write_xml(g.root, os.path.join(args.out, outname),
                  "x12kit spec for %s %s (%s). Generated by tools/specgen/specgen.py from "
                  "pyx12 %s @%s with the corrections recorded as <deviation> elements."
                  % (ts, gid, name, fname, PYX12_COMMIT[:7]))
    d = build_837d(built["005010X222A1"],
                   os.path.join(args.ref, "unverified", "837D.5010.X224.A2.xml"))
    write_xml(d.root, os.path.join(args.out, "837d.005010X224A2.xml"),
              "x12kit spec for 837 005010X224A2 (Health Care Claim: Dental). UNVERIFIED: no "
              "trustworthy public map exists. Built by tools/specgen/specgen.py from the "
              "corrected 837P spec plus the dental differences of X12-FACTS.md s3.4; every "
              "changed part carries verified=\"false\". Comments starting 'from the 837P spec' "
              "are the 837P corrections it inherits.")
    c = convert_control(args.ref)
    fix_control(c)
    write_xml(c.root, os.path.join(args.out, "control.00501.xml"),
              "x12kit envelope spec for ISA12=00501: ISA, GS, GE, IEA and TA1. Generated by "
              "tools/specgen/specgen.py from pyx12 x12.control.00501.xml @%s."
              % PYX12_COMMIT[:7])
    write_codelists(os.path.join(args.ref, "codes.xml"), os.path.join(args.out, "codes"))
    write_extra_codelists(os.path.join(args.out, "codes"))
    for gid, g in list(built.items()) + [("005010X224A2", d), ("00501", c)]:
        n = sum(1 for _ in g.root.iter("deviation"))
        print("%-14s deviations: %d" % (gid, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
