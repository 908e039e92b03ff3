/* x12 835: remittances as rows (claim payments, service lines, adjustments
 * or PLB entries), CSV or NDJSON, for posting and spreadsheets (columns:
 * docs/835-columns.md); or, --format x12, written back as 835s by the 835
 * writer from what the model holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/remit.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 835 [--format csv|json] [--level claim|line|adjustment|plb] [--utf8] [-o OUT]\n"
    "               [FILE|-]...\n"
    "       x12 835 --format x12 [--amounts x12|decimal2] [-o OUT] [FILE|-]...\n"
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
    "--format x12 writes the 835s back from what x12kit reads of them (docs/remit.md, Writing\n"
    "835s): each interchange and group as read, in its own delimiters, a line break after\n"
    "each segment, GE and IEA counted anew (also for a file without them, or cut short); each\n"
    "835 set from its payment, claim payments and PLB entries, in the guide's order, CAS\n"
    "grouped, amounts as X12 writes them (\"100\", \"12.5\"; --amounts decimal2: \"100.00\").\n"
    "What the model does not carry (TS3, TS2, RDM, sets of other transactions) is left out\n"
    "and said; so is a claim payment the reader does not hand on (an amount it cannot read,\n"
    "a cut file) or the writer cannot take (a value holding a delimiter): exit status 1.\n"
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
    int x12;      /* --format x12 */
    int decimal2; /* --amounts decimal2 */
    int level_given, utf8_given, amounts_given;
} opts835;

/* --format csv|json, --level claim|line|adjustment|plb, -o OUT */
static int own_option(void *ctx, int argc, char **argv, int *i)
{
    opts835 *op = ctx;
    const char *a = argv[*i];
    if (!strcmp(a, "--utf8")) {
        op->utf8 = op->utf8_given = 1;
        return 1;
    }
    if (strcmp(a, "--format") && strcmp(a, "--level") && strcmp(a, "-o") && strcmp(a, "--amounts"))
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "x12 835: %s needs a value\n", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(a, "-o")) {
        op->out_path = v;
    } else if (!strcmp(a, "--amounts")) {
        op->amounts_given = 1;
        if (!strcmp(v, "decimal2") || !strcmp(v, "x12")) {
            op->decimal2 = !strcmp(v, "decimal2");
        } else {
            fprintf(stderr, "x12 835: --amounts must be x12 or decimal2, not '%s'\n", v);
            return -1;
        }
    } else if (!strcmp(a, "--format")) {
        op->x12 = 0;
        if (!strcmp(v, "csv")) {
            op->format = X12_ROWS_CSV;
        } else if (!strcmp(v, "json")) {
            op->format = X12_ROWS_JSON;
        } else if (!strcmp(v, "x12")) {
            op->x12 = 1;
        } else {
            fprintf(stderr, "x12 835: --format must be csv, json or x12, not '%s'\n", v);
            return -1;
        }
    } else {
        op->level_given = 1;
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

/* --- --format x12: the 835s written back ------------------------------------ */

typedef struct rewrite835 {
    FILE *out;
    x12_amount_style style;
    x12_writer *w;        /* one per interchange, in its delimiters */
    x12_remit_writer *rw;
    x12_remit_reader *rr;
    const char *file;
    char st02[16];
    int set_open;         /* the remit writer has a set open */
    int in_isa, in_gs;    /* the writer has an interchange, a group open */
    unsigned long errors; /* error findings of the input */
    x12_status last;
    unsigned long refused; /* calls of the writer that failed */
    x12_status out_status; /* the output failed (X12_ERR_IO): stop */
    unsigned long handed;
} rewrite835;

/* A refusal of the writer (text it cannot take, a value it needs): said,
 * with the file; the set goes on. */
static void refused(rewrite835 *r, x12_status s)
{
    if (s == X12_OK)
        return;
    const x12_error *e = x12_remit_writer_error(r->rw);
    if (s == X12_ERR_IO || s == X12_ERR_NOMEM) {
        r->out_status = s;
        return;
    }
    r->refused++;
    fprintf(stderr, "x12 835: %s: not written: %s%s%s\n", r->file, x12_status_message(s),
            e->detail[0] ? ": " : "", e->detail);
}

/* An envelope the writer cannot write (an I/O failure stops the run). */
static void envelope_failed(rewrite835 *r, x12_status s, const char *what)
{
    if (s == X12_OK)
        return;
    if (s == X12_ERR_IO || s == X12_ERR_NOMEM) {
        r->out_status = s;
        return;
    }
    const x12_error *e = x12_writer_error(r->w);
    r->refused++;
    fprintf(stderr, "x12 835: %s: %s not written: %s%s%s\n", r->file, what, x12_status_message(s),
            e->detail[0] ? ": " : "", e->detail);
}

static void close_set(rewrite835 *r)
{
    if (!r->set_open)
        return;
    r->set_open = 0;
    refused(r, x12_remit_writer_end(r->rw));
}

/* Ends what is open down to `level`: 2 the set, 1 the group as well, 0 the
 * interchange as well (GE and IEA counted from what was written).  Before
 * an ISA or GS, at GE and IEA, and at the end of a file: a file without
 * its GE or IEA, or cut short, still gives whole X12. */
static void close_to(rewrite835 *r, int level)
{
    close_set(r);
    if (level <= 1 && r->in_gs) {
        r->in_gs = 0;
        envelope_failed(r, x12_writer_end_group(r->w), "GE");
    }
    if (level == 0 && r->in_isa) {
        r->in_isa = 0;
        envelope_failed(r, x12_writer_end_interchange(r->w), "IEA");
    }
}

static int write_out835(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

/* A new interchange: a writer in its delimiters (the defaults * ^ : ~ when
 * the writer refuses them), a line break after each segment unless the
 * terminator is one. */
static int new_writer(rewrite835 *r, const x12_delimiters *d)
{
    x12_remit_writer_free(r->rw);
    x12_writer_free(r->w);
    r->rw = NULL;
    x12_writer_options wo;
    x12_writer_options_init(&wo);
    if (d) {
        wo.delims = *d;
        wo.line_break = d->segment == '\n' || d->segment == '\r' ? "" : "\n";
    } else {
        wo.line_break = "\n";
    }
    r->w = x12_writer_new(&wo, write_out835, r->out, NULL);
    if (!r->w && d) {
        fprintf(stderr, "x12 835: %s: the interchange's delimiters cannot be written: * ^ : ~ instead\n",
                r->file);
        return new_writer(r, NULL);
    }
    r->rw = r->w ? x12_remit_writer_new(r->w, X12_REMIT_WRITE_AS_GIVEN, NULL) : NULL;
    if (!r->rw) {
        r->out_status = X12_ERR_NOMEM;
        return -1;
    }
    x12_remit_writer_set_amount_style(r->rw, r->style);
    return 0;
}

static int rw_payment(void *ctx, const x12_remit_payment *p)
{
    rewrite835 *r = ctx;
    close_set(r); /* (a set the input cut short: the reader said so) */
    r->handed++;
    if (!r->in_gs)
        return 0; /* (no group to write it in: the reader said so) */
    x12_status s = x12_remit_writer_begin(r->rw, p, r->st02[0] ? r->st02 : "0001");
    r->set_open = s == X12_OK;
    refused(r, s);
    return r->out_status != X12_OK;
}

static int rw_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)p;
    (void)cx;
    rewrite835 *r = ctx;
    r->handed++;
    if (r->set_open)
        refused(r, x12_remit_writer_claim(r->rw, c));
    return r->out_status != X12_OK;
}

static int rw_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    (void)p;
    rewrite835 *r = ctx;
    r->handed++;
    if (r->set_open)
        refused(r, x12_remit_writer_plb(r->rw, e));
    return r->out_status != X12_OK;
}

static int rw_set_end(void *ctx, const x12_remit_payment *p, const x12_remit_totals *t)
{
    (void)p;
    (void)t;
    rewrite835 *r = ctx;
    close_set(r);
    return r->out_status != X12_OK;
}

static void rw_finding(void *ctx, const x12_finding *f)
{
    rewrite835 *r = ctx;
    /* what is not written is said: the segments and elements the model
     * does not carry (info for the rows, left out of the 835 here) */
    if (f->err.code == X12_ERR_CLAIM_NOT_CARRIED || cli_reader_warning(f->err.code) ||
        cli_second_of_kind(f) || f->severity == X12_SEV_WARNING) {
        cli_print_error(r->file, &f->err);
        return;
    }
    if (f->severity != X12_SEV_ERROR)
        return;
    r->errors++;
    r->last = f->err.code;
    cli_print_error(r->file, &f->err);
}

/* ST02 as the writer takes it: AN 4-9, so a shorter one (ST*835*1, which
 * x12 validate reports) is padded with zeros on the left, and said. */
static void keep_st02(rewrite835 *r, const x12_segment *seg)
{
    x12_slice v = x12_segment_element(seg, 2);
    size_t n = v.len < 15 ? v.len : 15;
    if (n && n < 4) {
        snprintf(r->st02, sizeof r->st02, "%.*s%.*s", (int)(4 - n), "000", (int)n, v.ptr);
        fprintf(stderr, "x12 835: %s: segment %u (ST): ST02 '%s' written as '%s' (4 to 9 characters)\n",
                r->file, (unsigned)seg->segment_index, r->st02 + (4 - n), r->st02);
    } else {
        snprintf(r->st02, sizeof r->st02, "%.*s", (int)n, v.ptr ? v.ptr : "");
    }
}

/* The envelopes go to the writer (ISA and GS as read, GE and IEA counted
 * anew); every segment goes to the remit reader. */
static int rw_segment(void *ctx, const x12_segment *seg)
{
    rewrite835 *r = ctx;
    int isa = x12_slice_eq(seg->id, "ISA"), gs = x12_slice_eq(seg->id, "GS");
    if (isa) {
        close_to(r, 0);
        if (new_writer(r, &seg->delims) == 0) {
            x12_status s = x12_writer_write_segment(r->w, seg);
            r->in_isa = s == X12_OK;
            envelope_failed(r, s, "ISA");
        }
    } else if (gs) {
        close_to(r, 1);
        if (r->in_isa) {
            x12_status s = x12_writer_write_segment(r->w, seg);
            r->in_gs = s == X12_OK;
            envelope_failed(r, s, "GS");
        }
    }
    /* (the reader first ends a set an ST cuts short, under the old ST02) */
    x12_remit_reader_segment(r->rr, seg);
    if (x12_slice_eq(seg->id, "ST"))
        keep_st02(r, seg);
    else if (x12_slice_eq(seg->id, "GE"))
        close_to(r, 1);
    else if (x12_slice_eq(seg->id, "IEA"))
        close_to(r, 0);
    return r->out_status != X12_OK;
}

static void rw_error(void *ctx, const x12_error *e)
{
    rewrite835 *r = ctx;
    x12_remit_reader_error(r->rr, e);
}

/* One FILE through the reader, the remit reader and the writer. */
static x12_status rewrite_file(rewrite835 *r, const char *path, const x12_reader_options *ro,
                               x12_error *err)
{
    x12_remit_callbacks cb = {rw_payment, rw_claim, rw_plb, rw_set_end, rw_finding};
    r->rr = x12_remit_reader_new(&cb, r, 0, NULL);
    x12_reader_callbacks rc = {rw_segment, rw_error};
    x12_reader *rd = r->rr ? x12_reader_new(ro, &rc, r) : NULL;
    x12_input *in = rd ? x12_input_open(path, NULL, err) : NULL;
    x12_status s = rd ? X12_OK : X12_ERR_NOMEM;
    if (rd && !in)
        s = err->code;
    static char buf[1 << 16];
    size_t got = 0;
    while (in && s == X12_OK && (s = x12_input_read(in, buf, sizeof buf, &got, err)) == X12_OK &&
           got)
        s = x12_reader_feed(rd, buf, got);
    if (s == X12_OK && rd)
        s = x12_reader_finish(rd);
    if (s == X12_OK && r->rr)
        s = x12_remit_reader_finish(r->rr);
    if (r->out_status != X12_OK)
        s = X12_OK; /* (said once, by the caller) */
    /* a file cut short (the reader said so) still ends its envelopes: the
     * output is whole X12, and the next file's interchange its own */
    close_to(r, 0);
    x12_input_close(in);
    x12_reader_free(rd);
    x12_remit_reader_free(r->rr);
    r->rr = NULL;
    return s == X12_ERR_STOPPED ? X12_OK : s;
}

static int run_x12(const opts835 *op, cli_args *args, FILE *out)
{
    rewrite835 r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.style = op->decimal2 ? X12_AMOUNT_DECIMAL2 : X12_AMOUNT_X12;
    x12_reader_options ro;
    cli_reader_options(&args->common, &ro);
    int status = EXIT_FINE;
    for (int i = 0; i < args->nfiles && r.out_status == X12_OK; i++) {
        r.file = strcmp(args->files[i], "-") == 0 ? "<stdin>" : args->files[i];
        unsigned long before = r.errors, refused_before = r.refused;
        x12_error err;
        memset(&err, 0, sizeof err);
        x12_status s = rewrite_file(&r, args->files[i], &ro, &err);
        status = cli_worst(status, cli_read_outcome(r.file, s, &err, r.errors > before, r.last));
        if (r.refused > refused_before)
            status = cli_worst(status, EXIT_INPUT);
    }
    int failed = r.out_status != X12_OK;
    x12_remit_writer_free(r.rw);
    x12_writer_free(r.w);
    return failed ? -1 : (r.handed ? status : status | 0x100);
}

int cmd_835(int argc, char **argv)
{
    opts835 op = {X12_ROWS_CSV, X12_REMIT_LEVEL_CLAIM, NULL, 0, 0, 0, 0, 0, 0};
    cli_args args;
    int rc = cli_parse(argc, argv, "835", HELP, own_option, &op, &args);
    if (rc >= 0)
        return rc;
    if (op.x12 ? (op.level_given || op.utf8_given) : op.amounts_given) {
        fprintf(stderr, "x12 835: %s\n",
                op.x12 ? "--level and --utf8 are for rows, not with --format x12"
                       : "--amounts is for --format x12");
        cli_args_free(&args);
        return EXIT_USAGE;
    }
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
    if (op.x12) {
        int st = run_x12(&op, &args, out);
        int werr = st < 0, keep = !werr && !(st & 0x100);
        if (out != stdout)
            werr |= cli_close_out(out, keep) != 0;
        else
            werr |= fflush(stdout) != 0;
        cli_args_free(&args);
        if (werr) {
            fprintf(stderr, "x12 835: error writing the 835%s%s\n", out != stdout ? ": left as it was " : "",
                    out != stdout ? out_path : "");
            return EXIT_USAGE;
        }
        if (!keep && out != stdout)
            fprintf(stderr, "x12 835: %s not written: no payment could be read\n", out_path);
        return st & 0xff;
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
