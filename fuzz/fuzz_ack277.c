/* libFuzzer target for the 277CA reader and its rows: arbitrary bytes through
 * the reader, the walker and the 277CA reader, every status record written
 * as rows (CSV or JSON as the first byte picks, at the levels it picks).
 * Seeded with fixtures/ (277CAs in corpus/).  Sanitizers check. */
#include <stdint.h>
#include <stdlib.h>

#include <x12/ack277.h>

#include "fuzz_common.h"

static int sink(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    (void)b;
    (void)n;
    return 0;
}

static int on_status(void *ctx, const x12_ack277_status *s)
{
    /* the verdict of what the record gathered, as a caller would ask it */
    (void)x12_ack277_verdict(s->codes, s->action);
    return x12_ack277_rows_add(ctx, s) == X12_ERR_NOMEM;
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    return x12_ack277_reader_segment(ctx, seg) == X12_ERR_NOMEM;
}

static void on_err(void *ctx, const x12_error *e)
{
    x12_ack277_reader_error(ctx, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    if (size < 1)
        return 0;
    x12_ack277_rows *rows = x12_ack277_rows_new(data[0] & 15u, (data[0] & 16) ? X12_ROWS_JSON : X12_ROWS_CSV,
                                                sink, NULL);
    x12_ack277_callbacks cb = {on_status, NULL};
    x12_ack277_reader *r = x12_ack277_reader_new(&cb, rows, NULL);
    if (!rows || !r)
        abort();
    fuzz_read_lenient(data + 1, size - 1, on_seg, on_err, r);
    x12_ack277_reader_finish(r);
    x12_ack277_reader_free(r);
    x12_ack277_rows_finish(rows);
    x12_ack277_rows_free(rows);
    return 0;
}
