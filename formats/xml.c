/* Lossless X12 <-> XML (include/x12/xml.h, docs/xml.md).  The encoder consumes
 * the reader and the loop walker and writes with xmlTextWriter; the decoder
 * reads node by node with xmlTextReader and rebuilds each segment in its
 * <interchange>'s delimiters.  Both hold one segment plus fixed buffers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include "x12/walk.h"
#include "x12/xml.h"

#define GAP X12_XML_MAX_GAP
#define MAX_NEST 128 /* open XML elements; the guides nest 6 deep, the envelope 3 */
#define READ_CHUNK 65536

/* --- growable bytes ------------------------------------------------------------ */

typedef struct bytes {
    char *p;
    size_t len, cap;
} bytes;

static int bytes_add(bytes *b, const void *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

static const char HEX[] = "0123456789abcdef";

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 1 when `p` can travel as XML character data and come back the same:
 * UTF-8 that XML 1.0 allows, without C0 controls or DEL (NUL cannot be
 * written at all and a CR would come back as LF), and without the bytes
 * `a` and `b` (delimiters that only appear in data past max_elements). */
static int text_safe(const unsigned char *p, size_t n, unsigned char a, unsigned char b)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f || c == a || c == b)
                return 0;
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0; /* overlong */
            if (c == 0xed)
                hi = 0x9f; /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f; /* past U+10FFFF */
        } else {
            return 0;
        }
        if (n - i <= need)
            return 0;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xbf)
                return 0;
        /* U+FFFE and U+FFFF are not XML characters */
        if (c == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe)
            return 0;
        i += need + 1;
    }
    return 1;
}

/* =============================================================================
 * X12 -> XML
 * ============================================================================= */

enum { K_FILE = 1, K_INTERCHANGE, K_GROUP, K_LOOP };

struct x12_xml_encoder {
    x12_xml_options o;
    x12_write_fn out;
    void *out_ctx;
    xmlTextWriterPtr xw;
    x12_status status; /* sticky failure of the output: X12_ERR_IO or X12_ERR_NOMEM */
    int out_failed, discard, finished;

    unsigned char stack[MAX_NEST]; /* kinds of the open elements under <x12> */
    int depth, phantom;            /* phantom: loops past MAX_NEST, not written */

    /* the open file */
    int in_file;
    x12_reader *r;
    x12_walker *w;
    const x12_segment *cur; /* the segment being passed to the walker */
    int cur_written;

    /* Skipped bytes.  The reader's API gives segment offsets and lengths, not
     * what lies between them, so the encoder keeps the input it may still
     * need: `pend` holds the bytes after the last segment's data (`mark`)
     * from earlier chunks, `hist` the last GAP bytes before the current
     * chunk, and the chunk itself is at hand while the reader runs on it. */
    int gaps;
    uint64_t fed, mark, chunk_off;
    const char *chunk;
    size_t chunk_len;
    char *pend, *pend2, *hist;
    size_t pend_len;
    uint64_t hist_end;
    bytes gap;
    int gap_set, have_prev;
    char prev_term;
};

void x12_xml_options_init(x12_xml_options *opts)
{
    memset(opts, 0, sizeof *opts);
    x12_reader_options_init(&opts->reader);
    opts->max_segment_length = X12_DEFAULT_MAX_SEGMENT_LENGTH;
}

static int xo_write(void *ctx, const char *b, int len)
{
    x12_xml_encoder *x = ctx;
    if (x->discard)
        return len;
    if (len > 0 && x->out(x->out_ctx, b, (size_t)len) != 0) {
        /* not -1: libxml2 would print "I/O error" on stderr; the failure is
         * noted here and turned into X12_ERR_IO by out_ok() */
        x->out_failed = x->discard = 1;
    }
    return len;
}

static int xo_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* Turns a failed output into the sticky status; returns 0 when all is well. */
static int out_ok(x12_xml_encoder *x)
{
    if (x->out_failed && x->status == X12_OK)
        x->status = X12_ERR_IO;
    return x->status == X12_OK ? 0 : -1;
}

/* A libxml2 writer call failed: the output (our callback said so) or memory. */
static int fail(x12_xml_encoder *x)
{
    if (x->status == X12_OK)
        x->status = x->out_failed ? X12_ERR_IO : X12_ERR_NOMEM;
    return -1;
}

#define TRY(call)                                                                                  \
    do {                                                                                           \
        if ((call) < 0)                                                                            \
            return fail(x);                                                                        \
    } while (0)

static int raw(x12_xml_encoder *x, const char *p, size_t n)
{
    while (n) {
        int k = n > 65536 ? 65536 : (int)n;
        TRY(xmlTextWriterWriteRawLen(x->xw, (const xmlChar *)p, k));
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Character data or attribute text, escaped by hand so that slices need no
 * NUL-terminated copy.  The caller has checked text_safe(). */
static int text(x12_xml_encoder *x, const char *p, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (p[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        default: continue;
        }
        if (raw(x, p + run, i - run) < 0 || raw(x, rep, strlen(rep)) < 0)
            return -1;
        run = i + 1;
    }
    return raw(x, p + run, n - run);
}

static int hex_attr(x12_xml_encoder *x, const char *name, const char *p, size_t n)
{
    char tmp[512];
    TRY(xmlTextWriterStartAttribute(x->xw, BAD_CAST name));
    while (n) {
        size_t k = n > sizeof tmp / 2 ? sizeof tmp / 2 : n;
        for (size_t i = 0; i < k; i++) {
            tmp[2 * i] = HEX[(unsigned char)p[i] >> 4];
            tmp[2 * i + 1] = HEX[(unsigned char)p[i] & 15];
        }
        if (raw(x, tmp, 2 * k) < 0)
            return -1;
        p += k;
        n -= k;
    }
    TRY(xmlTextWriterEndAttribute(x->xw));
    return 0;
}

static int text_attr(x12_xml_encoder *x, const char *name, const char *p, size_t n)
{
    TRY(xmlTextWriterStartAttribute(x->xw, BAD_CAST name));
    if (text(x, p, n) < 0)
        return -1;
    TRY(xmlTextWriterEndAttribute(x->xw));
    return 0;
}

/* A delimiter: the character itself when printable, else two hex digits (a
 * delimiter is never a letter or digit, so one character is never hex). */
static int delim_attr(x12_xml_encoder *x, const char *name, char c, int none)
{
    unsigned char u = (unsigned char)c;
    if (none)
        return text_attr(x, name, "", 0);
    if (u > 0x20 && u < 0x7f)
        return text_attr(x, name, &c, 1);
    return hex_attr(x, name, &c, 1);
}

/* A line break and indentation before a start or end tag (not in compact
 * output).  Only between structural elements, never inside <el>. */
static int newline(x12_xml_encoder *x, int level)
{
    static const char SP[] = "\n                                                                ";
    if (x->o.flags & X12_XML_COMPACT)
        return 0;
    size_t n = 1 + 2 * (size_t)level;
    return raw(x, SP, n < sizeof SP - 1 ? n : sizeof SP - 1);
}

static int open_elem(x12_xml_encoder *x, int kind, const char *name)
{
    if (x->depth == MAX_NEST) {
        x->phantom++;
        return 1; /* not written; the caller skips its attributes */
    }
    if (newline(x, x->depth + 1) < 0)
        return -1;
    TRY(xmlTextWriterStartElement(x->xw, BAD_CAST name));
    x->stack[x->depth++] = (unsigned char)kind;
    return 0;
}

static int close_top(x12_xml_encoder *x)
{
    x->depth--;
    if (newline(x, x->depth + 1) < 0)
        return -1;
    TRY(xmlTextWriterEndElement(x->xw));
    return 0;
}

static int has_open(const x12_xml_encoder *x, int kind)
{
    for (int i = 0; i < x->depth; i++)
        if (x->stack[i] == kind)
            return 1;
    return 0;
}

/* Closes elements until `kind` is on top (it must be open). */
static int close_to(x12_xml_encoder *x, int kind)
{
    x->phantom = 0;
    while (x->depth > 0 && x->stack[x->depth - 1] != kind)
        if (close_top(x) < 0)
            return -1;
    return 0;
}

/* Splits `v` on `sep` and writes each piece as a `name` child. */
static int pieces(x12_xml_encoder *x, const char *name, const char *p, size_t n, char sep,
                  int (*inner)(x12_xml_encoder *, const char *, size_t, char), char isep)
{
    for (;;) {
        const char *e = memchr(p, sep, n);
        size_t k = e ? (size_t)(e - p) : n;
        TRY(xmlTextWriterStartElement(x->xw, BAD_CAST name));
        if (inner ? inner(x, p, k, isep) < 0 : text(x, p, k) < 0)
            return -1;
        TRY(xmlTextWriterEndElement(x->xw));
        if (!e)
            return 0;
        p = e + 1;
        n -= k + 1;
    }
}

/* A repetition (or an element without repetitions): components or text. */
static int components(x12_xml_encoder *x, const char *p, size_t n, char cs)
{
    if (!memchr(p, cs, n))
        return text(x, p, n);
    return pieces(x, "comp", p, n, cs, NULL, 0);
}

static int element(x12_xml_encoder *x, const x12_segment *seg, x12_slice e, int is_isa)
{
    const x12_delimiters *d = &seg->delims;
    const char *p = e.ptr ? e.ptr : "";
    TRY(xmlTextWriterStartElement(x->xw, BAD_CAST "el"));
    if (!text_safe((const unsigned char *)p, e.len, (unsigned char)d->element,
                   (unsigned char)d->segment)) {
        if (hex_attr(x, "hex", p, e.len) < 0)
            return -1;
    } else if (is_isa) {
        /* fixed-width fields; ISA11 and ISA16 are delimiters, not structure */
        if (text(x, p, e.len) < 0)
            return -1;
    } else if (d->repetition && memchr(p, d->repetition, e.len)) {
        if (pieces(x, "rep", p, e.len, d->repetition, components, d->component) < 0)
            return -1;
    } else if (components(x, p, e.len, d->component) < 0) {
        return -1;
    }
    TRY(xmlTextWriterEndElement(x->xw));
    return 0;
}

static int segment(x12_xml_encoder *x, const x12_segment *seg, int placed)
{
    const x12_delimiters *d = &seg->delims;
    if (seg == x->cur)
        x->cur_written = 1;
    if (newline(x, x->depth + 1) < 0)
        return -1;
    TRY(xmlTextWriterStartElement(x->xw, BAD_CAST "seg"));
    const char *id = seg->id.ptr ? seg->id.ptr : "";
    if (text_safe((const unsigned char *)id, seg->id.len, (unsigned char)d->element,
                  (unsigned char)d->segment)) {
        if (text_attr(x, "id", id, seg->id.len) < 0)
            return -1;
    } else if (hex_attr(x, "idhex", id, seg->id.len) < 0) {
        return -1;
    }
    if (seg->set_position)
        TRY(xmlTextWriterWriteFormatAttribute(x->xw, BAD_CAST "pos", "%u",
                                              (unsigned)seg->set_position));
    if (!placed)
        TRY(xmlTextWriterWriteAttribute(x->xw, BAD_CAST "unplaced", BAD_CAST "1"));
    if (seg == x->cur && x->gap_set && hex_attr(x, "gap", x->gap.p, x->gap.len) < 0)
        return -1;
    int is_isa = x12_slice_eq(seg->id, "ISA");
    for (uint32_t i = 1; i <= seg->element_count; i++)
        if (element(x, seg, seg->elements[i], is_isa) < 0)
            return -1;
    TRY(xmlTextWriterEndElement(x->xw));
    return 0;
}

static int open_interchange(x12_xml_encoder *x, const x12_delimiters *d)
{
    int rc = open_elem(x, K_INTERCHANGE, "interchange");
    if (rc)
        return rc < 0 ? -1 : 0;
    if (delim_attr(x, "element", d->element, 0) < 0 ||
        delim_attr(x, "repetition", d->repetition, d->repetition == '\0') < 0 ||
        delim_attr(x, "component", d->component, 0) < 0 ||
        delim_attr(x, "segment", d->segment, 0) < 0)
        return -1;
    return 0;
}

/* Envelope segments shape the document whatever the walker makes of them
 * (it keeps an unknown guide's set open across a GS or ISA until its SE). */
static int place(x12_xml_encoder *x, const x12_segment *seg, int placed)
{
    x12_slice id = seg->id;
    if (x12_slice_eq(id, "ISA")) {
        if (close_to(x, K_FILE) < 0 || open_interchange(x, &seg->delims) < 0)
            return -1;
        return segment(x, seg, placed);
    }
    if (!has_open(x, K_INTERCHANGE)) {
        /* the reader hands out segments only after an ISA; kept for safety */
        if (close_to(x, K_FILE) < 0 || open_interchange(x, &seg->delims) < 0)
            return -1;
    }
    if (x12_slice_eq(id, "GS")) {
        if (close_to(x, K_INTERCHANGE) < 0 || open_elem(x, K_GROUP, "group") < 0)
            return -1;
        return segment(x, seg, placed);
    }
    if (x12_slice_eq(id, "GE")) {
        while (x->depth > 0 && x->stack[x->depth - 1] == K_LOOP)
            if (close_top(x) < 0)
                return -1;
        x->phantom = 0;
        if (segment(x, seg, placed) < 0)
            return -1;
        return x->depth > 0 && x->stack[x->depth - 1] == K_GROUP ? close_top(x) : 0;
    }
    if (x12_slice_eq(id, "IEA")) {
        if (close_to(x, K_INTERCHANGE) < 0 || segment(x, seg, placed) < 0)
            return -1;
        return close_top(x);
    }
    return segment(x, seg, placed);
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    x12_xml_encoder *x = ctx;
    if (x->status != X12_OK)
        return 1;
    if (ev->kind == X12_WALK_SEGMENT) {
        place(x, ev->seg, ev->placed);
    } else if (ev->kind == X12_WALK_ENTER) {
        int top = ev->depth == 0;
        int rc = open_elem(x, K_LOOP, top ? "transaction" : "loop");
        if (rc == 0) {
            if (top && ev->spec)
                text_attr(x, "guide", x12_spec_guide_id(ev->spec),
                          strlen(x12_spec_guide_id(ev->spec)));
            if (!top && ev->loop_id)
                text_attr(x, "id", ev->loop_id, strlen(ev->loop_id));
            if (ev->loop_name)
                text_attr(x, "name", ev->loop_name, strlen(ev->loop_name));
        }
    } else if (x->phantom) {
        x->phantom--;
    } else if (x->depth > 0 && x->stack[x->depth - 1] == K_LOOP) {
        close_top(x);
    }
    return out_ok(x) != 0;
}

/* Byte `p` of the input, when one of the windows still holds it. */
static int byte_at(const x12_xml_encoder *x, uint64_t p, char *c)
{
    if (x->chunk && p >= x->chunk_off && p - x->chunk_off < x->chunk_len) {
        *c = x->chunk[p - x->chunk_off];
        return 1;
    }
    if (p >= x->mark && p - x->mark < x->pend_len) {
        *c = x->pend[p - x->mark];
        return 1;
    }
    if (p < x->hist_end && x->hist_end - p <= GAP) {
        *c = x->hist[p % GAP];
        return 1;
    }
    return 0;
}

/* The bytes from the mark to `to`, into x->gap; 0 when they are gone. */
static int take_bytes(x12_xml_encoder *x, uint64_t to)
{
    x->gap.len = 0;
    if (to < x->mark || to - x->mark > GAP)
        return 0;
    for (uint64_t p = x->mark; p < to; p++)
        if (!byte_at(x, p, &x->gap.p[x->gap.len++]))
            return 0;
    return 1;
}

/* What was skipped before `seg`, kept when it is not just the previous
 * terminator; then the mark moves past the segment's data. */
static void note_segment(x12_xml_encoder *x, const x12_segment *seg)
{
    x->gap_set = 0;
    if (!x->gaps)
        return;
    if (take_bytes(x, seg->byte_offset)) {
        int plain = x->have_prev ? x->gap.len == 1 && x->gap.p[0] == x->prev_term : x->gap.len == 0;
        x->gap_set = !plain;
    }
    /* the bytes between the new mark and the current chunk (a CR before an
     * LF terminator cut by a chunk boundary) move into pend */
    uint64_t m = seg->byte_offset + seg->raw.len;
    size_t n = 0;
    for (uint64_t p = m; p < x->chunk_off && n < GAP; p++)
        if (!byte_at(x, p, &x->pend2[n++])) {
            n--;
            break;
        }
    char *t = x->pend;
    x->pend = x->pend2;
    x->pend2 = t;
    x->pend_len = n;
    x->mark = m;
    x->have_prev = 1;
    x->prev_term = seg->delims.segment;
}

static int enc_segment(void *ctx, const x12_segment *seg)
{
    x12_xml_encoder *x = ctx;
    if (x->status != X12_OK)
        return 1;
    note_segment(x, seg);
    x->cur = seg;
    x->cur_written = 0;
    x12_status st = x12_walker_segment(x->w, seg);
    if (st == X12_ERR_NOMEM && x->status == X12_OK)
        x->status = X12_ERR_NOMEM;
    if (!x->cur_written && x->status == X12_OK)
        place(x, seg, 1); /* the walker gave no event for it: never lose a segment */
    x->cur = NULL;
    return out_ok(x) != 0;
}

static void enc_error(void *ctx, const x12_error *e)
{
    x12_xml_encoder *x = ctx;
    if (x->o.error)
        x->o.error(x->o.error_ctx, e);
}

x12_xml_encoder *x12_xml_encoder_new(const x12_xml_options *opts, x12_write_fn out, void *ctx,
                                     x12_error *err)
{
    x12_xml_encoder *x = calloc(1, sizeof *x);
    if (err)
        memset(err, 0, sizeof *err);
    if (!x)
        goto nomem;
    if (opts)
        x->o = *opts;
    else
        x12_xml_options_init(&x->o);
    x->out = out;
    x->out_ctx = ctx;
    x->gaps = !(x->o.flags & X12_XML_NO_GAPS);
    if (x->gaps) {
        x->pend = malloc(GAP);
        x->pend2 = malloc(GAP);
        x->hist = malloc(GAP);
        x->gap.p = malloc(GAP);
        x->gap.cap = GAP;
        if (!x->pend || !x->pend2 || !x->hist || !x->gap.p)
            goto nomem;
    }
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(xo_write, xo_close, x, NULL);
    if (!ob)
        goto nomem;
    x->xw = xmlNewTextWriter(ob);
    if (!x->xw) {
        xmlOutputBufferClose(ob);
        goto nomem;
    }
    /* the declaration by hand: with an encoding given to StartDocument,
     * libxml2 would pass every byte through an UTF-8 -> UTF-8 converter */
    static const char DECL[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    if (raw(x, DECL, sizeof DECL - 1) < 0 ||
        xmlTextWriterStartElement(x->xw, BAD_CAST "x12") < 0 ||
        xmlTextWriterWriteAttribute(x->xw, BAD_CAST "xmlns", BAD_CAST X12_XML_NAMESPACE) < 0 ||
        xmlTextWriterFlush(x->xw) < 0 || out_ok(x) < 0) {
        fail(x);
        if (err) {
            err->code = x->status;
            err->msg = x12_status_message(x->status);
        }
        x12_xml_encoder_free(x);
        return NULL;
    }
    return x;
nomem:
    if (err) {
        err->code = X12_ERR_NOMEM;
        err->msg = x12_status_message(X12_ERR_NOMEM);
    }
    x12_xml_encoder_free(x);
    return NULL;
}

void x12_xml_encoder_free(x12_xml_encoder *x)
{
    if (!x)
        return;
    x->discard = 1; /* freeing flushes libxml2's buffer: nothing more goes out */
    if (x->xw)
        xmlFreeTextWriter(x->xw);
    x12_reader_free(x->r);
    x12_walker_free(x->w);
    free(x->pend);
    free(x->pend2);
    free(x->hist);
    free(x->gap.p);
    free(x);
}

x12_status x12_xml_encoder_begin_file(x12_xml_encoder *x, const char *name)
{
    if (x->status != X12_OK)
        return x->status;
    if (x->in_file || x->finished)
        return X12_ERR_USAGE;
    x12_reader_callbacks rc = {enc_segment, enc_error};
    x12_walker_callbacks wc = {on_event, NULL};
    x->r = x12_reader_new(&x->o.reader, &rc, x);
    x->w = x12_walker_new(&wc, x, (x->o.flags & X12_XML_NEAREST_GUIDE) ? X12_WALK_NEAREST_GUIDE : 0);
    if (!x->r || !x->w) {
        x12_reader_free(x->r);
        x12_walker_free(x->w);
        x->r = NULL;
        x->w = NULL;
        return X12_ERR_NOMEM;
    }
    x->in_file = 1;
    x->fed = x->mark = x->chunk_off = x->hist_end = 0;
    x->pend_len = 0;
    x->have_prev = 0;
    x->depth = x->phantom = 0;
    if (open_elem(x, K_FILE, "file") < 0)
        return x->status;
    if (name && text_safe((const unsigned char *)name, strlen(name), 0, 0))
        text_attr(x, "name", name, strlen(name));
    return x->status;
}

x12_status x12_xml_encoder_feed(x12_xml_encoder *x, const void *buf, size_t len)
{
    if (x->status != X12_OK)
        return x->status;
    if (!x->in_file)
        return X12_ERR_USAGE;
    x->chunk = buf;
    x->chunk_off = x->fed;
    x->chunk_len = len;
    x12_status st = x12_reader_feed(x->r, buf, len);
    if (st == X12_ERR_NOMEM && x->status == X12_OK)
        x->status = X12_ERR_NOMEM;
    if (x->gaps) {
        /* keep what later gaps may still need: the bytes after the mark (up
         * to GAP) and the last GAP bytes */
        const char *c = buf;
        uint64_t from = x->mark > x->chunk_off ? x->mark : x->chunk_off;
        if (x->mark + x->pend_len == from && from < x->chunk_off + len) {
            size_t n = (size_t)(x->chunk_off + len - from);
            if (n > GAP - x->pend_len)
                n = GAP - x->pend_len;
            memcpy(x->pend + x->pend_len, c + (from - x->chunk_off), n);
            x->pend_len += n;
        }
        size_t keep = len > GAP ? GAP : len;
        for (size_t i = len - keep; i < len; i++)
            x->hist[(x->chunk_off + i) % GAP] = c[i];
        x->hist_end = x->chunk_off + len;
    }
    x->fed += len;
    x->chunk = NULL;
    x->chunk_off = x->fed;
    x->chunk_len = 0;
    out_ok(x);
    return x->status;
}

/* The bytes after the last segment's data (x->gap), when they are not just
 * its terminator: trailing padding, or nothing after an unterminated segment. */
static int tail(x12_xml_encoder *x)
{
    int plain = x->have_prev ? x->gap.len == 1 && x->gap.p[0] == x->prev_term : x->gap.len == 0;
    if (plain)
        return 0;
    if (newline(x, x->depth + 1) < 0)
        return -1;
    TRY(xmlTextWriterStartElement(x->xw, BAD_CAST "tail"));
    if (hex_attr(x, "hex", x->gap.p, x->gap.len) < 0)
        return -1;
    TRY(xmlTextWriterEndElement(x->xw));
    return 0;
}

x12_status x12_xml_encoder_end_file(x12_xml_encoder *x)
{
    if (!x->in_file)
        return x->status != X12_OK ? x->status : X12_ERR_USAGE;
    if (x->status == X12_OK) {
        x12_status st = x12_reader_finish(x->r);
        if (st == X12_ERR_NOMEM && x->status == X12_OK)
            x->status = X12_ERR_NOMEM;
        if (x->status == X12_OK && x12_walker_finish(x->w) == X12_ERR_NOMEM)
            x->status = X12_ERR_NOMEM;
    }
    if (x->status == X12_OK && close_to(x, K_FILE) == 0 && x->gaps && take_bytes(x, x->fed))
        tail(x);
    if (x->status == X12_OK && x->depth > 0)
        close_top(x);
    x12_reader_free(x->r);
    x12_walker_free(x->w);
    x->r = NULL;
    x->w = NULL;
    x->in_file = 0;
    x->depth = 0;
    out_ok(x);
    return x->status;
}

static void report(x12_xml_encoder *x, const x12_error *e)
{
    if (x->o.error)
        x->o.error(x->o.error_ctx, e);
}

x12_status x12_xml_encoder_add_file(x12_xml_encoder *x, const char *path)
{
    x12_error err;
    if (x->status != X12_OK)
        return x->status;
    if (x->in_file || x->finished)
        return X12_ERR_USAGE;
    x12_input *in = x12_input_open(path, x->o.reader.alloc, &err);
    if (!in) {
        report(x, &err);
        return err.code;
    }
    char *buf = malloc(READ_CHUNK);
    x12_status st = buf ? x12_xml_encoder_begin_file(x, path ? path : "-") : X12_ERR_NOMEM;
    const x12_reader_options *ro = &x->o.reader;
    while (st == X12_OK) {
        size_t got;
        x12_status rs = x12_input_read(in, buf, READ_CHUNK, &got, &err);
        if (rs != X12_OK) {
            x12_xml_encoder_end_file(x);
            report(x, &err); /* after the open envelopes, as x12_read_file() does */
            st = rs;
            break;
        }
        if (got == 0)
            break;
        /* the limits of x12_read_file() (docs/reader.md "Limits") */
        uint64_t done = x->fed + got;
        const char *why = NULL;
        if (ro->max_input_bytes && done > ro->max_input_bytes)
            why = "input longer than max_input_bytes; reading stopped";
        else if (ro->max_gzip_ratio && x12_input_is_gzip(in) && done > (1u << 20) &&
                 done / (x12_input_raw_bytes(in) ? x12_input_raw_bytes(in) : 1) >
                     ro->max_gzip_ratio)
            why = "gzip inflates more than max_gzip_ratio times (a decompression bomb?); "
                  "reading stopped";
        if (why) {
            uint64_t at = x->fed;
            x12_xml_encoder_end_file(x);
            memset(&err, 0, sizeof err);
            err.code = X12_ERR_LIMIT;
            err.msg = x12_status_message(X12_ERR_LIMIT);
            err.byte_offset = at;
            snprintf(err.detail, sizeof err.detail, "%s", why);
            report(x, &err);
            st = X12_ERR_LIMIT;
            break;
        }
        st = x12_xml_encoder_feed(x, buf, got);
    }
    if (x->in_file) {
        x12_status es = x12_xml_encoder_end_file(x);
        if (st == X12_OK)
            st = es;
    }
    free(buf);
    x12_input_close(in);
    return st;
}

x12_status x12_xml_encoder_finish(x12_xml_encoder *x)
{
    if (x->in_file)
        x12_xml_encoder_end_file(x);
    if (x->finished || x->status != X12_OK)
        return x->status;
    x->finished = 1;
    if (newline(x, 0) < 0 || xmlTextWriterEndElement(x->xw) < 0 || raw(x, "\n", 1) < 0 ||
        xmlTextWriterFlush(x->xw) < 0)
        fail(x);
    out_ok(x);
    return x->status;
}

/* =============================================================================
 * XML -> X12
 * ============================================================================= */

enum { D_NONE, D_X12, D_FILE, D_INTERCHANGE, D_GROUP, D_TRANSACTION, D_LOOP, D_SEG, D_EL,
       D_REP, D_COMP, D_TAIL };
static const char *const DNAME[] = {"",     "x12", "file", "interchange", "group", "transaction",
                                    "loop", "seg", "el",   "rep",         "comp",  "tail"};

/* One open <el>, <rep> or <comp>. */
typedef struct leaf {
    size_t text_start; /* where its bytes begin in the segment */
    int children;      /* <rep>/<comp> seen */
    int child_kind;
    int hexed;         /* its bytes came from a hex attribute */
} leaf;

typedef struct dec {
    xmlTextReaderPtr rd;
    x12_xml_options o;
    x12_write_fn out;
    void *ctx;
    x12_error *err;
    x12_status st;
    int xml_err, xml_line;
    char xml_msg[96];
    unsigned char kind[MAX_NEST];
    leaf lv[MAX_NEST];
    int depth, seen_root;
    /* the open interchange */
    int in_ic;
    int de, dr, dc, dt; /* dr -1: no repetition separator */
    int prev_term;      /* owed before the next segment or at the end; -1 none */
    /* the segment being built: what goes before it, then its own bytes */
    bytes seg;
    size_t seg_start;
    uint32_t nseg;
    char seg_id[4];
    int is_isa;
    uint16_t el_pos;
} dec;

static long node_line(dec *d)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(d->rd);
    long line = n ? xmlGetLineNo(n) : -1;
    if (line <= 0)
        line = xmlTextReaderGetParserLineNumber(d->rd);
    return line;
}

static int derr(dec *d, x12_status code, const char *msg, const char *fmt, ...)
{
    if (d->st != X12_OK)
        return -1;
    d->st = code;
    if (!d->err)
        return -1;
    memset(d->err, 0, sizeof *d->err);
    d->err->code = code;
    d->err->msg = msg ? msg : x12_status_message(code);
    d->err->byte_offset = (uint64_t)(d->rd ? node_line(d) : 0);
    if (d->depth > 0 && d->nseg && (d->kind[d->depth - 1] >= D_SEG && d->kind[d->depth - 1] <= D_COMP)) {
        d->err->segment_index = d->nseg;
        memcpy(d->err->segment_id, d->seg_id, sizeof d->seg_id);
        d->err->element_pos = d->el_pos;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err->detail, sizeof d->err->detail, fmt, ap);
    va_end(ap);
    return -1;
}

static const char NOT_OURS[] = "not x12kit XML";

#define STRUCT(...) derr(d, X12_ERR_USAGE, NOT_OURS, __VA_ARGS__)

static int emit(dec *d, const void *p, size_t n)
{
    if (n && d->out(d->ctx, p, n) != 0)
        return derr(d, X12_ERR_IO, NULL, "the output failed");
    return 0;
}

static int seg_add(dec *d, const void *p, size_t n)
{
    if (d->seg.len - d->seg_start + n > d->o.max_segment_length)
        return derr(d, X12_ERR_LIMIT, NULL, "a segment longer than %zu bytes",
                    d->o.max_segment_length);
    if (bytes_add(&d->seg, p, n) < 0)
        return derr(d, X12_ERR_NOMEM, NULL, "");
    return 0;
}

/* Decodes the hex attribute `name` of the current element into the segment.
 * Returns 1 when it was there, 0 when not, -1 on error. */
static int hex_into(dec *d, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(d->rd, BAD_CAST name);
    if (!v)
        return 0;
    size_t n = strlen((const char *)v);
    int rc = 1;
    if (n % 2) {
        rc = STRUCT("%s=\"...\" has an odd number of hex digits", name);
    } else {
        for (size_t i = 0; i < n && rc == 1; i += 2) {
            int hi = hexval(v[i]), lo = hexval(v[i + 1]);
            char c = (char)(hi * 16 + lo);
            if (hi < 0 || lo < 0)
                rc = STRUCT("%s=\"...\" holds a character that is not a hex digit", name);
            else if (seg_add(d, &c, 1) < 0)
                rc = -1;
        }
    }
    xmlFree(v);
    return rc;
}

/* An <interchange> delimiter: one character, or two hex digits. */
static int delim(dec *d, const char *name, int *out, int optional)
{
    xmlChar *v = xmlTextReaderGetAttribute(d->rd, BAD_CAST name);
    int rc = 0;
    size_t n = v ? strlen((const char *)v) : 0;
    if (!v || n == 0) {
        if (optional)
            *out = -1;
        else
            rc = STRUCT("<interchange> needs a non-empty %s attribute", name);
    } else if (n == 1) {
        *out = v[0];
    } else if (n == 2 && hexval(v[0]) >= 0 && hexval(v[1]) >= 0) {
        *out = hexval(v[0]) * 16 + hexval(v[1]);
    } else {
        rc = STRUCT("%s=\"%.20s\" is neither one character nor two hex digits", name,
                    (const char *)v);
    }
    xmlFree(v);
    return rc;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

/* At the end of a file (or of a document without <file>): the terminator of
 * the last segment, unless a <tail> said otherwise. */
static int flush_end(dec *d)
{
    if (d->prev_term >= 0) {
        char c = (char)d->prev_term;
        d->prev_term = -1;
        return emit(d, &c, 1);
    }
    return 0;
}

static int begin_seg(dec *d)
{
    d->seg.len = 0;
    d->seg_start = 0;
    d->el_pos = 0;
    d->nseg++;
    d->seg_id[0] = '\0';
    /* what goes before: the recorded gap, else the previous terminator */
    int g = hex_into(d, "gap");
    if (g < 0)
        return -1;
    if (!g && d->prev_term >= 0) {
        char c = (char)d->prev_term;
        if (bytes_add(&d->seg, &c, 1) < 0)
            return derr(d, X12_ERR_NOMEM, NULL, "");
    }
    d->seg_start = d->seg.len;
    xmlChar *id = xmlTextReaderGetAttribute(d->rd, BAD_CAST "id");
    if (id) {
        size_t n = strlen((const char *)id);
        int rc = seg_add(d, id, n);
        xmlFree(id);
        if (rc < 0)
            return -1;
    } else {
        int h = hex_into(d, "idhex");
        if (h < 0)
            return -1;
        if (h == 0)
            return STRUCT("<seg> needs an id or idhex attribute");
    }
    size_t n = d->seg.len - d->seg_start;
    const char *p = d->seg.p + d->seg_start;
    for (size_t i = 0; i < n && i < 3; i++)
        d->seg_id[i] = (p[i] > 0x20 && p[i] < 0x7f) ? p[i] : '?';
    d->seg_id[n < 3 ? n : 3] = '\0';
    d->is_isa = n == 3 && memcmp(p, "ISA", 3) == 0;
    return 0;
}

static int end_seg(dec *d)
{
    if (emit(d, d->seg.p, d->seg.len) < 0)
        return -1;
    d->prev_term = d->dt;
    return 0;
}

static const char *delim_name(dec *d, unsigned char c)
{
    if (c == d->de)
        return "element separator";
    if (c == d->dt)
        return "segment terminator";
    if (c == d->dc)
        return "component separator (use <comp>)";
    if (d->dr >= 0 && c == d->dr)
        return "repetition separator (use <rep>)";
    return NULL;
}

/* A leaf's text must not hold a delimiter: the structure says where they go
 * (the ISA excepted, whose ISA11 and ISA16 are delimiters). */
static int check_leaf(dec *d, const leaf *l)
{
    if (l->children || l->hexed || d->is_isa)
        return 0;
    for (size_t i = l->text_start; i < d->seg.len; i++) {
        const char *what = delim_name(d, (unsigned char)d->seg.p[i]);
        if (what)
            return STRUCT("the text holds the %s", what);
    }
    return 0;
}

/* A <rep> or <comp> starts inside `parent`. */
static int child_of(dec *d, leaf *parent, int kind)
{
    if (parent->hexed)
        return STRUCT("<%s> inside an element that has a hex attribute", DNAME[kind]);
    if (parent->children && parent->child_kind != kind)
        return STRUCT("<rep> and <comp> mixed in one element");
    if (!parent->children) {
        if (!is_blank(d->seg.p + parent->text_start, d->seg.len - parent->text_start))
            return STRUCT("text mixed with <%s>", DNAME[kind]);
        d->seg.len = parent->text_start; /* indentation, not data */
    } else {
        int sep = kind == D_REP ? d->dr : d->dc;
        if (sep < 0)
            return STRUCT("a second <rep>, but the interchange has no repetition separator");
        char c = (char)sep;
        if (seg_add(d, &c, 1) < 0)
            return -1;
    }
    parent->children++;
    parent->child_kind = kind;
    return 0;
}

static int start(dec *d)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(d->rd);
    const char *name = (const char *)xmlTextReaderConstLocalName(d->rd);
    if (!ns || strcmp(ns, X12_XML_NAMESPACE) != 0)
        return STRUCT("<%.40s> is not in the namespace " X12_XML_NAMESPACE, name ? name : "");
    int k = D_NONE;
    for (int i = D_X12; i <= D_TAIL; i++)
        if (name && strcmp(name, DNAME[i]) == 0)
            k = i;
    if (k == D_NONE)
        return STRUCT("unknown element <%.40s>", name ? name : "");
    int parent = d->depth ? d->kind[d->depth - 1] : D_NONE;
    int ok;
    switch (k) {
    case D_X12: ok = parent == D_NONE; break;
    case D_FILE: ok = parent == D_X12; break;
    case D_INTERCHANGE: ok = (parent == D_X12 || parent == D_FILE) && !d->in_ic; break;
    case D_SEG:
        if (!d->in_ic && parent >= D_X12 && parent <= D_LOOP)
            return STRUCT("a <seg> outside an <interchange>");
        /* fall through */
    case D_GROUP:
    case D_TRANSACTION:
    case D_LOOP: ok = parent >= D_X12 && parent <= D_LOOP; break;
    case D_EL: ok = parent == D_SEG; break;
    case D_REP: ok = parent == D_EL; break;
    case D_COMP: ok = parent == D_EL || parent == D_REP; break;
    default: ok = parent == D_FILE || parent == D_X12; break; /* tail */
    }
    if (!ok) {
        if (parent == D_NONE)
            return STRUCT("the root element is <%s>, not <x12>", DNAME[k]);
        return STRUCT("<%s> inside <%s>", DNAME[k], DNAME[parent]);
    }
    if (d->depth == MAX_NEST)
        return STRUCT("elements nested more than %d deep", MAX_NEST);
    d->kind[d->depth] = (unsigned char)k;
    leaf *l = &d->lv[d->depth];
    memset(l, 0, sizeof *l);
    d->depth++;
    switch (k) {
    case D_X12:
        d->seen_root = 1;
        d->prev_term = -1;
        return 0;
    case D_FILE:
        d->prev_term = -1;
        return 0;
    case D_INTERCHANGE:
        if (delim(d, "element", &d->de, 0) < 0 || delim(d, "repetition", &d->dr, 1) < 0 ||
            delim(d, "component", &d->dc, 0) < 0 || delim(d, "segment", &d->dt, 0) < 0)
            return -1;
        if (d->de == d->dc || d->de == d->dt || d->dc == d->dt ||
            (d->dr >= 0 && (d->dr == d->de || d->dr == d->dc || d->dr == d->dt)))
            return STRUCT("two delimiters of the <interchange> are the same byte");
        d->in_ic = 1;
        return 0;
    case D_SEG:
        return begin_seg(d);
    case D_EL: {
        char c = (char)d->de;
        if (seg_add(d, &c, 1) < 0)
            return -1;
        d->el_pos++;
        break;
    }
    case D_REP:
    case D_COMP:
        if (child_of(d, &d->lv[d->depth - 2], k) < 0)
            return -1;
        break;
    case D_TAIL: {
        /* replaces the terminator owed at the end of the file */
        d->seg_start = d->seg.len = 0;
        int h = hex_into(d, "hex");
        if (h < 0)
            return -1;
        if (h == 0)
            return STRUCT("<tail> needs a hex attribute");
        d->prev_term = -1;
        return emit(d, d->seg.p, d->seg.len);
    }
    default:
        return 0;
    }
    /* el, rep, comp */
    l->text_start = d->seg.len;
    int h = hex_into(d, "hex");
    if (h < 0)
        return -1;
    l->hexed = h;
    return 0;
}

static int end(dec *d)
{
    int k = d->kind[--d->depth];
    leaf *l = &d->lv[d->depth];
    switch (k) {
    case D_SEG:
        return end_seg(d);
    case D_EL:
    case D_REP:
    case D_COMP:
        return check_leaf(d, l);
    case D_INTERCHANGE:
        d->in_ic = 0;
        return 0;
    case D_FILE:
    case D_X12:
        return flush_end(d);
    default:
        return 0;
    }
}

static int chars(dec *d, int blank_node)
{
    const char *v = (const char *)xmlTextReaderConstValue(d->rd);
    size_t n = v ? strlen(v) : 0;
    int k = d->depth ? d->kind[d->depth - 1] : D_NONE;
    if (k == D_EL || k == D_REP || k == D_COMP) {
        leaf *l = &d->lv[d->depth - 1];
        if (l->hexed || l->children) {
            if (!blank_node && !is_blank(v, n))
                return STRUCT(l->hexed ? "text in an element that has a hex attribute"
                                       : "text mixed with <rep> or <comp>");
            return 0;
        }
        return seg_add(d, v, n);
    }
    if (!blank_node && !is_blank(v, n))
        return STRUCT("text directly inside <%s>", DNAME[k]);
    return 0;
}

#if LIBXML_VERSION >= 21200
static void on_xml_error(void *ctx, const xmlError *e)
#else
static void on_xml_error(void *ctx, xmlErrorPtr e)
#endif
{
    dec *d = ctx;
    if (d->xml_err || !e || e->level < XML_ERR_ERROR)
        return;
    d->xml_err = 1;
    d->xml_line = e->line;
    snprintf(d->xml_msg, sizeof d->xml_msg, "%s", e->message ? e->message : "parse error");
    size_t n = strlen(d->xml_msg);
    while (n && (d->xml_msg[n - 1] == '\n' || d->xml_msg[n - 1] == ' '))
        d->xml_msg[--n] = '\0';
}

static int malformed(dec *d)
{
    if (d->st != X12_OK)
        return -1;
    derr(d, X12_ERR_USAGE, "XML is not well-formed", "%s",
         d->xml_err ? d->xml_msg : "the XML parser failed");
    if (d->err && d->xml_err)
        d->err->byte_offset = (uint64_t)(d->xml_line > 0 ? d->xml_line : 0);
    if (d->err) {
        d->err->segment_index = 0;
        d->err->segment_id[0] = '\0';
        d->err->element_pos = 0;
    }
    return -1;
}

typedef struct src {
    FILE *f;
    const char *mem;
    size_t len, pos;
    int io_errno;
} src;

static int src_read(void *ctx, char *buf, int len)
{
    src *s = ctx;
    if (s->f) {
        size_t n = fread(buf, 1, (size_t)len, s->f);
        if (n == 0 && ferror(s->f)) {
            s->io_errno = errno ? errno : EIO;
            return -1;
        }
        return (int)n;
    }
    size_t n = s->len - s->pos < (size_t)len ? s->len - s->pos : (size_t)len;
    memcpy(buf, s->mem + s->pos, n);
    s->pos += n;
    return (int)n;
}

static int src_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static x12_status decode(src *s, const char *url, const x12_xml_options *opts, x12_write_fn out,
                         void *ctx, x12_error *err)
{
    dec *d = calloc(1, sizeof *d);
    if (err)
        memset(err, 0, sizeof *err);
    if (!d) {
        if (err) {
            err->code = X12_ERR_NOMEM;
            err->msg = x12_status_message(X12_ERR_NOMEM);
        }
        return X12_ERR_NOMEM;
    }
    if (opts)
        d->o = *opts;
    else
        x12_xml_options_init(&d->o);
    if (!d->o.max_segment_length)
        d->o.max_segment_length = X12_DEFAULT_MAX_SEGMENT_LENGTH;
    d->out = out;
    d->ctx = ctx;
    d->err = err;
    d->prev_term = -1;
    /* no network, no entity expansion, no DTD loading: the input is data */
    d->rd = xmlReaderForIO(src_read, src_close, s, url, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    if (!d->rd) {
        derr(d, X12_ERR_NOMEM, NULL, "");
    } else {
        xmlTextReaderSetStructuredErrorHandler(d->rd, on_xml_error, d);
        int rc;
        while ((rc = xmlTextReaderRead(d->rd)) == 1 && d->st == X12_OK) {
            if (d->xml_err)
                break;
            int t = xmlTextReaderNodeType(d->rd);
            switch (t) {
            case XML_READER_TYPE_ELEMENT:
                if (start(d) == 0 && xmlTextReaderIsEmptyElement(d->rd) == 1)
                    end(d);
                break;
            case XML_READER_TYPE_END_ELEMENT:
                end(d);
                break;
            case XML_READER_TYPE_TEXT:
            case XML_READER_TYPE_CDATA:
                chars(d, 0);
                break;
            case XML_READER_TYPE_WHITESPACE:
            case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
                chars(d, 1);
                break;
            case XML_READER_TYPE_DOCUMENT_TYPE:
                STRUCT("a DOCTYPE is not allowed");
                break;
            case XML_READER_TYPE_ENTITY_REFERENCE:
                STRUCT("an entity reference is not allowed");
                break;
            default:
                break; /* comments, processing instructions */
            }
        }
        if (d->st == X12_OK && s->io_errno)
            derr(d, X12_ERR_IO, NULL, "%s", strerror(s->io_errno));
        else if (d->st == X12_OK && (rc < 0 || d->xml_err))
            malformed(d);
        else if (d->st == X12_OK && !d->seen_root)
            malformed(d);
    }
    x12_status st = d->st;
    xmlFreeTextReader(d->rd);
    free(d->seg.p);
    free(d);
    return st;
}

x12_status x12_xml_decode_file(const char *path, const x12_xml_options *opts, x12_write_fn out,
                               void *ctx, x12_error *err)
{
    src s = {0};
    int is_stdin = !path || strcmp(path, "-") == 0;
    s.f = is_stdin ? stdin : fopen(path, "rb");
    if (!s.f) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = X12_ERR_IO;
            err->msg = x12_status_message(X12_ERR_IO);
            snprintf(err->detail, sizeof err->detail, "%s", strerror(errno));
        }
        return X12_ERR_IO;
    }
    x12_status st = decode(&s, is_stdin ? "-" : path, opts, out, ctx, err);
    if (!is_stdin)
        fclose(s.f);
    return st;
}

x12_status x12_xml_decode_memory(const char *xml, size_t len, const x12_xml_options *opts,
                                 x12_write_fn out, void *ctx, x12_error *err)
{
    src s = {0};
    s.mem = xml ? xml : "";
    s.len = xml ? len : 0;
    return decode(&s, "memory", opts, out, ctx, err);
}
