/* Ingesting 277CA claim acknowledgements (005010X214) into the ledger: each
 * claim record (2200D) the 277CA reader hands out becomes a claim_acks row,
 * under the ack_sets row of its transaction set.  A set already in the
 * ledger (the same ISA06, ISA13, GS06 and ST02) is skipped whole; the file is
 * one SQL transaction, kept whole or not at all, as the 837 and 835 ingests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/ack277.h>

#include "internal.h"
#include "ledger_internal.h"

typedef struct ing277 {
    lg_ingest b; /* first */
    x12_ack277_reader *r;
    sqlite3_stmt *find, *add_set, *add_ack;
    char sender[16], isa13[16], gs06[16], st02[16];
    int in_set;     /* a 277 set the ledger does not have yet is being read */
    int64_t set_id; /* its row, added with its first claim record; 0 until then */
} ing277;

static const char *const SQL[3] = {
    "SELECT 1 FROM ack_sets WHERE sender = ?1 AND isa13 = ?2 AND gs06 = ?3 AND st02 = ?4",
    "INSERT INTO ack_sets (path, sender, isa13, gs06, st02) VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO claim_acks (ack_set, claim_id, status, category, status_code, entity, action,"
    " status_date, codes, payer_claim_number, charge) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
    " ?10, ?11)",
};

/* An element of `seg`, trimmed of the ISA's padding, into out. */
static void copy_el(char *out, size_t cap, const x12_segment *seg, unsigned pos)
{
    x12_slice v = x12_segment_element(seg, pos);
    while (v.len && v.ptr[v.len - 1] == ' ')
        v.len--;
    size_t n = v.len < cap - 1 ? v.len : cap - 1;
    memcpy(out, v.ptr ? v.ptr : "", n);
    out[n] = '\0';
}

static int step_done(ing277 *in, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        in->b.fatal = lg_fail_rc(in->b.l, in->b.err, what, rc);
        return -1;
    }
    return 0;
}

/* A 277 set begins: read unless the ledger has it. */
static void set_start(ing277 *in, const x12_segment *st)
{
    in->set_id = 0;
    in->in_set = 0;
    copy_el(in->st02, sizeof in->st02, st, 2);
    sqlite3_bind_text(in->find, 1, in->sender, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->find, 2, in->isa13, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->find, 3, in->gs06, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->find, 4, in->st02, -1, SQLITE_STATIC);
    int rc = sqlite3_step(in->find);
    sqlite3_reset(in->find);
    sqlite3_clear_bindings(in->find);
    if (rc == SQLITE_ROW)
        in->b.st.sets_skipped++;
    else if (rc != SQLITE_DONE)
        in->b.fatal = lg_fail_rc(in->b.l, in->b.err, "looking up a 277CA set", rc);
    else
        in->in_set = 1;
}

/* The set's row, at its first claim record (a set of a guide not read, or
 * without claims, leaves nothing).  0, or -1 when the ledger failed. */
static int set_row(ing277 *in)
{
    if (in->set_id)
        return 0;
    sqlite3_bind_text(in->add_set, 1, in->b.path, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->add_set, 2, in->sender, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->add_set, 3, in->isa13, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->add_set, 4, in->gs06, -1, SQLITE_STATIC);
    sqlite3_bind_text(in->add_set, 5, in->st02, -1, SQLITE_STATIC);
    if (step_done(in, in->add_set, "adding a 277CA set") != 0)
        return -1;
    in->set_id = sqlite3_last_insert_rowid(in->b.l->db);
    in->b.file_id = in->set_id; /* something was added: the file commits */
    in->b.st.sets++;
    return 0;
}

static int on_status(void *ctx, const x12_ack277_status *s)
{
    ing277 *in = ctx;
    if (s->level != X12_ACK277_CLAIM || !in->in_set || in->b.fatal || set_row(in) != 0)
        return in->b.fatal != X12_OK;
    sqlite3_stmt *a = in->add_ack;
    const char *t[] = {s->claim_id, s->status,      s->category, s->status_code,
                       s->entity,   s->action,      s->status_date, s->codes,
                       s->payer_claim_number};
    sqlite3_bind_int64(a, 1, in->set_id);
    for (int i = 0; i < 9; i++)
        sqlite3_bind_text(a, i + 2, t[i], -1, SQLITE_STATIC);
    if (s->has_amount)
        sqlite3_bind_int64(a, 11, s->amount_cents);
    else
        sqlite3_bind_null(a, 11);
    if (step_done(in, a, "adding a claim acknowledgement") == 0)
        in->b.st.claims++;
    return in->b.fatal != X12_OK;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    lg_ingest_finding(&((ing277 *)ctx)->b, f);
}

/* Every segment goes to the 277CA reader; the envelope is watched here for
 * the set's key. */
static int on_segment(void *ctx, const x12_segment *seg)
{
    ing277 *in = ctx;
    x12_slice id = seg->id;
    if (x12_slice_eq(id, "ISA")) {
        copy_el(in->sender, sizeof in->sender, seg, 6);
        copy_el(in->isa13, sizeof in->isa13, seg, 13);
    } else if (x12_slice_eq(id, "GS")) {
        copy_el(in->gs06, sizeof in->gs06, seg, 6);
    } else if (x12_slice_eq(id, "ST")) {
        in->set_id = 0;
        in->in_set = 0;
        if (x12_slice_eq(x12_segment_element(seg, 1), "277"))
            set_start(in, seg);
    }
    x12_status s = x12_ack277_reader_segment(in->r, seg);
    if (s == X12_ERR_NOMEM && !in->b.fatal)
        in->b.fatal = X12_ERR_NOMEM;
    return in->b.fatal != X12_OK;
}

static void on_error(void *ctx, const x12_error *e)
{
    x12_ack277_reader_error(((ing277 *)ctx)->r, e);
}

X12_API x12_status x12_ledger_ingest_acks(x12_ledger *l, const char *path,
                                          const x12_reader_options *ro,
                                          x12_ledger_finding_fn fn, void *ctx,
                                          x12_ledger_ingest_stats *stats, x12_error *err)
{
    ing277 in;
    memset(&in, 0, sizeof in);
    x12_status st = lg_ingest_start(&in.b, l, "277", path, ro, fn, ctx, stats, err);
    if (st != X12_OK)
        return st;
    sqlite3_stmt **slot[3] = {&in.find, &in.add_set, &in.add_ack};
    for (int i = 0; i < 3 && !in.b.fatal; i++)
        if (!(*slot[i] = lg_prepare(l, SQL[i], err)))
            in.b.fatal = l->fail;
    x12_ack277_callbacks cb = {on_status, on_finding};
    if (!in.b.fatal && !(in.r = x12_ack277_reader_new(&cb, &in, in.b.ro.alloc)))
        in.b.fatal = X12_ERR_NOMEM;
    x12_error rerr;
    memset(&rerr, 0, sizeof rerr);
    x12_status rs = X12_OK;
    if (!in.b.fatal) {
        x12_reader_callbacks rc = {on_segment, on_error};
        rs = x12_read_file(path, &in.b.ro, &rc, &in);
        if (rs != X12_OK && rs != X12_ERR_STOPPED) {
            rerr.code = rs;
            rerr.msg = x12_status_message(rs);
        }
        x12_status fs = x12_ack277_reader_finish(in.r);
        if (fs == X12_ERR_NOMEM && !in.b.fatal)
            in.b.fatal = X12_ERR_NOMEM;
        if (rs == X12_ERR_STOPPED && !in.b.fatal)
            rs = X12_OK;
    }
    x12_ack277_reader_free(in.r);
    for (int i = 0; i < 3; i++)
        sqlite3_finalize(*slot[i]);
    return lg_ingest_end(&in.b, rs, &rerr, stats);
}
