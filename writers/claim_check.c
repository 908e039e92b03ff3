/* Checks a claim passes before the 837 writer writes it: required fields,
 * CLM02 against the lines, NPI check digits, the shapes of codes and dates,
 * diagnosis pointers, repeat limits, and, read from the guide's spec, the
 * usage of the segments and elements a claim's fields fill, the qualifiers
 * that pick a segment (HI, CRC, DTP, REF, AMT, NTE, QTY, PWK), each
 * segment's max use, and what each party's loop has a place for (its NM102
 * and REF01 codes too).  A part the writer would leave out is refused, never
 * dropped (tests/claims_drop_test.py).  Each problem names the field by its
 * path in the claim struct ("lines[1].diagnosis_pointers[0]").  What the
 * guide's code lists say of other values is left to the walker
 * (x12 validate). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <x12/claim.h>

#include "../parsers/claim_defaults.h"
#include "../parsers/spec_model.h"
#include "claim_util.h"

typedef struct checker {
    const x12_claim *cl;
    size_t index;
    x12_claim_problem_fn fn;
    void *ctx;
    size_t count;
    /* the claim's guide (its spec, looked up once per claim), and the loops
     * asked for, found once each */
    const struct x12_spec *spec;
    int spec_asked;
    struct {
        const char *id;
        const struct spec_loop *lp;
    } loops[8];
    unsigned nloops;
    /* how often each segment definition of the loop instance being checked
     * is filled (use_seg), against its max use */
    struct {
        const struct spec_seg *d;
        unsigned n;
    } uses[32];
    unsigned nuses;
} checker;

static void problem(checker *k, x12_status code, const char *detail, const char *fmt, ...)
{
    k->count++;
    if (!k->fn)
        return;
    x12_claim_problem p;
    memset(&p, 0, sizeof p);
    p.code = code;
    p.claim_id = k->cl->claim_id ? k->cl->claim_id : "";
    p.claim_index = k->index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p.path, sizeof p.path, fmt, ap);
    va_end(ap);
    snprintf(p.detail, sizeof p.detail, "%s", detail ? detail : "");
    k->fn(k->ctx, &p);
}

static int has(const char *s)
{
    return claim_has_text(s);
}


static int all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}


/* A decimal above zero: digits with at most one point, one digit not 0. */
static int positive_number(const char *s)
{
    int nonzero = 0, points = 0;
    for (; *s; s++) {
        if (*s == '.' && !points++)
            continue;
        if (*s < '0' || *s > '9')
            return 0;
        nonzero |= *s != '0';
    }
    return nonzero;
}

static int alnum_upper(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* A real CCYYMMDD date. */
static int date_ok(const char *s, size_t len)
{
    if (len != 8)
        return 0;
    for (size_t i = 0; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[4] - '0') * 10 + (s[5] - '0');
    int d = (s[6] - '0') * 10 + (s[7] - '0');
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 0;
    return 1;
}

/* D8, or "from-to" (RD8) with from <= to. */
static int period_ok(const char *s)
{
    const char *dash = strchr(s, '-');
    if (!dash)
        return date_ok(s, strlen(s));
    if (!date_ok(s, (size_t)(dash - s)) || !date_ok(dash + 1, strlen(dash + 1)))
        return 0;
    return memcmp(s, dash + 1, 8) <= 0;
}

/* ---- what the guide's spec says (specs/, the shared built-in copy) ----- */

/* Loop `id` of the claim's guide; NULL when the guide has none, or its spec
 * cannot be had (no memory: the written 837 is still validated when it is
 * read back). */
static const spec_loop *guide_loop(checker *k, const char *id)
{
    if (!k->spec_asked) {
        x12_error err;
        k->spec = x12__spec_builtin_shared(claim_guide(k->cl->type), &err);
        k->spec_asked = 1;
    }
    for (unsigned i = 0; i < k->nloops; i++) /* (the callers' ids are literals) */
        if (k->loops[i].id == id || !strcmp(k->loops[i].id, id))
            return k->loops[i].lp;
    const spec_loop *lp = k->spec ? spec_find_loop(k->spec->root, id) : NULL;
    if (k->nloops < sizeof k->loops / sizeof k->loops[0]) {
        k->loops[k->nloops].id = id;
        k->loops[k->nloops++].lp = lp;
    }
    return lp;
}

/* The definition of segment `id` in loop `lp` that takes qualifier `keyval`
 * (NULL: the first of that id); NULL when none.  guide_seg(): in the loop
 * of that id of the claim's guide. */
static const spec_seg *seg_in(const spec_loop *lp, const char *id, const char *keyval)
{
    if (!lp)
        return NULL;
    /* the loop's kids of that id, by its index, as the walker finds them */
    for (uint32_t i = spec_loop_first(lp, spec_idkey(id, strlen(id))); i != UINT32_MAX;
         i = lp->next_same[i]) {
        const spec_seg *d = lp->kids[i].is_loop ? NULL : lp->kids[i].seg;
        if (d && (!keyval || !d->keyvals ||
                  spec_keys_has(d->kkeys, d->keyvals, d->nkeyvals, keyval, strlen(keyval))))
            return d;
    }
    return NULL;
}

static const spec_seg *guide_seg(checker *k, const char *loop, const char *id,
                                 const char *keyval)
{
    return seg_in(guide_loop(k, loop), id, keyval);
}

/* The claim's fields that fill segment `d`'s elements 1..n (field[p - 1]
 * NULL: not a field of the claim), against the guide's usage of each: a
 * Required one must be given, a Not Used one must not.  The path of each is
 * `path` then "." and its field name. */
static void check_usage(checker *k, const spec_seg *d, const int *given,
                        const char *const *field, uint16_t n, const char *path)
{
    for (uint16_t p = 1; d && p <= n && p <= d->nels; p++) {
        if (!field[p - 1])
            continue;
        char usage = d->els[p - 1].usage;
        if (usage == 'R' && !given[p - 1])
            problem(k, X12_ERR_CLAIM_REQUIRED, d->els[p - 1].ref, "%s%s%s", path, *path ? "." : "",
                    field[p - 1]);
        else if (usage == 'N' && given[p - 1]) {
            char detail[48];
            snprintf(detail, sizeof detail, "not used by the guide (%s)", d->els[p - 1].ref);
            problem(k, X12_ERR_CLAIM_CODE, detail, "%s%s%s", path, *path ? "." : "", field[p - 1]);
        }
    }
}

/* The loop under `parent` that a party's NM1 with NM101 `entity` starts. */
static const spec_loop *party_loop(checker *k, const char *parent, const char *entity)
{
    const spec_loop *lp = has(entity) ? guide_loop(k, parent) : NULL;
    if (!lp)
        return NULL;
    /* the kids that start with NM1, by the loop's index */
    for (uint32_t i = spec_loop_first(lp, spec_idkey("NM1", 3)); i != UINT32_MAX;
         i = lp->next_same[i]) {
        const spec_loop *kid = lp->kids[i].is_loop ? lp->kids[i].loop : NULL;
        const spec_seg *t = kid && kid->nkids ? kid->kids[0].seg : NULL;
        if (t && t->keyvals &&
            spec_keys_has(t->kkeys, t->keyvals, t->nkeyvals, entity, strlen(entity)))
            return kid;
    }
    return NULL;
}

/* What the guide requires of a party in loop `lp`, for the segments the
 * party's fields fill: N3 and N4 (its address: a part given is
 * check_address's), DMG (birth date and gender).  005010X222A1 2010CA
 * requires all three for the patient, 2310C and 2420C the service
 * facility's address. */
static void check_party_required(checker *k, const spec_loop *lp, const x12_claim_party *p,
                                 const char *path)
{
    for (uint32_t i = 1; lp && i < lp->nkids; i++) {
        const spec_seg *d = lp->kids[i].is_loop ? NULL : lp->kids[i].seg;
        if (!d || d->usage != 'R')
            continue;
        char detail[64];
        if (d->idkey == spec_idkey("N3", 2) && !has(p->address.line1) && !has(p->address.city)) {
            snprintf(detail, sizeof detail, "N3 and N4 (loop %s)", lp->id);
            problem(k, X12_ERR_CLAIM_REQUIRED, detail, "%s.address.line1", path);
        } else if (d->idkey == spec_idkey("DMG", 3) && (!has(p->birth_date) || !has(p->gender))) {
            snprintf(detail, sizeof detail, "DMG02 and DMG03 (loop %s)", lp->id);
            problem(k, X12_ERR_CLAIM_REQUIRED, detail,
                    has(p->birth_date) ? "%s.gender" : "%s.birth_date", path);
        }
    }
}

/* A new loop instance: no segment of it filled yet. */
static void uses_reset(checker *k)
{
    k->nuses = 0;
}

/* One more segment of definition `d` is filled: returns 1 when that use is
 * the first past the definition's max use, which the guide refuses
 * (005010X222A1 2300 REF*G1 once: a prior authorization given both as
 * prior_authorization and in refs); the caller says so with too_many().  A
 * loop with more definitions than the table holds is not counted past it
 * (no false refusal). */
static unsigned use_slot(const checker *k, const spec_seg *d)
{
    unsigned i = 0;
    while (i < k->nuses && k->uses[i].d != d)
        i++;
    return i; /* k->nuses: not filled yet */
}

static int use_seg(checker *k, const spec_seg *d)
{
    if (!d)
        return 0;
    unsigned i = use_slot(k, d);
    if (i == k->nuses) {
        if (k->nuses == sizeof k->uses / sizeof k->uses[0])
            return 0;
        k->uses[k->nuses].d = d;
        k->uses[k->nuses++].n = 0;
    }
    return ++k->uses[i].n == d->maxuse + 1;
}

/* The field at the path (a format) fills `d` of loop `loop` once too often.
 * (Formatted only then: a path per qualifier cost the writer 5%.) */
static void too_many(checker *k, const spec_seg *d, const char *loop, const char *fmt, ...)
{
    char path[96], detail[80];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    /* one qualifier picks it: named ("REF*G1") */
    snprintf(detail, sizeof detail, "%s%s%s more than %u time%s in loop %s", d->id,
             d->nkeyvals == 1 ? "*" : "", d->nkeyvals == 1 ? d->keyvals[0] : "",
             (unsigned)d->maxuse, d->maxuse == 1 ? "" : "s", loop);
    problem(k, X12_ERR_CLAIM_COUNT, detail, "%s", path);
}

/* How many times definition `d` was filled in this loop instance. */
static unsigned used(const checker *k, const spec_seg *d)
{
    unsigned i = use_slot(k, d);
    return i < k->nuses ? k->uses[i].n : 0;
}

/* Any part of an address given. */
static int address_given(const x12_claim_address *a)
{
    return has(a->line1) || has(a->line2) || has(a->city) || has(a->state) ||
           has(a->postal_code) || has(a->country) || has(a->subdivision);
}

/* The REF of loop `lp` that takes qualifier `q`: the one it picks, or the
 * loop's one REF for all when its REF01 lists `q` (005010X222A1 2310B: 0B,
 * 1G, G2, LU; 2410: VY, XZ); NULL when none does. */
static const spec_seg *ref_for(const spec_loop *lp, const char *q)
{
    const spec_seg *d = seg_in(lp, "REF", q);
    if (d && !d->keyvals && d->nels && d->els[0].codes &&
        !spec_codes_has(d->els[0].codes, d->els[0].ncodes, q, strlen(q)))
        return NULL;
    return d;
}

/* REF01 and REF02 of each REF given in any part (`path`: its list, as
 * "lines[2].refs"): the writer puts a claim's or line's REF only with its
 * REF02, so one without was left out without a word (a party's went out
 * without it). */
static void check_ref_parts(checker *k, const x12_claim_ref *r, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        if (!has(r[i].qualifier) && !has(r[i].value) && !has(r[i].id2))
            continue;
        if (!has(r[i].qualifier))
            problem(k, X12_ERR_CLAIM_REQUIRED, "REF01", "%s[%zu].qualifier", path, i);
        if (!has(r[i].value))
            problem(k, X12_ERR_CLAIM_REQUIRED, "REF02", "%s[%zu].value", path, i);
    }
}

enum {
    PARTY_TAX = 1,      /* the writer puts the party's tax id (REF*EI/SY) in this loop */
    PARTY_REF_ONLY = 2, /* a loop of NM1 (entity code and type) and REF alone: 2330C-2330I */
    PARTY_PRV_ABOVE = 4,/* its taxonomy goes in the loop above (2000A PRV*BI of 2010AA) */
    PARTY_TAX_SAID = 8  /* a tax id missing is said elsewhere (2010AA requires one) */
};

/* A field of a party that loop `lp` has no segment for: the writer would
 * leave it out. */
static void not_in_loop(checker *k, const spec_loop *lp, const char *seg, const char *path,
                        const char *field)
{
    char detail[64];
    snprintf(detail, sizeof detail, "loop %s has no %s", lp->id, seg);
    problem(k, X12_ERR_CLAIM_CODE, detail, "%s.%s", path, field);
}

/* What loop `lp` (the loop a party's NM1 starts) takes of the party:
 * - each part given must have its segment there (N3/N4, PRV, PER, DMG, the
 *   tax id's REF) and its NM1 element must not be Not Used (the patient's
 *   NM109, 2330C-2330I's NM103-NM109): the writer leaves out what the loop
 *   has no place for, and the data would be lost without a word;
 * - NM102, given or the writer's default (2 without a first name), must be
 *   one the loop's NM1 takes (005010X222A1 2310A referring provider: 1);
 * - each REF qualifier must be a code of one of its REF: the one it picks
 *   (2010AA: 0B and 1G, beside the tax id's EI and SY), or REF01's codes
 *   where the loop has one REF for all (2310B: 0B, 1G, G2, LU);
 * - no REF more often than its max use, the tax id counted where the
 *   writer puts it (PARTY_TAX);
 * - PARTY_REF_ONLY: the REF the loop requires (2330C-2330I REF is R). */
static void check_party_loop(checker *k, const spec_loop *lp, const x12_claim_party *p,
                             const char *path, unsigned flags)
{
    if (!lp)
        return;
    const spec_seg *nm1 = lp->nkids && !lp->kids[0].is_loop ? lp->kids[0].seg : NULL;
    if ((has(p->taxonomy) || has(p->provider_code)) && !(flags & PARTY_PRV_ABOVE) &&
        !seg_in(lp, "PRV", NULL))
        not_in_loop(k, lp, "PRV", path, "taxonomy");
    else if (has(p->provider_code) && !has(p->taxonomy)) /* PRV goes with its PRV03 */
        problem(k, X12_ERR_CLAIM_REQUIRED, "PRV03 (with provider_code)", "%s.taxonomy", path);
    if (address_given(&p->address) && !seg_in(lp, "N3", NULL))
        not_in_loop(k, lp, "N3/N4", path, "address");
    if (p->contact_count && !seg_in(lp, "PER", NULL))
        not_in_loop(k, lp, "PER", path, "contacts");
    if ((has(p->birth_date) || has(p->gender)) && !seg_in(lp, "DMG", NULL))
        not_in_loop(k, lp, "DMG", path, has(p->birth_date) ? "birth_date" : "gender");
    if ((has(p->tax_id) || has(p->tax_id_qualifier)) && !(flags & PARTY_TAX)) {
        char detail[64];
        snprintf(detail, sizeof detail, "not written in loop %s (a REF in refs is)", lp->id);
        problem(k, X12_ERR_CLAIM_CODE, detail, has(p->tax_id) ? "%s.tax_id" : "%s.tax_id_qualifier",
                path);
    } else if (has(p->tax_id_qualifier) && !has(p->tax_id) && !(flags & PARTY_TAX_SAID)) {
        /* the qualifier alone was left out */
        problem(k, X12_ERR_CLAIM_REQUIRED, "REF02 (with tax_id_qualifier)", "%s.tax_id", path);
    }
    /* NM103-NM105, NM107-NM109 by their usage */
    const char *const nm1_field[9] = {NULL,          NULL,   "last_name", "first_name",
                                      "middle_name", NULL,   "suffix",    "id_qualifier",
                                      "id"};
    const char *const nm1_value[9] = {NULL,           NULL, p->last_name,    p->first_name,
                                      p->middle_name, NULL, p->suffix,       p->id_qualifier,
                                      p->id};
    for (unsigned e = 3; nm1 && e <= 9 && e <= nm1->nels; e++)
        if (nm1_field[e - 1] && has(nm1_value[e - 1]) && nm1->els[e - 1].usage == 'N') {
            char detail[64];
            snprintf(detail, sizeof detail, "not used by the guide (%s, loop %s)",
                     nm1->els[e - 1].ref, lp->id);
            problem(k, X12_ERR_CLAIM_CODE, detail, "%s.%s", path, nm1_field[e - 1]);
        }
    const char *type = has(p->entity_type) ? p->entity_type : claim_default_entity_type(p);
    if (nm1 && nm1->nels >= 2 && nm1->els[1].codes &&
        !spec_codes_has(nm1->els[1].codes, nm1->els[1].ncodes, type, strlen(type))) {
        char detail[64];
        snprintf(detail, sizeof detail, "NM102 %s in loop %s (1 person, 2 organization)",
                 nm1->els[1].codes[0], lp->id);
        problem(k, X12_ERR_CLAIM_CODE, detail, "%s.entity_type", path);
    }
    char refs_path[96];
    snprintf(refs_path, sizeof refs_path, "%s.refs", path);
    check_ref_parts(k, p->refs, p->ref_count, refs_path);
    uses_reset(k);
    if ((flags & PARTY_TAX) && has(p->tax_id)) {
        /* 005010X222A1 2010AC takes EI alone */
        const char *q = has(p->tax_id_qualifier) ? p->tax_id_qualifier : "EI";
        const spec_seg *d = ref_for(lp, q);
        if (d) {
            if (use_seg(k, d))
                too_many(k, d, lp->id, "%s.tax_id", path);
        } else if (seg_in(lp, "REF", NULL) && (!strcmp(q, "EI") || !strcmp(q, "SY"))) {
            /* (another qualifier is check_ssns's) */
            problem(k, X12_ERR_CLAIM_CODE, "not a code of the loop's REF", "%s.tax_id_qualifier",
                    path);
        }
    }
    for (size_t i = 0; i < p->ref_count; i++) {
        const char *q = p->refs[i].qualifier;
        if (!has(q))
            continue;
        const spec_seg *d = ref_for(lp, q);
        if (!d) {
            char detail[64];
            snprintf(detail, sizeof detail, "not a code of any REF of loop %s", lp->id);
            problem(k, X12_ERR_CLAIM_CODE, detail, "%s.refs[%zu].qualifier", path, i);
        } else if (use_seg(k, d)) {
            too_many(k, d, lp->id, "%s.refs[%zu].qualifier", path, i);
        }
    }
    if (!(flags & PARTY_REF_ONLY))
        return;
    for (uint32_t i = 1; i < lp->nkids; i++) {
        const spec_seg *d = lp->kids[i].is_loop ? NULL : lp->kids[i].seg;
        if (d && d->usage == 'R' && d->idkey == spec_idkey("REF", 3) && !used(k, d)) {
            char detail[64];
            snprintf(detail, sizeof detail, "REF (loop %s)", lp->id);
            problem(k, X12_ERR_CLAIM_REQUIRED, detail, "%s.refs", path);
        }
    }
}

static void check_date(checker *k, const char *v, const char *path)
{
    if (has(v) && !period_ok(v))
        problem(k, X12_ERR_CLAIM_DATE, "CCYYMMDD or CCYYMMDD-CCYYMMDD", "%s", path);
}

/* ICD-10-CM: a letter, a digit, then up to five letters or digits, no dot. */
static int icd10_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 7 || s[0] < 'A' || s[0] > 'Z' || s[1] < '0' || s[1] > '9')
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!alnum_upper(s[i]))
            return 0;
    return 1;
}

static int icd10_qualifier(const char *q)
{
    static const char *const q10[] = {"ABK", "ABF", "ABJ", "APR", "ABN"};
    for (size_t i = 0; i < sizeof q10 / sizeof q10[0]; i++)
        if (!strcmp(q, q10[i]))
            return 1;
    return 0;
}

static void check_dx(checker *k, const x12_claim_code *c, const char *def, const char *path)
{
    if (!has(c->code)) {
        problem(k, X12_ERR_CLAIM_REQUIRED, "a diagnosis code", "%s.code", path);
        return;
    }
    const char *q = has(c->qualifier) ? c->qualifier : def;
    if (icd10_qualifier(q) && !icd10_ok(c->code))
        problem(k, X12_ERR_CLAIM_CODE, "ICD-10-CM without the dot (E119)", "%s.code", path);
}

static void check_npi(checker *k, const x12_claim_party *p, const char *path)
{
    if (has(p->id) && p->id_qualifier && !strcmp(p->id_qualifier, "XX") &&
        !x12_npi_valid(p->id)) /* (an id missing is said where it is required) */
        problem(k, X12_ERR_CLAIM_NPI, "ten digits, Luhn check digit with prefix 80840",
                "%s.id", path);
}

/* PER04/06/08: a telephone or fax number (TE, FX) is digits only (the
 * guides' PER note, AAABBBCCCC; X12 RFI 850; rule <guide>.per04-phone-digits) */
/* An e-mail address of the shape local@domain.tld, no spaces (rule
 * <guide>.per04-email-shape: [^@ ]+@[^@ ]+\.[^@ ]+). */
static int email_ok(const char *v)
{
    const char *at = strchr(v, '@');
    if (!at || at == v || strchr(at + 1, '@') || strchr(v, ' '))
        return 0;
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1];
}

static void check_contacts(checker *k, const x12_claim_party *p, const char *path)
{
    for (size_t i = 0; i < p->contact_count; i++)
        for (int j = 0; j < 3; j++) {
            const char *q = p->contacts[i].qualifier[j], *v = p->contacts[i].number[j];
            if (!has(q) || !has(v))
                continue;
            if (!strcmp(q, "TE") || !strcmp(q, "FX")) {
                if (!all_digits(v, 1, 80))
                    problem(k, X12_ERR_CLAIM_CODE, "digits only (a telephone or fax number)",
                            "%s.contacts[%zu].number[%d]", path, i, j);
                else if (strlen(v) == 10 && (v[0] < '2' || v[3] < '2'))
                    /* rule <guide>.per04-nanp-number: a North American number */
                    problem(k, X12_ERR_CLAIM_CODE,
                            "a ten-digit number's area code and exchange start with 2-9",
                            "%s.contacts[%zu].number[%d]", path, i, j);
            } else if (!strcmp(q, "EM") && !email_ok(v)) {
                problem(k, X12_ERR_CLAIM_CODE, "an e-mail address: local@domain.tld",
                        "%s.contacts[%zu].number[%d]", path, i, j);
            }
        }
}

/* A social security number (REF*SY) is not of an area never assigned: 000,
 * 666, 900-999 (rule <guide>.ssn-area; its nine digits are the guides'
 * REF02 pattern, which the writer's validation of what it writes reports). */
static int ssn_area_ok(const char *v)
{
    return strncmp(v, "000", 3) != 0 && strncmp(v, "666", 3) != 0 && v[0] != '9';
}

static void check_ssns(checker *k, const x12_claim_party *p, const char *path)
{
    for (size_t i = 0; i < p->ref_count; i++)
        if (has(p->refs[i].qualifier) && !strcmp(p->refs[i].qualifier, "SY") &&
            has(p->refs[i].value) && !ssn_area_ok(p->refs[i].value))
            problem(k, X12_ERR_CLAIM_CODE, "not an area never assigned (000, 666, 900-999)",
                    "%s.refs[%zu].value", path, i);
    if (has(p->tax_id) && has(p->tax_id_qualifier) && !strcmp(p->tax_id_qualifier, "SY") &&
        !ssn_area_ok(p->tax_id))
        problem(k, X12_ERR_CLAIM_CODE, "not an area never assigned (000, 666, 900-999)",
                "%s.tax_id", path);
    /* the party's tax id goes in REF*EI or REF*SY (2010AA, 2010AB): another
     * qualifier made a REF the guide places nowhere, and the 837 then lacked
     * the required one */
    if (has(p->tax_id) && has(p->tax_id_qualifier) && strcmp(p->tax_id_qualifier, "EI") != 0 &&
        strcmp(p->tax_id_qualifier, "SY") != 0)
        problem(k, X12_ERR_CLAIM_CODE, "EI or SY", "%s.tax_id_qualifier", path);
}

/* NM108 and NM109 go together (X12 syntax note P0809): an id is written
 * with its qualifier, and without one the NM1 broke it. */
static void check_id_pair(checker *k, const x12_claim_party *p, const char *path)
{
    if (has(p->id) && !has(p->id_qualifier))
        problem(k, X12_ERR_CLAIM_REQUIRED, "NM108, since NM109 is given", "%s.id_qualifier",
                path);
    /* an id said to be an NPI (NM108 XX) is one, whichever party (the
     * validator's rule: a payer's NM1 with XX too) */
    check_npi(k, p, path);
}

/* A party's name, id (unless `ids` is 0: the patient's 2010CA NM1 has no
 * NM108/NM109, and check_party_loop refuses one given), contacts and SSNs. */
static void check_name(checker *k, const x12_claim_party *p, const char *path, int ids)
{
    if (!has(p->last_name))
        problem(k, X12_ERR_CLAIM_REQUIRED, "NM103", "%s.last_name", path);
    if (ids)
        check_id_pair(k, p, path);
    check_contacts(k, p, path);
    check_ssns(k, p, path);
}

/* An address given in any part needs N301 and N401: the writer writes N3
 * and N4 from them, and an address without both (a state and ZIP code
 * alone) was left out without a word. */
static void check_address(checker *k, const x12_claim_address *a, const char *path)
{
    if (!address_given(a))
        return;
    if (!has(a->line1))
        problem(k, X12_ERR_CLAIM_REQUIRED, "N301", "%s.address.line1", path);
    if (!has(a->city))
        problem(k, X12_ERR_CLAIM_REQUIRED, "N401", "%s.address.city", path);
}

/* 2300 and 2400 PWK: an attachment sent by mail, electronically, e-mail, fax or
 * file transfer carries its control number (rule <guide>.pwk-attachment-
 * control-number, PWK06). */
static void check_attachments(checker *k, const x12_claim_attachment *a, size_t n,
                              const char *path)
{
    static const char *const SENT[] = {"BM", "EL", "EM", "FT", "FX"};
    for (size_t i = 0; i < n; i++) {
        /* PWK01 and PWK02 are Required (the PWK was written without them) */
        if (!has(a[i].report_type))
            problem(k, X12_ERR_CLAIM_REQUIRED, "PWK01", "%s[%zu].report_type", path, i);
        if (!has(a[i].transmission))
            problem(k, X12_ERR_CLAIM_REQUIRED, "PWK02", "%s[%zu].transmission", path, i);
        if (!has(a[i].transmission) || has(a[i].control))
            continue;
        for (size_t s = 0; s < sizeof SENT / sizeof SENT[0]; s++)
            if (!strcmp(a[i].transmission, SENT[s]))
                problem(k, X12_ERR_CLAIM_REQUIRED, "PWK06 (an attachment sent by BM, EL, EM, FT or FX)",
                        "%s[%zu].control", path, i);
    }
}

static void check_person(checker *k, const x12_claim_party *p, const char *path, int ids)
{
    check_name(k, p, path, ids);
    check_address(k, &p->address, path);
    if (has(p->birth_date) && !date_ok(p->birth_date, strlen(p->birth_date)))
        problem(k, X12_ERR_CLAIM_DATE, "CCYYMMDD", "%s.birth_date", path);
    if (has(p->gender) && strcmp(p->gender, "F") && strcmp(p->gender, "M") &&
        strcmp(p->gender, "U"))
        problem(k, X12_ERR_CLAIM_CODE, "F, M or U", "%s.gender", path);
}

static const char *role_entity(const x12_claim_provider *p)
{
    static const char *const codes[] = {"82", "DN", "71", "72", "ZZ", "DQ", "77",
                                        "DD", "DK", "QB", "PW", "45", "85"};
    if (has(p->party.entity_code))
        return p->party.entity_code;
    return (unsigned)p->role < sizeof codes / sizeof codes[0] ? codes[p->role] : "";
}

static void check_providers(checker *k, const x12_claim_provider *p, size_t n, const char *path,
                            int line)
{
    char buf[96];
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s[%zu].party", path, i);
        /* the provider's loop in this guide at this level (005010X222A1
         * 2310A-F, 2420A-H), and what it can carry */
        const spec_loop *plp = party_loop(k, line ? "2400" : "2300", role_entity(&p[i]));
        if (!plp) {
            if (k->spec)
                problem(k, X12_ERR_CLAIM_CODE, "no such provider loop in this guide",
                        "%s[%zu].role", path, i);
            continue;
        }
        /* what its loop carries; the address where the guide requires one
         * (service facility, ambulance locations) */
        check_party_loop(k, plp, &p[i].party, buf, 0);
        check_party_required(k, plp, &p[i].party, buf);
        /* 005010X222A1 2310E/2310F: ambulance locations are addresses */
        if (p[i].role == X12_PROVIDER_AMBULANCE_PICKUP ||
            p[i].role == X12_PROVIDER_AMBULANCE_DROPOFF) {
            check_address(k, &p[i].party.address, buf);
            continue;
        }
        check_name(k, &p[i].party, buf, 1); /* (its NPI with it) */
        check_address(k, &p[i].party.address, buf);
    }
}

/* The first and last day of a D8 date or an RD8 range ("from-to"), each
 * eight bytes; 0 when the value is neither (its own check reports it). */
static int span_of(const char *v, const char **first, const char **last)
{
    if (!has(v) || !period_ok(v))
        return 0;
    *first = v;
    *last = strlen(v) == 17 ? v + 9 : v; /* (period_ok: 8 digits, or 8-8) */
    return 1;
}

/* Is a diagnosis code among the claim's before `upto` (principal first, then
 * the other diagnoses)?  Its path, else NULL. */
static const char *earlier_dx(const x12_claim *cl, const char *code, size_t upto, char *buf,
                              size_t cap)
{
    if (upto > 0 && has(cl->principal_diagnosis.code) && !strcmp(cl->principal_diagnosis.code, code))
        return "principal_diagnosis";
    for (size_t j = 0; j + 1 < upto && j < cl->other_diagnosis_count; j++)
        if (has(cl->other_diagnoses[j].code) && !strcmp(cl->other_diagnoses[j].code, code)) {
            snprintf(buf, cap, "other_diagnoses[%zu]", j);
            return buf;
        }
    return NULL;
}

static int64_t cas_sum(const x12_claim_adjustment *a, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i].cents;
    return s;
}

/* COB balancing of prior payer `o`, as the validator's (parsers/balance.c;
 * X12-FACTS 3.5, RFI 1294), so that a claim the writer lets through does not
 * make an 837 that fails it:
 *   CLM02 = AMT*D + sum(2320 CAS) + sum(its 2430 CAS)
 *   AMT*D = sum(its SVD02) - sum(2320 CAS)          when it adjudicated lines
 *   line charge = sum(its SVD02) + sum(its 2430 CAS) for each such line
 * (its 2430s: those whose SVD01 is its 2330B NM109).  Until 2026-11-29 these
 * were the validator's alone: x12 837 --from wrote such a claim and then said
 * its 837 did not validate. */
static void check_cob_balance(checker *k, size_t o)
{
    const x12_claim *cl = k->cl;
    const x12_claim_other_payer *op = &cl->other_payers[o];
    if (!has(op->payer.id))
        return;
    int64_t cas_claim = cas_sum(op->adjustments, op->adjustment_count), cas_lines = 0, svd = 0;
    int has_svd = 0;
    for (size_t i = 0; i < cl->line_count; i++) {
        const x12_claim_line *ln = &cl->lines[i];
        int64_t line_svd = 0, line_cas = 0;
        int seen = 0;
        for (size_t a = 0; a < ln->adjudication_count; a++) {
            const x12_claim_line_adjudication *ad = &ln->adjudications[a];
            if (!has(ad->payer_id) || strcmp(ad->payer_id, op->payer.id) != 0)
                continue;
            seen = has_svd = 1;
            line_svd += ad->paid_cents;
            line_cas += cas_sum(ad->adjustments, ad->adjustment_count);
        }
        if (seen && line_svd + line_cas != ln->charge_cents)
            problem(k, X12_ERR_CLAIM_TOTAL,
                    "the line charge = this payer's SVD02 + its 2430 CAS amounts",
                    "lines[%zu].adjudications", i);
        svd += line_svd;
        cas_lines += line_cas;
    }
    if (!op->has_paid)
        return;
    if (op->paid_cents + cas_claim + cas_lines != cl->total_charge_cents)
        problem(k, X12_ERR_CLAIM_TOTAL, "CLM02 = AMT*D + 2320 CAS + 2430 CAS of this payer",
                "other_payers[%zu].paid_cents", o);
    else if (has_svd && op->paid_cents != svd - cas_claim)
        problem(k, X12_ERR_CLAIM_TOTAL, "AMT*D = this payer's SVD02 - its 2320 CAS amounts",
                "other_payers[%zu].paid_cents", o);
}

/* What the claim says against itself (the spec rules <guide>.diagnosis-unique,
 * .payer-sequence-unique, .payer-sequence-not-subscriber,
 * .service-not-before-accident, 837i.service-in-statement-period,
 * .line-referring-needs-claim-referring). */
static void check_consistency(checker *k)
{
    const x12_claim *cl = k->cl;
    char buf[48], d[96];
    for (size_t i = 0; i < cl->other_diagnosis_count; i++) {
        const char *code = cl->other_diagnoses[i].code, *at;
        if (has(code) && (at = earlier_dx(cl, code, i + 1, buf, sizeof buf)) != NULL) {
            snprintf(d, sizeof d, "the same code as %s (a code is sent once)", at);
            problem(k, X12_ERR_CLAIM_CODE, d, "other_diagnoses[%zu].code", i);
        }
    }
    const char *own = cl->subscriber ? cl->subscriber->payer_responsibility : NULL;
    for (size_t i = 0; i < cl->other_payer_count; i++) {
        const char *seq = cl->other_payers[i].payer_responsibility;
        if (!has(seq))
            continue;
        if (has(own) && !strcmp(own, seq)) {
            problem(k, X12_ERR_CLAIM_CODE, "the destination payer's own sequence (SBR01)",
                    "other_payers[%zu].payer_responsibility", i);
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (has(cl->other_payers[j].payer_responsibility) &&
                !strcmp(cl->other_payers[j].payer_responsibility, seq)) {
                snprintf(d, sizeof d, "the same as other_payers[%zu]'s (each level once)", j);
                problem(k, X12_ERR_CLAIM_CODE, d, "other_payers[%zu].payer_responsibility", i);
                break;
            }
    }
    /* how each prior payer's adjudication is reported (2320 AMT*D, 2330B
     * DTP*573, AMT*EAF at one level: the validator's X12_ERR_COB_REPORTING) */
    for (size_t o = 0; o < cl->other_payer_count; o++) {
        const x12_claim_other_payer *op = &cl->other_payers[o];
        int lines = 0, line_eaf = 0;
        if (!has(op->payer.id))
            continue; /* (said above) which lines are its cannot be known */
        for (size_t i = 0; i < cl->line_count; i++)
            for (size_t a = 0; a < cl->lines[i].adjudication_count; a++) {
                const x12_claim_line_adjudication *ad = &cl->lines[i].adjudications[a];
                if (has(ad->payer_id) && !strcmp(ad->payer_id, op->payer.id)) {
                    lines = 1;
                    line_eaf |= ad->has_remaining;
                }
            }
        if (lines && !op->has_paid)
            problem(k, X12_ERR_CLAIM_REQUIRED,
                    "AMT*D, since this payer adjudicated lines (2430)",
                    "other_payers[%zu].paid_cents", o);
        if (op->has_paid && !lines && !has(op->adjudication_date))
            problem(k, X12_ERR_CLAIM_REQUIRED,
                    "2330B DTP*573 for a claim this payer adjudicated (paid) without lines (2430)",
                    "other_payers[%zu].adjudication_date", o);
        if (lines && has(op->adjudication_date))
            problem(k, X12_ERR_CLAIM_DATE,
                    "also on this payer's line adjudications (2430 DTP*573): the lines' only",
                    "other_payers[%zu].adjudication_date", o);
        for (size_t j = 0; j < op->amount_count && line_eaf; j++)
            if (has(op->amounts[j].qualifier) && !strcmp(op->amounts[j].qualifier, "EAF"))
                problem(k, X12_ERR_CLAIM_CODE,
                        "also on this payer's line adjudications (2430 AMT*EAF): one level only",
                        "other_payers[%zu].amounts[%zu]", o, j);
        check_cob_balance(k, o);
    }
    /* dates of service: not before the accident (837P, 837D); inside the
     * statement period (837I) */
    const char *accident = NULL;
    for (size_t i = 0; i < cl->date_count; i++)
        if (has(cl->dates[i].qualifier) && !strcmp(cl->dates[i].qualifier, "439"))
            accident = cl->dates[i].value;
    const char *af = NULL, *sf = NULL, *sl = NULL, *unused;
    int has_accident = cl->type != X12_CLAIM_INSTITUTIONAL && span_of(accident, &af, &unused);
    const char *from = cl->statement_from, *to = has(cl->statement_to) ? cl->statement_to : from;
    int has_period = cl->type == X12_CLAIM_INSTITUTIONAL && span_of(from, &sf, &unused) &&
                     span_of(to, &unused, &sl) && memcmp(sf, sl, 8) <= 0; /* else statement_to's */
    if (has_accident)
        for (size_t i = 0; i < cl->date_count; i++) {
            const char *f, *l;
            if (has(cl->dates[i].qualifier) && !strcmp(cl->dates[i].qualifier, "472") &&
                span_of(cl->dates[i].value, &f, &l) && memcmp(f, af, 8) < 0)
                problem(k, X12_ERR_CLAIM_DATE, "before the accident date (DTP*439)",
                        "dates[%zu].value", i);
        }
    /* the code set by date of service (rules <guide>.icd10-from-2015-10-01,
     * .icd9-before-2015-10-01): the principal code's qualifier, ABK by default */
    const char *q = cl->principal_diagnosis.qualifier;
    int icd9 = has(q) && !strcmp(q, "BK"), icd10 = !has(q) || !strcmp(q, "ABK");
    int by_date = cl->type != X12_CLAIM_INSTITUTIONAL && has(cl->principal_diagnosis.code);
    for (size_t i = 0; i < cl->line_count; i++) {
        const char *f, *l;
        if (!span_of(cl->lines[i].service_date, &f, &l))
            continue;
        if (by_date && icd10 && memcmp(f, "20151001", 8) < 0)
            problem(k, X12_ERR_CLAIM_DATE, "before 2015-10-01: ICD-9-CM codes (BK), not ICD-10-CM",
                    "lines[%zu].service_date", i);
        if (by_date && icd9 && memcmp(l, "20150930", 8) > 0)
            problem(k, X12_ERR_CLAIM_DATE, "from 2015-10-01: ICD-10-CM codes (ABK), not ICD-9-CM",
                    "lines[%zu].service_date", i);
        if (has_accident && memcmp(f, af, 8) < 0)
            problem(k, X12_ERR_CLAIM_DATE, "before the accident date (DTP*439)",
                    "lines[%zu].service_date", i);
        if (has_period && (memcmp(f, sf, 8) < 0 || memcmp(l, sl, 8) > 0))
            problem(k, X12_ERR_CLAIM_DATE, "outside the statement period (DTP*434)",
                    "lines[%zu].service_date", i);
    }
    /* 837I: the diagnoses' code set by the statement period's last day (an
     * inpatient claim is coded by its discharge; any other spanning
     * 2015-10-01 is split), the procedures' by their own dates (rules
     * 837i.icd9-before-2015-10-01, .icd10-from-2015-10-01 and their
     * procedure twins) */
    if (cl->type == X12_CLAIM_INSTITUTIONAL && has_period && has(cl->principal_diagnosis.code)) {
        if (icd9 && memcmp(sl, "20150930", 8) > 0)
            problem(k, X12_ERR_CLAIM_DATE,
                    "a statement period ending from 2015-10-01: ICD-10-CM codes (ABK), not ICD-9-CM",
                    "principal_diagnosis.qualifier");
        if (icd10 && memcmp(sl, "20151001", 8) < 0)
            problem(k, X12_ERR_CLAIM_DATE,
                    "a statement period ending before 2015-10-01: ICD-9-CM codes (BK), not "
                    "ICD-10-CM",
                    "principal_diagnosis.qualifier");
    }
    if (cl->type == X12_CLAIM_INSTITUTIONAL)
        for (size_t i = 0; i <= cl->other_procedure_count; i++) {
            const x12_claim_code *pc = i ? &cl->other_procedures[i - 1] : &cl->principal_procedure;
            const char *f, *l, *pq = pc->qualifier;
            if (!has(pc->code) || !span_of(pc->date, &f, &l))
                continue;
            int pcs9 = has(pq) && (!strcmp(pq, "BR") || !strcmp(pq, "BQ"));
            int pcs10 = !has(pq) || !strcmp(pq, "BBR") || !strcmp(pq, "BBQ");
            char path[48] = "principal_procedure.date";
            if (i)
                snprintf(path, sizeof path, "other_procedures[%zu].date", i - 1);
            if (pcs9 && memcmp(l, "20150930", 8) > 0)
                problem(k, X12_ERR_CLAIM_DATE,
                        "from 2015-10-01: ICD-10-PCS procedure codes (BBR, BBQ), not ICD-9-CM",
                        "%s", path);
            if (pcs10 && memcmp(f, "20151001", 8) < 0)
                problem(k, X12_ERR_CLAIM_DATE,
                        "before 2015-10-01: ICD-9-CM procedure codes (BR, BQ), not ICD-10-PCS",
                        "%s", path);
        }
    /* 005010X223A2 2300 DTP*096: the discharge hour on a final claim, not on
     * an interim bill (rule 837i.discharge-hour-final) */
    if (cl->type == X12_CLAIM_INSTITUTIONAL && has(cl->discharge_date) && has(cl->frequency_code) &&
        (!strcmp(cl->frequency_code, "2") || !strcmp(cl->frequency_code, "3")))
        problem(k, X12_ERR_CLAIM_CODE, "not on an interim bill (frequency_code 2 or 3)",
                "discharge_date");
    /* a property and casualty claim (DTP*444) names its claim number (REF*Y4)
     * in the patient's loop (rules 837p.pc-claim-number-subscriber, -patient) */
    int pc = 0;
    for (size_t i = 0; i < cl->date_count; i++)
        pc |= has(cl->dates[i].qualifier) && !strcmp(cl->dates[i].qualifier, "444");
    const x12_claim_party *who = cl->patient      ? &cl->patient->patient
                                 : cl->subscriber ? &cl->subscriber->subscriber
                                                  : NULL;
    if (pc && cl->type == X12_CLAIM_PROFESSIONAL && who) {
        int y4 = 0;
        for (size_t i = 0; i < who->ref_count; i++)
            y4 |= has(who->refs[i].qualifier) && !strcmp(who->refs[i].qualifier, "Y4") &&
                  has(who->refs[i].value);
        if (!y4)
            problem(k, X12_ERR_CLAIM_REQUIRED, "REF*Y4 for a property and casualty claim (DTP*444)",
                    cl->patient ? "patient.patient.refs" : "subscriber.subscriber.refs");
    }
    /* a provider does not supervise itself: the supervising provider's NPI is
     * not the rendering provider's (837P 2310D, 837D 2310E against 2310B; rule
     * <guide>.supervising-not-rendering) */
    const char *rendering = NULL;
    for (size_t i = 0; i < cl->provider_count; i++)
        if (cl->providers[i].role == X12_PROVIDER_RENDERING && has(cl->providers[i].party.id))
            rendering = cl->providers[i].party.id;
    for (size_t i = 0; i < cl->provider_count && rendering; i++)
        if (cl->providers[i].role == X12_PROVIDER_SUPERVISING &&
            has(cl->providers[i].party.id) && !strcmp(cl->providers[i].party.id, rendering))
            problem(k, X12_ERR_CLAIM_CODE,
                    "the rendering provider's NPI: a provider does not supervise itself",
                    "providers[%zu].party.id", i);
    /* a line's referring provider overrides the claim's (837P 2420F, 837I
     * 2420D), which a claim with a referral has */
    if (cl->type == X12_CLAIM_DENTAL)
        return;
    int claim_referring = 0;
    for (size_t i = 0; i < cl->provider_count; i++)
        claim_referring |= cl->providers[i].role == X12_PROVIDER_REFERRING;
    for (size_t i = 0; i < cl->line_count && !claim_referring; i++)
        for (size_t j = 0; j < cl->lines[i].provider_count; j++)
            if (cl->lines[i].providers[j].role == X12_PROVIDER_REFERRING) {
                problem(k, X12_ERR_CLAIM_REQUIRED,
                        "a line's referring provider needs the claim's (2310A, 837I 2310F)",
                        "lines[%zu].providers[%zu]", i, j);
                break;
            }
}

static int code_count(const x12_claim *cl)
{
    return (has(cl->principal_diagnosis.code) ? 1 : 0) + (int)cl->other_diagnosis_count;
}

/* A place of service: two digits (CMS place of service codes 01-99). */
static int pos_ok(const char *s)
{
    return all_digits(s, 2, 2);
}

static void check_line(checker *k, const x12_claim *cl, const x12_claim_line *l, size_t i)
{
    x12_claim_type t = cl->type;
    const spec_seg *svd = l->adjudication_count ? guide_seg(k, "2430", "SVD", NULL) : NULL;
    if (t == X12_CLAIM_INSTITUTIONAL) {
        /* 005010X223A2 2400 SV201: a revenue code, four digits */
        if (!has(l->revenue_code))
            problem(k, X12_ERR_CLAIM_REQUIRED, "SV201", "lines[%zu].revenue_code", i);
        else if (!all_digits(l->revenue_code, 4, 4))
            problem(k, X12_ERR_CLAIM_CODE, "four digits", "lines[%zu].revenue_code", i);
        else if (l->revenue_code[0] > '3') /* rule 837i.revenue-code-format */
            problem(k, X12_ERR_CLAIM_CODE, "first digit 0-3 (NUBC)", "lines[%zu].revenue_code", i);
        /* SV202 is written with its procedure: a qualifier, modifier or
         * description without one was left out */
        if (!has(l->procedure) && (has(l->procedure_qualifier) || has(l->modifiers[0]) ||
                                   has(l->modifiers[1]) || has(l->modifiers[2]) ||
                                   has(l->modifiers[3]) || has(l->description)))
            problem(k, X12_ERR_CLAIM_REQUIRED, "SV202-2 (with the other parts of SV202)",
                    "lines[%zu].procedure", i);
    } else if (!has(l->procedure)) {
        problem(k, X12_ERR_CLAIM_REQUIRED, "SV101-2/SV301-2", "lines[%zu].procedure", i);
    }
    /* rule <guide>.procedure-code-format: HCPCS/CPT five letters or digits,
     * CDT a D and four digits */
    if (has(l->procedure)) {
        const char *pq = has(l->procedure_qualifier) ? l->procedure_qualifier
                         : t == X12_CLAIM_DENTAL      ? "AD"
                                                      : "HC";
        const char *p = l->procedure;
        int ok = 1;
        if (!strcmp(pq, "HC")) {
            for (size_t j = 0; j < 5 && ok; j++)
                ok = alnum_upper(p[j]);
            ok = ok && p[5] == '\0';
        } else if (!strcmp(pq, "AD")) {
            ok = p[0] == 'D' && all_digits(p + 1, 4, 4);
        }
        if (!ok)
            problem(k, X12_ERR_CLAIM_CODE,
                    !strcmp(pq, "AD") ? "a CDT code: D and four digits"
                                      : "five letters or digits (HCPCS/CPT)",
                    "lines[%zu].procedure", i);
    }
    if (l->charge_cents < 0)
        problem(k, X12_ERR_CLAIM_CODE, "not negative", "lines[%zu].charge_cents", i);
    if (t == X12_CLAIM_PROFESSIONAL && !has(l->units))
        problem(k, X12_ERR_CLAIM_REQUIRED, "SV104", "lines[%zu].units", i);
    if (has(l->units)) {
        /* R: digits with at most one decimal point */
        int dots = 0, bad = 0;
        for (const char *p = l->units; *p; p++)
            if (*p == '.')
                dots++;
            else if (*p < '0' || *p > '9')
                bad = 1;
        if (bad || dots > 1)
            problem(k, X12_ERR_CLAIM_CODE, "a decimal number", "lines[%zu].units", i);
    }
    for (int m = 0; m < 4; m++)
        if (has(l->modifiers[m]) &&
            (strlen(l->modifiers[m]) != 2 || !alnum_upper(l->modifiers[m][0]) ||
             !alnum_upper(l->modifiers[m][1])))
            problem(k, X12_ERR_CLAIM_CODE, "two letters or digits", "lines[%zu].modifiers[%d]", i,
                    m);
    if (has(l->place_of_service) && !pos_ok(l->place_of_service))
        problem(k, X12_ERR_CLAIM_CODE, "two digits", "lines[%zu].place_of_service", i);
    /* 005010X222A1 2400 SV107-1 is required; pointers address HI (1-12) */
    int n = code_count(cl);
    if (t == X12_CLAIM_PROFESSIONAL && !l->diagnosis_pointers[0])
        problem(k, X12_ERR_CLAIM_REQUIRED, "SV107-1", "lines[%zu].diagnosis_pointers[0]", i);
    for (int p = 0; p < 4; p++) {
        unsigned v = l->diagnosis_pointers[p];
        if (v && (int)v > n)
            problem(k, X12_ERR_CLAIM_POINTER, n ? "within the claim's diagnoses" : "no diagnoses",
                    "lines[%zu].diagnosis_pointers[%d]", i, p);
        if (p && v && !l->diagnosis_pointers[p - 1])
            problem(k, X12_ERR_CLAIM_POINTER, "pointers fill from the first",
                    "lines[%zu].diagnosis_pointers[%d]", i, p);
    }
    if (t == X12_CLAIM_PROFESSIONAL && !has(l->service_date))
        problem(k, X12_ERR_CLAIM_REQUIRED, "DTP*472", "lines[%zu].service_date", i);
    if (has(l->service_date) && !period_ok(l->service_date))
        problem(k, X12_ERR_CLAIM_DATE, "CCYYMMDD or CCYYMMDD-CCYYMMDD", "lines[%zu].service_date",
                i);
    for (size_t d = 0; d < l->date_count; d++)
        if (!has(l->dates[d].qualifier) || !has(l->dates[d].value))
            problem(k, X12_ERR_CLAIM_REQUIRED, "DTP01 and DTP03", "lines[%zu].dates[%zu]", i, d);
    if (l->drug && (!has(l->drug->qualifier) || !has(l->drug->code)))
        problem(k, X12_ERR_CLAIM_REQUIRED, "LIN02 and LIN03", "lines[%zu].drug.code", i);
    else if (l->drug && !strcmp(l->drug->qualifier, "N4") && !all_digits(l->drug->code, 11, 11))
        /* rule <guide>.ndc-11-digits: the NDC in 5-4-2, no hyphens */
        problem(k, X12_ERR_CLAIM_CODE, "an NDC of eleven digits (5-4-2, no hyphens)",
                "lines[%zu].drug.code", i);
    if (l->drug && (!has(l->drug->quantity) || !has(l->drug->unit)))
        problem(k, X12_ERR_CLAIM_REQUIRED, "CTP04 and CTP05", "lines[%zu].drug.quantity", i);
    else if (l->drug && !positive_number(l->drug->quantity))
        /* rule <guide>.drug-unit-count */
        problem(k, X12_ERR_CLAIM_CODE, "more than zero", "lines[%zu].drug.quantity", i);
    char buf[64];
    snprintf(buf, sizeof buf, "lines[%zu].providers", i);
    check_providers(k, l->providers, l->provider_count, buf, 1);
    snprintf(buf, sizeof buf, "lines[%zu].attachments", i);
    check_attachments(k, l->attachments, l->attachment_count, buf);
    for (size_t a = 0; a < l->adjudication_count; a++) {
        const x12_claim_line_adjudication *ad = &l->adjudications[a];
        if (!has(ad->payer_id))
            problem(k, X12_ERR_CLAIM_REQUIRED, "SVD01", "lines[%zu].adjudications[%zu].payer_id",
                    i, a);
        else {
            int found = 0;
            for (size_t o = 0; o < cl->other_payer_count; o++)
                if (has(cl->other_payers[o].payer.id) &&
                    !strcmp(cl->other_payers[o].payer.id, ad->payer_id))
                    found = 1;
            if (!found)
                problem(k, X12_ERR_CLAIM_CODE, "an other payer's 2330B NM109",
                        "lines[%zu].adjudications[%zu].payer_id", i, a);
        }
        if (ad->paid_cents < 0) /* rule <guide>.line-paid-not-negative */
            problem(k, X12_ERR_CLAIM_CODE, "zero or more",
                    "lines[%zu].adjudications[%zu].paid_cents", i, a);
        if (!has(ad->adjudication_date))
            problem(k, X12_ERR_CLAIM_REQUIRED, "DTP*573",
                    "lines[%zu].adjudications[%zu].adjudication_date", i, a);
        else if (!date_ok(ad->adjudication_date, strlen(ad->adjudication_date)))
            problem(k, X12_ERR_CLAIM_DATE, "CCYYMMDD",
                    "lines[%zu].adjudications[%zu].adjudication_date", i, a);
        for (size_t j = 0; j < ad->adjustment_count; j++)
            if (!has(ad->adjustments[j].group) || !has(ad->adjustments[j].reason))
                problem(k, X12_ERR_CLAIM_REQUIRED, "CAS01 and CAS02",
                        "lines[%zu].adjudications[%zu].adjustments[%zu]", i, a, j);
        /* 2430 SVD by the guide: SVD03 the procedure (R in 837P and 837D),
         * SVD04 the revenue code (R in 837I, Not Used elsewhere), SVD05 the
         * units (R) */
        int given[5] = {1, 1, has(ad->procedure), has(ad->revenue_code), has(ad->units)};
        static const char *const field[5] = {NULL, NULL, "procedure", "revenue_code", "units"};
        snprintf(buf, sizeof buf, "lines[%zu].adjudications[%zu]", i, a);
        check_usage(k, svd, given, field, 5, buf);
    }
}

/* 2300 HI (C022) of 005010X222A1, X223A2 and X224A2: which qualifier a
 * code may have, which components it may fill and which it must, is the
 * guide's word for the composite it is written in: HI01 of the HI its
 * qualifier picks (the 837I's kinds, each principal code), or, when
 * `host_qual` is given, HI02 of the HI that qualifier picks (the 837P's and
 * 837D's other diagnoses after the principal one, the 837P's other
 * anesthesia procedures after the first).  An 837I other diagnosis has no
 * amount (HI01-05 Not Used), an occurrence needs its date (HI01-04
 * Required).  A code that broke this was written and broke the guide; it is
 * refused instead. */
static void check_code_fit(checker *k, const x12_claim_code *c, size_t n, const char *def,
                           const char *path, int list, const char *host_qual)
{
    size_t first = 0;
    while (first < n && !has(c[first].code))
        first++; /* (a code missing is said by the checks of each list) */
    if (first == n)
        return;
    const spec_seg *field = guide_seg(k, "2300", "HI", host_qual ? host_qual : def);
    uint16_t at_el = host_qual ? 2 : 1;
    if (!field || field->nels < at_el || !field->els[at_el - 1].ncomps)
        return; /* not in this guide (check_guide_fit), or its qualifier is said there */
    const spec_el *comp = &field->els[at_el - 1];
    for (size_t i = first; i < n; i++) {
        const x12_claim_code *x = &c[i];
        if (!has(x->code))
            continue;
        char at[64], detail[64];
        if (list)
            snprintf(at, sizeof at, "%s[%zu]", path, i);
        else
            snprintf(at, sizeof at, "%s", path);
        const char *q = has(x->qualifier) ? x->qualifier : def;
        if (!spec_el_has_code(&comp->comps[0], q, strlen(q)) ||
            (!host_qual && q != def && guide_seg(k, "2300", "HI", q) != field)) {
            snprintf(detail, sizeof detail, "not a qualifier of this HI (%s-01)", comp->ref);
            problem(k, X12_ERR_CLAIM_CODE, detail, "%s.qualifier", at);
            continue;
        }
        static const struct { uint16_t comp; const char *field; } F[] = {
            {4, "date"}, {5, "amount_cents"}, {6, "quantity"}, {9, "poa"}};
        int given[4] = {has(x->date), x->has_amount, has(x->quantity), has(x->poa)};
        for (size_t f = 0; f < 4; f++) {
            const spec_el *e = F[f].comp <= comp->ncomps ? &comp->comps[F[f].comp - 1] : NULL;
            char usage = e ? e->usage : 'N';
            if (given[f] && usage == 'N') {
                snprintf(detail, sizeof detail, "not used by the guide (%s-%02u with %.3s)",
                         comp->ref, (unsigned)F[f].comp, q);
                problem(k, X12_ERR_CLAIM_CODE, detail, "%s.%s", at, F[f].field);
            } else if (!given[f] && usage == 'R') {
                snprintf(detail, sizeof detail, "%s-%02u with %.3s", comp->ref,
                         (unsigned)F[f].comp, q);
                problem(k, X12_ERR_CLAIM_REQUIRED, detail, "%s.%s", at, F[f].field);
            }
        }
    }
}

/* A qualifier the claim gives that picks a segment of loop `loop` (its
 * key): one no definition of `id` there takes would put the segment
 * nowhere, and a required one would be missing.  The segment it picks is
 * counted against its max use (use_seg; the loop instance's uses_reset()
 * comes first).  Nothing is said when the guide has no `id` there
 * (check_guide_fit says that) or `v` is empty. */
static void check_key(checker *k, const char *loop, const char *id, const char *v,
                      const char *fmt, ...)
{
    if (!has(v))
        return;
    const spec_seg *d = guide_seg(k, loop, id, v);
    if ((d && !use_seg(k, d)) || (!d && !guide_seg(k, loop, id, NULL)))
        return;
    char path[96], detail[80];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    if (d) {
        too_many(k, d, loop, "%s", path);
        return;
    }
    snprintf(detail, sizeof detail, "not a code of any %s of loop %s", id, loop);
    problem(k, X12_ERR_CLAIM_CODE, detail, "%s", path);
}

/* A field the writer puts as segment `id` with qualifier `q` in loop
 * `loop` (prior_authorization: 2300 REF*G1), counted with the others; its
 * path is `name`, after "lines[i]." when `line` is not SIZE_MAX. */
static void count_field(checker *k, const char *loop, const char *id, const char *q,
                        const char *v, size_t line, const char *name)
{
    const spec_seg *d = has(v) ? guide_seg(k, loop, id, q) : NULL;
    if (d && use_seg(k, d)) {
        if (line == SIZE_MAX)
            too_many(k, d, loop, "%s", name);
        else
            too_many(k, d, loop, "lines[%zu].%s", line, name);
    }
}

/* Any part of an HI code given (the writer writes none of it without its
 * code). */
static int code_given(const x12_claim_code *c)
{
    return has(c->code) || has(c->qualifier) || has(c->date) || c->has_amount ||
           has(c->quantity) || has(c->poa);
}

/* Fields the claim's guide has no place for: the writer would leave them
 * out, so a claim carrying them is refused rather than shortened silently. */
#define NOT_IN_GUIDE(cond, ...)                                                  \
    do {                                                                         \
        if (cond)                                                                \
            problem(k, X12_ERR_CLAIM_CODE, "not in this guide", __VA_ARGS__);    \
    } while (0)

static void check_guide_fit(checker *k)
{
    const x12_claim *cl = k->cl;
    int prof = cl->type == X12_CLAIM_PROFESSIONAL, inst = cl->type == X12_CLAIM_INSTITUTIONAL,
        dent = cl->type == X12_CLAIM_DENTAL;
    /* 837P only */
    NOT_IN_GUIDE(!prof && has(cl->onset_date), "onset_date");
    NOT_IN_GUIDE(!prof && has(cl->patient_signature_source), "patient_signature_source");
    NOT_IN_GUIDE(!prof && cl->ambulance, "ambulance");
    NOT_IN_GUIDE(!prof && cl->spinal, "spinal");
    NOT_IN_GUIDE(!prof && cl->condition_indicator_count, "condition_indicators");
    NOT_IN_GUIDE(!prof && cl->subscriber &&
                     (has(cl->subscriber->death_date) || has(cl->subscriber->weight) ||
                      has(cl->subscriber->pregnant)),
                 "subscriber.weight");
    NOT_IN_GUIDE(!prof && cl->patient &&
                     (has(cl->patient->death_date) || has(cl->patient->weight) ||
                      has(cl->patient->pregnant)),
                 "patient.weight");
    /* 837I only */
    NOT_IN_GUIDE(!inst && (has(cl->statement_from) || has(cl->statement_to)), "statement_from");
    NOT_IN_GUIDE(!inst && (has(cl->admission_type) || has(cl->admission_source) ||
                           has(cl->patient_status)),
                 "admission_type");
    NOT_IN_GUIDE(!inst && code_given(&cl->admitting_diagnosis), "admitting_diagnosis");
    NOT_IN_GUIDE(!inst && cl->reason_for_visit_count, "reason_for_visit");
    NOT_IN_GUIDE(!inst && cl->external_cause_count, "external_causes");
    NOT_IN_GUIDE(!inst && has(cl->drg), "drg");
    NOT_IN_GUIDE(!inst && cl->occurrence_span_count, "occurrence_spans");
    NOT_IN_GUIDE(!inst && cl->occurrence_count, "occurrences");
    NOT_IN_GUIDE(!inst && cl->value_count, "values");
    NOT_IN_GUIDE(!inst && cl->treatment_code_count, "treatment_codes");
    /* 837D only */
    int ortho = has(cl->ortho_months_total) || has(cl->ortho_months_remaining) ||
                has(cl->ortho_questionnaire);
    NOT_IN_GUIDE(!dent && (cl->has_orthodontic || ortho), "has_orthodontic");
    /* DN1 is written when has_orthodontic says so: its parts alone were left
     * out */
    if (dent && ortho && !cl->has_orthodontic)
        problem(k, X12_ERR_CLAIM_REQUIRED, "has_orthodontic (DN1, with the DN1 fields given)",
                "has_orthodontic");
    NOT_IN_GUIDE(!dent && cl->tooth_status_count, "tooth_status");
    /* 005010X224A2 DN2: a tooth and one status code (DN202, surfaces[0]) */
    for (size_t i = 0; dent && i < cl->tooth_status_count; i++)
        for (size_t j = 1; j < 5; j++)
            if (has(cl->tooth_status[i].surfaces[j])) {
                problem(k, X12_ERR_CLAIM_CODE, "DN2 has one status code (surfaces[0])",
                        "tooth_status[%zu].surfaces[%zu]", i, j);
                break;
            }
    NOT_IN_GUIDE(!dent && has(cl->predetermination), "predetermination");
    /* 837P and 837I */
    NOT_IN_GUIDE(dent && (code_given(&cl->principal_procedure) || cl->other_procedure_count),
                 "principal_procedure");
    /* a single code given in part, without its code */
    if (inst && code_given(&cl->admitting_diagnosis) && !has(cl->admitting_diagnosis.code))
        problem(k, X12_ERR_CLAIM_REQUIRED, "HI ABJ-02", "admitting_diagnosis.code");
    if (!dent && code_given(&cl->principal_procedure) && !has(cl->principal_procedure.code) &&
        !(prof && cl->other_procedure_count)) /* (then said below) */
        problem(k, X12_ERR_CLAIM_REQUIRED, prof ? "HI BP-02" : "HI BBR-02",
                "principal_procedure.code");
    NOT_IN_GUIDE(dent && cl->condition_count, "conditions");
    NOT_IN_GUIDE(dent && (has(cl->admission_date) || has(cl->discharge_date)), "admission_date");
    NOT_IN_GUIDE(inst && has(cl->provider_signature), "provider_signature");
    for (size_t i = 0; i < cl->other_payer_count; i++)
        NOT_IN_GUIDE(!inst && cl->other_payers[i].inpatient, "other_payers[%zu].inpatient", i);
    for (size_t i = 0; i < cl->line_count; i++) {
        const x12_claim_line *l = &cl->lines[i];
        NOT_IN_GUIDE(!prof && (has(l->emergency) || has(l->epsdt) || has(l->family_planning) ||
                               has(l->copay_exempt)),
                     "lines[%zu].emergency", i);
        NOT_IN_GUIDE(!prof && (l->ambulance || l->condition_indicator_count), "lines[%zu].ambulance",
                     i);
        NOT_IN_GUIDE(!prof && (l->dme || l->dme_certification || l->form_count), "lines[%zu].dme", i);
        NOT_IN_GUIDE(!prof && l->drug && dent, "lines[%zu].drug", i);
        NOT_IN_GUIDE(inst && has(l->place_of_service), "lines[%zu].place_of_service", i);
        NOT_IN_GUIDE(inst && (l->diagnosis_pointers[0] || l->diagnosis_pointers[1]),
                     "lines[%zu].diagnosis_pointers", i);
        NOT_IN_GUIDE(!inst && has(l->revenue_code), "lines[%zu].revenue_code", i);
        /* SV206 is not used in 005010X223A2 */
        NOT_IN_GUIDE(l->has_unit_rate, "lines[%zu].unit_rate_cents", i);
        NOT_IN_GUIDE(!inst && l->has_non_covered, "lines[%zu].non_covered_cents", i);
        int cavity = 0;
        for (size_t j = 0; j < 5; j++)
            cavity |= has(l->oral_cavity[j]);
        NOT_IN_GUIDE(!dent && (l->tooth_count || cavity || has(l->prosthesis)),
                     "lines[%zu].teeth", i);
        NOT_IN_GUIDE(dent && (l->amount_count || l->attachment_count), "lines[%zu].amounts", i);
        NOT_IN_GUIDE(dent && has(l->unit_basis), "lines[%zu].unit_basis", i); /* SV3: none */
        NOT_IN_GUIDE(!prof && (l->quantity_count || l->measurement_count || l->contract ||
                               l->file_info_count || has(l->purchased_provider_id) ||
                               l->has_purchased),
                     "lines[%zu].quantities", i);
    }
    /* the codes of the HI segments, by the guide's HI for each qualifier */
    const x12_claim_code *pd = &cl->principal_diagnosis, *pp = &cl->principal_procedure;
    const char *dx_host = NULL, *px_host = NULL;
    if (!inst) /* 837P/837D: the others follow the principal diagnosis in its HI */
        dx_host = has(pd->qualifier) ? pd->qualifier : "ABK";
    if (prof) { /* 837P: HI*BP, then the others as BO in the same HI */
        px_host = has(pp->qualifier) ? pp->qualifier : "BP";
        if (cl->other_procedure_count && !has(pp->code))
            problem(k, X12_ERR_CLAIM_REQUIRED, "HI01 BP before the BO codes",
                    "principal_procedure.code");
    }
    check_code_fit(k, pd, 1, "ABK", "principal_diagnosis", 0, NULL);
    check_code_fit(k, &cl->admitting_diagnosis, 1, "ABJ", "admitting_diagnosis", 0, NULL);
    check_code_fit(k, cl->reason_for_visit, cl->reason_for_visit_count, "APR",
                   "reason_for_visit", 1, NULL);
    check_code_fit(k, cl->external_causes, cl->external_cause_count, "ABN", "external_causes",
                   1, NULL);
    check_code_fit(k, cl->other_diagnoses, cl->other_diagnosis_count, "ABF", "other_diagnoses",
                   1, dx_host);
    check_code_fit(k, pp, 1, prof ? "BP" : "BBR", "principal_procedure", 0, NULL);
    check_code_fit(k, cl->other_procedures, cl->other_procedure_count, prof ? "BO" : "BBQ",
                   "other_procedures", 1, px_host);
    check_code_fit(k, cl->occurrence_spans, cl->occurrence_span_count, "BI", "occurrence_spans",
                   1, NULL);
    check_code_fit(k, cl->occurrences, cl->occurrence_count, "BH", "occurrences", 1, NULL);
    check_code_fit(k, cl->values, cl->value_count, "BE", "values", 1, NULL);
    /* 837P: HI*BG holds twelve, the next starts its own HI */
    check_code_fit(k, cl->conditions, cl->condition_count, "BG", "conditions", 1, NULL);
    check_code_fit(k, cl->treatment_codes, cl->treatment_code_count, "TC", "treatment_codes", 1,
                   NULL);
    /* the qualifiers of the claim's and lines' other DTP, REF, AMT, NTE and
     * QTY pick the segment of the loop they go in (005010X222A1 2300
     * DTP*439 accident, 2400 DTP*738 test date); one that picks none made a
     * segment placed nowhere */
    /* ... and each no more often than the guide allows, with the fields
     * the writer puts as the same segment (prior_authorization: REF*G1) */
    uses_reset(k);
    count_field(k, "2300", "DTP", "431", cl->onset_date, SIZE_MAX, "onset_date");
    count_field(k, "2300", "DTP", "435", cl->admission_date, SIZE_MAX, "admission_date");
    count_field(k, "2300", "DTP", "096", cl->discharge_date, SIZE_MAX, "discharge_date");
    count_field(k, "2300", "DTP", "434", cl->statement_from, SIZE_MAX, "statement_from");
    count_field(k, "2300", "REF", "F8", cl->payer_claim_number, SIZE_MAX,
                "payer_claim_number");
    count_field(k, "2300", "REF", "G1", cl->prior_authorization, SIZE_MAX,
                "prior_authorization");
    count_field(k, "2300", "REF", "9F", cl->referral_number, SIZE_MAX, "referral_number");
    count_field(k, "2300", "REF", "EA", cl->medical_record_number, SIZE_MAX,
                "medical_record_number");
    for (size_t i = 0; i < cl->date_count; i++)
        check_key(k, "2300", "DTP", cl->dates[i].qualifier, "dates[%zu].qualifier", i);
    check_ref_parts(k, cl->refs, cl->ref_count, "refs");
    for (size_t i = 0; i < cl->ref_count; i++)
        check_key(k, "2300", "REF", cl->refs[i].qualifier, "refs[%zu].qualifier", i);
    for (size_t i = 0; i < cl->amount_count; i++)
        check_key(k, "2300", "AMT", cl->amounts[i].qualifier, "amounts[%zu].qualifier", i);
    for (size_t i = 0; i < cl->note_count; i++)
        check_key(k, "2300", "NTE", cl->notes[i].code, "notes[%zu].code", i);
    /* 005010X222A1 2300 and 2400 CRC: CRC01 picks which (09, DME, is a line's) */
    for (size_t i = 0; i < cl->condition_indicator_count; i++)
        check_key(k, "2300", "CRC", cl->condition_indicators[i].category,
                  "condition_indicators[%zu].category", i);
    for (size_t i = 0; i < cl->attachment_count; i++)
        check_key(k, "2300", "PWK", cl->attachments[i].report_type,
                  "attachments[%zu].report_type", i);
    for (size_t i = 0; i < cl->other_payer_count; i++) {
        const x12_claim_other_payer *o = &cl->other_payers[i];
        uses_reset(k);
        const spec_seg *amt_d = o->has_paid ? guide_seg(k, "2320", "AMT", "D") : NULL;
        if (amt_d && use_seg(k, amt_d))
            too_many(k, amt_d, "2320", "other_payers[%zu].paid_cents", i);
        for (size_t j = 0; j < o->amount_count; j++)
            check_key(k, "2320", "AMT", o->amounts[j].qualifier,
                      "other_payers[%zu].amounts[%zu].qualifier", i, j);
    }
    for (size_t i = 0; i < cl->line_count; i++) {
        const x12_claim_line *l = &cl->lines[i];
        uses_reset(k);
        count_field(k, "2400", "DTP", "472", l->service_date, i, "service_date");
        count_field(k, "2400", "REF", "6R", l->line_control_number, i, "line_control_number");
        for (size_t j = 0; j < l->date_count; j++)
            check_key(k, "2400", "DTP", l->dates[j].qualifier, "lines[%zu].dates[%zu].qualifier",
                      i, j);
        if (l->ref_count) {
            char refs_path[40];
            snprintf(refs_path, sizeof refs_path, "lines[%zu].refs", i);
            check_ref_parts(k, l->refs, l->ref_count, refs_path);
        }
        for (size_t j = 0; j < l->ref_count; j++)
            check_key(k, "2400", "REF", l->refs[j].qualifier, "lines[%zu].refs[%zu].qualifier", i,
                      j);
        for (size_t j = 0; j < l->amount_count; j++)
            check_key(k, "2400", "AMT", l->amounts[j].qualifier,
                      "lines[%zu].amounts[%zu].qualifier", i, j);
        for (size_t j = 0; j < l->note_count; j++)
            check_key(k, "2400", "NTE", l->notes[j].code, "lines[%zu].notes[%zu].code", i, j);
        for (size_t j = 0; j < l->quantity_count; j++) {
            check_key(k, "2400", "QTY", l->quantities[j].qualifier,
                      "lines[%zu].quantities[%zu].qualifier", i, j);
            if (has(l->quantities[j].category)) /* (a measurement's MEA01) */
                problem(k, X12_ERR_CLAIM_CODE, "QTY has no category",
                        "lines[%zu].quantities[%zu].category", i, j);
        }
        for (size_t j = 0; j < l->condition_indicator_count; j++)
            check_key(k, "2400", "CRC", l->condition_indicators[j].category,
                      "lines[%zu].condition_indicators[%zu].category", i, j);
        /* 005010X222A1 2400: two PWK, PWK01 CT (a DME certificate) and the
         * others */
        for (size_t j = 0; j < l->attachment_count; j++)
            check_key(k, "2400", "PWK", l->attachments[j].report_type,
                      "lines[%zu].attachments[%zu].report_type", i, j);
        /* 2410 REF: REF01 of its codes (VY, XZ), and REF01 with REF02 */
        const x12_claim_drug *dr = l->drug;
        if (!dr)
            continue;
        if (has(dr->ref_value) && !has(dr->ref_qualifier))
            problem(k, X12_ERR_CLAIM_REQUIRED, "REF01", "lines[%zu].drug.ref_qualifier", i);
        else if (has(dr->ref_qualifier) && !has(dr->ref_value))
            problem(k, X12_ERR_CLAIM_REQUIRED, "REF02", "lines[%zu].drug.ref_value", i);
        else if (has(dr->ref_qualifier) && guide_loop(k, "2410") &&
                 !ref_for(guide_loop(k, "2410"), dr->ref_qualifier)) /* (a cached lookup) */
            problem(k, X12_ERR_CLAIM_CODE, "not a code of the REF of loop 2410",
                    "lines[%zu].drug.ref_qualifier", i);
    }
    /* 005010X223A2 2300 CL1: Required, and with it CL101 and CL103 (the
     * spec's usage, CL101's disputed R included) */
    const spec_seg *cl1 = inst ? guide_seg(k, "2300", "CL1", NULL) : NULL;
    if (cl1) {
        int given[3] = {has(cl->admission_type), has(cl->admission_source),
                        has(cl->patient_status)};
        static const char *const field[3] = {"admission_type", "admission_source",
                                             "patient_status"};
        check_usage(k, cl1, given, field, 3, "");
    }
}

size_t x12_claim_check(const x12_claim *cl, size_t claim_index, x12_claim_problem_fn fn,
                       void *ctx)
{
    checker k;
    memset(&k, 0, sizeof k);
    k.cl = cl;
    k.index = claim_index;
    k.fn = fn;
    k.ctx = ctx;
    x12_claim_type t = cl->type;

    /* CLM01: required, at most 38 characters */
    if (!has(cl->claim_id))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM01", "claim_id");
    else if (strlen(cl->claim_id) > 38)
        problem(&k, X12_ERR_CLAIM_CODE, "at most 38 characters", "claim_id");

    /* 2000A/2010AA */
    if (!cl->billing) {
        problem(&k, X12_ERR_CLAIM_REQUIRED, "2010AA", "billing");
    } else {
        const x12_claim_party *bp = &cl->billing->provider;
        check_name(&k, bp, "billing.provider", 1); /* (its NPI with it) */
        if (!has(bp->id))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM109 (NPI)", "billing.provider.id");
        if (!has(bp->address.line1))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "N301", "billing.provider.address.line1");
        if (!has(bp->address.city) || !has(bp->address.state) || !has(bp->address.postal_code))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "N401-N403", "billing.provider.address.city");
        if (!has(bp->tax_id))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "REF*EI or REF*SY", "billing.provider.tax_id");
        else if (!all_digits(bp->tax_id, 9, 9)) /* the guides' 2010AA REF02 pattern */
            problem(&k, X12_ERR_CLAIM_CODE, "nine digits (an EIN or SSN, no separators)",
                    "billing.provider.tax_id");
        if (cl->billing->pay_to_address)
            check_address(&k, &cl->billing->pay_to_address->address, "billing.pay_to_address");
        if (cl->billing->pay_to_plan)
            check_name(&k, cl->billing->pay_to_plan, "billing.pay_to_plan", 1);
    }

    /* 2000B */
    if (!cl->subscriber) {
        problem(&k, X12_ERR_CLAIM_REQUIRED, "2000B", "subscriber");
    } else {
        const x12_claim_subscriber *s = cl->subscriber;
        if (!has(s->payer_responsibility))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "SBR01", "subscriber.payer_responsibility");
        if (!has(s->claim_filing_indicator))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "SBR09", "subscriber.claim_filing_indicator");
        check_person(&k, &s->subscriber, "subscriber.subscriber", 1);
        if (!has(s->subscriber.id))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM109 (member id)", "subscriber.subscriber.id");
        check_name(&k, &s->payer, "subscriber.payer", 1);
        if (!has(s->payer.id))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM109 (payer id)", "subscriber.payer.id");
        if (cl->patient && has(s->relationship) && !strcmp(s->relationship, "18"))
            problem(&k, X12_ERR_CLAIM_CODE, "not 18 when a patient is given",
                    "subscriber.relationship");
        /* rule <guide>.insurance-type-not-primary: SBR05 says why Medicare
         * is not the primary payer, so the primary's SBR has none */
        if (has(s->insurance_type) && has(s->payer_responsibility) &&
            !strcmp(s->payer_responsibility, "P"))
            problem(&k, X12_ERR_CLAIM_CODE, "not on the primary payer (SBR05)",
                    "subscriber.insurance_type");
        if (cl->patient && (has(s->death_date) || has(s->weight) || has(s->pregnant)))
            /* 005010X222A1 2000B PAT only when the subscriber is the patient
             * (rule 837p.subscriber-pat-only-if-patient): the patient's go
             * in patient.death_date, .weight and .pregnant */
            problem(&k, X12_ERR_CLAIM_CODE, "not with a patient (2000B PAT)",
                    has(s->death_date) ? "subscriber.death_date"
                    : has(s->weight)   ? "subscriber.weight"
                                       : "subscriber.pregnant");
        if (!cl->patient) {
            /* the subscriber is the patient: 2010BA N3, N4 and DMG are
             * required (rule <guide>.subscriber-address-if-patient, X12 RFI
             * 2281) */
            const x12_claim_party *p = &s->subscriber;
            /* (an address given in part is check_person's) */
            if (!has(p->address.line1) && !has(p->address.city))
                problem(&k, X12_ERR_CLAIM_REQUIRED, "N3, N4 (the subscriber is the patient)",
                        "subscriber.subscriber.address");
            if (!has(p->birth_date) || !has(p->gender))
                problem(&k, X12_ERR_CLAIM_REQUIRED, "DMG02, DMG03 (the subscriber is the patient)",
                        has(p->birth_date) ? "subscriber.subscriber.gender"
                                           : "subscriber.subscriber.birth_date");
        }
    }
    if (cl->patient) {
        if (!has(cl->patient->relationship))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "PAT01", "patient.relationship");
        check_person(&k, &cl->patient->patient, "patient.patient", 0);
        const spec_loop *plp = party_loop(&k, "2000C", "QC");
        check_party_required(&k, plp, &cl->patient->patient, "patient.patient");
        check_party_loop(&k, plp, &cl->patient->patient, "patient.patient", 0);
    }

    /* CLM11 (C024): CLM11-01 is Required when the composite is sent; a second
     * or third related cause, an accident state or country alone made a CLM11
     * without it (005010X222A1 2300 CLM11) */
    if (!has(cl->related_causes[0]) && (has(cl->related_causes[1]) || has(cl->related_causes[2]) ||
                                        has(cl->accident_state) || has(cl->accident_country)))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM11-01", "related_causes[0]");

    /* BHT06, given with the claim (the set's): one of the guide's codes
     * (005010X222A1 BHT06: CH, RP, 31) */
    if (has(cl->transaction_type)) {
        const spec_seg *bht = guide_seg(&k, "ST", "BHT", NULL);
        const spec_el *e = bht && bht->nels >= 6 ? &bht->els[5] : NULL;
        if (e && e->codes
                ? !spec_codes_has(e->codes, e->ncodes, cl->transaction_type,
                                  strlen(cl->transaction_type))
                : strcmp(cl->transaction_type, "CH") && strcmp(cl->transaction_type, "RP") &&
                      strcmp(cl->transaction_type, "31"))
            problem(&k, X12_ERR_CLAIM_CODE, "BHT06: CH, RP or 31", "transaction_type");
    }

    /* CLM05: place of service (837P/837D) or type of bill (837I) + frequency */
    if (!has(cl->facility_code))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM05-1", "facility_code");
    else if (t == X12_CLAIM_INSTITUTIONAL
                 ? !(all_digits(cl->facility_code, 2, 2) && cl->facility_code[0] != '0' &&
                     cl->facility_code[1] != '0') /* rule 837i.facility-type-format */
                 : !pos_ok(cl->facility_code))
        problem(&k, X12_ERR_CLAIM_CODE,
                t == X12_CLAIM_INSTITUTIONAL ? "type of bill: two digits, each 1-9"
                                             : "place of service: two digits",
                "facility_code");
    else if (t == X12_CLAIM_PROFESSIONAL && !cl->ambulance &&
             (!strcmp(cl->facility_code, "41") || !strcmp(cl->facility_code, "42")))
        /* 005010X222A1 2300 CR1 on every ambulance claim (rule 837p.ambulance-transport) */
        problem(&k, X12_ERR_CLAIM_REQUIRED, "2300 CR1 for place of service 41 and 42",
                "ambulance");
    if (!has(cl->frequency_code))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM05-3", "frequency_code");
    else if (!all_digits(cl->frequency_code, 1, 1) || cl->frequency_code[0] == '0')
        problem(&k, X12_ERR_CLAIM_CODE, "one digit 1-9", "frequency_code");
    else if ((cl->frequency_code[0] == '7' || cl->frequency_code[0] == '8') &&
             !has(cl->payer_claim_number))
        /* 2300 REF*F8 is required when CLM05-3 is 7 (replacement) or 8 (void) */
        problem(&k, X12_ERR_CLAIM_REQUIRED, "REF*F8 for frequency 7 and 8", "payer_claim_number");
    /* CLM06 (837P, 837D), CLM07, CLM08, CLM09: required in every guide
     * (usage R; 837I does not use CLM06).  Left unchecked, a claim without
     * them was written with empty elements and x12 837 --from said its own
     * 837 did not validate. */
    if (t != X12_CLAIM_INSTITUTIONAL && !has(cl->provider_signature))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM06", "provider_signature");
    if (!has(cl->assignment))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM07", "assignment");
    if (!has(cl->benefits_assignment))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM08", "benefits_assignment");
    if (!has(cl->release_of_info))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "CLM09", "release_of_info");

    /* Dates */
    check_date(&k, cl->onset_date, "onset_date");
    if (has(cl->admission_date)) {
        size_t n = strlen(cl->admission_date);
        if (!(date_ok(cl->admission_date, 8) && (n == 8 || (n == 12 && all_digits(cl->admission_date, 12, 12)))))
            problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD or CCYYMMDDHHMM", "admission_date");
    }
    if (has(cl->discharge_date)) {
        int ok = t == X12_CLAIM_INSTITUTIONAL ? all_digits(cl->discharge_date, 4, 4)
                                              : date_ok(cl->discharge_date, strlen(cl->discharge_date));
        if (!ok)
            problem(&k, X12_ERR_CLAIM_DATE, t == X12_CLAIM_INSTITUTIONAL ? "HHMM" : "CCYYMMDD",
                    "discharge_date");
    }
    if (t == X12_CLAIM_INSTITUTIONAL && !has(cl->statement_from))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "DTP*434", "statement_from");
    if (has(cl->statement_from) && !date_ok(cl->statement_from, strlen(cl->statement_from)))
        problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD", "statement_from");
    if (has(cl->statement_to) &&
        (!date_ok(cl->statement_to, strlen(cl->statement_to)) ||
         (has(cl->statement_from) && strcmp(cl->statement_from, cl->statement_to) > 0)))
        problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD, not before statement_from", "statement_to");
    for (size_t i = 0; i < cl->date_count; i++) {
        if (!has(cl->dates[i].qualifier) || !has(cl->dates[i].value))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "DTP01 and DTP03", "dates[%zu]", i);
        else if ((!has(cl->dates[i].format) || !strcmp(cl->dates[i].format, "D8") ||
                  !strcmp(cl->dates[i].format, "RD8")) &&
                 !period_ok(cl->dates[i].value))
            problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD or CCYYMMDD-CCYYMMDD", "dates[%zu].value",
                    i);
    }

    /* Diagnoses: 837P and 837I need a principal one; ICD-10-CM shapes */
    if (t != X12_CLAIM_DENTAL && !has(cl->principal_diagnosis.code))
        problem(&k, X12_ERR_CLAIM_REQUIRED, "HI*ABK", "principal_diagnosis.code");
    if (has(cl->principal_diagnosis.code))
        check_dx(&k, &cl->principal_diagnosis, "ABK", "principal_diagnosis");
    if (has(cl->admitting_diagnosis.code))
        check_dx(&k, &cl->admitting_diagnosis, "ABJ", "admitting_diagnosis");
    char buf[64];
    for (size_t i = 0; i < cl->other_diagnosis_count; i++) {
        snprintf(buf, sizeof buf, "other_diagnoses[%zu]", i);
        check_dx(&k, &cl->other_diagnoses[i], "ABF", buf);
    }
    for (size_t i = 0; i < cl->reason_for_visit_count; i++) {
        snprintf(buf, sizeof buf, "reason_for_visit[%zu]", i);
        check_dx(&k, &cl->reason_for_visit[i], "APR", buf);
    }
    for (size_t i = 0; i < cl->external_cause_count; i++) {
        snprintf(buf, sizeof buf, "external_causes[%zu]", i);
        check_dx(&k, &cl->external_causes[i], "ABN", buf);
    }
    if (t == X12_CLAIM_PROFESSIONAL &&
        (has(cl->principal_procedure.code) ? 1 : 0) + cl->other_procedure_count > 12)
        problem(&k, X12_ERR_CLAIM_COUNT, "at most 12 anesthesia related procedures",
                "other_procedures");
    if (t != X12_CLAIM_INSTITUTIONAL && code_count(cl) > 12)
        problem(&k, X12_ERR_CLAIM_COUNT, "at most 12 diagnoses", "other_diagnoses");
    if (t == X12_CLAIM_INSTITUTIONAL) {
        if (cl->other_diagnosis_count > 24)
            problem(&k, X12_ERR_CLAIM_COUNT, "at most 24", "other_diagnoses");
        if (cl->reason_for_visit_count > 3)
            problem(&k, X12_ERR_CLAIM_COUNT, "at most 3", "reason_for_visit");
        for (size_t i = 0; i < cl->occurrence_count; i++)
            if (has(cl->occurrences[i].date) &&
                !date_ok(cl->occurrences[i].date, strlen(cl->occurrences[i].date)))
                problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD", "occurrences[%zu].date", i);
        for (size_t i = 0; i < cl->occurrence_span_count; i++)
            if (has(cl->occurrence_spans[i].date) && !period_ok(cl->occurrence_spans[i].date))
                problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD-CCYYMMDD", "occurrence_spans[%zu].date",
                        i);
    }

    /* Providers, other payers */
    check_providers(&k, cl->providers, cl->provider_count, "providers", 0);
    if (cl->other_payer_count > 10)
        problem(&k, X12_ERR_CLAIM_COUNT, "at most 10", "other_payers");
    for (size_t i = 0; i < cl->other_payer_count; i++) {
        const x12_claim_other_payer *o = &cl->other_payers[i];
        if (!has(o->payer_responsibility))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "SBR01", "other_payers[%zu].payer_responsibility",
                    i);
        if (!has(o->relationship))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "SBR02", "other_payers[%zu].relationship", i);
        if (!has(o->claim_filing_indicator))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "SBR09",
                    "other_payers[%zu].claim_filing_indicator", i);
        if (!has(o->subscriber.last_name))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM103", "other_payers[%zu].subscriber.last_name",
                    i);
        if (!has(o->subscriber.id))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM109", "other_payers[%zu].subscriber.id", i);
        char sub_path[48]; /* 2330A REF*SY, as the validator's <guide>.ssn-area */
        snprintf(sub_path, sizeof sub_path, "other_payers[%zu].subscriber", i);
        check_ssns(&k, &o->subscriber, sub_path);
        check_id_pair(&k, &o->subscriber, sub_path);
        snprintf(sub_path, sizeof sub_path, "other_payers[%zu].payer", i);
        check_id_pair(&k, &o->payer, sub_path);
        if (!has(o->payer.last_name))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM103", "other_payers[%zu].payer.last_name", i);
        if (!has(o->payer.id))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "NM109", "other_payers[%zu].payer.id", i);
        if (!has(o->benefits_assignment))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "OI03", "other_payers[%zu].benefits_assignment",
                    i);
        if (!has(o->release_of_info))
            problem(&k, X12_ERR_CLAIM_REQUIRED, "OI06", "other_payers[%zu].release_of_info", i);
        if (has(o->adjudication_date) &&
            !date_ok(o->adjudication_date, strlen(o->adjudication_date)))
            problem(&k, X12_ERR_CLAIM_DATE, "CCYYMMDD", "other_payers[%zu].adjudication_date", i);
        for (size_t j = 0; j < o->adjustment_count; j++)
            if (!has(o->adjustments[j].group) || !has(o->adjustments[j].reason))
                problem(&k, X12_ERR_CLAIM_REQUIRED, "CAS01 and CAS02",
                        "other_payers[%zu].adjustments[%zu]", i, j);
    }

    /* Lines: at least one; CLM02 = the sum of the line charges */
    size_t max_lines = t == X12_CLAIM_INSTITUTIONAL ? 999 : 50;
    if (!cl->line_count)
        problem(&k, X12_ERR_CLAIM_REQUIRED, "at least one 2400", "lines");
    else if (cl->line_count > max_lines)
        problem(&k, X12_ERR_CLAIM_COUNT, t == X12_CLAIM_INSTITUTIONAL ? "at most 999" : "at most 50",
                "lines");
    check_attachments(&k, cl->attachments, cl->attachment_count, "attachments");
    int64_t sum = 0;
    for (size_t i = 0; i < cl->line_count; i++) {
        sum += cl->lines[i].charge_cents;
        check_line(&k, cl, &cl->lines[i], i);
        /* 2400 REF*6R names one line: the 277CA and the 835 (REF*6R in 2110)
         * answer by it, and x12 reconcile matches lines by it.  A claim has
         * at most 999 lines, so comparing with the earlier ones is bounded. */
        const char *lcn = cl->lines[i].line_control_number;
        for (size_t j = 0; has(lcn) && j < i && j < 999; j++)
            if (has(cl->lines[j].line_control_number) &&
                !strcmp(cl->lines[j].line_control_number, lcn)) {
                problem(&k, X12_ERR_CLAIM_CODE, "the same as an earlier line's",
                        "lines[%zu].line_control_number", i);
                break;
            }
    }
    if (cl->line_count && sum != cl->total_charge_cents) {
        char d[96];
        snprintf(d, sizeof d, "lines sum to %lld cents", (long long)sum);
        problem(&k, X12_ERR_CLAIM_TOTAL, d, "total_charge_cents");
    }
    check_consistency(&k);
    check_guide_fit(&k);
    /* what the parties' loops take of them (the providers' and the
     * patient's are checked with them); the addresses not checked yet */
    if (cl->billing && cl->billing->pay_to_plan)
        check_address(&k, &cl->billing->pay_to_plan->address, "billing.pay_to_plan");
    if (cl->subscriber)
        check_address(&k, &cl->subscriber->payer.address, "subscriber.payer");
    for (size_t i = 0; i < cl->other_payer_count; i++) {
        char path[48];
        snprintf(path, sizeof path, "other_payers[%zu].subscriber", i);
        check_address(&k, &cl->other_payers[i].subscriber.address, path);
        snprintf(path, sizeof path, "other_payers[%zu].payer", i);
        check_address(&k, &cl->other_payers[i].payer.address, path);
    }
    if (cl->billing) {
        check_party_loop(&k, party_loop(&k, "2000A", "85"), &cl->billing->provider,
                         "billing.provider", PARTY_TAX | PARTY_PRV_ABOVE | PARTY_TAX_SAID);
        if (cl->billing->pay_to_address)
            check_party_loop(&k, party_loop(&k, "2000A", "87"), cl->billing->pay_to_address,
                             "billing.pay_to_address", 0);
        if (cl->billing->pay_to_plan)
            check_party_loop(&k, party_loop(&k, "2000A", "PE"), cl->billing->pay_to_plan,
                             "billing.pay_to_plan", PARTY_TAX);
    }
    if (cl->subscriber) {
        check_party_loop(&k, party_loop(&k, "2000B", "IL"), &cl->subscriber->subscriber,
                         "subscriber.subscriber", 0);
        check_party_loop(&k, party_loop(&k, "2000B", "PR"), &cl->subscriber->payer,
                         "subscriber.payer", PARTY_TAX);
    }
    for (size_t i = 0; i < cl->other_payer_count; i++) {
        char path[80];
        snprintf(path, sizeof path, "other_payers[%zu].subscriber", i);
        check_party_loop(&k, party_loop(&k, "2320", "IL"), &cl->other_payers[i].subscriber, path,
                         0);
        snprintf(path, sizeof path, "other_payers[%zu].payer", i);
        check_party_loop(&k, party_loop(&k, "2320", "PR"), &cl->other_payers[i].payer, path,
                         PARTY_TAX);
        /* 2330C-2330I: the other payer's ids of the claim's providers */
        const x12_claim_other_payer *o = &cl->other_payers[i];
        for (size_t j = 0; j < o->provider_count; j++) {
            snprintf(path, sizeof path, "other_payers[%zu].providers[%zu]", i, j);
            const spec_loop *plp = party_loop(&k, "2320", role_entity(&o->providers[j]));
            if (!plp) {
                if (k.spec)
                    problem(&k, X12_ERR_CLAIM_CODE, "no such other payer provider loop (2330x)",
                            "%s.role", path);
                continue;
            }
            char ppath[96];
            snprintf(ppath, sizeof ppath, "%s.party", path);
            check_party_loop(&k, plp, &o->providers[j].party, ppath, PARTY_REF_ONLY);
        }
    }
    return k.count;
}
