/* libFuzzer target for element patterns (parsers/pattern.c): the input is a
 * pattern, a NUL, then a value.  The pattern is compiled into a small bump
 * arena that fails when full (out of memory must come back cleanly) and the
 * value is matched whole; a second match must agree with the first, and a
 * compile into an arena too small for it must fail cleanly.  Seeded
 * with fuzz/regressions/pattern-*.  Sanitizers check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"

static _Alignas(max_align_t) unsigned char ARENA[16384];
static size_t used, cap;

static void *bump(void *ctx, size_t n)
{
    (void)ctx;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (used + n > cap)
        return NULL;
    void *p = ARENA + used;
    used += n;
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t plen = nul ? (size_t)(nul - data) : size;
    char *src = malloc(plen + 1);
    if (!src)
        abort();
    memcpy(src, data, plen);
    src[plen] = '\0';
    const char *v = nul ? (const char *)nul + 1 : "";
    size_t vlen = nul ? size - plen - 1 : 0;
    used = 0;
    cap = sizeof ARENA;
    pattern *p = NULL;
    char why[120];
    int rc = pattern_compile(src, bump, NULL, &p, why, sizeof why);
    int m = -1;
    if (rc == PATTERN_OK) {
        if (!p || (m = pattern_match(p, v, vlen)) != pattern_match(p, v, vlen))
            abort();
    } else if (p || (rc != PATTERN_BAD && rc != PATTERN_NOMEM) ||
               (rc == PATTERN_BAD && !why[0])) {
        abort(); /* a failure gives no pattern, and a bad one says why */
    }
    /* again in an arena too small for many patterns: out of memory comes
     * back cleanly, anything else is the same answer as above */
    used = 0;
    cap = (size * 97) % 4096;
    pattern *q = NULL;
    int rc2 = pattern_compile(src, bump, NULL, &q, why, sizeof why);
    if (rc2 == PATTERN_NOMEM ? q != NULL || rc == PATTERN_BAD
                             : rc2 != rc || (rc2 == PATTERN_OK && pattern_match(q, v, vlen) != m))
        abort();
    free(src);
    return 0;
}
