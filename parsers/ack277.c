/* The 277CA reader: a consumer of the walker's loop events over 005010X214
 * transaction sets that hands on one status record per 2200B, 2200C, 2200D
 * and 2220D (ack277.h).  Each level's names and record live in an arena of
 * their own, reset when a new instance of the level starts, so memory is
 * bounded by one claim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/ack277.h>
#include <x12/amount.h>
#include <x12/arena.h>

#include "internal.h"
#include "spec_model.h"

#define IS(v, lit) ((v).len == sizeof(lit) - 1 && x12__slice_is((v), (lit)))

/* The arenas: the set (payer, receiver and the receiver's record), the
 * provider (names and record), the patient (names), the claim and the line. */
enum { A_SET, A_PROV, A_PAT, A_CLAIM, A_LINE, N_ARENAS };

/* The text a record gathers (codes, messages) kept at most this long; more
 * is said by a warning, never cut silently. */
#define MAX_GATHERED 4096

typedef struct rec {
    x12_ack277_status s;
    char *codes, *message; /* gathered: s.codes and s.message point here */
    size_t ncodes, nmessage;
    int accepted, rejected; /* a category seen says so (kind()) */
    int open, sent, said_long;
    /* where its first segment is, for an error about the whole record */
    uint64_t off;
    uint32_t seg_index, set_pos;
    char id[4];
} rec;

struct x12_ack277_reader {
    x12_allocator alloc;
    int has_alloc;
    x12_ack277_callbacks cb;
    void *ctx;
    x12_walker *w;
    x12_arena *a[N_ARENAS];
    int nomem, stopped, in_set;
    /* Inside a set of another transaction (skipped, said once at its ST): the
     * walker's findings on it (its own guide's structure, usage, balancing)
     * are not this reader's to pass on; its syntax (SNIP 1) still is, since it
     * says whether the file could be read.  Findings at the position of an ST
     * are kept: they may be the next set's. */
    int other_set;
    /* the names of the levels above */
    const char *payer_name, *payer_id, *receiver_name, *receiver_id;
    const char *provider_name, *provider_id, *patient_last, *patient_first, *member_id;
    const char *payer_idq, *receiver_idq, *provider_idq, *member_idq; /* their NM108 */
    int have_provider_name, have_patient;
    rec lv[4]; /* by x12_ack277_level */
    /* a set left before its SE (the walker's LEAVE events say so) */
    int cut_why;   /* X12_WALK_CUT_*: the set is being left before its SE */
    int cut_level; /* then, the level read when it ended (its record is not sent); -1 none */
    uint32_t line_no;
    const x12_walk_event *ev;
    uint64_t used; /* bit i: element i of the segment being read was read */
};

X12_API const char *x12_ack277_level_name(x12_ack277_level level)
{
    static const char *const N[] = {"receiver", "provider", "claim", "line"};
    return (unsigned)level < 4 ? N[level] : "";
}

/* Is `code` one of the space-separated words of `list`? */
static int word_in(const char *code, size_t n, const char *list)
{
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, " ");
        if (m == n && !memcmp(p, code, n))
            return 1;
        p += m;
        while (*p == ' ')
            p++;
    }
    return 0;
}

/* Claim Status Category Codes (X12 external code list 507): A3 returned as
 * unprocessable, A4 not found, A6 rejected for missing information, A7 for
 * invalid information, A8 for a relational field in error (2); A0 forwarded,
 * A1 received, A2 accepted into adjudication, A5 split (1); else 0. */
static int kind(const char *cat, size_t n)
{
    if (word_in(cat, n, "A3 A4 A6 A7 A8"))
        return 2;
    return word_in(cat, n, "A0 A1 A2 A5") ? 1 : 0;
}

/* 005010X214 STC03: U reject, WQ accept. */
static const char *verdict(int accepted, int rejected, const char *action)
{
    if (rejected || (action && !strcmp(action, "U")))
        return "rejected";
    return accepted ? "accepted" : "other";
}

X12_API const char *x12_ack277_verdict(const char *categories, const char *action)
{
    int acc = 0, rej = 0;
    for (const char *p = categories ? categories : ""; *p;) {
        size_t m = strcspn(p, " ");
        int k = kind(p, m);
        acc |= k == 1;
        rej |= k == 2;
        p += m;
        while (*p == ' ')
            p++;
    }
    return verdict(acc, rej, action);
}

/* --- findings ------------------------------------------------------------- */

/* At component `comp` of element `el` of `s` (0: not a component). */
static __attribute__((noinline, cold)) void finding_at(x12_ack277_reader *r, const x12_segment *s,
                                                      x12_status code, x12_severity sev,
                                                      uint16_t el, uint16_t comp,
                                                      const char *detail)
{
    if (!r->cb.finding)
        return;
    x12_finding f;
    x12__reader_finding(&f, r->ev, s->byte_offset, s->segment_index, s->set_position, s->id.ptr,
                        s->id.len, r->ev ? r->ev->loop_id : NULL, code, sev, el, comp, detail);
    r->cb.finding(r->ctx, &f);
}

static void finding(x12_ack277_reader *r, const x12_segment *s, x12_status code, x12_severity sev,
                    uint16_t el, const char *detail)
{
    finding_at(r, s, code, sev, el, 0, detail);
}

/* What the records have no column for is said (info), never dropped
 * unsaid: each element of a segment read that holds a value no reader
 * took (r->used). */
static __attribute__((noinline)) void check_used(x12_ack277_reader *r, const x12_segment *s)
{
    for (unsigned i = 0; (i = x12__unread_after(s, r->used, i));)
        finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, (uint16_t)i, NULL);
}

/* ... and each component of composite `pos` past the first `ncomp`, the
 * ones read. */
static __attribute__((noinline)) void comps_past(x12_ack277_reader *r, const x12_segment *s,
                                                 unsigned pos, unsigned ncomp)
{
    if (pos > s->element_count || !s->elements[pos].len)
        return;
    for (unsigned c = ncomp; (c = x12__component_after(s, s->elements[pos], c));)
        finding_at(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, (uint16_t)pos, (uint16_t)c,
                   NULL);
}

/* --- values --------------------------------------------------------------- */

static x12_slice elem(const x12_segment *s, unsigned pos)
{
    return pos >= 1 && pos <= s->element_count ? s->elements[pos] : (x12_slice){NULL, 0};
}

static const char *dup(x12_ack277_reader *r, int arena, x12_slice v)
{
    if (!v.len)
        return "";
    char *p = x12_arena_strndup(r->a[arena], v.ptr, v.len);
    if (!p) {
        r->nomem = 1;
        return "";
    }
    return p;
}

static const char *el(x12_ack277_reader *r, int arena, const x12_segment *s, unsigned pos)
{
    return dup(r, arena, elem(s, pos));
}

static const char *comp(x12_ack277_reader *r, int arena, const x12_segment *s, unsigned pos,
                        unsigned c)
{
    return dup(r, arena, x12_element_component(s, elem(s, pos), c));
}

/* Element `pos` as cents into *v; 0 when it is one, else an error names it. */
static int cents(x12_ack277_reader *r, const x12_segment *s, unsigned pos, int64_t *v)
{
    x12_slice e = elem(s, pos);
    *v = 0;
    if (!e.len)
        return -1;
    if (x12_amount_parse(e, v) == X12_OK)
        return 0;
    *v = 0;
    finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, (uint16_t)pos, x12__amount_problem(e));
    return -1;
}

static int count(const x12_segment *s, unsigned pos, uint32_t *v)
{
    x12_slice e = elem(s, pos);
    uint64_t n = 0;
    if (!e.len || e.len > 9)
        return -1;
    for (size_t i = 0; i < e.len; i++) {
        if (!x12__is_digit(e.ptr[i]))
            return -1;
        n = n * 10 + (uint64_t)(e.ptr[i] - '0');
    }
    *v = (uint32_t)n;
    return 0;
}

/* Appends `sep` and `text` to a gathered string of record `k`'s arena. */
static void gather(x12_ack277_reader *r, int arena, rec *k, char **buf, size_t *len,
                   const char *sep, const char *text, size_t n, const x12_segment *s)
{
    if (!n)
        return;
    size_t add = (*len ? strlen(sep) : 0) + n;
    if (*len + add > MAX_GATHERED) {
        if (!k->said_long) {
            k->said_long = 1;
            finding(r, s, X12_ERR_CLAIM_COUNT, X12_SEV_WARNING, 0,
                    "statuses past 4 KiB of codes and messages are not carried");
        }
        return;
    }
    char *p = x12_arena_alloc(r->a[arena], *len + add + 1);
    if (!p) {
        r->nomem = 1;
        return;
    }
    size_t at = 0;
    if (*len) {
        memcpy(p, *buf, *len);
        at = *len;
        memcpy(p + at, sep, strlen(sep));
        at += strlen(sep);
    }
    memcpy(p + at, text, n);
    p[at + n] = '\0';
    *buf = p;
    *len = at + n;
}

static const int ARENA_OF[4] = {A_SET, A_PROV, A_CLAIM, A_LINE};

static void rec_start(x12_ack277_reader *r, x12_ack277_level lv)
{
    rec *k = &r->lv[lv];
    memset(k, 0, sizeof *k);
    x12_ack277_status *s = &k->s;
    s->level = lv;
    s->trace = s->claim_id = s->category = s->status_code = s->entity = "";
    s->status_date = s->action = s->codes = s->message = "";
    s->payer_claim_number = s->clearinghouse_trace = s->bill_type = "";
    s->service_from = s->service_to = "";
    s->procedure_qualifier = s->procedure = s->modifiers = s->revenue_code = s->units = "";
    s->line_control_number = "";
    k->open = 1;
}

/* One C043 composite (STC01, STC10, STC11) into the record's codes. */
static void add_status(x12_ack277_reader *r, rec *k, int arena, const x12_segment *s, unsigned pos)
{
    x12_slice v = elem(s, pos);
    if (!v.len)
        return;
    /* CATEGORY:CODE[:ENTITY] whatever the component separator (STC01-4 is
     * Not Used: the validator says so) */
    char *buf = x12_arena_alloc(r->a[arena], v.len + 3);
    if (!buf) {
        r->nomem = 1;
        return;
    }
    size_t n = 0;
    for (unsigned c = 1; c <= 3; c++) {
        x12_slice p = x12_element_component(s, v, c);
        if (!p.len && c == 3)
            break;
        if (c > 1)
            buf[n++] = ':';
        if (p.len)
            memcpy(buf + n, p.ptr, p.len);
        n += p.len;
    }
    gather(r, arena, k, &k->codes, &k->ncodes, " ", buf, n, s);
    k->s.codes = k->codes ? k->codes : "";
    x12_slice cat = x12_element_component(s, v, 1);
    int kd = kind(cat.ptr ? cat.ptr : "", cat.len);
    k->accepted |= kd == 1;
    k->rejected |= kd == 2;
}

static void read_stc(x12_ack277_reader *r, x12_ack277_level lv, const x12_segment *s)
{
    rec *k = &r->lv[lv];
    int a = ARENA_OF[lv];
    x12_ack277_status *st = &k->s;
    if (!st->category[0] && !st->status_code[0]) {
        st->category = comp(r, a, s, 1, 1);
        st->status_code = comp(r, a, s, 1, 2);
        st->entity = comp(r, a, s, 1, 3);
        st->status_date = el(r, a, s, 2);
        st->action = el(r, a, s, 3);
        /* 005010X214 2220D STC04 is Not Used: a line's amount is SVC02 */
        if (lv != X12_ACK277_LINE && cents(r, s, 4, &st->amount_cents) == 0)
            st->has_amount = 1;
    }
    add_status(r, k, a, s, 1);
    add_status(r, k, a, s, 10);
    add_status(r, k, a, s, 11);
    x12_slice msg = elem(s, 12);
    gather(r, a, k, &k->message, &k->nmessage, "; ", msg.ptr, msg.len, s);
    st->message = k->message ? k->message : "";
}

static void read_dates(x12_ack277_reader *r, x12_ack277_status *st, int a, const x12_segment *s)
{
    /* DTP*472: D8 CCYYMMDD, RD8 CCYYMMDD-CCYYMMDD */
    x12_slice v = elem(s, 3);
    const char *dash = v.len ? memchr(v.ptr, '-', v.len) : NULL;
    if (IS(elem(s, 2), "RD8") && dash) {
        st->service_from = dup(r, a, (x12_slice){v.ptr, (size_t)(dash - v.ptr)});
        st->service_to = dup(r, a, (x12_slice){dash + 1, v.len - (size_t)(dash - v.ptr) - 1});
    } else {
        st->service_from = st->service_to = dup(r, a, v);
    }
}

/* --- records out ---------------------------------------------------------- */

static const char *const LEVEL_LOOP[4] = {"2200B", "2200C", "2200D", "2220D"};

static void send(x12_ack277_reader *r, x12_ack277_level lv)
{
    rec *k = &r->lv[lv];
    if (!k->open || k->sent || r->stopped)
        return;
    k->sent = 1;
    if (r->cut_why && (int)lv == r->cut_level) {
        /* its set ends before its SE (the input ends inside it, or another
         * ST, GS, GE, ISA or IEA comes first): a status record may lack an
         * STC (a rejection after an acceptance) or the end of a value, so it
         * is not handed on as if whole; the records before it were closed */
        if (r->cb.finding) {
            char detail[96];
            const char *id = lv == X12_ACK277_LINE ? r->lv[X12_ACK277_CLAIM].s.claim_id
                                                   : k->s.claim_id;
            snprintf(detail, sizeof detail, "the %s status%s%.40s not read: %s",
                     x12_ack277_level_name(lv), id[0] ? " of " : "", id,
                     r->cut_why == X12_WALK_CUT_ENVELOPE ? "its set ends without SE"
                                                         : "the input ends inside it");
            x12_finding f;
            x12__reader_finding(&f, NULL, k->off, k->seg_index, k->set_pos, k->id, strlen(k->id),
                                LEVEL_LOOP[lv], X12_ERR_CLAIM_REJECTED, X12_SEV_ERROR, 0, 0,
                                detail);
            r->cb.finding(r->ctx, &f);
        }
        return;
    }
    x12_ack277_status *s = &k->s;
    s->payer_name = r->payer_name;
    s->payer_id = r->payer_id;
    s->receiver_name = r->receiver_name;
    s->receiver_id = r->receiver_id;
    int below_receiver = lv != X12_ACK277_RECEIVER, below_provider = lv >= X12_ACK277_CLAIM;
    s->provider_name = below_receiver ? r->provider_name : "";
    s->provider_id = below_receiver ? r->provider_id : "";
    s->patient_last_name = below_provider ? r->patient_last : "";
    s->patient_first_name = below_provider ? r->patient_first : "";
    s->member_id = below_provider ? r->member_id : "";
    s->payer_id_qualifier = r->payer_idq;
    s->receiver_id_qualifier = r->receiver_idq;
    s->provider_id_qualifier = below_receiver ? r->provider_idq : "";
    s->member_id_qualifier = below_provider ? r->member_idq : "";
    if (lv == X12_ACK277_LINE) {
        /* a line carries its claim's identity */
        const x12_ack277_status *c = &r->lv[X12_ACK277_CLAIM].s;
        s->claim_id = s->trace = c->claim_id;
        s->payer_claim_number = c->payer_claim_number;
        s->clearinghouse_trace = c->clearinghouse_trace;
        s->bill_type = c->bill_type;
    }
    s->status = verdict(k->accepted, k->rejected, s->action);
    if (!r->nomem && r->cb.status && r->cb.status(r->ctx, s))
        r->stopped = 1;
}

/* The claim goes out before its first line, or when it ends. */
static void close_level(x12_ack277_reader *r, x12_ack277_level lv)
{
    send(r, lv);
    r->lv[lv].open = 0;
}

/* --- segments -------------------------------------------------------------- */

/* The level a loop's segments belong to, -1 for none. */
static int level_of(const char *loop)
{
    if (!strcmp(loop, "2200B"))
        return X12_ACK277_RECEIVER;
    if (!strcmp(loop, "2200C"))
        return X12_ACK277_PROVIDER;
    if (!strcmp(loop, "2200D"))
        return X12_ACK277_CLAIM;
    if (!strcmp(loop, "2220D"))
        return X12_ACK277_LINE;
    return -1;
}

static void unknown_guide(x12_ack277_reader *r, const x12_segment *s)
{
    char detail[96];
    unsigned e = spec_unread_detail(r->w, s, "005010X214", detail, sizeof detail);
    finding(r, s, X12_ERR_GUIDE_NOT_READ, X12_SEV_ERROR, (uint16_t)e, detail);
}

static void other_set(x12_ack277_reader *r, const x12_segment *s)
{
    x12_slice st01 = elem(s, 1);
    char detail[64];
    snprintf(detail, sizeof detail, "ST01 is '%.*s', not 277: the set is skipped",
             (int)(st01.len < 6 ? st01.len : 6), st01.ptr ? st01.ptr : "");
    finding(r, s, X12_ERR_OTHER_TRANSACTION, X12_SEV_ERROR, 1, detail);
}

/* A segment of level `lv`; 1 when the record carries it. */
static int level_segment(x12_ack277_reader *r, int lv, const x12_segment *s)
{
    rec *k = &r->lv[lv];
    x12_ack277_status *st = &k->s;
    int a = ARENA_OF[lv];
    x12_slice id = s->id, q = elem(s, 1);
    if (IS(id, "TRN")) {
        r->used = x12__read_bits(1, 2); /* (TRN01, the trace type: the record's level says it) */
        st->trace = el(r, a, s, 2);
        if (lv == X12_ACK277_CLAIM)
            st->claim_id = st->trace;
    } else if (IS(id, "STC")) {
        /* the first STC gives the record's date, action and amount (2220D
         * STC04 is Not Used: a line's amount is SVC02); a later one adds its
         * statuses and message, and its date, action and amount are said */
        int first = !st->category[0] && !st->status_code[0];
        r->used = x12__read_bits(1, 1) | x12__read_bits(10, 12) |
                  (first ? x12__read_bits(2, lv == X12_ACK277_LINE ? 3 : 4) : 0);
        read_stc(r, (x12_ack277_level)lv, s);
    } else if (IS(id, "QTY") && lv <= X12_ACK277_PROVIDER) {
        /* 2200B QTY*90 / QTY*AA, 2200C QTY*QA / QTY*QC: accepted, rejected */
        int acc = IS(q, "90") || IS(q, "QA"), rej = IS(q, "AA") || IS(q, "QC");
        uint32_t n;
        if (!acc && !rej)
            return 0;
        r->used = x12__read_bits(1, 2);
        if (!elem(s, 2).len)
            return 1; /* QTY02 missing: the validator says so */
        if (count(s, 2, &n) != 0) {
            finding(r, s, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, 2, "a count that is not a whole number");
            return 1;
        }
        if (acc) {
            st->accepted_count = n;
            st->has_accepted_count = 1;
        } else {
            st->rejected_count = n;
            st->has_rejected_count = 1;
        }
    } else if (IS(id, "AMT") && lv <= X12_ACK277_PROVIDER) {
        int64_t c;
        int yu = IS(q, "YU");
        if (!yu && !IS(q, "YY"))
            return 0;
        r->used = x12__read_bits(1, 2);
        if (cents(r, s, 2, &c) == 0) { /* (a bad amount is said by cents()) */
            *(yu ? &st->accepted_cents : &st->rejected_cents) = c;
            *(yu ? &st->has_accepted_amount : &st->has_rejected_amount) = 1;
        }
    } else if (IS(id, "REF") && lv == X12_ACK277_CLAIM && IS(q, "1K")) {
        r->used = x12__read_bits(1, 2);
        st->payer_claim_number = el(r, a, s, 2);
    } else if (IS(id, "REF") && lv == X12_ACK277_CLAIM && IS(q, "D9")) {
        r->used = x12__read_bits(1, 2);
        st->clearinghouse_trace = el(r, a, s, 2);
    } else if (IS(id, "REF") && lv == X12_ACK277_CLAIM && IS(q, "BLT")) {
        r->used = x12__read_bits(1, 2);
        st->bill_type = el(r, a, s, 2);
    } else if (IS(id, "REF") && lv == X12_ACK277_LINE && IS(q, "FJ")) {
        r->used = x12__read_bits(1, 2);
        st->line_control_number = el(r, a, s, 2);
    } else if (IS(id, "DTP") && lv >= X12_ACK277_CLAIM && IS(q, "472")) {
        /* DTP02 D8 or RD8 says how DTP03 reads; another is said */
        x12_slice f = elem(s, 2);
        r->used = IS(f, "D8") || IS(f, "RD8") ? x12__read_bits(1, 3) : x12__read_bits(1, 1) | x12__read_bits(3, 3);
        read_dates(r, st, a, s);
    } else if (IS(id, "SVC") && lv == X12_ACK277_LINE) {
        r->used = x12__read_bits(1, 2) | x12__read_bits(4, 4) | x12__read_bits(7, 7);
        st->procedure_qualifier = comp(r, a, s, 1, 1);
        st->procedure = comp(r, a, s, 1, 2);
        /* SVC01-3 to -6 ':'-joined, each whole (a modifier of the wrong
         * length is the validator's to say, not cut here) */
        char *mods = x12_arena_alloc(r->a[a], elem(s, 1).len + 4);
        size_t n = 0;
        for (unsigned c = 3; mods && c <= 6; c++) {
            x12_slice m = x12_element_component(s, elem(s, 1), c);
            if (!m.len)
                continue;
            if (n)
                mods[n++] = ':';
            memcpy(mods + n, m.ptr, m.len);
            n += m.len;
        }
        if (mods)
            mods[n] = '\0';
        else
            r->nomem = 1;
        st->modifiers = mods ? mods : "";
        if (cents(r, s, 2, &st->amount_cents) == 0)
            st->has_amount = 1;
        st->revenue_code = el(r, a, s, 4);
        st->units = el(r, a, s, 7);
    } else {
        return 0;
    }
    return 1;
}

static void enter(x12_ack277_reader *r, const char *loop)
{
    if (!strcmp(loop, "2000A")) {
        x12_arena_reset(r->a[A_SET]);
        r->payer_name = r->payer_id = r->receiver_name = r->receiver_id = "";
        r->payer_idq = r->receiver_idq = "";
    } else if (!strcmp(loop, "2000C")) {
        x12_arena_reset(r->a[A_PROV]);
        r->provider_name = r->provider_id = r->provider_idq = "";
        r->have_provider_name = 0;
    } else if (!strcmp(loop, "2000D")) {
        x12_arena_reset(r->a[A_PAT]);
        r->patient_last = r->patient_first = r->member_id = r->member_idq = "";
    } else if (!strcmp(loop, "2200B")) {
        rec_start(r, X12_ACK277_RECEIVER);
    } else if (!strcmp(loop, "2200C")) {
        rec_start(r, X12_ACK277_PROVIDER);
    } else if (!strcmp(loop, "2200D")) {
        x12_arena_reset(r->a[A_CLAIM]);
        x12_arena_reset(r->a[A_LINE]);
        rec_start(r, X12_ACK277_CLAIM);
        r->line_no = 0;
    } else if (!strcmp(loop, "2220D")) {
        send(r, X12_ACK277_CLAIM); /* a claim before its lines */
        x12_arena_reset(r->a[A_LINE]);
        rec_start(r, X12_ACK277_LINE);
        r->lv[X12_ACK277_LINE].s.line_number = ++r->line_no;
    }
}

static void leave(x12_ack277_reader *r, const char *loop)
{
    int lv = level_of(loop);
    if (lv >= 0)
        close_level(r, (x12_ack277_level)lv);
}

static void segment(x12_ack277_reader *r, const x12_walk_event *ev)
{
    const x12_segment *s = ev->seg;
    const char *loop = ev->loop_id ? ev->loop_id : "";
    if (IS(s->id, "ST")) {
        r->in_set = IS(elem(s, 1), "277");
        r->other_set = !r->in_set;
        if (!r->in_set)
            other_set(r, s);
        else if (!ev->spec)
            unknown_guide(r, s);
        if (!ev->spec)
            r->in_set = 0;
        return;
    }
    if (!r->in_set)
        return;
    r->used = 0;
    if (IS(s->id, "SE")) {
        r->in_set = 0;
        return;
    }
    if (ev->over) {
        /* a second of what the guide allows one of (a second 2100A payer
         * name): the records hold the first, which this must not replace */
        finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_WARNING, 0, X12__SECOND_OF_KIND);
        return;
    }
    int carried = 1, lv = level_of(loop);
    if (lv >= 0 && r->lv[lv].open) {
        rec *k = &r->lv[lv];
        if (!k->id[0]) {
            k->off = s->byte_offset;
            k->seg_index = s->segment_index;
            k->set_pos = s->set_position;
            snprintf(k->id, sizeof k->id, "%.*s", (int)(s->id.len < 3 ? s->id.len : 3), s->id.ptr);
        }
        carried = level_segment(r, lv, s);
    } else if (IS(s->id, "NM1")) {
        /* 2100A payer, 2100B receiver, 2100C billing provider, 2100D patient */
        /* NM101 is the loop's role; NM103 the name, NM108 and NM109 the id */
        r->used = x12__read_bits(1, 1) | x12__read_bits(3, 3) | x12__read_bits(8, 9);
        if (!strcmp(loop, "2100A")) {
            r->payer_name = el(r, A_SET, s, 3);
            r->payer_idq = el(r, A_SET, s, 8);
            r->payer_id = el(r, A_SET, s, 9);
        } else if (!strcmp(loop, "2100B")) {
            r->receiver_name = el(r, A_SET, s, 3);
            r->receiver_idq = el(r, A_SET, s, 8);
            r->receiver_id = el(r, A_SET, s, 9);
        } else if (!strcmp(loop, "2100C") && !r->have_provider_name) {
            r->provider_name = el(r, A_PROV, s, 3);
            r->provider_idq = el(r, A_PROV, s, 8);
            r->provider_id = el(r, A_PROV, s, 9);
            r->have_provider_name = 1;
        } else if (!strcmp(loop, "2100D")) {
            r->used |= x12__read_bits(4, 4);
            r->patient_last = el(r, A_PAT, s, 3);
            r->patient_first = el(r, A_PAT, s, 4);
            r->member_idq = el(r, A_PAT, s, 8);
            r->member_id = el(r, A_PAT, s, 9);
        } else {
            carried = 0;
        }
    } else if (IS(s->id, "HL")) {
        r->used = x12__read_bits(1, 4); /* the hierarchy: the records' levels */
    } else if (IS(s->id, "BHT")) {
        /* the guide's codes (0010, 06, TH); its reference, date and time are
         * the set's, which no column has */
        r->used = x12__read_bits(1, 2) | x12__read_bits(6, 6);
    } else {
        carried = 0; /* 2200A (the transmission's receipt), a segment placed nowhere */
    }
    if (!carried) {
        finding(r, s, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 0, NULL);
    } else if (r->used) {
        /* STC01 (and STC10, STC11) are read as CATEGORY:CODE:ENTITY, SVC01 as
         * qualifier, procedure and four modifiers */
        check_used(r, s);
        if (IS(s->id, "STC")) {
            comps_past(r, s, 1, 3);
            comps_past(r, s, 10, 3);
            comps_past(r, s, 11, 3);
        } else if (IS(s->id, "SVC")) {
            comps_past(r, s, 1, 6);
        }
    }
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    x12_ack277_reader *r = ctx;
    r->ev = ev;
    if (ev->kind == X12_WALK_SEGMENT)
        segment(r, ev);
    else if (r->in_set && ev->loop_id && ev->kind == X12_WALK_ENTER)
        enter(r, ev->loop_id);
    else if (ev->loop_id && ev->kind == X12_WALK_LEAVE) {
        if (ev->cut && !r->cut_why) {
            /* The walker leaves the loops of a set cut short: their records
             * go out, but for the one being read when it ended (the deepest
             * open), whose end never came; those above it were read whole
             * before it. */
            r->cut_why = ev->cut;
            r->cut_level = -1;
            for (int lv = 3; r->in_set && lv >= 0 && r->cut_level < 0; lv--)
                if (r->lv[lv].open && !r->lv[lv].sent)
                    r->cut_level = lv;
        }
        leave(r, ev->loop_id);
        if (ev->depth == 0)
            r->cut_why = 0;
    }
    r->ev = NULL;
    return r->stopped || r->nomem;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    x12_ack277_reader *r = ctx;
    if (r->other_set && f->snip >= 2 && f->err.set_position != 1)
        return;
    if (r->cb.finding)
        r->cb.finding(r->ctx, f);
}

/* --- the reader ------------------------------------------------------------ */

X12_API x12_ack277_reader *x12_ack277_reader_new(const x12_ack277_callbacks *cb, void *ctx,
                                                 const x12_allocator *alloc)
{
    x12_ack277_reader *r = alloc ? alloc->malloc(alloc->ctx, sizeof *r) : malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    if (alloc) {
        r->alloc = *alloc;
        r->has_alloc = 1;
    }
    if (cb)
        r->cb = *cb;
    r->ctx = ctx;
    int ok = 1;
    for (int i = 0; i < N_ARENAS; i++)
        ok &= (r->a[i] = x12_arena_new(alloc)) != NULL;
    x12_walker_callbacks wc = {on_event, on_finding};
    r->w = ok ? x12_walker_new_alloc(&wc, r, 0, alloc) : NULL;
    if (!r->w) {
        x12_ack277_reader_free(r);
        return NULL;
    }
    r->payer_name = r->payer_id = r->receiver_name = r->receiver_id = "";
    r->provider_name = r->provider_id = r->patient_last = r->patient_first = r->member_id = "";
    r->payer_idq = r->receiver_idq = r->provider_idq = r->member_idq = "";
    return r;
}

static x12_status status_of(x12_ack277_reader *r, x12_status s)
{
    return r->nomem ? X12_ERR_NOMEM : r->stopped ? X12_ERR_STOPPED : s;
}

X12_API x12_status x12_ack277_reader_segment(x12_ack277_reader *r, const x12_segment *seg)
{
    if (r->nomem || r->stopped)
        return status_of(r, X12_OK);
    x12_status s = x12_walker_segment(r->w, seg);
    if (s == X12_ERR_NOMEM)
        r->nomem = 1;
    return status_of(r, s == X12_ERR_STOPPED ? X12_OK : s);
}

X12_API void x12_ack277_reader_error(x12_ack277_reader *r, const x12_error *err)
{
    x12_walker_reader_error(r->w, err);
}

X12_API x12_status x12_ack277_reader_finish(x12_ack277_reader *r)
{
    if (r->nomem || r->stopped)
        return status_of(r, X12_OK);
    x12_status s = x12_walker_finish(r->w);
    if (s == X12_ERR_NOMEM)
        r->nomem = 1;
    return status_of(r, s == X12_ERR_STOPPED ? X12_OK : s);
}

X12_API void x12_ack277_reader_free(x12_ack277_reader *r)
{
    if (!r)
        return;
    x12_walker_free(r->w);
    for (int i = 0; i < N_ARENAS; i++)
        x12_arena_free(r->a[i]);
    if (r->has_alloc)
        r->alloc.free(r->alloc.ctx, r);
    else
        free(r);
}

static int file_segment(void *ctx, const x12_segment *seg)
{
    return x12_ack277_reader_segment(ctx, seg) != X12_OK;
}

static void file_error(void *ctx, const x12_error *e)
{
    x12_ack277_reader_error(ctx, e);
}

X12_API x12_status x12_ack277_read_file(const char *path, const x12_reader_options *opts,
                                        const x12_ack277_callbacks *cb, void *ctx, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    x12_reader_options lenient;
    if (!opts) {
        x12_reader_options_init(&lenient);
        lenient.flags = X12_READ_LENIENT;
        opts = &lenient;
    }
    x12_ack277_reader *r = x12_ack277_reader_new(cb, ctx, opts->alloc);
    if (!r)
        return X12_ERR_NOMEM;
    x12_reader_callbacks rc = {file_segment, file_error};
    x12_status s = x12_read_file(path, opts, &rc, r);
    x12_status fs = x12_ack277_reader_finish(r);
    if (r->nomem)
        s = X12_ERR_NOMEM;
    else if (r->stopped)
        s = X12_ERR_STOPPED;
    else if (s == X12_OK)
        s = fs;
    if (s != X12_OK && s != X12_ERR_STOPPED && err && err->code == X12_OK) {
        err->code = s;
        err->msg = x12_status_message(s);
    }
    x12_ack277_reader_free(r);
    return s;
}
