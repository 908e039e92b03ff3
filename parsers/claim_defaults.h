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
    static const char *const codes[] = {"82", "DN", "71", "72", "ZZ", "DQ", "77", "DD", "DK", "QB"};
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
        {"QB", X12_PROVIDER_PURCHASED_SERVICE}};
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

#endif
