/* libFuzzer target for the 835 reader, its rows and the 835 writer:
 * arbitrary bytes through the reader, the walker with balancing and the
 * remit reader, every claim payment and PLB written as rows at the level the
 * first byte picks, CSV or JSON, and (bit 0x10 of it) written back as an 835
 * by x12_remit_writer, as given (0x20) or checked.  Seeded with fixtures/
 * (835s in reconcile/).  Sanitizers check. */
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

typedef struct fz {
    x12_remit_reader *r;
    x12_remit_rows *rows;
    x12_remit_writer *rw; /* NULL: not written back */
} fz;

/* (the writer's refusals are its answers to the input: not failures) */
static int on_payment(void *ctx, const x12_remit_payment *p)
{
    fz *z = ctx;
    if (z->rw)
        x12_remit_writer_begin(z->rw, p, "0001");
    return 0;
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)cx;
    fz *z = ctx;
    if (z->rw)
        x12_remit_writer_claim(z->rw, c);
    return x12_remit_rows_claim(z->rows, p, c) == X12_ERR_NOMEM;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    fz *z = ctx;
    if (z->rw)
        x12_remit_writer_plb(z->rw, e);
    return x12_remit_rows_plb(z->rows, p, e) == X12_ERR_NOMEM;
}

static int on_set_end(void *ctx, const x12_remit_payment *p, const x12_remit_totals *t)
{
    (void)p;
    (void)t;
    fz *z = ctx;
    if (z->rw)
        x12_remit_writer_end(z->rw);
    return 0;
}

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
    x12_remit_callbacks cb = {on_payment, on_claim, on_plb, on_set_end, NULL};
    fz z = {NULL, rows, NULL};
    x12_writer *w = NULL;
    if (data[0] & 0x10) {
        static const x12_isa_header isa = {NULL, NULL, NULL, NULL, NULL, "PAYER", NULL, "PAYEE",
                                           "261129", "1200", NULL, 1, '0', 'T'};
        static const x12_gs_header gs = {"HP", "PAYER", "PAYEE", "20261129", "1200", 1,
                                         "005010X221A1"};
        w = x12_writer_new(NULL, sink, NULL, NULL);
        if (!w || x12_writer_begin_interchange(w, &isa) != X12_OK ||
            x12_writer_begin_group(w, &gs) != X12_OK)
            abort();
        z.rw = x12_remit_writer_new(w, (data[0] & 0x20) ? X12_REMIT_WRITE_AS_GIVEN : 0, NULL);
        if (!z.rw)
            abort();
    }
    z.r = x12_remit_reader_new(&cb, &z, (data[0] & 8) ? X12_WALK_ELEMENTS : 0, NULL);
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
    x12_remit_writer_free(z.rw);
    x12_writer_free(w);
    return 0;
}
