/* The reader gives identical segments and errors however the input is cut:
 * every fixture and every shared-corpus file, fed whole and in 1, 2, 3, 7 and
 * 4096-byte chunks, strict and lenient (the Expat way of testing a push
 * parser, shared/STYLE.md 5).  And whatever instruction set its hot loop runs
 * on: each file again at every level this CPU has (none, SSE2, AVX2,
 * AVX-512BW), and generated interchanges made to reach the hot loop's edges. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h" /* x12__reader_simd_level */
#include "support.h"

static const size_t CHUNKS[] = {1, 2, 3, 7, 4096};
static int simd_best; /* the widest hot-loop level of this CPU */

/* Fails, showing where the two logs part, unless they are the same. */
static void same_log(const char *want, const char *got, const char *what)
{
    if (strcmp(want, got) == 0)
        return;
    size_t i = 0;
    while (want[i] && want[i] == got[i])
        i++;
    size_t from = i > 200 ? i - 200 : 0;
    fail_msg("%s: differs at log byte %zu:\nwanted: %.300s\ngot:    %.300s", what, i, want + from,
             got + from);
}

static int check_file(const char *path)
{
    size_t n = strlen(path);
    if ((n > 3 && strcmp(path + n - 3, ".gz") == 0) || (n > 7 && strcmp(path + n - 7, ".expect") == 0) ||
        (n > 3 && strcmp(path + n - 3, ".md") == 0) || (n > 4 && strcmp(path + n - 4, ".tsv") == 0))
        return 0;
    size_t len;
    char *data = read_file(path, &len);
    if (!data)
        return 0;
    static const unsigned FLAGS[] = {0, X12_READ_LENIENT};
    for (size_t f = 0; f < 2; f++) {
        x12_reader_options o;
        x12_reader_options_init(&o);
        o.flags = FLAGS[f];
        char *whole = reader_log(data, len, 0, &o);
        for (int level = 0; level <= simd_best; level++) {
            for (size_t chunk = 0; chunk <= 4096; chunk += 4096) {
                char *at = reader_log_at(data, len, chunk, &o, level);
                char what[512];
                snprintf(what, sizeof what, "%s flags=%u chunk=%zu hot loop level %d", path,
                         FLAGS[f], chunk, level);
                same_log(whole, at, what);
                free(at);
            }
        }
        for (size_t c = 0; c < sizeof CHUNKS / sizeof CHUNKS[0]; c++) {
            char *part = reader_log(data, len, CHUNKS[c], &o);
            char what[512];
            snprintf(what, sizeof what, "%s flags=%u chunk=%zu (against whole)", path, FLAGS[f],
                     CHUNKS[c]);
            same_log(whole, part, what);
            free(part);
        }
        free(whole);
    }
    free(data);
    return 1;
}

static int check_dir(const char *dir)
{
    char **files = list_dir(dir);
    int n = 0;
    for (size_t i = 0; files && files[i]; i++) {
        char **sub = list_dir(files[i]); /* a folder of the corpus */
        if (sub) {
            free_list(sub);
            n += check_dir(files[i]);
            continue;
        }
        n += check_file(files[i]);
    }
    free_list(files);
    return n;
}

static void test_fixtures(void **state)
{
    (void)state;
    int n = check_dir(X12KIT_SOURCE_DIR "/fixtures");
    printf("fixtures fed at every chunk size: %d\n", n);
    assert_true(n >= 50);
}

static void test_shared_corpus(void **state)
{
    (void)state;
    char **probe = list_dir(X12KIT_SHARED_DIR "/corpus");
    if (!probe) {
        printf("shared corpus not found: skipped\n");
        skip();
    }
    free_list(probe);
    int n = check_dir(X12KIT_SHARED_DIR "/corpus");
    printf("shared corpus files fed at every chunk size: %d\n", n);
    assert_true(n >= 150);
}

/* --- generated interchanges at every hot-loop level ----------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static void put(char **p, const char *s, size_t n)
{
    memcpy(*p, s, n);
    *p += n;
}

/* An interchange of segments whose lengths and element counts straddle the
 * hot loop's 64-byte blocks, with what it hands to the general loop: empty
 * segments, segments over the length limit, more separators than the element
 * limit, segments starting with 'I' (a new ISA among them), CR before a
 * newline terminator, and a cut end.  Returns its length. */
static size_t make_interchange(char *out, char es, char ts, int crlf)
{
    char *p = out;
    char isa[107];
    snprintf(isa, sizeof isa,
             "ISA%c00%c          %c00%c          %cZZ%cSENDER         %cZZ%cRECEIVER       %c261126%c1200%c^%c00501%c000000001%c0%cT%c:%c",
             es, es, es, es, es, es, es, es, es, es, es, es, es, es, es, es, ts);
    put(&p, isa, 106);
    if (crlf)
        put(&p, "\r\n", 2);
    int nseg = 40 + (int)rnd(400);
    for (int i = 0; i < nseg; i++) {
        uint32_t kind = rnd(40);
        if (kind == 0) { /* empty segment */
        } else if (kind == 1) {
            put(&p, "IK3", 3); /* starts with 'I', not an ISA */
            *p++ = es;
            put(&p, "NM1", 3);
        } else if (kind == 2 && i > nseg / 2) {
            put(&p, isa, 105); /* a new interchange, same delimiters */
        } else {
            /* an id, then elements of 0-90 bytes: some segments run over
             * one, two or three blocks */
            put(&p, "N", 1);
            *p++ = (char)('A' + rnd(26));
            *p++ = (char)('0' + rnd(10));
            int nel = (int)rnd(kind < 6 ? 30 : 8);
            for (int e = 0; e < nel; e++) {
                *p++ = es;
                int w = (int)rnd(kind < 10 ? 90 : 12);
                for (int k = 0; k < w; k++)
                    *p++ = (char)('a' + rnd(26));
            }
        }
        if (crlf && ts == '\n')
            *p++ = '\r';
        *p++ = ts;
        if (crlf && ts != '\n')
            put(&p, "\r\n", 2);
    }
    if (rnd(2))
        put(&p, "IEA*1*000000001", 15); /* '*' may not be the separator: then garbage */
    else
        put(&p, "SE", 2); /* cut in a segment */
    return (size_t)(p - out);
}

static void test_simd_levels_generated(void **state)
{
    (void)state;
    static const char DELIMS[][2] = {{'*', '~'}, {'|', '\n'}, {'^', '~'}, {'*', '\''}};
    static const size_t FEED[] = {0, 1, 63, 64, 65, 127, 128, 4096};
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    int compared = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        rng_state = seed;
        size_t d = rnd(4);
        int crlf = (int)rnd(2);
        size_t len = make_interchange(buf, DELIMS[d][0], DELIMS[d][1], crlf);
        x12_reader_options o;
        x12_reader_options_init(&o);
        o.flags = rnd(2) ? X12_READ_LENIENT : 0;
        if (rnd(3) == 0)
            o.max_elements = 3 + rnd(20); /* the last element holds the rest */
        if (rnd(3) == 0)
            o.max_segment_length = 40 + rnd(200); /* long segments are errors */
        size_t feed = FEED[rnd(sizeof FEED / sizeof FEED[0])];
        char *ref = reader_log_at(buf, len, feed, &o, 0);
        for (int level = 1; level <= simd_best; level++) {
            char *at = reader_log_at(buf, len, feed, &o, level);
            char what[96];
            snprintf(what, sizeof what, "seed %llu feed %zu hot loop level %d (against none)",
                     (unsigned long long)seed, feed, level);
            same_log(ref, at, what);
            free(at);
            compared++;
        }
        free(ref);
    }
    free(buf);
    if (simd_best)
        printf("hot loop levels 1-%d compared with the general loop on %d generated interchanges\n",
               simd_best, compared);
    else
        printf("no hot loop in this build (not x86, or X12KIT_NO_SIMD): nothing to compare\n");
    /* no SIMD at all (not x86): nothing to compare, and that must be the reason */
    assert_true(compared > 0 || simd_best == 0);
}

/* X12KIT_SIMD caps the level a new reader takes; it never raises it, and a
 * name it does not know leaves the widest. */
static void test_simd_environment(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        int level; /* before the CPU's cap; -1 the widest */
    } CASES[] = {{"none", 0}, {"sse2", 1}, {"avx2", 2}, {"avx512", 3}, {"AVX2", -1},
                 {"", -1},    {"sse", -1}, {NULL, -1}};
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        if (CASES[i].value)
            setenv("X12KIT_SIMD", CASES[i].value, 1);
        else
            unsetenv("X12KIT_SIMD");
        x12_reader *r = x12_reader_new(NULL, NULL, NULL);
        assert_non_null(r);
        int want = CASES[i].level < 0 || CASES[i].level > simd_best ? simd_best : CASES[i].level;
        if (x12__reader_simd_level(r) != want)
            fail_msg("X12KIT_SIMD=%s: level %d, wanted %d", CASES[i].value ? CASES[i].value : "(unset)",
                     x12__reader_simd_level(r), want);
        x12_reader_free(r);
    }
    unsetenv("X12KIT_SIMD");
}

int main(void)
{
    simd_best = reader_simd_best();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simd_levels_generated),
        cmocka_unit_test(test_simd_environment),
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_shared_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
