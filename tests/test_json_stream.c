/* The streaming JSON scanner (formats/json_stream.c): arrays and NDJSON,
 * exact error positions, resynchronisation after bad elements, limits, the
 * same answer at every chunk size, I/O and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_stream.h"
#include "support.h"

typedef struct memsrc {
    const char *p;
    size_t len, pos, chunk;
    size_t fail_at; /* offset at which reading fails with X12_ERR_IO; 0 = never */
} memsrc;

static x12_status mem_read(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err)
{
    memsrc *m = ctx;
    if (m->fail_at && m->pos >= m->fail_at) {
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_IO;
        snprintf(err->detail, sizeof err->detail, "disk on fire");
        return X12_ERR_IO;
    }
    size_t n = m->len - m->pos;
    if (m->chunk && n > m->chunk)
        n = m->chunk;
    if (n > cap)
        n = cap;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    *got = n;
    return X12_OK;
}

/* Runs the scanner and logs what it returns, one line each:
 * "O index line offset {json}", "E NAME line offset path: message",
 * "F NAME ...", "END". */
static char *run_opts(const char *in, size_t chunk, const json_stream_options *o, size_t fail_at)
{
    memsrc m = {in, strlen(in), 0, chunk, fail_at};
    json_stream *s = json_stream_new(mem_read, &m, o);
    assert_non_null(s);
    strbuf b = {0};
    sb_add(&b, "", 0);
    for (int guard = 0; guard < 1000; guard++) {
        json_t *v = NULL;
        json_stream_item it;
        x12_json_error e;
        json_stream_result r = json_stream_next(s, &v, &it, &e);
        if (r == JSON_STREAM_OBJECT) {
            char *d = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
            sb_printf(&b, "O %llu %llu %llu %s\n", (unsigned long long)it.index,
                      (unsigned long long)it.line, (unsigned long long)it.byte_offset, d);
            free(d);
            json_decref(v);
            continue;
        }
        assert_null(v);
        if (r == JSON_STREAM_END) {
            sb_add(&b, "END\n", 4);
            break;
        }
        sb_printf(&b, "%s %s %llu %llu %s: %s\n", r == JSON_STREAM_ERROR ? "E" : "F",
                  x12_status_name(e.code), (unsigned long long)e.line,
                  (unsigned long long)e.byte_offset, e.path, e.message);
        if (r == JSON_STREAM_FATAL) {
            /* it stays fatal */
            json_stream_result again = json_stream_next(s, &v, &it, &e);
            assert_int_equal(again, JSON_STREAM_FATAL);
            break;
        }
    }
    json_stream_free(s);
    return b.p;
}

/* The log, checked to be the same at chunk sizes 1, 2, 3, 7 and 4096. */
static char *run_limits(const char *in, const json_stream_options *o)
{
    char *whole = run_opts(in, 0, o, 0);
    static const size_t chunks[] = {1, 2, 3, 7, 4096};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *c = run_opts(in, chunks[i], o, 0);
        if (strcmp(c, whole) != 0)
            fail_msg("chunk %zu differs:\n%s\nwhole:\n%s", chunks[i], c, whole);
        free(c);
    }
    return whole;
}

static char *run(const char *in)
{
    return run_limits(in, NULL);
}

#define CHECK(in, want)                                                                            \
    do {                                                                                           \
        char *got_ = run(in);                                                                      \
        assert_string_equal(got_, want);                                                           \
        free(got_);                                                                                \
    } while (0)

static void test_array_and_ndjson(void **state)
{
    (void)state;
    CHECK("[\n {\"a\":\"x\"},\n {\"b\":[true,null]}\n]\n",
          "O 0 2 3 {\"a\":\"x\"}\n"
          "O 1 3 15 {\"b\":[true,null]}\n"
          "END\n");
    CHECK("{\"a\":\"x\"}\n{\"b\":\"y\"}\r\n\n{\"c\":{}}",
          "O 0 1 0 {\"a\":\"x\"}\n"
          "O 1 2 10 {\"b\":\"y\"}\n"
          "O 2 4 22 {\"c\":{}}\n"
          "END\n");
    /* a byte order mark is skipped */
    CHECK("\xEF\xBB\xBF{\"a\":\"x\"}\n", "O 0 1 3 {\"a\":\"x\"}\nEND\n");
    CHECK("", "END\n");
    CHECK(" \n\t\r\n", "END\n");
    CHECK("[]", "END\n");
    CHECK(" [ \n ] \n", "END\n");
}

static void test_strings_and_escapes(void **state)
{
    (void)state;
    /* brackets, quotes and backslashes inside strings do not count */
    CHECK("[{\"a\":\"}]{[\\\\\\\"\",\"b\":\"\\u00e9\\n\"}]",
          "O 0 1 1 {\"a\":\"}]{[\\\\\\\"\",\"b\":\"\xC3\xA9\\n\"}\nEND\n");
    /* \u0000 is refused: a NUL-led string is reserved for numbers */
    CHECK("{\"a\":\"x\\u0000\"}\n{\"b\":\"y\"}\n",
          "E X12_ERR_ENCODING 1 12 $[0]: \\u0000 is not allowed in strings\n"
          "O 1 2 16 {\"b\":\"y\"}\n"
          "END\n");
    /* a raw line break in a string (a missing quote): the line is lost, the next is read */
    CHECK("{\"a\":\"x}\n{\"b\":\"y\"}\n",
          "E X12_ERR_ENCODING 1 8 $[0]: control character in a string (a missing '\"'?)\n"
          "O 1 2 9 {\"b\":\"y\"}\n"
          "END\n");
    /* invalid UTF-8 is jansson's to find */
    CHECK("{\"a\":\"\xff\"}\n",
          "E X12_ERR_ENCODING 1 6 $[0]: invalid JSON: unable to decode byte 0xff near '\"'\n"
          "END\n");
}

static void test_numbers_keep_their_text(void **state)
{
    (void)state;
    memsrc m = {"{\"x\":123.45,\"y\":[-0.10,1e400,0],\"z\":\"12\"}", 0, 0, 0, 0};
    m.len = strlen(m.p);
    json_stream *s = json_stream_new(mem_read, &m, NULL);
    json_t *v;
    json_stream_item it;
    x12_json_error e;
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_OBJECT);
    const char *t;
    size_t n;
    assert_true(json_num_text(json_object_get(v, "x"), &t, &n));
    assert_int_equal(n, 6);
    assert_memory_equal(t, "123.45", 6);
    json_t *y = json_object_get(v, "y");
    assert_true(json_num_text(json_array_get(y, 0), &t, &n));
    assert_int_equal(n, 5);
    assert_memory_equal(t, "-0.10", 5);
    assert_true(json_num_text(json_array_get(y, 1), &t, &n));
    assert_int_equal(n, 5);
    assert_memory_equal(t, "1e400", 5); /* no double, no overflow */
    assert_true(json_num_text(json_array_get(y, 2), &t, &n));
    assert_string_equal(json_kind_name(json_array_get(y, 2)), "a number");
    /* a string that looks like a number stays a string */
    assert_false(json_num_text(json_object_get(v, "z"), &t, &n));
    assert_string_equal(json_kind_name(json_object_get(v, "z")), "a string");
    json_decref(v);
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_END);
    json_stream_free(s);

    CHECK("{\"x\":01}\n{\"x\":1.}\n{\"x\":-}\n{\"x\":1e}\n{\"x\":2}",
          "E X12_ERR_ENCODING 1 7 $[0]: invalid number\n"
          "E X12_ERR_ENCODING 2 16 $[1]: invalid number\n"
          "E X12_ERR_ENCODING 3 24 $[2]: invalid number\n"
          "E X12_ERR_ENCODING 4 33 $[3]: invalid number\n"
          "O 4 5 35 {\"x\":\"\\u00002\"}\n"
          "END\n");
}

static void test_jansson_errors_are_placed(void **state)
{
    (void)state;
    /* the error's line and byte are of the input, not of the element (jansson
     * places it just after the offending token); numbers rewritten before the
     * error do not shift the offset */
    CHECK("{\"a\":1}\n{\"a\":12345 \"b\":2}\n{\"c\":3}\n",
          "O 0 1 0 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 2 22 $[1]: invalid JSON: '}' expected near '\"b\"'\n"
          "O 2 3 26 {\"c\":\"\\u00003\"}\n"
          "END\n");
    CHECK("[\n{\"a\":1,\n \"a\":2}\n]",
          "E X12_ERR_ENCODING 3 14 $[0]: invalid JSON: duplicate object key near '\"a\"'\n"
          "END\n");
}

static void test_truncated(void **state)
{
    (void)state;
    /* NDJSON: a line that ends inside an object, then a good line */
    CHECK("{\"a\":1\n{\"b\":2}\n",
          "E X12_ERR_ENCODING 1 6 $[0]: the line ends inside the object (truncated JSON? NDJSON "
          "needs one object a line)\n"
          "O 1 2 7 {\"b\":\"\\u00002\"}\n"
          "END\n");
    /* the input ends inside an object */
    CHECK("[{\"a\":1},{\"b\":",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 1 14 $[1]: truncated JSON: the input ends inside the object\n"
          "END\n");
    CHECK("{\"a\":\"xy",
          "E X12_ERR_ENCODING 1 8 $[0]: truncated JSON: the input ends inside the object\n"
          "END\n");
    /* the array is never closed */
    CHECK("[{\"a\":1},\n",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 2 10 $: truncated JSON: the input ends before the array's closing ']'\n"
          "END\n");
}

static void test_not_objects(void **state)
{
    (void)state;
    CHECK("[1, \"s\", [1,{}], true, {\"a\":null}, -2.5]",
          "E X12_ERR_ENCODING 1 1 $[0]: expected a JSON object, found a number\n"
          "E X12_ERR_ENCODING 1 4 $[1]: expected a JSON object, found a string\n"
          "E X12_ERR_ENCODING 1 9 $[2]: expected a JSON object, found an array\n"
          "E X12_ERR_ENCODING 1 17 $[3]: expected a JSON object, found a literal (true, false or null)\n"
          "O 4 1 23 {\"a\":null}\n"
          "E X12_ERR_ENCODING 1 35 $[5]: expected a JSON object, found a number\n"
          "END\n");
    CHECK("42\nnull\n\"x\"\n{\"a\":[]}\n",
          "E X12_ERR_ENCODING 1 0 $[0]: expected a JSON object, found a number\n"
          "E X12_ERR_ENCODING 2 3 $[1]: expected a JSON object, found a literal (true, false or null)\n"
          "E X12_ERR_ENCODING 3 8 $[2]: expected a JSON object, found a string\n"
          "O 3 4 12 {\"a\":[]}\n"
          "END\n");
    CHECK("@@\n{}\n",
          "E X12_ERR_ENCODING 1 0 $[0]: unexpected character: not the start of a JSON value\n"
          "O 1 2 3 {}\n"
          "END\n");
}

static void test_resynchronisation(void **state)
{
    (void)state;
    /* a missing ',' between elements */
    CHECK("[{\"a\":1} {\"b\":2}]",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 1 9 $: a ',' is missing between array elements\n"
          "O 1 1 9 {\"b\":\"\\u00002\"}\n"
          "END\n");
    CHECK("[{\"a\":1} x\n{\"b\":2}]",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 1 9 $: expected ',' or ']' after an array element\n"
          "O 1 2 11 {\"b\":\"\\u00002\"}\n"
          "END\n");
    /* broken brackets: the scanner goes on at the next line starting with '{' */
    CHECK("[\n{\"a\":[1}},\n  \"x\": 1},\n{\"b\":2}\n]\n",
          "E X12_ERR_ENCODING 2 9 $[0]: '}' does not close the open bracket\n"
          "O 1 4 24 {\"b\":\"\\u00002\"}\n"
          "END\n");
    CHECK("}\n{\"b\":2}\n",
          "E X12_ERR_ENCODING 1 0 $[0]: '}' does not close the open bracket\n"
          "O 1 2 2 {\"b\":\"\\u00002\"}\n"
          "END\n");
    /* commas */
    CHECK("[{\"a\":1},]",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 1 9 $: a ',' before the closing ']'\n"
          "END\n");
    CHECK("[{\"a\":1},,{\"b\":2}]",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 1 9 $: an empty array element (two ',' in a row)\n"
          "O 1 1 10 {\"b\":\"\\u00002\"}\n"
          "END\n");
    /* after the array */
    CHECK("[{\"a\":1}] x",
          "O 0 1 1 {\"a\":\"\\u00001\"}\n"
          "E X12_ERR_ENCODING 1 10 $: data after the array's closing ']'\n"
          "END\n");
}

static void test_limits(void **state)
{
    (void)state;
    json_stream_options o = {16, 3, NULL};
    char *got = run_limits("{\"a\":\"0123456789abcdef\"}\n{\"b\":1}\n[[[[]]]]\n{\"c\":[{}]}\n"
                           "{\"d\":{\"e\":{\"f\":{}}}}\n{\"g\":2}\n",
                           &o);
    assert_string_equal(got,
                        "E X12_ERR_LIMIT 1 0 $[0]: the object is larger than the limit of 16 bytes\n"
                        "O 1 2 25 {\"b\":\"\\u00001\"}\n"
                        "E X12_ERR_LIMIT 3 36 $[2]: nesting deeper than 3 levels\n"
                        "O 3 4 42 {\"c\":[{}]}\n"
                        "E X12_ERR_LIMIT 5 68 $[4]: nesting deeper than 3 levels\n"
                        "O 5 6 74 {\"g\":\"\\u00002\"}\n"
                        "END\n");
    free(got);
    /* the element buffer grows for big objects under the limit */
    size_t n = 200000;
    char *big = malloc(n + 32);
    strcpy(big, "[{\"a\":\"");
    memset(big + 7, 'x', n);
    strcpy(big + 7 + n, "\"}]");
    memsrc m = {big, strlen(big), 0, 0, 0};
    json_stream *s = json_stream_new(mem_read, &m, NULL);
    json_t *v;
    json_stream_item it;
    x12_json_error e;
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_OBJECT);
    assert_int_equal(json_string_length(json_object_get(v, "a")), n);
    assert_int_equal(it.bytes, n + 8); /* {"a":" and "} */
    json_decref(v);
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_END);
    json_stream_free(s);
    free(big);
}

static void test_io_error_is_fatal(void **state)
{
    (void)state;
    const char *in = "{\"a\":1}\n{\"b\":2}\n";
    char *got = run_opts(in, 8, NULL, 8);
    assert_string_equal(got, "O 0 1 0 {\"a\":\"\\u00001\"}\n"
                             "F X12_ERR_IO 2 8 $: input/output error: disk on fire\n");
    free(got);
}

static void test_reading_a_file(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs("[{\"a\":1},\n{\"b\":2}]", f);
    rewind(f);
    json_stream *s = json_stream_new(json_stream_read_file, f, NULL);
    json_t *v;
    json_stream_item it;
    x12_json_error e;
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_OBJECT);
    json_decref(v);
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_OBJECT);
    assert_int_equal(it.line, 2);
    json_decref(v);
    assert_int_equal(json_stream_next(s, &v, &it, &e), JSON_STREAM_END);
    json_stream_free(s);
    fclose(f);
}

/* jansson's allocator is global: count and fail its calls too. */
static long j_calls, j_fail_at, j_live;
static void *j_malloc(size_t n)
{
    if (j_fail_at && ++j_calls == j_fail_at)
        return NULL;
    void *p = malloc(n);
    if (p)
        j_live++;
    return p;
}
static void j_free(void *p)
{
    if (p)
        j_live--;
    free(p);
}

/* Runs the scanner over `in` to the end; returns 1 when it got there, 0 when
 * it stopped on X12_ERR_NOMEM (anything else fails the test). */
static int scan_all(const char *in, const json_stream_options *o)
{
    memsrc m = {in, strlen(in), 0, 3, 0};
    json_stream *s = json_stream_new(mem_read, &m, o);
    if (!s)
        return 0;
    json_t *v;
    json_stream_item it;
    x12_json_error e;
    json_stream_result r;
    int objects = 0;
    while ((r = json_stream_next(s, &v, &it, &e)) != JSON_STREAM_END && r != JSON_STREAM_FATAL) {
        if (r == JSON_STREAM_OBJECT)
            objects++;
        else if (strcmp(e.message, "expected a JSON object, found a number") != 0) /* the 7 */
            fail_msg("%s %s", e.path, e.message);
        json_decref(v);
    }
    json_stream_free(s);
    if (r == JSON_STREAM_FATAL) {
        assert_int_equal(e.code, X12_ERR_NOMEM);
        return 0;
    }
    assert_int_equal(objects, 2);
    return 1;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    /* big enough to grow the element buffer and the number table */
    strbuf in = {0};
    sb_add(&in, "[{\"a\":[", 7);
    for (int i = 0; i < 300; i++)
        sb_printf(&in, "%s%d.5", i ? "," : "", i);
    sb_add(&in, "],\"s\":\"", 7);
    for (int i = 0; i < 50; i++)
        sb_add(&in, "0123456789012345678901234567890123456789012345678901234567890123456789"
                    "012345678901234567890123456789", 100);
    sb_printf(&in, "\"},\n 7,\n {\"e\":1.5}]");
    /* the scanner's own allocations, each failing in turn */
    failing_alloc count;
    failing_alloc_init(&count, 0);
    json_stream_options o = {0, 0, &count.a};
    assert_true(scan_all(in.p, &o));
    assert_true(count.calls >= 5);
    for (long n = 1; n <= count.calls; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        json_stream_options of = {0, 0, &fa.a};
        assert_false(scan_all(in.p, &of));
        assert_int_equal(fa.live, 0);
    }
    /* jansson's, each failing in turn: X12_ERR_NOMEM or (after the retry of
     * a failure jansson misreports as a syntax error) the full result */
    json_set_alloc_funcs(j_malloc, j_free);
    j_calls = 0;
    j_fail_at = -1; /* count only */
    assert_true(scan_all(in.p, NULL));
    long total = j_calls;
    assert_true(total > 300);
    for (long n = 1; n <= total; n++) {
        j_calls = 0;
        j_fail_at = n;
        scan_all(in.p, NULL);
        assert_int_equal(j_live, 0);
    }
    j_fail_at = 0;
    json_set_alloc_funcs(malloc, free);
    sb_free(&in);
}


/* Raw mode (the claims reader's): the same elements and errors at every
 * chunk size, each element handed out as exactly its bytes in the input. */
static char *run_raw(const char *in, size_t chunk)
{
    json_stream_options o = {0, 0, NULL, 1};
    memsrc m = {in, strlen(in), 0, chunk, 0};
    json_stream *s = json_stream_new(mem_read, &m, &o);
    assert_non_null(s);
    strbuf b = {0};
    sb_add(&b, "", 0);
    for (int guard = 0; guard < 1000; guard++) {
        char *bytes;
        size_t len;
        json_stream_item it;
        x12_json_error e;
        json_stream_result r = json_stream_next_raw(s, &bytes, &len, &it, &e);
        if (r == JSON_STREAM_OBJECT) {
            /* exactly the input's bytes at the element's offset */
            assert_int_equal(len, it.bytes);
            assert_memory_equal(bytes, in + it.byte_offset, len);
            sb_printf(&b, "O %llu %llu %llu %zu\n", (unsigned long long)it.index,
                      (unsigned long long)it.line, (unsigned long long)it.byte_offset, len);
            continue;
        }
        if (r == JSON_STREAM_END) {
            sb_add(&b, "END\n", 4);
            break;
        }
        sb_printf(&b, "E %s %llu %llu %s: %s\n", x12_status_name(e.code),
                  (unsigned long long)e.line, (unsigned long long)e.byte_offset, e.path, e.message);
        if (r == JSON_STREAM_FATAL)
            break;
    }
    json_stream_free(s);
    return b.p;
}

static void test_raw_mode(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "[\n {\"a\":\"x\"},\n {\"b\":[true,null,{\"c\":-1.5e3}]}\n]\n",
        "{\"a\":\"x\\\"}{\"}\n{\"b\":\"y\"}\r\n\n{\"c\":{}}",
        "{\"x\":01}\n{\"x\":1.}\n{\"x\":2}",
        "[1, \"s\", [1,{}], true, {\"a\":null}, -2.5]",
        "[\n{\"a\":[1}},\n  \"x\": 1},\n{\"b\":2}\n]\n",
        "{\"a\":1\n{\"b\":2}\n[{\"a\":1},{\"b\":",
        "{\"a\":\"x\\u0000\"}\n{\"n\":123456789012345678901234567890123456789012345678901}\n{}",
        /* long strings (the eight-byte path) with an escape, a quote or a tab deep inside */
        "{\"s\":\"abcdefghijklmnop\\\"qrstuvwxyz0123456789\",\"k\":\"0123456789abcdefg\"}\n"
        "{\"t\":\"0123456789abcdef\tx\"}\n{\"u\":\"\\\\0123456789abcdef}\"}\n{}",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *whole = run_raw(inputs[i], 0);
        static const size_t chunks[] = {1, 2, 3, 7, 4096};
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            char *c = run_raw(inputs[i], chunks[k]);
            if (strcmp(c, whole) != 0)
                fail_msg("input %zu chunk %zu differs:\n%s\nwhole:\n%s", i, chunks[k], c, whole);
            free(c);
        }
        free(whole);
    }
    char *got = run_raw(inputs[0], 5);
    assert_string_equal(got, "O 0 2 3 9\nO 1 3 15 30\nEND\n");
    free(got);
    got = run_raw(inputs[6], 3);
    assert_string_equal(got,
                        "E X12_ERR_ENCODING 1 12 $[0]: \\u0000 is not allowed in strings\n"
                        "E X12_ERR_LIMIT 2 72 $[1]: a number longer than 48 characters\n"
                        "O 2 3 74 2\nEND\n");
    free(got);
    got = run_raw(inputs[7], 4096);
    assert_string_equal(got, "O 0 1 0 70\n"
                             "E X12_ERR_ENCODING 2 93 $[1]: control character in a string (a missing "
                             "'\"'?)\n"
                             "O 2 3 98 27\nO 3 4 126 2\nEND\n");
    free(got);
    /* elements longer than the 64 KiB chunk are copied whole */
    size_t n = 150000;
    char *big = malloc(n + 64);
    strcpy(big, "{\"a\":1}\n{\"s\":\"");
    memset(big + 14, 'x', n);
    strcpy(big + 14 + n, "\"}\n{\"b\":2}\n");
    got = run_raw(big, 0);
    char want[128];
    snprintf(want, sizeof want, "O 0 1 0 7\nO 1 2 8 %zu\nO 2 3 %zu 7\nEND\n", n + 8, n + 17);
    assert_string_equal(got, want);
    free(got);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array_and_ndjson),
        cmocka_unit_test(test_strings_and_escapes),
        cmocka_unit_test(test_numbers_keep_their_text),
        cmocka_unit_test(test_jansson_errors_are_placed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_not_objects),
        cmocka_unit_test(test_resynchronisation),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_io_error_is_fatal),
        cmocka_unit_test(test_reading_a_file),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_raw_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
