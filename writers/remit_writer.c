/* 835 writer: remittance structs (include/x12/remit.h) -> 005010X221A1
 * transaction sets, onto an x12_writer whose interchange and group the
 * caller opens.  One claim payment at a time: nothing is kept between calls
 * but the header number, the running totals and the PLB segment being
 * filled.  Everything a claim payment holds is checked before its first
 * segment is written, so a claim payment is written whole or not at all. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/arena.h>
#include <x12/remit.h>
#include <x12/writer.h>

#include "internal.h"

#define PLB_PAIRS 6 /* 005010X221A1 PLB03-PLB14: six adjustment pairs a segment */

struct x12_remit_writer {
    x12_writer *w;
    x12_allocator alloc;
    int has_alloc;
    unsigned flags;
    x12_amount_style style;
    x12_writer_options text; /* what the writer takes, for the checks */
    unsigned char plain[256]; /* 1: a byte the writer takes as it is (the quick check) */
    int dry;                  /* segments are measured, not written */
    char dry_what[48];        /* "claim C1", "payment": for a measure's error */
    int in_set;
    char lx[32];             /* the header number of the 2000 loop open, "" none */
    unsigned lx_auto;        /* header numbers given by the writer so far */
    int64_t bpr02, sum_paid, sum_plb;
    /* the PLB being filled: its provider, fiscal date and pairs (in plb_arena) */
    x12_arena *plb_arena;
    const char *plb_provider, *plb_date;
    size_t plb_len; /* its length so far, measured as end() measures a segment */
    x12_remit_plb plb[PLB_PAIRS];
    unsigned nplb;
    x12_error err;
};

/* --- errors ----------------------------------------------------------------- */

static x12_status fail(x12_remit_writer *rw, x12_status code, const char *seg, const char *fmt, ...)
{
    memset(&rw->err, 0, sizeof rw->err);
    rw->err.code = code;
    rw->err.msg = x12_status_message(code);
    snprintf(rw->err.segment_id, sizeof rw->err.segment_id, "%s", seg ? seg : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rw->err.detail, sizeof rw->err.detail, fmt, ap);
    va_end(ap);
    return code;
}

/* The segment writer failed: its error (segment, element, component) is
 * this writer's. */
static x12_status writer_failed(x12_remit_writer *rw, x12_status code)
{
    const x12_error *e = x12_writer_error(rw->w);
    rw->err = *e;
    rw->err.code = code;
    return code;
}

static int has(const char *s)
{
    return s && *s;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* --- segments --------------------------------------------------------------- */

/* One segment being written; or, in a dry run (rw->dry), measured: its
 * length is summed as if every element were written (an upper bound: the
 * writer drops trailing empty ones), and one longer than the segment
 * writer takes refuses the claim payment or payment before anything of it
 * is written. */
typedef struct segw {
    x12_remit_writer *rw;
    x12_status st;
    size_t len;
    const char *id;
} segw;

static void begin(segw *g, x12_remit_writer *rw, const char *id)
{
    g->rw = rw;
    g->id = id;
    g->len = strlen(id);
    g->st = rw->dry ? X12_OK : x12_writer_segment_begin(rw->w, id);
}

static void elem(segw *g, const char *s)
{
    s = nz(s);
    size_t n = strlen(s);
    g->len += 1 + n;
    if (g->st == X12_OK && !g->rw->dry)
        g->st = x12_writer_element(g->rw->w, s, n);
}

static void comp(segw *g, const char *s)
{
    s = nz(s);
    size_t n = strlen(s);
    g->len += 1 + n;
    if (g->st == X12_OK && !g->rw->dry)
        g->st = x12_writer_component(g->rw->w, s, n);
}

static void money(segw *g, int64_t cents)
{
    char buf[32];
    x12_amount_format(cents, g->rw->style, buf, sizeof buf);
    elem(g, buf);
}

static x12_status end(segw *g)
{
    x12_remit_writer *rw = g->rw;
    if (rw->dry) {
        if (g->len <= rw->text.max_segment_length)
            return X12_OK;
        return fail(rw, X12_ERR_LIMIT, g->id, "%s: a %s segment of %zu bytes, more than %zu",
                    rw->dry_what, g->id, g->len, rw->text.max_segment_length);
    }
    if (g->st == X12_OK)
        g->st = x12_writer_segment_end(rw->w);
    return g->st == X12_OK ? X12_OK : writer_failed(rw, g->st);
}

/* A segment of an id and simple elements, NULL-ended. */
static x12_status simple(x12_remit_writer *rw, const char *id, ...)
{
    segw g;
    begin(&g, rw, id);
    va_list ap;
    va_start(ap, id);
    for (const char *s; (s = va_arg(ap, const char *));)
        elem(&g, s);
    va_end(ap);
    return end(&g);
}

static x12_status pairs(x12_remit_writer *rw, const char *id, const x12_remit_ref *v, size_t n)
{
    x12_status st = X12_OK;
    for (size_t i = 0; i < n && st == X12_OK; i++)
        st = simple(rw, id, v[i].qualifier, v[i].value, NULL);
    return st;
}

static x12_status amounts(x12_remit_writer *rw, const x12_remit_amount *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        segw g;
        begin(&g, rw, "AMT");
        elem(&g, v[i].qualifier);
        money(&g, v[i].cents);
        x12_status st = end(&g);
        if (st != X12_OK)
            return st;
    }
    return X12_OK;
}

/* PER: function, name, then up to three number qualifiers and numbers. */
static x12_status contacts(x12_remit_writer *rw, const x12_remit_contact *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        segw g;
        begin(&g, rw, "PER");
        elem(&g, v[i].qualifier);
        elem(&g, v[i].name);
        for (int k = 0; k < 3; k++) {
            /* (`value` is numbers[0] as the reader fills it; a caller may
             * have set only `value`) */
            const char *num = k == 0 && !has(v[i].numbers[0]) ? v[i].value : v[i].numbers[k];
            elem(&g, v[i].number_qualifiers[k]);
            elem(&g, num);
        }
        x12_status st = end(&g);
        if (st != X12_OK)
            return st;
    }
    return X12_OK;
}

/* CAS: the adjustments of one group in segments of up to six triplets,
 * groups in the order they first come. */
static x12_status cas(x12_remit_writer *rw, const x12_remit_adjustment *v, size_t n)
{
    for (size_t i = 0; i < n;) {
        segw g;
        begin(&g, rw, "CAS");
        elem(&g, v[i].group);
        size_t j = i, k = 0;
        for (; j < n && k < 6; j++) {
            if (strcmp(v[j].group, v[i].group))
                break;
            elem(&g, v[j].reason);
            money(&g, v[j].cents);
            elem(&g, v[j].quantity);
            k++;
        }
        x12_status st = end(&g);
        if (st != X12_OK)
            return st;
        i = j;
    }
    return X12_OK;
}

static int party_present(const x12_remit_party *p)
{
    return has(p->name) || has(p->first_name) || has(p->id) || has(p->entity_type) ||
           has(p->middle_name) || has(p->suffix) || has(p->id_qualifier);
}

/* 2100 NM1: the entity code is the slot's (QC, IL, ...). */
static x12_status nm1(x12_remit_writer *rw, const char *entity, const x12_remit_party *p)
{
    if (!party_present(p))
        return X12_OK;
    segw g;
    begin(&g, rw, "NM1");
    elem(&g, entity);
    elem(&g, p->entity_type);
    elem(&g, p->name);
    elem(&g, p->first_name);
    elem(&g, p->middle_name);
    elem(&g, "");
    elem(&g, p->suffix);
    elem(&g, p->id_qualifier);
    elem(&g, p->id);
    return end(&g);
}

/* 1000A/1000B: N1, N3, N4, REF, PER. */
static x12_status n1_loop(x12_remit_writer *rw, const char *entity, const x12_remit_party *p)
{
    x12_status st = simple(rw, "N1", entity, p->name, p->id_qualifier, p->id, NULL);
    if (st == X12_OK && (has(p->address1) || has(p->address2)))
        st = simple(rw, "N3", p->address1, p->address2, NULL);
    if (st == X12_OK && (has(p->city) || has(p->state) || has(p->postal_code) || has(p->country)))
        st = simple(rw, "N4", p->city, p->state, p->postal_code, p->country, NULL);
    if (st == X12_OK)
        st = pairs(rw, "REF", p->refs, p->ref_count);
    if (st == X12_OK)
        st = contacts(rw, p->contacts, p->contact_count);
    return st;
}

/* --- checks before writing -------------------------------------------------- */

typedef struct check {
    x12_remit_writer *rw;
    const char *what; /* "claim" (then `id`), "payment" or "plb" */
    const char *id;
    x12_status st;
    long line;         /* the line being checked (its fields are "lines[i]. ..."), -1 none */
    const char *party; /* the party being checked ("payer. ..."), NULL none */
} check;

/* "claim 123", "payment": made when a check fails (not for every claim) */
static const char *what(const check *k, char *buf, size_t cap)
{
    if (!k->id)
        return k->what;
    snprintf(buf, cap, "%s %.30s", k->what, k->id);
    return buf;
}

/* Text the writer cannot take (a delimiter, a control character, a byte
 * outside the character set), by field.  Bytes the table says are plain
 * need no more; any other byte (one above 0x7E may be converted) asks
 * x12__text_ok(), which decides. */
static void text(check *k, const char *s, const char *fmt, ...)
{
    if (k->st != X12_OK || !s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (k->rw->plain[*p])
        p++;
    if (!*p || x12__text_ok(&k->rw->text, s))
        return;
    char path[64], pre[40] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    if (k->line >= 0)
        snprintf(pre, sizeof pre, "lines[%ld].", k->line);
    if (k->party)
        snprintf(pre + strlen(pre), sizeof pre - strlen(pre), "%s.", k->party);
    char w[48];
    k->st = fail(k->rw, X12_ERR_CLAIM_TEXT, "", "%s: %s%s", what(k, w, sizeof w), pre, path);
}

static void required(check *k, const char *s, const char *seg, const char *field)
{
    char w[48];
    if (k->st == X12_OK && !has(s) && !(k->rw->flags & X12_REMIT_WRITE_AS_GIVEN))
        k->st = fail(k->rw, X12_ERR_CLAIM_REQUIRED, seg, "%s: %s is required", what(k, w, sizeof w),
                     field);
}

static void text_refs(check *k, const x12_remit_ref *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        text(k, v[i].qualifier, "%s[%zu].qualifier", name, i);
        text(k, v[i].value, "%s[%zu].value", name, i);
    }
}

static void text_contacts(check *k, const x12_remit_contact *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        text(k, v[i].qualifier, "%s[%zu].qualifier", name, i);
        text(k, v[i].name, "%s[%zu].name", name, i);
        text(k, v[i].value, "%s[%zu].value", name, i);
        for (int j = 0; j < 3; j++) {
            text(k, v[i].number_qualifiers[j], "%s[%zu].number_qualifiers[%d]", name, i, j);
            text(k, v[i].numbers[j], "%s[%zu].numbers[%d]", name, i, j);
        }
    }
}

static void text_adjs(check *k, const x12_remit_adjustment *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        text(k, v[i].group, "%s[%zu].group", name, i);
        text(k, v[i].reason, "%s[%zu].reason", name, i);
        text(k, v[i].quantity, "%s[%zu].quantity", name, i);
        if (k->st == X12_OK && (!has(v[i].group) || !has(v[i].reason)) &&
            !(k->rw->flags & X12_REMIT_WRITE_AS_GIVEN)) {
            char w[48], pre[32] = "";
            if (k->line >= 0)
                snprintf(pre, sizeof pre, "lines[%ld].", k->line);
            k->st = fail(k->rw, X12_ERR_CLAIM_REQUIRED, "CAS", "%s: %s%s[%zu] needs a group and a reason",
                         what(k, w, sizeof w), pre, name, i);
        }
    }
}

static void text_amounts(check *k, const x12_remit_amount *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        text(k, v[i].qualifier, "%s[%zu].qualifier", name, i);
}

static void text_party(check *k, const x12_remit_party *p, const char *name)
{
    k->party = name;
#define P(f) text(k, p->f, #f)
    P(entity);
    P(entity_type);
    P(name);
    P(first_name);
    P(middle_name);
    P(suffix);
    P(id_qualifier);
    P(id);
    P(address1);
    P(address2);
    P(city);
    P(state);
    P(postal_code);
    P(country);
#undef P
    text_refs(k, p->refs, p->ref_count, "refs");
    text_contacts(k, p->contacts, p->contact_count, "contacts");
    k->party = NULL;
}

static int64_t adj_sum(const x12_remit_adjustment *v, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i].cents;
    return s;
}

static void text_line(check *k, const x12_remit_line *l, size_t i)
{
    k->line = (long)i;
#define L(f) text(k, l->f, #f)
    L(procedure_qualifier);
    L(procedure);
    L(description);
    L(revenue_code);
    L(units);
    L(original_qualifier);
    L(original_procedure);
    L(original_units);
    L(service_date);
    L(service_start);
    L(service_end);
    L(line_control_number);
#undef L
    for (int m = 0; m < 4; m++) {
        text(k, l->modifiers[m], "modifiers[%d]", m);
        text(k, l->original_modifiers[m], "original_modifiers[%d]", m);
    }
    text_adjs(k, l->adjustments, l->adjustment_count, "adjustments");
    text_refs(k, l->refs, l->ref_count, "refs");
    text_amounts(k, l->amounts, l->amount_count, "amounts");
    text_refs(k, l->remarks, l->remark_count, "remarks");
    text_refs(k, l->quantities, l->quantity_count, "quantities");
    k->line = -1;
    /* 005010X221A1 2110 SVC01: the procedure's qualifier and code are required */
    if (!has(l->procedure_qualifier) || !has(l->procedure)) {
        char name[48];
        snprintf(name, sizeof name, "lines[%zu].procedure", i);
        required(k, "", "SVC", name);
    }
}

/* Everything a claim payment holds that could stop it half-written, and
 * its balancing. */
static x12_status check_claim(x12_remit_writer *rw, const x12_remit_claim *c)
{
    check k = {rw, "claim", nz(c->claim_id), X12_OK, -1, NULL};
    /* 005010X221A1 2100 CLP01 and CLP02 are required */
    required(&k, c->claim_id, "CLP", "claim_id (CLP01)");
    required(&k, c->status_code, "CLP", "status_code (CLP02)");
#define C(f) text(&k, c->f, #f)
    C(claim_id);
    C(status_code);
    C(filing_indicator);
    C(payer_claim_number);
    C(facility_code);
    C(frequency_code);
    C(patient_status);
    C(drg_code);
    C(drg_weight);
    C(discharge_fraction);
    C(yes_no);
    C(original_reference);
    C(statement_from);
    C(statement_to);
    C(received_date);
    C(header_number);
#undef C
    text_adjs(&k, c->adjustments, c->adjustment_count, "adjustments");
    text_party(&k, &c->patient, "patient");
    text_party(&k, &c->insured, "insured");
    text_party(&k, &c->corrected_patient, "corrected_patient");
    text_party(&k, &c->service_provider, "service_provider");
    text_party(&k, &c->crossover_carrier, "crossover_carrier");
    text_party(&k, &c->priority_payer, "priority_payer");
    text_party(&k, &c->other_subscriber, "other_subscriber");
    for (int i = 1; i <= 24; i++)
        text(&k, c->inpatient_elements[i], "inpatient_elements[%d]", i);
    for (int i = 1; i <= 9; i++)
        text(&k, c->outpatient_elements[i], "outpatient_elements[%d]", i);
    text_refs(&k, c->refs, c->ref_count, "refs");
    text_refs(&k, c->dates, c->date_count, "dates");
    text_contacts(&k, c->contacts, c->contact_count, "contacts");
    text_amounts(&k, c->amounts, c->amount_count, "amounts");
    text_refs(&k, c->quantities, c->quantity_count, "quantities");
    for (size_t i = 0; i < c->line_count; i++)
        text_line(&k, &c->lines[i], i);
    if (k.st != X12_OK || (rw->flags & X12_REMIT_WRITE_AS_GIVEN))
        return k.st;
    /* 005010X221A1 balancing: a line's SVC02 less its CAS is its SVC03; the
     * claim's CLP03 less every CAS, its own and its lines', is CLP04 */
    int64_t lines_adj = 0;
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_remit_line *l = &c->lines[i];
        int64_t a = adj_sum(l->adjustments, l->adjustment_count);
        lines_adj += a;
        if (l->charge_cents - a != l->paid_cents) {
            char x[32], y[32];
            x12_amount_format(l->charge_cents - a, X12_AMOUNT_DECIMAL2, x, sizeof x);
            x12_amount_format(l->paid_cents, X12_AMOUNT_DECIMAL2, y, sizeof y);
            char w[48];
            return fail(rw, X12_ERR_BALANCE, "SVC", "%s: lines[%zu] charge - CAS %s, paid %s",
                        what(&k, w, sizeof w), i, x, y);
        }
    }
    int64_t left = c->charge_cents - adj_sum(c->adjustments, c->adjustment_count) - lines_adj;
    if (left != c->paid_cents) {
        char x[32], y[32];
        x12_amount_format(left, X12_AMOUNT_DECIMAL2, x, sizeof x);
        x12_amount_format(c->paid_cents, X12_AMOUNT_DECIMAL2, y, sizeof y);
        char w[48];
        return fail(rw, X12_ERR_BALANCE, "CLP", "%s: charge - CAS %s, paid %s", what(&k, w, sizeof w),
                    x, y);
    }
    return X12_OK;
}

static x12_status check_payment(x12_remit_writer *rw, const x12_remit_payment *p)
{
    check k = {rw, "payment", NULL, X12_OK, -1, NULL};
    /* 005010X221A1 BPR01, BPR03, BPR04, BPR16, TRN01, TRN02, N102 of 1000A
     * and 1000B are required */
    required(&k, p->handling_code, "BPR", "handling_code (BPR01)");
    required(&k, p->credit_debit, "BPR", "credit_debit (BPR03)");
    required(&k, p->method, "BPR", "method (BPR04)");
    required(&k, p->payment_date, "BPR", "payment_date (BPR16)");
    required(&k, p->trace_type, "TRN", "trace_type (TRN01)");
    required(&k, p->trace_number, "TRN", "trace_number (TRN02)");
    required(&k, p->payer.name, "N1", "payer.name (1000A N102)");
    required(&k, p->payee.name, "N1", "payee.name (1000B N102)");
#define F(f) text(&k, p->f, #f)
    F(handling_code);
    F(credit_debit);
    F(method);
    F(format);
    F(sender_dfi_qualifier);
    F(sender_dfi_id);
    F(sender_account_qualifier);
    F(sender_account);
    F(originator_company_id);
    F(originator_supplemental);
    F(receiver_dfi_qualifier);
    F(receiver_dfi_id);
    F(receiver_account_qualifier);
    F(receiver_account);
    F(payment_date);
    F(trace_type);
    F(trace_number);
    F(payer_id);
    F(trace_originator);
    F(trace_supplemental);
    F(currency);
#undef F
    text_refs(&k, p->refs, p->ref_count, "refs");
    text_refs(&k, p->dates, p->date_count, "dates");
    text_party(&k, &p->payer, "payer");
    text_party(&k, &p->payee, "payee");
    return k.st;
}

/* --- the set ---------------------------------------------------------------- */

X12_API x12_remit_writer *x12_remit_writer_new(x12_writer *w, unsigned flags, const x12_allocator *alloc)
{
    if (!w)
        return NULL;
    x12_remit_writer *rw = alloc ? alloc->malloc(alloc->ctx, sizeof *rw) : malloc(sizeof *rw);
    if (!rw)
        return NULL;
    memset(rw, 0, sizeof *rw);
    if (alloc) {
        rw->alloc = *alloc;
        rw->has_alloc = 1;
    }
    rw->w = w;
    rw->flags = flags;
    rw->style = X12_AMOUNT_X12;
    rw->err.msg = x12_status_message(X12_OK);
    x12__writer_text_options(w, &rw->text);
    /* printable ASCII but the delimiters; NUL (the end) is not plain.  For
     * the basic character set, what x12__text_ok() takes of it. */
    for (unsigned ch = 0x20; ch < 0x7F; ch++) {
        char one[2] = {(char)ch, 0};
        rw->plain[ch] = (unsigned char)x12__text_ok(&rw->text, one);
    }
    rw->plb_arena = x12_arena_new(alloc);
    if (!rw->plb_arena) {
        x12_remit_writer_free(rw);
        return NULL;
    }
    return rw;
}

X12_API void x12_remit_writer_set_amount_style(x12_remit_writer *rw, x12_amount_style style)
{
    rw->style = style;
}

X12_API const x12_error *x12_remit_writer_error(const x12_remit_writer *rw)
{
    return &rw->err;
}

X12_API void x12_remit_writer_free(x12_remit_writer *rw)
{
    if (!rw)
        return;
    x12_arena_free(rw->plb_arena);
    if (rw->has_alloc)
        rw->alloc.free(rw->alloc.ctx, rw);
    else
        free(rw);
}

/* The header's segments after ST (measured in a dry run). */
static x12_status write_header(x12_remit_writer *rw, const x12_remit_payment *p)
{
    segw g;
    begin(&g, rw, "BPR");
    elem(&g, p->handling_code);
    money(&g, p->amount_cents);
    const char *rest[] = {p->credit_debit, p->method, p->format, p->sender_dfi_qualifier,
                          p->sender_dfi_id, p->sender_account_qualifier, p->sender_account,
                          p->originator_company_id, p->originator_supplemental,
                          p->receiver_dfi_qualifier, p->receiver_dfi_id,
                          p->receiver_account_qualifier, p->receiver_account, p->payment_date};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
        elem(&g, rest[i]);
    x12_status st = end(&g);
    /* TRN03 as sent; a payment made by hand that sets only payer_id has it
     * there (not as given: the reader derives payer_id from N104 or REF*2U
     * when TRN03 is missing, which must not come back as a TRN03) */
    const char *trn03 = p->trace_originator;
    if (!has(trn03) && !(rw->flags & X12_REMIT_WRITE_AS_GIVEN))
        trn03 = p->payer_id;
    if (st == X12_OK)
        st = simple(rw, "TRN", p->trace_type, p->trace_number, trn03, p->trace_supplemental, NULL);
    /* 005010X221A1 CUR01 is PR: the payer's currency */
    if (st == X12_OK && has(p->currency))
        st = simple(rw, "CUR", "PR", p->currency, NULL);
    if (st == X12_OK)
        st = pairs(rw, "REF", p->refs, p->ref_count);
    if (st == X12_OK)
        st = pairs(rw, "DTM", p->dates, p->date_count);
    if (st == X12_OK)
        st = n1_loop(rw, "PR", &p->payer);
    if (st == X12_OK)
        st = n1_loop(rw, "PE", &p->payee);
    return st;
}

X12_API x12_status x12_remit_writer_begin(x12_remit_writer *rw, const x12_remit_payment *p, const char *st02)
{
    if (rw->in_set)
        return fail(rw, X12_ERR_USAGE, "ST", "a set is open: end it first");
    x12_status st = check_payment(rw, p);
    if (st != X12_OK)
        return st;
    /* no segment longer than the writer takes: measured before ST */
    rw->dry = 1;
    snprintf(rw->dry_what, sizeof rw->dry_what, "payment");
    st = write_header(rw, p);
    rw->dry = 0;
    if (st != X12_OK)
        return st;
    /* 005010X221A1 ST03 is not used: the guide is GS08's */
    st = x12_writer_begin_set(rw->w, "835", st02, NULL);
    if (st != X12_OK)
        return writer_failed(rw, st);
    rw->in_set = 1; /* (from here only the output can fail: end() still closes the set) */
    rw->lx[0] = '\0';
    rw->lx_auto = 0;
    rw->bpr02 = p->amount_cents;
    rw->sum_paid = rw->sum_plb = 0;
    rw->nplb = 0;
    return write_header(rw, p);
}

static x12_status plb_flush(x12_remit_writer *rw)
{
    if (!rw->nplb)
        return X12_OK;
    segw g;
    begin(&g, rw, "PLB");
    elem(&g, rw->plb_provider);
    elem(&g, rw->plb_date);
    for (unsigned i = 0; i < rw->nplb; i++) {
        elem(&g, rw->plb[i].reason);
        comp(&g, rw->plb[i].reference);
        money(&g, rw->plb[i].cents);
    }
    rw->nplb = 0;
    x12_status st = end(&g);
    x12_arena_reset(rw->plb_arena);
    return st;
}

/* 2000 LX: a claim payment with a header number other than the open
 * loop's starts a new loop; one without goes into the open loop, or into a
 * new one the writer numbers (1, 2, ...) when none is open. */
static x12_status header_number(x12_remit_writer *rw, const char *h)
{
    char num[16];
    if (!has(h)) {
        if (rw->lx[0])
            return X12_OK;
        snprintf(num, sizeof num, "%u", ++rw->lx_auto);
        h = num;
    } else if (!strcmp(h, rw->lx)) {
        return X12_OK;
    }
    if (strlen(h) >= sizeof rw->lx)
        return fail(rw, X12_ERR_CLAIM_VALUE, "LX", "header_number longer than %zu characters",
                    sizeof rw->lx - 1);
    x12_status st = simple(rw, "LX", h, NULL);
    if (st == X12_OK)
        memcpy(rw->lx, h, strlen(h) + 1);
    return st;
}

/* 2110 REF: the service identification ones come before REF*6R, the
 * others (rendering provider, policy) after it. */
static int before_6r(const char *q)
{
    static const char *const ids[] = {"1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (!strcmp(q, ids[i]))
            return 1;
    return 0;
}

static x12_status line(x12_remit_writer *rw, const x12_remit_line *l)
{
    segw g;
    begin(&g, rw, "SVC");
    elem(&g, l->procedure_qualifier);
    comp(&g, l->procedure);
    for (int m = 0; m < 4; m++)
        comp(&g, l->modifiers[m]);
    comp(&g, l->description);
    money(&g, l->charge_cents);
    money(&g, l->paid_cents);
    elem(&g, l->revenue_code);
    elem(&g, l->units);
    if (has(l->original_qualifier) || has(l->original_procedure)) {
        elem(&g, l->original_qualifier);
        comp(&g, l->original_procedure);
        for (int m = 0; m < 4; m++)
            comp(&g, l->original_modifiers[m]);
    } else {
        elem(&g, "");
    }
    elem(&g, l->original_units);
    x12_status st = end(&g);
    if (st == X12_OK && has(l->service_date))
        st = simple(rw, "DTM", "472", l->service_date, NULL);
    if (st == X12_OK && has(l->service_start))
        st = simple(rw, "DTM", "150", l->service_start, NULL);
    if (st == X12_OK && has(l->service_end))
        st = simple(rw, "DTM", "151", l->service_end, NULL);
    if (st == X12_OK)
        st = cas(rw, l->adjustments, l->adjustment_count);
    for (size_t i = 0; i < l->ref_count && st == X12_OK; i++)
        if (before_6r(nz(l->refs[i].qualifier)))
            st = simple(rw, "REF", l->refs[i].qualifier, l->refs[i].value, NULL);
    if (st == X12_OK && has(l->line_control_number))
        st = simple(rw, "REF", "6R", l->line_control_number, NULL);
    for (size_t i = 0; i < l->ref_count && st == X12_OK; i++)
        if (!before_6r(nz(l->refs[i].qualifier)))
            st = simple(rw, "REF", l->refs[i].qualifier, l->refs[i].value, NULL);
    if (st == X12_OK && l->has_allowed) {
        x12_remit_amount b6 = {"B6", l->allowed_cents};
        st = amounts(rw, &b6, 1);
    }
    if (st == X12_OK)
        st = amounts(rw, l->amounts, l->amount_count);
    if (st == X12_OK)
        st = pairs(rw, "QTY", l->quantities, l->quantity_count);
    if (st == X12_OK)
        st = pairs(rw, "LQ", l->remarks, l->remark_count);
    return st;
}

/* A claim payment's segments from CLP on (measured in a dry run). */
static x12_status write_claim(x12_remit_writer *rw, const x12_remit_claim *c)
{
    x12_status st;
    segw g;
    begin(&g, rw, "CLP");
    elem(&g, c->claim_id);
    elem(&g, c->status_code);
    money(&g, c->charge_cents);
    money(&g, c->paid_cents);
    if (c->has_patient_responsibility)
        money(&g, c->patient_responsibility_cents);
    else
        elem(&g, "");
    const char *rest[] = {c->filing_indicator, c->payer_claim_number, c->facility_code,
                          c->frequency_code,   c->patient_status,     c->drg_code,
                          c->drg_weight,       c->discharge_fraction, c->yes_no};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
        elem(&g, rest[i]);
    st = end(&g);
    if (st == X12_OK)
        st = cas(rw, c->adjustments, c->adjustment_count);
    const struct {
        const char *entity;
        const x12_remit_party *p;
    } names[] = {{"QC", &c->patient},           {"IL", &c->insured},
                 {"74", &c->corrected_patient}, {"82", &c->service_provider},
                 {"TT", &c->crossover_carrier}, {"PR", &c->priority_payer},
                 {"GB", &c->other_subscriber}};
    for (size_t i = 0; i < sizeof names / sizeof *names && st == X12_OK; i++)
        st = nm1(rw, names[i].entity, names[i].p);
    if (st == X12_OK && c->has_inpatient) {
        begin(&g, rw, "MIA");
        for (int i = 1; i <= 24; i++)
            elem(&g, c->inpatient_elements[i]);
        st = end(&g);
    }
    if (st == X12_OK && c->has_outpatient) {
        begin(&g, rw, "MOA");
        for (int i = 1; i <= 9; i++)
            elem(&g, c->outpatient_elements[i]);
        st = end(&g);
    }
    if (st == X12_OK && has(c->original_reference))
        st = simple(rw, "REF", "F8", c->original_reference, NULL);
    if (st == X12_OK)
        st = pairs(rw, "REF", c->refs, c->ref_count);
    if (st == X12_OK && has(c->statement_from))
        st = simple(rw, "DTM", "232", c->statement_from, NULL);
    if (st == X12_OK && has(c->statement_to))
        st = simple(rw, "DTM", "233", c->statement_to, NULL);
    if (st == X12_OK)
        st = pairs(rw, "DTM", c->dates, c->date_count);
    if (st == X12_OK && has(c->received_date))
        st = simple(rw, "DTM", "050", c->received_date, NULL);
    if (st == X12_OK)
        st = contacts(rw, c->contacts, c->contact_count);
    if (st == X12_OK)
        st = amounts(rw, c->amounts, c->amount_count);
    if (st == X12_OK)
        st = pairs(rw, "QTY", c->quantities, c->quantity_count);
    for (size_t i = 0; i < c->line_count && st == X12_OK; i++)
        st = line(rw, &c->lines[i]);
    return st;
}

X12_API x12_status x12_remit_writer_claim(x12_remit_writer *rw, const x12_remit_claim *c)
{
    if (!rw->in_set)
        return fail(rw, X12_ERR_USAGE, "CLP", "no set is open: begin one first");
    if (rw->nplb)
        return fail(rw, X12_ERR_USAGE, "CLP", "a claim payment after PLB: PLB ends the set");
    x12_status st = check_claim(rw, c);
    if (st != X12_OK)
        return st;
    /* no segment longer than the writer takes: measured before its first */
    rw->dry = 1;
    snprintf(rw->dry_what, sizeof rw->dry_what, "claim %.30s", nz(c->claim_id));
    st = write_claim(rw, c);
    rw->dry = 0;
    if (st == X12_OK)
        st = header_number(rw, c->header_number);
    if (st == X12_OK)
        st = write_claim(rw, c);
    if (st == X12_OK)
        rw->sum_paid += c->paid_cents;
    return st;
}

static const char *plb_copy(x12_remit_writer *rw, const char *s)
{
    return x12_arena_strndup(rw->plb_arena, nz(s), strlen(nz(s)));
}

X12_API x12_status x12_remit_writer_plb(x12_remit_writer *rw, const x12_remit_plb *e)
{
    if (!rw->in_set)
        return fail(rw, X12_ERR_USAGE, "PLB", "no set is open: begin one first");
    check k = {rw, "plb", NULL, X12_OK, -1, NULL};
    /* 005010X221A1 PLB01, PLB02 and each pair's reason are required */
    required(&k, e->provider_id, "PLB", "provider_id (PLB01)");
    required(&k, e->fiscal_date, "PLB", "fiscal_date (PLB02)");
    required(&k, e->reason, "PLB", "reason (PLB03-1)");
    text(&k, e->provider_id, "provider_id");
    text(&k, e->fiscal_date, "fiscal_date");
    text(&k, e->reason, "reason");
    text(&k, e->reference, "reference");
    if (k.st != X12_OK)
        return k.st;
    /* measured as a claim payment is: an entry that cannot fit in a PLB of
     * its own is refused now (not lost with the pairs before it when the
     * segment is written); one that does not fit beside them starts the next */
    char amt[32];
    size_t head = 3 + 2 + strlen(nz(e->provider_id)) + strlen(nz(e->fiscal_date));
    size_t pair = 3 + strlen(nz(e->reason)) + strlen(nz(e->reference)) +
                  (size_t)x12_amount_format(e->cents, rw->style, amt, sizeof amt);
    if (head + pair > rw->text.max_segment_length)
        return fail(rw, X12_ERR_LIMIT, "PLB", "plb: a PLB segment of %zu bytes, more than %zu",
                    head + pair, rw->text.max_segment_length);
    /* one PLB holds the pairs of one provider and fiscal period, six at most */
    x12_status st = X12_OK;
    if (rw->nplb && (rw->nplb == PLB_PAIRS || strcmp(rw->plb_provider, nz(e->provider_id)) ||
                     strcmp(rw->plb_date, nz(e->fiscal_date)) ||
                     rw->plb_len + pair > rw->text.max_segment_length))
        st = plb_flush(rw);
    if (st != X12_OK)
        return st;
    x12_remit_plb *slot = &rw->plb[rw->nplb];
    if (!rw->nplb) {
        rw->plb_provider = plb_copy(rw, e->provider_id);
        rw->plb_date = plb_copy(rw, e->fiscal_date);
    }
    slot->reason = plb_copy(rw, e->reason);
    slot->reference = plb_copy(rw, e->reference);
    slot->cents = e->cents;
    if (!rw->plb_provider || !rw->plb_date || !slot->reason || !slot->reference)
        return fail(rw, X12_ERR_NOMEM, "PLB", "plb");
    if (rw->nplb++ == 0)
        rw->plb_len = head;
    rw->plb_len += pair;
    rw->sum_plb += e->cents;
    return X12_OK;
}

X12_API x12_status x12_remit_writer_end(x12_remit_writer *rw)
{
    if (!rw->in_set)
        return fail(rw, X12_ERR_USAGE, "SE", "no set is open");
    x12_status st = plb_flush(rw);
    if (st != X12_OK)
        return st;
    st = x12_writer_end_set(rw->w);
    rw->in_set = 0;
    if (st != X12_OK)
        return writer_failed(rw, st);
    /* 005010X221A1: the claim payments less the provider adjustments are the
     * payment (BPR02).  The set is written by now: said, not undone. */
    if (!(rw->flags & X12_REMIT_WRITE_AS_GIVEN) && rw->sum_paid - rw->sum_plb != rw->bpr02) {
        char x[32], y[32];
        x12_amount_format(rw->sum_paid - rw->sum_plb, X12_AMOUNT_DECIMAL2, x, sizeof x);
        x12_amount_format(rw->bpr02, X12_AMOUNT_DECIMAL2, y, sizeof y);
        return fail(rw, X12_ERR_BALANCE, "BPR", "claims paid - PLB %s, BPR02 %s", x, y);
    }
    return X12_OK;
}
