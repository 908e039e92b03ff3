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
#include "claim837_internal.h"
#include "internal.h"
#include "spec_model.h"

/* The guides read; their earlier and later versions (005010X222, X222A2,
 * X223, X223A1, X223A3, X224, X224A1, X224A3) are read with the nearest of
 * them (X12_WALK_NEAREST_GUIDE): the loops and segments the model carries are
 * the same in these versions. */
#define GUIDES_READ "005010X222A1, X223A2, X224A2"

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
    r->party_k = k; /* the NM1 starts the party's loop: its arena is the party's */
    p->entity_code = cr_unless(cr_str(r, k, 1), entity);
    const char *type = cr_str(r, k, 2);
    p->last_name = cr_str(r, k, 3);
    p->first_name = cr_str(r, k, 4);
    p->middle_name = cr_str(r, k, 5);
    p->suffix = cr_str(r, k, 7);
    p->id_qualifier = cr_str(r, k, 8);
    p->id = cr_str(r, k, 9);
    p->entity_type = cr_unless(type, claim_default_entity_type(p));
    if (!type) /* the writer always writes NM102 */
        r->used &= ~((uint64_t)1 << 2);
}

static void read_party_seg(x12_claim_reader *r, x12_slice id)
{
    x12_claim_party *p = r->party;
    /* not party_arena(r): a segment placed in another loop (a broken file)
     * would put the party's strings and arrays in an arena that is reset
     * while the party lives on */
    int k = r->party_k;
    if (cr_is(id, "N3")) {
        p->address.line1 = cr_str(r, k, 1);
        p->address.line2 = cr_str(r, k, 2);
    } else if (cr_is(id, "N4")) {
        p->address.city = cr_str(r, k, 1);
        p->address.state = cr_str(r, k, 2);
        p->address.postal_code = cr_str(r, k, 3);
        p->address.country = cr_str(r, k, 4);
        p->address.subdivision = cr_str(r, k, 7);
    } else if (cr_is(id, "DMG")) {
        if (cr_is(cr_elem(r, 1), "D8") || !cr_elem(r, 1).len) {
            p->birth_date = cr_str(r, k, 2);
            p->gender = cr_str(r, k, 3);
        }
    } else if (cr_is(id, "PRV")) {
        if (cr_is(cr_elem(r, 2), "PXC")) {
            p->provider_code = cr_unless(cr_str(r, k, 1), r->party_prv);
            if (!cr_elem(r, 1).len)
                r->used &= ~((uint64_t)1 << 1);
            p->taxonomy = cr_str(r, k, 3);
        }
    } else if (cr_is(id, "PER")) {
        x12_claim_contact *c;
        PUSH(r, k, p->contacts, p->contact_count, c);
        if (!c)
            return;
        c->function = cr_unless(cr_str(r, k, 1), "IC");
        if (!cr_elem(r, 1).len)
            r->used &= ~((uint64_t)1 << 1);
        c->name = cr_str(r, k, 2);
        for (int i = 0; i < 3; i++) {
            c->qualifier[i] = cr_str(r, k, 3 + 2 * i);
            c->number[i] = cr_str(r, k, 4 + 2 * i);
        }
    } else if (cr_is(id, "REF")) {
        const char *l = r->ev->loop_id;
        x12_slice q = cr_elem(r, 1);
        /* 2010AA REF*EI/SY and 2010AC REF*EI: the tax id */
        if (((loop_is(l, "2010AA") && (cr_is(q, "EI") || cr_is(q, "SY"))) ||
             (loop_is(l, "2010AC") && cr_is(q, "EI"))) &&
            !p->tax_id) {
            p->tax_id_qualifier = cr_unless(cr_str(r, k, 1), "EI");
            p->tax_id = cr_str(r, k, 2);
            return;
        }
        x12_claim_ref *f;
        PUSH(r, k, p->refs, p->ref_count, f);
        if (!f)
            return;
        f->qualifier = cr_str(r, k, 1);
        f->value = cr_str(r, k, 2);
        const char *c2[2];
        cr_comps(r, k, 4, c2, 2);
        if (c2[0] && !strcmp(c2[0], "2U"))
            f->id2 = c2[1];
        else if (c2[0] || c2[1])
            r->used &= ~((uint64_t)1 << 4);
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
}

/* ---- the claim ---------------------------------------------------------- */

/* An error about the whole claim, at its CLM (it is reported when the claim
 * ends, when the current event has no segment). */
static void claim_rejected(x12_claim_reader *r, const char *detail)
{
    cr_finding_at(r, r->clm_offset, r->clm_index, r->clm_set_pos, "CLM", 3, "2300",
                  X12_ERR_CLAIM_REJECTED, X12_SEV_ERROR, 0, 0, detail);
}

static void deliver(x12_claim_reader *r)
{
    if (!r->in_claim)
        return;
    r->in_claim = 0;
    if (r->claim_too_big)
        return; /* said when it outgrew the limit */
    if (r->ev && r->ev->cut && r->in_set) {
        /* its set ends before its SE: the input ends inside it, or another
         * ST, GS, GE, ISA or IEA comes first (a cut file with another after
         * it).  The claim may lack service lines or the end of a value (the
         * CLM, HL or SE that would have closed it never came), so it is not
         * handed on as if whole; the claims before it were closed and went
         * out */
        char detail[96];
        snprintf(detail, sizeof detail, "claim %s not read: %s",
                 r->claim.claim_id ? r->claim.claim_id : "",
                 r->ev->cut == X12_WALK_CUT_ENVELOPE ? "its set ends without SE"
                                                     : "the input ends inside it");
        claim_rejected(r, detail);
        return;
    }
    if (r->levels_big) {
        char detail[96];
        snprintf(detail, sizeof detail,
                 "claim %s not read: its billing, subscriber or patient data is too large to keep",
                 r->claim.claim_id ? r->claim.claim_id : "");
        claim_rejected(r, detail);
        return;
    }
    if (r->claim_bad_value) {
        /* its X12_ERR_CLAIM_VALUE said which value; the claim goes no further */
        char detail[96];
        snprintf(detail, sizeof detail, "claim %s not read: a value of it does not fit the model",
                 r->claim.claim_id ? r->claim.claim_id : "");
        claim_rejected(r, detail);
        return;
    }
    x12_claim *cl = &r->claim;
    cl->type = r->type;
    cl->transaction_type = r->hdr.bht_type; /* BHT06; NULL for CH, the default */
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
    r->claim_too_big = 0;
    r->claim_bad_value = 0;
    r->clm_offset = r->ev->seg->byte_offset;
    r->clm_index = r->ev->seg->segment_index;
    r->clm_set_pos = r->ev->seg->set_position;
    r->line = NULL;
    r->op = NULL;
    r->adj = NULL;
    r->party = NULL;
    r->hi_ordinal = 0;
    r->amounts_2 = r->amounts_other = 0;
    cr_order_reset(r);
    x12_claim *c = &r->claim;
    int k = A_CLAIM;
    c->claim_id = cr_str(r, k, 1);
    c->total_charge_cents = cr_amount(r, 2);
    const char *v[5];
    cr_comps(r, k, 5, v, 3);
    c->facility_code = v[0];
    c->facility_qualifier = cr_unless(v[1], claim_default_facility_qualifier(r->type));
    if (!v[1]) /* the writer always writes CLM05-2 */
        r->used &= ~((uint64_t)1 << 5);
    c->frequency_code = v[2];
    c->provider_signature = cr_str(r, k, 6);
    c->assignment = cr_str(r, k, 7);
    c->benefits_assignment = cr_str(r, k, 8);
    c->release_of_info = cr_str(r, k, 9);
    c->patient_signature_source = cr_str(r, k, 10);
    cr_comps(r, k, 11, v, 5);
    for (int i = 0; i < 3; i++)
        c->related_causes[i] = v[i];
    c->accident_state = v[3];
    c->accident_country = v[4];
    c->special_program = cr_str(r, k, 12);
    c->predetermination = cr_str(r, k, 19);
    c->delay_reason = cr_str(r, k, 20);
}

static void new_provider(x12_claim_reader *r, x12_claim_provider **arr, size_t *n)
{
    x12_slice e = cr_elem(r, 1);
    char code[4];
    cr_copy(code, sizeof code, e);
    int role = claim_entity_role(code);
    if (role < 0) {
        r->party = NULL;
        cr_not_carried(r, 0);
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

/* ---- envelopes and levels ----------------------------------------------- */

static const char *trimmed(x12_claim_reader *r, int k, unsigned pos)
{
    x12_slice v = cr_elem(r, pos);
    while (v.len && v.ptr[v.len - 1] == ' ')
        v.len--;
    return cr_slice_str(r, k, v);
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
    x12_slice n = cr_elem(r, 13);
    for (size_t i = 0; i < n.len; i++)
        h->control_number = h->control_number * 10 + (uint32_t)(n.ptr[i] - '0');
    x12_slice a = cr_elem(r, 14), u = cr_elem(r, 15);
    h->ack_requested = a.len ? a.ptr[0] : 0;
    h->usage = u.len ? u.ptr[0] : 0;
}

static void read_gs(x12_claim_reader *r)
{
    x12_arena_reset(r->a[A_GS]);
    x12_gs_header *g = &r->gs;
    memset(g, 0, sizeof *g);
    g->functional_id = cr_str(r, A_GS, 1);
    g->sender = cr_str(r, A_GS, 2);
    g->receiver = cr_str(r, A_GS, 3);
    g->date = cr_str(r, A_GS, 4);
    g->time = cr_str(r, A_GS, 5);
    x12_slice n = cr_elem(r, 6);
    for (size_t i = 0; i < n.len; i++)
        g->control_number = g->control_number * 10 + (uint32_t)(n.ptr[i] - '0');
    cr_elem(r, 7);
    g->version = cr_str(r, A_GS, 8);
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
    h->gs.functional_id = cr_unless(r->gs.functional_id, "HC");
    h->gs.version = cr_unless(r->gs.version, claim_guide(r->type));
    const char *eff_version = r->gs.version ? r->gs.version : claim_guide(r->type);
    cr_elem(r, 1);
    x12_slice st02 = cr_elem(r, 2);
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
    h->implementation_ref = cr_unless(cr_str(r, A_SET, 3), eff_version);
}

static void read_bht(x12_claim_reader *r)
{
    x12_claim_header *h = &r->hdr;
    h->bht_structure = cr_unless(cr_str(r, A_SET, 1), "0019");
    h->bht_purpose = cr_unless(cr_str(r, A_SET, 2), "00");
    h->bht_reference = cr_unless(cr_str(r, A_SET, 3), r->st02);
    h->bht_date = cr_unless(cr_str(r, A_SET, 4), r->gs.date);
    h->bht_time = cr_unless(cr_str(r, A_SET, 5), r->gs.time);
    h->bht_type = cr_unless(cr_str(r, A_SET, 6), "CH");
}

static void hl_segment(x12_claim_reader *r)
{
    const char *l = r->ev->loop_id;
    for (unsigned i = 1; i <= 4; i++)
        cr_elem(r, i);
    r->party = NULL;
    if (loop_is(l, "2000A")) {
        x12_arena_reset(r->a[A_BILL]);
        x12_arena_reset(r->a[A_SUB]);
        x12_arena_reset(r->a[A_PAT]);
        memset(&r->billing, 0, sizeof r->billing);
        r->have_billing = 1;
        r->have_subscriber = r->have_patient = 0;
        r->opens[0] = 1;
    } else if (loop_is(l, "2000B")) {
        x12_arena_reset(r->a[A_SUB]);
        x12_arena_reset(r->a[A_PAT]);
        memset(&r->subscriber, 0, sizeof r->subscriber);
        r->have_subscriber = 1;
        r->have_patient = 0;
        r->opens[1] = 1;
    } else if (loop_is(l, "2000C")) {
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
    if (loop_is(l, "1000A"))
        p = &r->hdr.submitter, entity = "41";
    else if (loop_is(l, "1000B"))
        p = &r->hdr.receiver, entity = "40";
    else if (loop_is(l, "2010AA"))
        p = &r->billing.provider, entity = "85", prv = "BI";
    else if (loop_is(l, "2010AB") || loop_is(l, "2010AC")) {
        if (!(p = x12_arena_alloc(r->a[A_BILL], sizeof *p))) {
            cr_nomem(r);
            return;
        }
        if (l[5] == 'B')
            r->billing.pay_to_address = p, entity = "87";
        else
            r->billing.pay_to_plan = p, entity = "PE";
    } else if (loop_is(l, "2010BA"))
        p = &r->subscriber.subscriber, entity = "IL";
    else if (loop_is(l, "2010BB"))
        p = &r->subscriber.payer, entity = "PR";
    else if (loop_is(l, "2010CA"))
        p = &r->patient.patient, entity = "QC";
    else if (loop_is(l, "2330A") && r->op)
        p = &r->op->subscriber, entity = "IL";
    else if (loop_is(l, "2330B") && r->op)
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
        cr_not_carried(r, 0);
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
    /* 005010X222A1 2000B/2000C PAT05 D8 with PAT06, PAT07 01 with PAT08, as
     * the writer writes them: a qualifier of another code, or one without
     * its value, is reported (not carried), not taken in silence */
    if (cr_is(cr_elem(r, 5), "D8") && x12_segment_element(r->ev->seg, 6).len)
        *death = cr_str(r, k, 6);
    else
        r->used &= ~((uint64_t)1 << 5);
    if (cr_is(cr_elem(r, 7), "01") && x12_segment_element(r->ev->seg, 8).len)
        *weight = cr_str(r, k, 8);
    else
        r->used &= ~((uint64_t)1 << 7);
    *pregnant = cr_str(r, k, 9);
}

static void segment(x12_claim_reader *r, const x12_walk_event *ev)
{
    x12_slice id = ev->seg->id;
    const char *l = ev->loop_id;
    r->used = 1; /* element 0, the id */
    if (cr_is(id, "ISA")) {
        read_isa(r);
        r->used = ~(uint64_t)0;
        if (!ev->seg->delims.repetition) /* 'U', or a delimiter read as none */
            r->used &= ~((uint64_t)1 << 11);
        cr_check_used(r);
        return;
    }
    if (!l) { /* GS, GE, IEA */
        if (cr_is(id, "GS"))
            read_gs(r);
        else
            r->used = ~(uint64_t)0;
        cr_check_used(r);
        return;
    }
    if (cr_is(id, "ST") && !cr_is(cr_elem(r, 1), "837")) {
        /* an 835 given as claims: said once, at its ST, never read as "no claims" */
        char detail[64];
        x12_slice st01 = cr_elem(r, 1);
        snprintf(detail, sizeof detail, "ST01 is '%.*s', not 837: the set is skipped",
                 (int)(st01.len < 6 ? st01.len : 6), st01.ptr ? st01.ptr : "");
        cr_report_other(r, detail);
        r->other_set = 1;
        return;
    }
    if (cr_is(id, "ST"))
        r->other_set = 0;
    if (!ev->spec) {
        /* an 837 of a guide the library lacks: said at its ST, never read
         * as "no claims" */
        if (cr_is(id, "ST")) {
            char detail[96];
            unsigned el = spec_unread_detail(r->walker, ev->seg, GUIDES_READ, detail, sizeof detail);
            cr_report_guide(r, el, detail);
        }
        return;
    }
    if (r->in_claim && r->claim_too_big)
        return; /* the rest of a claim too large to keep (LEAVE 2300 ends it) */
    if (r->levels_big && !cr_is(id, "ST") && !cr_is(id, "SE") && !cr_is(id, "HL") && !cr_is(id, "CLM"))
        return; /* levels too large to keep: only what ends them, and the claims' ids */
    if (ev->over && r->in_set) {
        /* a second of what the guide allows one of (a second N3 of the
         * billing provider, a second 2010AA): the claim holds the first,
         * which this took the place of without a word */
        cr_second(r);
        return;
    }
    if (cr_is(id, "ST")) {
        begin_set(r);
        r->in_set = 1;
    } else if (cr_is(id, "SE")) {
        r->used = ~(uint64_t)0;
        r->in_set = 0;
    } else if (!r->in_set) {
        return;
    } else if (cr_is(id, "BHT")) {
        read_bht(r);
    } else if (cr_is(id, "HL")) {
        hl_segment(r);
    } else if (cr_is(id, "NM1")) {
        nm1_segment(r);
    } else if (loop_is(l, "2000A") && cr_is(id, "PRV")) {
        r->party = &r->billing.provider;
        r->party_prv = "BI";
        r->party_k = A_BILL;
        read_party_seg(r, id);
        r->party = NULL;
    } else if (loop_is(l, "2000A") && cr_is(id, "CUR") && cr_is(cr_elem(r, 1), "85")) {
        r->billing.currency = cr_str(r, A_BILL, 2);
    } else if (loop_is(l, "2000B") && cr_is(id, "SBR")) {
        x12_claim_subscriber *s = &r->subscriber;
        s->payer_responsibility = cr_str(r, A_SUB, 1);
        s->relationship = cr_str(r, A_SUB, 2);
        s->group_number = cr_str(r, A_SUB, 3);
        s->group_name = cr_str(r, A_SUB, 4);
        s->insurance_type = cr_str(r, A_SUB, 5);
        s->claim_filing_indicator = cr_str(r, A_SUB, 9);
    } else if (loop_is(l, "2000C") && cr_is(id, "PAT")) {
        r->patient.relationship = cr_str(r, A_PAT, 1);
        if (r->type == X12_CLAIM_PROFESSIONAL)
            read_pat(r, A_PAT, &r->patient.death_date, &r->patient.weight, &r->patient.pregnant);
    } else if (loop_is(l, "2000B") && cr_is(id, "PAT") && r->type == X12_CLAIM_PROFESSIONAL) {
        read_pat(r, A_SUB, &r->subscriber.death_date, &r->subscriber.weight,
                 &r->subscriber.pregnant);
    } else if (cr_is(id, "CLM")) {
        begin_claim(r);
    } else if (loop_is(l, "2330B") && cr_is(id, "DTP") && r->op && cr_is(cr_elem(r, 1), "573") &&
               cr_is(cr_elem(r, 2), "D8") && !r->op->adjudication_date) {
        r->op->adjudication_date = cr_str(r, A_CLAIM, 3);
    } else if (loop_is(l, "2300") && r->in_claim) {
        cr_claim_segment(r, id);
    } else if (loop_is(l, "2320") && r->in_claim) {
        cr_other_payer_segment(r, id);
    } else if (loop_is(l, "2400") && r->in_claim) {
        cr_line_segment(r, id);
    } else if (loop_is(l, "2410") && r->in_claim) {
        cr_drug_segment(r, id);
    } else if (loop_is(l, "2430") && r->in_claim) {
        cr_adjudication_segment(r, id);
    } else if (loop_is(l, "2440") && r->in_claim && r->line) {
        cr_form_segment(r, id);
    } else if (r->party && (l[0] == '1' || l[0] == '2') && !loop_is(l, "2300") &&
               (cr_is(id, "N3") || cr_is(id, "N4") || cr_is(id, "REF") || cr_is(id, "PER") ||
                cr_is(id, "DMG") || cr_is(id, "PRV"))) {
        read_party_seg(r, id);
    } else {
        cr_not_carried(r, 0);
        r->used = ~(uint64_t)0;
    }
    if (!r->fatal)
        cr_check_used(r);
}

/* After each segment: memory stays bounded.  The envelope and HL levels
 * together, and the claim, each at most max_claim_bytes: past it what they
 * hold is not read (never half of it), said once here, and their claims are
 * not delivered (deliver()). */
static void check_memory(x12_claim_reader *r)
{
    size_t levels = 0, max = r->max_claim_bytes;
    for (int i = 0; i < A_CLAIM; i++)
        levels += x12_arena_used(r->a[i]);
    if (r->levels_big && levels <= max)
        r->levels_big = 0; /* a new level or set freed them */
    int levels_over = !r->levels_big && levels > max;
    int claim_over = r->in_claim && !r->claim_too_big && x12_arena_used(r->a[A_CLAIM]) > max;
    if (!levels_over && !claim_over)
        return;
    char lim[24], detail[96];
    x12__size_text(max, lim, sizeof lim);
    if (levels_over) {
        r->levels_big = 1;
        snprintf(detail, sizeof detail,
                 "billing, subscriber or patient data takes more than %s: not read", lim);
        cr_report_claim(r, X12_ERR_CLAIM_COUNT, detail);
    }
    if (claim_over) {
        r->claim_too_big = 1;
        snprintf(detail, sizeof detail, "claim %s takes more than %s (%zu lines so far): not read",
                 r->claim.claim_id ? r->claim.claim_id : "", lim, r->claim.line_count);
        cr_report_claim(r, X12_ERR_CLAIM_COUNT, detail);
    }
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    x12_claim_reader *r = ctx;
    r->ev = ev;
    if (ev->kind == X12_WALK_SEGMENT) {
        r->seg_utf8 = x12__segment_utf8(ev->seg);
        segment(r, ev);
        check_memory(r);
    }
    else if (ev->kind == X12_WALK_LEAVE && ev->loop_id && loop_is(ev->loop_id, "2300"))
        deliver(r);
    else if (ev->kind == X12_WALK_ENTER && ev->loop_id && loop_is(ev->loop_id, "2300"))
        r->in_claim = 0;
    return r->fatal || r->stopped;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    x12_claim_reader *r = ctx;
    if (r->other_set && f->snip >= 2 && f->err.set_position != 1)
        return;
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
    r->max_claim_bytes = X12_CLAIM_DEFAULT_MAX_BYTES;
    for (int i = 0; i < A_COUNT; i++)
        if (!(r->a[i] = x12_arena_new(alloc))) {
            x12_claim_reader_free(r);
            return NULL;
        }
    x12_walker_callbacks wcb = {on_event, on_finding};
    /* neighbouring versions read with the nearest guide, a warning saying so */
    if (!(r->walker = x12_walker_new_alloc(&wcb, r, walk_flags | X12_WALK_NEAREST_GUIDE, alloc))) {
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
    for (int i = 0; i < A_COUNT; i++)
        x12_arena_free(r->a[i]);
    if (r->alloc)
        r->alloc->free(r->alloc->ctx, r);
    else
        free(r);
}

void x12_claim_reader_set_max_claim_bytes(x12_claim_reader *r, size_t bytes)
{
    r->max_claim_bytes = bytes ? bytes : X12_CLAIM_DEFAULT_MAX_BYTES;
}

x12_status x12_claim_reader_use_spec(x12_claim_reader *r, const x12_spec *spec)
{
    return x12_walker_use_spec(r->walker, spec);
}

x12_status x12_claim_reader_segment(x12_claim_reader *r, const x12_segment *seg)
{
    if (r->fatal)
        return r->fatal;
    x12_status st = x12_walker_segment(r->walker, seg);
    if (st == X12_ERR_NOMEM)
        r->fatal = st; /* the walker's: x12_claim_read_file() reports it, not a stop */
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
