/* Reading then writing reproduces the input: every clean fixture and every
 * shared-corpus file that reads without errors is read segment by segment and
 * written back with x12_writer_write_segment in its own delimiters; the output
 * must equal the input byte for byte once the bytes the reader skips by
 * leniency (BOM, line breaks and indentation between segments, padding after
 * the last IEA) are taken out.  That normalisation is computed here from the
 * raw bytes, independently of the reader.  A second pass writes with other
 * delimiters and reads the result back: the same elements must come out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <x12/writer.h>

#include "support.h"

/* --- independent normalisation ------------------------------------------ */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The input without what leniency skips.  Delimiters are read from each ISA
 * by position. */
static strbuf normalise(const char *p, size_t n)
{
    strbuf out = {0};
    sb_add(&out, "", 0);
    size_t i = 0;
    char term = 0, elem = 0;
    while (i < n) {
        /* between segments or interchanges: skip what leniency allows */
        while (i < n && (is_space((unsigned char)p[i]) || p[i] == '\0' || p[i] == 0x1a ||
                         (unsigned char)p[i] == 0xEF || (unsigned char)p[i] == 0xBB ||
                         (unsigned char)p[i] == 0xBF) &&
               p[i] != term && p[i] != elem)
            i++;
        if (i >= n)
            break;
        if (n - i >= 106 && memcmp(p + i, "ISA", 3) == 0 && p[i + 3] != ' ') {
            elem = p[i + 3];
            term = p[i + 105];
            sb_add(&out, p + i, 106);
            i += 106;
            continue;
        }
        const char *t = memchr(p + i, term, n - i);
        size_t end = t ? (size_t)(t - p) : n;
        size_t seg_end = end;
        if (term == '\n' && seg_end > i && p[seg_end - 1] == '\r')
            seg_end--; /* CR before an LF terminator */
        sb_add(&out, p + i, seg_end - i);
        if (t)
            sb_add(&out, &term, 1);
        i = end + 1;
    }
    return out;
}

/* --- read, write back ----------------------------------------------------- */

typedef struct rt {
    strbuf out;
    x12_writer *w;
    x12_delimiters force; /* write with these instead of the input's (element 0 = own) */
    x12_status failed;
    char where[160];
    int errors;
} rt;

static int sink(void *ctx, const void *buf, size_t len)
{
    sb_add(ctx, buf, len);
    return 0;
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    rt *r = ctx;
    if (r->failed != X12_OK)
        return 0; /* keep reading so that every reader error is counted */
    if (x12_slice_eq(seg->id, "ISA")) {
        x12_writer_free(r->w);
        x12_writer_options o;
        x12_writer_options_init(&o);
        o.delims = r->force.element ? r->force : seg->delims;
        x12_error err;
        r->w = x12_writer_new(&o, sink, &r->out, &err);
        if (!r->w) {
            r->failed = err.code;
            snprintf(r->where, sizeof r->where, "writer_new: %s (%s)", err.msg, err.detail);
            return 0;
        }
    }
    if (!r->w)
        return 0;
    x12_status st = x12_writer_write_segment(r->w, seg);
    if (st != X12_OK) {
        r->failed = st;
        x12_error_format(x12_writer_error(r->w), r->where, sizeof r->where);
    }
    return 0;
}

static void on_error(void *ctx, const x12_error *e)
{
    (void)e;
    ((rt *)ctx)->errors++;
}

static int roundtrip(const char *data, size_t len, x12_delimiters force, rt *r)
{
    memset(r, 0, sizeof *r);
    r->force = force;
    sb_add(&r->out, "", 0);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {on_segment, on_error};
    x12_reader *rd = x12_reader_new(&o, &cb, r);
    x12_reader_feed(rd, data, len);
    x12_reader_finish(rd);
    x12_reader_free(rd);
    x12_writer_free(r->w);
    return r->errors == 0 && r->failed == X12_OK;
}

/* The elements of every segment, for comparing runs with other delimiters. */
static int elements_of(void *ctx, const x12_segment *seg)
{
    strbuf *b = ctx;
    for (uint32_t i = 0; i <= seg->element_count; i++) {
        x12_slice e = seg->elements[i];
        unsigned nrep = x12_count_parts(e, seg->delims.repetition);
        if (x12_slice_eq(seg->id, "ISA") && (i == 11 || i == 16)) {
            sb_add(b, "|", 1); /* the delimiters themselves differ */
            continue;
        }
        for (unsigned rp = 1; rp <= nrep; rp++) {
            x12_slice v = x12_element_repetition(seg, e, rp);
            unsigned ncomp = x12_count_parts(v, seg->delims.component);
            for (unsigned c = 1; c <= ncomp; c++) {
                x12_slice cv = x12_element_component(seg, v, c);
                sb_add(b, cv.ptr ? cv.ptr : "", cv.len);
                sb_add(b, c < ncomp ? "\x01" : "", c < ncomp);
            }
            sb_add(b, rp < nrep ? "\x02" : "", rp < nrep);
        }
        sb_add(b, "|", 1);
    }
    sb_add(b, "\n", 1);
    return 0;
}

static strbuf element_dump(const char *data, size_t len)
{
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {elements_of, NULL};
    x12_reader *rd = x12_reader_new(&o, &cb, &b);
    x12_reader_feed(rd, data, len);
    x12_reader_finish(rd);
    x12_reader_free(rd);
    return b;
}

static int data_has(const char *p, size_t n, char c)
{
    return memchr(p, c, n) != NULL;
}

typedef struct tally {
    int files, clean, identical, redelimited, skipped_redelim, outside_charset;
} tally;

static void check_file(const char *path, tally *t)
{
    size_t n = strlen(path);
    if ((n > 3 && !strcmp(path + n - 3, ".gz")) || (n > 7 && !strcmp(path + n - 7, ".expect")) ||
        (n > 3 && !strcmp(path + n - 3, ".md")) || (n > 4 && !strcmp(path + n - 4, ".tsv")) ||
        (n > 3 && !strcmp(path + n - 3, ".py")))
        return;
    size_t len;
    char *data = read_file(path, &len);
    if (!data)
        return;
    t->files++;
    rt r;
    x12_delimiters own = {0, 0, 0, 0};
    if (!roundtrip(data, len, own, &r)) {
        /* Bytes outside the X12 character set (UTF-8 names, say) are data the
         * reader passes on and the writer refuses to produce: such a file is
         * not clean, and validation reports it. */
        if (r.errors == 0 && r.failed == X12_ERR_INVALID_CHAR) {
            printf("  not X12 characters: %s: %s\n", path, r.where);
            t->outside_charset++;
        } else if (r.errors == 0 && r.failed != X12_OK) {
            fail_msg("%s: a clean file failed to write back: %s", path, r.where);
        }
        sb_free(&r.out);
        free(data); /* not clean: its errors are checked by test_corpus */
        return;
    }
    t->clean++;
    strbuf want = normalise(data, len);
    if (want.len != r.out.len || memcmp(want.p, r.out.p, want.len) != 0) {
        size_t i = 0;
        while (i < want.len && i < r.out.len && want.p[i] == r.out.p[i])
            i++;
        fail_msg("%s: output differs at byte %zu\nwant: %.80s\ngot:  %.80s", path, i,
                 want.p + (i > 20 ? i - 20 : 0), r.out.p + (i > 20 ? i - 20 : 0));
    }
    t->identical++;

    /* Other delimiters, where the data leaves them free. */
    x12_delimiters other = {'|', '!', '>', '\n'};
    if (data_has(data, len, '|') || data_has(data, len, '!') || data_has(data, len, '>')) {
        t->skipped_redelim++;
    } else {
        rt r2;
        if (!roundtrip(data, len, other, &r2))
            fail_msg("%s: writing with | ! > LF failed: %s", path, r2.where);
        strbuf a = element_dump(data, len), b = element_dump(r2.out.p, r2.out.len);
        if (strcmp(a.p, b.p) != 0)
            fail_msg("%s: elements differ after changing delimiters", path);
        t->redelimited++;
        sb_free(&a);
        sb_free(&b);
        sb_free(&r2.out);
    }
    sb_free(&want);
    sb_free(&r.out);
    free(data);
}

static void walk(const char *dir, tally *t)
{
    char **files = list_dir(dir);
    for (size_t i = 0; files && files[i]; i++) {
        char **sub = list_dir(files[i]);
        if (sub) {
            free_list(sub);
            walk(files[i], t);
        } else {
            check_file(files[i], t);
        }
    }
    free_list(files);
}

static void test_fixtures(void **state)
{
    (void)state;
    tally t = {0};
    walk(X12KIT_SOURCE_DIR "/fixtures", &t);
    printf("fixtures: %d files, %d clean, %d byte-identical, %d rewritten with other delimiters\n",
           t.files, t.clean, t.identical, t.redelimited);
    assert_true(t.identical >= 20);
    assert_int_equal(t.identical, t.clean);
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
    tally t = {0};
    walk(X12KIT_SHARED_DIR "/corpus", &t);
    printf("shared corpus: %d files, %d clean, %d byte-identical, %d rewritten with other "
           "delimiters (%d keep | ! or > in their data), %d with bytes outside the X12 "
           "character set\n",
           t.files, t.clean, t.identical, t.redelimited, t.skipped_redelim, t.outside_charset);
    assert_true(t.identical >= 100);
    assert_int_equal(t.identical, t.clean);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_shared_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
