/* Claims as JSON (docs/claims-json.md): the field tables (claims_fields.c)
 * drive both directions, JSON object -> x12_claim in an arena and x12_claim
 * -> one NDJSON line.  Finding each object's bytes is json_stream.c's job;
 * checking a claim against the guides is x12_claim_check()'s. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_fields.h"
#include "json_stream.h"
#include "x12/amount.h"
#include "x12/arena.h"
#include "x12/writer.h"
#include "internal.h"

/* --- JSON -> claim ------------------------------------------------------- */

/* Byte classes of string contents (one table per reader, one look-up per byte). */
enum { BC_OK = 0, BC_CONTROL = 1, BC_REFUSED = 2, BC_HIGH = 3, BC_QUOTE = 4, BC_BACKSLASH = 5 };

static void byte_classes(unsigned char cls[256], const char *refuse)
{
    for (int b = 0; b < 256; b++)
        cls[b] = b < 0x20 ? BC_CONTROL : b >= 0x80 ? BC_HIGH : BC_OK;
    for (const char *p = refuse; p && *p; p++)
        cls[(unsigned char)*p] = BC_REFUSED;
    /* in the JSON text, not in decoded contents (a refused '"' stays refused
     * there through the slow path) */
    if (cls['"'] == BC_OK)
        cls['"'] = BC_QUOTE;
    if (cls['\\'] == BC_OK)
        cls['\\'] = BC_BACKSLASH;
}

/* Where the mapping is: a stack of keys and indexes, turned into a path
 * ("$[3].lines[1].charge") only when something fails. */
#define MAX_FRAMES 48

typedef struct reader_ctx {
    x12_arena *arena;
    const unsigned char *cls; /* byte classes of strings (BC_*), 256 entries */
    int to_x12;         /* fold non-ASCII text to X12 characters */
    int inplace;        /* plain strings are ended in the element's own (writable)
                           bytes instead of copied */
    x12_json_error *err;
    uint64_t root;
    struct frame {
        const char *key; /* NULL: an array index */
        size_t index;    /* the index, or the key's length */
    } fr[MAX_FRAMES];
    size_t nfr;
    const char *start, *p, *end; /* the element's bytes; p: where the parser is */
    uint64_t line0, off0;        /* line and offset of start */
    unsigned depth;
    int positioned;              /* a syntax error set at_line/at_off */
    uint64_t at_line, at_off;
    int type_given;              /* the claim has a "type" */
} reader_ctx;

static size_t push_keyn(reader_ctx *r, const char *key, size_t n)
{
    size_t old = r->nfr;
    if (r->nfr < MAX_FRAMES) {
        r->fr[r->nfr].key = key;
        r->fr[r->nfr].index = n;
        r->nfr++;
    }
    return old;
}

static size_t push_key(reader_ctx *r, const char *key)
{
    return push_keyn(r, key, strlen(key));
}

static size_t push_index(reader_ctx *r, size_t i)
{
    size_t old = r->nfr;
    if (r->nfr < MAX_FRAMES) {
        r->fr[r->nfr].key = NULL;
        r->fr[r->nfr].index = i;
        r->nfr++;
    }
    return old;
}

static void path_pop(reader_ctx *r, size_t old)
{
    r->nfr = old;
}

static x12_status fail(reader_ctx *r, x12_status code, const char *fmt, ...)
{
    x12_json_error *e = r->err;
    e->code = code;
    size_t n = (size_t)snprintf(e->path, sizeof e->path, "$[%llu]", (unsigned long long)r->root);
    for (size_t i = 0; i < r->nfr && n < sizeof e->path; i++) {
        int k = r->fr[i].key ? snprintf(e->path + n, sizeof e->path - n, ".%.*s",
                                        (int)r->fr[i].index, r->fr[i].key)
                             : snprintf(e->path + n, sizeof e->path - n, "[%zu]", r->fr[i].index);
        if (k < 0)
            break;
        n += (size_t)k;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

static x12_status nomem(reader_ctx *r)
{
    return fail(r, X12_ERR_NOMEM, "out of memory");
}

/* The element's bytes are parsed straight into the claim: one pass, no
 * intermediate tree, strings decoded into the arena, numbers parsed from
 * their text.  (The first version parsed each element with jansson's
 * json_loadb() and mapped the tree: 38% of NDJSON -> 837P went to building
 * and freeing that tree; bench/README.md.) */

static uint64_t pos_line(const reader_ctx *r, const char *at)
{
    uint64_t line = r->line0;
    for (const char *q = r->start; q < at && q < r->end; q++)
        if (*q == '\n')
            line++;
    return line;
}

/* A JSON syntax error at r->p: its own line and byte. */
static x12_status syntax(reader_ctx *r, const char *fmt, ...)
{
    x12_json_error *e = r->err;
    e->code = X12_ERR_ENCODING;
    snprintf(e->path, sizeof e->path, "$[%llu]", (unsigned long long)r->root);
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(e->message, sizeof e->message, "invalid JSON: %s", msg);
    r->at_line = pos_line(r, r->p);
    r->at_off = r->off0 + (uint64_t)(r->p - r->start);
    r->positioned = 1;
    return X12_ERR_ENCODING;
}

static void skip_ws(reader_ctx *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int is_number_start(const reader_ctx *r)
{
    return r->p < r->end && (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'));
}

static const char *kind_at(const reader_ctx *r)
{
    if (r->p >= r->end)
        return "the end of the object";
    switch (*r->p) {
    case '"': return "a string";
    case '{': return "an object";
    case '[': return "an array";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default: return is_number_start(r) ? "a number" : "something else";
    }
}


static int literal(reader_ctx *r, const char *word)
{
    if (r->p >= r->end || *r->p != word[0])
        return 0;
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) >= n && memcmp(r->p, word, n) == 0) {
        r->p += n;
        return 1;
    }
    return 0;
}

/* A number token (the scanner checked its grammar): sets *t and *n. */
static void number_text(reader_ctx *r, const char **t, size_t *n)
{
    const char *q = r->p;
    while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '-' || *r->p == '+' ||
                             *r->p == '.' || *r->p == 'e' || *r->p == 'E'))
        r->p++;
    *t = q;
    *n = (size_t)(r->p - q);
}

static int hex4(const char *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        x <<= 4;
        if (c >= '0' && c <= '9')
            x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            x |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *v = x;
    return 1;
}

static char *put_utf8(char *o, unsigned v)
{
    if (v < 0x80) {
        *o++ = (char)v;
    } else if (v < 0x800) {
        *o++ = (char)(0xC0 | (v >> 6));
        *o++ = (char)(0x80 | (v & 0x3F));
    } else if (v < 0x10000) {
        *o++ = (char)(0xE0 | (v >> 12));
        *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
        *o++ = (char)(0x80 | (v & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (v >> 18));
        *o++ = (char)(0x80 | ((v >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
        *o++ = (char)(0x80 | (v & 0x3F));
    }
    return o;
}

/* Decodes the string at r->p (at its '"') into `out` (room for the raw
 * length), sets *len.  `out` NULL: checks and skips only. */
static x12_status string_body(reader_ctx *r, char *out, size_t *len)
{
    r->p++; /* the opening quote */
    char *o = out;
    for (;;) {
        const char *q = r->p;
        while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
               (unsigned char)*q < 0x80)
            q++;
        if (out && q > r->p) {
            memcpy(o, r->p, (size_t)(q - r->p));
            o += q - r->p;
        }
        r->p = q;
        if (r->p >= r->end)
            return syntax(r, "unterminated string");
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            break;
        }
        if (c < 0x20)
            return syntax(r, "control character in a string");
        if (c >= 0x80) {
            size_t n = x12__utf8_seq((const unsigned char *)r->p, (size_t)(r->end - r->p));
            if (!n)
                return syntax(r, "a string is not valid UTF-8");
            if (out) {
                memcpy(o, r->p, n);
                o += n;
            }
            r->p += n;
            continue;
        }
        /* an escape */
        if (r->end - r->p < 2)
            return syntax(r, "unterminated string");
        char e = r->p[1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            if (out)
                *o++ = to[simple - "\"\\/bfnrt"];
            r->p += 2;
            continue;
        }
        unsigned v;
        if (e != 'u' || r->end - r->p < 6 || !hex4(r->p + 2, &v))
            return syntax(r, "invalid escape in a string");
        r->p += 6;
        if (v >= 0xD800 && v <= 0xDBFF) {
            unsigned lo;
            if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return syntax(r, "invalid \\u surrogate pair");
            r->p += 6;
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        } else if (v >= 0xDC00 && v <= 0xDFFF) {
            return syntax(r, "invalid \\u surrogate pair");
        }
        if (out)
            o = put_utf8(o, v);
    }
    if (out)
        *len = (size_t)(o - out);
    return X12_OK;
}

#define AMOUNT_MSG "expected a decimal amount string or number with at most 2 decimals"

/* A string (or, with numbers_too, a number's text) into the arena. */
static x12_status read_string(reader_ctx *r, int numbers_too, const char **out, size_t *outlen)
{
    if (is_number_start(r)) {
        const char *t;
        size_t n;
        number_text(r, &t, &n);
        if (!numbers_too)
            return fail(r, X12_ERR_CLAIM_VALUE, "expected a string, found a number");
        char *c = x12_arena_strndup(r->arena, t, n);
        if (!c)
            return nomem(r);
        *out = c;
        if (outlen)
            *outlen = n;
        return X12_OK;
    }
    if (r->p >= r->end || *r->p != '"')
        return fail(r, X12_ERR_CLAIM_VALUE, "expected a string%s, found %s",
                    numbers_too ? " or a number" : "", kind_at(r));
    /* most strings are plain: nothing to decode, nothing to refuse */
    const char *q = r->p + 1;
    while (q < r->end && r->cls[(unsigned char)*q] == BC_OK)
        q++;
    if (q < r->end && *q == '"' && r->cls['"'] == BC_QUOTE) {
        size_t n = (size_t)(q - r->p - 1);
        char *c;
        if (r->inplace) {
            /* the string ends where its closing quote was: no copy */
            c = (char *)(uintptr_t)(r->p + 1);
            c[n] = '\0';
        } else if (!(c = x12_arena_strndup(r->arena, r->p + 1, n))) {
            return nomem(r);
        }
        r->p = q + 1;
        *out = c;
        if (outlen)
            *outlen = n;
        return X12_OK;
    }
    /* the raw length bounds the decoded one */
    q = r->p + 1;
    while (q < r->end && *q != '"') {
        if (*q == '\\' && q + 1 < r->end)
            q++;
        q++;
    }
    size_t raw = (size_t)(q - r->p);
    char *buf = x12_arena_alloc(r->arena, raw + 1);
    if (!buf)
        return nomem(r);
    size_t n = 0;
    x12_status st = string_body(r, buf, &n);
    if (st != X12_OK)
        return st;
    buf[n] = '\0';
    int high = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        switch (r->cls[b]) {
        case BC_QUOTE:
        case BC_BACKSLASH:
            break;
        case BC_CONTROL:
            return fail(r, b ? X12_ERR_CLAIM_VALUE : X12_ERR_ENCODING,
                        b ? "control characters are not allowed"
                          : "\\u0000 is not allowed in strings");
        case BC_REFUSED:
            return fail(r, X12_ERR_CLAIM_VALUE, "'%c' is a delimiter of the 837 output", b);
        case BC_HIGH:
            high = 1;
            break;
        }
    }
    if (r->to_x12) {
        if (high) {
            /* only strings with non-ASCII characters pay for iconv */
            size_t cap = 2 * n + 8, got = 0;
            char *x = x12_arena_alloc(r->arena, cap);
            if (!x)
                return nomem(r);
            x12_status cst = x12_text_to_x12("UTF-8", buf, n, x, cap - 1, &got,
                                             X12_CHARSET_EXTENDED, NULL);
            if (cst == X12_ERR_NOMEM)
                return nomem(r);
            if (cst != X12_OK)
                return fail(r, X12_ERR_CLAIM_VALUE, "a character that X12 cannot carry");
            x[got] = '\0';
            for (size_t i = 0; i < got; i++)
                if (r->cls[(unsigned char)x[i]] == BC_REFUSED)
                    return fail(r, X12_ERR_CLAIM_VALUE, "'%c' is a delimiter of the 837 output",
                                x[i]);
            buf = x;
            n = got;
        }
    }
    *out = buf;
    if (outlen)
        *outlen = n;
    return X12_OK;
}

static x12_status read_amount(reader_ctx *r, int64_t *cents)
{
    const char *t;
    size_t n;
    if (is_number_start(r)) {
        number_text(r, &t, &n);
    } else if (r->p < r->end && *r->p == '"') {
        x12_status st = read_string(r, 0, &t, &n);
        if (st != X12_OK)
            return st;
    } else {
        return fail(r, X12_ERR_CLAIM_VALUE, AMOUNT_MSG ", found %s", kind_at(r));
    }
    x12_slice s = {t, n};
    if (x12_amount_parse(s, cents) != X12_OK)
        return fail(r, X12_ERR_CLAIM_VALUE, AMOUNT_MSG);
    return X12_OK;
}

static x12_status read_object(reader_ctx *r, const desc *d, void *base);

/* Moves past ',' (returns 1) or the closing bracket (returns 0); -1 on a
 * syntax error (already reported). */
static int next_item(reader_ctx *r, char close)
{
    skip_ws(r);
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        skip_ws(r);
        return 1;
    }
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    syntax(r, "',' or '%c' expected", close);
    return -1;
}

static x12_status read_field(reader_ctx *r, const field *f, void *base)
{
    char *p = (char *)base + f->off;
    if (literal(r, "null"))
        return X12_OK; /* null is the same as leaving the field out */
    switch (f->kind) {
    case F_STR:
    case F_STRNUM:
        return read_string(r, f->kind == F_STRNUM, (const char **)(void *)p, NULL);
    case F_AMOUNT:
        return read_amount(r, (int64_t *)(void *)p);
    case F_OPT_AMOUNT: {
        x12_status st = read_amount(r, (int64_t *)(void *)p);
        if (st == X12_OK)
            *(int *)(void *)((char *)base + f->aux) = 1;
        return st;
    }
    case F_AMOUNTS: {
        if (r->p >= r->end || *r->p != '[')
            return fail(r, X12_ERR_CLAIM_VALUE, "expected an array of amounts, found %s",
                        kind_at(r));
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return X12_OK;
        }
        int64_t *cents = (int64_t *)(void *)p;
        int *has = (int *)(void *)((char *)base + f->aux);
        for (size_t i = 0;; i++) {
            if (i == f->n)
                return fail(r, X12_ERR_CLAIM_COUNT, "at most %zu entries", f->n);
            size_t old = push_index(r, i);
            if (!literal(r, "null")) {
                x12_status st = read_amount(r, &cents[i]);
                if (st != X12_OK)
                    return st;
                has[i] = 1;
            }
            path_pop(r, old);
            int more = next_item(r, ']');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                return X12_OK;
        }
    }
    case F_STRS:
    case F_POINTERS: {
        if (r->p >= r->end || *r->p != '[') {
            if (f->kind == F_POINTERS)
                return fail(r, X12_ERR_CLAIM_VALUE,
                            "expected an array of up to 4 diagnosis pointers (numbers 1-12)");
            return fail(r, X12_ERR_CLAIM_VALUE, "expected an array of strings, found %s",
                        kind_at(r));
        }
        x12_status st;
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return X12_OK;
        }
        for (size_t i = 0;; i++) {
            if (i == f->n) {
                if (f->kind == F_POINTERS)
                    return fail(r, X12_ERR_CLAIM_VALUE,
                                "expected an array of up to 4 diagnosis pointers (numbers 1-12)");
                return fail(r, X12_ERR_CLAIM_COUNT, "at most %zu entries", f->n);
            }
            size_t old = push_index(r, i);
            if (f->kind == F_STRS) {
                if (!literal(r, "null")) {
                    st = read_string(r, 0, &((const char **)(void *)p)[i], NULL);
                    if (st != X12_OK)
                        return st;
                }
            } else {
                const char *t;
                size_t tn;
                unsigned val = 0;
                if (!is_number_start(r))
                    return fail(r, X12_ERR_CLAIM_VALUE,
                                "expected a diagnosis pointer (a number 1-12)");
                number_text(r, &t, &tn);
                for (size_t k = 0; k < tn; k++) {
                    if (t[k] < '0' || t[k] > '9' || tn > 2)
                        return fail(r, X12_ERR_CLAIM_VALUE,
                                    "expected a diagnosis pointer (a number 1-12)");
                    val = val * 10 + (unsigned)(t[k] - '0');
                }
                if (val < 1 || val > 12)
                    return fail(r, X12_ERR_CLAIM_VALUE,
                                "expected a diagnosis pointer (a number 1-12)");
                ((uint8_t *)p)[i] = (uint8_t)val;
            }
            path_pop(r, old);
            int more = next_item(r, ']');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                return X12_OK;
        }
    }
    case F_FLAG:
        if (literal(r, "true"))
            *(int *)(void *)p = 1;
        else if (literal(r, "false"))
            *(int *)(void *)p = 0;
        else
            return fail(r, X12_ERR_CLAIM_VALUE, "expected true or false, found %s", kind_at(r));
        return X12_OK;
    case F_STRUCT:
        return read_object(r, f->sub, p);
    case F_PTR: {
        void *s = x12_arena_alloc(r->arena, f->sub->size);
        if (!s)
            return nomem(r);
        x12_status st = read_object(r, f->sub, s);
        if (st == X12_OK)
            *(void **)(void *)p = s;
        return st;
    }
    case F_STRLIST:
    case F_ARRAY: {
        if (r->p >= r->end || *r->p != '[')
            return fail(r, X12_ERR_CLAIM_VALUE, "expected an array of %s, found %s",
                        f->kind == F_ARRAY ? "objects" : "strings", kind_at(r));
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return X12_OK;
        }
        /* grown by doubling inside the arena (the old copy stays there
         * until the claim's arena is reset: at most as much again) */
        size_t n = 0, cap = 4, sz = f->kind == F_ARRAY ? f->sub->size : sizeof(const char *);
        char *arr = x12_arena_alloc(r->arena, cap * sz);
        if (!arr)
            return nomem(r);
        for (;;) {
            if (n == cap) {
                char *bigger = x12_arena_alloc(r->arena, 2 * cap * sz);
                if (!bigger)
                    return nomem(r);
                memcpy(bigger, arr, n * sz);
                arr = bigger;
                cap *= 2;
            }
            size_t old = push_index(r, n);
            x12_status st =
                f->kind == F_ARRAY
                    ? read_object(r, f->sub, arr + n * sz)
                    : read_string(r, 0, (const char **)(void *)(arr + n * sz), NULL);
            if (st != X12_OK)
                return st;
            path_pop(r, old);
            n++;
            int more = next_item(r, ']');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                break;
        }
        *(void **)(void *)p = arr;
        *(size_t *)(void *)((char *)base + f->aux) = n;
        return X12_OK;
    }
    case F_ROLE:
    case F_TYPE: {
        const char *const *names = f->kind == F_ROLE ? claims_role_names : claims_type_names;
        size_t count = f->kind == F_ROLE ? CLAIMS_NROLES : CLAIMS_NTYPES;
        if (r->p < r->end && *r->p == '"') {
            const char *q = r->p + 1;
            for (size_t i = 0; i < count; i++) {
                size_t n = strlen(names[i]);
                if ((size_t)(r->end - q) > n && memcmp(q, names[i], n) == 0 && q[n] == '"') {
                    if (f->kind == F_ROLE)
                        *(x12_claim_provider_role *)(void *)p = (x12_claim_provider_role)i;
                    else
                        *(x12_claim_type *)(void *)p = (x12_claim_type)i;
                    r->p = q + n + 1;
                    return X12_OK;
                }
            }
        }
        return fail(r, X12_ERR_CLAIM_VALUE, "expected one of %s",
                    f->kind == F_ROLE
                        ? "rendering, referring, attending, operating, other_operating, "
                          "supervising, service_facility, assistant_surgeon, ordering, "
                          "purchased_service, ambulance_pickup, ambulance_dropoff, billing"
                        : "professional, institutional, dental");
    }
    }
    return X12_OK;
}

/* Finds the field named key[0..n), starting after the last one found: keys
 * in the order the tables list them (the order x12_claim_json_write() uses)
 * cost one comparison each. */
static const field *find_field(const desc *d, const char *key, size_t n, size_t *cursor)
{
    size_t i = *cursor < d->nfields ? *cursor : 0;
    for (size_t k = 0; k < d->nfields; k++, i = i + 1 < d->nfields ? i + 1 : 0) {
        const char *name = d->fields[i].name;
        if (d->fields[i].nlen == n && name[0] == key[0] && memcmp(name, key, n) == 0) {
            *cursor = i + 1;
            return &d->fields[i];
        }
    }
    return NULL;
}

static x12_status read_object(reader_ctx *r, const desc *d, void *base)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '{')
        return fail(r, X12_ERR_CLAIM_VALUE, "expected an object, found %s", kind_at(r));
    if (++r->depth > MAX_FRAMES / 2)
        return syntax(r, "nesting too deep");
    r->p++;
    size_t cursor = 0;
    unsigned char seen[96] = {0};
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
    } else {
        for (;;) {
            if (r->p >= r->end || *r->p != '"')
                return syntax(r, "a string (a key) expected");
            const char *key;
            size_t klen = 0;
            const char *q = r->p + 1;
            /* (bytes past ASCII go to string_body, which checks their UTF-8:
             * a key cut inside a sequence was taken whole, and its bytes
             * echoed in the error's path) */
            while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
                   (unsigned char)*q < 0x80)
                q++;
            if (q < r->end && *q == '"') {
                /* a plain key: compared where it is */
                key = r->p + 1;
                klen = (size_t)(q - key);
                r->p = q + 1;
            } else {
                /* escapes (or bad bytes, reported by string_body): decode it */
                char *tmp = x12_arena_alloc(r->arena, (size_t)(r->end - r->p) + 1);
                if (!tmp)
                    return nomem(r);
                x12_status st = string_body(r, tmp, &klen);
                if (st != X12_OK)
                    return st;
                key = tmp;
            }
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return syntax(r, "':' expected");
            r->p++;
            skip_ws(r);
            const field *f = find_field(d, key, klen, &cursor);
            size_t old = push_keyn(r, key, klen);
            if (!f || memchr(key, '\0', klen))
                return fail(r, X12_ERR_CLAIM_VALUE, "unknown field");
            size_t fi = (size_t)(f - d->fields);
            if (fi < sizeof seen) {
                if (seen[fi])
                    return fail(r, X12_ERR_CLAIM_VALUE, "the field is given twice");
                seen[fi] = 1;
            }
            if (literal(r, "null")) {
                seen[fi] = 2; /* given as null: absent */
            } else {
                x12_status st = read_field(r, f, base);
                if (st != X12_OK)
                    return st;
            }
            path_pop(r, old);
            int more = next_item(r, '}');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                break;
        }
    }
    r->depth--;
    for (size_t i = 0; d->required && i < d->nfields && i < sizeof seen; i++)
        if (d->fields[i].kind == F_AMOUNT && seen[i] != 1) {
            push_key(r, d->fields[i].name);
            return fail(r, X12_ERR_CLAIM_REQUIRED, "required field is missing");
        }
    if (d == &claims_claim_desc)
        r->type_given = seen[0] == 1; /* "type" is the claim's first field */
    return X12_OK;
}

/* Parses one element's bytes (line0/off0: where they start) into `item`. */
static x12_status parse_claim(const char *buf, size_t len, uint64_t index, uint64_t line0,
                              uint64_t off0, x12_arena *arena, const x12_claims_json_options *o,
                              const unsigned char *cls, int inplace,
                              x12_claims_json_item *item, x12_json_error *err, int *type_given)
{
    reader_ctx r;
    memset(&r, 0, sizeof r);
    r.arena = arena;
    r.cls = cls;
    r.to_x12 = o->to_x12;
    r.inplace = inplace;
    r.err = err;
    r.root = index;
    r.start = r.p = buf;
    r.end = buf + len;
    r.line0 = line0;
    r.off0 = off0;
    memset(item, 0, sizeof *item);
    err->line = line0;
    err->byte_offset = off0;
    claim_doc *doc = x12_arena_alloc(arena, sizeof *doc);
    if (!doc)
        return nomem(&r);
    x12_status st = read_object(&r, &claims_claim_desc, doc);
    if (st == X12_OK) {
        skip_ws(&r);
        if (r.p != r.end)
            st = syntax(&r, "data after the object");
    }
    if (r.positioned) {
        err->line = r.at_line;
        err->byte_offset = r.at_off;
    }
    if (st != X12_OK)
        return st;
    item->claim = &doc->claim;
    item->submitter = doc->submitter;
    item->receiver = doc->receiver;
    item->index = index;
    *type_given = r.type_given;
    return X12_OK;
}

/* --- claim -> JSON ------------------------------------------------------- */

/* Written straight from the tables into a buffer: compact, fields in table
 * order, absent fields left out.  (The first version built a jansson tree and
 * dumped it: twice the time of this for 837P -> JSON; bench/README.md.) */

typedef struct emit {
    char *p;
    size_t len, cap;
    int nomem;
} emit;

static void put(emit *e, const char *s, size_t n)
{
    if (e->nomem)
        return;
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap : 4096;
        while (cap < e->len + n)
            cap *= 2;
        char *q = realloc(e->p, cap);
        if (!q) {
            e->nomem = 1;
            return;
        }
        e->p = q;
        e->cap = cap;
    }
    memcpy(e->p + e->len, s, n);
    e->len += n;
}

static void put_c(emit *e, char c)
{
    if (e->len < e->cap)
        e->p[e->len++] = c;
    else
        put(e, &c, 1);
}

/* A JSON string.  A byte that is not part of well-formed UTF-8 (an 837 in
 * ISO-8859-1) is read as ISO-8859-1: 0xE9 becomes U+00E9 (the 837 reader
 * reports such values as warnings). */
static void put_string(emit *e, const char *s)
{
    put_c(e, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *q = p;
        while (x12__json_plain[*q])
            q++;
        put(e, (const char *)p, (size_t)(q - p));
        p = q;
        if (!*p)
            break;
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            put(e, esc, 2);
            p++;
        } else if (*p < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(e, esc, 6);
            p++;
        } else {
            char buf[2];
            const char *o;
            size_t on;
            p += x12__utf8_char(p, strlen((const char *)p), buf, &o, &on);
            put(e, o, on);
        }
    }
    put_c(e, '"');
}

static void put_amount(emit *e, int64_t cents)
{
    char buf[32];
    int n = x12_amount_format(cents, X12_AMOUNT_DECIMAL2, buf, sizeof buf);
    put_c(e, '"');
    put(e, buf, (size_t)n);
    put_c(e, '"');
}

static void write_object(emit *e, const desc *d, const void *base);

/* Whether the field has something to write (absent fields are left out). */
static int field_present(const field *f, const void *base)
{
    const char *p = (const char *)base + f->off;
    switch (f->kind) {
    case F_STR:
    case F_STRNUM: {
        const char *s = *(const char *const *)(const void *)p;
        return s && *s;
    }
    case F_OPT_AMOUNT:
        return *(const int *)(const void *)((const char *)base + f->aux);
    case F_STRS:
        for (size_t i = 0; i < f->n; i++) {
            const char *s = ((const char *const *)(const void *)p)[i];
            if (s && *s)
                return 1;
        }
        return 0;
    case F_POINTERS:
        for (size_t i = 0; i < f->n; i++)
            if (((const uint8_t *)p)[i])
                return 1;
        return 0;
    case F_FLAG:
        return *(const int *)(const void *)p != 0;
    case F_STRUCT:
        for (size_t i = 0; i < f->sub->nfields; i++)
            if (field_present(&f->sub->fields[i], p))
                return 1;
        return 0;
    case F_PTR:
        return *(const void *const *)(const void *)p != NULL;
    case F_ARRAY:
    case F_STRLIST:
        return *(const void *const *)(const void *)p &&
               *(const size_t *)(const void *)((const char *)base + f->aux);
    case F_AMOUNTS:
        for (size_t i = 0; i < f->n; i++)
            if (((const int *)(const void *)((const char *)base + f->aux))[i])
                return 1;
        return 0;
    case F_AMOUNT:
    case F_ROLE:
    case F_TYPE:
        return 1;
    }
    return 0;
}

/* Writes a present field's value. */
static void write_value(emit *e, const field *f, const void *base)
{
    const char *p = (const char *)base + f->off;
    switch (f->kind) {
    case F_STR:
    case F_STRNUM:
        put_string(e, *(const char *const *)(const void *)p);
        break;
    case F_AMOUNT:
    case F_OPT_AMOUNT:
        put_amount(e, *(const int64_t *)(const void *)p);
        break;
    case F_AMOUNTS: {
        const int64_t *cents = (const int64_t *)(const void *)p;
        const int *has = (const int *)(const void *)((const char *)base + f->aux);
        size_t last = 0;
        for (size_t i = 0; i < f->n; i++)
            if (has[i])
                last = i + 1;
        put_c(e, '[');
        for (size_t i = 0; i < last; i++) {
            if (i)
                put_c(e, ',');
            if (has[i])
                put_amount(e, cents[i]);
            else
                put(e, "null", 4);
        }
        put_c(e, ']');
        break;
    }
    case F_STRS: {
        const char *const *arr = (const char *const *)(const void *)p;
        size_t last = 0;
        for (size_t i = 0; i < f->n; i++)
            if (arr[i] && *arr[i])
                last = i + 1;
        put_c(e, '[');
        for (size_t i = 0; i < last; i++) {
            if (i)
                put_c(e, ',');
            if (arr[i] && *arr[i])
                put_string(e, arr[i]);
            else
                put(e, "null", 4);
        }
        put_c(e, ']');
        break;
    }
    case F_POINTERS: {
        const uint8_t *ptrs = (const uint8_t *)p;
        size_t last = 0;
        for (size_t i = 0; i < f->n; i++)
            if (ptrs[i])
                last = i + 1;
        put_c(e, '[');
        for (size_t i = 0; i < last; i++) {
            char num[4];
            size_t n = 0;
            if (i)
                num[n++] = ',';
            unsigned v = ptrs[i]; /* 0-255 */
            if (v >= 100)
                num[n++] = (char)('0' + v / 100);
            if (v >= 10)
                num[n++] = (char)('0' + v / 10 % 10);
            num[n++] = (char)('0' + v % 10);
            put(e, num, n);
        }
        put_c(e, ']');
        break;
    }
    case F_FLAG:
        put(e, "true", 4);
        break;
    case F_STRUCT:
        write_object(e, f->sub, p);
        break;
    case F_PTR:
        write_object(e, f->sub, *(const void *const *)(const void *)p);
        break;
    case F_ARRAY: {
        const char *arr = *(const char *const *)(const void *)p;
        size_t n = *(const size_t *)(const void *)((const char *)base + f->aux);
        put_c(e, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                put_c(e, ',');
            write_object(e, f->sub, arr + i * f->sub->size);
        }
        put_c(e, ']');
        break;
    }
    case F_STRLIST: {
        const char *const *arr = *(const char *const *const *)(const void *)p;
        size_t n = *(const size_t *)(const void *)((const char *)base + f->aux);
        put_c(e, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                put_c(e, ',');
            put_string(e, arr[i] ? arr[i] : "");
        }
        put_c(e, ']');
        break;
    }
    case F_ROLE: {
        unsigned v = (unsigned)*(const x12_claim_provider_role *)(const void *)p;
        put_string(e, v < CLAIMS_NROLES ? claims_role_names[v] : "unknown");
        break;
    }
    case F_TYPE: {
        unsigned v = (unsigned)*(const x12_claim_type *)(const void *)p;
        put_string(e, v < CLAIMS_NTYPES ? claims_type_names[v] : "unknown");
        break;
    }
    }
}

/* {"name":value,...} with the present fields in table order ("{}" when none). */
static void write_object(emit *e, const desc *d, const void *base)
{
    put_c(e, '{');
    int first = 1;
    for (size_t i = 0; i < d->nfields; i++) {
        const field *f = &d->fields[i];
        if (!field_present(f, base))
            continue;
        if (!first)
            put_c(e, ',');
        first = 0;
        put_c(e, '"');
        put(e, f->name, f->nlen);
        put(e, "\":", 2);
        write_value(e, f, base);
    }
    put_c(e, '}');
}

/* --- the reader ---------------------------------------------------------- */

struct x12_claims_json_reader {
    x12_claims_json_options o;
    x12_input *in;
    json_stream *s;
    int type_fixed;
    x12_claim_type type;
    unsigned char cls[256]; /* byte classes of strings */
    int copy_strings;       /* every string into the arena (x12_claim_from_json()) */
};

void x12_claims_json_options_init(x12_claims_json_options *o)
{
    memset(o, 0, sizeof *o);
    o->type = X12_CLAIMS_JSON_ANY_TYPE;
}

static x12_claims_json_reader *reader_new(const x12_claims_json_options *opts,
                                          json_stream_read_fn fn, void *ctx)
{
    x12_claims_json_options o;
    if (opts)
        o = *opts;
    else
        x12_claims_json_options_init(&o);
    x12_claims_json_reader *r =
        o.alloc ? o.alloc->malloc(o.alloc->ctx, sizeof *r) : malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->o = o;
    if (o.type != X12_CLAIMS_JSON_ANY_TYPE) {
        r->type_fixed = 1;
        r->type = (x12_claim_type)o.type;
    }
    byte_classes(r->cls, o.refuse_chars);
    json_stream_options so = {o.max_object_bytes, o.max_depth, o.alloc, 1};
    r->s = json_stream_new(fn, ctx, &so);
    if (!r->s) {
        x12_claims_json_free(r);
        return NULL;
    }
    return r;
}

x12_claims_json_reader *x12_claims_json_open(const char *path, const x12_claims_json_options *opts,
                                             x12_error *err)
{
    const x12_allocator *a = opts ? opts->alloc : NULL;
    x12_input *in = x12_input_open(path, a, err);
    if (!in)
        return NULL;
    x12_claims_json_reader *r = reader_new(opts, json_stream_read_input, in);
    if (!r) {
        x12_input_close(in);
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = X12_ERR_NOMEM;
            err->msg = x12_status_message(X12_ERR_NOMEM);
        }
        return NULL;
    }
    r->in = in;
    return r;
}

x12_claims_json_reader *x12_claims_json_open_stream(FILE *f, const x12_claims_json_options *opts)
{
    return reader_new(opts, json_stream_read_file, f);
}

void x12_claims_json_free(x12_claims_json_reader *r)
{
    if (!r)
        return;
    json_stream_free(r->s);
    x12_input_close(r->in);
    if (r->o.alloc)
        r->o.alloc->free(r->o.alloc->ctx, r);
    else
        free(r);
}

/* A check problem's path uses the C names ("lines[1].charge_cents"); the
 * JSON names drop "_cents" ("cents" alone is "amount"). */
int x12_claim_json_path(const char *cpath, char *out, size_t cap)
{
    if (!cap)
        return 0;
    size_t o = 0;
    const char *p = cpath;
    while (*p && o + 1 < cap) {
        size_t n = strcspn(p, ".[");
        const char *name = p;
        size_t nlen = n;
        if (nlen == 5 && memcmp(name, "cents", 5) == 0) {
            name = "amount";
            nlen = 6;
        } else if (nlen > 6 && memcmp(name + nlen - 6, "_cents", 6) == 0) {
            nlen -= 6;
        }
        for (size_t i = 0; i < nlen && o + 1 < cap; i++)
            out[o++] = name[i];
        p += n;
        size_t m = strspn(p, ".[]0123456789");
        for (size_t i = 0; i < m && o + 1 < cap; i++)
            out[o++] = p[i];
        p += m;
    }
    out[o] = '\0';
    return (int)o;
}

typedef struct first_problem {
    int set;
    x12_claim_problem p;
} first_problem;

static void on_problem(void *ctx, const x12_claim_problem *p)
{
    first_problem *fp = ctx;
    if (!fp->set) {
        fp->p = *p;
        fp->set = 1;
    }
}

/* Checks one parsed item: type and x12_claim_check(). */
static x12_status check_item(x12_claims_json_reader *r, int has_type,
                             x12_claims_json_item *item, x12_json_error *err)
{
    x12_claim *c = (x12_claim *)item->claim;
    if (!has_type)
        c->type = r->type_fixed ? r->type : X12_CLAIM_PROFESSIONAL;
    if (r->type_fixed && c->type != r->type) {
        err->code = X12_ERR_CLAIM_VALUE;
        snprintf(err->path, sizeof err->path, "$[%llu].type", (unsigned long long)item->index);
        snprintf(err->message, sizeof err->message,
                 "the claim is %s but the output is %s (one type per 837)",
                 claims_type_names[c->type], claims_type_names[r->type]);
        return err->code;
    }
    if (!r->o.no_check) {
        first_problem fp;
        fp.set = 0;
        if (x12_claim_check(c, (size_t)item->index, on_problem, &fp) > 0 && fp.set) {
            char jp[96];
            x12_claim_json_path(fp.p.path, jp, sizeof jp);
            err->code = fp.p.code;
            snprintf(err->path, sizeof err->path, "$[%llu]%s%s", (unsigned long long)item->index,
                     jp[0] && jp[0] != '[' ? "." : "", jp);
            snprintf(err->message, sizeof err->message, "%s%s%s",
                     x12_status_message(fp.p.code), fp.p.detail[0] ? ": " : "", fp.p.detail);
            return err->code;
        }
    }
    if (!r->type_fixed) {
        r->type_fixed = 1;
        r->type = c->type;
    }
    return X12_OK;
}

x12_status x12_claims_json_next(x12_claims_json_reader *r, x12_arena *arena,
                                x12_claims_json_item *item, x12_json_error *err)
{
    memset(item, 0, sizeof *item);
    memset(err, 0, sizeof *err);
    char *bytes;
    size_t len;
    json_stream_item it;
    switch (json_stream_next_raw(r->s, &bytes, &len, &it, err)) {
    case JSON_STREAM_END:
        return X12_OK;
    case JSON_STREAM_ERROR:
    case JSON_STREAM_FATAL:
        return err->code;
    case JSON_STREAM_OBJECT:
        break;
    }
    int has_type = 0;
    x12_status st = parse_claim(bytes, len, it.index, it.line, it.byte_offset, arena, &r->o,
                                r->cls, !r->copy_strings, item, err, &has_type);
    err->index = it.index;
    if (st == X12_OK) {
        err->line = it.line;
        err->byte_offset = it.byte_offset;
        st = check_item(r, has_type, item, err);
    }
    if (st != X12_OK) {
        memset(item, 0, sizeof *item);
        return st;
    }
    item->index = it.index;
    item->line = it.line;
    item->byte_offset = it.byte_offset;
    return X12_OK;
}

typedef struct memsrc {
    const char *p;
    size_t len, pos;
} memsrc;

static x12_status mem_read(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err)
{
    (void)err;
    memsrc *m = ctx;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    *got = n;
    return X12_OK;
}

x12_status x12_claim_from_json(const char *text, size_t len, const x12_claims_json_options *opts,
                               x12_arena *arena, x12_claims_json_item *item, x12_json_error *err)
{
    memsrc m = {text, len, 0};
    x12_claims_json_reader *r = reader_new(opts, mem_read, &m);
    if (!r) {
        memset(item, 0, sizeof *item);
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_NOMEM;
        snprintf(err->path, sizeof err->path, "$");
        snprintf(err->message, sizeof err->message, "out of memory");
        return X12_ERR_NOMEM;
    }
    r->copy_strings = 1; /* the reader's buffers go away before the claim does */
    x12_status st = x12_claims_json_next(r, arena, item, err);
    if (st == X12_OK && item->claim) {
        /* one claim: what follows it is an error, never dropped unseen */
        x12_claims_json_item next;
        x12_json_error e2;
        x12_status s2 = x12_claims_json_next(r, arena, &next, &e2);
        if (s2 != X12_OK) {
            *err = e2;
            st = s2;
        } else if (next.claim) {
            memset(err, 0, sizeof *err);
            err->code = st = X12_ERR_ENCODING;
            err->line = e2.line;
            err->byte_offset = e2.byte_offset;
            snprintf(err->path, sizeof err->path, "$[1]");
            snprintf(err->message, sizeof err->message,
                     "invalid JSON: data after the object (a second claim: use the NDJSON reader)");
        }
        if (st != X12_OK)
            memset(item, 0, sizeof *item);
    }
    x12_claims_json_free(r);
    return st;
}

/* --- the writer ---------------------------------------------------------- */

x12_status x12_claim_json_write(const x12_claim *claim, const x12_claim_party *submitter,
                                const x12_claim_party *receiver, x12_write_fn out, void *ctx,
                                x12_error *err)
{
    claim_doc doc;
    doc.claim = *claim;
    doc.submitter = submitter;
    doc.receiver = receiver;
    emit e = {NULL, 0, 0, 0};
    write_object(&e, &claims_claim_desc, &doc);
    put_c(&e, '\n');
    x12_status st = X12_OK;
    if (e.nomem)
        st = X12_ERR_NOMEM;
    else if (out(ctx, e.p, e.len) != 0)
        st = X12_ERR_IO;
    free(e.p);
    if (st != X12_OK && err) {
        memset(err, 0, sizeof *err);
        err->code = st;
        err->msg = x12_status_message(st);
    }
    return st;
}
