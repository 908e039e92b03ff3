/* The segments of a claim for the 837 reader: 2300 (dates, references,
 * amounts, notes, HI codes, CL1, DN1/DN2, CR1/CR2/CRC, HCP, CN1, K3), 2320
 * other payers, 2400 lines (SV1/SV2/SV3, TOO, SV5, CR3, QTY, MEA, PS1, ...),
 * 2410 drugs, 2430 adjudications, 2440 forms; and the element helpers the
 * whole reader uses (claim837_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/amount.h>
#include <x12/claim.h>
#include <x12/spec.h>

#include "claim837_internal.h"
#include "internal.h"
#include "claim_defaults.h"
#include "spec_model.h"

/* ---- small helpers ------------------------------------------------------ */

int cr_nomem(x12_claim_reader *r)
{
    r->fatal = X12_ERR_NOMEM;
    return -1;
}

__attribute__((noinline, cold)) void cr_finding_at(x12_claim_reader *r, uint64_t off, uint32_t index, uint32_t set_pos,
                   const char *id, size_t idlen, const char *loop, x12_status code,
                   x12_severity sev, unsigned el, unsigned comp, const char *detail)
{
    if (!r->cb.finding)
        return;
    x12_finding f;
    x12__reader_finding(&f, r->ev, off, index, set_pos, id, idlen, loop, code, sev, el, comp, detail);
    r->cb.finding(r->ctx, &f);
}

static void cr_report_at(x12_claim_reader *r, x12_status code, x12_severity sev, unsigned el,
                         unsigned comp, const char *detail)
{
    /* never a claim with a value made up in place of one it could not hold */
    if (code == X12_ERR_CLAIM_VALUE && r->in_claim)
        r->claim_bad_value = 1;
    const x12_segment *s = r->ev->seg;
    cr_finding_at(r, s->byte_offset, s->segment_index, s->set_position, s->id.ptr, s->id.len,
                  r->ev->loop_id ? r->ev->loop_id : "", code, sev, el, comp, detail);
}

static void cr_report(x12_claim_reader *r, x12_status code, x12_severity sev, unsigned el,
                      const char *detail)
{
    cr_report_at(r, code, sev, el, 0, detail);
}

void cr_report_other(x12_claim_reader *r, const char *detail)
{
    cr_report(r, X12_ERR_OTHER_TRANSACTION, X12_SEV_ERROR, 1, detail);
}

void cr_report_guide(x12_claim_reader *r, unsigned el, const char *detail)
{
    cr_report(r, X12_ERR_GUIDE_NOT_READ, X12_SEV_ERROR, el, detail);
}

void cr_report_claim(x12_claim_reader *r, x12_status code, const char *detail)
{
    cr_report(r, code, X12_SEV_ERROR, 0, detail);
}

void cr_not_carried(x12_claim_reader *r, unsigned el)
{
    cr_report(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, el, NULL);
}

void cr_second(x12_claim_reader *r)
{
    cr_report(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_WARNING, 0, X12__SECOND_OF_KIND);
}

x12_slice cr_elem(x12_claim_reader *r, unsigned pos)
{
    if (pos < 64)
        r->used |= (uint64_t)1 << pos;
    return x12_segment_element(r->ev->seg, pos);
}

/* A value with bytes that are not UTF-8: kept as they are in the claim, read
 * as ISO-8859-1 by the JSON writer; a warning at its element. */
static void not_utf8(x12_claim_reader *r, x12_slice v, size_t at)
{
    uint16_t el, comp;
    x12__segment_locate(r->ev->seg, v.ptr + at, &el, &comp);
    char why[80];
    snprintf(why, sizeof why, "byte 0x%02X: read as ISO-8859-1",
             (unsigned)(unsigned char)v.ptr[at]);
    cr_report_at(r, X12_ERR_CLAIM_NOT_UTF8, X12_SEV_WARNING, el, comp, why);
}

const char *cr_slice_str(x12_claim_reader *r, int k, x12_slice v)
{
    if (!v.len)
        return NULL;
    char *s = x12_arena_slice(r->a[k], v);
    if (!s)
        cr_nomem(r);
    if (!r->seg_utf8) {
        size_t ok = x12_utf8_prefix(v.ptr, v.len);
        if (ok < v.len)
            not_utf8(r, v, ok);
    }
    return s;
}

/* Element `pos` as a string in arena `k`; NULL when empty. */
const char *cr_str(x12_claim_reader *r, int k, unsigned pos)
{
    return cr_slice_str(r, k, cr_elem(r, pos));
}

/* Components 1..n of element `pos` into out[]; components past n that hold
 * data are reported. */
void cr_comps(x12_claim_reader *r, int k, unsigned pos, const char **out, unsigned n)
{
    x12_slice v = cr_elem(r, pos);
    const x12_segment *s = r->ev->seg;
    for (unsigned i = 0; i < n; i++)
        out[i] = cr_slice_str(r, k, x12_element_component(s, v, i + 1));
    unsigned total = x12_count_parts(v, s->delims.component);
    for (unsigned i = n + 1; i <= total; i++)
        if (x12_element_component(s, v, i).len) {
            cr_not_carried(r, pos);
            break;
        }
}

static void amount_shape(x12_claim_reader *r, x12_slice v)
{
    if (v.len >= 3 && v.ptr[v.len - 3] == '.')
        r->amounts_2++;
    else
        r->amounts_other++;
}

int64_t cr_amount(x12_claim_reader *r, unsigned pos)
{
    int64_t c = 0;
    x12_slice v = cr_elem(r, pos);
    if (v.len)
        amount_shape(r, v);
    if (v.len && x12_amount_parse(v, &c) != X12_OK)
        cr_report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, pos, x12__amount_problem(v));
    return c;
}

/* After a segment: every element with data that was not consumed. */
void cr_check_used(x12_claim_reader *r)
{
    const x12_segment *s = r->ev->seg;
    int any_used = 0, any_unused = 0;
    for (unsigned i = 1; i <= s->element_count; i++)
        if (s->elements[i].len) {
            if (i < 64 && (r->used & ((uint64_t)1 << i)))
                any_used = 1;
            else
                any_unused = 1;
        }
    if (any_unused && !any_used) { /* nothing of it is carried: it is left out */
        cr_not_carried(r, 0);
        return;
    }
    for (unsigned i = 0; (i = x12__unread_after(s, r->used, i));)
        cr_not_carried(r, i);
}

/* Leaves `v` NULL when it equals the default. */
/* Appends a zeroed element to an arena array that grows by doubling. */
void *cr_push_raw(x12_arena *a, void **base, size_t count, size_t size)
{
    if (count == 0 || (count & (count - 1)) == 0) {
        size_t cap = count ? count * 2 : 1;
        void *nb = x12_arena_alloc(a, cap * size);
        if (!nb)
            return NULL;
        if (count)
            memcpy(nb, *base, count * size);
        *base = nb;
    }
    return (char *)*base + count * size;
}


/* DTPs or REFs out of the guide's order: the writer puts them back in the
 * guide's order, so every DTP (REF) of that claim or line is reported at
 * element 1. */

static void order_report(x12_claim_reader *r, const x12_segment *pos)
{
    const x12_walk_event *ev = r->ev;
    x12_walk_event at = *ev;
    at.seg = pos;
    r->ev = &at;
    cr_report(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 1, "out of the guide's order");
    r->ev = ev;
}

static void cr_order_check(x12_claim_reader *r, order_track *t, const char *order, const char *q)
{
    int k = claim_rank(order, q);
    const x12_segment *s = r->ev->seg;
    if (t->disordered) {
        order_report(r, s);
        return;
    }
    if (k < 1000 && t->rank < 1000 && k < t->rank) {
        t->disordered = 1;
        for (size_t i = 0; i < t->count; i++)
            order_report(r, &t->pos[i]);
        order_report(r, s);
        return;
    }
    if (k < 1000)
        t->rank = k;
    x12_segment *p;
    PUSH(r, A_CLAIM, t->pos, t->count, p);
    if (!p)
        return;
    p->id = (x12_slice){s->id.ptr[0] == 'D' ? "DTP" : "REF", 3};
    p->byte_offset = s->byte_offset;
    p->segment_index = s->segment_index;
    p->set_position = s->set_position;
}

void cr_order_reset(x12_claim_reader *r)
{
    memset(r->order, 0, sizeof r->order);
    r->order[0].rank = r->order[1].rank = 1000;
}

static void add_date(x12_claim_reader *r, x12_claim_date **arr, size_t *n, const char *q,
                     const char *fmt, const char *val)
{
    x12_claim_date *d;
    PUSH(r, A_CLAIM, *arr, *n, d);
    if (!d)
        return;
    d->qualifier = q;
    d->format = cr_unless(fmt, claim_default_date_format(val));
    d->value = val;
}

static void claim_dtp(x12_claim_reader *r)
{
    x12_claim *c = &r->claim;
    const char *q = cr_str(r, A_CLAIM, 1), *fmt = cr_str(r, A_CLAIM, 2), *val = cr_str(r, A_CLAIM, 3);
    if (!q || !val)
        return;
    if (!fmt)
        r->used &= ~((uint64_t)1 << 2); /* no DTP02: the writer would write one */
    cr_order_check(r, &r->order[0], claim_date_order(r->type), q);
    int inst = r->type == X12_CLAIM_INSTITUTIONAL;
    if (!strcmp(q, "431") && claim_str_is(fmt, "D8") && !c->onset_date) {
        c->onset_date = val;
    } else if (!strcmp(q, "435") && !c->admission_date &&
               claim_str_is(fmt, strlen(val) > 8 ? "DT" : "D8")) {
        c->admission_date = val;
    } else if (!strcmp(q, "096") && !c->discharge_date && claim_str_is(fmt, inst ? "TM" : "D8")) {
        c->discharge_date = val;
    } else if (!strcmp(q, "434") && !c->statement_from && claim_str_is(fmt, "RD8") &&
               strchr(val, '-')) {
        char *dash = strchr((char *)val, '-');
        *dash = '\0';
        c->statement_from = val;
        c->statement_to = dash + 1;
    } else {
        add_date(r, &c->dates, &c->date_count, q, fmt, val);
    }
}

static void read_ref_into(x12_claim_reader *r, x12_claim_ref **arr, size_t *n)
{
    x12_claim_ref *f;
    PUSH(r, A_CLAIM, *arr, *n, f);
    if (!f)
        return;
    f->qualifier = cr_str(r, A_CLAIM, 1);
    f->value = cr_str(r, A_CLAIM, 2);
    const char *c2[2];
    cr_comps(r, A_CLAIM, 4, c2, 2);
    if (c2[0] && !strcmp(c2[0], "2U"))
        f->id2 = c2[1];
    else if (c2[0] || c2[1])
        r->used &= ~((uint64_t)1 << 4);
}

static void claim_ref(x12_claim_reader *r)
{
    x12_claim *c = &r->claim;
    x12_slice q = cr_elem(r, 1);
    char qs[4];
    cr_copy(qs, sizeof qs, q);
    cr_order_check(r, &r->order[1], claim_ref_order(r->type), qs);
    const char **named = cr_is(q, "F8")   ? &c->payer_claim_number
                         : cr_is(q, "G1") ? &c->prior_authorization
                         : cr_is(q, "9F") ? &c->referral_number
                         : cr_is(q, "EA") ? &c->medical_record_number
                                       : NULL;
    if (named && !*named && !cr_elem(r, 4).len) {
        *named = cr_str(r, A_CLAIM, 2);
        return;
    }
    read_ref_into(r, &c->refs, &c->ref_count);
}

static void read_amount_into(x12_claim_reader *r, x12_claim_amount **arr, size_t *n)
{
    x12_claim_amount *a;
    PUSH(r, A_CLAIM, *arr, *n, a);
    if (!a)
        return;
    a->qualifier = cr_str(r, A_CLAIM, 1);
    a->cents = cr_amount(r, 2);
}

static void read_note_into(x12_claim_reader *r, x12_claim_note **arr, size_t *n)
{
    x12_claim_note *t;
    PUSH(r, A_CLAIM, *arr, *n, t);
    if (!t)
        return;
    t->code = cr_str(r, A_CLAIM, 1);
    t->text = cr_str(r, A_CLAIM, 2);
}

static void read_pwk_into(x12_claim_reader *r, x12_claim_attachment **arr, size_t *n)
{
    x12_slice q5 = cr_elem(r, 5);
    if (q5.len && !cr_is(q5, "AC")) {
        r->used &= ~((uint64_t)1 << 5);
        return;
    }
    x12_claim_attachment *p;
    PUSH(r, A_CLAIM, *arr, *n, p);
    if (!p)
        return;
    p->report_type = cr_str(r, A_CLAIM, 1);
    p->transmission = cr_str(r, A_CLAIM, 2);
    p->control = cr_str(r, A_CLAIM, 6);
}

static const x12_claim_repricing *read_hcp(x12_claim_reader *r)
{
    x12_claim_repricing *h = x12_arena_alloc(r->a[A_CLAIM], sizeof *h);
    if (!h) {
        cr_nomem(r);
        return NULL;
    }
    int k = A_CLAIM;
    h->pricing_methodology = cr_str(r, k, 1);
    if ((h->has_allowed = cr_elem(r, 2).len > 0))
        h->allowed_cents = cr_amount(r, 2);
    if ((h->has_savings = cr_elem(r, 3).len > 0))
        h->savings_cents = cr_amount(r, 3);
    h->organization_id = cr_str(r, k, 4);
    h->rate = cr_str(r, k, 5);
    h->approved_drg = cr_str(r, k, 6);
    if ((h->has_drg_amount = cr_elem(r, 7).len > 0))
        h->drg_amount_cents = cr_amount(r, 7);
    h->approved_revenue_code = cr_str(r, k, 8);
    h->procedure_qualifier = cr_str(r, k, 9);
    h->procedure = cr_str(r, k, 10);
    h->unit_basis = cr_str(r, k, 11);
    h->units = cr_str(r, k, 12);
    h->reject_reason = cr_str(r, k, 13);
    h->compliance = cr_str(r, k, 14);
    h->exception = cr_str(r, k, 15);
    return h;
}

/* CR1 with its fixed qualifiers (CR101 LB, CR105 DH). */
static const x12_claim_ambulance *read_cr1(x12_claim_reader *r)
{
    x12_claim_ambulance *a = x12_arena_alloc(r->a[A_CLAIM], sizeof *a);
    if (!a) {
        cr_nomem(r);
        return NULL;
    }
    if (cr_is(cr_elem(r, 1), "LB"))
        a->weight = cr_str(r, A_CLAIM, 2);
    a->reason = cr_str(r, A_CLAIM, 4);
    if (cr_is(cr_elem(r, 5), "DH"))
        a->miles = cr_str(r, A_CLAIM, 6);
    a->round_trip_purpose = cr_str(r, A_CLAIM, 9);
    a->stretcher_purpose = cr_str(r, A_CLAIM, 10);
    return a;
}

static void read_crc_into(x12_claim_reader *r, x12_claim_crc **arr, size_t *n)
{
    x12_claim_crc *k;
    PUSH(r, A_CLAIM, *arr, *n, k);
    if (!k)
        return;
    k->category = cr_str(r, A_CLAIM, 1);
    k->response = cr_str(r, A_CLAIM, 2);
    for (int i = 0; i < 5; i++)
        k->codes[i] = cr_str(r, A_CLAIM, 3 + (unsigned)i);
}

static const x12_claim_contract *read_cn1(x12_claim_reader *r)
{
    x12_claim_contract *k = x12_arena_alloc(r->a[A_CLAIM], sizeof *k);
    if (!k) {
        cr_nomem(r);
        return NULL;
    }
    k->type = cr_str(r, A_CLAIM, 1);
    if ((k->has_amount = cr_elem(r, 2).len > 0))
        k->amount_cents = cr_amount(r, 2);
    k->percent = cr_str(r, A_CLAIM, 3);
    k->code = cr_str(r, A_CLAIM, 4);
    k->discount = cr_str(r, A_CLAIM, 5);
    k->version = cr_str(r, A_CLAIM, 6);
    return k;
}

static void read_k3_into(x12_claim_reader *r, const char ***arr, size_t *n)
{
    const char **v;
    PUSH(r, A_CLAIM, *arr, *n, v);
    if (v)
        *v = cr_str(r, A_CLAIM, 1);
}

static void read_measure_into(x12_claim_reader *r, x12_claim_measure **arr, size_t *n, int mea)
{
    x12_claim_measure *m;
    PUSH(r, A_CLAIM, *arr, *n, m);
    if (!m)
        return;
    unsigned b = mea ? 1 : 0;
    if (mea)
        m->category = cr_str(r, A_CLAIM, 1);
    m->qualifier = cr_str(r, A_CLAIM, 1 + b);
    m->value = cr_str(r, A_CLAIM, 2 + b);
}

/* One C022 composite of an HI segment into `k`. */
static void read_code(x12_claim_reader *r, unsigned pos, x12_claim_code *k, const char *defq)
{
    const char *v[9];
    cr_comps(r, A_CLAIM, pos, v, 9);
    k->qualifier = cr_unless(v[0], defq);
    k->code = v[1];
    k->date = v[3];
    if (v[2] && (!v[3] || strcmp(v[2], claim_code_date_format(v[3]))))
        r->used &= ~((uint64_t)1 << pos);
    if (v[4]) {
        k->has_amount = 1;
        x12_slice s = {v[4], strlen(v[4])};
        amount_shape(r, s);
        if (x12_amount_parse(s, &k->amount_cents) != X12_OK)
            cr_report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, pos, x12__amount_problem(s));
    }
    k->quantity = v[5];
    if (v[6] || v[7])
        r->used &= ~((uint64_t)1 << pos);
    k->poa = v[8];
}

static void claim_hi(x12_claim_reader *r)
{
    x12_claim *c = &r->claim;
    const x12_segment *s = r->ev->seg;
    int inst = r->type == X12_CLAIM_INSTITUTIONAL;
    for (unsigned pos = 1; pos <= s->element_count && pos < 64; pos++) {
        x12_slice v = x12_segment_element(s, pos);
        if (!v.len)
            continue;
        x12_slice q = x12_element_component(s, v, 1);
        x12_claim_code *k = NULL;
        const char *defq = NULL;
        char qs[8];
        cr_copy(qs, sizeof qs, q);
        if (!inst) {
            /* 837P/837D: the first composite is the principal diagnosis */
            if ((!strcmp(qs, "ABK") || !strcmp(qs, "BK")) && !c->principal_diagnosis.code &&
                !c->other_diagnosis_count) {
                k = &c->principal_diagnosis, defq = "ABK";
            } else if (!strcmp(qs, "ABF") || !strcmp(qs, "BF")) {
                PUSH(r, A_CLAIM, c->other_diagnoses, c->other_diagnosis_count, k);
                defq = "ABF";
            } else if (r->type == X12_CLAIM_PROFESSIONAL && !strcmp(qs, "BP") &&
                       !c->principal_procedure.code && !c->other_procedure_count) {
                k = &c->principal_procedure, defq = "BP";
            } else if (r->type == X12_CLAIM_PROFESSIONAL && !strcmp(qs, "BO")) {
                PUSH(r, A_CLAIM, c->other_procedures, c->other_procedure_count, k);
                defq = "BO";
            } else if (r->type == X12_CLAIM_PROFESSIONAL && !strcmp(qs, "BG")) {
                PUSH(r, A_CLAIM, c->conditions, c->condition_count, k);
                defq = "BG";
            }
        } else if ((!strcmp(qs, "ABK") || !strcmp(qs, "BK")) && !c->principal_diagnosis.code) {
            k = &c->principal_diagnosis, defq = "ABK";
        } else if ((!strcmp(qs, "ABJ") || !strcmp(qs, "BJ")) && !c->admitting_diagnosis.code) {
            k = &c->admitting_diagnosis, defq = "ABJ";
        } else if (!strcmp(qs, "APR") || !strcmp(qs, "PR")) {
            PUSH(r, A_CLAIM, c->reason_for_visit, c->reason_for_visit_count, k);
            defq = "APR";
        } else if (!strcmp(qs, "ABN") || !strcmp(qs, "BN")) {
            PUSH(r, A_CLAIM, c->external_causes, c->external_cause_count, k);
            defq = "ABN";
        } else if (!strcmp(qs, "DR") && !c->drg && x12_count_parts(v, s->delims.component) == 2) {
            cr_elem(r, pos);
            c->drg = cr_slice_str(r, A_CLAIM, x12_element_component(s, v, 2));
            continue;
        } else if (!strcmp(qs, "ABF") || !strcmp(qs, "BF")) {
            PUSH(r, A_CLAIM, c->other_diagnoses, c->other_diagnosis_count, k);
            defq = "ABF";
        } else if ((!strcmp(qs, "BBR") || !strcmp(qs, "BR") || !strcmp(qs, "CAH")) &&
                   !c->principal_procedure.code) {
            k = &c->principal_procedure, defq = "BBR";
        } else if (!strcmp(qs, "BBQ") || !strcmp(qs, "BQ")) {
            PUSH(r, A_CLAIM, c->other_procedures, c->other_procedure_count, k);
            defq = "BBQ";
        } else if (!strcmp(qs, "BI")) {
            PUSH(r, A_CLAIM, c->occurrence_spans, c->occurrence_span_count, k);
            defq = "BI";
        } else if (!strcmp(qs, "BH")) {
            PUSH(r, A_CLAIM, c->occurrences, c->occurrence_count, k);
            defq = "BH";
        } else if (!strcmp(qs, "BE")) {
            PUSH(r, A_CLAIM, c->values, c->value_count, k);
            defq = "BE";
        } else if (!strcmp(qs, "BG")) {
            PUSH(r, A_CLAIM, c->conditions, c->condition_count, k);
            defq = "BG";
        } else if (!strcmp(qs, "TC")) {
            PUSH(r, A_CLAIM, c->treatment_codes, c->treatment_code_count, k);
            defq = "TC";
        }
        if (!k) /* TC treatment codes, a second principal, ... */
            continue;
        read_code(r, pos, k, defq);
    }
}

static void read_cas_into(x12_claim_reader *r, x12_claim_adjustment **arr, size_t *n)
{
    const char *group = cr_str(r, A_CLAIM, 1);
    for (unsigned i = 0; i < 6; i++) {
        unsigned p = 2 + 3 * i;
        if (!cr_elem(r, p).len && !cr_elem(r, p + 1).len && !cr_elem(r, p + 2).len)
            continue;
        /* 005010X222A1 2320/2430 CAS: a reason and its amount come as a pair;
         * half of one is no adjustment of 0.00 (the claim is not written) */
        int has_reason = cr_elem(r, p).len != 0, has_amount = cr_elem(r, p + 1).len != 0;
        if (has_reason != has_amount) {
            cr_report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, has_reason ? p + 1 : p,
                      has_reason ? "an adjustment reason without its amount"
                                 : "an adjustment amount without its reason");
            continue;
        }
        x12_claim_adjustment *a;
        PUSH(r, A_CLAIM, *arr, *n, a);
        if (!a)
            return;
        a->group = group;
        a->reason = cr_str(r, A_CLAIM, p);
        a->cents = cr_amount(r, p + 1);
        a->quantity = cr_str(r, A_CLAIM, p + 2);
    }
}

void cr_line_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim *c = &r->claim;
    int k = A_CLAIM;
    if (cr_is(id, "LX")) {
        PUSH(r, k, c->lines, c->line_count, r->line);
        cr_order_reset(r);
        r->adj = NULL;
        r->party = NULL;
        cr_elem(r, 1);
        return;
    }
    x12_claim_line *l = r->line;
    if (!l)
        return;
    const char *v[7];
    x12_claim_type t = r->type;
    const char *dq = claim_default_procedure_qualifier(t);
    if (cr_is(id, "SV1") || cr_is(id, "SV3") || (cr_is(id, "SV2") && cr_elem(r, 2).len)) {
        cr_comps(r, k, cr_is(id, "SV2") ? 2 : 1, v, 7);
        l->procedure_qualifier = cr_unless(v[0], dq);
        if (!v[0] || !v[1]) /* no qualifier, or no code (the writer needs both) */
            r->used &= ~((uint64_t)1 << (cr_is(id, "SV2") ? 2 : 1));
        l->procedure = v[1];
        for (int i = 0; i < 4; i++)
            l->modifiers[i] = v[2 + i];
        l->description = v[6];
    }
    if (cr_is(id, "SV1") || cr_is(id, "SV3")) {
        const char *p[4];
        cr_comps(r, k, cr_is(id, "SV1") ? 7 : 11, p, 4);
        for (int i = 0; i < 4; i++)
            if (p[i]) {
                char *end;
                unsigned long n = strtoul(p[i], &end, 10);
                if (*end || n == 0 || n > 255)
                    cr_report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, cr_is(id, "SV1") ? 7 : 11,
                           "a diagnosis pointer 1-255");
                else
                    l->diagnosis_pointers[i] = (uint8_t)n;
            }
    }
    if (cr_is(id, "SV1")) {
        l->charge_cents = cr_amount(r, 2);
        l->unit_basis = cr_unless(cr_str(r, k, 3), "UN");
        if (!cr_elem(r, 3).len)
            r->used &= ~((uint64_t)1 << 3);
        l->units = cr_str(r, k, 4);
        l->place_of_service = cr_str(r, k, 5);
        l->emergency = cr_str(r, k, 9);
        l->epsdt = cr_str(r, k, 11);
        l->family_planning = cr_str(r, k, 12);
        l->copay_exempt = cr_str(r, k, 15);
    } else if (cr_is(id, "SV2")) {
        l->revenue_code = cr_str(r, k, 1);
        l->charge_cents = cr_amount(r, 3);
        l->unit_basis = cr_unless(cr_str(r, k, 4), "UN");
        if (!cr_elem(r, 4).len)
            r->used &= ~((uint64_t)1 << 4);
        l->units = cr_str(r, k, 5);
        if (cr_elem(r, 6).len) {
            l->has_unit_rate = 1;
            l->unit_rate_cents = cr_amount(r, 6);
        }
        if (cr_elem(r, 7).len) {
            l->has_non_covered = 1;
            l->non_covered_cents = cr_amount(r, 7);
        }
    } else if (cr_is(id, "SV3")) {
        l->charge_cents = cr_amount(r, 2);
        l->place_of_service = cr_str(r, k, 3);
        cr_comps(r, k, 4, l->oral_cavity, 5);
        l->prosthesis = cr_str(r, k, 5);
        l->units = cr_str(r, k, 6);
    } else if (cr_is(id, "TOO")) {
        if (!cr_is(cr_elem(r, 1), "JP")) {
            r->used = 0;
            return;
        }
        x12_claim_tooth *tooth;
        PUSH(r, k, l->teeth, l->tooth_count, tooth);
        if (!tooth)
            return;
        tooth->number = cr_str(r, k, 2);
        cr_comps(r, k, 3, tooth->surfaces, 5);
    } else if (cr_is(id, "PWK")) {
        read_pwk_into(r, &l->attachments, &l->attachment_count);
    } else if (cr_is(id, "DTP")) {
        const char *q = cr_str(r, k, 1), *fmt = cr_str(r, k, 2), *val = cr_str(r, k, 3);
        if (q)
            cr_order_check(r, &r->order[0], line_date_order(t), q);
        if (!fmt)
            r->used &= ~((uint64_t)1 << 2);
        if (q && val && !strcmp(q, "472") && !l->service_date &&
            !strcmp(fmt ? fmt : "", claim_default_date_format(val)))
            l->service_date = val;
        else if (q && val)
            add_date(r, &l->dates, &l->date_count, q, fmt, val);
    } else if (cr_is(id, "REF")) {
        x12_slice q = cr_elem(r, 1);
        char qs[4];
        cr_copy(qs, sizeof qs, q);
        cr_order_check(r, &r->order[1], line_ref_order(t), qs);
        if (cr_is(cr_elem(r, 1), "6R") && !l->line_control_number && !cr_elem(r, 4).len)
            l->line_control_number = cr_str(r, k, 2);
        else
            read_ref_into(r, &l->refs, &l->ref_count);
    } else if (cr_is(id, "AMT")) {
        read_amount_into(r, &l->amounts, &l->amount_count);
    } else if (cr_is(id, "NTE")) {
        read_note_into(r, &l->notes, &l->note_count);
    } else if (cr_is(id, "HCP") && !l->repricing) {
        l->repricing = read_hcp(r);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "CN1") && !l->contract) {
        l->contract = read_cn1(r);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "K3")) {
        read_k3_into(r, &l->file_info, &l->file_info_count);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "QTY")) {
        read_measure_into(r, &l->quantities, &l->quantity_count, 0);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "MEA")) {
        read_measure_into(r, &l->measurements, &l->measurement_count, 1);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "PS1") && !l->purchased_provider_id &&
               !l->has_purchased) {
        l->purchased_provider_id = cr_str(r, k, 1);
        if ((l->has_purchased = cr_elem(r, 2).len > 0))
            l->purchased_cents = cr_amount(r, 2);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "CR1") && !l->ambulance) {
        l->ambulance = read_cr1(r);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "CRC")) {
        read_crc_into(r, &l->condition_indicators, &l->condition_indicator_count);
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "SV5") && !l->dme && cr_is(cr_elem(r, 2), "DA")) {
        x12_claim_dme *d = x12_arena_alloc(r->a[A_CLAIM], sizeof *d);
        if (!d) {
            cr_nomem(r);
            return;
        }
        const char *pv[2];
        cr_comps(r, k, 1, pv, 2);
        d->procedure_qualifier = cr_unless(pv[0], "HC");
        if (!pv[0])
            r->used &= ~((uint64_t)1 << 1);
        d->procedure = pv[1];
        d->days = cr_str(r, k, 3);
        if ((d->has_rental = cr_elem(r, 4).len > 0))
            d->rental_cents = cr_amount(r, 4);
        if ((d->has_purchase = cr_elem(r, 5).len > 0))
            d->purchase_cents = cr_amount(r, 5);
        d->frequency = cr_str(r, k, 6);
        l->dme = d;
    } else if (t == X12_CLAIM_PROFESSIONAL && cr_is(id, "CR3") && !l->dme_certification &&
               (cr_is(cr_elem(r, 2), "MO") || !cr_elem(r, 2).len)) {
        x12_claim_dme_certification *d = x12_arena_alloc(r->a[A_CLAIM], sizeof *d);
        if (!d) {
            cr_nomem(r);
            return;
        }
        d->type = cr_str(r, k, 1);
        d->months = cr_str(r, k, 3);
        if (!d->months && cr_elem(r, 2).len)
            r->used &= ~((uint64_t)1 << 2);
        l->dme_certification = d;
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

void cr_drug_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim_line *l = r->line;
    if (!l)
        return;
    x12_claim_drug *d = (x12_claim_drug *)l->drug;
    if (cr_is(id, "LIN")) {
        if (!(d = x12_arena_alloc(r->a[A_CLAIM], sizeof *d))) {
            cr_nomem(r);
            return;
        }
        l->drug = d;
        d->qualifier = cr_str(r, A_CLAIM, 2);
        d->code = cr_str(r, A_CLAIM, 3);
    } else if (d && cr_is(id, "CTP")) {
        d->quantity = cr_str(r, A_CLAIM, 4);
        const char *u[1];
        cr_comps(r, A_CLAIM, 5, u, 1);
        d->unit = u[0];
    } else if (d && cr_is(id, "REF") && !d->ref_value && !cr_elem(r, 4).len) {
        d->ref_qualifier = cr_str(r, A_CLAIM, 1);
        d->ref_value = cr_str(r, A_CLAIM, 2);
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

void cr_adjudication_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim_line *l = r->line;
    if (!l)
        return;
    if (cr_is(id, "SVD")) {
        x12_claim_line_adjudication *a;
        PUSH(r, A_CLAIM, l->adjudications, l->adjudication_count, a);
        if (!(r->adj = a))
            return;
        a->payer_id = cr_str(r, A_CLAIM, 1);
        a->paid_cents = cr_amount(r, 2);
        const char *v[7];
        cr_comps(r, A_CLAIM, 3, v, 7);
        const char *lq = l->procedure_qualifier ? l->procedure_qualifier
                                                : claim_default_procedure_qualifier(r->type);
        a->procedure_qualifier = cr_unless(v[0], lq);
        a->procedure = v[1];
        for (int i = 0; i < 4; i++)
            a->modifiers[i] = v[2 + i];
        a->description = v[6];
        a->revenue_code = cr_str(r, A_CLAIM, 4);
        a->units = cr_str(r, A_CLAIM, 5);
        a->bundled_line = cr_str(r, A_CLAIM, 6);
        return;
    }
    x12_claim_line_adjudication *a = r->adj;
    if (!a)
        return;
    if (cr_is(id, "CAS")) {
        read_cas_into(r, &a->adjustments, &a->adjustment_count);
    } else if (cr_is(id, "DTP") && cr_is(cr_elem(r, 1), "573") && cr_is(cr_elem(r, 2), "D8") &&
               !a->adjudication_date) {
        a->adjudication_date = cr_str(r, A_CLAIM, 3);
    } else if (cr_is(id, "AMT") && cr_is(cr_elem(r, 1), "EAF") && !a->has_remaining) {
        a->has_remaining = 1;
        a->remaining_cents = cr_amount(r, 2);
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

void cr_form_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim_line *l = r->line;
    if (cr_is(id, "LQ")) {
        x12_claim_form *f;
        PUSH(r, A_CLAIM, l->forms, l->form_count, f);
        if (!f)
            return;
        f->type = cr_str(r, A_CLAIM, 1);
        f->form = cr_str(r, A_CLAIM, 2);
    } else if (cr_is(id, "FRM") && l->form_count) {
        x12_claim_form *f = &l->forms[l->form_count - 1];
        x12_claim_form_answer *q;
        PUSH(r, A_CLAIM, f->answers, f->answer_count, q);
        if (!q)
            return;
        q->question = cr_str(r, A_CLAIM, 1);
        q->yes_no = cr_str(r, A_CLAIM, 2);
        q->text = cr_str(r, A_CLAIM, 3);
        q->date = cr_str(r, A_CLAIM, 4);
        q->percent = cr_str(r, A_CLAIM, 5);
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

void cr_other_payer_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim *c = &r->claim;
    if (cr_is(id, "SBR")) {
        x12_claim_other_payer *o;
        PUSH(r, A_CLAIM, c->other_payers, c->other_payer_count, o);
        if (!(r->op = o))
            return;
        o->payer_responsibility = cr_str(r, A_CLAIM, 1);
        o->relationship = cr_str(r, A_CLAIM, 2);
        o->group_number = cr_str(r, A_CLAIM, 3);
        o->group_name = cr_str(r, A_CLAIM, 4);
        o->insurance_type = cr_str(r, A_CLAIM, 5);
        o->claim_filing_indicator = cr_str(r, A_CLAIM, 9);
        return;
    }
    x12_claim_other_payer *o = r->op;
    if (!o)
        return;
    if (cr_is(id, "CAS")) {
        read_cas_into(r, &o->adjustments, &o->adjustment_count);
    } else if (cr_is(id, "AMT")) {
        if (cr_is(cr_elem(r, 1), "D") && !o->has_paid) {
            o->has_paid = 1;
            o->paid_cents = cr_amount(r, 2);
        } else {
            read_amount_into(r, &o->amounts, &o->amount_count);
        }
    } else if (cr_is(id, "OI")) {
        o->benefits_assignment = cr_str(r, A_CLAIM, 3);
        o->patient_signature_source = cr_str(r, A_CLAIM, 4);
        o->release_of_info = cr_str(r, A_CLAIM, 6);
    } else if (cr_is(id, "MIA") && !o->inpatient && r->type == X12_CLAIM_INSTITUTIONAL) {
        x12_claim_inpatient_adjudication *m = x12_arena_alloc(r->a[A_CLAIM], sizeof *m);
        if (!m) {
            cr_nomem(r);
            return;
        }
        m->covered_days = cr_str(r, A_CLAIM, 1);
        m->lifetime_psychiatric_days = cr_str(r, A_CLAIM, 3);
        m->cost_report_days = cr_str(r, A_CLAIM, 15);
        m->remarks[0] = cr_str(r, A_CLAIM, 5);
        for (unsigned i = 0; i < 4; i++)
            m->remarks[1 + i] = cr_str(r, A_CLAIM, 20 + i);
        /* the amounts: MIA04, 06-14, 16-19, 24 */
        static const unsigned amounts[] = {4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 24};
        for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
            unsigned pos = amounts[i];
            if ((m->has_amount[pos - 1] = cr_elem(r, pos).len > 0))
                m->amount_cents[pos - 1] = cr_amount(r, pos);
        }
        o->inpatient = m;
    } else if (cr_is(id, "MOA") && !o->outpatient) {
        x12_claim_outpatient_adjudication *m = x12_arena_alloc(r->a[A_CLAIM], sizeof *m);
        if (!m) {
            cr_nomem(r);
            return;
        }
        m->reimbursement_rate = cr_str(r, A_CLAIM, 1);
        if ((m->has_payable = cr_elem(r, 2).len > 0))
            m->payable_cents = cr_amount(r, 2);
        for (unsigned i = 0; i < 5; i++)
            m->remarks[i] = cr_str(r, A_CLAIM, 3 + i);
        if ((m->has_esrd = cr_elem(r, 8).len > 0))
            m->esrd_cents = cr_amount(r, 8);
        if ((m->has_nonpayable = cr_elem(r, 9).len > 0))
            m->nonpayable_cents = cr_amount(r, 9);
        o->outpatient = m;
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

void cr_claim_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim *c = &r->claim;
    int k = A_CLAIM;
    if (cr_is(id, "DTP")) {
        claim_dtp(r);
    } else if (cr_is(id, "REF")) {
        claim_ref(r);
    } else if (cr_is(id, "AMT")) {
        read_amount_into(r, &c->amounts, &c->amount_count);
    } else if (cr_is(id, "NTE")) {
        read_note_into(r, &c->notes, &c->note_count);
    } else if (cr_is(id, "PWK")) {
        read_pwk_into(r, &c->attachments, &c->attachment_count);
    } else if (cr_is(id, "HI")) {
        claim_hi(r);
    } else if (cr_is(id, "HCP") && !c->repricing) {
        c->repricing = read_hcp(r);
    } else if (cr_is(id, "CN1") && !c->contract) {
        c->contract = read_cn1(r);
    } else if (cr_is(id, "K3")) {
        read_k3_into(r, &c->file_info, &c->file_info_count);
    } else if (r->type == X12_CLAIM_PROFESSIONAL && cr_is(id, "CR1") && !c->ambulance) {
        c->ambulance = read_cr1(r);
    } else if (r->type == X12_CLAIM_PROFESSIONAL && cr_is(id, "CR2") && !c->spinal) {
        x12_claim_spinal *sp = x12_arena_alloc(r->a[A_CLAIM], sizeof *sp);
        if (!sp) {
            cr_nomem(r);
            return;
        }
        sp->condition = cr_str(r, k, 8);
        sp->description1 = cr_str(r, k, 10);
        sp->description2 = cr_str(r, k, 11);
        c->spinal = sp;
    } else if (r->type == X12_CLAIM_PROFESSIONAL && cr_is(id, "CRC")) {
        read_crc_into(r, &c->condition_indicators, &c->condition_indicator_count);
    } else if (cr_is(id, "CL1") && r->type == X12_CLAIM_INSTITUTIONAL) {
        c->admission_type = cr_str(r, k, 1);
        c->admission_source = cr_str(r, k, 2);
        c->patient_status = cr_str(r, k, 3);
    } else if (cr_is(id, "DN1") && r->type == X12_CLAIM_DENTAL && !c->has_orthodontic) {
        c->has_orthodontic = 1;
        c->ortho_months_total = cr_str(r, k, 1);
        c->ortho_months_remaining = cr_str(r, k, 2);
        c->ortho_questionnaire = cr_str(r, k, 4);
    } else if (cr_is(id, "DN2") && r->type == X12_CLAIM_DENTAL) {
        x12_claim_tooth *t;
        PUSH(r, k, c->tooth_status, c->tooth_status_count, t);
        if (!t)
            return;
        t->number = cr_str(r, k, 1);
        t->surfaces[0] = cr_str(r, k, 2);
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}
