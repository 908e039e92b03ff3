/* The reader gives identical segments and errors however the input is cut:
 * every fixture and every shared-corpus file, fed whole and in 1, 2, 3, 7 and
 * 4096-byte chunks, strict and lenient (the Expat way of testing a push
 * parser, shared/STYLE.md 5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

static const size_t CHUNKS[] = {1, 2, 3, 7, 4096};

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
        for (size_t c = 0; c < sizeof CHUNKS / sizeof CHUNKS[0]; c++) {
            char *part = reader_log(data, len, CHUNKS[c], &o);
            if (strcmp(whole, part) != 0) {
                size_t i = 0;
                while (whole[i] && whole[i] == part[i])
                    i++;
                size_t from = i > 200 ? i - 200 : 0;
                fail_msg("%s flags=%u chunk=%zu differs at log byte %zu:\nwhole: %.300s\nchunk: %.300s",
                         path, FLAGS[f], CHUNKS[c], i, whole + from, part + from);
            }
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_shared_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
