/* x12kit reconciliation ledger.
 *
 * A SQLite database that keeps the claims a provider submitted (read from its
 * 837 files) and the payments it received (835 files), matches each claim
 * payment to its claim, and reports per claim what was billed, allowed, paid,
 * left to the patient and adjusted, with a status.  docs/ledger.md documents
 * the schema, the matching rules and the status rules.
 *
 * Ingest is idempotent: a transaction set of an 837 is keyed on the
 * interchange sender (ISA06), ISA13, GS06 and ST02; a payment on its trace
 * number (TRN02) and payer id (TRN03).  Reading a key again changes nothing.
 * Each file is ingested in one SQL transaction: a file that cannot be read
 * to its end (truncated, a broken envelope) leaves the ledger as it was.
 *
 * A ledger handle is used by one thread at a time. */
#ifndef X12_LEDGER_H
#define X12_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this library writes.  Opening an older ledger migrates
 * it forward; a newer one is refused with X12_ERR_LEDGER_VERSION. */
#define X12_LEDGER_SCHEMA_VERSION 3

typedef struct x12_ledger x12_ledger;

/* Opens (creating when missing) the ledger at `path`; ":memory:" gives a
 * private in-memory ledger.  On success *out owns the handle (close it with
 * x12_ledger_close()).  Errors: X12_ERR_LEDGER (SQLite could not open or
 * migrate it; detail has SQLite's message), X12_ERR_LEDGER_VERSION,
 * X12_ERR_NOMEM.  `err` may be NULL. */
X12_API x12_status x12_ledger_open(const char *path, x12_ledger **out, x12_error *err);

/* Closes the ledger; NULL is a no-op. */
X12_API void x12_ledger_close(x12_ledger *l);

/* How long (milliseconds) a write waits for another connection (another
 * process of a batch, say) to release the ledger before failing with
 * X12_ERR_LEDGER, SQLite's "database is locked" in the detail.  Default
 * 10 000; 0 fails at once, so that a caller can do other work first and
 * try again.  NULL is a no-op. */
X12_API void x12_ledger_set_busy_wait(x12_ledger *l, int ms);

/* The schema version of the open ledger (X12_LEDGER_SCHEMA_VERSION after open). */
X12_API int x12_ledger_schema_version(x12_ledger *l);

typedef struct x12_ledger_ingest_stats {
    uint32_t sets;             /* 837 transaction sets added */
    uint32_t sets_skipped;     /* 837 transaction sets already in the ledger */
    uint32_t claims;           /* 837 claims, or 835 claim payments, added */
    uint32_t lines;            /* service lines added */
    uint32_t payments;         /* 835 payments (transaction sets) added */
    uint32_t payments_skipped; /* 835 payments already in the ledger */
    uint32_t plb;              /* PLB adjustments added */
    uint32_t errors;           /* error findings reported for the file */
    /* 835: claim payments matched as they were ingested (their CLP01 is the
     * CLM01 of exactly one claim already in the ledger), and their service
     * lines matched; x12_ledger_match() counts only the ones it matches. */
    uint32_t matched;
    uint32_t lines_matched;
    int rolled_back;           /* 1 when nothing of the file was kept */
} x12_ledger_ingest_stats;

/* Receives each finding of a file being ingested (reader errors, guide and
 * balancing findings); valid only during the call.  May be NULL. */
typedef void (*x12_ledger_finding_fn)(void *ctx, const x12_finding *f);

/* Ingests the claims of an 837 (P, I or D) file, or of stdin for "-", gzip
 * read transparently.  Findings that are not reader errors are reported and
 * the claims still kept; a reader error (truncation, a broken envelope)
 * rolls the whole file back (stats->rolled_back) and returns
 * X12_ERR_LEDGER_ROLLED_BACK.  Other errors: X12_ERR_OPEN and the I/O codes
 * of x12_input, X12_ERR_LEDGER, X12_ERR_NOMEM.  `ro` NULL means strict
 * reader defaults; `stats` and `err` may be NULL. */
X12_API x12_status x12_ledger_ingest_claims(x12_ledger *l, const char *path,
                                            const x12_reader_options *ro,
                                            x12_ledger_finding_fn fn, void *ctx,
                                            x12_ledger_ingest_stats *stats, x12_error *err);

/* Ingests the payments of an 835 file, as x12_ledger_ingest_claims().  An
 * 835 that does not balance is kept, with its findings reported. */
X12_API x12_status x12_ledger_ingest_remits(x12_ledger *l, const char *path,
                                            const x12_reader_options *ro,
                                            x12_ledger_finding_fn fn, void *ctx,
                                            x12_ledger_ingest_stats *stats, x12_error *err);

/* Ingests the claim acknowledgements of a 277CA file (005010X214): each claim
 * record (2200D) with its status (accepted, rejected, other: ack277.h), kept
 * by its claim id (the 837's CLM01); the report shows a claim's latest.  A
 * transaction set already in the ledger (the same ISA06, ISA13, GS06 and ST02)
 * is skipped (stats->sets_skipped); stats->sets and stats->claims count what
 * was added.  Otherwise as x12_ledger_ingest_claims(). */
X12_API x12_status x12_ledger_ingest_acks(x12_ledger *l, const char *path,
                                          const x12_reader_options *ro,
                                          x12_ledger_finding_fn fn, void *ctx,
                                          x12_ledger_ingest_stats *stats, x12_error *err);

/* --- Feeding a file's claims or payments from the caller's own reader ------
 *
 * x12_ledger_ingest_claims() and x12_ledger_ingest_remits() read the file
 * themselves.  A caller that already reads it (to validate and convert it,
 * as `x12 batch` does) can hand its claim reader's claims, or its remit
 * reader's payments, to a feed instead: the same rows, the same matching,
 * the same all-or-nothing transaction, without reading the file twice.  The
 * feed holds the ledger's write lock from x12_ledger_feed_new() to
 * x12_ledger_feed_end(). */
struct x12_claim;
struct x12_claim_context;
struct x12_remit_payment;
struct x12_remit_claim;
struct x12_remit_plb;
typedef struct x12_ledger_feed x12_ledger_feed;
typedef enum x12_ledger_feed_kind {
    X12_LEDGER_FEED_CLAIMS = 0, /* 837: x12_ledger_feed_claim() */
    X12_LEDGER_FEED_REMITS = 1  /* 835: x12_ledger_feed_payment(), _remit(), _plb() */
} x12_ledger_feed_kind;
/* Starts a file (`path` is what the files row records).  Errors as the
 * ingest functions': X12_ERR_USAGE, X12_ERR_LEDGER (busy included),
 * X12_ERR_NOMEM. */
X12_API x12_status x12_ledger_feed_new(x12_ledger *l, x12_ledger_feed_kind kind, const char *path,
                                       x12_ledger_feed **out, x12_error *err);
/* Each returns non-zero once the feed has failed (a ledger or memory
 * failure: stop feeding; x12_ledger_feed_end() reports it). */
X12_API int x12_ledger_feed_claim(x12_ledger_feed *f, const struct x12_claim *claim,
                                  const struct x12_claim_context *cx);
X12_API int x12_ledger_feed_payment(x12_ledger_feed *f, const struct x12_remit_payment *p);
X12_API int x12_ledger_feed_remit(x12_ledger_feed *f, const struct x12_remit_payment *p,
                                  const struct x12_remit_claim *c);
X12_API int x12_ledger_feed_plb(x12_ledger_feed *f, const struct x12_remit_payment *p,
                                const struct x12_remit_plb *e);
/* Every finding of the file: an error of the reader (a syntax or envelope
 * error, codes below 50) makes x12_ledger_feed_end() roll the file back. */
X12_API void x12_ledger_feed_finding(x12_ledger_feed *f, const x12_finding *finding);
/* Ends the file and frees the feed: commits, or rolls back when the feed
 * failed, when `read_status` is a failure of the input itself (X12_ERR_IO,
 * X12_ERR_GZIP, X12_ERR_LIMIT, ...; X12_OK and X12_ERR_STOPPED are not), or
 * on a reader error (X12_ERR_LEDGER_ROLLED_BACK).  Returns as the ingest
 * functions do; `stats` and `err` may be NULL.  NULL `f` is a no-op. */
X12_API x12_status x12_ledger_feed_end(x12_ledger_feed *f, x12_status read_status,
                                       x12_ledger_ingest_stats *stats, x12_error *err);

/* --- Spooled feeds: read now, add later ---------------------------------------
 *
 * A spooled feed takes the same x12_ledger_feed_claim() / _payment() /
 * _remit() / _plb() / _finding() calls as a feed but needs no ledger and
 * holds no lock: what the file adds is written, flattened, to an unlinked
 * temporary file (in $TMPDIR, else /tmp), so memory stays bounded by one
 * claim.  x12_ledger_spool_apply() then adds it to a ledger in one
 * transaction: the same rows, the same matching and the same results as a
 * feed or an ingest of the file, with the ledger's write lock held only
 * while the rows are written.  (`x12 batch --jobs N` converts files so,
 * side by side, and the workers take turns only at the ledger.)
 * x12_ledger_feed_end() frees a spooled feed without adding it. */

/* Starts a spooled feed.  Errors: X12_ERR_USAGE, X12_ERR_NOMEM, X12_ERR_IO
 * (no temporary file). */
X12_API x12_status x12_ledger_spool_new(x12_ledger_feed_kind kind, const char *path,
                                        x12_ledger_feed **out, x12_error *err);
/* Adds what `spool` holds to `l` in one transaction and returns as
 * x12_ledger_feed_end() would with the same `read_status` (for a spool
 * opened with x12_ledger_spool_open(), X12_OK means the status its writer
 * closed it with).  When `l` is
 * busy (X12_ERR_LEDGER after the busy wait) nothing was changed and the
 * spool can be applied again; so can one that was applied (ingest is
 * idempotent: the second time adds nothing).  A spool whose records could
 * not be written or read back gives X12_ERR_IO and adds nothing. */
X12_API x12_status x12_ledger_spool_apply(x12_ledger *l, x12_ledger_feed *spool,
                                          x12_status read_status,
                                          x12_ledger_ingest_stats *stats, x12_error *err);

/* A spool that another process applies (`x12 batch --jobs N`: the workers
 * convert and spool, the parent alone writes the ledger).
 * x12_ledger_spool_new_file() writes it to `file` (created or truncated);
 * x12_ledger_spool_close() ends it there with how its read ended and frees
 * the feed; x12_ledger_spool_open() reads such a file back as a spool to
 * apply (X12_ERR_IO for a file that cannot be opened or was not closed: a
 * writer that died leaves no half spool to add).  The caller removes the
 * file when done. */
X12_API x12_status x12_ledger_spool_new_file(x12_ledger_feed_kind kind, const char *path,
                                             const char *file, x12_ledger_feed **out,
                                             x12_error *err);
X12_API x12_status x12_ledger_spool_close(x12_ledger_feed *spool, x12_status read_status,
                                          x12_error *err);
X12_API x12_status x12_ledger_spool_open(const char *file, x12_ledger_feed **out, x12_error *err);

typedef struct x12_ledger_match_stats {
    uint32_t matched;        /* claim payments newly matched to a claim */
    uint32_t unmatched;      /* claim payments still without a claim */
    uint32_t lines_matched;  /* service-line payments newly matched to a line */
} x12_ledger_match_stats;

/* Matches every claim payment that has no claim yet (CLP01 -> CLM01, with
 * CLP07/REF*F8 for reversals, replacements and voids) and its service lines
 * (REF*6R, else procedure, modifiers, date and charge), and matches again
 * the payments of a claim id that several claims share.  docs/ledger.md has
 * the rules.  Payments whose claim was in the ledger when they were
 * ingested were matched then (x12_ledger_ingest_stats.matched); the result
 * is the same in any order.  Run it after ingesting; running it again is
 * harmless. */
X12_API x12_status x12_ledger_match(x12_ledger *l, x12_ledger_match_stats *stats, x12_error *err);

typedef enum x12_recon_status {
    X12_RECON_PAID = 0,           /* "paid": paid in full, nothing left to the patient */
    X12_RECON_PARTIAL = 1,        /* "partial": paid in part (patient share, denied lines) */
    X12_RECON_DENIED = 2,         /* "denied" */
    X12_RECON_REVERSED = 3,       /* "reversed": the last word was a reversal */
    X12_RECON_PENDING = 4,        /* "pending": no payment yet */
    X12_RECON_UNMATCHED_REMIT = 5 /* "unmatched_remit": a payment for no known claim */
} x12_recon_status;
#define X12_RECON_STATUS_COUNT 6

/* "paid", "partial", "denied", "reversed", "pending", "unmatched_remit". */
X12_API const char *x12_recon_status_name(x12_recon_status s);

/* One line of the report: a submitted claim, or a remit without a claim.
 * Strings are valid only during the row callback; none is NULL ("" when
 * absent).  Amounts are cents. */
typedef struct x12_recon_row {
    const char *claim_id;           /* CLM01 (CLP01 for unmatched_remit) */
    x12_recon_status status;
    int64_t billed;                 /* CLM02 (CLP03 for unmatched_remit) */
    int64_t allowed;                /* see docs/ledger.md */
    int64_t paid;                   /* sum of CLP04 over every payment of the claim */
    int64_t patient_responsibility; /* sum of CLP05 */
    int64_t adjustments[5];         /* by group: CO, PR, OA, PI, CR (claim and line CAS) */
    const char *adjustment_detail;  /* "CO-45:40.00 PR-2:12.00", by group and CARC */
    const char *remark_codes;       /* "MA01 N130": MOA/MIA and LQ codes, distinct */
    int32_t age_days;               /* pending: days since submission; else -1 */
    const char *payer_id;           /* 837 payer id (835 payer id for unmatched_remit) */
    const char *payer_claim_number; /* CLP07 of the latest payment */
    const char *frequency;          /* CLM05-3 ("1", "7", "8") */
    const char *submitted_date;     /* CCYY-MM-DD of the 837 (BHT04) */
    const char *last_payment_date;  /* CCYY-MM-DD (BPR16) of the latest payment */
    const char *trace_numbers;      /* TRN02 of each payment, space-separated */
    uint32_t remits;                /* claim payments (CLPs) matched */
    uint32_t lines;                 /* submitted service lines */
    uint32_t lines_matched;         /* of those, lines that a payment line matched */
    /* The latest 277CA claim acknowledgement of the claim id (its CLM01, or
     * the first 20 characters of a longer one): "accepted", "rejected",
     * "other", or "" when none; its statuses and date (STC02). */
    const char *acknowledgement;
    const char *acknowledgement_codes;
    const char *acknowledgement_date;
    /* The claim sent again: the creation date (CCYY-MM-DD, BHT04) of the
     * next claim ingested after it with the same claim id, frequency,
     * payer, REF*F8, amount and number of lines; "" when none.  Payments go
     * to the latest copy, so an earlier one stays pending. */
    const char *sent_again;
    /* BHT06 of the claim's 837: "CH" a claim for payment, "RP" reporting (an
     * encounter: pending, but not in the aging of open claims), "31"
     * subrogation demand; "" for unmatched_remit. */
    const char *transaction_type;
} x12_recon_row;

/* Group index of adjustments[]: 0 CO, 1 PR, 2 OA, 3 PI, 4 CR. */
X12_API const char *x12_recon_group_name(unsigned i);

typedef struct x12_recon_totals {
    uint64_t rows;
    uint64_t by_status[X12_RECON_STATUS_COUNT];
    int64_t billed, allowed, paid, patient_responsibility; /* over all rows */
    int64_t adjustments[5];
    /* Tie-out: the paid column summed over all rows, less the PLB amounts,
     * equals the sum of the payments (BPR02, negative for a debit). */
    int64_t plb_total;
    int64_t payments_total;
    uint64_t payments;
    int ties_out;             /* 1 when paid - plb_total == payments_total */
    /* Open (pending) claims by age: 0-30, 31-60, 61-90, over 90 days. */
    uint64_t aging_count[4];
    int64_t aging_billed[4];
    /* Claims with a 277CA acknowledgement, and of those the ones rejected. */
    uint64_t acknowledged, rejected_by_payer;
    /* Claims sent again later (rows whose sent_again is not empty). */
    uint64_t sent_again;
    /* Pending encounters (transaction_type RP), which the aging leaves out:
     * nothing is owed on them. */
    uint64_t pending_encounters;
    int64_t pending_encounters_billed;
} x12_recon_totals;

/* Receives each row; return non-zero to stop (the report then returns
 * X12_ERR_STOPPED). */
typedef int (*x12_recon_row_fn)(void *ctx, const x12_recon_row *row);

/* Reports every claim in the ledger, ordered by claim id, as of `as_of`
 * ("CCYY-MM-DD" or "CCYYMMDD"; NULL = today, UTC).  Rows go to `fn` (may be
 * NULL), totals to `totals` (may be NULL).  Errors: X12_ERR_USAGE (a bad
 * date), X12_ERR_LEDGER, X12_ERR_NOMEM, X12_ERR_STOPPED. */
X12_API x12_status x12_ledger_report(x12_ledger *l, const char *as_of, x12_recon_row_fn fn,
                                     void *ctx, x12_recon_totals *totals, x12_error *err);

/* Checks a date as x12_ledger_report() takes `as_of` ("CCYY-MM-DD" or
 * "CCYYMMDD", a day that exists), so that a caller can refuse a bad one
 * before it ingests anything.  X12_OK, or X12_ERR_USAGE with `err` (may be
 * NULL) saying why. */
X12_API x12_status x12_ledger_check_date(const char *as_of, x12_error *err);

#ifdef __cplusplus
}
#endif
#endif
