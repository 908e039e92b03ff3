/* x12kit acknowledgements: writing and reading 999 (005010X231A1) and TA1.
 *
 * Writing: an x12_ack is a consumer of loop-walker events and findings
 * (walk.h).  It answers every functional group of the received file with one
 * 999 transaction set (AK1, AK2 per set, IK3/CTX/IK4 per segment in error,
 * IK5, AK9) and, when asked, every interchange with a TA1.  Output streams:
 * a 999 set is written as its group ends and holds in memory only the errors
 * of the transaction set being read (at most opts.max_errors of them).
 * The acceptance policy (which findings reject, which only mark "accepted
 * with errors") and the TA105 table are in docs/ack.md.
 *
 * Reading: an x12_ack_reader turns the segments of a received 999 or TA1 into
 * records (a group, a set, a segment or element in error, a trailer) with
 * the codes and their texts, for reports such as `x12 ack-report`. */
#ifndef X12_ACK_H
#define X12_ACK_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "spec.h"
#include "walk.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Writing ------------------------------------------------------------ */

/* What to write (x12_ack_options.what). */
#define X12_ACK_999 0x1u
#define X12_ACK_TA1 0x2u

typedef struct x12_ack_options {
    unsigned what;              /* X12_ACK_999 and/or X12_ACK_TA1; 0 = X12_ACK_999 */
    const char *control_file;   /* counter file (control.h) giving ISA13 and GS06 of
                                   each interchange written; NULL = control_number */
    uint32_t control_number;    /* without a control file: the first ISA13/GS06, the
                                   next interchange takes the next; 0 = 1 */
    const char *date;           /* CCYYMMDD of the envelopes; NULL = today (UTC) */
    const char *time;           /* HHMM; NULL = now (UTC) */
    int reject_snip;            /* errors of SNIP types 1..reject_snip reject their
                                   transaction set (IK501 R); errors of higher types
                                   accept it with errors (E).  0 = 2 */
    int copy_bad_data;          /* 1: IK404 carries the offending value (patient data
                                   may leave the building: off by default) */
    uint32_t max_errors;        /* findings kept per transaction set for IK3/IK4;
                                   past it the set is still judged; 0 = 1000 */
    const x12_writer_options *writer; /* delimiters, line breaks; NULL = defaults */
    const x12_allocator *alloc; /* NULL = libc */
    int nearest_guide;          /* 1: x12_ack_file() checks a set of another version of a
                                   guide x12kit has against that guide
                                   (X12_WALK_NEAREST_GUIDE) instead of rejecting it
                                   (IK502 I6) */
} x12_ack_options;

/* Fills `o` with the defaults above. */
X12_API void x12_ack_options_init(x12_ack_options *o);

/* Totals of what was acknowledged. */
typedef struct x12_ack_summary {
    uint32_t interchanges;      /* received interchanges */
    uint32_t groups;            /* received functional groups (999 sets written) */
    uint32_t groups_accepted;   /* AK901 A */
    uint32_t groups_with_errors;/* AK901 E */
    uint32_t groups_partial;    /* AK901 P */
    uint32_t groups_rejected;   /* AK901 R */
    uint32_t sets;              /* received transaction sets (AK2s) */
    uint32_t sets_accepted;     /* IK501 A */
    uint32_t sets_with_errors;  /* IK501 E */
    uint32_t sets_rejected;     /* IK501 R */
    uint32_t segments_in_error; /* IK3 segments written */
    uint32_t errors_dropped;    /* findings past max_errors, not written */
    uint32_t ta1_accepted, ta1_with_errors, ta1_rejected; /* TA104 A / E / R */
    uint32_t interchanges_written; /* output interchanges */
    char worst;                 /* 'A' all accepted, 'E' accepted with errors somewhere,
                                   'R' something rejected (P counts as R) */
    uint32_t groups_unanswered; /* groups whose GS01 a 999 cannot echo in AK101 (neither
                                   a guide's functional id nor FA): no 999 for them */
} x12_ack_summary;

typedef struct x12_ack x12_ack;

/* Creates an acknowledgement builder writing to `out(ctx, ...)`.  `opts` NULL
 * means the defaults.  Returns NULL when memory runs out or the writer
 * options are invalid; `err` (may be NULL) says which.  Free with
 * x12_ack_free(). */
X12_API x12_ack *x12_ack_new(const x12_ack_options *opts, x12_write_fn out, void *ctx,
                             x12_error *err);

/* Feeds a walker event (call it from the walker's event callback).  Returns
 * X12_OK or the first output failure: X12_ERR_IO, X12_ERR_NOMEM, an error of
 * the control counter (X12_ERR_CONTROL_CORRUPT, X12_ERR_CONTROL_LOCK), or a
 * writer error; after a failure every call returns the same code. */
X12_API x12_status x12_ack_event(x12_ack *a, const x12_walk_event *ev);

/* Feeds a finding (call it from the walker's finding callback). */
X12_API void x12_ack_finding(x12_ack *a, const x12_finding *f);

/* Ends the input: closes what is open (a set without SE, a group without GE,
 * an interchange without IEA) and writes their acknowledgements.  Returns as
 * x12_ack_event(); X12_ERR_ACK_NO_ISA when an interchange header of the
 * input could not be read at all: nothing can answer it, neither a TA1 nor a
 * 999 (the acknowledgements of what could be read are written all the same),
 * and x12_ack_error() gives where the reader found it and, in its detail,
 * what it found ("input does not start with an ISA segment: ..."). */
X12_API x12_status x12_ack_finish(x12_ack *a);

/* The totals so far. */
X12_API void x12_ack_get_summary(const x12_ack *a, x12_ack_summary *out);

/* The error of the last failing call (code X12_OK when none failed). */
X12_API const x12_error *x12_ack_error(const x12_ack *a);

/* Frees the builder; NULL is a no-op. */
X12_API void x12_ack_free(x12_ack *a);

/* The whole pipeline for one file: reader (ropts; NULL = strict defaults),
 * walker with every check of `x12 validate` (elements, balancing, rules,
 * with `specs` used instead of the built-in guides: nspecs of them, may be
 * 0), and an x12_ack writing to `out`.  Fills *sum when not NULL.  Returns
 * X12_OK when the acknowledgements were written (whatever they say),
 * X12_ERR_ACK_NO_ISA as x12_ack_finish() (the rest written), or an I/O,
 * memory, counter or writer error (in err, may be NULL). */
X12_API x12_status x12_ack_file(const char *path, const x12_reader_options *ropts,
                                x12_spec *const *specs, int nspecs,
                                const x12_ack_options *opts, x12_write_fn out, void *ctx,
                                x12_ack_summary *sum, x12_error *err);

/* The TA105 note code for an interchange-level reader error (docs/ack.md has
 * the table), "" when the code is not an interchange-level one.  `element`
 * is x12_error.element_pos (it tells ISA fields apart). */
X12_API const char *x12_ack_ta105_for(x12_status code, unsigned element);

/* --- Reading ------------------------------------------------------------ */

typedef enum x12_ack_kind {
    X12_ACK_REC_TA1 = 0,     /* TA1: control, date, time, code (TA104), codes[0] (TA105) */
    X12_ACK_REC_GROUP = 1,   /* AK1: functional_id, control (GS06), version (GS08) */
    X12_ACK_REC_SET = 2,     /* AK2: set_id (ST01), control (ST02), version (ST03) */
    X12_ACK_REC_SEGMENT = 3, /* IK3: segment_id, position, loop_id, code (IK304) */
    X12_ACK_REC_CONTEXT = 4, /* CTX: context_name, context_value, segment_id, position,
                                loop_id, element, component, repetition (CTX05), de
                                (CTX06-1) */
    X12_ACK_REC_ELEMENT = 5, /* IK4: element, component, repetition, de, code (IK403),
                                bad_data */
    X12_ACK_REC_SET_END = 6, /* IK5: code (IK501), codes (IK502-506) */
    X12_ACK_REC_GROUP_END = 7/* AK9: code (AK901), included, received, accepted,
                                codes (AK905-909) */
} x12_ack_kind;

/* One record.  Strings are NUL-terminated, "" when absent, and valid only
 * during the callback. */
typedef struct x12_ack_record {
    x12_ack_kind kind;
    uint64_t byte_offset;      /* of the segment in the 999/TA1 file */
    uint32_t segment_index;    /* from its ISA */
    const char *code;          /* TA104, IK304, IK403, IK501 or AK901 */
    const char *codes[5];      /* TA105 (codes[0]), IK502-IK506, AK905-AK909 */
    int ncodes;
    const char *functional_id; /* AK101 */
    const char *set_id;        /* AK201 */
    const char *control;       /* TA101, AK102, AK202 */
    const char *version;       /* AK103, AK203 */
    const char *date, *time;   /* TA102, TA103 */
    const char *segment_id;    /* IK301, CTX02 */
    uint32_t position;         /* IK302, CTX03 */
    const char *loop_id;       /* IK303, CTX04 */
    uint16_t element, component, repetition; /* IK401; also CTX05 */
    const char *de;            /* IK402; CTX06-1 */
    const char *bad_data;      /* IK404 */
    const char *context_name;  /* CTX01-1 ("CLM01", "SITUATIONAL TRIGGER") */
    const char *context_value; /* CTX01-2 */
    uint32_t included, received, accepted; /* AK902-AK904 */
    char ack_segment[4];       /* the segment the record is of: "TA1", "AK1", "AK2", "IK3",
                                  "CTX", "IK4", "IK5", "AK9"; in a 997 (005010X230), which
                                  answers as a 999 does, "AK3", "AK4", "AK5" */
} x12_ack_record;

typedef struct x12_ack_reader x12_ack_reader;

/* Receives each record; return non-zero to stop (x12_ack_reader_segment then
 * returns X12_ERR_STOPPED). */
typedef int (*x12_ack_record_fn)(void *ctx, const x12_ack_record *rec);

/* Creates a reader of 999 and TA1 segments.  `alloc` NULL means libc.
 * Returns NULL when memory runs out.  Free with x12_ack_reader_free(). */
X12_API x12_ack_reader *x12_ack_reader_new(const x12_allocator *alloc, x12_ack_record_fn fn,
                                           void *ctx);

/* Passes one segment of the input (call it from the reader's segment
 * callback).  TA1, AK1, AK2, IK3, CTX, IK4, IK5 and AK9 segments (and a
 * 997's AK3, AK4 and AK5) become records; the envelope (ISA, GS, ST, SE, GE,
 * IEA) does not.  What no record holds is said through
 * x12_ack_reader_on_finding(), never dropped unsaid.  Returns X12_OK,
 * X12_ERR_STOPPED or X12_ERR_NOMEM. */
X12_API x12_status x12_ack_reader_segment(x12_ack_reader *r, const x12_segment *seg);

/* Receives what the records cannot hold, as findings at the segment (its
 * byte offset, index, set position and id; the element, component and
 * repetition named):
 *  - X12_ERR_CLAIM_NOT_CARRIED (X12_SEV_INFO): an element or component past
 *    those the record reads (IK305, IK401-4), a second repetition of CTX01,
 *    a segment that is not an acknowledgement's (element 0), and the ST of a
 *    transaction set that is neither a 999 nor a 997 (none of its segments
 *    is read or said);
 *  - X12_ERR_CLAIM_VALUE (X12_SEV_ERROR): a position or count that is not a
 *    number or is too large for its field (read as 0), a value longer than
 *    127 bytes (cut).
 * The record is handed out all the same.  `fn` NULL (the default) says
 * nothing. */
X12_API void x12_ack_reader_on_finding(x12_ack_reader *r,
                                       void (*fn)(void *ctx, const x12_finding *f), void *ctx);

/* Records handed out so far (0: the input held no 999 or TA1). */
X12_API uint64_t x12_ack_reader_count(const x12_ack_reader *r);

/* Frees the reader; NULL is a no-op. */
X12_API void x12_ack_reader_free(x12_ack_reader *r);

/* Reads a whole file of 999s and TA1s; reader errors go to `on_error` (may
 * be NULL).  A segment the input ends inside (X12_ERR_UNTERMINATED) is not
 * made a record: its last element may be cut.  (Feeding segments yourself,
 * pass no segment that follows an X12_ERR_UNTERMINATED.)  Returns X12_OK,
 * X12_ERR_ACK_NOT_ACK (no TA1 or 999 segment in it), or an error of
 * x12_read_file(). */
X12_API x12_status x12_ack_read_file(const char *path, const x12_reader_options *ropts,
                                     x12_ack_record_fn fn, void (*on_error)(void *ctx,
                                     const x12_error *e), void *ctx);

/* What x12_ack_read() calls; each may be NULL. */
typedef struct x12_ack_read_callbacks {
    x12_ack_record_fn record;                          /* each record */
    void (*error)(void *ctx, const x12_error *e);      /* the X12 reader's errors */
    void (*finding)(void *ctx, const x12_finding *f);  /* x12_ack_reader_on_finding() */
} x12_ack_read_callbacks;

/* x12_ack_read_file() with the ack reader's findings too. */
X12_API x12_status x12_ack_read(const char *path, const x12_reader_options *ropts,
                                const x12_ack_read_callbacks *cb, void *ctx);

/* Human-readable text for an acknowledgement code.  `element` names the
 * element the code is from: "TA104", "TA105", "AK901", "AK905" (also AK906-
 * AK909), "IK304", "IK403", "IK501", "IK502" (also IK503-IK506).  Returns a
 * static string; "unknown code" when the pair is not known.  A 997's AK304,
 * AK403, AK501 and AK502-AK506 are known too (the 999's codes without its
 * I codes). */
X12_API const char *x12_ack_code_text(const char *element, const char *code);

#ifdef __cplusplus
}
#endif
#endif
