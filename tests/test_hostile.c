/* Hostile inputs made here, each ending in a clear error in bounded time and
 * memory (docs/reader.md "Limits"): a 1 GiB segment without terminator, a
 * million segments without SE, an HL chain 100 000 deep, 100 000 repetitions
 * in one element, NUL and invalid UTF-8 bytes in data, a gzip bomb, colliding
 * delimiters, and an ISA whose delimiters the data does not use.  The reader
 * and the walker run with an allocator that counts live bytes, so a test
 * fails if memory grows with the input. */
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
#include <zlib.h>

#include <x12/walk.h>

#include "support.h"

#define ISA "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261126*1200*^*00501*000000001*0*T*:~"
#define GS837 "GS*HC*S*R*20261126*1200*1*X*005010X222A1~"
#define ST837 "ST*837*0001*005010X222A1~BHT*0019*00*1*20261126*1200*CH~"

/* An allocator that tracks the most bytes alive at once. */
typedef struct peak_alloc {
    x12_allocator a;
    size_t live, peak;
} peak_alloc;

static void *pa_malloc(void *ctx, size_t n)
{
    peak_alloc *p = ctx;
    size_t *b = malloc(n + sizeof(size_t) * 2);
    if (!b)
        return NULL;
    b[0] = n;
    p->live += n;
    if (p->live > p->peak)
        p->peak = p->live;
    return b + 2;
}

static void pa_free(void *ctx, void *q)
{
    peak_alloc *p = ctx;
    if (!q)
        return;
    size_t *b = (size_t *)q - 2;
    p->live -= b[0];
    free(b);
}

static void *pa_realloc(void *ctx, void *q, size_t n)
{
    peak_alloc *p = ctx;
    if (!q)
        return pa_malloc(ctx, n);
    size_t *b = (size_t *)q - 2;
    size_t old = b[0];
    size_t *nb = realloc(b, n + sizeof(size_t) * 2);
    if (!nb)
        return NULL;
    nb[0] = n;
    p->live = p->live - old + n;
    if (p->live > p->peak)
        p->peak = p->live;
    return nb + 2;
}

typedef struct counts {
    uint64_t segments, findings;
    int codes[128];
    x12_walker *w;
} counts;

static int on_seg(void *ctx, const x12_segment *seg)
{
    counts *c = ctx;
    c->segments++;
    return c->w ? x12_walker_segment(c->w, seg) != X12_OK : 0;
}

static void on_err(void *ctx, const x12_error *e)
{
    counts *c = ctx;
    if (c->w) {
        x12_walker_reader_error(c->w, e); /* counted as a finding */
        return;
    }
    if (e->code < 128)
        c->codes[e->code]++;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    counts *c = ctx;
    c->findings++;
    if (f->err.code < 128)
        c->codes[f->err.code]++;
}

/* Feeds `head`, then `body` `times` times, then `tail`; returns peak bytes. */
static size_t run(const char *head, const char *body, size_t body_len, long times, const char *tail,
                  int walk, counts *c)
{
    peak_alloc pa = {{pa_malloc, pa_realloc, pa_free, NULL}, 0, 0};
    pa.a.ctx = &pa;
    memset(c, 0, sizeof *c);
    x12_walker_callbacks wc = {NULL, on_finding};
    if (walk)
        c->w = x12_walker_new(&wc, c, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    o.alloc = &pa.a;
    x12_reader_callbacks cb = {on_seg, on_err};
    x12_reader *r = x12_reader_new(&o, &cb, c);
    assert_non_null(r);
    x12_reader_feed(r, head, strlen(head));
    for (long i = 0; i < times; i++)
        x12_reader_feed(r, body, body_len);
    x12_reader_feed(r, tail, strlen(tail));
    x12_reader_finish(r);
    x12_reader_free(r);
    if (c->w) {
        x12_walker_finish(c->w);
        x12_walker_free(c->w);
    }
    assert_int_equal(pa.live, 0);
    return pa.peak;
}

static void test_gib_segment(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *chunk = malloc(n);
    memset(chunk, 'A', n);
    counts c;
    size_t peak = run(ISA GS837 ST837 "NTE*ADD*", chunk, n, 1024, "", 0, &c);
    free(chunk);
    assert_int_equal(c.codes[X12_ERR_SEGMENT_TOO_LONG], 1);
    assert_int_equal(c.codes[X12_ERR_MISSING_SE], 1);
    assert_true(peak < 3u << 20); /* the carry stops at the 1 MiB limit */
}

static void test_million_segments_without_se(void **state)
{
    (void)state;
    const char *seg = "NTE*ADD*NO END IN SIGHT~";
    counts c;
    size_t peak = run(ISA GS837 ST837, seg, strlen(seg), 1000000, "", 1, &c);
    assert_true(c.segments >= 1000000);
    assert_int_equal(c.codes[X12_ERR_MISSING_SE], 1);
    assert_int_equal(c.codes[X12_ERR_MISSING_IEA], 1);
    assert_true(c.codes[X12_ERR_SEGMENT_UNEXPECTED] > 0 || c.codes[X12_ERR_SEGMENT_REPEAT] > 0);
    assert_true(peak < 1u << 20);
}

static void test_deep_hl_chain(void **state)
{
    (void)state;
    strbuf b = {0};
    sb_add(&b, ISA GS837 ST837, strlen(ISA GS837 ST837));
    sb_printf(&b, "HL*1**20*1~");
    for (int i = 2; i <= 100000; i++)
        sb_printf(&b, "HL*%d*%d*22*1~", i, i - 1);
    counts c;
    size_t peak = run("", b.p, b.len, 1, "SE*1*0001~GE*1*1~IEA*1*000000001~", 1, &c);
    sb_free(&b);
    /* each HL names the previous one, a subscriber under a subscriber */
    assert_true(c.codes[X12_ERR_HL_PARENT] >= 99998);
    assert_true(peak < 1u << 20);
}

static void test_many_repetitions(void **state)
{
    (void)state;
    strbuf b = {0};
    sb_add(&b, "DTP*472*D8*", 11);
    for (int i = 0; i < 100000; i++)
        sb_add(&b, "2^", 2);
    sb_add(&b, "~", 1);
    counts c;
    run(ISA GS837 ST837, b.p, b.len, 1, "SE*4*0001~GE*1*1~IEA*1*000000001~", 1, &c);
    sb_free(&b);
    assert_int_equal(c.segments, 8);
    assert_true(c.findings > 0);
}

static void test_nul_and_bad_utf8(void **state)
{
    (void)state;
    static const char seg[] = "NM1*41*2*BAD\0NAME\xC3\x28*****46*1~";
    counts c;
    run(ISA GS837 ST837, seg, sizeof seg - 1, 1, "SE*4*0001~GE*1*1~IEA*1*000000001~", 1, &c);
    assert_int_equal(c.segments, 8);
    assert_true(c.codes[X12_ERR_ELEMENT_CHAR] >= 1);
}

static void test_gzip_bomb(void **state)
{
    (void)state;
    /* 256 MiB of zeros after an ISA: about 250 KB of gzip */
    char path[] = "/tmp/x12kit-bomb-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    gzFile gz = gzopen(path, "wb9");
    assert_non_null(gz);
    gzwrite(gz, ISA, (unsigned)strlen(ISA));
    char *zeros = calloc(1, 1 << 20);
    for (int i = 0; i < 256; i++)
        gzwrite(gz, zeros, 1 << 20);
    free(zeros);
    gzclose(gz);
    counts c;
    memset(&c, 0, sizeof c);
    x12_reader_options o;
    x12_reader_options_init(&o); /* default max_gzip_ratio */
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {on_seg, on_err};
    assert_int_equal(x12_read_file(path, &o, &cb, &c), X12_ERR_LIMIT);
    assert_int_equal(c.codes[X12_ERR_LIMIT], 1);
    /* and the byte limit alone */
    memset(&c, 0, sizeof c);
    o.max_gzip_ratio = 0;
    o.max_input_bytes = 8u << 20;
    assert_int_equal(x12_read_file(path, &o, &cb, &c), X12_ERR_LIMIT);
    assert_int_equal(c.codes[X12_ERR_LIMIT], 1);
    remove(path);
}

static void test_colliding_delimiters(void **state)
{
    (void)state;
    /* element separator and terminator both '*' */
    char isa[] = ISA;
    isa[105] = '*';
    counts c;
    run(isa, "GS*HC~", 6, 1, "", 0, &c);
    assert_int_equal(c.codes[X12_ERR_ISA_DELIMITERS], 1);
    assert_int_equal(c.segments, 0);
}

static void test_isa_delimiters_unused(void **state)
{
    (void)state;
    /* the ISA says '|' and '\n', the data uses '*' and '~': one long segment */
    const char *isa =
        "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261126|1200|^|00501|000000001|0|T|:\n";
    counts c;
    const char *rest = GS837 ST837 "SE*3*0001~GE*1*1~IEA*1*000000001~";
    run(isa, rest, strlen(rest), 1, "", 1, &c);
    assert_true(c.codes[X12_ERR_UNTERMINATED] == 1 || c.codes[X12_ERR_SEGMENT_ID] >= 1);
    assert_int_equal(c.codes[X12_ERR_MISSING_IEA], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gib_segment),
        cmocka_unit_test(test_million_segments_without_se),
        cmocka_unit_test(test_deep_hl_chain),
        cmocka_unit_test(test_many_repetitions),
        cmocka_unit_test(test_nul_and_bad_utf8),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_colliding_delimiters),
        cmocka_unit_test(test_isa_delimiters_unused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
