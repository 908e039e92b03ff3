/* The arena: alignment, zero fill, growth past a block, reset, failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <x12/arena.h>

typedef struct failing {
    int calls, fail_at, live;
} failing;

static void *f_malloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (++f->calls == f->fail_at)
        return NULL;
    f->live++;
    return malloc(n);
}
static void *f_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return realloc(p, n);
}
static void f_free(void *ctx, void *p)
{
    failing *f = ctx;
    if (p)
        f->live--;
    free(p);
}

static void test_alloc_aligned_zeroed(void **state)
{
    (void)state;
    x12_arena *a = x12_arena_new(NULL);
    assert_non_null(a);
    for (size_t n = 1; n < 300; n += 7) {
        unsigned char *p = x12_arena_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xAB, n);
    }
    assert_true(x12_arena_used(a) > 0);
    x12_arena_free(a);
}

static void test_large_and_many(void **state)
{
    (void)state;
    x12_arena *a = x12_arena_new(NULL);
    char *big = x12_arena_alloc(a, 3u << 20); /* larger than any block */
    assert_non_null(big);
    big[(3u << 20) - 1] = 1;
    char *strs[2000];
    for (int i = 0; i < 2000; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "claim-%d", i);
        strs[i] = x12_arena_strndup(a, buf, (size_t)n);
        assert_non_null(strs[i]);
    }
    for (int i = 0; i < 2000; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "claim-%d", i);
        assert_string_equal(strs[i], buf);
    }
    x12_slice s = {"CLM*1", 3};
    assert_string_equal(x12_arena_slice(a, s), "CLM");
    assert_null(x12_arena_strdup(a, NULL));
    assert_string_equal(x12_arena_strndup(a, NULL, 0), "");
    x12_arena_reset(a);
    assert_int_equal(x12_arena_used(a), 0);
    assert_string_equal(x12_arena_strdup(a, "again"), "again");
    x12_arena_free(a);
    x12_arena_free(NULL);
    x12_arena_reset(NULL);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    for (int n = 1; n < 40; n++) {
        failing f = {0, n, 0};
        x12_allocator al = {f_malloc, f_realloc, f_free, &f};
        x12_arena *a = x12_arena_new(&al);
        if (!a) {
            assert_int_equal(f.live, 0);
            continue;
        }
        int failed = 0;
        for (int i = 0; i < 100; i++) {
            void *p = x12_arena_alloc(a, 1000 + (size_t)i * 100);
            if (!p)
                failed = 1;
        }
        if (n > 1)
            assert_true(failed || f.calls < n);
        x12_arena_free(a);
        assert_int_equal(f.live, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_aligned_zeroed),
        cmocka_unit_test(test_large_and_many),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
