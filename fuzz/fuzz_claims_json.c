/* libFuzzer target for claims JSON input: arbitrary bytes as one claim object
 * and as a stream (array or NDJSON) through the streaming reader; every claim
 * that parses is written back as JSON and as an 837.  Seeded with
 * fixtures/claims/.  Sanitizers check. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/claim.h>
#include <x12/json.h>

static int sink(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    (void)b;
    (void)n;
    return 0;
}

static void write_back(const x12_claims_json_item *it)
{
    x12_error err;
    x12_claim_json_write(it->claim, it->submitter, it->receiver, sink, NULL, &err);
    x12_claim_writer_options o;
    x12_claim_writer_options_init(&o);
    o.type = it->claim->type;
    x12_claim_header h;
    memset(&h, 0, sizeof h);
    h.isa.sender_id = "SENDER";
    h.isa.receiver_id = "RECEIVER";
    h.isa.date = "260101";
    h.isa.time = "1200";
    h.isa.control_number = 1;
    h.gs.sender = "SENDER";
    h.gs.receiver = "RECEIVER";
    h.gs.date = "20260101";
    h.gs.time = "1200";
    h.gs.control_number = 1;
    if (it->submitter)
        h.submitter = *it->submitter;
    if (it->receiver)
        h.receiver = *it->receiver;
    x12_claim_writer *w = x12_claim_writer_new(&o, &h, sink, NULL, &err);
    if (w) {
        x12_claim_writer_add(w, it->claim);
        x12_claim_writer_finish(w);
        x12_claim_writer_free(w);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x12_arena *a = x12_arena_new(NULL);
    if (!a)
        abort();
    x12_claims_json_item it;
    x12_json_error jerr;
    if (x12_claim_from_json((const char *)data, size, NULL, a, &it, &jerr) == X12_OK && it.claim)
        write_back(&it);
    x12_arena_reset(a);
    FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
    if (f && size) {
        x12_claims_json_reader *r = x12_claims_json_open_stream(f, NULL);
        if (r) {
            for (int n = 0; n < 1000; n++) {
                x12_status s = x12_claims_json_next(r, a, &it, &jerr);
                if (s == X12_OK && !it.claim)
                    break;
                if (s == X12_OK)
                    write_back(&it);
                else if (s == X12_ERR_IO || s == X12_ERR_GZIP || s == X12_ERR_NOMEM)
                    break;
                x12_arena_reset(a);
            }
            x12_claims_json_free(r);
        }
    }
    if (f)
        fclose(f);
    x12_arena_free(a);
    return 0;
}
