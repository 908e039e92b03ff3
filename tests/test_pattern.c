/* Whole-value patterns of spec elements (parsers/pattern.c): every construct
 * of the supported ERE subset matching and not matching, values with any
 * byte, every syntax error, the size limits, a pattern that would make a
 * backtracking matcher run for ages, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <regex.h>

#include "pattern.h"
#include "x12/error.h"
#include "x12/spec.h"

/* A bump allocator over a static buffer that can fail its Nth call. */
static struct {
    _Alignas(max_align_t) unsigned char buf[1 << 16];
    size_t used;
    int calls, fail_at;
} A;

static void *bump(void *ctx, size_t n)
{
    (void)ctx;
    A.calls++;
    if (A.fail_at && A.calls == A.fail_at)
        return NULL;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (A.used + n > sizeof A.buf)
        return NULL;
    void *p = A.buf + A.used;
    A.used += n;
    return p;
}

static pattern *compile_ok(const char *src)
{
    A.used = 0;
    A.calls = A.fail_at = 0;
    pattern *p = NULL;
    char why[120];
    int rc = pattern_compile(src, bump, NULL, &p, why, sizeof why);
    if (rc != PATTERN_OK)
        fail_msg("'%s' did not compile: %s", src, why);
    return p;
}

static int matches(const char *src, const char *v, size_t n)
{
    return pattern_match(compile_ok(src), v, n);
}

static void test_constructs(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *val;
        int want;
    } T[] = {
        /* the specs' own: 9 digits, the whole value */
        {"[0-9]{9}", "123456789", 1},
        {"[0-9]{9}", "12345678", 0},
        {"[0-9]{9}", "1234567890", 0},
        {"[0-9]{9}", "12345678A", 0},
        {"[0-9]{9}", "", 0},
        /* literals and the implicit anchors */
        {"ABC", "ABC", 1},
        {"ABC", "xABC", 0},
        {"ABC", "ABCx", 0},
        {"^ABC$", "ABC", 1},
        {"^ABC$", "ABCD", 0},
        {"^$", "", 1},
        {"^", "", 1},
        {"$", "x", 0},
        {"^A$|^B$", "A", 1}, /* the anchors of top-level alternatives */
        {"^A$|^B$", "B", 1},
        {"^A$|^B$", "AB", 0},
        {"A$|B", "B", 1},
        {"^(A|B)$", "B", 1},
        /* any byte */
        {"A.C", "A-C", 1},
        {"A.C", "AC", 0},
        {"...", "a\nb", 1},
        /* brackets: ranges, several items, negation, ']' and '-' literal, classes */
        {"[A-Z0-9]+", "AB12", 1},
        {"[A-Z0-9]+", "AB-12", 0},
        {"[^0-9]+", "ABC", 1},
        {"[^0-9]+", "AB1", 0},
        {"[]x]", "]", 1},
        {"[a-]", "-", 1},
        {"[[:digit:]]{3}", "042", 1},
        {"[[:alpha:]]+", "Abc", 1},
        {"[[:alpha:]]+", "Ab1", 0},
        {"[[:alnum:]]+", "A1b2", 1},
        {"[[:upper:]][[:lower:]]+", "Smith", 1},
        {"[[:upper:]][[:lower:]]+", "SMITH", 0},
        {"[[:space:]]", " ", 1},
        {"[[:punct:]]+", ".,;", 1},
        {"[[:punct:]]", "a", 0},
        {"[\\.]+", "\\.", 1}, /* a backslash in brackets is itself */
        {"[\\.]", "x", 0},
        {"[^[:digit:]A]", "B", 1},
        {"[^[:digit:]A]", "A", 0},
        {"[^[:digit:]A]", "5", 0},
        /* quantifiers */
        {"AB*C", "AC", 1},
        {"AB*C", "ABBBC", 1},
        {"AB+C", "AC", 0},
        {"AB+C", "ABC", 1},
        {"AB?C", "ABBC", 0},
        {"A{2,3}", "A", 0},
        {"A{2,3}", "AA", 1},
        {"A{2,3}", "AAA", 1},
        {"A{2,3}", "AAAA", 0},
        {"A{2,}", "AAAAAAA", 1},
        {"A{0}B", "B", 1},
        {"A{0,1}B", "AB", 1},
        /* alternation and groups */
        {"RD8|D8", "D8", 1},
        {"RD8|D8", "RD8", 1},
        {"RD8|D8", "RD", 0},
        {"(AB|CD)+", "ABCDAB", 1},
        {"(AB|CD)+", "ABC", 0},
        {"((A|B)C)*D", "ACBCD", 1},
        {"((A|B)C)*D", "ACBD", 0},
        {"X(|Y)Z", "XZ", 1},
        {"X(|Y)Z", "XYZ", 1},
        {"()", "", 1},
        {"a**", "aaa", 1},
        /* escapes of special characters */
        {"\\.\\*\\[", ".*[", 1},
        {"\\.", "a", 0},
        /* ICD-10-CM without the dot */
        {"[A-Z][0-9][0-9A-Z]{1,5}", "E119", 1},
        {"[A-Z][0-9][0-9A-Z]{1,5}", "9E11", 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        if (matches(T[i].pat, T[i].val, strlen(T[i].val)) != T[i].want)
            fail_msg("'%s' on '%s': wanted %d", T[i].pat, T[i].val, T[i].want);
}

/* Values are lengths, not C strings: NUL and high bytes are ordinary bytes. */
static void test_any_byte(void **state)
{
    (void)state;
    assert_int_equal(matches("A.B", "A\0B", 3), 1);
    assert_int_equal(matches("[0-9]{3}", "12\0", 3), 0);
    assert_int_equal(matches("ABC", "ABC\0", 4), 0);
    assert_int_equal(matches("[^A]", "\xff", 1), 1);
    assert_int_equal(matches(".", "\x80", 1), 1);
    /* a long value: no limit on its length */
    char big[5000];
    memset(big, '7', sizeof big);
    assert_int_equal(matches("[0-9]+", big, sizeof big), 1);
    big[4999] = 'x';
    assert_int_equal(matches("[0-9]+", big, sizeof big), 0);
}

/* Patterns that make a backtracking matcher explore exponentially many ways
 * finish here in one pass over the value (no timing assertion: at this size
 * a backtracking matcher would not finish at all). */
static void test_no_backtracking(void **state)
{
    (void)state;
    char v[4001];
    memset(v, 'a', 4000);
    v[4000] = '\0';
    assert_int_equal(matches("(a*)*b", v, 4000), 0);
    assert_int_equal(matches("(a|aa)*c", v, 4000), 0);
    assert_int_equal(matches("(a|a)*", v, 4000), 1);
    assert_int_equal(matches("(a?){30}a{30}", v, 30), 1);
    assert_int_equal(matches("(a?){30}a{30}", v, 29), 0);
}

static void expect_bad(const char *src, const char *why_part)
{
    A.used = 0;
    A.calls = A.fail_at = 0;
    pattern *p = (pattern *)1;
    char why[160];
    int rc = pattern_compile(src, bump, NULL, &p, why, sizeof why);
    if (rc != PATTERN_BAD)
        fail_msg("'%s' compiled (rc %d)", src, rc);
    assert_null(p);
    if (!strstr(why, why_part))
        fail_msg("'%s': '%s' does not say '%s'", src, why, why_part);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_bad("(AB", "'(' without ')'");
    expect_bad("AB)", "')' without '('");
    expect_bad("[A-Z", "'[' without ']'");
    expect_bad("[Z-A]", "range out of order");
    expect_bad("[[:digits:]]", "unknown character class");
    expect_bad("[[:alpha]", "'[:' without ':]'");
    expect_bad("[[=a=]]", "not supported");
    expect_bad("*A", "needs something to repeat");
    expect_bad("A|+", "needs something to repeat");
    expect_bad("{2}", "needs something to repeat");
    expect_bad("A{2", "'{' without '}'");
    expect_bad("A{,2}", "a number was expected");
    expect_bad("A{3,2}", "m over n");
    expect_bad("A{256}", "over 255");
    expect_bad("A\\d", "not ERE");
    expect_bad("A\\", "at the end");
    expect_bad("A^B", "only at the start and the end");
    expect_bad("A$B", "only at the start and the end");
    expect_bad("(A$)", "only at the start and the end");
    expect_bad("(^A)", "only at the start and the end");
    expect_bad("^^A", "only at the start and the end");
    expect_bad("A$$", "only at the start and the end");
    /* the position is named */
    expect_bad("ABC)", "at byte 3");
}

static void test_limits(void **state)
{
    (void)state;
    char src[PATTERN_MAX_SOURCE + 2];
    memset(src, 'A', sizeof src - 1);
    src[sizeof src - 1] = '\0';
    expect_bad(src, "longer than 256 bytes");
    /* spelled out, repetitions may not exceed the program's size */
    expect_bad("(ABCDEFGH){100}", "too complex");
    expect_bad("((A{200}){200})", "too complex");
    char deep[64] = "";
    for (int i = 0; i < PATTERN_MAX_DEPTH + 1; i++)
        strcat(deep, "(");
    strcat(deep, "A");
    for (int i = 0; i < PATTERN_MAX_DEPTH + 1; i++)
        strcat(deep, ")");
    expect_bad(deep, "nested too deep");
    /* just inside every limit */
    (void)compile_ok("(ABCDEFGH){60}");
    deep[0] = '\0';
    for (int i = 0; i < PATTERN_MAX_DEPTH; i++)
        strcat(deep, "(");
    strcat(deep, "A");
    for (int i = 0; i < PATTERN_MAX_DEPTH; i++)
        strcat(deep, ")");
    assert_int_equal(matches(deep, "A", 1), 1);
}

/* Repetitions of something that matches only the empty value spell out to
 * nothing: nested {255}s of it compile at once instead of running the
 * compiler through 255^k copies. */
static void test_empty_repetitions(void **state)
{
    (void)state;
    assert_int_equal(matches("((((){255}){255}){255}){255}", "", 0), 1);
    assert_int_equal(matches("((((){255}){255}){255}){255}", "a", 1), 0);
    assert_int_equal(matches("((((a{0}){255}){255}){255}){255}b", "b", 1), 1);
    assert_int_equal(matches("((((a{0}){255}){255}){255}){255}b", "ab", 2), 0);
    assert_int_equal(matches("(()*)*x(|){200}", "x", 1), 1);
    assert_int_equal(matches("(a{0,0}|b){3}", "bb", 2), 1);
    assert_int_equal(matches("(a{0,0}|b){3}", "bbbb", 4), 0);
    /* an alternative with an empty side is not empty: it still counts */
    expect_bad("((|a){255}){3}", "too complex");
}

/* Equal bracket expressions share one set; more than 64 different ones are
 * too complex. */
static void test_bracket_sets(void **state)
{
    (void)state;
    char src[PATTERN_MAX_SOURCE + 1] = "";
    for (int i = 0; i < 80; i++)
        strcat(src, "[7]");
    char v[80];
    memset(v, '7', sizeof v);
    assert_int_equal(matches(src, v, 80), 1);
    assert_int_equal(matches(src, v, 79), 0);
    static const char B[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&";
    src[0] = '\0';
    for (int i = 0; i < 64; i++) {
        char one[4] = {'[', B[i], ']', '\0'};
        strcat(src, one);
    }
    assert_int_equal(matches(src, B, 64), 1);
    assert_int_equal(matches(src, B + 1, 64), 0);
    strcat(src, "[&]");
    expect_bad(src, "too complex (over 64 bracket sets)");
}

/* Through the spec loader: X12_ERR_SPEC whose detail names the pattern, the
 * byte where it goes wrong and why, and the XML line in byte_offset. */
static void expect_bad_spec_pattern(const char *pat, const char *detail)
{
    char xml[1024];
    snprintf(xml, sizeof xml,
             "<guide id='X' ts='835'>\n<seg id='ST' usage='R' maxuse='1'>\n"
             "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='9' pattern='%s'/>\n"
             "</seg><seg id='SE' usage='R'/></guide>",
             pat);
    x12_error err;
    x12_spec *s = x12_spec_load_memory(xml, strlen(xml), "t.xml", &err);
    if (s) {
        x12_spec_free(s);
        fail_msg("'%s' accepted", pat);
    }
    assert_int_equal(err.code, X12_ERR_SPEC);
    assert_int_equal(err.byte_offset, 3);
    if (strcmp(err.detail, detail))
        fail_msg("detail '%s', wanted '%s'", err.detail, detail);
}

/* The quick path (one-byte steps, the last possibly repeated) against
 * glibc's POSIX regexec on every value of up to 8 bytes over a small
 * alphabet, for the shapes the specs use; and patterns with other choices
 * stay on the general path. */
static void test_quick_path(void **state)
{
    (void)state;
    static const char *quick[] = {"[0-9]{9}",  "D[0-9]{4}",     "[0-9A-Z]{5}", "[0-3][0-9]{3}",
                                  "[1-9]{2}",   "[0-9]{2}D[0-9]{3}", ".{3}S.*",  "[^VX].*",
                                  "[0-9]+",     "A",             "x*",         ""};
    static const char *general[] = {"[0-9]{9}|[0-9]{5}", "(AB)*", "A?B", ".{0,6}|.{6}[^S].*"};
    const char alpha[] = "0D9SVX";
    for (size_t q = 0; q < sizeof quick / sizeof quick[0]; q++) {
        pattern *p = compile_ok(quick[q]);
        if (!pattern_is_quick(p))
            fail_msg("'%s' is not on the quick path", quick[q]);
        char re_src[64];
        snprintf(re_src, sizeof re_src, "^(%s)$", quick[q]);
        regex_t re;
        assert_int_equal(regcomp(&re, re_src, REG_EXTENDED | REG_NOSUB), 0);
        char v[9];
        for (size_t len = 0; len <= 8; len++) {
            size_t total = 1;
            for (size_t i = 0; i < len; i++)
                total *= sizeof alpha - 1;
            for (size_t k = 0; k < total; k++) {
                size_t x = k;
                for (size_t i = 0; i < len; i++, x /= sizeof alpha - 1)
                    v[i] = alpha[x % (sizeof alpha - 1)];
                v[len] = '\0';
                int want = regexec(&re, v, 0, NULL, 0) == 0;
                if (pattern_match(p, v, len) != want)
                    fail_msg("'%s' on '%s': %d, regexec says %d", quick[q], v, !want, want);
            }
        }
        regfree(&re);
    }
    for (size_t g = 0; g < sizeof general / sizeof general[0]; g++)
        assert_false(pattern_is_quick(compile_ok(general[g])));
    assert_true(matches(".{0,6}|.{6}[^S].*", "S72001A", 7));
    assert_false(matches(".{0,6}|.{6}[^S].*", "S72001S", 7));
}

static void test_spec_loader(void **state)
{
    (void)state;
    expect_bad_spec_pattern("(AB", "t.xml: pattern '(AB' at byte 3: '(' without ')'");
    expect_bad_spec_pattern("[0-9]{9", "t.xml: pattern '[0-9]{9' at byte 7: '{' without '}'");
    expect_bad_spec_pattern("(a)\\1", "t.xml: pattern '(a)\\1' at byte 3: \\ before a letter or digit "
                                      "is not ERE");
    expect_bad_spec_pattern("[0-9][0-9][0-9][0-9]{3,2}",
                            "t.xml: pattern '[0-9][0-9][0-9][0...' at byte 24: {m,n} with m over n");
    expect_bad_spec_pattern("(ABCDEFGH){100}",
                            "t.xml: pattern '(ABCDEFGH){100}' at byte 15: too complex (over 512 steps)");
    /* a good one loads */
    const char *ok = "<guide id='X' ts='835'><seg id='ST' usage='R' maxuse='1'>"
                     "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='9' pattern='^[0-9]{9}$'/>"
                     "</seg><seg id='SE' usage='R'/></guide>";
    x12_error err;
    x12_spec *s = x12_spec_load_memory(ok, strlen(ok), "t.xml", &err);
    assert_non_null(s);
    x12_spec_free(s);
}

/* Every allocation of a compile failing in turn: PATTERN_NOMEM, no result. */
static void test_allocation_failures(void **state)
{
    (void)state;
    int n = 0;
    for (int fail_at = 1;; fail_at++) {
        A.used = 0;
        A.calls = 0;
        A.fail_at = fail_at;
        pattern *p = (pattern *)1;
        char why[120];
        int rc = pattern_compile("[0-9]{9}|(AB|C)+", bump, NULL, &p, why, sizeof why);
        if (A.calls < fail_at) { /* the run no longer reached the failure */
            assert_int_equal(rc, PATTERN_OK);
            assert_int_equal(pattern_match(p, "123456789", 9), 1);
            break;
        }
        assert_int_equal(rc, PATTERN_NOMEM);
        assert_null(p);
        n++;
    }
    assert_true(n >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructs),        cmocka_unit_test(test_any_byte),
        cmocka_unit_test(test_no_backtracking),   cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_limits),            cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_empty_repetitions), cmocka_unit_test(test_bracket_sets),
        cmocka_unit_test(test_quick_path),
        cmocka_unit_test(test_spec_loader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
