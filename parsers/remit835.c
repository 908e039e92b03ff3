/* The 835 reader: a consumer of the walker's loop events over 005010X221A1
 * transaction sets that fills the structs of remit.h.  The payment header
 * lives in an arena kept for the set; each claim payment (2100 with its
 * 2110 lines) in an arena reset after its callback, so memory is bounded by
 * one claim payment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/amount.h>
#include <x12/arena.h>
#include <x12/remit.h>

#include "internal.h"
#include "spec_model.h"

/* Segment ids and qualifiers compared inline, the literal's length first
 * (memcmp was not inlined, and this runs for every segment). */
#define IS(v, lit) ((v).len == sizeof(lit) - 1 && x12__slice_is((v), (lit)))

/* elem() without the call: this runs for every element. */
static inline x12_slice elem(const x12_segment *s, unsigned pos)
{
    if (pos >= 1 && pos <= s->element_count)
        return s->elements[pos];
    return (x12_slice){NULL, 0};
}

/* Elements `from`..`to` of the segment being read are read (r->used): what
 * else the segment holds is said to be not carried (check_used).  Each
 * reader of a segment says what it reads once, not element by element (this
 * runs for every segment). */
#define READS(r, from, to) ((r)->used = x12__read_bits((from), (to)))

/* 1 when field `bit` of `*seen` was filled already (the segment is then a
 * second of its kind: not read, said); else marks it filled. */
static inline int again(uint32_t *seen, unsigned bit)
{
    if (*seen & (1u << bit))
        return 1;
    *seen |= 1u << bit;
    return 0;
}

/* What read_*_segment() return: 1 read, 0 no place in the model, SECOND a
 * second of a kind the model holds one of. */
#define SECOND 2

/* The loops of 005010X221A1 this reader tells apart, classified once per
 * segment by their bytes (strcmp was called a dozen times a segment). */
typedef enum loop_kind { L_OTHER, L_1000A, L_1000B, L_2000, L_2100, L_2110 } loop_kind;

static loop_kind classify_loop(const char *id)
{
    if (id[0] == '2' && id[1] && id[2] && id[3] && !id[4]) {
        if (id[1] == '1' && id[2] == '0' && id[3] == '0')
            return L_2100;
        if (id[1] == '1' && id[2] == '1' && id[3] == '0')
            return L_2110;
        if (id[1] == '0' && id[2] == '0' && id[3] == '0')
            return L_2000;
    } else if (id[0] == '1' && id[1] == '0' && id[2] == '0' && id[3] == '0' && id[4] && !id[5]) {
        if (id[4] == 'A')
            return L_1000A;
        if (id[4] == 'B')
            return L_1000B;
    }
    return L_OTHER;
}

/* a growing array carved from an arena */
typedef struct vec {
    void *p;
    size_t n, cap;
} vec;

/* Segments that fill one field of the model: a second of a kind in the
 * same payment, claim or line is said, never written over the first (a
 * claim's second DTM*232 took its place without a word: found by
 * test_remit_drop with a second of each repeatable segment made from the
 * spec).  Bits of x12_remit_reader.seen_hdr / seen_claim / seen_line. */
enum once {
    O_BPR, O_TRN, O_CUR, O_PAYER_N1, O_PAYEE_N1, O_PAYER_N3, O_PAYEE_N3, O_PAYER_N4, O_PAYEE_N4,
    O_232 = 0, O_233, O_050, O_F8, O_MIA, O_MOA, O_QC, O_IL, O_74, O_82, O_TT, O_PR, O_GB,
    O_472 = 0, O_150, O_151, O_6R, O_B6
};

struct x12_remit_reader {
    x12_allocator alloc; /* a copy; has_alloc 0 means libc */
    int has_alloc;
    x12_remit_callbacks cb;
    void *ctx;
    x12_walker *w;
    x12_arena *hdr, *arena;
    int nomem, stopped;
    uint32_t seen_hdr, seen_claim, seen_line; /* enum once: filled already */
    /* the set */
    int in_set, payment_sent;
    uint64_t st_off; /* where the set's ST is */
    uint32_t st_index;
    /* Inside a set of another transaction (skipped, said once at its ST): the
     * walker's findings on it (its own guide's structure, usage, balancing)
     * are not this reader's to pass on; its syntax (SNIP 1) still is, since it
     * says whether the file could be read.  Findings at the position of an ST
     * are kept: they may be the next set's. */
    int other_set;
    x12_remit_payment pay;
    /* six vectors cleared together by payment_init(): keep them adjacent */
    vec pay_refs, pay_dates, payer_refs, payer_contacts, payee_refs, payee_contacts;
    x12_remit_party *party; /* 1000A or 1000B being read */
    x12_remit_totals totals;
    uint32_t sets, interchange;
    /* the claim payment */
    int in_claim;
    int claim_bad;  /* an amount of it could not be read: not handed on */
    int cut;        /* the input ends inside the segment coming next (X12_ERR_UNTERMINATED) */
    int claim_cut;  /* X12_WALK_CUT_*: its set ends before it is whole: not handed on */
    int pay_bad;    /* BPR02 could not be read: the payment and its claims not handed on */
    int claim_big;  /* it outgrew max_claim_bytes: skipped to its end */
    int hdr_big;    /* the payment's header outgrew it: the payment is not handed on */
    size_t max_claim_bytes;
    uint32_t clp_set_pos;
    x12_remit_claim c;
    x12_remit_context cx;
    char lx[32]; /* LX01 of the 2000 loop being read, "" before one */
    int lx_unused;  /* ... and no claim payment of its loop came yet */
    uint64_t lx_off; /* where that LX is */
    uint32_t lx_index, lx_pos;
    /* thirteen vectors cleared together by claim_init(): keep them adjacent */
    vec adjs, refs, dates, amounts, qtys, contacts, remarks, lines;
    vec line_adjs, line_refs, line_amounts, line_remarks, line_qtys; /* of the current line */
    const x12_walk_event *ev; /* the segment being read, for warnings */
    int seg_utf8;             /* ... and it is all UTF-8: no value of it needs the check */
    loop_kind loop;           /* ... and its loop */
    /* The segment being read is copied into an arena once, at the first
     * value taken from it; each value is then a pointer into the copy, ended
     * by a NUL written over the separator after it.  (One copy a segment, not
     * an allocation and a copy a value; no value read whole is also read in
     * parts, so no NUL cuts another value short.) */
    const x12_segment *seg;
    x12_arena *seg_arena;
    char *seg_copy;
    uint64_t used; /* bit i: element i of the segment being read was read */
};

/* Every arena reset goes through here: a copy of the segment in it is gone. */
static void arena_reset(x12_remit_reader *r, x12_arena *a)
{
    x12_arena_reset(a);
    if (r->seg_arena == a)
        r->seg_copy = NULL;
}

/* A new slot at the end of `v`, not cleared. */
static void *vec_add(x12_remit_reader *r, x12_arena *a, vec *v, size_t size)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 4;
        void *p = x12_arena_alloc(a, nc * size);
        if (!p) {
            r->nomem = 1;
            return NULL;
        }
        if (v->n)
            memcpy(p, v->p, v->n * size);
        v->p = p;
        v->cap = nc;
    }
    void *slot = (char *)v->p + v->n * size;
    v->n++;
    return slot;
}

/* ... cleared. */
static void *vec_push(x12_remit_reader *r, x12_arena *a, vec *v, size_t size)
{
    void *slot = vec_add(r, a, v, size);
    if (slot)
        memset(slot, 0, size);
    return slot;
}

/* Hands on a finding of the reader's own, at a position given field by field
 * (a segment of the current event, or a CLP read earlier). */
static __attribute__((noinline, cold)) void finding_at(x12_remit_reader *r, uint64_t off, uint32_t index, uint32_t set_pos,
                       const char *id, size_t idlen, const char *loop, x12_status code,
                       x12_severity sev, uint16_t el, uint16_t comp, const char *detail)
{
    x12_finding f;
    x12__reader_finding(&f, r->ev, off, index, set_pos, id, idlen, loop, code, sev, el, comp, detail);
    r->cb.finding(r->ctx, &f);
}

/* ... at segment `s` of the current event. */
static void seg_finding(x12_remit_reader *r, const x12_segment *s, x12_status code,
                        x12_severity sev, uint16_t el, uint16_t comp, const char *detail)
{
    finding_at(r, s->byte_offset, s->segment_index, s->set_position, s->id.ptr, s->id.len,
               r->ev && r->ev->loop_id ? r->ev->loop_id : "", code, sev, el, comp, detail);
}

/* Each element of a segment read that holds a value nothing read is said
 * to be not carried (info): an element the guide does not use (DTM03,
 * REF03, NM110), or one past the segment's.  A segment of which nothing was
 * read (a skipped one, said otherwise) is passed over. */
static __attribute__((noinline, cold)) void report_unused(x12_remit_reader *r,
                                                         const x12_segment *s)
{
    if (!r->cb.finding)
        return;
    for (unsigned i = 0; (i = x12__unread_after(s, r->used, i));)
        seg_finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, (uint16_t)i, 0, NULL);
}

static inline void check_used(x12_remit_reader *r, const x12_segment *s)
{
    /* the common case, every element up to the last read: nothing to say
     * (kept small: this runs for every segment) */
    uint32_t n = s->element_count;
    if (!r->used)
        return;
    if (n >= 63) { /* (1 << 64 is no number) */
        report_unused(r, s);
        return;
    }
    uint64_t all = ((uint64_t)1 << (n + 1)) - 2;
    for (uint64_t miss = all & ~r->used; miss; miss &= miss - 1)
        if (s->elements[__builtin_ctzll(miss)].len) {
            report_unused(r, s);
            return;
        }
}

/* The components of composite `pos` past the first `n` (those read) that
 * hold a value are said to be not carried (PLB03-3, SVC06-7); called when
 * there are more than `n`. */
static __attribute__((noinline, cold)) void report_components(x12_remit_reader *r,
                                                             const x12_segment *s, unsigned pos,
                                                             unsigned n)
{
    if (!r->cb.finding)
        return;
    for (unsigned c = n; (c = x12__component_after(s, s->elements[pos], c));)
        seg_finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, (uint16_t)pos, (uint16_t)c,
                    NULL);
}

/* A value with bytes that are not UTF-8: kept as they are, read as
 * ISO-8859-1 by the JSON rows; a warning at its element. */
static void not_utf8(x12_remit_reader *r, x12_slice v, size_t at)
{
    if (!r->cb.finding || !r->ev || !r->ev->seg)
        return;
    const x12_segment *s = r->ev->seg;
    uint16_t el, comp;
    x12__segment_locate(s, v.ptr + at, &el, &comp);
    char detail[48];
    snprintf(detail, sizeof detail, "byte 0x%02X: read as ISO-8859-1", (unsigned)(unsigned char)v.ptr[at]);
    seg_finding(r, s, X12_ERR_CLAIM_NOT_UTF8, X12_SEV_WARNING, el, comp, detail);
}

/* An 835 whose guide has no spec (ST03, else GS08: a 4010 835, a guide id
 * misspelt): never read as the header alone with its claim payments half
 * empty; said once, at its ST, and the set skipped. */
static void unknown_guide(x12_remit_reader *r, const x12_segment *s)
{
    if (!r->cb.finding)
        return;
    char detail[96];
    unsigned el = spec_unread_detail(r->w, s, "005010X221A1", detail, sizeof detail);
    seg_finding(r, s, X12_ERR_GUIDE_NOT_READ, X12_SEV_ERROR, (uint16_t)el, 0, detail);
}

/* A set that is not an 835 (an 837 given as a remit): said once, at its ST,
 * so that a file of the wrong kind is never read as "no payments". */
static void other_set(x12_remit_reader *r, const x12_segment *s)
{
    if (!r->cb.finding)
        return;
    x12_slice st01 = elem(s, 1);
    char detail[64];
    snprintf(detail, sizeof detail, "ST01 is '%.*s', not 835: the set is skipped",
             (int)(st01.len < 6 ? st01.len : 6), st01.ptr ? st01.ptr : "");
    seg_finding(r, s, X12_ERR_OTHER_TRANSACTION, X12_SEV_ERROR, 1, 0, detail);
}

/* Element `pos` of `s` as cents into *v; -1 when it is not a whole number
 * of cents (or not a number).  Such an amount is never read as 0: an error
 * names it, and what holds it is not handed on (the claim payment, which is
 * marked here; the PLB entry or, for BPR02, the payment: the caller's). */
static int cents_at(x12_remit_reader *r, const x12_segment *s, unsigned pos, int64_t *v)
{
    *v = 0;
    x12_slice e = elem(s, pos);
    if (!e.len || x12_amount_parse(e, v) == X12_OK)
        return 0;
    *v = 0;
    if (r->in_claim)
        r->claim_bad = 1;
    if (r->cb.finding)
        seg_finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, (uint16_t)pos, 0,
                    x12__amount_problem(e));
    return -1;
}

static int64_t cents(x12_remit_reader *r, const x12_segment *s, unsigned pos)
{
    int64_t v;
    cents_at(r, s, pos, &v);
    return v;
}

/* As cents_at(), for an amount the guide requires (005010X221A1 BPR02, CLP03,
 * CLP04, SVC02, SVC03, AMT02): missing, it is not 0.00 either. */
static int must_cents_at(x12_remit_reader *r, const x12_segment *s, unsigned pos, int64_t *v)
{
    if (elem(s, pos).len)
        return cents_at(r, s, pos, v);
    *v = 0;
    if (r->in_claim)
        r->claim_bad = 1;
    if (r->cb.finding)
        seg_finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, (uint16_t)pos, 0,
                    "a required amount is missing");
    return -1;
}

static int64_t must_cents(x12_remit_reader *r, const x12_segment *s, unsigned pos)
{
    int64_t v;
    must_cents_at(r, s, pos, &v);
    return v;
}

static const char *str(x12_remit_reader *r, x12_arena *a, x12_slice s)
{
    if (!s.len)
        return "";
    /* (every value taken is of r->seg, the segment being read) */
    const x12_segment *g = r->seg;
    if (!r->seg_copy || r->seg_arena != a) {
        r->seg_copy = x12_arena_strndup(a, g->raw.ptr, g->raw.len);
        r->seg_arena = a;
        if (!r->seg_copy) {
            r->nomem = 1;
            return "";
        }
    }
    char *p = r->seg_copy + (s.ptr - g->raw.ptr);
    p[s.len] = '\0';
    if (!r->seg_utf8) {
        size_t ok = x12_utf8_prefix(s.ptr, s.len);
        if (ok < s.len)
            not_utf8(r, s, ok);
    }
    return p;
}

static const char *el(x12_remit_reader *r, x12_arena *a, const x12_segment *s, unsigned pos)
{
    return str(r, a, elem(s, pos));
}

static const char *comp(x12_remit_reader *r, x12_arena *a, const x12_segment *s, unsigned pos,
                        unsigned c)
{
    return str(r, a, x12_element_component(s, elem(s, pos), c));
}


X12_API void x12_remit_party_init(x12_remit_party *p)
{
    memset(p, 0, sizeof *p);
    p->entity = p->entity_type = p->name = p->first_name = p->middle_name = p->suffix = "";
    p->id_qualifier = p->id = "";
    p->address1 = p->address2 = p->city = p->state = p->postal_code = p->country = "";
}

X12_API void x12_remit_payment_init(x12_remit_payment *p)
{
    memset(p, 0, sizeof *p);
    p->handling_code = p->credit_debit = p->method = p->format = "";
    p->sender_dfi_qualifier = p->sender_dfi_id = p->sender_account_qualifier = p->sender_account = "";
    p->originator_company_id = p->originator_supplemental = "";
    p->receiver_dfi_qualifier = p->receiver_dfi_id = "";
    p->receiver_account_qualifier = p->receiver_account = "";
    p->payment_date = p->trace_type = p->trace_number = p->payer_id = p->trace_supplemental = "";
    p->trace_originator = "";
    p->currency = "";
    x12_remit_party_init(&p->payer);
    x12_remit_party_init(&p->payee);
}

X12_API void x12_remit_line_init(x12_remit_line *l)
{
    memset(l, 0, sizeof *l);
    l->procedure_qualifier = l->procedure = l->description = l->revenue_code = l->units = "";
    l->original_qualifier = l->original_procedure = l->original_units = "";
    for (int i = 0; i < 4; i++)
        l->modifiers[i] = l->original_modifiers[i] = "";
    l->service_date = l->service_start = l->service_end = l->line_control_number = "";
}

X12_API void x12_remit_claim_init(x12_remit_claim *c)
{
    memset(c, 0, sizeof *c);
    c->claim_id = c->status_code = c->filing_indicator = c->payer_claim_number = "";
    c->facility_code = c->frequency_code = c->patient_status = c->drg_code = "";
    c->drg_weight = c->discharge_fraction = c->yes_no = "";
    x12_remit_party_init(&c->patient);
    x12_remit_party_init(&c->insured);
    x12_remit_party_init(&c->corrected_patient);
    x12_remit_party_init(&c->service_provider);
    x12_remit_party_init(&c->crossover_carrier);
    x12_remit_party_init(&c->priority_payer);
    x12_remit_party_init(&c->other_subscriber);
    for (int i = 0; i < 25; i++)
        c->inpatient_elements[i] = "";
    for (int i = 0; i < 10; i++)
        c->outpatient_elements[i] = "";
    c->original_reference = c->statement_from = c->statement_to = c->received_date = "";
    c->header_number = "";
}

static void payment_init(x12_remit_reader *r)
{
    x12_remit_payment_init(&r->pay);
    r->seen_hdr = 0;
    memset(&r->pay_refs, 0, sizeof(vec) * 6);
    memset(&r->totals, 0, sizeof r->totals);
    r->party = NULL;
    r->lx[0] = '\0';
    r->lx_unused = 0;
    r->payment_sent = 0;
    r->pay_bad = 0;
    r->hdr_big = 0;
}

static void claim_init(x12_remit_reader *r)
{
    x12_remit_claim_init(&r->c);
    memset(&r->adjs, 0, sizeof(vec) * 13);
    r->claim_bad = 0;
    r->claim_big = 0;
    r->claim_cut = 0;
}

/* The current line's arrays go into its struct when the next line, the
 * next claim payment or the end comes. */
static void close_line(x12_remit_reader *r)
{
    if (!r->lines.n)
        return;
    x12_remit_line *l = &((x12_remit_line *)r->lines.p)[r->lines.n - 1];
    l->adjustments = r->line_adjs.p;
    l->adjustment_count = r->line_adjs.n;
    l->refs = r->line_refs.p;
    l->ref_count = r->line_refs.n;
    l->amounts = r->line_amounts.p;
    l->amount_count = r->line_amounts.n;
    l->remarks = r->line_remarks.p;
    l->remark_count = r->line_remarks.n;
    l->quantities = r->line_qtys.p;
    l->quantity_count = r->line_qtys.n;
}

static int send_payment(x12_remit_reader *r)
{
    if (r->payment_sent)
        return 0;
    r->payment_sent = 1;
    if (r->pay_bad)
        return 0; /* its BPR02 could not be read: said at the element */
    x12_remit_payment *p = &r->pay;
    p->refs = r->pay_refs.p;
    p->ref_count = r->pay_refs.n;
    p->dates = r->pay_dates.p;
    p->date_count = r->pay_dates.n;
    p->payer.refs = r->payer_refs.p;
    p->payer.ref_count = r->payer_refs.n;
    p->payer.contacts = r->payer_contacts.p;
    p->payer.contact_count = r->payer_contacts.n;
    p->payee.refs = r->payee_refs.p;
    p->payee.ref_count = r->payee_refs.n;
    p->payee.contacts = r->payee_contacts.p;
    p->payee.contact_count = r->payee_contacts.n;
    if (!p->payer_id[0]) {
        /* no TRN03: the payer's N104, else its REF*2U */
        p->payer_id = p->payer.id;
        for (size_t i = 0; !p->payer_id[0] && i < p->payer.ref_count; i++)
            if (!strcmp(p->payer.refs[i].qualifier, "2U"))
                p->payer_id = p->payer.refs[i].value;
    }
    p->set = r->sets;
    p->interchange = r->interchange;
    return r->cb.payment ? r->cb.payment(r->ctx, p) : 0;
}

static int send_claim(x12_remit_reader *r)
{
    if (!r->in_claim)
        return 0;
    r->in_claim = 0;
    close_line(r);
    x12_remit_claim *c = &r->c;
    if (r->claim_bad || r->pay_bad || r->claim_big || r->claim_cut) {
        /* never a claim payment with an amount made up in place of one that
         * could not be read (said at its element by cents()) */
        if (r->cb.finding) {
            char detail[96];
            snprintf(detail, sizeof detail, "%.30s not read: %s", c->claim_id,
                     r->claim_big   ? "too large to keep"
                     : r->claim_bad ? "an amount of it cannot be read"
                     : r->hdr_big   ? "its payment's header is too large to keep"
                     : r->pay_bad   ? "BPR02 cannot be read"
                     : r->claim_cut == X12_WALK_CUT_ENVELOPE ? "its set ends without SE"
                                    : "the input ends inside it");
            finding_at(r, r->cx.byte_offset, r->cx.segment_index, r->clp_set_pos, "CLP", 3, "2100",
                       X12_ERR_CLAIM_REJECTED, X12_SEV_ERROR, 0, 0, detail);
        }
        r->claim_bad = r->claim_big = r->claim_cut = 0;
        arena_reset(r, r->arena);
        return 0;
    }
    c->adjustments = r->adjs.p;
    c->adjustment_count = r->adjs.n;
    c->refs = r->refs.p;
    c->ref_count = r->refs.n;
    c->dates = r->dates.p;
    c->date_count = r->dates.n;
    c->amounts = r->amounts.p;
    c->amount_count = r->amounts.n;
    c->quantities = r->qtys.p;
    c->quantity_count = r->qtys.n;
    c->contacts = r->contacts.p;
    c->contact_count = r->contacts.n;
    c->remark_codes = r->remarks.p;
    c->remark_code_count = r->remarks.n;
    c->lines = r->lines.p;
    c->line_count = r->lines.n;
    r->totals.claims++;
    r->totals.lines += (uint32_t)c->line_count;
    r->totals.charge_cents += c->charge_cents;
    r->totals.paid_cents += c->paid_cents;
    r->totals.patient_responsibility_cents += c->patient_responsibility_cents;
    int stop = r->nomem ? 0 : (r->cb.claim ? r->cb.claim(r->ctx, &r->pay, c, &r->cx) : 0);
    arena_reset(r, r->arena);
    return stop;
}

/* 005010X221A1 CAS and PLB: a reason (CAS02, PLB03, ...) and its amount
 * (CAS03, PLB04, ...) come as a pair.  One without the other is neither an
 * adjustment of 0.00 nor left out unsaid: an error names it, and what holds
 * it (the claim payment, the PLB entry) is not handed on.  Returns 1 when
 * the pair at k, k + 1 is whole, 0 when both are empty, -1 when half. */
static int pair_at(x12_remit_reader *r, const x12_segment *s, unsigned k)
{
    int reason = elem(s, k).len != 0, amount = elem(s, k + 1).len != 0;
    if (reason == amount)
        return reason;
    if (r->in_claim)
        r->claim_bad = 1;
    if (r->cb.finding)
        seg_finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, (uint16_t)(reason ? k + 1 : k), 0,
                    reason ? "an adjustment reason without its amount"
                           : "an adjustment amount without its reason");
    return -1;
}

static void read_cas(x12_remit_reader *r, const x12_segment *s, vec *into)
{
    /* CAS01 group, then up to six reason/amount/quantity triples */
    x12_slice g = elem(s, 1);
    if (g.len > 2) {
        /* 005010X221A1 CAS01 is a group code (ID 1/2): a longer one cannot be
         * held (it was cut to two letters), so what holds it is not handed on */
        if (r->in_claim)
            r->claim_bad = 1;
        if (r->cb.finding)
            seg_finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, 1, 0,
                        "CAS01 is not a group code of two letters (CO, CR, OA, PI, PR)");
        return;
    }
    for (unsigned k = 2; k <= 17; k += 3) {
        x12_slice reason = elem(s, k);
        if (pair_at(r, s, k) <= 0)
            continue;
        x12_remit_adjustment *a = vec_push(r, r->arena, into, sizeof *a);
        if (!a)
            return;
        size_t gl = g.len < 2 ? g.len : 2;
        if (gl)
            memcpy(a->group, g.ptr, gl);
        a->group[gl] = '\0';
        a->reason = str(r, r->arena, reason);
        a->cents = cents(r, s, k + 1);
        a->quantity = el(r, r->arena, s, k + 2);
    }
}

static void read_pair(x12_remit_reader *r, x12_arena *a, vec *into, const x12_segment *s,
                      unsigned q, unsigned v)
{
    x12_remit_ref *x = vec_push(r, a, into, sizeof *x);
    if (x) {
        x->qualifier = el(r, a, s, q);
        x->value = el(r, a, s, v);
    }
}

/* PER: its function, name and up to three numbers with their qualifiers. */
static __attribute__((noinline)) void read_contact(x12_remit_reader *r, x12_arena *a, vec *into,
                                                   const x12_segment *s)
{
    x12_remit_contact *x = vec_push(r, a, into, sizeof *x);
    if (!x)
        return;
    x->qualifier = el(r, a, s, 1);
    x->name = el(r, a, s, 2);
    for (unsigned i = 0; i < 3; i++) {
        x->number_qualifiers[i] = el(r, a, s, 3 + 2 * i);
        x->numbers[i] = el(r, a, s, 4 + 2 * i);
    }
    x->value = x->numbers[0];
}

static void read_amount(x12_remit_reader *r, vec *into, const x12_segment *s)
{
    x12_remit_amount *x = vec_push(r, r->arena, into, sizeof *x);
    if (x) {
        x->qualifier = el(r, r->arena, s, 1);
        x->cents = must_cents(r, s, 2);
    }
}

static void read_nm1(x12_remit_reader *r, x12_remit_party *p, const x12_segment *s)
{
    x12_arena *a = r->arena;
    p->entity = el(r, a, s, 1);
    p->entity_type = el(r, a, s, 2);
    p->name = el(r, a, s, 3);
    p->first_name = el(r, a, s, 4);
    p->middle_name = el(r, a, s, 5);
    p->suffix = el(r, a, s, 7);
    p->id_qualifier = el(r, a, s, 8);
    p->id = el(r, a, s, 9);
}

static void add_remark(x12_remit_reader *r, const x12_segment *s, unsigned pos)
{
    x12_slice v = elem(s, pos);
    if (!v.len)
        return;
    const char **slot = vec_push(r, r->arena, &r->remarks, sizeof *slot);
    if (slot)
        *slot = str(r, r->arena, v);
}

/* The first `n` components of a composite, split in one pass (an absent
 * component is ""). */
static void split_composite(x12_remit_reader *r, const x12_segment *s, unsigned pos,
                            const char **out, unsigned n)
{
    x12_slice v = elem(s, pos);
    char cs = s->delims.component;
    unsigned k = 0;
    size_t start = 0;
    /* an absent element has no pointer to offset from: every part is "" */
    for (size_t i = 0; v.ptr && i <= v.len && k < n; i++)
        if (i == v.len || v.ptr[i] == cs) {
            out[k++] = str(r, r->arena, (x12_slice){v.ptr + start, i - start});
            start = i + 1;
        }
    /* the n-th ended at a separator: more components follow */
    if (k == n && v.ptr && start <= v.len)
        report_components(r, s, pos, n);
    for (; k < n; k++)
        out[k] = "";
}

static void read_svc(x12_remit_reader *r, const x12_segment *s)
{
    close_line(r);
    r->seen_line = 0;
    memset(&r->line_adjs, 0, sizeof(vec) * 5);
    x12_remit_line *l = vec_add(r, r->arena, &r->lines, sizeof *l);
    if (!l)
        return;
    x12_remit_line_init(l); /* (vec_add: not cleared twice) */
    x12_arena *a = r->arena;
    /* 005010X221A1 2110 SVC01 composite: qualifier, procedure, four
     * modifiers, description; SVC06 the same for the procedure as submitted */
    const char *c[7];
    split_composite(r, s, 1, c, 7);
    l->procedure_qualifier = c[0];
    l->procedure = c[1];
    for (unsigned i = 0; i < 4; i++)
        l->modifiers[i] = c[2 + i];
    l->description = c[6];
    l->charge_cents = must_cents(r, s, 2);
    l->paid_cents = must_cents(r, s, 3);
    l->revenue_code = el(r, a, s, 4);
    l->units = el(r, a, s, 5);
    if (elem(s, 6).len) {
        split_composite(r, s, 6, c, 6);
        l->original_qualifier = c[0];
        l->original_procedure = c[1];
        for (unsigned i = 0; i < 4; i++)
            l->original_modifiers[i] = c[2 + i];
    }
    l->original_units = el(r, a, s, 7);
}

/* An LX01 that no claim payment took (its loop holds none, against the
 * guide): said, never lost unsaid.  At the next LX, PLB or SE. */
static void lx_left(x12_remit_reader *r)
{
    if (!r->lx_unused)
        return;
    r->lx_unused = 0;
    if (r->cb.finding)
        finding_at(r, r->lx_off, r->lx_index, r->lx_pos, "LX", 2, "2000", X12_ERR_CLAIM_NOT_CARRIED,
                   X12_SEV_INFO, 1, 0, "no claim payment in its 2000 loop");
}

/* 005010X221A1 2000 LX01, the header number: kept for the claim payments of
 * its loop (in the reader: one claim payment's arena is reset before the
 * next, and the loop's LX comes while the claim payment before it is still
 * open).  LX01 is N0 1/6; a longer one is not carried, and said. */
static void read_lx(x12_remit_reader *r, const x12_segment *s)
{
    lx_left(r);
    READS(r, 1, 1);
    x12_slice v = elem(s, 1);
    r->lx[0] = '\0';
    if (v.len >= sizeof r->lx) {
        r->used = 0;
        if (r->cb.finding)
            seg_finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_WARNING, 1, 0,
                        "LX01 longer than 31 characters");
        return;
    }
    if (!v.len) {
        /* (rewritten, its claim payments would join the loop before) */
        if (r->cb.finding)
            seg_finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_WARNING, 1, 0,
                        "LX01 is empty: its claim payments have no header number");
        return;
    }
    if (!r->seg_utf8) {
        size_t ok = x12_utf8_prefix(v.ptr, v.len);
        if (ok < v.len)
            not_utf8(r, v, ok);
    }
    memcpy(r->lx, v.ptr, v.len); /* (not str(): no copy of each LX in the header's arena) */
    r->lx[v.len] = '\0';
    r->lx_unused = 1;
    r->lx_off = s->byte_offset;
    r->lx_index = s->segment_index;
    r->lx_pos = s->set_position;
}

static void read_clp(x12_remit_reader *r, const x12_segment *s)
{
    claim_init(r);
    r->seen_claim = 0;
    r->in_claim = 1;
    x12_remit_claim *c = &r->c;
    x12_arena *a = r->arena;
    c->claim_id = el(r, a, s, 1);
    c->status_code = el(r, a, s, 2);
    c->charge_cents = must_cents(r, s, 3);
    c->paid_cents = must_cents(r, s, 4);
    c->has_patient_responsibility = elem(s, 5).len > 0;
    c->patient_responsibility_cents = cents(r, s, 5);
    c->filing_indicator = el(r, a, s, 6);
    c->payer_claim_number = el(r, a, s, 7);
    c->facility_code = el(r, a, s, 8);
    c->frequency_code = el(r, a, s, 9);
    c->patient_status = el(r, a, s, 10);
    c->drg_code = el(r, a, s, 11);
    c->drg_weight = el(r, a, s, 12);
    c->discharge_fraction = el(r, a, s, 13);
    c->yes_no = el(r, a, s, 14);
    r->lx_unused = 0;
    if (r->lx[0]) {
        char *h = x12_arena_strndup(a, r->lx, strlen(r->lx));
        if (!h)
            r->nomem = 1;
        c->header_number = h ? h : "";
    }
    r->cx.byte_offset = s->byte_offset;
    r->cx.segment_index = s->segment_index;
    r->clp_set_pos = s->set_position;
    r->cx.claim_in_set = r->totals.claims + 1;
}

/* Header segments: BPR, TRN, CUR, REF, DTM and the 1000A/1000B parties. */
static int read_header(x12_remit_reader *r, const x12_segment *s)
{
    x12_arena *a = r->hdr;
    x12_remit_payment *p = &r->pay;
    x12_slice id = s->id;
    int in_party = r->loop == L_1000A || r->loop == L_1000B;
    if (IS(id, "BPR")) {
        if (again(&r->seen_hdr, O_BPR))
            return SECOND;
        READS(r, 1, 16);
        p->handling_code = el(r, a, s, 1);
        r->pay_bad = must_cents_at(r, s, 2, &p->amount_cents) != 0;
        p->credit_debit = el(r, a, s, 3);
        p->method = el(r, a, s, 4);
        p->format = el(r, a, s, 5);
        p->sender_dfi_qualifier = el(r, a, s, 6);
        p->sender_dfi_id = el(r, a, s, 7);
        p->sender_account_qualifier = el(r, a, s, 8);
        p->sender_account = el(r, a, s, 9);
        p->originator_company_id = el(r, a, s, 10);
        p->originator_supplemental = el(r, a, s, 11);
        p->receiver_dfi_qualifier = el(r, a, s, 12);
        p->receiver_dfi_id = el(r, a, s, 13);
        p->receiver_account_qualifier = el(r, a, s, 14);
        p->receiver_account = el(r, a, s, 15);
        p->payment_date = el(r, a, s, 16);
    } else if (IS(id, "TRN")) {
        if (again(&r->seen_hdr, O_TRN))
            return SECOND;
        READS(r, 1, 4);
        p->trace_type = el(r, a, s, 1);
        p->trace_number = el(r, a, s, 2);
        p->payer_id = el(r, a, s, 3);
        p->trace_originator = p->payer_id;
        p->trace_supplemental = el(r, a, s, 4);
    } else if (IS(id, "CUR")) {
        /* 005010X221A1 CUR01 is PR, the payer's: the currency is its.  Any
         * other entity is not the payer's currency, and is said (it was
         * passed over: found by test_remit_drop on a CUR made from the spec) */
        if (again(&r->seen_hdr, O_CUR))
            return SECOND;
        READS(r, 2, 2);
        if (x12_slice_eq(seg_el(s, 1), "PR"))
            r->used |= x12__read_bits(1, 1);
        p->currency = el(r, a, s, 2);
    } else if (IS(id, "N1") && in_party) {
        int payer = r->loop == L_1000A;
        if (again(&r->seen_hdr, payer ? O_PAYER_N1 : O_PAYEE_N1))
            return SECOND;
        READS(r, 1, 4);
        r->party = payer ? &p->payer : &p->payee;
        r->party->entity = el(r, a, s, 1);
        r->party->name = el(r, a, s, 2);
        r->party->id_qualifier = el(r, a, s, 3);
        r->party->id = el(r, a, s, 4);
    } else if (IS(id, "N3") && r->party) {
        if (again(&r->seen_hdr, r->party == &p->payer ? O_PAYER_N3 : O_PAYEE_N3))
            return SECOND;
        READS(r, 1, 2);
        r->party->address1 = el(r, a, s, 1);
        r->party->address2 = el(r, a, s, 2);
    } else if (IS(id, "N4") && r->party) {
        if (again(&r->seen_hdr, r->party == &p->payer ? O_PAYER_N4 : O_PAYEE_N4))
            return SECOND;
        READS(r, 1, 4);
        r->party->city = el(r, a, s, 1);
        r->party->state = el(r, a, s, 2);
        r->party->postal_code = el(r, a, s, 3);
        r->party->country = el(r, a, s, 4);
    } else if (IS(id, "REF")) {
        READS(r, 1, 2);
        vec *v = !in_party ? &r->pay_refs : r->party == &p->payer ? &r->payer_refs : &r->payee_refs;
        read_pair(r, a, v, s, 1, 2);
    } else if (IS(id, "PER") && in_party) {
        READS(r, 1, 8);
        read_contact(r, a, r->party == &p->payer ? &r->payer_contacts : &r->payee_contacts, s);
    } else if (IS(id, "DTM")) {
        READS(r, 1, 2);
        read_pair(r, a, &r->pay_dates, s, 1, 2);
    } else {
        return 0; /* RDM, and what the walker placed nowhere */
    }
    return 1;
}

static int read_claim_segment(x12_remit_reader *r, const x12_segment *s)
{
    x12_remit_claim *c = &r->c;
    x12_arena *a = r->arena;
    x12_slice id = s->id;
    if (IS(id, "CAS")) {
        READS(r, 1, 19);
        read_cas(r, s, &r->adjs);
    } else if (IS(id, "NM1")) {
        x12_slice q = elem(s, 1);
        unsigned bit = 0;
        x12_remit_party *p = IS(q, "QC")   ? (bit = O_QC, &c->patient)
                             : IS(q, "IL") ? (bit = O_IL, &c->insured)
                             : IS(q, "74") ? (bit = O_74, &c->corrected_patient)
                             : IS(q, "82") ? (bit = O_82, &c->service_provider)
                             : IS(q, "TT") ? (bit = O_TT, &c->crossover_carrier)
                             : IS(q, "PR") ? (bit = O_PR, &c->priority_payer)
                             : IS(q, "GB") ? (bit = O_GB, &c->other_subscriber)
                                           : NULL;
        if (!p)
            return 0;
        if (again(&r->seen_claim, bit))
            return SECOND;
        READS(r, 1, 9);
        r->used &= ~((uint64_t)1 << 6); /* NM106 (not used in 5010) */
        read_nm1(r, p, s);
    } else if (IS(id, "MIA")) {
        if (again(&r->seen_claim, O_MIA))
            return SECOND;
        READS(r, 1, 24);
        c->has_inpatient = 1;
        for (unsigned i = 1; i <= 24; i++)
            c->inpatient_elements[i] = el(r, a, s, i);
        /* 005010X221A1 2100 MIA05, MIA20-24: claim payment remark codes */
        add_remark(r, s, 5);
        for (unsigned i = 20; i <= 24; i++)
            add_remark(r, s, i);
    } else if (IS(id, "MOA")) {
        if (again(&r->seen_claim, O_MOA))
            return SECOND;
        READS(r, 1, 9);
        c->has_outpatient = 1;
        for (unsigned i = 1; i <= 9; i++)
            c->outpatient_elements[i] = el(r, a, s, i);
        for (unsigned i = 3; i <= 7; i++)
            add_remark(r, s, i);
    } else if (IS(id, "REF")) {
        if (IS(elem(s, 1), "F8") && again(&r->seen_claim, O_F8))
            return SECOND;
        READS(r, 1, 2);
        if (IS(elem(s, 1), "F8"))
            c->original_reference = el(r, a, s, 2);
        else
            read_pair(r, a, &r->refs, s, 1, 2);
    } else if (IS(id, "DTM")) {
        x12_slice q = elem(s, 1);
        if ((IS(q, "232") && again(&r->seen_claim, O_232)) ||
            (IS(q, "233") && again(&r->seen_claim, O_233)) ||
            (IS(q, "050") && again(&r->seen_claim, O_050)))
            return SECOND;
        READS(r, 1, 2);
        if (IS(q, "232"))
            c->statement_from = el(r, a, s, 2);
        else if (IS(q, "233"))
            c->statement_to = el(r, a, s, 2);
        else if (IS(q, "050"))
            c->received_date = el(r, a, s, 2);
        else
            read_pair(r, a, &r->dates, s, 1, 2);
    } else if (IS(id, "PER")) {
        READS(r, 1, 8);
        read_contact(r, a, &r->contacts, s);
    } else if (IS(id, "AMT")) {
        READS(r, 1, 2);
        read_amount(r, &r->amounts, s);
    } else if (IS(id, "QTY")) {
        READS(r, 1, 2);
        read_pair(r, a, &r->qtys, s, 1, 2);
    } else {
        return 0;
    }
    return 1;
}

static int read_line_segment(x12_remit_reader *r, const x12_segment *s)
{
    if (!r->lines.n)
        return 0;
    x12_remit_line *l = &((x12_remit_line *)r->lines.p)[r->lines.n - 1];
    x12_arena *a = r->arena;
    x12_slice id = s->id;
    if (IS(id, "DTM")) {
        x12_slice q = elem(s, 1);
        if ((IS(q, "472") && again(&r->seen_line, O_472)) ||
            (IS(q, "150") && again(&r->seen_line, O_150)) ||
            (IS(q, "151") && again(&r->seen_line, O_151)))
            return SECOND;
        READS(r, 1, 2);
        if (IS(q, "472"))
            l->service_date = el(r, a, s, 2);
        else if (IS(q, "150"))
            l->service_start = el(r, a, s, 2);
        else if (IS(q, "151"))
            l->service_end = el(r, a, s, 2);
        else
            return 0; /* the guide has only these three */
    } else if (IS(id, "CAS")) {
        READS(r, 1, 19);
        read_cas(r, s, &r->line_adjs);
    } else if (IS(id, "REF")) {
        if (IS(elem(s, 1), "6R") && again(&r->seen_line, O_6R))
            return SECOND;
        READS(r, 1, 2);
        if (IS(elem(s, 1), "6R"))
            l->line_control_number = el(r, a, s, 2);
        else
            read_pair(r, a, &r->line_refs, s, 1, 2);
    } else if (IS(id, "AMT")) {
        if (IS(elem(s, 1), "B6") && again(&r->seen_line, O_B6))
            return SECOND;
        READS(r, 1, 2);
        if (IS(elem(s, 1), "B6")) {
            l->has_allowed = 1;
            l->allowed_cents = must_cents(r, s, 2);
        } else {
            read_amount(r, &r->line_amounts, s);
        }
    } else if (IS(id, "LQ")) {
        READS(r, 1, 2);
        read_pair(r, a, &r->line_remarks, s, 1, 2);
    } else if (IS(id, "QTY")) {
        READS(r, 1, 2);
        read_pair(r, a, &r->line_qtys, s, 1, 2);
    } else {
        return 0;
    }
    return 1;
}

static int read_plb(x12_remit_reader *r, const x12_segment *s)
{
    /* PLB01 provider, PLB02 fiscal period, then up to six pairs of an
     * adjustment identifier (reason:reference) and an amount */
    x12_arena *a = r->arena;
    int stop = 0;
    if (r->pay_bad || r->cut) {
        /* its payment could not be read (said at BPR02): neither is this;
         * nor a PLB the input ends inside, whose last amount may be cut */
        if (r->cb.finding)
            seg_finding(r, s, X12_ERR_CLAIM_REJECTED, X12_SEV_ERROR, 0, 0,
                        r->pay_bad ? "PLB not read: BPR02 cannot be read"
                                   : "PLB not read: the input ends inside it");
        return 0;
    }
    READS(r, 1, 14);
    for (unsigned k = 3; k + 1 <= 14 && !stop; k += 2) {
        if (pair_at(r, s, k) <= 0)
            continue; /* none, or said by pair_at(): not handed on */
        x12_remit_plb e;
        e.provider_id = el(r, a, s, 1);
        e.fiscal_date = el(r, a, s, 2);
        e.reason = comp(r, a, s, k, 1);
        e.reference = comp(r, a, s, k, 2);
        if (x12_element_component(s, elem(s, k), 3).ptr) /* (a third component) */
            report_components(r, s, k, 2);
        if (cents_at(r, s, k + 1, &e.cents) != 0)
            continue; /* said by cents_at(): the entry is not handed on */
        r->totals.plb_cents += e.cents;
        r->totals.plb_entries++;
        if (!r->nomem && r->cb.plb)
            stop = r->cb.plb(r->ctx, &r->pay, &e);
    }
    arena_reset(r, a);
    return stop;
}

static int segment_event(x12_remit_reader *r, const x12_walk_event *ev)
{
    const x12_segment *s = ev->seg;
    int stop = 0, carried = 1;
    if (IS(s->id, "ST")) {
        r->in_set = IS(elem(s, 1), "835");
        r->other_set = !r->in_set;
        if (!r->in_set) {
            other_set(r, s);
        } else if (!ev->spec) {
            unknown_guide(r, s);
            r->in_set = 0;
        }
        if (r->in_set) {
            r->st_off = s->byte_offset;
            r->st_index = s->segment_index;
            arena_reset(r, r->hdr);
            payment_init(r);
            r->sets++;
            r->interchange = s->interchange;
        }
        return 0;
    }
    if (!r->in_set)
        return 0;
    if (r->in_claim && r->claim_big && !IS(s->id, "CLP") && !IS(s->id, "PLB") && !IS(s->id, "SE") &&
        (r->loop == L_2100 || r->loop == L_2110))
        return 0; /* the rest of a claim payment too large to keep */
    if (ev->over) {
        /* a second of what the guide allows one of (a second BPR, a second
         * 1000A): the model holds the first, which it must not replace */
        if (r->cb.finding)
            seg_finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_WARNING, 0, 0,
                        X12__SECOND_OF_KIND);
        return 0;
    }
    if (IS(s->id, "CLP")) {
        stop = send_claim(r) || send_payment(r);
        READS(r, 1, 14);
        read_clp(r, s);
    } else if (IS(s->id, "SVC") && r->in_claim) {
        READS(r, 1, 7);
        read_svc(r, s);
    } else if (r->loop == L_2110 && r->in_claim) {
        carried = read_line_segment(r, s);
    } else if (r->loop == L_2100 && r->in_claim) {
        carried = read_claim_segment(r, s);
    } else if (IS(s->id, "PLB")) {
        lx_left(r);
        stop = send_claim(r) || send_payment(r) || read_plb(r, s);
    } else if (IS(s->id, "SE")) {
        lx_left(r);
        stop = send_claim(r) || send_payment(r);
        if (!stop && r->cb.set_end)
            stop = r->cb.set_end(r->ctx, &r->pay, &r->totals);
        r->in_set = 0;
    } else if (r->loop == L_2000 && IS(s->id, "LX")) {
        read_lx(r, s);
    } else if (r->loop == L_2000) {
        carried = 0; /* TS3/TS2 provider summaries */
    } else if (!r->in_claim && !r->hdr_big) {
        carried = read_header(r, s);
    }
    /* what the model has no place for is said (info), never dropped unsaid:
     * a segment, or an element of one read */
    if (!carried && r->cb.finding)
        seg_finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 0, 0, NULL);
    else if (carried == SECOND && r->cb.finding)
        seg_finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_WARNING, 0, 0,
                    X12__SECOND_OF_KIND);
    else if (carried)
        check_used(r, s);
    if (!r->hdr_big && x12_arena_used(r->hdr) > r->max_claim_bytes) {
        /* a header too large to keep: the payment and its claims are not read */
        r->hdr_big = r->pay_bad = 1;
        if (r->cb.finding)
            seg_finding(r, s, X12_ERR_CLAIM_COUNT, X12_SEV_ERROR, 0, 0,
                        "the payment's header data is too large to keep: not read");
    }
    if (r->in_claim && !r->claim_big && x12_arena_used(r->arena) > r->max_claim_bytes) {
        /* memory stays bounded: the claim payment is not read (never half of it) */
        r->claim_big = 1;
        if (r->cb.finding) {
            char detail[96], lim[24];
            x12__size_text(r->max_claim_bytes, lim, sizeof lim);
            snprintf(detail, sizeof detail, "claim payment %.30s takes more than %s: not read",
                     r->c.claim_id, lim);
            seg_finding(r, s, X12_ERR_CLAIM_COUNT, X12_SEV_ERROR, 0, 0, detail);
        }
    }
    if (stop)
        r->stopped = 1;
    return stop || r->nomem;
}

void x12_remit_reader_set_max_claim_bytes(x12_remit_reader *r, size_t bytes)
{
    r->max_claim_bytes = bytes ? bytes : X12_REMIT_DEFAULT_MAX_CLAIM_BYTES;
}

/* The walker left an 835 set that its SE did not close: the input ended
 * inside it (X12_WALK_CUT_INPUT), or an ST, GS, GE, ISA or IEA came first
 * (X12_WALK_CUT_ENVELOPE).
 * Its last claim payment may lack service lines, adjustments or, at the
 * input's end, the end of an amount (the CLP, PLB or SE that would have
 * closed it never came), so it is not handed on: never a partial claim
 * payment as if whole.  Those before it were closed by the next CLP and went
 * out as read.  (Before, at the input's end CAS*CO*45*2 cut from CAS*CO*45*25
 * became an adjustment of 2.00; and a set without SE kept its last claim
 * open into the next set, whose header was then never read: every claim of
 * that set went out without payer, trace number or payment.)  No set_end:
 * there was no SE.  Returns non-zero to stop. */
static int set_unended(x12_remit_reader *r, int why)
{
    r->claim_cut = r->in_claim ? why : 0; /* (another reason, said first, may stand) */
    lx_left(r);
    if (why != X12_WALK_CUT_ENVELOPE && !r->payment_sent && !r->pay_bad) {
        /* no claim payment came: the header itself may be cut (BPR02 "63" of
         * "632.50"), so neither is it handed on.  (A set ended by another ST
         * has whole segments: its payment goes out, and the balancing says
         * what its claims do not add up to.) */
        r->payment_sent = 1;
        if (r->cb.finding)
            finding_at(r, r->st_off, r->st_index, 1, "ST", 2, "", X12_ERR_CLAIM_REJECTED,
                       X12_SEV_ERROR, 0, 0, "payment not read: the input ends inside its header");
    }
    int stop = send_claim(r) || send_payment(r);
    r->in_set = 0;
    return stop;
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    x12_remit_reader *r = ctx;
    if (ev->kind == X12_WALK_LEAVE && ev->depth == 0 && r->in_set) {
        int stop = set_unended(r, ev->cut ? ev->cut : X12_WALK_CUT_INPUT);
        if (stop)
            r->stopped = 1;
        return stop || r->nomem;
    }
    if (ev->kind != X12_WALK_SEGMENT)
        return 0;
    r->ev = ev; /* the walker's, valid during this call only */
    r->seg_utf8 = x12__segment_utf8(ev->seg);
    r->loop = classify_loop(ev->loop_id ? ev->loop_id : "");
    r->seg = ev->seg;
    r->seg_copy = NULL;
    r->used = 0;
    int stop = segment_event(r, ev);
    r->ev = NULL;
    r->seg = NULL;
    r->seg_copy = NULL;
    return stop;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    x12_remit_reader *r = ctx;
    if (r->other_set && f->snip >= 2 && f->err.set_position != 1)
        return;
    if (r->cb.finding)
        r->cb.finding(r->ctx, f);
}

X12_API x12_remit_reader *x12_remit_reader_new(const x12_remit_callbacks *cb, void *ctx,
                                               unsigned walk_flags, const x12_allocator *alloc)
{
    x12_remit_reader *r = alloc ? alloc->malloc(alloc->ctx, sizeof *r) : malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    if (alloc) {
        r->alloc = *alloc;
        r->has_alloc = 1;
    }
    if (cb)
        r->cb = *cb;
    r->ctx = ctx;
    r->max_claim_bytes = X12_REMIT_DEFAULT_MAX_CLAIM_BYTES;
    r->hdr = x12_arena_new(alloc);
    r->arena = x12_arena_new(alloc);
    x12_walker_callbacks wc = {on_event, on_finding};
    /* balancing always; a 005010X221 835 (before the A1 addendum: the same
     * loops and segments) read with the A1 guide, and a warning says so */
    unsigned flags = walk_flags | X12_WALK_BALANCE | X12_WALK_NEAREST_GUIDE;
    r->w = r->hdr && r->arena ? x12_walker_new_alloc(&wc, r, flags, alloc) : NULL;
    if (!r->w) {
        x12_arena_free(r->hdr);
        x12_arena_free(r->arena);
        if (alloc)
            alloc->free(alloc->ctx, r);
        else
            free(r);
        return NULL;
    }
    payment_init(r);
    claim_init(r);
    return r;
}

static x12_status status_of(x12_remit_reader *r, x12_status s)
{
    if (r->nomem)
        return X12_ERR_NOMEM;
    if (r->stopped)
        return X12_ERR_STOPPED;
    return s;
}

X12_API x12_status x12_remit_reader_segment(x12_remit_reader *r, const x12_segment *seg)
{
    if (r->nomem || r->stopped)
        return status_of(r, X12_OK);
    x12_status s = x12_walker_segment(r->w, seg);
    r->cut = 0; /* only the one segment after X12_ERR_UNTERMINATED is cut */
    if (s == X12_ERR_NOMEM)
        r->nomem = 1;
    return status_of(r, s);
}

X12_API x12_status x12_remit_reader_use_spec(x12_remit_reader *r, const x12_spec *spec)
{
    return x12_walker_use_spec(r->w, spec);
}

X12_API void x12_remit_reader_error(x12_remit_reader *r, const x12_error *err)
{
    if (err->code == X12_ERR_UNTERMINATED)
        r->cut = 1; /* the segment that comes next is all there is of it */
    x12_walker_reader_error(r->w, err);
}

X12_API x12_status x12_remit_reader_finish(x12_remit_reader *r)
{
    if (r->nomem || r->stopped)
        return status_of(r, X12_OK);
    x12_status s = x12_walker_finish(r->w);
    if (s == X12_ERR_NOMEM)
        r->nomem = 1;
    if (r->in_set && !r->stopped && !r->nomem && set_unended(r, X12_WALK_CUT_INPUT))
        r->stopped = 1; /* (the walker has left the set already, unless it stopped) */
    return status_of(r, s);
}

X12_API void x12_remit_reader_free(x12_remit_reader *r)
{
    if (!r)
        return;
    x12_walker_free(r->w);
    x12_arena_free(r->hdr);
    x12_arena_free(r->arena);
    if (r->has_alloc)
        r->alloc.free(r->alloc.ctx, r);
    else
        free(r);
}

/* --- whole files ------------------------------------------------------------ */

typedef struct file_ctx {
    x12_remit_reader *r;
} file_ctx;

static int file_segment(void *ctx, const x12_segment *seg)
{
    file_ctx *f = ctx;
    return x12_remit_reader_segment(f->r, seg) != X12_OK;
}

static void file_error(void *ctx, const x12_error *e)
{
    file_ctx *f = ctx;
    x12_remit_reader_error(f->r, e);
}

X12_API x12_status x12_remit_read_file(const char *path, const x12_reader_options *opts,
                                       const x12_remit_callbacks *cb, void *ctx,
                                       unsigned walk_flags, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    x12_reader_options lenient;
    if (!opts) {
        x12_reader_options_init(&lenient);
        lenient.flags = X12_READ_LENIENT;
        opts = &lenient;
    }
    file_ctx f;
    f.r = x12_remit_reader_new(cb, ctx, walk_flags, opts->alloc);
    if (!f.r)
        return X12_ERR_NOMEM;
    x12_reader_callbacks rc = {file_segment, file_error};
    x12_status s = x12_read_file(path, opts, &rc, &f);
    x12_status fs = x12_remit_reader_finish(f.r);
    if (f.r->nomem)
        s = X12_ERR_NOMEM;
    else if (f.r->stopped)
        s = X12_ERR_STOPPED;
    else if (s == X12_OK)
        s = fs;
    if (s != X12_OK && s != X12_ERR_STOPPED && err && err->code == X12_OK) {
        err->code = s;
        err->msg = x12_status_message(s);
    }
    x12_remit_reader_free(f.r);
    return s;
}
