/* Replays the inputs kept in fuzz/regressions/ (those named FUZZ_PREFIX*)
 * through a fuzz target's
 * entry point (built here without libFuzzer), so a crash, sanitizer report or
 * chunking difference found once stays fixed (sqlite's fuzzcheck idea). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void test_replay(void **state)
{
    (void)state;
    char **files = list_dir(X12KIT_SOURCE_DIR "/fuzz/regressions");
    assert_non_null(files);
    int n = 0;
    for (size_t i = 0; files[i]; i++) {
        /* each target replays the inputs that were found with it */
        const char *base = strrchr(files[i], '/') + 1;
        if (strncmp(base, FUZZ_PREFIX, strlen(FUZZ_PREFIX)) != 0)
            continue;
        size_t len;
        char *data = read_file(files[i], &len);
        assert_non_null(data);
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        free(data);
        n++;
    }
    free_list(files);
    printf("fuzz regressions replayed: %d\n", n);
    assert_true(n >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
