"""Prints the columns a doc's tables list, comma-separated, to compare with
the header a command writes.  Usage: doc_columns.py DOC HEADER ANCHOR...

Each ANCHOR is text of a line in DOC (a heading or a sentence); the first
table after it gives columns: every `name` in a row's first cell, in order,
and `a` ... `b` (an ellipsis) for the run of HEADER's columns from a to b."""
import re
import sys

doc = open(sys.argv[1], encoding="utf-8").read().split("\n")
header = sys.argv[2].split(",")
out = []
for anchor in sys.argv[3:]:
    at = next((i for i, line in enumerate(doc) if anchor in line), None)
    if at is None:
        sys.exit("doc_columns: '%s' is not in %s" % (anchor, sys.argv[1]))
    i = at + 1
    while i < len(doc) and not doc[i].startswith("|"):
        i += 1
    i += 2  # the table's head and its rule
    while i < len(doc) and doc[i].startswith("|"):
        cell = doc[i].split("|")[1]
        names = re.findall(r"`([a-z0-9_]+)`", cell)
        if "\u2026" in cell and len(names) == 2 and names[0] in header and names[1] in header:
            a, b = header.index(names[0]), header.index(names[1])
            names = header[a:b + 1]
        out.extend(names)
        i += 1
print(",".join(out))
