/* Reader throughput against a baseline, in the same run, on the same bytes.
 *
 * Baseline: the plain way to split X12 — memchr for the segment terminator,
 * then one memchr per element separator — fed from the same 64 KiB reads.
 * Ours: x12_reader with X12_READ_LENIENT, envelope checks included.  Both
 * compute the same digest of what they split (segments, elements, bytes, ids),
 * so a faster run is shown to produce the same result.  Peak memory is
 * measured in a child process that only runs the reader.
 *
 * usage: bench_reader FILE... */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <x12/reader.h>
#include <x12/walk.h>

/* the library's internal switch of the hot loop's instruction set (edi/internal.h) */
int x12__reader_simd(x12_reader *r, int level);
static const char *const LEVEL_NAME[] = {"none", "SSE2", "AVX2", "AVX-512BW"};

#define CHUNK (64 * 1024)
#define RUNS 3

typedef struct digest {
    uint64_t segments, elements, bytes, ids;
} digest;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_segment(digest *d, const char *id, size_t idlen, uint64_t nel, uint64_t bytes)
{
    uint64_t h = 0;
    for (size_t i = 0; i < idlen; i++)
        h = h * 131 + (unsigned char)id[i];
    d->segments++;
    d->elements += nel;
    d->bytes += bytes;
    d->ids += h;
}

/* Where the bytes come from: the file, by 64 KiB read()s into a buffer
 * (the page-cache copy included), or, with `mem` set, 64 KiB slices of the
 * whole file already in memory (the split alone).  Both sides take the
 * same chunks in each row. */
typedef struct source {
    int fd;
    const char *mem;
    size_t len, off;
} source;

static const char *mem_file; /* the file, for the in-memory rows */
static size_t mem_len;

static source source_open(const char *path, int from_memory)
{
    source s = {-1, NULL, 0, 0};
    if (from_memory) {
        s.mem = mem_file;
        s.len = mem_len;
    } else {
        s.fd = open(path, O_RDONLY);
    }
    return s;
}

/* The next chunk: its bytes in *p (`buf` when read), 0 at the end. */
static ssize_t source_next(source *s, char *buf, const char **p)
{
    if (!s->mem) {
        *p = buf;
        return read(s->fd, buf, CHUNK);
    }
    size_t n = s->len - s->off < CHUNK ? s->len - s->off : CHUNK;
    *p = s->mem + s->off;
    s->off += n;
    return (ssize_t)n;
}

static void source_close(source *s)
{
    if (s->fd >= 0)
        close(s->fd);
}

static int in_memory; /* the rows being measured read from memory */

/* --- ours ------------------------------------------------------------ */

static int on_seg(void *ctx, const x12_segment *seg)
{
    uint64_t bytes = 0;
    for (uint32_t i = 1; i <= seg->element_count; i++)
        bytes += seg->elements[i].len;
    add_segment(ctx, seg->id.ptr, seg->id.len, seg->element_count, bytes);
    return 0;
}

static void on_err(void *ctx, const x12_error *e)
{
    static int shown;
    (void)ctx;
    if (shown++ < 5)
        fprintf(stderr, "bench: unexpected error %s at byte %llu\n", x12_status_name(e->code),
            (unsigned long long)e->byte_offset);
}

/* level: the hot loop's instruction set, -1 for the reader's own choice */
static digest run_ours_at(const char *path, int level, int *used)
{
    digest d = {0};
    source src = source_open(path, in_memory);
    static char buf[CHUNK];
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {on_seg, on_err};
    x12_reader *r = x12_reader_new(&o, &cb, &d);
    int got = x12__reader_simd(r, level);
    if (used)
        *used = got;
    ssize_t n;
    const char *p;
    while ((n = source_next(&src, buf, &p)) > 0)
        x12_reader_feed(r, p, (size_t)n);
    x12_reader_finish(r);
    x12_reader_free(r);
    source_close(&src);
    return d;
}

static digest run_ours(const char *path)
{
    return run_ours_at(path, -1, NULL);
}

/* --- validation: reader + walker with every check x12 validate makes (SNIP 1-5) ------------ */

typedef struct vstate {
    x12_walker *w;
    uint64_t findings;
} vstate;

static void v_finding(void *ctx, const x12_finding *f)
{
    (void)f;
    ((vstate *)ctx)->findings++;
}

static int v_seg(void *ctx, const x12_segment *seg)
{
    return x12_walker_segment(((vstate *)ctx)->w, seg) != X12_OK;
}

static void v_err(void *ctx, const x12_error *e)
{
    x12_walker_reader_error(((vstate *)ctx)->w, e);
}

static uint64_t run_validate(const char *path)
{
    vstate v = {0};
    x12_walker_callbacks wc = {NULL, v_finding};
    v.w = x12_walker_new(&wc, &v, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    int fd = open(path, O_RDONLY);
    static char buf[CHUNK];
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {v_seg, v_err};
    x12_reader *r = x12_reader_new(&o, &cb, &v);
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        x12_reader_feed(r, buf, (size_t)n);
    x12_reader_finish(r);
    x12_reader_free(r);
    x12_walker_finish(v.w);
    x12_walker_free(v.w);
    close(fd);
    return v.findings;
}

/* --- baseline ----------------------------------------------------------- */

static void split_segment(digest *d, const char *p, size_t n, char es)
{
    const char *end = p + n;
    const char *e = memchr(p, es, n);
    const char *id = p;
    size_t idlen = (size_t)((e ? e : end) - p);
    uint64_t nel = 0, bytes = 0;
    while (e) {
        const char *start = e + 1;
        e = memchr(start, es, (size_t)(end - start));
        bytes += (size_t)((e ? e : end) - start);
        nel++;
    }
    add_segment(d, id, idlen, nel, bytes);
}

static digest run_baseline(const char *path)
{
    digest d = {0};
    source src = source_open(path, in_memory);
    static char buf[CHUNK];
    static char carry[1 << 20];
    size_t carry_len = 0;
    char es = 0, ts = 0;
    ssize_t n;
    int have_delims = 0;
    const char *chunk;
    while ((n = source_next(&src, buf, &chunk)) > 0) {
        const char *p = chunk, *end = chunk + n;
        if (!have_delims) {
            es = chunk[3];
            ts = chunk[105];
            have_delims = 1;
        }
        while (p < end) {
            if (carry_len == 0)
                while (p < end && (*p == '\n' || *p == '\r'))
                    p++;
            if (p == end)
                break;
            const char *t = memchr(p, ts, (size_t)(end - p));
            if (!t) {
                memcpy(carry + carry_len, p, (size_t)(end - p));
                carry_len += (size_t)(end - p);
                break;
            }
            if (carry_len) {
                memcpy(carry + carry_len, p, (size_t)(t - p));
                split_segment(&d, carry, carry_len + (size_t)(t - p), es);
                carry_len = 0;
            } else {
                split_segment(&d, p, (size_t)(t - p), es);
            }
            p = t + 1;
        }
    }
    source_close(&src);
    return d;
}

/* Baseline and reader alternately, RUNS times, from the file or (with
 * in_memory set) from memory: the best time of each and the digests of the
 * last runs. */
static void side_by_side(const char *path, double *best_base, double *best_ours, digest *dbase,
                         digest *dours)
{
    *best_base = *best_ours = 1e9;
    for (int k = 0; k < RUNS; k++) {
        double t0 = now();
        *dbase = run_baseline(path);
        double t1 = now();
        *dours = run_ours(path);
        double t2 = now();
        if (t1 - t0 < *best_base)
            *best_base = t1 - t0;
        if (t2 - t1 < *best_ours)
            *best_ours = t2 - t1;
    }
}

static long peak_rss_kb_of(const char *path, int validate)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (validate)
            run_validate(path);
        else
            run_ours(path);
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_reader FILE...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        FILE *f = fopen(path, "rb");
        if (!f) {
            perror(path);
            return 2;
        }
        fseek(f, 0, SEEK_END);
        double mb = (double)ftell(f) / 1e6;
        fclose(f);
        double best_ours, best_base;
        digest dours, dbase;
        side_by_side(path, &best_base, &best_ours, &dbase, &dours);
        int same = memcmp(&dours, &dbase, sizeof dours) == 0;
        long rss = peak_rss_kb_of(path, 0);
        double best_val = 1e9;
        uint64_t findings = 0;
        for (int k = 0; k < RUNS; k++) {
            double t0 = now();
            findings = run_validate(path);
            double t1 = now();
            if (t1 - t0 < best_val)
                best_val = t1 - t0;
        }
        long vrss = peak_rss_kb_of(path, 1);
        printf("%s: %.1f MB, %llu segments, %llu elements, digests %s\n", path, mb,
               (unsigned long long)dours.segments, (unsigned long long)dours.elements,
               same ? "equal" : "DIFFER");
        printf("  baseline (memchr per element): %8.1f MB/s %12.0f segments/s\n", mb / best_base,
               (double)dbase.segments / best_base);
        printf("  x12kit reader (+ envelopes):   %8.1f MB/s %12.0f segments/s\n", mb / best_ours,
               (double)dours.segments / best_ours);
        printf("  ratio reader/baseline: %.2fx   reader peak RSS: %.1f MB (whole process)\n",
               best_base / best_ours, (double)rss / 1024.0);
        /* the hot loop at each instruction set this CPU has, same digest */
        int best_level = 0;
        run_ours_at(path, -1, &best_level);
        printf("  reader by hot-loop instruction set:");
        for (int level = 0; level <= best_level; level++) {
            double best = 1e9;
            digest dl = {0};
            for (int k = 0; k < RUNS; k++) {
                double t0 = now();
                dl = run_ours_at(path, level, NULL);
                double t1 = now();
                if (t1 - t0 < best)
                    best = t1 - t0;
            }
            int ok = memcmp(&dl, &dbase, sizeof dl) == 0;
            printf(" %s %.0f MB/s%s%s", LEVEL_NAME[level], mb / best, ok ? "" : " (DIGEST DIFFERS)",
                   level < best_level ? "," : "\n");
            if (!ok)
                same = 0;
        }
        printf("  x12kit validate (SNIP 1-5):    %8.1f MB/s %12.0f segments/s  %llu findings\n",
               mb / best_val, (double)dours.segments / best_val, (unsigned long long)findings);
        printf("  ratio validate/reader: %.2f   validate peak RSS: %.1f MB (whole process)\n",
               best_ours / best_val, (double)vrss / 1024.0);
        /* the same two splits on the file already in memory: no read() copy
         * on either side, so the rows compare the splitting alone */
        FILE *mf = fopen(path, "rb");
        char *whole = malloc((size_t)(mb * 1e6) + 1);
        mem_len = mf && whole ? fread(whole, 1, (size_t)(mb * 1e6) + 1, mf) : 0;
        if (mf)
            fclose(mf);
        if (mem_len) {
            mem_file = whole;
            in_memory = 1;
            double mbase, mours;
            digest mdb, mdo;
            side_by_side(path, &mbase, &mours, &mdb, &mdo);
            in_memory = 0;
            int ok = memcmp(&mdo, &dbase, sizeof mdo) == 0 && memcmp(&mdb, &dbase, sizeof mdb) == 0;
            printf("  in memory (no read() copy): baseline %.1f MB/s, reader %.1f MB/s, ratio %.2fx%s\n",
                   mb / mbase, mb / mours, mbase / mours, ok ? "" : " (DIGEST DIFFERS)");
            if (!ok)
                same = 0;
        }
        free(whole);
        if (!same)
            rc = 1;
    }
    return rc;
}
