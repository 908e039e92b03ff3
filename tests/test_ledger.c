#define _POSIX_C_SOURCE 200809L
/* The ledger's store, matcher and report, driven through the private insert
 * API so that every matching and status rule is tested on its own, apart
 * from the 835 and 837 readers (tests/test_reconcile.c covers those). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <x12/claim.h>
#include <x12/remit.h>

#include "ledger_internal.h"
#include "support.h"

static x12_ledger *open_mem(void)
{
    x12_ledger *l = NULL;
    x12_error err;
    assert_int_equal(x12_ledger_open(":memory:", &l, &err), X12_OK);
    assert_non_null(l);
    return l;
}

/* --- building ledger content ------------------------------------------------ */

static int64_t g_file, g_sub;

static void begin_837_type(x12_ledger *l, const char *st02, const char *date, const char *type)
{
    x12_error err;
    assert_int_equal(lg_begin(l, &err), X12_OK);
    g_file = lg_file_add(l, "837", "test.837", &err);
    assert_true(g_file > 0);
    lg_submission s = {"SENDER", "000000001", "1", st02, "005010X222A1", date, type};
    assert_int_equal(lg_submission_exists(l, &s, &err), 0);
    g_sub = lg_submission_add(l, g_file, &s, &err);
    assert_true(g_sub > 0);
}

static void begin_837(x12_ledger *l, const char *st02, const char *date)
{
    begin_837_type(l, st02, date, NULL);
}

static int64_t add_claim(x12_ledger *l, const char *id, int64_t billed, const char *freq,
                         const char *icn, int nlines, const int64_t *charges, const char **controls)
{
    x12_error err;
    lg_claim c = {id, billed, freq, icn, "PAYER1", "PAYER ONE", "M1", "DOE JANE", "1234567893",
                  "2026-10-01", "2026-10-01", (uint32_t)nlines};
    int64_t cid = lg_claim_add(l, g_sub, &c, &err);
    assert_true(cid > 0);
    for (int i = 0; i < nlines; i++) {
        char proc[16];
        snprintf(proc, sizeof proc, "9921%d", i + 1);
        lg_line ln = {(uint32_t)i + 1, controls ? controls[i] : "", proc, "", charges[i], "1",
                      "2026-10-01"};
        assert_true(lg_claim_line_add(l, cid, &ln, &err) > 0);
    }
    return cid;
}

static int64_t g_pay;

static void begin_835(x12_ledger *l, const char *trace, int64_t amount, const char *date)
{
    x12_error err;
    assert_int_equal(lg_begin(l, &err), X12_OK);
    g_file = lg_file_add(l, "835", "test.835", &err);
    lg_payment p = {"PAYER1", trace, "PAYER ONE", "1234567893", amount, "ACH", date};
    assert_int_equal(lg_payment_exists(l, &p, &err), 0);
    g_pay = lg_payment_add(l, g_file, &p, &err);
    assert_true(g_pay > 0);
}

typedef struct rl {
    const char *control, *proc;
    int64_t charge, paid;
} rl;

static int64_t add_remit(x12_ledger *l, const char *clp01, const char *status, int64_t billed,
                         int64_t paid, int64_t pr, const char *icn, const char *orig,
                         const char *detail, int nlines, const rl *lines)
{
    x12_error err;
    static uint32_t seq;
    lg_remit r;
    memset(&r, 0, sizeof r);
    r.clp01 = clp01;
    r.status_code = status;
    r.billed = billed;
    r.paid = paid;
    r.patient_responsibility = pr;
    r.filing_indicator = "CI";
    r.payer_claim_number = icn;
    r.original_reference = orig;
    r.crossover_name = "";
    r.adj[1] = pr;
    r.adj[0] = billed - paid - pr;
    r.adj_detail = detail;
    r.remarks = "";
    r.allowed = paid + pr;
    r.line_count = (uint32_t)nlines;
    for (int i = 0; i < nlines; i++)
        if (lines[i].paid == 0 && lines[i].charge != 0)
            r.lines_denied++;
    int64_t rid = lg_remit_add(l, g_pay, ++seq, &r, &err);
    assert_true(rid > 0);
    for (int i = 0; i < nlines; i++) {
        lg_rline ln = {(uint32_t)i + 1, lines[i].control, lines[i].proc, "", "", lines[i].charge,
                       lines[i].paid, 0, 0, "1", "2026-10-01"};
        assert_true(lg_remit_line_add(l, rid, &ln, &err) > 0);
    }
    return rid;
}

static void commit(x12_ledger *l)
{
    x12_error err;
    assert_int_equal(lg_commit(l, &err), X12_OK);
}

/* --- collecting the report ---------------------------------------------------- */

typedef struct got {
    char id[32];
    x12_recon_status status;
    int64_t billed, allowed, paid, pr;
    int32_t age;
    char detail[128], traces[64], icn[32], sent[16], ttype[4];
    uint32_t remits, lines, matched;
} got;

typedef struct rows {
    got r[64];
    int n;
} rows;

static int collect(void *ctx, const x12_recon_row *row)
{
    rows *rs = ctx;
    assert_true(rs->n < 64);
    got *g = &rs->r[rs->n++];
    snprintf(g->id, sizeof g->id, "%s", row->claim_id);
    g->status = row->status;
    g->billed = row->billed;
    g->allowed = row->allowed;
    g->paid = row->paid;
    g->pr = row->patient_responsibility;
    g->age = row->age_days;
    snprintf(g->detail, sizeof g->detail, "%s", row->adjustment_detail);
    snprintf(g->traces, sizeof g->traces, "%s", row->trace_numbers);
    snprintf(g->icn, sizeof g->icn, "%s", row->payer_claim_number);
    snprintf(g->sent, sizeof g->sent, "%s", row->sent_again);
    snprintf(g->ttype, sizeof g->ttype, "%s", row->transaction_type);
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

/* --- tests ---------------------------------------------------------------------- */

/* An encounter (BHT06 RP) is reported, not billed for payment: while
 * pending it is counted apart, not in the aging of what is owed; a claim
 * for payment of the same age is aged.  The row says which it is. */
static void test_encounters_not_aged(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    const int64_t ch[1] = {10000};
    begin_837_type(l, "0001", "2026-09-01", "RP");
    add_claim(l, "ENC-1", 10000, "1", "", 1, ch, NULL);
    commit(l);
    begin_837(l, "0002", "2026-09-01");
    add_claim(l, "PAY-1", 10000, "1", "", 1, ch, NULL);
    commit(l);
    begin_837_type(l, "0003", "2026-09-01", "31");
    add_claim(l, "SUB-1", 10000, "1", "", 1, ch, NULL);
    commit(l);
    rows rs = {0};
    x12_recon_totals t;
    x12_error err;
    assert_int_equal(x12_ledger_report(l, "2026-10-11", collect, &rs, &t, &err), X12_OK);
    const got *e = find(&rs, "ENC-1", 0), *p = find(&rs, "PAY-1", 0), *u = find(&rs, "SUB-1", 0);
    assert_int_equal(e->status, X12_RECON_PENDING);
    assert_string_equal(e->ttype, "RP");
    assert_int_equal(e->age, 40);
    assert_string_equal(p->ttype, "CH");
    assert_string_equal(u->ttype, "31");
    /* 40 days: PAY-1 and SUB-1 in 31-60, the encounter apart */
    assert_int_equal(t.aging_count[0], 0);
    assert_int_equal(t.aging_count[1], 2);
    assert_int_equal(t.aging_billed[1], 20000);
    assert_int_equal(t.pending_encounters, 1);
    assert_int_equal(t.pending_encounters_billed, 10000);
    assert_int_equal(t.by_status[X12_RECON_PENDING], 3);
    /* paid, an encounter is no longer pending: nothing apart */
    begin_835(l, "TRN-E", 0, "2026-10-05");
    add_remit(l, "ENC-1", "1", 10000, 0, 0, "ICN-E", "", "", 0, NULL);
    commit(l);
    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(x12_ledger_report(l, "2026-10-11", NULL, NULL, &t, &err), X12_OK);
    assert_int_equal(t.pending_encounters, 0);
    x12_ledger_close(l);
}

/* A ledger of schema version 2 (before the transaction type) is migrated
 * when opened: its sets are claims for payment (CH), its rows kept. */
static void test_migrate_from_version_2(void **state)
{
    (void)state;
    char path[] = "/tmp/x12-ledger-v2-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    x12_ledger *l;
    x12_error err;
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_OK);
    begin_837(l, "0001", "2026-10-02");
    const int64_t ch[1] = {10000};
    add_claim(l, "OLD-1", 10000, "1", "", 1, ch, NULL);
    commit(l);
    /* back to version 2 as an older x12kit left it */
    assert_int_equal(lg_exec(l, "ALTER TABLE submissions DROP COLUMN transaction_type", &err),
                     X12_OK);
    assert_int_equal(lg_exec(l, "PRAGMA user_version = 2", &err), X12_OK);
    x12_ledger_close(l);
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_OK);
    assert_int_equal(x12_ledger_schema_version(l), 3);
    rows rs = {0};
    assert_int_equal(x12_ledger_report(l, "2026-10-12", collect, &rs, NULL, &err), X12_OK);
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.r[0].id, "OLD-1");
    assert_string_equal(rs.r[0].ttype, "CH");
    assert_int_equal(rs.r[0].age, 10);
    x12_ledger_close(l);
    unlink(path);
    char aux[64];
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

static void test_open_and_version(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    assert_int_equal(x12_ledger_schema_version(l), X12_LEDGER_SCHEMA_VERSION);
    x12_ledger_close(l);
    x12_ledger_close(NULL);

    char path[] = "/tmp/x12-ledger-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    x12_error err;
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_OK);
    begin_837(l, "0001", "2026-10-02");
    const int64_t ch[1] = {10000};
    add_claim(l, "PERSIST", 10000, "1", "", 1, ch, NULL);
    commit(l);
    x12_ledger_close(l);
    /* reopened: migrated once, data kept */
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_OK);
    assert_int_equal(x12_ledger_schema_version(l), X12_LEDGER_SCHEMA_VERSION);
    rows rs = {0};
    assert_int_equal(x12_ledger_report(l, "2026-10-12", collect, &rs, NULL, &err), X12_OK);
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.r[0].id, "PERSIST");
    assert_int_equal(rs.r[0].age, 10);
    /* a ledger from a newer x12kit is refused, not damaged */
    assert_int_equal(lg_exec(l, "PRAGMA user_version = 99", &err), X12_OK);
    x12_ledger_close(l);
    l = NULL;
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_ERR_LEDGER_VERSION);
    assert_null(l);
    assert_int_equal(err.code, X12_ERR_LEDGER_VERSION);
    assert_non_null(strstr(err.detail, "99"));
    unlink(path);
    char wal[64];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

static void test_open_errors(void **state)
{
    (void)state;
    x12_ledger *l = NULL;
    x12_error err;
    assert_int_equal(x12_ledger_open("/nonexistent-dir/x/ledger.sqlite", &l, &err), X12_ERR_LEDGER);
    assert_null(l);
    assert_true(strlen(err.detail) > 0);
    assert_int_equal(x12_ledger_open(NULL, &l, &err), X12_ERR_USAGE);
    /* not a database */
    char path[] = "/tmp/x12-notdb-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "this is not sqlite, just text that is long enough to matter\n", 61), 61);
    close(fd);
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_ERR_LEDGER);
    assert_null(l);
    unlink(path);
}

static void test_idempotent_keys(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_error err;
    begin_837(l, "0001", "2026-10-02");
    commit(l);
    lg_submission s = {"SENDER", "000000001", "1", "0001", "005010X222A1", "2026-10-02"};
    assert_int_equal(lg_submission_exists(l, &s, &err), 1);
    s.st02 = "0002";
    assert_int_equal(lg_submission_exists(l, &s, &err), 0);
    begin_835(l, "TRACE1", 100, "2026-10-20");
    commit(l);
    lg_payment p = {"PAYER1", "TRACE1", "", "", 0, "", ""};
    assert_int_equal(lg_payment_exists(l, &p, &err), 1);
    p.payer_id = "PAYER2";
    assert_int_equal(lg_payment_exists(l, &p, &err), 0);
    /* the unique key holds even when a caller skips the check */
    assert_int_equal(lg_begin(l, &err), X12_OK);
    lg_payment dup = {"PAYER1", "TRACE1", "", "", 0, "", ""};
    assert_int_equal(lg_payment_add(l, g_file, &dup, &err), 0);
    assert_int_equal(err.code, X12_ERR_LEDGER);
    lg_rollback(l);
    x12_ledger_close(l);
}

/* Every status and matching rule in one ledger. */
static void test_statuses_and_matching(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_error err;
    const int64_t one[1] = {10000};
    const int64_t two[2] = {6000, 4000};
    const char *ctl2[2] = {"L1", "L2"};
    begin_837(l, "0001", "2026-09-01");
    add_claim(l, "A-PAID", 10000, "1", "", 1, one, NULL);
    add_claim(l, "B-PART", 10000, "1", "", 2, two, ctl2);
    add_claim(l, "C-DENY", 10000, "1", "", 1, one, NULL);
    add_claim(l, "D-REV", 10000, "1", "", 1, one, NULL);
    add_claim(l, "E-CORR", 10000, "1", "", 1, one, NULL);
    add_claim(l, "F-PEND", 10000, "1", "", 1, one, NULL);
    add_claim(l, "G-SPLIT", 10000, "1", "", 2, two, NULL);
    add_claim(l, "H-REPL", 10000, "1", "", 1, one, NULL);
    add_claim(l, "V-VOID", 10000, "1", "", 1, one, NULL);
    commit(l);
    begin_837(l, "0002", "2026-10-15");
    add_claim(l, "H-REPL", 12000, "7", "ICN-H1", 1, (const int64_t[]){12000}, NULL);
    add_claim(l, "V-VOID", 10000, "8", "ICN-V1", 1, one, NULL);
    add_claim(l, "P-OLD", 5000, "1", "", 1, (const int64_t[]){5000}, NULL);
    commit(l);

    /* payment 1: 80.00 + 50.00 + 0 + 100.00 (H original) + 100.00 (V) = 330.00 */
    begin_835(l, "TRN-1", 33000, "2026-10-20");
    add_remit(l, "A-PAID", "1", 10000, 8000, 0, "ICN-A", "", "CO-45:2000", 1,
              (rl[]){{"", "99211", 10000, 8000}});
    /* B: line 2 denied, patient owes 10.00 on line 1; lines matched by REF*6R */
    add_remit(l, "B-PART", "1", 10000, 5000, 1000, "ICN-B", "", "CO-45:0 PR-2:1000 CO-50:4000", 2,
              (rl[]){{"L1", "99999", 6000, 5000}, {"L2", "99998", 4000, 0}});
    add_remit(l, "C-DENY", "4", 10000, 0, 0, "ICN-C", "", "CO-50:10000", 1,
              (rl[]){{"", "99211", 10000, 0}});
    add_remit(l, "H-REPL", "1", 10000, 10000, 0, "ICN-H1", "", "", 1, (rl[]){{"", "99211", 10000, 10000}});
    add_remit(l, "V-VOID", "1", 10000, 10000, 0, "ICN-V1", "", "", 1, (rl[]){{"", "99211", 10000, 10000}});
    commit(l);
    /* payment 2: D reversed (-90.00), E reversed and corrected (-70 + 75),
     * G split in two, H replacement paid, V voided, one unknown claim, PLB */
    begin_835(l, "TRN-2", 0, "2026-10-27");
    add_remit(l, "D-REV", "22", -10000, -9000, 0, "ICN-D", "", "CO-45:-1000", 1,
              (rl[]){{"", "99211", -10000, -9000}});
    add_remit(l, "E-CORR", "22", -10000, -7000, 0, "ICN-E-OLD", "", "CO-45:-3000", 1,
              (rl[]){{"", "99211", -10000, -7000}});
    add_remit(l, "E-CORR", "1", 10000, 7500, 0, "ICN-E-NEW", "ICN-E-OLD", "CO-45:2500", 1,
              (rl[]){{"", "99211", 10000, 7500}});
    add_remit(l, "G-SPLIT", "1", 6000, 6000, 0, "ICN-G1", "", "", 1, (rl[]){{"", "99211", 6000, 6000}});
    add_remit(l, "G-SPLIT", "1", 4000, 4000, 0, "ICN-G2", "", "", 1, (rl[]){{"", "99212", 4000, 4000}});
    add_remit(l, "H-REPL", "22", -10000, -10000, 0, "ICN-H1", "", "", 1,
              (rl[]){{"", "99211", -10000, -10000}});
    add_remit(l, "H-REPL", "1", 12000, 12000, 0, "ICN-H2", "ICN-H1", "", 1,
              (rl[]){{"", "99211", 12000, 12000}});
    add_remit(l, "V-VOID", "22", -10000, -10000, 0, "ICN-V1", "", "", 1,
              (rl[]){{"", "99211", -10000, -10000}});
    add_remit(l, "U-NOBODY", "1", 3000, 2500, 500, "ICN-U", "", "PR-3:500", 0, NULL);
    assert_int_equal(lg_plb_add(l, g_pay, "1234567893", "20261231", "L6", "INT1", -150, &err), X12_OK);
    assert_int_equal(lg_plb_add(l, g_pay, "1234567893", "20261231", "WO", "OFF1", 2000, &err), X12_OK);
    commit(l);
    /* TRN-2's amount: -9000 -7000 +7500 +6000 +4000 -10000 +12000 -10000 +2500 = -4000,
     * less PLB (-150 + 2000) = -5850: a debit */
    assert_int_equal(lg_exec(l, "UPDATE payments SET amount = -5850 WHERE trace_number = 'TRN-2'", &err),
                     X12_OK);

    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, 13);
    assert_int_equal(ms.unmatched, 1);
    /* again: nothing new, the unknown claim still unknown */
    x12_ledger_match_stats ms2;
    assert_int_equal(x12_ledger_match(l, &ms2, &err), X12_OK);
    assert_int_equal(ms2.matched, 0);
    assert_int_equal(ms2.unmatched, 1);

    rows rs = {0};
    x12_recon_totals t;
    assert_int_equal(x12_ledger_report(l, "2026-11-30", collect, &rs, &t, &err), X12_OK);
    assert_int_equal(rs.n, 13); /* 12 submitted claims and one unknown claim id */

    const got *g = find(&rs, "A-PAID", 0);
    assert_int_equal(g->status, X12_RECON_PAID);
    assert_int_equal(g->paid, 8000);
    assert_int_equal(g->allowed, 8000);
    assert_string_equal(g->detail, "CO-45:20.00");
    assert_int_equal(g->age, -1);
    assert_int_equal(g->matched, 1); /* by procedure, charge and date */

    g = find(&rs, "B-PART", 0);
    assert_int_equal(g->status, X12_RECON_PARTIAL);
    assert_int_equal(g->pr, 1000);
    assert_int_equal(g->matched, 2); /* by REF*6R although the procedures differ */
    assert_string_equal(g->detail, "PR-2:10.00 CO-50:40.00");

    g = find(&rs, "C-DENY", 0);
    assert_int_equal(g->status, X12_RECON_DENIED);
    assert_int_equal(g->paid, 0);

    g = find(&rs, "D-REV", 0);
    assert_int_equal(g->status, X12_RECON_REVERSED);
    assert_int_equal(g->paid, -9000);
    assert_int_equal(g->allowed, 0);

    g = find(&rs, "E-CORR", 0);
    assert_int_equal(g->status, X12_RECON_PAID); /* the correction is what stands */
    assert_int_equal(g->paid, 500);
    assert_int_equal(g->remits, 2);
    assert_string_equal(g->icn, "ICN-E-NEW");
    assert_string_equal(g->detail, "CO-45:-5.00");

    g = find(&rs, "F-PEND", 0);
    assert_int_equal(g->status, X12_RECON_PENDING);
    assert_int_equal(g->age, 90); /* 2026-09-01 to 2026-11-30 */

    g = find(&rs, "G-SPLIT", 0);
    assert_int_equal(g->status, X12_RECON_PAID);
    assert_int_equal(g->paid, 10000);
    assert_int_equal(g->remits, 2);
    assert_int_equal(g->matched, 2);
    assert_string_equal(g->traces, "TRN-2");

    /* H: the original was paid then reversed; the replacement (freq 7) paid */
    g = find(&rs, "H-REPL", 0);
    assert_int_equal(g->status, X12_RECON_REVERSED);
    assert_int_equal(g->paid, 0);
    assert_int_equal(g->remits, 2);
    g = find(&rs, "H-REPL", 1);
    assert_int_equal(g->status, X12_RECON_PAID);
    assert_int_equal(g->paid, 12000);
    assert_int_equal(g->billed, 12000);

    /* V: the original reversed; the void itself shows reversed, with no money */
    g = find(&rs, "V-VOID", 0);
    assert_int_equal(g->status, X12_RECON_REVERSED);
    assert_int_equal(g->paid, 0);
    g = find(&rs, "V-VOID", 1);
    assert_int_equal(g->status, X12_RECON_REVERSED);
    assert_int_equal(g->remits, 0);

    g = find(&rs, "P-OLD", 0);
    assert_int_equal(g->status, X12_RECON_PENDING);
    assert_int_equal(g->age, 46);

    g = find(&rs, "U-NOBODY", 0);
    assert_int_equal(g->status, X12_RECON_UNMATCHED_REMIT);
    assert_int_equal(g->billed, 3000);
    assert_int_equal(g->paid, 2500);
    assert_int_equal(g->allowed, 3000);

    /* rows come ordered by claim id */
    for (int i = 1; i < rs.n; i++)
        assert_true(strcmp(rs.r[i - 1].id, rs.r[i].id) <= 0);

    assert_int_equal(t.rows, 13);
    assert_int_equal(t.by_status[X12_RECON_PAID], 4);
    assert_int_equal(t.by_status[X12_RECON_PARTIAL], 1);
    assert_int_equal(t.by_status[X12_RECON_DENIED], 1);
    assert_int_equal(t.by_status[X12_RECON_REVERSED], 4);
    assert_int_equal(t.by_status[X12_RECON_PENDING], 2);
    assert_int_equal(t.by_status[X12_RECON_UNMATCHED_REMIT], 1);
    assert_int_equal(t.paid, 33000 - 4000);
    assert_int_equal(t.plb_total, 1850);
    assert_int_equal(t.payments_total, 33000 - 5850);
    assert_int_equal(t.payments, 2);
    assert_true(t.ties_out);
    assert_int_equal(t.aging_count[1], 1); /* 46 days */
    assert_int_equal(t.aging_count[2], 1); /* 90 days */
    assert_int_equal(t.aging_billed[1], 5000);
    assert_int_equal(t.aging_count[0] + t.aging_count[3], 0);

    /* every reference the ledger wrote points at a row */
    sqlite3_stmt *fk = NULL;
    assert_int_equal(sqlite3_prepare_v2(l->db, "PRAGMA foreign_key_check", -1, &fk, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(fk), SQLITE_DONE);
    sqlite3_finalize(fk);

    /* a payment that does not tie out is seen */
    assert_int_equal(lg_exec(l, "UPDATE payments SET amount = amount + 1 WHERE trace_number = 'TRN-1'", &err),
                     X12_OK);
    assert_int_equal(x12_ledger_report(l, "20261130", NULL, NULL, &t, &err), X12_OK);
    assert_false(t.ties_out);
    /* dates as --as-of takes them, checked before anything is read */
    static const char *const GOOD[] = {"2026-11-30", "20261130", "2024-02-29", "20000229"};
    static const char *const BAD[] = {"2026-13-01", "2025-02-29", "19000229", "2026/11/30",
                                      "2026-1-30", "", "today"};
    for (size_t i = 0; i < sizeof GOOD / sizeof GOOD[0]; i++)
        assert_int_equal(x12_ledger_check_date(GOOD[i], &err), X12_OK);
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        assert_int_equal(x12_ledger_check_date(BAD[i], &err), X12_ERR_USAGE);
        assert_non_null(strstr(err.detail, "is not a CCYY-MM-DD date"));
        assert_int_equal(x12_ledger_report(l, BAD[i], NULL, NULL, &t, &err), X12_ERR_USAGE);
    }
    assert_int_equal(x12_ledger_check_date(NULL, NULL), X12_ERR_USAGE);
    x12_ledger_close(l);
}

/* Matching among claims that share CLM01, in the cases the test above does
 * not reach: a reversal of a payment the ledger never saw (it predates the
 * ledger) goes to the first claim that does not replace it, and when every
 * claim does (one replacement sent twice) to the one its correction goes to;
 * a correction naming a replacement's REF*F8 goes to that replacement; a
 * payment whose every claim is a void goes to a void rather than nowhere. */
static void test_matching_edges(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_error err;
    const int64_t one[1] = {10000};
    begin_837(l, "0001", "2026-09-01");
    add_claim(l, "R-ORIG", 10000, "1", "", 1, one, NULL);
    add_claim(l, "E-CHANGED", 10000, "1", "", 1, one, NULL);
    commit(l);
    begin_837(l, "0002", "2026-10-01");
    add_claim(l, "R-ORIG", 12000, "7", "ICN-R1", 1, (const int64_t[]){12000}, NULL);
    add_claim(l, "W-VOIDS", 10000, "8", "ICN-W1", 1, one, NULL);
    add_claim(l, "W-VOIDS", 10000, "8", "ICN-W2", 1, one, NULL);
    add_claim(l, "D-TWICE", 12000, "7", "ICN-D1", 1, (const int64_t[]){12000}, NULL);
    commit(l);
    begin_837(l, "0003", "2026-10-02"); /* the same replacement, sent again */
    add_claim(l, "D-TWICE", 12000, "7", "ICN-D1", 1, (const int64_t[]){12000}, NULL);
    /* the same id with another amount: not the same claim sent again */
    add_claim(l, "E-CHANGED", 11000, "1", "", 1, (const int64_t[]){11000}, NULL);
    commit(l);
    /* ICN-R1 was paid before the ledger began: only its reversal is here */
    begin_835(l, "TRN-9", 2000 + 500 + 2000, "2026-10-20");
    add_remit(l, "R-ORIG", "22", -10000, -10000, 0, "ICN-R1", "", "", 1,
              (rl[]){{"", "99211", -10000, -10000}});
    add_remit(l, "R-ORIG", "1", 12000, 12000, 0, "ICN-R2", "ICN-R1", "", 1,
              (rl[]){{"", "99211", 12000, 12000}});
    add_remit(l, "W-VOIDS", "1", 10000, 500, 0, "ICN-W3", "", "CO-45:9500", 1,
              (rl[]){{"", "99211", 10000, 500}});
    /* ICN-D1, paid before the ledger began, reversed and paid again */
    add_remit(l, "D-TWICE", "22", -10000, -10000, 0, "ICN-D1", "", "", 1,
              (rl[]){{"", "99211", -10000, -10000}});
    add_remit(l, "D-TWICE", "1", 12000, 12000, 0, "ICN-D2", "ICN-D1", "", 1,
              (rl[]){{"", "99211", 12000, 12000}});
    commit(l);
    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, 5);
    assert_int_equal(ms.unmatched, 0);
    rows rs = {0};
    x12_recon_totals t;
    assert_int_equal(x12_ledger_report(l, "2026-11-30", collect, &rs, &t, &err), X12_OK);
    assert_int_equal(rs.n, 8);
    /* the replacement sent twice: its reversal and its correction on one
     * copy (the later), as with one copy; the other copy has none, and says
     * when it was sent again (sent_again) */
    const got *d0 = find(&rs, "D-TWICE", 0), *d1 = find(&rs, "D-TWICE", 1);
    const got *paid_copy = d0->remits ? d0 : d1, *other = d0->remits ? d1 : d0;
    assert_int_equal(paid_copy->remits, 2);
    assert_int_equal(paid_copy->paid, 2000);
    assert_string_equal(paid_copy->sent, "");
    assert_int_equal(other->remits, 0);
    assert_int_equal(other->status, X12_RECON_PENDING);
    assert_string_equal(other->sent, "2026-10-02");
    /* an original and its replacement, two voids of different claims, and
     * one id with two amounts are not one claim sent again */
    assert_string_equal(find(&rs, "R-ORIG", 0)->sent, "");
    assert_string_equal(find(&rs, "W-VOIDS", 0)->sent, "");
    assert_string_equal(find(&rs, "W-VOIDS", 1)->sent, "");
    assert_string_equal(find(&rs, "E-CHANGED", 0)->sent, "");
    assert_string_equal(find(&rs, "E-CHANGED", 1)->sent, "");
    assert_int_equal(t.sent_again, 1); /* the totals count that one copy */
    x12_recon_totals t2;
    assert_int_equal(x12_ledger_report(l, "2026-11-30", NULL, NULL, &t2, &err), X12_OK);
    assert_int_equal(t2.sent_again, 1); /* and so do the totals alone (no rows) */
    const got *g = find(&rs, "R-ORIG", 0); /* the original: its reversal */
    assert_int_equal(g->billed, 10000);
    assert_int_equal(g->remits, 1);
    assert_int_equal(g->paid, -10000);
    assert_int_equal(g->status, X12_RECON_REVERSED);
    g = find(&rs, "R-ORIG", 1); /* the replacement: the corrected payment */
    assert_int_equal(g->billed, 12000);
    assert_int_equal(g->remits, 1);
    assert_int_equal(g->paid, 12000);
    assert_int_equal(g->status, X12_RECON_PAID);
    /* both voids: the payment is on one of them, not lost */
    int on_void = 0;
    for (int i = 0; i < 2; i++)
        on_void += (int)find(&rs, "W-VOIDS", i)->remits;
    assert_int_equal(on_void, 1);
    assert_int_equal(t.by_status[X12_RECON_UNMATCHED_REMIT], 0);
    assert_int_equal(t.paid, 4500);
    assert_true(t.ties_out);
    x12_ledger_close(l);
}

/* Where the payment with CLP01 `clp01` went: "claim_id frequency method", or
 * "-" when unmatched. */
static void went(x12_ledger *l, const char *clp01, char *out, size_t cap)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(l->db,
                                        "SELECT IFNULL(c.claim_id || ' ' || c.frequency || ' ' ||"
                                        " r.match_method, '-') FROM remit_claims r LEFT JOIN claims c"
                                        " ON c.id = r.claim_ref WHERE r.clp01 = ?1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, clp01, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

/* A CLM01 longer than 20 characters may come back in CLP01 cut to 20
 * (005010X222A1 2300 CLM01: a receiver need keep only 20): such a CLP01
 * matches the claim whose id starts with it, when every such claim has the
 * same id (an original and its replacement are then told apart as usual);
 * two different ids sharing the 20 characters, or a CLP01 of another length,
 * match nothing. */
static void test_claim_id_cut(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_error err;
    const int64_t one[1] = {10000};
    begin_837(l, "0001", "2026-09-01");
    add_claim(l, "ACCT-2026-000123-VISIT-A", 10000, "1", "", 1, one, NULL);
    add_claim(l, "SHARED-PREFIX-ABCDEFG-1", 10000, "1", "", 1, one, NULL);
    add_claim(l, "SHARED-PREFIX-ABCDEFG-2", 10000, "1", "", 1, one, NULL);
    add_claim(l, "LONG-ID-REPLACED-XYZ-99", 10000, "1", "", 1, one, NULL);
    add_claim(l, "LONG-ID-REPLACED-XYZ-99", 12000, "7", "ICN-L1", 1, (const int64_t[]){12000}, NULL);
    commit(l);
    begin_835(l, "TRN-C", 10000 + 10000 + 12000 + 10000, "2026-10-20");
    add_remit(l, "ACCT-2026-000123-VIS", "1", 10000, 10000, 0, "ICN-A", "", "", 1,
              (rl[]){{"", "99211", 10000, 10000}});
    add_remit(l, "SHARED-PREFIX-ABCDEF", "1", 10000, 10000, 0, "ICN-S", "", "", 1,
              (rl[]){{"", "99211", 10000, 10000}});
    add_remit(l, "LONG-ID-REPLACED-XYZ", "1", 12000, 12000, 0, "ICN-L2", "ICN-L1", "", 1,
              (rl[]){{"", "99211", 12000, 12000}});
    add_remit(l, "ACCT-2026-000123-VI", "1", 10000, 10000, 0, "ICN-B", "", "", 1,
              (rl[]){{"", "99211", 10000, 10000}});
    commit(l);
    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, 2);
    assert_int_equal(ms.unmatched, 2);
    char w[128];
    went(l, "ACCT-2026-000123-VIS", w, sizeof w);
    assert_string_equal(w, "ACCT-2026-000123-VISIT-A 1 claim_id_prefix");
    went(l, "LONG-ID-REPLACED-XYZ", w, sizeof w);
    assert_string_equal(w, "LONG-ID-REPLACED-XYZ-99 7 replacement");
    went(l, "SHARED-PREFIX-ABCDEF", w, sizeof w);
    assert_string_equal(w, "-");
    went(l, "ACCT-2026-000123-VI", w, sizeof w);
    assert_string_equal(w, "-");
    /* its line is matched like any other */
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(l->db,
                                        "SELECT COUNT(*) FROM remit_lines x JOIN remit_claims r ON"
                                        " r.id = x.remit_claim WHERE r.clp01 = 'ACCT-2026-000123-VIS'"
                                        " AND x.claim_line_ref IS NOT NULL",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    /* matching again changes nothing, and a replacement arriving later
     * takes the cut payment that names its original */
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, 0);
    begin_837(l, "0002", "2026-10-25");
    add_claim(l, "ACCT-2026-000123-VISIT-A", 10000, "7", "ICN-A", 1, one, NULL);
    commit(l);
    begin_835(l, "TRN-D", 10000, "2026-11-01");
    add_remit(l, "ACCT-2026-000123-VIS", "1", 10000, 10000, 0, "ICN-A2", "ICN-A", "", 1,
              (rl[]){{"", "99211", 10000, 10000}});
    commit(l);
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, 1); /* the first stays on the original */
    assert_int_equal(sqlite3_prepare_v2(l->db,
                                        "SELECT group_concat(c.frequency || ' ' || r.match_method, ';')"
                                        " FROM remit_claims r JOIN claims c ON c.id = r.claim_ref"
                                        " WHERE r.clp01 = 'ACCT-2026-000123-VIS' ORDER BY r.id",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "1 latest;7 replacement");
    sqlite3_finalize(q);
    x12_ledger_close(l);
}

/* 277CA acknowledgements in the report: by CLM01, or by the first 20
 * characters of a longer one; the latest wins; an unmatched payment and a
 * claim without one have none; the totals count them. */
typedef struct ackrows {
    char text[2048];
} ackrows;

static int ack_row(void *ctx, const x12_recon_row *row)
{
    ackrows *a = ctx;
    size_t n = strlen(a->text);
    snprintf(a->text + n, sizeof a->text - n, "%s %s [%s] %s\n", row->claim_id,
             row->acknowledgement[0] ? row->acknowledgement : "-", row->acknowledgement_codes,
             row->acknowledgement_date);
    return 0;
}

static void write_277(const char *path, const char *st02, const char *claims)
{
    char doc[4096];
    int segs = 16; /* ST to the provider's STC, and SE */
    for (const char *p = claims; (p = strstr(p, "TRN*2*")); p++)
        segs += 4;
    snprintf(doc, sizeof doc,
             "ISA*00*          *00*          *ZZ*PAYER          *ZZ*SUBMITTER      *261120*1200*^*00501*"
             "000000001*0*P*:~GS*HN*PAYER*SUBMITTER*20261120*1200*1*X*005010X214~ST*277*%s*005010X214~"
             "BHT*0085*08*B1*20261120*1200*TH~HL*1**20*1~NM1*PR*2*PAYER*****PI*P1~TRN*1*T1~"
             "DTP*050*D8*20261120~DTP*009*D8*20261120~HL*2*1*21*1~NM1*41*2*SUB*****46*S1~TRN*2*B7~"
             "STC*A1:19:PR*20261120*WQ*1~HL*3*2*19*1~NM1*85*2*CLINIC*****XX*1234567893~TRN*1*P1~"
             "STC*A1:19:85**WQ*1~%sSE*%d*%s~GE*1*1~IEA*1*000000001~",
             st02, claims, segs, st02);
    assert_int_equal(write_file(path, doc, strlen(doc)), 0);
}

static void test_acks(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_error err;
    const int64_t one[1] = {10000};
    begin_837(l, "0001", "2026-11-01");
    add_claim(l, "ACCT-2026-000123-VISIT-A", 10000, "1", "", 1, one, NULL);
    add_claim(l, "SHORT-1", 10000, "1", "", 1, one, NULL);
    add_claim(l, "NO-ACK", 10000, "1", "", 1, one, NULL);
    commit(l);
    begin_835(l, "TRN-X", 5000, "2026-11-20");
    add_remit(l, "NOBODY", "1", 5000, 5000, 0, "ICN-X", "", "", 0, NULL);
    commit(l);
    char p1[] = "/tmp/x12-ack-XXXXXX", p2[] = "/tmp/x12-ack-XXXXXX";
    int fd1 = mkstemp(p1), fd2 = mkstemp(p2);
    assert_true(fd1 >= 0 && fd2 >= 0);
    close(fd1);
    close(fd2);
    write_277(p1, "0001",
              "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*M1~TRN*2*ACCT-2026-000123-VIS~"
              "STC*A7:562:82*20261120*U*100~HL*5*3*PT~NM1*QC*1*ROE*RICK****MI*M2~TRN*2*SHORT-1~"
              "STC*A2:20:PR*20261120*WQ*100~");
    write_277(p2, "0002",
              "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*M1~TRN*2*ACCT-2026-000123-VISIT-A~"
              "STC*A2:20:PR*20261122*WQ*100~");
    x12_ledger_ingest_stats st;
    assert_int_equal(x12_ledger_ingest_acks(l, p1, NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.sets, 1);
    assert_int_equal(st.claims, 2);
    ackrows a = {""};
    x12_recon_totals t;
    assert_int_equal(x12_ledger_report(l, "2026-11-28", ack_row, &a, &t, &err), X12_OK);
    assert_string_equal(a.text, "ACCT-2026-000123-VISIT-A rejected [A7:562:82] 20261120\n"
                                "NO-ACK - [] \n"
                                "NOBODY - [] \n"
                                "SHORT-1 accepted [A2:20:PR] 20261120\n");
    assert_int_equal(t.acknowledged, 2);
    assert_int_equal(t.rejected_by_payer, 1);
    /* the same set again: skipped, nothing changes; a later one wins */
    assert_int_equal(x12_ledger_ingest_acks(l, p1, NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.sets, 0);
    assert_int_equal(st.sets_skipped, 1);
    assert_int_equal(st.claims, 0);
    assert_int_equal(x12_ledger_ingest_acks(l, p2, NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.claims, 1);
    a.text[0] = '\0';
    assert_int_equal(x12_ledger_report(l, "2026-11-28", ack_row, &a, &t, &err), X12_OK);
    assert_non_null(strstr(a.text, "ACCT-2026-000123-VISIT-A accepted [A2:20:PR] 20261122\n"));
    assert_int_equal(t.rejected_by_payer, 0);
    /* a 277 of a guide x12kit does not read adds nothing, not even its set */
    size_t n;
    char *doc = read_file(p2, &n);
    assert_non_null(doc);
    char *v4010 = replace_text(doc, "005010X214", "004010X093", 0);
    char *v4010b = replace_text(v4010, "ST*277*0002*", "ST*277*0003*", 1);
    char *v4010c = replace_text(v4010b, "*0002~GE", "*0003~GE", 1);
    assert_int_equal(write_file(p2, v4010c, strlen(v4010c)), 0);
    free(doc);
    free(v4010);
    free(v4010b);
    free(v4010c);
    assert_int_equal(x12_ledger_ingest_acks(l, p2, NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.sets, 0);
    assert_int_equal(st.claims, 0);
    assert_int_equal(st.errors, 1); /* X12_ERR_GUIDE_NOT_READ */
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(l->db, "SELECT COUNT(*) FROM ack_sets", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 2);
    sqlite3_finalize(q);
    /* the totals alone count them too */
    assert_int_equal(x12_ledger_report(l, "2026-11-28", NULL, NULL, &t, &err), X12_OK);
    assert_int_equal(t.acknowledged, 2);
    /* a cut that is another claim's whole id answers that claim only; a
     * cut two longer ids share answers neither */
    begin_837(l, "0003", "2026-11-02");
    add_claim(l, "ACCT-2026-000123-VIS", 10000, "1", "", 1, one, NULL);
    add_claim(l, "SHARED-PREFIX-ABCDEF-1", 10000, "1", "", 1, one, NULL);
    add_claim(l, "SHARED-PREFIX-ABCDEF-2", 10000, "1", "", 1, one, NULL);
    commit(l);
    write_277(p1, "0004",
              "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*M1~TRN*2*SHARED-PREFIX-ABCDEF~"
              "STC*A7:562:82*20261123*U*100~");
    assert_int_equal(x12_ledger_ingest_acks(l, p1, NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.claims, 1);
    a.text[0] = '\0';
    assert_int_equal(x12_ledger_report(l, "2026-11-28", ack_row, &a, &t, &err), X12_OK);
    assert_string_equal(a.text, "ACCT-2026-000123-VIS rejected [A7:562:82] 20261120\n"
                                "ACCT-2026-000123-VISIT-A accepted [A2:20:PR] 20261122\n"
                                "NO-ACK - [] \n"
                                "NOBODY - [] \n"
                                "SHARED-PREFIX-ABCDEF-1 - [] \n"
                                "SHARED-PREFIX-ABCDEF-2 - [] \n"
                                "SHORT-1 accepted [A2:20:PR] 20261120\n");
    assert_int_equal(t.acknowledged, 3);
    assert_int_equal(t.rejected_by_payer, 1);
    /* a claim's STC without its charge (STC04): kept, the charge NULL, not 0;
     * the one with a charge keeps it in cents */
    write_277(p1, "0005",
              "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*M1~TRN*2*NO-ACK~STC*A1:20:PR*20261124*WQ~");
    assert_int_equal(x12_ledger_ingest_acks(l, p1, NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.claims, 1);
    assert_int_equal(sqlite3_prepare_v2(l->db, "SELECT claim_id, IFNULL(charge, 'NULL') FROM"
                                               " claim_acks WHERE claim_id IN ('NO-ACK', 'SHORT-1')"
                                               " ORDER BY claim_id", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "NO-ACK");
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "NULL");
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "SHORT-1");
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "10000");
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    unlink(p1);
    unlink(p2);
    x12_ledger_close(l);
}

static int stop_at_two(void *ctx, const x12_recon_row *row)
{
    (void)row;
    return ++*(int *)ctx == 2;
}

static void test_report_errors(void **state)
{
    (void)state;
    x12_ledger *l = open_mem();
    x12_error err;
    assert_int_equal(x12_ledger_report(l, "2026-13-01", NULL, NULL, NULL, &err), X12_ERR_USAGE);
    assert_non_null(strstr(err.detail, "2026-13-01"));
    assert_int_equal(x12_ledger_report(l, "20260229", NULL, NULL, NULL, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_report(l, "yesterday", NULL, NULL, NULL, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_report(l, "2024-02-29", NULL, NULL, NULL, &err), X12_OK);
    assert_int_equal(x12_ledger_report(NULL, NULL, NULL, NULL, NULL, &err), X12_ERR_USAGE);
    begin_837(l, "0001", "2026-10-02");
    const int64_t ch[1] = {100};
    add_claim(l, "X1", 100, "1", "", 1, ch, NULL);
    add_claim(l, "X2", 100, "1", "", 1, ch, NULL);
    add_claim(l, "X3", 100, "1", "", 1, ch, NULL);
    commit(l);
    int n = 0;
    assert_int_equal(x12_ledger_report(l, NULL, stop_at_two, &n, NULL, &err), X12_ERR_STOPPED);
    assert_int_equal(n, 2);
    /* today's date is used without --as-of: an age, never negative */
    rows rs = {0};
    assert_int_equal(x12_ledger_report(l, NULL, collect, &rs, NULL, &err), X12_OK);
    assert_true(rs.r[0].age >= 0);
    x12_ledger_close(l);
}

static void test_day_numbers(void **state)
{
    (void)state;
    assert_int_equal(lg_day_number("2026-03-01") - lg_day_number("2026-02-28"), 1);
    assert_int_equal(lg_day_number("2024-03-01") - lg_day_number("2024-02-28"), 2);
    assert_int_equal(lg_day_number("2000-03-01") - lg_day_number("2000-02-28"), 2);
    assert_int_equal(lg_day_number("2101-01-01") - lg_day_number("2100-01-01"), 365);
    assert_int_equal(lg_day_number("20270101") - lg_day_number("2026-01-01"), 365);
    assert_int_equal(lg_day_number("2100-02-29"), -1);
    assert_int_equal(lg_day_number("2026-04-31"), -1);
    assert_int_equal(lg_day_number("2026-4-1"), -1);
    assert_int_equal(lg_day_number(NULL), -1);
    assert_int_equal(lg_day_number(""), -1);
    assert_int_equal(lg_group_index("PI"), 3);
    assert_int_equal(lg_group_index("XX"), -1);
    assert_string_equal(x12_recon_group_name(4), "CR");
    assert_string_equal(x12_recon_group_name(5), "");
    assert_string_equal(x12_recon_status_name(X12_RECON_UNMATCHED_REMIT), "unmatched_remit");
    assert_string_equal(x12_recon_status_name((x12_recon_status)9), "");
}

/* Every statement matching runs per payment or per line finds its rows
 * through an index: a per-payment scan of the claims once made matching
 * quadratic (25 000 payments for unknown claims against 25 000 claims took
 * 25 s).  The plans are asked of SQLite for the matcher's own SQL. */
/* The index searches of `q`'s plan; fails on a scan, and with `no_sort` on
 * a temporary B-tree. */
static int plan_searches(x12_ledger *l, const char *q, int no_sort)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", q);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(l->db, sql, -1, &s, NULL), SQLITE_OK);
    int searches = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        if (strncmp(detail, "SCAN", 4) == 0 || (no_sort && strstr(detail, "TEMP B-TREE")))
            fail_msg("%s\n  plan: %s", q, detail);
        searches += strncmp(detail, "SEARCH", 6) == 0;
    }
    sqlite3_finalize(s);
    return searches;
}

static void test_match_plans(void **state)
{
    (void)state;
    x12_ledger *l;
    x12_error err;
    assert_int_equal(x12_ledger_open(":memory:", &l, &err), X12_OK);
    int n = 0;
    for (const char *const *q = lg_match_sql; *q; q++, n++)
        assert_true(plan_searches(l, *q, 0) >= 1);
    assert_int_equal(n, 9);
    /* and the two lookups an 835's ingest runs per claim payment: the
     * claim, then its lines; the lines alone */
    assert_int_equal(plan_searches(l, lg_statement_sql(ST_CLAIM_ONLY), 1), 2);
    assert_int_equal(plan_searches(l, lg_statement_sql(ST_CLAIM_LINES), 1), 1);
    x12_ledger_close(l);
}

/* --- matching as payments are ingested ---------------------------------------- */

#define FIX X12KIT_SOURCE_DIR "/fixtures/reconcile/"

/* Where every payment and payment line went, by natural keys (row ids
 * differ with the order of ingest), and the report's rows. */
static void match_text(x12_ledger *l, char *out, size_t cap)
{
    static const char *const Q[] = {
        "SELECT p.trace_number, r.seq, r.clp01, IFNULL(c.claim_id, '-'), IFNULL(c.frequency, '-'),"
        " IFNULL(r.match_method, '-') FROM remit_claims r JOIN payments p ON p.id = r.payment_id"
        " LEFT JOIN claims c ON c.id = r.claim_ref ORDER BY p.trace_number, r.seq",
        "SELECT p.trace_number, r.seq, x.line_no, IFNULL(c.claim_id, '-'), IFNULL(c.frequency, '-'),"
        " IFNULL(cl.line_no, 0), IFNULL(x.match_method, '-') FROM remit_lines x"
        " JOIN remit_claims r ON r.id = x.remit_claim JOIN payments p ON p.id = r.payment_id"
        " LEFT JOIN claim_lines cl ON cl.id = x.claim_line_ref LEFT JOIN claims c ON c.id = cl.claim_ref"
        " ORDER BY p.trace_number, r.seq, x.line_no"};
    size_t n = 0;
    out[0] = '\0';
    for (size_t q = 0; q < 2; q++) {
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_prepare_v2(l->db, Q[q], -1, &s, NULL), SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(s); i++)
                n += (size_t)snprintf(out + n, cap - n, "%s%s", (const char *)sqlite3_column_text(s, i),
                                      i + 1 < sqlite3_column_count(s) ? "|" : "\n");
            assert_true(n < cap);
        }
        sqlite3_finalize(s);
    }
}

static int report_row(void *ctx, const x12_recon_row *r)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 8192 - n, "%s %d %lld %lld %lld %u %u %u %s\n", r->claim_id, (int)r->status,
             (long long)r->billed, (long long)r->paid, (long long)r->allowed, r->remits, r->lines,
             r->lines_matched, r->adjustment_detail);
    return 0;
}

/* Ingests the reconcile fixtures in `order` ('1' claims-1, '2' claims-2,
 * 'a' era-1, 'b' era-2), matches, and describes the outcome. */
static void ingest_in_order(const char *order, uint32_t *at_ingest, uint32_t *by_match, char *text,
                            char *report)
{
    x12_ledger *l;
    x12_error err;
    x12_reader_options lo;
    x12_reader_options_init(&lo);
    lo.flags = X12_READ_LENIENT; /* the 835 fixtures break lines */
    assert_int_equal(x12_ledger_open(":memory:", &l, &err), X12_OK);
    *at_ingest = 0;
    for (const char *o = order; *o; o++) {
        x12_ledger_ingest_stats st;
        if (*o == '1' || *o == '2') {
            assert_int_equal(x12_ledger_ingest_claims(l, *o == '1' ? FIX "claims-1.837" : FIX "claims-2.837",
                                                      NULL, NULL, NULL, &st, &err), X12_OK);
            assert_int_equal(st.matched, 0);
        } else {
            assert_int_equal(x12_ledger_ingest_remits(l, *o == 'a' ? FIX "era-1.835" : FIX "era-2.835", &lo,
                                                      NULL, NULL, &st, &err), X12_OK);
            assert_true(st.matched <= st.claims);
            *at_ingest += st.matched;
        }
    }
    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.unmatched, 1); /* RC-UNKNOWN-1 */
    *by_match = ms.matched;
    match_text(l, text, 8192);
    report[0] = '\0';
    x12_recon_totals with_rows, alone;
    assert_int_equal(x12_ledger_report(l, "2026-11-30", report_row, report, &with_rows, &err), X12_OK);
    /* the totals alone are read another way (claims in row order): same sums */
    assert_int_equal(x12_ledger_report(l, "2026-11-30", NULL, NULL, &alone, &err), X12_OK);
    assert_int_equal(alone.rows, with_rows.rows);
    assert_int_equal(alone.rows, 10); /* 9 claims and a payment for a claim nobody billed */
    for (int i = 0; i < X12_RECON_STATUS_COUNT; i++)
        assert_int_equal(alone.by_status[i], with_rows.by_status[i]);
    assert_int_equal(alone.billed, with_rows.billed);
    assert_int_equal(alone.allowed, with_rows.allowed);
    assert_int_equal(alone.paid, with_rows.paid);
    assert_int_equal(alone.patient_responsibility, with_rows.patient_responsibility);
    for (int i = 0; i < 5; i++)
        assert_int_equal(alone.adjustments[i], with_rows.adjustments[i]);
    assert_int_equal(alone.plb_total, with_rows.plb_total);
    assert_int_equal(alone.payments_total, with_rows.payments_total);
    assert_int_equal(alone.payments, with_rows.payments);
    assert_int_equal(alone.ties_out, 1);
    assert_int_equal(with_rows.ties_out, 1);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(alone.aging_count[i], with_rows.aging_count[i]);
        assert_int_equal(alone.aging_billed[i], with_rows.aging_billed[i]);
    }
    x12_ledger_close(l);
}

/* A payment whose claim is already in the ledger is matched as it is
 * ingested; the outcome is the same as matching everything afterwards,
 * whatever the order the files arrive in, a replacement claim arriving
 * after the payments of its original included. */
static void test_match_as_ingested(void **state)
{
    (void)state;
    static const char *const ORDERS[] = {"ab12", "12ab", "1a2b", "1ab2", "a1b2", "ab12"};
    static char want[8192], want_report[8192], have[8192], have_report[8192];
    uint32_t at_ingest, by_match;
    /* the reference: every payment matched by x12_ledger_match() */
    ingest_in_order("ab12", &at_ingest, &by_match, want, want_report);
    assert_int_equal(at_ingest, 0);
    assert_int_equal(by_match, 12); /* 13 payments, one for a claim nobody billed */
    assert_non_null(strstr(want, "T1|1|RC-PAID-1|RC-PAID-1|1|claim_id\n"));
    assert_non_null(strstr(want, "|line_control\n"));
    assert_non_null(strstr(want, "|procedure\n"));
    assert_non_null(strstr(want, "|replacement\n"));
    for (size_t i = 1; i < sizeof ORDERS / sizeof ORDERS[0]; i++) {
        ingest_in_order(ORDERS[i], &at_ingest, &by_match, have, have_report);
        if (strcmp(have, want) != 0 || strcmp(have_report, want_report) != 0)
            fail_msg("order %s:\n%s%s\nnot\n%s%s", ORDERS[i], have, have_report, want, want_report);
    }
    /* claims first: the payments of claims with one CLM01 matched as they
     * came; the 3 of RC-REPL-1, which two claims share, wait for matching */
    ingest_in_order("12ab", &at_ingest, &by_match, have, have_report);
    assert_int_equal(at_ingest, 9);
    assert_int_equal(by_match, 3);
    /* the replacement after the payments: RC-REPL-1's were matched as they
     * came (one claim then) and are matched again; only R2, which moves to
     * the replacement, counts again */
    ingest_in_order("1ab2", &at_ingest, &by_match, have, have_report);
    assert_int_equal(at_ingest, 12);
    assert_int_equal(by_match, 1);
}

/* --- feeds: the caller's reader drives the ingest ------------------------------ */

typedef struct feeder {
    x12_ledger_feed *f;
    int stopped;
} feeder;

static int feed_claim(void *ctx, const x12_claim *c, const x12_claim_context *cx)
{
    feeder *d = ctx;
    return d->stopped = x12_ledger_feed_claim(d->f, c, cx);
}

static void feed_finding(void *ctx, const x12_finding *fd)
{
    x12_ledger_feed_finding(((feeder *)ctx)->f, fd);
}

static int feed_payment(void *ctx, const x12_remit_payment *p)
{
    return x12_ledger_feed_payment(((feeder *)ctx)->f, p);
}

static int feed_remit(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                      const x12_remit_context *cx)
{
    (void)cx;
    return x12_ledger_feed_remit(((feeder *)ctx)->f, p, c);
}

static int feed_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    return x12_ledger_feed_plb(((feeder *)ctx)->f, p, e);
}

/* Reads `path` (leniently) with the typed reader of its kind into feed `f`
 * (direct or spooled); returns the read's status. */
static x12_status read_into(x12_ledger_feed *f, const char *path, int claims)
{
    x12_reader_options lo;
    x12_reader_options_init(&lo);
    lo.flags = X12_READ_LENIENT;
    feeder d = {f, 0};
    if (claims) {
        x12_claim_reader_callbacks cb = {feed_claim, feed_finding};
        return x12_claim_read_file(path, &lo, &cb, &d, 0);
    }
    x12_remit_callbacks cb = {feed_payment, feed_remit, feed_plb, NULL, feed_finding};
    x12_error rerr;
    return x12_remit_read_file(path, &lo, &cb, &d, 0, &rerr);
}

/* Feeds one fixture through the typed reader; returns x12_ledger_feed_end()'s status. */
static x12_status feed_file(x12_ledger *l, const char *path, x12_ledger_ingest_stats *st)
{
    x12_ledger_feed *f;
    x12_error err;
    int claims = strstr(path, ".837") != NULL;
    assert_int_equal(x12_ledger_feed_new(l, claims ? X12_LEDGER_FEED_CLAIMS : X12_LEDGER_FEED_REMITS,
                                         path, &f, &err), X12_OK);
    x12_status rs = read_into(f, path, claims);
    return x12_ledger_feed_end(f, rs, st, &err);
}

/* A ledger fed by the caller's readers holds what the ingest functions
 * put there; a feed of a file cut short keeps nothing; misuse is refused. */
static void test_feed(void **state)
{
    (void)state;
    static char want[8192], have[8192];
    uint32_t at_ingest, by_match;
    char rep_want[8192];
    ingest_in_order("12ab", &at_ingest, &by_match, want, rep_want);

    x12_ledger *l;
    x12_error err;
    x12_ledger_ingest_stats st;
    assert_int_equal(x12_ledger_open(":memory:", &l, &err), X12_OK);
    static const char *const FILES[] = {FIX "claims-1.837", FIX "claims-2.837", FIX "era-1.835",
                                        FIX "era-2.835"};
    uint32_t matched = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(feed_file(l, FILES[i], &st), X12_OK);
        assert_true(st.claims > 0);
        matched += st.matched;
    }
    assert_int_equal(matched, at_ingest);
    x12_ledger_match_stats ms;
    assert_int_equal(x12_ledger_match(l, &ms, &err), X12_OK);
    assert_int_equal(ms.matched, by_match);
    match_text(l, have, sizeof have);
    assert_string_equal(have, want);
    /* fed again: every key known, nothing added */
    assert_int_equal(feed_file(l, FIX "era-1.835", &st), X12_OK);
    assert_int_equal(st.claims, 0);
    assert_int_equal(st.payments_skipped, 1);

    /* cut short: the reader's error rolls the file back */
    x12_ledger *l2;
    assert_int_equal(x12_ledger_open(":memory:", &l2, &err), X12_OK);
    FILE *in = fopen(FIX "era-2.835", "rb");
    assert_non_null(in);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    char cut[] = "/tmp/x12-feed-cut-XXXXXX";
    int fd = mkstemp(cut);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, n / 2), (ssize_t)(n / 2));
    close(fd);
    assert_int_equal(feed_file(l2, cut, &st), X12_ERR_LEDGER_ROLLED_BACK);
    assert_int_equal(st.rolled_back, 1);
    assert_int_equal(st.claims, 0);
    unlink(cut);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(l2->db, "SELECT COUNT(*) FROM remit_claims", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    /* a failure of the input itself rolls back too */
    x12_ledger_feed *f;
    assert_int_equal(x12_ledger_feed_new(l2, X12_LEDGER_FEED_CLAIMS, "x.837", &f, &err), X12_OK);
    assert_int_equal(x12_ledger_feed_end(f, X12_ERR_GZIP, &st, &err), X12_ERR_GZIP);
    /* misuse */
    assert_int_equal(x12_ledger_feed_new(NULL, X12_LEDGER_FEED_CLAIMS, "x", &f, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_feed_new(l2, (x12_ledger_feed_kind)7, "x", &f, &err), X12_ERR_USAGE);
    assert_null(f);
    assert_int_equal(x12_ledger_feed_new(l2, X12_LEDGER_FEED_REMITS, "x.835", &f, &err), X12_OK);
    assert_int_equal(x12_ledger_feed_claim(f, NULL, NULL), 1); /* a claim to a remits feed */
    assert_int_equal(x12_ledger_feed_end(f, X12_OK, &st, &err), X12_OK); /* nothing added */
    assert_int_equal(x12_ledger_feed_end(NULL, X12_OK, NULL, NULL), X12_OK);
    x12_ledger_close(l2);
    x12_ledger_close(l);
}

/* A folder for a ledger file (`dir` a mkdtemp template), and its removal
 * with the ledger's WAL and shared-memory files. */
static void make_ledger_dir(char *dir, char *path, size_t cap)
{
    assert_non_null(mkdtemp(dir));
    snprintf(path, cap, "%s/l.sqlite", dir);
}

static void remove_ledger_dir(const char *dir, const char *path)
{
    static const char *const SUFFIX[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s%s", path, SUFFIX[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* A claim's service period in the ledger: an 837I's statement dates (DTP*434
 * RD8), widened by any line date outside them; an 837P's the span of its
 * lines' dates. */
static void test_service_period(void **state)
{
    (void)state;
    static const struct {
        const char *path, *claim, *from, *to;
    } CASES[] = {
        /* statement 2026-01-08 to 01-11, every line on the 8th */
        {X12KIT_SOURCE_DIR "/fixtures/validate/n_837i_admission_date.x12", "IPS2026001", "2026-01-08",
         "2026-01-11"},
        /* a statement RD8 of one date, lines on it */
        {X12KIT_SOURCE_DIR "/fixtures/corpus/stupidedi__837-institutional-claim.edi", "756048Q",
         "1996-09-11", "1996-09-11"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        x12_ledger *l = open_mem();
        x12_ledger_ingest_stats st;
        x12_error err;
        x12_reader_options ro; /* line breaks after the terminators, as x12 reads them */
        x12_reader_options_init(&ro);
        ro.flags = X12_READ_LENIENT;
        assert_int_equal(x12_ledger_ingest_claims(l, CASES[i].path, &ro, NULL, NULL, &st, &err),
                         X12_OK);
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(l->db,
                                            "SELECT claim_id, service_from, service_to FROM claims",
                                            -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(q, 0), CASES[i].claim);
        assert_string_equal((const char *)sqlite3_column_text(q, 1), CASES[i].from);
        assert_string_equal((const char *)sqlite3_column_text(q, 2), CASES[i].to);
        assert_int_equal(sqlite3_step(q), SQLITE_DONE);
        sqlite3_finalize(q);
        x12_ledger_close(l);
    }
}

/* --- spooled feeds: read now, add later ------------------------------------------ */

/* Every row of every table, in row order, with its column names: what two
 * ledgers must agree on (the time a file was ingested aside). */
static char *dump_ledger(x12_ledger *l)
{
    size_t n = 0, cap = 1 << 16;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    sqlite3_stmt *t;
    assert_int_equal(sqlite3_prepare_v2(l->db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                               " ORDER BY name", -1, &t, NULL), SQLITE_OK);
    while (sqlite3_step(t) == SQLITE_ROW) {
        char sql[160];
        const char *name = (const char *)sqlite3_column_text(t, 0);
        if (!strcmp(name, "meta"))
            continue;
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid", name);
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(l->db, sql, -1, &q, NULL), SQLITE_OK);
        while (sqlite3_step(q) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(q); i++) {
                const char *col = sqlite3_column_name(q, i);
                if (!strcmp(col, "ingested_at"))
                    continue;
                const char *v = sqlite3_column_type(q, i) == SQLITE_NULL
                                    ? "NULL" : (const char *)sqlite3_column_text(q, i);
                size_t need = strlen(name) + strlen(col) + strlen(v) + 8;
                if (n + need >= cap) {
                    cap = cap * 2 + need;
                    out = realloc(out, cap);
                    assert_non_null(out);
                }
                n += (size_t)sprintf(out + n, "%s.%s=%s%s", name, col, v,
                                     i + 1 < sqlite3_column_count(q) ? " " : "\n");
            }
        }
        sqlite3_finalize(q);
    }
    sqlite3_finalize(t);
    return out;
}

/* Reads `path` with the typed reader of its kind into a new spooled feed
 * (on `file` when not NULL); returns the feed (the caller applies and ends
 * it, or closes it) and the read status. */
static x12_ledger_feed *spool_to(const char *path, int claims, const char *file, x12_status *rs)
{
    x12_ledger_feed *f;
    x12_error err;
    x12_ledger_feed_kind kind = claims ? X12_LEDGER_FEED_CLAIMS : X12_LEDGER_FEED_REMITS;
    if (file)
        assert_int_equal(x12_ledger_spool_new_file(kind, path, file, &f, &err), X12_OK);
    else
        assert_int_equal(x12_ledger_spool_new(kind, path, &f, &err), X12_OK);
    *rs = read_into(f, path, claims);
    return f;
}

static x12_ledger_feed *spool_file(const char *path, int claims, x12_status *rs)
{
    return spool_to(path, claims, NULL, rs);
}

/* The same through a named file, closed, then opened again (as `x12 batch
 * --jobs N` hands a spool from a worker to the parent). */
static x12_ledger_feed *spool_via_file(const char *path, int claims, const char *file)
{
    x12_status rs;
    x12_error err;
    x12_ledger_feed *f = spool_to(path, claims, file, &rs);
    assert_int_equal(x12_ledger_spool_close(f, rs, &err), X12_OK);
    assert_int_equal(x12_ledger_spool_open(file, &f, &err), X12_OK);
    return f;
}

static void assert_stats_equal(const x12_ledger_ingest_stats *a, const x12_ledger_ingest_stats *b)
{
    assert_int_equal(a->sets, b->sets);
    assert_int_equal(a->sets_skipped, b->sets_skipped);
    assert_int_equal(a->claims, b->claims);
    assert_int_equal(a->lines, b->lines);
    assert_int_equal(a->payments, b->payments);
    assert_int_equal(a->payments_skipped, b->payments_skipped);
    assert_int_equal(a->plb, b->plb);
    assert_int_equal(a->errors, b->errors);
    assert_int_equal(a->matched, b->matched);
    assert_int_equal(a->lines_matched, b->lines_matched);
    assert_int_equal(a->rolled_back, b->rolled_back);
}

/* Files applied from spools leave a ledger row for row equal to the one
 * the ingest functions make of the same files, counts included: claims
 * (837P, 837I, a replacement), payments with every level of adjustment,
 * remark codes, PLB entries, reversals, a payment sent twice, a file of
 * another version and a file cut short. */
static void test_spool(void **state)
{
    (void)state;
    static const char *const FILES[] = {
        FIX "claims-1.837",
        FIX "era-1.835",
        FIX "claims-2.837",
        FIX "era-2.835",
        FIX "era-1-resent.835",
        X12KIT_SOURCE_DIR "/fixtures/demo-inbox/claims-2026-11-24.837",
        X12KIT_SOURCE_DIR "/fixtures/demo-inbox/era-2026-11-25.835",
        X12KIT_SOURCE_DIR "/fixtures/demo-inbox/claims-2026-11-26-upload-cut.837",
        X12KIT_SOURCE_DIR "/fixtures/remit/y_elements.835",
        X12KIT_SOURCE_DIR "/fixtures/corpus/lfh-x12__demo.837",
        X12KIT_SOURCE_DIR "/fixtures/corpus/stupidedi__837-institutional-claim.edi",
        X12KIT_SOURCE_DIR "/fixtures/corpus/lfh-x12__managed-care.835",
        X12KIT_SOURCE_DIR "/fixtures/corpus/stupidedi__1.edi",
    };
    x12_ledger *a, *b;
    x12_error err;
    assert_int_equal(x12_ledger_open(":memory:", &a, &err), X12_OK);
    assert_int_equal(x12_ledger_open(":memory:", &b, &err), X12_OK);
    x12_reader_options lo;
    x12_reader_options_init(&lo);
    lo.flags = X12_READ_LENIENT;
    char spool_name[] = "/tmp/x12-spool-file-XXXXXX";
    int sfd = mkstemp(spool_name);
    assert_true(sfd >= 0);
    close(sfd);
    uint32_t plb = 0, rolled_back = 0;
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        const char *path = FILES[i];
        int claims = !strstr(path, ".835") && !strstr(path, "stupidedi__1");
        x12_ledger_ingest_stats want, have;
        x12_error werr, herr;
        x12_status ws = claims ? x12_ledger_ingest_claims(a, path, &lo, NULL, NULL, &want, &werr)
                               : x12_ledger_ingest_remits(a, path, &lo, NULL, NULL, &want, &werr);
        /* every other file handed over through a named file */
        x12_status rs = X12_OK;
        x12_ledger_feed *f = i % 2 ? spool_via_file(path, claims, spool_name)
                                   : spool_file(path, claims, &rs);
        x12_status hs = x12_ledger_spool_apply(b, f, rs, &have, &herr);
        if (hs != ws)
            fail_msg("%s: spool %d (%s), ingest %d (%s)", path, hs, herr.detail, ws, werr.detail);
        assert_stats_equal(&have, &want);
        plb += have.plb;
        rolled_back += have.rolled_back;
        /* a spool can be applied again: every key known now, nothing added */
        if (hs == X12_OK && (have.claims || have.sets)) {
            assert_int_equal(x12_ledger_spool_apply(b, f, rs, &have, &herr), X12_OK);
            assert_int_equal(have.claims, 0);
            assert_int_equal(have.lines, 0);
        }
        assert_int_equal(x12_ledger_feed_end(f, X12_OK, &have, &herr), X12_OK); /* frees it */
        assert_int_equal(have.claims, 0);
    }
    unlink(spool_name);
    assert_true(plb >= 2);
    assert_int_equal(rolled_back, 2); /* the upload cut short, and the 4010 835's ISA of 122 bytes */
    x12_ledger_match_stats ma, mb;
    assert_int_equal(x12_ledger_match(a, &ma, &err), X12_OK);
    assert_int_equal(x12_ledger_match(b, &mb, &err), X12_OK);
    assert_int_equal(ma.matched, mb.matched);
    assert_int_equal(ma.lines_matched, mb.lines_matched);
    char *da = dump_ledger(a), *db = dump_ledger(b);
    assert_non_null(strstr(da, "remarks.code="));
    assert_non_null(strstr(da, "plb.reason="));
    assert_non_null(strstr(da, "remit_lines.claim_line_ref=NULL"));
    assert_non_null(strstr(da, "match_method=line_control"));
    assert_string_equal(db, da);
    free(da);
    free(db);
    x12_ledger_close(a);
    x12_ledger_close(b);
}

/* A spool needs no ledger until it is applied; a ledger another connection
 * holds leaves it as it was, to be applied again; what cannot be spooled
 * or applied says why. */
static void test_spool_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/x12-spool-XXXXXX", path[64];
    make_ledger_dir(dir, path, sizeof path);
    x12_ledger *a, *b;
    x12_error err;
    x12_ledger_ingest_stats st;
    x12_status rs;
    assert_int_equal(x12_ledger_open(path, &a, &err), X12_OK);
    assert_int_equal(x12_ledger_open(path, &b, &err), X12_OK);
    /* read while another connection holds the write lock: a spool does not wait */
    assert_int_equal(lg_begin(a, &err), X12_OK);
    x12_ledger_feed *f = spool_file(FIX "claims-1.837", 1, &rs);
    assert_int_equal(rs, X12_OK);
    x12_ledger_set_busy_wait(b, 0);
    assert_int_equal(x12_ledger_spool_apply(b, f, rs, &st, &err), X12_ERR_LEDGER);
    assert_non_null(strstr(err.detail, "locked"));
    assert_int_equal(st.claims, 0);
    lg_rollback(a);
    assert_int_equal(x12_ledger_spool_apply(b, f, rs, &st, &err), X12_OK);
    assert_int_equal(st.claims, 8);
    assert_int_equal(x12_ledger_feed_end(f, X12_OK, NULL, NULL), X12_OK);
    /* a failure of the input rolls the file back, as a feed's would */
    f = spool_file(FIX "claims-2.837", 1, &rs);
    assert_int_equal(x12_ledger_spool_apply(b, f, X12_ERR_GZIP, &st, &err), X12_ERR_GZIP);
    assert_int_equal(st.claims, 0);
    assert_int_equal(st.rolled_back, 1);
    x12_ledger_feed_end(f, X12_OK, NULL, NULL);
    /* misuse: a direct feed is not a spool; no ledger; a bad kind */
    x12_ledger_feed *direct;
    assert_int_equal(x12_ledger_feed_new(b, X12_LEDGER_FEED_CLAIMS, "x.837", &direct, &err), X12_OK);
    assert_int_equal(x12_ledger_spool_apply(b, direct, X12_OK, &st, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_feed_end(direct, X12_OK, &st, &err), X12_OK);
    f = spool_file(FIX "claims-2.837", 1, &rs);
    assert_int_equal(x12_ledger_spool_apply(NULL, f, rs, &st, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_spool_apply(b, NULL, rs, &st, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_feed_payment(f, NULL), 1); /* a payment to a claims spool */
    x12_ledger_feed_end(f, X12_OK, NULL, NULL);
    assert_int_equal(x12_ledger_spool_new((x12_ledger_feed_kind)7, "x", &f, &err), X12_ERR_USAGE);
    assert_null(f);
    assert_int_equal(x12_ledger_spool_new(X12_LEDGER_FEED_REMITS, NULL, &f, &err), X12_ERR_USAGE);
    /* named spool files: what is not one whole is refused */
    char name[96];
    snprintf(name, sizeof name, "%s/spool", dir);
    f = spool_to(FIX "claims-2.837", 1, name, &rs);
    FILE *fp = fopen(name, "rb");
    assert_non_null(fp);
    static char part[1 << 16];
    size_t plen = fread(part, 1, sizeof part, fp); /* what the writer flushed so far */
    fclose(fp);
    assert_int_equal(x12_ledger_spool_close(f, rs, &err), X12_OK);
    fp = fopen(name, "rb");
    static char whole[1 << 17];
    size_t wlen = fread(whole, 1, sizeof whole, fp);
    fclose(fp);
    assert_true(wlen > 28 && wlen < sizeof whole && plen < wlen);
    /* cut anywhere before its end record: not a whole spool */
    static const size_t CUTS[] = {0, 3, 40, 0};
    for (int k = 0; k < 4; k++) {
        size_t cut = k == 3 ? wlen - 1 : CUTS[k];
        fp = fopen(name, "wb");
        fwrite(whole, 1, cut, fp);
        fclose(fp);
        x12_ledger_feed *g;
        assert_int_equal(x12_ledger_spool_open(name, &g, &err), X12_ERR_IO);
        assert_null(g);
        assert_non_null(strstr(err.detail, "not a whole spool file"));
    }
    /* whole, but a record inside it damaged (its type): opened, then refused
     * when read back, and nothing of it kept */
    uint32_t head_len;
    memcpy(&head_len, whole, 4);
    assert_true(4 + head_len + 8 < wlen);
    whole[4 + head_len + 4] ^= 0x7f; /* the second record's type */
    fp = fopen(name, "wb");
    fwrite(whole, 1, wlen, fp);
    fclose(fp);
    assert_int_equal(x12_ledger_spool_open(name, &f, &err), X12_OK);
    assert_int_equal(x12_ledger_spool_apply(b, f, X12_OK, &st, &err), X12_ERR_IO);
    assert_non_null(strstr(err.detail, "could not be read back"));
    assert_int_equal(st.claims, 0);
    assert_int_equal(st.rolled_back, 1);
    x12_ledger_feed_end(f, X12_OK, NULL, NULL);
    whole[4 + head_len + 4] ^= 0x7f;
    /* any one byte damaged (every position, every bit flipped in turn): the
     * read-back checks (lengths, counts, ranges, ends of strings) refuse it,
     * or it reads as other values; never a crash, never half a file kept */
    {
        x12_ledger *c;
        assert_int_equal(x12_ledger_open(":memory:", &c, &err), X12_OK);
        uint32_t refused = 0;
        for (size_t at = 0; at < wlen; at++) {
            unsigned char was = (unsigned char)whole[at];
            whole[at] = (char)(was ^ (1u << (at % 8)));
            fp = fopen(name, "wb");
            fwrite(whole, 1, wlen, fp);
            fclose(fp);
            whole[at] = (char)was;
            x12_ledger_feed *g;
            x12_status os = x12_ledger_spool_open(name, &g, &err);
            if (os != X12_OK) {
                assert_int_equal(os, X12_ERR_IO);
                refused++;
                continue;
            }
            x12_status as = x12_ledger_spool_apply(c, g, X12_OK, &st, &err);
            if (as != X12_OK) {
                refused++;
                assert_int_equal(st.claims, 0);
                assert_int_equal(st.rolled_back, 1);
            }
            x12_ledger_feed_end(g, X12_OK, NULL, NULL);
        }
        assert_true(refused > 0);
        x12_ledger_close(c);
    }
    fp = fopen(name, "wb");
    fwrite(whole, 1, wlen, fp);
    fclose(fp);
    assert_int_equal(x12_ledger_spool_open(name, &f, &err), X12_OK);
    assert_int_equal(x12_ledger_spool_apply(b, f, X12_OK, &st, &err), X12_OK);
    assert_int_equal(st.claims, 1);
    assert_int_equal(x12_ledger_spool_close(f, X12_OK, &err), X12_ERR_USAGE); /* opened: not to close */
    assert_int_equal(x12_ledger_spool_open(FIX "nonexistent", &f, &err), X12_ERR_IO);
    assert_non_null(strstr(err.detail, "cannot open"));
    assert_int_equal(x12_ledger_spool_open(NULL, &f, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_spool_new_file(X12_LEDGER_FEED_CLAIMS, "x", NULL, &f, &err), X12_ERR_USAGE);
    assert_int_equal(x12_ledger_spool_new_file(X12_LEDGER_FEED_CLAIMS, "x", "/nonexistent/dir/spool", &f,
                                               &err), X12_ERR_IO);
    f = spool_file(FIX "claims-2.837", 1, &rs);
    assert_int_equal(x12_ledger_spool_close(f, rs, &err), X12_ERR_USAGE); /* not a named one */
    /* a device that is full: the records cannot be written, and closing says so */
    if (access("/dev/full", W_OK) == 0) {
        f = spool_to(FIX "era-1.835", 0, "/dev/full", &rs);
        assert_int_equal(x12_ledger_spool_close(f, rs, &err), X12_ERR_IO);
        assert_non_null(strstr(err.detail, "cannot write the spool's file"));
        assert_non_null(strstr(err.detail, strerror(ENOSPC)));
    }
    /* the input failed: the status it was closed with rolls it back when applied */
    f = spool_to(FIX "era-2.835", 0, name, &rs);
    assert_int_equal(x12_ledger_spool_close(f, X12_ERR_GZIP, &err), X12_OK);
    assert_int_equal(x12_ledger_spool_open(name, &f, &err), X12_OK);
    assert_int_equal(x12_ledger_spool_apply(b, f, X12_OK, &st, &err), X12_ERR_GZIP);
    assert_int_equal(st.rolled_back, 1);
    x12_ledger_feed_end(f, X12_OK, NULL, NULL);
    unlink(name);
    /* no place for the temporary file */
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent/x12kit", 1);
    assert_int_equal(x12_ledger_spool_new(X12_LEDGER_FEED_CLAIMS, "x.837", &f, &err), X12_ERR_IO);
    assert_null(f);
    assert_non_null(strstr(err.detail, "cannot make the spool's file"));
    if (saved) {
        setenv("TMPDIR", saved, 1);
        free(saved);
    } else {
        unsetenv("TMPDIR");
    }
    x12_ledger_close(a);
    x12_ledger_close(b);
    remove_ledger_dir(dir, path);
}

/* With no wait, a write finds the ledger held by another connection and
 * fails at once, leaving it as it was; once it is free, it goes through. */
static void test_busy_wait(void **state)
{
    (void)state;
    char dir[] = "/tmp/x12-busy-XXXXXX", path[64];
    make_ledger_dir(dir, path, sizeof path);
    x12_ledger *a, *b;
    x12_error err;
    x12_ledger_ingest_stats st;
    assert_int_equal(x12_ledger_open(path, &a, &err), X12_OK);
    assert_int_equal(x12_ledger_open(path, &b, &err), X12_OK);
    assert_int_equal(lg_begin(a, &err), X12_OK); /* a holds the write lock */
    x12_ledger_set_busy_wait(b, 0);
    assert_int_equal(x12_ledger_ingest_claims(b, FIX "claims-1.837", NULL, NULL, NULL, &st, &err),
                     X12_ERR_LEDGER);
    assert_non_null(strstr(err.detail, "locked"));
    assert_int_equal(st.claims, 0);
    /* a short wait runs out while the lock is still held */
    x12_ledger_set_busy_wait(b, 50);
    assert_int_equal(x12_ledger_ingest_claims(b, FIX "claims-1.837", NULL, NULL, NULL, &st, &err),
                     X12_ERR_LEDGER);
    assert_non_null(strstr(err.detail, "locked"));
    lg_rollback(a);
    /* another process holds the ledger for a moment: the default wait outlasts it */
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        x12_ledger *c;
        x12_error cerr;
        if (x12_ledger_open(path, &c, &cerr) != X12_OK || lg_begin(c, &cerr) != X12_OK)
            _exit(1);
        (void)!write(ready[1], "x", 1);
        struct timespec d = {0, 150000000L};
        nanosleep(&d, NULL);
        lg_rollback(c);
        x12_ledger_close(c);
        _exit(0);
    }
    char byte;
    assert_int_equal(read(ready[0], &byte, 1), 1);
    x12_ledger_set_busy_wait(b, 10000);
    assert_int_equal(x12_ledger_ingest_claims(b, FIX "claims-1.837", NULL, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.claims, 8);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(ready[0]);
    close(ready[1]);
    x12_ledger_set_busy_wait(NULL, 0); /* a no-op */
    x12_ledger_close(a);
    x12_ledger_close(b);
    remove_ledger_dir(dir, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_version),
        cmocka_unit_test(test_encounters_not_aged),
        cmocka_unit_test(test_migrate_from_version_2),
        cmocka_unit_test(test_match_plans),
        cmocka_unit_test(test_match_as_ingested),
        cmocka_unit_test(test_busy_wait),
        cmocka_unit_test(test_feed),
        cmocka_unit_test(test_spool),
        cmocka_unit_test(test_spool_errors),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_idempotent_keys),
        cmocka_unit_test(test_statuses_and_matching),
        cmocka_unit_test(test_matching_edges),
        cmocka_unit_test(test_claim_id_cut),
        cmocka_unit_test(test_acks),
        cmocka_unit_test(test_report_errors),
        cmocka_unit_test(test_day_numbers),
        cmocka_unit_test(test_service_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
