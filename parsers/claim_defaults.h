/* The defaults of the claim model (claim.h), shared by the 837 writer
 * (which fills them in when a field is NULL) and the 837 reader (which leaves
 * a field NULL when the file holds its default, so that a claim read back
 * equals the claim that was written). */
#ifndef X12_PARSERS_CLAIM_DEFAULTS_H
#define X12_PARSERS_CLAIM_DEFAULTS_H

#include <string.h>

#include <x12/claim.h>

static inline const char *claim_guide(x12_claim_type t)
{
    return t == X12_CLAIM_INSTITUTIONAL ? "005010X223A2"
           : t == X12_CLAIM_DENTAL      ? "005010X224A2"
                                        : "005010X222A1";
}

/* NM101 of a provider role. */
static inline const char *claim_role_entity(x12_claim_provider_role r)
{
    static const char *const codes[] = {"82", "DN", "71", "72", "ZZ", "DQ",
                                        "77", "DD", "DK", "QB", "PW", "45", "85"};
    return (unsigned)r < sizeof codes / sizeof codes[0] ? codes[r] : "82";
}

/* The role of an NM101 in 2310x/2420x; -1 when the model has none. */
static inline int claim_entity_role(const char *e)
{
    static const struct { const char *code; int role; } map[] = {
        {"82", X12_PROVIDER_RENDERING},  {"DN", X12_PROVIDER_REFERRING},
        {"P3", X12_PROVIDER_REFERRING},  {"71", X12_PROVIDER_ATTENDING},
        {"72", X12_PROVIDER_OPERATING},  {"ZZ", X12_PROVIDER_OTHER_OPERATING},
        {"DQ", X12_PROVIDER_SUPERVISING},{"77", X12_PROVIDER_SERVICE_FACILITY},
        {"DD", X12_PROVIDER_ASSISTANT_SURGEON}, {"DK", X12_PROVIDER_ORDERING},
        {"QB", X12_PROVIDER_PURCHASED_SERVICE}, {"PW", X12_PROVIDER_AMBULANCE_PICKUP},
        {"45", X12_PROVIDER_AMBULANCE_DROPOFF}, {"85", X12_PROVIDER_BILLING}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].code, e))
            return map[i].role;
    return -1;
}

/* PRV01 of a provider role: 837P/837D 2310B and 2420A "PE" (performing),
 * 837I 2310A "AT" (attending), 837D 2310D/2420B "AS" (assistant surgeon). */
static inline const char *claim_role_prv(x12_claim_provider_role r)
{
    switch (r) {
    case X12_PROVIDER_ATTENDING: return "AT";
    case X12_PROVIDER_ASSISTANT_SURGEON: return "AS";
    case X12_PROVIDER_OPERATING: return "OP";
    case X12_PROVIDER_REFERRING: return "RF";
    case X12_PROVIDER_SUPERVISING: return "SU";
    default: return "PE";
    }
}

/* NM102 when the party does not say: a person when it has a first name. */
static inline const char *claim_default_entity_type(const x12_claim_party *p)
{
    return p->first_name && *p->first_name ? "1" : "2";
}

static inline const char *claim_default_facility_qualifier(x12_claim_type t)
{
    return t == X12_CLAIM_INSTITUTIONAL ? "A" : "B";
}

static inline const char *claim_default_procedure_qualifier(x12_claim_type t)
{
    return t == X12_CLAIM_DENTAL ? "AD" : "HC";
}

/* DTP02 from the shape of the value: "from-to" is RD8. */
static inline const char *claim_default_date_format(const char *value)
{
    return value && strchr(value, '-') ? "RD8" : "D8";
}

/* C022-03 of an HI code with a date. */
static inline const char *claim_code_date_format(const char *date)
{
    return date && strchr(date, '-') ? "RD8" : "D8";
}

static inline int claim_str_is(const char *s, const char *v)
{
    return s && !strcmp(s, v);
}

/* The guides' DTP orders in 2300 and 2400. */
static inline const char *claim_date_order(x12_claim_type t)
{
    switch (t) {
    case X12_CLAIM_INSTITUTIONAL: return "096 434 435 050";
    case X12_CLAIM_DENTAL: return "439 452 472 050";
    default:
        return "431 454 304 453 439 484 455 471 314 360 361 297 296 435 096 090 091 444 050";
    }
}

static inline const char *line_date_order(x12_claim_type t)
{
    switch (t) {
    case X12_CLAIM_INSTITUTIONAL: return "472";
    case X12_CLAIM_DENTAL: return "472 441 452 446 196 198";
    default: return "472 471 607 463 461 304 738 739 011 455 454";
    }
}

/* Position of `q` in a space-separated list of qualifiers (the order the
 * guide gives the segments of a loop); past the end when absent. */
static inline const char *claim_ref_order(x12_claim_type t)
{
    switch (t) {
    case X12_CLAIM_INSTITUTIONAL: return "4N 9F G1 F8 9A 9C LX D9 LU EA P4 G4";
    case X12_CLAIM_DENTAL: return "G3 4N 9F G1 F8 9A 9C D9";
    default: return "4N F5 EW 9F G1 F8 X4 9A 9C LX D9 EA P4 1J";
    }
}

static inline const char *line_ref_order(x12_claim_type t)
{
    switch (t) {
    case X12_CLAIM_INSTITUTIONAL: return "6R 9B 9D";
    case X12_CLAIM_DENTAL: return "G3 9B 9D G1 6R 9F";
    default: return "9B 9D G1 6R EW X4 F4 BT 9F";
    }
}

static inline int claim_rank(const char *order, const char *q)
{
    if (!q)
        return 1000;
    size_t n = strlen(q);
    int r = 0;
    for (const char *p = order; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, q, n))
            return r;
        r++;
        if (!e)
            break;
        p = e + 1;
    }
    return 1000;
}

#endif
