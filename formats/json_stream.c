/* Streaming JSON input: finds each top-level element of a JSON array or of
 * NDJSON, copies its bytes (numbers rewritten as text, see json_stream.h) and
 * parses that one element with jansson.  What the elements mean is left to
 * the caller (claims_json.c). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_stream.h"
#include "x12/reader.h"
#include "internal.h"

#define CHUNK (64 * 1024)

/* The prefix that turns a number token into a string: '"' and the escape
 * \u0000.  A closing '"' follows the digits. */
static const char NUM_PREFIX[] = "\"\\u0000";
#define NUM_PREFIX_LEN 7

enum mode { MODE_UNKNOWN, MODE_ARRAY, MODE_NDJSON };

enum state {
    ST_START,      /* before the first non-blank byte */
    ST_ARR_FIRST,  /* after '[' */
    ST_ARR_AFTER,  /* after an element: ',' or ']' */
    ST_ARR_NEXT,   /* after ',' */
    ST_ARR_RESYNC, /* at a line start after broken brackets: wait for '{' or ']' */
    ST_TAIL,       /* after the closing ']': blanks only */
    ST_REC,        /* NDJSON: before a record */
    ST_ELEMENT,    /* inside an element */
    ST_SKIP_LINE,  /* skip to the end of the line, then resynchronise */
    ST_DONE
};

struct json_stream {
    const x12_allocator *a;
    json_stream_read_fn read;
    void *rctx;
    size_t max_object;
    unsigned max_depth;
    int raw;             /* hand out element bytes, numbers as written, no jansson */

    char *in;            /* CHUNK bytes */
    size_t in_len, in_pos;
    int eof;
    int fatal;           /* a fatal error was returned */
    x12_json_error fatal_err;

    uint64_t off;        /* offset of in[in_pos] */
    uint64_t line;       /* line of in[in_pos] */
    enum mode mode;
    enum state state;
    uint64_t bom;        /* bytes of a byte order mark seen */

    /* the element being scanned */
    char *obj;
    size_t obj_len, obj_cap;
    size_t src_len;
    uint64_t index;      /* of the element being (or next to be) scanned */
    uint64_t el_line, el_off;
    char kind;           /* first byte: '{' '[' '"' '0' (number) 'a' (literal) */
    int in_str, esc, uhex;
    char ubuf[4];
    int in_num, in_lit;
    char num[48];        /* the number being scanned, for its grammar check */
    size_t num_len;      /* sizeof num + 1: too long */
    size_t span_start;   /* raw mode: first element byte in `in` not yet copied */
    char *raw_ptr;       /* raw mode: the finished element's bytes */
    size_t raw_len;
    unsigned depth;
    char *stack;         /* max_depth open brackets */
    int too_big;
    /* a problem found in this element: returned when the element ends */
    int err_set;
    x12_json_error err;
    /* where numbers were rewritten: obj position after which `extra` more
     * bytes precede than in the source (to map jansson's positions back) */
    struct ins { size_t pos; size_t extra; } *ins;
    size_t nins, ins_cap;
};

/* --- allocation ---------------------------------------------------------- */

json_stream *json_stream_new(json_stream_read_fn read, void *ctx, const json_stream_options *opts)
{
    const x12_allocator *a = opts ? opts->alloc : NULL;
    json_stream *s = x12__alloc(a, sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->a = a;
    s->read = read;
    s->rctx = ctx;
    s->max_object = opts && opts->max_object_bytes ? opts->max_object_bytes
                                                   : X12_JSON_DEFAULT_MAX_OBJECT;
    s->max_depth = opts && opts->max_depth ? opts->max_depth : X12_JSON_DEFAULT_MAX_DEPTH;
    s->raw = opts ? opts->raw : 0;
    s->line = 1;
    s->in = x12__alloc(a, CHUNK);
    s->stack = x12__alloc(a, s->max_depth);
    s->obj_cap = 4096;
    s->obj = x12__alloc(a, s->obj_cap);
    if (!s->in || !s->stack || !s->obj) {
        json_stream_free(s);
        return NULL;
    }
    return s;
}

void json_stream_free(json_stream *s)
{
    if (!s)
        return;
    x12__free(s->a, s->in);
    x12__free(s->a, s->stack);
    x12__free(s->a, s->obj);
    x12__free(s->a, s->ins);
    x12__free(s->a, s);
}

/* --- sources ------------------------------------------------------------- */

x12_status json_stream_read_input(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err)
{
    return x12_input_read(ctx, buf, cap, got, err);
}

x12_status json_stream_read_file(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err)
{
    FILE *f = ctx;
    *got = fread(buf, 1, cap, f);
    if (*got == 0 && ferror(f)) {
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_IO;
        err->msg = x12_status_message(X12_ERR_IO);
        snprintf(err->detail, sizeof err->detail, "read failed");
        return X12_ERR_IO;
    }
    return X12_OK;
}

/* --- errors -------------------------------------------------------------- */

static void fill_err(x12_json_error *e, x12_status code, uint64_t index, int element,
                     uint64_t line, uint64_t off, const char *fmt, va_list ap)
{
    memset(e, 0, sizeof *e);
    e->code = code;
    e->index = index;
    e->line = line;
    e->byte_offset = off;
    if (element)
        snprintf(e->path, sizeof e->path, "$[%llu]", (unsigned long long)index);
    else
        snprintf(e->path, sizeof e->path, "$");
    vsnprintf(e->message, sizeof e->message, fmt, ap);
}

/* Records the element's first problem at the current position. */
static void el_error(json_stream *s, x12_status code, const char *fmt, ...)
{
    if (s->err_set)
        return;
    va_list ap;
    va_start(ap, fmt);
    fill_err(&s->err, code, s->index, 1, s->line, s->off, fmt, ap);
    va_end(ap);
    s->err_set = 1;
}

static void other_error(json_stream *s, x12_json_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fill_err(e, X12_ERR_ENCODING, s->index, 0, s->line, s->off, fmt, ap);
    va_end(ap);
}

int x12_json_error_format(const x12_json_error *e, char *buf, size_t size)
{
    return snprintf(buf, size, "line %llu, byte %llu: %s: %s", (unsigned long long)e->line,
                    (unsigned long long)e->byte_offset, e->path, e->message);
}

/* --- the element buffer -------------------------------------------------- */

static int obj_put(json_stream *s, const char *p, size_t n)
{
    if (s->too_big)
        return 0;
    if (s->obj_len + n + 1 > s->obj_cap) {
        size_t cap = s->obj_cap;
        while (cap < s->obj_len + n + 1)
            cap *= 2;
        char *q = x12__realloc(s->a, s->obj, cap);
        if (!q)
            return -1;
        s->obj = q;
        s->obj_cap = cap;
    }
    memcpy(s->obj + s->obj_len, p, n);
    s->obj_len += n;
    return 0;
}

/* An element's byte: copied now, or in raw mode later as part of a span. */
static int el_put(json_stream *s, const char *p, size_t n)
{
    return s->raw ? 0 : obj_put(s, p, n);
}

static int ins_add(json_stream *s, size_t extra)
{
    if (s->too_big)
        return 0;
    if (s->nins == s->ins_cap) {
        size_t cap = s->ins_cap ? s->ins_cap * 2 : 64;
        struct ins *q = x12__realloc(s->a, s->ins, cap * sizeof *q);
        if (!q)
            return -1;
        s->ins = q;
        s->ins_cap = cap;
    }
    size_t before = s->nins ? s->ins[s->nins - 1].extra : 0;
    s->ins[s->nins].pos = s->obj_len;
    s->ins[s->nins].extra = before + extra;
    s->nins++;
    return 0;
}

/* Source offset (from the element's start) of position p of the rewritten text. */
static size_t src_pos(const json_stream *s, size_t p)
{
    size_t extra = 0;
    for (size_t i = 0; i < s->nins && s->ins[i].pos <= p; i++)
        extra = s->ins[i].extra;
    return p >= extra ? p - extra : 0;
}

static void el_begin(json_stream *s, char c)
{
    s->obj_len = 0;
    s->src_len = 0;
    s->nins = 0;
    s->el_line = s->line;
    s->el_off = s->off;
    s->in_str = s->esc = s->uhex = 0;
    s->in_num = s->in_lit = 0;
    s->depth = 0;
    s->too_big = 0;
    s->err_set = 0;
    s->span_start = s->in_pos;
    if (c == '{' || c == '[')
        s->kind = c;
    else if (c == '"')
        s->kind = '"';
    else if (c == '-' || (c >= '0' && c <= '9'))
        s->kind = '0';
    else
        s->kind = 'a';
    s->state = ST_ELEMENT;
}

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int valid_number(const char *p, size_t n)
{
    size_t i = 0;
    if (i < n && p[i] == '-')
        i++;
    if (i >= n)
        return 0;
    if (p[i] == '0')
        i++;
    else if (p[i] >= '1' && p[i] <= '9')
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && p[i] == '.') {
        i++;
        size_t d = i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_num_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static const char *kind_word(char k)
{
    switch (k) {
    case '[': return "an array";
    case '"': return "a string";
    case '0': return "a number";
    default: return "a literal (true, false or null)";
    }
}

/* Ends a number token: checks it and closes its string. */
static int end_number(json_stream *s)
{
    s->in_num = 0;
    if (s->num_len > sizeof s->num)
        el_error(s, X12_ERR_LIMIT, "a number longer than %zu characters", sizeof s->num);
    else if (!valid_number(s->num, s->num_len))
        el_error(s, X12_ERR_ENCODING, "invalid number");
    if (!s->raw && (obj_put(s, "\"", 1) || ins_add(s, 1)))
        return -1;
    return 0;
}

/* After the resynchronising skip: where to go at the next line. */
static enum state resync_state(const json_stream *s)
{
    return s->mode == MODE_ARRAY ? ST_ARR_RESYNC : ST_REC;
}

static json_stream_result fatal(json_stream *s, x12_json_error *err, x12_status code,
                                const char *msg);

/* Raw mode's fast path through the bulk of an element: string contents,
 * blanks, ':' and ',', quotes, and brackets that neither open past the depth
 * limit nor close the element.  Returns the index of the first byte it
 * leaves to el_byte() (escapes, line breaks, numbers, literals, the closing
 * bracket, anything odd).  Bytes skipped here hold no line break. */
static size_t fast_element(json_stream *s)
{
    /* 1: a byte that ends a run of string contents */
    static const unsigned char stop[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        ['"'] = 1, ['\\'] = 1};
    const unsigned char *in = (const unsigned char *)s->in;
    size_t j = s->in_pos, n = s->in_len;
    int in_str = s->in_str;
    unsigned depth = s->depth;
    while (j < n) {
        if (in_str) {
            /* eight bytes at a time while none is '"', '\\' or below 0x20
             * (the classic "has zero byte" tests); a table finishes */
            const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
            while (j + 8 <= n) {
                uint64_t w;
                memcpy(&w, in + j, 8);
                uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
                uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w);
                if (hit & highs)
                    break;
                j += 8;
            }
            while (j < n && !stop[in[j]])
                j++;
            if (j == n)
                break;
            if (in[j] != '"' || depth == 0)
                break;
            in_str = 0;
            j++;
            continue;
        }
        unsigned char c = in[j];
        if (c == '"') {
            in_str = 1;
            j++;
        } else if (c == ':' || c == ',' || c == ' ' || c == '\t' || c == '\r') {
            j++;
        } else if (c == '{' || c == '[') {
            if (depth >= s->max_depth)
                break;
            s->stack[depth++] = (char)c;
            j++;
        } else if (c == '}' || c == ']') {
            if (depth <= 1 || s->stack[depth - 1] != (c == '}' ? '{' : '['))
                break;
            depth--;
            j++;
        } else {
            break;
        }
    }
    s->in_str = in_str;
    s->depth = depth;
    return j;
}

/* Parses the finished element.  Returns OBJECT or ERROR (FATAL on NOMEM). */
static json_stream_result el_finish(json_stream *s, json_t **obj, json_stream_item *item,
                                    x12_json_error *err)
{
    uint64_t idx = s->index++;
    if (item) {
        item->index = idx;
        item->line = s->el_line;
        item->byte_offset = s->el_off;
        item->bytes = s->src_len;
    }
    if (s->too_big && !s->err_set) {
        memset(&s->err, 0, sizeof s->err);
        s->err.code = X12_ERR_LIMIT;
        s->err.index = idx;
        s->err.line = s->el_line;
        s->err.byte_offset = s->el_off;
        snprintf(s->err.path, sizeof s->err.path, "$[%llu]", (unsigned long long)idx);
        snprintf(s->err.message, sizeof s->err.message,
                 "the object is larger than the limit of %zu bytes", s->max_object);
        s->err_set = 1;
    }
    if (s->err_set) {
        *err = s->err;
        return JSON_STREAM_ERROR;
    }
    if (s->kind != '{') {
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_ENCODING;
        err->index = idx;
        err->line = s->el_line;
        err->byte_offset = s->el_off;
        snprintf(err->path, sizeof err->path, "$[%llu]", (unsigned long long)idx);
        snprintf(err->message, sizeof err->message, "expected a JSON object, found %s",
                 kind_word(s->kind));
        return JSON_STREAM_ERROR;
    }
    if (s->raw) {
        /* the caller parses the bytes itself: straight from the input chunk
         * when the element lies in one, else from the copy */
        if (s->obj_len == 0) {
            s->raw_ptr = s->in + s->span_start;
            s->raw_len = s->in_pos - s->span_start;
        } else {
            if (obj_put(s, s->in + s->span_start, s->in_pos - s->span_start))
                return fatal(s, err, X12_ERR_NOMEM, "out of memory");
            s->raw_ptr = s->obj;
            s->raw_len = s->obj_len;
        }
        return JSON_STREAM_OBJECT;
    }
    json_error_t je;
    json_t *v = json_loadb(s->obj, s->obj_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!v && json_error_code(&je) != json_error_out_of_memory && je.text[0])
        /* jansson 2.14 reports some allocation failures inside its lexer as
         * syntax errors ("string or '}' expected"): a second parse tells a
         * passing memory shortage from bad JSON (only bad elements pay it) */
        v = json_loadb(s->obj, s->obj_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!v) {
        memset(err, 0, sizeof *err);
        err->index = idx;
        snprintf(err->path, sizeof err->path, "$[%llu]", (unsigned long long)idx);
        /* jansson 2.14 leaves the error text empty when an allocation fails
         * inside the parser (json_object() returning NULL in parse_object) */
        if (json_error_code(&je) == json_error_out_of_memory || je.text[0] == '\0') {
            err->code = X12_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
            s->fatal = 1;
            s->fatal_err = *err;
            return JSON_STREAM_FATAL;
        }
        err->code = X12_ERR_ENCODING;
        size_t pos = je.position > 0 ? (size_t)je.position : 0;
        err->byte_offset = s->el_off + src_pos(s, pos);
        err->line = s->el_line + (je.line > 0 ? (uint64_t)je.line - 1 : 0);
        snprintf(err->message, sizeof err->message, "invalid JSON: %s", je.text);
        return JSON_STREAM_ERROR;
    }
    *obj = v;
    return JSON_STREAM_OBJECT;
}

/* Scans one byte of an element.  Returns 1 when the element ended with this
 * byte (consumed), 2 when it ended before this byte (not consumed), 0 to go
 * on, -1 when memory ran out. */
static int el_byte(json_stream *s, char c)
{
    if (s->in_str) {
        if (s->uhex) {
            s->ubuf[4 - s->uhex] = c;
            if (--s->uhex == 0 && memcmp(s->ubuf, "0000", 4) == 0)
                el_error(s, X12_ERR_ENCODING, "\\u0000 is not allowed in strings");
        } else if (s->esc) {
            s->esc = 0;
            if (c == 'u')
                s->uhex = 4;
        } else if (c == '\\') {
            s->esc = 1;
        } else if (c == '"') {
            s->in_str = 0;
            if (el_put(s, &c, 1))
                return -1;
            return s->depth == 0 ? 1 : 0;
        } else if ((unsigned char)c < 0x20) {
            /* a raw line break in a string: a quote is missing; the line is lost */
            el_error(s, X12_ERR_ENCODING, "control character in a string (a missing '\"'?)");
            return 3;
        }
        return el_put(s, &c, 1);
    }
    if (s->in_num) {
        if (is_num_char(c)) {
            if (s->num_len < sizeof s->num)
                s->num[s->num_len] = c;
            if (s->num_len <= sizeof s->num)
                s->num_len++;
            return el_put(s, &c, 1);
        }
        if (end_number(s))
            return -1;
        if (s->depth == 0)
            return 2;
    }
    if (s->in_lit) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return el_put(s, &c, 1);
        s->in_lit = 0;
        if (s->depth == 0)
            return 2;
    }
    switch (c) {
    case '"':
        s->in_str = 1;
        break;
    case '{':
    case '[':
        if (s->depth >= s->max_depth) {
            el_error(s, X12_ERR_LIMIT, "nesting deeper than %u levels", s->max_depth);
            return 3;
        }
        s->stack[s->depth++] = c;
        break;
    case '}':
    case ']':
        if (s->depth == 0 || s->stack[s->depth - 1] != (c == '}' ? '{' : '[')) {
            el_error(s, X12_ERR_ENCODING, "'%c' does not close the open bracket", c);
            return 3;
        }
        s->depth--;
        if (el_put(s, &c, 1))
            return -1;
        return s->depth == 0 ? 1 : 0;
    case '\n':
        if (s->mode == MODE_NDJSON) {
            el_error(s, X12_ERR_ENCODING,
                     "the line ends inside the object "
                     "(truncated JSON? NDJSON needs one object a line)");
            return 4;
        }
        break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            if (!s->raw && (ins_add(s, NUM_PREFIX_LEN) || obj_put(s, NUM_PREFIX, NUM_PREFIX_LEN)))
                return -1;
            s->in_num = 1;
            s->num[0] = c;
            s->num_len = 1;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            s->in_lit = 1;
        } else if (s->depth == 0 && !is_blank(c)) {
            el_error(s, X12_ERR_ENCODING, "unexpected character: not the start of a JSON value");
            return 3;
        }
        break;
    }
    return el_put(s, &c, 1);
}

static json_stream_result fatal(json_stream *s, x12_json_error *err, x12_status code,
                                const char *msg)
{
    memset(&s->fatal_err, 0, sizeof s->fatal_err);
    s->fatal_err.code = code;
    s->fatal_err.index = s->index;
    s->fatal_err.line = s->line;
    s->fatal_err.byte_offset = s->off;
    snprintf(s->fatal_err.path, sizeof s->fatal_err.path, "$");
    snprintf(s->fatal_err.message, sizeof s->fatal_err.message, "%s", msg);
    s->fatal = 1;
    *err = s->fatal_err;
    return JSON_STREAM_FATAL;
}

/* The input ended: what that means depends on where. */
static json_stream_result at_eof(json_stream *s, json_t **obj, json_stream_item *item,
                                 x12_json_error *err)
{
    switch (s->state) {
    case ST_ELEMENT:
        if (s->in_num && end_number(s))
            return fatal(s, err, X12_ERR_NOMEM, "out of memory");
        s->in_lit = 0;
        if (s->depth == 0 && !s->in_str && (s->kind == '0' || s->kind == 'a')) {
            /* a scalar that ends with the input */
            s->state = s->mode == MODE_ARRAY ? ST_ARR_AFTER : ST_REC;
            return el_finish(s, obj, item, err);
        }
        el_error(s, X12_ERR_ENCODING, "truncated JSON: the input ends inside the %s",
                 s->kind == '{' ? "object" : "value");
        s->state = ST_DONE;
        return el_finish(s, obj, item, err);
    case ST_ARR_FIRST:
    case ST_ARR_AFTER:
    case ST_ARR_NEXT:
    case ST_ARR_RESYNC:
        s->state = ST_DONE;
        other_error(s, err, "truncated JSON: the input ends before the array's closing ']'");
        return JSON_STREAM_ERROR;
    case ST_SKIP_LINE:
        if (s->mode == MODE_ARRAY) {
            s->state = ST_DONE;
            other_error(s, err, "truncated JSON: the input ends before the array's closing ']'");
            return JSON_STREAM_ERROR;
        }
        /* fall through */
    default:
        s->state = ST_DONE;
        return JSON_STREAM_END;
    }
}

json_stream_result json_stream_next(json_stream *s, json_t **obj, json_stream_item *item,
                                    x12_json_error *err)
{
    *obj = NULL;
    if (s->fatal) {
        *err = s->fatal_err;
        return JSON_STREAM_FATAL;
    }
    for (;;) {
        if (s->state == ST_DONE)
            return JSON_STREAM_END;
        if (s->in_pos == s->in_len) {
            if (s->state == ST_ELEMENT && s->raw && !s->too_big) {
                /* the element goes on in the next chunk: keep its bytes so far */
                if (obj_put(s, s->in + s->span_start, s->in_len - s->span_start))
                    return fatal(s, err, X12_ERR_NOMEM, "out of memory");
            }
            s->span_start = 0;
            if (s->eof)
                return at_eof(s, obj, item, err);
            size_t got = 0;
            x12_error xe;
            memset(&xe, 0, sizeof xe);
            x12_status st = s->read(s->rctx, s->in, CHUNK, &got, &xe);
            if (st != X12_OK) {
                char msg[160];
                snprintf(msg, sizeof msg, "%s%s%s", x12_status_message(st),
                         xe.detail[0] ? ": " : "", xe.detail);
                return fatal(s, err, st, msg);
            }
            s->in_pos = 0;
            s->in_len = got;
            if (got == 0) {
                s->eof = 1;
                continue;
            }
        }
        char c = s->in[s->in_pos];
        switch (s->state) {
        case ST_START:
            if (is_blank(c))
                break;
            if (s->off < 3 && s->bom == s->off &&
                (unsigned char)c == (unsigned char)"\xEF\xBB\xBF"[s->off]) {
                /* a UTF-8 byte order mark is skipped */
                s->bom++;
                break;
            }
            if (c == '[') {
                s->mode = MODE_ARRAY;
                s->state = ST_ARR_FIRST;
                break;
            }
            s->mode = MODE_NDJSON;
            s->state = ST_REC;
            continue; /* the byte starts the first record */
        case ST_ARR_FIRST:
        case ST_ARR_NEXT:
            if (is_blank(c))
                break;
            if (c == ']') {
                if (s->state == ST_ARR_NEXT) {
                    other_error(s, err, "a ',' before the closing ']'");
                    s->in_pos++, s->off++;
                    s->state = ST_TAIL;
                    return JSON_STREAM_ERROR;
                }
                s->state = ST_TAIL;
                break;
            }
            if (c == ',') {
                other_error(s, err, "an empty array element (two ',' in a row)");
                s->in_pos++, s->off++;
                s->state = ST_ARR_NEXT;
                return JSON_STREAM_ERROR;
            }
            el_begin(s, c);
            continue;
        case ST_ARR_AFTER:
            if (is_blank(c))
                break;
            if (c == ',') {
                s->state = ST_ARR_NEXT;
                break;
            }
            if (c == ']') {
                s->state = ST_TAIL;
                break;
            }
            if (c == '{') {
                /* the next element follows without its ',': take it */
                other_error(s, err, "a ',' is missing between array elements");
                s->state = ST_ARR_NEXT;
                return JSON_STREAM_ERROR;
            }
            other_error(s, err, "expected ',' or ']' after an array element");
            s->state = ST_SKIP_LINE;
            return JSON_STREAM_ERROR;
        case ST_ARR_RESYNC:
            if (is_blank(c) && c != '\n')
                break;
            if (c == '\n')
                break;
            if (c == '{') {
                el_begin(s, c);
                continue;
            }
            if (c == ']') {
                s->state = ST_TAIL;
                break;
            }
            s->state = ST_SKIP_LINE;
            continue;
        case ST_TAIL:
            if (is_blank(c))
                break;
            other_error(s, err, "data after the array's closing ']'");
            s->state = ST_DONE;
            return JSON_STREAM_ERROR;
        case ST_REC:
            if (is_blank(c))
                break;
            el_begin(s, c);
            continue;
        case ST_SKIP_LINE:
            if (c == '\n')
                s->state = resync_state(s);
            break;
        case ST_ELEMENT: {
            if (s->raw && !s->in_num && !s->in_lit && !s->esc && !s->uhex && !s->too_big) {
                size_t j = fast_element(s);
                if (j > s->in_pos) {
                    size_t run = j - s->in_pos;
                    s->src_len += run;
                    if (s->src_len > s->max_object) {
                        s->too_big = 1;
                        s->obj_len = 0;
                    }
                    s->in_pos = j;
                    s->off += run;
                    continue;
                }
            }
            if (s->in_str && !s->esc && !s->uhex) {
                /* most bytes are string contents: copy the run up to the next
                 * quote, backslash or control character at once */
                size_t j = s->in_pos;
                while (j < s->in_len && s->in[j] != '"' && s->in[j] != '\\' &&
                       (unsigned char)s->in[j] >= 0x20)
                    j++;
                size_t run = j - s->in_pos;
                if (run) {
                    if (el_put(s, s->in + s->in_pos, run))
                        return fatal(s, err, X12_ERR_NOMEM, "out of memory");
                    s->src_len += run;
                    if (s->src_len > s->max_object && !s->too_big) {
                        s->too_big = 1;
                        s->obj_len = 0;
                    }
                    s->in_pos = j;
                    s->off += run;
                    continue;
                }
            }
            int r = el_byte(s, c);
            if (r < 0)
                return fatal(s, err, X12_ERR_NOMEM, "out of memory");
            if (r == 2) {
                /* ended before c: c is looked at again by the next state */
                s->state = s->mode == MODE_ARRAY ? ST_ARR_AFTER : ST_REC;
                return el_finish(s, obj, item, err);
            }
            if (r == 0 || r == 1) {
                s->src_len++;
                if (s->src_len > s->max_object && !s->too_big) {
                    s->too_big = 1;
                    s->obj_len = 0;
                }
            }
            s->in_pos++;
            s->off++;
            if (c == '\n')
                s->line++;
            if (r == 1) {
                s->state = s->mode == MODE_ARRAY ? ST_ARR_AFTER : ST_REC;
                return el_finish(s, obj, item, err);
            }
            if (r == 3) {
                /* broken structure: the rest of the line is lost */
                s->state = c == '\n' ? resync_state(s) : ST_SKIP_LINE;
                s->too_big = 0;
                return el_finish(s, obj, item, err);
            }
            if (r == 4) {
                s->state = ST_REC;
                s->too_big = 0;
                return el_finish(s, obj, item, err);
            }
            continue;
        }
        case ST_DONE:
            return JSON_STREAM_END;
        }
        s->in_pos++;
        s->off++;
        if (c == '\n')
            s->line++;
    }
}

json_stream_result json_stream_next_raw(json_stream *s, char **bytes, size_t *len,
                                        json_stream_item *item, x12_json_error *err)
{
    json_t *unused = NULL;
    *bytes = NULL;
    *len = 0;
    json_stream_result r = json_stream_next(s, &unused, item, err);
    if (r == JSON_STREAM_OBJECT) {
        *bytes = s->raw_ptr;
        *len = s->raw_len;
    }
    return r;
}

/* --- numbers kept as text ------------------------------------------------ */

int json_num_text(const json_t *v, const char **text, size_t *len)
{
    if (!json_is_string(v))
        return 0;
    size_t n = json_string_length(v);
    const char *p = json_string_value(v);
    if (n < 2 || p[0] != '\0')
        return 0;
    *text = p + 1;
    *len = n - 1;
    return 1;
}

const char *json_kind_name(const json_t *v)
{
    const char *t;
    size_t n;
    if (json_num_text(v, &t, &n))
        return "a number";
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}
