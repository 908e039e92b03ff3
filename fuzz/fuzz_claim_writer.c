/* libFuzzer target for the 837 writer: claims JSON in (read as x12 837
 * --from reads it), every claim the writer's checks let through written to
 * an 837 that is validated as it is written (the writer's output_finding,
 * every check of x12 validate).  An error of the 837's syntax, envelopes,
 * HL tree, balancing, NPIs or usage fails the run (held_against_writer()). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/arena.h>
#include <x12/claim.h>
#include <x12/json.h>

static int sink(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

/* What the writer itself builds and must get right whatever the claim says:
 * the envelopes and the X12 syntax (reader errors), the HL tree, the amounts
 * that must balance (CLM02 against the lines, COB), the NPIs, placement (a
 * qualifier the claim gives picks a segment the guide has) and usage: no
 * segment or element the guide does not use, none it requires missing (the
 * writer's checks refuse a claim that breaks these, by the spec where they
 * can).  Of the code lists, those of a party's NM102 (the writer's default
 * when the claim gives none) and REF01, which the checks read from the spec.
 * Other findings (code lists of other values; lengths and shapes of values;
 * the guide's rules) are the validator's to say by design, and x12 837
 * --from says them. */
static int held_against_writer(x12_status code)
{
    switch (code) {
    case X12_ERR_HL_PARENT:
    case X12_ERR_HL_CHILD_CODE:
    case X12_ERR_HL_ID_REPEAT:
    case X12_ERR_HL_SEQUENCE:
    case X12_ERR_BALANCE:
    case X12_ERR_NPI:
    case X12_ERR_NOT_USED_SEGMENT:
    case X12_ERR_ELEMENT_NOT_USED:
    case X12_ERR_REQUIRED_SEGMENT:
    case X12_ERR_REQUIRED_LOOP:
    case X12_ERR_ELEMENT_REQUIRED:
    case X12_ERR_SEGMENT_UNEXPECTED:
    case X12_ERR_SEGMENT_UNKNOWN:
    case X12_ERR_SEGMENT_REPEAT:
    case X12_ERR_LOOP_REPEAT:
    case X12_ERR_SYNTAX_REQUIRED:
    case X12_ERR_SYNTAX_EXCLUSION:
    case X12_ERR_ELEMENT_EXTRA:
    case X12_ERR_ELEMENT_REPEAT:
    case X12_ERR_ELEMENT_COMPONENTS:
    case X12_ERR_LOOP_NUMBER:
        return 1;
    default:
        return code > X12_OK && code < 50;
    }
}

static int held_code(const x12_finding *f)
{
    return f->err.code == X12_ERR_ELEMENT_CODE &&
           ((!strcmp(f->err.segment_id, "NM1") && f->err.element_pos == 2) ||
            (!strcmp(f->err.segment_id, "REF") && f->err.element_pos == 1));
}

static void on_output_finding(void *ctx, const x12_finding *f, const char *claim_id)
{
    (void)ctx;
    if (f->severity != X12_SEV_ERROR || (!held_against_writer(f->err.code) && !held_code(f)))
        return;
    char at[256];
    x12_error_format(&f->err, at, sizeof at);
    fprintf(stderr, "fuzz_claim_writer: the 837 written does not validate: %s [loop %s, claim %s]\n",
            at, f->loop_id ? f->loop_id : "-", claim_id);
    abort();
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
    o.refuse_chars = "*:^~";
    o.to_x12 = 1;
    o.no_check = 1; /* the writer checks */
    x12_claims_json_reader *r = x12_claims_json_open_stream(f, &o);
    x12_arena *a = x12_arena_new(NULL);
    x12_claim_writer *w = NULL;
    static x12_claim_contact contact = {"IC", "EDI DESK", {"TE", NULL, NULL}, {"8005550100", NULL, NULL}};
    for (int guard = 0; r && a && guard < 1000; guard++) {
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        x12_status st = x12_claims_json_next(r, a, &it, &je);
        if (st == X12_ERR_IO || st == X12_ERR_NOMEM || st == X12_ERR_GZIP)
            break;
        if (st != X12_OK)
            continue;
        if (!it.claim)
            break;
        if (!w) {
            /* as x12 837 --from: the first claim's type holds for the file */
            x12_claim_header h;
            memset(&h, 0, sizeof h);
            h.isa.sender_id = "SENDER";
            h.isa.receiver_id = "RECEIVER";
            h.isa.date = "261129";
            h.isa.time = "1200";
            h.isa.control_number = 1;
            h.gs.sender = "SENDER";
            h.gs.receiver = "RECEIVER";
            h.gs.date = "20261129";
            h.gs.time = "1200";
            h.gs.control_number = 1;
            h.st_control_number = 1;
            h.submitter.entity_type = "2";
            h.submitter.last_name = "SUBMITTER";
            h.submitter.id_qualifier = "46";
            h.submitter.id = "SENDER";
            h.submitter.contacts = &contact;
            h.submitter.contact_count = 1;
            h.receiver.entity_type = "2";
            h.receiver.last_name = "RECEIVER";
            h.receiver.id_qualifier = "46";
            h.receiver.id = "RECEIVER";
            x12_claim_writer_options wo;
            x12_claim_writer_options_init(&wo);
            wo.type = it.claim->type;
            wo.output_finding = on_output_finding;
            x12_error e;
            w = x12_claim_writer_new(&wo, &h, sink, NULL, &e);
            if (!w)
                abort();
        }
        x12_status ws = x12_claim_writer_add(w, it.claim);
        if (ws != X12_OK && ws != X12_ERR_CLAIM_REJECTED && ws != X12_ERR_USAGE)
            break; /* the writer stopped (a limit): its findings came */
    }
    if (w) {
        x12_claim_writer_finish(w);
        x12_claim_writer_free(w);
    }
    x12_arena_free(a);
    x12_claims_json_free(r);
    fclose(f);
    return 0;
}
