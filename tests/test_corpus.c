#define _POSIX_C_SOURCE 200809L
/* Every fixture and every file of the shared corpus either reads clean or
 * gives exactly its documented errors.
 *  - fixtures/x12 and fixtures/corpus: y_* and clean files have no .expect (or
 *    an empty one); every other file has FILE.expect with each error's code and
 *    exact positions.
 *  - ../shared/corpus (when present): each file named in MANIFEST.tsv has a row
 *    in tests/corpus-expect.tsv giving its error codes and counts, and the
 *    defects that the manifest's notes describe (wrong SE01/GE01/IEA01,
 *    mismatched control numbers, missing trailers) must be among them.
 * X12_REGEN_EXPECT=1 rewrites the expectation files instead of checking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

static int regen(void)
{
    const char *v = getenv("X12_REGEN_EXPECT");
    return v && *v == '1';
}

static void on_error(void *ctx, const x12_error *e)
{
    sb_printf(ctx, "%s segment=%u set=%u id=%s element=%u.%u byte=%llu\n", x12_status_name(e->code),
              (unsigned)e->segment_index, (unsigned)e->set_position, e->segment_id,
              (unsigned)e->element_pos, (unsigned)e->component_pos,
              (unsigned long long)e->byte_offset);
}

/* Errors of one file read the way the x12 command reads it (lenient). */
static char *file_errors(const char *path)
{
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {NULL, on_error};
    x12_read_file(path, &o, &cb, &b);
    return b.p;
}

static int is_data_file(const char *path)
{
    size_t n = strlen(path);
    static const char *skip[] = {".expect", ".md", ".py", NULL};
    for (int i = 0; skip[i]; i++) {
        size_t k = strlen(skip[i]);
        if (n >= k && strcmp(path + n - k, skip[i]) == 0)
            return 0;
    }
    return 1;
}

static void check_fixture_dir(const char *dir, int *checked)
{
    char **files = list_dir(dir);
    assert_non_null(files);
    for (size_t i = 0; files[i]; i++) {
        if (!is_data_file(files[i]))
            continue;
        char *got = file_errors(files[i]);
        char expect_path[4096];
        snprintf(expect_path, sizeof expect_path, "%s.expect", files[i]);
        const char *base = strrchr(files[i], '/') + 1;
        if (regen()) {
            if (got[0])
                write_file(expect_path, got, strlen(got));
            else
                remove(expect_path);
        } else {
            size_t n;
            char *want = read_file(expect_path, &n);
            if (strncmp(base, "n_", 2) == 0 && (!want || !want[0]))
                fail_msg("%s: an n_ fixture needs a non-empty .expect", files[i]);
            if (strncmp(base, "y_", 2) == 0 && got[0])
                fail_msg("%s: a y_ fixture must read clean, got:\n%s", files[i], got);
            if (strcmp(want ? want : "", got) != 0)
                fail_msg("%s\nexpected:\n%s\ngot:\n%s", files[i], want ? want : "(nothing)", got);
            free(want);
        }
        free(got);
        (*checked)++;
    }
    free_list(files);
}

static void test_fixtures(void **state)
{
    (void)state;
    int checked = 0;
    check_fixture_dir(X12KIT_SOURCE_DIR "/fixtures/x12", &checked);
    check_fixture_dir(X12KIT_SOURCE_DIR "/fixtures/corpus", &checked);
    printf("fixtures checked: %d\n", checked);
    assert_true(checked >= 50);
}

/* "X12_ERR_SE_COUNT*2 X12_ERR_GE_COUNT*1", codes in order of first appearance. */
static char *summarize(const char *errors)
{
    char names[64][40];
    int counts[64], n = 0;
    const char *p = errors;
    while (*p) {
        const char *sp = strchr(p, ' ');
        const char *nl = strchr(p, '\n');
        size_t len = (size_t)(sp - p);
        int k;
        for (k = 0; k < n; k++)
            if (strlen(names[k]) == len && strncmp(names[k], p, len) == 0)
                break;
        if (k == n && n < 64) {
            snprintf(names[n], sizeof names[n], "%.*s", (int)len, p);
            counts[n++] = 0;
        }
        if (k < 64)
            counts[k]++;
        p = nl + 1;
    }
    strbuf b = {0};
    sb_add(&b, "", 0);
    for (int k = 0; k < n; k++)
        sb_printf(&b, "%s%s*%d", k ? " " : "", names[k], counts[k]);
    if (n == 0)
        sb_add(&b, "clean", 5);
    return b.p;
}

/* The manifest's notes name some defects in a fixed form; each must be found. */
static void check_notes(const char *file, const char *notes, const char *summary)
{
    static const struct {
        const char *phrase;
        const char *code;
    } RULES[] = {
        {"SE01=", "X12_ERR_SE_COUNT"},     {"GE01=", "X12_ERR_GE_COUNT"},
        {"IEA01=", "X12_ERR_IEA_COUNT"},   {"GE02!=GS06", "X12_ERR_GE_CONTROL"},
        {"IEA02!=ISA13", "X12_ERR_IEA_CONTROL"}, {"SE02!=ST02", "X12_ERR_SE_CONTROL"},
        {"missing SE", "X12_ERR_MISSING_SE"}, {"missing GE", "X12_ERR_MISSING_GE"},
        {"missing IEA", "X12_ERR_MISSING_IEA"}, {"ISA not fixed-length", "X12_ERR_ISA_SEPARATOR"},
        {"text before ISA", "X12_ERR_NOT_X12"},
    };
    /* An interchange whose ISA cannot be read hides what is inside it. */
    if (strstr(summary, "X12_ERR_ISA_SEPARATOR") || strstr(summary, "X12_ERR_ISA_DELIMITERS")) {
        if (strstr(notes, "ISA not fixed-length") && !strstr(summary, "X12_ERR_ISA_SEPARATOR"))
            fail_msg("%s: notes say the ISA is not fixed-length: %s", file, summary);
        return;
    }
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        if (strstr(notes, RULES[i].phrase) && !strstr(summary, RULES[i].code))
            fail_msg("%s: notes say '%s' but the reader reported: %s", file, RULES[i].phrase,
                     summary);
}

static void test_shared_corpus(void **state)
{
    (void)state;
    const char *dir = X12KIT_SHARED_DIR "/corpus";
    char manifest_path[4096], expect_path[] = X12KIT_SOURCE_DIR "/tests/corpus-expect.tsv";
    snprintf(manifest_path, sizeof manifest_path, "%s/MANIFEST.tsv", dir);
    size_t mlen, elen;
    char *manifest = read_file(manifest_path, &mlen);
    if (!manifest) {
        printf("shared corpus not found at %s: skipped\n", dir);
        skip();
    }
    char *expect = regen() ? NULL : read_file(expect_path, &elen);
    if (!regen())
        assert_non_null(expect);
    strbuf out = {0};
    sb_add(&out, "# file\terrors (lenient reading, as the x12 command does); tests/test_corpus.c\n", 78);
    int files = 0, clean = 0;
    char *save = NULL;
    char *line = strtok_r(manifest, "\n", &save);
    for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *cols[9] = {0};
        char *p = line;
        for (int c = 0; c < 9 && p; c++) {
            cols[c] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        const char *name = cols[0], *notes = cols[8] ? cols[8] : "";
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        char *errs = file_errors(path);
        char *sum = summarize(errs);
        files++;
        clean += strcmp(sum, "clean") == 0;
        check_notes(name, notes, sum);
        sb_printf(&out, "%s\t%s\n", name, sum);
        if (!regen()) {
            char key[4200];
            snprintf(key, sizeof key, "\n%s\t", name);
            const char *row = strstr(expect, key);
            if (!row)
                fail_msg("%s: no row in tests/corpus-expect.tsv (got %s)", name, sum);
            row += strlen(key);
            size_t rl = strcspn(row, "\n");
            if (strlen(sum) != rl || strncmp(row, sum, rl) != 0)
                fail_msg("%s:\nexpected %.*s\ngot      %s\n%s", name, (int)rl, row, sum, errs);
        }
        free(errs);
        free(sum);
    }
    if (regen())
        write_file(expect_path, out.p, out.len);
    printf("shared corpus: %d files, %d clean, %d with their documented errors\n", files, clean,
           files - clean);
    assert_true(files >= 150);
    sb_free(&out);
    free(manifest);
    free(expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_shared_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
