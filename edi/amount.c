/* Money: X12 type R amounts to integer cents and back (include/x12/amount.h). */
#include <stdio.h>

#include "x12/amount.h"

x12_status x12_amount_parse(x12_slice s, int64_t *cents)
{
    size_t i = 0;
    int neg = 0;
    if (s.len && s.ptr[0] == '-') {
        neg = 1;
        i = 1;
    }
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0, dot = 0;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '.' && !dot) {
            dot = 1;
        } else if (c >= '0' && c <= '9') {
            if (dot) {
                if (++fdigits > 2)
                    return X12_ERR_ELEMENT_CHAR;
                frac = frac * 10 + (c - '0');
            } else {
                if (digits >= 15)
                    return X12_ERR_ELEMENT_CHAR;
                whole = whole * 10 + (c - '0');
            }
            digits++;
        } else {
            return X12_ERR_ELEMENT_CHAR;
        }
    }
    if (!digits)
        return X12_ERR_ELEMENT_CHAR;
    if (fdigits == 1)
        frac *= 10;
    int64_t v = whole * 100 + frac;
    *cents = neg ? -v : v;
    return X12_OK;
}

int x12_amount_format(int64_t cents, x12_amount_style style, char *buf, size_t cap)
{
    const char *sign = cents < 0 ? "-" : "";
    /* magnitude without overflow for INT64_MIN */
    uint64_t m = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    uint64_t whole = m / 100, frac = m % 100;
    if (style == X12_AMOUNT_DECIMAL2)
        return snprintf(buf, cap, "%s%llu.%02llu", sign, (unsigned long long)whole,
                        (unsigned long long)frac);
    if (frac == 0)
        return snprintf(buf, cap, "%s%llu", sign, (unsigned long long)whole);
    if (frac % 10 == 0)
        return snprintf(buf, cap, "%s%llu.%llu", sign, (unsigned long long)whole,
                        (unsigned long long)(frac / 10));
    return snprintf(buf, cap, "%s%llu.%02llu", sign, (unsigned long long)whole,
                    (unsigned long long)frac);
}
