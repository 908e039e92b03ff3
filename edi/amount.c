/* Money: X12 type R amounts to integer cents and back (include/x12/amount.h). */
#include <stdio.h>
#include <string.h>

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
                /* past the cents only zeros, which change nothing ("1.250") */
                if (++fdigits > 2) {
                    if (c != '0')
                        return X12_ERR_ELEMENT_CHAR;
                    continue;
                }
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
    /* written by hand, not with snprintf: row writers format millions */
    char tmp[32];
    char *p = tmp + sizeof tmp;
    /* magnitude without overflow for INT64_MIN */
    uint64_t m = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    uint64_t whole = m / 100;
    unsigned frac = (unsigned)(m % 100);
    int places = style == X12_AMOUNT_DECIMAL2 ? 2 : frac == 0 ? 0 : frac % 10 == 0 ? 1 : 2;
    if (places == 2) {
        *--p = (char)('0' + frac % 10);
        *--p = (char)('0' + frac / 10);
        *--p = '.';
    } else if (places == 1) {
        *--p = (char)('0' + frac / 10);
        *--p = '.';
    }
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (cents < 0)
        *--p = '-';
    size_t n = (size_t)(tmp + sizeof tmp - p);
    if (cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(buf, p, k);
        buf[k] = '\0';
    }
    return (int)n;
}
