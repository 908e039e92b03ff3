/* Private interface of the ledger: the SQLite store (ledger.c) used by the
 * ingest consumers (ingest.c), the matcher (match.c) and the report (report.c). */
#ifndef X12_LEDGER_INTERNAL_H
#define X12_LEDGER_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include <x12/ledger.h>

/* Prepared statements, compiled once per ledger. */
enum {
    ST_FILE_ADD,
    ST_SUB_FIND,
    ST_SUB_ADD,
    ST_CLAIM_ADD,
    ST_CLINE_ADD,
    ST_PAY_FIND,
    ST_PAY_ADD,
    ST_REMIT_ADD,
    ST_RLINE_ADD,
    ST_ADJ_ADD,
    ST_REMARK_ADD,
    ST_CLAIM_ONLY,
    ST_CLAIM_LINES,
    ST_PLB_ADD,
    ST_COUNT
};

struct x12_ledger {
    sqlite3 *db;
    int busy_ms;     /* how long a write waits for another connection */
    int64_t busy_t0; /* when the current wait began (ms, monotonic) */
    sqlite3_stmt *st[ST_COUNT];
    sqlite3_stmt *rollback; /* prepared once: a rollback must not need memory */
    int in_tx;
    x12_status fail; /* what the last lg_fail() reported */
};

/* Clears err (may be NULL) and sets `code`, its message, and a detail made
 * of `what` and `why` ("what: why"; either may be NULL). */
void lg_set_err(x12_error *err, x12_status code, const char *what, const char *why);
/* Sets err to X12_ERR_LEDGER with SQLite's message, or to X12_ERR_NOMEM when
 * SQLite ran out of memory; returns that code (also kept in l->fail). */
x12_status lg_fail(x12_ledger *l, x12_error *err, const char *what);
/* The same for a step that returned `rc` (the connection's error code may
 * be another statement's by now). */
x12_status lg_fail_rc(x12_ledger *l, x12_error *err, const char *what, int rc);
/* Runs SQL without results. */
x12_status lg_exec(x12_ledger *l, const char *sql, x12_error *err);
/* Prepares `sql`; returns NULL after lg_fail(). */
sqlite3_stmt *lg_prepare(x12_ledger *l, const char *sql, x12_error *err);

/* --- one file, one SQL transaction ---------------------------------------- */
x12_status lg_begin(x12_ledger *l, x12_error *err);
x12_status lg_commit(x12_ledger *l, x12_error *err);
void lg_rollback(x12_ledger *l);
/* Ends the SQL transaction of one ingested file and says how it went:
 * `fatal` (a ledger or memory failure), else `read_status` (the reader's
 * result: a failure of the input itself), else a reader error in the data
 * (`reader_error`) roll the file back; a file that added nothing
 * (`added` 0) is rolled back too, leaving the ledger as it was; otherwise
 * it is committed.  Clears the counts of `st` when nothing was kept and
 * sets st->rolled_back.  `read_err` (may be NULL) is the reader's error. */
x12_status lg_end_file(x12_ledger *l, x12_status fatal, x12_status read_status,
                       const x12_error *read_err, int reader_error, int added,
                       x12_ledger_ingest_stats *st, x12_error *err);

/* Adds the files row; returns its id, or 0 after lg_fail(). */
int64_t lg_file_add(x12_ledger *l, const char *kind, const char *path, x12_error *err);

/* --- 837 ------------------------------------------------------------------ */
typedef struct lg_submission {
    const char *sender; /* ISA06, trimmed */
    const char *isa13, *gs06, *st02;
    const char *guide;        /* ST03 or GS08 */
    const char *created_date; /* BHT04 as CCYY-MM-DD */
    const char *transaction_type; /* BHT06: "CH", "RP" (encounters), "31"; NULL = CH */
} lg_submission;

/* Returns 1 when the set is already in the ledger, 0 when not, -1 on error. */
int lg_submission_exists(x12_ledger *l, const lg_submission *s, x12_error *err);
int64_t lg_submission_add(x12_ledger *l, int64_t file_id, const lg_submission *s, x12_error *err);

typedef struct lg_claim {
    const char *claim_id; /* CLM01 */
    int64_t billed;       /* CLM02 */
    const char *frequency;
    const char *payer_claim_number; /* REF*F8 */
    const char *payer_id, *payer_name, *subscriber_id, *patient_name, *billing_npi;
    const char *service_from, *service_to; /* CCYY-MM-DD or "" */
    uint32_t line_count;
} lg_claim;
int64_t lg_claim_add(x12_ledger *l, int64_t sub_id, const lg_claim *c, x12_error *err);

typedef struct lg_line {
    uint32_t line_no;
    const char *line_control; /* REF*6R */
    const char *procedure;    /* code without qualifier */
    const char *modifiers;    /* "25:59", "" when none */
    int64_t charge;
    const char *units;
    const char *service_date; /* CCYY-MM-DD or "" */
} lg_line;
int64_t lg_claim_line_add(x12_ledger *l, int64_t claim_ref, const lg_line *ln, x12_error *err);

/* --- 835 ------------------------------------------------------------------ */
typedef struct lg_payment {
    const char *payer_id;     /* TRN03, else the payer N1 id */
    const char *trace_number; /* TRN02 */
    const char *payer_name, *payee_id;
    int64_t amount; /* BPR02, negative for a debit (BPR03 D) */
    const char *method;       /* BPR04 */
    const char *payment_date; /* BPR16 as CCYY-MM-DD */
} lg_payment;
int lg_payment_exists(x12_ledger *l, const lg_payment *p, x12_error *err);

int64_t lg_payment_add(x12_ledger *l, int64_t file_id, const lg_payment *p, x12_error *err);

typedef struct lg_remit {
    const char *clp01, *status_code;
    int64_t billed, paid, patient_responsibility;
    const char *filing_indicator, *payer_claim_number, *original_reference, *crossover_name;
    int64_t adj[5];         /* CO PR OA PI CR, claim and line CAS */
    const char *adj_detail; /* "CO-45:4000 PR-2:1200" (cents) */
    const char *remarks;    /* "MA01 N130" */
    int64_t allowed;        /* sum of AMT*B6 when every line has one, else paid + patient resp. */
    uint32_t line_count, lines_denied;
    int64_t claim_ref;        /* matched as ingested, else 0 (NULL) */
    const char *match_method; /* with claim_ref */
} lg_remit;
int64_t lg_remit_add(x12_ledger *l, int64_t pay_id, uint32_t seq, const lg_remit *r, x12_error *err);

typedef struct lg_rline {
    uint32_t line_no;
    const char *line_control, *procedure, *original_procedure, *modifiers;
    int64_t charge, paid;
    int has_allowed;
    int64_t allowed;
    const char *units, *service_date;
    int64_t claim_line_ref;   /* matched as ingested, else 0 (NULL) */
    const char *match_method; /* with claim_line_ref */
} lg_rline;
int64_t lg_remit_line_add(x12_ledger *l, int64_t remit_id, const lg_rline *ln, x12_error *err);
x12_status lg_adjustment_add(x12_ledger *l, int64_t remit_id, int64_t rline_id, const char *group,
                             const char *reason, int64_t amount, const char *quantity,
                             x12_error *err);
x12_status lg_remark_add(x12_ledger *l, int64_t remit_id, int64_t rline_id, const char *code,
                         x12_error *err);
x12_status lg_plb_add(x12_ledger *l, int64_t pay_id, const char *provider, const char *fiscal_date,
                      const char *reason, const char *reference, int64_t amount, x12_error *err);

/* --- records: what one event of a file adds, flattened --------------------
 *
 * The ingests turn what the typed readers hand over into these records
 * (flattening), then apply them to the ledger.  A spooled feed writes them
 * to a temporary file instead and applies them later (spool.c); both ways
 * run the same apply code.  Strings point into the reader's structs, the
 * ingest's buffers or the spool's read buffer. */
typedef struct lg_adj {
    const char *group, *reason, *quantity;
    int64_t cents;
} lg_adj;

typedef struct lg_rline_rec {
    lg_rline ln; /* without claim_line_ref and match_method */
    uint32_t adj0, nadj, rem0, nrem; /* ranges of the remit record's adj and rem */
} lg_rline_rec;

typedef struct lg_plb_rec {
    const char *provider, *fiscal_date, *reason, *reference;
    int64_t cents;
} lg_plb_rec;

typedef enum lg_rec_type {
    LG_REC_SET = 'S',     /* 837: a transaction set begins (set, sub) */
    LG_REC_CLAIM = 'C',   /* 837: a claim (claim, lines) */
    LG_REC_PAYMENT = 'P', /* 835: a payment begins (set, pay) */
    LG_REC_REMIT = 'R',   /* 835: a claim payment (remit, adj, rem, rlines) */
    LG_REC_PLB = 'B',     /* 835: a PLB entry (plb) */
    LG_REC_HEAD = 'H',    /* a spool file's first: kind, path */
    LG_REC_END = 'E'      /* a spool file's last, fixed size: end */
} lg_rec_type;

/* How a spooled read ended (LG_REC_END). */
typedef struct lg_spool_end {
    uint32_t read_status, errors, reader_error, fatal;
} lg_spool_end;

typedef struct lg_rec {
    lg_rec_type type;
    uint32_t set;
    lg_submission sub;
    lg_claim claim;
    lg_line *lines;
    lg_payment pay;
    lg_remit remit; /* without claim_ref and match_method */
    uint32_t nadj, nclaim_adj; /* all adjustments: the claim's first */
    lg_adj *adj;
    uint32_t nrem, nclaim_rem; /* remark codes: the claim's first */
    const char **rem;
    uint32_t nrlines;
    lg_rline_rec *rlines;
    lg_plb_rec plb;
    uint32_t kind;    /* LG_REC_HEAD: x12_ledger_feed_kind */
    const char *path; /* LG_REC_HEAD: the input file */
    lg_spool_end end; /* LG_REC_END */
} lg_rec;

/* The arrays of a record, grown as needed (caps beside them). */
typedef struct lg_rec_buf {
    lg_rec rec;
    size_t lines_cap, adj_cap, rem_cap, rlines_cap;
} lg_rec_buf;
/* Room for n of each array (0 leaves it); 0, or -1 when out of memory. */
int lg_rec_reserve(lg_rec_buf *b, size_t lines, size_t adj, size_t rem, size_t rlines);
void lg_rec_buf_free(lg_rec_buf *b);

/* A spool: records written to an unlinked temporary file (spool.c). */
typedef struct lg_spool lg_spool;
/* Writes one record: X12_OK, X12_ERR_NOMEM, or X12_ERR_IO (a write failed:
 * x12_ledger_spool_apply() says why). */
x12_status lg_spool_put(lg_spool *s, const lg_rec *r);
/* Applies the records of 837 (ingest.c) or 835 (ingest835.c) files to the
 * ingest state `in` (from lg_feed_start_claims/_remits); non-zero once the
 * ingest failed (in->fatal). */
int lg_claims_apply(void *in, const lg_rec *r);
int lg_remits_apply(void *in, const lg_rec *r);
/* A flattened record goes to the spool of a spooled feed, else to the
 * ledger through `apply` (`in` is the ingest state, lg_ingest first). */
struct lg_ingest;
int lg_emit(struct lg_ingest *in, const lg_rec *r, int (*apply)(void *in, const lg_rec *r));

/* --- what both ingests share (ingest_common.c) ------------------------------ */

/* One file being ingested: the ledger, the caller's callbacks, the counts and
 * how it is going.  The 837 and 835 ingests embed it first in their state. */
typedef struct lg_ingest {
    x12_ledger *l;
    const char *kind; /* "837" or "835", for the files row */
    const char *path;
    x12_ledger_finding_fn fn;
    void *ctx;
    x12_reader_options ro; /* the caller's, else strict defaults */
    x12_ledger_ingest_stats st;
    x12_error *err;
    lg_spool *spool;   /* a spooled feed: records go there, not to `l` */
    x12_status fatal;  /* a ledger or memory failure: stop */
    int reader_error;  /* a syntax or envelope error: the file is not kept */
    int64_t file_id;   /* 0 until the file adds something */
} lg_ingest;

/* A feed (x12_ledger_feed_new()): the 837 or 835 ingest's state, driven by
 * the caller's reader instead of the ingest's own. */
struct x12_ledger_feed {
    x12_ledger_feed_kind kind;
    x12_error err; /* the ingest's errors, handed over at the end */
    void *in;      /* ingest.c's or ingest835.c's state, lg_ingest first */
};
/* A new feed of `kind` with its ingest state started: on `l` (its SQL
 * transaction begun), or with no ledger when `l` is NULL (a spool's).
 * X12_OK, or the error in *err with nothing left allocated. */
x12_status lg_feed_make(x12_ledger_feed_kind kind, x12_ledger *l, const char *path,
                        x12_ledger_feed **out, x12_error *err);
/* Frees a feed, its ingest state and its spool (NULL: nothing). */
void lg_feed_free(x12_ledger_feed *f);
/* A zeroed state of `size` bytes for a feed, in f->in; NULL (f->err set) when out of memory. */
void *lg_feed_state(x12_ledger_feed *f, size_t size);
/* Allocate and start the state of a feed (`f->in`); X12_OK or an error in f->err. */
x12_status lg_feed_start_claims(x12_ledger_feed *f, x12_ledger *l, const char *path);
x12_status lg_feed_start_remits(x12_ledger_feed *f, x12_ledger *l, const char *path);
/* Frees what an 837 or 835 ingest's state owns besides itself (a feed's or
 * x12_ledger_ingest_claims()'s / _remits()'s). */
void lg_feed_free_claims(void *in);
void lg_feed_free_remits(void *in);
/* Closes and frees a spool (NULL: nothing). */
void lg_spool_free(lg_spool *s);

/* Clears `stats` and `err`, checks the arguments, fills `in` and opens the
 * file's SQL transaction.  Returns X12_OK, X12_ERR_USAGE or X12_ERR_LEDGER. */
x12_status lg_ingest_start(lg_ingest *in, x12_ledger *l, const char *kind, const char *path,
                           const x12_reader_options *ro, x12_ledger_finding_fn fn, void *ctx,
                           x12_ledger_ingest_stats *stats, x12_error *err);
/* Counts a finding, notes a reader error (codes below 50), passes it on. */
void lg_ingest_finding(lg_ingest *in, const x12_finding *f);
/* Does the ledger take a finding of the claim or 835 reader?  Not a segment
 * the model does not carry (no concern of the ledger either), but a second of
 * a kind the model holds one of (a warning: the first is kept). */
int lg_ingest_takes(const x12_finding *f);
/* The files row, added the first time the file adds something.  Returns 0
 * (and sets in->fatal) on a ledger failure. */
int lg_ingest_file_row(lg_ingest *in);
/* Ends the file (lg_end_file) and copies its counts to `stats`. */
x12_status lg_ingest_end(lg_ingest *in, x12_status read_status, const x12_error *read_err,
                         x12_ledger_ingest_stats *stats);

/* "CCYYMMDD" (or the start of "CCYYMMDD-CCYYMMDD") as "CCYY-MM-DD"; "" when
 * it does not start with eight digits. */
void lg_iso_date(const char *x12, char out[11]);
/* Up to four procedure modifiers joined with ':' ("25:59"); NULL and "" skipped. */
void lg_join_modifiers(char *out, size_t cap, const char *const m[4]);

/* Copies `src` into `dst` of `cap` bytes, cut to fit like snprintf("%s")
 * but without its cost (the report copies five strings per claim). */
static inline void lg_copy(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    while (n + 1 < cap && src[n])
        n++;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Group index 0-4 of CO PR OA PI CR, or -1. */
int lg_group_index(const char *group);

/* Days since 0000-03-01 of a CCYY-MM-DD or CCYYMMDD date; -1 when it is not one. */
int64_t lg_day_number(const char *date);

/* The matcher's SQL (match.c), NULL-terminated, for tests of their plans. */
extern const char *const lg_match_sql[];
/* The SQL of prepared statement `i` (ST_*), for the same tests. */
const char *lg_statement_sql(int i);

/* --- service-line matching (match.c), shared by ingest and x12_ledger_match - */

/* The submitted lines of one claim, loaded once per payment and matched in
 * memory.  Strings are offsets into `text` (it grows while loading). */
typedef struct lg_cline {
    int64_t id;
    size_t control, proc, mods, date; /* offsets into text */
    int64_t charge;
    int taken; /* matched by a line of the current payment */
} lg_cline;

typedef struct lg_clines {
    lg_cline *v;
    size_t n, cap;
    char *text;
    size_t tlen, tcap;
} lg_clines;

/* Loads the lines of claim `claim` in line-number order.  X12_OK, or the
 * ledger or memory failure (after lg_fail). */
x12_status lg_clines_load(x12_ledger *l, int64_t claim, lg_clines *c, x12_error *err);
/* The submitted line a payment line goes to (docs/ledger.md "Matching"):
 * the first with its REF*6R, else the first not yet taken with the same
 * procedure (SVC06 `orig` when given), modifiers, charge (absolute value)
 * and a compatible date.  Marks it taken; returns its id and sets *how, or
 * 0 when none. */
int64_t lg_cline_match(lg_clines *c, const char *control, const char *proc, const char *orig,
                       const char *mods, int64_t charge, const char *date, const char **how);
void lg_clines_free(lg_clines *c);
/* The one claim whose CLM01 is `claim_id`, with its lines loaded into `c`
 * (one query): its id; 0 when no claim or several have it; -1 on a ledger
 * or memory failure (after lg_fail). */
int64_t lg_claim_only(x12_ledger *l, const char *claim_id, lg_clines *c, x12_error *err);

#endif
