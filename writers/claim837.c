/* 837 writers: claim structs (claim.h) -> 837P 005010X222A1, 837I
 * 005010X223A2, 837D 005010X224A2 through the segment writer (writer.h).
 * Claims are written as they are added (streaming): a claim joins the open
 * 2000A/2000B/2000C when its levels equal the previous claim's, so memory is
 * one claim plus copies of the three levels.  The checks are claim_check.c;
 * envelopes, counts and delimiters are the segment writer's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/amount.h>
#include <x12/claim.h>

#include "../parsers/claim_defaults.h"
#include "claim_util.h"

struct x12_claim_writer {
    x12_claim_writer_options o;
    x12_writer *w;
    x12_arena *hdr_arena;
    x12_claim_header hdr;
    x12_arena *lvl[3]; /* copies of the open billing, subscriber, patient levels */
    x12_claim_billing billing;
    x12_claim_subscriber subscriber;
    x12_claim_patient patient;
    int have_billing, have_subscriber, have_patient;
    int sub_kind; /* 1: the open 2000B has 2000C children; 0: its claims are the subscriber's */
    uint32_t hl, hl_billing, hl_subscriber;
    int in_isa, in_gs, in_st;
    uint32_t next_isa, next_gs, next_st;
    size_t claims_in_set;
    size_t claim_index;
    x12_claim_writer_stats stats;
    x12_error err;
    x12_status st;   /* status of the segment being built */
    x12_status fatal;
    int finished;
    x12_amount_style amount_style;
    /* output_finding: the bytes written read back and walked */
    x12_write_fn out;
    void *out_ctx;
    x12_reader *vr;
    x12_walker *vw;
    size_t out_bytes;
    int vnomem;       /* the check ran out of memory */
    char clm01[40];   /* the last CLM01 the check read */
};

void x12_claim_writer_options_init(x12_claim_writer_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->type = X12_CLAIM_PROFESSIONAL;
    opts->max_claims_per_set = 5000;
    x12_writer_options_init(&opts->writer);
}

/* ---- segment building -------------------------------------------------- */

static const char *nz(const char *s)
{
    return claim_has_text(s) ? s : NULL;
}

/* The length of `v` written: its spaces at the end left out (claim_util.h). */
static size_t text_len(const char *v)
{
    size_t n = v ? strlen(v) : 0;
    while (n && v[n - 1] == ' ')
        n--;
    return n;
}

static void seg(x12_claim_writer *c, const char *id)
{
    if (!c->st)
        c->st = x12_writer_segment_begin(c->w, id);
}

static void el(x12_claim_writer *c, const char *v)
{
    if (!c->st)
        c->st = x12_writer_element(c->w, v ? v : "", text_len(v));
}

static void comp(x12_claim_writer *c, const char *v)
{
    if (!c->st)
        c->st = x12_writer_component(c->w, v ? v : "", text_len(v));
}

static void el_amount(x12_claim_writer *c, int64_t cents)
{
    char buf[32];
    x12_amount_format(cents, c->amount_style, buf, sizeof buf);
    el(c, buf);
}

static void comp_amount(x12_claim_writer *c, int64_t cents)
{
    char buf[32];
    x12_amount_format(cents, c->amount_style, buf, sizeof buf);
    comp(c, buf);
}

static void el_uint(x12_claim_writer *c, unsigned long v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lu", v);
    el(c, buf);
}

static void end(x12_claim_writer *c)
{
    if (!c->st)
        c->st = x12_writer_segment_end(c->w);
}

/* A composite from `n` strings; nothing is written for NULL ones at the end. */
static void composite(x12_claim_writer *c, const char *const *v, size_t n)
{
    el(c, v[0]);
    for (size_t i = 1; i < n; i++)
        comp(c, v[i]);
}

/* ---- building blocks --------------------------------------------------- */

static void put_ref(x12_claim_writer *c, const char *qual, const char *value, const char *id2)
{
    seg(c, "REF");
    el(c, qual);
    el(c, value);
    if (nz(id2)) {
        el(c, NULL);
        el(c, "2U");
        comp(c, id2);
    }
    end(c);
}

static void put_date(x12_claim_writer *c, const char *qual, const char *fmt, const char *value)
{
    seg(c, "DTP");
    el(c, qual);
    el(c, nz(fmt) ? fmt : claim_default_date_format(value));
    el(c, value);
    end(c);
}

static void put_amount(x12_claim_writer *c, const char *qual, int64_t cents)
{
    seg(c, "AMT");
    el(c, qual);
    el_amount(c, cents);
    end(c);
}

static void put_notes(x12_claim_writer *c, const x12_claim_note *n, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        seg(c, "NTE");
        el(c, n[i].code);
        el(c, n[i].text);
        end(c);
    }
}

static void put_attachments(x12_claim_writer *c, const x12_claim_attachment *p, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        seg(c, "PWK");
        el(c, p[i].report_type);
        el(c, p[i].transmission);
        if (nz(p[i].control)) {
            el(c, NULL);
            el(c, NULL);
            el(c, "AC");
            el(c, p[i].control);
        }
        end(c);
    }
}

static void put_adjustments(x12_claim_writer *c, const x12_claim_adjustment *a, size_t count)
{
    size_t i = 0;
    while (i < count) {
        /* consecutive adjustments of one group share a CAS, six at most */
        seg(c, "CAS");
        el(c, a[i].group);
        size_t k = 0;
        const char *group = a[i].group ? a[i].group : "";
        while (i < count && k < 6 && !strcmp(a[i].group ? a[i].group : "", group)) {
            el(c, a[i].reason);
            el_amount(c, a[i].cents);
            el(c, a[i].quantity);
            i++, k++;
        }
        end(c);
    }
}

/* Which optional parts of a party a loop carries. */
enum {
    P_PRV = 1,     /* PRV after NM1 */
    P_ADDR = 2,    /* N3/N4 */
    P_DMG = 4,     /* DMG */
    P_TAX = 8,     /* REF tax id before the other REFs */
    P_TAXLAST = 16,/* REF tax id after the other REFs (2010AC) */
    P_PER = 32,    /* PER */
    P_NOID = 64    /* no NM108/NM109 (2010CA) */
};

static void put_nm1(x12_claim_writer *c, const x12_claim_party *p, const char *entity, int flags)
{
    seg(c, "NM1");
    el(c, nz(p->entity_code) ? p->entity_code : entity);
    el(c, nz(p->entity_type) ? p->entity_type : claim_default_entity_type(p));
    el(c, p->last_name);
    el(c, p->first_name);
    el(c, p->middle_name);
    el(c, NULL);
    el(c, p->suffix);
    if (!(flags & P_NOID) && nz(p->id)) {
        el(c, p->id_qualifier);
        el(c, p->id);
    }
    end(c);
}

static void put_prv(x12_claim_writer *c, const x12_claim_party *p, const char *code)
{
    if (!nz(p->taxonomy))
        return;
    seg(c, "PRV");
    el(c, nz(p->provider_code) ? p->provider_code : code);
    el(c, "PXC");
    el(c, p->taxonomy);
    end(c);
}

static void put_address(x12_claim_writer *c, const x12_claim_address *a)
{
    if (!nz(a->line1) && !nz(a->city))
        return;
    if (nz(a->line1)) {
        seg(c, "N3");
        el(c, a->line1);
        el(c, a->line2);
        end(c);
    }
    seg(c, "N4");
    el(c, a->city);
    el(c, a->state);
    el(c, a->postal_code);
    el(c, a->country);
    if (nz(a->subdivision)) {
        el(c, NULL);
        el(c, NULL);
        el(c, a->subdivision);
    }
    end(c);
}

static void put_contacts(x12_claim_writer *c, const x12_claim_contact *k, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        seg(c, "PER");
        el(c, nz(k[i].function) ? k[i].function : "IC");
        el(c, k[i].name);
        for (int j = 0; j < 3; j++) {
            el(c, k[i].qualifier[j]);
            el(c, k[i].number[j]);
        }
        end(c);
    }
}

static void put_tax(x12_claim_writer *c, const x12_claim_party *p)
{
    if (nz(p->tax_id))
        put_ref(c, nz(p->tax_id_qualifier) ? p->tax_id_qualifier : "EI", p->tax_id, NULL);
}

/* NM1 [PRV] [N3 N4] [DMG] [REF tax] REF... [REF tax] [PER], as the loop has them. */
static void put_party(x12_claim_writer *c, const x12_claim_party *p, const char *entity,
                      const char *prv, int flags)
{
    put_nm1(c, p, entity, flags);
    if (flags & P_PRV)
        put_prv(c, p, prv);
    if (flags & P_ADDR)
        put_address(c, &p->address);
    if ((flags & P_DMG) && (nz(p->birth_date) || nz(p->gender))) {
        seg(c, "DMG");
        el(c, nz(p->birth_date) ? "D8" : NULL);
        el(c, p->birth_date);
        el(c, p->gender);
        end(c);
    }
    if (flags & P_TAX)
        put_tax(c, p);
    for (size_t i = 0; i < p->ref_count; i++)
        put_ref(c, p->refs[i].qualifier, p->refs[i].value, p->refs[i].id2);
    if (flags & P_TAXLAST)
        put_tax(c, p);
    if (flags & P_PER)
        put_contacts(c, p->contacts, p->contact_count);
}

/* ---- ordering by the guide --------------------------------------------- */

typedef struct qitem {
    const char *qual, *fmt, *value, *id2;
    int rank;
    size_t seq;
} qitem;

static int qitem_cmp(const void *a, const void *b)
{
    const qitem *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A bounded list of DTP or REF to sort into the guide's order. */
typedef struct qlist {
    qitem *items;
    size_t n, cap;
    const char *order;
} qlist;

static int qlist_init(x12_claim_writer *c, qlist *l, size_t cap, const char *order)
{
    l->n = 0;
    l->cap = cap;
    l->order = order;
    l->items = NULL;
    if (!cap)
        return 0;
    const x12_allocator *al = c->o.writer.alloc;
    l->items = al ? al->malloc(al->ctx, cap * sizeof *l->items) : malloc(cap * sizeof *l->items);
    return l->items ? 0 : -1;
}

static void qlist_free(x12_claim_writer *c, qlist *l)
{
    const x12_allocator *al = c->o.writer.alloc;
    if (al)
        al->free(al->ctx, l->items);
    else
        free(l->items);
}

static void qadd(qlist *l, const char *qual, const char *fmt, const char *value, const char *id2)
{
    if (!nz(value) || l->n >= l->cap)
        return;
    qitem *it = &l->items[l->n];
    it->qual = qual;
    it->fmt = fmt;
    it->value = value;
    it->id2 = id2;
    it->rank = claim_rank(l->order, qual);
    it->seq = l->n++;
}

static void qput_dates(x12_claim_writer *c, qlist *l)
{
    qsort(l->items, l->n, sizeof *l->items, qitem_cmp);
    for (size_t i = 0; i < l->n; i++)
        put_date(c, l->items[i].qual, l->items[i].fmt, l->items[i].value);
}

static void qput_refs(x12_claim_writer *c, qlist *l)
{
    qsort(l->items, l->n, sizeof *l->items, qitem_cmp);
    for (size_t i = 0; i < l->n; i++)
        put_ref(c, l->items[i].qual, l->items[i].value, l->items[i].id2);
}

static int nomem(x12_claim_writer *c)
{
    c->fatal = X12_ERR_NOMEM;
    c->err.code = X12_ERR_NOMEM;
    c->err.msg = x12_status_message(X12_ERR_NOMEM);
    return -1;
}

/* The guide's DTP and REF orders per loop and type. */
/* 2310x in the guide's order. */
static const char *claim_provider_order(x12_claim_type t)
{
    switch (t) {
    case X12_CLAIM_INSTITUTIONAL: return "71 72 ZZ 82 77 DN";
    case X12_CLAIM_DENTAL: return "DN 82 77 DD DQ";
    default: return "DN 82 77 DQ PW 45";
    }
}

static const char *line_provider_order(x12_claim_type t)
{
    switch (t) {
    case X12_CLAIM_INSTITUTIONAL: return "72 ZZ 82 DN";
    case X12_CLAIM_DENTAL: return "82 DD DQ 77";
    default: return "82 QB 77 DQ DK DN PW 45";
    }
}

/* ---- envelopes --------------------------------------------------------- */

static int fail_from_writer(x12_claim_writer *c)
{
    const x12_error *e = x12_writer_error(c->w);
    c->err = *e;
    c->fatal = e->code ? e->code : c->st;
    if (c->vnomem) { /* the check of the output, not the output */
        memset(&c->err, 0, sizeof c->err);
        c->fatal = X12_ERR_NOMEM;
    }
    if (!c->err.code) {
        c->err.code = c->fatal;
        c->err.msg = x12_status_message(c->fatal);
    }
    return -1;
}

static uint32_t next_control(x12_claim_writer *c, x12_control_kind kind)
{
    if (c->o.control)
        return c->o.control(c->o.control_ctx, kind);
    uint32_t *n = kind == X12_CONTROL_ISA13 ? &c->next_isa
                  : kind == X12_CONTROL_GS06 ? &c->next_gs
                                             : &c->next_st;
    uint32_t v = *n ? *n : 1;
    *n = v + 1;
    return v;
}

static int control_failed(x12_claim_writer *c, const char *what)
{
    c->fatal = X12_ERR_LIMIT;
    memset(&c->err, 0, sizeof c->err);
    c->err.code = X12_ERR_LIMIT;
    c->err.msg = x12_status_message(X12_ERR_LIMIT);
    snprintf(c->err.detail, sizeof c->err.detail, "no %s control number", what);
    return -1;
}

static int close_set(x12_claim_writer *c)
{
    if (!c->in_st)
        return 0;
    c->in_st = 0;
    c->have_billing = c->have_subscriber = c->have_patient = 0;
    if ((c->st = x12_writer_end_set(c->w)) != X12_OK)
        return fail_from_writer(c);
    return 0;
}

static int close_group(x12_claim_writer *c)
{
    if (close_set(c) < 0)
        return -1;
    if (!c->in_gs)
        return 0;
    c->in_gs = 0;
    if ((c->st = x12_writer_end_group(c->w)) != X12_OK)
        return fail_from_writer(c);
    return 0;
}

static int close_interchange(x12_claim_writer *c)
{
    if (close_group(c) < 0)
        return -1;
    if (!c->in_isa)
        return 0;
    c->in_isa = 0;
    if ((c->st = x12_writer_end_interchange(c->w)) != X12_OK)
        return fail_from_writer(c);
    return 0;
}

static int open_set(x12_claim_writer *c)
{
    const x12_claim_header *h = &c->hdr;
    if (!c->in_isa) {
        x12_isa_header isa = h->isa;
        if (!(isa.control_number = next_control(c, X12_CONTROL_ISA13)))
            return control_failed(c, "ISA13");
        if ((c->st = x12_writer_begin_interchange(c->w, &isa)) != X12_OK)
            return fail_from_writer(c);
        c->in_isa = 1;
        c->stats.interchanges++;
    }
    const char *guide = nz(h->gs.version) ? h->gs.version : claim_guide(c->o.type);
    x12_gs_header gs = h->gs;
    if (!c->in_gs) {
        if (!nz(gs.functional_id))
            gs.functional_id = "HC";
        gs.version = guide;
        if (!(gs.control_number = next_control(c, X12_CONTROL_GS06)))
            return control_failed(c, "GS06");
        if ((c->st = x12_writer_begin_group(c->w, &gs)) != X12_OK)
            return fail_from_writer(c);
        c->in_gs = 1;
    }
    uint32_t stn = next_control(c, X12_CONTROL_ST02);
    if (!stn)
        return control_failed(c, "ST02");
    char st02[16];
    unsigned width = h->st_control_width ? h->st_control_width : 4;
    if (width > 9)
        width = 9;
    snprintf(st02, sizeof st02, "%0*lu", (int)width, (unsigned long)stn);
    if ((c->st = x12_writer_begin_set(c->w, "837", st02,
                                      nz(h->implementation_ref) ? h->implementation_ref : guide)) !=
        X12_OK)
        return fail_from_writer(c);
    c->in_st = 1;
    c->stats.sets++;
    c->claims_in_set = 0;
    c->hl = 0;
    c->have_billing = c->have_subscriber = c->have_patient = 0;

    /* 005010X222A1/X223A2/X224A2 BHT: hierarchical structure 0019 */
    seg(c, "BHT");
    el(c, nz(h->bht_structure) ? h->bht_structure : "0019");
    el(c, nz(h->bht_purpose) ? h->bht_purpose : "00");
    el(c, nz(h->bht_reference) ? h->bht_reference : st02);
    el(c, nz(h->bht_date) ? h->bht_date : gs.date);
    el(c, nz(h->bht_time) ? h->bht_time : gs.time);
    el(c, nz(h->bht_type) ? h->bht_type : "CH");
    end(c);
    /* 1000A submitter NM1*41 + PER; 1000B receiver NM1*40 */
    put_party(c, &h->submitter, "41", NULL, P_PER);
    put_party(c, &h->receiver, "40", NULL, 0);
    return c->st ? fail_from_writer(c) : 0;
}

/* ---- the levels -------------------------------------------------------- */

static void put_hl(x12_claim_writer *c, uint32_t id, uint32_t parent, const char *level,
                   const char *child)
{
    seg(c, "HL");
    el_uint(c, id);
    if (parent)
        el_uint(c, parent);
    else
        el(c, NULL);
    el(c, level);
    el(c, child);
    end(c);
}

static int open_billing(x12_claim_writer *c, const x12_claim_billing *b)
{
    x12_arena_reset(c->lvl[0]);
    if (claim_copy_billing(c->lvl[0], &c->billing, b) < 0)
        return nomem(c);
    c->have_billing = 1;
    c->have_subscriber = c->have_patient = 0;
    c->hl_billing = ++c->hl;
    /* 2000A: HL*n**20*1, PRV*BI (billing provider specialty), CUR */
    put_hl(c, c->hl_billing, 0, "20", "1");
    put_prv(c, &b->provider, "BI");
    if (nz(b->currency)) {
        seg(c, "CUR");
        el(c, "85");
        el(c, b->currency);
        end(c);
    }
    put_party(c, &b->provider, "85", NULL, P_ADDR | P_TAX | P_PER);
    if (b->pay_to_address)
        put_party(c, b->pay_to_address, "87", NULL, P_ADDR | P_NOID);
    if (b->pay_to_plan)
        put_party(c, b->pay_to_plan, "PE", NULL, P_ADDR | P_TAXLAST);
    return c->st ? fail_from_writer(c) : 0;
}

/* PAT: 2000C always (PAT01), 837P 2000B only with death date, weight or
 * pregnancy (005010X222A1 2000B PAT: "when the subscriber is the patient";
 * the claim check refuses them beside a patient, rule
 * 837p.subscriber-pat-only-if-patient, and without the check they are
 * written as given rather than dropped). */
static void put_pat(x12_claim_writer *c, const char *rel, const char *death, const char *weight,
                    const char *pregnant)
{
    if (!nz(rel) && !nz(death) && !nz(weight) && !nz(pregnant))
        return;
    seg(c, "PAT");
    el(c, rel);
    el(c, NULL);
    el(c, NULL);
    el(c, NULL);
    el(c, nz(death) ? "D8" : NULL);
    el(c, death);
    el(c, nz(weight) ? "01" : NULL);
    el(c, weight);
    el(c, pregnant);
    end(c);
}

static int open_subscriber(x12_claim_writer *c, const x12_claim_subscriber *s, int with_patient)
{
    x12_arena_reset(c->lvl[1]);
    if (claim_copy_subscriber(c->lvl[1], &c->subscriber, s) < 0)
        return nomem(c);
    c->have_subscriber = 1;
    c->have_patient = 0;
    c->sub_kind = with_patient;
    c->hl_subscriber = ++c->hl;
    put_hl(c, c->hl_subscriber, c->hl_billing, "22", with_patient ? "1" : "0");
    seg(c, "SBR");
    el(c, s->payer_responsibility);
    el(c, nz(s->relationship) ? s->relationship : with_patient ? NULL : "18");
    el(c, s->group_number);
    el(c, s->group_name);
    el(c, s->insurance_type);
    el(c, NULL);
    el(c, NULL);
    el(c, NULL);
    el(c, s->claim_filing_indicator);
    end(c);
    if (c->o.type == X12_CLAIM_PROFESSIONAL)
        put_pat(c, NULL, s->death_date, s->weight, s->pregnant);
    int per = c->o.type == X12_CLAIM_INSTITUTIONAL ? 0 : P_PER;
    put_party(c, &s->subscriber, "IL", NULL, P_ADDR | P_DMG | per);
    put_party(c, &s->payer, "PR", NULL, P_ADDR | P_TAX);
    return c->st ? fail_from_writer(c) : 0;
}

static int open_patient(x12_claim_writer *c, const x12_claim_patient *p)
{
    x12_arena_reset(c->lvl[2]);
    if (claim_copy_patient(c->lvl[2], &c->patient, p) < 0)
        return nomem(c);
    c->have_patient = 1;
    put_hl(c, ++c->hl, c->hl_subscriber, "23", "0");
    if (c->o.type == X12_CLAIM_PROFESSIONAL)
        put_pat(c, p->relationship, p->death_date, p->weight, p->pregnant);
    else
        put_pat(c, p->relationship, NULL, NULL, NULL);
    int per = c->o.type == X12_CLAIM_INSTITUTIONAL ? 0 : P_PER;
    put_party(c, &p->patient, "QC", NULL, P_ADDR | P_DMG | P_NOID | per);
    return c->st ? fail_from_writer(c) : 0;
}

/* ---- the claim --------------------------------------------------------- */

static void put_code(x12_claim_writer *c, const x12_claim_code *k, const char *qual)
{
    el(c, nz(k->qualifier) ? k->qualifier : qual);
    comp(c, k->code);
    int more_after_date = k->has_amount || nz(k->quantity) || nz(k->poa);
    if (nz(k->date) || more_after_date) {
        comp(c, nz(k->date) ? claim_code_date_format(k->date) : NULL);
        comp(c, k->date);
    }
    if (k->has_amount)
        comp_amount(c, k->amount_cents);
    else if (nz(k->quantity) || nz(k->poa))
        comp(c, NULL);
    if (nz(k->quantity) || nz(k->poa))
        comp(c, k->quantity);
    if (nz(k->poa)) {
        comp(c, NULL);
        comp(c, NULL);
        comp(c, k->poa);
    }
}

/* HI segments of `n` codes, at most `per` composites each. */
static void put_hi(x12_claim_writer *c, const x12_claim_code *k, size_t n, const char *qual,
                   size_t per)
{
    for (size_t i = 0; i < n; i += per) {
        seg(c, "HI");
        for (size_t j = i; j < n && j < i + per; j++)
            put_code(c, &k[j], qual);
        end(c);
    }
}

static void put_cr1(x12_claim_writer *c, const x12_claim_ambulance *a)
{
    if (!a)
        return;
    seg(c, "CR1");
    el(c, nz(a->weight) ? "LB" : NULL);
    el(c, a->weight);
    el(c, NULL);
    el(c, a->reason);
    el(c, nz(a->miles) ? "DH" : NULL);
    el(c, a->miles);
    el(c, NULL);
    el(c, NULL);
    el(c, a->round_trip_purpose);
    el(c, a->stretcher_purpose);
    end(c);
}

static void put_crc(x12_claim_writer *c, const x12_claim_crc *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        seg(c, "CRC");
        el(c, k[i].category);
        el(c, k[i].response);
        for (int j = 0; j < 5; j++)
            el(c, k[i].codes[j]);
        end(c);
    }
}

static void put_cn1(x12_claim_writer *c, const x12_claim_contract *k)
{
    if (!k)
        return;
    seg(c, "CN1");
    el(c, k->type);
    if (k->has_amount)
        el_amount(c, k->amount_cents);
    else
        el(c, NULL);
    el(c, k->percent);
    el(c, k->code);
    el(c, k->discount);
    el(c, k->version);
    end(c);
}

static void put_k3(x12_claim_writer *c, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        seg(c, "K3");
        el(c, v[i]);
        end(c);
    }
}

static void put_repricing(x12_claim_writer *c, const x12_claim_repricing *h)
{
    if (!h)
        return;
    seg(c, "HCP");
    el(c, h->pricing_methodology);
    if (h->has_allowed)
        el_amount(c, h->allowed_cents);
    else
        el(c, NULL);
    if (h->has_savings)
        el_amount(c, h->savings_cents);
    else
        el(c, NULL);
    el(c, h->organization_id);
    el(c, h->rate);
    el(c, h->approved_drg);
    if (h->has_drg_amount)
        el_amount(c, h->drg_amount_cents);
    else
        el(c, NULL);
    el(c, h->approved_revenue_code);
    el(c, h->procedure_qualifier);
    el(c, h->procedure);
    el(c, h->unit_basis);
    el(c, h->units);
    el(c, h->reject_reason);
    el(c, h->compliance);
    el(c, h->exception);
    end(c);
}

static void put_diagnoses(x12_claim_writer *c, const x12_claim *cl)
{
    const x12_claim_code *pd = &cl->principal_diagnosis;
    if (c->o.type != X12_CLAIM_INSTITUTIONAL) {
        /* 837P/837D HI: principal (ABK) then others (ABF), twelve per segment */
        size_t total = (nz(pd->code) ? 1 : 0) + cl->other_diagnosis_count;
        size_t k = 0;
        while (k < total) {
            seg(c, "HI");
            for (size_t j = 0; j < 12 && k < total; j++, k++) {
                if (nz(pd->code) && k == 0)
                    put_code(c, pd, "ABK");
                else
                    put_code(c, &cl->other_diagnoses[k - (nz(pd->code) ? 1 : 0)], "ABF");
            }
            end(c);
        }
        if (c->o.type == X12_CLAIM_PROFESSIONAL) {
            /* 005010X222A1 2300 HI anesthesia related procedures (BP, BO), then
             * condition codes (BG) */
            const x12_claim_code *pp = &cl->principal_procedure;
            size_t np = (nz(pp->code) ? 1 : 0) + cl->other_procedure_count;
            if (np) {
                seg(c, "HI");
                if (nz(pp->code))
                    put_code(c, pp, "BP");
                size_t room = nz(pp->code) ? 11 : 12; /* one HI of 12 composites */
                for (size_t i = 0; i < cl->other_procedure_count && i < room; i++)
                    put_code(c, &cl->other_procedures[i], "BO");
                end(c);
            }
            put_hi(c, cl->conditions, cl->condition_count, "BG", 12);
        }
        return;
    }
    /* 837I: one HI per kind, in the guide's order */
    if (nz(pd->code))
        put_hi(c, pd, 1, "ABK", 1);
    if (nz(cl->admitting_diagnosis.code))
        put_hi(c, &cl->admitting_diagnosis, 1, "ABJ", 1);
    put_hi(c, cl->reason_for_visit, cl->reason_for_visit_count, "APR", 3);
    put_hi(c, cl->external_causes, cl->external_cause_count, "ABN", 12);
    if (nz(cl->drg)) {
        seg(c, "HI");
        el(c, "DR");
        comp(c, cl->drg);
        end(c);
    }
    put_hi(c, cl->other_diagnoses, cl->other_diagnosis_count, "ABF", 12);
    if (nz(cl->principal_procedure.code))
        put_hi(c, &cl->principal_procedure, 1, "BBR", 1);
    put_hi(c, cl->other_procedures, cl->other_procedure_count, "BBQ", 12);
    put_hi(c, cl->occurrence_spans, cl->occurrence_span_count, "BI", 12);
    put_hi(c, cl->occurrences, cl->occurrence_count, "BH", 12);
    put_hi(c, cl->values, cl->value_count, "BE", 12);
    put_hi(c, cl->conditions, cl->condition_count, "BG", 12);
    put_hi(c, cl->treatment_codes, cl->treatment_code_count, "TC", 12);
}

static int put_providers(x12_claim_writer *c, const x12_claim_provider *p, size_t n,
                         const char *order)
{
    /* the guide's loop order (a rank per NM101), the given order within a rank */
    for (int pass = 0; pass <= 20; pass++) {
        int r = pass == 20 ? 1000 : pass; /* 1000: an NM101 the order does not list */
        for (size_t i = 0; i < n; i++) {
            const char *e = nz(p[i].party.entity_code) ? p[i].party.entity_code
                                                       : claim_role_entity(p[i].role);
            if (claim_rank(order, !strcmp(e, "P3") ? "DN" : e) == r)
                put_party(c, &p[i].party, claim_role_entity(p[i].role),
                          claim_role_prv(p[i].role), P_PRV | P_ADDR | P_PER);
        }
    }
    return 0;
}

static void put_other_payer(x12_claim_writer *c, const x12_claim_other_payer *o)
{
    /* 2320 SBR CAS AMT OI; 2330A NM1*IL; 2330B NM1*PR N3 N4 DTP*573 REF */
    seg(c, "SBR");
    el(c, o->payer_responsibility);
    el(c, o->relationship);
    el(c, o->group_number);
    el(c, o->group_name);
    el(c, o->insurance_type);
    el(c, NULL);
    el(c, NULL);
    el(c, NULL);
    el(c, o->claim_filing_indicator);
    end(c);
    put_adjustments(c, o->adjustments, o->adjustment_count);
    if (o->has_paid)
        put_amount(c, "D", o->paid_cents);
    const char *amt_order = c->o.type == X12_CLAIM_INSTITUTIONAL ? "EAF A8" : "A8 EAF";
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < o->amount_count; i++) {
            int r = claim_rank(amt_order, o->amounts[i].qualifier);
            if ((pass < 2 && r == pass) || (pass == 2 && r > 1))
                put_amount(c, o->amounts[i].qualifier, o->amounts[i].cents);
        }
    seg(c, "OI");
    el(c, NULL);
    el(c, NULL);
    el(c, o->benefits_assignment);
    el(c, o->patient_signature_source);
    el(c, NULL);
    el(c, o->release_of_info);
    end(c);
    const x12_claim_inpatient_adjudication *ia = o->inpatient;
    if (ia) {
        /* 005010X223A2 2320 MIA, between OI and MOA */
        seg(c, "MIA");
        for (int i = 0; i < 24; i++) {
            const char *text = i == 0    ? ia->covered_days
                               : i == 2  ? ia->lifetime_psychiatric_days
                               : i == 14 ? ia->cost_report_days
                               : i == 4  ? ia->remarks[0]
                               : i >= 19 && i <= 22 ? ia->remarks[i - 18]
                                                    : NULL;
            if (ia->has_amount[i] && !text)
                el_amount(c, ia->amount_cents[i]);
            else
                el(c, text);
        }
        end(c);
    }
    const x12_claim_outpatient_adjudication *m = o->outpatient;
    if (m) {
        /* 2320 MOA follows OI (and MIA) */
        seg(c, "MOA");
        el(c, m->reimbursement_rate);
        if (m->has_payable)
            el_amount(c, m->payable_cents);
        else
            el(c, NULL);
        for (int i = 0; i < 5; i++)
            el(c, m->remarks[i]);
        if (m->has_esrd)
            el_amount(c, m->esrd_cents);
        else
            el(c, NULL);
        if (m->has_nonpayable)
            el_amount(c, m->nonpayable_cents);
        end(c);
    }
    put_party(c, &o->subscriber, "IL", NULL, P_ADDR);
    put_nm1(c, &o->payer, "PR", 0);
    put_address(c, &o->payer.address);
    if (nz(o->adjudication_date))
        put_date(c, "573", "D8", o->adjudication_date);
    put_tax(c, &o->payer);
    for (size_t i = 0; i < o->payer.ref_count; i++)
        put_ref(c, o->payer.refs[i].qualifier, o->payer.refs[i].value, o->payer.refs[i].id2);
    /* 2330C-2330I: NM1 (entity code and type only) and the other payer's REFs */
    const char *order = c->o.type == X12_CLAIM_INSTITUTIONAL ? "71 72 ZZ 77 82 DN 85"
                        : c->o.type == X12_CLAIM_DENTAL      ? "DN 82 DQ 85 77 DD"
                                                             : "DN 82 77 DQ 85";
    for (int pass = 0; pass <= 20; pass++) {
        int r = pass == 20 ? 1000 : pass;
        for (size_t i = 0; i < o->provider_count; i++) {
            const x12_claim_party *p = &o->providers[i].party;
            const char *e = nz(p->entity_code) ? p->entity_code
                                               : claim_role_entity(o->providers[i].role);
            if (claim_rank(order, !strcmp(e, "P3") ? "DN" : e) != r)
                continue;
            seg(c, "NM1");
            el(c, e);
            el(c, nz(p->entity_type) ? p->entity_type : claim_default_entity_type(p));
            end(c);
            for (size_t j = 0; j < p->ref_count; j++)
                put_ref(c, p->refs[j].qualifier, p->refs[j].value, p->refs[j].id2);
        }
    }
}

static void put_procedure(x12_claim_writer *c, const char *qual, const char *code,
                          const char *const *mods, const char *desc)
{
    const char *v[7] = {qual, code, mods[0], mods[1], mods[2], mods[3], desc};
    composite(c, v, 7);
}

static int put_line(x12_claim_writer *c, const x12_claim *cl, const x12_claim_line *l, size_t n)
{
    x12_claim_type t = c->o.type;
    /* 005010X222A1 2400 SV105 (and the 837D's SV303): the line's place of
     * service only when it differs from the claim's CLM05-1 */
    const char *pos = l->place_of_service;
    if (nz(pos) && nz(cl->facility_code) && strcmp(pos, cl->facility_code) == 0)
        pos = NULL;
    const char *pq = nz(l->procedure_qualifier) ? l->procedure_qualifier
                                                : claim_default_procedure_qualifier(t);
    seg(c, "LX");
    el_uint(c, (unsigned long)n);
    end(c);
    if (t == X12_CLAIM_PROFESSIONAL) {
        /* 005010X222A1 2400 SV1 */
        seg(c, "SV1");
        put_procedure(c, pq, l->procedure, l->modifiers, l->description);
        el_amount(c, l->charge_cents);
        el(c, nz(l->unit_basis) ? l->unit_basis : "UN");
        el(c, l->units);
        el(c, pos);
        el(c, NULL);
        char p[4][4];
        const char *pv[4] = {NULL, NULL, NULL, NULL};
        for (int i = 0; i < 4; i++)
            if (l->diagnosis_pointers[i]) {
                snprintf(p[i], sizeof p[i], "%u", l->diagnosis_pointers[i]);
                pv[i] = p[i];
            }
        composite(c, pv, 4);
        el(c, NULL);
        el(c, l->emergency);
        el(c, NULL);
        el(c, l->epsdt);
        el(c, l->family_planning);
        el(c, NULL);
        el(c, NULL);
        el(c, l->copay_exempt);
        end(c);
        if (l->dme) {
            /* 005010X222A1 2400 SV5 */
            const char *v[2] = {nz(l->dme->procedure_qualifier) ? l->dme->procedure_qualifier
                                                               : "HC",
                                l->dme->procedure};
            seg(c, "SV5");
            composite(c, v, 2);
            el(c, "DA");
            el(c, l->dme->days);
            if (l->dme->has_rental)
                el_amount(c, l->dme->rental_cents);
            else
                el(c, NULL);
            if (l->dme->has_purchase)
                el_amount(c, l->dme->purchase_cents);
            else
                el(c, NULL);
            el(c, l->dme->frequency);
            end(c);
        }
    } else if (t == X12_CLAIM_INSTITUTIONAL) {
        /* 005010X223A2 2400 SV2: revenue code, optional HCPCS */
        seg(c, "SV2");
        el(c, l->revenue_code);
        if (nz(l->procedure))
            put_procedure(c, pq, l->procedure, l->modifiers, l->description);
        else
            el(c, NULL);
        el_amount(c, l->charge_cents);
        el(c, nz(l->unit_basis) ? l->unit_basis : "UN");
        el(c, l->units);
        if (l->has_unit_rate)
            el_amount(c, l->unit_rate_cents);
        else
            el(c, NULL);
        if (l->has_non_covered)
            el_amount(c, l->non_covered_cents);
        end(c);
    } else {
        /* 005010X224A2 2400 SV3 and TOO */
        seg(c, "SV3");
        put_procedure(c, pq, l->procedure, l->modifiers, l->description);
        el_amount(c, l->charge_cents);
        el(c, pos);
        composite(c, l->oral_cavity, 5);
        el(c, l->prosthesis);
        el(c, l->units);
        el(c, NULL);
        el(c, NULL);
        el(c, NULL);
        el(c, NULL);
        char p[4][4];
        const char *pv[4] = {NULL, NULL, NULL, NULL};
        for (int i = 0; i < 4; i++)
            if (l->diagnosis_pointers[i]) {
                snprintf(p[i], sizeof p[i], "%u", l->diagnosis_pointers[i]);
                pv[i] = p[i];
            }
        composite(c, pv, 4);
        end(c);
        for (size_t i = 0; i < l->tooth_count; i++) {
            seg(c, "TOO");
            el(c, "JP");
            el(c, l->teeth[i].number);
            composite(c, l->teeth[i].surfaces, 5);
            end(c);
        }
    }
    put_attachments(c, l->attachments, l->attachment_count);
    if (t == X12_CLAIM_PROFESSIONAL) {
        /* 005010X222A1 2400: PWK, CR1, CR3, CRC, then DTP */
        put_cr1(c, l->ambulance);
        if (l->dme_certification) {
            seg(c, "CR3");
            el(c, l->dme_certification->type);
            el(c, nz(l->dme_certification->months) ? "MO" : NULL);
            el(c, l->dme_certification->months);
            end(c);
        }
        put_crc(c, l->condition_indicators, l->condition_indicator_count);
    }
    qlist q;
    if (qlist_init(c, &q, 1 + l->date_count + 1 + l->ref_count, line_date_order(t)) < 0)
        return nomem(c);
    qadd(&q, "472", NULL, l->service_date, NULL);
    for (size_t i = 0; i < l->date_count; i++)
        qadd(&q, l->dates[i].qualifier, l->dates[i].format, l->dates[i].value, NULL);
    qput_dates(c, &q);
    /* 005010X222A1 2400: DTP, QTY, MEA, CN1, REF, AMT, K3, NTE, PS1, HCP */
    for (size_t i = 0; i < l->quantity_count; i++) {
        seg(c, "QTY");
        el(c, l->quantities[i].qualifier);
        el(c, l->quantities[i].value);
        end(c);
    }
    for (size_t i = 0; i < l->measurement_count; i++) {
        seg(c, "MEA");
        el(c, l->measurements[i].category);
        el(c, l->measurements[i].qualifier);
        el(c, l->measurements[i].value);
        end(c);
    }
    put_cn1(c, l->contract);
    q.n = 0;
    q.order = line_ref_order(t);
    qadd(&q, "6R", NULL, l->line_control_number, NULL);
    for (size_t i = 0; i < l->ref_count; i++)
        qadd(&q, l->refs[i].qualifier, NULL, l->refs[i].value, l->refs[i].id2);
    qput_refs(c, &q);
    qlist_free(c, &q);
    for (size_t i = 0; i < l->amount_count; i++)
        put_amount(c, l->amounts[i].qualifier, l->amounts[i].cents);
    put_k3(c, l->file_info, l->file_info_count);
    put_notes(c, l->notes, l->note_count);
    if (nz(l->purchased_provider_id) || l->has_purchased) {
        seg(c, "PS1");
        el(c, l->purchased_provider_id);
        if (l->has_purchased)
            el_amount(c, l->purchased_cents);
        end(c);
    }
    put_repricing(c, l->repricing); /* 2400 HCP, the last segment before 2410 */
    if (l->drug) {
        /* 2410 LIN/CTP/REF */
        seg(c, "LIN");
        el(c, NULL);
        el(c, l->drug->qualifier);
        el(c, l->drug->code);
        end(c);
        seg(c, "CTP");
        el(c, NULL);
        el(c, NULL);
        el(c, NULL);
        el(c, l->drug->quantity);
        el(c, l->drug->unit);
        end(c);
        if (nz(l->drug->ref_value))
            put_ref(c, l->drug->ref_qualifier, l->drug->ref_value, NULL);
    }
    put_providers(c, l->providers, l->provider_count, line_provider_order(t));
    for (size_t i = 0; i < l->adjudication_count; i++) {
        const x12_claim_line_adjudication *a = &l->adjudications[i];
        seg(c, "SVD");
        el(c, a->payer_id);
        el_amount(c, a->paid_cents);
        if (nz(a->procedure))
            put_procedure(c, nz(a->procedure_qualifier) ? a->procedure_qualifier : pq,
                          a->procedure, a->modifiers, a->description);
        else
            el(c, NULL);
        el(c, a->revenue_code);
        el(c, a->units);
        el(c, a->bundled_line);
        end(c);
        put_adjustments(c, a->adjustments, a->adjustment_count);
        if (nz(a->adjudication_date))
            put_date(c, "573", "D8", a->adjudication_date);
        if (a->has_remaining)
            put_amount(c, "EAF", a->remaining_cents);
    }
    for (size_t i = 0; i < l->form_count; i++) {
        /* 005010X222A1 2440 LQ/FRM */
        const x12_claim_form *f = &l->forms[i];
        seg(c, "LQ");
        el(c, f->type);
        el(c, f->form);
        end(c);
        for (size_t j = 0; j < f->answer_count; j++) {
            const x12_claim_form_answer *ans = &f->answers[j];
            seg(c, "FRM");
            el(c, ans->question);
            el(c, ans->yes_no);
            el(c, ans->text);
            el(c, ans->date);
            el(c, ans->percent);
            end(c);
        }
    }
    (void)cl;
    return 0;
}

static int put_claim(x12_claim_writer *c, const x12_claim *cl)
{
    x12_claim_type t = c->o.type;
    /* 2300 CLM */
    seg(c, "CLM");
    el(c, cl->claim_id);
    el_amount(c, cl->total_charge_cents);
    el(c, NULL);
    el(c, NULL);
    const char *clm05[3] = {cl->facility_code,
                            nz(cl->facility_qualifier) ? cl->facility_qualifier
                                                       : claim_default_facility_qualifier(t),
                            cl->frequency_code};
    composite(c, clm05, 3);
    el(c, cl->provider_signature);
    el(c, cl->assignment);
    el(c, cl->benefits_assignment);
    el(c, cl->release_of_info);
    el(c, cl->patient_signature_source);
    const char *clm11[5] = {cl->related_causes[0], cl->related_causes[1], cl->related_causes[2],
                            cl->accident_state, cl->accident_country};
    composite(c, clm11, 5);
    el(c, cl->special_program);
    for (int i = 13; i <= 18; i++)
        el(c, NULL);
    el(c, cl->predetermination);
    el(c, cl->delay_reason);
    end(c);

    qlist q;
    size_t cap = 6 + cl->date_count + 4 + cl->ref_count;
    if (qlist_init(c, &q, cap, claim_date_order(t)) < 0)
        return nomem(c);
    qadd(&q, "431", "D8", cl->onset_date, NULL);
    qadd(&q, "435", cl->admission_date && strlen(cl->admission_date) > 8 ? "DT" : "D8",
         cl->admission_date, NULL);
    qadd(&q, "096", t == X12_CLAIM_INSTITUTIONAL ? "TM" : "D8", cl->discharge_date, NULL);
    char period[40] = "";
    if (nz(cl->statement_from)) {
        snprintf(period, sizeof period, "%s-%s", cl->statement_from,
                 nz(cl->statement_to) ? cl->statement_to : cl->statement_from);
        qadd(&q, "434", "RD8", period, NULL);
    }
    for (size_t i = 0; i < cl->date_count; i++)
        qadd(&q, cl->dates[i].qualifier, cl->dates[i].format, cl->dates[i].value, NULL);
    qput_dates(c, &q);

    if (t == X12_CLAIM_INSTITUTIONAL &&
        (nz(cl->admission_type) || nz(cl->admission_source) || nz(cl->patient_status))) {
        seg(c, "CL1");
        el(c, cl->admission_type);
        el(c, cl->admission_source);
        el(c, cl->patient_status);
        end(c);
    }
    if (t == X12_CLAIM_DENTAL) {
        if (cl->has_orthodontic) {
            seg(c, "DN1");
            el(c, cl->ortho_months_total);
            el(c, cl->ortho_months_remaining);
            el(c, NULL);
            el(c, cl->ortho_questionnaire);
            end(c);
        }
        for (size_t i = 0; i < cl->tooth_status_count; i++) {
            seg(c, "DN2");
            el(c, cl->tooth_status[i].number);
            el(c, cl->tooth_status[i].surfaces[0]);
            end(c);
        }
    }
    put_attachments(c, cl->attachments, cl->attachment_count);
    put_cn1(c, cl->contract); /* 2300: PWK, CN1, AMT, REF, K3, NTE */
    for (size_t i = 0; i < cl->amount_count; i++)
        put_amount(c, cl->amounts[i].qualifier, cl->amounts[i].cents);

    q.n = 0;
    q.order = claim_ref_order(t);
    qadd(&q, "F8", NULL, cl->payer_claim_number, NULL);
    qadd(&q, "G1", NULL, cl->prior_authorization, NULL);
    qadd(&q, "9F", NULL, cl->referral_number, NULL);
    qadd(&q, "EA", NULL, cl->medical_record_number, NULL);
    for (size_t i = 0; i < cl->ref_count; i++)
        qadd(&q, cl->refs[i].qualifier, NULL, cl->refs[i].value, cl->refs[i].id2);
    qput_refs(c, &q);
    qlist_free(c, &q);
    put_k3(c, cl->file_info, cl->file_info_count);
    put_notes(c, cl->notes, cl->note_count);
    if (t == X12_CLAIM_PROFESSIONAL) {
        /* 005010X222A1 2300: NTE, CR1, CR2, CRC, then HI */
        put_cr1(c, cl->ambulance);
        if (cl->spinal) {
            seg(c, "CR2");
            for (int i = 1; i <= 7; i++)
                el(c, NULL);
            el(c, cl->spinal->condition);
            el(c, NULL);
            el(c, cl->spinal->description1);
            el(c, cl->spinal->description2);
            end(c);
        }
        put_crc(c, cl->condition_indicators, cl->condition_indicator_count);
    }
    put_diagnoses(c, cl);
    put_repricing(c, cl->repricing); /* 2300 HCP follows the HI segments */
    put_providers(c, cl->providers, cl->provider_count, claim_provider_order(t));
    for (size_t i = 0; i < cl->other_payer_count; i++)
        put_other_payer(c, &cl->other_payers[i]);
    for (size_t i = 0; i < cl->line_count; i++)
        if (put_line(c, cl, &cl->lines[i], i + 1) < 0)
            return -1;
    return c->st ? fail_from_writer(c) : 0;
}

/* ---- the output read back (output_finding) ----------------------------- */

static int check_segment(void *ctx, const x12_segment *seg)
{
    x12_claim_writer *c = ctx;
    if (x12_slice_eq(seg->id, "CLM")) {
        x12_slice id = x12_segment_element(seg, 1);
        size_t n = id.len < sizeof c->clm01 - 1 ? id.len : sizeof c->clm01 - 1;
        memcpy(c->clm01, id.ptr ? id.ptr : "", n);
        c->clm01[n] = '\0';
    }
    if (x12_walker_segment(c->vw, seg) == X12_ERR_NOMEM) {
        c->vnomem = 1;
        return 1;
    }
    return 0;
}

static void check_error(void *ctx, const x12_error *e)
{
    x12_walker_reader_error(((x12_claim_writer *)ctx)->vw, e);
}

static void check_finding(void *ctx, const x12_finding *f)
{
    x12_claim_writer *c = ctx;
    /* 2300 and the loops under it are the claim's; the levels above hold
     * for the claims after */
    const char *loop = f->loop_id ? f->loop_id : "";
    int in_claim = loop[0] == '2' && (loop[1] == '3' || loop[1] == '4');
    c->o.output_finding(c->o.output_finding_ctx, f, in_claim ? c->clm01 : "");
}

/* The caller's sink, then the check. */
static int tee_out(void *ctx, const void *buf, size_t len)
{
    x12_claim_writer *c = ctx;
    if (c->out(c->out_ctx, buf, len) != 0)
        return -1;
    c->out_bytes += len;
    x12_reader_feed(c->vr, buf, len);
    return c->vnomem ? -1 : 0;
}

static int check_open(x12_claim_writer *c, const x12_allocator *al)
{
    x12_walker_callbacks wc = {NULL, check_finding};
    c->vw = x12_walker_new_alloc(&wc, c, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES, al);
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.alloc = al;
    x12_reader_callbacks rc = {check_segment, check_error};
    c->vr = c->vw ? x12_reader_new(&ro, &rc, c) : NULL;
    return c->vr ? 0 : -1;
}

/* ---- public API -------------------------------------------------------- */

x12_claim_writer *x12_claim_writer_new(const x12_claim_writer_options *opts,
                                       const x12_claim_header *header, x12_write_fn out,
                                       void *ctx, x12_error *err)
{
    x12_claim_writer_options def;
    if (!opts) {
        x12_claim_writer_options_init(&def);
        opts = &def;
    }
    if (err)
        memset(err, 0, sizeof *err);
    if (!header || !out || (unsigned)opts->type > X12_CLAIM_DENTAL) {
        if (err) {
            err->code = X12_ERR_USAGE;
            err->msg = x12_status_message(X12_ERR_USAGE);
        }
        return NULL;
    }
    const x12_allocator *al = opts->writer.alloc;
    x12_claim_writer *c = al ? al->malloc(al->ctx, sizeof *c) : malloc(sizeof *c);
    if (!c)
        goto oom;
    memset(c, 0, sizeof *c);
    c->o = *opts;
    if (!c->o.max_claims_per_set)
        c->o.max_claims_per_set = 5000;
    c->hdr_arena = x12_arena_new(al);
    for (int i = 0; i < 3; i++)
        c->lvl[i] = x12_arena_new(al);
    if (!c->hdr_arena || !c->lvl[0] || !c->lvl[1] || !c->lvl[2] ||
        claim_copy_header(c->hdr_arena, &c->hdr, header) < 0) {
        x12_claim_writer_free(c);
        goto oom;
    }
    c->next_isa = header->isa.control_number;
    c->next_gs = header->gs.control_number;
    c->next_st = header->st_control_number;
    if (c->o.output_finding) {
        c->out = out;
        c->out_ctx = ctx;
        if (check_open(c, al) < 0) {
            x12_claim_writer_free(c);
            goto oom;
        }
        out = tee_out;
        ctx = c;
    }
    c->w = x12_writer_new(&c->o.writer, out, ctx, err);
    if (!c->w) {
        x12_claim_writer_free(c);
        return NULL;
    }
    return c;
oom:
    if (err) {
        err->code = X12_ERR_NOMEM;
        err->msg = x12_status_message(X12_ERR_NOMEM);
    }
    return NULL;
}

void x12_claim_writer_free(x12_claim_writer *c)
{
    if (!c)
        return;
    x12_writer_free(c->w);
    x12_reader_free(c->vr);
    x12_walker_free(c->vw);
    x12_arena_free(c->hdr_arena);
    for (int i = 0; i < 3; i++)
        x12_arena_free(c->lvl[i]);
    const x12_allocator *al = c->o.writer.alloc;
    if (al)
        al->free(al->ctx, c);
    else
        free(c);
}

const x12_error *x12_claim_writer_error(const x12_claim_writer *c)
{
    return &c->err;
}

void x12_claim_writer_get_stats(const x12_claim_writer *c, x12_claim_writer_stats *out)
{
    *out = c->stats;
}

static x12_status usage(x12_claim_writer *c, const char *detail)
{
    memset(&c->err, 0, sizeof c->err);
    c->err.code = X12_ERR_USAGE;
    c->err.msg = x12_status_message(X12_ERR_USAGE);
    snprintf(c->err.detail, sizeof c->err.detail, "%s", detail);
    return X12_ERR_USAGE;
}

/* Refuses claim `cl` (the index'th added) before any of it is written: one
 * problem, at the path `p` already holds. */
static x12_status refuse(x12_claim_writer *c, const x12_claim *cl, size_t index,
                         x12_claim_problem *p, x12_status code, const char *detail)
{
    if (c->o.problem) {
        p->code = code;
        p->claim_id = cl->claim_id ? cl->claim_id : "";
        p->claim_index = index;
        snprintf(p->detail, sizeof p->detail, "%s", detail);
        c->o.problem(c->o.problem_ctx, p);
    }
    c->stats.claims_rejected++;
    return X12_ERR_CLAIM_REJECTED;
}

x12_status x12_claim_writer_add(x12_claim_writer *c, const x12_claim *cl)
{
    if (c->fatal)
        return c->fatal;
    if (c->finished)
        return usage(c, "claim added after finish");
    if (!cl || cl->type != c->o.type)
        return usage(c, "claim of another type than the writer's");
    if (c->o.no_checks && (!cl->billing || !cl->subscriber))
        return usage(c, "claim without billing provider or subscriber");
    size_t index = c->claim_index++;
    if (!c->o.no_checks && x12_claim_check(cl, index, c->o.problem, c->o.problem_ctx)) {
        c->stats.claims_rejected++;
        return X12_ERR_CLAIM_REJECTED;
    }
    x12_claim_problem tp;
    memset(&tp, 0, sizeof tp);
    const char *bht06 = nz(c->hdr.bht_type) ? c->hdr.bht_type : "CH";
    /* BHT06 is the set's: a claim for payment is not written into a set of
     * encounters (or the reverse) without a word, checks or not */
    if (nz(cl->transaction_type) && strcmp(cl->transaction_type, bht06)) {
        snprintf(tp.path, sizeof tp.path, "transaction_type");
        char why[96];
        snprintf(why, sizeof why, "%.8s, but the 837 being written has BHT06 %.8s",
                 cl->transaction_type, bht06);
        return refuse(c, cl, index, &tp, X12_ERR_CLAIM_CODE, why);
    }
    /* a claim sent for payment (BHT06 CH, the default) charges more than
     * 0.00; one of no charge goes as reporting (RP): rule
     * <guide>.chargeable-claim-charge, which needs the header */
    if (!c->o.no_checks && !strcmp(bht06, "CH") && cl->total_charge_cents <= 0) {
        snprintf(tp.path, sizeof tp.path, "total_charge_cents");
        return refuse(c, cl, index, &tp, X12_ERR_CLAIM_AMOUNT,
                      "0.00 on a claim for payment (BHT06 CH); one of no charge is sent as "
                      "reporting (RP)");
    }
    /* text the output cannot carry rejects the claim before any of it is
     * written (the segment writer would fail half-way through it) */
    if (claim_text_check(cl, &c->o.writer, tp.path, sizeof tp.path))
        return refuse(c, cl, index, &tp, X12_ERR_CLAIM_TEXT,
                      c->o.writer.input_encoding
                          ? "no delimiters, control characters"
                          : "no delimiters, control characters or non-ASCII bytes without "
                            "input_encoding");
    if (c->in_st && c->claims_in_set >= c->o.max_claims_per_set && close_set(c) < 0)
        return c->fatal;
    if (!c->in_st && open_set(c) < 0)
        return c->fatal;
    /* HL grouping: consecutive claims with equal levels share them */
    int with_patient = cl->patient != NULL;
    if (!c->have_billing || !x12_claim_billing_equal(&c->billing, cl->billing)) {
        if (open_billing(c, cl->billing) < 0)
            return c->fatal;
    }
    if (!c->have_subscriber || c->sub_kind != with_patient ||
        !x12_claim_subscriber_equal(&c->subscriber, cl->subscriber)) {
        if (open_subscriber(c, cl->subscriber, with_patient) < 0)
            return c->fatal;
    }
    if (with_patient &&
        (!c->have_patient || !x12_claim_patient_equal(&c->patient, cl->patient))) {
        if (open_patient(c, cl->patient) < 0)
            return c->fatal;
    }
    if (put_claim(c, cl) < 0)
        return c->fatal;
    c->claims_in_set++;
    c->stats.claims_written++;
    return X12_OK;
}

x12_status x12_claim_writer_end(x12_claim_writer *c, x12_claim_end level)
{
    if (c->fatal)
        return c->fatal;
    int r = level == X12_END_SET     ? close_set(c)
            : level == X12_END_GROUP ? close_group(c)
                                     : close_interchange(c);
    return r < 0 ? c->fatal : X12_OK;
}

x12_status x12_claim_writer_set_header(x12_claim_writer *c, const x12_claim_header *h)
{
    if (c->fatal)
        return c->fatal;
    if (!h)
        return usage(c, "no header");
    x12_arena *a = x12_arena_new(c->o.writer.alloc);
    x12_claim_header copy;
    if (!a || claim_copy_header(a, &copy, h) < 0) {
        x12_arena_free(a);
        nomem(c);
        return X12_ERR_NOMEM;
    }
    x12_arena_free(c->hdr_arena);
    c->hdr_arena = a;
    c->hdr = copy;
    /* a zero keeps the running counter, so a header change cannot reuse a number */
    if (h->isa.control_number)
        c->next_isa = h->isa.control_number;
    if (h->gs.control_number)
        c->next_gs = h->gs.control_number;
    if (h->st_control_number)
        c->next_st = h->st_control_number;
    return X12_OK;
}

void x12_claim_writer_set_amount_style(x12_claim_writer *c, x12_amount_style style)
{
    c->amount_style = style;
}

x12_status x12_claim_writer_break(x12_claim_writer *c, x12_claim_level level)
{
    if (level <= X12_LEVEL_BILLING)
        c->have_billing = 0;
    if (level <= X12_LEVEL_SUBSCRIBER)
        c->have_subscriber = 0;
    c->have_patient = 0;
    return X12_OK;
}

x12_status x12_claim_writer_finish(x12_claim_writer *c)
{
    if (c->fatal)
        return c->fatal;
    c->finished = 1;
    if (close_interchange(c) < 0)
        return c->fatal;
    if (c->vr && c->out_bytes) { /* nothing written: nothing to check */
        x12_reader_finish(c->vr);
        if (x12_walker_finish(c->vw) == X12_ERR_NOMEM || c->vnomem) {
            c->fatal = X12_ERR_NOMEM;
            memset(&c->err, 0, sizeof c->err);
            c->err.code = X12_ERR_NOMEM;
            c->err.msg = x12_status_message(X12_ERR_NOMEM);
            return c->fatal;
        }
    }
    return X12_OK;
}
