/* Loads implementation-guide specs (docs/specs.md) with libxml2 into the
 * compact model of spec_model.h: loops, segments, elements with their types,
 * lengths and sorted code lists.  The built-in guides are the files of specs/
 * embedded at build time by tools/embed.c.  Rules and overlays are read by
 * later stages; the loader only counts rules. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "pattern.h"
#include "rules.h"
#include "spec_model.h"
#include "x12/spec.h"

struct x12__embedded_file {
    const char *name;
    const unsigned char *data;
    size_t size;
};
extern const struct x12__embedded_file x12__embedded[];

/* --- arena ----------------------------------------------------------------- */

typedef struct block {
    struct block *next;
    size_t used, cap;
    max_align_t data[];
} block;

typedef struct loader {
    int unverified; /* depth of enclosing nodes marked verified="false" */
    block *blocks;
    const char *name;
    x12_error *err;
    int failed;
    x12_status code; /* of the first failure */
    x12_spec *spec;
} loader;

static void *arena_alloc(loader *L, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    block *b = L->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = L->blocks;
        b->used = 0;
        b->cap = cap;
        L->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static void arena_free(block *b)
{
    while (b) {
        block *n = b->next;
        free(b);
        b = n;
    }
}

/* The first failure is kept; its message is cut to fit on purpose (out of
 * line, so that the compiler does not warn of the cut at each call). */
__attribute__((cold, noinline)) static void fail(loader *L, x12_status code, const xmlNode *at,
                                                const char *fmt, const char *arg)
{
    if (L->failed)
        return;
    L->failed = 1;
    L->code = code;
    if (!L->err)
        return;
    memset(L->err, 0, sizeof *L->err);
    L->err->code = code;
    L->err->msg = x12_status_message(code);
    L->err->byte_offset = at ? (uint64_t)xmlGetLineNo(at) : 0;
    /* byte_offset holds the XML line; detail names the file and the problem */
    char what[64];
    snprintf(what, sizeof what, fmt, arg ? arg : "");
    snprintf(L->err->detail, sizeof L->err->detail, "%.30s: %.60s", L->name, what);
}

/* XML handed to libxml2 through a read callback. */
typedef struct mem_in {
    const char *p;
    size_t left;
} mem_in;

static int mem_read(void *ctx, char *buf, int len)
{
    mem_in *m = ctx;
    size_t n = len > 0 ? (size_t)len : 0;
    if (n > m->left)
        n = m->left;
    memcpy(buf, m->p, n);
    m->p += n;
    m->left -= n;
    return (int)n;
}

/* One parse with libxml2; *nomem set when it reported running out of
 * memory (it then stops, and may still hand out the tree built so far,
 * which is dropped). */
static xmlDoc *parse_xml(xmlParserCtxt *ctxt, const void *xml, size_t len, const char *name,
                         int *nomem)
{
    /* Some allocation failures (the input buffer) are reported only in
     * the thread's last error, not in the context. */
    xmlResetLastError();
    /* Read through a callback, not xmlCtxtReadMemory(): libxml2 2.9's
     * xmlParserInputBufferCreateMem() leaks its buffer when it cannot copy
     * the input (and the copy of a whole guide is not needed). */
    mem_in m = {xml, len};
    xmlDoc *doc = xmlCtxtReadIO(ctxt, mem_read, NULL, &m, name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    const xmlError *last = xmlGetLastError();
    *nomem = ctxt->errNo == XML_ERR_NO_MEMORY || ctxt->lastError.code == XML_ERR_NO_MEMORY ||
             (last && last->code == XML_ERR_NO_MEMORY) ||
             (!doc && ctxt->errNo == XML_ERR_OK && ctxt->lastError.code == XML_ERR_OK);
    if (*nomem) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

/* Parses `len` bytes of XML.  NULL when it cannot: *why is X12_ERR_NOMEM
 * when libxml2 ran out of memory, else X12_ERR_SPEC with *line the XML
 * line of the error. */
static xmlDoc *read_xml(const void *xml, size_t len, const char *name, x12_status *why,
                        uint64_t *line)
{
    *why = X12_ERR_NOMEM;
    *line = 0;
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return NULL;
    int nomem;
    xmlDoc *doc = parse_xml(ctxt, xml, len, name, &nomem);
    if (!doc && !nomem) {
        /* libxml2 2.9 reports some allocation failures inside the parser
         * as syntax errors ("Extra content at the end of the document"): a
         * second parse tells a passing memory shortage from broken XML
         * (only broken XML pays for it) */
        doc = parse_xml(ctxt, xml, len, name, &nomem);
        if (!doc && !nomem) {
            *why = X12_ERR_SPEC;
            *line = ctxt->lastError.line > 0 ? (uint64_t)ctxt->lastError.line : 0;
        }
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* A whole file into a malloc()ed buffer (*buf NULL for an empty file).
 * X12_ERR_IO when it cannot be opened or read, X12_ERR_NOMEM. */
static x12_status read_whole(const char *path, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOMEM ? X12_ERR_NOMEM : X12_ERR_IO;
    size_t cap = 0, n;
    char tmp[65536];
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (*len + n > cap) {
            cap = (*len + n) * 2;
            char *nb = realloc(*buf, cap);
            if (!nb) {
                free(*buf);
                *buf = NULL;
                fclose(f);
                return X12_ERR_NOMEM;
            }
            *buf = nb;
        }
        memcpy(*buf + *len, tmp, n);
        *len += n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(*buf);
        *buf = NULL;
        return X12_ERR_IO;
    }
    return X12_OK;
}

static char *dup_str(loader *L, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = arena_alloc(L, n);
    if (!d) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    memcpy(d, s, n);
    return d;
}

/* xmlGetProp(), telling an absent attribute from one libxml2 could not
 * copy: that fails the load with X12_ERR_NOMEM.  Free with xmlFree(). */
static xmlChar *get_prop(loader *L, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v && xmlHasProp(n, (const xmlChar *)name))
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
    return v;
}

/* An attribute copied into the arena, or NULL when absent. */
static char *attr(loader *L, const xmlNode *n, const char *name)
{
    xmlChar *v = get_prop(L, n, name);
    if (!v)
        return NULL;
    char *d = dup_str(L, (const char *)v);
    xmlFree(v);
    return d;
}

static long num_attr(loader *L, const xmlNode *n, const char *name, long dflt)
{
    xmlChar *v = get_prop(L, n, name);
    if (!v)
        return dflt;
    long r;
    if (strcmp((const char *)v, "unbounded") == 0) {
        r = (long)SPEC_UNBOUNDED;
    } else {
        char *end;
        r = strtol((const char *)v, &end, 10);
        if (*end || r < 0) {
            fail(L, X12_ERR_SPEC, n, "attribute '%s' is not a number", name);
            r = dflt;
        }
    }
    xmlFree(v);
    return r;
}

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "A B C" into a sorted array of strings in the arena. */
static const char *const *split_list(loader *L, const xmlNode *n, const char *name, uint32_t *count)
{
    *count = 0;
    char *v = attr(L, n, name);
    if (!v)
        return NULL;
    uint32_t k = 0;
    for (char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        k++;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
    }
    const char **out = arena_alloc(L, (k ? k : 1) * sizeof *out);
    if (!out) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    k = 0;
    for (char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            *p++ = '\0';
        if (!*p)
            break;
        out[k++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
            /* "_" stands for a space inside a value ("SITUATIONAL_TRIGGER") */
            if (*p == '_')
                *p = ' ';
            p++;
        }
    }
    qsort(out, k, sizeof *out, cmp_str);
    *count = k;
    return out;
}

/* Packed keys of a sorted code list, or NULL when a code is longer than 8
 * bytes.  Codes are sorted by strcmp, which orders packed keys the same way. */
static const uint64_t *pack_keys(loader *L, const char *const *codes, uint32_t n)
{
    if (!codes)
        return NULL;
    uint64_t *k = arena_alloc(L, (n ? n : 1) * sizeof *k);
    if (!k) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(codes[i]);
        if (len == 0 || len > 8)
            return NULL;
        k[i] = spec_codekey(codes[i], len);
    }
    return k;
}

int spec_codes_has(const char *const *codes, uint32_t n, const char *v, size_t vlen)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        /* by length, not strncmp: the value may hold a NUL byte */
        size_t clen = strlen(codes[mid]);
        int c = memcmp(codes[mid], v, clen < vlen ? clen : vlen);
        if (c == 0)
            c = clen < vlen ? -1 : clen > vlen;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* "CLM05-03" -> pos 5, comp 3; "NM101" -> pos 1, comp 0. */
static int parse_ref(const char *ref, const char *seg_id, uint16_t *pos, uint16_t *comp)
{
    size_t n = strlen(seg_id);
    if (!ref || strncmp(ref, seg_id, n) != 0)
        return -1;
    const char *p = ref + n;
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    *pos = (uint16_t)((p[0] - '0') * 10 + (p[1] - '0'));
    *comp = 0;
    if (p[2] == '-') {
        if (p[3] < '0' || p[3] > '9' || p[4] < '0' || p[4] > '9' || p[5])
            return -1;
        *comp = (uint16_t)((p[3] - '0') * 10 + (p[4] - '0'));
    } else if (p[2]) {
        return -1;
    }
    return 0;
}

static char usage_attr(loader *L, const xmlNode *n)
{
    xmlChar *v = get_prop(L, n, "usage");
    char u = v && (v[0] == 'R' || v[0] == 'S' || v[0] == 'N') && !v[1] ? (char)v[0] : 0;
    if (!u)
        fail(L, X12_ERR_SPEC, n, "usage must be R, S or N%s", "");
    xmlFree(v);
    return u;
}

static void *pattern_arena(void *ctx, size_t n)
{
    return arena_alloc(ctx, n);
}

/* Compiles `pat`, a whole-value pattern (parsers/pattern.c: our own
 * matcher, in the arena, linear in the value); NULL, and the loader failed,
 * when it is not one. */
static pattern *compile_pattern(loader *L, const xmlNode *n, const char *pat)
{
    char why[120];
    pattern *pt;
    int rc = pattern_compile(pat, pattern_arena, L, &pt, why, sizeof why);
    if (rc == PATTERN_NOMEM) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    if (rc != PATTERN_OK) {
        if (L->failed)
            return NULL;
        fail(L, X12_ERR_SPEC, n, "pattern '%s' is not a valid regular expression", pat);
        /* fail() keeps 60 bytes of the problem, too few for where and why:
         * the detail is spelled out here, the pattern shortened when long */
        if (L->err) {
            size_t plen = strlen(pat);
            char d[256];
            snprintf(d, sizeof d, "%.16s: pattern '%.*s%s' %s", L->name, plen > 20 ? 17 : (int)plen,
                     pat, plen > 20 ? "..." : "", why);
            snprintf(L->err->detail, sizeof L->err->detail, "%.*s", (int)sizeof L->err->detail - 1, d);
        }
        return NULL;
    }
    return pt;
}

/* The element's pattern= */
static void set_pattern(loader *L, const xmlNode *n, spec_el *e, const char *pat)
{
    if (!pat)
        return;
    pattern *pt = compile_pattern(L, n, pat);
    if (!pt)
        return;
    e->pattern = pat;
    e->re = pt;
}

int spec_el_pattern_ok(const spec_el *e, const char *v, size_t n)
{
    return !e->re || pattern_match(e->re, v, n);
}

static void load_el(loader *L, const xmlNode *n, const char *seg_id, spec_el *e)
{
    e->ref = attr(L, n, "ref");
    e->name = attr(L, n, "name");
    e->de = attr(L, n, "de");
    e->usage = usage_attr(L, n);
    if (parse_ref(e->ref, seg_id, &e->pos, &e->comp) < 0) {
        fail(L, X12_ERR_SPEC, n, "element ref '%s' does not name this segment", e->ref);
        return;
    }
    /* an <el> holds notes on where it departs from a reference, nothing
     * else: components inside one were ignored, the element taken as simple
     * (a composite is a <comp> holding <el>s) */
    for (const xmlNode *x = n->children; x; x = x->next)
        if (x->type == XML_ELEMENT_NODE && !is(x, "deviation")) {
            fail(L, X12_ERR_SPEC, x, "<%s> inside <el>: a composite is <comp> with <el>s",
                 (const char *)x->name);
            return;
        }
    char *t = attr(L, n, "type");
    e->frac = 255;
    if (t) {
        if (!strcmp(t, "AN"))
            e->type = T_AN;
        else if (!strcmp(t, "ID"))
            e->type = T_ID;
        else if (!strcmp(t, "DT"))
            e->type = T_DT;
        else if (!strcmp(t, "TM"))
            e->type = T_TM;
        else if (!strcmp(t, "R"))
            e->type = T_R;
        else if (t[0] == 'N' && t[1] >= '0' && t[1] <= '9' && !t[2]) {
            e->type = T_N;
            e->ndec = (uint8_t)(t[1] - '0');
        } else
            fail(L, X12_ERR_SPEC, n, "unknown data type '%s'", t);
    }
    e->minlen = (uint16_t)num_attr(L, n, "minlen", 0);
    e->maxlen = (uint16_t)num_attr(L, n, "maxlen", 0);
    e->frac = (uint8_t)num_attr(L, n, "frac", 255);
    e->rep = (uint16_t)num_attr(L, n, "rep", 1);
    e->codes = split_list(L, n, "codes", &e->ncodes);
    e->ckeys = pack_keys(L, e->codes, e->ncodes);
    e->ext = attr(L, n, "ext");
    set_pattern(L, n, e, attr(L, n, "pattern"));
    char *v = attr(L, n, "verified");
    /* verified="false" on the element or any enclosing segment or loop */
    e->verified = !(v && !strcmp(v, "false")) && !L->unverified;
    L->spec->stats.elements++;
}

static uint32_t count_children(const xmlNode *n, const char *a, const char *b, const char *c)
{
    uint32_t k = 0;
    for (const xmlNode *x = n->children; x; x = x->next)
        if (is(x, a) || (b && is(x, b)) || (c && is(x, c)))
            k++;
    return k;
}

static const char *const *syntax_list(loader *L, const xmlNode *n, uint32_t *count)
{
    return split_list(L, n, "syntax", count);
}

static spec_syntax *parse_syntax(loader *L, const xmlNode *n, uint16_t *nout)
{
    uint32_t k;
    const char *const *notes = syntax_list(L, n, &k);
    *nout = 0;
    if (!notes)
        return NULL;
    spec_syntax *out = arena_alloc(L, (k ? k : 1) * sizeof *out);
    if (!out) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    for (uint32_t i = 0; i < k; i++) {
        const char *s = notes[i];
        size_t len = strlen(s);
        if (!strchr("PRECL", s[0]) || len < 5 || (len - 1) % 2 || (len - 1) / 2 > 12) {
            fail(L, X12_ERR_SPEC, n, "bad syntax note '%s'", s);
            return NULL;
        }
        out[i].kind = s[0];
        out[i].n = (uint8_t)((len - 1) / 2);
        out[i].mask = 0;
        int wide = 0;
        for (uint8_t j = 0; j < out[i].n; j++) {
            out[i].pos[j] = (uint8_t)((s[1 + 2 * j] - '0') * 10 + (s[2 + 2 * j] - '0'));
            if (out[i].pos[j] < 64)
                out[i].mask |= (uint64_t)1 << out[i].pos[j];
            else
                wide = 1;
        }
        if (wide)
            out[i].mask = 0;
    }
    *nout = (uint16_t)k;
    return out;
}

static int marked_unverified(loader *L, const xmlNode *n)
{
    xmlChar *v = get_prop(L, n, "verified");
    int r = v && !strcmp((const char *)v, "false");
    xmlFree(v);
    return r;
}

static spec_seg *load_seg_body(loader *L, const xmlNode *n);

static spec_seg *load_seg(loader *L, const xmlNode *n)
{
    int mark = marked_unverified(L, n);
    L->unverified += mark;
    spec_seg *s = load_seg_body(L, n);
    L->unverified -= mark;
    return s;
}

static spec_seg *load_seg_body(loader *L, const xmlNode *n)
{
    spec_seg *s = arena_alloc(L, sizeof *s);
    if (!s) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    char *id = attr(L, n, "id");
    if (!id || strlen(id) < 2 || strlen(id) > 3) {
        fail(L, X12_ERR_SPEC, n, "segment id '%s' is not 2-3 characters", id);
        return s;
    }
    memcpy(s->id, id, strlen(id) + 1);
    s->idkey = spec_idkey(id, strlen(id));
    s->name = attr(L, n, "name");
    s->usage = usage_attr(L, n);
    s->maxuse = (uint32_t)num_attr(L, n, "maxuse", 1);
    s->pos = (uint16_t)num_attr(L, n, "pos", 0);
    s->syntax = parse_syntax(L, n, &s->nsyntax);
    char *key = attr(L, n, "key");
    if (key && parse_ref(key, s->id, &s->key_pos, &s->key_comp) < 0)
        fail(L, X12_ERR_SPEC, n, "key '%s' does not name an element of the segment", key);
    s->keyvals = split_list(L, n, "keyvals", &s->nkeyvals);
    s->kkeys = pack_keys(L, s->keyvals, s->nkeyvals);
    if (s->keyvals && !key)
        fail(L, X12_ERR_SPEC, n, "keyvals without key%s", "");
    /* elements by position: the highest position decides the size */
    uint16_t maxpos = 0;
    for (const xmlNode *x = n->children; x; x = x->next) {
        if (!is(x, "el") && !is(x, "comp"))
            continue;
        uint16_t pos, comp;
        xmlChar *ref = get_prop(L, x, "ref");
        if (ref && parse_ref((const char *)ref, s->id, &pos, &comp) == 0 && pos > maxpos)
            maxpos = pos;
        xmlFree(ref);
    }
    s->nels = maxpos;
    s->els = arena_alloc(L, (maxpos ? maxpos : 1) * sizeof *s->els);
    if (!s->els) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return s;
    }
    for (const xmlNode *x = n->children; x && !L->failed; x = x->next) {
        if (x->type == XML_ELEMENT_NODE && !is(x, "el") && !is(x, "comp")) {
            /* a segment holds elements and composites, nothing else */
            fail(L, X12_ERR_SPEC, x, "<%s> inside <seg>: only <el> and <comp>",
                 (const char *)x->name);
            break;
        }
        if (is(x, "el")) {
            spec_el tmp;
            memset(&tmp, 0, sizeof tmp);
            load_el(L, x, s->id, &tmp);
            if (!L->failed)
                s->els[tmp.pos - 1] = tmp;
            /* numbers="loop": the value numbers the instances of the loop the
             * segment starts, within its parent's instance (837 2400 LX01) */
            char *num = L->failed ? NULL : attr(L, x, "numbers");
            if (num && strcmp(num, "loop") != 0)
                fail(L, X12_ERR_SPEC, x, "numbers='%s': only 'loop' is known", num);
            else if (num && (tmp.comp || tmp.type != T_N))
                fail(L, X12_ERR_SPEC, x, "numbers='loop' on '%s', not a simple N element", tmp.ref);
            else if (num)
                s->numbers_el = tmp.pos;
        } else if (is(x, "comp")) {
            spec_el c;
            memset(&c, 0, sizeof c);
            c.ref = attr(L, x, "ref");
            c.name = attr(L, x, "name");
            c.de = attr(L, x, "de");
            c.usage = usage_attr(L, x);
            c.rep = (uint16_t)num_attr(L, x, "rep", 1);
            c.verified = !marked_unverified(L, x) && !L->unverified;
            if (parse_ref(c.ref, s->id, &c.pos, &c.comp) < 0 || c.comp) {
                fail(L, X12_ERR_SPEC, x, "composite ref '%s' is not an element position", c.ref);
                break;
            }
            uint32_t k = count_children(x, "el", NULL, NULL);
            c.comps = arena_alloc(L, (k ? k : 1) * sizeof *c.comps);
            if (!c.comps) {
                fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
                break;
            }
            for (const xmlNode *y = x->children; y && !L->failed; y = y->next) {
                if (!is(y, "el"))
                    continue;
                spec_el *e = &c.comps[c.ncomps];
                load_el(L, y, s->id, e);
                if (!L->failed && (e->pos != c.pos || e->comp != c.ncomps + 1))
                    fail(L, X12_ERR_SPEC, y, "component '%s' out of order", e->ref);
                c.ncomps++;
            }
            if (!L->failed)
                s->els[c.pos - 1] = c;
        }
    }
    for (uint16_t i = 0; i < s->nels && !L->failed; i++) {
        if (!s->els[i].pos)
            fail(L, X12_ERR_SPEC, n, "segment %s skips an element position", s->id);
        if (s->els[i].usage == 'R')
            s->last_required = (uint16_t)(i + 1);
    }
    /* in a segment that defines its elements, the key names one of them, and
     * a component only of a composite (a key past them would never match:
     * data there is an element the guide does not have).  A segment defined
     * without elements (a skeleton) may key on any position. */
    if (!L->failed && key && s->nels &&
        (s->key_pos == 0 || s->key_pos > s->nels ||
         (s->key_comp && s->key_comp > s->els[s->key_pos - 1].ncomps)))
        fail(L, X12_ERR_SPEC, n, "key '%s' names no element the segment defines", key);
    /* a repeating key element (005010X231A1 2100 CTX01 repeats 10 times)
     * is told apart by its first repetition */
    if (!L->failed && s->key_pos && s->key_pos <= s->nels && s->els[s->key_pos - 1].rep > 1)
        s->key_comp |= SPEC_KEY_REP;
    L->spec->stats.segments++;
    return s;
}

static spec_loop *load_loop(loader *L, const xmlNode *n, int root);

static void load_kids(loader *L, const xmlNode *n, spec_loop *lp)
{
    uint32_t k = count_children(n, "seg", "loop", "loopref");
    lp->kids = arena_alloc(L, (k ? k : 1) * sizeof *lp->kids);
    if (!lp->kids) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return;
    }
    for (const xmlNode *x = n->children; x && !L->failed; x = x->next) {
        spec_child *c = &lp->kids[lp->nkids];
        if (is(x, "seg")) {
            c->seg = load_seg(L, x);
            c->usage = c->seg ? c->seg->usage : 'S';
            c->repeat = c->seg ? c->seg->maxuse : 1;
        } else if (is(x, "loop")) {
            c->is_loop = 1;
            c->loop = load_loop(L, x, 0);
            c->usage = c->loop ? c->loop->usage : 'S';
            c->repeat = c->loop ? c->loop->repeat : 1;
        } else if (is(x, "loopref")) {
            c->is_loop = 1;
            /* resolved once the whole guide is loaded: keep the id for now */
            spec_loop *ph = arena_alloc(L, sizeof *ph);
            if (!ph) {
                fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
                return;
            }
            ph->id = attr(L, x, "ref");
            ph->nkids = UINT32_MAX; /* marks a placeholder */
            c->loop = ph;
            c->usage = usage_attr(L, x);
            c->repeat = (uint32_t)num_attr(L, x, "repeat", 1);
        } else {
            continue;
        }
        lp->nkids++;
    }
}

static spec_loop *load_loop_body(loader *L, const xmlNode *n, int root);

static spec_loop *load_loop(loader *L, const xmlNode *n, int root)
{
    int mark = marked_unverified(L, n);
    L->unverified += mark;
    spec_loop *lp = load_loop_body(L, n, root);
    L->unverified -= mark;
    return lp;
}

static spec_loop *load_loop_body(loader *L, const xmlNode *n, int root)
{
    spec_loop *lp = arena_alloc(L, sizeof *lp);
    if (!lp) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    if (root) {
        lp->id = "ST";
        lp->name = "Transaction Set";
        lp->usage = 'R';
        lp->repeat = 1;
    } else {
        lp->id = attr(L, n, "id");
        lp->name = attr(L, n, "name");
        lp->usage = usage_attr(L, n);
        lp->repeat = (uint32_t)num_attr(L, n, "repeat", 1);
        lp->hlparent = attr(L, n, "hlparent");
        lp->pos = (uint16_t)num_attr(L, n, "pos", 0);
        L->spec->stats.loops++;
    }
    load_kids(L, n, lp);
    if (!root && !L->failed && (lp->nkids == 0 || lp->kids[0].is_loop))
        fail(L, X12_ERR_SPEC, n, "loop %s does not start with its trigger segment", lp->id);
    return lp;
}

static const spec_loop *loop_named(const spec_loop *lp, const char *id, int depth)
{
    /* nkids UINT32_MAX: a loop still being loaded; the depth bounds a guide
     * whose loop holds itself */
    if (!lp || lp->nkids == UINT32_MAX || depth > 32)
        return NULL;
    if (lp->id && !strcmp(lp->id, id))
        return lp;
    for (uint32_t i = 0; i < lp->nkids; i++)
        if (lp->kids[i].is_loop) {
            const spec_loop *f = loop_named(lp->kids[i].loop, id, depth + 1);
            if (f)
                return f;
        }
    return NULL;
}

const spec_loop *spec_find_loop(const spec_loop *root, const char *id)
{
    return loop_named(root, id, 0);
}

/* (the loader's own copy, which it may change) */
static spec_loop *find_loop(spec_loop *lp, const char *id)
{
    return (spec_loop *)loop_named(lp, id, 0);
}

static int keys_overlap(const spec_seg *a, const spec_seg *b)
{
    if (!a->keyvals || !b->keyvals)
        return 1;
    for (uint32_t i = 0; i < a->nkeyvals; i++)
        if (spec_codes_has(b->keyvals, b->nkeyvals, a->keyvals[i], strlen(a->keyvals[i])))
            return 1;
    return 0;
}

/* Marks the segments whose qualifier a sibling at the same position may share
 * (the 837P 2400 PWK01 'CT'), so the walker weighs them against each other
 * only where it must. */
static void mark_rivals(spec_loop *lp, int depth)
{
    if (depth > 32 || lp->nkids == UINT32_MAX)
        return;
    for (uint32_t i = 0; i < lp->nkids; i++) {
        spec_child *a = &lp->kids[i];
        if (a->is_loop) {
            mark_rivals(a->loop, depth + 1);
            continue;
        }
        for (uint32_t j = i + 1; j < lp->nkids; j++) {
            spec_child *b = &lp->kids[j];
            if (!b->is_loop && b->seg->idkey == a->seg->idkey && b->seg->pos == a->seg->pos &&
                keys_overlap(a->seg, b->seg))
                a->has_rival = b->has_rival = 1;
        }
    }
}

/* Lists the loop's required kids after the trigger (spec_loop.required). */
static void list_required(spec_loop *lp)
{
    lp->nrequired = 0;
    for (uint32_t i = 1; i < lp->nkids; i++)
        if (lp->kids[i].usage == 'R')
            lp->required[lp->nrequired++] = i;
}

/* Lists again, in every loop, the required kids (after an overlay). */
static void relist_required(spec_loop *lp, int depth)
{
    if (depth > 32 || lp->nkids == UINT32_MAX || !lp->required)
        return;
    list_required(lp);
    for (uint32_t i = 0; i < lp->nkids; i++)
        if (lp->kids[i].is_loop)
            relist_required(lp->kids[i].loop, depth + 1);
}

/* Builds each loop's search index (spec_loop_first, next_same) and its list
 * of required kids. */
static void index_loops(loader *L, spec_loop *lp, int depth)
{
    if (depth > 32 || lp->nkids == UINT32_MAX || lp->next_same)
        return;
    lp->next_same = arena_alloc(L, (lp->nkids ? lp->nkids : 1) * sizeof *lp->next_same);
    /* the first kid of each id, hashed for spec_loop_first(): at least twice
     * as many slots as kids, so that runs stay short; never full, so a probe
     * ends */
    unsigned bits = 2;
    while ((1u << bits) < 2 * lp->nkids)
        bits++;
    lp->first_hash = arena_alloc(L, ((size_t)1 << bits) * sizeof *lp->first_hash);
    lp->required = arena_alloc(L, (lp->nkids ? lp->nkids : 1) * sizeof *lp->required);
    lp->gstart = arena_alloc(L, (lp->nkids ? lp->nkids : 1) * sizeof *lp->gstart);
    lp->kkey = arena_alloc(L, (lp->nkids ? lp->nkids : 1) * sizeof *lp->kkey);
    if (!lp->next_same || !lp->first_hash || !lp->required || !lp->gstart || !lp->kkey) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return;
    }
    memset(lp->first_hash, 0, ((size_t)1 << bits) * sizeof *lp->first_hash);
    lp->first_mask = (1u << bits) - 1;
    lp->first_shift = (uint8_t)(32 - bits);
    for (uint32_t i = 0; i < lp->nkids; i++) {
        spec_child *a = &lp->kids[i];
        a->first = a->is_loop ? a->loop->kids[0].seg : a->seg;
        a->pos = a->is_loop ? a->loop->pos : a->seg->pos;
        uint32_t ka = a->first->idkey;
        const spec_seg *d = a->first;
        spec_kidkey *kk = &lp->kkey[i];
        kk->pos = d->key_pos;
        kk->comp = d->key_comp;
        kk->one = 0;
        kk->mode = !d->keyvals                                                      ? 0
                   : d->nkeyvals == 1 && d->kkeys && strlen(d->keyvals[0]) <= 8 ? 1
                                                                                : 2;
        if (kk->mode == 1)
            kk->one = d->kkeys[0];
        lp->next_same[i] = UINT32_MAX;
        for (uint32_t j = i + 1; j < lp->nkids; j++) {
            const spec_child *b = &lp->kids[j];
            if ((b->is_loop ? b->loop->kids[0].seg : b->seg)->idkey == ka) {
                lp->next_same[i] = j;
                break;
            }
        }
        if (spec_loop_first(lp, ka) == UINT32_MAX) { /* the first kid with this id */
            uint32_t h = (ka * 0x9E3779B1u) >> lp->first_shift;
            while (lp->first_hash[h])
                h = (h + 1) & lp->first_mask;
            lp->first_hash[h] = (uint64_t)ka << 32 | i;
        }
        if (a->is_loop)
            index_loops(L, a->loop, depth + 1);
    }
    list_required(lp);
    for (uint32_t i = 0; i < lp->nkids; i++)
        lp->gstart[i] = i > 1 && lp->kids[i].pos && lp->kids[i - 1].pos == lp->kids[i].pos
                            ? lp->gstart[i - 1]
                            : i;
}

static void resolve_refs(loader *L, spec_loop *root, spec_loop *lp)
{
    if (lp->nkids == UINT32_MAX)
        return;
    for (uint32_t i = 0; i < lp->nkids && !L->failed; i++) {
        spec_child *c = &lp->kids[i];
        if (!c->is_loop)
            continue;
        if (c->loop->nkids == UINT32_MAX) {
            spec_loop *target = find_loop(root, c->loop->id);
            if (!target) {
                fail(L, X12_ERR_SPEC, NULL, "loopref to unknown loop '%s'", c->loop->id);
                return;
            }
            c->loop = target;
        } else {
            resolve_refs(L, root, c->loop);
        }
    }
}

/* --- rules ---------------------------------------------------------------- */

/* in the order of rule_op */
static const char *const OPS[] = {"present",  "absent",  "eq",       "ne",         "in",
                                  "notin",    "date",    "daterange", "datetime",  "street",
                                  "pointers", "pattern", "differs",  "notpattern", "notafter",
                                  "notbefore", "unique", "positive", "notnegative", "same"};

/* "ID': OP" for a loader message about a rule's operator. */
static const char *rule_op_id(const spec_rule *r, unsigned op, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.40s': %s", r->id ? r->id : "",
             op < sizeof OPS / sizeof OPS[0] ? OPS[op] : "?");
    return buf;
}

static int parse_op(const char *op)
{
    for (int i = 0; op && i < (int)(sizeof OPS / sizeof OPS[0]); i++)
        if (!strcmp(op, OPS[i]))
            return i;
    return -1;
}

/* Conditions checked on every occurrence of their segment, as it comes (not
 * from facts when the scope's instance ends), and so only in a <then>: the
 * operators that compare with another condition's value or with earlier
 * values.  notafter and notbefore with a date of their own (vals=) are
 * read as the others are. */
static int op_per_occurrence(const rule_cond *c)
{
    if (c->op == OP_NOTAFTER || c->op == OP_NOTBEFORE)
        return !c->nvals;
    return c->op == OP_POINTERS || c->op == OP_DIFFERS || c->op == OP_SAME || c->op == OP_UNIQUE;
}

static void load_cond(loader *L, const xmlNode *n, const spec_rule *r, rule_cond *c)
{
    c->loop = attr(L, n, "loop");
    char *seg = attr(L, n, "seg");
    if (seg) {
        if (strlen(seg) < 2 || strlen(seg) > 3) {
            fail(L, X12_ERR_SPEC, n, "rule segment '%s' is not a segment id", seg);
            return;
        }
        memcpy(c->seg, seg, strlen(seg) + 1);
        c->segkey = spec_idkey(seg, strlen(seg));
    }
    c->keyval = attr(L, n, "keyval");
    char *el = attr(L, n, "el");
    if (el) {
        const char *sid = c->seg[0] ? c->seg : r->seg;
        if (!sid[0] || parse_ref(el, sid, &c->el_pos, &c->el_comp) < 0)
            fail(L, X12_ERR_SPEC, n, "rule element '%s' does not name its segment", el);
    }
    char *op = attr(L, n, "op");
    int o = parse_op(op);
    if (o < 0) {
        fail(L, X12_ERR_SPEC, n, "unknown rule operator '%s'", op);
        return;
    }
    c->op = (uint8_t)o;
    char *every = attr(L, n, "every");
    if (every) {
        if (o != OP_UNIQUE || strcmp(every, "true") != 0)
            fail(L, X12_ERR_SPEC, n, "every=\"true\" is an attribute of op=\"unique\"%s", "");
        c->every = 1;
    }
    char *each = attr(L, n, "each");
    if (each) {
        if (strcmp(each, "true") != 0)
            fail(L, X12_ERR_SPEC, n, "each= is \"true\" or left out%s", "");
        c->each = 1;
    }
    char *any = attr(L, n, "any");
    if (any) {
        if (strcmp(any, "true") != 0)
            fail(L, X12_ERR_SPEC, n, "any= is \"true\" or left out%s", "");
        c->any = 1;
    }
    c->vals = split_list(L, n, "vals", &c->nvals);
    if ((o == OP_EQ || o == OP_NE || o == OP_IN || o == OP_NOTIN) && !c->nvals)
        fail(L, X12_ERR_SPEC, n, "rule operator '%s' needs vals", op);
    if (o == OP_PATTERN || o == OP_NOTPATTERN) {
        char *pat = attr(L, n, "pattern");
        if (!pat)
            fail(L, X12_ERR_SPEC, n, "rule operator '%s' needs pattern=", op);
        else
            c->re = compile_pattern(L, n, pat);
    }
    if (c->nvals == 1 && strlen(c->vals[0]) >= 1 && strlen(c->vals[0]) <= 8) {
        c->onelen = (uint8_t)strlen(c->vals[0]);
        c->onekey = spec_codekey(c->vals[0], c->onelen);
    }
}

static void load_rules(loader *L, const xmlNode *rules_node)
{
    x12_spec *s = L->spec;
    /* appended to what is there (an overlay adds to the guide's rules) */
    uint32_t k = count_children(rules_node, "rule", NULL, NULL);
    spec_rule *all = arena_alloc(L, (s->nrules + k ? s->nrules + k : 1) * sizeof *all);
    if (!all) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return;
    }
    if (s->nrules)
        memcpy(all, s->rules, s->nrules * sizeof *all);
    s->rules = all;
    for (const xmlNode *x = rules_node->children; x && !L->failed; x = x->next) {
        if (!is(x, "rule"))
            continue;
        spec_rule *r = &s->rules[s->nrules++];
        char idop[64];
        r->id = attr(L, x, "id");
        r->msg = attr(L, x, "msg");
        r->src = attr(L, x, "src");
        r->scope = attr(L, x, "scope");
        char *seg = attr(L, x, "seg");
        if (seg && strlen(seg) >= 2 && strlen(seg) <= 3) {
            memcpy(r->seg, seg, strlen(seg) + 1);
            r->segkey = spec_idkey(seg, strlen(seg));
        }
        r->snip = (uint8_t)num_attr(L, x, "snip", 4);
        char *sev = attr(L, x, "severity");
        r->severity = sev && !strcmp(sev, "warning") ? 1 : sev && !strcmp(sev, "info") ? 2 : 0;
        char *ik3 = attr(L, x, "ik3"), *ik4 = attr(L, x, "ik4");
        snprintf(r->ik3, sizeof r->ik3, "%s", ik3 ? ik3 : "");
        snprintf(r->ik4, sizeof r->ik4, "%s", ik4 ? ik4 : "");
        uint32_t nc = count_children(x, "when", "then", NULL);
        /* the walker keeps facts for this many of a loop-scoped rule; one
         * with seg= reads its segment alone (005010X223A2 2300 HI*BQ: twelve
         * procedure dates) */
        uint32_t most = r->seg[0] ? RULE_MAX_SEG_CONDS : RULE_MAX_CONDS;
        if (nc > most) {
            char what[64];
            snprintf(what, sizeof what, "%.40s' has more than %u", r->id ? r->id : "",
                     (unsigned)most);
            fail(L, X12_ERR_SPEC, x, "rule '%s conditions", what);
            return;
        }
        r->conds = arena_alloc(L, (nc ? nc : 1) * sizeof *r->conds);
        if (!r->conds) {
            fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
            return;
        }
        /* the <when>s first, then the <then>s */
        for (int pass = 0; pass < 2; pass++)
            for (const xmlNode *y = x->children; y && !L->failed; y = y->next)
                if (is(y, pass ? "then" : "when")) {
                    load_cond(L, y, r, &r->conds[r->nwhen + r->nthen]);
                    if (pass)
                        r->nthen++;
                    else
                        r->nwhen++;
                }
        if (!r->scope)
            fail(L, X12_ERR_SPEC, x, "rule '%s' has no scope", r->id);
        /* pointers address the elements of the segment of the first <when>,
         * and differs compares with its element, within one instance of the
         * scope loop */
        /* notafter and notbefore may compare with a date of their own;
         * differs and same compare with the first <when>'s value only */
        for (uint16_t j = 0; j < r->nwhen + r->nthen && !L->failed; j++) {
            const rule_cond *c = &r->conds[j];
            const char *d = c->nvals ? c->vals[0] : NULL;
            if (d && (c->op == OP_DIFFERS || c->op == OP_SAME))
                fail(L, X12_ERR_SPEC, x, "rule '%s takes no vals=",
                     rule_op_id(r, c->op, idop, sizeof idop));
            else if (d && (c->op == OP_NOTAFTER || c->op == OP_NOTBEFORE) &&
                     (c->nvals != 1 || strlen(d) != 8 || strspn(d, "0123456789") != 8))
                fail(L, X12_ERR_SPEC, x, "rule '%s needs vals= of one CCYYMMDD date",
                     rule_op_id(r, c->op, idop, sizeof idop));
        }
        for (uint16_t j = r->nwhen; j < r->nwhen + r->nthen && !L->failed; j++)
            if (r->conds[j].op == OP_POINTERS) {
                if (r->seg[0] || !r->nwhen || !r->conds[0].seg[0] || !r->conds[j].seg[0] ||
                    !r->conds[j].el_pos)
                    fail(L, X12_ERR_SPEC, x, "rule '%s': pointers need a <when> segment first",
                         r->id);
                r->conds[0].filled = 1;
            } else if (op_per_occurrence(&r->conds[j]) && r->conds[j].op != OP_UNIQUE) {
                /* differs, same, and notafter and notbefore without a date of their own */
                if (r->seg[0] || !r->nwhen || !r->conds[0].seg[0] || !r->conds[0].el_pos ||
                    !r->conds[j].seg[0] || !r->conds[j].el_pos)
                    fail(L, X12_ERR_SPEC, x, "rule '%s needs a <when> element first and an element",
                         rule_op_id(r, r->conds[j].op, idop, sizeof idop));
            } else if (r->conds[j].op == OP_UNIQUE) {
                /* checked as each value comes: what a loop-scoped rule's
                 * <when> says is known only when the instance ends, so such a
                 * unique rule has none; in a rule with seg=, the values of
                 * the one segment (every) */
                if (!r->conds[j].el_pos ||
                    (r->seg[0] ? !r->conds[j].every : r->nwhen || !r->conds[j].seg[0]))
                    fail(L, X12_ERR_SPEC, x,
                         "rule '%s': unique needs an element: of a segment of the scope and no "
                         "<when>, or every= in a rule with seg=",
                         r->id);
            }
        for (uint16_t j = 0; j < r->nwhen && !L->failed; j++)
            if (op_per_occurrence(&r->conds[j]))
                fail(L, X12_ERR_SPEC, x, "rule '%s is a <then>",
                     rule_op_id(r, r->conds[j].op, idop, sizeof idop));
        /* any= on a condition of a loop-scoped rule, on an element of a
         * segment, eq or in (some occurrence holds one of the values; ne and
         * notin would hold of a segment that never came), not with each= */
        for (uint16_t j = 0; j < r->nwhen + r->nthen && !L->failed; j++) {
            const rule_cond *c = &r->conds[j];
            if (c->any && (r->seg[0] || !c->seg[0] || !c->el_pos || c->each ||
                           (c->op != OP_EQ && c->op != OP_IN)))
                fail(L, X12_ERR_SPEC, x,
                     "rule '%s': any= needs eq or in on an element, no seg=/each=",
                     r->id);
        }
        /* each= on a <then> of a loop-scoped rule that names an element of
         * a segment, of an operator read once (the others are read on each
         * occurrence already) */
        for (uint16_t j = 0; j < r->nwhen + r->nthen && !L->failed; j++) {
            rule_cond *c = &r->conds[j];
            if (c->each && j >= r->nwhen && !r->seg[0] && c->seg[0] && !c->el_pos &&
                c->op == OP_PRESENT && c->loop) {
                /* present each= on a segment of a loop inside the scope: in
                 * every instance of that loop (attach_rules refuses the scope
                 * itself).  005010X221A1 2110 DTM Service Date */
                c->instances = 1;
                c->each = 0;
                continue;
            }
            if (c->each && (j < r->nwhen || r->seg[0] || !c->seg[0] || !c->el_pos ||
                            op_per_occurrence(c)))
                fail(L, X12_ERR_SPEC, x,
                     "rule '%s': each= needs an element or a loop's segment",
                     r->id);
        }
        /* a loop-scoped rule keeps only the first bytes of a value
         * (RULE_VAL_MAX): a pattern is matched against whole values only
         * (a <then> with each= reads the segment itself) */
        for (uint16_t j = 0; j < r->nwhen + r->nthen && !L->failed; j++)
            if ((r->conds[j].op == OP_PATTERN || r->conds[j].op == OP_NOTPATTERN) && !r->seg[0] &&
                !r->conds[j].each)
                fail(L, X12_ERR_SPEC, x, "rule '%s': pattern only in a rule with seg=", r->id);
    }
}

/* The `n` items of `old` (each `size` bytes) copied into the arena with room
 * for `more` after them; NULL, and the loader failed, without memory. */
static void *grown(loader *L, const void *old, size_t n, size_t more, size_t size)
{
    void *p = arena_alloc(L, (n + more) * size);
    if (!p) {
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    if (n)
        memcpy(p, old, n * size);
    return p;
}

/* Is kid `k` a segment that condition `c` names (its id, and its keyval
 * among the segment's qualifiers when the condition gives one)? */
static int kid_named(const spec_child *k, const rule_cond *c)
{
    if (k->is_loop || k->seg->idkey != c->segkey)
        return 0;
    return !c->keyval || (k->seg->keyvals && spec_codes_has(k->seg->keyvals, k->seg->nkeyvals,
                                                            c->keyval, strlen(c->keyval)));
}

/* Does loop `lp` hold the segment condition `c` names? */
static int loop_has_segment(const spec_loop *lp, const rule_cond *c)
{
    for (uint32_t i = 0; lp->nkids != UINT32_MAX && i < lp->nkids; i++)
        if (kid_named(&lp->kids[i], c))
            return 1;
    return 0;
}

/* The one segment definition of the condition's loop that its keyval names,
 * NULL when it names none or several (see rule_watch). */
static const spec_seg *watch_def(const rule_cond *c)
{
    const spec_seg *found = NULL;
    if (!c->keyval || !c->lp || c->lp->nkids == UINT32_MAX)
        return NULL;
    for (uint32_t i = 0; i < c->lp->nkids; i++) {
        if (!kid_named(&c->lp->kids[i], c))
            continue;
        if (found)
            return NULL;
        found = c->lp->kids[i].seg;
    }
    return found;
}

/* Sets, under `lp`, each segment definition's first segment-scoped rule
 * (spec_seg.seg_rule_at), and its watches to none until def_watches()
 * lists them (again, after an overlay's rules are attached). */
static void mark_rule_defs(x12_spec *s, spec_loop *lp, int depth)
{
    if (depth > 32 || lp->nkids == UINT32_MAX)
        return;
    for (uint32_t i = 0; i < lp->nkids; i++) {
        spec_child *k = &lp->kids[i];
        if (k->is_loop) {
            mark_rule_defs(s, k->loop, depth + 1);
            continue;
        }
        uint32_t j = 0;
        while (j < s->nseg_rules && s->seg_rule_keys[j] != k->seg->idkey)
            j++;
        k->seg->seg_rule_at = j < s->nseg_rules ? (int32_t)j : -1;
        k->seg->dw = NULL;
        k->seg->ndw = 0;
    }
}

/* Does watch `wt` take a segment placed as `d`?  What
 * rules_segment asked of every placed segment until it was found here:
 * d's id, d one of the watch's loop's segments, and the definition the
 * watch names, or one whose qualifiers hold the condition's keyval. */
static int watch_takes(const rule_watch *wt, const spec_seg *d)
{
    if (d->idkey != wt->segkey)
        return 0;
    if (wt->def || wt->any_def)
        return !wt->def || wt->def == d;
    const char *kv = wt->c->keyval;
    return d->keyvals && spec_codes_has(d->keyvals, d->nkeyvals, kv, strlen(kv));
}

/* For each watch of `scope`, the definitions that answer it get it in
 * their list for that scope (spec_seg.dw).  A loop used in several places
 * (loopref) is reached more than once and adds nothing the second time. */
static void def_watches(loader *L, spec_loop *scope, int depth)
{
    if (depth > 32 || scope->nkids == UINT32_MAX || L->failed)
        return;
    for (uint16_t w = 0; w < scope->nwatch && !L->failed; w++) {
        const rule_watch *wt = &scope->watch[w];
        if (!wt->lp || wt->lp->nkids == UINT32_MAX)
            continue;
        for (uint32_t i = 0; i < wt->lp->nkids && !L->failed; i++) {
            const spec_child *k = &wt->lp->kids[i];
            if (k->is_loop || !watch_takes(wt, k->seg))
                continue;
            spec_seg *d = k->seg;
            uint16_t g = 0;
            while (g < d->ndw && d->dw[g].scope != scope)
                g++;
            if (g == d->ndw) {
                spec_defwatch *ng = grown(L, d->dw, d->ndw, 1, sizeof *ng);
                if (!ng)
                    return;
                ng[d->ndw++] = (spec_defwatch){scope, NULL, 0};
                d->dw = ng;
            }
            spec_defwatch *dg = (spec_defwatch *)&d->dw[g];
            uint16_t j = 0;
            while (j < dg->n && (dg->w[j].rule != wt->rule || dg->w[j].cond != wt->cond))
                j++;
            if (j < dg->n)
                continue; /* (this scope reached again) */
            rule_watch *nw = grown(L, dg->w, dg->n, 1, sizeof *nw);
            if (!nw)
                return;
            nw[dg->n++] = *wt; /* in the watch list's order */
            dg->w = nw;
        }
    }
    for (uint32_t i = 0; i < scope->nkids; i++)
        if (scope->kids[i].is_loop)
            def_watches(L, scope->kids[i].loop, depth + 1);
}

/* Attaches each loop-scoped rule to its loop. */
static void attach_rules(loader *L, uint32_t from)
{
    x12_spec *s = L->spec;
    for (uint32_t i = from; i < s->nrules && !L->failed; i++) {
        spec_rule *r = &s->rules[i];
        if (r->seg[0] || !strcmp(r->scope, "*")) {
            /* segment-scoped: the walker checks them per segment */
            if (!r->segkey)
                continue;
            if (strcmp(r->scope, "*") != 0) {
                s->rule_segs_scoped |= spec_keybit(r->segkey);
                /* (none: a loop the guide lacks is never open around it) */
                r->scope_lp = !strcmp(r->scope, "ST") ? s->root : find_loop(s->root, r->scope);
            }
            const spec_rule **ns = grown(L, s->seg_rules, s->nseg_rules, 1, sizeof *ns);
            uint32_t *nk = ns ? grown(L, s->seg_rule_keys, s->nseg_rules, 1, sizeof *nk) : NULL;
            if (!nk)
                return;
            /* kept in order of segment id, the spec's order among one id's
             * rules (the order of their findings) */
            uint32_t at = s->nseg_rules++;
            while (at && ns[at - 1]->segkey > r->segkey) {
                ns[at] = ns[at - 1];
                nk[at] = nk[at - 1];
                at--;
            }
            ns[at] = r;
            nk[at] = r->segkey;
            s->seg_rules = ns;
            s->seg_rule_keys = nk;
            continue;
        }
        spec_loop *lp = !strcmp(r->scope, "ST") ? s->root : find_loop(s->root, r->scope);
        if (!lp) {
            /* a rule of another spec kind (the envelope's ISA_LOOP) is not for the walker */
            continue;
        }
        /* conditions name loops by id: resolve them once; a segment (and
         * its keyval) they name must be one the loop holds, or the
         * condition would never see it */
        for (uint16_t j = 0; j < r->nwhen + r->nthen && !L->failed; j++) {
            rule_cond *c = &r->conds[j];
            c->lp = c->loop ? find_loop(s->root, c->loop) : lp;
            if (c->loop && !c->lp) {
                fail(L, X12_ERR_SPEC, NULL, "rule names loop '%s', which is not in the guide",
                     c->loop);
                return;
            }
            if (c->segkey && !loop_has_segment(c->lp, c)) {
                char what[96];
                snprintf(what, sizeof what, "%.40s: %.3s%s%.12s not in loop %.12s", r->id, c->seg,
                         c->keyval ? "*" : "", c->keyval ? c->keyval : "", c->lp->id);
                fail(L, X12_ERR_SPEC, NULL, "rule %s", what);
                return;
            }
        }
        const spec_rule **nr = grown(L, lp->rules, lp->nrules, 1, sizeof *nr);
        if (!nr)
            return;
        nr[lp->nrules++] = r;
        lp->rules = nr;
        /* its facts follow the scope's earlier rules' (at most RULE_MAX_CONDS
         * each: load_rules) */
        uint16_t nconds = (uint16_t)(r->nwhen + r->nthen);
        r->fact0 = lp->nfacts;
        lp->nfacts += nconds;
        if (lp->nfacts > s->max_loop_facts)
            s->max_loop_facts = lp->nfacts;
        for (uint16_t j = 0; j < nconds; j++) {
            const rule_cond *c = &r->conds[j];
            if (c->seg[0] || !c->loop || !c->lp)
                continue;
            rule_loopfact *nl = grown(L, lp->loopfacts, lp->nloopfacts, 1, sizeof *nl);
            if (!nl)
                return;
            nl[lp->nloopfacts++] = (rule_loopfact){c->lp, r->fact0 + j};
            lp->loopfacts = nl;
        }
        int at_end = 0;
        for (uint16_t j = r->nwhen; j < r->nwhen + r->nthen; j++) {
            uint8_t op = r->conds[j].op;
            if (op == OP_UNIQUE)
                lp->has_unique = s->has_unique = 1;
            at_end |= !op_per_occurrence(&r->conds[j]) && !r->conds[j].each &&
                      !r->conds[j].instances;
            if (r->conds[j].instances) {
                if (r->conds[j].lp == lp || find_loop(lp, r->conds[j].loop) != r->conds[j].lp) {
                    fail(L, X12_ERR_SPEC, NULL,
                         "rule '%s': present each= needs a loop inside the scope",
                         r->id);
                    return;
                }
                rule_instfact *ni = grown(L, lp->instfacts, lp->ninstfacts, 1, sizeof *ni);
                if (!ni)
                    return;
                ni[lp->ninstfacts++] = (rule_instfact){r->conds[j].lp, r, j};
                lp->instfacts = ni;
                lp->inst_loops |= spec_loopbit(r->conds[j].lp);
                lp->rule_loops |= spec_loopbit(r->conds[j].lp); /* its instances start: push */
            }
        }
        if (at_end) {
            uint16_t *ne = grown(L, lp->end_rules, lp->nend_rules, 1, sizeof *ne);
            if (!ne)
                return;
            ne[lp->nend_rules++] = (uint16_t)(lp->nrules - 1); /* its index */
            lp->end_rules = ne;
        }
        /* its segment conditions join the loop's watch list */
        uint16_t add = 0;
        for (uint16_t j = 0; j < r->nwhen + r->nthen && j < RULE_MAX_CONDS; j++)
            add += r->conds[j].segkey != 0;
        if (add) {
            rule_watch *nw = grown(L, lp->watch, lp->nwatch, add, sizeof *nw);
            if (!nw)
                return;
            for (uint16_t j = 0; j < r->nwhen + r->nthen && j < RULE_MAX_CONDS; j++)
                if (r->conds[j].segkey) {
                    uint16_t at = lp->nwatch++; /* in the spec's order */
                    uint8_t op = r->conds[j].op;
                    nw[at] = (rule_watch){r,
                                          &r->conds[j],
                                          r->conds[j].lp,
                                          watch_def(&r->conds[j]),
                                          r->conds[j].segkey,
                                          (uint16_t)(lp->nrules - 1),
                                          j,
                                          r->fact0,
                                          !r->conds[j].keyval,
                                          op == OP_UNIQUE ? WATCH_UNIQUE
                                          : r->conds[j].each ? WATCH_EACH_THEN
                                          : op_per_occurrence(&r->conds[j]) ? WATCH_EACH
                                                                  : WATCH_FIRST};
                }
            lp->watch = nw;
        }
        for (uint16_t j = 0; j < r->nwhen + r->nthen; j++) {
            if (!r->conds[j].seg[0] && r->conds[j].loop && r->conds[j].lp)
                lp->rule_loops |= spec_loopbit(r->conds[j].lp);
        }
    }
    if (!L->failed)
        mark_rule_defs(s, s->root, 0);
    if (!L->failed)
        def_watches(L, s->root, 0);
}

/* --- external code lists ------------------------------------------------------ */

/* Loads codes/<id>.xml from the embedded files into the spec's arena; NULL
 * when the library has no such list. */
static spec_codelist *load_codelist(loader *L, const char *id)
{
    char want[64];
    snprintf(want, sizeof want, "codes/%.50s.xml", id);
    const struct x12__embedded_file *f = x12__embedded;
    while (f->name && strcmp(f->name, want) != 0)
        f++;
    if (!f->name)
        return NULL;
    x12_status why;
    uint64_t line;
    xmlDoc *doc = read_xml(f->data, f->size, f->name, &why, &line);
    if (!doc) {
        if (why == X12_ERR_NOMEM)
            fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        else
            fail(L, X12_ERR_SPEC, NULL, "code list %s is not well-formed", id);
        return NULL;
    }
    spec_codelist *cl = arena_alloc(L, sizeof *cl);
    xmlNode *root = xmlDocGetRootElement(doc);
    uint32_t k = root ? count_children(root, "c", NULL, NULL) : 0;
    const char **codes = arena_alloc(L, (k ? k : 1) * sizeof *codes);
    if (!cl || !codes) {
        xmlFreeDoc(doc);
        fail(L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    cl->id = dup_str(L, id);
    char *complete = root ? attr(L, root, "complete") : NULL;
    cl->complete = complete && !strcmp(complete, "true");
    for (xmlNode *x = root ? root->children : NULL; x; x = x->next)
        if (is(x, "c")) {
            char *v = attr(L, x, "v");
            if (v)
                codes[cl->ncodes++] = v;
        }
    qsort(codes, cl->ncodes, sizeof *codes, cmp_str);
    cl->codes = codes;
    cl->keys = pack_keys(L, cl->codes, cl->ncodes);
    xmlFreeDoc(doc);
    return cl;
}

typedef struct list_cache {
    spec_codelist *lists[32];
    int n;
} list_cache;

static void resolve_el(loader *L, list_cache *c, spec_el *e)
{
    for (uint16_t i = 0; i < e->ncomps; i++)
        resolve_el(L, c, &e->comps[i]);
    if (!e->ext || L->failed)
        return;
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->lists[i]->id, e->ext)) {
            e->extlist = c->lists[i];
            return;
        }
    spec_codelist *cl = load_codelist(L, e->ext);
    if (cl && c->n < 32)
        c->lists[c->n++] = cl;
    e->extlist = cl;
}

static void resolve_lists(loader *L, list_cache *c, spec_loop *lp, int depth)
{
    if (depth > 32 || lp->nkids == UINT32_MAX)
        return;
    for (uint32_t i = 0; i < lp->nkids && !L->failed; i++) {
        spec_child *k = &lp->kids[i];
        if (k->is_loop) {
            resolve_lists(L, c, k->loop, depth + 1);
            continue;
        }
        for (uint16_t j = 0; j < k->seg->nels; j++)
            resolve_el(L, c, &k->seg->els[j]);
    }
}

static x12_spec *load_doc(xmlDoc *doc, const char *name, x12_error *err)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.name = name;
    L.err = err;
    x12_spec *s = arena_alloc(&L, sizeof *s);
    if (!s) {
        fail(&L, X12_ERR_NOMEM, NULL, "out of memory", NULL);
        return NULL;
    }
    L.spec = s;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is(root, "guide")) {
        fail(&L, X12_ERR_SPEC, root, "the root element is not <guide>%s", "");
    } else {
        s->guide_id = s->own_id = attr(&L, root, "id");
        s->ts = attr(&L, root, "ts");
        s->fid = attr(&L, root, "fid");
        s->name = attr(&L, root, "name");
        if (!s->guide_id)
            fail(&L, X12_ERR_SPEC, root, "<guide> has no id%s", "");
        s->root = load_loop(&L, root, 1);
        if (!L.failed)
            resolve_refs(&L, s->root, s->root);
        for (xmlNode *x = root->children; x && !L.failed; x = x->next)
            if (is(x, "rules")) {
                load_rules(&L, x);
                s->stats.rules = s->nrules;
            }
        if (!L.failed)
            attach_rules(&L, 0);
        if (!L.failed)
            mark_rivals(s->root, 0);
        if (!L.failed)
            index_loops(&L, s->root, 0);
        if (!L.failed) {
            list_cache cache;
            cache.n = 0;
            resolve_lists(&L, &cache, s->root, 0);
        }
    }
    if (L.failed) {
        arena_free(L.blocks);
        return NULL;
    }
    s->arena = L.blocks;
    return s;
}

static x12_spec *load_buffer(const void *xml, size_t len, const char *name, x12_error *err)
{
    if (len > INT32_MAX) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = X12_ERR_LIMIT;
            err->msg = x12_status_message(X12_ERR_LIMIT);
        }
        return NULL;
    }
    x12_status why;
    uint64_t line;
    xmlDoc *doc = read_xml(xml, len, name, &why, &line);
    if (!doc) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = why;
            err->msg = x12_status_message(why);
            err->byte_offset = line;
            if (why == X12_ERR_SPEC)
                snprintf(err->detail, sizeof err->detail, "%s: not well-formed XML", name);
        }
        return NULL;
    }
    x12_spec *s = load_doc(doc, name, err);
    xmlFreeDoc(doc);
    return s;
}

x12_spec *x12_spec_load_memory(const void *xml, size_t len, const char *name, x12_error *err)
{
    return load_buffer(xml, len, name ? name : "(memory)", err);
}

x12_spec *x12_spec_load_file(const char *path, x12_error *err)
{
    char *buf;
    size_t len;
    x12_status st = read_whole(path, &buf, &len);
    if (st != X12_OK) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = st;
            err->msg = x12_status_message(st);
            if (st == X12_ERR_IO)
                snprintf(err->detail, sizeof err->detail, "%s: cannot open", path);
        }
        return NULL;
    }
    x12_spec *s = load_buffer(buf ? buf : "", len, path, err);
    free(buf);
    return s;
}

/* Built-in specs are named "<kind>.<guide id>.xml"; the guide id is the part
 * between the first and the last dot. */
static int builtin_matches(const char *name, const char *guide_id)
{
    const char *dot = strchr(name, '.');
    const char *last = strrchr(name, '.');
    if (!dot || last == dot || strncmp(name, "codes/", 6) == 0)
        return 0;
    size_t n = (size_t)(last - dot - 1);
    return strlen(guide_id) == n && strncmp(dot + 1, guide_id, n) == 0;
}

x12_spec *x12_spec_load_builtin(const char *guide_id, x12_error *err)
{
    for (const struct x12__embedded_file *f = x12__embedded; guide_id && f->name; f++)
        if (builtin_matches(f->name, guide_id))
            return load_buffer(f->data, f->size, f->name, err);
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_USAGE;
        err->msg = x12_status_message(X12_ERR_USAGE);
        snprintf(err->detail, sizeof err->detail, "no built-in guide '%.40s'",
                 guide_id ? guide_id : "(null)");
    }
    return NULL;
}

static const char *builtin_ids[32];
static char builtin_store[32][24];
static once_flag builtin_once = ONCE_FLAG_INIT;

/* The guide ids of the embedded specs ("005010X222A1", ...), from their file
 * names; computed once, whichever thread asks first. */
static void find_builtin_ids(void)
{
    size_t k = 0;
    for (const struct x12__embedded_file *f = x12__embedded; f->name && k < 31; f++) {
        const char *dot = strchr(f->name, '.'), *last = strrchr(f->name, '.');
        if (!dot || last == dot || strncmp(f->name, "codes/", 6) == 0 ||
            strncmp(f->name, "control.", 8) == 0)
            continue;
        size_t n = (size_t)(last - dot - 1);
        if (n >= sizeof builtin_store[k])
            continue;
        memcpy(builtin_store[k], dot + 1, n);
        builtin_store[k][n] = '\0';
        builtin_ids[k] = builtin_store[k];
        k++;
    }
}

/* Built-in specs shared by every walker of the process.  Parsing a guide's
 * XML takes some 6 ms, which a walker paid for each file: in a batch of small
 * files (a few claims each, the usual 837) most of the CPU went to libxml2.
 * A spec is never changed once loaded (the walker only reads it), so one
 * copy serves every walker and thread; they stay until the process ends. */
#define SHARED_MAX 64 /* the embedded guides, and the versions read as them */
static x12_spec *shared_specs[SHARED_MAX];
static size_t nshared;
static mtx_t shared_mtx;
static once_flag shared_once = ONCE_FLAG_INIT;

static void shared_init(void)
{
    mtx_init(&shared_mtx, mtx_plain);
}

const x12_spec *x12__spec_builtin_shared(const char *guide_id, x12_error *err)
{
    return x12__spec_builtin_shared_as(guide_id, guide_id, err);
}

const x12_spec *x12__spec_builtin_shared_as(const char *guide_id, const char *as_id,
                                            x12_error *err)
{
    call_once(&shared_once, shared_init);
    mtx_lock(&shared_mtx);
    /* keyed by both ids: a version read as a guide is no guide of its own to
     * a walker that asks for it plainly */
    for (size_t i = 0; i < nshared; i++)
        if (!strcmp(shared_specs[i]->guide_id, as_id) &&
            !strcmp(shared_specs[i]->own_id, guide_id)) {
            x12_spec *s = shared_specs[i];
            mtx_unlock(&shared_mtx);
            if (err) {
                memset(err, 0, sizeof *err);
                err->msg = x12_status_message(X12_OK);
            }
            return s;
        }
    /* a failure (no such guide, no memory) is not kept: the next asks again */
    x12_spec *s = x12_spec_load_builtin(guide_id, err);
    if (s && as_id != guide_id)
        s->guide_id = as_id; /* static text; the spec's own id is in its arena */
    if (s && nshared < SHARED_MAX)
        shared_specs[nshared++] = s;
    else if (s) { /* cannot happen: fewer embedded files than SHARED_MAX */
        x12_spec_free(s);
        s = NULL;
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = X12_ERR_LIMIT;
            err->msg = x12_status_message(X12_ERR_LIMIT);
        }
    }
    mtx_unlock(&shared_mtx);
    return s;
}

const char *const *x12_spec_builtin_ids(void)
{
    call_once(&builtin_once, find_builtin_ids);
    return builtin_ids;
}

const char *x12_spec_guide_id(const x12_spec *s)
{
    return s->guide_id;
}

const char *x12_spec_transaction(const x12_spec *s)
{
    return s->ts;
}

const char *x12_spec_name(const x12_spec *s)
{
    return s->name;
}

void x12_spec_get_stats(const x12_spec *s, x12_spec_stats *out)
{
    *out = s->stats;
}

size_t x12_spec_rule_count(const x12_spec *s)
{
    return s ? s->nrules : 0;
}

x12_status x12_spec_rule_at(const x12_spec *s, size_t i, x12_spec_rule_info *out)
{
    if (!s || !out || i >= s->nrules)
        return X12_ERR_USAGE;
    const spec_rule *r = &s->rules[i];
    out->id = r->id ? r->id : "";
    out->scope = r->scope ? r->scope : "";
    out->segment = r->seg;
    out->severity = r->severity;
    out->snip = r->snip;
    out->ik3 = r->ik3;
    out->ik4 = r->ik4;
    out->message = r->msg ? r->msg : "";
    out->source = r->src ? r->src : "";
    return X12_OK;
}

void x12_spec_free(x12_spec *s)
{
    if (!s)
        return;
    arena_free(s->arena);
}

/* --- overlays (companion guides, SNIP 7) ------------------------------------------- */

/* Usage may only narrow: S to R or N. */
static int usage_ok(char was, char now)
{
    return was == now || (was == 'S' && (now == 'R' || now == 'N'));
}

/* Each returns 1 when it narrowed the value. */
static int ov_usage(loader *L, const xmlNode *n, char *usage)
{
    xmlChar *v = get_prop(L, n, "usage");
    if (!v)
        return 0;
    char u = (char)v[0];
    xmlFree(v);
    if (!usage_ok(*usage, u)) {
        char what[8] = {*usage, '-', '>', u, 0};
        fail(L, X12_ERR_SPEC, n, "usage %s widens the guide", what);
        return 0;
    }
    int changed = *usage != u;
    *usage = u;
    return changed;
}

static int ov_limit(loader *L, const xmlNode *n, const char *name, uint32_t *value)
{
    long v = num_attr(L, n, name, -1);
    if (v < 0)
        return 0;
    if ((uint32_t)v > *value) {
        fail(L, X12_ERR_SPEC, n, "%s is higher than the guide allows", name);
        return 0;
    }
    int changed = *value != (uint32_t)v;
    *value = (uint32_t)v;
    return changed;
}

/* Every place a loop is used (its definition and its looprefs). */
static void each_child_of(spec_loop *lp, const spec_loop *target, loader *L, const xmlNode *n,
                          int depth)
{
    if (depth > 32 || lp->nkids == UINT32_MAX)
        return;
    for (uint32_t i = 0; i < lp->nkids && !L->failed; i++) {
        spec_child *k = &lp->kids[i];
        if (!k->is_loop)
            continue;
        if (k->loop == target) {
            if (ov_usage(L, n, &k->usage))
                k->overlay |= SPEC_OV_USAGE;
            if (ov_limit(L, n, "repeat", &k->repeat))
                k->overlay |= SPEC_OV_REPEAT;
        } else {
            each_child_of(k->loop, target, L, n, depth + 1);
        }
    }
}

static spec_loop *ov_loop(loader *L, const xmlNode *n)
{
    char *id = attr(L, n, "loop");
    spec_loop *lp = !id ? NULL : !strcmp(id, "ST") ? L->spec->root : find_loop(L->spec->root, id);
    if (!lp)
        fail(L, X12_ERR_SPEC, n, "loop '%s' is not in the guide", id ? id : "(none)");
    return lp;
}

/* The segments of a loop that an overlay line names (seg= and keyval=). */
static int ov_segs(loader *L, const xmlNode *n, spec_loop *lp, spec_child **out, int max)
{
    char *id = attr(L, n, "seg");
    char *kv = attr(L, n, "keyval");
    int k = 0;
    for (uint32_t i = 0; id && i < lp->nkids && k < max; i++) {
        spec_child *c = &lp->kids[i];
        if (c->is_loop || strcmp(c->seg->id, id) != 0)
            continue;
        if (kv && !(c->seg->keyvals && spec_codes_has(c->seg->keyvals, c->seg->nkeyvals, kv, strlen(kv))))
            continue;
        out[k++] = c;
    }
    if (!k)
        fail(L, X12_ERR_SPEC, n, "segment '%s' is not in that loop", id ? id : "(none)");
    return k;
}

static void ov_element(loader *L, const xmlNode *n, spec_seg *sg)
{
    char *ref = attr(L, n, "el");
    uint16_t pos, comp;
    if (!ref || parse_ref(ref, sg->id, &pos, &comp) < 0 || pos == 0 || pos > sg->nels) {
        fail(L, X12_ERR_SPEC, n, "element '%s' is not in the segment", ref ? ref : "(none)");
        return;
    }
    spec_el *e = &sg->els[pos - 1];
    if (comp) {
        if (comp > e->ncomps) {
            fail(L, X12_ERR_SPEC, n, "component '%s' is not in the composite", ref);
            return;
        }
        e = &e->comps[comp - 1];
    }
    e->overlay = 1;
    ov_usage(L, n, &e->usage);
    /* an element made required past the guide's last required one: the
     * element checks look that far even when the segment ends sooner */
    if (!comp && e->usage == 'R' && pos > sg->last_required)
        sg->last_required = (uint16_t)pos;
    uint32_t v = e->maxlen ? e->maxlen : UINT16_MAX;
    ov_limit(L, n, "maxlen", &v);
    e->maxlen = (uint16_t)(v == UINT16_MAX ? e->maxlen : v);
    long mn = num_attr(L, n, "minlen", -1);
    if (mn >= 0) {
        if (mn < e->minlen)
            fail(L, X12_ERR_SPEC, n, "minlen is lower than the guide's%s", "");
        else
            e->minlen = (uint16_t)mn;
    }
    uint32_t nc;
    const char *const *codes = split_list(L, n, "codes", &nc);
    if (codes) {
        /* a subset of the guide's codes, or a fixed list where the guide has none */
        for (uint32_t i = 0; e->codes && i < nc; i++)
            if (!spec_codes_has(e->codes, e->ncodes, codes[i], strlen(codes[i]))) {
                fail(L, X12_ERR_SPEC, n, "code '%s' is not allowed by the guide", codes[i]);
                return;
            }
        e->codes = codes;
        e->ncodes = nc;
        e->ckeys = pack_keys(L, codes, nc);
    }
    char *pat = attr(L, n, "pattern");
    if (pat) {
        if (e->re)
            fail(L, X12_ERR_SPEC, n, "element '%s' has a pattern already", ref);
        else
            set_pattern(L, n, e, pat);
    }
}

static x12_status apply_overlay_doc(x12_spec *s, xmlDoc *doc, const char *name, x12_error *err)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.name = name;
    L.err = err;
    L.spec = s;
    L.blocks = s->arena;
    xmlNode *root = xmlDocGetRootElement(doc);
    char *guide = root && is(root, "overlay") ? attr(&L, root, "guide") : NULL;
    if (!root || !is(root, "overlay")) {
        fail(&L, X12_ERR_SPEC, root, "the root element is not <overlay>%s", "");
    } else if (!guide || strcmp(guide, s->guide_id) != 0) {
        fail(&L, X12_ERR_SPEC, root, "the overlay is for guide '%s'", guide ? guide : "(none)");
    }
    uint32_t old_rules = s->nrules;
    for (xmlNode *x = root ? root->children : NULL; x && !L.failed; x = x->next) {
        if (is(x, "loopmod")) {
            spec_loop *lp = ov_loop(&L, x);
            if (lp)
                each_child_of(s->root, lp, &L, x, 0);
        } else if (is(x, "segmod") || is(x, "elmod")) {
            spec_loop *lp = ov_loop(&L, x);
            spec_child *segs[8];
            int k = lp ? ov_segs(&L, x, lp, segs, 8) : 0;
            for (int i = 0; i < k && !L.failed; i++) {
                if (is(x, "segmod")) {
                    if (ov_usage(&L, x, &segs[i]->usage))
                        segs[i]->overlay |= SPEC_OV_USAGE;
                    segs[i]->seg->usage = segs[i]->usage;
                    if (ov_limit(&L, x, "maxuse", &segs[i]->repeat))
                        segs[i]->overlay |= SPEC_OV_REPEAT;
                    segs[i]->seg->maxuse = segs[i]->repeat;
                } else {
                    ov_element(&L, x, segs[i]->seg);
                }
            }
        } else if (is(x, "rules")) {
            load_rules(&L, x);
            for (uint32_t i = old_rules; i < s->nrules && !L.failed; i++)
                for (uint32_t j = 0; j < old_rules; j++)
                    if (s->rules[i].id && s->rules[j].id && !strcmp(s->rules[i].id, s->rules[j].id))
                        fail(&L, X12_ERR_SPEC, x, "rule id '%s' is the guide's already",
                             s->rules[i].id);
            if (!L.failed)
                attach_rules(&L, old_rules);
            s->stats.rules = s->nrules;
        }
    }
    if (!L.failed)
        relist_required(s->root, 0); /* usage may have changed */
    s->arena = L.blocks; /* new blocks went to the head of the list */
    if (L.failed)
        return L.code;
    char *id = root ? attr(&L, root, "id") : NULL;
    s->arena = L.blocks;
    if (L.failed)
        return L.code;
    size_t used = strlen(s->overlays);
    snprintf(s->overlays + used, sizeof s->overlays - used, "%s%s", used ? " " : "", id ? id : name);
    return X12_OK;
}

static void overlay_read_error(x12_error *err, x12_status code, uint64_t line, const char *name)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->msg = x12_status_message(code);
    err->byte_offset = line;
    if (code != X12_ERR_NOMEM)
        snprintf(err->detail, sizeof err->detail, "%.60s: cannot read or not well-formed", name);
}

/* An overlay's XML from the file `path`, else from `len` bytes at `xml`.
 * NULL with *code X12_ERR_NOMEM, or X12_ERR_SPEC for a file that cannot be
 * read or is not well-formed; err is set. */
static xmlDoc *read_overlay(const char *path, const void *xml, size_t len, const char *name,
                            x12_status *code, x12_error *err)
{
    char *buf = NULL;
    uint64_t line = 0;
    xmlDoc *doc = NULL;
    *code = X12_OK;
    if (path) {
        *code = read_whole(path, &buf, &len);
        xml = buf ? buf : "";
    }
    if (*code == X12_OK) {
        if (len > INT_MAX)
            *code = X12_ERR_SPEC;
        else
            doc = read_xml(xml, len, name, code, &line);
    }
    free(buf);
    if (!doc) {
        if (*code != X12_ERR_NOMEM)
            *code = X12_ERR_SPEC;
        overlay_read_error(err, *code, line, name);
    }
    return doc;
}

/* An overlay from a file (`path`) or from memory, applied to `s`. */
static x12_status apply_overlay_from(x12_spec *s, const char *path, const void *xml, size_t len,
                                     const char *name, x12_error *err)
{
    x12_status st;
    xmlDoc *doc = read_overlay(path, xml, len, name, &st, err);
    if (!doc)
        return st;
    st = apply_overlay_doc(s, doc, name, err);
    xmlFreeDoc(doc);
    return st;
}

x12_status x12_spec_apply_overlay(x12_spec *s, const char *path, x12_error *err)
{
    return apply_overlay_from(s, path, NULL, 0, path, err);
}

x12_status x12_spec_apply_overlay_memory(x12_spec *s, const void *xml, size_t len, const char *name,
                                         x12_error *err)
{
    return apply_overlay_from(s, NULL, xml, len, name ? name : "overlay", err);
}

/* The built-in guide the overlay's guide= names, with the overlay applied. */
static x12_spec *load_overlaid_doc(xmlDoc *doc, const char *name, x12_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlChar *guide = root ? xmlGetProp(root, (const xmlChar *)"guide") : NULL;
    if (!guide && root && xmlHasProp(root, (const xmlChar *)"guide")) {
        overlay_read_error(err, X12_ERR_NOMEM, 0, name); /* libxml2 could not copy it */
        return NULL;
    }
    x12_spec *s = x12_spec_load_builtin(guide ? (const char *)guide : "", err);
    xmlFree(guide);
    if (s && apply_overlay_doc(s, doc, name, err) != X12_OK) {
        x12_spec_free(s);
        s = NULL;
    }
    return s;
}

/* The guide an overlay from a file (`path`) or from memory names, overlaid. */
static x12_spec *load_overlaid_from(const char *path, const void *xml, size_t len,
                                    const char *name, x12_error *err)
{
    x12_status st;
    xmlDoc *doc = read_overlay(path, xml, len, name, &st, err);
    if (!doc)
        return NULL;
    x12_spec *s = load_overlaid_doc(doc, name, err);
    xmlFreeDoc(doc);
    return s;
}

x12_spec *x12_spec_load_overlaid(const char *path, x12_error *err)
{
    return load_overlaid_from(path, NULL, 0, path, err);
}

x12_spec *x12_spec_load_overlaid_memory(const void *xml, size_t len, const char *name, x12_error *err)
{
    return load_overlaid_from(NULL, xml, len, name ? name : "overlay", err);
}

const char *x12_spec_overlays(const x12_spec *s)
{
    return s->overlays;
}
