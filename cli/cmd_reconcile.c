/* x12 reconcile: ingest submitted claims (837) and remits (835) into the
 * ledger, match them, and report per claim (docs/ledger.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <x12/amount.h>
#include <x12/ledger.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 reconcile [--db LEDGER] [--claims FILE...] [--remits FILE...] [--acks FILE...]\n"
    "                     [--format text|csv|json] [--as-of DATE] [-o OUT] [--quiet]\n"
    "\n"
    "Ingests submitted claims (837P/I/D) and remittances (835) into the ledger, matches\n"
    "each payment to its claim, and reports every claim: billed, allowed, paid, patient\n"
    "responsibility, adjustments by group and reason, remark codes and a status\n"
    "(paid, partial, denied, reversed, pending, unmatched_remit).  Files already in the\n"
    "ledger are skipped; each file is kept whole or not at all.\n"
    "\n"
    "  --db LEDGER      the SQLite ledger (default x12-ledger.sqlite; :memory: for one run)\n"
    "  --claims FILE... 837 files to ingest (- for stdin; gzip read transparently)\n"
    "  --remits FILE... 835 files to ingest\n"
    "  --acks FILE...   277CA claim acknowledgements to ingest: each claim's latest says\n"
    "                   whether the payer accepted it or rejected it at the door (the\n"
    "                   acknowledgement columns)\n"
    "  --format F       text (default: a table, totals and aging), csv (RFC 4180, one row\n"
    "                   per claim) or json (NDJSON, the same fields)\n"
    "  --as-of DATE     CCYY-MM-DD for the ages of pending claims (default today, UTC)\n"
    "  -o OUT           write the report to OUT instead of standard output (gzip-compressed\n"
    "                   when OUT ends in .gz)\n"
    "  --summary FILE   also write the totals and aging as one JSON object to FILE\n"
    "  --quiet          no per-file lines on standard error\n"
    "\n"
    "Exit status: 0 everything ingested and the totals tie out; 1 a file had errors, was\n"
    "rolled back, or the totals do not tie out; 2 usage, ledger or I/O error.\n";

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON } fmt;

typedef struct run {
    fmt format;
    FILE *out;
    const char *file; /* being ingested */
    int quiet;
    cli_common common;
    unsigned long findings;
    unsigned long matched; /* claim payments matched as they were ingested */
} run;

static void on_finding(void *ctx, const x12_finding *f)
{
    run *r = ctx;
    if (cli_second_of_kind(f)) { /* the first is kept */
        cli_print_error(r->file, &f->err);
        return;
    }
    if (f->severity != X12_SEV_ERROR)
        return;
    r->findings++;
    cli_print_error(r->file, &f->err);
}

static void money(int64_t cents, char *buf, size_t cap)
{
    x12_amount_format(cents, X12_AMOUNT_DECIMAL2, buf, cap);
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF. */
static void csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

static const char *const COLUMNS[] = {
    "claim_id",     "status",        "billed",          "allowed",    "paid",
    "patient_responsibility",        "age_days",        "payer_id",   "payer_claim_number",
    "frequency",    "submitted_date", "last_payment_date", "adj_co",  "adj_pr",
    "adj_oa",       "adj_pi",        "adj_cr",          "adjustments", "remark_codes",
    "trace_numbers", "remits",       "lines",           "lines_matched", "acknowledgement",
    "acknowledgement_codes",         "acknowledgement_date", "sent_again", "transaction_type"};
#define NCOLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

/* The row as text values in COLUMNS order; age_days "" unless pending. */
static void row_values(const x12_recon_row *row, char vals[][32], const char *v[NCOLUMNS])
{
    money(row->billed, vals[0], 32);
    money(row->allowed, vals[1], 32);
    money(row->paid, vals[2], 32);
    money(row->patient_responsibility, vals[3], 32);
    if (row->age_days >= 0)
        snprintf(vals[4], 32, "%d", row->age_days);
    else
        vals[4][0] = '\0';
    for (int g = 0; g < 5; g++)
        money(row->adjustments[g], vals[5 + g], 32);
    snprintf(vals[10], 32, "%u", row->remits);
    snprintf(vals[11], 32, "%u", row->lines);
    snprintf(vals[12], 32, "%u", row->lines_matched);
    const char *x[NCOLUMNS] = {row->claim_id,         x12_recon_status_name(row->status),
                               vals[0],               vals[1],
                               vals[2],               vals[3],
                               vals[4],               row->payer_id,
                               row->payer_claim_number, row->frequency,
                               row->submitted_date,   row->last_payment_date,
                               vals[5],               vals[6],
                               vals[7],               vals[8],
                               vals[9],               row->adjustment_detail,
                               row->remark_codes,     row->trace_numbers,
                               vals[10],              vals[11],
                               vals[12],              row->acknowledgement,
                               row->acknowledgement_codes, row->acknowledgement_date,
                               row->sent_again,       row->transaction_type};
    memcpy(v, x, sizeof x);
}

static int on_row(void *ctx, const x12_recon_row *row)
{
    run *r = ctx;
    char vals[13][32];
    const char *v[NCOLUMNS];
    row_values(row, vals, v);
    if (r->format == FMT_CSV) {
        for (size_t i = 0; i < NCOLUMNS; i++)
            csv_field(r->out, v[i], i + 1 == NCOLUMNS);
    } else if (r->format == FMT_JSON) {
        json_t *o = json_object();
        for (size_t i = 0; i < NCOLUMNS; i++) {
            const char *name = COLUMNS[i];
            /* counts and ages are JSON integers; amounts stay decimal strings */
            if (strcmp(name, "age_days") == 0)
                json_object_set_new(o, name, row->age_days >= 0 ? json_integer(row->age_days) : json_null());
            else if (strcmp(name, "remits") == 0 || strcmp(name, "lines") == 0 ||
                     strcmp(name, "lines_matched") == 0)
                json_object_set_new(o, name, json_integer(strtol(v[i], NULL, 10)));
            else
                json_object_set_new(o, name, cli_jstr(v[i]));
        }
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (s) {
            fputs(s, r->out);
            fputc('\n', r->out);
            free(s);
        }
    } else {
        fprintf(r->out, "%-20s %-15s %12s %12s %12s %12s %5s  %s%s%s%s%s\n", row->claim_id,
                x12_recon_status_name(row->status), v[2], v[3], v[4], v[5], v[6],
                row->adjustment_detail, row->acknowledgement[0] ? "  277CA " : "",
                row->acknowledgement, row->sent_again[0] ? "  sent again " : "",
                row->sent_again);
    }
    return ferror(r->out) ? 1 : 0;
}

static json_t *totals_json(const x12_recon_totals *t)
{
    char b[32];
    json_t *o = json_object();
    json_object_set_new(o, "rows", json_integer((json_int_t)t->rows));
    json_t *st = json_object();
    for (int i = 0; i < X12_RECON_STATUS_COUNT; i++)
        json_object_set_new(st, x12_recon_status_name((x12_recon_status)i),
                            json_integer((json_int_t)t->by_status[i]));
    json_object_set_new(o, "by_status", st);
#define AMT(name, v)                                    \
    do {                                                \
        money(v, b, sizeof b);                          \
        json_object_set_new(o, name, json_string(b));   \
    } while (0)
    AMT("billed", t->billed);
    AMT("allowed", t->allowed);
    AMT("paid", t->paid);
    AMT("patient_responsibility", t->patient_responsibility);
    AMT("plb_total", t->plb_total);
    AMT("payments_total", t->payments_total);
#undef AMT
    json_object_set_new(o, "payments", json_integer((json_int_t)t->payments));
    json_object_set_new(o, "ties_out", json_boolean(t->ties_out));
    static const char *const BUCKETS[4] = {"0-30", "31-60", "61-90", "90+"};
    json_t *ag = json_array();
    for (int i = 0; i < 4; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "days", json_string(BUCKETS[i]));
        json_object_set_new(x, "claims", json_integer((json_int_t)t->aging_count[i]));
        money(t->aging_billed[i], b, sizeof b);
        json_object_set_new(x, "billed", json_string(b));
        json_array_append_new(ag, x);
    }
    json_object_set_new(o, "aging", ag);
    json_object_set_new(o, "pending_encounters", json_integer((json_int_t)t->pending_encounters));
    money(t->pending_encounters_billed, b, sizeof b);
    json_object_set_new(o, "pending_encounters_billed", json_string(b));
    json_object_set_new(o, "acknowledged", json_integer((json_int_t)t->acknowledged));
    json_object_set_new(o, "rejected_by_payer", json_integer((json_int_t)t->rejected_by_payer));
    return o;
}

static void print_totals(FILE *f, const x12_recon_totals *t)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, "\n%llu claims:", (unsigned long long)t->rows);
    for (int i = 0; i < X12_RECON_STATUS_COUNT; i++)
        fprintf(f, " %s %llu", x12_recon_status_name((x12_recon_status)i),
                (unsigned long long)t->by_status[i]);
    money(t->billed, a, sizeof a);
    money(t->allowed, b, sizeof b);
    money(t->paid, c, sizeof c);
    money(t->patient_responsibility, d, sizeof d);
    fprintf(f, "\nbilled %s  allowed %s  paid %s  patient responsibility %s\n", a, b, c, d);
    money(t->plb_total, a, sizeof a);
    money(t->payments_total, b, sizeof b);
    money(t->paid, c, sizeof c);
    money(t->paid - t->plb_total, d, sizeof d);
    fprintf(f, "payments %llu: paid %s less PLB %s = %s; BPR02 total %s: %s\n",
            (unsigned long long)t->payments, c, a, d, b, t->ties_out ? "ties out" : "DOES NOT TIE OUT");
    static const char *const BUCKETS[4] = {"0-30", "31-60", "61-90", "90+"};
    fprintf(f, "aging of pending claims:");
    for (int i = 0; i < 4; i++) {
        money(t->aging_billed[i], a, sizeof a);
        fprintf(f, "  %s days: %llu (%s)", BUCKETS[i], (unsigned long long)t->aging_count[i], a);
    }
    fputc('\n', f);
    if (t->pending_encounters) {
        money(t->pending_encounters_billed, a, sizeof a);
        fprintf(f, "encounters (BHT06 RP) pending, not aged: %llu (%s)\n",
                (unsigned long long)t->pending_encounters, a);
    }
    if (t->acknowledged)
        fprintf(f, "277CA: %llu claims acknowledged, %llu rejected by the payer\n",
                (unsigned long long)t->acknowledged, (unsigned long long)t->rejected_by_payer);
}

/* Collects the file arguments after --claims or --remits. */
static int take_files(int argc, char **argv, int *i, const char ***list, int *n)
{
    int start = *i + 1, k = start;
    while (k < argc && !(argv[k][0] == '-' && argv[k][1] == '-') &&
           !(strcmp(argv[k], "-o") == 0))
        k++;
    if (k == start) {
        fprintf(stderr, "x12 reconcile: %s needs at least one file\n", argv[*i]);
        return -1;
    }
    const char **p = realloc(*list, (size_t)(*n + k - start) * sizeof *p);
    if (!p)
        return -1;
    for (int j = start; j < k; j++)
        p[(*n)++] = argv[j];
    *list = p;
    *i = k - 1;
    return 0;
}

enum { K_REMITS, K_CLAIMS, K_ACKS };

static int ingest(x12_ledger *l, run *r, const char *path, int kind)
{
    int claims = kind == K_CLAIMS;
    x12_reader_options ro;
    cli_reader_options(&r->common, &ro);
    x12_ledger_ingest_stats st;
    x12_error err;
    r->file = strcmp(path, "-") == 0 ? "<stdin>" : path;
    unsigned long before = r->findings;
    x12_status s = claims             ? x12_ledger_ingest_claims(l, path, &ro, on_finding, r, &st, &err)
                   : kind == K_ACKS ? x12_ledger_ingest_acks(l, path, &ro, on_finding, r, &st, &err)
                                    : x12_ledger_ingest_remits(l, path, &ro, on_finding, r, &st, &err);
    if (s != X12_OK && s != X12_ERR_LEDGER_ROLLED_BACK) {
        /* a file that cannot be read was reported already, as a finding */
        if (s != X12_ERR_IO || r->findings == before)
            cli_print_error(r->file, &err);
        return s == X12_ERR_LEDGER || s == X12_ERR_NOMEM || s == X12_ERR_IO ? EXIT_USAGE : EXIT_INPUT;
    }
    if (s == X12_ERR_LEDGER_ROLLED_BACK) {
        fprintf(stderr, "%s: not ingested: the file could not be read to its end (nothing kept)\n", r->file);
        return EXIT_INPUT;
    }
    r->matched += st.matched;
    if (!r->quiet && kind == K_ACKS) {
        fprintf(stderr, "%s: %u claim acknowledgement%s in %u transaction set%s", r->file, st.claims,
                st.claims == 1 ? "" : "s", st.sets, st.sets == 1 ? "" : "s");
        if (st.sets_skipped)
            fprintf(stderr, "; %u already in the ledger (skipped)", st.sets_skipped);
        fputc('\n', stderr);
    } else if (!r->quiet) {
        if (claims)
            fprintf(stderr, "%s: %u claim%s in %u transaction set%s%s", r->file, st.claims,
                    st.claims == 1 ? "" : "s", st.sets, st.sets == 1 ? "" : "s",
                    st.sets_skipped ? "" : "\n");
        else
            fprintf(stderr, "%s: %u claim payment%s in %u payment%s%s", r->file, st.claims,
                    st.claims == 1 ? "" : "s", st.payments, st.payments == 1 ? "" : "s",
                    st.payments_skipped ? "" : "\n");
        if (claims && st.sets_skipped)
            fprintf(stderr, "; %u already in the ledger (skipped)\n", st.sets_skipped);
        if (!claims && st.payments_skipped)
            fprintf(stderr, "; %u already in the ledger (skipped)\n", st.payments_skipped);
    }
    return r->findings > before ? EXIT_INPUT : EXIT_FINE;
}

int cmd_reconcile(int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    cli_common_init(&r.common);
    const char *db = "x12-ledger.sqlite", *as_of = NULL, *out_path = NULL, *summary = NULL;
    const char **claims = NULL, **remits = NULL, **acks = NULL;
    int nclaims = 0, nremits = 0, nacks = 0, rc = EXIT_FINE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int c = cli_common_option(&r.common, argc, argv, &i);
        if (c < 0)
            goto usage;
        if (c > 0)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            free(claims);
            free(remits);
            free(acks);
            return EXIT_FINE;
        } else if (strcmp(a, "--claims") == 0) {
            if (take_files(argc, argv, &i, &claims, &nclaims) < 0)
                goto usage;
        } else if (strcmp(a, "--remits") == 0) {
            if (take_files(argc, argv, &i, &remits, &nremits) < 0)
                goto usage;
        } else if (strcmp(a, "--acks") == 0) {
            if (take_files(argc, argv, &i, &acks, &nacks) < 0)
                goto usage;
        } else if ((strcmp(a, "--db") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--as-of") == 0 ||
                    strcmp(a, "-o") == 0 || strcmp(a, "--summary") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "x12 reconcile: %s needs a value\n", a);
                goto usage;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--db") == 0)
                db = v;
            else if (strcmp(a, "--as-of") == 0)
                as_of = v;
            else if (strcmp(a, "-o") == 0)
                out_path = v;
            else if (strcmp(a, "--summary") == 0)
                summary = v;
            else if (strcmp(v, "text") == 0)
                r.format = FMT_TEXT;
            else if (strcmp(v, "csv") == 0)
                r.format = FMT_CSV;
            else if (strcmp(v, "json") == 0)
                r.format = FMT_JSON;
            else {
                fprintf(stderr, "x12 reconcile: --format must be text, csv or json, not '%s'\n", v);
                goto usage;
            }
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            r.quiet = 1;
        } else {
            fprintf(stderr, "x12 reconcile: unknown option '%s'\n", a);
            goto usage;
        }
    }

    if (cli_output_is_input("reconcile", out_path, claims, nclaims) ||
        cli_output_is_input("reconcile", out_path, remits, nremits) ||
        cli_output_is_input("reconcile", out_path, acks, nacks) ||
        cli_output_is_input("reconcile", out_path, &db, 1)) {
        free(claims);
        free(remits);
        free(acks);
        return EXIT_USAGE;
    }
    x12_ledger *l = NULL;
    x12_error err;
    /* a bad --as-of is a usage error before anything is ingested */
    if (as_of && x12_ledger_check_date(as_of, &err) != X12_OK) {
        fprintf(stderr, "x12 reconcile: %s\n", err.detail);
        free(claims);
        free(remits);
        free(acks);
        return EXIT_USAGE;
    }
    if (x12_ledger_open(db, &l, &err) != X12_OK) {
        cli_print_error(db, &err);
        free(claims);
        free(remits);
        free(acks);
        return EXIT_USAGE;
    }
    for (int i = 0; i < nclaims; i++)
        rc = cli_worst(rc, ingest(l, &r, claims[i], K_CLAIMS));
    for (int i = 0; i < nremits; i++)
        rc = cli_worst(rc, ingest(l, &r, remits[i], K_REMITS));
    for (int i = 0; i < nacks; i++)
        rc = cli_worst(rc, ingest(l, &r, acks[i], K_ACKS));
    free(claims);
    free(remits);
    free(acks);
    x12_ledger_match_stats ms;
    if (x12_ledger_match(l, &ms, &err) != X12_OK) {
        cli_print_error(db, &err);
        x12_ledger_close(l);
        return EXIT_USAGE;
    }
    if (!r.quiet && ms.unmatched)
        fprintf(stderr, "x12 reconcile: %u claim payment%s match%s no claim in the ledger (status unmatched_remit)\n",
                ms.unmatched, ms.unmatched == 1 ? "" : "s", ms.unmatched == 1 ? "es" : "");
    r.out = stdout;
    if (out_path && strcmp(out_path, "-") != 0) {
        r.out = cli_open_out(out_path);
        if (!r.out) {
            fprintf(stderr, "x12 reconcile: cannot write %s\n", out_path);
            x12_ledger_close(l);
            return EXIT_USAGE;
        }
    }
    if (r.format == FMT_CSV)
        for (size_t i = 0; i < NCOLUMNS; i++)
            csv_field(r.out, COLUMNS[i], i + 1 == NCOLUMNS);
    else if (r.format == FMT_TEXT)
        fprintf(r.out, "%-20s %-15s %12s %12s %12s %12s %5s  %s\n", "claim_id", "status", "billed",
                "allowed", "paid", "patient_resp", "age", "adjustments");
    x12_recon_totals t;
    x12_status s = x12_ledger_report(l, as_of, on_row, &r, &t, &err);
    if (s == X12_OK && r.format == FMT_TEXT)
        print_totals(r.out, &t);
    int werr = ferror(r.out);
    if (r.out != stdout) {
        /* a report cut short by an error leaves OUT as it was */
        int keep = !werr && s == X12_OK;
        werr |= cli_close_out(r.out, keep) != 0;
        if (!keep || werr)
            fprintf(stderr, "x12 reconcile: %s left as it was\n", out_path);
    } else {
        werr |= fflush(stdout) != 0;
    }
    x12_ledger_close(l);
    if (s == X12_ERR_USAGE) {
        fprintf(stderr, "x12 reconcile: %s\n", err.detail);
        return EXIT_USAGE;
    }
    if (s != X12_OK || werr) {
        if (s != X12_OK)
            cli_print_error(db, &err);
        else
            fprintf(stderr, "x12 reconcile: error writing the report\n");
        return EXIT_USAGE;
    }
    if (!r.quiet && t.sent_again)
        fprintf(stderr,
                "x12 reconcile: %llu claim%s sent again later (the same claim id, payer, amount "
                "and lines): payments go to the latest copy, an earlier one stays pending "
                "(column sent_again)\n",
                (unsigned long long)t.sent_again, t.sent_again == 1 ? " was" : "s were");
    if (summary) {
        json_t *o = totals_json(&t);
        json_object_set_new(o, "matched", json_integer((json_int_t)(ms.matched + r.matched)));
        json_object_set_new(o, "sent_again", json_integer((json_int_t)t.sent_again));
        json_object_set_new(o, "unmatched", json_integer(ms.unmatched));
        int bad = json_dump_file(o, summary, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
        json_decref(o);
        if (bad) {
            fprintf(stderr, "x12 reconcile: cannot write %s\n", summary);
            return EXIT_USAGE;
        }
    }
    if (!r.quiet && r.format != FMT_TEXT)
        print_totals(stderr, &t);
    if (!t.ties_out)
        rc = cli_worst(rc, EXIT_INPUT);
    return rc;
usage:
    free(claims);
    free(remits);
    free(acks);
    fputs(HELP, stderr);
    return EXIT_USAGE;
}
