/* Ingest of 835s: the ledger as a consumer of the 835 reader (remit.h).
 * Each payment (transaction set) becomes a payments row when its first claim
 * payment, PLB or end arrives; each claim payment is written with its lines,
 * adjustments and remark codes as the reader hands it over, so memory is
 * bounded by one claim payment.  The whole file is one SQL transaction that
 * a reader error rolls back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/remit.h>

#include "ledger_internal.h"

typedef struct ing835 {
    lg_ingest b; /* first: the shared state */
    /* applying: the current payment */
    uint32_t set;       /* the set of the payment below */
    int64_t pay_id;     /* 0 until written */
    int skip_set;       /* already in the ledger */
    uint32_t seq;
    lg_clines cl; /* the lines of the claim a payment was matched to */
    /* flattening */
    uint32_t flat_set; /* the set of the last LG_REC_PAYMENT */
    lg_rec_buf rb;
    /* text built per claim payment */
    char *detail, *remarks;
    size_t dlen, dcap, rlen, rcap;
    const x12_remit_adjustment **all; /* the adjustments of one claim payment */
    size_t acap;
    struct rline_text {
        char mods[64], date[11];
    } *text; /* one per line of rb.rec.rlines */
    size_t text_cap;
    char pay_date[11]; /* of rb.rec.pay */
} ing835;

static void on_finding(void *ctx, const x12_finding *f)
{
    if (lg_ingest_takes(f))
        lg_ingest_finding(&((ing835 *)ctx)->b, f);
}

/* --- applying records --------------------------------------------------------- */

/* The payments row of set `set`, written when the set begins (and once). */
static int apply_payment(ing835 *in, uint32_t set, const lg_payment *lp)
{
    if (set != in->set) {
        in->set = set;
        in->pay_id = 0;
        in->skip_set = 0;
        in->seq = 0;
    }
    if (in->pay_id || in->skip_set)
        return 0;
    int e = lg_payment_exists(in->b.l, lp, in->b.err);
    if (e < 0) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    if (e) {
        /* keyed on TRN02 and the payer: already ingested */
        in->skip_set = 1;
        in->b.st.payments_skipped++;
        return 0;
    }
    if (!lg_ingest_file_row(&in->b))
        return 1;
    in->pay_id = lg_payment_add(in->b.l, in->b.file_id, lp, in->b.err);
    if (!in->pay_id) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    in->b.st.payments++;
    return 0;
}

static int adjustments_add(ing835 *in, int64_t rid, int64_t lid, const lg_adj *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (lg_adjustment_add(in->b.l, rid, lid, a[i].group, a[i].reason, a[i].cents, a[i].quantity,
                              in->b.err) != X12_OK) {
            in->b.fatal = in->b.l->fail;
            return 1;
        }
    return 0;
}

static int remarks_add(ing835 *in, int64_t rid, int64_t lid, const char *const *codes, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (lg_remark_add(in->b.l, rid, lid, codes[i], in->b.err) != X12_OK) {
            in->b.fatal = in->b.l->fail;
            return 1;
        }
    return 0;
}

static int apply_remit(ing835 *in, const lg_rec *rec)
{
    if (in->skip_set)
        return 0;
    lg_remit r = rec->remit;
    /* A payment whose CLP01 exactly one claim in the ledger has is matched
     * as it arrives (docs/ledger.md "Matching", rule 1), its lines in
     * memory: no second pass rewrites its rows.  x12_ledger_match() takes
     * the rest, and re-matches payments of ids that several claims share. */
    int64_t claim = lg_claim_only(in->b.l, r.clp01, &in->cl, in->b.err);
    if (claim < 0) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    r.claim_ref = 0;
    r.match_method = NULL;
    if (claim > 0) {
        r.claim_ref = claim;
        r.match_method = "claim_id";
        in->b.st.matched++;
    }
    int64_t rid = lg_remit_add(in->b.l, in->pay_id, ++in->seq, &r, in->b.err);
    if (!rid) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    in->b.st.claims++;
    if (adjustments_add(in, rid, 0, rec->adj, rec->nclaim_adj) ||
        remarks_add(in, rid, 0, rec->rem, rec->nclaim_rem))
        return 1;
    for (uint32_t i = 0; i < rec->nrlines; i++) {
        const lg_rline_rec *lr = &rec->rlines[i];
        lg_rline ln = lr->ln;
        ln.claim_line_ref = 0;
        ln.match_method = NULL;
        if (claim > 0) {
            ln.claim_line_ref = lg_cline_match(&in->cl, ln.line_control, ln.procedure,
                                               ln.original_procedure, ln.modifiers, ln.charge,
                                               ln.service_date, &ln.match_method);
            in->b.st.lines_matched += ln.claim_line_ref > 0;
        }
        int64_t lid = lg_remit_line_add(in->b.l, rid, &ln, in->b.err);
        if (!lid) {
            in->b.fatal = in->b.l->fail;
            return 1;
        }
        in->b.st.lines++;
        /* (a claim without adjustments or remarks has no arrays to offset) */
        if (adjustments_add(in, rid, lid, lr->nadj ? rec->adj + lr->adj0 : NULL, lr->nadj) ||
            remarks_add(in, rid, lid, lr->nrem ? rec->rem + lr->rem0 : NULL, lr->nrem))
            return 1;
    }
    return 0;
}

static int apply_plb(ing835 *in, const lg_plb_rec *e)
{
    if (in->skip_set)
        return 0;
    if (lg_plb_add(in->b.l, in->pay_id, e->provider, e->fiscal_date, e->reason, e->reference,
                   e->cents, in->b.err) != X12_OK) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    in->b.st.plb++;
    return 0;
}

int lg_remits_apply(void *p, const lg_rec *r)
{
    ing835 *in = p;
    if (in->b.fatal)
        return 1;
    switch (r->type) {
    case LG_REC_PAYMENT:
        return apply_payment(in, r->set, &r->pay);
    case LG_REC_REMIT:
        return apply_remit(in, r);
    case LG_REC_PLB:
        return apply_plb(in, &r->plb);
    default:
        return 0;
    }
}

static int emit(ing835 *in, const lg_rec *r)
{
    return lg_emit(&in->b, r, lg_remits_apply);
}

/* --- flattening what the 835 reader hands over --------------------------------- */

/* A payment begins with its set's first event: its record once. */
static int flat_payment(ing835 *in, const x12_remit_payment *p)
{
    if (p->set == in->flat_set)
        return 0;
    in->flat_set = p->set;
    lg_iso_date(p->payment_date, in->pay_date);
    lg_rec *r = &in->rb.rec;
    r->type = LG_REC_PAYMENT;
    r->set = p->set;
    /* 005010X221A1 BPR02 total payment, BPR03 C credit / D debit */
    r->pay = (lg_payment){p->payer_id, p->trace_number, p->payer.name, p->payee.id,
                          !strcmp(p->credit_debit, "D") ? -p->amount_cents : p->amount_cents,
                          p->method, in->pay_date};
    return emit(in, r);
}

static void add_text(ing835 *in, char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 2 > *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        while (nc < *len + n + 2)
            nc *= 2;
        char *p = realloc(*buf, nc);
        if (!p) {
            in->b.fatal = X12_ERR_NOMEM;
            return;
        }
        *buf = p;
        *cap = nc;
    }
    if (*len)
        (*buf)[(*len)++] = ' ';
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* "CO-45:4000" tokens (cents) summed by group and reason over the claim and
 * its lines, in the order first seen; and the sums by group. */
static void adj_detail(ing835 *in, const x12_remit_claim *c, int64_t by_group[5])
{
    /* every adjustment of the claim payment in one list: claim level first */
    size_t n = c->adjustment_count;
    for (size_t l = 0; l < c->line_count; l++)
        n += c->lines[l].adjustment_count;
    if (n > in->acap) {
        const x12_remit_adjustment **p = realloc(in->all, n * sizeof *p);
        if (!p) {
            in->b.fatal = X12_ERR_NOMEM;
            return;
        }
        in->all = p;
        in->acap = n;
    }
    size_t k = 0;
    for (size_t i = 0; i < c->adjustment_count; i++)
        in->all[k++] = &c->adjustments[i];
    for (size_t l = 0; l < c->line_count; l++)
        for (size_t i = 0; i < c->lines[l].adjustment_count; i++)
            in->all[k++] = &c->lines[l].adjustments[i];
    in->dlen = 0;
    if (in->detail)
        in->detail[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const x12_remit_adjustment *a = in->all[i];
        int g = lg_group_index(a->group);
        if (g >= 0)
            by_group[g] += a->cents;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(in->all[j]->group, a->group) && !strcmp(in->all[j]->reason, a->reason);
        if (seen)
            continue; /* summed with the first of its group and reason */
        int64_t sum = 0;
        for (size_t j = i; j < n; j++)
            if (!strcmp(in->all[j]->group, a->group) && !strcmp(in->all[j]->reason, a->reason))
                sum += in->all[j]->cents;
        /* "%s-%.12s:%lld", without printf (it was a tenth of the ingest) */
        char tok[48], digits[24];
        size_t t = 0, gl = 0, rl = 0, dn = 0;
        while (gl < sizeof a->group - 1 && a->group[gl])
            gl++;
        while (rl < 12 && a->reason[rl])
            rl++;
        memcpy(tok, a->group, gl);
        t = gl;
        tok[t++] = '-';
        memcpy(tok + t, a->reason, rl);
        t += rl;
        tok[t++] = ':';
        uint64_t mag = sum < 0 ? 0 - (uint64_t)sum : (uint64_t)sum;
        do
            digits[dn++] = (char)('0' + mag % 10);
        while ((mag /= 10) != 0);
        if (sum < 0)
            tok[t++] = '-';
        while (dn)
            tok[t++] = digits[--dn];
        tok[t] = '\0';
        add_text(in, &in->detail, &in->dlen, &in->dcap, tok);
    }
}

static void remark(ing835 *in, const char *code)
{
    if (!code[0])
        return;
    size_t cl = strlen(code);
    for (const char *p = in->remarks ? in->remarks : ""; *p;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        if (n == cl && !memcmp(p, code, cl))
            return;
        p += n + (sp ? 1 : 0);
    }
    add_text(in, &in->remarks, &in->rlen, &in->rcap, code);
}

static int on_payment(void *ctx, const x12_remit_payment *p)
{
    ing835 *in = ctx;
    return in->b.fatal || flat_payment(in, p);
}

static void put_adj(lg_rec *r, const x12_remit_adjustment *a)
{
    r->adj[r->nadj++] = (lg_adj){a->group, a->reason, a->quantity, a->cents};
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    ing835 *in = ctx;
    (void)cx;
    if (in->b.fatal || flat_payment(in, p))
        return 1;
    size_t nadj = c->adjustment_count, nrem = c->remark_code_count;
    for (size_t i = 0; i < c->line_count; i++) {
        nadj += c->lines[i].adjustment_count;
        nrem += c->lines[i].remark_count;
    }
    if (c->line_count > in->text_cap) {
        struct rline_text *t = realloc(in->text, c->line_count * sizeof *t);
        if (!t) {
            in->b.fatal = X12_ERR_NOMEM;
            return 1;
        }
        in->text = t;
        in->text_cap = c->line_count;
    }
    if (lg_rec_reserve(&in->rb, 0, nadj, nrem, c->line_count) != 0) {
        in->b.fatal = X12_ERR_NOMEM;
        return 1;
    }
    lg_rec *rec = &in->rb.rec;
    rec->type = LG_REC_REMIT;
    rec->set = p->set;
    lg_remit *r = &rec->remit;
    memset(r, 0, sizeof *r);
    r->clp01 = c->claim_id;
    r->status_code = c->status_code;
    r->billed = c->charge_cents;
    r->paid = c->paid_cents;
    r->patient_responsibility = c->patient_responsibility_cents;
    r->filing_indicator = c->filing_indicator;
    r->payer_claim_number = c->payer_claim_number;
    r->original_reference = c->original_reference;
    r->crossover_name = c->crossover_carrier.name;
    adj_detail(in, c, r->adj);
    in->rlen = 0;
    if (in->remarks)
        in->remarks[0] = '\0';
    for (size_t i = 0; i < c->remark_code_count; i++)
        remark(in, c->remark_codes[i]);
    /* allowed: the lines' AMT*B6 when every line has one, else paid +
     * patient responsibility (docs/ledger.md) */
    int all_b6 = c->line_count > 0;
    int64_t b6 = 0;
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_remit_line *l = &c->lines[i];
        if (l->has_allowed)
            b6 += l->allowed_cents;
        else
            all_b6 = 0;
        if (l->paid_cents == 0 && l->charge_cents != 0)
            r->lines_denied++;
        for (size_t k = 0; k < l->remark_count; k++)
            remark(in, l->remarks[k].value);
    }
    r->allowed = all_b6 ? b6 : r->paid + r->patient_responsibility;
    r->line_count = (uint32_t)c->line_count;
    r->adj_detail = in->detail ? in->detail : "";
    r->remarks = in->remarks ? in->remarks : "";
    if (in->b.fatal)
        return 1;
    /* the rows as the ledger stores them: the claim's adjustments and remark
     * codes first, then each line with its own */
    rec->nadj = rec->nrem = 0;
    for (size_t i = 0; i < c->adjustment_count; i++)
        put_adj(rec, &c->adjustments[i]);
    for (size_t i = 0; i < c->remark_code_count; i++)
        rec->rem[rec->nrem++] = c->remark_codes[i];
    rec->nclaim_adj = rec->nadj;
    rec->nclaim_rem = rec->nrem;
    rec->nrlines = (uint32_t)c->line_count;
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_remit_line *l = &c->lines[i];
        struct rline_text *t = &in->text[i];
        lg_join_modifiers(t->mods, sizeof t->mods, l->modifiers);
        lg_iso_date(l->service_date[0] ? l->service_date : l->service_start, t->date);
        lg_rline_rec *lr = &rec->rlines[i];
        lr->ln = (lg_rline){(uint32_t)i + 1, l->line_control_number, l->procedure, l->original_procedure,
                            t->mods, l->charge_cents, l->paid_cents, l->has_allowed, l->allowed_cents,
                            l->units, t->date, 0, NULL};
        lr->adj0 = rec->nadj;
        for (size_t k = 0; k < l->adjustment_count; k++)
            put_adj(rec, &l->adjustments[k]);
        lr->nadj = rec->nadj - lr->adj0;
        lr->rem0 = rec->nrem;
        for (size_t k = 0; k < l->remark_count; k++)
            rec->rem[rec->nrem++] = l->remarks[k].value;
        lr->nrem = rec->nrem - lr->rem0;
    }
    return emit(in, rec);
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    ing835 *in = ctx;
    if (in->b.fatal || flat_payment(in, p))
        return 1;
    lg_rec *r = &in->rb.rec;
    r->type = LG_REC_PLB;
    r->set = p->set;
    r->plb = (lg_plb_rec){e->provider_id, e->fiscal_date, e->reason, e->reference, e->cents};
    return emit(in, r);
}

x12_status lg_feed_start_remits(x12_ledger_feed *f, x12_ledger *l, const char *path)
{
    ing835 *in = lg_feed_state(f, sizeof *in);
    if (!in)
        return X12_ERR_NOMEM;
    in->set = in->flat_set = UINT32_MAX;
    return l ? lg_ingest_start(&in->b, l, "835", path, NULL, NULL, NULL, NULL, &f->err) : X12_OK;
}

void lg_feed_free_remits(void *p)
{
    ing835 *in = p;
    free(in->detail);
    free(in->remarks);
    free(in->all);
    free(in->text);
    lg_rec_buf_free(&in->rb);
    lg_clines_free(&in->cl);
}

static ing835 *remits_of(x12_ledger_feed *f)
{
    return f && f->kind == X12_LEDGER_FEED_REMITS ? f->in : NULL;
}

X12_API int x12_ledger_feed_payment(x12_ledger_feed *f, const x12_remit_payment *p)
{
    ing835 *in = remits_of(f);
    return !in || on_payment(in, p) || in->b.fatal;
}

X12_API int x12_ledger_feed_remit(x12_ledger_feed *f, const x12_remit_payment *p,
                                  const x12_remit_claim *c)
{
    ing835 *in = remits_of(f);
    if (!in)
        return 1;
    on_claim(in, p, c, NULL);
    return in->b.fatal != X12_OK;
}

X12_API int x12_ledger_feed_plb(x12_ledger_feed *f, const x12_remit_payment *p, const x12_remit_plb *e)
{
    ing835 *in = remits_of(f);
    if (!in)
        return 1;
    on_plb(in, p, e);
    return in->b.fatal != X12_OK;
}

X12_API x12_status x12_ledger_ingest_remits(x12_ledger *l, const char *path,
                                            const x12_reader_options *ro,
                                            x12_ledger_finding_fn fn, void *ctx,
                                            x12_ledger_ingest_stats *stats, x12_error *err)
{
    ing835 in;
    memset(&in, 0, sizeof in);
    x12_status st = lg_ingest_start(&in.b, l, "835", path, ro, fn, ctx, stats, err);
    if (st != X12_OK)
        return st;
    in.set = in.flat_set = UINT32_MAX;
    x12_remit_callbacks cb = {on_payment, on_claim, on_plb, NULL, on_finding};
    x12_error rerr;
    x12_status rs = x12_remit_read_file(path, &in.b.ro, &cb, &in, 0, &rerr);
    st = lg_ingest_end(&in.b, rs, &rerr, stats);
    lg_feed_free_remits(&in);
    return st;
}
