/* libFuzzer target for the loop walker and every validation stage: reader,
 * spec-driven placement, element checks, balancing, rules and code sets, on
 * arbitrary bytes (seeded with real 835/837/999 files).  The first byte picks
 * the walker's flags.  Sanitizers check the code; one result is checked here:
 * the walker's memo of clean segments must change no finding, so each input
 * is walked with it and without it and the findings compared. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/walk.h>

#include "fuzz_common.h"
#include "spec_model.h"

static x12_walker *W;

static int on_event(void *ctx, const x12_walk_event *ev)
{
    (void)ctx;
    (void)ev;
    return 0;
}

/* A digest of every finding: what, where, and the words. */
static uint64_t digest, count;

static void mix(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        digest = (digest ^ b[i]) * 0x100000001B3u;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    (void)ctx;
    uint64_t where[6] = {f->err.code, f->err.byte_offset, f->err.set_position, f->err.element_pos,
                         f->err.component_pos, (uint64_t)f->severity << 8 | f->snip};
    mix(where, sizeof where);
    mix(f->err.detail, strlen(f->err.detail));
    mix(f->loop_id ? f->loop_id : "", f->loop_id ? strlen(f->loop_id) : 0);
    count++;
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
    unsigned flags = data[0] & (X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES | X12_WALK_NEAREST_GUIDE);
    uint64_t d[2], c[2];
    for (int memo = 1; memo >= 0; memo--) {
        x12_walker_callbacks wc = {on_event, on_finding};
        W = x12_walker_new(&wc, NULL, flags ? flags : X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
        if (!W)
            abort();
        x12__walker_memo(W, memo);
        for (int i = 0; i < FUZZ_NSPECS; i++)
            if (x12_walker_use_spec(W, FUZZ_SPECS[i]) != X12_OK)
                abort();
        digest = 0xCBF29CE484222325u;
        count = 0;
        fuzz_read_lenient(data + 1, size - 1, on_seg, on_err, NULL);
        x12_walker_finish(W);
        x12_walker_free(W);
        d[memo] = digest;
        c[memo] = count;
    }
    if (d[0] != d[1] || c[0] != c[1]) {
        fprintf(stderr, "fuzz_validate: %llu findings with the memo, %llu without, or other words\n",
                (unsigned long long)c[1], (unsigned long long)c[0]);
        abort();
    }
    return 0;
}
