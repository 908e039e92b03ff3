/* x12kit remittance model: 835 health care claim payments (005010X221A1) as
 * plain C structs, read one claim payment at a time.
 *
 * Conventions (as in claim.h):
 * - Strings are NUL-terminated and never NULL: "" means absent.  Codes are
 *   the X12 values; dates are CCYYMMDD as the 835 sends them.
 * - Money is int64_t cents; an optional amount has a `has_` flag.  Nothing
 *   here is floating point (quantities and weights stay decimal strings).
 * - Arrays are a pointer and a count.
 *
 * Ownership.  Everything the reader hands out lives in its arenas: the
 * payment (x12_remit_payment) until the end of its transaction set, a claim
 * payment (x12_remit_claim) and a PLB entry only during the callback that
 * receives it.  Copy what must outlive the callback. */
#ifndef X12_REMIT_H
#define X12_REMIT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "amount.h"
#include "reader.h"
#include "walk.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CAS: one adjustment triplet (up to six per CAS segment). */
typedef struct x12_remit_adjustment {
    char group[3];        /* CAS01: "CO", "PR", "OA", "PI", "CR" */
    const char *reason;   /* CARC */
    int64_t cents;
    const char *quantity; /* "" when absent */
} x12_remit_adjustment;

/* REF, DTM, AMT, QTY: a qualifier and a value. */
typedef struct x12_remit_ref {
    const char *qualifier;
    const char *value;
} x12_remit_ref;

typedef struct x12_remit_amount {
    const char *qualifier; /* AMT01: "B6" allowed, "AU" coverage, "KH" late filing, ... */
    int64_t cents;
} x12_remit_amount;

/* PER: a contact (1000A business, technical and web site contacts; the
 * 2100 claim contact). */
typedef struct x12_remit_contact {
    const char *qualifier;    /* PER01, the contact's function: "CX", "BL", "IC" */
    const char *value;        /* PER04, its first number (numbers[0]) */
    const char *name;         /* PER02 */
    const char *number_qualifiers[3]; /* PER03, PER05, PER07: "TE", "EM", "FX", "EX", "UR" */
    const char *numbers[3];   /* PER04, PER06, PER08 */
} x12_remit_contact;

/* N1/NM1 with its N3/N4, REF and PER. */
typedef struct x12_remit_party {
    const char *entity;       /* N101 / NM101: "PR", "PE", "QC", "IL", "74", "82", "TT" */
    const char *entity_type;  /* NM102: "1" person, "2" non-person entity ("" for N1) */
    const char *name;         /* N102 / NM103 (last or organization name) */
    const char *first_name;   /* NM104 */
    const char *middle_name;  /* NM105 */
    const char *suffix;       /* NM107 */
    const char *id_qualifier; /* N103 / NM108: "XX", "FI", "XV", "MI", "HN", ... */
    const char *id;           /* N104 / NM109 */
    const char *address1, *address2, *city, *state, *postal_code, *country; /* N3/N4 */
    x12_remit_ref *refs;      /* REF: "2U" payer id, "TJ" tax id, "PQ", ... */
    size_t ref_count;
    x12_remit_contact *contacts; /* PER */
    size_t contact_count;
} x12_remit_party;

/* The payment: header of one 835 transaction set. */
typedef struct x12_remit_payment {
    const char *handling_code;     /* BPR01: "C" payment with remittance, "I" remittance
                                      only, "H" notification only, "P" pre-notification */
    int64_t amount_cents;          /* BPR02, as sent (>= 0) */
    const char *credit_debit;      /* BPR03: "C" or "D" */
    const char *method;            /* BPR04: "ACH", "CHK", "BOP", "FWT", "NON" */
    const char *format;            /* BPR05: "CCP", "CTX" */
    const char *sender_dfi_qualifier, *sender_dfi_id;          /* BPR06, BPR07 */
    const char *sender_account_qualifier, *sender_account;     /* BPR08, BPR09 */
    const char *originator_company_id;                         /* BPR10 */
    const char *originator_supplemental;                       /* BPR11 */
    const char *receiver_dfi_qualifier, *receiver_dfi_id;      /* BPR12, BPR13 */
    const char *receiver_account_qualifier, *receiver_account; /* BPR14, BPR15 */
    const char *payment_date;      /* BPR16: check issue or EFT effective date */
    const char *trace_type;        /* TRN01 */
    const char *trace_number;      /* TRN02: check or EFT trace number */
    const char *payer_id;          /* TRN03 (originating company), else the payer's
                                      N104 or REF*2U */
    const char *trace_originator;  /* TRN03 as sent ("" when absent): what the writer
                                      writes (else payer_id, unless as given) */
    const char *trace_supplemental;/* TRN04 */
    const char *currency;          /* CUR02 */
    x12_remit_ref *refs;           /* header REF ("EV" receiver, "F2" version) */
    size_t ref_count;
    x12_remit_ref *dates;          /* header DTM ("405" production date) */
    size_t date_count;
    x12_remit_party payer;         /* 1000A N1*PR */
    x12_remit_party payee;         /* 1000B N1*PE */
    /* set position, for messages */
    uint32_t interchange;          /* 1-based within the input */
    uint32_t set;                  /* 1-based within the input */
} x12_remit_payment;

/* 2110: one service line payment. */
typedef struct x12_remit_line {
    const char *procedure_qualifier; /* SVC01-1: "HC", "AD", "NU", "N4", ... */
    const char *procedure;           /* SVC01-2 */
    const char *modifiers[4];        /* SVC01-3..6 */
    const char *description;         /* SVC01-7 */
    int64_t charge_cents;            /* SVC02 */
    int64_t paid_cents;              /* SVC03 */
    const char *revenue_code;        /* SVC04 */
    const char *units;               /* SVC05 (paid units) */
    const char *original_qualifier;  /* SVC06-1: the procedure as submitted, when the */
    const char *original_procedure;  /* SVC06-2  payer paid another one */
    const char *original_modifiers[4];
    const char *original_units;      /* SVC07 */
    const char *service_date;        /* DTM*472 */
    const char *service_start;       /* DTM*150 */
    const char *service_end;         /* DTM*151 */
    x12_remit_adjustment *adjustments; /* CAS */
    size_t adjustment_count;
    const char *line_control_number; /* REF*6R */
    x12_remit_ref *refs;             /* other REF */
    size_t ref_count;
    int has_allowed;                 /* AMT*B6 */
    int64_t allowed_cents;
    x12_remit_amount *amounts;       /* other AMT */
    size_t amount_count;
    x12_remit_ref *remarks;          /* LQ: "HE" RARC, "RX" NCPDP reject code */
    size_t remark_count;
    x12_remit_ref *quantities;       /* QTY (qualifier, decimal text) */
    size_t quantity_count;
} x12_remit_line;

/* 2100: one claim payment with its service lines. */
typedef struct x12_remit_claim {
    const char *claim_id;               /* CLP01 patient control number (837 CLM01) */
    const char *status_code;            /* CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied,
                                           19-21 processed and forwarded, 22 reversal, 23 not
                                           our claim, 25 predetermination */
    int64_t charge_cents;               /* CLP03 */
    int64_t paid_cents;                 /* CLP04 */
    int has_patient_responsibility;     /* CLP05 present */
    int64_t patient_responsibility_cents;
    const char *filing_indicator;       /* CLP06 */
    const char *payer_claim_number;     /* CLP07 (the payer's ICN) */
    const char *facility_code;          /* CLP08 */
    const char *frequency_code;         /* CLP09 */
    const char *patient_status;         /* CLP10 */
    const char *drg_code;               /* CLP11 */
    const char *drg_weight;             /* CLP12 (decimal text) */
    const char *discharge_fraction;     /* CLP13 (decimal text) */
    const char *yes_no;                 /* CLP14 */
    x12_remit_adjustment *adjustments;  /* claim-level CAS */
    size_t adjustment_count;
    x12_remit_party patient;            /* NM1*QC */
    x12_remit_party insured;            /* NM1*IL */
    x12_remit_party corrected_patient;  /* NM1*74 */
    x12_remit_party service_provider;   /* NM1*82 (rendering) */
    x12_remit_party crossover_carrier;  /* NM1*TT */
    x12_remit_party priority_payer;     /* NM1*PR (corrected priority payer) */
    x12_remit_party other_subscriber;   /* NM1*GB */
    const char *inpatient_elements[25]; /* MIA01..MIA24 as sent ([1]..[24]; [0] unused) */
    int has_inpatient;
    const char *outpatient_elements[10];/* MOA01..MOA09 as sent ([1]..[9]) */
    int has_outpatient;
    const char **remark_codes;          /* MIA05, MIA20-24, MOA03-07: the claim's RARCs */
    size_t remark_code_count;
    const char *original_reference;     /* REF*F8: the CLP07 this payment corrects */
    x12_remit_ref *refs;                /* other REF ("1L" group, "EA" medical record, ...) */
    size_t ref_count;
    const char *statement_from;         /* DTM*232 */
    const char *statement_to;           /* DTM*233 */
    const char *received_date;          /* DTM*050 */
    x12_remit_ref *dates;               /* other DTM ("036", "050", ...) */
    size_t date_count;
    x12_remit_contact *contacts;        /* PER*CX */
    size_t contact_count;
    x12_remit_amount *amounts;          /* AMT ("AU" coverage, "D8" discount, "I" interest, ...) */
    size_t amount_count;
    x12_remit_ref *quantities;          /* QTY (qualifier, decimal text) */
    size_t quantity_count;
    x12_remit_line *lines;              /* 2110 */
    size_t line_count;
    const char *header_number;          /* LX01 of the 2000 loop it is in ("" when none):
                                           the payee's own grouping of claims, as sent */
} x12_remit_claim;

/* PLB: one reason/amount pair of a provider-level adjustment. */
typedef struct x12_remit_plb {
    const char *provider_id;  /* PLB01 */
    const char *fiscal_date;  /* PLB02 */
    const char *reason;       /* PLB03-1 (and 05-1, ...): "L6" interest, "WO" overpayment
                                 recovery, "FB" forward balance, "72" authorized return, ... */
    const char *reference;    /* PLB03-2 */
    int64_t cents;            /* PLB04: positive reduces the payment */
} x12_remit_plb;

/* Where a claim payment was read. */
typedef struct x12_remit_context {
    uint64_t byte_offset;     /* of its CLP */
    uint32_t segment_index;   /* of its CLP, from the ISA */
    uint32_t claim_in_set;    /* 1-based */
} x12_remit_context;

/* The totals of one transaction set, summed by the reader. */
typedef struct x12_remit_totals {
    uint32_t claims;
    uint32_t lines;
    int64_t charge_cents;      /* sum of CLP03 */
    int64_t paid_cents;        /* sum of CLP04 */
    int64_t patient_responsibility_cents; /* sum of CLP05 */
    int64_t plb_cents;         /* sum of PLB amounts */
    uint32_t plb_entries;
} x12_remit_totals;

typedef struct x12_remit_callbacks {
    /* The payment header, once per set before its first claim payment (also
     * for a set with no claim payment).  May be NULL. */
    int (*payment)(void *ctx, const x12_remit_payment *p);
    /* One claim payment with its lines; valid during the call.  May be NULL. */
    int (*claim)(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                 const x12_remit_context *cx);
    /* One PLB reason/amount pair.  May be NULL. */
    int (*plb)(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e);
    /* The end of a set (its SE), with the reader's totals.  May be NULL. */
    int (*set_end)(void *ctx, const x12_remit_payment *p, const x12_remit_totals *t);
    /* Findings of the reader and walker, balancing (SNIP 3) included, with
     * positions.  May be NULL. */
    void (*finding)(void *ctx, const x12_finding *f);
} x12_remit_callbacks;
/* Each callback returning non-zero stops the reader (X12_ERR_STOPPED). */

typedef struct x12_remit_reader x12_remit_reader;

/* Creates an 835 reader.  `walk_flags` are X12_WALK_* bits; X12_WALK_BALANCE
 * is always added (005010X221A1 balancing runs on every 835 read), and so is
 * X12_WALK_NEAREST_GUIDE (a 005010X221 835 is read with the 005010X221A1
 * guide, a warning X12_ERR_NEAREST_GUIDE at its ST saying so).  `alloc`
 * NULL = libc.  Returns NULL when memory runs out. */
X12_API x12_remit_reader *x12_remit_reader_new(const x12_remit_callbacks *cb, void *ctx,
                                               unsigned walk_flags, const x12_allocator *alloc);

/* The most memory one claim payment (CLP with its lines) may take in the
 * reader: one that grows past it (a broken file with thousands of SVCs
 * where the guide allows 999) is not read: one X12_ERR_CLAIM_COUNT error,
 * its remaining segments skipped, X12_ERR_CLAIM_REJECTED when it ends, and
 * no claim callback for it.  0 = the default. */
#define X12_REMIT_DEFAULT_MAX_CLAIM_BYTES ((size_t)32 << 20)
X12_API void x12_remit_reader_set_max_claim_bytes(x12_remit_reader *r, size_t bytes);

/* Uses `spec` (a companion-guide overlay applied, or a spec loaded once and
 * shared) for the sets of its guide; the caller keeps it, and it must
 * outlive the reader.  Returns as x12_walker_use_spec(). */
X12_API x12_status x12_remit_reader_use_spec(x12_remit_reader *r, const x12_spec *spec);

/* Passes one segment (from an x12_reader's segment callback), or one error
 * of that reader.  Returns X12_OK, X12_ERR_STOPPED or X12_ERR_NOMEM. */
X12_API x12_status x12_remit_reader_segment(x12_remit_reader *r, const x12_segment *seg);
X12_API void x12_remit_reader_error(x12_remit_reader *r, const x12_error *err);

/* Ends the input: a claim payment still open is delivered. */
X12_API x12_status x12_remit_reader_finish(x12_remit_reader *r);

/* Frees the reader; NULL is a no-op. */
X12_API void x12_remit_reader_free(x12_remit_reader *r);

/* Reads a whole file ("-" = stdin, gzip recognised) with reader options
 * `opts` (NULL = X12_READ_LENIENT).  Returns X12_OK, X12_ERR_STOPPED,
 * X12_ERR_NOMEM or an error of x12_input (X12_ERR_IO, X12_ERR_GZIP,
 * X12_ERR_LIMIT; `err` says which, may be NULL); problems in the input go
 * to the finding callback and do not fail the call. */
X12_API x12_status x12_remit_read_file(const char *path, const x12_reader_options *opts,
                                       const x12_remit_callbacks *cb, void *ctx,
                                       unsigned walk_flags, x12_error *err);

/* --- Rows: claim, line, adjustment and PLB tables as CSV or NDJSON -------- */

typedef enum x12_remit_level {
    X12_REMIT_LEVEL_CLAIM = 0,      /* one row per claim payment (CLP) */
    X12_REMIT_LEVEL_LINE = 1,       /* one row per service line (SVC) */
    X12_REMIT_LEVEL_ADJUSTMENT = 2, /* one row per CAS triplet, claim and line level */
    X12_REMIT_LEVEL_PLB = 3         /* one row per PLB reason/amount pair */
} x12_remit_level;

typedef enum x12_rows_format {
    X12_ROWS_CSV = 0,  /* RFC 4180: header row, CRLF, quoted when needed */
    X12_ROWS_JSON = 1  /* NDJSON: one object per row, amounts as "123.45" strings */
} x12_rows_format;

typedef struct x12_remit_rows x12_remit_rows;

/* Creates a row writer sending bytes to `out(ctx, ...)` (x12_write_fn of
 * writer.h: 0 on success).  Columns: docs/835-columns.md.  The CSV header is
 * written with the first row or at finish.  Returns NULL when memory runs
 * out. */
typedef int (*x12_rows_write_fn)(void *ctx, const void *buf, size_t len);
X12_API x12_remit_rows *x12_remit_rows_new(x12_remit_level level, x12_rows_format format,
                                           x12_rows_write_fn out, void *ctx);

/* The label of the file whose rows follow (the `file` column). */
X12_API void x12_remit_rows_set_file(x12_remit_rows *w, const char *label);

/* CSV text as UTF-8 (on: 1): a byte that is not part of well-formed UTF-8
 * is read as ISO-8859-1 (0xC9 becomes U+00C9, bytes C3 89), as the JSON rows
 * always read it.  Off (the default), CSV keeps the bytes as the 835 has
 * them.  JSON is not changed by it. */
X12_API void x12_remit_rows_set_utf8(x12_remit_rows *w, int on);

/* Writes the rows of one claim payment (claim, line and adjustment levels)
 * or of one PLB entry (plb level); a level that has no row for it writes
 * nothing.  Call them from the remit reader's claim and plb callbacks.
 * Returns X12_OK, X12_ERR_IO (the output function failed on an earlier
 * block) or X12_ERR_NOMEM. */
X12_API x12_status x12_remit_rows_claim(x12_remit_rows *w, const x12_remit_payment *p,
                                        const x12_remit_claim *c);
X12_API x12_status x12_remit_rows_plb(x12_remit_rows *w, const x12_remit_payment *p,
                                      const x12_remit_plb *e);

/* The name of column `i` (0-based) of a level, NULL past the last (static). */
X12_API const char *x12_remit_rows_column(x12_remit_level level, size_t i);

/* Rows written so far. */
X12_API uint64_t x12_remit_rows_count(const x12_remit_rows *w);

/* Writes what is buffered (rows go out in blocks of about 64 KiB) and the
 * CSV header if no row was written; returns X12_OK or X12_ERR_IO (an output
 * failure anywhere before).  Call it before the output is closed. */
X12_API x12_status x12_remit_rows_finish(x12_remit_rows *w);

/* Frees the writer; NULL is a no-op. */
X12_API void x12_remit_rows_free(x12_remit_rows *w);

/* --- Writing: remittance structs to 835 transaction sets ------------------ */

/* Writes 005010X221A1 transaction sets from the structs above onto `w`, an
 * x12_writer whose interchange and functional group the caller opens and
 * closes (GS01 "HP", GS08 "005010X221A1").  A set is one payment: begin(),
 * then each claim payment, then each PLB entry, then end().
 *
 * What is written, in the guide's order: ST (no ST03: the 835 guide does
 * not use it), BPR, TRN (TRN03 from `trace_originator`, else from `payer_id`
 * unless X12_REMIT_WRITE_AS_GIVEN), CUR*PR when `currency` is
 * set, REF and DTM, the 1000A N1*PR and 1000B N1*PE loops (N3 and N4 when
 * any of their fields is set, REF, PER); for each claim payment a 2000 LX
 * when its `header_number` differs from the open loop's (one without a
 * header number goes into the open loop, or into a new one numbered 1, 2,
 * ... by the writer), CLP, its CAS (adjacent adjustments of one group in
 * one segment, up to six triplets each, in their order), NM1 QC, IL, 74, 82,
 * TT, PR and GB (each whose fields are not all empty; NM101 is the slot's),
 * MIA and MOA (their elements as given; `remark_codes`, which the reader
 * derives from them, is not read), REF*F8 then the other REF, DTM 232, 233,
 * the other DTM and 050, PER, AMT, QTY, and its lines (SVC, DTM 472, 150,
 * 151, CAS, the service identification REF, REF*6R, the other REF,
 * AMT*B6, the other AMT, QTY, LQ); the PLB entries, consecutive ones of one
 * provider and fiscal period in one PLB of up to six pairs; SE.
 *
 * Checked before anything of it is written, so that a claim payment is
 * written whole or not at all: text the writer cannot take (a delimiter, a
 * control character, a byte outside its character set: X12_ERR_CLAIM_TEXT,
 * the detail naming the field, as "claim 123: lines[0].procedure"), what
 * the guide requires and the writer cannot make up (X12_ERR_CLAIM_REQUIRED:
 * BPR01, BPR03, BPR04, BPR16, TRN01, TRN02, the payer's and payee's names;
 * CLP01, CLP02; each line's procedure qualifier and code; each
 * adjustment's group and reason; PLB01, PLB02 and each entry's reason), a
 * segment longer than the segment writer takes (X12_ERR_LIMIT, measured
 * before anything is written) and the guide's balancing (X12_ERR_BALANCE): a line's charge less its
 * adjustments is its paid amount, and a claim payment's charge less all
 * its adjustments, its own and its lines', is its paid amount.  At end()
 * the paid amounts less the PLB amounts must be BPR02; the set is written
 * by then, so X12_ERR_BALANCE says so without undoing it.  A claim payment
 * or PLB entry that fails its checks is not written and the set goes on.
 * x12_remit_writer_error() has the detail.  The rest of the guide (code
 * values, lengths, situational rules) is x12 validate's: the tests
 * validate what the writer writes. */
typedef struct x12_remit_writer x12_remit_writer;

/* Blank structs to fill for the writer: every string "", every amount,
 * flag and count 0.  (The writer also reads a NULL string as "".) */
X12_API void x12_remit_payment_init(x12_remit_payment *p);
X12_API void x12_remit_claim_init(x12_remit_claim *c);
X12_API void x12_remit_line_init(x12_remit_line *l);
X12_API void x12_remit_party_init(x12_remit_party *p);

/* Writes what it is given: amounts that do not balance and required values
 * that are missing too, not refused (text the writer cannot take still is).
 * For rewriting a received 835 as it came, or making test files for a
 * validator. */
#define X12_REMIT_WRITE_AS_GIVEN 1u

/* `w` stays the caller's and must outlive the remit writer.  `alloc` NULL =
 * libc.  Returns NULL when `w` is NULL or memory runs out. */
X12_API x12_remit_writer *x12_remit_writer_new(x12_writer *w, unsigned flags,
                                               const x12_allocator *alloc);

/* How amounts are written: X12_AMOUNT_X12 ("100", "12.5"; the default) or
 * X12_AMOUNT_DECIMAL2 ("100.00"). */
X12_API void x12_remit_writer_set_amount_style(x12_remit_writer *rw, x12_amount_style style);

/* ST02 is the set's control number (AN 4-9).  Returns X12_OK, X12_ERR_USAGE
 * (a set is open), a check's error (nothing written) or the segment
 * writer's. */
X12_API x12_status x12_remit_writer_begin(x12_remit_writer *rw, const x12_remit_payment *p,
                                          const char *st02);
/* Returns X12_OK, X12_ERR_USAGE (no set open, or a PLB entry came first),
 * a check's error (the claim payment is not written) or the segment
 * writer's. */
X12_API x12_status x12_remit_writer_claim(x12_remit_writer *rw, const x12_remit_claim *c);
X12_API x12_status x12_remit_writer_plb(x12_remit_writer *rw, const x12_remit_plb *e);
/* Writes the PLB still being filled and SE. */
X12_API x12_status x12_remit_writer_end(x12_remit_writer *rw);

/* The last failing call's error (code X12_OK when none failed). */
X12_API const x12_error *x12_remit_writer_error(const x12_remit_writer *rw);

/* Frees the writer, not `w`; NULL is a no-op. */
X12_API void x12_remit_writer_free(x12_remit_writer *rw);

#ifdef __cplusplus
}
#endif
#endif
