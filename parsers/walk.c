/* The loop walker: places each segment of a transaction set in the loop
 * structure of its guide (spec_model.h) and reports enter/segment/leave
 * events and structural findings.  State is a stack of open loops, each with
 * the position reached among its children and how often each child occurred;
 * a segment is looked for from the innermost loop outwards, at or after the
 * position reached, the way X12 orders segments.  HL loops are told apart by
 * HL03 like any qualified loop; HL02 is checked against the enclosing HL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "spec_model.h"
#include "balance.h"
#include "rules.h"
#include "validate.h"
#include "x12/walk.h"

#define MAX_DEPTH 24
#define K2(a, b) ((uint32_t)2 << 24 | (uint32_t)(a) << 16 | (uint32_t)(b) << 8)
#define K3(a, b, c) ((uint32_t)3 << 24 | (uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
#define MAX_SPECS 16

typedef struct frame {
    const spec_loop *lp;
    rule_fact *facts; /* what this instance's rules have seen (X12_WALK_RULES) */
    rule_uniq uniq;   /* the values its unique rules have seen */
    rule_pos trig;    /* where the instance started, for rule findings */
    uint32_t idx;     /* the child matched last */
    uint32_t *counts; /* occurrences of each child in this instance */
    char hl_id[16];   /* HL01 of an HL loop's instance, "" otherwise */
    char hl04;        /* its HL04 when one byte ('0', '1'), else 0 */
    uint8_t hl_kids;  /* a child HL came under it */
    uint8_t over;     /* this instance, or one around it, is a second of a loop of repeat 1 */
    uint64_t open;    /* spec_loopbit of this loop and every loop around it */
} frame;

typedef struct loaded {
    char id[40];
    const char *nearest; /* X12_WALK_NEAREST_GUIDE: the guide whose spec this is, NULL */
    x12_spec *spec; /* NULL: known to be missing */
    int borrowed;   /* given by x12_walker_use_spec: not ours to free */
    uint32_t maxkids;
    char (*ids)[4]; /* every segment id of the guide, sorted */
    uint32_t nids;
} loaded;

/* Element checks (SNIP 2 and the SNIP 5 code-set checks of validate.c) depend
 * on nothing but a segment's bytes, its delimiters, its element count and the
 * definition it was placed on.  Files repeat many segments byte for byte (a
 * payer's NM1 in every claim, LX*1, a service date, the same procedure):
 * 49% of the segments of the generated 837P, 34% of the 835, 80-99% of the
 * larger corpus files.  So a segment whose checks found nothing is kept here,
 * and its twin under the same definition is not checked again.  Direct-mapped
 * by a hash; a hit compares the bytes themselves, so the memo is exact.  Only
 * segments of up to MEMO_BYTES are kept (99.7% of them in those files).
 * Specs never change under a walker (x12_walker_use_spec), and the memo is
 * emptied when one is unloaded, so a definition's address names it. */
#define MEMO_SLOTS 4096u /* 4096 * 80 bytes = 320 KiB and 8 KiB of tags, at the first set */
#define MEMO_BYTES 60u
/* Some definitions' segments almost never repeat (a CLP or SVC with its
 * amounts, a patient's name): probing the memo for them costs more than it
 * saves.  Each definition (by a hash of its address, into MEMO_KINDS
 * buckets) keeps a score: +MEMO_HIT_GAIN a hit, -1 a miss.  At MEMO_FLOOR or
 * below its segments are checked without the memo, and one in MEMO_PROBE
 * still goes through it, so that a definition whose segments start to
 * repeat wins its place back. */
#define MEMO_KINDS 256u
#define MEMO_HIT_GAIN 3
#define MEMO_FLOOR (-32)
#define MEMO_CEIL 256
#define MEMO_PROBE 16u
typedef struct memo_slot {
    const spec_seg *def; /* NULL: empty */
    uint32_t len;
    uint32_t count;      /* element_count */
    char delims[4];      /* element, repetition, component separators (and 0) */
    char bytes[MEMO_BYTES];
} memo_slot;

struct x12_walker {
    x12_allocator alloc_copy;  /* the caller's allocator, when one was given */
    const x12_allocator *alloc; /* &alloc_copy or NULL (libc) */
    x12_walker_callbacks cb;
    void *ctx;
    unsigned flags;
    loaded specs[MAX_SPECS];
    int nspecs;
    char gs08[40];
    char gs01[4];       /* the group's functional id, checked against each set's guide */
    int env_5010;       /* the interchange's ISA12 is 00501: its envelope is checked */
    int in_set;
    int cut; /* X12_WALK_CUT_*: the set is being left without its SE */
    /* where the last segment given ends (its terminator's offset): a set the
     * input ends inside reports what it lacks there, not at byte 0 */
    uint64_t last_end;
    loaded *cur;        /* the current set's guide, NULL when unknown */
    frame frames[MAX_DEPTH];
    int depth;
    uint32_t *pool;     /* MAX_DEPTH * pool_width counters */
    uint32_t pool_width;
    x12_status fatal;
    balancer bal;       /* SNIP 3, with X12_WALK_BALANCE */
    rule_fact *rule_pool; /* MAX_DEPTH * rule_width facts */
    uint64_t *uniq_pool;  /* MAX_DEPTH * RULE_UNIQ_MAX, once a guide has unique rules */
    size_t rule_width;
    ctlset hl_ids;      /* HL01s of the current set (unique in it: X12 HL semantics) */
    uint64_t hl_next;   /* the HL01 the guides expect next: 1, then one more than the last */
    uint16_t *memo_tags; /* a hash tag per memo slot, 0 when empty */
    int memo_off;        /* x12__walker_memo(w, 0) */
    memo_slot *memo;    /* segments whose element checks found nothing (X12_WALK_ELEMENTS) */
    int16_t memo_score[MEMO_KINDS]; /* by definition: how often its segments repeat */
    /* the segment being placed, as the memo saw it: a hit (checked before, clean,
     * its segment rules of any scope too), or the slot it was just put in */
    int memo_hit;
    int seg_over; /* the SEGMENT event being emitted is a second of what the guide allows one of */
    uint32_t memo_new; /* slot + 1; 0 when not put in */
    uint64_t rule_findings; /* rule findings so far */
};

/* HL01s kept per transaction set for the duplicate check; past this many
 * HLs in one set the check stops (an info finding says so).  At 9 bytes a
 * value, at most about 2 MB. */
#define HL_ID_LIMIT 100000u /* the message below says the number */

/* --- findings and events --------------------------------------------------- */

/* The fields every finding shares: where it is, the guide and loop, and why.
 * A segment id longer than three bytes is cut (it is broken anyway). */
static void finding_init(const x12_walker *w, x12_finding *f, x12_status code, uint64_t off,
                         uint32_t seg_index, uint32_t set_pos, const char *id, size_t idlen,
                         const char *loop_id, const char *detail)
{
    memset(f, 0, sizeof *f);
    f->err.code = code;
    f->err.msg = x12_status_message(code);
    f->err.byte_offset = off;
    f->err.segment_index = seg_index;
    f->err.set_position = set_pos;
    if (id && idlen)
        memcpy(f->err.segment_id, id, idlen < 3 ? idlen : 3);
    if (detail)
        snprintf(f->err.detail, sizeof f->err.detail, "%s", detail);
    f->severity = X12_SEV_ERROR;
    f->guide = w->cur && w->cur->spec ? w->cur->spec->guide_id : "";
    f->loop_id = loop_id ? loop_id : "";
}

void x12__reader_finding(x12_finding *f, const x12_walk_event *ev, uint64_t off, uint32_t index,
                         uint32_t set_pos, const char *id, size_t idlen, const char *loop,
                         x12_status code, x12_severity sev, unsigned el, unsigned comp,
                         const char *detail)
{
    memset(f, 0, sizeof *f);
    f->err.code = code;
    f->err.msg = x12_status_message(code);
    f->err.byte_offset = off;
    f->err.segment_index = index;
    f->err.set_position = set_pos;
    snprintf(f->err.segment_id, sizeof f->err.segment_id, "%.*s", (int)(idlen < 3 ? idlen : 3),
             id ? id : "");
    f->err.element_pos = (uint16_t)el;
    f->err.component_pos = (uint16_t)comp;
    if (detail)
        snprintf(f->err.detail, sizeof f->err.detail, "%s", detail);
    f->severity = sev;
    f->guide = ev && ev->spec ? x12_spec_guide_id(ev->spec) : "";
    f->loop_id = loop ? loop : "";
}

static void finding(x12_walker *w, const x12_segment *seg, x12_status code, x12_severity sev,
                    uint8_t snip, const char *loop_id, const char *ik3, const char *detail)
{
    if (!w->cb.finding)
        return;
    x12_finding f;
    if (seg)
        finding_init(w, &f, code, seg->byte_offset, seg->segment_index, seg->set_position,
                     seg->id.ptr, seg->id.len, loop_id, detail);
    else /* the end of a set the input ended inside (x12_walker_finish) */
        finding_init(w, &f, code, w->last_end, 0, 0, NULL, 0, loop_id, detail);
    f.severity = sev;
    f.snip = snip;
    if (ik3)
        snprintf(f.ik3, sizeof f.ik3, "%s", ik3);
    w->cb.finding(w->ctx, &f);
}

/* A SNIP 2 finding (IK304 8, IK403 I12) on element `el` of the segment at
 * `at`, which may lie before the segment being read: the HL checks, and the
 * numbers of loop instances. */
static void pos_finding(x12_walker *w, const rule_pos *at, x12_status code, const char *loop_id,
                       uint16_t el, const char *detail)
{
    if (!w->cb.finding)
        return;
    x12_finding f;
    finding_init(w, &f, code, at->off, at->seg_index, at->set_pos, at->id, strlen(at->id), loop_id,
                 detail);
    f.err.element_pos = el;
    f.snip = 2;
    snprintf(f.ik3, sizeof f.ik3, "8");
    snprintf(f.ik4, sizeof f.ik4, "I12");
    w->cb.finding(w->ctx, &f);
}

/* An element that numbers its loop's instances (numbers="loop" in the spec:
 * the 837s' 2400 LX01, "begins with 1 and is incremented by one for each
 * additional service line of a claim") against the instance being opened. */
static __attribute__((noinline)) void loop_number(x12_walker *w, const x12_segment *seg,
                                                  const spec_seg *def, uint32_t instance,
                                                  const char *loop_id)
{
    long long n = x12__digits_value(seg_el(seg, def->numbers_el), 18);
    if (n < 0 || n == instance)
        return; /* missing or not a number: the element checks say so */
    char detail[80];
    snprintf(detail, sizeof detail, "%s%02u is %llu in instance %u of loop %.8s here", def->id,
             (unsigned)def->numbers_el, (unsigned long long)n, (unsigned)instance, loop_id);
    rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
    memcpy(at.id, def->id, sizeof at.id);
    pos_finding(w, &at, X12_ERR_LOOP_NUMBER, loop_id, def->numbers_el, detail);
}

/* The TR3s' HL01 (837P/I/D 2000A, 277CA 2000A): "must begin with 1 and be
 * incremented by one each time an HL is used in the transaction", numbers
 * only.  Checked against the HL before it, so a gap is one finding, not one
 * per HL after it. */
static __attribute__((noinline)) void hl_sequence(x12_walker *w, const rule_pos *here,
                                                  const char *loop_id, x12_slice hl01)
{
    long long v = x12__digits_value(hl01, 18);
    char detail[96];
    if (v < 0) {
        snprintf(detail, sizeof detail, "HL01 '%.*s' is not a number",
                 (int)(hl01.len < 15 ? hl01.len : 15), hl01.ptr);
        pos_finding(w, here, X12_ERR_HL_SEQUENCE, loop_id, 1, detail);
        w->hl_next++; /* it stands for the number it should have had */
        return;
    }
    if ((uint64_t)v != w->hl_next) {
        snprintf(detail, sizeof detail, "HL01 is %llu, the HL before it %llu: one more expected",
                 (unsigned long long)v, (unsigned long long)(w->hl_next - 1));
        if (w->hl_next == 1)
            snprintf(detail, sizeof detail, "HL01 is %llu: the first HL of a set is 1",
                     (unsigned long long)v);
        pos_finding(w, here, X12_ERR_HL_SEQUENCE, loop_id, 1, detail);
    }
    w->hl_next = (uint64_t)v + 1;
}

static void emit(x12_walker *w, x12_walk_kind kind, const spec_loop *lp, const char *loop_id,
                 uint32_t depth, const x12_segment *seg, const char *seg_name, int placed)
{
    if (!w->cb.event || w->fatal)
        return;
    x12_walk_event ev;
    ev.kind = kind;
    ev.loop_id = lp ? lp->id : loop_id;
    ev.loop_name = lp ? lp->name : NULL;
    ev.depth = depth;
    ev.seg = seg;
    ev.seg_name = seg_name;
    ev.placed = placed;
    ev.spec = w->cur ? w->cur->spec : NULL;
    ev.cut = kind == X12_WALK_LEAVE ? w->cut : 0;
    ev.over = kind == X12_WALK_SEGMENT ? w->seg_over : 0;
    if (w->cb.event(w->ctx, &ev))
        w->fatal = X12_ERR_STOPPED;
}

/* An element finding from validate.c. */
static void element_finding(void *ctx, const x12_segment *seg, x12_status code, const char *ik4,
                            uint16_t element, uint16_t component, uint16_t repetition,
                            const char *loop_id, const char *detail, int flags)
{
    x12_walker *w = ctx;
    if (!w->cb.finding)
        return;
    if (!w->in_set) {
        /* an envelope segment's (check_envelope): no IK3 or IK4, since no set
         * holds it (x12_ack answers ISA findings in the TA1 and GS findings in
         * AK9), and SNIP 1.  ISA13 and GS06 are the reader's to check
         * (edi/envelope.c), so that each problem is reported once. */
        uint32_t k = spec_idkey(seg->id.ptr, seg->id.len);
        if ((k == K3('I', 'S', 'A') && element == 13) || (k == K2('G', 'S') && element == 6))
            return;
        ik4 = "";
        flags |= VF_SNIP1;
    }
    x12_finding f;
    finding_init(w, &f, code, seg->byte_offset, seg->segment_index, seg->set_position,
                 seg->id.ptr, seg->id.len, loop_id, detail);
    f.err.element_pos = element;
    f.err.component_pos = component;
    f.repetition_pos = repetition;
    /* what rests on an unverified part of a spec (837D) is only a warning */
    f.severity = (flags & VF_WARNING) ? X12_SEV_WARNING : X12_SEV_ERROR;
    /* syntax, type and length are X12 (SNIP 1); usage and codes the guide's (SNIP 2),
     * but the envelope's (X12's own) are SNIP 1; what an overlay narrowed is SNIP 7 */
    f.snip = (flags & VF_SNIP7)   ? 7
             : (flags & VF_SNIP1) ? 1
             : (flags & VF_SNIP5) ? 5
             : (code == X12_ERR_ELEMENT_REQUIRED || code == X12_ERR_ELEMENT_NOT_USED ||
                code == X12_ERR_ELEMENT_CODE || code == X12_ERR_ELEMENT_EXTRA ||
                code == X12_ERR_ELEMENT_PATTERN)
                 ? 2
                 : 1;
    if (*ik4) { /* a warning without a 999 code has neither */
        snprintf(f.ik3, sizeof f.ik3, "8");
        snprintf(f.ik4, sizeof f.ik4, "%s", ik4);
    }
    w->cb.finding(w->ctx, &f);
}

/* The hash of a segment's key. */
static uint64_t memo_hash(const x12_segment *seg, const spec_seg *def, const char delims[4])
{
    const char *p = seg->raw.ptr;
    size_t n = seg->raw.len;
    uint64_t h = ((uint64_t)(uintptr_t)def >> 4) ^ ((uint64_t)seg->element_count << 32) ^ n ^
                 ((uint64_t)(unsigned char)delims[0] << 40) ^
                 ((uint64_t)(unsigned char)delims[1] << 48) ^
                 ((uint64_t)(unsigned char)delims[2] << 56);
    uint64_t x;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        h = (h ^ x) * 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    if (i < n) {
        if (n >= 8) { /* the last eight bytes, overlapping the word before */
            memcpy(&x, p + n - 8, 8);
        } else {
            x = 0;
            for (size_t j = 0; j < n; j++)
                x = x << 8 | (unsigned char)p[j];
        }
        h = (h ^ x) * 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    return h * 0xD6E8FEB86659FD93u;
}

/* Are p[0..n) and q[0..n) the same bytes?  (Eight at a time, the last word
 * overlapping the one before; n is at most MEMO_BYTES.) */
static int same_bytes(const char *p, const char *q, size_t n)
{
    uint64_t x, y, diff = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            diff |= (uint64_t)(p[i] ^ q[i]);
        return !diff;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        memcpy(&y, q + i, 8);
        diff |= x ^ y;
    }
    if (i < n) {
        memcpy(&x, p + n - 8, 8);
        memcpy(&y, q + n - 8, 8);
        diff |= x ^ y;
    }
    return !diff;
}

/* Can the segment be keyed by its bytes?  Its elements must be raw split at
 * element separators, one after the other, as the reader hands them out; a
 * segment built some other way is checked every time. */
static int split_from_raw(const x12_segment *seg)
{
    const x12_slice *el = seg->elements;
    const char *p = seg->raw.ptr, *end = p + seg->raw.len;
    char es = seg->delims.element;
    if (el[0].ptr != p)
        return 0;
    for (uint32_t i = 1; i <= seg->element_count; i++) {
        p += el[i - 1].len;
        if (p >= end || *p != es || el[i].ptr != p + 1)
            return 0;
        p++;
    }
    return p + el[seg->element_count].len == end;
}

void x12__walker_memo(x12_walker *w, int on)
{
    w->memo_off = !on;
}

/* Element checks of a placed segment, through the memo when it can be used. */
static void check_elements(x12_walker *w, const x12_segment *seg, const spec_seg *def,
                           const char *loop_id)
{
    size_t n = seg->raw.len;
    int16_t *score = &w->memo_score[((uintptr_t)def >> 4) * 0x9E3779B1u >> 24 & (MEMO_KINDS - 1)];
    if (!w->memo || w->memo_off || n == 0 || n > MEMO_BYTES ||
        (*score <= MEMO_FLOOR && seg->segment_index % MEMO_PROBE) || !split_from_raw(seg)) {
        x12__validate_elements(seg, def, loop_id, element_finding, w);
        return;
    }
    const char delims[4] = {seg->delims.element, seg->delims.repetition, seg->delims.component, 0};
    uint64_t h = memo_hash(seg, def, delims);
    uint32_t slot = (uint32_t)(h >> 52) & (MEMO_SLOTS - 1);
    uint16_t tag = (uint16_t)(h >> 16 | 1); /* 0: the slot is empty */
    memo_slot *m = &w->memo[slot];
    /* the tags (8 KiB) answer most misses without reading the slot */
    if (w->memo_tags[slot] == tag && m->def == def && m->len == n &&
        m->count == seg->element_count && !memcmp(m->delims, delims, 4) &&
        same_bytes(m->bytes, seg->raw.ptr, n)) {
        if (*score < MEMO_CEIL)
            *score = (int16_t)(*score + MEMO_HIT_GAIN);
        w->memo_hit = 1;
        return; /* checked before, under this definition, and clean */
    }
    if (*score > MEMO_FLOOR)
        (*score)--;
    if (x12__validate_elements(seg, def, loop_id, element_finding, w) == 0) {
        w->memo_tags[slot] = tag;
        m->def = def;
        m->len = (uint32_t)n;
        m->count = seg->element_count;
        memcpy(m->delims, delims, 4);
        memcpy(m->bytes, seg->raw.ptr, n);
        w->memo_new = slot + 1;
    }
}

/* SNIP 3: amounts that do not balance (errors), and an 835 adjustment at
 * both levels (a warning). */
static void balance_finding(void *ctx, x12_status code, const bal_pos *at, const char *loop_id,
                            uint16_t el, const char *ik3, const char *detail)
{
    x12_walker *w = ctx;
    if (!w->cb.finding)
        return;
    x12_finding f;
    finding_init(w, &f, code, at->off, at->seg_index, at->set_pos, at->id, strlen(at->id),
                 loop_id, detail);
    f.err.element_pos = el;
    if (code == X12_ERR_CAS_BOTH_LEVELS)
        f.severity = X12_SEV_WARNING;
    /* the COB notes are situational rules, not sums */
    f.snip = code == X12_ERR_COB_REPORTING ? 4 : 3;
    if (ik3) {
        snprintf(f.ik3, sizeof f.ik3, "%s", ik3);
        if (el) /* IK403 I12 as the guides' patterns: a value this claim cannot hold */
            snprintf(f.ik4, sizeof f.ik4, "I12");
    }
    w->cb.finding(w->ctx, &f);
}

/* --- guides ----------------------------------------------------------------- */

static void scan_spec(const spec_loop *lp, loaded *L, int count_only, int depth)
{
    if (depth > MAX_DEPTH)
        return; /* a loopref cycle; the walker's own limit reports it */
    if (lp->nkids > L->maxkids)
        L->maxkids = lp->nkids;
    for (uint32_t i = 0; i < lp->nkids; i++) {
        const spec_child *k = &lp->kids[i];
        if (k->is_loop) {
            /* a loopref points at a loop scanned where it is defined */
            scan_spec(k->loop, L, count_only, depth + 1);
            continue;
        }
        if (!count_only) {
            uint32_t j = 0;
            while (j < L->nids && strcmp(L->ids[j], k->seg->id) != 0)
                j++;
            if (j == L->nids)
                memcpy(L->ids[L->nids++], k->seg->id, 4);
        } else {
            L->nids++;
        }
    }
}

static int guide_has_segment(const loaded *L, x12_slice id)
{
    for (uint32_t j = 0; j < L->nids; j++)
        if (x12_slice_eq(id, L->ids[j]))
            return 1;
    return 0;
}

/* Sizes the walker's pools for a newly known guide and lists its segment ids. */
static int prepare(x12_walker *w, loaded *L)
{
    scan_spec(L->spec->root, L, 1, 0);
    L->ids = x12__alloc(w->alloc, (L->nids ? L->nids : 1) * sizeof *L->ids);
    if (!L->ids)
        return -1;
    L->nids = 0;
    scan_spec(L->spec->root, L, 0, 0);
    size_t rw = L->spec->max_loop_facts ? L->spec->max_loop_facts : 1; /* (a rule may have
                                                                        * no condition) */
    if (rw > w->rule_width) {
        rule_fact *np = x12__realloc(w->alloc, w->rule_pool, (size_t)MAX_DEPTH * rw * sizeof *np);
        if (!np)
            return -1;
        w->rule_pool = np;
        w->rule_width = rw;
    }
    if (L->spec->has_unique && !w->uniq_pool) {
        w->uniq_pool =
            x12__alloc(w->alloc, (size_t)MAX_DEPTH * RULE_UNIQ_MAX * sizeof *w->uniq_pool);
        if (!w->uniq_pool)
            return -1;
    }
    if ((w->flags & X12_WALK_ELEMENTS) && !w->memo) {
        w->memo_tags = x12__alloc(w->alloc, MEMO_SLOTS * sizeof *w->memo_tags);
        if (!w->memo_tags)
            return -1;
        w->memo = x12__alloc(w->alloc, MEMO_SLOTS * sizeof *w->memo);
        if (!w->memo) {
            x12__free(w->alloc, w->memo_tags);
            w->memo_tags = NULL;
            return -1;
        }
        memset(w->memo_tags, 0, MEMO_SLOTS * sizeof *w->memo_tags);
        memset(w->memo, 0, MEMO_SLOTS * sizeof *w->memo);
    }
    if (L->maxkids > w->pool_width) {
        uint32_t *np = x12__realloc(w->alloc, w->pool, (size_t)MAX_DEPTH * L->maxkids * sizeof *np);
        if (!np)
            return -1;
        w->pool = np;
        w->pool_width = L->maxkids;
    }
    return 0;
}

static void unload(x12_walker *w, loaded *L)
{
    if (w->memo) { /* its definitions' addresses may come back as others' */
        memset(w->memo, 0, MEMO_SLOTS * sizeof *w->memo);
        memset(w->memo_tags, 0, MEMO_SLOTS * sizeof *w->memo_tags);
    }
    if (!L->borrowed)
        x12_spec_free(L->spec);
    x12__free(w->alloc, L->ids);
    memset(L, 0, sizeof *L);
}

/* The slot of guide `id` among those loaded (or known to be missing), NULL. */
static loaded *loaded_slot(x12_walker *w, const char *id)
{
    for (int i = 0; i < w->nspecs; i++)
        if (!strcmp(w->specs[i].id, id))
            return &w->specs[i];
    return NULL;
}

x12_status x12_walker_use_spec(x12_walker *w, const x12_spec *spec)
{
    loaded *L = loaded_slot(w, spec->guide_id);
    if (L) {
        unload(w, L);
    } else {
        if (w->nspecs == MAX_SPECS)
            return X12_ERR_LIMIT;
        L = &w->specs[w->nspecs++];
        memset(L, 0, sizeof *L);
    }
    snprintf(L->id, sizeof L->id, "%s", spec->guide_id);
    L->spec = (x12_spec *)spec; /* read only: the walker never changes a spec */
    L->borrowed = 1;
    if (prepare(w, L) < 0) {
        unload(w, L);
        return X12_ERR_NOMEM;
    }
    return X12_OK;
}

/* Earlier and later versions of the guides x12kit has, and the one each is
 * nearest: the same loops and segments, with a few codes and usages changed
 * by addenda or errata (X12_WALK_NEAREST_GUIDE, which the 835 and 837
 * readers always set). */
static const struct {
    const char *id, *guide, *ts;
} NEAREST[] = {
    {"005010X221", "005010X221A1", "835"},   {"005010X222", "005010X222A1", "837"},
    {"005010X222A2", "005010X222A1", "837"}, {"005010X223", "005010X223A2", "837"},
    {"005010X223A1", "005010X223A2", "837"}, {"005010X223A3", "005010X223A2", "837"},
    {"005010X224", "005010X224A2", "837"},   {"005010X224A1", "005010X224A2", "837"},
    {"005010X224A3", "005010X224A2", "837"}, {"005010X231", "005010X231A1", "999"},
};

/* The entry of NEAREST for `id` and a set of ST01 `st01`, -1 when none. */
static int nearest_index(const char *id, x12_slice st01)
{
    for (size_t i = 0; i < sizeof NEAREST / sizeof NEAREST[0]; i++)
        if (!strcmp(id, NEAREST[i].id) && x12_slice_eq(st01, NEAREST[i].ts))
            return (int)i;
    return -1;
}

/* The guide nearest `id` for a set of ST01 `st01`, NULL when none. */
static const char *nearest_guide(const char *id, x12_slice st01)
{
    int i = nearest_index(id, st01);
    return i < 0 ? NULL : NEAREST[i].guide;
}

/* The guide for ST01 + id, loaded on first use and kept. */
static loaded *guide_for(x12_walker *w, x12_slice st01, const char *id)
{
    loaded *L = loaded_slot(w, id);
    if (!L) {
        if (w->nspecs == MAX_SPECS)
            return NULL;
        L = &w->specs[w->nspecs++];
        memset(L, 0, sizeof *L);
        snprintf(L->id, sizeof L->id, "%s", id);
        x12_error err;
        /* the process's shared copy: the walker only reads it */
        L->spec = *id ? (x12_spec *)x12__spec_builtin_shared(id, &err) : NULL;
        L->borrowed = L->spec != NULL;
        int ni = L->spec || !*id ? -1 : nearest_index(id, st01);
        if (ni >= 0 && (w->flags & X12_WALK_NEAREST_GUIDE) && err.code != X12_ERR_NOMEM) {
            /* the shared copy under the set's own id, for its findings */
            L->spec = (x12_spec *)x12__spec_builtin_shared_as(NEAREST[ni].guide, NEAREST[ni].id,
                                                              &err);
            if (L->spec) {
                L->borrowed = 1;
                L->nearest = NEAREST[ni].guide;
            }
        }
        if (!L->spec && *id && err.code == X12_ERR_NOMEM) {
            /* no memory for the guide is not "no such guide" (envelope
             * checks only): stop, as when prepare() fails */
            w->fatal = X12_ERR_NOMEM;
            return NULL;
        }
        if (L->spec && prepare(w, L) < 0) {
            unload(w, L);
            w->fatal = X12_ERR_NOMEM;
            return NULL;
        }
    }
    /* a spec without a transaction id (the envelope spec, "00501") is no guide */
    if (!L->spec || !L->spec->ts || !x12_slice_eq(st01, L->spec->ts))
        return NULL;
    return L;
}

/* --- the stack ---------------------------------------------------------------- */

static void push(x12_walker *w, const spec_loop *lp)
{
    frame *f = &w->frames[w->depth];
    f->lp = lp;
    f->open = (w->depth ? w->frames[w->depth - 1].open : 0) | spec_loopbit(lp);
    f->idx = 0;
    f->counts = w->pool + (size_t)w->depth * w->pool_width;
    memset(f->counts, 0, lp->nkids * sizeof *f->counts);
    f->counts[0] = 1;
    f->hl_id[0] = '\0';
    f->hl04 = 0;
    f->hl_kids = 0;
    f->over = w->depth ? w->frames[w->depth - 1].over : 0;
    f->facts = NULL;
    if (w->flags & X12_WALK_RULES) {
        uint64_t bit = spec_loopbit(lp);
        for (int i = 0; i < w->depth; i++)
            if (w->frames[i].lp->rule_loops & bit)
                rules_loop_seen(w->frames[i].lp, w->frames[i].facts, lp);
        if (lp->nrules) {
            f->facts = w->rule_pool + (size_t)w->depth * w->rule_width;
            rules_loop_start(lp, f->facts);
        }
        f->uniq.keys = lp->has_unique && w->uniq_pool
                           ? w->uniq_pool + (size_t)w->depth * RULE_UNIQ_MAX
                           : NULL;
        f->uniq.n = 0;
    }
    w->depth++;
}

static void rule_finding(void *ctx, const spec_rule *r, const rule_pos *at, uint16_t element,
                         uint16_t component, const char *loop_id, const rule_trigger *trig,
                         const rule_cond *missing)
{
    x12_walker *w = ctx;
    w->rule_findings++;
    if (!w->cb.finding)
        return;
    x12_finding f;
    finding_init(w, &f, X12_ERR_RULE, at->off, at->seg_index, at->set_pos, at->id,
                 strlen(at->id), loop_id, r->id ? r->id : "");
    f.err.element_pos = element;
    f.err.component_pos = component;
    f.severity = (x12_severity)r->severity;
    f.snip = r->snip;
    memcpy(f.ik3, r->ik3, sizeof f.ik3);
    memcpy(f.ik4, r->ik4, sizeof f.ik4);
    f.note = r->msg;
    if (missing) {
        /* what never came, since the finding is at the loop's start:
         * "837p.subscriber-address-if-patient: no 2010BA DMG" */
        const char *lp = missing->loop ? missing->loop : loop_id;
        char comp[8] = "";
        if (missing->el_comp)
            snprintf(comp, sizeof comp, "-%02u", (unsigned)missing->el_comp);
        if (missing->seg[0] && missing->any && missing->nvals)
            /* "835.service-period-end: no 2110 DTM with DTM01 151" */
            snprintf(f.err.detail, sizeof f.err.detail, "%s: no %s %s with %s%02u%s %s%s",
                     r->id ? r->id : "", lp, missing->seg, missing->seg, (unsigned)missing->el_pos,
                     comp, missing->vals[0], missing->nvals > 1 ? " ..." : "");
        else if (missing->seg[0])
            snprintf(f.err.detail, sizeof f.err.detail, "%s: no %s %s%s%s", r->id ? r->id : "", lp,
                     missing->seg, missing->keyval ? "*" : "",
                     missing->keyval ? missing->keyval : "");
        else
            snprintf(f.err.detail, sizeof f.err.detail, "%s: no loop %s", r->id ? r->id : "", lp);
    }
    if (trig && trig->at.set_pos && trig->at.set_pos != at->set_pos) {
        memcpy(f.trigger_id, trig->at.id, sizeof f.trigger_id);
        f.trigger_id[sizeof f.trigger_id - 1] = '\0';
        f.trigger_set_position = trig->at.set_pos;
        f.trigger_loop = trig->loop_id ? trig->loop_id : "";
        f.trigger_element = trig->element;
        f.trigger_component = trig->component;
    }
    w->cb.finding(w->ctx, &f);
}

static int loop_open(void *ctx, const spec_loop *lp)
{
    x12_walker *w = ctx;
    /* most rules of a segment are scoped to loops that are not open: the
     * innermost frame's bits (of every open loop) say so without the walk */
    if (!w->depth || !(w->frames[w->depth - 1].open & spec_loopbit(lp)))
        return 0;
    for (int i = 0; i < w->depth; i++)
        if (w->frames[i].lp == lp)
            return 1;
    return 0;
}

/* Rules see a placed segment: every open scope, and segment-scoped rules. */
static void rules_see(x12_walker *w, const spec_loop *in, const spec_seg *def, const x12_segment *seg)
{
    if (!(w->flags & X12_WALK_RULES))
        return;
    /* most segments are looked for by no rule: their definition lists the
     * scopes whose rules do, and what they look for */
    if (def->ndw)
        for (int i = 0; i < w->depth; i++) /* outer scopes first */
            for (uint16_t g = 0; g < def->ndw; g++)
                if (w->frames[i].lp == def->dw[g].scope)
                    rules_segment(w->frames[i].lp, w->frames[i].facts, &w->frames[i].uniq,
                                  &def->dw[g], def, seg, rule_finding, w);
    uint64_t bit = spec_keybit(def->idkey);
    /* (a known segment whose rules all have scope "*": nothing to do) */
    if (def->seg_rule_at >= 0 && (!w->memo_hit || (w->cur->spec->rule_segs_scoped & bit))) {
        /* a segment the memo knows (the same bytes under the same
         * definition, clean) has passed the segment rules of any scope,
         * which read its bytes alone; one that breaks them leaves the memo */
        uint64_t before = w->rule_findings;
        rules_on_segment(w->cur->spec, def, seg, loop_open, rule_finding, w, in->id, w->memo_hit);
        if (w->memo_new && w->rule_findings != before)
            w->memo_tags[w->memo_new - 1] = 0;
    }
}

static const char *child_id(const spec_child *k)
{
    return k->is_loop ? k->loop->id : k->seg->id;
}

/* Leaves the innermost loop, reporting required children that never came. */
static void pop(x12_walker *w, const x12_segment *at)
{
    frame *f = &w->frames[w->depth - 1];
    for (uint32_t r = 0; r < f->lp->nrequired; r++) {
        uint32_t i = f->lp->required[r];
        const spec_child *k = &f->lp->kids[i];
        if (f->counts[i] == 0) {
            char detail[80];
            snprintf(detail, sizeof detail, "%s %s missing in loop %s", k->is_loop ? "loop" : "segment",
                     child_id(k), f->lp->id);
            /* required by a companion guide, not the implementation guide: SNIP 7 */
            finding(w, at, k->is_loop ? X12_ERR_REQUIRED_LOOP : X12_ERR_REQUIRED_SEGMENT,
                    X12_SEV_ERROR, (k->overlay & SPEC_OV_USAGE) ? 7 : 2, f->lp->id, "3", detail);
        }
    }
    /* X12 HL04 1: "additional subordinate HL data segment in this hierarchical
     * structure"; the instance ends without one */
    if (f->hl_id[0] && f->hl04 == '1' && !f->hl_kids) {
        char detail[96];
        snprintf(detail, sizeof detail, "HL04 is 1 but no child HL names HL '%s' as its parent",
                 f->hl_id);
        pos_finding(w, &f->trig, X12_ERR_HL_CHILD_CODE, f->lp->id, 4, detail);
    }
    if (f->facts)
        rules_loop_end(f->lp, f->facts, &f->trig, rule_finding, w);
    if (w->flags & X12_WALK_RULES) {
        /* rules of the loops around it on each of its instances */
        uint64_t bit = spec_loopbit(f->lp);
        for (int i = 0; i < w->depth - 1; i++)
            if (w->frames[i].lp->inst_loops & bit)
                rules_loop_left(w->frames[i].lp, w->frames[i].facts, f->lp, &f->trig, rule_finding,
                                w);
    }
    w->depth--;
    bal_leave(&w->bal, f->lp->id);
    emit(w, X12_WALK_LEAVE, f->lp, NULL, (uint32_t)w->depth, NULL, NULL, 1);
}

static const spec_seg *kid_first(const spec_child *k)
{
    return k->first ? k->first : k->is_loop ? k->loop->kids[0].seg : k->seg;
}

/* The part of key element `v` that is the key: its component `kc` (when not
 * 0), of its first repetition when SPEC_KEY_REP is set.  (Out of line, as
 * x12_element_component() was: key_matches() inlined into the placement
 * loop stays as small as it was, which measured 3% of validation.) */
__attribute__((noinline)) static x12_slice key_part(const x12_segment *seg, x12_slice v,
                                                   unsigned kc)
{
    if (kc & SPEC_KEY_REP)
        v = x12_element_repetition(seg, v, 1);
    kc &= ~SPEC_KEY_REP;
    return kc ? x12_element_component(seg, v, kc) : v;
}

static int key_matches(const spec_seg *d, const x12_segment *seg)
{
    if (!d->keyvals)
        return 1;
    x12_slice v = seg_el(seg, d->key_pos);
    if (d->key_comp)
        v = key_part(seg, v, d->key_comp);
    return spec_keys_has(d->kkeys, d->keyvals, d->nkeyvals, v.ptr, v.len);
}

/* How many simple coded elements of `seg` hold a value `d` does not list. */
static int code_misfits(const spec_seg *d, const x12_segment *seg)
{
    int bad = 0;
    for (uint16_t p = 1; p <= d->nels && p <= seg->element_count; p++) {
        const spec_el *e = &d->els[p - 1];
        x12_slice v = seg->elements[p];
        if (e->codes && !e->ncomps && v.len && !spec_el_has_code(e, v.ptr, v.len))
            bad++;
    }
    return bad;
}

/* key_matches() for kid `i` of `lp`, from the loop's key summary: a single
 * short key value is compared as one packed word. */
static inline int kid_key_matches(const spec_loop *lp, uint32_t i, const x12_segment *seg)
{
    const spec_kidkey *kk = &lp->kkey[i];
    if (kk->mode == 0)
        return 1;
    if (kk->mode == 2)
        return key_matches(kid_first(&lp->kids[i]), seg);
    x12_slice v = seg_el(seg, kk->pos);
    if (kk->comp)
        v = key_part(seg, v, kk->comp);
    return v.len && v.len <= 8 && spec_codekey(v.ptr, v.len) == kk->one;
}

static int kid_matches(const spec_child *k, const x12_segment *seg)
{
    const spec_seg *d = kid_first(k);
    return d->idkey == spec_idkey(seg->id.ptr, seg->id.len) && key_matches(d, seg);
}

/* The definition of `d`'s key element (its component when the key is one),
 * NULL when the spec has none there. */
static const spec_el *key_el(const spec_seg *d)
{
    if (!d->key_pos || d->key_pos > d->nels)
        return NULL;
    const spec_el *e = &d->els[d->key_pos - 1];
    unsigned comp = d->key_comp & ~SPEC_KEY_REP;
    if (!comp)
        return e;
    return comp <= e->ncomps ? &e->comps[comp - 1] : NULL;
}

/* For a segment no kid took by its qualifier: the one kid of `lp` from
 * `start` on whose segment id it has (`i` is the first on the loop's chain
 * of that id), when there is exactly one and its qualifier is a coded
 * element whose value the guide does not list (or that is missing while
 * required): the segment belongs there with a bad code, which the element
 * check reports, rather than nowhere (005010X221A1 2110 SVC*XX:99999 was
 * "not expected", and its DTM, CAS, REF and LQ with it).  HL is never
 * placed so: its level code decides the hierarchy.  UINT32_MAX when not. */
static uint32_t sole_misfit(const spec_loop *lp, uint32_t i, uint32_t start,
                            const x12_segment *seg, const spec_el **bad)
{
    uint32_t found = UINT32_MAX;
    for (; i != UINT32_MAX; i = lp->next_same[i]) {
        if (i < start)
            continue;
        if (found != UINT32_MAX)
            return UINT32_MAX; /* two places it could go: no guess */
        found = i;
    }
    if (found == UINT32_MAX)
        return UINT32_MAX;
    const spec_seg *d = kid_first(&lp->kids[found]);
    const spec_el *e = key_el(d);
    if (d->idkey == K2('H', 'L') || !e || !e->codes)
        return UINT32_MAX;
    x12_slice v = seg_el(seg, d->key_pos);
    if (d->key_comp)
        v = key_part(seg, v, d->key_comp);
    if (v.len ? spec_el_has_code(e, v.ptr, v.len) : e->usage != 'R')
        return UINT32_MAX;
    *bad = e;
    return found;
}

/* The enclosing HL instance's id, "" when none. */
static const char *enclosing_hl(const x12_walker *w)
{
    for (int i = w->depth - 1; i >= 0; i--)
        if (w->frames[i].hl_id[0])
            return w->frames[i].hl_id;
    return "";
}

/* The first kid of frame `f`'s loop that may come next. */
static inline uint32_t kid_start(const frame *f)
{
    uint32_t start = f->idx ? f->idx : 1;
    /* siblings at the same TR3 position (the 999 2100 CTX pair) come in any
     * order: start from the first of them */
    if (f->lp->gstart && start < f->lp->nkids)
        start = f->lp->gstart[start];
    return start;
}

/* The level and kid (*i) where a segment no kid took by its qualifier goes
 * by its id alone (sole_misfit), innermost first; -1 when none. */
__attribute__((noinline)) static int place_by_id(const x12_walker *w, const x12_segment *seg,
                                                 uint32_t key, uint32_t *i, const spec_el **bad)
{
    for (int level = w->depth - 1; level >= 0; level--) {
        const spec_loop *lp = w->frames[level].lp;
        *i = sole_misfit(lp, spec_loop_first(lp, key), kid_start(&w->frames[level]), seg, bad);
        if (*i != UINT32_MAX)
            return level;
    }
    return -1;
}

/* Places a segment of the current set in the guide. */
static void place(x12_walker *w, const x12_segment *seg)
{
    uint32_t key = spec_idkey(seg->id.ptr, seg->id.len);
    w->memo_hit = 0;
    w->memo_new = 0;
    int level;
    uint32_t i = UINT32_MAX;
    for (level = w->depth - 1; level >= 0; level--) {
        /* only the kids starting with this segment id, via the loop's index
         * (every kid on this chain starts with the segment's id), from the
         * first the loop can still take */
        const spec_loop *lp = w->frames[level].lp;
        uint32_t start = kid_start(&w->frames[level]);
        i = spec_loop_first(lp, key);
        while (i != UINT32_MAX && (i < start || !kid_key_matches(lp, i, seg)))
            i = lp->next_same[i];
        if (i != UINT32_MAX)
            break;
    }
    /* fits nowhere by its qualifier: by its id alone where only one kid
     * could take it (kept out of the loop above, which every segment runs) */
    const spec_el *bad_key = NULL;
    if (level < 0)
        level = place_by_id(w, seg, key, &i, &bad_key);
    if (level >= 0) {
        frame *f = &w->frames[level];
        const spec_loop *lp = f->lp;
        /* several siblings at the same position may take the qualifier (the
         * 837P 2400 PWK01 'CT' is both a supplemental-information type and the
         * DME CMN indicator): take the one whose coded elements fit best */
        int rivals = 0;
        if (!lp->kids[i].is_loop && lp->kids[i].has_rival)
            for (uint32_t j = i + 1; j < lp->nkids && !rivals; j++)
                rivals = !lp->kids[j].is_loop && lp->kids[j].seg->pos == lp->kids[i].seg->pos &&
                         kid_matches(&lp->kids[j], seg);
        if (rivals) {
            uint32_t best = i;
            int best_bad = -1;
            for (uint32_t j = i; j < lp->nkids; j++) {
                const spec_child *kj = &lp->kids[j];
                if (kj->is_loop || kj->seg->pos != lp->kids[i].seg->pos || !kid_matches(kj, seg))
                    continue;
                int b = code_misfits(kj->seg, seg);
                if (best_bad < 0 || b < best_bad) {
                    best_bad = b;
                    best = j;
                }
            }
            i = best;
        }
        /* same-tag siblings without a qualifier are filled in order */
        if (!lp->kids[i].is_loop && f->counts[i] >= lp->kids[i].repeat)
            for (uint32_t j = i + 1; j < lp->nkids; j++)
                if (!lp->kids[j].is_loop && kid_matches(&lp->kids[j], seg) && f->counts[j] == 0) {
                    i = j;
                    break;
                }
        while (w->depth - 1 > level)
            pop(w, seg);
        const spec_child *k = &lp->kids[i];
        if (k->is_loop && w->depth == MAX_DEPTH) {
            /* only a guide whose loop holds itself gets here: the loop is not
             * entered (nor counted); its trigger is reported and handed on */
            finding(w, seg, X12_ERR_NESTING, X12_SEV_ERROR, 2, lp->id, "2",
                    "more loops open than the walker keeps (24)");
            emit(w, X12_WALK_SEGMENT, lp, NULL, (uint32_t)w->depth - 1, seg, NULL, 0);
            return;
        }
        f->idx = i;
        f->counts[i]++;
        /* a second of what the guide allows one of (a segment of max use 1,
         * an instance of a loop of repeat 1, and what such an instance holds):
         * consumers with one place for it keep the first */
        int over = (k->repeat == 1 && f->counts[i] > 1) || f->over;
        if (f->counts[i] > k->repeat) {
            char detail[80];
            snprintf(detail, sizeof detail, "%s %s occurs more than %u times in loop %s",
                     k->is_loop ? "loop" : "segment", child_id(k), (unsigned)k->repeat, lp->id);
            finding(w, seg, k->is_loop ? X12_ERR_LOOP_REPEAT : X12_ERR_SEGMENT_REPEAT,
                    X12_SEV_ERROR, (k->overlay & SPEC_OV_REPEAT) ? 7 : 2,
                    k->is_loop ? k->loop->id : lp->id, k->is_loop ? "4" : "5", detail);
        }
        if (k->usage == 'N')
            finding(w, seg, X12_ERR_NOT_USED_SEGMENT, X12_SEV_ERROR,
                    (k->overlay & SPEC_OV_USAGE) ? 7 : 2, k->is_loop ? k->loop->id : lp->id, "I4",
                    (k->overlay & SPEC_OV_USAGE) ? "made Not Used by a companion guide" : NULL);
        const spec_seg *def = kid_first(k);
        if (w->flags & X12_WALK_ELEMENTS) {
            check_elements(w, seg, def, k->is_loop ? k->loop->id : lp->id);
            if (k->is_loop && def->numbers_el)
                loop_number(w, seg, def, f->counts[i], k->loop->id);
        } else if (bad_key) {
            /* placed by its id alone: its qualifier is said even without
             * the element checks, as they would say it */
            x12_slice kv = seg_el(seg, def->key_pos);
            if (def->key_comp)
                kv = key_part(seg, kv, def->key_comp);
            char detail[48];
            snprintf(detail, sizeof detail, "%s%s", bad_key->ref,
                     kv.len ? ": not among the guide's codes" : "");
            element_finding(w, seg, kv.len ? X12_ERR_ELEMENT_CODE : X12_ERR_ELEMENT_REQUIRED,
                            kv.len ? "7" : "1", def->key_pos,
                            (uint16_t)(def->key_comp & ~SPEC_KEY_REP), 0,
                            k->is_loop ? k->loop->id : lp->id, detail, 0);
        }
        if (!k->is_loop) {
            bal_segment(&w->bal, lp->id, seg);
            rules_see(w, lp, def, seg);
            w->seg_over = over;
            emit(w, X12_WALK_SEGMENT, lp, NULL, (uint32_t)w->depth - 1, seg, k->seg->name, 1);
            w->seg_over = 0;
            return;
        }
        const spec_loop *child = k->loop;
        if (spec_idkey(seg->id.ptr, seg->id.len) == K2('H', 'L')) {
            x12_slice hl01 = x12_segment_element(seg, 1), hl02 = x12_segment_element(seg, 2),
                      hl04 = x12_segment_element(seg, 4);
            rule_pos here = {seg->byte_offset, seg->segment_index, seg->set_position, "HL"};
            const char *parent = enclosing_hl(w);
            if (!x12_slice_eq(hl02, parent)) {
                char detail[96];
                snprintf(detail, sizeof detail, "HL02 '%.*s' should be '%s' for loop %s",
                         (int)(hl02.len < 15 ? hl02.len : 15), hl02.ptr ? hl02.ptr : "", parent,
                         child->id);
                pos_finding(w, &here, X12_ERR_HL_PARENT, child->id, 2, detail);
            }
            /* X12 HL: HL01 is unique within the transaction set */
            int dup = 0;
            switch (hl01.len ? ctlset_add(&w->hl_ids, w->alloc, hl01) : CTL_UNCHECKED) {
            case CTL_DUP: {
                dup = 1;
                char detail[96];
                snprintf(detail, sizeof detail, "HL01 '%.*s' is the id of an earlier HL of this set",
                         (int)(hl01.len < 15 ? hl01.len : 15), hl01.ptr);
                pos_finding(w, &here, X12_ERR_HL_ID_REPEAT, child->id, 1, detail);
                break;
            }
            case CTL_OVERFLOW:
                finding(w, seg, X12_ERR_HL_ID_REPEAT, X12_SEV_INFO, 2, child->id, NULL,
                        "more HLs in this set than the duplicate check keeps (100000): this "
                        "HL01 and the later ones are not checked");
                break;
            case CTL_NOMEM:
                w->fatal = X12_ERR_NOMEM;
                return;
            default:
                break;
            }
            if (hl01.len && !dup && (w->flags & X12_WALK_ELEMENTS))
                hl_sequence(w, &here, child->id, hl01);
            /* the parent's HL04 0: "no subordinate HL data segment"; said once */
            for (int up = w->depth - 1; up >= 0; up--) {
                frame *pf = &w->frames[up];
                if (!pf->hl_id[0])
                    continue;
                if (pf->hl04 == '0' && !pf->hl_kids) {
                    char detail[96];
                    snprintf(detail, sizeof detail, "HL04 is 0 but HL '%.*s' is its child",
                             (int)(hl01.len < 15 ? hl01.len : 15), hl01.ptr ? hl01.ptr : "");
                    pos_finding(w, &pf->trig, X12_ERR_HL_CHILD_CODE, pf->lp->id, 4, detail);
                }
                pf->hl_kids = 1;
                break;
            }
            push(w, child);
            frame *hf = &w->frames[w->depth - 1];
            size_t n = hl01.len < 15 ? hl01.len : 15;
            if (n)
                memcpy(hf->hl_id, hl01.ptr, n);
            hf->hl_id[n] = '\0';
            hf->hl04 = hl04.len == 1 ? hl04.ptr[0] : 0;
        } else {
            push(w, child);
        }
        frame *nf = &w->frames[w->depth - 1];
        nf->over = (uint8_t)over;
        nf->trig.off = seg->byte_offset;
        nf->trig.seg_index = seg->segment_index;
        nf->trig.set_pos = seg->set_position;
        memcpy(nf->trig.id, def->id, sizeof nf->trig.id);
        bal_segment(&w->bal, child->id, seg);
        rules_see(w, child, def, seg);
        emit(w, X12_WALK_ENTER, child, NULL, (uint32_t)w->depth - 1, NULL, NULL, 1);
        w->seg_over = over;
        emit(w, X12_WALK_SEGMENT, child, NULL, (uint32_t)w->depth - 1, seg, child->kids[0].seg->name, 1);
        w->seg_over = 0;
        return;
    }
    /* fits nowhere: reported, and still handed on */
    const frame *top = &w->frames[w->depth - 1];
    int known = guide_has_segment(w->cur, seg->id);
    finding(w, seg, known ? X12_ERR_SEGMENT_UNEXPECTED : X12_ERR_SEGMENT_UNKNOWN, X12_SEV_ERROR,
            2, top->lp->id, known ? "2" : "1", NULL);
    emit(w, X12_WALK_SEGMENT, top->lp, NULL, (uint32_t)w->depth - 1, seg, NULL, 0);
}

/* --- sets ---------------------------------------------------------------------- */

static void end_set(x12_walker *w, const x12_segment *at)
{
    if (!w->in_set)
        return;
    /* left by its SE, or cut: by the input's end (no segment) or by an
     * envelope segment that came first (the reader said X12_ERR_MISSING_SE) */
    w->cut = !at ? X12_WALK_CUT_INPUT
             : spec_idkey(at->id.ptr, at->id.len) == K2('S', 'E') ? 0
                                                                 : X12_WALK_CUT_ENVELOPE;
    if (w->cur) {
        while (w->depth > 0)
            pop(w, at);
    } else {
        emit(w, X12_WALK_LEAVE, NULL, "ST", 0, NULL, NULL, 1);
    }
    w->in_set = 0;
    w->cur = NULL;
    w->depth = 0;
    w->cut = 0;
}

/* The set's guide id.  X12: ST03, when present, takes precedence over GS08. */
static void set_guide_id(const x12_walker *w, const x12_segment *st, char *id, size_t cap)
{
    x12_slice st03 = x12_segment_element(st, 3);
    if (st03.len)
        snprintf(id, cap, "%.*s", (int)(st03.len < 39 ? st03.len : 39), st03.ptr);
    else
        snprintf(id, cap, "%s", w->gs08);
}

static void begin_set(x12_walker *w, const x12_segment *seg)
{
    x12_slice st01 = x12_segment_element(seg, 1), st03 = x12_segment_element(seg, 3);
    char id[40];
    set_guide_id(w, seg, id, sizeof id);
    w->in_set = 1;
    ctlset_clear(&w->hl_ids);
    w->hl_next = 1;
    w->cur = guide_for(w, st01, id);
    if (w->fatal)
        return;
    if ((w->flags & X12_WALK_ELEMENTS) && st03.len && w->gs08[0] && !x12_slice_eq(st03, w->gs08)) {
        /* the TR3s' ST03: "the same value as GS08"; ST03 decides the guide, so
         * the set reads the same (a warning) */
        char detail[96];
        snprintf(detail, sizeof detail, "ST03 '%.*s', GS08 '%.39s'; checked as ST03 says",
                 (int)(st03.len < 20 ? st03.len : 20), st03.ptr, w->gs08);
        finding(w, seg, X12_ERR_GUIDE_MISMATCH, X12_SEV_WARNING, 1, "ST", NULL, detail);
    }
    if (!w->cur) {
        char detail[96];
        const char *near = nearest_guide(id, st01);
        snprintf(detail, sizeof detail, "ST01 %.*s with guide '%.40s' (from %s)%s%s",
                 (int)(st01.len < 6 ? st01.len : 6), st01.ptr ? st01.ptr : "", id,
                 st03.len ? "ST03" : "GS08", near ? "; nearest guide: " : "", near ? near : "");
        finding(w, seg, X12_ERR_UNKNOWN_GUIDE, X12_SEV_INFO, 1, "ST", NULL, detail);
        emit(w, X12_WALK_ENTER, NULL, "ST", 0, NULL, NULL, 1);
        emit(w, X12_WALK_SEGMENT, NULL, "ST", 0, seg, NULL, 1);
        return;
    }
    if (w->cur->nearest) {
        char detail[96];
        snprintf(detail, sizeof detail, "'%.14s' (from %s) checked as %s", id,
                 st03.len ? "ST03" : "GS08", w->cur->nearest);
        finding(w, seg, X12_ERR_NEAREST_GUIDE, X12_SEV_WARNING, 1, "ST", NULL, detail);
    }
    w->depth = 0;
    bal_kind kind = BAL_NONE;
    if (w->flags & X12_WALK_BALANCE) {
        /* by the rules the spec holds: a 005010X221 835 read with the
         * 005010X221A1 spec balances as one */
        const char *g = w->cur->spec->own_id;
        kind = !strcmp(g, "005010X221A1")   ? BAL_835
               : !strcmp(g, "005010X222A1") ? BAL_837P
               : !strcmp(g, "005010X223A2") ? BAL_837I
               : !strcmp(g, "005010X224A2") ? BAL_837D
                                            : BAL_NONE;
    }
    bal_begin_set(&w->bal, kind, balance_finding, w);
    w->bal.cur_payer = w->bal.line_payer = -1;
    push(w, w->cur->spec->root);
    const spec_loop *root = w->cur->spec->root;
    if ((w->flags & X12_WALK_ELEMENTS) && w->cur->nearest && st03.len && seg->element_count < 8) {
        /* ST03 names the set's own version: its elements are checked with
         * the nearest guide's id there, which the warning above names */
        x12_slice el[8];
        memcpy(el, seg->elements, (seg->element_count + 1) * sizeof *el);
        el[3].ptr = w->cur->nearest;
        el[3].len = strlen(w->cur->nearest);
        x12_segment as = *seg;
        as.elements = el;
        check_elements(w, &as, root->kids[0].seg, "ST");
    } else if (w->flags & X12_WALK_ELEMENTS) {
        check_elements(w, seg, root->kids[0].seg, "ST");
    }
    const char *fid = w->cur->spec->fid;
    if ((w->flags & X12_WALK_ELEMENTS) && fid && *fid && strcmp(fid, w->gs01) != 0) {
        /* X12: a functional group holds the sets of one functional id
         * (005010X222A1 837 in HC, 005010X221A1 835 in HP, ...) */
        char detail[64];
        snprintf(detail, sizeof detail, "ST01 %.*s in a group of GS01 '%s'; its guide's is %.4s",
                 (int)(st01.len < 6 ? st01.len : 6), st01.ptr ? st01.ptr : "", w->gs01, fid);
        finding(w, seg, X12_ERR_FUNCTIONAL_ID, X12_SEV_ERROR, 1, "ST", NULL, detail);
    }
    emit(w, X12_WALK_ENTER, root, NULL, 0, NULL, NULL, 1);
    emit(w, X12_WALK_SEGMENT, root, NULL, 0, seg, root->kids[0].seg->name, 1);
}

static x12_status walker_segment(x12_walker *w, const x12_segment *seg);

/* --- the envelope's elements ------------------------------------------------------- */

/* The definition of segment `k` anywhere in loop `lp` (the envelope spec's
 * ISA_LOOP holds ISA, TA1 and IEA, its GS_LOOP GS and GE), NULL when none. */
static const spec_seg *find_def(const spec_loop *lp, uint32_t k, int depth)
{
    for (uint32_t i = 0; lp && i < lp->nkids && depth < 4; i++) {
        const spec_child *c = &lp->kids[i];
        const spec_seg *d = c->is_loop ? find_def(c->loop, k, depth + 1) : c->seg;
        if (d && d->idkey == k)
            return d;
    }
    return NULL;
}

/* The envelope's ISA, GS and TA1 against the envelope spec
 * (specs/control.00501.xml), element by element as a set's segments are
 * against its guide: ISA09 and GS04 real dates, ISA10 and GS05 real times,
 * the qualifiers' and indicators' codes, lengths.  Only in an interchange
 * whose ISA12 is 00501, the version the spec is of: other versions are left
 * to the reader's envelope checks.  ISA11 and ISA16 are delimiters, read by
 * position: the ISA is checked as if it had no repetition or component
 * separator.  GE and IEA hold counts and control numbers, the reader's. */
static __attribute__((noinline)) void check_envelope(x12_walker *w, const x12_segment *seg,
                                                     uint32_t k)
{
    if (k == K3('I', 'S', 'A'))
        w->env_5010 = x12_slice_eq(x12_segment_element(seg, 12), "00501");
    if (!w->env_5010 || (k != K3('I', 'S', 'A') && k != K2('G', 'S') && k != K3('T', 'A', '1')))
        return;
    (void)guide_for(w, (x12_slice){"", 0}, "00501"); /* loads it once, or marks it missing */
    const loaded *L = loaded_slot(w, "00501");
    const spec_seg *def = L && L->spec ? find_def(L->spec->root, k, 0) : NULL;
    if (!def)
        return;
    x12_segment isa;
    if (k == K3('I', 'S', 'A')) {
        isa = *seg;
        isa.delims.repetition = 0;
        isa.delims.component = 0;
        seg = &isa;
    }
    /* the one callback of every element check (element_finding, which tells the
     * envelope's findings by their being outside a set): one constant, which
     * the compiler propagates into x12__validate_elements */
    x12__validate_elements(seg, def, "", element_finding, w);
}

/* Empty elements at the end of a segment: the TR3s (005010 B.1.1.3.10, "Absence
 * of Data") say their separators must be left out, and X12.6 gives no 999 code
 * for them (RFI 1498 asks which).  pyx12 reports them as an error; x12kit as a
 * SNIP 1 warning, which a 999 does not carry: the segment reads the same
 * without them.  Any segment, in a set of any guide or none, the envelope's
 * too.  (Empty components and repetitions at the end: validate.c.) */
static __attribute__((noinline)) void trailing_elements(x12_walker *w, const x12_segment *seg,
                                                        const char *loop_id)
{
    if (!w->cb.finding)
        return;
    uint32_t first = seg->element_count;
    while (first > 1 && !seg->elements[first - 1].len)
        first--;
    char why[48];
    uint32_t n = seg->element_count - first + 1;
    snprintf(why, sizeof why, "%u empty element%s at the end", (unsigned)n, n == 1 ? "" : "s");
    x12_finding f;
    finding_init(w, &f, X12_ERR_TRAILING_SEPARATOR, seg->byte_offset, seg->segment_index,
                 seg->set_position, seg->id.ptr, seg->id.len, loop_id, why);
    f.err.element_pos = first > UINT16_MAX ? UINT16_MAX : (uint16_t)first;
    f.severity = X12_SEV_WARNING;
    f.snip = 1;
    w->cb.finding(w->ctx, &f);
}

x12_status x12_walker_segment(x12_walker *w, const x12_segment *seg)
{
    if (w->fatal)
        return w->fatal;
    w->last_end = seg->byte_offset + seg->raw.len;
    x12_status st = walker_segment(w, seg);
    if ((w->flags & X12_WALK_ELEMENTS) && seg->element_count &&
        !seg->elements[seg->element_count].len && !st) {
        const char *loop_id = !w->in_set ? (spec_idkey(seg->id.ptr, seg->id.len) == K2('S', 'E')
                                                ? "ST" : "")
                              : w->depth ? w->frames[w->depth - 1].lp->id : "ST";
        trailing_elements(w, seg, loop_id);
    }
    return w->fatal;
}

static x12_status walker_segment(x12_walker *w, const x12_segment *seg)
{
    uint32_t k = spec_idkey(seg->id.ptr, seg->id.len);
    if (k == K2('S', 'T')) {
        end_set(w, seg);
        begin_set(w, seg);
    } else if (!w->in_set) {
        if (k == K2('G', 'S')) {
            x12_slice v = x12_segment_element(seg, 8);
            snprintf(w->gs08, sizeof w->gs08, "%.*s", (int)(v.len < 39 ? v.len : 39),
                     v.ptr ? v.ptr : "");
            v = x12_segment_element(seg, 1);
            snprintf(w->gs01, sizeof w->gs01, "%.*s", (int)(v.len < 3 ? v.len : 3),
                     v.ptr ? v.ptr : "");
        }
        if (w->flags & X12_WALK_ELEMENTS)
            check_envelope(w, seg, k);
        emit(w, X12_WALK_SEGMENT, NULL, NULL, 0, seg, NULL, 1);
    } else if (!w->cur) {
        emit(w, X12_WALK_SEGMENT, NULL, "ST", 0, seg, NULL, 1);
        if (k == K2('S', 'E'))
            end_set(w, seg);
    } else {
        /* a new interchange or group inside a set: the reader has reported
         * the missing SE; close the set before the envelope segment */
        if (k == K2('G', 'S') || k == K2('G', 'E') || k == K3('I', 'S', 'A') ||
            k == K3('I', 'E', 'A')) {
            end_set(w, seg);
            return walker_segment(w, seg);
        }
        place(w, seg);
        if (k == K2('S', 'E'))
            end_set(w, seg);
    }
    return w->fatal;
}

void x12_walker_reader_error(x12_walker *w, const x12_error *err)
{
    if (!w->cb.finding)
        return;
    x12_finding f;
    memset(&f, 0, sizeof f);
    f.err = *err;
    f.severity = X12_SEV_ERROR;
    f.snip = 1;
    f.guide = w->cur && w->cur->spec ? w->cur->spec->guide_id : "";
    f.loop_id = w->in_set && w->depth ? w->frames[w->depth - 1].lp->id : (w->in_set ? "ST" : "");
    if (err->code == X12_ERR_SEGMENT_ID)
        snprintf(f.ik3, sizeof f.ik3, "1");
    w->cb.finding(w->ctx, &f);
}

x12_status x12_walker_finish(x12_walker *w)
{
    if (w->fatal)
        return w->fatal;
    end_set(w, NULL);
    return w->fatal;
}

x12_walker *x12_walker_new(const x12_walker_callbacks *cb, void *ctx, unsigned flags)
{
    return x12_walker_new_alloc(cb, ctx, flags, NULL);
}

x12_walker *x12_walker_new_alloc(const x12_walker_callbacks *cb, void *ctx, unsigned flags,
                                 const x12_allocator *alloc)
{
    x12_walker *w = x12__alloc(alloc, sizeof *w);
    if (!w)
        return NULL;
    memset(w, 0, sizeof *w);
    if (alloc) {
        w->alloc_copy = *alloc;
        w->alloc = &w->alloc_copy;
    }
    w->flags = flags;
    if (cb)
        w->cb = *cb;
    w->ctx = ctx;
    ctlset_init(&w->hl_ids, HL_ID_LIMIT);
    return w;
}

void x12_walker_free(x12_walker *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->nspecs; i++)
        unload(w, &w->specs[i]);
    x12__free(w->alloc, w->pool);
    x12__free(w->alloc, w->rule_pool);
    x12__free(w->alloc, w->uniq_pool);
    x12__free(w->alloc, w->memo);
    x12__free(w->alloc, w->memo_tags);
    ctlset_free(&w->hl_ids, w->alloc);
    x12__free(w->alloc, w);
}

unsigned spec_unread_detail(const x12_walker *w, const x12_segment *st, const char *reads,
                            char *buf, size_t cap)
{
    char id[40];
    set_guide_id(w, st, id, sizeof id);
    int from_st03 = x12_segment_element(st, 3).len > 0;
    snprintf(buf, cap, "%s is '%s'; x12kit reads %s", from_st03 ? "ST03" : "GS08", id, reads);
    return from_st03 ? 3 : 0;
}
