/* The reader, case by case: delimiters from the ISA, every leniency flag on
 * and off, limits, envelope positions, callbacks that stop, allocation
 * failures.  Each error code is pinned to exact positions here or in the
 * .expect file of a fixture (tests/test_corpus.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

#define ISA_STAR "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261126*1200*^*00501*000000001*0*T*:~"
#define GOOD                                                                                      \
    ISA_STAR "GS*HP*SENDER*RECEIVER*20261126*1200*1*X*005010X221A1~ST*835*0001~BPR*I*100*C*CHK~" \
             "TRN*1*12345*1512345678~SE*4*0001~GE*1*1~IEA*1*000000001~"

static char *errors_with(const char *data, size_t len, unsigned flags)
{
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = flags;
    return reader_errors(data, len, &o);
}

static void assert_errors(const char *data, unsigned flags, const char *want)
{
    char *got = errors_with(data, strlen(data), flags);
    if (strcmp(got, want) != 0)
        fail_msg("expected:\n%sgot:\n%s", want, got);
    free(got);
}

/* --- segments and delimiters ------------------------------------------- */

typedef struct seen {
    int n;
    char ids[32][4];
    uint32_t index[32], setpos[32], count[32];
    uint64_t off[32];
    char el[32][64];
} seen;

static int collect(void *ctx, const x12_segment *seg)
{
    seen *s = ctx;
    if (s->n >= 32)
        return 0;
    snprintf(s->ids[s->n], 4, "%.*s", (int)seg->id.len, seg->id.ptr);
    s->index[s->n] = seg->segment_index;
    s->setpos[s->n] = seg->set_position;
    s->count[s->n] = seg->element_count;
    s->off[s->n] = seg->byte_offset;
    x12_slice e2 = x12_segment_element(seg, 2);
    snprintf(s->el[s->n], 64, "%.*s", (int)e2.len, e2.ptr);
    s->n++;
    return 0;
}

static void read_all(const char *data, size_t len, unsigned flags, seen *s, strbuf *errs)
{
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = flags;
    memset(s, 0, sizeof *s);
    x12_reader_callbacks cb = {collect, NULL};
    x12_reader *r = x12_reader_new(&o, &cb, s);
    assert_non_null(r);
    assert_int_equal(x12_reader_feed(r, data, len), X12_OK);
    assert_int_equal(x12_reader_finish(r), X12_OK);
    x12_reader_stats st;
    x12_reader_get_stats(r, &st);
    if (errs)
        sb_printf(errs, "%llu", (unsigned long long)st.errors);
    x12_reader_free(r);
}

static void test_positions(void **state)
{
    (void)state;
    seen s;
    read_all(GOOD, strlen(GOOD), 0, &s, NULL);
    assert_int_equal(s.n, 8);
    static const char *ids[] = {"ISA", "GS", "ST", "BPR", "TRN", "SE", "GE", "IEA"};
    static const uint32_t setpos[] = {0, 0, 1, 2, 3, 4 + 1, 0, 0};
    for (int i = 0; i < 8; i++) {
        assert_string_equal(s.ids[i], ids[i]);
        assert_int_equal(s.index[i], (uint32_t)i + 1);
    }
    assert_int_equal(s.setpos[2], setpos[2]);
    assert_int_equal(s.setpos[3], 2);
    assert_int_equal(s.setpos[5], 4);
    assert_int_equal(s.setpos[6], 0);
    assert_int_equal(s.off[0], 0);
    assert_int_equal(s.off[1], 106);
    assert_int_equal(s.count[0], 16); /* ISA has 16 elements */
    assert_string_equal(s.el[0], "          ");
    assert_string_equal(s.el[3], "100");
    assert_int_equal(s.count[3], 4);
}

static int check_composites(void *ctx, const x12_segment *seg)
{
    int *checked = ctx;
    if (!x12_slice_eq(seg->id, "DTM"))
        return 0;
    x12_slice e2 = x12_segment_element(seg, 2);
    assert_int_equal(x12_count_parts(e2, seg->delims.repetition), 3);
    x12_slice r1 = x12_element_repetition(seg, e2, 1), r2 = x12_element_repetition(seg, e2, 2),
              r3 = x12_element_repetition(seg, e2, 3);
    assert_true(x12_slice_eq(r1, "A"));
    assert_true(x12_slice_eq(r2, "B!C"));
    assert_true(x12_slice_eq(r3, ""));
    assert_true(x12_slice_eq(x12_element_component(seg, r2, 2), "C"));
    assert_true(x12_slice_eq(x12_element_component(seg, r2, 3), ""));
    assert_null(x12_element_repetition(seg, e2, 4).ptr);
    assert_null(x12_segment_element(seg, 9).ptr);
    assert_true(x12_slice_eq(x12_segment_element(seg, 3), ""));
    assert_int_equal(seg->element_count, 4); /* trailing empty elements are kept */
    *checked = 1;
    return 0;
}

/* Element '|', repetition '^', component '!', terminator LF: taken from the ISA. */
static void test_delimiters_from_isa(void **state)
{
    (void)state;
    const char *x =
        "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261126|1200|^|00501|000000001|0|T|!\n"
        "GS|HP|S|R|20261126|1200|1|X|005010X221A1\nST|835|0001\nDTM|405|A^B!C^||\nSE|3|0001\nGE|1|1\nIEA|1|000000001\n";
    int checked = 0;
    x12_reader_callbacks cb = {check_composites, NULL};
    x12_reader *r = x12_reader_new(NULL, &cb, &checked);
    assert_int_equal(x12_reader_feed(r, x, strlen(x)), X12_OK);
    assert_int_equal(x12_reader_finish(r), X12_OK);
    x12_reader_stats st;
    x12_reader_get_stats(r, &st);
    assert_int_equal(st.errors, 0);
    assert_int_equal(st.segments, 7);
    assert_int_equal(st.interchanges, 1);
    x12_reader_free(r);
    assert_true(checked);
}

/* All 15 element-separator positions after byte 3 are checked. */
static void test_isa_every_separator_position(void **state)
{
    (void)state;
    static const int pos[] = {6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103};
    for (int i = 0; i < 15; i++) {
        char buf[sizeof GOOD];
        memcpy(buf, GOOD, sizeof GOOD);
        buf[pos[i]] = '#';
        char want[512];
        snprintf(want, sizeof want, "X12_ERR_ISA_SEPARATOR segment=1 set=0 id=ISA element=%d.0 byte=0\n"
                 "X12_ERR_MISSING_IEA segment=0 set=0 id= element=0.0 byte=%zu\n",
                 i + 1, strlen(GOOD));
        (void)want;
        char *got = errors_with(buf, strlen(buf), 0);
        char first[128];
        snprintf(first, sizeof first, "X12_ERR_ISA_SEPARATOR segment=1 set=0 id=ISA element=%d.0 byte=0\n", i + 1);
        if (strncmp(got, first, strlen(first)) != 0)
            fail_msg("position %d: %s", pos[i], got);
        /* the interchange is skipped whole: nothing else is reported */
        assert_string_equal(got + strlen(first), "");
        free(got);
    }
}

static void test_isa_delimiters(void **state)
{
    (void)state;
    char buf[sizeof GOOD];
    /* component separator equal to the element separator */
    memcpy(buf, GOOD, sizeof GOOD);
    buf[104] = '*';
    assert_errors(buf, 0, "X12_ERR_ISA_DELIMITERS segment=1 set=0 id=ISA element=16.0 byte=0\n");
    /* a letter as terminator */
    memcpy(buf, GOOD, sizeof GOOD);
    buf[105] = 'Q';
    assert_errors(buf, 0, "X12_ERR_ISA_DELIMITERS segment=1 set=0 id=ISA element=16.0 byte=0\n");
    /* ISA11 equal to ISA16: an error when strict, no repetition when lenient */
    memcpy(buf, GOOD, sizeof GOOD);
    buf[82] = ':';
    assert_errors(buf, 0, "X12_ERR_ISA_DELIMITERS segment=1 set=0 id=ISA element=11.0 byte=0\n");
    assert_errors(buf, X12_READ_ALLOW_ISA11_COLLISION, "");
    /* 4010-style ISA11 'U': no repetition separator, no error */
    memcpy(buf, GOOD, sizeof GOOD);
    buf[82] = 'U';
    assert_errors(buf, 0, "");
    /* each reason named: ISA16 a letter or a space, a space as terminator,
     * ISA11 a space */
    static const struct {
        int at;
        char c;
        const char *detail;
    } why[] = {
        {104, 'A', "component separator (ISA16) is a letter, digit or space"},
        {104, ' ', "component separator (ISA16) is a letter, digit or space"},
        {105, ' ', "segment terminator is a letter, digit or space"},
        {104, '~', "element separator, component separator and terminator must differ"},
        {82, ' ', "repetition separator (ISA11) collides with another delimiter"},
    };
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++) {
        memcpy(buf, GOOD, sizeof GOOD);
        buf[why[i].at] = why[i].c;
        char *log = reader_log(buf, strlen(buf), 0, NULL);
        const char *e = strstr(log, "E X12_ERR_ISA_DELIMITERS 0 1 0 ISA ");
        if (!e || !strstr(e, why[i].detail))
            fail_msg("case %zu: %s", i, log);
        free(log);
    }
}

static void test_isa_short_and_not_x12(void **state)
{
    (void)state;
    assert_errors("ISA*00*    ", 0, "X12_ERR_ISA_SHORT segment=1 set=0 id=ISA element=0.0 byte=0\n");
    assert_errors("", 0, "X12_ERR_NO_INTERCHANGE segment=0 set=0 id= element=0.0 byte=0\n");
    assert_errors("hello", 0, "X12_ERR_NOT_X12 segment=0 set=0 id= element=0.0 byte=0\n");
    /* an interchange saved as UTF-16 (with a byte order mark, little- and
     * big-endian without): the error says so, whatever the chunking; plain
     * garbage does not */
    {
        static const char *const hint = "it looks like UTF-16 text: convert it to ASCII or UTF-8 first";
        size_t n = strlen(GOOD);
        char *u = malloc(2 * n + 2);
        assert_non_null(u);
        for (int kind = 0; kind < 3; kind++) {
            size_t k = 0;
            if (kind == 0) {
                u[k++] = (char)0xFF;
                u[k++] = (char)0xFE;
            }
            for (size_t i = 0; i < n; i++) {
                u[k++] = kind == 2 ? '\0' : GOOD[i];
                u[k++] = kind == 2 ? GOOD[i] : '\0';
            }
            for (size_t chunk = 0; chunk <= 3; chunk += 3) {
                char *log = reader_log(u, k, chunk, NULL);
                if (!strstr(log, "E X12_ERR_NOT_X12 ") || !strstr(log, hint))
                    fail_msg("kind %d chunk %zu: %s", kind, chunk, log);
                free(log);
            }
        }
        free(u);
        char *log = reader_log("hello, not UTF-16", 17, 0, NULL);
        assert_null(strstr(log, "UTF-16"));
        free(log);
    }
    /* an ISA whose element separator is a letter, digit or space: said so,
     * whatever the chunking; "ISAAC" in prose is garbage like any other */
    {
        static const struct {
            char sep;
            const char *hint;
        } SEP[] = {{' ', "it starts with ISA, but a space cannot be the element separator"},
                   {'Q', "it starts with ISA, but 'Q' cannot be the element separator"},
                   {'7', "it starts with ISA, but '7' cannot be the element separator"}};
        for (size_t i = 0; i < sizeof SEP / sizeof SEP[0]; i++) {
            char *g = malloc(strlen(GOOD) + 1);
            assert_non_null(g);
            memcpy(g, GOOD, strlen(GOOD) + 1);
            for (char *p = g; *p; p++)
                if (*p == '*')
                    *p = SEP[i].sep;
            for (size_t chunk = 0; chunk <= 3; chunk += 3) {
                char *log = reader_log(g, strlen(g), chunk, NULL);
                if (!strstr(log, "E X12_ERR_NOT_X12 ") || !strstr(log, SEP[i].hint))
                    fail_msg("separator '%c' chunk %zu: %s", SEP[i].sep, chunk, log);
                free(log);
            }
            free(g);
        }
        char *log = reader_log("ISAAC NEWTON", 12, 0, NULL);
        assert_non_null(strstr(log, "E X12_ERR_NOT_X12 "));
        assert_null(strstr(log, "starts with ISA"));
        free(log);
        log = reader_log("hello ISA", 9, 0, NULL);
        assert_null(strstr(log, "starts with ISA"));
        free(log);
    }
    /* prose then an interchange: one error, and the interchange is read */
    char buf[512];
    snprintf(buf, sizeof buf, "notes: an ISA is below\n%s", GOOD);
    seen s;
    read_all(buf, strlen(buf), 0, &s, NULL);
    assert_int_equal(s.n, 8);
    assert_errors(buf, 0, "X12_ERR_NOT_X12 segment=0 set=0 id= element=0.0 byte=0\n");
}

/* Each leniency flag, off and on. */
static void test_leniency_flags(void **state)
{
    (void)state;
    char buf[1024];
    /* BOM */
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", GOOD);
    assert_errors(buf, 0, "X12_ERR_NOT_X12 segment=0 set=0 id= element=0.0 byte=0\n");
    assert_errors(buf, X12_READ_ALLOW_BOM, "");
    /* a broken BOM is garbage even when BOMs are allowed */
    snprintf(buf, sizeof buf, "\xEF\xBB%s", GOOD);
    assert_errors(buf, X12_READ_ALLOW_BOM, "X12_ERR_NOT_X12 segment=0 set=0 id= element=0.0 byte=0\n");
    /* between interchanges, a BOM is skipped when an ISA follows it; one that
     * nothing or something else follows is bytes outside any interchange,
     * from its first byte (a whole one went unsaid, with the lines after it) */
    char *g2;
    char want_b[128];
    snprintf(want_b, sizeof want_b, "X12_ERR_GARBAGE segment=0 set=0 id= element=0.0 byte=%zu\n",
             strlen(GOOD));
    snprintf(buf, sizeof buf, "%s\xEF\xBB\xBF", GOOD);
    assert_errors(buf, X12_READ_ALLOW_BOM, want_b);
    snprintf(buf, sizeof buf, "%s\xEF\xBB\xBF\r\nxyz", GOOD);
    assert_errors(buf, X12_READ_ALLOW_BOM | X12_READ_ALLOW_LEADING_SPACE, want_b);
    snprintf(buf, sizeof buf, "%s\xEF\xBB", GOOD);
    assert_errors(buf, X12_READ_ALLOW_BOM, want_b);
    snprintf(buf, sizeof buf, "%s\xEF\xBB\xBF\n%s", GOOD, GOOD);
    g2 = errors_with(buf, strlen(buf), X12_READ_ALLOW_BOM | X12_READ_ALLOW_LEADING_SPACE);
    assert_null(strstr(g2, "X12_ERR_GARBAGE")); /* (the second's control numbers repeat) */
    assert_non_null(strstr(g2, "X12_ERR_DUP_ISA"));
    free(g2);
    /* the last segment without its terminator, a line break after it: the
     * break is not the segment's data */
    snprintf(buf, sizeof buf, "%.*s\r\n", (int)strlen(GOOD) - 1, GOOD);
    seen ls;
    read_all(buf, strlen(buf), X12_READ_ALLOW_LINE_BREAKS, &ls, NULL);
    assert_string_equal(ls.ids[ls.n - 1], "IEA");
    assert_string_equal(ls.el[ls.n - 1], "000000001");
    g2 = errors_with(buf, strlen(buf), X12_READ_ALLOW_LINE_BREAKS);
    assert_non_null(strstr(g2, "X12_ERR_UNTERMINATED segment=8 set=0 id=IEA"));
    free(g2);
    /* whitespace before the ISA */
    snprintf(buf, sizeof buf, " \r\n%s", GOOD);
    assert_errors(buf, 0, "X12_ERR_NOT_X12 segment=0 set=0 id= element=0.0 byte=0\n");
    assert_errors(buf, X12_READ_ALLOW_LEADING_SPACE, "");
    /* CRLF after each terminator */
    strbuf b = {0};
    for (const char *p = GOOD; *p; p++) {
        sb_add(&b, p, 1);
        if (*p == '~')
            sb_add(&b, "\r\n", 2);
    }
    char *strict = errors_with(b.p, b.len, 0);
    assert_non_null(strstr(strict, "X12_ERR_SEGMENT_ID segment=2 set=0 id=??G element=0.0 byte=106\n"));
    free(strict);
    assert_errors(b.p, X12_READ_ALLOW_LINE_BREAKS, "");
    sb_free(&b);
    /* indentation */
    for (const char *p = GOOD; *p; p++) {
        sb_add(&b, p, 1);
        if (*p == '~' && p[1])
            sb_add(&b, "  ", 2);
    }
    strict = errors_with(b.p, b.len, 0);
    assert_non_null(strstr(strict, "X12_ERR_SEGMENT_ID segment=2 set=0 id=??G element=0.0 byte=106\n"));
    free(strict);
    assert_errors(b.p, X12_READ_ALLOW_INDENT, "");
    sb_free(&b);
    /* NUL padding after the last IEA */
    memcpy(buf, GOOD, sizeof GOOD);
    memset(buf + strlen(GOOD), 0, 16);
    char *g = errors_with(buf, strlen(GOOD) + 16, 0);
    char want_g[128];
    snprintf(want_g, sizeof want_g, "X12_ERR_GARBAGE segment=0 set=0 id= element=0.0 byte=%zu\n", strlen(GOOD));
    assert_string_equal(g, want_g);
    free(g);
    g = errors_with(buf, strlen(GOOD) + 16, X12_READ_ALLOW_TRAILING_PADDING);
    assert_string_equal(g, "");
    free(g);
    /* a CR terminator followed by LF */
    strbuf c = {0};
    for (const char *p = GOOD; *p; p++) {
        if (*p == '~') {
            sb_add(&c, "\r\n", 2);
        } else {
            sb_add(&c, p, 1);
        }
    }
    char *strict2 = errors_with(c.p, c.len, 0);
    assert_non_null(strstr(strict2, "X12_ERR_SEGMENT_ID segment=2 set=0 id=?GS element=0.0 byte=106\n"));
    free(strict2);
    assert_errors(c.p, X12_READ_ALLOW_LINE_BREAKS, "");
    sb_free(&c);
}

/* An LF terminator with CR before it: the CR is dropped with LINE_BREAKS. */
static void test_crlf_with_lf_terminator(void **state)
{
    (void)state;
    strbuf b = {0};
    sb_add(&b, GOOD, strlen(GOOD));
    for (size_t i = 105; i < b.len; i++)
        if (b.p[i] == '~')
            b.p[i] = '\n';
    strbuf c = {0};
    for (size_t i = 0; i < b.len; i++) {
        if (i > 105 && b.p[i] == '\n')
            sb_add(&c, "\r", 1);
        sb_add(&c, b.p + i, 1);
    }
    assert_errors(c.p, X12_READ_ALLOW_LINE_BREAKS, "");
    seen s;
    read_all(c.p, c.len, X12_READ_ALLOW_LINE_BREAKS, &s, NULL);
    assert_string_equal(s.el[6], "1"); /* GE02 without the CR */
    sb_free(&b);
    sb_free(&c);
}

/* A new ISA with other delimiters while an interchange is open. */
static void test_missing_iea_then_new_delimiters(void **state)
{
    (void)state;
    strbuf b = {0};
    const char *first = GOOD;
    sb_add(&b, first, strlen(first) - strlen("IEA*1*000000001~"));
    size_t second_at = b.len;
    const char *second =
           "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261126|1200|^|00501|000000002|0|T|!\n"
           "GS|HP|S|R|20261126|1200|1|X|005010X221A1\nST|835|0001\nSE|2|0001\nGE|1|1\nIEA|1|000000002\n";
    sb_add(&b, second, strlen(second));
    char want[256];
    snprintf(want, sizeof want, "X12_ERR_MISSING_IEA segment=1 set=0 id=ISA element=0.0 byte=%zu\n",
             second_at);
    char *got = errors_with(b.p, b.len, 0);
    assert_string_equal(got, want);
    free(got);
    seen s;
    read_all(b.p, b.len, 0, &s, NULL);
    assert_int_equal(s.n, 7 + 6);
    assert_string_equal(s.ids[7], "ISA");
    assert_string_equal(s.ids[8], "GS");
    assert_string_equal(s.el[8], "S");
    sb_free(&b);
}

/* --- limits -------------------------------------------------------------- */

static void test_segment_too_long(void **state)
{
    (void)state;
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.max_segment_length = 60; /* the GS is 52 bytes */
    const char *x = ISA_STAR "GS*HP*SENDER*RECEIVER*20261126*1200*1*X*005010X221A1~ST*835*0001~"
                             "NTE*ADD*THIS NOTE RUNS PAST THE SIXTY BYTE LIMIT OF THIS TEST READER~"
                             "SE*3*0001~GE*1*1~IEA*1*000000001~";
    /* the long segment is skipped, reported and counted; SE01 then disagrees */
    const char *want = "X12_ERR_SEGMENT_TOO_LONG segment=4 set=2 id= element=0.0 byte=171\n";
    char *got = reader_errors(x, strlen(x), &o);
    assert_string_equal(got, want);
    free(got);
    /* the same, one byte at a time: the carry never grows past the limit */
    char *whole = reader_log(x, strlen(x), 0, &o);
    char *bytes = reader_log(x, strlen(x), 1, &o);
    assert_string_equal(whole, bytes);
    free(whole);
    free(bytes);
}

/* 64 MiB without a terminator, streamed: one error, bounded memory. */
static void test_huge_unterminated_segment(void **state)
{
    (void)state;
    failing_alloc fa;
    failing_alloc_init(&fa, 0);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.alloc = &fa.a;
    strbuf errs = {0};
    sb_add(&errs, "", 0);
    x12_reader_callbacks cb = {NULL, NULL};
    (void)cb;
    x12_reader *r = x12_reader_new(&o, NULL, NULL);
    assert_non_null(r);
    assert_int_equal(x12_reader_feed(r, GOOD, (size_t)(strstr(GOOD, "BPR") - GOOD)), X12_OK);
    char *chunk = malloc(1 << 20);
    memset(chunk, 'A', 1 << 20);
    for (int i = 0; i < 64; i++)
        assert_int_equal(x12_reader_feed(r, chunk, 1 << 20), X12_OK);
    free(chunk);
    assert_int_equal(x12_reader_finish(r), X12_OK);
    x12_reader_stats st;
    x12_reader_get_stats(r, &st);
    /* too long, then the set, group and interchange left open */
    assert_int_equal(st.errors, 4);
    x12_reader_free(r);
    assert_int_equal(fa.live, 0);
    sb_free(&errs);
}

static void test_too_many_elements(void **state)
{
    (void)state;
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.max_elements = 16; /* the ISA fits; BPR*I*100*C*CHK does too */
    o.max_elements = 3;
    char *got = reader_errors(GOOD, strlen(GOOD), &o);
    /* the ISA is split by position and never counted against the limit */
    char want[128];
    snprintf(want, sizeof want, "X12_ERR_TOO_MANY_ELEMENTS segment=4 set=2 id=BPR element=3.0 byte=%zu\n",
             (size_t)(strstr(GOOD, "BPR") - GOOD));
    if (!strstr(got, want))
        fail_msg("%s", got);
    free(got);
}

static void test_control_number_limit(void **state)
{
    (void)state;
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.max_control_numbers = 1;
    const char *two_sets = ISA_STAR "GS*HP*S*R*20261126*1200*1*X*005010X221A1~ST*835*0001~SE*2*0001~"
                                    "ST*835*0002~SE*2*0002~GE*2*1~IEA*1*000000001~";
    char *got = reader_errors(two_sets, strlen(two_sets), &o);
    char want[128];
    snprintf(want, sizeof want, "X12_ERR_LIMIT segment=5 set=1 id=ST element=2.0 byte=%zu\n",
             (size_t)(strstr(two_sets, "ST*835*0002") - two_sets));
    assert_string_equal(got, want);
    free(got);
}

/* Control numbers longer than 15 bytes (already wrong: GS06 is 1-9 digits)
 * are compared whole with their trailers: equal ones give no control error
 * (the first 15 bytes alone were kept and compared, so every such trailer was
 * wrong), ones that differ past byte 15 give one. */
static void test_long_control_numbers(void **state)
{
    (void)state;
    const char *same = ISA_STAR "GS*HP*S*R*20261126*1200*12345678901234567890*X*005010X221A1~"
                                "ST*835*ABCDEFGHIJKLMNOPQRST~SE*2*ABCDEFGHIJKLMNOPQRST~"
                                "GE*1*12345678901234567890~IEA*1*000000001~";
    char *got = reader_errors(same, strlen(same), NULL);
    assert_string_equal(got, "X12_ERR_BAD_COUNT segment=2 set=0 id=GS element=6.0 byte=106\n");
    free(got);
    const char *differ = ISA_STAR "GS*HP*S*R*20261126*1200*12345678901234567890*X*005010X221A1~"
                                  "ST*835*ABCDEFGHIJKLMNOPQRST~SE*2*ABCDEFGHIJKLMNOPQRSX~"
                                  "GE*1*12345678901234567899~IEA*1*000000001~";
    got = reader_errors(differ, strlen(differ), NULL);
    assert_non_null(strstr(got, "X12_ERR_SE_CONTROL segment=4 set=2 id=SE element=2.0"));
    assert_non_null(strstr(got, "X12_ERR_GE_CONTROL segment=5 set=0 id=GE element=2.0"));
    free(got);
}

/* --- API behaviour ------------------------------------------------------- */

static int stop_at_st(void *ctx, const x12_segment *seg)
{
    int *n = ctx;
    (*n)++;
    return x12_slice_eq(seg->id, "ST");
}

static void test_callback_stops(void **state)
{
    (void)state;
    int n = 0;
    x12_reader_callbacks cb = {stop_at_st, NULL};
    x12_reader *r = x12_reader_new(NULL, &cb, &n);
    assert_int_equal(x12_reader_feed(r, GOOD, strlen(GOOD)), X12_ERR_STOPPED);
    assert_int_equal(n, 3);
    assert_int_equal(x12_reader_feed(r, GOOD, 1), X12_ERR_STOPPED);
    assert_int_equal(x12_reader_finish(r), X12_ERR_STOPPED);
    x12_reader_free(r);
}

static void test_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(x12_reader_feed(NULL, "x", 1), X12_ERR_USAGE);
    assert_int_equal(x12_reader_finish(NULL), X12_ERR_USAGE);
    x12_reader_free(NULL);
    x12_reader *r = x12_reader_new(NULL, NULL, NULL);
    assert_int_equal(x12_reader_feed(r, NULL, 3), X12_ERR_USAGE);
    assert_int_equal(x12_reader_feed(r, GOOD, strlen(GOOD)), X12_OK);
    assert_int_equal(x12_reader_finish(r), X12_OK);
    assert_int_equal(x12_reader_feed(r, GOOD, 1), X12_ERR_USAGE);
    assert_int_equal(x12_reader_finish(r), X12_ERR_USAGE);
    x12_reader_free(r);
}

/* Fail every allocation in turn: a clean X12_ERR_NOMEM (or NULL) and no leak. */
static void test_allocation_failures(void **state)
{
    (void)state;
    char many[4096];
    /* two sets and two interchanges so that carry and control-number sets grow */
    snprintf(many, sizeof many, "%s%s", GOOD, GOOD);
    for (long n = 1;; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_reader_options o;
        x12_reader_options_init(&o);
        o.alloc = &fa.a;
        x12_reader *r = x12_reader_new(&o, NULL, NULL);
        x12_status st = X12_ERR_NOMEM;
        if (r) {
            st = X12_OK;
            for (size_t off = 0; off < strlen(many) && st == X12_OK; off += 7)
                st = x12_reader_feed(r, many + off, strlen(many) - off < 7 ? strlen(many) - off : 7);
            if (st == X12_OK)
                st = x12_reader_finish(r);
            x12_reader_free(r);
        }
        assert_int_equal(fa.live, 0);
        if (st == X12_OK) {
            assert_true(n > 3);
            break;
        }
        assert_int_equal(st, X12_ERR_NOMEM);
    }
}

static void keep_value(void *ctx, const x12_error *e)
{
    snprintf(ctx, 64, "%s", e->value);
}

static void test_error_values_flag(void **state)
{
    (void)state;
    const char *bad = ISA_STAR "GS*HP*S*R*20261126*1200*1*X*005010X221A1~ST*835*0001~SE*2*9999~GE*1*1~IEA*1*000000001~";
    x12_error last;
    memset(&last, 0, sizeof last);
    (void)last;
    char line[512];
    x12_error e;
    memset(&e, 0, sizeof e);
    e.code = X12_ERR_SE_CONTROL;
    e.msg = x12_status_message(e.code);
    e.segment_index = 5;
    memcpy(e.segment_id, "SE", 3);
    e.element_pos = 2;
    e.byte_offset = 190;
    x12_error_format(&e, line, sizeof line);
    assert_string_equal(line, "segment 5 (SE) element 2.0, byte 190: SE02 does not match ST02");
    snprintf(e.value, sizeof e.value, "9999");
    x12_error_format(&e, line, sizeof line);
    assert_string_equal(line, "segment 5 (SE) element 2.0, byte 190: SE02 does not match ST02: 9999");
    /* the ledger's and the control counter's failures name no place in the input ... */
    x12_error le;
    memset(&le, 0, sizeof le);
    le.code = X12_ERR_LEDGER;
    snprintf(le.detail, sizeof le.detail, "exec: file is not a database");
    x12_error_format(&le, line, sizeof line);
    assert_string_equal(line, "the ledger database failed (exec: file is not a database)");
    le.code = X12_ERR_CONTROL_LOCK;
    le.detail[0] = '\0';
    x12_error_format(&le, line, sizeof line);
    assert_string_equal(line, x12_status_message(X12_ERR_CONTROL_LOCK));
    le.code = X12_ERR_SPLIT_OUTPUT;
    x12_error_format(&le, line, sizeof line);
    assert_string_equal(line, x12_status_message(X12_ERR_SPLIT_OUTPUT));
    /* ... but an input error at byte 0 keeps it, and a ledger error with a place too */
    le.code = X12_ERR_NOT_X12;
    x12_error_format(&le, line, sizeof line);
    assert_true(strncmp(line, "byte 0: ", 8) == 0);
    le.code = X12_ERR_LEDGER;
    le.byte_offset = 7;
    x12_error_format(&le, line, sizeof line);
    assert_true(strncmp(line, "byte 7: ", 8) == 0);
    /* values reach the record only with the flag */
    x12_reader_options o;
    x12_reader_options_init(&o);
    x12_reader_callbacks cb = {NULL, keep_value};
    char got[64] = "unset";
    x12_reader *r = x12_reader_new(&o, &cb, got);
    x12_reader_feed(r, bad, strlen(bad));
    x12_reader_finish(r);
    x12_reader_free(r);
    assert_string_equal(got, "");
    o.flags = X12_READ_ERROR_VALUES;
    r = x12_reader_new(&o, &cb, got);
    x12_reader_feed(r, bad, strlen(bad));
    x12_reader_finish(r);
    x12_reader_free(r);
    assert_string_equal(got, "9999");
    assert_string_equal(x12_status_name(X12_ERR_SE_COUNT), "X12_ERR_SE_COUNT");
    assert_int_equal(x12_status_from_name("X12_ERR_GE_COUNT"), X12_ERR_GE_COUNT);
    assert_int_equal(x12_status_from_name("nope"), -1);
}

/* x12_utf8_prefix: how much of the start is well-formed UTF-8. */
static void test_slice_eq(void **state)
{
    (void)state;
    const char ab0[] = {'A', 'B', '\0', 'C'};
    assert_true(x12_slice_eq((x12_slice){"ABC", 3}, "ABC"));
    assert_false(x12_slice_eq((x12_slice){"ABC", 2}, "ABC"));
    assert_false(x12_slice_eq((x12_slice){"ABC", 3}, "AB"));
    assert_false(x12_slice_eq((x12_slice){"ABD", 3}, "ABC"));
    assert_true(x12_slice_eq((x12_slice){"AB", 2}, "AB"));
    assert_true(x12_slice_eq((x12_slice){NULL, 0}, ""));
    assert_false(x12_slice_eq((x12_slice){NULL, 0}, "A"));
    assert_false(x12_slice_eq((x12_slice){"A", 1}, ""));
    /* a NUL inside the value is a byte like any other */
    assert_false(x12_slice_eq((x12_slice){ab0, 3}, "AB"));
    assert_false(x12_slice_eq((x12_slice){ab0, 4}, "AB"));
    assert_true(x12_slice_eq((x12_slice){ab0, 2}, "AB"));
}

static void test_utf8_prefix(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t want;
    } T[] = {
        {"", 0},
        {"ABC", 3},
        {"\xc3\xa9", 2},                 /* U+00E9 */
        {"\xe9", 0},                     /* ISO-8859-1 e-acute */
        {"A\xe9" "B", 1},
        {"AB\xc3\xa9" "C\xff", 5},
        {"\xc0\x80", 0},                 /* overlong NUL */
        {"\xc1\xbf", 0},                 /* overlong */
        {"\xe0\x80\x80", 0},             /* overlong */
        {"\xed\xa0\x80", 0},             /* a surrogate */
        {"\xef\xbf\xbd", 3},             /* U+FFFD */
        {"\xf0\x9f\x98\x80", 4},         /* U+1F600 */
        {"\xf0\x9f\x98", 0},             /* cut short */
        {"\xf4\x90\x80\x80", 0},         /* past U+10FFFF */
        {"\xe2\x82\xac\xe2\x82", 3},     /* a euro sign, then half of one */
        {"\x80", 0},                     /* a continuation byte first */
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        size_t got = x12_utf8_prefix(T[i].s, strlen(T[i].s));
        if (got != T[i].want)
            fail_msg("case %zu: %zu, wanted %zu", i, got, T[i].want);
    }
    /* a length shorter than the bytes: a sequence cut by it is not whole */
    assert_int_equal(x12_utf8_prefix("\xc3\xa9", 1), 0);
    assert_int_equal(x12_utf8_prefix(NULL, 0), 0);
}

void x12__segment_locate(const x12_segment *seg, const char *p, uint16_t *element,
                         uint16_t *component);

/* The place of a byte in a segment: element, and component only inside a
 * composite, counted within the repetition that holds the byte. */
static void test_segment_locate(void **state)
{
    (void)state;
    static const char raw[] = "SVC*HC:99214:25*200*A^B:C^D";
    x12_slice el[5];
    x12_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.delims.element = '*';
    seg.delims.component = ':';
    seg.delims.repetition = '^';
    seg.raw = (x12_slice){raw, sizeof raw - 1};
    size_t start[] = {0, 4, 16, 20}, len[] = {3, 11, 3, 7};
    for (int i = 0; i < 4; i++)
        el[i] = (x12_slice){raw + start[i], len[i]};
    seg.elements = el;
    seg.id = el[0];
    seg.element_count = 3;
    struct {
        size_t at;
        uint16_t element, component;
    } want[] = {
        {0, 0, 0},   /* the id */
        {3, 0, 0},   /* a separator */
        {4, 1, 1},   /* H of HC */
        {7, 1, 2},   /* 9 of 99214 */
        {14, 1, 3},  /* 2 of 25 */
        {17, 2, 0},  /* a simple element */
        {20, 3, 0},  /* A: a repetition without components */
        {22, 3, 1},  /* B of B:C */
        {24, 3, 2},  /* C */
        {26, 3, 0},  /* D */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint16_t e = 99, c = 99;
        x12__segment_locate(&seg, raw + want[i].at, &e, &c);
        assert_int_equal(e, want[i].element);
        assert_int_equal(c, want[i].component);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slice_eq),
        cmocka_unit_test(test_utf8_prefix),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_delimiters_from_isa),
        cmocka_unit_test(test_isa_every_separator_position),
        cmocka_unit_test(test_isa_delimiters),
        cmocka_unit_test(test_isa_short_and_not_x12),
        cmocka_unit_test(test_leniency_flags),
        cmocka_unit_test(test_crlf_with_lf_terminator),
        cmocka_unit_test(test_missing_iea_then_new_delimiters),
        cmocka_unit_test(test_segment_too_long),
        cmocka_unit_test(test_huge_unterminated_segment),
        cmocka_unit_test(test_too_many_elements),
        cmocka_unit_test(test_control_number_limit),
        cmocka_unit_test(test_long_control_numbers),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_error_values_flag),
        cmocka_unit_test(test_segment_locate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
