/* The row writer under x12_remit_rows and x12_ack277_rows: a fixed list of
 * columns, one value a column per row, written as CSV (RFC 4180, a header
 * row) or NDJSON (formats/remit_rows.c).  Not a public header. */
#ifndef X12_ROWS_INTERNAL_H
#define X12_ROWS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <x12/remit.h>

/* text; an amount in cents (two-decimal text; a JSON string); a count (a
 * JSON number, null when "") */
typedef enum { K_TEXT, K_AMOUNT, K_COUNT } kind;

typedef struct column {
    const char *name;
    kind k;
} column;

#define ROWS_MAXCOL 48

/* A writer of the `n` columns (at most ROWS_MAXCOL) of `cols`, which must
 * outlive it; free with x12_remit_rows_free(). */
x12_remit_rows *x12__rows_new(const column *cols, size_t n, x12_rows_format format,
                              x12_rows_write_fn out, void *ctx);
/* Column i's value for the row being built: text (NULL = ""), or cents. */
void x12__rows_text(x12_remit_rows *w, size_t i, const char *v);
void x12__rows_amount(x12_remit_rows *w, size_t i, int64_t cents);
/* The label set by x12_remit_rows_set_file(). */
const char *x12__rows_file(const x12_remit_rows *w);
/* Writes the row built (its values are cleared). */
void x12__rows_emit(x12_remit_rows *w);
/* X12_OK, X12_ERR_NOMEM or X12_ERR_IO so far. */
x12_status x12__rows_status(const x12_remit_rows *w);

#endif
