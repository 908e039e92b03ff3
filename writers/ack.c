/* 999 (005010X231A1) and TA1 acknowledgements from walker events and
 * findings.  Holds the errors of one transaction set at a time; a 999 set is
 * written group by group as the received file streams by.  The policy (what
 * rejects, the TA105 table) is documented in docs/ack.md; reading
 * acknowledgements back is parsers/ack_read.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spec_model.h"
#include "x12/ack.h"
#include "x12/control.h"
#include "internal.h"

#define ACK_GUIDE "005010X231A1"
#define MAX_PENDING 64
#define MAX_CODES 5

/* One finding kept for an IK3 (and maybe an IK4). */
typedef struct errent {
    uint32_t pos;   /* IK302 */
    uint32_t seq;   /* arrival order, for a stable sort */
    char id[4];     /* IK301 */
    char loop[5];   /* IK303 ("" = none) */
    char ik3[4];    /* IK304 ("" = none) */
    char ik4[4];    /* IK403 ("" = no IK4) */
    uint16_t el, comp, rep; /* IK401-1, -2, -3 (0: none) */
    char de[6];     /* IK402 */
    char bad[100];  /* IK404 */
    char claim[36]; /* CTX CLM01 value, "" = none */
    /* CTX situational trigger: the segment that made a rule apply ("" = none) */
    char trig_id[4];
    char trig_loop[5];
    uint32_t trig_pos;
    uint16_t trig_el, trig_comp;
} errent;

typedef struct codes {
    char c[MAX_CODES][4];
    int n;
} codes;

/* Room for a value the 999 echoes (AK101-AK103: GS01, GS06, GS08; AK201-AK203:
 * ST01, ST02, ST03), plus its NUL: more than any of those elements holds, so a
 * value too long for its element is echoed as received, invalid as it was,
 * and not cut to a shorter one that names another group or set (a GS06 of
 * 1234567890 was answered as group 123456789, a GS01 of HCX as HC).  Past 80
 * bytes a value is garbage whichever way it is cut. */
#define ECHO_CAP 81

struct x12_ack {
    x12_ack_options o;
    const x12_allocator *al;
    x12_writer *w;
    x12_error err;
    x12_status fatal;
    char date8[9], time4[5];
    uint32_t next_ctl;

    /* the received interchange */
    int in_isa;
    char isa05[3], isa06[16], isa07[3], isa08[16], isa09[7], isa10[5], isa13[10];
    char isa15;
    char ta104;        /* 'A', 'E', 'R' */
    char ta105[4];
    uint32_t unreadable_isa; /* interchange problems with no ISA to answer */
    x12_error unreadable;    /* the first of them */

    /* the output interchange of 999s */
    int out_open;
    uint32_t out_sets;

    /* the received group */
    int in_gs;
    char gs01[ECHO_CAP], gs02[16], gs03[16], gs06[ECHO_CAP], gs08[ECHO_CAP], ge01[ECHO_CAP];
    uint32_t g_received, g_accepted, g_with_errors;
    int g_reject;
    int g_skip;        /* a group of acknowledgements: not answered */
    codes gcodes;
    int ak_open;       /* a 999 set is open for this group */

    /* the received set */
    int in_st;
    int set_ending;    /* SE seen: the set closes at the next segment */
    char st01[ECHO_CAP], st02[ECHO_CAP], st03[ECHO_CAP];
    const x12_spec *spec;
    int s_reject, s_witherr, s_syntax, s_impl;
    uint32_t s_last_pos; /* set position of the last segment seen */
    codes scodes;
    errent *errs;
    uint32_t nerrs, caperrs, seq;
    char claim[36];
    int claim_guide;   /* the set is an 837: CTX CLM01 applies */

    /* findings that arrived before the event of their segment */
    x12_finding pend[MAX_PENDING];
    int npend;
    uint64_t last_off;
    int have_event;

    x12_ack_summary sum;
};

/* --- small helpers ---------------------------------------------------------- */

/* Copies a slice into buf, without trailing spaces (ISA fields are padded). */
static void copy_trim(char *buf, size_t cap, x12_slice s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    while (n && s.ptr[n - 1] == ' ')
        n--;
    /* a NUL byte would end the copy early and cut what follows unsaid: '?',
     * as echo_clean() writes any other byte the output cannot carry */
    for (size_t i = 0; i < n; i++)
        buf[i] = s.ptr[i] ? s.ptr[i] : '?';
    buf[n] = '\0';
}

static void copy_el(char *buf, size_t cap, const x12_segment *seg, unsigned pos)
{
    copy_trim(buf, cap, x12_segment_element(seg, pos));
}

static void add_code(codes *c, const char *code)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->c[i], code))
            return;
    if (c->n < MAX_CODES)
        snprintf(c->c[c->n++], sizeof c->c[0], "%s", code);
}

static x12_status set_fatal(x12_ack *a, x12_status st, const x12_error *e)
{
    if (st == X12_OK || a->fatal)
        return a->fatal ? a->fatal : st;
    a->fatal = st;
    if (e)
        a->err = *e;
    else {
        memset(&a->err, 0, sizeof a->err);
        a->err.code = st;
        a->err.msg = x12_status_message(st);
    }
    return st;
}

/* A writer call: a failure becomes the builder's fatal error. */
static x12_status wr(x12_ack *a, x12_status st)
{
    if (st != X12_OK)
        set_fatal(a, st, x12_writer_error(a->w));
    return a->fatal;
}

/* 1 when byte c cannot stand in an element of the acknowledgement: a
 * delimiter of the output, a control or non-ASCII byte. */
static int out_unsafe(const x12_ack *a, unsigned char c)
{
    const x12_delimiters *d = a->o.writer ? &a->o.writer->delims : NULL;
    char el = d ? d->element : '*', co = d ? d->component : ':', re = d ? d->repetition : '^',
         sg = d ? d->segment : '~';
    return c < 0x20 || c > 0x7e || c == (unsigned char)el || c == (unsigned char)co ||
           c == (unsigned char)re || c == (unsigned char)sg;
}

static int safe_value(const x12_ack *a, const char *v)
{
    for (const char *p = v; *p; p++)
        if (out_unsafe(a, (unsigned char)*p))
            return 0;
    return 1;
}

/* A value the acknowledgement repeats as received (ISA06, GS06, ST02, ...),
 * made writable: a byte the output cannot carry (one of its delimiters, a
 * control or non-ASCII byte, or, with the basic character set, one outside
 * it; lower-case letters are raised) becomes '?'.  Without this one such
 * byte (an ST02 holding the output's repetition separator) stopped the whole
 * acknowledgement with X12_ERR_DELIMITER_IN_DATA.  Such a value is wrong in
 * the received file already, and its finding says so.  (IK301 too: the id of
 * a segment whose id is what is wrong.) */
static void echo_clean(const x12_ack *a, char *buf)
{
    int basic = a->o.writer && a->o.writer->charset == X12_CHARSET_BASIC;
    for (char *p = buf; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (basic && c >= 'a' && c <= 'z')
            *p = (char)(c - 'a' + 'A');
        else if (out_unsafe(a, c) ||
                 (basic && !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()*+,-./:;?=", c)))
            *p = '?';
    }
}

static void echo_el(const x12_ack *a, char *buf, size_t cap, const x12_segment *seg, unsigned pos)
{
    copy_el(buf, cap, seg, pos);
    echo_clean(a, buf);
}

/* --- the guide: data element numbers and loop triggers ---------------------- */

static const spec_seg *find_seg(const spec_loop *lp, const char *id, int depth)
{
    if (!lp || depth > 32)
        return NULL;
    for (uint32_t i = 0; i < lp->nkids; i++) {
        const spec_child *k = &lp->kids[i];
        if (!k->is_loop && !strcmp(k->seg->id, id))
            return k->seg;
    }
    for (uint32_t i = 0; i < lp->nkids; i++)
        if (lp->kids[i].is_loop) {
            const spec_seg *s = find_seg(lp->kids[i].loop, id, depth + 1);
            if (s)
                return s;
        }
    return NULL;
}

/* IK402: the data element number of element el (component comp) of a segment.
 * Element numbers belong to the segment's dictionary definition, so the first
 * segment of that id anywhere in the guide has the right one. */
static void de_of(const x12_spec *spec, const char *id, uint16_t el, uint16_t comp, char *out,
                  size_t cap)
{
    out[0] = '\0';
    const spec_seg *s = spec ? find_seg(spec->root, id, 0) : NULL;
    if (!s || el == 0 || el > s->nels)
        return;
    const spec_el *e = &s->els[el - 1];
    if (e->ncomps) {
        if (comp == 0)
            comp = 1; /* a composite as a whole: its first component */
        if (comp > e->ncomps)
            return;
        e = &e->comps[comp - 1];
    }
    if (e->de && strspn(e->de, "0123456789") == strlen(e->de) && strlen(e->de) <= 4)
        snprintf(out, cap, "%s", e->de);
}

/* --- output envelopes ------------------------------------------------------- */

static x12_status next_control(x12_ack *a, uint32_t *ctl)
{
    if (a->o.control_file) {
        x12_error e;
        x12_status st = x12_control_reserve(a->o.control_file, 1, ctl, &e);
        if (st != X12_OK)
            return set_fatal(a, st, &e);
        return X12_OK;
    }
    *ctl = a->next_ctl;
    a->next_ctl = x12_control_next(a->next_ctl, 1);
    return X12_OK;
}

/* Opens an output interchange answering the received one: sender and
 * receiver swapped. */
static x12_status begin_out_interchange(x12_ack *a, uint32_t ctl)
{
    x12_isa_header isa;
    memset(&isa, 0, sizeof isa);
    isa.sender_qualifier = a->isa07[0] ? a->isa07 : "ZZ";
    isa.sender_id = a->isa08[0] ? a->isa08 : "UNKNOWN";
    isa.receiver_qualifier = a->isa05[0] ? a->isa05 : "ZZ";
    isa.receiver_id = a->isa06[0] ? a->isa06 : "UNKNOWN";
    isa.date = a->date8 + 2; /* ISA09 is YYMMDD */
    isa.time = a->time4;
    isa.control_number = ctl;
    isa.usage = a->isa15 == 'T' ? 'T' : 'P';
    return wr(a, x12_writer_begin_interchange(a->w, &isa));
}

/* GS02/GS03 are AN 2-15: a received one outside that falls back to the ISA id. */
static const char *gs_id(const char *gs, const char *isa)
{
    size_t n = strlen(gs), m = strlen(isa);
    /* GS02/GS03 (AN 2-15) must hold more than spaces */
    if (n >= 2 && n <= 15 && strspn(gs, " ") < n)
        return gs;
    return m >= 2 ? isa : "UNKNOWN";
}

static x12_status open_999_group(x12_ack *a)
{
    if (a->out_open)
        return a->fatal;
    uint32_t ctl;
    if (next_control(a, &ctl) != X12_OK)
        return a->fatal;
    if (begin_out_interchange(a, ctl) != X12_OK)
        return a->fatal;
    x12_gs_header gs;
    memset(&gs, 0, sizeof gs);
    gs.functional_id = "FA";
    gs.sender = gs_id(a->gs03, a->isa08);
    gs.receiver = gs_id(a->gs02, a->isa06);
    gs.date = a->date8;
    gs.time = a->time4;
    gs.control_number = ctl;
    gs.version = ACK_GUIDE;
    if (wr(a, x12_writer_begin_group(a->w, &gs)) != X12_OK)
        return a->fatal;
    a->out_open = 1;
    a->out_sets = 0;
    a->sum.interchanges_written++;
    return X12_OK;
}

static x12_status close_999_interchange(x12_ack *a)
{
    if (!a->out_open)
        return a->fatal;
    a->out_open = 0;
    if (wr(a, x12_writer_end_group(a->w)) != X12_OK)
        return a->fatal;
    return wr(a, x12_writer_end_interchange(a->w));
}

static x12_status write_ta1(x12_ack *a)
{
    uint32_t ctl;
    if (next_control(a, &ctl) != X12_OK || begin_out_interchange(a, ctl) != X12_OK)
        return a->fatal;
    char code[2] = {a->ta104, '\0'};
    /* TA101 ISA13, TA102 ISA09, TA103 ISA10 of the interchange answered */
    if (wr(a, x12_writer_segmentv(a->w, "TA1", a->isa13, a->isa09, a->isa10, code, a->ta105,
                                  (const char *)NULL)) != X12_OK)
        return a->fatal;
    a->sum.interchanges_written++;
    return wr(a, x12_writer_end_interchange(a->w));
}

/* --- the 999 of one set ----------------------------------------------------- */

static void sort_errs(errent *e, uint32_t n)
{
    /* insertion sort: findings arrive nearly in order */
    for (uint32_t i = 1; i < n; i++) {
        errent t = e[i];
        uint32_t j = i;
        while (j > 0 && (e[j - 1].pos > t.pos || (e[j - 1].pos == t.pos && e[j - 1].seq > t.seq))) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = t;
    }
}

/* The CTX situational triggers of one IK3's findings errs[i..j), each
 * distinct one once, at most 9 (005010X231A1 2100 CTX, maxuse 9). */
static x12_status write_triggers(x12_ack *a, uint32_t i, uint32_t j)
{
    x12_writer *w = a->w;
    int written = 0;
    for (uint32_t k = i; k < j && written < 9; k++) {
        const errent *t = &a->errs[k];
        if (!t->trig_id[0])
            continue;
        int dup = 0;
        for (uint32_t m = i; m < k && !dup; m++)
            dup = a->errs[m].trig_pos == t->trig_pos && a->errs[m].trig_el == t->trig_el &&
                  a->errs[m].trig_comp == t->trig_comp && !strcmp(a->errs[m].trig_id, t->trig_id);
        if (dup)
            continue;
        char pos[12], el[8], comp[8];
        snprintf(pos, sizeof pos, "%u", (unsigned)t->trig_pos);
        snprintf(el, sizeof el, "%u", (unsigned)t->trig_el);
        snprintf(comp, sizeof comp, "%u", (unsigned)t->trig_comp);
        if (wr(a, x12_writer_segment_begin(w, "CTX")) != X12_OK ||
            wr(a, x12_writer_element(w, "SITUATIONAL TRIGGER", 19)) != X12_OK ||
            wr(a, x12_writer_element(w, t->trig_id, strlen(t->trig_id))) != X12_OK ||
            wr(a, x12_writer_element(w, pos, strlen(pos))) != X12_OK ||
            wr(a, x12_writer_element(w, t->trig_loop, strlen(t->trig_loop))) != X12_OK)
            return a->fatal;
        if (t->trig_el) { /* CTX05: the element (and component) the condition looked at */
            if (wr(a, x12_writer_element(w, el, strlen(el))) != X12_OK ||
                (t->trig_comp && wr(a, x12_writer_component(w, comp, strlen(comp))) != X12_OK))
                return a->fatal;
        }
        if (wr(a, x12_writer_segment_end(w)) != X12_OK)
            return a->fatal;
        written++;
    }
    return a->fatal;
}

static x12_status write_ik4(x12_ack *a, const errent *e)
{
    char num[8];
    x12_writer *w = a->w;
    if (wr(a, x12_writer_segment_begin(w, "IK4")) != X12_OK)
        return a->fatal;
    snprintf(num, sizeof num, "%u", (unsigned)e->el);
    if (wr(a, x12_writer_element(w, num, strlen(num))) != X12_OK)
        return a->fatal;
    if (e->comp || e->rep) {
        /* IK401-2, empty when the error is not in a component */
        snprintf(num, sizeof num, "%u", (unsigned)e->comp);
        if (wr(a, x12_writer_component(w, num, e->comp ? strlen(num) : 0)) != X12_OK)
            return a->fatal;
    }
    if (e->rep) {
        /* 005010X231A1 2110 IK401-3: the repetition of a repeating element in error */
        snprintf(num, sizeof num, "%u", (unsigned)e->rep);
        if (wr(a, x12_writer_component(w, num, strlen(num))) != X12_OK)
            return a->fatal;
    }
    if (wr(a, x12_writer_element(w, e->de, strlen(e->de))) != X12_OK ||
        wr(a, x12_writer_element(w, e->ik4, strlen(e->ik4))) != X12_OK ||
        wr(a, x12_writer_element(w, e->bad, strlen(e->bad))) != X12_OK)
        return a->fatal;
    return wr(a, x12_writer_segment_end(w));
}

static x12_status write_set_errors(x12_ack *a)
{
    x12_writer *w = a->w;
    sort_errs(a->errs, a->nerrs);
    for (uint32_t i = 0; i < a->nerrs;) {
        const errent *e = &a->errs[i];
        /* element errors of one segment share its IK3 */
        uint32_t j = i + 1;
        if (!strcmp(e->ik3, "8"))
            while (j < a->nerrs && a->errs[j].pos == e->pos && !strcmp(a->errs[j].id, e->id) &&
                   !strcmp(a->errs[j].ik3, "8"))
                j++;
        char pos[12];
        snprintf(pos, sizeof pos, "%u", (unsigned)e->pos);
        if (wr(a, x12_writer_segmentv(w, "IK3", e->id, pos, e->loop, e->ik3, (const char *)NULL)) !=
            X12_OK)
            return a->fatal;
        a->sum.segments_in_error++;
        if (write_triggers(a, i, j) != X12_OK)
            return a->fatal;
        if (e->claim[0]) {
            /* 005010X231A1 2100 CTX: business unit identifier, CLM01 for 837 claims */
            if (wr(a, x12_writer_segment_begin(w, "CTX")) != X12_OK ||
                wr(a, x12_writer_element(w, "CLM01", 5)) != X12_OK ||
                wr(a, x12_writer_component(w, e->claim, strlen(e->claim))) != X12_OK ||
                wr(a, x12_writer_segment_end(w)) != X12_OK)
                return a->fatal;
        }
        for (uint32_t k = i; k < j; k++) {
            const errent *f = &a->errs[k];
            if (!f->ik4[0] || !f->el)
                continue;
            int dup = 0; /* the same element and code found twice (element check and rule) */
            for (uint32_t m = i; m < k && !dup; m++)
                dup = a->errs[m].el == f->el && a->errs[m].comp == f->comp &&
                      !strcmp(a->errs[m].ik4, f->ik4);
            if (!dup && write_ik4(a, f) != X12_OK)
                return a->fatal;
        }
        i = j;
    }
    return a->fatal;
}

static void close_set(x12_ack *a)
{
    a->set_ending = 0;
    if (!a->in_st)
        return;
    a->in_st = 0;
    if (a->g_skip) {
        a->nerrs = 0;
        return;
    }
    char ik501 = a->s_reject ? 'R' : a->s_witherr ? 'E' : 'A';
    if (a->s_reject)
        add_code(&a->scodes, a->s_syntax ? "5" : a->s_impl ? "I5" : a->scodes.n ? a->scodes.c[0] : "I5");
    else if (a->s_witherr)
        add_code(&a->scodes, "I5");
    a->g_received++;
    a->sum.sets++;
    if (ik501 == 'R')
        a->sum.sets_rejected++;
    else {
        a->g_accepted++;
        if (ik501 == 'E') {
            a->g_with_errors++;
            a->sum.sets_with_errors++;
        } else {
            a->sum.sets_accepted++;
        }
    }
    if (a->ak_open && !a->fatal) {
        /* 005010X231A1 2000 AK2: ST01, ST02, ST03 of the set answered */
        x12_writer *w = a->w;
        if (wr(a, x12_writer_segmentv(w, "AK2", a->st01, a->st02, a->st03, (const char *)NULL)) ==
                X12_OK &&
            write_set_errors(a) == X12_OK) {
            char c[2] = {ik501, '\0'};
            const char *k[MAX_CODES] = {"", "", "", "", ""};
            for (int i = 0; i < a->scodes.n; i++)
                k[i] = a->scodes.c[i];
            wr(a, x12_writer_segmentv(w, "IK5", c, k[0], k[1], k[2], k[3], k[4], (const char *)NULL));
        }
    }
    a->nerrs = 0;
    a->claim[0] = '\0';
    a->spec = NULL;
}

static void open_set(x12_ack *a, const x12_walk_event *ev)
{
    close_set(a);
    a->in_st = 1;
    echo_el(a, a->st01, sizeof a->st01, ev->seg, 1);
    echo_el(a, a->st02, sizeof a->st02, ev->seg, 2);
    echo_el(a, a->st03, sizeof a->st03, ev->seg, 3);
    a->spec = ev->spec;
    a->s_reject = a->s_witherr = a->s_syntax = a->s_impl = 0;
    a->s_last_pos = 1;
    a->scodes.n = 0;
    a->nerrs = 0;
    a->claim[0] = '\0';
    /* by the rules the spec holds (a 005010X222A2 set checked as X222A1 is a claim) */
    const char *g = ev->spec ? ev->spec->own_id : "";
    a->claim_guide = !strcmp(g, "005010X222A1") || !strcmp(g, "005010X223A2") ||
                     !strcmp(g, "005010X224A2");
}

static void close_group(x12_ack *a)
{
    if (!a->in_gs)
        return;
    close_set(a);
    a->in_gs = 0;
    if (a->g_skip)
        return;
    char ak901;
    uint32_t accepted = a->g_reject ? 0 : a->g_accepted;
    if (a->g_reject || (a->g_received && accepted == 0))
        ak901 = 'R';
    else if (accepted < a->g_received)
        ak901 = 'P';
    else
        ak901 = a->g_with_errors ? 'E' : 'A';
    a->sum.groups++;
    switch (ak901) {
    case 'A': a->sum.groups_accepted++; break;
    case 'E': a->sum.groups_with_errors++; break;
    case 'P': a->sum.groups_partial++; break;
    default: a->sum.groups_rejected++; break;
    }
    if (!a->ak_open || a->fatal)
        return;
    a->ak_open = 0;
    char c[2] = {ak901, '\0'}, inc[12], rec[12], acc[12];
    /* AK902: GE01 as received when it is a number, else the sets counted */
    if (a->ge01[0] && strspn(a->ge01, "0123456789") == strlen(a->ge01) && strlen(a->ge01) <= 6)
        snprintf(inc, sizeof inc, "%u", (unsigned)strtoul(a->ge01, NULL, 10));
    else
        snprintf(inc, sizeof inc, "%u", (unsigned)a->g_received);
    snprintf(rec, sizeof rec, "%u", (unsigned)a->g_received);
    snprintf(acc, sizeof acc, "%u", (unsigned)accepted);
    const char *k[MAX_CODES] = {"", "", "", "", ""};
    for (int i = 0; i < a->gcodes.n; i++)
        k[i] = a->gcodes.c[i];
    if (wr(a, x12_writer_segmentv(a->w, "AK9", c, inc, rec, acc, k[0], k[1], k[2], k[3], k[4],
                                  (const char *)NULL)) != X12_OK)
        return;
    wr(a, x12_writer_end_set(a->w));
}

/* Can a 999 answer a group of functional id `gs01`?  AK101 echoes it, and
 * 005010X231A1 lists the ids AK101 takes (specs/999.005010X231A1.xml): the
 * guides' groups, not acknowledgements (FA) nor what no HIPAA guide sends. */
static int answerable(const char *gs01)
{
    x12_error err;
    const x12_spec *s = x12__spec_builtin_shared(ACK_GUIDE, &err);
    const spec_loop *root = s ? s->root : NULL;
    for (uint32_t i = 0; root && i < root->nkids; i++) {
        const spec_seg *d = root->kids[i].is_loop ? NULL : root->kids[i].seg;
        if (d && d->idkey == spec_idkey("AK1", 3) && d->nels)
            return spec_el_has_code(&d->els[0], gs01, strlen(gs01));
    }
    return strcmp(gs01, "FA") != 0; /* no spec at hand (no memory): FA alone */
}

static void open_group(x12_ack *a, const x12_segment *seg)
{
    close_group(a);
    a->in_gs = 1;
    echo_el(a, a->gs01, sizeof a->gs01, seg, 1);
    echo_el(a, a->gs02, sizeof a->gs02, seg, 2);
    echo_el(a, a->gs03, sizeof a->gs03, seg, 3);
    echo_el(a, a->gs06, sizeof a->gs06, seg, 6);
    echo_el(a, a->gs08, sizeof a->gs08, seg, 8);
    a->ge01[0] = '\0';
    a->g_received = a->g_accepted = a->g_with_errors = 0;
    a->g_reject = 0;
    a->gcodes.n = 0;
    /* acknowledgements are not acknowledged: a group of 999s/997s (FA) gets no 999,
     * and nor does one whose GS01 no 999 can echo (its GS01 is reported by
     * x12 validate) */
    a->g_skip = !answerable(a->gs01);
    if (a->g_skip && strcmp(a->gs01, "FA") != 0)
        a->sum.groups_unanswered++;
    if (!(a->o.what & X12_ACK_999) || !a->in_isa || a->fatal || a->g_skip)
        return;
    if (open_999_group(a) != X12_OK)
        return;
    char st02[12];
    snprintf(st02, sizeof st02, "%04u", (unsigned)++a->out_sets);
    if (wr(a, x12_writer_begin_set(a->w, "999", st02, ACK_GUIDE)) != X12_OK)
        return;
    /* 005010X231A1 AK1: GS01, GS06, GS08 of the group answered */
    if (wr(a, x12_writer_segmentv(a->w, "AK1", a->gs01, a->gs06, a->gs08, (const char *)NULL)) ==
        X12_OK)
        a->ak_open = 1;
}

static void close_interchange(x12_ack *a)
{
    if (!a->in_isa)
        return;
    close_group(a);
    a->in_isa = 0;
    close_999_interchange(a);
    switch (a->ta104) {
    case 'A': a->sum.ta1_accepted++; break;
    case 'E': a->sum.ta1_with_errors++; break;
    default: a->sum.ta1_rejected++; break;
    }
    if ((a->o.what & X12_ACK_TA1) && !a->fatal)
        write_ta1(a);
}

static void open_interchange(x12_ack *a, const x12_segment *seg)
{
    close_interchange(a);
    a->in_isa = 1;
    a->sum.interchanges++;
    echo_el(a, a->isa05, sizeof a->isa05, seg, 5);
    echo_el(a, a->isa06, sizeof a->isa06, seg, 6);
    echo_el(a, a->isa07, sizeof a->isa07, seg, 7);
    echo_el(a, a->isa08, sizeof a->isa08, seg, 8);
    echo_el(a, a->isa09, sizeof a->isa09, seg, 9);
    echo_el(a, a->isa10, sizeof a->isa10, seg, 10);
    echo_el(a, a->isa13, sizeof a->isa13, seg, 13);
    x12_slice u = x12_segment_element(seg, 15);
    a->isa15 = u.len ? u.ptr[0] : 'P';
    a->ta104 = 'A';
    snprintf(a->ta105, sizeof a->ta105, "000");
}

/* --- findings ---------------------------------------------------------------- */

typedef struct ta1_note {
    x12_status code;
    unsigned element; /* 0 = any */
    const char *note;
    char ta104;
} ta1_note;

/* TA105 (I18) for the reader's interchange-level errors; docs/ack.md has the
 * same table.  ISA_FIELD is told apart by the ISA element. */
static const ta1_note TA1_NOTES[] = {
    {X12_ERR_IEA_CONTROL, 0, "001", 'R'},  /* ISA13 and IEA02 do not match */
    {X12_ERR_IEA_COUNT, 0, "021", 'E'},    /* invalid number of included groups */
    {X12_ERR_MISSING_IEA, 0, "023", 'R'},  /* improper (premature) end of file */
    {X12_ERR_UNTERMINATED, 0, "023", 'R'},
    {X12_ERR_ISA_SHORT, 0, "023", 'R'},
    {X12_ERR_DUP_ISA13, 0, "025", 'R'},    /* duplicate interchange control number */
    {X12_ERR_ISA_SEPARATOR, 0, "026", 'R'},/* invalid data element separator */
    {X12_ERR_ISA_DELIMITERS, 16, "027", 'R'}, /* invalid component element separator */
    {X12_ERR_ISA_DELIMITERS, 0, "026", 'R'},
    {X12_ERR_UNEXPECTED_SEGMENT, 0, "022", 'R'}, /* invalid control structure */
    {X12_ERR_GARBAGE, 0, "024", 'E'},      /* invalid interchange content */
    {X12_ERR_SEGMENT_ID, 0, "024", 'R'},
    {X12_ERR_EMPTY_SEGMENT, 0, "024", 'R'},
    {X12_ERR_SEGMENT_TOO_LONG, 0, "024", 'R'},
    {X12_ERR_TOO_MANY_ELEMENTS, 0, "024", 'R'},
    {X12_ERR_BAD_COUNT, 1, "021", 'R'},    /* IEA01 not a number */
    {X12_ERR_BAD_COUNT, 0, "018", 'R'},    /* a control number not a number */
    {X12_ERR_ISA_FIELD, 1, "010", 'R'},    /* invalid authorization information qualifier */
    {X12_ERR_ISA_FIELD, 2, "011", 'R'},
    {X12_ERR_ISA_FIELD, 3, "012", 'R'},
    {X12_ERR_ISA_FIELD, 4, "013", 'R'},
    {X12_ERR_ISA_FIELD, 5, "005", 'R'},    /* invalid sender id qualifier */
    {X12_ERR_ISA_FIELD, 6, "006", 'R'},
    {X12_ERR_ISA_FIELD, 7, "007", 'R'},
    {X12_ERR_ISA_FIELD, 8, "008", 'R'},
    {X12_ERR_ISA_FIELD, 9, "014", 'R'},    /* invalid interchange date */
    {X12_ERR_ISA_FIELD, 10, "015", 'R'},   /* invalid interchange time */
    {X12_ERR_ISA_FIELD, 11, "026", 'R'},   /* 00501 ISA11 is the repetition separator */
    {X12_ERR_ISA_FIELD, 12, "017", 'R'},   /* invalid interchange version id */
    {X12_ERR_ISA_FIELD, 13, "018", 'R'},   /* invalid interchange control number */
    {X12_ERR_ISA_FIELD, 14, "019", 'R'},   /* invalid acknowledgment requested */
    {X12_ERR_ISA_FIELD, 15, "020", 'R'},   /* invalid test indicator */
    {X12_ERR_ISA_FIELD, 16, "027", 'R'},
    {X12_ERR_ISA_FIELD, 0, "022", 'R'},
};

static const ta1_note *ta1_lookup(x12_status code, unsigned element)
{
    for (size_t i = 0; i < sizeof TA1_NOTES / sizeof TA1_NOTES[0]; i++)
        if (TA1_NOTES[i].code == code && (TA1_NOTES[i].element == 0 || TA1_NOTES[i].element == element))
            return &TA1_NOTES[i];
    return NULL;
}

const char *x12_ack_ta105_for(x12_status code, unsigned element)
{
    const ta1_note *n = ta1_lookup(code, element);
    return n ? n->note : "";
}

/* An element finding on an envelope segment (walk.c check_envelope: the ISA
 * and GS against specs/control.00501.xml). */
static int envelope_element(const x12_finding *f, const char *id)
{
    x12_status c = f->err.code;
    return ((c >= X12_ERR_ELEMENT_REQUIRED && c <= X12_ERR_SYNTAX_EXCLUSION) ||
            c == X12_ERR_ELEMENT_PATTERN) &&
           !strcmp(f->err.segment_id, id);
}

static void interchange_problem(x12_ack *a, const x12_finding *f)
{
    /* an ISA element is answered as the reader's ISA field errors are: by the
     * element's TA105 note (ISA09 014, ISA15 020, ...) */
    const ta1_note *n = ta1_lookup(envelope_element(f, "ISA") ? X12_ERR_ISA_FIELD : f->err.code,
                                   f->err.element_pos);
    if (!a->in_isa) {
        /* an interchange header the reader had to skip: nothing to answer */
        x12_status c = f->err.code;
        if (c == X12_ERR_ISA_SHORT || c == X12_ERR_ISA_SEPARATOR || c == X12_ERR_ISA_DELIMITERS ||
            c == X12_ERR_NOT_X12 || c == X12_ERR_NO_INTERCHANGE) {
            if (!a->unreadable_isa++)
                a->unreadable = f->err;
        }
        return;
    }
    char sev = n ? n->ta104 : 'R';
    if (a->ta104 == 'A' || (a->ta104 == 'E' && sev == 'R')) {
        a->ta104 = sev;
        snprintf(a->ta105, sizeof a->ta105, "%s", n ? n->note : "024");
    }
}

/* An error about a segment of the current set: an IK3 (and IK4). */
static void segment_error(x12_ack *a, const x12_finding *f, const x12_segment *seg)
{
    int rejects = f->snip <= a->o.reject_snip;
    if (rejects) {
        a->s_reject = 1;
        if (f->snip <= 1 && f->err.code < X12_ERR_UNKNOWN_GUIDE)
            a->s_syntax = 1;
        else
            a->s_impl = 1;
    } else {
        a->s_witherr = 1;
    }
    const char *id = f->err.segment_id;
    size_t idlen = strlen(id);
    if (idlen < 2 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != idlen) {
        if (rejects)
            a->s_syntax = 1; /* no segment to name: IK502 5 alone */
        return;
    }
    if (a->nerrs >= a->o.max_errors) {
        a->sum.errors_dropped++;
        return;
    }
    if (a->nerrs == a->caperrs) {
        uint32_t cap = a->caperrs ? a->caperrs * 2 : 16;
        if (cap > a->o.max_errors)
            cap = a->o.max_errors;
        errent *n = x12__realloc(a->al, a->errs, cap * sizeof *n);
        if (!n) {
            set_fatal(a, X12_ERR_NOMEM, NULL);
            return;
        }
        a->errs = n;
        a->caperrs = cap;
    }
    errent *e = &a->errs[a->nerrs++];
    memset(e, 0, sizeof *e);
    /* a segment missing at the end of the set is reported at the trailer that
     * follows; IK302 then points just past the last segment seen */
    e->pos = f->err.set_position ? f->err.set_position : a->s_last_pos + 1;
    e->seq = a->seq++;
    snprintf(e->id, sizeof e->id, "%s", id);
    echo_clean(a, e->id);
    /* a missing segment is named by the finding's detail ("segment NM1 missing
     * in loop 2010BA"), a missing loop by its trigger segment */
    char what[8], name[16];
    if ((f->err.code == X12_ERR_REQUIRED_SEGMENT || f->err.code == X12_ERR_REQUIRED_LOOP) &&
        sscanf(f->err.detail, "%7s %15s", what, name) == 2) {
        if (!strcmp(what, "segment") && strlen(name) <= 3)
            snprintf(e->id, sizeof e->id, "%.3s", name);
        else if (!strcmp(what, "loop") && a->spec) {
            const spec_loop *lp = spec_find_loop(a->spec->root, name);
            if (lp && lp->nkids && !lp->kids[0].is_loop)
                snprintf(e->id, sizeof e->id, "%s", lp->kids[0].seg->id);
        }
    }
    /* IK303 is AN 1-4: loop ids such as 2010BA keep their first four characters */
    if (f->loop_id[0] && strcmp(f->loop_id, "ST") != 0)
        snprintf(e->loop, sizeof e->loop, "%.4s", f->loop_id);
    if (f->ik3[0])
        snprintf(e->ik3, sizeof e->ik3, "%s", f->ik3);
    else if (f->ik4[0] && f->err.element_pos)
        snprintf(e->ik3, sizeof e->ik3, "8");
    /* 005010X231A1 2110 IK401: element and component positions are N0 1-2,
     * the repetition N0 1-4; an error further out (a segment of 112
     * elements) cannot be placed by an IK4, and its IK3 (IK304 8) stands
     * alone */
    if (f->ik4[0] && f->err.element_pos && f->err.element_pos <= 99 &&
        f->err.component_pos <= 99 && f->repetition_pos <= 9999) {
        snprintf(e->ik4, sizeof e->ik4, "%s", f->ik4);
        e->el = f->err.element_pos;
        e->comp = f->err.component_pos;
        e->rep = f->repetition_pos;
        de_of(a->spec, e->id, e->el, e->comp, e->de, sizeof e->de);
        if (a->o.copy_bad_data && strcmp(e->ik4, "1") != 0) {
            char v[100] = "";
            if (f->err.value[0])
                copy_trim(v, sizeof v, (x12_slice){f->err.value, strlen(f->err.value)});
            else if (seg && seg->byte_offset == f->err.byte_offset) {
                x12_slice s = x12_segment_element(seg, e->el);
                s = x12_element_repetition(seg, s, e->rep ? e->rep : 1);
                if (e->comp)
                    s = x12_element_component(seg, s, e->comp);
                /* (a value holding a NUL byte would be cut at it: left out) */
                if (s.len && !memchr(s.ptr, '\0', s.len))
                    copy_trim(v, sizeof v, s);
            }
            /* IK404 is AN: not spaces alone (trailing ones trimmed), and
             * only what the 999 can carry; else it is left out */
            if (v[0] && safe_value(a, v))
                snprintf(e->bad, sizeof e->bad, "%s", v);
        }
    }
    /* 005010X231A1 2100 CTX: the claim (CLM01) an 837 error belongs to */
    if (a->claim_guide && a->claim[0] && (!strncmp(f->loop_id, "23", 2) || !strncmp(f->loop_id, "24", 2)))
        snprintf(e->claim, sizeof e->claim, "%s", a->claim);
    /* 005010X231A1 2100 CTX situational trigger: the segment a situational
     * rule's condition named (CTX04 is AN 1-4, like IK303) */
    if (f->trigger_id[0] && f->trigger_set_position) {
        snprintf(e->trig_id, sizeof e->trig_id, "%s", f->trigger_id);
        echo_clean(a, e->trig_id); /* CTX02: a segment id as received */
        if (f->trigger_loop && f->trigger_loop[0] && strcmp(f->trigger_loop, "ST") != 0)
            snprintf(e->trig_loop, sizeof e->trig_loop, "%.4s", f->trigger_loop);
        e->trig_pos = f->trigger_set_position;
        e->trig_el = f->trigger_element;
        e->trig_comp = f->trigger_component;
    }
}

static void group_problem(x12_ack *a, const char *ak905)
{
    a->g_reject = 1;
    if (ak905)
        add_code(&a->gcodes, ak905);
}

static void set_problem(x12_ack *a, const char *ik502)
{
    a->s_reject = 1;
    add_code(&a->scodes, ik502);
}

/* Files one finding at the level it belongs to.  `seg` is the segment it
 * concerns when its event is at hand (for IK404), else NULL. */
static void apply(x12_ack *a, const x12_finding *f, const x12_segment *seg)
{
    x12_status c = f->err.code;
    const char *id = f->err.segment_id;
    if (c == X12_ERR_UNKNOWN_GUIDE) {
        /* a guide we do not have: the set cannot be checked, so it is not accepted */
        if (a->in_st)
            set_problem(a, "I6");
        return;
    }
    if (f->severity != X12_SEV_ERROR)
        return; /* warnings and notes are not acknowledged */
    switch (c) {
    case X12_ERR_MISSING_SE:
        if (a->in_st)
            set_problem(a, "2");
        return;
    case X12_ERR_SE_CONTROL:
        if (a->in_st)
            set_problem(a, "3");
        return;
    case X12_ERR_SE_COUNT:
        if (a->in_st)
            set_problem(a, "4");
        return;
    case X12_ERR_DUP_ST02:
        if (a->in_st)
            set_problem(a, "23");
        return;
    case X12_ERR_FUNCTIONAL_ID:
        /* an 837 in a group of 835s: its ST01 is not one the group takes */
        if (a->in_st)
            set_problem(a, "6");
        return;
    case X12_ERR_MISSING_GE:
        if (a->in_gs)
            group_problem(a, "3");
        return;
    case X12_ERR_GE_CONTROL:
        if (a->in_gs)
            group_problem(a, "4");
        return;
    case X12_ERR_GE_COUNT:
        if (a->in_gs)
            group_problem(a, "5");
        return;
    case X12_ERR_DUP_GS06:
        if (a->in_gs)
            group_problem(a, "19");
        return;
    case X12_ERR_BAD_COUNT:
        if (!strcmp(id, "SE") && a->in_st)
            set_problem(a, "4");
        else if (!strcmp(id, "ST") && a->in_st)
            set_problem(a, "7");
        else if (!strcmp(id, "GE") && a->in_gs)
            group_problem(a, "5");
        else if (!strcmp(id, "GS") && a->in_gs)
            group_problem(a, "6");
        else
            interchange_problem(a, f);
        return;
    case X12_ERR_IEA_CONTROL: case X12_ERR_IEA_COUNT: case X12_ERR_MISSING_IEA:
    case X12_ERR_DUP_ISA13: case X12_ERR_ISA_FIELD: case X12_ERR_ISA_SHORT:
    case X12_ERR_ISA_SEPARATOR: case X12_ERR_ISA_DELIMITERS: case X12_ERR_NOT_X12:
    case X12_ERR_NO_INTERCHANGE: case X12_ERR_GARBAGE:
        interchange_problem(a, f);
        return;
    case X12_ERR_UNTERMINATED:
        if (a->in_st)
            set_problem(a, "2");
        interchange_problem(a, f);
        return;
    case X12_ERR_IO: case X12_ERR_NOMEM: case X12_ERR_GZIP: case X12_ERR_STOPPED:
        return; /* the caller's to report: the input could not be read */
    default:
        break;
    }
    if (a->in_st) {
        /* 005010X231A1 IK502: an ST01 or ST02 the element checks find wrong
         * (too long, missing, ...) is also the set's own: 6 missing or invalid
         * transaction set identifier, 7 ... control number (the ST's IK3/IK4
         * say which check) */
        if (envelope_element(f, "ST") && (f->err.element_pos == 1 || f->err.element_pos == 2))
            set_problem(a, f->err.element_pos == 1 ? "6" : "7");
        segment_error(a, f, seg);
    } else if (a->in_gs)
        /* a segment between the sets, or a GS element (walk.c check_envelope;
         * AK905 has no code for one, and a GS01 no 999 takes gets no 999):
         * the group's structure */
        group_problem(a, NULL);
    else
        interchange_problem(a, f);
}

/* Findings that name a segment not yet seen wait for its event: the set,
 * group or interchange it opens, and the claim it names, come with it. */
static int closing_code(x12_status c)
{
    return c == X12_ERR_MISSING_SE || c == X12_ERR_MISSING_GE || c == X12_ERR_MISSING_IEA ||
           c == X12_ERR_REQUIRED_SEGMENT || c == X12_ERR_REQUIRED_LOOP;
}

static void flush_pending(x12_ack *a, const x12_segment *seg, int before)
{
    int k = 0;
    /* a trailer's own findings (SE01 count, GE02 control) belong to what it closes */
    int trailer = seg && (x12_slice_eq(seg->id, "SE") || x12_slice_eq(seg->id, "GE") ||
                          x12_slice_eq(seg->id, "IEA"));
    for (int i = 0; i < a->npend; i++) {
        x12_finding *f = &a->pend[i];
        int now;
        if (!seg)
            now = 1;
        else if (before)
            now = f->err.byte_offset < seg->byte_offset || closing_code(f->err.code) ||
                  (f->err.byte_offset == seg->byte_offset && trailer);
        else
            now = f->err.byte_offset <= seg->byte_offset;
        if (now)
            apply(a, f, seg && f->err.byte_offset == seg->byte_offset ? seg : NULL);
        else
            a->pend[k++] = *f;
    }
    a->npend = k;
}

void x12_ack_finding(x12_ack *a, const x12_finding *f)
{
    if (!a || !f)
        return;
    int later = !a->have_event || f->err.byte_offset > a->last_off;
    if (later && a->npend < MAX_PENDING && (f->err.segment_index || f->err.byte_offset)) {
        a->pend[a->npend++] = *f;
        return;
    }
    apply(a, f, NULL);
}

x12_status x12_ack_event(x12_ack *a, const x12_walk_event *ev)
{
    if (!a || !ev)
        return X12_ERR_USAGE;
    if (a->fatal)
        return a->fatal;
    if (ev->kind != X12_WALK_SEGMENT || !ev->seg)
        return X12_OK;
    const x12_segment *seg = ev->seg;
    flush_pending(a, seg, 1);
    /* the walker reports what a set lacks after its SE: the set closes at
     * the next segment */
    if (a->set_ending)
        close_set(a);
    x12_slice id = seg->id;
    if (x12_slice_eq(id, "ISA")) {
        open_interchange(a, seg);
    } else if (x12_slice_eq(id, "GS")) {
        if (a->in_isa)
            open_group(a, seg);
    } else if (x12_slice_eq(id, "ST")) {
        if (a->in_gs)
            open_set(a, ev);
    } else if (x12_slice_eq(id, "SE")) {
        a->set_ending = a->in_st;
    } else if (x12_slice_eq(id, "GE")) {
        close_set(a);
        if (a->in_gs)
            copy_el(a->ge01, sizeof a->ge01, seg, 1);
    } else if (x12_slice_eq(id, "IEA")) {
        /* the interchange closes after the IEA's own findings */
    } else if (a->in_st) {
        if (x12_slice_eq(id, "CLM") && ev->loop_id && !strcmp(ev->loop_id, "2300")) {
            x12_slice v = x12_segment_element(seg, 1);
            if (v.len < sizeof a->claim) {
                copy_trim(a->claim, sizeof a->claim, v);
                echo_clean(a, a->claim); /* CTX01-2: the claim id as received */
            } else
                a->claim[0] = '\0'; /* CTX01-2 is AN 1-35 */
        } else if (!ev->loop_id || (strncmp(ev->loop_id, "23", 2) && strncmp(ev->loop_id, "24", 2))) {
            a->claim[0] = '\0';
        }
    }
    if (a->in_st && seg->set_position)
        a->s_last_pos = seg->set_position;
    flush_pending(a, seg, 0);
    if (x12_slice_eq(id, "GE"))
        close_group(a);
    else if (x12_slice_eq(id, "IEA"))
        close_interchange(a);
    a->last_off = seg->byte_offset;
    a->have_event = 1;
    return a->fatal;
}

/* Appends `s` to e->detail, as much as fits. */
static void detail_add(x12_error *e, const char *s)
{
    size_t n = strlen(e->detail), room = sizeof e->detail - 1 - n, k = strlen(s);
    memcpy(e->detail + n, s, k < room ? k : room);
    e->detail[n + (k < room ? k : room)] = '\0';
}

x12_status x12_ack_finish(x12_ack *a)
{
    if (!a)
        return X12_ERR_USAGE;
    flush_pending(a, NULL, 1);
    close_interchange(a);
    if (a->fatal)
        return a->fatal;
    if (a->unreadable_isa) {
        /* an interchange whose header could not be read: neither a TA1 nor
         * a 999 can answer it (what could be read has its answer already);
         * the error is where the reader found it, and says what it found */
        x12_error e = a->unreadable;
        e.code = X12_ERR_ACK_NO_ISA;
        e.msg = x12_status_message(X12_ERR_ACK_NO_ISA);
        e.detail[0] = '\0';
        const char *msg = a->unreadable.msg ? a->unreadable.msg : "";
        /* the reader's message and detail; its detail alone (which names
         * the byte) when both do not fit */
        if (!a->unreadable.detail[0] ||
            strlen(msg) + 2 + strlen(a->unreadable.detail) < sizeof e.detail) {
            detail_add(&e, msg);
            if (a->unreadable.detail[0])
                detail_add(&e, ": ");
        }
        detail_add(&e, a->unreadable.detail);
        if (a->unreadable_isa > 1)
            detail_add(&e, "; and more interchange headers after it");
        return set_fatal(a, X12_ERR_ACK_NO_ISA, &e);
    }
    return X12_OK;
}

/* --- life cycle --------------------------------------------------------------- */

void x12_ack_options_init(x12_ack_options *o)
{
    memset(o, 0, sizeof *o);
    o->what = X12_ACK_999;
    o->control_number = 1;
    o->reject_snip = 2;
    o->max_errors = 1000;
}

x12_ack *x12_ack_new(const x12_ack_options *opts, x12_write_fn out, void *ctx, x12_error *err)
{
    x12_ack_options o;
    if (opts)
        o = *opts;
    else
        x12_ack_options_init(&o);
    if (!o.what)
        o.what = X12_ACK_999;
    if (o.reject_snip <= 0)
        o.reject_snip = 2;
    if (!o.max_errors)
        o.max_errors = 1000;
    if (err) {
        memset(err, 0, sizeof *err);
        err->msg = x12_status_message(X12_OK);
    }
    x12_ack *a = x12__alloc(o.alloc, sizeof *a);
    if (!a) {
        if (err) {
            err->code = X12_ERR_NOMEM;
            err->msg = x12_status_message(X12_ERR_NOMEM);
        }
        return NULL;
    }
    memset(a, 0, sizeof *a);
    a->o = o;
    a->al = o.alloc;
    a->next_ctl = o.control_number ? x12_control_next(o.control_number, 0) : 1;
    if ((o.date && (strlen(o.date) != 8 || !x12__valid_date(o.date, 8))) ||
        (o.time && (strlen(o.time) != 4 || !x12__valid_time(o.time, 4)))) {
        if (err) {
            err->code = X12_ERR_USAGE;
            err->msg = x12_status_message(X12_ERR_USAGE);
            snprintf(err->detail, sizeof err->detail, "date must be CCYYMMDD and time HHMM");
        }
        x12__free(a->al, a);
        return NULL;
    }
    if (o.date && o.time) {
        snprintf(a->date8, sizeof a->date8, "%s", o.date);
        snprintf(a->time4, sizeof a->time4, "%s", o.time);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(a->date8, sizeof a->date8, "%Y%m%d", &tm);
        strftime(a->time4, sizeof a->time4, "%H%M", &tm);
        if (o.date)
            snprintf(a->date8, sizeof a->date8, "%s", o.date);
        if (o.time)
            snprintf(a->time4, sizeof a->time4, "%s", o.time);
    }
    x12_writer_options wo;
    if (o.writer)
        wo = *o.writer;
    else
        x12_writer_options_init(&wo);
    wo.alloc = o.alloc;
    a->w = x12_writer_new(&wo, out, ctx, err);
    if (!a->w) {
        x12__free(a->al, a);
        return NULL;
    }
    a->err.msg = x12_status_message(X12_OK);
    a->sum.worst = 'A';
    return a;
}

void x12_ack_get_summary(const x12_ack *a, x12_ack_summary *out)
{
    *out = a->sum;
    out->worst = 'A';
    /* the TA1 verdicts count only when a TA1 is written */
    int ta1 = (a->o.what & X12_ACK_TA1) != 0;
    if (a->sum.sets_with_errors || a->sum.groups_with_errors || (ta1 && a->sum.ta1_with_errors))
        out->worst = 'E';
    if (a->sum.sets_rejected || a->sum.groups_rejected || a->sum.groups_partial ||
        (ta1 && a->sum.ta1_rejected) || a->unreadable_isa || a->sum.groups_unanswered)
        out->worst = 'R';
}

const x12_error *x12_ack_error(const x12_ack *a)
{
    return &a->err;
}

void x12_ack_free(x12_ack *a)
{
    if (!a)
        return;
    x12_writer_free(a->w);
    x12__free(a->al, a->errs);
    x12__free(a->al, a);
}

/* --- one file, the whole pipeline --------------------------------------------- */

typedef struct pipe_ctx {
    x12_walker *w;
    x12_ack *a;
    x12_error io;
} pipe_ctx;

static int pipe_segment(void *ctx, const x12_segment *seg)
{
    pipe_ctx *p = ctx;
    return x12_walker_segment(p->w, seg) != X12_OK;
}

static void pipe_error(void *ctx, const x12_error *e)
{
    pipe_ctx *p = ctx;
    if (e->code == X12_ERR_IO || e->code == X12_ERR_NOMEM || e->code == X12_ERR_GZIP ||
        (e->code == X12_ERR_LIMIT && e->segment_index == 0)) {
        if (!p->io.code)
            p->io = *e;
        return;
    }
    x12_walker_reader_error(p->w, e);
}

static int pipe_event(void *ctx, const x12_walk_event *ev)
{
    pipe_ctx *p = ctx;
    return x12_ack_event(p->a, ev) != X12_OK;
}

static void pipe_finding(void *ctx, const x12_finding *f)
{
    pipe_ctx *p = ctx;
    x12_ack_finding(p->a, f);
}

x12_status x12_ack_file(const char *path, const x12_reader_options *ropts, x12_spec *const *specs,
                        int nspecs, const x12_ack_options *opts, x12_write_fn out, void *ctx,
                        x12_ack_summary *sum, x12_error *err)
{
    x12_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    err->msg = x12_status_message(X12_OK);
    pipe_ctx p;
    memset(&p, 0, sizeof p);
    p.a = x12_ack_new(opts, out, ctx, err);
    if (!p.a)
        return err->code;
    x12_walker_callbacks wc = {pipe_event, pipe_finding};
    p.w = x12_walker_new(&wc, &p, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES |
                                      (opts && opts->nearest_guide ? X12_WALK_NEAREST_GUIDE : 0));
    x12_status st = p.w ? X12_OK : X12_ERR_NOMEM;
    for (int i = 0; st == X12_OK && i < nspecs; i++)
        st = x12_walker_use_spec(p.w, specs[i]);
    if (st == X12_OK) {
        x12_reader_callbacks cb = {pipe_segment, pipe_error};
        st = x12_read_file(path, ropts, &cb, &p);
        if (st == X12_OK || st == X12_ERR_STOPPED) {
            x12_status ws = x12_walker_finish(p.w);
            st = st == X12_OK ? ws : st;
        }
        if (st == X12_ERR_STOPPED)
            st = x12_ack_error(p.a)->code ? x12_ack_error(p.a)->code : st;
    }
    if (st == X12_OK && p.io.code) {
        *err = p.io;
        st = p.io.code;
    } else if (st == X12_OK) {
        st = x12_ack_finish(p.a);
        if (st != X12_OK)
            *err = *x12_ack_error(p.a);
    } else if (p.io.code) {
        *err = p.io;
    } else if (x12_ack_error(p.a)->code == st) {
        *err = *x12_ack_error(p.a);
    } else {
        err->code = st;
        err->msg = x12_status_message(st);
    }
    if (sum)
        x12_ack_get_summary(p.a, sum);
    x12_walker_free(p.w);
    x12_ack_free(p.a);
    return st;
}
