/* libFuzzer target for the reconciliation ledger: arbitrary bytes read as an
 * 837 (claim reader) or an 835 (remit reader), fed to a fresh in-memory
 * ledger directly or through a spool (flattened records written to a
 * temporary file and read back), then matched and reported.  The input's
 * length modulo 8 picks (so that seed files are read whole): bit 0 an 835,
 * bit 1 a spool, bit 2 the input twice (the second ingest must add nothing).  Seeded with fixtures/ (837s and 835s in
 * reconcile/ and claims/).  Sanitizers check, and a second ingest of the
 * same bytes must add nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <x12/claim.h>
#include <x12/ledger.h>
#include <x12/remit.h>

#include "fuzz_common.h"

typedef struct fz {
    x12_ledger_feed *feed;
    x12_claim_reader *cr;
    x12_remit_reader *rr;
} fz;

static int on_claim(void *ctx, const x12_claim *c, const x12_claim_context *cx)
{
    return x12_ledger_feed_claim(((fz *)ctx)->feed, c, cx) != 0;
}

static int on_payment(void *ctx, const x12_remit_payment *p)
{
    return x12_ledger_feed_payment(((fz *)ctx)->feed, p) != 0;
}

static int on_remit(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)cx;
    return x12_ledger_feed_remit(((fz *)ctx)->feed, p, c) != 0;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    return x12_ledger_feed_plb(((fz *)ctx)->feed, p, e) != 0;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    x12_ledger_feed_finding(((fz *)ctx)->feed, f);
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    fz *z = ctx;
    x12_status s = z->cr ? x12_claim_reader_segment(z->cr, seg) : x12_remit_reader_segment(z->rr, seg);
    return s == X12_ERR_NOMEM || s == X12_ERR_STOPPED;
}

static void on_err(void *ctx, const x12_error *e)
{
    fz *z = ctx;
    if (z->cr)
        x12_claim_reader_error(z->cr, e);
    else
        x12_remit_reader_error(z->rr, e);
}

static int on_row(void *ctx, const x12_recon_row *row)
{
    (void)row;
    (*(unsigned long *)ctx)++;
    return 0;
}

/* One ingest of the input; returns the ingest's status, stats in *st. */
static x12_status ingest(x12_ledger *l, int remits, int spooled, const uint8_t *data, size_t size,
                         x12_ledger_ingest_stats *st)
{
    x12_ledger_feed_kind kind = remits ? X12_LEDGER_FEED_REMITS : X12_LEDGER_FEED_CLAIMS;
    fz z = {0};
    x12_error err;
    x12_status s = spooled ? x12_ledger_spool_new(kind, "fuzz", &z.feed, &err)
                           : x12_ledger_feed_new(l, kind, "fuzz", &z.feed, &err);
    if (s != X12_OK)
        return s;
    if (remits) {
        x12_remit_callbacks cb = {on_payment, on_remit, on_plb, NULL, on_finding};
        z.rr = x12_remit_reader_new(&cb, &z, 0, NULL);
    } else {
        x12_claim_reader_callbacks cb = {on_claim, on_finding};
        z.cr = x12_claim_reader_new(&cb, &z, 0, NULL);
    }
    if (!z.rr && !z.cr)
        abort();
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if ((z.cr ? x12_claim_reader_use_spec(z.cr, FUZZ_SPECS[i])
                  : x12_remit_reader_use_spec(z.rr, FUZZ_SPECS[i])) != X12_OK)
            abort();
    fuzz_read_lenient(data, size, on_seg, on_err, &z);
    if (z.cr) {
        x12_claim_reader_finish(z.cr);
        x12_claim_reader_free(z.cr);
    } else {
        x12_remit_reader_finish(z.rr);
        x12_remit_reader_free(z.rr);
    }
    if (spooled) {
        s = x12_ledger_spool_apply(l, z.feed, X12_OK, st, &err);
        x12_ledger_feed_end(z.feed, X12_OK, NULL, NULL); /* frees the spool */
        return s;
    }
    return x12_ledger_feed_end(z.feed, X12_OK, st, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    unsigned mode = (unsigned)(size % 8);
    int remits = mode & 1, spooled = (mode >> 1) & 1, twice = (mode >> 2) & 1;
    x12_ledger *l;
    x12_error err;
    if (x12_ledger_open(":memory:", &l, &err) != X12_OK)
        abort();
    x12_ledger_ingest_stats st1, st2;
    x12_status s = ingest(l, remits, spooled, data, size, &st1);
    if (s == X12_OK && twice && !st1.rolled_back) {
        /* the same file again adds nothing (ingest is keyed and idempotent) */
        if (ingest(l, remits, !spooled, data, size, &st2) == X12_OK && !st2.rolled_back &&
            (st2.claims != 0 || st2.sets != 0 || st2.payments != 0 || st2.plb != 0)) {
            fprintf(stderr, "second ingest added: claims %u, sets %u, payments %u, plb %u\n",
                    st2.claims, st2.sets, st2.payments, st2.plb);
            abort();
        }
    }
    x12_ledger_match_stats ms;
    x12_ledger_match(l, &ms, &err);
    unsigned long rows = 0;
    x12_recon_totals t;
    x12_ledger_report(l, "2026-01-01", on_row, &rows, &t, &err);
    x12_ledger_close(l);
    return 0;
}
