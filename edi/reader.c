/* The streaming X12 tokenizer: finds interchanges by their ISA, takes the
 * delimiters from it, and splits the bytes that follow into segments and
 * elements in one pass that looks for the element separator and the segment
 * terminator at once (64 bytes at a time with SSE2, AVX2 or AVX-512BW, the
 * widest the CPU has, with a scalar twin).
 * Segments are handed out as slices of the caller's buffer; only a segment cut
 * by a chunk boundary is copied, into a carry buffer capped by the options.
 * Envelope rules are left to envelope.c; components and repetitions are split
 * lazily by the accessors at the end of this file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && !defined(X12KIT_NO_SIMD)
#include <immintrin.h>
#define USE_SSE2 1
/* wider variants of the hot loop, chosen at run time (GCC and clang on x86-64;
 * 32-bit x86 keeps SSE2, having no 64-bit mask registers to move) */
#if defined(__x86_64__) && defined(__GNUC__)
#define USE_DISPATCH 1
#endif
#endif

#include "internal.h"
#include "x12/reader.h"

enum state {
    S_BETWEEN,  /* outside an interchange: expect ISA (or allowed padding) */
    S_ISA,      /* collecting the 106 ISA bytes */
    S_SEG,      /* inside an interchange, between or inside segments */
    S_PEEK,     /* a segment starts with 'I': is it a new ISA? */
    S_SKIPSEG,  /* discarding a segment over the length limit */
    S_HUNT      /* skipping bytes until the next "ISA" */
};

#define ISA_LEN 106

/* Offsets of ISA01..ISA16 and their fixed widths (X12-FACTS 1.1). */
static const uint8_t ISA_POS[16] = {4, 7, 18, 21, 32, 35, 51, 54, 70, 77, 82, 84, 90, 100, 102, 104};
static const uint8_t ISA_WIDTH[16] = {2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1};

/* The hot loop (below): splits the segments that lie whole in a buffer. */
typedef size_t (*hot_fn)(struct x12_reader *r, const char *buf, size_t len, size_t pos,
                         uint64_t base, int *closed);

static int env_level(void); /* X12KIT_SIMD, below */

struct x12_reader {
    x12_reader_options o;
    x12_reader_callbacks cb;
    void *ctx;
    const x12_allocator *a;

    enum state state;
    int finished;
    x12_status fatal; /* X12_ERR_STOPPED or X12_ERR_NOMEM once it happened */
    uint64_t offset;  /* absolute offset of the next byte to be fed */

    x12_delimiters d;
    unsigned char skip_seg[256];     /* bytes skipped before a segment */
    unsigned char skip_between[256]; /* bytes skipped outside interchanges */

    char isa[ISA_LEN];
    size_t isa_len;
    uint64_t isa_off;

    /* The segment in progress. */
    int in_seg;
    uint64_t seg_off;
    size_t seg_len;  /* bytes of it seen so far (all in carry when > 0) */
    uint32_t nsep;   /* element separators seen (may exceed max_elements) */
    uint32_t *sep;   /* offsets of the first max_elements separators */
    char *carry;
    size_t carry_cap;
    x12_slice *elems; /* max_elements + 1 */

    char peek[4];
    size_t peek_len;

    int bom_pos;
    uint64_t bom_held; /* 1 + the offset of a whole BOM between interchanges that no
                        * ISA has followed yet; 0 none.  Skipped only when one does. */
    int seen_isa;
    int reported_anything;

    /* Garbage run being skipped in S_HUNT or S_BETWEEN. */
    int in_garbage;
    int garbage_quiet;
    uint64_t garbage_start;
    uint64_t garbage_len;
    x12_status garbage_code;
    unsigned char ghead[8]; /* its first bytes, to say what it looks like */
    unsigned ghead_len;
    int hunt_match;

    uint32_t seg_index;
    envelope env;
    x12_reader_stats stats;
    hot_fn hot;    /* the hot loop of the widest instruction set, NULL for none */
    int hot_level; /* its level (x12__reader_simd) */
};

void x12_reader_options_init(x12_reader_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_segment_length = X12_DEFAULT_MAX_SEGMENT_LENGTH;
    o->max_elements = X12_DEFAULT_MAX_ELEMENTS;
    o->max_control_numbers = X12_DEFAULT_MAX_CONTROL_NUMBERS;
    o->max_gzip_ratio = X12_DEFAULT_MAX_GZIP_RATIO;
}

/* --- error reporting ----------------------------------------------------- */

static void report(x12_reader *r, x12_status code, uint64_t off, uint32_t seg_index,
                   uint32_t set_pos, x12_slice id, uint16_t element, const char *detail,
                   x12_slice value)
{
    x12_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.msg = x12_status_message(code);
    e.byte_offset = off;
    e.segment_index = seg_index;
    e.set_position = set_pos;
    if (id.len) {
        size_t n = id.len < 3 ? id.len : 3;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)id.ptr[i];
            /* the id of a broken segment may hold anything: keep it printable */
            e.segment_id[i] = (char)((c >= 0x21 && c < 0x7f) ? c : '?');
        }
    }
    e.element_pos = element;
    /* cut short to fit, as intended (e is zeroed: the copy stays terminated) */
    for (size_t i = 0; detail && detail[i] && i < sizeof e.detail - 1; i++)
        e.detail[i] = detail[i];
    if ((r->o.flags & X12_READ_ERROR_VALUES) && value.len) {
        size_t n = value.len < sizeof e.value - 1 ? value.len : sizeof e.value - 1;
        memcpy(e.value, value.ptr, n);
    }
    r->stats.errors++;
    r->reported_anything = 1;
    if (r->cb.error)
        r->cb.error(r->ctx, &e);
}

static const x12_slice NOSLICE = {NULL, 0};

static void env_report(void *rp, const x12_segment *seg, x12_status code, uint16_t element,
                       const char *detail, x12_slice value)
{
    x12_reader *r = rp;
    report(r, code, seg->byte_offset, seg->segment_index, seg->set_position, seg->id, element,
           detail, value);
}

/* --- lifecycle ------------------------------------------------------------ */

x12_reader *x12_reader_new(const x12_reader_options *opts, const x12_reader_callbacks *cb,
                           void *ctx)
{
    x12_reader_options o;
    if (opts)
        o = *opts;
    else
        x12_reader_options_init(&o);
    if (o.max_segment_length == 0)
        o.max_segment_length = X12_DEFAULT_MAX_SEGMENT_LENGTH;
    if (o.max_segment_length > UINT32_MAX)
        o.max_segment_length = UINT32_MAX;
    if (o.max_elements == 0)
        o.max_elements = X12_DEFAULT_MAX_ELEMENTS;
    if (o.max_control_numbers == 0)
        o.max_control_numbers = X12_DEFAULT_MAX_CONTROL_NUMBERS;

    x12_reader *r = x12__alloc(o.alloc, sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->o = o;
    r->a = o.alloc;
    if (cb)
        r->cb = *cb;
    r->ctx = ctx;
    x12__reader_simd(r, env_level());
    r->sep = x12__alloc(r->a, (size_t)o.max_elements * sizeof *r->sep);
    /* the ISA always has 16 elements, whatever the limit for other segments */
    size_t nel = (o.max_elements < 16 ? 16 : (size_t)o.max_elements) + 1;
    r->elems = x12__alloc(r->a, nel * sizeof *r->elems);
    if (!r->sep || !r->elems) {
        x12__free(r->a, r->sep);
        x12__free(r->a, r->elems);
        x12__free(r->a, r);
        return NULL;
    }
    env_init(&r->env, o.max_control_numbers);

    uint32_t f = o.flags;
    if (f & (X12_READ_ALLOW_LEADING_SPACE | X12_READ_ALLOW_TRAILING_PADDING | X12_READ_ALLOW_LINE_BREAKS)) {
        r->skip_between['\r'] = r->skip_between['\n'] = 1;
    }
    if (f & (X12_READ_ALLOW_LEADING_SPACE | X12_READ_ALLOW_TRAILING_PADDING | X12_READ_ALLOW_INDENT)) {
        r->skip_between[' '] = r->skip_between['\t'] = 1;
    }
    if (f & X12_READ_ALLOW_TRAILING_PADDING) {
        r->skip_between[0] = 1;
        r->skip_between[0x1a] = 1;
    }
    r->state = S_BETWEEN;
    return r;
}

void x12_reader_free(x12_reader *r)
{
    if (!r)
        return;
    env_free(&r->env, r->a);
    x12__free(r->a, r->carry);
    x12__free(r->a, r->sep);
    x12__free(r->a, r->elems);
    x12__free(r->a, r);
}

void x12_reader_get_stats(const x12_reader *r, x12_reader_stats *out)
{
    *out = r->stats;
    out->interchanges = r->env.interchanges;
    out->groups = r->env.total_groups;
    out->sets = r->env.total_sets;
}

/* --- garbage between interchanges ---------------------------------------- */

static void garbage_begin(x12_reader *r, uint64_t off, int quiet)
{
    if (r->in_garbage)
        return;
    r->in_garbage = 1;
    r->garbage_quiet = quiet;
    r->garbage_start = off;
    r->garbage_len = 0;
    r->garbage_code = r->seen_isa ? X12_ERR_GARBAGE : X12_ERR_NOT_X12;
    r->ghead_len = 0;
}

/* Between interchanges, garbage starts at `upto` (the byte that is no ISA,
 * or the input's end), or earlier at a BOM no ISA followed: a whole one
 * (bom_held) or the bytes of a cut one (bom_pos).  A BOM is skipped only
 * before an ISA. */
static void bom_garbage(x12_reader *r, uint64_t upto)
{
    uint64_t from = r->bom_held ? r->bom_held - 1 : upto - (uint64_t)r->bom_pos;
    garbage_begin(r, from, 0);
    r->garbage_len += upto - from;
    r->bom_pos = 0;
    r->bom_held = 0;
}

/* A file saved as UTF-16 (a byte order mark, or a NUL beside every letter of
 * "ISA") is the commonest way a good interchange turns into garbage. */
static int looks_utf16(const unsigned char *h, unsigned n)
{
    if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF)))
        return 1;
    return n >= 4 && ((h[0] == 'I' && h[1] == 0 && h[2] == 'S' && h[3] == 0) ||
                      (h[0] == 0 && h[1] == 'I' && h[2] == 0 && h[3] == 'S'));
}

static void garbage_end(x12_reader *r)
{
    if (!r->in_garbage)
        return;
    r->in_garbage = 0;
    if (r->garbage_quiet)
        return;
    char detail[128], why[96] = "";
    const unsigned char *h = r->ghead;
    if (looks_utf16(h, r->ghead_len)) {
        snprintf(why, sizeof why, "; it looks like UTF-16 text: convert it to ASCII or UTF-8 first");
    } else if (r->ghead_len >= 7 && !memcmp(h, "ISA", 3) && h[6] == h[3]) {
        /* "ISA", a letter, digit or space (feed_isa gave up at once), and
         * the same byte after ISA01's two: an ISA whose element separator
         * cannot be one (X12-FACTS 1.1); not prose ("ISAAC NEWTON") */
        char c[8];
        if (h[3] == ' ')
            snprintf(c, sizeof c, "a space");
        else
            snprintf(c, sizeof c, "'%c'", h[3]);
        snprintf(why, sizeof why,
                 "; it starts with ISA, but %s cannot be the element separator", c);
    }
    snprintf(detail, sizeof detail, "%llu bytes skipped%s", (unsigned long long)r->garbage_len, why);
    report(r, r->garbage_code, r->garbage_start, 0, 0, NOSLICE, 0, detail, NOSLICE);
}

/* --- ISA ----------------------------------------------------------------- */

static size_t process(x12_reader *r, const char *buf, size_t len, uint64_t base);

/* The ISA bytes did not make an interchange: report, then look for the next
 * ISA from the byte after this one's 'I'. */
static void isa_reject(x12_reader *r, x12_status code, uint16_t element, const char *detail)
{
    char copy[ISA_LEN];
    size_t n = r->isa_len;
    uint64_t off = r->isa_off;
    memcpy(copy, r->isa, n);
    x12_slice id = {"ISA", 3};
    if (code != X12_OK)
        report(r, code, off, 1, 0, id, element, detail, NOSLICE);
    r->state = S_HUNT;
    r->hunt_match = 0;
    garbage_begin(r, off, code != X12_OK);
    if (r->garbage_len == 0 && r->ghead_len == 0)
        r->ghead[r->ghead_len++] = 'I';
    r->garbage_len += 1;
    if (n > 1)
        process(r, copy + 1, n - 1, off + 1);
}

/* Sets the delimiter tables for a new interchange. */
static void set_delimiters(x12_reader *r)
{
    memset(r->skip_seg, 0, sizeof r->skip_seg);
    uint32_t f = r->o.flags;
    if (f & X12_READ_ALLOW_LINE_BREAKS)
        r->skip_seg['\r'] = r->skip_seg['\n'] = 1;
    if (f & X12_READ_ALLOW_INDENT)
        r->skip_seg[' '] = r->skip_seg['\t'] = 1;
    /* a delimiter is never skipped */
    r->skip_seg[(unsigned char)r->d.element] = 0;
    r->skip_seg[(unsigned char)r->d.segment] = 0;
}


/* All 106 ISA bytes are in r->isa: check them, take the delimiters, emit. */
static void isa_complete(x12_reader *r)
{
    const char *s = r->isa;
    char e = s[3];
    /* X12-FACTS 1.1: the separator must stand at each of these 16 offsets. */
    for (int i = 0; i < 16; i++) {
        size_t p = (size_t)ISA_POS[i] - 1;
        if (s[p] != e) {
            char detail[80];
            snprintf(detail, sizeof detail,
                     "byte %u of the ISA should be the element separator; interchange skipped",
                     (unsigned)p);
            isa_reject(r, X12_ERR_ISA_SEPARATOR, (uint16_t)(i ? i : 1), detail);
            return;
        }
    }
    x12_delimiters d;
    d.element = e;
    d.repetition = s[82];
    d.component = s[104];
    d.segment = s[105];
    /* ISA11 was the standards id 'U' before 00501: then there is no repetition separator. */
    if (x12__is_alnum(d.repetition))
        d.repetition = '\0';
    const char *bad = NULL;
    if (x12__is_alnum(d.element) || d.element == ' ')
        bad = "element separator is a letter, digit or space";
    else if (x12__is_alnum(d.component) || d.component == ' ')
        bad = "component separator (ISA16) is a letter, digit or space";
    else if (x12__is_alnum(d.segment) || d.segment == ' ')
        bad = "segment terminator is a letter, digit or space";
    else if (d.element == d.component || d.element == d.segment || d.component == d.segment)
        bad = "element separator, component separator and terminator must differ";
    else if (d.repetition && (d.repetition == d.element || d.repetition == d.component ||
                              d.repetition == d.segment || d.repetition == ' ')) {
        if (r->o.flags & X12_READ_ALLOW_ISA11_COLLISION)
            d.repetition = '\0';
        else
            bad = "repetition separator (ISA11) collides with another delimiter";
    }
    if (bad) {
        char detail[96];
        snprintf(detail, sizeof detail, "%s; interchange skipped", bad);
        isa_reject(r, X12_ERR_ISA_DELIMITERS, strstr(bad, "ISA11") ? 11 : 16, detail);
        return;
    }
    garbage_end(r);
    r->d = d;
    set_delimiters(r);
    r->seen_isa = 1;

    x12_slice *el = r->elems;
    el[0].ptr = s;
    el[0].len = 3;
    for (int i = 0; i < 16; i++) {
        el[i + 1].ptr = s + ISA_POS[i];
        el[i + 1].len = ISA_WIDTH[i];
    }
    x12_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.id = el[0];
    seg.raw.ptr = s;
    seg.raw.len = ISA_LEN - 1;
    seg.elements = el;
    seg.element_count = 16;
    seg.delims = d;
    seg.byte_offset = r->isa_off;
    r->seg_index = 1;
    seg.segment_index = 1;
    r->stats.segments++;
    if (env_on_isa(&r->env, r->a, &seg, &(env_reporter){env_report, r}) < 0) {
        r->fatal = X12_ERR_NOMEM;
        return;
    }
    seg.interchange = r->env.interchanges;
    r->state = S_SEG;
    r->in_seg = 0;
    if (r->cb.segment && r->cb.segment(r->ctx, &seg))
        r->fatal = X12_ERR_STOPPED;
}

/* Collects ISA bytes; returns how many of buf were used. */
static size_t feed_isa(x12_reader *r, const char *buf, size_t len)
{
    size_t n = ISA_LEN - r->isa_len;
    if (n > len)
        n = len;
    size_t before = r->isa_len;
    memcpy(r->isa + r->isa_len, buf, n);
    r->isa_len += n;
    /* Give up early on something that is not an ISA at all. */
    if (before < 4 && r->isa_len >= 4) {
        if (memcmp(r->isa, "ISA", 3) != 0 || x12__is_alnum(r->isa[3]) ||
            r->isa[3] == ' ') {
            /* not an interchange header: these bytes are garbage */
            size_t keep_len = r->isa_len;
            r->isa_len = keep_len;
            isa_reject(r, X12_OK, 0, NULL);
            return n;
        }
    }
    if (r->isa_len == ISA_LEN)
        isa_complete(r);
    return n;
}

/* --- segments ------------------------------------------------------------ */

/* Finds the terminator in p[0..n), recording element separators with offsets
 * counted from the start of the segment (which began r->seg_len bytes before
 * p).  Returns the terminator's index, or n when there is none. */
static size_t scan(x12_reader *r, const char *p, size_t n)
{
    const char es = r->d.element, ts = r->d.segment;
    uint32_t nsep = r->nsep, max = r->o.max_elements;
    uint32_t *sep = r->sep;
    const uint32_t base = (uint32_t)r->seg_len;
    size_t i = 0;
#ifdef USE_SSE2
    const __m128i E = _mm_set1_epi8(es), T = _mm_set1_epi8(ts);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned me = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, E));
        unsigned mt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, T));
        if (mt)
            me &= (1u << __builtin_ctz(mt)) - 1;
        while (me) {
            if (nsep < max)
                sep[nsep] = base + (uint32_t)(i + (unsigned)__builtin_ctz(me));
            nsep++;
            me &= me - 1;
        }
        if (mt) {
            r->nsep = nsep;
            return i + (unsigned)__builtin_ctz(mt);
        }
    }
#endif
    for (; i < n; i++) {
        char c = p[i];
        if (c == ts) {
            r->nsep = nsep;
            return i;
        }
        if (c == es) {
            if (nsep < max)
                sep[nsep] = base + (uint32_t)i;
            nsep++;
        }
    }
    r->nsep = nsep;
    return n;
}

/* Appends to the carry buffer; returns 0, or -1 past the length limit, or -2
 * when memory runs out. */
static int carry_append(x12_reader *r, const char *p, size_t n)
{
    if (r->seg_len + n > r->o.max_segment_length)
        return -1;
    size_t need = r->seg_len + n;
    if (need > r->carry_cap) {
        size_t cap = r->carry_cap ? r->carry_cap : 256;
        while (cap < need)
            cap *= 2;
        if (cap > r->o.max_segment_length)
            cap = r->o.max_segment_length;
        char *c = x12__realloc(r->a, r->carry, cap);
        if (!c)
            return -2;
        r->carry = c;
        r->carry_cap = cap;
    }
    memcpy(r->carry + r->seg_len, p, n);
    r->seg_len += n;
    return 0;
}

static void seg_reset(x12_reader *r)
{
    r->in_seg = 0;
    r->seg_len = 0;
    r->nsep = 0;
}

static void too_long(x12_reader *r)
{
    char detail[64];
    r->seg_index++;
    /* it still counts as a segment of its set (SE01 includes it) */
    uint32_t pos = r->env.in_st ? ++r->env.segs : 0;
    snprintf(detail, sizeof detail, "longer than %zu bytes; segment skipped",
             r->o.max_segment_length);
    report(r, X12_ERR_SEGMENT_TOO_LONG, r->seg_off, r->seg_index, pos, NOSLICE, 0, detail, NOSLICE);
}

/* Segment ids: an upper-case letter, then one or two upper-case letters or
 * digits.  Bit 1: letter, bit 2: digit. */
static const unsigned char ID_CHAR[256] = {
    ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
    ['8'] = 2, ['9'] = 2, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

static int valid_id(const char *id, size_t len)
{
    const unsigned char *p = (const unsigned char *)id;
    if (len == 2)
        return (ID_CHAR[p[0]] & 1) && ID_CHAR[p[1]];
    if (len == 3)
        return (ID_CHAR[p[0]] & 1) && ID_CHAR[p[1]] && ID_CHAR[p[2]];
    return 0;
}

/* Checks and hands out a split segment; returns 1 when the interchange ended
 * with it.  `nsep` is the number of separators seen (it may pass the limit). */
static inline int deliver(x12_reader *r, x12_segment *seg, uint32_t nsep)
{
    int closed = 0;
    /* id read as two scalars: copying the x12_slice whole right after its
     * halves were stored stalls store forwarding (measured: ~5%) */
    const char *idp = seg->id.ptr;
    size_t idl = seg->id.len;
    char c0 = idl ? idp[0] : 0;
    /* Hot path: an ordinary segment inside a set (envelope and TA1 ids all
     * start with G, S, I or T); envelope.c sees everything else. */
    if (r->env.in_st && c0 != 'G' && c0 != 'S' && c0 != 'I' && c0 != 'T') {
        seg->set_position = ++r->env.segs;
    } else {
        int rc = env_on_segment(&r->env, r->a, seg, &(env_reporter){env_report, r});
        if (rc < 0) {
            r->fatal = X12_ERR_NOMEM;
            return 1;
        }
        closed = rc == 1;
    }
    if (!valid_id(idp, idl))
        report(r, X12_ERR_SEGMENT_ID, seg->byte_offset, seg->segment_index, seg->set_position,
               seg->id, 0, "", seg->id);
    if (nsep > r->o.max_elements) {
        char detail[96];
        snprintf(detail, sizeof detail, "%u elements, the limit is %u; the last holds the rest",
                 (unsigned)nsep, (unsigned)r->o.max_elements);
        report(r, X12_ERR_TOO_MANY_ELEMENTS, seg->byte_offset, seg->segment_index,
               seg->set_position, seg->id,
               (uint16_t)(r->o.max_elements > 65535 ? 65535 : r->o.max_elements), detail, NOSLICE);
    }
    if (r->cb.segment && r->cb.segment(r->ctx, seg))
        r->fatal = X12_ERR_STOPPED;
    return closed;
}

static void seg_init(x12_reader *r, x12_segment *seg)
{
    seg->elements = r->elems;
    seg->delims = r->d;
    seg->interchange = r->env.interchanges;
    seg->set_position = 0;
}

/* A complete segment of `total` bytes starts at `base` and its separators
 * are in r->sep: split it, check it, hand it out.  Returns 1 when the
 * interchange ended with it.  (The carry path; the hot loop below does the
 * same for segments that lie whole in the caller's buffer.) */
static int finish_segment(x12_reader *r, const char *base, size_t total)
{
    if ((r->o.flags & X12_READ_ALLOW_LINE_BREAKS) && r->d.segment == '\n' && total > 0 &&
        base[total - 1] == '\r')
        total--;
    if (total == 0) {
        report(r, X12_ERR_EMPTY_SEGMENT, r->seg_off, r->seg_index, 0, NOSLICE, 0, "", NOSLICE);
        return 0;
    }
    uint32_t n = r->nsep, max = r->o.max_elements;
    if (n > max)
        n = max; /* past the limit, the last element holds the rest */
    x12_slice *el = r->elems;
    size_t start = 0;
    for (uint32_t i = 0; i < n; i++) {
        el[i].ptr = base + start;
        el[i].len = r->sep[i] - start;
        start = (size_t)r->sep[i] + 1;
    }
    el[n].ptr = base + start;
    el[n].len = total - start;

    x12_segment seg;
    seg_init(r, &seg);
    seg.id = el[0];
    seg.raw.ptr = base;
    seg.raw.len = total;
    seg.element_count = n;
    seg.byte_offset = r->seg_off;
    seg.segment_index = ++r->seg_index;
    r->stats.segments++;
    return deliver(r, &seg, r->nsep);
}

#ifdef USE_SSE2
/* The hot loop, for segments that lie whole in `buf`, is written once in
 * reader_hot.h and compiled once per instruction set that finds the two
 * delimiters in a 64-byte block: SSE2 (every x86-64), AVX2 and AVX-512BW.  The
 * reader takes the widest the CPU has (x12__reader_simd).  The block masks
 * are the only difference: the walk, the slices and what is handed out are
 * the same code. */
/* SSE2: four 16-byte compares per delimiter, their byte masks joined */
#define HOT_NAME hot_sse2
#define HOT_ATTR
#define HOT_SETUP(es, ts) const __m128i E = _mm_set1_epi8(es), T = _mm_set1_epi8(ts)
#define HOT_MASKS(p, tm, em)                                                                        \
    do {                                                                                           \
        const __m128i *v_ = (const __m128i *)(const void *)(p);                                    \
        __m128i a_ = _mm_loadu_si128(v_), b_ = _mm_loadu_si128(v_ + 1),                            \
                c_ = _mm_loadu_si128(v_ + 2), d_ = _mm_loadu_si128(v_ + 3);                        \
        tm = (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a_, T)) |                        \
             (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b_, T)) << 16 |                  \
             (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(c_, T)) << 32 |                  \
             (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(d_, T)) << 48;                   \
        em = (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a_, E)) |                        \
             (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b_, E)) << 16 |                  \
             (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(c_, E)) << 32 |                  \
             (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(d_, E)) << 48;                   \
    } while (0)
#include "reader_hot.h"

#ifdef USE_DISPATCH
/* AVX2: two 32-byte compares per delimiter */
#define HOT_NAME hot_avx2
#define HOT_ATTR __attribute__((target("avx2,bmi,bmi2")))
#define HOT_SETUP(es, ts) const __m256i E = _mm256_set1_epi8(es), T = _mm256_set1_epi8(ts)
#define HOT_MASKS(p, tm, em)                                                                        \
    do {                                                                                           \
        const __m256i *v_ = (const __m256i *)(const void *)(p);                                    \
        __m256i a_ = _mm256_loadu_si256(v_), b_ = _mm256_loadu_si256(v_ + 1);                      \
        tm = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a_, T)) |                  \
             (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b_, T)) << 32;             \
        em = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a_, E)) |                  \
             (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b_, E)) << 32;             \
    } while (0)
#include "reader_hot.h"

/* AVX-512BW: one 64-byte compare per delimiter, straight into a mask */
#define HOT_NAME hot_avx512
#define HOT_ATTR __attribute__((target("avx512f,avx512bw,bmi,bmi2")))
#define HOT_SETUP(es, ts) const __m512i E = _mm512_set1_epi8(es), T = _mm512_set1_epi8(ts)
#define HOT_MASKS(p, tm, em)                                                                        \
    do {                                                                                           \
        __m512i v_ = _mm512_loadu_si512((const void *)(p));                                        \
        tm = _mm512_cmpeq_epi8_mask(v_, T);                                                        \
        em = _mm512_cmpeq_epi8_mask(v_, E);                                                        \
    } while (0)
#include "reader_hot.h"
#endif

static const hot_fn HOT_LEVELS[] = {
    NULL, hot_sse2,
#ifdef USE_DISPATCH
    hot_avx2, hot_avx512,
#endif
};

/* The widest level this CPU runs: 1 SSE2, 2 AVX2, 3 AVX-512BW. */
static int hot_best(void)
{
#ifdef USE_DISPATCH
    /* (idempotent; needed where a reader is made before the runtime's own
     * constructors ran, in another library's constructor) */
    __builtin_cpu_init();
    /* (BMI for the bit walk: tzcnt, blsr; every CPU with AVX2 has it) */
    int bmi = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    if (bmi && __builtin_cpu_supports("avx512bw"))
        return 3;
    if (bmi && __builtin_cpu_supports("avx2"))
        return 2;
#endif
    return 1;
}
#endif

/* X12KIT_SIMD in the environment caps the hot loop's instruction set: none,
 * sse2, avx2 or avx512 (a CPU that slows down when AVX-512 runs, a suspected
 * fault, a comparison).  It never raises it past what the CPU has; any other
 * value is ignored.  -1 when it says nothing. */
static int env_level(void)
{
    static const char *const NAMES[] = {"none", "sse2", "avx2", "avx512"};
    const char *v = getenv("X12KIT_SIMD");
    for (int i = 0; v && i < 4; i++)
        if (strcmp(v, NAMES[i]) == 0)
            return i;
    return -1;
}

int x12__reader_simd(x12_reader *r, int level)
{
#ifdef USE_SSE2
    int best = hot_best();
    if (level < 0 || level > best)
        level = best;
    r->hot = HOT_LEVELS[level];
    r->hot_level = level;
    return level;
#else
    (void)level;
    r->hot = NULL;
    r->hot_level = 0;
    return 0;
#endif
}

int x12__reader_simd_level(const x12_reader *r)
{
    return r->hot_level;
}

/* The segment loop.  Returns how much of buf it used: all of it, or up to
 * the end of the interchange or a new ISA. */
static size_t feed_segments(x12_reader *r, const char *buf, size_t len, uint64_t base)
{
    size_t pos = 0;
    while (pos < len && !r->fatal) {
        if (r->state == S_SKIPSEG) {
            const char *t = memchr(buf + pos, r->d.segment, len - pos);
            if (!t)
                return len;
            pos = (size_t)(t - buf) + 1;
            r->state = S_SEG;
            seg_reset(r);
            continue;
        }
        if (!r->in_seg) {
#ifdef USE_SSE2
            if (r->hot && len - pos >= 128) {
                int closed = 0;
                pos = r->hot(r, buf, len, pos, base, &closed);
                if (closed) {
                    r->state = S_BETWEEN;
                    r->bom_pos = 0;
                    return pos;
                }
                if (r->fatal || pos == len)
                    return pos;
            }
#endif
            while (pos < len && r->skip_seg[(unsigned char)buf[pos]])
                pos++;
            if (pos == len)
                return len;
            r->in_seg = 1;
            r->seg_off = base + pos;
            r->seg_len = 0;
            r->nsep = 0;
            if (buf[pos] == 'I') {
                /* Might be a new ISA (an interchange without IEA, or one
                 * whose delimiters differ): decide on four bytes. */
                r->state = S_PEEK;
                r->peek_len = 0;
                return pos;
            }
        }
        size_t q = scan(r, buf + pos, len - pos);
        if (q == len - pos) {
            int rc = carry_append(r, buf + pos, q);
            if (rc == -2) {
                r->fatal = X12_ERR_NOMEM;
                return len;
            }
            if (rc == -1) {
                too_long(r);
                r->state = S_SKIPSEG;
            }
            return len;
        }
        size_t total = r->seg_len + q;
        int closed;
        if (total > r->o.max_segment_length) {
            too_long(r);
            closed = 0;
        } else if (r->seg_len == 0) {
            closed = finish_segment(r, buf + pos, q);
        } else {
            int rc = carry_append(r, buf + pos, q);
            if (rc == -2) {
                r->fatal = X12_ERR_NOMEM;
                return len;
            }
            closed = finish_segment(r, r->carry, r->seg_len);
        }
        seg_reset(r);
        pos += q + 1;
        if (closed) {
            r->state = S_BETWEEN;
            r->bom_pos = 0;
            return pos;
        }
    }
    return pos;
}

/* Four bytes at a segment start beginning with 'I' are in r->peek. */
static void peek_decide(x12_reader *r, int at_eof)
{
    /* 16, not 4: where GCC inlines the 16-byte scan here (profile-guided
     * builds), it warns of loads past four bytes that n <= 4 never makes */
    char p[16];
    size_t n = r->peek_len;
    memcpy(p, r->peek, n);
    r->peek_len = 0;
    if (!at_eof && n == 4 && memcmp(p, "ISA", 3) == 0 && !x12__is_alnum(p[3]) &&
        p[3] != ' ') {
        r->in_seg = 0;
        r->state = S_ISA;
        r->isa_off = r->seg_off;
        r->isa_len = 0;
        feed_isa(r, p, 4);
        return;
    }
    /* An ordinary segment: run the peeked bytes through the segment loop,
     * which continues the segment already started at seg_off. */
    r->state = S_SEG;
    size_t used = 0;
    while (used < n && !r->fatal) {
        if (r->state == S_SEG || r->state == S_SKIPSEG) {
            used += feed_segments(r, p + used, n - used, r->seg_off + used);
        } else {
            used += process(r, p + used, n - used, r->seg_off + used);
        }
    }
}

/* Dispatches bytes to the current state; returns how many were used. */
static size_t process(x12_reader *r, const char *buf, size_t len, uint64_t base)
{
    size_t pos = 0;
    while (pos < len && !r->fatal) {
        switch (r->state) {
        case S_SEG:
        case S_SKIPSEG:
            pos += feed_segments(r, buf + pos, len - pos, base + pos);
            break;
        case S_PEEK:
            while (pos < len && r->peek_len < 4)
                r->peek[r->peek_len++] = buf[pos++];
            if (r->peek_len == 4)
                peek_decide(r, 0);
            break;
        case S_ISA:
            pos += feed_isa(r, buf + pos, len - pos);
            break;
        case S_BETWEEN: {
            unsigned char c = (unsigned char)buf[pos];
            if (r->bom_pos > 0) {
                static const unsigned char BOM[3] = {0xEF, 0xBB, 0xBF};
                if (c == BOM[r->bom_pos]) {
                    pos++;
                    if (++r->bom_pos == 3) {
                        r->bom_pos = 0;
                        if (!r->bom_held)
                            r->bom_held = base + pos - 3 + 1;
                    }
                    break;
                }
                bom_garbage(r, base + pos); /* a broken BOM */
                r->state = S_HUNT;
                r->hunt_match = 0;
                break;
            }
            if (c == 'I') {
                garbage_end(r);
                r->bom_held = 0;
                r->state = S_ISA;
                r->isa_len = 0;
                r->isa_off = base + pos;
                break;
            }
            if (c == 0xEF && (r->o.flags & X12_READ_ALLOW_BOM)) {
                r->bom_pos = 1;
                pos++;
                break;
            }
            if (r->skip_between[c]) {
                pos++;
                break;
            }
            bom_garbage(r, base + pos); /* (from a BOM before it, if one waits) */
            r->state = S_HUNT;
            r->hunt_match = 0;
            break;
        }
        case S_HUNT: {
            /* look for "ISA"; everything before it is garbage */
            while (pos < len) {
                char c = buf[pos];
                if (c == "ISA"[r->hunt_match]) {
                    if (++r->hunt_match == 3) {
                        /* the garbage run ends only if this ISA is good */
                        pos++;
                        r->garbage_len -= 2; /* "IS" were counted */
                        r->state = S_ISA;
                        r->isa_off = base + pos - 3;
                        memcpy(r->isa, "ISA", 3);
                        r->isa_len = 3;
                        r->hunt_match = 0;
                        break;
                    }
                } else {
                    r->hunt_match = c == 'I' ? 1 : 0;
                }
                if (r->ghead_len < sizeof r->ghead)
                    r->ghead[r->ghead_len++] = (unsigned char)c;
                r->garbage_len++;
                pos++;
            }
            break;
        }
        }
    }
    return pos;
}

x12_status x12_reader_feed(x12_reader *r, const void *buf, size_t len)
{
    if (!r)
        return X12_ERR_USAGE;
    if (r->fatal)
        return r->fatal;
    if (r->finished)
        return X12_ERR_USAGE;
    if (len && !buf)
        return X12_ERR_USAGE;
    process(r, buf, len, r->offset);
    r->offset += len;
    r->stats.bytes += len;
    return r->fatal;
}

x12_status x12_reader_finish(x12_reader *r)
{
    if (!r)
        return X12_ERR_USAGE;
    if (r->fatal)
        return r->fatal;
    if (r->finished)
        return X12_ERR_USAGE;
    r->finished = 1;
    if (r->state == S_PEEK)
        peek_decide(r, 1);
    if (r->fatal)
        return r->fatal;
    switch (r->state) {
    case S_ISA:
        if (r->isa_len >= 3 && memcmp(r->isa, "ISA", 3) == 0) {
            x12_slice id = {"ISA", 3};
            report(r, X12_ERR_ISA_SHORT, r->isa_off, 1, 0, id, 0, "", NOSLICE);
        } else {
            garbage_begin(r, r->isa_off, 0);
            r->garbage_len += r->isa_len;
        }
        break;
    case S_SEG:
        if (r->in_seg && r->seg_len > 0) {
            size_t n = r->seg_len;
            /* line breaks after a missing final terminator are not data */
            while (n > 0 && r->skip_seg[(unsigned char)r->carry[n - 1]] &&
                   (r->carry[n - 1] == '\r' || r->carry[n - 1] == '\n'))
                n--;
            const char *e = memchr(r->carry, r->d.element, n);
            x12_slice id = {r->carry, e ? (size_t)(e - r->carry) : n};
            r->seg_index++;
            report(r, X12_ERR_UNTERMINATED, r->seg_off, r->seg_index, 0, id, 0, "", NOSLICE);
            r->seg_index--;
            /* n only drops CR/LF, so every recorded separator is below it */
            if (n > 0)
                finish_segment(r, r->carry, n);
        }
        break;
    case S_BETWEEN:
        /* a BOM, whole or cut, with no ISA after it (the input's end) */
        if (r->bom_pos > 0 || r->bom_held)
            bom_garbage(r, r->offset);
        break;
    default:
        break;
    }
    garbage_end(r);
    x12_segment at;
    memset(&at, 0, sizeof at);
    at.byte_offset = r->offset; /* end of input: no segment to name */
    env_on_eof(&r->env, &(env_reporter){env_report, r}, &at);
    if (!r->seen_isa && !r->reported_anything)
        report(r, X12_ERR_NO_INTERCHANGE, r->offset, 0, 0, NOSLICE, 0,
               r->offset ? "" : "the input is empty", NOSLICE);
    return r->fatal;
}

/* --- element accessors ----------------------------------------------------- */

x12_slice x12_segment_element(const x12_segment *seg, unsigned pos)
{
    if (pos == 0 || pos > seg->element_count)
        return NOSLICE;
    return seg->elements[pos];
}

static x12_slice nth_part(x12_slice v, char sep, unsigned n)
{
    if (n == 0)
        return NOSLICE;
    if (!sep || !v.ptr)
        return n == 1 ? v : NOSLICE;
    const char *p = v.ptr, *end = v.ptr + v.len;
    for (unsigned i = 1; i < n; i++) {
        const char *s = p ? memchr(p, sep, (size_t)(end - p)) : NULL;
        if (!s)
            return NOSLICE;
        p = s + 1;
    }
    if (!p)
        return NOSLICE;
    const char *s = memchr(p, sep, (size_t)(end - p));
    x12_slice out = {p, (size_t)((s ? s : end) - p)};
    return out;
}

x12_slice x12_element_repetition(const x12_segment *seg, x12_slice element, unsigned rep)
{
    return nth_part(element, seg->delims.repetition, rep);
}

x12_slice x12_element_component(const x12_segment *seg, x12_slice value, unsigned comp)
{
    return nth_part(value, seg->delims.component, comp);
}

unsigned x12_count_parts(x12_slice value, char sep)
{
    if (!sep || !value.len)
        return 1;
    unsigned n = 1;
    for (size_t i = 0; i < value.len; i++)
        n += value.ptr[i] == sep;
    return n;
}

void x12__size_text(size_t bytes, char *out, size_t cap)
{
    int mib = bytes >= ((size_t)1 << 20) && !(bytes & (((size_t)1 << 20) - 1));
    snprintf(out, cap, "%zu %s", mib ? bytes >> 20 : bytes >> 10, mib ? "MiB" : "KiB");
}

void x12__segment_locate(const x12_segment *seg, const char *p, uint16_t *element,
                         uint16_t *component)
{
    *element = *component = 0;
    for (uint32_t i = 1; i <= seg->element_count && i <= 65535; i++) {
        x12_slice e = seg->elements[i];
        if (p < e.ptr || p >= e.ptr + e.len)
            continue;
        *element = (uint16_t)i;
        /* the component counts from the start of the repetition holding p */
        char rs = seg->delims.repetition, cs = seg->delims.component;
        const char *start = e.ptr;
        for (const char *q = e.ptr; q < p; q++)
            if (rs && *q == rs)
                start = q + 1;
        unsigned c = 1;
        int composite = 0;
        for (const char *q = start; q < e.ptr + e.len && (!rs || *q != rs); q++)
            if (*q == cs) {
                composite = 1;
                c += q < p;
            }
        *component = (uint16_t)(composite && c <= 65535 ? c : 0);
        return;
    }
}
