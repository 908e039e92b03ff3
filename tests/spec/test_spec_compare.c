/*
 * test_spec_compare: compares each x12kit spec with the pyx12 reference map named by its
 * refmap attribute and prints every difference.
 *
 *   test_spec_compare SPEC_DIR REF_DIR
 *
 * Compared: loop ids and nesting, segment ids per loop (same-tag siblings matched in order),
 * names, usage, loop repeat, segment max use, syntax notes, element usage and repetition,
 * data type and min/max length (pyx12 keeps these in dataele.xml), inline code lists and
 * external list names.  A difference passes only when the spec records it as a
 * <deviation ref="pyx12" what=...> on the node that differs, with the reference value in
 * was= (or the exact codes in add=/del=); a recorded deviation that matches no difference
 * fails too, so the record cannot drift from the data.  When REF_DIR does not exist the test
 * says so and is skipped.  Depends on cmocka and libxml2 only.
 */
#define _POSIX_C_SOURCE 200809L /* opendir, stat */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#define MAX_ITEMS 512
#define MAX_GUIDES 32

static const char *g_spec_dir;
static const char *g_ref_dir;

/* ------------------------------------------------------------------ small helpers */

static int is_el(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Collapse runs of whitespace to one space and trim, in place. */
static void norm_ws(char *s)
{
    char *w = s;
    int space = 1;
    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *r;
            space = 0;
        }
    }
    if (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

static void copy_str(char *buf, size_t len, const char *s)
{
    snprintf(buf, len, "%s", s ? s : "");
}

/* Attribute value into buf ("" when absent). */
static const char *aget(xmlNodePtr n, const char *name, char *buf, size_t len)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    copy_str(buf, len, (const char *)v);
    xmlFree(v);
    return buf;
}

/* Text of the first child element called name, whitespace-normalised ("" when absent). */
static const char *ctext(xmlNodePtr n, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is_el(c, name)) {
            xmlChar *v = xmlNodeGetContent(c);
            copy_str(buf, len, (const char *)v);
            xmlFree(v);
            norm_ws(buf);
            break;
        }
    }
    return buf;
}

/* pyx12 counts: ">1" is unbounded, numbers lose leading zeros. */
static void norm_count(char *s)
{
    norm_ws(s);
    if (s[0] == '>') {
        strcpy(s, "unbounded");
        return;
    }
    if (s[0] >= '0' && s[0] <= '9') {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%ld", strtol(s, NULL, 10));
        strcpy(s, tmp);
    }
}

/* ------------------------------------------------------------------ code sets */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits a whitespace list into a sorted, de-duplicated array of strings (caller frees). */
static size_t split_set(const char *s, char ***out)
{
    size_t n = 0, cap = 8;
    char **v = malloc(cap * sizeof *v);
    assert_non_null(v);
    const char *p = s ? s : "";
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
            e++;
        if (n == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[n] = malloc((size_t)(e - p) + 1);
        assert_non_null(v[n]);
        memcpy(v[n], p, (size_t)(e - p));
        v[n][e - p] = '\0';
        n++;
        p = e;
    }
    qsort(v, n, sizeof *v, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u > 0 && strcmp(v[u - 1], v[i]) == 0) {
            free(v[i]);
            continue;
        }
        v[u++] = v[i];
    }
    *out = v;
    return u;
}

static void free_set(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* out = a minus b, space-joined. */
static void set_minus(char **a, size_t na, char **b, size_t nb, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < na; i++) {
        if (nb && bsearch(&a[i], b, nb, sizeof *b, cmp_str))
            continue;
        int w = snprintf(out + used, len - used, "%s%s", used ? " " : "", a[i]);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

/* Canonical form of a list: sorted, unique, space-joined. */
static void canon_set(const char *s, char *out, size_t len)
{
    char **v;
    size_t n = split_set(s, &v);
    set_minus(v, n, NULL, 0, out, len);
    free_set(v, n);
}

/* ------------------------------------------------------------------ data elements */

typedef struct {
    char num[8];
    char type[4];
    char min[8];
    char max[8];
} dataele;

static dataele *g_de;
static size_t g_nde;

static int load_dataele(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/dataele.xml", g_ref_dir);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    if (doc == NULL)
        return -1;
    size_t cap = 512;
    g_de = calloc(cap, sizeof *g_de);
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (!is_el(c, "data_ele"))
            continue;
        if (g_nde == cap) {
            cap *= 2;
            g_de = realloc(g_de, cap * sizeof *g_de);
        }
        dataele *d = &g_de[g_nde++];
        aget(c, "ele_num", d->num, sizeof d->num);
        aget(c, "data_type", d->type, sizeof d->type);
        aget(c, "min_len", d->min, sizeof d->min);
        aget(c, "max_len", d->max, sizeof d->max);
    }
    xmlFreeDoc(doc);
    return 0;
}

static const dataele *find_de(const char *num)
{
    for (size_t i = 0; i < g_nde; i++)
        if (strcmp(g_de[i].num, num) == 0)
            return &g_de[i];
    return NULL;
}

/* ------------------------------------------------------------------ comparison state */

typedef struct {
    const char *file;
    xmlDocPtr doc;
    size_t diffs, recorded, unrecorded;
    xmlNodePtr *used;
    size_t nused, capused;
} cmpctx;

static void mark_used(cmpctx *c, xmlNodePtr dev)
{
    for (size_t i = 0; i < c->nused; i++)
        if (c->used[i] == dev)
            return;
    if (c->nused == c->capused) {
        c->capused = c->capused ? c->capused * 2 : 64;
        c->used = realloc(c->used, c->capused * sizeof *c->used);
        assert_non_null(c->used);
    }
    c->used[c->nused++] = dev;
}

/* The <deviation ref="pyx12" what=what> child of node, or NULL. */
static xmlNodePtr find_dev(xmlNodePtr node, const char *what, const char *item)
{
    char buf[256];
    for (xmlNodePtr d = node->children; d; d = d->next) {
        if (!is_el(d, "deviation"))
            continue;
        if (strcmp(aget(d, "ref", buf, sizeof buf), "pyx12") != 0)
            continue;
        if (strcmp(aget(d, "what", buf, sizeof buf), what) != 0)
            continue;
        if (item && strcmp(aget(d, "item", buf, sizeof buf), item) != 0)
            continue;
        return d;
    }
    return NULL;
}

static void print_diff(cmpctx *c, const char *path, const char *what, const char *refv,
                       const char *ourv, int ok, const char *why)
{
    c->diffs++;
    if (ok)
        c->recorded++;
    else
        c->unrecorded++;
    printf("  %s %s %s: pyx12 [%s] spec [%s]%s%s\n", ok ? "deviation " : "UNRECORDED", path,
           what, refv, ourv, why ? " - " : "", why ? why : "");
}

/* A scalar property differs: recorded when a deviation with the same what has was=refv. */
static void scalar(cmpctx *c, xmlNodePtr ours, const char *path, const char *what,
                   const char *refv, const char *ourv)
{
    if (strcmp(refv, ourv) == 0)
        return;
    xmlNodePtr dev = find_dev(ours, what, NULL);
    char was[512];
    if (dev == NULL) {
        print_diff(c, path, what, refv, ourv, 0, NULL);
        return;
    }
    aget(dev, "was", was, sizeof was);
    norm_ws(was);
    if (strcmp(was, refv) != 0) {
        print_diff(c, path, what, refv, ourv, 0, "the deviation records another was=");
        return;
    }
    mark_used(c, dev);
    print_diff(c, path, what, refv, ourv, 1, NULL);
}

/* A list property (codes, syntax): recorded when add=/del= are exactly the differences. */
static void listdiff(cmpctx *c, xmlNodePtr ours, const char *path, const char *what,
                     const char *refv, const char *ourv)
{
    char **r, **o;
    size_t nr = split_set(refv, &r), no = split_set(ourv, &o);
    char add[4096], del[4096];
    set_minus(o, no, r, nr, add, sizeof add);
    set_minus(r, nr, o, no, del, sizeof del);
    free_set(r, nr);
    free_set(o, no);
    if (!add[0] && !del[0])
        return;
    char shown_ref[600], shown_our[600];
    snprintf(shown_ref, sizeof shown_ref, "-%.590s", del);
    snprintf(shown_our, sizeof shown_our, "+%.590s", add);
    xmlNodePtr dev = find_dev(ours, what, NULL);
    if (dev == NULL) {
        print_diff(c, path, what, shown_ref, shown_our, 0, NULL);
        return;
    }
    char dadd_raw[4096], ddel_raw[4096], dadd[4096], ddel[4096];
    canon_set(aget(dev, "add", dadd_raw, sizeof dadd_raw), dadd, sizeof dadd);
    canon_set(aget(dev, "del", ddel_raw, sizeof ddel_raw), ddel, sizeof ddel);
    if (strcmp(dadd, add) != 0 || strcmp(ddel, del) != 0) {
        print_diff(c, path, what, shown_ref, shown_our, 0,
                   "the deviation records other add=/del= codes");
        return;
    }
    mark_used(c, dev);
    print_diff(c, path, what, shown_ref, shown_our, 1, NULL);
}

/* A whole node present on one side only. */
static void presence(cmpctx *c, xmlNodePtr ours_container, xmlNodePtr extra_ours,
                     const char *path, const char *item)
{
    xmlNodePtr dev = extra_ours ? find_dev(extra_ours, "added", NULL)
                                : find_dev(ours_container, "removed", item);
    if (dev)
        mark_used(c, dev);
    print_diff(c, path, extra_ours ? "node" : "node", extra_ours ? "absent" : item,
               extra_ours ? item : "absent", dev != NULL, NULL);
}

/* ------------------------------------------------------------------ tree walking */

typedef struct {
    xmlNodePtr n;
    int loop; /* 1 loop or loopref, 0 segment */
    char id[40];
    int taken;
} item;

static int is_wrapper(const char *xid)
{
    return strcmp(xid, "HEADER") == 0 || strcmp(xid, "DETAIL") == 0 ||
           strcmp(xid, "FOOTER") == 0;
}

static void ref_items(xmlNodePtr n, item *v, size_t *nv)
{
    char xid[40];
    for (xmlNodePtr c = n->children; c; c = c->next) {
        int loop = is_el(c, "loop");
        if (!loop && !is_el(c, "segment"))
            continue;
        aget(c, "xid", xid, sizeof xid);
        if (loop && is_wrapper(xid)) {
            ref_items(c, v, nv);
            continue;
        }
        assert_true(*nv < MAX_ITEMS);
        v[*nv].n = c;
        v[*nv].loop = loop;
        v[*nv].taken = 0;
        copy_str(v[*nv].id, sizeof v[*nv].id, xid);
        (*nv)++;
    }
}

static void our_items(xmlNodePtr n, item *v, size_t *nv)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        int loop = is_el(c, "loop"), lref = is_el(c, "loopref");
        if (!loop && !lref && !is_el(c, "seg"))
            continue;
        assert_true(*nv < MAX_ITEMS);
        v[*nv].n = c;
        v[*nv].loop = loop || lref;
        v[*nv].taken = 0;
        aget(c, lref ? "ref" : "id", v[*nv].id, sizeof v[*nv].id);
        (*nv)++;
    }
}

static xmlNodePtr find_loop_def(xmlNodePtr n, const char *id)
{
    char buf[40];
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!is_el(c, "loop"))
            continue;
        if (strcmp(aget(c, "id", buf, sizeof buf), id) == 0)
            return c;
        xmlNodePtr r = find_loop_def(c, id);
        if (r)
            return r;
    }
    return NULL;
}

static void compare_container(cmpctx *c, xmlNodePtr ours, xmlNodePtr ref, const char *path);

static void compare_element(cmpctx *c, xmlNodePtr ours, xmlNodePtr ref, const char *path,
                            int composite)
{
    char r[4096], o[4096];
    scalar(c, ours, path, "name", ctext(ref, "name", r, sizeof r), aget(ours, "name", o, sizeof o));
    scalar(c, ours, path, "usage", ctext(ref, "usage", r, sizeof r),
           aget(ours, "usage", o, sizeof o));
    ctext(ref, "repeat", r, sizeof r);
    if (!r[0])
        strcpy(r, "1");
    norm_count(r);
    aget(ours, "rep", o, sizeof o);
    if (!o[0])
        strcpy(o, "1");
    scalar(c, ours, path, "rep", r, o);
    if (composite) {
        char rpath[512], refid[96], seq[16], base[64];
        aget(ours, "ref", base, sizeof base);
        for (xmlNodePtr e = ref->children; e; e = e->next) {
            if (!is_el(e, "element"))
                continue;
            snprintf(refid, sizeof refid, "%.60s-%02ld", base,
                     strtol(ctext(e, "seq", seq, sizeof seq), NULL, 10));
            xmlNodePtr mine = NULL;
            for (xmlNodePtr x = ours->children; x; x = x->next) {
                char id[64];
                if (is_el(x, "el") && strcmp(aget(x, "ref", id, sizeof id), refid) == 0)
                    mine = x;
            }
            snprintf(rpath, sizeof rpath, "%s-%s", path, refid + strlen(base) + 1);
            if (mine == NULL) {
                presence(c, ours, NULL, rpath, refid);
                continue;
            }
            compare_element(c, mine, e, rpath, 0);
        }
        return;
    }
    const dataele *d = find_de(ctext(ref, "data_ele", r, sizeof r));
    scalar(c, ours, path, "de", r, aget(ours, "de", o, sizeof o));
    if (d == NULL) {
        print_diff(c, path, "de", r, "?", 0, "not in dataele.xml");
        return;
    }
    scalar(c, ours, path, "type", d->type, aget(ours, "type", o, sizeof o));
    scalar(c, ours, path, "minlen", d->min, aget(ours, "minlen", o, sizeof o));
    scalar(c, ours, path, "maxlen", d->max, aget(ours, "maxlen", o, sizeof o));
    /* inline codes and external list */
    xmlNodePtr vc = NULL;
    for (xmlNodePtr x = ref->children; x; x = x->next)
        if (is_el(x, "valid_codes"))
            vc = x;
    size_t used = 0;
    r[0] = '\0';
    char ext[64] = "";
    if (vc) {
        aget(vc, "external", ext, sizeof ext);
        for (xmlNodePtr k = vc->children; k; k = k->next) {
            if (!is_el(k, "code"))
                continue;
            xmlChar *t = xmlNodeGetContent(k);
            /* a space inside a code is written "_" in our lists (docs/specs.md) */
            for (xmlChar *q = t; q && *q; q++)
                if (*q == ' ')
                    *q = '_';
            int w = snprintf(r + used, sizeof r - used, "%s%s", used ? " " : "", (char *)t);
            xmlFree(t);
            if (w > 0 && (size_t)w < sizeof r - used)
                used += (size_t)w;
        }
    }
    listdiff(c, ours, path, "codes", r, aget(ours, "codes", o, sizeof o));
    scalar(c, ours, path, "ext", ext, aget(ours, "ext", o, sizeof o));
    /* an element's pattern (pyx12 <regex>, whitespace folded as specgen does) */
    scalar(c, ours, path, "pattern", ctext(ref, "regex", r, sizeof r),
           aget(ours, "pattern", o, sizeof o));
}

static void compare_segment(cmpctx *c, xmlNodePtr ours, xmlNodePtr ref, const char *path)
{
    char r[4096], o[4096], sid[16];
    scalar(c, ours, path, "name", ctext(ref, "name", r, sizeof r), aget(ours, "name", o, sizeof o));
    scalar(c, ours, path, "usage", ctext(ref, "usage", r, sizeof r),
           aget(ours, "usage", o, sizeof o));
    ctext(ref, "max_use", r, sizeof r);
    norm_count(r);
    scalar(c, ours, path, "maxuse", r, aget(ours, "maxuse", o, sizeof o));
    /* syntax notes */
    size_t used = 0;
    r[0] = '\0';
    for (xmlNodePtr x = ref->children; x; x = x->next) {
        if (!is_el(x, "syntax"))
            continue;
        xmlChar *t = xmlNodeGetContent(x);
        int w = snprintf(r + used, sizeof r - used, "%s%s", used ? " " : "", (char *)t);
        xmlFree(t);
        if (w > 0 && (size_t)w < sizeof r - used)
            used += (size_t)w;
    }
    listdiff(c, ours, path, "syntax", r, aget(ours, "syntax", o, sizeof o));

    aget(ours, "id", sid, sizeof sid);
    int seen[100] = {0};
    for (xmlNodePtr e = ref->children; e; e = e->next) {
        int comp = is_el(e, "composite");
        if (!comp && !is_el(e, "element"))
            continue;
        char seq[16], refid[32], epath[2200];
        long pos = strtol(ctext(e, "seq", seq, sizeof seq), NULL, 10);
        snprintf(refid, sizeof refid, "%s%02ld", sid, pos);
        snprintf(epath, sizeof epath, "%s/%s", path, refid);
        xmlNodePtr mine = NULL;
        for (xmlNodePtr x = ours->children; x; x = x->next) {
            char id[32];
            if ((is_el(x, "el") || is_el(x, "comp")) &&
                strcmp(aget(x, "ref", id, sizeof id), refid) == 0)
                mine = x;
        }
        if (pos > 0 && pos < 100)
            seen[pos] = 1;
        if (mine == NULL) {
            presence(c, ours, NULL, epath, refid);
            continue;
        }
        if (comp != is_el(mine, "comp")) {
            print_diff(c, epath, "kind", comp ? "composite" : "element",
                       comp ? "element" : "composite", 0, NULL);
            continue;
        }
        compare_element(c, mine, e, epath, comp);
    }
    for (xmlNodePtr x = ours->children; x; x = x->next) {
        char id[32], epath[2200];
        if (!is_el(x, "el") && !is_el(x, "comp"))
            continue;
        aget(x, "ref", id, sizeof id);
        long pos = strtol(id + strlen(sid), NULL, 10);
        if (pos > 0 && pos < 100 && !seen[pos]) {
            snprintf(epath, sizeof epath, "%s/%s", path, id);
            presence(c, ours, x, epath, id);
        }
    }
}

static void compare_loop(cmpctx *c, xmlNodePtr ours, xmlNodePtr ref, const char *path)
{
    char r[512], o[512];
    xmlNodePtr def = ours;
    if (is_el(ours, "loopref")) {
        def = find_loop_def(xmlDocGetRootElement(c->doc), aget(ours, "ref", o, sizeof o));
        if (def == NULL) {
            print_diff(c, path, "loopref", "", o, 0, "no such loop");
            return;
        }
    }
    scalar(c, def, path, "name", ctext(ref, "name", r, sizeof r), aget(def, "name", o, sizeof o));
    scalar(c, ours, path, "usage", ctext(ref, "usage", r, sizeof r),
           aget(ours, "usage", o, sizeof o));
    ctext(ref, "repeat", r, sizeof r);
    norm_count(r);
    scalar(c, ours, path, "repeat", r, aget(ours, "repeat", o, sizeof o));
    compare_container(c, def, ref, path);
}

static void compare_container(cmpctx *c, xmlNodePtr ours, xmlNodePtr ref, const char *path)
{
    item *rv = calloc(MAX_ITEMS, sizeof *rv), *ov = calloc(MAX_ITEMS, sizeof *ov);
    assert_non_null(rv);
    assert_non_null(ov);
    size_t nr = 0, no = 0;
    ref_items(ref, rv, &nr);
    our_items(ours, ov, &no);
    char sub[1024], item_name[64];

    for (size_t i = 0; i < nr; i++) {
        /* the k-th loop/segment with this id in the reference matches the k-th in the spec,
         * skipping spec nodes recorded as added */
        size_t k = 0;
        for (size_t j = 0; j < i; j++)
            if (rv[j].loop == rv[i].loop && strcmp(rv[j].id, rv[i].id) == 0)
                k++;
        item *match = NULL;
        size_t seen = 0;
        for (size_t j = 0; j < no && !match; j++) {
            if (ov[j].loop != rv[i].loop || strcmp(ov[j].id, rv[i].id) != 0)
                continue;
            if (find_dev(ov[j].n, "added", NULL))
                continue;
            if (seen++ == k)
                match = &ov[j];
        }
        if (k > 0)
            snprintf(sub, sizeof sub, "%s/%s#%zu", path, rv[i].id, k + 1);
        else
            snprintf(sub, sizeof sub, "%s/%s", path, rv[i].id);
        if (match == NULL) {
            snprintf(item_name, sizeof item_name, "%s:%s#%zu", rv[i].loop ? "loop" : "seg",
                     rv[i].id, k + 1);
            presence(c, ours, NULL, sub, item_name);
            continue;
        }
        match->taken = 1;
        if (rv[i].loop)
            compare_loop(c, match->n, rv[i].n, sub);
        else
            compare_segment(c, match->n, rv[i].n, sub);
    }
    for (size_t j = 0; j < no; j++) {
        if (ov[j].taken)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, ov[j].id);
        snprintf(item_name, sizeof item_name, "%s:%s", ov[j].loop ? "loop" : "seg", ov[j].id);
        presence(c, ours, ov[j].n, sub, item_name);
    }
    free(rv);
    free(ov);
}

static xmlNodePtr find_ref_loop(xmlNodePtr n, const char *xid)
{
    char buf[40];
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!is_el(c, "loop"))
            continue;
        if (strcmp(aget(c, "xid", buf, sizeof buf), xid) == 0)
            return c;
        xmlNodePtr r = find_ref_loop(c, xid);
        if (r)
            return r;
    }
    return NULL;
}

/* Recorded deviations that matched nothing. */
static size_t stale_deviations(cmpctx *c, xmlNodePtr n)
{
    size_t stale = 0;
    char buf[256];
    for (xmlNodePtr x = n->children; x; x = x->next) {
        if (x->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(x, "deviation") && strcmp(aget(x, "ref", buf, sizeof buf), "pyx12") == 0) {
            int used = 0;
            for (size_t i = 0; i < c->nused; i++)
                used |= c->used[i] == x;
            if (!used) {
                char id[64], what[32];
                if (!aget(n, "ref", id, sizeof id)[0])
                    aget(n, "id", id, sizeof id);
                printf("  STALE      deviation what=%s on %s (line %ld) matches no difference\n",
                       aget(x, "what", what, sizeof what), id, xmlGetLineNo(x));
                stale++;
            }
        }
        stale += stale_deviations(c, x);
    }
    return stale;
}

/* ------------------------------------------------------------------ tests */

typedef struct {
    char spec[4096];
    char refmap[256];
    char name[256];
} guide_case;

static guide_case g_cases[MAX_GUIDES];
static size_t g_ncases;

static void test_compare_guide(void **state)
{
    const guide_case *gc = *state;
    cmpctx c = {0};
    c.file = gc->spec;
    c.doc = xmlReadFile(gc->spec, NULL, XML_PARSE_NONET);
    assert_non_null(c.doc);
    xmlNodePtr ours = xmlDocGetRootElement(c.doc);
    if (!gc->refmap[0]) {
        char basis[64], ver[16];
        printf("%s: no reference map (basis=%s, verified=%s); not compared\n", gc->name,
               aget(ours, "basis", basis, sizeof basis), aget(ours, "verified", ver, sizeof ver));
        xmlFreeDoc(c.doc);
        return;
    }
    char path[4096], kind[32];
    snprintf(path, sizeof path, "%s/%s", g_ref_dir, gc->refmap);
    xmlDocPtr ref = xmlReadFile(path, NULL, XML_PARSE_NONET);
    if (ref == NULL)
        fail_msg("%s: cannot read reference map %s", gc->name, path);
    printf("%s against %s\n", gc->name, path);
    xmlNodePtr rroot = xmlDocGetRootElement(ref);
    if (strcmp(aget(ours, "kind", kind, sizeof kind), "envelope") == 0) {
        compare_container(&c, ours, rroot, "");
    } else {
        xmlNodePtr st = find_ref_loop(rroot, "ST_LOOP");
        assert_non_null(st);
        compare_container(&c, ours, st, "");
    }
    size_t stale = stale_deviations(&c, ours);
    printf("%s: %zu differences, %zu recorded as deviations, %zu unrecorded, %zu stale "
           "deviations\n",
           gc->name, c.diffs, c.recorded, c.unrecorded, stale);
    free(c.used);
    xmlFreeDoc(ref);
    xmlFreeDoc(c.doc);
    fflush(stdout);
    if (c.unrecorded || stale)
        fail_msg("%s: %zu unrecorded differences, %zu stale deviations", gc->name, c.unrecorded,
                 stale);
}

static void test_reference_missing(void **state)
{
    (void)state;
    printf("reference maps not found at %s: spec comparison skipped\n", g_ref_dir);
    skip();
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_case(const void *a, const void *b)
{
    return strcmp(((const guide_case *)a)->name, ((const guide_case *)b)->name);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SPEC_DIR REF_DIR\n", argv[0]);
        return 2;
    }
    g_spec_dir = argv[1];
    g_ref_dir = argv[2];
    LIBXML_TEST_VERSION

    struct stat st;
    if (stat(g_ref_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        const struct CMUnitTest skipped[] = {cmocka_unit_test(test_reference_missing)};
        return cmocka_run_group_tests_name("spec_compare", skipped, NULL, NULL);
    }
    if (load_dataele() != 0) {
        fprintf(stderr, "cannot read %s/dataele.xml\n", g_ref_dir);
        return 1;
    }

    DIR *d = opendir(g_spec_dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s\n", g_spec_dir);
        return 1;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!ends_with(e->d_name, ".xml") || g_ncases == MAX_GUIDES)
            continue;
        guide_case *gc = &g_cases[g_ncases];
        snprintf(gc->spec, sizeof gc->spec, "%s/%s", g_spec_dir, e->d_name);
        snprintf(gc->name, sizeof gc->name, "%s", e->d_name);
        xmlDocPtr doc = xmlReadFile(gc->spec, NULL, XML_PARSE_NONET);
        if (doc == NULL)
            continue;
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (is_el(root, "guide")) {
            aget(root, "refmap", gc->refmap, sizeof gc->refmap);
            g_ncases++;
        }
        xmlFreeDoc(doc);
    }
    closedir(d);
    qsort(g_cases, g_ncases, sizeof g_cases[0], cmp_case);

    struct CMUnitTest tests[MAX_GUIDES];
    for (size_t i = 0; i < g_ncases; i++) {
        tests[i].name = g_cases[i].name;
        tests[i].test_func = test_compare_guide;
        tests[i].setup_func = NULL;
        tests[i].teardown_func = NULL;
        tests[i].initial_state = &g_cases[i];
    }
    if (g_ncases == 0) {
        fprintf(stderr, "no guides found in %s\n", g_spec_dir);
        return 1;
    }
    int rc = _cmocka_run_group_tests("spec_compare", tests, g_ncases, NULL, NULL);
    free(g_de);
    xmlCleanupParser();
    return rc;
}
