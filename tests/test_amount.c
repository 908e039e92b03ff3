/* Money as integer cents: every accepted and rejected form of an R amount,
 * and both output styles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <x12/amount.h>

static x12_status parse(const char *s, int64_t *c)
{
    x12_slice v = {s, strlen(s)};
    return x12_amount_parse(v, c);
}

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t cents;
    } OK[] = {{"0", 0},          {"100", 10000},      {"12.5", 1250},    {"12.34", 1234},
              {"-12.34", -1234}, {".5", 50},          {"-0.01", -1},     {"99999999.99", 9999999999},
              {"007", 700},      {"1.", 100},         {"-1500.5", -150050},
              /* zeros past the cents are exact */
              {"1.230", 123},    {"46.0000", 4600},   {"-0.100", -10},
              {"-.5", -50},      {"123456789012345", 12345678901234500}, {"-0", 0}};
    for (size_t i = 0; i < sizeof OK / sizeof OK[0]; i++) {
        int64_t c = -7;
        assert_int_equal(parse(OK[i].in, &c), X12_OK);
        assert_int_equal(c, OK[i].cents);
    }
    static const char *BAD[] = {"", "-", ".", "+1", "1.234", "1.2.3", "12a", " 1", "1,00",
                                "1234567890123456", "46.005", "1.2301", "1.000a",
                                "--1", "1..", "-.", "1.5-", "0x10", "1-", "1.00 ", "-1.-5",
                                /* past any int64 (never multiplied that far) */
                                "123456789012345678901234567890", "-99999999999999999999.99"};
    int64_t none = 5;
    assert_int_equal(x12_amount_parse((x12_slice){NULL, 0}, &none), X12_ERR_ELEMENT_CHAR);
    assert_int_equal(none, 5);
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        int64_t c = 0;
        if (parse(BAD[i], &c) != X12_ERR_ELEMENT_CHAR)
            fail_msg("accepted '%s'", BAD[i]);
    }
}

static void test_format(void **state)
{
    (void)state;
    char b[32];
    x12_amount_format(10000, X12_AMOUNT_X12, b, sizeof b);
    assert_string_equal(b, "100");
    x12_amount_format(1250, X12_AMOUNT_X12, b, sizeof b);
    assert_string_equal(b, "12.5");
    x12_amount_format(-1, X12_AMOUNT_X12, b, sizeof b);
    assert_string_equal(b, "-0.01");
    x12_amount_format(12345, X12_AMOUNT_DECIMAL2, b, sizeof b);
    assert_string_equal(b, "123.45");
    x12_amount_format(-1200, X12_AMOUNT_DECIMAL2, b, sizeof b);
    assert_string_equal(b, "-12.00");
    x12_amount_format(INT64_MIN, X12_AMOUNT_DECIMAL2, b, sizeof b);
    assert_string_equal(b, "-92233720368547758.08");
    assert_int_equal(x12_amount_format(123456, X12_AMOUNT_DECIMAL2, b, 4), 7);
    assert_string_equal(b, "123");
    /* parse(format(x)) == x */
    for (int64_t c = -100050; c <= 100050; c += 317) {
        int64_t back;
        x12_amount_format(c, X12_AMOUNT_X12, b, sizeof b);
        assert_int_equal(parse(b, &back), X12_OK);
        assert_int_equal(back, c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parse), cmocka_unit_test(test_format)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
