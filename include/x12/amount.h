/* Monetary amounts as integer cents.  X12 sends money as type R with at most
 * two decimal places ("100", "12.5", "-12.34"); nothing in x12kit converts an
 * amount to floating point. */
#ifndef X12_AMOUNT_H
#define X12_AMOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parses an R amount into exact cents: at most two decimal places that are
 * not zero ("1.250" is 125 cents; "1.255" is no whole number of cents).
 * Returns X12_OK, or X12_ERR_ELEMENT_CHAR for anything else (empty, '+', two
 * points, a fraction of a cent, letters, more than 15 digits). */
X12_API x12_status x12_amount_parse(x12_slice s, int64_t *cents);

typedef enum x12_amount_style {
    X12_AMOUNT_X12 = 0,     /* as X12 writes it: "100", "12.5", "-0.01" */
    X12_AMOUNT_DECIMAL2 = 1 /* always two places: "100.00", "12.50", "-0.01" */
} x12_amount_style;

/* Writes `cents` into buf (NUL-terminated); returns the length, or the
 * length needed when cap is too small (like snprintf). */
X12_API int x12_amount_format(int64_t cents, x12_amount_style style, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
