/* Ingest: the ledger as a consumer of the typed readers.  The 837 reader
 * (claim.h) hands over one claim at a time, the 835 reader (remit.h) one
 * claim payment at a time; each becomes rows, and the whole file is one SQL
 * transaction that a reader error rolls back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/claim.h>

#include "ledger_internal.h"

/* The end of an RD8 period ("CCYYMMDD-CCYYMMDD"), else the date itself. */
static void iso_date_end(const char *x12, char out[11])
{
    const char *dash = x12 ? strchr(x12, '-') : NULL;
    lg_iso_date(dash ? dash + 1 : x12, out);
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
    lg_ingest b;         /* first: the shared state */
    /* applying (to the ledger) */
    uint32_t cur_set;    /* set number of the current claims */
    int skip_set;        /* the current set is already in the ledger */
    int64_t sub_id;
    /* flattening (from the claim reader) */
    uint32_t flat_set;   /* the set of the last LG_REC_SET */
    lg_rec_buf rb;
    struct line_text {
        char mods[64], date[11];
    } *text;             /* one per line of rb.rec.lines */
    size_t text_cap;
    /* the text of rb.rec.sub and rb.rec.claim */
    char sender[32], isa13[16], gs06[16], st02[16], date[11];
    char name[128], from[11], to[11];
} ingest;

static void on_finding(void *ctx, const x12_finding *f)
{
    ingest *in = ctx;
    if (lg_ingest_takes(f))
        lg_ingest_finding(&in->b, f);
}

/* --- applying records --------------------------------------------------------- */

static int apply_set(ingest *in, uint32_t set, const lg_submission *s)
{
    in->cur_set = set;
    int e = lg_submission_exists(in->b.l, s, in->b.err);
    if (e < 0) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    in->skip_set = e;
    if (e) {
        in->b.st.sets_skipped++;
        return 0;
    }
    if (!lg_ingest_file_row(&in->b))
        return 1;
    in->sub_id = lg_submission_add(in->b.l, in->b.file_id, s, in->b.err);
    if (!in->sub_id) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    in->b.st.sets++;
    return 0;
}

static int apply_claim(ingest *in, const lg_claim *lc, const lg_line *lines)
{
    if (in->skip_set)
        return 0;
    int64_t cid = lg_claim_add(in->b.l, in->sub_id, lc, in->b.err);
    if (!cid) {
        in->b.fatal = in->b.l->fail;
        return 1;
    }
    in->b.st.claims++;
    for (uint32_t i = 0; i < lc->line_count; i++) {
        if (!lg_claim_line_add(in->b.l, cid, &lines[i], in->b.err)) {
            in->b.fatal = in->b.l->fail;
            return 1;
        }
        in->b.st.lines++;
    }
    return 0;
}

int lg_claims_apply(void *p, const lg_rec *r)
{
    ingest *in = p;
    if (in->b.fatal)
        return 1;
    if (r->type == LG_REC_SET)
        return apply_set(in, r->set, &r->sub);
    if (r->type == LG_REC_CLAIM)
        return apply_claim(in, &r->claim, r->lines);
    return 0;
}

static int emit(ingest *in, const lg_rec *r)
{
    return lg_emit(&in->b, r, lg_claims_apply);
}

/* --- flattening what the 837 reader hands over --------------------------------- */

static int claim_set(ingest *in, const x12_claim_context *cx)
{
    if (cx->set == in->flat_set)
        return 0;
    in->flat_set = cx->set;
    const x12_claim_header *h = cx->header;
    trim_copy(in->sender, sizeof in->sender, h->isa.sender_id);
    snprintf(in->isa13, sizeof in->isa13, "%09u", (unsigned)h->isa.control_number);
    snprintf(in->gs06, sizeof in->gs06, "%u", (unsigned)h->gs.control_number);
    snprintf(in->st02, sizeof in->st02, "%0*u", h->st_control_width ? (int)h->st_control_width : 4,
             (unsigned)h->st_control_number);
    lg_iso_date(h->bht_date ? h->bht_date : h->gs.date, in->date);
    lg_rec *r = &in->rb.rec;
    r->type = LG_REC_SET;
    r->set = cx->set;
    r->sub = (lg_submission){in->sender, in->isa13, in->gs06, in->st02,
                             h->implementation_ref ? h->implementation_ref
                                                   : (h->gs.version ? h->gs.version : ""),
                             in->date, h->bht_type ? h->bht_type : "CH"};
    return emit(in, r);
}

static int on_claim(void *ctx, const x12_claim *c, const x12_claim_context *cx)
{
    ingest *in = ctx;
    if (in->b.fatal || claim_set(in, cx))
        return 1;
    const x12_claim_subscriber *sub = c->subscriber;
    const x12_claim_party *pat = c->patient ? &c->patient->patient : (sub ? &sub->subscriber : NULL);
    char *name = in->name, *from = in->from, *to = in->to;
    name[0] = from[0] = to[0] = '\0';
    if (pat && pat->last_name)
        snprintf(name, sizeof in->name, "%s%s%s", pat->last_name, pat->first_name ? " " : "",
                 pat->first_name ? pat->first_name : "");
    /* the claim's service period: the statement dates (837I), else the
     * span of the lines' service dates */
    if (c->statement_from) {
        lg_iso_date(c->statement_from, from);
        lg_iso_date(c->statement_to ? c->statement_to : c->statement_from, to);
    }
    for (size_t i = 0; i < c->line_count; i++) {
        char a[11], b[11];
        lg_iso_date(c->lines[i].service_date, a);
        iso_date_end(c->lines[i].service_date, b);
        if (a[0] && (!from[0] || strcmp(a, from) < 0))
            memcpy(from, a, sizeof a);
        if (b[0] && (!to[0] || strcmp(b, to) > 0))
            memcpy(to, b, sizeof b);
    }
    if (c->line_count > in->text_cap) {
        struct line_text *t = realloc(in->text, c->line_count * sizeof *t);
        if (!t) {
            in->b.fatal = X12_ERR_NOMEM;
            return 1;
        }
        in->text = t;
        in->text_cap = c->line_count;
    }
    if (lg_rec_reserve(&in->rb, c->line_count, 0, 0, 0) != 0) {
        in->b.fatal = X12_ERR_NOMEM;
        return 1;
    }
    lg_rec *r = &in->rb.rec;
    r->type = LG_REC_CLAIM;
    r->claim = (lg_claim){c->claim_id,
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
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_claim_line *ln = &c->lines[i];
        struct line_text *t = &in->text[i];
        lg_join_modifiers(t->mods, sizeof t->mods, ln->modifiers);
        lg_iso_date(ln->service_date, t->date);
        /* 837I lines may carry only a revenue code; the 835 then pays
         * SVC01 NU:revenue code */
        const char *proc = ln->procedure && ln->procedure[0] ? ln->procedure : ln->revenue_code;
        r->lines[i] = (lg_line){(uint32_t)i + 1, ln->line_control_number, proc, t->mods,
                                ln->charge_cents, ln->units, t->date};
    }
    return emit(in, r);
}

void lg_feed_free_claims(void *p)
{
    ingest *in = p;
    lg_rec_buf_free(&in->rb);
    free(in->text);
}

x12_status lg_feed_start_claims(x12_ledger_feed *f, x12_ledger *l, const char *path)
{
    ingest *in = lg_feed_state(f, sizeof *in);
    if (!in)
        return X12_ERR_NOMEM;
    in->cur_set = in->flat_set = UINT32_MAX;
    return l ? lg_ingest_start(&in->b, l, "837", path, NULL, NULL, NULL, NULL, &f->err) : X12_OK;
}

X12_API int x12_ledger_feed_claim(x12_ledger_feed *f, const x12_claim *claim,
                                  const x12_claim_context *cx)
{
    if (!f || f->kind != X12_LEDGER_FEED_CLAIMS || !f->in)
        return 1;
    on_claim(f->in, claim, cx);
    return ((ingest *)f->in)->b.fatal != X12_OK;
}

X12_API x12_status x12_ledger_ingest_claims(x12_ledger *l, const char *path,
                                            const x12_reader_options *ro,
                                            x12_ledger_finding_fn fn, void *ctx,
                                            x12_ledger_ingest_stats *stats, x12_error *err)
{
    ingest in;
    memset(&in, 0, sizeof in);
    x12_status st = lg_ingest_start(&in.b, l, "837", path, ro, fn, ctx, stats, err);
    if (st != X12_OK)
        return st;
    in.cur_set = in.flat_set = UINT32_MAX;
    x12_claim_reader_callbacks cb = {on_claim, on_finding};
    x12_status rs = x12_claim_read_file(path, &in.b.ro, &cb, &in, X12_WALK_BALANCE);
    st = lg_ingest_end(&in.b, rs, NULL, stats);
    lg_feed_free_claims(&in);
    return st;
}
