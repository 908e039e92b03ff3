/* Ingest: the ledger as a consumer of the typed readers.  The 837 reader
 * (claim.h) hands over one claim at a time, the 835 reader (remit.h) one
 * claim payment at a time; each becomes rows, and the whole file is one SQL
 * transaction that a reader error rolls back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/claim.h>

#include "ledger_internal.h"

/* Reader errors (codes below 50: syntax and envelopes) mean the file could
 * not be read to its end as X12; anything else is a finding about data that
 * was read and is kept. */
static int is_reader_error(const x12_finding *f)
{
    return f->severity == X12_SEV_ERROR && f->err.code > X12_OK && f->err.code < 50;
}

/* "CCYYMMDD" (or the start of "CCYYMMDD-CCYYMMDD") as "CCYY-MM-DD"; "" when
 * it is not a date. */
static void iso_date(const char *x12, char out[11])
{
    out[0] = '\0';
    if (!x12 || strlen(x12) < 8)
        return;
    for (int i = 0; i < 8; i++)
        if (x12[i] < '0' || x12[i] > '9')
            return;
    snprintf(out, 11, "%.4s-%.2s-%.2s", x12, x12 + 4, x12 + 6);
}

/* The end of an RD8 period ("CCYYMMDD-CCYYMMDD"), else the date itself. */
static void iso_date_end(const char *x12, char out[11])
{
    const char *dash = x12 ? strchr(x12, '-') : NULL;
    iso_date(dash ? dash + 1 : x12, out);
}

static void trim_copy(char *out, size_t cap, const char *s)
{
    if (!s)
        s = "";
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

typedef struct ingest {
    x12_ledger *l;
    const char *path;
    x12_ledger_finding_fn fn;
    void *ctx;
    x12_ledger_ingest_stats st;
    x12_error *err;
    x12_status fatal;    /* a ledger or memory failure: stop */
    int reader_error;    /* the file cannot be kept */
    int64_t file_id;     /* 0 until something new is added */
    uint32_t cur_set;    /* 837: set number of the current claims */
    int skip_set;        /* 837: the current set is already in the ledger */
    int64_t sub_id;
} ingest;

static void on_finding(void *ctx, const x12_finding *f)
{
    ingest *in = ctx;
    if (f->err.code == X12_ERR_CLAIM_NOT_CARRIED)
        return; /* a segment the ledger has no use for either */
    if (f->severity == X12_SEV_ERROR)
        in->st.errors++;
    if (is_reader_error(f))
        in->reader_error = 1;
    if (in->fn)
        in->fn(in->ctx, f);
}

static int ensure_file(ingest *in, const char *kind)
{
    if (in->file_id)
        return 1;
    in->file_id = lg_file_add(in->l, kind, in->path, in->err);
    if (!in->file_id)
        in->fatal = X12_ERR_LEDGER;
    return in->file_id != 0;
}

/* --- 837 -------------------------------------------------------------------- */

static int claim_set(ingest *in, const x12_claim_context *cx)
{
    if (cx->set == in->cur_set)
        return 1;
    in->cur_set = cx->set;
    const x12_claim_header *h = cx->header;
    char sender[32], isa13[16], gs06[16], st02[16], date[11];
    trim_copy(sender, sizeof sender, h->isa.sender_id);
    snprintf(isa13, sizeof isa13, "%09u", (unsigned)h->isa.control_number);
    snprintf(gs06, sizeof gs06, "%u", (unsigned)h->gs.control_number);
    snprintf(st02, sizeof st02, "%0*u", h->st_control_width ? (int)h->st_control_width : 4,
             (unsigned)h->st_control_number);
    iso_date(h->bht_date ? h->bht_date : h->gs.date, date);
    lg_submission s = {sender, isa13, gs06, st02,
                       h->implementation_ref ? h->implementation_ref : (h->gs.version ? h->gs.version : ""),
                       date};
    int e = lg_submission_exists(in->l, &s, in->err);
    if (e < 0) {
        in->fatal = X12_ERR_LEDGER;
        return 0;
    }
    in->skip_set = e;
    if (e) {
        in->st.sets_skipped++;
        return 1;
    }
    if (!ensure_file(in, "837"))
        return 0;
    in->sub_id = lg_submission_add(in->l, in->file_id, &s, in->err);
    if (!in->sub_id) {
        in->fatal = X12_ERR_LEDGER;
        return 0;
    }
    in->st.sets++;
    return 1;
}

static void join_modifiers(char *out, size_t cap, const char *const m[4])
{
    out[0] = '\0';
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (!m[i] || !m[i][0])
            continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? ":" : "", m[i]);
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
}

static int on_claim(void *ctx, const x12_claim *c, const x12_claim_context *cx)
{
    ingest *in = ctx;
    if (in->fatal)
        return 1;
    if (!claim_set(in, cx))
        return 1;
    if (in->skip_set)
        return 0;
    const x12_claim_subscriber *sub = c->subscriber;
    const x12_claim_party *pat = c->patient ? &c->patient->patient : (sub ? &sub->subscriber : NULL);
    char name[128] = "";
    if (pat && pat->last_name)
        snprintf(name, sizeof name, "%s%s%s", pat->last_name, pat->first_name ? " " : "",
                 pat->first_name ? pat->first_name : "");
    /* the claim's service period: the statement dates (837I), else the
     * span of the lines' service dates */
    char from[11] = "", to[11] = "";
    if (c->statement_from) {
        iso_date(c->statement_from, from);
        iso_date(c->statement_to ? c->statement_to : c->statement_from, to);
    }
    for (size_t i = 0; i < c->line_count; i++) {
        char a[11], b[11];
        iso_date(c->lines[i].service_date, a);
        iso_date_end(c->lines[i].service_date, b);
        if (a[0] && (!from[0] || strcmp(a, from) < 0))
            memcpy(from, a, sizeof a);
        if (b[0] && (!to[0] || strcmp(b, to) > 0))
            memcpy(to, b, sizeof b);
    }
    lg_claim lc = {c->claim_id,
                   c->total_charge_cents,
                   c->frequency_code,
                   c->payer_claim_number,
                   sub ? sub->payer.id : "",
                   sub ? sub->payer.last_name : "",
                   sub ? sub->subscriber.id : "",
                   name,
                   c->billing ? c->billing->provider.id : "",
                   from,
                   to,
                   (uint32_t)c->line_count};
    int64_t cid = lg_claim_add(in->l, in->sub_id, &lc, in->err);
    if (!cid) {
        in->fatal = X12_ERR_LEDGER;
        return 1;
    }
    in->st.claims++;
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_claim_line *ln = &c->lines[i];
        char mods[64], date[11];
        join_modifiers(mods, sizeof mods, ln->modifiers);
        iso_date(ln->service_date, date);
        /* 837I lines may carry only a revenue code; the 835 then pays
         * SVC01 NU:revenue code */
        const char *proc = ln->procedure && ln->procedure[0] ? ln->procedure : ln->revenue_code;
        lg_line ll = {(uint32_t)i + 1, ln->line_control_number, proc, mods, ln->charge_cents,
                      ln->units, date};
        if (!lg_claim_line_add(in->l, cid, &ll, in->err)) {
            in->fatal = X12_ERR_LEDGER;
            return 1;
        }
        in->st.lines++;
    }
    return 0;
}

X12_API x12_status x12_ledger_ingest_claims(x12_ledger *l, const char *path,
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
    ingest in;
    memset(&in, 0, sizeof in);
    in.l = l;
    in.path = path;
    in.fn = fn;
    in.ctx = ctx;
    in.err = err;
    if (lg_begin(l, err) != X12_OK)
        return X12_ERR_LEDGER;
    x12_claim_reader_callbacks cb = {on_claim, on_finding};
    x12_status rs = x12_claim_read_file(path, ro, &cb, &in, X12_WALK_BALANCE);
    x12_status st = lg_end_file(l, in.fatal, rs, NULL, in.reader_error, in.file_id != 0, &in.st, err);
    if (stats)
        *stats = in.st;
    return st;
}
