/* libFuzzer target for the 837 reader, and for the writer on what it reads:
 * arbitrary bytes through the reader, the walker and the claim reader; every
 * claim read is written again (checks on; every other one with its output
 * validated as it is written) as an 837 of its type and as JSON into sinks.  Seeded with fixtures/.  Sanitizers check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <x12/claim.h>
#include <x12/json.h>

#include "fuzz_common.h"

static int sink(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    (void)b;
    (void)n;
    return 0;
}

static void out_finding(void *ctx, const x12_finding *f, const char *claim_id)
{
    (void)ctx;
    if (!f || !claim_id)
        abort();
}

static int on_claim(void *ctx, const x12_claim *claim, const x12_claim_context *cx)
{
    (void)ctx;
    static unsigned calls;
    x12_claim_writer_options o;
    x12_claim_writer_options_init(&o);
    o.type = claim->type;
    if (calls++ & 1) /* every other claim: its output read back and validated */
        o.output_finding = out_finding;
    x12_claim_header h = *cx->header;
    x12_error err;
    x12_claim_writer *w = x12_claim_writer_new(&o, &h, sink, NULL, &err);
    if (w) {
        x12_claim_writer_add(w, claim);
        x12_claim_writer_finish(w);
        x12_claim_writer_free(w);
    }
    x12_claim_json_write(claim, &cx->header->submitter, &cx->header->receiver, sink, NULL, &err);
    return 0;
}

typedef struct fz {
    x12_claim_reader *r;
} fz;

static int on_seg(void *ctx, const x12_segment *seg)
{
    return x12_claim_reader_segment(((fz *)ctx)->r, seg) == X12_ERR_NOMEM;
}

static void on_err(void *ctx, const x12_error *e)
{
    x12_claim_reader_error(((fz *)ctx)->r, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    x12_claim_reader_callbacks cb = {on_claim, NULL};
    fz z;
    z.r = x12_claim_reader_new(&cb, NULL, 0, NULL);
    if (!z.r)
        abort();
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if (x12_claim_reader_use_spec(z.r, FUZZ_SPECS[i]) != X12_OK)
            abort();
    fuzz_read_lenient(data, size, on_seg, on_err, &z);
    x12_claim_reader_finish(z.r);
    x12_claim_reader_free(z.r);
    return 0;
}
