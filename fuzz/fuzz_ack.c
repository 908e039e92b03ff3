/* libFuzzer target for acknowledgements: arbitrary bytes go through the
 * reader and walker into the 999/TA1 builder (writing to a sink that
 * discards), and through the 999/TA1 reader.  Seeded with fixtures/ (ack/
 * holds received files and their acknowledgements).  What the builder
 * writes is then validated as x12 validate would (every 999 written must
 * validate: issue 6); an error finding in it fails the run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/ack.h>

#include "fuzz_common.h"

typedef struct fz {
    x12_walker *w;
    x12_ack *ack;
    x12_ack_reader *ar;
} fz;

/* What the builder writes, kept (up to a bound) to be validated. */
typedef struct outbuf {
    char *p;
    size_t n, cap;
} outbuf;

static int sink(void *ctx, const void *buf, size_t len)
{
    outbuf *o = ctx;
    if (o->n + len > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + len)
            cap *= 2;
        char *q = realloc(o->p, cap);
        if (!q)
            abort();
        o->p = q;
        o->cap = cap;
    }
    memcpy(o->p + o->n, buf, len);
    o->n += len;
    return 0;
}

/* The acknowledgements written must validate without an error finding. */
typedef struct vz {
    x12_walker *w;
    const char *out;
} vz;

static int v_seg(void *ctx, const x12_segment *seg)
{
    return x12_walker_segment(((vz *)ctx)->w, seg) == X12_ERR_NOMEM;
}

static void v_err(void *ctx, const x12_error *e)
{
    x12_walker_reader_error(((vz *)ctx)->w, e);
}

static void v_finding(void *ctx, const x12_finding *f)
{
    if (f->severity != X12_SEV_ERROR)
        return;
    /* What identifies what is acknowledged is repeated as received, even
     * when it is itself what is wrong (docs/ack.md): TA101-TA103 (ISA13,
     * ISA09, ISA10), AK101-AK103 (GS01, GS06, GS08), AK201-AK203 (ST01,
     * ST02, ST03); and the parties the answer goes back to, ISA05-ISA08 (the
     * received ISA07/ISA08 and ISA05/ISA06). */
    if ((!strcmp(f->err.segment_id, "TA1") || !strcmp(f->err.segment_id, "AK1") ||
         !strcmp(f->err.segment_id, "AK2")) &&
        f->err.element_pos >= 1 && f->err.element_pos <= 3)
        return;
    if (!strcmp(f->err.segment_id, "ISA") && f->err.element_pos >= 5 && f->err.element_pos <= 8)
        return;
    fprintf(stderr, "fuzz_ack: the acknowledgement written has an error: %s at byte %llu (%s %s) %s\n%s\n",
            x12_status_name(f->err.code), (unsigned long long)f->err.byte_offset,
            f->err.segment_id, f->loop_id, f->err.detail, ((vz *)ctx)->out);
    abort();
}

static void validate_output(outbuf *o)
{
    if (!o->n)
        return;
    sink(o, "", 1); /* NUL-ended for the message */
    o->n--;
    vz v;
    v.out = o->p;
    x12_walker_callbacks wc = {NULL, v_finding};
    v.w = x12_walker_new(&wc, &v, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    if (!v.w)
        abort();
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if (x12_walker_use_spec(v.w, FUZZ_SPECS[i]) != X12_OK)
            abort();
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    x12_reader_callbacks cb = {v_seg, v_err};
    x12_reader *r = x12_reader_new(&ro, &cb, &v);
    if (!r)
        abort();
    x12_reader_feed(r, o->p, o->n);
    x12_reader_finish(r);
    x12_reader_free(r);
    x12_walker_finish(v.w);
    x12_walker_free(v.w);
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
    if (strlen(rec->ack_segment) > 3)
        abort();
    return 0;
}

/* What the ack reader cannot hold: said at a position of the segment. */
static void on_ack_finding(void *ctx, const x12_finding *f)
{
    (void)ctx;
    if (!f->err.segment_index || (f->err.code != X12_ERR_CLAIM_NOT_CARRIED &&
                                  f->err.code != X12_ERR_CLAIM_VALUE))
        abort();
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
    outbuf out = {NULL, 0, 0};
    z.ack = x12_ack_new(&o, sink, &out, &err);
    x12_walker_callbacks wc = {on_event, on_finding};
    z.w = x12_walker_new(&wc, &z, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    z.ar = x12_ack_reader_new(NULL, on_record, NULL);
    if (!z.ack || !z.w || !z.ar)
        abort();
    x12_ack_reader_on_finding(z.ar, on_ack_finding, NULL);
    for (int i = 0; i < FUZZ_NSPECS; i++)
        if (x12_walker_use_spec(z.w, FUZZ_SPECS[i]) != X12_OK)
            abort();
    fuzz_read_lenient(data, size, on_seg, on_err, &z);
    x12_walker_finish(z.w);
    x12_ack_finish(z.ack);
    x12_walker_free(z.w);
    x12_ack_free(z.ack);
    x12_ack_reader_free(z.ar);
    validate_output(&out);
    free(out.p);
    return 0;
}
