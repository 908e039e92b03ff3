/* Private declarations shared by the files of edi/: allocation helpers, the
 * envelope checker the reader drives, and the control-number sets. */
#ifndef X12_EDI_INTERNAL_H
#define X12_EDI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "x12/common.h"
#include "x12/error.h"
#include "x12/reader.h"

/* --- allocation ---------------------------------------------------------- */
void *x12__alloc(const x12_allocator *a, size_t n);
void *x12__realloc(const x12_allocator *a, void *p, size_t n);
void x12__free(const x12_allocator *a, void *p);

/* --- text ----------------------------------------------------------------- */
/* Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80, `avail`
 * bytes there), or 0 when it is not one. */
size_t x12__utf8_seq(const unsigned char *p, size_t avail);
/* The character at p (`avail` bytes there) as UTF-8: a well-formed sequence
 * (or an ASCII byte) as it is, any other byte read as ISO-8859-1 (0xE9 is
 * U+00E9, written into buf).  Sets *out and *outlen to the bytes to write;
 * returns the bytes of p it took. */
size_t x12__utf8_char(const unsigned char *p, size_t avail, char buf[2], const char **out,
                      size_t *outlen);

/* Does the value equal the C string?  Inline, one pass, no strlen or memcmp:
 * the readers ask it of every segment's id and qualifiers (x12_slice_eq()
 * is this, exported). */
static inline int x12__slice_is(x12_slice v, const char *s)
{
    for (size_t i = 0; i < v.len; i++)
        if (!s[i] || s[i] != v.ptr[i])
            return 0;
    return s[v.len] == '\0';
}

/* ASCII classes, whatever the locale: a byte of X12 data is no letter of
 * another alphabet. */
static inline int x12__is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline int x12__is_alnum(char c)
{
    return x12__is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Why x12_amount_parse() refused s, as a static text (edi/amount.c). */
const char *x12__amount_problem(x12_slice s);

/* 1 when p[0..n) is a real CCYYMMDD (or YYMMDD) date (edi/datetime.c). */
int x12__valid_date(const char *p, size_t n);

/* 1 when p[0..n) is a real HHMM[SS[d..]] time. */
int x12__valid_time(const char *p, size_t n);

/* The value of 1 to `maxlen` (at most 18) decimal digits, or -1 when the
 * value is anything else: trailer counts and control numbers (envelope.c),
 * HL01 and the numbers of loop instances (walk.c). */
static inline long long x12__digits_value(x12_slice v, size_t maxlen)
{
    if (v.len == 0 || v.len > maxlen || v.len > 18)
        return -1;
    long long n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return -1;
        n = n * 10 + (v.ptr[i] - '0');
    }
    return n;
}

/* 1 for the bytes a JSON string holds as they are: 0x20-0x7F but " and \. */
extern const unsigned char x12__json_plain[256];

/* An amount in cents as text straight into dst (edi/amount.c): places 2,
 * or 0 for as few as it needs.  At most 24 bytes, no NUL; the length. */
size_t x12__amount_text(int64_t cents, int min_places, char *dst);
/* 1 when the whole segment is UTF-8 and its delimiters ASCII, so that each of
 * its values is UTF-8 too (one check a segment instead of one a value). */
int x12__segment_utf8(const x12_segment *seg);
/* Where the byte at `p` lies in `seg`: its element (0 when it is in none: the
 * id, a separator) and, when that element's repetition has components, its
 * component; 0 otherwise. */
void x12__segment_locate(const x12_segment *seg, const char *p, uint16_t *element,
                         uint16_t *component);
/* The options a writer was made with that decide what text it takes:
 * delimiters, character set, input encoding and the longest segment
 * (edi/writer.c; the encoding points into the writer).  For checks made before a group of segments is
 * written (writers/), so that a bad value refuses the group, not half of it. */
struct x12_writer;
struct x12_writer_options;
void x12__writer_text_options(const struct x12_writer *w, struct x12_writer_options *o);
/* 1 when the writer with options `o` takes text `s` as it is: no delimiter,
 * control byte or byte outside the character set (one above 0x7E only when
 * `o` converts from an encoding and the conversion succeeds) (writers/claim_text.c). */
int x12__text_ok(const struct x12_writer_options *o, const char *s);
/* A memory limit for messages: "32 MiB" when whole MiB, else "256 KiB". */
void x12__size_text(size_t bytes, char *out, size_t cap);

/* The reader's hot loop for one instruction set: 0 none (every segment goes
 * through the general loop), 1 SSE2, 2 AVX2, 3 AVX-512BW; -1 or a level the
 * CPU lacks takes the widest it has (what x12_reader_new does).  Returns the
 * level set.  For tests and benchmarks, which compare the levels. */
int x12__reader_simd(x12_reader *r, int level);
/* The level a reader runs at: x12_reader_new sets the widest, or what
 * X12KIT_SIMD (none, sse2, avx2, avx512) in the environment caps it to. */
int x12__reader_simd_level(const x12_reader *r);

/* --- control-number set: exact for values of up to 9 bytes -------------- */
typedef struct ctlset {
    uint64_t *slots; /* 0 = empty */
    uint32_t cap;    /* power of two */
    uint32_t count;
    uint32_t limit;  /* entries kept at most */
    int overflowed;  /* limit reached: no more duplicate checks */
} ctlset;

enum { CTL_NEW = 0, CTL_DUP = 1, CTL_UNCHECKED = 2, CTL_NOMEM = 3, CTL_OVERFLOW = 4 };

void ctlset_init(ctlset *s, uint32_t limit);
void ctlset_clear(ctlset *s);
void ctlset_free(ctlset *s, const x12_allocator *a);
/* Adds a control number; returns CTL_NEW, CTL_DUP, CTL_UNCHECKED (value longer
 * than 9 bytes or empty, or the set overflowed earlier), CTL_OVERFLOW (this
 * insertion hit the limit) or CTL_NOMEM. */
int ctlset_add(ctlset *s, const x12_allocator *a, x12_slice v);

/* --- envelope checker ---------------------------------------------------- */

/* A control number a trailer must repeat: its first 15 bytes (for
 * messages), its whole length and a 64-bit hash of it, so that a value
 * longer than 15 bytes is still compared whole (memory stays fixed). */
typedef struct ctlnum {
    char text[16];
    size_t len;
    uint64_t hash;
} ctlnum;

typedef struct envelope {
    int in_isa, in_gs, in_st;
    ctlnum isa13, gs06, st02;
    uint32_t groups;       /* GS seen in the current interchange */
    uint32_t sets;         /* ST seen in the current group */
    uint32_t segs;         /* segments of the current set so far, ST included */
    uint32_t interchanges; /* total */
    uint32_t total_groups, total_sets;
    ctlset isa13s, gs06s, st02s;
} envelope;

typedef struct env_reporter {
    void (*fn)(void *r, const x12_segment *seg, x12_status code, uint16_t element,
               const char *detail, x12_slice value);
    void *r;
} env_reporter;

void env_init(envelope *e, uint32_t limit);
void env_free(envelope *e, const x12_allocator *a);
/* A new ISA: closes an interchange left open, checks ISA13.  Returns -1 when
 * memory ran out, else 0. */
int env_on_isa(envelope *e, const x12_allocator *a, x12_segment *seg, const env_reporter *rep);
/* Any other segment: sets seg->set_position.  Returns 1 after an IEA (the
 * interchange is closed), -1 when memory ran out, else 0. */
int env_on_segment(envelope *e, const x12_allocator *a, x12_segment *seg, const env_reporter *rep);
/* End of input: reports whatever is still open, positioned at `at`. */
void env_on_eof(envelope *e, const env_reporter *rep, const x12_segment *at);
#endif
