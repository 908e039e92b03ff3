/* Whole-value patterns (pattern.h): the pattern is parsed into a small tree,
 * the tree is spelled out as a program (repetitions copied), and a value is
 * matched by running every live program position in step over its bytes
 * (each position at most once per byte), so the time is bounded by the
 * value's length times the program's, whatever the pattern. */
#include <stdio.h>
#include <string.h>

#include "pattern.h"

#define MAX_NODES (4 * PATTERN_MAX_SOURCE)
#define MAX_SETS 64
#define INF 0xFFFF
#define STR_(x) #x
#define STR(x) STR_(x)

enum { N_EMPTY, N_BYTE, N_SET, N_ANY, N_CAT, N_ALT, N_REP };
enum { I_BYTE, I_SET, I_ANY, I_SPLIT, I_JMP, I_MATCH };

typedef struct node {
    uint8_t kind, byte;
    uint8_t empty;      /* matches only the empty value: emits nothing */
    uint16_t set;
    int16_t a, b;       /* children: CAT and ALT both, REP a */
    uint16_t min, max;  /* REP; max INF = unbounded */
} node;

typedef struct inst {
    uint8_t op, byte;
    uint16_t x, y; /* SET: x the set; SPLIT: both targets; JMP: x */
} inst;

struct pattern {
    uint16_t n;
    /* the quick path, for a program without choices: `head` steps of one
     * byte each, then (loop) any number of the step at `head` + 1, or
     * nothing more; QUICK_NONE when the program has other choices */
    uint16_t head;
    uint8_t loop;
    const inst *prog;
    const uint8_t (*sets)[32];
};

#define QUICK_NONE 0xFFFF

typedef struct parser {
    const char *s;
    size_t i, len;
    node nodes[MAX_NODES];
    int nn;
    uint8_t sets[MAX_SETS][32];
    int nsets;
    int depth;
    int bad;
    char *why;
    size_t whycap;
    inst prog[PATTERN_MAX_PROGRAM];
    int np;
} parser;

static int fail(parser *p, const char *what)
{
    if (!p->bad) {
        p->bad = 1;
        if (p->why && p->whycap)
            snprintf(p->why, p->whycap, "at byte %zu: %s", p->i, what);
    }
    return -1;
}

static int new_node(parser *p, uint8_t kind)
{
    if (p->nn == MAX_NODES)
        return fail(p, "too complex");
    node *n = &p->nodes[p->nn];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->empty = kind == N_EMPTY;
    n->a = n->b = -1;
    return p->nn++;
}

static int pair(parser *p, uint8_t kind, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    int n = new_node(p, kind);
    if (n >= 0) {
        p->nodes[n].a = (int16_t)a;
        p->nodes[n].b = (int16_t)b;
        p->nodes[n].empty = p->nodes[a].empty && p->nodes[b].empty;
    }
    return n;
}

/* The index of `set` among the pattern's sets, added when it is new (equal
 * bracket expressions share one). */
static int find_set(parser *p, const uint8_t *set)
{
    for (int k = 0; k < p->nsets; k++)
        if (!memcmp(p->sets[k], set, 32))
            return k;
    if (p->nsets == MAX_SETS)
        return fail(p, "too complex (over " STR(MAX_SETS) " bracket sets)");
    memcpy(p->sets[p->nsets], set, 32);
    return p->nsets++;
}

static void set_add(uint8_t *set, unsigned c)
{
    set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static int ascii_class(const char *name, size_t n, unsigned c)
{
#define IS(s) (n == sizeof(s) - 1 && !memcmp(name, s, n))
    int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
    if (IS("digit"))
        return digit;
    if (IS("alpha"))
        return upper || lower;
    if (IS("alnum"))
        return upper || lower || digit;
    if (IS("upper"))
        return upper;
    if (IS("lower"))
        return lower;
    if (IS("space"))
        return c == ' ' || (c >= '\t' && c <= '\r');
    if (IS("punct"))
        return c > ' ' && c < 0x7f && !upper && !lower && !digit;
#undef IS
    return -1;
}

/* [...] after the '[': its set. */
static int bracket(parser *p)
{
    uint8_t set[32] = {0};
    int neg = 0;
    if (p->i < p->len && p->s[p->i] == '^') {
        neg = 1;
        p->i++;
    }
    int first = 1;
    for (;;) {
        if (p->i >= p->len)
            return fail(p, "'[' without ']'");
        unsigned c = (unsigned char)p->s[p->i];
        if (c == ']' && !first) {
            p->i++;
            break;
        }
        first = 0;
        if (c == '[' && p->i + 1 < p->len && p->s[p->i + 1] == ':') {
            const char *name = p->s + p->i + 2;
            const char *end = strstr(name, ":]");
            if (!end)
                return fail(p, "'[:' without ':]'");
            size_t n = (size_t)(end - name);
            if (ascii_class(name, n, 'a') < 0)
                return fail(p, "unknown character class");
            for (unsigned b = 0; b < 256; b++)
                if (ascii_class(name, n, b) == 1)
                    set_add(set, b);
            p->i = (size_t)(end - p->s) + 2;
            continue;
        }
        if (c == '[' && p->i + 1 < p->len && (p->s[p->i + 1] == '=' || p->s[p->i + 1] == '.'))
            return fail(p, "[= =] and [. .] are not supported");
        p->i++;
        unsigned hi = c;
        if (p->i + 1 < p->len && p->s[p->i] == '-' && p->s[p->i + 1] != ']') {
            hi = (unsigned char)p->s[p->i + 1];
            if (hi < c)
                return fail(p, "range out of order");
            p->i += 2;
        }
        for (unsigned b = c; b <= hi; b++)
            set_add(set, b);
    }
    if (neg)
        for (int b = 0; b < 32; b++)
            set[b] = (uint8_t)~set[b];
    int k = find_set(p, set);
    if (k < 0)
        return -1;
    int n = new_node(p, N_SET);
    if (n >= 0)
        p->nodes[n].set = (uint16_t)k;
    return n;
}

static int alternation(parser *p);

static int number(parser *p, unsigned *out)
{
    unsigned v = 0;
    size_t start = p->i;
    while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        v = v * 10 + (unsigned)(p->s[p->i] - '0');
        if (v > PATTERN_MAX_COUNT)
            return fail(p, "repetition count over 255");
        p->i++;
    }
    if (p->i == start)
        return fail(p, "a number was expected in '{}'");
    *out = v;
    return 0;
}

static int atom(parser *p)
{
    char c = p->s[p->i];
    switch (c) {
    case '(': {
        p->i++;
        if (++p->depth > PATTERN_MAX_DEPTH)
            return fail(p, "groups nested too deep");
        int n = alternation(p);
        p->depth--;
        if (n < 0)
            return -1;
        if (p->i >= p->len || p->s[p->i] != ')')
            return fail(p, "'(' without ')'");
        p->i++;
        return n;
    }
    case '[':
        p->i++;
        return bracket(p);
    case '.':
        p->i++;
        return new_node(p, N_ANY);
    case '\\': {
        if (p->i + 1 >= p->len)
            return fail(p, "'\\' at the end");
        unsigned char e = (unsigned char)p->s[p->i + 1];
        if ((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
            return fail(p, "\\ before a letter or digit is not ERE");
        p->i += 2;
        int n = new_node(p, N_BYTE);
        if (n >= 0)
            p->nodes[n].byte = e;
        return n;
    }
    case '*':
    case '+':
    case '?':
    case '{':
        return fail(p, "a repetition needs something to repeat");
    case ')':
        return fail(p, "')' without '('");
    case '^':
    case '$':
        return fail(p, "'^' '$' only at the start and the end");
    default: {
        p->i++;
        int n = new_node(p, N_BYTE);
        if (n >= 0)
            p->nodes[n].byte = (uint8_t)c;
        return n;
    }
    }
}

static int repetition(parser *p)
{
    int n = atom(p);
    while (n >= 0 && p->i < p->len) {
        char c = p->s[p->i];
        unsigned min = 0, max = 0; /* (set below on every path that reads them) */
        if (c == '*') {
            min = 0, max = INF;
        } else if (c == '+') {
            min = 1, max = INF;
        } else if (c == '?') {
            min = 0, max = 1;
        } else if (c == '{') {
            p->i++;
            if (number(p, &min) < 0)
                return -1;
            max = min;
            if (p->i < p->len && p->s[p->i] == ',') {
                p->i++;
                max = INF;
                if (p->i < p->len && p->s[p->i] != '}' && number(p, &max) < 0)
                    return -1;
            }
            if (p->i >= p->len || p->s[p->i] != '}')
                return fail(p, "'{' without '}'");
            if (max < min)
                return fail(p, "{m,n} with m over n");
        } else {
            break;
        }
        p->i++;
        int r = new_node(p, N_REP);
        if (r < 0)
            return -1;
        p->nodes[r].a = (int16_t)n;
        p->nodes[r].min = (uint16_t)min;
        p->nodes[r].max = (uint16_t)max;
        p->nodes[r].empty = p->nodes[n].empty || max == 0;
        n = r;
    }
    return n;
}

static int concatenation(parser *p)
{
    int n = new_node(p, N_EMPTY);
    /* a '^' that starts the pattern or one of its top-level alternatives is
     * the implicit start anchor, a '$' that ends one the implicit end anchor */
    if (p->depth == 0 && p->i < p->len && p->s[p->i] == '^')
        p->i++;
    while (n >= 0 && p->i < p->len && p->s[p->i] != '|' && p->s[p->i] != ')') {
        if (p->s[p->i] == '$' && p->depth == 0 && (p->i + 1 == p->len || p->s[p->i + 1] == '|')) {
            p->i++;
            break;
        }
        n = pair(p, N_CAT, n, repetition(p));
    }
    return n;
}

static int alternation(parser *p)
{
    int n = concatenation(p);
    while (n >= 0 && p->i < p->len && p->s[p->i] == '|') {
        p->i++;
        n = pair(p, N_ALT, n, concatenation(p));
    }
    return n;
}

/* --- the program ------------------------------------------------------------- */

static int add(parser *p, uint8_t op, uint8_t byte, uint16_t x, uint16_t y)
{
    if (p->np == PATTERN_MAX_PROGRAM)
        return fail(p, "too complex (over " STR(PATTERN_MAX_PROGRAM) " steps)");
    p->prog[p->np] = (inst){op, byte, x, y};
    return p->np++;
}

/* Appends node k's instructions.  A node that matches only the empty value
 * emits nothing (so `(){255}` nested in itself costs nothing to spell out
 * and cannot keep the compiler busy); any other emit adds at least one
 * instruction, so the program's size bounds the work. */
static int emit(parser *p, int k)
{
    const node *n = &p->nodes[k];
    if (n->empty)
        return 0;
    switch (n->kind) {
    case N_EMPTY:
        return 0;
    case N_BYTE:
        return add(p, I_BYTE, n->byte, 0, 0) < 0 ? -1 : 0;
    case N_SET:
        return add(p, I_SET, 0, n->set, 0) < 0 ? -1 : 0;
    case N_ANY:
        return add(p, I_ANY, 0, 0, 0) < 0 ? -1 : 0;
    case N_CAT:
        return emit(p, n->a) < 0 || emit(p, n->b) < 0 ? -1 : 0;
    case N_ALT: {
        int split = add(p, I_SPLIT, 0, 0, 0);
        if (split < 0)
            return -1;
        p->prog[split].x = (uint16_t)p->np;
        if (emit(p, n->a) < 0)
            return -1;
        int jmp = add(p, I_JMP, 0, 0, 0);
        if (jmp < 0)
            return -1;
        p->prog[split].y = (uint16_t)p->np;
        if (emit(p, n->b) < 0)
            return -1;
        p->prog[jmp].x = (uint16_t)p->np;
        return 0;
    }
    default: { /* N_REP: the body min times, then the optional copies or a loop */
        for (unsigned i = 0; i < n->min; i++)
            if (emit(p, n->a) < 0)
                return -1;
        if (n->max == INF) {
            int split = add(p, I_SPLIT, 0, 0, 0);
            if (split < 0)
                return -1;
            p->prog[split].x = (uint16_t)p->np;
            if (emit(p, n->a) < 0 || add(p, I_JMP, 0, (uint16_t)split, 0) < 0)
                return -1;
            p->prog[split].y = (uint16_t)p->np;
            return 0;
        }
        /* each optional copy may be skipped to the end: the SPLITs waiting
         * for that address are chained through their y until it is known */
        uint16_t chain = 0xFFFF;
        for (unsigned i = n->min; i < n->max; i++) {
            int split = add(p, I_SPLIT, 0, 0, chain);
            if (split < 0)
                return -1;
            chain = (uint16_t)split;
            p->prog[split].x = (uint16_t)p->np;
            if (emit(p, n->a) < 0)
                return -1;
        }
        while (chain != 0xFFFF) {
            uint16_t next = p->prog[chain].y;
            p->prog[chain].y = (uint16_t)p->np;
            chain = next;
        }
        return 0;
    }
    }
}

int pattern_compile(const char *src, pattern_alloc_fn alloc, void *ctx, pattern **out, char *why,
                    size_t whycap)
{
    parser P; /* about 20 KB of stack, once per pattern compiled */
    parser *p = &P;
    memset(p, 0, sizeof *p);
    p->s = src;
    p->len = strlen(src);
    p->why = why;
    p->whycap = whycap;
    if (why && whycap)
        why[0] = '\0';
    *out = NULL;
    if (p->len > PATTERN_MAX_SOURCE) {
        if (why && whycap)
            snprintf(why, whycap, "longer than %d bytes", PATTERN_MAX_SOURCE);
        return PATTERN_BAD;
    }
    int root = alternation(p);
    if (root >= 0 && p->i < p->len)
        root = fail(p, "')' without '('");
    if (root < 0 || emit(p, root) < 0 || add(p, I_MATCH, 0, 0, 0) < 0)
        return PATTERN_BAD;
    pattern *pt = alloc(ctx, sizeof *pt);
    inst *prog = pt ? alloc(ctx, (size_t)p->np * sizeof *prog) : NULL;
    uint8_t(*sets)[32] = prog ? alloc(ctx, (size_t)(p->nsets ? p->nsets : 1) * 32) : NULL;
    if (!sets)
        return PATTERN_NOMEM;
    memcpy(prog, p->prog, (size_t)p->np * sizeof *prog);
    memcpy(sets, p->sets, (size_t)p->nsets * 32);
    pt->n = (uint16_t)p->np;
    /* straight-line programs ([0-9]{9}, D[0-9]{4}) and those ending in one
     * repeated step (.{6}S.*): matched byte by byte, no position lists */
    uint16_t k = 0;
    while (k < p->np && p->prog[k].op <= I_ANY)
        k++;
    pt->head = QUICK_NONE;
    pt->loop = 0;
    if (k < p->np && p->prog[k].op == I_MATCH) {
        pt->head = k;
    } else if (k + 3 < p->np && p->prog[k].op == I_SPLIT && p->prog[k].x == k + 1 &&
               p->prog[k].y == k + 3 && p->prog[k + 1].op <= I_ANY && p->prog[k + 2].op == I_JMP &&
               p->prog[k + 2].x == k && p->prog[k + 3].op == I_MATCH) {
        pt->head = k;
        pt->loop = 1;
    }
    pt->prog = prog;
    pt->sets = (const uint8_t(*)[32])sets;
    *out = pt;
    return PATTERN_OK;
}

/* --- matching ------------------------------------------------------------------ */

/* Adds position pc and what it leads to without reading a byte (JMP, SPLIT)
 * to `list`, each position once per step (mark == gen). */
static void follow(const pattern *pt, uint16_t pc, uint16_t *list, int *n, uint32_t *mark,
                   uint32_t gen, uint16_t *stack)
{
    int sp = 0;
    stack[sp++] = pc;
    while (sp) {
        uint16_t at = stack[--sp];
        if (mark[at] == gen)
            continue;
        mark[at] = gen;
        const inst *in = &pt->prog[at];
        if (in->op == I_JMP) {
            stack[sp++] = in->x;
        } else if (in->op == I_SPLIT) {
            stack[sp++] = in->y;
            stack[sp++] = in->x;
        } else {
            list[(*n)++] = at;
        }
    }
}

int pattern_is_quick(const pattern *pt)
{
    return pt->head != QUICK_NONE;
}

static int step_takes(const pattern *pt, const inst *in, unsigned c)
{
    return in->op == I_ANY || (in->op == I_BYTE && in->byte == c) ||
           (in->op == I_SET && (pt->sets[in->x][c >> 3] >> (c & 7) & 1));
}

int pattern_match(const pattern *pt, const char *v, size_t n)
{
    if (pt->head != QUICK_NONE) {
        if (pt->loop ? n < pt->head : n != pt->head)
            return 0;
        for (size_t i = 0; i < pt->head; i++)
            if (!step_takes(pt, &pt->prog[i], (unsigned char)v[i]))
                return 0;
        for (size_t i = pt->head; i < n; i++)
            if (!step_takes(pt, &pt->prog[pt->head + 1], (unsigned char)v[i]))
                return 0;
        return 1;
    }
    /* each position is marked once per step, so lists and the stack hold at
     * most one entry per position (and the stack two per SPLIT popped) */
    uint16_t a[PATTERN_MAX_PROGRAM], b[PATTERN_MAX_PROGRAM], stack[2 * PATTERN_MAX_PROGRAM + 2];
    uint32_t mark[PATTERN_MAX_PROGRAM];
    memset(mark, 0, (size_t)pt->n * sizeof *mark);
    uint16_t *cur = a, *next = b;
    int nc = 0;
    uint32_t gen = 1;
    follow(pt, 0, cur, &nc, mark, gen, stack);
    for (size_t i = 0; i < n && nc; i++) {
        unsigned c = (unsigned char)v[i];
        int nn = 0;
        if (++gen == 0) { /* after 2^32 bytes: start the marks afresh */
            memset(mark, 0, (size_t)pt->n * sizeof *mark);
            gen = 1;
        }
        for (int k = 0; k < nc; k++) {
            const inst *in = &pt->prog[cur[k]];
            if (step_takes(pt, in, c))
                follow(pt, (uint16_t)(cur[k] + 1), next, &nn, mark, gen, stack);
        }
        uint16_t *t = cur;
        cur = next;
        next = t;
        nc = nn;
    }
    for (int k = 0; k < nc; k++)
        if (pt->prog[cur[k]].op == I_MATCH)
            return 1;
    return 0;
}
