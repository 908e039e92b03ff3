"""Segments a base file (an 837, 835, 277CA or 999) lacks, made from its
guide's spec and put where the guide has them, so that the read drop tests
(claims_read_drop_test.py, remit_drop_test.py, ack_drop_test.py) probe every
segment of the guide, not only those the examples and the corpus happen to
hold; and a second instance of each, which a reader with one place for it must
keep apart from the first.

For each segment definition of the spec (specs/*.xml) that `x12 to-json` of
the base does not show, one instance is made (every element the guide uses
filled with a value of its type: the key element its qualifier, a code
element its first code, a date after D8/RD8/DT/TM the date of that format) and
inserted in an instance of its loop, after the last sibling the guide puts
before it.  A loop the base lacks is made from its trigger when its parent is
there.  HL loops are not made.  Then, as asked, a second instance of each
segment and of each loop.  What could not be placed (its loop's parent
missing too, or the walker put it elsewhere) is listed, not probed."""
import json
import subprocess
import xml.etree.ElementTree as ET

SKIP_LOOPS = ("2000A", "2000B", "2000C")


def spec_model(path):
    """{loop id: {"pos": its place among its parent's children, "parent",
    "segs": [(name, element)], "order": {segment name: its place}, "el"}}
    (places in document order: the guides' pos numbers restart by table)"""
    loops = {}

    def walk(node, lid, parent, order):
        loops[lid] = {"el": node, "parent": parent, "pos": order, "segs": [], "order": {}}
        for i, ch in enumerate(ch for ch in node if ch.tag in ("loop", "seg")):
            if ch.tag == "loop":
                walk(ch, ch.get("id"), lid, i)
            else:
                loops[lid]["segs"].append((ch.get("name"), ch))
                loops[lid]["order"][ch.get("name")] = i
    walk(ET.parse(path).getroot(), "ST", None, 0)
    return loops


def value(el, prev, keyed):
    """A value for spec element `el` (an <el>): `keyed` when it is the key."""
    if keyed is not None:
        return keyed
    t, lo, hi = el.get("type"), int(el.get("minlen", "1")), int(el.get("maxlen", "1"))
    fmt = {"D8": "20260105", "RD8": "20260105-20260107", "DT": "202601051230", "TM": "1230"}
    if prev in fmt and t in ("AN", "DT", "TM"):
        return fmt[prev]
    codes = el.get("codes")
    if codes:  # (an underscore stands for a space in a spec's codes: docs/specs.md)
        return codes.split()[0].replace("_", " ")
    if t == "DT":
        return "20260105" if hi >= 8 else "260105"
    if t == "TM":
        return "1230"
    if t == "R":
        return "12.5"
    if t and t.startswith("N"):
        return "7" * max(lo, 1)
    text = "SYNTHVALUE"
    while len(text) < lo:
        text += "X"
    return text[:hi]


def segment(seg, es, cs):
    """The text of one instance of spec segment `seg` (a <seg>)."""
    key = seg.get("key")
    keyvals = [k.replace("_", " ") for k in (seg.get("keyvals") or "").split()]
    els, prev = [], None
    for child in seg:
        if child.tag not in ("el", "comp"):
            continue
        if child.get("usage") == "N":
            els.append("")
            prev = None
            continue
        if child.tag == "el":
            v = value(child, prev, keyvals[0] if keyvals and child.get("ref") == key else None)
            els.append(v)
            prev = v
            continue
        parts = []
        for comp in child:
            if comp.tag != "el":
                continue
            if comp.get("usage") == "N":
                parts.append("")
                prev = None
                continue
            v = value(comp, prev, keyvals[0] if keyvals and comp.get("ref") == key else None)
            parts.append(v)
            prev = v
        while parts and parts[-1] == "":
            parts.pop()
        els.append(cs.join(parts))
    while els and els[-1] == "":
        els.pop()
    return es.join([seg.get("id")] + els)


def tree(x12, text, work):
    """The set's loop tree from x12 to-json: (loop dict, {name: position})."""
    path = work + "/synth.837"
    with open(path, "w", encoding="latin-1") as f:
        f.write(text)
    out = subprocess.run([x12, "to-json", path], capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[0])["loop"]


def last_pos(node):
    """The highest segment position in a to-json node's subtree."""
    if "content" not in node:
        return node["position"]
    return max(last_pos(c) for c in node["content"])


def find(node, lid):
    if "content" not in node:
        return None
    if node["id"] == lid:
        return node
    for c in node["content"]:
        r = find(c, lid)
        if r:
            return r
    return None


def find_with(node, lid, name):
    """The first instance of loop `lid` holding a segment `name`."""
    if "content" not in node:
        return None
    if node["id"] == lid and any("content" not in c and c.get("name") == name
                                 for c in node["content"]):
        return node
    for c in node["content"]:
        r = find_with(c, lid, name)
        if r:
            return r
    return None


def instances(node, lid):
    """How many instances of loop `lid` the tree holds."""
    if "content" not in node:
        return 0
    return int(node["id"] == lid) + sum(instances(c, lid) for c in node["content"])


def count(node, lid, name):
    """How many segments `name` of loop `lid` the tree holds."""
    if "content" not in node:
        return 0
    return sum(count(c, lid, name) if "content" in c else
               int(node["id"] == lid and c.get("name") == name) for c in node["content"])


def present(node, out):
    if "content" in node:
        for c in node["content"]:
            if "content" in c:
                present(c, out)
            else:
                out.add((node["id"], c.get("name")))
    return out


def insert_point(inst, lid, pos, loops):
    """The set position after which something of place `pos` among the
    children of loop `lid` goes in its instance `inst`."""
    names = loops[lid]["order"]
    after = inst["content"][0]["position"]
    for c in inst["content"]:
        p = loops[c["id"]]["pos"] if "content" in c else names.get(c.get("name"), 0)
        if p <= pos:
            after = last_pos(c)
    return after


def set_start(segs, es):
    """The index in `segs` of the set's ST."""
    return next(i for i, s in enumerate(segs) if s.lstrip().startswith("ST" + es))


def insert_after(text, es, ts, after, new):
    """`text` with the segments `new` after the set's segment at position
    `after` (ST = 1), each on its own line when the file has line breaks."""
    segs = text.split(ts)
    at = set_start(segs, es) + after
    brk = "\n" if segs[at - 1].endswith("\n") else ""
    segs[at:at] = [s if s.startswith("\n") else brk + s for s in new]
    return ts.join(segs)


def augment(x12, text, spec_path, work, repeats=False, loops_too=False):
    """`text` (one interchange, one set) with one instance of each segment
    definition it lacks; with `repeats` True a second instance of each that
    may repeat, with "all" of every one (the walker reports a second of
    what the guide allows one of; a reader must keep the first and say the
    second); with `loops_too` a second instance of each loop but the HL
    levels (a copy of the first); returns (new text, [what was added],
    [not placed])."""
    loops = spec_model(spec_path)
    es, cs, ts = text[3], text[104], text[105]
    added, skipped = [], []
    root = tree(x12, text, work)

    def attempt(after, new, placed, what, why):
        """Inserts `new` after position `after`; kept when `placed(old tree,
        new tree)` holds, else listed as not placed."""
        nonlocal text, root
        candidate = insert_after(text, es, ts, after, new)
        croot = tree(x12, candidate, work)
        if not placed(root, croot):
            skipped.append(what + (why,))
            return
        text, root = candidate, croot
        added.append(what)

    for lid, lp in loops.items():
        for name, seg in lp["segs"]:
            if (lid, name) in present(root, set()):
                continue
            inst = find(root, lid)
            new = [segment(seg, es, cs)]
            if inst is None:
                parent = find(root, lp["parent"]) if lp["parent"] else None
                if parent is None or lid in SKIP_LOOPS:
                    skipped.append((lid, name, "no instance of the loop or its parent"))
                    continue
                trig = lp["segs"][0][1]
                if trig is not seg:
                    new = [segment(trig, es, cs)] + new
                after = insert_point(parent, lp["parent"], lp["pos"], loops)
            else:
                after = insert_point(inst, lid, lp["order"][name], loops)
            attempt(after, new, lambda old, cur: (lid, name) in present(cur, set()), (lid, name),
                    "placed elsewhere by the walker")
    if repeats:
        # a second instance of each segment (the guide lets it repeat, or with
        # "all" any), after the last of its loop's first instance that has
        # it: a reader that has one place for it must keep the first and say
        # the second
        for lid, lp in loops.items():
            for name, seg in lp["segs"]:
                if (seg.get("maxuse", "1") == "1" and repeats != "all") or \
                        seg.get("id") in ("ST", "SE") or (lid, name) not in present(root, set()):
                    continue
                inst = find_with(root, lid, name)
                if inst is None:
                    continue
                after = max(c["position"] for c in inst["content"]
                            if "content" not in c and c.get("name") == name)
                attempt(after, [segment(seg, es, cs)],
                        lambda old, cur: count(cur, lid, name) == count(old, lid, name) + 1,
                        (lid, name + " (a second)"), "a second one placed elsewhere by the walker")
    if loops_too:
        # a second instance of each loop but the set and the HL levels: a copy
        # of its first instance, right after it
        for lid in loops:
            if lid == "ST" or lid.startswith("2000"):  # (the HL levels, the 835's LX)
                continue
            inst = find(root, lid)
            if inst is None:
                continue
            first, last = inst["content"][0]["position"], last_pos(inst)
            segs = text.split(ts)
            st = set_start(segs, es)
            attempt(last, segs[st + first - 1:st + last],
                    lambda old, cur: instances(cur, lid) == instances(old, lid) + 1,
                    (lid, "(a second instance of the loop)"), "placed elsewhere by the walker")
    # SE01: the set's segments, counted again
    segs = text.split(ts)
    st = set_start(segs, es)
    se = next(i for i, s in enumerate(segs) if s.lstrip().startswith("SE" + es))
    parts = segs[se].split(es)
    parts[1] = str(se - st + 1)
    segs[se] = es.join(parts)
    return ts.join(segs), added, skipped
