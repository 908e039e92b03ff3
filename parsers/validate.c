/* Element checks of a placed segment against its guide definition (SNIP 1-2):
 * usage, repetitions, components, length, data type, inline code lists, real
 * dates and times, and the segment's X12 syntax notes.  Called by the walker
 * for every segment it places when X12_WALK_ELEMENTS is on.  Each problem is
 * one finding with its element and component positions and its IK403 code. */
#include <stdio.h>
#include <string.h>

#include "spec_model.h"
#include "internal.h"
#include "validate.h"

typedef struct vctx {
    const x12_segment *seg;
    const spec_seg *def;
    const char *loop_id;
    elem_report_fn report;
    void *rctx;
    int errors;
    int unverified; /* the element being checked is marked verified="false" */
    int flags;      /* VF_* for the next report */
    int overlay;    /* the element being checked was narrowed by an overlay */
    int num_safe;   /* neither separator can sit inside a number (quick_ok) */
    unsigned rep;   /* repetition being checked, 0 when the element does not repeat */
} vctx;

static void bad(vctx *v, x12_status code, const char *ik4, uint16_t el, uint16_t comp, const char *ref,
                const char *detail)
{
    char d[96], r[32] = "";
    if (v->rep)
        snprintf(r, sizeof r, ", repetition %u", v->rep);
    snprintf(d, sizeof d, "%s%s%s%s", ref ? ref : "", r, ref && detail && *detail ? ": " : "",
             detail ? detail : "");
    v->report(v->rctx, v->seg, code, ik4, el, comp, (uint16_t)(v->rep > 65535 ? 65535 : v->rep),
              v->loop_id, d,
              v->flags | (v->unverified ? VF_WARNING : 0) | (v->overlay ? VF_SNIP7 : 0));
    v->errors++;
}

/* A warning about X12 form without a 999 code (IK304/IK403 stay empty), SNIP
 * 1 whatever an overlay narrowed. */
static void syntax_warning(vctx *v, x12_status code, uint16_t el, uint16_t comp, const char *ref,
                           const char *why)
{
    int flags = v->flags, overlay = v->overlay;
    v->flags = VF_WARNING;
    v->overlay = 0;
    bad(v, code, "", el, comp, ref, why);
    v->flags = flags;
    v->overlay = overlay;
}

/* An AN value ending in spaces (X12-FACTS 2: X12.6 and the TR3s' appendix B,
 * quoted in RFI 2224): one of spaces alone holds nothing and is an error (IK403
 * 6; "at least one non-space"); spaces past what the minimum length needs are
 * to be left out, a warning without 999 codes as are separators after the last
 * value (pyx12 reports them as IK403 6).  Returns 1 when the value is spaces
 * alone.  Not called for a fixed-width field (the ISA's), padded by rule. */
static __attribute__((noinline)) int spaces_at_end(vctx *v, const spec_el *e, const char *p, size_t n,
                                                   uint16_t el, uint16_t comp)
{
    size_t m = n;
    while (m && p[m - 1] == ' ')
        m--;
    if (!m) {
        bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, "spaces alone");
        return 1;
    }
    if (m >= e->minlen) {
        char why[40];
        snprintf(why, sizeof why, "%zu space%s at the end", n - m, n - m == 1 ? "" : "s");
        syntax_warning(v, X12_ERR_TRAILING_SPACE, el, comp, e->ref, why);
    }
    return 0;
}

static void check_value(vctx *v, const spec_el *e, x12_slice s, uint16_t el, uint16_t comp)
{
    const char *p = s.ptr;
    size_t n = s.len, len = n;
    char why[64];
    switch (e->type) {
    case T_N: {
        size_t i = (n && p[0] == '-') ? 1 : 0;
        len = n - i;
        if (i == n) {
            bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, "not a number");
            return;
        }
        for (; i < n; i++)
            if (!x12__is_digit(p[i])) {
                bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, "numeric (N) with a non-digit");
                return;
            }
        break;
    }
    case T_R: {
        /* X12-FACTS 2: optional '-', digits, at most one '.', no '+' */
        size_t i = (n && p[0] == '-') ? 1 : 0, digits = 0, frac = 0;
        int dot = 0;
        for (; i < n; i++) {
            if (x12__is_digit(p[i])) {
                digits++;
                frac += dot;
            } else if (p[i] == '.' && !dot) {
                dot = 1;
            } else {
                bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, "decimal (R) with a bad character");
                return;
            }
        }
        if (!digits) {
            bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, "decimal (R) without digits");
            return;
        }
        if (e->frac != 255 && frac > e->frac) {
            snprintf(why, sizeof why, "more than %u decimal places", (unsigned)e->frac);
            bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, why);
            return;
        }
        len = digits; /* sign and point do not count toward the length */
        break;
    }
    case T_DT:
        if (!x12__valid_date(p, n)) {
            bad(v, X12_ERR_ELEMENT_DATE, "8", el, comp, e->ref, NULL);
            return;
        }
        break;
    case T_TM:
        if (!x12__valid_time(p, n)) {
            bad(v, X12_ERR_ELEMENT_TIME, "9", el, comp, e->ref, NULL);
            return;
        }
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c < 0x20 || c > 0x7e) {
                snprintf(why, sizeof why, "byte 0x%02X is outside the X12 character set", c);
                bad(v, X12_ERR_ELEMENT_CHAR, "6", el, comp, e->ref, why);
                return;
            }
        }
        /* spaces at the end: an ID with codes reports a padded value as a bad
         * code instead, and a fixed-width field (the ISA's) is padded by rule */
        if (n && p[n - 1] == ' ' && (e->type == T_AN || (!e->codes && !e->extlist)) &&
            (e->minlen != e->maxlen || !e->minlen) && spaces_at_end(v, e, p, n, el, comp))
            return;
        break;
    }
    if (e->minlen && len < e->minlen) {
        snprintf(why, sizeof why, "%zu characters, at least %u", len, (unsigned)e->minlen);
        bad(v, X12_ERR_ELEMENT_TOO_SHORT, "4", el, comp, e->ref, why);
    } else if (e->maxlen && len > e->maxlen) {
        snprintf(why, sizeof why, "%zu characters, at most %u", len, (unsigned)e->maxlen);
        bad(v, X12_ERR_ELEMENT_TOO_LONG, "5", el, comp, e->ref, why);
    }
    if (e->re && !spec_el_pattern_ok(e, p, n)) {
        snprintf(why, sizeof why, "not of the guide's pattern %.36s", e->pattern ? e->pattern : "");
        bad(v, X12_ERR_ELEMENT_PATTERN, "I12", el, comp, e->ref, why);
    }
    if (e->extlist && !spec_keys_has(e->extlist->keys, e->extlist->codes, e->extlist->ncodes, p, n)) {
        /* SNIP 5; a snapshot list (complete="false") only warns */
        snprintf(why, sizeof why, "not in code list '%s'", e->extlist->id);
        v->flags = VF_SNIP5 | (e->extlist->complete ? 0 : VF_WARNING);
        bad(v, X12_ERR_EXTERNAL_CODE, "7", el, comp, e->ref, why);
        v->flags = 0;
    }
    if (e->codes && !spec_el_has_code(e, p, n)) {
        /* the value is the finding's subject, so the detail does not quote it */
        bad(v, e->usage == 'N' ? X12_ERR_ELEMENT_NOT_USED : X12_ERR_ELEMENT_CODE,
            e->type == T_ID ? "7" : "I6", el, comp, e->ref, "not among the guide's codes");
    }
}

/* Presence of a (possibly composite) value: anything but empty components. */
static int present(x12_slice s, char comp_sep)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] != comp_sep)
            return 1;
    return 0;
}

/* Is element `pos` present?  From the mask the element loop built, or from
 * the segment for positions past 63. */
static int has_el(vctx *v, uint64_t present_mask, unsigned pos)
{
    if (pos < 64)
        return (int)((present_mask >> pos) & 1);
    return present(seg_el(v->seg, pos), v->seg->delims.component);
}

/* X12 syntax notes of the segment: P paired, R required, E exclusion, C
 * conditional, L list conditional.  `present_mask` has bit p set when element
 * p holds a value. */
static void check_syntax(vctx *v, const spec_syntax *sx, unsigned nsx, uint64_t present_mask)
{
    for (unsigned k = 0; k < nsx; k++) {
        const spec_syntax *s = &sx[k];
        int violated;
        if (s->mask) {
            /* bit tests: x holds the note's elements that are there */
            uint64_t x = present_mask & s->mask, f = (uint64_t)1 << s->pos[0];
            switch (s->kind) {
            case 'P':
                violated = x && x != s->mask;
                break;
            case 'R':
                violated = !x;
                break;
            case 'E':
                violated = (x & (x - 1)) != 0;
                break;
            case 'C':
                violated = (x & f) && x != s->mask;
                break;
            default: /* 'L' */
                violated = (x & f) && !(x & ~f);
                break;
            }
        } else {
            unsigned n = 0, first = (unsigned)has_el(v, present_mask, s->pos[0]);
            for (unsigned j = 0; j < s->n; j++)
                n += (unsigned)has_el(v, present_mask, s->pos[j]);
            violated = (s->kind == 'P' && n && n < s->n) || (s->kind == 'R' && !n) ||
                       (s->kind == 'E' && n > 1) || (s->kind == 'C' && first && n < s->n) ||
                       (s->kind == 'L' && first && n < 2);
        }
        if (!violated)
            continue;
        unsigned missing = 0; /* the first position after the first that is absent */
        for (unsigned j = 1; j < s->n && !missing; j++)
            if (!has_el(v, present_mask, s->pos[j]))
                missing = s->pos[j];
        char note[40];
        int w = snprintf(note, sizeof note, "syntax note %c", s->kind);
        for (unsigned j = 0; j < s->n && w > 0 && (size_t)w < sizeof note - 3; j++)
            w += snprintf(note + w, sizeof note - (size_t)w, "%02u", (unsigned)s->pos[j]);
        uint16_t at = s->pos[0];
        switch (s->kind) {
        case 'P':
        case 'R':
        case 'L':
            bad(v, X12_ERR_SYNTAX_REQUIRED, "2", at, 0, NULL, note);
            break;
        case 'E':
            bad(v, X12_ERR_SYNTAX_EXCLUSION, "10", at, 0, NULL, note);
            break;
        case 'C':
            bad(v, X12_ERR_SYNTAX_REQUIRED, "2", (uint16_t)missing, 0, NULL, note);
            break;
        }
    }
}

int x12__npi_valid(const char *p, size_t n)
{
    if (n != 10 || (p[0] != '1' && p[0] != '2'))
        return 0;
    for (size_t i = 0; i < 10; i++)
        if (!x12__is_digit(p[i]))
            return 0;
    /* Luhn over the 9 digits with the 80840 prefix: the prefix adds 24 (X12-FACTS 2) */
    int sum = 24;
    for (int i = 8, dbl = 1; i >= 0; i--, dbl = !dbl) {
        int d = p[i] - '0';
        if (dbl) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (10 - sum % 10) % 10 == p[9] - '0';
}

/* ICD-10-CM without the dot: a letter, a digit, then 1-5 letters or digits. */
static int icd10_shape(const char *p, size_t n)
{
    if (n < 3 || n > 7 || p[0] < 'A' || p[0] > 'Z' || !x12__is_digit(p[1]))
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!x12__is_digit(p[i]) && (p[i] < 'A' || p[i] > 'Z'))
            return 0;
    return 1;
}

/* SNIP 5 checks that need no licensed list: NPIs where a qualifier says XX
 * (NM108/NM109, N103/N104), and the shape of ICD-10-CM codes in HI. */
static void check_code_sets(vctx *v)
{
    const x12_segment *seg = v->seg;
    uint32_t idk = v->def->idkey; /* the placed definition's id is the segment's */
    uint16_t qual = 0;
    if (idk == spec_idkey("NM1", 3))
        qual = 8;
    else if (idk == spec_idkey("N1", 2))
        qual = 3;
    else if (idk != spec_idkey("HI", 2))
        return;
    v->flags = VF_SNIP5;
    if (qual && x12_slice_eq(seg_el(seg, qual), "XX")) {
        x12_slice id = seg_el(seg, (unsigned)qual + 1);
        if (id.len && !x12__npi_valid(id.ptr, id.len))
            bad(v, X12_ERR_NPI, "I12", (uint16_t)(qual + 1), 0, NULL, "check digit or form");
    }
    if (idk == spec_idkey("HI", 2)) {
        /* ICD-10-CM qualifiers: ABK principal, ABF other, ABJ admitting, ABN external
         * cause, APR patient's reason for visit */
        char cs = seg->delims.component, rs = seg->delims.repetition;
        for (uint16_t p = 1; p <= seg->element_count && p <= 12; p++) {
            x12_slice e = seg->elements[p];
            /* HI0p-1 is the qualifier: three letters and a separator */
            if (e.len < 5 || e.ptr[3] != cs || e.ptr[0] != 'A')
                continue;
            char q1 = e.ptr[1], q2 = e.ptr[2];
            if (!((q1 == 'B' && (q2 == 'F' || q2 == 'J' || q2 == 'K' || q2 == 'N')) ||
                  (q1 == 'P' && q2 == 'R')))
                continue;
            x12_slice code = {e.ptr + 4, 0};
            while (code.len < e.len - 4 && code.ptr[code.len] != cs && code.ptr[code.len] != rs)
                code.len++;
            if (!code.len)
                continue;
            if (!icd10_shape(code.ptr, code.len))
                bad(v, X12_ERR_DIAGNOSIS_CODE, "I12", p, 2, NULL, "ICD-10-CM: letter, digit, 1-5 more");
        }
    }
    v->flags = 0;
}

/* Any byte of the eight in x outside 0x20-0x7e, or equal to a separator
 * (r and c: the separator in every byte)?  Exact for "any" (bit hacks: a
 * borrow or carry can only spread from a byte that is itself flagged). */
static inline uint64_t bad8(uint64_t x, uint64_t r, uint64_t c)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t below = (x - ones * 0x20) & ~x;         /* a byte < 0x20 */
    uint64_t above = (x + ones) | x;                 /* a byte > 0x7e */
    uint64_t yr = x ^ r, yc = x ^ c;
    uint64_t eq = ((yr - ones) & ~yr) | ((yc - ones) & ~yc); /* a separator */
    return (below | above | eq) & high;
}

/* Does a text value hold a control or non-ASCII byte, or a separator?  Eight
 * bytes at a time from eight up (the last word overlaps the one before);
 * shorter values byte by byte. */
static inline int text_has_bad(const char *p, size_t n, char rs, char cs)
{
    if (n < 8) {
        unsigned badc = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)p[i];
            badc |= (unsigned)(ch < 0x20) | (unsigned)(ch > 0x7e) | (unsigned)(p[i] == rs) |
                    (unsigned)(p[i] == cs);
        }
        return badc != 0;
    }
    const uint64_t r = 0x0101010101010101u * (unsigned char)rs;
    const uint64_t c = 0x0101010101010101u * (unsigned char)cs;
    uint64_t acc = 0, x;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        acc |= bad8(x, r, c);
    }
    if (i < n) {
        memcpy(&x, p + n - 8, 8);
        acc |= bad8(x, r, c);
    }
    return acc != 0;
}

/* Does a simple value certainly pass every check of check_value, with no
 * separator inside?  A quick yes for the common case; "no" only means the
 * full path (check_element) must look, so it decides every finding.  The
 * digit-only types skip the separator scan when `num_safe` says neither
 * separator can be a digit, '.' or '-'. */
static inline __attribute__((always_inline)) int quick_ok(const spec_el *e, x12_slice val, char rs,
                                                        char cs, int num_safe)
{
    const char *p = val.ptr;
    size_t n = val.len, len = n;
    switch (e->type) {
    case T_N:
    case T_R: {
        if (!num_safe)
            return 0;
        size_t i = p[0] == '-' ? 1 : 0, digits = 0, frac = 0;
        int dot = 0;
        for (; i < n; i++) {
            if (x12__is_digit(p[i])) {
                digits++;
                frac += (size_t)dot;
            } else if (p[i] == '.' && !dot && e->type == T_R) {
                dot = 1;
            } else {
                return 0;
            }
        }
        if (!digits || (e->frac != 255 && frac > e->frac))
            return 0;
        len = digits;
        break;
    }
    case T_DT:
        if (!num_safe || !x12__valid_date(p, n))
            return 0;
        break;
    case T_TM:
        if (!num_safe || !x12__valid_time(p, n))
            return 0;
        break;
    default:
        if (text_has_bad(p, n, rs, cs) || p[n - 1] == ' ')
            return 0;
        break;
    }
    if ((e->minlen && len < e->minlen) || (e->maxlen && len > e->maxlen) || e->re)
        return 0;
    if (e->extlist && !spec_keys_has(e->extlist->keys, e->extlist->codes, e->extlist->ncodes, p, n))
        return 0;
    if (e->codes && !spec_el_has_code(e, p, n))
        return 0;
    return 1;
}

static int numeric_char(char c)
{
    return x12__is_digit(c) || c == '.' || c == '-';
}

#define MAX_COMPS 32 /* more than any guide's composite has */

/* `n` separators `c` end the value: empty components or repetitions at the end,
 * whose separators the TR3s (005010 B.1.1.3.10) say are left out.  A warning
 * without a 999 code, as for empty elements at the end of a segment (walk.c
 * trailing_elements).  `pos` is the first of them (0 for repetitions). */
static __attribute__((noinline)) void trailing(vctx *v, const spec_el *e, uint16_t el, uint16_t pos,
                                               unsigned n, const char *what)
{
    char why[48];
    snprintf(why, sizeof why, "%u empty %s%s at the end", n, what, n == 1 ? "" : "s");
    syntax_warning(v, X12_ERR_TRAILING_SEPARATOR, el, pos, e->ref, why);
}

/* How many bytes `c` end p[0..n). */
static unsigned ends_with(const char *p, size_t n, char c)
{
    unsigned k = 0;
    while (k < n && p[n - 1 - k] == c)
        k++;
    return k;
}

/* One repetition of a composite: its components split in one pass, each
 * checked (the quick check first, the full one when it says no). */
static void check_composite(vctx *v, const spec_el *e, x12_slice rv, uint16_t p, char rs)
{
    char cs = v->seg->delims.component;
    x12_slice part[MAX_COMPS];
    unsigned nc = 0;
    const char *start = rv.len ? rv.ptr : "", *end = start + rv.len;
    for (const char *q = start; q < end; q++)
        if (*q == cs) {
            if (nc < MAX_COMPS)
                part[nc] = (x12_slice){start, (size_t)(q - start)};
            nc++;
            start = q + 1;
        }
    if (nc < MAX_COMPS)
        part[nc] = (x12_slice){start, (size_t)(end - start)};
    nc++;
    if (rv.len && rv.ptr[rv.len - 1] == cs) {
        /* reported once, then not counted as components */
        unsigned k = ends_with(rv.ptr, rv.len, cs);
        trailing(v, e, p, (uint16_t)(nc - k + 1 > UINT16_MAX ? UINT16_MAX : nc - k + 1), k,
                 "component");
        nc -= k;
    }
    if (nc > e->ncomps) {
        char why[40];
        snprintf(why, sizeof why, "%u components, at most %u", nc, (unsigned)e->ncomps);
        bad(v, X12_ERR_ELEMENT_COMPONENTS, "13", p, (uint16_t)(e->ncomps + 1), e->ref, why);
    }
    for (uint16_t c = 1; c <= e->ncomps && c <= MAX_COMPS; c++) {
        const spec_el *ce = &e->comps[c - 1];
        x12_slice cv = c <= nc ? part[c - 1] : (x12_slice){NULL, 0};
        v->unverified = !e->verified || !ce->verified;
        v->overlay = e->overlay || ce->overlay;
        if (!cv.len) {
            if (ce->usage == 'R')
                bad(v, X12_ERR_ELEMENT_REQUIRED, "1", p, c, ce->ref, NULL);
            continue;
        }
        if (ce->usage == 'N') {
            bad(v, X12_ERR_ELEMENT_NOT_USED, "I10", p, c, ce->ref, NULL);
            continue;
        }
        if (!quick_ok(ce, cv, rs, cs, v->num_safe))
            check_value(v, ce, cv, p, c);
    }
}

/* One present element in full: repetitions, components, values. */
static void check_element(vctx *v, const spec_el *e, x12_slice val, uint16_t p)
{
    const x12_segment *seg = v->seg;
    char rs = seg->delims.repetition, cs = seg->delims.component;
    int has_rep = 0, has_comp = 0;
    for (size_t i = 0; i < val.len; i++) {
        has_rep |= rs && val.ptr[i] == rs;
        has_comp |= val.ptr[i] == cs;
    }
    unsigned nrep = has_rep ? x12_count_parts(val, rs) : 1;
    if (has_rep && val.ptr[val.len - 1] == rs) {
        /* reported once, then not counted or checked as repetitions */
        unsigned k = ends_with(val.ptr, val.len, rs);
        trailing(v, e, p, 0, k, "repetition");
        nrep = k < nrep ? nrep - k : 1;
    }
    if (nrep > e->rep) {
        char why[40];
        snprintf(why, sizeof why, "%u repetitions, at most %u", nrep, (unsigned)e->rep);
        bad(v, X12_ERR_ELEMENT_REPEAT, "12", p, 0, e->ref, why);
        nrep = e->rep;
    }
    for (unsigned r = 1; r <= nrep; r++) {
        x12_slice rv = !has_rep ? val : x12_element_repetition(seg, val, r);
        v->rep = nrep == 1 ? 0 : r;
        if (!e->ncomps) {
            if (has_comp && (nrep == 1 || memchr(rv.ptr ? rv.ptr : "", cs, rv.len))) {
                bad(v, X12_ERR_ELEMENT_COMPONENTS, "13", p, 0, e->ref, "a simple element with components");
                continue;
            }
            check_value(v, e, rv, p, 0);
            continue;
        }
        check_composite(v, e, rv, p, rs);
    }
    v->rep = 0;
}

int x12__validate_elements(const x12_segment *seg, const spec_seg *def, const char *loop_id,
                           elem_report_fn report, void *rctx)
{
    vctx v = {seg, def, loop_id, report, rctx, 0, 0, 0, 0, 0, 0};
    char rs = seg->delims.repetition, cs = seg->delims.component;
    uint32_t n = seg->element_count;
    /* envelope-level segments carry their own fixed layout */
    if (n > def->nels) {
        for (uint32_t p = def->nels + 1; p <= n; p++)
            if (seg->elements[p].len) {
                char why[40];
                snprintf(why, sizeof why, "the segment has %u elements", (unsigned)def->nels);
                bad(&v, X12_ERR_ELEMENT_EXTRA, "3", (uint16_t)p, 0, NULL, why);
                break;
            }
    }
    /* past the last element sent only required ones matter */
    uint16_t upto = (uint16_t)(n < def->nels ? (n > def->last_required ? n : def->last_required)
                                             : def->nels);
    uint64_t present_mask = 0; /* bit p: element p holds a value (for the syntax notes) */
    v.num_safe = !numeric_char(rs) && !numeric_char(cs);
    for (uint16_t p = 1; p <= upto; p++) {
        const spec_el *e = &def->els[p - 1];
        /* read as two scalars: a 16-byte load of a slice the reader has just
         * stored as two 8-byte halves stalls store forwarding */
        x12_slice val = {NULL, 0};
        if (p <= n) {
            val.ptr = seg->elements[p].ptr;
            val.len = seg->elements[p].len;
        }
        /* a composite of separators alone is not there either */
        if (!val.len || (e->ncomps && !present(val, cs))) {
            if (val.len) /* separators alone */
                trailing(&v, e, p, 2, (unsigned)val.len, "component");
            if (e->usage == 'R') {
                v.unverified = !e->verified;
                v.overlay = e->overlay;
                bad(&v, X12_ERR_ELEMENT_REQUIRED, "1", p, 0, e->ref, NULL);
            }
            continue;
        }
        if (p < 64)
            present_mask |= (uint64_t)1 << p;
        v.unverified = !e->verified;
        v.overlay = e->overlay;
        if (e->usage == 'N') {
            bad(&v, X12_ERR_ELEMENT_NOT_USED, "I10", p, 0, e->ref, NULL);
            continue;
        }
        /* the common case, a simple value that passes, in one pass (rs is 0
         * when the interchange has none: a NUL byte then takes the full path,
         * which reports it) */
        if (!e->ncomps && quick_ok(e, val, rs, cs, v.num_safe))
            continue;
        if (e->ncomps && (!rs || !memchr(val.ptr, rs, val.len))) {
            check_composite(&v, e, val, p, rs); /* one repetition */
            continue;
        }
        check_element(&v, e, val, p);
    }
    v.unverified = 0;
    v.overlay = 0;
    check_code_sets(&v);
    check_syntax(&v, def->syntax, def->nsyntax, present_mask);
    return v.errors;
}
