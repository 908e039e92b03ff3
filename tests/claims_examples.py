"""The claims of the examples (fixtures/claims/y_*, the three guides), as
they are and enriched (rich()), for the drop tests: claims_drop_test.py
(JSON -> 837, x12 837 --from) and claims_read_drop_test.py (837 -> JSON,
x12 837 --to-json)."""
import copy
import json
import os


def examples(src):
    """The example files of fixtures/claims (y_*)."""
    d = os.path.join(src, "fixtures", "claims")
    return [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.startswith("y_")]


ADDRESS = {"line1": "1 A ST", "city": "PEORIA", "state": "IL", "postal_code": "61602"}
NPI = "1245319599"


def rich(claim):
    """The example with one of most other parts the writer writes (parties'
    REF, PER and addresses, claim and line lists, a line's providers, a drug,
    an other payer with a provider), so that a field set alone lands in an
    object that is otherwise whole.  Each guide's own role codes."""
    c = copy.deepcopy(claim)
    kind = c.get("type", "professional")
    person = {"last_name": "DOE", "first_name": "JO", "id_qualifier": "XX", "id": NPI}
    first = {"professional": "rendering", "dental": "rendering", "institutional": "attending"}
    c["providers"] = [dict(role=first[kind], party=dict(person, refs=[{"qualifier": "G2",
                                                                         "value": "R1"}])),
                      {"role": "service_facility",
                       "party": {"last_name": "CLINIC", "id_qualifier": "XX", "id": NPI,
                                 "address": ADDRESS, "refs": [{"qualifier": "G2", "value": "F1"}]}}]
    b = c["billing"]
    b["pay_to_address"] = {"address": ADDRESS}
    if kind != "institutional":  # (the 837I's 2010AA has the tax id's REF alone)
        b["provider"]["refs"] = [{"qualifier": "0B", "value": "LIC1"}]
    b["provider"]["contacts"] = [{"name": "DESK", "qualifier": ["TE"], "number": ["5555550100"]}]
    c["subscriber"]["payer"]["address"] = ADDRESS
    c["subscriber"]["subscriber"]["refs"] = [{"qualifier": "SY", "value": "123456789"}]
    c["refs"] = [{"qualifier": "9A", "value": "RP1"}]
    c["notes"] = [{"code": "ADD" if kind != "institutional" else "UPI", "text": "NOTE"}]
    if "other_payers" not in c:
        c["other_payers"] = [{"payer_responsibility": "S", "relationship": "18",
                              "claim_filing_indicator": "CI", "paid": c["total_charge"],
                              "benefits_assignment": "Y", "release_of_info": "Y",
                              "adjudication_date": "20260120",
                              "subscriber": {"last_name": "DOE", "first_name": "JO",
                                             "id_qualifier": "MI", "id": "M1"},
                              "payer": {"last_name": "OTHER PLAN", "id_qualifier": "PI",
                                        "id": "OP1"}}]
        c["subscriber"]["payer_responsibility"] = "P"
    o = c["other_payers"][0]
    o["providers"] = [{"role": first[kind], "party": {"entity_type": "1",
                                                      "refs": [{"qualifier": "G2",
                                                                "value": "K1"}]}}]
    o["subscriber"]["address"] = ADDRESS
    o["payer"]["address"] = ADDRESS
    o["payer"]["refs"] = [{"qualifier": "G1", "value": "PA1"}]
    line = c["lines"][0]
    line["refs"] = [{"qualifier": "G1" if kind != "institutional" else "6R", "value": "LA1"}]
    line["notes"] = [{"code": "ADD" if kind != "institutional" else "TPO", "text": "LN"}]
    line["providers"] = [dict(role="rendering" if kind != "institutional" else "operating",
                              party=dict(person))]
    if kind == "professional":
        line["drug"] = {"qualifier": "N4", "code": "00777310502", "quantity": "1", "unit": "UN",
                        "ref_qualifier": "XZ", "ref_value": "RX1"}
        line["quantities"] = [{"qualifier": "PT", "value": "2"}]
        line["measurements"] = [{"category": "TR", "qualifier": "R1", "value": "12"}]
    return c


def load(path):
    text = open(path).read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


