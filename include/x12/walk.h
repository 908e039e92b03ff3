/* x12kit loop walker.
 *
 * Turns the segments of a reader into loop events, guided by the spec of each
 * transaction set's implementation guide: enter a loop, a segment in its loop,
 * leave a loop.  The guide is chosen per transaction set from ST03, else GS08,
 * together with ST01; a set whose guide is unknown is passed through as
 * segments of its "ST" loop, with one X12_ERR_UNKNOWN_GUIDE finding.  What
 * does not fit the guide (an unexpected segment, a loop or segment repeated
 * too often, a required one missing) is a finding; no segment is dropped.
 * Memory is bounded by the nesting of the guide, not by the input. */
#ifndef X12_WALK_H
#define X12_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "spec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum x12_severity { X12_SEV_ERROR = 0, X12_SEV_WARNING = 1, X12_SEV_INFO = 2 } x12_severity;

/* A problem found by the walker or validator: an x12_error with what a 999
 * and a report need besides. */
typedef struct x12_finding {
    x12_error err;
    x12_severity severity;
    uint8_t snip;        /* WEDI SNIP type 1-7 */
    const char *guide;   /* guide id, "" when none */
    const char *loop_id; /* loop of the segment, "" outside a set */
    char ik3[4];         /* 999 IK304 code, "" when none applies */
    char ik4[4];         /* 999 IK403 code, "" when none applies */
    const char *note;    /* longer text from the spec (a rule's message), or NULL; valid
                            while the walker lives */
    /* A situational rule (SNIP 4) that applied because of another segment: that
     * segment (the 999's CTX situational trigger).  trigger_id is "" when none. */
    char trigger_id[4];
    uint32_t trigger_set_position; /* its position from ST = 1 */
    const char *trigger_loop;      /* its loop id, NULL when none; valid while the walker lives */
    uint16_t trigger_element, trigger_component; /* 0 when the rule names the segment only */
    /* The repetition of a repeating element the finding is in, from 1 (999
     * IK401-3); 0 when the element does not repeat or the finding is about
     * the element as a whole. */
    uint16_t repetition_pos;
} x12_finding;

typedef enum x12_walk_kind {
    X12_WALK_ENTER = 0,   /* a loop starts (its trigger follows as a SEGMENT) */
    X12_WALK_SEGMENT = 1, /* a segment, in `loop` */
    X12_WALK_LEAVE = 2    /* a loop ends */
} x12_walk_kind;

typedef struct x12_walk_event {
    x12_walk_kind kind;
    const char *loop_id;    /* "2300"; "ST" for the set itself; NULL outside a set */
    const char *loop_name;  /* from the guide, NULL when unknown */
    uint32_t depth;         /* 0 for the set itself */
    const x12_segment *seg; /* SEGMENT only */
    const char *seg_name;   /* SEGMENT only: the guide's name, NULL when unknown */
    int placed;             /* SEGMENT only: 1 when the guide has it at this point */
    const x12_spec *spec;   /* the guide of the current set, NULL when none */
    /* LEAVE only: X12_WALK_CUT_INPUT when the loop is left because the input
     * ended inside its set, X12_WALK_CUT_ENVELOPE because an ST, GS, GE, ISA
     * or IEA came before the set's SE; 0 otherwise.  What was read last in
     * such a set may not be whole (a claim without its last lines, an amount
     * cut short): the 835, 837 and 277CA readers do not hand it on. */
    int cut;
    /* SEGMENT only: 1 when the segment is a second of what the guide allows
     * one of: a second of a segment of maximum use 1, or in a second instance
     * of a loop of repeat 1 (the walker reports X12_ERR_SEGMENT_REPEAT /
     * X12_ERR_LOOP_REPEAT).  The 837, 835 and 277CA readers, which have one
     * place for it, keep the first and say this one is not carried, rather
     * than let it take the first's place without a word. */
    int over;
} x12_walk_event;

#define X12_WALK_CUT_INPUT 1
#define X12_WALK_CUT_ENVELOPE 2

typedef struct x12_walker_callbacks {
    /* Return non-zero to stop: x12_walker_segment() then returns X12_ERR_STOPPED. */
    int (*event)(void *ctx, const x12_walk_event *ev);
    void (*finding)(void *ctx, const x12_finding *f);
} x12_walker_callbacks;

typedef struct x12_walker x12_walker;

/* Flags for x12_walker_new(). */
#define X12_WALK_ELEMENTS 0x1u /* check every element of every placed segment against
                                  the guide: usage, length, data type, codes, repetitions,
                                  components and syntax notes (SNIP 1-2) */
#define X12_WALK_RULES 0x4u    /* evaluate the situational rules the guide carries (SNIP 4) */
#define X12_WALK_BALANCE 0x2u  /* check the amounts that must agree (SNIP 3): 835 line, claim
                                  and transaction balancing; 837 CLM02 against the lines, and
                                  COB balancing per prior payer */
#define X12_WALK_NEAREST_GUIDE 0x8u /* a set whose guide x12kit has no spec for, but an
                                  earlier or later version of one it has (005010X221,
                                  X222, X222A2, X223, X223A1, X223A3, X224, X224A1,
                                  X224A3, X231), is checked against that one: a warning
                                  (X12_ERR_NEAREST_GUIDE) at its ST names both.  Without
                                  it such a set gets envelope checks only (an info
                                  X12_ERR_UNKNOWN_GUIDE that names the nearest guide) */

/* Creates a walker; returns NULL when memory runs out.  The built-in guides a
 * walker uses are parsed once per process and shared by every walker and
 * thread (read only; kept until the process ends, so a leak checker counts
 * them as still reachable).  With X12_WALK_ELEMENTS a walker also keeps about
 * 330 KiB of segments found clean, to skip their twins' checks. */
X12_API x12_walker *x12_walker_new(const x12_walker_callbacks *cb, void *ctx, unsigned flags);

/* The same with an allocator for the walker's own memory (`alloc` NULL =
 * libc).  The built-in specs it loads on demand use the C library and
 * libxml2's allocator; pass specs with x12_walker_use_spec() to keep every
 * allocation of a walk on `alloc`. */
X12_API x12_walker *x12_walker_new_alloc(const x12_walker_callbacks *cb, void *ctx, unsigned flags,
                                         const x12_allocator *alloc);

/* Uses `spec` (for example one with a companion-guide overlay applied) for
 * the transaction sets of its guide instead of the built-in one.  The caller
 * keeps ownership; the spec must outlive the walker and must not change while
 * the walker holds it (apply overlays first).  Returns X12_OK,
 * X12_ERR_NOMEM, or X12_ERR_LIMIT past 16 guides. */
X12_API x12_status x12_walker_use_spec(x12_walker *w, const x12_spec *spec);

/* Passes one segment (call it from the reader's segment callback).  Returns
 * X12_OK, X12_ERR_STOPPED or X12_ERR_NOMEM.  With X12_WALK_ELEMENTS a segment
 * whose raw bytes, delimiters and definition match one already checked clean
 * is not checked again; a hand-built segment whose elements are not raw split
 * at the element separators, one after another, is always checked. */
X12_API x12_status x12_walker_segment(x12_walker *w, const x12_segment *seg);

/* Passes one reader error on as a SNIP 1 finding. */
X12_API void x12_walker_reader_error(x12_walker *w, const x12_error *err);

/* Ends the input: closes a set left open (its loops are left, required ones
 * checked).  Returns as x12_walker_segment(). */
X12_API x12_status x12_walker_finish(x12_walker *w);

/* Frees the walker and the specs it loaded; NULL is a no-op. */
X12_API void x12_walker_free(x12_walker *w);

#ifdef __cplusplus
}
#endif
#endif
