/* x12kit 277CA reader: what a payer or clearinghouse says of the claims it
 * received (005010X214 Health Care Claim Acknowledgment), one status record
 * at a time, and the same records as CSV or NDJSON rows.
 *
 * A record is one level of the 277CA that carries a status (STC):
 *   receiver  2200B  the transmission as a whole: how many claims and how much
 *                    money it accepted and rejected (QTY, AMT);
 *   provider  2200C  a billing provider, with its own counts;
 *   claim     2200D  a claim, found by its TRN02 (the 837's CLM01);
 *   line      2220D  a service line of a claim (lines come only when rejected).
 * Records come in file order, a claim's before its lines.
 *
 * Conventions (as in remit.h): strings are NUL-terminated and never NULL ("" is
 * absent); money is int64_t cents with a has_ flag; nothing is floating point.
 * A record and its strings live only during the callback that receives it.
 * Memory is bounded by the largest claim (its statuses and lines), not by the
 * file. */
#ifndef X12_ACK277_H
#define X12_ACK277_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "remit.h"
#include "walk.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum x12_ack277_level {
    X12_ACK277_RECEIVER = 0, /* 2200B */
    X12_ACK277_PROVIDER = 1, /* 2200C */
    X12_ACK277_CLAIM = 2,    /* 2200D */
    X12_ACK277_LINE = 3      /* 2220D */
} x12_ack277_level;

/* The level's name: "receiver", "provider", "claim", "line". */
X12_API const char *x12_ack277_level_name(x12_ack277_level level);

typedef struct x12_ack277_status {
    x12_ack277_level level;
    /* who: the levels above (and the record's own) */
    const char *payer_name, *payer_id;       /* 2100A NM103, NM109 */
    const char *receiver_name, *receiver_id; /* 2100B NM103, NM109 */
    const char *provider_name, *provider_id; /* 2100C NM103, NM109 (provider, claim, line) */
    const char *patient_last_name, *patient_first_name, *member_id; /* 2100D (claim, line) */
    /* the record's trace: 2200B TRN02 (the receiver's batch), 2200C TRN02
     * (the provider's), 2200D TRN02 for claims and lines */
    const char *trace;
    const char *claim_id; /* claim and line: 2200D TRN02, the 837's CLM01; "" above */
    /* "accepted", "rejected" or "other" (see x12_ack277_verdict()) */
    const char *status;
    /* the first STC: STC01-1 category (A1 received, A2 accepted, A3 returned,
     * A6 missing, A7 invalid information, ...), STC01-2 status code,
     * STC01-3 entity, STC02 date, STC03 action ("WQ" accept, "U" reject) */
    const char *category, *status_code, *entity, *status_date, *action;
    /* every status of the level, space-separated: each STC01, STC10 and
     * STC11 as CATEGORY:CODE or CATEGORY:CODE:ENTITY */
    const char *codes;
    const char *message; /* the STC12 texts, "; "-joined */
    /* receiver, provider, claim: the first STC04 (the charges); line: SVC02 */
    int64_t amount_cents;
    int has_amount;
    /* receiver (QTY*90, QTY*AA) and provider (QTY*QA, QTY*QC): claims accepted
     * and rejected; AMT*YU and AMT*YY: their charges */
    uint32_t accepted_count, rejected_count;
    int has_accepted_count, has_rejected_count;
    int64_t accepted_cents, rejected_cents;
    int has_accepted_amount, has_rejected_amount;
    /* claim (and a line's claim): REF*1K payer claim control number, REF*D9
     * clearinghouse trace, REF*BLT bill type */
    const char *payer_claim_number, *clearinghouse_trace, *bill_type;
    /* claim or line: DTP*472 (D8: both the same; RD8: the range) */
    const char *service_from, *service_to;
    /* line: SVC01-1, SVC01-2, SVC01-3..6 ':'-joined, SVC04, SVC07, REF*FJ,
     * and its number within the claim (1, 2, ...) */
    const char *procedure_qualifier, *procedure, *modifiers, *revenue_code, *units;
    const char *line_control_number;
    uint32_t line_number;
    /* NM108 of 2100A, 2100B, 2100C and 2100D: what the ids are ("PI", "46",
     * "XX" an NPI or "FI" a tax id, "MI") */
    const char *payer_id_qualifier, *receiver_id_qualifier, *provider_id_qualifier;
    const char *member_id_qualifier;
} x12_ack277_status;

/* The status a list of categories and an action say: "rejected" when a
 * category is A3 (returned as unprocessable), A4 (not found), A6 (rejected
 * for missing information), A7 (invalid information) or A8 (relational field
 * in error), or the action is "U"; else "accepted" when a category is A0
 * (forwarded), A1 (received), A2 (accepted into adjudication) or A5 (split);
 * else "other".  `categories` is space-separated. */
X12_API const char *x12_ack277_verdict(const char *categories, const char *action);

/* Return non-zero to stop. */
typedef int (*x12_ack277_fn)(void *ctx, const x12_ack277_status *s);

typedef struct x12_ack277_callbacks {
    x12_ack277_fn status;
    /* the walker's findings (loop placement) and the reader's own: a set that
     * is not a 277, a 277 of a guide other than 005010X214, an amount that is
     * not one, a segment the records do not carry (info) */
    void (*finding)(void *ctx, const x12_finding *f);
} x12_ack277_callbacks;

typedef struct x12_ack277_reader x12_ack277_reader;

/* NULL when memory runs out.  `alloc` NULL = libc. */
X12_API x12_ack277_reader *x12_ack277_reader_new(const x12_ack277_callbacks *cb, void *ctx,
                                                 const x12_allocator *alloc);
/* Feed every segment of the reader (x12_reader's callback); X12_OK,
 * X12_ERR_STOPPED or X12_ERR_NOMEM. */
X12_API x12_status x12_ack277_reader_segment(x12_ack277_reader *r, const x12_segment *seg);
X12_API void x12_ack277_reader_error(x12_ack277_reader *r, const x12_error *err);
/* Ends the input: a set cut short still hands on what it read. */
X12_API x12_status x12_ack277_reader_finish(x12_ack277_reader *r);
X12_API void x12_ack277_reader_free(x12_ack277_reader *r);

/* A whole file (or "-" for stdin; gzip read transparently).  `opts` NULL =
 * lenient reading.  Returns the reader's status (X12_OK when it read to the
 * end; findings go to cb->finding). */
X12_API x12_status x12_ack277_read_file(const char *path, const x12_reader_options *opts,
                                        const x12_ack277_callbacks *cb, void *ctx, x12_error *err);

/* --- rows (docs/277-columns.md) ------------------------------------------ */

typedef struct x12_ack277_rows x12_ack277_rows;

/* Rows of every record whose level is in `levels` (a bit per
 * x12_ack277_level: 1u << X12_ACK277_CLAIM, ...; 0 = all). */
X12_API x12_ack277_rows *x12_ack277_rows_new(unsigned levels, x12_rows_format format,
                                             x12_rows_write_fn out, void *ctx);
/* The `file` column of the rows that follow. */
X12_API void x12_ack277_rows_set_file(x12_ack277_rows *w, const char *label);
/* CSV text as UTF-8, as x12_remit_rows_set_utf8(). */
X12_API void x12_ack277_rows_set_utf8(x12_ack277_rows *w, int on);
X12_API x12_status x12_ack277_rows_add(x12_ack277_rows *w, const x12_ack277_status *s);
X12_API uint64_t x12_ack277_rows_count(const x12_ack277_rows *w);
/* The header (CSV) even with no rows, and what is buffered. */
X12_API x12_status x12_ack277_rows_finish(x12_ack277_rows *w);
X12_API void x12_ack277_rows_free(x12_ack277_rows *w);
/* Column i's name, NULL past the last. */
X12_API const char *x12_ack277_rows_column(size_t i);

#ifdef __cplusplus
}
#endif
#endif
