/* x12 277: what 277CA claim acknowledgements (005010X214) say of the claims
 * sent, as rows: one per status record (the transmission, a billing
 * provider, a claim, a service line), CSV or NDJSON.  Columns:
 * docs/277-columns.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/ack277.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 277 [--format csv|json] [--level LEVELS] [--rejected] [--utf8] [-o OUT]\n"
    "               [FILE|-]...\n"
    "Writes what 277CA claim acknowledgements (005010X214) say of the claims sent: one row\n"
    "per status, at the level of the transmission (receiver: claims and charges accepted\n"
    "and rejected), a billing provider (provider), a claim (claim: found by claim_id, the\n"
    "837's CLM01) or a rejected service line (line).  Each row has the status (accepted,\n"
    "rejected or other, from the status categories and the action code), the first status's\n"
    "category, code and entity, every status in codes, and the payer claim number.\n"
    "  --level LEVELS  a comma-separated list of receiver, provider, claim, line\n"
    "                  (default: all four)\n"
    "  --rejected      only the rows whose status is rejected\n"
    "  --format F      csv (RFC 4180, a header row; the default) or json (NDJSON, amounts\n"
    "                  as strings)\n"
    "  --utf8          CSV text as UTF-8, a byte that is not UTF-8 read as ISO-8859-1 (as\n"
    "                  JSON always does); without it CSV keeps the bytes as they are\n"
    "  -o OUT          write to OUT instead of standard output (gzip-compressed when OUT\n"
    "                  ends in .gz); OUT is replaced when the command ends, and left as\n"
    "                  it was when no FILE could be read or the rows not be written\n"
    "Columns: docs/277-columns.md.  Problems in a file go to standard error; its other\n"
    "records are still written.\n"
    "Exit status: 0 fine (whatever the payer rejected), 1 some input had errors, 2 usage or\n"
    "I/O error.\n\n";

typedef struct run277 {
    x12_ack277_rows *rows;
    const char *file;
    int rejected_only;
    unsigned long errors;
    x12_status last; /* the last error finding's code */
    x12_status out_status;
    unsigned long handed; /* status records handed on */
} run277;

static int write_out(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

static int on_status(void *ctx, const x12_ack277_status *s)
{
    run277 *r = ctx;
    r->handed++;
    if (r->rejected_only && strcmp(s->status, "rejected") != 0)
        return 0;
    r->out_status = x12_ack277_rows_add(r->rows, s);
    return r->out_status != X12_OK;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    run277 *r = ctx;
    if (cli_second_of_kind(f)) { /* said, the first kept */
        cli_print_error(r->file, &f->err);
        return;
    }
    if (f->severity != X12_SEV_ERROR)
        return;
    r->errors++;
    r->last = f->err.code;
    cli_print_error(r->file, &f->err);
}

typedef struct opts277 {
    x12_rows_format format;
    unsigned levels;
    int rejected_only;
    const char *out_path;
    int utf8;
} opts277;

/* "claim,line" into a level mask; 0 when a name is unknown. */
static unsigned level_mask(const char *v)
{
    unsigned m = 0;
    while (*v) {
        size_t n = strcspn(v, ",");
        unsigned k;
        for (k = 0; k < 4; k++) {
            const char *name = x12_ack277_level_name((x12_ack277_level)k);
            if (strlen(name) == n && !strncmp(v, name, n))
                break;
        }
        if (k == 4)
            return 0;
        m |= 1u << k;
        v += n;
        if (*v == ',')
            v++;
    }
    return m;
}

static int own_option(void *ctx, int argc, char **argv, int *i)
{
    opts277 *op = ctx;
    const char *a = argv[*i];
    if (!strcmp(a, "--rejected")) {
        op->rejected_only = 1;
        return 1;
    }
    if (!strcmp(a, "--utf8")) {
        op->utf8 = 1;
        return 1;
    }
    if (strcmp(a, "--format") && strcmp(a, "--level") && strcmp(a, "-o"))
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "x12 277: %s needs a value\n", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(a, "-o")) {
        op->out_path = v;
    } else if (!strcmp(a, "--format")) {
        if (strcmp(v, "csv") && strcmp(v, "json")) {
            fprintf(stderr, "x12 277: --format must be csv or json, not '%s'\n", v);
            return -1;
        }
        op->format = strcmp(v, "csv") ? X12_ROWS_JSON : X12_ROWS_CSV;
    } else if (!(op->levels = level_mask(v))) {
        fprintf(stderr, "x12 277: --level takes receiver, provider, claim and line, not '%s'\n", v);
        return -1;
    }
    return 1;
}

int cmd_277(int argc, char **argv)
{
    opts277 op = {X12_ROWS_CSV, 0, 0, NULL, 0};
    cli_args args;
    int rc = cli_parse(argc, argv, "277", HELP, own_option, &op, &args);
    if (rc >= 0)
        return rc;
    FILE *out = stdout;
    if (cli_output_is_input("277", op.out_path, args.files, args.nfiles)) {
        cli_args_free(&args);
        return EXIT_USAGE;
    }
    if (op.out_path && strcmp(op.out_path, "-") != 0 && !(out = cli_open_out(op.out_path))) {
        fprintf(stderr, "x12 277: cannot write %s\n", op.out_path);
        cli_args_free(&args);
        return EXIT_USAGE;
    }
    run277 r;
    memset(&r, 0, sizeof r);
    r.rejected_only = op.rejected_only;
    r.rows = x12_ack277_rows_new(op.levels, op.format, write_out, out);
    if (r.rows)
        x12_ack277_rows_set_utf8(r.rows, op.utf8);
    x12_reader_options ro;
    cli_reader_options(&args.common, &ro);
    x12_ack277_callbacks cb = {on_status, on_finding};
    int status = r.rows ? EXIT_FINE : EXIT_USAGE;
    int read_whole = 0; /* some FILE was read to its end without an error */
    for (int i = 0; r.rows && i < args.nfiles && r.out_status == X12_OK; i++) {
        r.file = strcmp(args.files[i], "-") == 0 ? "<stdin>" : args.files[i];
        x12_ack277_rows_set_file(r.rows, r.file);
        unsigned long before = r.errors;
        x12_error err;
        x12_status s = x12_ack277_read_file(args.files[i], &ro, &cb, &r, &err);
        /* (what is no X12 at all is read "whole", with an error) */
        read_whole |= s == X12_OK && r.errors == before;
        status = cli_worst(status, cli_read_outcome(r.file, s, &err, r.errors > before, r.last));
    }
    if (r.rows && r.out_status == X12_OK)
        r.out_status = x12_ack277_rows_finish(r.rows);
    int have_rows = r.rows != NULL;
    x12_ack277_rows_free(r.rows);
    int werr = r.out_status != X12_OK;
    /* OUT holds nothing of the input when no FILE could be read at all */
    int keep = !werr && have_rows && (read_whole || r.handed);
    werr |= out != stdout ? cli_close_out(out, keep) != 0 : fflush(stdout) != 0;
    cli_args_free(&args);
    if (werr) {
        if (out != stdout)
            fprintf(stderr, "x12 277: error writing the rows: %s left as it was\n", op.out_path);
        else
            fprintf(stderr, "x12 277: error writing the rows\n");
        return EXIT_USAGE;
    }
    if (!keep && have_rows && out != stdout)
        fprintf(stderr, "x12 277: %s not written: no FILE could be read\n", op.out_path);
    return status;
}
