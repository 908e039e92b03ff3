/* 835 -> rows throughput against the bare reader, in the same run, on the
 * same file: the reader alone (a callback counting segments), then the 835
 * reader (walker with balancing, typed claim payments) writing CSV rows at
 * claim and at line level into a sink that discards them, then the same
 * structs written back as an 835 by the 835 writer (its checks on).  Best
 * of 3.  usage: bench_835 FILE.835 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <x12/remit.h>

#define RUNS 3

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int count_seg(void *ctx, const x12_segment *s)
{
    (void)s;
    (*(uint64_t *)ctx)++;
    return 0;
}

typedef struct sinkc {
    uint64_t bytes;
    x12_remit_rows *rows;
    uint64_t errors;
} sinkc;

static int sink(void *ctx, const void *b, size_t n)
{
    (void)b;
    ((sinkc *)ctx)->bytes += n;
    return 0;
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)cx;
    return x12_remit_rows_claim(((sinkc *)ctx)->rows, p, c) != X12_OK;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    return x12_remit_rows_plb(((sinkc *)ctx)->rows, p, e) != X12_OK;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    if (f->severity == X12_SEV_ERROR)
        ((sinkc *)ctx)->errors++;
}

static double run_rows(const char *path, x12_remit_level level, uint64_t *out_bytes, uint64_t *rows,
                       uint64_t *errors)
{
    sinkc s = {0, NULL, 0};
    s.rows = x12_remit_rows_new(level, X12_ROWS_CSV, sink, &s);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_remit_callbacks cb = {NULL, on_claim, on_plb, NULL, on_finding};
    x12_error err;
    double t0 = now();
    if (x12_remit_read_file(path, &o, &cb, &s, 0, &err) != X12_OK) {
        fprintf(stderr, "bench_835: %s: %s\n", path, err.msg ? err.msg : "failed");
        exit(1);
    }
    x12_remit_rows_finish(s.rows);
    double t = now() - t0;
    *out_bytes = s.bytes;
    *rows = x12_remit_rows_count(s.rows);
    *errors = s.errors;
    x12_remit_rows_free(s.rows);
    return t;
}

/* --- 835 -> structs -> 835 ---------------------------------------------------- */

typedef struct rewrite {
    uint64_t bytes, refused;
    x12_remit_writer *rw;
} rewrite;

static int rw_sink(void *ctx, const void *b, size_t n)
{
    (void)b;
    ((rewrite *)ctx)->bytes += n;
    return 0;
}

static int rw_payment(void *ctx, const x12_remit_payment *p)
{
    rewrite *r = ctx;
    r->refused += x12_remit_writer_begin(r->rw, p, "0001") != X12_OK;
    return 0;
}

static int rw_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)p;
    (void)cx;
    rewrite *r = ctx;
    r->refused += x12_remit_writer_claim(r->rw, c) != X12_OK;
    return 0;
}

static int rw_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    (void)p;
    rewrite *r = ctx;
    r->refused += x12_remit_writer_plb(r->rw, e) != X12_OK;
    return 0;
}

static int rw_end(void *ctx, const x12_remit_payment *p, const x12_remit_totals *t)
{
    (void)p;
    (void)t;
    rewrite *r = ctx;
    r->refused += x12_remit_writer_end(r->rw) != X12_OK;
    return 0;
}

static double run_rewrite(const char *path, uint64_t *out_bytes, uint64_t *refused)
{
    static const x12_isa_header isa = {NULL, NULL, NULL, NULL, NULL, "PAYER", NULL, "PAYEE",
                                       "261129", "1200", NULL, 1, '0', 'P'};
    static const x12_gs_header gs = {"HP", "PAYER", "PAYEE", "20261129", "1200", 1, "005010X221A1"};
    rewrite r = {0, 0, NULL};
    x12_writer *w = x12_writer_new(NULL, rw_sink, &r, NULL);
    if (!w || x12_writer_begin_interchange(w, &isa) != X12_OK ||
        x12_writer_begin_group(w, &gs) != X12_OK) {
        fprintf(stderr, "bench_835: writer\n");
        exit(1);
    }
    r.rw = x12_remit_writer_new(w, 0, NULL);
    /* the amounts as the generator writes them: two places */
    x12_remit_writer_set_amount_style(r.rw, X12_AMOUNT_DECIMAL2);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_remit_callbacks cb = {rw_payment, rw_claim, rw_plb, rw_end, NULL};
    x12_error err;
    double t0 = now();
    if (!r.rw || x12_remit_read_file(path, &o, &cb, &r, 0, &err) != X12_OK ||
        x12_writer_end_group(w) != X12_OK || x12_writer_end_interchange(w) != X12_OK) {
        fprintf(stderr, "bench_835: %s: rewrite failed\n", path);
        exit(1);
    }
    double t = now() - t0;
    *out_bytes = r.bytes;
    *refused = r.refused;
    x12_remit_writer_free(r.rw);
    x12_writer_free(w);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_835 FILE.835\n");
        return 2;
    }
    const char *path = argv[1];
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    double mb = (double)ftell(f) / 1e6;
    fclose(f);
    double best_reader = 1e9, best_claim = 1e9, best_line = 1e9, best_rewrite = 1e9;
    uint64_t segs = 0, cbytes = 0, lbytes = 0, crows = 0, lrows = 0, errs = 0, wbytes = 0,
             refused = 0;
    for (int r = 0; r < RUNS; r++) {
        x12_reader_options o;
        x12_reader_options_init(&o);
        o.flags = X12_READ_LENIENT;
        x12_reader_callbacks cb = {count_seg, NULL};
        segs = 0;
        double t0 = now();
        x12_read_file(path, &o, &cb, &segs);
        double t = now() - t0;
        if (t < best_reader)
            best_reader = t;
        t = run_rows(path, X12_REMIT_LEVEL_CLAIM, &cbytes, &crows, &errs);
        if (t < best_claim)
            best_claim = t;
        t = run_rows(path, X12_REMIT_LEVEL_LINE, &lbytes, &lrows, &errs);
        if (t < best_line)
            best_line = t;
        t = run_rewrite(path, &wbytes, &refused);
        if (t < best_rewrite)
            best_rewrite = t;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_835: %s, %.1f MB, %llu segments, best of %d, one thread\n", path, mb,
           (unsigned long long)segs, RUNS);
    printf("  baseline reader        %7.0f MB/s\n", mb / best_reader);
    printf("  835 -> CSV, claim rows %7.0f MB/s  (%.2f of the reader)  %llu rows, %.1f MB of CSV\n",
           mb / best_claim, best_reader / best_claim, (unsigned long long)crows, (double)cbytes / 1e6);
    printf("  835 -> CSV, line rows  %7.0f MB/s  (%.2f of the reader)  %llu rows, %.1f MB of CSV\n",
           mb / best_line, best_reader / best_line, (unsigned long long)lrows, (double)lbytes / 1e6);
    printf("  835 -> structs -> 835  %7.0f MB/s  (%.2f of the reader)  %.1f MB written, %llu "
           "calls refused\n",
           mb / best_rewrite, best_reader / best_rewrite, (double)wbytes / 1e6,
           (unsigned long long)refused);
    printf("  findings (errors): %llu   peak RSS of the process: %ld KB\n", (unsigned long long)errs,
           ru.ru_maxrss);
    return 0;
}
