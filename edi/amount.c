/* Money: X12 type R amounts to integer cents and back (include/x12/amount.h). */
#include <stdio.h>
#include <string.h>

#include "x12/amount.h"

#include "internal.h"

x12_status x12_amount_parse(x12_slice s, int64_t *cents)
{
    /* one run of digits, then optionally '.' and another: two tight loops
     * rather than a state test per byte (millions of amounts a file) */
    if (!s.len)
        return X12_ERR_ELEMENT_CHAR; /* (and no arithmetic on an absent value's NULL) */
    const char *p = s.ptr, *end = s.ptr + s.len;
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    const char *w0 = p;
    int64_t whole = 0;
    while (p < end && (unsigned)(*p - '0') < 10) {
        if (p - w0 == 15)
            return X12_ERR_ELEMENT_CHAR; /* a 16th digit: refused before it overflows */
        whole = whole * 10 + (*p++ - '0');
    }
    size_t nwhole = (size_t)(p - w0);
    int64_t frac = 0;
    size_t nfrac = 0;
    if (p < end) {
        if (*p++ != '.')
            return X12_ERR_ELEMENT_CHAR;
        const char *f0 = p;
        while (p < end && (unsigned)(*p - '0') < 10) {
            /* past the cents only zeros, which change nothing ("1.250") */
            if (p - f0 < 2)
                frac = frac * 10 + (*p - '0');
            else if (*p != '0')
                return X12_ERR_ELEMENT_CHAR;
            p++;
        }
        if (p < end)
            return X12_ERR_ELEMENT_CHAR;
        nfrac = (size_t)(p - f0);
        if (nfrac == 1)
            frac *= 10;
    }
    if (nwhole + nfrac == 0)
        return X12_ERR_ELEMENT_CHAR;
    int64_t v = whole * 100 + frac;
    *cents = neg ? -v : v;
    return X12_OK;
}

/* Why x12_amount_parse() refused `s`, for an error's detail: too many digits
 * and a fraction of a cent are amounts still, and said so; the rest is no
 * number at all. */
const char *x12__amount_problem(x12_slice s)
{
    size_t i = s.len && s.ptr[0] == '-' ? 1 : 0, whole = 0, points = 0;
    int cent_fraction = 0;
    for (size_t k = i, after = 0; k < s.len; k++) {
        char c = s.ptr[k];
        if (c == '.' && !points++)
            continue;
        if (!x12__is_digit(c))
            return "an amount that is no number (digits, one point, a leading minus)";
        if (points)
            cent_fraction |= ++after > 2 && c != '0';
        else
            whole++;
    }
    if (whole > 15)
        return "an amount of more than 15 digits";
    if (cent_fraction)
        return "an amount with a fraction of a cent";
    /* digits and at most one point that x12_amount_parse() refused: none
     * of them digits ("", "-", ".") */
    return "an amount that is no number (digits, one point, a leading minus)";
}

/* The digits of `cents` written straight into dst, backwards from where
 * they end (no scratch buffer copied over: the bytes are read again at once
 * by whoever writes the row, and a wide load of narrow stores still in
 * flight stalls).  places: 2, or as few as the value needs (0-2).  At most
 * 24 bytes, no NUL; returns the length. */
size_t x12__amount_text(int64_t cents, int min_places, char *dst)
{
    /* magnitude without overflow for INT64_MIN */
    uint64_t m = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    uint64_t whole = m / 100;
    unsigned frac = (unsigned)(m % 100);
    int places = min_places == 2 ? 2 : frac == 0 ? 0 : frac % 10 == 0 ? 1 : 2;
    size_t nd = 1;
    for (uint64_t t = whole; t >= 10; t /= 10)
        nd++;
    size_t n = cents < 0;
    if (n)
        dst[0] = '-';
    n += nd;
    char *q = dst + n;
    do {
        *--q = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (places) {
        dst[n++] = '.';
        dst[n++] = (char)('0' + frac / 10);
        if (places == 2)
            dst[n++] = (char)('0' + frac % 10);
    }
    return n;
}

int x12_amount_format(int64_t cents, x12_amount_style style, char *buf, size_t cap)
{
    /* written by hand, not with snprintf: row writers format millions */
    if (cap > 24) {
        size_t n = x12__amount_text(cents, style == X12_AMOUNT_DECIMAL2 ? 2 : 0, buf);
        buf[n] = '\0';
        return (int)n;
    }
    char tmp[32];
    size_t n = x12__amount_text(cents, style == X12_AMOUNT_DECIMAL2 ? 2 : 0, tmp);
    if (cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(buf, tmp, k);
        buf[k] = '\0';
    }
    return (int)n;
}
