/* x12 835: remittances as rows (claim payments, service lines, adjustments
 * or PLB entries), CSV or NDJSON, for posting and spreadsheets.  Columns:
 * docs/835-columns.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/remit.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 835 [--format csv|json] [--level claim|line|adjustment|plb] [--utf8] [-o OUT]\n"
    "               [FILE|-]...\n"
    "Writes the claim payments of 835 remittances (005010X221A1) as rows: one per claim payment\n"
    "(--level claim, the default), service line (line), CAS adjustment (adjustment) or PLB\n"
    "entry (plb).  Every row carries the file, the payer id, the trace number and the claim id.\n"
    "CSV (RFC 4180, a header row) by default; --format json writes NDJSON with the same fields,\n"
    "amounts as strings (\"123.45\").  Columns: docs/835-columns.md.  -o OUT writes to OUT\n"
    "instead of standard output, gzip-compressed when OUT ends in .gz; OUT is replaced when the\n"
    "command ends, and left as it was when no FILE could be read or the rows not be written.\n"
    "CSV keeps text bytes as the 835 has them; --utf8 writes CSV text as UTF-8, a byte that is\n"
    "not UTF-8 read as ISO-8859-1 (as JSON always does).\n"
    "Balancing (SNIP 3) runs on every file: an 835 that does not balance is still converted and\n"
    "its findings go to standard error.  A 005010X221 835 is read as 005010X221A1, with a\n"
    "warning saying so.\n"
    "Exit status: 0 fine, 1 some input had errors, 2 usage or I/O error.\n\n";

typedef struct run835 {
    x12_remit_rows *rows;
    const char *file;
    unsigned long errors;
    x12_status last; /* the last error finding's code */
    x12_status out_status;
    unsigned long handed; /* claim payments and PLB entries handed on */
} run835;

static int write_out(void *ctx, const void *buf, size_t len)
{
    FILE *f = ctx;
    return fwrite(buf, 1, len, f) == len ? 0 : -1;
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    run835 *r = ctx;
    (void)cx;
    r->handed++;
    r->out_status = x12_remit_rows_claim(r->rows, p, c);
    return r->out_status != X12_OK;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    run835 *r = ctx;
    r->handed++;
    r->out_status = x12_remit_rows_plb(r->rows, p, e);
    return r->out_status != X12_OK;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    run835 *r = ctx;
    if (cli_reader_warning(f->err.code) || cli_second_of_kind(f)) {
        /* the rows are whole; a second of a kind the rows hold one of (a
         * claim's second DTM*232) is said, the first kept */
        cli_print_error(r->file, &f->err);
        return;
    }
    if (f->severity != X12_SEV_ERROR)
        return;
    r->errors++;
    r->last = f->err.code;
    cli_print_error(r->file, &f->err);
}

typedef struct opts835 {
    x12_rows_format format;
    x12_remit_level level;
    const char *out_path;
    int utf8;
} opts835;

/* --format csv|json, --level claim|line|adjustment|plb, -o OUT */
static int own_option(void *ctx, int argc, char **argv, int *i)
{
    opts835 *op = ctx;
    const char *a = argv[*i];
    if (!strcmp(a, "--utf8")) {
        op->utf8 = 1;
        return 1;
    }
    if (strcmp(a, "--format") && strcmp(a, "--level") && strcmp(a, "-o"))
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "x12 835: %s needs a value\n", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(a, "-o")) {
        op->out_path = v;
    } else if (!strcmp(a, "--format")) {
        if (!strcmp(v, "csv")) {
            op->format = X12_ROWS_CSV;
        } else if (!strcmp(v, "json")) {
            op->format = X12_ROWS_JSON;
        } else {
            fprintf(stderr, "x12 835: --format must be csv or json, not '%s'\n", v);
            return -1;
        }
    } else {
        static const char *const LV[] = {"claim", "line", "adjustment", "plb"};
        int k;
        for (k = 0; k < 4 && strcmp(v, LV[k]); k++)
            ;
        if (k == 4) {
            fprintf(stderr, "x12 835: --level must be claim, line, adjustment or plb, not '%s'\n", v);
            return -1;
        }
        op->level = (x12_remit_level)k;
    }
    return 1;
}

int cmd_835(int argc, char **argv)
{
    opts835 op = {X12_ROWS_CSV, X12_REMIT_LEVEL_CLAIM, NULL, 0};
    cli_args args;
    int rc = cli_parse(argc, argv, "835", HELP, own_option, &op, &args);
    if (rc >= 0)
        return rc;
    const char **files = args.files;
    int nfiles = args.nfiles;
    x12_rows_format format = op.format;
    x12_remit_level level = op.level;
    const char *out_path = op.out_path;
    FILE *out = stdout;
    if (cli_output_is_input("835", out_path, files, nfiles)) {
        cli_args_free(&args);
        return EXIT_USAGE;
    }
    if (out_path && strcmp(out_path, "-") != 0) {
        out = cli_open_out(out_path);
        if (!out) {
            fprintf(stderr, "x12 835: cannot write %s\n", out_path);
            cli_args_free(&args);
            return EXIT_USAGE;
        }
    }
    run835 r;
    memset(&r, 0, sizeof r);
    r.rows = x12_remit_rows_new(level, format, write_out, out);
    if (!r.rows) {
        if (out != stdout)
            cli_close_out(out, 0);
        cli_args_free(&args);
        return EXIT_USAGE;
    }
    x12_remit_rows_set_utf8(r.rows, op.utf8);
    x12_reader_options ro;
    cli_reader_options(&args.common, &ro);
    x12_remit_callbacks cb = {NULL, on_claim, on_plb, NULL, on_finding};
    int status = EXIT_FINE;
    int read_whole = 0; /* some FILE was read to its end without an error */
    for (int i = 0; i < nfiles && r.out_status == X12_OK; i++) {
        r.file = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        x12_remit_rows_set_file(r.rows, r.file);
        unsigned long before = r.errors;
        x12_error err;
        x12_status s = x12_remit_read_file(files[i], &ro, &cb, &r, 0, &err);
        /* (what is no X12 at all is read "whole", with an error) */
        read_whole |= s == X12_OK && r.errors == before;
        status = cli_worst(status, cli_read_outcome(r.file, s, &err, r.errors > before, r.last));
    }
    if (r.out_status == X12_OK)
        r.out_status = x12_remit_rows_finish(r.rows);
    x12_remit_rows_free(r.rows);
    int werr = r.out_status != X12_OK;
    /* OUT holds nothing of the input when no FILE could be read at all */
    int keep = !werr && (read_whole || r.handed);
    if (out != stdout)
        werr |= cli_close_out(out, keep) != 0;
    else
        werr |= fflush(stdout) != 0;
    cli_args_free(&args);
    if (werr) {
        if (out != stdout)
            fprintf(stderr, "x12 835: error writing the rows: %s left as it was\n", out_path);
        else
            fprintf(stderr, "x12 835: error writing the rows\n");
        return EXIT_USAGE;
    }
    if (!keep && out != stdout)
        fprintf(stderr, "x12 835: %s not written: no FILE could be read\n", out_path);
    return status;
}
