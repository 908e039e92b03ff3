/* libFuzzer target for the loop walker and every validation stage: reader,
 * spec-driven placement, element checks, balancing, rules and code sets, on
 * arbitrary bytes (seeded with real 835/837/999 files).  The first byte picks
 * the walker's flags.  Nothing here checks results: sanitizers do. */
#include <stdint.h>
#include <stdlib.h>

#include <x12/walk.h>

#include "fuzz_common.h"

static x12_walker *W;

static int on_event(void *ctx, const x12_walk_event *ev)
{
    (void)ctx;
    (void)ev;
    return 0;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    (void)ctx;
    (void)f;
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    (void)ctx;
    return x12_walker_segment(W, seg) != X12_OK;
}

static void on_err(void *ctx, const x12_error *e)
{
    (void)ctx;
    x12_walker_reader_error(W, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    if (size < 1)
        return 0;
    unsigned flags = data[0] & (X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    x12_walker_callbacks wc = {on_event, on_finding};
    W = x12_walker_new(&wc, NULL, flags ? flags : X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    if (!W)
        abort();
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if (x12_walker_use_spec(W, FUZZ_SPECS[i]) != X12_OK)
            abort();
    fuzz_read_lenient(data + 1, size - 1, on_seg, on_err, NULL);
    x12_walker_finish(W);
    x12_walker_free(W);
    return 0;
}
