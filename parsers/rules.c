/* SNIP 4: situational rules written as data in the specs (docs/specs.md
 * "Rules").  A loop-scoped rule collects, per instance of its scope loop,
 * whether each condition's loop or segment occurred and the first value of
 * its element; when the instance ends, the rule holds if any <when> fails or
 * every <then> holds.  A segment-scoped rule is checked on each occurrence of
 * its segment.  Memory: a few bytes per condition of the open loops. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "pattern.h"
#include "rules.h"
#include "validate.h"

static int cond_in_vals(const rule_cond *c, const char *v, size_t n)
{
    /* one short value (DTP02 = D8 on every DTP): one compare */
    if (c->onelen)
        return n == c->onelen && spec_codekey(v, n) == c->onekey;
    return spec_codes_has(c->vals, c->nvals, v, n);
}

/* Is `v` a real CCYYMMDD-CCYYMMDD range with start <= end? */
static int valid_range(const char *v, size_t n)
{
    if (n != 17 || v[8] != '-')
        return 0;
    return x12__valid_date(v, 8) && x12__valid_date(v + 9, 8) && memcmp(v, v + 9, 8) <= 0;
}

/* CCYYMMDDHHMM: a real date and time (X12-FACTS 2: the 837I's DT qualifier). */
static int valid_datetime(const char *v, size_t n)
{
    return n == 12 && x12__valid_date(v, 8) && x12__valid_time(v + 8, 4);
}

/* Do the letters `word` (upper case) start at p[i], with spaces and full
 * stops allowed between them ("P. O. BOX")?  Returns the index after the
 * last letter, or 0 when they do not. */
static size_t spelled(const char *p, size_t n, size_t i, const char *word)
{
    for (const char *w = word; *w; w++) {
        if (w != word)
            while (i < n && (p[i] == ' ' || p[i] == '.'))
                i++;
        char c = i < n && p[i] >= 'a' && p[i] <= 'z' ? (char)(p[i] - 32) : i < n ? p[i] : 0;
        if (c != *w)
            return 0;
        i++;
    }
    return i;
}

/* A post office box, lock box or the like (X12 RFI 1451): "PO BOX 12",
 * "P.O. Box 12", "P0 Box 12" (the zero that RFI 1451 says senders put in to
 * get past edits), "POB 12", "Post Office Box 12", "Lockbox 7781", "PMB 40"
 * (a private mailbox), "Box 12", each word starting a word of the value.
 * POB, PMB, and BOX at the start of the value, count when a number follows
 * them ("Box Elder Rd" is a street, and a rural route's "RR 2 BOX 15" a
 * delivery address); PO BOX, POST OFFICE BOX and LOCKBOX always do, when no
 * letter follows ("PO Boxwood" is not one). */
static int po_box(const char *p, size_t n)
{
    static const struct {
        const char *word;
        int number; /* a number must follow */
        int first;  /* only at the start of the value */
    } BOXES[] = {{"POBOX", 0, 0}, {"P0BOX", 0, 0}, {"POSTOFFICEBOX", 0, 0}, {"LOCKBOX", 0, 0},
                 {"POB", 1, 0},   {"PMB", 1, 0},   {"BOX", 1, 1}};
    for (size_t i = 0; i < n; i++) {
        if (i && x12__is_alnum(p[i - 1]))
            continue; /* not the start of a word */
        for (size_t b = 0; b < sizeof BOXES / sizeof BOXES[0]; b++) {
            if (BOXES[b].first && i)
                continue;
            size_t e = spelled(p, n, i, BOXES[b].word);
            if (!e || (e < n && x12__is_alnum(p[e]) && !x12__is_digit(p[e])))
                continue;
            if (!BOXES[b].number)
                return 1;
            while (e < n && (p[e] == ' ' || p[e] == '#' || p[e] == '.'))
                e++;
            if (e < n && x12__is_digit(p[e]))
                return 1;
        }
    }
    return 0;
}

/* The sign of a decimal number (digits, at most one point, a leading minus):
 * 1 above zero, 0 zero, -1 below; 2 when the value is no such number (the
 * element checks report that). */
static int sign_of(const char *v, size_t n)
{
    size_t i = n && v[0] == '-' ? 1 : 0, digits = 0, points = 0;
    int nonzero = 0;
    for (; i < n; i++) {
        if (v[i] == '.' && !points++)
            continue;
        if (!x12__is_digit(v[i]))
            return 2;
        digits++;
        nonzero |= v[i] != '0';
    }
    if (!digits)
        return 2;
    return !nonzero ? 0 : v[0] == '-' ? -1 : 1;
}

/* The first and last day of a date value, as CCYYMMDD: a D8 date, an RD8
 * range (CCYYMMDD-CCYYMMDD) or a DT date and time (CCYYMMDDHHMM, its day).
 * 0 for anything else (the date rules report a bad shape). */
static int date_span(const char *v, size_t n, const char **first, const char **last)
{
    if (n != 8 && n != 12 && !(n == 17 && v[8] == '-'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!x12__is_digit(v[i]) && !(n == 17 && i == 8))
            return 0;
    *first = v;
    *last = n == 17 ? v + 9 : v;
    return 1;
}

/* Is date value `v` (D8, RD8 or DT) in order with `ref`: for notafter its
 * last day no later than ref's last, for notbefore its first no earlier
 * than ref's first?  Yes when either is no date (the date rules report a
 * bad shape). */
static int date_in_order(uint8_t op, const char *v, size_t n, const char *ref, size_t rn)
{
    const char *vf, *vl, *sf, *sl;
    if (!date_span(v, n, &vf, &vl) || !date_span(ref, rn, &sf, &sl))
        return 1;
    return op == OP_NOTAFTER ? memcmp(vl, sl, 8) <= 0 : memcmp(vf, sf, 8) >= 0;
}

/* Evaluates one condition from what was seen. */
static int holds(const rule_cond *c, int seen, const char *v, size_t n)
{
    int present = c->el_pos ? n > 0 : seen;
    switch (c->op) {
    case OP_PRESENT:
        return present;
    case OP_ABSENT:
        return !present;
    case OP_EQ:
    case OP_IN:
        return present && cond_in_vals(c, v, n);
    case OP_NE:
    case OP_NOTIN:
        return !present || !cond_in_vals(c, v, n);
    case OP_DATE:
        return !present || (n == 8 && x12__valid_date(v, n));
    case OP_DATERANGE:
        return !present || valid_range(v, n);
    case OP_DATETIME:
        return !present || valid_datetime(v, n);
    case OP_STREET:
        return !present || !po_box(v, n);
    case OP_NOTAFTER:
    case OP_NOTBEFORE:
        /* with a date of its own (vals=), against it; without, on each
         * occurrence against the first <when>'s value (check_order) */
        return !c->nvals || !present ||
               date_in_order(c->op, v, n, c->vals[0], strlen(c->vals[0]));
    case OP_POINTERS:
    case OP_DIFFERS:
    case OP_SAME:
    case OP_UNIQUE:
        return 1; /* checked on each occurrence (rules_segment, rules_on_segment) */
    case OP_PATTERN:
        return !present || pattern_match(c->re, v, n);
    case OP_NOTPATTERN:
        return !present || !pattern_match(c->re, v, n);
    case OP_POSITIVE:
        return !present || sign_of(v, n) > 0; /* (2: no number, the element's) */
    case OP_NOTNEGATIVE:
        return !present || sign_of(v, n) >= 0;
    }
    return 1;
}

void rules_loop_start(const spec_loop *lp, rule_fact *facts)
{
    /* what is read before a condition is seen: the flag and the length */
    for (uint32_t i = 0; i < lp->nfacts; i++) {
        facts[i].seen = 0;
        facts[i].len = 0;
    }
}

void rules_loop_seen(const spec_loop *scope, rule_fact *facts, const spec_loop *entered)
{
    for (uint32_t i = 0; i < scope->nloopfacts; i++)
        if (scope->loopfacts[i].lp == entered)
            facts[scope->loopfacts[i].fact].seen = 1;
    /* a <then> on each instance of `entered`: this one has not its segment yet */
    for (uint32_t i = 0; i < scope->ninstfacts; i++) {
        const rule_instfact *in = &scope->instfacts[i];
        if (in->lp == entered)
            facts[in->r->fact0 + in->cond].seen = 0;
    }
}

static rule_trigger *trigger_of(const spec_rule *r, const rule_fact *f, const spec_loop *scope,
                                rule_trigger *t);

/* The <when>s of `r` on what the scope's instance has seen so far (facts `f`,
 * the rule's): a <when> naming a segment reads its first occurrence (with
 * any=, the first that holds). */
static int whens_hold(const spec_rule *r, const rule_fact *f)
{
    for (uint16_t j = 0; j < r->nwhen && j < RULE_MAX_CONDS; j++) {
        const rule_cond *w = &r->conds[j];
        int seen = w->seg[0] || w->loop ? f[j].seen : 1;
        if (!holds(w, seen, f[j].val, f[j].len))
            return 0;
    }
    return 1;
}

void rules_loop_left(const spec_loop *scope, const rule_fact *facts, const spec_loop *left,
                     const rule_pos *at, rule_report_fn report, void *ctx)
{
    for (uint32_t i = 0; i < scope->ninstfacts; i++) {
        const rule_instfact *in = &scope->instfacts[i];
        if (in->lp != left)
            continue;
        const spec_rule *r = in->r;
        const rule_fact *f = &facts[r->fact0];
        if (f[in->cond].seen || !whens_hold(r, f))
            continue;
        /* at the instance's first segment, naming what it lacks */
        rule_trigger trig;
        report(ctx, r, at, 0, 0, left->id, trigger_of(r, f, scope, &trig), &r->conds[in->cond]);
    }
}

static x12_slice element_of(const x12_segment *seg, const rule_cond *c)
{
    x12_slice v = seg_el(seg, c->el_pos);
    if (c->el_comp)
        v = x12_element_component(seg, v, c->el_comp);
    return v;
}

/* Each component of `c`'s element in `seg` must be the position of an
 * element that holds a value in the segment of the rule's first <when>
 * (`src`): 005010X222A1 2400 SV107 and 005010X224A2 2400 SV311 point at the
 * diagnosis codes of the claim's HI.  One finding per segment, at the first
 * bad component. */
static void check_pointers(const spec_rule *r, const rule_cond *c, const rule_fact *src,
                           const spec_loop *scope, const x12_segment *seg, rule_report_fn report,
                           void *ctx)
{
    x12_slice v = seg_el(seg, c->el_pos);
    char cs = seg->delims.component;
    unsigned k = 1, p = 0, digits = 0, number = 1;
    /* one pass: each component's number, judged at the separator after it */
    for (size_t i = 0; i <= v.len; i++) {
        if (i < v.len && v.ptr[i] != cs) {
            if (x12__is_digit(v.ptr[i]))
                p = p < 1000 ? p * 10 + (unsigned)(v.ptr[i] - '0') : p; /* 1000 and up: none */
            else
                number = 0;
            digits++;
            continue;
        }
        /* an empty component, one that is no number, or one past the
         * elements the guide gives the segment (0, 13 for the HI) is the
         * element checks' to report (the pointer's codes 1-12): the rule
         * reports a position the segment has but left empty */
        if (digits && number && p >= 1 && p <= src->nels && p < 64 && !(src->filled >> p & 1)) {
            rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
            memcpy(at.id, c->seg, sizeof at.id);
            rule_trigger trig = {src->at, scope->id, 0, 0};
            report(ctx, r, &at, c->el_pos, (uint16_t)k, c->lp ? c->lp->id : scope->id, &trig,
                   NULL);
            return;
        }
        k++;
        p = digits = 0;
        number = 1;
    }
}

/* `c`'s element in `seg`, when it holds a value, must not repeat the first
 * <when>'s (`src`): 005010X222A1 2400 SV105, the line's place of service, is
 * sent only when it differs from the claim's CLM05-1.  With op same it must
 * repeat it. */
static void check_differs(const spec_rule *r, const rule_cond *c, const rule_fact *src,
                          const spec_loop *scope, const x12_segment *seg, rule_report_fn report,
                          void *ctx)
{
    x12_slice v = element_of(seg, c);
    if (c->op == OP_SAME) {
        /* its value, where it holds one, is the <when>'s, trailing spaces
         * aside (005010X221A1 TRN04 and BPR11) */
        size_t a = v.len, b = src->len;
        while (a && v.ptr[a - 1] == ' ')
            a--;
        while (b && src->val[b - 1] == ' ')
            b--;
        if (!v.len || (a == b && !memcmp(v.ptr, src->val, a)))
            return;
    } else if (v.len != src->len || memcmp(v.ptr, src->val, v.len) != 0) {
        return;
    }
    rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
    memcpy(at.id, c->seg, sizeof at.id);
    rule_trigger trig = {src->at, scope->id, r->conds[0].el_pos, r->conds[0].el_comp};
    report(ctx, r, &at, c->el_pos, c->el_comp, c->lp ? c->lp->id : scope->id, &trig, NULL);
}

/* (Out of line, as check_unique: inlined into the rule scan they slowed every
 * segment's.)  Once the first <when> holds on its value (`src`), `c`'s
 * element in `seg` (notafter) ends no later than that value, or (notbefore)
 * starts no earlier: 005010X222A1 2400 DTP*472 not before the claim's
 * accident date (2300 DTP*439); 005010X223A2 2400 DTP*472 inside the
 * statement period (2300 DTP*434).  (With a date of its own, vals=, the
 * condition is read as the others are: holds().) */
__attribute__((noinline)) static void check_order(const spec_rule *r, const rule_cond *c,
                                                 const rule_fact *src, const spec_loop *scope,
                                                 const x12_segment *seg, rule_report_fn report,
                                                 void *ctx)
{
    if (!holds(&r->conds[0], 1, src->val, src->len)) /* the first <when>, on its value */
        return;
    x12_slice v = element_of(seg, c);
    if (!v.len || date_in_order(c->op, v.ptr, v.len, src->val, src->len))
        return;
    rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
    memcpy(at.id, c->seg, sizeof at.id);
    rule_trigger trig = {src->at, scope->id, r->conds[0].el_pos, r->conds[0].el_comp};
    report(ctx, r, &at, c->el_pos, c->el_comp, c->lp ? c->lp->id : scope->id, &trig, NULL);
}

/* A value, hashed with the index of its rule in the scope. */
static uint64_t uniq_key(uint16_t rule, const char *p, size_t n)
{
    uint64_t h = 0xCBF29CE484222325u ^ ((uint64_t)rule << 48) ^ n, x;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) { /* eight bytes at a time, the rest below */
        memcpy(&x, p + i, 8);
        h = (h ^ x) * 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    x = 0;
    for (; i < n; i++)
        x = x << 8 | (unsigned char)p[i];
    h = (h ^ x) * 0x9E3779B97F4A7C15u;
    h ^= h >> 32;
    return (h * 0xD6E8FEB86659FD93u) | 1; /* never 0 */
}

/* The element `p` of `seg` that a unique condition reads (component
 * c->el_comp of it when one is named). */
static x12_slice unique_value(const x12_segment *seg, const rule_cond *c, unsigned p)
{
    x12_slice v = seg_el(seg, p);
    if (c->el_comp)
        v = x12_element_component(seg, v, c->el_comp);
    return v;
}

/* `c`'s element in `seg` (with every, each element from it on) holds no
 * value an earlier one of the scope's instance held under this rule:
 * 005010X222A1 2400 REF*6R, the line item control number by which the 835
 * and the 277CA name a line; the diagnosis codes of 2300 HI. */
__attribute__((noinline)) static void check_unique(const spec_rule *r, uint16_t rule,
                                                  const rule_cond *c, const spec_loop *scope,
                                                  rule_uniq *u, const x12_segment *seg,
                                                  rule_report_fn report, void *ctx)
{
    if (!u->keys)
        return;
    unsigned last = c->every ? seg->element_count : c->el_pos;
    for (unsigned p = c->el_pos; p <= last; p++) {
        x12_slice v = unique_value(seg, c, p);
        if (!v.len)
            continue;
        uint64_t k = uniq_key(rule, v.ptr, v.len);
        uint32_t i = 0;
        while (i < u->n && u->keys[i] != k)
            i++;
        if (i < u->n) {
            rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
            memcpy(at.id, c->seg, sizeof at.id);
            report(ctx, r, &at, (uint16_t)p, c->el_comp, c->lp ? c->lp->id : scope->id, NULL,
                   NULL);
            continue;
        }
        if (u->n < RULE_UNIQ_MAX)
            u->keys[u->n++] = k;
    }
}

/* 005010X231A1 2100 CTX situational trigger: the first <when> of `r` that
 * names a segment which came (facts `f`), in `*t`; NULL when none did. */
static rule_trigger *trigger_of(const spec_rule *r, const rule_fact *f, const spec_loop *scope,
                                rule_trigger *t)
{
    for (uint16_t j = 0; j < r->nwhen && j < RULE_MAX_CONDS; j++) {
        const rule_cond *c = &r->conds[j];
        if (c->seg[0] && f[j].seen) {
            *t = (rule_trigger){f[j].at, c->lp ? c->lp->id : scope->id, c->el_pos, c->el_comp};
            return t;
        }
    }
    return NULL;
}

/* A <then> with each=: this occurrence of its segment, once the rule's
 * <when>s hold on what the instance has seen so far (a <when> naming a
 * segment reads that segment's first occurrence, as at the loop's end). */
__attribute__((noinline)) static void check_each(const spec_rule *r, const rule_cond *c,
                                                 const rule_fact *f, const spec_loop *scope,
                                                 const x12_segment *seg, rule_report_fn report,
                                                 void *ctx)
{
    if (!whens_hold(r, f))
        return;
    x12_slice v = element_of(seg, c);
    if (holds(c, 1, v.ptr ? v.ptr : "", v.len))
        return;
    rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
    size_t n = seg->id.len < 3 ? seg->id.len : 3;
    memcpy(at.id, seg->id.ptr, n);
    rule_trigger trig;
    report(ctx, r, &at, c->el_pos, c->el_comp, c->lp ? c->lp->id : scope->id,
           trigger_of(r, f, scope, &trig), NULL);
}

void rules_segment(const spec_loop *scope, rule_fact *facts, rule_uniq *uniq,
                   const spec_defwatch *dw, const spec_seg *def, const x12_segment *seg,
                   rule_report_fn report, void *ctx)
{
    /* only the conditions that look for this definition (found at load:
     * its id, in the loop it was placed in, its keyval) */
    for (uint16_t i = 0; i < dw->n; i++) {
        const rule_watch *wt = &dw->w[i];
        /* what decides without the rule: a condition read once whose
         * segment came; one read on each occurrence whose first <when>'s
         * has not (pointers, differs, same, notafter, notbefore) */
        if (wt->kind < WATCH_UNIQUE &&
            facts[wt->fact0 + (wt->kind == WATCH_EACH ? 0 : wt->cond)].seen ==
                (wt->kind == WATCH_FIRST))
            continue;
        const spec_rule *r = wt->r;
        const rule_cond *c = wt->c;
        rule_fact *f = &facts[wt->fact0 + wt->cond];
        if (c->op == OP_POINTERS) {
            /* every occurrence, once the first <when>'s segment came */
            const rule_fact *src = &facts[wt->fact0];
            if (src->seen)
                check_pointers(r, c, src, scope, seg, report, ctx);
            continue;
        }
        if (c->op == OP_DIFFERS || c->op == OP_SAME ||
            ((c->op == OP_NOTAFTER || c->op == OP_NOTBEFORE) && !c->nvals)) {
            /* every occurrence, against the first <when>'s element (a value
             * longer than the fact keeps is not compared), once that <when>
             * holds (notafter and notbefore with vals= are read once) */
            const rule_fact *src = &facts[wt->fact0];
            if (src->seen && src->len && !src->cut) {
                if (c->op == OP_DIFFERS || c->op == OP_SAME)
                    check_differs(r, c, src, scope, seg, report, ctx);
                else
                    check_order(r, c, src, scope, seg, report, ctx);
            }
            continue;
        }
        if (c->op == OP_UNIQUE) {
            check_unique(r, wt->rule, c, scope, uniq, seg, report, ctx);
            continue;
        }
        if (c->each) {
            check_each(r, c, &facts[wt->fact0], scope, seg, report, ctx);
            continue;
        }
        if (f->seen)
            continue; /* the first occurrence decides */
        if (c->any) {
            /* any=: the first occurrence that holds decides, and an
             * instance where none does has not seen the condition's segment */
            x12_slice v = element_of(seg, c);
            if (!holds(c, 1, v.ptr ? v.ptr : "", v.len))
                continue;
        }
        f->seen = 1;
        f->at.off = seg->byte_offset;
        f->at.seg_index = seg->segment_index;
        f->at.set_pos = seg->set_position;
        memcpy(f->at.id, def->id, sizeof f->at.id);
        if (c->filled) {
            f->filled = 0;
            f->nels = def->nels;
            for (uint32_t p = 1; p <= seg->element_count && p < 64; p++)
                if (seg->elements[p].len)
                    f->filled |= (uint64_t)1 << p;
        }
        if (c->el_pos) {
            x12_slice v = element_of(seg, c);
            size_t n = v.len < RULE_VAL_MAX ? v.len : RULE_VAL_MAX;
            if (n)
                memcpy(f->val, v.ptr, n);
            f->len = (uint8_t)n;
            f->cut = v.len > RULE_VAL_MAX;
        }
    }
}

void rules_loop_end(const spec_loop *scope, const rule_fact *facts, const rule_pos *at,
                    rule_report_fn report, void *ctx)
{
    /* only the rules with a <then> decided now */
    for (uint16_t e = 0; e < scope->nend_rules; e++) {
        uint16_t i = scope->end_rules[e];
        const spec_rule *r = scope->rules[i];
        const rule_fact *f = &facts[r->fact0];
        if (!whens_hold(r, f))
            continue;
        rule_trigger trig, *tp = trigger_of(r, f, scope, &trig);
        for (uint16_t j = r->nwhen; j < r->nwhen + r->nthen && j < RULE_MAX_CONDS; j++) {
            const rule_cond *c = &r->conds[j];
            int seen = c->seg[0] || c->loop ? f[j].seen : 1;
            if (c->each || c->instances)
                continue; /* said at each occurrence, or as each instance ended */
            if (!holds(c, seen, f[j].val, f[j].len)) {
                /* at the segment the condition names when it came, else at the loop */
                if (c->seg[0] && f[j].seen)
                    report(ctx, r, &f[j].at, c->el_pos, c->el_comp, scope->id, tp, NULL);
                else
                    report(ctx, r, at, 0, 0, scope->id, tp,
                           (c->seg[0] || c->loop) && !f[j].seen ? c : NULL);
                break;
            }
        }
    }
}

/* In a segment-scoped rule, unique (with every): the first element from
 * c->el_pos on whose value (its component c->el_comp) an earlier one of the
 * segment holds; 0 when none does.  005010X223A2 2300 HI*BG: a condition
 * code once per group. */
static uint16_t repeated_element(const x12_segment *seg, const rule_cond *c)
{
    for (unsigned p = c->el_pos + 1; p <= seg->element_count && p < UINT16_MAX; p++) {
        x12_slice v = unique_value(seg, c, p);
        if (!v.len)
            continue;
        for (unsigned q = c->el_pos; q < p; q++) {
            x12_slice w = unique_value(seg, c, q);
            if (w.len == v.len && !memcmp(w.ptr, v.ptr, v.len))
                return (uint16_t)p;
        }
    }
    return 0;
}

void rules_on_segment(const x12_spec *spec, const spec_seg *def, const x12_segment *seg,
                      int (*open)(void *ctx, const spec_loop *lp), rule_report_fn report, void *ctx,
                      const char *loop_id, int known_clean)
{
    /* in order of segment id: the first of the segment's rules (its
     * definition knows where), then its rules */
    const uint32_t *keys = spec->seg_rule_keys;
    if (def->seg_rule_at < 0)
        return;
    for (uint32_t i = (uint32_t)def->seg_rule_at; i < spec->nseg_rules && keys[i] == def->idkey;
         i++) {
        const spec_rule *r = spec->seg_rules[i];
        /* scope "*" (scope_lp NULL), or a loop open around the segment (a
         * loop the guide lacks is never open) */
        if (r->scope_lp ? !open(ctx, r->scope_lp) : r->scope[0] != '*' || known_clean)
            continue;
        int applies = 1;
        for (uint16_t j = 0; j < r->nwhen && applies; j++) {
            x12_slice v = element_of(seg, &r->conds[j]);
            applies = holds(&r->conds[j], 1, v.ptr ? v.ptr : "", v.len);
        }
        if (!applies)
            continue;
        for (uint16_t j = r->nwhen; j < r->nwhen + r->nthen; j++) {
            const rule_cond *c = &r->conds[j];
            uint16_t el = c->el_pos;
            int ok;
            if (c->op == OP_UNIQUE) {
                el = repeated_element(seg, c);
                ok = !el;
            } else {
                x12_slice v = element_of(seg, c);
                ok = holds(c, 1, v.ptr ? v.ptr : "", v.len);
            }
            if (!ok) {
                rule_pos at = {seg->byte_offset, seg->segment_index, seg->set_position, {0}};
                size_t n = seg->id.len < 3 ? seg->id.len : 3;
                memcpy(at.id, seg->id.ptr, n);
                report(ctx, r, &at, el, c->el_comp, loop_id, NULL, NULL); /* the same segment */
                break;
            }
        }
    }
}
