/* libFuzzer target for the 835 reader and its rows: arbitrary bytes through
 * the reader, the walker with balancing and the remit reader, every claim
 * payment and PLB written as rows at the level the first byte picks, CSV or
 * JSON.  Seeded with fixtures/ (835s in reconcile/).  Sanitizers check. */
#include <stdint.h>
#include <stdlib.h>

#include <x12/remit.h>

#include "fuzz_common.h"

static int sink(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    (void)b;
    (void)n;
    return 0;
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)cx;
    return x12_remit_rows_claim(ctx, p, c) == X12_ERR_NOMEM;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    return x12_remit_rows_plb(ctx, p, e) == X12_ERR_NOMEM;
}

typedef struct fz {
    x12_remit_reader *r;
} fz;

static int on_seg(void *ctx, const x12_segment *seg)
{
    return x12_remit_reader_segment(((fz *)ctx)->r, seg) == X12_ERR_NOMEM;
}

static void on_err(void *ctx, const x12_error *e)
{
    x12_remit_reader_error(((fz *)ctx)->r, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    if (size < 1)
        return 0;
    x12_remit_rows *rows = x12_remit_rows_new((x12_remit_level)(data[0] & 3),
                                              (data[0] & 4) ? X12_ROWS_JSON : X12_ROWS_CSV, sink, NULL);
    x12_remit_callbacks cb = {NULL, on_claim, on_plb, NULL, NULL};
    fz z;
    z.r = x12_remit_reader_new(&cb, rows, (data[0] & 8) ? X12_WALK_ELEMENTS : 0, NULL);
    if (!rows || !z.r)
        abort();
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if (x12_remit_reader_use_spec(z.r, FUZZ_SPECS[i]) != X12_OK)
            abort();
    fuzz_read_lenient(data + 1, size - 1, on_seg, on_err, &z);
    x12_remit_reader_finish(z.r);
    x12_remit_reader_free(z.r);
    x12_remit_rows_finish(rows);
    x12_remit_rows_free(rows);
    return 0;
}
