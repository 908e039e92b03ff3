/* Private to the 837 reader (claim837.c: envelopes, levels, parties, the
 * walker and the public API; claim837_segments.c: the segments of a claim,
 * its lines and other payers, and the helpers both use). */
#ifndef X12_PARSERS_CLAIM837_INTERNAL_H
#define X12_PARSERS_CLAIM837_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include <x12/claim.h>

typedef struct order_track {
    int rank;          /* guide rank of the last one */
    int disordered;
    x12_segment *pos;  /* positions of those seen (in the claim's arena) */
    size_t count;
} order_track;

enum { A_ISA, A_GS, A_SET, A_BILL, A_SUB, A_PAT, A_CLAIM, A_COUNT };

struct x12_claim_reader {
    x12_claim_reader_callbacks cb;
    void *ctx;
    const x12_allocator *alloc;
    x12_walker *walker;
    x12_arena *a[A_COUNT];
    x12_status fatal;
    int stopped;

    /* envelope */
    x12_isa_header isa;
    x12_gs_header gs;
    x12_claim_header hdr;
    x12_delimiters delims;
    uint32_t interchange, set, claim_in_set;
    int in_set;          /* inside an 837 set the walker knows */
    /* Inside a set of another transaction (skipped, said once at its ST): the
     * walker's findings on it (its own guide's structure, usage, balancing)
     * are not this reader's to pass on; its syntax (SNIP 1) still is, since it
     * says whether the file could be read.  Findings at the position of an ST
     * are kept: they may be the next set's. */
    int other_set;
    x12_claim_type type;
    char st02[16];

    /* levels */
    x12_claim_billing billing;
    x12_claim_subscriber subscriber, sub_view;
    x12_claim_patient patient;
    int have_billing, have_subscriber, have_patient;

    /* the claim being built */
    x12_claim claim;
    int in_claim;
    int claim_too_big;        /* it outgrew max_claim_bytes: skipped to the next CLM */
    int claim_bad_value;      /* a value of it the model cannot hold (X12_ERR_CLAIM_VALUE) */
    int levels_big;           /* the envelope and HL levels outgrew max_claim_bytes: their
                                 segments are skipped and their claims not delivered until
                                 a new level (HL) or set frees it */
    size_t max_claim_bytes;
    uint64_t clm_offset;
    uint32_t clm_index, clm_set_pos;
    x12_claim_party *party; /* target of N3/N4/REF/PER/DMG/PRV in the current loop */
    const char *party_entity; /* its loop's default NM101 */
    const char *party_prv;    /* its default PRV01 */
    int party_k;              /* the arena of that party (its strings and arrays go there,
                                 whatever loop a later N3/PER/... arrives in) */
    x12_claim_line *line;
    x12_claim_other_payer *op;
    x12_claim_line_adjudication *adj;
    int hi_ordinal;           /* HI composites seen in this claim (837P/837D) */
    int opens[3];             /* HL 2000A/B/C seen since the last claim */
    order_track order[2];     /* [0] DTP, [1] REF of the claim or the current line */
    int amounts_2, amounts_other; /* amounts of the claim with two decimals, without */

    /* the segment being read */
    const x12_walk_event *ev;
    int seg_utf8; /* ev's segment is all UTF-8: its values need no check of their own */
    uint64_t used;            /* elements consumed, bit per position (1..63) */
};

/* ---- helpers (claim837_segments.c) --------------------------------------- */

/* Marks the reader out of memory; returns -1. */
int cr_nomem(x12_claim_reader *r);
/* Reports element `el` (0: the whole segment) of the current segment as
 * not carried by the model (X12_ERR_CLAIM_NOT_CARRIED, severity info). */
void cr_not_carried(x12_claim_reader *r, unsigned el);
/* The current segment, a second of what the guide allows one of
 * (x12_walk_event.over), as not carried: the model holds the first. */
void cr_second(x12_claim_reader *r);
/* Hands on a finding of the reader's own at a position given field by field
 * (a segment of the current event, or the CLM of the claim that ends). */
void cr_finding_at(x12_claim_reader *r, uint64_t off, uint32_t index, uint32_t set_pos,
                   const char *id, size_t idlen, const char *loop, x12_status code,
                   x12_severity sev, unsigned el, unsigned comp, const char *detail);
/* A transaction set that is not an 837, at its ST (X12_ERR_OTHER_TRANSACTION, an error). */
void cr_report_other(x12_claim_reader *r, const char *detail);
/* An 837 whose guide has no spec, at its ST (X12_ERR_GUIDE_NOT_READ, an
 * error): `el` 3 when ST03 named it, 0 when GS08 did. */
void cr_report_guide(x12_claim_reader *r, unsigned el, const char *detail);
/* An error of the claim at the current segment (element 0). */
void cr_report_claim(x12_claim_reader *r, x12_status code, const char *detail);
/* Element `pos` of the current segment, marked as carried. */
x12_slice cr_elem(x12_claim_reader *r, unsigned pos);
/* Element `pos` copied into arena `k` (A_*); NULL when empty. */
const char *cr_str(x12_claim_reader *r, int k, unsigned pos);
const char *cr_slice_str(x12_claim_reader *r, int k, x12_slice v);
/* Components 1..n of element `pos`; data past them is reported. */
void cr_comps(x12_claim_reader *r, int k, unsigned pos, const char **out, unsigned n);
#define cr_is x12__slice_is
/* Element `pos` as cents; a value with three decimals is reported. */
int64_t cr_amount(x12_claim_reader *r, unsigned pos);
/* Reports the elements of the current segment nobody consumed. */
void cr_check_used(x12_claim_reader *r);
/* `v`, or NULL when it equals the model's default `def`. */
/* The value as a C string of at most cap - 1 bytes (snprintf's "%.*s",
 * without its cost: qualifiers are copied out for every segment). */
static inline void cr_copy(char *dst, size_t cap, x12_slice v)
{
    size_t n = v.len < cap - 1 ? v.len : cap - 1;
    if (n)
        memcpy(dst, v.ptr, n);
    dst[n] = '\0';
}

/* Is loop id `l` the literal `lit`?  Byte by byte, inline: the reader asks
 * this a dozen times a segment. */
static inline int loop_is(const char *l, const char *lit)
{
    size_t i = 0;
    for (; lit[i]; i++)
        if (l[i] != lit[i])
            return 0;
    return l[i] == '\0';
}

static inline const char *cr_unless(const char *v, const char *def)
{
    /* the first bytes first: most values are not the default */
    if (!v || !def)
        return v;
    size_t i = 0;
    for (; def[i]; i++)
        if (v[i] != def[i])
            return v;
    return v[i] ? v : NULL;
}
/* Starts DTP/REF order tracking for a new claim or line. */
void cr_order_reset(x12_claim_reader *r);
/* The segments of 2300, 2320, 2400, 2410, 2430 and 2440. */
void cr_line_segment(x12_claim_reader *r, x12_slice id);
void cr_drug_segment(x12_claim_reader *r, x12_slice id);
void cr_adjudication_segment(x12_claim_reader *r, x12_slice id);
void cr_form_segment(x12_claim_reader *r, x12_slice id);
void cr_other_payer_segment(x12_claim_reader *r, x12_slice id);
void cr_claim_segment(x12_claim_reader *r, x12_slice id);
void *cr_push_raw(x12_arena *a, void **base, size_t count, size_t size);

/* Appends a zeroed element to an arena array growing by doubling; sets OUT
 * (NULL when memory runs out, the reader then fails with X12_ERR_NOMEM). */
#define PUSH(R, K, ARR, CNT, OUT)                                                \
    do {                                                                         \
        void *base_ = (void *)(ARR);                                             \
        (OUT) = cr_push_raw((R)->a[K], &base_, (CNT), sizeof *(ARR));               \
        if (!(OUT)) {                                                            \
            cr_nomem(R);                                                            \
        } else {                                                                 \
            (ARR) = base_;                                                       \
            (CNT)++;                                                             \
        }                                                                        \
    } while (0)

#endif
