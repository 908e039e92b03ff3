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
    x12_ledger *l;
    const char *path;
    x12_ledger_finding_fn fn;
    void *ctx;
    x12_ledger_ingest_stats st;
    x12_error *err;
    x12_status fatal;
    int reader_error;
    int64_t file_id;
    /* the current payment */
    uint32_t set;       /* x12_remit_payment.set of the payment below */
    int64_t pay_id;     /* 0 until written */
    int skip_set;       /* already in the ledger */
    uint32_t seq;
    /* text built per claim payment */
    char *detail, *remarks;
    size_t dlen, dcap, rlen, rcap;
} ing835;

static void on_finding(void *ctx, const x12_finding *f)
{
    ing835 *in = ctx;
    if (f->severity == X12_SEV_ERROR)
        in->st.errors++;
    if (f->severity == X12_SEV_ERROR && f->err.code > X12_OK && f->err.code < 50)
        in->reader_error = 1;
    if (in->fn)
        in->fn(in->ctx, f);
}

static void iso(const char *d, char out[11])
{
    out[0] = '\0';
    if (strlen(d) == 8)
        snprintf(out, 11, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

/* The payments row of the set `p` belongs to, written once.  Returns 0 on a
 * ledger failure. */
static int ensure_payment(ing835 *in, const x12_remit_payment *p)
{
    if (p->set != in->set) {
        in->set = p->set;
        in->pay_id = 0;
        in->skip_set = 0;
        in->seq = 0;
    }
    if (in->pay_id || in->skip_set)
        return 1;
    char date[11];
    iso(p->payment_date, date);
    /* 005010X221A1 BPR02 total payment, BPR03 C credit / D debit */
    lg_payment lp = {p->payer_id, p->trace_number, p->payer.name, p->payee.id,
                     !strcmp(p->credit_debit, "D") ? -p->amount_cents : p->amount_cents, p->method,
                     date};
    int e = lg_payment_exists(in->l, &lp, in->err);
    if (e < 0) {
        in->fatal = X12_ERR_LEDGER;
        return 0;
    }
    if (e) {
        /* keyed on TRN02 and the payer: already ingested */
        in->skip_set = 1;
        in->st.payments_skipped++;
        return 1;
    }
    if (!in->file_id) {
        in->file_id = lg_file_add(in->l, "835", in->path, in->err);
        if (!in->file_id) {
            in->fatal = X12_ERR_LEDGER;
            return 0;
        }
    }
    in->pay_id = lg_payment_add(in->l, in->file_id, &lp, in->err);
    if (!in->pay_id) {
        in->fatal = X12_ERR_LEDGER;
        return 0;
    }
    in->st.payments++;
    return 1;
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
            in->fatal = X12_ERR_NOMEM;
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
 * its lines, in the order first seen. */
static void adj_detail(ing835 *in, const x12_remit_claim *c, int64_t by_group[5])
{
    in->dlen = 0;
    if (in->detail)
        in->detail[0] = '\0';
    size_t total = c->adjustment_count;
    for (size_t l = 0; l < c->line_count; l++)
        total += c->lines[l].adjustment_count;
    /* walk every adjustment as one sequence: claim level first, then lines */
    for (size_t i = 0; i < total; i++) {
        const x12_remit_adjustment *a = NULL;
        size_t k = i;
        if (k < c->adjustment_count) {
            a = &c->adjustments[k];
        } else {
            k -= c->adjustment_count;
            for (size_t l = 0; l < c->line_count && !a; l++) {
                if (k < c->lines[l].adjustment_count)
                    a = &c->lines[l].adjustments[k];
                else
                    k -= c->lines[l].adjustment_count;
            }
        }
        int g = lg_group_index(a->group);
        if (g >= 0)
            by_group[g] += a->cents;
        char key[24];
        snprintf(key, sizeof key, "%s-%.12s:", a->group, a->reason);
        size_t kl = strlen(key);
        /* already summed under an earlier token? */
        int seen = 0;
        for (const char *p = in->detail ? in->detail : ""; *p && !seen;) {
            if (!strncmp(p, key, kl))
                seen = 1;
            const char *sp = strchr(p, ' ');
            p = sp ? sp + 1 : p + strlen(p);
        }
        if (seen)
            continue;
        int64_t sum = 0;
        for (size_t j = i; j < total; j++) {
            const x12_remit_adjustment *b = NULL;
            size_t m = j;
            if (m < c->adjustment_count) {
                b = &c->adjustments[m];
            } else {
                m -= c->adjustment_count;
                for (size_t l = 0; l < c->line_count && !b; l++) {
                    if (m < c->lines[l].adjustment_count)
                        b = &c->lines[l].adjustments[m];
                    else
                        m -= c->lines[l].adjustment_count;
                }
            }
            if (!strcmp(a->group, b->group) && !strcmp(a->reason, b->reason))
                sum += b->cents;
        }
        char tok[48];
        snprintf(tok, sizeof tok, "%s%lld", key, (long long)sum);
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

static void join_modifiers(char *out, size_t cap, const char *const m[4])
{
    out[0] = '\0';
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (!m[i][0])
            continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? ":" : "", m[i]);
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
}

static int on_payment(void *ctx, const x12_remit_payment *p)
{
    ing835 *in = ctx;
    return !ensure_payment(in, p) || in->fatal;
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    ing835 *in = ctx;
    (void)cx;
    if (!ensure_payment(in, p))
        return 1;
    if (in->skip_set)
        return 0;
    lg_remit r;
    memset(&r, 0, sizeof r);
    r.clp01 = c->claim_id;
    r.status_code = c->status_code;
    r.billed = c->charge_cents;
    r.paid = c->paid_cents;
    r.patient_responsibility = c->patient_responsibility_cents;
    r.filing_indicator = c->filing_indicator;
    r.payer_claim_number = c->payer_claim_number;
    r.original_reference = c->original_reference;
    r.crossover_name = c->crossover_carrier.name;
    adj_detail(in, c, r.adj);
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
            r.lines_denied++;
        for (size_t k = 0; k < l->remark_count; k++)
            remark(in, l->remarks[k].value);
    }
    r.allowed = all_b6 ? b6 : r.paid + r.patient_responsibility;
    r.line_count = (uint32_t)c->line_count;
    r.adj_detail = in->detail ? in->detail : "";
    r.remarks = in->remarks ? in->remarks : "";
    if (in->fatal)
        return 1;
    int64_t rid = lg_remit_add(in->l, in->pay_id, ++in->seq, &r, in->err);
    if (!rid) {
        in->fatal = X12_ERR_LEDGER;
        return 1;
    }
    in->st.claims++;
    for (size_t i = 0; i < c->adjustment_count; i++) {
        const x12_remit_adjustment *a = &c->adjustments[i];
        if (lg_adjustment_add(in->l, rid, 0, a->group, a->reason, a->cents, a->quantity, in->err) != X12_OK) {
            in->fatal = X12_ERR_LEDGER;
            return 1;
        }
    }
    for (size_t i = 0; i < c->remark_code_count; i++)
        if (lg_remark_add(in->l, rid, 0, c->remark_codes[i], in->err) != X12_OK) {
            in->fatal = X12_ERR_LEDGER;
            return 1;
        }
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_remit_line *l = &c->lines[i];
        char mods[64], date[11];
        join_modifiers(mods, sizeof mods, l->modifiers);
        iso(l->service_date[0] ? l->service_date : l->service_start, date);
        lg_rline ln = {(uint32_t)i + 1, l->line_control_number, l->procedure, l->original_procedure,
                       mods, l->charge_cents, l->paid_cents, l->has_allowed, l->allowed_cents, l->units,
                       date};
        int64_t lid = lg_remit_line_add(in->l, rid, &ln, in->err);
        if (!lid) {
            in->fatal = X12_ERR_LEDGER;
            return 1;
        }
        in->st.lines++;
        for (size_t k = 0; k < l->adjustment_count; k++) {
            const x12_remit_adjustment *a = &l->adjustments[k];
            if (lg_adjustment_add(in->l, rid, lid, a->group, a->reason, a->cents, a->quantity, in->err) !=
                X12_OK) {
                in->fatal = X12_ERR_LEDGER;
                return 1;
            }
        }
        for (size_t k = 0; k < l->remark_count; k++)
            if (lg_remark_add(in->l, rid, lid, l->remarks[k].value, in->err) != X12_OK) {
                in->fatal = X12_ERR_LEDGER;
                return 1;
            }
    }
    return 0;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    ing835 *in = ctx;
    if (!ensure_payment(in, p))
        return 1;
    if (in->skip_set)
        return 0;
    if (lg_plb_add(in->l, in->pay_id, e->provider_id, e->fiscal_date, e->reason, e->reference, e->cents,
                   in->err) != X12_OK) {
        in->fatal = X12_ERR_LEDGER;
        return 1;
    }
    in->st.plb++;
    return 0;
}

X12_API x12_status x12_ledger_ingest_remits(x12_ledger *l, const char *path,
                                            const x12_reader_options *ro,
                                            x12_ledger_finding_fn fn, void *ctx,
                                            x12_ledger_ingest_stats *stats, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!l || !path)
        return X12_ERR_USAGE;
    ing835 in;
    memset(&in, 0, sizeof in);
    in.l = l;
    in.path = path;
    in.fn = fn;
    in.ctx = ctx;
    in.err = err;
    in.set = UINT32_MAX;
    if (lg_begin(l, err) != X12_OK)
        return X12_ERR_LEDGER;
    /* strict unless told otherwise, like every library reader */
    x12_reader_options strict;
    if (!ro) {
        x12_reader_options_init(&strict);
        ro = &strict;
    }
    x12_remit_callbacks cb = {on_payment, on_claim, on_plb, NULL, on_finding};
    x12_error rerr;
    x12_status rs = x12_remit_read_file(path, ro, &cb, &in, 0, &rerr);
    x12_status st = lg_end_file(l, in.fatal, rs, &rerr, in.reader_error, in.file_id != 0, &in.st, err);
    free(in.detail);
    free(in.remarks);
    if (stats)
        *stats = in.st;
    return st;
}
