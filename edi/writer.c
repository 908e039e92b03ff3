/* Segment and envelope writer: builds one segment at a time in a bounded
 * buffer, checks every data byte against the delimiters and the character
 * set, drops trailing empty elements and components, computes ISA/GS/ST
 * headers and their trailers, and sends each segment in one output call. */
#define _POSIX_C_SOURCE 200809L
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "charset_fold.h"
#include "internal.h"
#include "x12/writer.h"

enum { SEG_NONE, SEG_OPEN, SEG_FAILED };

struct x12_writer {
    x12_allocator alloc_copy;
    const x12_allocator *alloc; /* &alloc_copy, or NULL for libc */
    x12_write_fn out;
    void *ctx;
    x12_delimiters d;
    x12_charset charset;
    char line_break[5];
    size_t lb_len;
    size_t max_len; /* segment bytes, terminator excluded */
    unsigned char cls[256];
    iconv_t cd;
    int has_cd;
    char *enc; /* input_encoding, copied; only worded into error details */

    /* The segment being built. */
    char *buf;
    size_t len, cap;
    int seg_state;
    x12_status seg_code; /* the error that failed the segment */
    char seg_id[4];
    uint32_t el;        /* data elements so far */
    uint32_t comp;      /* components in the current repetition */
    size_t el_start;    /* first byte of the current element */
    size_t rep_start;   /* first byte of the current repetition */

    /* Envelopes. */
    int in_isa, in_gs, in_st;
    char isa13[16], gs06[16], st02[16];
    uint32_t groups;   /* GE written in this interchange */
    uint32_t sets;     /* SE written in this group */
    uint32_t set_segs; /* segments of the open set so far, ST included */
    uint64_t total;    /* segments written */

    x12_error err;
};

#define INITIAL_CAP 256

void x12__writer_text_options(const x12_writer *w, x12_writer_options *o)
{
    x12_writer_options_init(o);
    o->delims = w->d;
    o->charset = w->charset;
    o->input_encoding = w->enc;
    o->max_segment_length = w->max_len;
}

/* --- errors -------------------------------------------------------------- */

/* Records an error against the segment `id` and returns its code.  The
 * detail must never quote element data: it may be patient data. */
static x12_status fail(x12_writer *w, x12_status code, const char *id, uint32_t el,
                       uint32_t comp, uint64_t off, const char *fmt, ...)
{
    x12_error *e = &w->err;
    memset(e, 0, sizeof *e);
    e->code = code;
    e->msg = x12_status_message(code);
    e->byte_offset = off;
    e->segment_index = (uint32_t)(w->total + 1);
    e->set_position = w->in_st ? w->set_segs + 1 : 0;
    if (id)
        snprintf(e->segment_id, sizeof e->segment_id, "%s", id);
    e->element_pos = (uint16_t)(el > UINT16_MAX ? UINT16_MAX : el);
    e->component_pos = (uint16_t)(comp > UINT16_MAX ? UINT16_MAX : comp);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    return code;
}

/* An error inside an open segment discards it; later calls for the same
 * segment return this code until segment_end() closes it. */
static x12_status seg_fail(x12_writer *w, x12_status code)
{
    if (w->seg_state == SEG_OPEN) {
        w->seg_state = SEG_FAILED;
        w->seg_code = code;
    }
    return code;
}

/* --- options ------------------------------------------------------------- */

void x12_writer_options_init(x12_writer_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->delims.element = '*';
    opts->delims.repetition = '^';
    opts->delims.component = ':';
    opts->delims.segment = '~';
    opts->charset = X12_CHARSET_EXTENDED;
    opts->max_segment_length = X12_DEFAULT_MAX_SEGMENT_LENGTH;
}

static void new_err(x12_error *err, x12_status code, const char *fmt, ...)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->msg = x12_status_message(code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
}

/* X12.5: a delimiter is never a letter, digit or space, and the four are
 * distinct.  We also keep them printable so files stay readable, except that
 * a CR or LF terminator is common and legal. */
static const char *bad_delimiters(const x12_delimiters *d, char why[96])
{
    const struct {
        char c;
        const char *name;
    } all[4] = {{d->element, "element separator"},
                {d->repetition, "repetition separator"},
                {d->component, "component separator"},
                {d->segment, "segment terminator"}};
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)all[i].c;
        if (i == 1 && c == 0)
            continue; /* no repetition separator */
        int line = i == 3 && (c == '\r' || c == '\n');
        if (!line && (c <= 0x20 || c >= 0x7F)) {
            snprintf(why, 96, "%s 0x%02X is not a printable character", all[i].name, c);
            return why;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            snprintf(why, 96, "%s 0x%02X is a letter or digit", all[i].name, c);
            return why;
        }
        for (int j = 0; j < i; j++)
            if (all[j].c == all[i].c) {
                snprintf(why, 96, "%s and %s are both 0x%02X", all[j].name, all[i].name, c);
                return why;
            }
    }
    return NULL;
}

x12_writer *x12_writer_new(const x12_writer_options *opts, x12_write_fn out, void *ctx,
                           x12_error *err)
{
    x12_writer_options o;
    if (opts)
        o = *opts;
    else
        x12_writer_options_init(&o);
    if (err) {
        memset(err, 0, sizeof *err);
        err->msg = x12_status_message(X12_OK);
    }
    if (!out) {
        new_err(err, X12_ERR_USAGE, "no output function");
        return NULL;
    }
    char whybuf[96];
    const char *why = bad_delimiters(&o.delims, whybuf);
    if (why) {
        new_err(err, X12_ERR_USAGE, "%s", why);
        return NULL;
    }
    if (o.charset != X12_CHARSET_EXTENDED && o.charset != X12_CHARSET_BASIC) {
        new_err(err, X12_ERR_USAGE, "unknown charset %d", (int)o.charset);
        return NULL;
    }
    /* A line break is cosmetic; anything but CR/LF would be data outside a
     * segment, and the terminator itself would make an empty segment. */
    size_t lb_len = o.line_break ? strlen(o.line_break) : 0;
    if (lb_len > 4 || strspn(o.line_break ? o.line_break : "", "\r\n") != lb_len ||
        (lb_len && strchr(o.line_break, o.delims.segment))) {
        new_err(err, X12_ERR_USAGE, "line_break must be up to 4 CR/LF bytes, without the terminator");
        return NULL;
    }
    if (o.max_segment_length == 0)
        o.max_segment_length = X12_DEFAULT_MAX_SEGMENT_LENGTH;
    if (o.max_segment_length > SIZE_MAX / 4)
        o.max_segment_length = SIZE_MAX / 4;

    const x12_allocator *a = o.alloc;
    x12_writer *w = x12__alloc(a, sizeof *w);
    if (!w) {
        new_err(err, X12_ERR_NOMEM, "writer");
        return NULL;
    }
    memset(w, 0, sizeof *w);
    if (a) {
        w->alloc_copy = *a;
        w->alloc = &w->alloc_copy;
    }
    w->out = out;
    w->ctx = ctx;
    w->d = o.delims;
    w->charset = o.charset;
    memcpy(w->line_break, o.line_break ? o.line_break : "", lb_len + 1);
    w->lb_len = lb_len;
    w->max_len = o.max_segment_length;
    w->err.msg = x12_status_message(X12_OK);

    x12__charset_classes(w->cls, o.charset);
    w->cls[(unsigned char)o.delims.element] = CC_ELEMENT;
    if (o.delims.repetition)
        w->cls[(unsigned char)o.delims.repetition] = CC_REPETITION;
    w->cls[(unsigned char)o.delims.component] = CC_COMPONENT;
    w->cls[(unsigned char)o.delims.segment] = CC_SEGMENT;

    w->cap = INITIAL_CAP;
    w->buf = x12__alloc(w->alloc, w->cap);
    if (!w->buf) {
        new_err(err, X12_ERR_NOMEM, "segment buffer");
        x12_writer_free(w);
        return NULL;
    }
    if (o.input_encoding) {
        size_t n = strlen(o.input_encoding) + 1;
        w->enc = x12__alloc(w->alloc, n);
        if (!w->enc) {
            new_err(err, X12_ERR_NOMEM, "encoding name");
            x12_writer_free(w);
            return NULL;
        }
        memcpy(w->enc, o.input_encoding, n);
        x12_status st = x12__conv_open(o.input_encoding, &w->cd, err);
        if (st != X12_OK) {
            x12_writer_free(w);
            return NULL;
        }
        w->has_cd = 1;
    }
    return w;
}

void x12_writer_free(x12_writer *w)
{
    if (!w)
        return;
    if (w->has_cd)
        iconv_close(w->cd);
    const x12_allocator *a = w->alloc ? &w->alloc_copy : NULL;
    x12_allocator keep;
    if (a) {
        keep = *a; /* the copy lives in the block we are about to free */
        a = &keep;
    }
    x12__free(a, w->enc);
    x12__free(a, w->buf);
    x12__free(a, w);
}

const x12_error *x12_writer_error(const x12_writer *w)
{
    return &w->err;
}

uint64_t x12_writer_segment_count(const x12_writer *w)
{
    return w->total;
}

/* --- the segment buffer -------------------------------------------------- */

/* Makes room for `more` bytes past w->len within the segment limit.  The
 * buffer also keeps room for the terminator and line break, so that a
 * segment of exactly max_len bytes still goes out in one call. */
static x12_status reserve_at(x12_writer *w, size_t more, uint32_t el, uint32_t comp)
{
    if (more > w->max_len - w->len)
        return fail(w, X12_ERR_LIMIT, w->seg_id, el, comp, 0, "segment longer than %zu bytes",
                    w->max_len);
    size_t need = w->len + more + 1 + w->lb_len;
    if (need <= w->cap)
        return X12_OK;
    size_t ncap = w->cap;
    while (ncap < need)
        ncap *= 2;
    size_t hard = w->max_len + 1 + w->lb_len;
    if (ncap > hard)
        ncap = hard;
    char *nb = x12__realloc(w->alloc, w->buf, ncap);
    if (!nb)
        return fail(w, X12_ERR_NOMEM, w->seg_id, el, comp, 0, "segment buffer of %zu bytes", ncap);
    w->buf = nb;
    w->cap = ncap;
    return X12_OK;
}

/* Room for bytes that belong to no particular field. */
static x12_status reserve(x12_writer *w, size_t more)
{
    return reserve_at(w, more, w->el, 0);
}

static int valid_id(const char *id, size_t n)
{
    if (n < 2 || n > 3 || !(id[0] >= 'A' && id[0] <= 'Z'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9')))
            return 0;
    return 1;
}

/* Starts a segment; the id was checked by the caller. */
static void seg_open(x12_writer *w, const char *id, size_t n)
{
    memcpy(w->seg_id, id, n);
    w->seg_id[n] = '\0';
    memcpy(w->buf, id, n); /* INITIAL_CAP > 3 */
    w->len = n;
    w->el = 0;
    w->comp = 0;
    w->el_start = w->rep_start = n;
    w->seg_state = SEG_OPEN;
    w->seg_code = X12_OK;
}

/* Appends `len` data bytes after a separator (`sep` 0 for none), checking
 * each byte; with `convert`, the text goes through iconv first.  `el`/`comp`
 * name the field in errors. */
static x12_status put(x12_writer *w, char sep, const char *data, size_t len, int convert,
                      uint32_t el, uint32_t comp)
{
    if (!data && len)
        return fail(w, X12_ERR_USAGE, w->seg_id, el, comp, 0, "data is NULL");
    x12_status st = reserve_at(w, sep != 0, el, comp);
    if (st != X12_OK)
        return st;
    size_t start = w->len;
    if (sep)
        w->buf[w->len++] = sep;
    if (convert && w->has_cd) {
        /* Folding writes at most 2 bytes per character and every character
         * takes at least 1 input byte, so 2 * len is always enough. */
        size_t room = w->max_len - w->len;
        size_t want = len <= room / 2 ? 2 * len : room;
        if ((st = reserve_at(w, want, el, comp)) != X12_OK) {
            w->len = start;
            return st;
        }
        size_t n = 0;
        x12_error e;
        st = x12__conv(w->cd, w->enc, w->cls, data ? data : "", len, w->buf + w->len, want, &n, &e);
        if (st != X12_OK) {
            w->len = start;
            if (st == X12_ERR_LIMIT)
                return fail(w, st, w->seg_id, el, comp, e.byte_offset,
                            "segment longer than %zu bytes", w->max_len);
            return fail(w, st, w->seg_id, el, comp, e.byte_offset, "%s", e.detail);
        }
        w->len += n;
        return X12_OK;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = w->cls[(unsigned char)data[i]];
        if (c != CC_OK) {
            char d[96];
            x12__class_detail(d, sizeof d, c, (unsigned char)data[i]);
            w->len = start;
            return fail(w, x12__class_status(c), w->seg_id, el, comp, i, "%s", d);
        }
    }
    if ((st = reserve_at(w, len, el, comp)) != X12_OK) {
        w->len = start;
        return st;
    }
    if (len)
        memcpy(w->buf + w->len, data, len);
    w->len += len;
    return X12_OK;
}

/* Trailing empty components of the current repetition are the component
 * separators at its end (data never holds one). */
static void trim_repetition(x12_writer *w)
{
    while (w->len > w->rep_start && w->buf[w->len - 1] == w->d.component)
        w->len--;
}

static void trim_element(x12_writer *w)
{
    trim_repetition(w);
    /* Each earlier repetition was trimmed when the next one began. */
    while (w->d.repetition && w->len > w->el_start && w->buf[w->len - 1] == w->d.repetition)
        w->len--;
}

/* Sends the finished segment, line break included, in one output call and
 * counts it.  The envelope state is the caller's to update once this
 * succeeded, so a failed write leaves no envelope half-open. */
static x12_status flush(x12_writer *w)
{
    w->buf[w->len++] = w->d.segment;
    memcpy(w->buf + w->len, w->line_break, w->lb_len);
    w->len += w->lb_len;
    w->seg_state = SEG_NONE;
    if (w->out(w->ctx, w->buf, w->len) != 0)
        return fail(w, X12_ERR_IO, w->seg_id, 0, 0, 0, "output function failed");
    w->total++;
    if (w->in_st)
        w->set_segs++;
    return X12_OK;
}

/* --- building segments --------------------------------------------------- */

static int is_envelope_id(const char *id)
{
    static const char *const ids[] = {"ISA", "IEA", "GS", "GE", "ST", "SE"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (strcmp(id, ids[i]) == 0)
            return 1;
    return 0;
}

x12_status x12_writer_segment_begin(x12_writer *w, const char *id)
{
    if (w->seg_state == SEG_OPEN) {
        fail(w, X12_ERR_USAGE, w->seg_id, 0, 0, 0, "segment_begin while a segment is open");
        return seg_fail(w, X12_ERR_USAGE);
    }
    w->seg_state = SEG_NONE;
    size_t n = id ? strlen(id) : 0;
    if (!id || !valid_id(id, n))
        return fail(w, X12_ERR_USAGE, NULL, 0, 0, 0,
                    "segment id must be 2-3 upper-case letters or digits, a letter first");
    /* Envelope segments carry counts and control numbers the writer keeps;
     * hand-written ones would go out of step with them. */
    if (is_envelope_id(id))
        return fail(w, X12_ERR_USAGE, id, 0, 0, 0,
                    "write %s with the envelope functions or x12_writer_write_segment()", id);
    seg_open(w, id, n);
    return X12_OK;
}

static x12_status check_open(x12_writer *w, const char *fn)
{
    if (w->seg_state == SEG_FAILED)
        return w->seg_code;
    if (w->seg_state == SEG_NONE)
        return fail(w, X12_ERR_USAGE, NULL, 0, 0, 0, "%s without segment_begin", fn);
    return X12_OK;
}

x12_status x12_writer_element(x12_writer *w, const char *data, size_t len)
{
    x12_status st = check_open(w, "element");
    if (st != X12_OK)
        return st;
    if (w->el)
        trim_element(w);
    size_t before = w->len;
    /* Component 0: a first value may still become a composite, but a 999
     * names a simple element with no component, which is what we know now. */
    st = put(w, w->d.element, data, len, 1, w->el + 1, 0);
    if (st != X12_OK)
        return seg_fail(w, st);
    w->el++;
    w->comp = 1;
    w->el_start = w->rep_start = before + 1;
    return X12_OK;
}

x12_status x12_writer_component(x12_writer *w, const char *data, size_t len)
{
    x12_status st = check_open(w, "component");
    if (st != X12_OK)
        return st;
    if (!w->el)
        return seg_fail(w, fail(w, X12_ERR_USAGE, w->seg_id, 1, 2, 0, "component before element"));
    st = put(w, w->d.component, data, len, 1, w->el, w->comp + 1);
    if (st != X12_OK)
        return seg_fail(w, st);
    w->comp++;
    return X12_OK;
}

x12_status x12_writer_repetition(x12_writer *w, const char *data, size_t len)
{
    x12_status st = check_open(w, "repetition");
    if (st != X12_OK)
        return st;
    if (!w->el)
        return seg_fail(w, fail(w, X12_ERR_USAGE, w->seg_id, 1, 0, 0, "repetition before element"));
    if (!w->d.repetition)
        return seg_fail(w, fail(w, X12_ERR_USAGE, w->seg_id, w->el, 0, 0,
                                "the writer has no repetition separator"));
    trim_repetition(w);
    size_t before = w->len;
    st = put(w, w->d.repetition, data, len, 1, w->el, 0);
    if (st != X12_OK)
        return seg_fail(w, st);
    w->rep_start = before + 1;
    w->comp = 1;
    return X12_OK;
}

x12_status x12_writer_segment_end(x12_writer *w)
{
    x12_status st = check_open(w, "segment_end");
    if (st != X12_OK) {
        if (w->seg_state == SEG_FAILED)
            w->seg_state = SEG_NONE;
        return st;
    }
    if (w->el)
        trim_element(w);
    /* Trailing empty elements: element separators at the end (the id is
     * never empty, so this stops there). */
    while (w->buf[w->len - 1] == w->d.element)
        w->len--;
    return flush(w);
}

x12_status x12_writer_segmentv(x12_writer *w, const char *id, ...)
{
    x12_status st = x12_writer_segment_begin(w, id);
    if (st != X12_OK)
        return st;
    va_list ap;
    va_start(ap, id);
    const char *s;
    while ((s = va_arg(ap, const char *)) != NULL) {
        if (x12_writer_element(w, s, strlen(s)) != X12_OK)
            break;
    }
    va_end(ap);
    return x12_writer_segment_end(w);
}

/* --- envelopes ----------------------------------------------------------- */

/* Envelope header values are codes and identifiers, taken as X12 bytes
 * (never converted) and checked like any data. */
static x12_status env_elem(x12_writer *w, const char *s, uint32_t el)
{
    return put(w, w->d.element, s, strlen(s), 0, el, 0);
}

static x12_status env_begin(x12_writer *w, const char *id, int ok, const char *why)
{
    if (w->seg_state == SEG_OPEN) {
        fail(w, X12_ERR_USAGE, id, 0, 0, 0, "%s while segment %s is open", id, w->seg_id);
        return seg_fail(w, X12_ERR_USAGE);
    }
    w->seg_state = SEG_NONE;
    if (!ok)
        return fail(w, X12_ERR_USAGE, id, 0, 0, 0, "%s", why);
    seg_open(w, id, strlen(id));
    return X12_OK;
}

/* Closes an envelope segment built here: on any failure nothing was sent. */
static x12_status env_end(x12_writer *w, x12_status st)
{
    if (st != X12_OK) {
        w->seg_state = SEG_NONE;
        return st;
    }
    return flush(w);
}

/* ISA field: `v` padded to exactly `width` with spaces (AN) or checked for
 * exactly `width` digits (`digits`, DT and TM). */
static x12_status isa_field(x12_writer *w, uint32_t el, const char *v, size_t width, int digits)
{
    size_t n = strlen(v);
    if (n > width || (digits && n != width))
        return fail(w, X12_ERR_FIELD_WIDTH, "ISA", el, 0, 0, "ISA%02u is %zu bytes, %s %zu",
                    (unsigned)el, n, digits ? "must be" : "at most", width);
    for (size_t i = 0; digits && i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return fail(w, X12_ERR_USAGE, "ISA", el, 0, 0, "ISA%02u must be %zu digits",
                        (unsigned)el, width);
    x12_status st = put(w, w->d.element, v, n, 0, el, 0);
    if (st != X12_OK)
        return st;
    if ((st = reserve_at(w, width - n, el, 0)) != X12_OK)
        return st;
    memset(w->buf + w->len, ' ', width - n);
    w->len += width - n;
    return X12_OK;
}

/* Appends one structural byte (ISA11, ISA16) after an element separator. */
static x12_status put_struct(x12_writer *w, char c)
{
    x12_status st = reserve(w, 2);
    if (st == X12_OK) {
        w->buf[w->len++] = w->d.element;
        w->buf[w->len++] = c;
    }
    return st;
}

x12_status x12_writer_begin_interchange(x12_writer *w, const x12_isa_header *isa)
{
    x12_status st = env_begin(w, "ISA", !w->in_isa, "interchange already open");
    if (st != X12_OK)
        return st;
    static const char *const names[] = {"ISA06 sender_id", "ISA08 receiver_id", "ISA09 date",
                                        "ISA10 time"};
    const char *req[4] = {isa ? isa->sender_id : NULL, isa ? isa->receiver_id : NULL,
                          isa ? isa->date : NULL, isa ? isa->time : NULL};
    static const uint32_t req_el[4] = {6, 8, 9, 10};
    for (int i = 0; i < 4; i++)
        if (!req[i] || !req[i][0])
            return env_end(w, fail(w, X12_ERR_USAGE, "ISA", req_el[i], 0, 0, "%s is required",
                                   isa ? names[i] : "isa header"));
    if (isa->control_number == 0 || isa->control_number > 999999999u)
        return env_end(w, fail(w, isa->control_number ? X12_ERR_FIELD_WIDTH : X12_ERR_USAGE,
                               "ISA", 13, 0, 0, "ISA13 must be 1..999999999"));
    char ack = isa->ack_requested ? isa->ack_requested : '0';
    char usage = isa->usage ? isa->usage : 'P';
    if (ack != '0' && ack != '1')
        return env_end(w, fail(w, X12_ERR_USAGE, "ISA", 14, 0, 0, "ISA14 must be '0' or '1'"));
    if (usage != 'P' && usage != 'T')
        return env_end(w, fail(w, X12_ERR_USAGE, "ISA", 15, 0, 0, "ISA15 must be 'P' or 'T'"));

    /* 005010 ISA: fixed widths from X12-FACTS §1.1, 106 bytes with the terminator. */
    const struct {
        const char *v;
        size_t width;
        int digits;
    } f[10] = {
        {isa->auth_qualifier ? isa->auth_qualifier : "00", 2, 0},
        {isa->auth_info ? isa->auth_info : "", 10, 0},
        {isa->security_qualifier ? isa->security_qualifier : "00", 2, 0},
        {isa->security_info ? isa->security_info : "", 10, 0},
        {isa->sender_qualifier ? isa->sender_qualifier : "ZZ", 2, 0},
        {isa->sender_id, 15, 0},
        {isa->receiver_qualifier ? isa->receiver_qualifier : "ZZ", 2, 0},
        {isa->receiver_id, 15, 0},
        {isa->date, 6, 1},
        {isa->time, 4, 1},
    };
    for (uint32_t i = 0; i < 10 && st == X12_OK; i++)
        st = isa_field(w, i + 1, f[i].v, f[i].width, f[i].digits);
    /* ISA09 YYMMDD and ISA10 HHMM, a day and a time that exist (widths and
     * digits checked above) */
    if (st == X12_OK && !x12__valid_date(isa->date, 6))
        st = fail(w, X12_ERR_USAGE, "ISA", 9, 0, 0, "ISA09 '%.6s' is not a date (YYMMDD)",
                  isa->date);
    if (st == X12_OK && !x12__valid_time(isa->time, 4))
        st = fail(w, X12_ERR_USAGE, "ISA", 10, 0, 0, "ISA10 '%.4s' is not a time (HHMM)",
                  isa->time);
    /* ISA11 is the repetition separator in 00501; a writer without one
     * writes the 4010 standards id 'U', which readers take as "none". */
    if (st == X12_OK)
        st = put_struct(w, w->d.repetition ? w->d.repetition : 'U');
    if (st == X12_OK)
        st = isa_field(w, 12, isa->version ? isa->version : "00501", 5, 0);
    char num[16];
    snprintf(num, sizeof num, "%09lu", (unsigned long)isa->control_number);
    char one[2] = {ack, 0};
    if (st == X12_OK)
        st = env_elem(w, num, 13);
    if (st == X12_OK)
        st = env_elem(w, one, 14);
    one[0] = usage;
    if (st == X12_OK)
        st = env_elem(w, one, 15);
    if (st == X12_OK)
        st = put_struct(w, w->d.component);
    if ((st = env_end(w, st)) != X12_OK)
        return st;
    w->in_isa = 1;
    w->in_gs = w->in_st = 0;
    w->groups = 0;
    memcpy(w->isa13, num, 10);
    return X12_OK;
}

x12_status x12_writer_end_interchange(x12_writer *w)
{
    x12_status st = env_begin(w, "IEA", w->in_isa && !w->in_gs,
                              w->in_gs ? "functional group still open" : "no interchange open");
    if (st != X12_OK)
        return st;
    char n[16];
    snprintf(n, sizeof n, "%lu", (unsigned long)w->groups);
    st = env_elem(w, n, 1);
    if (st == X12_OK)
        st = env_elem(w, w->isa13, 2);
    if ((st = env_end(w, st)) != X12_OK)
        return st;
    w->in_isa = 0;
    return X12_OK;
}

/* Checks a required header value against a maximum length (X12 element
 * dictionary: GS02/GS03 AN 2/15, GS08 AN 1/12, ST02 AN 4/9, ST03 AN 1/35). */
static x12_status env_value(x12_writer *w, const char *v, uint32_t el, size_t min, size_t max)
{
    const char *id = w->seg_id;
    if (!v || !v[0])
        return fail(w, X12_ERR_USAGE, id, el, 0, 0, "%s%02u is required", id, (unsigned)el);
    size_t n = strlen(v);
    if (n < min || n > max)
        return fail(w, X12_ERR_FIELD_WIDTH, id, el, 0, 0, "%s%02u is %zu bytes, must be %zu-%zu",
                    id, (unsigned)el, n, min, max);
    return env_elem(w, v, el);
}

x12_status x12_writer_begin_group(x12_writer *w, const x12_gs_header *gs)
{
    x12_status st = env_begin(w, "GS", w->in_isa && !w->in_gs,
                              w->in_gs ? "functional group already open" : "no interchange open");
    if (st != X12_OK)
        return st;
    if (!gs)
        return env_end(w, fail(w, X12_ERR_USAGE, "GS", 0, 0, 0, "gs header is NULL"));
    if (gs->control_number == 0 || gs->control_number > 999999999u)
        return env_end(w, fail(w, gs->control_number ? X12_ERR_FIELD_WIDTH : X12_ERR_USAGE, "GS",
                               6, 0, 0, "GS06 must be 1..999999999"));
    char num[16];
    snprintf(num, sizeof num, "%lu", (unsigned long)gs->control_number);
    st = env_value(w, gs->functional_id, 1, 2, 2);
    if (st == X12_OK)
        st = env_value(w, gs->sender, 2, 2, 15);
    if (st == X12_OK)
        st = env_value(w, gs->receiver, 3, 2, 15);
    /* GS04 CCYYMMDD and GS05 HHMM[SS[d..]] that exist; a wrong width is
     * env_value's to say */
    if (st == X12_OK && gs->date && strlen(gs->date) == 8 && !x12__valid_date(gs->date, 8))
        st = fail(w, X12_ERR_USAGE, "GS", 4, 0, 0, "GS04 '%.8s' is not a date (CCYYMMDD)",
                  gs->date);
    if (st == X12_OK)
        st = env_value(w, gs->date, 4, 8, 8);
    if (st == X12_OK && gs->time && strlen(gs->time) >= 4 && strlen(gs->time) <= 8 &&
        !x12__valid_time(gs->time, strlen(gs->time)))
        st = fail(w, X12_ERR_USAGE, "GS", 5, 0, 0, "GS05 '%.8s' is not a time (HHMM[SS[d..]])",
                  gs->time);
    if (st == X12_OK)
        st = env_value(w, gs->time, 5, 4, 8);
    if (st == X12_OK)
        st = env_elem(w, num, 6);
    if (st == X12_OK)
        st = env_elem(w, "X", 7); /* GS07: responsible agency, always X12 */
    if (st == X12_OK)
        st = env_value(w, gs->version, 8, 1, 12);
    if ((st = env_end(w, st)) != X12_OK)
        return st;
    w->in_gs = 1;
    w->sets = 0;
    memcpy(w->gs06, num, strlen(num) + 1);
    return X12_OK;
}

x12_status x12_writer_end_group(x12_writer *w)
{
    x12_status st = env_begin(w, "GE", w->in_gs && !w->in_st,
                              w->in_st ? "transaction set still open" : "no functional group open");
    if (st != X12_OK)
        return st;
    char n[16];
    snprintf(n, sizeof n, "%lu", (unsigned long)w->sets);
    st = env_elem(w, n, 1);
    if (st == X12_OK)
        st = env_elem(w, w->gs06, 2);
    if ((st = env_end(w, st)) != X12_OK)
        return st;
    w->in_gs = 0;
    w->groups++;
    return X12_OK;
}

x12_status x12_writer_begin_set(x12_writer *w, const char *st01, const char *st02,
                                const char *st03)
{
    x12_status st = env_begin(w, "ST", w->in_gs && !w->in_st,
                              w->in_st ? "transaction set already open" : "no functional group open");
    if (st != X12_OK)
        return st;
    st = env_value(w, st01, 1, 3, 3);
    if (st == X12_OK)
        st = env_value(w, st02, 2, 4, 9);
    if (st == X12_OK && st03)
        st = env_value(w, st03, 3, 1, 35);
    if (st != X12_OK)
        return env_end(w, st);
    /* The set opens before the ST goes out so that ST counts as segment 1. */
    w->in_st = 1;
    w->set_segs = 0;
    if ((st = env_end(w, st)) != X12_OK) {
        w->in_st = 0;
        return st;
    }
    memcpy(w->st02, st02, strlen(st02) + 1);
    return X12_OK;
}

x12_status x12_writer_end_set(x12_writer *w)
{
    x12_status st = env_begin(w, "SE", w->in_st, "no transaction set open");
    if (st != X12_OK)
        return st;
    char n[16];
    /* SE01 counts ST through SE inclusive (X12-FACTS §1.2). */
    snprintf(n, sizeof n, "%lu", (unsigned long)w->set_segs + 1);
    st = env_elem(w, n, 1);
    if (st == X12_OK)
        st = env_elem(w, w->st02, 2);
    if ((st = env_end(w, st)) != X12_OK)
        return st;
    w->in_st = 0;
    w->sets++;
    return X12_OK;
}

/* --- copying read segments ---------------------------------------------- */

static void copy_ctl(char dst[16], x12_slice v)
{
    size_t n = v.len < 15 ? v.len : 15;
    if (n)
        memcpy(dst, v.ptr, n);
    dst[n] = '\0';
}

/* Copies one element of a read segment, translating its repetition and
 * component separators into ours.  Everything else is data. */
static x12_status copy_element(x12_writer *w, const x12_segment *seg, x12_slice v, uint32_t el)
{
    char rs = seg->delims.repetition, cs = seg->delims.component;
    x12_status st = reserve_at(w, 1, el, 0);
    if (st != X12_OK)
        return st;
    w->buf[w->len++] = w->d.element;
    if (v.len == 0)
        return X12_OK;
    size_t i = 0;
    while (i <= v.len) {
        /* One repetition: [i, r) */
        size_t r = i;
        while (r < v.len && !(rs && v.ptr[r] == rs))
            r++;
        int composite = cs && r > i && memchr(v.ptr + i, cs, r - i) != NULL;
        uint32_t comp = 1;
        size_t s = i;
        for (size_t k = i; k <= r; k++) {
            if (k < r && v.ptr[k] != cs)
                continue;
            /* Component [s, k); the check runs before any byte is kept. */
            for (size_t b = s; b < k; b++) {
                unsigned char c = w->cls[(unsigned char)v.ptr[b]];
                if (c != CC_OK) {
                    char d[96];
                    x12__class_detail(d, sizeof d, c, (unsigned char)v.ptr[b]);
                    return fail(w, x12__class_status(c), w->seg_id, el, composite ? comp : 0, b,
                                "%s", d);
                }
            }
            if ((st = reserve_at(w, k - s + 1, el, composite ? comp : 0)) != X12_OK)
                return st;
            if (k > s)
                memcpy(w->buf + w->len, v.ptr + s, k - s);
            w->len += k - s;
            if (k < r)
                w->buf[w->len++] = w->d.component;
            s = k + 1;
            comp++;
        }
        if (r >= v.len)
            break;
        if (!w->d.repetition)
            return fail(w, X12_ERR_USAGE, w->seg_id, el, 0, r,
                        "element has repetitions and the writer has no repetition separator");
        if ((st = reserve_at(w, 1, el, 0)) != X12_OK)
            return st;
        w->buf[w->len++] = w->d.repetition;
        i = r + 1;
    }
    return X12_OK;
}

/* The ISA is fixed-width: its fields are copied byte for byte (they are
 * simple elements, so nothing in them is split), and only the two
 * delimiters it declares, ISA11 and ISA16, become ours. */
static x12_status copy_isa(x12_writer *w, const x12_segment *seg)
{
    if (seg->element_count != 16 || seg->elements[11].len != 1 || seg->elements[16].len != 1)
        return fail(w, X12_ERR_USAGE, "ISA", 0, 0, 0, "not a 16-element fixed-width ISA");
    x12_status st = X12_OK;
    for (uint32_t el = 1; el <= 16 && st == X12_OK; el++) {
        if (el == 11) {
            char c = w->d.repetition;
            if (!c) {
                /* No repetition separator here: keep a 4010-style letter ('U'),
                 * and keep whatever the source had when it had none either (an
                 * ISA11 that collided with another delimiter, read leniently),
                 * so that copying with the source's delimiters is exact;
                 * otherwise write 'U', which means "none" to a reader. */
                unsigned char o = (unsigned char)seg->elements[11].ptr[0];
                int letter = (o >= 'A' && o <= 'Z') || (o >= '0' && o <= '9');
                int same_delims = !seg->delims.repetition &&
                                  w->d.element == seg->delims.element &&
                                  w->d.component == seg->delims.component &&
                                  w->d.segment == seg->delims.segment;
                c = (letter || same_delims) ? (char)o : 'U';
            }
            st = put_struct(w, c);
        } else if (el == 16) {
            st = put_struct(w, w->d.component);
        } else {
            x12_slice v = seg->elements[el];
            st = put(w, w->d.element, v.ptr, v.len, 0, el, 0);
        }
    }
    return st;
}

/* Envelope segments copied as read still open and close the writer's
 * envelopes, without the nesting checks of the envelope functions: copying
 * a file reproduces it, mistakes included. */
static void track_copy(x12_writer *w, const x12_segment *seg)
{
    const char *id = w->seg_id;
    if (strcmp(id, "ISA") == 0) {
        w->in_isa = 1;
        w->in_gs = w->in_st = 0;
        w->groups = 0;
        copy_ctl(w->isa13, x12_segment_element(seg, 13));
    } else if (strcmp(id, "GS") == 0) {
        w->in_gs = 1;
        w->in_st = 0;
        w->sets = 0;
        copy_ctl(w->gs06, x12_segment_element(seg, 6));
    } else if (strcmp(id, "ST") == 0) {
        /* in_st and set_segs were set before the ST was counted. */
        copy_ctl(w->st02, x12_segment_element(seg, 2));
    }
}

static void track_copy_after(x12_writer *w)
{
    const char *id = w->seg_id;
    if (strcmp(id, "SE") == 0) {
        w->in_st = 0;
        w->sets++;
    } else if (strcmp(id, "GE") == 0) {
        w->in_gs = w->in_st = 0;
        w->groups++;
    } else if (strcmp(id, "IEA") == 0) {
        w->in_isa = w->in_gs = w->in_st = 0;
    }
}

x12_status x12_writer_write_segment(x12_writer *w, const x12_segment *seg)
{
    if (w->seg_state == SEG_OPEN) {
        fail(w, X12_ERR_USAGE, w->seg_id, 0, 0, 0, "write_segment while a segment is open");
        return seg_fail(w, X12_ERR_USAGE);
    }
    w->seg_state = SEG_NONE;
    if (!seg || (!seg->elements && seg->element_count))
        return fail(w, X12_ERR_USAGE, NULL, 0, 0, 0, "segment is NULL");
    x12_slice id = seg->id;
    if (!id.ptr && seg->elements)
        id = seg->elements[0];
    if (!id.ptr || !valid_id(id.ptr, id.len))
        return fail(w, X12_ERR_USAGE, NULL, 0, 0, 0,
                    "segment id must be 2-3 upper-case letters or digits, a letter first");
    seg_open(w, id.ptr, id.len);
    x12_status st = X12_OK;
    int isa = strcmp(w->seg_id, "ISA") == 0;
    if (isa)
        st = copy_isa(w, seg);
    else
        for (uint32_t el = 1; el <= seg->element_count && st == X12_OK; el++)
            st = copy_element(w, seg, seg->elements[el], el);
    if (st != X12_OK) {
        w->seg_state = SEG_NONE;
        return st;
    }
    /* ST is segment 1 of its set, so the set opens before it is counted. */
    int saved_st = w->in_st;
    uint32_t saved_segs = w->set_segs;
    if (strcmp(w->seg_id, "ST") == 0) {
        w->in_st = 1;
        w->set_segs = 0;
    }
    if ((st = flush(w)) != X12_OK) {
        w->in_st = saved_st;
        w->set_segs = saved_segs;
        return st;
    }
    track_copy(w, seg);
    track_copy_after(w);
    return X12_OK;
}
