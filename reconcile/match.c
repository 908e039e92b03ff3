/* Matching claim payments (835 CLP) to submitted claims (837 CLM), and
 * service-line payments (SVC) to submitted lines.  The rules, in order, are
 * in docs/ledger.md ("Matching"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_internal.h"

typedef struct matcher {
    x12_ledger *l;
    sqlite3_stmt *unmatched, *remit, *by_claim_id, *by_icn_matched, *by_claim_icn, *set_claim;
    sqlite3_stmt *rlines, *set_line, *by_claim_prefix;
    lg_clines cl;
} matcher;

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

static void matcher_free(matcher *m)
{
    sqlite3_finalize(m->unmatched);
    sqlite3_finalize(m->remit);
    sqlite3_finalize(m->by_claim_id);
    sqlite3_finalize(m->by_icn_matched);
    sqlite3_finalize(m->by_claim_icn);
    sqlite3_finalize(m->set_claim);
    sqlite3_finalize(m->rlines);
    sqlite3_finalize(m->set_line);
    sqlite3_finalize(m->by_claim_prefix);
    lg_clines_free(&m->cl);
}

/* The matcher's statements, one per matcher field in this order.  Each one
 * that runs per payment or per line must find its rows through an index
 * (tests/test_ledger.c checks the plans): a per-payment scan made matching
 * quadratic once. */
const char *const lg_match_sql[] = {
    /* unmatched */
    "SELECT id FROM remit_claims WHERE claim_ref IS NULL ORDER BY id",
    /* remit */
    "SELECT clp01, status_code, payer_claim_number, original_reference"
    " FROM remit_claims WHERE id = ?1",
    /* by_claim_id */
    "SELECT id, frequency, payer_claim_number FROM claims WHERE claim_id = ?1 ORDER BY id",
    /* by_icn_matched: the claim that an earlier payment with this payer claim number went to */
    "SELECT claim_ref FROM remit_claims WHERE payer_claim_number = ?1 AND payer_claim_number <> ''"
    " AND claim_ref IS NOT NULL AND id <> ?2 ORDER BY id LIMIT 1",
    /* by_claim_icn: a replacement or void claim that names the payer claim
     * number (REF*F8); written so that the partial index on
     * payer_claim_number <> '' is usable (with "?1 <> ''" SQLite scanned
     * every claim for each payment it could not match by CLP01) */
    "SELECT id FROM claims WHERE payer_claim_number = ?1 AND payer_claim_number <> ''"
    " ORDER BY id DESC LIMIT 1",
    /* set_claim */
    "UPDATE remit_claims SET claim_ref = ?1, match_method = ?2 WHERE id = ?3",
    /* rlines */
    "SELECT id, line_control, procedure, original_procedure, modifiers, charge, service_date"
    " FROM remit_lines WHERE remit_claim = ?1 AND claim_line_ref IS NULL ORDER BY line_no, id",
    /* set_line */
    "UPDATE remit_lines SET claim_line_ref = ?1, match_method = ?2 WHERE id = ?3",
    /* by_claim_prefix: the claims whose CLM01 is longer than and starts with
     * ?1 (a CLP01 cut to 20 characters; claim ids compare bytewise, and no
     * id byte is 0xFF in UTF-8) */
    "SELECT id, frequency, payer_claim_number, claim_id FROM claims"
    " WHERE claim_id > ?1 AND claim_id < ?1 || x'ff' ORDER BY id",
    NULL};

static x12_status matcher_init(matcher *m, x12_ledger *l, x12_error *err)
{
    memset(m, 0, sizeof *m);
    m->l = l;
    sqlite3_stmt **slot[] = {&m->unmatched,    &m->remit,     &m->by_claim_id,
                             &m->by_icn_matched, &m->by_claim_icn, &m->set_claim,
                             &m->rlines,       &m->set_line,  &m->by_claim_prefix};
    for (size_t i = 0; i < sizeof slot / sizeof slot[0]; i++)
        if (!(*slot[i] = lg_prepare(l, lg_match_sql[i], err))) {
            matcher_free(m);
            return l->fail;
        }
    return X12_OK;
}

/* Steps a one-column id query; returns the id, 0 for none, -1 on error. */
static int64_t step_id(x12_ledger *l, sqlite3_stmt *s, x12_error *err)
{
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        lg_fail_rc(l, err, "matching", rc);
        return -1;
    }
    return id;
}

typedef struct candidate {
    int64_t id;
    char frequency[4];
    char icn[64];
} candidate;

/* Reads the candidates a query returns (id, frequency, payer claim number,
 * and with `ids` the claim id, which must be one and the same in every row:
 * else none is returned).  Returns how many, or -1 (st set). */
static long candidates(matcher *m, sqlite3_stmt *q, candidate **cand, size_t *cap, int ids,
                       x12_status *st, x12_error *err)
{
    size_t n = 0;
    int rc, same = 1;
    char first[128] = "";
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == *cap) {
            size_t nc = *cap ? *cap * 2 : 8;
            candidate *p = realloc(*cand, nc * sizeof *p);
            if (!p) {
                *st = X12_ERR_NOMEM;
                break;
            }
            *cand = p;
            *cap = nc;
        }
        (*cand)[n].id = sqlite3_column_int64(q, 0);
        lg_copy((*cand)[n].frequency, sizeof (*cand)[n].frequency, col_text(q, 1));
        lg_copy((*cand)[n].icn, sizeof (*cand)[n].icn, col_text(q, 2));
        if (ids) {
            if (!n)
                lg_copy(first, sizeof first, col_text(q, 3));
            else if (strcmp(first, col_text(q, 3)) != 0)
                same = 0;
        }
        n++;
    }
    if (*st == X12_OK && rc != SQLITE_DONE)
        *st = lg_fail_rc(m->l, err, "reading the claims of a payment", rc);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (*st != X12_OK)
        return -1;
    return same ? (long)n : 0;
}

/* Text is bound SQLITE_STATIC: a copy (SQLITE_TRANSIENT) needs memory, and
 * a bind that fails leaves the parameter NULL, which matches nothing.  The
 * buffers (locals, and columns of m->rlines) outlive each step. */

/* Chooses among claims sharing CLM01 = CLP01.  005010X221A1 2100 CLP02 22 is
 * a reversal: it goes where the payment it reverses (same CLP07) went.  A
 * corrected payment (REF*F8 = the original's CLP07) goes to the replacement
 * claim (CLM05-3 7) naming that number, else to the latest claim that is not
 * a void. */
static int64_t choose(matcher *m, int64_t remit_id, const char *status, const char *icn,
                      const char *orig, const candidate *c, size_t n, const char **how,
                      x12_error *err)
{
    if (n == 1) {
        *how = "claim_id";
        return c[0].id;
    }
    if (strcmp(status, "22") == 0 && icn[0]) {
        sqlite3_bind_text(m->by_icn_matched, 1, icn, -1, SQLITE_STATIC);
        sqlite3_bind_int64(m->by_icn_matched, 2, remit_id);
        int64_t id = step_id(m->l, m->by_icn_matched, err);
        if (id < 0)
            return -1;
        for (size_t i = 0; id && i < n; i++)
            if (c[i].id == id) {
                *how = "reversal";
                return id;
            }
        /* the reversed payment predates the ledger: it paid the first claim
         * that does not replace it (REF*F8 = its CLP07); when every one
         * does (one replacement sent twice), it goes where its correction
         * goes, the latest (below) */
        for (size_t i = 0; i < n; i++)
            if (strcmp(c[i].icn, icn) != 0) {
                *how = "claim_id";
                return c[i].id;
            }
        *how = "replacement";
        return c[n - 1].id;
    }
    const char *ref = orig[0] ? orig : NULL;
    for (size_t i = n; ref && i-- > 0;)
        if (strcmp(c[i].frequency, "7") == 0 && strcmp(c[i].icn, ref) == 0) {
            *how = "replacement";
            return c[i].id;
        }
    /* A claim whose REF*F8 is this payment's own CLP07 replaces or voids
     * it: the payment belongs to an earlier claim. */
    for (size_t i = n; i-- > 0;)
        if (strcmp(c[i].frequency, "8") != 0 && !(icn[0] && strcmp(c[i].icn, icn) == 0)) {
            *how = "latest";
            return c[i].id;
        }
    for (size_t i = 0; i < n; i++)
        if (!(icn[0] && strcmp(c[i].icn, icn) == 0)) {
            *how = "latest";
            return c[i].id;
        }
    *how = "latest";
    return c[n - 1].id;
}

/* --- service lines, matched in memory -------------------------------------- */

static size_t cl_text(lg_clines *c, const unsigned char *t, int *oom)
{
    size_t n = t ? strlen((const char *)t) : 0;
    if (c->tlen + n + 1 > c->tcap) {
        size_t nc = c->tcap ? c->tcap * 2 : 1024;
        while (nc < c->tlen + n + 1)
            nc *= 2;
        char *p = realloc(c->text, nc);
        if (!p) {
            *oom = 1;
            return 0;
        }
        c->text = p;
        c->tcap = nc;
    }
    size_t at = c->tlen;
    if (n)
        memcpy(c->text + at, t, n);
    c->text[at + n] = '\0';
    c->tlen += n + 1;
    return at;
}

/* Adds the line in columns first.. of `s` (id, line_control, procedure,
 * modifiers, charge, service_date).  Returns 0, or -1 out of memory. */
static int cl_add(lg_clines *c, sqlite3_stmt *s, int first)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        lg_cline *p = realloc(c->v, nc * sizeof *p);
        if (!p)
            return -1;
        c->v = p;
        c->cap = nc;
    }
    int oom = 0;
    lg_cline *x = &c->v[c->n];
    x->id = sqlite3_column_int64(s, first);
    x->control = cl_text(c, sqlite3_column_text(s, first + 1), &oom);
    x->proc = cl_text(c, sqlite3_column_text(s, first + 2), &oom);
    x->mods = cl_text(c, sqlite3_column_text(s, first + 3), &oom);
    x->charge = sqlite3_column_int64(s, first + 4);
    x->date = cl_text(c, sqlite3_column_text(s, first + 5), &oom);
    x->taken = 0;
    if (oom)
        return -1;
    c->n++;
    return 0;
}

x12_status lg_clines_load(x12_ledger *l, int64_t claim, lg_clines *c, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_CLAIM_LINES];
    c->n = c->tlen = 0;
    sqlite3_bind_int64(s, 1, claim);
    int rc, oom = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if ((oom = cl_add(c, s, 0) != 0))
            break;
    sqlite3_reset(s);
    if (oom || rc != SQLITE_DONE) {
        c->n = 0;
        return lg_fail_rc(l, err, "reading a claim's lines", oom ? SQLITE_NOMEM : rc);
    }
    return X12_OK;
}

int64_t lg_claim_only(x12_ledger *l, const char *claim_id, lg_clines *c, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_CLAIM_ONLY];
    c->n = c->tlen = 0;
    sqlite3_bind_text(s, 1, claim_id, -1, SQLITE_STATIC);
    int rc, oom = 0;
    int64_t claim = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (claim && id != claim) {
            claim = 0; /* several claims have the id: x12_ledger_match() chooses */
            rc = SQLITE_DONE;
            break;
        }
        claim = id;
        if (sqlite3_column_type(s, 1) != SQLITE_NULL && (oom = cl_add(c, s, 1) != 0))
            break;
    }
    sqlite3_reset(s);
    if (oom || rc != SQLITE_DONE) {
        c->n = 0;
        lg_fail_rc(l, err, "looking up the claim of a payment", oom ? SQLITE_NOMEM : rc);
        return -1;
    }
    if (!claim)
        c->n = 0;
    return claim;
}

int64_t lg_cline_match(lg_clines *c, const char *control, const char *proc, const char *orig,
                       const char *mods, int64_t charge, const char *date, const char **how)
{
    const char *t = c->text;
    lg_cline *hit = NULL;
    /* 005010X221A1 2110 REF*6R echoes 837 2400 REF*6R: the surest key */
    if (control[0])
        for (size_t i = 0; i < c->n && !hit; i++)
            if (strcmp(t + c->v[i].control, control) == 0)
                hit = &c->v[i];
    if (hit) {
        *how = "line_control";
    } else {
        /* SVC06 carries the submitted procedure when the payer re-coded the
         * line; a reversal negates the charge */
        const char *code = orig[0] ? orig : proc;
        int64_t abs_charge = charge < 0 ? -charge : charge;
        for (size_t i = 0; i < c->n && !hit; i++) {
            lg_cline *x = &c->v[i];
            if (!x->taken && x->charge == abs_charge && strcmp(t + x->proc, code) == 0 &&
                strcmp(t + x->mods, mods) == 0 &&
                (!date[0] || !t[x->date] || strcmp(t + x->date, date) == 0))
                hit = x;
        }
        *how = "procedure";
    }
    if (!hit)
        return 0;
    hit->taken = 1;
    return hit->id;
}

void lg_clines_free(lg_clines *c)
{
    free(c->v);
    free(c->text);
    memset(c, 0, sizeof *c);
}

static x12_status match_lines(matcher *m, int64_t remit_id, int64_t claim_id, uint32_t *count,
                              x12_error *err)
{
    x12_ledger *l = m->l;
    x12_status st = lg_clines_load(l, claim_id, &m->cl, err);
    if (st != X12_OK)
        return st;
    sqlite3_bind_int64(m->rlines, 1, remit_id);
    int rc;
    while ((rc = sqlite3_step(m->rlines)) == SQLITE_ROW) {
        int64_t rline = sqlite3_column_int64(m->rlines, 0);
        const char *how = NULL;
        int64_t line = lg_cline_match(&m->cl, col_text(m->rlines, 1), col_text(m->rlines, 2),
                                      col_text(m->rlines, 3), col_text(m->rlines, 4),
                                      sqlite3_column_int64(m->rlines, 5), col_text(m->rlines, 6), &how);
        if (line > 0) {
            sqlite3_bind_int64(m->set_line, 1, line);
            sqlite3_bind_text(m->set_line, 2, how, -1, SQLITE_STATIC);
            sqlite3_bind_int64(m->set_line, 3, rline);
            rc = sqlite3_step(m->set_line);
            sqlite3_reset(m->set_line);
            if (rc != SQLITE_DONE) {
                st = lg_fail_rc(l, err, "matching a line", rc);
                break;
            }
            (*count)++;
        }
    }
    if (st == X12_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = lg_fail_rc(l, err, "reading payment lines", rc);
    sqlite3_reset(m->rlines);
    return st;
}

X12_API x12_status x12_ledger_match(x12_ledger *l, x12_ledger_match_stats *stats, x12_error *err)
{
    x12_ledger_match_stats local = {0};
    if (err)
        memset(err, 0, sizeof *err);
    if (!l)
        return X12_ERR_USAGE;
    matcher m;
    x12_status st = matcher_init(&m, l, err);
    if (st != X12_OK)
        return st;
    st = lg_begin(l, err);
    if (st != X12_OK) {
        matcher_free(&m);
        return st;
    }
    candidate *cand = NULL;
    size_t cap = 0;
    int rc;
    /* Payments of a claim id that several claims share (an original and
     * its replacement or void) are matched afresh each run: a replacement
     * ingested after its payments changes where they belong.  What they
     * went to before is kept to count only real changes. */
    int64_t *prev = NULL; /* pairs: remit id, old claim */
    size_t nprev = 0, prevcap = 0;
    {
        /* the ids several claims share, found once (a pass over the
         * claim-id index), not counted again for every matched payment */
        sqlite3_stmt *q = lg_prepare(l,
            "SELECT r.id, r.claim_ref FROM remit_claims r WHERE r.claim_ref IS NOT NULL AND (r.clp01 IN"
            " (SELECT claim_id FROM claims GROUP BY claim_id HAVING COUNT(*) > 1)"
            " OR r.match_method = 'claim_id_prefix') ORDER BY r.id", err);
        if (!q)
            st = l->fail;
        rc = SQLITE_DONE;
        while (q && (rc = sqlite3_step(q)) == SQLITE_ROW) {
            if (nprev + 2 > prevcap) {
                size_t nc = prevcap ? prevcap * 2 : 64;
                int64_t *p = realloc(prev, nc * sizeof *p);
                if (!p) {
                    st = X12_ERR_NOMEM;
                    break;
                }
                prev = p;
                prevcap = nc;
            }
            prev[nprev++] = sqlite3_column_int64(q, 0);
            prev[nprev++] = sqlite3_column_int64(q, 1);
        }
        if (st == X12_OK && rc != SQLITE_DONE)
            st = lg_fail_rc(l, err, "listing earlier matches", rc);
        sqlite3_finalize(q);
        /* forget where exactly those went, by row id */
        sqlite3_stmt *ul = NULL, *uc = NULL;
        if (st == X12_OK && nprev &&
            (!(ul = lg_prepare(l, "UPDATE remit_lines SET claim_line_ref = NULL, match_method = NULL"
                                  " WHERE remit_claim = ?1", err)) ||
             !(uc = lg_prepare(l, "UPDATE remit_claims SET claim_ref = NULL, match_method = NULL"
                                  " WHERE id = ?1", err))))
            st = l->fail;
        for (size_t pi = 0; st == X12_OK && pi < nprev; pi += 2)
            for (int k = 0; k < 2 && st == X12_OK; k++) {
                sqlite3_stmt *u = k ? uc : ul;
                sqlite3_bind_int64(u, 1, prev[pi]);
                rc = sqlite3_step(u);
                sqlite3_reset(u);
                if (rc != SQLITE_DONE)
                    st = lg_fail_rc(l, err, "forgetting an earlier match", rc);
            }
        sqlite3_finalize(ul);
        sqlite3_finalize(uc);
    }
    /* Collect the ids first: the updates below change the column the
     * unmatched query filters on. */
    int64_t *ids = NULL;
    size_t nids = 0, idcap = 0;
    while (st == X12_OK && (rc = sqlite3_step(m.unmatched)) == SQLITE_ROW) {
        if (nids == idcap) {
            size_t nc = idcap ? idcap * 2 : 256;
            int64_t *p = realloc(ids, nc * sizeof *p);
            if (!p) {
                st = X12_ERR_NOMEM;
                break;
            }
            ids = p;
            idcap = nc;
        }
        ids[nids++] = sqlite3_column_int64(m.unmatched, 0);
    }
    if (st == X12_OK && rc != SQLITE_DONE)
        st = lg_fail_rc(l, err, "listing unmatched payments", rc);
    sqlite3_reset(m.unmatched);
    for (size_t k = 0; st == X12_OK && k < nids; k++) {
        int64_t remit_id = ids[k];
        sqlite3_bind_int64(m.remit, 1, remit_id);
        if (sqlite3_step(m.remit) != SQLITE_ROW) {
            st = lg_fail(l, err, "reading a payment");
            sqlite3_reset(m.remit);
            break;
        }
        char clp01[128], status[8], icn[128], orig[128];
        lg_copy(clp01, sizeof clp01, col_text(m.remit, 0));
        lg_copy(status, sizeof status, col_text(m.remit, 1));
        lg_copy(icn, sizeof icn, col_text(m.remit, 2));
        lg_copy(orig, sizeof orig, col_text(m.remit, 3));
        sqlite3_reset(m.remit);
        sqlite3_bind_text(m.by_claim_id, 1, clp01, -1, SQLITE_STATIC);
        long n = candidates(&m, m.by_claim_id, &cand, &cap, 0, &st, err);
        int cut = 0;
        if (n == 0 && strlen(clp01) == 20) {
            /* 005010X222A1 2300 CLM01: a receiver need keep only 20
             * characters, so a longer CLM01 may come back in CLP01 cut to
             * 20 (X12-FACTS 3.1, RFI 525): the claims whose id starts with
             * it, when they all have the same id */
            sqlite3_bind_text(m.by_claim_prefix, 1, clp01, -1, SQLITE_STATIC);
            n = candidates(&m, m.by_claim_prefix, &cand, &cap, 1, &st, err);
            cut = n > 0;
        }
        if (n < 0)
            break;
        const char *how = NULL;
        int64_t claim = 0;
        if (n > 0) {
            claim = choose(&m, remit_id, status, icn, orig, cand, (size_t)n, &how, err);
            if (cut && how && strcmp(how, "claim_id") == 0)
                how = "claim_id_prefix";
        } else if (orig[0] || icn[0]) {
            /* CLP01 unknown: a payment whose original (REF*F8) or own CLP07
             * is named by a claim's REF*F8, or went to a known claim before */
            const char *keys[2] = {orig, icn};
            for (int ki = 0; ki < 2 && claim == 0; ki++) {
                if (!keys[ki][0])
                    continue;
                sqlite3_bind_text(m.by_claim_icn, 1, keys[ki], -1, SQLITE_STATIC);
                claim = step_id(l, m.by_claim_icn, err);
                how = "payer_claim_number";
                if (claim == 0) {
                    sqlite3_bind_text(m.by_icn_matched, 1, keys[ki], -1, SQLITE_STATIC);
                    sqlite3_bind_int64(m.by_icn_matched, 2, remit_id);
                    claim = step_id(l, m.by_icn_matched, err);
                }
                if (claim < 0)
                    break;
            }
        }
        if (claim < 0) {
            st = l->fail;
            break;
        }
        if (claim == 0) {
            local.unmatched++;
            continue;
        }
        sqlite3_bind_int64(m.set_claim, 1, claim);
        sqlite3_bind_text(m.set_claim, 2, how, -1, SQLITE_STATIC);
        sqlite3_bind_int64(m.set_claim, 3, remit_id);
        rc = sqlite3_step(m.set_claim);
        sqlite3_reset(m.set_claim);
        if (rc != SQLITE_DONE) {
            st = lg_fail_rc(l, err, "matching a claim", rc);
            break;
        }
        /* prev is in remit id order: a binary search, not a pass per payment */
        int again = 0;
        for (size_t lo = 0, hi = nprev / 2; lo < hi;) {
            size_t mid = lo + (hi - lo) / 2;
            if (prev[2 * mid] < remit_id) {
                lo = mid + 1;
            } else {
                again = prev[2 * mid] == remit_id && prev[2 * mid + 1] == claim;
                hi = mid;
            }
        }
        if (!again)
            local.matched++;
        uint32_t lines = 0;
        st = match_lines(&m, remit_id, claim, &lines, err);
        if (!again)
            local.lines_matched += lines;
    }
    free(ids);
    free(prev);
    free(cand);
    matcher_free(&m);
    if (st == X12_OK)
        st = lg_commit(l, err);
    else
        lg_rollback(l);
    if (st == X12_ERR_NOMEM && err && err->code != X12_ERR_NOMEM) {
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_NOMEM;
        err->msg = x12_status_message(X12_ERR_NOMEM);
    }
    if (stats)
        *stats = local;
    return st;
}
