/* Spooled feeds: the records a file adds to the ledger (ledger_internal.h
 * "records"), written to an unlinked temporary file while the caller reads
 * the file, and applied to a ledger later in one transaction.  A worker of
 * `x12 batch --jobs N` so converts a file without holding the ledger's
 * write lock and holds it only while SQLite writes the rows.
 *
 * File format (private, never outlives the process): records, each a u32
 * payload length then the payload; the payload is the fields of the record
 * in the order x_rec() visits them, integers little-endian as in memory,
 * strings as a u32 length (UINT32_MAX for NULL) then the bytes and a NUL,
 * so that a string read back points into the payload. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger_internal.h"

#define SPOOL_BUFFER (1 << 16)

struct lg_spool {
    FILE *f;
    char *fbuf; /* the stream's buffer, ours so that writing never allocates */
    char *path; /* the input file, for the files row */
    int named;  /* written to a file the caller named (it ends with LG_REC_END) */
    int opened; /* read back from one: `end` says how its read ended */
    lg_spool_end end;
    char *buf;  /* one record's payload, written or read */
    size_t len, cap;
    int io_errno; /* a write failed: errno, else 0 */
};

/* --- record arrays ------------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < want)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

int lg_rec_reserve(lg_rec_buf *b, size_t lines, size_t adj, size_t rem, size_t rlines)
{
    lg_rec *r = &b->rec;
    if (grow((void **)&r->lines, &b->lines_cap, lines, sizeof *r->lines) ||
        grow((void **)&r->adj, &b->adj_cap, adj, sizeof *r->adj) ||
        grow((void **)&r->rem, &b->rem_cap, rem, sizeof *r->rem) ||
        grow((void **)&r->rlines, &b->rlines_cap, rlines, sizeof *r->rlines))
        return -1;
    return 0;
}

void lg_rec_buf_free(lg_rec_buf *b)
{
    free(b->rec.lines);
    free(b->rec.adj);
    free(b->rec.rem);
    free(b->rec.rlines);
    memset(b, 0, sizeof *b);
}

/* --- one function per record part, for both directions ----------------------- */

typedef struct lg_io {
    lg_spool *s;
    int reading;
    size_t pos;     /* reading: the next byte of s->buf */
    int bad;        /* writing: out of memory; reading: the payload is short or inconsistent */
    lg_rec_buf *rb; /* reading: where the arrays go */
} lg_io;

static void x_bytes(lg_io *io, void *p, size_t n)
{
    lg_spool *s = io->s;
    if (io->bad)
        return;
    if (io->reading) {
        if (n > s->len - io->pos) {
            io->bad = 1;
            memset(p, 0, n);
            return;
        }
        memcpy(p, s->buf + io->pos, n);
        io->pos += n;
        return;
    }
    if (grow((void **)&s->buf, &s->cap, s->len + n, 1)) {
        io->bad = 1;
        return;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

static void x_i64(lg_io *io, int64_t *v)
{
    x_bytes(io, v, sizeof *v);
}

static void x_u32(lg_io *io, uint32_t *v)
{
    x_bytes(io, v, sizeof *v);
}

static void x_int(lg_io *io, int *v)
{
    x_bytes(io, v, sizeof *v);
}

static void x_str(lg_io *io, const char **str)
{
    uint32_t n = *str && !io->reading ? (uint32_t)strlen(*str) : UINT32_MAX;
    x_u32(io, &n);
    if (io->bad)
        return;
    if (io->reading) {
        lg_spool *s = io->s;
        if (n == UINT32_MAX) {
            *str = NULL;
        } else if ((size_t)n >= s->len - io->pos || s->buf[io->pos + n] != '\0') {
            io->bad = 1;
            *str = "";
        } else {
            *str = s->buf + io->pos;
            io->pos += (size_t)n + 1;
        }
        return;
    }
    if (n != UINT32_MAX)
        x_bytes(io, (void *)(uintptr_t)*str, (size_t)n + 1);
}

/* A count of array items, each at least `min` bytes in the payload: read
 * back, it cannot ask for more than the payload holds. */
static void x_count(lg_io *io, uint32_t *n, size_t min)
{
    x_u32(io, n);
    if (io->reading && !io->bad && (size_t)*n > (io->s->len - io->pos) / min)
        io->bad = 1;
}

static void x_submission(lg_io *io, lg_submission *s)
{
    x_str(io, &s->sender);
    x_str(io, &s->isa13);
    x_str(io, &s->gs06);
    x_str(io, &s->st02);
    x_str(io, &s->guide);
    x_str(io, &s->created_date);
    x_str(io, &s->transaction_type);
}

static void x_claim(lg_io *io, lg_claim *c)
{
    x_str(io, &c->claim_id);
    x_i64(io, &c->billed);
    x_str(io, &c->frequency);
    x_str(io, &c->payer_claim_number);
    x_str(io, &c->payer_id);
    x_str(io, &c->payer_name);
    x_str(io, &c->subscriber_id);
    x_str(io, &c->patient_name);
    x_str(io, &c->billing_npi);
    x_str(io, &c->service_from);
    x_str(io, &c->service_to);
    x_count(io, &c->line_count, 4 * 5 + 8 + 4);
}

static void x_line(lg_io *io, lg_line *l)
{
    x_u32(io, &l->line_no);
    x_str(io, &l->line_control);
    x_str(io, &l->procedure);
    x_str(io, &l->modifiers);
    x_i64(io, &l->charge);
    x_str(io, &l->units);
    x_str(io, &l->service_date);
}

static void x_payment(lg_io *io, lg_payment *p)
{
    x_str(io, &p->payer_id);
    x_str(io, &p->trace_number);
    x_str(io, &p->payer_name);
    x_str(io, &p->payee_id);
    x_i64(io, &p->amount);
    x_str(io, &p->method);
    x_str(io, &p->payment_date);
}

static void x_remit(lg_io *io, lg_remit *r)
{
    x_str(io, &r->clp01);
    x_str(io, &r->status_code);
    x_i64(io, &r->billed);
    x_i64(io, &r->paid);
    x_i64(io, &r->patient_responsibility);
    x_str(io, &r->filing_indicator);
    x_str(io, &r->payer_claim_number);
    x_str(io, &r->original_reference);
    x_str(io, &r->crossover_name);
    for (int g = 0; g < 5; g++)
        x_i64(io, &r->adj[g]);
    x_str(io, &r->adj_detail);
    x_str(io, &r->remarks);
    x_i64(io, &r->allowed);
    x_u32(io, &r->line_count);
    x_u32(io, &r->lines_denied);
    if (io->reading) { /* matched when applied */
        r->claim_ref = 0;
        r->match_method = NULL;
    }
}

static void x_adj(lg_io *io, lg_adj *a)
{
    x_str(io, &a->group);
    x_str(io, &a->reason);
    x_str(io, &a->quantity);
    x_i64(io, &a->cents);
}

static void x_rline(lg_io *io, lg_rline_rec *lr)
{
    lg_rline *l = &lr->ln;
    x_u32(io, &l->line_no);
    x_str(io, &l->line_control);
    x_str(io, &l->procedure);
    x_str(io, &l->original_procedure);
    x_str(io, &l->modifiers);
    x_i64(io, &l->charge);
    x_i64(io, &l->paid);
    x_int(io, &l->has_allowed);
    x_i64(io, &l->allowed);
    x_str(io, &l->units);
    x_str(io, &l->service_date);
    x_u32(io, &lr->adj0);
    x_u32(io, &lr->nadj);
    x_u32(io, &lr->rem0);
    x_u32(io, &lr->nrem);
    if (io->reading) {
        l->claim_line_ref = 0;
        l->match_method = NULL;
    }
}

static void x_plb(lg_io *io, lg_plb_rec *p)
{
    x_str(io, &p->provider);
    x_str(io, &p->fiscal_date);
    x_str(io, &p->reason);
    x_str(io, &p->reference);
    x_i64(io, &p->cents);
}

/* Room for the arrays of a record being read. */
static void x_reserve(lg_io *io, size_t lines, size_t adj, size_t rem, size_t rlines)
{
    if (io->reading && !io->bad && lg_rec_reserve(io->rb, lines, adj, rem, rlines) != 0)
        io->bad = 2; /* out of memory */
}

static void x_rec(lg_io *io, lg_rec *r)
{
    uint32_t type = (uint32_t)r->type;
    x_u32(io, &type);
    r->type = (lg_rec_type)type;
    x_u32(io, &r->set);
    switch (r->type) {
    case LG_REC_SET:
        x_submission(io, &r->sub);
        break;
    case LG_REC_CLAIM:
        x_claim(io, &r->claim);
        x_reserve(io, r->claim.line_count, 0, 0, 0);
        for (uint32_t i = 0; i < r->claim.line_count && !io->bad; i++)
            x_line(io, &r->lines[i]);
        break;
    case LG_REC_PAYMENT:
        x_payment(io, &r->pay);
        break;
    case LG_REC_REMIT:
        x_remit(io, &r->remit);
        x_count(io, &r->nadj, 3 * 4 + 8);
        x_u32(io, &r->nclaim_adj);
        x_count(io, &r->nrem, 4);
        x_u32(io, &r->nclaim_rem);
        x_count(io, &r->nrlines, 7 * 4 + 4 * 8);
        x_reserve(io, 0, r->nadj, r->nrem, r->nrlines);
        for (uint32_t i = 0; i < r->nadj && !io->bad; i++)
            x_adj(io, &r->adj[i]);
        for (uint32_t i = 0; i < r->nrem && !io->bad; i++)
            x_str(io, &r->rem[i]);
        for (uint32_t i = 0; i < r->nrlines && !io->bad; i++) {
            lg_rline_rec *lr = &r->rlines[i];
            x_rline(io, lr);
            /* the ranges must lie in the arrays (a read-back check) */
            if (io->reading && ((uint64_t)lr->adj0 + lr->nadj > r->nadj ||
                                (uint64_t)lr->rem0 + lr->nrem > r->nrem))
                io->bad = 1;
        }
        if (io->reading && (r->nclaim_adj > r->nadj || r->nclaim_rem > r->nrem))
            io->bad = 1;
        break;
    case LG_REC_PLB:
        x_plb(io, &r->plb);
        break;
    case LG_REC_HEAD:
        x_u32(io, &r->kind);
        x_str(io, &r->path);
        break;
    case LG_REC_END: /* fixed size: found from the end of the file */
        x_u32(io, &r->end.read_status);
        x_u32(io, &r->end.errors);
        x_u32(io, &r->end.reader_error);
        x_u32(io, &r->end.fatal);
        break;
    default:
        io->bad = 1;
        break;
    }
}

/* --- writing -------------------------------------------------------------------- */

static FILE *temp_file(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (fd < 0) { /* a file system without O_TMPFILE: a named file, unlinked at once */
        size_t n = strlen(dir) + 32;
        char *name = malloc(n);
        if (!name)
            return NULL;
        snprintf(name, n, "%s/x12kit-spool-XXXXXX", dir);
        fd = mkstemp(name);
        if (fd >= 0)
            unlink(name);
        free(name);
        if (fd < 0)
            return NULL;
    }
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

x12_status lg_spool_put(lg_spool *s, const lg_rec *r)
{
    if (s->io_errno)
        return X12_ERR_IO;
    lg_io io = {s, 0, 0, 0, NULL};
    s->len = 0;
    x_rec(&io, (lg_rec *)(uintptr_t)r); /* writing only reads the record */
    if (io.bad)
        return X12_ERR_NOMEM;
    uint32_t n = (uint32_t)s->len;
    errno = 0;
    if (fwrite(&n, sizeof n, 1, s->f) != 1 || fwrite(s->buf, 1, s->len, s->f) != s->len) {
        s->io_errno = errno ? errno : EIO;
        return X12_ERR_IO;
    }
    return X12_OK;
}

void lg_spool_free(lg_spool *s)
{
    if (!s)
        return;
    if (s->f)
        fclose(s->f);
    free(s->fbuf);
    free(s->path);
    free(s->buf);
    free(s);
}

/* Reads the next record into rb; 1 when there is one, 0 at the end, -1
 * when the spool cannot be read back (X12_ERR_IO) or memory ran out
 * (X12_ERR_NOMEM) with *why set. */
static int next_record(lg_spool *s, lg_rec_buf *rb, x12_status *why)
{
    uint32_t n;
    size_t got = fread(&n, 1, sizeof n, s->f);
    if (got == 0 && feof(s->f))
        return 0;
    if (got != sizeof n) {
        *why = X12_ERR_IO;
        return -1;
    }
    if (grow((void **)&s->buf, &s->cap, n, 1)) {
        *why = X12_ERR_NOMEM;
        return -1;
    }
    s->len = n;
    if (fread(s->buf, 1, n, s->f) != n) {
        *why = X12_ERR_IO;
        return -1;
    }
    lg_io io = {s, 1, 0, 0, rb};
    x_rec(&io, &rb->rec);
    if (io.bad || io.pos != n) {
        *why = io.bad == 2 ? X12_ERR_NOMEM : X12_ERR_IO;
        return -1;
    }
    return 1;
}

/* A spool feed writing to `file`, or to an unlinked temporary file when NULL. */
static x12_status spool_start(x12_ledger_feed_kind kind, const char *path, const char *file,
                              x12_ledger_feed **out, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (out)
        *out = NULL;
    if (!path || !out || (kind != X12_LEDGER_FEED_CLAIMS && kind != X12_LEDGER_FEED_REMITS)) {
        lg_set_err(err, X12_ERR_USAGE, NULL, NULL);
        return X12_ERR_USAGE;
    }
    lg_spool *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path)) || !(s->fbuf = malloc(SPOOL_BUFFER))) {
        lg_spool_free(s);
        lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
        return X12_ERR_NOMEM;
    }
    x12_ledger_feed *f;
    x12_status st = lg_feed_make(kind, NULL, path, &f, err);
    if (st != X12_OK) {
        lg_spool_free(s);
        return st;
    }
    ((lg_ingest *)f->in)->spool = s; /* freed with the feed from here on */
    s->named = file != NULL;
    if (!(s->f = file ? fopen(file, "w+b") : temp_file())) {
        int e = errno;
        st = e == ENOMEM ? X12_ERR_NOMEM : X12_ERR_IO;
        lg_feed_free(f);
        lg_set_err(err, st, st == X12_ERR_IO ? "cannot make the spool's file" : NULL,
                   st == X12_ERR_IO ? strerror(e) : NULL);
        return st;
    }
    setvbuf(s->f, s->fbuf, _IOFBF, SPOOL_BUFFER);
    if (s->named) {
        lg_rec head;
        memset(&head, 0, sizeof head);
        head.type = LG_REC_HEAD;
        head.kind = (uint32_t)kind;
        head.path = path;
        st = lg_spool_put(s, &head);
        if (st != X12_OK) {
            lg_set_err(err, st, st == X12_ERR_IO ? "cannot write the spool's file" : NULL,
                       st == X12_ERR_IO ? strerror(s->io_errno) : NULL);
            lg_feed_free(f);
            return st;
        }
    }
    *out = f;
    return X12_OK;
}

X12_API x12_status x12_ledger_spool_new(x12_ledger_feed_kind kind, const char *path,
                                        x12_ledger_feed **out, x12_error *err)
{
    return spool_start(kind, path, NULL, out, err);
}

X12_API x12_status x12_ledger_spool_new_file(x12_ledger_feed_kind kind, const char *path,
                                             const char *file, x12_ledger_feed **out,
                                             x12_error *err)
{
    if (!file) {
        if (out)
            *out = NULL;
        lg_set_err(err, X12_ERR_USAGE, NULL, NULL);
        return X12_ERR_USAGE;
    }
    return spool_start(kind, path, file, out, err);
}

X12_API x12_status x12_ledger_spool_close(x12_ledger_feed *f, x12_status read_status, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    lg_ingest *in = f ? f->in : NULL;
    lg_spool *s = in ? in->spool : NULL;
    if (!s || !s->named || s->opened) {
        lg_set_err(err, X12_ERR_USAGE, "not a spool being written to a named file", NULL);
        x12_ledger_feed_end(f, X12_OK, NULL, NULL);
        return X12_ERR_USAGE;
    }
    lg_rec end;
    memset(&end, 0, sizeof end);
    end.type = LG_REC_END;
    end.end = (lg_spool_end){(uint32_t)read_status, in->st.errors, (uint32_t)in->reader_error,
                             (uint32_t)in->fatal};
    x12_status st = lg_spool_put(s, &end);
    errno = 0;
    if (st == X12_OK && fflush(s->f) != 0) {
        s->io_errno = errno ? errno : EIO;
        st = X12_ERR_IO;
    }
    FILE *fp = s->f;
    s->f = NULL;
    if (fclose(fp) != 0 && st == X12_OK) {
        s->io_errno = errno ? errno : EIO;
        st = X12_ERR_IO;
    }
    if (st != X12_OK)
        lg_set_err(err, st, st == X12_ERR_IO ? "cannot write the spool's file" : NULL,
                  st == X12_ERR_IO ? strerror(s->io_errno) : NULL);
    x12_ledger_feed_end(f, X12_OK, NULL, NULL);
    return st;
}

/* The fixed size of an LG_REC_END record on file: length, type, set, four fields. */
#define END_RECORD_SIZE (4 + 4 + 4 + 4 * 4)

static x12_status bad_file(x12_error *err, const char *why)
{
    lg_set_err(err, X12_ERR_IO, "not a whole spool file", why);
    return X12_ERR_IO;
}

X12_API x12_status x12_ledger_spool_open(const char *file, x12_ledger_feed **out, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (out)
        *out = NULL;
    if (!file || !out) {
        lg_set_err(err, X12_ERR_USAGE, NULL, NULL);
        return X12_ERR_USAGE;
    }
    lg_spool *s = calloc(1, sizeof *s);
    if (!s) {
        lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
        return X12_ERR_NOMEM;
    }
    if (!(s->f = fopen(file, "rb"))) {
        int e = errno;
        lg_spool_free(s);
        if (e == ENOMEM) {
            lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
            return X12_ERR_NOMEM;
        }
        lg_set_err(err, X12_ERR_IO, "cannot open the spool's file", strerror(e));
        return X12_ERR_IO;
    }
    s->named = s->opened = 1;
    lg_rec_buf rb;
    memset(&rb, 0, sizeof rb);
    x12_status why = X12_OK;
    x12_status st = X12_OK;
    /* the head: kind and input path */
    if (next_record(s, &rb, &why) != 1 || rb.rec.type != LG_REC_HEAD ||
        (rb.rec.kind != X12_LEDGER_FEED_CLAIMS && rb.rec.kind != X12_LEDGER_FEED_REMITS) ||
        !rb.rec.path) {
        st = why == X12_ERR_NOMEM ? X12_ERR_NOMEM : bad_file(err, "no head");
    } else if (!(s->path = strdup(rb.rec.path))) {
        st = X12_ERR_NOMEM;
    }
    x12_ledger_feed_kind kind = (x12_ledger_feed_kind)rb.rec.kind;
    /* the end, last and of a fixed size: a spool cut short has none */
    if (st == X12_OK) {
        uint32_t n = 0;
        if (fseek(s->f, -(long)END_RECORD_SIZE, SEEK_END) != 0 || fread(&n, sizeof n, 1, s->f) != 1 ||
            n != END_RECORD_SIZE - 4 || grow((void **)&s->buf, &s->cap, n, 1) != 0 ||
            fread(s->buf, 1, n, s->f) != n) {
            st = bad_file(err, "no end");
        } else {
            s->len = n;
            lg_io io = {s, 1, 0, 0, &rb};
            x_rec(&io, &rb.rec);
            if (io.bad || rb.rec.type != LG_REC_END)
                st = bad_file(err, "no end");
            else
                s->end = rb.rec.end;
        }
    }
    lg_rec_buf_free(&rb);
    if (st == X12_ERR_NOMEM)
        lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
    x12_ledger_feed *f = NULL;
    if (st == X12_OK)
        st = lg_feed_make(kind, NULL, s->path, &f, err);
    if (st != X12_OK) {
        lg_spool_free(s);
        return st;
    }
    lg_ingest *in = f->in;
    in->spool = s;
    in->st.errors = s->end.errors;
    in->reader_error = (int)s->end.reader_error;
    in->fatal = (x12_status)s->end.fatal;
    *out = f;
    return X12_OK;
}

/* --- applying ------------------------------------------------------------------- */

X12_API x12_status x12_ledger_spool_apply(x12_ledger *l, x12_ledger_feed *f, x12_status read_status,
                                          x12_ledger_ingest_stats *stats, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (stats)
        memset(stats, 0, sizeof *stats);
    lg_ingest *src = f ? f->in : NULL;
    lg_spool *s = src ? src->spool : NULL;
    if (!l || !s) {
        lg_set_err(err, X12_ERR_USAGE, "not a spooled feed", NULL);
        return X12_ERR_USAGE;
    }
    if (src->fatal == X12_ERR_NOMEM) { /* the records could not all be made */
        lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
        return X12_ERR_NOMEM;
    }
    errno = 0;
    if (s->io_errno || src->fatal == X12_ERR_IO || (!s->opened && fflush(s->f) != 0)) {
        int e = s->io_errno ? s->io_errno : errno;
        lg_set_err(err, X12_ERR_IO, "the spool could not be written", e ? strerror(e) : NULL);
        return X12_ERR_IO;
    }
    /* a spool read back from its file: how its read ended is in the file */
    if (s->opened && read_status == X12_OK)
        read_status = (x12_status)s->end.read_status;
    /* a fresh ingest state each time: a busy ledger changes nothing, and
     * the spool can be applied again */
    x12_ledger_feed *a;
    x12_status st = lg_feed_make(f->kind, l, s->path, &a, err);
    if (st != X12_OK)
        return st;
    lg_ingest *in = a->in;
    in->st.errors = src->st.errors;
    in->reader_error = src->reader_error;
    if (!in->reader_error && (read_status == X12_OK || read_status == X12_ERR_STOPPED)) {
        lg_rec_buf rb;
        memset(&rb, 0, sizeof rb);
        int (*apply)(void *, const lg_rec *) =
            f->kind == X12_LEDGER_FEED_CLAIMS ? lg_claims_apply : lg_remits_apply;
        rewind(s->f);
        x12_status why = X12_OK;
        while (!in->fatal && next_record(s, &rb, &why) > 0 && rb.rec.type != LG_REC_END)
            apply(in, &rb.rec); /* (the head of a named spool is none of theirs) */
        if (!in->fatal && why != X12_OK) {
            in->fatal = why;
            if (why == X12_ERR_IO)
                lg_set_err(&a->err, X12_ERR_IO, "the spool could not be read back", NULL);
        }
        lg_rec_buf_free(&rb);
        fseek(s->f, 0, SEEK_END); /* a feed call after this appends */
    }
    st = lg_ingest_end(in, read_status, NULL, stats);
    if (err)
        *err = a->err;
    lg_feed_free(a);
    return st;
}
