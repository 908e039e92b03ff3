/* x12kit streaming segment reader.
 *
 * Bytes go in through x12_reader_feed() in chunks of any size; complete
 * segments come out through a callback as zero-copy slices, together with
 * every syntax and envelope error found on the way.  The results do not depend
 * on how the input was cut into chunks.  Memory is bounded by the options
 * (the longest segment, the number of elements, the control numbers kept for
 * duplicate checks) and does not grow with the input.
 *
 * Delimiters are taken from each ISA by position (element separator at byte 3,
 * repetition separator ISA11 at byte 82, component separator ISA16 at byte
 * 104, segment terminator at byte 105) after all 16 element-separator
 * positions are checked.  An input may hold several interchanges, each with
 * its own delimiters.
 *
 * Strict by default: the library follows X12.5/X12.6.  What real senders do
 * is accepted only behind the X12_READ_ALLOW_* flags below.  The `x12` command
 * turns on X12_READ_LENIENT unless given --strict. */
#ifndef X12_READER_H
#define X12_READER_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Leniency and reporting flags (x12_reader_options.flags) ----------- */

/* A UTF-8 byte order mark (EF BB BF) before an ISA is skipped (one that no
 * ISA follows is X12_ERR_GARBAGE, from its first byte). */
#define X12_READ_ALLOW_BOM 0x0001u
/* Spaces, tabs, CR and LF before an ISA are skipped ("\r\nISA*00*..."). */
#define X12_READ_ALLOW_LEADING_SPACE 0x0002u
/* CR and LF after a segment terminator are skipped ("~\r\n"), and so is a CR
 * just before an LF terminator.  A CR or LF terminator works without this
 * flag: it is whatever byte follows ISA16. */
#define X12_READ_ALLOW_LINE_BREAKS 0x0004u
/* Spaces and tabs at the start of a segment are skipped (pretty-printed
 * files that indent segments by loop depth). */
#define X12_READ_ALLOW_INDENT 0x0008u
/* NUL, space, tab, CR, LF and SUB (0x1A) after an IEA are skipped (block
 * padding at the end of a file). */
#define X12_READ_ALLOW_TRAILING_PADDING 0x0010u
/* An ISA11 equal to another delimiter (seen: ISA11 '^' with ISA16 '^') is
 * taken as "no repetition separator" instead of rejecting the interchange. */
#define X12_READ_ALLOW_ISA11_COLLISION 0x0020u
/* Everything the x12 command accepts by default. */
#define X12_READ_LENIENT                                                            \
    (X12_READ_ALLOW_BOM | X12_READ_ALLOW_LEADING_SPACE | X12_READ_ALLOW_LINE_BREAKS | \
     X12_READ_ALLOW_INDENT | X12_READ_ALLOW_TRAILING_PADDING | X12_READ_ALLOW_ISA11_COLLISION)
/* Copy the offending value (a segment id, a control number) into
 * x12_error.value.  Off by default: element values may be patient data. */
#define X12_READ_ERROR_VALUES 0x0100u

/* --- Limits ------------------------------------------------------------- */
#define X12_DEFAULT_MAX_SEGMENT_LENGTH (1u << 20) /* bytes, terminator excluded */
#define X12_DEFAULT_MAX_ELEMENTS 512u             /* data elements in one segment */
#define X12_DEFAULT_MAX_CONTROL_NUMBERS 500000u   /* per duplicate-check scope */
#define X12_DEFAULT_MAX_GZIP_RATIO 200u           /* X12 text compresses 5-30 times */

typedef struct x12_reader_options {
    uint32_t flags;              /* X12_READ_* bits; 0 = strict */
    size_t max_segment_length;   /* longer segments give X12_ERR_SEGMENT_TOO_LONG */
    uint32_t max_elements;       /* more elements give X12_ERR_TOO_MANY_ELEMENTS */
    uint32_t max_control_numbers;/* ISA13 per input, GS06 per interchange, ST02 per
                                    group; past it, duplicates are no longer checked
                                    in that scope and X12_ERR_LIMIT is reported once */
    const x12_allocator *alloc;  /* NULL = libc */
    /* x12_read_file() only: */
    uint64_t max_input_bytes;    /* decompressed bytes read at most; 0 = no limit */
    uint32_t max_gzip_ratio;     /* gzip output at most this many times its input
                                    (a decompression bomb); 0 = no limit */
} x12_reader_options;

/* Fills `opts` with the library defaults: strict, default limits, libc. */
X12_API void x12_reader_options_init(x12_reader_options *opts);

/* --- Segments ----------------------------------------------------------- */

typedef struct x12_delimiters {
    char element;    /* ISA byte 3 */
    char repetition; /* ISA11; '\0' when ISA11 is a letter or digit (4010 'U') */
    char component;  /* ISA16 */
    char segment;    /* the byte after ISA16 */
} x12_delimiters;

/* One segment.  Every slice points into the reader's input or its carry
 * buffer and is valid only during the callback that received it. */
typedef struct x12_segment {
    x12_slice id;               /* "CLM" (same bytes as elements[0]) */
    x12_slice raw;              /* the segment without its terminator */
    const x12_slice *elements;  /* elements[0] is the id, elements[1..element_count] the data */
    uint32_t element_count;     /* data elements, trailing empty ones included */
    x12_delimiters delims;      /* of the interchange the segment belongs to */
    uint64_t byte_offset;       /* of the segment's first byte */
    uint32_t segment_index;     /* from the ISA (ISA = 1) */
    uint32_t set_position;      /* from ST (ST = 1); 0 outside a transaction set */
    uint32_t interchange;       /* 1-based interchange number within the input */
} x12_segment;

/* Returns data element `pos` (1-based) of `seg`, or an empty slice when the
 * segment has fewer elements. */
X12_API x12_slice x12_segment_element(const x12_segment *seg, unsigned pos);

/* Returns repetition `rep` (1-based) of `element`, split on the interchange's
 * repetition separator, or an empty slice.  Without a repetition separator the
 * whole element is repetition 1. */
X12_API x12_slice x12_element_repetition(const x12_segment *seg, x12_slice element, unsigned rep);

/* Returns component `comp` (1-based) of `value` (an element or a repetition),
 * split on the component separator, or an empty slice. */
X12_API x12_slice x12_element_component(const x12_segment *seg, x12_slice value, unsigned comp);

/* Counts the pieces of `value` separated by `sep` (1 for an empty value;
 * 1 when sep is '\0'). */
X12_API unsigned x12_count_parts(x12_slice value, char sep);

/* --- The reader --------------------------------------------------------- */

typedef struct x12_reader x12_reader;

typedef struct x12_reader_callbacks {
    /* Called for each segment.  Return 0 to go on, non-zero to stop: feed()
     * and finish() then return X12_ERR_STOPPED. May be NULL. */
    int (*segment)(void *ctx, const x12_segment *seg);
    /* Called for each problem in the input, before the segment it concerns.
     * The record is valid only during the call.  May be NULL. */
    void (*error)(void *ctx, const x12_error *err);
} x12_reader_callbacks;

typedef struct x12_reader_stats {
    uint64_t bytes;          /* fed so far */
    uint64_t segments;
    uint64_t errors;         /* reported through the error callback */
    uint32_t interchanges;
    uint32_t groups;
    uint32_t sets;
} x12_reader_stats;

/* Creates a reader.  `opts` NULL means x12_reader_options_init() defaults;
 * the callbacks are copied.  Returns NULL when memory runs out.  Free with
 * x12_reader_free(). */
X12_API x12_reader *x12_reader_new(const x12_reader_options *opts,
                                   const x12_reader_callbacks *cb, void *ctx);

/* Feeds `len` bytes.  Problems in the input go to the error callback and do
 * not stop the reader.  Returns X12_OK, X12_ERR_STOPPED (a callback asked to
 * stop; later calls return it again), or X12_ERR_NOMEM. */
X12_API x12_status x12_reader_feed(x12_reader *r, const void *buf, size_t len);

/* Ends the input: reports an unterminated last segment, interchanges, groups
 * and sets left open, and an input without any interchange.  Returns as
 * x12_reader_feed().  Feeding after finish() returns X12_ERR_USAGE. */
X12_API x12_status x12_reader_finish(x12_reader *r);

/* Copies the running counters into `out`. */
X12_API void x12_reader_get_stats(const x12_reader *r, x12_reader_stats *out);

/* Frees the reader; NULL is a harmless no-op. */
X12_API void x12_reader_free(x12_reader *r);

/* --- Files, stdin and gzip ---------------------------------------------- */

typedef struct x12_input x12_input;

/* Opens `path` ("-" or NULL for standard input) for reading.  gzip input is
 * recognised by its magic bytes (1F 8B) and inflated on the fly, including
 * concatenated members.  Returns NULL and fills `err` (X12_ERR_IO, with the
 * system's reason in detail, or X12_ERR_NOMEM) on failure. */
X12_API x12_input *x12_input_open(const char *path, const x12_allocator *alloc, x12_error *err);

/* Reads up to `cap` decompressed bytes.  Sets *got (0 at end of input).
 * Returns X12_OK, X12_ERR_IO or X12_ERR_GZIP (with byte_offset the
 * decompressed offset reached). */
X12_API x12_status x12_input_read(x12_input *in, void *buf, size_t cap, size_t *got, x12_error *err);

/* 1 when the input is gzip-compressed (known after the first read). */
X12_API int x12_input_is_gzip(const x12_input *in);

/* Compressed bytes read from the source so far (equal to the output for
 * plain input). */
X12_API uint64_t x12_input_raw_bytes(const x12_input *in);

/* Closes the input (standard input is left open); NULL is a no-op. */
X12_API void x12_input_close(x12_input *in);

/* Reads a whole file through a new reader: x12_input_open(), feed in 64 KiB
 * chunks, finish.  I/O and gzip failures are reported through the error
 * callback too, and so is X12_ERR_LIMIT when the input passes
 * opts->max_input_bytes or a gzip stream inflates more than
 * opts->max_gzip_ratio times its compressed size (checked once 1 MiB came
 * out); reading stops there.  Returns X12_OK, X12_ERR_IO, X12_ERR_GZIP,
 * X12_ERR_LIMIT, X12_ERR_NOMEM or X12_ERR_STOPPED. */
X12_API x12_status x12_read_file(const char *path, const x12_reader_options *opts,
                                 const x12_reader_callbacks *cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
