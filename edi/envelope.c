/* Envelope checks for the reader: ISA/IEA, GS/GE and ST/SE nesting and order,
 * trailer counts and control numbers, and duplicate control numbers within
 * their scope.  The reader calls these for every segment before handing the
 * segment to the caller; problems go back through the reader's reporter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void *x12__alloc(const x12_allocator *a, size_t n)
{
    return a ? a->malloc(a->ctx, n) : malloc(n);
}

void *x12__realloc(const x12_allocator *a, void *p, size_t n)
{
    return a ? a->realloc(a->ctx, p, n) : realloc(p, n);
}

void x12__free(const x12_allocator *a, void *p)
{
    if (!p)
        return;
    if (a)
        a->free(a->ctx, p);
    else
        free(p);
}

/* --- control-number sets ------------------------------------------------- */

/* Control numbers are at most 9 bytes (ISA13 N0 9/9, GS06 N0 1/9, ST02 AN 4/9),
 * so each one packs exactly into 63 bits as base-128 digits; a byte 0 or one
 * above 127 is folded, and longer values are not checked (they are reported as
 * malformed elsewhere).  Key 0 marks an empty slot. */
static uint64_t ctl_key(x12_slice v)
{
    uint64_t k = 0;
    for (size_t i = 0; i < v.len; i++) {
        unsigned c = (unsigned char)v.ptr[i] & 0x7f;
        k = (k << 7) | (c ? c : 0x7f);
    }
    return k;
}

void ctlset_init(ctlset *s, uint32_t limit)
{
    memset(s, 0, sizeof *s);
    s->limit = limit;
}

void ctlset_clear(ctlset *s)
{
    if (s->slots && s->count)
        memset(s->slots, 0, (size_t)s->cap * sizeof *s->slots);
    s->count = 0;
    s->overflowed = 0;
}

void ctlset_free(ctlset *s, const x12_allocator *a)
{
    x12__free(a, s->slots);
    s->slots = NULL;
    s->cap = s->count = 0;
}

static uint32_t ctl_hash(uint64_t k)
{
    k ^= k >> 31;
    k *= 0x9e3779b97f4a7c15ull;
    return (uint32_t)(k >> 32);
}

static int ctl_insert(uint64_t *slots, uint32_t cap, uint64_t k)
{
    uint32_t m = cap - 1, i = ctl_hash(k) & m;
    while (slots[i]) {
        if (slots[i] == k)
            return CTL_DUP;
        i = (i + 1) & m;
    }
    slots[i] = k;
    return CTL_NEW;
}

int ctlset_add(ctlset *s, const x12_allocator *a, x12_slice v)
{
    if (v.len == 0 || v.len > 9 || s->overflowed)
        return CTL_UNCHECKED;
    if (s->count >= s->limit) {
        s->overflowed = 1;
        return CTL_OVERFLOW;
    }
    if ((uint64_t)(s->count + 1) * 2 > s->cap) {
        uint32_t ncap = s->cap ? s->cap * 2 : 64;
        uint64_t *ns = x12__alloc(a, (size_t)ncap * sizeof *ns);
        if (!ns)
            return CTL_NOMEM;
        memset(ns, 0, (size_t)ncap * sizeof *ns);
        for (uint32_t i = 0; i < s->cap; i++)
            if (s->slots[i])
                ctl_insert(ns, ncap, s->slots[i]);
        x12__free(a, s->slots);
        s->slots = ns;
        s->cap = ncap;
    }
    int r = ctl_insert(s->slots, s->cap, ctl_key(v));
    if (r == CTL_NEW)
        s->count++;
    return r;
}

/* --- the checker --------------------------------------------------------- */

void env_init(envelope *e, uint32_t limit)
{
    memset(e, 0, sizeof *e);
    ctlset_init(&e->isa13s, limit);
    ctlset_init(&e->gs06s, limit);
    ctlset_init(&e->st02s, limit);
}

void env_free(envelope *e, const x12_allocator *a)
{
    ctlset_free(&e->isa13s, a);
    ctlset_free(&e->gs06s, a);
    ctlset_free(&e->st02s, a);
}

static uint64_t value_hash(x12_slice v)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < v.len; i++)
        h = (h ^ (unsigned char)v.ptr[i]) * 1099511628211ull;
    return h;
}

static void keep(ctlnum *c, x12_slice v)
{
    size_t n = v.len < 15 ? v.len : 15;
    if (n)
        memcpy(c->text, v.ptr, n);
    c->text[n] = '\0';
    c->len = v.len;
    c->hash = v.len > 15 ? value_hash(v) : 0;
}

/* 1 when v is the control number kept in c. */
static int ctl_is(const ctlnum *c, x12_slice v)
{
    if (v.len != c->len)
        return 0;
    size_t n = v.len < 15 ? v.len : 15;
    return (n == 0 || memcmp(v.ptr, c->text, n) == 0) && (v.len <= 15 || value_hash(v) == c->hash);
}

static x12_slice kept(const char *s, size_t n)
{
    x12_slice v = {s, n};
    return v;
}

/* What a message shows of a kept control number (its first 15 bytes). */
static x12_slice ctl_text(const ctlnum *c)
{
    return kept(c->text, c->len < 15 ? c->len : 15);
}

static int eq(x12_slice a, const char *b, size_t blen)
{
    return a.len == blen && (blen == 0 || memcmp(a.ptr, b, blen) == 0);
}

/* Parses a trailer count: 1-9 digits.  Returns -1 when it is not one. */
static long long count_value(x12_slice v)
{
    return x12__digits_value(v, 9);
}

/* Adds a control number to its scope and reports a duplicate. */
static int check_dup(envelope *e, ctlset *s, const x12_allocator *a, const env_reporter *rep,
                     const x12_segment *seg, uint16_t el, x12_status code)
{
    (void)e;
    x12_slice v = x12_segment_element(seg, el);
    switch (ctlset_add(s, a, v)) {
    case CTL_DUP:
        rep->fn(rep->r, seg, code, el, "", v);
        break;
    case CTL_OVERFLOW:
        rep->fn(rep->r, seg, X12_ERR_LIMIT, el,
                "too many control numbers in this scope; duplicates no longer checked",
                kept("", 0));
        break;
    case CTL_NOMEM:
        return -1;
    default:
        break;
    }
    return 0;
}

static void close_set(envelope *e, const env_reporter *rep, const x12_segment *at)
{
    rep->fn(rep->r, at, X12_ERR_MISSING_SE, 0, "", ctl_text(&e->st02));
    e->in_st = 0;
    e->sets++;
}

static void close_group(envelope *e, const env_reporter *rep, const x12_segment *at)
{
    if (e->in_st)
        close_set(e, rep, at);
    rep->fn(rep->r, at, X12_ERR_MISSING_GE, 0, "", ctl_text(&e->gs06));
    e->in_gs = 0;
}

static void close_interchange(envelope *e, const env_reporter *rep, const x12_segment *at)
{
    if (e->in_gs)
        close_group(e, rep, at);
    rep->fn(rep->r, at, X12_ERR_MISSING_IEA, 0, "", ctl_text(&e->isa13));
    e->in_isa = 0;
}

int env_on_isa(envelope *e, const x12_allocator *a, x12_segment *seg, const env_reporter *rep)
{
    if (e->in_isa)
        close_interchange(e, rep, seg);
    e->in_isa = 1;
    e->in_gs = e->in_st = 0;
    e->groups = 0;
    e->interchanges++;
    ctlset_clear(&e->gs06s);
    seg->set_position = 0;
    x12_slice isa13 = x12_segment_element(seg, 13);
    keep(&e->isa13, isa13);
    if (count_value(isa13) < 0 || isa13.len != 9)
        rep->fn(rep->r, seg, X12_ERR_ISA_FIELD, 13, "ISA13 must be 9 digits", isa13);
    return check_dup(e, &e->isa13s, a, rep, seg, 13, X12_ERR_DUP_ISA13);
}

int env_on_segment(envelope *e, const x12_allocator *a, x12_segment *seg, const env_reporter *rep)
{
    x12_slice id = seg->id;
    char detail[96];

    /* Hot path: an ordinary segment inside a set.  Envelope and TA1 ids all
     * start with G, S, I or T. */
    char c0 = id.len ? id.ptr[0] : 0;
    if (e->in_st && c0 != 'G' && c0 != 'S' && c0 != 'I' && c0 != 'T') {
        seg->set_position = ++e->segs;
        return 0;
    }

    if (eq(id, "GS", 2)) {
        if (e->in_gs)
            close_group(e, rep, seg);
        seg->set_position = 0;
        e->in_gs = 1;
        e->groups++;
        e->total_groups++;
        e->sets = 0;
        ctlset_clear(&e->st02s);
        x12_slice gs06 = x12_segment_element(seg, 6);
        keep(&e->gs06, gs06);
        if (count_value(gs06) < 1)
            rep->fn(rep->r, seg, X12_ERR_BAD_COUNT, 6, "GS06 must be 1-9 digits", gs06);
        return check_dup(e, &e->gs06s, a, rep, seg, 6, X12_ERR_DUP_GS06);
    }
    if (eq(id, "ST", 2)) {
        if (e->in_st)
            close_set(e, rep, seg);
        if (!e->in_gs)
            rep->fn(rep->r, seg, X12_ERR_UNEXPECTED_SEGMENT, 0, "ST outside a functional group",
                    kept("", 0));
        e->in_st = 1;
        e->segs = 1;
        e->total_sets++;
        seg->set_position = 1;
        x12_slice st02 = x12_segment_element(seg, 2);
        keep(&e->st02, st02);
        if (st02.len == 0)
            rep->fn(rep->r, seg, X12_ERR_BAD_COUNT, 2, "ST02 is missing", st02);
        return check_dup(e, &e->st02s, a, rep, seg, 2, X12_ERR_DUP_ST02);
    }
    if (eq(id, "SE", 2)) {
        if (!e->in_st) {
            seg->set_position = 0;
            rep->fn(rep->r, seg, X12_ERR_UNEXPECTED_SEGMENT, 0, "SE without ST", kept("", 0));
            return 0;
        }
        e->segs++;
        seg->set_position = e->segs;
        x12_slice se01 = x12_segment_element(seg, 1), se02 = x12_segment_element(seg, 2);
        long long n = count_value(se01);
        if (n < 0) {
            rep->fn(rep->r, seg, X12_ERR_BAD_COUNT, 1, "SE01 must be 1-9 digits", se01);
        } else if (n != e->segs) {
            snprintf(detail, sizeof detail, "SE01 is %lld, the set has %u segments", n,
                     (unsigned)e->segs);
            rep->fn(rep->r, seg, X12_ERR_SE_COUNT, 1, detail, se01);
        }
        if (!ctl_is(&e->st02, se02)) {
            snprintf(detail, sizeof detail, "SE02 is '%.*s', ST02 is '%s'", (int)(se02.len > 15 ? 15 : se02.len),
                     se02.ptr, e->st02.text);
            rep->fn(rep->r, seg, X12_ERR_SE_CONTROL, 2, detail, se02);
        }
        e->in_st = 0;
        e->sets++;
        return 0;
    }
    if (eq(id, "GE", 2)) {
        seg->set_position = 0;
        if (e->in_st)
            close_set(e, rep, seg);
        if (!e->in_gs) {
            rep->fn(rep->r, seg, X12_ERR_UNEXPECTED_SEGMENT, 0, "GE without GS", kept("", 0));
            return 0;
        }
        x12_slice ge01 = x12_segment_element(seg, 1), ge02 = x12_segment_element(seg, 2);
        long long n = count_value(ge01);
        if (n < 0) {
            rep->fn(rep->r, seg, X12_ERR_BAD_COUNT, 1, "GE01 must be 1-9 digits", ge01);
        } else if (n != e->sets) {
            snprintf(detail, sizeof detail, "GE01 is %lld, the group has %u transaction sets", n,
                     (unsigned)e->sets);
            rep->fn(rep->r, seg, X12_ERR_GE_COUNT, 1, detail, ge01);
        }
        if (!ctl_is(&e->gs06, ge02)) {
            snprintf(detail, sizeof detail, "GE02 is '%.*s', GS06 is '%s'", (int)(ge02.len > 15 ? 15 : ge02.len),
                     ge02.ptr, e->gs06.text);
            rep->fn(rep->r, seg, X12_ERR_GE_CONTROL, 2, detail, ge02);
        }
        e->in_gs = 0;
        return 0;
    }
    if (eq(id, "IEA", 3)) {
        seg->set_position = 0;
        if (e->in_gs)
            close_group(e, rep, seg);
        x12_slice iea01 = x12_segment_element(seg, 1), iea02 = x12_segment_element(seg, 2);
        long long n = count_value(iea01);
        if (n < 0) {
            rep->fn(rep->r, seg, X12_ERR_BAD_COUNT, 1, "IEA01 must be 1-9 digits", iea01);
        } else if (n != e->groups) {
            snprintf(detail, sizeof detail, "IEA01 is %lld, the interchange has %u groups", n,
                     (unsigned)e->groups);
            rep->fn(rep->r, seg, X12_ERR_IEA_COUNT, 1, detail, iea01);
        }
        if (!ctl_is(&e->isa13, iea02)) {
            snprintf(detail, sizeof detail, "IEA02 is '%.*s', ISA13 is '%s'",
                     (int)(iea02.len > 15 ? 15 : iea02.len), iea02.ptr, e->isa13.text);
            rep->fn(rep->r, seg, X12_ERR_IEA_CONTROL, 2, detail, iea02);
        }
        e->in_isa = 0;
        return 1;
    }
    if (eq(id, "TA1", 3)) {
        /* TA1 sits directly inside ISA/IEA, outside any group (X12-FACTS 1.3). */
        seg->set_position = 0;
        if (e->in_gs)
            rep->fn(rep->r, seg, X12_ERR_UNEXPECTED_SEGMENT, 0, "TA1 inside a functional group",
                    kept("", 0));
        return 0;
    }
    if (!e->in_st) {
        seg->set_position = 0;
        rep->fn(rep->r, seg, X12_ERR_UNEXPECTED_SEGMENT, 0, "segment outside a transaction set",
                kept("", 0));
        return 0;
    }
    e->segs++;
    seg->set_position = e->segs;
    return 0;
}

void env_on_eof(envelope *e, const env_reporter *rep, const x12_segment *at)
{
    if (e->in_isa)
        close_interchange(e, rep, at);
}
