/* The SHA-256 of `x12 batch`'s content hashes: the FIPS 180-4 examples, fed
 * whole and in awkward pieces, through the portable code and through the
 * CPU's SHA instructions when it has them, and the two paths against each
 * other on every length around the block boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex_of(const void *data, size_t len, size_t piece, char out[65])
{
    sha256_ctx c;
    unsigned char d[32];
    sha256_init(&c);
    const unsigned char *p = data;
    for (size_t at = 0; at < len;) {
        size_t n = piece && piece < len - at ? piece : len - at;
        sha256_update(&c, p + at, n);
        at += n;
    }
    sha256_final(&c, d);
    sha256_hex(d, out);
}

static const struct {
    const char *msg;
    const char *digest;
} FIPS[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void check_examples(void)
{
    char hex[65];
    for (size_t i = 0; i < sizeof FIPS / sizeof FIPS[0]; i++)
        for (size_t piece = 0; piece < 8; piece++) {
            hex_of(FIPS[i].msg, strlen(FIPS[i].msg), piece, hex);
            assert_string_equal(hex, FIPS[i].digest);
        }
    /* one million 'a', in pieces that straddle blocks */
    size_t n = 1000000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    hex_of(a, n, 0, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    hex_of(a, n, 1000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_portable(void **state)
{
    (void)state;
    assert_int_equal(sha256_hardware(0), 0);
    check_examples();
    sha256_hardware(-1);
}

static void test_hardware(void **state)
{
    (void)state;
    if (!sha256_hardware(1)) {
        printf("this CPU has no SHA instructions: the portable path only\n");
        sha256_hardware(-1);
        skip();
    }
    check_examples();
    sha256_hardware(-1);
}

/* Both paths agree on every length from 0 to 300 and a long message, whole
 * and in pieces of 1 to 129 bytes. */
static void test_paths_agree(void **state)
{
    (void)state;
    if (!sha256_hardware(1)) {
        sha256_hardware(-1);
        skip();
    }
    size_t big = 70000;
    unsigned char *data = malloc(big);
    assert_non_null(data);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < big; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (unsigned char)x;
    }
    char hw[65], sw[65];
    for (size_t len = 0; len <= 300; len++) {
        sha256_hardware(1);
        hex_of(data, len, len % 7, hw);
        sha256_hardware(0);
        hex_of(data, len, 0, sw);
        if (strcmp(hw, sw) != 0)
            fail_msg("length %zu: SHA instructions %s, portable %s", len, hw, sw);
    }
    for (size_t piece = 1; piece <= 129; piece += 8) {
        sha256_hardware(1);
        hex_of(data, big, piece, hw);
        sha256_hardware(0);
        hex_of(data, big, 0, sw);
        assert_string_equal(hw, sw);
    }
    free(data);
    sha256_hardware(-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_portable),
        cmocka_unit_test(test_hardware),
        cmocka_unit_test(test_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
