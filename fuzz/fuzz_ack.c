/* libFuzzer target for acknowledgements: arbitrary bytes go through the
 * reader and walker into the 999/TA1 builder (writing to a sink that
 * discards), and through the 999/TA1 reader.  Seeded with fixtures/ (ack/
 * holds received files and their acknowledgements).  Nothing here checks
 * results: sanitizers do. */
#include <stdint.h>
#include <stdlib.h>

#include <x12/ack.h>

#include "fuzz_common.h"

typedef struct fz {
    x12_walker *w;
    x12_ack *ack;
    x12_ack_reader *ar;
} fz;

static int sink(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 0;
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    fz *z = ctx;
    x12_ack_event(z->ack, ev);
    return 0;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    fz *z = ctx;
    x12_ack_finding(z->ack, f);
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    fz *z = ctx;
    x12_ack_reader_segment(z->ar, seg);
    return x12_walker_segment(z->w, seg) == X12_ERR_NOMEM;
}

static void on_err(void *ctx, const x12_error *e)
{
    fz *z = ctx;
    x12_walker_reader_error(z->w, e);
}

static int on_record(void *ctx, const x12_ack_record *rec)
{
    (void)ctx;
    /* the texts must exist for every code read back */
    (void)x12_ack_code_text("IK403", rec->code);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    fz z;
    x12_ack_options o;
    x12_ack_options_init(&o);
    o.what = X12_ACK_999 | X12_ACK_TA1;
    o.date = "20260101";
    o.time = "1200";
    o.copy_bad_data = size > 0 && (data[0] & 1);
    x12_error err;
    z.ack = x12_ack_new(&o, sink, NULL, &err);
    x12_walker_callbacks wc = {on_event, on_finding};
    z.w = x12_walker_new(&wc, &z, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    z.ar = x12_ack_reader_new(NULL, on_record, NULL);
    if (!z.ack || !z.w || !z.ar)
        abort();
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if (x12_walker_use_spec(z.w, FUZZ_SPECS[i]) != X12_OK)
            abort();
    fuzz_read_lenient(data, size, on_seg, on_err, &z);
    x12_walker_finish(z.w);
    x12_ack_finish(z.ack);
    x12_walker_free(z.w);
    x12_ack_free(z.ack);
    x12_ack_reader_free(z.ar);
    return 0;
}
