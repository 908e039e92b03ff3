/* The reconciliation ledger's store: opening, schema migrations by version
 * number (PRAGMA user_version), and the insert statements ingest uses.
 * docs/ledger.md documents every table. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_internal.h"

/* Each migration takes the schema from version i to i + 1.  Never edit one
 * that has shipped: add the next. */
static const char *const MIGRATIONS[] = {
    /* 0 -> 1 */
    "CREATE TABLE files ("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('837', '835')),"
    "  path TEXT NOT NULL, ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));"
    "CREATE TABLE submissions ("
    "  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id),"
    "  sender TEXT NOT NULL, isa13 TEXT NOT NULL, gs06 TEXT NOT NULL, st02 TEXT NOT NULL,"
    "  guide TEXT NOT NULL, created_date TEXT NOT NULL,"
    "  UNIQUE (sender, isa13, gs06, st02));"
    "CREATE TABLE claims ("
    "  id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    "  claim_id TEXT NOT NULL, billed INTEGER NOT NULL, frequency TEXT NOT NULL,"
    "  payer_claim_number TEXT NOT NULL, payer_id TEXT NOT NULL, payer_name TEXT NOT NULL,"
    "  subscriber_id TEXT NOT NULL, patient_name TEXT NOT NULL, billing_npi TEXT NOT NULL,"
    "  service_from TEXT NOT NULL, service_to TEXT NOT NULL, line_count INTEGER NOT NULL);"
    "CREATE INDEX claims_by_claim_id ON claims (claim_id);"
    "CREATE INDEX claims_by_payer_claim_number ON claims (payer_claim_number) WHERE payer_claim_number <> '';"
    "CREATE TABLE claim_lines ("
    "  id INTEGER PRIMARY KEY, claim_ref INTEGER NOT NULL REFERENCES claims(id),"
    "  line_no INTEGER NOT NULL, line_control TEXT NOT NULL, procedure TEXT NOT NULL,"
    "  modifiers TEXT NOT NULL, charge INTEGER NOT NULL, units TEXT NOT NULL, service_date TEXT NOT NULL);"
    "CREATE INDEX claim_lines_by_claim ON claim_lines (claim_ref, line_no);"
    "CREATE TABLE payments ("
    "  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id),"
    "  payer_id TEXT NOT NULL, trace_number TEXT NOT NULL, payer_name TEXT NOT NULL,"
    "  payee_id TEXT NOT NULL, amount INTEGER NOT NULL, method TEXT NOT NULL,"
    "  payment_date TEXT NOT NULL, UNIQUE (payer_id, trace_number));"
    "CREATE TABLE remit_claims ("
    "  id INTEGER PRIMARY KEY, payment_id INTEGER NOT NULL REFERENCES payments(id),"
    "  seq INTEGER NOT NULL, clp01 TEXT NOT NULL, status_code TEXT NOT NULL,"
    "  billed INTEGER NOT NULL, paid INTEGER NOT NULL, patient_responsibility INTEGER NOT NULL,"
    "  filing_indicator TEXT NOT NULL, payer_claim_number TEXT NOT NULL,"
    "  original_reference TEXT NOT NULL, crossover_name TEXT NOT NULL,"
    "  adj_co INTEGER NOT NULL, adj_pr INTEGER NOT NULL, adj_oa INTEGER NOT NULL,"
    "  adj_pi INTEGER NOT NULL, adj_cr INTEGER NOT NULL, adj_detail TEXT NOT NULL,"
    "  remarks TEXT NOT NULL, allowed INTEGER NOT NULL, line_count INTEGER NOT NULL,"
    "  lines_denied INTEGER NOT NULL,"
    "  claim_ref INTEGER REFERENCES claims(id), match_method TEXT);"
    "CREATE INDEX remit_claims_by_claim ON remit_claims (claim_ref);"
    "CREATE INDEX remit_claims_by_icn ON remit_claims (payer_claim_number);"
    "CREATE TABLE remit_lines ("
    "  id INTEGER PRIMARY KEY, remit_claim INTEGER NOT NULL REFERENCES remit_claims(id),"
    "  line_no INTEGER NOT NULL, line_control TEXT NOT NULL, procedure TEXT NOT NULL,"
    "  original_procedure TEXT NOT NULL, modifiers TEXT NOT NULL, charge INTEGER NOT NULL,"
    "  paid INTEGER NOT NULL, allowed INTEGER, units TEXT NOT NULL, service_date TEXT NOT NULL,"
    "  claim_line_ref INTEGER REFERENCES claim_lines(id), match_method TEXT);"
    "CREATE INDEX remit_lines_by_remit ON remit_lines (remit_claim);"
    "CREATE INDEX remit_lines_by_claim_line ON remit_lines (claim_line_ref);"
    "CREATE TABLE adjustments ("
    "  id INTEGER PRIMARY KEY, remit_claim INTEGER NOT NULL REFERENCES remit_claims(id),"
    "  remit_line INTEGER REFERENCES remit_lines(id), group_code TEXT NOT NULL,"
    "  reason TEXT NOT NULL, amount INTEGER NOT NULL, quantity TEXT NOT NULL);"
    "CREATE TABLE remarks ("
    "  remit_claim INTEGER NOT NULL REFERENCES remit_claims(id),"
    "  remit_line INTEGER REFERENCES remit_lines(id), code TEXT NOT NULL);"
    "CREATE TABLE plb ("
    "  id INTEGER PRIMARY KEY, payment_id INTEGER NOT NULL REFERENCES payments(id),"
    "  provider_id TEXT NOT NULL, fiscal_date TEXT NOT NULL, reason TEXT NOT NULL,"
    "  reference TEXT NOT NULL, amount INTEGER NOT NULL);",
    /* 1 -> 2: 277CA claim acknowledgements (each set once, by its envelope) */
    "CREATE TABLE ack_sets ("
    "  id INTEGER PRIMARY KEY, path TEXT NOT NULL, sender TEXT NOT NULL, isa13 TEXT NOT NULL,"
    "  gs06 TEXT NOT NULL, st02 TEXT NOT NULL,"
    "  ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
    "  UNIQUE (sender, isa13, gs06, st02));"
    "CREATE TABLE claim_acks ("
    "  id INTEGER PRIMARY KEY, ack_set INTEGER NOT NULL REFERENCES ack_sets(id),"
    "  claim_id TEXT NOT NULL, status TEXT NOT NULL, category TEXT NOT NULL,"
    "  status_code TEXT NOT NULL, entity TEXT NOT NULL, action TEXT NOT NULL,"
    "  status_date TEXT NOT NULL, codes TEXT NOT NULL, payer_claim_number TEXT NOT NULL,"
    "  charge INTEGER);"
    "CREATE INDEX claim_acks_by_claim_id ON claim_acks (claim_id);",
    /* 2 -> 3: each set's transaction type (BHT06): its claims for payment
     * (CH, 31) are aged while pending, its encounters (RP) are not */
    "ALTER TABLE submissions ADD COLUMN transaction_type TEXT NOT NULL DEFAULT 'CH';",
};
#define MIGRATION_COUNT ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

static const char *const STATEMENTS[ST_COUNT] = {
    [ST_FILE_ADD] = "INSERT INTO files (kind, path) VALUES (?1, ?2)",
    [ST_SUB_FIND] = "SELECT 1 FROM submissions WHERE sender = ?1 AND isa13 = ?2 AND gs06 = ?3 AND st02 = ?4",
    [ST_SUB_ADD] = "INSERT INTO submissions (file_id, sender, isa13, gs06, st02, guide, created_date,"
                   " transaction_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_CLAIM_ADD] = "INSERT INTO claims (submission_id, claim_id, billed, frequency, payer_claim_number,"
                     " payer_id, payer_name, subscriber_id, patient_name, billing_npi, service_from,"
                     " service_to, line_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [ST_CLINE_ADD] = "INSERT INTO claim_lines (claim_ref, line_no, line_control, procedure, modifiers,"
                     " charge, units, service_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_PAY_FIND] = "SELECT 1 FROM payments WHERE payer_id = ?1 AND trace_number = ?2",
    [ST_PAY_ADD] = "INSERT INTO payments (file_id, payer_id, trace_number, payer_name, payee_id, amount,"
                   " method, payment_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_REMIT_ADD] = "INSERT INTO remit_claims (payment_id, seq, clp01, status_code, billed, paid,"
                     " patient_responsibility, filing_indicator, payer_claim_number, original_reference,"
                     " crossover_name, adj_co, adj_pr, adj_oa, adj_pi, adj_cr, adj_detail, remarks,"
                     " allowed, line_count, lines_denied, claim_ref, match_method) VALUES (?1, ?2, ?3, ?4,"
                     " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
                     " ?22, ?23)",
    [ST_RLINE_ADD] = "INSERT INTO remit_lines (remit_claim, line_no, line_control, procedure,"
                     " original_procedure, modifiers, charge, paid, allowed, units, service_date,"
                     " claim_line_ref, match_method) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                     " ?11, ?12, ?13)",
    [ST_ADJ_ADD] = "INSERT INTO adjustments (remit_claim, remit_line, group_code, reason, amount, quantity)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_REMARK_ADD] = "INSERT INTO remarks (remit_claim, remit_line, code) VALUES (?1, ?2, ?3)",
    [ST_CLAIM_ONLY] = "SELECT c.id, l.id, l.line_control, l.procedure, l.modifiers, l.charge, l.service_date"
                      " FROM claims c LEFT JOIN claim_lines l ON l.claim_ref = c.id WHERE c.claim_id = ?1"
                      " ORDER BY c.id, l.line_no, l.id",
    [ST_CLAIM_LINES] = "SELECT id, line_control, procedure, modifiers, charge, service_date"
                       " FROM claim_lines WHERE claim_ref = ?1 ORDER BY line_no, id",
    [ST_PLB_ADD] = "INSERT INTO plb (payment_id, provider_id, fiscal_date, reason, reference, amount)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

const char *lg_statement_sql(int i)
{
    return i >= 0 && i < ST_COUNT ? STATEMENTS[i] : NULL;
}

void lg_set_err(x12_error *err, x12_status code, const char *what, const char *why)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->msg = x12_status_message(code);
    if (what)
        snprintf(err->detail, sizeof err->detail, "%s%s%s", what, why ? ": " : "", why ? why : "");
}

x12_status lg_fail(x12_ledger *l, x12_error *err, const char *what)
{
    /* sqlite3_errcode(NULL) is SQLITE_NOMEM too: open could not allocate
     * the connection */
    return lg_fail_rc(l, err, what, sqlite3_errcode(l->db));
}

x12_status lg_fail_rc(x12_ledger *l, x12_error *err, const char *what, int rc)
{
    x12_status code = (rc & 0xff) == SQLITE_NOMEM ? X12_ERR_NOMEM : X12_ERR_LEDGER;
    char buf[96];
    snprintf(buf, sizeof buf, "%s: %s", what, l->db ? sqlite3_errmsg(l->db) : "no database");
    lg_set_err(err, code, code == X12_ERR_NOMEM ? NULL : buf, NULL);
    l->fail = code;
    return code;
}

x12_status lg_exec(x12_ledger *l, const char *sql, x12_error *err)
{
    if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return lg_fail(l, err, "exec");
    return X12_OK;
}

sqlite3_stmt *lg_prepare(x12_ledger *l, const char *sql, x12_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(l->db, sql, -1, &s, NULL) != SQLITE_OK) {
        lg_fail(l, err, "prepare");
        return NULL;
    }
    return s;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static x12_status migrate(x12_ledger *l, x12_error *err)
{
    int v = user_version(l->db);
    if (v < 0)
        return lg_fail(l, err, "reading the schema version");
    if (v > MIGRATION_COUNT) {
        char d[96];
        snprintf(d, sizeof d, "ledger schema %d, this x12kit knows up to %d", v, MIGRATION_COUNT);
        lg_set_err(err, X12_ERR_LEDGER_VERSION, d, NULL);
        return X12_ERR_LEDGER_VERSION;
    }
    for (; v < MIGRATION_COUNT; v++) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        /* each step and its version bump commit together */
        if (lg_exec(l, "BEGIN IMMEDIATE", err) != X12_OK)
            return l->fail;
        if (lg_exec(l, MIGRATIONS[v], err) != X12_OK || lg_exec(l, pragma, err) != X12_OK) {
            lg_rollback(l);
            return l->fail;
        }
        if (lg_exec(l, "COMMIT", err) != X12_OK) {
            lg_rollback(l);
            return l->fail;
        }
    }
    return X12_OK;
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waiting for another connection's lock: polled every millisecond up to
 * busy_ms.  SQLite's own handler backs off to 100 ms sleeps, so a batch
 * worker could sleep on for most of that after the other had finished
 * (workers take turns at the ledger many times a second). */
static int on_busy(void *ctx, int count)
{
    x12_ledger *l = ctx;
    int64_t t = now_ms();
    if (count == 0)
        l->busy_t0 = t;
    if (t - l->busy_t0 >= l->busy_ms)
        return 0;
    struct timespec d = {0, 1000000L};
    nanosleep(&d, NULL);
    return 1;
}

static void set_busy(x12_ledger *l, int ms)
{
    l->busy_ms = ms > 0 ? ms : 0;
    if (l->busy_ms)
        sqlite3_busy_handler(l->db, on_busy, l);
    else
        sqlite3_busy_handler(l->db, NULL, NULL);
}

X12_API x12_status x12_ledger_open(const char *path, x12_ledger **out, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (!path || !out) {
        lg_set_err(err, X12_ERR_USAGE, "x12_ledger_open needs a path and an out pointer", NULL);
        return X12_ERR_USAGE;
    }
    *out = NULL;
    x12_ledger *l = calloc(1, sizeof *l);
    if (!l) {
        lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
        return X12_ERR_NOMEM;
    }
    int rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        x12_status st = lg_fail(l, err, "open");
        x12_ledger_close(l);
        return st;
    }
    set_busy(l, 10000);
    x12_status st = X12_OK;
    /* WAL keeps readers going while a batch writes; NORMAL sync is durable
     * across an application crash (kill -9), which is what a batch needs.
     * Foreign keys are declared but not enforced: every row is inserted with
     * the id of a row of the same transaction, and enforcing them costs a
     * fifth of the ingest time; tests/test_ledger.c runs foreign_key_check.
     * A new ledger (in memory too) gets 16 KiB pages; an existing one keeps its own:
     * ingest took 7% less CPU than with the default 4 KiB, fewer pages to
     * log and index levels to descend (100 000 claims and their 835).
     * The page cache holds up to 64 MB (SQLite's default is 2 MB): the
     * claim-id index a payment is matched through is read at random, and
     * at a million claims it no longer fit in 16 MB (x12 batch on ~1 GB:
     * --jobs 1 50 -> 45 s, --jobs 2 29.5 -> 25 s; 128 MB gained nothing).
     * Pages are allocated as they are used, so a small ledger stays small. */
    st = lg_exec(l, "PRAGMA page_size = 16384", err);
    if (st == X12_OK && strcmp(path, ":memory:") != 0)
        st = lg_exec(l, "PRAGMA journal_mode = WAL", err);
    if (st == X12_OK)
        st = lg_exec(l, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -65536;"
                       " PRAGMA temp_store = MEMORY", err);
    if (st == X12_OK)
        st = migrate(l, err);
    if (st == X12_OK && !(l->rollback = lg_prepare(l, "ROLLBACK", err)))
        st = l->fail;
    for (int i = 0; st == X12_OK && i < ST_COUNT; i++) {
        l->st[i] = lg_prepare(l, STATEMENTS[i], err);
        if (!l->st[i])
            st = l->fail;
    }
    if (st != X12_OK) {
        x12_ledger_close(l);
        return st;
    }
    *out = l;
    return X12_OK;
}

X12_API void x12_ledger_close(x12_ledger *l)
{
    if (!l)
        return;
    if (l->in_tx)
        lg_rollback(l);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(l->st[i]);
    sqlite3_finalize(l->rollback);
    sqlite3_close(l->db);
    free(l);
}

X12_API void x12_ledger_set_busy_wait(x12_ledger *l, int ms)
{
    if (l && l->db)
        set_busy(l, ms);
}

X12_API int x12_ledger_schema_version(x12_ledger *l)
{
    return l ? user_version(l->db) : -1;
}

x12_status lg_begin(x12_ledger *l, x12_error *err)
{
    if (lg_exec(l, "BEGIN IMMEDIATE", err) != X12_OK)
        return l->fail;
    l->in_tx = 1;
    return X12_OK;
}

x12_status lg_commit(x12_ledger *l, x12_error *err)
{
    if (lg_exec(l, "COMMIT", err) != X12_OK) {
        lg_rollback(l);
        return l->fail;
    }
    l->in_tx = 0;
    return X12_OK;
}

void lg_rollback(x12_ledger *l)
{
    /* SQLite may have rolled back already (after SQLITE_NOMEM, say) */
    if (!sqlite3_get_autocommit(l->db)) {
        /* the statement prepared at open: running it needs no memory, so a
         * failed ingest never leaves its rows behind */
        if (l->rollback) {
            sqlite3_step(l->rollback);
            sqlite3_reset(l->rollback);
        } else {
            sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
        }
    }
    l->in_tx = 0;
}

x12_status lg_end_file(x12_ledger *l, x12_status fatal, x12_status read_status,
                       const x12_error *read_err, int reader_error, int added,
                       x12_ledger_ingest_stats *st, x12_error *err)
{
    x12_status r;
    if (fatal) {
        lg_rollback(l);
        r = fatal;
        if (fatal == X12_ERR_NOMEM)
            lg_set_err(err, X12_ERR_NOMEM, NULL, NULL);
    } else if (read_status != X12_OK && read_status != X12_ERR_STOPPED) {
        /* the input itself failed: cannot open, a broken gzip, I/O */
        lg_rollback(l);
        r = read_status;
        if (err) {
            if (read_err && read_err->code != X12_OK)
                *err = *read_err;
            else if (err->code == X12_OK)
                lg_set_err(err, read_status, NULL, NULL);
        }
    } else if (reader_error) {
        lg_rollback(l);
        r = X12_ERR_LEDGER_ROLLED_BACK;
        lg_set_err(err, r, NULL, NULL);
    } else if (!added) {
        lg_rollback(l); /* nothing new: the ledger is left exactly as it was */
        r = X12_OK;
    } else {
        r = lg_commit(l, err);
    }
    if (r != X12_OK) {
        st->rolled_back = 1;
        st->sets = st->claims = st->lines = st->payments = st->plb = 0;
        st->matched = st->lines_matched = 0;
    }
    return r;
}

/* --- binding helpers ------------------------------------------------------ */

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

static void bind_ref(sqlite3_stmt *s, int i, int64_t id)
{
    if (id > 0)
        sqlite3_bind_int64(s, i, id);
    else
        sqlite3_bind_null(s, i);
}

/* Runs an INSERT prepared statement; returns the new row id or 0. */
static int64_t run_insert(x12_ledger *l, sqlite3_stmt *s, x12_error *err, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        lg_fail_rc(l, err, what, rc);
        return 0;
    }
    return sqlite3_last_insert_rowid(l->db);
}

/* Runs a SELECT 1 statement: 1 when it has a row, 0 when not, -1 on error. */
static int run_exists(x12_ledger *l, sqlite3_stmt *s, x12_error *err, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    lg_fail_rc(l, err, what, rc);
    return -1;
}

int64_t lg_file_add(x12_ledger *l, const char *kind, const char *path, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_FILE_ADD];
    bind_text(s, 1, kind);
    bind_text(s, 2, path);
    return run_insert(l, s, err, "adding the file");
}

int lg_submission_exists(x12_ledger *l, const lg_submission *sub, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_SUB_FIND];
    bind_text(s, 1, sub->sender);
    bind_text(s, 2, sub->isa13);
    bind_text(s, 3, sub->gs06);
    bind_text(s, 4, sub->st02);
    return run_exists(l, s, err, "looking up the transaction set");
}

int64_t lg_submission_add(x12_ledger *l, int64_t file_id, const lg_submission *sub, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_SUB_ADD];
    sqlite3_bind_int64(s, 1, file_id);
    bind_text(s, 2, sub->sender);
    bind_text(s, 3, sub->isa13);
    bind_text(s, 4, sub->gs06);
    bind_text(s, 5, sub->st02);
    bind_text(s, 6, sub->guide);
    bind_text(s, 7, sub->created_date);
    bind_text(s, 8, sub->transaction_type && *sub->transaction_type ? sub->transaction_type : "CH");
    return run_insert(l, s, err, "adding the transaction set");
}

int64_t lg_claim_add(x12_ledger *l, int64_t sub_id, const lg_claim *c, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_CLAIM_ADD];
    sqlite3_bind_int64(s, 1, sub_id);
    bind_text(s, 2, c->claim_id);
    sqlite3_bind_int64(s, 3, c->billed);
    bind_text(s, 4, c->frequency);
    bind_text(s, 5, c->payer_claim_number);
    bind_text(s, 6, c->payer_id);
    bind_text(s, 7, c->payer_name);
    bind_text(s, 8, c->subscriber_id);
    bind_text(s, 9, c->patient_name);
    bind_text(s, 10, c->billing_npi);
    bind_text(s, 11, c->service_from);
    bind_text(s, 12, c->service_to);
    sqlite3_bind_int64(s, 13, c->line_count);
    return run_insert(l, s, err, "adding a claim");
}

int64_t lg_claim_line_add(x12_ledger *l, int64_t claim_ref, const lg_line *ln, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_CLINE_ADD];
    sqlite3_bind_int64(s, 1, claim_ref);
    sqlite3_bind_int64(s, 2, ln->line_no);
    bind_text(s, 3, ln->line_control);
    bind_text(s, 4, ln->procedure);
    bind_text(s, 5, ln->modifiers);
    sqlite3_bind_int64(s, 6, ln->charge);
    bind_text(s, 7, ln->units);
    bind_text(s, 8, ln->service_date);
    return run_insert(l, s, err, "adding a service line");
}

int lg_payment_exists(x12_ledger *l, const lg_payment *p, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_PAY_FIND];
    bind_text(s, 1, p->payer_id);
    bind_text(s, 2, p->trace_number);
    return run_exists(l, s, err, "looking up the payment");
}

int64_t lg_payment_add(x12_ledger *l, int64_t file_id, const lg_payment *p, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_PAY_ADD];
    sqlite3_bind_int64(s, 1, file_id);
    bind_text(s, 2, p->payer_id);
    bind_text(s, 3, p->trace_number);
    bind_text(s, 4, p->payer_name);
    bind_text(s, 5, p->payee_id);
    sqlite3_bind_int64(s, 6, p->amount);
    bind_text(s, 7, p->method);
    bind_text(s, 8, p->payment_date);
    return run_insert(l, s, err, "adding a payment");
}

int64_t lg_remit_add(x12_ledger *l, int64_t pay_id, uint32_t seq, const lg_remit *r, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_REMIT_ADD];
    sqlite3_bind_int64(s, 1, pay_id);
    sqlite3_bind_int64(s, 2, seq);
    bind_text(s, 3, r->clp01);
    bind_text(s, 4, r->status_code);
    sqlite3_bind_int64(s, 5, r->billed);
    sqlite3_bind_int64(s, 6, r->paid);
    sqlite3_bind_int64(s, 7, r->patient_responsibility);
    bind_text(s, 8, r->filing_indicator);
    bind_text(s, 9, r->payer_claim_number);
    bind_text(s, 10, r->original_reference);
    bind_text(s, 11, r->crossover_name);
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(s, 12 + i, r->adj[i]);
    bind_text(s, 17, r->adj_detail);
    bind_text(s, 18, r->remarks);
    sqlite3_bind_int64(s, 19, r->allowed);
    sqlite3_bind_int64(s, 20, r->line_count);
    sqlite3_bind_int64(s, 21, r->lines_denied);
    bind_ref(s, 22, r->claim_ref);
    if (r->claim_ref > 0)
        bind_text(s, 23, r->match_method);
    else
        sqlite3_bind_null(s, 23);
    return run_insert(l, s, err, "adding a claim payment");
}

int64_t lg_remit_line_add(x12_ledger *l, int64_t remit_id, const lg_rline *ln, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_RLINE_ADD];
    sqlite3_bind_int64(s, 1, remit_id);
    sqlite3_bind_int64(s, 2, ln->line_no);
    bind_text(s, 3, ln->line_control);
    bind_text(s, 4, ln->procedure);
    bind_text(s, 5, ln->original_procedure);
    bind_text(s, 6, ln->modifiers);
    sqlite3_bind_int64(s, 7, ln->charge);
    sqlite3_bind_int64(s, 8, ln->paid);
    if (ln->has_allowed)
        sqlite3_bind_int64(s, 9, ln->allowed);
    else
        sqlite3_bind_null(s, 9);
    bind_text(s, 10, ln->units);
    bind_text(s, 11, ln->service_date);
    bind_ref(s, 12, ln->claim_line_ref);
    if (ln->claim_line_ref > 0)
        bind_text(s, 13, ln->match_method);
    else
        sqlite3_bind_null(s, 13);
    return run_insert(l, s, err, "adding a service line payment");
}

x12_status lg_adjustment_add(x12_ledger *l, int64_t remit_id, int64_t rline_id, const char *group,
                             const char *reason, int64_t amount, const char *quantity,
                             x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_ADJ_ADD];
    sqlite3_bind_int64(s, 1, remit_id);
    bind_ref(s, 2, rline_id);
    bind_text(s, 3, group);
    bind_text(s, 4, reason);
    sqlite3_bind_int64(s, 5, amount);
    bind_text(s, 6, quantity);
    return run_insert(l, s, err, "adding an adjustment") ? X12_OK : l->fail;
}

x12_status lg_remark_add(x12_ledger *l, int64_t remit_id, int64_t rline_id, const char *code,
                         x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_REMARK_ADD];
    sqlite3_bind_int64(s, 1, remit_id);
    bind_ref(s, 2, rline_id);
    bind_text(s, 3, code);
    return run_insert(l, s, err, "adding a remark code") ? X12_OK : l->fail;
}

x12_status lg_plb_add(x12_ledger *l, int64_t pay_id, const char *provider, const char *fiscal_date,
                      const char *reason, const char *reference, int64_t amount, x12_error *err)
{
    sqlite3_stmt *s = l->st[ST_PLB_ADD];
    sqlite3_bind_int64(s, 1, pay_id);
    bind_text(s, 2, provider);
    bind_text(s, 3, fiscal_date);
    bind_text(s, 4, reason);
    bind_text(s, 5, reference);
    sqlite3_bind_int64(s, 6, amount);
    return run_insert(l, s, err, "adding a PLB adjustment") ? X12_OK : l->fail;
}

int lg_group_index(const char *g)
{
    static const char *const GROUPS[5] = {"CO", "PR", "OA", "PI", "CR"};
    for (int i = 0; i < 5; i++)
        if (g && strcmp(g, GROUPS[i]) == 0)
            return i;
    return -1;
}

X12_API const char *x12_recon_group_name(unsigned i)
{
    static const char *const GROUPS[5] = {"CO", "PR", "OA", "PI", "CR"};
    return i < 5 ? GROUPS[i] : "";
}

/* Days from a civil date (proleptic Gregorian), integer arithmetic only. */
int64_t lg_day_number(const char *d)
{
    int y, m, day;
    size_t n = d ? strlen(d) : 0;
    char c[9];
    if (n == 10 && d[4] == '-' && d[7] == '-') {
        memcpy(c, d, 4);
        memcpy(c + 4, d + 5, 2);
        memcpy(c + 6, d + 8, 2);
    } else if (n == 8) {
        memcpy(c, d, 8);
    } else {
        return -1;
    }
    c[8] = '\0';
    for (int i = 0; i < 8; i++)
        if (c[i] < '0' || c[i] > '9')
            return -1;
    y = (c[0] - '0') * 1000 + (c[1] - '0') * 100 + (c[2] - '0') * 10 + (c[3] - '0');
    m = (c[4] - '0') * 10 + (c[5] - '0');
    day = (c[6] - '0') * 10 + (c[7] - '0');
    static const int MDAYS[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || day < 1 || day > MDAYS[m - 1])
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && day == 29 && !leap)
        return -1;
    /* shift the year to start in March so the leap day is last */
    int64_t yy = m <= 2 ? y - 1 : y;
    int64_t era = yy / 400;
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe;
}
