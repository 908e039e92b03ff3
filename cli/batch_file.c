/* x12 batch: what happens to one input file.
 *
 * identify: SHA-256 of the bytes on disk, and a look at the head through
 *           x12_input (gzip inflated): an ISA after an optional BOM or
 *           whitespace, and the first ST01.
 * process:  1. read  one pass of the reader feeding the validating walker
 *                    (findings -> OUT/findings, the 999/TA1 builder with --ack)
 *                    and the typed reader of the file's kind (837 claims ->
 *                    claims JSON, 835 -> rows at every level as CSV and JSON);
 *           2. a file the reader could not read (not X12, gzip error,
 *              truncated, broken envelope) is quarantined: copied with an
 *              error report, no conversion kept, nothing ingested;
 *           3. outputs renamed into place, then ledger ingest (idempotent,
 *              one transaction per file);
 *           4. the done-marker, last. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <x12/ack.h>
#include <x12/claim.h>
#include <x12/json.h>
#include <x12/ack.h>
#include <x12/ack277.h>
#include <x12/remit.h>
#include <x12/walk.h>

#include "batch.h"
#include "cli.h"
#include "sha256.h"

const char *batch_outcome_name(batch_outcome o)
{
    static const char *N[] = {"pending", "done", "skipped", "duplicate", "quarantined", "failed"};
    return (unsigned)o < 6 ? N[o] : "?";
}

void batch_counts_add(batch_counts *s, const batch_counts *c)
{
    s->bytes += c->bytes;
    s->interchanges += c->interchanges;
    s->sets += c->sets;
    s->sets_837 += c->sets_837;
    s->sets_835 += c->sets_835;
    s->sets_277 += c->sets_277;
    s->sets_other += c->sets_other;
    s->claims += c->claims;
    s->claim_payments += c->claim_payments;
    s->billed += c->billed;
    s->paid += c->paid;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 3; j++)
            s->findings[i][j] += c->findings[i][j];
    for (int i = 0; i < 4; i++)
        s->rows[i] += c->rows[i];
    s->ledger_added += c->ledger_added;
    s->ledger_known += c->ledger_known;
    s->ledger_matched += c->ledger_matched;
    s->acks += c->acks;
    s->ack_accepted += c->ack_accepted;
    s->ack_with_errors += c->ack_with_errors;
    s->ack_rejected += c->ack_rejected;
    s->claims_acknowledged += c->claims_acknowledged;
    s->claims_rejected += c->claims_rejected;
    s->acks_in_accepted += c->acks_in_accepted;
    s->acks_in_with_errors += c->acks_in_with_errors;
    s->acks_in_rejected += c->acks_in_rejected;
    s->ta1_in_rejected += c->ta1_in_rejected;
}

uint32_t batch_counts_errors(const batch_counts *c)
{
    uint32_t n = 0;
    for (int i = 0; i < 8; i++)
        n += c->findings[i][BSEV_ERROR];
    return n;
}

/* --- identify ------------------------------------------------------------- */

static int head_segment(void *ctx, const x12_segment *seg)
{
    batch_file *f = ctx;
    if (seg->id.len == 2 && memcmp(seg->id.ptr, "ST", 2) == 0) {
        x12_slice v = x12_segment_element(seg, 1);
        /* an ST01 of more than three characters is none of the three the
         * batch converts (its first three, "8370" as "837", were taken) */
        size_t n = v.len <= 3 ? v.len : 0;
        if (n)
            memcpy(f->st01, v.ptr, n);
        f->st01[n] = '\0';
        return 1;
    }
    return 0;
}

/* A file saved as UTF-16: a byte order mark, or NULs between the letters of
 * "ISA" (as the reader says it too). */
static int head_utf16(const batch_file *f)
{
    unsigned char h[4];
    size_t have = 0, got = 0;
    x12_error err;
    x12_input *in = x12_input_open(f->path, NULL, &err);
    if (!in)
        return 0;
    while (have < sizeof h && x12_input_read(in, h + have, sizeof h - have, &got, &err) == X12_OK && got)
        have += got;
    x12_input_close(in);
    if (have >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF)))
        return 1;
    return have == 4 && ((h[0] == 'I' && !h[1] && h[2] == 'S' && !h[3]) ||
                         (!h[0] && h[1] == 'I' && !h[2] && h[3] == 'S'));
}

void batch_identify(const batch_run *r, batch_file *f)
{
    static const char HEX[] = "0123456789abcdef";
    f->identified = 1;
    int fd = open(f->path, O_RDONLY);
    if (fd < 0) {
        f->outcome = BO_FAILED;
        snprintf(f->reason, sizeof f->reason, "cannot open: %s", strerror(errno));
        return;
    }
    sha256_ctx h;
    sha256_init(&h);
    static unsigned char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            f->outcome = BO_FAILED;
            snprintf(f->reason, sizeof f->reason, "read error: %s", strerror(errno));
            close(fd);
            return;
        }
        if (n == 0)
            break;
        sha256_update(&h, buf, (size_t)n);
    }
    close(fd);
    sha256_final(&h, f->sha);
    for (int i = 0; i < 32; i++) {
        f->hex[2 * i] = HEX[f->sha[i] >> 4];
        f->hex[2 * i + 1] = HEX[f->sha[i] & 15];
    }
    f->hex[64] = '\0';

    /* the head, inflated: BOM and whitespace, then "ISA" */
    x12_error err;
    x12_input *in = x12_input_open(f->path, r->ropts.alloc, &err);
    if (!in)
        return; /* read() worked a moment ago: process() reports it */
    size_t have = 0, got = 0;
    x12_status st = X12_OK;
    while (have < sizeof buf &&
           (st = x12_input_read(in, buf + have, sizeof buf - have, &got, &err)) == X12_OK && got)
        have += got;
    x12_input_close(in);
    if (st != X12_OK && have == 0) {
        f->where = err; /* a gzip stream broken from the start */
        return;
    }
    size_t i = 0;
    if (have >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        i = 3;
    while (i < have && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    f->is_x12 = have - i >= 3 && memcmp(buf + i, "ISA", 3) == 0;
    if (!f->is_x12)
        return;
    x12_reader_options o = r->ropts;
    x12_reader_callbacks cb = {head_segment, NULL};
    x12_reader *rd = x12_reader_new(&o, &cb, f);
    if (rd) {
        x12_reader_feed(rd, buf, have);
        x12_reader_free(rd);
    }
}

/* --- read: validate, convert, acknowledge ---------------------------------- */

enum {
    OUT_FINDINGS,
    OUT_CLAIMS,
    OUT_ACK,
    OUT_ROWS,
    OUT_STATUS = OUT_ROWS + 8,
    OUT_ACKS_IN = OUT_STATUS + 2,
    NOUT
};

#define BATCH_LEDGER_WAIT_MS 10000 /* x12_ledger_open()'s default */

typedef struct fctx {
    batch_run *r;
    batch_file *f;
    x12_walker *w;
    x12_claim_reader *cr;
    x12_remit_reader *rr;
    x12_remit_rows *rows[8];
    x12_ack277_reader *sr;        /* 277CA: status records ... */
    x12_ack277_rows *srows[2];    /* ... as CSV and NDJSON */
    x12_ack_reader *ar;           /* received 999s and TA1s, as x12 ack-report --json */
    x12_ack *ack;
    bout out[NOUT];
    int unreadable;   /* a reader error: syntax, envelope, gzip, limit */
    int io_error;     /* reading the input failed */
    int out_error;    /* writing an output failed */
    int have_where;
    x12_error where;
    x12_ledger_feed *feed; /* the ledger fed from this read */
    int feed_claims;       /* ... with the 837s (else the 835s; the other kind of a mixed
                              file is ingested by a second read, in batch_finish) */
    int spooled;           /* ... through a spool (several workers) */
    int feed_failed;       /* it said stop: x12_ledger_feed_end() tells why */
    int set_kind;          /* the set being read: 837, 835, 277, other (0) or none (-1) */
    int claims_open, rows_open, status_open; /* the conversions' outputs (opened at the first set) */
    int acks_in_open;           /* ... and at the first record of a received 999 or TA1 */
    int open_failed;            /* ... one could not be opened mid-read (reason set) */
} fctx;

static int open_claims(fctx *c);
static int open_rows(fctx *c);
static int open_status(fctx *c);
static void fail(batch_file *f, batch_outcome o, const char *fmt, const char *arg);

static const char *SEV[] = {"error", "warning", "info"};
static const char *LEVEL[] = {"claim", "line", "adjustment", "plb"};

static void on_finding(void *ctx, const x12_finding *fd)
{
    fctx *c = ctx;
    unsigned snip = fd->snip < 8 ? fd->snip : 0;
    c->f->counts.findings[snip][fd->severity <= X12_SEV_INFO ? fd->severity : 2]++;
    if (fd->severity == X12_SEV_ERROR && fd->err.code > X12_OK && fd->err.code < 50) {
        if (fd->err.code == X12_ERR_IO || fd->err.code == X12_ERR_NOMEM)
            c->io_error = 1;
        else
            c->unreadable = 1;
        if (!c->have_where) {
            c->where = fd->err;
            c->have_where = 1;
        }
    }
    if (c->ack)
        x12_ack_finding(c->ack, fd);
    if (c->feed)
        x12_ledger_feed_finding(c->feed, fd);
    json_t *o = json_object();
    json_object_set_new(o, "file", cli_jstr(c->f->rel));
    json_object_set_new(o, "severity", json_string(SEV[fd->severity <= 2 ? fd->severity : 2]));
    json_object_set_new(o, "snip", json_integer(fd->snip));
    json_object_set_new(o, "code", json_string(x12_status_name(fd->err.code)));
    json_object_set_new(o, "message", json_string(fd->err.msg));
    if (fd->err.detail[0])
        json_object_set_new(o, "detail", cli_jstr(fd->err.detail));
    json_object_set_new(o, "guide", json_string(fd->guide ? fd->guide : ""));
    json_object_set_new(o, "loop", json_string(fd->loop_id ? fd->loop_id : ""));
    json_object_set_new(o, "segment_index", json_integer(fd->err.segment_index));
    json_object_set_new(o, "set_position", json_integer(fd->err.set_position));
    json_object_set_new(o, "segment", json_string(fd->err.segment_id));
    json_object_set_new(o, "element", json_integer(fd->err.element_pos));
    json_object_set_new(o, "component", json_integer(fd->err.component_pos));
    json_object_set_new(o, "repetition", json_integer(fd->repetition_pos));
    json_object_set_new(o, "byte", json_integer((json_int_t)fd->err.byte_offset));
    if (fd->note)
        json_object_set_new(o, "note", cli_jstr(fd->note));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s || bout_write(&c->out[OUT_FINDINGS], s, strlen(s)) != 0 ||
        bout_write(&c->out[OUT_FINDINGS], "\n", 1) != 0)
        c->out_error = 1;
    free(s);
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    fctx *c = ctx;
    if (c->ack && x12_ack_event(c->ack, ev) != X12_OK)
        c->out_error = 1;
    return 0;
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    fctx *c = ctx;
    batch_counts *k = &c->f->counts;
    k->bytes = seg->byte_offset + seg->raw.len + 1;
    if (seg->id.len == 3 && memcmp(seg->id.ptr, "ISA", 3) == 0) {
        k->interchanges++;
    } else if (seg->id.len == 2 && memcmp(seg->id.ptr, "ST", 2) == 0) {
        x12_slice v = x12_segment_element(seg, 1);
        k->sets++;
        c->set_kind = 0;
        if (v.len == 3 && memcmp(v.ptr, "837", 3) == 0) {
            k->sets_837++;
            c->set_kind = 837;
        } else if (v.len == 3 && memcmp(v.ptr, "835", 3) == 0) {
            k->sets_835++;
            c->set_kind = 835;
        } else if (v.len == 3 && memcmp(v.ptr, "277", 3) == 0) {
            k->sets_277++;
            c->set_kind = 277;
        } else {
            k->sets_other++;
            /* a 997 answers as a 999 does: its records are read the same */
            if (v.len == 3 && (memcmp(v.ptr, "999", 3) == 0 || memcmp(v.ptr, "997", 3) == 0))
                c->set_kind = 999;
        }
        /* a file that holds both kinds gets both conversions */
        if ((c->set_kind == 837 && !c->claims_open && open_claims(c) != 0) ||
            (c->set_kind == 835 && !c->rows_open && open_rows(c) != 0) ||
            (c->set_kind == 277 && !c->status_open && open_status(c) != 0)) {
            c->open_failed = 1;
            return 1;
        }
    }
    if (x12_walker_segment(c->w, seg) == X12_ERR_NOMEM)
        return 1;
    /* Each reader gets the envelopes and the sets of its kind: a mixed
     * file's other sets are no concern of it (a set cut short ends at the
     * next envelope segment). */
    int kind = c->set_kind;
    /* (the ids compared below start with S, G, I or T: one test for the
     * rest, not six calls) */
    char c0 = seg->id.len ? seg->id.ptr[0] : 0;
    int env = c0 == 'S' || c0 == 'G' || c0 == 'I' || c0 == 'T';
    if (env && x12_slice_eq(seg->id, "SE")) {
        c->set_kind = -1;
    } else if (env && (x12_slice_eq(seg->id, "GE") || x12_slice_eq(seg->id, "GS") ||
                       x12_slice_eq(seg->id, "IEA") || x12_slice_eq(seg->id, "ISA"))) {
        kind = c->set_kind = -1;
    }
    if (c->cr && (kind < 0 || kind == 837) && x12_claim_reader_segment(c->cr, seg) == X12_ERR_NOMEM)
        return 1;
    if (c->rr && (kind < 0 || kind == 835) && x12_remit_reader_segment(c->rr, seg) == X12_ERR_NOMEM)
        return 1;
    if (c->sr && (kind < 0 || kind == 277) && x12_ack277_reader_segment(c->sr, seg) == X12_ERR_NOMEM)
        return 1;
    /* a received 999 (its sets) or TA1 (between ISA and GS) */
    if (c->ar && (kind == 999 || (env && x12_slice_eq(seg->id, "TA1"))) &&
        x12_ack_reader_segment(c->ar, seg) != X12_OK)
        return 1;
    return 0;
}

static void on_reader_error(void *ctx, const x12_error *e)
{
    fctx *c = ctx;
    x12_walker_reader_error(c->w, e);
    if (c->cr)
        x12_claim_reader_error(c->cr, e);
    if (c->rr)
        x12_remit_reader_error(c->rr, e);
    if (c->sr)
        x12_ack277_reader_error(c->sr, e);
}

static int on_claim(void *ctx, const x12_claim *claim, const x12_claim_context *cx)
{
    fctx *c = ctx;
    c->f->counts.claims++;
    c->f->counts.billed += claim->total_charge_cents;
    if (x12_claim_json_write(claim, &cx->header->submitter, &cx->header->receiver, bout_write,
                             &c->out[OUT_CLAIMS], NULL) != X12_OK)
        c->out_error = 1;
    if (c->feed && c->feed_claims && !c->feed_failed && x12_ledger_feed_claim(c->feed, claim, cx))
        c->feed_failed = 1;
    return 0;
}

/* The 837 and 835 readers' own errors (a value the model cannot hold, a
 * claim or claim payment not read), and their warnings of a second of a kind
 * the model holds one of: the validator says nothing of those, so they join
 * the file's findings.  (Their walkers' findings repeat the
 * validator's: left out.) */
static void on_claim_finding(void *ctx, const x12_finding *f)
{
    if ((f->severity == X12_SEV_ERROR && f->err.code >= X12_ERR_CLAIM_REQUIRED &&
         f->err.code <= X12_ERR_GUIDE_NOT_READ) ||
        /* a second of a kind the model holds one of, which the validator
         * may not see (an 835 claim's second DTM*232): the first is kept */
        cli_second_of_kind(f))
        on_finding(ctx, f);
}

static int on_remit_payment(void *ctx, const x12_remit_payment *p)
{
    fctx *c = ctx;
    if (c->feed && !c->feed_claims && !c->feed_failed && x12_ledger_feed_payment(c->feed, p))
        c->feed_failed = 1;
    return 0;
}

static int on_remit_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *cl,
                          const x12_remit_context *cx)
{
    (void)cx;
    fctx *c = ctx;
    c->f->counts.claim_payments++;
    c->f->counts.paid += cl->paid_cents;
    for (int i = 0; i < 8; i++)
        if (x12_remit_rows_claim(c->rows[i], p, cl) != X12_OK)
            c->out_error = 1;
    if (c->feed && !c->feed_claims && !c->feed_failed && x12_ledger_feed_remit(c->feed, p, cl))
        c->feed_failed = 1;
    return 0;
}

static int on_remit_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    fctx *c = ctx;
    for (int i = 0; i < 8; i++)
        if (x12_remit_rows_plb(c->rows[i], p, e) != X12_OK)
            c->out_error = 1;
    if (c->feed && !c->feed_claims && !c->feed_failed && x12_ledger_feed_plb(c->feed, p, e))
        c->feed_failed = 1;
    return 0;
}

/* A received 999/TA1 record: a line of OUT/status/REL.999.ndjson (opened at
 * the first); what it accepted and rejected counted. */
static int on_ack_in(void *ctx, const x12_ack_record *rec)
{
    fctx *c = ctx;
    batch_counts *k = &c->f->counts;
    if (rec->kind == X12_ACK_REC_SET_END) {
        if (!strcmp(rec->code, "A"))
            k->acks_in_accepted++;
        else if (!strcmp(rec->code, "E"))
            k->acks_in_with_errors++;
        else
            k->acks_in_rejected++;
    } else if (rec->kind == X12_ACK_REC_TA1 && !strcmp(rec->code, "R")) {
        k->ta1_in_rejected++;
    }
    if (!c->acks_in_open) {
        if (bout_open(c->r, &c->out[OUT_ACKS_IN], "status", c->f->rel, ".999.ndjson", 1) != 0) {
            fail(c->f, BO_FAILED, "cannot write to the output folder: %s", strerror(errno));
            c->open_failed = 1;
            return 1;
        }
        c->acks_in_open = 1;
    }
    char *s = cli_ack_record_json(c->f->rel, rec);
    if (!s || bout_write(&c->out[OUT_ACKS_IN], s, strlen(s)) != 0 ||
        bout_write(&c->out[OUT_ACKS_IN], "\n", 1) != 0)
        c->out_error = 1;
    free(s);
    return c->out_error;
}

/* A 277CA status record: a row in both formats; a claim's counted. */
static int on_ack277(void *ctx, const x12_ack277_status *s)
{
    fctx *c = ctx;
    if (s->level == X12_ACK277_CLAIM) {
        c->f->counts.claims_acknowledged++;
        c->f->counts.claims_rejected += strcmp(s->status, "rejected") == 0;
    }
    for (int i = 0; i < 2; i++)
        if (c->srows[i] && x12_ack277_rows_add(c->srows[i], s) != X12_OK)
            c->out_error = 1;
    return 0;
}

static void fail(batch_file *f, batch_outcome o, const char *fmt, const char *arg)
{
    f->outcome = o;
    snprintf(f->reason, sizeof f->reason, fmt, arg);
}

/* Copies the input to OUT/quarantine/REL and writes REL.error.txt beside it. */
static void quarantine(batch_run *r, batch_file *f, const x12_error *where)
{
    bout copy, rep;
    f->outcome = BO_QUARANTINED;
    if (bout_open(r, &copy, "quarantine", f->rel, "", 0) != 0) {
        fail(f, BO_FAILED, "cannot write to the quarantine: %s", strerror(errno));
        return;
    }
    FILE *in = fopen(f->path, "rb");
    char buf[1 << 15];
    size_t n;
    while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
        bout_write(&copy, buf, n);
    if (!in || ferror(in))
        copy.failed = 1;
    if (in)
        fclose(in);
    if (bout_commit(&copy) != 0) {
        fail(f, BO_FAILED, "cannot copy the file to the quarantine: %s", strerror(errno));
        return;
    }
    if (bout_open(r, &rep, "quarantine", f->rel, ".error.txt", 0) != 0) {
        fail(f, BO_FAILED, "cannot write to the quarantine: %s", strerror(errno));
        return;
    }
    char line[512];
    x12_error_format(where, line, sizeof line);
    fprintf(rep.f,
            "file: %s\nsha256: %s\nsegment: %lu\nsegment_id: %s\nelement: %u\ncomponent: %u\n"
            "byte: %llu\ncode: %s\nmessage: %s\n",
            f->rel, f->hex, (unsigned long)where->segment_index, where->segment_id,
            (unsigned)where->element_pos, (unsigned)where->component_pos,
            (unsigned long long)where->byte_offset,
            where->code ? x12_status_name(where->code) : "X12_ERR_NOT_X12", f->reason);
    fprintf(rep.f, "error: %s: %s\n", f->rel, line);
    if (bout_commit(&rep) != 0)
        fail(f, BO_FAILED, "cannot write the quarantine report: %s", strerror(errno));
}

static void close_all(fctx *c)
{
    /* a file that did not get through: nothing of it stays in the ledger,
     * and a spool begun for it goes */
    x12_ledger_feed_end(c->feed, X12_ERR_IO, NULL, NULL);
    if (c->feed && c->spooled) {
        char *spool = batch_spool_path(c->r, c->f);
        if (spool)
            unlink(spool);
        free(spool);
    }
    c->feed = NULL;
    x12_walker_free(c->w);
    x12_claim_reader_free(c->cr);
    x12_remit_reader_free(c->rr);
    x12_ack277_reader_free(c->sr);
    x12_ack_reader_free(c->ar);
    x12_ack_free(c->ack);
    for (int i = 0; i < 8; i++)
        x12_remit_rows_free(c->rows[i]);
    for (int i = 0; i < 2; i++)
        x12_ack277_rows_free(c->srows[i]);
    for (int i = 0; i < NOUT; i++)
        bout_discard(&c->out[i]);
}

/* The 837 conversion's output; on failure the file has failed (reason set). */
static int open_claims(fctx *c)
{
    if (bout_open(c->r, &c->out[OUT_CLAIMS], "claims", c->f->rel, ".claims.ndjson", 1) != 0)
        return fail(c->f, BO_FAILED, "cannot write to the output folder: %s", strerror(errno)), -1;
    c->claims_open = 1;
    return 0;
}

/* The 835 conversion's outputs: four levels, CSV and NDJSON. */
static int open_rows(fctx *c)
{
    for (int i = 0; i < 8; i++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, ".%s.%s", LEVEL[i % 4], i < 4 ? "csv" : "ndjson");
        if (bout_open(c->r, &c->out[OUT_ROWS + i], "remits", c->f->rel, suffix, 1) != 0)
            return fail(c->f, BO_FAILED, "cannot write to the output folder: %s", strerror(errno)),
                   -1;
        c->rows[i] = x12_remit_rows_new((x12_remit_level)(i % 4), i < 4 ? X12_ROWS_CSV : X12_ROWS_JSON,
                                        bout_write, &c->out[OUT_ROWS + i]);
        if (!c->rows[i])
            return fail(c->f, BO_FAILED, "%s", "out of memory"), -1;
        x12_remit_rows_set_file(c->rows[i], c->f->rel);
        x12_remit_rows_set_utf8(c->rows[i], c->r->utf8);
    }
    c->rows_open = 1;
    return 0;
}

/* The 277CA conversion's outputs: its status records, CSV and NDJSON. */
static int open_status(fctx *c)
{
    for (int i = 0; i < 2; i++) {
        if (bout_open(c->r, &c->out[OUT_STATUS + i], "status", c->f->rel, i ? ".277.ndjson" : ".277.csv",
                      1) != 0)
            return fail(c->f, BO_FAILED, "cannot write to the output folder: %s", strerror(errno)),
                   -1;
        c->srows[i] = x12_ack277_rows_new(0, i ? X12_ROWS_JSON : X12_ROWS_CSV, bout_write,
                                          &c->out[OUT_STATUS + i]);
        if (!c->srows[i])
            return fail(c->f, BO_FAILED, "%s", "out of memory"), -1;
        x12_ack277_rows_set_file(c->srows[i], c->f->rel);
        x12_ack277_rows_set_utf8(c->srows[i], c->r->utf8);
    }
    c->status_open = 1;
    return 0;
}

/* Stage 1: one pass over the file.  Returns 0 when it was read (with or
 * without findings), 1 when it must be quarantined, -1 on failure. */
static int stage_read(batch_run *r, batch_file *f, fctx *c)
{
    int is837 = strcmp(f->st01, "837") == 0, is835 = strcmp(f->st01, "835") == 0,
        is277 = strcmp(f->st01, "277") == 0;
    memset(c, 0, sizeof *c);
    c->r = r;
    c->f = f;
    x12_walker_callbacks wc = {on_event, on_finding};
    c->w = x12_walker_new(&wc, c, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES |
                                      (r->nearest ? X12_WALK_NEAREST_GUIDE : 0));
    if (!c->w)
        return fail(f, BO_FAILED, "%s", "out of memory"), -1;
    for (int k = 0; k < r->nspecs; k++)
        if (x12_walker_use_spec(c->w, r->specs[k]) != X12_OK)
            return fail(f, BO_FAILED, "%s", "out of memory"), -1;
    if (bout_open(r, &c->out[OUT_FINDINGS], "findings", f->rel, ".ndjson", 1) != 0)
        return fail(f, BO_FAILED, "cannot write to the output folder: %s", strerror(errno)), -1;
    /* Both readers, each fed the sets of its kind; the outputs of a kind are
     * opened with the file when its first set is of that kind, else at the
     * first set of it (a file that holds 837s and 835s gets both). */
    c->set_kind = -1;
    x12_claim_reader_callbacks ccb = {on_claim, on_claim_finding};
    c->cr = x12_claim_reader_new(&ccb, c, 0, NULL);
    x12_remit_callbacks rcb = {on_remit_payment, on_remit_claim, on_remit_plb, NULL, on_claim_finding};
    c->rr = x12_remit_reader_new(&rcb, c, 0, NULL);
    x12_ack277_callbacks scb = {on_ack277, on_claim_finding};
    c->sr = x12_ack277_reader_new(&scb, c, NULL);
    c->ar = x12_ack_reader_new(NULL, on_ack_in, c);
    if (c->ar)
        x12_ack_reader_on_finding(c->ar, on_claim_finding, c);
    if (!c->cr || !c->rr || !c->sr || !c->ar)
        return fail(f, BO_FAILED, "%s", "out of memory"), -1;
    for (int k = 0; k < r->nspecs; k++) {
        x12_claim_reader_use_spec(c->cr, r->specs[k]);
        x12_remit_reader_use_spec(c->rr, r->specs[k]);
    }
    if ((is837 && open_claims(c) != 0) || (is835 && open_rows(c) != 0) ||
        (is277 && open_status(c) != 0))
        return -1;
    if (r->ack) {
        x12_ack_options ao;
        x12_ack_options_init(&ao);
        ao.what = X12_ACK_999 | X12_ACK_TA1;
        ao.control_number = f->ack_base;
        ao.date = f->ack_date;
        ao.time = f->ack_time;
        if (bout_open(r, &c->out[OUT_ACK], "acks", f->rel, ".ack.x12", 0) != 0)
            return fail(f, BO_FAILED, "cannot write to the output folder: %s", strerror(errno)),
                   -1;
        c->ack = x12_ack_new(&ao, bout_write, &c->out[OUT_ACK], NULL);
        if (!c->ack)
            return fail(f, BO_FAILED, "%s", "cannot start the acknowledgement writer"), -1;
    }
    /* The ledger is fed from this read.  One worker feeds it directly, its
     * transaction ended after the outputs are in place (batch_process).
     * Workers beside each other spool it to OUT/.x12-batch/tmp instead, and
     * the parent alone adds the spools to the ledger (batch_finish): the
     * workers convert side by side and never wait for the ledger, and one
     * SQLite connection keeps its cache.  When another process holds the
     * ledger at the start, the file is ingested after, waiting then. */
    if (r->db && (is837 || is835)) {
        x12_error ferr;
        x12_ledger_feed_kind kind = is837 ? X12_LEDGER_FEED_CLAIMS : X12_LEDGER_FEED_REMITS;
        c->feed_claims = is837;
        if (r->jobs > 1) {
            char *spool = batch_spool_path(r, f);
            memset(&ferr, 0, sizeof ferr);
            if (!spool || x12_ledger_spool_new_file(kind, f->path, spool, &c->feed, &ferr) != X12_OK) {
                free(spool);
                return fail(f, BO_FAILED, "cannot write the ledger's spool in the output folder: %s",
                            ferr.detail[0] ? ferr.detail : "out of memory"),
                       -1;
            }
            free(spool);
            c->spooled = 1;
        } else if (r->ledger) {
            x12_ledger_set_busy_wait(r->ledger, 0);
            if (x12_ledger_feed_new(r->ledger, kind, f->path, &c->feed, &ferr) != X12_OK)
                c->feed = NULL;
            x12_ledger_set_busy_wait(r->ledger, BATCH_LEDGER_WAIT_MS);
        }
    }
    x12_reader_callbacks cb = {on_segment, on_reader_error};
    x12_status st = x12_read_file(f->path, &r->ropts, &cb, c);
    /* A file that changed since the folder was walked (one still being
     * uploaded, or replaced) may have been hashed and read at different
     * contents: nothing of this read is kept, and the next run does it.  (A
     * file removed after it was read was read whole: that is kept.) */
    struct stat now;
    if (stat(f->path, &now) == 0 &&
        ((uint64_t)now.st_size != f->size ||
         (int64_t)now.st_mtim.tv_sec * 1000000000 + now.st_mtim.tv_nsec != f->mtime_ns))
        return fail(f, BO_FAILED, "%s",
                    "the file changed while the batch read it (its size or modification time): "
                    "the next run does it"),
               -1;
    x12_walker_finish(c->w);
    if (c->cr)
        x12_claim_reader_finish(c->cr);
    if (c->rr)
        x12_remit_reader_finish(c->rr);
    if (c->sr)
        x12_ack277_reader_finish(c->sr);
    for (int i = 0; i < 2; i++)
        if (c->srows[i] && x12_ack277_rows_finish(c->srows[i]) != X12_OK)
            c->out_error = 1;
    for (int i = 0; i < 8; i++)
        if (c->rows[i] && x12_remit_rows_finish(c->rows[i]) != X12_OK)
            c->out_error = 1;
    for (int i = 0; i < 4; i++)
        f->counts.rows[i] = c->rows[i] ? (uint32_t)x12_remit_rows_count(c->rows[i]) : 0;
    if (c->ack) {
        x12_status as = x12_ack_finish(c->ack);
        x12_ack_summary s;
        x12_ack_get_summary(c->ack, &s);
        f->counts.acks = s.interchanges_written;
        f->counts.ack_accepted = s.sets_accepted;
        f->counts.ack_with_errors = s.sets_with_errors;
        f->counts.ack_rejected = s.sets_rejected;
        if (as == X12_ERR_ACK_NO_ISA && !s.interchanges_written) {
            bout_discard(&c->out[OUT_ACK]); /* nothing to answer */
        } else if (as == X12_ERR_ACK_NO_ISA) {
            /* the interchanges that could be read have their answers; the
             * one that could not is the file's unreadable part */
        } else if (as != X12_OK) {
            c->out_error = 1;
        } else if (s.interchanges_written > BATCH_ACK_BLOCK) {
            return fail(f, BO_FAILED, "%s",
                        "more interchanges than one block of acknowledgement control numbers"),
                   -1;
        }
    }
    if (c->open_failed)
        return -1;
    if (st == X12_ERR_NOMEM || c->io_error)
        return fail(f, BO_FAILED, "%s", c->have_where ? c->where.msg : "out of memory"), -1;
    if (c->unreadable || st == X12_ERR_GZIP || st == X12_ERR_LIMIT)
        return 1;
    if (c->out_error) {
        int err = 0;
        for (int i = 0; i < NOUT && !err; i++)
            err = c->out[i].failed ? c->out[i].err : 0;
        return fail(f, BO_FAILED, "writing an output failed: %s",
                    err ? strerror(err) : "the output writer stopped"),
               -1;
    }
    return 0;
}

/* Another worker may hold the ledger's write lock for longer than SQLite's
 * busy timeout (a large file is one transaction).  Ingest is idempotent and
 * all-or-nothing, so trying again is safe. */
static int ledger_busy(x12_status st, const x12_error *err)
{
    return st == X12_ERR_LEDGER && (strstr(err->detail, "locked") || strstr(err->detail, "busy"));
}

/* What an ingest (or a feed) of the file added, for its counts. */
/* kind: 837, 835 or 277 */
static void count_ingest(batch_file *f, int kind, const x12_ledger_ingest_stats *s)
{
    f->counts.ledger_added += s->claims;
    f->counts.ledger_known += kind == 835 ? s->payments_skipped : s->sets_skipped;
    f->counts.ledger_matched += s->matched;
}

/* The file failed in the ledger: not done, retried by the next run. */
static void ingest_failed(batch_file *f, x12_status st, const x12_error *err)
{
    f->outcome = BO_FAILED;
    f->where = *err;
    snprintf(f->reason, sizeof f->reason, "ledger ingest: %s%s%s", x12_status_message(st),
             err->detail[0] ? ": " : "", err->detail);
}

/* Ingests the 837 sets (claims) or the 835 payments of the file by reading
 * it again (when it could not be fed from the first read), waiting for
 * another worker that holds the ledger. */
/* kind: 837, 835 or 277 (the 277CA claim acknowledgements) */
static x12_status ingest_kind(batch_run *r, batch_file *f, int kind, x12_error *err)
{
    x12_ledger_ingest_stats s;
    x12_status st;
    for (int tries = 0;; tries++) {
        memset(&s, 0, sizeof s);
        memset(err, 0, sizeof *err);
        st = kind == 837   ? x12_ledger_ingest_claims(r->ledger, f->path, &r->ropts, NULL, NULL, &s, err)
             : kind == 835 ? x12_ledger_ingest_remits(r->ledger, f->path, &r->ropts, NULL, NULL, &s, err)
                           : x12_ledger_ingest_acks(r->ledger, f->path, &r->ropts, NULL, NULL, &s, err);
        if (!ledger_busy(st, err) || tries == 30)
            break;
    }
    if (st == X12_OK)
        count_ingest(f, kind, &s);
    return st;
}

/* Adds the spool of the file's read to the ledger, waiting for another
 * worker that holds it (a busy ledger leaves the spool to try again). */
static x12_status apply_spool(batch_run *r, x12_ledger_feed *spool, x12_ledger_ingest_stats *s,
                              x12_error *err)
{
    x12_status st;
    for (int tries = 0;; tries++) {
        st = x12_ledger_spool_apply(r->ledger, spool, X12_OK, s, err);
        if (!ledger_busy(st, err) || tries == 30)
            return st;
    }
}

static x12_status stage_ingest(batch_run *r, batch_file *f, int want837, int want835, int want277)
{
    if (!r->db || (!want837 && !want835 && !want277))
        return X12_OK;
    if (!r->ledger) { /* never skip the ledger quietly: the file is not done */
        f->outcome = BO_FAILED;
        snprintf(f->reason, sizeof f->reason, "ledger ingest: the ledger %s is not open", r->db);
        return X12_ERR_LEDGER;
    }
    x12_error err;
    x12_status st = X12_OK;
    const int want[3] = {want837, want835, want277}, kinds[3] = {837, 835, 277};
    for (int k = 0; k < 3 && st == X12_OK; k++)
        if (want[k])
            st = ingest_kind(r, f, kinds[k], &err);
    if (st != X12_OK)
        ingest_failed(f, st, &err);
    return st;
}

/* Unlinks the spool of a file that will not be added. */
static void drop_spool(batch_run *r, batch_file *f)
{
    if (!f->spooled)
        return;
    char *spool = batch_spool_path(r, f);
    if (spool)
        unlink(spool);
    free(spool);
    f->spooled = 0;
}

void batch_process(batch_run *r, batch_file *f)
{
    memset(&f->counts, 0, sizeof f->counts);
    f->reason[0] = '\0';
    f->has_errors = 0;
    f->spooled = f->ingest837 = f->ingest835 = f->ingest277 = 0;
    if (!f->is_x12) {
        if (f->where.code) { /* from identify: the gzip stream is broken */
            x12_error_format(&f->where, f->reason, sizeof f->reason);
        } else {
            snprintf(f->reason, sizeof f->reason, "not X12: no ISA at the start%s",
                     f->size == 0      ? " (empty file)"
                     : head_utf16(f) ? " (it looks like UTF-16 text: convert it to ASCII or UTF-8 first)"
                                       : "");
            f->where.code = X12_ERR_NOT_X12;
            f->where.msg = x12_status_message(X12_ERR_NOT_X12);
        }
        quarantine(r, f, &f->where);
        return;
    }
    memset(&f->where, 0, sizeof f->where);
    fctx c;
    int rc = stage_read(r, f, &c);
    if (rc < 0) {
        close_all(&c);
        return; /* failed: no done-marker, the next run tries again */
    }
    f->has_errors = batch_counts_errors(&f->counts) > 0;
    if (rc == 1) {
        f->where = c.have_where ? c.where : f->where;
        x12_error_format(&f->where, f->reason, sizeof f->reason);
        /* the acknowledgement of a file that cannot be read still goes out */
        if (c.ack && c.out[OUT_ACK].f && bout_commit(&c.out[OUT_ACK]) != 0) {
            close_all(&c);
            fail(f, BO_FAILED, "cannot write the acknowledgement: %s", strerror(errno));
            return;
        }
        close_all(&c);
        memset(&f->counts, 0, sizeof f->counts); /* nothing of it is kept */
        f->has_errors = 0;
        quarantine(r, f, &f->where);
        return;
    }
    for (int i = 0; i < NOUT; i++)
        if (c.out[i].f && bout_commit(&c.out[i]) != 0) {
            close_all(&c);
            fail(f, BO_FAILED, "cannot write an output: %s", strerror(errno));
            return;
        }
    int fed837 = 0, fed835 = 0;
    if (c.feed) { /* fed from the read */
        int is837 = strcmp(f->st01, "837") == 0;
        x12_error err;
        x12_status fs;
        if (c.spooled) { /* batch_finish adds it, in the parent */
            f->spooled = 1; /* from here on its file is removed if the file fails */
            fs = x12_ledger_spool_close(c.feed, X12_OK, &err);
        } else { /* the file's ledger transaction ends here */
            x12_ledger_ingest_stats s;
            fs = x12_ledger_feed_end(c.feed, X12_OK, &s, &err);
            if (fs == X12_OK)
                count_ingest(f, is837 ? 837 : 835, &s);
        }
        c.feed = NULL;
        if (fs != X12_OK) {
            close_all(&c);
            drop_spool(r, f);
            ingest_failed(f, fs, &err);
            return;
        }
        fed837 = is837;
        fed835 = !is837;
    }
    close_all(&c);
    /* sets of the other kind in the same file are read again by batch_finish */
    f->ingest837 = f->counts.sets_837 && !fed837;
    f->ingest835 = f->counts.sets_835 && !fed835;
    f->ingest277 = f->counts.sets_277 != 0; /* 277CAs are small: read again for the ledger */
    f->outcome = BO_DONE;
}

void batch_finish(batch_run *r, batch_file *f)
{
    if (f->outcome == BO_FAILED) {
        drop_spool(r, f);
        return;
    }
    if (f->spooled) {
        char *spool = batch_spool_path(r, f);
        x12_ledger_feed *sp = NULL;
        x12_ledger_ingest_stats s;
        x12_error err;
        memset(&err, 0, sizeof err);
        x12_status st = X12_ERR_NOMEM;
        if (!r->ledger) {
            st = X12_ERR_LEDGER;
            snprintf(err.detail, sizeof err.detail, "the ledger is not open");
        } else if (spool && (st = x12_ledger_spool_open(spool, &sp, &err)) == X12_OK) {
            st = apply_spool(r, sp, &s, &err);
            x12_ledger_feed_end(sp, X12_OK, NULL, NULL);
        }
        drop_spool(r, f);
        free(spool);
        if (st != X12_OK) {
            ingest_failed(f, st, &err);
            return;
        }
        count_ingest(f, strcmp(f->st01, "837") == 0 ? 837 : 835, &s);
    }
    if (stage_ingest(r, f, f->ingest837, f->ingest835, f->ingest277) != X12_OK)
        return;
    f->ingest837 = f->ingest835 = f->ingest277 = 0;
    if (batch_done_write(r, f) != 0)
        fail(f, BO_FAILED, "cannot write the done-marker: %s", strerror(errno));
}
