/* libFuzzer target: claims JSON in (json_stream + the claim parser), and every
 * claim read written back with x12_claim_json_write() and read again, which
 * must give the same text (the writer's output is the canonical form). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/arena.h>
#include <x12/json.h>

typedef struct buf {
    char *p;
    size_t len;
} buf;

static int to_buf(void *ctx, const void *data, size_t len)
{
    buf *b = ctx;
    char *q = realloc(b->p, b->len + len + 1);
    if (!q)
        return -1;
    memcpy(q + b->len, data, len);
    b->p = q;
    b->len += len;
    b->p[b->len] = '\0';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (!f)
        return 0;
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.max_object_bytes = 1 << 16;
    o.no_check = (data[0] & 1) != 0;
    o.refuse_chars = (data[0] & 2) ? "*:^~" : NULL;
    x12_claims_json_reader *r = x12_claims_json_open_stream(f, &o);
    x12_arena *a = x12_arena_new(NULL);
    x12_arena *a2 = x12_arena_new(NULL);
    for (int guard = 0; r && a && a2 && guard < 100000; guard++) {
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        x12_status st = x12_claims_json_next(r, a, &it, &je);
        if (st == X12_ERR_IO || st == X12_ERR_NOMEM || st == X12_ERR_GZIP)
            break;
        if (st != X12_OK) {
            char line[512];
            x12_json_error_format(&je, line, sizeof line);
            continue;
        }
        if (!it.claim)
            break;
        buf one = {NULL, 0}, two = {NULL, 0};
        if (x12_claim_json_write(it.claim, it.submitter, it.receiver, to_buf, &one, NULL) != X12_OK)
            abort();
        x12_claims_json_item it2;
        x12_arena_reset(a2);
        x12_claims_json_options o2;
        x12_claims_json_options_init(&o2);
        o2.no_check = 1;
        FILE *g = fmemopen(one.p, one.len, "rb");
        x12_claims_json_reader *r2 = x12_claims_json_open_stream(g, &o2);
        if (x12_claims_json_next(r2, a2, &it2, &je) != X12_OK || !it2.claim)
            abort(); /* what was written cannot be read back */
        if (x12_claim_json_write(it2.claim, it2.submitter, it2.receiver, to_buf, &two, NULL) !=
                X12_OK ||
            two.len != one.len || memcmp(one.p, two.p, one.len) != 0)
            abort(); /* written, read, written again: not the same text */
        x12_claims_json_free(r2);
        fclose(g);
        free(one.p);
        free(two.p);
    }
    x12_arena_free(a2);
    x12_arena_free(a);
    x12_claims_json_free(r);
    fclose(f);
    return 0;
}
