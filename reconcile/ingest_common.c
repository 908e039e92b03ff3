/* What the 837 and 835 ingests share: starting and ending one file's SQL
 * transaction, findings, the files row, dates and modifiers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_internal.h"

x12_status lg_ingest_start(lg_ingest *in, x12_ledger *l, const char *kind, const char *path,
                           const x12_reader_options *ro, x12_ledger_finding_fn fn, void *ctx,
                           x12_ledger_ingest_stats *stats, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (stats)
        memset(stats, 0, sizeof *stats);
    memset(in, 0, sizeof *in);
    if (!l || !path)
        return X12_ERR_USAGE;
    in->l = l;
    in->kind = kind;
    in->path = path;
    in->fn = fn;
    in->ctx = ctx;
    in->err = err;
    /* strict unless told otherwise, like every library reader */
    if (ro)
        in->ro = *ro;
    else
        x12_reader_options_init(&in->ro);
    return lg_begin(l, err);
}

int lg_ingest_takes(const x12_finding *f)
{
    return f->err.code != X12_ERR_CLAIM_NOT_CARRIED || f->severity == X12_SEV_WARNING;
}

void lg_ingest_finding(lg_ingest *in, const x12_finding *f)
{
    if (f->severity == X12_SEV_ERROR) {
        in->st.errors++;
        /* syntax and envelope errors: the file could not be read to its end */
        if (f->err.code > X12_OK && f->err.code < 50)
            in->reader_error = 1;
    }
    if (in->fn)
        in->fn(in->ctx, f);
}

int lg_ingest_file_row(lg_ingest *in)
{
    if (in->file_id)
        return 1;
    in->file_id = lg_file_add(in->l, in->kind, in->path, in->err);
    if (!in->file_id)
        in->fatal = in->l->fail;
    return in->file_id != 0;
}

x12_status lg_ingest_end(lg_ingest *in, x12_status read_status, const x12_error *read_err,
                         x12_ledger_ingest_stats *stats)
{
    x12_status st = lg_end_file(in->l, in->fatal, read_status, read_err, in->reader_error,
                                in->file_id != 0, &in->st, in->err);
    if (stats)
        *stats = in->st;
    return st;
}

int lg_emit(lg_ingest *in, const lg_rec *r, int (*apply)(void *in, const lg_rec *r))
{
    if (in->spool)
        return (in->fatal = lg_spool_put(in->spool, r)) != X12_OK;
    return apply(in, r);
}

void lg_iso_date(const char *x12, char out[11])
{
    out[0] = '\0';
    if (!x12)
        return;
    for (int i = 0; i < 8; i++)
        if (x12[i] < '0' || x12[i] > '9')
            return; /* also stops at the NUL of a shorter string */
    memcpy(out, x12, 4);
    out[4] = '-';
    memcpy(out + 5, x12 + 4, 2);
    out[7] = '-';
    memcpy(out + 8, x12 + 6, 2);
    out[10] = '\0';
}

void lg_join_modifiers(char *out, size_t cap, const char *const m[4])
{
    out[0] = '\0';
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (!m[i] || !m[i][0])
            continue;
        size_t len = strlen(m[i]), sep = n ? 1 : 0;
        if (sep + len >= cap - n)
            break; /* the whole modifier or none of it */
        if (sep)
            out[n++] = ':';
        memcpy(out + n, m[i], len);
        n += len;
        out[n] = '\0';
    }
}

/* --- feeds --------------------------------------------------------------- */

void *lg_feed_state(x12_ledger_feed *f, size_t size)
{
    if (!(f->in = calloc(1, size))) {
        f->err.code = X12_ERR_NOMEM;
        f->err.msg = x12_status_message(X12_ERR_NOMEM);
    }
    return f->in;
}

void lg_feed_free(x12_ledger_feed *f)
{
    if (!f)
        return;
    if (f->in) {
        lg_spool_free(((lg_ingest *)f->in)->spool);
        if (f->kind == X12_LEDGER_FEED_REMITS)
            lg_feed_free_remits(f->in);
        else
            lg_feed_free_claims(f->in);
    }
    free(f->in);
    free(f);
}

x12_status lg_feed_make(x12_ledger_feed_kind kind, x12_ledger *l, const char *path,
                        x12_ledger_feed **out, x12_error *err)
{
    *out = NULL;
    x12_ledger_feed *f = calloc(1, sizeof *f);
    if (!f) {
        lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
        return X12_ERR_NOMEM;
    }
    f->kind = kind;
    x12_status st = kind == X12_LEDGER_FEED_CLAIMS ? lg_feed_start_claims(f, l, path)
                                                   : lg_feed_start_remits(f, l, path);
    if (st != X12_OK) {
        if (err)
            *err = f->err;
        lg_feed_free(f);
        return st;
    }
    *out = f;
    return X12_OK;
}

X12_API x12_status x12_ledger_feed_new(x12_ledger *l, x12_ledger_feed_kind kind, const char *path,
                                       x12_ledger_feed **out, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (out)
        *out = NULL;
    if (!l || !path || !out || (kind != X12_LEDGER_FEED_CLAIMS && kind != X12_LEDGER_FEED_REMITS)) {
        lg_set_err(err, X12_ERR_USAGE, NULL, NULL);
        return X12_ERR_USAGE;
    }
    return lg_feed_make(kind, l, path, out, err);
}

X12_API void x12_ledger_feed_finding(x12_ledger_feed *f, const x12_finding *finding)
{
    /* as the ingests' own readers */
    if (f && f->in && finding && lg_ingest_takes(finding))
        lg_ingest_finding((lg_ingest *)f->in, finding);
}

X12_API x12_status x12_ledger_feed_end(x12_ledger_feed *f, x12_status read_status,
                                       x12_ledger_ingest_stats *stats, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (!f)
        return X12_OK;
    lg_ingest *in = f->in;
    x12_status st = X12_OK;
    if (in->spool) { /* a spool is only freed: x12_ledger_spool_apply() adds it */
        if (stats)
            memset(stats, 0, sizeof *stats);
    } else {
        st = lg_ingest_end(in, read_status, NULL, stats);
        if (err)
            *err = f->err;
    }
    lg_feed_free(f);
    return st;
}
