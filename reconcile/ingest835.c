/* Ingest of 835s: the ledger as a consumer of the walker's loop events over
 * a 005010X221A1 transaction set.  The payment header (BPR, TRN, 1000A,
 * 1000B) becomes a payments row when its first claim payment starts; each
 * claim payment (2100 with its 2110 lines) is gathered in an arena and
 * written when it ends, so memory is bounded by one claim payment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/amount.h>
#include <x12/arena.h>
#include <x12/walk.h>

#include "ledger_internal.h"

typedef struct adj {
    char group[3];
    char *reason, *quantity;
    int64_t cents;
    int line; /* 0 at claim level, else 1-based line */
} adj;

typedef struct rmk {
    char *code;
    int line;
} rmk;

typedef struct line {
    lg_rline l;
} line;

/* a growing array carved from the claim arena */
typedef struct vec {
    void *p;
    size_t n, cap;
} vec;

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
    x12_walker *w;
    /* the transaction set */
    x12_arena *hdr;
    lg_payment pay;
    int in_set, skip_set;
    int64_t pay_id;
    uint32_t seq;
    /* the claim payment being gathered */
    x12_arena *arena;
    int in_claim;
    lg_remit r;
    vec lines, adjs, rmks;
} ing835;

static void *vec_push(ing835 *in, vec *v, size_t size)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 8;
        void *p = x12_arena_alloc(in->arena, nc * size);
        if (!p) {
            in->fatal = X12_ERR_NOMEM;
            return NULL;
        }
        if (v->n)
            memcpy(p, v->p, v->n * size);
        v->p = p;
        v->cap = nc;
    }
    void *slot = (char *)v->p + v->n * size;
    memset(slot, 0, size);
    v->n++;
    return slot;
}

static const char *dup_in(ing835 *in, x12_arena *a, x12_slice s)
{
    char *p = x12_arena_slice(a, s);
    if (!p) {
        in->fatal = X12_ERR_NOMEM;
        return "";
    }
    return p;
}

static int64_t amount(x12_slice s)
{
    int64_t c = 0;
    if (s.len && x12_amount_parse(s, &c) != X12_OK)
        c = 0; /* the walker's element checks name the bad value */
    return c;
}

static void iso(ing835 *in, x12_arena *a, x12_slice d, const char **out)
{
    if (d.len != 8) {
        *out = "";
        return;
    }
    char buf[11];
    snprintf(buf, sizeof buf, "%.4s-%.2s-%.2s", d.ptr, d.ptr + 4, d.ptr + 6);
    *out = x12_arena_strdup(a, buf);
    if (!*out) {
        in->fatal = X12_ERR_NOMEM;
        *out = "";
    }
}

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

/* The payments row, once the header is complete.  Returns 0 on failure. */
static int ensure_payment(ing835 *in)
{
    if (in->pay_id || in->skip_set)
        return 1;
    int e = lg_payment_exists(in->l, &in->pay, in->err);
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
    in->pay_id = lg_payment_add(in->l, in->file_id, &in->pay, in->err);
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
        size_t nc = *cap ? *cap * 2 : 128;
        while (nc < *len + n + 2)
            nc *= 2;
        char *p = x12_arena_alloc(in->arena, nc);
        if (!p) {
            in->fatal = X12_ERR_NOMEM;
            return;
        }
        if (*len)
            memcpy(p, *buf, *len);
        *buf = p;
        *cap = nc;
    }
    if (*len)
        (*buf)[(*len)++] = ' ';
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* Writes the gathered claim payment with its lines, adjustments and remarks. */
static void flush_claim(ing835 *in)
{
    if (!in->in_claim)
        return;
    in->in_claim = 0;
    if (in->fatal || in->skip_set || !ensure_payment(in) || in->skip_set) {
        x12_arena_reset(in->arena);
        return;
    }
    lg_remit *r = &in->r;
    adj *adjs = in->adjs.p;
    rmk *rmks = in->rmks.p;
    line *lines = in->lines.p;
    /* adjustments by group, and by group and reason ("CO-45:4000", cents) */
    char *detail = NULL, *remarks = NULL;
    size_t dlen = 0, dcap = 0, rlen = 0, rcap = 0;
    for (size_t i = 0; i < in->adjs.n; i++) {
        int g = lg_group_index(adjs[i].group);
        if (g >= 0)
            r->adj[g] += adjs[i].cents;
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(adjs[j].group, adjs[i].group) && !strcmp(adjs[j].reason, adjs[i].reason))
                seen = 1;
        if (seen)
            continue;
        int64_t sum = 0;
        for (size_t j = i; j < in->adjs.n; j++)
            if (!strcmp(adjs[j].group, adjs[i].group) && !strcmp(adjs[j].reason, adjs[i].reason))
                sum += adjs[j].cents;
        char tok[48];
        snprintf(tok, sizeof tok, "%s-%.12s:%lld", adjs[i].group, adjs[i].reason, (long long)sum);
        add_text(in, &detail, &dlen, &dcap, tok);
    }
    for (size_t i = 0; i < in->rmks.n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(rmks[j].code, rmks[i].code))
                seen = 1;
        if (!seen)
            add_text(in, &remarks, &rlen, &rcap, rmks[i].code);
    }
    /* allowed: the lines' AMT*B6 when every line has one, else paid +
     * patient responsibility (docs/ledger.md) */
    int all_b6 = in->lines.n > 0;
    int64_t b6 = 0;
    r->lines_denied = 0;
    for (size_t i = 0; i < in->lines.n; i++) {
        if (lines[i].l.has_allowed)
            b6 += lines[i].l.allowed;
        else
            all_b6 = 0;
        if (lines[i].l.paid == 0 && lines[i].l.charge != 0)
            r->lines_denied++;
    }
    r->allowed = all_b6 ? b6 : r->paid + r->patient_responsibility;
    r->line_count = (uint32_t)in->lines.n;
    r->adj_detail = detail ? detail : "";
    r->remarks = remarks ? remarks : "";
    if (in->fatal) {
        x12_arena_reset(in->arena);
        return;
    }
    int64_t rid = lg_remit_add(in->l, in->pay_id, ++in->seq, r, in->err);
    int64_t *line_ids = rid ? x12_arena_alloc(in->arena, (in->lines.n + 1) * sizeof *line_ids) : NULL;
    if (!rid || !line_ids) {
        in->fatal = rid ? X12_ERR_NOMEM : X12_ERR_LEDGER;
        x12_arena_reset(in->arena);
        return;
    }
    in->st.claims++;
    for (size_t i = 0; i < in->lines.n; i++) {
        line_ids[i] = lg_remit_line_add(in->l, rid, &lines[i].l, in->err);
        if (!line_ids[i]) {
            in->fatal = X12_ERR_LEDGER;
            break;
        }
        in->st.lines++;
    }
    for (size_t i = 0; !in->fatal && i < in->adjs.n; i++) {
        int64_t lid = adjs[i].line ? line_ids[adjs[i].line - 1] : 0;
        if (lg_adjustment_add(in->l, rid, lid, adjs[i].group, adjs[i].reason, adjs[i].cents,
                              adjs[i].quantity, in->err) != X12_OK)
            in->fatal = X12_ERR_LEDGER;
    }
    for (size_t i = 0; !in->fatal && i < in->rmks.n; i++) {
        int64_t lid = rmks[i].line ? line_ids[rmks[i].line - 1] : 0;
        if (lg_remark_add(in->l, rid, lid, rmks[i].code, in->err) != X12_OK)
            in->fatal = X12_ERR_LEDGER;
    }
    x12_arena_reset(in->arena);
}

static void start_claim(ing835 *in, const x12_segment *s)
{
    flush_claim(in);
    in->in_claim = 1;
    memset(&in->r, 0, sizeof in->r);
    memset(&in->lines, 0, sizeof in->lines);
    memset(&in->adjs, 0, sizeof in->adjs);
    memset(&in->rmks, 0, sizeof in->rmks);
    lg_remit *r = &in->r;
    /* 005010X221A1 2100 CLP: 01 patient control number, 02 status, 03 charge,
     * 04 payment, 05 patient responsibility, 06 filing indicator, 07 payer
     * claim control number */
    r->clp01 = dup_in(in, in->arena, x12_segment_element(s, 1));
    r->status_code = dup_in(in, in->arena, x12_segment_element(s, 2));
    r->billed = amount(x12_segment_element(s, 3));
    r->paid = amount(x12_segment_element(s, 4));
    r->patient_responsibility = amount(x12_segment_element(s, 5));
    r->filing_indicator = dup_in(in, in->arena, x12_segment_element(s, 6));
    r->payer_claim_number = dup_in(in, in->arena, x12_segment_element(s, 7));
    r->original_reference = "";
    r->crossover_name = "";
}

static void add_remark(ing835 *in, x12_slice code, int line_no)
{
    if (!code.len)
        return;
    rmk *k = vec_push(in, &in->rmks, sizeof *k);
    if (k) {
        k->code = (char *)dup_in(in, in->arena, code);
        k->line = line_no;
    }
}

static void on_cas(ing835 *in, const x12_segment *s, int line_no)
{
    /* CAS01 group, then up to six reason/amount/quantity triples */
    x12_slice g = x12_segment_element(s, 1);
    for (unsigned k = 2; k + 1 <= 19; k += 3) {
        x12_slice reason = x12_segment_element(s, k);
        if (!reason.len)
            continue;
        adj *a = vec_push(in, &in->adjs, sizeof *a);
        if (!a)
            return;
        snprintf(a->group, sizeof a->group, "%.*s", (int)(g.len < 2 ? g.len : 2), g.ptr ? g.ptr : "");
        a->reason = (char *)dup_in(in, in->arena, reason);
        a->cents = amount(x12_segment_element(s, k + 1));
        a->quantity = (char *)dup_in(in, in->arena, x12_segment_element(s, k + 2));
        a->line = line_no;
    }
}

static void on_svc(ing835 *in, const x12_segment *s)
{
    line *ln = vec_push(in, &in->lines, sizeof *ln);
    if (!ln)
        return;
    lg_rline *l = &ln->l;
    x12_slice c1 = x12_segment_element(s, 1);
    l->line_no = (uint32_t)in->lines.n;
    l->procedure = dup_in(in, in->arena, x12_element_component(s, c1, 2));
    char mods[64] = "";
    size_t mn = 0;
    for (unsigned c = 3; c <= 6; c++) {
        x12_slice m = x12_element_component(s, c1, c);
        if (m.len && mn + m.len + 2 < sizeof mods) {
            if (mn)
                mods[mn++] = ':';
            memcpy(mods + mn, m.ptr, m.len);
            mn += m.len;
            mods[mn] = '\0';
        }
    }
    l->modifiers = x12_arena_strdup(in->arena, mods);
    if (!l->modifiers) {
        in->fatal = X12_ERR_NOMEM;
        l->modifiers = "";
    }
    l->charge = amount(x12_segment_element(s, 2));
    l->paid = amount(x12_segment_element(s, 3));
    l->units = dup_in(in, in->arena, x12_segment_element(s, 5));
    /* SVC06: the procedure as submitted when the payer paid another one */
    l->original_procedure = dup_in(in, in->arena, x12_element_component(s, x12_segment_element(s, 6), 2));
    l->line_control = "";
    l->service_date = "";
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    ing835 *in = ctx;
    if (in->fatal)
        return 1;
    if (ev->kind != X12_WALK_SEGMENT)
        return 0;
    const x12_segment *s = ev->seg;
    const char *loop = ev->loop_id ? ev->loop_id : "";
    x12_slice id = s->id;
    line *cur = in->lines.n ? &((line *)in->lines.p)[in->lines.n - 1] : NULL;
    int in_line = strcmp(loop, "2110") == 0 && cur;
    if (x12_slice_eq(id, "ST")) {
        x12_arena_reset(in->hdr);
        memset(&in->pay, 0, sizeof in->pay);
        in->in_set = x12_slice_eq(x12_segment_element(s, 1), "835");
        in->skip_set = 0;
        in->pay_id = 0;
        in->seq = 0;
        return 0;
    }
    if (!in->in_set)
        return 0;
    if (x12_slice_eq(id, "BPR")) {
        /* 005010X221A1 BPR02 total payment, BPR03 C credit / D debit */
        int64_t a = amount(x12_segment_element(s, 2));
        in->pay.amount = x12_slice_eq(x12_segment_element(s, 3), "D") ? -a : a;
        in->pay.method = dup_in(in, in->hdr, x12_segment_element(s, 4));
        iso(in, in->hdr, x12_segment_element(s, 16), &in->pay.payment_date);
    } else if (x12_slice_eq(id, "TRN")) {
        in->pay.trace_number = dup_in(in, in->hdr, x12_segment_element(s, 2));
        x12_slice payer = x12_segment_element(s, 3);
        if (payer.len)
            in->pay.payer_id = dup_in(in, in->hdr, payer);
    } else if (x12_slice_eq(id, "N1") && strcmp(loop, "1000A") == 0) {
        in->pay.payer_name = dup_in(in, in->hdr, x12_segment_element(s, 2));
        if (!in->pay.payer_id && x12_segment_element(s, 4).len)
            in->pay.payer_id = dup_in(in, in->hdr, x12_segment_element(s, 4));
    } else if (x12_slice_eq(id, "REF") && strcmp(loop, "1000A") == 0) {
        if (!in->pay.payer_id && x12_slice_eq(x12_segment_element(s, 1), "2U"))
            in->pay.payer_id = dup_in(in, in->hdr, x12_segment_element(s, 2));
    } else if (x12_slice_eq(id, "N1") && strcmp(loop, "1000B") == 0) {
        in->pay.payee_id = dup_in(in, in->hdr, x12_segment_element(s, 4));
    } else if (x12_slice_eq(id, "CLP")) {
        flush_claim(in);
        if (!ensure_payment(in))
            return 1;
        start_claim(in, s);
    } else if (in->in_claim && x12_slice_eq(id, "CAS")) {
        on_cas(in, s, in_line ? (int)in->lines.n : 0);
    } else if (in->in_claim && x12_slice_eq(id, "SVC")) {
        on_svc(in, s);
    } else if (in->in_claim && x12_slice_eq(id, "NM1") && !in_line) {
        /* 2100 NM1*TT: the payer the claim was crossed over to */
        if (x12_slice_eq(x12_segment_element(s, 1), "TT"))
            in->r.crossover_name = dup_in(in, in->arena, x12_segment_element(s, 3));
    } else if (in->in_claim && x12_slice_eq(id, "REF")) {
        x12_slice q = x12_segment_element(s, 1);
        if (in_line && x12_slice_eq(q, "6R"))
            cur->l.line_control = dup_in(in, in->arena, x12_segment_element(s, 2));
        else if (!in_line && x12_slice_eq(q, "F8"))
            in->r.original_reference = dup_in(in, in->arena, x12_segment_element(s, 2));
    } else if (in_line && x12_slice_eq(id, "DTM")) {
        x12_slice q = x12_segment_element(s, 1);
        if (x12_slice_eq(q, "472") || (x12_slice_eq(q, "150") && !cur->l.service_date[0]))
            iso(in, in->arena, x12_segment_element(s, 2), &cur->l.service_date);
    } else if (in_line && x12_slice_eq(id, "AMT")) {
        if (x12_slice_eq(x12_segment_element(s, 1), "B6")) {
            cur->l.has_allowed = 1;
            cur->l.allowed = amount(x12_segment_element(s, 2));
        }
    } else if (in_line && x12_slice_eq(id, "LQ")) {
        add_remark(in, x12_segment_element(s, 2), (int)in->lines.n);
    } else if (in->in_claim && x12_slice_eq(id, "MOA")) {
        /* MOA03-07 claim payment remark codes */
        for (unsigned k = 3; k <= 7; k++)
            add_remark(in, x12_segment_element(s, k), 0);
    } else if (in->in_claim && x12_slice_eq(id, "MIA")) {
        add_remark(in, x12_segment_element(s, 5), 0);
        for (unsigned k = 20; k <= 24; k++)
            add_remark(in, x12_segment_element(s, k), 0);
    } else if (x12_slice_eq(id, "PLB")) {
        flush_claim(in);
        if (!ensure_payment(in))
            return 1;
        if (!in->skip_set) {
            /* PLB01 provider, PLB02 fiscal period date, then up to six pairs:
             * adjustment identifier (reason:reference) and amount */
            x12_slice prov = x12_segment_element(s, 1), fy = x12_segment_element(s, 2);
            char pbuf[81], fbuf[16];
            snprintf(pbuf, sizeof pbuf, "%.*s", (int)(prov.len < 80 ? prov.len : 80), prov.ptr ? prov.ptr : "");
            snprintf(fbuf, sizeof fbuf, "%.*s", (int)(fy.len < 15 ? fy.len : 15), fy.ptr ? fy.ptr : "");
            for (unsigned k = 3; k + 1 <= 14; k += 2) {
                x12_slice ident = x12_segment_element(s, k);
                if (!ident.len)
                    continue;
                char reason[8], ref[64];
                x12_slice r0 = x12_element_component(s, ident, 1), r1 = x12_element_component(s, ident, 2);
                snprintf(reason, sizeof reason, "%.*s", (int)(r0.len < 7 ? r0.len : 7), r0.ptr ? r0.ptr : "");
                snprintf(ref, sizeof ref, "%.*s", (int)(r1.len < 63 ? r1.len : 63), r1.ptr ? r1.ptr : "");
                if (lg_plb_add(in->l, in->pay_id, pbuf, fbuf, reason, ref, amount(x12_segment_element(s, k + 1)),
                               in->err) != X12_OK) {
                    in->fatal = X12_ERR_LEDGER;
                    return 1;
                }
                in->st.plb++;
            }
        }
    } else if (x12_slice_eq(id, "SE")) {
        flush_claim(in);
        ensure_payment(in); /* a payment with no claim (all PLB, or nothing) still counts */
        in->in_set = 0;
    }
    return in->fatal != X12_OK;
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    ing835 *in = ctx;
    x12_status s = x12_walker_segment(in->w, seg);
    if (s == X12_ERR_NOMEM)
        in->fatal = X12_ERR_NOMEM;
    return s != X12_OK;
}

static void on_reader_error(void *ctx, const x12_error *e)
{
    ing835 *in = ctx;
    x12_walker_reader_error(in->w, e);
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
    in.hdr = x12_arena_new(NULL);
    in.arena = x12_arena_new(NULL);
    x12_walker_callbacks wc = {on_event, on_finding};
    /* 005010X221A1 balancing (SNIP 3) on every 835 read */
    in.w = in.hdr && in.arena ? x12_walker_new(&wc, &in, X12_WALK_BALANCE) : NULL;
    if (!in.w) {
        x12_arena_free(in.hdr);
        x12_arena_free(in.arena);
        return X12_ERR_NOMEM;
    }
    if (lg_begin(l, err) != X12_OK) {
        x12_walker_free(in.w);
        x12_arena_free(in.hdr);
        x12_arena_free(in.arena);
        return X12_ERR_LEDGER;
    }
    x12_reader_callbacks cb = {on_segment, on_reader_error};
    x12_status rs = x12_read_file(path, ro, &cb, &in);
    if (rs == X12_OK || rs == X12_ERR_STOPPED)
        x12_walker_finish(in.w);
    flush_claim(&in);
    x12_status st;
    if (in.fatal) {
        lg_rollback(l);
        st = in.fatal;
        in.st.rolled_back = 1;
    } else if (rs != X12_OK && rs != X12_ERR_STOPPED) {
        lg_rollback(l);
        st = rs;
        if (err && err->code == X12_OK) {
            err->code = rs;
            err->msg = x12_status_message(rs);
        }
        in.st.rolled_back = 1;
    } else if (in.reader_error) {
        lg_rollback(l);
        in.st.rolled_back = 1;
        st = X12_ERR_LEDGER_ROLLED_BACK;
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = st;
            err->msg = x12_status_message(st);
        }
    } else if (!in.file_id) {
        lg_rollback(l);
        st = X12_OK;
    } else {
        st = lg_commit(l, err);
        if (st != X12_OK)
            in.st.rolled_back = 1;
    }
    if (in.st.rolled_back)
        in.st.claims = in.st.lines = in.st.payments = in.st.plb = 0;
    x12_walker_free(in.w);
    x12_arena_free(in.hdr);
    x12_arena_free(in.arena);
    if (stats)
        *stats = in.st;
    return st;
}
