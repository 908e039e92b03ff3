/* 837 reader: any 837P/837I/837D -> claim structs (claim.h), as a consumer
 * of the walker's loop events.  One claim (2300 with its lines) at a time:
 * it is handed to the callback when its loop ends, with its billing provider,
 * subscriber and patient levels, and its arena is reset for the next one.
 * Values equal to the model's defaults are left NULL (claim_defaults.h), so
 * that a claim read back equals the claim the writer was given.  A segment
 * or element the model does not carry is reported (X12_ERR_CLAIM_NOT_CARRIED)
 * and never silently dropped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/amount.h>
#include <x12/claim.h>
#include <x12/spec.h>

#include "claim_defaults.h"
#include "spec_model.h"

/* Guides read with the spec of the 837 they amend or precede: the loops and
 * segments the model carries are the same in these versions. */
static const struct {
    const char *alias, *guide;
} ALIASES[] = {
    {"005010X222", "005010X222A1"},   {"005010X222A2", "005010X222A1"},
    {"005010X223", "005010X223A2"},   {"005010X223A1", "005010X223A2"},
    {"005010X223A3", "005010X223A2"}, {"005010X224", "005010X224A2"},
    {"005010X224A1", "005010X224A2"}, {"005010X224A3", "005010X224A2"},
};
#define NALIAS (sizeof ALIASES / sizeof ALIASES[0])

typedef struct order_track {
    int rank;          /* guide rank of the last one */
    int disordered;
    x12_segment *pos;  /* positions of those seen (in the claim's arena) */
    size_t count;
} order_track;

enum { A_ISA, A_GS, A_SET, A_BILL, A_SUB, A_PAT, A_CLAIM, A_COUNT };

struct x12_claim_reader {
    x12_claim_reader_callbacks cb;
    void *ctx;
    const x12_allocator *alloc;
    x12_walker *walker;
    x12_spec *alias_spec[NALIAS];
    x12_arena *a[A_COUNT];
    x12_status fatal;
    int stopped;

    /* envelope */
    x12_isa_header isa;
    x12_gs_header gs;
    char gs08[40], st03[40];
    x12_claim_header hdr;
    x12_delimiters delims;
    uint32_t interchange, set, claim_in_set;
    int in_set;          /* inside an 837 set the walker knows */
    x12_claim_type type;
    char st02[16];

    /* levels */
    x12_claim_billing billing;
    x12_claim_subscriber subscriber, sub_view;
    x12_claim_patient patient;
    int have_billing, have_subscriber, have_patient;

    /* the claim being built */
    x12_claim claim;
    int in_claim;
    uint64_t clm_offset;
    uint32_t clm_index;
    x12_claim_party *party; /* target of N3/N4/REF/PER/DMG/PRV in the current loop */
    const char *party_entity; /* its loop's default NM101 */
    const char *party_prv;    /* its default PRV01 */
    x12_claim_line *line;
    x12_claim_other_payer *op;
    x12_claim_line_adjudication *adj;
    int hi_ordinal;           /* HI composites seen in this claim (837P/837D) */
    int opens[3];             /* HL 2000A/B/C seen since the last claim */
    order_track order[2];     /* [0] DTP, [1] REF of the claim or the current line */
    int amounts_2, amounts_other; /* amounts of the claim with two decimals, without */

    /* the segment being read */
    const x12_walk_event *ev;
    uint64_t used;            /* elements consumed, bit per position (1..63) */
};

/* ---- small helpers ------------------------------------------------------ */

static int nomem(x12_claim_reader *r)
{
    r->fatal = X12_ERR_NOMEM;
    return -1;
}

static void report(x12_claim_reader *r, x12_status code, x12_severity sev, unsigned el,
                   const char *detail)
{
    if (!r->cb.finding)
        return;
    const x12_segment *s = r->ev->seg;
    x12_finding f;
    memset(&f, 0, sizeof f);
    f.err.code = code;
    f.err.msg = x12_status_message(code);
    f.err.byte_offset = s->byte_offset;
    f.err.segment_index = s->segment_index;
    f.err.set_position = s->set_position;
    snprintf(f.err.segment_id, sizeof f.err.segment_id, "%.*s", (int)(s->id.len < 3 ? s->id.len : 3),
             s->id.ptr);
    f.err.element_pos = (uint16_t)el;
    if (detail)
        snprintf(f.err.detail, sizeof f.err.detail, "%s", detail);
    f.severity = sev;
    f.snip = 0;
    f.guide = r->ev->spec ? x12_spec_guide_id(r->ev->spec) : "";
    f.loop_id = r->ev->loop_id ? r->ev->loop_id : "";
    r->cb.finding(r->ctx, &f);
}

static void not_carried(x12_claim_reader *r, unsigned el)
{
    report(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, el, NULL);
}

static x12_slice elem(x12_claim_reader *r, unsigned pos)
{
    if (pos < 64)
        r->used |= (uint64_t)1 << pos;
    return x12_segment_element(r->ev->seg, pos);
}

/* Element `pos` as a string in arena `k`; NULL when empty. */
static const char *str(x12_claim_reader *r, int k, unsigned pos)
{
    x12_slice v = elem(r, pos);
    if (!v.len)
        return NULL;
    char *s = x12_arena_slice(r->a[k], v);
    if (!s)
        nomem(r);
    return s;
}

static const char *slice_str(x12_claim_reader *r, int k, x12_slice v)
{
    if (!v.len)
        return NULL;
    char *s = x12_arena_slice(r->a[k], v);
    if (!s)
        nomem(r);
    return s;
}

/* Components 1..n of element `pos` into out[]; components past n that hold
 * data are reported. */
static void comps(x12_claim_reader *r, int k, unsigned pos, const char **out, unsigned n)
{
    x12_slice v = elem(r, pos);
    const x12_segment *s = r->ev->seg;
    for (unsigned i = 0; i < n; i++)
        out[i] = slice_str(r, k, x12_element_component(s, v, i + 1));
    unsigned total = x12_count_parts(v, s->delims.component);
    for (unsigned i = n + 1; i <= total; i++)
        if (x12_element_component(s, v, i).len) {
            not_carried(r, pos);
            break;
        }
}

static int is(x12_slice v, const char *s)
{
    return x12_slice_eq(v, s);
}

static void amount_shape(x12_claim_reader *r, x12_slice v)
{
    if (v.len >= 3 && v.ptr[v.len - 3] == '.')
        r->amounts_2++;
    else
        r->amounts_other++;
}

static int64_t amount(x12_claim_reader *r, unsigned pos)
{
    int64_t c = 0;
    x12_slice v = elem(r, pos);
    if (v.len)
        amount_shape(r, v);
    if (v.len && x12_amount_parse(v, &c) != X12_OK)
        report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, pos, "an amount with at most two decimals");
    return c;
}

/* After a segment: every element with data that was not consumed. */
static void check_used(x12_claim_reader *r)
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
        not_carried(r, 0);
        return;
    }
    for (unsigned i = 1; i <= s->element_count; i++)
        if (s->elements[i].len && (i >= 64 || !(r->used & ((uint64_t)1 << i))))
            not_carried(r, i);
}

/* Leaves `v` NULL when it equals the default. */
static const char *unless(const char *v, const char *def)
{
    return v && def && !strcmp(v, def) ? NULL : v;
}

/* Appends a zeroed element to an arena array that grows by doubling. */
static void *push_raw(x12_arena *a, void **base, size_t count, size_t size)
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

#define PUSH(R, K, ARR, CNT, OUT)                                                \
    do {                                                                         \
        void *base_ = (void *)(ARR);                                             \
        (OUT) = push_raw((R)->a[K], &base_, (CNT), sizeof *(ARR));               \
        if (!(OUT)) {                                                            \
            nomem(R);                                                            \
        } else {                                                                 \
            (ARR) = base_;                                                       \
            (CNT)++;                                                             \
        }                                                                        \
    } while (0)

/* DTPs or REFs out of the guide's order: the writer puts them back in the
 * guide's order, so every DTP (REF) of that claim or line is reported at
 * element 1. */

static void order_report(x12_claim_reader *r, const x12_segment *pos)
{
    const x12_walk_event *ev = r->ev;
    x12_walk_event at = *ev;
    at.seg = pos;
    r->ev = &at;
    report(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 1, "out of the guide's order");
    r->ev = ev;
}

static void order_check(x12_claim_reader *r, order_track *t, const char *order, const char *q)
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

static void order_reset(x12_claim_reader *r)
{
    memset(r->order, 0, sizeof r->order);
    r->order[0].rank = r->order[1].rank = 1000;
}

/* ---- parties ------------------------------------------------------------ */

/* Which arena a party's strings go to. */
static int party_arena(x12_claim_reader *r)
{
    const char *l = r->ev->loop_id;
    if (l[0] == '1')
        return A_SET;
    if (!strncmp(l, "2000A", 5) || !strncmp(l, "2010A", 5))
        return A_BILL;
    if (!strncmp(l, "2000B", 5) || !strncmp(l, "2010B", 5))
        return A_SUB;
    if (!strncmp(l, "2000C", 5) || !strncmp(l, "2010C", 5))
        return A_PAT;
    return A_CLAIM;
}

static void read_nm1(x12_claim_reader *r, x12_claim_party *p, const char *entity)
{
    int k = party_arena(r);
    p->entity_code = unless(str(r, k, 1), entity);
    const char *type = str(r, k, 2);
    p->last_name = str(r, k, 3);
    p->first_name = str(r, k, 4);
    p->middle_name = str(r, k, 5);
    p->suffix = str(r, k, 7);
    p->id_qualifier = str(r, k, 8);
    p->id = str(r, k, 9);
    p->entity_type = unless(type, claim_default_entity_type(p));
    if (!type) /* the writer always writes NM102 */
        r->used &= ~((uint64_t)1 << 2);
}

static void read_party_seg(x12_claim_reader *r, x12_slice id)
{
    x12_claim_party *p = r->party;
    int k = party_arena(r);
    if (is(id, "N3")) {
        p->address.line1 = str(r, k, 1);
        p->address.line2 = str(r, k, 2);
    } else if (is(id, "N4")) {
        p->address.city = str(r, k, 1);
        p->address.state = str(r, k, 2);
        p->address.postal_code = str(r, k, 3);
        p->address.country = str(r, k, 4);
        p->address.subdivision = str(r, k, 7);
    } else if (is(id, "DMG")) {
        if (is(elem(r, 1), "D8") || !elem(r, 1).len) {
            p->birth_date = str(r, k, 2);
            p->gender = str(r, k, 3);
        }
    } else if (is(id, "PRV")) {
        if (is(elem(r, 2), "PXC")) {
            p->provider_code = unless(str(r, k, 1), r->party_prv);
            if (!elem(r, 1).len)
                r->used &= ~((uint64_t)1 << 1);
            p->taxonomy = str(r, k, 3);
        }
    } else if (is(id, "PER")) {
        x12_claim_contact *c;
        PUSH(r, k, p->contacts, p->contact_count, c);
        if (!c)
            return;
        c->function = unless(str(r, k, 1), "IC");
        if (!elem(r, 1).len)
            r->used &= ~((uint64_t)1 << 1);
        c->name = str(r, k, 2);
        for (int i = 0; i < 3; i++) {
            c->qualifier[i] = str(r, k, 3 + 2 * i);
            c->number[i] = str(r, k, 4 + 2 * i);
        }
    } else if (is(id, "REF")) {
        const char *l = r->ev->loop_id;
        x12_slice q = elem(r, 1);
        /* 2010AA REF*EI/SY and 2010AC REF*EI: the tax id */
        if (((!strcmp(l, "2010AA") && (is(q, "EI") || is(q, "SY"))) ||
             (!strcmp(l, "2010AC") && is(q, "EI"))) &&
            !p->tax_id) {
            p->tax_id_qualifier = unless(str(r, k, 1), "EI");
            p->tax_id = str(r, k, 2);
            return;
        }
        x12_claim_ref *f;
        PUSH(r, k, p->refs, p->ref_count, f);
        if (!f)
            return;
        f->qualifier = str(r, k, 1);
        f->value = str(r, k, 2);
        const char *c2[2];
        comps(r, k, 4, c2, 2);
        if (c2[0] && !strcmp(c2[0], "2U"))
            f->id2 = c2[1];
        else if (c2[0] || c2[1])
            r->used &= ~((uint64_t)1 << 4);
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

/* ---- the claim ---------------------------------------------------------- */

static void deliver(x12_claim_reader *r)
{
    if (!r->in_claim)
        return;
    r->in_claim = 0;
    x12_claim *cl = &r->claim;
    cl->type = r->type;
    cl->billing = r->have_billing ? &r->billing : NULL;
    /* SBR02 18 is the default when the subscriber is the patient */
    r->sub_view = r->subscriber;
    if (!r->have_patient && r->sub_view.relationship && !strcmp(r->sub_view.relationship, "18"))
        r->sub_view.relationship = NULL;
    cl->subscriber = r->have_subscriber ? &r->sub_view : NULL;
    cl->patient = r->have_patient ? &r->patient : NULL;
    x12_claim_context cx;
    memset(&cx, 0, sizeof cx);
    cx.header = &r->hdr;
    cx.delims = r->delims;
    cx.interchange = r->interchange;
    cx.set = r->set;
    cx.claim_in_set = ++r->claim_in_set;
    cx.byte_offset = r->clm_offset;
    cx.segment_index = r->clm_index;
    cx.opens_billing = r->opens[0];
    cx.opens_subscriber = r->opens[1];
    cx.opens_patient = r->opens[2];
    r->opens[0] = r->opens[1] = r->opens[2] = 0;
    cx.amount_style =
        r->amounts_2 && !r->amounts_other ? X12_AMOUNT_DECIMAL2 : X12_AMOUNT_X12;
    if (r->cb.claim && r->cb.claim(r->ctx, cl, &cx))
        r->stopped = 1;
}

static void begin_claim(x12_claim_reader *r)
{
    x12_arena_reset(r->a[A_CLAIM]);
    memset(&r->claim, 0, sizeof r->claim);
    r->in_claim = 1;
    r->clm_offset = r->ev->seg->byte_offset;
    r->clm_index = r->ev->seg->segment_index;
    r->line = NULL;
    r->op = NULL;
    r->adj = NULL;
    r->party = NULL;
    r->hi_ordinal = 0;
    r->amounts_2 = r->amounts_other = 0;
    order_reset(r);
    x12_claim *c = &r->claim;
    int k = A_CLAIM;
    c->claim_id = str(r, k, 1);
    c->total_charge_cents = amount(r, 2);
    const char *v[5];
    comps(r, k, 5, v, 3);
    c->facility_code = v[0];
    c->facility_qualifier = unless(v[1], claim_default_facility_qualifier(r->type));
    if (!v[1]) /* the writer always writes CLM05-2 */
        r->used &= ~((uint64_t)1 << 5);
    c->frequency_code = v[2];
    c->provider_signature = str(r, k, 6);
    c->assignment = str(r, k, 7);
    c->benefits_assignment = str(r, k, 8);
    c->release_of_info = str(r, k, 9);
    c->patient_signature_source = str(r, k, 10);
    comps(r, k, 11, v, 5);
    for (int i = 0; i < 3; i++)
        c->related_causes[i] = v[i];
    c->accident_state = v[3];
    c->accident_country = v[4];
    c->special_program = str(r, k, 12);
    c->predetermination = str(r, k, 19);
    c->delay_reason = str(r, k, 20);
}

static void add_date(x12_claim_reader *r, x12_claim_date **arr, size_t *n, const char *q,
                     const char *fmt, const char *val)
{
    x12_claim_date *d;
    PUSH(r, A_CLAIM, *arr, *n, d);
    if (!d)
        return;
    d->qualifier = q;
    d->format = unless(fmt, claim_default_date_format(val));
    d->value = val;
}

static void claim_dtp(x12_claim_reader *r)
{
    x12_claim *c = &r->claim;
    const char *q = str(r, A_CLAIM, 1), *fmt = str(r, A_CLAIM, 2), *val = str(r, A_CLAIM, 3);
    if (!q || !val)
        return;
    if (!fmt)
        r->used &= ~((uint64_t)1 << 2); /* no DTP02: the writer would write one */
    order_check(r, &r->order[0], claim_date_order(r->type), q);
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
    f->qualifier = str(r, A_CLAIM, 1);
    f->value = str(r, A_CLAIM, 2);
    const char *c2[2];
    comps(r, A_CLAIM, 4, c2, 2);
    if (c2[0] && !strcmp(c2[0], "2U"))
        f->id2 = c2[1];
    else if (c2[0] || c2[1])
        r->used &= ~((uint64_t)1 << 4);
}

static void claim_ref(x12_claim_reader *r)
{
    x12_claim *c = &r->claim;
    x12_slice q = elem(r, 1);
    char qs[4];
    snprintf(qs, sizeof qs, "%.*s", (int)(q.len < 3 ? q.len : 3), q.ptr ? q.ptr : "");
    order_check(r, &r->order[1], claim_ref_order(r->type), qs);
    const char **named = is(q, "F8")   ? &c->payer_claim_number
                         : is(q, "G1") ? &c->prior_authorization
                         : is(q, "9F") ? &c->referral_number
                         : is(q, "EA") ? &c->medical_record_number
                                       : NULL;
    if (named && !*named && !elem(r, 4).len) {
        *named = str(r, A_CLAIM, 2);
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
    a->qualifier = str(r, A_CLAIM, 1);
    a->cents = amount(r, 2);
}

static void read_note_into(x12_claim_reader *r, x12_claim_note **arr, size_t *n)
{
    x12_claim_note *t;
    PUSH(r, A_CLAIM, *arr, *n, t);
    if (!t)
        return;
    t->code = str(r, A_CLAIM, 1);
    t->text = str(r, A_CLAIM, 2);
}

static void read_pwk_into(x12_claim_reader *r, x12_claim_attachment **arr, size_t *n)
{
    x12_slice q5 = elem(r, 5);
    if (q5.len && !is(q5, "AC")) {
        r->used &= ~((uint64_t)1 << 5);
        return;
    }
    x12_claim_attachment *p;
    PUSH(r, A_CLAIM, *arr, *n, p);
    if (!p)
        return;
    p->report_type = str(r, A_CLAIM, 1);
    p->transmission = str(r, A_CLAIM, 2);
    p->control = str(r, A_CLAIM, 6);
}

static const x12_claim_repricing *read_hcp(x12_claim_reader *r)
{
    x12_claim_repricing *h = x12_arena_alloc(r->a[A_CLAIM], sizeof *h);
    if (!h) {
        nomem(r);
        return NULL;
    }
    int k = A_CLAIM;
    h->pricing_methodology = str(r, k, 1);
    if ((h->has_allowed = elem(r, 2).len > 0))
        h->allowed_cents = amount(r, 2);
    if ((h->has_savings = elem(r, 3).len > 0))
        h->savings_cents = amount(r, 3);
    h->organization_id = str(r, k, 4);
    h->rate = str(r, k, 5);
    h->approved_drg = str(r, k, 6);
    if ((h->has_drg_amount = elem(r, 7).len > 0))
        h->drg_amount_cents = amount(r, 7);
    h->approved_revenue_code = str(r, k, 8);
    h->procedure_qualifier = str(r, k, 9);
    h->procedure = str(r, k, 10);
    h->unit_basis = str(r, k, 11);
    h->units = str(r, k, 12);
    h->reject_reason = str(r, k, 13);
    h->compliance = str(r, k, 14);
    h->exception = str(r, k, 15);
    return h;
}

/* CR1 with its fixed qualifiers (CR101 LB, CR105 DH). */
static const x12_claim_ambulance *read_cr1(x12_claim_reader *r)
{
    x12_claim_ambulance *a = x12_arena_alloc(r->a[A_CLAIM], sizeof *a);
    if (!a) {
        nomem(r);
        return NULL;
    }
    if (is(elem(r, 1), "LB"))
        a->weight = str(r, A_CLAIM, 2);
    a->reason = str(r, A_CLAIM, 4);
    if (is(elem(r, 5), "DH"))
        a->miles = str(r, A_CLAIM, 6);
    a->round_trip_purpose = str(r, A_CLAIM, 9);
    a->stretcher_purpose = str(r, A_CLAIM, 10);
    return a;
}

static void read_crc_into(x12_claim_reader *r, x12_claim_crc **arr, size_t *n)
{
    x12_claim_crc *k;
    PUSH(r, A_CLAIM, *arr, *n, k);
    if (!k)
        return;
    k->category = str(r, A_CLAIM, 1);
    k->response = str(r, A_CLAIM, 2);
    for (int i = 0; i < 5; i++)
        k->codes[i] = str(r, A_CLAIM, 3 + (unsigned)i);
}

static const x12_claim_contract *read_cn1(x12_claim_reader *r)
{
    x12_claim_contract *k = x12_arena_alloc(r->a[A_CLAIM], sizeof *k);
    if (!k) {
        nomem(r);
        return NULL;
    }
    k->type = str(r, A_CLAIM, 1);
    if ((k->has_amount = elem(r, 2).len > 0))
        k->amount_cents = amount(r, 2);
    k->percent = str(r, A_CLAIM, 3);
    k->code = str(r, A_CLAIM, 4);
    k->discount = str(r, A_CLAIM, 5);
    k->version = str(r, A_CLAIM, 6);
    return k;
}

static void read_k3_into(x12_claim_reader *r, const char ***arr, size_t *n)
{
    const char **v;
    PUSH(r, A_CLAIM, *arr, *n, v);
    if (v)
        *v = str(r, A_CLAIM, 1);
}

static void read_measure_into(x12_claim_reader *r, x12_claim_measure **arr, size_t *n, int mea)
{
    x12_claim_measure *m;
    PUSH(r, A_CLAIM, *arr, *n, m);
    if (!m)
        return;
    unsigned b = mea ? 1 : 0;
    if (mea)
        m->category = str(r, A_CLAIM, 1);
    m->qualifier = str(r, A_CLAIM, 1 + b);
    m->value = str(r, A_CLAIM, 2 + b);
}

/* One C022 composite of an HI segment into `k`. */
static void read_code(x12_claim_reader *r, unsigned pos, x12_claim_code *k, const char *defq)
{
    const char *v[9];
    comps(r, A_CLAIM, pos, v, 9);
    k->qualifier = unless(v[0], defq);
    k->code = v[1];
    k->date = v[3];
    if (v[2] && (!v[3] || strcmp(v[2], claim_code_date_format(v[3]))))
        r->used &= ~((uint64_t)1 << pos);
    if (v[4]) {
        k->has_amount = 1;
        x12_slice s = {v[4], strlen(v[4])};
        amount_shape(r, s);
        if (x12_amount_parse(s, &k->amount_cents) != X12_OK)
            report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, pos, "an amount with at most two decimals");
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
        snprintf(qs, sizeof qs, "%.*s", (int)(q.len < 7 ? q.len : 7), q.ptr ? q.ptr : "");
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
            elem(r, pos);
            c->drg = slice_str(r, A_CLAIM, x12_element_component(s, v, 2));
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
        }
        if (!k) /* TC treatment codes, a second principal, ... */
            continue;
        read_code(r, pos, k, defq);
    }
}

static void read_cas_into(x12_claim_reader *r, x12_claim_adjustment **arr, size_t *n)
{
    const char *group = str(r, A_CLAIM, 1);
    for (unsigned i = 0; i < 6; i++) {
        unsigned p = 2 + 3 * i;
        if (!elem(r, p).len && !elem(r, p + 1).len && !elem(r, p + 2).len)
            continue;
        x12_claim_adjustment *a;
        PUSH(r, A_CLAIM, *arr, *n, a);
        if (!a)
            return;
        a->group = group;
        a->reason = str(r, A_CLAIM, p);
        a->cents = amount(r, p + 1);
        a->quantity = str(r, A_CLAIM, p + 2);
    }
}

static void new_provider(x12_claim_reader *r, x12_claim_provider **arr, size_t *n)
{
    x12_slice e = elem(r, 1);
    char code[4];
    snprintf(code, sizeof code, "%.*s", (int)(e.len < 3 ? e.len : 3), e.ptr ? e.ptr : "");
    int role = claim_entity_role(code);
    if (role < 0) {
        r->party = NULL;
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
        return;
    }
    x12_claim_provider *p;
    PUSH(r, A_CLAIM, *arr, *n, p);
    if (!p)
        return;
    p->role = (x12_claim_provider_role)role;
    r->party = &p->party;
    r->party_entity = claim_role_entity(p->role);
    r->party_prv = claim_role_prv(p->role);
    read_nm1(r, r->party, r->party_entity);
}

static void line_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim *c = &r->claim;
    int k = A_CLAIM;
    if (is(id, "LX")) {
        PUSH(r, k, c->lines, c->line_count, r->line);
        order_reset(r);
        r->adj = NULL;
        r->party = NULL;
        elem(r, 1);
        return;
    }
    x12_claim_line *l = r->line;
    if (!l)
        return;
    const char *v[7];
    x12_claim_type t = r->type;
    const char *dq = claim_default_procedure_qualifier(t);
    if (is(id, "SV1") || is(id, "SV3") || (is(id, "SV2") && elem(r, 2).len)) {
        comps(r, k, is(id, "SV2") ? 2 : 1, v, 7);
        l->procedure_qualifier = unless(v[0], dq);
        if (!v[0] || !v[1]) /* no qualifier, or no code (the writer needs both) */
            r->used &= ~((uint64_t)1 << (is(id, "SV2") ? 2 : 1));
        l->procedure = v[1];
        for (int i = 0; i < 4; i++)
            l->modifiers[i] = v[2 + i];
        l->description = v[6];
    }
    if (is(id, "SV1") || is(id, "SV3")) {
        const char *p[4];
        comps(r, k, is(id, "SV1") ? 7 : 11, p, 4);
        for (int i = 0; i < 4; i++)
            if (p[i]) {
                char *end;
                unsigned long n = strtoul(p[i], &end, 10);
                if (*end || n == 0 || n > 255)
                    report(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, is(id, "SV1") ? 7 : 11,
                           "a diagnosis pointer 1-255");
                else
                    l->diagnosis_pointers[i] = (uint8_t)n;
            }
    }
    if (is(id, "SV1")) {
        l->charge_cents = amount(r, 2);
        l->unit_basis = unless(str(r, k, 3), "UN");
        if (!elem(r, 3).len)
            r->used &= ~((uint64_t)1 << 3);
        l->units = str(r, k, 4);
        l->place_of_service = str(r, k, 5);
        l->emergency = str(r, k, 9);
        l->epsdt = str(r, k, 11);
        l->family_planning = str(r, k, 12);
        l->copay_exempt = str(r, k, 15);
    } else if (is(id, "SV2")) {
        l->revenue_code = str(r, k, 1);
        l->charge_cents = amount(r, 3);
        l->unit_basis = unless(str(r, k, 4), "UN");
        if (!elem(r, 4).len)
            r->used &= ~((uint64_t)1 << 4);
        l->units = str(r, k, 5);
        if (elem(r, 6).len) {
            l->has_unit_rate = 1;
            l->unit_rate_cents = amount(r, 6);
        }
        if (elem(r, 7).len) {
            l->has_non_covered = 1;
            l->non_covered_cents = amount(r, 7);
        }
    } else if (is(id, "SV3")) {
        l->charge_cents = amount(r, 2);
        l->place_of_service = str(r, k, 3);
        comps(r, k, 4, l->oral_cavity, 5);
        l->prosthesis = str(r, k, 5);
        l->units = str(r, k, 6);
    } else if (is(id, "TOO")) {
        if (!is(elem(r, 1), "JP")) {
            r->used = 0;
            return;
        }
        x12_claim_tooth *tooth;
        PUSH(r, k, l->teeth, l->tooth_count, tooth);
        if (!tooth)
            return;
        tooth->number = str(r, k, 2);
        comps(r, k, 3, tooth->surfaces, 5);
    } else if (is(id, "PWK")) {
        read_pwk_into(r, &l->attachments, &l->attachment_count);
    } else if (is(id, "DTP")) {
        const char *q = str(r, k, 1), *fmt = str(r, k, 2), *val = str(r, k, 3);
        if (q)
            order_check(r, &r->order[0], line_date_order(t), q);
        if (!fmt)
            r->used &= ~((uint64_t)1 << 2);
        if (q && val && !strcmp(q, "472") && !l->service_date &&
            !strcmp(fmt ? fmt : "", claim_default_date_format(val)))
            l->service_date = val;
        else if (q && val)
            add_date(r, &l->dates, &l->date_count, q, fmt, val);
    } else if (is(id, "REF")) {
        x12_slice q = elem(r, 1);
        char qs[4];
        snprintf(qs, sizeof qs, "%.*s", (int)(q.len < 3 ? q.len : 3), q.ptr ? q.ptr : "");
        order_check(r, &r->order[1], line_ref_order(t), qs);
        if (is(elem(r, 1), "6R") && !l->line_control_number && !elem(r, 4).len)
            l->line_control_number = str(r, k, 2);
        else
            read_ref_into(r, &l->refs, &l->ref_count);
    } else if (is(id, "AMT")) {
        read_amount_into(r, &l->amounts, &l->amount_count);
    } else if (is(id, "NTE")) {
        read_note_into(r, &l->notes, &l->note_count);
    } else if (is(id, "HCP") && !l->repricing) {
        l->repricing = read_hcp(r);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "CN1") && !l->contract) {
        l->contract = read_cn1(r);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "K3")) {
        read_k3_into(r, &l->file_info, &l->file_info_count);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "QTY")) {
        read_measure_into(r, &l->quantities, &l->quantity_count, 0);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "MEA")) {
        read_measure_into(r, &l->measurements, &l->measurement_count, 1);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "PS1") && !l->purchased_provider_id &&
               !l->has_purchased) {
        l->purchased_provider_id = str(r, k, 1);
        if ((l->has_purchased = elem(r, 2).len > 0))
            l->purchased_cents = amount(r, 2);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "CR1") && !l->ambulance) {
        l->ambulance = read_cr1(r);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "CRC")) {
        read_crc_into(r, &l->condition_indicators, &l->condition_indicator_count);
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "SV5") && !l->dme && is(elem(r, 2), "DA")) {
        x12_claim_dme *d = x12_arena_alloc(r->a[A_CLAIM], sizeof *d);
        if (!d) {
            nomem(r);
            return;
        }
        const char *pv[2];
        comps(r, k, 1, pv, 2);
        d->procedure_qualifier = unless(pv[0], "HC");
        if (!pv[0])
            r->used &= ~((uint64_t)1 << 1);
        d->procedure = pv[1];
        d->days = str(r, k, 3);
        if ((d->has_rental = elem(r, 4).len > 0))
            d->rental_cents = amount(r, 4);
        if ((d->has_purchase = elem(r, 5).len > 0))
            d->purchase_cents = amount(r, 5);
        d->frequency = str(r, k, 6);
        l->dme = d;
    } else if (t == X12_CLAIM_PROFESSIONAL && is(id, "CR3") && !l->dme_certification &&
               (is(elem(r, 2), "MO") || !elem(r, 2).len)) {
        x12_claim_dme_certification *d = x12_arena_alloc(r->a[A_CLAIM], sizeof *d);
        if (!d) {
            nomem(r);
            return;
        }
        d->type = str(r, k, 1);
        d->months = str(r, k, 3);
        if (!d->months && elem(r, 2).len)
            r->used &= ~((uint64_t)1 << 2);
        l->dme_certification = d;
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

static void drug_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim_line *l = r->line;
    if (!l)
        return;
    x12_claim_drug *d = (x12_claim_drug *)l->drug;
    if (is(id, "LIN")) {
        if (!(d = x12_arena_alloc(r->a[A_CLAIM], sizeof *d))) {
            nomem(r);
            return;
        }
        l->drug = d;
        d->qualifier = str(r, A_CLAIM, 2);
        d->code = str(r, A_CLAIM, 3);
    } else if (d && is(id, "CTP")) {
        d->quantity = str(r, A_CLAIM, 4);
        const char *u[1];
        comps(r, A_CLAIM, 5, u, 1);
        d->unit = u[0];
    } else if (d && is(id, "REF") && !d->ref_value && !elem(r, 4).len) {
        d->ref_qualifier = str(r, A_CLAIM, 1);
        d->ref_value = str(r, A_CLAIM, 2);
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

static void adjudication_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim_line *l = r->line;
    if (!l)
        return;
    if (is(id, "SVD")) {
        x12_claim_line_adjudication *a;
        PUSH(r, A_CLAIM, l->adjudications, l->adjudication_count, a);
        if (!(r->adj = a))
            return;
        a->payer_id = str(r, A_CLAIM, 1);
        a->paid_cents = amount(r, 2);
        const char *v[7];
        comps(r, A_CLAIM, 3, v, 7);
        const char *lq = l->procedure_qualifier ? l->procedure_qualifier
                                                : claim_default_procedure_qualifier(r->type);
        a->procedure_qualifier = unless(v[0], lq);
        a->procedure = v[1];
        for (int i = 0; i < 4; i++)
            a->modifiers[i] = v[2 + i];
        a->description = v[6];
        a->revenue_code = str(r, A_CLAIM, 4);
        a->units = str(r, A_CLAIM, 5);
        a->bundled_line = str(r, A_CLAIM, 6);
        return;
    }
    x12_claim_line_adjudication *a = r->adj;
    if (!a)
        return;
    if (is(id, "CAS")) {
        read_cas_into(r, &a->adjustments, &a->adjustment_count);
    } else if (is(id, "DTP") && is(elem(r, 1), "573") && is(elem(r, 2), "D8") &&
               !a->adjudication_date) {
        a->adjudication_date = str(r, A_CLAIM, 3);
    } else if (is(id, "AMT") && is(elem(r, 1), "EAF") && !a->has_remaining) {
        a->has_remaining = 1;
        a->remaining_cents = amount(r, 2);
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

static void form_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim_line *l = r->line;
    if (is(id, "LQ")) {
        x12_claim_form *f;
        PUSH(r, A_CLAIM, l->forms, l->form_count, f);
        if (!f)
            return;
        f->type = str(r, A_CLAIM, 1);
        f->form = str(r, A_CLAIM, 2);
    } else if (is(id, "FRM") && l->form_count) {
        x12_claim_form *f = &l->forms[l->form_count - 1];
        x12_claim_form_answer *q;
        PUSH(r, A_CLAIM, f->answers, f->answer_count, q);
        if (!q)
            return;
        q->question = str(r, A_CLAIM, 1);
        q->yes_no = str(r, A_CLAIM, 2);
        q->text = str(r, A_CLAIM, 3);
        q->date = str(r, A_CLAIM, 4);
        q->percent = str(r, A_CLAIM, 5);
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

static void other_payer_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim *c = &r->claim;
    if (is(id, "SBR")) {
        x12_claim_other_payer *o;
        PUSH(r, A_CLAIM, c->other_payers, c->other_payer_count, o);
        if (!(r->op = o))
            return;
        o->payer_responsibility = str(r, A_CLAIM, 1);
        o->relationship = str(r, A_CLAIM, 2);
        o->group_number = str(r, A_CLAIM, 3);
        o->group_name = str(r, A_CLAIM, 4);
        o->insurance_type = str(r, A_CLAIM, 5);
        o->claim_filing_indicator = str(r, A_CLAIM, 9);
        return;
    }
    x12_claim_other_payer *o = r->op;
    if (!o)
        return;
    if (is(id, "CAS")) {
        read_cas_into(r, &o->adjustments, &o->adjustment_count);
    } else if (is(id, "AMT")) {
        if (is(elem(r, 1), "D") && !o->has_paid) {
            o->has_paid = 1;
            o->paid_cents = amount(r, 2);
        } else {
            read_amount_into(r, &o->amounts, &o->amount_count);
        }
    } else if (is(id, "OI")) {
        o->benefits_assignment = str(r, A_CLAIM, 3);
        o->patient_signature_source = str(r, A_CLAIM, 4);
        o->release_of_info = str(r, A_CLAIM, 6);
    } else if (is(id, "MOA") && !o->outpatient) {
        x12_claim_outpatient_adjudication *m = x12_arena_alloc(r->a[A_CLAIM], sizeof *m);
        if (!m) {
            nomem(r);
            return;
        }
        m->reimbursement_rate = str(r, A_CLAIM, 1);
        if ((m->has_payable = elem(r, 2).len > 0))
            m->payable_cents = amount(r, 2);
        for (unsigned i = 0; i < 5; i++)
            m->remarks[i] = str(r, A_CLAIM, 3 + i);
        if ((m->has_esrd = elem(r, 8).len > 0))
            m->esrd_cents = amount(r, 8);
        if ((m->has_nonpayable = elem(r, 9).len > 0))
            m->nonpayable_cents = amount(r, 9);
        o->outpatient = m;
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

static void claim_segment(x12_claim_reader *r, x12_slice id)
{
    x12_claim *c = &r->claim;
    int k = A_CLAIM;
    if (is(id, "DTP")) {
        claim_dtp(r);
    } else if (is(id, "REF")) {
        claim_ref(r);
    } else if (is(id, "AMT")) {
        read_amount_into(r, &c->amounts, &c->amount_count);
    } else if (is(id, "NTE")) {
        read_note_into(r, &c->notes, &c->note_count);
    } else if (is(id, "PWK")) {
        read_pwk_into(r, &c->attachments, &c->attachment_count);
    } else if (is(id, "HI")) {
        claim_hi(r);
    } else if (is(id, "HCP") && !c->repricing) {
        c->repricing = read_hcp(r);
    } else if (is(id, "CN1") && !c->contract) {
        c->contract = read_cn1(r);
    } else if (is(id, "K3")) {
        read_k3_into(r, &c->file_info, &c->file_info_count);
    } else if (r->type == X12_CLAIM_PROFESSIONAL && is(id, "CR1") && !c->ambulance) {
        c->ambulance = read_cr1(r);
    } else if (r->type == X12_CLAIM_PROFESSIONAL && is(id, "CR2") && !c->spinal) {
        x12_claim_spinal *sp = x12_arena_alloc(r->a[A_CLAIM], sizeof *sp);
        if (!sp) {
            nomem(r);
            return;
        }
        sp->condition = str(r, k, 8);
        sp->description1 = str(r, k, 10);
        sp->description2 = str(r, k, 11);
        c->spinal = sp;
    } else if (r->type == X12_CLAIM_PROFESSIONAL && is(id, "CRC")) {
        read_crc_into(r, &c->condition_indicators, &c->condition_indicator_count);
    } else if (is(id, "CL1") && r->type == X12_CLAIM_INSTITUTIONAL) {
        c->admission_type = str(r, k, 1);
        c->admission_source = str(r, k, 2);
        c->patient_status = str(r, k, 3);
    } else if (is(id, "DN1") && r->type == X12_CLAIM_DENTAL && !c->has_orthodontic) {
        c->has_orthodontic = 1;
        c->ortho_months_total = str(r, k, 1);
        c->ortho_months_remaining = str(r, k, 2);
        c->ortho_questionnaire = str(r, k, 4);
    } else if (is(id, "DN2") && r->type == X12_CLAIM_DENTAL) {
        x12_claim_tooth *t;
        PUSH(r, k, c->tooth_status, c->tooth_status_count, t);
        if (!t)
            return;
        t->number = str(r, k, 1);
        t->surfaces[0] = str(r, k, 2);
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

/* ---- envelopes and levels ----------------------------------------------- */

static const char *trimmed(x12_claim_reader *r, int k, unsigned pos)
{
    x12_slice v = elem(r, pos);
    while (v.len && v.ptr[v.len - 1] == ' ')
        v.len--;
    return slice_str(r, k, v);
}

static void read_isa(x12_claim_reader *r)
{
    x12_arena_reset(r->a[A_ISA]);
    x12_arena_reset(r->a[A_GS]);
    r->interchange++;
    r->delims = r->ev->seg->delims;
    x12_isa_header *h = &r->isa;
    memset(h, 0, sizeof *h);
    h->auth_qualifier = trimmed(r, A_ISA, 1);
    h->auth_info = trimmed(r, A_ISA, 2);
    h->security_qualifier = trimmed(r, A_ISA, 3);
    h->security_info = trimmed(r, A_ISA, 4);
    h->sender_qualifier = trimmed(r, A_ISA, 5);
    h->sender_id = trimmed(r, A_ISA, 6);
    h->receiver_qualifier = trimmed(r, A_ISA, 7);
    h->receiver_id = trimmed(r, A_ISA, 8);
    h->date = trimmed(r, A_ISA, 9);
    h->time = trimmed(r, A_ISA, 10);
    h->version = trimmed(r, A_ISA, 12);
    x12_slice n = elem(r, 13);
    for (size_t i = 0; i < n.len; i++)
        h->control_number = h->control_number * 10 + (uint32_t)(n.ptr[i] - '0');
    x12_slice a = elem(r, 14), u = elem(r, 15);
    h->ack_requested = a.len ? a.ptr[0] : 0;
    h->usage = u.len ? u.ptr[0] : 0;
}

static void read_gs(x12_claim_reader *r)
{
    x12_arena_reset(r->a[A_GS]);
    x12_gs_header *g = &r->gs;
    memset(g, 0, sizeof *g);
    g->functional_id = str(r, A_GS, 1);
    g->sender = str(r, A_GS, 2);
    g->receiver = str(r, A_GS, 3);
    g->date = str(r, A_GS, 4);
    g->time = str(r, A_GS, 5);
    x12_slice n = elem(r, 6);
    for (size_t i = 0; i < n.len; i++)
        g->control_number = g->control_number * 10 + (uint32_t)(n.ptr[i] - '0');
    elem(r, 7);
    g->version = str(r, A_GS, 8);
    if (n.len > 1 && n.ptr[0] == '0') /* leading zeros: the writer prints GS06 without */
        r->used &= ~((uint64_t)1 << 6);
}

static void begin_set(x12_claim_reader *r)
{
    x12_arena_reset(r->a[A_SET]);
    r->set++;
    r->claim_in_set = 0;
    r->have_billing = r->have_subscriber = r->have_patient = 0;
    r->in_claim = 0;
    const char *g = x12_spec_guide_id(r->ev->spec);
    r->type = strstr(g, "X223")   ? X12_CLAIM_INSTITUTIONAL
              : strstr(g, "X224") ? X12_CLAIM_DENTAL
                                  : X12_CLAIM_PROFESSIONAL;
    x12_claim_header *h = &r->hdr;
    memset(h, 0, sizeof *h);
    h->isa = r->isa;
    h->gs = r->gs;
    h->gs.functional_id = unless(r->gs.functional_id, "HC");
    h->gs.version = unless(r->gs.version, claim_guide(r->type));
    const char *eff_version = r->gs.version ? r->gs.version : claim_guide(r->type);
    elem(r, 1);
    x12_slice st02 = elem(r, 2);
    int digits = st02.len >= 1 && st02.len <= 9;
    uint32_t n = 0;
    for (size_t i = 0; i < st02.len; i++) {
        if (st02.ptr[i] < '0' || st02.ptr[i] > '9')
            digits = 0;
        else
            n = n * 10 + (uint32_t)(st02.ptr[i] - '0');
    }
    if (digits && n) {
        h->st_control_number = n;
        h->st_control_width = st02.len == 4 ? 0 : (unsigned)st02.len;
    } else {
        r->used &= ~((uint64_t)1 << 2);
    }
    snprintf(r->st02, sizeof r->st02, "%.*s", (int)(st02.len < 15 ? st02.len : 15),
             st02.ptr ? st02.ptr : "");
    h->implementation_ref = unless(str(r, A_SET, 3), eff_version);
}

static void read_bht(x12_claim_reader *r)
{
    x12_claim_header *h = &r->hdr;
    h->bht_structure = unless(str(r, A_SET, 1), "0019");
    h->bht_purpose = unless(str(r, A_SET, 2), "00");
    h->bht_reference = unless(str(r, A_SET, 3), r->st02);
    h->bht_date = unless(str(r, A_SET, 4), r->gs.date);
    h->bht_time = unless(str(r, A_SET, 5), r->gs.time);
    h->bht_type = unless(str(r, A_SET, 6), "CH");
}

static void hl_segment(x12_claim_reader *r)
{
    const char *l = r->ev->loop_id;
    for (unsigned i = 1; i <= 4; i++)
        elem(r, i);
    r->party = NULL;
    if (!strcmp(l, "2000A")) {
        x12_arena_reset(r->a[A_BILL]);
        x12_arena_reset(r->a[A_SUB]);
        x12_arena_reset(r->a[A_PAT]);
        memset(&r->billing, 0, sizeof r->billing);
        r->have_billing = 1;
        r->have_subscriber = r->have_patient = 0;
        r->opens[0] = 1;
    } else if (!strcmp(l, "2000B")) {
        x12_arena_reset(r->a[A_SUB]);
        x12_arena_reset(r->a[A_PAT]);
        memset(&r->subscriber, 0, sizeof r->subscriber);
        r->have_subscriber = 1;
        r->have_patient = 0;
        r->opens[1] = 1;
    } else if (!strcmp(l, "2000C")) {
        x12_arena_reset(r->a[A_PAT]);
        memset(&r->patient, 0, sizeof r->patient);
        r->have_patient = 1;
        r->opens[2] = 1;
    }
}

/* An NM1 opens the party of its loop. */
static void nm1_segment(x12_claim_reader *r)
{
    const char *l = r->ev->loop_id;
    x12_claim_party *p = NULL;
    const char *entity = NULL, *prv = NULL;
    r->party = NULL;
    if (!strcmp(l, "1000A"))
        p = &r->hdr.submitter, entity = "41";
    else if (!strcmp(l, "1000B"))
        p = &r->hdr.receiver, entity = "40";
    else if (!strcmp(l, "2010AA"))
        p = &r->billing.provider, entity = "85", prv = "BI";
    else if (!strcmp(l, "2010AB") || !strcmp(l, "2010AC")) {
        if (!(p = x12_arena_alloc(r->a[A_BILL], sizeof *p))) {
            nomem(r);
            return;
        }
        if (l[5] == 'B')
            r->billing.pay_to_address = p, entity = "87";
        else
            r->billing.pay_to_plan = p, entity = "PE";
    } else if (!strcmp(l, "2010BA"))
        p = &r->subscriber.subscriber, entity = "IL";
    else if (!strcmp(l, "2010BB"))
        p = &r->subscriber.payer, entity = "PR";
    else if (!strcmp(l, "2010CA"))
        p = &r->patient.patient, entity = "QC";
    else if (!strcmp(l, "2330A") && r->op)
        p = &r->op->subscriber, entity = "IL";
    else if (!strcmp(l, "2330B") && r->op)
        p = &r->op->payer, entity = "PR";
    else if (!strncmp(l, "2330", 4) && r->op) {
        /* 2330C-2330I carry NM101/NM102 only: the writer writes nothing else */
        new_provider(r, &r->op->providers, &r->op->provider_count);
        r->used &= ~(uint64_t)0x3F8; /* NM103-NM109 */
        return;
    }
    else if (!strncmp(l, "2310", 4) && r->in_claim) {
        new_provider(r, &r->claim.providers, &r->claim.provider_count);
        return;
    } else if (!strncmp(l, "2420", 4) && r->line) {
        new_provider(r, &r->line->providers, &r->line->provider_count);
        return;
    }
    if (!p) {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
        return;
    }
    r->party = p;
    r->party_entity = entity;
    r->party_prv = prv;
    read_nm1(r, p, entity);
}

/* PAT05/06 death date (D8), PAT07/08 weight (01 pounds), PAT09 pregnancy. */
static void read_pat(x12_claim_reader *r, int k, const char **death, const char **weight,
                     const char **pregnant)
{
    if (is(elem(r, 5), "D8")) {
        *death = str(r, k, 6);
    }
    if (is(elem(r, 7), "01")) {
        *weight = str(r, k, 8);
    }
    *pregnant = str(r, k, 9);
}

static void segment(x12_claim_reader *r, const x12_walk_event *ev)
{
    x12_slice id = ev->seg->id;
    const char *l = ev->loop_id;
    r->used = 1; /* element 0, the id */
    if (is(id, "ISA")) {
        read_isa(r);
        r->used = ~(uint64_t)0;
        if (!ev->seg->delims.repetition) /* 'U', or a delimiter read as none */
            r->used &= ~((uint64_t)1 << 11);
        check_used(r);
        return;
    }
    if (!l) { /* GS, GE, IEA */
        if (is(id, "GS"))
            read_gs(r);
        else
            r->used = ~(uint64_t)0;
        check_used(r);
        return;
    }
    if (!ev->spec) /* a set of another transaction or an unknown guide */
        return;
    if (is(id, "ST")) {
        begin_set(r);
        r->in_set = 1;
    } else if (is(id, "SE")) {
        r->used = ~(uint64_t)0;
        r->in_set = 0;
    } else if (!r->in_set) {
        return;
    } else if (is(id, "BHT")) {
        read_bht(r);
    } else if (is(id, "HL")) {
        hl_segment(r);
    } else if (is(id, "NM1")) {
        nm1_segment(r);
    } else if (!strcmp(l, "2000A") && is(id, "PRV")) {
        r->party = &r->billing.provider;
        r->party_prv = "BI";
        read_party_seg(r, id);
        r->party = NULL;
    } else if (!strcmp(l, "2000A") && is(id, "CUR") && is(elem(r, 1), "85")) {
        r->billing.currency = str(r, A_BILL, 2);
    } else if (!strcmp(l, "2000B") && is(id, "SBR")) {
        x12_claim_subscriber *s = &r->subscriber;
        s->payer_responsibility = str(r, A_SUB, 1);
        s->relationship = str(r, A_SUB, 2);
        s->group_number = str(r, A_SUB, 3);
        s->group_name = str(r, A_SUB, 4);
        s->insurance_type = str(r, A_SUB, 5);
        s->claim_filing_indicator = str(r, A_SUB, 9);
    } else if (!strcmp(l, "2000C") && is(id, "PAT")) {
        r->patient.relationship = str(r, A_PAT, 1);
        if (r->type == X12_CLAIM_PROFESSIONAL)
            read_pat(r, A_PAT, &r->patient.death_date, &r->patient.weight, &r->patient.pregnant);
    } else if (!strcmp(l, "2000B") && is(id, "PAT") && r->type == X12_CLAIM_PROFESSIONAL) {
        read_pat(r, A_SUB, &r->subscriber.death_date, &r->subscriber.weight,
                 &r->subscriber.pregnant);
    } else if (is(id, "CLM")) {
        begin_claim(r);
    } else if (!strcmp(l, "2330B") && is(id, "DTP") && r->op && is(elem(r, 1), "573") &&
               is(elem(r, 2), "D8") && !r->op->adjudication_date) {
        r->op->adjudication_date = str(r, A_CLAIM, 3);
    } else if (!strcmp(l, "2300") && r->in_claim) {
        claim_segment(r, id);
    } else if (!strcmp(l, "2320") && r->in_claim) {
        other_payer_segment(r, id);
    } else if (!strcmp(l, "2400") && r->in_claim) {
        line_segment(r, id);
    } else if (!strcmp(l, "2410") && r->in_claim) {
        drug_segment(r, id);
    } else if (!strcmp(l, "2430") && r->in_claim) {
        adjudication_segment(r, id);
    } else if (!strcmp(l, "2440") && r->in_claim && r->line) {
        form_segment(r, id);
    } else if (r->party && (l[0] == '1' || l[0] == '2') && strcmp(l, "2300") &&
               (is(id, "N3") || is(id, "N4") || is(id, "REF") || is(id, "PER") ||
                is(id, "DMG") || is(id, "PRV"))) {
        read_party_seg(r, id);
    } else {
        not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
    if (!r->fatal)
        check_used(r);
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    x12_claim_reader *r = ctx;
    r->ev = ev;
    if (ev->kind == X12_WALK_SEGMENT)
        segment(r, ev);
    else if (ev->kind == X12_WALK_LEAVE && ev->loop_id && !strcmp(ev->loop_id, "2300"))
        deliver(r);
    else if (ev->kind == X12_WALK_ENTER && ev->loop_id && !strcmp(ev->loop_id, "2300"))
        r->in_claim = 0;
    return r->fatal || r->stopped;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    x12_claim_reader *r = ctx;
    if (r->cb.finding)
        r->cb.finding(r->ctx, f);
}

/* ---- public API --------------------------------------------------------- */

x12_claim_reader *x12_claim_reader_new(const x12_claim_reader_callbacks *cb, void *ctx,
                                       unsigned walk_flags, const x12_allocator *alloc)
{
    x12_claim_reader *r = alloc ? alloc->malloc(alloc->ctx, sizeof *r) : malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    if (cb)
        r->cb = *cb;
    r->ctx = ctx;
    r->alloc = alloc;
    for (int i = 0; i < A_COUNT; i++)
        if (!(r->a[i] = x12_arena_new(alloc))) {
            x12_claim_reader_free(r);
            return NULL;
        }
    x12_walker_callbacks wcb = {on_event, on_finding};
    if (!(r->walker = x12_walker_new(&wcb, r, walk_flags))) {
        x12_claim_reader_free(r);
        return NULL;
    }
    return r;
}

void x12_claim_reader_free(x12_claim_reader *r)
{
    if (!r)
        return;
    x12_walker_free(r->walker);
    for (size_t i = 0; i < NALIAS; i++)
        x12_spec_free(r->alias_spec[i]);
    for (int i = 0; i < A_COUNT; i++)
        x12_arena_free(r->a[i]);
    if (r->alloc)
        r->alloc->free(r->alloc->ctx, r);
    else
        free(r);
}

/* Before an ST: a guide named by an alias gets the spec it aliases. */
static x12_status load_alias(x12_claim_reader *r, const x12_segment *seg)
{
    x12_slice st03 = x12_segment_element(seg, 3);
    char id[40];
    if (st03.len)
        snprintf(id, sizeof id, "%.*s", (int)(st03.len < 39 ? st03.len : 39), st03.ptr);
    else
        snprintf(id, sizeof id, "%s", r->gs08);
    for (size_t i = 0; i < NALIAS; i++) {
        if (strcmp(id, ALIASES[i].alias) || r->alias_spec[i])
            continue;
        x12_error err;
        x12_spec *s = x12_spec_load_builtin(ALIASES[i].guide, &err);
        if (!s)
            return err.code == X12_ERR_NOMEM ? X12_ERR_NOMEM : X12_OK;
        s->guide_id = ALIASES[i].alias; /* static text; the spec's own is in its arena */
        x12_status st = x12_walker_use_spec(r->walker, s);
        if (st != X12_OK) {
            x12_spec_free(s);
            return st == X12_ERR_NOMEM ? st : X12_OK;
        }
        r->alias_spec[i] = s;
    }
    return X12_OK;
}

x12_status x12_claim_reader_segment(x12_claim_reader *r, const x12_segment *seg)
{
    if (r->fatal)
        return r->fatal;
    if (x12_slice_eq(seg->id, "GS")) {
        x12_slice v = x12_segment_element(seg, 8);
        snprintf(r->gs08, sizeof r->gs08, "%.*s", (int)(v.len < 39 ? v.len : 39),
                 v.ptr ? v.ptr : "");
    } else if (x12_slice_eq(seg->id, "ST")) {
        x12_status st = load_alias(r, seg);
        if (st != X12_OK)
            return r->fatal = st;
    }
    x12_status st = x12_walker_segment(r->walker, seg);
    if (r->fatal)
        return r->fatal;
    return st;
}

void x12_claim_reader_error(x12_claim_reader *r, const x12_error *err)
{
    x12_walker_reader_error(r->walker, err);
}

x12_status x12_claim_reader_finish(x12_claim_reader *r)
{
    if (r->fatal)
        return r->fatal;
    x12_status st = x12_walker_finish(r->walker);
    if (r->fatal)
        return r->fatal;
    return st;
}

typedef struct file_ctx {
    x12_claim_reader *r;
} file_ctx;

static int file_segment(void *ctx, const x12_segment *seg)
{
    file_ctx *f = ctx;
    return x12_claim_reader_segment(f->r, seg) != X12_OK;
}

static void file_error(void *ctx, const x12_error *err)
{
    file_ctx *f = ctx;
    x12_claim_reader_error(f->r, err);
}

x12_status x12_claim_read_file(const char *path, const x12_reader_options *opts,
                               const x12_claim_reader_callbacks *cb, void *ctx,
                               unsigned walk_flags)
{
    x12_reader_options o;
    if (!opts) {
        x12_reader_options_init(&o);
        o.flags = X12_READ_LENIENT;
        opts = &o;
    }
    file_ctx f;
    f.r = x12_claim_reader_new(cb, ctx, walk_flags, opts->alloc);
    if (!f.r)
        return X12_ERR_NOMEM;
    x12_reader_callbacks rcb = {file_segment, file_error};
    x12_status st = x12_read_file(path, opts, &rcb, &f);
    if (st == X12_ERR_STOPPED && f.r->fatal)
        st = f.r->fatal;
    if (st == X12_OK)
        st = x12_claim_reader_finish(f.r);
    x12_claim_reader_free(f.r);
    return st;
}
