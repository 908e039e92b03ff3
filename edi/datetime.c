/* Dates and times that exist, in the forms X12 writes them (data types DT
 * and TM): the element checks, the rules, and the envelope writer, which
 * never writes an ISA09/ISA10 or GS04/GS05 that is not one. */
#include <stddef.h>

#include "internal.h"
#include "x12/writer.h"

static int days_in(int y, int m)
{
    static const int D[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return D[m - 1];
}

/* CCYYMMDD (or YYMMDD) that exists. */
int x12__valid_date(const char *p, size_t n)
{
    if (n != 8 && n != 6)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!x12__is_digit(p[i]))
            return 0;
    int y = 0;
    size_t o = n == 8 ? 4 : 2;
    for (size_t i = 0; i < o; i++)
        y = y * 10 + (p[i] - '0');
    if (n == 6)
        y += 2000; /* YYMMDD: any century gives the same February in 2000-2099 */
    int m = (p[o] - '0') * 10 + (p[o + 1] - '0');
    int d = (p[o + 2] - '0') * 10 + (p[o + 3] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

/* HHMM[SS[d..]] that exists. */
int x12__valid_time(const char *p, size_t n)
{
    if (n < 4 || n > 8 || n == 5)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!x12__is_digit(p[i]))
            return 0;
    int h = (p[0] - '0') * 10 + (p[1] - '0'), m = (p[2] - '0') * 10 + (p[3] - '0');
    if (h > 23 || m > 59)
        return 0;
    if (n >= 6 && (p[4] - '0') * 10 + (p[5] - '0') > 59)
        return 0;
    return 1;
}

X12_API int x12_valid_date(const char *p, size_t n)
{
    return p && x12__valid_date(p, n);
}

X12_API int x12_valid_time(const char *p, size_t n)
{
    return p && x12__valid_time(p, n);
}
