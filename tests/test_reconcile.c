/* Ingest of real files into the ledger: the reconciliation fixtures
 * (fixtures/reconcile/README.md lists what each claim should come to),
 * idempotence, files that cannot be read, and the report over all of it. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <x12/ledger.h>

#include "support.h"

#define FIX X12KIT_SOURCE_DIR "/fixtures/reconcile/"

typedef struct seen {
    unsigned findings, errors, reader_errors;
    char first[160];
} seen;

static void on_finding(void *ctx, const x12_finding *f)
{
    seen *s = ctx;
    s->findings++;
    if (f->severity == X12_SEV_ERROR)
        s->errors++;
    if (f->err.code > 0 && f->err.code < 50)
        s->reader_errors++;
    if (!s->first[0])
        x12_error_format(&f->err, s->first, sizeof s->first);
}

static x12_ledger *open_mem(void)
{
    x12_ledger *l = NULL;
    assert_int_equal(x12_ledger_open(":memory:", &l, NULL), X12_OK);
    return l;
}

typedef struct got {
    char id[32];
    x12_recon_status status;
    int64_t billed, allowed, paid, pr;
    int32_t age;
    uint32_t remits, lines, matched;
} got;

typedef struct rows {
    got r[32];
    int n;
} rows;

static int collect(void *ctx, const x12_recon_row *row)
{
    rows *rs = ctx;
    assert_true(rs->n < 32);
    got *g = &rs->r[rs->n++];
    snprintf(g->id, sizeof g->id, "%s", row->claim_id);
    g->status = row->status;
    g->billed = row->billed;
    g->allowed = row->allowed;
    g->paid = row->paid;
    g->pr = row->patient_responsibility;
    g->age = row->age_days;
    g->remits = row->remits;
    g->lines = row->lines;
    g->matched = row->lines_matched;
    return 0;
}

static const got *find(const rows *rs, const char *id, int nth)
{
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].id, id) == 0 && nth-- == 0)
            return &rs->r[i];
    fail_msg("no row for %s", id);
    return NULL;
}

static void test_claims_ingest_idempotent(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_ledger_ingest_stats st;
    x12_error err;
    seen s = {0};
    assert_int_equal(x12_ledger_ingest_claims(l, FIX "claims-1.837", NULL, on_finding, &s, &st, &err), X12_OK);
    assert_int_equal(s.errors, 0);
    assert_int_equal(st.sets, 1);
    assert_int_equal(st.claims, 8);
    assert_int_equal(st.lines, 11);
    assert_int_equal(st.sets_skipped, 0);
    assert_int_equal(st.rolled_back, 0);
    /* the same file again adds nothing */
    assert_int_equal(x12_ledger_ingest_claims(l, FIX "claims-1.837", NULL, on_finding, &s, &st, &err), X12_OK);
    assert_int_equal(st.sets, 0);
    assert_int_equal(st.claims, 0);
    assert_int_equal(st.sets_skipped, 1);
    rows rs = {0};
    x12_recon_totals t;
    assert_int_equal(x12_ledger_report(l, "2026-11-30", collect, &rs, &t, &err), X12_OK);
    assert_int_equal(rs.n, 8);
    const got *g = find(&rs, "RC-PAID-1", 0);
    assert_int_equal(g->status, X12_RECON_PENDING);
    assert_int_equal(g->billed, 14000);
    assert_int_equal(g->lines, 2);
    assert_int_equal(g->age, 60); /* BHT04 2026-10-01 */
    assert_int_equal(t.aging_count[1], 8);
    assert_int_equal(t.aging_billed[1], 14000 + 20000 + 12500 + 12500 + 18500 + 13500 + 12500 + 9000);
    x12_ledger_close(l);
}

/* A truncated 837 is kept entirely or not at all: here not at all. */
static void test_claims_truncated_rolled_back(void **state)
{
    (void)state;
    size_t n;
    char *data = read_file(FIX "claims-1.837", &n);
    assert_non_null(data);
    char path[] = "/tmp/x12-trunc-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, data, n * 2 / 3); /* cut inside the claims */
    free(data);
    x12_ledger *l = open_mem();
    x12_ledger_ingest_stats st;
    x12_error err;
    seen s = {0};
    assert_int_equal(x12_ledger_ingest_claims(l, path, NULL, on_finding, &s, &st, &err),
                     X12_ERR_LEDGER_ROLLED_BACK);
    assert_true(s.reader_errors > 0);
    assert_int_equal(st.rolled_back, 1);
    assert_int_equal(st.claims, 0);
    x12_recon_totals t;
    assert_int_equal(x12_ledger_report(l, "2026-11-30", NULL, NULL, &t, &err), X12_OK);
    assert_int_equal(t.rows, 0);
    /* the whole file afterwards goes in as if nothing had happened */
    assert_int_equal(x12_ledger_ingest_claims(l, FIX "claims-1.837", NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.claims, 8);
    /* line breaks after each terminator: errors for the strict defaults
     * (`ro` NULL), accepted when the caller asks for leniency */
    data = read_file(FIX "claims-1.837", &n);
    char *broken = malloc(n * 2);
    size_t bn = 0;
    for (size_t i = 0; i < n; i++) {
        broken[bn++] = data[i];
        if (data[i] == '~')
            broken[bn++] = '\n';
    }
    write_file(path, broken, bn);
    free(broken);
    free(data);
    x12_ledger *l2 = open_mem();
    assert_int_equal(x12_ledger_ingest_claims(l2, path, NULL, NULL, NULL, &st, &err), X12_ERR_LEDGER_ROLLED_BACK);
    assert_int_equal(st.claims, 0);
    x12_reader_options lo;
    x12_reader_options_init(&lo);
    lo.flags = X12_READ_LENIENT;
    assert_int_equal(x12_ledger_ingest_claims(l2, path, &lo, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.claims, 8);
    x12_ledger_close(l2);
    remove(path);
    /* a file that is not there */
    assert_int_not_equal(x12_ledger_ingest_claims(l, "/nonexistent/claims.837", NULL, NULL, NULL, &st, &err),
                         X12_OK);
    assert_int_equal(st.rolled_back, 1);
    assert_int_equal(x12_ledger_ingest_claims(NULL, "x", NULL, NULL, NULL, &st, &err), X12_ERR_USAGE);
    x12_ledger_close(l);
}

/* 835s: stats, the resent payment skipped, PLB kept, a truncated file
 * rolled back, an unbalanced one kept with its finding. */
static void test_remits_ingest(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_ledger_ingest_stats st;
    x12_error err;
    seen s = {0};
    /* the 835 fixtures have a line break after each segment: lenient */
    x12_reader_options lo;
    x12_reader_options_init(&lo);
    lo.flags = X12_READ_LENIENT;
    const x12_reader_options *ro = &lo;
    /* strictly read, the line breaks are errors and nothing is kept */
    assert_int_equal(x12_ledger_ingest_remits(l, FIX "era-1.835", NULL, NULL, NULL, &st, &err),
                     X12_ERR_LEDGER_ROLLED_BACK);
    assert_int_equal(x12_ledger_ingest_remits(l, FIX "era-1.835", ro, on_finding, &s, &st, &err), X12_OK);
    assert_int_equal(s.errors, 0);
    assert_int_equal(st.payments, 1);
    assert_int_equal(st.claims, 7);
    assert_int_equal(st.lines, 9);
    assert_int_equal(st.plb, 2);
    assert_int_equal(x12_ledger_ingest_remits(l, FIX "era-1-resent.835", ro, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.payments, 0);
    assert_int_equal(st.payments_skipped, 1);
    assert_int_equal(st.claims, 0);
    /* no claims yet: every payment is a remit without a claim */
    x12_recon_totals t;
    rows rs = {0};
    assert_int_equal(x12_ledger_report(l, "2026-11-30", collect, &rs, &t, &err), X12_OK);
    assert_int_equal(t.by_status[X12_RECON_UNMATCHED_REMIT], 7);
    assert_int_equal(t.paid, 64000);
    assert_int_equal(t.plb_total, 750);
    assert_int_equal(t.payments_total, 63250);
    assert_true(t.ties_out);
    /* the claims arrive: the same payments now match */
    assert_int_equal(x12_ledger_ingest_claims(l, FIX "claims-1.837", NULL, NULL, NULL, &st, &err), X12_OK);
    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, 7);
    assert_int_equal(ms.unmatched, 0);
    assert_int_equal(ms.lines_matched, 9);
    memset(&rs, 0, sizeof rs);
    assert_int_equal(x12_ledger_report(l, "2026-11-30", collect, &rs, &t, &err), X12_OK);
    assert_int_equal(find(&rs, "RC-PART-1", 0)->status, X12_RECON_PARTIAL);
    assert_int_equal(find(&rs, "RC-PART-1", 0)->allowed, 15000);
    assert_int_equal(find(&rs, "RC-NOREF-1", 0)->matched, 2);

    /* truncated: rolled back, nothing of it kept */
    size_t n;
    char *data = read_file(FIX "era-2.835", &n);
    char path[] = "/tmp/x12-cut835-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, data, n / 2);
    memset(&s, 0, sizeof s);
    assert_int_equal(x12_ledger_ingest_remits(l, path, ro, on_finding, &s, &st, &err),
                     X12_ERR_LEDGER_ROLLED_BACK);
    assert_true(s.reader_errors > 0);
    assert_int_equal(st.rolled_back, 1);
    assert_int_equal(st.claims, 0);
    assert_int_equal(x12_ledger_report(l, "2026-11-30", NULL, NULL, &t, &err), X12_OK);
    assert_int_equal(t.payments, 1);
    /* unbalanced (BPR02 one dollar high): kept, with a balancing finding */
    char *bpr = strstr(data, "BPR*I*130*");
    assert_non_null(bpr);
    bpr[8] = '1';
    write_file(path, data, n);
    free(data);
    memset(&s, 0, sizeof s);
    assert_int_equal(x12_ledger_ingest_remits(l, path, ro, on_finding, &s, &st, &err), X12_OK);
    assert_int_equal(s.errors, 1);
    assert_non_null(strstr(s.first, "BPR"));
    assert_int_equal(st.payments, 1);
    assert_int_equal(st.claims, 6);
    assert_int_equal(x12_ledger_report(l, "2026-11-30", NULL, NULL, &t, &err), X12_OK);
    assert_false(t.ties_out);
    assert_int_equal(t.payments_total, 63250 + 13100);
    remove(path);
    x12_ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_ingest_idempotent),
        cmocka_unit_test(test_claims_truncated_rolled_back),
        cmocka_unit_test(test_remits_ingest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
