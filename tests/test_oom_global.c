#define _GNU_SOURCE
/* Allocation failures where no x12_allocator reaches: the spec loader
 * (libxml2, its own pattern compiler and blocks), the reconciliation ledger
 * (SQLite) and the claims JSON reader opened with the default allocator.
 *
 * This executable replaces malloc, calloc, realloc, free and the aligned
 * allocators for the whole process (glibc allows it: libxml2, SQLite,
 * jansson, stdio and x12kit all call these), forwarding to glibc's
 * __libc_* functions.  It counts every allocating call and the live blocks,
 * and when armed fails exactly its Nth call.  For each API the call is made
 * with N = 1, 2, ... until a run no longer reaches call N, and each run must
 *   - return NULL / X12_ERR_NOMEM, or succeed with a result identical to the
 *     run without failures (libraries may absorb a failure: SQLite's
 *     lookaside, stdio's buffer), never another error and never a
 *     different result;
 *   - leave the live-block count where it was once everything the test
 *     opened is closed (the leak check: this binary cannot run under ASan or
 *     valgrind, which bring their own malloc, so it is labelled no-asan and
 *     is not built with X12KIT_SANITIZE);
 *   - for the ledger, leave the ledger as it was: the same rows, and the
 *     same result when the call is repeated without failures.
 * Where every N is too slow for CI (the big built-in guides, a ledger file)
 * a test sweeps both ends of the run and a stride between: see each test.
 * Element patterns are compiled by x12kit's own matcher (parsers/pattern.c)
 * into the spec's arena: glibc's regcomp(), which double-frees or leaks when
 * one of its allocations fails, is no longer used, so every N is swept there
 * too.
 * One-time global state (xmlInitParser, sqlite3_initialize, the call_once of
 * x12_spec_builtin_ids, the first SQLite connection, libxml2's random seed)
 * is set up by a run without failures before anything is armed, so that it
 * is not mistaken for a leak. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <sqlite3.h>

#include <x12/arena.h>
#include <x12/json.h>
#include <x12/ledger.h>
#include <x12/remit.h>
#include <x12/spec.h>

#include "ledger_internal.h"
#include "spec_model.h"
#include "support.h"

/* --- the process-wide failing allocator ------------------------------------- */

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t k, size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);
extern void *__libc_valloc(size_t n);
extern void *__libc_pvalloc(size_t n);

static struct {
    int armed;    /* count calls and fail call fail_at */
    long fail_at; /* 0: count only */
    long calls;
    int hit;      /* call fail_at was made (and failed) */
    long live;    /* blocks allocated and not freed, armed or not */
} G;

static int oom_fail(void)
{
    if (!G.armed)
        return 0;
    G.calls++;
    if (G.fail_at && G.calls == G.fail_at) {
        G.hit = 1;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

static void *counted(void *p)
{
    if (p)
        G.live++;
    return p;
}

void *malloc(size_t n)
{
    return oom_fail() ? NULL : counted(__libc_malloc(n));
}

void *calloc(size_t k, size_t n)
{
    return oom_fail() ? NULL : counted(__libc_calloc(k, n));
}

void *realloc(void *p, size_t n)
{
    if (p && n == 0) {
        G.live--;
        return __libc_realloc(p, 0); /* glibc frees and returns NULL */
    }
    if (oom_fail())
        return NULL;
    void *q = __libc_realloc(p, n);
    if (q && !p)
        G.live++;
    return q;
}

void free(void *p)
{
    if (p)
        G.live--;
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    return oom_fail() ? NULL : counted(__libc_memalign(align, n));
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (oom_fail())
        return ENOMEM;
    void *p = counted(__libc_memalign(align, n));
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n)
{
    return oom_fail() ? NULL : counted(__libc_valloc(n));
}

void *pvalloc(size_t n)
{
    return oom_fail() ? NULL : counted(__libc_pvalloc(n));
}

static void arm(long n)
{
    G.calls = 0;
    G.hit = 0;
    G.fail_at = n;
    G.armed = 1;
}

static void disarm(void)
{
    G.armed = 0;
}

/* The test's own work inside an armed call (a report row callback) is not
 * part of what is tested. */
static int pause_alloc(void)
{
    int was = G.armed;
    G.armed = 0;
    return was;
}

static void resume_alloc(int was)
{
    G.armed = was;
}

/* --- the sweep ---------------------------------------------------------------- */

/* One run of an API with call n failing (0: none): does its own setup and
 * cleanup, checks the outcome (disarmed before any assert) and returns 1
 * when the run did not reach call n. */
typedef int (*attempt_fn)(long n);

typedef struct sweep {
    long total;  /* allocating calls of the run without failures */
    long tested; /* runs with a failure */
} sweep;

/* Every N from 1 to the end of the run (ALL), or, where every N is too
 * slow for CI (the big built-in guides: tens of thousands of calls, most of
 * them libxml2 building the tree), every N of the first `head` calls and
 * of the last `tail`, and every `stride`-th between them. */
#define ALL LONG_MAX, 1, 0
static sweep run_sweep(const char *what, attempt_fn attempt, long head, long stride, long tail)
{
    sweep s = {0, 0};
    assert_true(attempt(0));
    s.total = G.calls;
    assert_true(s.total > 0);
    if (tail < 0)
        tail += s.total; /* -k: all but the first k calls */
    for (long n = 1;; n++) {
        if (n > head && n <= s.total - tail && (n - head) % stride != 0)
            continue;
        s.tested++;
        if (attempt(n))
            break;
        assert_true(n <= s.total + 1000); /* the run must not grow without end */
    }
    printf("%s: %ld allocating calls, %ld runs with a failure\n", what, s.total, s.tested);
    return s;
}

/* The libxml2 global "last error" keeps copies of the message and the file
 * name of the latest parse error: process state, not a leak of the loader. */
static long live_now(void)
{
    xmlResetLastError();
    return G.live;
}

/* --- spec fingerprints ------------------------------------------------------ */

typedef struct fp {
    uint64_t h;
} fp;

static void fp_bytes(fp *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        f->h ^= b[i];
        f->h *= 1099511628211ull;
    }
}

static void fp_u(fp *f, uint64_t v)
{
    fp_bytes(f, &v, sizeof v);
}

static void fp_s(fp *f, const char *s)
{
    if (!s) {
        fp_u(f, 0xdeadull);
        return;
    }
    fp_bytes(f, s, strlen(s) + 1);
}

static void fp_list(fp *f, const char *const *l, uint32_t n, const void *keys)
{
    fp_u(f, l != NULL);
    fp_u(f, n);
    fp_u(f, keys != NULL);
    for (uint32_t i = 0; l && i < n; i++)
        fp_s(f, l[i]);
}

static void fp_el(fp *f, const spec_el *e)
{
    fp_s(f, e->ref);
    fp_s(f, e->name);
    fp_s(f, e->de);
    fp_u(f, e->pos);
    fp_u(f, e->comp);
    fp_u(f, (uint64_t)e->usage);
    fp_u(f, e->type);
    fp_u(f, e->ndec);
    fp_u(f, e->frac);
    fp_u(f, e->minlen);
    fp_u(f, e->maxlen);
    fp_u(f, e->rep);
    fp_list(f, e->codes, e->ncodes, e->ckeys);
    fp_s(f, e->ext);
    fp_u(f, e->extlist != NULL);
    if (e->extlist) {
        fp_s(f, e->extlist->id);
        fp_u(f, (uint64_t)e->extlist->complete);
        fp_list(f, e->extlist->codes, e->extlist->ncodes, e->extlist->keys);
    }
    fp_s(f, e->pattern);
    fp_u(f, e->re != NULL);
    fp_u(f, e->verified);
    fp_u(f, e->overlay);
    fp_u(f, e->ncomps);
    for (uint16_t i = 0; i < e->ncomps; i++)
        fp_el(f, &e->comps[i]);
}

static void fp_seg(fp *f, const spec_seg *s)
{
    fp_s(f, s->id);
    fp_u(f, s->idkey);
    fp_s(f, s->name);
    fp_u(f, (uint64_t)s->usage);
    fp_u(f, s->maxuse);
    fp_u(f, s->pos);
    fp_u(f, s->key_pos);
    fp_u(f, s->key_comp);
    fp_list(f, s->keyvals, s->nkeyvals, s->kkeys);
    fp_u(f, s->nels);
    fp_u(f, s->last_required);
    fp_u(f, s->nsyntax);
    fp_u(f, s->ndw);
    for (uint16_t i = 0; i < s->ndw; i++) {
        fp_s(f, s->dw[i].scope->id);
        for (uint16_t j = 0; j < s->dw[i].n; j++)
            fp_u(f, (uint64_t)s->dw[i].w[j].rule << 16 | s->dw[i].w[j].cond);
    }
    for (uint16_t i = 0; i < s->nsyntax; i++)
        fp_bytes(f, &s->syntax[i], sizeof s->syntax[i]);
    for (uint16_t i = 0; i < s->nels; i++)
        fp_el(f, &s->els[i]);
}

static void fp_loop(fp *f, const spec_loop *lp, int depth)
{
    fp_s(f, lp->id);
    if (depth > 40 || lp->nkids == UINT32_MAX)
        return;
    fp_s(f, lp->name);
    fp_u(f, (uint64_t)lp->usage);
    fp_u(f, lp->repeat);
    fp_u(f, lp->pos);
    fp_s(f, lp->hlparent);
    fp_u(f, lp->nrules);
    for (uint16_t i = 0; i < lp->nrules; i++) {
        fp_s(f, lp->rules[i]->id);
        fp_u(f, lp->rules[i]->fact0);
    }
    fp_u(f, lp->nfacts);
    fp_u(f, lp->nloopfacts);
    for (uint32_t i = 0; i < lp->nloopfacts; i++) {
        fp_s(f, lp->loopfacts[i].lp->id);
        fp_u(f, lp->loopfacts[i].fact);
    }
    fp_u(f, lp->first_mask);
    for (uint32_t i = 0; i <= lp->first_mask; i++)
        fp_u(f, lp->first_hash[i]);
    fp_u(f, lp->nkids);
    for (uint32_t i = 0; i < lp->nkids; i++) {
        const spec_child *k = &lp->kids[i];
        fp_u(f, (uint64_t)k->is_loop);
        fp_u(f, (uint64_t)k->has_rival);
        fp_u(f, (uint64_t)k->usage);
        fp_u(f, k->repeat);
        fp_u(f, lp->next_same[i]);
        if (k->is_loop)
            fp_loop(f, k->loop, depth + 1);
        else
            fp_seg(f, k->seg);
    }
}

/* Everything a loaded spec holds, hashed: a value an allocation failure had
 * silently dropped (an attribute, a code list, a pattern) changes it. */
static uint64_t spec_fingerprint(const x12_spec *s)
{
    fp f = {14695981039346656037ull};
    fp_s(&f, s->guide_id);
    fp_s(&f, s->ts);
    fp_s(&f, s->fid);
    fp_s(&f, s->name);
    fp_s(&f, s->overlays);
    fp_bytes(&f, &s->stats, sizeof s->stats);
    fp_u(&f, s->max_loop_facts);
    fp_u(&f, s->nrules);
    for (uint32_t i = 0; i < s->nrules; i++) {
        const spec_rule *r = &s->rules[i];
        fp_s(&f, r->id);
        fp_s(&f, r->msg);
        fp_s(&f, r->scope);
        fp_s(&f, r->seg);
        fp_u(&f, r->snip);
        fp_u(&f, r->severity);
        fp_s(&f, r->ik3);
        fp_s(&f, r->ik4);
        fp_u(&f, r->nwhen);
        fp_u(&f, r->nthen);
        for (uint16_t j = 0; j < r->nwhen + r->nthen; j++) {
            const rule_cond *c = &r->conds[j];
            fp_s(&f, c->loop);
            fp_s(&f, c->lp ? c->lp->id : NULL);
            fp_s(&f, c->seg);
            fp_s(&f, c->keyval);
            fp_u(&f, c->el_pos);
            fp_u(&f, c->el_comp);
            fp_u(&f, c->op);
            fp_list(&f, c->vals, c->nvals, NULL);
        }
    }
    fp_loop(&f, s->root, 0);
    return f.h;
}

/* --- spec inputs ---------------------------------------------------------------- */

/* A small guide with every kind of thing the loader reads: loops, a loopref,
 * segments with keys, syntax notes, elements of each type, codes, a
 * pattern, a composite, external code lists and rules. */
static const char *const SMALL_GUIDE_PARTS[] = {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<guide id=\"X12KIT.OOM\" ts=\"837\" fid=\"HC\" name=\"Allocation test guide\">\n"
    " <seg id=\"ST\" name=\"Header\" usage=\"R\" maxuse=\"1\" pos=\"0050\">\n"
    "  <el ref=\"ST01\" de=\"143\" name=\"Set id\" usage=\"R\" type=\"ID\" minlen=\"3\" maxlen=\"3\" codes=\"837\"/>\n"
    "  <el ref=\"ST02\" de=\"329\" name=\"Control\" usage=\"R\" type=\"AN\" minlen=\"4\" maxlen=\"9\"/>\n"
    " </seg>\n"
    " <loop id=\"1000A\" name=\"Submitter\" usage=\"R\" repeat=\"1\" pos=\"0200\">\n"
    "  <seg id=\"NM1\" name=\"Submitter Name\" usage=\"R\" maxuse=\"1\" pos=\"0200\" syntax=\"P0809 C1110\""
    " key=\"NM101\" keyvals=\"41\">\n"
    "   <el ref=\"NM101\" name=\"Entity\" usage=\"R\" type=\"ID\" minlen=\"2\" maxlen=\"3\" codes=\"41\"/>\n"
    "   <el ref=\"NM102\" name=\"Type\" usage=\"R\" type=\"ID\" minlen=\"1\" maxlen=\"1\" codes=\"1 2\"/>\n"
    "   <el ref=\"NM103\" name=\"Last\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"60\"/>\n"
    "   <el ref=\"NM104\" name=\"First\" usage=\"S\" type=\"AN\" minlen=\"1\" maxlen=\"35\"/>\n"
    "   <el ref=\"NM105\" name=\"Middle\" usage=\"S\" type=\"AN\" minlen=\"1\" maxlen=\"25\" verified=\"false\"/>\n"
    "   <el ref=\"NM106\" name=\"Prefix\" usage=\"N\" type=\"AN\" minlen=\"1\" maxlen=\"10\"/>\n"
    "   <el ref=\"NM107\" name=\"Suffix\" usage=\"N\" type=\"AN\" minlen=\"1\" maxlen=\"10\"/>\n"
    "   <el ref=\"NM108\" name=\"Qualifier\" usage=\"R\" type=\"ID\" minlen=\"1\" maxlen=\"2\" codes=\"46 XX\"/>\n"
    "   <el ref=\"NM109\" name=\"Id\" usage=\"R\" type=\"AN\" minlen=\"2\" maxlen=\"80\" pattern=\"[0-9]{9}\"/>\n"
    "  </seg>\n"
    " </loop>\n",
    " <loop id=\"2000B\" name=\"Subscriber\" usage=\"R\" repeat=\"unbounded\" pos=\"0010\" hlparent=\"20\">\n"
    "  <seg id=\"HL\" name=\"Level\" usage=\"R\" maxuse=\"1\" pos=\"0010\">\n"
    "   <el ref=\"HL01\" name=\"Id\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"12\"/>\n"
    "   <el ref=\"HL02\" name=\"Parent\" usage=\"S\" type=\"AN\" minlen=\"1\" maxlen=\"12\"/>\n"
    "   <el ref=\"HL03\" name=\"Level code\" usage=\"R\" type=\"ID\" minlen=\"1\" maxlen=\"2\" codes=\"22\"/>\n"
    "  </seg>\n"
    "  <loop id=\"2300\" name=\"Claim\" usage=\"R\" repeat=\"100\" pos=\"1300\" verified=\"false\">\n"
    "   <seg id=\"CLM\" name=\"Claim\" usage=\"R\" maxuse=\"1\" pos=\"1300\">\n"
    "    <el ref=\"CLM01\" name=\"Claim id\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"38\"/>\n"
    "    <el ref=\"CLM02\" name=\"Charge\" usage=\"R\" type=\"R\" minlen=\"1\" maxlen=\"18\" frac=\"2\"/>\n"
    "    <el ref=\"CLM03\" name=\"Unused\" usage=\"N\" type=\"AN\" minlen=\"1\" maxlen=\"2\"/>\n"
    "    <el ref=\"CLM04\" name=\"Count\" usage=\"S\" type=\"N0\" minlen=\"1\" maxlen=\"4\" rep=\"2\"/>\n"
    "    <comp ref=\"CLM05\" name=\"Facility\" usage=\"R\">\n"
    "     <el ref=\"CLM05-01\" name=\"Place\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"2\" ext=\"pos\"/>\n"
    "     <el ref=\"CLM05-02\" name=\"Qualifier\" usage=\"R\" type=\"ID\" minlen=\"1\" maxlen=\"2\" codes=\"A B\"/>\n"
    "     <el ref=\"CLM05-03\" name=\"Frequency\" usage=\"R\" type=\"ID\" minlen=\"1\" maxlen=\"1\""
    " ext=\"claim_frequency\"/>\n"
    "    </comp>\n"
    "    <el ref=\"CLM06\" name=\"Date\" usage=\"S\" type=\"DT\" minlen=\"8\" maxlen=\"8\"/>\n"
    "    <el ref=\"CLM07\" name=\"Time\" usage=\"S\" type=\"TM\" minlen=\"4\" maxlen=\"8\"/>\n"
    "   </seg>\n"
    "   <seg id=\"REF\" name=\"Original\" usage=\"S\" maxuse=\"1\" pos=\"1800\" key=\"REF01\" keyvals=\"F8\">\n"
    "    <el ref=\"REF01\" name=\"Qualifier\" usage=\"R\" type=\"ID\" minlen=\"2\" maxlen=\"3\" codes=\"F8\"/>\n"
    "    <el ref=\"REF02\" name=\"Number\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"50\"/>\n"
    "   </seg>\n"
    "   <seg id=\"REF\" name=\"Prior auth\" usage=\"S\" maxuse=\"1\" pos=\"1800\" key=\"REF01\" keyvals=\"G1 9F\">\n"
    "    <el ref=\"REF01\" name=\"Qualifier\" usage=\"R\" type=\"ID\" minlen=\"2\" maxlen=\"3\" codes=\"G1 9F\"/>\n"
    "    <el ref=\"REF02\" name=\"Number\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"50\"/>\n"
    "   </seg>\n"
    "  </loop>\n"
    " </loop>\n",
    " <loop id=\"2000C\" name=\"Patient\" usage=\"S\" repeat=\"unbounded\" pos=\"0010\" hlparent=\"22\">\n"
    "  <seg id=\"HL\" name=\"Level\" usage=\"R\" maxuse=\"1\" pos=\"0010\">\n"
    "   <el ref=\"HL01\" name=\"Id\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"12\"/>\n"
    "   <el ref=\"HL02\" name=\"Parent\" usage=\"R\" type=\"AN\" minlen=\"1\" maxlen=\"12\"/>\n"
    "   <el ref=\"HL03\" name=\"Level code\" usage=\"R\" type=\"ID\" minlen=\"1\" maxlen=\"2\" codes=\"23\"/>\n"
    "  </seg>\n"
    "  <loopref ref=\"2300\" usage=\"R\" repeat=\"100\"/>\n"
    " </loop>\n"
    " <seg id=\"SE\" name=\"Trailer\" usage=\"R\" maxuse=\"1\" pos=\"5550\">\n"
    "  <el ref=\"SE01\" name=\"Count\" usage=\"R\" type=\"N0\" minlen=\"1\" maxlen=\"10\"/>\n"
    "  <el ref=\"SE02\" name=\"Control\" usage=\"R\" type=\"AN\" minlen=\"4\" maxlen=\"9\"/>\n"
    " </seg>\n"
    " <rules>\n"
    "  <rule id=\"oom.replacement-needs-f8\" snip=\"4\" severity=\"error\" scope=\"2300\" ik3=\"I6\""
    " msg=\"A replacement names the original.\">\n"
    "   <when seg=\"CLM\" el=\"CLM05-03\" op=\"in\" vals=\"7 8\"/>\n"
    "   <then seg=\"REF\" keyval=\"F8\" op=\"present\"/>\n"
    "  </rule>\n"
    "  <rule id=\"oom.date\" snip=\"1\" severity=\"warning\" scope=\"*\" seg=\"CLM\" ik4=\"8\""
    " msg=\"CLM06 is a date.\">\n"
    "   <when el=\"CLM06\" op=\"present\"/>\n"
    "   <then el=\"CLM06\" op=\"date\"/>\n"
    "  </rule>\n"
    " </rules>\n"
    "</guide>\n"};
static char g_small[8192]; /* the parts joined (ISO C strings stay under 4095 bytes) */
static size_t g_small_len;

/* An overlay for it that narrows each kind of thing (a pattern too). */
static const char SMALL_OVERLAY[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<overlay id=\"oom-overlay\" guide=\"X12KIT.OOM\" name=\"Allocation test overlay\">\n"
    " <segmod loop=\"2300\" seg=\"REF\" keyval=\"F8\" usage=\"R\"/>\n"
    " <elmod loop=\"1000A\" seg=\"NM1\" el=\"NM103\" maxlen=\"30\" minlen=\"2\"/>\n"
    " <elmod loop=\"1000A\" seg=\"NM1\" el=\"NM108\" codes=\"46\" pattern=\"4[0-9]\"/>\n"
    " <elmod loop=\"2300\" seg=\"CLM\" el=\"CLM05-01\" codes=\"11 21 22\"/>\n"
    " <loopmod loop=\"2300\" repeat=\"50\"/>\n"
    " <rules>\n"
    "  <rule id=\"oom.overlay-auth\" snip=\"7\" severity=\"warning\" scope=\"2300\" msg=\"Prior auth.\">\n"
    "   <when seg=\"CLM\" el=\"CLM05-01\" op=\"eq\" vals=\"21\"/>\n"
    "   <then seg=\"REF\" keyval=\"G1\" op=\"present\"/>\n"
    "  </rule>\n"
    " </rules>\n"
    "</overlay>\n";

static char g_dir[64];
static char g_guide_path[128], g_overlay_path[128];
static char *g_companion; /* fixtures/overlays/example-companion.xml */
static size_t g_companion_len;
static uint64_t g_ref_small, g_ref_overlaid, g_ref_companion, g_ref_builtin;
static const char *g_builtin_id = "005010X221A1";

static void spec_refs(void)
{
    x12_error err;
    x12_spec *s = x12_spec_load_memory(g_small, g_small_len, "small", &err);
    if (!s)
        fail_msg("small guide: %s %s", x12_status_name(err.code), err.detail);
    g_ref_small = spec_fingerprint(s);
    x12_spec_stats st;
    x12_spec_get_stats(s, &st);
    assert_int_equal(st.loops, 4);
    assert_int_equal(st.rules, 2);
    assert_int_equal(x12_spec_apply_overlay(s, g_overlay_path, &err), X12_OK);
    g_ref_overlaid = spec_fingerprint(s);
    assert_true(g_ref_overlaid != g_ref_small);
    x12_spec_free(s);
    s = x12_spec_load_overlaid_memory(g_companion, g_companion_len, "companion", &err);
    assert_non_null(s);
    g_ref_companion = spec_fingerprint(s);
    x12_spec_free(s);
    s = x12_spec_load_builtin(g_builtin_id, &err);
    assert_non_null(s);
    g_ref_builtin = spec_fingerprint(s);
    x12_spec_free(s);
}

/* The outcome of one spec load: NULL with X12_ERR_NOMEM, or the spec of the
 * run without failures. */
static void check_spec(x12_spec *s, const x12_error *err, uint64_t ref, long n)
{
    if (s) {
        if (spec_fingerprint(s) != ref)
            fail_msg("call %ld failed: the spec loaded without it", n);
        x12_spec_free(s);
    } else if (err->code != X12_ERR_NOMEM) {
        fail_msg("call %ld failed: %s (%s), not X12_ERR_NOMEM", n, x12_status_name(err->code),
                 err->detail);
    }
}

static void check_live(long before, long n)
{
    long now = live_now();
    if (now != before)
        fail_msg("call %ld failed: %ld blocks leaked", n, now - before);
}

static int attempt_spec_memory(long n)
{
    long before = live_now();
    x12_error err;
    arm(n);
    x12_spec *s = x12_spec_load_memory(g_small, g_small_len, "small", &err);
    disarm();
    int done = !G.hit;
    check_spec(s, &err, g_ref_small, n);
    check_live(before, n);
    return done;
}

static int attempt_spec_file(long n)
{
    long before = live_now();
    x12_error err;
    arm(n);
    x12_spec *s = x12_spec_load_file(g_guide_path, &err);
    disarm();
    int done = !G.hit;
    check_spec(s, &err, g_ref_small, n);
    check_live(before, n);
    return done;
}

static int attempt_apply_overlay(long n)
{
    long before = live_now();
    x12_error err;
    x12_spec *s = x12_spec_load_memory(g_small, g_small_len, "small", &err);
    assert_non_null(s);
    arm(n);
    x12_status st = x12_spec_apply_overlay(s, g_overlay_path, &err);
    disarm();
    int done = !G.hit;
    if (st == X12_OK) {
        if (spec_fingerprint(s) != g_ref_overlaid)
            fail_msg("call %ld failed: the overlay applied without it", n);
    } else if (st != X12_ERR_NOMEM || err.code != X12_ERR_NOMEM) {
        fail_msg("call %ld failed: %s / %s (%s), not X12_ERR_NOMEM", n, x12_status_name(st),
                 x12_status_name(err.code), err.detail);
    }
    /* after an error the spec may be partly changed (spec.h): freeing it is
     * all that is promised, and it must free everything */
    x12_spec_free(s);
    check_live(before, n);
    return done;
}

static int attempt_overlaid_file(long n)
{
    long before = live_now();
    x12_error err;
    arm(n);
    x12_spec *s = x12_spec_load_overlaid(g_overlay_path, &err);
    disarm();
    int done = !G.hit;
    /* the small overlay names a guide that is not built in */
    assert_null(s);
    if (err.code != X12_ERR_USAGE && err.code != X12_ERR_NOMEM)
        fail_msg("call %ld failed: %s (%s)", n, x12_status_name(err.code), err.detail);
    check_live(before, n);
    return done;
}

static int attempt_overlaid_memory(long n)
{
    long before = live_now();
    x12_error err;
    arm(n);
    x12_spec *s = x12_spec_load_overlaid_memory(g_companion, g_companion_len, "companion", &err);
    disarm();
    int done = !G.hit;
    check_spec(s, &err, g_ref_companion, n);
    check_live(before, n);
    return done;
}

static int attempt_builtin(long n)
{
    long before = live_now();
    x12_error err;
    arm(n);
    x12_spec *s = x12_spec_load_builtin(g_builtin_id, &err);
    disarm();
    int done = !G.hit;
    check_spec(s, &err, g_ref_builtin, n);
    check_live(before, n);
    return done;
}

static void test_spec_small(void **state)
{
    (void)state;
    sweep a = run_sweep("x12_spec_load_memory (small guide)", attempt_spec_memory, ALL);
    sweep b = run_sweep("x12_spec_load_file (small guide)", attempt_spec_file, ALL);
    sweep c = run_sweep("x12_spec_apply_overlay (small overlay)", attempt_apply_overlay, ALL);
    sweep d = run_sweep("x12_spec_load_overlaid (no such built-in)", attempt_overlaid_file, ALL);
    assert_true(a.total > 100 && b.total >= a.total && c.total > 20 && d.total > 5);
}

static void test_spec_builtin(void **state)
{
    (void)state;
    /* Tens of thousands of calls each: every N of the first 300 and the
     * last 300, every 251st between (the small guide above has every N). */
    run_sweep("x12_spec_load_builtin (005010X221A1)", attempt_builtin, 300, 251, 300);
    run_sweep("x12_spec_load_overlaid_memory (example-companion, 837P)", attempt_overlaid_memory, 300,
              251, 300);
}

/* --- the ledger ----------------------------------------------------------------- */

#define RECON X12KIT_SOURCE_DIR "/fixtures/reconcile"
static const char *const CLAIMS_837 = RECON "/claims-1.837";
static const char *const ERA_835 = RECON "/era-1.835";

/* The ledger's content as text: row counts of every table, what matching
 * set, and the report as of a fixed day (one line per row). */
typedef struct text {
    char p[16384];
    size_t len;
} text;

static void tx_add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(t->p + t->len, sizeof t->p - t->len, fmt, ap);
    va_end(ap);
    assert_true(w >= 0 && (size_t)w < sizeof t->p - t->len);
    t->len += (size_t)w;
}

static void row_text(text *t, const x12_recon_row *r)
{
    tx_add(t, "%s|%s|%lld|%lld|%lld|%lld|", r->claim_id, x12_recon_status_name(r->status),
           (long long)r->billed, (long long)r->allowed, (long long)r->paid,
           (long long)r->patient_responsibility);
    for (int i = 0; i < 5; i++)
        tx_add(t, "%lld,", (long long)r->adjustments[i]);
    tx_add(t, "|%s|%s|%d|%s|%s|%s|%s|%s|%s|%u|%u|%u\n", r->adjustment_detail, r->remark_codes,
           (int)r->age_days, r->payer_id, r->payer_claim_number, r->frequency, r->submitted_date,
           r->last_payment_date, r->trace_numbers, (unsigned)r->remits, (unsigned)r->lines,
           (unsigned)r->lines_matched);
}

static int collect_row(void *ctx, const x12_recon_row *r)
{
    int was = pause_alloc();
    row_text(ctx, r);
    resume_alloc(was);
    return 0;
}

static const char AS_OF[] = "2026-11-30";

static void ledger_text(x12_ledger *l, text *t)
{
    static const char *const Q[] = {
        "SELECT COUNT(*) FROM files", "SELECT COUNT(*) FROM submissions", "SELECT COUNT(*) FROM claims",
        "SELECT COUNT(*) FROM claim_lines", "SELECT COUNT(*) FROM payments",
        "SELECT COUNT(*) FROM remit_claims", "SELECT COUNT(*) FROM remit_lines",
        "SELECT COUNT(*) FROM adjustments", "SELECT COUNT(*) FROM remarks", "SELECT COUNT(*) FROM plb",
        "SELECT COUNT(*) FROM remit_claims WHERE claim_ref IS NOT NULL",
        "SELECT COUNT(*) FROM remit_lines WHERE claim_line_ref IS NOT NULL",
        "SELECT COUNT(*) FROM remit_claims r JOIN remit_lines x ON x.remit_claim = r.id"};
    t->len = 0;
    t->p[0] = '\0';
    assert_int_equal(sqlite3_get_autocommit(l->db), 1); /* no transaction left open */
    for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
        sqlite3_stmt *s = NULL;
        assert_int_equal(sqlite3_prepare_v2(l->db, Q[i], -1, &s, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        tx_add(t, "%lld ", (long long)sqlite3_column_int64(s, 0));
        sqlite3_finalize(s);
    }
    tx_add(t, "\n");
    x12_error err;
    x12_recon_totals tot;
    assert_int_equal(x12_ledger_report(l, AS_OF, collect_row, t, &tot, &err), X12_OK);
    tx_add(t, "%llu %lld %lld %d\n", (unsigned long long)tot.rows, (long long)tot.paid,
           (long long)tot.plb_total, tot.ties_out);
}

static x12_ledger *open_ledger(void)
{
    x12_ledger *l = NULL;
    x12_error err;
    assert_int_equal(x12_ledger_open(":memory:", &l, &err), X12_OK);
    return l;
}

/* era-1.835 has a line break after each segment: read it as the command does. */
static const x12_reader_options *lenient(void)
{
    static x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    return &o;
}

static void ingest(x12_ledger *l, int claims, int remits, int match)
{
    x12_error err;
    if (claims)
        assert_int_equal(x12_ledger_ingest_claims(l, CLAIMS_837, NULL, NULL, NULL, NULL, &err), X12_OK);
    if (remits)
        assert_int_equal(x12_ledger_ingest_remits(l, ERA_835, lenient(), NULL, NULL, NULL, &err), X12_OK);
    if (match)
        assert_int_equal(x12_ledger_match(l, NULL, &err), X12_OK);
}

/* Reference states, and ledgers in those states to copy from: empty, after
 * the 837, after the 835 (its payments matched as they arrive), matched;
 * then the other order, where x12_ledger_match() does the matching: after
 * the 835 alone, after the 835 and the 837, matched. */
#define NSTATES 7
static text g_state[NSTATES];
static x12_ledger *g_tmpl[NSTATES];

static void ledger_refs(void)
{
    for (int i = 0; i < NSTATES; i++) {
        g_tmpl[i] = open_ledger();
        if (i < 4) {
            ingest(g_tmpl[i], i >= 1, i >= 2, i >= 3);
        } else {
            ingest(g_tmpl[i], 0, 1, 0);
            ingest(g_tmpl[i], i >= 5, 0, i >= 6);
        }
        ledger_text(g_tmpl[i], &g_state[i]);
    }
    /* the fixtures fill every table and match, as they are ingested or after */
    assert_non_null(strstr(g_state[2].p, "RC-PAID-1|paid|"));
    assert_true(strcmp(g_state[5].p, g_state[6].p) != 0);
    assert_null(strstr(g_state[5].p, "RC-PAID-1|paid|"));
    assert_non_null(strstr(g_state[6].p, "RC-PAID-1|paid|"));
}

/* A new ledger holding what state `i` holds (a copy: ingesting each time
 * would make the sweeps too slow). */
static int g_on_file; /* ledger_at() makes a WAL file, not :memory: */

static void ledger_path(char *out, size_t cap, const char *suffix)
{
    snprintf(out, cap, "%s/step.sqlite%s", g_dir, suffix);
}

static void remove_ledger_file(void)
{
    char p[192];
    static const char *const SUFFIX[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        ledger_path(p, sizeof p, SUFFIX[i]);
        unlink(p);
    }
}

static x12_ledger *ledger_at(int i)
{
    x12_ledger *l = NULL;
    if (g_on_file) {
        char p[192];
        x12_error err;
        remove_ledger_file();
        ledger_path(p, sizeof p, "");
        assert_int_equal(x12_ledger_open(p, &l, &err), X12_OK);
    } else {
        l = open_ledger();
    }
    sqlite3_backup *b = sqlite3_backup_init(l->db, "main", g_tmpl[i]->db, "main");
    assert_non_null(b);
    assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
    assert_int_equal(sqlite3_backup_finish(b), SQLITE_OK);
    return l;
}

static void check_state(x12_ledger *l, const text *want, long n, const char *when)
{
    text *t = malloc(sizeof *t);
    assert_non_null(t);
    ledger_text(l, t);
    if (strcmp(t->p, want->p) != 0)
        fail_msg("call %ld failed: %s the ledger holds\n%s\nnot\n%s", n, when, t->p, want->p);
    free(t);
}

static void check_status(x12_status st, const x12_error *err, long n)
{
    if (st != X12_ERR_NOMEM || err->code != X12_ERR_NOMEM)
        fail_msg("call %ld failed: %s / %s (%s), not X12_ERR_NOMEM", n, x12_status_name(st),
                 x12_status_name(err->code), err->detail);
}

static int attempt_open(long n)
{
    long before = live_now();
    x12_ledger *l = NULL;
    x12_error err;
    arm(n);
    x12_status st = x12_ledger_open(":memory:", &l, &err);
    disarm();
    int done = !G.hit;
    if (st == X12_OK) {
        assert_int_equal(x12_ledger_schema_version(l), X12_LEDGER_SCHEMA_VERSION);
        check_state(l, &g_state[0], n, "after open");
        ingest(l, 1, 1, 1);
        check_state(l, &g_state[3], n, "after open and ingest");
        x12_ledger_close(l);
    } else {
        check_status(st, &err, n);
        assert_null(l);
    }
    check_live(before, n);
    return done;
}

/* The 835 through the caller's own remit reader into a feed. */
static int f_pay(void *ctx, const x12_remit_payment *p) { return x12_ledger_feed_payment(ctx, p); }
static int f_remit(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                   const x12_remit_context *cx)
{
    (void)cx;
    return x12_ledger_feed_remit(ctx, p, c);
}
static int f_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    return x12_ledger_feed_plb(ctx, p, e);
}
static void f_finding(void *ctx, const x12_finding *fd) { x12_ledger_feed_finding(ctx, fd); }

/* era-1.835 through the caller's remit reader into feed `f`: the read's status. */
static x12_status read_era_into(x12_ledger_feed *f)
{
    x12_remit_callbacks cb = {f_pay, f_remit, f_plb, NULL, f_finding};
    x12_error rerr;
    return x12_remit_read_file(ERA_835, lenient(), &cb, f, 0, &rerr);
}

static x12_status feed_remits(x12_ledger *l, x12_error *err)
{
    x12_ledger_feed *f;
    x12_status st = x12_ledger_feed_new(l, X12_LEDGER_FEED_REMITS, ERA_835, &f, err);
    if (st != X12_OK)
        return st;
    return x12_ledger_feed_end(f, read_era_into(f), NULL, err);
}

/* The 835 spooled through the caller's remit reader, then applied. */
static x12_status spool_remits(x12_ledger *l, x12_error *err)
{
    x12_ledger_feed *f;
    x12_status st = x12_ledger_spool_new(X12_LEDGER_FEED_REMITS, ERA_835, &f, err);
    if (st != X12_OK)
        return st;
    st = x12_ledger_spool_apply(l, f, read_era_into(f), NULL, err);
    x12_ledger_feed_end(f, X12_OK, NULL, NULL);
    return st;
}

/* One step (0 the 837, 1 the 835, 2 matching, 3 the 835 fed, 4 spooled) on a ledger
 * holding what the steps before it add (matching: the 835 ingested before
 * the 837, so that nothing was matched as it arrived; the feed gives what
 * the ingest of step 1 gives). */
static int attempt_step(long n, int step)
{
    long before = live_now();
    int from = step == 2 ? 5 : step >= 3 ? 1 : step, to = step == 2 ? 6 : step >= 3 ? 2 : step + 1;
    x12_ledger *l = ledger_at(from);
    x12_error err;
    x12_ledger_ingest_stats stats;
    x12_status st;
    arm(n);
    if (step == 0)
        st = x12_ledger_ingest_claims(l, CLAIMS_837, NULL, NULL, NULL, &stats, &err);
    else if (step == 1)
        st = x12_ledger_ingest_remits(l, ERA_835, lenient(), NULL, NULL, &stats, &err);
    else if (step == 2)
        st = x12_ledger_match(l, NULL, &err);
    else if (step == 3)
        st = feed_remits(l, &err);
    else
        st = spool_remits(l, &err);
    disarm();
    int done = !G.hit;
    if (st == X12_OK) {
        check_state(l, &g_state[to], n, "after the step");
    } else {
        check_status(st, &err, n);
        check_state(l, &g_state[from], n, "after the failed step");
        /* the step again, without failures, does all of it */
        ingest(l, step == 0, step == 1 || step >= 3, step == 2);
        check_state(l, &g_state[to], n, "after the step again");
    }
    x12_ledger_close(l);
    if (g_on_file)
        remove_ledger_file();
    check_live(before, n);
    return done;
}

static int attempt_claims(long n) { return attempt_step(n, 0); }
static int attempt_remits(long n) { return attempt_step(n, 1); }
static int attempt_match(long n) { return attempt_step(n, 2); }
static int attempt_feed(long n) { return attempt_step(n, 3); }
static int attempt_spool(long n) { return attempt_step(n, 4); }

static int attempt_report(long n)
{
    long before = live_now();
    x12_ledger *l = ledger_at(3);
    text *t = malloc(sizeof *t);
    assert_non_null(t);
    t->len = 0;
    t->p[0] = '\0';
    x12_error err;
    x12_recon_totals tot;
    arm(n);
    x12_status st = x12_ledger_report(l, AS_OF, collect_row, t, &tot, &err);
    disarm();
    int done = !G.hit;
    /* the rows before the report, of the reference state */
    const char *ref_rows = strchr(g_state[3].p, '\n') + 1;
    if (st == X12_OK) {
        tx_add(t, "%llu %lld %lld %d\n", (unsigned long long)tot.rows, (long long)tot.paid,
               (long long)tot.plb_total, tot.ties_out);
        if (strcmp(t->p, ref_rows) != 0)
            fail_msg("call %ld failed: the report reads\n%s", n, t->p);
    } else {
        check_status(st, &err, n);
        /* rows handed out before the failure are whole and right */
        if (strncmp(t->p, ref_rows, t->len) != 0 || (t->len && t->p[t->len - 1] != '\n'))
            fail_msg("call %ld failed: rows before the error\n%s", n, t->p);
    }
    check_state(l, &g_state[3], n, "after the report");
    free(t);
    x12_ledger_close(l);
    check_live(before, n);
    return done;
}

static void test_ledger_open(void **state)
{
    (void)state;
    run_sweep("x12_ledger_open (:memory:)", attempt_open, ALL);
}

/* Allocating calls of loading a built-in guide. */
static long guide_calls(const char *id)
{
    x12_error err;
    arm(0);
    x12_spec *s = x12_spec_load_builtin(id, &err);
    disarm();
    assert_non_null(s);
    x12_spec_free(s);
    return G.calls;
}

/* The reader loads the guide at the first ST (test_spec_builtin covers
 * that): every N of the first 200 calls and of all after the guide's load,
 * every 401st inside it. */
/* A ledger file: WAL, the migration committed on disk.  After a failed
 * open the file must open without failures into an empty ledger. */
static int attempt_open_file(long n)
{
    char path[160], side[176];
    snprintf(path, sizeof path, "%s/ledger.sqlite", g_dir);
    long before = live_now();
    x12_ledger *l = NULL;
    x12_error err;
    arm(n);
    x12_status st = x12_ledger_open(path, &l, &err);
    disarm();
    int done = !G.hit;
    if (st == X12_OK)
        x12_ledger_close(l);
    else
        check_status(st, &err, n);
    assert_int_equal(x12_ledger_open(path, &l, &err), X12_OK);
    check_state(l, &g_state[0], n, "opened again after the failed open");
    x12_ledger_close(l);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    check_live(before, n);
    return done;
}

static void test_ledger_open_file(void **state)
{
    (void)state;
    /* each run writes and syncs a file: every N of the first and last 400
     * calls, every 13th between (the in-memory open above has every N) */
    run_sweep("x12_ledger_open (a new file)", attempt_open_file, 400, 13, 400);
}

static void test_ledger_ingest_claims(void **state)
{
    (void)state;
    run_sweep("x12_ledger_ingest_claims (claims-1.837)", attempt_claims, 200, 401,
              -guide_calls("005010X222A1"));
}

static void test_ledger_ingest_remits(void **state)
{
    (void)state;
    run_sweep("x12_ledger_ingest_remits (era-1.835)", attempt_remits, 200, 401,
              -guide_calls("005010X221A1"));
}

/* The same on a ledger file (WAL, the rollback on disk).  Each run writes
 * and syncs files: every N of the first 100 calls, then every 3rd after
 * the guide's load. */
static void test_ledger_ingest_remits_file(void **state)
{
    (void)state;
    long guide = guide_calls("005010X221A1");
    g_on_file = 1;
    assert_true(attempt_remits(0));
    long total = G.calls, runs = 0;
    for (long n = 1; n <= total + 1; n = n < 100 ? n + 1 : n < guide ? guide : n + 3) {
        runs++;
        if (attempt_remits(n))
            break;
    }
    g_on_file = 0;
    printf("x12_ledger_ingest_remits (era-1.835, ledger file): %ld allocating calls, %ld runs with a "
           "failure\n", total, runs);
}

static void test_ledger_feed(void **state)
{
    (void)state;
    run_sweep("x12_ledger_feed_* (era-1.835 through the caller's remit reader)", attempt_feed, 200, 401,
              -guide_calls("005010X221A1"));
}

static void test_ledger_spool(void **state)
{
    (void)state;
    run_sweep("x12_ledger_spool_* (era-1.835 spooled, then applied)", attempt_spool, 200, 401,
              -guide_calls("005010X221A1"));
}

static void test_ledger_match(void **state)
{
    (void)state;
    run_sweep("x12_ledger_match", attempt_match, ALL);
}

static void test_ledger_report(void **state)
{
    (void)state;
    run_sweep("x12_ledger_report", attempt_report, ALL);
}

/* --- claims JSON with the default allocator ------------------------------------- */

#define CLAIMS_JSON X12KIT_SOURCE_DIR "/fixtures/reconcile/claims-1.ndjson"
static char g_claim_ids[4096];

/* Reads every claim; returns X12_OK, or the fatal status.  The claim ids
 * go to `ids`. */
static x12_status read_claims(char *ids, size_t cap)
{
    x12_error e;
    ids[0] = '\0';
    x12_claims_json_reader *r = x12_claims_json_open(CLAIMS_JSON, NULL, &e);
    if (!r)
        return e.code;
    x12_arena *a = x12_arena_new(NULL);
    x12_status st = a ? X12_OK : X12_ERR_NOMEM;
    while (st == X12_OK) {
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        st = x12_claims_json_next(r, a, &it, &je);
        if (st != X12_OK || !it.claim)
            break;
        size_t n = strlen(ids);
        snprintf(ids + n, cap - n, "%s ", it.claim->claim_id);
    }
    x12_arena_free(a);
    x12_claims_json_free(r);
    return st;
}

static int attempt_claims_json(long n)
{
    long before = live_now();
    char ids[sizeof g_claim_ids];
    arm(n);
    x12_status st = read_claims(ids, sizeof ids);
    disarm();
    int done = !G.hit;
    if (st == X12_OK) {
        if (strcmp(ids, g_claim_ids) != 0)
            fail_msg("call %ld failed: read %s", n, ids);
    } else if (st != X12_ERR_NOMEM) {
        fail_msg("call %ld failed: %s, not X12_ERR_NOMEM", n, x12_status_name(st));
    }
    check_live(before, n);
    return done;
}

static void test_claims_json_default_alloc(void **state)
{
    (void)state;
    assert_int_equal(read_claims(g_claim_ids, sizeof g_claim_ids), X12_OK);
    assert_true(strlen(g_claim_ids) > 2);
    run_sweep("x12_claims_json_open/next (claims-1.ndjson, default allocator)", attempt_claims_json, ALL);
}

/* --- the interposer itself ---------------------------------------------------- */

static void test_interposer(void **state)
{
    (void)state;
    /* the failure reaches the libraries: libxml2, SQLite */
    arm(1);
    xmlDoc *d = xmlReadMemory("<a/>", 4, "t", NULL, XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    disarm();
    assert_true(G.hit);
    xmlFreeDoc(d);
    long before = G.live;
    arm(0);
    sqlite3 *db = NULL;
    int rc = sqlite3_open(":memory:", &db);
    disarm();
    assert_int_equal(rc, SQLITE_OK);
    assert_true(G.calls > 0);
    assert_true(G.live > before);
    sqlite3_close(db);
    assert_int_equal(G.live, before);
}

/* libxml2 prints what it cannot allocate on its generic channel even with
 * XML_PARSE_NOERROR: thousands of lines here. */
static void quiet(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

static int setup(void **state)
{
    (void)state;
    /* one-time global state, before anything is armed */
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet);
    if (sqlite3_initialize() != SQLITE_OK)
        return -1;
    (void)x12_spec_builtin_ids();
    for (size_t i = 0; i < sizeof SMALL_GUIDE_PARTS / sizeof SMALL_GUIDE_PARTS[0]; i++) {
        size_t k = strlen(SMALL_GUIDE_PARTS[i]);
        if (g_small_len + k >= sizeof g_small)
            return -1;
        memcpy(g_small + g_small_len, SMALL_GUIDE_PARTS[i], k);
        g_small_len += k;
    }
    snprintf(g_dir, sizeof g_dir, "/tmp/x12-oom-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_guide_path, sizeof g_guide_path, "%s/guide.xml", g_dir);
    snprintf(g_overlay_path, sizeof g_overlay_path, "%s/overlay.xml", g_dir);
    if (write_file(g_guide_path, g_small, g_small_len) ||
        write_file(g_overlay_path, SMALL_OVERLAY, sizeof SMALL_OVERLAY - 1))
        return -1;
    g_companion = read_file(X12KIT_SOURCE_DIR "/fixtures/overlays/example-companion.xml", &g_companion_len);
    if (!g_companion)
        return -1;
    spec_refs();
    ledger_refs();
    /* a first run of each of the rest without failures warms what is set
     * up once (SQLite's VFS, libxml2's dictionary seed) */
    char ids[sizeof g_claim_ids];
    (void)read_claims(ids, sizeof ids);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(g_guide_path);
    unlink(g_overlay_path);
    rmdir(g_dir);
    free(g_companion);
    for (int i = 0; i < NSTATES; i++)
        x12_ledger_close(g_tmpl[i]);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interposer),
        cmocka_unit_test(test_spec_small),
        cmocka_unit_test(test_spec_builtin),
        cmocka_unit_test(test_ledger_open),
        cmocka_unit_test(test_ledger_open_file),
        cmocka_unit_test(test_ledger_ingest_claims),
        cmocka_unit_test(test_ledger_ingest_remits),
        cmocka_unit_test(test_ledger_ingest_remits_file),
        cmocka_unit_test(test_ledger_feed),
        cmocka_unit_test(test_ledger_spool),
        cmocka_unit_test(test_ledger_match),
        cmocka_unit_test(test_ledger_report),
        cmocka_unit_test(test_claims_json_default_alloc),
    };
    if (getenv("OOM_TEST_FILTER")) /* one test: OOM_TEST_FILTER=test_ledger_match */
        cmocka_set_test_filter(getenv("OOM_TEST_FILTER"));
    return cmocka_run_group_tests(tests, setup, teardown);
}
